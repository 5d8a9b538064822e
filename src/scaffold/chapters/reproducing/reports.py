"""The appendix's tables as data: the environment, and what each part of a benchmark report measured.

A report is the dictionary ``tools/bench.py`` writes (``results/bench.json``, or a
recorded one in ``tools/records/``); any of its parts may be missing, and each
function here reads only its own part.
"""

from __future__ import annotations

from importlib import metadata

import pandas as pd

from ... import ROOT, fmt
from ...runtime.setup import PROFILES

#: The packages the appendix lists with their pinned and installed versions.
KEY_PACKAGES = ("torch", "numpy", "scikit-learn", "jupyter-book", "sphinx", "myst-nb", "papermill", "jupytext",
                "joblib", "dask", "distributed")


def pinned(names=KEY_PACKAGES) -> pd.DataFrame:
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
    """The build profiles (full, quick): seeds and share of the note's epochs."""
    return pd.DataFrame([dict(profile=k, **v) for k, v in PROFILES.items()])


def ensemble_table(report: dict) -> pd.DataFrame:
    """Per model, a sweep's members trained stacked, through vmap and one by one."""
    df = pd.DataFrame(report["ensemble"])
    cols = ["model", "members", "batched_s", "vmap_s", "one_by_one_s", "speedup", "stacked_vs_vmap"]
    # Unrounded: the table shows three significant figures (0.153 s, not 0.15 padded to 0.150).
    return df[[c for c in cols if c in df]]


def throughput_table(report: dict) -> pd.DataFrame:
    """Members per second at 1,000+ members, per stack size limit."""
    df = pd.DataFrame(report.get("throughput") or [],
                      columns=["members", "max_members", "stacks", "n_jobs", "seconds", "members_per_s"])
    return df  # unrounded: the table shows three significant figures


def _top_ops(prof: dict, n: int = 3) -> str:
    return ", ".join(f"{o['op'].removeprefix('aten::')} {fmt.pct(o['share'])}" for o in prof["top"][:n])


def profile_table(report: dict) -> pd.DataFrame:
    """Per model, where a stacked training run's operator time goes (``torch.profiler``)."""
    rows = [dict(model=e["model"], matmul_pct=round(100 * e["profile"]["matmul_share"]),
                 top_ops=_top_ops(e["profile"]))
            for e in report.get("ensemble") or [] if e.get("profile")]
    return pd.DataFrame(rows, columns=["model", "matmul_pct", "top_ops"])


def plan_table(report: dict) -> pd.DataFrame:
    """The cold plan's job-seconds by model family (from the cache it filled)."""
    prof = cold_book(report).get("plan_profile") or {}
    df = pd.DataFrame(prof.get("by_family") or [], columns=["family", "jobs", "members", "seconds"])
    total = df.seconds.sum()
    df["share_pct"] = (100 * df.seconds / total).round() if total else []
    return df


def book_table(report: dict) -> pd.DataFrame:
    """The timed rebuilds of the book: seconds and sections executed."""
    book = report.get("book")
    if not book:
        return pd.DataFrame(columns=["build", "seconds", "sections executed"])
    what = {"setup": "set-up in a fresh clone (make venv assets)",
            "cold": "from scratch, empty cache, environment present",
            "fresh_clone": "fresh clone: set-up and from scratch",
            "noop": "nothing changed", "narrative": "one markdown cell edited",
            "library": "a library module that training does not use edited"}
    # the fresh clone's row is the sum of two builds: it has no count of its own, and says so
    return pd.DataFrame([{"build": what[k], "seconds": book[k]["seconds"],
                          "sections executed": book[k].get("executed", fmt.DASH)} for k in what if k in book])


def _amount(x, unit: str) -> str:
    """A goal's value in its unit: '658×' for a factor, '238 s' for a time."""
    if float(x).is_integer():  # a target is a round constant: 60 s, not 60.0 s
        return f"{fmt.int_(x)}×" if unit == "x" else f"{fmt.int_(x)} {unit}"
    return fmt.factor(x, 3) if unit == "x" else f"{fmt.num(x)} {unit}"


def _goal_value(g: dict) -> str:
    return "not measured" if g["value"] is None else _amount(g["value"], g["unit"])


def _lower_is_better(g: dict) -> bool:
    # Reports from before the direction was recorded: times and the floor ratio are
    # "at most" targets, speed-ups "at least".
    return g.get("lower_is_better", g["unit"] == "s" or "floor" in g["goal"])


def _goal_state(g: dict) -> str:
    if g["met"] is None:
        return "not measured"
    if g["met"]:
        return "met"
    # "missed by": the factor between the value and the target, in the goal's direction;
    # a miss under 2x as a percentage of the target ("missed by 4%", not "missed by 1x"):
    # how far above a ceiling, or how far short of a floor (5.17x of a 10x goal is 48%
    # short, not 93%).
    lower = _lower_is_better(g)
    factor = g["value"] / g["target"] if lower else g["target"] / g["value"]
    if factor < 2:
        off = g["value"] / g["target"] - 1 if lower else 1 - g["value"] / g["target"]
        return f"missed by {max(1, int(100 * off + 0.5))}%"  # half up: 40.5% is 41%
    return f"missed by {fmt.factor(factor)}"


def cold_book(report: dict | None) -> dict:
    """A report's cold ``make book`` entry ({} where it has none)."""
    return ((report or {}).get("book") or {}).get("cold") or {}


def _partly(report: dict, g: dict) -> str:
    """For the cold-book goal left unmeasured where only part of the build was timed (a GPU
    lease times the plan and the sections, not the HTML step): that part's time, or ''."""
    cold = cold_book(report)
    if g["value"] is None and g["goal"].startswith("cold make book") and "html" in cold and "seconds" in cold:
        return f" (without the HTML step: {fmt.num(cold['seconds'])} s)"
    return ""


def goals_table(report: dict) -> pd.DataFrame:
    """The speed targets the project set itself, with the measured value and whether it was met."""
    rows = [{"goal": g["goal"],
             "target": f"{'≤' if _lower_is_better(g) else '≥'} {_amount(g['target'], g['unit'])}",
             "measured": _goal_value(g) + _partly(report, g), "state": _goal_state(g)}
            for g in report.get("goals") or []]
    # The state beside the goal: on a phone the table scrolls sideways, and the verdict
    # is what must show without scrolling.
    return pd.DataFrame(rows, columns=["goal", "state", "target", "measured"])
