"""``make bench``: speed of the training engine, as ratios measured in one run.

Measures, on one device (``--device``, default auto):

1. for a 20-member ensemble (10 seeds x 2 learning rates) of each model, three
   ways of training the same members: our stacked ensemble, one member at a
   time, and the way PyTorch documents model ensembling
   (``torch.func.stack_module_state`` + ``vmap`` over ``functional_call``) --
   each the median of ``--repeats`` runs, interleaved so that a load spike on a
   shared machine hits all three alike;
2. the core sweep (the note's four tasks x dense, HSN, CEN x 10 seeds x 2 lrs)
   against its *compute floor*: the time this machine needs for the same number
   of floating-point operations done as large matrix products (both warmed up: the
   sweep's worker processes are started by a one-epoch run first, as the book's plan
   keeps its workers up throughout; their start is reported apart).  The ratio says
   how far the tiny-model sweep is from being arithmetic-bound;
3. the readings multiverse on one task (24 HSN readings x 10 seeds x 2 lrs) as
   one stack against one stack per reading;
4. throughput at 1,000+ members: the same readings with 25 seeds (1,200
   members; also 100 seeds, 4,800 members, on a GPU), in members per second,
   at the device's stack size and at the CPU's;
5. the CA3 activation: ``torch.tanh`` against the library's tanh
   (:func:`scaffold.fused.tanh_into`) on one stack's CA3 states;
6. with ``--book``, in a fresh clone: the set-up, and the wall time of ``make book``
   from an empty cache, unchanged, after a narrative-only edit and after a library
   edit (``tools/bookbench.py``);
7. with ``--test``, the wall time of ``make test`` as CI runs it, empty cache.

``--parts`` runs a subset of 1-5 (a GPU check that must fit a short lease, say).

Results are printed and written to ``results/bench.json`` with the speed goals
(:data:`GOALS`) and whether each was met.  Absolute times depend on the machine; the
ratios are the figures of merit.  Nothing here is a pass/fail assertion: tests
check behaviour, this measures speed.
"""

from __future__ import annotations

import argparse
import copy
import itertools
import json
import os
import platform
import sys
import time
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from unittest import mock

import torch
from torch import nn
from torch.func import functional_call, stack_module_state, vmap

from scaffold import RESULTS, cudagraph
from scaffold.data import NOTE_TASKS, TASKS
from scaffold.device import resolve_device
from scaffold.fused import tanh_into
from scaffold.models import CEN_NOTE, DENSE, HSN_NOTE, ModelSpec, build_stack
from scaffold.params import fixed_stage_macs, step_macs
from scaffold.sweep import Grid, Job, make_stacks, run_jobs, run_sweep
from scaffold.timing import median_runs, pinned_threads, sync, timed
from scaffold.train import Part, TrainConfig, train_ensemble, train_one_by_one, train_stack

NOTE_MODELS = (DENSE, HSN_NOTE, CEN_NOTE)
#: What ``--parts`` can choose (``--book`` and ``--test`` are asked for apart).
PARTS = ("ensemble", "multiverse", "throughput", "core", "tanh")
#: The report's entries written by the parts, --book and --test.
PARTS_KEYS = ("ensemble", "multiverse", "throughput", "core_sweep", "tanh", "book", "test")
#: The speed targets, on two cores (issues 13 and 21): the core sweep within 4x its
#: floor; stacked 10x one-by-one and 1.5x torch.func vmap for every model; a cold
#: full book with the environment present in 400 s (300 s a stretch); a fresh
#: clone's set-up and book in 600 s; rebuilds after edits; make test in 300 s.  On a
#: GPU, with CUDA graphs, the core sweep within 50x its floor (issue 21).
GOALS = dict(floor_ratio=4.0, gpu_floor_ratio=50.0, batched_speedup=10.0, cold_book_s=400.0, fresh_clone_s=600.0,
             library_edit_s=60.0, narrative_edit_s=10.0, make_test_s=300.0, vmap_ratio=1.5)


# ----------------------------------------------------------------------------- the peer


class VmapEnsemble(nn.Module):
    """The same members, run the way PyTorch's model-ensembling tutorial does it.

    Each member becomes its own one-member module; ``stack_module_state`` stacks
    their parameters and buffers, and ``forward`` maps ``functional_call`` of a
    stateless copy over the member axis with ``vmap``.  The members are cut out
    of our stacked model, so both start from identical weights (and CEN's padded
    unit lists have one shape).
    """

    def __init__(self, stacked):
        super().__init__()
        members = []
        for m in range(stacked.M):
            one = copy.deepcopy(stacked)
            one.seeds = [stacked.seeds[m]]
            with torch.no_grad():
                for name, t in itertools.chain(one.named_parameters(), one.named_buffers()):
                    t.data = t.data[m:m + 1].clone()
            members.append(one)
        params, buffers = stack_module_state(members)
        self.p = nn.ParameterDict({k: nn.Parameter(v.detach().clone()) for k, v in params.items()})
        for k, v in buffers.items():
            self.register_buffer("buf_" + k, v)
        self.buffer_names = list(buffers)
        # The stateless template lives on the meta device; kept out of the module's
        # children so that .to(device) leaves it there.
        template = copy.deepcopy(members[0]).to("meta")
        template.fused = False  # the documented way: plain operations, autograd throughout
        self.template = (template,)
        if hasattr(stacked, "fixed_stage"):
            # Like our engine, apply the fixed stage (nothing learned) once per data
            # split and vmap only the learned readout: the comparison is then of the
            # two ways of batching the training steps, not of caching.
            template.forward = template.readout
            self._stacked = (stacked,)
            self.fixed_stage = lambda x: self._stacked[0].to(x.device).fixed_stage(x)
            self.readout = self._vmapped

    def _vmapped(self, x):
        buffers = {k: getattr(self, "buf_" + k) for k in self.buffer_names}

        def one(params, bufs, xm):
            return functional_call(self.template[0], (params, bufs), (xm[None],))[0]
        return vmap(one)(dict(self.p), buffers, x)

    def forward(self, x):
        if hasattr(self, "fixed_stage"):
            return self.readout(self.fixed_stage(x))
        return self._vmapped(x)


#: Operators that do the models' arithmetic; everything else is element-wise work,
#: copies and bookkeeping.
MATMUL_OPS = ("aten::bmm", "aten::baddbmm", "aten::mm", "aten::addmm", "aten::matmul")


@contextmanager
def _no_fd2():
    """Standard error closed at the file-descriptor level (then restored): the profiler's
    C++ side prints two 'USDT: ... profiler_start/stop' lines per use there, which no
    logging setting silences."""
    sys.stderr.flush()
    saved = os.dup(2)
    try:
        with open(os.devnull, "w") as null:
            os.dup2(null.fileno(), 2)
        yield
    finally:
        sys.stderr.flush()
        os.dup2(saved, 2)
        os.close(saved)


def op_profile(spec, task, seeds, device, epochs_scale=0.2, top=8) -> dict:
    """Where a stacked training run's time goes, by operator (``torch.profiler``).

    Self time per operator, as shares of the total: the matrix products' share says
    how close the step is to arithmetic-bound; the rest is element-wise passes,
    copies and autograd bookkeeping.  The profiler's own overhead inflates the
    many small operators a little, so read the shares, not the absolute times.
    """
    from torch.profiler import ProfilerActivity, profile

    cfg = TrainConfig(epochs_scale=epochs_scale)
    acts = [ProfilerActivity.CPU] + ([ProfilerActivity.CUDA] if device.type == "cuda" else [])
    with _no_fd2(), profile(activities=acts) as prof:
        train_ensemble(spec, task, seeds, cfg, device)
    rows = [(e.key, e.self_cpu_time_total, e.count) for e in prof.key_averages()]
    total = sum(t for _, t, _ in rows) or 1.0
    rows.sort(key=lambda r: -r[1])
    return dict(total_self_ms=round(total / 1e3, 1), ops=len(rows),
                matmul_share=round(sum(t for k, t, _ in rows if k in MATMUL_OPS) / total, 3),
                top=[dict(op=k, share=round(t / total, 3), calls=c) for k, t, c in rows[:top]])


def build_vmap(specs, d_in, n_out, seeds):
    return VmapEnsemble(build_stack(specs, d_in, n_out, seeds))


def ensemble_speedup(device, epochs_scale=1.0, task="moons", seeds=range(10), repeats=3) -> list[dict]:
    """Stacked (M=20) vs one-by-one (20 x M=1) vs vmap (M=20) training of each model."""
    cfg = TrainConfig(epochs_scale=epochs_scale)
    seeds = list(seeds)
    out = []
    for spec in NOTE_MODELS:
        part = Part(spec, task, tuple(seeds))
        train_ensemble(spec, task, seeds[:1], TrainConfig(epochs_scale=0.02), device)  # warm-up
        med, times, last = median_runs({
            "stacked": lambda: train_ensemble(spec, task, seeds, cfg, device),
            "vmap": lambda: train_stack([part], cfg, device, build=build_vmap)[0],
            "one_by_one": lambda: train_one_by_one(spec, task, seeds, cfg, device)}, device, repeats)
        stacked, peer, single = last["stacked"], last["vmap"], last["one_by_one"]

        def diff(other):
            return float((stacked.members["test_metric"] - other.members["test_metric"]).abs().max())
        row = dict(model=spec.label, members=len(seeds) * len(cfg.lrs), repeats=repeats,
                   batched_s=med["stacked"], one_by_one_s=med["one_by_one"], vmap_s=med["vmap"],
                   speedup=med["one_by_one"] / med["stacked"],
                   stacked_vs_vmap=med["vmap"] / med["stacked"],
                   max_abs_metric_diff=diff(single), max_abs_metric_diff_vmap=diff(peer),
                   runs={k: [round(x, 4) for x in v] for k, v in times.items()},
                   profile=op_profile(spec, task, seeds, device, 0.2 * epochs_scale))
        out.append(row)
        print(f"  {spec.label:14s} stacked {med['stacked']:6.2f}s  vmap {med['vmap']:6.2f}s  "
              f"one-by-one {med['one_by_one']:7.2f}s  speed-up x{row['speedup']:5.1f}  "
              f"vs vmap x{row['stacked_vs_vmap']:4.2f}  "
              f"(max |metric diff| {row['max_abs_metric_diff']:.1e}, vmap {row['max_abs_metric_diff_vmap']:.1e})",
              flush=True)
        prof = row["profile"]
        print(f"    profile: matrix products {100 * prof['matmul_share']:.0f}% of operator time; top: "
              + ", ".join(f"{o['op'].removeprefix('aten::')} {100 * o['share']:.0f}%" for o in prof["top"][:5]),
              flush=True)
    return out


# ----------------------------------------------------------------------------- the floor


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
        fixed = fixed_stage_macs(spec, d, n_out)
        macs = step_macs(spec, d, n_out)
        E = tc.n_epochs(kind)
        members = len(grid.seeds) * len(grid.lrs)
        per_member = (6 * macs * 512 * E + 2 * macs * (256 * E + 512 + 256 + 1024)
                      + 2 * fixed * (512 + 256 + 1024))
        total += per_member * members
    return total


def matmul_floor(flops: float, device, n: int = 512) -> tuple[float, float]:
    """Seconds to do ``flops`` floating-point operations as (n x n) @ (n x n) products."""
    a = torch.randn(n, n, device=device)
    b = torch.randn(n, n, device=device)
    for _ in range(3):
        a @ b
    sync(device)
    reps, t0 = 0, time.perf_counter()
    while time.perf_counter() - t0 < 1.0:
        a @ b
        reps += 1
    sync(device)
    rate = reps * 2 * n ** 3 / (time.perf_counter() - t0)
    return flops / rate, rate


def core_sweep_vs_floor(device, epochs_scale=1.0, n_seeds=10) -> dict:
    """The core sweep, run as the book runs it (stacks on all cores), against the
    matmul floor measured with the same cores."""
    # With its learning curves, as the benchmarks page asks for them (and as sweep_flops counts).
    grid = Grid(tasks=NOTE_TASKS, specs=NOTE_MODELS, seeds=tuple(range(n_seeds)),
                epochs_scale=epochs_scale, val_curve=True)
    stacks = make_stacks([Job(grid, t, s, str(device)) for t, s in grid.jobs()])
    n_jobs = min(len(stacks), torch.get_num_threads()) if device.type == "cpu" else 1
    # The book's plan keeps its worker processes up from its first stack to its last, and the
    # floor is timed after a warm-up: the processes are started (and have imported torch and
    # the library) by a one-epoch run of the same sweep before the timed one.  Their start
    # is reported apart.
    warm = replace(grid, epochs_scale=0.01, seeds=grid.seeds[:n_jobs])
    _, t_start = timed(lambda: run_sweep(warm, device=str(device), n_jobs=n_jobs, cache=False,
                                         progress=False), device)
    sweep = lambda: run_sweep(grid, device=str(device), n_jobs=n_jobs, cache=False, progress=False)  # noqa: E731
    result, t = timed(sweep, device)
    flops = sweep_flops(grid)
    floor, rate = matmul_floor(flops, device)
    print(f"  core sweep {t:.2f}s for {flops / 1e9:.1f} GFLOP in {len(stacks)} stacks (workers started "
          f"and warmed up in {t_start:.2f}s before); matmul floor {floor:.3f}s ({rate / 1e9:.1f} GFLOP/s); "
          f"ratio x{t / floor:.1f}", flush=True)
    out = dict(jobs=len(grid.jobs()), stacks=len(stacks), members=len(grid.jobs()) * n_seeds * 2,
               n_jobs=n_jobs, seconds=t, gflop=flops / 1e9, matmul_gflops=rate / 1e9, floor_s=floor,
               ratio_to_floor=t / floor, warmup_s=t_start, cuda_graphs=cudagraph.wanted(device))
    if device.type == "cpu":  # where a CPU sweep's time goes, by family and by kind of pass
        out.update(by_family=family_floors(grid, result.members, device), passes=pass_rates(device))
    if out["cuda_graphs"]:  # the same sweep without graphs, for the record beside the eager one
        with mock.patch.dict(os.environ, {cudagraph.ENV: "0"}):
            _, t_eager = timed(sweep, device)
        out.update(seconds_eager=t_eager, ratio_to_floor_eager=t_eager / floor)
        print(f"  without CUDA graphs {t_eager:.2f}s, ratio x{t_eager / floor:.1f}", flush=True)
    return out


def family_floors(grid: Grid, members, device) -> list[dict]:
    """Each model family's share of a CPU sweep against its own floor on one core.

    A stack trains on one core (one thread per worker), so a family's *job-seconds*
    (its jobs' shares of their stacks' wall times, summed) are set against its
    arithmetic done as large matrix products by one thread.
    """
    with pinned_threads(1):
        _, rate1 = matmul_floor(1.0, device)
    # Each member row carries its job's share of the stack's time: one per job, summed.
    seconds = members.groupby(["family", "task", "model"])["seconds"].first().groupby("family").sum()
    out = []
    for spec in grid.specs:
        gflop = sweep_flops(replace(grid, specs=(spec,))) / 1e9
        s = float(seconds[spec.family])
        out.append(dict(family=spec.family, model=spec.label, job_seconds=s, gflop=gflop,
                        one_core_gflops=rate1 / 1e9, ratio_to_floor=s / (gflop * 1e9 / rate1)))
    print("  per family, one core: " + ", ".join(f"{r['model']} {r['job_seconds']:.2f} job-s, "
                                                  f"x{r['ratio_to_floor']:.1f} its floor" for r in out), flush=True)
    return out


def pass_rates(device, big: int = 60, small: int = 16, width: int = DENSE.config.widths[-1],
               batch: int = TrainConfig.batch_size, stack_epochs: float = 0.2, repeats: int = 200) -> dict:
    """On one thread: the dense MLP's hidden-layer product on a ``big``-member stack,
    in GFLOP/s; an element-wise pass (an add: two floats read, one written, per element)
    over that stack's activations and over a ``small``-member stack's, in billions of
    elements a second; and the time per member of training a dense stack of each size, for
    ``stack_epochs`` of its epochs.

    These say why a CPU sweep stays several times its floor: the products are
    small (``width`` x ``width`` per member), and a pass over a large stack's
    activations runs at the speed of memory rather than of the core's cache.
    """
    def rate(f, work):
        def calls():
            for _ in range(repeats):
                f()
        med, _, _ = median_runs({"f": calls}, device, 5)
        return work * repeats / med["f"] / 1e9

    with pinned_threads(1):
        h, W = (torch.randn(big, n, width, device=device) for n in (batch, width))
        product = rate(lambda: torch.bmm(h, W), 2 * big * batch * width * width)
        adds = {}
        for m in (small, big):
            a, b = (torch.randn(m, batch, width, device=device) for _ in range(2))
            o = torch.empty_like(a)
            adds[m] = rate(lambda: torch.add(a, b, out=o), a.numel())
        # ... and what a whole stack of each size costs per member: the small one's passes stay in
        # cache, but each of its operations' fixed cost is shared by fewer members
        per_member = {}
        for m in (small, big):
            part = Part(DENSE, "moons", tuple(range(m // len(TrainConfig().lrs))))
            cfg = TrainConfig(epochs_scale=stack_epochs)
            train_stack([part], replace(cfg, epochs_scale=stack_epochs / 10))  # warm-up
            med, _, _ = median_runs({"stack": lambda: train_stack([part], cfg)}, device, 3)
            per_member[m] = med["stack"] / m
    out = dict(product_members=big, product_width=width, product_batch=batch, product_gflops=product,
               pass_members=[small, big], pass_mb=[m * batch * width * 4 / 2 ** 20 for m in (small, big)],
               pass_gfloats=[adds[small], adds[big]],
               stack_ms_per_member=[1e3 * per_member[small], 1e3 * per_member[big]], stack_epochs_scale=stack_epochs)
    print(f"  one thread: a {big}-member {width}-wide product {product:.0f} GFLOP/s; an element-wise pass "
          f"over {small} members {adds[small]:.1f}, over {big} members {adds[big]:.1f} billion elements/s; "
          f"a dense moons stack ({stack_epochs:g} of its epochs) {1e3 * per_member[small]:.1f} ms a member at "
          f"{small} members, {1e3 * per_member[big]:.1f} at {big}", flush=True)
    return out


# ----------------------------------------------------------------------------- readings


def readings() -> list[ModelSpec]:
    """24 HSN readings (the factorial issue 11 runs): DG mask x G scale x input x activation."""
    out = []
    for dg, sr, every, act in itertools.product((0, 1), (None, 0.9, 1.0), (False, True), ("tanh", "relu")):
        out.append(ModelSpec.make(f"HSN dg{dg} sr{sr} every{int(every)} {act}", "hsn", dg_min_inputs=dg,
                                  spectral_radius=sr, input_every_step=every, activation=act))
    return out


def multiverse_stack(device, epochs_scale=1.0, task="moons", seeds=range(10)) -> dict:
    """The readings as the sweep stacks them vs one stack per reading (what a per-job sweep did)."""
    grid = Grid(tasks=(task,), specs=tuple(readings()), seeds=tuple(seeds), epochs_scale=epochs_scale)
    jobs = [Job(grid, t, s, str(device)) for t, s in grid.jobs()]
    per_job = len(grid.seeds) * len(grid.lrs)
    stacked, t1 = timed(lambda: run_jobs(jobs, cache=False, progress=False), device)
    apart, t2 = timed(lambda: run_jobs(jobs, cache=False, progress=False, max_members=per_job), device)
    diff = max(float((stacked[k][0]["test_metric"] - apart[k][0]["test_metric"]).abs().max()) for k in stacked)
    members = len(jobs) * per_job
    n_stacks = len(make_stacks(jobs))
    print(f"  {len(jobs)} readings, {members} members: {n_stacks} stack(s) {t1:.2f}s, one per reading "
          f"{t2:.2f}s, x{t2 / t1:.1f} (max |metric diff| {diff:.1e})", flush=True)
    return dict(readings=len(jobs), members=members, stacks=n_stacks, stacked_s=t1, per_reading_s=t2,
                speedup=t2 / t1, members_per_s=members / t1, max_abs_metric_diff=diff)


# ----------------------------------------------------------------------------- throughput


def throughput(device, seed_counts=(25,), task="moons", epochs_scale=1.0) -> list[dict]:
    """Members trained per second at 1,000+ members: the 24 readings x n seeds x 2 lrs,
    run as the plan runs a sweep (its processes per device), at the device's stack
    size limit and, where that differs, at the CPU's."""
    from scaffold.runtime.plan import _workers
    from scaffold.sweep import max_members_for

    n_jobs, _ = _workers(device.type)
    out = []
    for n in seed_counts:
        grid = Grid(tasks=(task,), specs=tuple(readings()), seeds=tuple(range(n)),
                    epochs_scale=epochs_scale)
        jobs = [Job(grid, t, s, str(device)) for t, s in grid.jobs()]
        members = sum(j.n_members for j in jobs)
        for limit in sorted({max_members_for(device), max_members_for("cpu")}, reverse=True):
            stacks = make_stacks(jobs, limit)
            workers = min(n_jobs, len(stacks))
            _, t = timed(lambda: run_jobs(jobs, n_jobs=workers, cache=False, progress=False,
                                           max_members=limit), device)
            out.append(dict(task=task, members=members, max_members=limit, stacks=len(stacks),
                            n_jobs=workers, seconds=t, members_per_s=members / t))
            print(f"  {members} members in {len(stacks)} stack(s) of <= {limit} on {workers} "
                  f"process(es): {t:.1f}s, {members / t:.1f} members/s", flush=True)
    return out


# ----------------------------------------------------------------------------- tanh


def tanh_cost(device, members: int = 160, batch: int = 64, width: int = 16, repeats: int = 200) -> dict:
    """``torch.tanh`` against :func:`scaffold.fused.tanh_into` on the CA3 states of one
    stack (members x batch rows, ``width`` units), microseconds per call, and the
    largest difference between the two."""
    x = torch.randn(members * batch, width, device=device) * 3
    out = torch.empty_like(x)
    calls = {"torch_tanh": lambda: torch.tanh(x, out=out), "library_tanh": lambda: tanh_into(x, out)}
    med, _, _ = median_runs({k: (lambda f=f: [f() for _ in range(repeats)]) for k, f in calls.items()},
                            device, 5)
    us = {k: 1e6 * v / repeats for k, v in med.items()}
    diff = float((tanh_into(x, torch.empty_like(x)) - torch.tanh(x)).abs().max())
    print(f"  tanh on {members * batch:,} x {width}: torch {us['torch_tanh']:.0f} us, library "
          f"{us['library_tanh']:.0f} us (x{us['torch_tanh'] / us['library_tanh']:.1f}); "
          f"max |difference| {diff:.1e}", flush=True)
    return dict(elements=members * batch * width, torch_tanh_us=us["torch_tanh"],
                library_tanh_us=us["library_tanh"], ratio=us["torch_tanh"] / us["library_tanh"],
                max_abs_diff=diff)


# ----------------------------------------------------------------------------- goals


def goals(report: dict) -> list[dict]:
    """Each target of :data:`GOALS` with the measured value and whether it was met (None: not measured)."""
    def goal(name, value, target, unit, lower=True):
        met = None if value is None else bool(value <= target if lower else value >= target)
        return dict(goal=name, target=target, unit=unit, value=value, met=met, lower_is_better=lower)
    core = report.get("core_sweep") or {}
    on_gpu = str(report.get("device", "")).startswith("cuda")
    out = [goal("core sweep time / matmul floor", core.get("ratio_to_floor"),
                GOALS["gpu_floor_ratio" if on_gpu else "floor_ratio"], "x")]
    for row in report.get("ensemble", ()):
        out.append(goal(f"batched speed-up, {row['model']}, {row['members']} members", row["speedup"],
                        GOALS["batched_speedup"], "x", lower=False))
    for row in report.get("ensemble", ()):
        out.append(goal(f"stacked vs vmap, {row['model']}", row.get("stacked_vs_vmap"), GOALS["vmap_ratio"],
                        "x", lower=False))
    book = report.get("book") or {}
    if book.get("profile", "full") != "full":
        book = {}  # the goals are for the full book; a quick-profile build is only reported
    for name, key, target in (("cold make book, environment present", "cold", "cold_book_s"),
                              ("fresh clone: set-up and make book", "fresh_clone", "fresh_clone_s"),
                              ("make book after a library edit", "library", "library_edit_s"),
                              ("make book after a narrative edit", "narrative", "narrative_edit_s")):
        # A build timed without its HTML step (tools/gpu_check.py --book) is not the build the
        # target is for: its time is reported, not judged.
        whole = key in book and "html" not in book[key]
        out.append(goal(name, book[key]["seconds"] if whole else None, GOALS[target], "s"))
    test = report.get("test") or {}
    out.append(goal("make test", test.get("seconds"), GOALS["make_test_s"], "s"))
    return out


def merge(paths) -> dict:
    """One report from several partial ones (``--parts``, ``--book-builds``) of one machine.

    A short GPU lease runs the parts in separate calls; this joins them.  The reports
    must come from the same device, torch and machine; a part measured in two of
    them is an error, not silently overwritten.  The goals are judged again.
    """
    reports = [json.loads(Path(p).read_text()) for p in paths]
    same = ("device", "torch", "python", "machine", "gpu")  # not the commit: parts may be measured apart
    for r in reports[1:]:
        diff = [k for k in same if r.get(k) != reports[0].get(k)]
        if diff:
            raise ValueError(f"reports differ in {diff}: not one machine")
    out = {k: reports[0][k] for k in reports[0] if k not in (*PARTS_KEYS, "goals")}
    out["merged_from"] = [Path(p).name for p in paths]
    out["merged_commits"] = [r.get("commit") for r in reports]  # the commit each part was measured at
    # Reports from before the date was recorded: the day the files were written.
    out.setdefault("date", min(r.get("date") or time.strftime("%Y-%m-%d", time.gmtime(Path(p).stat().st_mtime))
                               for r, p in zip(reports, paths)))
    for r in reports:
        for k in PARTS_KEYS:
            if k in r:
                if k in out:
                    raise ValueError(f"part {k!r} appears in more than one report")
                out[k] = r[k]
    out["goals"] = goals(out)
    return out


def cpu_model() -> str:
    """The processor's name (``/proc/cpuinfo``; elsewhere what ``platform`` knows): ratios
    such as the core sweep's to its floor differ from one processor to another."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def git_commit() -> str | None:
    """The commit measured (``-dirty`` if the working tree had changes), or None outside git."""
    import subprocess

    try:
        return subprocess.run(["git", "describe", "--always", "--dirty"], cwd=Path(__file__).resolve().parent,
                              capture_output=True, text=True, timeout=10, check=True).stdout.strip() or None
    except (OSError, subprocess.SubprocessError):
        return None


def header(device, epochs_scale: float = 1.0) -> dict:
    """What a report says of the machine it was measured on (``--merge`` checks they agree)."""
    device = torch.device(device)
    out = dict(date=time.strftime("%Y-%m-%d", time.gmtime()), commit=git_commit(), device=str(device),
               torch=torch.__version__, python=platform.python_version(),
               machine=platform.machine(), cpu=cpu_model(), threads=torch.get_num_threads(),
               epochs_scale=epochs_scale, load_average=list(os.getloadavg()))
    if device.type == "cuda":
        out["gpu"] = torch.cuda.get_device_name(device)
    return out


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--device", default="auto")
    ap.add_argument("--epochs-scale", type=float, default=1.0,
                    help="1.0 is the note's schedule; smaller for a smoke run")
    ap.add_argument("--repeats", type=int, default=3, help="runs per ensemble timing (median reported)")
    ap.add_argument("--out", default=str(RESULTS / "bench.json"))
    ap.add_argument("--threads", type=int, default=0,
                    help="torch threads for the training benchmarks (0: all cores, as a lone sweep would use)")
    ap.add_argument("--book", action="store_true", help="also time make book (slow)")
    ap.add_argument("--book-profile", default="full", choices=["full", "quick"])
    ap.add_argument("--book-builds", default="cold,noop,narrative,library",
                    help="the first of cold,noop,narrative,library to time (a short GPU lease: cold)")
    ap.add_argument("--test", action="store_true", help="also time make test as CI runs it (slow)")
    ap.add_argument("--parts", default=",".join(PARTS),
                    help=f"comma-separated subset of {','.join(PARTS)} (default: all)")
    ap.add_argument("--throughput-seeds", default=None,
                    help="seed counts for the throughput part, e.g. 25,100 (default: 25; 25,100 on a GPU)")
    ap.add_argument("--merge", nargs="+", metavar="REPORT",
                    help="join partial reports of one machine into --out, measuring nothing")
    args = ap.parse_args(argv)
    if args.merge:
        report = merge(args.merge)
        _write(report, Path(args.out))
        return report
    parts = set(filter(None, args.parts.split(",")))
    if parts - set(PARTS):
        ap.error(f"unknown part(s) {sorted(parts - set(PARTS))}; choose from {list(PARTS)}")
    device = resolve_device(args.device)
    # make exports OMP_NUM_THREADS for its parallel sections; a benchmark run alone
    # should use every core, as a lone sweep would.
    torch.set_num_threads(args.threads or os.cpu_count() or 1)
    report = header(device, args.epochs_scale)
    print(f"[bench] device={device} epochs_scale={args.epochs_scale} repeats={args.repeats}")
    n = torch.get_num_threads()
    torch.set_num_threads(1)  # as the sweep trains: one thread per stack
    if "ensemble" in parts:
        print("[bench] 1. stacked ensemble vs vmap vs one-by-one (20 members, moons)")
        report["ensemble"] = ensemble_speedup(device, args.epochs_scale, repeats=args.repeats)
    if "multiverse" in parts:
        print("[bench] 2. readings multiverse: one stack vs one per reading (moons)")
        report["multiverse"] = multiverse_stack(device, args.epochs_scale)
    if "throughput" in parts:
        seeds = args.throughput_seeds or ("25,100" if device.type == "cuda" else "25")
        print("[bench] 3. members per second at 1,000+ members (readings x seeds, moons)")
        report["throughput"] = throughput(device, tuple(int(x) for x in seeds.split(",")),
                                          epochs_scale=args.epochs_scale)
    torch.set_num_threads(n)
    if "core" in parts:
        print("[bench] 4. core sweep vs its matmul compute floor")
        report["core_sweep"] = core_sweep_vs_floor(device, args.epochs_scale)
    if "tanh" in parts:
        print("[bench] 5. the CA3 activation: torch.tanh vs the library's")
        torch.set_num_threads(1)
        report["tanh"] = tanh_cost(device)
        torch.set_num_threads(n)
    if args.book or args.test:
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        from bookbench import time_book, time_test
    if args.book:
        print("[bench] 6. make book wall times, in a fresh clone")
        report["book"] = time_book(args.book_profile, args.book_builds.split(","), device.type)
    if args.test:
        print("[bench] 7. make test wall time")
        report["test"] = time_test()
    report["goals"] = goals(report)
    for g in report["goals"]:
        state = {True: "met", False: "MISSED", None: "not measured"}[g["met"]]
        value = "-" if g["value"] is None else f"{g['value']:.1f}"
        print(f"  goal {g['goal']}: {value} (target {g['target']:g} {g['unit']}) {state}")
    _write(report, Path(args.out))
    return report


def _write(report: dict, out: Path) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(".tmp")
    tmp.write_text(json.dumps(report, indent=2))
    tmp.replace(out)  # a reader never sees half a report
    print(f"[bench] wrote {out}")


if __name__ == "__main__":
    main()
