"""deeppsych.text: 1 つの語彙 (語彙にない語の扱いを選べる)、パディング、右シフト、パディングのマスク、単語分割。"""

import numpy as np
import pytest
import torch

from deeppsych import similarity
from deeppsych.text import BOS, EOS, PAD, Vocabulary, pad_batch, padding_mask, shift_right, tokenize

SENTENCES = [["b", "a", "a"], ["c", "b", "a"], ["d"]]


def test_specials_come_first_and_words_follow():
    vocab = Vocabulary(["x", "y"], specials=(PAD, BOS, EOS))
    assert vocab.words == [PAD, BOS, EOS, "x", "y"] and vocab.n_special == 3 and len(vocab) == 5
    assert vocab.ids["x"] == 3 and vocab.index(EOS) == 2 and "y" in vocab
    assert vocab.counts.tolist() == [0, 0, 0, 1, 1]


def test_unknown_words_are_skipped_or_mapped_to_a_special():
    skip = Vocabulary(["b", "a"], unknown="skip")
    assert skip.encode(["b", "z", "a"]) == [skip.ids["b"], skip.ids["a"]]
    mapped = Vocabulary(["b", "a"], specials=("[PAD]", "[UNK]"), unknown="[UNK]")
    assert mapped.encode(["z", "b"]) == [mapped.ids["[UNK]"], mapped.ids["b"]]


def test_unknown_words_raise_by_default_and_name_the_word():
    vocab = Vocabulary(["a", "b"])
    with pytest.raises(ValueError, match="z"):
        vocab.encode(["a", "z"])
    with pytest.raises(KeyError, match="z"):
        vocab.index("z")


def test_encode_appends_eos_and_decode_stops_there():
    vocab = Vocabulary(list("abc"), specials=(PAD, BOS, EOS))
    ids = vocab.encode(list("cab"), eos=True)
    assert ids[-1] == vocab.ids[EOS]
    assert vocab.decode(ids + [vocab.ids["a"]], stop=EOS) == list("cab")
    assert vocab.decode(ids) == [*"cab", EOS]


def test_from_sentences_orders_by_frequency_with_two_tie_rules():
    first = Vocabulary.from_sentences(SENTENCES)
    assert first.words == ["a", "b", "c", "d"] and first.counts.tolist() == [3, 2, 1, 1]
    # c と d は 1 回ずつ: "first" は先に現れた順、"sorted" は文字コード順 (この例では同じ)
    tied = [["y"], ["x"]]
    assert Vocabulary.from_sentences(tied).words == ["y", "x"]
    assert Vocabulary.from_sentences(tied, ties="sorted").words == ["x", "y"]
    assert Vocabulary.from_sentences(SENTENCES, min_count=2).words == ["a", "b"]
    with_specials = Vocabulary.from_sentences([["[MASK]", "a"]], specials=("[PAD]", "[MASK]"))
    assert with_specials.words == ["[PAD]", "[MASK]", "a"]


def test_one_class_serves_all_three_chapters():
    from deeppsych import bert, seq2seq, word2vec

    assert seq2seq.make_vocabulary(list("ba")).__class__ is Vocabulary
    assert bert.make_vocabulary(SENTENCES).__class__ is Vocabulary
    assert word2vec.Vocabulary is Vocabulary


def test_pad_batch_and_padding_mask():
    batch, lengths = pad_batch([[5, 6, 7], [8]])
    assert batch.tolist() == [[5, 6, 7], [8, 0, 0]] and lengths.tolist() == [3, 1]
    assert padding_mask(lengths, 3).tolist() == [[True, True, True], [True, False, False]]


def test_shift_right_puts_bos_first_and_drops_the_last_symbol():
    tgt = torch.tensor([[4, 5, 6], [7, 8, 0]])
    assert shift_right(tgt, bos=1).tolist() == [[1, 4, 5], [1, 7, 8]]


def test_sudachi_long_units():
    assert tokenize("彼は意味論を論じた") == ["彼", "は", "意味論", "を", "論じ", "た"]


@pytest.mark.parametrize(
    "call, error, message",
    [
        (lambda: Vocabulary([]), ValueError, "空"),
        (lambda: Vocabulary(["a", "a"]), ValueError, "2 回"),
        (lambda: Vocabulary(["[PAD]"], specials=("[PAD]",)), ValueError, "特殊記号"),
        (lambda: Vocabulary(["a"], unknown="guess"), ValueError, "unknown"),
        (lambda: Vocabulary(["a"], counts=[0]), ValueError, "counts"),
        (lambda: Vocabulary(["a"]).encode([]), ValueError, "空"),
        (lambda: Vocabulary(["a"]).encode(["a"], eos=True), KeyError, EOS),
        (lambda: Vocabulary.from_sentences([[], []]), ValueError, "空"),
        (lambda: Vocabulary.from_sentences("a b"), TypeError, "sentences"),
        (lambda: Vocabulary.from_sentences([[1, 2]]), TypeError, "sentences"),
        (lambda: Vocabulary.from_sentences(SENTENCES, min_count=9), ValueError, "min_count"),
        (lambda: Vocabulary.from_sentences(SENTENCES, ties="random"), ValueError, "ties"),
        (lambda: pad_batch([]), ValueError, "空"),
        (lambda: pad_batch([[1], []]), ValueError, "空"),
        (lambda: padding_mask(torch.tensor([2.0]), 3), TypeError, "lengths"),
        (lambda: padding_mask(torch.tensor([4]), 3), ValueError, "lengths"),
        (lambda: padding_mask([1, 2], 3), ValueError, "lengths"),
        (lambda: shift_right(torch.zeros(3, dtype=torch.long), 1), ValueError, "tgt"),
        (lambda: shift_right(torch.zeros(2, 3), 1), TypeError, "tgt"),
        (lambda: tokenize(["彼"]), TypeError, "text"),
        (lambda: tokenize("彼", mode="D"), ValueError, "mode"),
        (lambda: tokenize("  "), ValueError, "text"),
    ],
)
def test_bad_input_gives_clear_error(call, error, message):
    with pytest.raises(error, match=message):
        call()


# --- similarity に 1 つにまとめた要約 (word2vec と BERT の章が使う) -------------------------


def test_pca_2d_has_a_fixed_sign_and_the_largest_variance_first():
    x = np.random.default_rng(0).normal(size=(30, 5)) * [5, 3, 1, 1, 1]
    xy = similarity.pca_2d(x)
    assert xy.shape == (30, 2) and xy[:, 0].var() >= xy[:, 1].var()
    assert (xy[0] >= 0).all()
    assert np.allclose(similarity.pca_2d(-x), xy)  # 向きを反転したデータでも同じ図


def test_neighbour_rate_counts_the_k_nearest():
    x = np.array([[1.0, 0.0], [0.9, 0.1], [0.8, 0.3], [0.0, 1.0], [0.1, 0.9]])
    labels = ["a", "a", "a", "b", "b"]
    assert similarity.neighbour_rate(x, labels, k=1) == 1.0
    # k = 2: b の 2 つは 2 番目の近傍が a になる
    assert similarity.neighbour_rate(x, labels, k=2) == pytest.approx((2 + 2 + 2 + 1 + 1) / 10)
    assert similarity.chance_neighbour_rate(labels) == pytest.approx((3 * 2 / 4 + 2 * 1 / 4) / 5)
    with pytest.raises(ValueError, match="k"):
        similarity.neighbour_rate(x, labels, k=5)
