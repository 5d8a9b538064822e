"""One rule per test: the rulebook of scaffold.verdicts."""

import numpy as np
import pandas as pd
import pytest
from scipy import stats as st

from scaffold import verdicts as V


def _c(lo, hi, m=0.01):
    return dict(lo=lo, hi=hi, margin=m)


def test_interval_and_test_come_from_the_same_t_distribution():
    rng = np.random.default_rng(0)
    a, b = rng.normal(0.9, 0.02, 10), rng.normal(0.88, 0.02, 10)
    c = V.compare(a, b, True, 0.01)
    ref = st.ttest_rel(a, b).confidence_interval(0.95)
    assert c["lo"] == pytest.approx(ref.low) and c["hi"] == pytest.approx(ref.high)
    # a one-sided test at ALPHA/2 sits exactly on the interval's end
    assert V.p_above(c, c["lo"]) == pytest.approx(V.ALPHA / 2)
    assert (c["p_noninferior"] < V.ALPHA / 2) == (c["lo"] > -0.01)


def test_mse_differences_are_oriented_lower_is_better():
    c = V.compare([0.1, 0.12, 0.11], [0.2, 0.21, 0.22], higher_better=False, m=0.01)
    assert c["mean"] > 0


def test_margins_scale_with_the_task():
    assert V.margin("accuracy") == V.MARGIN_ACC
    assert V.margin("mse", 0.0008) == pytest.approx(V.REL_MSE_MARGIN * 0.0008)
    with pytest.raises(ValueError):
        V.margin("mse")


def test_noninferiority_rule():
    assert V.judge(_c(-0.005, 0.02), "noninferior") == V.HOLDS
    assert V.judge(_c(-0.05, -0.02), "noninferior") == V.CONTRADICTED
    assert V.judge(_c(-0.03, 0.01), "noninferior") == V.UNSUPPORTED


def test_superiority_needs_an_effect_that_matters():
    assert V.judge(_c(0.005, 0.03), "superior") == V.HOLDS
    assert V.judge(_c(0.001, 0.004), "superior") == V.UNSUPPORTED  # significant, but inside the margin
    assert V.judge(_c(-0.03, -0.001), "superior") == V.CONTRADICTED
    assert V.judge(_c(-0.01, 0.02), "superior") == V.UNSUPPORTED


def test_contradicted_only_when_the_interval_is_on_the_wrong_side():
    # an interval that straddles the threshold is never "contradicted"
    for kind in ("noninferior", "superior", "substitutes"):
        assert V.judge(_c(-0.2, 0.2), kind) == V.UNSUPPORTED


def test_structure_substitutes_is_unsupported_when_small_dense_does_as_well():
    assert V.judge(_c(-0.03, -0.001), "substitutes") == V.UNSUPPORTED
    assert V.judge(_c(-0.004, 0.004), "substitutes") == V.UNSUPPORTED
    assert V.judge(_c(0.02, 0.05), "substitutes") == V.HOLDS


def test_holm_adjusts_and_keeps_nan():
    adj = V.holm([0.01, 0.04, 0.03, 0.005, np.nan])
    np.testing.assert_allclose(adj[:4], [0.03, 0.06, 0.06, 0.02])
    assert np.isnan(adj[4])


def test_verdicts_that_change_under_correction_are_marked():
    v, adj, changed = V.corrected([V.HOLDS, V.HOLDS, V.UNSUPPORTED], [0.001, 0.02, 0.5])
    assert v == [V.HOLDS, V.UNSUPPORTED, V.UNSUPPORTED]
    assert changed == [False, True, False]


def test_prediction_interval_for_one_run_is_clipped_to_the_metric():
    x = np.array([0.99, 1.0, 0.98, 1.0, 0.995])
    mean, lo, hi = V.prediction_interval(x, "accuracy")
    half = st.t.ppf(0.975, 4) * x.std(ddof=1) * np.sqrt(1 + 1 / 5)
    assert hi == 1.0 and lo == pytest.approx(mean - half)
    _, lo_mse, _ = V.prediction_interval([0.001, 0.02, 0.003], "mse")
    assert lo_mse == 0.0


def test_single_reported_value():
    x = [0.95, 0.96, 0.94, 0.955, 0.945]
    assert V.judge_single(0.95, x, "accuracy")["verdict"] == V.HOLDS
    out = V.judge_single(0.80, x, "accuracy")
    assert out["verdict"] == V.CONTRADICTED and out["side"] == "ours above"


def test_a_larger_saving_holds_with_a_different_count():
    assert V.judge_factor(4.9, 5.0) == (V.HOLDS, "")
    v, q = V.judge_factor(4.9, 7.0)
    assert v == V.HOLDS and "different count" in q
    assert V.judge_factor(4.9, 2.0)[0] == V.CONTRADICTED


def test_compute_cost_is_judged_against_the_hsns_own_t0_pass():
    assert V.judge_cost(5, macs_T=500, macs_T0=100)[0] == V.HOLDS
    v, q = V.judge_cost(5, macs_T=300, macs_T0=100)  # cheaper than reported: favourable
    assert v == V.HOLDS and "different count" in q
    assert V.judge_cost(5, macs_T=900, macs_T0=100)[0] == V.CONTRADICTED


def test_dg_nonzeros_against_the_binomial_spread_of_one_draw():
    out = V.judge_count(5, 64, 0.05)
    assert out["verdict"] == V.HOLDS and out["lo"] <= 3 <= out["hi"]
    assert V.judge_count(32, 64, 0.05)["verdict"] == V.CONTRADICTED


def test_share_over_readings():
    o = V.over_readings([V.HOLDS, V.UNSUPPORTED, V.HOLDS, V.CONTRADICTED])
    assert o["share"] == 0.5 and o["summary"] == "depends on the reading"
    assert V.over_readings([V.HOLDS] * 3)["summary"] == "holds under every reading"
    assert V.over_readings([V.CONTRADICTED] * 2)["summary"] == "contradicted under every reading"


def test_the_axis_that_flips_the_verdict_decides():
    t = pd.DataFrame([dict(x=x, y=y, verdict=V.HOLDS if x == "on" else V.UNSUPPORTED)
                      for x in ("on", "off") for y in ("a", "b", "c")])
    d = {r["axis"]: r for r in V.deciding_axes(t, ["x", "y"])}
    assert d["x"]["flip_rate"] == 1.0 and d["x"]["decides"]
    assert d["y"]["flip_rate"] == 0.0 and not d["y"]["decides"]


def test_a_three_level_axis_decides_through_its_flipping_pair():
    # raw fails, 0.9 and 1 both work: raw <-> 0.9 flips every verdict, 0.9 <-> 1 none
    t = pd.DataFrame([dict(G=g, y=y, verdict=V.UNSUPPORTED if g == "raw" else V.HOLDS)
                      for g in ("raw", "r0.9", "r1") for y in ("a", "b")])
    d = {r["axis"]: r for r in V.deciding_axes(t, ["G", "y"])}
    assert d["G"]["decides"] and d["G"]["flip_rate"] == 1.0 and "raw" in d["G"]["switch"]


def test_each_claim_counted_once():
    rows = pd.DataFrame(dict(claim=["C1", "C1", "C1", "C1", "C2", "C2"],
                             task=["moons", "moons", "circles", "circles", None, None],
                             reading=["lit", "rep", "lit", "rep", "lit", "rep"]))
    assert V.count_claims(rows) == 3  # C1 per task (2), C2 once
    assert V.count_reported([("2.1", "moons", "HSN"), ("2.1", "moons", "HSN"), ("2.2", "HSN", "cls")]) == 2


def test_rulebook_is_built_from_the_constants():
    text = V.rulebook_text()
    for s in (f"{V.MARGIN_ACC:g}", f"{V.REL_MSE_MARGIN:g}", V.CORRECTION, f"{V.FACTOR_TOL:.0%}",
              f"{V.DECIDES:.0%}", f"{V.ALPHA / 2:g}"):
        assert s in text
