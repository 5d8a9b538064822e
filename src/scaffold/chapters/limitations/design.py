"""The limitations page's experiments: which models, tasks and input dimensions, and their sweeps.

Every HSN here is the repaired reading (:data:`HSN`).  Its dense comparisons are
matched to its learned count by the library's one builder
(:func:`scaffold.params.matched_dense`), under both counting conventions; each
matched MLP is labelled by its width, and its *role* on this page ("Dense,
HSN-matched (nonzeros)") is a column of the results, so a line in a figure
follows the role across input dimensions while the label names the model.
"""

from __future__ import annotations

import pandas as pd

from ...experiments import CEN_NOTE, DENSE, HSN_REPAIRED, grid, hsn_controls, repaired_variant, run, task_shape
from ...params import learned_counts, matched_dense

#: The page's one HSN.
HSN = HSN_REPAIRED
#: Timing rounds (timing is cheap: the same in both profiles).
TIMING_ROUNDS = 25
#: The harder tasks of the fourth question.
HARDER_TASKS = ("two_spirals", "digits")
#: Counting convention -> the role of the dense MLP matched to the HSN under it.
MATCHED = {"learned_nnz": "Dense, HSN-matched (nonzeros)", "learned_size": "Dense, HSN-matched (sizes)"}
#: Draws of the random masks when counting the HSN's nonzeros for matching.
MATCH_DRAWS = 10


def latency_models(Ts=tuple(range(0, 11))) -> dict:
    """label -> (spec, T or None): the dense MLP, the repaired HSN at each T, the CEN (H=512)."""
    out = {DENSE.label: (DENSE, None)}
    for T in Ts:
        out[f"HSN T={T}"] = (repaired_variant(f"HSN T={T}", T=T), T)
    out[CEN_NOTE.label] = (CEN_NOTE, None)
    return out


def dimensions(cfg) -> tuple:
    """Input dimensions of the second question (784: MNIST's 28 x 28 pixels, the note's example)."""
    return (2, 32, 784) if cfg.quick else (2, 8, 32, 128, 784)


def graph_tasks(cfg) -> tuple:
    """Tasks of the third question; circles is left out: every HSN variant is within a few
    thousandths of its ceiling there."""
    return ("moons", "sine") if cfg.quick else ("swiss_roll", "moons", "sine")


def matched(d_in: int, n_out: int) -> dict:
    """role -> the dense MLP matched to the HSN's learned count at this input and output size."""
    return {role: matched_dense(HSN, d_in, n_out, conv, MATCH_DRAWS) for conv, role in MATCHED.items()}


def comparison_models(d_in: int, n_out: int) -> tuple:
    """The dense MLP, the HSN, the dense MLPs matched to the HSN (each model once), the CEN."""
    specs = (DENSE, HSN, *matched(d_in, n_out).values(), CEN_NOTE)
    return tuple({s.label: s for s in specs}.values())


def roles(d_in: int, n_out: int) -> pd.DataFrame:
    """[model, role] of the comparison models at one shape (a model may hold two roles)."""
    rows = [(s.label, s.label) for s in (DENSE, HSN, CEN_NOTE)]
    rows += [(s.label, role) for role, s in matched(d_in, n_out).items()]
    return pd.DataFrame(rows, columns=["model", "role"])


def graph_models() -> dict:
    """The HSN with fixed, initiator-learned and fully learned graphs, and wider CA3."""
    return {
        "fixed": HSN,
        "initiator": repaired_variant("HSN learned initiator (repaired)", graph_mode="initiator"),
        "learned": hsn_controls()["learned G"],
        "h_ca3=64": repaired_variant("HSN h_ca3=64 (repaired)", h_ca3=64),
        "h_ca3=256": repaired_variant("HSN h_ca3=256 (repaired)", h_ca3=256),
    }


def harder_extras() -> tuple:
    """Besides the comparison models, on the harder tasks: a wider CA3 and no recurrence (T = 0)."""
    return graph_models()["h_ca3=64"], hsn_controls()["T=0"]


def task_specs(task: str) -> tuple:
    """The comparison models matched at ``task``'s input and output size, and the extras."""
    return (*comparison_models(*task_shape(task)), *harder_extras())


def dimension_grids(cfg, dims, task: str = "moons") -> dict:
    """d -> the grid of the comparison models on ``task`` embedded in d dimensions.

    ``d`` equal to the task's own dimension is run without embedding, so it
    shares the core sweep's cache.
    """
    native, n_out = task_shape(task)
    return {d: grid(cfg, comparison_models(d, n_out), (task,), embed_dim=None if d == native else d)
            for d in dims}


def grids(cfg) -> dict:
    """Every sweep this page trains: input dimension, graphs, harder tasks."""
    out = {f"moons d={d}": g for d, g in dimension_grids(cfg, dimensions(cfg)).items()}
    out["graphs"] = grid(cfg, tuple(graph_models().values()), graph_tasks(cfg))
    for task in HARDER_TASKS:
        out[task] = grid(cfg, task_specs(task), (task,))
    return out


def dimension_params(dims, n_out: int = 1) -> pd.DataFrame:
    """Learned (sizes and nonzeros) and fixed counts of each comparison model and role at each d."""
    return pd.concat([learned_counts(comparison_models(d, n_out), d, n_out, MATCH_DRAWS)
                      .merge(roles(d, n_out), on="model").assign(embed_dim=d) for d in dims],
                     ignore_index=True)


def dimension_sweep(cfg, dims, task: str = "moons") -> pd.DataFrame:
    """The comparison models trained on ``task`` embedded in each d: the validation-selected
    members (one row per model, d and seed), with each model's role."""
    n_out = task_shape(task)[1]
    out = [run(cfg, g, desc=f"{task} d={d}").selected().assign(embed_dim=d)
           for d, g in dimension_grids(cfg, dims, task).items()]
    return with_roles(pd.concat(out, ignore_index=True), {d: roles(d, n_out) for d in dims}, "embed_dim")


def task_sweep(cfg, tasks=HARDER_TASKS) -> tuple:
    """The comparison models (matched at each task's shape) and the extras, trained on each task.

    Returns (validation-selected members, learned counts), both with each model's role.
    """
    sel, counts = [], []
    for task in tasks:
        specs = task_specs(task)
        sel.append(run(cfg, grid(cfg, specs, (task,)), desc=task).selected())
        counts.append(learned_counts(specs, *task_shape(task), MATCH_DRAWS).assign(task=task))
    by_task = {t: task_roles(t) for t in tasks}
    return (with_roles(pd.concat(sel, ignore_index=True), by_task, "task"),
            with_roles(pd.concat(counts, ignore_index=True), by_task, "task"))


def task_roles(task: str) -> pd.DataFrame:
    """[model, role] of every model of ``task``'s sweep (the extras are their own role)."""
    extra = pd.DataFrame([(s.label, s.label) for s in harder_extras()], columns=["model", "role"])
    return pd.concat([roles(*task_shape(task)), extra], ignore_index=True)


def with_roles(rows: pd.DataFrame, by_key: dict, key: str) -> pd.DataFrame:
    """``rows`` with a ``role`` column, read per value of ``key`` from ``by_key[value]``."""
    parts = [g.merge(by_key[k], on="model", how="left") for k, g in rows.groupby(key, sort=False)]
    out = pd.concat(parts, ignore_index=True)
    out["role"] = out["role"].fillna(out["model"])
    return out
