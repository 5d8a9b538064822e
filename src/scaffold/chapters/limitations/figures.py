"""The limitations page's figures, drawn from its result tables."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.ticker import MaxNLocator, NullFormatter

from ...experiments import CEN_NOTE
from ...runtime import charts, style
from ...stats import summarize
from .design import HSN


def _log_ticks(ax, values):
    """Label a log x-axis exactly at ``values``, without matplotlib's minor-tick labels."""
    ax.set_xticks(list(values), [str(v) for v in values])
    ax.xaxis.set_minor_formatter(NullFormatter())


def latency(lat: pd.DataFrame) -> plt.Figure:
    """Inference time relative to the dense MLP vs the HSN's T, one line per batch size.

    The HSN's multiply-accumulates relative to the dense MLP are drawn for comparison,
    and the CEN as a marker at the right.  Models keep the book's colours
    (:mod:`scaffold.runtime.style`); batch sizes differ by line style and marker fill.
    """
    fig, ax = plt.subplots(figsize=style.figsize(1, 3.0))
    hsn = lat[lat.family == "hsn"].sort_values("T")
    dense_macs = float(lat.loc[lat.family == "dense", "macs_dense"].iloc[0])
    h, c = style.look(HSN.label), style.look(CEN_NOTE.label)
    cen_x = hsn["T"].max() + 1.2  # the CEN, which has no T, at the right
    for i, (b, g) in enumerate(hsn.groupby("batch")):
        fill = None if i == 0 else "none"
        ax.plot(g["T"], g["ratio"], marker=h.marker, ls="-" if i == 0 else "-.", color=h.color,
                mfc=fill, label=f"{HSN.label}, batch {b}")
        cen = lat[(lat.family == "cen") & (lat.batch == b)]
        if len(cen):
            ax.plot([cen_x], cen["ratio"], c.marker, color=c.color, mfc=fill, ms=7,
                    label=f"{CEN_NOTE.label}, batch {b}")
    if (lat.family == "cen").any():  # the CEN has no T: its slot, named on the axis, set apart
        ax.axvline(hsn["T"].max() + 0.6, color="0.8", lw=0.8)
    macs = hsn.drop_duplicates("T")
    ax.plot(macs["T"], macs["macs_dense"] / dense_macs, ":", color="0.2", label="HSN MACs / dense MACs")
    ax.axhline(1.0, color="0.5", lw=1, ls="--")
    ax.set(xlabel="recurrent steps T", ylabel="time / dense MLP time", ylim=(0, None),
           title=f"inference cost on {lat['device'].iloc[0]} ({lat['clock'].iloc[0]})")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    if (lat.family == "cen").any():
        ticks = [t for t in ax.get_xticks() if 0 <= t <= hsn["T"].max()]
        ax.set_xticks([*ticks, cen_x], [f"{t:g}" for t in ticks] + ["CEN"])
        ax.set_xlim(right=cen_x + 0.8)
    fig.legend(loc="outside lower center", ncols=2, frameon=False)
    return fig


def sparse_kernels(sp: pd.DataFrame) -> plt.Figure:
    """Time of one graph step h @ G with a dense and a CSR kernel vs graph size (log-log)."""
    fig, (a, b) = style.panels(2)
    a.loglog(sp["n"], sp["dense_s"] * 1e6, "o-", label="dense (torch.mm)")
    a.loglog(sp["n"], sp["sparse_s"] * 1e6, "s-", label="sparse (CSR)")
    a.set(xlabel="CA3 units n (Kronecker graph)", ylabel="time per step (µs)")
    a.legend(frameon=False)
    b.semilogx(sp["n"], sp["speedup"], "o-", color="0.25")
    b.axhline(1.0, color="0.5", ls="--", lw=1)
    for i, (n, dens, s) in enumerate(zip(sp["n"], sp["density"], sp["speedup"])):
        # alternate above / below so that neighbouring labels never touch
        b.annotate(f"{dens:.0%}", (n, s), textcoords="offset points", xytext=(0, 7 if i % 2 == 0 else -13),
                   fontsize=8, ha="center")
    b.set(xlabel="CA3 units n", ylabel="dense time / sparse time", title="labels: density of G")
    for ax in (a, b):
        _log_ticks(ax, sp["n"])
        ax.tick_params(axis="x", labelrotation=45)
    return fig


def dimension(params: pd.DataFrame, sel: pd.DataFrame, metric: str = "test_metric") -> plt.Figure:
    """Left: learned parameters vs input dimension; right: accuracy vs input dimension.

    One line per role (a matched dense MLP changes width, hence label, with d).
    """
    fig, (a, b) = style.panels(2, panel_height=2.8)
    for m, g in params.groupby("role", sort=False):
        lk = style.look(m)
        a.loglog(g["embed_dim"], g["learned_nnz"], marker=lk.marker, color=lk.color, label=m)
        if (g["learned_size"] != g["learned_nnz"]).any():
            a.loglog(g["embed_dim"], g["learned_size"], ls="--", marker=lk.marker, color=lk.color,
                     mfc="none", label=f"{m}, tensor sizes")
    a.set(xlabel="input dimension d", ylabel="learned parameters")
    s = summarize(sel, ["role", "embed_dim"], metric)
    for m, g in s.groupby("role", sort=False):
        g = g.sort_values("embed_dim")
        lk = style.look(m)
        b.errorbar(g["embed_dim"], g["mean"], yerr=[g["mean"] - g["lo"], g["hi"] - g["mean"]],
                   marker=lk.marker, capsize=2, color=lk.color)
    b.set_xscale("log")
    b.set(xlabel="input dimension d", ylabel="test accuracy (mean, 95% CI)")
    for ax in (a, b):
        _log_ticks(ax, sorted(params["embed_dim"].unique()))
    fig.legend(*a.get_legend_handles_labels(), loc="outside lower center", ncols=2, frameon=False)
    return fig


def paired_panels(gains: pd.DataFrame):
    """Paired gain of each variant over the reference (positive: better), 95% interval, one panel
    per task (live forest plot)."""
    d = gains.copy()
    d["reading"] = "repaired HSN, graph varied"
    ref = d["reference"].iloc[0]
    return charts.forest(d, "gain", "lo", "hi", xlabel=f"gain over {ref} (right: better)",
                         alt=f"Paired gain of each HSN variant over {ref}, per task", band="margin")


def accuracy_vs_params(sel: pd.DataFrame, counts: pd.DataFrame, metric: str = "test_metric"):
    """Per task: mean test accuracy (95% CI) against learned parameters (nonzeros, log scale), live."""
    s = summarize(sel, ["task", "model"], metric)
    d = s.merge(counts[["task", "model", "role", "learned_nnz"]], on=["task", "model"])
    d["reading"] = d["model"].map(lambda m: "repaired" if m.startswith("HSN") else "as built")
    d["model"] = d["role"]  # a legend entry per role: the matched MLPs differ in width by task
    d = d.rename(columns={"learned_nnz": "learned parameters", "mean": "test accuracy"})
    return charts.scatter(d, "learned parameters", "test accuracy", lo="lo", hi="hi", log_x=True,
                          xlabel="learned parameters (nonzeros)", ylabel="test accuracy",
                          alt="Test accuracy against learned parameters per model and task")


def figures(results: dict) -> dict:
    """The page's figures (published as ``fig-lim-KEY``)."""
    return {"latency": latency(results["latency"]), "sparse": sparse_kernels(results["sparse"]),
            "dimension": dimension(results["dimension_params"], results["dimension"]),
            "graphs": paired_panels(results["graph_gains"]),
            "tasks": accuracy_vs_params(results["tasks"], results["task_counts"])}
