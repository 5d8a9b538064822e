"""The tradeoff itself: learned parameters against score, and the dense frontier.

The note's thesis is that fixed structure substitutes for learned parameters.
The direct test: dense MLPs of many widths trace, per task, the score a plain
network reaches with a given number of learned parameters (the *dense
frontier*); a model whose structure substitutes for parameters sits above it,
scoring more than a dense MLP with as many learned parameters.

- :func:`frontier_grids`: dense MLPs of widths 4 to 64 in half-octave steps on
  every task reading of the multiverse (the same tasks and data options as
  :func:`scaffold.multiverse.grids`, so the two dense MLPs the multiverse trains
  share their cache entries);
- :func:`frontier_long`: their selected runs as rows of the multiverse's long table;
- :func:`frontier_table`: every model of the multiverse and every frontier width,
  one row per (task reading, model, seed), with both learned counts;
- :func:`above_frontier`: one model against the frontier at its own learned
  count, paired by seed, judged by the rulebook (:mod:`scaffold.verdicts`);
  :func:`frontier_verdicts` does it for every model;
- :func:`gaps`: the per-reading, per-task difference to a reference (the
  heatmap's cells).
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd

from . import degenerate
from . import verdicts as V
from .data import TASKS, metric_of
from .experiments import task_shape
from .models import DENSE, ModelSpec
from .multiverse import BUDGET, DEFAULT_NOISE, HSN_KEYS, TASK_KEYS, budget_dense, entries, grid_name, run_rows
from .params import totals
from .readings import VARIANTS, Reading, hsn_spec, task_readings
from .sweep import Grid, SweepResult

#: Widths of the two hidden layers, 4 to 64 in half-octave steps (23 is the HSN's budget width).
WIDTHS = tuple(round(4 * 2 ** (k / 2)) for k in range(9))
#: The quick profile (a smoke run) keeps every other width, plus those the multiverse trains anyway.
QUICK_WIDTHS = WIDTHS[::2]
#: What identifies a task reading in the long table.
TASK_READING = ("task", "data_task", *TASK_KEYS)
COUNTS = ("learned_size", "learned_nnz")
DENSE_FAMILY = "dense"


def family(model: str) -> str:
    """"dense", "CEN", or the HSN variant ("HSN", "HSN T=0", "HSN random graph", ...)."""
    if model.startswith("Dense"):
        return DENSE_FAMILY
    if model.startswith("CEN"):
        return "CEN"
    if model.startswith("HSN"):
        return model
    raise ValueError(f"no family for model {model!r}")


def dense_specs(task: str, widths=WIDTHS) -> tuple[ModelSpec, ...]:
    """Two-layer dense MLPs of ``widths`` on (library) ``task``.  Widths the multiverse
    already trains (the dense MLP's 64, the HSN budget's) reuse its specs and labels,
    so they train once; the others are labelled "Dense w=8"."""
    reuse = {s.config.widths: s for s in (DENSE, budget_dense(task))}
    return tuple(reuse.get((w, w)) or ModelSpec.make(f"Dense w={w}", "dense", widths=(w, w))
                 for w in widths)


def _frontier_readings() -> list:
    """The task readings the frontier is drawn on: every one at the default swiss-roll noise."""
    return [t for t in task_readings() if t[3].get("swnoise", DEFAULT_NOISE) == DEFAULT_NOISE]


def frontier_grids(cfg) -> dict[str, Grid]:
    """The frontier sweeps for a RunConfig ``cfg``: one grid per task reading (default roll noise)."""
    out = {}
    for _task, lib, opts, levels in _frontier_readings():
        free = {s.config.widths[0] for s in (DENSE, budget_dense(lib))}  # trained by the multiverse
        widths = WIDTHS if cfg.profile == "full" else sorted({*QUICK_WIDTHS, *free})
        name = grid_name("frontier ", lib, levels)
        out[name] = Grid(tasks=(lib,), specs=dense_specs(lib, widths), seeds=tuple(cfg.seeds),
                         epochs_scale=cfg.epochs_scale, data_options=tuple(sorted(opts.items())))
    return out


def frontier_long(results: dict[str, SweepResult], cfg) -> pd.DataFrame:
    """``results`` (grid name -> SweepResult of :func:`frontier_grids`) as long-table rows
    (the columns of :func:`scaffold.multiverse.long_table`)."""
    meta = {name: (task, levels, tuple(sorted(opts.items()))) for name, (task, _lib, opts, levels)
            in zip(frontier_grids(cfg), _frontier_readings())}
    parts = []
    for name, res in results.items():
        sel = res.selected()
        task, levels, opts = meta[name]
        roles = {e.spec.label: e.model for e in entries(cfg.profile, sel["task"].iloc[0])}
        rows = run_rows(sel, task, levels, opts)
        part = pd.DataFrame({"model": [roles.get(m, m) for m in sel["model"]],
                             "label": sel["model"].to_numpy(), "reading": ""})
        for k in HSN_KEYS:
            part[k] = ""
        part = pd.concat([rows[["task", "data_task"]], part, rows.drop(columns=["task", "data_task"])], axis=1)
        parts.append(part)
    out = pd.concat(parts, ignore_index=True)
    out["metric"] = [metric_of(t) for t in out["data_task"]]
    return out


# ----------------------------------------------------------------------------- the table


@lru_cache(maxsize=None)
def _specs(data_task: str) -> dict:
    out = {s.label: s for s in dense_specs(data_task)}
    for profile in ("full", "quick"):
        out.update({e.spec.label: e.spec for e in entries(profile, data_task)})
    return out


def spec_of(row) -> ModelSpec:
    """The ModelSpec behind a long-table row (by label; an HSN variant by its reading)."""
    spec = _specs(row["data_task"]).get(row["label"])
    if spec is None and row["model"] in VARIANTS:
        levels = {k: row[k] for k in HSN_KEYS if row[k]}
        spec = hsn_spec(Reading.of(**levels), row["model"])
    if spec is None or spec.label != row["label"]:
        raise KeyError(f"no model spec for label {row['label']!r} on {row['data_task']!r}")
    return spec


@lru_cache(maxsize=None)
def _counts(spec: ModelSpec, data_task: str) -> tuple:
    t = totals(spec, *task_shape(data_task))
    return tuple(float(t[c]) for c in COUNTS)


def _clean(df: pd.DataFrame) -> pd.DataFrame:
    cols = [c for c in (*HSN_KEYS, *TASK_KEYS, "reading") if c in df]
    return df.assign(**{c: df[c].fillna("").astype(str) for c in cols})


def frontier_table(long: pd.DataFrame, dense_sel: pd.DataFrame) -> pd.DataFrame:
    """One row per (task reading, model or reading, seed): family, learned counts, test score.

    ``long`` is the multiverse's long table (:func:`scaffold.multiverse.long_table`),
    ``dense_sel`` the frontier's rows (:func:`frontier_long`); a run present in both
    (the dense MLP, the HSN-budget MLP) is kept once.  ``learned_size`` counts the
    learned tensors' sizes, ``learned_nnz`` the entries that can be nonzero (masks
    applied; a random mask's count is its mean over draws); ``width`` is the dense
    width or the CEN's H.  A ``degenerate`` column in ``long`` is kept.
    """
    rows = pd.concat([_clean(long), _clean(dense_sel)], ignore_index=True)
    rows = rows.drop_duplicates([*TASK_READING, "label", "seed"], keep="last").reset_index(drop=True)
    rows["family"] = rows["model"].map(family)
    keys = rows[["data_task", "label", "model", *HSN_KEYS]].drop_duplicates(["data_task", "label"])
    specs = {(r["data_task"], r["label"]): spec_of(r) for _, r in keys.iterrows()}
    at = list(zip(rows["data_task"], rows["label"]))
    for i, c in enumerate(COUNTS):
        rows[c] = [_counts(specs[k], k[0])[i] for k in at]
    rows["width"] = [_width(specs[k]) for k in at]
    cols = [*TASK_READING, "family", "model", "label", "reading", *HSN_KEYS, "seed", "width",
            *COUNTS, "test_metric", "metric", "target_var", "diverged"]
    cols += [c for c in ("degenerate",) if c in rows]
    return rows[cols]


def _width(spec: ModelSpec) -> float:
    cfg = spec.config
    if spec.family == "dense":
        return float(cfg.widths[0])
    return float(cfg.H) if spec.family == "cen" else np.nan


# ----------------------------------------------------------------------------- the test


def _one_task_reading(rows: pd.DataFrame) -> dict:
    keys = rows[list(TASK_READING)].drop_duplicates()
    if len(keys) != 1:
        raise ValueError(f"rows must come from one task reading, got {len(keys)}")
    return keys.iloc[0].to_dict()


def _on_reading(table: pd.DataFrame, where: dict) -> np.ndarray:
    """Which rows of ``table`` are on the task reading ``where`` (its levels, compared as text)."""
    return np.logical_and.reduce([table[k].astype(str) == str(v) for k, v in where.items()])


def frontier_at(dense: pd.DataFrame, params: float, count: str = "learned_size",
                curves: dict | None = None) -> pd.Series:
    """Per seed, the dense frontier's score at ``params`` learned parameters.

    ``dense``: the dense rows of one task reading.  Within each seed, the score
    is interpolated linearly in log(learned parameters) between the two widths
    around ``params``, and held at the end value beyond the narrowest or widest.
    ``curves``: :func:`frontier_curves` of ``dense``, if the caller has them.

    Why interpolate rather than take the best dense MLP at or below the budget:
    the widths are half an octave apart, so their counts about double from one
    to the next, and "at or below" would compare a model with a dense MLP of up
    to half its learned parameters (an HSN of 641 against the 337 of width 16,
    when width 23 has 645): a step that favours the model under test by the
    grid's spacing, not by what it learned.  Interpolation estimates the dense
    MLP of exactly equal count, with an error bounded by the difference between
    two neighbouring widths.  Runs with no score (diverged) are left out.
    """
    x0 = np.log(float(params))
    curves = frontier_curves(dense, count) if curves is None else curves
    out = {seed: float(np.interp(x0, xs, ys)) for seed, (xs, ys) in curves.items()}
    return pd.Series(out, name="frontier", dtype=float)


def frontier_curves(dense: pd.DataFrame, count: str = "learned_size") -> dict:
    """Per seed (in order), the dense frontier's points: log(learned count) ascending and
    the mean score of the runs at each count (:func:`frontier_at` interpolates them)."""
    out = {}
    for seed, g in dense.dropna(subset=["test_metric"]).groupby("seed", sort=True):
        pts = g.groupby(np.log(g[count].astype(float)))["test_metric"].mean().sort_index()
        out[seed] = (pts.index.to_numpy(), pts.to_numpy())
    return out


def above_frontier(table: pd.DataFrame, task: str, hsn_rows: pd.DataFrame, count: str = "learned_size",
                   kind: str = "superior", curves: dict | None = None) -> dict:
    """Does the model of ``hsn_rows`` sit above the dense frontier at its learned count?

    ``hsn_rows``: the rows of :func:`frontier_table` of one model (one label) on
    one task reading of ``task`` (one per seed).  Per seed, its score is paired
    with :func:`frontier_at` at its ``count`` on the same task reading and seed;
    the differences (oriented: positive = the model better, also for MSE) are
    judged by :func:`scaffold.verdicts.compare_gain` and
    :func:`scaffold.verdicts.judge` with ``kind``.  The MSE margin is relative to
    the frontier's mean MSE on the same seeds.

    Returns the task reading, ``label``, ``model`` (its role in the long table),
    ``family``, the comparison (n, mean, lo, hi, margin, p's), ``verdict``,
    ``p`` (the claim's test) and what was compared: ``count``, ``params``,
    ``score`` and ``frontier`` (mean scores over the paired seeds),
    ``below``/``above`` (the dense widths whose counts bracket ``params``).
    ``curves``: :func:`frontier_curves` of the task reading's dense rows, if the
    caller has them (:func:`frontier_verdicts` forms them once per task reading).
    """
    if hsn_rows["label"].nunique() != 1:
        raise ValueError("hsn_rows must hold one model (one label)")
    where = _one_task_reading(hsn_rows)
    if where["task"] != task:
        raise ValueError(f"hsn_rows are on {where['task']!r}, not {task!r}")
    dense = table[_on_reading(table, where) & (table["family"] == DENSE_FAMILY)]
    if dense.empty:
        raise KeyError(f"no dense frontier for {where}")
    params = float(hsn_rows[count].iloc[0])
    front = frontier_at(dense, params, count, curves)
    x = hsn_rows.dropna(subset=["test_metric"]).set_index("seed")["test_metric"]
    seeds = x.index.intersection(front.index).sort_values()
    metric = hsn_rows["metric"].iloc[0]
    hib = metric == "accuracy"
    a, b = x.loc[seeds].to_numpy(float), front.loc[seeds].to_numpy(float)
    if len(seeds) == 0:
        c = dict(n=0, mean=np.nan, se=np.nan, df=0, lo=np.nan, hi=np.nan, margin=np.nan,
                 p_noninferior=np.nan, p_superior=np.nan)
    else:
        var = float(hsn_rows["target_var"].mean()) if not hib else None
        c = V.compare_gain(a - b if hib else b - a, V.margin(metric, target_var=var))
    sizes = dense.groupby("width")[count].first().sort_values()
    below, above = sizes[sizes <= params], sizes[sizes >= params]
    verdict = V.judge(c, kind) if c["n"] else V.UNTESTABLE
    return {**where, "label": hsn_rows["label"].iloc[0], "model": hsn_rows["model"].iloc[0],
            "family": hsn_rows["family"].iloc[0], "count": count, "params": params, **c,
            "score": float(a.mean()) if a.size else np.nan,
            "frontier": float(b.mean()) if b.size else np.nan,
            "below": float(below.index[-1]) if len(below) else np.nan,
            "above": float(above.index[0]) if len(above) else np.nan,
            "p": V.claim_p(c, kind, verdict) if c["n"] else np.nan, "verdict": verdict}


def frontier_verdicts(table: pd.DataFrame, count: str = "learned_size", kind: str = "superior",
                      families=None) -> pd.DataFrame:
    """:func:`above_frontier` for every non-dense model (or those of ``families``) on every
    task reading: one row each, with the reading and its axis levels."""
    rows = table[table["family"] != DENSE_FAMILY]
    if families is not None:
        rows = rows[rows["family"].isin(list(families))]
    out, curves = [], {}
    dense = table[table["family"] == DENSE_FAMILY]
    for _, g in rows.groupby([*TASK_READING, "label"], sort=False):
        where = {k: g[k].iloc[0] for k in TASK_READING}
        key = tuple(str(v) for v in where.values())
        if key not in curves:  # the frontier of each task reading is formed once
            curves[key] = frontier_curves(dense[_on_reading(dense, where)], count)
        r = above_frontier(table, g["task"].iloc[0], g, count, kind, curves[key])
        out.append({**r, "reading": g["reading"].iloc[0], **{k: g[k].iloc[0] for k in HSN_KEYS}})
    return pd.DataFrame(out)


def gaps(table: pd.DataFrame, model: str = "HSN", reference: str = "Dense MLP",
         count: str = "learned_size") -> pd.DataFrame:
    """Per task reading and label of family ``model``: its mean oriented difference to
    ``reference`` (a label of the table, e.g. "Dense MLP", or "frontier" for the dense
    frontier at its own ``count``), paired by seed.

    Columns: the task reading, label, reading, n, ``gain`` (mean, positive = the
    model better), ``margin`` (the rulebook's, relative to the reference's MSE on
    MSE tasks), ``in_margins`` (gain / margin, comparable across metrics),
    ``diff`` (model - reference, raw) and ``ratio`` (model / reference).
    """
    out = []
    rows = table[table["family"] == model]
    for _, g in rows.groupby([*TASK_READING, "label"], sort=False):
        where = _one_task_reading(g)
        same = np.logical_and.reduce([table[k] == v for k, v in where.items()])
        if reference == "frontier":
            ref = frontier_at(table[same & (table["family"] == DENSE_FAMILY)], float(g[count].iloc[0]), count)
        else:
            ref = table[same & (table["label"] == reference)].set_index("seed")["test_metric"]
        x = g.set_index("seed")["test_metric"]
        both = pd.concat([x.rename("x"), ref.rename("r")], axis=1, join="inner").dropna()
        metric = g["metric"].iloc[0]
        hib = metric == "accuracy"
        if both.empty:
            gain = m = diff = ratio = np.nan
        else:
            diff = float((both["x"] - both["r"]).mean())
            gain = diff if hib else -diff
            m = V.margin(metric, target_var=float(g["target_var"].mean()) if not hib else None)
            ratio = float(both["x"].mean() / both["r"].mean())
        out.append({**where, "label": g["label"].iloc[0], "reading": g["reading"].iloc[0],
                    **{k: g[k].iloc[0] for k in HSN_KEYS}, "n": len(both), "gain": gain, "margin": m,
                    "in_margins": gain / m if m == m and m else np.nan, "diff": diff, "ratio": ratio,
                    "metric": metric})
    return pd.DataFrame(out)
