"""日本語の段落内の改行を消す Sphinx 拡張。

MyST では段落内の改行 (soft break) が空白として HTML に出るため、「注意の
重み」が「注意の 重み」になってしまう。両側が日本語の文字である改行だけを取り除く。
"""

from __future__ import annotations

import re

from docutils import nodes

CJK = "\u3000-\u303f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef"
INNER_BREAK = re.compile(rf"(?<=[{CJK}])\n(?=[{CJK}])")
IS_CJK = re.compile(rf"[{CJK}]")
SKIP = (nodes.literal_block, nodes.literal, nodes.math, nodes.math_block, nodes.raw, nodes.comment)


def _edge_char(node: nodes.Node | None, last: bool) -> str:
    if node is None:
        return ""
    text = node.astext()
    return (text[-1] if last else text[0]) if text else ""


def _joined(node: nodes.Text) -> str:
    text = INNER_BREAK.sub("", str(node))
    parent = node.parent
    if parent is None or "\n" not in text:
        return text
    # Text は str の派生なので parent.index() は等しい別の改行ノードを返しうる: 同一性で探す
    index = next(i for i, child in enumerate(parent.children) if child is node)
    before = _edge_char(parent[index - 1] if index > 0 else None, last=True)
    after = _edge_char(parent[index + 1] if index + 1 < len(parent) else None, last=False)
    if text.startswith("\n") and IS_CJK.match(before) and IS_CJK.match(text[1:2] or after):
        text = text[1:]
    if text.endswith("\n") and IS_CJK.match(after) and IS_CJK.match(text[-2:-1] or before):
        text = text[:-1]
    return text


def remove_cjk_breaks(app, doctree: nodes.document) -> None:
    for node in list(doctree.findall(nodes.Text)):
        if any(isinstance(a, SKIP) for a in _ancestors(node)):
            continue
        text = _joined(node)
        if text != str(node):
            parent = node.parent
            index = next(i for i, child in enumerate(parent.children) if child is node)
            parent[index] = nodes.Text(text)


def _ancestors(node: nodes.Node):
    while node.parent is not None:
        node = node.parent
        yield node


def setup(app):
    app.connect("doctree-read", remove_cjk_breaks)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1.0"}
