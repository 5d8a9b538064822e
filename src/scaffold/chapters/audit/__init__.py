"""Chapter 5, "Audit" (book/05-audit.py): every claim of the note, judged under every reading.

- :mod:`.evidence`: what the audit trains (its grids include the multiverse's, so
  ``make sweeps`` trains them stacked with every other chapter's) and the tables
  its verdicts read; writes ``multiverse.csv``.
- :mod:`.claims`: the trained-model claims, judged per reading and over readings.
- :mod:`.counts`: counts, arithmetic, compute and graph claims.
- :mod:`.page`: the ledger (``claims.csv``), specification curves, figures, facts.

Every verdict comes from one rulebook (:mod:`scaffold.verdicts`), stated on the page.
"""

from .evidence import evidence, grids
from .page import KEYS, compute, facts, figures, ledger, page

__all__ = ["KEYS", "compute", "evidence", "facts", "figures", "grids", "ledger", "page"]
