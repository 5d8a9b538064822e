"""Figures for the limitations section (the note's open questions, see :mod:`scaffold.openq`).

Each function takes the tables that :mod:`scaffold.openq` returns and gives back
a matplotlib Figure; none of them computes a result of its own beyond means and
bootstrap intervals (:func:`scaffold.stats.summarize`).
"""

from __future__ import annotations

import matplotlib.pyplot as plt
from matplotlib.ticker import NullFormatter
import numpy as np
import pandas as pd

from .stats import summarize

COLORS = {"Dense MLP": "0.2", "HSN (repaired)": "tab:blue", "CEN (H=512)": "tab:orange",
          "Dense, HSN-matched (nonzeros)": "tab:green", "Dense, HSN-matched (sizes)": "tab:olive",
          "HSN rep., T=0": "tab:cyan", "HSN rep., h_ca3=64": "tab:purple"}
# for any other model: colours not used above, so no two models in a figure share one
SPARE = ("tab:red", "tab:brown", "tab:pink", "tab:gray")


def _color(label: str, i: int = 0):
    return COLORS.get(label, SPARE[i % len(SPARE)])


def _log_ticks(ax, values):
    """Label a log x-axis exactly at ``values``, without matplotlib's minor-tick labels."""
    ax.set_xticks(list(values), [str(v) for v in values])
    ax.xaxis.set_minor_formatter(NullFormatter())


def latency(lat: pd.DataFrame) -> plt.Figure:
    """Inference time relative to the dense MLP vs the HSN's T, one line per batch size.

    The HSN's multiply-accumulates relative to the dense MLP are drawn for comparison,
    and the CEN as a marker at the right.
    """
    fig, ax = plt.subplots(figsize=(6.4, 3.6))
    hsn = lat[lat.family == "hsn"].sort_values("T")
    dense_macs = float(lat.loc[lat.family == "dense", "macs_dense"].iloc[0])
    for i, (b, g) in enumerate(hsn.groupby("batch")):
        ax.plot(g["T"], g["ratio"], "o-", color=f"C{i}", label=f"HSN, batch {b}")
        cen = lat[(lat.family == "cen") & (lat.batch == b)]
        if len(cen):
            ax.plot([hsn["T"].max() + 1.2], cen["ratio"], "s", color=f"C{i}", mfc="none",
                    label=f"CEN (H=512), batch {b}")
    macs = hsn.drop_duplicates("T")
    ax.plot(macs["T"], macs["macs_dense"] / dense_macs, "k:", label="HSN MACs / dense MACs")
    ax.axhline(1.0, color="0.5", lw=1, ls="--")
    ax.set(xlabel="recurrent steps T", ylabel="time / dense MLP time", ylim=(0, None),
           title=f"inference cost on {lat['device'].iloc[0]} ({lat['clock'].iloc[0]})")
    ax.legend(fontsize=7, loc="upper left")
    fig.tight_layout()
    return fig


def sparse_kernels(sp: pd.DataFrame) -> plt.Figure:
    """Time of one graph step h @ G with a dense and a CSR kernel vs graph size (log-log)."""
    fig, (a, b) = plt.subplots(1, 2, figsize=(8, 3.2))
    a.loglog(sp["n"], sp["dense_s"] * 1e6, "o-", label="dense (torch.mm)")
    a.loglog(sp["n"], sp["sparse_s"] * 1e6, "s-", label="sparse (CSR)")
    a.set(xlabel="CA3 units n (Kronecker graph)", ylabel="time per step (µs)")
    a.legend(fontsize=8)
    b.semilogx(sp["n"], sp["speedup"], "o-", color="tab:purple")
    b.axhline(1.0, color="0.5", ls="--", lw=1)
    for n, dens, s in zip(sp["n"], sp["density"], sp["speedup"]):
        b.annotate(f"{dens:.0%}", (n, s), textcoords="offset points", xytext=(0, 6), fontsize=7,
                   ha="center")
    b.set(xlabel="CA3 units n", ylabel="dense time / sparse time", title="labels: density of G")
    for ax in (a, b):
        _log_ticks(ax, sp["n"])
    fig.tight_layout()
    return fig


def dimension(params: pd.DataFrame, sel: pd.DataFrame, metric: str = "test_metric") -> plt.Figure:
    """Left: learned parameters vs input dimension; right: accuracy vs input dimension."""
    fig, (a, b) = plt.subplots(1, 2, figsize=(9, 3.6))
    for i, (m, g) in enumerate(params.groupby("model", sort=False)):
        a.loglog(g["embed_dim"], g["learned_nnz"], "o-", color=_color(m, i), label=m)
        if (g["learned_size"] != g["learned_nnz"]).any():
            a.loglog(g["embed_dim"], g["learned_size"], "o--", color=_color(m, i), mfc="none",
                     label=f"{m}, tensor sizes")
    a.set(xlabel="input dimension d", ylabel="learned parameters (nonzeros)")
    a.legend(fontsize=6.5)
    s = summarize(sel, ["model", "embed_dim"], metric)
    for i, (m, g) in enumerate(s.groupby("model", sort=False)):
        g = g.sort_values("embed_dim")
        b.errorbar(g["embed_dim"], g["mean"], yerr=[g["mean"] - g["lo"], g["hi"] - g["mean"]],
                   fmt="o-", capsize=2, color=_color(m, i), label=m)
    b.set_xscale("log")
    b.set(xlabel="input dimension d", ylabel="test accuracy (mean, 95% CI)")
    for ax in (a, b):
        _log_ticks(ax, sorted(params["embed_dim"].unique()))
    fig.tight_layout()
    return fig


def paired_panels(diffs: pd.DataFrame, lower_better=("sine",)) -> plt.Figure:
    """Paired difference (variant - reference) with 95% CI, one panel per task."""
    tasks = list(dict.fromkeys(diffs["task"]))
    fig, axes = plt.subplots(1, len(tasks), figsize=(2.6 * len(tasks), 3.0), sharey=True)
    axes = np.atleast_1d(axes)
    models = list(dict.fromkeys(diffs["model"]))
    for ax, t in zip(axes, tasks):
        g = diffs[diffs.task == t].set_index("model").reindex(models)
        y = np.arange(len(models))
        ax.errorbar(g["diff"], y, xerr=[g["diff"] - g["lo"], g["hi"] - g["diff"]], fmt="o",
                    capsize=2)
        ax.axvline(0, color="0.5", lw=1)
        what = "MSE" if t in lower_better else "accuracy"
        ax.set(title=t, xlabel=f"Δ test {what}")
        ax.set_yticks(y, models)
    axes[0].invert_yaxis()
    fig.suptitle(f"difference to {diffs['reference'].iloc[0]} on the same seeds", fontsize=9)
    fig.tight_layout()
    return fig


def accuracy_vs_params(sel: pd.DataFrame, counts: pd.DataFrame, metric: str = "test_metric") -> plt.Figure:
    """Per task: mean test accuracy (95% CI) against learned parameters (nonzeros, log scale)."""
    tasks = list(dict.fromkeys(sel["task"]))
    fig, axes = plt.subplots(1, len(tasks), figsize=(4.2 * len(tasks), 3.4))
    axes = np.atleast_1d(axes)
    s = summarize(sel, ["task", "model"], metric)
    for ax, t in zip(axes, tasks):
        g = s[s.task == t].merge(counts[counts.task == t][["model", "learned_nnz"]], on="model")
        for i, r in enumerate(g.itertuples()):
            ax.errorbar([r.learned_nnz], [r.mean], yerr=[[r.mean - r.lo], [r.hi - r.mean]], fmt="o",
                        capsize=2, color=_color(r.model, i), label=r.model)
        ax.set_xscale("log")
        ax.xaxis.set_minor_formatter(NullFormatter())
        ax.set(title=t, xlabel="learned parameters (nonzeros)", ylabel="test accuracy")
    axes[0].legend(fontsize=7)
    fig.tight_layout()
    return fig
