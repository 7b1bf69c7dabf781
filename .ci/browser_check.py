"""ブラウザでの読者の道筋: できた本 (_build/html) をヘッドレス Chromium で全ページ読み込んで検査する。

make browser-check から呼ぶ (先に make book と make browser-deps)。別の場所のビルドを調べるときは
BOOK_HTML=/path/to/_build/html。_build/html を localhost で配信し、Debian の chromium
(/usr/bin/chromium) を playwright で動かして、

1. コンソールのエラー (severity error と捕まえられなかった例外) がなく、localhost への要求が失敗しない
2. 外部のホストへの要求が 1 つもない (すべて止める: 止めた要求は失敗。本はネットワークなしで読める)
3. 各ページのローカルな href / src がすべて _build/html の中のファイルを指す (#id もそのページにある)
4. 数式: MathJax (本に同梱) が、HTML にある数式 (\\( \\) と \\[ \\]) をすべて組版する
   (組版した数 = HTML の数、MathJax のエラー 0)。コード以外の見える文に TeX の生の書式が残らない
5. 各章の Colab・Binder の起動ボタンが、リポジトリにある book/NN_*.ipynb を指す
6. 検索ページ: 用語集のすべての語を検索すると、その語を本文で使うすべての章が結果に出る。
   複数語の検索 (「ソフトマックス 温度」など) も、すべての語を含む章を返す
7. スライダーつきの図 (deeppsych.interactive): 同梱の plotly.js で描かれ、どのスライダーを動かしても
   目盛りと図のデータが変わる。各章に少なくとも 1 つある
8. 全ページの全体のスクリーンショットを _build/screenshots/ に保存する (公開はしない)

を確かめる。1 つでも問題があれば終了コード 1。
"""

from __future__ import annotations

import functools
import http.server
import os
import re
import shutil
import subprocess
import sys
import threading
import time
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qs, quote, unquote, urljoin, urlsplit

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent))
from chapters import ROOT, chapter_names  # noqa: E402

HTML = Path(os.environ.get("BOOK_HTML", ROOT / "_build" / "html")).resolve()
SHOTS = HTML.parent / "screenshots"
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

# 用語集にない語と複数の語の検索: すべての語を本文に含む章が、すべて結果に出なければならない
MULTI_WORD_QUERIES = [
    "反応時間",
    "ソフトマックス 温度",
    "注意 重み",
    "コサイン類似度 相関係数",
    "符号化器 復号化器",
    "反応時間 干渉",
]


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

# 数式: MathJax が組版を終えるのを待ち、組版した数とエラーの数を返す
MATH_JS = """async () => {
  if (!window.MathJax || !MathJax.startup || !MathJax.startup.promise) return null;
  await MathJax.startup.promise;
  return {
    rendered: document.querySelectorAll('mjx-container').length,
    errors: document.querySelectorAll('mjx-merror').length,
  };
}"""

# コード (pre, code) と数式を除いた、見えている文 (生の TeX が残っていないか調べる)
VISIBLE_TEXT_JS = """() => {
  const main = document.querySelector('main') || document.body;
  const copy = main.cloneNode(true);
  copy.querySelectorAll('pre, code, script, style, mjx-container, .highlight')
    .forEach((el) => el.remove());
  document.body.appendChild(copy);
  copy.style.position = 'absolute';
  const text = copy.innerText;
  copy.remove();
  return text;
}"""

# 章の本文 (検索で見つかるべき語を数えるため)
ARTICLE_TEXT_JS = """() => (document.querySelector('article') || document.querySelector('main')
  || document.body).innerText"""

# 用語集のすべての語 (dt の文字から見出しへのリンクの # を除く)
GLOSSARY_TERMS_JS = """() => Array.from(document.querySelectorAll('dl.glossary > dt')).map((dt) => {
  const copy = dt.cloneNode(true);
  copy.querySelectorAll('a.headerlink').forEach((a) => a.remove());
  return copy.textContent.trim();
})"""

RAW_TEX = re.compile(r"\\[a-zA-Z]{2,}|\\[()\[\]]|\$\$")


class _MathCount(HTMLParser):
    """HTML にある数式の数: class="math" の要素の中の \\( と \\[ (MathJax が組版する対象)。"""

    def __init__(self):
        super().__init__()
        self.depth = 0  # math の要素の中にいる深さ
        self.stack: list[bool] = []
        self.count = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("br", "img", "input", "meta", "link", "hr", "wbr", "source"):
            return
        classes = (dict(attrs).get("class") or "").split()
        is_math = "math" in classes
        self.stack.append(is_math)
        self.depth += is_math

    def handle_endtag(self, tag):
        if tag in ("br", "img", "input", "meta", "link", "hr", "wbr", "source"):
            return
        if self.stack:
            self.depth -= self.stack.pop()

    def handle_data(self, data):
        if self.depth:
            self.count += data.count("\\(") + data.count("\\[")


def math_in_source(path: Path) -> int:
    parser = _MathCount()
    parser.feed(path.read_text(encoding="utf-8", errors="replace"))
    return parser.count


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # noqa: D102 - 要求ごとの行は出さない
        pass


class _Server(http.server.ThreadingHTTPServer):
    def handle_error(self, request, client_address):  # noqa: D102
        # ページを閉じたときに読み込み途中だった要求 (BrokenPipe など) は問題ではない
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


def serve(directory: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    handler = functools.partial(_Quiet, directory=str(directory))
    server = _Server(("127.0.0.1", 0), handler)
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

        def route(r):
            if r.request.url.startswith(base) or r.request.url.startswith("data:"):
                r.continue_()
            else:  # 外部へは出ない: 本は外部のスクリプト・スタイル・フォントなしで表示できること
                host = urlsplit(r.request.url).netloc
                self.external.add(host)
                self.fail(where, f"external request blocked: {host} ({r.request.resource_type})")
                r.abort()

        page.route("**/*", route)
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

    def search(self, query: str, shot: str | None = None) -> list[str] | None:
        """検索ページで query を引き、結果のページ (book/NN_name) の列を返す。"""
        where = f"search.html?q={query}"
        page = self.open(where, f"{self.base}search.html?q={quote(query)}")
        try:
            page.wait_for_function(SEARCH_DONE_JS, timeout=TIMEOUT_MS)
        except PlaywrightError:
            self.fail(where, "search results did not finish rendering")
            page.close()
            return None
        paths = [urlsplit(u).path for u in page.evaluate(SEARCH_RESULTS_JS)]
        if shot:
            page.screenshot(path=shot_path(shot), full_page=True)
        page.close()
        return [unquote(p).lstrip("/").removesuffix(".html") for p in paths]

    def check_search(
        self, query: str, expected: list[str], shot: str | None = None
    ) -> tuple[str, bool]:
        """query の結果に expected (章の stem) がすべて出るか。(表の 1 行, 出たか) を返す。"""
        results = self.search(query, shot)
        if results is None:
            return f"  search {query!r}: did not finish", False
        found = {r.removeprefix("book/") for r in results}
        missing = [stem for stem in expected if stem not in found]
        if missing:
            self.fail(f"search {query!r}", f"chapters using it not found: {', '.join(missing)}")
        mark = "ok" if not missing else f"MISSING {len(missing)}"
        row = f"  search {query!r:<22} {len(expected):>2} chapter(s) use it, {len(results):>2} result(s)  {mark}"
        return row, not missing

    def check_math(self, where: str, page, path: Path) -> tuple[int, int]:
        """HTML の数式がすべて組版され、見える文に生の TeX が残っていないか。"""
        expected = math_in_source(path)
        counts = page.evaluate(MATH_JS)
        if counts is None:
            if expected:
                self.fail(where, f"MathJax did not load ({expected} equations in the HTML)")
            return expected, 0
        if counts["rendered"] != expected:
            self.fail(where, f"{counts['rendered']} equations rendered, {expected} in the HTML")
        if counts["errors"]:
            self.fail(where, f"{counts['errors']} MathJax error(s)")
        raw = sorted(set(RAW_TEX.findall(page.evaluate(VISIBLE_TEXT_JS))))
        if raw:
            self.fail(where, f"raw TeX visible: {' '.join(raw[:8])}")
        return expected, counts["rendered"]

    def check_sliders(self, where: str, page) -> tuple[int, int]:
        """スライダーつきの図: どのスライダーを動かしても目盛りが動き、図のデータが変わること。

        各スライダーのレールの 90% と 10% の位置を順にクリックする (目盛りが 2 つでも動く位置)。
        最初の 2 つの図は、2 つの設定での画面を _build/screenshots/slider__<図>__<k>.png に残す。
        """
        figures = page.locator(".dp-interactive .dp-plot")
        moved = 0
        for f in range(figures.count()):
            plot = figures.nth(f)
            div = plot.get_attribute("id")
            try:
                plot.locator(".main-svg").first.wait_for(timeout=TIMEOUT_MS)
            except PlaywrightError:
                self.fail(where, f"slider figure {div} was not drawn (plotly.js missing?)")
                continue
            if page.locator(f"#{div} ~ .dp-fallback").count():
                self.fail(where, f"slider figure {div} still shows its fallback image")
            state = f"""() => {{ const gd = document.getElementById({div!r});
                return JSON.stringify([gd.data, gd.layout.sliders.map((s) => s.active)]); }}"""
            sliders = plot.locator("g.slider-group")
            if sliders.count() == 0:
                self.fail(where, f"slider figure {div} has no slider")
            for k in range(sliders.count()):
                rail = sliders.nth(k).locator("rect.slider-rail-touch-rect")
                for shot, fraction in enumerate((0.9, 0.1)):
                    before = page.evaluate(state)
                    rail.scroll_into_view_if_needed()
                    box = rail.bounding_box()
                    page.mouse.click(
                        box["x"] + box["width"] * fraction, box["y"] + box["height"] / 2
                    )
                    try:  # 目盛り (active) も、描かれたデータも変わるまで待つ
                        page.wait_for_function(
                            f"""(b) => {{ const a = JSON.parse(({state})()), p = JSON.parse(b);
                                return a[1][{k}] !== p[1][{k}] && JSON.stringify(a[0]) !== JSON.stringify(p[0]); }}""",
                            arg=before,
                            timeout=5_000,
                        )
                        moved += 1
                    except PlaywrightError:
                        self.fail(where, f"slider {k + 1} of {div} did not change the figure")
                    if f < 2 and k == 0:
                        plot.screenshot(path=SHOTS / f"slider__{div}__{shot}.png")
        return figures.count(), moved


def missing_prerequisite() -> str | None:
    """できた本と Chromium がそろっていなければ、その説明。"""
    if not (HTML / "index.html").is_file():
        return f"{HTML}/index.html がない: 先に make book"
    if not Path(CHROMIUM).is_file():
        return f"{CHROMIUM} がない: 先に make browser-deps"
    return None


def book_pages() -> list[Path]:
    """本の HTML のページ (_static と _sources の中を除く)。"""
    return sorted(
        p
        for p in HTML.rglob("*.html")
        if p.relative_to(HTML).parts[0] not in ("_static", "_sources")
    )


def main() -> int:
    if problem := missing_prerequisite():
        print(problem, file=sys.stderr)
        return 2
    t0 = time.monotonic()

    pages = book_pages()
    chapters = chapter_names()  # 目次の番号つきの章 (.ci/chapters.py)
    notebooks = repo_notebooks()

    shutil.rmtree(SHOTS, ignore_errors=True)
    SHOTS.mkdir(parents=True)
    server, base = serve(HTML)
    rows: list[str] = []
    texts: dict[str, str] = {}  # 章 → 見えている本文
    terms: list[str] = []  # 用語集の語
    math_total = [0, 0]  # HTML の数式, 組版された数式
    slider_total = [0, 0]  # スライダーつきの図, 動かして図が変わったスライダーの操作
    search_total = [0, 0]  # 用語集の語と複数語の検索, そのうち使う章がすべて出たもの
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="ja-JP")
            checker = Checker(context, base)

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
                    n_math, n_rendered = checker.check_math(name, page, path)
                    math_total[0] += n_math
                    math_total[1] += n_rendered
                    stem = path.stem
                    n_fig, n_moved = checker.check_sliders(name, page)
                    slider_total[0] += n_fig
                    slider_total[1] += n_moved
                    if path.parent == HTML / "book" and stem in chapters:
                        checker.check_buttons(name, stem, page, notebooks)
                        if n_fig == 0:
                            checker.fail(name, "chapter has no slider figure")
                        texts[stem] = page.evaluate(ARTICLE_TEXT_JS)
                    if name == "book/glossary.html":
                        terms = page.evaluate(GLOSSARY_TERMS_JS)
                    page.screenshot(path=shot_path(name), full_page=True)
                    page.close()
                except PlaywrightError as exc:
                    checker.fail(name, f"playwright: {str(exc).splitlines()[0]}")
                    n_local = n_ext = n_math = n_rendered = n_fig = 0
                bad = len(checker.failures) - before
                status = "ok" if bad == 0 else f"{bad} problem(s)"
                rows.append(
                    f"  {name:<34} links {n_local:>4} local, {n_ext:>3} external, "
                    f"math {n_rendered:>3}/{n_math:<3} sliders {n_fig} {status}"
                )

            # 各章の題名の語 (その章が出ること)
            for stem in chapters:
                term = SEARCH_TERMS.get(stem)
                if term is None:
                    checker.fail("search", f"no search term for chapter {stem} in SEARCH_TERMS")
                    continue
                rows.append(checker.check_search(term, [stem], shot=f"search__{stem}")[0])
            for stem in sorted(set(SEARCH_TERMS) - set(chapters)):
                checker.fail("search", f"SEARCH_TERMS names {stem}, which is not a chapter page")
            # 用語集のすべての語と、複数語の検索: その語 (すべての語) を本文で使う章がすべて出ること
            if not terms:
                checker.fail("book/glossary.html", "no glossary terms found")
            for query in [*terms, *MULTI_WORD_QUERIES]:
                words = query.split()
                users = [c for c in chapters if all(w in texts.get(c, "") for w in words)]
                if not users and query in terms:  # 本文が別の書き方で指す語: 用語集の項目が出ること
                    users = ["glossary"]
                elif not users:
                    checker.fail(f"search {query!r}", "no chapter uses it (stale query?)")
                    continue
                try:
                    row, ok = checker.check_search(query, users)
                except PlaywrightError as exc:
                    checker.fail(f"search {query!r}", f"playwright: {str(exc).splitlines()[0]}")
                    continue
                search_total[0] += 1
                search_total[1] += ok
                rows.append(row)
            version = browser.version
            browser.close()
    finally:
        server.shutdown()

    print(f"browser check: Chromium {version}, {len(pages)} pages, {len(chapters)} chapters")
    print("\n".join(rows))
    print(f"math rendered offline: {math_total[1]}/{math_total[0]} equations")
    print(
        f"slider figures: {slider_total[0]}, slider moves that changed the figure: {slider_total[1]}"
    )
    print(
        f"search: {search_total[1]}/{search_total[0]} glossary terms and multi-word queries "
        f"find every chapter that uses them ({len(terms)} glossary terms)"
    )
    if checker.external:
        print(
            "external hosts requested (blocked, failures): " + ", ".join(sorted(checker.external))
        )
    print(f"screenshots: {SHOTS}/ ({len(list(SHOTS.glob('*.png')))} files)")
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
