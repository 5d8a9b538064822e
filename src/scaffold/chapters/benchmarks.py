"""Chapter 2, "Benchmarks" (book/02-benchmarks.py): the note's Table 2.1 re-run over seeds.

The chapter's tables, figures (the tasks, the note's Figure 1 remade, decision
boundaries, sine fits, learning curves) and facts.

The note gives one score per (task, model): the validation accuracy (or
validation MSE for sine) of a single run, with the learning rate picked from
{0.01, 0.02} on that same validation set, and the CEN shown at its "best H".
Here every cell becomes a mean over seeds with a 95% percentile-bootstrap CI
(:func:`scaffold.stats.summarize`), once on validation (the note's choice, which
is optimistic because selection used it) and once on the held-out test split.
The note's single reported run is judged by the book's one rulebook,
:func:`scaffold.verdicts.judge_single`: against the 95% prediction interval of one
more run of ours, clipped to the metric's range -- the rule the audit ledger uses.

Rows of the table are *our* models; :data:`NOTE_COLUMN` says which of the note's
columns each one is compared with.  Two CEN rows are derived rather than trained:

- ``CEN (best H)``: per seed, the CEN width with the best validation score
  (after each width's own learning-rate choice) -- the note's selection rule made
  explicit and applied per seed (:func:`best_by_validation`);
- ``CEN (note's H)``: per task, the width at which the note reports its CEN
  score (:data:`scaffold.note.CEN_BEST_H`), so that the reported value is set
  beside the very configuration it came from.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

import matplotlib.pyplot as plt
import torch

from .. import experiments as ex
from .. import note, stats, verdicts
from ..runtime import charts, provenance, style
from ..runtime.publish import count, share
from ..runtime import tables as tab
from ..data import DEFAULTS, NOTE_TASKS, higher_is_better, make_dataset, metric_of, task_title
from ..stats import summarize
from ..sweep import Grid, trained_model
from ..train import TrainConfig

#: our model label -> the note's Table 2.1 column it is compared with.
NOTE_COLUMN = {
    "Dense MLP": "Dense MLP",
    "HSN (literal)": "HSN",
    "HSN (repaired)": "HSN",
    "CEN (H=512)": "CEN",
    "CEN (best H)": "CEN",
    "CEN (note's H)": "CEN",
}
BEST_H = "CEN (best H)"
NOTE_H = "CEN (note's H)"
SPLITS = ("val", "test")


def cen_width(label: str) -> int | None:
    """H from a label such as ``"CEN (H=128)"``; None for anything else."""
    m = re.fullmatch(r"CEN \(H=(\d+)\)", label)
    return int(m.group(1)) if m else None


def best_by_validation(selected: pd.DataFrame, candidates, label: str = BEST_H) -> pd.DataFrame:
    """Per (task, seed), the candidate model with the best validation metric.

    ``selected`` holds one row per (task, model, seed) (learning rate already
    chosen on validation, e.g. ``SweepResult.selected()``).  Ties go to the
    candidate listed first in ``candidates`` (pass the CEN widths smallest
    first: fewer parameters wins a tie).  The returned rows are copies of the
    winners with ``model`` set to ``label`` and the winner's label kept in
    ``chosen``.  Their test scores are honest; their validation scores are the
    maximum of several noisy scores and hence biased upwards.
    """
    candidates = list(candidates)
    rows = selected[selected["model"].isin(candidates)].copy()
    if rows.empty:
        raise ValueError(f"none of {candidates} in the table")
    rank = {m: i for i, m in enumerate(candidates)}
    rows["_rank"] = rows["model"].map(rank)
    out = []
    for (task, _seed), g in rows.groupby(["task", "seed"], sort=True):
        v = g["val_metric"].to_numpy(dtype=float)
        sign = -1.0 if higher_is_better(metric_of(task)) else 1.0
        v = np.where(np.isnan(v), np.inf, sign * v)  # NaN (diverged) never wins
        key = np.lexsort((g["_rank"].to_numpy(), v))
        out.append(g.iloc[[key[0]]])
    best = pd.concat(out, ignore_index=True).drop(columns="_rank")
    best["chosen"] = best["model"]
    best["model"] = label
    return best


def at_note_width(selected: pd.DataFrame, label: str = NOTE_H) -> pd.DataFrame:
    """Per task, the CEN rows at the width the note reports for that task."""
    parts = []
    for task, h in note.CEN_BEST_H.items():
        g = selected[(selected["task"] == task) & (selected["model"] == f"CEN (H={h})")]
        parts.append(g.assign(chosen=g["model"], model=label))
    return pd.concat(parts, ignore_index=True)


def with_derived(selected: pd.DataFrame) -> pd.DataFrame:
    """``selected`` plus the derived ``CEN (best H)`` and ``CEN (note's H)`` rows."""
    cens = sorted({m for m in selected["model"] if cen_width(m)}, key=cen_width)
    extra = [best_by_validation(selected, cens)] if cens else []
    if cens and any(f"CEN (H={h})" in cens for h in note.CEN_BEST_H.values()):
        extra.append(at_note_width(selected))
    return pd.concat([selected, *extra], ignore_index=True)


def reported(task: str, model: str) -> float:
    """The note's Table 2.1 value for our ``model`` on ``task`` (nan if it has none).

    ``CEN (H=512)`` gets a reported value only where the note's best H is 512:
    elsewhere the note's CEN score belongs to another width.
    """
    col = NOTE_COLUMN.get(model)
    if col is None or task not in note.TABLE_2_1:
        return float("nan")
    w = cen_width(model)
    if w is not None and note.CEN_BEST_H.get(task) != w:
        return float("nan")
    return float(note.TABLE_2_1[task][col])


def reported_vs_ours(rows: pd.DataFrame, models, tasks, splits=SPLITS, n_boot: int = 10000
                     ) -> pd.DataFrame:
    """Long table: one row per (task, model, split) with reported, n, mean, lo, hi.

    ``rows``: one row per (task, model, seed), e.g. :func:`with_derived`'s output.
    Adds ``metric`` (accuracy / MSE), the note's ``note_column``, ``diff``
    (ours minus reported), the 95% prediction interval of one run (``pi_lo``,
    ``pi_hi``) and ``verdict`` / ``side`` from :func:`scaffold.verdicts.judge_single`
    (empty where the note reports nothing for the row).
    """
    parts = []
    for split in splits:
        s = summarize(rows[rows["model"].isin(models) & rows["task"].isin(tasks)],
                      ["task", "model"], f"{split}_metric", n_boot=n_boot)
        parts.append(s.assign(split=split))
    out = pd.concat(parts, ignore_index=True)
    out["metric"] = ["MSE" if metric_of(t) == "mse" else "accuracy" for t in out["task"]]
    out["note_column"] = out["model"].map(NOTE_COLUMN)
    out["reported"] = [reported(t, m) for t, m in zip(out["task"], out["model"])]
    out["diff"] = out["mean"] - out["reported"]
    judged = [single(rows, t, m, sp, r) for t, m, sp, r in
              zip(out["task"], out["model"], out["split"], out["reported"])]
    for key in ("pi_lo", "pi_hi", "verdict", "side"):
        out[key] = [j[key] for j in judged]
    order = {(t, m): i for i, (t, m) in enumerate((t, m) for t in tasks for m in models)}
    out["_o"] = [order[(t, m)] * 10 + list(splits).index(s)
                 for t, m, s in zip(out["task"], out["model"], out["split"])]
    cols = ["task", "model", "note_column", "metric", "split", "reported", "n", "mean", "lo", "hi",
            "std", "diff", "pi_lo", "pi_hi", "verdict", "side"]
    return out.sort_values("_o")[cols].reset_index(drop=True)


def single(rows: pd.DataFrame, task: str, model: str, split: str, rep: float) -> dict:
    """The rulebook's judgement of a reported single run against our per-seed values.

    Without a reported value the prediction interval is still given, the verdict left empty.
    """
    x = rows.loc[(rows["task"] == task) & (rows["model"] == model), f"{split}_metric"]
    x = x.dropna().to_numpy(dtype=float)
    if x.size == 0:
        return dict(pi_lo=np.nan, pi_hi=np.nan, verdict="", side="")
    if not np.isfinite(rep):
        _, lo, hi = verdicts.prediction_interval(x, metric_of(task))
        return dict(pi_lo=lo, pi_hi=hi, verdict="", side="")
    j = verdicts.judge_single(rep, x, metric_of(task))
    return dict(pi_lo=j["lo"], pi_hi=j["hi"], verdict=j["verdict"], side=j["side"])


def fmt_ci(mean: float, lo: float, hi: float, digits: int = 3) -> str:
    """``"0.969 [0.962, 0.975]"`` in the book's number format; the CI part is left out when undefined."""
    if not np.isfinite(mean):
        return ""
    s = tab.number(mean, digits)
    if np.isfinite(lo) and np.isfinite(hi):
        s += f" [{tab.number(lo, digits)}, {tab.number(hi, digits)}]"
    return s


#: Headers of the chapter's main table.
TABLE_HEADERS = {"reported": "Note", "ours_val": "Ours, validation [95% CI]",
                 "one_run": "One run of ours (95%)", "verdict": "Verdict",
                 "side": "Ours vs note", "ours_test": "Ours, test [95% CI]"}


def display_table(long: pd.DataFrame, digits: int = 3) -> pd.DataFrame:
    """One row per (task, model): the note's value, ours on validation and test, and the verdict.

    The verdict judges the reported value (a validation score, as the note's) against
    the prediction interval of one validation run of ours (:func:`single`).
    """
    rows = []
    for (task, model), g in long.groupby(["task", "model"], sort=False):
        v = g[g["split"] == "val"].iloc[0]
        t = g[g["split"] == "test"]
        r = {"task": task, "model": model, "reported": v["reported"], "ours_val": fmt_ci(v["mean"], v["lo"], v["hi"], digits),
             "one_run": (f"[{tab.number(v['pi_lo'], digits)}, {tab.number(v['pi_hi'], digits)}]"
                         if np.isfinite(v["pi_lo"]) else ""),
             "verdict": v["verdict"] or None, "side": v["side"] or None}
        if len(t):
            t = t.iloc[0]
            r["ours_test"] = fmt_ci(t["mean"], t["lo"], t["hi"], digits)
        rows.append(r)
    return pd.DataFrame(rows)


def results_table(long: pd.DataFrame):
    """:func:`display_table` for reading: the note's task and model order, verdict badges."""
    t = tab.table(display_table(long), headers=TABLE_HEADERS)
    t.df["task"] = t.df["task"].map(task_title)  # sorted on the ids (the note's order), then named
    return t


def cell(long: pd.DataFrame, task: str, model: str, split: str = "val") -> pd.Series:
    """The one row of ``long`` for (task, model, split); raises if absent."""
    g = long[(long["task"] == task) & (long["model"] == model) & (long["split"] == split)]
    if len(g) != 1:
        raise KeyError(f"no unique row for {(task, model, split)}")
    return g.iloc[0]


def chosen_widths(rows: pd.DataFrame, label: str = BEST_H) -> pd.DataFrame:
    """How often each width was chosen as ``CEN (best H)``, per task (counts over seeds)."""
    g = rows[rows["model"] == label]
    counts = g.groupby(["task", "chosen"]).size().unstack(fill_value=0)
    cols = sorted(counts.columns, key=lambda m: cen_width(m) or 0)
    return counts[cols]


# ----------------------------------------------------------------------------- figures


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
    """The note's Figure 1 remade from :func:`reported_vs_ours` output, two panels per row.

    A filled marker per model with its 95% CI, the note's reported value as an open
    black marker beside it, and the dense MLP's mean as a dashed line (its CI as a
    band).  Regression panels use a log scale.  Accuracy panels are scaled to the
    models above :data:`FIG1_FLOOR`; one below it is marked on the lower edge with
    its mean written beside it (a broken axis, drawn as such).
    """
    d = long[long["split"] == split]
    fig, axes = style.panels(len(tasks), panel_height=2.9)
    xs = np.arange(len(models))
    for ax, task in zip(axes, tasks):
        g = d[d["task"] == task].set_index("model")
        reg = metric_of(task) == "mse"
        shown = g.loc[[m for m in models if m in g.index]]
        low = set() if reg else set(shown.index[shown["mean"] < FIG1_FLOOR])
        if not reg:
            keep = shown.drop(index=list(low))
            vals = np.concatenate([keep[["lo", "hi", "mean"]].to_numpy().ravel(),
                                   keep["reported"].to_numpy()])
            vals = vals[np.isfinite(vals)]
            lo_y, hi_y = (vals.min(), vals.max()) if vals.size else (0.0, 1.0)
            pad = max(0.01, 0.08 * (hi_y - lo_y))
            ylim = (lo_y - pad * (2.5 if low else 1), min(1.0 + pad / 2, hi_y + pad))
        if dense in g.index:
            r = g.loc[dense]
            ax.axhline(r["mean"], ls="--", color=style.look(dense).color, lw=1, zorder=0)
            if np.isfinite(r["lo"]):
                ax.axhspan(r["lo"], r["hi"], color=style.look(dense).color, alpha=0.10, lw=0, zorder=0)
        for x, m in zip(xs, models):
            if m not in g.index:
                continue
            r, lk = g.loc[m], style.look(m)
            if m in low:
                y0 = ylim[0] + 0.25 * pad
                ax.plot(x - 0.12, y0, lk.marker, color=lk.color, mec="black", mew=0.5, ms=7,
                        clip_on=False)
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
        ax.set_xticks(xs, [m.replace(" (", "\n(") for m in models], fontsize=7.5)
        ax.set_title(panel_title(task))
        if reg:
            ax.set_yscale("log")
            ax.set_ylabel("MSE (lower is better)")
        else:
            ax.set_ylim(*ylim)
            ax.set_ylabel("accuracy")
            if low:  # the break: two short strokes on the y axis just above the edge markers
                ax.plot([-0.02, 0.02], [0.055, 0.075], transform=ax.transAxes, color="0.3",
                        lw=1, clip_on=False)
                ax.plot([-0.02, 0.02], [0.075, 0.095], transform=ax.transAxes, color="0.3",
                        lw=1, clip_on=False)
        ax.grid(axis="x", visible=False)
    handles = [plt.Line2D([], [], ls="none", marker="o", color="0.5", mec="black", label="ours (95% CI)"),
               plt.Line2D([], [], ls="none", marker="o", mfc="none", mec="black", label="note (one run)"),
               plt.Line2D([], [], ls="--", color=style.look(dense).color, label="dense MLP, ours")]
    fig.legend(handles=handles, loc="outside lower center", ncols=3, frameon=False)
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
            logit = member_output(model, flat, member)[:, 0].reshape(xx.shape)
            prob = 1.0 / (1.0 + np.exp(-np.clip(logit, -50, 50)))
            ax.contourf(xx, yy, prob, levels=np.linspace(0, 1, 11), cmap="coolwarm", alpha=0.6)
            if logit.min() < 0 < logit.max():
                ax.contour(xx, yy, logit, levels=[0.0], colors="black", linewidths=1)
            ax.scatter(ds.x_test[:300, 0], ds.x_test[:300, 1], c=ds.y_test[:300, 0], s=2,
                       cmap="coolwarm", vmin=0, vmax=1, edgecolors="none")
            ax.set_title(f"{m}\n{score:.3f}" if i == 0 else f"{score:.3f}")
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
        ax.plot(xs[:, 0], member_output(model, xs, member)[:, 0], color=style.look(m).color, lw=1.8)
        ax.set_title(f"{m}: test MSE {tab.number(score)}")
        ax.set_xlabel("x (standardised)")
        ax.set_ylim(-1.6, 1.6)
        ax.set_ylabel("y")
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
    return charts.strip(d[["task", "model", "reading", "seed", "value"]], "value",
                        xlabel=f"{what} accuracy (MSE for sine)",
                        alt=f"Per-seed {what} scores of each model on each task")


def _reading() -> dict:
    """The reading of the note each model label stands for (hover text of the live figures)."""
    lit, rep = ex.HSN_LITERAL.config, ex.HSN_REPAIRED.config
    return {"HSN (literal)": f"literal: {lit.dg_density:.0%} Bernoulli DG mask, raw 0/1 graph",
            "HSN (repaired)": (f"repaired: at least {rep.dg_min_inputs} input per DG unit, "
                               f"graph radius {rep.spectral_radius}"),
            "CEN (best H)": "width chosen per seed on validation",
            "CEN (note's H)": "the width the note reports per task"}


READING = _reading()


# ----------------------------------------------------------------------------- the chapter

CLS_TASKS = [t for t in NOTE_TASKS if t != "sine"]
#: The rows of the chapter's table, and the figures' subsets of them.
MODELS = ["Dense MLP", "HSN (literal)", "HSN (repaired)", "CEN (H=512)", "CEN (best H)", "CEN (note's H)"]
FIG_MODELS = ["Dense MLP", "HSN (literal)", "HSN (repaired)", "CEN (H=512)", "CEN (best H)"]
CURVE_MODELS = ["Dense MLP", "HSN (literal)", "HSN (repaired)", "CEN (H=64)", "CEN (H=512)"]
FIT_MODELS = {"Dense MLP": ex.DENSE, "HSN (literal)": ex.HSN_LITERAL,
              "HSN (repaired)": ex.HSN_REPAIRED, "CEN (H=512)": ex.CENS[-1]}
#: Short names of the table's rows in the facts' keys.
KEYS = {"Dense MLP": "dense", "HSN (literal)": "hsnlit", "HSN (repaired)": "hsnrep",
        "CEN (H=512)": "cen512", "CEN (best H)": "cenbest", "CEN (note's H)": "cennote"}
#: The task options the chapter lists, with what each means.
OPTIONS = (("swiss_noise", "Swiss roll: noise of make_swiss_roll"),
           ("spiral_noise", "two spirals: Gaussian noise on the arms"),
           ("spiral_turns", "two spirals: turns of each arm"),
           ("circles_noise", "circles: noise of make_circles"),
           ("circles_factor", "circles: inner/outer radius ratio"),
           ("moons_noise", "moons: noise of make_moons"),
           ("sine_noise", "sine: noise on the targets"),
           ("embed_noise", "noise when embedding in more dimensions (not used here)"))


def grids(cfg) -> dict:
    """The sweeps this chapter trains: the note's benchmark (:func:`scaffold.experiments.core_grid`)."""
    return {"core": ex.core_grid(cfg)}


def task_options() -> pd.DataFrame:
    """The task options used here (``scaffold.data.DEFAULTS``) with what each means."""
    options = pd.DataFrame(list(OPTIONS), columns=["option", "meaning"])
    options["value"] = options["option"].map(DEFAULTS)
    return options.set_index("option")


def compute(cfg) -> dict:
    """The core sweep's members and the reported-vs-ours table, written to ``cfg.results_dir``."""
    out = cfg.results_dir
    sweep = ex.run(cfg, grids(cfg)["core"], desc="core sweep")
    sweep.members.to_csv(out / "benchmarks_members.csv", index=False)
    selected = sweep.selected()
    rows = with_derived(selected)
    long = reported_vs_ours(rows, MODELS, NOTE_TASKS)
    long.to_csv(out / "benchmarks_table.csv", index=False)
    return dict(sweep=sweep, selected=selected, rows=rows, long=long)


def fits(cfg, tables: dict) -> dict:
    """One trained member per (task, model) of :data:`FIT_MODELS` on the first seed, to draw.

    The sweep keeps scores, not weights, so the first seed is trained again at
    the learning rate the sweep chose; ``max_diff`` is the largest difference of
    its test score from the sweep's (zero when training is deterministic).
    """
    seed, selected, members = cfg.seeds[0], tables["selected"], tables["sweep"].members
    grid = Grid(tasks=NOTE_TASKS, specs=tuple(FIT_MODELS.values()), seeds=(seed,),
                epochs_scale=cfg.epochs_scale)
    out, diffs = {}, []
    for task in NOTE_TASKS:
        for label, spec in FIT_MODELS.items():
            res = trained_model(grid, task, spec, cfg.device)  # weights cached after the first run
            lr = selected.query("task == @task and model == @label and seed == @seed")["lr"].iloc[0]
            member = int(np.flatnonzero(res.members["lr"].to_numpy() == lr)[0])
            score = float(res.members["test_metric"].iloc[member])
            ref = members.query("task == @task and model == @label and seed == @seed and lr == @lr")
            diffs.append(abs(score - float(ref["test_metric"].iloc[0])))
            out[(task, label)] = (res.model, member, res.datasets[seed], score)
    return dict(fits=out, seed=seed, max_diff=max(diffs))


def facts(cfg, tables: dict, fitted: dict) -> dict:
    """The numbers the chapter's prose quotes (published with the prefix ``bench``)."""
    sweep, selected, rows, long = (tables[k] for k in ("sweep", "selected", "rows", "long"))
    tc = TrainConfig(epochs_scale=cfg.epochs_scale)
    ds = make_dataset(NOTE_TASKS[0], cfg.seeds[0])
    f = {"show-seed": cfg.seeds[0]}
    f["n-train"], f["n-val"], f["n-test"] = len(ds.x_train), len(ds.x_val), len(ds.x_test)
    f["batch"] = tc.batch_size
    f["epochs-cls"] = tc.n_epochs("binary")
    f["epochs-reg"] = tc.n_epochs("regression")
    f["epochs-scale"] = cfg.epochs_scale
    f["lr-lo"] = min(tc.lrs)
    f["lr-hi"] = max(tc.lrs)
    f["cen-widths"] = ", ".join(str(h) for h in ex.CEN_WIDTHS)
    f["n-seeds"] = cfg.n_seeds
    f["cen-hmax"] = int(ex.CENS[-1].config.H)

    f["n-tasks"] = len(NOTE_TASKS)
    f["n-models"] = len(ex.CORE_MODELS)
    f["note-h"] = ", ".join(f"{note.CEN_BEST_H[t]} on {task_title(t)}" for t in NOTE_TASKS)
    f["note-h-circles"] = note.CEN_BEST_H["circles"]
    f["dg-density"] = note.DG_DENSITY
    f["rep-radius"] = dict(ex.HSN_REPAIRED.options)["spectral_radius"]
    hsn_rep = [note.TABLE_2_1[t]["HSN"] for t in CLS_TASKS]
    f["hsn-rep-min"] = min(hsn_rep)
    f["hsn-rep-max"] = max(hsn_rep)

    for _, r in long.iterrows():
        k = f"{r['task']}-{KEYS[r['model']]}"
        for stat in ("mean", "lo", "hi"):
            f[f"{k}-{r['split']}-{stat}"] = float(r[stat])
        if np.isfinite(r["reported"]) and r["split"] == "val":
            f[f"{k}-reported"] = float(r["reported"])
    val = long[(long["split"] == "val") & long["reported"].notna()]
    test = long[(long["split"] == "test") & long["reported"].notna()]
    f["n-cells"] = len(val)
    f["n-inside-val"] = int((val["verdict"] == verdicts.HOLDS).sum())
    f["n-inside-test"] = int((test["verdict"] == verdicts.HOLDS).sum())
    f["n-inside-words"] = share(f["n-inside-val"], f["n-cells"])
    f["n-above-val"] = int((val["side"] == "ours above").sum())
    f["n-below-val"] = int((val["side"] == "ours below").sum())
    f["misses"] = misses_sentence(f["n-above-val"], f["n-below-val"])
    f["n-note-values"] = int(val[["task", "note_column"]].drop_duplicates().shape[0])
    f["inside-sentence"] = inside_sentence(f["n-inside-val"], f["n-cells"], f["n-note-values"])
    moons = cell(long, "moons", "HSN (repaired)", "val")
    f["moons-hsnrep-verdict-words"] = (
        "lies within the range of one run of our repaired HSN" if moons["verdict"] == verdicts.HOLDS
        else "lies outside the range of one run of our repaired HSN")
    lit = long[long["task"].isin(CLS_TASKS) & (long["model"] == "HSN (literal)")]
    f["hsnlit-min-acc"] = float(lit["mean"].min())
    f["hsnlit-max-acc"] = float(lit["mean"].max())
    f["hsnlit-max-hi"] = float(lit["hi"].max())
    lit_seeds = selected[(selected["model"] == "HSN (literal)") & selected["task"].isin(CLS_TASKS)]
    top_lit = lit_seeds.loc[lit_seeds["val_metric"].idxmax()]
    f["hsnlit-best-seed-acc"] = float(top_lit["val_metric"])
    f["hsnlit-best-seed-task"] = task_title(top_lit["task"])
    dense_sine = cell(long, "sine", "Dense MLP", "test")
    f["sine-dense-ratio"] = float(dense_sine["reported"] / dense_sine["mean"])
    best = rows[rows["model"] == "CEN (best H)"]
    f["cenbest-optimism"] = opt = float((best["val_metric"] - best["test_metric"])[best["task"].isin(CLS_TASKS)].mean())

    f["cenbest-optimism-words"] = (
        f"exceeds its test accuracy by {tab.number(opt)}" if opt > 0 else
        f"is below its test accuracy by {tab.number(-opt)}" if opt < 0 else "equals its test accuracy")
    nf = stats.noise_floor(f["n-val"], acc=0.95)
    f["nf-n"] = nf["n_points"]
    f["nf-acc"] = nf["acc"]
    f["nf-res"] = nf["resolution"]
    f["nf-se"] = nf["se"]
    f["nf-points"] = nf["points_per_se"]
    f["nf-half"] = nf["half_width"]
    f["nf-diff"] = float(nf["diff_half_width"])
    f["moons-gap"] = note.TABLE_2_1["moons"]["HSN"] - note.TABLE_2_1["moons"]["Dense MLP"]

    f["fit-seed"] = fitted["seed"]
    f["fit-maxdiff"] = fitted["max_diff"]
    f["fit-agree"] = ("exactly" if fitted["max_diff"] == 0
                      else f"to within {tab.number(fitted['max_diff'], 1)}")
    out = cfg.results_dir
    f["data-table"] = provenance.data_links(out / "benchmarks_table.csv")
    f["data-members"] = provenance.data_links(out / "benchmarks_members.csv")

    band = curve_band(selected_curves(sweep.curves, selected))
    late = late_change(band)
    late_cls = late[late["task"].isin(CLS_TASKS) & late["model"].isin(CURVE_MODELS)
                    & (late["model"] != "HSN (literal)")]
    f["late-from"] = int(late_cls["from_epoch"].max())
    f["late-max-gain"] = float(late_cls["change"].max())
    top = late_cls.loc[late_cls["change"].idxmax()]
    f["late-max-which"] = f"{top['model']} on {task_title(top['task'])}"
    sine_dense = late[(late["task"] == "sine") & (late["model"] == "Dense MLP")].iloc[0]
    settle = settles_below(band, "sine", "Dense MLP", note.TABLE_2_1["sine"]["Dense MLP"])
    f["sine-dense-settle"] = "never" if settle is None else f"from epoch {settle} on"
    f["sine-dense-final"] = float(sine_dense["end"])
    return f


def inside_sentence(k: int, n: int, values: int) -> str:
    """How many comparisons with a reported value hold, saying that one value may face several rows."""
    which = "all of them" if k == n else "none of them" if k == 0 else f"{k} of them"
    return (f"The note's {values} reported values enter {n} comparisons here (both HSN readings and "
            f"several CEN rows face the same value); in {which} the reported value lies where one "
            "validation run of ours would fall.")


def misses_sentence(above: int, below: int) -> str:
    """Where the reported values outside our one-run range lie, as a sentence."""
    def cells(k):
        return count(k, "cell")
    if above + below == 0:
        return "No reported value falls outside that range."
    return (f"Outside it, ours lies above the note's value in {cells(above)} and below it in "
            f"{cells(below)}.")


def table_views(cfg, tables: dict) -> dict:
    """The chapter's tables for reading (published with the prefix ``tab-bench``)."""
    widths = tab.table(chosen_widths(tables["rows"]).reset_index())
    widths.df["task"] = widths.df["task"].map(task_title)
    opts = task_options().reset_index()
    return {
        "main": results_table(tables["long"]),
        "widths": widths,
        "options": tab.table(opts[["option", "value", "meaning"]]),
    }


def figures(cfg, tables: dict, fitted: dict) -> dict:
    """The chapter's figures (published with the prefix ``fig-bench``)."""
    long, sweep, selected = tables["long"], tables["sweep"], tables["selected"]
    show = {t: make_dataset(t, seed=cfg.seeds[0]) for t in ("swiss_roll", "two_spirals", "circles", "moons", "sine")}
    return {
        "data": plot_datasets(show),
        "fig1-val": plot_figure1(long, FIG_MODELS, NOTE_TASKS, "val"),
        "fig1-test": plot_figure1(long, FIG_MODELS, NOTE_TASKS, "test"),
        "boundaries": plot_boundaries(fitted["fits"], CLS_TASKS, list(FIT_MODELS)),
        "sine": plot_sine_fits(fitted["fits"], list(FIT_MODELS)),
        "curves": plot_learning_curves(sweep.curves, selected, NOTE_TASKS, CURVE_MODELS),
        "seeds": plot_per_seed(tables["rows"], MODELS, NOTE_TASKS),
    }
