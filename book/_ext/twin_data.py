"""本のビルドが知っていることを、ノートブックの双子 (.ipynb) を書くために書き出す。

Colab や Binder で開く .ipynb は、章の MyST をそのまま持っていると、{term} や {numref} が文字のまま
見える。.ci/notebooks.py は MyST を素の Markdown に書き換えるが、図や式の番号、文献の (著者, 年)、
glue した数値は、本のビルドだけが知っている。この拡張は HTML のビルドの終わりに、それを
_build/twins.json に書き出す。文字列は HTML と同じ関数で作る (Sphinx の参照の解決、
sphinxcontrib-bibtex の書式、myst-nb の glue の書式) ので、ノートブックの文は Web の本と一致する。

  labels    ラベル → {"numref": "図 7.1", "number": "7.1", "ref": 節の題名, "doc": 章}
  equations 式のラベル → "(7.1)"
  docs      文書 → {"title": 題名, "number": "7"}
  exercises 文書 → その文書の演習の番号の列 (本文の順)
  cite      "t:key1,key2" / "p:key" → 本文での表記。 bib: key → 文献一覧の 1 項目 (Markdown)
  glue      文書 → {glue のキー → text/plain}
"""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.util import logging

logger = logging.getLogger(__name__)
FOOTCITE = re.compile(r"\{(?:foot)?cite:([a-z]+)\}`([^`]+)`")


def _xref(app: Sphinx, domain: str, typ: str, target: str, fromdoc: str) -> str | None:
    node = addnodes.pending_xref(
        "", refdomain=domain, reftype=typ, reftarget=target, refexplicit=False, refdoc=fromdoc
    )
    contnode = nodes.inline(target, target)
    try:
        with logging.suppress_logging():  # 解けない参照は書き出さないだけ (ビルドの警告にしない)
            result = app.env.get_domain(domain).resolve_xref(
                app.env, fromdoc, app.builder, typ, target, node, contnode
            )
    except Exception:
        return None
    return result.astext() if result is not None else None


def _labels(app: Sphinx) -> dict:
    std = app.env.get_domain("std")
    out = {}
    for label, (docname, node_id, sectname) in std.labels.items():
        entry = {"doc": docname, "ref": str(sectname) if sectname else ""}
        figtype, number = next(
            (
                (figtype, numbers[node_id])
                for figtype, numbers in app.env.toc_fignumbers.get(docname, {}).items()
                if node_id in numbers
            ),
            (None, None),
        )
        # 節の番号: Sphinx の numref と同じく、#id になければ文書の最初の見出し (章) の番号
        secnumbers = app.env.toc_secnumbers.get(docname, {})
        section = None if number else secnumbers.get("#" + node_id) or secnumbers.get("")
        if number or section:
            numref = _xref(app, "std", "numref", label, docname)
            if numref:
                entry["numref"] = numref
                entry["number"] = ".".join(map(str, number or section))
                if figtype == "exercise":  # sphinx-exercise: {ref} も「練習 8.3」と番号で出る
                    entry["ref"] = numref
        out[label] = entry
    return out


def _equations(app: Sphinx) -> dict:
    math = app.env.get_domain("math")
    out = {}
    for label, (docname, _number) in math.equations.items():
        text = _xref(app, "math", "eq", label, docname)
        if text:
            out[label] = text
    return out


def _docs(app: Sphinx) -> dict:
    out = {}
    for docname in sorted(app.env.found_docs):
        number = app.env.toc_secnumbers.get(docname, {}).get("", ())
        title = app.env.titles.get(docname)
        out[docname] = {
            "title": title.astext() if title is not None else docname,
            "number": ".".join(map(str, number)),
        }
    return out


def _exercises(app: Sphinx) -> dict:
    out = {}
    for docname, numbers in app.env.toc_fignumbers.items():
        found = numbers.get("exercise", {})
        if found:
            out[docname] = [".".join(map(str, n)) for n in sorted(found.values())]
    return out


@functools.lru_cache(maxsize=1)
def _text_backend():
    """pybtex の素のテキストの書き手 (探すのが遅いので 1 度だけ作る)。"""
    from pybtex.plugin import find_plugin

    return find_plugin("pybtex.backends", "text")()


def author_year(entry) -> tuple[str, str]:
    """(著者, 年): 1 人なら姓、2 人なら「A and B」、3 人以上なら「A et al.」 (author_year の書式)。"""
    from pybtex.richtext import Text

    persons = entry.persons.get("author") or entry.persons.get("editor") or []
    lasts = [Text(*p.rich_last_names).render(_text_backend()) for p in persons]
    if not lasts:
        names = Text.from_latex(entry.fields.get("title", entry.key)).render(_text_backend())
    elif len(lasts) == 1:
        names = lasts[0]
    elif len(lasts) == 2:
        names = f"{lasts[0]} and {lasts[1]}"
    else:
        names = f"{lasts[0]} et al."
    return names, entry.fields.get("year", "n.d.")


def cite_text(entries, role: str, keys: list[str]) -> str:
    """本文の引用: t は「著者 (年)」、p は「(著者, 年; 著者, 年)」。"""
    pairs = [author_year(entries[k]) for k in keys]
    if role == "t":
        return "; ".join(f"{names} ({year})" for names, year in pairs)
    return "(" + "; ".join(f"{names}, {year}" for names, year in pairs) + ")"


def _citations(app: Sphinx) -> dict:
    """本文の引用 (t: 著者 (年)、p: (著者, 年)) と、文献一覧の項目 (sphinxcontrib-bibtex の書式)。"""
    from pybtex.plugin import find_plugin

    entries = app.env.get_domain("cite").bibdata.data.entries
    style = find_plugin("pybtex.style.formatting", app.config.bibtex_default_style)()
    markdown = find_plugin("pybtex.backends", "markdown")()
    wanted = {(role, key) for key in entries for role in ("t", "p")}
    for docname in app.env.found_docs:
        source = Path(app.env.doc2path(docname))
        if source.suffix == ".md":
            for role, keys in FOOTCITE.findall(source.read_text(encoding="utf-8")):
                wanted.add((role, keys.replace(" ", "")))
    out: dict = {"roles": {}, "bib": {}}
    for role, keys in sorted(wanted):
        names = keys.split(",")
        if role in ("t", "p") and all(k in entries for k in names):
            out["roles"][f"{role}:{keys}"] = cite_text(entries, role, names)
    for key, entry in entries.items():
        names, year = author_year(entry)
        formatted = style.format_entry(label="", entry=entry).text.render(markdown).strip()
        out["bib"][key] = f"{names} ({year}). " + " ".join(formatted.split("\n"))
    return out


def _glue(app: Sphinx) -> dict:
    folder = Path(app.outdir).parent / "jupyter_execute"
    out = {}
    for path in sorted(folder.rglob("*.glue.json")):
        docname = path.relative_to(folder).as_posix().removesuffix(".glue.json")
        data = json.loads(path.read_text(encoding="utf-8"))
        out[docname] = {
            key: value["data"]["text/plain"]
            for key, value in data.items()
            if "text/plain" in value.get("data", {})
        }
    return out


def collect(app: Sphinx) -> dict:
    # 参照を 1 つ解くたびに Sphinx は文書の doctree を pickle から読み直すので、ここでは 1 文書 1 回にする
    app.env.get_doctree = functools.lru_cache(maxsize=None)(app.env.get_doctree)
    try:
        return {
            "labels": _labels(app),
            "equations": _equations(app),
            "docs": _docs(app),
            "exercises": _exercises(app),
            "cite": _citations(app),
            "glue": _glue(app),
            "release": app.config.release,
        }
    finally:
        del app.env.get_doctree  # インスタンスの上書きを外し、元のメソッドに戻す


def write_twin_data(app: Sphinx, exc: Exception | None) -> None:
    if exc is not None or app.builder.format != "html":
        return
    target = Path(app.outdir).parent / "twins.json"
    try:
        data = json.dumps(collect(app), ensure_ascii=False, indent=1, sort_keys=True, default=str)
    except Exception as exc:  # 本の HTML は正しくできている: 双子を作るときに notebooks.py が止まる
        target.unlink(missing_ok=True)
        logger.info(f"twin_data: {target.name} を書けない: {exc!r}")
        return
    target.write_text(data, encoding="utf-8")


def setup(app: Sphinx) -> dict:
    app.connect("build-finished", write_twin_data)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
