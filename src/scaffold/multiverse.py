"""The multiverse: every reading of the note trained on every task reading.

A verdict that holds under one reading of the note may fail under another
(Steegen et al. 2016); the honest report is the whole set.  This module turns
the axes of :mod:`scaffold.readings` into sweep grids and the sweeps' results
into one long table (``results/multiverse.csv``): one row per reading x task x
model x seed, with the learning rate chosen on validation like everywhere else
(:func:`scaffold.sweep.select_lr`) and the validation and test metric of that
choice.

What is trained (full profile): the HSN under the full factorial of its axes;
the controls the headline claims need -- T = 0 and a random graph with the same
edges -- under every reading; the dense MLP, a dense MLP of the HSN's learned
budget and the CEN at H = 512 and the note's best-H widths, which have no HSN
axes.  Everything runs on every task reading (both Swiss-roll labels, sine with
and without target noise).  The quick profile, a smoke run, keeps three axes at
two levels (DG mask; G raw or radius 0.9; input once or every step) with tanh,
and trains the controls under the two named points, each with the input once and
at every step.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import pandas as pd

from . import note
from .data import TASKS, make_dataset
from .models import DENSE, ModelSpec
from .params import dense_width_for, totals
from .readings import (HSN_AXES, LITERAL, NAMED, TASK_AXES, Reading, factorial, hsn_spec,
                       relevant, task_readings)
from .sweep import Grid, SweepResult

CEN_WIDTHS = tuple(sorted({512, *note.CEN_BEST_H.values()}))
BUDGET = "Dense (HSN budget)"
HSN_KEYS = tuple(a.key for a in HSN_AXES)
TASK_KEYS = tuple(a.key for a in TASK_AXES)


def hsn_readings(profile: str) -> list[Reading]:
    """The HSN readings trained: the full factorial, or the quick profile's reduced one."""
    every = factorial(HSN_AXES)
    if profile == "full":
        return every
    return [r for r in every if r["act"] == "tanh" and r["G"] in ("raw", "r0.9")]


def control_readings(profile: str) -> list[Reading]:
    """Readings under which the T = 0 and random-graph controls are trained."""
    if profile == "full":
        return hsn_readings(profile)
    return [r.only(HSN_KEYS).replace(input=i) for r in NAMED.values() for i in ("once", "every")]


@lru_cache(maxsize=None)
def _d_in(task: str) -> int:
    return make_dataset(task, 0, n_train=4, n_val=2, n_test=2).d_in


@lru_cache(maxsize=None)
def budget_dense(task: str) -> ModelSpec:
    """A two-layer dense MLP whose learned count (tensor sizes) is the HSN's on ``task``.

    The HSN's learned tensors have the same sizes under every reading (masks fix
    entries to zero but do not change tensor sizes), so one budget serves all.
    """
    b = totals(hsn_spec(LITERAL), _d_in(task), TASKS[task][1])["learned_size"]
    w = dense_width_for(b, _d_in(task), TASKS[task][1])
    # The label follows scaffold.experiments.param_matched_dense, so the same MLP shares one cache entry.
    return ModelSpec.make(f"Dense w={w} (~HSN (a))", "dense", widths=(w, w))


@dataclass(frozen=True)
class Entry:
    """One trained model: its spec, its role in the claims and its HSN reading (if any)."""

    spec: ModelSpec
    model: str
    reading: Reading | None = None


def entries(profile: str, task: str) -> list[Entry]:
    """Every model trained on (library) ``task`` in ``profile``, each spec once."""
    out = [Entry(hsn_spec(r), "HSN", r) for r in hsn_readings(profile)]
    for variant in ("HSN T=0", "HSN random graph"):
        seen = dict.fromkeys(r.only(relevant(variant)) for r in control_readings(profile))
        out += [Entry(hsn_spec(r, variant), variant, r) for r in seen]
    out += [Entry(DENSE, DENSE.label), Entry(budget_dense(task), BUDGET)]
    out += [Entry(ModelSpec.make(f"CEN (H={h})", "cen", H=h), f"CEN (H={h})") for h in CEN_WIDTHS]
    return out


def grids(cfg) -> dict[str, Grid]:
    """The multiverse sweeps for a RunConfig ``cfg``: one grid per (library task, data options)."""
    out = {}
    for task, lib, opts, levels in task_readings():
        name = "multiverse " + " ".join([lib, *(f"{k}={v}" for k, v in levels.items())])
        out[name] = Grid(tasks=(lib,), specs=tuple(e.spec for e in entries(cfg.profile, lib)),
                         seeds=tuple(cfg.seeds), epochs_scale=cfg.epochs_scale,
                         data_options=tuple(sorted(opts.items())))
    return out


def long_table(results: dict[str, SweepResult], cfg) -> pd.DataFrame:
    """``results`` (grid name -> SweepResult of :func:`grids`) as the multiverse's long table."""
    meta = {name: (task, levels) for name, (task, _lib, _opts, levels) in zip(grids(cfg), task_readings())}
    parts = []
    for name, res in results.items():
        sel = res.selected()
        lib = sel["task"].iloc[0]
        task, task_levels = meta[name]
        # What a row says about its model depends only on the model's label: one
        # row of fields per label, joined on (a per-row loop took seconds).
        fields = {}
        for e in entries(cfg.profile, lib):
            levels = dict(e.reading.levels) if e.reading is not None else {}
            fields[e.spec.label] = {"model": e.model, "label": e.spec.label,
                                    "reading": e.reading.label if e.reading is not None else "",
                                    **{k: levels.get(k, "") for k in HSN_KEYS}}
        by_label = pd.DataFrame([fields[m] for m in sel["model"]])
        part = pd.DataFrame({"task": task, "data_task": lib}, index=range(len(sel)))
        part = pd.concat([part, by_label], axis=1)
        for k in TASK_KEYS:
            part[k] = task_levels.get(k, "")
        part["seed"] = sel["seed"].astype(int).to_numpy()
        part["lr"] = sel["lr"].astype(float).to_numpy()
        part["val_metric"] = sel["val_metric"].astype(float).to_numpy()
        part["test_metric"] = sel["test_metric"].astype(float).to_numpy()
        part["diverged"] = sel["diverged"].astype(bool).to_numpy()
        parts.append(part)
    out = pd.concat(parts, ignore_index=True)
    out["metric"] = ["mse" if TASKS[t][0] == "regression" else "accuracy" for t in out["task"]]
    return out

