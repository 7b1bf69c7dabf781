"""ブラウザでの読者の道筋: できた本 (_build/html) をヘッドレス Chromium で全ページ読み込んで検査する。

make browser-check から呼ぶ (先に make book と make browser-deps)。
_build/html を localhost で配信し、Debian の chromium (/usr/bin/chromium) を playwright で動かして、

1. コンソールのエラー (severity error と捕まえられなかった例外) がなく、localhost への要求が失敗しない
2. 各ページのローカルな href / src がすべて _build/html の中のファイルを指す (#id もそのページにある)
3. 各章の Colab・Binder の起動ボタンが、リポジトリにある book/NN_*.ipynb を指す
4. 検索ページで、各章の題名の日本語の語を検索すると、その章が結果に出る
5. 全ページの全体のスクリーンショットを _build/screenshots/ に保存する (公開はしない)

を確かめる。外部への要求 (MathJax の CDN など) はすべて止めて数えるだけにする (オフラインの CI と同じ条件)。
1 つでも問題があれば終了コード 1。
"""

from __future__ import annotations

import functools
import http.server
import re
import shutil
import subprocess
import sys
import threading
import time
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qs, unquote, urljoin, urlsplit

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
HTML = ROOT / "_build" / "html"
SHOTS = ROOT / "_build" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TIMEOUT_MS = 30_000

# 章ごとに、題名から選んだ日本語の語。検索ページでこの語を引くと、その章が結果に出なければならない。
# Sphinx の検索は、索引を作るときは日本語を分かち書きする (TinySegmenter) が、ブラウザでは検索語を
# 分かち書きしない。そのため索引で 2 語に分かれた複合語 (例: 符号化器 → 符号 / 化器) は、題名の半分以上の
# 長さでない限り見つからない。ここには索引の 1 語になっている語を選ぶ。
SEARCH_TERMS = {
    "01_softmax_attention": "ソフトマックス",
    "02_cosine_correlation": "コサイン",
    "03_word2vec": "埋め込み",
    "04_seq2seq": "復号",
    "05_transformer": "系列",
    "05_bert": "穴埋め",
    "06_cam": "視覚",
    "07_stroop": "効果",
    "08_regularization": "正則化",
}

CHAPTER_RE = re.compile(r"^\d\d_[A-Za-z0-9_]+$")

# ページの中の、ファイルを指しうる属性をすべて集める (meta refresh の行き先も)
LINKS_JS = """() => {
  const out = [];
  const grab = (sel, attr) => document.querySelectorAll(sel).forEach(
    (el) => out.push([el.tagName.toLowerCase(), attr, el.getAttribute(attr)]));
  grab('a[href]', 'href');
  grab('link[href]', 'href');
  grab('img[src]', 'src');
  grab('script[src]', 'src');
  grab('source[src]', 'src');
  grab('iframe[src]', 'src');
  grab('video[src]', 'src');
  document.querySelectorAll('meta[http-equiv]').forEach((el) => {
    if (el.getAttribute('http-equiv').toLowerCase() !== 'refresh') return;
    const m = /url=(.*)$/i.exec(el.getAttribute('content') || '');
    if (m) out.push(['meta', 'refresh', m[1].trim()]);
  });
  return out;
}"""

# 読み込みに失敗した (幅 0 の) ローカルの画像
BROKEN_IMAGES_JS = """() => Array.from(document.images)
  .filter((img) => img.complete && img.naturalWidth === 0 && !img.src.startsWith('data:'))
  .map((img) => img.getAttribute('src'))"""

# 検索が終わった (見出しが「検索結果」に変わった) か
SEARCH_DONE_JS = """() => {
  const h = document.querySelector('#search-results h2');
  return !!h && typeof Documentation !== 'undefined'
    && h.innerText.trim() === Documentation.gettext('Search Results');
}"""

SEARCH_RESULTS_JS = """() => Array.from(
  document.querySelectorAll('#search-results ul.search li a')).map((a) => a.href)"""


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # noqa: D102 - 要求ごとの行は出さない
        pass


def serve(directory: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    handler = functools.partial(_Quiet, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    host, port = server.server_address[:2]
    return server, f"http://{host}:{port}/"


class _Ids(HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name == "id" or (tag == "a" and name == "name"):
                if value:
                    self.ids.add(value)


@functools.cache
def ids_of(path: Path) -> frozenset[str]:
    parser = _Ids()
    parser.feed(path.read_text(encoding="utf-8", errors="replace"))
    return frozenset(parser.ids)


def local_target(url: str, base: str) -> tuple[Path, str] | None:
    """localhost の URL なら (_build/html の中のパス, #の後ろ) を返す。外部なら None。"""
    parts = urlsplit(url)
    if f"{parts.scheme}://{parts.netloc}/" != base:
        return None
    rel = unquote(parts.path).lstrip("/")
    if rel == "" or rel.endswith("/"):
        rel += "index.html"
    return HTML / rel, unquote(parts.fragment)


def page_name(path: Path) -> str:
    return path.relative_to(HTML).as_posix()


def shot_path(name: str) -> Path:
    return SHOTS / (name.removesuffix(".html").replace("/", "__") + ".png")


def repo_notebooks() -> set[str]:
    """リポジトリにある (git で追跡している) book/*.ipynb。git がなければ作業ツリーのファイル。"""
    try:
        out = subprocess.run(
            ["git", "ls-files", "book"], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout
        tracked = {line for line in out.splitlines() if line.endswith(".ipynb")}
        if tracked:
            return tracked
    except (OSError, subprocess.CalledProcessError):
        pass
    return {p.relative_to(ROOT).as_posix() for p in (ROOT / "book").glob("*.ipynb")}


def notebook_of_button(kind: str, href: str) -> str | None:
    """Colab / Binder の URL から、リポジトリの中の .ipynb のパスを取り出す。"""
    parts = urlsplit(href)
    if kind == "colab":
        m = re.search(r"/blob/[^/]+/(.+\.ipynb)$", parts.path)
        return unquote(m.group(1)) if m else None
    query = parse_qs(parts.query)
    for key in ("urlpath", "labpath", "filepath"):
        for value in query.get(key, []):
            m = re.search(r"(?:^|/)(book/[^/]+\.ipynb)$", unquote(value))
            if m:
                return m.group(1)
    return None


class Checker:
    def __init__(self, context, base: str):
        self.context = context
        self.base = base
        self.failures: list[tuple[str, str]] = []
        self.external: set[str] = set()

    def fail(self, where: str, what: str) -> None:
        self.failures.append((where, what))

    def open(self, where: str, url: str):
        """ページを開く。コンソールのエラーと localhost への要求の失敗を where の失敗として記録する。"""
        page = self.context.new_page()
        base = self.base

        def on_console(msg):
            if msg.type != "error":
                return
            loc = (msg.location or {}).get("url", "")
            # 外部への要求はこちらで止めている: その「Failed to load resource」は数えない
            if msg.text.startswith("Failed to load resource") and not loc.startswith(base):
                return
            self.fail(where, f"console error: {msg.text} ({loc})")

        def on_request_failed(req):
            if req.url.startswith(base):
                self.fail(where, f"request failed: {req.url} ({req.failure})")

        def on_response(resp):
            if resp.url.startswith(base) and resp.status >= 400:
                self.fail(where, f"HTTP {resp.status}: {resp.url}")

        page.on("console", on_console)
        page.on("pageerror", lambda exc: self.fail(where, f"uncaught exception: {exc}"))
        page.on("requestfailed", on_request_failed)
        page.on("response", on_response)
        page.goto(url, wait_until="load", timeout=TIMEOUT_MS)
        return page

    def settle(self, page) -> None:
        try:
            page.wait_for_load_state("networkidle", timeout=10_000)
        except PlaywrightError:
            pass

    def check_links(self, where: str, page) -> tuple[int, int]:
        n_local = n_external = 0
        for tag, attr, value in page.evaluate(LINKS_JS):
            value = (value or "").strip()
            if not value or value.startswith(("mailto:", "javascript:", "data:", "tel:")):
                continue
            if value.startswith("#") and value.strip("#") == "":
                continue  # テーマのボタンなどの「#」だけのリンク
            target = local_target(urljoin(page.url, value), self.base)
            if target is None:
                n_external += 1
                continue
            n_local += 1
            path, fragment = target
            if not path.is_file():
                self.fail(
                    where, f"broken {tag} {attr}={value!r} (no file {path.relative_to(HTML)})"
                )
            elif fragment and path.suffix == ".html" and fragment not in ids_of(path):
                self.fail(where, f"broken anchor {tag} {attr}={value!r} (no id {fragment!r})")
        for src in page.evaluate(BROKEN_IMAGES_JS):
            self.fail(where, f"image did not load: {src}")
        return n_local, n_external

    def check_buttons(self, where: str, stem: str, page, notebooks: set[str]) -> None:
        expected = f"book/{stem}.ipynb"
        for kind, host in (("colab", "colab.research.google.com"), ("binder", "mybinder.org")):
            hrefs = page.eval_on_selector_all(
                f'a[href*="{host}"]', "(els) => els.map((a) => a.getAttribute('href'))"
            )
            if not hrefs:
                self.fail(where, f"no {kind} launch button")
            for href in hrefs:
                nb = notebook_of_button(kind, href)
                if nb is None:
                    self.fail(where, f"{kind} button points at no .ipynb: {href}")
                elif nb not in notebooks:
                    self.fail(where, f"{kind} button points at {nb}, not in the repository")
                elif nb != expected:
                    self.fail(where, f"{kind} button points at {nb}, expected {expected}")

    def check_search(self, stem: str, term: str) -> tuple[bool, int]:
        where = f"search.html?q={term}"
        page = self.open(where, f"{self.base}search.html?q={term}")
        try:
            page.wait_for_function(SEARCH_DONE_JS, timeout=TIMEOUT_MS)
        except PlaywrightError:
            self.fail(where, "search results did not finish rendering")
            page.close()
            return False, 0
        results = [urlsplit(u).path for u in page.evaluate(SEARCH_RESULTS_JS)]
        found = any(p.endswith(f"/book/{stem}.html") for p in results)
        if not found:
            self.fail(where, f"{stem} not among the {len(results)} result(s)")
        page.screenshot(path=shot_path(f"search__{stem}"), full_page=True)
        page.close()
        return found, len(results)


def main() -> int:
    if not (HTML / "index.html").is_file():
        print(f"{HTML.relative_to(ROOT)}/index.html がない: 先に make book", file=sys.stderr)
        return 2
    if not Path(CHROMIUM).is_file():
        print(f"{CHROMIUM} がない: 先に make browser-deps", file=sys.stderr)
        return 2
    t0 = time.monotonic()

    pages = sorted(
        p
        for p in HTML.rglob("*.html")
        if p.relative_to(HTML).parts[0] not in ("_static", "_sources")
    )
    chapters = sorted(p.stem for p in (HTML / "book").glob("*.html") if CHAPTER_RE.match(p.stem))
    notebooks = repo_notebooks()

    shutil.rmtree(SHOTS, ignore_errors=True)
    SHOTS.mkdir(parents=True)
    server, base = serve(HTML)
    rows: list[str] = []
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="ja-JP")
            checker = Checker(context, base)

            def route(r):
                if r.request.url.startswith(base):
                    r.continue_()
                else:  # オフラインの CI と同じく、外部へは出ない
                    checker.external.add(urlsplit(r.request.url).netloc)
                    r.abort()

            context.route("**/*", route)

            for path in pages:
                name = page_name(path)
                before = len(checker.failures)
                try:
                    page = checker.open(name, base + name)
                    if name == "index.html":  # meta refresh で本の最初のページへ
                        page.wait_for_url("**/book/*.html", timeout=TIMEOUT_MS)
                        page.wait_for_load_state("load")
                    checker.settle(page)
                    n_local, n_ext = checker.check_links(name, page)
                    stem = path.stem
                    if path.parent == HTML / "book" and stem in chapters:
                        checker.check_buttons(name, stem, page, notebooks)
                    page.screenshot(path=shot_path(name), full_page=True)
                    page.close()
                except PlaywrightError as exc:
                    checker.fail(name, f"playwright: {str(exc).splitlines()[0]}")
                    n_local = n_ext = 0
                bad = len(checker.failures) - before
                status = "ok" if bad == 0 else f"{bad} problem(s)"
                rows.append(f"  {name:<34} links {n_local:>4} local, {n_ext:>3} external  {status}")

            for stem in chapters:
                term = SEARCH_TERMS.get(stem)
                if term is None:
                    checker.fail("search", f"no search term for chapter {stem} in SEARCH_TERMS")
                    continue
                try:
                    found, n = checker.check_search(stem, term)
                except PlaywrightError as exc:
                    checker.fail(f"search {term}", f"playwright: {str(exc).splitlines()[0]}")
                    found, n = False, 0
                mark = "ok" if found else "MISSING"
                rows.append(f"  search {term!r:<18} -> {stem:<24} {n:>2} result(s)  {mark}")
            for stem in sorted(set(SEARCH_TERMS) - set(chapters)):
                checker.fail("search", f"SEARCH_TERMS names {stem}, which is not a chapter page")
            version = browser.version
            browser.close()
    finally:
        server.shutdown()

    print(f"browser check: Chromium {version}, {len(pages)} pages, {len(chapters)} chapters")
    print("\n".join(rows))
    if checker.external:
        print("external hosts blocked (not checked): " + ", ".join(sorted(checker.external)))
    print(f"screenshots: {SHOTS.relative_to(ROOT)}/ ({len(list(SHOTS.glob('*.png')))} files)")
    print(f"time: {time.monotonic() - t0:.1f} s")
    if checker.failures:
        # 同じ問題がたくさんのページで起きるとき (テーマの JavaScript など) は 1 行にまとめる
        grouped: dict[str, list[str]] = {}
        for where, what in checker.failures:
            grouped.setdefault(what, []).append(where)
        print(f"\nFAILED: {len(checker.failures)} problem(s), {len(grouped)} distinct")
        for what, wheres in grouped.items():
            at = wheres[0] if len(wheres) == 1 else f"{len(wheres)} pages ({wheres[0]}, ...)"
            print(f"  {what}\n      at {at}")
        return 1
    print("OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
