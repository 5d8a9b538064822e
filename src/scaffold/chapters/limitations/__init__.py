"""Chapter 4, "Limitations" (book/04-limitations.py): experiments for the note's open questions.

The note lists four open questions and answers none of them.  Each gets an
experiment here:

1. *Compute*: inference time of one-member models (dense MLP, HSN at T = 0..10,
   CEN) and the graph step with a dense and a CSR kernel
   (:mod:`scaffold.latency`, timed by :mod:`scaffold.timing`);
2. *Input dimension*: learned counts and accuracy as the moons task is embedded
   in d dimensions, against dense MLPs matched to the HSN's count;
3. *Learned vs fixed graphs*: the HSN with a learned initiator, a learned graph
   and wider CA3 layers against its fixed graph;
4. *Task dependence*: two spirals and the digits.

:mod:`.design` says what is trained and measured, :mod:`.compare` which comparisons
the rulebook judges, :mod:`.facts` and :mod:`.figures` what the page states and
draws; :func:`page` puts them together for the notebook.
"""

from __future__ import annotations

import pandas as pd

from ... import fmt
from ...data import task_title
from ...latency import measure_latency, sparse_vs_dense
from ...runtime import tables
from ...runtime.publish import Keys, Page, in_book_style, settings
from ...stats import summarize
from . import compare, facts, figures
from .design import (HARDER_TASKS, HSN, TIMING_ROUNDS, dimension_params, dimension_sweep, dimensions,
                     grids, latency_models, run, task_sweep)

__all__ = ["KEYS", "compute", "grids", "page"]

KEYS = Keys(
    facts=("n-seeds", "rep-radius", "hdg", "dg-pct", "dense-width", "hsn-T",
           "device", "rounds", "clock", "b-small", "b-large", "macs-ratio", "lat-note-small",
           "lat-note-large", "first-slower", "lat-vs-macs", "sp-batch", "sp-nmin", "sp-nmax",
           "sp-note-n", "sp-note-density", "sp-note-speedup", "sp-crossover",
           "dims", "d-lo", "d-hi", "dg-slope-ratio", "w-nnz-hi", "ratio-nnz-lo",
           "ratio-size-lo", "ratio-nnz-hi", "ratio-size-hi", "match-dense-hi", "match-nnz-hi",
           "init-extra", "graph-nnz", "wide-units", "wider-units", "graph-tasks", "graph-outcomes",
           "margin", "graph-max-gain", "graph-max-gain-at", "graph-max-loss", "graph-max-loss-at",
           "init-absmax", "sine-sentence",
           "digits-d", "digits-o", "digits-hsn", "digits-t0", "digits-dense", "digits-budget",
           "budget-two_spirals", "recurrence-two_spirals", "budget-digits",
           "recurrence-digits",
           "data-latency", "data-sparse", "data-dimension", "data-graphs", "data-tasks",
           "data-matches"),
    figures=("latency", "sparse", "dimension", "graphs", "tasks"),
    tables=("cost", "dimension", "matches", "graphs", "tasks"))


def compute(cfg) -> dict:
    """The page's measurements and sweeps, written to ``cfg.results_dir``, and the comparisons.

    Timings run first (they draw their inputs from torch's generator), then the sweeps.
    """
    out, dims = cfg.results_dir, dimensions(cfg)
    lat = measure_latency(latency_models(), "Dense MLP", device=cfg.device, rounds=TIMING_ROUNDS)
    lat.to_csv(out / "limits_latency.csv", index=False)
    sp = sparse_vs_dense(device=cfg.device, rounds=TIMING_ROUNDS)
    sp.to_csv(out / "limits_sparse.csv", index=False)
    pdim = dimension_params(dims)
    sel_dim = dimension_sweep(cfg, dims)
    sel_dim.to_csv(out / "limits_dimension.csv", index=False)
    pdim.to_csv(out / "limits_dimension_params.csv", index=False)
    sel_g = run(cfg, grids(cfg)["graphs"], desc="graphs").selected()
    sel_g.to_csv(out / "limits_graphs.csv", index=False)
    sel_t, counts_t = task_sweep(cfg, HARDER_TASKS)
    sel_t.to_csv(out / "limits_tasks.csv", index=False)
    counts_t.to_csv(out / "limits_tasks_params.csv", index=False)
    return dict(latency=lat, sparse=sp, dimension_params=pdim, dimension=sel_dim, graphs=sel_g,
                tasks=sel_t, task_counts=counts_t, **comparisons(sel_dim, sel_g, sel_t))


def comparisons(sel_dim: pd.DataFrame, sel_g: pd.DataFrame, sel_t: pd.DataFrame) -> dict:
    """The rulebook's comparisons of the page (:mod:`.compare`) on its selected members."""
    return dict(dimension_matches=compare.matches(sel_dim, "embed_dim"),
                graph_gains=compare.graph_variants(sel_g), task_matches=compare.matches(sel_t, "task"))


def signed4(x) -> str:
    """A small difference with its sign, to four decimals (the graph variants' gains)."""
    return fmt.signed(x, 4)


def page(cfg) -> Page:
    """The limitations page: its facts, figures and tables."""
    results = compute(cfg)
    styles = {**settings("rep-radius", "margin", "dg-pct"),
              "graph-max-gain": signed4, "graph-max-loss": signed4}
    return KEYS.page(in_book_style(facts.facts(cfg, results), styles), figures.figures(results),
                     table_views(cfg, results))


# ----------------------------------------------------------------------------- tables

HEADERS = {"embed_dim": "Input dimension d", "learned_nnz": "Learned (nonzeros)",
           "learned_size": "Learned (tensor sizes)", "fixed": "Fixed (nonzeros)", "role": "Model",
           "mean": "Test mean", "macs_dense": "MACs, dense kernels", "macs_sparse": "MACs, sparse kernels",
           "macs_vs_dense": "MACs / dense MLP's", "lo": "95% CI low", "hi": "95% CI high",
           "gain": "Gain", "gain_lo": "Gain: CI low", "gain_hi": "Gain: CI high", "where": "Where"}


def table_views(cfg, results: dict) -> dict:
    """The page's tables for reading (published as ``tab-lim-KEY``)."""
    dims = results["dimension_params"][["embed_dim", "role", "model", "width", "learned_nnz", "learned_size",
                                        "fixed", "macs_dense"]].rename(columns={"model": "label"})
    out = {"cost": tables.table(cost_table(results["latency"]), headers=HEADERS, sort=["_none"]),
           "dimension": tables.table(dims, headers=HEADERS, sort=["embed_dim", "role"]),
           "matches": tables.table(matches_table(results), headers=HEADERS, sort=["_none"]),
           "graphs": tables.table(graph_table(results), headers=HEADERS),
           "tasks": tables.table(task_table(results), headers=HEADERS)}
    for view in out.values():
        if "task" in view.df.columns:
            view.df["task"] = view.df["task"].map(task_title)
    return out


def cost_table(lat: pd.DataFrame) -> pd.DataFrame:
    """MACs and measured time of the dense MLP, the HSN at T = 0, the note's T and the largest T,
    and the CEN, each relative to the dense MLP; one time column per batch size."""
    hsn = lat[lat.family == "hsn"]
    Ts = sorted({0, int(HSN.config.T), int(hsn["T"].max())})
    keep = ["Dense MLP", *[f"HSN T={T}" for T in Ts], "CEN (H=512)"]
    wide = lat.pivot_table(index="model", columns="batch", values="ratio").loc[keep]
    wide.columns = [f"time / dense MLP's, batch {b}" for b in wide.columns]
    first = lat.drop_duplicates("model").set_index("model").loc[keep, ["macs_dense"]]
    first["macs_vs_dense"] = first["macs_dense"] / first.loc["Dense MLP", "macs_dense"]
    return first.join(wide).reset_index()


def matches_table(results: dict) -> pd.DataFrame:
    """Every rulebook verdict on the HSN against the dense MLPs and T = 0, by input dimension and task."""
    dim, tasks = results["dimension_matches"], results["task_matches"]
    lo_hi = {dim.embed_dim.min(), dim.embed_dim.max()}
    rows = [dim[dim.embed_dim.isin(lo_hi)].assign(where=lambda t: [f"moons, d = {d}" for d in t.embed_dim]),
            tasks.assign(where=tasks["task"].map(task_title))]
    # the verdict beside the claim: on a narrow screen the table scrolls, and the verdict is its point
    return pd.concat(rows, ignore_index=True)[["where", "claim", "verdict", "gain", "lo", "hi"]]


def graph_table(results: dict) -> pd.DataFrame:
    """Test metric per (task, graph variant), its paired gain over the fixed graph and the verdict of
    "the variant beats the fixed graph"."""
    gains = results["graph_gains"][["task", "model", "gain", "lo", "hi", "verdict"]]
    table = summarize(results["graphs"], ["task", "model"], "test_metric").drop(columns="std").merge(
        gains.rename(columns={"lo": "gain_lo", "hi": "gain_hi"}), on=["task", "model"], how="left")
    # the verdict and the gain first: they are the table's point, and wide tables scroll sideways
    first = ["task", "model", "verdict", "gain", "gain_lo", "gain_hi"]
    return table[first + [c for c in table.columns if c not in first]]


def task_table(results: dict) -> pd.DataFrame:
    """Test metric per (harder task, model) with the learned counts, models named by their role."""
    counts = results["task_counts"][["task", "model", "role", "learned_nnz", "learned_size"]]
    table = summarize(results["tasks"], ["task", "model"], "test_metric").drop(columns="std")
    return counts.merge(table, on=["task", "model"])[["task", "role", "n", "mean", "lo", "hi", "learned_nnz",
                                                       "learned_size"]]
