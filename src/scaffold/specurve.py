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
from .multiverse import BUDGET, HSN_KEYS
from .readings import AXIS, TASK_AXES

CLASSIFICATION = ("swiss_roll", "circles", "moons")


@dataclass(frozen=True)
class CurveClaim:
    """A headline claim: model ``a`` against ``b`` on ``tasks``, judged by rule ``kind``."""

    key: str
    text: str
    a: str
    b: str
    tasks: tuple
    kind: str


CLAIMS = (
    CurveClaim("matches", "the HSN matches the dense MLP", "HSN", "Dense MLP", CLASSIFICATION, "noninferior"),
    CurveClaim("moons", "the HSN beats the dense MLP on moons", "HSN", "Dense MLP", ("moons",), "superior"),
    CurveClaim("circulation", "the circulation is the key (T = 5 vs T = 0)", "HSN", "HSN T=0",
               CLASSIFICATION, "superior"),
    CurveClaim("kronecker", "the Kronecker graph beats a random graph with the same edges", "HSN",
               "HSN random graph", CLASSIFICATION, "superior"),
    CurveClaim("budget", "the HSN beats a dense MLP of equal learned budget", "HSN", BUDGET,
               CLASSIFICATION, "substitutes"),
)
CLAIM = {c.key: c for c in CLAIMS}


def curve_axes(claim: CurveClaim) -> tuple:
    """The axes a claim's readings vary: the HSN axes plus the task axes of its tasks."""
    return HSN_KEYS + tuple(a.key for a in TASK_AXES if a.scope in claim.tasks)


def gains(long: pd.DataFrame, claim: CurveClaim) -> pd.DataFrame:
    """Per reading and seed, the oriented difference A - B averaged over the claim's tasks.

    B is matched to A on the task reading and seed and on the HSN axes that act on
    B (a T = 0 control has no G scale: every reading shares it).
    """
    rows = long[long["task"].isin(claim.tasks)]
    rows = rows.assign(**{k: rows[k].fillna("").astype(str) for k in (*HSN_KEYS, "swiss", "noise")})
    metrics = rows["metric"].unique()
    if len(metrics) != 1:
        raise ValueError(f"claim {claim.key!r} mixes metrics {list(metrics)}")
    hib = metrics[0] == "accuracy"
    a, b = rows[rows["model"] == claim.a], rows[rows["model"] == claim.b]
    if a.empty or b.empty:
        raise KeyError(f"claim {claim.key!r}: no rows for {claim.a!r} or {claim.b!r}")
    b_axes = [k for k in HSN_KEYS if (b[k] != "").all()]
    on = ["data_task", "swiss", "noise", "seed", *b_axes]
    m = a.merge(b[on + ["test_metric"]], on=on, suffixes=("", "_b"))
    m["gain"] = (m["test_metric"] - m["test_metric_b"]) * (1 if hib else -1)
    axes = curve_axes(claim)
    task_axes = [k for k in axes if k not in HSN_KEYS]
    parts = []
    for combo in itertools.product(*[AXIS[k].names for k in task_axes]):
        keep = np.ones(len(m), bool)
        for k, lv in zip(task_axes, combo):
            keep &= m[k].isin(["", lv]).to_numpy()
        g = (m[keep].groupby([*HSN_KEYS, "seed"], sort=False)["gain"]
             .agg(["mean", "count"]).reset_index())
        g = g[g["count"] == len(claim.tasks)].drop(columns="count").rename(columns={"mean": "gain"})
        parts.append(g.assign(**dict(zip(task_axes, combo))))
    out = pd.concat(parts, ignore_index=True)
    return out[[*axes, "seed", "gain"]].assign(metric=metrics[0])


def curve(long: pd.DataFrame, claim: CurveClaim) -> pd.DataFrame:
    """One row per reading: mean gain, 95% interval, p of the claim's test, verdict; sorted."""
    g = gains(long, claim)
    axes = curve_axes(claim)
    if g["metric"].iloc[0] != "accuracy":
        # an MSE margin is relative to B's own MSE, which differs per reading: use paired_vs_dense
        raise ValueError(f"curves are drawn for accuracy claims; {claim.key!r} is on MSE")
    m = V.margin("accuracy")
    rows = []
    for key, grp in g.groupby(list(axes), sort=False):
        c = V.compare_gain(grp.sort_values("seed")["gain"].to_numpy(), m)
        rows.append({**dict(zip(axes, key)), "claim": claim.key, "n": c["n"], "gain": c["mean"],
                     "lo": c["lo"], "hi": c["hi"], "margin": m, "p": V.claim_p(c, claim.kind),
                     "verdict": V.judge(c, claim.kind)})
    out = pd.DataFrame(rows).sort_values("gain", kind="stable").reset_index(drop=True)
    out.insert(0, "rank", np.arange(len(out)))
    return out


def switching(long: pd.DataFrame, claim: CurveClaim) -> pd.DataFrame:
    """Per axis and pair of its levels: the effect of switching that axis alone, with its interval.

    Per seed, the change in gain is averaged over every combination of the other
    axes; the interval is the paired t over seeds.  ``flip_rate`` and
    ``decides`` come from the verdicts of :func:`curve` (:func:`scaffold.verdicts.deciding_axes`).
    """
    g, axes = gains(long, claim), curve_axes(claim)
    cv = curve(long, claim)
    decide = {d["axis"]: d for d in V.deciding_axes(cv, list(axes))}
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
            rows.append(dict(claim=claim.key, axis=ax, switch=f"{lv_from} -> {lv_to}", n=c["n"],
                             effect=c["mean"], lo=c["lo"], hi=c["hi"],
                             flip_rate=decide[ax]["flip_rate"], decides=decide[ax]["decides"]))
    return pd.DataFrame(rows)


def paired_vs_dense(long: pd.DataFrame, reference: str = "Dense MLP") -> pd.DataFrame:
    """Every trained model against the dense MLP, per task reading and reading, paired by seed.

    Verdict: the "matches" rule (non-inferiority at the task's margin; for MSE the
    margin is relative to the dense MLP's mean MSE on the same seeds).
    """
    task_cols = ["task", "data_task", "swiss", "noise"]
    long = long.assign(**{k: long[k].fillna("").astype(str) for k in (*HSN_KEYS, "swiss", "noise")})
    rows = []
    for tkey, t in long.groupby(task_cols, sort=False):
        ref = t[t["model"] == reference].set_index("seed")["test_metric"]
        metric = t["metric"].iloc[0]
        for (model, label), g in t[t["model"] != reference].groupby(["model", "label"], sort=False):
            x = g.set_index("seed")["test_metric"]
            seeds = x.index.intersection(ref.index).sort_values()
            m = V.margin(metric, ref.loc[seeds].mean())
            c = V.compare(x.loc[seeds], ref.loc[seeds], metric == "accuracy", m)
            rows.append({**dict(zip(task_cols, tkey)), "model": model, "label": label,
                         **{k: g[k].iloc[0] for k in HSN_KEYS}, "n": c["n"],
                         "mean": float(x.loc[seeds].mean()), "dense": float(ref.loc[seeds].mean()),
                         "gain": c["mean"], "lo": c["lo"], "hi": c["hi"], "margin": m,
                         "p": c["p_noninferior"], "verdict": V.judge(c, "noninferior")})
    return pd.DataFrame(rows)


def summary(long: pd.DataFrame, claims=CLAIMS) -> pd.DataFrame:
    """Per claim: readings, share under which it holds, summary word, and the deciding axes."""
    rows = []
    for c in claims:
        try:
            cv = curve(long, c)
        except KeyError:
            rows.append(dict(claim=c.key, text=c.text, n=0, share=np.nan, summary=V.UNTESTABLE,
                             deciding=""))
            continue
        o = V.over_readings(cv["verdict"])
        dec = [d["axis"] for d in V.deciding_axes(cv, list(curve_axes(c))) if d["decides"]]
        rows.append(dict(claim=c.key, text=c.text, n=o["n"], holds=o["holds"],
                         contradicted=o["contradicted"], share=o["share"], summary=o["summary"],
                         deciding=", ".join(AXIS[a].title for a in dec)))
    return pd.DataFrame(rows)
