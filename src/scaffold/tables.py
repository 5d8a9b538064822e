"""Reported-vs-ours tables for the note's Table 2.1 (section 2 of the book).

The note gives one score per (task, model): the validation accuracy (or
validation MSE for sine) of a single run, with the learning rate picked from
{0.01, 0.02} on that same validation set, and the CEN shown at its "best H".
Here every cell becomes a mean over seeds with a 95% percentile-bootstrap CI
(:func:`scaffold.stats.summarize`), once on validation (the note's choice, which
is optimistic because selection used it) and once on the held-out test split.

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

from . import note
from .data import TASKS
from .stats import summarize
from .train import higher_is_better

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
        sign = -1.0 if higher_is_better(TASKS[task][0]) else 1.0
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
    (ours minus reported) and ``verdict``: whether the reported value lies inside
    our CI, or our whole CI is above / below it (for MSE, below is better).
    """
    parts = []
    for split in splits:
        s = summarize(rows[rows["model"].isin(models) & rows["task"].isin(tasks)],
                      ["task", "model"], f"{split}_metric", n_boot=n_boot)
        parts.append(s.assign(split=split))
    out = pd.concat(parts, ignore_index=True)
    out["metric"] = ["MSE" if TASKS[t][0] == "regression" else "accuracy" for t in out["task"]]
    out["note_column"] = out["model"].map(NOTE_COLUMN)
    out["reported"] = [reported(t, m) for t, m in zip(out["task"], out["model"])]
    out["diff"] = out["mean"] - out["reported"]
    out["verdict"] = [verdict(r, lo, hi) for r, lo, hi in zip(out["reported"], out["lo"], out["hi"])]
    order = {(t, m): i for i, (t, m) in enumerate((t, m) for t in tasks for m in models)}
    out["_o"] = [order[(t, m)] * 10 + list(splits).index(s)
                 for t, m, s in zip(out["task"], out["model"], out["split"])]
    cols = ["task", "model", "note_column", "metric", "split", "reported", "n", "mean", "lo", "hi",
            "std", "diff", "verdict"]
    return out.sort_values("_o")[cols].reset_index(drop=True)


def verdict(rep: float, lo: float, hi: float) -> str:
    """Where a reported value sits relative to our CI [lo, hi]."""
    if not np.isfinite(rep):
        return "no reported value"
    if not (np.isfinite(lo) and np.isfinite(hi)):
        return "no interval"
    if lo <= rep <= hi:
        return "reported inside CI"
    return "ours above" if lo > rep else "ours below"


def fmt_ci(mean: float, lo: float, hi: float, digits: int = 3) -> str:
    """``"0.969 [0.962, 0.975]"``; the CI part is left out when it is undefined."""
    if not np.isfinite(mean):
        return ""
    s = f"{mean:.{digits}f}"
    if np.isfinite(lo) and np.isfinite(hi):
        s += f" [{lo:.{digits}f}, {hi:.{digits}f}]"
    return s


def display_table(long: pd.DataFrame, digits: int = 3) -> pd.DataFrame:
    """Wide, formatted view of :func:`reported_vs_ours`: one row per (task, model)."""
    rows = []
    for (task, model), g in long.groupby(["task", "model"], sort=False):
        r = {"task": task, "model": model, "metric": g["metric"].iloc[0]}
        rep = g["reported"].iloc[0]
        r["reported"] = f"{rep:.3f}" if np.isfinite(rep) else "--"
        for _, x in g.iterrows():
            name = {"val": "validation", "test": "test"}.get(x["split"], x["split"])
            # MSEs near 0.001 need more decimals than accuracies to show their interval
            d = digits + 2 if str(r["metric"]).lower() == "mse" else digits
            r[f"ours, {name}"] = fmt_ci(x["mean"], x["lo"], x["hi"], d)
            r[f"{name} vs reported"] = "" if x["verdict"] == "no reported value" else x["verdict"]
        rows.append(r)
    return pd.DataFrame(rows).set_index(["task", "model"])


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
