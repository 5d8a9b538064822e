"""Statistics for comparing models across seeds.

The note reports one number per model and task and reads differences such as
0.977 vs 0.953 as "HSN exceeds dense".  The book instead trains several seeds
and asks three questions, each answered by one function here:

- How uncertain is a mean over seeds?  :func:`bootstrap_ci` -- percentile
  bootstrap of the mean (Efron & Tibshirani 1993, ch. 13); :func:`bootstrap_rows`
  for many means over the same seeds at once (a learning curve's epochs).
- Is model A better than model B on the same seeds?  :func:`paired_test` --
  paired t-test and Wilcoxon signed-rank test on per-seed differences.
- Do A and B "match"?  :func:`tost` -- two one-sided tests against an
  equivalence margin (Schuirmann 1987); a non-significant difference is *not*
  evidence of a match, an equivalence test is.

Plus the noise floor of a single score: :func:`binomial_se`,
:func:`noise_floor`, :func:`accuracy_resolution` (an accuracy on 256
validation points moves in steps of 1/256 and has a binomial standard error
of sqrt(p(1-p)/256), about 0.013 at p = 0.95), and :func:`summarize` for tables.

Everything is deterministic given ``seed``.
"""

from __future__ import annotations

import numpy as np
from scipy import stats as st


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


def _paired(a, b):
    a, b = _as_1d(a, "a"), _as_1d(b, "b")
    if a.shape != b.shape:
        raise ValueError(f"paired samples need equal lengths, got {a.size} and {b.size}")
    return a, b


def paired_test(a, b, level: float = 0.95, n_boot: int = 10000, seed: int = 0) -> dict:
    """Per-seed differences ``d = a - b``: mean, bootstrap CI, and two-sided p-values.

    Returns ``{"n", "mean_a", "mean_b", "mean_diff", "lo", "hi", "t_stat",
    "t_p", "wilcoxon_p"}``.  All-zero differences give p = 1 for both tests
    (scipy returns nan); a constant nonzero difference gives t_p = 0 (infinite
    t).  With n = 1 both p-values are nan.
    """
    a, b = _paired(a, b)
    d = a - b
    mean, lo, hi = bootstrap_ci(d, level=level, n_boot=n_boot, seed=seed)
    out = {"n": int(d.size), "mean_a": float(a.mean()), "mean_b": float(b.mean()),
           "mean_diff": mean, "lo": lo, "hi": hi}
    if d.size < 2:
        return {**out, "t_stat": float("nan"), "t_p": float("nan"), "wilcoxon_p": float("nan")}
    if np.all(d == 0):
        return {**out, "t_stat": 0.0, "t_p": 1.0, "wilcoxon_p": 1.0}
    if _is_constant(d):
        t_stat, t_p = float(np.sign(d[0]) * np.inf), 0.0
    else:
        res = st.ttest_rel(a, b)
        t_stat, t_p = float(res.statistic), float(res.pvalue)
    # zero differences are dropped ("wilcox"), the textbook convention
    w_p = float(st.wilcoxon(d, zero_method="wilcox").pvalue) if np.any(d != 0) else 1.0
    return {**out, "t_stat": t_stat, "t_p": t_p, "wilcoxon_p": w_p}


def tost(a, b, margin: float, paired: bool = True, alpha: float = 0.05) -> dict:
    """Two one-sided t-tests of equivalence: H1 is ``-margin < mean(a - b) < margin``.

    ``p_value = max(p_lower, p_upper)``; ``equivalent = p_value < alpha``, which
    is the same as the ``1 - 2 alpha`` (90%) CI of the difference lying inside
    ``(-margin, margin)``.  ``paired=False`` uses Welch's standard error and
    degrees of freedom.  With zero variance the difference is known exactly:
    equivalent iff ``|diff| < margin`` (p = 0 or 1).  With n < 2 there is no
    variance estimate and the result is ``equivalent=False, p_value=nan``.

    Returns ``{"n", "mean_diff", "margin", "df", "p_lower", "p_upper",
    "p_value", "ci_lo", "ci_hi", "ci_level", "equivalent"}``.
    """
    if not margin > 0:
        raise ValueError(f"margin must be > 0, got {margin}")
    if paired:
        a, b = _paired(a, b)
        d = a - b
        diff, n = float(d.mean()), int(d.size)
        constant = _is_constant(d)
        se = float(d.std(ddof=1) / np.sqrt(n)) if n > 1 else float("nan")
        df = n - 1
    else:
        a, b = _as_1d(a, "a"), _as_1d(b, "b")
        diff, n = float(a.mean() - b.mean()), int(min(a.size, b.size))
        constant = _is_constant(a) and _is_constant(b)
        va = a.var(ddof=1) / a.size if a.size > 1 else np.nan
        vb = b.var(ddof=1) / b.size if b.size > 1 else np.nan
        se = float(np.sqrt(va + vb))
        # Welch-Satterthwaite degrees of freedom
        df = float((va + vb) ** 2 / (va ** 2 / (a.size - 1) + vb ** 2 / (b.size - 1))) \
            if se > 0 else float(a.size + b.size - 2)
    out = {"n": n, "mean_diff": diff, "margin": float(margin), "df": df,
           "ci_level": 1 - 2 * alpha}
    if n < 2:
        nan = float("nan")
        return {**out, "p_lower": nan, "p_upper": nan, "p_value": nan,
                "ci_lo": nan, "ci_hi": nan, "equivalent": False}
    if constant or se == 0:
        inside = abs(diff) < margin
        p_lo = 0.0 if diff > -margin else 1.0
        p_up = 0.0 if diff < margin else 1.0
        return {**out, "p_lower": p_lo, "p_upper": p_up, "p_value": 0.0 if inside else 1.0,
                "ci_lo": diff, "ci_hi": diff, "equivalent": bool(inside)}
    p_lo = float(st.t.sf((diff + margin) / se, df))    # H0: diff <= -margin
    p_up = float(st.t.cdf((diff - margin) / se, df))   # H0: diff >= +margin
    half = float(st.t.ppf(1 - alpha, df) * se)
    p = max(p_lo, p_up)
    return {**out, "p_lower": p_lo, "p_upper": p_up, "p_value": p,
            "ci_lo": diff - half, "ci_hi": diff + half, "equivalent": bool(p < alpha)}


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
