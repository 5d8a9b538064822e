"""Behaviour of the seed-level statistics (intervals of means, the noise floor of one score)."""

import math

import numpy as np
import pandas as pd
import pytest

from scaffold.stats import accuracy_resolution, binomial_se, bootstrap_ci, bootstrap_rows, noise_floor, summarize


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


def test_bootstrap_rows_resamples_whole_columns():
    X = np.array([[0.1, 0.2, 0.3, 0.9], [1.0, 1.0, 1.0, 1.0]])
    mean, lo, hi = bootstrap_rows(X, n_boot=500, rng=np.random.default_rng(1))
    np.testing.assert_allclose(mean, X.mean(1))
    assert lo[0] < mean[0] < hi[0] and X[0].min() <= lo[0] and hi[0] <= X[0].max()
    assert lo[1] == hi[1] == 1.0  # a constant row has no spread
    one = bootstrap_rows(X[:, :1])
    assert all(np.array_equal(v, X[:, 0]) for v in one)
