"""book/_ext/html_fixes.py: HTML 出力のアクセシビリティの修正 (全ページの検査は make a11y-check)。"""

import sys
from pathlib import Path
from types import SimpleNamespace

from markupsafe import Markup

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "book" / "_ext"))
import html_fixes  # noqa: E402

TOCTREE = (
    '<li class="toctree-l1 has-children"><a class="reference internal" href="05_transformer.html">'
    "5. Transformer: <em>注意</em> &amp; 系列</a><details><summary>"
    '<span class="toctree-toggle" role="presentation"></span></summary><ul></ul></details></li>'
    '<li class="toctree-l1 current has-children"><a class="current reference internal" href="#">'
    '6. CAM</a><details open="open"><summary><span class="toctree-toggle"></span></summary>'
)


def test_toctree_toggles_are_named_after_their_chapter():
    out = html_fixes.label_toctree_toggles(TOCTREE)
    assert out.count("<summary>") == 0
    assert (
        '<summary aria-label="「5. Transformer: 注意 &amp; 系列」の下の項目を開く・閉じる">' in out
    )
    assert '<summary aria-label="「6. CAM」の下の項目を開く・閉じる">' in out
    assert html_fixes.label_toctree_toggles(out) == out  # 2 度目は何も変えない


def test_page_context_fixes_bibliography_roles_and_wraps_the_toctree():
    def generate(*args, **kwargs):
        return Markup(TOCTREE)

    context = {
        "body": '<div role="list"><div class="citation" role="doc-biblioentry">x</div></div>',
        "generate_toctree_html": generate,
    }
    html_fixes.accessible_page(None, "book/references", "page.html", context, None)
    assert 'role="doc-biblioentry"' not in context["body"]
    assert '<div class="citation" role="listitem">' in context["body"]
    out = context["generate_toctree_html"]("sidebar")
    assert isinstance(out, Markup) and "aria-label=" in out and "<summary>" not in out
    wrapped = context["generate_toctree_html"]
    html_fixes.accessible_page(None, "book/references", "page.html", context, None)
    assert context["generate_toctree_html"] is wrapped  # 包むのは 1 度だけ


def test_index_page_has_language_title_and_a_link(tmp_path):
    app = SimpleNamespace(
        outdir=str(tmp_path),
        builder=SimpleNamespace(format="html", get_target_uri=lambda doc: f"{doc}.html"),
        config=SimpleNamespace(
            root_doc="book/intro", html_title="本の題", project="本の題", language="ja"
        ),
    )
    (tmp_path / "index.html").write_text('<meta http-equiv="Refresh" content="0; url=x.html" />')
    html_fixes.write_index_page(app, None)
    page = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert '<html lang="ja">' in page and "<title>本の題</title>" in page
    assert 'content="0; url=book/intro.html"' in page and '<a href="book/intro.html">' in page
    html_fixes.write_index_page(app, RuntimeError("build failed"))  # 失敗したビルドでは書かない


def test_dark_mode_css_puts_figures_on_a_white_card():
    css = (html_fixes.STATIC / html_fixes.CSS_FILE).read_text(encoding="utf-8")
    assert 'html[data-theme="dark"] .bd-content div.cell_output img' in css
    assert "filter: none" in css and "background-color: #fff" in css
    assert "dp-interactive" in css


def test_duplicate_scripts_are_dropped_in_place():
    """Sphinx の script_files はビルダーのリストそのもの: 後から足すスクリプトも残る。"""
    one = SimpleNamespace(filename="a.js", attributes={"priority": 500})
    again = SimpleNamespace(filename="a.js", attributes={"priority": 200})
    other = SimpleNamespace(filename="b.js", attributes={})
    scripts = [one, again, other]
    context = {"script_files": scripts}
    html_fixes.drop_duplicate_scripts(None, "p", "page.html", context, None)
    assert context["script_files"] is scripts and scripts == [one, other]
