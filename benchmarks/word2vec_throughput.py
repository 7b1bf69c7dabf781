"""word2vec の学習速度 (語/秒) を、deeppsych と gensim で同じコーパス・同じ設定でくらべる。

単体テストではなく計測用のスクリプト。使い方 (リポジトリの根で)::

    python benchmarks/word2vec_throughput.py [--sentences 20000] [--epochs 5] [--repeats 3]

どちらも呼び出し全体 (語彙の作成を含む) の壁時計時間を測り、コーパスの語数 × エポック数を
その時間で割る。gensim は 1 スレッド (決定的) と 2 スレッドの両方を測る。
"""

from __future__ import annotations

import argparse
import platform
import time
from functools import partial

import torch

from deeppsych import word2vec
from deeppsych.data import planted_corpus


def measure(fn, repeats: int) -> float:
    """fn() を repeats 回実行し、最短の時間 (秒) を返す。"""
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sentences", type=int, default=20000)
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()

    from gensim.models import Word2Vec

    corpus = planted_corpus.generate(args.sentences, seed=0)
    tokens = corpus.n_tokens * args.epochs
    settings = dict(dim=50, window=4, negatives=5, epochs=args.epochs, subsample=1e-3, seed=0)
    print(f"# {platform.processor() or platform.machine()}, torch {torch.__version__}")
    print(f"# コーパス: {args.sentences} 文, {corpus.n_tokens} 語, {args.epochs} エポック")
    print(f"{'model':10s} {'実装':22s} {'秒':>7s} {'語/秒':>10s} {'gensim(1)比':>11s}")
    for model in word2vec.MODELS:
        ours = partial(word2vec.train, corpus.sentences, model=model, **settings)
        gensim = partial(
            Word2Vec,
            corpus.sentences,
            vector_size=50,
            window=4,
            negative=5,
            hs=0,
            sg=int(model == "skipgram"),
            sample=1e-3,
            min_count=1,
            epochs=args.epochs,
            seed=0,
        )
        reference = measure(partial(gensim, workers=1), args.repeats)
        rows = [
            ("deeppsych (PyTorch)", measure(ours, args.repeats)),
            ("gensim 1 スレッド", reference),
            ("gensim 2 スレッド", measure(partial(gensim, workers=2), args.repeats)),
        ]
        for name, seconds in rows:
            print(
                f"{model:10s} {name:22s} {seconds:7.2f} {tokens / seconds:10.0f} "
                f"{reference / seconds:11.2f}"
            )


if __name__ == "__main__":
    main()
