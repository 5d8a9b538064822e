"""The multiverse: every reading of the note trained on every task reading, in three phases.

A verdict that holds under one reading of the note may fail under another
(Steegen et al. 2016); the honest report is the whole set.  This module turns
the axes of :mod:`scaffold.readings` into sweep grids and the sweeps' results
into one long table (``results/multiverse.csv``): one row per reading x task x
model x seed, with the learning rate chosen on validation like everywhere else
(:func:`scaffold.sweep.select_lr`) and the validation and test metric of that
choice.

The design trains what can answer a question, not every crossing:

- **Phase 1** (no results needed): the HSN under the factorial of four axes (DG
  mask drawn or one input per unit; G raw or rescaled to radius 0.9 or 1; input
  once or every step; tanh or ReLU), with G fixed, on every task reading at the
  default swiss-roll noise, beside the dense MLP, a dense MLP of the HSN's learned
  budget and the CEN at H = 512 and the note's best widths.
- **Phase 2** (reads phase 1 from the cache): a reading whose HSN is degenerate
  (it does not train at all) adds nothing to a control, so the T = 0 and
  random-graph controls are trained only under readings that train; the new
  levels (the DG mask at the start only or not at all, G learned from its
  Kronecker start) are crossed only with the (G scale, input, activation)
  combinations that train under some DG mask, on the task readings the note
  reports values for; and the harder swiss roll (noise 1, the half-roll label)
  carries the models without HSN axes, every phase-1 reading that trains and its
  controls.
- **Phase 3** (reads phases 1 and 2): only now is it known which readings are
  consistent with the note's numbers, and most of them use phase 2's new levels,
  which have no controls yet.  Each consistent reading is trained, with its T = 0
  and random-graph controls, wherever the earlier phases trained a classification
  task (both swiss-roll labels and noise levels, circles, moons) and it or its
  controls are missing, so that the loop and graph claims are judged over every
  consistent reading.  Phase 3 cannot change which readings are consistent: that
  is decided by phases 1 and 2 alone.

``make sweeps`` plans to a fixpoint (each phase appears once the one before is cached);
a chapter that runs on its own trains the phases in turn (:func:`evidence_long`).
The quick profile, a smoke run, keeps phase 1 to tanh with G raw or at 0.9 and
trains phase 2's new levels only at one DG level.  (The three bullets above are the
audit page's text: no Sphinx roles in them.  "Degenerate" is
:mod:`scaffold.degenerate`'s rule.)
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import pandas as pd

from . import consistency, degenerate, note
from .data import TASKS, make_dataset, metric_of
from .models import DENSE, ModelSpec
from .params import matched_dense
from .readings import (AXIS, HSN_AXES, LITERAL, NAMED, TASK_AXES, Reading, factorial, hsn_spec,
                       relevant, task_readings)
from .sweep import Grid, SweepResult

CEN_WIDTHS = tuple(sorted({512, *note.CEN_BEST_H.values()}))
BUDGET = "Dense (HSN budget)"
HSN_KEYS = tuple(a.key for a in HSN_AXES)
TASK_KEYS = tuple(a.key for a in TASK_AXES)
#: Phase 1: the DG levels and G mode crossed with everything; the rest come in phase 2.
PHASE1 = {"dg": ("drawn", "min1"), "learnG": ("fixed",)}
#: The axes whose combination "trains or not" decides what phase 2 crosses the new levels with.
CORE = ("G", "input", "act")
#: The swiss-roll noise of phase 1 (the library default); other levels are phase 2.
DEFAULT_NOISE = AXIS["swnoise"].literal
CONTROLS = ("HSN T=0", "HSN random graph")
#: Library tasks that carry no reported value of the note (the two-spirals label): phase 2's new
#: levels and the harder roll are not trained there (they answer what the note ran, which its
#: reported values decide; the note's numbers rule the two-spirals label out).
NEW_LEVELS_SKIP = ("two_spirals",)
PHASE_PREFIX = {1: "multiverse ", 2: "multiverse+ ", 3: "multiverse++ "}
PREFIXES = tuple(PHASE_PREFIX.values())  # the names of every multiverse grid start with one of these


def hsn_readings(profile: str) -> list[Reading]:
    """Phase 1's HSN readings: the factorial of the first axes, or the quick profile's reduced one."""
    every = factorial(HSN_AXES, fixed={"learnG": "fixed"})
    every = [r for r in every if r["dg"] in PHASE1["dg"]]
    if profile == "full":
        return every
    return [r for r in every if r["act"] == "tanh" and r["G"] in ("raw", "r0.9")]


def new_levels(profile: str, cores) -> list[Reading]:
    """Phase 2's HSN readings: the new DG levels and learned G, on the cores that train."""
    out = []
    dgs = ("init", "dense") if profile == "full" else ("init",)
    for core in cores:
        base = LITERAL.only(HSN_KEYS).replace(**dict(zip(CORE, core)))
        out += [base.replace(dg=d) for d in dgs]
        out += [base.replace(dg=d, learnG="learned") for d in (PHASE1["dg"] if profile == "full" else ("min1",))]
    return out


@lru_cache(maxsize=None)
def _d_in(task: str) -> int:
    return make_dataset(task, 0, n_train=4, n_val=2, n_test=2).d_in


@lru_cache(maxsize=None)
def budget_dense(task: str) -> ModelSpec:
    """A two-layer dense MLP whose learned count (tensor sizes) is the literal HSN's on ``task``.

    The HSN's learned tensors have the same sizes under every reading with G fixed
    (masks fix entries to zero but do not change tensor sizes), so one budget serves all.
    """
    return matched_dense(hsn_spec(LITERAL), _d_in(task), TASKS[task][1], "learned_size")


@dataclass(frozen=True)
class Entry:
    """One trained model: its spec, its role in the claims and its HSN reading (if any)."""

    spec: ModelSpec
    model: str
    reading: Reading | None = None


def fixed_entries(task: str) -> list[Entry]:
    """The models without HSN axes: the dense MLP, the budget-matched dense MLP, the CENs."""
    out = [Entry(DENSE, DENSE.label), Entry(budget_dense(task), BUDGET)]
    return out + [Entry(ModelSpec.make(f"CEN (H={h})", "cen", H=h), f"CEN (H={h})") for h in CEN_WIDTHS]


def hsn_entries(readings, variants=("HSN",)) -> list[Entry]:
    """Entries of ``variants`` under ``readings``, each spec once (a control ignores some axes)."""
    out, seen = [], set()
    for variant in variants:
        for r in readings:
            spec = hsn_spec(r, variant)
            if spec.label not in seen:
                seen.add(spec.label)
                out.append(Entry(spec, variant, r.only(relevant(variant))))
    return out


def entries(profile: str, task: str, trained: pd.DataFrame | None = None, phase: int = 1,
            noise: str = DEFAULT_NOISE) -> list[Entry]:
    """Every model of ``phase`` on (library) ``task`` at swiss-roll noise ``noise``.

    ``trained`` (phase 2 only) is :func:`reading_table` of phase 1: which readings train.
    """
    if phase == 1:
        return hsn_entries(hsn_readings(profile)) + fixed_entries(task) if noise == DEFAULT_NOISE else []
    ok = [r for r in hsn_readings(profile) if trained is not None and _trains(trained, r)]
    cores = list(dict.fromkeys(tuple(r[k] for k in CORE) for r in ok))
    extra = hsn_entries(new_levels(profile, cores))
    controls = hsn_entries(_controls(profile, ok), CONTROLS)
    if noise != DEFAULT_NOISE:  # the harder swiss roll: every phase-1 model that trains, and its controls
        return [] if task in NEW_LEVELS_SKIP else fixed_entries(task) + hsn_entries(ok) + controls
    if task in NEW_LEVELS_SKIP:  # a task no reported value of the note is on: no new levels there
        return controls
    return extra + controls


def phase3_entries(task: str, consistent: list[Reading], before: set) -> list[Entry]:
    """Phase 3 on (library) ``task`` at one noise level: each consistent reading and its
    controls, less the labels ``before`` (what phases 1 and 2 train there); nothing on a
    regression task (the structural claims are judged on accuracy)."""
    if metric_of(task) != "accuracy":
        return []
    return [e for e in hsn_entries(consistent, ("HSN", *CONTROLS)) if e.spec.label not in before]


def _controls(profile: str, ok: list[Reading]) -> list[Reading]:
    if profile == "full":
        return ok
    named = [r.only(HSN_KEYS).replace(input=i) for r in NAMED.values() for i in ("once", "every")]
    return [r for r in named if r in ok]


def _trains(trained: pd.DataFrame, r: Reading) -> bool:
    row = trained[trained["reading"] == r.label]
    return bool(len(row)) and not bool(row["degenerate"].iloc[0])


def grid_name(prefix: str, lib: str, levels: dict) -> str:
    """A task reading's grid name: ``prefix`` (ending in a space), the library task, its levels."""
    return prefix + " ".join([lib, *(f"{k}={v}" for k, v in levels.items())])


def run_rows(sel: pd.DataFrame, task: str, levels: dict, opts: tuple) -> pd.DataFrame:
    """The columns every long-table row shares, for the selected runs ``sel`` of one task reading:
    note task, library task, task-axis levels, seed, lr, validation and test metric, diverged,
    and the targets' variance (the MSE margin's scale; NaN for accuracy)."""
    lib = sel["task"].iloc[0]
    out = pd.DataFrame({"task": task, "data_task": lib}, index=range(len(sel)))
    for k in TASK_KEYS:
        out[k] = levels.get(k, "")
    for col, kind in (("seed", int), ("lr", float), ("val_metric", float), ("test_metric", float),
                      ("diverged", bool)):
        out[col] = sel[col].astype(kind).to_numpy()
    reg = metric_of(lib) == "mse"
    out["target_var"] = [degenerate.constant_score(lib, int(s), opts)[1] if reg else float("nan")
                         for s in out["seed"]]
    return out


def _task_reading_grids(cfg, phase: int, trained=None, consistent=()) -> dict[str, tuple]:
    out = {}
    for task, lib, opts, levels in task_readings():
        noise = levels.get("swnoise", DEFAULT_NOISE)
        if phase == 1 and noise != DEFAULT_NOISE:
            continue
        if phase == 3:
            # on the task readings the earlier phases train (the harder two-spirals label has none)
            before = {e.spec.label for ph in (1, 2) for e in entries(cfg.profile, lib, trained, ph, noise)}
            specs = tuple(e.spec for e in phase3_entries(lib, list(consistent), before)) if before else ()
        else:
            specs = tuple(e.spec for e in entries(cfg.profile, lib, trained, phase, noise))
        if not specs:
            continue
        name = grid_name(PHASE_PREFIX[phase], lib, levels)
        out[name] = (Grid(tasks=(lib,), specs=specs, seeds=tuple(cfg.seeds), epochs_scale=cfg.epochs_scale,
                          data_options=tuple(sorted(opts.items()))), task, levels)
    return out


def phase1_grids(cfg) -> dict[str, Grid]:
    """Phase 1's sweeps: one grid per task reading at the default swiss-roll noise."""
    return {name: g for name, (g, _, _) in _task_reading_grids(cfg, 1).items()}


def phase2_grids(cfg, phase1: dict[str, SweepResult]) -> dict[str, Grid]:
    """Phase 2's sweeps, from phase 1's results (which readings train)."""
    trained = reading_table(long_table(phase1, cfg))
    return {name: g for name, (g, _, _) in _task_reading_grids(cfg, 2, trained).items()}


def phase3_grids(cfg, earlier: dict[str, SweepResult]) -> dict[str, Grid]:
    """Phase 3's sweeps, from the results of phases 1 and 2 (which readings are consistent)."""
    long = long_table(earlier, cfg)
    rd, _ = readings_tables(long)
    consistent = [Reading.of(**{k: row[k] for k in HSN_KEYS}) for _, row in rd[rd["consistent"]].iterrows()]
    grids = _task_reading_grids(cfg, 3, rd, consistent)  # rd holds which readings train, as phase 2 reads it
    return {name: g for name, (g, _, _) in grids.items()}


def grids(cfg, phase1: dict[str, SweepResult] | None = None) -> dict[str, Grid]:
    """The multiverse sweeps for a RunConfig ``cfg``: each phase once the one before it is known.

    ``phase1`` (grid name -> SweepResult) is read from the cache when not given, and
    so is phase 2; while any of a phase is missing the phases after it are not
    returned (``make sweeps`` asks again once it has trained it).
    """
    one = phase1_grids(cfg)
    if phase1 is None:
        phase1 = cached(cfg, one)
    if phase1 is None:
        return one
    two = phase2_grids(cfg, phase1)
    phase2 = cached(cfg, two)
    if phase2 is None:
        return {**one, **two}
    return {**one, **two, **phase3_grids(cfg, {**phase1, **phase2})}


def cached(cfg, gs: dict[str, Grid]) -> dict[str, SweepResult] | None:
    """Every grid of ``gs`` read from the sweep cache, or None if any job is missing."""
    from .sweep import cached_sweep

    out = {}
    for name, g in gs.items():
        res = cached_sweep(g, cfg.device)
        if res is None:
            return None
        out[name] = res
    return out


def evidence_long(cfg, run) -> pd.DataFrame:
    """Train (or load) phases 1, 2 and 3 in turn with ``run(cfg, grid, desc)``; the whole long table."""
    one = {name: run(cfg, g, desc=name) for name, g in phase1_grids(cfg).items()}
    two = {name: run(cfg, g, desc=name) for name, g in phase2_grids(cfg, one).items()}
    three = {name: run(cfg, g, desc=name) for name, g in phase3_grids(cfg, {**one, **two}).items()}
    return long_table({**one, **two, **three}, cfg)


def long_table(results: dict[str, SweepResult], cfg) -> pd.DataFrame:
    """``results`` (grid name -> SweepResult of :func:`grids`) as the multiverse's long table."""
    levels_of = {grid_name(prefix, lib, levels): (task, levels, tuple(sorted(opts.items())))
                 for task, lib, opts, levels in task_readings() for prefix in PREFIXES}
    labels = label_fields(cfg.profile)
    parts = []
    for name, res in results.items():
        sel = res.selected()
        if sel.empty:
            continue
        task, task_levels, opts = levels_of[name]
        rows = run_rows(sel, task, task_levels, opts)
        by_label = pd.DataFrame([labels[m] for m in sel["model"]])
        part = pd.concat([rows[["task", "data_task"]], by_label, rows[list(TASK_KEYS)]], axis=1)
        part["phase"] = phase_of(name)
        part = pd.concat([part, rows.drop(columns=["task", "data_task", *TASK_KEYS, "target_var"])], axis=1)
        part["degenerate"] = degenerate.flag_runs(part, lambda r, o=opts: o).to_numpy()
        part["target_var"] = rows["target_var"].to_numpy()
        parts.append(part)
    out = pd.concat(parts, ignore_index=True)
    out["metric"] = [metric_of(t) for t in out["task"]]
    return out


@lru_cache(maxsize=None)
def label_fields(profile: str) -> dict:
    """label -> the row fields of its model (role, reading, levels), for every model this profile can train."""
    every = factorial(HSN_AXES)
    if profile != "full":
        every = [r for r in every if r["act"] == "tanh" and r["G"] in ("raw", "r0.9")]
    out = {}
    for e in [*hsn_entries(every, ("HSN", *CONTROLS)), *fixed_entries("moons"), *fixed_entries("sine"),
              *fixed_entries("swiss_roll")]:
        levels = dict(e.reading.levels) if e.reading is not None else {}
        out[e.spec.label] = {"model": e.model, "label": e.spec.label,
                             "reading": e.reading.label if e.reading is not None else "",
                             **{k: levels.get(k, "") for k in HSN_KEYS}}
    return out


def phase_of(name: str) -> int:
    """The phase of a multiverse grid, from its name."""
    return next(p for p, prefix in sorted(PHASE_PREFIX.items(), reverse=True) if name.startswith(prefix))


def reading_table(long: pd.DataFrame) -> pd.DataFrame:
    """One row per HSN reading: its levels and the degenerate criterion over its runs."""
    hsn = long[long["model"] == "HSN"]
    g = degenerate.by_reading(hsn, ["reading", *HSN_KEYS])
    return g


def readings_tables(long: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(HSN readings, task readings): degenerate flags and the note's posterior over them.

    One row per HSN reading: its levels, the share of its runs that are degenerate,
    the flag, the log likelihood of the note's numbers, the posterior, and the
    consistent and ruled-out flags (:mod:`scaffold.consistency`).  Read from phases
    1 and 2 only: phase 3, planned from these flags, must not move them.
    """
    long = long[long["phase"] < 3] if "phase" in long else long
    rt = reading_table(long)
    deg = rt.set_index("reading")["degenerate"]
    lik = consistency.task_likelihoods(consistency.seed_differences(long, HSN_KEYS), HSN_KEYS)
    post, task_post = consistency.posterior(lik, deg)
    out = rt.merge(post, on="reading", how="left")
    out["posterior"] = out["posterior"].fillna(0.0)
    out["consistent"] = out["consistent"].fillna(False).astype(bool) & ~out["degenerate"]
    out["ruled_out"] = out["ruled_out"].fillna(False).astype(bool)
    return out.sort_values("posterior", ascending=False).reset_index(drop=True), task_post
