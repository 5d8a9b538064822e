"""The parameters page's facts: eq. (1), Tables 2.2 and 3.3, the reduction factors, the MACs
and section 5, each set beside the note's reported values."""

from __future__ import annotations

import pandas as pd

from ... import note
from ...experiments import HSN_LITERAL
from ...models import CEN_NOTE, DENSE, ModelSpec
from ...params import dense_params, totals
from ...runtime import provenance
from ...fmt import count
from .counts import CEN_64, D_CLS, D_REG, explain

#: Files each table is drawn from.
DATA = {"t22": "params_table_2_2.csv", "t33": "params_table_3_3.csv", "reductions": "params_reductions.csv",
        "components": "params_components.csv", "checks": "params_checks.json"}


def facts(results: dict) -> dict:
    """Every fact the page quotes (published as ``par-KEY``)."""
    comp = results["components"]
    hsn = comp[(comp.model == HSN_LITERAL.label) & (comp.d_in == D_CLS)].set_index("component")
    f = {"draws": results["n_draws"]}
    f.update(eq1_facts())
    f.update(table22_facts(comp, results["table_2_2"], hsn))
    f.update(table33_facts(results["table_3_3"], hsn, results["bridge"]))
    f.update(reduction_facts(results["reductions"]))
    f.update(macs_facts(results["macs"], hsn, results["n_draws"]))
    f.update(section5_facts(results["section5"]))
    out = results.get("out")
    if out is not None:
        f.update({f"data-{key}": provenance.data_links(out / name) for key, name in DATA.items()})
    return f


def eq1_facts() -> dict:
    """Eq. (1) as printed against the code's dense MLP with and without biases."""
    eq1_sum = sum(note.EQ1_TERMS)
    nobias, bias = dense_params(D_CLS, 1, biases=False), dense_params(D_CLS, 1, biases=True)
    return {"eq1-terms": " + ".join(str(v) for v in note.EQ1_TERMS), "eq1-sum": eq1_sum,
            "eq1-claimed": note.EQ1_CLAIMED, "eq1-gap": note.EQ1_CLAIMED - eq1_sum, "dense-nobias": nobias,
            "dense-bias": bias, "dense-bias-terms": " + ".join(str(w) for w in (*DENSE.config.widths, 1)),
            "dense-reg": dense_params(D_REG, 1), "dense-reg-rep": note.TABLE_2_2["Dense MLP"][1]}


def table22_facts(comp: pd.DataFrame, t22: pd.DataFrame, hsn: pd.DataFrame) -> dict:
    """Table 2.2: the HSN's and the CEN's counts under each convention, and how 897 comes out."""
    T = t22.set_index(["model", "task"])
    cls, reg = T.loc[(HSN_LITERAL.label, "classification")], T.loc[(HSN_LITERAL.label, "regression")]
    cen = T.loc[(CEN_NOTE.label, "classification")]
    h = HSN_LITERAL.config
    ways = len(explain(comp, HSN_LITERAL.label, D_CLS, note.TABLE_2_2["HSN"][0]))
    return {"hsn-rep": note.TABLE_2_2["HSN"][0], "hsn-reg-rep": note.TABLE_2_2["HSN"][1], "hsn-a": int(cls["a"]),
            "hsn-b": float(cls["b"]), "hsn-all": int(cls["all"]), "hsn-reg-a": int(reg["a"]),
            "hsn-reg-all": int(reg["all"]), "hsn-how": cls["reproduced_by"],
            "hsn-n-ways-words": count(ways, "combination") + (" that gives" if ways == 1 else " that give"),
            "hsn-sum-terms": " + ".join(str(int(v)) for v in hsn["size"]), "g-size": int(hsn.loc["G", "size"]),
            "g-nnz": int(hsn.loc["G", "nnz"]), "reg-diff": int(cls["all"] - reg["all"]),
            "formula-value": h.dg_density * D_CLS * h.h_dg + int(hsn.loc["G", "nnz"]) + h.h_ca3 + 1,
            "cen-rep": note.TABLE_2_2["CEN (H=512)"][0], "cen-c": float(cen["c"]), "cen-all": int(cen["all"]),
            "cen64-H": note.CEN_BEST_H["sine"], "cen-H": CEN_NOTE.config.H,
            "cen64-a": int(T.loc[(CEN_64.label, "regression"), "a"]), "hca3": h.h_ca3, **cen_circles_facts(),
            **repaired_facts()}


def repaired_facts() -> dict:
    """The repaired HSN (the one that trains) beside the literal one this page counts: they differ
    only in the DG mask, so only the nonzero-able count (b) and the sparse kernels' cost move."""
    from ...experiments import HSN_REPAIRED

    lit, rep = (totals(s, D_CLS, 1) for s in (HSN_LITERAL, HSN_REPAIRED))
    same = all(lit[k] == rep[k] for k in ("learned_size", "fixed", "macs_dense"))
    return {"rep-b": rep["learned_nnz"], "rep-macs-sparse": rep["macs_sparse"],
            "rep-red-b": dense_params(D_CLS, 1) / rep["learned_nnz"],
            "rep-same-words": ("the learned tensors' sizes (a), the fixed graph (c) and the dense kernels' cost "
                               "are the same for both" if same else
                               "the other conventions differ too (see the components' download)")}


def cen_circles_facts() -> dict:
    """The note credits the CEN's circles score to 513 learned parameters (8.6x fewer), but its own
    table reports that score at another width: the learned count there, and the factor it gives."""
    H = note.CEN_BEST_H["circles"]
    learned = totals(ModelSpec.make(f"CEN (H={H})", "cen", H=H), D_CLS, 1, n_draws=1)["learned_size"]
    dense = dense_params(D_CLS, 1)
    return {"cen-circles-H": H, "cen-circles-a": int(learned), "cen-circles-factor": dense / learned,
            "cen-circles-score": note.TABLE_2_1["circles"]["CEN"], "cen-reduction-rep": note.CEN_REDUCTION}


def table33_facts(t33: pd.DataFrame, hsn: pd.DataFrame, bridge: dict) -> dict:
    """Table 3.3: the column that does not add up, the input stage and the bridge."""
    R = t33.set_index("component")
    h = HSN_LITERAL.config

    def cell(row, col):
        return float(R.loc[row, col])
    return {"33-sum": int(cell("Column sum", "hsn_reported")), "33-total": int(cell("Total (as printed)", "hsn_reported")),
            "33-gap": int(cell("Total (as printed)", "hsn_reported") - cell("Column sum", "hsn_reported")),
            "33-cells": " + ".join(str(int(R.loc[r, "hsn_reported"]))
                                   for r in ("Input->hidden", "Hidden->hidden", "Hidden->output")),
            "33-dense-sum": int(cell("Column sum", "dense_reported")),
            "33-sum-save-of": cell("Column sum", "saving_of_reported"),
            "33-in-save-rep": cell("Input->hidden", "saving_reported"),
            "33-in-save-a": cell("Input->hidden", "saving_a"), "33-in-save-b": cell("Input->hidden", "saving_b"),
            "33-hid-save-rep": cell("Hidden->hidden", "saving_reported"),
            "33-hid-save-a": cell("Hidden->hidden", "saving_a"),
            "dg-nnz-rep": int(note.TABLE_3_3["Input->hidden"]["hsn"]), "dg-nnz-exp": h.dg_density * D_CLS * h.h_dg,
            "dg-nnz-meas": float(hsn.loc["W_dg", "nnz"]), "dg-size": int(hsn.loc["W_dg", "size"]),
            "dg-density": 100 * h.dg_density, "g-nnz-text": note.GRAPH_NNZ_TEXT,
            "g-nnz-table": note.GRAPH_NNZ_TABLE, "g-k": h.h_ca3.bit_length() - 1, "hdg": h.h_dg,
            "bridge-rep": bridge["reported"], "bridge-code": bridge["code"], "bridge-diff": bridge["difference"],
            "bridge-combos": "; ".join(bridge["combos"]), "bridge-n-words": count(len(bridge["combos"]), "way")}


def reduction_facts(red: pd.DataFrame) -> dict:
    """The note's reduction factors (4.9x, 8.6x) under each convention."""
    Q = red.set_index("model")
    out = {}
    for key, label in (("hsn", HSN_LITERAL.label), ("cen", CEN_NOTE.label)):
        for col in READ[key]:
            out[f"red-{key}-{col.replace('_', '-')}"] = float(Q.loc[label, col])
    return out


#: The reduction factors the page quotes (the table has them all).
READ = {"hsn": ("reported", "note_counts", "a", "b", "macs_dense", "macs_sparse"),
        "cen": ("reported", "note_counts", "a", "stored_nonzero")}


def macs_facts(macs: pd.DataFrame, hsn: pd.DataFrame, n_draws: int) -> dict:
    """Multiply-accumulates per sample, and the HSN's cost against itself without graph steps."""
    M = macs.set_index("model")
    hsn_t0 = totals(ModelSpec.make("HSN (literal), T=0", "hsn", T=0), D_CLS, 1, n_draws)
    return {"macs-dense": int(M.loc[DENSE.label, "macs_dense"]),
            "macs-hsn-dense": int(M.loc[HSN_LITERAL.label, "macs_dense"]),
            "macs-g-dense": int(hsn.loc["G", "macs_dense"]),
            "macs-T": int(hsn.loc["G", "uses"]), "compute-rep": note.COMPUTE_FACTOR,
            # The note's 5x compares the HSN with itself without circulation: the same model with T = 0.
            "macs-t0-dense": hsn_t0["macs_dense"],
            "macs-t-ratio-dense": float(M.loc[HSN_LITERAL.label, "macs_dense"] / hsn_t0["macs_dense"]),
            "macs-t-ratio-sparse": float(M.loc[HSN_LITERAL.label, "macs_sparse"] / hsn_t0["macs_sparse"])}


def section5_facts(s5: dict) -> dict:
    """Section 5's MNIST numbers: which matrix 784 x 64 is, and the DG's nonzeros."""
    return {"s5-d": s5["d_in"], "s5-in-hid": s5["dense_input_hidden"], "s5-hid-hid": s5["dense_hidden_hidden"],
            "s5-dg-size": s5["dg_size"], "s5-dg-exp": s5["dg_nnz_expected"], "s5-dg-meas": s5["dg_nnz_measured"],
            "s5-dg-rep": s5["dg_nnz_reported"], "s5-dg-implied": 100 * s5["dg_density_implied"],
            "s5-rep": note.MNIST_DENSE_HIDDEN, "s5-dg-ratio": s5["dg_nnz_expected"] / s5["dg_nnz_reported"]}
