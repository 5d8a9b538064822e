"""The parameters page's figure: every model's count under every convention."""

from __future__ import annotations

import textwrap

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns

from ...runtime import style


def plot_conventions(t22: pd.DataFrame):
    """Dots: each model's count under each convention (log scale), the reported value as a line.

    Dots, not bars: on a log axis a bar's length depends on where the axis happens to start
    (here about 480), so bars would suggest ratios the counts do not have.
    """
    cls = t22[t22.task == "classification"].reset_index(drop=True)
    cols = [("a", "(a) learned, sizes"), ("b", "(b) learned, nonzero"),
            ("stored", "(b)+(c) stored nonzero"), ("all", "all tensors"),
            ("macs_dense", "MACs, dense kernels"), ("macs_sparse", "MACs, sparse kernels")]
    cls = cls.assign(stored=cls["b"] + cls["c"])
    fig, ax = plt.subplots(figsize=style.figsize(1, 3.0))
    step = 0.8 / len(cols)
    x = np.arange(len(cls))
    colours = sns.color_palette(n_colors=len(cols))  # conventions, not models: the theme's cycle
    for i, (col, label) in enumerate(cols):
        macs = col.startswith("macs")  # operations, not parameters: hollow markers
        ax.scatter(x + (i - (len(cols) - 1) / 2) * step, cls[col], s=42, label=label, zorder=3,
                   marker="D" if macs else "o", facecolors="none" if macs else colours[i],
                   edgecolors=colours[i], linewidths=1.6)
    for xi, rep in zip(x, cls["reported"]):
        ax.hlines(rep, xi - 0.45, xi + 0.45, colors="black", linestyles="--", lw=1.2)
    ax.plot([], [], "k--", lw=1.2, label="reported by the note")
    ax.set_yscale("log")
    # wrapped, so that a phone's narrower rendition does not run the names together
    ax.set_xticks(x, [textwrap.fill(m, 10) for m in cls["model"]])
    ax.set_xlim(-0.6, len(cls) - 0.4)
    ax.set_ylabel("count per model (log scale)")
    ax.grid(axis="x", visible=False)
    fig.legend(loc="outside lower center", ncols=3, frameon=False)
    return fig
