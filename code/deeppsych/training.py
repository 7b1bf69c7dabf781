"""再現できる学習のための共通部品: 乱数の種 (seeded)、計算装置の選択 (resolve_device)、学習ループ (train)。"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager

import torch

from ._checks import check_seed, positive_int


@contextmanager
def seeded(seed: int) -> Iterator[torch.Generator]:
    """このブロックの中だけ、PyTorch の既定の乱数を seed で始める。抜けると元の状態に戻す。

    重みの初期値 (``nn.Linear`` などは既定の乱数を使う) やドロップアウトを seed だけで決めるための囲い。
    外の乱数の状態を変えないので、章の後のセルの結果が前のセルを呼んだ順に左右されない。
    ブロックには同じ種の ``torch.Generator`` (データの乱択用) を渡す。
    """
    seed = check_seed(seed)
    with torch.random.fork_rng(devices=[]):
        torch.default_generator.manual_seed(seed)  # CPU の既定の乱数だけ (CUDA の状態には触れない)
        yield torch.Generator().manual_seed(seed)


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


def resolve_device(device=None) -> torch.device:
    """計算装置を決める唯一の場所。既定は CPU。GPU は呼び手が頼んだとき (``device="cuda"``) だけ。

    Colab の GPU ランタイムでも、頼まなければ本のビルドと同じ CPU の数値になる。
    """
    if device is None:
        return torch.device("cpu")
    if not isinstance(device, str | torch.device):
        raise TypeError(f"device は 'cpu'、'cuda' などの文字列か torch.device です ({device!r})")
    try:
        resolved = torch.device(device)
    except RuntimeError as err:
        raise ValueError(f"device {device!r} は PyTorch の装置名ではありません") from err
    if resolved.type == "cuda" and not torch.cuda.is_available():
        raise ValueError(f"device={device!r} が指定されましたが、この機械では CUDA が使えません")
    return resolved


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
