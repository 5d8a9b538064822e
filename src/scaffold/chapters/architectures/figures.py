"""The architectures page's figures: the models' data flow, the Kronecker graph, the masks,
and the CA3 states of untrained HSNs."""

from __future__ import annotations

import math

# No matplotlib.use() here: in a notebook kernel the inline backend must stay active
# (it registers the PNG formatter that glue needs); headless scripts and tests get Agg.
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.patches import FancyArrowPatch, Rectangle
from matplotlib.ticker import MaxNLocator

from ... import graphs
from ...models import CEN, HSN, DenseMLP
from ...runtime import static, style
from ...fmt import count
from ...trace import SATURATED

LEARNED, FIXED = style.LEARNED, style.FIXED


def plot_kronecker(sizes=(16, 64), degree_sizes=(16, 64, 256)):
    """Adjacency matrices (one panel per size) and the out-degree distribution."""
    fig, axes = style.panels(len(sizes) + 1, panel_height=3.0)
    for ax, n in zip(axes, sizes):
        a = graphs.kronecker_power(graphs.SIERPINSKI, n)
        ax.imshow(a, cmap="Greys", vmin=0, vmax=1, interpolation="nearest")
        ax.set_title(f"G, {n} nodes ({int(a.sum())} edges)")
        ax.set_xlabel("to node j")
        ax.set_ylabel("from node i")
        ax.grid(False)
    ax = axes[-1]
    top = 1
    for n, marker in zip(degree_sizes, "os^D"):
        dd = graphs.degree_distribution(graphs.kronecker_power(graphs.SIERPINSKI, n))
        ax.plot(dd["degrees"], dd["out_counts"], marker=marker, lw=1, ms=4, label=f"{n} nodes")
        top = max(top, max(dd["out_counts"]))
    ax.set_xscale("log", base=2)
    ax.set_yscale("log", base=2)
    ax.set_ylim(top=top * 2 ** 3.5)  # headroom above the curves for the legend (it sat on them)
    ax.set_xlabel("out-degree (= in-degree)")
    ax.set_ylabel("number of nodes")
    ax.set_title("degree distribution")
    ax.legend(frameon=False)
    return fig


def plot_masks(examples: dict, summary: pd.DataFrame):
    """Top: example masks (rows = inputs, columns = units); bottom: mean inputless fraction.

    ``examples``: title -> (d_in, units) 0/1 array.  ``summary``: one row per
    stage with ``stage``, ``n_seeds`` and the :func:`census_summary` columns;
    bars are measured, crosses the Bernoulli closed form.
    """
    fig = plt.figure(figsize=style.figsize(1, 1.2 * len(examples) + 2.6))
    gs = fig.add_gridspec(len(examples) + 1, 1, height_ratios=[1.0] * len(examples) + [2.4])
    for r, (title, m) in enumerate(examples.items()):
        ax = fig.add_subplot(gs[r, 0])
        ax.imshow(m, cmap="Greys", vmin=0, vmax=1, aspect="auto", interpolation="nearest")
        empty = np.flatnonzero(m.sum(axis=0) == 0)
        ax.set_title(f"{title}: {m.shape[1] - empty.size} of {m.shape[1]} units have an input")
        ax.set_yticks(range(m.shape[0]), [f"x{j + 1}" for j in range(m.shape[0])])
        ax.set_xlabel("unit")
        ax.grid(False)
    ax = fig.add_subplot(gs[-1, 0])
    y = np.arange(len(summary))[::-1]
    ax.barh(y, summary["frac_inputless"], color=LEARNED, height=0.6, label="measured")
    # not clipped by the axes: the repaired mask's cross sits at 0, on the axis' edge
    ax.plot(summary["frac_inputless_theory"], y, "x", color=FIXED, ms=8, mew=2, label="closed form",
            clip_on=False, zorder=3)
    # the seed count on a line of its own: one line was as wide as the phone's figure
    ax.set_yticks(y, [f"{s}\n({n} seeds)" for s, n in zip(summary["stage"], summary["n_seeds"])])
    ax.set_xlim(0, 1)
    ax.set_xlabel("fraction of units with no input")
    fig.legend(*ax.get_legend_handles_labels(), loc="outside lower center", ncols=2, frameon=False)
    return fig


def _link(src, dst, name, weight, learned, nnz=None, uses=1, bias=None):
    """One weight between two layers: counts read from the tensors (member 0)."""
    size = int(weight[0].numel())
    return dict(src=src, dst=dst, name=name, learned=learned, size=size,
                nnz=float(size if nnz is None else nnz), uses=uses,
                bias=0 if bias is None else int(bias[0].numel()))


def model_stages(model) -> dict:
    """Layers (name, units) and weights between them, read from a built model."""
    d = model.d_in
    if isinstance(model, DenseMLP):
        ws = [getattr(model, f"W{i}") for i in range(model.n_layers)]
        names = ["input"] + [f"hidden {i + 1}" for i in range(model.n_layers - 1)] + ["output"]
        layers = [(names[0], d)] + [(n, int(w.shape[-1])) for n, w in zip(names[1:], ws)]
        links = [_link(i, i + 1, f"W{i}", w, True, bias=getattr(model, f"b{i}"))
                 for i, w in enumerate(ws)]
    elif isinstance(model, CEN):
        H = int(model.E.shape[-1])
        layers = [("input", d), ("granule (ReLU)", H), ("output", model.n_out)]
        links = [_link(0, 1, "E", model.E, False, nnz=float(model.E_mask[0].sum())),
                 _link(1, 2, "W_out", model.W, True, bias=model.b)]
    elif isinstance(model, HSN):
        h_dg, h_ca3 = int(model.W_dg.shape[-1]), int(model.W_br.shape[-1])
        layers = [("input", d), ("DG (ReLU)", h_dg), ("CA3 (tanh)", h_ca3), ("output", model.n_out)]
        G = model.graph()
        links = [_link(0, 1, "W_dg", model.W_dg, True, nnz=float(model.dg_mask[0].sum()), bias=model.b_dg),
                 _link(1, 2, "W_bridge", model.W_br, True, bias=model.b_br),
                 _link(2, 2, "G", G, model.cfg.graph_mode != "fixed",
                       nnz=float((G[0] != 0).sum()), uses=model.cfg.T),
                 _link(2, 3, "W_ca1", model.W_ca1, True, bias=model.b_ca1)]
    else:
        raise TypeError(f"unknown model type {type(model).__name__}")
    return dict(family=model.family, layers=layers, links=links)


def _fmt(v: float) -> str:
    return f"{v:.0f}" if abs(v - round(v)) < 1e-9 else f"{v:.1f}"


def plot_stages(stages: dict, titles: list[str]):
    """One row per model: layers as bars (height ~ log2 of the width), weights as arrows.

    Blue arrows are learned, orange fixed; each arrow says the weight's size,
    how many entries can be nonzero (when fewer), its bias and how often it is
    applied per sample.
    """
    fig, axes = plt.subplots(len(stages), 1, figsize=(style.WIDTH_IN, 2.0 * len(stages)))
    axes = np.atleast_1d(axes)
    for ax, st, title in zip(axes, stages, titles):
        xs = np.arange(len(st["layers"])) * 2.6
        hmax = 1.0 + math.log2(max(u for _, u in st["layers"]))
        for x, (name, units) in zip(xs, st["layers"]):
            h = (1.0 + math.log2(units)) / hmax * 1.6
            ax.add_patch(Rectangle((x - 0.25, -h / 2), 0.5, h, facecolor="0.85", edgecolor="0.2"))
            ax.text(x, -1.0, f"{name}\n{count(units, 'unit')}", ha="center", va="top", fontsize=8)
        for ln in st["links"]:
            colour = LEARNED if ln["learned"] else FIXED
            kind = "learned" if ln["learned"] else "fixed"
            label = f"{ln['name']} ({kind})\n{ln['size']} entries"
            if ln["nnz"] < ln["size"]:
                label += f", {_fmt(ln['nnz'])} nonzero"
            if ln["bias"]:
                label += f"\n+ {ln['bias']} bias"
            if ln["src"] == ln["dst"]:
                x = xs[ln["src"]]
                ax.add_patch(FancyArrowPatch((x - 0.2, 0.85), (x + 0.2, 0.85), connectionstyle="arc3,rad=-1.6",
                                             arrowstyle="-|>", mutation_scale=10, color=colour, lw=1.5))
                label += f", applied {ln['uses']} times"
                text = ax.text(x, 1.8, label, ha="center", va="bottom", fontsize=7.5, color=colour)
            else:
                x0, x1 = xs[ln["src"]] + 0.3, xs[ln["dst"]] - 0.3
                ax.add_patch(FancyArrowPatch((x0, 0), (x1, 0), arrowstyle="-|>", mutation_scale=10,
                                             color=colour, lw=1.5))
                text = ax.text((x0 + x1) / 2, 0.12, label, ha="center", va="bottom", fontsize=7.5, color=colour)
            # On a phone the arrows are short: a line per fact, or neighbouring labels run together.
            static.narrow_text(text, label.replace(" (", "\n(").replace(", ", "\n"))
        ax.set_xlim(-0.9, xs[-1] + 0.9 if len(xs) > 1 else 1)
        ax.set_ylim(-1.7, 2.9)
        ax.set_title(title, loc="left")
        ax.axis("off")
    return fig


def plot_state_trace(trace: pd.DataFrame):
    """Saturated fraction and across-input spread of the CA3 state per step, mean over seeds."""
    fig, axes = style.panels(2, panel_height=2.6)
    for model, g in trace.groupby("model", sort=False):
        lk = style.look(model)
        m = g.groupby("step")[["saturated", "spread"]].mean()
        for ax, col in zip(axes, m.columns):
            ax.plot(m.index, m[col], marker=lk.marker, color=lk.color, ms=5, label=model)
    axes[0].set_ylabel(f"share of CA3 units with |h| > {SATURATED}")
    axes[1].set_ylabel("std of a unit across inputs")
    for ax in axes:
        ax.set_xlabel("step t")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    axes[0].set_ylim(-0.03, 1.03)
    axes[1].set_ylim(bottom=0)
    fig.legend(*axes[0].get_legend_handles_labels(), loc="outside lower center", ncols=2, frameon=False)
    return fig
