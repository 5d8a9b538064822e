"""The appendix "Reproducing this book" (book/06-reproducing.py): the environment and the timings.

The timings come from ``results/bench.json``, written by ``make bench``
(`tools/bench.py`, `tools/bookbench.py`); the book never times itself
while it builds, because sections run in parallel and would disturb each other.
:func:`facts` turns that report into the numbers the page's prose quotes; every
entry exists whether or not a report was found (NaN, and a status phrase, if not).
:func:`timings` writes the page's timing paragraphs from the report, or says plainly
that nothing was measured, so that the page never shows "nan" or "n/a" in a sentence.
"""

from __future__ import annotations

import json
from importlib import metadata
from pathlib import Path

import pandas as pd

from .. import RESULTS, ROOT
from ..runtime import provenance
from ..runtime import tables as tab
from ..runtime.publish import count
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
    cols = ["model", "members", "batched_s", "vmap_s", "one_by_one_s", "speedup", "stacked_vs_vmap"]
    return df[[c for c in cols if c in df]].round(2)


def _goal_value(g: dict) -> str:
    return "not measured" if g["value"] is None else f"{tab.number(g['value'])} {g['unit']}"


def _lower_is_better(g: dict) -> bool:
    # Reports from before the direction was recorded: times and the floor ratio are
    # "at most" targets, speed-ups "at least".
    return g.get("lower_is_better", g["unit"] == "s" or "floor" in g["goal"])


def _goal_state(g: dict) -> str:
    if g["met"] is None:
        return "not measured"
    if g["met"]:
        return "met"
    # "missed by": the factor between the value and the target, in the goal's direction.
    factor = g["value"] / g["target"] if _lower_is_better(g) else g["target"] / g["value"]
    return f"missed ({factor:.1f}x off)"


def goals_table(report: dict) -> pd.DataFrame:
    """The speed targets the project set itself, with the measured value and whether it was met."""
    rows = [{"goal": g["goal"], "target": f"{'<=' if _lower_is_better(g) else '>='} {g['target']:g} {g['unit']}",
             "measured": _goal_value(g), "state": _goal_state(g)}
            for g in report.get("goals") or []]
    return pd.DataFrame(rows, columns=["goal", "target", "measured", "state"])


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
    f["ens-vmap"] = (", ".join(f"{r.stacked_vs_vmap:.1f}x for the {r.model}" for r in ens.itertuples())
                     if ens is not None and "stacked_vs_vmap" in ens else "not measured")
    goals = report.get("goals") or []
    f["goals-n"] = len(goals)
    f["goals-met"] = sum(1 for g in goals if g["met"])
    f["goals-unmeasured"] = sum(1 for g in goals if g["met"] is None)
    f["test-seconds"] = (report.get("test") or {}).get("seconds", NAN)
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


#: Headers of the appendix's tables.
HEADERS = {"profile": "Profile", "n_seeds": "Seeds", "epochs_scale": "Share of the note's epochs",
           "package": "Package", "pinned": "Pinned", "installed": "Installed", "members": "Members",
           "batched_s": "Stacked (s)", "one_by_one_s": "One by one (s)", "speedup": "Speed-up",
           "build": "Build", "seconds": "Seconds", "sections executed": "Sections executed",
           "vmap_s": "vmap (s)", "stacked_vs_vmap": "Stacked vs vmap", "goal": "Goal",
           "target": "Target", "measured": "Measured", "state": "State"}


def table_views(report: dict | None) -> dict:
    """The appendix's tables for reading (prefix ``tab-rep``); the timing tables only if measured."""
    out = {"profiles": tab.table(profiles_table(), headers=HEADERS, sort=["_none"]),
           "pinned": tab.table(pinned(), headers=HEADERS, sort=["_none"])}
    if report and report.get("ensemble"):
        out["ensemble"] = tab.table(ensemble_table(report), headers=HEADERS)
    if report and report.get("book"):
        out["book"] = tab.table(book_table(report), headers=HEADERS, sort=["_none"])
    if report and report.get("goals"):
        out["goals"] = tab.table(goals_table(report), headers=HEADERS, sort=["_none"])
    return out


class Markdown:
    """MyST text for ``{glue:md}`` (text/markdown, with a plain-text fallback)."""

    def __init__(self, text: str):
        self.text = text

    def _repr_mimebundle_(self, include=None, exclude=None):
        return {"text/markdown": self.text, "text/plain": self.text}


def timings(report: dict | None, f: dict, path: Path = BENCH) -> Markdown:
    """The "How long it takes" paragraphs, from the report's facts ``f``, or a plain "not measured"."""
    if not report:
        return Markdown("Timings were not measured for this build: no `results/bench.json` was "
                        "found. Run `make bench` to measure them; it refreshes this page.")
    parts = [f"Timings measured by `make bench` on {f['device']} ({f['machine']}), torch {f['torch']}, "
             f"{count(f['threads'], 'thread')}, with {tab.number(f['epochs-scale'])} of the note's "
             "training schedule."]
    if "ensemble" in report and report["ensemble"]:
        agree = ("The stacked and one-by-one paths run the same code, and here every member's test "
                 "metric came out the same both ways." if f["ens-maxdiff"] == 0 else
                 "The stacked and one-by-one paths run the same code, so the members agree up to the "
                 "order of floating-point sums (the largest difference in a member's test metric was "
                 f"{tab.number(f['ens-maxdiff'])}: the literal HSN is chaotic enough to amplify rounding).")
        parts.append(
            f"**Stacked ensembles.** Training the {f['ens-members']} members of a sweep (seeds times "
            "learning rates) as one stacked model instead of one at a time is "
            f"{f['ens-speedups']} ({{numref}}`tab-rep-ensemble`). Against PyTorch's documented way "
            "of training an ensemble (`torch.func.stack_module_state` and `vmap` over "
            f"`functional_call`, same members, same engine otherwise) the stacked model is {f['ens-vmap']} "
            f"faster. {agree}\n\n"
            "```{glue:figure} tab-rep-ensemble\n:name: tab-rep-ensemble\n:figclass: table\n\n"
            "Training a sweep's members stacked, through vmap, and one by one.\n```")
    if report.get("core_sweep"):
        parts.append(
            f"**Compute floor.** The core sweep ({f['core-jobs']} jobs, {f['core-members']} trained "
            f"models, {tab.number(f['core-gflop'])} GFLOP) took {tab.number(f['core-seconds'])} s; the "
            f"same arithmetic as large matrix products would take {tab.number(f['core-floor'])} s here "
            f"({tab.number(f['core-gflops'])} GFLOP/s), a ratio of {tab.number(f['core-ratio'])}. The "
            "models are so small that a step's products are tiny (16 to 64 units wide) and its "
            "element-wise passes (activations, their gradients, Adam) cost as much as the products: "
            "the step is bound by memory traffic and per-operation overhead, not by arithmetic, "
            "which is also why stacking members pays.")
    if report.get("book"):
        parts.append(
            f"**Rebuilding the book** ({f['book-profile']} profile, the virtual environment already "
            "set up) is timed in {numref}`tab-rep-book`: from scratch with an empty cache, with "
            "nothing changed, after editing one markdown cell, and after editing a plotting module "
            "in `src/` (trained results then come from the cache).\n\n"
            "```{glue:figure} tab-rep-book\n:name: tab-rep-book\n:figclass: table\n\n"
            "Rebuild times of the book and how many sections each rebuild executed.\n```")
    if report.get("goals"):
        unmeasured = (f" and did not measure {f['goals-unmeasured']}" if f["goals-unmeasured"] else "")
        test = ("" if f["test-seconds"] != f["test-seconds"] else
                f" `make test`, run as CI runs it with an empty cache, took {tab.number(f['test-seconds'])} s.")
        parts.append(
            f"**Speed targets.** The project set itself {f['goals-n']} speed targets; this report "
            f"meets {f['goals-met']} of them{unmeasured} ({{numref}}`tab-rep-goals`).{test} A missed target is listed with the factor by which "
            "it is missed, not hidden.\n\n"
            "```{glue:figure} tab-rep-goals\n:name: tab-rep-goals\n:figclass: table\n\n"
            "The speed targets, as measured by `make bench` on this machine.\n```")
    parts.append(provenance.data_links(path).markdown())
    return Markdown("\n\n".join(parts))
