"""PDF (uplatex) で日本語フォントにない記号を LaTeX の命令に置き換える Sphinx 拡張。

uplatex は和文フォント (原ノ味) で Unicode の文字を組むが、転置の ᵀ や上付きの ⁻、下付き数字などは
フォントになく、dvipdfmx が黙って捨ててしまう (コードの docstring に出てくる)。Sphinx 自身が ² などに
使っている置き換え表に、これらの文字を足す。
"""

from __future__ import annotations

from sphinx.util import texescape

SUPERSCRIPTS = {"ᵀ": "T", "⁻": "-", "⁺": "+", "⁰": "0", "⁴": "4", "⁵": "5", "⁶": "6", "⁷": "7"}
SUPERSCRIPTS |= {"⁸": "8", "⁹": "9", "ⁿ": "n"}
SUBSCRIPTS = {chr(0x2080 + d): str(d) for d in range(10)} | {"ᵢ": "i", "ⱼ": "j", "ₖ": "k"}


def replacements() -> list[tuple[str, str]]:
    pairs = [(c, rf"\(\sp{{\text{{{t}}}}}\)") for c, t in SUPERSCRIPTS.items()]
    pairs += [(c, rf"\(\sb{{\text{{{t}}}}}\)") for c, t in SUBSCRIPTS.items()]
    return pairs


def setup(app):
    known = {a for a, _ in texescape.unicode_tex_replacements}
    texescape.unicode_tex_replacements.extend(p for p in replacements() if p[0] not in known)
    texescape.init()
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1.0"}
