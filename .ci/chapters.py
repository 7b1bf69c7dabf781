"""本の章の一覧 (ただ 1 か所): _toc.yml から読む。ビルド・検査・PDF・ノートブックのスクリプトはここを使う。

from chapters import ROOT, chapters, toc_files
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
CHAPTER_NAME = re.compile(r"\d\d_\w+")


def _toc() -> dict:
    return yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))


def _files(entries: list[dict]) -> list[str]:
    """目次の項目と、その中に入れ子になった節 (sections:) のページを、目次の順に。"""
    return [f for e in entries for f in [e["file"], *_files(e.get("sections", []))]]


def toc_files() -> list[str]:
    """目次のすべてのページ (拡張子なし、リポジトリからの相対パス。例: book/intro)。"""
    toc = _toc()
    return [toc["root"]] + [f for p in toc.get("parts", []) for f in _files(p["chapters"])]


def chapters() -> list[Path]:
    """番号つきの章のファイル (book/NN_*.md) を目次の順に。章の中の節のページ (05_bert) も含む。"""
    return [ROOT / f"{f}.md" for f in toc_files() if CHAPTER_NAME.fullmatch(Path(f).name)]


def numbered_chapters() -> list[Path]:
    """本の章 (第 1 章、第 2 章 … の順)。章の中の節のページは含まない。章の番号はファイル名の頭の数と同じ。"""
    return [
        ROOT / f"{c['file']}.md"
        for p in _toc().get("parts", [])
        for c in p["chapters"]
        if CHAPTER_NAME.fullmatch(Path(c["file"]).name)
    ]


def chapter_sections(chapter: Path) -> list[Path]:
    """章の中に入れ子になった節のページ (例: 05_transformer には 05_bert)。"""
    for p in _toc().get("parts", []):
        for c in p["chapters"]:
            if ROOT / f"{c['file']}.md" == chapter:
                return [ROOT / f"{f}.md" for f in _files(c.get("sections", []))]
    return []


def chapter_names() -> list[str]:
    """章のファイル名の幹 (例: 01_softmax_attention) を目次の順に。"""
    return [p.stem for p in chapters()]


def torch_requirement() -> str:
    """torch の版の固定 (ただ 1 か所: requirements.txt の行)。例: 'torch==2.13.0'。"""
    for line in (ROOT / "requirements.txt").read_text(encoding="utf-8").splitlines():
        if re.match(r"torch==", line.strip()):
            return line.strip()
    raise ValueError("requirements.txt に torch==… の行がありません")


# 章の実行にかかるおよその秒 (2 コアの機械で make bench を流したときの値を丸めたもの)。本のビルドが、
# 長い章から並行に実行し始める順を決めるためだけに使う (まっさらなビルドには直近の記録がないので)。
# 外れていてもビルドが少し遅くなるだけ。ここにない章は、いちばん長い章と同じ長さと見なされる。
EXPECTED_SECONDS = {
    "01_softmax_attention": 14,
    "02_cosine_correlation": 11,
    "03_word2vec": 16,
    "04_seq2seq": 30,
    "05_transformer": 29,
    "05_bert": 32,
    "06_cam": 21,
    "07_stroop": 8,
    "08_regularization": 12,
}


def expected_seconds() -> dict[str, float]:
    """章ごとの実行時間の見積もり: make bench の結果 (_build/bench.json) があればその秒、なければ
    EXPECTED_SECONDS。"""
    import json

    seconds = {name: float(s) for name, s in EXPECTED_SECONDS.items()}
    bench = ROOT / "_build" / "bench.json"
    if bench.exists():
        try:
            rows = json.loads(bench.read_text(encoding="utf-8"))
            seconds.update({r["chapter"]: float(r["seconds"]) for r in rows})
        except (ValueError, KeyError, TypeError):
            pass  # 壊れた記録は見積もりに使わない
    return seconds
