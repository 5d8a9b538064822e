"""The note's trained-model claims, each judged under every reading by the rulebook.

Claims about the HSN are judged on the multiverse (:mod:`scaffold.multiverse`):
one verdict per reading (:mod:`scaffold.specurve`), then the rule over readings
(:func:`scaffold.verdicts.reading_verdict`), with the share of readings under
which the claim holds and the axes that decide it.  Reported single values are
judged against the one-run prediction interval of the validation score (the
note reports validation scores) under every reading of the task (and, for the
HSN, of the model).  The CEN's explanation and the CA3 dynamics have their own
controls.  Rows follow :func:`scaffold.ledger.row`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ... import degenerate, fmt, frontier
from ... import experiments as ex
from ... import note
from ... import specurve as S
from ... import verdicts as V
from ...ledger import row, untestable
from ...fmt import count
from ...readings import AXIS, NAMED
from ...specurve import CLASSIFICATION, CurveClaim

#: Note cells behind each claim (one reported value is one cell, however often cited).
T21 = "§2.1 table"  # the note numbers sections, not tables


def _cell(task: str, model: str) -> str:
    return f"{T21}: {task} / {model}"


def deciding(cv: pd.DataFrame, claim: CurveClaim) -> str:
    ok = cv[~cv["degenerate"]] if "degenerate" in cv else cv
    if ok.empty:
        return ""
    dec = [d["axis"] for d in V.deciding_axes(ok, list(S.curve_axes(claim))) if d["decides"]]
    return ", ".join(AXIS[a].title for a in dec)


#: Where the note's reported values sit beside ours: the benchmarks page's table (a claim's
#: ``evidence`` is an id on the audit page, or ``page#id`` on another).
REPORTED_TABLE = "02-benchmarks#tab-bench-main"


def evidence_name(key: str) -> str:
    """The figure behind a curve claim (its glue name and anchor on the audit page)."""
    return f"fig-audit-curve-{key.split('-')[0]}"


def _tally(ref: pd.DataFrame) -> str:
    """The verdicts behind a verdict over several readings, most frequent first: "; 10 of them
    contradicted, 2 unsupported" (an unsupported verdict then says whether the readings
    disagree or each leaves the claim open).  "" for one reading, or one verdict among all."""
    counts = ref["verdict"].value_counts() if "verdict" in ref and len(ref) > 1 else pd.Series(dtype=int)
    if len(counts) < 2:
        return ""
    # "holds" is a verb: several readings "hold"; the other verdicts read as adjectives
    words = [(int(n), "hold" if v == V.HOLDS and n != 1 else v) for v, n in counts.items()]
    (n0, w0), rest = words[0], words[1:]
    return f"; {n0} of them {w0}" + "".join(f", {n} {w}" for n, w in rest)


def from_curve(cid: str, claim: CurveClaim, cv: pd.DataFrame, text: str, reported, source: str,
               task: str = "", judged_on: str = "") -> dict:
    """A comparison claim judged per reading, then conditionally (:func:`scaffold.verdicts.conditional`)."""
    if cv is None or cv.empty:
        return untestable(cid, text, reported, f"no rows for {claim.a!r} or {claim.b!r}", task=task,
                          source=source, judged_on=judged_on)
    c = V.conditional(cv, S.curve_axes(claim))
    ref = V.summary_rows(cv)
    med = float(ref["gain"].median()) if len(ref) else float("nan")
    where = "the readings consistent with the note" if c["n_consistent"] else "the readings that train"
    return row(cid, text, reported, med, float(ref["gain"].min()) if len(ref) else float("nan"),
               float(ref["gain"].max()) if len(ref) else float("nan"), int(cv["n"].max()),
               f"paired t per reading ({V.margin('accuracy'):g} margin); verdict over the readings "
               "consistent with the note; ours = their median difference, lo/hi = its range",
               c["verdict"], f"median {claim.a} minus {claim.b}: {fmt.signed(med, 3)} under {where}"
               + _tally(ref) + ".",
               task=task, source=source, p=c["p"], readings=c["n"], share=c["share"],
               deciding=deciding(cv, claim), condition=c["condition"], judged_on=judged_on,
               n_consistent=c["n_consistent"], n_degenerate=c["n_degenerate"], n_ruled_out=c["n_ruled_out"],
               evidence=evidence_name(claim.key))


def hsn_claims(curves: dict) -> list[dict]:
    """The HSN matches the dense MLP (per task), beats it on moons; circulation, graph, budget per task."""
    out = []
    for task in CLASSIFICATION:
        rep = f"{note.TABLE_2_1[task]['HSN']} vs {note.TABLE_2_1[task]['Dense MLP']}"
        claim = S.CLAIM[f"matches-{task}"]
        out.append(from_curve(f"C1-{task}", claim, curves.get(f"matches-{task}"), claim.text, rep,
                              f"{_cell(task, 'HSN')}; {_cell(task, 'Dense MLP')}", task))
    out.append(from_curve("C2-moons", S.CLAIM["moons"], curves.get("moons"), S.CLAIM["moons"].text,
                          f"{note.TABLE_2_1['moons']['HSN']} vs {note.TABLE_2_1['moons']['Dense MLP']}",
                          f"{_cell('moons', 'HSN')}; {_cell('moons', 'Dense MLP')}", "moons"))
    # the claims' texts are the curves' (scaffold.specurve.STRUCTURE): one name in every table
    ids = {"circulation": ("S1", "key"), "kronecker": ("S2", "implied"), "budget": ("S3", "takeaway")}
    for key, (sid, rep) in ids.items():
        for task in S.STRUCTURE_TASKS:
            k = f"{key}-{task}"
            out.append(from_curve(f"{sid}-{key}-{task}", S.CLAIM[k], curves.get(k), S.CLAIM[k].text, rep, "",
                                  judged_on=task))
    return out


def sine_ratio(rc: pd.DataFrame) -> dict:
    """The note's sine row: the HSN's MSE about twice the dense MLP's (0.039 against 0.019)."""
    cid, rep = "C3-sine", note.TABLE_2_1["sine"]["HSN"] / note.TABLE_2_1["sine"]["Dense MLP"]
    text = S.RATIO_CLAIMS["ratio-sine"]
    src = f"{_cell('sine', 'HSN')}; {_cell('sine', 'Dense MLP')}"
    if rc is None or rc.empty:
        return untestable(cid, text, f"{rep:.2f}x", "HSN or dense MLP on sine", task="sine", source=src)
    c = V.conditional(rc, (*S.HSN_KEYS, "noise"))
    ref = V.summary_rows(rc)
    return row(cid, text, f"{rep:.2f}x", float(np.exp(np.log(ref["gain"]).median())), float(ref["gain"].min()),
               float(ref["gain"].max()), int(rc["n"].max()),
               "95% interval of the geometric-mean MSE ratio (validation) per reading, against the reported "
               "factor; ours = median ratio over the consistent readings, lo/hi = its range",
               c["verdict"], f"the ratio {c['condition']}.", task="sine", source=src, p=c["p"],
               readings=c["n"], share=c["share"], condition=c["condition"], n_consistent=c["n_consistent"],
               n_degenerate=c["n_degenerate"], n_ruled_out=c["n_ruled_out"], evidence=REPORTED_TABLE)


def frontier_claim(front: pd.DataFrame, readings: pd.DataFrame, task_post: pd.DataFrame) -> dict:
    """"Structure substitutes for learned parameters", against the dense frontier of widths 4 to 64.

    Per HSN reading and task reading: the HSN against the dense frontier interpolated at its
    learned count (:func:`scaffold.frontier.above_frontier`); then conditionally over readings.
    """
    cid, text = "S4-frontier", "some HSN sits above the dense frontier at its learned parameter count"
    if front is None or front.empty:
        return untestable(cid, text, "takeaway", "no frontier")
    fv = frontier.frontier_verdicts(front, families=["HSN"])
    fv = fv.assign(**{k: fv[k].fillna("").astype(str) for k in (*S.HSN_KEYS, *S.TASK_KEYS) if k in fv})
    parts = [S.annotate(g, readings, task_post, task) for task, g in fv.groupby("task", sort=False)]
    tab = pd.concat(parts, ignore_index=True)
    axes = [k for k in (*S.HSN_KEYS, "task", *S.TASK_KEYS) if k in tab]
    c = V.conditional(tab, axes)
    ref = V.summary_rows(tab)
    above = c[V.HOLDS]
    return row(cid, text, "takeaway", float(ref["mean"].max()), float(ref["lo"].min()), float(ref["hi"].max()),
               int(tab["n"].max()), "per reading and task, paired t of the HSN against the dense frontier "
               "(widths 4 to 64, interpolated in log learned parameters) at the HSN's learned count; ours = the "
               "best mean difference under the consistent readings", c["verdict"],
               f"{above} of {c['n']} HSN readings and tasks sit above the frontier; the claim {c['condition']}.",
               p=c["p"], readings=c["n"], share=c["share"], condition=c["condition"],
               n_consistent=c["n_consistent"], n_degenerate=c["n_degenerate"], n_ruled_out=c["n_ruled_out"],
               evidence="fig-audit-frontier")


def reported_values(long: pd.DataFrame, readings: pd.DataFrame, task_post: pd.DataFrame) -> list[dict]:
    """Each value of the note's Table 2.1 against the prediction interval of one run, per reading."""
    out = []
    for task in ("swiss_roll", "circles", "moons", "sine"):
        for col, model in (("Dense MLP", "Dense MLP"), ("HSN", "HSN"),
                           ("CEN", f"CEN (H={note.CEN_BEST_H[task]})")):
            rep = note.TABLE_2_1[task][col]
            cid, text = f"R-{task}-{col.split()[0]}", f"{model} scores {rep}"
            d = long[(long.task == task) & (long.model == model)]
            if d.empty:
                out.append(untestable(cid, text, rep, f"{model} on {task}", task=task, source=_cell(task, col)))
                continue
            d = d.assign(**{k: d[k].fillna("").astype(str) for k in (*S.HSN_KEYS, *S.TASK_KEYS)})
            axes = [k for k in (*S.HSN_KEYS, *S.TASK_KEYS) if d[k].ne("").any()]
            rows = []
            for key, g in (d.groupby(axes, sort=False) if axes else [((), d)]):
                key = key if isinstance(key, tuple) else (key,)
                var = float(g["target_var"].mean()) if g["metric"].iloc[0] == "mse" else None
                j = V.judge_single(rep, g.sort_values("seed")["val_metric"].to_numpy(), g["metric"].iloc[0],
                                   target_var=var)
                rows.append({**dict(zip(axes, key)), "verdict": j["verdict"], "gain": j["mean"],
                             "n": len(g), "p": np.nan})
            tab = pd.DataFrame(rows)
            tab = S.annotate(tab, readings if model == "HSN" else None, task_post, task)
            c = V.conditional(tab, axes)
            ref = V.summary_rows(tab)
            out.append(row(cid, text, rep, float(ref["gain"].median()), float(ref["gain"].min()),
                           float(ref["gain"].max()), int(d.seed.nunique()),
                           "reported value inside the 95% prediction interval of one run (validation), per "
                           f"reading; {V.UNINFORMATIVE} when the interval is wider than "
                           f"{V.WIDE} margins; ours = median mean over the consistent readings, lo/hi = its range",
                           c["verdict"], f"the value {c['condition']}.", task=task, source=_cell(task, col),
                           readings=c["n"], share=c["share"], condition=c["condition"],
                           n_consistent=c["n_consistent"], n_degenerate=c["n_degenerate"],
                           n_ruled_out=c["n_ruled_out"], evidence=REPORTED_TABLE))
    return out


def _paired(sel, task, a, b):
    xa = sel[(sel.task == task) & (sel.model == a)].set_index("seed")["test_metric"]
    xb = sel[(sel.task == task) & (sel.model == b)].set_index("seed")["test_metric"]
    if xa.empty or xb.empty:
        raise KeyError(f"{a!r} or {b!r} on {task}")
    s = xa.index.intersection(xb.index).sort_values()
    return xa.loc[s].to_numpy(), xb.loc[s].to_numpy()


def cen_claims(sel: pd.DataFrame) -> list[dict]:
    """The CEN fails on sine (every width), and the note's reason: data-agnostic features."""
    out = []
    seeds = sorted(sel[sel.task == "sine"]["seed"].unique())
    var = degenerate.target_variance("sine", seeds) if seeds else 0.5
    cid, text = "C4-sine", "the CEN fails on sine regression (every width worse than the dense MLP)"
    try:
        # The width judged is the one the paired test finds least behind (largest p): not
        # necessarily the lowest mean MSE, so the sentence gives every width's range too.
        worst, means = None, []
        for spec in ex.CENS:
            d, c_ = _paired(sel, "sine", ex.DENSE.label, spec.label)
            c = V.compare(d, c_, False, V.margin("mse", target_var=var))
            means.append(float(c_.mean()))
            if worst is None or c["p_superior"] > worst[1]["p_superior"]:
                worst = (spec.label, c, c_.mean())
        label, c, m = worst
        v = V.judge(c, "superior")
        out.append(row(cid, text, note.TABLE_2_1["sine"]["CEN"], c["mean"], c["lo"], c["hi"], c["n"],
                       "paired t, dense MLP against the CEN's best width (MSE margin: a share of the "
                       "targets' variance)", v, f"the CEN width the paired test finds least behind ({label}) "
                       f"has test MSE {fmt.num(m)}, against the dense MLP's {fmt.num(float(np.mean(d)))} on "
                       f"{_default_sine()}; every "
                       f"width's mean lies between {fmt.num(min(means))} and {fmt.num(max(means))}.", task="sine",
                       source=_cell("sine", "CEN"), p=V.claim_p(c, "superior", v), evidence="fig-audit-forest"))
    except KeyError as e:
        out.append(untestable(cid, text, note.TABLE_2_1["sine"]["CEN"], e, task="sine"))
    cid = "C5-explanation"
    text = "the CEN fails because data-agnostic random features leave the readout no nonlinear capacity"
    ctl = ex.cen_controls()
    H, density = ex.CEN_NOTE.config.H, fmt.pct(ex.CEN_NOTE.config.density)
    try:
        a, b = _paired(sel, "sine", ctl[("bias", H)].label, ex.CEN_NOTE.label)
        dn, _ = _paired(sel, "sine", ctl[("dense", H)].label, ex.CEN_NOTE.label)
        try:  # the dense expander with biases: as data-agnostic, and neither cause left
            db, _ = _paired(sel, "sine", ctl[("dense+bias", H)].label, ex.CEN_NOTE.label)
            both = f", and with biases reaches {fmt.num(db.mean())}"
        except KeyError:
            both = ""
        h = note.CEN_BEST_H["sine"]
        try:  # the note's own sine width, where biases alone help least
            note_cen = next(spec.label for spec in ex.CENS if spec.config.H == h)
            ah, bh = _paired(sel, "sine", ctl[("bias", h)].label, note_cen)
            narrow = (f" At H = {h}, the width the note reports for sine, biases alone take it only from "
                      f"{fmt.num(bh.mean())} to {fmt.num(ah.mean())}: with one input, the {density} mask leaves "
                      "most units without any.")
        except (KeyError, StopIteration):
            narrow = ""
        c = V.compare(a, b, False, V.margin("mse", target_var=var))
        # The control keeps the features data-agnostic: if it fixes the readout, the reason is wrong.
        v = V.judge_control(c)
        out.append(row(cid, text, "explanation", c["mean"], c["lo"], c["hi"], c["n"],
                       "control: the same data-agnostic expander with fixed random hidden biases, paired "
                       f"against the note's CEN (H = {H}) on sine; the explanation is refuted if the control is "
                       "better by the margin (verdicts.judge_control)",
                       v, f"at H = {H}, on {_default_sine()}, keeping the same random, data-agnostic expander "
                       "but giving its units "
                       f"random biases lowers the test MSE from {fmt.num(b.mean())} to {fmt.num(a.mean())}, while "
                       f"a dense Gaussian expander without biases stays at {fmt.num(dn.mean())}{both}.{narrow}",
                       task="",
                       p=V.control_p(c), evidence="fig-audit-forest"))
    except KeyError as e:
        out.append(untestable(cid, text, "explanation", e))
    return out


def _default_sine() -> str:
    """The sine task the controls run on (the library's default task reading), in words."""
    from ...data import DEFAULTS

    noise = DEFAULTS["sine_noise"]
    return "the noise-free sine" if noise == 0 else f"sine with noise {noise:g}"


def dynamics_claims(dyn: pd.DataFrame, T: int = note.HSN_T, readings: pd.DataFrame | None = None) -> list[dict]:
    """"The CA3 state settles into a stable attractor", under each traced reading.

    A traced reading that is degenerate (``readings``' flag: it does not train) is left out of
    the verdict, as everywhere in the ledger, and counted.
    """
    cid, text = "D1-settles", "the CA3 state settles into a stable recurrent attractor after T steps"
    if dyn is None or dyn.empty:
        return [untestable(cid, text, "settles", "no CA3 trace")]
    broken = set()
    if readings is not None and len(readings):
        broken = set(readings.loc[readings["degenerate"].astype(bool), "reading"])
    verdicts, rels, n, n_deg = [], [], 0, 0
    for (point, drive), d in dyn.groupby(["point", "input"], sort=False):
        if NAMED[point].only(S.HSN_KEYS).replace(input=drive).label in broken:
            n_deg += 1
            continue
        last = d[d.t == T - 1].sort_values("seed")["rel_step"].to_numpy()
        spread = d[d.t == T]["spread"].mean() / max(d[d.t == 0]["spread"].mean(), 1e-12)
        j = V.judge_settles(last, spread)
        verdicts.append(j["verdict"])
        rels.append(j["mean"])
        n = max(n, len(last))
    if not verdicts:
        return [untestable(cid, text, "settles", "every traced reading is degenerate")]
    o = V.over_readings(verdicts)
    left_out = f"; {count(n_deg, 'degenerate reading')} left out" if n_deg else ""
    return [row(cid, text, "settles", float(np.median(rels)), float(np.min(rels)), float(np.max(rels)), n,
                f"relative last step per reading below {V.SETTLED:g} with the input kept; "
                "ours = median relative step, lo/hi = its range over readings",
                V.reading_verdict(verdicts), f"settles under {o[V.HOLDS]} of {o['n']} readings "
                f"(the two named points, input once and at every step{left_out}).", readings=o["n"],
                share=o["share"], deciding="", n_degenerate=n_deg)]
