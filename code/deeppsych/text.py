"""記号列の下ごしらえ: 語彙 (記号 ⇄ 番号)、パディング、右シフト、パディングのマスク、日本語の単語分割。

word2vec (``book/03_word2vec.md``)、seq2seq (``book/04_seq2seq.md``)、Transformer
(``book/05_transformer.md``)、BERT (``book/05_bert.md``) が同じ ``Vocabulary`` を使う。違うのは、
語彙にない記号の扱い (``unknown``) と先頭に置く特殊記号 (``specials``) だけである。

* word2vec: 特殊記号なし、語彙にない語は飛ばす (``unknown="skip"``: min_count で捨てた語)。
* seq2seq・Transformer: ``<pad>``・``<bos>``・``<eos>``、語彙にない記号は誤り (``unknown="raise"``)。
* BERT: ``[PAD]``・``[CLS]``・``[SEP]``・``[MASK]``・``[UNK]``、語彙にない語は ``[UNK]`` にする。

パディングはいつも番号 0 (先頭の特殊記号) で行う。
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Sequence

import numpy as np
import torch

from ._checks import as_sentences, one_of, positive_int, token_matrix

PAD, BOS, EOS = "<pad>", "<bos>", "<eos>"  # seq2seq・Transformer の特殊記号
TIES = ("first", "sorted")


class Vocabulary:
    """記号 ⇄ 番号の対応。番号 0 … len(specials) − 1 は特殊記号、その後に words が続く。

    unknown は語彙にない記号を ``encode`` したときのふるまい: ``"raise"`` (ValueError)、
    ``"skip"`` (飛ばす)、または specials の 1 つ (例 ``"[UNK]"``: その記号の番号にする)。
    counts は words の各語の出現回数 (省けばすべて 1)。特殊記号の出現回数は 0 とする。
    """

    def __init__(self, words: Sequence[str], specials: Sequence[str] = (), unknown: str = "raise",
                 counts: Sequence[int] | None = None):  # fmt: skip
        words, specials = list(words), list(specials)
        if not words:
            raise ValueError("語彙が空です: 少なくとも 1 つの語が必要です")
        if len(set(words)) != len(words) or len(set(specials)) != len(specials):
            raise ValueError("語彙に同じ語が 2 回以上あります")
        if set(words) & set(specials):
            raise ValueError(
                f"語彙の語が特殊記号と重なっています: {sorted(set(words) & set(specials))}"
            )
        self.unknown = one_of(unknown, ("raise", "skip", *specials), "unknown")
        self.words = specials + words
        self.ids = {w: i for i, w in enumerate(self.words)}
        self.n_special = len(specials)
        counts = np.ones(len(words), dtype=np.int64) if counts is None else np.asarray(counts)
        if counts.shape != (len(words),) or (counts < 1).any():
            raise ValueError("counts は単語と同じ数の 1 以上の整数でなければなりません")
        self.counts = np.concatenate([np.zeros(len(specials), dtype=np.int64), counts])

    @classmethod
    def from_sentences(cls, sentences, min_count: int = 1, specials: Sequence[str] = (),
                       unknown: str = "raise", ties: str = "first") -> Vocabulary:  # fmt: skip
        """出現回数の多い順に番号をつける。min_count 回未満の語と特殊記号は語彙に入れない。

        同数の語の順は ties で決める: ``"first"`` は先に現れた順 (word2vec の元の実装、gensim と同じ)、
        ``"sorted"`` は文字コード順。
        """
        sentences = as_sentences(sentences)
        min_count = positive_int(min_count, "min_count")
        counts = Counter(w for s in sentences for w in s)  # 語は最初に現れた順に並ぶ
        if one_of(ties, TIES, "ties") == "first":
            ordered = sorted(counts, key=lambda w: -counts[w])
        else:
            ordered = sorted(counts, key=lambda w: (-counts[w], w))
        kept = [w for w in ordered if counts[w] >= min_count and w not in specials]
        if not kept:
            raise ValueError(f"min_count={min_count} 回以上現れる語がありません")
        return cls(kept, specials, unknown, [counts[w] for w in kept])

    def __len__(self) -> int:
        return len(self.words)

    def __contains__(self, word) -> bool:
        return word in self.ids

    def index(self, word: str) -> int:
        """記号の番号。語彙にない記号は KeyError (その記号を名指しする)。"""
        if word not in self.ids:
            raise KeyError(f"語彙にない単語です: {word!r}")
        return self.ids[word]

    def encode(self, tokens: Sequence[str], eos: bool = False) -> list[int]:
        """記号列を番号のリストにする。語彙にない記号は unknown に従う。eos=True なら最後に <eos> をつける。"""
        if len(tokens) == 0:
            raise ValueError("空の系列は符号化できません")
        if self.unknown == "skip":
            ids = [self.ids[t] for t in tokens if t in self.ids]
        elif self.unknown == "raise":
            unknown = [t for t in tokens if t not in self.ids]
            if unknown:
                raise ValueError(f"語彙にない記号です: {unknown[:5]}")
            ids = [self.ids[t] for t in tokens]
        else:
            ids = [self.ids.get(t, self.ids[self.unknown]) for t in tokens]
        return ids + [self.index(EOS)] if eos else ids

    def decode(self, ids, stop: str | None = None) -> list[str]:
        """番号を記号に戻す。stop (例 ``EOS``) を与えると、その記号の手前で止める。"""
        out = []
        for i in ids:
            word = self.words[int(i)]
            if word == stop:
                break
            out.append(word)
        return out


def pad_batch(sequences: Sequence[Sequence[int]]) -> tuple[torch.Tensor, torch.Tensor]:
    """番号列を番号 0 (パディング) で右詰めし、(B, L) の行列と各系列の長さ (B,) を返す。"""
    if len(sequences) == 0 or any(len(s) == 0 for s in sequences):
        raise ValueError("バッチが空か、空の系列を含んでいます")
    lengths = torch.tensor([len(s) for s in sequences])
    batch = torch.zeros(len(sequences), int(lengths.max()), dtype=torch.long)
    for i, s in enumerate(sequences):
        batch[i, : len(s)] = torch.as_tensor(s)
    return batch, lengths


def padding_mask(lengths: torch.Tensor, max_len: int) -> torch.Tensor:
    """(B, max_len) の真偽値: 各系列の実際の記号の位置が True、パディングが False。"""
    if not isinstance(lengths, torch.Tensor) or lengths.dim() != 1 or lengths.numel() == 0:
        raise ValueError(
            "lengths は系列の長さを並べた空でない 1 次元のテンソルでなければなりません"
        )
    if lengths.is_floating_point() or lengths.dtype == torch.bool:
        raise TypeError(f"lengths は整数のテンソルでなければなりません (dtype={lengths.dtype})")
    max_len = positive_int(max_len, "max_len")
    if (lengths < 1).any() or (lengths > max_len).any():
        raise ValueError(f"lengths の各値は 1 以上 max_len ({max_len}) 以下でなければなりません")
    positions = torch.arange(max_len, device=lengths.device)
    return positions[None, :] < lengths.to(positions.device)[:, None]


def shift_right(tgt: torch.Tensor, bos: int) -> torch.Tensor:
    """復号化器の入力: 正解 (B, T) を 1 つ右にずらし、先頭に <bos> を置く。位置 t には正解の t−1 番目。"""
    token_matrix(tgt, "tgt")
    start = torch.full((tgt.shape[0], 1), bos, dtype=tgt.dtype, device=tgt.device)
    return torch.cat([start, tgt[:, :-1]], dim=1)


# --- 日本語の単語分割 (Sudachi) ------------------------------------------------------


def tokenize(text: str, mode: str = "C") -> list[str]:
    """Sudachi (sudachipy + sudachidict_core) で日本語を単語に分ける。

    mode は分割単位: A (短い), B (中間), C (長い: 固有表現や複合語をまとめる)。
    """
    if not isinstance(text, str):
        raise TypeError(f"text は文字列でなければなりません ({type(text).__name__})")
    if not text.strip():
        raise ValueError("text が空です: 単語に分ける文を渡してください")
    mode = one_of(mode, ("A", "B", "C"), "mode")
    return [m.surface() for m in _sudachi(mode).tokenize(text)]


@functools.lru_cache(maxsize=3)
def _sudachi(mode: str):
    """辞書の読み込みは重いので、分割単位ごとに 1 度だけ作って使い回す。"""
    from sudachipy import Dictionary

    return Dictionary(dict="core").tokenizer(mode)
