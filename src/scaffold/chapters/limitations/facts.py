"""The limitations page's facts: what its prose states, one function per question.

Every verdict is the rulebook's (:mod:`.compare` calls :mod:`scaffold.verdicts`); the
sentences here only put its outcomes into words.
"""

from __future__ import annotations

import pandas as pd

from ... import fmt, params, verdicts
from ...data import make_dataset, task_title
from ...experiments import DENSE
from ...latency import SPARSE_BATCH, crossover
from ...params import totals
from ...runtime import provenance
from ...runtime.tables import number
from .design import HARDER_TASKS, HSN, MATCHED, TIMING_ROUNDS, dimensions, graph_models, graph_tasks, harder_extras

#: Where each figure and table of the page is drawn from (results files).
DATA = {"latency": ["limits_latency.csv"], "sparse": ["limits_sparse.csv"],
        "dimension": ["limits_dimension.csv", "limits_dimension_params.csv"],
        "graphs": ["limits_graphs.csv"], "tasks": ["limits_tasks.csv", "limits_tasks_params.csv"]}
#: The paired comparisons' table draws on both experiments (dimension and tasks).
DATA["matches"] = DATA["dimension"] + DATA["tasks"]


def facts(cfg, results: dict) -> dict:
    """Every fact the page quotes (published as ``lim-KEY``)."""
    rep = HSN.config
    f = {"n-seeds": cfg.n_seeds, "rep-radius": float(rep.spectral_radius), "hdg": int(rep.h_dg),
         "dg-pct": 100 * float(rep.dg_density), "dense-width": int(DENSE.config.widths[0]),
         "hsn-T": int(rep.T)}
    f.update(cost_facts(cfg, results["latency"], results["sparse"]))
    f.update(dimension_facts(cfg, results["dimension_params"], results["dimension_matches"]))
    f.update(graph_facts(cfg, results["graph_gains"], results["graphs"]))
    f.update(task_facts(cfg, results["tasks"], results["task_matches"]))
    out = cfg.results_dir
    f.update({f"data-{k}": provenance.data_links(*(out / n for n in names)) for k, names in DATA.items()})
    return f


# ----------------------------------------------------------------------------- compute


def macs(spec) -> dict:
    """Multiply-accumulates per sample of ``spec`` on the two-input tasks (dense and sparse kernels)."""
    return totals(spec, 2, 1)


def cost_facts(cfg, lat: pd.DataFrame, sp: pd.DataFrame) -> dict:
    """Arithmetic against measured time: the HSN, the dense MLP, the CEN; and the sparse graph step."""
    hsn, dense = macs(HSN), macs(DENSE)
    ratio = lat[lat.family == "hsn"].set_index(["batch", "T"])["ratio"]
    small, large = int(lat.batch.min()), int(lat.batch.max())
    T = int(HSN.config.T)
    hsn_rows = lat[lat.family == "hsn"]
    above = bool((hsn_rows["ratio"] > hsn_rows["macs_dense"] / dense["macs_dense"]).all())
    f = {"device": str(cfg.device), "rounds": TIMING_ROUNDS, "clock": lat["clock"].iloc[0],
         "b-small": small, "b-large": large, "macs-ratio": hsn["macs_dense"] / dense["macs_dense"],
         "lat-note-small": float(ratio[(small, T)]), "lat-note-large": float(ratio[(large, T)]),
         "first-slower": first_slower(ratio, small, large),
         "lat-vs-macs": "above" if above else "not everywhere above"}
    f.update(sparse_facts(sp))
    return f


def first_slower(ratio: pd.Series, small: int, large: int) -> str:
    """The first T at which the HSN is slower than the dense MLP, at each batch size, as a clause."""
    def when(b):
        ts = sorted(int(T) for (bb, T) in ratio.index if bb == b)
        slower = [T for T in ts if ratio[(b, T)] > 1.0]
        if not slower:
            return "at no T measured"
        return f"already at T = {slower[0]}, the fewest steps measured" if slower[0] == ts[0] else \
            f"first at T = {slower[0]}"
    a, b = when(small), when(large)
    if a == b:
        return f"the HSN is slower than the dense MLP {a}, at both batch sizes"
    return f"the HSN is slower than the dense MLP {a} at batch {small} and {b} at batch {large}"


def sparse_facts(sp: pd.DataFrame) -> dict:
    """The graph step at the note's CA3 size and where the sparse kernel starts to win."""
    at = sp.set_index("n")
    n_note, n_max = int(HSN.config.h_ca3), int(sp.n.max())
    cross = crossover(sp)
    return {"sp-batch": SPARSE_BATCH, "sp-nmin": int(sp.n.min()), "sp-nmax": n_max, "sp-note-n": n_note,
            "sp-note-density": 100 * float(at.loc[n_note, "density"]),
            "sp-note-speedup": float(at.loc[n_note, "speedup"]),
            "sp-crossover": (f"from {cross} units on" if cross else f"at no size up to {n_max} units")}


# ----------------------------------------------------------------------------- input dimension


def dimension_facts(cfg, counts: pd.DataFrame, matches: pd.DataFrame) -> dict:
    """How fast the DG layer grows with d, the learned-count ratios at the smallest and largest d,
    and the rulebook's verdicts on the HSN against the dense MLPs at the largest d."""
    dims = dimensions(cfg)
    lo, hi = min(dims), max(dims)
    rep = HSN.config
    per_role = counts.set_index(["embed_dim", "role"])
    f = {"dims": ", ".join(map(str, dims)), "d-lo": lo, "d-hi": hi,
         "dg-slope-ratio": DENSE.config.widths[0] / (rep.dg_density * rep.h_dg),
         "w-nnz-hi": int(per_role.loc[(hi, MATCHED["learned_nnz"]), "width"])}
    for d, key in ((lo, "lo"), (hi, "hi")):
        dense, hsn = per_role.loc[(d, DENSE.label)], per_role.loc[(d, HSN.label)]
        f[f"ratio-nnz-{key}"] = dense["learned_nnz"] / hsn["learned_nnz"]
        f[f"ratio-size-{key}"] = dense["learned_size"] / hsn["learned_size"]
    at_hi = matches[matches.embed_dim == hi].set_index("role")["verdict"]
    # as predicates ("holds", "is unsupported"): the page writes '"the HSN matches ..." <verdict>'
    f["match-dense-hi"] = verdicts.predicate(at_hi[DENSE.label])
    f["match-nnz-hi"] = verdicts.predicate(at_hi[MATCHED["learned_nnz"]])
    return f


# ----------------------------------------------------------------------------- graphs


def graph_facts(cfg, gains: pd.DataFrame, sel: pd.DataFrame) -> dict:
    """What the graph variants add in parameters, and how they fare against the fixed graph."""
    gm = graph_models()
    counts = params.learned_counts(gm.values(), 2, 1).set_index("model")
    cls = gains[gains.task != "sine"]
    best, worst = cls.loc[cls["gain"].idxmax()], cls.loc[cls["gain"].idxmin()]
    f = {"init-extra": int(counts.loc[gm["initiator"].label, "learned_size"]
                           - counts.loc[gm["fixed"].label, "learned_size"]),
         "graph-nnz": float(counts.loc[gm["fixed"].label, "fixed"]),
         "wide-units": int(gm["h_ca3=64"].config.h_ca3), "wider-units": int(gm["h_ca3=256"].config.h_ca3),
         "graph-tasks": ", ".join(task_title(t) for t in graph_tasks(cfg)),
         "graph-outcomes": outcomes_sentence(gains["outcome"]),
         "margin": float(verdicts.MARGIN_ACC),
         "graph-max-gain": float(best["gain"]), "graph-max-gain-at": f"{best['model']} on {task_title(best['task'])}",
         "graph-max-loss": float(worst["gain"]),
         "graph-max-loss-at": f"{worst['model']} on {task_title(worst['task'])}",
         "init-absmax": float(gains.loc[(gains.model == gm["initiator"].label) & (gains.task != "sine"),
                                        "gain"].abs().max())}
    f.update(sine_facts(gains, sel))
    return f


def outcomes_sentence(outcomes: pd.Series) -> str:
    """'2 beat it, none is worse beyond the margin, 9 are within the margin of it either way (...)
    and 1 is inconclusive (...)': the outcomes of :func:`.compare.graph_variants` counted, in the
    table's verdict words where they differ.  "No worse" (may still be better) is said only
    where it occurs."""
    k = outcomes.value_counts()

    def n(word):
        return int(k.get(word, 0))

    def verb(m, one, many):
        return f"{'none' if m == 0 else 'one' if m == 1 else m} {many if m > 1 else one}"
    parts = [verb(n("better"), "beats it", "beat it"), f"{verb(n('worse'), 'is', 'are')} worse beyond the margin",
             f"{verb(n('equivalent'), 'is', 'are')} within the margin of it either way (the table's "
             f"\u201c{verdicts.CONTRADICTED}\u201d: any gain is too small to matter)"]
    if n("no worse"):
        parts.append(f"{verb(n('no worse'), 'is', 'are')} no worse by more than the margin but may be better")
    parts.append(f"{verb(n('inconclusive'), 'is', 'are')} inconclusive (the table's \u201c{verdicts.UNSUPPORTED}\u201d)")
    return fmt.listed(parts)


def sine_facts(gains: pd.DataFrame, sel: pd.DataFrame) -> dict:
    """On sine, the fixed graph's MSE over seeds and how many variants have a lower mean."""
    fixed = graph_models()["fixed"].label
    sine = sel[sel.task == "sine"]
    if sine.empty:
        return {"sine-sentence": "Sine is not among this profile's tasks."}
    mse = sine[sine.model == fixed]["test_metric"]
    means = sine[sine.model != fixed].groupby("model")["test_metric"].mean()
    lower = means[means < mse.mean()]
    better = int((gains[(gains.task == "sine") & gains.model.isin(lower.index)]["outcome"] == "better").sum())
    span = (f" (from {number(lower.min())} to {number(lower.max())})" if len(lower) > 1
            else f" ({number(lower.iloc[0])})" if len(lower) else "")
    which = f"{len(lower)} of the {len(means)} variants {'has' if len(lower) == 1 else 'have'} a lower mean"
    beat = ("none of them beats the fixed graph" if better == 0 else
            f"{'it' if len(lower) == 1 else better} {'beats' if better == 1 else 'beat'} the fixed graph")
    return {"sine-sentence": (
        f"On sine the fixed graph's mean test MSE, {number(mse.mean())}, is pulled up by a few bad seeds "
        f"(median {number(mse.median())}, worst {number(mse.max())}): {which}{span}, and {beat} "
        f"by the rulebook, because the difference sits in those few seeds.")}


# ----------------------------------------------------------------------------- harder tasks


def task_facts(cfg, tasks: pd.DataFrame, matches: pd.DataFrame) -> dict:
    """The harder tasks' shapes, the digits' mean accuracies, and the rulebook's verdicts on the
    HSN against its budget and against itself without recurrence (T = 0)."""
    digits = make_dataset("digits", seed=cfg.seeds[0])
    by = matches.set_index(["task", "role"])["verdict"]
    t0 = harder_extras()[1].label
    mean = tasks[tasks.task == "digits"].groupby("role")["test_metric"].mean()
    f = {"digits-d": digits.d_in, "digits-o": digits.n_out, "digits-hsn": float(mean[HSN.label]),
         "digits-t0": float(mean[t0]), "digits-dense": float(mean[DENSE.label]),
         "digits-budget": float(mean[MATCHED["learned_nnz"]])}
    for task in HARDER_TASKS:
        f[f"budget-{task}"] = verdicts.predicate(by[(task, MATCHED["learned_nnz"])])  # "holds", "is ..."
        f[f"recurrence-{task}"] = verdicts.predicate(by[(task, t0)])
    return f
