"""word2vec: CBOW と skip-gram を負例サンプリングで学習する (``book/03_word2vec.md``)。

Mikolov, Chen, Corrado & Dean (2013a, arXiv:1301.3781) のモデル CBOW と skip-gram を、
Mikolov, Sutskever, Chen, Corrado & Dean (2013b, NeurIPS, arXiv:1310.4546) の負例サンプリング
(式 4)・雑音分布 U(w)^{3/4}/Z・頻出語の間引き (式 5) で学習する。ミニバッチで一度に多くの組を
計算するので、数十万語のコーパスでも数秒で学習が終わる。

元の C 実装との違い: 確率的勾配法 (学習率を線形に減らす) の代わりに Adam をミニバッチで使う。
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

from . import training
from ._checks import (
    as_float_tensor,
    as_sentences,
    check_seed,
    instance_of,
    nonnegative_number,
    one_of,
    positive_int,
    positive_number,
)
from .text import Vocabulary, tokenize  # noqa: F401  (book/03_word2vec.md は word2vec.tokenize と呼ぶ)
from .training import resolve_device, seeded
from .word_vectors import (  # noqa: F401  (学習したベクトルの調べ方。章は word2vec.analogy などと呼ぶ)
    WordVectors,
    analogy,
    analogy_accuracy,
    category_purity,
    most_similar,
    neighbour_table,
    offset_consistency,
    pca_2d,
    similarity_agreement,
    typical_contexts,
)

MODELS = ("cbow", "skipgram")

# ---------------------------------------------------------------------------
# 文脈窓 (語彙は text.Vocabulary)
# ---------------------------------------------------------------------------


def context_positions(n_tokens: int, centre: int, window: int) -> list[int]:
    """文の中で centre の前後 window 語以内の位置 (centre 自身は除く)。文の端では切れる。"""
    window = positive_int(window, "window")
    n_tokens = positive_int(n_tokens, "n_tokens")
    if isinstance(centre, bool) or not isinstance(centre, int) or not 0 <= centre < n_tokens:
        raise ValueError(
            f"centre は 0 以上 n_tokens ({n_tokens}) 未満の整数でなければなりません ({centre!r})"
        )
    return [
        j for j in range(centre - window, centre + window + 1) if j != centre and 0 <= j < n_tokens
    ]


def cbow_one_hot_table(tokens, vocab: Vocabulary, window: int = 2):
    """CBOW の入力 (文脈語の多ホット表現) と出力 (中心語のワンホット表現) の表。

    行 i は文の i 番目の語を中心語としたときの組。返り値は (入力, 出力) の 2 つの
    (文の長さ, 語彙数) の 0/1 整数配列。
    """
    window = positive_int(window, "window")
    ids = [vocab.index(w) for w in tokens]
    if not ids:
        raise ValueError("tokens が空です")
    inputs = np.zeros((len(ids), len(vocab)), dtype=np.int64)
    targets = np.zeros_like(inputs)
    for i, target in enumerate(ids):
        targets[i, target] = 1
        for j in context_positions(len(ids), i, window):
            inputs[i, ids[j]] = 1
    return inputs, targets


def skipgram_pairs(tokens, window: int = 2) -> list[tuple[str, str]]:
    """skip-gram が学習する (中心語, 文脈語) の組を、文の先頭から順に並べる。"""
    window = positive_int(window, "window")
    if isinstance(tokens, str | bytes):
        raise TypeError(
            "tokens はトークン (文字列) のリストでなければなりません (文字列を受け取りました)"
        )
    tokens = as_sentences([tokens], "tokens")[0]
    return [
        (tokens[i], tokens[j])
        for i in range(len(tokens))
        for j in context_positions(len(tokens), i, window)
    ]


# ---------------------------------------------------------------------------
# 雑音分布と頻出語の間引き (Mikolov et al., 2013b)
# ---------------------------------------------------------------------------


def _counts(counts) -> torch.Tensor:
    """出現回数: 正の有限の値の 1 次元配列 (float64)。"""
    counts = as_float_tensor(counts, "counts").to(torch.float64)
    if counts.dim() != 1 or (counts <= 0).any():
        raise ValueError("counts は正の出現回数の 1 次元配列でなければなりません")
    return counts


def noise_distribution(counts, power: float = 0.75) -> torch.Tensor:
    """負例を引く分布 P_n(w) = U(w)^power / Z (論文では power = 3/4)。"""
    counts = _counts(counts)
    power = nonnegative_number(power, "power")
    weights = counts**power
    return weights / weights.sum()


def sample_negatives(noise: torch.Tensor, shape, generator: torch.Generator,
                     check: bool = True) -> torch.Tensor:  # fmt: skip
    """雑音分布から単語番号を復元抽出する (形 shape)。check=False は学習の内側の呼び出し用 (検査済み)。"""
    if check:
        instance_of(generator, torch.Generator, "generator")
        noise = as_float_tensor(noise, "noise")
        if noise.dim() != 1 or (noise < 0).any() or not noise.sum() > 0:
            raise ValueError("noise は 0 以上の確率の 1 次元配列 (和が正) でなければなりません")
        shape = tuple(shape) if isinstance(shape, tuple | list) else (shape,)
        shape = tuple(positive_int(d, "shape の各要素") for d in shape)
    n = int(np.prod(shape))
    return torch.multinomial(noise.float(), n, replacement=True, generator=generator).view(*shape)


def keep_probabilities(counts, threshold: float = 1e-3) -> np.ndarray:
    """頻出語の間引きで各単語を残す確率 1 − P(w)、P(w) = 1 − sqrt(t / f(w)) (論文の式 5)。

    f(w) は単語 w の相対頻度、t は閾値。f(w) ≤ t の語は必ず残る。
    """
    threshold = positive_number(threshold, "threshold")
    counts = _counts(counts).numpy()
    frequency = counts / counts.sum()
    return np.minimum(1.0, np.sqrt(threshold / frequency))


def _flatten(sentences, vocab: Vocabulary):
    encoded = [np.asarray(vocab.encode(s), dtype=np.int64) for s in sentences]
    ids = np.concatenate(encoded)
    sentence_ids = np.repeat(np.arange(len(encoded)), [len(e) for e in encoded])
    return ids, sentence_ids


def _window_pairs(sentence_ids, window: int, rng: np.random.Generator):
    """(中心の位置, 文脈の位置) の組を一度に作る。中心ごとに窓の幅を 1..window から無作為に選ぶ
    (元の実装と同じく、近い語ほど多く使われる)。同じ文の中の語だけを文脈とする。"""
    n = len(sentence_ids)
    reach = rng.integers(1, window + 1, size=n)
    centres, contexts = [], []
    for d in range(1, window + 1):
        for sign in (-1, 1):
            i = np.arange(max(0, -sign * d), n - max(0, sign * d))
            j = i + sign * d
            ok = (reach[i] >= d) & (sentence_ids[i] == sentence_ids[j])
            centres.append(i[ok])
            contexts.append(j[ok])
    return np.concatenate(centres), np.concatenate(contexts)


# ---------------------------------------------------------------------------
# モデル
# ---------------------------------------------------------------------------


def negative_sampling_loss(
    v_in: torch.Tensor, u_pos: torch.Tensor, u_neg: torch.Tensor, check: bool = True
) -> torch.Tensor:
    """負例サンプリングの損失 (Mikolov et al., 2013b, 式 4 の符号を反転し、ミニバッチで平均)。

    -[ log σ(u_pos · v_in) + Σ_k log σ(−u_neg_k · v_in) ]
    v_in: (B, d) 入力側のベクトル、u_pos: (B, d) 正解の出力側ベクトル、u_neg: (B, K, d) 負例。
    check=False は学習の内側の呼び出し用 (形はモデルが保証する)。
    """
    if check:
        _check_loss_inputs(v_in, u_pos, u_neg)
    positive = F.logsigmoid((u_pos * v_in).sum(-1))
    negative = F.logsigmoid(-(u_neg * v_in.unsqueeze(1)).sum(-1)).sum(-1)
    return -(positive + negative).mean()


def _check_loss_inputs(v_in, u_pos, u_neg) -> None:
    v_in = as_float_tensor(v_in, "v_in", min_dim=2)
    u_pos = as_float_tensor(u_pos, "u_pos", min_dim=2)
    u_neg = as_float_tensor(u_neg, "u_neg", min_dim=3)
    if (
        v_in.dim() != 2
        or u_pos.shape != v_in.shape
        or u_neg.dim() != 3
        or (u_neg.shape[0], u_neg.shape[2]) != tuple(v_in.shape)
    ):
        raise ValueError(
            "形が合いません: v_in (B, d)、u_pos (B, d)、u_neg (B, K, d) が必要です "
            f"(v_in {tuple(v_in.shape)}、u_pos {tuple(u_pos.shape)}、u_neg {tuple(u_neg.shape)})"
        )


class SkipGram(nn.Module):
    """skip-gram: 中心語のベクトルから、文脈語 (と負例) を見分ける。"""

    def __init__(self, vocab_size: int, dim: int):
        super().__init__()
        self.inputs = nn.Embedding(vocab_size, dim)
        self.outputs = nn.Embedding(vocab_size, dim)
        nn.init.uniform_(self.inputs.weight, -0.5 / dim, 0.5 / dim)  # 元の実装と同じ初期値
        nn.init.zeros_(self.outputs.weight)

    def forward(self, centre, context, negatives):
        return negative_sampling_loss(
            self.inputs(centre), self.outputs(context), self.outputs(negatives), check=False
        )


class CBOW(nn.Module):
    """CBOW: 文脈語のベクトルの平均から、中心語 (と負例) を見分ける。

    文脈の語数は位置によって違うので、空きを番号 vocab_size (ベクトルは常に 0) で埋める。
    """

    def __init__(self, vocab_size: int, dim: int):
        super().__init__()
        self.inputs = nn.Embedding(vocab_size + 1, dim, padding_idx=vocab_size)
        self.outputs = nn.Embedding(vocab_size, dim)
        with torch.no_grad():
            self.inputs.weight[:-1].uniform_(-0.5 / dim, 0.5 / dim)
        nn.init.zeros_(self.outputs.weight)
        self.pad = vocab_size

    def forward(self, context, centre, negatives):
        n_context = (context != self.pad).sum(-1, keepdim=True).clamp(min=1)
        mean = self.inputs(context).sum(1) / n_context
        return negative_sampling_loss(
            mean, self.outputs(centre), self.outputs(negatives), check=False
        )


# ---------------------------------------------------------------------------
# 学習
# ---------------------------------------------------------------------------


def train(
    sentences,
    model: str = "skipgram",
    dim: int = 50,
    window: int = 4,
    negatives: int = 5,
    epochs: int = 5,
    batch_size: int = 1024,
    lr: float = 0.01,
    subsample: float | None = 1e-3,
    min_count: int = 1,
    seed: int = 0,
    device=None,
) -> WordVectors:
    """トークン化した文のリストから CBOW か skip-gram の単語ベクトルを学習する。

    エポックごとに、頻出語を式 5 で間引き、窓の幅を無作為に縮め、組を混ぜてミニバッチにする。
    負例は各組に ``negatives`` 個、雑音分布 U(w)^{3/4}/Z から引く。
    """
    one_of(model, MODELS, "model")
    sentences = as_sentences(sentences)
    window = positive_int(window, "window")
    dim, negatives = positive_int(dim, "dim"), positive_int(negatives, "negatives")
    epochs, batch_size = positive_int(epochs, "epochs"), positive_int(batch_size, "batch_size")
    lr = positive_number(lr, "lr")
    device = resolve_device(device)
    with seeded(seed) as generator:  # 重みの初期値と負例の抽出は seed だけで決まる
        rng = np.random.default_rng(seed)
        vocab = Vocabulary.from_sentences(sentences, min_count, unknown="skip")  # 捨てた語は飛ばす
        ids, sentence_ids = _flatten(sentences, vocab)
        keep = keep_probabilities(vocab.counts, subsample) if subsample else np.ones(len(vocab))
        noise = noise_distribution(vocab.counts)
        net = (SkipGram if model == "skipgram" else CBOW)(len(vocab), dim).to(device)
        sampler = _Sampler(ids, sentence_ids, keep, noise, window, negatives, rng, generator)
        log, start = training.LossLog(), time.perf_counter()
        training.train(net, sampler.batches(model, batch_size), _loss, epochs=epochs, lr=lr,
                       callbacks=[log])  # fmt: skip
        seconds = time.perf_counter() - start
        losses = sampler.epoch_means(log.losses, batch_size)
        vectors = net.inputs.weight.detach()[: len(vocab)].cpu().numpy().copy()
        contexts = net.outputs.weight.detach().cpu().numpy().copy()
        return WordVectors(
            vocab,
            vectors,
            model,
            losses,
            np.array(log.losses),
            contexts,
            seconds,
            len(ids) * epochs / seconds,
        )


@dataclass
class _Sampler:
    """学習例の引き方: エポックごとの頻出語の間引き・窓の縮小・並べ替えと、負例の抽出。"""

    ids: np.ndarray
    sentence_ids: np.ndarray
    keep: np.ndarray
    noise: torch.Tensor
    window: int
    negatives: int
    rng: np.random.Generator
    generator: torch.Generator
    sizes: list[int] = field(default_factory=list)  # 各エポックの学習例の数

    def epoch_examples(self, model: str):
        """1 エポックぶんの (入力, 出力) の番号。skip-gram は (中心語, 文脈語)、CBOW は (文脈語の表, 中心語)。"""
        kept = self.rng.random(len(self.ids)) < self.keep[self.ids]
        words, sents = self.ids[kept], self.sentence_ids[kept]
        if model == "skipgram":
            c, o = _window_pairs(sents, self.window, self.rng)
            order = self.rng.permutation(len(c))
            return torch.from_numpy(words[c[order]]), torch.from_numpy(words[o[order]])
        return _cbow_batches(words, sents, self.window, len(self.noise), self.rng)

    def negative_ids(self, n: int) -> torch.Tensor:
        return sample_negatives(self.noise, (n, self.negatives), self.generator, check=False)

    def batches(self, model: str, batch_size: int):
        """``training.train`` に渡す batches(epoch): ミニバッチ (入力, 出力, 負例) を順に返す。"""

        def epoch_batches(epoch: int):
            first, second = self.epoch_examples(model)
            self.sizes.append(len(first))
            for b in range(0, len(first), batch_size):
                x, y = first[b : b + batch_size], second[b : b + batch_size]
                yield x, y, self.negative_ids(len(y))

        return epoch_batches

    def epoch_means(self, batch_losses: list[float], batch_size: int) -> list[float]:
        """エポックごとの平均損失 (ミニバッチの損失を例の数で重みづけた平均)。"""
        means, position = [], 0
        for n in self.sizes:
            total = 0.0
            for b in range(0, n, batch_size):
                total += batch_losses[position] * min(batch_size, n - b)
                position += 1
            means.append(total / max(n, 1))
        return means


def _loss(net, first, second, negatives):
    return net(first, second, negatives)


def _cbow_batches(words, sents, window: int, pad: int, rng):
    """CBOW の例: 各中心語について文脈語の番号を (n, 2·window) に並べ、空きを pad で埋める。"""
    c, o = _window_pairs(sents, window, rng)
    order = np.lexsort((o, c))
    c, o = c[order], o[order]
    starts = np.r_[0, np.flatnonzero(np.diff(c)) + 1]
    slot = np.arange(len(c)) - np.repeat(starts, np.diff(np.r_[starts, len(c)]))
    centres = c[starts]
    table = np.full((len(centres), 2 * window), pad, dtype=np.int64)
    table[np.repeat(np.arange(len(centres)), np.diff(np.r_[starts, len(c)])), slot] = words[o]
    order = rng.permutation(len(centres))
    return torch.from_numpy(table[order]), torch.from_numpy(words[centres[order]])


# ---------------------------------------------------------------------------
# 標準の実装 (gensim) で同じコーパスを学習する
# ---------------------------------------------------------------------------


def train_gensim(
    sentences,
    model: str = "skipgram",
    dim: int = 50,
    window: int = 4,
    negatives: int = 5,
    epochs: int = 5,
    subsample: float = 1e-3,
    min_count: int = 1,
    seed: int = 0,
) -> WordVectors:
    """同じコーパスを gensim の Word2Vec (元の C 実装に忠実な標準の実装) で学習する。

    1 スレッドで動かすので、同じ seed なら同じ結果になる。
    """
    one_of(model, MODELS, "model")
    from gensim.models import Word2Vec

    sentences = as_sentences(sentences)
    dim, window = positive_int(dim, "dim"), positive_int(window, "window")
    negatives, epochs = positive_int(negatives, "negatives"), positive_int(epochs, "epochs")
    subsample = positive_number(subsample, "subsample")
    min_count, seed = positive_int(min_count, "min_count"), check_seed(seed)
    start = time.perf_counter()
    w2v = Word2Vec(
        sentences,
        vector_size=dim,
        window=window,
        negative=negatives,
        hs=0,
        sg=int(model == "skipgram"),
        sample=subsample,
        min_count=min_count,
        epochs=epochs,
        seed=seed,
        workers=1,
    )
    seconds = time.perf_counter() - start
    words = list(w2v.wv.index_to_key)
    vocab = Vocabulary(words, counts=[w2v.wv.get_vecattr(w, "count") for w in words])
    n_tokens = sum(len(s) for s in sentences)
    return WordVectors(
        vocab,
        w2v.wv.vectors.copy(),
        f"gensim-{model}",
        seconds=seconds,
        tokens_per_second=n_tokens * epochs / seconds,
    )
