"""Sweeps (scaffold.sweep): grid validation, disk cache, parallel backends, lr selection."""

import json
from pathlib import Path
import warnings
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
import torch

import scaffold.sweep as sweep
from scaffold.models import DENSE, ModelSpec
from scaffold.sweep import Grid, run_sweep, select_lr
from scaffold.train import train_stack

HSN = ModelSpec.make("HSN rep", "hsn", dg_min_inputs=1, spectral_radius=0.9)
GRID = Grid(tasks=("moons", "sine"), specs=(DENSE, HSN), seeds=(0, 1), epochs_scale=0.02)


pytestmark = pytest.mark.usefixtures("one_thread")  # see conftest.py


def _same(a, b):
    """Equal sweep results, up to the wall-clock column and CSV float round-off."""
    for x, y in ((a.members, b.members), (a.curves, b.curves)):
        x, y = x.drop(columns="seconds", errors="ignore"), y.drop(columns="seconds", errors="ignore")
        pd.testing.assert_frame_equal(x.reset_index(drop=True), y.reset_index(drop=True),
                                      check_dtype=False, rtol=1e-6, atol=1e-7)


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setattr(sweep, "CACHE", tmp_path)
    return tmp_path / "sweeps"


@pytest.fixture(scope="module")
def reference():
    """The tiny grid run in-process, without the cache."""
    return run_sweep(GRID, cache=False, progress=False)


def _no_training(monkeypatch):
    def boom(*a, **k):
        raise AssertionError("trained although the result was cached")
    monkeypatch.setattr(sweep, "train_stack", boom)


def test_grid_validation():
    with pytest.raises(ValueError, match="unknown task"):
        Grid(tasks=("moons", "spiral"), specs=(DENSE,), seeds=(0,))
    with pytest.raises(ValueError, match="unique"):
        Grid(tasks=("moons",), specs=(DENSE, ModelSpec.make("Dense MLP", "dense", widths=(8,))),
             seeds=(0,))
    cfg = GRID.train_config
    assert (cfg.epochs_scale, cfg.lrs, cfg.batch_size) == (0.02, (0.01, 0.02), 64)
    assert GRID.jobs() == [("moons", DENSE), ("moons", HSN), ("sine", DENSE), ("sine", HSN)]


def test_result_covers_the_grid(reference):
    m = reference.members
    assert len(m) == 2 * 2 * 2 * 2  # tasks x models x seeds x lrs
    assert m.groupby(["task", "model"]).size().tolist() == [4] * 4
    assert set(m.lr) == {0.01, 0.02} and set(m.seed) == {0, 1}
    assert "seconds" in m.columns
    ep = m.groupby("task").epochs.first()
    assert (ep["moons"], ep["sine"]) == (2, 4)
    assert len(reference.curves) == 4 * (2 * 2 + 4 * 2)  # members x epochs per task, 2 models
    sel = reference.selected()
    assert len(sel) == 8 and not sel.duplicated(["task", "model", "seed"]).any()


def test_second_run_comes_from_the_cache(cache, reference, monkeypatch):
    first = run_sweep(GRID, progress=False)
    _same(first, reference)
    files = sorted(p.name for p in cache.iterdir())
    assert len(files) == 3 * len(GRID.jobs())  # members, curves and record per job
    assert not any(f.endswith(".tmp") for f in files)
    _no_training(monkeypatch)
    second = run_sweep(GRID, progress=False)
    _same(second, first)
    np.testing.assert_array_equal(second.members["seconds"], first.members["seconds"])


def test_cache_key_follows_source_and_config(cache, monkeypatch):
    small = Grid(tasks=("moons",), specs=(DENSE,), seeds=(0,), epochs_scale=0.01)
    monkeypatch.setattr(sweep, "source_hash", lambda: "aaaa")
    run_sweep(small, progress=False)
    n = len(list(cache.iterdir()))
    _no_training(monkeypatch)
    run_sweep(small, progress=False)  # same source: cached
    monkeypatch.setattr(sweep, "source_hash", lambda: "bbbb")
    with pytest.raises(AssertionError, match="cached"):
        run_sweep(small, progress=False)
    monkeypatch.setattr(sweep, "source_hash", lambda: "aaaa")
    for changed in (Grid(tasks=("moons",), specs=(DENSE,), seeds=(0, 1), epochs_scale=0.01),
                    Grid(tasks=("moons",), specs=(DENSE,), seeds=(0,), epochs_scale=0.02),
                    Grid(tasks=("moons",), specs=(DENSE,), seeds=(0,), epochs_scale=0.01,
                         data_options=(("moons_noise", 0.1),)),
                    Grid(tasks=("moons",), specs=(ModelSpec.make("Dense MLP", "dense", widths=(8, 8)),),
                         seeds=(0,), epochs_scale=0.01)):
        with pytest.raises(AssertionError, match="cached"):
            run_sweep(changed, progress=False)
    assert len(list(cache.iterdir())) == n


def test_source_hash_is_stable():
    assert sweep.source_hash() == sweep.source_hash()
    assert len(sweep.source_hash()) == 16


def test_process_pool_gives_identical_results(reference):
    par = run_sweep(GRID, n_jobs=2, cache=False, progress=False)
    _same(par, reference)


def test_dask_backend_gives_identical_results(reference):
    distributed = pytest.importorskip("distributed")
    # In-process workers on loopback, no dashboard.  Two worker threads: with a single
    # one joblib sees one slot and runs everything in the caller, bypassing Dask.
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                                  dashboard_address=None) as cluster:
        with distributed.Client(cluster):
            with distributed.get_task_stream() as stream:
                res = run_sweep(GRID, backend="dask", cache=False, progress=False)
    _same(res, reference)
    assert len(stream.data) > 0  # the jobs really went through the Dask scheduler


# ----------------------------------------------------------------------------- select_lr


def _members(task, vals, lrs=(0.01, 0.02)):
    return pd.DataFrame(dict(task=task, model="m", embed_dim=2, seed=0, lr=list(lrs),
                             val_metric=vals, test_metric=[10.0 * i for i in range(len(vals))]))


@pytest.mark.parametrize("task", ["moons", "sine"])
def test_select_lr_tie_goes_to_the_smaller_lr(task):
    sel = select_lr(_members(task, [0.5, 0.5], lrs=(0.02, 0.01)))
    assert sel.lr.tolist() == [0.01]


def test_select_lr_direction_depends_on_the_task():
    assert select_lr(_members("moons", [0.8, 0.9])).lr.tolist() == [0.02]  # accuracy: higher
    assert select_lr(_members("sine", [0.8, 0.9])).lr.tolist() == [0.01]   # MSE: lower
    assert select_lr(_members("digits", [0.95, 0.9])).lr.tolist() == [0.01]


@pytest.mark.parametrize("task,finite", [("moons", 0.0), ("sine", 1e6)])
def test_select_lr_prefers_finite_over_nan(task, finite):
    for vals, lr in (([np.nan, finite], 0.02), ([finite, np.nan], 0.01)):
        assert select_lr(_members(task, vals)).lr.tolist() == [lr]


def test_select_lr_groups_per_seed_model_task_and_embedding():
    df = pd.concat([_members("moons", [0.8, 0.9]).assign(seed=0),
                    _members("moons", [0.9, 0.8]).assign(seed=1),
                    _members("moons", [0.9, 0.8]).assign(model="other"),
                    _members("moons", [0.7, 0.8]).assign(embed_dim=8),
                    _members("sine", [0.7, 0.8])], ignore_index=True)
    sel = select_lr(df)
    assert len(sel) == 5
    got = {(r.task, r.model, r.embed_dim, r.seed): r.lr for r in sel.itertuples()}
    assert got == {("moons", "m", 2, 0): 0.02, ("moons", "m", 2, 1): 0.01,
                   ("moons", "other", 2, 0): 0.01, ("moons", "m", 8, 0): 0.02,
                   ("sine", "m", 2, 0): 0.01}
    assert list(sel.columns) == list(df.columns)


# ----------------------------------------------------------------------------- a cache that cannot lie

SMALL = Grid(tasks=("moons",), specs=(DENSE,), seeds=(0, 1), epochs_scale=0.01)


def _entry(cache):
    run_sweep(SMALL, progress=False)
    key = sweep.Job(SMALL, "moons", DENSE).key
    return key, cache / f"{key}.members.csv", cache / f"{key}.json"


def _recomputed(first, monkeypatch, match):
    calls = []
    monkeypatch.setattr(sweep, "train_stack", lambda *a, **k: calls.append(1) or train_stack(*a, **k))
    with pytest.warns(sweep.CacheWarning, match=match):
        again = run_sweep(SMALL, progress=False)
    assert calls, "the unusable entry was used instead of being recomputed"
    _same(again, first)
    _no_training(monkeypatch)  # ... and the recomputed entry is good again
    _same(run_sweep(SMALL, progress=False), first)


def test_truncated_members_file_is_reported_and_recomputed(cache, monkeypatch):
    first = run_sweep(SMALL, cache=False, progress=False)
    key, members, record = _entry(cache)
    lines = members.read_text().splitlines()
    members.write_text("\n".join(lines[:3]) + "\n")  # header + 2 of 4 rows
    _recomputed(first, monkeypatch, f"{members.name}.*checksum")


def test_truncated_file_with_a_matching_checksum_is_still_caught(cache, monkeypatch):
    first = run_sweep(SMALL, cache=False, progress=False)
    key, members, record = _entry(cache)
    members.write_text("\n".join(members.read_text().splitlines()[:3]) + "\n")
    rec = json.loads(record.read_text())
    rec["sha256"]["members"] = sweep._sha256(members)  # as if the record were rewritten too
    record.write_text(json.dumps(rec))
    _recomputed(first, monkeypatch, "2 member rows, expected 4")


def test_wrong_checksum_is_reported_and_recomputed(cache, monkeypatch, tmp_path):
    first = run_sweep(SMALL, cache=False, progress=False)
    key, members, record = _entry(cache)
    rec = json.loads(record.read_text())
    rec["sha256"]["curves"] = "0" * 64
    record.write_text(json.dumps(rec))
    log = tmp_path / "cache.log"  # where tools/execute.py collects reports for the terminal
    monkeypatch.setenv(sweep.CACHE_LOG, str(log))
    _recomputed(first, monkeypatch, "curves.csv.gz.*checksum")
    lines = log.read_text().splitlines()
    assert len(lines) == 1 and f"{key}.curves.csv.gz" in lines[0] and "recomputing" in lines[0]


def test_foreign_or_unrecorded_entries_are_recomputed(cache, monkeypatch):
    first = run_sweep(SMALL, cache=False, progress=False)
    key, members, record = _entry(cache)
    other = Grid(tasks=("circles",), specs=(DENSE,), seeds=(0, 1), epochs_scale=0.01)
    run_sweep(other, progress=False)
    okey = sweep.Job(other, "circles", DENSE).key
    for suffix in (".members.csv", ".curves.csv.gz", ".json"):  # another job's files under our key
        (cache / f"{key}{suffix}").write_bytes((cache / f"{okey}{suffix}").read_bytes())
    _recomputed(first, monkeypatch, "another entry")
    record.unlink()  # data without its record
    _recomputed(first, monkeypatch, "unreadable")


# ----------------------------------------------------------------------------- stacks


def test_jobs_sharing_shapes_share_a_stack():
    rep_relu = ModelSpec.make("HSN relu", "hsn", activation="relu", input_every_step=True)
    cen64, cen128 = ModelSpec.make("c64", "cen", H=64), ModelSpec.make("c128", "cen", H=128)
    grid = Grid(tasks=("moons", "circles", "sine"), specs=(DENSE, HSN, rep_relu, cen64, cen128),
                seeds=(0, 1))
    stacks = sweep.make_stacks([sweep.Job(grid, t, s) for t, s in grid.jobs()])
    as_sets = [{(j.task, j.spec.label) for j in st} for st in stacks]
    # Binary tasks of one size stack together; sine (1 input, regression, 200 epochs) apart;
    # the two HSN readings share one stack; CENs of different widths do not.
    assert {("moons", "HSN rep"), ("circles", "HSN rep"), ("moons", "HSN relu"),
            ("circles", "HSN relu")} in as_sets
    assert {("moons", "c64"), ("circles", "c64")} in as_sets
    assert {("sine", "Dense MLP")} in as_sets
    assert len(stacks) == 2 * 4  # (binary, sine) x (dense, hsn, cen64, cen128)
    costs = [sweep.stack_cost(st) for st in stacks]
    assert costs == sorted(costs, reverse=True)  # longest first
    # A cap on members splits a group.
    capped = sweep.make_stacks([sweep.Job(grid, t, s) for t, s in grid.jobs()], max_members=4)
    assert max(sum(j.n_members for j in st) for st in capped) == 4 and len(capped) > len(stacks)


def test_stack_size_limit_follows_the_device():
    # A GPU runs these models launch-bound, so its stacks hold far more members.
    specs = tuple(ModelSpec.make(f"HSN sr{sr} {a}", "hsn", spectral_radius=sr, activation=a)
                  for sr in (None, 0.9, 1.0) for a in ("tanh", "relu"))
    grid = Grid(tasks=("moons", "circles"), specs=specs, seeds=tuple(range(10)))  # 12 jobs x 20
    def sizes(device):
        return [sum(j.n_members for j in st)
                for st in sweep.make_stacks([sweep.Job(grid, t, s, device) for t, s in grid.jobs()])]
    assert sweep.max_members_for("cpu") == 160 and sweep.max_members_for("cuda:0") > 1000
    assert sorted(sizes("cpu")) == [80, 160] and sizes("cuda") == [240]


def test_stacked_sweep_equals_job_by_job(reference):
    one_each = sweep.run_jobs([sweep.Job(GRID, t, s) for t, s in GRID.jobs()], cache=False,
                              progress=False, max_members=1)
    for t, s in GRID.jobs():
        key = sweep.Job(GRID, t, s).key
        got = reference.members[(reference.members.task == t) & (reference.members.model == s.label)]
        np.testing.assert_allclose(got[["val_metric", "test_metric", "train_loss"]].to_numpy(),
                                   one_each[key][0][["val_metric", "test_metric", "train_loss"]].to_numpy(),
                                   rtol=1e-5, atol=1e-5)


TRACED = Grid(tasks=("moons",), specs=(HSN, ModelSpec.make("HSN lit", "hsn")), seeds=(0, 1),
              epochs_scale=0.02, trace_T=7)


def test_a_traced_grid_returns_the_ca3_trace_of_the_trained_weights(cache, monkeypatch):
    """The trace comes from the weights the sweep trained (one training), and is cached with them."""
    from scaffold.trace import trace
    from scaffold.train import TrainConfig, train_ensemble

    res = run_sweep(TRACED, progress=False)
    tr = res.traces
    assert len(tr) == 2 * 2 * 2 * 8  # models x seeds x lrs x (T_max + 1)
    # the same member trained alone, then traced, gives the same statistics
    alone = train_ensemble(HSN, "moons", (0, 1), TrainConfig(lrs=TRACED.lrs, epochs_scale=0.02))
    import torch
    x = torch.stack([torch.as_tensor(alone.datasets[s].x_test) for s in (0, 1) for _ in TRACED.lrs])
    ref = trace(HSN, alone.model.state_dict(), x, (0, 1), TRACED.lrs, "moons", 7)
    got = tr[tr.model == HSN.label].reset_index(drop=True)
    pd.testing.assert_frame_equal(got, ref, rtol=1e-4, atol=1e-5)
    # second run: read from the cache, no training
    _no_training(monkeypatch)
    again = run_sweep(TRACED, progress=False)
    pd.testing.assert_frame_equal(again.traces, tr, rtol=1e-9, atol=1e-12)


def _counting(monkeypatch) -> list:
    """Every training call's parts (task, label), while still training."""
    calls = []

    def counted(parts, *a, **k):
        calls.append([(p.task, p.spec.label) for p in parts])
        return train_stack(parts, *a, **k)
    monkeypatch.setattr(sweep, "train_stack", counted)
    return calls


def test_one_definition_is_one_entry_whatever_its_label(cache, monkeypatch):
    """Labels name a model for the page; the cache keys on what is trained."""
    renamed = ModelSpec.make("Dense, renamed", "dense", widths=(64, 64))  # DENSE's config, spelled out
    assert renamed.config == DENSE.config and renamed.label != DENSE.label
    calls = _counting(monkeypatch)
    both = run_sweep(Grid(tasks=("moons",), specs=(DENSE, renamed), seeds=(0, 1), epochs_scale=0.01),
                     progress=False)
    assert calls == [[("moons", DENSE.label)]]  # trained once for both names
    assert both.members.groupby("model").size().to_dict() == {DENSE.label: 4, renamed.label: 4}
    assert set(both.curves.model) == {DENSE.label, renamed.label}
    a, b = (both.members[both.members.model == m].drop(columns="model").reset_index(drop=True)
            for m in (DENSE.label, renamed.label))
    pd.testing.assert_frame_equal(a, b)
    _no_training(monkeypatch)
    alone = run_sweep(Grid(tasks=("moons",), specs=(renamed,), seeds=(0, 1), epochs_scale=0.01),
                      progress=False)  # another grid, the other name: read from the entry
    assert set(alone.members.model) == set(alone.curves.model) == {renamed.label}
    assert len(list(cache.glob("*.members.csv"))) == 1


def test_a_traced_and_an_untraced_job_of_one_definition_train_once(cache, monkeypatch):
    from scaffold.trace import trace
    from scaffold.train import TrainConfig, train_ensemble

    plain = Grid(tasks=("moons",), specs=(HSN,), seeds=(0, 1), epochs_scale=0.02)
    traced = Grid(tasks=("moons",), specs=(ModelSpec(HSN.label + " (traced)", "hsn", HSN.options),),
                  seeds=(0, 1), epochs_scale=0.02, trace_T=6)
    jobs = [sweep.Job(plain, "moons", HSN), sweep.Job(traced, "moons", traced.specs[0])]
    assert jobs[0].key == jobs[1].key and jobs[0].definition == jobs[1].definition
    calls = _counting(monkeypatch)
    done = sweep.run_jobs(jobs, progress=False)
    assert len(calls) == 1 and len(done) == 1  # one training, with the trace
    _no_training(monkeypatch)
    assert run_sweep(plain, progress=False).traces is None  # the untraced requester gets none
    tr = run_sweep(traced, progress=False).traces
    assert len(tr) == 4 * 7 and set(tr.model) == {traced.specs[0].label}
    # A shorter trace is read off the longer one: the numbers trace() gives at that length.
    short = run_sweep(replace(traced, trace_T=3), progress=False).traces
    alone = train_ensemble(HSN, "moons", (0, 1), TrainConfig(lrs=plain.lrs, epochs_scale=0.02))
    x = torch.stack([torch.as_tensor(alone.datasets[s].x_test) for s in (0, 1) for _ in plain.lrs])
    ref = trace(HSN, alone.model.state_dict(), x, (0, 1), plain.lrs, "moons", 3)
    pd.testing.assert_frame_equal(short.drop(columns="model"), ref.drop(columns="model"), rtol=1e-4, atol=1e-5)


def test_an_entry_without_the_trace_asked_for_is_trained_again_with_it(cache, monkeypatch):
    plain = Grid(tasks=("moons",), specs=(HSN,), seeds=(0,), epochs_scale=0.01)
    first = run_sweep(plain, progress=False)
    calls = _counting(monkeypatch)
    with warnings.catch_warnings():
        warnings.simplefilter("error", sweep.CacheWarning)  # an upgrade, not a fault: no warning
        up = run_sweep(replace(plain, trace_T=4), progress=False)
    assert len(calls) == 1 and len(up.traces) == 2 * 5
    _same(up, first)
    _no_training(monkeypatch)
    assert run_sweep(plain, progress=False).traces is None and len(list(cache.glob("*.trace.csv"))) == 1


def test_the_validation_curve_is_asked_for_like_a_trace(cache, monkeypatch):
    """A grid gets the per-epoch validation metric only if it asks (val_curve); jobs of one
    definition train once, with it if any asks; an entry stored without it is trained
    again, quietly, for a job that asks; the members are the same either way."""
    plain = Grid(tasks=("moons",), specs=(HSN,), seeds=(0, 1), epochs_scale=0.02)
    curved = replace(plain, val_curve=True)
    a, b = sweep.Job(plain, "moons", HSN), sweep.Job(curved, "moons", HSN)
    assert a.key == b.key and a.stack_key() != b.stack_key()  # one entry; stacks never mix them
    assert [j.val_curve for order in ([a, b], [b, a]) for j in sweep.merge_jobs(order).values()] == [True, True]
    calls = _counting(monkeypatch)
    first = run_sweep(plain, progress=False)
    assert first.curves["val_metric"].isna().all() and first.curves["train_loss"].notna().all()
    with warnings.catch_warnings():
        warnings.simplefilter("error", sweep.CacheWarning)  # an upgrade, not a fault: no warning
        up = run_sweep(curved, progress=False)
    assert len(calls) == 2 and up.curves["val_metric"].notna().all()
    pd.testing.assert_frame_equal(up.members.drop(columns="seconds"), first.members.drop(columns="seconds"))
    _no_training(monkeypatch)  # both read the one entry now, each as it asked
    assert run_sweep(plain, progress=False).curves["val_metric"].isna().all()
    _same(run_sweep(curved, progress=False), up)


def test_a_traced_grid_takes_hsns_only():
    with pytest.raises(ValueError, match="HSN"):
        Grid(tasks=("moons",), specs=(DENSE,), seeds=(0,), trace_T=3)


# ----------------------------------------------------------------------------- trained models


def test_trained_model_is_cached_with_its_weights(cache, monkeypatch):
    grid = Grid(tasks=("moons",), specs=(DENSE,), seeds=(3,), epochs_scale=0.02)
    first = sweep.trained_model(grid, "moons", DENSE)
    path = next(cache.glob("*.model.pt"))
    _no_training(monkeypatch)
    again = sweep.trained_model(grid, "moons", DENSE)  # from the file: no training
    for k, v in first.model.state_dict().items():
        torch.testing.assert_close(again.model.state_dict()[k], v, rtol=0, atol=0)
    pd.testing.assert_frame_equal(again.members, first.members, check_dtype=False)
    x = torch.as_tensor(again.datasets[3].x_test)[None].expand(2, -1, -1)
    with torch.no_grad():
        torch.testing.assert_close(again.model(x), first.model(x))
    path.write_bytes(b"not a model")
    monkeypatch.undo()
    monkeypatch.setattr(sweep, "CACHE", cache.parent)
    with pytest.warns(sweep.CacheWarning, match="unusable"):
        redone = sweep.trained_model(grid, "moons", DENSE)
    pd.testing.assert_frame_equal(redone.members, first.members, check_dtype=False)


def test_training_sources_cover_what_training_imports():
    """Every library module that the training path imports (followed transitively from
    the sweep's entry points) is hashed into the cache key, so editing it retrains;
    ``params`` is imported only to order and estimate stacks (its counts never reach
    a result), and is the one exception.  fused.py was once missing from the list."""
    import ast

    src = Path(sweep.__file__).parent
    seen, todo = set(), ["sweep.py", "train.py", "models.py", "trace.py", "data.py"]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        for node in ast.walk(ast.parse((src / name).read_text())):
            if isinstance(node, ast.ImportFrom) and node.level == 1:
                mod = (node.module or "").split(".")[0]
                targets = [mod] if mod else [a.name for a in node.names]
                todo += [f"{t}.py" for t in targets if (src / f"{t}.py").exists() and t != "params"]
    assert seen <= set(sweep.TRAINING_SOURCES), sorted(seen - set(sweep.TRAINING_SOURCES))
