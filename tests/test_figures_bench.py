"""Benchmark figures (scaffold.figures_bench): what is drawn matches what is given."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402

from scaffold import figures_bench as fb  # noqa: E402
from scaffold.data import make_dataset  # noqa: E402
from scaffold.experiments import CENS, DENSE, HSN_REPAIRED  # noqa: E402
from scaffold.train import TrainConfig, train_ensemble  # noqa: E402

SMALL = dict(n_train=64, n_val=32, n_test=48)


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


@pytest.mark.parametrize("spec", [DENSE, HSN_REPAIRED, CENS[0]], ids=lambda s: s.label)
def test_member_output_is_that_members_own_forward(spec):
    model = spec.build(2, 1, [0, 1, 2])
    x = np.random.default_rng(0).normal(size=(17, 2)).astype(np.float32)
    with torch.no_grad():
        full = model(torch.as_tensor(x).expand(3, 17, 2).contiguous()).numpy()
    for m in range(3):
        np.testing.assert_allclose(fb.member_output(model, x, m), full[m], rtol=1e-5, atol=1e-6)
    # members differ (different seeds), so picking the member matters
    assert not np.allclose(full[0], full[1])


def test_grid_points_cover_the_data():
    x = np.array([[-1.0, 2.0], [3.0, -4.0]])
    xx, yy, flat = fb.grid_points(x, n=11, pad=0.5)
    assert xx.shape == yy.shape == (11, 11) and flat.shape == (121, 2)
    assert flat[:, 0].min() == pytest.approx(-1.5) and flat[:, 0].max() == pytest.approx(3.5)
    assert flat[:, 1].min() == pytest.approx(-4.5) and flat[:, 1].max() == pytest.approx(2.5)


def test_plot_datasets_one_panel_per_task():
    ds = {t: make_dataset(t, 0, **SMALL) for t in ("moons", "sine")}
    fig = fb.plot_datasets(ds)
    assert [a.get_title() for a in fig.axes] == ["Moons", "Sine"]


def _long():
    rows = []
    for task, reg in (("moons", False), ("sine", True)):
        for m, mean in (("Dense MLP", 0.9), ("CEN (H=512)", 0.5)):
            mean = mean / 10 if reg else mean
            rep = np.nan if m == "CEN (H=512)" else mean + 0.01
            rows.append(dict(task=task, model=m, split="val", mean=mean, lo=mean - 0.02 * (not reg),
                             hi=mean + 0.02, reported=rep))
    return pd.DataFrame(rows)


def test_figure1_draws_means_reported_values_and_dense_line():
    long = _long()
    fig = fb.plot_figure1(long, ["Dense MLP", "CEN (H=512)"], ["moons", "sine"])
    ax_moons, ax_sine = fig.axes[:2]
    assert ax_sine.get_yscale() == "log" and ax_moons.get_yscale() == "linear"
    ys = [float(np.ravel(l.get_ydata())[0]) for l in ax_moons.lines if len(np.ravel(l.get_ydata()))]
    # dense mean (dashed line and marker), CEN mean, dense reported: no reported marker for CEN
    assert 0.9 in ys and 0.5 in ys and pytest.approx(0.91) in ys
    assert len([y for y in ys if y == pytest.approx(0.51)]) == 0
    dashed = [l for l in ax_moons.lines if l.get_linestyle() == "--"]
    assert len(dashed) == 1 and np.allclose(dashed[0].get_ydata(), 0.9)


def test_plot_boundaries_and_sine_fits_run_on_trained_models():
    tc = TrainConfig(epochs_scale=0.01)
    fits = {}
    for task in ("moons", "sine"):
        res = train_ensemble(DENSE, task, [0], tc)
        score = float(res.members["test_metric"].iloc[1])
        fits[(task, "Dense MLP")] = (res.model, 1, res.datasets[0], score)
    fig = fb.plot_boundaries(fits, ["moons"], ["Dense MLP", "absent"], n=20)
    assert fig.axes[0].get_visible() and not fig.axes[1].get_visible()
    assert f"{fits[('moons', 'Dense MLP')][3]:.3f}" in fig.axes[0].get_title()
    fig = fb.plot_sine_fits(fits, ["Dense MLP"], n=50)
    line = fig.axes[0].lines[0]
    model, member, ds, _ = fits[("sine", "Dense MLP")]
    xs = line.get_xdata()[:, None]
    np.testing.assert_allclose(line.get_ydata(), fb.member_output(model, xs, member)[:, 0], rtol=1e-5)


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
    out = fb.selected_curves(cur, sel)
    assert len(out) == 4 * 10
    assert set(map(tuple, out[["seed", "lr"]].drop_duplicates().to_numpy())) == {
        (0, 0.01), (1, 0.01), (2, 0.02), (3, 0.02)}


def test_curve_band_brackets_the_mean_within_the_seed_range():
    cur = _curves().query("lr == 0.01")
    band = fb.curve_band(cur, n_boot=500)
    assert len(band) == 10 and (band["n"] == 4).all()
    by_epoch = cur.groupby("epoch")["val_metric"]
    np.testing.assert_allclose(band["mean"], by_epoch.mean().to_numpy())
    assert (band["lo"] <= band["mean"] + 1e-12).all() and (band["mean"] <= band["hi"] + 1e-12).all()
    assert (band["lo"] >= by_epoch.min().to_numpy() - 1e-12).all()
    assert (band["hi"] <= by_epoch.max().to_numpy() + 1e-12).all()
    late = fb.late_change(band, frac=0.2)
    r = late.iloc[0]
    assert (r["from_epoch"], r["to_epoch"]) == (8, 10)
    assert r["change"] == pytest.approx(0.08)


def test_learning_curves_figure_has_a_line_per_model():
    cur = _curves()
    sel = pd.DataFrame(dict(task="moons", model="Dense MLP", seed=[0, 1, 2, 3], lr=0.01))
    fig = fb.plot_learning_curves(cur, sel, ["moons"], ["Dense MLP", "HSN (literal)"])
    ax = fig.axes[0]
    assert len(ax.lines) == 1
    np.testing.assert_allclose(ax.lines[0].get_ydata(),
                               cur.query("lr == 0.01").groupby("epoch")["val_metric"].mean())


def test_settles_below_finds_the_last_crossing():
    band = pd.DataFrame(dict(task="sine", model="m", epoch=[1, 2, 3, 4, 5],
                             mean=[0.5, 0.01, 0.03, 0.01, 0.005]))
    assert fb.settles_below(band, "sine", "m", 0.02) == 4
    assert fb.settles_below(band, "sine", "m", 1.0) == 1
    assert fb.settles_below(band, "sine", "m", 0.004) is None
    with pytest.raises(KeyError):
        fb.settles_below(band, "sine", "other", 0.1)
