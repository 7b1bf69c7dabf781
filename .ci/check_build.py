"""make book の後の検査: 目次のページがそろっているか。各章の実行時間と並行実行の効き目は表示するだけ
(遅い機械でビルドが失敗しないように。時間の予算は make bench が機械の速さとの比で判定する)。
検索と Colab/Binder のボタンは、実際のブラウザで .ci/browser_check.py が確かめる。"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from chapters import ROOT, chapters, toc_files  # noqa: E402

HTML = ROOT / "_build" / "html"


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
    names = {md.stem for md in chapters()}
    times = {name: t for name, t in execution_times().items() if name in names}
    for name, seconds in sorted(times.items()):
        print(f"  実行時間 {name}: {seconds:.1f} 秒")
    total = sum(times.values())
    print(f"  章の実行時間の合計: {total:.1f} 秒")
    if wall is not None and total > 0:
        # まっさらなビルド (make book-cold) でだけ意味がある: 並行実行の効き目 (2 コアなら 0.5 に近いほどよい)
        print(
            f"  ビルドの壁時計 {wall:.0f} 秒 / 章の実行時間の合計 {total:.0f} 秒 = {wall / total:.2f}"
            " (まっさらなビルドのときだけ意味がある)"
        )
    if problems:
        sys.exit("ビルドの検査に失敗しました:\n  " + "\n  ".join(problems))
    print(f"ビルドの検査: {len(toc_files())} ページ OK")


if __name__ == "__main__":
    main()
