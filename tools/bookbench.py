"""Wall time of ``make book`` in a fresh clone: set-up, from an empty cache, unchanged, after edits.

Used by ``make bench`` (``python tools/bench.py --book``).  The builds run in a
fresh ``git clone`` of this repository's committed HEAD, in a temporary folder,
as a reader would start: the clone has no ``.venv``, no MathJax, no results and
an empty sweep cache (``SCAFFOLD_CACHE`` set to a temporary folder), and none of
the caller's ``PYTHONPATH`` or ``SCAFFOLD_*`` settings.  The reader's own book,
results and cache are left alone; uncommitted changes are not measured (the
report names the commit).

1. *set-up*: ``make venv assets`` (``tools/venv.sh``: uv, or pip as a fallback;
   the installer's download cache is the machine's, as on a laptop that has
   installed these packages before);
2. *cold*: ``make book``, every section executed in the full profile, nothing
   cached, with the environment present; set-up + cold is the fresh clone's time;
3. *no-op*: ``make book`` again with nothing changed;
4. *narrative*: one markdown cell of one section edited: nothing may execute;
   the page is refreshed and the site rebuilt;
5. *library*: a comment added to a library module that training does not use
   (``stats.py``): every section executes again, and the trained results come
   from the cache, because the cache key hashes only the training modules.
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

EDIT_SECTION = "02-benchmarks"
EDIT_MODULE = "src/scaffold/stats.py"  # not a training module: the cache stays valid


def _make(args, env, cwd=ROOT) -> dict:
    t0 = time.perf_counter()
    p = subprocess.run(["make", "--no-print-directory", *args], cwd=cwd, env=env,
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
    pytest_s = re.findall(r"^=*\s*\d+ passed.* in ([\d.]+)s", p.stdout, re.M)
    if pytest_s:  # make test: the unit tests' run, then the browser check's
        out["pytest_s"] = [float(v) for v in pytest_s]
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


def clean_env(**extra) -> dict:
    """The caller's environment without what would point a clone at this checkout
    (``PYTHONPATH``, ``SCAFFOLD_*``, an active virtual environment, the bytecode cache that
    the Makefile sets: the clone starts with its own, empty), plus ``extra``."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONPYCACHEPREFIX") and not k.startswith("SCAFFOLD_")}
    if os.environ.get("VIRTUAL_ENV"):
        bin_dir = str(Path(os.environ["VIRTUAL_ENV"]) / "bin")
        env["PATH"] = os.pathsep.join(p for p in env.get("PATH", "").split(os.pathsep) if p != bin_dir)
    return {**env, **extra}


def fresh_clone(where: Path, rev: str = "HEAD", name: str = "clone") -> tuple[Path, str]:
    """A ``git clone`` of this repository in ``where / name``, at its HEAD or at ``rev``;
    returns its folder and commit."""
    clone = where / name
    subprocess.run(["git", "clone", "--quiet", "--no-hardlinks", str(ROOT), str(clone)], check=True)
    if rev != "HEAD":
        subprocess.run(["git", "checkout", "--quiet", "--detach", rev], cwd=clone, check=True)
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=clone, check=True,
                            capture_output=True, text=True).stdout.strip()
    return clone, commit


def time_book(profile: str = "full", builds=BUILDS, device: str = "auto") -> dict:
    """Run the builds described in the module docstring (all four, or the first
    ``builds`` of them in that order: each needs the ones before) in a fresh clone;
    return their times, the set-up's and the clone's commit."""
    builds = tuple(builds)
    if builds != BUILDS[:len(builds)] or not builds:
        raise ValueError(f"builds must be a leading part of {BUILDS}, got {builds}")
    dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT,
                           capture_output=True, text=True).stdout.strip()
    if dirty:
        print("  note: uncommitted changes are not in the clone; the commit is measured", flush=True)
    out = {}
    with tempfile.TemporaryDirectory(prefix="scaffold-bench-") as tmp:
        clone, out["commit"] = fresh_clone(Path(tmp))
        (Path(tmp) / "cache").mkdir()
        env = clean_env(SCAFFOLD_CACHE=str(Path(tmp) / "cache"))
        args = ["book", f"PROFILE={profile}", f"DEVICE={device}"]
        print(f"  fresh clone of {out['commit']}: set-up (make venv assets) ...", flush=True)
        out["setup"] = _make(["venv", "assets"], env, clone)
        print("  cold build (empty cache) ...", flush=True)
        out["cold"] = _make(args, env, clone)
        out["cold"]["plan_profile"] = plan_profile(Path(tmp) / "cache")
        out["fresh_clone"] = dict(seconds=round(out["setup"]["seconds"] + out["cold"]["seconds"], 2))
        if "noop" in builds:
            out["noop"] = _make(args, env, clone)
        if "narrative" in builds:
            _edit_markdown(clone / "book" / f"{EDIT_SECTION}.py")
            out["narrative"] = _make(args, env, clone)
        if "library" in builds:
            module = clone / EDIT_MODULE
            module.write_text(module.read_text() + "\n# (a comment added by the library-edit benchmark)\n")
            out["library"] = _make(args, env, clone)
    for k in ("setup", "fresh_clone", *BUILDS):
        if k in out:
            v = out[k]
            sections = f", {v['executed']} section(s) executed" if "executed" in v else ""
            print(f"  {k:11s} {v['seconds']:7.1f} s{sections}", flush=True)
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
    parts = dict(zip(("unit_tests_s", "browser_s"), out.get("pytest_s", [])))
    quick = {k: out[k] for k in ("plan_s", "section_s") if k in out}
    print(f"  make test {out['seconds']:7.1f} s ({', '.join(f'{k} {v:.1f}' for k, v in parts.items())})",
          flush=True)
    return {"seconds": out["seconds"], **parts, **quick}
