"""人の般化のデータ (``book/08_regularization.md`` でモデルと並べる値)。出典と確かさを値ごとに書く。

数値のデータ
------------
``HOVLAND_1937_GSR_MM``
    Hovland (1937, Journal of General Psychology 17, 125–148) の音の高さの般化勾配。
    1 つの音 (条件刺激) に電気ショックを対にして皮膚電気反応 (GSR) を条件づけ、その音と、
    そこから弁別閾 (JND) 25 個ずつ離れた 3 つの音に対する反応の大きさを測った。値は
    条件刺激 (0) と 25・50・75 JND の音に対する GSR の平均振幅 18.3、14.9、13.6、12.9
    (検流計の振れ、mm)。この 4 つの値は、Hull (1943, Principles of Behavior) が般化勾配の
    例として描いて以来、学習心理学の教科書に繰り返し引かれている値で、本書はそれに従った。
    **原典の表の番号・ページと参加者数 N は、本書では原典で確かめられていない** (``None``)。
    反応は条件刺激から離れるほど小さくなるが 0 にはならない (どの音にもある程度反応する) ので、
    モデルとは「基線 + 振幅 × 勾配の形」で比べる。

質的な知見 (数を載せない)
------------------------
``SHEPARD_1987``
    Shepard (1987, Science 237, 1317–1323) の般化の普遍法則: 心理的な空間での距離に対して、
    般化の確率はおおよそ指数関数的に (距離 0 でとがった形で) 減る。Shepard はこれを、
    「刺激の効果が及ぶ領域」の位置と大きさについての事前分布からベイズ的に導いた。
``LUCAS_2015``
    Lucas, Griffiths, Williams & Kalish (2015, Psychonomic Bulletin & Review 22, 1193–1215)
    の序論がまとめる関数学習の知見: 人は訓練の範囲の外へ外挿するとき関係が線形だと予想しがちで
    (DeLosh, Busemeyer & McDaniel 1997)、向きの変わる関係 (増えてから減る) は、向きの変わらない
    関係より学びにくい (Brehmer 1974; Byun 1995)。
"""

from __future__ import annotations

from types import MappingProxyType

# 条件刺激からの距離 (JND 25 個を 1 歩とする) と、その音への GSR の平均振幅 (mm)
HOVLAND_1937_STEPS = (0, 1, 2, 3)
HOVLAND_1937_JND_PER_STEP = 25
HOVLAND_1937_GSR_MM = (18.3, 14.9, 13.6, 12.9)
HOVLAND_1937_SOURCE = MappingProxyType(
    {
        "paper": "Hovland (1937), J. Gen. Psychol. 17, 125-148",
        "where": None,  # 原典の表・図の番号は未確認
        "page": None,  # 未確認
        "n_participants": None,  # 未確認
        "stimuli": "tones 0, 25, 50, 75 JNDs from the conditioned tone",
        "units": "mm (mean GSR amplitude, galvanometer deflection)",
        "read_from": "values as reproduced by Hull (1943) and later textbooks; "
        "original table not verified",
    }
)

SHEPARD_1987 = MappingProxyType(
    {
        "paper": "Shepard (1987), Science 237, 1317-1323",
        "gradient_decreases_with_distance": True,
        "shape": "approximately exponential (concave upward, peaked at distance 0)",
        "derived_from_a_prior": True,
    }
)

LUCAS_2015 = MappingProxyType(
    {
        "paper": "Lucas, Griffiths, Williams & Kalish (2015), Psychon. Bull. Rev. 22, 1193-1215",
        "where": "introduction (summary of earlier studies)",
        "extrapolation_expected_linear": True,
        "non_monotonic_harder_to_learn": True,
        "cites": ("DeLosh, Busemeyer & McDaniel (1997)", "Brehmer (1974)", "Byun (1995)"),
    }
)


def hovland_gradient() -> tuple[tuple[int, ...], tuple[float, ...]]:
    """Hovland (1937) の般化勾配: (条件刺激からの歩数, GSR の平均振幅 mm) の組。"""
    return HOVLAND_1937_STEPS, HOVLAND_1937_GSR_MM
