"""本の章の一覧 (ただ 1 か所): _toc.yml から読む。ビルド・検査・PDF・ノートブックのスクリプトはここを使う。

from chapters import ROOT, chapters, toc_files
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
CHAPTER_NAME = re.compile(r"\d\d_\w+")


def toc_files() -> list[str]:
    """目次のすべてのページ (拡張子なし、リポジトリからの相対パス。例: book/intro)。"""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    return [toc["root"]] + [c["file"] for p in toc.get("parts", []) for c in p["chapters"]]


def chapters() -> list[Path]:
    """番号つきの章 (book/NN_*.md) を目次の順に。"""
    return [ROOT / f"{f}.md" for f in toc_files() if CHAPTER_NAME.fullmatch(Path(f).name)]


def chapter_names() -> list[str]:
    """章のファイル名の幹 (例: 01_softmax_attention) を目次の順に。"""
    return [p.stem for p in chapters()]


def torch_requirement() -> str:
    """torch の版の固定 (ただ 1 か所: requirements.txt の行)。例: 'torch==2.13.0'。"""
    for line in (ROOT / "requirements.txt").read_text(encoding="utf-8").splitlines():
        if re.match(r"torch==", line.strip()):
            return line.strip()
    raise ValueError("requirements.txt に torch==… の行がありません")
