"""The appendix "Reproducing this book" (book/06-reproducing.py): the environment and the timings.

The timings come from ``results/bench.json``, written by ``make bench``
(`tools/bench.py`, `tools/bookbench.py`); the book never times itself
while it builds, because sections run in parallel and would disturb each other.
:func:`facts` turns that report into the numbers the page's prose quotes; every
entry exists whether or not a report was found (NaN, and a status phrase, if not).
"""

from __future__ import annotations

import json
from importlib import metadata
from pathlib import Path

import pandas as pd

from .. import RESULTS, ROOT
from ..runtime.setup import PROFILES
from ..sweep import TRAINING_SOURCES

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


def grids(cfg) -> dict:
    """The sweeps this chapter trains: none."""
    return {}


NAN = float("nan")


def facts(report: dict | None) -> dict:
    """The numbers the appendix quotes from a ``make bench`` report (prefix ``rep``)."""
    f = {"n-training-sources": len(TRAINING_SOURCES)}
    f["bench-status"] = ("measured by `make bench` on this machine" if report
                         else "not measured yet: no `results/bench.json` was found; run `make bench`")
    report = report or {}
    ens = ensemble_table(report) if report.get("ensemble") else None
    f["device"] = report.get("device", "n/a")
    f["machine"] = report.get("gpu", report.get("machine", "n/a"))
    f["torch"] = report.get("torch", "n/a")
    f["threads"] = report.get("threads", NAN)
    f["epochs-scale"] = report.get("epochs_scale", NAN)
    f["ens-members"] = int(ens.members.iloc[0]) if ens is not None else NAN
    f["ens-speedups"] = (", ".join(f"{r.speedup:.1f}x faster for the {r.model}" for r in ens.itertuples())
                         if ens is not None else "not measured")
    f["ens-maxdiff"] = (max(e["max_abs_metric_diff"] for e in report["ensemble"]) if ens is not None else NAN)
    cs = report.get("core_sweep", {})
    for key, name in (("jobs", "jobs"), ("members", "members"), ("gflop", "gflop"), ("seconds", "seconds"),
                      ("floor_s", "floor"), ("matmul_gflops", "gflops"), ("ratio_to_floor", "ratio")):
        f[f"core-{name}"] = cs.get(key, NAN)
    book = report.get("book") or {}
    f["book-profile"] = book.get("profile", "n/a")
    for kind in ("cold", "noop", "narrative", "library"):
        f[f"book-{kind}"] = book.get(kind, {}).get("seconds", NAN)
        f[f"book-{kind}-executed"] = book.get(kind, {}).get("executed", NAN)
    return f
