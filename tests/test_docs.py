"""文書への参照がリポジトリの中で解決すること (docs/design.md の 9 節)。

コード・テスト・章・ビルドのスクリプトが指すファイルは存在し、よくある誤りの番号は docs/common_mistakes.md にあり、
モジュールの docstring は使う章を番号ではなくファイル名で書く。
"""

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "code" / "deeppsych"
SOURCES = sorted(
    [*PACKAGE.rglob("*.py"), *(ROOT / "tests").glob("*.py"), *(ROOT / ".ci").glob("*.py")]
    + [*(ROOT / "book").glob("*.md"), *(ROOT / "docs").glob("*.md"), ROOT / "README.md"]
)
PATH = re.compile(
    r"(?<![\w/.])((?:docs|book|tests|code/deeppsych|\.ci)/[\w./-]+\.(?:md|py|yml|txt))"
)
MISTAKE = re.compile(r"common_mistakes\.md の (\d+)(?:[–-](\d+))?")
# 章の外にある文書 (リポジトリにないもの) への古い参照
OUTSIDE = re.compile(r"ERRATA|DESIGN\.md|shared/seeds|shared/reviews")
# 章を横断する部品 (どの章のものでもない)
SHARED = {
    "__init__",
    "_checks",
    "claims",
    "plotting",
    "training",
    "text",
    "linear",
    "interactive",
    "slider_figure",
}


def _rel(path: Path) -> str:
    return str(path.relative_to(ROOT))


def test_the_project_documents_exist():
    for name in ("design.md", "common_mistakes.md"):
        assert (ROOT / "docs" / name).read_text(encoding="utf-8").startswith("# ")


@pytest.mark.parametrize("source", SOURCES, ids=_rel)
def test_every_referenced_file_exists(source):
    text = source.read_text(encoding="utf-8")
    missing = sorted({m for m in PATH.findall(text) if not (ROOT / m.rstrip(".")).exists()})
    assert not missing, f"{_rel(source)} が指すファイルがありません: {missing}"
    if source.name != "test_docs.py":
        assert not OUTSIDE.search(text), f"{_rel(source)} がリポジトリの外の文書を指しています"


def _mistake_numbers() -> set[int]:
    text = (ROOT / "docs" / "common_mistakes.md").read_text(encoding="utf-8")
    return {int(n) for n in re.findall(r"^(\d+)\. \*\*", text, re.M)}


def test_common_mistakes_are_numbered_one_to_n():
    numbers = _mistake_numbers()
    assert numbers == set(range(1, len(numbers) + 1)) and len(numbers) >= 20


@pytest.mark.parametrize("source", SOURCES, ids=_rel)
def test_every_common_mistake_number_exists(source):
    numbers = _mistake_numbers()
    for first, last in MISTAKE.findall(source.read_text(encoding="utf-8")):
        cited = range(int(first), int(last or first) + 1)
        assert set(cited) <= numbers, (
            f"{_rel(source)}: docs/common_mistakes.md に {list(cited)} がありません"
        )


MODULES = sorted(p for p in PACKAGE.rglob("*.py") if p.stem not in SHARED)


@pytest.mark.parametrize("module", MODULES, ids=_rel)
def test_module_docstrings_name_chapters_by_file(module):
    docstring = ast.get_docstring(ast.parse(module.read_text(encoding="utf-8"))) or ""
    assert not re.search(r"第 ?\d+ ?章", docstring), (
        f"{_rel(module)}: 章は番号でなくファイル名で書く"
    )
    if module.parent == PACKAGE or module.stem.startswith("human_"):
        chapters = re.findall(r"book/\d\d_\w+\.md", docstring)
        assert chapters, f"{_rel(module)}: docstring に使う章 (book/NN_*.md) がありません"
        assert all((ROOT / c).exists() for c in chapters)
