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

ROOT = Path(__file__).resolve().parent.parent
LATEX = ROOT / "_build" / "latex"
OUT = ROOT / "_build" / "pdf"
JB = [str(Path(sys.executable).parent / "jupyter-book")]
BAD_OUTPUT = re.compile(r"Missing character|input str:|LaTeX Error|Emergency stop")


def build(individual: bool) -> str:
    """LaTeX を作り直してから PDF をビルドし、コンソール出力を返す。"""
    shutil.rmtree(LATEX, ignore_errors=True)
    cmd = [*JB, "build", str(ROOT), "--builder", "pdflatex"]
    if individual:
        cmd.append("--individualpages")
    run = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    output = run.stdout + run.stderr
    if run.returncode != 0:
        sys.exit(f"PDF のビルドに失敗しました:\n{output[-4000:]}")
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


def chapters() -> list[Path]:
    """目次にある、番号つきの章の .md。"""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    files = [c["file"] for part in toc.get("parts", []) for c in part["chapters"]]
    return [ROOT / f"{f}.md" for f in files if re.fullmatch(r"book/\d\d_\w+", f)]


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "handouts").mkdir(exist_ok=True)
    failures = problems_in(build(individual=False))
    book_pdf = LATEX / "deeppsych-book.pdf"
    if not book_pdf.exists():
        sys.exit("本全体の PDF ができませんでした")
    shutil.copy(book_pdf, OUT / "deeppsych-book.pdf")
    failures += problems_in(build(individual=True))
    for md in chapters():
        pdf = LATEX / f"{md.stem}.pdf"
        if not pdf.exists():
            failures.append(f"{md.name}: 配布資料 PDF ができませんでした")
            continue
        shutil.copy(pdf, OUT / "handouts" / pdf.name)
        figures = len(re.findall(r"^\s+name: fig-", md.read_text(), re.M))
        images = image_count(pdf)
        if images is not None and images < figures:
            failures.append(f"{pdf.name}: 図が {figures} 枚のはずが PDF には {images} 枚")
    for pdf in [OUT / "deeppsych-book.pdf", *sorted((OUT / "handouts").glob("*.pdf"))]:
        failures += [
            f"{pdf.name}: 埋め込まれていないフォント: {r}" for r in fonts_not_embedded(pdf)
        ]
        print(f"  {pdf.relative_to(ROOT)}")
    if failures:
        sys.exit("PDF の検査に失敗しました:\n" + "\n".join(failures[:40]))
    print("PDF の検査: 日本語の欠落なし、フォント埋め込み済み、図はすべて収録")


if __name__ == "__main__":
    main()
