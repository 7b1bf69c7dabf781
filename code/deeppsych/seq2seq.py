"""符号化器・復号化器 (seq2seq) と注意 (``book/04_seq2seq.md``)。

* 注意なし: 符号化器の最後の隠れ状態だけを復号化器に渡す (Sutskever et al. 2014)。
* 加法的注意: score(s, h) = vᵀ tanh(W s + U h)  (Bahdanau et al. 2015 の得点の関数。Luong らの concat)
* 乗法的注意: dot: sᵀh、general: sᵀ W h  (Luong et al. 2015, 式 (8))

復号化器の構造は Luong et al. (2015) の大域的注意 (更新した状態 s_t で文脈 c_t を求め、GRU の後で
c_t と s_t を合わせる)。Bahdanau らのモデル (s_{t−1} で問い合わせ、c_t を GRU に入力、双方向の符号化器)
とは違う。

注意はどれも符号化器の出力 h_j (内容) と復号化器の状態 s から計算し、パディングの位置には
重み 0 を与える。復号化器は毎ステップ隠れ状態を更新する。評価は自由走行 (自分の出力を次の入力に
する貪欲復号) で行う。よくある誤り (状態を更新しない復号化器、内容を見ない注意、教師強制での評価。docs/common_mistakes.md の 16–18) はテストで防いでいる。
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from . import training
from ._checks import as_sequence_pairs, check_seed, instance_of, one_of, positive_int
from .text import BOS, EOS, PAD, Vocabulary, pad_batch, padding_mask, shift_right

ATTENTIONS = ("none", "additive", "dot", "general")


def make_vocabulary(tokens: Sequence[str]) -> Vocabulary:
    """記号の語彙: 0 = <pad>、1 = <bos>、2 = <eos>、続いて tokens (重複は 1 つに)。知らない記号は ValueError。"""
    return Vocabulary(list(dict.fromkeys(tokens)), specials=(PAD, BOS, EOS), unknown="raise")


class Encoder(nn.Module):
    """埋め込み + GRU。各位置の出力 (B, S, H) と最後の隠れ状態 (B, H) を返す。"""

    def __init__(self, vocab_size: int, hidden: int):
        super().__init__()
        self.embed = nn.Embedding(vocab_size, hidden, padding_idx=0)
        self.rnn = nn.GRU(hidden, hidden, batch_first=True)

    def forward(self, src: torch.Tensor, lengths: torch.Tensor):
        packed = nn.utils.rnn.pack_padded_sequence(
            self.embed(src), lengths.cpu(), batch_first=True, enforce_sorted=False
        )
        outputs, last = self.rnn(packed)
        outputs, _ = nn.utils.rnn.pad_packed_sequence(
            outputs, batch_first=True, total_length=src.shape[1]
        )
        return outputs, last[0]


class AdditiveAttention(nn.Module):
    """加法的注意 (Bahdanau らの得点の関数): score(s_t, h_j) = vᵀ tanh(W s_t + U h_j)。"""

    def __init__(self, hidden: int):
        super().__init__()
        self.W = nn.Linear(hidden, hidden, bias=False)
        self.U = nn.Linear(hidden, hidden, bias=True)
        self.v = nn.Linear(hidden, 1, bias=False)  # nn.Linear なので必ず初期化される

    def forward(self, states, outputs, mask):
        """states (B, T, H)、outputs (B, S, H)、mask (B, S) → 重み (B, T, S)。"""
        summed = self.W(states).unsqueeze(2) + self.U(outputs).unsqueeze(1)  # (B, T, S, H)
        return _masked_softmax(self.v(torch.tanh(summed)).squeeze(3), mask)


class MultiplicativeAttention(nn.Module):
    """Luong の乗法的注意: dot は s_tᵀ h_j、general は s_tᵀ W h_j。"""

    def __init__(self, hidden: int, kind: str = "general"):
        super().__init__()
        one_of(kind, ("dot", "general"), "kind")
        self.W = nn.Linear(hidden, hidden, bias=False) if kind == "general" else nn.Identity()

    def forward(self, states, outputs, mask):
        """states (B, T, H)、outputs (B, S, H)、mask (B, S) → 重み (B, T, S)。"""
        return _masked_softmax(torch.bmm(states, self.W(outputs).transpose(1, 2)), mask)


def _masked_softmax(scores: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """パディング (mask = False) の得点を −∞ にしてから、入力の位置についてソフトマックス関数をとる。"""
    return torch.softmax(scores.masked_fill(~mask.unsqueeze(1), float("-inf")), dim=2)


class Decoder(nn.Module):
    """GRU の復号化器。注意があれば、各時刻の状態 s_t から文脈 c_t を求めて出力に使う。

    Luong et al. (2015) の大域的注意の形: h̃_t = tanh(W_c [c_t; s_t])、p(y_t) = softmax(W_o h̃_t)。
    注意の種類 (得点の関数) だけを取り替えられるよう、ほかの部分は共通にしてある。
    """

    def __init__(self, vocab_size: int, hidden: int, attention: str):
        super().__init__()
        one_of(attention, ATTENTIONS, "attention")
        self.embed = nn.Embedding(vocab_size, hidden, padding_idx=0)
        self.rnn = nn.GRU(hidden, hidden, batch_first=True)
        self.attention = {
            "none": lambda: None,
            "additive": lambda: AdditiveAttention(hidden),
            "dot": lambda: MultiplicativeAttention(hidden, "dot"),
            "general": lambda: MultiplicativeAttention(hidden, "general"),
        }[attention]()
        self.combine = nn.Linear(2 * hidden, hidden) if self.attention is not None else None
        self.out = nn.Linear(hidden, vocab_size)

    def forward(self, inputs, state, outputs, mask):
        """入力の記号 (B, T) をまとめて処理する。隠れ状態は各時刻で GRU が更新する。

        返り値: 得点 (B, T, V)、最後の状態 (B, H)、注意の重み (B, T, S) または None、各時刻の状態 (B, T, H)。
        """
        states, last = self.rnn(self.embed(inputs), state.unsqueeze(0))
        if self.attention is None:
            return self.out(states), last[0], None, states
        weights = self.attention(states, outputs, mask)
        context = torch.bmm(weights, outputs)  # c_t = Σ_j α_tj h_j
        attentional = torch.tanh(self.combine(torch.cat([context, states], dim=2)))
        return self.out(attentional), last[0], weights, states


@dataclass
class Decoded:
    """復号の結果: 記号の番号 (B, T)、注意の重み (B, T, S) (注意なしなら None)、各ステップの隠れ状態。"""

    tokens: torch.Tensor
    attention: torch.Tensor | None
    states: torch.Tensor


class Seq2Seq(nn.Module):
    """符号化器 + 復号化器。教師強制 (teacher forcing) で学習し、貪欲復号で使う。"""

    def __init__(self, src_vocab: Vocabulary, tgt_vocab: Vocabulary, hidden: int = 64,
                 attention: str = "additive"):  # fmt: skip
        super().__init__()
        hidden = positive_int(hidden, "hidden")
        self.src_vocab, self.tgt_vocab = src_vocab, tgt_vocab
        self.encoder = Encoder(len(src_vocab), hidden)
        self.decoder = Decoder(len(tgt_vocab), hidden, attention)

    def _encode(self, src, lengths):
        outputs, state = self.encoder(src, lengths)
        return outputs, state, padding_mask(lengths.to(src.device), src.shape[1])

    def forward(self, src, lengths, tgt):
        """教師強制: 復号化器の入力は正解を 1 つ右にずらしたもの (<bos> から始まる)。

        返り値は各位置の得点 (B, T, V)。位置 t の得点は t 以降の正解を見ない。
        """
        outputs, state, mask = self._encode(src, lengths)
        return self.decoder(shift_right(tgt, self.tgt_vocab.ids[BOS]), state, outputs, mask)[0]

    @torch.no_grad()
    def greedy_decode(self, src, lengths, max_len: int) -> Decoded:
        """自由走行: 各ステップで最も得点の高い記号を選び、それを次の入力にする。"""
        self.eval()
        outputs, state, mask = self._encode(src, lengths)
        token = torch.full((src.shape[0], 1), self.tgt_vocab.ids[BOS], device=src.device)
        tokens, weights, states = [], [], []
        for _ in range(max_len):
            logits, state, w, s = self.decoder(token, state, outputs, mask)
            token = logits[:, -1].argmax(dim=1, keepdim=True)
            tokens.append(token)
            states.append(s)
            if w is not None:
                weights.append(w)
        return Decoded(
            torch.cat(tokens, 1),
            torch.cat(weights, 1) if weights else None,
            torch.cat(states, 1),
        )


def build_model(pairs, attention: str, hidden: int = 64, seed: int = 0) -> Seq2Seq:
    """学習データの記号から語彙を作り、種を固定してモデルを作る。"""
    pairs = as_sequence_pairs(pairs)
    seed = check_seed(seed)
    src_vocab = make_vocabulary(sorted({t for s, _ in pairs for t in s}))
    tgt_vocab = make_vocabulary(sorted({t for _, t in pairs for t in t}))
    with training.seeded(seed):
        return Seq2Seq(src_vocab, tgt_vocab, hidden, attention)


def encode_pairs(model: Seq2Seq, pairs):
    """(入力, 出力) の組を番号の行列 (入力、入力の長さ、<eos> つきの出力) にする。"""
    pairs = as_sequence_pairs(pairs)
    src, src_len = pad_batch([model.src_vocab.encode(s) for s, _ in pairs])
    tgt, _ = pad_batch([model.tgt_vocab.encode(t, eos=True) for _, t in pairs])
    return src, src_len, tgt


def _loss(model, src, src_len, tgt):
    logits = model(src, src_len, tgt)
    return nn.functional.cross_entropy(logits.transpose(1, 2), tgt, ignore_index=0)


def fit(model: Seq2Seq, pairs, steps: int = 600, batch_size: int = 64, lr: float = 3e-3,
        seed: int = 0) -> list[float]:  # fmt: skip
    """教師強制と交差エントロピー (パディングは除く) で steps 回更新する。損失の履歴を返す。"""
    steps = positive_int(steps, "steps")
    batch_size = positive_int(batch_size, "batch_size")
    seed = check_seed(seed)
    device = next(model.parameters()).device
    src, src_len, tgt = (t.to(device) for t in encode_pairs(model, pairs))
    rng = np.random.default_rng(seed)

    def batches(step):
        idx = torch.as_tensor(
            rng.choice(len(pairs), size=min(batch_size, len(pairs)), replace=False)
        )
        idx = idx.to(device)
        return src[idx], src_len[idx], tgt[idx]

    return training.train(model, batches, _loss, steps=steps, lr=lr)


def translate(model: Seq2Seq, sources, max_len: int | None = None):
    """記号列のリストを自由走行で変換する。(出力の記号列のリスト, Decoded) を返す。"""
    device = next(model.parameters()).device
    sources = [s for s, _ in as_sequence_pairs([(s, ["?"]) for s in sources], "sources")]
    src, src_len = pad_batch([model.src_vocab.encode(s) for s in sources])
    max_len = int(src_len.max()) + 3 if max_len is None else positive_int(max_len, "max_len")
    with training.single_thread():
        decoded = model.greedy_decode(src.to(device), src_len.to(device), max_len)
    tokens = decoded.tokens.cpu().tolist()
    return [model.tgt_vocab.decode(t, stop=EOS) for t in tokens], decoded


def attention_by_step(model: Seq2Seq, source) -> tuple[list[str], np.ndarray]:
    """source を自由走行で変換し、出力の各時刻が入力の各位置に向けた注意の重みを返す。

    返り値は (出力の記号に <eos> を足したもの, 重み (出力の時刻, 入力の位置))。各行の和は 1。
    """
    instance_of(model, Seq2Seq, "model")
    if model.decoder.attention is None:
        raise ValueError("model は注意なしのモデルです (注意の重みがありません)")
    outputs, decoded = translate(model, [source])
    rows = (outputs[0] + [EOS])[: decoded.attention.shape[1]]
    return rows, decoded.attention[0, : len(rows)].cpu().numpy()  # 1 例だけなので列は入力の長さ


def exact_match(model: Seq2Seq, pairs) -> np.ndarray:
    """自由走行の出力が正解と完全に一致したかどうか (真偽の配列)。"""
    pairs = as_sequence_pairs(pairs)
    predictions, _ = translate(model, [s for s, _ in pairs], max(len(t) for _, t in pairs) + 2)
    return np.array([p == list(t) for p, (_, t) in zip(predictions, pairs, strict=True)])


def token_accuracy(model: Seq2Seq, pairs) -> float:
    """自由走行の出力と正解を位置ごとに比べた一致率 (出力が短ければ足りない位置は誤り)。"""
    pairs = as_sequence_pairs(pairs)
    predictions, _ = translate(model, [s for s, _ in pairs], max(len(t) for _, t in pairs) + 2)
    hits = sum(
        sum(p == t for p, t in zip(pred, target, strict=False))
        for pred, (_, target) in zip(predictions, pairs, strict=True)
    )
    return hits / sum(len(t) for _, t in pairs)


def teacher_forced_accuracy(model: Seq2Seq, pairs) -> float:
    """教師強制 (各時刻に正解の直前の記号を与える) での位置ごとの一致率。

    これを「正答率」として報告するのはよくある誤りで、実際に使うときの性能 (自由走行) ではない。
    """
    device = next(model.parameters()).device
    src, src_len, tgt = encode_pairs(model, pairs)
    with torch.no_grad(), training.single_thread():
        model.eval()
        logits = model(src.to(device), src_len.to(device), tgt.to(device)).cpu()
    real = tgt != 0
    return float(((logits.argmax(dim=2) == tgt) & real).sum() / real.sum())


def accuracy_by_length(model: Seq2Seq, pairs, bins) -> np.ndarray:
    """入力の長さの区間 [bins[i], bins[i+1]) ごとの完全一致率 (組のない区間は NaN)。"""
    bins = [positive_int(b, "bins の要素") for b in bins]
    if len(bins) < 2 or any(b >= c for b, c in zip(bins, bins[1:], strict=False)):
        raise ValueError(f"bins は 2 つ以上の、増えていく整数でなければなりません ({bins})")
    pairs = as_sequence_pairs(pairs)
    hits = exact_match(model, pairs)
    lengths = np.array([len(s) for s, _ in pairs])
    return np.array([
        hits[(lengths >= lo) & (lengths < hi)].mean() if ((lengths >= lo) & (lengths < hi)).any()
        else np.nan
        for lo, hi in zip(bins[:-1], bins[1:], strict=True)
    ])  # fmt: skip


def accuracy_by_position(model: Seq2Seq, pairs) -> np.ndarray:
    """出力の位置ごとの正答率 (自由走行): 位置 t に正解の t 番目の記号を出した割合。

    系列位置曲線 (serial position curve) を描くため、正解の長さがすべて同じ組だけを受け付ける。
    出力が短くて位置 t に記号がなければ誤りと数える (系列再生の採点と同じ)。
    """
    pairs = as_sequence_pairs(pairs)
    lengths = {len(t) for _, t in pairs}
    if len(lengths) != 1:
        raise ValueError(f"pairs の正解の長さはすべて同じでなければなりません ({sorted(lengths)})")
    (length,) = lengths
    predictions, _ = translate(model, [s for s, _ in pairs], length + 2)
    hits = np.array([
        [t < len(p) and p[t] == target[t] for t in range(length)]
        for p, (_, target) in zip(predictions, pairs, strict=True)
    ])  # fmt: skip
    return hits.mean(axis=0)
