"""Publishing a chapter's page: one object, one call, one prefix per chapter.

A chapter module exposes ``page(cfg) -> Page``: its facts (numbers, short
phrases, whole computed sentences, download links), its figures and its tables,
each a mapping from a key named by its role.  The notebook publishes it in one
call, ``publish_page(chapter.page(cfg), "PREFIX")``, and the prose refers to

- a fact as ``{glue:text}`PREFIX-KEY```,
- a figure as ``{glue:figure}`fig-PREFIX-KEY```,
- a table as ``{glue:}`tab-PREFIX-KEY```.

Each chapter module also declares the keys its page produces (:class:`Keys`,
conventionally ``KEYS``) and builds its page through :meth:`Keys.page`, which
refuses a page whose keys differ from the declaration.  The declaration is what
``tests/test_glue_keys.py`` reads, without building anything, to check that every
key the book quotes is produced and every produced fact is quoted.

A page whose tables exist only when their data do (the appendix's timings: a
benchmark report may have any of its parts, or none) places them from a computed
passage, a fact the notebook quotes with ``{glue:md}``: ``Keys(placed={passage:
tables})`` declares which tables each passage may place.  Those tables may be
missing from a page, and count as quoted where their passage is.

Numbers reach the prose in the book's one style: :func:`in_book_style` passes a
page's facts through :mod:`scaffold.fmt` (thousands separators, a true minus,
three significant digits), so a notebook quotes ``{glue:text}`PREFIX-KEY``` with
no format of its own.  Counts that a sentence states go through :func:`count`
("no cells", "one cell", "3 cells", never "1 cells"); shares through
:func:`scaffold.fmt.share` with ``words=True`` ("all 7", "none of 7").
"""

from __future__ import annotations

import numbers
from collections.abc import Mapping
from dataclasses import dataclass, field

from ..fmt import count  # noqa: F401 - the one pluraliser lives with the number style

from .. import fmt


@dataclass
class Page:
    """What a chapter publishes: facts, figures and tables, each keyed by role."""

    facts: dict
    figures: dict = field(default_factory=dict)
    tables: dict = field(default_factory=dict)

    def keys(self) -> "Keys":
        """The keys this page carries, as a :class:`Keys` (for comparing with a declaration)."""
        return Keys(tuple(self.facts), tuple(self.figures), tuple(self.tables))


@dataclass(frozen=True)
class Keys:
    """The keys a chapter's page produces, declared once in its module (``KEYS``).

    :meth:`page` builds the page and fails if its keys differ from the declaration,
    so the static glue-key test can trust the declaration.
    """

    facts: tuple = ()
    figures: tuple = ()
    tables: tuple = ()
    #: passage (a fact) -> the tables it places itself, only when they have data.
    placed: Mapping = field(default_factory=dict, compare=False)

    def __post_init__(self):
        loose = {t for ts in self.placed.values() for t in ts} - set(self.tables)
        if set(self.placed) - set(self.facts) or loose:
            raise KeyError(f"placed: passages {sorted(set(self.placed) - set(self.facts))} are not facts, "
                           f"tables {sorted(loose)} are not tables")

    def page(self, facts: Mapping, figures: Mapping | None = None, tables: Mapping | None = None) -> Page:
        """A :class:`Page` of these mappings, checked against the declared keys
        (a table a passage places may be missing)."""
        pg = Page(dict(facts), dict(figures or {}), dict(tables or {}))
        optional = {t for ts in self.placed.values() for t in ts}
        for part in ("facts", "figures", "tables"):
            got, want = set(getattr(pg, part)), set(getattr(self, part))
            missing = want - got - (optional if part == "tables" else set())
            if got - want or missing:
                raise KeyError(f"page {part} differ from the declaration: "
                               f"undeclared {sorted(got - want)}, missing {sorted(missing)}")
        return pg

    def glue_names(self, prefix: str) -> set[str]:
        """Every glue name :func:`publish_page` gives a page with these keys under ``prefix``."""
        return ({f"{prefix}-{k}" for k in self.facts} | {f"fig-{prefix}-{k}" for k in self.figures}
                | {f"tab-{prefix}-{k}" for k in self.tables})

    def placed_names(self, prefix: str) -> dict[str, set[str]]:
        """Passage glue name -> the glue names of the tables it places, under ``prefix``."""
        return {f"{prefix}-{p}": {f"tab-{prefix}-{t}" for t in ts} for p, ts in self.placed.items()}


def publish_page(page: Page, prefix: str) -> list[str]:
    """Glue a page: facts as ``PREFIX-KEY``, figures as ``fig-PREFIX-KEY``, tables as
    ``tab-PREFIX-KEY``; returns the glue names."""
    return (publish(page.facts, prefix) + publish(page.figures, f"fig-{prefix}")
            + publish(page.tables, f"tab-{prefix}"))


def names(facts: Mapping, prefix: str) -> list[str]:
    """The glue names :func:`publish` gives ``facts`` (``PREFIX-KEY``)."""
    return [f"{prefix}-{key}" for key in facts]


def publish(facts: Mapping, prefix: str) -> list[str]:
    """Glue every entry of ``facts`` as ``PREFIX-KEY`` without displaying it; returns the names.

    Figures are closed once glued, so that they are not also drawn at the end
    of the cell.
    """
    from matplotlib.figure import Figure
    from myst_nb import glue

    for name, value in zip(names(facts, prefix), facts.values()):
        if isinstance(value, numbers.Integral) and not isinstance(value, fmt.BOOLS):
            value = fmt.int_(value)  # a count reads as the book prints counts: 7,420, not 7420
        glue(name, value, display=False)
        if isinstance(value, Figure):
            import matplotlib.pyplot as plt

            plt.close(value)
    return names(facts, prefix)


def setting(x) -> str:
    """A typed value (a configured rate, a reported number) as it was written: ``0.9``, ``0.019``,
    ``4.9``, without the trailing zeros that :func:`scaffold.fmt.num` keeps for measured values."""
    text = fmt.num(x, 6)
    if "." in text and "×" not in text:
        text = text.rstrip("0").rstrip(".")
    return text


def settings(*keys) -> dict:
    """``{key: setting}`` for :func:`in_book_style`'s ``styles``."""
    return dict.fromkeys(keys, setting)


def in_book_style(facts: Mapping, styles: Mapping | None = None) -> dict:
    """The facts as the page prints them: whole numbers through :func:`scaffold.fmt.int_`, other
    numbers through :func:`scaffold.fmt.num` (three significant digits), the rest unchanged.

    ``styles``: key -> a function for the facts that need another form (a signed
    difference: ``fmt.signed``; a margin to one digit: ``lambda x: fmt.num(x, 1)``).
    """
    styles = styles or {}
    out = {}
    for key, value in facts.items():
        if key in styles:
            out[key] = styles[key](value)
        elif isinstance(value, bool) or not isinstance(value, numbers.Real):
            out[key] = value
        elif float(value).is_integer():
            out[key] = fmt.int_(value)
        else:
            out[key] = fmt.num(value)
    return out
