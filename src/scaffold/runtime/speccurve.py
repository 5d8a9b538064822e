"""Specification curve: every estimate of one quantity, sorted, over the choices that produced it.

Top panel: the estimates in increasing order with their intervals, coloured by
where the interval lies relative to ``reference`` (above, below, across).
Bottom panel: a dot matrix, one row per level of each choice (e.g. "DG mask:
5% as drawn"), a dot where that specification uses the level.  Reading across a
row shows whether one choice drives the result (Simonsohn, Simmons & Nelson 2020).
"""

from __future__ import annotations

import pandas as pd

from scaffold.runtime import style
from scaffold.runtime.live import LiveFigure, layout

#: Interval wholly above / wholly below the reference / across it.
SIDE_COLORS = {"above": "#0072B2", "below": "#D55E00", "across": "#8C8C8C"}


def sides(df: pd.DataFrame, lo: str, hi: str, reference: float) -> pd.Series:
    """'above', 'below' or 'across' per row, from its interval and the reference."""
    side = pd.Series("across", index=df.index)
    side[df[lo] > reference] = "above"
    side[df[hi] < reference] = "below"
    return side


def matrix_rows(df: pd.DataFrame, choices: list[str]) -> list[tuple[str, object]]:
    """(choice, level) for every level present: choices in the given order, levels in the
    column's categorical order if it has one, else in order of first appearance (the order
    in which the readings list them)."""
    def levels(col):
        if isinstance(col.dtype, pd.CategoricalDtype):
            return [v for v in col.cat.categories if (col == v).any()]
        return list(dict.fromkeys(col.dropna()))
    return [(c, lev) for c in choices for lev in levels(df[c])]


def spec_curve(df: pd.DataFrame, estimate: str, lo: str, hi: str, choices: list[str],
               reference: float = 0.0, ylabel: str = "", alt: str = "") -> LiveFigure:
    """The specification curve of ``df`` (one row per specification), live and static."""
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    d = df.sort_values(estimate, kind="stable").reset_index(drop=True)
    d["_rank"] = range(len(d))
    d["_side"] = sides(d, lo, hi, reference)
    rows = matrix_rows(d, choices)
    names = [f"{c}: {lev}" for c, lev in rows]
    hover = ["<br>".join([f"<b>{r[estimate]:.4g}</b> [{r[lo]:.4g}, {r[hi]:.4g}]"]
                         + [f"{c}: {r[c]}" for c in choices]) for _, r in d.iterrows()]

    top_px, bottom_px = 260, 20 * len(rows) + 40
    fig = make_subplots(rows=2, cols=1, shared_xaxes=True, vertical_spacing=0.03,
                        row_heights=[top_px, bottom_px])
    for side, colour in SIDE_COLORS.items():
        s = d[d._side == side]
        if s.empty:
            continue
        idx = s.index
        fig.add_trace(go.Scatter(
            x=s._rank, y=s[estimate], mode="markers", name=f"interval {side} {reference:g}",
            legendgroup=side, marker=dict(color=colour, size=7),
            error_y=dict(type="data", symmetric=False, array=s[hi] - s[estimate],
                         arrayminus=s[estimate] - s[lo], thickness=1.2, width=0),
            hovertext=[hover[i] for i in idx], hoverinfo="text"), row=1, col=1)
        for (c, lev), name in zip(rows, names):
            m = s[s[c] == lev]
            fig.add_trace(go.Scatter(
                x=m._rank, y=[name] * len(m), mode="markers", legendgroup=side, showlegend=False,
                marker=dict(color=colour, size=7, symbol="square"),
                hovertext=[hover[i] for i in m.index], hoverinfo="text"), row=2, col=1)
    fig.add_hline(y=reference, line_width=1, line_color="gray", row=1, col=1)
    fig.update_yaxes(title_text=ylabel, row=1, col=1)
    fig.update_yaxes(categoryorder="array", categoryarray=names[::-1], automargin=True, row=2, col=1)
    fig.update_xaxes(title_text="specifications, sorted", row=2, col=1)
    layout(fig, top_px + bottom_px + 120)

    import matplotlib.pyplot as plt

    sfig, (top, bottom) = plt.subplots(
        2, 1, sharex=True, figsize=(style.WIDTH_IN, 2.4 + 0.2 * len(rows)),
        gridspec_kw=dict(height_ratios=[2.4, max(0.2 * len(rows), 0.6)]))
    for side, colour in SIDE_COLORS.items():
        s = d[d._side == side]
        top.errorbar(s._rank, s[estimate], yerr=[s[estimate] - s[lo], s[hi] - s[estimate]],
                     fmt="o", ms=3, color=colour, elinewidth=0.8, label=f"interval {side} {reference:g}")
        for k, (c, lev) in enumerate(rows):
            m = s[s[c] == lev]
            bottom.scatter(m._rank, [len(rows) - 1 - k] * len(m), marker="s", s=12, color=colour)
    top.axhline(reference, color="0.4", lw=0.8)
    top.set_ylabel(ylabel)
    top.legend(loc="upper left", frameon=False)
    bottom.set_yticks(range(len(rows)), names[::-1])
    bottom.set_xlabel("specifications, sorted")
    bottom.grid(False, axis="x")
    return LiveFigure(fig, sfig, alt)
