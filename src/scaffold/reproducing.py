"""Tables for the appendix "Reproducing this book": the environment and the timings.

The timings come from ``results/bench.json``, written by ``make bench``
(:mod:`scaffold.bench`, :mod:`scaffold.bookbench`); the book never times itself
while it builds, because sections run in parallel and would disturb each other.
"""

from __future__ import annotations

import json
import os
from importlib import metadata
from pathlib import Path

import pandas as pd

from . import RESULTS, ROOT
from .profiles import PROFILES

BENCH = RESULTS / "bench.json"


def load_bench(path: Path = BENCH) -> dict | None:
    """The last ``make bench`` report, or None if there is none."""
    return json.loads(Path(path).read_text()) if Path(path).exists() else None


def pinned(names=("torch", "numpy", "scikit-learn", "jupyter-book", "sphinx", "myst-nb",
                  "papermill", "jupytext", "joblib", "dask", "distributed")) -> pd.DataFrame:
    """Pins from requirements.txt beside the versions installed in this environment."""
    pins = {}
    for line in (ROOT / "requirements.txt").read_text().splitlines():
        if "==" in line and not line.startswith("#"):
            k, v = line.split("==", 1)
            pins[k.strip().lower()] = v.strip()
    rows = []
    for n in names:
        try:
            installed = metadata.version(n)
        except metadata.PackageNotFoundError:
            installed = "not installed"
        rows.append(dict(package=n, pinned=pins.get(n.lower(), "-"), installed=installed))
    return pd.DataFrame(rows)


def profiles_table() -> pd.DataFrame:
    return pd.DataFrame([dict(profile=k, **v) for k, v in PROFILES.items()])


def ensemble_table(report: dict) -> pd.DataFrame:
    df = pd.DataFrame(report["ensemble"])
    return df[["model", "members", "batched_s", "one_by_one_s", "speedup"]].round(2)


def book_table(report: dict) -> pd.DataFrame:
    book = report.get("book")
    if not book:
        return pd.DataFrame(columns=["build", "seconds", "sections executed"])
    what = {"cold": "from scratch, empty cache", "noop": "nothing changed",
            "narrative": "one markdown cell edited", "library": "a plotting module in src/ edited"}
    return pd.DataFrame([{"build": what[k], "seconds": book[k]["seconds"],
                          "sections executed": book[k]["executed"]} for k in what if k in book])


def results_listing(results_dir: Path, here: Path | None = None) -> str:
    """A MyST table of the CSV/JSON files in ``results_dir``, each a download link.

    ``here`` is the folder of the executing notebook (papermill runs it there), so
    the links are relative to the page and Sphinx copies the files into the site.
    """
    here = Path.cwd() if here is None else Path(here)
    rows = ["| file | rows | size |", "|---|---|---|"]
    for p in sorted(Path(results_dir).glob("*")):
        if p.suffix not in (".csv", ".json") or not p.is_file():
            continue
        rel = Path(os.path.relpath(p, here)).as_posix()
        n = sum(1 for _ in p.open()) - 1 if p.suffix == ".csv" else "-"
        rows.append(f"| {{download}}`{p.name} <{rel}>` | {n} | {p.stat().st_size / 1024:.1f} KiB |")
    return "\n".join(rows)
