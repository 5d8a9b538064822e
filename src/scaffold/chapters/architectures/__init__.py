"""Chapter 1, "Architectures" (book/01-architectures.py): the models as built, measured.

Everything here reads the *built* objects of :mod:`scaffold.graphs` and
:mod:`scaffold.models`, so a figure can never drift from the code that trains.
Nothing is trained.  The page's results:

- the Kronecker graph's properties at several sizes (:func:`kronecker_table`,
  from :func:`scaffold.graphs.graph_stats`), beside the closed forms 3^k and phi^k;
- how many DG or expander units the sparse masks leave without input, over many
  seeds (:mod:`scaffold.masks`);
- the CA3 states of untrained HSNs (:func:`scaffold.trace.untrained_trace`);
- every place where the note is silent, with the reading taken
  (:func:`scaffold.ambiguities.ambiguity_table`).

:mod:`.facts` and :mod:`.figures` say what the page states and draws; :func:`page`
puts them together for the notebook.
"""

from __future__ import annotations

import math

import pandas as pd

from ... import graphs
from ...ambiguities import ambiguity_table
from ...data import make_dataset
from ...experiments import HSN_LITERAL, HSN_REPAIRED
from ...masks import census_summary, mask_census
from ...models import CEN_NOTE, DENSE
from ...runtime import tables
from ...runtime.publish import Keys, Page, in_book_style, settings
from ...trace import untrained_trace
from . import facts, figures

__all__ = ["KEYS", "compute", "grids", "page"]

PHI = (1 + math.sqrt(5)) / 2
#: The masks whose census the page reports: role -> (stage, spec, input dimension).
MASK_STAGES = {"lit-cls": ("DG, literal, d=2", HSN_LITERAL, 2), "lit-sine": ("DG, literal, d=1", HSN_LITERAL, 1),
               "rep-cls": ("DG, repaired, d=2", HSN_REPAIRED, 2), "cen-cls": ("CEN expander, d=2", CEN_NOTE, 2),
               "cen-sine": ("CEN expander, d=1", CEN_NOTE, 1)}

KEYS = Keys(
    facts=("width", "depth", "dense-a", "cen-H", "cen-density", "cen-a", "hsn-hdg", "hsn-hca3", "hsn-T",
           "hsn-density", "hsn-a", "rep-radius", "rep-min-inputs", "note-active", "d-cls", "d-sine", "o",
           "g-n", "g-nnz", "g-density", "g-radius", "g-k", "g-n2", "g-nmin", "g-nmax", "g-diam-set",
           "g-log-max", "g-radius-agree", "g-nnz-3k-words", "g-radius-max",
           "lit-cls-inputs-words", "lit-cls-inputless", "lit-cls-empty", "lit-sine-empty", "census-maxdev",
           "rep-max-inputless", "mask-seed",
           "sat-lit", "sat-rep", "spread-lit0", "spread-lit", "spread-rep0", "spread-rep", "trace-seeds",
           "sat-margin", "n-ambiguities",
           "data-kronecker", "data-masks", "data-trace", "data-ambiguities"),
    figures=("stages", "kronecker", "masks", "saturation"),
    tables=("kronecker", "census", "ambiguities"))


def grids(cfg) -> dict:
    """The sweeps this page trains: none (it only builds models)."""
    return {}


def kronecker_table(sizes=(4, 8, 16, 32, 64, 128, 256)) -> pd.DataFrame:
    """:func:`scaffold.graphs.graph_stats` of the Sierpinski Kronecker power at each size, with
    ``k`` (the power), ``3^k`` and ``phi^k`` beside the measured nonzeros and spectral radius."""
    rows = []
    for n in sizes:
        k = int(round(math.log2(n)))
        s = graphs.graph_stats(graphs.kronecker_power(graphs.SIERPINSKI, n))
        rows.append(dict(n_nodes=n, k=k, nnz=s["nnz"], three_pow_k=3 ** k, density=s["density"],
                         self_loops=s["self_loops"], out_degree_min=s["out_degree_min"],
                         out_degree_max=s["out_degree_max"], diameter=s["diameter"],
                         undirected_diameter=s["undirected_diameter"], log2_n=float(k),
                         spectral_radius=s["spectral_radius"], phi_pow_k=PHI ** k,
                         symmetric=s["symmetric"]))
    return pd.DataFrame(rows)


def compute(cfg) -> dict:
    """The page's tables, each also written to ``cfg.results_dir``.

    Masks are drawn over many seeds (models are only built, never trained): the
    HSN's DG masks over 2,000 (500 quick), the CEN's expander over 300 (100).
    """
    out = cfg.results_dir
    n_seeds = {"hsn": 500 if cfg.quick else 2000, "cen": 100 if cfg.quick else 300}
    ktab = kronecker_table()
    ktab.to_csv(out / "kronecker_stats.csv", index=False)
    runs = [(name, spec, d, n_seeds[spec.family]) for name, spec, d in MASK_STAGES.values()]
    census = pd.concat([mask_census(spec, d, range(n)).assign(stage=name) for name, spec, d, n in runs],
                       ignore_index=True)
    census.to_csv(out / "mask_census.csv", index=False)
    summary = pd.DataFrame([dict(stage=name, **census_summary(census[census.stage == name], spec))
                            for name, spec, _, _ in runs])
    summary.to_csv(out / "mask_census_summary.csv", index=False)
    x_val = make_dataset("swiss_roll", seed=cfg.seeds[0]).x_val
    trace = pd.concat([untrained_trace(s, x_val, cfg.seeds) for s in (HSN_LITERAL, HSN_REPAIRED)],
                      ignore_index=True)
    trace.to_csv(out / "ca3_state_trace.csv", index=False)
    amb = ambiguity_table()
    amb.to_csv(out / "ambiguities.csv", index=False)
    return dict(kronecker=ktab, census=census, census_summary=summary, trace=trace, ambiguities=amb,
                stages={role: name for role, (name, _, _) in MASK_STAGES.items()})


def page(cfg) -> Page:
    """The architectures page: its facts, figures and tables."""
    results = compute(cfg)
    styled = in_book_style(facts.facts(cfg, results), settings("rep-radius", "sat-margin", "cen-density", "hsn-density"))
    return KEYS.page(styled, page_figures(cfg, results), table_views(results))


#: Headers of the page's tables.
HEADERS = {"n_nodes": "Nodes n", "k": "k", "nnz": "Edges", "three_pow_k": "3ᵏ", "density": "Density",
           "self_loops": "Self-loops", "out_degree_min": "Min degree", "out_degree_max": "Max degree",
           "diameter": "Diameter", "log2_n": "log₂ n", "spectral_radius": "Spectral radius",
           "phi_pow_k": "φᵏ", "stage": "Stage", "n_seeds": "Seeds", "units": "Units",
           "mean_inputs": "Inputs per unit", "frac_inputless": "Share inputless",
           "frac_inputless_theory": "Closed form", "p_all_empty": "Share of seeds all empty",
           "p_all_empty_theory": "Closed form (all empty)", "part": "Part", "question": "Question",
           "the note": "The note says", "this book": "This book", "why": "Why"}


def table_views(results: dict) -> dict:
    """The page's tables for reading (published as ``tab-arch-KEY``)."""
    k = results["kronecker"][["n_nodes", "k", "nnz", "three_pow_k", "density", "self_loops",
                              "out_degree_min", "out_degree_max", "diameter", "log2_n",
                              "spectral_radius", "phi_pow_k"]]
    c = results["census_summary"][["stage", "n_seeds", "units", "mean_inputs", "frac_inputless",
                                   "frac_inputless_theory", "p_all_empty", "p_all_empty_theory"]]
    return {"kronecker": tables.table(k, headers=HEADERS),
            "census": tables.table(c, headers=HEADERS, sort=["_none"]),
            "ambiguities": tables.table(results["ambiguities"], headers=HEADERS, sort=["_none"])}


def page_figures(cfg, results: dict) -> dict:
    """The page's figures (published as ``fig-arch-KEY``)."""
    h_ca3, s0 = HSN_LITERAL.config.h_ca3, cfg.seeds[0]
    built = {s.label: s.build(2, 1, [s0]) for s in (DENSE, CEN_NOTE, HSN_LITERAL)}
    masks = {f"DG mask, seed {s0}": built[HSN_LITERAL.label].dg_mask[0].numpy(),
             f"CEN expander mask, seed {s0}": built[CEN_NOTE.label].E_mask[0].numpy()}
    return {
        "stages": figures.plot_stages([figures.model_stages(m) for m in built.values()],
                                      [f"({c}) {label}" for c, label in zip("abc", built)]),
        "kronecker": figures.plot_kronecker((h_ca3, 4 * h_ca3),
                                            (h_ca3, 4 * h_ca3, int(results["kronecker"].n_nodes.max()))),
        "masks": figures.plot_masks(masks, results["census_summary"]),
        "saturation": figures.plot_state_trace(results["trace"]),
    }
