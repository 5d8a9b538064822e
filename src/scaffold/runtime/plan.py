"""One plan for the whole book: every section's sweeps, trained before any section runs.

Each chapter module (``scaffold.chapters.*``) may define ``grids(cfg) ->
dict[str, Grid]``: the sweeps its section will read.  :func:`collect_grids`
gathers them; :func:`run_plan` takes their union, drops duplicate jobs (two
sections asking for the same definition: task, model, seeds, schedule, whatever
they call the model) and the ones already
cached, stacks the rest (see :func:`scaffold.sweep.make_stacks`) and trains the
stacks longest first over all cores, filling the cache.  Sections then only read
the cache, so a section without training starts at once and no core idles while
work remains.

``python -m scaffold.runtime.plan -p device auto -p profile full ...`` (``make sweeps``,
the first step of ``make book``) takes the sections' own parameters.

Where the jobs run follows the sections' conventions: ``SCAFFOLD_DASK`` names a
Dask scheduler to send them to; otherwise ``SCAFFOLD_JOBS`` local processes
(default on CPU: every core, since the plan runs alone, before the sections;
see :data:`WORKERS` for a GPU).
"""

from __future__ import annotations

import argparse
import importlib
import os
import pkgutil
import sys
import time

from ..sweep import Grid, Job, merge_jobs, run_jobs
from .setup import setup

CHAPTERS = "scaffold.chapters"


def collect_grids(cfg, package: str = CHAPTERS) -> dict[str, Grid]:
    """``{"<module>.<name>": Grid}`` from every chapter module that defines ``grids(cfg)``.

    A missing chapters package gives no grids (the sections then train what they
    need themselves, as before).
    """
    try:
        pkg = importlib.import_module(package)
    except ModuleNotFoundError as e:
        if e.name != package:
            raise  # the package exists but something it imports does not: say so
        return {}
    out = {}
    for info in sorted(pkgutil.iter_modules(pkg.__path__), key=lambda i: i.name):
        module = importlib.import_module(f"{package}.{info.name}")
        grids = getattr(module, "grids", None)
        if callable(grids):
            for name, grid in grids(cfg).items():
                out[f"{info.name}.{name}"] = grid
    return out


def plan_jobs(grids, device="cpu") -> list[Job]:
    """The union of the grids' jobs, one per definition (:func:`scaffold.sweep.merge_jobs`:
    whatever a model is called, and traced if any grid asks for its trace)."""
    return list(merge_jobs(Job(grid, task, spec, str(device))
                           for grid in grids for task, spec in grid.jobs()).values())


#: Training processes per device type when ``SCAFFOLD_JOBS`` is unset.  On CPU one
#: per core (each stack trains on one thread).  A GPU's stacks are few and large,
#: and its steps launch-bound: two processes let one's Python overhead overlap the
#: other's kernels, more only contend for the one device.  MPS: one.
WORKERS = {"cuda": 2, "mps": 1}


def _workers(device="cpu") -> tuple[int, str | None]:
    if os.environ.get("SCAFFOLD_DASK"):
        return -1, "dask"
    default = WORKERS.get(str(device).split(":")[0], os.cpu_count() or 1)
    return int(os.environ.get("SCAFFOLD_JOBS", default)), None


def run_plan(grids, device="cpu", n_jobs: int | None = None, backend: str | None = None,
             progress: bool | None = None) -> dict:
    """Train every job of ``grids`` that is not cached; returns a short summary."""
    jobs = plan_jobs(grids, device)
    if n_jobs is None:
        n_jobs, backend = _workers(device)
    t0 = time.perf_counter()
    if backend == "dask":
        from distributed import Client

        with Client(os.environ["SCAFFOLD_DASK"]):
            run_jobs(jobs, n_jobs=n_jobs, backend="dask", progress=progress, desc="plan")
    else:
        run_jobs(jobs, n_jobs=n_jobs, backend=backend, progress=progress, desc="plan")
    return dict(grids=len(grids), jobs=len(jobs), members=sum(j.n_members for j in jobs),
                seconds=time.perf_counter() - t0)


def _params(argv) -> dict:
    """Papermill-style ``-p name value`` pairs, as the Makefile passes them to sections."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("-p", nargs=2, action="append", default=[], metavar=("NAME", "VALUE"))
    return dict(ap.parse_args(argv).p)


def main(argv=None) -> dict:
    p = _params(sys.argv[1:] if argv is None else argv)
    try:
        cfg = setup(device=p.get("device", "auto"), profile=p.get("profile", "full"),
                    n_seeds=p.get("n_seeds", 0), epochs_scale=p.get("epochs_scale", 0.0))
    except (ValueError, RuntimeError) as exc:  # a bad parameter or an absent device: say which
        print(f"error: {exc}", file=sys.stderr)
        raise SystemExit(2) from None
    grids = collect_grids(cfg)
    summary = run_plan(list(grids.values()), device=cfg.device)
    print(f"[plan] {summary['grids']} grids, {summary['jobs']} distinct jobs "
          f"({summary['members']} members) ready in {summary['seconds']:.1f} s", flush=True)
    return summary


if __name__ == "__main__":
    main()
