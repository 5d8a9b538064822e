"""Learning curves over seeds (scaffold.curves): the chosen runs, the band, settling."""

import numpy as np
import pandas as pd
import pytest

from scaffold import curves


def _curves():
    rows = []
    for seed in range(4):
        for lr in (0.01, 0.02):
            for e in range(1, 11):
                v = 0.5 + 0.04 * e + 0.01 * seed + (0.3 if lr == 0.02 else 0.0)
                rows.append(dict(task="moons", model="Dense MLP", seed=seed, lr=lr, epoch=e,
                                 train_loss=1.0, val_metric=v))
    return pd.DataFrame(rows)


def test_selected_curves_keep_only_the_chosen_learning_rate():
    cur = _curves()
    sel = pd.DataFrame(dict(task="moons", model="Dense MLP", seed=[0, 1, 2, 3],
                            lr=[0.01, 0.01, 0.02, 0.02]))
    out = curves.selected_curves(cur, sel)
    assert len(out) == 4 * 10
    assert set(map(tuple, out[["seed", "lr"]].drop_duplicates().to_numpy())) == {
        (0, 0.01), (1, 0.01), (2, 0.02), (3, 0.02)}


def test_curve_band_brackets_the_mean_within_the_seed_range():
    cur = _curves().query("lr == 0.01")
    band = curves.curve_band(cur, n_boot=500)
    assert len(band) == 10 and (band["n"] == 4).all()
    by_epoch = cur.groupby("epoch")["val_metric"]
    np.testing.assert_allclose(band["mean"], by_epoch.mean().to_numpy())
    assert (band["lo"] <= band["mean"] + 1e-12).all() and (band["mean"] <= band["hi"] + 1e-12).all()
    assert (band["lo"] >= by_epoch.min().to_numpy() - 1e-12).all()
    assert (band["hi"] <= by_epoch.max().to_numpy() + 1e-12).all()
    late = curves.late_change(band, frac=0.2)
    r = late.iloc[0]
    assert (r["from_epoch"], r["to_epoch"]) == (8, 10)
    assert r["change"] == pytest.approx(0.08)


def test_settles_below_finds_the_last_crossing():
    band = pd.DataFrame(dict(task="sine", model="m", epoch=[1, 2, 3, 4, 5],
                             mean=[0.5, 0.01, 0.03, 0.01, 0.005]))
    assert curves.settles_below(band, "sine", "m", 0.02) == 4
    assert curves.settles_below(band, "sine", "m", 1.0) == 1
    assert curves.settles_below(band, "sine", "m", 0.004) is None
    with pytest.raises(KeyError):
        curves.settles_below(band, "sine", "other", 0.1)
