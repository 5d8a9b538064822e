"""The benchmarks in tools/: the vmap peer trains the same members, goals are judged right,
and the book benchmark's narrative edit touches markdown only.  (No timings here.)"""

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import jupytext
import numpy as np
import pytest
import torch

from scaffold.models import CEN_NOTE, DENSE, ModelSpec, build_stack
from scaffold.train import Part, TrainConfig, train_stack

TOOLS = Path(__file__).resolve().parents[1] / "tools"
pytestmark = pytest.mark.usefixtures("one_thread")  # see conftest.py


def _tool(name):
    spec = importlib.util.spec_from_file_location(f"tools_{name}", TOOLS / f"{name}.py")
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod
    spec.loader.exec_module(mod)
    return mod


bench, bookbench = _tool("bench"), _tool("bookbench")
HSN_REP = ModelSpec.make("HSN rep", "hsn", dg_min_inputs=1, spectral_radius=0.9)


@pytest.mark.parametrize("spec", [DENSE, HSN_REP, CEN_NOTE], ids=["dense", "hsn", "cen"])
def test_vmap_peer_is_the_same_function(spec):
    seeds = [0, 0, 3, 3]
    stacked = build_stack([spec] * 4, 2, 1, seeds)
    peer = bench.VmapEnsemble(stacked)
    x = torch.randn(4, 9, 2)
    with torch.no_grad():
        torch.testing.assert_close(peer(x), stacked(x), rtol=1e-6, atol=1e-6)
    assert sum(p.numel() for p in peer.parameters()) == sum(p.numel() for p in stacked.parameters())


def test_vmap_peer_trains_the_same_members():
    cfg = TrainConfig(epochs_scale=0.02)
    part = Part(HSN_REP, "moons", (0, 1))
    ours = train_stack([part], cfg)[0].members
    peer = train_stack([part], cfg, build=bench.build_vmap)[0].members
    np.testing.assert_allclose(ours.test_metric, peer.test_metric, atol=1e-5)
    np.testing.assert_allclose(ours.train_loss, peer.train_loss, rtol=1e-5, atol=1e-6)


def test_readings_are_the_full_factorial():
    r = bench.readings()
    assert len(r) == 24 and len({s.label for s in r}) == 24
    assert len({s.shape_key for s in r}) == 1  # all of them fit one stack


def test_goals_say_met_missed_or_not_measured():
    report = dict(core_sweep=dict(ratio_to_floor=5.0),
                  ensemble=[dict(model="Dense MLP", members=20, speedup=12.0, stacked_vs_vmap=1.6),
                            dict(model="CEN", members=20, speedup=8.0, stacked_vs_vmap=1.2)],
                  book=dict(cold=dict(seconds=450.0), fresh_clone=dict(seconds=480.0),
                            narrative=dict(seconds=12.0)))
    got = {g["goal"]: g["met"] for g in bench.goals(report)}
    assert got["core sweep time / matmul floor"] is False
    assert got["batched speed-up, Dense MLP, 20 members"] is True
    assert got["batched speed-up, CEN, 20 members"] is False
    assert got["stacked vs vmap, Dense MLP"] is True and got["stacked vs vmap, CEN"] is False
    assert got["cold make book, environment present"] is False  # 450 s against 400 s
    assert got["fresh clone: set-up and make book"] is True
    assert got["make book after a narrative edit"] is False
    assert got["make book after a library edit"] is None and got["make test"] is None


def test_goals_of_a_partial_run_are_not_measured():
    # A GPU check may run only some parts (--parts): the rest reads "not measured".
    got = {g["goal"]: g["met"] for g in bench.goals(dict(throughput=[]))}
    assert got["core sweep time / matmul floor"] is None
    assert got["cold make book, environment present"] is None and got["fresh clone: set-up and make book"] is None
    assert not any(k.startswith("batched") for k in got)


def test_throughput_reports_members_per_second(monkeypatch):
    monkeypatch.setattr(bench, "readings", _two_readings)
    rows = bench.throughput(torch.device("cpu"), seed_counts=(1,), task="sine", epochs_scale=0.01)
    assert len(rows) == 1  # on CPU the device's stack limit is the CPU's
    (row,) = rows
    assert row["members"] == 2 * 1 * 2 and row["max_members"] == 160 and row["stacks"] == 1
    assert row["members_per_s"] == pytest.approx(row["members"] / row["seconds"])


def _two_readings():
    from scaffold.models import ModelSpec
    return [ModelSpec.make(f"HSN sr{sr}", "hsn", spectral_radius=sr, T=1) for sr in (None, 0.9)]


def test_narrative_edit_changes_markdown_only(tmp_path):
    src = tmp_path / "s.py"
    src.write_text("# %% [markdown]\n# # Title\n#\n# Text.\n\n# %%\nx = 1\n\n"
                   "# %% [markdown]\n# More.\n\n# %%\ny = x + 1\n")
    before = jupytext.read(src)
    bookbench._edit_markdown(src)
    after = jupytext.read(src)
    code = lambda nb: [c.source for c in nb.cells if c.cell_type == "code"]  # noqa: E731
    md = lambda nb: [c.source for c in nb.cells if c.cell_type == "markdown"]  # noqa: E731
    assert code(before) == code(after)
    assert md(before) != md(after) and "benchmark" in md(after)[0]
    assert md(before)[1] == md(after)[1]


def test_merge_joins_parts_of_one_machine_and_refuses_others(tmp_path):
    base = dict(device="cuda", torch="2.11", python="3.12", machine="x86_64", gpu="H200")
    a, b, c = (tmp_path / f"{n}.json" for n in "abc")
    a.write_text(json.dumps({**base, "core_sweep": dict(ratio_to_floor=3.0), "goals": []}))
    b.write_text(json.dumps({**base, "commit": "abc1234", "book": dict(cold=dict(seconds=200.0), profile="full")}))
    merged = bench.merge([a, b])
    assert merged["core_sweep"]["ratio_to_floor"] == 3.0 and merged["book"]["cold"]["seconds"] == 200.0
    assert merged["merged_commits"] == [None, "abc1234"]  # each part's commit, where it was recorded
    met = {g["goal"]: g["met"] for g in merged["goals"]}
    assert met["core sweep time / matmul floor"] is True and met["cold make book, environment present"] is True
    c.write_text(json.dumps({**base, "torch": "2.13", "ensemble": []}))
    with pytest.raises(ValueError, match="not one machine"):
        bench.merge([a, c])
    with pytest.raises(ValueError, match="more than one report"):
        bench.merge([a, a])


def test_fresh_clone_environment_points_nowhere_here(monkeypatch):
    """The book benchmark's clone must not import this checkout's src/ or use its settings."""
    monkeypatch.setenv("PYTHONPATH", "/somewhere/src")
    monkeypatch.setenv("SCAFFOLD_RESULTS", "/somewhere/results")
    monkeypatch.setenv("VIRTUAL_ENV", "/somewhere/.venv")
    monkeypatch.setenv("PATH", "/somewhere/.venv/bin:/usr/bin")
    monkeypatch.setenv("PYTHONPYCACHEPREFIX", "/somewhere/.cache/pycache")
    env = bookbench.clean_env(SCAFFOLD_CACHE="/tmp/cache")
    assert "PYTHONPATH" not in env and "SCAFFOLD_RESULTS" not in env and "VIRTUAL_ENV" not in env
    assert "PYTHONPYCACHEPREFIX" not in env  # the clone compiles its own bytecode, as a fresh one would
    assert env["SCAFFOLD_CACHE"] == "/tmp/cache" and env["PATH"] == "/usr/bin"


def test_tanh_cost_reports_both_and_their_difference():
    got = bench.tanh_cost(torch.device("cpu"), members=4, batch=8, repeats=2)
    assert got["elements"] == 4 * 8 * 16 and got["torch_tanh_us"] > 0 and got["library_tanh_us"] > 0
    assert got["max_abs_diff"] < 4e-7 and got["ratio"] == got["torch_tanh_us"] / got["library_tanh_us"]


def test_on_a_gpu_the_core_sweep_goal_is_fifty_times_its_floor():
    core = lambda r: {g["goal"]: g for g in bench.goals(dict(device="cuda", core_sweep=dict(ratio_to_floor=r)))}[
        "core sweep time / matmul floor"]
    assert core(40.0)["met"] is True and core(60.0)["met"] is False and core(40.0)["target"] == 50.0


def test_the_time_left_is_exact_when_the_costs_are_the_true_times_on_one_worker():
    fit = _tool("fit_stack_cost")
    seconds = np.array([5.0, 3.0, 2.0, 1.0, 1.0])
    assert all(v == pytest.approx(1.0) for v in fit.eta_ratios(seconds, seconds, 1).values())
    # Costs that take the first stack for half the work make the estimate too low early.
    assert fit.eta_ratios(np.array([10.0, 3.0, 2.0, 1.0, 1.0]), seconds, 1)[0.25] < 1.0


def test_the_gpu_check_adds_the_books_timing_to_the_report_it_is_given(tmp_path, monkeypatch):
    gpu_check = _tool("gpu_check")
    timed = dict(seconds=160.0, plan_s=50.0, executed=7, html="not timed")
    monkeypatch.setattr(gpu_check, "time_book", lambda python: dict(timed, python=python))
    out = tmp_path / "bench-cuda.json"
    out.write_text(json.dumps(dict(device="cuda", gpu="H200", core_sweep=dict(ratio_to_floor=85.0))))
    gpu_check._book_report(type("Args", (), dict(python="python3"))(), out)
    report = json.loads(out.read_text())
    assert report["core_sweep"]["ratio_to_floor"] == 85.0  # the parts measured before are kept
    assert report["book"] == dict(cold=dict(timed, python="python3"), profile="full")


def test_a_book_timed_without_its_html_step_is_reported_not_judged():
    part = dict(seconds=160.0, plan_s=50.0, html="not timed")
    met = {g["goal"]: g for g in bench.goals(dict(device="cuda", book=dict(cold=part, profile="full")))}
    assert met["cold make book, environment present"]["met"] is None
    whole = {g["goal"]: g for g in bench.goals(dict(device="cuda", book=dict(cold=dict(seconds=160.0),
                                                                            profile="full")))}
    assert whole["cold make book, environment present"]["met"] is True


pairbench = _tool("pairbench")


def test_pairbench_summary_is_each_median_over_the_working_trees():
    rows = pairbench.summarize({"working tree": [2.0, 4.0, 3.0], "abc1234": [6.0, 5.0, 7.0]})
    assert [r["code"] for r in rows] == ["working tree", "abc1234"]
    assert rows[0]["median_s"] == 3.0 and rows[0]["vs_reference"] == 1.0
    assert rows[1]["median_s"] == 6.0 and rows[1]["vs_reference"] == 2.0
    assert (rows[1]["min_s"], rows[1]["max_s"]) == (5.0, 7.0)


def test_pairbench_times_a_checked_out_commit(tmp_path):
    """A commit checked out apart runs the timer with its own library (one tiny sweep)."""
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=TOOLS.parent, check=True, capture_output=True,
                          text=True).stdout.strip()
    folder, commit = pairbench.fresh_clone(tmp_path, head, name=head)  # checked out at a named commit
    assert (folder / "src" / "scaffold" / "sweep.py").exists() and len(commit) >= 7
    assert pairbench.time_once(folder, 0.01, 1) > 0
    with pytest.raises(SystemExit):
        pairbench.main(["HEAD", "--rounds", "0"])
    with pytest.raises(SystemExit):
        pairbench.main(["no-such-commit"])


def test_pairbench_times_the_plan_from_an_empty_cache_of_its_own():
    """--plan runs the book's plan with a tree's library in a cache made for the run: the
    tree's own cache gains no entry; a plan that fails says so, with the plan's own error."""
    tree_cache = TOOLS.parent / ".cache" / "sweeps"  # where the tree's plan would write without one
    before = set(tree_cache.glob("*"))
    assert pairbench.time_plan(TOOLS.parent, 0.01, 2, profile="quick", n_seeds=2) > 0
    assert set(tree_cache.glob("*")) == before
    with pytest.raises(RuntimeError, match="n_seeds must be at least 2"):
        pairbench.time_plan(TOOLS.parent, 0.01, 1, profile="quick", n_seeds=1)


def test_family_floors_count_each_job_once():
    """A member row carries its job's share of the stack's seconds: the family's job-seconds
    sum them once per job, not once per member."""
    import pandas as pd
    from scaffold.sweep import Grid

    grid = Grid(tasks=("moons", "sine"), specs=(DENSE, CEN_NOTE), seeds=(0, 1), epochs_scale=0.1)
    rows = [dict(family=s.family, task=t, model=s.label, seconds=sec)
            for (t, s), sec in zip(grid.jobs(), (1.0, 2.0, 3.0, 4.0)) for _ in range(4)]
    out = {r["family"]: r for r in bench.family_floors(grid, pd.DataFrame(rows), torch.device("cpu"))}
    jobs = dict(zip(grid.jobs(), (1.0, 2.0, 3.0, 4.0)))
    assert out["dense"]["job_seconds"] == sum(v for (_, s), v in jobs.items() if s is DENSE)
    assert out["cen"]["job_seconds"] == sum(v for (_, s), v in jobs.items() if s is CEN_NOTE)
    for r in out.values():  # a family's floor is its own arithmetic at one core's rate
        floor = r["gflop"] / r["one_core_gflops"]
        assert r["ratio_to_floor"] == pytest.approx(r["job_seconds"] / floor)
    assert sum(r["gflop"] for r in out.values()) == pytest.approx(bench.sweep_flops(grid) / 1e9)


def test_a_report_names_the_commit_it_measured():
    c = bench.header("cpu")["commit"]
    assert c is None or (len(c.removesuffix("-dirty")) >= 7 and all(
        ch in "0123456789abcdef" for ch in c.removesuffix("-dirty")))
