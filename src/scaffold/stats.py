"""Statistics for comparing models across seeds.

The note reports one number per model and task and reads differences such as
0.977 vs 0.953 as "HSN exceeds dense".  The book instead trains several seeds.
How uncertain is a mean over seeds?  :func:`bootstrap_ci` -- percentile bootstrap
of the mean (Efron & Tibshirani 1993, ch. 13); :func:`bootstrap_rows` for many
means over the same seeds at once (a learning curve's epochs).  Whether model A
beats or matches model B is a verdict, and every verdict comes from the rulebook,
:mod:`scaffold.verdicts` (paired t intervals, equivalence margins), not from here.

Plus the noise floor of a single score: :func:`binomial_se`,
:func:`noise_floor`, :func:`accuracy_resolution` (an accuracy on 256
validation points moves in steps of 1/256 and has a binomial standard error
of sqrt(p(1-p)/256), about 0.013 at p = 0.95), and :func:`summarize` for tables.

Everything is deterministic given ``seed``.
"""

from __future__ import annotations

import numpy as np


def _as_1d(x, name: str = "x") -> np.ndarray:
    """Float vector; NaNs are an error, because silently dropping a failed run
    would bias the mean towards the runs that worked."""
    a = np.asarray(x, dtype=np.float64).ravel()
    if a.size == 0:
        raise ValueError(f"{name} is empty")
    if np.isnan(a).any():
        raise ValueError(f"{name} contains NaN; drop or investigate failed runs explicitly")
    return a


def _is_constant(a: np.ndarray) -> bool:
    # a - b of floats that are "equal per seed" can differ by ~1e-17; treat as constant
    return float(np.ptp(a)) <= 1e-12 * max(1.0, float(np.abs(a).max()))


def bootstrap_ci(x, level: float = 0.95, n_boot: int = 10000, seed: int = 0):
    """Percentile-bootstrap CI of the mean: ``(mean, lo, hi)``.

    n = 1 gives ``(x, nan, nan)`` (no spread to resample); a constant sample
    gives ``(c, c, c)``.  Resampling is done in chunks to bound memory.
    """
    a = _as_1d(x)
    if not 0 < level < 1:
        raise ValueError(f"level must be in (0, 1), got {level}")
    mean = float(a.mean())
    if a.size == 1:
        return mean, float("nan"), float("nan")
    if _is_constant(a):
        return mean, mean, mean
    rng = np.random.default_rng(seed)
    chunk = max(1, 2_000_000 // a.size)
    means = np.concatenate([
        a[rng.integers(0, a.size, size=(min(chunk, n_boot - i), a.size))].mean(axis=1)
        for i in range(0, n_boot, chunk)])
    alpha = 1.0 - level
    lo, hi = np.quantile(means, [alpha / 2, 1 - alpha / 2])
    return mean, float(lo), float(hi)


def bootstrap_rows(X, level: float = 0.95, n_boot: int = 2000, rng=None):
    """Per row of ``X`` (rows x samples): the mean over samples and a percentile-bootstrap CI.

    Whole columns are resampled, the same resample for every row, so a row's band
    stays within the range of the columns (e.g. rows are epochs of a learning curve,
    columns its seeds).  With one column the band is the row itself.  ``rng``: a
    numpy Generator (default: seeded 0), shared across calls to draw one stream.
    Returns ``(mean, lo, hi)``, each of length ``X.shape[0]``.
    """
    X = np.asarray(X, dtype=np.float64)
    rng = np.random.default_rng(0) if rng is None else rng
    n = X.shape[1]
    mean = X.mean(1)
    if n < 2:
        return mean, mean, mean
    idx = rng.integers(0, n, size=(n_boot, n))
    boot = X[:, idx].mean(-1)  # (rows, n_boot)
    lo, hi = np.quantile(boot, [(1 - level) / 2, (1 + level) / 2], axis=1)
    return mean, lo, hi


def binomial_se(acc, n):
    """Standard error ``sqrt(p (1 - p) / n)`` of an accuracy ``p`` measured on n points."""
    acc, n = np.asarray(acc, dtype=np.float64), np.asarray(n, dtype=np.float64)
    if np.any((acc < 0) | (acc > 1)) or np.any(n < 1):
        raise ValueError("need 0 <= acc <= 1 and n >= 1")
    out = np.sqrt(acc * (1 - acc) / n)
    return float(out) if out.ndim == 0 else out


def accuracy_resolution(n) -> float:
    """Smallest possible change of an accuracy on n points: one point, 1/n."""
    if n < 1:
        raise ValueError(f"n must be >= 1, got {n}")
    return 1.0 / n


def noise_floor(n_points: int, acc: float = 0.95, z: float = 1.959964) -> dict:
    """How much an accuracy on ``n_points`` validation points moves by chance.

    Returns ``{"n_points", "acc", "resolution" (1/n), "se" (binomial),
    "half_width" (z * se, normal-approx. CI of one score), "diff_half_width"
    (z * sqrt(2) * se: two independent scores at the same accuracy),
    "points_per_se" (se in units of validation points)}``.  At n = 256 and
    acc = 0.95 one point is 0.0039 and se is 0.0136, i.e. about 3.5 points.
    """
    se = float(binomial_se(acc, n_points))  # plain floats: they are glued into prose
    return {"n_points": int(n_points), "acc": float(acc),
            "resolution": float(accuracy_resolution(n_points)), "se": se,
            "half_width": z * se, "diff_half_width": float(z * np.sqrt(2) * se),
            "points_per_se": se * n_points}


def summarize(df, by, value: str, level: float = 0.95, n_boot: int = 10000, seed: int = 0):
    """Per-group ``n, mean, lo, hi, std`` of ``df[value]`` (bootstrap CI per group).

    ``by`` is a column name or list of names; groups are sorted.  ``std`` uses
    ddof=1 (nan for a single seed).  Every group uses the same ``seed``.
    """
    import pandas as pd  # only this helper needs pandas

    by = [by] if isinstance(by, str) else list(by)
    rows = []
    for key, g in df.groupby(by, sort=True):
        key = key if isinstance(key, tuple) else (key,)
        x = g[value].to_numpy(dtype=np.float64)
        mean, lo, hi = bootstrap_ci(x, level=level, n_boot=n_boot, seed=seed)
        std = float("nan") if x.size < 2 else 0.0 if _is_constant(x) else float(x.std(ddof=1))
        rows.append({**dict(zip(by, key)), "n": int(x.size), "mean": mean,
                     "lo": lo, "hi": hi, "std": std})
    return pd.DataFrame(rows, columns=[*by, "n", "mean", "lo", "hi", "std"])
