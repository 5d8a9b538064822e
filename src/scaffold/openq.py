"""Experiments for the note's open questions (its section 5, "Limitations").

The note lists four open questions and answers none of them.  Each gets an
experiment here; the book's limitations section runs them and reports:

1. *Compute tradeoff*: :func:`measure_latency` times inference of plain
   one-member models (dense MLP, HSN at T = 0..10, CEN) at batch 1 and 256, and
   :func:`sparse_vs_dense` times the recurrent graph step ``h @ G`` with a dense
   and a CSR kernel at growing graph sizes.  Timings are medians over repeats
   after warm-up (``time.perf_counter``, CUDA synchronised); only ratios measured
   in the same run are meant to be read.
2. *Scaling with input dimension*: :func:`dimension_params` counts learned
   parameters of each model as the input dimension d grows, and
   :func:`dimension_sweep` trains them on the moons task embedded in d dimensions.
3. *Learned vs fixed graphs*: :func:`graph_models` defines the HSN with a fixed
   graph, a learned 2x2 initiator (4 parameters), a fully learned masked graph,
   and larger CA3 layers.
4. *Task dependence*: :func:`task_sweep` on the harder two-spirals task and the
   64-dimensional, ten-class digits.

Parameter-matched dense MLPs (:func:`matched_dense`) get the HSN's learned count
at the same input and output size.
"""

from __future__ import annotations

import time
import warnings

import numpy as np
import pandas as pd
import torch

from . import graphs
from .data import TASKS
from .experiments import CEN_NOTE, DENSE, HSN_REPAIRED, hsn_controls, run
from .models import ModelSpec
from .params import dense_width_for, totals
from .stats import paired_test

# ----------------------------------------------------------------------------- timing


def _sync(device) -> None:
    if torch.device(device).type == "cuda":
        torch.cuda.synchronize()


def latency_models(Ts=tuple(range(0, 11))) -> dict:
    """label -> (spec, T or None): dense MLP, repaired HSN at each T, CEN (H=512)."""
    out = {DENSE.label: (DENSE, None)}
    for T in Ts:
        out[f"HSN T={T}"] = (ModelSpec.make(f"HSN T={T}", "hsn", dg_min_inputs=1,
                                            spectral_radius=0.9, T=T), T)
    out[CEN_NOTE.label] = (CEN_NOTE, None)
    return out


class _threads:
    """Pin torch's intra-op threads (1 on CPU: a serial CPU, and steadier on a shared machine)."""

    def __init__(self, n):
        self.n = n

    def __enter__(self):
        self.old = torch.get_num_threads()
        if self.n:
            torch.set_num_threads(self.n)

    def __exit__(self, *a):
        torch.set_num_threads(self.old)


def clock_for(device, threads: int | None = 1):
    """The clock for ``device``: CPU time of the calling thread on a one-thread CPU, else wall time.

    On a CPU shared with other processes, wall time (``time.perf_counter``)
    includes the time the scheduler gives to them, which swamped the signal in
    our runs; with torch pinned to one thread all of a model's work runs in the
    calling thread, so its CPU time (``time.thread_time``) is the cost itself.
    GPU kernels run asynchronously, so there wall time after
    ``torch.cuda.synchronize()`` is the only meaningful clock; so is it on a
    multi-threaded CPU, where work runs in other threads too.
    """
    if torch.device(device).type == "cpu" and threads == 1:
        return time.thread_time, "thread_time"
    return time.perf_counter, "perf_counter"


def time_many(fns: dict, device="cpu", rounds: int = 25, warmup: int = 3,
              min_time: float = 2e-3, threads: int | None = 1) -> dict:
    """Median seconds per call of each ``fns[name]()``, timed in interleaved rounds.

    Every round times every function once (each repeated ``inner`` times so a
    round lasts about ``min_time``), so a burst of load from other processes
    hits all of them alike instead of one; the median over rounds is reported.
    On the CPU torch is pinned to ``threads`` threads meanwhile (None: left as
    it is); the clock is :func:`clock_for` ``(device, threads)``.
    """
    cpu = torch.device(device).type == "cpu"
    with _threads(threads if cpu else None):
        return _time_many(fns, device, rounds, warmup, min_time, clock_for(device, threads)[0])


def _time_many(fns, device, rounds, warmup, min_time, clock):
    inner = {}
    for k, f in fns.items():
        for _ in range(warmup):
            f()
        _sync(device)
        t0 = clock()
        f()
        _sync(device)
        inner[k] = max(1, int(min_time / max(clock() - t0, 1e-7)))
    times = {k: [] for k in fns}
    for _ in range(rounds):
        for k, f in fns.items():
            t0 = clock()
            for _ in range(inner[k]):
                f()
            _sync(device)
            times[k].append((clock() - t0) / inner[k])
    return {k: float(np.median(v)) for k, v in times.items()}


@torch.no_grad()
def measure_latency(models: dict | None = None, d_in: int = 2, n_out: int = 1,
                    batches=(1, 256), device="cpu", rounds: int = 25, threads: int | None = 1) -> pd.DataFrame:
    """Inference latency of one-member models (eval mode, no grad).

    Returns [model, T, batch, seconds, ratio] with ``ratio`` = time / dense MLP
    time at the same batch size, measured in the same interleaved rounds.
    ``threads`` applies on CPU only (None: leave torch's setting).
    """
    models = models or latency_models()
    built = {k: spec.build(d_in, n_out, [0]).to(device).eval() for k, (spec, _) in models.items()}
    rows = []
    for b in batches:
        x = torch.randn(1, b, d_in, device=device)
        sec = time_many({k: (lambda m=m: m(x)) for k, m in built.items()}, device, rounds,
                        threads=threads)
        for label, (spec, T) in models.items():
            rows.append(dict(model=label, family=spec.family, T=T, batch=b, seconds=sec[label],
                             macs_dense=totals(spec, d_in, n_out, n_draws=1)["macs_dense"]))
    df = pd.DataFrame(rows)
    ref = df[df.model == DENSE.label].set_index("batch")["seconds"]
    df["ratio"] = df["seconds"] / df["batch"].map(ref)
    df["device"] = str(device)
    df["threads"] = torch.get_num_threads() if threads is None else threads
    df["clock"] = clock_for(device, threads)[1]
    return df


@torch.no_grad()
def sparse_vs_dense(sizes=(16, 32, 64, 128, 256, 512), batch: int = 256, device="cpu",
                    rounds: int = 25, threads: int | None = 1) -> pd.DataFrame:
    """One recurrent step with the Kronecker graph of ``n`` units: dense vs CSR kernel.

    Both compute ``(h G)^T = G^T h^T`` on the same (n, batch) operand: the dense
    kernel as ``torch.mm``, the sparse one with ``G^T`` stored as
    ``torch.sparse_csr``.  Returns [n, nnz, density, dense_s, sparse_s, speedup]
    (speedup > 1: the sparse kernel is faster).
    """
    rows = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # "sparse CSR support is in beta"
        for n in sizes:
            G = torch.as_tensor(graphs.make_graph("kronecker", n), dtype=torch.float32, device=device)
            Gt = G.T.contiguous()
            Gt_csr = Gt.to_sparse_csr()
            hT = torch.randn(n, batch, device=device)
            if not torch.allclose(torch.mm(Gt, hT), Gt_csr @ hT, atol=1e-4):
                raise AssertionError(f"CSR and dense products disagree at n={n}")
            sec = time_many({"dense": lambda: torch.mm(Gt, hT), "sparse": lambda: Gt_csr @ hT},
                            device, rounds, threads=threads)
            nnz = int((G != 0).sum())
            rows.append(dict(n=n, nnz=nnz, density=nnz / n ** 2, dense_s=sec["dense"],
                             sparse_s=sec["sparse"], speedup=sec["dense"] / sec["sparse"],
                             device=str(device), clock=clock_for(device, threads)[1]))
    return pd.DataFrame(rows)


def crossover(df: pd.DataFrame):
    """Smallest n from which the sparse kernel is faster at every larger size; None if never."""
    d = df.sort_values("n")
    wins = (d["speedup"] > 1).to_numpy()
    for i in range(len(d)):
        if wins[i:].all():
            return int(d["n"].iloc[i])
    return None


# ----------------------------------------------------------------------------- models and counts


def matched_dense(spec: ModelSpec, d_in: int, n_out: int, convention: str = "learned_nnz",
                  label: str = "Dense, HSN-matched") -> ModelSpec:
    """A two-hidden-layer dense MLP whose learned count is closest to ``spec``'s."""
    budget = totals(spec, d_in, n_out, n_draws=10)[convention]
    w = dense_width_for(budget, d_in, n_out)
    return ModelSpec.make(label, "dense", widths=(w, w))


MATCHED = {"learned_nnz": "Dense, HSN-matched (nonzeros)", "learned_size": "Dense, HSN-matched (sizes)"}


def comparison_models(d_in: int, n_out: int, spec_hsn: ModelSpec = HSN_REPAIRED) -> tuple:
    """Dense, the HSN, dense MLPs matched to the HSN's learned count (nonzeros; sizes), the CEN."""
    matched = tuple(matched_dense(spec_hsn, d_in, n_out, conv, label) for conv, label in MATCHED.items())
    return (DENSE, spec_hsn, *matched, CEN_NOTE)


def learned_counts(specs, d_in: int, n_out: int) -> pd.DataFrame:
    """[model, width, learned_size, learned_nnz, fixed, macs_dense, macs_sparse] at one task's shape."""
    rows = []
    for s in specs:
        t = totals(s, d_in, n_out, n_draws=10)
        w = dict(s.options).get("widths")
        rows.append(dict(t, width=w[0] if w else None))
    return pd.DataFrame(rows)


def dimension_params(dims, n_out: int = 1, spec_hsn: ModelSpec = HSN_REPAIRED) -> pd.DataFrame:
    """Learned (sizes and nonzeros) and fixed counts of each comparison model at each input dimension."""
    return pd.concat([learned_counts(comparison_models(d, n_out, spec_hsn), d, n_out).assign(embed_dim=d)
                      for d in dims], ignore_index=True)


def dimension_sweep(cfg, dims, task: str = "moons", spec_hsn: ModelSpec = HSN_REPAIRED) -> pd.DataFrame:
    """Train the comparison models on ``task`` embedded in each dimension d.

    Returns the validation-selected members (one row per model, d and seed).
    ``d`` equal to the task's own dimension is run without embedding, so it
    shares the core sweep's cache.
    """
    n_out = TASKS[task][1]
    native = 1 if task == "sine" else 2
    out = []
    for d in dims:
        res = run(cfg, comparison_models(d, n_out, spec_hsn), (task,), desc=f"{task} d={d}",
                  embed_dim=None if d == native else d)
        out.append(res.selected().assign(embed_dim=d))
    return pd.concat(out, ignore_index=True)


TASK_SHAPES = {"two_spirals": (2, 1), "digits": (64, 10), "moons": (2, 1), "swiss_roll": (2, 1),
               "circles": (2, 1), "sine": (1, 1)}


def task_sweep(cfg, tasks=("two_spirals", "digits"), spec_hsn: ModelSpec = HSN_REPAIRED, extra=()):
    """Train the comparison models (matched at each task's input/output size) and ``extra`` on each task.

    Returns (validation-selected members, learned counts per task and model).
    """
    sel, counts = [], []
    for task in tasks:
        d, o = TASK_SHAPES[task]
        specs = (*comparison_models(d, o, spec_hsn), *extra)
        sel.append(run(cfg, specs, (task,), desc=task).selected())
        counts.append(learned_counts(specs, d, o).assign(task=task))
    return pd.concat(sel, ignore_index=True), pd.concat(counts, ignore_index=True)


def graph_models() -> dict:
    """The HSN (repaired) with fixed, initiator-learned and fully learned graphs, and wider CA3."""
    base = dict(dg_min_inputs=1, spectral_radius=0.9)
    return {
        "fixed": HSN_REPAIRED,
        "initiator": ModelSpec.make("HSN rep., learned initiator", "hsn", graph_mode="initiator", **base),
        "learned": hsn_controls()["learned G"],
        "h_ca3=64": ModelSpec.make("HSN rep., h_ca3=64", "hsn", h_ca3=64, **base),
        "h_ca3=256": ModelSpec.make("HSN rep., h_ca3=256", "hsn", h_ca3=256, **base),
    }


# ----------------------------------------------------------------------------- comparisons


def paired_vs(selected: pd.DataFrame, ref: str, by=("task",), value: str = "test_metric") -> pd.DataFrame:
    """Per group and model: paired difference (model - ``ref``) over seeds, with CI and p-value."""
    rows = []
    for key, g in selected.groupby(list(by), sort=False):
        key = key if isinstance(key, tuple) else (key,)
        wide = g.pivot_table(index="seed", columns="model", values=value)
        if ref not in wide:
            continue
        for m in wide.columns:
            if m == ref:
                continue
            pair = wide[[m, ref]].dropna()
            t = paired_test(pair[m].to_numpy(), pair[ref].to_numpy())
            rows.append(dict(zip(by, key), model=m, reference=ref, n=len(pair),
                             mean=float(pair[m].mean()), ref_mean=float(pair[ref].mean()),
                             diff=t["mean_diff"], lo=t["lo"], hi=t["hi"], p=t["t_p"]))
    return pd.DataFrame(rows)


def verdict(lo: float, hi: float, above: str, below: str, neither: str) -> str:
    """Words for a confidence interval of a difference: ``above`` if it excludes 0 from above
    (lo > 0), ``below`` if hi < 0, else ``neither``; prose is glued from this, never typed."""
    if lo > 0:
        return above
    if hi < 0:
        return below
    return neither
