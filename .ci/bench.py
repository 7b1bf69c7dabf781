"""章の実行時間の計測 (make bench): 秒ではなく、同じカーネルで走らせた基準の仕事との比で判定する。

遅い機械や混んだ機械では、章も基準の仕事も同じように遅くなる。比 (章の秒 ÷ 基準の秒) は
機械の速さによらないので、予算はこの比で決める。予算は 2 コアの機械 (本書の標準の機械) で
「1 章 60 秒、本全体 5 分」を基準の秒で割って較正した値。

    .venv/bin/python .ci/bench.py                 # 全章 (目次の順)、_build/bench.json に結果
    .venv/bin/python .ci/bench.py book/07_stroop.md   # 1 章だけ (執筆中の確認用)

各章は新しいカーネルで 1 つずつ実行する。最初と最後のセルで基準の仕事を走らせ、その平均を基準の秒とする。
セルの stderr 出力 (日本語フォントの欠けなど) と、図のセルが画像を 1 つだけ出すことも確かめる。
"""

from __future__ import annotations

import inspect
import json
import sys
import time
from pathlib import Path

import jupytext
import nbformat
from nbclient import NotebookClient

sys.path.insert(0, str(Path(__file__).resolve().parent))
from chapters import ROOT, chapters  # noqa: E402

# 較正: この機械の種類 (2 コア, DISPATCH=pinned, 他の負荷なし, 2026-12-01) で reference_workload() は 1.39 秒。
REFERENCE_SECONDS = 1.39
CHAPTER_BUDGET = 60.0 / REFERENCE_SECONDS  # 1 章の比の上限 (60 秒相当)
BOOK_BUDGET = 300.0 / REFERENCE_SECONDS  # 全章の比の合計の上限 (5 分相当)


def reference_workload() -> float:
    """基準の仕事: 小さな MLP の学習 (1 スレッドの PyTorch) と NumPy の行列演算。かかった秒を返す。"""
    import time

    import numpy as np
    import torch

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    generator = torch.Generator().manual_seed(0)
    x = torch.randn(256, 32, generator=generator)
    y = torch.randn(256, 1, generator=generator)
    w1 = (torch.randn(32, 64, generator=generator) * 0.1).requires_grad_()
    w2 = (torch.randn(64, 1, generator=generator) * 0.1).requires_grad_()
    optimiser = torch.optim.Adam([w1, w2], lr=1e-3)
    start = None
    for step in range(8100):
        if step == 100:  # 最初の 100 歩は準備運動 (読み込みやキャッシュ) として時間に入れない
            start = time.perf_counter()
        loss = ((torch.tanh(x @ w1) @ w2 - y) ** 2).mean()
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
    torch.set_num_threads(threads)
    a = np.random.default_rng(0).standard_normal((200, 200))
    for _ in range(200):
        a = np.tanh(a @ a.T / 200.0)
    return time.perf_counter() - start


def _reference_cell() -> nbformat.NotebookNode:
    source = inspect.getsource(reference_workload) + "\nprint('REFERENCE', reference_workload())"
    return nbformat.v4.new_code_cell(source, metadata={"tags": ["bench-reference"]})


def _reference_seconds(cell) -> float:
    text = "".join(o.get("text", "") for o in cell.get("outputs", []))
    return float(text.split("REFERENCE", 1)[1].split()[0])


def problems_in(nb) -> list[str]:
    """stderr への出力と、画像を 1 つだけ出さない図のセル。"""
    found = []
    for i, cell in enumerate(nb.cells):
        for output in cell.get("outputs", []):
            if output.get("name") == "stderr":
                found.append(f"セル {i} の stderr: {output.get('text', '')[:300]}")
        if "figure" in cell.get("metadata", {}).get("mystnb", {}):
            outputs = cell.get("outputs", [])
            kinds = [o.get("output_type") for o in outputs]
            # 図は 1 つの出力で、PNG を含む (スライダーつきの図は HTML と静止画の PNG の組)
            if len(outputs) != 1 or "image/png" not in outputs[0].get("data", {}):
                found.append(f"セル {i}: 図のセルの出力が画像 1 つではありません ({kinds})")
    return found


def run_chapter(md: Path) -> dict:
    """1 章を新しいカーネルで実行し、秒・基準の秒・比・問題点を返す。"""
    nb = jupytext.read(md)
    nb.cells = [_reference_cell(), *nb.cells, _reference_cell()]
    start = time.perf_counter()
    NotebookClient(
        nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(md.parent)}}
    ).execute()
    total = time.perf_counter() - start
    before, after = _reference_seconds(nb.cells[0]), _reference_seconds(nb.cells[-1])
    reference = (before + after) / 2
    seconds = total - before - after
    return {
        "chapter": md.stem,
        "seconds": round(seconds, 2),
        "reference_seconds": round(reference, 3),
        "ratio": round(seconds / reference, 2),
        "problems": problems_in(nb),
    }


def build_timings(reference: float | None = None) -> list[dict]:
    """直近のビルドで各章の実行にかかった秒 (jupyter-cache の記録) と、基準の秒との比。

    reference は基準の仕事の秒 (ビルドが章と一緒に測った値)。None ならいま測る。
    本の「実行時間の記録」のページ (book/_ext/exec_timings.py) が、ビルドのたびにこれを表にする。
    """
    from jupyter_cache import get_cache

    path = ROOT / "_build" / ".jupyter_cache"
    if not path.exists():
        return []
    seconds = {
        Path(r.uri).stem: float(r.data["execution_seconds"])
        for r in get_cache(path).list_cache_records()
        if r.uri and "execution_seconds" in (r.data or {})
    }
    reference = reference_workload() if reference is None else float(reference)
    return [
        {"chapter": c, "seconds": seconds[c], "ratio": seconds[c] / reference}
        for c in (md.stem for md in chapters())
        if c in seconds
    ] + [{"chapter": "基準の仕事", "seconds": reference, "ratio": 1.0}]


def main() -> None:
    targets = [Path(a).resolve() for a in sys.argv[1:]] or chapters()
    results, failures = [], []
    print(f"{'章':<24}{'秒':>8}{'基準(秒)':>10}{'比':>8}  (予算: 1 章 {CHAPTER_BUDGET:.0f})")
    for md in targets:
        r = run_chapter(md)
        results.append(r)
        print(
            f"{r['chapter']:<24}{r['seconds']:>8.1f}{r['reference_seconds']:>10.2f}{r['ratio']:>8.1f}"
        )
        failures += [f"{r['chapter']}: {p}" for p in r["problems"]]
        if r["ratio"] > CHAPTER_BUDGET:
            failures.append(
                f"{r['chapter']}: 比 {r['ratio']:.1f} が予算 {CHAPTER_BUDGET:.0f} を超えました"
            )
    total_ratio = sum(r["ratio"] for r in results)
    print(f"{'合計':<24}{sum(r['seconds'] for r in results):>8.1f}{'':>10}{total_ratio:>8.1f}")
    if len(targets) == len(chapters()) and total_ratio > BOOK_BUDGET:
        failures.append(f"全章の比の合計 {total_ratio:.0f} が予算 {BOOK_BUDGET:.0f} を超えました")
    out = ROOT / "_build" / "bench.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    if failures:
        sys.exit("計測で問題が見つかりました:\n  " + "\n  ".join(failures))


if __name__ == "__main__":
    main()
