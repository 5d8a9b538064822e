"""Which readings the note's own numbers point to: a likelihood over the multiverse.

The note reports one run per cell (its Table 2.1).  Those runs carry information
about what it ran: a reading under which the HSN loses 15 points to the dense MLP
is unlikely to have produced "0.984 against 0.984".  Raw scores would mix that
information with how hard our tasks are (our swiss roll gives the dense MLP 0.997
against the note's 0.984), so we compare *differences* from the dense MLP, which
the two setups share more closely:

- per classification task: accuracy of the HSN minus the dense MLP's, and of the
  CEN at the note's best width minus the dense MLP's;
- on sine: the log of the MSE ratio (HSN over dense, CEN over dense).

For a joint reading (the HSN's levels and every task's levels) each comparison's
per-seed values give a Student-t predictive distribution for one more run (mean,
sd * sqrt(1 + 1/n), n - 1 degrees of freedom; the sd floored at the note's
resolution: one validation point in 256 for accuracy, :data:`LOG_FLOOR` for a log
ratio).  The note's value's density under it is the comparison's likelihood; the
comparisons multiply.  An unstable reading spreads its predictive density thin, so
it can explain any single value but not eight of them at once.

With a uniform prior over the readings that train (degenerate readings, see
:mod:`scaffold.degenerate`, get prior zero), the posterior of an HSN reading sums
over the task readings, the same ones for every reading (those all of them were
trained on: phase 2's new levels skip the readings the note's numbers rule out,
and a reading scored only where it fits would be favoured).  The readings *consistent with the note* are the smallest
set holding :data:`CREDIBLE` of the posterior mass; a reading whose likelihood is
below :data:`RULED_OUT` times the best one's is *ruled out* by the note's numbers
(it stays in the multiverse, marked).  Task readings are ranked the same way.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats as st

from . import note
from .readings import TASK_AXES

RESOLUTION = 1 / 256  # the note validates on 256 points: a difference is known to about one point
LOG_FLOOR = 0.05  # sd floor for log MSE ratios (the note's 0.019 is rounded to 3 decimals: ~3%)
CREDIBLE = 0.9  # the consistent readings hold this share of the posterior
RULED_OUT = 1e-3  # likelihood ratio to the best reading below which the note's numbers rule it out
CEN_NAME = "CEN (H={})"
#: The columns that name a task reading in the long table: the note task and its axes' levels.
TASK_COLS = ("task", *(a.key for a in TASK_AXES))
TASK_LEVELS = {"swiss_roll": ("swiss", "swnoise"), "circles": (), "moons": (), "sine": ("noise",)}


def reported() -> pd.DataFrame:
    """The note's differences from the dense MLP: one row per (task, model)."""
    rows = []
    for task, cells in note.TABLE_2_1.items():
        for col, model in (("HSN", "HSN"), ("CEN", CEN_NAME.format(note.CEN_BEST_H[task]))):
            a, b = cells[col], cells["Dense MLP"]
            value = np.log(a / b) if task == "sine" else a - b
            rows.append(dict(task=task, model=model, reported=float(value),
                             scale="log MSE ratio" if task == "sine" else "accuracy difference"))
    return pd.DataFrame(rows)


def seed_differences(long: pd.DataFrame, hsn_keys) -> pd.DataFrame:
    """Per (task reading, model, HSN reading, seed): the validation difference from the dense MLP."""
    task_cols = list(TASK_COLS)
    long = long.assign(**{c: long[c].fillna("").astype(str) for c in (*task_cols, *hsn_keys)})
    dense = long[long["model"] == "Dense MLP"][[*task_cols, "seed", "val_metric"]]
    rep = reported()
    keep = long[long.set_index(["task", "model"]).index.isin(rep.set_index(["task", "model"]).index)]
    m = keep.merge(dense, on=[*task_cols, "seed"], suffixes=("", "_dense"))
    sine = m["task"] == "sine"
    m["diff"] = np.where(sine, np.log(np.maximum(m["val_metric"], 1e-12) /
                                      np.maximum(m["val_metric_dense"], 1e-12)),
                         m["val_metric"] - m["val_metric_dense"])
    return m[[*task_cols, "model", *hsn_keys, "reading", "seed", "diff"]]


def log_density(x: float, values, floor: float) -> float:
    """Log density of ``x`` under the Student-t predictive of one more run given ``values``.

    The sd is at least ``floor``: seeds that all agree do not make the note's value
    infinitely likely or impossible beyond the resolution it is reported at.
    """
    v = np.asarray(values, dtype=float)
    n = v.size
    if n < 2:
        return -np.inf
    sd = max(float(v.std(ddof=1)), floor)
    return float(st.t.logpdf(x, n - 1, loc=v.mean(), scale=sd * np.sqrt(1 + 1 / n)))


def task_likelihoods(diffs: pd.DataFrame, hsn_keys) -> pd.DataFrame:
    """Log likelihood of the note's values, per task, task reading and HSN reading.

    The CEN's comparison depends on the task reading only: it is added to every
    HSN reading of that task reading.
    """
    rep = reported().set_index(["task", "model"])["reported"]
    task_cols = list(TASK_COLS)
    cen = {}
    for key, g in diffs[diffs["model"].str.startswith("CEN")].groupby([*task_cols, "model"]):
        floor = LOG_FLOOR if key[0] == "sine" else RESOLUTION
        cen[key[:4]] = log_density(rep[(key[0], key[4])], g["diff"], floor)
    rows = []
    for key, g in diffs[diffs["model"] == "HSN"].groupby([*task_cols, "reading", *hsn_keys], sort=False):
        floor = LOG_FLOOR if key[0] == "sine" else RESOLUTION
        ll = log_density(rep[(key[0], "HSN")], g["diff"], floor)
        rows.append(dict(zip([*task_cols, "reading", *hsn_keys], key), ll_hsn=ll, ll_cen=cen.get(key[:4], 0.0)))
    out = pd.DataFrame(rows)
    out["ll"] = out["ll_hsn"] + out["ll_cen"]
    return out


def posterior(lik: pd.DataFrame, degenerate: pd.Series | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(HSN readings, task readings) with their log likelihood, posterior, consistent and ruled-out flags.

    ``degenerate`` (reading label -> bool) sets the prior of degenerate readings to zero.
    An HSN reading must have been trained on every task; readings missing a task are left out.
    Readings are compared on the same task readings (:func:`shared_task_readings`).
    """
    tasks = sorted(lik["task"].unique())
    bad = set() if degenerate is None else set(degenerate.index[degenerate.astype(bool)])
    shared = shared_task_readings(lik, bad)
    # Per HSN reading and task: log mean over that task's shared readings (uniform prior within the task).
    per_task = _task_means(shared).dropna()
    ll = per_task[tasks].sum(axis=1)
    eligible = pd.Series(True, index=ll.index)
    if degenerate is not None:
        eligible = ~degenerate.reindex(ll.index).fillna(False).astype(bool)
    post = np.exp(ll - ll[eligible].max()).where(eligible, 0.0)
    post = post / post.sum()
    readings = pd.DataFrame({"reading": ll.index, "log_likelihood": ll.to_numpy(),
                             "posterior": post.to_numpy()}).sort_values("posterior", ascending=False)
    readings["consistent"] = _credible(readings["posterior"].to_numpy())
    best = readings.loc[eligible.reindex(readings["reading"]).to_numpy(), "log_likelihood"].max()
    readings["ruled_out"] = readings["log_likelihood"] < best + np.log(RULED_OUT)
    # Task readings: marginal over HSN readings (weights: the other tasks' likelihoods); each
    # reading's likelihoods are normalised over every task reading it has.
    every_task = _task_means(lik)
    rows = []
    w = np.log(post.replace(0, np.nan)).dropna()
    for task in tasks:
        sub = lik[(lik["task"] == task) & lik["reading"].isin(w.index)]
        cols = [c for c in TASK_COLS[1:] if sub[c].ne("").any()]
        for key, g in sub.groupby(cols) if cols else [((), sub)]:
            key = key if isinstance(key, tuple) else (key,)
            own = g.set_index("reading")["ll"]
            # p(t_k) ~ sum_h p(h) L_k(h, t_k) / (mean over t_k of L_k(h, .))
            norm = every_task.loc[own.index, task]
            lp = np.logaddexp.reduce((w.reindex(own.index) + own - norm).dropna().to_numpy())
            rows.append(dict(task=task, **dict(zip(cols, key)), log_weight=float(lp)))
    tr = pd.DataFrame(rows)
    if not tr.empty:
        tr["posterior"] = tr.groupby("task")["log_weight"].transform(lambda s: np.exp(s - np.logaddexp.reduce(s)))
        tr["consistent"] = tr.groupby("task")["posterior"].transform(
            lambda s: pd.Series(_credible(s.to_numpy()), index=s.index))
        tr["ruled_out"] = tr.groupby("task")["log_weight"].transform(lambda s: s < s.max() + np.log(RULED_OUT))
    return readings.reset_index(drop=True), tr


def _task_means(lik: pd.DataFrame) -> pd.DataFrame:
    """Per HSN reading (rows) and task (columns): the log of the mean likelihood over the task's readings."""
    return (lik.groupby(["reading", "task"])["ll"]
            .agg(lambda s: np.logaddexp.reduce(s.to_numpy()) - np.log(len(s))).unstack("task"))


def shared_task_readings(lik: pd.DataFrame, degenerate=frozenset()) -> pd.DataFrame:
    """The rows of ``lik`` on the task readings that every reading that trains was trained on.

    A reading's likelihood for a task is its mean over that task's readings.  Phase 2
    trains its new levels on fewer task readings than phase 1 (not on the harder roll
    or the two-spirals label, which the note's numbers rule out); a mean over fewer,
    better-fitting task readings would raise such a reading up to fourfold against one
    also scored on task readings that fit badly.  So every reading is scored on the
    same ones: per task, those every non-degenerate reading has (all of them where no
    task reading is shared).
    """
    levels = list(TASK_COLS[1:])
    ok = lik[~lik["reading"].isin(degenerate)]
    at = pd.MultiIndex.from_frame(lik[levels])  # each row's task reading
    keep = np.zeros(len(lik), bool)
    for task, g in ok.groupby("task"):
        count = g.groupby(levels)["reading"].nunique()
        every = count == g["reading"].nunique()
        keep |= (lik["task"] == task).to_numpy() & at.isin(count[every].index if every.any() else count.index)
    return lik[keep]


def _credible(p: np.ndarray) -> np.ndarray:
    """The smallest set of entries holding CREDIBLE of the mass (ties kept together)."""
    order = np.argsort(-p, kind="stable")
    cum = np.cumsum(p[order])
    k = int(np.searchsorted(cum, CREDIBLE - 1e-12)) + 1
    cut = p[order][min(k, len(p)) - 1]
    return (p >= cut) & (p > 0)


def method_text() -> str:
    """The method in words, from the constants above (for the audit page)."""
    return (f"For every reading, each of the note's differences from the dense MLP (the HSN's and the CEN's, on "
            f"each task; on sine the log of the MSE ratio) is scored by the density of a Student-t prediction "
            f"of one more run from our seeds, its spread floored at the note's resolution (one validation point "
            f"in 256; {LOG_FLOOR:g} for a log ratio). The densities multiply, averaged over the task readings "
            f"every reading was trained on (so that no reading is scored only where it fits); with equal prior "
            f"weight on every reading that trains, the readings consistent with the note are the fewest that hold "
            f"{CREDIBLE:.0%} of the posterior, and a reading whose likelihood is below {RULED_OUT:g} times the "
            f"best one's is ruled out by the note's numbers.")
