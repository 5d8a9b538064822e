"""Figures of the audit section: forest plot, T ablation, parameter frontier, CA3 dynamics.

Every function takes a table computed by :mod:`scaffold.audit` and returns a
matplotlib Figure (the notebook glues it); none computes a result itself.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd

from scaffold.data import TASKS

TASK_ORDER = ("swiss_roll", "circles", "moons", "sine")
#: One colour per group of models, shared by the figures.
GROUP_COLORS = {"note model": "C0", "CEN": "C1", "dense control": "C2", "HSN control": "C3",
                "CEN control": "C4"}


def _tasks(df) -> list[str]:
    return [t for t in TASK_ORDER if t in set(df.task)] + sorted(set(df.task) - set(TASK_ORDER))


def _ylabel(task: str) -> str:
    return "test MSE" if TASKS[task][0] == "regression" else "test accuracy"


def forest(paired: pd.DataFrame, groups: dict | None = None):
    """Paired test-metric differences (model - reference) with 95% intervals, one panel per task.

    ``paired`` is :func:`scaffold.audit.paired_table`; the grey band is the
    equivalence margin.  The x axis is symmetric-log so that the HSN's literal
    reading (about -0.5) and differences of a few thousandths are both legible.
    """
    tasks = _tasks(paired)
    models = list(dict.fromkeys(paired.model))
    fig, axes = plt.subplots(1, len(tasks), figsize=(3.6 * len(tasks), 0.28 * len(models) + 1.6),
                             sharey=True, squeeze=False)
    y = {m: i for i, m in enumerate(models)}
    for ax, task in zip(axes[0], tasks):
        d = paired[paired.task == task]
        m = float(d.margin.iloc[0])
        ax.axvspan(-m, m, color="0.88", zorder=0)
        ax.axvline(0, color="0.3", lw=0.8)
        for _, r in d.iterrows():
            c = GROUP_COLORS.get((groups or {}).get(r.model), "C0")
            ax.errorbar(r.mean_diff, y[r.model], xerr=[[r.mean_diff - r.lo], [r.hi - r.mean_diff]],
                        fmt="o", ms=4, color=c, capsize=2)
        ax.set_xscale("symlog", linthresh=0.01)
        ax.set_title(task)
        what = "MSE" if TASKS[task][0] == "regression" else "accuracy"
        ax.set_xlabel(f"{what} - {d.reference.iloc[0]}")
        ax.grid(axis="x", alpha=0.3)
    axes[0][0].set_yticks(range(len(models)), models)
    axes[0][0].invert_yaxis()
    fig.tight_layout()
    return fig


def t_ablation(summary: pd.DataFrame, t_labels: dict, reference: pd.DataFrame | None = None):
    """Test metric (mean and 95% CI) of the repaired HSN against the number of CA3 steps T.

    ``summary``: :func:`scaffold.stats.summarize` rows (task, model, mean, lo, hi);
    ``t_labels``: T -> model label; ``reference``: the same rows for a dense
    baseline, drawn as a line with its band.
    """
    tasks = _tasks(summary)
    fig, axes = plt.subplots(1, len(tasks), figsize=(3.3 * len(tasks), 3.0), squeeze=False)
    Ts = sorted(t_labels)
    for ax, task in zip(axes[0], tasks):
        d = summary[summary.task == task].set_index("model")
        rows = d.loc[[t_labels[T] for T in Ts]]
        ax.errorbar(Ts, rows["mean"], yerr=[rows["mean"] - rows["lo"], rows["hi"] - rows["mean"]],
                    fmt="o-", color="C3", capsize=3, label="HSN (repaired)")
        if reference is not None:
            r = reference[reference.task == task].iloc[0]
            ax.axhline(r["mean"], color="C2", ls="--", label=r["model"])
            ax.axhspan(r["lo"], r["hi"], color="C2", alpha=0.15)
        if TASKS[task][0] == "regression":
            ax.set_yscale("log")
        ax.set_xticks(Ts)
        ax.set_xlabel("CA3 steps T")
        ax.set_ylabel(_ylabel(task))
        ax.set_title(task)
    axes[0][0].legend(fontsize=8)
    fig.tight_layout()
    return fig


def frontier(table: pd.DataFrame, x: str = "learned_size", annotate=()):
    """Test metric against learned parameters (log x), every model and control, one panel per task.

    ``table`` is :func:`scaffold.audit.controls_table` (task, model, group,
    mean, lo, hi and the parameter counts); models named in ``annotate`` get a label.
    """
    tasks = _tasks(table)
    fig, axes = plt.subplots(1, len(tasks), figsize=(3.6 * len(tasks), 3.4), squeeze=False)
    for ax, task in zip(axes[0], tasks):
        d = table[table.task == task]
        for g, dg in d.groupby("group", sort=False):
            ax.errorbar(dg[x], dg["mean"], yerr=[dg["mean"] - dg["lo"], dg["hi"] - dg["mean"]],
                        fmt="o", ms=4, capsize=2, color=GROUP_COLORS.get(g, "0.5"), label=g)
        for _, r in d[d.model.isin(annotate)].iterrows():
            ax.annotate(r.model, (r[x], r["mean"]), fontsize=6, xytext=(3, 3),
                        textcoords="offset points")
        ax.set_xscale("log")
        if TASKS[task][0] == "regression":
            ax.set_yscale("log")
        ax.set_xlabel("learned parameters" + (" (tensor sizes)" if x == "learned_size" else ""))
        ax.set_ylabel(_ylabel(task))
        ax.set_title(task)
        ax.grid(alpha=0.3)
    axes[0][0].legend(fontsize=7)
    fig.tight_layout()
    return fig


def dynamics(dyn: pd.DataFrame, T: int = 5):
    """CA3 trajectories: step size, saturation and input spread against t, per model.

    ``dyn`` is :func:`scaffold.audit.ca3_dynamics` output (rows per model, seed,
    t); lines are means over seeds, bands their min-max.  The dotted line marks
    the T the models were trained with.
    """
    panels = (("step", "||h(t+1) - h(t)|| / sqrt(n)", True), ("saturation", "share of |h| > 0.99", False),
              ("spread", "spread of h across inputs", True))
    fig, axes = plt.subplots(1, 3, figsize=(11, 3.2))
    for i, (model, d) in enumerate(dyn.groupby("model", sort=False)):
        for ax, (col, label, log) in zip(axes, panels):
            g = d.groupby("t")[col]
            mean, lo, hi = g.mean(), g.min(), g.max()
            if log:
                mean, lo, hi = (s.clip(lower=1e-12) for s in (mean, lo, hi))
            ax.plot(mean.index, mean, color=f"C{i}", label=model)
            ax.fill_between(mean.index, lo, hi, color=f"C{i}", alpha=0.2)
            ax.set_ylabel(label)
            ax.set_xlabel("CA3 step t")
            if log:
                ax.set_yscale("log")
    for ax in axes:
        ax.axvline(T, color="0.4", ls=":", lw=1)
        ax.grid(alpha=0.3)
    axes[0].legend(fontsize=8)
    fig.tight_layout()
    return fig


def verdict_bar(led: pd.DataFrame, verdicts=("reproduced", "not reproduced", "contradicted", "untestable")):
    """Number of claims per verdict (used by the introduction)."""
    counts = [int((led.verdict == v).sum()) for v in verdicts]
    fig, ax = plt.subplots(figsize=(5, 2.2))
    ax.barh(list(verdicts), counts, color=["C2", "C1", "C3", "0.6"])
    for i, c in enumerate(counts):
        ax.text(c, i, f" {c}", va="center")
    ax.invert_yaxis()
    ax.set_xlabel("claims")
    fig.tight_layout()
    return fig

