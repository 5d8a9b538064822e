"""What the audit trains, and the tables its verdicts read.

Every model comes from the shared sweep cache through :func:`scaffold.experiments.run`:
the note's benchmark, the controls (dense MLPs of each learned budget, the HSN
with its graph, T or repairs changed, the CEN with hidden biases and a dense
expander), the multiverse (:mod:`scaffold.multiverse`: every reading of the
note) and the CA3 traces (a grid with ``trace_T``: the trace is computed right
after training and cached with the job, :mod:`scaffold.trace`).

Verdicts read held-out *test* scores: the learning rate of every (task, model,
seed) is chosen on validation (:meth:`scaffold.sweep.SweepResult.selected`).
Comparisons are paired by seed (a seed fixes the data draw and the
initialisation, so two models on one seed saw the same points).
"""

from __future__ import annotations

import pandas as pd

from ... import frontier
from ... import experiments as ex
from ... import multiverse as MV
from ...data import NOTE_TASKS
from ...readings import NAMED, hsn_spec

FRONTIER = "frontier "  # the names of the frontier's grids start with this
#: How far the CA3 trace runs past the note's T = 5, and on which task.
T_MAX = 30
DYNAMICS_TASK = "moons"


def dynamics_specs() -> dict:
    """The HSNs whose CA3 state is traced: both named points, input once and at every step."""
    out = {}
    for name, r in NAMED.items():
        for drive in ("once", "every"):
            out[(name, drive)] = hsn_spec(r.replace(input=drive))
    return out


def grids(cfg) -> dict:
    """Every sweep the audit trains (``make sweeps`` trains their union with the other chapters')."""
    hsn = [s for s in dict.fromkeys([*ex.hsn_controls().values(), *ex.driven_controls().values()])
           if s != ex.HSN_REPAIRED]
    out = {"core": ex.core_grid(cfg),
           "dense controls": ex.grid(cfg, list(ex.param_matched_dense().values())),
           "HSN controls": ex.grid(cfg, hsn),
           "CEN controls": ex.grid(cfg, list(ex.cen_controls().values())),
           "CA3 traces": ex.grid(cfg, list(dynamics_specs().values()), tasks=(DYNAMICS_TASK,),
                                 trace_T=T_MAX)}
    out.update(MV.grids(cfg))
    out.update(frontier.frontier_grids(cfg))
    return out


def scores(*sweeps) -> pd.DataFrame:
    """Selected (validation-chosen lr) rows of several SweepResults, one per (task, model, seed)."""
    sel = pd.concat([s.selected() for s in sweeps], ignore_index=True)
    sel = sel.drop_duplicates(["task", "model", "seed"]).reset_index(drop=True)
    return sel[["task", "model", "family", "seed", "lr", "val_metric", "test_metric", "diverged"]]


def traces(res, sel: pd.DataFrame) -> pd.DataFrame:
    """The CA3 traces of the selected learning rate of each (model, seed), with reading names."""
    tr = res.traces.merge(sel[["task", "model", "seed", "lr"]], on=["task", "model", "seed", "lr"])
    names = {s.label: (name, drive) for (name, drive), s in dynamics_specs().items()}
    tr["point"] = tr["model"].map(lambda m: names[m][0])
    tr["input"] = tr["model"].map(lambda m: names[m][1])
    return tr.reset_index(drop=True)


def evidence(cfg) -> dict:
    """Every result the audit reads, for a RunConfig ``cfg``; writes ``audit_scores.csv``,
    ``multiverse.csv``, ``frontier.csv``, ``readings.csv`` and ``task_readings.csv``.

    Returns ``sweeps`` (name -> SweepResult of the audit's own grids), ``scores``
    (their selected test scores, default task readings), ``long`` (the multiverse's
    long table, all three phases), ``readings`` / ``task_readings`` (flags and posterior)
    and ``dynamics`` (CA3 traces of the selected runs).
    """
    every = grids(cfg)
    own = {name: g for name, g in every.items() if not name.startswith((*MV.PREFIXES, FRONTIER))}
    sweeps = {name: ex.run(cfg, g, desc=name) for name, g in own.items()}
    sel = scores(*sweeps.values())
    sel = sel[sel.task.isin(NOTE_TASKS)]
    # The controls' runs the ledger reads, one row per run: with multiverse.csv, every run the
    # audit page counts ("judged on N trained runs").
    sel.to_csv(cfg.results_dir / "audit_scores.csv", index=False)
    long = MV.evidence_long(cfg, ex.run)
    long.to_csv(cfg.results_dir / "multiverse.csv", index=False)
    dense = frontier.frontier_long({name: ex.run(cfg, g, desc=name) for name, g in every.items()
                                    if name.startswith(FRONTIER)}, cfg)
    front = frontier.frontier_table(long[long["swnoise"].isin(["", MV.DEFAULT_NOISE])], dense)
    front.to_csv(cfg.results_dir / "frontier.csv", index=False)
    readings, task_post = MV.readings_tables(long)
    readings.to_csv(cfg.results_dir / "readings.csv", index=False)
    task_post.to_csv(cfg.results_dir / "task_readings.csv", index=False)
    dyn = traces(sweeps["CA3 traces"], sel)
    return {"sweeps": sweeps, "scores": sel, "long": long, "readings": readings,
            "task_readings": task_post, "dynamics": dyn, "frontier": front}
