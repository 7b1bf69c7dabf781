"""PDF の体裁の拡張 (book/_ext/latex_handouts.py) と、章の番号の約束 (ファイル名の頭の数 = 章の番号)。

本物の PDF は make pdf が作って検査する (.ci/pdf.py)。ここでは拡張の変換を、小さな doctree で確かめる。
"""

import sys
from pathlib import Path
from types import SimpleNamespace

from docutils import nodes
from docutils.utils import new_document
from sphinx import addnodes

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "book" / "_ext"))
sys.path.insert(0, str(ROOT / ".ci"))

import chapters  # noqa: E402
import latex_handouts  # noqa: E402


def code_cell(hide_mode: str | None) -> nodes.container:
    """myst-nb が作るコード セル: 入力 (cell_code_source) と出力 (cell_code_output) の入れ物。"""
    cell = nodes.container(nb_element="cell_code", classes=["cell"])
    if hide_mode:
        cell["hide_mode"] = hide_mode
    cell += nodes.container(
        "", nodes.literal_block("plot()", "plot()"), nb_element="cell_code_source"
    )
    cell += nodes.container("", nodes.paragraph("", "図"), nb_element="cell_code_output")
    return cell


def test_hidden_input_is_dropped_from_latex_but_its_output_kept():
    document = new_document("test")
    shown, hidden, hidden_cell = code_cell(None), code_cell("input"), code_cell("all")
    document.extend([shown, hidden, hidden_cell])
    latex_handouts.DropHiddenCode.run(SimpleNamespace(document=document))
    kinds = [[c["nb_element"] for c in cell.children] for cell in document.children]
    assert kinds == [["cell_code_source", "cell_code_output"], ["cell_code_output"]]


def fake_env() -> SimpleNamespace:
    """2 つの章 (1 と 5) と、5 章の中の節のページ (5.14) をもつ環境。"""
    doctrees = {}
    for docname, label, title in [
        ("book/01_a", "ch-a", "ソフトマックス関数と注意"),
        ("book/05_b", "ch-b", "Transformer"),
        ("book/05_c", "ch-c", "BERT"),
    ]:
        tree = new_document(docname)
        section = nodes.section(ids=[label, "x"])
        section += nodes.title(title, title)
        inner = nodes.section(ids=["inner"])
        inner += nodes.title("内側の節", "内側の節")
        section += inner
        tree += section
        tree.ids.update({label: section, "x": section, "inner": inner})
        doctrees[docname] = tree
    std = SimpleNamespace(
        labels={
            "ch-a": ("book/01_a", "ch-a", "ソフトマックス関数と注意"),
            "ch-c": ("book/05_c", "ch-c", "BERT"),
            "sec-inner": ("book/01_a", "inner", "内側の節"),
        },
        anonlabels={},
    )
    return SimpleNamespace(
        all_docs=set(doctrees),
        titles={d: t[0][0] for d, t in doctrees.items()},
        toc_secnumbers={
            "book/01_a": {"": (1,), "#inner": (1, 2)},
            "book/05_b": {"": (5,)},
            "book/05_c": {"": (5, 14)},
        },
        toc_fignumbers={},
        get_doctree=doctrees.__getitem__,
        get_domain=lambda name: std,
        config=SimpleNamespace(numfig_format={"section": "%s 章"}),
    )


def xref(reftype: str, target: str, text: str, explicit: bool) -> addnodes.pending_xref:
    node = addnodes.pending_xref(
        "", nodes.inline(text, text), refdomain="std", reftype=reftype, reftarget=target
    )
    node["refexplicit"], node["refdoc"] = explicit, "book/07_z"
    return node


def test_references_to_other_chapters_print_number_and_title():
    env = fake_env()
    text = latex_handouts.distant_reference_text
    assert (
        text(env, xref("numref", "ch-a", "第 %s 章", True)) == "第 1 章「ソフトマックス関数と注意」"
    )
    assert text(env, xref("ref", "ch-a", "ch-a", False)) == "第 1 章「ソフトマックス関数と注意」"
    assert text(env, xref("doc", "05_b", "05_b", False)) == "第 5 章「Transformer」"
    assert text(env, xref("numref", "ch-c", "%s 節", True)) == "5.14 節「BERT」"
    assert text(env, xref("ref", "sec-inner", "sec-inner", False)) == "1.2 節「内側の節」"
    assert text(env, xref("ref", "missing", "missing", False)) is None


def test_chapter_numbers_are_set_before_each_page_and_handouts_get_a_title_section():
    env = fake_env()
    document = new_document("handout")
    document["docname"] = "book/05_b"
    document += env.get_doctree("book/05_b").deepcopy()
    inlined = addnodes.start_of_file(docname="book/05_c")
    inlined += env.get_doctree("book/05_c").children[0].deepcopy()
    document.children[0] += inlined
    fake = SimpleNamespace(
        document=document,
        env=env,
        config=SimpleNamespace(latex_documents=[("a",), ("b",)]),  # --individualpages
        number=lambda d: env.toc_secnumbers.get(d, {}).get("") or None,
        top_section=latex_handouts.ChapterNumbers.top_section,
    )
    latex_handouts.ChapterNumbers.run(fake)
    outer = document.children[0]
    assert outer["ids"] == [] and outer[0].astext() == "Transformer"  # 表紙の題を受け持つ外側の節
    raws = [n.astext() for n in document.findall(nodes.raw)]
    # 第 5 章の頭で chapter のカウンタを 4 に (次の \chapter が 5)。5.14 の節のページには何もしない
    assert len(raws) == 1 and raws[0].endswith(r"\setcounter{chapter}{4}")


def test_file_prefixes_are_the_chapter_numbers():
    numbered = chapters.numbered_chapters()
    assert [int(md.stem[:2]) for md in numbered] == list(range(1, len(numbered) + 1))
    for md in numbered:
        for section in chapters.chapter_sections(md):
            assert section.stem[:2] == md.stem[:2], f"{section.name} は {md.name} の中の節"
    every = {md for md in numbered} | {s for md in numbered for s in chapters.chapter_sections(md)}
    assert every == set(chapters.chapters())
