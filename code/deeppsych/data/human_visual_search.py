"""人の視覚探索の傾き: Treisman & Gelade (1980) の実験 1 (結合探索の標的あり・標的なし試行、``book/01_softmax_attention.md``)。

出典: Treisman, A. M., & Gelade, G. (1980). A feature-integration theory of attention.
Cognitive Psychology, 12(1), 97–136. https://doi.org/10.1016/0010-0285(80)90005-5

- 実験 1 (Experiment I)。参加者 6 人。画面の項目数 (display size) は 1, 5, 15, 30。
- 結合探索 (conjunction) の標的は緑の T、妨害刺激は茶色の T と緑の X (色と形の結合)。
- 値は反応時間 (ms) を項目数に回帰した直線の傾き (ms/項目)。標的あり (positive) 試行と
  標的なし (negative) 試行。論文の本文 (実験 1 の結果) が報告し、教科書や総説で広く引用される値で、
  図から読み取った近似値ではない。ただし本書ではこの 2 つの値を原文の PDF のページで照合していないので、
  ページ番号は記さない (照合したら、ここにページを書き足すこと)。

本書のモデルの刺激 (赤と緑、縦と横の棒) は、この実験の刺激 (色つきの文字) とは違う。色と方位の結合探索は、
色と形の結合探索よりずっと効率がよいことが多い (Wolfe, Cave & Franzel, 1989)。ここで比べるのは傾きの大きさそのもの
ではなく、標的なし:標的あり の傾きの比 (逐次・自己打ち切り型の探索なら約 2) と、注視 1 回あたりの時間である。
"""

from __future__ import annotations

from dataclasses import dataclass

SOURCE = (
    "Treisman & Gelade (1980), Cognitive Psychology 12, 97–136, Experiment I "
    "(conjunction search, 6 participants, display sizes 1/5/15/30)"
)
N_PARTICIPANTS = 6
DISPLAY_SIZES: tuple[int, ...] = (1, 5, 15, 30)


@dataclass(frozen=True)
class SearchSlope:
    """探索の傾き 1 つ: 条件、試行の種類 (present / absent)、傾き (ms/項目)。"""

    condition: str
    trial: str
    ms_per_item: float


CONJUNCTION_PRESENT = SearchSlope("conjunction", "present", 28.7)
CONJUNCTION_ABSENT = SearchSlope("conjunction", "absent", 67.1)
SLOPES: tuple[SearchSlope, ...] = (CONJUNCTION_PRESENT, CONJUNCTION_ABSENT)


def absent_present_ratio() -> float:
    """標的なし試行と標的あり試行の傾きの比 (67.1 / 28.7 ≈ 2.34)。"""
    return CONJUNCTION_ABSENT.ms_per_item / CONJUNCTION_PRESENT.ms_per_item
