"""The audit page: the ledger on the rulebook, specification curves, controls, figures, facts."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ... import consistency, degenerate, fmt
from ... import experiments as ex
from ... import findings as F
from ... import multiverse as MV
from ...data import task_title
from ...runtime.publish import Keys, Page
from ... import ledger as L
from ... import note, params, stats
from ... import specurve as S
from ... import verdicts as V
from ...data import TASKS
from ...readings import AXIS, HSN_AXES
from .claims import cen_claims, dynamics_claims, frontier_claim, hsn_claims, reported_values, sine_ratio
from .counts import count_claims
from .evidence import DYNAMICS_TASK, T_MAX, evidence


def curves(ev: dict) -> dict:
    """Every curve claim's per-reading verdicts, flagged (degenerate, consistent, ruled out)."""
    out = {}
    for c in S.CLAIMS:
        try:
            cv = S.curve(ev["long"], c)
        except KeyError:
            continue
        out[c.key] = S.annotate(cv, ev["readings"], ev["task_readings"], c.tasks[0])
    rc = S.ratio_curve(ev["long"], note.TABLE_2_1["sine"]["HSN"] / note.TABLE_2_1["sine"]["Dense MLP"])
    out["ratio-sine"] = S.annotate(rc, ev["readings"], ev["task_readings"], "sine") if len(rc) else rc
    return out


def ledger(ev: dict, cv: dict) -> pd.DataFrame:
    """Every claim of the note, once, judged by the rulebook and corrected across the ledger."""
    return L.finish([*hsn_claims(cv), frontier_claim(ev["frontier"], ev["readings"], ev["task_readings"]),
                     sine_ratio(cv.get("ratio-sine")),
                     *reported_values(ev["long"], ev["readings"], ev["task_readings"]),
                     *cen_claims(ev["scores"]), *count_claims(), *dynamics_claims(ev["dynamics"], readings=ev["readings"])])


def against_dense(sel: pd.DataFrame, reference: str = ex.DENSE.label) -> pd.DataFrame:
    """Every model of the audit's own grids against ``reference``, per task, by the rulebook.

    ``gain`` is oriented (positive: the model is better), so every panel reads the same way.
    """
    t = V.paired_table(sel, reference)
    return t.assign(verdict=[V.judge(r, "noninferior") for _, r in t.iterrows()])


def controls(sel: pd.DataFrame) -> pd.DataFrame:
    """Mean test metric (95% interval) per (task, model), with learned parameters."""
    s = stats.summarize(sel, ["task", "model"], "test_metric")
    specs = {sp.label: sp for sp in [*ex.CORE_MODELS, *ex.param_matched_dense().values(),
                                      *ex.hsn_controls().values(), *ex.driven_controls().values(),
                                      *ex.cen_controls().values()]}
    # Tensor sizes do not depend on the random draws: one draw is enough.
    s["learned"] = [params.totals(specs[m], *ex.task_shape(t), n_draws=1)["learned_size"]
                    if m in specs else float("nan") for t, m in zip(s.task, s.model)]
    return s


def t_ablation(sel: pd.DataFrame) -> pd.DataFrame:
    """Test metric against T for the repaired HSN, input once and at every step."""
    rows = []
    for ctl in (ex.hsn_controls(), ex.driven_controls()):
        name = ctl["T=5"].label  # each series is named (and coloured) as its T = 5 model
        for key, spec in ctl.items():
            if not key.startswith("T="):
                continue
            d = sel[sel.model == spec.label]
            for task, g in d.groupby("task"):
                m, lo, hi = stats.bootstrap_ci(g.test_metric)
                rows.append(dict(task=task, model=name, T=int(key[2:]), mean=m,
                                 lo=lo, hi=hi))
    return pd.DataFrame(rows)


def compute(cfg) -> dict:
    """The audit's evidence, ledger and tables, written to ``cfg.results_dir``."""
    out = cfg.results_dir
    ev = evidence(cfg)
    long, sel = ev["long"], ev["scores"]
    cv = curves(ev)
    led = ledger(ev, cv)
    L.write(led, out)
    pd.concat(cv.values(), ignore_index=True).to_csv(out / "audit_curves.csv", index=False)
    # the conditional verdicts' counts per claim, for readers who want them without the ledger

    switching = pd.concat([S.switching(long, c) for c in S.CLAIMS if c.key in cv], ignore_index=True)
    switching.to_csv(out / "audit_switching.csv", index=False)
    pr = against_dense(sel)
    pr.to_csv(out / "audit_paired.csv", index=False)
    ctl = controls(sel)
    ctl.to_csv(out / "audit_controls.csv", index=False)
    tab = t_ablation(sel)
    tab.to_csv(out / "audit_T.csv", index=False)
    ev["dynamics"].to_csv(out / "audit_dynamics.csv", index=False)
    return dict(ev, ledger=led, curves=cv, switching=switching, paired=pr, controls=ctl, T=tab,
                **{"curve-table": pd.concat(cv.values(), ignore_index=True)})


#: The curve families of the page: one figure each, every task of the family a choice of the curve.
FAMILIES = {"matches": ("the HSN against the dense MLP", "HSN", "dense MLP"),
            "moons": ("the HSN against the dense MLP on moons", "HSN", "dense MLP"),
            "circulation": ("the HSN at T = 5 against the same reading at T = 0", "T = 5", "T = 0"),
            "kronecker": ("the Kronecker graph against a random graph with the same edges", "Kronecker",
                          "random"),
            "budget": ("the HSN against a dense MLP of its learned budget", "HSN", "budget dense MLP")}
LEDGER_COLUMNS = {"claim": "Claim", "verdict": "Verdict", "condition": "Condition", "share": "Share",
                  "why": "Why"}
#: The ledger's other columns as its rows' "more" lists them.  Its low and high are the interval
#: its test uses (a 95% interval, a one-run range or a pair of counts), which "Test" names.
LEDGER_DETAILS = {"lo": "Low (see Test)", "hi": "High (see Test)", "p_holm": "p (Holm-corrected)",
                  "holm_changed": "Changed by Holm", "readings": "Readings that train",
                  "n_consistent": "Readings consistent with the note", "n_degenerate": "Readings degenerate",
                  "n_ruled_out": "Readings ruled out", "judged_on": "Judged on", "deciding": "Deciding axes",
                  "evidence": "Evidence"}


def short_ledger(led: pd.DataFrame) -> pd.DataFrame:
    """The ledger as the page shows it: Claim, Verdict, Where it holds, Share, Why; the rest in details."""
    tasks = [task_title(t) if t else (task_title(j) if j else "") for t, j in zip(led.task, led.judged_on)]
    claim = [L.claim_on_task(c, t) for c, t in zip(led.claim, tasks)]
    share = [fmt.share(int(round(s * n)), int(n)) if n else "" for s, n in zip(led.share.fillna(0), led.readings)]
    out = pd.DataFrame({"claim_id": led.claim_id, "claim": claim, "verdict": led.verdict,
                        "condition": led.condition.fillna(""), "share": share, "why": led.why})
    rest = led.drop(columns=["claim", "verdict", "condition", "share", "why", "task", "verdict_uncorrected"])
    rest = rest.assign(judged_on=[task_title(j) if j else "" for j in rest["judged_on"].fillna("")])
    # A claim checked by arithmetic trains nothing: its counts of seeds and readings are not
    # zeros but do not apply (a dash), as the CSV's 0s mean.
    counts = [c for c in ("seeds", "readings", "n_consistent", "n_degenerate", "n_ruled_out") if c in rest]
    untrained = pd.to_numeric(rest["seeds"], errors="coerce").fillna(0).eq(0) & \
        pd.to_numeric(rest["readings"], errors="coerce").fillna(0).eq(0)
    rest[counts] = rest[counts].astype(float).mask(untrained, np.nan)
    if "evidence" in rest:
        rest["evidence"] = rest["evidence"].map(evidence_link)
    return pd.concat([out, rest.drop(columns=["claim_id"])], axis=1)


def evidence_link(name) -> str:
    """A claim's ``evidence`` ("fig-audit-forest", or "02-benchmarks#tab-bench-main" on another
    page) as a link the ledger's row shows; "" where it names none."""
    import html

    if not isinstance(name, str) or not name:
        return ""
    page, _, anchor = name.rpartition("#")
    kind = "table" if anchor.startswith("tab-") else "figure"
    where = f" on the {page.split('-', 1)[1]} page" if page else ""
    return f'<a href="{html.escape(f"{page}.html" if page else "")}#{html.escape(anchor)}">the {kind}{where}</a>'


def _verdict_and_why(led: pd.DataFrame, cid: str) -> str:
    """A ledger row's verdict as a predicate and its reason: "is unsupported: settles under 1 of
    3 readings (...)." (a page writes "The claim that ... " before it)."""
    rows = led.set_index("claim_id")
    if cid not in rows.index:
        return f"{V.predicate(V.UNTESTABLE)}."
    why = str(rows.loc[cid, "why"] or "").strip()
    return f"{V.predicate(rows.loc[cid, 'verdict'])}" + (f": {why}" if why else ".")


def readings_view(readings: pd.DataFrame) -> pd.DataFrame:
    """``readings.csv`` as the page shows it: the reading in plain words and its flags."""
    words = [", ".join(AXIS[k].level(str(r[k])).plain for k in MV.HSN_KEYS if str(r[k]))
             for _, r in readings.iterrows()]
    return pd.DataFrame({"reading": words, "trains": ~readings["degenerate"].astype(bool),
                         "posterior": readings["posterior"], "consistent": readings["consistent"],
                         "ruled out": readings["ruled_out"], "share of runs degenerate": readings["degenerate_share"]})


def curve_frames(curves: dict) -> dict:
    """One frame per curve family: the family's curves stacked, the task a choice of the curve."""
    out = {}
    for fam in FAMILIES:
        parts = [cv.assign(task=S.CLAIM[k].tasks[0] if not S.CLAIM[k].fixed else k.split("-", 1)[1])
                 for k, cv in curves.items() if k in S.CLAIM and k.split("-")[0] == fam and len(cv)]
        if parts:
            d = pd.concat(parts, ignore_index=True)
            d["named"] = speccurve_named(d)
            out[fam] = d
    return out


def speccurve_named(d: pd.DataFrame) -> list:
    from ...runtime.speccurve import named_readings

    return named_readings(d)


def facts(cfg, tables: dict) -> dict:
    """The numbers and sentences the chapter's prose quotes (prefix ``audit``)."""
    led, long, rd = tables["ledger"], tables["long"], tables["readings"]
    return {"n-seeds": int(cfg.n_seeds), "n-claims": L.n_claims(led), "n-reported": L.n_reported(led),
            "n-readings": len(rd), "n-degenerate": int(rd["degenerate"].sum()),
            "n-consistent": int(rd["consistent"].sum()), "n-runs": len(long) + len(tables["scores"]),
            "n-holm-changed": int(led.holm_changed.sum()), "t-max": T_MAX, "dyn-task": DYNAMICS_TASK,
            "decides-pct": f"{100 * V.DECIDES:g}", **V.margin_facts(),
            "verdict-counts": L.verdict_counts_text(led),
            "rulebook": V.rulebook_text(), "degenerate-rule": degenerate.criterion_text(),
            "consistency-method": consistency.method_text(),
            "findings": F.as_markdown(F.findings(led, tables["curve-table"], rd, tables["task_readings"]), ""),
            "verdict-key": "\n".join(f"- *{v}*: {m}." for v, m in V.MEANING.items()),
            "design": MV.__doc__.split("The design trains what can answer a question, not every crossing:")[1]
                      .split("``make sweeps``")[0].strip(),
            "D1-settles-verdict": _verdict_and_why(led, "D1-settles")}


def figures(tables: dict) -> dict:
    """Live figures (prefix ``fig-audit``): curves per family, frontier, heatmap, forest, T, dynamics."""
    from ...runtime import charts, frontier_fig
    from ...runtime.explorer import explorer
    from ...runtime.speccurve import how_to_read, spec_curve

    out = {"how-to-read": how_to_read()}
    for fam, d in curve_frames(tables["curves"]).items():
        text, a, b = FAMILIES[fam]
        axes = [k for k in (*MV.HSN_KEYS, "task", *MV.TASK_KEYS) if k in d and d[k].astype(str).nunique() > 1]
        out[f"curve-{fam}"] = spec_curve(
            d, "gain", "lo", "hi", axes, ylabel=f"test accuracy, {a} \u2212 {b}",
            alt=f"Specification curve: {text}", names={"task": "Task"},
            levels={"task": {t: task_title(t) for t in d["task"].unique()}})
    out["frontier"] = frontier_fig.frontier_figure(tables["frontier"])
    out["heatmap"] = frontier_fig.heatmap(tables["frontier"])
    out["forest"] = charts.forest(tables["paired"], "gain", "lo", "hi", xlabel="difference from the dense "
                                  "MLP (positive: better)", alt="Every model against the dense MLP",
                                  row_text=frontier_fig.near_point_words, band="margin")
    # the every-step HSN is the repaired reading but for its input: named so in the legend
    tab = tables["T"].assign(model=tables["T"]["model"].map(frontier_fig.near_point_words))
    out["T"] = charts.scatter(tab, "T", "mean", lo="lo", hi="hi", xlabel="CA3 steps T",
                              ylabel="test metric", alt="Test metric against T")
    dyn = tables["dynamics"].copy()
    dyn["model"] = [f"HSN ({p}), input {i}" for p, i in zip(dyn.point, dyn.input)]
    rel = dyn.groupby(["model", "t"], as_index=False).agg(mean=("rel_step", "mean"), lo=("rel_step", "min"),
                                                         hi=("rel_step", "max")).dropna()
    # log scale: the late steps are what the verdict reads, and they are a hundredth of the first
    out["dynamics"] = charts.scatter(rel.assign(task="relative step"), "t", "mean", lo="lo", hi="hi",
                                     xlabel="CA3 step t", ylabel="relative step (log scale)",
                                     alt="CA3 relative step", log_y=True,
                                     hline=(V.SETTLED, f"settled below {V.SETTLED:g}"))
    out["explorer"] = explorer(tables["long"], tables["curve-table"], tables["readings"])
    return out


def table_views(tables: dict) -> dict:
    """The page's tables (prefix ``tab-audit``)."""
    from ...runtime import tables as views

    led = short_ledger(tables["ledger"])
    details = [c for c in led.columns if c not in (*LEDGER_COLUMNS, "claim_id")]
    # the claim and the switch in words (the CSV keeps the keys: "matches-moons", "drawn -> min1")
    sw = tables["switching"].copy()
    sw["claim"] = sw["claim"].map(S.claim_words)
    sw["switch"] = [f"{AXIS[a].level(f).plain} \u2192 {AXIS[a].level(t).plain}"
                    for a, f, t in zip(sw["axis"], sw["level_from"], sw["level_to"])]
    sw["axis"] = sw["axis"].map(lambda a: AXIS[a].title)
    sw = sw.drop(columns=["level_from", "level_to"]).assign(decides=sw["decides"].map({True: "yes", False: "no"}))
    # what decides first: the table is wider than a laptop's column and scrolls sideways
    first = ["claim", "axis", "switch", "decides", "flip_rate"]
    sw = sw[[c for c in first if c in sw] + [c for c in sw.columns if c not in first]]
    return {"ledger": views.table(led, headers={**LEDGER_COLUMNS, **LEDGER_DETAILS}, details=details,
                                  anchor="claim_id", raw=["evidence"],
                                  anchor_prefix="claim-", key=True, verdict_titles=V.MEANING),
            "readings": views.table(readings_view(tables["readings"]), key=True),
            "switching": views.full_table(sw, headers={"switch": "Switch", "effect": "Effect", "flip_rate": "Flip rate",
                                                  "decides": "Decides", "claim": "Claim", "axis": "Axis"})}


KEYS = Keys(facts=("n-seeds", "n-claims", "n-reported", "n-readings", "n-degenerate", "n-consistent", "n-runs",
                   "decides-pct", "margin-acc", "margin-r2-pct",
                   "n-holm-changed", "t-max", "dyn-task", "verdict-counts", "rulebook", "degenerate-rule",
                   "consistency-method", "findings", "verdict-key", "design", "D1-settles-verdict"),
            figures=("how-to-read", *(f"curve-{f}" for f in FAMILIES), "frontier", "heatmap", "forest", "T",
                     "dynamics", "explorer"),
            tables=("ledger", "readings", "switching"))


def page(cfg) -> Page:
    """The audit page: compute everything (written to ``cfg.results_dir``), then one Page."""
    t = compute(cfg)
    return KEYS.page(facts(cfg, t), figures(t), table_views(t))
