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
        with training.seeded(0) as g:
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


def test_seeded_is_reproducible_and_leaves_the_global_state_alone():
    before = torch.random.get_rng_state()
    with training.seeded(3) as g:
        a = torch.nn.Linear(4, 2).weight.detach().clone(), torch.rand(2, generator=g)
    assert torch.equal(torch.random.get_rng_state(), before)
    with training.seeded(3) as g:
        b = torch.nn.Linear(4, 2).weight.detach().clone(), torch.rand(2, generator=g)
    assert torch.equal(a[0], b[0]) and torch.equal(a[1], b[1])
    with training.seeded(4):
        assert not torch.equal(torch.nn.Linear(4, 2).weight, a[0])


def test_resolve_device_is_cpu_unless_asked(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    assert training.resolve_device() == torch.device("cpu")
    assert training.resolve_device("cpu") == torch.device("cpu")
    with pytest.raises(ValueError, match="device"):
        training.resolve_device("not-a-device")
    with pytest.raises(TypeError, match="device"):
        training.resolve_device(3)


def test_asking_for_cuda_without_cuda_is_a_clear_error(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    with pytest.raises(ValueError, match="CUDA"):
        training.resolve_device("cuda")


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


@pytest.mark.parametrize("seed, error", [(-1, ValueError), (1.5, TypeError), (True, TypeError)])
def test_seed_must_be_a_non_negative_integer(seed, error):
    with pytest.raises(error, match="seed"):
        with training.seeded(seed):
            pass


def test_single_thread_restores_the_thread_count_even_after_an_error():
    before = torch.get_num_threads()
    with pytest.raises(RuntimeError):
        with training.single_thread():
            assert torch.get_num_threads() == 1
            raise RuntimeError("boom")
    assert torch.get_num_threads() == before
