"""The book's recurring chart kinds, live (plotly) with a static twin (seaborn/matplotlib).

Each builder takes a tidy DataFrame -- one row per point, named columns -- and
returns a :class:`~scaffold.runtime.live.LiveFigure`; both renderings draw the
same rows with the same colours and markers (:mod:`scaffold.runtime.style`).
Panels (one per task, say) come in the note's task order, at most two per row.

- :func:`forest`: estimates with intervals, one row per label (e.g. paired differences);
- :func:`scatter`: y against x per label (e.g. accuracy against learned parameters);
- :func:`strip`: per-seed values per label, with the mean marked;
- :func:`spec_curve`: sorted estimates with intervals over a dot matrix of the choices behind each.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from scaffold.runtime import style
from scaffold.runtime.live import LiveFigure, hover_text, layout, log_axis


def _names(**columns) -> dict:
    """Tooltip names from axis titles: a column is named as its axis is, where it has one."""
    return {c: t for c, t in columns.items() if t}


def _panels(df, panel):
    return style.task_order(df[panel]) if panel else [None]


#: Space between rows of panels, in pixels (at most; short figures keep their share of the height).
ROW_GAP_PX = 80
#: On a phone (one panel a row) each panel has its own x axis title (:func:`_x_titles`), wrapped:
#: the rows are this far apart, the gaps added to the figure's height.
PHONE_ROW_GAP_PX = 135


def _subplots(names, per_row, shared_y=True, row_px=260):
    from plotly.subplots import make_subplots

    rows, cols = style.grid(len(names), per_row)
    height = rows * row_px + 90
    # the gap between rows of panels in pixels (tick labels, the next panel's title), not a share
    # of the height: a share left 300 px blank between the audit forest's tall panels
    gap = min(0.12, 0.3 / rows, ROW_GAP_PX / height) if rows > 1 else 0.0
    if per_row == 1 and rows > 1:  # a phone: room for each panel's axis title, added to the height
        height += (rows - 1) * PHONE_ROW_GAP_PX
        gap = PHONE_ROW_GAP_PX / height
    fig = make_subplots(rows=rows, cols=cols, shared_yaxes=shared_y and cols > 1,
                        subplot_titles=[style.task_label(n) for n in names if n is not None] or None,
                        horizontal_spacing=0.08, vertical_spacing=gap)
    return fig, rows, cols, height


def _where(i, cols):
    return dict(row=i // cols + 1, col=i % cols + 1)


def _groups(df, names, panel, label, labels):
    """(panel index, label, rows) for every label present in each panel, in drawing order."""
    for i, name in enumerate(names):
        sub = df if name is None else df[df[panel] == name]
        for lab in labels:
            d = sub[sub[label] == lab]
            if not d.empty:
                yield i, lab, d


#: Row labels longer than this wrap onto a second line (a phone keeps room for the data).
LABEL_CHARS = 28
#: A phone layout's row labels wrap at this width, on as many lines as they need.
PHONE_LABEL_CHARS = 22


def wrap_label(label: str, width: int = LABEL_CHARS, lines: int | None = 2) -> str:
    """A long row label on up to ``lines`` lines (plotly's <br>; the last takes the rest),
    or on as many as it needs (``lines=None``)."""
    import textwrap

    parts = textwrap.wrap(str(label), width) or [str(label)]
    if lines is not None and len(parts) > lines:
        parts = parts[:lines - 1] + [" ".join(parts[lines - 1:])]
    return "<br>".join(parts)


#: An axis title of the phone layout (one panel per row) wraps at this many characters:
#: plotly does not wrap, and a longer one ran past a 390 px screen.
TITLE_CHARS = 26


def axis_title(text: str, per_row: int) -> str:
    """``text`` as an axis title: on lines of :data:`TITLE_CHARS` in the phone layout."""
    import textwrap

    return "<br>".join(textwrap.wrap(text, TITLE_CHARS)) if per_row == 1 and text else text


def _x_titles(fig, xlabel: str, per_row: int, rows: int) -> None:
    """The x axis title under the bottom row of panels; on a phone, where each panel has a row
    of its own and a screen may show only one, under every panel."""
    fig.update_xaxes(title_text=axis_title(xlabel, per_row), row=None if per_row == 1 else rows)


def _label_rows(fig, labels, text: dict | None = None):
    """One categorical row per label, top to bottom, each with its tick label (plotly thins them);
    ``text``: label -> the name shown, wrapped (default: the label, :func:`wrap_label`).

    The rows name the models, so such a figure needs (and draws) no legend.
    """
    shown = text or {x: wrap_label(x) for x in labels}
    fig.update_yaxes(categoryorder="array", categoryarray=labels[::-1], automargin=True, tickmode="array",
                     tickvals=labels[::-1], ticktext=[shown[x] for x in labels[::-1]])
    fig.update_traces(showlegend=False)


def _live(draw, static, alt):
    """Two plotly layouts of the same traces: panels side by side, and one per row for phones."""
    return LiveFigure(draw(style.PANELS_PER_ROW), static, alt, narrow=draw(1))


def forest(df: pd.DataFrame, estimate: str, lo: str, hi: str, label: str = "model",
           panel: str | None = "task", reference: float | None = 0.0,
           band: float | str | None = None, xlabel: str = "", alt: str = "", row_text=None) -> LiveFigure:
    """Points with horizontal intervals, one row per label, one panel per ``panel`` value.

    ``reference`` draws a vertical line (0 for differences); ``band`` shades
    ``[-band, band]`` (an equivalence margin): a number, or the name of a column that holds
    each panel's own (one value per panel: accuracy and MSE panels have different margins).
    ``row_text(label)``: a row's name as the reader sees it (default: the label; colours and
    markers follow the label either way).
    """
    import plotly.graph_objects as go

    names, labels = _panels(df, panel), style.model_order(df[label])
    text = {lab: str(row_text(lab) if row_text else lab) for lab in labels}
    subs = [df if name is None else df[df[panel] == name] for name in names]
    bands = [_band(sub, band) for sub in subs]
    # room on either side of a band, which would otherwise fill a panel whose intervals all lie inside it
    spans = [None if not b else (min(float(sub[lo].min()), -b), max(float(sub[hi].max()), b))
             for sub, b in zip(subs, bands)]

    def draw(per_row):
        # a row whose name wraps gets the height of its lines (two-line names overlapped); on a
        # phone the names wrap as narrow as they must, so that the plot keeps most of the width
        width = PHONE_LABEL_CHARS if per_row == 1 else LABEL_CHARS
        names_shown = {lab: wrap_label(t, width, lines=None if per_row == 1 else 2) for lab, t in text.items()}
        lines = max(t.count("<br>") + 1 for t in names_shown.values())
        per_label = 26 if lines == 1 else 16 * lines + 10  # wrapped names kept apart
        fig, rows, cols, height = _subplots(names, per_row, row_px=max(180, per_label * len(labels) + 60))
        for i, lab, d in _groups(df, names, panel, label, labels):
            lk = style.look(lab)
            fig.add_trace(go.Scatter(
                x=d[estimate], y=d[label], mode="markers", name=lab, legendgroup=lab,
                showlegend=i == 0, marker=dict(color=lk.color, symbol=lk.symbol, size=9),
                error_x=dict(type="data", symmetric=False, array=d[hi] - d[estimate],
                             arrayminus=d[estimate] - d[lo], thickness=1.5, width=3),
                hovertext=hover_text(d, label, estimate, lo, hi, names=_names(estimate=xlabel)),
                hoverinfo="text"),
                **_where(i, cols))
        for i in range(len(names)):
            if bands[i]:
                # shaded, with dashed edges: a margin a few pixels wide still shows
                fig.add_vrect(x0=-bands[i], x1=bands[i], fillcolor="gray", opacity=0.15, line_width=0,
                              **_where(i, cols))
                for edge in (-bands[i], bands[i]):
                    fig.add_vline(x=edge, line_width=1, line_dash="dot", line_color="gray", **_where(i, cols))
                a, b = spans[i]
                pad = 0.08 * (b - a)
                fig.update_xaxes(range=[a - pad, b + pad], **_where(i, cols))
            if reference is not None:
                fig.add_vline(x=reference, line_width=1, line_color="gray", **_where(i, cols))
        _label_rows(fig, labels, names_shown)
        _x_titles(fig, xlabel, per_row, rows)
        return layout(fig, height)

    sfig, axes = style.panels(len(names), panel_height=0.3 * len(labels) + 1.0, sharey=True)
    for ax, name, sub, b in zip(axes, names, subs, bands):
        if b:
            ax.axvspan(-b, b, color="0.88", zorder=0)
        if reference is not None:
            ax.axvline(reference, color="0.4", lw=0.8)
        for y, lab in enumerate(labels[::-1]):
            for _, r in sub[sub[label] == lab].iterrows():
                lk = style.look(lab)
                ax.errorbar(r[estimate], y, xerr=[[r[estimate] - r[lo]], [r[hi] - r[estimate]]],
                            fmt=lk.marker, color=lk.color, ms=5, capsize=2)
        ax.set_yticks(range(len(labels)), [text[lab] for lab in labels[::-1]])
        ax.set_title(style.task_label(name))
        ax.set_xlabel(xlabel)
    return _live(draw, sfig, alt)


def _band(sub: pd.DataFrame, band) -> float | None:
    """A panel's margin: ``band`` itself, or its one value in the column ``band`` names."""
    if not isinstance(band, str):
        return band
    values = sub[band].dropna().unique()
    if len(values) > 1:
        raise ValueError(f"a panel has {len(values)} values of {band!r}; a band needs one")
    return float(values[0]) if len(values) else None


def scatter(df: pd.DataFrame, x: str, y: str, label: str = "model", panel: str | None = "task",
            lo: str | None = None, hi: str | None = None, log_x: bool = False,
            xlabel: str = "", ylabel: str = "", alt: str = "", log_y: bool = False,
            hline: tuple | None = None) -> LiveFigure:
    """y against x, one colour and marker per label; vertical intervals when lo/hi are given.
    ``log_y``: a log y axis; ``hline``: (y, words), a dashed reference line with its words.

    No text labels on the points (they overlap): the legend names the models and hover each point.
    """
    import plotly.graph_objects as go
    import seaborn as sns

    names, labels = _panels(df, panel), style.model_order(df[label])

    def draw(per_row):
        fig, rows, cols, height = _subplots(names, per_row, shared_y=False)
        for i, lab, d in _groups(df, names, panel, label, labels):
            lk = style.look(lab)
            err = (dict(type="data", symmetric=False, array=d[hi] - d[y], arrayminus=d[y] - d[lo])
                   if lo and hi else None)
            fig.add_trace(go.Scatter(
                x=d[x], y=d[y], mode="markers", name=lab, legendgroup=lab, showlegend=i == 0,
                marker=dict(color=lk.color, symbol=lk.symbol, size=10), error_y=err,
                hovertext=hover_text(d, label, y, lo, hi, extra=("reading", "task", x),
                                     names=_names(**{x: xlabel, y: ylabel})),
                hoverinfo="text"), **_where(i, cols))
        fig.update_xaxes(**log_axis(df[x])) if log_x else fig.update_xaxes(type="linear")
        _x_titles(fig, xlabel, per_row, rows)
        fig.update_yaxes(title_text=ylabel, col=1)
        if log_y:
            fig.update_yaxes(type="log", exponentformat="power")  # 10^-4, not SI's "100µ"
        if hline:
            fig.add_hline(y=hline[0], line_dash="dash", line_width=1, line_color="gray")
            # its words on the first panel; on a log axis an annotation's y is the value's log10
            # (add_hline's own annotation lands at the value itself there)
            fig.add_annotation(x=1, xref="x domain", y=np.log10(hline[0]) if log_y else hline[0], yref="y",
                               text=hline[1], showarrow=False, xanchor="right", yanchor="bottom",
                               font=dict(size=11, color="gray"))
        return layout(fig, height)

    sfig, axes = style.panels(len(names))
    for k, (ax, name) in enumerate(zip(axes, names)):
        sub = df if name is None else df[df[panel] == name]
        if lo and hi:
            for _, r in sub.iterrows():
                ax.errorbar(r[x], r[y], yerr=[[r[y] - r[lo]], [r[hi] - r[y]]], fmt="none",
                            ecolor=style.look(r[label]).color, elinewidth=1)
        sns.scatterplot(sub, x=x, y=y, hue=label, style=label, hue_order=labels, style_order=labels,
                        palette=style.palette(labels), markers=style.markers(labels), s=40,
                        ax=ax, legend=k == 0)
        if log_x:
            ax.set_xscale("log")
        if log_y:
            ax.set_yscale("log")
        if hline:
            ax.axhline(hline[0], ls="--", lw=0.8, color="0.5")
            ax.annotate(hline[1], (1, hline[0]), xycoords=("axes fraction", "data"), ha="right", va="bottom",
                        fontsize=style.FONT_PT - 1, color="0.4")
        ax.set(title=style.task_label(name), xlabel=xlabel, ylabel=ylabel)
    _legend_below(sfig, axes)
    return _live(draw, sfig, alt)


def strip(df: pd.DataFrame, value: str, label: str = "model", panel: str | None = "task",
          xlabel: str = "", alt: str = "", log_panels=()) -> LiveFigure:
    """Every row (e.g. one seed) as a point per label, jittered, over a box with its mean dashed.
    ``log_panels``: panels drawn on a log axis (an MSE spanning decades, which a linear axis
    flattens onto 0)."""
    import plotly.graph_objects as go
    import seaborn as sns

    names, labels = _panels(df, panel), style.model_order(df[label])

    def draw(per_row):
        fig, rows, cols, height = _subplots(names, per_row, row_px=max(180, 26 * len(labels) + 60))
        for i, lab, d in _groups(df, names, panel, label, labels):
            lk = style.look(lab)
            fig.add_trace(go.Box(
                x=d[value], y=d[label], name=lab, legendgroup=lab, showlegend=i == 0,
                orientation="h", boxpoints="all", jitter=0.5, pointpos=0,
                fillcolor="rgba(0,0,0,0)", line=dict(width=1, color=lk.color),
                marker=dict(color=lk.color, symbol=lk.symbol, size=6), boxmean=True,
                hovertext=hover_text(d, label, value, extra=("reading", "task", "seed"),
                                     names=_names(**{value: xlabel})),
                hoverinfo="text"), **_where(i, cols))
        _label_rows(fig, labels)
        _x_titles(fig, xlabel, per_row, rows)
        for i, name in enumerate(names):
            if name in log_panels:
                fig.update_xaxes(type="log", exponentformat="power", **_where(i, cols))
        return layout(fig, height)

    sfig, axes = style.panels(len(names), panel_height=0.3 * len(labels) + 1.0, sharey=True)
    for ax, name in zip(axes, names):
        sub = df if name is None else df[df[panel] == name]
        if name in log_panels:
            ax.set_xscale("log")
        sns.stripplot(sub, x=value, y=label, hue=label, order=labels, hue_order=labels,
                      palette=style.palette(labels), size=3.5, jitter=0.25, ax=ax, legend=False)
        means = sub.groupby(label)[value].mean()
        ax.scatter([means.get(lab) for lab in labels], range(len(labels)), marker="|", s=250,
                   color="0.15", zorder=3)
        ax.set(title=style.task_label(name), xlabel=xlabel, ylabel="")
    return _live(draw, sfig, alt)


def _legend_below(fig, axes):
    leg = axes[0].get_legend()
    if leg is None:
        return
    handles, texts = leg.legend_handles, [t.get_text() for t in leg.get_texts()]
    leg.remove()
    fig.legend(handles, texts, loc="outside lower center", ncols=min(3, len(texts)), frameon=False)
