"""Declarative sweeps (tasks x models x seeds x learning rates), cached on disk.

A :class:`Grid` names what to train; :func:`run_sweep` splits it into one *job*
per (task, model) -- each job trains all of its seeds and learning rates as one
stacked ensemble -- and runs the jobs through joblib (in-process by default,
local processes with ``n_jobs > 1``, or a Dask cluster with ``backend="dask"``
inside a ``dask.distributed.Client`` context).

Every job's result is cached under ``.cache/sweeps/`` with a key made of the
job's full configuration *and* a hash of the library's training code
(:data:`TRAINING_SOURCES`), so sections share
work (any section can run alone, in any order) and editing ``src/`` never serves
stale numbers.  Files are written to a temporary name and renamed, so an
interrupted run leaves no half-written cache entry.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path

import joblib
import pandas as pd
import torch
from tqdm import tqdm

from . import CACHE
from .data import TASKS
from .models import ModelSpec
from .train import TrainConfig, higher_is_better, train_ensemble

SRC = Path(__file__).resolve().parent


#: The modules whose code decides what a training job returns.  Plotting, tables
#: and the claims ledger are left out so that editing a figure does not throw away
#: every trained result; editing any of these does.
TRAINING_SOURCES = ("__init__.py", "data.py", "device.py", "graphs.py", "models.py",
                    "sweep.py", "train.py")


def source_hash() -> str:
    """SHA-256 over the training modules of the library (names and contents)."""
    h = hashlib.sha256()
    for p in sorted(SRC / name for name in TRAINING_SOURCES):
        h.update(p.relative_to(SRC).as_posix().encode())
        h.update(p.read_bytes())
    return h.hexdigest()[:16]


@dataclass(frozen=True)
class Grid:
    """What to train.  Every field goes into the cache key."""

    tasks: tuple
    specs: tuple
    seeds: tuple
    lrs: tuple = (0.01, 0.02)
    epochs_scale: float = 1.0
    batch_size: int = 64
    data_options: tuple = ()  # sorted (key, value) pairs for make_dataset
    embed_dim: int | None = None

    def __post_init__(self):
        for t in self.tasks:
            if t not in TASKS:
                raise ValueError(f"unknown task {t!r}; choose from {sorted(TASKS)}")
        labels = [s.label for s in self.specs]
        if len(set(labels)) != len(labels):
            raise ValueError(f"model labels must be unique in a grid, got {labels}")

    @property
    def train_config(self) -> TrainConfig:
        return TrainConfig(batch_size=self.batch_size, lrs=tuple(self.lrs),
                           epochs_scale=self.epochs_scale)

    def jobs(self):
        return [(t, s) for t in self.tasks for s in self.specs]


@dataclass
class SweepResult:
    members: pd.DataFrame  # one row per (task, model, seed, lr)
    curves: pd.DataFrame = field(repr=False)  # one row per (task, model, seed, lr, epoch)

    def selected(self) -> pd.DataFrame:
        """One row per (task, model, seed): the learning rate chosen on validation."""
        return select_lr(self.members)


def select_lr(members: pd.DataFrame) -> pd.DataFrame:
    """Per (task, model, embed_dim, seed), keep the lr with the best *validation* metric.

    Ties go to the smaller learning rate; diverged runs are never chosen over
    finite ones.  Verdicts are then read on the untouched test set.
    """
    def pick(g):
        kind = TASKS[g["task"].iloc[0]][0]
        v = g["val_metric"].fillna(-1e9 if higher_is_better(kind) else 1e9)
        order = (-v if higher_is_better(kind) else v).to_numpy()
        return g.iloc[[sorted(range(len(g)), key=lambda i: (order[i], g["lr"].iloc[i]))[0]]]
    keys = ["task", "model", "embed_dim", "seed"]
    return (members.groupby(keys, sort=False, group_keys=False, dropna=False)[members.columns.tolist()]
            .apply(pick).reset_index(drop=True))


def _job_key(grid: Grid, task: str, spec: ModelSpec, device: str) -> str:
    cfg = dict(task=task, spec=spec.as_dict(), seeds=list(grid.seeds), lrs=list(grid.lrs),
               epochs_scale=grid.epochs_scale, batch_size=grid.batch_size,
               data_options=list(grid.data_options), embed_dim=grid.embed_dim,
               device=torch.device(device).type, src=source_hash())
    return hashlib.sha256(json.dumps(cfg, sort_keys=True, default=str).encode()).hexdigest()[:24]


def _train_job(grid: Grid, task: str, spec: ModelSpec, device: str):
    """One job, run wherever joblib sends it.  No file I/O: on a remote cluster the
    workers need not share a disk with the caller, who keeps the cache."""
    # Tiny models: one thread per job is fastest and lets jobs share the cores.
    # The setting is per process and deliberately not restored: with in-process
    # thread workers (Dask processes=False) a save/restore pair would race.
    torch.set_num_threads(1)
    res = train_ensemble(spec, task, list(grid.seeds), grid.train_config, device,
                         dict(grid.data_options), grid.embed_dim)
    return res.members.assign(seconds=res.seconds), res.curves


def _paths(cache_dir: Path, key: str):
    return cache_dir / f"{key}.members.csv", cache_dir / f"{key}.curves.csv.gz"


def _load(cache_dir: Path, key: str):
    mpath, cpath = _paths(cache_dir, key)
    if mpath.exists() and cpath.exists():
        return pd.read_csv(mpath), pd.read_csv(cpath)
    return None


def _store(cache_dir: Path, key: str, members: pd.DataFrame, curves: pd.DataFrame):
    cache_dir.mkdir(parents=True, exist_ok=True)
    for df, path in zip((members, curves), _paths(cache_dir, key)):
        tmp = path.with_name(path.name + f".{os.getpid()}.tmp")
        # The temporary name hides ".gz" from pandas, so say the compression.
        df.to_csv(tmp, index=False, compression="gzip" if path.suffix == ".gz" else None)
        os.replace(tmp, path)  # atomic: a reader sees the whole file or none


def run_sweep(grid: Grid, device="cpu", n_jobs: int = 1, backend: str | None = None,
              cache: bool = True, progress: bool | None = None, desc: str = "sweep") -> SweepResult:
    """Run (or load from cache) every job of ``grid``; see the module docstring.

    Cached jobs are read here; only the missing ones are sent to joblib, and their
    results are written to the cache here, as they arrive.  ``progress=None``
    shows a progress bar only on a terminal: inside a notebook executed by
    papermill the runner already reports progress per cell, and a bar would end
    up in the book's pages.
    """
    if progress is None:
        progress = sys.stderr.isatty()
    cache_dir = (CACHE / "sweeps") if cache else None
    device = str(device)
    jobs = grid.jobs()
    keys = {job: _job_key(grid, *job, device) for job in jobs}
    bar = tqdm(total=len(jobs), desc=desc, disable=not progress, leave=False)
    done = {}
    for job in jobs:
        hit = _load(cache_dir, keys[job]) if cache_dir is not None else None
        if hit is not None:
            done[job] = hit
            bar.update()
    todo = [job for job in jobs if job not in done]

    def collect(results):  # results arrive in the order of todo
        for job, res in zip(todo, results):
            if cache_dir is not None:
                _store(cache_dir, keys[job], *res)
            done[job] = res
            bar.update()

    if n_jobs == 1 and backend is None:
        collect(_train_job(grid, t, s, device) for t, s in todo)
    elif todo:
        with joblib.parallel_config(backend=backend) if backend else nullcontext():
            par = joblib.Parallel(n_jobs=n_jobs, return_as="generator")
            collect(par(joblib.delayed(_train_job)(grid, t, s, device) for t, s in todo))
    bar.close()
    members = pd.concat([done[j][0] for j in jobs], ignore_index=True)
    curves = pd.concat([done[j][1] for j in jobs], ignore_index=True)
    return SweepResult(members, curves)
