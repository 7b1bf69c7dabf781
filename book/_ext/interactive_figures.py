"""スライダーつきの図 (deeppsych.interactive) を HTML 版の本で動かす。

* plotly.js は Python の plotly パッケージに同梱のもの (requirements.txt で版を固定) を _static/ に写す。
  CDN は使わない。読み込むのは図のあるページだけ。
* 図の HTML には、plotly.js のない環境 (Colab など) のための代わりの静止画が入っている。本では
  plotly.js が必ずあるので、ページを軽くするためにそれを取り除く (PDF は別に image/png を使う)。
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from docutils import nodes

MARKER = "dp-interactive"
PLOTLY_JS = "plotly.min.js"
FALLBACK = re.compile(r'<img class="dp-fallback"[^>]*>')


def plotly_js() -> Path:
    import plotly

    return Path(plotly.__file__).parent / "package_data" / PLOTLY_JS


def drop_fallback_images(app, doctree, docname) -> None:
    if app.builder.format != "html":
        return
    for raw in list(doctree.findall(nodes.raw)):
        text = raw.astext()
        if MARKER in text:
            slim = FALLBACK.sub("", text)
            raw.replace_self(nodes.raw(slim, slim, format="html", classes=raw["classes"]))


def add_plotly_where_needed(app, pagename, templatename, context, doctree) -> None:
    if MARKER in context.get("body", ""):
        app.add_js_file(PLOTLY_JS)


def copy_plotly(app, exception) -> None:
    if exception is None and app.builder.format == "html":
        static = Path(app.outdir) / "_static"
        static.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(plotly_js(), static / PLOTLY_JS)


def setup(app):
    app.connect("doctree-resolved", drop_fallback_images)
    app.connect("html-page-context", add_plotly_where_needed)
    app.connect("build-finished", copy_plotly)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
