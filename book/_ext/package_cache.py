"""パッケージ deeppsych を書き換えたら、それを使う章だけを再実行させる Sphinx 拡張。

jupyter-cache はノートブックのコードセルだけからキャッシュの鍵を作るので、
パッケージを直しても章は古い出力のままになる。そこで各章について
「章が import する deeppsych のモジュール (とそれらが import するモジュール) の内容」の
指紋をとっておき、指紋が変わった章は (1) Sphinx に読み直させ、(2) その章の
jupyter-cache の記録を消して、実行し直させる。
"""

from __future__ import annotations

import ast
import hashlib
import re
from pathlib import Path

from sphinx.util import logging

logger = logging.getLogger(__name__)

PACKAGE = "deeppsych"
CHAPTER_IMPORT = re.compile(
    rf"^\s*(?:from\s+{PACKAGE}((?:\.\w+)*)\s+import\s+\(?([\w\s,]+)\)?|import\s+{PACKAGE}((?:\.\w+)*))",
    re.M,
)


def package_root() -> Path:
    import deeppsych

    return Path(deeppsych.__file__).parent


def module_file(dotted: str, root: Path) -> Path | None:
    """'saliency' や 'data.words' (パッケージからの相対名) をファイルに解決する。"""
    base = root.joinpath(*dotted.split(".")) if dotted else root
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def _candidates(prefix: str, names: list[str]) -> list[str]:
    joined = [f"{prefix}.{n}" if prefix else n for n in names]
    return [prefix, *joined]


def imported_modules(source: str, root: Path) -> set[Path]:
    """章のテキストに書かれた deeppsych の import が指すモジュールのファイル。"""
    files = {root / "__init__.py"} if CHAPTER_IMPORT.search(source) else set()
    for sub, names, plain in CHAPTER_IMPORT.findall(source):
        prefix = (sub or plain).lstrip(".")
        name_list = [n.strip().split(" as ")[0] for n in names.split(",") if n.strip()]
        for dotted in _candidates(prefix, name_list):
            path = module_file(dotted, root)
            if path is not None:
                files.add(path)
    return files


def _module_imports(path: Path, root: Path) -> set[Path]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = path.parent.relative_to(root).parts
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = list(package[: len(package) - node.level + 1])
                prefix = ".".join(base + ([node.module] if node.module else []))
            elif node.module and node.module.split(".")[0] == PACKAGE:
                prefix = node.module.partition(".")[2]
            else:
                continue
            dotted = _candidates(prefix, [a.name for a in node.names])
        elif isinstance(node, ast.Import):
            dotted = [a.name.partition(".")[2] for a in node.names if a.name.startswith(PACKAGE)]
        else:
            continue
        found |= {p for d in dotted if (p := module_file(d, root)) is not None}
    return found


def dependency_closure(files: set[Path], root: Path) -> set[Path]:
    """モジュールが (相対 import も含めて) 読み込む deeppsych のモジュールをすべてたどる。"""
    todo, seen = list(files), set()
    while todo:
        path = todo.pop()
        if path in seen:
            continue
        seen.add(path)
        todo.extend(_module_imports(path, root) - seen)
    return seen


def fingerprint(source: str, root: Path) -> str:
    """章が依存する deeppsych のソースの SHA-256 (依存しなければ空文字列)。"""
    files = dependency_closure(imported_modules(source, root), root)
    digest = hashlib.sha256()
    for path in sorted(files):
        digest.update(str(path.relative_to(root)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest() if files else ""


def _doc_fingerprint(env, docname: str) -> str:
    path = Path(env.doc2path(docname))
    return fingerprint(path.read_text(encoding="utf-8"), package_root()) if path.exists() else ""


def _forget_cached_execution(app, docname: str) -> None:
    from jupyter_cache import get_cache

    cache_path = Path(
        app.config.nb_execution_cache_path or Path(app.outdir).parent / ".jupyter_cache"
    )
    if not cache_path.exists():
        return
    doc = Path(app.env.doc2path(docname)).resolve()
    cache = get_cache(cache_path)
    for record in cache.list_cache_records():
        if record.uri and Path(record.uri).resolve() == doc:
            cache.remove_cache(record.pk)


def outdated_by_package(app, env, added, changed, removed):
    """指紋が変わった章の実行キャッシュを消し、まだ読み直し予定でない章を読み直させる。

    読み直し予定の章 (changed) も消す: さもないと myst-nb はコードセルが同じキャッシュを使う。
    """
    stored = getattr(env, "deeppsych_fingerprints", {})
    stale = [
        docname
        for docname, old in stored.items()
        if docname in env.found_docs
        and docname not in removed
        and _doc_fingerprint(env, docname) != old
    ]
    for docname in stale:
        _forget_cached_execution(app, docname)
    if stale:
        logger.info("deeppsych が変わったので再実行する章: %s", ", ".join(sorted(stale)))
    return [d for d in stale if d not in added and d not in changed]


def record_fingerprint(app, doctree) -> None:
    env = app.env
    if not hasattr(env, "deeppsych_fingerprints"):
        env.deeppsych_fingerprints = {}
    env.deeppsych_fingerprints[env.docname] = _doc_fingerprint(env, env.docname)


def purge(app, env, docname) -> None:
    getattr(env, "deeppsych_fingerprints", {}).pop(docname, None)


def setup(app):
    app.connect("env-get-outdated", outdated_by_package)
    app.connect("doctree-read", record_fingerprint)
    app.connect("env-purge-doc", purge)
    return {"parallel_read_safe": False, "parallel_write_safe": True, "version": "1.0"}
