"""人の語の類似度・関連度の評定: SimLex-999 と WordSim-353 (英語、``book/02_cosine_correlation.md``)。

どちらも PyPI の ``gensim`` に同梱されたテスト用データ (``gensim/test/test_data/``) から読む。
何もダウンロードしない。gensim が入っていなければ ImportError になる (本書の requirements.txt と
``deeppsych[notebook]`` には入っている)。

- **SimLex-999** (Hill, Reichart & Korhonen, 2015, Computational Linguistics 41(4), 665–695):
  999 の語の組 (名詞・動詞・形容詞) について、意味の「類似度」(similarity) を 0〜10 で評定した平均値。
  評定者には、関連しているだけ (car–tire、coffee–cup) で似ていない組には低い値をつけるよう教示した。
  ファイル ``simlex999.txt`` の列は 語 1、語 2、人の評定の平均 (Human (mean))。
- **WordSim-353** (Finkelstein et al., 2002, ACM TOIS 20(1), 116–131): 353 の組について、
  「関連の強さ」を 0〜10 で評定した平均値 (最初の 153 組は 13 人、残りの 200 組は 16 人)。
  教示は類似と関連を区別しないので、主題的に関連する組 (cup–coffee など) も高い値をとる。
  ファイル ``wordsim353.tsv`` の列は 語 1、語 2、人の評定の平均。

どちらの値も論文の公開データそのもの (図から読み取った値ではない)。
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources

SOURCES = {
    "simlex999": "Hill, Reichart & Korhonen (2015), SimLex-999, similarity ratings 0–10 (gensim test data)",
    "wordsim353": "Finkelstein et al. (2002), WordSim-353, relatedness ratings 0–10 (gensim test data)",
}
_FILES = {"simlex999": "simlex999.txt", "wordsim353": "wordsim353.tsv"}


@dataclass(frozen=True)
class RatedPair:
    """人が評定した語の組: 語 1、語 2、評定の平均 (0〜10)。"""

    word1: str
    word2: str
    rating: float


def load(name: str) -> list[RatedPair]:
    """``"simlex999"`` か ``"wordsim353"`` の評定を、ファイルの順に返す。"""
    if name not in _FILES:
        raise ValueError(f"name は {sorted(_FILES)} のいずれかです ({name!r})")
    try:
        folder = resources.files("gensim") / "test" / "test_data"
    except ModuleNotFoundError as err:  # pragma: no cover - gensim は本書の依存に入っている
        raise ImportError("人の評定データは gensim に同梱されています: pip install gensim") from err
    text = (folder / _FILES[name]).read_text(encoding="utf-8")
    pairs = []
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        word1, word2, rating = line.split("\t")[:3]
        pairs.append(RatedPair(word1.strip(), word2.strip(), float(rating)))
    return pairs
