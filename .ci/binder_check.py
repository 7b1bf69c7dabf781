"""Binder で章を開いた読者の道筋を、ここで再現して確かめる (make binder-check)。

Binder (repo2docker) は、リポジトリを clone し、binder/ があればそこだけを見て環境を作る
(Python なら `pip install -r binder/requirements.txt` を、リポジトリの根で実行する)。ここでも同じく、

1. コミットされたリポジトリを _build/binder/repo に clone する (作業ツリーの変更は入らない)
2. 新しい仮想環境に、binder/requirements.txt だけから (clone の根で) pip install する
3. 各章の .ipynb の双子を、Binder が開く場所 (clone の book/) で 1 つずつ最後まで実行し、時間を出す

この機械からは PyPI しか届かないので、binder/requirements.txt の PyTorch の CPU 版の配布元には
つながらない (pip はそれを飛ばし、同じ版の CPU 版をこの機械の wheel からとる)。その待ち時間を
省くために PIP_RETRIES=0 にする。ファイルは Binder と同じものを使う。
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from colab_check import chapters, run_twins  # noqa: E402  (Colab の道筋と同じ章・同じ実行)

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "_build" / "binder"


def main() -> None:
    shutil.rmtree(WORK, ignore_errors=True)
    WORK.mkdir(parents=True)
    repo = WORK / "repo"
    subprocess.run(
        ["git", "clone", "--quiet", "--depth", "1", f"file://{ROOT}", str(repo)], check=True
    )
    python = WORK / "venv" / "bin" / "python"
    subprocess.run([sys.executable, "-m", "venv", str(WORK / "venv")], check=True)
    env = {**os.environ, "PIP_RETRIES": "0", "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
    started = time.perf_counter()
    install = subprocess.run(
        [str(python), "-m", "pip", "install", "-q", "-r", "binder/requirements.txt"],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
    )
    if install.returncode != 0:
        sys.exit(f"binder/requirements.txt から環境を作れない:\n{install.stderr[-3000:]}")
    print(f"  環境: binder/requirements.txt から {time.perf_counter() - started:.0f} 秒")
    notebooks = [repo / nb.relative_to(ROOT) for nb in chapters()]
    run_twins(python, notebooks, "Binder の道筋", "binder/ だけから作った環境")


if __name__ == "__main__":
    started = time.perf_counter()
    main()
    print(f"({time.perf_counter() - started:.0f} 秒)")
