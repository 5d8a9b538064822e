"""Fit the plan's stack-cost model (``scaffold.params.stack_cost``) to measured stack times.

Reads the sweep cache of a built book: every cached job stores its share of its
stack's training time (``seconds``, shared out by member count), so the jobs of
one stack are those of one stack key with equal seconds per member, and their
sum is the stack's time.  Fits, by non-negative least squares on the relative
error, a fixed cost per step and a cost per activation for each family and one
cost per multiply-accumulate; prints the constants, how well they and the ones
in use predict each stack, and how the plan's estimate of the time left would
compare with the truth if the stacks ran again (longest first, ``--workers``).

    .venv/bin/python tools/fit_stack_cost.py [--profile full] [--workers 2]

It changes nothing: copy the constants into ``scaffold/params.py`` by hand.
"""

from __future__ import annotations

import argparse
import heapq
from collections import defaultdict

import numpy as np
from scipy.optimize import nnls

from scaffold import params, sweep
from scaffold.runtime.plan import collect_grids, plan_jobs
from scaffold.runtime.setup import setup

FAMILIES = ("dense", "hsn", "cen")


def measured_stacks(profile: str) -> list[tuple[list, float]]:
    """(jobs, seconds) of every stack of the plan, from the cache."""
    cfg = setup(device="cpu", profile=profile, n_seeds=0, epochs_scale=0.0)
    groups = defaultdict(list)
    for job in plan_jobs(collect_grids(cfg).values(), "cpu"):
        hit = sweep.load_entry(sweep.CACHE / "sweeps", job)
        if hit is None or "seconds" not in hit[0]:
            raise SystemExit(f"{job.spec.label} on {job.task} is not cached: build the book first (make book)")
        per_member = float(hit[0].seconds.iloc[0]) / job.n_members
        groups[(job.stack_key(), round(per_member, 9))].append((job, per_member))
    return [([j for j, _ in g], sum(p * j.n_members for j, p in g)) for g in groups.values()]


def eta_ratios(cost: np.ndarray, seconds: np.ndarray, workers: int) -> dict:
    """Estimated / true time left at fractions of the stacks finished, when the stacks
    run longest-estimated first on ``workers`` and the estimate is the plan's (elapsed
    time scaled by the cost left over the cost done)."""
    free = [(0.0, w) for w in range(workers)]
    ends = []
    for i in np.argsort(-cost, kind="stable"):
        t, w = heapq.heappop(free)
        heapq.heappush(free, (t + seconds[i], w))
        ends.append((t + seconds[i], i))
    ends.sort()
    makespan, done, out = ends[-1][0], 0.0, []
    for k, (t, i) in enumerate(ends[:-1]):
        done += cost[i]
        out.append((k / len(ends), t * (cost.sum() - done) / done / (makespan - t)))
    out = np.array(out)
    return {q: float(np.interp(q, out[:, 0], out[:, 1])) for q in (0.1, 0.25, 0.5, 0.75, 0.9)}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--profile", default="full")
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args(argv)
    stacks = measured_stacks(args.profile)
    y = np.array([s for _, s in stacks])
    feats = [params.stack_features(st) for st, _ in stacks]
    fam = np.array([f for f, *_ in feats])
    steps, units, macs = (np.array([f[i] for f in feats], dtype=float) for i in (1, 2, 3))
    X = np.column_stack([steps * (fam == f) for f in FAMILIES] + [steps * units * (fam == f) for f in FAMILIES]
                        + [steps * macs])
    coef, _ = nnls(X / y[:, None], np.ones_like(y))
    fitted, in_use = X @ coef, np.array([params.stack_cost(st) for st, _ in stacks])
    print(f"{len(stacks)} stacks, {y.sum():.0f} s of training")
    print("STEP_FIXED_S = {" + ", ".join(f'"{f}": {c:.2g}' for f, c in zip(FAMILIES, coef[:3])) + "}")
    print("UNIT_S = {" + ", ".join(f'"{f}": {c:.2g}' for f, c in zip(FAMILIES, coef[3:6])) + "}")
    print(f"MAC_S = {coef[6]:.2g}")
    for name, pred in (("fitted", fitted), ("in use", in_use)):
        rel = np.abs(pred / y - 1)
        eta = eta_ratios(pred, y, args.workers)
        print(f"{name}: |error| median {np.median(rel):.0%}, 90th percentile {np.quantile(rel, 0.9):.0%}; "
              "estimated / true time left at " + ", ".join(f"{q:.0%}: {v:.2f}" for q, v in eta.items()))


if __name__ == "__main__":
    main()
