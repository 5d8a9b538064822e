"""The benchmarks page's figures: the tasks, the note's Figure 1 remade, decision boundaries,
sine fits, learning curves and every seed's score."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from ... import experiments
from ...curves import curve_band, selected_curves
from ...data import metric_of, task_title
from ...runtime import charts, static, style, tables


def panel_title(task: str, metric: bool = True) -> str:
    """A panel's title: the task's name, capitalised, with "(MSE)" on regression panels if ``metric``."""
    title = task_title(task).capitalize()
    return f"{title} (MSE)" if metric and metric_of(task) == "mse" else title


def plot_datasets(datasets: dict, max_points: int = 512):
    """One panel per task (three per row): the training split, binary tasks coloured by label."""
    fig, axes = style.panels(len(datasets), per_row=3, panel_height=2.2)
    for ax, (name, ds) in zip(axes, datasets.items()):
        x, y = ds.x_train[:max_points], ds.y_train[:max_points]
        if ds.kind == "regression":
            ax.scatter(x[:, 0], y[:, 0], s=4, color="0.45")
            ax.set(xlabel="x (standardised)", ylabel="y")
        else:
            lab = np.asarray(y).reshape(-1)
            ax.scatter(x[:, 0], x[:, 1], c=lab, s=4, cmap="coolwarm", vmin=0, vmax=1)
            ax.set(xlabel="$x_1$", ylabel="$x_2$", aspect="equal")
        ax.set_title(panel_title(name, metric=False))
    return fig


#: Accuracy panels of Figure 1 show this range around the models that learn; a model
#: whose mean lies below it (the literal HSN, at chance) is drawn on the lower edge
#: with its value written beside it, so that it does not squeeze the others to a line.
FIG1_FLOOR = 0.6


def plot_figure1(long: pd.DataFrame, models, tasks, split: str = "val", dense: str = "Dense MLP"):
    """The note's Figure 1 remade from :func:`.reported.reported_vs_ours` output, two panels per row.

    A filled marker per model with its 95% CI, the note's reported value as an open
    black marker beside it, and the dense MLP's mean as a dashed line (its CI as a
    band).  Regression panels use a log scale.  Accuracy panels are scaled to the
    models above :data:`FIG1_FLOOR`; one below it is marked on the lower edge with
    its mean written beside it (a broken axis, drawn as such).
    """
    d = long[long["split"] == split]
    fig, axes = style.panels(len(tasks), panel_height=2.9)
    for ax, task in zip(axes, tasks):
        g = d[d["task"] == task].set_index("model")
        shown = g.loc[[m for m in models if m in g.index]]
        reg = metric_of(task) == "mse"
        low = set() if reg else set(shown.index[shown["mean"] < FIG1_FLOOR])
        ylim, pad = (None, 0.0) if reg else accuracy_limits(shown.drop(index=list(low)), bool(low))
        if dense in g.index:
            _dense_band(ax, g.loc[dense], dense)
        for x, m in enumerate(models):
            if m in g.index:
                _model_marks(ax, x, m, g.loc[m], low, ylim, pad, reg)
        ax.set_xticks(np.arange(len(models)), [m.replace(" (", "\n(") for m in models], fontsize=7.5)
        ax.set_title(panel_title(task))
        _figure1_axis(ax, reg, ylim, bool(low))
    handles = [plt.Line2D([], [], ls="none", marker="o", color="0.5", mec="black", label="ours (95% CI)"),
               plt.Line2D([], [], ls="none", marker="o", mfc="none", mec="black", label="note (one run)"),
               plt.Line2D([], [], ls="--", color=style.look(dense).color, label="dense MLP, ours")]
    fig.legend(handles=handles, loc="outside lower center", ncols=3, frameon=False)
    return fig


def accuracy_limits(keep: pd.DataFrame, broken: bool) -> tuple:
    """(y limits, padding) of an accuracy panel around the models kept (room below if ``broken``)."""
    vals = np.concatenate([keep[["lo", "hi", "mean"]].to_numpy().ravel(), keep["reported"].to_numpy()])
    vals = vals[np.isfinite(vals)]
    lo_y, hi_y = (vals.min(), vals.max()) if vals.size else (0.0, 1.0)
    pad = max(0.01, 0.08 * (hi_y - lo_y))
    return (lo_y - pad * (2.5 if broken else 1), min(1.0 + pad / 2, hi_y + pad)), pad


def _dense_band(ax, r: pd.Series, dense: str) -> None:
    ax.axhline(r["mean"], ls="--", color=style.look(dense).color, lw=1, zorder=0)
    if np.isfinite(r["lo"]):
        ax.axhspan(r["lo"], r["hi"], color=style.look(dense).color, alpha=0.10, lw=0, zorder=0)


def _model_marks(ax, x, m, r: pd.Series, low, ylim, pad, reg) -> None:
    """One model's mean (with CI, or on the lower edge if below the floor) and the note's value."""
    lk = style.look(m)
    if m in low:
        y0 = ylim[0] + 0.25 * pad
        ax.plot(x - 0.12, y0, lk.marker, color=lk.color, mec="black", mew=0.5, ms=7, clip_on=False)
        ax.annotate(f"{r['mean']:.2f}", (x - 0.12, y0), xytext=(0, 7), textcoords="offset points",
                    ha="center", fontsize=8, color="0.2")
    else:
        err = np.array([[r["mean"] - r["lo"]], [r["hi"] - r["mean"]]])
        err = np.nan_to_num(np.clip(err, 0, None))
        ax.errorbar(x - 0.12, r["mean"], yerr=err, fmt=lk.marker, color=lk.color,
                    mec="black", mew=0.5, ms=7, capsize=3)
    rep = r["reported"]
    if np.isfinite(rep) and (reg or rep >= ylim[0]):
        ax.plot(x + 0.18, rep, lk.marker, mfc="none", mec="black", ms=7)


def _figure1_axis(ax, reg: bool, ylim, broken: bool) -> None:
    if reg:
        ax.set_yscale("log")
        # up to the next decade, with its tick: points near 0.5 sat under the top edge, unlabelled
        lo, hi = ax.get_ylim()
        ax.set_ylim(lo, max(hi, 10 ** np.ceil(np.log10(hi))))
        ax.set_ylabel("MSE (lower is better)")
    else:
        ax.set_ylim(*ylim)
        ax.set_ylabel("accuracy")
        if broken:  # the break: two short strokes on the y axis just above the edge markers
            for y0 in (0.055, 0.075):
                ax.plot([-0.02, 0.02], [y0, y0 + 0.02], transform=ax.transAxes, color="0.3", lw=1,
                        clip_on=False)
    ax.grid(axis="x", visible=False)


def grid_points(x: np.ndarray, n: int = 150, pad: float = 0.3):
    """A regular n x n grid covering the points ``x`` (B, 2): (xx, yy, flat (n*n, 2))."""
    lo, hi = x.min(0) - pad, x.max(0) + pad
    xx, yy = np.meshgrid(np.linspace(lo[0], hi[0], n), np.linspace(lo[1], hi[1], n))
    return xx, yy, np.stack([xx.ravel(), yy.ravel()], 1)


def plot_boundaries(fits: dict, tasks, models, n: int = 150):
    """Decision regions: rows are tasks, columns models.

    ``fits[(task, model)] = (stacked_model, member, dataset, score)``; the
    background is the member's predicted probability of class 1, the line its
    0.5 contour, the dots the test points, the title the test accuracy.
    """
    fig, axes = plt.subplots(len(tasks), len(models), squeeze=False,
                             figsize=(style.WIDTH_IN, style.WIDTH_IN * len(tasks) / len(models) + 0.6))
    for i, task in enumerate(tasks):
        for j, m in enumerate(models):
            ax = axes[i, j]
            ax.set_xticks([])
            ax.set_yticks([])
            if (task, m) not in fits:
                ax.set_visible(False)
                continue
            model, member, ds, score = fits[(task, m)]
            xx, yy, flat = grid_points(ds.x_test, n)
            logit = model.member_output(flat, member)[:, 0].reshape(xx.shape)
            prob = 1.0 / (1.0 + np.exp(-np.clip(logit, -50, 50)))
            ax.contourf(xx, yy, prob, levels=np.linspace(0, 1, 11), cmap="coolwarm", alpha=0.6)
            if logit.min() < 0 < logit.max():
                ax.contour(xx, yy, logit, levels=[0.0], colors="black", linewidths=1)
            ax.scatter(ds.x_test[:300, 0], ds.x_test[:300, 1], c=ds.y_test[:300, 0], s=2,
                       cmap="coolwarm", vmin=0, vmax=1, edgecolors="none")
            ax.set_title(f"{m}\n{score:.3f}" if i == 0 else f"{score:.3f}")
            static.narrow_title(ax, f"{m}, {panel_title(task)}\n{score:.3f}")
            if j == 0:
                ax.set_ylabel(panel_title(task))
    return fig


def plot_sine_fits(fits: dict, models, task: str = "sine", n: int = 400):
    """The fitted functions on the sine task, one panel per model.

    ``fits`` as for :func:`plot_boundaries`; the grey dots are test points,
    the title the member's test MSE.
    """
    have = [m for m in models if (task, m) in fits]
    fig, axes = style.panels(len(have), panel_height=2.3, sharey=True)
    for ax, m in zip(axes, have):
        model, member, ds, score = fits[(task, m)]
        xs = np.linspace(ds.x_test.min(), ds.x_test.max(), n)[:, None]
        ax.scatter(ds.x_test[:, 0], ds.y_test[:, 0], s=2, color="0.7")
        ax.plot(xs[:, 0], model.member_output(xs, member)[:, 0], color=style.look(m).color, lw=1.8)
        ax.set_title(f"{m}: test MSE {tables.number(score)}")
        ax.set_xlabel("x (standardised)")
        ax.set_ylim(-1.6, 1.6)
        ax.set_ylabel("y")
    return fig


def plot_learning_curves(curves: pd.DataFrame, selected: pd.DataFrame, tasks, models):
    """Validation metric vs epoch (chosen lr per seed): mean over seeds, 95% bootstrap band."""
    band = curve_band(selected_curves(curves, selected))
    fig, axes = style.panels(len(tasks), panel_height=2.4)
    for ax, task in zip(axes, tasks):
        for m in models:
            b = band[(band["task"] == task) & (band["model"] == m)]
            if b.empty:
                continue
            c = style.look(m).color
            ax.plot(b["epoch"], b["mean"], color=c, lw=1.4, label=m)
            ax.fill_between(b["epoch"], b["lo"], b["hi"], color=c, alpha=0.2, lw=0)
        reg = metric_of(task) == "mse"
        if reg:
            ax.set_yscale("log")
        ax.set(title=panel_title(task), xlabel="epoch",
               ylabel="validation MSE" if reg else "validation accuracy")
    h, lab = axes[0].get_legend_handles_labels()
    fig.legend(h, lab, loc="outside lower center", ncols=3, frameon=False)
    return fig


def plot_per_seed(rows: pd.DataFrame, models, tasks, split: str = "val"):
    """Every seed's score per model and task (live, with a static twin): the spread behind each mean."""
    d = rows[rows["model"].isin(models) & rows["task"].isin(tasks)].copy()
    d["value"] = d[f"{split}_metric"]
    d["reading"] = d["model"].map(lambda m: READING.get(m, "as built"))
    d["task"] = d["task"].astype(str)
    what = "validation" if split == "val" else "test"
    mse = [t for t in d["task"].unique() if metric_of(t) == "mse"]  # an MSE spans decades
    return charts.strip(d[["task", "model", "reading", "seed", "value"]], "value",
                        xlabel=f"{what} accuracy (MSE for sine, log axis)",
                        alt=f"Per-seed {what} scores of each model on each task", log_panels=mse)


def _reading() -> dict:
    """The reading of the note each model label stands for (hover text of the live figures)."""
    lit, rep = experiments.HSN_LITERAL.config, experiments.HSN_REPAIRED.config
    return {"HSN (literal)": f"literal: {lit.dg_density:.0%} Bernoulli DG mask, raw 0/1 graph",
            "HSN (repaired)": (f"repaired: at least {rep.dg_min_inputs} input per DG unit, "
                               f"graph radius {rep.spectral_radius}"),
            "CEN (best H)": "width chosen per seed on validation",
            "CEN (note's H)": "the width the note reports per task"}


READING = _reading()
