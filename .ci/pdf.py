"""make pdf: 本全体の PDF と、章ごとの配布資料 PDF を _build/pdf/ に作り、検査する。

検査: LaTeX のログに "Missing character" がない (日本語が落ちていない)、dvipdfmx が
文字を捨てていない、フォントがすべて埋め込まれている、章の図がすべて入っている。
前提: Debian の TeX パッケージ (make pdf-deps)。
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from chapters import ROOT, chapters  # noqa: E402  (章の一覧はここだけ)

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


def copy_handout(md: Path, folder: Path) -> list[str]:
    pdf = LATEX / f"{md.stem}.pdf"
    if not pdf.exists():
        return [f"{md.name}: 配布資料 PDF ができませんでした ({folder.name})"]
    shutil.copy(pdf, folder / pdf.name)
    figures = len(re.findall(r"^\s+name: fig-", md.read_text(encoding="utf-8"), re.M))
    images = image_count(pdf)
    if images is not None and images < figures:
        return [f"{folder.name}/{pdf.name}: 図が {figures} 枚のはずが PDF には {images} 枚"]
    return []


def pdf_text(pdf: Path) -> str | None:
    if shutil.which("pdftotext") is None:
        return None
    return subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout


def solutions_problems() -> list[str]:
    """教員用には解答があり、学生用にはない (演習のある章について)。"""
    problems = []
    for md in chapters():
        n_solutions = md.read_text(encoding="utf-8").count("{solution}")
        teacher = pdf_text(OUT / "handouts" / "instructor" / f"{md.stem}.pdf")
        student = pdf_text(OUT / "handouts" / "student" / f"{md.stem}.pdf")
        if n_solutions == 0 or teacher is None or student is None:
            continue
        if teacher.count(SOLUTION_TITLE) < n_solutions:
            problems.append(f"{md.stem}: 教員用 PDF に解答が {n_solutions} 個ありません")
        if SOLUTION_TITLE in student:
            problems.append(f"{md.stem}: 学生用 PDF に解答が残っています")
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
        for md in chapters():
            failures += copy_handout(md, folder)
    failures += solutions_problems()
    for pdf in [OUT / "deeppsych-book.pdf", *sorted((OUT / "handouts").rglob("*.pdf"))]:
        failures += [
            f"{pdf.name}: 埋め込まれていないフォント: {r}" for r in fonts_not_embedded(pdf)
        ]
        print(f"  {pdf.relative_to(ROOT)}")
    if failures:
        sys.exit("PDF の検査に失敗しました:\n" + "\n".join(failures[:40]))
    print("PDF の検査: 日本語の欠落なし、フォント埋め込み済み、図はすべて収録")


if __name__ == "__main__":
    main()
