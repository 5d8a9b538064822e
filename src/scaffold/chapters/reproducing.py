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

from .. import RESULTS, ROOT, fmt
from ..runtime import provenance
from ..runtime import tables as tab
from ..fmt import count
from ..runtime.setup import PROFILES
from ..sweep import TRAINING_SOURCES

BENCH = RESULTS / "bench.json"
#: Reports measured elsewhere and kept in the repository: a GPU lease's, which a
#: reader's machine cannot re-measure (``tools/bench.py --merge`` wrote them).
RECORDS = ROOT / "tools" / "records"


def load_bench(path: Path = BENCH) -> dict | None:
    """The last ``make bench`` report, or None if there is none."""
    return json.loads(Path(path).read_text()) if Path(path).exists() else None


def load_records(folder: Path = RECORDS) -> list[dict]:
    """The recorded reports (``bench-*.json``), each with its file's path under ``file``."""
    return [dict(json.loads(p.read_text()), file=str(p)) for p in sorted(Path(folder).glob("bench-*.json"))]


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


def throughput_table(report: dict) -> pd.DataFrame:
    """Members per second at 1,000+ members, per stack size limit."""
    df = pd.DataFrame(report.get("throughput") or [],
                      columns=["members", "max_members", "stacks", "n_jobs", "seconds", "members_per_s"])
    return df.round({"seconds": 1, "members_per_s": 1})


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
    prof = ((report.get("book") or {}).get("cold") or {}).get("plan_profile") or {}
    df = pd.DataFrame(prof.get("by_family") or [], columns=["family", "jobs", "members", "seconds"])
    total = df.seconds.sum()
    df["share_pct"] = (100 * df.seconds / total).round() if total else []
    return df


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
    # "missed by": the factor between the value and the target, in the goal's direction.
    factor = g["value"] / g["target"] if _lower_is_better(g) else g["target"] / g["value"]
    return f"missed by {fmt.factor(factor)}"


def goals_table(report: dict) -> pd.DataFrame:
    """The speed targets the project set itself, with the measured value and whether it was met."""
    rows = [{"goal": g["goal"],
             "target": f"{'≤' if _lower_is_better(g) else '≥'} {_amount(g['target'], g['unit'])}",
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
    f["ens-speedups"] = (", ".join(f"{fmt.factor(r.speedup, 3)} faster for the {r.model}"
                                   for r in ens.itertuples()) if ens is not None else "not measured")
    f["ens-vmap"] = (", ".join(f"{fmt.factor(r.stacked_vs_vmap, 3)} for the {r.model}" for r in ens.itertuples())
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
HEADERS = {"speedup": "Speed-up (×)", "stacked_vs_vmap": "Stacked vs vmap (×)","profile": "Profile", "n_seeds": "Seeds", "epochs_scale": "Share of the note's epochs",
           "package": "Package", "pinned": "Pinned", "installed": "Installed", "members": "Members",
           "batched_s": "Stacked (s)", "one_by_one_s": "One by one (s)",
           "build": "Build", "seconds": "Seconds", "sections executed": "Sections executed",
           "vmap_s": "vmap (s)", "goal": "Goal",
           "target": "Target", "measured": "Measured", "state": "State",
           "max_members": "Stack size limit", "stacks": "Stacks", "n_jobs": "Processes",
           "members_per_s": "Members per second", "matmul_pct": "Matrix products (%)",
           "top_ops": "Costliest operators (share of operator time)", "family": "Family",
           "jobs": "Jobs", "share_pct": "Share (%)"}


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
    for name, fn in (("throughput", throughput_table), ("profile", profile_table), ("plan", plan_table)):
        df = fn(report) if report else None
        if df is not None and not df.empty:
            out[name] = tab.table(df, headers=HEADERS, sort=["_none"])
    return out


def record_views(record: dict | None) -> dict:
    """The tables of a recorded (GPU) report (prefix ``tab-rep-gpu``)."""
    if not record:
        return {}
    out = {}
    for name, fn in (("goals", goals_table), ("ensemble", ensemble_table), ("throughput", throughput_table)):
        if record.get(name):
            out[name] = tab.table(fn(record), headers=HEADERS, sort=["_none"])
    return out


def what_was_measured(record: dict) -> str:
    """One sentence on what a recorded report's figures are: machine, versions, date, where kept."""
    where = Path(record["file"]).relative_to(ROOT).as_posix() if Path(record["file"]).is_relative_to(ROOT) \
        else Path(record["file"]).name
    return (f"These figures were measured on an {record.get('gpu', 'unnamed GPU')} with "
            f"{count(int(record.get('threads', 0)), 'CPU thread')}, torch {record.get('torch')} and "
            f"Python {record.get('python')}, on {record.get('date', 'an unrecorded date')}, and are recorded "
            f"in `{where}`: they are not re-measured when this book is built, because a reader's "
            "machine has no such GPU.")


def recorded(record: dict | None) -> "Markdown":
    """The paragraphs on a recorded GPU report, or a plain line saying there is none."""
    if not record:
        return Markdown("No measurement on a GPU is recorded in this repository.")
    book = (record.get("book") or {}).get("cold") or {}
    goals = record.get("goals") or []
    met = sum(1 for g in goals if g["met"])
    measured = sum(1 for g in goals if g["met"] is not None)
    ens = record.get("ensemble") or []
    repeats = {e.get("repeats") for e in ens}
    parts = [
        f"{what_was_measured(record)} Of the {measured} speed targets measured there, {met} "
        f"{'is' if met == 1 else 'are'} met ({{numref}}`tab-rep-gpu-goals`). (They were run as "
        "`tools/bench.py --device cuda` in parts, to fit a short loan of the machine, and joined "
        "with `--merge`.)"]
    if book:
        parts.append(
            f"**Cold book on the GPU machine.** `make book DEVICE=cuda` from an empty cache took "
            f"{tab.number(book['seconds'])} s"
            + (f", of which {tab.number(book['plan_s'])} s trained every sweep on the GPU" if "plan_s" in book else "")
            + ". The sections themselves run on its CPU cores.")
    if ens:
        one = " (one run each: the lease was short)" if repeats == {1} else ""
        speedups = ", ".join(f"{fmt.factor(e['speedup'], 3)} for the {e['model']}" for e in ens)
        parts.append(
            f"**Stacked ensembles on the GPU**{one} ({{numref}}`tab-rep-gpu-ensemble`): training "
            f"{ens[0]['members']} members stacked rather than one at a time was faster by {speedups}. "
            "A GPU step costs about the same for one member or twenty, so stacking gains more there "
            "than on CPU cores. Stacked and one-by-one runs need not agree to the last "
            "digit on a GPU: its batched and single products sum in different orders, and the "
            "literal HSN amplifies the difference.")
    if record.get("throughput"):
        thr = throughput_table(record)
        best = thr.loc[thr.members_per_s.idxmax()]
        parts.append(
            f"**Throughput on the GPU** ({{numref}}`tab-rep-gpu-throughput`): up to "
            f"{tab.number(best.members_per_s)} members per second with {fmt.int_(best.members)} members in "
            f"stacks of at most {fmt.int_(best.max_members)}. Stacks of the CPU's size (160) leave the GPU "
            "waiting on kernel launches, which is why a GPU's stacks are larger "
            "(`scaffold.sweep.MAX_MEMBERS`).")
    if record.get("core_sweep"):
        cs = record["core_sweep"]
        parts.append(
            f"The core sweep took {tab.number(cs['seconds'])} s there, against a matrix-product floor of "
            f"{tab.number(cs['floor_s'])} s ({tab.number(cs['matmul_gflops'])} GFLOP/s): a ratio of "
            f"{fmt.factor(cs['ratio_to_floor'], 3)}. On a GPU these 16-to-64-unit models are bound by "
            "kernel launches, not arithmetic, and the floor target is far out of reach; it was set "
            "with two CPU cores in mind.")
    views = record_views(record)
    for name, caption in (("goals", "The speed targets on the GPU machine."),
                          ("ensemble", "Stacked, vmap and one-by-one training on the GPU."),
                          ("throughput", "Members per second on the GPU, by stack size limit.")):
        if name in views:
            parts.append(f"```{{glue:figure}} tab-rep-gpu-{name}\n:name: tab-rep-gpu-{name}\n"
                         f":figclass: table\n\n{caption}\n```")
    parts.append(provenance.data_links(Path(record["file"])).markdown())
    return Markdown("\n\n".join(parts))


class Markdown:
    """MyST text for ``{glue:md}`` (text/markdown, with a plain-text fallback)."""

    def __init__(self, text: str):
        self.text = text

    def _repr_mimebundle_(self, include=None, exclude=None):
        return {"text/markdown": self.text, "text/plain": self.text}


def timings(report: dict | None, f: dict, path: Path = BENCH) -> Markdown:
    """The "How long it takes" paragraphs, from the report's facts ``f``, or a plain "not measured"."""
    if not report:
        return Markdown(
            "Nothing was timed on the machine that built this copy of the book: it has no "
            "`results/bench.json`. `make bench` measures it (about half an hour on two cores), writes "
            "that file and refreshes this page with the timings. The figures recorded on a GPU "
            "follow, in the next section.")
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
            f"({tab.number(f['core-gflops'])} GFLOP/s), a ratio of {fmt.factor(f['core-ratio'], 3)}. The "
            "models are so small that a step's products are tiny (16 to 64 units wide) and its "
            "element-wise passes (activations, their gradients, Adam) cost as much as the products: "
            "the step is bound by memory traffic and per-operation overhead, not by arithmetic, "
            "which is also why stacking members pays.")
    prof = profile_table(report)
    if not prof.empty:
        shares = ", ".join(f"{r.matmul_pct}% for the {r.model}" for r in prof.itertuples())
        parts.append(
            "**Where a step's time goes.** A profile of each model's stacked training "
            f"({{numref}}`tab-rep-profile`) puts the matrix products at {shares} of the time spent in "
            "operators; the rest is element-wise passes (activations and their gradients, Adam's "
            "update), copies and autograd's bookkeeping. Those passes touch every weight or "
            "activation once per step and do almost no arithmetic, so no batching of members removes "
            "them.\n\n"
            "```{glue:figure} tab-rep-profile\n:name: tab-rep-profile\n:figclass: table\n\n"
            "Share of operator time per operator in a stacked training run (`torch.profiler`, "
            "self time; the profiler's overhead inflates the many small operators a little).\n```")
    thr = throughput_table(report)
    if not thr.empty:
        best = thr.loc[thr.members_per_s.idxmax()]
        parts.append(
            f"**Throughput.** With {fmt.int_(thr.members.max())} members (the 24 HSN readings of the "
            "multiverse, seeds times learning rates, on moons), the engine trains "
            f"{tab.number(best.members_per_s)} members per second here "
            f"({count(int(best.stacks), 'stack')} of at most {fmt.int_(best.max_members)} members on "
            f"{count(int(best.n_jobs), 'process', 'processes')}; {{numref}}`tab-rep-throughput`).\n\n"
            "```{glue:figure} tab-rep-throughput\n:name: tab-rep-throughput\n:figclass: table\n\n"
            "Members trained per second at 1,000+ members, by stack size limit.\n```")
    if report.get("book"):
        parts.append(
            f"**Rebuilding the book** ({f['book-profile']} profile, the virtual environment already "
            "set up) is timed in {numref}`tab-rep-book`: from scratch with an empty cache, with "
            "nothing changed, after editing one markdown cell, and after editing a plotting module "
            "in `src/` (trained results then come from the cache).\n\n"
            "```{glue:figure} tab-rep-book\n:name: tab-rep-book\n:figclass: table\n\n"
            "Rebuild times of the book and how many sections each rebuild executed.\n```")
        cold = report["book"].get("cold") or {}
        plan = plan_table(report)
        if "plan_s" in cold and not plan.empty:
            prof = cold["plan_profile"]
            top = prof["top_jobs"][0]
            parts.append(
                f"Of the cold build, training every section's sweeps up front took "
                f"{tab.number(cold['plan_s'])} s: {fmt.int_(prof['jobs'])} jobs, {fmt.int_(prof['members'])} trained "
                f"models and {tab.number(prof['job_seconds'])} job-seconds spread over the cores "
                f"({{numref}}`tab-rep-plan`). The costliest job, {top['model']} on {top['task']}, "
                f"took {tab.number(top['seconds'])} s alone. The sections then only read the cache.\n\n"
                "```{glue:figure} tab-rep-plan\n:name: tab-rep-plan\n:figclass: table\n\n"
                "Training time of the cold build's plan by model family (job-seconds, "
                "summed over the jobs; the cores share them).\n```")
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
