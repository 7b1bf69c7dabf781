"""deeppsych.similarity: 相関係数 = 中心化したベクトルのコサイン類似度 (docs/common_mistakes.md の 12) と埋め込み。"""

import numpy as np
import pytest
import scipy.stats
import torch
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from deeppsych import similarity as S

finite = st.floats(-1e3, 1e3, allow_nan=False, allow_infinity=False)


def vector_pairs():
    return st.integers(3, 40).flatmap(
        lambda n: st.tuples(
            arrays(np.float64, n, elements=finite), arrays(np.float64, n, elements=finite)
        )
    )


def _spread(v):
    return np.ptp(v) > 1e-3 * max(1.0, np.abs(v).max())


@pytest.mark.slow
@settings(max_examples=100, deadline=None)
@given(vector_pairs())
def test_pearson_r_is_cosine_of_centred_vectors_and_matches_numpy_scipy(pair):
    x, y = pair
    assume(_spread(x) and _spread(y))
    r = float(S.pearson_r(x, y))
    xc, yc = x - x.mean(), y - y.mean()
    assert r == pytest.approx(float(S.cosine(xc, yc)), abs=1e-9)
    assert r == pytest.approx(xc @ yc / np.sqrt((xc @ xc) * (yc @ yc)), abs=1e-9)
    assert r == pytest.approx(np.corrcoef(x, y)[0, 1], abs=1e-8)
    assert r == pytest.approx(scipy.stats.pearsonr(x, y).statistic, abs=1e-8)


@settings(max_examples=60, deadline=None)
@given(
    vector_pairs(),
    st.floats(0.01, 100),
    st.floats(0.01, 100),
    st.floats(-1e3, 1e3),
    st.floats(-1e3, 1e3),
)
def test_r_is_invariant_to_shift_and_positive_scale_cosine_only_to_scale(pair, a, c, b, d):
    x, y = pair
    assume(_spread(x) and _spread(y))
    r = float(S.pearson_r(x, y))
    assert float(S.pearson_r(a * x + b, c * y + d)) == pytest.approx(r, abs=1e-7)
    assert float(S.pearson_r(-a * x + b, c * y + d)) == pytest.approx(-r, abs=1e-7)
    assume(np.linalg.norm(x) > 1e-3 and np.linalg.norm(y) > 1e-3)
    assert float(S.cosine(a * x, c * y)) == pytest.approx(float(S.cosine(x, y)), abs=1e-9)


def test_cosine_changes_with_a_shift_but_r_does_not():
    x, y = S.correlated_sample(n=30, rho=0.0, mean=(0.0, 0.0), seed=1)
    assert abs(float(S.cosine(x, y)) - float(S.pearson_r(x, y))) < 0.05
    shifted_cos = float(S.cosine(x + 100, y + 100))
    assert shifted_cos > 0.95  # 共通のずれだけでコサイン類似度は 1 に近づく
    assert float(S.pearson_r(x + 100, y + 100)) == pytest.approx(float(S.pearson_r(x, y)))


def test_correlated_sample_has_the_requested_correlation_and_is_seeded():
    x, y = S.correlated_sample(n=20000, rho=0.6, seed=0)
    assert float(S.pearson_r(x, y)) == pytest.approx(0.6, abs=0.02)
    assert torch.equal(S.correlated_sample(seed=3)[0], S.correlated_sample(seed=3)[0])
    with pytest.raises(ValueError, match="rho"):
        S.correlated_sample(rho=1.0)


def test_batched_cosine_and_matrices_match_numpy():
    rng = np.random.default_rng(0)
    a, b = rng.normal(size=(5, 7)), rng.normal(size=(4, 7))
    unit = lambda m: m / np.linalg.norm(m, axis=1, keepdims=True)  # noqa: E731
    assert np.allclose(S.cosine_matrix(a, b).numpy(), unit(a) @ unit(b).T)
    assert np.allclose(S.cosine(a[:4], b).numpy(), np.diag(unit(a[:4]) @ unit(b).T))
    assert np.allclose(S.correlation_matrix(a).numpy(), np.corrcoef(a))
    assert np.allclose(S.correlation_matrix(a, b).numpy(), np.corrcoef(a, b)[:5, 5:])


def test_angle_degrees():
    assert S.angle_degrees([1.0, 0.0, -1.0, 0.5]).tolist() == pytest.approx([0, 90, 180, 60])
    with pytest.raises(ValueError):
        S.angle_degrees(1.5)


def test_zero_length_zero_variance_mismatch_and_bad_types_raise():
    with pytest.raises(ValueError, match="長さ 0"):
        S.cosine([0.0, 0.0, 0.0], [1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="分散 0"):
        S.pearson_r([2.0, 2.0, 2.0], [1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="同じ形"):
        S.pearson_r([1.0, 2.0, 3.0], [1.0, 2.0])
    with pytest.raises(ValueError, match="2 以上"):
        S.cosine([1.0], [2.0])
    with pytest.raises(ValueError, match="NaN"):
        S.cosine([1.0, float("nan")], [1.0, 2.0])
    with pytest.raises(TypeError):
        S.cosine("abc", "abd")
    with pytest.raises(ValueError, match="空"):
        S.cosine([], [])
    with pytest.raises(ValueError, match="次元"):
        S.cosine_matrix(np.ones((2, 3)), np.ones((2, 4)))


def test_subtract_mean_vector_uses_the_reference_mean():
    rng = np.random.default_rng(1)
    v, ref = rng.normal(size=(6, 4)), rng.normal(size=(10, 4))
    assert np.allclose(S.subtract_mean_vector(v).mean(dim=0).numpy(), 0)
    assert np.allclose(S.subtract_mean_vector(v, ref).numpy(), v - ref.mean(axis=0))
    with pytest.raises(ValueError, match="次元"):
        S.subtract_mean_vector(v, np.ones((3, 5)))


def test_shifted_cosine_runs_from_raw_cosine_to_centred_cosine():
    rng = np.random.default_rng(2)
    a, b, ref = (
        rng.normal(size=(5, 4)) + 3,
        rng.normal(size=(5, 4)) + 3,
        rng.normal(size=(9, 4)) + 3,
    )
    path = S.shifted_cosine(a, b, ref.mean(axis=0), [0.0, 0.5, 1.0])
    assert path.shape == (3, 5)
    assert np.allclose(path[0].numpy(), S.cosine(a, b).numpy())
    centred = S.cosine(S.subtract_mean_vector(a, ref), S.subtract_mean_vector(b, ref))
    assert np.allclose(path[2].numpy(), centred.numpy())
    half = S.cosine(a - 0.5 * ref.mean(axis=0), b - 0.5 * ref.mean(axis=0))
    assert np.allclose(path[1].numpy(), half.numpy())
    # 共通の方向 (すべてに +3) を引くと、無関係な乱数の組の類似度は 1 近くから下がる
    assert (path[0] > 0.7).all() and path[2].abs().mean() < path[0].mean() - 0.4


def test_nearest_neighbours_and_forced_choice():
    vectors = np.array([[1.0, 0.0], [0.9, 0.1], [0.0, 1.0], [-1.0, 0.0]])
    labels = ["a", "b", "c", "d"]
    top = S.nearest_neighbours(vectors[0], vectors, labels, k=2)
    assert [w for w, _ in top] == ["a", "b"]
    assert top[0][1] == pytest.approx(1.0)
    with pytest.raises(ValueError):
        S.nearest_neighbours(vectors[0], vectors, labels[:3])
    targets = np.array([[1.0, 0.0], [0.0, 1.0]])
    choices = np.array([vectors[[3, 2, 1]], vectors[[0, 3, 2]]])
    assert S.forced_choice(targets, choices).tolist() == [2, 2]
    with pytest.raises(ValueError):
        S.forced_choice(targets, choices[:1])


def test_roc_auc_matches_scikit_learn():
    from sklearn.metrics import roc_auc_score

    rng = np.random.default_rng(2)
    pos, neg = rng.normal(1, 1, 30).round(1), rng.normal(0, 1, 40).round(1)  # 同点を含む
    expected = roc_auc_score(np.r_[np.ones(30), np.zeros(40)], np.r_[pos, neg])
    assert S.roc_auc(pos, neg) == pytest.approx(expected)
    assert S.roc_auc([1, 2], [0, 0.5]) == 1.0


@pytest.mark.slow
@pytest.mark.parametrize(("model", "dim"), [("use", 512), ("e5", 384)])
def test_embed_offline_models_unit_length_and_deterministic(model, dim):
    words = ["猫", "ネコ", "電車", "猫"]
    v = S.embed(words, model)
    assert v.shape == (4, dim) and v.dtype == torch.float32
    assert torch.allclose(torch.linalg.vector_norm(v, dim=1), torch.ones(4), atol=1e-5)
    assert torch.equal(v[0], v[3])
    assert torch.equal(S.embed(words, model), v)


@pytest.mark.slow
@pytest.mark.parametrize(("model", "min_auc"), [("use", 0.95), ("e5", 0.85)])
def test_embeddings_rank_related_pairs_above_unrelated(model, min_auc):
    from deeppsych.data import word_pairs

    def pair_cosines(pairs):
        a = S.embed([p[0] for p in pairs], model)
        return S.cosine(a, S.embed([p[1] for p in pairs], model))

    related = pair_cosines(word_pairs.related_pairs())
    unrelated = pair_cosines(word_pairs.unrelated_pairs())
    assert S.roc_auc(related, unrelated) > min_auc


@pytest.mark.slow
def test_e5_is_anisotropic_and_centring_removes_the_common_direction():
    from deeppsych.data import word_pairs

    unrelated = word_pairs.unrelated_pairs()
    ref = S.embed(word_pairs.reference_words(), "e5")
    a = S.embed([p[0] for p in unrelated], "e5")
    b = S.embed([p[1] for p in unrelated], "e5")
    assert float(S.cosine(a, b).mean()) > 0.7  # 無関係な組でも高い
    # 成分の平均を引く (ピアソンの r) だけでは偏りは消えない
    assert float(S.pearson_r(a, b).mean()) > 0.7
    centred = S.cosine(S.subtract_mean_vector(a, ref), S.subtract_mean_vector(b, ref))
    assert abs(float(centred.mean())) < 0.15


def test_embed_rejects_bad_input():
    with pytest.raises(ValueError, match="model"):
        S.embed(["猫"], "bert")
    with pytest.raises(TypeError):
        S.embed("猫")
    with pytest.raises(ValueError, match="空"):
        S.embed([])
    with pytest.raises(TypeError):
        S.embed(["猫", ""])


@pytest.mark.slow
def test_pair_scores_and_answer_by_similarity():
    pairs = [("猫", "ネコ"), ("雨", "傘")]
    scores = S.pair_scores(pairs, "use", reference=["水", "空", "道"])
    assert set(scores) == {"cosine", "pearson", "centred"}
    a, b = S.embed(["猫", "雨"]), S.embed(["ネコ", "傘"])
    assert torch.allclose(scores["cosine"], S.cosine(a, b))
    mean = S.embed(["水", "空", "道"]).double().mean(0)
    assert torch.allclose(scores["centred"], S.cosine(a - mean, b - mean))
    chosen, sims = S.answer_by_similarity(["猫"], [["電車", "ネコ", "机"]])
    assert chosen.tolist() == [1] and sims.shape == (1, 3)
    with pytest.raises(ValueError):
        S.pair_scores([("猫",)])
    with pytest.raises(ValueError):
        S.answer_by_similarity(["猫", "犬"], [["a", "b"], ["c"]])


_NAN = [[1.0, float("nan")], [0.5, 0.2]]
_INF = [[1.0, float("inf")], [0.5, 0.2]]
_GOOD = [[1.0, 0.0], [0.5, 0.2]]


@pytest.mark.parametrize(
    "call, error, message",
    [
        (lambda: S.cosine_matrix(_NAN), ValueError, "NaN"),
        (lambda: S.cosine_matrix(_INF), ValueError, "無限大"),
        (lambda: S.cosine_matrix(_GOOD, _NAN), ValueError, "NaN"),
        (lambda: S.cosine_matrix([[]]), ValueError, "空"),
        (lambda: S.cosine_matrix([["a", "b"]]), TypeError, "数値"),
        (lambda: S.cosine_matrix(_GOOD, [[1.0, 2.0, 3.0]]), ValueError, "次元"),
        (lambda: S.correlation_matrix([[1.0, float("nan"), 2.0]]), ValueError, "NaN"),
        (lambda: S.correlation_matrix([[1.0, 2.0, 3.0]], [[1.0, 2.0]]), ValueError, "次元"),
        (lambda: S.correlation_matrix([[1.0, 1.0, 1.0]]), ValueError, "長さ 0"),
        (
            lambda: S.nearest_neighbours([1.0, float("nan")], _GOOD, ["a", "b"], k=1),
            ValueError,
            "NaN",
        ),
        (lambda: S.nearest_neighbours([1.0, 0.0], _NAN, ["a", "b"], k=1), ValueError, "NaN"),
        (lambda: S.nearest_neighbours([1.0, 0.0], _GOOD, ["a"]), ValueError, "labels"),
        (lambda: S.nearest_neighbours([1.0, 0.0, 0.0], _GOOD, ["a", "b"], k=1), ValueError, "次元"),
        (lambda: S.nearest_neighbours([1.0, 0.0], _GOOD, ["a", "b"], k=3), ValueError, "k"),
        (lambda: S.roc_auc([float("nan")], [0.1]), ValueError, "NaN"),
        (lambda: S.roc_auc([], [0.1]), ValueError, "空"),
        (lambda: S.forced_choice([[1.0, 0.0]], [[[1.0, 0.0, 0.0]]]), ValueError, "選択肢"),
        (lambda: S.forced_choice([[1.0, float("inf")]], [[[1.0, 0.0]]]), ValueError, "無限大"),
        (lambda: S.subtract_mean_vector(_GOOD, [[1.0, 2.0, 3.0]]), ValueError, "次元"),
        (lambda: S.subtract_mean_vector(_INF), ValueError, "無限大"),
        (lambda: S.shifted_cosine(_GOOD, _GOOD, [1.0, 0.0], [[0.0]]), ValueError, "amounts"),
        (lambda: S.shifted_cosine(_GOOD, _GOOD, [1.0, 0.0], [float("nan")]), ValueError, "NaN"),
        (lambda: S.shifted_cosine(_GOOD, _GOOD, [1.0, 0.0, 0.0], [0.5]), ValueError, "shift"),
        (lambda: S.shifted_cosine(_GOOD, [[1.0, 0.0]], [1.0, 0.0], [0.5]), ValueError, "同じ形"),
        (lambda: S.angle_degrees(float("nan")), ValueError, "NaN"),
        (lambda: S.angle_degrees(1.5), ValueError, "−1 以上 1 以下"),
        (lambda: S.centre([]), ValueError, "空"),
        (lambda: S.pearson_r([1.0, 2.0], [1.0, float("nan")]), ValueError, "NaN"),
        (lambda: S.pearson_r([True, False], [1.0, 2.0]), TypeError, "dtype"),
    ],
)
def test_bad_input_is_rejected_before_computing(call, error, message):
    with pytest.raises(error, match=message):
        call()
