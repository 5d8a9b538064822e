"""The note's four toy tasks, plus digits and higher-dimensional embeddings.

The note (section 2) lists Swiss roll classification, concentric circles, noisy
moons and sine regression, with 512 training and 256 validation points.  It
leaves most generating choices open; every choice made here is a named default
so that the book can state it and vary it:

- ``swiss_roll``: scikit-learn's ``make_swiss_roll`` projected onto its spiral
  plane (x, z); the binary label is *which half of the roll* a point lies on
  (roll parameter t, uniform on [1.5 pi, 4.5 pi], above or below 3 pi).  The
  generator gives no labels, so this is a reading, and the easier of two.
- ``two_spirals``: the harder reading: two interleaved spiral arms, the label
  is the arm.
- ``circles``: ``make_circles(noise=0.1, factor=0.5)``.
- ``moons``: ``make_moons(noise=0.2)``.
- ``sine``: x uniform on [0, 4*pi], y = sin(x); targets carry no noise unless
  ``sine_noise`` > 0.
- ``digits``: scikit-learn's 8x8 digits (64 inputs, 10 classes, ships offline).

A third, held-out *test* split (1024 points by default) is added because the
note picks its learning rate on the same validation set it reports.  Inputs are
standardised with training statistics only.  One seed fixes the whole draw.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from sklearn.datasets import load_digits, make_circles, make_moons, make_swiss_roll

#: task name -> (kind, number of outputs).  "binary" tasks have one logit.
TASKS = {
    "swiss_roll": ("binary", 1),
    "two_spirals": ("binary", 1),
    "circles": ("binary", 1),
    "moons": ("binary", 1),
    "sine": ("regression", 1),
    "digits": ("multiclass", 10),
}
#: The note's four benchmarks, in its order.
NOTE_TASKS = ("swiss_roll", "circles", "moons", "sine")

#: How a reader calls each task (titles, tables, prose): one name per task.
TITLES = {"swiss_roll": "swiss roll", "two_spirals": "two spirals", "circles": "circles",
          "moons": "moons", "sine": "sine", "digits": "digits"}
#: The metric each kind of task is scored by ...
METRICS = {"binary": "accuracy", "multiclass": "accuracy", "regression": "mse"}
#: ... and which way is better.
HIGHER_IS_BETTER = {"accuracy": True, "mse": False}


def task_title(task: str) -> str:
    """A task's name as a reader sees it: ``"swiss_roll"`` -> ``"swiss roll"``.

    A name that is not a task (a column header, an embedded variant) is shown with
    its underscores as spaces, so every table and title can call this on anything.
    """
    return TITLES.get(task, str(task).replace("_", " "))


def metric_of(task: str) -> str:
    """The metric a task is scored by: ``"accuracy"`` or ``"mse"``."""
    return METRICS[TASKS[task][0]]


def higher_is_better(metric: str) -> bool:
    """Whether a larger value of ``metric`` (``"accuracy"``, ``"mse"``) is the better one."""
    return HIGHER_IS_BETTER[metric]


DEFAULTS = dict(swiss_noise=0.5, spiral_noise=0.5, spiral_turns=1.5, circles_noise=0.1,
                circles_factor=0.5, moons_noise=0.2, sine_noise=0.0, embed_noise=0.0)


@dataclass
class Dataset:
    """Standardised splits of one task drawn with one seed (float32 numpy arrays).

    ``y`` is float of shape (n, 1) for binary and regression tasks and int64 of
    shape (n,) for multiclass.
    """

    name: str
    kind: str
    n_out: int
    seed: int
    x_train: np.ndarray
    y_train: np.ndarray
    x_val: np.ndarray
    y_val: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    meta: dict = field(default_factory=dict)

    @property
    def d_in(self) -> int:
        return self.x_train.shape[1]


def _rng(seed: int, name: str) -> np.random.Generator:
    # Separate, reproducible streams per task so that e.g. the moons of seed 3
    # do not share random numbers with the circles of seed 3.
    return np.random.default_rng([int(seed), sum(map(ord, name))])


def _raw(name: str, n: int, seed: int, o: dict) -> tuple[np.ndarray, np.ndarray]:
    rs = int(_rng(seed, name).integers(2**31 - 1))
    if name == "swiss_roll":
        pts, t = make_swiss_roll(n, noise=o["swiss_noise"], random_state=rs)
        x = pts[:, [0, 2]]
        # t is uniform on [1.5 pi, 4.5 pi]; cut the roll at the middle of its length.
        y = (t > 3.0 * np.pi).astype(np.float64)
    elif name == "two_spirals":
        rng = np.random.default_rng(rs)
        theta = np.sqrt(rng.uniform(size=n)) * o["spiral_turns"] * 2 * np.pi
        y = (rng.uniform(size=n) < 0.5).astype(np.float64)
        sign = 1 - 2 * y  # arm 1 is arm 0 rotated by pi
        x = sign[:, None] * np.stack([theta * np.cos(theta), theta * np.sin(theta)], 1)
        x = x + o["spiral_noise"] * rng.normal(size=x.shape)
    elif name == "circles":
        x, y = make_circles(n, noise=o["circles_noise"], factor=o["circles_factor"],
                            random_state=rs)
    elif name == "moons":
        x, y = make_moons(n, noise=o["moons_noise"], random_state=rs)
    elif name == "sine":
        rng = np.random.default_rng(rs)
        x = rng.uniform(0.0, 4 * np.pi, size=(n, 1))
        y = np.sin(x[:, 0]) + o["sine_noise"] * rng.normal(size=n)
    else:  # pragma: no cover - guarded by make_dataset
        raise AssertionError(name)
    return x.astype(np.float64), y


def _shuffle_classes(x, y, seed):
    # make_circles / make_moons return points sorted by class: shuffle before splitting.
    p = _rng(seed, "perm").permutation(len(y))
    return x[p], y[p]


def make_dataset(name: str, seed: int = 0, n_train: int = 512, n_val: int = 256,
                 n_test: int = 1024, embed_dim: int | None = None, **options) -> Dataset:
    """Draw task ``name`` with ``seed``; see the module docstring for the choices.

    ``embed_dim=d`` maps a 2-D (or 1-D) task into d dimensions with a random
    orthonormal embedding drawn from the seed (the task's intrinsic geometry is
    unchanged; only the input dimension grows), plus isotropic noise of std
    ``embed_noise`` in all d coordinates.
    """
    if name not in TASKS:
        raise ValueError(f"unknown task {name!r}; choose one of {sorted(TASKS)}")
    unknown = set(options) - set(DEFAULTS)
    if unknown:
        raise ValueError(f"unknown data option(s) {sorted(unknown)}; known: {sorted(DEFAULTS)}")
    o = {**DEFAULTS, **options}
    kind, n_out = TASKS[name]
    n = n_train + n_val + n_test
    if name == "digits":
        if embed_dim is not None:
            raise ValueError("digits is already 64-dimensional; embed_dim is for the toy tasks")
        d = load_digits()
        if n > len(d.target):
            raise ValueError(f"digits has {len(d.target)} images, asked for {n}")
        x, y = _shuffle_classes(d.data.astype(np.float64), d.target, seed)
        x, y = x[:n], y[:n]
    else:
        x, y = _shuffle_classes(*_raw(name, n, seed, o), seed)
    if embed_dim is not None:
        if embed_dim < x.shape[1]:
            raise ValueError(f"embed_dim={embed_dim} is below the task's dimension {x.shape[1]}")
        rng = _rng(seed, "embed")
        # k orthonormal directions in R^d (a (d, k) QR: a full (d, d) one costs
        # seconds at d = 784 and is not needed).
        q, _ = np.linalg.qr(rng.normal(size=(embed_dim, x.shape[1])))
        x = x @ q.T + o["embed_noise"] * rng.normal(size=(n, embed_dim))
    tr, va = slice(0, n_train), slice(n_train, n_train + n_val)
    te = slice(n_train + n_val, n)
    mu, sd = x[tr].mean(0), x[tr].std(0)
    sd[sd < 1e-8] = 1.0  # constant pixels in digits: leave them at zero
    x = ((x - mu) / sd).astype(np.float32)
    if kind == "multiclass":
        y = y.astype(np.int64)
    else:
        y = y.astype(np.float32)[:, None]
    return Dataset(name, kind, n_out, seed, x[tr], y[tr], x[va], y[va], x[te], y[te],
                   meta=dict(options=o, embed_dim=embed_dim))
