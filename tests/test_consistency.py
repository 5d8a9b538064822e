"""The likelihood of the note's numbers over readings, on planted synthetic results."""

import numpy as np
import pandas as pd
import pytest

from scaffold import consistency as C
from scaffold import note

KEYS = ("dg", "G")


def _long(spec, n=10, seed=0):
    """A long table: per HSN reading (dg, G), the HSN's validation gain over the dense MLP per task
    drawn from N(mu, sd) (log ratio on sine); the CEN reproduces the note's differences exactly."""
    rng = np.random.default_rng(seed)
    rows = []
    rep = C.reported().set_index(["task", "model"])["reported"]
    for task in ("swiss_roll", "circles", "moons", "sine"):
        t = dict(task=task, swiss="half" if task == "swiss_roll" else "", swnoise="0.5" if task == "swiss_roll"
                 else "", noise="none" if task == "sine" else "")
        dense = 0.02 if task == "sine" else 0.9
        cen = C.CEN_NAME.format(note.CEN_BEST_H[task])
        for s in range(n):
            rows.append(dict(t, model="Dense MLP", reading="", dg="", G="", seed=s, val_metric=dense))
            c = rep[(task, cen)] + rng.normal(0, 0.005)
            rows.append(dict(t, model=cen, reading="", dg="", G="", seed=s,
                             val_metric=dense * np.exp(c) if task == "sine" else dense + c))
            for (dg, G), (mu, sd) in spec.items():
                d = rng.normal(mu(task), sd)
                rows.append(dict(t, model="HSN", reading=f"dg={dg} G={G}", dg=dg, G=G, seed=s,
                                 val_metric=dense * np.exp(d) if task == "sine" else dense + d))
    return pd.DataFrame(rows)


def _note(task):
    return C.reported().set_index(["task", "model"])["reported"][(task, "HSN")]


def test_the_reading_that_reproduces_the_notes_differences_gets_the_posterior():
    spec = {("min1", "r0.9"): (_note, 0.01),  # reproduces the note
            ("drawn", "r0.9"): (lambda t: _note(t) - 0.10, 0.01),  # loses 10 points everywhere
            ("drawn", "raw"): (lambda t: 0.0, 0.3)}  # unstable: its spread covers anything
    lik = C.task_likelihoods(C.seed_differences(_long(spec), KEYS), KEYS)
    post, _ = C.posterior(lik)
    post = post.set_index("reading")
    assert post.loc["dg=min1 G=r0.9", "posterior"] > 0.9 and post.loc["dg=min1 G=r0.9", "consistent"]
    assert post.loc["dg=drawn G=r0.9", "ruled_out"]
    # an unstable reading can explain one value, but not eight at once
    assert post.loc["dg=drawn G=raw", "posterior"] < 0.05 and not post.loc["dg=drawn G=raw", "consistent"]
    assert post["posterior"].sum() == pytest.approx(1.0)


def test_degenerate_readings_get_no_prior_weight():
    spec = {("min1", "r0.9"): (_note, 0.01), ("drawn", "raw"): (_note, 0.01)}
    lik = C.task_likelihoods(C.seed_differences(_long(spec), KEYS), KEYS)
    post, _ = C.posterior(lik, pd.Series({"dg=drawn G=raw": True, "dg=min1 G=r0.9": False}))
    post = post.set_index("reading")
    assert post.loc["dg=drawn G=raw", "posterior"] == 0 and not post.loc["dg=drawn G=raw", "consistent"]
    assert post.loc["dg=min1 G=r0.9", "posterior"] == pytest.approx(1.0)


def test_equal_seeds_do_not_make_a_value_certain_or_impossible():
    # every seed agrees: the spread is floored at one validation point in 256
    assert np.isfinite(C.log_density(0.0, [0.004] * 5, C.RESOLUTION))
    assert C.log_density(0.0, [0.0] * 5, C.RESOLUTION) < np.inf


def test_credible_set_is_the_fewest_readings_holding_the_mass():
    flags = C._credible(np.array([0.5, 0.3, 0.15, 0.05]))
    assert flags.tolist() == [True, True, True, False]
    assert C._credible(np.array([0.95, 0.05])).tolist() == [True, False]


def test_readings_are_compared_on_the_task_readings_they_share():
    # A was also trained on a task reading that fits badly, B only where it fits: B must not gain by it.
    rows = [dict(task="circles", swiss="", swnoise="", noise="", reading=r, ll=0.0) for r in "AB"]
    rows += [dict(task="swiss_roll", swiss="half", swnoise="0.5", noise="", reading=r, ll=0.0) for r in "AB"]
    rows.append(dict(task="swiss_roll", swiss="half", swnoise="1", noise="", reading="A", ll=-10.0))
    lik = pd.DataFrame(rows)
    shared = C.shared_task_readings(lik)
    assert set(shared["swnoise"]) == {"", "0.5"}
    post, tasks = C.posterior(lik)
    post = post.set_index("reading")
    assert post.loc["A", "posterior"] == pytest.approx(post.loc["B", "posterior"])
    # which task reading the note ran still weighs every task reading A has
    roll = tasks[tasks["task"] == "swiss_roll"].set_index("swnoise")
    assert roll.loc["0.5", "posterior"] > 0.99 and roll.loc["1", "posterior"] < 0.01
    # a degenerate reading does not decide what is shared
    lik.loc[len(lik)] = dict(task="swiss_roll", swiss="half", swnoise="1", noise="", reading="B", ll=0.0)
    lik = lik[~((lik["reading"] == "B") & (lik["swnoise"] == "0.5"))]
    assert set(C.shared_task_readings(lik, {"B"})["swnoise"]) == {"", "0.5", "1"}
