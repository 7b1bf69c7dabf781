"""ブラウザの開発者コンソールにエラーを出さないための、HTML 出力の小さな修正 (make browser-check が検査する)。

* sphinx-thebe の設定スクリプト (const THEBE_JS_URL = …) がページに 2 回入り、2 回目が
  「すでに宣言されている」という例外になる。同じスクリプトは 1 回だけにする。
* pydata-sphinx-theme は表示モードの既定値が空だと、初めての読者に「invalid theme mode」の
  エラーを出す。HTML に書く既定は明るい表示 (JavaScript のない読者も明るい表示で読める) にし、
  まだ表示モードを選んでいない読者には、ページを描く前に OS の設定 (明るい / 暗い) に従わせる。
  切り替えボタン (明るい → 自動 → 暗い) はそのまま使える。

アクセシビリティ (make a11y-check が axe-core で全ページを検査する) のための修正:

* 暗い表示でも図が読めるように、図を白いカードに置く CSS (book/_static/a11y.css)。練習問題の枠の中の
  リンクの色のコントラストも、この CSS で直す。
* サイドバーの目次で、下の階層を開閉するボタン (<summary>) には文字がない。どの章を開閉するかを
  aria-label で読み上げられるようにする。
* docutils は文献の一覧を role="list" の中の role="doc-biblioentry" (ARIA 1.2 で廃止) として書く。
  これでは一覧が項目を持たない (axe の aria-required-children)。項目を role="listitem" にする。
* 本の入口 _build/html/index.html は、最初のページへ移る meta refresh の 1 行だけで、言語も題名もない。
  言語・題名・リンクのある小さなページにする (sphinx-external-toc は index.html がないときだけ書く)。
"""

from __future__ import annotations

import html
import re
from pathlib import Path

STATIC = Path(__file__).resolve().parent.parent / "_static"  # book/_static
CSS_FILE = "a11y.css"

# 読者がまだ表示モードを選んでいない (localStorage に mode がない) とき、OS の設定に従う。
# pydata-sphinx-theme の読み込み時のスクリプトは data-mode を見て、"auto" なら OS の設定を使う。
FOLLOW_SYSTEM_MODE = (
    'if (!localStorage.getItem("mode")) {'
    ' document.documentElement.dataset.mode = "auto";'
    " document.documentElement.dataset.theme ="
    ' window.matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light"; }'
)

# サイドバーの目次: 章へのリンクのすぐ後の、文字のない開閉ボタン
TOGGLE = re.compile(
    r'(<a class="[^"]*reference internal[^"]*" href="[^"]*">(.*?)</a>\s*<details[^>]*>)<summary>'
)
TAGS = re.compile(r"<[^>]+>")

INDEX_PAGE = """<!DOCTYPE html>
<html lang="{lang}">
<head>
<meta charset="utf-8" />
<meta http-equiv="Refresh" content="0; url={url}" />
<title>{title}</title>
</head>
<body>
<main>
<h1>{title}</h1>
<p><a href="{url}">{link}</a></p>
</main>
</body>
</html>
"""


def unique_scripts(scripts):
    seen, unique = set(), []
    for script in scripts:
        attributes = dict(getattr(script, "attributes", {}) or {})
        attributes.pop("priority", None)  # 同じスクリプトが別の優先度で 2 度登録されている
        filename = (
            getattr(script, "filename", str(script)) or ""
        )  # None と "" は同じ (本体だけのスクリプト)
        key = (filename, tuple(sorted(attributes.items())))
        if key not in seen:
            seen.add(key)
            unique.append(script)
    return unique


def drop_duplicate_scripts(app, pagename, templatename, context, doctree) -> None:
    # 同じリストを書き換える: Sphinx の context["script_files"] はビルダーのリストそのもので、ほかの
    # 拡張がこのイベントの中で app.add_js_file で足すスクリプト (図のあるページだけの plotly.js など) も
    # そこに入る。別のリストに差し替えると、それが失われる。ほかの拡張の後 (優先度 990) で走らせる
    if "script_files" in context:
        context["script_files"][:] = unique_scripts(context["script_files"])


def light_mode_by_default(app, config) -> None:
    context = dict(config.html_context or {})
    context.setdefault("default_mode", "light")  # pydata-sphinx-theme はここから読む
    config.html_context = context
    config.html_static_path = [*config.html_static_path, str(STATIC)]


def label_toggle(match: re.Match) -> str:
    title = html.unescape(TAGS.sub("", match.group(2))).strip()
    label = html.escape(f"「{title}」の下の項目を開く・閉じる", quote=True)
    return f'{match.group(1)}<summary aria-label="{label}">'


def label_toctree_toggles(toctree_html: str) -> str:
    return TOGGLE.sub(label_toggle, toctree_html)


def accessible_page(app, pagename, templatename, context, doctree) -> None:
    if "body" in context:
        context["body"] = context["body"].replace('role="doc-biblioentry"', 'role="listitem"')
    generate = context.get("generate_toctree_html")  # pydata-sphinx-theme のサイドバーの目次
    if generate is not None and not getattr(generate, "labelled", False):

        def labelled(*args, **kwargs):
            out = generate(*args, **kwargs)
            return type(out)(label_toctree_toggles(str(out)))  # Markup のまま返す

        labelled.labelled = True
        context["generate_toctree_html"] = labelled


def write_index_page(app, exception) -> None:
    """_build/html/index.html: 最初のページへ移る、言語と題名のあるページ。"""
    if exception is not None or app.builder.format != "html" or app.config.root_doc == "index":
        return
    url = app.builder.get_target_uri(app.config.root_doc)
    title = app.config.html_title or app.config.project
    page = INDEX_PAGE.format(
        lang=html.escape(app.config.language or "en"),
        url=html.escape(url, quote=True),
        title=html.escape(title),
        link=html.escape(f"『{app.config.project}』を開く"),
    )
    (Path(app.outdir) / "index.html").write_text(page, encoding="utf-8")


def setup(app):
    app.connect("config-inited", light_mode_by_default)
    app.connect("html-page-context", drop_duplicate_scripts, priority=990)
    # pydata-sphinx-theme が目次の関数を context に入れた後で包む
    app.connect("html-page-context", accessible_page, priority=900)
    # sphinx-external-toc (既定の優先度 500) が 1 行の index.html を書く前に書く
    app.connect("build-finished", write_index_page, priority=400)
    app.add_css_file(CSS_FILE)
    app.add_js_file(None, body=FOLLOW_SYSTEM_MODE, priority=1)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1.0"}
