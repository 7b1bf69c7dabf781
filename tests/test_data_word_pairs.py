"""deeppsych.data.word_pairs: 関係のある組・ない組・基準語の一覧が正しく作られているか。"""

import re

import pytest

from deeppsych.data import word_pairs as W

KANJI = re.compile(r"[\u4e00-\u9fff]")


def test_related_pairs_are_distinct_words_without_shared_kanji():
    pairs = W.related_pairs()
    assert len(pairs) == 40
    words = [w for p in pairs for w in p]
    assert len(set(words)) == len(words)
    for a, b in pairs:
        assert not set(KANJI.findall(a)) & set(KANJI.findall(b)), (a, b)


def test_unrelated_pairs_reuse_the_same_words_in_new_combinations():
    related, unrelated = W.related_pairs(), W.unrelated_pairs()
    assert sorted(a for a, _ in unrelated) == sorted(a for a, _ in related)
    assert sorted(b for _, b in unrelated) == sorted(b for _, b in related)
    assert not set(unrelated) & set(related)
    with pytest.raises(ValueError):
        W.unrelated_pairs(shift=40)


def test_reference_words_are_100_unique_and_disjoint_from_the_pairs():
    ref = W.reference_words()
    assert len(ref) == len(set(ref)) == 100
    assert not set(ref) & {w for p in W.related_pairs() for w in p}
