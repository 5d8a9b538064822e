"""Tables for reading: the book's number style, badges, sort orders and a box that fits the page.

:func:`table` turns a tidy DataFrame into HTML a section displays or glues: no
index column, human headers (:data:`HEADERS`, or ``headers=``), numbers in the
book's one style (:mod:`scaffold.fmt`: integer columns as integers with
thousands separators, other numbers to three significant digits, a true minus
sign, ``× 10⁻⁵`` rather than ``e-05``), empty cells as a dash, tasks by their
plain names ("swiss roll"), verdicts as coloured badges (classes ``verdict
verdict-<slug>``, coloured for light and dark by the CSS generated from
:mod:`scaffold.palette`), tasks in the note's order and model labels in numeric
order (H=64 before H=512).

How it sits on the page (``_static/tables.css``):

- the table scrolls sideways inside its own box, never the page, and its first
  column (the claim, the model) stays in view while it does (``position: sticky``);
  a table led by the task and the model keeps both (:data:`NAMES_ROW`);
- ``details=[columns]`` keeps those columns out of the row and puts them in an
  expandable part under it (a ``<details>`` toggle in the first cell, no script);
- ``anchor=`` gives each row an ``id`` (``anchor_prefix`` + value) that other
  pages link to (``05-audit.html#claim-S1``);
- ``key=True`` marks a table the reader must see whole (class ``key-table``):
  the browser test holds it to the text column's width at 1280 px;
- a table of text (:data:`CARD_COLUMNS` long columns or more; ``cards=`` decides
  otherwise) turns each row into a card on a phone: the first cell as its title, the
  others below it, each after its header (``data-label``).

:func:`full_table` is the same table with a filter box and sortable columns
(``_static/tables.js``, shared by every page, no CDN), in a box of bounded height
whose header row stays in view.

Numbered captions: glue the table and cite it with ``{glue:figure}`` and
``:figclass: table``; ``tools/sphinx_readable.py`` makes that a numbered *Table*.
"""

from __future__ import annotations

import hashlib
import html

import pandas as pd

from scaffold import fmt
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
    "condition": "Condition", "share": "Share", "gain": "Difference", "margin": "Margin",
}
DASH = fmt.DASH
#: A table led by the task and then one of these columns keeps both in view while it scrolls
#: sideways (class ``sticky-two``): a row is named by its task and its model together.
NAMES_ROW = ("model", "role", "reading")
#: Text longer than this (characters) wraps in a column of at least 14em; shorter stays on one line.
LONG_TEXT = 30
#: A table with at least this many columns of long text is read row by row on a phone: each
#: row becomes a card (class ``cards``), its cells one under another, each named by its header.
#: Side by side, such columns left a phone's reader a sliver of each and rows a screen tall
#: (two were enough: the intro's verdicts cut their condition off mid-word).
CARD_COLUMNS = 2


def header(name: str, headers: dict | None = None) -> str:
    """Human header of a column: the mapping's, else 'snake_case' -> 'Snake case'."""
    merged = {**HEADERS, **(headers or {})}
    if name in merged:
        return merged[name]
    text = str(name).replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def number(v, digits: int = 3, integer: bool = False) -> str:
    """One number as the book prints it: :func:`scaffold.fmt.num` (``integer``: :func:`~scaffold.fmt.int_`)."""
    if isinstance(v, fmt.BOOLS):
        return fmt.num(v)
    return fmt.int_(v) if integer and not fmt.missing(v) else fmt.num(v, digits)


def integral(col: pd.Series) -> bool:
    """A numeric column whose every value is a whole number (counts stored as floats)."""
    if not pd.api.types.is_numeric_dtype(col) or pd.api.types.is_bool_dtype(col):
        return False
    v = col.dropna()
    return len(v) > 0 and bool(((v % 1) == 0).all()) and bool((v.abs() < 2 ** 53).all())


def badge(verdict, title: str | None = None) -> str:
    """A verdict as a coloured badge; ``title`` (the verdict's definition) shows on hover."""
    if fmt.missing(verdict):
        return DASH
    tip = f' title="{html.escape(title, quote=True)}"' if title else ""
    return (f'<span class="verdict verdict-{style.slug(verdict)}"{tip}>'
            f'{html.escape(str(verdict))}</span>')


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


def _text(v) -> str:
    return DASH if fmt.missing(v) else html.escape(str(v))


class Table:
    """A formatted table; display it, or glue it and place it with glue:figure (``:figclass: table``).

    ``details``: columns shown not in the row but in an expandable part under it.
    ``anchor``: a column (then not shown) or a sequence of strings, one per row, that
    becomes each row's ``id`` after ``anchor_prefix``.  ``raw``: columns that already
    hold HTML (links the page made); they are inserted as they are.  ``verdict_titles``:
    verdict -> definition, shown when the reader points at a badge.  ``key``: a table
    the reader must see whole at 1280 px (see the module docstring).  ``cards``: rows as
    cards on a phone (default: when :data:`CARD_COLUMNS` or more columns hold long text).
    """

    def __init__(self, df: pd.DataFrame, headers: dict | None = None, sort=None,
                 verdict: str = "verdict", digits: int = 3, caption: str | None = None,
                 sortable: bool = False, details=None, anchor=None, anchor_prefix: str = "",
                 raw=(), verdict_titles: dict | None = None, key: bool = False,
                 cards: bool | None = None):
        df = df.reset_index(drop=True)
        if anchor is not None and not isinstance(anchor, str):
            df = df.assign(_anchor=[str(a) for a in anchor])
            anchor = "_anchor"
        self.df = ordered(df, sort).reset_index(drop=True)
        self.headers, self.verdict, self.digits = headers, verdict, digits
        self.caption, self.sortable, self.key = caption, sortable, key
        self.details = [c for c in (details or ()) if c in self.df.columns]
        self.anchor, self.anchor_prefix = anchor, anchor_prefix
        self.raw, self.verdict_titles = set(raw), verdict_titles or {}
        hidden = set(self.details) | ({anchor} if anchor else set())
        self.columns = [c for c in self.df.columns if c not in hidden]
        self.kinds = {c: self.kind(c) for c in self.columns}
        self.cards = (sum(k == "long" for k in self.kinds.values()) >= CARD_COLUMNS if cards is None else cards)

    # --- cells ---------------------------------------------------------------------

    def formatter(self, c: str):
        """The function that writes column ``c``'s cells as HTML."""
        col = self.df[c]
        if c == self.verdict:
            return lambda v: badge(v, self.verdict_titles.get(v))
        if c in self.raw:
            return lambda v: DASH if fmt.missing(v) else str(v)
        if pd.api.types.is_bool_dtype(col):
            return lambda v: number(v)
        if pd.api.types.is_numeric_dtype(col):
            whole = integral(col)
            return lambda v: number(v, self.digits, integer=whole)
        if c == "task":
            return lambda v: _text(v if fmt.missing(v) else style.task_label(v))
        return _text

    def kind(self, c: str) -> str:
        """CSS class of a column's cells: num (right-aligned), long (wraps) or short (one line)."""
        col = self.df[c]
        if pd.api.types.is_numeric_dtype(col) and not pd.api.types.is_bool_dtype(col):
            return "num"
        if c == self.verdict:
            return "short"
        if c in self.raw:  # HTML (a link): its visible text decides
            col = col.astype(str).str.replace(r"<[^>]+>", "", regex=True)
        return "long" if col.astype(str).str.len().max() > LONG_TEXT else "short"

    # --- HTML ----------------------------------------------------------------------

    def _details(self, i: int, span: int) -> str:
        items = "".join(f"<div><dt>{html.escape(header(c, self.headers))}</dt>"
                        f"<dd>{self.formatter(c)(self.df.at[i, c])}</dd></div>" for c in self.details)
        return (f'<tr class="row-details"><td colspan="{span}"><dl class="row-details-list">'
                f"{items}</dl></td></tr>")

    def to_html(self) -> str:
        df, cols = self.df, self.columns
        fmts = {c: self.formatter(c) for c in cols}
        kinds = self.kinds
        classes = ["scaffold-table"] + (["sortable"] if self.sortable else []) \
            + (["key-table"] if self.key else []) + (["has-details"] if self.details else []) \
            + (["sticky-two"] if cols[:1] == ["task"] and cols[1:2] and cols[1] in NAMES_ROW else []) \
            + (["cards"] if self.cards else [])
        # An id from the content keeps re-executed notebooks byte-identical and ids unique per page.
        uid = hashlib.sha1(df.to_json().encode()).hexdigest()[:8]
        out = [f'<table class="{" ".join(classes)}" id="T_{uid}">']
        if self.caption:
            out.append(f"<caption>{html.escape(self.caption)}</caption>")
        out.append("<thead><tr>" + "".join(
            f'<th scope="col" class="{kinds[c]}">{html.escape(header(c, self.headers))}</th>'
            for c in cols) + "</tr></thead><tbody>")
        more = ", ".join(header(c, self.headers) for c in self.details)
        for i in range(len(df)):
            rid = (f' id="{html.escape(self.anchor_prefix + str(df.at[i, self.anchor]), quote=True)}"'
                   if self.anchor else "")
            cells = []
            for k, c in enumerate(cols):
                body = fmts[c](df.at[i, c])
                if k == 0 and self.details:
                    body += (f'<details class="row-more"><summary title="{html.escape(more, quote=True)}">'
                             "more</summary></details>")
                tag = "th scope=\"row\"" if k == 0 else "td"
                # a card names each cell but its title by the column's header
                label = (f' data-label="{html.escape(header(c, self.headers), quote=True)}"'
                         if self.cards and k > 0 else "")
                cells.append(f'<{tag} class="{kinds[c]}"{label}>{body}</{tag.split()[0]}>')
            out.append(f"<tr{rid}>" + "".join(cells) + "</tr>")
            if self.details:
                out.append(self._details(i, len(cols)))
        out.append("</tbody></table>")
        box = f'<div class="table-scroll" tabindex="0">{"".join(out)}</div>'
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
    """A table for reading (see :class:`Table` for the options).

    The ledger's form: ``table(df, details=["reported", "ours", "lo", "hi", ...],
    anchor="claim_id", anchor_prefix="claim-", key=True)``.
    """
    return Table(df, **kw)


def full_table(df: pd.DataFrame, **kw) -> Table:
    """The same, with a filter box and click-to-sort headers (for a long ledger)."""
    return Table(df, sortable=True, **kw)
