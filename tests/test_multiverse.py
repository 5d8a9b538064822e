"""The multiverse grids, its long table and the specification curves built on it."""

import numpy as np
import pandas as pd
import pytest

from scaffold import multiverse as MV
from scaffold import specurve as S
from scaffold import verdicts as V
from scaffold.data import TASKS
from scaffold.params import totals
from scaffold.runtime.setup import setup
from scaffold.readings import LITERAL, hsn_spec
from scaffold.sweep import SweepResult, run_sweep


@pytest.fixture(scope="module")
def quick():
    return setup("cpu", "quick", n_seeds=2, epochs_scale=0.01)


def test_full_profile_trains_the_whole_factorial_and_its_controls():
    e = MV.entries("full", "moons")
    roles = pd.Series([x.model for x in e]).value_counts()
    assert roles["HSN"] == 24 and roles["HSN random graph"] == 24
    assert roles["HSN T=0"] == 4  # T=0: only DG mask and activation can act
    assert len({x.spec.label for x in e}) == len(e)
    assert {f"CEN (H={h})" for h in (64, 128, 512)} <= set(roles.index)


def test_quick_profile_is_reduced(quick):
    assert len(MV.hsn_readings("quick")) < len(MV.hsn_readings("full"))
    assert len(MV.entries("quick", "moons")) < len(MV.entries("full", "moons"))


def test_grids_cover_every_task_reading(quick):
    g = MV.grids(quick)
    assert len(g) == 6  # swiss x2, circles, moons, sine x2
    assert {t for grid in g.values() for t in grid.tasks} == {"swiss_roll", "two_spirals", "circles",
                                                             "moons", "sine"}
    noisy = [grid for grid in g.values() if grid.data_options]
    assert len(noisy) == 1 and dict(noisy[0].data_options) == {"sine_noise": 0.1}
    assert all(grid.seeds == (0, 1) and grid.epochs_scale == 0.01 for grid in g.values())


def test_budget_dense_has_the_hsns_learned_budget():
    for task in ("moons", "sine"):
        d = 1 if task == "sine" else 2
        hsn = totals(hsn_spec(LITERAL), d, 1)["learned_size"]
        dense = totals(MV.budget_dense(task), d, 1)["learned_size"]
        w = MV.budget_dense(task).config.widths[0]
        assert abs(dense - hsn) <= 2 * w + 4  # within one width step


def _fake(quick):
    """Sweep results with known scores: the HSN works iff its DG mask gives every unit an input."""
    rng = np.random.default_rng(0)
    out = {}
    for name, grid in MV.grids(quick).items():
        task = grid.tasks[0]
        reg = TASKS[task][0] == "regression"
        rows = []
        for e in MV.entries(quick.profile, task):
            ok = e.reading is None or e.reading["dg"] == "min1"
            base = {"HSN": 0.95, "HSN T=0": 0.90, "HSN random graph": 0.95}.get(e.model, 0.95)
            for s in grid.seeds:
                for lr in grid.lrs:
                    acc = (base if ok else 0.55) + rng.normal(0, 2e-4)  # tiny: 2 seeds give t(1) intervals
                    v = 1 - acc if reg else acc
                    rows.append(dict(task=task, model=e.spec.label, family=e.spec.family, seed=s, lr=lr,
                                     embed_dim=2, val_metric=v, test_metric=v, diverged=False))
        out[name] = SweepResult(pd.DataFrame(rows), pd.DataFrame())
    return out


def test_long_table_has_one_row_per_reading_task_model_seed(quick):
    long = MV.long_table(_fake(quick), quick)
    n = sum(len(MV.entries("quick", g.tasks[0])) for g in MV.grids(quick).values()) * 2
    assert len(long) == n
    assert not long.duplicated(["task", "data_task", "swiss", "noise", "label", "seed"]).any()
    assert set(long["swiss"][long["data_task"] == "two_spirals"]) == {"arms"}
    assert (long.loc[long.model == "Dense MLP", ["dg", "G"]] == "").all().all()
    assert (long.loc[long.model == "HSN T=0", "G"] == "").all()


def test_curve_finds_the_deciding_axis(quick):
    long = MV.long_table(_fake(quick), quick)
    cv = S.curve(long, S.CLAIM["matches"])
    assert len(cv) == len(MV.hsn_readings("quick")) * 2  # x both swiss-roll labels
    assert (cv["verdict"] == np.where(cv["dg"] == "min1", V.HOLDS, V.CONTRADICTED)).all()
    assert list(cv["gain"]) == sorted(cv["gain"])
    sw = S.switching(long, S.CLAIM["matches"]).set_index("axis")
    assert sw.loc["dg", "decides"] and sw.loc["dg", "lo"] > 0.3
    assert not sw.loc["input", "decides"]
    summ = S.summary(long).set_index("claim")
    assert summ.loc["matches", "share"] == 0.5 and summ.loc["matches", "deciding"] == "DG mask"
    # the random graph does exactly as well: inside the margin, so never "holds"
    assert (S.curve(long, S.CLAIM["kronecker"])["verdict"] != V.HOLDS).all()
    # quick trains the controls under the two named points, input once and every step: only the
    # drive and the task's axis switch alone
    assert set(S.switching(long, S.CLAIM["kronecker"])["axis"]) == {"input", "swiss"}


def test_paired_vs_dense_uses_the_tasks_margin(quick):
    long = MV.long_table(_fake(quick), quick)
    p = S.paired_vs_dense(long)
    sine = p[(p.task == "sine") & (p.model == "HSN")]
    assert np.allclose(sine["margin"], V.REL_MSE_MARGIN * sine["dense"])
    moons = p[(p.task == "moons") & (p.model == "HSN")]
    assert set(p.loc[(p.task == "moons") & (p.model == "HSN") & (p.dg == "min1"), "verdict"]) == {V.HOLDS}
    assert set(p.loc[(p.task == "moons") & (p.model == "HSN") & (p.dg == "drawn"), "verdict"]) == {V.CONTRADICTED}
    assert len(moons) == len(MV.hsn_readings("quick"))


def test_a_real_grid_runs_end_to_end(quick, one_thread):
    name, grid = next((n, g) for n, g in MV.grids(quick).items() if g.tasks == ("moons",))
    long = MV.long_table({name: run_sweep(grid, cache=False, progress=False)}, quick)
    assert len(long) == len(MV.entries("quick", "moons")) * 2
    assert long["lr"].isin(grid.lrs).all() and long["test_metric"].between(0, 1).all()
