"""``make bench``: speed of the training engine, as ratios measured in one run.

Measures, on one device (``--device``, default auto):

1. batched ensemble vs one-by-one training for a 20-member sweep (10 seeds x 2
   learning rates) of each model -- the speed-up that makes many seeds cheap;
2. the core sweep (the note's four tasks x dense, HSN, CEN x 10 seeds x 2 lrs)
   against its *compute floor*: the time this machine needs for the same number
   of floating-point operations done as large matrix products.  The ratio says
   how far the tiny-model sweep is from being arithmetic-bound;
3. with ``--book``, the wall time of ``make book`` from an empty cache, unchanged,
   after a narrative-only edit and after a library edit (:mod:`scaffold.bookbench`).

Results are printed and written to ``results/bench.json``.  Absolute times
depend on the machine; the ratios are the figures of merit.  Nothing here is a
pass/fail assertion: tests check behaviour, this measures speed.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
from pathlib import Path

import torch

from . import RESULTS
from .data import NOTE_TASKS, TASKS
from .device import resolve_device
from .experiments import NOTE_MODELS
from .models import CEN_NOTE, DENSE, HSN_NOTE
from .params import totals
from .sweep import Grid, run_sweep
from .train import TrainConfig, train_ensemble, train_one_by_one


def _sync(device):
    if device.type == "cuda":
        torch.cuda.synchronize()


def ensemble_speedup(device, epochs_scale=1.0, task="moons", seeds=range(10)) -> list[dict]:
    """Batched (M=20) vs one-by-one (20 x M=1) training of each model on ``task``."""
    cfg = TrainConfig(epochs_scale=epochs_scale)
    out = []
    for spec in (DENSE, HSN_NOTE, CEN_NOTE):
        seeds = list(seeds)
        train_ensemble(spec, task, seeds[:1], TrainConfig(epochs_scale=0.02), device)  # warm-up
        _sync(device)
        t0 = time.perf_counter()
        batched = train_ensemble(spec, task, seeds, cfg, device)
        _sync(device)
        tb = time.perf_counter() - t0
        t0 = time.perf_counter()
        single = train_one_by_one(spec, task, seeds, cfg, device)
        _sync(device)
        ts = time.perf_counter() - t0
        diff = (batched.members["test_metric"] - single.members["test_metric"]).abs().max()
        out.append(dict(model=spec.label, members=len(seeds) * len(cfg.lrs), batched_s=tb,
                        one_by_one_s=ts, speedup=ts / tb, max_abs_metric_diff=float(diff)))
        print(f"  {spec.label:14s} batched {tb:6.2f}s  one-by-one {ts:7.2f}s  "
              f"speed-up x{ts / tb:5.1f}  (max |metric diff| {diff:.1e})", flush=True)
    return out


def sweep_flops(grid: Grid) -> float:
    """Floating-point operations of training + evaluation for every job of ``grid``.

    Per sample a forward pass costs 2 x MACs (dense kernels, the way the models
    run); backward costs about twice the forward, so a training sample costs
    ~6 x MACs and an evaluation sample 2 x MACs (per-epoch validation, final
    train/val/test evaluation).
    """
    total = 0.0
    tc = grid.train_config
    for task, spec in grid.jobs():
        kind, n_out = TASKS[task]
        d = 1 if task == "sine" else 2
        macs = totals(spec, d, n_out, n_draws=1)["macs_dense"]
        E = tc.n_epochs(kind)
        members = len(grid.seeds) * len(grid.lrs)
        per_member = 6 * macs * 512 * E + 2 * macs * (256 * E + 512 + 256 + 1024)
        total += per_member * members
    return total


def matmul_floor(flops: float, device, n: int = 512) -> float:
    """Seconds to do ``flops`` floating-point operations as (n x n) @ (n x n) products."""
    a = torch.randn(n, n, device=device)
    b = torch.randn(n, n, device=device)
    for _ in range(3):
        a @ b
    _sync(device)
    reps, t0 = 0, time.perf_counter()
    while time.perf_counter() - t0 < 1.0:
        a @ b
        reps += 1
    _sync(device)
    rate = reps * 2 * n ** 3 / (time.perf_counter() - t0)
    return flops / rate, rate


def core_sweep_vs_floor(device, epochs_scale=1.0, n_seeds=10) -> dict:
    """The core sweep, run as the book runs it (jobs on both cores), against the
    matmul floor measured with the same cores."""
    grid = Grid(tasks=NOTE_TASKS, specs=NOTE_MODELS, seeds=tuple(range(n_seeds)),
                epochs_scale=epochs_scale)
    n_jobs = min(len(grid.jobs()), torch.get_num_threads()) if device.type == "cpu" else 1
    _sync(device)
    t0 = time.perf_counter()
    run_sweep(grid, device=str(device), n_jobs=n_jobs, cache=False, progress=False)
    _sync(device)
    t = time.perf_counter() - t0
    flops = sweep_flops(grid)
    floor, rate = matmul_floor(flops, device)
    print(f"  core sweep {t:.2f}s for {flops / 1e9:.1f} GFLOP; matmul floor {floor:.2f}s "
          f"({rate / 1e9:.1f} GFLOP/s); ratio x{t / floor:.1f}", flush=True)
    return dict(jobs=len(grid.jobs()), members=len(grid.jobs()) * n_seeds * 2, n_jobs=n_jobs, seconds=t,
                gflop=flops / 1e9, matmul_gflops=rate / 1e9, floor_s=floor, ratio_to_floor=t / floor)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--device", default="auto")
    ap.add_argument("--epochs-scale", type=float, default=1.0,
                    help="1.0 is the note's schedule; smaller for a smoke run")
    ap.add_argument("--out", default=str(RESULTS / "bench.json"))
    ap.add_argument("--threads", type=int, default=0,
                    help="torch threads for the training benchmarks (0: all cores, as a lone sweep would use)")
    ap.add_argument("--book", action="store_true", help="also time make book (slow)")
    ap.add_argument("--book-profile", default="full", choices=["full", "quick"])
    args = ap.parse_args(argv)
    device = resolve_device(args.device)
    # make exports OMP_NUM_THREADS for its parallel sections; a benchmark run alone
    # should use every core, as a lone sweep would.
    torch.set_num_threads(args.threads or os.cpu_count() or 1)
    report = dict(device=str(device), torch=torch.__version__, python=platform.python_version(),
                  machine=platform.machine(), threads=torch.get_num_threads(),
                  epochs_scale=args.epochs_scale)
    if device.type == "cuda":
        report["gpu"] = torch.cuda.get_device_name(device)
    print(f"[bench] device={device} epochs_scale={args.epochs_scale}")
    print("[bench] 1. batched ensemble vs one-by-one (20 members, moons)")
    report["ensemble"] = ensemble_speedup(device, args.epochs_scale)
    print("[bench] 2. core sweep vs its matmul compute floor")
    report["core_sweep"] = core_sweep_vs_floor(device, args.epochs_scale)
    if args.book:
        from .bookbench import time_book
        print("[bench] 3. make book wall times")
        report["book"] = time_book(args.book_profile)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(".tmp")
    tmp.write_text(json.dumps(report, indent=2))
    tmp.replace(out)
    print(f"[bench] wrote {out}")
    return report


if __name__ == "__main__":
    main()
