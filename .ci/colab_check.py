"""Colab で章を開いた読者の道筋を、ここで再現して確かめる (make colab-check)。

1. リポジトリのない新しい仮想環境を作り、ノートブックの実行環境 (ipykernel, nbclient) と、Colab に
   最初から入っている torch だけを入れる。
2. 各章の隠れた最初のセルと同じ pip コマンドで、本書のパッケージをリポジトリから入れる
   (本物の GitHub の URL の代わりに、このリポジトリの git+file:// の URL を使う)。
3. コミットされた .ipynb の双子をリポジトリの外の作業場所に写し、1 つずつ最後まで実行する。
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from chapters import ROOT, torch_requirement  # noqa: E402
from chapters import chapters as chapter_sources  # noqa: E402

WORK = ROOT / "_build" / "colab"
TORCH = (
    torch_requirement()
)  # Colab にあらかじめ入っている torch の代わり (requirements.txt と同じ版)


def chapters() -> list[Path]:
    """目次の番号つきの章の .ipynb の双子 (章の一覧は .ci/chapters.py だけ)。"""
    return [md.with_suffix(".ipynb") for md in chapter_sources()]


def install_command(notebook: Path, url: str) -> list[str]:
    """章の最初のセルにある pip install の引数を取り出し、URL だけ差し替える。"""
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    cell = "".join(next(c for c in cells if c["cell_type"] == "code")["source"])
    spec = re.search(r'f"(deeppsych\[\w+\]) @ git\+\{REPOSITORY\}@\{BRANCH\}"', cell)
    if spec is None or '"google.colab" in sys.modules' not in cell:
        sys.exit(f"{notebook.name}: 最初のセルが Colab 用の install セルではありません")
    return ["-m", "pip", "install", "-q", f"{spec.group(1)} @ {url}"]


RUNNER = """
import sys, time, nbformat
from nbclient import NotebookClient
nb = nbformat.read(sys.argv[1], as_version=4)
start = time.perf_counter()
NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": sys.argv[2]}}).execute()
print(f"{time.perf_counter() - start:.1f}")
"""


def run_twins(python: Path, notebooks: list[Path], path_name: str, where: str) -> None:
    """ノートブックを 1 つずつ、その場所をカレントにして実行し、秒を表示する。失敗があれば終了。"""
    failures = []
    for notebook in notebooks:
        if not notebook.is_file():
            failures.append(f"{notebook.name}: コミットされていない")
            continue
        run = subprocess.run(
            [str(python), "-c", RUNNER, str(notebook), str(notebook.parent)],
            capture_output=True,
            text=True,
            cwd=notebook.parent,
        )
        if run.returncode != 0:
            failures.append(f"{notebook.name}:\n{run.stderr[-2000:]}")
            print(f"  {notebook.name}: 失敗")
        else:
            print(f"  {notebook.name}: {run.stdout.strip().splitlines()[-1]} 秒")
    if failures:
        sys.exit(f"{path_name}で実行できない章があります:\n" + "\n".join(failures))
    print(f"{path_name}: {len(notebooks)} 章とも、{where}で最後まで実行できた")


def main() -> None:
    shutil.rmtree(WORK, ignore_errors=True)
    WORK.mkdir(parents=True)
    python = WORK / "venv" / "bin" / "python"
    subprocess.run([sys.executable, "-m", "venv", str(WORK / "venv")], check=True)
    pip = [str(python), "-m", "pip", "install", "-q"]
    subprocess.run([*pip, "--upgrade", "pip"], check=True)
    subprocess.run([*pip, TORCH, "ipykernel", "nbclient", "nbformat"], check=True)
    notebooks = chapters()
    url = f"git+file://{ROOT}"
    subprocess.run([str(python), *install_command(notebooks[0], url)], check=True, cwd=WORK)
    copies = []
    for notebook in notebooks:
        target = WORK / "notebooks" / notebook.name
        target.parent.mkdir(exist_ok=True)
        shutil.copy(notebook, target)
        copies.append(target)
    run_twins(python, copies, "Colab の道筋", "リポジトリの外の新しい環境")


if __name__ == "__main__":
    started = time.perf_counter()
    main()
    print(f"({time.perf_counter() - started:.0f} 秒)")
