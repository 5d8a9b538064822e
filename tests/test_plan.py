"""One plan for the book (scaffold.runtime.plan): grids collected, jobs deduplicated, longest first, cache filled."""

import sys
import time

import pytest

import scaffold.sweep as sweep
from scaffold.runtime import plan
from scaffold.models import DENSE, ModelSpec
from scaffold.sweep import Grid, run_sweep

pytestmark = pytest.mark.usefixtures("one_thread")  # see conftest.py

HSN = ModelSpec.make("HSN rep", "hsn", dg_min_inputs=1, spectral_radius=0.9)
A = Grid(tasks=("moons", "sine"), specs=(DENSE, HSN), seeds=(0, 1), epochs_scale=0.01)
B = Grid(tasks=("moons",), specs=(DENSE,), seeds=(0, 1), epochs_scale=0.01)  # a job A has too
C = Grid(tasks=("circles",), specs=(DENSE,), seeds=(0, 1, 2), epochs_scale=0.01)


def test_plan_deduplicates_jobs_across_grids():
    jobs = plan.plan_jobs([A, B, C, A])
    assert len(jobs) == 4 + 1  # A's four, B's is A's (moons, dense), C's one
    assert len({j.key for j in jobs}) == len(jobs)
    assert {(j.task, j.spec.label) for j in jobs} == {
        ("moons", "Dense MLP"), ("moons", "HSN rep"), ("sine", "Dense MLP"), ("sine", "HSN rep"),
        ("circles", "Dense MLP")}


@pytest.mark.parametrize("profile", ["quick", "full"])
def test_no_two_planned_jobs_of_the_book_have_equal_definitions(profile, tmp_path, monkeypatch):
    """Every chapter's grids: what trains twice under two names (or traced and not) is found."""
    from scaffold.runtime.setup import setup

    monkeypatch.setenv("SCAFFOLD_RESULTS", str(tmp_path))
    grids = plan.collect_grids(setup("cpu", profile))
    asked = [sweep.Job(g, t, s) for g in grids.values() for t, s in g.jobs()]
    jobs = plan.plan_jobs(grids.values())
    definitions = [j.definition_text for j in jobs]
    assert len(set(definitions)) == len(definitions)
    assert {j.definition_text for j in asked} == set(definitions)  # nothing asked for is lost
    # Every traced request is served by the one job of its definition, with that trace or longer.
    longest = {j.key: j.trace_T for j in jobs}
    assert all(longest[j.key] >= j.trace_T for j in asked)
    assert any(j.trace_T for j in jobs) and len(asked) > len(jobs)


def test_plan_runs_longest_first():
    stacks = sweep.make_stacks(plan.plan_jobs([A, B, C]))  # what run_plan trains on an empty cache
    costs = [sweep.stack_cost(st) for st in stacks]
    assert costs == sorted(costs, reverse=True)
    # sine trains twice the epochs of the binary tasks: its HSN stack goes first
    where = {frozenset((j.task, j.spec.label) for j in st): i for i, st in enumerate(stacks)}
    assert where[frozenset({("sine", "HSN rep")})] < where[frozenset({("moons", "HSN rep")})]
    # moons and circles (same kind and sizes) share the dense stack
    assert any({(j.task, j.spec.label) for j in st} == {("moons", "Dense MLP"), ("circles", "Dense MLP")}
               for st in stacks)


def test_run_plan_fills_the_cache_for_the_sections(tmp_path, monkeypatch):
    monkeypatch.setattr(sweep, "CACHE", tmp_path)
    summary = plan.run_plan([A, B, C], n_jobs=1)
    assert (summary["jobs"], summary["members"]) == (5, 4 * 4 + 6)

    def boom(*a, **k):
        raise AssertionError("a section trained although the plan had run")
    monkeypatch.setattr(sweep, "train_stack", boom)
    for g in (A, B, C):
        assert len(run_sweep(g, progress=False).members) == len(g.jobs()) * len(g.seeds) * 2


def test_collect_grids_from_chapter_modules(tmp_path, monkeypatch):
    pkg = tmp_path / "fakechapters"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "alpha.py").write_text(
        "from scaffold.models import DENSE\nfrom scaffold.sweep import Grid\n"
        "def grids(cfg):\n"
        "    return {'core': Grid(tasks=('moons',), specs=(DENSE,), seeds=tuple(range(cfg)))}\n")
    (pkg / "beta.py").write_text("X = 1  # a chapter without training\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    got = plan.collect_grids(3, package="fakechapters")
    assert list(got) == ["alpha.core"] and got["alpha.core"].seeds == (0, 1, 2)
    assert plan.collect_grids(3, package="no_such_chapters_package") == {}
    sys.modules.pop("fakechapters", None)


def test_params_parse_like_papermill():
    assert plan._params(["-p", "profile", "quick", "-p", "n_seeds", "3"]) == {"profile": "quick", "n_seeds": "3"}


@pytest.mark.parametrize("args,match", [(["-p", "n_seeds", "abc"], "n_seeds must be a whole number"),
                                        (["-p", "profile", "medium"], "unknown profile 'medium'"),
                                        (["-p", "device", "tpu"], "unknown device 'tpu'")])
def test_plan_refuses_bad_parameters_by_name(args, match, capsys):
    with pytest.raises(SystemExit) as e:
        plan.main(args)
    assert e.value.code == 2 and match in capsys.readouterr().err


# ----------------------------------------------------------------------------- rounds to a fixpoint

CPU = type("Cfg", (), {"device": "cpu"})()  # what plan_rounds reads of a RunConfig
PHASE1 = Grid(tasks=("moons",), specs=(DENSE,), seeds=(0, 1), epochs_scale=0.01)


def _two_phases(cfg):
    """A chapter whose second sweep depends on the first one's results in the cache."""
    out = {"phase 1": PHASE1}
    first = sweep.cached_sweep(PHASE1)
    if first is not None:  # e.g. controls only where the model trained at all
        widths = sorted({int(8 * (1 + m)) for m in first.members.seed})
        out["phase 2"] = Grid(tasks=("moons",), specs=tuple(
            ModelSpec.make(f"Dense w={w}", "dense", widths=(w,)) for w in widths),
            seeds=(0, 1), epochs_scale=0.01)
    return out


def test_plan_rounds_train_a_second_phase_declared_from_the_first(tmp_path, monkeypatch):
    monkeypatch.setattr(sweep, "CACHE", tmp_path)
    cfg = CPU
    rounds = plan.plan_rounds(cfg, collect=_two_phases, n_jobs=1, progress=False)
    assert [(r["round"], r["jobs"]) for r in rounds] == [(1, 1), (2, 2)]  # then nothing new
    assert sweep.cached_sweep(_two_phases(cfg)["phase 2"]) is not None
    again = plan.plan_rounds(cfg, collect=_two_phases, n_jobs=1, progress=False)
    assert [r["jobs"] for r in again] == [3]  # one round: every job read from the cache


def test_plan_rounds_stop_after_the_last_round(tmp_path, monkeypatch):
    monkeypatch.setattr(sweep, "CACHE", tmp_path)
    calls = []

    def ever_more(cfg):  # a chapter that never settles: one more seed every time it is asked
        calls.append(1)
        return {"g": Grid(tasks=("moons",), specs=(DENSE,), seeds=tuple(range(len(calls) + 1)),
                          epochs_scale=0.01)}
    rounds = plan.plan_rounds(CPU, collect=ever_more, rounds=2, n_jobs=1, progress=False)
    assert len(rounds) == 2 and rounds[-1]["left"] == 1 and len(calls) == 3


# ----------------------------------------------------------------------------- what the terminal shows

def _stacks():
    return sweep.make_stacks(plan.plan_jobs([A, B, C]))


def test_progress_line_on_a_terminal_is_one_line_rewritten(capsys):
    import io

    out = io.StringIO()
    line = plan.ProgressLine(out, tty=True)
    stacks = _stacks()
    line.start(stacks)
    for st in stacks:
        line.finished(st)
    line.note("warning: an entry was recomputed")
    line.close()
    text = out.getvalue()
    assert text.count("\n") == 2  # the note's line and the closing newline: one line otherwise
    updates = text.split("\r\x1b[K")[1:]
    assert len(updates) >= len(stacks)
    assert "1 of 5 jobs trained" in updates[0] or "2 of 5 jobs trained" in updates[0]
    assert "members/s" in updates[0] and "left" in updates[0]
    assert "5 of 5 jobs trained" in text and "warning: an entry was recomputed\n" in text


def test_progress_off_a_terminal_prints_every_tenth():
    import io

    out = io.StringIO()
    line = plan.ProgressLine(out, tty=False)
    jobs = [sweep.Job(Grid(tasks=("moons",), specs=(ModelSpec.make(f"d{i}", "dense", widths=(i + 1,)),),
                           seeds=(0,)), "moons", ModelSpec.make(f"d{i}", "dense", widths=(i + 1,)))
            for i in range(40)]
    stacks = [[j] for j in jobs]
    line.start(stacks)
    for st in stacks:
        line.finished(st)
    lines = out.getvalue().splitlines()
    assert "\r" not in out.getvalue() and len(lines) == 1 + 10  # the start, then each tenth
    assert lines[-1].startswith("plan: 40 of 40 jobs trained")


# ----------------------------------------------------------------------------- workers that stay up

def _hungry_task(n_blocks: int) -> tuple[int, int]:
    """A stack's memory pattern: 100 MB blocks freed at the end, kept by glibc for reuse,
    then handed back.  Returns the worker's pid and the bytes handing back freed."""
    import os
    import time

    import psutil
    import torch

    from scaffold.train import keep_freed_memory

    keep_freed_memory()
    blocks = [torch.ones(25_000_000) for _ in range(n_blocks)]
    del blocks
    kept = psutil.Process().memory_info().rss
    sweep.release_freed_memory()
    freed = kept - psutil.Process().memory_info().rss
    time.sleep(1.1)  # loky looks at a worker's memory at most once a second
    return os.getpid(), freed


def test_local_workers_are_not_restarted_after_a_stack():
    """loky restarts a worker whose memory grew 300 MB since its first task ("A worker
    stopped while some jobs were given to the executor"): glibc keeps what training
    freed, so a larger stack after a small one looked like a leak.  Handed back, the
    memory no longer grows, and the two workers do every task."""
    import warnings

    import joblib
    from joblib.externals.loky import process_executor

    with warnings.catch_warnings(record=True) as caught, \
            joblib.parallel_config(backend="loky", idle_worker_timeout=plan.IDLE_WORKER_TIMEOUT):
        warnings.simplefilter("always")
        got = list(joblib.Parallel(n_jobs=2, batch_size=1)(  # small stacks first, then larger
            joblib.delayed(_hungry_task)(n) for n in (1, 1, 5, 5, 5, 5)))
    # Without the release a worker would have kept more than loky's limit ...
    assert max(freed for _, freed in got) > process_executor._MAX_MEMORY_LEAK_SIZE
    # ... with it, no worker stopped.
    assert not [w for w in caught if "worker stopped" in str(w.message)]
    assert len({pid for pid, _ in got}) <= 2


def test_training_a_stack_releases_its_memory(monkeypatch):
    calls = []
    monkeypatch.setattr(sweep, "release_freed_memory", lambda: calls.append(1) or True)
    sweep.train_jobs(_stacks()[-1])
    assert calls == [1]


def test_the_plan_shows_cache_reports_and_files_library_warnings(tmp_path):
    import io
    import warnings

    out = io.StringIO()
    line = plan.ProgressLine(out, tty=False)
    log = tmp_path / "warnings.log"
    with plan._quiet(line, log):
        warnings.warn("entry x is unusable; recomputing it", sweep.CacheWarning)
        warnings.warn("some library's deprecation", DeprecationWarning)
    text = out.getvalue()
    assert "warning: entry x is unusable; recomputing it\n" in text
    assert "deprecation" not in text and "1 warning(s) from libraries" in text
    assert "some library's deprecation" in log.read_text()


def test_the_time_left_under_a_second_is_not_about_zero(monkeypatch):
    import io

    line = plan.ProgressLine(io.StringIO(), tty=False)
    stacks = _stacks()
    line.start(stacks)
    line.finished(stacks[0])
    line.t0 = time.perf_counter() - 0.01  # a quick plan: a fraction of a second per stack
    assert "under a second left" in line.line() and "about 0 s" not in line.line()
    line.t0 = time.perf_counter() - 100.0
    assert "about" in line.line() and "under a second" not in line.line()
