"""The architectures page's facts: the three models' sizes, the CA3 graph, the masks, the CA3 states."""

from __future__ import annotations

import pandas as pd

from ... import fmt, graphs, note
from ...data import make_dataset
from ...experiments import HSN_LITERAL, HSN_REPAIRED
from ...models import CEN_NOTE, DENSE
from ...params import totals
from ...runtime import provenance
from ...runtime.tables import number
from ...trace import SATURATED

#: Files each figure and table is drawn from.
DATA = {"kronecker": ["kronecker_stats.csv"], "masks": ["mask_census.csv", "mask_census_summary.csv"],
        "trace": ["ca3_state_trace.csv"], "ambiguities": ["ambiguities.csv"]}


def facts(cfg, results: dict) -> dict:
    """Every fact the page quotes (published as ``arch-KEY``)."""
    f = model_facts(cfg)
    f.update(graph_facts(results["kronecker"]))
    f.update(mask_facts(cfg, results["census"], results["census_summary"], results["stages"]))
    f.update(trace_facts(results["trace"]))
    f["n-ambiguities"] = len(results["ambiguities"])
    out = cfg.results_dir
    f.update({f"data-{k}": provenance.data_links(*(out / n for n in names)) for k, names in DATA.items()})
    return f


def model_facts(cfg) -> dict:
    """The three models' sizes and learned counts as built, and the repaired reading's two changes."""
    hsn, cen, dense, rep = HSN_LITERAL.config, CEN_NOTE.config, DENSE.config, HSN_REPAIRED.config
    return {"width": dense.widths[0], "depth": len(dense.widths), "dense-a": totals(DENSE, 2, 1)["learned_size"],
            "cen-H": cen.H, "cen-density": 100 * cen.density, "cen-a": totals(CEN_NOTE, 2, 1)["learned_size"],
            "hsn-hdg": hsn.h_dg, "hsn-hca3": hsn.h_ca3, "hsn-T": hsn.T, "hsn-density": 100 * hsn.dg_density,
            "hsn-a": totals(HSN_LITERAL, 2, 1)["learned_size"], "rep-radius": rep.spectral_radius,
            "rep-min-inputs": rep.dg_min_inputs, "note-active": note.ACTIVE_INPUTS_PER_GRANULE,
            "d-cls": make_dataset("moons", seed=cfg.seeds[0]).d_in,
            "d-sine": make_dataset("sine", seed=cfg.seeds[0]).d_in, "o": 1}


def graph_facts(ktab: pd.DataFrame) -> dict:
    """The graph at the note's size, and its laws across sizes (edges 3^k, radius phi^k, diameter)."""
    hsn = HSN_LITERAL.config
    at = ktab.set_index("n_nodes").loc[hsn.h_ca3]
    err = float((ktab.spectral_radius / ktab.phi_pow_k - 1).abs().max())
    return {"g-n": int(at.name), "g-nnz": int(at.nnz), "g-density": 100 * float(at.density),
            "g-radius": float(at.spectral_radius), "g-k": int(at.k), "g-n2": 4 * hsn.h_ca3,
            "g-nmin": int(ktab.n_nodes.min()), "g-nmax": int(ktab.n_nodes.max()),
            "g-diameter": graphs.diameter_summary()["text"],  # the ledger's G1 row says the same
            "g-radius-agree": ("equals it to machine precision" if err < 1e-9 else
                               f"differs from it by at most a relative {number(err, 2)}"),
            "g-nnz-3k-words": fmt.share(int((ktab.nnz == ktab.three_pow_k).sum()), len(ktab), words=True),
            "g-radius-max": float(ktab.spectral_radius.max())}


def mask_facts(cfg, census: pd.DataFrame, summary: pd.DataFrame, stages: dict) -> dict:
    """The literal DG mask on the classification tasks and on sine, beside the repaired one.

    ``stages``: role -> the stage's name in the census ("lit-cls": "DG, literal, d=2", ...).
    """
    by = summary.set_index("stage")
    lit, sine = by.loc[stages["lit-cls"]], by.loc[stages["lit-sine"]]
    theory = summary[["frac_inputless_theory", "p_all_empty_theory"]].to_numpy()
    measured = summary[["frac_inputless", "p_all_empty"]].to_numpy()
    return {"lit-cls-inputs-words": per_unit_words(float(lit.mean_inputs)),
            "lit-cls-inputless": 100 * float(lit.frac_inputless), "lit-cls-empty": 100 * float(lit.p_all_empty),
            "lit-sine-empty": 100 * float(sine.p_all_empty),
            "census-maxdev": 100 * float(abs(measured - theory).max()),
            "rep-max-inputless": int(census.loc[census.stage == stages["rep-cls"], "inputless"].max()),
            "mask-seed": cfg.seeds[0]}


def trace_facts(trace: pd.DataFrame) -> dict:
    """Saturation and spread across inputs of the untrained CA3 state, at h_0 and at h_T."""
    T = HSN_LITERAL.config.T
    last = trace[trace.step == T].groupby("model")[["saturated", "spread"]].mean()
    first = trace[trace.step == 0].groupby("model")["spread"].mean()
    lit, rep = HSN_LITERAL.label, HSN_REPAIRED.label
    return {"sat-lit": 100 * float(last.loc[lit, "saturated"]), "sat-rep": 100 * float(last.loc[rep, "saturated"]),
            "spread-lit0": float(first[lit]), "spread-lit": float(last.loc[lit, "spread"]),
            "spread-rep0": float(first[rep]), "spread-rep": float(last.loc[rep, "spread"]),
            "trace-seeds": int(trace.seed.nunique()), "sat-margin": round(1 - SATURATED, 6)}


def values_words(values) -> str:
    """'the single value 2', 'the values 2 and 3', 'the values 1, 2 and 3'."""
    v = [f"{x:g}" for x in sorted(values)]
    if len(v) == 1:
        return f"the single value {v[0]}"
    return f"the values {fmt.listed(v)}"


def per_unit_words(mean_inputs: float) -> str:
    """A mean fan-in as a reader pictures it: 'one input for every 10 units' below one."""
    if mean_inputs <= 0:
        return "no input at all"
    if mean_inputs < 1:
        return f"one input for every {1 / mean_inputs:.0f} units"
    return f"{mean_inputs:.1f} inputs per unit"
