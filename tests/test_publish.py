"""The page interface (scaffold.runtime.publish): declared keys, glue names, plurals."""

import pytest

from scaffold.runtime.publish import Keys, Page, count, share

KEYS = Keys(facts=("n-seeds", "verdict"), figures=("curve",), tables=("main",))


def test_page_is_checked_against_its_declaration():
    pg = KEYS.page({"n-seeds": 3, "verdict": "holds"}, {"curve": None}, {"main": None})
    assert isinstance(pg, Page) and pg.keys() == KEYS
    with pytest.raises(KeyError, match="undeclared.*extra"):
        KEYS.page({"n-seeds": 3, "verdict": "holds", "extra": 1}, {"curve": None}, {"main": None})
    with pytest.raises(KeyError, match="missing.*curve"):
        KEYS.page({"n-seeds": 3, "verdict": "holds"}, {}, {"main": None})


def test_glue_names_follow_the_prefix_convention():
    assert KEYS.glue_names("lim") == {"lim-n-seeds", "lim-verdict", "fig-lim-curve", "tab-lim-main"}


def test_page_defaults_are_not_shared():
    a, b = Page({}), Page({})
    a.figures["x"] = 1
    assert b.figures == {}


def test_counts_read_as_words():
    assert [count(k, "cell") for k in (0, 1, 3)] == ["no cells", "one cell", "3 cells"]
    assert count(2, "reading", "readings") == "2 readings"
    assert [share(k, n) for k, n in ((2, 2), (0, 2), (7, 7), (0, 7), (3, 7), (1, 1))] == [
        "both", "neither", "all 7", "none of the 7", "3 of the 7", "the one"]
