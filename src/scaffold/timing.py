"""Timing torch code: one clock, one synchronisation, one way to take a median.

Used by the limitations page (:mod:`scaffold.latency`) and by ``tools/bench.py``:

- :func:`sync` waits for a device's queued kernels (CUDA and MPS run asynchronously,
  so a clock read without it measures the launch, not the work);
- :func:`timed` runs a function once between two synchronisations (wall time);
- :func:`time_many` times several functions in interleaved rounds after a warm-up
  and reports each one's median, so that a burst of load from other processes hits
  all of them alike; on a one-thread CPU it reads the calling thread's CPU time
  (:func:`clock_for`), which other processes cannot inflate.
"""

from __future__ import annotations

import statistics
import time
from contextlib import contextmanager

import torch


def sync(device) -> None:
    """Wait until ``device`` has finished the work queued on it (a no-op on the CPU)."""
    kind = torch.device(device).type
    if kind == "cuda":
        torch.cuda.synchronize()
    elif kind == "mps":
        torch.mps.synchronize()


def timed(fn, device="cpu"):
    """``(fn(), seconds)``: one call of ``fn`` in wall time, the device synchronised around it."""
    sync(device)
    t0 = time.perf_counter()
    out = fn()
    sync(device)
    return out, time.perf_counter() - t0


@contextmanager
def pinned_threads(n: int | None):
    """Torch's intra-op threads set to ``n`` inside the block (None: left as they are)."""
    old = torch.get_num_threads()
    if n:
        torch.set_num_threads(n)
    try:
        yield
    finally:
        torch.set_num_threads(old)


def clock_for(device, threads: int | None = 1):
    """The clock for ``device``: ``(function, name)``.

    On a one-thread CPU, the CPU time of the calling thread (``time.thread_time``):
    all of a model's work runs in that thread, and wall time on a CPU shared with
    other processes mostly measures them.  Elsewhere wall time (``time.perf_counter``):
    GPU kernels run asynchronously (read after :func:`sync`), and a multi-threaded CPU
    works in other threads too.
    """
    if torch.device(device).type == "cpu" and threads == 1:
        return time.thread_time, "thread_time"
    return time.perf_counter, "perf_counter"


def time_many(fns: dict, device="cpu", rounds: int = 25, warmup: int = 3,
              min_time: float = 2e-3, threads: int | None = 1) -> dict:
    """Median seconds per call of each ``fns[name]()``, timed in interleaved rounds.

    Each function is first called ``warmup`` times; every round then times every
    function once, repeated ``inner`` times so that a round lasts about ``min_time``.
    On the CPU, torch is pinned to ``threads`` threads meanwhile (None: left as it is).
    """
    cpu = torch.device(device).type == "cpu"
    clock = clock_for(device, threads)[0]
    with pinned_threads(threads if cpu else None):
        inner = {name: _repeats(fn, device, warmup, min_time, clock) for name, fn in fns.items()}
        times = {name: [] for name in fns}
        for _ in range(rounds):
            for name, fn in fns.items():
                t0 = clock()
                for _ in range(inner[name]):
                    fn()
                sync(device)
                times[name].append((clock() - t0) / inner[name])
    return {name: float(statistics.median(v)) for name, v in times.items()}


def _repeats(fn, device, warmup: int, min_time: float, clock) -> int:
    """Calls of ``fn`` per round so that a round lasts about ``min_time`` (after the warm-up)."""
    for _ in range(warmup):
        fn()
    sync(device)
    t0 = clock()
    fn()
    sync(device)
    return max(1, int(min_time / max(clock() - t0, 1e-7)))


def median_runs(fns: dict, device="cpu", repeats: int = 3) -> tuple[dict, dict, dict]:
    """Long runs (a training run) timed in interleaved repeats, without inner repeats.

    Returns ``(medians, runs, outputs)`` by name: the median of ``repeats``
    :func:`timed` calls, every call's seconds, and the last call's output.
    """
    runs, outputs = {name: [] for name in fns}, {}
    for _ in range(repeats):
        for name, fn in fns.items():
            outputs[name], seconds = timed(fn, device)
            runs[name].append(seconds)
    return {name: float(statistics.median(v)) for name, v in runs.items()}, runs, outputs
