"""Model selection on the validation split, beside the sweep's learning-rate selection.

The sweep picks each member's learning rate on validation
(:func:`scaffold.sweep.select_lr`); :func:`best_by_validation` goes one level up
and picks, per task and seed, one model out of several candidates (the CEN width
the note calls "best H") by the same rule: the better validation metric in the
task's direction (:func:`scaffold.data.higher_is_better`), diverged runs never
chosen, ties to the candidate listed first.  Test scores of the chosen rows are
honest; their validation scores, the best of several noisy ones, are biased upwards.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .data import higher_is_better, metric_of


def best_by_validation(selected: pd.DataFrame, candidates, label: str) -> pd.DataFrame:
    """Per (task, seed), the candidate model with the best validation metric.

    ``selected`` holds one row per (task, model, seed) (learning rate already
    chosen on validation, e.g. ``SweepResult.selected()``).  Ties go to the
    candidate listed first in ``candidates`` (pass widths smallest first: fewer
    parameters win a tie).  The returned rows are copies of the winners with
    ``model`` set to ``label`` and the winner's label kept in ``chosen``.
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
