"""章の実行を速く正しく: パッケージが変わった章だけを再実行し、実行する章は 2 つずつ並行に走らせる。

(1) jupyter-cache はノートブックのコードセルだけからキャッシュの鍵を作るので、
パッケージを直しても章は古い出力のままになる。そこで各章について
「章が import する deeppsych のモジュール (とそれらが import するモジュール) の内容」の
指紋をとっておき、指紋が変わった章は Sphinx に読み直させ、その章の古い実行記録を消す。

(2) myst-nb は章を 1 つずつ、読み込みの途中で実行する。2 コアの機械で 2 倍近く速くするため、
読み込みの前 (env-before-read-docs) に、キャッシュにない章をコアの数だけ並行に実行し始める
(各章の中は 1 スレッド)。長い章から渡す: 長さの見積もりは直近のビルドの記録、なければ
.ci/chapters.py の expected_seconds (まっさらなビルドでも 30 秒の章が最初に走る)。Sphinx は実行しない
ページを先に読み、実行する章は終わると見込まれる順に読む。章を読む直前 (source-read) にその章の
実行を待ってキャッシュに入れるので、終わった章の読み込みは残りの章の実行と重なる。myst-nb は
それを「キャッシュ済み」として使う。並行の実行で失敗した章はキャッシュに入れず、myst-nb がもう一度
実行してビルドの失敗として報告する。プールの最後の仕事は基準の仕事 (.ci/bench.py) で、
実行時間の記録のページ (book/_ext/exec_timings.py) が比を出すのに使う。
"""

from __future__ import annotations

import ast
import hashlib
import multiprocessing
import os
import re
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from sphinx.util import logging

logger = logging.getLogger(__name__)

PACKAGE = "deeppsych"
FINGERPRINT_KEY = "deeppsych_fingerprint"
FORCED = re.compile(r"^\s+execution_mode:\s*force\s*$", re.M)
# 章の中の計算は 1 スレッド (本書のモデルは小さい)。章どうしを並行に走らせてコアを使い切る。
SINGLE_THREAD = {"OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"}
# 演習の解答のコードは 1 つのファイル (book/solutions/…) にあり、解答は literalinclude で見せ、章の隠れたセルが
# この形の行で実行する。ファイルの中身もキャッシュの指紋に入れる (セルの文字列は変わらないので)。
SOLUTION_RUN = re.compile(r"^%run -i (solutions/[\w.-]+\.py)[ \t]*$", re.M)
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


_IMPORTS: dict[tuple, frozenset[Path]] = {}  # (ファイル, 更新時刻, 大きさ) → import するモジュール


def _module_imports(path: Path, root: Path) -> frozenset[Path]:
    """モジュールが import する deeppsych のモジュール。ビルドの中で何度も聞かれるので、ファイルが
    変わらないあいだは覚えておく。"""
    stat = path.stat()
    key = (path, root, stat.st_mtime_ns, stat.st_size)
    if key not in _IMPORTS:
        _IMPORTS[key] = frozenset(_parse_imports(path, root))
    return _IMPORTS[key]


def _parse_imports(path: Path, root: Path) -> set[Path]:
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


def solution_files(source: str, folder: Path) -> list[Path]:
    """章の隠れたセルが ``%run -i solutions/….py`` で実行する解答のファイル (章のフォルダからの相対)。"""
    return [folder / name for name in SOLUTION_RUN.findall(source)]


def fingerprint(source: str, root: Path, solutions: list[Path] = ()) -> str:
    """章が依存する deeppsych のソースと、章が実行する解答のファイルの SHA-256 (deeppsych に依存しなければ空文字列)。"""
    texts = [p.read_text(encoding="utf-8") for p in solutions if p.is_file()]
    files = dependency_closure(imported_modules("\n".join([source, *texts]), root), root)
    digest = hashlib.sha256()
    for path in sorted(files):
        digest.update(str(path.relative_to(root)).encode())
        digest.update(path.read_bytes())
    for path in solutions:
        digest.update(path.name.encode())
        digest.update(path.read_bytes() if path.is_file() else b"(missing)")
    return digest.hexdigest() if files else ""


def _source(env, docname: str) -> str:
    path = Path(env.doc2path(docname))
    return path.read_text(encoding="utf-8") if path.exists() else ""


def _doc_fingerprint(env, docname: str) -> str:
    path = Path(env.doc2path(docname))
    if not path.exists():
        return ""
    source = path.read_text(encoding="utf-8")
    return fingerprint(source, package_root(), solution_files(source, path.parent))


def _cache(app):
    from jupyter_cache import get_cache

    path = app.env.mystnb_config.execution_cache_path or Path(app.outdir).parent / ".jupyter_cache"
    return get_cache(path)


def _forget_cached_execution(app, docname: str) -> None:
    """章の実行記録のうち、いまのパッケージの指紋で作られたもの以外を消す。"""
    doc = Path(app.env.doc2path(docname)).resolve()
    current = _doc_fingerprint(app.env, docname)
    cache = _cache(app)
    for record in cache.list_cache_records():
        if record.uri and Path(record.uri).resolve() == doc:
            if (record.data or {}).get(FINGERPRINT_KEY) != current:
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
    # 毎回実行するページ (front matter に execution_mode: force) は毎回読み直す
    always = [d for d in env.found_docs if FORCED.search(_source(env, d)) and d not in changed]
    for docname in stale:
        _forget_cached_execution(app, docname)
    if stale:
        logger.info("deeppsych が変わったので再実行する章: %s", ", ".join(sorted(stale)))
    return [d for d in stale if d not in added and d not in changed] + always


def record_fingerprint(app, doctree) -> None:
    env = app.env
    if not hasattr(env, "deeppsych_fingerprints"):
        env.deeppsych_fingerprints = {}
    env.deeppsych_fingerprints[env.docname] = _doc_fingerprint(env, env.docname)


def purge(app, env, docname) -> None:
    getattr(env, "deeppsych_fingerprints", {}).pop(docname, None)


def _notebook(env, docname: str):
    """myst-nb と同じ読み方で章をノートブックにする (キャッシュの鍵が一致するように)。"""
    from myst_nb.core.read import create_nb_reader

    path = Path(env.doc2path(docname))
    text = path.read_text(encoding="utf-8")
    reader = create_nb_reader(str(path), env.myst_config, env.mystnb_config, text)
    if reader is None:
        return None, None
    notebook = reader.read(text)
    if not any(cell.cell_type == "code" for cell in notebook.cells):
        return None, None
    return notebook, reader.read_fmt


def _execute(notebook_json: str, cwd: str, timeout: int) -> tuple[str, float, str | None]:
    """子プロセスで 1 章を実行する (jupyter-cache と myst-nb が使うのと同じ関数)。"""
    import nbformat
    from jupyter_cache.executors.utils import single_nb_execution

    notebook = nbformat.reads(notebook_json, as_version=4)
    result = single_nb_execution(notebook, cwd=cwd, timeout=timeout, allow_errors=False)
    error = (result.exc_string or repr(result.err)) if result.err is not None else None
    return nbformat.writes(result.nb), result.time, error


def ci_module(srcdir, name: str):
    """リポジトリの .ci/ のスクリプト (章の一覧 chapters、基準の仕事 bench) を import する。"""
    ci = str(Path(srcdir) / ".ci")
    if ci not in sys.path:
        sys.path.insert(0, ci)
    return __import__(name)


def _reference(srcdir: str) -> float:
    """子プロセスで基準の仕事を走らせ、その秒を返す。"""
    return ci_module(srcdir, "bench").reference_workload()


def expected_seconds(app, env) -> dict[str, float]:
    """章 (docname) ごとの実行時間の見積もり: 直近のビルドの記録、なければ .ci/chapters.py の見積もり。"""
    guess = ci_module(app.srcdir, "chapters").expected_seconds()
    seconds = {f"book/{name}": float(value) for name, value in guess.items()}
    seconds.update(getattr(env, "deeppsych_seconds", {}))
    return seconds


def schedule(docnames: list[str], seconds: dict[str, float], workers: int):
    """長い章から順に、空いた実行者に渡す。(渡す順, 終わると見込まれる順) を返す。

    見積もりのない章は、いちばん長い章と同じ長さと見なす (早めに始める)。
    """
    longest = max(seconds.values(), default=60.0)
    cost = {d: seconds.get(d, longest) for d in docnames}
    order = sorted(docnames, key=lambda d: cost[d], reverse=True)
    free, finish = [0.0] * workers, {}
    for d in order:
        i = free.index(min(free))
        free[i] += cost[d]
        finish[d] = free[i]
    return order, sorted(order, key=finish.__getitem__)


class _Running:
    """並行に実行中の章。章を読む直前に、その章の結果を待ってキャッシュに入れる。"""

    def __init__(self, app, pool, futures, formats, reference):
        self.app, self.pool, self.futures = app, pool, futures
        self.formats, self.reference = formats, reference

    def collect(self, docname: str) -> None:
        import nbformat
        from jupyter_cache.base import CacheBundleIn

        future = self.futures.pop(docname, None)
        if future is None:
            return
        env = self.app.env
        executed, seconds, error = future.result()
        if error is not None:
            logger.info("%s の並行実行が失敗したので、myst-nb に実行し直させる", docname)
            return
        cache = _cache(self.app)
        stage = cache.add_nb_to_project(str(env.doc2path(docname)), read_data=self.formats[docname])
        data = {"execution_seconds": seconds, FINGERPRINT_KEY: _doc_fingerprint(env, docname)}
        bundle = CacheBundleIn(nbformat.reads(executed, as_version=4), stage.uri, data=data)
        cache.cache_notebook_bundle(bundle, check_validity=False, overwrite=True)
        env.deeppsych_seconds = {**getattr(env, "deeppsych_seconds", {}), docname: seconds}
        logger.info("  %s: %.1f 秒", docname, seconds)

    def finish(self) -> None:
        for docname in list(self.futures):
            self.collect(docname)
        try:
            self.app.env.deeppsych_reference_seconds = self.reference.result()
        except Exception as error:  # 表のページが自分で測り直す
            logger.info("基準の仕事を並行に測れなかった: %r", error)
        self.pool.shutdown()


_RUNNING: dict[int, _Running] = {}  # id(app) → 実行中の章


def execute_in_parallel(app, env, docnames) -> None:
    """キャッシュにない章を、コアの数だけ並行に実行し始める。読む順も決める (docnames を並べ替える)。"""
    import nbformat

    if env.mystnb_config.execution_mode != "cache":
        return
    cache = _cache(app)
    todo = {}
    for docname in docnames:
        if not _doc_fingerprint(env, docname):
            continue  # deeppsych を使わないページは myst-nb が順に実行する
        notebook, read_fmt = _notebook(env, docname)
        if notebook is None:
            continue
        try:
            cache.match_cache_notebook(notebook)
        except KeyError:
            todo[docname] = (notebook, read_fmt)
    workers = min(len(todo), os.cpu_count() or 1)
    if workers < 2:
        return  # 1 章だけなら myst-nb にそのまま任せる
    order, finish_order = schedule(list(todo), expected_seconds(app, env), workers)
    logger.info("章を %d 並列で実行する (長い章から): %s", workers, ", ".join(order))
    timeout = env.mystnb_config.execution_timeout
    pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"))
    futures = {
        d: pool.submit(
            _execute, nbformat.writes(todo[d][0]), str(Path(env.doc2path(d)).parent), timeout
        )
        for d in order
    }
    # 最後の仕事: 先に空いた実行者が、最後の章と並んで測る (章と同じ条件)
    reference = pool.submit(_reference, str(app.srcdir))
    formats = {d: fmt for d, (_, fmt) in todo.items()}
    _RUNNING[id(app)] = _Running(app, pool, futures, formats, reference)
    docnames[:] = [d for d in docnames if d not in todo] + finish_order


def wait_for_execution(app, docname: str, source) -> None:
    """章を読む直前に、その章の並行の実行を待ってキャッシュに入れる。"""
    running = _RUNNING.get(id(app))
    if running is not None:
        running.collect(docname)


def finish_execution(app, env) -> None:
    """読み込みの終わりに、残った実行 (と基準の仕事) を待ってプールを閉じる。"""
    running = _RUNNING.pop(id(app), None)
    if running is not None:
        running.finish()


def stop_execution(app, exception) -> None:
    """ビルドが途中で失敗したときも、プールを閉じる。"""
    running = _RUNNING.pop(id(app), None)
    if running is not None:
        running.pool.shutdown(wait=False, cancel_futures=True)


def setup(app):
    for name, value in SINGLE_THREAD.items():
        os.environ.setdefault(name, value)  # 章のカーネルはこの環境を受け継ぐ
    app.connect("env-get-outdated", outdated_by_package)
    app.connect("env-before-read-docs", execute_in_parallel)
    app.connect("source-read", wait_for_execution)
    app.connect("env-updated", finish_execution)
    app.connect("build-finished", stop_execution)
    app.connect("doctree-read", record_fingerprint)
    app.connect("env-purge-doc", purge)
    return {"parallel_read_safe": False, "parallel_write_safe": True, "version": "2.0"}
