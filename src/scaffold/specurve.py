"""Specification curves: each headline claim judged under every reading.

For a claim "A vs B" and every reading, the per-seed difference (oriented:
positive favours A, averaged over the claim's tasks) gives one point with its
95% paired-t interval and a verdict by the rulebook (:mod:`scaffold.verdicts`).
Sorted, the points form the curve (Simonsohn, Simmons & Nelson 2020), drawn
live by :func:`scaffold.runtime.speccurve.spec_curve` with a dot matrix of each
reading's levels beneath, so the choices that decide the outcome show as
columns of dots that line up with the verdicts.
:func:`switching` gives the effect of switching each axis alone, with its
interval, and the flip rate that says whether the axis decides the verdict.

Input: the long table of :func:`scaffold.multiverse.long_table`.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
import pandas as pd

from . import verdicts as V
from .data import task_title
from .ledger import claim_on_task
from .multiverse import BUDGET, HSN_KEYS, TASK_KEYS
from .readings import AXIS, TASK_AXES

CLASSIFICATION = ("swiss_roll", "circles", "moons")


@dataclass(frozen=True)
class CurveClaim:
    """A headline claim: model ``a`` against ``b`` on ``tasks``, judged by rule ``kind``.

    ``fixed`` pins task axes to one level ((axis, level) pairs): "two spirals" is the
    swiss-roll task with the arms label.
    """

    key: str
    text: str
    a: str
    b: str
    tasks: tuple
    kind: str
    fixed: tuple = ()


#: Where structural claims are judged one task at a time: the note's three classification
#: tasks at its own swiss-roll label, and two spirals, a task off the accuracy ceiling.
STRUCTURE_TASKS = {"swiss_roll": (("swiss_roll",), (("swiss", "half"),)), "circles": (("circles",), ()),
                   "moons": (("moons",), ()), "two_spirals": (("swiss_roll",), (("swiss", "arms"),))}
#: The structural claims: (key, text, the model B the HSN is set against, rule).
#: The texts are the ledger's too (scaffold.chapters.audit.claims): a claim reads the same in every
#: table and figure.
STRUCTURE = (("circulation", "the circulation through the graph is the key (T = 5 against T = 0)", "HSN T=0",
              "superior"),
             ("kronecker", "the Kronecker graph beats a random graph with the same edges", "HSN random graph",
              "superior"),
             ("budget", "structure substitutes for learned parameters (the HSN against a dense MLP of equal "
                        "learned budget)", BUDGET, "substitutes"))


def _structure_claims() -> tuple:
    out = []
    for key, text, b, kind in STRUCTURE:
        for task, (tasks, fixed) in STRUCTURE_TASKS.items():
            out.append(CurveClaim(f"{key}-{task}", text, "HSN", b, tasks, kind, fixed))
    return tuple(out)


CLAIMS = (
    *(CurveClaim(f"matches-{t}", "the HSN matches or beats the dense MLP", "HSN", "Dense MLP", (t,), "noninferior")
      for t in CLASSIFICATION),
    CurveClaim("moons", "the HSN beats the dense MLP on moons", "HSN", "Dense MLP", ("moons",), "superior"),
    *_structure_claims(),
)
CLAIM = {c.key: c for c in CLAIMS}


def curve_axes(claim: CurveClaim) -> tuple:
    """The axes a claim's readings vary: the HSN axes plus the task axes of its tasks (not pinned)."""
    pinned = {k for k, _ in claim.fixed}
    return HSN_KEYS + tuple(a.key for a in TASK_AXES if a.scope in claim.tasks and a.key not in pinned)


def gains(long: pd.DataFrame, claim: CurveClaim) -> pd.DataFrame:
    """Per reading and seed, the oriented difference A - B averaged over the claim's tasks.

    B is matched to A on the task reading and seed and on the HSN axes that act on
    B (a T = 0 control has no G scale: every reading shares it).
    """
    rows = long[long["task"].isin(claim.tasks)]
    rows = rows.assign(**{k: rows[k].fillna("").astype(str) for k in (*HSN_KEYS, *TASK_KEYS)})
    for k, lv in claim.fixed:
        rows = rows[rows[k] == lv]
    metrics = rows["metric"].unique()
    if len(metrics) != 1:
        raise ValueError(f"claim {claim.key!r} mixes metrics {list(metrics)}")
    hib = metrics[0] == "accuracy"
    a, b = rows[rows["model"] == claim.a], rows[rows["model"] == claim.b]
    if a.empty or b.empty:
        raise KeyError(f"claim {claim.key!r}: no rows for {claim.a!r} or {claim.b!r}")
    b_axes = [k for k in HSN_KEYS if (b[k] != "").all()]
    on = ["data_task", *TASK_KEYS, "seed", *b_axes]
    m = a.merge(b[on + ["test_metric", "degenerate"]], on=on, suffixes=("", "_b"))
    m["gain"] = (m["test_metric"] - m["test_metric_b"]) * (1 if hib else -1)
    # A run that never trained (scaffold.degenerate) stays in the gain: failing is part of how a
    # model does.  Which side failed is kept, so that a text can say where a difference comes from.
    m["failed_a"], m["failed_b"] = m["degenerate"].astype(bool), m["degenerate_b"].astype(bool)
    axes = curve_axes(claim)
    task_axes = [k for k in axes if k not in HSN_KEYS]
    parts = []
    for combo in itertools.product(*[AXIS[k].names for k in task_axes]):
        keep = np.ones(len(m), bool)
        for k, lv in zip(task_axes, combo):
            keep &= m[k].isin(["", lv]).to_numpy()
        g = (m[keep].groupby([*HSN_KEYS, "seed"], sort=False)
             .agg(gain=("gain", "mean"), count=("gain", "size"), failed_a=("failed_a", "max"),
                  failed_b=("failed_b", "max")).reset_index())
        g = g[g["count"] == len(claim.tasks)].drop(columns="count")
        parts.append(g.assign(**dict(zip(task_axes, combo))))
    out = pd.concat(parts, ignore_index=True)
    return out[[*axes, "seed", "gain", "failed_a", "failed_b"]].assign(metric=metrics[0])


def curve(long: pd.DataFrame, claim: CurveClaim) -> pd.DataFrame:
    """One row per reading: mean gain, 95% interval, p of the claim's test, verdict; sorted.

    ``failed_a`` / ``failed_b``: the seeds on which A's / B's run never trained (counted in the
    gain); ``gain_trained``: the mean gain over the seeds on which both trained.
    """
    g = gains(long, claim)
    axes = curve_axes(claim)
    if g["metric"].iloc[0] != "accuracy":
        # an MSE claim is judged as a ratio (ratio_curve), not on an accuracy margin
        raise ValueError(f"curves are drawn for accuracy claims; {claim.key!r} is on MSE")
    m = V.margin("accuracy")
    rows = []
    for key, grp in g.groupby(list(axes), sort=False):
        c = V.compare_gain(grp.sort_values("seed")["gain"].to_numpy(), m)
        v = V.judge(c, claim.kind)
        both = grp[~(grp["failed_a"] | grp["failed_b"])]["gain"]
        rows.append({**dict(zip(axes, key)), "claim": claim.key, "n": c["n"], "gain": c["mean"],
                     "lo": c["lo"], "hi": c["hi"], "margin": m, "p": V.claim_p(c, claim.kind, v),
                     "verdict": v, "failed_a": int(grp["failed_a"].sum()), "failed_b": int(grp["failed_b"].sum()),
                     "gain_trained": float(both.mean()) if len(both) else np.nan})
    out = pd.DataFrame(rows).sort_values("gain", kind="stable").reset_index(drop=True)
    out.insert(0, "rank", np.arange(len(out)))
    return out


#: The claim judged as a ratio of MSEs (:func:`ratio_curve`), under its curve's key: the
#: note's sine row, 0.039 against 0.019.
RATIO_CLAIMS = {"ratio-sine": "the HSN's sine MSE is about twice the dense MLP's"}


def claim_words(key: str) -> str:
    """A curve claim as a reader reads it: its text, and the task it is judged on
    ("the HSN matches the dense MLP (swiss roll)"); ``key`` is a key of :data:`CLAIM`
    or :data:`RATIO_CLAIMS` (KeyError otherwise)."""
    if key in RATIO_CLAIMS:
        return RATIO_CLAIMS[key]
    task = key.split("-", 1)[1] if "-" in key else ""
    return claim_on_task(CLAIM[key].text, task_title(task) if task else "")


def switching(long: pd.DataFrame, claim: CurveClaim) -> pd.DataFrame:
    """Per axis and pair of its levels: the effect of switching that axis alone, with its interval.

    Per seed, the change in gain is averaged over every combination of the other
    axes; the interval is the paired t over seeds.  ``flip_rate`` is the share of matched pairs of
    readings (differing in this axis alone, between these two levels) whose verdicts of :func:`curve`
    differ, and ``decides`` whether it reaches :data:`scaffold.verdicts.DECIDES`
    (:func:`scaffold.verdicts.pair_flips`; the axis-level rule keeps the largest of these).
    """
    g, axes = gains(long, claim), curve_axes(claim)
    cv = curve(long, claim)
    flips = V.pair_flips(cv, list(axes))
    rows = []
    for ax in axes:
        others = [k for k in axes if k != ax]
        wide = g.pivot_table(index=[*others, "seed"], columns=ax, values="gain")
        for lv_from, lv_to in itertools.combinations(AXIS[ax].names, 2):
            if lv_from not in wide or lv_to not in wide:
                continue
            diff = (wide[lv_to] - wide[lv_from]).dropna().groupby(level="seed").mean()
            if diff.empty:  # no two readings differ in this axis alone (reduced factorial)
                continue
            c = V.paired_t(diff.to_numpy())
            pairs, flipped = flips[ax].get(tuple(sorted((str(lv_from), str(lv_to)))), (0, 0))
            rate = flipped / pairs if pairs else np.nan
            rows.append(dict(claim=claim.key, axis=ax, switch=f"{lv_from} -> {lv_to}", level_from=lv_from,
                             level_to=lv_to, n=c["n"],
                             effect=c["mean"], lo=c["lo"], hi=c["hi"],
                             flip_rate=rate, decides=bool(pairs and rate >= V.DECIDES)))
    return pd.DataFrame(rows)


def ratio_curve(long: pd.DataFrame, reported: float, a: str = "HSN", b: str = "Dense MLP",
                task: str = "sine") -> pd.DataFrame:
    """Per reading (HSN levels x the task's levels): the MSE ratio A / B against a reported factor.

    Judged on validation scores (what the note reports) by :func:`scaffold.verdicts.judge_ratio`.
    """
    rows = long[long["task"] == task]
    rows = rows.assign(**{k: rows[k].fillna("").astype(str) for k in (*HSN_KEYS, *TASK_KEYS)})
    ra, rb = rows[rows["model"] == a], rows[rows["model"] == b]
    on = ["data_task", *TASK_KEYS, "seed"]
    m = ra.merge(rb[on + ["val_metric"]], on=on, suffixes=("", "_b"))
    m["log_ratio"] = np.log(np.maximum(m["val_metric"], 1e-12) / np.maximum(m["val_metric_b"], 1e-12))
    axes = HSN_KEYS + tuple(ax.key for ax in TASK_AXES if ax.scope == task)
    out = []
    for key, grp in m.groupby(list(axes), sort=False):
        j = V.judge_ratio(reported, grp.sort_values("seed")["log_ratio"].to_numpy())
        out.append({**dict(zip(axes, key)), "claim": f"ratio-{task}", "n": j["n"], "gain": j["mean"],
                    "lo": j["lo"], "hi": j["hi"], "p": j["p"], "verdict": j["verdict"]})
    return pd.DataFrame(out).sort_values("gain", kind="stable").reset_index(drop=True)


def annotate(cv: pd.DataFrame, readings: pd.DataFrame | None, task_readings: pd.DataFrame | None,
             task: str) -> pd.DataFrame:
    """A curve of one ``task`` with each row's flags: ``degenerate`` (its HSN reading),
    ``consistent`` (its HSN reading and its task reading are both consistent with the
    note's numbers) and ``ruled_out`` (either is ruled out).  ``readings`` None: rows
    of a model without HSN axes (only the task reading counts)."""
    if readings is None:
        out = cv.assign(degenerate=False, consistent=True, ruled_out=False)
    else:
        r = readings.set_index("reading")
        label = [" ".join(f"{k}={row[k]}" for k in HSN_KEYS) for _, row in cv.iterrows()]

        def flag(col):
            return np.array([bool(r[col].get(x, False)) for x in label])

        out = cv.assign(reading=label, degenerate=flag("degenerate"), consistent=flag("consistent"),
                        ruled_out=flag("ruled_out"))
    if task_readings is None or task_readings.empty:
        return out
    tr = task_readings[task_readings["task"] == task]
    keys = [k for k in TASK_KEYS if k in out and k in tr and tr[k].fillna("").astype(str).ne("").any()]
    if not keys:
        return out
    index = {tuple(str(x) for x in row[keys]): (bool(row["consistent"]), bool(row["ruled_out"]))
             for _, row in tr.iterrows()}
    flags = [index.get(tuple(str(x) for x in row[keys]), (False, False)) for _, row in out.iterrows()]
    out["consistent"] &= np.array([f[0] for f in flags])
    out["ruled_out"] |= np.array([f[1] for f in flags])
    return out


def summary(curves: dict[str, pd.DataFrame], claims=CLAIMS) -> pd.DataFrame:
    """Per claim: the conditional verdict (:func:`scaffold.verdicts.conditional`) and its counts."""
    rows = []
    for c in claims:
        cv = curves.get(c.key)
        if cv is None or cv.empty:
            rows.append(dict(claim=c.key, text=c.text, verdict=V.UNTESTABLE, n=0, share=np.nan, condition=""))
            continue
        rows.append(dict(claim=c.key, text=c.text, **V.conditional(cv, curve_axes(c))))
    return pd.DataFrame(rows)
