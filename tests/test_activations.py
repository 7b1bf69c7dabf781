"""deeppsych.activations: book/01_softmax_attention.md の式を数値で確かめる (docs/common_mistakes.md の 1–7 を含む)。"""

import math

import numpy as np
import pytest
import torch

from deeppsych import activations as A

SCORES = [4.0, 2.0, 1.0, 0.5, 0.1, 0.01]


def test_softmax_matches_reference_values_and_torch():
    expected = [0.7974, 0.1079, 0.0397, 0.0241, 0.0161, 0.0148]
    s = A.softmax(SCORES)
    assert np.allclose(s.numpy(), expected, atol=1e-4)
    assert torch.allclose(s, torch.softmax(torch.tensor(SCORES, dtype=s.dtype), -1))
    assert float(s.sum()) == pytest.approx(1.0)


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_softmax_and_log_softmax_stable_at_1e4(dtype):
    x = torch.tensor([1e4, -1e4, 0.0, 9999.0], dtype=dtype)
    s = A.softmax(x)
    assert torch.isfinite(s).all()
    assert float(s.sum()) == pytest.approx(1.0)
    assert torch.allclose(s, torch.softmax(x, -1))
    ls = A.log_softmax(x)
    assert torch.isfinite(ls).all()
    assert torch.allclose(ls, torch.log_softmax(x, -1))
    assert torch.isfinite(A.softmax(x, temperature=1e-3)).all()


def test_softmax_is_shift_invariant_and_uses_temperature():
    x = torch.tensor(SCORES, dtype=torch.float64)
    assert torch.allclose(A.softmax(x + 123.4), A.softmax(x))
    assert torch.allclose(A.softmax(x, 2.0), A.softmax(x / 2.0))


def test_temperature_limits_are_wta_and_uniform():
    x = torch.tensor(SCORES)
    assert torch.equal(A.softmax(x, 1e-3), A.winner_take_all(x))
    hot = A.softmax(x, 1e6)
    assert torch.allclose(hot, torch.full_like(hot, 1 / len(SCORES)), atol=1e-6)


def test_two_option_softmax_is_sigmoid_of_difference():  # docs/common_mistakes.md の 1
    for x, y in [(0.3, -1.2), (5.0, 4.0), (-7.0, 2.0)]:
        assert float(A.softmax([x, y])[0]) == pytest.approx(float(A.sigmoid(x - y)), abs=1e-12)


def test_sigmoid_derivative_formula_and_maximum():  # docs/common_mistakes.md の 2
    x = torch.linspace(-8, 8, 1601, dtype=torch.float64, requires_grad=True)
    (auto,) = torch.autograd.grad(A.sigmoid(x).sum(), x)
    d = A.sigmoid_derivative(x.detach())
    assert torch.allclose(d, auto)
    assert float(d.max()) == pytest.approx(0.25)
    assert float(x.detach()[d.argmax()]) == pytest.approx(0.0, abs=1e-9)
    # 誤った式 x(1 − x) とは違う
    assert not torch.allclose(d, x.detach() * (1 - x.detach()))


def test_tanh_definition_and_derivative():  # docs/common_mistakes.md の 4
    x = torch.linspace(-5, 5, 101, dtype=torch.float64, requires_grad=True)
    definition = (torch.exp(x) - torch.exp(-x)) / (torch.exp(x) + torch.exp(-x))
    assert torch.allclose(A.tanh(x), definition)
    assert torch.allclose(A.tanh(x), torch.tanh(x))
    (auto,) = torch.autograd.grad(A.tanh(x).sum(), x)
    assert torch.allclose(A.tanh_derivative(x.detach()), auto)
    assert float(A.tanh_derivative(x.detach()).max()) == pytest.approx(1.0)
    assert torch.isfinite(A.tanh(torch.tensor([1e4, -1e4]))).all()


def test_sigmoid_stable_and_symmetric():  # docs/common_mistakes.md の 6: 1 − σ(x) = σ(−x)
    x = torch.tensor([-1e4, -30.0, 0.0, 30.0, 1e4], dtype=torch.float64)
    s = A.sigmoid(x)
    assert torch.isfinite(s).all()
    assert torch.allclose(1 - s, A.sigmoid(-x))


def test_logit_is_inverse_of_sigmoid_and_log_odds():  # docs/common_mistakes.md の 6
    p = torch.tensor([0.01, 0.3, 0.5, 0.9], dtype=torch.float64)
    assert torch.allclose(A.logit(p), torch.log(p / (1 - p)))
    assert torch.allclose(A.sigmoid(A.logit(p)), p)
    with pytest.raises(ValueError, match="0 < p < 1"):
        A.logit([0.0, 0.5])


def test_softmax_jacobian_matches_formula_and_autograd():  # docs/common_mistakes.md の 3
    x = torch.tensor(SCORES, dtype=torch.float64)
    for t in (1.0, 0.5, 3.0):
        jac = A.softmax_jacobian(x, t)
        auto = torch.autograd.functional.jacobian(lambda v, t=t: A.softmax(v, t), x)
        assert torch.allclose(jac, auto)
        s = A.softmax(x, t)
        assert torch.allclose(torch.diagonal(jac), s * (1 - s) / t)
        assert torch.allclose(jac.sum(dim=1), torch.zeros(6, dtype=torch.float64), atol=1e-12)


def test_partition_function_and_boltzmann():  # docs/common_mistakes.md の 7
    x = torch.tensor(SCORES, dtype=torch.float64)
    t = 0.7
    z = torch.exp(A.log_partition_function(x, t))
    assert torch.allclose(torch.exp(x / t) / z, A.softmax(x, t))
    energies = -x
    beta = 1 / t
    p = A.boltzmann(energies, beta)
    assert torch.allclose(p, torch.exp(-beta * energies) / torch.exp(-beta * energies).sum())
    assert torch.allclose(p, A.softmax(x, t))
    # β → ∞ で最低エネルギーの状態だけ、β → 0 で一様
    assert torch.equal(A.boltzmann(energies, 1e4), A.winner_take_all(x).double())
    assert torch.allclose(A.boltzmann(energies, 1e-8), torch.full((6,), 1 / 6, dtype=p.dtype))


def test_binary_cross_entropy_formula_and_torch():  # docs/common_mistakes.md の 5
    z = torch.tensor([-3.0, -0.5, 0.0, 2.0, 12.0], dtype=torch.float64)
    t = torch.tensor([1.0, 0.0, 1.0, 0.0, 1.0], dtype=torch.float64)
    p = torch.sigmoid(z)
    formula = (-(t * torch.log(p) + (1 - t) * torch.log(1 - p))).mean()
    assert float(A.binary_cross_entropy(z, t)) == pytest.approx(float(formula))
    torch_bce = torch.nn.functional.binary_cross_entropy_with_logits(z, t)
    assert float(A.binary_cross_entropy(z, t)) == pytest.approx(float(torch_bce))
    assert float(A.binary_cross_entropy(z, t)) > 0
    assert math.isfinite(float(A.binary_cross_entropy(torch.tensor([-1e4]), torch.tensor([1.0]))))


def test_cross_entropy_matches_torch():
    g = torch.Generator().manual_seed(0)
    logits = torch.randn(8, 5, generator=g, dtype=torch.float64)
    targets = torch.randint(0, 5, (8,), generator=g)
    ours = A.cross_entropy(logits, targets)
    assert float(ours) == pytest.approx(float(torch.nn.functional.cross_entropy(logits, targets)))


def test_cross_entropy_gradient_is_p_minus_t_and_squared_error_vanishes():
    z = torch.linspace(-8, 8, 33, dtype=torch.float64)
    t = torch.ones_like(z)
    g_ce = A.gradient_wrt_logits(A.binary_cross_entropy, z, t)
    assert torch.allclose(g_ce, torch.sigmoid(z) - t)
    g_se = A.gradient_wrt_logits(A.squared_error, z, t)
    p = torch.sigmoid(z)
    assert torch.allclose(g_se, (p - t) * p * (1 - p))
    assert abs(float(g_se[0])) < 1e-3 < abs(float(g_ce[0]))


@pytest.mark.slow
def test_k_winners_take_all_ends_with_exactly_k_winners():
    g = torch.Generator().manual_seed(1)
    for trial in range(20):
        n = 5 + trial
        x = torch.randperm(n, generator=g).double() / n  # 入力の間隔 1/n ≫ 1/gain
        k = 1 + trial % (n - 1)
        result = A.k_winners_take_all(x, k, gain=200.0)
        assert int(result.winners.sum()) == k
        assert set(result.winners.nonzero().flatten().tolist()) == set(x.topk(k).indices.tolist())
        assert float(result.activity[-1].sum()) == pytest.approx(k, abs=1e-2)
        assert float(result.activity[0].sum()) > k  # はじめは k より多くが活動している


@pytest.mark.slow
def test_vanishing_gradient_sigmoid_vs_relu():
    sig = A.layer_gradient_norms("sigmoid", depth=12, seed=0)
    relu = A.layer_gradient_norms("relu", depth=12, seed=0)
    assert sig.shape == (12,)
    # sweep seeds 0-2 × {native, default}: sigmoid 1.5e-8–1.2e-7 (threshold 1e-4, margin > 800×);
    # ReLU 0.112–0.679 (thresholds 0.02 and 50: a factor ≥ 5 from the observed range)
    assert float(sig[0] / sig[-1]) < 1e-4
    assert 0.02 < float(relu[0] / relu[-1]) < 50


@pytest.mark.parametrize(
    "call, error, message",
    [
        (lambda: A.softmax([1.0, 2.0], temperature=0), ValueError, "temperature"),
        (lambda: A.softmax([1.0, 2.0], temperature=-1.0), ValueError, "temperature"),
        (lambda: A.softmax([]), ValueError, "空"),
        (lambda: A.softmax("abc"), TypeError, "数値"),
        (lambda: A.softmax(["a", "b"]), TypeError, "数値"),
        (lambda: A.softmax(3.0), ValueError, "1 次元以上"),
        (lambda: A.softmax_jacobian([[1.0, 2.0]]), ValueError, "1 次元"),
        (lambda: A.cross_entropy([1.0, 2.0], [0]), ValueError, "2 次元"),
        (lambda: A.cross_entropy([[1.0, 2.0]], [2]), ValueError, "クラス番号"),
        (lambda: A.cross_entropy([[1.0, 2.0]], [0.5]), TypeError, "整数"),
        (lambda: A.binary_cross_entropy([0.0, 1.0], [1.0]), ValueError, "形"),
        (lambda: A.binary_cross_entropy([0.0], [2.0]), ValueError, "0 以上 1 以下"),
        (lambda: A.k_winners_take_all([0.1, 0.2], k=2), ValueError, "k は"),
        (lambda: A.k_winners_take_all([0.1, 0.2], k=0), ValueError, "k は 1 以上"),
        (lambda: A.layer_gradient_norms("softplus"), ValueError, "activation"),
    ],
)
def test_bad_input_gives_clear_error(call, error, message):
    with pytest.raises(error, match=message):
        call()


@pytest.mark.parametrize(
    "call, error, message",
    [
        (lambda: A.sigmoid([0.0, float("nan")]), ValueError, "NaN"),
        (lambda: A.tanh([float("inf")]), ValueError, "無限大"),
        (lambda: A.relu([]), ValueError, "空"),
        (lambda: A.logit([0.5, float("nan")]), ValueError, "NaN"),
        (lambda: A.softmax([0.3, float("nan"), 1.2]), ValueError, "NaN"),
        (lambda: A.softmax([0.3, float("inf")]), ValueError, "inf"),
        (lambda: A.log_softmax([True, False]), TypeError, "dtype"),
        (lambda: A.softmax_jacobian([1.0, float("nan")]), ValueError, "NaN"),
        (lambda: A.log_partition_function([1.0, float("inf")]), ValueError, "無限大"),
        (lambda: A.boltzmann([1.0, 2.0], beta=float("nan")), ValueError, "beta"),
        (lambda: A.winner_take_all([]), ValueError, "空"),
        (lambda: A.binary_cross_entropy([float("nan")], [1.0]), ValueError, "NaN"),
        (lambda: A.binary_cross_entropy([0.0], [float("nan")]), ValueError, "NaN"),
        (lambda: A.squared_error([0.0, 1.0], [1.0]), ValueError, "形"),
        (lambda: A.cross_entropy([[1.0, float("inf")]], [0]), ValueError, "無限大"),
        (lambda: A.cross_entropy([[1.0, 2.0], [0.0, 1.0]], [0]), ValueError, "形"),
        (lambda: A.k_winners_take_all([0.1, float("nan"), 0.3], k=1), ValueError, "NaN"),
        (lambda: A.k_winners_take_all([0.1, 0.2, 0.3], k=1, gain=0.0), ValueError, "gain"),
        (lambda: A.layer_gradient_norms("relu", depth=0), ValueError, "depth"),
        (lambda: A.layer_gradient_norms("relu", seed=-1), ValueError, "seed"),
    ],
)
def test_non_finite_empty_and_mismatched_input_is_rejected(call, error, message):
    with pytest.raises(error, match=message):
        call()
