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


def test_phase_one_trains_the_first_factorial_and_the_models_without_hsn_axes():
    e = MV.entries("full", "moons")
    roles = pd.Series([x.model for x in e]).value_counts()
    assert roles["HSN"] == 24  # DG drawn / one input, G raw / 0.9 / 1, input once / every, tanh / ReLU
    assert "HSN random graph" not in roles and "HSN T=0" not in roles  # controls wait for phase 2
    assert len({x.spec.label for x in e}) == len(e)
    assert {f"CEN (H={h})" for h in (64, 128, 512)} <= set(roles.index)


def test_phase_two_crosses_new_levels_and_controls_only_with_readings_that_train():
    ok = [r for r in MV.hsn_readings("full") if r["G"] != "raw"]  # say: the raw graph never trains
    trained = pd.DataFrame({"reading": [r.label for r in MV.hsn_readings("full")],
                            "degenerate": [r["G"] == "raw" for r in MV.hsn_readings("full")]})
    e = MV.entries("full", "moons", trained, phase=2)
    hsn = [x.reading for x in e if x.model == "HSN"]
    assert hsn and all(r["G"] != "raw" for r in hsn)  # new levels only on cores that train
    assert {r["dg"] for r in hsn} == {"init", "dense", "drawn", "min1"}
    assert {r["learnG"] for r in hsn} == {"fixed", "learned"}
    roles = pd.Series([x.model for x in e]).value_counts()
    assert roles["HSN random graph"] == len(ok)  # one control per reading that trains
    noisy = MV.entries("full", "swiss_roll", trained, phase=2, noise="1")
    assert {x.model for x in noisy} >= {"Dense MLP", MV.BUDGET, "HSN", "HSN T=0"}
    assert MV.entries("full", "swiss_roll", noise="1") == []  # no harder roll in phase 1


def test_quick_profile_is_reduced(quick):
    assert len(MV.hsn_readings("quick")) < len(MV.hsn_readings("full"))
    assert len(MV.entries("quick", "moons")) < len(MV.entries("full", "moons"))


def test_grids_cover_every_task_reading(quick):
    g = MV.phase1_grids(quick)
    assert len(g) == 6  # swiss x2, circles, moons, sine x2
    assert {t for grid in g.values() for t in grid.tasks} == {"swiss_roll", "two_spirals", "circles",
                                                             "moons", "sine"}
    noisy = [grid for grid in g.values() if grid.data_options]
    assert len(noisy) == 1 and dict(noisy[0].data_options) == {"sine_noise": 0.1}
    assert all(grid.seeds == (0, 1) and grid.epochs_scale == 0.01 for grid in g.values())
    two = MV.phase2_grids(quick, _fake_grids(quick, g))
    assert all(n.startswith(MV.PHASE_PREFIX[2]) for n in two)
    assert any(dict(grid.data_options).get("swiss_noise") == 1.0 for grid in two.values())


def test_budget_dense_has_the_hsns_learned_budget():
    for task in ("moons", "sine"):
        d = 1 if task == "sine" else 2
        hsn = totals(hsn_spec(LITERAL), d, 1)["learned_size"]
        dense = totals(MV.budget_dense(task), d, 1)["learned_size"]
        w = MV.budget_dense(task).config.widths[0]
        assert abs(dense - hsn) <= 2 * w + 4  # within one width step


def _fake_grids(quick, gs):
    """Sweep results with known scores: the HSN works iff its DG mask gives every unit an input."""
    rng = np.random.default_rng(0)
    fields = MV.label_fields(quick.profile)
    out = {}
    for name, grid in gs.items():
        task = grid.tasks[0]
        reg = TASKS[task][0] == "regression"
        rows = []
        for spec in grid.specs:
            f = fields[spec.label]
            ok = f["dg"] in ("", "min1", "init", "dense")
            base = {"HSN": 0.95, "HSN T=0": 0.90, "HSN random graph": 0.95}.get(f["model"], 0.95)
            for s in grid.seeds:
                for lr in grid.lrs:
                    acc = (base if ok else 0.55) + rng.normal(0, 2e-4)  # tiny: 2 seeds give t(1) intervals
                    v = 1 - acc if reg else acc
                    rows.append(dict(task=task, model=spec.label, family=spec.family, seed=s, lr=lr,
                                     embed_dim=2, val_metric=v, test_metric=v, diverged=False))
        out[name] = SweepResult(pd.DataFrame(rows), pd.DataFrame())
    return out


def _fake(quick):
    """The three phases of fake results (each planned from the ones before)."""
    one = _fake_grids(quick, MV.phase1_grids(quick))
    two = {**one, **_fake_grids(quick, MV.phase2_grids(quick, one))}
    return {**two, **_fake_grids(quick, MV.phase3_grids(quick, two))}


def test_phase_three_gives_every_consistent_reading_its_controls(quick):
    one = _fake_grids(quick, MV.phase1_grids(quick))
    two = {**one, **_fake_grids(quick, MV.phase2_grids(quick, one))}
    three = MV.phase3_grids(quick, two)
    assert three and all(MV.phase_of(n) == 3 for n in three)
    assert not any(TASKS[g.tasks[0]][0] == "regression" for g in three.values())  # no claim of them on sine
    rd, _ = MV.readings_tables(MV.long_table(two, quick))
    fields = MV.label_fields(quick.profile)
    # nothing is trained twice on one task reading
    earlier = {**MV.phase1_grids(quick), **MV.phase2_grids(quick, one)}
    for name, g in three.items():
        rest = name.split(" ", 1)[1]  # the task reading, after the phase's prefix
        before = {s.label for n, e in earlier.items() if n.split(" ", 1)[1] == rest for s in e.specs}
        assert not before & {s.label for s in g.specs}, name
    # every consistent reading now has both controls wherever its HSN is judged
    long = MV.long_table({**two, **_fake_grids(quick, three)}, quick)
    assert set(long["phase"]) == {1, 2, 3}
    assert not long.duplicated(["task", "data_task", "swiss", "swnoise", "noise", "label", "seed"]).any()
    cons = set(rd.loc[rd["consistent"], "reading"])
    new_levels = {r for r in cons if "dg=init" in r or "dg=dense" in r}
    assert new_levels, "the fake results make a new DG level consistent"
    for claim in ("circulation-moons", "kronecker-moons", "circulation-two_spirals"):
        cv = S.curve(long, S.CLAIM[claim])
        have = {" ".join(f"{k}={row[k]}" for k in MV.HSN_KEYS) for _, row in cv.iterrows()}
        assert cons <= have, (claim, cons - have)
    # phase 3 does not move which readings are consistent
    rd3, _ = MV.readings_tables(long)
    assert set(rd3.loc[rd3["consistent"], "reading"]) == cons
    assert all(s.label in fields for g in three.values() for s in g.specs)  # every model has its row fields


def test_long_table_has_one_row_per_reading_task_model_seed(quick):
    fake = _fake(quick)
    long = MV.long_table(fake, quick)
    n = sum(r.selected().shape[0] for r in fake.values())
    assert len(long) == n and set(long["phase"]) == {1, 2, 3}
    assert not long.duplicated(["task", "data_task", "swiss", "swnoise", "noise", "label", "seed"]).any()
    assert set(long["swiss"][long["data_task"] == "two_spirals"]) == {"arms"}
    assert (long.loc[long.model == "Dense MLP", ["dg", "G"]] == "").all().all()
    assert (long.loc[long.model == "HSN T=0", "G"] == "").all()


def test_curve_finds_the_deciding_axis(quick):
    long = MV.long_table(_fake(quick), quick)
    cv = S.curve(long, S.CLAIM["matches-moons"])
    assert (cv["verdict"] == np.where(cv["dg"] == "drawn", V.CONTRADICTED, V.HOLDS)).all()
    assert list(cv["gain"]) == sorted(cv["gain"])
    sw = S.switching(long, S.CLAIM["matches-moons"]).set_index("axis")
    assert sw.loc["dg"]["decides"].any()
    # the flip rate is the switch's own, not its axis's largest: only a switch to or from "drawn" flips
    dg = sw.loc[["dg"]]
    to_drawn = (dg["level_from"] == "drawn") | (dg["level_to"] == "drawn")
    assert (dg.loc[to_drawn, "flip_rate"] == 1.0).all() and dg.loc[to_drawn, "decides"].all()
    assert (dg.loc[~to_drawn, "flip_rate"] == 0.0).all() and not dg.loc[~to_drawn, "decides"].any()
    assert (~to_drawn).any()  # the fake has a switch between two levels that both train
    assert (sw.drop(index="dg")["flip_rate"] == 0.0).all()  # no other axis changes a verdict
    flags = pd.DataFrame({"reading": [f"dg={d} G={g}" for d, g in [("x", "y")]], "degenerate": [False],
                          "consistent": [False], "ruled_out": [False]})
    cv = S.annotate(cv, flags, None, "moons")
    c = V.conditional(cv.assign(consistent=True), S.curve_axes(S.CLAIM["matches-moons"]))
    assert c["condition"].startswith("holds with") and "as drawn" in c["condition"] and c["rule_errors"] == 0
    # the random graph does exactly as well: inside the margin, a demonstrated null
    assert (S.curve(long, S.CLAIM["kronecker-moons"])["verdict"] == V.CONTRADICTED).all()


def test_a_real_grid_runs_end_to_end(quick, one_thread):
    name, grid = next((n, g) for n, g in MV.phase1_grids(quick).items() if g.tasks == ("moons",))
    long = MV.long_table({name: run_sweep(grid, cache=False, progress=False)}, quick)
    assert len(long) == len(MV.entries("quick", "moons")) * 2
    assert long["lr"].isin(grid.lrs).all() and long["test_metric"].between(0, 1).all()
