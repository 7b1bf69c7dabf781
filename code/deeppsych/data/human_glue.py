"""人と事前学習モデルの、GLUE の 8 課題での成績 (``book/05_transformer.md``・``book/05_bert.md`` 用)。

出典と値の読み方 (どれも表から写した値で、図から読み取った近似値はない):

* モデル: Devlin et al. (2019) "BERT: Pre-training of deep bidirectional transformers for language
  understanding", NAACL, **Table 1** (GLUE のテストセット、評価サーバーの採点)。行 "OpenAI GPT"、
  "BERT_BASE"、"BERT_LARGE"。各課題の下の訓練例の数も同じ表から。MNLI は一致 (matched, -m) の値。
* 人: Nangia & Bowman (2019) "Human vs. Muppet: A conservative estimate of human performance on the
  GLUE benchmark", ACL, pp. 4566–4575 の推定値 (GLUE のリーダーボードの "GLUE Human Baselines" の行と
  同じ値)。注釈者は専門家ではないクラウドワーカーで、各課題の短い説明と 20 例だけで課題を覚え、
  テストセットの例 (課題ごとに一部) にラベルをつけた。課題ごとの人数は本モジュールでは扱わない。
* 尺度 (単位はどれも 0–100 の点): CoLA は Matthews 相関係数 × 100、STS-B は Spearman 相関 × 100、
  QQP と MRPC は F1、それ以外は正答率 (%)。Devlin et al. の Table 1 と同じ尺度に人の値をそろえた
  (人の MRPC・QQP は F1/正答率、STS-B は Pearson/Spearman の 2 つが報告されているので、F1 と
  Spearman をとった)。
* 注意: 人の QNLI は GLUE の改訂後の版 (Nangia & Bowman の時点) の値で、Devlin et al. の QNLI とは
  テストセットが少し違いうる。WNLI は Devlin et al. が除いたので含めない。
"""

from __future__ import annotations

from .._checks import one_of

#: 課題 (Devlin et al. 2019, Table 1 の列の順)
TASKS: tuple[str, ...] = ("MNLI", "QQP", "QNLI", "SST-2", "CoLA", "STS-B", "MRPC", "RTE")

#: 各課題の尺度
METRIC: dict[str, str] = {
    "MNLI": "正答率 (matched)",
    "QQP": "F1",
    "QNLI": "正答率",
    "SST-2": "正答率",
    "CoLA": "Matthews 相関 × 100",
    "STS-B": "Spearman 相関 × 100",
    "MRPC": "F1",
    "RTE": "正答率",
}

#: 訓練例の数 (Devlin et al. 2019, Table 1 の見出しの下の数: 392k, 363k, 108k, 67k, 8.5k, 5.7k, 3.5k, 2.5k)
N_TRAIN: dict[str, int] = {
    "MNLI": 392_000,
    "QQP": 363_000,
    "QNLI": 108_000,
    "SST-2": 67_000,
    "CoLA": 8_500,
    "STS-B": 5_700,
    "MRPC": 3_500,
    "RTE": 2_500,
}

#: 人の成績 (Nangia & Bowman 2019; GLUE Human Baselines)
HUMAN: dict[str, float] = {
    "MNLI": 92.0,
    "QQP": 59.5,
    "QNLI": 91.2,
    "SST-2": 97.8,
    "CoLA": 66.4,
    "STS-B": 92.6,
    "MRPC": 86.3,
    "RTE": 93.6,
}

#: モデルの成績 (Devlin et al. 2019, Table 1)。GPT は因果的なマスクの復号化器だけのモデル
#: (Radford et al. 2018)、BERT_BASE はそれとほぼ同じ大きさで双方向。
MODELS: dict[str, dict[str, float]] = {
    "OpenAI GPT": {
        "MNLI": 82.1,
        "QQP": 70.3,
        "QNLI": 87.4,
        "SST-2": 91.3,
        "CoLA": 45.4,
        "STS-B": 80.0,
        "MRPC": 82.3,
        "RTE": 56.0,
    },
    "BERT-base": {
        "MNLI": 84.6,
        "QQP": 71.2,
        "QNLI": 90.5,
        "SST-2": 93.5,
        "CoLA": 52.1,
        "STS-B": 85.8,
        "MRPC": 88.9,
        "RTE": 66.4,
    },
    "BERT-large": {
        "MNLI": 86.7,
        "QQP": 72.1,
        "QNLI": 92.7,
        "SST-2": 94.9,
        "CoLA": 60.5,
        "STS-B": 86.5,
        "MRPC": 89.3,
        "RTE": 70.1,
    },
}

#: Devlin et al. (2019) Table 1 の "Average" 列 (WNLI を除く 8 課題の平均。MNLI は -m と -mm の両方を含む)
PUBLISHED_AVERAGE: dict[str, float] = {"OpenAI GPT": 75.1, "BERT-base": 79.6, "BERT-large": 82.1}

#: Devlin et al. (2019) Table 1 の MNLI-mm (不一致) の値 (平均の検算用)
MNLI_MISMATCHED: dict[str, float] = {"OpenAI GPT": 81.4, "BERT-base": 83.4, "BERT-large": 85.9}

#: 人のもう一方の尺度と、上の表にない課題 (同じ出典): MRPC・QQP の正答率、STS-B の Pearson 相関 × 100、
#: MNLI-mm (不一致) の正答率、WNLI の正答率
HUMAN_SECONDARY: dict[str, float] = {
    "MRPC 正答率": 80.8,
    "QQP 正答率": 80.4,
    "STS-B Pearson": 92.7,
    "MNLI-mm": 92.8,
    "WNLI": 95.9,
}

#: 人の GLUE スコア (9 課題の総合点。2 つの尺度がある課題はその平均をとってから 9 課題で平均する)
HUMAN_GLUE_SCORE = 87.1

SOURCE_MODELS = "Devlin et al. (2019), Table 1"
SOURCE_HUMAN = "Nangia & Bowman (2019); GLUE Human Baselines"


def scores(name: str) -> list[float]:
    """TASKS の順に並べた成績。name は "人" またはモデルの名前 (MODELS のキー)。"""
    table = HUMAN if one_of(name, ["人", *sorted(MODELS)], "name") == "人" else MODELS[name]
    return [table[t] for t in TASKS]
