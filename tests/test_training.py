"""deeppsych.training: 種、装置、学習ループ (steps と epochs、名前つきの損失、コールバック)。"""

import math

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


def test_steps_give_one_loss_per_update_and_epochs_one_mean_per_epoch():
    with training.seeded(0) as g:
        x, y = _linear_data(g)
        model = torch.nn.Linear(3, 1)
    halves = [(x[:32], y[:32]), (x[32:], y[32:])]
    log = training.LossLog()
    by_epoch = training.train(model, lambda e: halves, _mse, epochs=3, lr=0.05, callbacks=[log])
    assert len(by_epoch) == 3 and len(log.losses) == 6
    assert by_epoch == pytest.approx([sum(log.losses[i : i + 2]) / 2 for i in (0, 2, 4)])
    by_step = training.train(model, lambda step: halves[step % 2], _mse, steps=5, lr=0.05)
    assert len(by_step) == 5


def test_named_losses_are_summed_and_logged_part_by_part():
    with training.seeded(0) as g:
        x, y = _linear_data(g)
        model = torch.nn.Linear(3, 1)

    def two_parts(m, x, y):
        return {"fit": _mse(m, x, y), "size": 0.01 * (m.weight**2).sum()}

    log = training.LossLog()
    history = training.train(model, lambda s: (x, y), two_parts, steps=4, callbacks=[log])
    assert set(log.parts) == {"fit", "size"} and len(log.parts["fit"]) == 4
    assert history == pytest.approx([f + r for f, r in zip(*log.parts.values(), strict=True)])


def test_a_callback_can_stop_training():
    class StopAfter:
        def __init__(self, n):
            self.n, self.seen = n, []

        def on_epoch(self, epoch, loss, model):
            self.seen.append(epoch)
            return epoch + 1 >= self.n

    model = torch.nn.Linear(2, 1)
    batch = [(torch.ones(4, 2), torch.zeros(4, 1))]
    stopper = StopAfter(3)
    history = training.train(model, lambda e: batch, _mse, epochs=50, callbacks=[stopper])
    assert len(history) == 3 and stopper.seen == [0, 1, 2]
    assert not model.training  # 学習の後は評価モード


def test_an_epoch_without_batches_has_a_nan_loss():
    model = torch.nn.Linear(2, 1)
    batch = [(torch.ones(4, 2), torch.zeros(4, 1))]
    history = training.train(model, lambda e: batch if e else [], _mse, epochs=2)
    assert math.isnan(history[0]) and history[1] >= 0


def test_training_runs_single_threaded_and_restores_the_thread_count():
    before, seen = torch.get_num_threads(), []

    class Watch:
        def on_step(self, step, loss, parts):
            seen.append(torch.get_num_threads())

    model = torch.nn.Linear(2, 1)
    batch = (torch.ones(4, 2), torch.zeros(4, 1))
    training.train(model, lambda s: batch, _mse, steps=3, callbacks=[Watch()])
    assert seen == [1, 1, 1] and torch.get_num_threads() == before


@pytest.mark.parametrize(
    "kwargs, error, message",
    [
        ({"epochs": 0}, ValueError, "epochs"),
        ({"steps": 0}, ValueError, "steps"),
        ({"epochs": 2.5}, TypeError, "epochs"),
        ({}, ValueError, "epochs"),
        ({"epochs": 1, "steps": 1}, ValueError, "steps"),
        ({"epochs": 1, "optimizer": "rmsprop"}, ValueError, "optimizer"),
        ({"epochs": 1, "lr": 0.0}, ValueError, "lr"),
        ({"epochs": 1, "lr": float("nan")}, ValueError, "lr"),
        ({"epochs": 1, "weight_decay": -1.0}, ValueError, "weight_decay"),
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
