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
    # an MSE margin is a change in R^2: a share of the targets' variance, whatever the noise
    assert V.margin("mse", target_var=0.5) == pytest.approx(V.MARGIN_R2 * 0.5)
    assert V.margin("mse", target_var=0.51) == pytest.approx(V.margin("mse", target_var=0.5), rel=0.03)
    with pytest.raises(ValueError):
        V.margin("mse")
    with pytest.raises(TypeError):  # the old positional "reference mean" is refused, not misread
        V.margin("mse", 0.0008)


def test_noninferiority_rule():
    assert V.judge(_c(-0.005, 0.02), "noninferior") == V.HOLDS
    assert V.judge(_c(-0.05, -0.02), "noninferior") == V.CONTRADICTED
    assert V.judge(_c(-0.03, 0.01), "noninferior") == V.UNSUPPORTED


def test_superiority_needs_an_effect_that_matters():
    assert V.judge(_c(0.005, 0.03), "superior") == V.HOLDS
    assert V.judge(_c(-0.03, -0.001), "superior") == V.CONTRADICTED
    assert V.judge(_c(-0.01, 0.02), "superior") == V.UNSUPPORTED
    assert V.judge(_c(-0.02, 0.005), "superior") == V.UNSUPPORTED  # crosses -margin: not shown equivalent


def test_a_demonstrated_null_contradicts_x_matters():
    # equivalence (two one-sided tests): an interval inside (-margin, +margin) refutes "X is the key",
    # even when it excludes 0 (an effect too small to matter)
    for kind in ("superior", "substitutes"):
        assert V.judge(_c(-0.004, 0.004), kind) == V.CONTRADICTED
        assert V.judge(_c(0.001, 0.004), kind) == V.CONTRADICTED
        assert V.judge(_c(-0.2, 0.2), kind) == V.UNSUPPORTED
    assert V.judge(_c(-0.2, 0.2), "noninferior") == V.UNSUPPORTED


def test_equivalence_p_is_the_larger_of_the_two_one_sided_tests():
    rng = np.random.default_rng(1)
    d = rng.normal(0.0, 0.002, 12)
    c = V.compare_gain(d, 0.01)
    assert V.judge(c, "superior") == V.CONTRADICTED
    p = V.claim_p(c, "superior", V.CONTRADICTED)
    assert p == pytest.approx(min(c["p_below"], max(V.p_above(c, -0.01), V.p_below(c, 0.01))))
    assert p < V.ALPHA / 2


def test_structure_substitutes_follows_the_superiority_rule():
    assert V.judge(_c(-0.03, -0.001), "substitutes") == V.CONTRADICTED
    assert V.judge(_c(0.02, 0.05), "substitutes") == V.HOLDS


def test_holm_adjusts_and_keeps_nan():
    adj = V.holm([0.01, 0.04, 0.03, 0.005, np.nan])
    np.testing.assert_allclose(adj[:4], [0.03, 0.06, 0.06, 0.02])
    assert np.isnan(adj[4])


def test_verdicts_that_change_under_correction_are_marked():
    v, adj, changed = V.corrected([V.HOLDS, V.HOLDS, V.UNSUPPORTED], [0.001, 0.02, 0.5])
    assert v == [V.HOLDS, V.UNSUPPORTED, V.UNSUPPORTED]
    assert changed == [False, True, False]


def test_the_correction_applies_to_contradictions_too():
    # Holm is not a one-way street: a contradiction resting on a test is corrected like a "holds"
    v, _, changed = V.corrected([V.CONTRADICTED, V.CONTRADICTED, V.UNSUPPORTED, V.CONTRADICTED],
                                [0.001, 0.02, 0.3, np.nan])
    assert v == [V.CONTRADICTED, V.UNSUPPORTED, V.UNSUPPORTED, V.CONTRADICTED]  # NaN: exact, no test
    assert changed == [False, True, False, False]


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


def test_a_single_value_against_an_unstable_model_is_uninformative():
    rng = np.random.default_rng(2)
    wide = rng.normal(0.10, 0.15, 10).clip(0)  # sine MSE spread 0.15 over seeds: anything goes
    j = V.judge_single(0.039, wide, "mse", target_var=0.5)
    assert j["verdict"] == V.UNINFORMATIVE and j["hi"] - j["lo"] > V.WIDE * V.margin("mse", target_var=0.5)
    narrow = rng.normal(0.02, 0.002, 10)
    assert V.judge_single(0.019, narrow, "mse", target_var=0.5)["verdict"] == V.HOLDS
    assert V.judge_single(0.19, narrow, "mse", target_var=0.5)["verdict"] == V.CONTRADICTED


def test_a_reported_ratio_against_the_geometric_mean_ratio():
    rng = np.random.default_rng(3)
    lr = np.log(2.0) + rng.normal(0, 0.1, 10)
    assert V.judge_ratio(2.05, lr)["verdict"] == V.HOLDS
    assert V.judge_ratio(6.0, lr)["verdict"] == V.CONTRADICTED
    assert V.judge_ratio(2.0, rng.normal(0, 3, 10))["verdict"] == V.UNINFORMATIVE


def _readings(holds, degenerate=None, consistent=None):
    rows = []
    for i, (dg, G, inp) in enumerate([(d, g, x) for d in ("drawn", "min1") for g in ("raw", "r0.9")
                                      for x in ("once", "every")]):
        h = holds(dg, G, inp)
        rows.append(dict(dg=dg, G=G, input=inp, verdict=V.HOLDS if h else V.CONTRADICTED, p=0.001,
                         degenerate=bool(degenerate and degenerate(dg, G, inp)),
                         consistent=bool(consistent(dg, G, inp)) if consistent else True))
    return pd.DataFrame(rows)


def test_conditional_verdict_states_where_a_claim_holds():
    t = _readings(lambda dg, G, inp: dg == "min1" and (G == "r0.9" or inp == "every"))
    c = V.conditional(t, ("dg", "G", "input"))
    assert c["rule_errors"] == 0 and c["holds"] == 3 and c["n"] == 8
    assert "one input per DG unit" in c["condition"] and " or " in c["condition"]
    assert c["verdict"] == V.UNSUPPORTED  # consistent readings: all, and they disagree


def test_degenerate_readings_are_counted_but_left_out():
    t = _readings(lambda dg, G, inp: G == "r0.9", degenerate=lambda dg, G, inp: G == "raw" and inp == "once",
                  consistent=lambda dg, G, inp: G == "r0.9")
    c = V.conditional(t, ("dg", "G", "input"))
    assert c["n_degenerate"] == 2 and c["n"] == 6
    assert c["verdict"] == V.HOLDS and c["n_consistent"] == 4  # under the readings consistent with the note
    assert c["p"] == pytest.approx(0.001)
    assert V.judge_factor(4.9, 5.0) == (V.HOLDS, "")
    v, q = V.judge_factor(4.9, 7.0)
    assert v == V.HOLDS and "different count" in q and "at least" in q
    assert V.judge_factor(4.9, 2.0)[0] == V.CONTRADICTED
    # a cost smaller than reported holds as a bound, and says the reported number is too high
    v, q = V.judge_factor(5.0, 3.16, better="lower")
    assert v == V.HOLDS and "at most" in q and "less than the note says" in q


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
    for s in (f"{V.MARGIN_ACC:g}", f"{V.MARGIN_R2:g}", V.CORRECTION, f"{V.FACTOR_TOL:.0%}",
              f"{V.DECIDES:.0%}", f"{V.ALPHA / 2:g}", f"{V.WIDE} margins"):
        assert s in text


def test_a_claim_no_reading_decides_says_why():
    t = _readings(lambda dg, G, inp: False)
    wide = V.conditional(t.assign(verdict=V.UNINFORMATIVE), ("dg", "G", "input"))
    assert wide["verdict"] == V.UNINFORMATIVE and wide["condition"].startswith("cannot be judged under any reading")
    open_ = V.conditional(t.assign(verdict=[V.UNINFORMATIVE, V.UNSUPPORTED] * 4), ("dg", "G", "input"))
    assert open_["condition"] == ("holds under no reading and is contradicted under none: every reading leaves "
                                  "it open")
