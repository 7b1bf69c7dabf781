"""Grad-CAM の論文の人の実験の数値 (``book/06_cam.md``)。

出典: Selvaraju, R. R., Cogswell, M., Das, A., Vedantam, R., Parikh, D., & Batra, D. (2020).
Grad-CAM: Visual explanations from deep networks via gradient-based localization.
*International Journal of Computer Vision*, 128(2), 336–359. doi:10.1007/s11263-019-01228-7
(arXiv:1610.02391 の最終版)。同じ実験は ICCV 2017 版 (5 節) にも載っている。

すべて論文の **本文と表** に数字で書かれた値で、図から読み取った近似値は含まない。
頁は版によってずれるので、節と表の番号で示す (IJCV 版の 5 節 "Evaluating Visualizations"、表 2
"Quantitative Visualization Evaluation")。

* 5.1 節 (class discrimination): PASCAL VOC 2007 の検証用画像のうち、注釈されたカテゴリーがちょうど 2 つの
  画像について、片方のカテゴリーの図を Amazon Mechanical Turk の作業者 43 人に見せ、
  「この図は 2 つのカテゴリーのどちらを表しているか」を答えさせた。90 の画像とカテゴリーの組 × 4 種類の図
  = 360 枚、1 枚につき 9 人分の評定を正解と照らして平均した正答率 (%)。図は VGG-16 と AlexNet から作った。
  Guided Backpropagation 44.44 % と Guided Grad-CAM 61.23 % は表 2 と本文、Deconvolution 53.33 % と
  Deconvolution Grad-CAM 60.37 % は本文にある。
* 5.2 節 (trust): 両方のモデルが正解した画像について、AlexNet と VGG-16 の図を並べて見せ、
  作業者 54 人が、どちらのモデルが信頼できるかを −2 〜 +2 で評定した (VGG-16 がより信頼できる向きが正)。
  値は表 2。VGG-16 と AlexNet の PASCAL の分類の mAP (79.09, 69.20) は本文。
* 5.3 節 (faithfulness): 2510 枚の画像で、図と遮蔽 (occlusion) の地図との順位相関。表 2 と本文。
"""

from __future__ import annotations

SOURCE = (
    "Selvaraju et al. (2020), International Journal of Computer Vision 128(2):336–359, "
    "5 節 (5.1–5.3) と表 2"
)

# 5.1 節: 「2 つのカテゴリーのどちらの図か」の正答率 (%)、43 人、90 組 × 4 種類、1 枚 9 評定
CLASS_DISCRIMINATION_PERCENT: dict[str, float] = {
    "deconvolution": 53.33,  # 本文
    "deconvolution_gradcam": 60.37,  # 本文
    "guided_backprop": 44.44,  # 表 2 と本文
    "guided_gradcam": 61.23,  # 表 2 と本文
}
GRADCAM_GAIN_PERCENT = 16.79  # 本文「Grad-CAM improves human performance by 16.79%」(61.23 − 44.44)
N_WORKERS_DISCRIMINATION = 43
N_IMAGE_CATEGORY_PAIRS = 90
N_VISUALISATION_KINDS = 4
N_VISUALISATIONS = 360
N_RATINGS_PER_VISUALISATION = 9
N_CHOICES = 2  # 問い「Which of the two object categories is depicted in the image?」

# 5.2 節: VGG-16 を AlexNet と比べた相対的な信頼度の平均評定 (−2 〜 +2)、54 人、表 2
RELATIVE_RELIABILITY: dict[str, float] = {"guided_backprop": 1.00, "guided_gradcam": 1.27}
RELIABILITY_SCALE = (-2, 2)
N_WORKERS_TRUST = 54
PASCAL_MAP = {"vgg16": 79.09, "alexnet": 69.20}  # 分類の mAP (%)、本文

# 5.3 節: 遮蔽の地図との順位相関 (2510 枚の平均)
OCCLUSION_RANK_CORRELATION: dict[str, float] = {
    "guided_backprop": 0.168,  # 表 2 と本文
    "guided_gradcam": 0.261,  # 表 2 と本文
    "gradcam": 0.254,  # 本文
    "c_mwp": 0.220,  # 本文
    "cam": 0.208,  # 本文
}
N_IMAGES_OCCLUSION = 2510

# 図の名前 (deeppsych.cam.VISUALISATIONS と同じ)
VISUALISATION_NAMES = tuple(CLASS_DISCRIMINATION_PERCENT)
LABELS = {
    "deconvolution": "Deconvolution",
    "deconvolution_gradcam": "Deconvolution Grad-CAM",
    "guided_backprop": "Guided Backpropagation",
    "guided_gradcam": "Guided Grad-CAM",
}
