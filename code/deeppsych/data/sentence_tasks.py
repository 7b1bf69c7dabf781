"""BERT の課題のデータ (``book/05_bert.md``): 次文予測の文の組と、語順を崩した文の容認性判断 (CoLA 風)。

どれも ``data.planted_corpus`` の生成した文 (語のリスト) から作る。モデルは ``bert`` にある。
"""

from __future__ import annotations

import numpy as np

from .._checks import positive_int

# --- 事前学習 (次文予測) の組 ------------------------------------------------------


def topic_of(sentence, topics: dict[str, str]) -> str | None:
    """文に最初に現れる「話題の語」の話題 (topics: 語 → 話題)。なければ None。"""
    for w in sentence:
        if w in topics:
            return topics[w]
    return None


def sentence_pairs(sentences, topics: dict[str, str], n_pairs: int, seed: int = 0):
    """次文予測の組 (文 A, 文 B, ラベル) を作る。ラベル 1 = IsNext、0 = NotNext (半々)。

    生成したコーパスには文章 (文の並び) がないので、同じ話題 (同じ動物、同じ国とその首都・言語 …) の
    2 文を「続く文」とみなし、違う話題の文を「続かない文」とする。話題のない文は使わない。
    """
    n_pairs = positive_int(n_pairs, "n_pairs")
    by_topic: dict[str, list] = {}
    for s in sentences:
        t = topic_of(s, topics)
        if t is not None:
            by_topic.setdefault(t, []).append(s)
    by_topic = {t: ss for t, ss in by_topic.items() if len(ss) >= 2}
    if len(by_topic) < 2:
        raise ValueError("話題のある文が足りません (2 文以上の話題が 2 つ以上必要です)")
    names = sorted(by_topic)
    rng = np.random.default_rng(seed)
    pairs = []
    for i in range(n_pairs):
        topic = names[rng.integers(len(names))]
        group = by_topic[topic]
        a = group[rng.integers(len(group))]
        if i % 2 == 0:
            b = group[rng.integers(len(group))]
            while b is a:
                b = group[rng.integers(len(group))]
            pairs.append((a, b, 1))
        else:
            other = names[rng.integers(len(names))]
            while other == topic:
                other = names[rng.integers(len(names))]
            pairs.append((a, by_topic[other][rng.integers(len(by_topic[other]))], 0))
    return pairs


def planted_topics(corpus) -> dict[str, str]:
    """planted_corpus の PlantedCorpus から、話題の語 → 話題 の辞書を作る。

    話題は大きなまとまり: カテゴリー (動物・食べ物・乗り物・道具)、国 (国・首都・言語の語)、人 (性別の対の語)。
    """
    topics = {w: name for name, words in corpus.categories.items() for w in words}
    for male, female, _ in corpus.gender_pairs:
        topics.update({male: "人", female: "人"})
    for country, capital, language, _ in corpus.countries:
        topics.update({country: "国", capital: "国", language: "国"})
    return topics


# --- ファインチューニング (容認性判断) の例 ------------------------------------------


def scrambled(sentence, rng: np.random.Generator) -> list[str]:
    """文の語の順番を無作為に並べ替える (最後の句点はそのまま)。元と同じ順になったら並べ直す。"""
    if isinstance(sentence, str) or len(sentence) == 0:
        raise ValueError("sentence は空でない語のリストでなければなりません")
    body, end = (
        (list(sentence[:-1]), [sentence[-1]]) if sentence[-1] == "。" else (list(sentence), [])
    )
    if len(set(body)) < 2:
        raise ValueError("並べ替えられるほど違う語のない文です")
    while True:
        order = rng.permutation(len(body))
        out = [body[i] for i in order]
        if out != body:
            return out + end


def acceptability_data(sentences, n: int, seed: int = 0):
    """文法的な文 (ラベル 1) と、語順を崩した文 (ラベル 0) を半々に含む (文, ラベル) のリスト (CoLA 風)。"""
    n = positive_int(n, "n", 2)
    rng = np.random.default_rng(seed)
    usable = [s for s in sentences if len(set(s[:-1])) >= 3]
    if n > len(usable):
        raise ValueError(
            f"n ({n}) が使える文 (違う語を 3 つ以上含む文) の数 ({len(usable)}) より多いです"
        )
    idx = rng.choice(len(usable), size=n, replace=False)
    return [
        (list(usable[i]), 1) if j % 2 == 0 else (scrambled(usable[i], rng), 0)
        for j, i in enumerate(idx)
    ]


def unseen_sentences(sentences, *seen) -> list[list[str]]:
    """sentences のうち、seen のどの文の集まりにも一字一句同じ形で現れない文 (重複も除き、元の順)。

    評価用の文を、事前学習やファインチューニングで読んだ文と重ならないようにするために使う
    (型の決まったコーパスでは同じ文が何度も生成されるので、別の種で作っただけでは重なる)。
    """
    if isinstance(sentences, str) or len(sentences) == 0:
        raise ValueError("sentences は空でない文 (語のリスト) のリストでなければなりません")
    excluded = {tuple(s) for group in seen for s in group}
    out, kept = [], set()
    for s in sentences:
        key = tuple(s)
        if len(key) == 0:
            raise ValueError("sentences に空の文があります")
        if key not in excluded and key not in kept:
            kept.add(key)
            out.append(list(s))
    return out
