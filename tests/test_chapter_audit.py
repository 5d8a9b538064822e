"""Chapter 5 (scaffold.chapters.audit): the claims ledger's rules and tables, and the audit figures."""

import numpy as np
import pandas as pd
import pytest

from scaffold import experiments as ex, ledger, note
from scaffold.chapters import audit
from scaffold.chapters.parameters import parameter_claims


TASKS = ("swiss_roll", "circles", "moons", "sine")
SEEDS = list(range(8))


def fake_scores(level: dict, noise=0.002, seed=0) -> pd.DataFrame:
    """Selected scores: ``level[model]`` is a (task -> mean) dict or one number for every task."""
    rng = np.random.default_rng(seed)
    rows = []
    for model, lv in level.items():
        for task in TASKS:
            mu = lv[task] if isinstance(lv, dict) else lv
            for s in SEEDS:
                rows.append(dict(task=task, model=model, family="x", seed=s, lr=0.01, val_metric=mu,
                                 test_metric=float(mu + noise * rng.standard_normal()), diverged=False))
    return pd.DataFrame(rows)


def world(**over) -> pd.DataFrame:
    """Every model the ledger asks for, at plausible levels (overridable)."""
    acc = {t: 0.97 for t in TASKS} | {"sine": 0.002}
    lv = {ex.DENSE.label: acc, ex.HSN_LITERAL.label: {t: 0.5 for t in TASKS} | {"sine": 0.5},
          ex.HSN_REPAIRED.label: acc}
    lv |= {s.label: {t: 0.85 for t in TASKS} | {"sine": 0.43} for s in ex.CENS}
    lv |= {s.label: acc for s in ex.param_matched_dense().values()}
    lv |= {s.label: acc for s in ex.hsn_controls().values()}
    lv |= {s.label: {t: 0.86 for t in TASKS} | {"sine": 0.01} for s in ex.cen_controls().values()}
    lv |= over
    return fake_scores(lv)


def fake_dyn(rel_lit=1e-9, rel_rep=0.1, spread_end=(0.0, 0.2)) -> pd.DataFrame:
    rows = []
    for (label, rel, spr) in ((ex.HSN_LITERAL.label, rel_lit, spread_end[0]),
                              (ex.HSN_REPAIRED.label, rel_rep, spread_end[1])):
        for s in SEEDS:
            for t in range(8):
                rows.append(dict(model=label, seed=s, t=t, step=rel, rel_step=rel * (1 + 0.01 * s),
                                 norm=1.0, saturation=0.5, spread=0.8 if t == 0 else spr))
    return pd.DataFrame(rows)


def test_compare_pairs_by_seed_not_by_row_order():
    sel = fake_scores({"A": 0.9, "B": 0.8}, noise=0.05)
    shuffled = sel.sample(frac=1.0, random_state=1)
    c1 = audit.compare(sel, "moons", "A", "B")
    c2 = audit.compare(shuffled, "moons", "A", "B")
    assert c1["mean_diff"] == pytest.approx(c2["mean_diff"])
    assert c1["lo"] == pytest.approx(c2["lo"]) and c1["n"] == len(SEEDS)


def test_verdict_rules():
    sel = fake_scores({"A": 0.95, "same": 0.95, "worse": 0.80, "better": 0.99, "noisy": 0.95},
                      noise=0.002)
    sel.loc[sel.model == "noisy", "test_metric"] += np.tile([0.06, -0.06], len(sel) // 2)[
        : int((sel.model == "noisy").sum())]
    def cmp(a):
        return audit.compare(sel, "moons", a, "A")

    assert audit.verdict_noninferior(cmp("same")) == "reproduced"
    assert audit.verdict_noninferior(cmp("worse")) == "contradicted"
    assert audit.verdict_noninferior(cmp("noisy")) == "not reproduced"
    assert audit.verdict_better(cmp("better")) == "reproduced"
    assert audit.verdict_better(cmp("worse")) == "contradicted"
    assert audit.verdict_better(cmp("same")) == "not reproduced"


def test_verdict_better_follows_mse_direction():
    sel = fake_scores({"A": 0.10, "lower": 0.01}, noise=0.001)
    c = audit.compare(sel, "sine", "lower", "A")
    assert not c["higher_better"] and audit.verdict_better(c) == "reproduced"


def test_single_run_range_widens_with_validation_noise():
    x = np.full(10, 0.9) + np.linspace(-0.01, 0.01, 10)
    m, lo, hi = audit.single_run_range(x, 256)
    m2, lo2, hi2 = audit.single_run_range(x, None)
    assert lo < lo2 < m < hi2 < hi and m == pytest.approx(0.9)


def test_ledger_columns_and_verdicts():
    led = audit.ledger(world(), fake_dyn())
    assert list(led.columns) == ledger.COLUMNS
    assert led.claim_id.is_unique
    assert set(led.verdict) <= set(ledger.VERDICTS)
    v = led.set_index("claim_id").verdict
    assert v["C1-moons-literal"] == "contradicted"          # chance vs 0.97
    assert v["C1-moons-repaired"] == "reproduced"           # same level
    assert v["C2-moons-repaired"] == "not reproduced"       # no difference
    assert v["C4-sine"] == "reproduced"                     # CEN MSE 0.43 > 0.25
    assert v["C5-sine"] == "contradicted"                   # biases fix it
    assert v["S1-moons"] == "contradicted"                  # T=0 as good as T=5
    assert v["D1-literal"] == "not reproduced"              # settles but forgets the input
    assert v["D1-repaired"] == "contradicted"               # still moving at T
    assert (led.seeds[led.claim_id.str.startswith("C1")] == len(SEEDS)).all()


def test_ledger_can_reverse_a_verdict():
    """The same rules give 'reproduced' when the data support the claim."""
    better = {t: 0.99 for t in TASKS} | {"sine": 0.0005}
    sel = world(**{ex.HSN_REPAIRED.label: better,
                   ex.hsn_controls()["T=0"].label: {t: 0.90 for t in TASKS} | {"sine": 0.3}})
    v = audit.ledger(sel, fake_dyn(rel_rep=1e-4)).set_index("claim_id").verdict
    assert v["C2-moons-repaired"] == "reproduced"
    assert v["S1-moons"] == "reproduced" and v["S1-sine"] == "reproduced"
    assert v["D1-repaired"] == "reproduced"


def test_missing_models_are_untestable():
    sel = world()
    sel = sel[~sel.model.isin([ex.HSN_REPAIRED.label, ex.cen_controls()[512].label])]
    led = audit.ledger(sel, None).set_index("claim_id")
    assert led.loc["C1-moons-repaired", "verdict"] == "untestable"
    assert led.loc["C5-sine", "verdict"] == "untestable"
    assert led.loc["D1-literal", "verdict"] == "untestable"
    assert led.loc["C1-moons-literal", "verdict"] == "contradicted"


def test_parameter_claims_arithmetic():
    p = {r["claim_id"]: r for r in parameter_claims()}
    assert p["P1-eq1"]["ours"] == sum(note.EQ1_TERMS) == 4288 and p["P1-eq1"]["verdict"] == "contradicted"
    assert p["P6-cen-ratio"]["verdict"] == "reproduced"
    assert p["P8-table33-hsn"]["ours"] == 822 and p["P8-table33-hsn"]["verdict"] == "contradicted"
    assert p["P10-nnzG"]["ours"] == 81
    assert p["P3-hsn"]["ours"] == 641 and p["P3-hsn"]["verdict"] == "not reproduced"
    assert p["P13-compute"]["ours"] < 1  # the HSN needs fewer MACs than the dense MLP
    assert p["G1-diameter"]["ours"] == 2


def test_row_rejects_unknown_verdict():
    with pytest.raises(ValueError):
        ledger.row("x", "claim", 1, 1, verdict="maybe")


def test_write_read_round_trip(tmp_path):
    led = audit.ledger(world(), fake_dyn())
    path = ledger.write(led, tmp_path / "r")
    back = ledger.read(tmp_path / "r")
    assert path.name == "claims.csv" and list(back.columns) == ledger.COLUMNS
    assert ledger.verdict_counts(back) == ledger.verdict_counts(led)


def test_paired_and_controls_tables():
    sel = world()
    pt = audit.paired_table(sel)
    assert ex.DENSE.label not in set(pt.model)
    assert set(pt.task) == set(TASKS)
    ct = audit.controls_table(sel, audit.groups(), audit.all_specs())
    r = ct[(ct.task == "moons") & (ct.model == ex.DENSE.label)].iloc[0]
    assert r.learned_size == 4417 and r.group == "note model"
    assert ct[ct.task == "sine"].learned_size.notna().all()


def test_ca3_dynamics_untrained_literal_saturates():
    d = audit.ca3_dynamics(ex.HSN_LITERAL, "moons", [0, 1], T_max=6, train=False)
    assert len(d) == 2 * 7
    assert (d.step.dropna() >= 0).all() and d.saturation.between(0, 1).all()
    assert np.isnan(d[d.t == 6].step).all()
    lit = d.groupby("t").saturation.mean()
    rep = audit.ca3_dynamics(ex.HSN_REPAIRED, "moons", [0, 1], T_max=6, train=False)
    # the raw graph (radius ~6.85) drives tanh to saturation; radius 0.9 does not
    assert lit[6] > 0.3 and rep.groupby("t").saturation.mean()[6] < 0.05


FIG_TASKS = ("swiss_roll", "moons", "sine")


@pytest.fixture
def paired():
    rows = []
    for t in FIG_TASKS:
        for m, d in (("A", -0.5), ("B", 0.002)):
            rows.append(dict(task=t, model=m, reference="Dense MLP", mean_diff=d, lo=d - 0.01,
                             hi=d + 0.01, margin=0.01))
    return pd.DataFrame(rows)


def test_forest_one_panel_per_task_and_one_marker_per_model(paired):
    fig = audit.forest(paired, {"A": "note model", "B": "HSN control"})
    axes = fig.axes
    assert len(axes) == len(FIG_TASKS)
    assert [a.get_title() for a in axes] == list(FIG_TASKS)
    xs = sorted(float(line.get_xdata()[0]) for line in axes[1].lines if line.get_marker() == "o")
    assert xs == pytest.approx([-0.5, 0.002])
    assert [t.get_text() for t in axes[0].get_yticklabels()] == ["A", "B"]


def test_t_ablation_plots_means_in_T_order():
    rows = [dict(task=t, model=f"T{T}", mean=0.9 + 0.01 * T, lo=0.89, hi=0.99) for t in FIG_TASKS
            for T in (0, 1, 5)]
    rows += [dict(task=t, model="Dense MLP", mean=0.95, lo=0.94, hi=0.96) for t in FIG_TASKS]
    s = pd.DataFrame(rows)
    fig = audit.t_ablation(s, {5: "T5", 0: "T0", 1: "T1"}, reference=s[s.model == "Dense MLP"])
    line = fig.axes[0].lines[0]
    assert list(line.get_xdata()) == [0, 1, 5]
    assert np.allclose(line.get_ydata(), [0.9, 0.91, 0.95])
    assert fig.axes[2].get_yscale() == "log"  # sine: MSE


def test_frontier_log_x_and_groups():
    rows = [dict(task=t, model=m, group=g, mean=0.9, lo=0.88, hi=0.92, learned_size=n)
            for t in FIG_TASKS for m, g, n in (("Dense MLP", "note model", 4417), ("CEN", "CEN", 513))]
    fig = audit.frontier(pd.DataFrame(rows), annotate=["Dense MLP"])
    assert all(a.get_xscale() == "log" for a in fig.axes)
    assert len(fig.axes[0].texts) == 1
    labels = fig.axes[0].get_legend_handles_labels()[1]
    assert labels == ["note model", "CEN"]


def test_dynamics_three_panels_one_line_per_model():
    rows = [dict(model=m, seed=s, t=t, step=0.1 / (t + 1), saturation=0.5, spread=0.2)
            for m in ("lit", "rep") for s in (0, 1) for t in range(6)]
    fig = audit.dynamics(pd.DataFrame(rows))
    assert len(fig.axes) == 3
    assert len(fig.axes[0].lines) == 2 + 1  # two models + the T marker
