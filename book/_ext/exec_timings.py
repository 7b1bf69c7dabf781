"""実行時間の記録のページ (book/status.md) の表を、カーネルを起こさずにビルドの記録から書く。

``{deeppsych-timings}`` 指令は置き場所の印だけを残す。すべてのページを読み終えた後 (書き出しのとき) に、
jupyter-cache の記録 (各章の実行にかかった秒) と基準の仕事の秒 (.ci/bench.py の reference_workload)
から表を作る。基準の仕事は、package_cache が章を並行に実行するとき、プールの最後の仕事として
同じ機械で測る (``env.deeppsych_reference_seconds``)。その値がなければ (章を並行に実行したことのない
キャッシュからのビルド)、ここで一度測って覚えておく。

この指令のあるページは毎回読み直す (章が実行し直されたら表が変わるので)。
"""

from __future__ import annotations

from pathlib import Path

from docutils import nodes
from package_cache import ci_module
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

logger = logging.getLogger(__name__)

DIRECTIVE = "deeppsych-timings"
REFERENCE_KEY = "deeppsych_reference_seconds"


def _bench(srcdir):
    """.ci/bench.py (章の一覧、基準の仕事、記録の読み方はそこに 1 つだけある)。"""
    return ci_module(srcdir, "bench")


class TimingsNode(nodes.General, nodes.Element):
    """表の置き場所。書き出しの前に表に置き換わる。"""


class TimingsDirective(SphinxDirective):
    """各章の実行にかかった秒と、基準の仕事との比の表。"""

    def run(self):
        return [TimingsNode()]


def _entry(text: str, align: str | None = None) -> nodes.entry:
    entry = nodes.entry("", nodes.paragraph(text=text))
    if align:
        entry["classes"].append(f"text-{align}")  # MyST の表の `---:` と同じ見た目
    return entry


def _table(rows: list[dict]) -> nodes.table:
    header = [("章", None), ("秒", "right"), ("基準の仕事との比", "right")]
    table = nodes.table(classes=["colwidths-auto"])
    tgroup = nodes.tgroup(cols=len(header))
    table += tgroup
    tgroup += [nodes.colspec(colwidth=100 // len(header)) for _ in header]
    head_row = nodes.row("", *(_entry(text, align) for text, align in header))
    tgroup += nodes.thead("", head_row)
    body = nodes.tbody()
    for r in rows:
        cells = (r["chapter"], f"{r['seconds']:.1f}", f"{r['ratio']:.1f}")
        body += nodes.row("", *(_entry(c, a) for c, (_, a) in zip(cells, header, strict=True)))
    tgroup += body
    return table


def reference_seconds(app) -> float:
    """基準の仕事の秒: 章と同じビルドで測った値。なければいま測る。"""
    env = app.env
    value = getattr(env, REFERENCE_KEY, None)
    if value is None:
        value = _bench(app.srcdir).reference_workload()
        setattr(env, REFERENCE_KEY, value)
        logger.info("基準の仕事: %.2f 秒 (このビルドで測った)", value)
    return value


class TimingsTransform(SphinxPostTransform):
    default_priority = 8

    def run(self, **kwargs) -> None:
        found = list(self.document.findall(TimingsNode))
        if not found:
            return
        bench = _bench(self.app.srcdir)
        rows = bench.build_timings(reference_seconds(self.app))
        for node in found:
            if rows:
                node.replace_self(_table(rows))
            else:
                node.replace_self(nodes.paragraph(text="このビルドには実行の記録がない。"))


def always_reread(app, env, added, changed, removed):
    """表のあるページは毎回読み直して書き出す (章の記録はビルドごとに変わりうる)。"""
    marker = "{" + DIRECTIVE + "}"
    pages = []
    for docname in env.found_docs:
        if docname in added or docname in changed or docname in removed:
            continue
        path = Path(env.doc2path(docname))
        if path.exists() and marker in path.read_text(encoding="utf-8"):
            pages.append(docname)
    return pages


def setup(app):
    app.add_node(TimingsNode)
    app.add_directive(DIRECTIVE, TimingsDirective)
    app.add_post_transform(TimingsTransform)
    app.connect("env-get-outdated", always_reread)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1.0"}
