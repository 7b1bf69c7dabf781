"""deeppsych.data.human_word_similarity: 人の類似度評定と英語コーパスの読み込み。"""

import pytest

from deeppsych.data import human_word_similarity as H


@pytest.mark.parametrize(
    "load, n", [(H.wordsim353, H.WORDSIM353_N_PAIRS), (H.simlex999, H.SIMLEX999_N_PAIRS)]
)
def test_rating_sets_have_the_published_number_of_pairs_on_a_0_to_10_scale(load, n):
    pairs = load()
    assert len(pairs) == n
    low, high = H.RATING_SCALE
    assert all(low <= score <= high for _, _, score in pairs)
    assert all(a == a.lower() and b == b.lower() for a, b, _ in pairs)


def test_inter_rater_agreement_is_a_correlation():
    assert 0.5 < H.SIMLEX999_INTER_RATER_RHO < 0.8


def test_known_items_have_their_published_ratings():
    ws = {(a, b): s for a, b, s in H.wordsim353()}
    sl = {(a, b): s for a, b, s in H.simlex999()}
    assert ws[("tiger", "cat")] == pytest.approx(7.35)
    assert ws[("tiger", "tiger")] == pytest.approx(10.0)
    assert sl[("old", "new")] == pytest.approx(1.58)  # 反対語は「似ていない」と評定される
    assert sl[("smart", "intelligent")] == pytest.approx(9.2)


def test_pairs_in_both_sets_are_rated_lower_for_similarity_than_for_relatedness():
    # 両方にある 9 対はどれも、SimLex (類似だけ) の評定が WordSim (関連も含む) より低い
    ws = {frozenset((a, b)): s for a, b, s in H.wordsim353()}
    shared = [(ws[frozenset((a, b))], s) for a, b, s in H.simlex999() if frozenset((a, b)) in ws]
    assert len(shared) == 9  # 例: clothes–closet は WordSim で 8.0、SimLex で 3.27
    assert all(w > s for w, s in shared)


def test_wiki_corpus_is_stemmed_english_cut_into_chunks():
    sentences = H.wiki_sentences(chunk=100)
    assert 2500 < len(sentences) < 5000
    assert max(len(s) for s in sentences) == 100
    assert 300_000 < sum(len(s) for s in sentences) < 360_000
    assert sentences[0][0] == "anarch" == H.stem("anarchism")


def test_covered_pairs_stems_and_drops_pairs_that_collapse_or_are_missing():
    vocabulary = {"tiger", "cat", "comput", "valid", "vallei"}
    pairs = [
        ("tiger", "cat", 7.35),
        ("computer", "computing", 8.0),  # 同じ語幹 comput になる
        ("tiger", "zebra", 5.0),  # zebra は語彙にない
        ("valid", "valley", 1.0),
    ]
    assert H.covered_pairs(pairs, vocabulary) == [("tiger", "cat", 7.35), ("valid", "valley", 1.0)]


@pytest.mark.parametrize(
    "call, error, message",
    [
        (lambda: H.covered_pairs([], {"a"}), ValueError, "pairs"),
        (lambda: H.stem(""), TypeError, "word"),
        (lambda: H.stem(3), TypeError, "word"),
        (lambda: H.wiki_sentences(chunk=1), ValueError, "chunk"),
        (lambda: H.wiki_sentences(chunk=2.5), TypeError, "chunk"),
    ],
)
def test_bad_input_gives_clear_error(call, error, message):
    with pytest.raises(error, match=message):
        call()
