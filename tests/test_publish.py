"""The page interface (scaffold.runtime.publish): declared keys, glue names, plurals."""

import pytest

from scaffold import fmt
from scaffold.runtime.publish import Keys, Page, count, in_book_style, setting

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


def test_facts_reach_the_prose_in_the_books_number_style():
    f = in_book_style({"n": 4417, "mean": 0.96875, "nnz": 81.0, "diff": -0.0123, "gain": 0.0031,
                       "word": "holds", "tiny": 4.5e-5, "flag": True}, {"gain": fmt.signed})
    assert f == {"n": "4,417", "mean": "0.969", "nnz": "81", "diff": "\u22120.0123", "gain": "+0.003",
                 "word": "holds", "tiny": "4.50 \u00d7 10\u207b\u2075", "flag": True}


def test_typed_values_keep_their_written_form():
    assert [setting(x) for x in (0.9, 0.019, 4.9, 0.01, 5, 0.024, -0.5)] == [
        "0.9", "0.019", "4.9", "0.01", "5", "0.024", "\u22120.5"]


def test_counts_are_glued_as_the_book_prints_them(monkeypatch):
    import myst_nb

    import importlib

    P = importlib.import_module("scaffold.runtime.publish")  # the package exports the function under that name
    got = {}
    monkeypatch.setattr(myst_nb, "glue", lambda name, value, display=False: got.__setitem__(name, value))
    P.publish({"n-runs": 7420, "flag": True, "share": 0.5, "text": "a"}, "x")
    assert got == {"x-n-runs": "7,420", "x-flag": True, "x-share": 0.5, "x-text": "a"}
