"""The introduction (book/00-intro.py): the book's answer first, generated from the claims ledger.

The introduction trains nothing.  It runs last and reads what the audit chapter
wrote -- the ledger (``claims.csv``), the per-reading verdicts
(``audit_curves.csv``), the readings' flags (``readings.csv``,
``task_readings.csv``) and the frontier (``frontier.csv``); when they are missing
(the page is run on its own) the audit is recomputed from the shared sweep cache.
Its findings are :mod:`scaffold.findings`' sentences, the same the audit page
quotes, so the first screen cannot say more than the ledger does.
"""

from __future__ import annotations

import html

import pandas as pd

from .. import findings as F
from .. import fmt
from .. import ledger
from .. import verdicts
from ..data import task_title
from ..runtime.publish import Keys, Page
from ..runtime.setup import PROFILES

#: The headline claims, in the note's order, as the first screen's table lists them.
HEADLINE = ("C1-swiss_roll", "C1-circles", "C1-moons", "C2-moons", "C3-sine", "S1-circulation-swiss_roll",
            "S1-circulation-circles", "S1-circulation-moons", "S1-circulation-two_spirals",
            "S2-kronecker-swiss_roll", "S2-kronecker-circles", "S2-kronecker-moons", "S2-kronecker-two_spirals",
            "S3-budget-swiss_roll", "S3-budget-circles", "S3-budget-moons", "S3-budget-two_spirals",
            "S4-frontier", "D1-settles", "C4-sine", "C5-explanation")
FILES = ("claims.csv", "audit_curves.csv", "readings.csv", "task_readings.csv", "frontier.csv")

KEYS = Keys(facts=("short-answers", "findings", "verdict-key", "n-claims", "n-reported", "seeds", "verdict-counts",
                   "full-seeds", "quick-seeds", "quick-scale", "margin-acc", "margin-r2-pct"),
            figures=("summary",), tables=("verdicts",))


def grids(cfg) -> dict:
    """The sweeps this chapter trains: none."""
    return {}


def inputs(cfg) -> dict:
    """What the audit wrote, read back (or recomputed when the audit has not run)."""
    d = cfg.results_dir
    if not all((d / f).exists() for f in FILES):
        from . import audit

        audit.compute(cfg)
    read = lambda f: _numeric(pd.read_csv(d / f, keep_default_na=False))  # noqa: E731
    out = {"ledger": ledger.read(d), "curves": read("audit_curves.csv"), "readings": read("readings.csv"),
           "task_readings": read("task_readings.csv"), "frontier": read("frontier.csv")}
    for name in ("curves", "readings", "task_readings"):
        for col in ("degenerate", "consistent", "ruled_out"):
            if col in out[name]:
                out[name][col] = out[name][col].astype(str).eq("True")
    return out


def _numeric(df: pd.DataFrame) -> pd.DataFrame:
    """Columns whose non-empty cells are all numbers as floats (empty: NaN); text stays text,
    so an empty level ("" for "this axis does not apply") is not read as a missing number."""
    for c in df.columns:
        cells = df[c].astype(str)
        filled = cells[cells != ""]
        num = pd.to_numeric(filled, errors="coerce")
        if len(filled) and num.notna().all() and not filled.isin(["True", "False"]).any():
            if c in ("dg", "G", "learnG", "input", "act", "swiss", "swnoise", "noise"):
                continue  # level names that look like numbers ("0.5", "1") stay names
            df[c] = pd.to_numeric(cells.replace("", None), errors="coerce")
    return df


def verdict_table(led: pd.DataFrame) -> pd.DataFrame:
    """The headline claims: claim (a link to its ledger row), verdict, where it holds."""
    rows = led.set_index("claim_id")
    out = []
    for cid in HEADLINE:
        if cid not in rows.index:
            continue
        r = rows.loc[cid]
        task = r["task"] or r["judged_on"]
        text = ledger.claim_on_task(r["claim"], task_title(task) if task else "")
        out.append({"claim": f'<a href="05-audit.html#claim-{html.escape(cid)}">{html.escape(text)}</a>',
                    "verdict": r["verdict"], "condition": r["condition"] or r["why"]})
    return pd.DataFrame(out)


def facts(tables: dict) -> dict:
    """The findings and the configuration the prose quotes (prefix ``i``)."""
    led = tables["ledger"]
    items = F.findings(led, tables["curves"], tables["readings"], tables["task_readings"])
    return {"short-answers": F.short_answers(items), "findings": F.as_markdown(items, F.AUDIT),
            "verdict-key": " ".join(f"\u201c{v}\u201d: {m}." for v, m in verdicts.MEANING.items()),
            "n-claims": ledger.n_claims(led), "n-reported": ledger.n_reported(led),
            "seeds": int(pd.to_numeric(led.seeds, errors="coerce").max()),
            "verdict-counts": ledger.verdict_counts_text(led),
            "full-seeds": PROFILES["full"]["n_seeds"], "quick-seeds": PROFILES["quick"]["n_seeds"],
            "quick-scale": fmt.num(PROFILES["quick"]["epochs_scale"], 2), **verdicts.margin_facts()}


def page(cfg) -> Page:
    """The introduction's page: findings, the summary figure, the verdict table."""
    from ..runtime import frontier_fig, tables as views

    t = inputs(cfg)
    table = views.table(verdict_table(t["ledger"]), headers={"claim": "Claim", "verdict": "Verdict",
                                                             "condition": "Condition"},
                        raw=("claim",), key=True, verdict_titles=verdicts.MEANING)
    return KEYS.page(facts(t), {"summary": summary_figure(t)}, {"verdicts": table})


def summary_figure(t: dict):
    """The first screen's figure: the HSN minus the dense MLP, per task, under the readings
    consistent with the note and the two named ones (all readings are on the audit page)."""
    from ..readings import NAMED
    from ..runtime import frontier_fig

    rd = t["readings"]
    keep = set(rd.loc[rd["consistent"].astype(bool), "reading"])
    keep |= {r.only([k for k, _ in r.levels if k in rd]).label for r in NAMED.values()}
    return frontier_fig.heatmap(t["frontier"], readings=keep)
