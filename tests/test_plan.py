"""One plan for the book (scaffold.runtime.plan): grids collected, jobs deduplicated, longest first, cache filled."""

import sys

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
