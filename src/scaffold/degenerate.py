"""Which trained models are numerically broken: the degenerate criterion, coded once.

A reading of the note is a choice a competent implementer might make.  A model
that cannot train under it -- its loss diverged, or it predicts the same value
for every input (a tanh loop driven into saturation, a ReLU loop grown like
6.85^T, a DG layer left without input) -- is a broken implementation, not a
reading anyone would publish.  Such readings are shown and counted, but a
verdict about the note is never decided by them.

The criterion, per run (one model, task, seed):

- the training loss is not finite (``diverged``), or
- the held-out test score is no better than the best *constant* predictor's on
  the same test points, within :data:`CONSTANT_TOL`: accuracy at most the
  majority-class share plus CONSTANT_TOL, or MSE at least (1 - CONSTANT_TOL)
  times the variance of the test targets (R^2 at most CONSTANT_TOL).

A reading (a model under one reading, over every task and seed it was trained on)
is degenerate when more than :data:`MAJORITY` of its runs are.  A minority of
broken seeds is kept: the literal 5% DG mask leaves the whole layer without input
for a few seeds in a hundred, which is a property of that reading, not a bug.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd

from .data import TASKS, make_dataset

CONSTANT_TOL = 0.02  # within 2 points (or 2% of the variance) of a constant predictor
MAJORITY = 0.5  # a reading is degenerate when more than half of its runs are


@lru_cache(maxsize=4096)
def constant_score(task: str, seed: int, options: tuple = ()) -> tuple[str, float]:
    """(metric, score of the best constant predictor on the test split) for one data draw."""
    d = make_dataset(task, seed, **dict(options))
    y = np.asarray(d.y_test, dtype=float).ravel()
    if TASKS[task][0] == "regression":
        return "mse", float(y.var())
    share = float(np.bincount(y.astype(int)).max() / y.size)
    return "accuracy", share


def target_variance(task: str, seeds, options: tuple = ()) -> float:
    """Mean variance of the test targets over ``seeds`` (the MSE margin's scale)."""
    return float(np.mean([constant_score(task, int(s), tuple(options))[1] for s in seeds]))


def is_degenerate_run(task: str, seed: int, score: float, diverged: bool = False,
                      options: tuple = ()) -> bool:
    """The per-run criterion (module docstring)."""
    if diverged or not np.isfinite(score):
        return True
    metric, const = constant_score(task, int(seed), tuple(options))
    if metric == "accuracy":
        return bool(score <= const + CONSTANT_TOL)
    return bool(score >= (1 - CONSTANT_TOL) * const)


def flag_runs(long: pd.DataFrame, options_of=None) -> pd.Series:
    """Per row of a long table (data_task, seed, test_metric, diverged): is the run degenerate?

    ``options_of(row)`` gives the row's data options as sorted (key, value) pairs
    (default: none, the library's default task).
    """
    opts = (lambda r: ()) if options_of is None else options_of
    return pd.Series([is_degenerate_run(r.data_task, int(r.seed), float(r.test_metric),
                                        bool(getattr(r, "diverged", False)), opts(r))
                      for r in long.itertuples(index=False)], index=long.index, dtype=bool)


def is_degenerate_model(runs: pd.DataFrame) -> bool:
    """Whether one model's runs (task, seed, test_metric, diverged; every task and seed it was
    trained on, at the library's default tasks) make it degenerate: more than :data:`MAJORITY`
    of them are."""
    flags = flag_runs(runs.assign(data_task=runs["task"]))
    return bool(len(flags) and flags.mean() > MAJORITY)


def by_reading(runs: pd.DataFrame, keys, flag: str = "degenerate") -> pd.DataFrame:
    """Per reading (``keys`` columns): share of degenerate runs and the reading's flag."""
    g = runs.groupby(list(keys), sort=False)[flag].agg(["mean", "size"]).reset_index()
    g = g.rename(columns={"mean": "degenerate_share", "size": "runs"})
    g["degenerate"] = g["degenerate_share"] > MAJORITY
    return g


def criterion_text() -> str:
    """The criterion in words, from the constants above (for the audit page)."""
    return (f"A run is degenerate when its training loss is not finite, or when its test score is within "
            f"{CONSTANT_TOL:g} of the best constant predictor's on the same points (accuracy at most the "
            f"majority share plus {CONSTANT_TOL:g}; R\u00b2 at most {CONSTANT_TOL:g}). A reading is degenerate "
            f"when more than {MAJORITY:.0%} of its runs (every task and seed) are; it is then shown and counted "
            f"but left out of every verdict.")
