"""Learning curves over seeds: the chosen runs, their mean with a band, and whether they settled.

Input: the sweep's curves (one row per task, model, seed, learning rate and epoch;
``SweepResult.curves``) and its selected members (``SweepResult.selected()``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .stats import bootstrap_rows


def selected_curves(curves: pd.DataFrame, selected: pd.DataFrame) -> pd.DataFrame:
    """The learning-curve rows of the learning rate chosen per (task, model, seed)."""
    keys = selected[["task", "model", "seed", "lr"]].drop_duplicates()
    return curves.merge(keys, on=["task", "model", "seed", "lr"], how="inner")


def curve_band(cur: pd.DataFrame, level: float = 0.95, n_boot: int = 2000, seed: int = 0
               ) -> pd.DataFrame:
    """Per (task, model, epoch): mean of ``val_metric`` over seeds and a bootstrap CI of it.

    Whole seeds are resampled, the same resample for every epoch of a curve
    (:func:`scaffold.stats.bootstrap_rows`), so the band stays inside the range of
    the seeds' curves.
    """
    rng = np.random.default_rng(seed)
    out = []
    for (task, model), g in cur.groupby(["task", "model"], sort=True):
        X = g.pivot_table(index="epoch", columns="seed", values="val_metric").to_numpy()
        mean, lo, hi = bootstrap_rows(X, level, n_boot, rng)
        out.append(pd.DataFrame(dict(task=task, model=model, epoch=np.sort(g["epoch"].unique()),
                                     mean=mean, lo=lo, hi=hi, n=X.shape[1])))
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
