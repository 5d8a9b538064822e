"""Figures of the benchmark section: the tasks, the note's Figure 1 remade, what
the trained models compute (decision boundaries, sine fits) and learning curves.

Every function returns a matplotlib Figure and draws only what it is given: the
numbers come from :mod:`scaffold.sweep` / :mod:`scaffold.tables`, the trained
models from :func:`scaffold.train.train_ensemble`.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import torch

from .data import TASKS

TITLES = {"swiss_roll": "Swiss roll", "two_spirals": "Two spirals", "circles": "Circles",
          "moons": "Moons", "sine": "Sine (MSE)", "digits": "Digits"}
#: one colour and marker per model label, shared by every figure of the section
STYLE = {
    "Dense MLP": dict(color="black", marker="s"),
    "HSN (literal)": dict(color="tab:red", marker="v"),
    "HSN (repaired)": dict(color="tab:orange", marker="^"),
    "CEN (H=64)": dict(color="tab:green", marker="o"),
    "CEN (H=128)": dict(color="tab:olive", marker="o"),
    "CEN (H=256)": dict(color="tab:cyan", marker="o"),
    "CEN (H=512)": dict(color="tab:blue", marker="o"),
    "CEN (best H)": dict(color="tab:purple", marker="D"),
    "CEN (note's H)": dict(color="tab:brown", marker="P"),
}


def style(model: str) -> dict:
    return STYLE.get(model, dict(color="gray", marker="x"))


def plot_datasets(datasets: dict, max_points: int = 512):
    """One panel per task: the training split (binary tasks coloured by label)."""
    n = len(datasets)
    fig, axes = plt.subplots(1, n, figsize=(2.6 * n, 2.7))
    axes = np.atleast_1d(axes)
    for ax, (name, ds) in zip(axes, datasets.items()):
        x, y = ds.x_train[:max_points], ds.y_train[:max_points]
        if ds.kind == "regression":
            ax.scatter(x[:, 0], y[:, 0], s=4, color="tab:gray")
            ax.set(xlabel="x (standardised)", ylabel="y")
        else:
            lab = np.asarray(y).reshape(-1)
            ax.scatter(x[:, 0], x[:, 1], c=lab, s=4, cmap="coolwarm", vmin=0, vmax=1)
            ax.set(xlabel="$x_1$", ylabel="$x_2$", aspect="equal")
        ax.set_title(TITLES.get(name, name).replace(" (MSE)", ""))
    fig.tight_layout()
    return fig


def plot_figure1(long: pd.DataFrame, models, tasks, split: str = "val", dense: str = "Dense MLP"):
    """The note's Figure 1 remade from :func:`scaffold.tables.reported_vs_ours` output.

    One panel per task; a filled marker per model with its 95% CI as error bar,
    the note's reported value as an open black marker beside it, and the dense
    MLP's mean as a dashed line (its CI as a band).  Regression panels use a log
    scale.  Models without a reported value get no open marker.
    """
    d = long[long["split"] == split]
    fig, axes = plt.subplots(1, len(tasks), figsize=(2.3 * len(tasks), 3.6), sharey=False)
    axes = np.atleast_1d(axes)
    xs = np.arange(len(models))
    for ax, task in zip(axes, tasks):
        g = d[d["task"] == task].set_index("model")
        reg = TASKS[task][0] == "regression"
        if dense in g.index:
            r = g.loc[dense]
            ax.axhline(r["mean"], ls="--", color="black", lw=1, zorder=0)
            if np.isfinite(r["lo"]):
                ax.axhspan(r["lo"], r["hi"], color="black", alpha=0.08, lw=0, zorder=0)
        for x, m in zip(xs, models):
            if m not in g.index:
                continue
            r, s = g.loc[m], style(m)
            err = np.array([[r["mean"] - r["lo"]], [r["hi"] - r["mean"]]])
            err = np.nan_to_num(np.clip(err, 0, None))
            ax.errorbar(x - 0.12, r["mean"], yerr=err, fmt=s["marker"], color=s["color"],
                        mec="black", mew=0.5, ms=7, capsize=3)
            if np.isfinite(r["reported"]):
                ax.plot(x + 0.18, r["reported"], s["marker"], mfc="none", mec="black", ms=7)
        ax.set_xticks(xs, [m.replace(" (", "\n(") for m in models], fontsize=7, rotation=90)
        ax.set_title(TITLES.get(task, task))
        if reg:
            ax.set_yscale("log")
            ax.set_ylabel("MSE (lower is better)")
        else:
            ax.set_ylabel("accuracy")
        ax.grid(axis="y", alpha=0.3)
    handles = [plt.Line2D([], [], ls="none", marker="o", color="gray", mec="black", label="ours (95% CI)"),
               plt.Line2D([], [], ls="none", marker="o", mfc="none", mec="black", label="reported"),
               plt.Line2D([], [], ls="--", color="black", label="dense MLP, ours")]
    fig.legend(handles=handles, loc="upper center", ncol=3, frameon=False, fontsize=8)
    fig.tight_layout(rect=(0, 0, 1, 0.93))
    return fig


@torch.no_grad()
def member_output(model, x: np.ndarray, member: int) -> np.ndarray:
    """Output of one member of a stacked model on points ``x`` of shape (B, d).

    The stacked forward takes (M, B, d): the same points are given to every
    member and member ``member``'s output (B, o) is returned.
    """
    model.eval()
    dev = next(iter(model.parameters())).device
    xt = torch.as_tensor(np.asarray(x, dtype=np.float32), device=dev)
    out = model(xt.unsqueeze(0).expand(model.M, *xt.shape).contiguous())
    return out[member].cpu().numpy()


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
    fig, axes = plt.subplots(len(tasks), len(models), figsize=(2.2 * len(models), 2.2 * len(tasks)),
                             squeeze=False)
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
            logit = member_output(model, flat, member)[:, 0].reshape(xx.shape)
            prob = 1.0 / (1.0 + np.exp(-np.clip(logit, -50, 50)))
            ax.contourf(xx, yy, prob, levels=np.linspace(0, 1, 11), cmap="coolwarm", alpha=0.6)
            if logit.min() < 0 < logit.max():
                ax.contour(xx, yy, logit, levels=[0.0], colors="black", linewidths=1)
            ax.scatter(ds.x_test[:300, 0], ds.x_test[:300, 1], c=ds.y_test[:300, 0], s=2,
                       cmap="coolwarm", vmin=0, vmax=1, edgecolors="none")
            ax.set_title(f"{m}\n{score:.3f}" if i == 0 else f"{score:.3f}", fontsize=8)
            if j == 0:
                ax.set_ylabel(TITLES.get(task, task))
    fig.tight_layout()
    return fig


def plot_sine_fits(fits: dict, models, task: str = "sine", n: int = 400):
    """The fitted functions on the sine task, one panel per model.

    ``fits`` as for :func:`plot_boundaries`; the grey dots are test points,
    the title the member's test MSE.
    """
    have = [m for m in models if (task, m) in fits]
    fig, axes = plt.subplots(1, len(have), figsize=(2.6 * len(have), 2.4), sharey=True, squeeze=False)
    for ax, m in zip(axes[0], have):
        model, member, ds, score = fits[(task, m)]
        xs = np.linspace(ds.x_test.min(), ds.x_test.max(), n)[:, None]
        ax.scatter(ds.x_test[:, 0], ds.y_test[:, 0], s=2, color="0.7")
        ax.plot(xs[:, 0], member_output(model, xs, member)[:, 0], color=style(m)["color"], lw=1.5)
        ax.set_title(f"{m}\nMSE {score:.3g}", fontsize=8)
        ax.set_xlabel("x (standardised)")
        ax.set_ylim(-1.6, 1.6)
    axes[0, 0].set_ylabel("y")
    fig.tight_layout()
    return fig


def selected_curves(curves: pd.DataFrame, selected: pd.DataFrame) -> pd.DataFrame:
    """The learning-curve rows of the learning rate chosen per (task, model, seed)."""
    keys = selected[["task", "model", "seed", "lr"]].drop_duplicates()
    return curves.merge(keys, on=["task", "model", "seed", "lr"], how="inner")


def curve_band(cur: pd.DataFrame, level: float = 0.95, n_boot: int = 2000, seed: int = 0
               ) -> pd.DataFrame:
    """Per (task, model, epoch): mean of val_metric over seeds and a bootstrap CI of it.

    The percentile bootstrap (as :func:`scaffold.stats.bootstrap_ci`) resamples
    whole seeds, the same resample for every epoch of a curve, so the band stays
    inside the range of the seeds' curves.
    """
    rng = np.random.default_rng(seed)
    out = []
    for (task, model), g in cur.groupby(["task", "model"], sort=True):
        X = g.pivot_table(index="epoch", columns="seed", values="val_metric").to_numpy()
        n = X.shape[1]
        mean = X.mean(1)
        if n > 1:
            idx = rng.integers(0, n, size=(n_boot, n))
            boot = X[:, idx].mean(-1)  # (epochs, n_boot)
            lo, hi = np.quantile(boot, [(1 - level) / 2, (1 + level) / 2], axis=1)
        else:
            lo = hi = mean
        out.append(pd.DataFrame(dict(task=task, model=model, epoch=np.sort(g["epoch"].unique()),
                                     mean=mean, lo=lo, hi=hi, n=n)))
    return pd.concat(out, ignore_index=True)


def late_change(band: pd.DataFrame, frac: float = 0.1) -> pd.DataFrame:
    """Per (task, model): mean curve at the start of the last ``frac`` of epochs,
    at the last epoch, and the change between them -- is training still moving?"""
    rows = []
    for (task, model), g in band.groupby(["task", "model"], sort=True):
        g = g.sort_values("epoch")
        last = int(g["epoch"].max())
        start = max(1, last - max(1, int(round(frac * last))))
        a = float(g.loc[g["epoch"] == start, "mean"].iloc[0])
        b = float(g.loc[g["epoch"] == last, "mean"].iloc[0])
        rows.append(dict(task=task, model=model, from_epoch=start, to_epoch=last,
                         start=a, end=b, change=b - a))
    return pd.DataFrame(rows)


def settles_below(band: pd.DataFrame, task: str, model: str, threshold: float) -> int | None:
    """First epoch from which the mean curve of (task, model) stays below ``threshold``
    to the end (None if it ends above it)."""
    g = band[(band["task"] == task) & (band["model"] == model)].sort_values("epoch")
    if g.empty:
        raise KeyError((task, model))
    above = np.flatnonzero(g["mean"].to_numpy() >= threshold)
    if len(above) == 0:
        return int(g["epoch"].iloc[0])
    if above[-1] == len(g) - 1:
        return None
    return int(g["epoch"].iloc[above[-1] + 1])


def plot_learning_curves(curves: pd.DataFrame, selected: pd.DataFrame, tasks, models):
    """Validation metric vs epoch (chosen lr per seed): mean over seeds, 95% bootstrap band."""
    band = curve_band(selected_curves(curves, selected))
    fig, axes = plt.subplots(1, len(tasks), figsize=(2.4 * len(tasks), 2.9), squeeze=False)
    for ax, task in zip(axes[0], tasks):
        for m in models:
            b = band[(band["task"] == task) & (band["model"] == m)]
            if b.empty:
                continue
            c = style(m)["color"]
            ax.plot(b["epoch"], b["mean"], color=c, lw=1.2, label=m)
            ax.fill_between(b["epoch"], b["lo"], b["hi"], color=c, alpha=0.2, lw=0)
        reg = TASKS[task][0] == "regression"
        if reg:
            ax.set_yscale("log")
        ax.set(title=TITLES.get(task, task), xlabel="epoch",
               ylabel="validation MSE" if reg else "validation accuracy")
        ax.grid(alpha=0.3)
    h, lab = axes[0, 0].get_legend_handles_labels()
    fig.legend(h, lab, loc="upper center", ncol=min(len(lab), 5), frameon=False, fontsize=8)
    fig.tight_layout(rect=(0, 0, 1, 0.86))
    return fig
