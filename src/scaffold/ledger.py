"""The claims ledger: one row per claim of the note, judged by the rulebook.

Rows are built with :func:`row` (chapters judge; :mod:`scaffold.verdicts` holds
every rule and the only vocabulary, :data:`scaffold.verdicts.VERDICTS`).
:func:`finish` turns the rows into the ledger: Holm's correction across every
row that carries a test (:func:`scaffold.verdicts.corrected`), with the rows whose
verdict it changes marked.  The introduction reads the written ledger back with
:func:`read`.

Columns: the claim's id, wording and task (empty when the note makes it jointly),
the note's reported value and the note cells it comes from (``source``, cells
separated by ";", so each reported value counts once however many claims cite
it), our measurement with its interval and seeds, the test, its p-value, the
verdict before and after the correction, and for claims judged under every
reading of the note: the number of readings, the share under which the claim
holds and the axes that decide it.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from . import fmt
from . import verdicts as V

COLUMNS = ["claim_id", "claim", "task", "judged_on", "reported", "source", "ours", "lo", "hi", "seeds", "test",
           "p", "verdict_uncorrected", "p_holm", "holm_changed", "verdict", "condition", "readings", "share",
           "n_consistent", "n_degenerate", "n_ruled_out", "deciding", "evidence", "why"]
NIL = float("nan")
#: The test named for claims checked by arithmetic on exact numbers.
ARITH = "exact arithmetic"


def row(cid, claim, reported, ours, lo=NIL, hi=NIL, seeds=0, test="", verdict="", why="", task="",
        source="", p=NIL, readings=0, share=NIL, deciding="", condition="", judged_on="", n_consistent=0,
        n_degenerate=0, n_ruled_out=0, evidence="") -> dict:
    """One claim; ``verdict`` is the rulebook's, before the correction across the ledger.

    ``task`` is the task the note states the claim for (empty: stated jointly);
    ``judged_on`` the task a jointly stated claim is judged on here (structural
    claims are judged per task).  ``condition`` is where the claim holds among the
    readings that train, in words; ``evidence`` names the figure or table behind it.
    """
    if verdict not in V.VERDICTS:
        raise ValueError(f"verdict must be one of {V.VERDICTS}, got {verdict!r}")
    return dict(claim_id=cid, claim=claim, task=task, judged_on=judged_on or task, reported=reported,
                source=source, ours=ours, lo=lo, hi=hi, seeds=seeds, test=test, p=p,
                verdict_uncorrected=verdict, condition=condition, readings=readings, share=share,
                n_consistent=n_consistent, n_degenerate=n_degenerate, n_ruled_out=n_ruled_out,
                deciding=deciding, evidence=evidence, why=why)


def untestable(cid, claim, reported, err, **kw) -> dict:
    """The row of a claim whose models were not run."""
    return row(cid, claim, reported, NIL, verdict=V.UNTESTABLE, why=f"not run: {err}", **kw)


def finish(rows) -> pd.DataFrame:
    """The ledger from judged rows: Holm across every row with a p-value, changes marked."""
    led = pd.DataFrame(list(rows))
    final, adj, changed = V.corrected(led["verdict_uncorrected"].tolist(), led["p"].to_numpy(float))
    led["verdict"], led["p_holm"], led["holm_changed"] = final, adj, changed
    return led[COLUMNS]


def verdict_counts(led: pd.DataFrame) -> dict:
    """Number of claims per verdict (every verdict present, zeros included)."""
    return {v: int((led.verdict == v).sum()) for v in V.VERDICTS}


def counted(n: int, verdict: str) -> str:
    """"15 hold", "1 holds", "8 are contradicted": a verdict count as a sentence says it."""
    if verdict == V.HOLDS:
        return f"{fmt.int_(n)} {verdict if n == 1 else verdict[:-1]}"
    return f"{fmt.int_(n)} {'is' if n == 1 else 'are'} {verdict}"


def verdict_counts_text(led: pd.DataFrame) -> str:
    """"50 verdicts: 17 hold, 10 are unsupported, ...": the ledger's rows by verdict, as the
    pages say them.  There are more verdicts than claims (:func:`n_claims`): a claim the note
    makes for several tasks at once is judged on each of them."""
    counts = ", ".join(counted(n, v) for v, n in verdict_counts(led).items() if n)
    return f"{fmt.int_(len(led))} verdict{'s' if len(led) != 1 else ''}: {counts}"


def claim_on_task(claim: str, task_words: str) -> str:
    """A claim with the task it is judged on, in brackets, unless the claim already names it:
    "the HSN matches the dense MLP (moons)", but "the HSN beats the dense MLP on moons"."""
    return f"{claim} ({task_words})" if task_words and task_words not in claim else claim


def n_claims(led: pd.DataFrame) -> int:
    """Claims of the note, each once (:func:`scaffold.verdicts.count_claims`): a claim judged on
    several tasks that the note states jointly counts once."""
    return V.count_claims(led.assign(task=led["task"].replace("", np.nan)))


def n_reported(led: pd.DataFrame) -> int:
    """The note's reported values cited by the ledger, each once."""
    cells = [c.strip() for s in led["source"].fillna("") for c in str(s).split(";") if c.strip()]
    return V.count_reported((c,) for c in cells)


def write(led: pd.DataFrame, results_dir) -> Path:
    """Write ``claims.csv`` under ``results_dir``; returns its path."""
    path = Path(results_dir) / "claims.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    led.to_csv(path, index=False)
    return path


def read(results_dir) -> pd.DataFrame:
    """Read a ledger written by :func:`write` (the introduction builds its summary from it)."""
    led = pd.read_csv(Path(results_dir) / "claims.csv", keep_default_na=False,
                      na_values={c: [""] for c in ("ours", "lo", "hi", "p", "p_holm", "share")})
    for c in ("readings", "n_consistent", "n_degenerate", "n_ruled_out", "seeds"):
        if c in led:
            led[c] = pd.to_numeric(led[c], errors="coerce").fillna(0).astype(int)
    return led
