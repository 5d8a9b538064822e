"""The dense frontier and the "structure substitutes for parameters" test (scaffold.frontier)."""

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from scaffold import frontier as F
from scaffold import verdicts as V
from scaffold.multiverse import BUDGET, HSN_KEYS, budget_dense, grids as multiverse_grids
from scaffold.params import dense_params
from scaffold.readings import LITERAL, REPAIRED, hsn_spec, relevant
from scaffold.sweep import Job, SweepResult

SEEDS = range(6)
TASKS = [("swiss_roll", "swiss_roll", "half", "", "accuracy"), ("circles", "circles", "", "", "accuracy"),
         ("sine", "sine", "", "0.1", "mse")]


def _row(task, model, label, seed, reading=None, **extra):
    t, lib, swiss, noise, metric = task
    levels = dict(reading.levels) if reading is not None else {}
    return {"task": t, "data_task": lib, "model": model, "label": label,
            "reading": reading.label if reading is not None else "",
            **{k: levels.get(k, "") for k in HSN_KEYS}, "swiss": swiss, "noise": noise, "seed": seed,
            "swnoise": "0.5" if t == "swiss_roll" else "", "target_var": 0.05 if metric == "mse" else float("nan"),
            "lr": 0.01, "val_metric": 0.0, "test_metric": 0.0, "diverged": False, "metric": metric, **extra}


def _long():
    rows = []
    for task in TASKS:
        for s in SEEDS:
            rows += [_row(task, "Dense MLP", "Dense MLP", s), _row(task, BUDGET, "Dense w=23", s),
                     _row(task, "CEN (H=64)", "CEN (H=64)", s),
                     _row(task, "HSN", hsn_spec(REPAIRED).label, s, REPAIRED.only(HSN_KEYS)),
                     _row(task, "HSN", hsn_spec(LITERAL).label, s, LITERAL.only(HSN_KEYS)),
                     _row(task, "HSN T=0", hsn_spec(REPAIRED, "HSN T=0").label, s,
                          REPAIRED.only(relevant("HSN T=0")))]
    return pd.DataFrame(rows)


def _dense_sel():
    rows = [_row(task, f"Dense w={w}", f"Dense w={w}", s) for task in TASKS for s in SEEDS
            for w in (4, 6, 8, 11, 16, 32, 45)]
    rows += [_row(task, "Dense MLP", "Dense MLP", s) for task in TASKS for s in SEEDS]  # also in long
    return pd.DataFrame(rows)


@pytest.fixture(scope="module")
def table():
    return F.frontier_table(_long(), _dense_sel())


def _frontier(params, seed, metric):
    """A planted frontier, linear in log(params), shifted per seed."""
    x = np.log(params / 37)
    return 0.6 + 0.05 * x + 0.01 * seed if metric == "accuracy" else 0.02 * np.exp(-0.5 * x) * (1 + 0.1 * seed)


def _scored(table, hsn_shift=0.0, literal_shift=-0.3, mse_factor=1.0, noise=0.0):
    t = table.copy()
    rng = np.random.default_rng(1)
    front = np.array([_frontier(p, s, m) for p, s, m in zip(t["learned_size"], t["seed"], t["metric"])])
    acc = (t["metric"] == "accuracy").to_numpy()
    shift = np.where(t["label"] == hsn_spec(REPAIRED).label, hsn_shift,
                     np.where(t["label"] == hsn_spec(LITERAL).label, literal_shift, 0.0))
    shift = shift * (t["family"] != "dense")
    eps = rng.normal(0, noise, len(t))
    t["test_metric"] = np.where(acc, front + shift + eps, front * np.where(shift != 0, mse_factor, 1.0))
    return t


def test_the_table_has_one_row_per_model_and_seed_with_both_counts(table):
    per_task = 6 + 7  # long's six models and seven more widths (the dense MLP in both is kept once)
    assert len(table) == len(TASKS) * len(SEEDS) * per_task
    assert not table.duplicated([*F.TASK_READING, "label", "seed"]).any()
    dense = table[table["family"] == "dense"].drop_duplicates("label")
    for _, r in dense.iterrows():
        assert r["learned_size"] == r["learned_nnz"] == dense_params(2, 1, (int(r["width"]),) * 2)
    assert set(table["family"]) == {"dense", "CEN", "HSN", "HSN T=0"}
    hsn = table[table["family"] == "HSN"].drop_duplicates("label").set_index("reading")
    # the learned tensors have one size under every reading; the DG mask decides the nonzeros
    assert hsn["learned_size"].nunique() == 1
    lit, rep = LITERAL.only(HSN_KEYS).label, REPAIRED.only(HSN_KEYS).label
    assert hsn.loc[lit, "learned_nnz"] < hsn.loc[rep, "learned_nnz"] <= hsn.loc[rep, "learned_size"]
    assert table.loc[table["label"] == "CEN (H=64)", "width"].eq(64).all()


def test_interpolation_recovers_a_frontier_linear_in_log_params(table):
    t = _scored(table)
    dense = t[(t["family"] == "dense") & (t["task"] == "circles")]
    front = F.frontier_at(dense, 641)
    np.testing.assert_allclose(front.to_numpy(), [_frontier(641, s, "accuracy") for s in SEEDS])
    # beyond the widest and narrowest widths the end values are held
    assert F.frontier_at(dense, 1e6).loc[0] == pytest.approx(_frontier(4417, 0, "accuracy"))
    assert F.frontier_at(dense, 10).loc[2] == pytest.approx(_frontier(37, 2, "accuracy"))


def test_a_model_above_the_frontier_holds_and_one_below_is_contradicted(table):
    t = _scored(table, hsn_shift=0.03, literal_shift=-0.2, noise=0.002)
    rows = t[(t["task"] == "circles")]
    rep = F.above_frontier(t, "circles", rows[rows["label"] == hsn_spec(REPAIRED).label])
    assert rep["verdict"] == V.HOLDS and rep["mean"] == pytest.approx(0.03, abs=0.003)
    assert rep["n"] == len(SEEDS) and rep["params"] == 641 and (rep["below"], rep["above"]) == (16, 23)
    assert rep["frontier"] == pytest.approx(np.mean([_frontier(641, s, "accuracy") for s in SEEDS]), abs=0.002)
    lit = F.above_frontier(t, "circles", rows[rows["label"] == hsn_spec(LITERAL).label])
    assert lit["verdict"] == V.CONTRADICTED and lit["lo"] < lit["hi"] < 0


def test_on_the_frontier_is_not_above_it(table):
    t = _scored(table, hsn_shift=0.0, noise=0.002)
    rows = t[(t["task"] == "swiss_roll") & (t["label"] == hsn_spec(REPAIRED).label)]
    r = F.above_frontier(t, "swiss_roll", rows)
    assert r["verdict"] != V.HOLDS and abs(r["mean"]) < V.MARGIN_ACC


def test_mse_is_oriented_so_that_positive_means_the_model_is_better(table):
    t = _scored(table, hsn_shift=1.0, mse_factor=0.5)  # the repaired HSN's MSE: half the frontier's
    rows = t[(t["task"] == "sine") & (t["label"] == hsn_spec(REPAIRED).label)]
    r = F.above_frontier(t, "sine", rows)
    assert r["mean"] > 0 and r["verdict"] == V.HOLDS
    assert r["margin"] == pytest.approx(V.MARGIN_R2 * 0.05)  # a share of the targets' variance
    worse = _scored(table, hsn_shift=1.0, mse_factor=3.0)
    r = F.above_frontier(worse, "sine", worse[(worse["task"] == "sine")
                                              & (worse["label"] == hsn_spec(REPAIRED).label)])
    assert r["mean"] < 0 and r["verdict"] == V.CONTRADICTED


def test_rows_of_two_models_or_the_wrong_task_are_refused(table):
    rows = table[table["task"] == "circles"]
    with pytest.raises(ValueError):
        F.above_frontier(table, "circles", rows[rows["family"] == "HSN"])
    with pytest.raises(ValueError):
        F.above_frontier(table, "moons", rows[rows["label"] == "CEN (H=64)"])


def test_verdicts_for_every_model_and_task_reading(table):
    t = _scored(table, hsn_shift=0.03, noise=0.002)
    out = F.frontier_verdicts(t)
    assert len(out) == len(TASKS) * 4  # CEN, two HSN readings, T = 0
    rep = out[(out["label"] == hsn_spec(REPAIRED).label) & (out["task"] == "circles")].iloc[0]
    assert rep["verdict"] == V.HOLDS and rep["reading"] == REPAIRED.only(HSN_KEYS).label
    only = F.frontier_verdicts(t, families=["HSN T=0"], count="learned_nnz")
    assert set(only["family"]) == {"HSN T=0"} and set(only["count"]) == {"learned_nnz"}


def test_gaps_against_the_dense_mlp_and_the_frontier(table):
    t = _scored(table, hsn_shift=0.03, literal_shift=-0.2, mse_factor=2.0)
    g = F.gaps(t).set_index(["task", "label"])
    rep, lit = hsn_spec(REPAIRED).label, hsn_spec(LITERAL).label
    dense64 = np.mean([_frontier(4417, s, "accuracy") for s in SEEDS])
    hsn = np.mean([_frontier(641, s, "accuracy") for s in SEEDS]) + 0.03
    assert g.loc[("circles", rep), "diff"] == pytest.approx(hsn - dense64)
    assert g.loc[("circles", rep), "in_margins"] == pytest.approx((hsn - dense64) / V.MARGIN_ACC)
    assert g.loc[("sine", rep), "ratio"] > 1 and g.loc[("sine", rep), "gain"] < 0
    front = F.gaps(t, reference="frontier").set_index(["task", "label"])
    assert front.loc[("circles", rep), "gain"] == pytest.approx(0.03)
    assert front.loc[("circles", lit), "gain"] == pytest.approx(-0.2)
    assert front.loc[("sine", rep), "ratio"] == pytest.approx(2.0, rel=0.01)  # MSE is not linear in log


def test_frontier_grids_build_and_share_the_multiverse_dense_runs():
    cfg = SimpleNamespace(profile="full", seeds=[0, 1], epochs_scale=0.05, device="cpu")
    grids = F.frontier_grids(cfg)
    mv = multiverse_grids(cfg)
    assert len(grids) == len(mv) == 6
    for (name, g), (_, m) in zip(grids.items(), mv.items()):
        assert name.startswith("frontier ") and g.data_options == m.data_options and g.tasks == m.tasks
        widths = [s.config.widths for s in g.specs]
        assert widths == [(w, w) for w in F.WIDTHS]
        shared = {s.label: s for s in m.specs}
        for s in g.specs:
            if s.label in shared:  # the same job, hence the same cache entry
                assert Job(g, g.tasks[0], s).key == Job(m, m.tasks[0], shared[s.label]).key
        assert {"Dense MLP", "Dense w=23", "Dense w=8"} <= {s.label for s in g.specs}
    quick = F.frontier_grids(SimpleNamespace(profile="quick", seeds=[0], epochs_scale=0.05, device="cpu"))
    budget = budget_dense("swiss_roll").config.widths[0]  # trained by the multiverse anyway
    assert [s.config.widths[0] for s in next(iter(quick.values())).specs] == sorted({*F.QUICK_WIDTHS, budget})


def test_frontier_long_turns_selected_runs_into_long_rows():
    cfg = SimpleNamespace(profile="quick", seeds=[0, 1], epochs_scale=0.05, device="cpu")
    grids = F.frontier_grids(cfg)
    name = [n for n in grids if "noise=0.1" in n][0]
    g = grids[name]
    members = pd.DataFrame([dict(task="sine", model=s.label, embed_dim=np.nan, seed=seed, lr=lr,
                                 val_metric=0.1 * lr, test_metric=lr + seed, diverged=False)
                            for s in g.specs for seed in cfg.seeds for lr in g.lrs])
    out = F.frontier_long({name: SweepResult(members, pd.DataFrame())}, cfg)
    assert len(out) == len(g.specs) * 2 and set(out["noise"]) == {"0.1"} and set(out["metric"]) == {"mse"}
    assert (out["lr"] == min(g.lrs)).all()  # the lower validation MSE
    assert set(out.loc[out["label"] == "Dense w=23", "model"]) == {BUDGET}
    assert set(out.loc[out["label"] == "Dense w=4", "model"]) == {"Dense w=4"}


# ----------------------------------------------------------------------------- figures


def test_the_frontier_figure_draws_every_family_in_a_panel_per_task(table):
    from scaffold.runtime import frontier_fig as FF

    t = _scored(table, hsn_shift=0.03, noise=0.002)
    fig = FF.frontier_figure(t)
    assert fig.png[:4] == b"\x89PNG"
    titles = [a.text for a in fig.plot.layout.annotations]
    assert titles == ["swiss roll", "circles", "sine, noise 0.1"]
    legend = {tr.name for tr in fig.plot.data if tr.showlegend}
    assert legend == {FF.GROUPS[f][0] for f in ("dense", "CEN", "HSN", "HSN T=0")}
    dense_line = [tr for tr in fig.plot.data if tr.legendgroup == "dense" and tr.mode == "lines+markers"]
    assert len(dense_line) == 3 and all(len(tr.x) == 9 for tr in dense_line)  # nine widths per panel
    assert fig.plot.layout.yaxis3.type == "log"  # the MSE panel


def test_degenerate_readings_are_left_out_of_the_figure_unless_named(table):
    from scaffold.runtime import frontier_fig as FF

    t = _scored(table).assign(degenerate=lambda d: d["label"] == hsn_spec(LITERAL).label)
    def hsn_points(fig):
        return sum(len(tr.x) for tr in fig.plot.data if tr.legendgroup == "HSN" and tr.opacity)
    assert hsn_points(FF.frontier_figure(t)) == len(TASKS) * len(SEEDS)
    both = [LITERAL.only(HSN_KEYS).label, REPAIRED.only(HSN_KEYS).label]
    assert hsn_points(FF.frontier_figure(t, readings=both)) == 2 * len(TASKS) * len(SEEDS)


def test_heatmap_cells_are_signed_margins_clipped_with_readable_text(table):
    from scaffold.runtime import frontier_fig as FF

    t = _scored(table, hsn_shift=0.03, literal_shift=-0.2, mse_factor=2.0)
    val, text = FF.heat_cells(t, reference="frontier")
    assert list(val.columns) == ["swiss roll", "circles", "sine, noise 0.1"]
    assert val.shape == text.shape == (2, 3)
    rep, lit = (FF.reading_words(dict(r.only(HSN_KEYS).levels)) for r in (REPAIRED, LITERAL))
    assert list(val.index) == [rep, lit]  # best first
    assert rep.startswith("repaired: one input per DG unit") and lit == "the literal reading"
    assert val.loc[rep, "circles"] == pytest.approx(3.0)  # +0.03 in margins of 0.01
    assert val.loc[lit, "circles"] == -FF.CLIP  # -0.2 saturates
    assert val.loc[rep, "sine, noise 0.1"] < 0  # twice the MSE: worse
    assert text.loc[rep, "circles"] == "+0.030" and text.loc[rep, "sine, noise 0.1"].endswith("\u00d7")
    fig = FF.heatmap(t)
    assert fig.png[:4] == b"\x89PNG" and fig.plot.data[0].zmid == 0


def test_static_twins_keep_text_readable_at_page_width(table, monkeypatch):
    from scaffold.runtime import frontier_fig as FF, live, style

    sizes, close = [], live._png_and_close
    monkeypatch.setattr(live, "_png_and_close", lambda fig: sizes.append(style.smallest_text_px(fig)) or close(fig))
    t = _scored(table, hsn_shift=0.03)
    FF.frontier_figure(t)
    FF.heatmap(t)
    assert len(sizes) == 2 and min(sizes) >= style.MIN_TEXT_PX
