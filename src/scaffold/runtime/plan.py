"""One plan for the whole book: every section's sweeps, trained before any section runs.

Each chapter module (``scaffold.chapters.*``) may define ``grids(cfg) ->
dict[str, Grid]``: the sweeps its section will read.  :func:`collect_grids`
gathers them; :func:`run_plan` takes their union, drops duplicate jobs (two
sections asking for the same definition: task, model, seeds, schedule, whatever
they call the model) and the ones already cached, stacks the rest (see
:func:`scaffold.sweep.make_stacks`) and trains the stacks longest first over all
cores, filling the cache.  Sections then only read the cache, so a section
without training starts at once and no core idles while work remains.

The plan runs to a *fixpoint* (:func:`plan_rounds`): once a round has trained,
every chapter's ``grids(cfg)`` is asked again, and the jobs it now declares that
no round has planned are trained in a further round, up to :data:`MAX_ROUNDS`.
A chapter may so declare a second phase that depends on the first one's results
in the cache (:func:`scaffold.sweep.cached_sweep` reads them without training),
e.g. controls only for the readings whose model trains at all.

``python -m scaffold.runtime.plan -p device auto -p profile full ...`` (``make sweeps``,
the first step of ``make book``) takes the sections' own parameters.  The terminal
shows one progress line (:class:`ProgressLine`).

Where the jobs run follows the sections' conventions: ``SCAFFOLD_DASK`` names a
Dask scheduler to send them to; otherwise ``SCAFFOLD_JOBS`` local processes
(default on CPU: every core, since the plan runs alone, before the sections;
see :data:`WORKERS` for a GPU), kept up for the whole plan.
"""

from __future__ import annotations

import argparse
import importlib
import os
import pkgutil
import sys
import time
import warnings
from contextlib import contextmanager, nullcontext

import joblib

from .. import sweep
from ..sweep import CacheWarning, Grid, Job, merge_jobs, run_jobs, stack_cost
from .setup import setup

CHAPTERS = "scaffold.chapters"
#: Training rounds at most (see the module docstring): the multiverse's three phases,
#: each depending on the one before, and one more for good measure.
MAX_ROUNDS = 4
#: Seconds a local worker process waits idle for the next stack before it stops
#: (loky's default is 300): long enough that no worker stops between two rounds.
IDLE_WORKER_TIMEOUT = 3600


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


def _duration(seconds: float) -> str:
    s = int(round(seconds))
    if s < 60:
        return f"{s} s"
    if s < 3600:
        return f"{s // 60} min {s % 60:02d} s"
    return f"{s // 3600} h {s % 3600 // 60:02d} min"


class ProgressLine:
    """One line in the terminal for the plan's training: jobs done of all, members
    per second, and the time left.

    On a terminal the line is rewritten in place at every finished stack; elsewhere
    (a log, CI) a line is printed at every tenth of the jobs.  The time left is
    the elapsed time scaled by the estimated cost (:func:`scaffold.sweep.stack_cost`)
    of the stacks still to train over that of those done.  :meth:`note` prints a
    message on a line of its own above it.
    """

    def __init__(self, stream=None, tty: bool | None = None, label: str = "plan"):
        self.stream = stream or sys.stderr
        self.tty = self.stream.isatty() if tty is None else tty
        self.label, self.shown = label, False
        self.start([])

    def start(self, stacks) -> None:
        self.costs = {id(st): stack_cost(st) for st in stacks}
        self.total_jobs = sum(len(st) for st in stacks)
        self.total_cost = sum(self.costs.values())
        self.jobs = self.members = 0
        self.cost = 0.0
        self.t0 = time.perf_counter()
        self.next_tenth = 1
        if stacks and not self.tty:
            self._write(self.line())

    def finished(self, stack) -> None:
        self.jobs += len(stack)
        self.members += sum(j.n_members for j in stack)
        self.cost += self.costs.get(id(stack), 0.0)
        if self.tty:
            self._write(self.line())
        elif self.jobs * 10 >= self.next_tenth * self.total_jobs:
            self.next_tenth = self.jobs * 10 // self.total_jobs + 1
            self._write(self.line())

    def line(self) -> str:
        elapsed = time.perf_counter() - self.t0
        text = f"{self.label}: {self.jobs:,} of {self.total_jobs:,} jobs trained"
        if self.jobs:
            rate = self.members / max(elapsed, 1e-9)
            text += f", {rate:,.{1 if rate < 10 else 0}f} members/s"
            if self.jobs < self.total_jobs:
                left = elapsed * (self.total_cost - self.cost) / max(self.cost, 1e-12)
                text += ", under a second left" if left < 0.5 else f", about {_duration(left)} left"
            else:
                text += f" in {_duration(elapsed)}"
        return text

    def note(self, text: str) -> None:
        if self.tty and self.shown:
            self.stream.write("\r\x1b[K")
        self.stream.write(text + "\n")
        if self.tty and self.shown:
            self.stream.write(self.line())
        self.stream.flush()

    def _write(self, text: str) -> None:
        self.stream.write(f"\r\x1b[K{text}" if self.tty else text + "\n")
        self.stream.flush()
        self.shown = True

    def close(self) -> None:
        if self.tty and self.shown:
            self.stream.write("\n")
            self.stream.flush()
        self.shown = False


#: Where the plan puts other libraries' warnings (in the sweep cache's folder), which it
#: keeps out of the terminal.
WARNINGS_LOG = "plan-warnings.log"


@contextmanager
def _quiet(progress: ProgressLine, log_path=None):
    """Our cache reports as plain lines above the progress line; other libraries'
    warnings into ``log_path`` (:data:`WARNINGS_LOG`; counted at the end), not the terminal."""
    log_path = log_path or sweep.CACHE / WARNINGS_LOG
    others = []

    def show(message, category, filename, lineno, file=None, line=None):
        if issubclass(category, CacheWarning):
            progress.note(f"warning: {message}")
        else:
            others.append(warnings.formatwarning(message, category, filename, lineno, line))

    with warnings.catch_warnings():
        warnings.simplefilter("default")
        warnings.showwarning = show
        try:
            yield
        finally:
            if others:
                log_path.parent.mkdir(parents=True, exist_ok=True)
                with open(log_path, "a") as fh:
                    fh.writelines(others)
                progress.note(f"{progress.label}: {len(others)} warning(s) from libraries, in {log_path}")


def run_plan(grids, device="cpu", **options) -> dict:
    """Train every job of ``grids`` that is not cached (:func:`train`); returns a short summary."""
    return dict(train(plan_jobs(grids, device), device, **options), grids=len(grids))


def train(jobs, device="cpu", n_jobs: int | None = None, backend: str | None = None,
          progress: bool | None = None, report: ProgressLine | None = None) -> dict:
    """Load or train ``jobs`` (cached ones are read), where :func:`_workers` says.

    ``report`` follows the training (default: a :class:`ProgressLine` when
    ``progress`` is true; ``None``: on a terminal only).
    """
    if n_jobs is None:
        n_jobs, backend = _workers(device)
    if report is None and (sys.stderr.isatty() if progress is None else progress):
        report = ProgressLine()
    t0 = time.perf_counter()
    if backend == "dask":
        from distributed import Client

        where = Client(os.environ["SCAFFOLD_DASK"])
    elif backend is None and n_jobs != 1:
        # Local processes (loky) that stay up for the whole plan: see IDLE_WORKER_TIMEOUT
        # and scaffold.sweep.release_freed_memory.
        where = joblib.parallel_config(backend="loky", idle_worker_timeout=IDLE_WORKER_TIMEOUT)
    else:
        where = nullcontext()
    with where, _quiet(report) if report else nullcontext():
        run_jobs(jobs, n_jobs=n_jobs, backend=backend, progress=False, report=report)
    return dict(jobs=len(jobs), members=sum(j.n_members for j in jobs),
                seconds=time.perf_counter() - t0)


def plan_rounds(cfg, collect=collect_grids, rounds: int = MAX_ROUNDS, **options) -> list[dict]:
    """Train every chapter's grids, then ask them again, to a fixpoint; a summary per round.

    A round trains the jobs that no earlier round planned (a new definition, or a
    longer trace of one); the plan stops when a round finds none, or after
    ``rounds`` rounds (then ``left`` in the last summary counts the jobs the
    chapters still declare, which their sections will train themselves).
    """
    planned: dict[str, int] = {}  # key -> the longest trace planned for it
    out = []
    while True:
        grids = collect(cfg)
        new = [j for j in plan_jobs(grids.values(), cfg.device)
               if j.key not in planned or j.trace_T > planned[j.key]]
        if not new:
            return out
        if len(out) == rounds:
            out[-1]["left"] = len(new)
            return out
        n = len(out) + 1
        show = options.get("progress")
        report = options.get("report") or (ProgressLine(label="plan" if n == 1 else f"plan, round {n}")
                                           if show or (show is None and sys.stderr.isatty()) else None)
        out.append(dict(train(new, cfg.device, **{**options, "report": report}), grids=len(grids), round=n))
        planned.update({j.key: max(j.trace_T, planned.get(j.key, 0)) for j in new})


def _params(argv) -> dict:
    """Papermill-style ``-p name value`` pairs, as the Makefile passes them to sections."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("-p", nargs=2, action="append", default=[], metavar=("NAME", "VALUE"))
    return dict(ap.parse_args(argv).p)


def main(argv=None) -> list[dict]:
    p = _params(sys.argv[1:] if argv is None else argv)
    try:
        cfg = setup(device=p.get("device", "auto"), profile=p.get("profile", "full"),
                    n_seeds=p.get("n_seeds", 0), epochs_scale=p.get("epochs_scale", 0.0))
    except (ValueError, RuntimeError) as exc:  # a bad parameter or an absent device: say which
        print(f"error: {exc}", file=sys.stderr)
        raise SystemExit(2) from None
    t0 = time.perf_counter()
    rounds = plan_rounds(cfg, progress=True)
    for r in rounds:
        print(f"[plan] round {r['round']}: {r['grids']} grids, {r['jobs']:,} new distinct jobs "
              f"({r['members']:,} members), cached or trained in {r['seconds']:.1f} s", flush=True)
        if r.get("left"):
            print(f"[plan] after {MAX_ROUNDS} rounds the chapters still declare {r['left']} new "
                  "job(s): their sections will train them", flush=True)
    # The last line, read by tools/bookbench.py: the whole plan's time.
    print(f"[plan] {sum(r['jobs'] for r in rounds):,} distinct jobs "
          f"({sum(r['members'] for r in rounds):,} members) in {len(rounds)} round(s) "
          f"ready in {time.perf_counter() - t0:.1f} s", flush=True)
    return rounds


if __name__ == "__main__":
    main()
