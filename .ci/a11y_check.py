"""アクセシビリティの検査: できた本 (_build/html) の全ページを、明るい表示と暗い表示の両方で axe-core にかける。

make a11y-check から呼ぶ (先に make book と make browser-deps)。サーバーとブラウザの準備は
.ci/browser_check.py のものを使う (localhost で配信し、外部のホストへの要求はすべて止める)。

1. 全ページ × 表示モード (light, dark) で、読者が開けるもの (隠したコード、解答) をすべて開いてから
   axe-core (axe-playwright-python に同梱、ダウンロードなし) を走らせ、影響 (impact) が serious か
   critical の違反が 1 つでもあれば失敗 (規則の id、ページ、要素のセレクタ)。規則は 1 つも外さない
2. 表示モードが効いている (html の data-theme がそのモード)。コンソールのエラーがない
3. 図が暗い表示でも読める: 出力の画像と対話的な図 (class に dp-interactive) が白いカードの上にあり
   (輝度 ≥ 0.9)、画像にフィルタがかかっていない (描いたままの色)
4. テーマの切り替えボタンを押すと、コンソールのエラーなしに明るい → 自動 → 暗い と切り替わる。
   まだ選んでいない読者には OS の設定 (明るい / 暗い) どおりの表示になる
5. 1 つの章の最初の図と最初の対話的な図を、両方のモードで _build/screenshots/a11y__*.png に保存する

ページ × モードごとの違反の数 (影響ごとの要素の数) を表にして出す。1 つでも問題があれば終了コード 1。
調べるページを絞るとき (開発用): .ci/a11y_check.py book/06_cam.html index.html
"""

from __future__ import annotations

import functools
import sys
import time
from pathlib import Path

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent))
from browser_check import (  # noqa: E402
    CHROMIUM,
    CHROMIUM_ARGS,
    HTML,
    MATH_JS,
    SHOTS,
    TIMEOUT_MS,
    Checker,
    book_pages,
    local_target,
    missing_prerequisite,
    page_name,
    serve,
)

MODES = ("light", "dark")
IMPACTS = ("critical", "serious", "moderate", "minor")
FAILING = {"critical", "serious"}
SHOT_PAGE = "book/01_softmax_attention.html"  # 両方のモードでスクリーンショットを撮る章
SLIDER = 'main [class*="dp-interactive"]'  # 対話的な図 (スクリーンショット用)
MIN_FIGURE_LUMINANCE = 0.9  # 白いカード (テーマの既定の灰色 #ced6dd は 0.66)

# pydata-sphinx-theme は読み込みのはじめに localStorage の mode / theme を html の data-mode /
# data-theme に写す。読者が切り替えボタンで選んだのと同じ状態にする。
MODE_SCRIPT = "localStorage.setItem('mode', {mode!r}); localStorage.setItem('theme', {mode!r});"

# 出力の画像と対話的な図の、背後に見える色 (その要素か、透明でない最も近い祖先の背景色) の相対輝度と、
# 画像にかかったフィルタ (テーマは暗い表示で画像を暗くし、図の色を変える)
FIGURE_BACKGROUNDS_JS = """() => {
  const lum = (rgb) => {
    const [r, g, b] = rgb.map((v) => {
      v /= 255;
      return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const behind = (el) => {
    for (let e = el; e; e = e.parentElement) {
      const m = getComputedStyle(e).backgroundColor.match(/[\\d.]+/g);
      if (m && (m.length < 4 || parseFloat(m[3]) > 0.5)) return lum(m.slice(0, 3).map(Number));
    }
    return 1;  // 背景色がどこにもない: ページの既定 (白)
  };
  const figs = document.querySelectorAll(
    'main .cell_output img, main figure img, main [class*="dp-interactive"], '
    + 'main .cell_output .text_html:has([class*="dp-interactive"])');
  return Array.from(figs).map((el) => ({
    what: el.tagName.toLowerCase() + (el.getAttribute('src') ? ' ' + el.getAttribute('src') : ''),
    luminance: behind(el),
    filter: getComputedStyle(el).filter,
  }));
}"""

# axe-core 4.12 は CSSOM を前もって読むとき、スタイルシートの中の相対パスの @import を、そのシートではなく
# ページの URL から解決して取りに行く (dequelabs/axe-core#5268、修正は #5269 で未公開)。
# pydata-sphinx-theme の theme.css の @import "../basic.css" が /basic.css の 404 になり、その本文を
# CSS として読んでしまう。axe が取りに行く誤った URL → 正しい URL の対を集め、正しいファイルを返す。
IMPORTS_JS = """() => {
  const pairs = [];
  for (const sheet of document.styleSheets) {
    let rules;
    try { rules = sheet.cssRules; } catch (e) { continue; }
    for (const rule of rules) {
      if (rule instanceof CSSImportRule && sheet.href) {
        pairs.push([new URL(rule.href, document.baseURI).href, new URL(rule.href, sheet.href).href]);
      }
    }
  }
  return pairs.filter(([wrong, right]) => wrong !== right);
}"""

# 読者が開けるものをすべて開く: 隠したコードのセル (<details>)、解答 (sphinx-togglebutton のドロップダウン)。
# 閉じたままでは axe は中身 (コードの色のコントラストなど) を調べない
# (開くときのフェードインのアニメーションが終わるまで待つ: 途中の薄い色をコントラスト不足と数えないように)
EXPAND_JS = """async () => {
  document.querySelectorAll('details').forEach((d) => { d.open = true; });
  document.querySelectorAll('.admonition.toggle-hidden > .admonition-title').forEach((t) => t.click());
  await new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)));
  await Promise.all(document.getAnimations().map((a) => a.finished.catch(() => null)));
  return document.querySelectorAll('.toggle-hidden').length;
}"""

THEME_JS = "() => [document.documentElement.dataset.mode, document.documentElement.dataset.theme]"


def serve_file(path: Path, route, request=None) -> None:
    route.fulfill(status=200, path=path)


def audit_page(checker: Checker, axe: Axe, name: str, url: str, mode: str):
    """1 ページを開いて axe にかける。(違反のリスト, 図の背景の輝度のリスト) を返す。"""
    where = f"{name} [{mode}]"
    if name == "index.html":
        # 本の最初のページへ meta refresh で移るだけのページ: 移る先への要求に 204 を返して
        # index.html のまま調べる (204 の応答では、ブラウザはページを移らない)
        page = checker.context.new_page()
        page.route("**/book/intro.html", lambda r: r.fulfill(status=204))
        page.goto(url, wait_until="load", timeout=TIMEOUT_MS)
        page.wait_for_timeout(300)
    else:
        page = checker.open(where, url)
    try:
        checker.settle(page)
        page.evaluate(MATH_JS)  # MathJax の組版が終わるまで待つ
        if name != "index.html":
            page_mode, theme = page.evaluate(THEME_JS)
            if theme != mode:
                checker.fail(
                    where, f"data-theme is {theme!r} (data-mode {page_mode!r}), not {mode}"
                )
        for wrong, right in page.evaluate(IMPORTS_JS):
            target = local_target(right, checker.base)
            if target is not None and target[0].is_file():
                page.route(wrong, functools.partial(serve_file, target[0]))
        if name == SHOT_PAGE:  # 閉じたままの (読者が最初に見る) ページの、最初の図と対話的な図
            for what, selector in (("", "main .cell_output img"), ("interactive__", SLIDER)):
                first = page.locator(selector).first
                if first.count():
                    first.scroll_into_view_if_needed()
                    page.wait_for_timeout(300)
                    page.screenshot(path=SHOTS / f"a11y__{Path(name).stem}__{what}{mode}.png")
        still_hidden = page.evaluate(EXPAND_JS)
        if still_hidden:
            checker.fail(where, f"{still_hidden} toggled block(s) did not open for the audit")
        violations = axe.run(page).response["violations"]
        figures = page.evaluate(FIGURE_BACKGROUNDS_JS)
    finally:
        page.close()
    return violations, figures


def check_switcher(checker: Checker, url: str) -> list[str]:
    """切り替えボタンを押して、明るい → 自動 → 暗い と移るか。移った (mode, theme) の列を返す。"""
    where = f"{page_name(HTML / SHOT_PAGE)} [theme switcher]"
    page = checker.open(where, url)
    seen = [page.evaluate(THEME_JS)]
    button = page.locator("button.theme-switch-button").first
    for _ in range(2):
        button.click()
        page.wait_for_timeout(100)
        seen.append(page.evaluate(THEME_JS))
    page.close()
    if seen[0][1] != "light" or seen[-1] != ["dark", "dark"]:
        checker.fail(where, f"switcher went {seen}, expected light → auto → dark")
    return [f"{m}/{t}" for m, t in seen]


def check_system_mode(browser, base: str) -> tuple[list[str], list]:
    """まだ表示モードを選んでいない読者 (localStorage が空) には、OS の設定どおりの表示になるか。"""
    rows, failures = [], []
    for scheme in MODES:
        context = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme=scheme)
        checker = Checker(context, base)
        where = f"{SHOT_PAGE} [first visit, OS {scheme}]"
        page = checker.open(where, base + SHOT_PAGE)
        mode, theme = page.evaluate(THEME_JS)
        page.close()
        context.close()
        if (mode, theme) != ("auto", scheme):
            checker.fail(where, f"mode/theme {mode}/{theme}, expected auto/{scheme}")
        rows.append(f"OS {scheme} → {mode}/{theme}")
        failures.extend(checker.failures)
    return rows, failures


def main() -> int:
    if problem := missing_prerequisite():
        print(problem, file=sys.stderr)
        return 2
    t0 = time.monotonic()
    pages = book_pages()
    if sys.argv[1:]:  # 調べるページを絞る (開発用): a11y_check.py book/06_cam.html ...
        pages = [p for p in pages if page_name(p) in sys.argv[1:]]
    SHOTS.mkdir(parents=True, exist_ok=True)
    axe = Axe()
    server, base = serve(HTML)
    counts: dict[tuple[str, str], dict[str, int]] = {}
    found: list[tuple[str, str, str, str, list[str], str]] = []  # impact, rule, page, mode, targets
    why: dict[str, str] = {}  # 規則 → 最初の要素の failureSummary
    failures: list[tuple[str, str]] = []  # axe の外の問題 (ページ, 何が)
    dark_figures = [0, 0]  # 暗い表示で調べた図, そのうち背後が明るいもの
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            for mode in MODES:
                context = browser.new_context(
                    viewport={"width": 1280, "height": 900}, locale="ja-JP", color_scheme=mode
                )
                context.add_init_script(MODE_SCRIPT.format(mode=mode))
                checker = Checker(context, base)
                for path in pages:
                    name = page_name(path)
                    try:
                        violations, figures = audit_page(checker, axe, name, base + name, mode)
                    except PlaywrightError as exc:
                        checker.fail(f"{name} [{mode}]", f"playwright: {str(exc).splitlines()[0]}")
                        continue
                    tally = dict.fromkeys(IMPACTS, 0)
                    for v in violations:
                        impact = v.get("impact") or "minor"
                        tally[impact] = tally.get(impact, 0) + len(v["nodes"])
                        targets = [" ".join(map(str, n["target"])) for n in v["nodes"]]
                        found.append((impact, v["id"], name, mode, targets, v["help"]))
                        if impact in FAILING:  # 何がいけないか (色の組み合わせなど) を 1 つ
                            summary = v["nodes"][0].get("failureSummary", "").splitlines()
                            why.setdefault(v["id"], " ".join(line.strip() for line in summary[1:3]))
                    counts[(name, mode)] = tally
                    if mode == "dark":
                        for fig in figures:
                            dark_figures[0] += 1
                            if fig["luminance"] < MIN_FIGURE_LUMINANCE:
                                checker.fail(
                                    f"{name} [dark]",
                                    f"figure not on a white card (luminance "
                                    f"{fig['luminance']:.2f}): {fig['what']}",
                                )
                            elif fig["filter"] != "none":
                                checker.fail(
                                    f"{name} [dark]",
                                    f"figure drawn through a filter ({fig['filter']}): {fig['what']}",
                                )
                            else:
                                dark_figures[1] += 1
                if mode == "light":
                    switched = check_switcher(checker, base + SHOT_PAGE)
                failures.extend(checker.failures)
                context.close()
            system_rows, system_failures = check_system_mode(browser, base)
            failures.extend(system_failures)
            version = browser.version
            browser.close()
    finally:
        server.shutdown()

    axe_version = axe.axe_script[axe.axe_script.find("axe v") :].split()[1]
    print(f"a11y check: axe-core {axe_version}, Chromium {version}, {len(pages)} pages × {MODES}")
    print(f"  {'page':<34} {'mode':<5} " + " ".join(f"{i:>8}" for i in IMPACTS))
    for (name, mode), tally in counts.items():
        print(f"  {name:<34} {mode:<5} " + " ".join(f"{tally[i]:>8}" for i in IMPACTS))
    totals = {i: sum(t[i] for t in counts.values()) for i in IMPACTS}
    print(f"  {'total (elements)':<34} {'':<5} " + " ".join(f"{totals[i]:>8}" for i in IMPACTS))
    print(f"theme switcher: {' → '.join(switched)}")
    print(f"first visit (no choice stored): {', '.join(system_rows)}")
    print(
        f"figures on a light card in dark mode: {dark_figures[1]}/{dark_figures[0]} "
        f"(luminance behind ≥ {MIN_FIGURE_LUMINANCE})"
    )
    print(f"screenshots: {SHOTS}/a11y__*.png")
    print(f"time: {time.monotonic() - t0:.1f} s")

    # 軽い違反 (moderate, minor) は表示だけ。serious と critical は失敗
    by_rule: dict[tuple[str, str, str], list[tuple[str, str, list[str]]]] = {}
    for impact, rule, name, mode, targets, help_ in found:
        by_rule.setdefault((impact, rule, help_), []).append((name, mode, targets))
    bad = False
    for (impact, rule, help_), where in sorted(
        by_rule.items(), key=lambda kv: IMPACTS.index(kv[0][0])
    ):
        fails = impact in FAILING
        bad |= fails
        print(f"\n{'FAIL' if fails else 'note'} {impact} {rule}: {help_}")
        if fails and why.get(rule):
            print(f"    ({why[rule][:200]})")
        for name, mode, targets in where[: 12 if fails else 3]:
            more = f" … (+{len(targets) - 4})" if len(targets) > 4 else ""
            print(f"    {name} [{mode}]: {' | '.join(targets[:4])}{more}")
        if len(where) > (12 if fails else 3):
            print(f"    … {len(where) - (12 if fails else 3)} more page(s)")
    if failures:
        grouped: dict[str, list[str]] = {}
        for where_, what in failures:
            grouped.setdefault(what, []).append(where_)
        print(f"\nFAILED: {len(failures)} problem(s) outside axe, {len(grouped)} distinct")
        for what, wheres in grouped.items():
            at = wheres[0] if len(wheres) == 1 else f"{len(wheres)} pages ({wheres[0]}, ...)"
            print(f"  {what}\n      at {at}")
    if bad or failures:
        n = sum(totals[i] for i in FAILING)
        print(f"\nFAILED: {n} serious/critical element(s)" if bad else "")
        return 1
    print("OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
