"""make book の後の検査: ページがそろっているか、日本語で検索できるか、
Colab/Binder のボタンが実在する .ipynb を指しているか。各章の実行時間は表示するだけ
(遅い機械でビルドが失敗しないように。時間の予算は make bench が機械の速さとの比で判定する)。"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from chapters import ROOT, chapters, toc_files  # noqa: E402

HTML = ROOT / "_build" / "html"
SEARCH_TERMS = {"01_softmax_attention": "ソフトマックス"}


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
    wall = (
        float(sys.argv[sys.argv.index("--wall-seconds") + 1])
        if "--wall-seconds" in sys.argv
        else None
    )
    problems = []
    for f in toc_files():
        if not (HTML / f"{f}.html").exists():
            problems.append(f"{f}.html がありません")
    terms = search_terms()
    for stem, term in SEARCH_TERMS.items():
        if term not in terms:
            problems.append(f"検索索引に「{term}」({stem}) がありません")
    for chapter in chapters():
        problems += launch_problems(HTML / "book" / f"{chapter.stem}.html")
    times = execution_times()
    for name, seconds in sorted(times.items()):
        print(f"  実行時間 {name}: {seconds:.1f} 秒")
    total = sum(times.values())
    print(f"  章の実行時間の合計: {total:.1f} 秒")
    if wall is not None and total > 0:
        # まっさらなビルド (make book-cold) では、並行実行の効き目を表す (2 コアなら 0.5 に近いほどよい)
        print(
            f"  ビルドの壁時計 {wall:.0f} 秒 / 章の実行時間の合計 {total:.0f} 秒 = {wall / total:.2f}"
        )
    if problems:
        sys.exit("ビルドの検査に失敗しました:\n  " + "\n  ".join(problems))
    print(f"ビルドの検査: {len(toc_files())} ページ、検索、Colab/Binder のリンク OK")


if __name__ == "__main__":
    main()
