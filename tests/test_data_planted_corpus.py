"""deeppsych.data.planted_corpus: 決定的で、関係が埋め込まれ、文型が十分に多様であること。"""

from collections import Counter

import pytest

from deeppsych.data import planted_corpus as pc


@pytest.fixture(scope="module")
def corpus():
    return pc.generate(20000, seed=0)


def test_same_seed_same_corpus_other_seed_other_corpus():
    assert pc.generate(300, seed=5).sentences == pc.generate(300, seed=5).sentences
    assert pc.generate(300, seed=5).sentences != pc.generate(300, seed=6).sentences
    assert len(pc.generate(123, seed=0).sentences) == 123


def test_bad_sizes_and_seeds_are_rejected():
    with pytest.raises(ValueError):
        pc.generate(0)
    with pytest.raises(TypeError):
        pc.generate("100")
    with pytest.raises(ValueError):
        pc.generate(10, seed=-1)


def test_every_planted_word_occurs_often(corpus):
    counts = Counter(w for s in corpus.sentences for w in s)
    planted = corpus.category_of()
    assert len(planted) == 4 * 10 + 3 * 12 + 2 * 12
    assert min(counts[w] for w in planted) >= 100


def test_capitals_and_languages_only_meet_their_own_country(corpus):
    country_of = {k: c for c, k, _, _ in corpus.countries}
    country_of |= {lang: c for c, _, lang, _ in corpus.countries}
    countries = {c for c, *_ in corpus.countries}
    met = Counter()
    for s in corpus.sentences:
        present = countries.intersection(s)
        for w in s:
            if w in country_of and present:
                assert present == {country_of[w]}, s
                met[w] += 1
    assert all(met[w] >= 20 for w in country_of)


def test_gender_is_carried_only_by_pronouns_and_gender_nouns(corpus):
    male = {m for m, _, _ in corpus.gender_pairs}
    female = {f for _, f, _ in corpus.gender_pairs}
    for s in corpus.sentences:
        words = set(s)
        if words & {"彼", "男性"}:
            assert not words & female, s
        if words & {"彼女", "女性"}:
            assert not words & male, s
    # 対の 2 語はほぼ同じ回数現れる
    counts = Counter(w for s in corpus.sentences for w in s)
    for m, f, _ in corpus.gender_pairs:
        assert 0.7 < counts[m] / counts[f] < 1.4


def test_sentences_are_varied_not_one_template(corpus):
    texts = [pc.as_text(s) for s in corpus.sentences]
    assert len(set(texts)) > 4000
    assert Counter(texts).most_common(1)[0][1] < 0.01 * len(texts)
    # 各カテゴリーの語は 8 種類以上の異なる文脈 (語を伏せた文) に現れる
    for words in corpus.categories.values():
        for word in words:
            frames = {
                " ".join("X" if w == word else w for w in s) for s in corpus.sentences if word in s
            }
            assert len(frames) >= 8, word


def test_analogy_questions_cover_every_ordered_pair(corpus):
    questions = corpus.analogy_questions()
    assert {k: len(v) for k, v in questions.items()} == {
        "国→首都": 132,
        "国→言語": 132,
        "男性→女性": 132,
    }
    assert ("日本", "東京", "フランス", "パリ") in questions["国→首都"]
    assert ("男", "女", "王", "女王") in questions["男性→女性"]


def test_tokens_match_sudachi_mode_c():
    sudachipy = pytest.importorskip("sudachipy")
    pytest.importorskip("sudachidict_core")
    tokenizer = sudachipy.Dictionary(dict="core").tokenizer("C")
    sentences = pc.generate(1500, seed=3).sentences
    agree = [[m.surface() for m in tokenizer.tokenize(pc.as_text(s))] == s for s in sentences]
    assert sum(agree) / len(agree) >= 0.99


def test_typical_verbs_meet_their_category(corpus):
    forms = pc.typical_verb_forms()
    assert forms["動物"] == {"飼う", "飼っ", "飼い"}
    for category, words in corpus.categories.items():
        together = sum(
            1 for s in corpus.sentences if forms[category] & set(s) and set(words) & set(s)
        )
        assert together >= 150, category
