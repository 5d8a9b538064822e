"""The tasks (scaffold.data): shapes, standardisation, seeding, options, embeddings."""

import numpy as np
import pytest
from scipy.optimize import least_squares
from scipy.stats import spearmanr

from scaffold.data import NOTE_TASKS, TASKS, make_dataset

SMALL = dict(n_train=128, n_val=64, n_test=96)
BINARY = [t for t, (k, _) in TASKS.items() if k == "binary"]


@pytest.mark.parametrize("task", sorted(TASKS))
def test_shapes_kinds_and_split_sizes(task):
    d = make_dataset(task, seed=0, **SMALL)
    kind, n_out = TASKS[task]
    assert (d.kind, d.n_out) == (kind, n_out)
    d_in = {"sine": 1, "digits": 64}.get(task, 2)
    assert d.d_in == d_in
    for split, n in (("train", 128), ("val", 64), ("test", 96)):
        x, y = getattr(d, f"x_{split}"), getattr(d, f"y_{split}")
        assert x.shape == (n, d_in) and x.dtype == np.float32
        if kind == "multiclass":
            assert y.shape == (n,) and y.dtype == np.int64
        else:
            assert y.shape == (n, 1) and y.dtype == np.float32
        assert np.isfinite(x).all() and np.isfinite(y).all()


def test_default_sizes_are_the_notes_plus_a_test_split():
    d = make_dataset("moons", seed=0)
    assert (len(d.x_train), len(d.x_val), len(d.x_test)) == (512, 256, 1024)
    assert set(NOTE_TASKS) <= set(TASKS) and len(NOTE_TASKS) == 4


@pytest.mark.parametrize("task", sorted(TASKS))
def test_standardised_with_training_statistics(task):
    d = make_dataset(task, seed=1)
    mu, sd = d.x_train.mean(0), d.x_train.std(0)
    np.testing.assert_allclose(mu, 0, atol=1e-4)
    live = sd > 0  # digits has constant pixels, left at zero
    np.testing.assert_allclose(sd[live], 1, atol=1e-4)
    if task != "digits":
        assert live.all()
    # Held-out splits are transformed with the *training* statistics, so their
    # means are near zero but not exactly zero (they would be if each split were
    # standardised on its own).
    assert np.abs(d.x_val.mean(0)[live]).max() > 1e-3
    assert np.abs(d.x_val.mean(0)).max() < 0.5


@pytest.mark.parametrize("task", sorted(TASKS))
def test_seed_fixes_the_draw(task):
    a, b = make_dataset(task, 4, **SMALL), make_dataset(task, 4, **SMALL)
    c = make_dataset(task, 5, **SMALL)
    for f in ("x_train", "y_train", "x_val", "y_val", "x_test", "y_test"):
        np.testing.assert_array_equal(getattr(a, f), getattr(b, f))
    assert not np.array_equal(a.x_train, c.x_train)


def test_splits_are_disjoint():
    d = make_dataset("moons", seed=0, **SMALL)
    rows = np.concatenate([d.x_train, d.x_val, d.x_test])
    assert len(np.unique(rows, axis=0)) == len(rows)


@pytest.mark.parametrize("task", BINARY)
def test_binary_labels_are_balanced_and_binary(task):
    d = make_dataset(task, seed=2)
    for y in (d.y_train, d.y_val, d.y_test):
        assert set(np.unique(y)) == {0.0, 1.0}
        assert 0.38 < y.mean() < 0.62


def test_sine_targets_are_a_sine_of_the_input():
    d = make_dataset("sine", seed=3, **SMALL)
    x, y = d.x_train[:, 0].astype(np.float64), d.y_train[:, 0].astype(np.float64)
    assert np.abs(y).max() <= 1 + 1e-6 and y.min() < -0.95 and y.max() > 0.95
    # x was standardised: y = sin(a x + b) for the (unknown) scale and shift.
    # x ~ U(0, 4 pi) gives a ~ 4 pi / sqrt(12), b ~ 2 pi as starting values.
    fit = least_squares(lambda p: np.sin(p[0] * x + p[1]) - y, x0=[3.6, 6.3])
    assert np.abs(fit.fun).max() < 1e-4
    a, b = fit.x
    raw = a * np.concatenate([d.x_train, d.x_val, d.x_test])[:, 0] + b
    assert raw.min() > -0.05 and raw.max() < 4 * np.pi + 0.05  # the input range 0..4 pi
    np.testing.assert_allclose(np.sin(a * d.x_test[:, 0] + b), d.y_test[:, 0], atol=1e-4)


def test_sine_noise_option_changes_targets_not_inputs():
    clean = make_dataset("sine", seed=3, **SMALL)
    noisy = make_dataset("sine", seed=3, sine_noise=0.3, **SMALL)
    np.testing.assert_array_equal(clean.x_train, noisy.x_train)
    resid = noisy.y_train - clean.y_train
    assert 0.2 < resid.std() < 0.4


def test_options_change_the_draw_and_are_recorded():
    a = make_dataset("moons", seed=0, **SMALL)
    b = make_dataset("moons", seed=0, moons_noise=0.0, **SMALL)
    assert not np.array_equal(a.x_train, b.x_train)
    assert b.meta["options"]["moons_noise"] == 0.0
    assert a.meta["options"]["moons_noise"] == 0.2


@pytest.mark.parametrize("task", ["moons", "swiss_roll", "sine"])
def test_embedding_keeps_the_geometry(task):
    base = make_dataset(task, seed=0, **SMALL)
    emb = make_dataset(task, seed=0, embed_dim=6, **SMALL)
    k = base.d_in
    assert emb.d_in == 6 and emb.x_train.shape == (128, 6)
    np.testing.assert_array_equal(base.y_train, emb.y_train)
    # Without embedding noise the points span only the task's own k dimensions ...
    xs = np.concatenate([emb.x_train, emb.x_val, emb.x_test]).astype(np.float64)
    sv = np.linalg.svd(xs - xs.mean(0), compute_uv=False)
    assert sv[k - 1] > 1e-2 * sv[0] and sv[k] < 1e-4 * sv[0]
    # ... and are an affine image of the original points (same geometry up to
    # the per-coordinate standardisation).
    xb = np.concatenate([base.x_train, base.x_val, base.x_test]).astype(np.float64)
    A = np.c_[xb, np.ones(len(xb))]
    coef, *_ = np.linalg.lstsq(A, xs, rcond=None)
    assert np.abs(A @ coef - xs).max() < 1e-3
    if k == 2:  # pairwise distances keep their order closely
        i, j = np.triu_indices(64, 1)
        def dist(x):
            return np.linalg.norm(x[i] - x[j], axis=1)

        assert spearmanr(dist(xb[:64]), dist(xs[:64])).statistic > 0.9


def test_embedding_noise_fills_all_dimensions():
    emb = make_dataset("moons", seed=0, embed_dim=6, embed_noise=0.1, **SMALL)
    xs = emb.x_train.astype(np.float64)
    sv = np.linalg.svd(xs - xs.mean(0), compute_uv=False)
    assert sv[-1] > 1e-2 * sv[0]


def test_embeddings_differ_between_seeds():
    a = make_dataset("moons", seed=0, embed_dim=4, **SMALL)
    b = make_dataset("moons", seed=1, embed_dim=4, **SMALL)
    assert not np.allclose(a.x_train, b.x_train)


def test_digits():
    d = make_dataset("digits", seed=0)
    assert d.d_in == 64 and d.n_out == 10 and d.kind == "multiclass"
    assert set(np.unique(d.y_train)) == set(range(10))
    assert d.y_train.min() == 0 and d.y_train.max() == 9


def test_bad_requests_raise():
    with pytest.raises(ValueError, match="unknown task"):
        make_dataset("spirals", 0)
    with pytest.raises(ValueError, match="unknown data option"):
        make_dataset("moons", 0, moon_noise=0.1)
    with pytest.raises(ValueError):
        make_dataset("moons", 0, embed_dim=1)
    with pytest.raises(ValueError):
        make_dataset("digits", 0, embed_dim=70)
    with pytest.raises(ValueError):
        make_dataset("digits", 0, n_train=2000)


def test_task_facts_cover_every_task():
    from scaffold.data import TASKS, higher_is_better, metric_of, task_title

    assert {t: metric_of(t) for t in TASKS} == {"swiss_roll": "accuracy", "two_spirals": "accuracy",
                                                 "circles": "accuracy", "moons": "accuracy",
                                                 "sine": "mse", "digits": "accuracy"}
    assert higher_is_better("accuracy") and not higher_is_better("mse")
    assert [task_title(t) for t in ("swiss_roll", "two_spirals", "sine")] == ["swiss roll", "two spirals", "sine"]
    assert task_title("n_seeds") == "n seeds"  # anything else: underscores read as spaces
    with pytest.raises(KeyError):
        metric_of("spirals")
