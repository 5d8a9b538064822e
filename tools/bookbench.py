"""Wall time of ``make book``: from an empty cache, unchanged, after a narrative edit.

Used by ``make bench`` (``python tools/bench.py --book``).  Everything runs in a
scratch tree, ``_build/bench/`` (the Makefile's ``TREE`` mechanism: its own
executed notebooks, results and site) with an empty sweep cache
(``SCAFFOLD_CACHE`` set to a temporary folder), so the reader's own book, results
and cache are left alone.  The virtual environment is reused: its creation is a
one-off set-up step, not part of rebuilding the book.

The four builds:

1. *cold*: every section executed from scratch in the full profile, nothing cached;
2. *no-op*: ``make book`` again with nothing changed;
3. *narrative*: one markdown cell of one section edited (in the scratch copy):
   nothing may execute; the page is refreshed and the site rebuilt;
4. *library*: a comment added to a library module that training does not use
   (``stats.py``, restored afterwards): every section executes again, and the
   trained results come from the cache, because the cache key hashes only the
   training modules.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from scaffold import ROOT

SCRATCH = "_build/bench"
EDIT_SECTION = "02-benchmarks"
EDIT_MODULE = "src/scaffold/stats.py"  # not a training module: the cache stays valid


def _make(args, env) -> dict:
    t0 = time.perf_counter()
    p = subprocess.run(["make", "--no-print-directory", *args], cwd=ROOT, env=env,
                       capture_output=True, text=True)
    seconds = time.perf_counter() - t0
    if p.returncode != 0:
        raise RuntimeError(f"make {' '.join(args)} failed ({p.returncode}):\n{p.stdout[-3000:]}\n"
                           f"{p.stderr[-3000:]}")
    executed = dict(re.findall(r"^(\S+): executed in ([\d.]+) s", p.stdout, re.M))
    out = dict(seconds=round(seconds, 2), executed=len(executed), sections=sorted(executed),
               section_s={k: float(v) for k, v in sorted(executed.items())})
    plan = re.search(r"^\[plan\] .*ready in ([\d.]+) s", p.stdout, re.M)
    if plan:  # the up-front training of every section's sweeps (make sweeps)
        out["plan_s"] = float(plan.group(1))
    return out


def plan_profile(cache_dir, top: int = 8) -> dict:
    """Where a cold plan's training time went, read back from the sweep cache it filled.

    Each cached job records its share of its stack's wall time (``seconds``), so
    the sum over jobs is the plan's job-seconds: spread over the cores, they are
    the plan's wall time.  Returns the job-seconds by model family and the
    ``top`` most expensive jobs.
    """
    import pandas as pd

    rows = []
    for path in Path(cache_dir).rglob("*.members.csv"):
        m = pd.read_csv(path, usecols=["task", "model", "family", "seconds"])
        rows.append(dict(task=m.task.iloc[0], model=m.model.iloc[0], family=m.family.iloc[0],
                         members=len(m), seconds=float(m.seconds.iloc[0])))
    if not rows:
        return {}
    jobs = pd.DataFrame(rows)
    fam = jobs.groupby("family").agg(jobs=("seconds", "size"), members=("members", "sum"),
                                     seconds=("seconds", "sum")).sort_values("seconds", ascending=False)
    return dict(job_seconds=round(float(jobs.seconds.sum()), 1), jobs=len(jobs),
                members=int(jobs.members.sum()),
                by_family=[dict(family=k, **{c: (round(float(v), 1) if c == "seconds" else int(v))
                                            for c, v in r.items()}) for k, r in fam.iterrows()],
                top_jobs=jobs.nlargest(top, "seconds").round(1).to_dict("records"))


def _edit_markdown(path) -> None:
    """Append a sentence to the first markdown cell of a py:percent file."""
    text = path.read_text()
    lines = text.split("\n")
    i = lines.index("# %% [markdown]")
    j = i + 1
    while j < len(lines) and lines[j].startswith("#") and not lines[j].startswith("# %%"):
        j += 1
    lines.insert(j, "#\n# (A sentence added by the narrative-edit benchmark.)")
    path.write_text("\n".join(lines))


BUILDS = ("cold", "noop", "narrative", "library")


def time_book(profile: str = "full", builds=BUILDS, device: str = "auto") -> dict:
    """Run the builds described in the module docstring (all four, or the first
    ``builds`` of them in that order: each needs the ones before); return their times."""
    builds = tuple(builds)
    if builds != BUILDS[:len(builds)] or not builds:
        raise ValueError(f"builds must be a leading part of {BUILDS}, got {builds}")
    tree = ROOT / SCRATCH
    shutil.rmtree(tree, ignore_errors=True)
    out = {}
    module = ROOT / EDIT_MODULE
    original = module.read_text()
    try:
        with tempfile.TemporaryDirectory(prefix="scaffold-cache-") as cache:
            env = {**os.environ, "SCAFFOLD_CACHE": cache}
            args = ["book", f"TREE={SCRATCH}", f"PROFILE={profile}", f"DEVICE={device}"]
            print("  cold build (empty cache) ...", flush=True)
            out["cold"] = _make(args, env)
            out["cold"]["plan_profile"] = plan_profile(cache)
            if "noop" in builds:
                out["noop"] = _make(args, env)
            if "narrative" in builds:
                _edit_markdown(tree / "book" / f"{EDIT_SECTION}.py")
                out["narrative"] = _make(args, env)
            if "library" in builds:
                module.write_text(original + "\n# (a comment added by the library-edit benchmark)\n")
                out["library"] = _make(args, env)
    finally:
        module.write_text(original)
        shutil.rmtree(tree, ignore_errors=True)
    for k, v in out.items():
        print(f"  {k:9s} {v['seconds']:7.1f} s, {v['executed']} section(s) executed", flush=True)
    out["profile"] = profile
    return out


def time_test() -> dict:
    """Wall time of ``make test`` as CI runs it (``CI=true``), with an empty sweep cache.

    ``make test`` uses its own tree (``_build/quick``); the reader's book and
    cache are left alone, but the quick tree is rebuilt from scratch.
    """
    shutil.rmtree(ROOT / "_build" / "quick", ignore_errors=True)
    with tempfile.TemporaryDirectory(prefix="scaffold-cache-") as cache:
        env = {**os.environ, "SCAFFOLD_CACHE": cache, "CI": "true"}
        print("  make test (empty cache) ...", flush=True)
        out = _make(["test"], env)
    print(f"  make test {out['seconds']:7.1f} s", flush=True)
    return {"seconds": out["seconds"]}
