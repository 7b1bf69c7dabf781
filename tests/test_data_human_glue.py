"""deeppsych.data.human_glue: 写した表の値が出典の平均・総合点と合うこと (写し間違いの検出)。"""

import numpy as np
import pytest

from deeppsych.data import human_glue as H


def test_every_table_has_every_task_once():
    assert len(H.TASKS) == len(set(H.TASKS)) == 8
    for table in (H.METRIC, H.N_TRAIN, H.HUMAN, *H.MODELS.values()):
        assert set(table) == set(H.TASKS)
    assert set(H.MODELS) == set(H.PUBLISHED_AVERAGE) == set(H.MNLI_MISMATCHED)


def test_scores_are_points_between_0_and_100():
    for name in ["人", *H.MODELS]:
        values = np.array(H.scores(name))
        assert values.shape == (8,) and ((values > 0) & (values <= 100)).all()
    with pytest.raises(ValueError):
        H.scores("GPT-4")


@pytest.mark.parametrize("model", sorted(H.MODELS))
def test_model_rows_reproduce_the_published_average(model):
    """Devlin et al. (2019) Table 1 の Average は MNLI-m と MNLI-mm を含む 9 つの数の平均 (小数 1 桁)。"""
    values = [*H.scores(model), H.MNLI_MISMATCHED[model]]
    assert np.mean(values) == pytest.approx(H.PUBLISHED_AVERAGE[model], abs=0.05)


def test_human_row_reproduces_the_published_glue_score():
    """2 つの尺度の課題は平均してから、WNLI を含む 9 課題で平均すると 87.1 になる。"""
    h, s = H.HUMAN, H.HUMAN_SECONDARY
    per_task = [
        (h["MNLI"] + s["MNLI-mm"]) / 2,
        (h["QQP"] + s["QQP 正答率"]) / 2,
        h["QNLI"],
        h["SST-2"],
        h["CoLA"],
        (h["STS-B"] + s["STS-B Pearson"]) / 2,
        (h["MRPC"] + s["MRPC 正答率"]) / 2,
        h["RTE"],
        s["WNLI"],
    ]
    assert np.mean(per_task) == pytest.approx(H.HUMAN_GLUE_SCORE, abs=0.05)


def test_training_set_sizes_decrease_in_table_order():
    sizes = [H.N_TRAIN[t] for t in H.TASKS]
    assert sizes == sorted(sizes, reverse=True)
