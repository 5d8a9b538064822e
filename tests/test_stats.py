"""Behaviour of the seed-level statistics used for every comparison in the book."""

import math

import numpy as np
import pandas as pd
import pytest

from scaffold.stats import (accuracy_resolution, binomial_se, bootstrap_ci, noise_floor,
                            paired_test, summarize, tost)


def test_bootstrap_ci_covers_mean_and_shrinks():
    rng = np.random.default_rng(1)
    widths = []
    for n in (10, 40, 160):
        x = rng.normal(5.0, 2.0, size=n)
        mean, lo, hi = bootstrap_ci(x, n_boot=4000, seed=0)
        assert mean == pytest.approx(x.mean())
        assert lo < mean < hi and lo < 5.0 < hi
        # percentile bootstrap of the mean ~ mean +- 1.96 s / sqrt(n)
        assert (hi - lo) == pytest.approx(2 * 1.96 * x.std() / math.sqrt(n), rel=0.15)
        widths.append(hi - lo)
    assert widths[0] > widths[1] > widths[2]


def test_bootstrap_ci_coverage_near_nominal():
    rng = np.random.default_rng(2)
    hits = 0
    for i in range(200):
        _, lo, hi = bootstrap_ci(rng.normal(0.0, 1.0, size=30), n_boot=1000, seed=i)
        hits += lo < 0.0 < hi
    assert 0.88 <= hits / 200 <= 0.99     # nominal 0.95; percentile bootstrap runs a bit low


def test_bootstrap_ci_edge_cases_and_determinism():
    m, lo, hi = bootstrap_ci([0.7])
    assert m == 0.7 and math.isnan(lo) and math.isnan(hi)
    assert bootstrap_ci([0.9] * 5) == (0.9, 0.9, 0.9)
    x = np.random.default_rng(3).random(12)
    assert bootstrap_ci(x, seed=7) == bootstrap_ci(x, seed=7)
    assert bootstrap_ci(x, seed=7) != bootstrap_ci(x, seed=8)
    narrow, wide = bootstrap_ci(x, level=0.5), bootstrap_ci(x, level=0.99)
    assert wide[1] < narrow[1] < narrow[2] < wide[2]
    with pytest.raises(ValueError, match="NaN"):
        bootstrap_ci([0.1, np.nan])
    with pytest.raises(ValueError):
        bootstrap_ci([])


def test_paired_test_detects_shift_not_null():
    rng = np.random.default_rng(4)
    base = rng.normal(0.9, 0.03, size=12)        # seed effects shared by both models
    shifted = base + 0.02 + rng.normal(0, 0.003, size=12)
    r = paired_test(shifted, base)
    assert r["n"] == 12 and r["mean_diff"] == pytest.approx(0.02, abs=0.003)
    assert r["lo"] > 0 and r["t_p"] < 1e-6 and r["wilcoxon_p"] < 0.001
    # same models up to per-seed jitter: no shift, nothing detected
    null = paired_test(base + rng.normal(0, 0.003, size=12), base)
    assert null["t_p"] > 0.05 and null["wilcoxon_p"] > 0.05
    assert null["lo"] < 0 < null["hi"]


def test_paired_test_degenerate_differences():
    a = [0.95, 0.96, 0.97, 0.98]
    r = paired_test(a, a)
    assert r["mean_diff"] == 0 and r["t_p"] == 1.0 and r["wilcoxon_p"] == 1.0
    r = paired_test(np.array(a) + 0.01, a)
    assert r["t_p"] == 0.0 and r["t_stat"] == math.inf
    assert r["wilcoxon_p"] == pytest.approx(0.125)  # exact: 2 * 0.5**4
    with pytest.raises(ValueError, match="equal lengths"):
        paired_test([1, 2, 3], [1, 2])


def test_tost_equivalence_and_non_equivalence():
    rng = np.random.default_rng(5)
    b = rng.normal(0.95, 0.01, size=10)
    close = b + rng.normal(0.001, 0.002, size=10)
    r = tost(close, b, margin=0.01)
    assert r["equivalent"] and r["p_value"] < 0.05
    assert -0.01 < r["ci_lo"] < r["mean_diff"] < r["ci_hi"] < 0.01
    assert r["p_value"] == max(r["p_lower"], r["p_upper"]) and r["ci_level"] == pytest.approx(0.9)
    far = b + 0.03 + rng.normal(0, 0.002, size=10)
    r = tost(far, b, margin=0.01)
    assert not r["equivalent"] and r["p_value"] > 0.5 and r["ci_lo"] > 0.01
    # the same close pair with a too-tight margin is not shown equivalent
    assert not tost(close, b, margin=0.0005)["equivalent"]


def test_tost_matches_ci_inclusion_and_unpaired():
    rng = np.random.default_rng(6)
    for _ in range(20):
        a, b = rng.normal(0, 1, 8), rng.normal(0.2, 1, 8)
        for paired in (True, False):
            r = tost(a, b, margin=0.8, paired=paired)
            inside = -0.8 < r["ci_lo"] and r["ci_hi"] < 0.8
            assert r["equivalent"] == inside
    # unpaired, equal sizes and variances: Welch df == 2n - 2
    r = tost([1.0, 2.0, 3.0], [1.5, 2.5, 3.5], margin=5.0, paired=False)
    assert r["df"] == pytest.approx(4.0) and r["mean_diff"] == pytest.approx(-0.5)


def test_tost_zero_variance():
    a = np.array([0.9, 0.92, 0.95])
    r = tost(a + 0.004, a, margin=0.01)
    assert r["equivalent"] and r["p_value"] == 0.0 and r["ci_lo"] == pytest.approx(0.004)
    r = tost(a + 0.02, a, margin=0.01)
    assert not r["equivalent"] and r["p_value"] == 1.0
    r = tost([0.9], [0.9], margin=0.01)
    assert not r["equivalent"] and math.isnan(r["p_value"])
    with pytest.raises(ValueError):
        tost(a, a, margin=0.0)


def test_noise_floor_of_256_points():
    assert binomial_se(0.5, 100) == pytest.approx(0.05)
    assert binomial_se(1.0, 256) == 0.0
    np.testing.assert_allclose(binomial_se(np.array([0.5, 0.9]), 400), [0.025, 0.015])
    assert accuracy_resolution(256) == 1 / 256
    f = noise_floor(256, 0.95)
    assert f["se"] == pytest.approx(math.sqrt(0.95 * 0.05 / 256))
    assert f["se"] == pytest.approx(0.01362, abs=1e-5)
    assert f["points_per_se"] == pytest.approx(3.49, abs=0.01)
    assert f["diff_half_width"] == pytest.approx(1.96 * math.sqrt(2) * f["se"], rel=1e-4)
    with pytest.raises(ValueError):
        binomial_se(1.2, 10)


def test_summarize_groups():
    df = pd.DataFrame({"model": ["hsn"] * 4 + ["mlp"] * 3 + ["cen"],
                       "task": ["moons"] * 8,
                       "acc": [0.97, 0.98, 0.96, 0.97, 0.95, 0.95, 0.95, 0.86]})
    s = summarize(df, ["model", "task"], "acc", n_boot=2000)
    assert list(s.columns) == ["model", "task", "n", "mean", "lo", "hi", "std"]
    assert s["model"].tolist() == ["cen", "hsn", "mlp"]
    row = s.set_index("model").loc["hsn"]
    assert row["n"] == 4 and row["mean"] == pytest.approx(0.97)
    assert row["lo"] < 0.97 < row["hi"]
    assert row["std"] == pytest.approx(np.std([0.97, 0.98, 0.96, 0.97], ddof=1))
    mlp, cen = s.set_index("model").loc["mlp"], s.set_index("model").loc["cen"]
    assert mlp["lo"] == mlp["hi"] == pytest.approx(0.95) and mlp["std"] == 0.0  # 1e-16 noise
    assert cen["n"] == 1 and math.isnan(cen["lo"]) and math.isnan(cen["std"])
    one = summarize(df, "model", "acc", n_boot=500)
    assert list(one.columns) == ["model", "n", "mean", "lo", "hi", "std"]
