"""deeppsych.data.mitchell_nouns: Mitchell et al. (2008) の 60 名詞 (12 カテゴリ×5) と 25 動詞。"""

from collections import Counter

from deeppsych.data import mitchell_nouns as M


def test_sixty_unique_nouns_in_twelve_categories_of_five():
    assert len(M.nouns()) == len(set(M.nouns())) == 60
    assert len(M.nouns_english()) == len(set(M.nouns_english())) == 60
    counts = Counter(M.categories())
    assert len(counts) == 12 and set(counts.values()) == {5}
    assert M.nouns_english()[M.nouns().index("セロリ")] == "celery"


def test_twenty_five_sensory_motor_verbs():
    assert len(M.verbs()) == len(set(M.verbs())) == 25
    assert M.verbs_english()[:6] == ["see", "hear", "listen", "taste", "smell", "eat"]
    assert M.verbs()[M.verbs_english().index("eat")] == "食べる"
