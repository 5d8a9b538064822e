"""The appendix "Reproducing this book" (book/06-reproducing.py): the environment and the timings.

The timings come from ``results/bench.json``, written by ``make bench``
(`tools/bench.py`, `tools/bookbench.py`); the book never times itself
while it builds, because sections run in parallel and would disturb each other.
A report measured elsewhere, on a GPU that a reader's machine lacks, is kept in
``tools/records/`` and shown as recorded.

:mod:`.reports` turns a report's parts (and the environment) into tables;
:mod:`.facts` writes the two computed passages, each with the tables it places
(a report may hold any of its parts, so a table is on the page only with its
paragraph); :func:`page` puts them together for the notebook.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from ... import RESULTS, ROOT
from ...runtime import tables
from ...runtime.publish import Keys, Page, in_book_style
from ...sweep import TRAINING_SOURCES
from . import facts
from .facts import PREFIX  # noqa: F401 - the prefix book/06-reproducing.py publishes the page under
from .reports import pinned, profiles_table

__all__ = ["KEYS", "PREFIX", "grids", "load_bench", "load_records", "page"]

BENCH = RESULTS / "bench.json"
#: Reports measured elsewhere and kept in the repository: a GPU lease's, which a
#: reader's machine cannot re-measure (``tools/bench.py --merge`` wrote them), and a
#: ``make bench`` on two CPU cores, which the README's figures quote.
RECORDS = ROOT / "tools" / "records"

#: The timing tables, each placed by the passage on this machine's report when it has the part.
TIMING_TABLES = ("ensemble", "profile", "throughput", "book", "plan", "goals")
#: The tables of the recorded GPU report, placed by its passage.
RECORD_TABLES = ("gpu-goals", "gpu-ensemble", "gpu-throughput")

KEYS = Keys(facts=("n-training-sources", "timings", "gpu"),
            tables=("profiles", "pinned", *TIMING_TABLES, *RECORD_TABLES),
            placed={"timings": TIMING_TABLES, "gpu": RECORD_TABLES})

#: Headers of the appendix's tables.
HEADERS = {"speedup": "Speed-up (×)", "stacked_vs_vmap": "Stacked vs vmap (×)", "profile": "Profile",
           "n_seeds": "Seeds", "epochs_scale": "Share of the note's epochs",
           "package": "Package", "pinned": "Pinned", "installed": "Installed", "members": "Members",
           "batched_s": "Stacked (s)", "one_by_one_s": "One by one (s)",
           "build": "Build", "seconds": "Seconds", "sections executed": "Sections executed",
           "vmap_s": "vmap (s)", "goal": "Goal",
           "target": "Target", "measured": "Measured", "state": "State",
           "max_members": "Stack size limit", "stacks": "Stacks", "n_jobs": "Processes",
           "members_per_s": "Members per second", "matmul_pct": "Matrix products (%)",
           "top_ops": "Costliest operators (share of operator time)", "family": "Family",
           "jobs": "Jobs", "share_pct": "Share (%)"}


def load_bench(path: Path = BENCH) -> dict | None:
    """The last ``make bench`` report, or None if there is none."""
    return json.loads(Path(path).read_text()) if Path(path).exists() else None


def load_records(folder: Path = RECORDS, device: str = "cuda") -> list[dict]:
    """The reports recorded on ``device`` (``bench-<device>-*.json``), oldest first (by the
    date each records, then by name), each with its file's path under ``file``."""
    found = [dict(json.loads(p.read_text()), file=str(p)) for p in Path(folder).glob(f"bench-{device}-*.json")]
    return sorted(found, key=lambda r: (str(r.get("date", "")), Path(r["file"]).name))


def grids(cfg) -> dict:
    """The sweeps this chapter trains: none."""
    return {}


#: Tables a phone reads as cards although only their first column is long text: a goal's state,
#: target and measured value belong with its name (side by side, the value was off-screen).
CARD_TABLES = ("goals", "gpu-goals")


def table_views(frames: dict[str, pd.DataFrame]) -> dict:
    """The tables for reading (published as ``tab-rep-KEY``), rows in the order the report lists them."""
    return {key: tables.table(df, headers=HEADERS, sort=["_none"], cards=True if key in CARD_TABLES else None)
            for key, df in frames.items()}


def page(cfg=None, bench: Path = BENCH, records: Path = RECORDS) -> Page:
    """The appendix: the environment's tables, this machine's timings (``bench``) when measured, and
    the newest report recorded in ``records`` (beside the one before it).  Nothing is trained or timed here."""
    report = load_bench(bench)
    # Without this machine's report, the one recorded on two CPU cores stands in, labelled so.
    cpu = None if report else (load_records(records, "cpu") or [None])[-1]
    timings, timing_frames = facts.timings(report, bench, recorded=cpu)
    gpus = load_records(records)
    gpu, record_frames = facts.recorded(*(gpus[-1:] or [None]), *gpus[-2:-1])
    frames = {"profiles": profiles_table(), "pinned": pinned(), **timing_frames, **record_frames}
    stated = in_book_style({"n-training-sources": len(TRAINING_SOURCES), "timings": timings, "gpu": gpu})
    return KEYS.page(stated, tables=table_views(frames))
