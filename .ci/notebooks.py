"""Colab 用の .ipynb の双子 (twin) を章の .md から作る / 同期を確かめる。

  python .ci/notebooks.py sync   # repository を install セルに書き、.ipynb を更新
  python .ci/notebooks.py check  # どちらかがずれていれば終了コード 1 (CI 用)

jupytext の --update を使うので、既存の .ipynb のセル id は変わらない。
"""

from __future__ import annotations

import filecmp
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
JUPYTEXT = str(Path(sys.executable).parent / "jupytext")


def repository() -> tuple[str, str]:
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    repo = config["repository"]
    return repo["url"], repo.get("branch", "main")


def chapter_sources() -> list[Path]:
    """jupytext のノートブックとして書かれた章 (kernelspec をもつ .md)。"""
    return sorted(p for p in (ROOT / "book").rglob("*.md") if "kernelspec:" in p.read_text()[:500])


def with_repository(text: str, url: str, branch: str) -> str:
    text = re.sub(r'(?m)^(\s*REPOSITORY = )".*"$', rf'\g<1>"{url}"', text)
    return re.sub(r'(?m)^(\s*BRANCH = )".*"$', rf'\g<1>"{branch}"', text)


def to_ipynb(md: Path, target: Path) -> None:
    subprocess.run(
        [JUPYTEXT, "--quiet", "--to", "ipynb", "--update", "--output", str(target), str(md)],
        check=True,
    )


def sync() -> None:
    url, branch = repository()
    for md in chapter_sources():
        text = md.read_text(encoding="utf-8")
        updated = with_repository(text, url, branch)
        if updated != text:
            md.write_text(updated, encoding="utf-8")
        to_ipynb(md, md.with_suffix(".ipynb"))
        print(f"  {md.with_suffix('.ipynb').relative_to(ROOT)}")


def check() -> None:
    url, branch = repository()
    problems = []
    with tempfile.TemporaryDirectory() as tmp:
        for md in chapter_sources():
            nb = md.with_suffix(".ipynb")
            rel = md.relative_to(ROOT)
            text = md.read_text(encoding="utf-8")
            if "REPOSITORY = " not in text:
                problems.append(f"{rel}: Colab 用の install セルがありません")
            elif with_repository(text, url, branch) != text:
                problems.append(
                    f"{rel}: install セルの URL が _config.yml の repository と違います"
                )
            if not nb.exists():
                problems.append(f"{nb.relative_to(ROOT)}: .ipynb の双子がありません")
                continue
            copy = Path(tmp) / nb.name
            shutil.copy(nb, copy)
            to_ipynb(md, copy)
            if not filecmp.cmp(copy, nb, shallow=False):
                problems.append(f"{nb.relative_to(ROOT)}: {rel} と同期していません")
    if problems:
        sys.exit("make notebooks を実行してください:\n  " + "\n  ".join(problems))
    print(f"ノートブックの双子: {len(chapter_sources())} 章とも同期済み")


if __name__ == "__main__":
    {"sync": sync, "check": check}[sys.argv[1] if len(sys.argv) > 1 else "check"]()
