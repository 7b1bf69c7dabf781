"""小さな BERT (Devlin et al. 2019): 穴埋め (MLM) と次文予測 (NSP) の事前学習、分類へのファインチューニング (``book/05_bert.md``)。

* 入力は ``[CLS] 文 A [SEP] 文 B [SEP]``。各位置の表現は 語の埋め込み + 位置の埋め込み + 区間 (A/B) の埋め込み
  の和 (Devlin et al. 2019, 図 2) を層正規化したもの。符号化器の層は ``transformer.EncoderLayer`` をそのまま使う。
* 穴埋めの隠し方 (3.1 節): 特殊記号とパディング以外の各位置を 15% の確率で選び、選んだ位置の 80% を [MASK]、
  10% を無作為な語、10% をそのままにする。損失は選んだ位置だけでとる (ほかの位置のラベルは -100 で無視)。
  80/10/10 をせず、すべての位置で損失をとるのはよくある誤り (docs/common_mistakes.md の 19)。
* 次文予測: [CLS] の表現から、文 B が文 A に続く文か (IsNext) 無作為な文か (NotNext) を当てる。
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from . import training, transformer
from ._checks import instance_of, positive_int
from .text import Vocabulary, pad_batch, padding_mask

PAD, CLS, SEP, MASK, UNK = "[PAD]", "[CLS]", "[SEP]", "[MASK]", "[UNK]"
SPECIALS = (PAD, CLS, SEP, MASK, UNK)
IGNORE = -100  # 損失をとらない位置のラベル (torch の cross_entropy の ignore_index)
EMBED_STD = 0.125  # 埋め込みの初期値の標準偏差 (小さなモデルでは 0.02 だと学習が遅い)


def make_vocabulary(sentences, min_count: int = 1) -> Vocabulary:
    """文 (語のリスト) の集まりから語彙を作る: 0–4 は特殊記号 ([PAD] [CLS] [SEP] [MASK] [UNK])、
    続いて出現回数 min_count 以上の語を多い順 (同数なら文字コード順) に並べる。知らない語は [UNK] になる。
    """
    return Vocabulary.from_sentences(sentences, min_count, SPECIALS, unknown=UNK, ties="sorted")


# --- 入力の組み立て ------------------------------------------------------------


@dataclass
class Batch:
    """BERT の入力のバッチ。どれも (B, L)。segments は文 A が 0、文 B が 1。"""

    tokens: torch.Tensor
    segments: torch.Tensor
    lengths: torch.Tensor

    def to(self, device):
        return Batch(self.tokens.to(device), self.segments.to(device), self.lengths.to(device))


def encode_pairs(vocab: Vocabulary, pairs) -> Batch:
    """(文 A, 文 B または None) の組を ``[CLS] A [SEP] B [SEP]`` の番号列にし、[PAD] で右詰めする。"""
    if not isinstance(vocab, Vocabulary) or CLS not in vocab:
        raise TypeError("vocab は bert.make_vocabulary で作った語彙でなければなりません")
    if isinstance(pairs, str) or not hasattr(pairs, "__len__"):
        raise TypeError("pairs は (文 A, 文 B または None) の組のリストでなければなりません")
    if len(pairs) == 0:
        raise ValueError("pairs が空です")
    rows, segs = [], []
    for i, pair in enumerate(pairs):
        if isinstance(pair, str) or len(pair) != 2:
            raise ValueError(
                f"pairs[{i}] は (文 A, 文 B または None) の 2 つ組でなければなりません"
            )
        a, b = pair
        if isinstance(a, str) or (isinstance(b, str)):
            raise TypeError(f"pairs[{i}] の文は語のリストでなければなりません (文字列ではなく)")
        if len(a) == 0 or (b is not None and len(b) == 0):
            raise ValueError("空の文は入力にできません")
        ids = [vocab.ids[CLS], *vocab.encode(a), vocab.ids[SEP]]
        seg = [0] * len(ids)
        if b is not None:
            ids += [*vocab.encode(b), vocab.ids[SEP]]
            seg += [1] * (len(b) + 1)
        rows.append(ids)
        segs.append(seg)
    tokens, lengths = pad_batch(rows)
    segments, _ = pad_batch(segs)
    return Batch(tokens, segments, lengths)


def mask_tokens(tokens: torch.Tensor, vocab_size: int, n_special: int, generator: torch.Generator,
                p_choose: float = 0.15, p_mask: float = 0.8, p_random: float = 0.1):  # fmt: skip
    """穴埋めの隠し方 (Devlin et al. 2019, 3.1 節)。(隠した入力, ラベル) を返す。

    番号が n_special 未満の位置 (特殊記号とパディング) は決して選ばない。選んだ位置の p_mask を [MASK] に、
    p_random を無作為な (特殊記号でない) 語に、残りはそのままにする。ラベルは選んだ位置だけが元の語で、
    ほかは IGNORE (-100)。
    """
    if not isinstance(tokens, torch.Tensor) or tokens.dtype not in (torch.int64, torch.int32):
        raise TypeError("tokens は整数 (語の番号) の torch.Tensor でなければなりません")
    if tokens.numel() == 0:
        raise ValueError("tokens が空です")
    instance_of(generator, torch.Generator, "generator")
    if not 0 < p_choose < 1 or p_mask < 0 or p_random < 0 or p_mask + p_random > 1:
        raise ValueError("確率は 0 < p_choose < 1、p_mask + p_random ≤ 1 でなければなりません")
    if vocab_size <= n_special:
        raise ValueError("語彙に特殊記号以外の語がありません")
    candidates = tokens >= n_special
    u = torch.rand(tokens.shape, generator=generator)
    chosen = candidates & (u < p_choose)
    labels = torch.where(chosen, tokens, torch.full_like(tokens, IGNORE))
    v = torch.rand(tokens.shape, generator=generator)
    to_mask = chosen & (v < p_mask)
    to_random = chosen & (v >= p_mask) & (v < p_mask + p_random)
    randoms = torch.randint(n_special, vocab_size, tokens.shape, generator=generator)
    masked = tokens.clone()
    masked[to_mask] = SPECIALS.index(MASK)
    masked[to_random] = randoms[to_random]
    return masked, labels


# --- モデル ---------------------------------------------------------------------


class TinyBert(nn.Module):
    """語 + 位置 + 区間の埋め込み → 層正規化 → transformer.EncoderLayer を n_layers 層。

    ヘッド: 穴埋め (各位置で語彙の得点、出力の重みは語の埋め込みと共有)、次文予測 ([CLS] → 2 クラス)。
    """

    def __init__(self, vocab: Vocabulary, d_model: int = 64, n_heads: int = 4, n_layers: int = 2,
                 d_ff: int = 128, max_len: int = 64):  # fmt: skip
        super().__init__()
        self.vocab = vocab
        self.token = nn.Embedding(len(vocab), d_model, padding_idx=0)
        self.position = nn.Embedding(max_len, d_model)
        self.segment = nn.Embedding(2, d_model)
        for table in (self.token, self.position, self.segment):
            nn.init.normal_(table.weight, std=EMBED_STD)
        self.norm = nn.LayerNorm(d_model)
        n_layers = positive_int(n_layers, "n_layers")
        self.layers = nn.ModuleList(
            transformer.EncoderLayer(d_model, n_heads, d_ff) for _ in range(n_layers)
        )
        self.mlm_transform = nn.Sequential(
            nn.Linear(d_model, d_model), nn.GELU(), nn.LayerNorm(d_model)
        )
        self.mlm_bias = nn.Parameter(torch.zeros(len(vocab)))
        self.pooler = nn.Sequential(nn.Linear(d_model, d_model), nn.Tanh())
        self.nsp = nn.Linear(d_model, 2)

    def embed(self, batch: Batch) -> torch.Tensor:
        """E = 語の埋め込み + 位置の埋め込み + 区間の埋め込み (図 2)、を層正規化したもの。"""
        if batch.tokens.shape[1] > self.position.num_embeddings:
            raise ValueError(
                f"系列が長すぎます ({batch.tokens.shape[1]} > {self.position.num_embeddings})"
            )
        positions = torch.arange(batch.tokens.shape[1], device=batch.tokens.device)
        summed = (
            self.token(batch.tokens) + self.position(positions)[None] + self.segment(batch.segments)
        )
        return self.norm(summed)

    def forward(self, batch: Batch):
        """各位置の最終の表現 (B, L, D) と、層ごとの注意の重みのリストを返す。"""
        x = self.embed(batch)
        mask = padding_mask(batch.lengths.to(x.device), x.shape[1])[
            :, None, None, :
        ]  # (B, 1, 1, L)
        weights = []
        for layer in self.layers:
            x, w = layer(x, mask)
            weights.append(w)
        return x, weights

    def mlm_logits(self, hidden: torch.Tensor) -> torch.Tensor:
        """穴埋めのヘッド: 語彙の各語の得点 (出力の重みは語の埋め込みと共有)。"""
        return self.mlm_transform(hidden) @ self.token.weight.T + self.mlm_bias

    def pooled(self, hidden: torch.Tensor) -> torch.Tensor:
        """[CLS] の位置の表現を tanh の層に通したもの (文全体の要約)。"""
        return self.pooler(hidden[:, 0])


class BertClassifier(nn.Module):
    """事前学習した (またはしていない) TinyBert の [CLS] の要約に、分類の線形層をつないだもの。

    分類の層の初期値は seed で決まる (既定の乱数の状態によらない)。
    """

    def __init__(self, bert: TinyBert, n_classes: int = 2, seed: int = 0):
        super().__init__()
        instance_of(bert, TinyBert, "bert")
        self.bert = bert
        n_classes = positive_int(n_classes, "n_classes", 2)
        with training.seeded(seed):
            self.head = nn.Linear(bert.nsp.in_features, n_classes)

    def forward(self, batch: Batch) -> torch.Tensor:
        hidden, _ = self.bert(batch)
        return self.head(self.bert.pooled(hidden))


def build_model(vocab: Vocabulary, d_model: int = 64, n_heads: int = 4, n_layers: int = 2,
                d_ff: int = 128, seed: int = 0, max_len: int = 64) -> TinyBert:  # fmt: skip
    """種を固定して TinyBert を作る。"""
    with training.seeded(seed):
        return TinyBert(vocab, d_model, n_heads, n_layers, d_ff, max_len)


# --- 学習と評価 -----------------------------------------------------------------


def _mlm_loss(model: TinyBert, hidden, labels):
    """選んだ位置だけで語彙の得点を計算し、交差エントロピーをとる (ほかの位置は計算もしない)。"""
    chosen = labels != IGNORE
    return nn.functional.cross_entropy(model.mlm_logits(hidden[chosen]), labels[chosen])


def pretrain(model: TinyBert, pairs, steps: int = 300, batch_size: int = 64, lr: float = 2e-3,
             seed: int = 0) -> dict[str, list[float]]:  # fmt: skip
    """穴埋め + 次文予測の損失の和で事前学習する。隠す位置はバッチごとに新しく選ぶ (動的な隠し方)。

    返り値は {"mlm": […], "nsp": […]} (更新ごとの損失)。
    """
    steps = positive_int(steps, "steps")
    batch_size = positive_int(batch_size, "batch_size")
    device = next(model.parameters()).device
    data = encode_pairs(model.vocab, [(a, b) for a, b, _ in pairs])
    labels_nsp = torch.tensor([y for _, _, y in pairs])
    generator = torch.Generator().manual_seed(seed)
    rng = np.random.default_rng(seed)

    def batches(step):
        idx = torch.as_tensor(rng.choice(len(pairs), min(batch_size, len(pairs)), replace=False))
        width = int(data.lengths[idx].max())
        tokens = data.tokens[idx, :width]
        masked, labels = mask_tokens(tokens, len(model.vocab), model.vocab.n_special, generator)
        batch = Batch(masked, data.segments[idx, :width], data.lengths[idx])
        return batch.to(device), labels, labels_nsp[idx]

    def loss_fn(m, batch, labels, nsp_labels):
        hidden, _ = m(batch)
        return {
            "mlm": _mlm_loss(m, hidden, labels.to(hidden.device)),
            "nsp": nn.functional.cross_entropy(
                m.nsp(m.pooled(hidden)), nsp_labels.to(hidden.device)
            ),
        }

    log = training.LossLog()
    training.train(model, batches, loss_fn, steps=steps, lr=lr, callbacks=[log])
    return log.parts


@torch.no_grad()
@training.single_thread()  # 小さなモデルの推論も 1 スレッド (混んだ 2 コアでは数倍速い)
def evaluate_pretraining(model: TinyBert, pairs, seed: int = 0) -> dict[str, float]:
    """評価用の組での穴埋めの損失 (隠す位置は seed で固定)、穴埋めの正答率、次文予測の正答率。"""
    model.eval()
    device = next(model.parameters()).device
    data = encode_pairs(model.vocab, [(a, b) for a, b, _ in pairs])
    generator = torch.Generator().manual_seed(seed)
    masked, labels = mask_tokens(data.tokens, len(model.vocab), model.vocab.n_special, generator)
    hidden, _ = model(Batch(masked, data.segments, data.lengths).to(device))
    logits = model.mlm_logits(hidden).cpu()
    chosen = labels != IGNORE
    nsp = model.nsp(model.pooled(hidden)).argmax(1).cpu()
    return {
        "mlm_loss": float(nn.functional.cross_entropy(logits[chosen], labels[chosen])),
        "mlm_accuracy": float((logits[chosen].argmax(1) == labels[chosen]).float().mean()),
        "nsp_accuracy": float((nsp == torch.tensor([y for _, _, y in pairs])).float().mean()),
    }


def unigram_baseline(vocab: Vocabulary, train_sentences, pairs, seed: int = 0) -> float:
    """語の出現頻度だけで穴埋めを当てる場合の交差エントロピー (評価の組で、同じ隠し方の位置)。

    頻度は学習用の文から数え、1 を足して平滑化する。文脈をまったく使わない予測の損失である。
    """
    counts = torch.ones(len(vocab))
    for s in train_sentences:
        for i in vocab.encode(s):
            counts[i] += 1
    counts[: vocab.n_special] = 0
    log_p = torch.log(counts / counts.sum())
    data = encode_pairs(vocab, [(a, b) for a, b, _ in pairs])
    _, labels = mask_tokens(
        data.tokens, len(vocab), vocab.n_special, torch.Generator().manual_seed(seed)
    )
    return float(-log_p[labels[labels != IGNORE]].mean())


@torch.no_grad()
@training.single_thread()  # 小さなモデルの推論も 1 スレッド (混んだ 2 コアでは数倍速い)
def fill_mask(model: TinyBert, words: Sequence[str], k: int = 5) -> list[tuple[str, float]]:
    """[MASK] を 1 つ含む文を 1 文として入力し、その位置の予測の上位 k 語と確率を返す。"""
    instance_of(model, TinyBert, "model")
    if isinstance(words, str):
        raise TypeError(
            "words は語のリストでなければなりません (空白で区切った文字列なら .split() する)"
        )
    k = positive_int(k, "k")
    if k > len(model.vocab) - model.vocab.n_special:
        raise ValueError(f"k ({k}) が特殊記号以外の語の数より多いです")
    if list(words).count(MASK) != 1:
        raise ValueError("words はちょうど 1 つの [MASK] を含む必要があります")
    model.eval()
    batch = encode_pairs(model.vocab, [(list(words), None)])
    position = list(words).index(MASK) + 1  # 先頭の [CLS] の分
    hidden, _ = model(batch.to(next(model.parameters()).device))
    probs = torch.softmax(model.mlm_logits(hidden)[0, position].cpu(), dim=0)
    probs[: model.vocab.n_special] = 0
    top = probs.topk(k)
    return [
        (model.vocab.words[int(i)], float(p)) for p, i in zip(top.values, top.indices, strict=True)
    ]


# --- ファインチューニング ---------------------------------------------------------


def fine_tune(model: BertClassifier, examples, steps: int = 100, batch_size: int = 32,
              lr: float = 1e-3, seed: int = 0) -> list[float]:  # fmt: skip
    """(文, ラベル) の例で分類器全体 (符号化器も) を交差エントロピーで学習する。損失の履歴を返す。"""
    data = encode_pairs(model.bert.vocab, [(s, None) for s, _ in examples])
    labels = torch.tensor([y for _, y in examples])
    rng = np.random.default_rng(seed)
    device = next(model.parameters()).device

    def batches(step):
        idx = torch.as_tensor(
            rng.choice(len(examples), min(batch_size, len(examples)), replace=False)
        )
        width = int(data.lengths[idx].max())
        batch = Batch(data.tokens[idx, :width], data.segments[idx, :width], data.lengths[idx])
        return batch.to(device), labels[idx]

    def loss_fn(m, batch, y):
        return nn.functional.cross_entropy(m(batch), y.to(batch.tokens.device))

    return training.train(model, batches, loss_fn, steps=positive_int(steps, "steps"), lr=lr)


def _single_sentences(model: nn.Module, vocab: Vocabulary, sentences) -> Batch:
    """各文を 1 文として (``[CLS] 文 [SEP]``) 並べたバッチを、モデルと同じ装置に置いて返す。"""
    if isinstance(sentences, str) or len(sentences) == 0:
        raise ValueError("sentences は空でない文 (語のリスト) のリストでなければなりません")
    model.eval()
    batch = encode_pairs(vocab, [(list(s), None) for s in sentences])
    return batch.to(next(model.parameters()).device)


@torch.no_grad()
@training.single_thread()  # 小さなモデルの推論も 1 スレッド (混んだ 2 コアでは数倍速い)
def classify(model: BertClassifier, sentences) -> np.ndarray:
    """各文の予測ラベル。"""
    instance_of(model, BertClassifier, "model")
    batch = _single_sentences(model, model.bert.vocab, sentences)
    return model(batch).argmax(1).cpu().numpy()


@torch.no_grad()
@training.single_thread()  # 小さなモデルの推論も 1 スレッド (混んだ 2 コアでは数倍速い)
def sentence_vectors(model: TinyBert, sentences) -> torch.Tensor:
    """各文を 1 文として入力し、特殊記号を除く位置の最終の表現を平均した文ベクトル (文数, D)。"""
    instance_of(model, TinyBert, "model")
    batch = _single_sentences(model, model.vocab, sentences)
    hidden, _ = model(batch)
    keep = (batch.tokens >= model.vocab.n_special).to(hidden.device)
    keep |= batch.tokens == model.vocab.ids[UNK]
    summed = (hidden * keep[..., None]).sum(1)
    return (summed / keep.sum(1, keepdim=True).clamp(min=1)).cpu()
