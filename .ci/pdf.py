"""make pdf: 本全体の PDF と、章ごとの配布資料 PDF を _build/pdf/ に作り、検査する。

検査: LaTeX のログに "Missing character" がない (日本語が落ちていない)、dvipdfmx が
文字を捨てていない、フォントがすべて埋め込まれている、章の図がすべて入っている。
PDF の文字 (pdftotext) について:
- HTML が隠すコード (タグ hide-input・remove-input・remove-cell) は刷られず、HTML が見せるコードは
  1 回だけ、切れずに (長い行は折り返して) 刷られる (book/_ext/latex_handouts.py)。
- 別の章への参照は、配布資料では章の番号と題 (「第 1 章「…」」) になる。「??」や生のラベルは残らない。
- 配布資料の章は本と同じ番号 (8 章なら「第 8 章」、節は 8.1、8.2 …)。本全体では章の番号が
  ファイル名の頭の数と同じ (05_bert は第 5 章の中の節)。
配布資料は章ごとに 1 つ (章の中の節のページ、例えば 05_bert は 05_transformer の配布資料に入る)。
前提: Debian の TeX パッケージ (make pdf-deps)。
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import jupytext
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from chapters import ROOT, chapter_sections, numbered_chapters  # noqa: E402

LATEX = ROOT / "_build" / "latex"
OUT = ROOT / "_build" / "pdf"
JB = [str(Path(sys.executable).parent / "jupyter-book")]
SOLUTION_TITLE = "解答"  # sphinx-exercise が解答の見出しに付ける語 ("Solution to" の日本語訳)
BAD_OUTPUT = re.compile(r"Missing character|input str:|LaTeX Error|Emergency stop")


def student_config() -> Path:
    """演習の解答を消した学生用の設定 (_config.yml + hide_solutions) を _build/ に書く。"""
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    config["sphinx"]["config"]["hide_solutions"] = True
    # 設定ファイルの置き場所が変わるので、相対パスを絶対パスにする
    extensions = config["sphinx"]["local_extensions"]
    config["sphinx"]["local_extensions"] = {k: str(ROOT / v) for k, v in extensions.items()}
    config["bibtex_bibfiles"] = [str(ROOT / b) for b in config["bibtex_bibfiles"]]
    path = ROOT / "_build" / "student_config.yml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    return path


def build(individual: bool, config: Path | None = None) -> str:
    """LaTeX を作り直してから PDF をビルドし、コンソール出力を返す。"""
    shutil.rmtree(LATEX, ignore_errors=True)
    cmd = [*JB, "build", str(ROOT), "--builder", "pdflatex"]
    if individual:
        cmd.append("--individualpages")
    if config is not None:
        cmd += ["--config", str(config)]
    run = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    output = run.stdout + run.stderr
    log = (
        OUT
        / f"build-{'individual' if individual else 'book'}-{config.stem if config else 'default'}.log"
    )
    log.write_text(output, encoding="utf-8")
    if run.returncode != 0:
        latex_errors = [
            line
            for p in LATEX.glob("*.log")
            for line in p.read_text(errors="replace").splitlines()
            if line.startswith("!")
        ]
        sys.exit(
            f"PDF のビルドに失敗しました (全体のログ: {log}):\n"
            + "\n".join(latex_errors[:20])
            + output[-3000:]
        )
    return output


def problems_in(output: str) -> list[str]:
    logs = "".join(p.read_text(errors="replace") for p in LATEX.glob("*.log"))
    return [line for line in (output + logs).splitlines() if BAD_OUTPUT.search(line)]


def fonts_not_embedded(pdf: Path) -> list[str]:
    if shutil.which("pdffonts") is None:
        return []
    rows = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True).stdout
    return [r for r in rows.splitlines()[2:] if r.split()[-5:-4] != ["yes"]]


def image_count(pdf: Path) -> int | None:
    if shutil.which("pdfimages") is None:
        return None
    rows = subprocess.run(["pdfimages", "-list", str(pdf)], capture_output=True, text=True).stdout
    return sum(1 for r in rows.splitlines()[2:] if " image " in r)


def pages_of(md: Path) -> list[Path]:
    """章の配布資料に入るページ: 章と、その中に入れ子になった節のページ。"""
    return [md, *chapter_sections(md)]


def copy_handout(md: Path, folder: Path) -> list[str]:
    pdf = LATEX / f"{md.stem}.pdf"
    if not pdf.exists():
        return [f"{md.name}: 配布資料 PDF ができませんでした ({folder.name})"]
    shutil.copy(pdf, folder / pdf.name)
    figures = sum(
        len(re.findall(r"^\s+name: fig-", page.read_text(encoding="utf-8"), re.M))
        for page in pages_of(md)
    )
    images = image_count(pdf)
    if images is not None and images < figures:
        return [f"{folder.name}/{pdf.name}: 図が {figures} 枚のはずが PDF には {images} 枚"]
    return []


def pdf_text(pdf: Path, raw: bool = False) -> str | None:
    """PDF の文字。raw=True は描いた順 (コードの行の後ろの日本語のコメントが、その行に続く)。"""
    if shutil.which("pdftotext") is None:
        return None
    cmd = ["pdftotext", *(["-raw"] if raw else []), str(pdf), "-"]
    return subprocess.run(cmd, capture_output=True, text=True).stdout


def solutions_problems() -> list[str]:
    """教員用には解答があり、学生用にはない (演習のある章について)。"""
    problems = []
    for md in numbered_chapters():
        n_solutions = sum(p.read_text(encoding="utf-8").count("{solution}") for p in pages_of(md))
        teacher = pdf_text(OUT / "handouts" / "instructor" / f"{md.stem}.pdf")
        student = pdf_text(OUT / "handouts" / "student" / f"{md.stem}.pdf")
        if n_solutions == 0 or teacher is None or student is None:
            continue
        if teacher.count(SOLUTION_TITLE) < n_solutions:
            problems.append(f"{md.stem}: 教員用 PDF に解答が {n_solutions} 個ありません")
        if SOLUTION_TITLE in student:
            problems.append(f"{md.stem}: 学生用 PDF に解答が残っています")
    return problems


# ---------------------------------------------------------------- PDF の文字の検査 (pdftotext)
HIDDEN_TAGS = {
    "hide-input",
    "remove-input",
    "remove-cell",
    "hide-cell",
}  # HTML がコードを見せないセル
MIN_LINE = 20  # 検査に使うコードの行の長さ (空白を除いた文字数)。短い行は本文や別の行とまぎれる
# pdftotext が拾う、組版が足した文字: 折り返しの印 (行末の ␣ と、次の行頭の ↪。\hookrightarrow は ",→" になる)。
# コードのブロックがページをまたぐところの注記と、その間のページの足 (脚注・柱・ノンブル) も除く。
TYPESET_MARKS = re.compile(r"\(次のページに続く\).*?\(前のページからの続き\)|,?→|↪|␣", re.S)
LABEL = re.compile(r"^\(([\w-]+)\)=\s*\n# ", re.M)  # 章の題の直前のラベル
REFERENCE = re.compile(r"\{(numref|ref|doc)\}`(?:[^`<]*<)?([^`>]+)>?`")


def squeeze(text: str) -> str:
    """空白と組版の印を除く (PDF の行の折り返し・字間の空白に左右されずに比べるため)。"""
    return TYPESET_MARKS.sub("", re.sub(r"\s+", "", text))


def title_of(md: Path) -> str:
    return re.search(r"^# (.+)$", md.read_text(encoding="utf-8"), re.M).group(1).strip()


def headings_of(md: Path) -> list[str]:
    """章の「## 」の見出し (Markdown のセルだけから。コードの中の ## は数えない)。"""
    nb = jupytext.read(md, fmt="md:myst")
    cells = [c.source for c in nb.cells if c.cell_type == "markdown"]
    return [h.strip().replace("`", "") for c in cells for h in re.findall(r"^## (.+)$", c, re.M)]


def code_lines(pages: list[Path]) -> tuple[list[str], list[str], str]:
    """(HTML が隠すコードの行、見せるコードの行、コード以外の文字すべて) を、空白を除いて。"""
    hidden, shown, other = [], [], []
    for md in pages:
        for cell in jupytext.read(md, fmt="md:myst").cells:
            if cell.cell_type != "code":
                other.append(cell.source)
                continue
            tags = set(cell.metadata.get("tags", []))
            lines = [squeeze(line) for line in cell.source.splitlines()]
            (hidden if tags & HIDDEN_TAGS else shown).extend(line for line in lines if line)
        solutions = ROOT / "book" / "solutions"  # 演習の解答 (literalinclude で見せる)
        if solutions.is_dir():
            other += [p.read_text(encoding="utf-8") for p in solutions.glob(f"{md.stem[:2]}_*")]
    return hidden, shown, squeeze("\n".join(other))


def hidden_printed(pages: list[Path], name: str, text: str) -> list[str]:
    """HTML が隠すコードの行のうち、見せるコードや本文にない、その行だけの長さのあるものが刷られていない。"""
    hidden, shown, other = code_lines(pages)
    return [
        f"{name}: HTML では隠すコードが刷られています: {line[:60]}"
        for line in hidden
        if len(line) >= MIN_LINE
        and line not in other
        and not any(line in s for s in shown)
        and line in text
    ]


def code_problems(pages: list[Path], name: str, text: str) -> list[str]:
    """隠すコードは刷られず、見せるコードは 1 回だけ、切れずに刷られる (1 行ごとに数える)。"""
    problems = hidden_printed(pages, name, text)
    hidden, shown, other = code_lines(pages)
    everything = hidden + shown
    for line in shown:
        if len(line) < MIN_LINE or line in other:
            continue
        if sum(line in s for s in everything) > 1:  # 同じ行・それを含む行がほかにある
            continue
        n = text.count(line)
        if n != 1:
            problems.append(
                f"{name}: 見せるコードの行が {n} 回刷られています (1 回のはず。切れたか重複): {line[:60]}"
            )
    return problems


def overflow_problems(pdf: Path) -> list[str]:
    """文字が本文の枠の右からはみ出していない (長いコードの行は折り返す)。"""
    if shutil.which("pdftotext") is None:
        return []
    xml = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True)
    pages = re.findall(r'<page width="([\d.]+)"[^>]*>(.*?)</page>', xml.stdout, re.S)
    word = re.compile(r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)"[^>]*>(.*?)</word>')
    words = [
        (i, float(w), *m.groups()) for i, (w, body) in enumerate(pages) for m in word.finditer(body)
    ]
    if not words:
        return []
    left = min(float(x[2]) for x in words)  # 本文の左の余白。右の余白もほぼ同じ幅 (+ 6pt まで許す)
    return [
        f"{pdf.name}: {i + 1} ページで文字が右の余白にはみ出しています: {text[:40]}"
        for i, width, _, x_max, text in words
        if float(x_max) > width - left + 6
    ][:5]


def unresolved(name: str, raw: str) -> list[str]:
    """解決できなかった参照: LaTeX の \\ref は「??」に、{numref} の書式は「%s」のまま残る。"""
    return [f"{name}: 解決できなかった参照 ({bad})" for bad in ("??", "%s") if bad in raw]


def reference_problems(
    md: Path, name: str, text: str, raw: str, book: dict[str, tuple[str, str]]
) -> list[str]:
    """別の章への参照は「第 N 章「題」」(節なら「N.M 節「題」」) と刷られ、生のラベルや ?? は残らない。"""
    problems = unresolved(name, raw)
    problems += [
        f"{name}: 生のラベル {label} が刷られています"
        for label in book
        if label.startswith("ch-") and label in text
    ]
    included = {p.stem for p in pages_of(md)}
    for page in pages_of(md):
        for role, target in REFERENCE.findall(page.read_text(encoding="utf-8")):
            target = target.strip()
            if role == "doc":
                target = Path(target).name
            if target not in book or book[target][0] in included:
                continue
            stem, expected = book[target]
            if not re.search(expected, text):
                problems.append(
                    f"{name}: 別の章への参照 {target} が「{expected}」と刷られていません"
                )
    return problems


def reference_texts() -> dict[str, tuple[str, str]]:
    """章 (と章の中の節) のラベル・ファイル名 → (ファイル名の幹、刷られるべき文字の正規表現)。"""
    book = {}
    for md in numbered_chapters():
        n = int(md.stem[:2])
        pages = [(md, re.escape(squeeze(f"第{n}章「{title_of(md)}」")))]
        pages += [(p, re.escape(f"節「{squeeze(title_of(p))}」")) for p in chapter_sections(md)]
        for page, expected in pages:
            for key in [page.stem, *LABEL.findall(page.read_text(encoding="utf-8"))[:1]]:
                book[key] = (page.stem, expected)
    return book


def numbering_problems(md: Path, name: str, text: str) -> list[str]:
    """章は「第 N 章」(N はファイル名の頭の数)、その節は N.1、N.2 …、入れ子の節のページは N.k。"""
    n = int(md.stem[:2])
    problems = []
    if squeeze(f"第{n}章{title_of(md)}") not in text:
        problems.append(f"{name}: 章の見出しが「第 {n} 章 {title_of(md)}」ではありません")
    headings = [h for h in headings_of(md) if "$" not in h and "{" not in h]
    for k, heading in enumerate(headings_of(md), start=1):
        if heading in headings and squeeze(f"{n}.{k}{heading}") not in text:
            problems.append(f"{name}: 節「{heading}」が {n}.{k} と番号づけられていません")
    if n != 1 and headings and squeeze(f"第1章{headings[0]}") in text:
        problems.append(f"{name}: 章の節が「第 1 章」… と章の番号で刷られています")
    for k, page in enumerate(chapter_sections(md), start=len(headings_of(md)) + 1):
        if squeeze(f"{n}.{k}{title_of(page)}") not in text:
            problems.append(f"{name}: {page.stem} が {n}.{k} 節になっていません")
    return problems


def content_problems() -> list[str]:
    """PDF の文字の検査 (本全体と、章ごとの教員用・学生用の配布資料)。"""
    book = reference_texts()
    raw = pdf_text(OUT / "deeppsych-book.pdf", raw=True)
    if raw is None:
        return ["pdftotext がありません (make pdf-deps): PDF の文字を検査できません"]
    whole = squeeze(raw)
    problems = overflow_problems(OUT / "deeppsych-book.pdf")
    problems += unresolved("deeppsych-book.pdf", raw)
    problems += [
        f"deeppsych-book.pdf: 生のラベル {label} が刷られています"
        for label in book
        if label.startswith("ch-") and label in whole
    ]
    every_page = [p for md in numbered_chapters() for p in pages_of(md)]
    problems += hidden_printed(every_page, "deeppsych-book.pdf", whole)[:5]
    for md in numbered_chapters():
        problems += numbering_problems(md, "deeppsych-book.pdf", whole)
        for variant in ("instructor", "student"):
            pdf = OUT / "handouts" / variant / f"{md.stem}.pdf"
            if not pdf.exists():
                continue
            name = f"{variant}/{pdf.name}"
            raw = pdf_text(pdf, raw=True)
            text = squeeze(raw)
            problems += overflow_problems(pdf)
            problems += reference_problems(md, name, text, raw, book)
            problems += numbering_problems(md, name, text)
            problems += code_problems(pages_of(md), name, text)
    return problems


def main() -> None:
    shutil.rmtree(OUT, ignore_errors=True)
    OUT.mkdir(parents=True)
    failures = problems_in(build(individual=False))
    book_pdf = LATEX / "deeppsych-book.pdf"
    if not book_pdf.exists():
        sys.exit("本全体の PDF ができませんでした")
    shutil.copy(book_pdf, OUT / "deeppsych-book.pdf")
    for variant, config in (("instructor", None), ("student", student_config())):
        failures += problems_in(build(individual=True, config=config))
        folder = OUT / "handouts" / variant
        folder.mkdir(parents=True, exist_ok=True)
        for md in numbered_chapters():
            failures += copy_handout(md, folder)
    failures += solutions_problems()
    failures += content_problems()
    for pdf in [OUT / "deeppsych-book.pdf", *sorted((OUT / "handouts").rglob("*.pdf"))]:
        failures += [
            f"{pdf.name}: 埋め込まれていないフォント: {r}" for r in fonts_not_embedded(pdf)
        ]
        print(f"  {pdf.relative_to(ROOT)}")
    if failures:
        sys.exit("PDF の検査に失敗しました:\n" + "\n".join(failures[:40]))
    print(
        "PDF の検査: 日本語の欠落なし、フォント埋め込み済み、図はすべて収録、隠すコードは刷らない、"
        "見せるコードは 1 回だけ切れずに、別の章への参照は番号と題、章と節の番号は本と同じ"
    )


if __name__ == "__main__":
    main()
