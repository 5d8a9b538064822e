"""Static check of every page's glue keys (no build, no computation).

Each chapter module declares the keys its page produces (``KEYS``, a
:class:`scaffold.runtime.publish.Keys`; :meth:`Keys.page` refuses a page that differs
from it), and its notebook publishes the page with ``publish_page(..., "PREFIX")``.
From the declaration and the prefix this test knows every glue name a page makes,
and from the notebook's text every glue name it quotes: each quoted name must be
produced, and each produced name quoted.  A page whose notebook or chapter module is
not on this interface yet is marked xfail, with the reason, until it is.
"""

import importlib
import re
from pathlib import Path

import pytest

BOOK = Path(__file__).resolve().parents[1] / "book"
PAGES = sorted(p for p in BOOK.glob("[0-9][0-9]-*.py"))
#: ``{glue}`name```, ``{glue:text}`name:.2f```, ``{glue:md}`name:myst``` ...
ROLE = re.compile(r"\{glue(?::[a-z]+)?\}`([^`:]+)(?::[^`]*)?`")
#: ```` ```{glue:figure} name ```` (figures and tables)
DIRECTIVE = re.compile(r"\{glue(?::[a-z]+)?\}[ \t]+([^\s`]+)")
PUBLISH = re.compile(r"publish_page\((?P<page>[^\n]*?),\s*[\"'](?P<prefix>[\w-]+)[\"']\)")
CHAPTER = re.compile(r"from scaffold\.chapters import (\w+)")


#: A fact shown whole from code: ``display(Markdown(pg.facts["findings"]))``.
SHOWN = re.compile(r"pg\.facts\[[\"']([\w-]+)[\"']\]")


def quoted(text: str) -> set[str]:
    """Every glue name a notebook's text quotes (or shows whole from its code)."""
    pub = PUBLISH.search(text)
    shown = {f"{pub.group('prefix')}-{k}" for k in SHOWN.findall(text)} if pub else set()
    return set(ROLE.findall(text)) | set(DIRECTIVE.findall(text)) | shown


def produced(path: Path) -> set[str]:
    """Every glue name the page of notebook ``path`` produces, read from its chapter's ``KEYS``.

    Calls :func:`pytest.xfail` when the page is not on the page interface yet.
    """
    text = path.read_text()
    pub, chapter = PUBLISH.search(text), CHAPTER.search(text)
    if not (pub and chapter):
        pytest.xfail(f"{path.name} does not publish one page with publish_page(chapter.page(cfg), PREFIX)")
    module = importlib.import_module(f"scaffold.chapters.{chapter.group(1)}")
    keys = getattr(module, "KEYS", None)
    if keys is None:
        pytest.xfail(f"scaffold.chapters.{chapter.group(1)} declares no KEYS yet")
    return keys.glue_names(pub.group("prefix"))


def test_the_patterns_read_every_form_of_glue():
    text = ("{glue:text}`lim-a:.2f` and {glue}`lim-b` {glue:md}`lim-c:myst`\n"
            "```{glue:figure} fig-lim-d\n:name: fig-lim-d\n```\n{numref}`tab-lim-e`")
    assert quoted(text) == {"lim-a", "lim-b", "lim-c", "fig-lim-d"}
    m = PUBLISH.search('publish_page(limitations.page(cfg), "lim");')
    assert m and m.group("prefix") == "lim"


@pytest.mark.parametrize("path", PAGES, ids=lambda p: p.stem)
def test_every_quoted_key_is_produced(path):
    missing = quoted(path.read_text()) - produced(path)
    assert not missing, f"{path.name} quotes glue its page does not produce: {sorted(missing)}"


@pytest.mark.parametrize("path", PAGES, ids=lambda p: p.stem)
def test_every_produced_key_is_quoted(path):
    unused = produced(path) - quoted(path.read_text())
    assert not unused, f"{path.name}'s page produces glue it never quotes: {sorted(unused)}"


def test_every_numbered_reference_has_a_target():
    """A ``{numref}`` to a figure or table that no page names would print as a broken link."""
    text = "\n".join(p.read_text() for p in PAGES)
    names = set(re.findall(r":name:\s*(\S+)", text))
    refs = set(re.findall(r"\{numref\}`(?:[^`<]*<)?([^`>]+)>?`", text))
    assert not refs - names, sorted(refs - names)
