"""Sweeps (scaffold.sweep): grid validation, disk cache, parallel backends, lr selection."""

import numpy as np
import pandas as pd
import pytest

import scaffold.sweep as sweep
from scaffold.models import DENSE, ModelSpec
from scaffold.sweep import Grid, run_sweep, select_lr

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
