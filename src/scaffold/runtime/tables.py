"""Tables for reading: pandas Styler with the book's formats, badges and sort orders.

:func:`table` turns a tidy DataFrame into HTML a section displays or glues: no
index column, human headers (:data:`HEADERS`, or ``headers=``), integer columns
as integers, other numbers to about three significant digits in one notation
(a true minus sign, ``× 10⁻⁵`` rather than ``e-05``), empty cells as a dash,
verdicts as coloured badges (classes ``verdict verdict-<slug>``, coloured for light
and dark by the CSS generated from :mod:`scaffold.runtime.style`), tasks in the
note's order and model labels in numeric order (H=64 before H=512).  The table
sits in its own horizontal scroll box so a phone scrolls the table, not the page.

:func:`full_table` is the same table with a filter box and sortable columns
(``_static/tables.js``, shared by every page, no CDN).

Numbered captions: glue the table and cite it with ``{glue:figure}`` and
``:figclass: table``; ``tools/sphinx_readable.py`` makes that a numbered *Table*.
"""

from __future__ import annotations

import hashlib
import html
import math
import numbers
import re

import pandas as pd
from pandas.io.formats.style import Styler

from scaffold.runtime import style

#: snake_case column -> header a reader sees.  ``headers=`` adds to or overrides it per table.
HEADERS = {
    "claim_id": "ID", "claim": "Claim", "reported": "Note", "ours": "Ours",
    "lo": "95% CI low", "hi": "95% CI high", "seeds": "Seeds", "n_seeds": "Seeds",
    "test": "Test", "verdict": "Verdict", "why": "Why", "task": "Task", "model": "Model",
    "reading": "Reading", "mean": "Mean", "sd": "SD", "diff": "Difference",
    "val_metric": "Validation", "test_metric": "Test", "learned": "Learned parameters",
    "params": "Parameters", "macs": "Multiply-accumulates", "p": "p", "t_p": "t-test p",
    "lr": "Learning rate", "epochs": "Epochs", "width": "Width", "n": "n",
}
DASH = "–"
_SUP = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def header(name: str, headers: dict | None = None) -> str:
    """Human header of a column: the mapping's, else 'snake_case' -> 'Snake case'."""
    merged = {**HEADERS, **(headers or {})}
    if name in merged:
        return merged[name]
    text = str(name).replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def number(v, digits: int = 3, integer: bool = False) -> str:
    """One number as the book prints it (see the module docstring)."""
    if v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NA:
        return DASH
    if isinstance(v, bool):
        return "yes" if v else "no"
    x = float(v)
    if math.isinf(x):
        text = "∞" if x > 0 else "-∞"
    elif integer or (isinstance(v, numbers.Integral)):
        text = f"{round(x):,}"
    elif x == 0:
        text = "0"
    elif abs(x) >= 10 ** digits:
        text = f"{x:,.0f}"
    elif abs(x) >= 1e-3:
        text = f"{x:#.{digits}g}".rstrip(".")
    else:
        mant, exp = f"{x:.{digits - 1}e}".split("e")
        text = f"{mant} × 10{str(int(exp)).translate(_SUP)}"
    return text.replace("-", "−")


def integral(col: pd.Series) -> bool:
    """A numeric column whose every value is a whole number (counts stored as floats)."""
    if not pd.api.types.is_numeric_dtype(col) or pd.api.types.is_bool_dtype(col):
        return False
    v = col.dropna()
    return len(v) > 0 and bool(((v % 1) == 0).all()) and bool((v.abs() < 2 ** 53).all())


def badge(verdict) -> str:
    if verdict is None or (isinstance(verdict, float) and math.isnan(verdict)):
        return DASH
    return f'<span class="verdict verdict-{style.slug(verdict)}">{html.escape(str(verdict))}</span>'


def ordered(df: pd.DataFrame, by=None) -> pd.DataFrame:
    """Rows sorted by ``by`` (default: task then model, where present) in the book's orders."""
    by = [c for c in (by or ("task", "model")) if c in df.columns]
    if not by:
        return df

    def key(col: pd.Series) -> pd.Series:
        if pd.api.types.is_numeric_dtype(col):
            return col
        s = col.astype(str)
        if col.name == "task":
            order = style.task_order(s)
        elif col.name in ("model", "label"):
            order = style.model_order(s)
        else:
            order = sorted(s.unique(), key=style.natural_key)
        return s.map({v: i for i, v in enumerate(order)})

    return df.sort_values(by, key=key, kind="stable")


class Table:
    """A formatted table; display it, or glue it and place it with glue:figure (``:figclass: table``)."""

    def __init__(self, df: pd.DataFrame, headers: dict | None = None, sort=None,
                 verdict: str = "verdict", digits: int = 3, caption: str | None = None,
                 sortable: bool = False):
        self.df = ordered(df.reset_index(drop=True), sort).reset_index(drop=True)
        self.headers, self.verdict, self.digits = headers, verdict, digits
        self.caption, self.sortable = caption, sortable

    def styler(self):
        df = self.df
        fmt = {}
        for c in df.columns:
            if c == self.verdict:
                fmt[c] = badge
            elif pd.api.types.is_numeric_dtype(df[c]) and not pd.api.types.is_bool_dtype(df[c]):
                fmt[c] = (lambda v, i=integral(df[c]): number(v, self.digits, integer=i))
            else:
                fmt[c] = lambda v: DASH if v is None or (isinstance(v, float) and math.isnan(v)) \
                    else html.escape(str(v))
        # Numbers align right; long text gets a minimum width so that a phone scrolls
        # the table rather than squeezing a sentence to one word per line.
        # Short text (a label, an interval) stays on one line.
        classes = pd.DataFrame({c: "num" if pd.api.types.is_numeric_dtype(df[c])
                                else "long" if df[c].astype(str).str.len().max() > 30 else "short"
                                for c in df.columns}, index=df.index)
        # A uuid from the content keeps re-executed notebooks byte-identical and ids unique per page.
        uid = hashlib.sha1(df.to_json().encode()).hexdigest()[:8]
        st = (Styler(df, uuid=uid).format(fmt).hide(axis="index").set_td_classes(classes)
              .relabel_index([header(c, self.headers) for c in df.columns], axis="columns"))
        if self.caption:
            st = st.set_caption(html.escape(self.caption))
        return st

    def to_html(self) -> str:
        cls = "scaffold-table sortable" if self.sortable else "scaffold-table"
        body = self.styler().set_table_attributes(f'class="{cls}"').to_html(cell_ids=False)
        body = re.sub(r'<style type="text/css">\s*</style>\s*', "", body)
        box = f'<div class="table-scroll" tabindex="0">{body}</div>'
        if not self.sortable:
            return box
        # The filter box and the table share one wrapper so that tables.js can pair them.
        return ('<div class="table-box"><div class="table-tools">'
                '<input type="search" class="table-filter" placeholder="Filter rows" '
                f'aria-label="Filter rows"><span class="table-count"></span></div>{box}</div>')

    def _repr_html_(self) -> str:
        return self.to_html()

    def _repr_mimebundle_(self, include=None, exclude=None):
        return {"text/html": self.to_html(), "text/plain": self.df.to_string(index=False)}


def table(df: pd.DataFrame, **kw) -> Table:
    """A table for reading (see :class:`Table` for the options)."""
    return Table(df, **kw)


def full_table(df: pd.DataFrame, **kw) -> Table:
    """The same, with a filter box and click-to-sort headers (for a long ledger)."""
    return Table(df, sortable=True, **kw)
