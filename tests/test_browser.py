"""Open the built book in headless Chromium, offline, and look at it as a reader would.

Checks, on every page of the site: it loads; every image has loaded
(``naturalWidth > 0``); math is typeset by the bundled MathJax (``mjx-container``
elements, no raw ``\\(`` or ``\\[`` left); and no script or stylesheet comes from
the network.  Across the book there must be at least one figure and one equation.

The site checked is ``$SCAFFOLD_HTML`` (``make test`` points it at the quick
build), else ``_build/html``.  Without Chromium the test is skipped with a
message, except under CI (``CI`` set), where it fails.
"""
from __future__ import annotations

import os
import re
import shutil
import tempfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
DRIVER = "/usr/bin/chromedriver"
HTML = Path(os.environ.get("SCAFFOLD_HTML", REPO / "_build" / "html")).resolve()
IN_CI = os.environ.get("CI", "").lower() not in ("", "0", "false")


def _require(condition: bool, why: str) -> None:
    if not condition:
        if IN_CI:
            pytest.fail(f"{why} (CI is set, so this is a failure, not a skip)")
        pytest.skip(why)


def pages() -> list[Path]:
    if not HTML.is_dir():
        return []
    skip = {"genindex.html", "search.html"}
    return sorted(p for p in HTML.rglob("*.html")
                  if p.name not in skip and "_static" not in p.parts and "_sources" not in p.parts
                  and 'http-equiv="Refresh"' not in p.read_text())  # index.html only redirects


@pytest.fixture(scope="module")
def browser():
    _require(Path(CHROMIUM).exists() and Path(DRIVER).exists(),
             "Chromium not installed (apt-get install chromium chromium-driver)")
    _require(bool(pages()), f"no built book at {HTML} (run make book or make test first)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="chromium-")
    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage", f"--user-data-dir={profile}",
                 # Every network request goes to a dead proxy: the page must not need any.
                 "--proxy-server=127.0.0.1:9", "--proxy-bypass-list=<-loopback>",
                 "--window-size=1200,900"):
        opts.add_argument(flag)
    driver = webdriver.Chrome(service=Service(DRIVER), options=opts)
    driver.set_page_load_timeout(60)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


# Waits for MathJax (if the page loads it) to finish typesetting, then reports.
PROBE = """
const done = arguments[arguments.length - 1];
const report = () => {
  const main = document.querySelector('main') || document.body;
  const imgs = [...main.querySelectorAll('img')].map(i => ({src: i.currentSrc || i.src,
      ok: i.complete && i.naturalWidth > 0}));
  const remote = [...document.querySelectorAll('script[src], link[href][rel~=stylesheet]')]
      .map(e => e.src || e.href).filter(u => /^https?:/.test(u));
  done({title: document.title, imgs: imgs, remote: remote,
        mjx: document.querySelectorAll('mjx-container').length,
        untypeset: [...main.querySelectorAll('.math')].filter(m => !m.querySelector('mjx-container')).length,
        text: main.innerText});
};
if (window.MathJax && MathJax.startup && MathJax.startup.promise) {
  MathJax.startup.promise.then(report, report);
} else if (document.querySelector('script[src*="mathjax"]')) {
  setTimeout(() => (window.MathJax && MathJax.startup ? MathJax.startup.promise : Promise.resolve())
      .then(report, report), 3000);
} else { report(); }
"""


def test_every_page_renders_offline(browser):
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


def test_dark_theme_renders(browser):
    """The theme's dark mode works offline too (the reader's choice is stored locally)."""
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
