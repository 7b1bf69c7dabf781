"""deeppsych.training: 種、装置、学習ループ。"""

import pytest
import torch

from deeppsych import training


def _linear_data(g):
    x = torch.randn(64, 3, generator=g)
    y = x @ torch.tensor([[1.0], [-2.0], [0.5]]) + 0.3
    return x, y


def _mse(model, x, y):
    return ((model(x) - y) ** 2).mean()


def test_train_fits_a_linear_map_and_is_reproducible():
    histories, weights = [], []
    for _ in range(2):
        g = training.seed_everything(0)
        x, y = _linear_data(g)
        model = torch.nn.Linear(3, 1)
        batches = [(x, y)]
        histories.append(
            training.train(model, lambda epoch, b=batches: b, _mse, epochs=300, lr=0.05)
        )
        weights.append(model.weight.detach().clone())
    assert histories[0][-1] < 1e-4 < histories[0][0]
    assert histories[0] == histories[1]
    assert torch.equal(weights[0], weights[1])
    assert torch.allclose(weights[0], torch.tensor([[1.0, -2.0, 0.5]]), atol=1e-2)


def test_default_device_is_usable():
    device = training.default_device()
    assert torch.zeros(1, device=device).device.type == device.type


@pytest.mark.parametrize(
    "kwargs, error, message",
    [
        ({"epochs": 0}, ValueError, "epochs"),
        ({"epochs": 1, "optimizer": "rmsprop"}, ValueError, "optimizer"),
        ({"epochs": 1, "batches": lambda e: []}, ValueError, "バッチ"),
    ],
)
def test_bad_arguments(kwargs, error, message):
    model = torch.nn.Linear(2, 1)
    args = {
        "batches": lambda e: [(torch.zeros(1, 2), torch.zeros(1, 1))],
        "loss_fn": _mse,
        **kwargs,
    }
    with pytest.raises(error, match=message):
        training.train(model, **args)


def test_seed_must_be_a_non_negative_integer():
    with pytest.raises(ValueError, match="seed"):
        training.seed_everything(-1)


def test_single_thread_restores_the_thread_count_even_after_an_error():
    before = torch.get_num_threads()
    with pytest.raises(RuntimeError):
        with training.single_thread():
            assert torch.get_num_threads() == 1
            raise RuntimeError("boom")
    assert torch.get_num_threads() == before
