"""Chapter 3, "Parameters" (book/03-parameters.py): the note's counts recomputed, its count claims judged.

The note counts parameters in three places that do not agree with each other:
eq. (1), Table 2.2 and Table 3.3.  :mod:`.counts` rebuilds each from
:func:`scaffold.params.accounting` under every counting convention, so the page can
show which convention, if any, reproduces each reported number; :mod:`.facts` and
:mod:`.figures` say what the page states and draws; :func:`page` puts them together.
The audit judges the note's claims on counts (``scaffold.chapters.audit.counts``).
"""

from __future__ import annotations

import json

from ... import note
from ...runtime import tables
from ...runtime.publish import Keys, Page, in_book_style, settings
from . import facts, figures
from .counts import bridge_readings, components, reductions, section5, table_2_2, table_3_3

__all__ = ["KEYS", "compute", "grids", "page"]

KEYS = Keys(
    facts=("draws", "eq1-terms", "eq1-sum", "eq1-claimed", "eq1-gap", "dense-nobias", "dense-bias",
           "dense-bias-terms", "dense-reg", "dense-reg-rep", "hsn-rep", "hsn-reg-rep", "hsn-a", "hsn-b",
           "hsn-all", "hsn-reg-a", "hsn-reg-all", "hsn-how", "hsn-n-ways-words", "hsn-sum-terms",
           "g-size", "g-nnz", "reg-diff", "formula-value", "cen-rep", "cen-c", "cen-all", "cen64-H",
           "cen-H", "cen64-a", "hca3", "cen-circles-H", "cen-circles-a", "cen-circles-factor",
           "cen-circles-score", "cen-reduction-rep", "rep-b", "rep-macs-sparse", "rep-red-b", "rep-same-words",
           "33-sum", "33-total", "33-gap", "33-cells", "33-dense-sum",
           "33-sum-save-of", "33-in-save-rep", "33-in-save-a", "33-in-save-b", "33-hid-save-rep",
           "33-hid-save-a", "dg-nnz-rep", "dg-nnz-exp", "dg-nnz-meas", "dg-size", "dg-density",
           "g-nnz-text", "g-nnz-table", "g-k", "hdg", "bridge-rep", "bridge-code", "bridge-diff",
           "bridge-combos", "bridge-n-words", "red-hsn-reported", "red-hsn-note-counts", "red-hsn-a",
           "red-hsn-b", "red-hsn-macs-dense", "red-hsn-macs-sparse", "red-cen-reported",
           "red-cen-note-counts", "red-cen-a", "red-cen-stored-nonzero", "macs-dense", "macs-hsn-dense",
           "macs-g-dense", "macs-T", "compute-rep", "macs-t0-dense", "macs-t-ratio-dense",
           "macs-t-ratio-sparse", "s5-d", "s5-in-hid", "s5-hid-hid", "s5-dg-size", "s5-dg-exp",
           "s5-dg-meas", "s5-dg-rep", "s5-dg-implied", "s5-rep", "s5-dg-ratio", "data-t22", "data-t33",
           "data-reductions", "data-components", "data-checks"),
    figures=("conventions",),
    tables=("t22", "t33", "reductions", "macs"))


def grids(cfg) -> dict:
    """The sweeps this page trains: none (models are only built and counted)."""
    return {}


def compute(cfg) -> dict:
    """The page's tables, written to ``cfg.results_dir`` with ``params_checks.json``.

    Random masks are averaged over 200 draws (50 quick), the MNIST extrapolation
    over 100 (20): models are only built, never trained.
    """
    out = cfg.results_dir
    n_draws = 50 if cfg.quick else 200
    comp = components(n_draws=n_draws)
    comp.to_csv(out / "params_components.csv", index=False)
    t22 = table_2_2(comp)
    t22.to_csv(out / "params_table_2_2.csv", index=False)
    t33 = table_3_3(comp)
    t33.to_csv(out / "params_table_3_3.csv", index=False)
    red = reductions(t22)
    red.to_csv(out / "params_reductions.csv", index=False)
    macs = t22[t22.task == "classification"][["model", "a", "macs_dense", "macs_sparse"]].reset_index(drop=True)
    results = dict(components=comp, table_2_2=t22, table_3_3=t33, reductions=red, macs=macs, out=out,
                   section5=section5(n_draws=20 if cfg.quick else 100), bridge=bridge_readings(comp),
                   n_draws=n_draws)
    (out / "params_checks.json").write_text(json.dumps(checks(results), indent=1, default=float))
    return results


def checks(results: dict) -> dict:
    """The page's key numbers as a machine-readable record (``params_checks.json``)."""
    f = facts.facts({**results, "out": None})
    return dict(eq1_sum=f["eq1-sum"], eq1_claimed=note.EQ1_CLAIMED, dense_with_biases=f["dense-bias"],
                hsn_reported=note.TABLE_2_2["HSN"][0], hsn_a=f["hsn-a"], hsn_b=f["hsn-b"],
                hsn_all=f["hsn-all"], hsn_reproduced_by=f["hsn-how"],
                table_3_3_hsn_column_sum=f["33-sum"], graph_nnz_code=f["g-nnz"],
                graph_nnz_text=note.GRAPH_NNZ_TEXT, graph_nnz_table=note.GRAPH_NNZ_TABLE,
                dg_nnz_expected=f["dg-nnz-exp"], dg_nnz_reported=note.TABLE_3_3["Input->hidden"]["hsn"],
                bridge=results["bridge"], cen_regression_H64=f["cen64-a"], section5=results["section5"],
                n_draws=results["n_draws"])


def page(cfg) -> Page:
    """The parameters page: its facts, figure and tables."""
    results = compute(cfg)
    styled = in_book_style(facts.facts(results), settings("red-hsn-reported", "red-cen-reported", "dg-density",
                                                          "cen-reduction-rep", "cen-circles-score"))
    return KEYS.page(styled, {"conventions": figures.plot_conventions(results["table_2_2"])}, table_views(results))


#: Headers of the page's tables.
HEADERS = {"d_in": "Inputs d", "reported": "Note", "a": "(a) learned, sizes", "b": "(b) learned, nonzero",
           "c": "(c) fixed, nonzero", "all": "All tensors", "macs_dense": "MACs, dense kernels",
           "macs_sparse": "MACs, sparse kernels", "matches": "Matches", "reproduced_by": "Reproduced by",
           "component": "Stage", "dense_reported": "Dense: note", "dense_code": "Dense: code",
           "hsn_reported": "HSN: note", "hsn_formula": "HSN: note's formula", "hsn_a": "HSN (a)",
           "hsn_all": "HSN, all tensors", "hsn_b": "HSN (b)", "saving_reported": "Saving: note",
           "saving_of_reported": "Saving: note's cells", "saving_a": "Saving (a)", "saving_b": "Saving (b)",
           "note_counts": "From the note's counts", "stored_nonzero": "Stored nonzero",
           "model": "Model", "task": "Task"}


def table_views(results: dict) -> dict:
    """The page's tables for reading (published as ``tab-par-KEY``)."""
    keep = {"sort": ["_none"]}  # rows stay in the order the page builds them
    return {"t22": tables.table(results["table_2_2"], headers=HEADERS, sort=["task", "model"]),
            "t33": tables.table(results["table_3_3"], headers=HEADERS, **keep),
            "reductions": tables.table(results["reductions"], headers=HEADERS),
            "macs": tables.table(results["macs"], headers=HEADERS)}
