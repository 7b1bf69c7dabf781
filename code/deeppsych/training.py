"""再現できる学習のための共通部品: 乱数の種 (seeded)、計算装置の選択 (resolve_device)、学習ループ (train)。"""

from __future__ import annotations

import functools
import math
import operator
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager

import torch

from ._checks import check_seed, nonnegative_number, one_of, positive_int, positive_number


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


OPTIMIZERS = {"adam": torch.optim.Adam, "sgd": torch.optim.SGD}


def train(
    model: torch.nn.Module,
    batches: Callable[[int], Iterable[tuple] | tuple],
    loss_fn: Callable,
    *,
    epochs: int | None = None,
    steps: int | None = None,
    lr: float = 1e-2,
    optimizer: str = "adam",
    weight_decay: float = 0.0,
    progress: bool = False,
    callbacks: Sequence = (),
) -> list[float]:
    """本書のすべてのモデルが使う学習ループ。回し方は epochs か steps のどちらか一方で決める。

    * ``epochs=E``: ``batches(epoch)`` は 1 エポックぶんのバッチを順に返す (データ全体を 1 回ずつ使う)。
      返り値はエポックごとの平均損失 (E 個)。
    * ``steps=S``: ``batches(step)`` は 1 回の更新に使うバッチを 1 つ返す (たとえば毎回無作為に選んだ例)。
      返り値は更新ごとの損失 (S 個)。

    バッチは (入力, 正解, …) の組で、テンソルはモデルと同じ装置に移してから ``loss_fn(model, *batch)`` に渡す。
    loss_fn はスカラーの損失か、名前つきの損失の辞書 (その和を最小にする。例: BERT の {"mlm": …, "nsp": …})
    を返す。callbacks の各要素について、あれば ``on_step(step, loss, parts)`` が更新のたびに、
    ``on_epoch(epoch, loss, model)`` がエポックの終わりに呼ばれる (どちらも True を返すと学習を止める)。
    parts は名前つきの損失の値 (辞書でなければ空)。バッチを 1 つも返さなかったエポックの損失は NaN
    (word2vec の頻出語の間引きで、小さなコーパスの例がすべて消えることがある)。
    学習のあいだ CPU のスレッドは 1 つにする。
    """
    if (epochs is None) == (steps is None):
        raise ValueError(
            "epochs (データを何周するか) と steps (何回更新するか) のどちらか一方を指定してください"
        )
    count = positive_int(epochs, "epochs") if steps is None else positive_int(steps, "steps")
    params = [p for p in model.parameters() if p.requires_grad]
    if not params:
        raise ValueError("model に学習できるパラメータがありません")
    opt = OPTIMIZERS[one_of(optimizer, OPTIMIZERS, "optimizer")](
        params,
        lr=positive_number(lr, "lr"),
        weight_decay=nonnegative_number(weight_decay, "weight_decay"),
    )
    loop = _Loop(model, loss_fn, opt, params[0].device, list(callbacks))
    rounds = range(count)
    if progress:
        from tqdm.auto import tqdm

        rounds = tqdm(rounds, desc="学習")
    with single_thread():  # 本書のモデルは小さいので、どの学習も 1 スレッドで回す
        history = (
            loop.by_steps(batches, rounds) if epochs is None else loop.by_epochs(batches, rounds)
        )
    model.eval()
    return history


class LossLog:
    """更新ごとの損失と、名前つきの損失の各項を記録するコールバック (``train(…, callbacks=[log])``)。"""

    def __init__(self):
        self.losses: list[float] = []
        self.parts: dict[str, list[float]] = {}

    def on_step(self, step: int, loss: float, parts: dict[str, float]) -> None:
        self.losses.append(loss)
        for name, value in parts.items():
            self.parts.setdefault(name, []).append(value)


class _Loop:
    """1 回の更新 (勾配を 0 に → 損失 → 逆伝播 → パラメータの更新) と、コールバックの呼び出し。"""

    def __init__(self, model, loss_fn, opt, device, callbacks):
        self.model, self.loss_fn, self.opt, self.device = model, loss_fn, opt, device
        self.on_step = [cb.on_step for cb in callbacks if hasattr(cb, "on_step")]
        self.on_epoch = [cb.on_epoch for cb in callbacks if hasattr(cb, "on_epoch")]
        self.step = 0

    def update(self, batch) -> tuple[float, bool]:
        batch = [b.to(self.device) if isinstance(b, torch.Tensor) else b for b in batch]
        self.opt.zero_grad()
        out = self.loss_fn(self.model, *batch)
        loss = functools.reduce(operator.add, out.values()) if isinstance(out, dict) else out
        loss.backward()
        self.opt.step()
        value = float(loss.detach().cpu())
        parts = (
            {k: float(v.detach().cpu()) for k, v in out.items()} if isinstance(out, dict) else {}
        )
        stop = any([bool(f(self.step, value, parts)) for f in self.on_step])
        self.step += 1
        return value, stop

    def by_steps(self, batches, rounds) -> list[float]:
        history = []
        for step in rounds:
            self.model.train()
            loss, stop = self.update(batches(step))
            history.append(loss)
            if stop:
                break
        return history

    def by_epochs(self, batches, rounds) -> list[float]:
        history = []
        for epoch in rounds:
            self.model.train()
            total, count, stop = 0.0, 0, False
            for batch in batches(epoch):
                loss, stop = self.update(batch)
                total, count = total + loss, count + 1
                if stop:
                    break
            history.append(total / count if count else math.nan)  # バッチのないエポックは NaN
            if stop or any([bool(f(epoch, history[-1], self.model)) for f in self.on_epoch]):
                break
        return history
