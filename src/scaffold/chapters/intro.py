"""The introduction (book/00-intro.py): the book's findings, read from the claims ledger.

The introduction trains nothing.  It runs last and reads the ledger that the
audit chapter wrote (:mod:`scaffold.ledger`); when that file is missing (the page
is run on its own) the ledger is recomputed from the shared sweep cache.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd

from .. import note
from ..experiments import HSN_REPAIRED
from ..ledger import VERDICTS, read, verdict_counts
from ..models import CEN_NOTE
from ..runtime.setup import PROFILES


def grids(cfg) -> dict:
    """The sweeps this chapter trains: none."""
    return {}


def claims_ledger(cfg) -> pd.DataFrame:
    """The ledger written by the audit chapter, or recomputed if it has not run."""
    if (cfg.results_dir / "claims.csv").exists():
        return read(cfg.results_dir)
    from . import audit

    ev = audit.evidence(cfg)
    return audit.ledger(ev["scores"], ev["dynamics"])


def facts(led: pd.DataFrame) -> dict:
    """Verdict counts, every claim's measurement and verdict, and the configuration the prose
    quotes (published with the prefix ``i``)."""
    f = {f"n-{k.replace(' ', '-')}": v for k, v in verdict_counts(led).items()}
    f["n-claims"] = len(led)
    f["seeds"] = int(led.seeds.max())
    for _, r in led.iterrows():
        f[f"{r.claim_id}-ours"] = float(r.ours)
        f[f"{r.claim_id}-lo"] = float(r.lo)
        f[f"{r.claim_id}-hi"] = float(r.hi)
        f[f"{r.claim_id}-verdict"] = str(r.verdict)
    rep = HSN_REPAIRED.config
    f["cen-density"] = 100 * float(CEN_NOTE.config.density)
    f["cen-inputs-sine"] = float(CEN_NOTE.config.density) * 1
    f["dg-density"] = 100 * float(rep.dg_density)
    f["hca3"] = int(rep.h_ca3)
    f["g-size"] = int(rep.h_ca3) ** 2
    f["T"] = int(rep.T)
    f["rep-radius"] = float(rep.spectral_radius)
    f["rep-min-inputs"] = int(rep.dg_min_inputs)
    f["full-seeds"] = PROFILES["full"]["n_seeds"]
    f["quick-seeds"] = PROFILES["quick"]["n_seeds"]
    f["quick-scale"] = PROFILES["quick"]["epochs_scale"]
    f["note-red"] = float(note.HSN_REDUCTION)
    f["note-eq1"] = f"{note.EQ1_CLAIMED:,}"
    f["note-hsn"] = int(note.TABLE_2_2["HSN"][0])
    f["note-compute"] = int(note.COMPUTE_FACTOR)
    return f


def verdict_bar(led: pd.DataFrame, verdicts=VERDICTS):
    """Number of claims per verdict."""
    counts = [int((led.verdict == v).sum()) for v in verdicts]
    fig, ax = plt.subplots(figsize=(5, 2.2))
    ax.barh(list(verdicts), counts, color=["C2", "C1", "C3", "0.6"])
    for i, c in enumerate(counts):
        ax.text(c, i, f" {c}", va="center")
    ax.invert_yaxis()
    ax.set_xlabel("claims")
    fig.tight_layout()
    return fig


def figures(led: pd.DataFrame) -> dict:
    """The chapter's figures (published with the prefix ``fig-intro``)."""
    return {"verdicts": verdict_bar(led)}
