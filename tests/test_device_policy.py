"""装置の方針: どの学習の入口も、CUDA が「ある」と報告されても、頼まれなければ CPU に留まる。

CUDA のない機械で、torch.cuda.is_available を True に差し替えて確かめる (何かが暗黙に GPU へ
移ろうとすれば、ここで落ちるか、パラメータが cuda に載る)。
"""

import pytest
import torch

from deeppsych import bert, cam, regularization, seq2seq, stroop, transformer, word2vec


@pytest.fixture(autouse=True)
def _cuda_reported_available(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)


def _on_cpu(module: torch.nn.Module) -> bool:
    return all(p.device.type == "cpu" for p in module.parameters())


def test_word2vec_trains_on_cpu():
    sentences = [["犬", "が", "走る"], ["猫", "が", "走る"], ["犬", "と", "猫"]] * 5
    vectors = word2vec.train(sentences, dim=4, epochs=1, window=1, negatives=2)
    assert vectors.vectors.dtype.kind == "f"


def test_scene_cnn_trains_on_cpu():
    model, _ = cam.train_scene_cnn(epochs=1, scenes_per_epoch=8, batch_size=8)
    assert _on_cpu(model)


def test_mlp_trains_on_cpu():
    data = regularization.make_curve_data(10, n_test=10, seed=0)
    run = regularization.train_mlp(data, hidden=4, epochs=2, eval_every=1)
    assert _on_cpu(run.model)


def test_stroop_network_trains_on_cpu():
    trained = stroop.train_network(epochs=2)
    assert trained is not None
    assert all(t.device.type == "cpu" for t in vars(trained.weights).values()
               if isinstance(t, torch.Tensor))  # fmt: skip


def test_sequence_models_are_built_on_cpu():
    pairs = [(list("123"), list("321")), (list("12"), list("21"))]
    assert _on_cpu(seq2seq.build_model(pairs, attention="none", hidden=8))
    assert _on_cpu(transformer.build_model(pairs, d_model=8, n_heads=2, d_ff=8))
    vocab = bert.make_vocabulary([["犬", "が", "走る"], ["猫", "が", "寝る"]])
    assert _on_cpu(bert.build_model(vocab, d_model=8, n_heads=2, n_layers=1, d_ff=8))
