"""deeppsych.data.ppt_items: Pyramids and Palm Trees 型の項目がどれも正しい形をしているか。"""

from collections import Counter

from deeppsych.data import ppt_items as P


def test_every_item_has_one_target_four_distinct_choices_and_one_key():
    items = P.items()
    assert len(items) == 32
    assert len({i.target for i in items}) == 32
    for item in items:
        assert len(item.choices) == 4 and len(set(item.choices)) == 4
        assert item.choices.count(item.answer) == 1
        assert item.target not in item.choices
        assert item.choices[item.answer_index] == item.answer


def test_choice_order_is_seeded_and_balanced():
    assert P.items(seed=1) == P.items(seed=1)
    positions = Counter(i.answer_index for i in P.items())
    assert set(positions) == {0, 1, 2, 3}  # 正解の位置が 1 か所に偏らない


def test_grouped_items_use_each_choice_as_the_answer_once():
    items = P.items()
    by_choice_set = {}
    for item in items:
        by_choice_set.setdefault(frozenset(item.choices), []).append(item.answer)
    groups = [answers for answers in by_choice_set.values() if len(answers) > 1]
    assert len(groups) == 4
    for answers in groups:
        assert len(answers) == 4 and len(set(answers)) == 4
