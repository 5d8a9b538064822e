"""Specification curve: every estimate of one quantity, sorted, over the choices that produced it.

Top panel: one point per reading (a specification), the estimate with its 95%
interval, in increasing order.  A point is drawn by its verdict -- solid ink:
holds, an ink cross: contradicted, a grey ring: unsupported (:func:`style.verdict_look`;
no model's colour) -- over a grey band of +-margin, the differences too small to
matter.  Readings consistent with the note's numbers stand in a pale yellow column
(``consistent``), the named readings (literal, repaired) carry their model's ring
and name (``named``), and readings whose model never trains are faint and hollow
(``degenerate``): they are shown but outside the verdict counts.

Bottom panel: a dot matrix, one row per level of each choice ("DG mask: one input
per DG unit"), a dot where that reading uses the level.  Reading across a row shows
whether one choice drives the result (Simonsohn, Simmons & Nelson 2020).  Choices
that are axes of :mod:`scaffold.readings` are named by their titles and their
levels in plain words (``Level.plain``).

On a phone (under :data:`scaffold.runtime.live.NARROW_PX`) the live figure turns on
its side: one reading per line, the estimate across, the levels in the tooltip.

:func:`how_to_read` draws the annotated example that goes above a page's first curve.
"""

from __future__ import annotations

import html
import textwrap

import numpy as np
import pandas as pd

from scaffold import fmt
from scaffold.runtime import style
from scaffold.runtime.live import LiveFigure, layout
from scaffold.runtime.static import static

#: Interval wholly above / wholly below the reference / across it (a curve without verdicts).
SIDE_VERDICT = {"above": "holds", "below": "contradicted", "across": "unsupported"}
#: Legend words for each kind of point.
LEGEND = {"holds": "holds", "contradicted": "contradicted", "unsupported": "unsupported",
          "uninformative": "uninformative", "untestable": "untestable",
          "above": "interval above 0", "below": "interval below 0", "across": "interval across 0"}
DEGENERATE_WORDS = "degenerate (never trains; not counted)"
CONSISTENT_WORDS = "consistent with the note's numbers"
XLABEL = "readings, sorted by the difference"


def sides(df: pd.DataFrame, lo: str, hi: str, reference: float) -> pd.Series:
    """'above', 'below' or 'across' per row, from its interval and the reference."""
    side = pd.Series("across", index=df.index)
    side[df[lo] > reference] = "above"
    side[df[hi] < reference] = "below"
    return side


def _axis(col: str):
    """The readings axis named ``col``, if it is one (title and plain level names)."""
    try:
        from scaffold.readings import AXIS
    except ImportError:  # pragma: no cover - the library is always there in the book
        return None
    return AXIS.get(col)


def axis_title(col: str, names: dict | None = None) -> str:
    """A choice's name: ``names``'s, else the readings axis's title, else the column."""
    if names and col in names:
        return names[col]
    ax = _axis(col)
    return ax.title if ax is not None else str(col)


def level_str(level) -> str:
    """A level as the readings name it: a CSV's 1.0 is the level "1", its 0.5 stays "0.5"."""
    if isinstance(level, float) and level.is_integer():
        return str(int(level))
    return str(level)


def level_name(col: str, level, levels: dict | None = None) -> str:
    """A level in plain words: ``levels[col][level]``, else the axis level's ``plain``, else as is."""
    if levels and col in levels and level in levels[col]:
        return levels[col][level]
    ax = _axis(col)
    if ax is not None:
        try:
            return getattr(ax.level(level_str(level)), "plain", "") or level_str(level)
        except KeyError:
            pass
    return level_str(level)


def named_readings(df: pd.DataFrame, axes=None) -> list[str]:
    """Per row, "literal" or "repaired" where the row is that named reading on every axis it
    has (:data:`scaffold.readings.NAMED`), else "": the ``named`` column of :func:`spec_curve`."""
    try:
        from scaffold.readings import NAMED
    except ImportError:
        return [""] * len(df)
    out = []
    for _, r in df.iterrows():
        name = ""
        for n, reading in NAMED.items():
            keys = [k for k in (axes or dict(reading.levels)) if k in df and not fmt.missing(r[k])]
            try:
                if keys and all(level_str(r[k]) == reading[k] for k in keys):
                    name = n
                    break
            except KeyError:
                continue
        out.append(name)
    return out


def matrix_rows(df: pd.DataFrame, choices: list[str]) -> list[tuple[str, object]]:
    """(choice, level) for every level present: choices in the given order, levels in the
    column's categorical order if it has one, else in order of first appearance (the order
    in which the readings list them)."""
    def levels(col):
        if isinstance(col.dtype, pd.CategoricalDtype):
            return [v for v in col.cat.categories if (col == v).any()]
        return list(dict.fromkeys(col.dropna()))
    return [(c, lev) for c in choices for lev in levels(df[c])]


def _flag(d: pd.DataFrame, col: str | None) -> np.ndarray:
    if not col or col not in d:
        return np.zeros(len(d), bool)
    return d[col].fillna(False).astype(bool).to_numpy()


def _named(d: pd.DataFrame, col: str | None) -> list[str]:
    """Per row, the reading's name ("literal") or ""; a boolean column names it by ``reading``."""
    if not col or col not in d:
        return [""] * len(d)
    v = d[col]
    if pd.api.types.is_bool_dtype(v):
        label = d["reading"].astype(str) if "reading" in d else pd.Series("named", index=d.index)
        return [lab if flag else "" for flag, lab in zip(v.fillna(False), label)]
    return ["" if fmt.missing(x) or x is False else str(x) for x in v]


def _named_look(name: str):
    """The model a named reading is: "literal" -> HSN (literal)'s colour; else ink."""
    for label in (f"HSN ({name})", name):
        if label in style._NAMED:
            return style._NAMED[label].color
    return style.INK[0]


def _mpl_marker(look: dict) -> dict:
    """matplotlib scatter keywords for a verdict's mark (line marks such as x take one colour)."""
    if look["marker"] in ("x", "_", "+", "|"):
        return dict(marker=look["marker"], c=[look["color"]])
    return dict(marker=look["marker"], facecolors=look["color"] if look["filled"] else "none",
                edgecolors=look["color"])


def _short(x: float) -> str:
    """A stated constant (a margin) with no more digits than it has: 0.01, 0.025."""
    for d in (1, 2, 3):
        if float(fmt.num(x, d).replace(fmt.MINUS, "-").replace(",", "")) == x:
            return fmt.num(x, d)
    return fmt.num(x)


def _wrap(text: str, width: int, sep: str = "<br>") -> str:
    """An axis title on lines of about ``width`` characters, broken after a comma where it can be
    (never between "HSN −" and "dense MLP")."""
    if len(text) <= width:
        return text
    cut = text.rfind(", ", 0, width + 1)
    if cut > width // 3:
        return text[:cut + 1] + sep + _wrap(text[cut + 2:], width, sep)
    return sep.join(textwrap.wrap(text, width))


def prepare(df: pd.DataFrame, estimate: str, lo: str, hi: str, choices: list[str], reference: float,
            verdict: str | None, margin, consistent, named, degenerate) -> tuple[pd.DataFrame, float | None]:
    """The rows sorted, with ``_rank``, ``_kind`` (verdict or side), the flags and the margin."""
    d = df.sort_values(estimate, kind="stable").reset_index(drop=True)
    d["_rank"] = np.arange(len(d))
    if verdict and verdict in d:
        d["_kind"] = d[verdict].fillna("untestable").astype(str)
    else:
        d["_kind"] = sides(d, lo, hi, reference)
    d["_degenerate"] = _flag(d, degenerate)
    d["_consistent"] = _flag(d, consistent)
    d["_named"] = _named(d, named)
    if isinstance(margin, str):
        m = float(d[margin].dropna().iloc[0]) if margin in d and d[margin].notna().any() else None
    else:
        m = None if margin is None else float(margin)
    return d, m


def _hover(d, estimate, lo, hi, choices, names, levels, ylabel, verdict_col) -> list[str]:
    out = []
    for _, r in d.iterrows():
        head = f"<b>{fmt.signed(r[estimate])}</b> [{fmt.signed(r[lo])}, {fmt.signed(r[hi])}]"
        lines = [head]
        if verdict_col and verdict_col in d:
            lines.append(f"verdict: {r['_kind']}")
        if r["_named"]:
            lines.append(f"the {r['_named']} reading")
        if r["_consistent"]:
            lines.append(CONSISTENT_WORDS)
        if r["_degenerate"]:
            why = r.get("degenerate_why", "") if "degenerate_why" in d else ""
            lines.append("degenerate" + (f": {why}" if isinstance(why, str) and why else ""))
        lines += [f"{axis_title(c, names)}: {level_name(c, r[c], levels)}" for c in choices]
        out.append("<br>".join(lines))
    return out


def _groups(d):
    """(legend words, rows, look) per kind of point: degenerate first (drawn under), then verdicts."""
    out = []
    deg = d[d._degenerate]
    if len(deg):
        out.append((DEGENERATE_WORDS, deg, dict(color=style.DEGENERATE[0], symbol="circle-open",
                                                marker="o", filled=False)))
    live_rows = d[~d._degenerate]
    order = ["holds", "unsupported", "uninformative", "contradicted", "untestable", "above", "across", "below"]
    kinds = sorted(live_rows._kind.unique(), key=lambda k: order.index(k) if k in order else len(order))
    for k in kinds:
        look = style.verdict_look(SIDE_VERDICT.get(k, k))
        out.append((LEGEND.get(k, k), live_rows[live_rows._kind == k], look))
    return out


def spec_curve(df: pd.DataFrame, estimate: str, lo: str, hi: str, choices: list[str],
               reference: float = 0.0, ylabel: str = "", alt: str = "", *,
               verdict: str | None = "verdict", margin="margin", consistent: str | None = "consistent",
               named: str | None = "named", degenerate: str | None = "degenerate",
               names: dict | None = None, levels: dict | None = None,
               xlabel: str = XLABEL) -> LiveFigure:
    """The specification curve of ``df`` (one row per reading), live and static.

    ``verdict``: column of verdict words that decides each point's mark (without it, the
    interval's side of ``reference``).  ``margin``: a number or a column; draws the band
    ``reference +- margin``.  ``consistent``, ``degenerate``: optional boolean columns;
    ``named``: optional column of reading names ("literal", "repaired"; "" for none) or a
    boolean column (then named by its ``reading`` column).  ``names``: column -> title
    (default: the readings axis's title); ``levels``: column -> {level: plain words}
    (default: ``Level.plain``).  ``ylabel`` names the difference with its units, e.g.
    "difference in test accuracy, HSN − dense MLP".
    """
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    d, m = prepare(df, estimate, lo, hi, choices, reference, verdict, margin, consistent, named, degenerate)
    rows = matrix_rows(d, choices)
    row_names = [f"{axis_title(c, names)}: {level_name(c, lev, levels)}" for c, lev in rows]
    hover = _hover(d, estimate, lo, hi, choices, names, levels, ylabel, verdict)
    # A choice mark's row already names its level: its tooltip keeps the value and the verdict.
    # (With every level in it, each reading's text was repeated once per row: the audit page
    # weighed 3.48 MB, 2.47 MB without the repeats.)
    short = ["<br>".join(h.split("<br>")[:2]) for h in hover]
    groups = _groups(d)

    top_px, bottom_px = 300, 22 * len(rows) + 40
    fig = make_subplots(rows=2, cols=1, shared_xaxes=True, vertical_spacing=0.04,
                        row_heights=[top_px, bottom_px])
    for words, s, look in groups:
        faint = words == DEGENERATE_WORDS
        fig.add_trace(go.Scatter(
            x=s._rank, y=s[estimate], mode="markers", name=words, legendgroup=words,
            marker=dict(color=look["color"], symbol=look["symbol"], size=6 if faint else 8,
                        line=dict(width=1.5, color=look["color"])),
            error_y=dict(type="data", symmetric=False, array=s[hi] - s[estimate],
                         arrayminus=s[estimate] - s[lo], thickness=1 if faint else 1.4, width=0,
                         color=look["color"]),
            hovertext=[hover[i] for i in s.index], hoverinfo="text"), row=1, col=1)
        for (c, lev), name in zip(rows, row_names):
            sel = s[s[c] == lev]
            fig.add_trace(go.Scatter(
                x=sel._rank, y=[name] * len(sel), mode="markers", legendgroup=words, showlegend=False,
                marker=dict(color=look["color"], size=6 if faint else 7,
                            symbol="square" if look["filled"] else "square-open",
                            line=dict(width=1.2, color=look["color"])),
                hovertext=[short[i] for i in sel.index], hoverinfo="text"), row=2, col=1)
    _marks(fig, d, estimate, m, reference, go)
    fig.add_hline(y=reference, line_width=1, line_color="gray", row=1, col=1)
    fig.update_yaxes(title_text=_wrap(ylabel, 34), row=1, col=1, automargin=True, zeroline=False)
    fig.update_yaxes(categoryorder="array", categoryarray=row_names[::-1], automargin=True,
                     tickmode="array", tickvals=row_names, ticktext=row_names, row=2, col=1)
    fig.update_xaxes(title_text=xlabel, row=2, col=1, showticklabels=False)
    fig.update_xaxes(showticklabels=False, row=1, col=1)
    layout(fig, top_px + bottom_px + 110)

    narrow = _narrow(d, estimate, lo, hi, m, reference, ylabel, hover, groups, go)
    static = _static(d, estimate, lo, hi, rows, row_names, m, reference, ylabel, xlabel, groups)
    return LiveFigure(fig, static, alt, narrow=narrow, narrow_traces=True, dark_colors=style.dark_colors())


def _marks(fig, d, estimate, m, reference, go):
    """Band, consistent columns and named readings on the wide figure (with their legend entries)."""
    if m:
        fig.add_hrect(y0=reference - m, y1=reference + m, fillcolor=style.BAND, line_width=0,
                      layer="below", row=1, col=1)
        fig.add_trace(go.Scatter(x=[None], y=[None], mode="markers", name=f"±margin ({_short(m)}): "
                                 "too small to matter", marker=dict(symbol="square", size=12,
                                                                      color=style.BAND)), row=1, col=1)
    cons = d[d._consistent]
    _columns(fig, cons._rank, "x")
    if len(cons):
        fig.add_trace(go.Scatter(x=[None], y=[None], mode="markers", name=CONSISTENT_WORDS,
                                 marker=dict(symbol="square", size=12, color=style.CONSISTENT[0])),
                      row=1, col=1)
    labelled = _labelled(d)
    for i, r in d[d._named != ""].iterrows():
        colour = _named_look(r._named)
        fig.add_trace(go.Scatter(x=[r._rank], y=[r[estimate]], mode="markers", hoverinfo="skip",
                                 showlegend=False, marker=dict(symbol="circle-open", size=15,
                                                               line=dict(width=2.2, color=colour),
                                                               color=colour)), row=1, col=1)
        if i in labelled:
            fig.add_annotation(x=r._rank, y=r[estimate], text=r._named, showarrow=True, arrowhead=0,
                               arrowcolor=colour, ax=0, ay=-34, font=dict(size=12), row=1, col=1)


#: A named reading's label is repeated only this far (a share of the readings) from its last
#: label: the same reading on several task readings often sits at neighbouring ranks, where
#: repeated labels printed over one another ("repairedrepaired").
LABEL_GAP = 0.06


def _labelled(d: pd.DataFrame) -> set:
    """Index of the named rows that get a text label: per name, the first in rank order and
    then each at least :data:`LABEL_GAP` of the readings away from the last one labelled.
    Every named row keeps its ring."""
    gap, out = max(1.0, LABEL_GAP * len(d)), set()
    for _, rows in d[d._named != ""].sort_values("_rank").groupby("_named"):
        last = None
        for i, rank in rows._rank.items():
            if last is None or rank - last >= gap:
                out.add(i)
                last = rank
    return out


def _columns(fig, ranks, axis: str) -> None:
    """The consistent readings' stripes (one per rank, across the whole plot), added at once.

    ``fig.add_vrect`` per stripe re-validates every shape already there, and adds
    one per subplot: the audit's five curves spent about 7 s in it.  One shape per
    stripe, spanning the figure's height (``axis="x"``) or width (``"y"``), is the same look.
    """
    other = "paper" if axis == "x" else "x domain"
    rects = [dict(type="rect", layer="below", line_width=0, fillcolor=style.CONSISTENT[0],
                  **{f"{axis}ref": axis, f"{axis}0": r - 0.5, f"{axis}1": r + 0.5},
                  **{f"{'y' if axis == 'x' else 'x'}ref": other,
                     f"{'y' if axis == 'x' else 'x'}0": 0, f"{'y' if axis == 'x' else 'x'}1": 1})
             for r in ranks]
    if rects:
        fig.update_layout(shapes=[*fig.layout.shapes, *rects])


def _narrow(d, estimate, lo, hi, m, reference, ylabel, hover, groups, go):
    """The phone version: one reading per line (best at the top), the difference across."""
    from plotly.subplots import make_subplots

    fig = make_subplots(rows=1, cols=1)
    for words, s, look in groups:
        faint = words == DEGENERATE_WORDS
        fig.add_trace(go.Scatter(
            y=s._rank, x=s[estimate], mode="markers", name=words, legendgroup=words,
            marker=dict(color=look["color"], symbol=look["symbol"], size=6 if faint else 8,
                        line=dict(width=1.5, color=look["color"])),
            error_x=dict(type="data", symmetric=False, array=s[hi] - s[estimate],
                         arrayminus=s[estimate] - s[lo], thickness=1.2, width=0, color=look["color"]),
            hovertext=[hover[i] for i in s.index], hoverinfo="text"))
    if m:
        fig.add_vrect(x0=reference - m, x1=reference + m, fillcolor=style.BAND, line_width=0, layer="below")
    _columns(fig, d[d._consistent]._rank, "y")
    for i in sorted(_labelled(d)):
        r = d.loc[i]
        colour = _named_look(r._named)
        fig.add_annotation(y=r._rank, x=r[estimate], text=r._named, showarrow=True, arrowhead=0,
                           arrowcolor=colour, ax=40, ay=0, font=dict(size=12))
    fig.add_vline(x=reference, line_width=1, line_color="gray")
    fig.update_yaxes(showticklabels=False, showgrid=False, title_text="readings, best at the top",
                     zeroline=False, range=[-1, len(d)])
    fig.update_xaxes(title_text=_wrap(ylabel, 40), zeroline=False)
    # The curve runs several screens tall: the difference's scale is repeated at the top (a
    # second axis tied to the first), so the reader has it in view where the curve starts.  Plotly
    # draws an axis only with a trace on it: an invisible point stands for one.
    fig.add_trace(go.Scatter(x=[reference], y=[-1], xaxis="x2", mode="markers", marker=dict(opacity=0),
                             showlegend=False, hoverinfo="skip"))
    fig.update_layout(xaxis2=dict(overlaying="x", side="top", matches="x", showgrid=False, zeroline=False))
    return layout(fig, max(320, 14 * len(d) + 140))


def _static(d, estimate, lo, hi, rows, row_names, m, reference, ylabel, xlabel, groups):
    """The matplotlib twin (what shows before plotly draws, or without scripts)."""
    import matplotlib.pyplot as plt

    n_rows = len(rows)
    sfig, (top, bottom) = plt.subplots(
        2, 1, sharex=True, figsize=(style.WIDTH_IN, 2.8 + 0.22 * n_rows),
        gridspec_kw=dict(height_ratios=[2.8, max(0.22 * n_rows, 0.6)]))
    if m:
        top.axhspan(reference - m, reference + m, color="0.85", zorder=0, lw=0,
                    label=f"±margin ({_short(m)}): too small to matter")
    for k, r in enumerate(d[d._consistent]._rank):
        for ax in (top, bottom):
            ax.axvspan(r - 0.5, r + 0.5, color="#F0C828", alpha=0.3, lw=0, zorder=0,
                       label=CONSISTENT_WORDS if (k == 0 and ax is top) else None)
    for words, s, look in groups:
        face = look["color"] if look["filled"] else "none"
        top.errorbar(s._rank, s[estimate], yerr=[s[estimate] - s[lo], s[hi] - s[estimate]], fmt="none",
                     ecolor=look["color"], elinewidth=0.9)
        top.scatter(s._rank, s[estimate], s=22, lw=1.2, label=words, zorder=3, **_mpl_marker(look))
        for k, (c, lev) in enumerate(rows):
            sel = s[s[c] == lev]
            bottom.scatter(sel._rank, [n_rows - 1 - k] * len(sel), marker="s", s=14, facecolors=face,
                           edgecolors=look["color"], lw=0.9)
    labelled = _labelled(d)
    for i, r in d[d._named != ""].iterrows():
        colour = _named_look(r._named)
        top.scatter([r._rank], [r[estimate]], s=110, facecolors="none", edgecolors=colour, lw=1.6, zorder=4)
        if i not in labelled:
            continue
        top.annotate(r._named, (r._rank, r[estimate]), xytext=(0, 16), textcoords="offset points",
                     ha="center", color=colour, fontsize=style.FONT_PT - 1,
                     arrowprops=dict(arrowstyle="-", color=colour, lw=1))
    top.axhline(reference, color="0.4", lw=0.8)
    top.set_ylabel(_wrap(ylabel, 30, "\n"))
    top.tick_params(axis="x", labelbottom=False)
    bottom.set_yticks(range(n_rows), row_names[::-1])
    bottom.set_xlabel(xlabel)
    bottom.set_xticks([])
    bottom.grid(False, axis="x")
    handles, labels = top.get_legend_handles_labels()
    sfig.legend(handles, labels, loc="outside lower center", ncols=min(3, len(labels)), frameon=False)
    return sfig


# --- how to read one --------------------------------------------------------------

def example_frame() -> pd.DataFrame:
    """Made-up readings for :func:`how_to_read` (an illustration, not a result of the book)."""
    est = np.array([-0.45, -0.31, -0.12, -0.05, -0.004, 0.002, 0.004, 0.006, 0.011])
    half = np.array([0.05, 0.04, 0.05, 0.03, 0.004, 0.005, 0.003, 0.004, 0.006])
    return pd.DataFrame(dict(
        gain=est, lo=est - half, hi=est + half,
        verdict=["contradicted"] * 4 + ["unsupported"] + ["holds"] * 4,
        degenerate=[True] + [False] * 8,
        mask=["as drawn"] * 4 + ["one per unit"] * 5,
        scale=["raw", "raw", "raw", "rescaled", "rescaled", "raw", "rescaled", "rescaled", "rescaled"],
        consistent=[False] * 5 + [True, True, False, False],
        named=["", "literal", "", "", "", "", "repaired", "", ""], margin=0.01))


#: What each numbered mark of :func:`how_to_read` shows (the key under the figure).
HOW_TO_READ = (
    "One reading: the difference between the two models under one way of settling the choices "
    "the note leaves open, with its 95% interval (the tooltip of a live curve names the choices).",
    "The grey band is ±margin: a difference inside it is too small to matter.",
    "Solid ink: the claim holds under that reading. A cross: contradicted. A grey ring: "
    "unsupported (the interval is too wide to decide).",
    "A faint hollow point is a degenerate reading: its model never trains. It is shown, "
    "but left out of the verdict counts.",
    "A yellow column marks the readings consistent with the note's own numbers.",
    "A coloured ring is a named reading, in its model's colour: the literal one (the note read "
    "word for word) and the repaired one (on a phone, their names only).",
    "Below, a square marks each choice a reading makes. A row whose squares line up with one "
    "kind of point is a choice that decides the verdict. On a phone the curve stands on its side, "
    "one reading per line, without these squares: tap a reading for its choices.",
)


class HowToRead:
    """The annotated example: a static figure with numbered marks, and the key as a list."""

    def __init__(self, figure, key=HOW_TO_READ):
        self.figure, self.key = figure, key

    def to_html(self) -> str:
        items = "".join(f"<li>{html.escape(k)}</li>" for k in self.key)
        return (f'<div class="how-to-read">{self.figure.to_html()}'
                f'<ol class="how-to-read-key">{items}</ol></div>')

    def _repr_html_(self) -> str:
        return self.to_html()

    def _repr_mimebundle_(self, include=None, exclude=None):
        return {"text/html": self.to_html(), "text/plain": "How to read a specification curve:\n"
                + "\n".join(f"{i}. {k}" for i, k in enumerate(self.key, 1))}


def how_to_read() -> HowToRead:
    """An annotated specification curve on made-up numbers, with numbered marks and their key.

    Its figure is a :class:`scaffold.runtime.static.StaticFigure` (a phone rendition and
    one for the dark page); the key is HTML, so it wraps to any width.  Place it above a
    page's first curve.
    """
    import matplotlib.pyplot as plt

    d = example_frame()
    d["_rank"] = np.arange(len(d))
    fig, (top, bottom) = plt.subplots(2, 1, sharex=True, figsize=(style.WIDTH_IN, 4.2),
                                      gridspec_kw=dict(height_ratios=[3.0, 1.2]))
    top.axhspan(-0.01, 0.01, color="0.85", lw=0, zorder=0)
    for r in d[d.consistent]._rank:
        for ax in (top, bottom):
            ax.axvspan(r - 0.5, r + 0.5, color="#F0C828", alpha=0.3, lw=0, zorder=0)
    d["_kind"] = d.verdict
    d["_degenerate"] = d.degenerate
    for words, s, look in _groups(d):
        top.errorbar(s._rank, s.gain, yerr=[s.gain - s.lo, s.hi - s.gain], fmt="none", ecolor=look["color"],
                     elinewidth=1)
        top.scatter(s._rank, s.gain, s=30, lw=1.4, zorder=3, **_mpl_marker(look))
        face = look["color"] if look["filled"] else "none"
        for k, (c, lev) in enumerate([("mask", "as drawn"), ("mask", "one per unit"),
                                      ("scale", "raw"), ("scale", "rescaled")]):
            sel = s[s[c] == lev]
            bottom.scatter(sel._rank, [3 - k] * len(sel), marker="s", s=22, facecolors=face,
                           edgecolors=look["color"], lw=1)
    for _, r in d[d.named != ""].iterrows():
        top.scatter([r._rank], [r.gain], s=150, facecolors="none", edgecolors=_named_look(r.named), lw=1.8,
                    zorder=4)
    top.axhline(0, color="0.4", lw=0.8)
    mark = dict(textcoords="offset points", ha="center", va="center", fontsize=style.FONT_PT,
                fontweight="bold", bbox=dict(boxstyle="circle,pad=0.25", fc="white", ec="0.3", lw=0.8),
                arrowprops=dict(arrowstyle="-", color="0.3", lw=0.8))
    for number, xy, offset in ((1, (2, -0.17), (22, -14)), (2, (2.6, 0.0), (0, 24)),
                               (3, (8, 0.011), (0, 22)), (4, (0, -0.45), (22, 12)),
                               (5, (5.5, 0.06), (0, 0)), (6, (6, 0.004), (20, -22)),
                               (7, (8.35, 2.5), (16, 0))):
        where = bottom if number == 7 else top
        where.annotate(str(number), xy, xytext=offset, **mark)
    top.set_ylim(-0.52, 0.09)
    top.set_ylabel("difference,\nA − B")
    top.tick_params(axis="x", labelbottom=False)
    bottom.set_yticks(range(4), ["scale: rescaled", "scale: raw", "mask: one per unit", "mask: as drawn"])
    bottom.set_xticks([])
    bottom.set_xlim(-0.9, len(d) - 0.4)
    bottom.set_xlabel("readings, sorted by the difference")
    fig.suptitle("How to read a specification curve (made-up numbers)", fontsize=style.FONT_PT + 1)
    alt = ("An annotated specification curve on made-up numbers, its marks numbered 1 to 7 as in the "
           "list below it.")
    return HowToRead(static(fig, alt=alt))
