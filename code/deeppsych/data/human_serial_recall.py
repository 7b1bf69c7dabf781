"""人の短期記憶の系列位置曲線 (``book/04_seq2seq.md`` で符号化器・復号化器モデルと並べる値)。出典と確かさを書く。

数値のデータ
------------
``MORTON2013_SPC``
    即時自由再生 (immediate free recall) の系列位置曲線: 24 語のリストの各位置 (1〜24) の語が
    再生された割合。PyPI のパッケージ psifr 0.10.1 (Morton 2020, Journal of Open Source Software
    5(54), 2669) に同梱の標本データ ``psifr/data/Morton2013.csv`` (psifr の ``fr.sample_data
    ('Morton2013')``) の生の試行データから、本書が計算した値である。図から読み取った値ではない。
    計算: 参加者ごとに、位置ごとの「再生された学習リストの割合」を 48 リストで平均し、それを
    40 人で平均した (psifr の ``fr.spc`` と同じ定義: 反復と侵入 (リストにない語) は数えない)。
    ``MORTON2013_SEM`` は参加者間の標準誤差。
    データの中身: 40 人 × 48 リスト (3 セッション × 16 リスト) × 24 語。語は有名人・場所・物の
    3 カテゴリーで、1 カテゴリーだけのリスト (pure) と混ぜたリスト (mixed) がある。
    psifr の文書はこのデータを Morton2013 と名づけ、Morton, Kahana, Rosenberg, Baltuch, Litt,
    Sharan, Sperling & Polyn (2013, Cerebral Cortex 23(10), 2407–2422) の研究の行動データとして
    いる。論文のどの表・図かは本書では確かめていない (値は論文からではなく同梱の生データから得た)。

再計算の手順 (psifr を入れた環境で):
    ``from psifr import fr; d = fr.merge_free_recall(fr.sample_data('Morton2013'))``
    ``fr.spc(d).groupby('input')['recall'].mean()``

課題の違い (本文で述べること)
----------------------------
これは **自由再生** (思い出した順に答えてよい) のデータで、順序どおりに答える系列再生
(immediate serial recall) ではない。自由再生では終わりの数語がよく再生され (新近性効果、recency)、
最初の数語も中ほどよりよく再生される (初頭性効果、primacy)。系列再生では初頭性効果のほうが
大きく、新近性効果は小さい。順序つきの系列再生の表の値をオフラインで確かめられなかったので、
本書は系列位置曲線の形 (U 字) の比較にこのデータを使う。
"""

from __future__ import annotations

from types import MappingProxyType

from .._checks import positive_int

LIST_LENGTH = 24
N_PARTICIPANTS = 40
LISTS_PER_PARTICIPANT = 48

MORTON2013_SPC: tuple[float, ...] = (
    0.5646, 0.5047, 0.4792, 0.4427, 0.4578, 0.4490, 0.4323, 0.4214,
    0.4437, 0.4365, 0.4437, 0.4500, 0.4297, 0.4562, 0.4677, 0.4745,
    0.4578, 0.5057, 0.5328, 0.5495, 0.5667, 0.6573, 0.8115, 0.9630,
)  # fmt: skip
MORTON2013_SEM: tuple[float, ...] = (
    0.0243, 0.0251, 0.0214, 0.0181, 0.0201, 0.0171, 0.0160, 0.0177,
    0.0191, 0.0196, 0.0156, 0.0145, 0.0203, 0.0184, 0.0188, 0.0194,
    0.0199, 0.0215, 0.0196, 0.0196, 0.0176, 0.0149, 0.0131, 0.0076,
)  # fmt: skip

MORTON2013_SOURCE = MappingProxyType(
    {
        "data_file": "psifr 0.10.1, psifr/data/Morton2013.csv (PyPI)",
        "study": "Morton et al. (2013), Cerebral Cortex 23(10), 2407-2422 (per psifr's documentation)",
        "task": "immediate free recall",
        "list_length": LIST_LENGTH,
        "n_participants": N_PARTICIPANTS,
        "lists_per_participant": LISTS_PER_PARTICIPANT,
        "measure": "proportion of study items recalled, by serial position (mean of participants)",
        "read_from": "computed from the raw trials shipped in the package (not read from a figure)",
    }
)


def serial_position_curve(n_bins: int | None = None) -> tuple[float, ...]:
    """人の系列位置曲線。n_bins を与えると、リストを n_bins 個の等しい区間に分けて平均する。

    長さの違うリスト (モデルは 12 記号、人は 24 語) を「リストの中の相対的な位置」で比べるため。
    n_bins は 24 の約数 (1, 2, 3, 4, 6, 8, 12, 24) でなければならない。
    """
    if n_bins is None:
        return MORTON2013_SPC
    n_bins = positive_int(n_bins, "n_bins")
    if LIST_LENGTH % n_bins:
        raise ValueError(f"n_bins は {LIST_LENGTH} の約数でなければなりません ({n_bins!r})")
    width = LIST_LENGTH // n_bins
    return tuple(sum(MORTON2013_SPC[i * width : (i + 1) * width]) / width for i in range(n_bins))
