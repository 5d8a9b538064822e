"""Figures of the tradeoff (:mod:`scaffold.frontier`), live (plotly) with static twins.

- :func:`frontier_figure`: learned parameters (log) against test score, one panel
  per task reading: the dense frontier (every seed, and the mean over seeds
  joined across widths), the CEN at its widths, the HSN readings, T = 0 and the
  random graph;
- :func:`heatmap`: the HSN's difference to a reference (the dense MLP, or the
  frontier at its own learned count) by reading (rows) and task (columns), on a
  diverging scale centred at 0, in units of the rulebook's margin so that
  accuracy and MSE share one scale.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from scaffold import frontier as F
from scaffold.multiverse import HSN_KEYS
from scaffold.runtime import style
from scaffold.runtime.charts import axis_title
from scaffold.runtime.live import LiveFigure, layout, log_axis

try:
    from scaffold.fmt import factor, signed
except ImportError:  # until scaffold.fmt is merged: the same two formats
    def signed(x, digits: int = 3) -> str:
        if x != x:
            return "\u2013"
        d = next((d for d in range(digits, digits + 4) if round(abs(x), d)), None)
        return f"{x:+.{d}f}".replace("-", "\u2212") if d is not None else f"{0:.{digits}f}"

    def factor(x, digits: int = 2) -> str:
        return "\u2013" if x != x else f"{x:.{digits}g}\u00d7"

#: Legend entry and the named look of each family drawn (dense and CEN first).
GROUPS = {"dense": ("dense MLP, widths 4 to 64", "Dense MLP"),
          "CEN": ("CEN, its widths", "CEN (best H)"),
          "HSN": ("HSN, each reading", "HSN (repaired)"),
          "HSN T=0": ("HSN T = 0", "HSN T=0 (repaired)"),
          "HSN random graph": ("HSN, random graph", "HSN random graph (repaired)")}
#: The three HSN families have equal learned counts: drawn side by side at x times these factors.
DODGE = {"HSN T=0": 10 ** -0.03, "HSN random graph": 10 ** 0.03}
#: Heatmap colours saturate at this many margins.
CLIP = 5.0


def panel_title(where) -> str:
    """A task reading as a panel or column title: "two spirals", "sine, noise 0.1"."""
    title = style.task_label(where["data_task"])
    noise = str(where.get("noise", "") or "")
    return f"{title}, noise {noise}" if noise not in ("", "none") else title


def _panels(table: pd.DataFrame) -> list[tuple[str, pd.DataFrame]]:
    order = {t: i for i, t in enumerate(style.TASK_ORDER)}
    out = []
    for _, g in table.groupby(list(F.TASK_READING), sort=False):
        out.append((order.get(g["data_task"].iloc[0], 99), str(g["noise"].iloc[0]), panel_title(g.iloc[0]), g))
    return [(title, g) for *_, title, g in sorted(out, key=lambda t: t[:3])]


def reading_words(row) -> str:
    """A reading in words: the levels where it departs from the literal reading (the note's
    words, library defaults where it is silent), each as ``Level.plain``; "the literal reading"
    when it departs nowhere, and "repaired: ..." when it is the repaired reading.  Short enough
    for a row label on a phone."""
    from scaffold.readings import AXIS, LITERAL, REPAIRED

    parts = []
    for k in HSN_KEYS:
        v = row.get(k, "")
        if v and v != LITERAL[k]:
            lv = AXIS[k].level(v)
            parts.append(getattr(lv, "plain", None) or f"{k}={v}")
    if not parts:
        return "the literal reading"
    repaired = all(str(row.get(k, "")) in ("", REPAIRED[k]) for k in HSN_KEYS)
    return ("repaired: " if repaired else "") + ", ".join(parts)


def _coded(label: str) -> tuple[str, dict] | None:
    """A model label with a reading code, "HSN T=2 [dg=min1 G=r0.9 ...]", as ("HSN T=2", its levels);
    None for a label without one (or whose code names other than HSN axes)."""
    import re

    m = re.fullmatch(r"(.*?)\s*\[((?:\w+=\S+\s*)+)\]", str(label))
    if not m:
        return None
    levels = dict(kv.split("=", 1) for kv in m.group(2).split())
    return (m.group(1), levels) if set(levels) <= set(HSN_KEYS) else None


def near_point_words(label: str) -> str:
    """A label whose reading is the repaired or the literal one but for one axis, named from that
    point: "HSN [dg=min1 G=r0.9 learnG=fixed input=every act=tanh]" -> "HSN (repaired) but the input
    entering every step", and with ``dg=drawn G=raw`` -> "HSN (literal) but the input entering every
    step"; any other label as :func:`model_words` gives it."""
    from scaffold.readings import AXIS, LITERAL, REPAIRED

    coded = _coded(label)
    if coded:
        head, levels = coded
        for name, point in (("repaired", REPAIRED), ("literal", LITERAL)):
            off = [k for k in HSN_KEYS if k in levels and levels[k] != point[k]]
            if len(off) == 1:
                return f"{head} ({name}) but {AXIS[off[0]].level(levels[off[0]]).plain}"
    return model_words(label)


def model_words(label: str) -> str:
    """A model label with its reading code in words: "HSN T=2 [dg=min1 G=r0.9 learnG=fixed
    input=every act=tanh]" -> "HSN T=2: one input per DG unit, G rescaled to radius 0.9, the
    input entering every step" (:func:`reading_words`); any other label as it is."""
    coded = _coded(label)
    if not coded:
        return str(label)
    return f"{coded[0]}: {reading_words(coded[1])}"


def _shown(table: pd.DataFrame, readings) -> pd.DataFrame:
    hsn = table["family"].str.startswith("HSN")
    keep = ~hsn | (table["family"].isin(GROUPS))
    if readings is not None:
        keep &= ~hsn | table["reading"].isin(list(readings))
    elif "degenerate" in table:
        keep &= ~(hsn & table["degenerate"].fillna(False).astype(bool))
    return table[keep]


def _series(g: pd.DataFrame, fam: str, count: str):
    """(per-seed points, means) of one family in one panel; x dodged for the HSN families."""
    d = g[g["family"] == fam].dropna(subset=["test_metric"])
    x = d[count].astype(float) * DODGE.get(fam, 1.0)
    pts = d.assign(x=x)
    means = pts.groupby(["label", "x"], as_index=False, sort=False).agg(
        y=("test_metric", "mean"), reading=("reading", "first"), n=("seed", "size"),
        params=(count, "first")).sort_values("x", kind="stable")
    return pts, means


def frontier_figure(table: pd.DataFrame, count: str = "learned_size", readings=None,
                    alt: str = "Test score against learned parameters per task: the dense "
                               "frontier, the CEN, the HSN readings and their controls") -> LiveFigure:
    """Learned parameters (log x) against test score, one panel per task reading.

    ``table``: :func:`scaffold.frontier.frontier_table`.  ``readings``: the HSN
    readings to draw (labels of the ``reading`` column); by default every
    reading not marked ``degenerate`` (when the table has that column).  The
    three HSN families share one learned count and are drawn a few percent
    apart on x (:data:`DODGE`); hover gives the true count.  MSE panels use a
    log y axis.
    """
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    panels = _panels(_shown(table, readings))
    fams = [f for f in GROUPS if (table["family"] == f).any()]
    xlabel = "learned parameters" + (" (nonzeros)" if count == "learned_nnz" else "")

    def draw(per_row):
        rows, cols = style.grid(len(panels), per_row)
        fig = make_subplots(rows=rows, cols=cols, subplot_titles=[t for t, _ in panels],
                            horizontal_spacing=0.1, vertical_spacing=min(0.12, 0.3 / rows) if rows > 1 else 0)
        for i, (_, g) in enumerate(panels):
            at = dict(row=i // cols + 1, col=i % cols + 1)
            for fam in fams:
                name, named = GROUPS[fam]
                lk = style.look(named)
                pts, means = _series(g, fam, count)
                if means.empty:
                    continue
                hover = [f"<b>{r.label}</b><br>seed {r.seed}<br>{count}: {getattr(r, count):,.0f}"
                         f"<br>score: {r.test_metric:.4g}" for r in pts.itertuples()]
                fig.add_trace(go.Scatter(x=pts["x"], y=pts["test_metric"], mode="markers", name=name,
                                         legendgroup=fam, showlegend=False, opacity=0.35,
                                         marker=dict(color=lk.color, symbol=lk.symbol, size=5),
                                         hovertext=hover, hoverinfo="text"), **at)
                hover = [f"<b>{r.label}</b><br>{count}: {r.params:,.0f}<br>mean of {r.n} seeds: {r.y:.4g}"
                         for r in means.itertuples()]
                fig.add_trace(go.Scatter(x=means["x"], y=means["y"], name=name, legendgroup=fam,
                                         showlegend=i == 0, mode="lines+markers" if fam == "dense" else "markers",
                                         line=dict(color=lk.color, width=2),
                                         marker=dict(color=lk.color, symbol=lk.symbol, size=9,
                                                     line=dict(color="white", width=0.5)),
                                         hovertext=hover, hoverinfo="text"), **at)
            # each panel names its metric (as the static twin does): an MSE panel is read the other way
            mse = (g["metric"] == "mse").all()
            fig.update_yaxes(title_text="test MSE (lower: better)" if mse else "test accuracy", **at)
            if mse:  # decades only, as powers of ten: minor labels crowded, and SI gave "100µ"
                fig.update_yaxes(type="log", dtick=1, exponentformat="power", **at)
        fig.update_xaxes(**log_axis(table[count]))
        fig.update_xaxes(title_text=axis_title(xlabel, per_row), row=rows)
        return layout(fig, rows * 280 + 90)

    sfig, axes = style.panels(len(panels), panel_height=2.4)
    for ax, (title, g) in zip(axes, panels):
        for fam in fams:
            name, named = GROUPS[fam]
            lk = style.look(named)
            pts, means = _series(g, fam, count)
            if means.empty:
                continue
            ax.scatter(pts["x"], pts["test_metric"], s=8, alpha=0.35, color=lk.color, marker=lk.marker, lw=0)
            ax.plot(means["x"], means["y"], ls="-" if fam == "dense" else "none", marker=lk.marker, ms=5,
                    color=lk.color, label=name, mec="white", mew=0.4)
        ax.set_xscale("log")
        if (g["metric"] == "mse").all():
            ax.set_yscale("log")
        ax.set(title=title, xlabel=xlabel, ylabel="test MSE" if (g["metric"] == "mse").all() else "test accuracy")
    handles, labels = axes[0].get_legend_handles_labels()
    sfig.legend(handles, labels, loc="outside lower center", ncols=3, frameon=False)
    return LiveFigure(draw(style.PANELS_PER_ROW), sfig, alt, narrow=draw(1))


def heat_cells(table: pd.DataFrame, model: str = "HSN", reference: str = "Dense MLP",
               count: str = "learned_size", readings=None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(values in margins, clipped to +-CLIP; cell texts), readings x task readings.

    Rows are readings in words, sorted by their mean value over tasks (best first);
    a cell's text is the raw difference for accuracy and the ratio for MSE.
    """
    if readings is not None:  # only these readings (labels of the ``reading`` column) as rows
        table = table[(table["family"] != model) | table["reading"].isin(list(readings))]
    gp = F.gaps(table, model, reference, count)
    if gp.empty:
        raise ValueError(f"no rows of family {model!r} to compare with {reference!r}")
    gp["column"] = [panel_title(r) for _, r in gp.iterrows()]
    gp["row"] = [reading_words(r) or r["label"] for _, r in gp.iterrows()]
    gp["text"] = [factor(r["ratio"]) if r["metric"] == "mse" else signed(r["diff"]) for _, r in gp.iterrows()]
    cols = [t for t, _ in _panels(table[table["family"] == model])]
    val = gp.pivot_table(index="row", columns="column", values="in_margins", sort=False, dropna=False)
    val = val.reindex(columns=cols).clip(-CLIP, CLIP)
    val = val.loc[val.mean(axis=1).sort_values(ascending=False, kind="stable").index]
    text = gp.pivot_table(index="row", columns="column", values="text", aggfunc="first", sort=False)
    return val, text.reindex(index=val.index, columns=cols).fillna("\u2013")


def heatmap(table: pd.DataFrame, model: str = "HSN", reference: str = "Dense MLP",
            count: str = "learned_size", alt: str = "", readings=None) -> LiveFigure:
    """The model's difference to ``reference`` by reading (rows) and task reading (columns).

    Colour: the mean paired difference in units of the rulebook's margin
    (positive, blue: the model better), saturating at +-CLIP; pale cells are
    within a margin or two.  Text: the raw difference (accuracy) or the ratio of
    MSEs.  ``reference`` is a label of the table or "frontier".
    """
    import matplotlib.pyplot as plt
    import plotly.graph_objects as go

    val, text = heat_cells(table, model, reference, count, readings)
    import textwrap

    # Row labels wrap, so that the cells keep most of the width (a phone included).
    rows_static = ["\n".join(textwrap.wrap(r, 40)) for r in val.index]
    ref = "dense frontier" if reference == "frontier" else reference
    bar = f"{model} \u2212 {ref}, in margins (positive: {model} better)"
    alt = alt or f"Heatmap of {model} minus {ref} by reading and task"

    # The colour bar: a fixed length at the top (the figure is many screens tall), its ends
    # marked as saturated.
    ticks = [-CLIP, -CLIP / 2, 0, CLIP / 2, CLIP]
    tick_text = [f"≤ −{CLIP:g}", f"−{CLIP / 2:g}", "0", f"+{CLIP / 2:g}", f"≥ +{CLIP:g}"]

    def draw(phone: bool = False):
        # On a phone the labels get narrower, the cells' text smaller and the colour bar goes
        # under the task names (the width is the cells'); each row is as tall as its longest
        # label (they overlapped at a fixed height), and the title goes: the caption says what the
        # colour is, and the title ran into the upright task names.
        wrapped = [textwrap.wrap(r, 20 if phone else 44) for r in val.index]
        labels = ["<br>".join(w) for w in wrapped]
        lines = max(map(len, wrapped))
        row_px = max(52, 13 * lines + 12) if phone else max(44, 15 * lines + 12)
        height = row_px * len(val) + (260 if phone else 200)
        # (a phone's bar lies across the top, under plotly's toolbar: 50 px down, in pixels of the figure)
        bar_at = (dict(orientation="h", x=0.5, xanchor="center", y=1 - 50 / height, yanchor="top",
                       yref="container", thickness=8, len=0.9, title=dict(text="margins", side="top"))
                  if phone else dict(thickness=20, lenmode="pixels", len=320, y=1.0, yanchor="top",
                                     title=dict(text="margins", side="right")))
        fig = go.Figure(go.Heatmap(
            z=val.to_numpy(), x=list(val.columns), y=labels, text=text.to_numpy(),
            texttemplate="%{text}", textfont=dict(size=9 if phone else 12), colorscale="RdBu", zmid=0,
            zmin=-CLIP, zmax=CLIP, colorbar=dict(tickvals=ticks, ticktext=tick_text, **bar_at),
            hovertemplate="%{y}<br>%{x}: %{text} (%{z:.2f} margins)<extra></extra>"))
        fig.update_yaxes(autorange="reversed", automargin=True, tickfont=dict(size=10 if phone else 12))
        fig.update_xaxes(side="top", tickangle=-90 if phone else 0)
        if not phone:
            fig.update_layout(title=dict(text=bar, font=dict(size=13)))
            return layout(fig, height)
        # room above the upright task names for plotly's toolbar, which sat on top of them, and
        # for the colour bar above them
        return layout(fig, height).update_layout(margin_t=200, margin_l=4, margin_r=4)

    height = 0.42 * len(val) + 1.8
    sfig, ax = plt.subplots(figsize=(style.WIDTH_IN, height))
    im = ax.imshow(val.to_numpy(dtype=float), cmap="RdBu", vmin=-CLIP, vmax=CLIP, aspect="auto")
    ax.set_xticks(range(val.shape[1]), val.columns, rotation=20, ha="left")
    ax.xaxis.tick_top()
    ax.set_yticks(range(len(val)), rows_static)
    ax.grid(False)
    for (i, j), t in np.ndenumerate(text.to_numpy()):
        v = val.iat[i, j]
        ax.text(j, i, t, ha="center", va="center", fontsize=style.FONT_PT - 1,
                color="white" if v == v and abs(v) > 0.6 * CLIP else "0.1")
    sfig.colorbar(im, ax=ax, label=bar, orientation="horizontal", location="bottom", shrink=0.6,
                  aspect=40)
    return LiveFigure(draw(), sfig, alt, narrow=draw(phone=True), narrow_traces=True)
