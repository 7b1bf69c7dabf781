"""deeppsych.data.human_similarity: SimLex-999 と WordSim-353 の内部の整合性。"""

import pytest

from deeppsych.data import human_similarity as H


def test_simlex_has_999_pairs_on_a_0_to_10_scale():
    pairs = H.load("simlex999")
    assert len(pairs) == 999
    assert all(0.0 <= p.rating <= 10.0 for p in pairs)
    assert all(p.word1 and p.word2 and p.word1 != p.word2 for p in pairs)
    by_pair = {(p.word1, p.word2): p.rating for p in pairs}
    # 類似度の教示: 同義語は高く、反意語は低い (論文の例)
    assert by_pair[("smart", "intelligent")] > 8.0
    assert by_pair[("old", "new")] < 2.0


def test_wordsim_has_353_pairs_and_rates_relatedness():
    pairs = H.load("wordsim353")
    assert len(pairs) == 353
    assert all(0.0 <= p.rating <= 10.0 for p in pairs)
    by_pair = {(p.word1, p.word2): p.rating for p in pairs}
    assert by_pair[("tiger", "tiger")] == pytest.approx(10.0)


def test_unknown_name_is_rejected():
    with pytest.raises(ValueError, match="name"):
        H.load("men3000")
