"""The one timing module (scaffold.timing): clocks, thread pinning, interleaved medians."""

import time

import torch

from scaffold import timing


def test_time_many_orders_work_and_uses_thread_clock_on_cpu():
    a, b = torch.randn(64, 64), torch.randn(256, 256)
    t = timing.time_many({"small": lambda: a @ a, "big": lambda: b @ b}, "cpu", rounds=5, min_time=1e-3)
    assert set(t) == {"small", "big"} and all(v > 0 for v in t.values())
    assert t["big"] > 4 * t["small"]  # 64x the arithmetic
    assert timing.clock_for("cpu") == (time.thread_time, "thread_time")
    assert timing.clock_for("cuda")[1] == "perf_counter" and timing.clock_for("cpu", 2)[1] == "perf_counter"


def test_pinned_threads_sets_and_restores():
    before = torch.get_num_threads()
    target = 1 if before != 1 else 2
    with timing.pinned_threads(target):
        assert torch.get_num_threads() == target
    assert torch.get_num_threads() == before
    with timing.pinned_threads(None):
        assert torch.get_num_threads() == before


def test_time_many_pins_one_thread_while_timing_on_cpu():
    seen = []
    timing.time_many({"f": lambda: seen.append(torch.get_num_threads())}, "cpu", rounds=2, warmup=1,
                     min_time=0.0, threads=1)
    assert seen and set(seen) == {1}


def test_timed_and_median_runs():
    out, s = timing.timed(lambda: 42)
    assert out == 42 and s >= 0
    calls = []
    med, runs, last = timing.median_runs({"a": lambda: calls.append("a") or len(calls),
                                          "b": lambda: calls.append("b") or -len(calls)}, repeats=3)
    assert calls == ["a", "b"] * 3  # interleaved, in the given order
    assert set(med) == {"a", "b"} and len(runs["a"]) == 3 and last == {"a": 5, "b": -6}
    assert med["a"] == sorted(runs["a"])[1]
