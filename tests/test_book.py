"""本全体の検査: 目次、章の約束 (docs/design.md の 2 節)、Colab 用の双子、用語集、文献、ビルド用拡張。"""

import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from docutils import nodes

ROOT = Path(__file__).resolve().parent.parent
BOOK = ROOT / "book"
sys.path.insert(0, str(BOOK / "_ext"))
sys.path.insert(0, str(ROOT / ".ci"))

import chapters  # noqa: E402  (章の一覧はここだけ: _toc.yml から読む)
import cjk_linebreaks  # noqa: E402
import package_cache  # noqa: E402
import release  # noqa: E402

CHAPTERS = chapters.chapters()
CODE_CELL = re.compile(r"```\{code-cell\}[^\n]*\n(.*?)```", re.S)


toc_files = chapters.toc_files


def code_cells(md: Path) -> list[str]:
    return CODE_CELL.findall(md.read_text(encoding="utf-8"))


def test_every_toc_entry_exists_and_every_chapter_is_in_the_toc():
    files = toc_files()
    for f in files:
        assert (ROOT / f"{f}.md").exists(), f
    on_disk = {f"book/{c.stem}" for c in BOOK.glob("[0-9][0-9]_*.md")}
    assert on_disk <= set(files), "目次にない章のファイルがあります"
    assert CHAPTERS, "章が 1 つもありません"


def test_language_is_japanese_under_sphinx_config():
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    assert config["sphinx"]["config"]["language"] == "ja"
    assert "language" not in config  # 最上位の language は無視される


@pytest.mark.parametrize("md", CHAPTERS, ids=lambda p: p.stem)
def test_chapter_contract(md):
    cells = code_cells(md)
    first = cells[0]
    assert ":tags: [remove-cell]" in first and '"google.colab" in sys.modules' in first
    body = "\n".join(cells[1:])
    assert re.search(r"^from deeppsych import|^import deeppsych", body, re.M)
    # モデルや学習ループは章ではなくパッケージに置く
    assert not re.search(r"^\s*class \w+|nn\.Module|\.backward\(|optim\.", body, re.M)
    # 実行中にネットワークから何も取ってこない
    assert not re.search(r"urllib|requests|https?://|wget|curl|from_pretrained|hf_hub", body)


@pytest.mark.parametrize("md", CHAPTERS, ids=lambda p: p.stem)
def test_every_figure_has_caption_name_and_alt_text(md):
    for cell in code_cells(md):
        if "figure:" in cell:
            assert re.search(r"caption: \S", cell)
            assert re.search(r"name: fig-[\w-]+", cell)
            assert re.search(r"alt: \S", cell)


def test_notebook_twins_are_in_sync_with_the_chapters():
    run = subprocess.run(
        [sys.executable, str(ROOT / ".ci" / "notebooks.py"), "check"],
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stdout + run.stderr


def glossary_terms() -> set[str]:
    text = (BOOK / "glossary.md").read_text(encoding="utf-8")
    return set(re.findall(r"^(\S[^\n]*)\n  \(", text, re.M))


def test_every_term_used_is_in_the_glossary():
    terms = glossary_terms()
    for md in BOOK.glob("*.md"):
        for used in re.findall(r"\{term\}`([^`<]+)`", md.read_text(encoding="utf-8")):
            assert used in terms, f"{md.name}: 用語集にない {used}"


def test_every_citation_key_is_in_references_bib():
    bib = (BOOK / "references.bib").read_text(encoding="utf-8")
    keys = set(re.findall(r"@\w+\{([^,]+),", bib))
    for md in BOOK.glob("*.md"):
        for group in re.findall(
            r"\{(?:foot)?cite(?::\w+)?\}`([^`]+)`", md.read_text(encoding="utf-8")
        ):
            for key in group.split(","):
                assert key.strip() in keys, f"{md.name}: 文献にない {key}"


def test_cjk_line_breaks_are_removed_but_latin_breaks_kept():
    para = nodes.paragraph()
    para += [
        nodes.Text("注意の"),
        nodes.Text("\n"),
        nodes.Text("重み。\nsoft\nmax と"),
        nodes.Text("\n"),
    ]
    para += nodes.Text("ソフト")
    doc = nodes.document(None, None)
    doc += para
    cjk_linebreaks.remove_cjk_breaks(None, doc)
    assert para.astext() == "注意の重み。\nsoft\nmax とソフト"


def _fake_package(tmp_path: Path) -> Path:
    root = tmp_path / "deeppsych"
    (root / "data").mkdir(parents=True)
    (root / "__init__.py").write_text("")
    (root / "_checks.py").write_text("X = 1\n")
    (root / "activations.py").write_text("from ._checks import X\n")
    (root / "saliency.py").write_text("from . import activations\n")
    (root / "cam.py").write_text("Y = 2\n")
    (root / "data" / "__init__.py").write_text("")
    (root / "data" / "words.py").write_text("from .._checks import X\n")
    return root


def test_fingerprint_follows_imports_transitively(tmp_path):
    root = _fake_package(tmp_path)
    chapter = "from deeppsych import plotting, saliency\n"
    before = package_cache.fingerprint(chapter, root)
    (root / "cam.py").write_text("Y = 3\n")  # 章が使わないモジュール
    assert package_cache.fingerprint(chapter, root) == before
    (root / "_checks.py").write_text("X = 2\n")  # saliency → activations → _checks
    assert package_cache.fingerprint(chapter, root) != before
    assert package_cache.fingerprint("print(1)\n", root) == ""


def test_fingerprint_follows_the_solution_files_a_chapter_runs(tmp_path):
    # 解答のファイルを直しても章のセル (%run -i …) は変わらない: 指紋が変わらないと古い出力のままになる
    root = _fake_package(tmp_path)
    book = tmp_path / "book"
    (book / "solutions").mkdir(parents=True)
    solution = book / "solutions" / "01_x.py"
    solution.write_text("print(1)\n")
    chapter = "from deeppsych import plotting\n%%capture\n%run -i solutions/01_x.py\n"
    files = package_cache.solution_files(chapter, book)
    assert files == [solution]
    before = package_cache.fingerprint(chapter, root, files)
    assert before != package_cache.fingerprint(chapter, root)
    solution.write_text("print(2)\n")
    assert package_cache.fingerprint(chapter, root, files) != before


@pytest.mark.parametrize("md", CHAPTERS, ids=lambda p: p.stem)
def test_every_solution_file_is_both_shown_and_run(md):
    # 解答のコードを 2 度打たない: solutions/ のファイルは解答に見せ (literalinclude)、隠れたセルで実行する
    text = md.read_text(encoding="utf-8")
    shown = set(re.findall(r"^```\{literalinclude\} (solutions/\S+\.py)$", text, re.M))
    run = set(package_cache.SOLUTION_RUN.findall(text))
    assert shown == run
    assert all((md.parent / name).is_file() for name in run)
    # 解答の中に、実行されないコードブロックを残さない
    for block in re.findall(r"^````\{solution\}.*?^````$", text, re.M | re.S):
        assert not re.search(r"^```(python|ipython3?)$", block, re.M), block[:60]


def test_fingerprint_resolves_subpackages(tmp_path):
    root = _fake_package(tmp_path)
    files = package_cache.imported_modules("from deeppsych.data import words\n", root)
    closure = package_cache.dependency_closure(files, root)
    assert {p.relative_to(root).as_posix() for p in closure} >= {"data/words.py", "_checks.py"}


def test_version_is_written_once_and_reaches_footer_and_pdf_title():
    import deeppsych

    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert 'version = { attr = "deeppsych.__version__" }' in pyproject
    assert (
        "release" not in config["sphinx"]["config"] and "version" not in config["sphinx"]["config"]
    )

    class Config:
        release = version = ""
        html_theme_options = {"extra_footer": config["html"]["extra_footer"]}

    release.set_release(None, Config)
    assert Config.release == deeppsych.__version__
    assert f"版 {deeppsych.__version__}" in Config.html_theme_options["extra_footer"]


@pytest.mark.parametrize("md", CHAPTERS, ids=lambda p: p.stem)
def test_solutions_are_plain_directives_so_the_student_pdf_can_drop_them(md):
    # sphinx-exercise の hide_solutions は {solution} を消すが、solution-start/end の間のセルは残る
    assert "solution-start" not in md.read_text(encoding="utf-8")


def test_every_glossary_term_is_used_somewhere():
    used = set()
    for md in BOOK.glob("*.md"):
        if md.name != "glossary.md":
            used |= set(re.findall(r"\{term\}`([^`<]+)`", md.read_text(encoding="utf-8")))
    assert glossary_terms() - used == set()


# 1 つの概念に 1 つの用語: 本書が使わない言い方 → 本書の用語
FORBIDDEN_VARIANTS = {
    "アテンション": "注意",
    "エンコーダ": "符号化器",
    "デコーダ": "復号化器",
    "エンベディング": "埋め込み",
    "勝者総取り": "勝者専有",
    "顕著性マップ": "顕著性地図",
    "サリエンシーマップ": "顕著性地図",
    "オーバーフィッティング": "過学習",
    "過剰適合": "過学習",
    "ティーチャーフォーシング": "教師強制",
}


@pytest.mark.parametrize("md", sorted(BOOK.glob("*.md")), ids=lambda p: p.stem)
def test_terminology_has_one_word_per_concept(md):
    text = md.read_text(encoding="utf-8")
    found = {bad: good for bad, good in FORBIDDEN_VARIANTS.items() if bad in text}
    assert not found, f"{md.name}: 本書の用語に直す {found}"


def test_latex_escapes_symbols_missing_from_the_japanese_font():
    import latex_glyphs
    from sphinx.util import texescape

    latex_glyphs.setup(None)
    escaped = texescape.hlescape("(XᵀX + λI)⁻¹ x₁", "uplatex")
    assert "ᵀ" not in escaped and "⁻" not in escaped and "₁" not in escaped
    assert r"\sp{\text{T}}" in escaped


def test_publishing_workflow_runs_the_ci_commands_and_ships_html_and_pdfs():
    workflow = yaml.safe_load(
        (ROOT / ".github" / "workflows" / "publish.yml").read_text(encoding="utf-8")
    )
    build = workflow["jobs"]["build"]
    commands = "\n".join(step.get("run", "") for step in build["steps"])
    assert "bash .ci/run" in commands  # CI と同じ手順
    assert "_build/pdf" in commands and "_build/html/pdf" in commands
    uploads = [
        s for s in build["steps"] if s.get("uses", "").startswith("actions/upload-pages-artifact")
    ]
    assert uploads and uploads[0]["with"]["path"] == "_build/html"
    assert "download.pytorch.org/whl/cpu" in build["env"]["PIP_EXTRA_INDEX_URL"]
    assert workflow["jobs"]["deploy"]["needs"] == "build"
    # .ci/run は README の make のコマンドだけを呼ぶ
    run = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    targets = set(re.findall(r"^make ([\w-]+)$", run, re.M))
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert targets and all(re.search(rf"^{t}:", makefile, re.M) for t in targets)


def test_parallel_build_starts_the_longest_chapters_first():
    # 2 つの実行者に、長い章から順に渡す (まっさらなビルドでも 30 秒の章が最初に走る)
    seconds = {"a": 10.0, "b": 30.0, "c": 20.0, "d": 5.0}
    order, finish = package_cache.schedule(["a", "b", "c", "d"], seconds, workers=2)
    assert order == ["b", "c", "a", "d"]
    # b: 0–30、c: 0–20、a: 20–30、d: 30–35 (読む順は終わると見込まれる順)
    assert finish[0] == "c" and finish[-1] == "d"
    # 見積もりのない章は、いちばん長い章と同じ長さと見なして早めに始める
    order, _ = package_cache.schedule(["a", "new", "d"], {"a": 10.0, "d": 5.0}, workers=2)
    assert order[0] in ("a", "new") and order[-1] == "d"


def test_every_chapter_has_an_execution_estimate_for_the_cold_build():
    # 見積もりは目次の章とそろえる (古い名前を残さない、新しい章を忘れない)
    assert set(chapters.EXPECTED_SECONDS) == set(chapters.chapter_names())
    assert all(s > 0 for s in chapters.EXPECTED_SECONDS.values())


def test_status_table_is_built_without_a_kernel():
    # 実行時間の記録のページの表は、ビルドの記録から書く (カーネルを起こさない)。右寄せは MyST の表と同じ
    import exec_timings

    rows = [
        {"chapter": "01_x", "seconds": 12.34, "ratio": 8.9},
        {"chapter": "基準の仕事", "seconds": 1.39, "ratio": 1.0},
    ]
    table = exec_timings._table(rows)
    cells = [[e.astext() for e in row.children] for row in table.findall(nodes.row)]
    assert cells == [
        ["章", "秒", "基準の仕事との比"],
        ["01_x", "12.3", "8.9"],
        ["基準の仕事", "1.4", "1.0"],
    ]
    assert all("text-right" in row.children[1]["classes"] for row in table.findall(nodes.row))
    status = (BOOK / "status.md").read_text(encoding="utf-8")
    assert "{deeppsych-timings}" in status and "code-cell" not in status
