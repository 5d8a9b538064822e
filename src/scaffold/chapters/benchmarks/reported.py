"""The note's Table 2.1 beside ours: which of our rows faces which reported value, and the verdicts.

Rows of the table are *our* models; :data:`NOTE_COLUMN` says which of the note's
columns each one is compared with.  Two CEN rows are derived rather than trained:

- ``CEN (best H)``: per seed, the CEN width with the best validation score (after
  each width's own learning-rate choice): the note's selection rule made explicit
  and applied per seed (:func:`scaffold.selection.best_by_validation`);
- ``CEN (note's H)``: per task, the width at which the note reports its CEN score
  (:data:`scaffold.note.CEN_BEST_H`), so that the reported value is set beside the
  very configuration it came from.

A reported single run is judged by the rulebook's rule for single values,
:func:`scaffold.verdicts.judge_single`, as the audit's ledger judges it.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from ... import degenerate, note, verdicts
from ...data import metric_of, task_title
from ...degenerate import target_variance
from ...runtime import tables
from ...selection import best_by_validation
from ...stats import summarize

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
    extra = [best_by_validation(selected, cens, BEST_H)] if cens else []
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
    broken = {m for m in models if degenerate.is_degenerate_model(rows[rows["model"] == m])}
    judged = [single(rows, t, m, sp, r, m in broken) for t, m, sp, r in
              zip(out["task"], out["model"], out["split"], out["reported"])]
    for key in ("pi_lo", "pi_hi", "verdict", "side"):
        out[key] = [j[key] for j in judged]
    order = {(t, m): i for i, (t, m) in enumerate((t, m) for t in tasks for m in models)}
    out["_o"] = [order[(t, m)] * 10 + list(splits).index(s)
                 for t, m, s in zip(out["task"], out["model"], out["split"])]
    cols = ["task", "model", "note_column", "metric", "split", "reported", "n", "mean", "lo", "hi",
            "std", "diff", "pi_lo", "pi_hi", "verdict", "side"]
    return out.sort_values("_o")[cols].reset_index(drop=True)


#: "Ours vs note" for a model that does not train (:mod:`scaffold.degenerate`).
NEVER_TRAINS = "never trains"


def single(rows: pd.DataFrame, task: str, model: str, split: str, rep: float,
           broken: bool = False) -> dict:
    """The rulebook's judgement of a reported single run against our per-seed values.

    Without a reported value the prediction interval is still given, the verdict left empty.
    An MSE is judged on the scale of the task's target variance over the same seeds.  A
    ``broken`` (degenerate) model's runs judge nothing, as in the ledger: the verdict is
    "uninformative" and the side :data:`NEVER_TRAINS`, whatever the spread.
    """
    g = rows.loc[(rows["task"] == task) & (rows["model"] == model)].dropna(subset=[f"{split}_metric"])
    x = g[f"{split}_metric"].to_numpy(dtype=float)
    if x.size == 0:
        return dict(pi_lo=np.nan, pi_hi=np.nan, verdict="", side="")
    if not np.isfinite(rep):
        _, lo, hi = verdicts.prediction_interval(x, metric_of(task))
        return dict(pi_lo=lo, pi_hi=hi, verdict="", side="")
    var = target_variance(task, g["seed"]) if metric_of(task) == "mse" else None
    j = verdicts.judge_single(rep, x, metric_of(task), target_var=var)
    if broken:
        return dict(pi_lo=j["lo"], pi_hi=j["hi"], verdict=verdicts.UNINFORMATIVE, side=NEVER_TRAINS)
    return dict(pi_lo=j["lo"], pi_hi=j["hi"], verdict=j["verdict"], side=j["side"])


def fmt_ci(mean: float, lo: float, hi: float, digits: int = 3) -> str:
    """``"0.969 [0.962, 0.975]"`` in the book's number format; the CI part is left out when undefined."""
    if not np.isfinite(mean):
        return ""
    s = tables.number(mean, digits)
    if np.isfinite(lo) and np.isfinite(hi):
        s += f" [{tables.number(lo, digits)}, {tables.number(hi, digits)}]"
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
             "one_run": (f"[{tables.number(v['pi_lo'], digits)}, {tables.number(v['pi_hi'], digits)}]"
                         if np.isfinite(v["pi_lo"]) else ""),
             "verdict": v["verdict"] or None, "side": v["side"] or None}
        if len(t):
            t = t.iloc[0]
            r["ours_test"] = fmt_ci(t["mean"], t["lo"], t["hi"], digits)
        rows.append(r)
    return pd.DataFrame(rows)


def results_table(long: pd.DataFrame):
    """:func:`display_table` for reading: the note's task and model order, verdict badges."""
    t = tables.table(display_table(long), headers=TABLE_HEADERS)
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
