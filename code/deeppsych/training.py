"""再現できる学習のための共通部品: 乱数の種、計算装置の選択、素朴な学習ループ。"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager

import numpy as np
import torch

from ._checks import positive_int


def seed_everything(seed: int) -> torch.Generator:
    """Python・NumPy・PyTorch の乱数の種をそろえ、同じ種の torch.Generator を返す。

    モデルを作る前に呼ぶこと (重みの初期値もこの種で決まる)。
    """
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise ValueError(f"seed は 0 以上の整数でなければなりません ({seed!r})")
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    return torch.Generator().manual_seed(seed)


@contextmanager
def single_thread() -> Iterator[None]:
    """このブロックのあいだだけ PyTorch の CPU スレッドを 1 つにする。

    本書のモデルは小さく、スレッドを分ける手間のほうが計算より高くつく (混んだ 2 コアの機械では
    何倍も遅くなる)。1 スレッドなら結果もコア数によらず同じになる。GPU の計算には影響しない。
    """
    previous = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(previous)


def default_device() -> torch.device:
    """GPU (CUDA) があればそれを、なければ CPU を使う。"""
    return torch.device("cuda" if torch.cuda.is_available() else "cpu")


def train(
    model: torch.nn.Module,
    batches: Callable[[int], Iterable[tuple]],
    loss_fn: Callable,
    epochs: int,
    lr: float = 1e-2,
    optimizer: str = "adam",
    weight_decay: float = 0.0,
    progress: bool = False,
) -> list[float]:
    """素朴な学習ループ。エポックごとの平均損失のリストを返す。

    ``batches(epoch)`` は (入力, 正解) の組を順に返す。学習のあいだ CPU のスレッドは 1 つにする。``loss_fn(model, inputs, targets)`` は
    スカラーの損失を返す。テンソルはモデルと同じ装置に移される。
    """
    epochs = positive_int(epochs, "epochs")
    params = [p for p in model.parameters() if p.requires_grad]
    if not params:
        raise ValueError("model に学習できるパラメータがありません")
    optimisers = {"adam": torch.optim.Adam, "sgd": torch.optim.SGD}
    if optimizer not in optimisers:
        raise ValueError(f"optimizer は {sorted(optimisers)} のいずれかです ({optimizer!r})")
    opt = optimisers[optimizer](params, lr=lr, weight_decay=weight_decay)
    device = params[0].device
    with single_thread():  # 本書のモデルは小さいので、どの学習も 1 スレッドで回す
        return _run_epochs(model, batches, loss_fn, epochs, opt, device, progress)


def _run_epochs(model, batches, loss_fn, epochs, opt, device, progress) -> list[float]:
    history = []
    steps = range(epochs)
    if progress:
        from tqdm.auto import tqdm

        steps = tqdm(steps, desc="学習")
    for epoch in steps:
        model.train()
        total, count = 0.0, 0
        for batch in batches(epoch):
            batch = [b.to(device) if isinstance(b, torch.Tensor) else b for b in batch]
            opt.zero_grad()
            loss = loss_fn(model, *batch)
            loss.backward()
            opt.step()
            total += float(loss.detach().cpu())
            count += 1
        if count == 0:
            raise ValueError("batches(epoch) が 1 つもバッチを返しませんでした")
        history.append(total / count)
    model.eval()
    return history
