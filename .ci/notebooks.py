"""Colab と Binder 用の .ipynb の双子 (twin) を章の .md から作る / 同期を確かめる。

  python .ci/notebooks.py sync    # 本のビルド (_build/twins.json) を使って .ipynb を書く (先に make book)
  python .ci/notebooks.py check   # .ipynb が .md と同期し、MyST の書式が残っていないか (ビルド不要)
  python .ci/notebooks.py check --build   # さらに、番号や文献が今のビルドと一致するか (make book の後)

Colab や Binder は Markdown セルを素の Markdown として表示するので、章の MyST をそのまま入れると
{term}`…` や ```{admonition} が文字のまま見え、glue した数値も役割の名前になる。ここでは
コードセルは章のまま (jupytext で読む) 残し、Markdown セルを Web の本と同じ内容の素の Markdown に
書き換える:

- 学習目標などの囲み → 引用ブロック、演習 → 「演習 7.1」の見出しつきの段落、解答 → 折りたたみ
  (<details>、開くまで見えない)
- {term} → その語、{footcite} → (著者, 年) / 著者 (年)、章末の {footbibliography} → 文献の一覧
- {numref} {eq} {ref} {doc} → 本と同じ番号 (図 7.1、(7.2)、節の題名、第 3 章「…」)、式には \\tag{7.2}
- {glue:text} → 本のビルドで計算した値を太字で (ノートブックを実行すると、その人の環境での値が
  コードの出力に出る。冒頭の注でそう断る)
- 図を描くコードセルの後ろに、本と同じ番号と説明文 (「図 7.1 …」) の Markdown セル
- 演習の解答のコード (book/solutions/….py、Colab にはないファイル) は中身を入れる: 解答の
  ```{literalinclude} はそのコードブロックに、隠れたセルの `%run -i solutions/….py` はそのコードに

番号や文献の書式は本のビルドが知っている: book/_ext/twin_data.py がビルドの終わりに
_build/twins.json に書き出したものを使う。使った値は .ipynb のメタデータ (deeppsych_twin) にも残すので、
check はビルドなしで「.md を書き換えたのに .ipynb を作り直していない」ことを見つけられる。
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sys
from collections.abc import Callable
from pathlib import Path

import jupytext
import nbformat
import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "book" / "_ext"))
from package_cache import SOLUTION_RUN  # noqa: E402  (章が解答のファイルを実行する行の形は 1 か所で)

BUILD = Path(os.environ.get("BOOK_BUILD", ROOT / "_build"))
METADATA_KEY = "deeppsych_twin"

# 双子の Markdown に残ってはいけない MyST の書式
MYST_ROLE = re.compile(r"\{[a-zA-Z][\w:.-]*\}`")
MYST_DIRECTIVE = re.compile(r"^\s*(`{3,}|~{3,}|:{3,})\s*\{[\w:.-]+\}", re.M)
MYST_TARGET = re.compile(r"^\s*\([\w:.-]+\)=\s*$", re.M)
MYST_EQ_LABEL = re.compile(r"\$\$\s*\([\w:.-]+\)\s*$", re.M)

ROLE = re.compile(r"\{([a-zA-Z][\w:.-]*)\}`([^`]*)`")
EXPLICIT = re.compile(r"^(.*?)\s*<([^<>]+)>$", re.S)
FENCE_OPEN = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,}|:{3,})(?P<info>.*)$")
DIRECTIVE_INFO = re.compile(r"^\{(?P<name>[\w:.-]+)\}\s*(?P<arg>.*)$")

# Sphinx の日本語の訳と同じ見出し (HTML と同じ語)
ADMONITION_TITLES = {
    "note": "注釈",
    "warning": "警告",
    "tip": "ちなみに",
    "important": "重要",
    "hint": "ヒント",
    "caution": "注意",
    "attention": "注意",
    "danger": "危険",
    "error": "エラー",
    "seealso": "参考",
}
EXERCISE_WORD = "練習"  # sphinx-exercise の日本語の訳 (HTML と同じ)
SOLUTION_WORD = "解答"

Lookup = Callable[[str, str], str]


class OutOfSync(Exception):
    """双子の作り直しが要る (ビルドにない参照、メタデータにない値)。"""


# ---------------------------------------------------------------- 値の出どころ


class BuildLookup:
    """本のビルド (_build/twins.json) から参照を解き、使った値を記録する。"""

    def __init__(self, data: dict, docname: str):
        self.data = data
        self.docname = docname
        self.used: dict[str, str] = {}

    def __call__(self, kind: str, key: str) -> str:
        value = self._resolve(kind, key)
        if value is None:
            raise OutOfSync(f"{self.docname}: 本のビルドに {kind} {key!r} がない")
        self.used[f"{kind}:{key}"] = value
        return value

    def _resolve(self, kind: str, key: str) -> str | None:
        d = self.data
        if kind == "glue":
            from myst_nb.core.variables import format_plain_text

            name, _, spec = key.partition(":")
            raw = d["glue"].get(self.docname, {}).get(name)
            return None if raw is None else format_plain_text(raw, spec)
        if kind in ("numref", "number", "ref"):
            entry = d["labels"].get(key.lower())
            return None if entry is None else entry.get(kind)
        if kind == "labeldoc":
            entry = d["labels"].get(key.lower())
            return None if entry is None else entry["doc"]
        if kind == "eq":
            return d["equations"].get(key)
        if kind in ("doctitle", "docnumber"):
            entry = d["docs"].get(key)
            return None if entry is None else entry[kind.removeprefix("doc")]
        if kind == "exercises":
            return json.dumps(d["exercises"].get(self.docname, []))
        if kind == "cite":
            return d["cite"]["roles"].get(key)
        if kind == "bib":
            return d["cite"]["bib"].get(key)
        if kind == "release":
            return d["release"]
        raise ValueError(kind)


class StoredLookup:
    """双子のメタデータに残した値だけで解く (ビルドなしの check)。"""

    def __init__(self, stored: dict[str, str], name: str):
        self.stored = stored
        self.name = name

    def __call__(self, kind: str, key: str) -> str:
        try:
            return self.stored[f"{kind}:{key}"]
        except KeyError:
            raise OutOfSync(f"{self.name}: .md にある {kind} {key!r} が .ipynb にない") from None


# ---------------------------------------------------------------- MyST → Markdown


class Converter:
    """1 章の Markdown セルを、順に (演習の番号、文献を数えながら) 書き換える。"""

    def __init__(self, docname: str, lookup: Lookup, root: Path = ROOT):
        self.docname = docname
        self.lookup = lookup
        self.folder = (root / docname).parent  # literalinclude のパスの起点 (章のフォルダ)
        self.exercise_numbers: list[str] = json.loads(lookup("exercises", docname))
        self.exercise_labels: dict[str, str] = {}
        self.n_exercises = 0
        self.cited: list[str] = []  # まだ文献一覧に出していない引用

    # --- インラインの役割
    def role(self, match: re.Match) -> str:
        name, text = match.group(1), match.group(2)
        explicit = EXPLICIT.match(text)
        title, target = (explicit.group(1), explicit.group(2)) if explicit else (None, text)
        if name in ("glue:text", "glue", "glue:"):
            return f"**{self.lookup('glue', text)}**"
        if name == "term":
            return title if title is not None else text
        if name in ("footcite:t", "footcite:p", "cite:t", "cite:p", "footcite", "cite"):
            keys = ",".join(k.strip() for k in text.split(","))
            for key in keys.split(","):
                if key not in self.cited:
                    self.cited.append(key)
            form = name.partition(":")[2] or "p"
            return self.lookup("cite", f"{form}:{keys}")
        if name == "numref":
            if title is None:
                return self.lookup("numref", target)
            number = self.lookup("number", target)
            return title.replace("%s", number).replace("{number}", number)
        if name == "eq":
            return title if title is not None else self.lookup("eq", target)
        if name == "ref":
            if title is not None:
                return title
            doc = self.lookup("labeldoc", target)
            text = self.lookup("ref", target)
            if text == EXERCISE_WORD:  # 練習への {ref} は HTML でも「練習 8.3」と番号で出る
                text = self.lookup("numref", target)
            if not re.search(
                r"\d$", text
            ):  # 番号のない節の題名は「」で囲む (練習 8.3 などはそのまま)
                text = f"「{text}」"
            return text if doc == self.docname else f"{self.doc_name(doc)}の{text}"
        if name == "doc":
            doc = self.resolve_doc(target)
            return title if title is not None else self.doc_name(doc, with_title=True)
        if name == "math":
            return f"${text}$"
        if name in ("sub", "subscript"):
            return f"<sub>{text}</sub>"
        if name in ("sup", "superscript"):
            return f"<sup>{text}</sup>"
        raise OutOfSync(f"{self.docname}: ノートブックに書き換えられない役割 {{{name}}}")

    def resolve_doc(self, target: str) -> str:
        target = target.removesuffix(".md")
        if target.startswith("/"):
            return target.lstrip("/")
        base = self.docname.rsplit("/", 1)[0] if "/" in self.docname else ""
        return os.path.normpath(f"{base}/{target}" if base else target)

    def doc_name(self, doc: str, with_title: bool = False) -> str:
        number = self.lookup("docnumber", doc)
        title = self.lookup("doctitle", doc)
        if number:
            return f"第 {number} 章「{title}」" if with_title else f"第 {number} 章"
        return f"「{title}」"

    def inline(self, text: str) -> str:
        return ROLE.sub(self.role, text)

    # --- ブロック
    def markdown(self, text: str) -> str:
        lines = text.split("\n")
        out: list[str] = []
        i = 0
        while i < len(lines):
            line = lines[i]
            fence = FENCE_OPEN.match(line)
            if fence and (fence.group("fence")[0] != ":" or line.lstrip().startswith(":::{")):
                end = self.fence_end(lines, i, fence)
                pad = fence.group("indent")
                body = [
                    b[len(pad) :] if b.startswith(pad) else b.lstrip() for b in lines[i + 1 : end]
                ]
                directive = DIRECTIVE_INFO.match(fence.group("info").strip())
                if directive:
                    block = self.directive(
                        directive.group("name"), directive.group("arg").strip(), body
                    )
                    out.extend(indent(block, fence.group("indent")))
                else:  # ふつうのコードブロック: そのまま
                    out.extend(lines[i : end + 1])
                i = end + 1
                continue
            if line.lstrip().startswith("$$"):
                if "$$" in line.lstrip()[2:]:
                    end = i  # 1 行の $$ … $$
                else:
                    end = next(
                        (j for j in range(i + 1, len(lines)) if "$$" in lines[j]), len(lines) - 1
                    )
                out.extend(self.display_math(lines[i : end + 1]))
                i = end + 1
                continue
            if MYST_TARGET.match(line) or re.match(r"^\s*%", line):
                i += 1  # (label)= と % のコメントは本文に出ない
                continue
            out.append(self.inline(line))
            i += 1
        return "\n".join(out)

    @staticmethod
    def fence_end(lines: list[str], start: int, fence: re.Match) -> int:
        char, size = fence.group("fence")[0], len(fence.group("fence"))
        close = re.compile(rf"^\s*{re.escape(char)}{{{size},}}\s*$")
        for j in range(start + 1, len(lines)):
            if close.match(lines[j]):
                return j
        return len(lines) - 1

    def display_math(self, block: list[str]) -> list[str]:
        last = block[-1]
        label = re.search(r"\$\$\s*\(([\w:.-]+)\)\s*$", last)
        if not label:
            return block
        number = self.lookup("eq", label.group(1)).strip("()")
        head = last[: label.start()].rstrip()  # 閉じる $$ の前にある式の最後の部分
        # 閉じる $$ の前に \tag{番号} (Colab と Jupyter の MathJax / KaTeX で本と同じ番号が出る)
        return block[:-1] + ([head] if head.strip() else []) + [rf"\tag{{{number}}}", "$$"]

    def directive(self, name: str, arg: str, body: list[str]) -> list[str]:
        options, content = split_options(body)
        inner = self.markdown("\n".join(content)).strip("\n").split("\n")
        if name in ("admonition", *ADMONITION_TITLES):
            title = self.inline(arg) if name == "admonition" else ADMONITION_TITLES[name]
            return quote([f"**{title}**", "", *inner])
        if name in ("exercise", "exercise-start"):
            number = self.next_exercise(options.get("label"))
            head = f"**{EXERCISE_WORD} {number}**" + (f" ({self.inline(arg)})" if arg else "")
            return quote([head, "", *inner])
        if name in ("solution", "solution-start"):
            number = self.exercise_labels.get(arg, "")
            summary = f"{SOLUTION_WORD} ({EXERCISE_WORD} {number})" if number else SOLUTION_WORD
            return [
                "<details>",
                f"<summary>{summary} (クリックで開く)</summary>",
                "",
                *inner,
                "",
                "</details>",
            ]
        if name in ("footbibliography", "bibliography"):
            keys, self.cited = self.cited, []
            return [f"- {self.lookup('bib', key)}" for key in keys] or ["(引用なし)"]
        if name == "math":
            label = options.get("label")
            tag = [rf"\tag{{{self.lookup('eq', label).strip('()')}}}"] if label else []
            return ["$$", *content, *tag, "$$"]
        if name in ("code-block", "code", "sourcecode"):
            return [f"```{arg}", *content, "```"]
        if name == "literalinclude":  # 解答のファイル: Colab にはないので中身をコードブロックに
            if set(options) - {"language"}:
                raise OutOfSync(f"{self.docname}: literalinclude の未対応の設定 {sorted(options)}")
            code = included(self.folder / arg, self.docname).rstrip("\n").split("\n")
            return [f"```{options.get('language', 'python')}", *code, "```"]
        if name == "only":
            return inner if "html" in arg else []
        if name in ("epigraph", "pull-quote", "highlights"):
            return quote(inner)
        raise OutOfSync(f"{self.docname}: ノートブックに書き換えられない指令 {{{name}}}")

    def next_exercise(self, label: str | None) -> str:
        self.n_exercises += 1
        numbers = self.exercise_numbers
        number = numbers[self.n_exercises - 1] if self.n_exercises <= len(numbers) else ""
        number = number or str(self.n_exercises)
        if label:
            self.exercise_labels[label] = number
        return number


def split_options(body: list[str]) -> tuple[dict[str, str], list[str]]:
    """指令の本体の先頭の :key: value (または --- で囲んだ YAML) と、残りの本文。"""
    if body and body[0].strip() == "---":
        end = next((i for i in range(1, len(body)) if body[i].strip() == "---"), None)
        if end is not None:
            options = yaml.safe_load("\n".join(body[1:end])) or {}
            return {k: str(v) for k, v in options.items()}, body[end + 1 :]
    options = {}
    i = 0
    while i < len(body):
        m = re.match(r"^\s*:([\w-]+):\s*(.*)$", body[i])
        if not m:
            break
        options[m.group(1)] = m.group(2)
        i += 1
    return options, body[i:]


def included(path: Path, docname: str) -> str:
    if not path.is_file():
        raise OutOfSync(f"{docname}: 章が使う {os.path.relpath(path, ROOT)} がない")
    return path.read_text(encoding="utf-8")


def inline_solutions(source: str, folder: Path, docname: str = "") -> str:
    """コードセルの ``%run -i solutions/….py`` の行を、そのファイルのコードに置き換える (Colab 用)。"""
    return SOLUTION_RUN.sub(lambda m: included(folder / m.group(1), docname).rstrip("\n"), source)


def quote(lines: list[str]) -> list[str]:
    return [f"> {line}".rstrip() for line in lines]


def indent(lines: list[str], prefix: str) -> list[str]:
    return [prefix + line if line else line for line in lines]


# ---------------------------------------------------------------- 1 章


def chapter_sources() -> list[Path]:
    """双子をもつ章: 目次の番号つきの章 (.ci/chapters.py) のうち、jupytext のノートブックであるもの。"""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from chapters import chapters

    return [p for p in chapters() if "kernelspec:" in p.read_text(encoding="utf-8")[:500]]


def docname_of(md: Path) -> str:
    return md.relative_to(ROOT).with_suffix("").as_posix()


def cell_id(kind: str, source: str, seen: set[str]) -> str:
    base = hashlib.sha1(f"{kind}\n{source}".encode()).hexdigest()[:8]
    cid, n = base, 1
    while cid in seen:
        n += 1
        cid = f"{base}-{n}"
    seen.add(cid)
    return cid


def twin(md: Path, lookup: Lookup) -> nbformat.NotebookNode:
    """章の .md から、Colab / Binder で読む .ipynb を作る。"""
    docname = docname_of(md)
    source = jupytext.read(md, fmt="md:myst")
    convert = Converter(docname, lookup)
    cells = []
    seen: set[str] = set()
    first_markdown = True
    for cell in source.cells:
        if cell.cell_type == "markdown":
            text = convert.markdown(cell.source).strip("\n")
            if first_markdown:
                text = number_title(text, convert) + "\n\n" + reader_note(convert, docname)
                first_markdown = False
            if text.strip():
                cells.append(nbformat.v4.new_markdown_cell(text, id=cell_id("md", text, seen)))
            continue
        metadata = dict(cell.metadata)
        tags = metadata.get("tags", [])
        if {"remove-cell", "remove-input", "hide-input"} & set(tags):
            metadata["jupyter"] = {"source_hidden": True}  # JupyterLab / Notebook 7 で畳む
        text = inline_solutions(cell.source, md.parent, docname)
        code = nbformat.v4.new_code_cell(text, metadata=metadata, id=cell_id("code", text, seen))
        cells.append(code)
        figure = metadata.get("mystnb", {}).get("figure", {})
        if figure.get("name"):
            caption = convert.inline(str(figure.get("caption", "")).strip())
            text = f"**{convert.lookup('numref', figure['name'])}** {caption}".rstrip()
            cells.append(nbformat.v4.new_markdown_cell(text, id=cell_id("md", text, seen)))
    if convert.cited:  # {footbibliography} のない章でも、文献の一覧は最後に
        items = [f"- {convert.lookup('bib', key)}" for key in convert.cited]
        text = "## 参考文献\n\n" + "\n".join(items)
        cells.append(nbformat.v4.new_markdown_cell(text, id=cell_id("md", text, seen)))
    nb = nbformat.v4.new_notebook(cells=cells)
    nb.metadata["kernelspec"] = source.metadata.get(
        "kernelspec", {"display_name": "Python 3", "language": "python", "name": "python3"}
    )
    nb.metadata["language_info"] = {"name": "python"}
    nb.metadata["colab"] = {"provenance": [], "toc_visible": True}
    return nb


def number_title(text: str, convert: Converter) -> str:
    number = convert.lookup("docnumber", convert.docname)
    if not number:
        return text
    return re.sub(r"^# (?!\d)", f"# 第 {number} 章 ", text, count=1, flags=re.M)


def reader_note(convert: Converter, docname: str) -> str:
    release = convert.lookup("release", "")
    return (
        f"> この notebook は、Web 版の本『ディープラーニングの心理学的解釈』(版 {release}) の"
        f"この章と同じ文章です。図・式・演習の番号と文献は本と同じで、**太字の数値**は本のビルドで"
        f"計算した値です。セルを上から順に実行すると、同じ計算の結果があなたの環境で表示されます"
        f" (計算機によって最後の桁が違うことがあります)。演習の解答は「{SOLUTION_WORD}」を"
        f"クリックすると開きます。"
    )


def write(nb: nbformat.NotebookNode, path: Path) -> None:
    path.write_text(nbformat.writes(nb) + "\n", encoding="utf-8")


def myst_left(nb: nbformat.NotebookNode) -> list[str]:
    """双子の Markdown に残った MyST の書式 (あってはならない)。"""
    found = []
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue
        for pattern in (MYST_ROLE, MYST_DIRECTIVE, MYST_TARGET, MYST_EQ_LABEL):
            found += [m.group(0).strip() for m in pattern.finditer(cell.source)]
    return found


# ---------------------------------------------------------------- sync / check


def repository() -> tuple[str, str]:
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    repo = config["repository"]
    return repo["url"], repo.get("branch", "main")


def with_repository(text: str, url: str, branch: str) -> str:
    text = re.sub(r'(?m)^(\s*REPOSITORY = )".*"$', rf'\g<1>"{url}"', text)
    return re.sub(r'(?m)^(\s*BRANCH = )".*"$', rf'\g<1>"{branch}"', text)


def build_data() -> dict:
    path = BUILD / "twins.json"
    if not path.is_file():
        sys.exit(f"{path} がない: 先に make book (book/_ext/twin_data.py が書き出す)")
    return json.loads(path.read_text(encoding="utf-8"))


def sync() -> None:
    url, branch = repository()
    data = build_data()
    failed: list[str] = []
    for md in chapter_sources():
        text = md.read_text(encoding="utf-8")
        updated = with_repository(text, url, branch)
        if updated != text:
            md.write_text(updated, encoding="utf-8")
        lookup = BuildLookup(data, docname_of(md))
        try:
            nb = twin(md, lookup)
        except OutOfSync as exc:  # 章がビルドの後に変わった: ほかの章は書き、最後に失敗する
            failed.append(f"{exc} (make book をやり直す)")
            continue
        nb.metadata[METADATA_KEY] = {"values": dict(sorted(lookup.used.items()))}
        left = myst_left(nb)
        if left:
            failed.append(f"{md.name}: MyST の書式が残る: {left[:5]}")
            continue
        write(nb, md.with_suffix(".ipynb"))
        print(f"  {md.with_suffix('.ipynb').relative_to(ROOT)}")
    if failed:
        sys.exit("書けなかった双子があります:\n  " + "\n  ".join(failed))


def check(against_build: bool = False) -> None:
    url, branch = repository()
    data = None
    if against_build and (BUILD / "twins.json").is_file():
        data = build_data()
    elif against_build:
        print(f"({BUILD / 'twins.json'} がないので、今のビルドとの照合は飛ばす: make book の後で)")
    problems = []
    n_values = 0
    for md in chapter_sources():
        nb_path = md.with_suffix(".ipynb")
        rel = md.relative_to(ROOT)
        text = md.read_text(encoding="utf-8")
        if "REPOSITORY = " not in text:
            problems.append(f"{rel}: Colab 用の install セルがありません")
        elif with_repository(text, url, branch) != text:
            problems.append(f"{rel}: install セルの URL が _config.yml の repository と違います")
        if not nb_path.exists():
            problems.append(f"{nb_path.relative_to(ROOT)}: .ipynb の双子がありません")
            continue
        committed = nbformat.reads(nb_path.read_text(encoding="utf-8"), as_version=4)
        left = myst_left(committed)
        if left:
            problems.append(f"{nb_path.name}: MyST の書式が {len(left)} か所残る: {left[:3]}")
        stored = committed.metadata.get(METADATA_KEY, {}).get("values", {})
        try:
            expected = twin(md, StoredLookup(stored, nb_path.name))
        except OutOfSync as exc:
            problems.append(str(exc))
            continue
        expected.metadata[METADATA_KEY] = {"values": stored}
        if nbformat.writes(expected) != nbformat.writes(committed):
            problems.append(f"{nb_path.name}: {rel} と同期していません")
        n_values += len(stored)
        if data is not None:
            problems += differences_from_build(stored, data, docname_of(md), nb_path.name)
    if problems:
        sys.exit("make notebooks を実行してください:\n  " + "\n  ".join(problems))
    n = len(chapter_sources())
    where = "今のビルドとも一致" if data is not None else "ビルドなしの検査"
    print(
        f"ノートブックの双子: {n} 章とも .md と同期済み、MyST の書式は 0 か所 "
        f"(本から取った値 {n_values} 個; {where})"
    )


def differences_from_build(stored: dict, data: dict, docname: str, name: str) -> list[str]:
    """メタデータの値が今のビルドと同じか。glue の数値は計算機で最後の桁が変わりうるので、キーだけ。"""
    lookup = BuildLookup(data, docname)
    out = []
    for entry, value in stored.items():
        kind, _, key = entry.partition(":")
        try:
            now = lookup(kind, key)
        except OutOfSync as exc:
            out.append(f"{name}: {exc}")
            continue
        if kind != "glue" and now != value:
            out.append(f"{name}: {kind} {key!r} が本では {now!r}、.ipynb では {value!r}")
    return out


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else "check"
    if command == "sync":
        sync()
    elif command == "check":
        check(against_build="--build" in sys.argv[2:])
    else:
        sys.exit(__doc__)
