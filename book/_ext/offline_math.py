"""数式をネットワークなしで表示する: MathJax を CDN からではなく、本の _static/ から読み込む。

MathJax 3.2.2 (Sphinx 7.4 の既定と同じ版) は PyPI のパッケージ sphinx-mathjax-offline (requirements.txt
で版を固定) に入っている。そのファイルのうち、HTML の表示に要るもの (tex-mml-chtml.js、TeX の拡張、
CHTML の字形とフォント、右クリックのメニューと読み上げ) だけを _build/html/_static/mathjax/ に写し、
mathjax_path をそこへ向ける。ダウンロードした本・学内の写し・外部を止めたブラウザでも数式が出る。
"""

from __future__ import annotations

from importlib import metadata
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.util.fileutil import copy_asset

MATHJAX_PATH = "mathjax/tex-mml-chtml.js"  # _static/ からの相対パス
# 表示に要る部分だけ (SVG 出力やほかの組み合わせの .js は写さない)
PARTS = ["tex-mml-chtml.js", "input", "output/chtml", "ui", "a11y", "sre", "adaptors"]


def mathjax_source() -> Path:
    """インストールされた MathJax の es5 版のフォルダ。"""
    dist = metadata.distribution("sphinx-mathjax-offline")
    folder = Path(dist.locate_file("sphinx-mathjax-offline/static/mathjax"))
    if not (folder / MATHJAX_PATH.split("/")[-1]).is_file():
        raise FileNotFoundError(f"MathJax がない: {folder} (pip install sphinx-mathjax-offline)")
    return folder


def use_local_mathjax(app: Sphinx, config) -> None:
    mathjax_source()  # 入っていなければビルドの最初に止める
    config.mathjax_path = MATHJAX_PATH


def copy_mathjax(app: Sphinx, exc: Exception | None) -> None:
    if exc is not None or app.builder.format != "html":
        return
    source = mathjax_source()
    target = Path(app.outdir) / "_static" / "mathjax"
    for part in PARTS:
        src = source / part
        if src.is_dir():
            copy_asset(str(src), str(target / part))
        else:
            target.mkdir(parents=True, exist_ok=True)
            copy_asset(str(src), str(target))


def setup(app: Sphinx) -> dict:
    app.connect("config-inited", use_local_mathjax)
    app.connect("build-finished", copy_mathjax)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
