"""The audit page: the ledger on the rulebook, specification curves, controls, figures, facts."""

from __future__ import annotations

import pandas as pd

from ... import degenerate
from ... import experiments as ex
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
                     *cen_claims(ev["scores"]), *count_claims(), *dynamics_claims(ev["dynamics"])])


def paired(sel: pd.DataFrame, reference: str = ex.DENSE.label) -> pd.DataFrame:
    """Every model of the audit's own grids against ``reference``, per task, by the rulebook.

    ``gain`` is oriented (positive: the model is better), so every panel reads the same way.
    """
    rows = []
    for task in sel.task.unique():
        t = sel[sel.task == task]
        ref = t[t.model == reference].set_index("seed")["test_metric"]
        metric = "mse" if TASKS[task][0] == "regression" else "accuracy"
        var = degenerate.target_variance(task, sorted(ref.index)) if metric == "mse" else None
        for model, g in t[t.model != reference].groupby("model", sort=False):
            x = g.set_index("seed")["test_metric"]
            s = x.index.intersection(ref.index).sort_values()
            c = V.compare(x.loc[s], ref.loc[s], metric == "accuracy", V.margin(metric, target_var=var))
            rows.append(dict(task=task, model=model, n=c["n"], mean=float(x.loc[s].mean()),
                             gain=c["mean"], lo=c["lo"], hi=c["hi"], margin=c["margin"],
                             verdict=V.judge(c, "noninferior")))
    return pd.DataFrame(rows)


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
    switching = pd.concat([S.switching(long, c) for c in S.CLAIMS if c.key in cv], ignore_index=True)
    switching.to_csv(out / "audit_switching.csv", index=False)
    pr = paired(sel)
    pr.to_csv(out / "audit_paired.csv", index=False)
    ctl = controls(sel)
    ctl.to_csv(out / "audit_controls.csv", index=False)
    tab = t_ablation(sel)
    tab.to_csv(out / "audit_T.csv", index=False)
    ev["dynamics"].to_csv(out / "audit_dynamics.csv", index=False)
    return dict(ev, ledger=led, curves=cv, switching=switching, paired=pr, controls=ctl, T=tab)


def short_ledger(led: pd.DataFrame) -> pd.DataFrame:
    """Claim, verdict, share of readings, deciding axes: the table at the top of the page."""
    share = [f"{s:.0%} of {int(n)}" if n else "" for s, n in zip(led.share, led.readings)]
    return pd.DataFrame({"claim": [f"{c} ({t.replace('_', ' ')})" if t else c for c, t in zip(led.claim, led.task)],
                         "verdict": led.verdict, "readings": share, "deciding": led.deciding})


def circulation_sentence(led: pd.DataFrame) -> str:
    """The circulation claim, stated as what was measured: T = 5 minus T = 0, not a removal."""
    r = led.set_index("claim_id").loc["S1-circulation"]
    return (f"Against T = 0, the HSN at the note's T = {note.HSN_T} differs in mean accuracy by "
            f"{r.ours:+.3f} (T = {note.HSN_T} minus T = 0, median over {int(r.readings)} readings; "
            f"range {r.lo:+.3f} to {r.hi:+.3f}): the claim is {r.verdict}.")


def facts(cfg, tables: dict) -> dict:
    """The numbers and verdict words the chapter's prose quotes (prefix ``audit``)."""
    led, sel, long = tables["ledger"], tables["scores"], tables["long"]
    f = {"n-seeds": int(cfg.n_seeds), "n-models": int(sel.model.nunique()), "n-runs": len(sel) + len(long),
         "n-readings": int(long[long.model == "HSN"]["reading"].nunique()),
         "n-claims": L.n_claims(led), "n-reported": L.n_reported(led),
         "n-holm-changed": int(led.holm_changed.sum()), "t-max": T_MAX, "dyn-task": DYNAMICS_TASK,
         "rulebook": V.rulebook_text(), "circulation": circulation_sentence(led),
         "axes": ", ".join(a.title for a in HSN_AXES)}
    f.update({f"n-{k}": v for k, v in L.verdict_counts(led).items()})
    by = led.set_index("claim_id")
    for cid in ("S1-circulation", "S2-graph", "S3-budget", "C2-moons", "C5-explanation", "D1-settles",
                "P11-nnzWdg", "P13-compute"):
        if cid in by.index:
            f[f"{cid}-verdict"] = str(by.loc[cid, "verdict"])
    return f


def figures(tables: dict) -> dict:
    """Live figures (prefix ``fig-audit``) and tables (prefix ``tab-audit``)."""
    from ...runtime import charts, tables as T
    from ...runtime.speccurve import spec_curve

    out = {}
    for key, cv in tables["curves"].items():
        claim = S.CLAIM[key]
        axes = [a for a in S.curve_axes(claim) if a in cv]
        d = cv.rename(columns={a: AXIS[a].title for a in axes})
        out[f"curve-{key}"] = spec_curve(d, "gain", "lo", "hi", [AXIS[a].title for a in axes],
                                         ylabel=f"{claim.a} − {claim.b}",
                                         alt=f"Specification curve: {claim.text}")
    pr = tables["paired"]
    out["forest"] = charts.forest(pr, "gain", "lo", "hi", xlabel="difference from the dense MLP (positive: "
                                  "better)", alt="Every model against the dense MLP")
    T_ = tables["T"]
    out["T"] = charts.scatter(T_, "T", "mean", lo="lo", hi="hi", xlabel="CA3 steps T", ylabel="test metric",
                              alt="Test metric against T")
    dyn = tables["dynamics"].copy()
    dyn["model"] = [f"HSN ({p}), input {i}" for p, i in zip(dyn.point, dyn.input)]
    rel = dyn.groupby(["model", "t"], as_index=False).agg(mean=("rel_step", "mean"), lo=("rel_step", "min"),
                                                         hi=("rel_step", "max")).dropna()
    out["dynamics"] = charts.scatter(rel.assign(task="relative step"), "t", "mean", lo="lo", hi="hi",
                                     xlabel="CA3 step t", ylabel="relative step", alt="CA3 relative step")
    led = tables["ledger"]
    out["ledger-short"] = T.table(short_ledger(led), headers={"readings": "Holds under", "deciding":
                                                                 "Deciding axes"})
    full = led.drop(columns=["verdict_uncorrected"]).rename(columns={"holm_changed": "changed by Holm"})
    out["ledger-full"] = T.full_table(full)
    sw = tables["switching"].copy()
    sw["axis"] = sw["axis"].map(lambda a: AXIS[a].title)
    out["switching"] = T.table(sw, headers={"switch": "Switch", "effect": "Effect", "flip_rate": "Flip rate",
                                            "decides": "Decides", "claim": "Claim", "axis": "Axis"})
    return out
