"""The limitations page's comparisons, each judged by the rulebook (:mod:`scaffold.verdicts`).

Nothing here tests or decides by itself: every interval comes from
:func:`scaffold.verdicts.paired_table` and every verdict from :func:`scaffold.verdicts.judge`.
This module only says which models the page compares and which claim each comparison judges.
"""

from __future__ import annotations

import pandas as pd

from ... import verdicts
from .design import HSN, MATCHED, graph_models, harder_extras

#: Claims about the HSN against another model, by that model's role: (words, rule).
AGAINST = {
    "Dense MLP": ("the HSN matches the dense MLP", "noninferior"),
    MATCHED["learned_nnz"]: ("the HSN matches a dense MLP of its nonzero budget", "noninferior"),
    MATCHED["learned_size"]: ("the HSN matches a dense MLP of its tensor-size budget", "noninferior"),
}
#: The note's claim that the recurrence matters, judged against the HSN without it (T = 0).
RECURRENCE = (f"the recurrence is the key (T = {HSN.config.T} beats T = 0)", "superior")
#: The note's suggestion for the graph: a variant beats the fixed graph.
GRAPH_CLAIM = "superior"


def hsn_against(rows: pd.DataFrame, references, by) -> pd.DataFrame:
    """The HSN's paired gain over each model of ``references`` (labels), per group of ``by``."""
    parts = [verdicts.paired_table(rows[rows["model"].isin([HSN.label, ref])], ref, by)
             for ref in dict.fromkeys(references) if ref != HSN.label]
    parts = [p for p in parts if len(p)]
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()


def matches(rows: pd.DataFrame, key: str) -> pd.DataFrame:
    """The HSN against the dense MLP and its budget-matched MLPs (and T = 0 where it ran), per ``key``.

    ``rows``: selected members with a ``role`` column.  One row per group and claim:
    [key, role, claim, gain, lo, hi, margin, n, verdict].
    """
    roles = rows[["model", "role"]].drop_duplicates()
    t0 = harder_extras()[1].label
    wanted = roles[roles["role"].isin(AGAINST) | (roles["model"] == t0)]
    table = hsn_against(rows, wanted["model"], (key,))
    if table.empty:
        return table
    table = table.merge(wanted.rename(columns={"model": "reference"}), on="reference")
    claims = {**AGAINST, t0: RECURRENCE}
    table["claim"] = table["role"].map(lambda r: claims[r][0])
    table["verdict"] = [verdicts.judge(r, claims[r["role"]][1]) for _, r in table.iterrows()]
    return table[[key, "role", "claim", "gain", "lo", "hi", "margin", "n", "verdict"]]


def graph_variants(rows: pd.DataFrame) -> pd.DataFrame:
    """Each graph variant against the fixed graph, per task: the gain (positive: the variant is
    better), the verdict of "the variant beats the fixed graph", and ``outcome``:

    - "better": that claim holds;
    - "worse": "the variant matches the fixed graph" is contradicted (worse beyond the margin);
    - "equivalent": the two differ by less than the margin either way (the interval lies inside
      it: "the variant beats the fixed graph" is contradicted, the match holds);
    - "no worse": the match holds but the variant may still be better by a margin;
    - "inconclusive": none of these.
    """
    table = verdicts.paired_table(rows, graph_models()["fixed"].label, ("task",))
    table["verdict"] = [verdicts.judge(r, GRAPH_CLAIM) for _, r in table.iterrows()]
    table["outcome"] = [outcome(r) for _, r in table.iterrows()]
    return table


def outcome(c) -> str:
    """"better", "worse", "equivalent", "no worse" or "inconclusive" for a comparison (see
    :func:`graph_variants`)."""
    beats, matches = verdicts.judge(c, GRAPH_CLAIM), verdicts.judge(c, "noninferior")
    if beats == verdicts.HOLDS:
        return "better"
    if matches == verdicts.CONTRADICTED:
        return "worse"
    if matches == verdicts.HOLDS:
        return "equivalent" if beats == verdicts.CONTRADICTED else "no worse"
    return "inconclusive"
