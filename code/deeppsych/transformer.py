"""Transformer (Vaswani et al. 2017) の部品と、小さな符号化器・復号化器モデル (``book/05_transformer.md``)。

* 縮小付き内積注意 (式 (1)): Attention(Q, K, V) = softmax(QKᵀ/√d_k) V。ソフトマックス関数は ``book/01_softmax_attention.md`` の
  ``activations.softmax`` をそのまま使い、√d_k はその温度 T として渡す。√d_k で割るのは、成分の分散が 1 の
  d_k 次元のベクトルどうしの内積の分散 d_k を 1 程度に戻すためで、「平均 0・分散 1 への標準化」ではない。
* 多頭注意 (3.2.2 節)、位置ごとのフィードフォワード層 (3.3 節)、残差接続と層正規化 (3.1 節、
  LayerNorm(x + Sublayer(x)) の形)、正弦波の位置符号化 (3.5 節)。
* 復号化器の入力は正解を 1 つ右にずらしたもの (<bos> から始まる) で、自己注意には未来を隠すマスクを
  かける。使うときは自由走行の貪欲復号。正解をずらさずに入力するのは
  よくある誤りで、そうするとモデルは答えを写せてしまう (docs/common_mistakes.md の 18)。

モデルは ``seq2seq.Seq2Seq`` と同じ呼び方 (``model(src, lengths, tgt)``、``greedy_decode``、
``src_vocab``/``tgt_vocab``) にしてあるので、``book/04_seq2seq.md`` の ``seq2seq.fit``・``translate``・``exact_match``・
``accuracy_by_length`` がそのまま使える。
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from . import activations, seq2seq, training
from ._checks import as_float_tensor, instance_of, integer, positive_int, token_matrix
from .text import BOS, EOS, Vocabulary, pad_batch, padding_mask, shift_right


def _features(x, name: str, d_model: int) -> torch.Tensor:
    """(B, L, d_model) の浮動小数点のテンソルであることを確かめる (NaN/inf も拒否)。"""
    if not isinstance(x, torch.Tensor):
        raise TypeError(
            f"{name} は torch.Tensor でなければなりません ({type(x).__name__} を受け取りました)"
        )
    as_float_tensor(x, name, min_dim=3)
    if not x.is_floating_point():
        raise TypeError(f"{name} は浮動小数点のテンソルでなければなりません (dtype={x.dtype})")
    if x.dim() != 3 or x.shape[-1] != d_model:
        raise ValueError(
            f"{name} は (バッチ, 長さ, d_model={d_model}) の形でなければなりません "
            f"(形 {tuple(x.shape)} を受け取りました)"
        )
    return x


# --- 注意 ----------------------------------------------------------------------


def scaled_dot_product_attention(query, key, value, mask=None):
    """softmax(QKᵀ/√d_k) V (Vaswani et al. 2017, 式 (1))。

    query (..., T, d_k)、key (..., S, d_k)、value (..., S, d_v)。mask は (..., T, S) に放送できる
    真偽値で、True の位置だけに注意できる (torch の ``scaled_dot_product_attention`` と同じ約束)。
    返り値は (出力 (..., T, d_v), 注意の重み (..., T, S))。
    """
    if not all(isinstance(t, torch.Tensor) for t in (query, key, value)):
        raise TypeError("query・key・value は torch.Tensor でなければなりません")
    for t, name in ((query, "query"), (key, "key"), (value, "value")):
        as_float_tensor(t, name, min_dim=2)
        if not t.is_floating_point():
            raise TypeError(f"{name} は浮動小数点のテンソルでなければなりません (dtype={t.dtype})")
    if query.shape[-1] != key.shape[-1] or key.shape[-2] != value.shape[-2]:
        raise ValueError(
            f"形が合いません: query {tuple(query.shape)}, key {tuple(key.shape)}, "
            f"value {tuple(value.shape)} (d_k と S がそろう必要があります)"
        )
    scores = query @ key.transpose(-2, -1)
    if mask is not None:
        if mask.dtype != torch.bool:
            raise TypeError("mask は真偽値 (True = 注意できる) のテンソルでなければなりません")
        scores = scores.masked_fill(~mask, float("-inf"))
    weights = activations.softmax(scores, temperature=math.sqrt(query.shape[-1]), dim=-1)
    return weights @ value, weights


def causal_mask(length: int, device=None) -> torch.Tensor:
    """(length, length) の下三角の真偽値行列: 位置 t は 0..t にだけ注意できる (未来を隠す)。"""
    length = positive_int(length, "length")
    return torch.ones(length, length, dtype=torch.bool, device=device).tril()


class MultiHeadAttention(nn.Module):
    """多頭注意 (3.2.2 節): head_i = Attention(Q W_i^Q, K W_i^K, V W_i^V)、出力 = Concat(head_i) W^O。

    重みの並びは ``torch.nn.MultiheadAttention`` と同じ (バイアスつきの線形写像 4 つ) なので、
    同じ重みを入れれば同じ出力になる (テストで確かめている)。
    """

    def __init__(self, d_model: int, n_heads: int):
        super().__init__()
        d_model = positive_int(d_model, "d_model")
        self.n_heads = positive_int(n_heads, "n_heads")
        if d_model % self.n_heads:
            raise ValueError(
                f"d_model ({d_model}) は n_heads ({n_heads}) で割り切れる必要があります"
            )
        self.d_model = d_model
        self.d_k = d_model // self.n_heads
        self.q_proj, self.k_proj, self.v_proj, self.out_proj = (
            nn.Linear(d_model, d_model) for _ in range(4)
        )

    def _split(self, x):
        batch, length, _ = x.shape
        return x.view(batch, length, self.n_heads, self.d_k).transpose(1, 2)  # (B, h, L, d_k)

    def forward(self, query, key, value, mask=None):
        """query (B, T, D)、key・value (B, S, D) → (出力 (B, T, D), 重み (B, h, T, S))。"""
        for x, name in ((query, "query"), (key, "key"), (value, "value")):
            _features(x, name, self.d_model)
        if key.shape[:2] != value.shape[:2] or query.shape[0] != key.shape[0]:
            raise ValueError(
                f"形が合いません: query {tuple(query.shape)}, key {tuple(key.shape)}, "
                f"value {tuple(value.shape)} (バッチの大きさと、key と value の長さがそろう必要があります)"
            )
        q, k, v = (
            self._split(self.q_proj(query)),
            self._split(self.k_proj(key)),
            self._split(self.v_proj(value)),
        )
        heads, weights = scaled_dot_product_attention(q, k, v, mask)
        batch, _, length, _ = heads.shape
        return self.out_proj(heads.transpose(1, 2).reshape(batch, length, -1)), weights


def as_torch_multihead(attention: MultiHeadAttention) -> nn.MultiheadAttention:
    """同じ重みをもつ ``torch.nn.MultiheadAttention`` (batch_first) を作る (実装の照合用)。

    torch 側では、マスクは「True = 注意しない」、重みは ``average_attn_weights=False`` で頭ごとになる。
    """
    instance_of(attention, MultiHeadAttention, "attention")
    weight = attention.q_proj.weight
    d_model = weight.shape[0]
    reference = nn.MultiheadAttention(
        d_model, attention.n_heads, batch_first=True, dtype=weight.dtype, device=weight.device
    )
    with torch.no_grad():
        projections = (attention.q_proj, attention.k_proj, attention.v_proj)
        reference.in_proj_weight.copy_(torch.cat([p.weight for p in projections]))
        reference.in_proj_bias.copy_(torch.cat([p.bias for p in projections]))
        reference.out_proj.weight.copy_(attention.out_proj.weight)
        reference.out_proj.bias.copy_(attention.out_proj.bias)
    return reference


# --- 位置符号化 -----------------------------------------------------------------


def positional_encoding(length: int, d_model: int, base: float = 10000.0) -> torch.Tensor:
    """正弦波の位置符号化 (3.5 節)。(length, d_model) の行列を返す。

    PE(pos, 2i) = sin(pos / base^{2i/d})、PE(pos, 2i+1) = cos(pos / base^{2i/d})。
    """
    length = positive_int(length, "length")
    d_model = positive_int(d_model, "d_model", minimum=2)
    if d_model % 2:
        raise ValueError(f"d_model は偶数でなければなりません ({d_model})")
    pos = torch.arange(length, dtype=torch.float64)[:, None]
    angle = pos * frequencies(d_model, base)[None, :]
    pe = torch.empty(length, d_model, dtype=torch.float64)
    pe[:, 0::2], pe[:, 1::2] = torch.sin(angle), torch.cos(angle)
    return pe.to(torch.get_default_dtype())


def frequencies(d_model: int, base: float = 10000.0) -> torch.Tensor:
    """各 (sin, cos) の組の角周波数 ω_i = base^{-2i/d} (i = 0 … d/2 − 1)。"""
    return base ** (-torch.arange(0, d_model, 2, dtype=torch.float64) / d_model)


def shift_matrix(k: int, d_model: int, base: float = 10000.0) -> torch.Tensor:
    """PE(pos + k) = M_k PE(pos) となる (d_model, d_model) の行列 M_k (pos によらない)。

    加法定理 sin(a + b) = sin a cos b + cos a sin b などから、(sin, cos) の組ごとの 2×2 の回転になる。
    """
    k = integer(k, "k")  # ずらす位置の数
    d_model = positive_int(d_model, "d_model", minimum=2)
    if d_model % 2:
        raise ValueError(f"d_model は偶数でなければなりません ({d_model})")
    m = torch.zeros(d_model, d_model, dtype=torch.float64)
    for i, w in enumerate(frequencies(d_model, base)):
        c, s = math.cos(k * w), math.sin(k * w)
        m[2 * i : 2 * i + 2, 2 * i : 2 * i + 2] = torch.tensor([[c, s], [-s, c]])
    return m.to(torch.get_default_dtype())


# --- 層 ----------------------------------------------------------------------


class FeedForward(nn.Module):
    """位置ごとのフィードフォワード層 (式 (2)): FFN(x) = max(0, x W_1 + b_1) W_2 + b_2。"""

    def __init__(self, d_model: int, d_ff: int):
        super().__init__()
        d_model, d_ff = positive_int(d_model, "d_model"), positive_int(d_ff, "d_ff")
        self.net = nn.Sequential(nn.Linear(d_model, d_ff), nn.ReLU(), nn.Linear(d_ff, d_model))

    def forward(self, x):
        return self.net(x)


class EncoderLayer(nn.Module):
    """自己注意 → FFN。それぞれ残差接続と層正規化: LayerNorm(x + Sublayer(x))。"""

    def __init__(self, d_model: int, n_heads: int, d_ff: int):
        super().__init__()
        self.self_attention = MultiHeadAttention(d_model, n_heads)
        self.feed_forward = FeedForward(d_model, d_ff)
        self.norm1, self.norm2 = nn.LayerNorm(d_model), nn.LayerNorm(d_model)

    def forward(self, x, mask):
        attended, weights = self.self_attention(x, x, x, mask)
        x = self.norm1(x + attended)
        return self.norm2(x + self.feed_forward(x)), weights


class DecoderLayer(nn.Module):
    """マスクつき自己注意 → 符号化器の出力への注意 (ソース・ターゲット注意) → FFN。"""

    def __init__(self, d_model: int, n_heads: int, d_ff: int):
        super().__init__()
        self.self_attention = MultiHeadAttention(d_model, n_heads)
        self.cross_attention = MultiHeadAttention(d_model, n_heads)
        self.feed_forward = FeedForward(d_model, d_ff)
        self.norm1, self.norm2, self.norm3 = (nn.LayerNorm(d_model) for _ in range(3))

    def forward(self, y, memory, self_mask, memory_mask):
        attended, self_weights = self.self_attention(y, y, y, self_mask)
        y = self.norm1(y + attended)
        attended, cross_weights = self.cross_attention(y, memory, memory, memory_mask)
        y = self.norm2(y + attended)
        return self.norm3(y + self.feed_forward(y)), self_weights, cross_weights


# --- 符号化器・復号化器モデル ----------------------------------------------------


@dataclass
class AttentionMaps:
    """各層の注意の重み。どれも層ごとのリストで、要素は (B, h, 行, 列)。"""

    encoder: list[torch.Tensor]
    decoder_self: list[torch.Tensor]
    cross: list[torch.Tensor]


class Transformer(nn.Module):
    """符号化器・復号化器の Transformer (Vaswani et al. 2017 の小型版、ドロップアウトなし)。"""

    def __init__(self, src_vocab: Vocabulary, tgt_vocab: Vocabulary,
                 d_model: int = 64, n_heads: int = 4, n_layers: int = 1, d_ff: int = 128,
                 max_len: int = 64):  # fmt: skip
        super().__init__()
        self.src_vocab, self.tgt_vocab = src_vocab, tgt_vocab
        n_layers = positive_int(n_layers, "n_layers")
        d_ff = positive_int(d_ff, "d_ff")
        self.d_model = d_model
        self.src_embed = nn.Embedding(len(src_vocab), d_model, padding_idx=0)
        self.tgt_embed = nn.Embedding(len(tgt_vocab), d_model, padding_idx=0)
        for table in (
            self.src_embed,
            self.tgt_embed,
        ):  # √d_model 倍したとき分散 1 (位置符号化と同じ大きさ)
            nn.init.normal_(table.weight, std=d_model**-0.5)
            table.weight.data[0] = 0.0
        self.register_buffer("pe", positional_encoding(max_len, d_model), persistent=False)
        self.encoder = nn.ModuleList(EncoderLayer(d_model, n_heads, d_ff) for _ in range(n_layers))
        self.decoder = nn.ModuleList(DecoderLayer(d_model, n_heads, d_ff) for _ in range(n_layers))
        self.out = nn.Linear(d_model, len(tgt_vocab))

    def _embed(self, table, tokens):
        if tokens.shape[1] > self.pe.shape[0]:
            raise ValueError(f"系列が長すぎます ({tokens.shape[1]} > max_len {self.pe.shape[0]})")
        return table(tokens) * math.sqrt(self.d_model) + self.pe[: tokens.shape[1]]

    def encode(self, src, lengths):
        """符号化器: (記憶 (B, S, D), パディングのマスク, 層ごとの自己注意の重み)。"""
        token_matrix(src, "src")
        if not isinstance(lengths, torch.Tensor) or lengths.shape != (src.shape[0],):
            raise ValueError(
                f"lengths は src の行の数 ({src.shape[0]}) の長さの 1 次元テンソルです"
            )
        if (src >= len(self.src_vocab)).any() or (src < 0).any():
            raise ValueError(f"src に語彙 ({len(self.src_vocab)} 語) の外の番号があります")
        mask = padding_mask(lengths.to(src.device), src.shape[1])[:, None, None, :]  # (B, 1, 1, S)
        x, weights = self._embed(self.src_embed, src), []
        for layer in self.encoder:
            x, w = layer(x, mask)
            weights.append(w)
        return x, mask, weights

    def decode(self, inputs, memory, memory_mask):
        """復号化器: 入力の記号 (B, T) → (得点 (B, T, V), 自己注意の重み, ソース・ターゲット注意の重み)。"""
        y = self._embed(self.tgt_embed, inputs)
        self_mask = causal_mask(inputs.shape[1], inputs.device)
        self_weights, cross_weights = [], []
        for layer in self.decoder:
            y, ws, wc = layer(y, memory, self_mask, memory_mask)
            self_weights.append(ws)
            cross_weights.append(wc)
        return self.out(y), self_weights, cross_weights, y

    def forward(self, src, lengths, tgt):
        """教師強制: 復号化器の入力は shift_right(tgt)。位置 t の得点は正解の t 番目以降を見ない。"""
        token_matrix(tgt, "tgt")
        if tgt.shape[0] != src.shape[0]:
            raise ValueError(f"src と tgt の行の数が違います ({src.shape[0]} と {tgt.shape[0]})")
        if (tgt >= len(self.tgt_vocab)).any() or (tgt < 0).any():
            raise ValueError(f"tgt に語彙 ({len(self.tgt_vocab)} 語) の外の番号があります")
        memory, mask, _ = self.encode(src, lengths)
        return self.decode(shift_right(tgt, self.tgt_vocab.ids[BOS]), memory, mask)[0]

    @torch.no_grad()
    def greedy_decode(self, src, lengths, max_len: int) -> seq2seq.Decoded:
        """自由走行の貪欲復号: 毎ステップ、それまでに自分が出した記号だけを入力にして次の記号を選ぶ。

        返す attention は最後の層のソース・ターゲット注意を頭について平均したもの (B, T, S)。
        """
        self.eval()
        memory, mask, _ = self.encode(src, lengths)
        tokens = torch.full((src.shape[0], 1), self.tgt_vocab.ids[BOS], device=src.device)
        for _ in range(max_len):
            logits, _, cross, states = self.decode(tokens, memory, mask)
            tokens = torch.cat([tokens, logits[:, -1].argmax(dim=1, keepdim=True)], dim=1)
        return seq2seq.Decoded(tokens[:, 1:], cross[-1].mean(dim=1), states)


def build_model(pairs, d_model: int = 64, n_heads: int = 4, n_layers: int = 1, d_ff: int = 128,
                seed: int = 0, max_len: int = 64) -> Transformer:  # fmt: skip
    """学習データの記号から語彙を作り (``book/04_seq2seq.md`` と同じ ``seq2seq.make_vocabulary``)、種を固定してモデルを作る。"""
    if isinstance(pairs, str) or not hasattr(pairs, "__len__"):
        raise TypeError("pairs は (入力の記号列, 出力の記号列) の組のリストでなければなりません")
    if len(pairs) == 0:
        raise ValueError("pairs が空です")
    for i, pair in enumerate(pairs):
        if len(pair) != 2 or len(pair[0]) == 0 or len(pair[1]) == 0:
            raise ValueError(f"pairs[{i}] は空でない (入力, 出力) の組でなければなりません")
    src_vocab = seq2seq.make_vocabulary(sorted({t for s, _ in pairs for t in s}))
    tgt_vocab = seq2seq.make_vocabulary(sorted({t for _, t in pairs for t in t}))
    with training.seeded(seed):
        return Transformer(src_vocab, tgt_vocab, d_model, n_heads, n_layers, d_ff, max_len)


@torch.no_grad()
def attention_maps(model: Transformer, source, target) -> AttentionMaps:
    """記号列 source を読ませ、target (ふつうはモデル自身の出力) を復号化器に入れたときの全層・全頭の注意。

    復号化器の入力は shift_right(target + <eos>) なので、行は target の各記号と <eos> を出す時刻に対応する。
    """
    instance_of(model, Transformer, "model")
    if len(source) == 0 or len(target) == 0:
        raise ValueError("source と target は空でない記号列でなければなりません")
    model.eval()
    device = next(model.parameters()).device
    src, lengths = pad_batch([model.src_vocab.encode(source)])
    tgt, _ = pad_batch([model.tgt_vocab.encode(target, eos=True)])
    memory, mask, enc = model.encode(src.to(device), lengths.to(device))
    inputs = shift_right(tgt.to(device), model.tgt_vocab.ids[BOS])
    _, dec_self, cross, _ = model.decode(inputs, memory, mask)
    return AttentionMaps(
        [w.cpu() for w in enc], [w.cpu() for w in dec_self], [w.cpu() for w in cross]
    )


ATTENTION_KINDS = ("符号化器の自己注意", "復号化器の自己注意", "符号化器への注意")


def attention_panels(maps: AttentionMaps, source, target, layer: int = 0):
    """attention_maps の 1 層の 3 種類の注意を、ヘッドごとに並べた 1 つの配列にする (スライダーつきの図のため)。

    返り値は (重み (3, ヘッド, 行, 列)、行の名前 (3, 行)、列の名前 (3, 列))。種類の順は ATTENTION_KINDS。
    行と列の数は 3 種類で違うので、いちばん大きな形に NaN (名前は "") を詰める。
    """
    instance_of(maps, AttentionMaps, "maps")
    layer = integer(layer, "layer")
    if not 0 <= layer < len(maps.encoder):
        raise ValueError(f"layer は 0 から {len(maps.encoder) - 1} です ({layer})")
    source, target = list(source), list(target)
    outputs, inputs = [*target, EOS], [BOS, *target]  # 復号化器の行は出す記号、列は入れた記号
    panels = [
        (maps.encoder[layer][0], source, source),
        (maps.decoder_self[layer][0], outputs, inputs),
        (maps.cross[layer][0], outputs, source),
    ]
    for weights, rows, cols in panels:
        if weights.shape[-2:] != (len(rows), len(cols)):
            raise ValueError(
                f"maps の重みの形 {tuple(weights.shape[-2:])} が source・target の長さに合いません"
            )
    n_rows = max(len(rows) for _, rows, _ in panels)
    n_cols = max(len(cols) for _, _, cols in panels)
    z = np.full((3, panels[0][0].shape[0], n_rows, n_cols), np.nan)
    row_names, col_names = (
        np.full((3, n_rows), "", dtype=object),
        np.full((3, n_cols), "", dtype=object),
    )
    for k, (weights, rows, cols) in enumerate(panels):
        z[k, :, : len(rows), : len(cols)] = weights.numpy()
        row_names[k, : len(rows)], col_names[k, : len(cols)] = rows, cols
    return z, row_names, col_names


def parameter_count(model: nn.Module) -> int:
    """学習されるパラメータの個数。"""
    instance_of(model, nn.Module, "model")
    return sum(p.numel() for p in model.parameters() if p.requires_grad)
