"""One rulebook for every verdict of the book, coded once.

The audit used to judge the same cell by different rules in different places
(a bootstrap interval beside a t-test, a "single-run range" above 1, a sine
margin 12x the dense MLP's MSE).  Every verdict now comes from here, and
:func:`rulebook_text` states the rules for the audit page from the very
constants the code uses, so the page cannot drift from the code.

Method: a comparison of A and B is a paired t analysis of per-seed differences
(the seed fixes the data draw, so pairing removes the task's sampling noise).
Its 95% interval and its tests are the same t distribution: a one-sided test at
``ALPHA / 2`` rejects exactly when the 95% interval excludes its threshold.
Differences are *oriented*: positive means "A better" (higher accuracy, lower MSE).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats as st

ALPHA = 0.05  # the 95% intervals; each one-sided test is at ALPHA / 2
MARGIN_ACC = 0.01  # equivalence margin for accuracy (absolute)
MARGIN_R2 = 0.01  # equivalence margin for MSE, as a share of the target's variance (a change in R^2)
WIDE = 10  # a prediction interval wider than WIDE margins says nothing about a single reported value
FACTOR_TOL = 0.10  # a ratio within 10% of the reported factor counts as the reported factor
SETTLED = 0.01  # relative step ||h_T - h_(T-1)|| / ||h_(T-1)|| below which a CA3 state has settled
KEEPS_INPUT = 0.1  # a settled state must keep this share of its t = 0 spread across inputs
DECIDES = 0.5  # an axis decides a claim when switching it alone (some two levels) flips >= half the verdicts
CORRECTION = "Holm"  # family-wise correction across the ledger's tests

HOLDS, UNSUPPORTED, CONTRADICTED, UNTESTABLE = "holds", "unsupported", "contradicted", "untestable"
UNINFORMATIVE = "uninformative"
VERDICTS = (HOLDS, UNSUPPORTED, CONTRADICTED, UNINFORMATIVE, UNTESTABLE)
#: One line per verdict word, for the key shown where the words first appear.
MEANING = {
    HOLDS: "the evidence supports the claim at the stated margin",
    UNSUPPORTED: "the evidence neither supports nor refutes it (an interval crosses a threshold, or the "
                 "readings consistent with the note disagree)",
    CONTRADICTED: "the evidence refutes it: the effect is the other way, or too small to matter",
    UNINFORMATIVE: "a single reported value that our seed spread cannot judge (its interval is too wide)",
    UNTESTABLE: "the models needed were not run",
}


def predicate(verdict: str) -> str:
    """A verdict word as a sentence's predicate: "holds", "is contradicted"."""
    return verdict if verdict == HOLDS else f"is {verdict}"


def margin_facts() -> dict:
    """The margins as the pages quote them ("0.01" accuracy, "1"% of the targets' variance):
    ``margin-acc`` and ``margin-r2-pct``, for a chapter's facts."""
    return {"margin-acc": f"{MARGIN_ACC:g}", "margin-r2-pct": f"{100 * MARGIN_R2:g}"}


#: The range a metric can take: prediction intervals are clipped to it.
METRIC_RANGE = {"accuracy": (0.0, 1.0), "mse": (0.0, np.inf)}


def margin(metric: str, *, target_var: float | None = None) -> float:
    """Equivalence margin: absolute for accuracy; for MSE a share of the target's variance.

    An MSE margin of MARGIN_R2 x Var(y) is a change of MARGIN_R2 in R^2, so it means
    the same with or without target noise (a margin tied to the reference model's
    own MSE was 0.00013 on noise-free sine and 0.0025 with noise 0.1).
    """
    if metric == "accuracy":
        return MARGIN_ACC
    if metric == "mse":
        if target_var is None or not target_var > 0:
            raise ValueError("an MSE margin needs the target's variance (> 0)")
        return MARGIN_R2 * float(target_var)
    raise ValueError(f"unknown metric {metric!r}; choose from {sorted(METRIC_RANGE)}")


def paired_t(gain) -> dict:
    """Mean, 95% t interval, standard error and df of per-seed (oriented) differences."""
    d = np.asarray(gain, dtype=float).ravel()
    if d.size == 0 or np.isnan(d).any():
        raise ValueError("paired differences must be non-empty and free of NaN")
    n, mean = int(d.size), float(d.mean())
    if n < 2:
        return dict(n=n, mean=mean, se=np.nan, df=0, lo=np.nan, hi=np.nan)
    se = float(d.std(ddof=1) / np.sqrt(n))
    half = float(st.t.ppf(1 - ALPHA / 2, n - 1) * se)
    return dict(n=n, mean=mean, se=se, df=n - 1, lo=mean - half, hi=mean + half)


def p_above(c: dict, threshold: float) -> float:
    """One-sided p of H1 "mean gain > threshold" from the same t distribution as the interval."""
    if c["n"] < 2:
        return np.nan
    if c["se"] == 0:
        return 0.0 if c["mean"] > threshold else 1.0
    return float(st.t.sf((c["mean"] - threshold) / c["se"], c["df"]))


def compare(a, b, higher_better: bool, m: float) -> dict:
    """Paired comparison of A and B (per-seed values, same seeds, same order) at margin ``m``."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if a.shape != b.shape:
        raise ValueError(f"paired samples need equal shapes, got {a.shape} and {b.shape}")
    return compare_gain(a - b if higher_better else b - a, m)


def compare_gain(gain, m: float) -> dict:
    """:func:`compare` on per-seed differences that are already oriented (positive favours A)."""
    c = paired_t(gain)
    p_lo, p_hi = p_above(c, -m), p_below(c, m)
    return {**c, "margin": float(m), "p_noninferior": p_lo, "p_superior": p_above(c, 0.0),
            "p_below": p_below(c, 0.0), "p_below_margin": p_below(c, -m),
            "p_equivalent": max(p_lo, p_hi) if np.isfinite(p_lo) and np.isfinite(p_hi) else np.nan}


def p_below(c: dict, threshold: float) -> float:
    """One-sided p of H1 "mean gain < threshold"."""
    if c["n"] < 2:
        return np.nan
    if c["se"] == 0:
        return 0.0 if c["mean"] < threshold else 1.0
    return float(st.t.cdf((c["mean"] - threshold) / c["se"], c["df"]))


def paired_table(rows, reference: str, by=("task",), value: str = "test_metric"):
    """Every model of ``rows`` against ``reference`` by :func:`compare`, one row per group and model.

    ``rows``: one row per (group, model, seed), e.g. ``SweepResult.selected()``; the
    metric and its direction come from each group's task
    (:func:`scaffold.data.metric_of`), an MSE margin's scale from the rows'
    ``target_var`` column or else the variance of the task's test targets on the
    paired seeds (:func:`scaffold.degenerate.target_variance`).  Columns: the ``by``
    keys, model, reference, n, mean, ref_mean, gain (oriented: positive favours the
    model), lo, hi, margin, p_noninferior, p_superior.  Judge a row with :func:`judge`.
    """
    from .data import higher_is_better, metric_of
    from .degenerate import target_variance

    out = []
    for key, g in rows.groupby(list(by), sort=False):
        key = key if isinstance(key, tuple) else (key,)
        tasks = g["task"].unique()
        metrics = {metric_of(t) for t in tasks}
        if len(metrics) != 1:
            raise ValueError(f"group {key} mixes metrics {sorted(metrics)}")
        metric = metrics.pop()
        wide = g.pivot_table(index="seed", columns="model", values=value)
        if reference not in wide:
            continue
        for model in [m for m in wide.columns if m != reference]:
            pair = wide[[model, reference]].dropna()
            var = None
            if metric == "mse":
                var = (float(g["target_var"].mean()) if "target_var" in g else
                       float(np.mean([target_variance(t, pair.index) for t in tasks])))
            ref = pair[reference].to_numpy()
            c = compare(pair[model].to_numpy(), ref, higher_is_better(metric), margin(metric, target_var=var))
            out.append({**dict(zip(by, key)), "model": model, "reference": reference, "n": c["n"],
                        "mean": float(pair[model].mean()), "ref_mean": float(ref.mean()),
                        "gain": c["mean"], "lo": c["lo"], "hi": c["hi"], "margin": c["margin"],
                        "p_noninferior": c["p_noninferior"], "p_superior": c["p_superior"]})
    return pd.DataFrame(out)


def judge(c: dict, kind: str) -> str:
    """Verdict of a claim about A vs B from :func:`compare`'s interval.

    - "noninferior" (A matches or beats B): holds if the interval lies above -margin,
      contradicted if it lies below -margin.
    - "superior" (A beats B, X is the key, X matters): holds if the interval lies
      above 0 and reaches the margin; contradicted if it lies below 0, or inside
      (-margin, +margin): a difference shown to be smaller than the margin is
      evidence against "X matters" (equivalence by two one-sided tests), not an
      absence of evidence.
    - "substitutes" (structure replaces parameters): judged as "superior".
    """
    lo, hi, m = c["lo"], c["hi"], c["margin"]
    if not (np.isfinite(lo) and np.isfinite(hi)):
        return UNTESTABLE
    if kind == "noninferior":
        return HOLDS if lo > -m else CONTRADICTED if hi < -m else UNSUPPORTED
    if kind in ("superior", "substitutes"):
        if lo > 0 and hi >= m:
            return HOLDS
        return CONTRADICTED if hi < 0 or (lo > -m and hi < m) else UNSUPPORTED
    raise ValueError(f"unknown claim kind {kind!r}")


def judge_control(c: dict) -> str:
    """An explanation ("X fails because of Y") against a control that keeps Y but changes
    something else: contradicted when the control beats the original by the "superior"
    rule (the failure goes away while its stated cause stays); otherwise unsupported
    (a control cannot prove an explanation, only refute it)."""
    return CONTRADICTED if judge(c, "superior") == HOLDS else UNSUPPORTED


def control_p(c: dict) -> float:
    """The p-value behind :func:`judge_control`: the test that the control beats the original."""
    return c["p_superior"]


def claim_p(c: dict, kind: str, verdict: str | None = None) -> float:
    """The p-value of the test behind a verdict (for the correction across the ledger).

    Without ``verdict``: the test whose rejection makes the claim hold.  For a
    contradiction: the test that rejects the claim (below -margin for "matches";
    below 0 or equivalence, whichever rejected, for "beats").
    """
    if verdict == CONTRADICTED:
        if kind == "noninferior":
            return c["p_below_margin"]
        return min(c["p_below"], c["p_equivalent"])
    return c["p_noninferior"] if kind == "noninferior" else c["p_superior"]


def holm(p) -> np.ndarray:
    """Holm (1979) step-down adjusted p-values; NaN entries stay NaN and do not count."""
    p = np.asarray(p, dtype=float)
    out = np.full_like(p, np.nan)
    ok = np.flatnonzero(np.isfinite(p))
    order = ok[np.argsort(p[ok], kind="stable")]
    k = len(order)
    running = 0.0
    for i, j in enumerate(order):
        running = max(running, min(1.0, (k - i) * p[j]))
        out[j] = running
    return out


def corrected(verdicts, p) -> tuple[list, np.ndarray, list]:
    """Verdicts after Holm across all tests: a "holds" or "contradicted" whose adjusted p
    is not below ALPHA / 2 becomes "unsupported".  ``p`` is the p-value of the test
    behind each verdict (:func:`claim_p`); a verdict without a test (NaN p: an exact
    identity, a count) stays as it is.  Returns (verdicts, adjusted p, changed flags)."""
    adj = holm(p)
    out = [UNSUPPORTED if v in (HOLDS, CONTRADICTED) and np.isfinite(q) and not q < ALPHA / 2 else v
           for v, q in zip(verdicts, adj)]
    return out, adj, [a != b for a, b in zip(verdicts, out)]


def prediction_interval(x, metric: str) -> tuple:
    """(mean, lo, hi): where one more run would fall, mean +- t s sqrt(1 + 1/n), clipped.

    The seeds redraw the data, so their spread already holds the noise of a finite
    validation set: no separate binomial term is added.
    """
    x = np.asarray(x, dtype=float)
    n, mean = x.size, float(x.mean())
    if n < 2:
        return mean, np.nan, np.nan
    half = float(st.t.ppf(1 - ALPHA / 2, n - 1) * x.std(ddof=1) * np.sqrt(1 + 1 / n))
    lo_r, hi_r = METRIC_RANGE[metric]
    return mean, max(lo_r, mean - half), min(hi_r, mean + half)


def judge_single(reported: float, x, metric: str, *, target_var: float | None = None) -> dict:
    """A reported single-run value against the prediction interval of one run.

    When the interval is wider than WIDE margins (an unstable model: any single value
    is possible) the verdict is "uninformative", whether or not it covers the value.
    """
    mean, lo, hi = prediction_interval(x, metric)
    if not np.isfinite(lo):
        return dict(verdict=UNTESTABLE, mean=mean, lo=lo, hi=hi, side="")
    inside = lo <= reported <= hi
    side = "" if inside else ("ours above" if lo > reported else "ours below")
    if hi - lo > WIDE * margin(metric, target_var=target_var):
        return dict(verdict=UNINFORMATIVE, mean=mean, lo=lo, hi=hi, side=side)
    return dict(verdict=HOLDS if inside else CONTRADICTED, mean=mean, lo=lo, hi=hi, side=side)


def judge_factor(reported: float, measured: float, better: str = "higher") -> tuple[str, str]:
    """A reported factor (a saving, a cost) against the measured one: (verdict, qualifier).

    Within FACTOR_TOL it holds; beyond it in the note's favour (a larger saving, a
    smaller cost) it holds with a different count; otherwise it is contradicted.
    """
    if not (reported > 0 and measured > 0):
        raise ValueError("factors must be positive")
    r = measured / reported
    if abs(r - 1) <= FACTOR_TOL:
        return HOLDS, ""
    favourable = r > 1 if better == "higher" else r < 1
    q = f"measured {measured:.3g}x, reported {reported:.3g}x"
    if not favourable:
        return CONTRADICTED, q
    # It holds as a bound, and the words say which: the reported number itself is off.
    bound = "at least" if better == "higher" else "at most"
    side = "more" if better == "higher" else "less"
    return HOLDS, (f"with a different count, as a bound ({bound} the reported factor): {q}, "
                   f"{side} than the note says")


def judge_cost(reported: float, macs_T: float, macs_T0: float) -> tuple[str, str]:
    """"T iterations cost ~k x a feed-forward pass", against the HSN's own T = 0 pass."""
    return judge_factor(reported, macs_T / macs_T0, better="lower")


def judge_count(reported: int, slots: int, density: float) -> dict:
    """A count of nonzeros of one random mask against Binomial(slots, density)'s central 95%."""
    lo, hi = (int(v) for v in st.binom.interval(1 - ALPHA, slots, density))
    ok = lo <= reported <= hi
    return dict(verdict=HOLDS if ok else CONTRADICTED, mean=slots * density, lo=lo, hi=hi)


def judge_settles(rel_step, spread_ratio: float) -> dict:
    """"The state settles into a stable attractor", from per-seed relative last steps.

    Holds when the 95% interval of the relative step lies below SETTLED and the
    state keeps at least KEEPS_INPUT of its spread across inputs (an attractor
    that erases the input settles, but not on a pattern); contradicted when the
    interval lies above SETTLED (still moving); otherwise unsupported.
    """
    c = paired_t(rel_step)
    if not (np.isfinite(c["lo"]) and np.isfinite(c["hi"])):
        return {**c, "verdict": UNTESTABLE}
    if c["lo"] > SETTLED:
        v = CONTRADICTED
    elif c["hi"] < SETTLED and spread_ratio >= KEEPS_INPUT:
        v = HOLDS
    else:
        v = UNSUPPORTED
    return {**c, "verdict": v}


# ----------------------------------------------------------------------------- over readings


def reading_verdict(verdicts) -> str:
    """One verdict for a claim judged under several readings: the rule over readings.

    Holds when it holds under every reading, contradicted when contradicted under
    every reading, untestable when there is no reading; otherwise unsupported (the
    note's words do not settle it: it holds or fails by a choice the note leaves open).
    """
    v = list(verdicts)
    if not v or all(x == UNTESTABLE for x in v):
        return UNTESTABLE
    if all(x == UNINFORMATIVE for x in v):
        return UNINFORMATIVE
    if all(x == HOLDS for x in v):
        return HOLDS
    if all(x == CONTRADICTED for x in v):
        return CONTRADICTED
    return UNSUPPORTED


def reading_p(p) -> float:
    """p-value of "holds under every reading": the intersection-union test, max of the p's."""
    p = np.asarray(p, dtype=float)
    return float(np.max(p)) if p.size and np.isfinite(p).all() else np.nan


def over_readings(verdicts) -> dict:
    """Share of readings (each weighted equally) under which a claim holds, and a summary word."""
    v = list(verdicts)
    n = len(v)
    if n == 0:
        return dict(n=0, holds=0, contradicted=0, share=np.nan, summary=UNTESTABLE)
    h, c = v.count(HOLDS), v.count(CONTRADICTED)
    summary = ("holds under every reading" if h == n else "holds under no reading" if h == 0
               else "depends on the reading")
    if c == n:
        summary = "contradicted under every reading"
    return dict(n=n, holds=h, contradicted=c, share=h / n, summary=summary)


def judge_ratio(reported: float, log_ratio, wide: float = 10.0) -> dict:
    """"A's error is k times B's", from per-seed log ratios log(MSE_A / MSE_B).

    The 95% paired-t interval of the mean log ratio, exponentiated, is the interval
    of the geometric-mean ratio.  Holds when it contains the reported factor,
    contradicted when it excludes it; uninformative when it spans more than a
    factor ``wide`` (seeds too unstable to say anything about one reported run).
    """
    c = paired_t(log_ratio)
    lo, hi, mean = np.exp(c["lo"]), np.exp(c["hi"]), float(np.exp(c["mean"]))
    if not (np.isfinite(lo) and np.isfinite(hi)):
        return dict(verdict=UNTESTABLE, mean=mean, lo=lo, hi=hi, n=c["n"], p=np.nan)
    p = 2 * min(p_above(c, np.log(reported)), p_below(c, np.log(reported)))
    if hi / lo > wide:
        v = UNINFORMATIVE
    else:
        v = HOLDS if lo <= reported <= hi else CONTRADICTED
    return dict(verdict=v, mean=mean, lo=float(lo), hi=float(hi), n=c["n"], p=float(p))


def _condition(ok: pd.DataFrame, keep, holds, contra, wide=None) -> tuple[str, int]:
    """Where a claim holds among the readings that train, in words (or, when it holds under
    none, where it is contradicted), and how many readings that rule gets wrong.  ``wide``:
    the readings whose verdict is uninformative (their interval too wide to judge)."""
    from .rules import find_rule, plain_names

    if not len(ok):
        return "no reading trains", 0
    if holds.all():
        return "holds under every reading that trains", 0
    if holds.any() or not contra.any():
        if not holds.any():
            if wide is not None and len(wide) and wide.all():
                return "cannot be judged under any reading that trains: one run of ours spreads too widely", 0
            return "holds under no reading and is contradicted under none: every reading leaves it open", 0
        rule = find_rule(ok.assign(_y=holds), keep, "_y") if keep else None
        return ((rule.text(plain_names(keep), consistent_errors=_consistent_errors(rule, ok, holds)), rule.errors)
                if rule else ("depends on the reading", 0))
    if contra.all():
        return "holds under no reading; contradicted under every reading that trains", 0
    rule = find_rule(ok.assign(_y=contra), keep, "_y") if keep else None
    text = (rule.text(plain_names(keep), verb="is contradicted", consistent_errors=_consistent_errors(rule, ok, contra))
            if rule else "is contradicted under some readings")
    return "holds under no reading; " + text, (rule.errors if rule else 0)


def _consistent_errors(rule, ok: pd.DataFrame, outcome) -> int:
    """How many of the readings a rule gets wrong are consistent with the note (they decide
    the verdict, so a rule's exception among them matters more than one elsewhere)."""
    if "consistent" not in ok or not rule.errors:
        return 0
    wrong = rule.evaluate(ok) != np.asarray(outcome, dtype=bool)
    return int((wrong & ok["consistent"].astype(bool).to_numpy()).sum())


def split_readings(table: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(the rows of readings that train, those of them consistent with the note's numbers).

    ``degenerate`` and ``consistent`` are optional boolean columns (absent: none
    degenerate, all consistent).
    """
    ok = table[~table["degenerate"].astype(bool)] if "degenerate" in table else table
    return ok, (ok[ok["consistent"].astype(bool)] if "consistent" in ok else ok)


def summary_rows(table: pd.DataFrame) -> pd.DataFrame:
    """The rows a claim's measurement is summarised on: the consistent readings that train,
    or every reading that trains when none is consistent."""
    ok, cons = split_readings(table)
    return cons if len(cons) else ok


def conditional(table: pd.DataFrame, axes, verdict: str = "verdict", p: str = "p") -> dict:
    """A claim judged under every reading, summarised as the book reports it.

    ``table`` has one row per reading: a column per axis in ``axes``, the verdict
    and p of that reading, and the flags ``degenerate`` and ``consistent`` (and
    optionally ``ruled_out``).  Degenerate readings are counted but left out of
    everything else.  Returns:

    - ``verdict`` and ``p``: the rule over readings (:func:`reading_verdict`, its p
      the largest of theirs) among the readings consistent with the note's numbers;
    - ``condition``: the shortest rule over the axes' levels that says where the
      claim holds among the readings that train (:func:`scaffold.rules.find_rule`),
      in plain words, with the readings it gets wrong;
    - ``n``, ``holds``, ``share``, ``n_degenerate``, ``n_consistent``, ``n_ruled_out``.
    """
    ok, cons = split_readings(table)
    deg_n = len(table) - len(ok)
    v = reading_verdict(cons[verdict]) if len(cons) else UNTESTABLE
    keep = [a for a in axes if a in ok and ok[a].astype(str).nunique() > 1]
    holds = (ok[verdict] == HOLDS).to_numpy()
    contra = (ok[verdict] == CONTRADICTED).to_numpy()
    condition, errors = _condition(ok, keep, holds, contra, (ok[verdict] == UNINFORMATIVE).to_numpy())
    pv = reading_p(cons[p]) if v in (HOLDS, CONTRADICTED) and len(cons) else np.nan
    return dict(verdict=v, p=pv, condition=condition, rule_errors=int(errors), n=int(len(ok)),
                holds=int(holds.sum()), share=float(holds.mean()) if len(ok) else np.nan,
                n_degenerate=int(deg_n), n_consistent=int(len(cons)),
                n_ruled_out=int(ok["ruled_out"].astype(bool).sum()) if "ruled_out" in ok else 0)


def pair_flips(table, axes, verdict: str = "verdict") -> dict:
    """Per axis, per pair of its levels (sorted level names): (matched pairs of readings that
    differ in that axis alone, between those two levels; how many of them flip the verdict)."""
    out = {}
    for ax in axes:
        others = [a for a in axes if a != ax]
        count: dict = {}
        groups = table.groupby(others, sort=False) if others else [(None, table)]
        for _, g in groups:
            lv, vs = g[ax].tolist(), g[verdict].tolist()
            for i in range(len(vs)):
                for j in range(i + 1, len(vs)):
                    key = tuple(sorted((str(lv[i]), str(lv[j]))))
                    n, f = count.get(key, (0, 0))
                    count[key] = (n + 1, f + (vs[i] != vs[j]))
        out[ax] = count
    return out


def deciding_axes(table, axes, verdict: str = "verdict") -> list[dict]:
    """Per axis: how often switching it alone flips the verdict (matched pairs of readings).

    ``table`` has one row per reading, a column per axis key in ``axes`` and a
    verdict column.  Two readings form a pair for an axis when they differ in that
    axis only.  The flip rate is taken per pair of levels and the largest is kept
    (for G, raw vs 0.9 may flip every verdict while 0.9 vs 1 flips none; averaging
    would hide it).  The axis decides the claim when that rate is at least DECIDES.
    """
    out = []
    for ax, count in pair_flips(table, axes, verdict).items():
        rates = {k: f / n for k, (n, f) in count.items()}
        best = max(rates, key=rates.get) if rates else None
        rate = rates[best] if best else np.nan
        out.append(dict(axis=ax, switch=" <-> ".join(best) if best else "",
                        pairs=sum(n for n, _ in count.values()), flip_rate=rate,
                        decides=bool(best and rate >= DECIDES)))
    return out


# ----------------------------------------------------------------------------- counting


def count_claims(rows, claim: str = "claim", task: str = "task") -> int:
    """Claims of the note, each counted once: rows that differ only by reading collapse.

    ``task`` is empty (or NaN) where the note makes the claim jointly; a claim the
    note makes per task keeps one count per task.
    """
    keys = rows[[claim, task]].fillna("").astype(str)
    return int(len(keys.drop_duplicates()))


def count_reported(refs) -> int:
    """The note's reported values, each counted once: ``refs`` are (source, row, column) cells."""
    return len({tuple(r) for r in refs})


def rulebook_text() -> str:
    """The rules above as markdown for the audit page, built from the constants the code uses."""
    a, lvl = ALPHA, round(100 * (1 - ALPHA))
    return "\n".join([
        f"- **Comparisons.** A against B is a paired analysis of per-seed differences, oriented so "
        f"that positive favours A. The {lvl}% interval and the tests come from the same paired t "
        f"distribution; each test is one-sided at {a / 2:g}, so it rejects exactly when the interval "
        f"excludes its threshold.",
        f"- **Margins.** Accuracy: {MARGIN_ACC:g} (absolute). MSE: {MARGIN_R2:g} times the variance of "
        f"the targets, a change of {MARGIN_R2:g} in R\u00b2, so the margin means the same with or without "
        f"target noise.",
        "- **\"A matches B\"** holds when the interval lies above minus the margin; contradicted when "
        "it lies below it; otherwise unsupported.",
        "- **\"A beats B\", \"X is the key\", \"structure substitutes for parameters\"** hold when the "
        "interval lies above 0 and reaches the margin. They are contradicted when the interval lies below "
        "0, or inside plus or minus the margin: a difference shown to be too small to matter (two one-sided "
        "tests) is evidence against the claim, not an absence of evidence. Otherwise unsupported.",
        f"- **Multiplicity.** {CORRECTION}'s step-down correction across every test of the ledger at "
        f"{a / 2:g}, applied to every verdict that rests on a test (a \"holds\" and a \"contradicted\" "
        f"alike): a verdict whose adjusted p is not below {a / 2:g} becomes unsupported, and is marked. "
        f"Exact arithmetic and counts carry no test and are not corrected.",
        f"- **Reported single values** are judged against a {lvl}% prediction interval for one run, "
        f"mean \u00b1 t s \u221a(1 + 1/n) over seeds, clipped to the metric's range. When that interval "
        f"is wider than {WIDE} margins the model is too unstable for one run to say anything, and the "
        f"verdict is *uninformative*, shown with the seeds' spread.",
        "- **Reported ratios** (the HSN's sine MSE against the dense MLP's) are judged against the "
        f"{lvl}% interval of the geometric-mean ratio over seeds; uninformative when it spans more than "
        "a factor of 10.",
        f"- **Reported factors** (savings, costs) hold within {FACTOR_TOL:.0%} of the measured factor; "
        f"a saving larger (or a cost smaller) than reported holds with a different count; otherwise "
        f"contradicted. Compute cost is measured against the HSN's own T = 0 pass, and separately "
        f"against the dense MLP.",
        f"- **Counts of one random draw** (e.g. DG nonzeros) hold inside the central {lvl}% of their "
        f"binomial distribution.",
        f"- **\"The state settles\"** holds when the {lvl}% interval of the relative last step lies below "
        f"{SETTLED:g} and the state keeps at least {KEEPS_INPUT:.0%} of its spread across inputs; "
        f"contradicted when the interval lies above {SETTLED:g}.",
        "- **Readings.** A claim is judged under every reading by the rules above. Readings whose model "
        "is degenerate (it does not train) are counted and shown but left out. The verdict is the one "
        "under the readings consistent with the note's own numbers: holds (or contradicted) when it holds "
        "(or is contradicted) under every one of them, its p the largest of theirs; otherwise unsupported. "
        "The condition says, over every reading that trains, where the claim holds: the shortest rule of "
        "up to three conditions on the axes' levels, with the readings it gets wrong. An axis *decides* a "
        f"claim when switching it alone, between some two of its levels, flips the verdict in at least "
        f"{DECIDES:.0%} of the matched pairs of readings.",
        "- **Counting.** Each claim of the note counts once (once per task only where the note states "
        "it per task); each reported value counts once.",
    ])
