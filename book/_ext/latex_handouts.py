"""PDF (LaTeX) の本と章ごとの配布資料を、HTML と同じ読み方にそろえる Sphinx 拡張 (make pdf が検査する)。

1. HTML が「Show code cell source」の裏に隠すコード (タグ hide-input) は PDF に刷らない。セルの出力
   (図・表) だけを残す。タグ hide-cell のセルは出力ごと刷らない。remove-input・remove-cell のセルは、
   myst-nb が読み込みの段階で消している。
2. 章ごとの配布資料 (jupyter-book --individualpages) には 1 つの章しか入らないので、別の章への参照
   ({ref}・{numref}・{doc}) は LaTeX では生のラベル (「ch-softmax」) や「第 %s 章」のままになる。
   参照先が同じ PDF にないときは、章の番号と題 (「第 1 章「ソフトマックス関数と注意」」) の文字に置き換える。
   本全体の PDF では参照先がすべて同じ文書にあるので、ふつうの (番号がリンクになる) 参照のまま。
3. 章の番号は HTML (目次) と同じ。LaTeX は \\chapter を 1 から数えるので、そのままでは本全体の PDF で
   「はじめに」の節が第 1 章 … になり、配布資料 (--individualpages は章の題を表紙に回す) では章の節が
   第 1 章 … になる。各ページの頭で chapter のカウンタを合わせ、番号のないページでは見出しの番号を止め、
   配布資料では章の中身を 1 段深い節に入れる。8 章の配布資料は「第 8 章」、節は 8.1、8.2 …、図は図 8.1 …。
   章の中の節のページ (05_bert) は、その章の続きの節 (5.13) になる。
"""

from __future__ import annotations

from docutils import nodes
from sphinx import addnodes
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util import docname_join

HIDDEN_INPUT = {"input", "input+output"}  # myst-nb の hide_mode: 入力だけを隠す
HIDDEN_CELL = {"all"}  # hide-cell: 入力も出力も隠す
CROSS_REFERENCES = {"ref", "numref", "doc"}


def individual_pages(config) -> bool:
    """jupyter-book --individualpages は、文書ごとに 1 つの latex_documents の組を作る。"""
    return len(config.latex_documents or []) > 1


class DropHiddenCode(SphinxPostTransform):
    """HTML が隠すコード セルの入力を、LaTeX の文書から除く。"""

    default_priority = 199
    formats = ("latex",)

    def run(self, **kwargs) -> None:
        for cell in list(self.document.findall(nodes.container)):
            mode = cell.get("hide_mode")
            if cell.get("nb_element") != "cell_code" or not mode:
                continue
            if mode in HIDDEN_CELL:
                cell.parent.remove(cell)
            elif mode in HIDDEN_INPUT:
                for child in list(cell.children):
                    if child.get("nb_element") == "cell_code_source":
                        cell.remove(child)


def section_number(env, docname: str, section: nodes.Element) -> tuple[int, ...] | None:
    """HTML と同じ節の番号 (sphinx の std 領域の get_fignumber と同じ引き方)。"""
    numbers = env.toc_secnumbers.get(docname, {})
    return numbers.get("#" + section["ids"][0]) or numbers.get("")


def is_document_top(env, docname: str, node: nodes.Element) -> bool:
    doctree = env.get_doctree(docname)
    first = next(iter(doctree.findall(nodes.section)), None)
    return first is not None and bool(set(first["ids"]) & set(node["ids"]))


def chapter_text(env, docname: str, number: tuple[int, ...]) -> str:
    """「第 1 章「題」」、節なら「5.14 節「題」」。"""
    title = env.titles[docname].astext()
    if len(number) == 1:
        return f"第 {number[0]} 章「{title}」"
    return f"{'.'.join(map(str, number))} 節「{title}」"


def target_of(env, node: addnodes.pending_xref) -> tuple[str, nodes.Element | None] | None:
    """参照先の文書名と、その中の節・図の節点 ({doc} なら None)。"""
    std = env.get_domain("std")
    target = node["reftarget"]
    if node["reftype"] == "doc":
        docname = docname_join(node.get("refdoc", ""), target)
        return (docname, None) if docname in env.all_docs else None
    if target in std.labels:
        docname, labelid, _ = std.labels[target]
    else:
        docname, labelid = std.anonlabels.get(target, ("", ""))
    if not docname:
        return None
    return docname, env.get_doctree(docname).ids.get(labelid)


def distant_reference_text(env, node: addnodes.pending_xref) -> str | None:
    """同じ PDF にない参照先を、番号と題の文字にする (作れなければ None: Sphinx にまかせる)。"""
    found = target_of(env, node)
    if found is None:
        return None
    docname, target = found
    explicit = node["refexplicit"]
    text = node.astext()
    if target is None or isinstance(target, nodes.section):
        top = target is None or is_document_top(env, docname, target)
        if target is None:
            number = env.toc_secnumbers.get(docname, {}).get("")
        else:
            number = section_number(env, docname, target)
        if not number:
            return None
        if not top:  # 章の中の節: 「8.2 節「題」」
            title = target.next_node(nodes.title).astext()
            label = f"{'.'.join(map(str, number))} 節「{title}」"
        else:
            label = chapter_text(env, docname, number)
        if node["reftype"] == "numref":
            if not explicit:
                text = env.config.numfig_format.get("section", "%s")
            shown = text.replace("%s", ".".join(map(str, number))).replace(
                "{number}", ".".join(map(str, number))
            )
            title = label[label.index("「") :]
            return f"{shown}{title}"
        return f"{text} ({label})" if explicit else label
    if node["reftype"] != "numref":
        return None
    std = env.get_domain("std")
    figtype = std.get_enumerable_node_type(target)
    try:
        number = env.toc_fignumbers[docname][figtype][target["ids"][0]]
    except (KeyError, IndexError):
        return None
    if not explicit:
        text = env.config.numfig_format.get(figtype, "%s")
    return text.replace("%s", ".".join(map(str, number)))


class DistantReferences(SphinxPostTransform):
    """参照先の文書が同じ LaTeX 文書にないとき (配布資料)、参照を番号と題の文字に置き換える。

    Sphinx の参照の解決 (優先度 10) より先に動く。その後では参照先が見つからず、生の文字が残る。
    """

    default_priority = 5
    formats = ("latex",)

    def run(self, **kwargs) -> None:
        included = getattr(self.app.builder, "docnames", set())
        for node in list(self.document.findall(addnodes.pending_xref)):
            if node.get("refdomain") != "std" or node.get("reftype") not in CROSS_REFERENCES:
                continue
            found = target_of(self.env, node)
            if found is None or found[0] in included:
                continue
            text = distant_reference_text(self.env, node)
            if text is not None:
                node.replace_self(nodes.inline(text, text, classes=["distant-reference"]))


SAVE_DEPTH = r"\ifdefined\dpsecnumdepth\else\edef\dpsecnumdepth{\the\value{secnumdepth}}\fi"
UNNUMBERED = SAVE_DEPTH + r"\setcounter{secnumdepth}{-1}"  # はじめに・付録: 見出しに番号をつけない
NUMBERED = SAVE_DEPTH + r"\setcounter{secnumdepth}{\dpsecnumdepth}\setcounter{chapter}{%d}"


class ChapterNumbers(SphinxPostTransform):
    """LaTeX の章の番号を HTML (目次の番号) と同じにする。

    LaTeX は \\chapter を 1 から順に数えるので、そのままでは本全体の PDF で「はじめに」の節が第 1 章 …
    になり、配布資料では章の節が第 1 章 … になる。各ページの頭で、番号のある章なら chapter の
    カウンタを合わせ、番号のないページ (はじめに・用語集など) では見出しの番号を止める。
    配布資料では、章の中身を 1 段深い節に入れる (最初の節の題は LaTeX の表紙の題に回される:
    sphinx の this_is_the_title)。章の見出しは \\chapter、その節は \\section (N.1、N.2 …) になる。
    """

    default_priority = 6
    formats = ("latex",)

    def run(self, **kwargs) -> None:
        docname = self.document.get("docname")
        if individual_pages(self.config) and self.number(docname) is not None:
            title = self.env.titles[docname].astext()
            outer = nodes.section(ids=[])
            outer += nodes.title(title, title)
            outer.extend(self.document.children)
            self.document.children = []
            self.document += outer
        tops = [(docname, self.top_section(self.document))]
        tops += [
            (f["docname"], self.top_section(f))
            for f in self.document.findall(addnodes.start_of_file)
        ]
        for name, section in tops:
            if section is None:
                continue
            number = self.number(name)
            if number is None:
                latex = UNNUMBERED
            elif len(number) == 1:
                latex = NUMBERED % (number[0] - 1)
            else:
                continue  # 章の中の節のページ (05_bert): 章の番号のまま、続きの節になる
            section.parent.insert(
                section.parent.index(section), nodes.raw("", latex, format="latex")
            )

    def number(self, docname: str) -> tuple[int, ...] | None:
        return self.env.toc_secnumbers.get(docname, {}).get("") or None

    @staticmethod
    def top_section(node: nodes.Element) -> nodes.section | None:
        """ページの最初の節 (ページの題の節)。配布資料で外側に置いた節は飛ばす。"""
        for section in node.findall(nodes.section):
            if section["ids"]:
                return section
        return None


def setup(app):
    app.add_post_transform(DropHiddenCode)
    app.add_post_transform(DistantReferences)
    app.add_post_transform(ChapterNumbers)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1.0"}
