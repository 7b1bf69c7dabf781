"""Stroop 課題の人のデータ (``book/07_stroop.md`` でモデルと並べる値)。出典と確かさを値ごとに書く。

数値のデータ
------------
``DUNBAR_MACLEOD_1984_RT_MS``
    色の命名・語の読み × 統制・不一致・一致 の 6 条件の平均反応時間 (ms、声に出して答えた正答試行)。
    Cohen, Dunbar & McClelland (1990, Psychological Review 97, 332–361) の図 5 (標準的な
    Stroop 課題の成績) が「人のデータ」として描いた値で、同図は Dunbar & MacLeod (1984,
    JEP:HPP 10, 622–639) の実験によると述べている。**表ではなく図から読み取った近似値**
    (読み取りの誤差はおよそ ±10 ms) で、Dunbar & MacLeod (1984) のどの実験・どの表の値か、
    参加者数 N、図 5 の載るページは、本書では原典で確かめられていない (``None`` とした)。
    誤り率はこの図にないので載せない。
``STROOP_1935_SECONDS``
    Stroop (1935, Journal of Experimental Psychology 18, 643–662) の、100 項目のカードを
    言い終えるまでの平均時間 (秒)。語の読み (黒いインクの語 41.00 s / 色違いのインクの語
    43.30 s) は実験 1 (N = 70)、色の命名 (色の四角形 63.3 s / 色違いのインクの語 110.3 s)
    は実験 2 (N = 100) の値で、どちらも本文の表に載る平均。表番号とページは未確認。
    カードを続けて読む形式なので、1 試行ずつの反応時間とは単位も課題の形も違う
    (モデルとは比べず、章の導入で効果の大きさを示すのに使う)。

質的な知見 (数を載せない)
------------------------
次の知見は数値を確かめられなかったので、向き (あり/なし、大小) だけを持つ。本文はこれらを
「質的な比較」として扱い、当てはまりの数値は計算しない。

``MACLEOD_DUNBAR_1988``
    MacLeod & Dunbar (1988, JEP:LMC 14, 126–135) の 3 つの実験の要旨 (abstract) にある結果。
    4 つの新しい図形に色の名前を付けて答える練習をし、(段階 3) 図形の形をした色の命名、
    (段階 4) 色のついた図形の命名、の干渉を測った。練習 2 時間まで (実験 1) では段階 4 だけに
    干渉、5 時間 (実験 2) では両方向に干渉、20 時間 (実験 3) では段階 3 だけに干渉 (非対称の逆転)。
    20 時間の後、図形の命名と色の命名の速さは同じになった。
``GLASER_GLASER_1982``
    Glaser & Glaser (1982, JEP:HPP 8, 875–894) の刺激開始時間差 (SOA) の実験の、向きだけの要約。
    色の命名への語の干渉は、語が数百 ms 先に出ても同時のときより大きくならない。語が色より
    数百 ms 後に出ると干渉は消えていく。語の読みは、色が先に出ても色にほとんど邪魔されない。
``PATIENT_PATTERN``
    前頭葉の損傷や統合失調症の人の Stroop 課題の成績の、向きだけの要約
    (Cohen & Servan-Schreiber 1992, Psychological Review 99, 45–77 がモデル化したパタン):
    全体に遅くなるうえに、色の命名の不一致条件が、その遅れから見込まれる以上に遅くなる。
"""

from __future__ import annotations

from types import MappingProxyType

TASKS = ("colour naming", "word reading")
CONDITIONS = ("control", "conflict", "congruent")

DUNBAR_MACLEOD_1984_RT_MS = MappingProxyType(
    {
        ("colour naming", "control"): 656.0,
        ("colour naming", "conflict"): 856.0,
        ("colour naming", "congruent"): 590.0,
        ("word reading", "control"): 496.0,
        ("word reading", "conflict"): 518.0,
        ("word reading", "congruent"): 500.0,
    }
)
DUNBAR_MACLEOD_1984_SOURCE = MappingProxyType(
    {
        "paper": "Dunbar & MacLeod (1984), as plotted by Cohen, Dunbar & McClelland (1990)",
        "where": "Cohen et al. (1990) Figure 5, empirical data",
        "page": None,  # 未確認
        "experiment": None,  # Dunbar & MacLeod (1984) のどの実験か未確認
        "units": "ms (mean vocal RT, correct trials)",
        "n_participants": None,  # 未確認
        "read_from": "figure (approximate, about ±10 ms)",
    }
)

STROOP_1935_SECONDS = MappingProxyType(
    {
        ("colour naming", "control"): 63.3,
        ("colour naming", "conflict"): 110.3,
        ("word reading", "control"): 41.00,
        ("word reading", "conflict"): 43.30,
    }
)
STROOP_1935_SOURCE = MappingProxyType(
    {
        "paper": "Stroop (1935), J. Exp. Psychol. 18, 643-662",
        "word reading": "Experiment 1, N = 70",
        "colour naming": "Experiment 2, N = 100",
        "units": "s to name 100 items (mean over participants)",
        "read_from": "table (means as printed); table numbers and pages not verified",
    }
)
STROOP_1935_N = MappingProxyType({"word reading": 70, "colour naming": 100})


# (実験, 練習の時間, 段階 3 (色の命名 ← 図形) の干渉, 段階 4 (図形の命名 ← 色) の干渉)
MACLEOD_DUNBAR_1988 = (
    {"experiment": 1, "practice_hours": 2, "colour_interfered": False, "shape_interfered": True},
    {"experiment": 2, "practice_hours": 5, "colour_interfered": True, "shape_interfered": True},
    {"experiment": 3, "practice_hours": 20, "colour_interfered": True, "shape_interfered": False},
)
MACLEOD_DUNBAR_1988_SOURCE = MappingProxyType(
    {
        "paper": "MacLeod & Dunbar (1988), J. Exp. Psychol. Learn. Mem. Cogn. 14, 126-135",
        "where": "abstract (qualitative results of Experiments 1-3)",
        "speed_after_20_hours": "shape and colour naming equally rapid",
    }
)

GLASER_GLASER_1982 = MappingProxyType(
    {
        "word_first_does_not_increase_colour_interference": True,
        "late_word_reduces_colour_interference": True,
        "colour_hardly_affects_word_reading_at_any_soa": True,
    }
)

PATIENT_PATTERN = MappingProxyType(
    {
        "overall_slowing": True,
        "disproportionate_colour_naming_conflict": True,
        "source": "Cohen & Servan-Schreiber (1992), Psychological Review 99, 45-77",
    }
)


def dunbar_macleod_rt(trial_types) -> list[float]:
    """trial_types ((課題, 条件) の並び) の順に、Dunbar & MacLeod (1984) の平均反応時間 (ms) を返す。"""
    trial_types = list(trial_types)
    if not trial_types:
        raise ValueError("trial_types が空です: (課題, 条件) の組を 1 つ以上")
    out = []
    for key in trial_types:
        key = tuple(key) if isinstance(key, list | tuple) else key
        if key not in DUNBAR_MACLEOD_1984_RT_MS:
            raise ValueError(f"trial_types の {key!r} は (課題, 条件) の組ではありません")
        out.append(DUNBAR_MACLEOD_1984_RT_MS[key])
    return out
