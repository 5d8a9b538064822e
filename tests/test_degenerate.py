"""The degenerate criterion: broken models are recognised, weak but working ones are not."""

import numpy as np
import pandas as pd

from scaffold import degenerate as D


def test_constant_score_is_the_majority_share_or_the_target_variance():
    metric, share = D.constant_score("moons", 0)
    assert metric == "accuracy" and 0.45 <= share <= 0.55  # balanced classes
    metric, var = D.constant_score("sine", 0)
    assert metric == "mse" and abs(var - 0.5) < 0.05  # Var(sin x) on [0, 4 pi] is 1/2
    _, noisy = D.constant_score("sine", 0, (("sine_noise", 0.1),))
    assert noisy > var


def test_a_run_at_chance_is_degenerate_a_weak_run_is_not():
    _, share = D.constant_score("moons", 3)
    assert D.is_degenerate_run("moons", 3, share)  # a constant predictor
    assert D.is_degenerate_run("moons", 3, share + D.CONSTANT_TOL / 2)
    assert not D.is_degenerate_run("moons", 3, share + 0.1)  # weak, but it learned something
    assert D.is_degenerate_run("moons", 3, 0.99, diverged=True)
    assert D.is_degenerate_run("moons", 3, float("nan"))
    _, var = D.constant_score("sine", 3)
    assert D.is_degenerate_run("sine", 3, var)  # MSE of the mean: R^2 = 0
    assert not D.is_degenerate_run("sine", 3, 0.3 * var)


def test_a_reading_is_degenerate_when_most_of_its_runs_are():
    runs = pd.DataFrame({"reading": ["a"] * 4 + ["b"] * 4,
                         "degenerate": [True, True, True, False, True, False, False, False]})
    g = D.by_reading(runs, ["reading"]).set_index("reading")
    assert g.loc["a", "degenerate"] and not g.loc["b", "degenerate"]  # one broken seed in four is kept
    assert np.isclose(g.loc["a", "degenerate_share"], 0.75)


def test_flag_runs_reads_the_long_table():
    long = pd.DataFrame({"data_task": ["moons", "moons"], "seed": [0, 0], "test_metric": [0.5, 0.97],
                         "diverged": [False, False]})
    assert D.flag_runs(long).tolist() == [True, False]


def test_the_criterion_is_stated_from_its_constants():
    t = D.criterion_text()
    assert f"{D.CONSTANT_TOL:g}" in t and f"{D.MAJORITY:.0%}" in t
