"""The introduction (book/00-intro.py): the book's findings, generated from the claims ledger.

The introduction trains nothing.  It runs last and reads the ledger the audit
chapter wrote (:mod:`scaffold.ledger`); when that file is missing (the page is
run on its own) the ledger is recomputed from the shared sweep cache.  Every
sentence of its abstract and findings is built here from ledger rows, so the
introduction cannot say more than the ledger does: a claim judged under the
readings is described by its share of readings and the axes that decide it.
"""

from __future__ import annotations

import pandas as pd

from .. import ledger as L
from .. import verdicts as V
from ..runtime.setup import PROFILES

#: The headline claims of the note, in the note's order, as they appear in the intro's table.
HEADLINE = ("C1-swiss_roll", "C1-circles", "C1-moons", "C2-moons", "S1-circulation", "S2-graph",
            "S3-budget", "D1-settles", "C4-sine", "C5-explanation")
SHORT = {"C1-swiss_roll": "HSN matches the dense MLP on swiss roll",
         "C1-circles": "HSN matches the dense MLP on circles",
         "C1-moons": "HSN matches the dense MLP on moons",
         "C2-moons": "HSN beats the dense MLP on moons",
         "S1-circulation": "the circulation (T = 5 vs T = 0) is the key",
         "S2-graph": "the Kronecker graph beats a random graph",
         "S3-budget": "structure substitutes for parameters (equal budget)",
         "D1-settles": "the CA3 state settles into an attractor",
         "C4-sine": "the CEN fails on sine",
         "C5-explanation": "the CEN fails because random features ignore the data"}


def grids(cfg) -> dict:
    """The sweeps this chapter trains: none."""
    return {}


def claims_ledger(cfg) -> pd.DataFrame:
    """The ledger written by the audit chapter, or recomputed if it has not run."""
    if (cfg.results_dir / "claims.csv").exists():
        return L.read(cfg.results_dir)
    from . import audit

    return audit.ledger(audit.evidence(cfg))


def plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


def counted(n: int, verdict: str) -> str:
    """"1 holds", "3 hold", "1 is unsupported", "2 are contradicted": a verdict count as words."""
    if verdict == V.HOLDS:
        return f"{n} {'holds' if n == 1 else 'hold'}"
    return f"{n} {'is' if n == 1 else 'are'} {verdict}"


def listing(items) -> str:
    """"a", "a and b", "a, b and c"."""
    items = list(items)
    return ", ".join(items[:-1]) + (" and " if len(items) > 1 else "") + items[-1] if items else ""


def share_phrase(r) -> str:
    """"holds under 3 of 8 readings" (or "" for a claim not judged over readings)."""
    if not r["readings"] or pd.isna(r["share"]):
        return ""
    n, k = int(r["readings"]), int(round(r["share"] * r["readings"]))
    return f"holds under {k} of {plural(n, 'reading')}"


def finding(r) -> str:
    """One sentence on one claim: verdict, share of readings, deciding axes."""
    what = SHORT.get(r["claim_id"], r["claim"])
    s = f"*{what[0].upper() + what[1:]}*: **{r['verdict']}**"
    sp = share_phrase(r)
    if sp:
        s += f", {sp}"
        dec = str(r["deciding"] or "").strip()
        s += f", decided by {dec}" if dec else ", with no single axis deciding it"
    if r.get("holm_changed") in (True, "True"):
        s += " (changed by the correction across the ledger)"
    return s + "."


def verdict_table(led: pd.DataFrame) -> pd.DataFrame:
    """The headline claims: claim, verdict, share of readings (the first screen's table)."""
    rows = led.set_index("claim_id")
    out = [dict(claim=SHORT[c], verdict=rows.loc[c, "verdict"],
                readings=share_phrase(rows.loc[c]).replace("holds under ", "") or "–")
           for c in HEADLINE if c in rows.index]
    return pd.DataFrame(out)


def abstract(led: pd.DataFrame, n_seeds: int) -> str:
    """At most six lines: what was done, the verdict counts, what the readings decide."""
    counts = L.verdict_counts(led)
    rows = led.set_index("claim_id")
    parts = [f"We re-ran the note's benchmark on {plural(n_seeds, 'paired seed')} under every reading of "
             f"the choices it leaves open, and judged {plural(L.n_claims(led), 'claim')} by one rulebook: "
             + listing(counted(counts[v], v) for v in V.VERDICTS if counts[v]) + "."]
    c1 = [c for c in ("C1-swiss_roll", "C1-circles", "C1-moons") if c in rows.index]
    if c1:
        got = rows.loc[c1]
        k, n = int(round((got.share * got.readings).sum())), int(got.readings.sum())
        dec = sorted({a.strip() for d in got.deciding for a in str(d).split(",") if a.strip()})
        parts.append(f"The HSN matches the dense MLP in {k} of {n} task-reading pairs"
                     + (f"; {listing(dec)} decide{'s' if len(dec) == 1 else ''} it." if dec else "."))
    for cid in ("S1-circulation", "S3-budget"):
        if cid in rows.index:
            parts.append(f"{SHORT[cid][0].upper() + SHORT[cid][1:]}: {rows.loc[cid, 'verdict']}"
                         + (f" ({share_phrase(rows.loc[cid])})." if share_phrase(rows.loc[cid]) else "."))
    return " ".join(parts)


def facts(led: pd.DataFrame) -> dict:
    """The abstract, the findings and the configuration the prose quotes (prefix ``i``)."""
    f = {f"n-{k}": v for k, v in L.verdict_counts(led).items()}
    f["n-claims"] = L.n_claims(led)
    f["n-reported"] = L.n_reported(led)
    f["seeds"] = int(pd.to_numeric(led.seeds, errors="coerce").max())
    f["abstract"] = abstract(led, f["seeds"])
    rows = led.set_index("claim_id")
    for group, ids in (("hsn", ("C1-swiss_roll", "C1-circles", "C1-moons", "C2-moons")),
                       ("structure", ("S1-circulation", "S2-graph", "S3-budget", "D1-settles")),
                       ("cen", ("C4-sine", "C5-explanation"))):
        f[f"find-{group}"] = " ".join(finding(rows.loc[c].to_dict() | {"claim_id": c})
                                      for c in ids if c in rows.index)
    counts = led[led.claim_id.str.match(r"^(P|G)\d")]
    f["find-counts"] = (f"Of the note's {plural(len(counts), 'count and arithmetic claim')}, "
                        + listing(counted(int((counts.verdict == v).sum()), v) for v in V.VERDICTS
                                   if (counts.verdict == v).any()) + ".")
    f["n-holm-changed"] = int(led.holm_changed.astype(str).eq("True").sum())
    f["full-seeds"] = PROFILES["full"]["n_seeds"]
    f["quick-seeds"] = PROFILES["quick"]["n_seeds"]
    f["quick-scale"] = PROFILES["quick"]["epochs_scale"]
    return f


def figures(led: pd.DataFrame) -> dict:
    """The verdict table of the first screen (prefix ``tab-intro``)."""
    from ..runtime.tables import table

    return {"verdicts": table(verdict_table(led), headers={"readings": "Share of readings"})}
