"""make book の後の検査: ページがそろっているか、日本語で検索できるか、
Colab/Binder のボタンが実在する .ipynb を指しているか、各章の実行時間。"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
HTML = ROOT / "_build" / "html"
CHAPTER_BUDGET_S = 60
SEARCH_TERMS = {"01_softmax_attention": "ソフトマックス"}


def toc_files() -> list[str]:
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    return [toc["root"]] + [c["file"] for p in toc.get("parts", []) for c in p["chapters"]]


def chapters() -> list[str]:
    """目次にある、番号つきの章 (book/NN_*)。"""
    return [f for f in toc_files() if re.fullmatch(r"book/\d\d_\w+", f)]


def search_terms() -> set[str]:
    text = (HTML / "searchindex.js").read_text(encoding="utf-8")
    index = json.loads(text[text.index("(") + 1 : text.rindex(")")])
    return set(index["terms"])


def launch_problems(page: Path) -> list[str]:
    html = page.read_text(encoding="utf-8")
    problems = []
    for service, pattern in {
        "Colab": r"colab\.research\.google\.com/github/[^/]+/[^/]+/blob/[^/]+/([^\"]+)",
        "Binder": r"mybinder\.org/v2/gh/[^?]+\?urlpath=tree/([^\"]+)",
    }.items():
        targets = re.findall(pattern, html)
        if not targets:
            problems.append(f"{page.name}: {service} のボタンがありません")
        for target in targets:
            if not target.endswith(".ipynb") or not (ROOT / target).exists():
                problems.append(f"{page.name}: {service} のボタンが {target} を指しています")
    return problems


def execution_times() -> dict[str, float]:
    from jupyter_cache import get_cache

    cache = get_cache(ROOT / "_build" / ".jupyter_cache")
    return {
        Path(r.uri).stem: float(r.data.get("execution_seconds", 0.0))
        for r in cache.list_cache_records()
        if r.uri and "execution_seconds" in (r.data or {})
    }


def main() -> None:
    problems = []
    for f in toc_files():
        if not (HTML / f"{f}.html").exists():
            problems.append(f"{f}.html がありません")
    terms = search_terms()
    for stem, term in SEARCH_TERMS.items():
        if term not in terms:
            problems.append(f"検索索引に「{term}」({stem}) がありません")
    for chapter in chapters():
        problems += launch_problems(HTML / f"{chapter}.html")
    times = execution_times()
    for name, seconds in sorted(times.items()):
        print(f"  実行時間 {name}: {seconds:.1f} 秒")
        if seconds > CHAPTER_BUDGET_S:
            problems.append(f"{name} の実行に {seconds:.0f} 秒 (予算 {CHAPTER_BUDGET_S} 秒)")
    if problems:
        sys.exit("ビルドの検査に失敗しました:\n  " + "\n  ".join(problems))
    print(f"ビルドの検査: {len(toc_files())} ページ、検索、Colab/Binder のリンク OK")


if __name__ == "__main__":
    main()
