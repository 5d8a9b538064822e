"""The core sweep's (or the book's plan's) time, this working tree against earlier commits,
in one interleaved run.

``make bench`` judges absolute times, and on a shared machine those drift between
runs (two ``make bench`` runs of one commit took 399 s and 462 s for the cold book
here, and the matrix-product rate of the floor moved by 13%).  Whether the code
got faster is better asked of one machine at one time: this tool times the core
sweep of ``make bench`` (the note's four tasks x dense, HSN and CEN x 10 seeds x 2
learning rates, with learning curves, on warm worker processes, on the CPU) once per code
base, round after round, so that drift touches every code base alike, and reports
each one's median and its ratio to this tree's.

    python tools/pairbench.py REV [REV ...] [--rounds 3] [--epochs-scale 1.0] [--plan] [--out FILE]

``--plan`` times the book's whole plan instead (``python -m scaffold.runtime.plan``,
what ``make sweeps`` runs before the sections: every job of every chapter, from
an empty cache made for each run and removed after it).

Each REV is checked out in a temporary ``git clone`` of this repository and run
by this interpreter with its own ``src`` first on the path; this tree runs as it
stands, uncommitted changes included.  A REV must have ``scaffold.sweep.Grid``
and ``run_sweep`` (the library since 2026-11-28), or for ``--plan``
``scaffold.runtime.plan``.  Nothing is cached: your own cache is not read or touched.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # its neighbours
from bench import _write, header  # noqa: E402
from bookbench import clean_env, fresh_clone  # noqa: E402

from scaffold import ROOT  # noqa: E402
from scaffold.runtime.provenance import git_state  # noqa: E402

HERE = "working tree"

#: Run in a child process with a code base's ``src`` first on the path; prints the seconds.
#: Written against the API every measured commit shares (Grid, run_sweep, the note's specs).
TIMER = r"""
import json, sys, time
from dataclasses import replace
from scaffold.models import CEN_NOTE, DENSE, HSN_NOTE
from scaffold.sweep import Grid, run_sweep
kw = dict(tasks=("swiss_roll", "circles", "moons", "sine"), specs=(DENSE, HSN_NOTE, CEN_NOTE),
          seeds=tuple(range(10)), epochs_scale=float(sys.argv[1]))
if "val_curve" in Grid.__dataclass_fields__:  # an option since learning curves became one;
    kw["val_curve"] = True                      # before, every sweep computed them
grid, n_jobs = Grid(**kw), int(sys.argv[2])
# Workers started and warm first, as make bench's core sweep has them.
run_sweep(replace(grid, epochs_scale=0.01, seeds=grid.seeds[:n_jobs]), n_jobs=n_jobs, cache=False, progress=False)
t0 = time.perf_counter()
run_sweep(grid, n_jobs=n_jobs, cache=False, progress=False)
print(json.dumps({"seconds": time.perf_counter() - t0}))
"""


def _child(tree: Path, what: str, args: list[str], **env) -> subprocess.CompletedProcess:
    """``python ARGS`` with ``tree``'s library first on the path; a failure names ``what`` failed."""
    done = subprocess.run([sys.executable, *args], cwd=tree, env=clean_env(PYTHONPATH=str(tree / "src"), **env),
                          capture_output=True, text=True)
    if done.returncode:
        raise RuntimeError(f"the {what} failed with {tree}'s library:\n{done.stderr[-2000:]}")
    return done


def time_once(tree: Path, epochs_scale: float, n_jobs: int) -> float:
    """One core sweep with ``tree``'s library, in a fresh interpreter."""
    done = _child(tree, "core sweep", ["-c", TIMER, str(epochs_scale), str(n_jobs)])
    return float(json.loads(done.stdout.strip().splitlines()[-1])["seconds"])


def time_plan(tree: Path, epochs_scale: float, n_jobs: int, profile: str = "full",
              n_seeds: int = 0) -> float:
    """The book's plan with ``tree``'s library from an empty cache (removed after), wall seconds."""
    with tempfile.TemporaryDirectory(prefix="pairbench-cache-") as cache:
        t0 = time.perf_counter()
        _child(tree, "plan", ["-m", "scaffold.runtime.plan", "-p", "device", "cpu", "-p", "profile", profile,
                              "-p", "epochs_scale", str(epochs_scale), "-p", "n_seeds", str(n_seeds)],
               SCAFFOLD_CACHE=cache, SCAFFOLD_JOBS=str(n_jobs))
        return time.perf_counter() - t0


def summarize(times: dict[str, list[float]], reference: str = HERE) -> list[dict]:
    """Per code base: its runs, median, min and max, and ``vs_reference``: its median over
    the reference's (above 1: slower than the reference)."""
    ref = statistics.median(times[reference])
    return [dict(code=code, runs=runs, median_s=statistics.median(runs), min_s=min(runs), max_s=max(runs),
                 vs_reference=statistics.median(runs) / ref) for code, runs in times.items()]


def main(argv=None) -> list[dict]:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("revs", nargs="+", help="commits to compare with this working tree")
    ap.add_argument("--rounds", type=int, default=3, help="times each code base is timed (interleaved)")
    ap.add_argument("--epochs-scale", type=float, default=1.0)
    ap.add_argument("--jobs", type=int, default=2, help="worker processes, as make bench's core sweep on 2 cores")
    ap.add_argument("--plan", action="store_true",
                    help="time the book's plan (every chapter's jobs, empty cache) instead of the core sweep")
    ap.add_argument("--out", type=Path, help="also write the summary here as JSON")
    args = ap.parse_args(argv)
    if args.rounds < 1:
        ap.error(f"--rounds must be at least 1, got {args.rounds}")
    for rev in args.revs:  # all checked before anything is cloned or timed
        known = subprocess.run(["git", "rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}"], cwd=ROOT,
                               capture_output=True)
        if known.returncode:
            ap.error(f"no commit {rev!r} in this repository")
    with tempfile.TemporaryDirectory(prefix="pairbench-") as tmp:
        trees = {HERE: ROOT}
        for rev in args.revs:
            folder, commit = fresh_clone(Path(tmp), rev, name=rev.replace("/", "_"))
            trees[commit] = folder
        times = {code: [] for code in trees}
        timer = time_plan if args.plan else time_once
        for r in range(args.rounds):
            for code, tree in trees.items():
                times[code].append(timer(tree, args.epochs_scale, args.jobs))
                print(f"[pairbench] round {r + 1}/{args.rounds}: {code}: {times[code][-1]:.2f} s", flush=True)
    summary = summarize(times)
    for row in summary:
        print(f"  {row['code']:>13}: median {row['median_s']:.2f} s (min {row['min_s']:.2f}, max {row['max_s']:.2f}); "
              f"{row['vs_reference']:.2f}x the working tree's time", flush=True)
    if args.out:
        commit, dirty = git_state()
        _write(dict(header("cpu", args.epochs_scale), working_tree=commit[:7] + (" with changes" if dirty else ""),
                    timed="plan" if args.plan else "core sweep", rounds=args.rounds, jobs=args.jobs,
                    results=summary), args.out)
    return summary


if __name__ == "__main__":
    main()
