"""deeppsych.seq2seq と課題データ (漢数字、反転): 注意の性質、講義 notebook の誤りの防止、縮小学習。"""

import numpy as np
import pytest
import torch

from deeppsych import seq2seq as S
from deeppsych.data import numerals, reversal


def _model(attention, hidden=16, seed=0):
    pairs = reversal.reversal_pairs(50, 2, 6, seed=0)
    return S.build_model(pairs, attention, hidden=hidden, seed=seed), pairs


def _mixed_batch(model):
    sources = [list("abc"), list("abcdef"), list("a")]
    src, lengths = S.pad_batch([model.src_vocab.encode(s) for s in sources])
    return src, lengths


@pytest.mark.parametrize("attention", ["additive", "dot", "general"])
def test_attention_weights_are_a_distribution_with_zero_on_padding(attention):
    model, _ = _model(attention)
    src, lengths = _mixed_batch(model)
    decoded = model.greedy_decode(src, lengths, max_len=5)
    w = decoded.attention
    assert w.shape == (3, 5, 6)
    assert (w >= 0).all()
    assert torch.allclose(w.sum(dim=2), torch.ones(3, 5))
    for i, n in enumerate(lengths.tolist()):
        assert (w[i, :, n:] == 0).all()


@pytest.mark.parametrize("attention", S.ATTENTIONS)
def test_output_shapes_for_mixed_lengths(attention):
    model, _ = _model(attention)
    src, lengths = _mixed_batch(model)
    tgt, _ = S.pad_batch(
        [model.tgt_vocab.encode(list("cba"), eos=True), model.tgt_vocab.encode(list("a"), eos=True)] * 2
    )
    logits = model(src[:2].repeat(2, 1), lengths[:2].repeat(2), tgt)
    assert logits.shape == (4, tgt.shape[1], len(model.tgt_vocab))


def test_attention_is_content_based_it_changes_with_the_encoder_outputs():
    model, _ = _model("additive")
    src, lengths = _mixed_batch(model)
    base = model.greedy_decode(src, lengths, 3).attention
    other = src.clone()
    other[other > 0] = model.src_vocab.ids["j"]
    assert not torch.allclose(base, model.greedy_decode(other, lengths, 3).attention)


@pytest.mark.parametrize("attention", S.ATTENTIONS)
def test_decoder_hidden_state_changes_every_step(attention):
    model, _ = _model(attention)
    src, lengths = _mixed_batch(model)
    states = model.greedy_decode(src, lengths, max_len=6).states
    steps = (states[:, 1:] - states[:, :-1]).abs().amax(dim=2)
    assert (steps > 1e-6).all()


@pytest.mark.parametrize("attention", S.ATTENTIONS)
def test_gradients_reach_the_encoder_and_every_parameter_is_initialised(attention):
    model, pairs = _model(attention)
    src, src_len, tgt = S.encode_pairs(model, pairs[:8])
    loss = S._loss(model, src, src_len, tgt)
    loss.backward()
    assert model.encoder.embed.weight.grad.abs().sum() > 0
    assert model.encoder.rnn.weight_ih_l0.grad.abs().sum() > 0
    for name, p in model.named_parameters():
        assert torch.isfinite(p).all(), name
        assert p.abs().sum() > 0 or "bias" in name, name


def test_teacher_forcing_input_is_the_target_shifted_right():
    model, _ = _model("additive")
    src, lengths = _mixed_batch(model)
    tgt, _ = S.pad_batch([model.tgt_vocab.encode(list("cba"), eos=True)] * 3)
    # 位置 t の得点は t 以降の正解に依存しない (答えを覗けない)
    changed = tgt.clone()
    changed[:, 2:] = model.tgt_vocab.ids["j"]
    a, b = model(src, lengths, tgt), model(src, lengths, changed)
    assert torch.allclose(a[:, :2], b[:, :2])
    assert not torch.allclose(a[:, 3], b[:, 3])


def test_numeral_generator_round_trips_every_number():
    for n in range(1, numerals.MAX_NUMBER + 1):
        assert numerals.from_kanji(numerals.to_kanji(n)) == n
    assert numerals.to_kanji(1984) == "千九百八十四"
    assert numerals.to_kanji(30500) == "三万五百"
    assert numerals.to_kanji(10000) == "一万"
    train, test = numerals.numeral_split(100, 50, seed=3)
    assert not {"".join(t) for _, t in train} & {"".join(t) for _, t in test}


def test_reduced_training_numerals_attention_and_vanilla_on_long_reversals():
    train, test = numerals.numeral_split(2000, 300, seed=0)
    model = S.build_model(train, "additive", hidden=48, seed=0)
    S.fit(model, train, steps=300, seed=0)
    assert S.exact_match(model, test).mean() >= 0.95

    rev_train = reversal.reversal_pairs(2000, 3, 12, seed=0)
    rev_test = reversal.reversal_pairs(300, 3, 12, seed=1)
    scores = {}
    for attention in ("none", "additive"):
        m = S.build_model(rev_train, attention, hidden=48, seed=0)
        S.fit(m, rev_train, steps=300, seed=0)
        scores[attention] = S.accuracy_by_length(m, rev_test, [3, 9, 13])
    assert scores["additive"][-1] > scores["none"][-1] + 0.2


def test_same_seed_gives_identical_models():
    pairs = reversal.reversal_pairs(200, 2, 6, seed=0)
    losses = []
    for _ in range(2):
        m = S.build_model(pairs, "general", hidden=16, seed=4)
        losses.append(S.fit(m, pairs, steps=5, seed=4))
    assert losses[0] == losses[1]


@pytest.mark.parametrize(
    "call, error, message",
    [
        (lambda: S.make_vocabulary([]), ValueError, "空"),
        (lambda: S.make_vocabulary(list("ab")).encode([]), ValueError, "空の系列"),
        (lambda: S.make_vocabulary(list("ab")).encode(list("abz")), ValueError, "語彙にない"),
        (lambda: S.pad_batch([]), ValueError, "空"),
        (lambda: S.build_model([], "additive"), ValueError, "pairs"),
        (lambda: S.Decoder(5, 4, "location"), ValueError, "attention"),
        (lambda: numerals.to_kanji(0), ValueError, "1 以上"),
        (lambda: numerals.to_kanji(1.5), TypeError, "整数"),
        (lambda: numerals.from_kanji("千X"), ValueError, "漢数字ではない"),
        (lambda: reversal.reversal_pairs(5, 4, 2), ValueError, "max_len"),
    ],
)
def test_bad_input_gives_clear_error(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_translate_returns_symbols():
    model, pairs = _model("dot")
    out, decoded = S.translate(model, [s for s, _ in pairs[:3]])
    assert len(out) == 3 and all(isinstance(t, list) for t in out)
    assert decoded.tokens.shape[0] == 3
    assert np.isfinite(decoded.attention.numpy()).all()


def test_token_accuracy_counts_positions_and_is_one_for_a_perfect_model():
    model, pairs = _model("additive")
    S.fit(model, pairs, steps=40, batch_size=16)
    predictions, _ = S.translate(model, [s for s, _ in pairs[:20]], 8)
    perfect = [(s, p) for (s, _), p in zip(pairs[:20], predictions, strict=True) if p]
    assert perfect
    assert S.token_accuracy(model, perfect) == 1.0
    wrong = [(s, ["j"] * len(p)) for s, p in perfect if "j" not in p]
    assert S.token_accuracy(model, wrong) == 0.0


def test_teacher_forced_accuracy_is_at_least_as_high_as_free_running_on_unseen_items():
    pairs = reversal.reversal_pairs(400, 3, 10, seed=0)
    model = S.build_model(pairs, "none", hidden=24, seed=0)
    S.fit(model, pairs[:300], steps=60, seed=0)
    unseen = pairs[300:]
    forced = S.teacher_forced_accuracy(model, unseen)
    assert 0.0 <= forced <= 1.0
    assert forced >= S.token_accuracy(model, unseen)
