"""Declarative sweeps (tasks x models x seeds x learning rates), cached on disk.

A :class:`Grid` names what to train.  It splits into one *job* per (task, model),
and the job is the unit of the cache.  Jobs are not the unit of training: jobs
whose members share tensor shapes, loss and schedule -- seeds, learning rates,
readings of one model that differ only in masks, scales, flags or activations,
and tasks of the same kind and size -- are gathered into *stacks*
(:func:`make_stacks`), each trained as one ensemble
(:func:`scaffold.train.train_stack`), longest first, through joblib
(in-process by default, local processes with ``n_jobs > 1``, or a Dask cluster
with ``backend="dask"`` inside a ``dask.distributed.Client`` context).  A
member's result does not depend on its stack, so callers see no difference.

Every job's result is cached under ``.cache/sweeps/`` with a key made of the
job's *definition* (:attr:`Job.definition`: the task, the model's every config
field, seeds, learning rates, schedule, data options, device type) *and* a hash
of the library's training code (:data:`TRAINING_SOURCES`), so sections share work
(any section can run alone, in any order) and editing ``src/`` never serves stale
numbers.  A model's label is not part of its definition: two sections that train
the same model under different names share one entry, and the rows read back carry
the label each asked for.  Files are written
to a temporary name and renamed, so an interrupted run leaves no half-written
entry, and each entry's record (written last) holds its row counts and
checksums: an entry that does not match its record or its job -- truncated,
edited, from another job -- is reported with a warning and trained again,
never used.

A grid with ``trace_T > 0`` (HSN models only) also returns each member's CA3
trace run on to ``trace_T`` steps (:mod:`scaffold.trace`), computed from the
trained weights right after training and cached with the job.  The trace is not
part of the definition either: it is a part of the entry that any requester may
ask for.  Jobs of one definition are merged (:func:`merge_jobs`) and trained once,
with the longest trace any of them asks for; an entry stored without a trace (or
with a shorter one) is trained again, with it, when a traced job asks for it; a
shorter trace is read off a longer one (:func:`trim_trace`, the same numbers).

The validation learning curve (the validation metric after every epoch, the
``val_metric`` of a job's curves) is asked for in the same way (``Grid.val_curve``,
off by default: a forward pass over the validation split every epoch, an eighth of
an HSN's training, for a curve only the benchmarks page draws).  Without it the
curves' ``val_metric`` is NaN; the members are the same either way.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import sys
import warnings
from contextlib import nullcontext
from dataclasses import dataclass, field, replace
from functools import cached_property, lru_cache
from pathlib import Path

import joblib
import numpy as np
import pandas as pd
import torch
from tqdm import tqdm

from . import CACHE
from .data import TASKS, make_dataset
from .models import ModelSpec, build_stack, run_key
from .params import stack_cost, step_macs
from .trace import TRACE_COLUMNS, member_slice, trace
from .train import (CURVE_COLUMNS, MEMBER_COLUMNS, Part, TrainConfig, TrainResult, higher_is_better,
                    train_stack)

SRC = Path(__file__).resolve().parent


#: The modules whose code decides what a training job returns.  Plotting, tables
#: and the claims ledger are left out so that editing a figure does not throw away
#: every trained result; editing any of these does.
TRAINING_SOURCES = ("__init__.py", "cudagraph.py", "data.py", "device.py", "fused.py", "graphs.py",
                    "models.py", "sweep.py", "trace.py", "train.py")


def source_hash() -> str:
    """SHA-256 over the training modules of the library (names and contents)."""
    h = hashlib.sha256()
    for p in sorted(SRC / name for name in TRAINING_SOURCES):
        h.update(p.relative_to(SRC).as_posix().encode())
        h.update(p.read_bytes())
    return h.hexdigest()[:16]


@dataclass(frozen=True)
class Grid:
    """What to train.  Every field but ``trace_T`` and ``val_curve`` (what a job returns
    besides its members, see the module docstring) goes into the cache key."""

    tasks: tuple
    specs: tuple
    seeds: tuple
    lrs: tuple = (0.01, 0.02)
    epochs_scale: float = 1.0
    batch_size: int = 64
    data_options: tuple = ()  # sorted (key, value) pairs for make_dataset
    embed_dim: int | None = None
    trace_T: int = 0  # > 0: also return each member's CA3 trace to this many steps (HSN only)
    val_curve: bool = False  # also the validation metric after every epoch (a learning curve)

    def __post_init__(self):
        for t in self.tasks:
            if t not in TASKS:
                raise ValueError(f"unknown task {t!r}; choose from {sorted(TASKS)}")
        labels = [s.label for s in self.specs]
        if len(set(labels)) != len(labels):
            raise ValueError(f"model labels must be unique in a grid, got {labels}")
        if self.trace_T and any(s.family != "hsn" for s in self.specs):
            raise ValueError("a grid with trace_T traces the CA3 state: HSN models only")

    @property
    def train_config(self) -> TrainConfig:
        return TrainConfig(batch_size=self.batch_size, lrs=tuple(self.lrs),
                           epochs_scale=self.epochs_scale, val_curve=self.val_curve)

    def jobs(self):
        return [(t, s) for t in self.tasks for s in self.specs]


@dataclass
class SweepResult:
    members: pd.DataFrame  # one row per (task, model, seed, lr)
    curves: pd.DataFrame = field(repr=False)  # one row per (task, model, seed, lr, epoch)
    traces: pd.DataFrame | None = field(default=None, repr=False)  # per (task, model, seed, lr, t)

    def selected(self) -> pd.DataFrame:
        """One row per (task, model, seed): the learning rate chosen on validation."""
        return select_lr(self.members)


def select_lr(members: pd.DataFrame) -> pd.DataFrame:
    """Per (task, model, embed_dim, seed), keep the lr with the best *validation* metric.

    Ties go to the smaller learning rate; diverged runs are never chosen over
    finite ones.  Verdicts are then read on the untouched test set.
    """
    higher = members["task"].map(lambda t: higher_is_better(TASKS[t][0])).to_numpy(bool)
    v = members["val_metric"].to_numpy(float)
    # Worse-than-anything for diverged runs, then "lower is better" for every task.
    v = np.where(np.isnan(v), np.where(higher, -1e9, 1e9), v)
    keys = ["task", "model", "embed_dim", "seed"]
    order = pd.DataFrame({"group": members.groupby(keys, sort=False, dropna=False).ngroup().to_numpy(),
                          "score": np.where(higher, -v, v), "lr": members["lr"].to_numpy(float)})
    # Groups in order of first appearance; within a group the best score, then the smaller lr.
    best = order.sort_values(["group", "score", "lr"], kind="mergesort").drop_duplicates("group")
    return members.iloc[best.index.to_numpy()].reset_index(drop=True)


class CacheWarning(UserWarning):
    """A cache entry was unusable (and is being recomputed)."""


#: Environment variable naming a file to which every :class:`CacheWarning` is also
#: appended, one line each.  ``tools/execute.py`` sets it for a section, whose kernel's
#: own warnings end up inside the notebook, and prints the file's lines in the
#: terminal once the section has run.
CACHE_LOG = "SCAFFOLD_CACHE_LOG"


def warn_unusable(message: str, stacklevel: int = 3) -> None:
    """Report an unusable cache entry: a :class:`CacheWarning`, and a line in :data:`CACHE_LOG`."""
    warnings.warn(message, CacheWarning, stacklevel=stacklevel)
    log = os.environ.get(CACHE_LOG)
    if log:
        with open(log, "a") as fh:
            fh.write(message.replace("\n", " ") + "\n")


@dataclass(frozen=True)
class Job:
    """One (task, model) of a grid: the unit of the cache.

    ``trace_T`` and ``val_curve`` (default: the grid's) ask for the members' CA3
    trace to that many steps and for their validation learning curves (see the
    module docstring); neither is part of :attr:`definition`.
    """

    grid: Grid
    task: str
    spec: ModelSpec
    device: str = "cpu"
    trace_T: int | None = None
    val_curve: bool | None = None

    def __post_init__(self):
        if self.trace_T is None:
            object.__setattr__(self, "trace_T", self.grid.trace_T)
        if self.val_curve is None:
            object.__setattr__(self, "val_curve", self.grid.val_curve)
        if self.trace_T and self.spec.family != "hsn":
            raise ValueError("a CA3 trace needs an HSN model")

    @cached_property
    def definition(self) -> dict:
        """What decides the job's result: everything but the model's label and the trace."""
        g = self.grid
        model = {k: v for k, v in self.spec.as_dict().items() if k != "label"}
        return dict(task=self.task, model=model, seeds=list(g.seeds), lrs=list(g.lrs),
                    epochs_scale=g.epochs_scale, batch_size=g.batch_size,
                    data_options=list(g.data_options), embed_dim=g.embed_dim,
                    device=torch.device(self.device).type)

    @cached_property
    def definition_text(self) -> str:
        """:attr:`definition` as canonical JSON (sorted keys)."""
        return json.dumps(self.definition, sort_keys=True, default=str)

    @cached_property
    def key(self) -> str:
        """The cache key: the definition and the training code (:func:`source_hash`)."""
        text = json.dumps(dict(job=self.definition, src=source_hash()), sort_keys=True, default=str)
        return hashlib.sha256(text.encode()).hexdigest()[:24]

    @property
    def n_members(self) -> int:
        return len(self.grid.seeds) * len(self.grid.lrs)

    @property
    def n_epochs(self) -> int:
        return self.grid.train_config.n_epochs(TASKS[self.task][0])

    def part(self) -> Part:
        g = self.grid
        return Part(self.spec, self.task, tuple(g.seeds), tuple(g.data_options), g.embed_dim)

    def stack_key(self) -> tuple:
        """Jobs with equal keys can train as one ensemble (see scaffold.train.train_stack)."""
        g = self.grid
        # val_curve too: a stack computes the validation curve for all its members or none.
        return (self.spec.family, self.spec.shape_key, TASKS[self.task], _input_dim(self.task, g.embed_dim),
                self.n_epochs, g.batch_size, tuple(g.lrs), torch.device(self.device).type, self.val_curve)

    @cached_property
    def steps(self) -> int:
        return self.n_epochs * -(-512 // self.grid.batch_size)

    @cached_property
    def work(self) -> float:
        """Multiply-accumulates of one training step of all the job's members."""
        macs = step_macs(self.spec, _input_dim(self.task, self.grid.embed_dim), TASKS[self.task][1])
        return self.n_members * macs * self.grid.batch_size


def merge_jobs(jobs) -> dict:
    """``key -> job``, one job per definition (the first one given), asking for the
    longest trace that any job of that definition asks for, and for the validation
    curve if any does."""
    out = {}
    for job in jobs:
        kept = out.setdefault(job.key, job)
        if job.trace_T > kept.trace_T or job.val_curve > kept.val_curve:
            out[job.key] = replace(kept, trace_T=max(job.trace_T, kept.trace_T),
                                   val_curve=job.val_curve or kept.val_curve)
    return out


def _config_order(spec: ModelSpec) -> tuple:
    rest = json.dumps({k: v for k, v in spec.as_dict().items() if k != "label"}, sort_keys=True,
                      default=str)
    return (*run_key(spec.config), rest)


@lru_cache(maxsize=None)
def _input_dim(task: str, embed_dim: int | None) -> int:
    # Read off a tiny draw of the task, so that the shapes stay written in data.py only.
    return make_dataset(task, 0, n_train=4, n_val=1, n_test=1, embed_dim=embed_dim).d_in


#: Members per stack, by device type.  On CPU, beyond ~100-200 a member's time
#: stops falling (the step's fixed cost is amortised and activations outgrow the
#: caches), while fewer, bigger stacks would leave cores idle.  A GPU runs these
#: tiny models launch-bound: its step costs about the same for 20 members or 2,000,
#: so there a stack holds as many as the sweep offers (``make bench`` measures
#: members per second at both sizes).
MAX_MEMBERS = {"cpu": 160, "cuda": 4096, "mps": 1024}


def max_members_for(device) -> int:
    """The stack size limit for ``device`` (see :data:`MAX_MEMBERS`)."""
    return MAX_MEMBERS.get(torch.device(device).type, MAX_MEMBERS["cpu"])


def make_stacks(jobs, max_members: int | None = None) -> list[list[Job]]:
    """Group jobs that can share an ensemble into stacks of at most ``max_members``
    members (default: the jobs' device's, :func:`max_members_for`; a larger group
    is split), ordered by estimated cost, longest first.

    Within a group, jobs are ordered by their model config, the fields of
    :data:`scaffold.models.RUN_FIELDS` first, so that variants sharing a graph
    scale or an activation sit together (and a stack of 160 HSN members
    typically holds one coupling matrix, see ``HSN.shared_graph``).
    """
    groups: dict = {}
    for job in jobs:
        groups.setdefault(job.stack_key(), []).append(job)
    stacks = []
    for group in groups.values():
        cur, n = [], 0
        limit = max_members or max_members_for(group[0].device)
        for job in sorted(group, key=lambda j: (_config_order(j.spec), j.task, j.definition_text)):
            if cur and n + job.n_members > limit:
                stacks.append(cur)
                cur, n = [], 0
            cur.append(job)
            n += job.n_members
        stacks.append(cur)
    return sorted(stacks, key=lambda st: -stack_cost(st))


def train_jobs(stack: list[Job]):
    """Train one stack; returns (members, curves, traces) per job.  Runs wherever joblib
    sends it, without file I/O: remote workers need not share the caller's disk."""
    # Tiny models: one thread per stack is fastest and lets stacks share the cores.
    # The setting is per process and deliberately not restored: with in-process
    # thread workers (Dask processes=False) a save/restore pair would race.
    torch.set_num_threads(1)
    try:
        return _train_jobs(stack)
    finally:
        release_freed_memory()


def release_freed_memory() -> bool:
    """Hand the memory a finished stack freed back to the OS (glibc's ``malloc_trim``).

    Training keeps freed memory for reuse (:func:`scaffold.train.keep_freed_memory`):
    right within a stack, whose steps allocate the same blocks again and again, but
    between stacks it only looks like a leak.  joblib's process workers (loky)
    restart a worker whose memory grew by 300 MB after a task, with "A worker
    stopped while some jobs were given to the executor": the book's plan saw that
    several times.  Trimming after each stack keeps the workers up.  Linux/glibc
    only; elsewhere a no-op.  Returns whether it ran.
    """
    try:
        import ctypes
        ctypes.CDLL("libc.so.6").malloc_trim(0)
        return True
    except (OSError, AttributeError):
        return False


def _train_jobs(stack: list[Job]):
    cfg = replace(stack[0].grid.train_config, val_curve=stack[0].val_curve)  # one per stack (stack_key)
    res = train_stack([j.part() for j in stack], cfg, stack[0].device)
    state = res[0].model.state_dict() if any(j.trace_T for j in stack) else {}
    M, lo, out = sum(j.n_members for j in stack), 0, []
    for job, r in zip(stack, res):
        tr = None
        if job.trace_T:
            g = job.grid
            x = torch.stack([torch.as_tensor(r.datasets[s].x_test) for s in g.seeds for _ in g.lrs])
            tr = trace(job.spec, member_slice(state, lo, job.n_members, M), x, g.seeds, g.lrs,
                       job.task, job.trace_T)
        out.append((r.members.assign(seconds=r.seconds), r.curves, tr))
        lo += job.n_members
    return out


def _paths(cache_dir: Path, key: str):
    return (cache_dir / f"{key}.members.csv", cache_dir / f"{key}.curves.csv.gz",
            cache_dir / f"{key}.json", cache_dir / f"{key}.trace.csv")


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def trim_trace(traces: pd.DataFrame, T: int) -> pd.DataFrame:
    """A trace to ``T_max`` steps read as one to ``T`` (<= T_max) steps: the same states,
    so the same statistics, except that the step after the last one is not taken
    (``step`` and ``rel_step`` are NaN at t = T, as :func:`scaffold.trace.trace` gives)."""
    if int(traces["t"].max()) == T:
        return traces
    out = traces[traces["t"] <= T].reset_index(drop=True)
    out.loc[out["t"] == T, ["step", "rel_step"]] = np.nan
    return out


def as_requested(result: tuple, job: Job) -> tuple:
    """An entry's (members, curves, traces) as ``job`` asked for it: under its label,
    with its trace (to its ``trace_T``) or none, and its curves' ``val_metric`` only if
    it asked for the validation curve (NaN otherwise, whatever the entry holds)."""
    members, curves, traces = result
    traces = trim_trace(traces, job.trace_T) if job.trace_T and traces is not None else None
    if not job.val_curve and curves["val_metric"].notna().any():
        curves = curves.assign(val_metric=np.nan)
    label = job.spec.label
    if members["model"].iloc[0] != label:
        members, curves = members.assign(model=label), curves.assign(model=label)
        traces = traces.assign(model=label) if traces is not None else None
    return members, curves, traces


def _check(job: Job, members: pd.DataFrame, curves: pd.DataFrame, traces=None,
           trace_T: int = 0) -> str | None:
    """Why this (members, curves, traces) entry, its trace to ``trace_T`` steps, is not
    ``job``'s result, or None if it is."""
    g = job.grid
    missing = set(MEMBER_COLUMNS) - set(members.columns)
    if missing:
        return f"missing member columns {sorted(missing)}"
    missing = set(CURVE_COLUMNS) - set(curves.columns)
    if missing:
        return f"missing curve columns {sorted(missing)}"
    if len(members) != job.n_members:
        return f"{len(members)} member rows, expected {job.n_members} (seeds x learning rates)"
    want = {(int(s), float(lr)) for s in g.seeds for lr in g.lrs}
    if {(int(s), float(lr)) for s, lr in zip(members.seed, members.lr)} != want:
        return "members are not this grid's seeds x learning rates"
    if set(members.task) != {job.task} or members.model.nunique() != 1:
        return f"rows of another job ({sorted(set(members.task))}, {sorted(set(members.model))})"
    if len(curves) != job.n_members * job.n_epochs:
        return f"{len(curves)} curve rows, expected {job.n_members * job.n_epochs}"
    if trace_T:
        if traces is None or set(TRACE_COLUMNS) - set(traces.columns):
            return "missing or incomplete CA3 trace"
        if len(traces) != job.n_members * (trace_T + 1) or int(traces.t.max()) != trace_T:
            return f"{len(traces)} trace rows, expected {job.n_members * (trace_T + 1)}"
    return None


def load_entry(cache_dir: Path, job: Job):
    """The cached (members, curves, traces) of ``job``, or None when absent or unusable.

    The rows are as stored (under the label of the job that trained them, with
    the entry's whole trace, if any): :func:`as_requested` turns them into
    ``job``'s.  An entry without the trace ``job`` asks for gives None, quietly:
    the job is trained again, with it (an upgrade, not a fault).  An entry that
    exists but fails a check (record, checksums, rows, columns, seeds x learning
    rates) is reported with a :class:`CacheWarning` naming the file, and None is
    returned so that the job is trained again.
    """
    mpath, cpath, rpath, tpath = _paths(cache_dir, job.key)
    if not (mpath.exists() or cpath.exists() or rpath.exists()):
        return None
    reason, bad, traces = None, mpath, None
    try:
        record = json.loads(rpath.read_text())
        stored_T = int(record.get("trace_T", 0))
        if record["key"] != job.key:
            reason, bad = f"the record of another entry ({record['key']})", rpath
        elif job.trace_T > stored_T or (job.val_curve and not record.get("val_curve", True)):
            return None  # stored without the trace or curve asked for: train it with them
        files = ((mpath, "members"), (cpath, "curves")) + (((tpath, "traces"),) if stored_T else ())
        for path, name in files if reason is None else ():
            if _sha256(path) != record["sha256"][name]:
                reason, bad = "does not match the checksum stored with it", path
                break
        if reason is None:
            members, curves = pd.read_csv(mpath), pd.read_csv(cpath)
            traces = pd.read_csv(tpath) if stored_T else None
            reason = _check(job, members, curves, traces, stored_T)
    except (OSError, ValueError, KeyError, TypeError, EOFError) as e:  # missing, unreadable, not CSV/JSON
        reason = f"unreadable ({type(e).__name__}: {e})"
    if reason is None:
        return members, curves, traces
    warn_unusable(f"sweep cache entry {bad} is unusable: {reason}; recomputing it", stacklevel=4)
    return None


def store_entry(cache_dir: Path, job: Job, members: pd.DataFrame, curves: pd.DataFrame,
                traces: pd.DataFrame | None = None):
    """Write the entry atomically; its record (checksums, rows) goes last."""
    cache_dir.mkdir(parents=True, exist_ok=True)
    mpath, cpath, rpath, tpath = _paths(cache_dir, job.key)

    def put(path, write):
        tmp = path.with_name(path.name + f".{os.getpid()}.tmp")
        write(tmp)
        os.replace(tmp, path)  # atomic: a reader sees the whole file or none

    # The temporary name hides ".gz" from pandas, so say the compression.
    put(mpath, lambda t: members.to_csv(t, index=False))
    put(cpath, lambda t: curves.to_csv(t, index=False, compression="gzip"))
    sha = dict(members=_sha256(mpath), curves=_sha256(cpath))
    if traces is not None:
        put(tpath, lambda t: traces.to_csv(t, index=False))
        sha["traces"] = _sha256(tpath)
    record = dict(key=job.key, task=job.task, model=job.spec.label, members=len(members),
                  curves=len(curves), trace_T=job.trace_T if traces is not None else 0,
                  val_curve=bool(job.val_curve),
                  definition=job.definition, sha256=sha)
    put(rpath, lambda t: t.write_text(json.dumps(record, indent=1)))


class _Bar:
    """The default report of :func:`run_jobs`: a tqdm bar over its jobs, cached ones included."""

    def __init__(self, total: int, cached: int, desc: str, show: bool):
        self.bar = tqdm(total=total, initial=cached, desc=desc, disable=not show, leave=False)

    def start(self, stacks) -> None:
        pass

    def finished(self, stack) -> None:
        self.bar.update(len(stack))

    def close(self) -> None:
        self.bar.close()


def _numbered(i: int, stack: list[Job]):
    return i, train_jobs(stack)


def run_jobs(jobs, n_jobs: int = 1, backend: str | None = None, cache: bool = True,
             progress: bool | None = None, desc: str = "sweep", max_members: int | None = None,
             report=None) -> dict:
    """Load or train every job, once per definition (:func:`merge_jobs`); returns
    key -> (members, curves, traces) as the job kept for that key asked for them
    (:func:`as_requested`; a job of the same definition reads them through it too).

    Cached jobs are read here; the missing ones are stacked, and the stacks sent
    to joblib longest first, one at a time (``batch_size=1``); results are written
    to the cache here, as each stack finishes.  Without a backend, joblib's
    ambient configuration applies (``joblib.parallel_config``).

    ``report`` follows the stacks: ``start(stacks)`` once they are known,
    ``finished(stack)`` as each is stored, then ``close()``.  By default it is a
    progress bar, shown only on a terminal (``progress=None``): inside a notebook
    executed by papermill the runner already reports progress per cell, and a bar
    would end up in the book's pages.
    """
    if progress is None:
        progress = sys.stderr.isatty()
    cache_dir = (CACHE / "sweeps") if cache else None
    unique = merge_jobs(jobs)
    done = {}
    for key, job in unique.items():
        hit = load_entry(cache_dir, job) if cache_dir is not None else None
        if hit is not None:
            done[key] = as_requested(hit, job)
    stacks = make_stacks([j for k, j in unique.items() if k not in done], max_members)
    report = report or _Bar(len(unique), len(done), desc, progress)
    report.start(stacks)

    def collect(results):  # (stack number, its results), in the order the stacks finish
        for i, res in results:
            for job, r in zip(stacks[i], res):
                if cache_dir is not None:
                    store_entry(cache_dir, job, *r)
                done[job.key] = as_requested(r, job)
            report.finished(stacks[i])

    try:
        if n_jobs == 1 and backend is None:
            collect(_numbered(i, st) for i, st in enumerate(stacks))
        elif stacks:
            with joblib.parallel_config(backend=backend) if backend else nullcontext():
                par = joblib.Parallel(n_jobs=n_jobs, return_as="generator_unordered", batch_size=1)
                collect(par(joblib.delayed(_numbered)(i, st) for i, st in enumerate(stacks)))
    finally:
        report.close()
    return done


def trained_model(grid: Grid, task: str, spec: ModelSpec, device="cpu") -> TrainResult:
    """One job trained with its weights kept: the model, its members and its data.

    Sweeps cache scores, not weights; a page that draws a trained network (a
    decision boundary) asks for it here.  The weights are cached beside the
    sweep entries under the job's key (``<key>.model.pt``), so a page re-run
    does not train again; an unreadable file is reported and trained again.
    """
    job = Job(grid, task, spec, str(device))
    path = CACHE / "sweeps" / f"{job.key}.model.pt"
    g = grid
    datasets = {s: make_dataset(task, s, embed_dim=g.embed_dim, **dict(g.data_options)) for s in g.seeds}
    if path.exists():
        try:
            blob = torch.load(path, weights_only=True)
            d = datasets[g.seeds[0]]
            model = build_stack([spec] * job.n_members, d.d_in, d.n_out,
                                [s for s in g.seeds for _ in g.lrs]).to(device)
            model.load_state_dict(blob["state"])
            members = pd.DataFrame(blob["members"], columns=list(MEMBER_COLUMNS)).assign(model=spec.label)
            if len(members) == job.n_members:
                return TrainResult(members, pd.DataFrame(columns=list(CURVE_COLUMNS)), model, datasets)
            reason = f"{len(members)} members, expected {job.n_members}"
        except (OSError, RuntimeError, KeyError, ValueError, EOFError, pickle.UnpicklingError) as e:
            reason = f"unreadable ({type(e).__name__}: {str(e).splitlines()[0][:200]})"
        warn_unusable(f"trained model {path} is unusable: {reason}; training it again")
    res = train_stack([job.part()], g.train_config, device, {job.part().data_key(s): d
                                                            for s, d in datasets.items()})[0]
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + f".{os.getpid()}.tmp")
    torch.save({"state": res.model.state_dict(), "members": res.members.to_dict("list")}, tmp)
    os.replace(tmp, path)  # atomic, like the sweep entries
    return res


def cached_sweep(grid: Grid, device="cpu") -> SweepResult | None:
    """The results of ``grid`` if every one of its jobs is in the cache, else None.

    Reads, never trains: a chapter's ``grids(cfg)`` may use it to declare a second
    phase from a first phase's results, which the plan trains in a later round
    (:func:`scaffold.runtime.plan.plan_rounds`).
    """
    jobs = [Job(grid, t, s, str(device)) for t, s in grid.jobs()]
    got = []
    for job in jobs:
        hit = load_entry(CACHE / "sweeps", job)
        if hit is None:
            return None
        got.append(as_requested(hit, job))
    return _sweep_result(got)


def _sweep_result(got: list) -> SweepResult:
    """One SweepResult from (members, curves, traces) per job, in job order."""
    traces = [g[2] for g in got if g[2] is not None]
    return SweepResult(pd.concat([g[0] for g in got], ignore_index=True),
                       pd.concat([g[1] for g in got], ignore_index=True),
                       pd.concat(traces, ignore_index=True) if traces else None)


def run_sweep(grid: Grid, device="cpu", n_jobs: int = 1, backend: str | None = None,
              cache: bool = True, progress: bool | None = None, desc: str = "sweep") -> SweepResult:
    """Run (or load from cache) every job of ``grid``; see the module docstring."""
    jobs = [Job(grid, t, s, str(device)) for t, s in grid.jobs()]
    done = run_jobs(jobs, n_jobs, backend, cache, progress, desc)
    # Two models of one grid may share a definition (and so an entry): each gets its rows.
    return _sweep_result([as_requested(done[j.key], j) for j in jobs])
