"""読者の道筋 (issue 16): Colab / Binder の双子、日本語の検索、オフラインの数式。"""

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
BOOK = ROOT / "book"
sys.path.insert(0, str(BOOK / "_ext"))
sys.path.insert(0, str(ROOT / ".ci"))

import ja_search  # noqa: E402
import notebooks  # noqa: E402
import offline_math  # noqa: E402

TWINS = [md.with_suffix(".ipynb") for md in notebooks.chapter_sources()]

# 本のビルドの代わりの値 (twins.json と同じ形の一部)
FAKE = {
    "book/01_x.numref:fig-a": "図 1.2",
    "book/01_x.number:fig-a": "1.2",
    "book/01_x.eq:eq-a": "(1.3)",
    "book/01_x.glue:acc:.2f": "0.91",
    "book/01_x.cite:t:stroop1935": "Stroop (1935)",
    "book/01_x.cite:p:a2000,b2001": "(A, 2000; B, 2001)",
    "book/01_x.bib:stroop1935": "Stroop, J. R. Studies. 1935.",
    "book/01_x.bib:a2000": "A. Paper. 2000.",
    "book/01_x.bib:b2001": "B. Paper. 2001.",
    "book/01_x.exercises:book/01_x": '["1.1", "1.2"]',
    "book/01_x.ref:sec-b": "温度",
    "book/01_x.labeldoc:sec-b": "book/02_y",
    "book/01_x.docnumber:book/02_y": "2",
    "book/01_x.doctitle:book/02_y": "コサイン",
}


def fake_lookup(kind: str, key: str) -> str:
    return FAKE[f"book/01_x.{kind}:{key}"]


SNIPPET = r"""(sec-a)=
## 節

{term}`温度`と{term}`注意 <注意 (attention)>`。{footcite:t}`stroop1935` は {glue:text}`acc:.2f` を得た
{footcite:p}`a2000, b2001`。{numref}`fig-a` と{numref}`表 %s <fig-a>`、式 {eq}`eq-a`、{ref}`sec-b`。
% コメント

$$
y = x
$$ (eq-a)

```{admonition} 学習目標
:class: tip
- {term}`温度`を説明できる。
```

```{exercise}
:label: ex-one

問い。
```

````{solution} ex-one
:class: dropdown

答え。

```python
print(1)
```
````

```{footbibliography}
```
"""


def test_converter_turns_every_myst_construct_into_plain_markdown():
    convert = notebooks.Converter("book/01_x", fake_lookup)
    out = convert.markdown(SNIPPET)
    assert "(sec-a)=" not in out and "% コメント" not in out
    assert "温度と注意。Stroop (1935) は **0.91** を得た" in out
    assert "(A, 2000; B, 2001)。図 1.2 と表 1.2、式 (1.3)、第 2 章の「温度」。" in out
    assert "y = x\n\\tag{1.3}\n$$" in out
    assert "> **学習目標**\n>\n> - 温度を説明できる。" in out
    assert "> **練習 1.1**\n>\n> 問い。" in out
    assert "<details>\n<summary>解答 (練習 1.1) (クリックで開く)</summary>" in out
    assert "```python\nprint(1)\n```" in out  # 解答の中のコードはそのまま
    refs = out[out.rindex("</details>") :]
    assert refs.index("Stroop, J. R.") < refs.index("A. Paper") < refs.index("B. Paper")
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(out)])
    assert notebooks.myst_left(nb) == []


def test_unknown_roles_and_missing_values_fail_loudly():
    convert = notebooks.Converter("book/01_x", fake_lookup)
    with pytest.raises(notebooks.OutOfSync):
        convert.markdown("{unknownrole}`x`")
    stored = notebooks.StoredLookup({}, "x.ipynb")
    with pytest.raises(notebooks.OutOfSync):
        stored("glue", "acc")


def test_myst_patterns_are_detected():
    nb = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_markdown_cell("{term}`a`\n```{note}\nx\n```\n(lab)=\n$$ (eq)")]
    )
    assert len(notebooks.myst_left(nb)) == 4


def test_solution_files_are_inlined_because_colab_has_no_repository_files(tmp_path):
    # 解答のコードは book/solutions/ の 1 つのファイル: 本はそれを見せて (literalinclude) 実行する (%run -i)。
    # Colab の双子にはファイルがないので、どちらにも中身を入れる。
    (tmp_path / "book" / "solutions").mkdir(parents=True)
    (tmp_path / "book" / "solutions" / "01_x.py").write_text("# 解答\nt = 2\nprint(t)\n")
    convert = notebooks.Converter("book/01_x", fake_lookup, root=tmp_path)
    out = convert.markdown(
        "````{solution} ex-one\n\n```{literalinclude} solutions/01_x.py\n:language: python\n```\n````"
    )
    assert "```python\n# 解答\nt = 2\nprint(t)\n```" in out
    assert "literalinclude" not in out
    cell = "%%capture\n%run -i solutions/01_x.py\n%run -i solutions/01_x.py"
    inlined = notebooks.inline_solutions(cell, tmp_path / "book")
    assert inlined == "%%capture\n# 解答\nt = 2\nprint(t)\n# 解答\nt = 2\nprint(t)"
    with pytest.raises(notebooks.OutOfSync):  # ないファイル、扱えない設定は黙って落とさない
        notebooks.inline_solutions("%run -i solutions/missing.py", tmp_path / "book")
    with pytest.raises(notebooks.OutOfSync):
        convert.markdown("```{literalinclude} solutions/01_x.py\n:lines: 2-3\n```")


@pytest.mark.parametrize("twin", TWINS, ids=lambda p: p.stem)
def test_twins_have_no_myst_syntax_and_the_same_code_as_the_chapter(twin):
    nb = nbformat.reads(twin.read_text(encoding="utf-8"), as_version=4)
    assert notebooks.myst_left(nb) == []
    code = [c.source for c in nb.cells if c.cell_type == "code"]
    source = notebooks.jupytext.read(twin.with_suffix(".md"), fmt="md:myst")
    chapter = [c.source for c in source.cells if c.cell_type == "code"]
    assert code == [notebooks.inline_solutions(c, twin.parent) for c in chapter]
    assert not any("%run" in c for c in code)  # Colab には solutions/ がない
    assert notebooks.METADATA_KEY in nb.metadata


# ---------------------------------------------------------------- 検索


def test_search_splits_japanese_into_overlapping_bigrams():
    assert ja_search.split("符号化器") == ["符号", "号化", "化器"]
    assert ja_search.split("脳") == ["脳"]
    assert ja_search.split("Ｓｔｒｏｏｐ 効果、word2vec") == ["stroop", "効果", "word2vec"]


def glossary_terms() -> list[str]:
    text = (BOOK / "glossary.md").read_text(encoding="utf-8")
    return re.findall(r"^(\S[^\n]*)\n  \(", text, re.M)


def test_every_glossary_term_is_found_in_every_chapter_whose_text_contains_it():
    # 索引 (本文を split) に、検索語を split したすべての語が入る: Sphinx の検索はその章を返す
    texts = {md.stem: md.read_text(encoding="utf-8") for md in BOOK.glob("[0-9][0-9]_*.md")}
    index = {stem: set(ja_search.split(text)) for stem, text in texts.items()}
    checked = 0
    for term in glossary_terms():
        for stem, text in texts.items():
            if term in text:
                assert set(ja_search.split(term)) <= index[stem], (term, stem)
                checked += 1
    assert checked > 50


@pytest.mark.skipif(shutil.which("node") is None, reason="node がない")
def test_browser_splitter_is_the_same_function_as_the_index_splitter(tmp_path):
    samples = [
        "符号化器と word2vec のＢＥＲＴ、脳",
        "ソフトマックス 温度",
        "Stroop 効果の PDP モデル (1990) attention_map ½ ｶﾀｶﾅ 々",
        (BOOK / "glossary.md").read_text(encoding="utf-8")[:3000],
    ]
    script = tmp_path / "split.js"
    script.write_text(
        ja_search.JS_SPLIT_QUERY
        + f"\nconsole.log(JSON.stringify({json.dumps(samples)}.map(splitQuery)));\n",
        encoding="utf-8",
    )
    out = subprocess.run(["node", str(script)], capture_output=True, text=True, check=True)
    assert json.loads(out.stdout) == [ja_search.split(s) for s in samples]


# ---------------------------------------------------------------- 数式


def test_mathjax_is_installed_locally_with_its_fonts():
    source = offline_math.mathjax_source()
    assert (source / "tex-mml-chtml.js").is_file()
    assert list((source / "output" / "chtml" / "fonts" / "woff-v2").glob("*.woff"))
    # 外部の URL を読み込まない版 (Sphinx の既定は CDN)
    assert not offline_math.MATHJAX_PATH.startswith(("http:", "https:", "//"))


def test_binder_environment_comes_from_binder_folder_alone():
    lines = (ROOT / "binder" / "requirements.txt").read_text(encoding="utf-8").splitlines()
    assert "-r ../requirements.txt" in lines
    assert any("download.pytorch.org/whl/cpu" in line for line in lines)
    requirements = (ROOT / "requirements.txt").read_text(encoding="utf-8")
    assert re.search(r"^sphinx-mathjax-offline==", requirements, re.M)
