"""1 つの章を (本をビルドせずに) 実行し、かかった時間と stderr の出力を報告する。

.venv/bin/python .ci/execute_chapter.py book/01_softmax_attention.md [出力.ipynb]
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import jupytext
import nbformat
from nbclient import NotebookClient


def main() -> None:
    source = Path(sys.argv[1])
    nb = jupytext.read(source)
    start = time.perf_counter()
    NotebookClient(
        nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": "."}}
    ).execute()
    seconds = time.perf_counter() - start
    if len(sys.argv) > 2:
        nbformat.write(nb, sys.argv[2])
    stderr = [
        (i, "".join(o.get("text", "")))
        for i, cell in enumerate(nb.cells)
        for o in cell.get("outputs", [])
        if o.get("name") == "stderr"
    ]
    # 図のセルは画像を 1 つだけ出すこと (最後の式の値まで表示すると、図の名前が重複して -W で失敗する)
    for i, cell in enumerate(nb.cells):
        if "figure" in cell.get("metadata", {}).get("mystnb", {}):
            kinds = [o.get("output_type") for o in cell.get("outputs", [])]
            if kinds.count("display_data") != 1 or "execute_result" in kinds:
                stderr.append((i, f"図のセルの出力が画像 1 つではありません: {kinds}"))
    for i, text in stderr:
        print(f"stderr (cell {i}): {text[:500]}")
    print(f"{source}: {seconds:.1f} s, {len(stderr)} stderr outputs")
    sys.exit(1 if stderr else 0)


if __name__ == "__main__":
    main()
