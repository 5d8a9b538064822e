"""The claims ledger's row format: one row per claim of the note, with a verdict word.

Columns: the claim's id and wording, the note's reported value, our measurement
with its interval (``lo``, ``hi``) and number of seeds, the test used, the verdict
and one sentence of why.  Chapters that judge claims (parameters, audit) build
rows with :func:`row`; the introduction reads the written ledger back with
:func:`read`.  Verdicts:

- ``reproduced``: our evidence supports the claim as stated;
- ``not reproduced``: our evidence does not support it (the numbers differ, or
  the test is inconclusive), without showing the opposite;
- ``contradicted``: our evidence shows the opposite (a significant difference
  the other way, an arithmetic identity that does not hold, a control that
  does as well without the ingredient said to be key);
- ``untestable``: the models needed were not run.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

COLUMNS = ["claim_id", "claim", "reported", "ours", "lo", "hi", "seeds", "test", "verdict", "why"]
VERDICTS = ("reproduced", "not reproduced", "contradicted", "untestable")
NIL = float("nan")
#: The test named for claims checked by arithmetic on exact numbers.
ARITH = "exact arithmetic"


def row(cid, claim, reported, ours, lo=NIL, hi=NIL, seeds=0, test="", verdict="", why="") -> dict:
    if verdict not in VERDICTS:
        raise ValueError(f"verdict must be one of {VERDICTS}, got {verdict!r}")
    return dict(zip(COLUMNS, (cid, claim, reported, ours, lo, hi, seeds, test, verdict, why)))


def untestable(cid, claim, reported, err) -> dict:
    """The row of a claim whose models were not run."""
    return row(cid, claim, reported, NIL, verdict="untestable", why=f"not run: {err}")


def verdict_counts(led: pd.DataFrame) -> dict:
    """Number of claims per verdict (every verdict present, zeros included)."""
    return {v: int((led.verdict == v).sum()) for v in VERDICTS}


def write(led: pd.DataFrame, results_dir) -> Path:
    """Write ``claims.csv`` under ``results_dir``; returns its path."""
    path = Path(results_dir) / "claims.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    led.to_csv(path, index=False)
    return path


def read(results_dir) -> pd.DataFrame:
    """Read a ledger written by :func:`write` (the introduction builds its summary from it)."""
    return pd.read_csv(Path(results_dir) / "claims.csv")
