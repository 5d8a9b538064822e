"""Open the built book in headless Chromium, offline, and look at it as a reader would.

Checks, on every page of the site: it loads; every image has loaded
(``naturalWidth > 0``; the figures are files fetched lazily, asked for all at once
here) and none is written into the page's HTML; math is typeset by the bundled
MathJax (``mjx-container`` elements, no raw ``\\(`` or ``\\[`` left); no Sphinx role
(``:mod:`...```) shows as text; and no script or stylesheet comes from the network.
Across the book there must be at least one figure and one equation.

Then, as a reader on a laptop and on a phone (every page at 1280 and 390 px
wide, light and dark, network cut): nothing widens the page beyond the window
except inside a box that scrolls on its own (wide tables); every live figure
(``scaffold.runtime.live``) draws an SVG or canvas; the console has no errors;
every image is at least as many pixels wide as it is shown; no static figure's
text is under 9 px as displayed (each image of ``scaffold.runtime.static`` records
its smallest text in its own pixels, ``data-min-text-px``, scaled here by displayed
over natural width); at 1280 px every key table (``key-table``) fits its column
without scrolling.  Screenshots go to ``_build/screenshots/`` (or ``$SCAFFOLD_SHOTS``)
for a person to look at.

The introduction's links into other pages land on an element that exists (the
ledger's rows, ``05-audit.html#claim-<id>``, and the figures), and the multiverse
explorer changes what it shows when a level is switched: on the audit page, and
on a page written here from a synthetic multiverse (``tests/test_explorer.py``).  The same checks run on a demo
page built from ``tests/fixtures/view_demo.py`` in ``_build/view-demo`` that
shows every kind of view (live figures, tables, numbered tables) before the
chapters use them.

The site checked is ``$SCAFFOLD_HTML`` (``make test`` points it at the quick
build), else ``_build/html``.  Without Chromium the test is skipped with a
message, except under CI (``CI`` set), where it fails.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
DRIVER = "/usr/bin/chromedriver"
HTML = Path(os.environ.get("SCAFFOLD_HTML", REPO / "_build" / "html")).resolve()
SHOTS = Path(os.environ.get("SCAFFOLD_SHOTS", REPO / "_build" / "screenshots")).resolve()
DEMO = REPO / "_build" / "view-demo"
WIDTHS = (1280, 390)
#: The smallest text a figure may show, in CSS pixels (scaffold.runtime.style.MIN_TEXT_PX).
MIN_TEXT_PX = 9.0
THEMES = ("light", "dark")
IN_CI = os.environ.get("CI", "").lower() not in ("", "0", "false")


def _require(condition: bool, why: str) -> None:
    if not condition:
        if IN_CI:
            pytest.fail(f"{why} (CI is set, so this is a failure, not a skip)")
        pytest.skip(why)


def pages(html: Path = HTML) -> list[Path]:
    if not html.is_dir():
        return []
    skip = {"genindex.html", "search.html"}
    return sorted(p for p in html.rglob("*.html")
                  if p.name not in skip and "_static" not in p.parts and "_sources" not in p.parts
                  and 'http-equiv="Refresh"' not in p.read_text())  # index.html only redirects


@pytest.fixture(scope="module")
def browser():
    _require(Path(CHROMIUM).exists() and Path(DRIVER).exists(),
             "Chromium not installed (apt-get install chromium chromium-driver)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="chromium-")
    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})  # console messages, for the checks
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage", f"--user-data-dir={profile}",
                 # Every network request goes to a dead proxy, and no name resolves: the
                 # page must not need the network (files and localhost only).
                 "--proxy-server=127.0.0.1:9", "--proxy-bypass-list=<-loopback>",
                 "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost",
                 "--window-size=1200,900"):
        opts.add_argument(flag)
    driver = webdriver.Chrome(service=Service(DRIVER), options=opts)
    driver.set_page_load_timeout(60)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


# The site's figures are files fetched when shown (``loading="lazy"``, tools/sphinx_images.py):
# a page here asks for every one at once, and waits (up to 20 s) until each has loaded or
# failed, so that the checks below see them all, the renditions not shown included.
LOAD_ALL = """
const lazy = [...document.querySelectorAll('img[loading="lazy"]')];
const settled = lazy.map(i => new Promise(r => {
  if (i.complete) return r();
  i.addEventListener('load', r, {once: true});
  i.addEventListener('error', r, {once: true});
}));
lazy.forEach(i => { i.loading = 'eager'; });
const allLoaded = Promise.race([Promise.all(settled), new Promise(r => setTimeout(r, 20000))]);
"""

# LOAD_ALL, for a view's checks: returns once every image has loaded or failed.
WAIT_FOR_IMAGES = LOAD_ALL + "allLoaded.then(() => arguments[arguments.length - 1]());"

# Waits for every image (LOAD_ALL) and for MathJax (if the page loads it) to finish typesetting, then reports.
PROBE = LOAD_ALL + """
const done = arguments[arguments.length - 1];
const report = () => allLoaded.then(() => {
  const main = document.querySelector('main') || document.body;
  const imgs = [...main.querySelectorAll('img')].map(i => ({src: i.currentSrc || i.src,
      ok: i.complete && i.naturalWidth > 0}));
  const remote = [...document.querySelectorAll('script[src], link[href][rel~=stylesheet]')]
      .map(e => e.src || e.href).filter(u => /^https?:/.test(u));
  done({title: document.title, imgs: imgs, remote: remote,
        mjx: document.querySelectorAll('mjx-container').length,
        untypeset: [...main.querySelectorAll('.math')].filter(m => !m.querySelector('mjx-container')).length,
        text: main.innerText});
});
if (window.MathJax && MathJax.startup && MathJax.startup.promise) {
  MathJax.startup.promise.then(report, report);
} else if (document.querySelector('script[src*="mathjax"]')) {
  setTimeout(() => (window.MathJax && MathJax.startup ? MathJax.startup.promise : Promise.resolve())
      .then(report, report), 3000);
} else { report(); }
"""


# --- the book as a reader sees it: widths, themes, live figures ----------------------

@pytest.fixture(scope="module")
def demo_site() -> Path:
    """tests/fixtures/view_demo.py executed and built as a one-page book in _build/view-demo."""
    if DEMO.exists():
        shutil.rmtree(DEMO)
    (DEMO / "book").mkdir(parents=True)
    for name in ("_config.yml", "references.bib"):
        shutil.copy(REPO / name, DEMO / name)
    shutil.copytree(REPO / "tools", DEMO / "tools")
    shutil.copy(REPO / "book" / "bibliography.md", DEMO / "book")
    (DEMO / "book" / "_static").symlink_to(REPO / "book" / "_static")
    (DEMO / "_toc.yml").write_text("format: jb-book\nroot: book/demo\n"
                                   "chapters:\n  - file: book/bibliography\n")
    import jupytext
    import nbclient

    nb = jupytext.read(REPO / "tests" / "fixtures" / "view_demo.py")
    nbclient.NotebookClient(nb, timeout=300, kernel_name="python3",
                            resources={"metadata": {"path": str(DEMO / "book")}}).execute()
    jupytext.write(nb, DEMO / "book" / "demo.ipynb")
    build = subprocess.run([str(Path(sys.executable).parent / "jupyter-book"), "build", str(DEMO),
                            "--warningiserror", "--keep-going", "--quiet"],
                           capture_output=True, text=True)
    assert build.returncode == 0, build.stdout[-3000:] + build.stderr[-3000:]
    return DEMO / "_build" / "html"


# Elements that stick out of the window, unless a scrolling (or clipping) ancestor holds them.
OVERFLOW = """
const W = document.documentElement.clientWidth;
const held = el => { for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
    const o = getComputedStyle(a).overflowX; if (o === 'auto' || o === 'scroll' || o === 'hidden') return true; }
  return false; };
const out = [];
for (const el of document.querySelectorAll('body *')) {
  const r = el.getBoundingClientRect();
  if (r.width === 0 || r.height === 0 || r.right <= W + 1) continue;
  if (getComputedStyle(el).visibility === 'hidden' || held(el)) continue;
  out.push(el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
           (el.className && typeof el.className === 'string' ? '.' + el.className.split(' ').join('.') : '') +
           ' right=' + Math.round(r.right));
  if (out.length >= 5) break;
}
return {page: document.documentElement.scrollWidth, window: W, out: out};
"""

# Inline code in prose that runs past its paragraph (clipped by the column, so OVERFLOW,
# which counts only what sticks out of the window, does not see it).
CLIPPED_CODE = """
const out = [];
for (const c of document.querySelectorAll('.bd-article :is(p, li, dd) code.literal')) {
  const block = c.closest('p, li, dd').getBoundingClientRect();
  if ([...c.getClientRects()].some(r => r.right > block.right + 1)) out.push(c.textContent.slice(0, 60));
  if (out.length >= 5) break;
}
return out;
"""

# Waits (up to 20 s) for every live figure to be drawn, then reports each one and every image.
LIVE = """
const done = arguments[arguments.length - 1];
const t0 = Date.now();
const check = () => {
  const boxes = [...document.querySelectorAll('.live-figure')];
  const drawn = boxes.filter(b => b.querySelector('.live-plot svg.main-svg, .live-plot canvas'));
  if (drawn.length < boxes.length && Date.now() - t0 < 20000) return setTimeout(check, 200);
  const main = document.querySelector('main') || document.body;
  const small = [...main.querySelectorAll('img')].filter(i => i.offsetParent !== null && i.complete
      && i.naturalWidth > 0 && i.naturalWidth + 1 < i.getBoundingClientRect().width)
    .map(i => (i.currentSrc || i.src).slice(0, 80) + ' natural=' + i.naturalWidth + ' shown='
         + Math.round(i.getBoundingClientRect().width));
  done({boxes: boxes.length, drawn: drawn.length, small: small,
        height: document.documentElement.scrollHeight});
};
check();
"""


# The theme's own way of remembering a reader's choice (pydata-sphinx-theme reads it in
# <head>, before anything is drawn), and of switching in place (what its toggle does).
SET_THEME = ("localStorage.setItem('mode', arguments[0]); localStorage.setItem('theme', arguments[0]);"
             "document.documentElement.dataset.mode = arguments[0];"
             "document.documentElement.dataset.theme = arguments[0];")


def _open_in(browser, url: str, theme: str) -> str:
    """Load ``url`` as a reader whose stored choice is ``theme``; returns the theme it shows."""
    stored = "".join(f"localStorage.setItem('{key}', {json.dumps(theme)});" for key in ("mode", "theme"))
    sid = browser.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": stored})
    try:
        browser.get(url)
    finally:
        browser.execute_cdp_cmd("Page.removeScriptToEvaluateOnNewDocument",
                                {"identifier": sid["identifier"]})
    return browser.execute_script("return document.documentElement.dataset.theme;")


# Text of static figures as displayed: each image records its smallest text in its own
# pixels; shown at another width, it scales by displayed / natural width.
FIGURE_TEXT = """
const main = document.querySelector('main') || document.body;
const out = [];
for (const img of main.querySelectorAll('.static-figure img')) {
  if (img.offsetParent === null || !img.complete || !img.naturalWidth) continue;
  const shown = img.getBoundingClientRect().width;
  const px = Number(img.dataset.minTextPx) * shown / img.naturalWidth;
  out.push({px: px, shown: Math.round(shown), natural: img.naturalWidth,
            fig: (img.closest('figure') || {}).id || img.alt.slice(0, 60)});
}
const bare = [...main.querySelectorAll('img')].filter(i => i.offsetParent !== null
    && !i.closest('.static-figure, .live-figure') && i.naturalWidth > 200).map(i => i.alt.slice(0, 60));
return {figures: out, bare: bare};
"""

# Key tables against their scroll box and the article column.
KEY_TABLES = """
const col = (document.querySelector('article.bd-article') || document.body).getBoundingClientRect();
return [...document.querySelectorAll('table.key-table')].map(t => {
  const box = t.closest('.table-scroll') || t.parentElement;
  return {id: (t.closest('figure') || {}).id || t.id, scroll: box.scrollWidth - box.clientWidth,
          right: Math.round(t.getBoundingClientRect().right), column: Math.round(col.right)};
});
"""

# Tables of text (tables.CARD_COLUMNS) on a phone: each row a card, nothing to scroll sideways.
CARDS = """
return [...document.querySelectorAll('table.scaffold-table.cards')].filter(t => t.offsetParent !== null).map(t => {
  const box = t.closest('.table-scroll') || t.parentElement;
  const row = t.querySelector('tbody > tr');
  return {id: (t.closest('figure') || {}).id || t.id, scroll: box.scrollWidth - box.clientWidth,
          display: row ? getComputedStyle(row).display : 'none'};
});
"""


def _view(browser, where: str, width: int, shot: Path) -> list[str]:
    """The checks on the page as it is shown now; then its screenshot, at full height."""
    problems = []
    browser.execute_async_script(WAIT_FOR_IMAGES)
    text = browser.execute_script(FIGURE_TEXT)
    problems += [f"{where}: figure {f['fig']!r} has text {f['px']:.1f} px tall (under {MIN_TEXT_PX} px; "
                 f"shown {f['shown']} px of {f['natural']})" for f in text["figures"] if f["px"] < MIN_TEXT_PX]
    problems += [f"{where}: a static image without a recorded text size (not drawn through "
                 f"scaffold.runtime.static): {alt!r}" for alt in text["bare"]]
    if width >= 1280:
        problems += [f"{where}: key table {t['id']!r} does not fit its column: it scrolls by {t['scroll']} px, "
                     f"ends at {t['right']} px (column {t['column']} px)"
                     for t in browser.execute_script(KEY_TABLES)
                     if t["scroll"] > 1 or t["right"] > t["column"] + 1]
    if width < 600:
        problems += [f"{where}: table {t['id']!r} of text is not read as cards on a phone: rows "
                     f"{t['display']!r}, scrolls sideways by {t['scroll']} px"
                     for t in browser.execute_script(CARDS) if t["scroll"] > 1 or t["display"] != "block"]
    live = browser.execute_async_script(LIVE)
    if live["drawn"] < live["boxes"]:
        problems.append(f"{where}: {live['boxes'] - live['drawn']} of {live['boxes']} "
                        "live figures not drawn")
    problems += [f"{where}: image shown wider than it is: {s}" for s in live["small"]]
    problems += [f"{where}: inline code runs past its paragraph: {c!r}"
                 for c in browser.execute_script(CLIPPED_CODE)]
    over = browser.execute_script(OVERFLOW)
    if over["page"] > over["window"] + 1 or over["out"]:
        problems.append(f"{where}: page {over['page']} px wide in a {over['window']} px "
                        f"window: {over['out']}")
    problems += [f"{where}: console: {e['message'][:300]}"
                 for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    shot.parent.mkdir(parents=True, exist_ok=True)
    browser.set_window_size(width, min(max(live["height"], 900), 12000))
    browser.save_screenshot(str(shot))
    browser.set_window_size(width, 900)
    return problems


def _look(browser, site: Path, label: str, widths=WIDTHS) -> list[str]:
    """Every page of ``site`` at each width, light and dark; returns the problems found.

    A page is loaded once per width, in one theme (stored as the reader's choice, so the
    page is drawn in it from the start), looked at, then switched to the other theme in
    place, as the theme's toggle does, and looked at again.  The theme a page opens in
    alternates from page to page and from one width to the next, so that every page is
    opened in each theme (at one of the two widths) and seen in both at every width.
    (Loading every page afresh for the second theme took twice as long.)
    """
    browser.set_script_timeout(60)
    problems = []
    for width in widths:
        for i, page in enumerate(pages(site)):
            rel = page.relative_to(site)
            first = THEMES[(i + WIDTHS.index(width)) % len(THEMES)]
            browser.set_window_size(width, 900)
            shown = _open_in(browser, page.as_uri(), first)
            if shown != first:
                problems.append(f"{label}/{rel} at {width} px: opened in {shown!r}, "
                                f"not in the stored {first!r}")
            browser.get_log("browser")  # drop messages of the page before
            for theme in (first, *(t for t in THEMES if t != first)):
                where = f"{label}/{rel} at {width} px, {theme}"
                browser.execute_script(SET_THEME, theme)
                shot = SHOTS / label / f"{str(rel.with_suffix('')).replace('/', '_')}-{width}-{theme}.png"
                problems += _view(browser, where, width, shot)
    return problems


# Tests run in this file's order, and `make test` runs them on two workers (pytest-xdist),
# which hands each worker two tests to begin with and then one at a time: so the longest
# come first, paired so that each worker gets about half of the work (the demo build and a
# first look at every page; every page at the two widths), and the short ones last.

def test_demo_reads_at_every_width_and_theme(browser, demo_site):
    """The demo page: four live figures draw, tables scroll in their own box, no errors."""
    problems = _look(browser, demo_site, "demo")
    assert not problems, "\n".join(problems)
    html = (demo_site / "book" / "demo.html").read_text()
    assert html.count('class="live-figure"') >= 4
    assert "Table 1" in html and "Table 2" in html, "glue:figure with :figclass: table is not numbered"
    assert 'alt=""' not in html, "an image without alt text"
    # the site's own plotly.js: the partial bundle of the pinned plotly's version (make plotly)
    import plotly.offline

    from scaffold.runtime.live import BUNDLE
    head = (demo_site / "_static" / "plotly.min.js").read_text()[:200]
    assert f"plotly.js ({BUNDLE} - minified) v{plotly.offline.get_plotlyjs_version()}" in head, head


#: An image written into a page's HTML (a data: URI), as the page's <img> carries it.
INLINE_IMAGE = re.compile(r'<img\b[^>]*\bsrc="data:image/[a-z+]+;base64,([^"]+)"')


def test_every_page_renders_offline(browser):
    _require(bool(pages()), f"no built book at {HTML} (run make book or make test first)")
    browser.set_script_timeout(60)
    total_imgs = total_math = 0
    problems = []
    for page in pages():
        rel = page.relative_to(HTML)
        browser.get(page.as_uri())
        info = browser.execute_async_script(PROBE)
        if not info["title"]:
            problems.append(f"{rel}: no title, page did not load")
        for img in info["imgs"]:
            if not img["ok"]:
                problems.append(f"{rel}: image did not load: {img['src']}")
        if info["remote"]:
            problems.append(f"{rel}: loads from the network: {info['remote']}")
        # The figures are files fetched when shown (tools/sphinx_images.py), not inline images
        # that every reader downloads, all four renditions of each, before the page shows.
        inline = INLINE_IMAGE.findall(page.read_text(encoding="utf-8"))
        if inline:
            problems.append(f"{rel}: {len(inline)} inline images ({sum(map(len, inline)) // 1024} KiB) "
                            "in the page instead of files")
        roles = re.findall(r":(?:mod|func|class|meth|attr|data|doc|ref|numref):`[^`]*`", info["text"])
        if roles:
            problems.append(f"{rel}: Sphinx roles shown as text (from a docstring?): {roles[:3]}")
        raw = re.findall(r"\\\(|\\\[|\$\$", info["text"])
        if raw:
            problems.append(f"{rel}: {len(raw)} untypeset math delimiters left")
        if info["untypeset"]:
            problems.append(f"{rel}: {info['untypeset']} math elements not typeset")
        total_imgs += len(info["imgs"])
        total_math += info["mjx"]
    assert not problems, "\n".join(problems)
    assert total_imgs > 0, "no figure anywhere in the book"
    assert total_math > 0, "no typeset equation anywhere in the book (the note's own are expected)"


@pytest.mark.parametrize("width", WIDTHS)  # one test per width: two workers run them side by side
def test_book_reads_at_every_width_and_theme(browser, width):
    """Every page of the book, as on a laptop and a phone, light and dark."""
    _require(bool(pages()), f"no built book at {HTML} (run make book or make test first)")
    problems = _look(browser, HTML, "book", (width,))
    assert not problems, "\n".join(problems)


# --- what the issue asks of the book's pages ------------------------------------------

#: Live figures the whole book must have (issue 12: the claims forest plot, the
#: specification curves, accuracy vs learned parameters, the per-seed benchmark plot).
LIVE_FIGURES_IN_BOOK = 4
#: Of those, the ones on the chapter pages (01-04, 06); the rest are on the audit page.
LIVE_FIGURES_IN_CHAPTERS = 2
AUDIT_PAGE = "05-audit.html"
#: Tables whose last column must show at 1280 px without scrolling the table or the page:
#: page -> ids of the tables' figures (``{glue:figure}`` names).  The claims table is the
#: audit page's to add; a listed id that is missing from its page fails the test.
TABLES_SHOWN_WHOLE = {"02-benchmarks.html": ("tab-bench-options",),
                      "03-parameters.html": ("tab-par-reductions",)}


def _live_count(page: Path) -> int:
    return page.read_text().count('class="live-figure"')


def test_live_figures_across_the_book():
    """At least two live figures on the chapter pages; four in all once the audit page has its own."""
    _require(bool(pages()), f"no built book at {HTML}")
    sections = sorted((HTML / "book").glob("[0-9][0-9]-*.html"))
    audit = [p for p in sections if p.name == AUDIT_PAGE]
    chapters = sum(_live_count(p) for p in sections if p.name not in (AUDIT_PAGE, "00-intro.html"))
    assert chapters >= LIVE_FIGURES_IN_CHAPTERS, f"{chapters} live figures on the chapter pages"
    total = sum(_live_count(p) for p in pages())
    if audit and _live_count(audit[0]) > 0:  # the audit page's figures have landed
        assert total >= LIVE_FIGURES_IN_BOOK, f"{total} live figures in the book"


# Right edge of a table's last header cell against the right edge of its scroll box and window.
LAST_COLUMN = """
const fig = document.getElementById(arguments[0]);
if (!fig) return null;
const table = fig.querySelector('table');
const box = table.closest('.table-scroll') || table.parentElement;
const cells = table.querySelectorAll('thead tr:last-child th');
const last = cells[cells.length - 1].getBoundingClientRect();
return {last: last.right, box: box.getBoundingClientRect().right,
        window: document.documentElement.clientWidth, scroll: box.scrollWidth - box.clientWidth};
"""


def test_key_tables_show_their_last_column_at_1280(browser):
    _require(bool(pages()), f"no built book at {HTML}")
    browser.set_window_size(1280, 900)
    problems = []
    for name, ids in TABLES_SHOWN_WHOLE.items():
        page = HTML / "book" / name
        if not page.exists():
            problems.append(f"{name}: page missing")
            continue
        browser.get(page.as_uri())
        for tid in ids:
            r = browser.execute_script(LAST_COLUMN, tid)
            if r is None:
                problems.append(f"{name}: no table #{tid}")
            elif r["last"] > min(r["box"], r["window"]) + 1 or r["scroll"] > 1:
                problems.append(f"{name}: #{tid}'s last column ends at {r['last']:.0f} px, "
                                f"its box at {r['box']:.0f} px (window {r['window']} px)")
    assert not problems, "\n".join(problems)


# --- quick checks ----------------------------------------------------------------

def test_dark_theme_renders(browser):
    """The theme's dark mode works offline too (the reader's choice is stored locally)."""
    _require(bool(pages()), f"no built book at {HTML} (run make book or make test first)")
    browser.get(pages()[0].as_uri())
    browser.execute_script("document.documentElement.dataset.theme = 'dark';")
    bg = browser.execute_script("return getComputedStyle(document.body).backgroundColor;")
    assert bg not in ("rgb(255, 255, 255)", "rgba(0, 0, 0, 0)"), bg


def test_no_remote_assets_in_html():
    """Static check of every built page: no <script src> or <link href> over http(s)."""
    _require(bool(pages()), f"no built book at {HTML}")
    pattern = re.compile(r"<(?:script|link)\b[^>]*(?:src|href)=\"https?://", re.I)
    bad = [str(p.relative_to(HTML)) for p in HTML.rglob("*.html") if pattern.search(p.read_text())]
    assert not bad, f"pages referring to remote scripts or styles: {bad}"


def test_sections_offer_their_sources():
    """Each section page links its executed .ipynb and its .py source for download."""
    _require(bool(pages()), f"no built book at {HTML}")
    sections = sorted((HTML / "book").glob("[0-9][0-9]-*.html"))
    assert sections
    for page in sections:
        html = page.read_text()
        assert f"{page.stem}.ipynb" in html, f"{page.name}: no .ipynb download"
        assert "Provenance of this page" in html, f"{page.name}: no provenance.block(cfg) at the end"
        assert f"{page.stem}.py" in html, f"{page.name}: provenance block without .py link"


# --- issue 19: every claim one click from its evidence; the explorer ---------------------

INTRO = "00-intro.html"
#: Pages that must hold the multiverse explorer.
EXPLORER_PAGES = (AUDIT_PAGE,)


def cross_page_links(page: Path) -> list[tuple[str, str]]:
    """(target page, fragment) of every link on ``page`` to an element of another page or of
    itself (the short answers link to their paragraphs)."""
    html = page.read_text()
    out = []
    for href in re.findall(r'<a\b[^>]*\bhref="((?:[^"#]+\.html)?)#([^"]+)"', html):
        target, frag = href
        if "://" in target:
            continue
        out.append(((page.parent / (target or page.name)).resolve().as_posix(), frag))
    return list(dict.fromkeys(out))


# Where a link lands: the element, whether it is shown, and where it sits in the window.
LANDS = """
const el = document.getElementById(decodeURIComponent(arguments[0]));
if (!el) return null;
const r = el.getBoundingClientRect();
return {shown: r.height > 0 && getComputedStyle(el).visibility !== 'hidden', top: r.top,
        window: window.innerHeight, tag: el.tagName.toLowerCase()};
"""


def test_every_intro_link_to_an_element_lands_on_it(browser):
    _require(bool(pages()), f"no built book at {HTML}")
    intro = HTML / "book" / INTRO
    assert intro.exists(), f"{INTRO} missing"
    links = cross_page_links(intro)
    assert any(t.endswith(AUDIT_PAGE) for t, _ in links), \
        f"{INTRO} links to no element of {AUDIT_PAGE} (each claim should link to its ledger row)"
    assert any(t.endswith(INTRO) and f.startswith("finding-") for t, f in links), \
        f"{INTRO}'s short answers link to no finding of its own"
    browser.set_window_size(1280, 900)
    problems = []
    for target, frag in links:
        browser.get(Path(target).as_uri() + "#" + frag)
        r = browser.execute_script(LANDS, frag)
        where = f"{INTRO} -> {Path(target).name}#{frag}"
        if r is None:
            problems.append(f"{where}: no element with that id")
        elif not r["shown"]:
            problems.append(f"{where}: the {r['tag']} is not shown")
        elif not -1 <= r["top"] <= r["window"]:
            problems.append(f"{where}: the page did not scroll to it (top {r['top']:.0f} px)")
    assert not problems, "\n".join(problems)


# Switches one select of an explorer to another level; reports what it showed before and after.
SWITCH = """
const box = document.querySelectorAll('.explorer')[arguments[0]];
const text = () => box.querySelector('.explorer-body').innerText + box.querySelector('.explorer-flags').innerText;
const before = text();
const selects = [...box.querySelectorAll('select')].filter(s => s.options.length > 1);
if (!selects.length) return {before: before, after: before, selects: 0};
const s = selects[0];
s.value = String((Number(s.value) + 1) % s.options.length);
s.dispatchEvent(new Event('change'));
return {before: before, after: text(), selects: selects.length,
        width: box.scrollWidth - box.clientWidth};
"""


def _switch_every_explorer(browser, url: str, where: str) -> tuple[int, list[str]]:
    problems, seen = [], 0
    for width in WIDTHS:
        for theme in THEMES:
            browser.set_window_size(width, 900)
            _open_in(browser, url, theme)
            n = browser.execute_script("return document.querySelectorAll('.explorer').length;")
            seen = max(seen, n)
            for i in range(n):
                r = browser.execute_script(SWITCH, i)
                at = f"{where} explorer {i} at {width} px, {theme}"
                if not r["selects"]:
                    problems.append(f"{at}: no axis with two levels to switch")
                elif r["after"] == r["before"]:
                    problems.append(f"{at}: switching a level changed nothing")
                if r.get("width", 0) > 1:
                    problems.append(f"{at}: wider than its box by {r['width']} px")
            problems += [f"{where} at {width} px: console: {e['message'][:200]}"
                         for e in browser.get_log("browser") if e["level"] == "SEVERE"]
            shot = SHOTS / "explorer" / f"{Path(url.split('#')[0]).stem}-{width}-{theme}.png"
            shot.parent.mkdir(parents=True, exist_ok=True)
            browser.save_screenshot(str(shot))
    return seen, problems


def test_explorer_switches_on_a_synthetic_multiverse(browser, tmp_path):
    """The explorer's script, offline, on a page of its own (no book build needed)."""
    sys.path.insert(0, str(REPO / "tests"))
    from test_explorer import synthetic

    from scaffold.palette import css
    from scaffold.runtime.explorer import explorer

    long, curves, readings = synthetic()
    static = (REPO / "book" / "_static").as_uri()
    page = tmp_path / "explorer.html"
    page.write_text(
        "<!doctype html><html><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<link rel='stylesheet' href='{static}/tables.css'><style>{css()}</style>"
        "<style>html[data-theme=dark] body{background:#121212;color:#ddd}</style></head>"
        f"<body>{explorer(long, curves, readings).to_html()}</body></html>")
    seen, problems = _switch_every_explorer(browser, page.as_uri(), "synthetic")
    assert seen == 1 and not problems, "\n".join(problems)


def test_explorer_in_the_book_switches(browser):
    _require(bool(pages()), f"no built book at {HTML}")
    problems = []
    for name in EXPLORER_PAGES:
        page = HTML / "book" / name
        if not page.exists():
            problems.append(f"{name}: page missing")
            continue
        seen, found = _switch_every_explorer(browser, page.as_uri(), name)
        problems += found if seen else [f"{name}: no multiverse explorer on the page"]
    assert not problems, "\n".join(problems)
