"""The CUDA path in one short run, for a session that has a GPU (issue 21).

1. Trains each note model, and the HSN's learned and initiator graphs, on the
   three losses with the epochs replayed as CUDA graphs and without, and checks
   that both train the same members (the same kernels, so the same numbers) and
   that no capture fell back to eager training (its warning is an error here).
2. Runs ``tools/bench.py --parts ensemble,core`` on the GPU: the core sweep with
   and without graphs against its floor, and stacked training against vmap.
3. With ``--book`` (or ``--steps 3``): the book's execution on the GPU from an empty cache, the plan
   (``make sweeps``) and then every section (``make -j2 notebooks``), in the full
   profile, as ``make book`` runs them.  The HTML step is left out: it trains
   nothing and runs on the CPU alone (its time is in the CPU record).  It runs in
   this tree and ``make clean``s it first (a lent machine's copy has no git history
   to clone, as ``tools/bookbench.py`` does): do not run it in a book you keep.

    PYTHONPATH=src python tools/gpu_check.py [--out tools/records/bench-cuda-<gpu>.json] [--epochs-scale 1.0]
        [--steps 1,2] [--parts ensemble,core] [--book] [--python PYTHON]

Needs PyTorch with CUDA, pandas and scikit-learn; ``--book`` also the book's
executing packages (papermill, ipykernel, jupytext, plotly, myst-nb) importable by
``--python`` (default: this interpreter), which stands in for ``.venv/bin/python``
(a machine lent for minutes has no time to build ``.venv``).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
import warnings
from pathlib import Path

import torch

from scaffold.experiments import NOTE_MODELS
from scaffold.models import ModelSpec
from scaffold.train import Part, TrainConfig, train_stack

sys.path.insert(0, str(Path(__file__).resolve().parent))  # its neighbours: bench, bookbench
import bench  # noqa: E402
from bookbench import _make  # noqa: E402

SPECS = (*NOTE_MODELS, ModelSpec.make("HSN learned", "hsn", graph_mode="learned"),
         ModelSpec.make("HSN initiator", "hsn", graph_mode="initiator"))
NUMBERS = ["train_loss", "val_loss", "test_loss", "train_metric", "val_metric", "test_metric"]


def same_members(epochs_scale: float) -> float:
    """Largest difference between graph-replayed and eager training (0.0 expected)."""
    worst = 0.0
    cfg = TrainConfig(epochs_scale=epochs_scale)
    for spec in SPECS:
        for task in ("moons", "digits", "sine"):
            part = Part(spec, task, tuple(range(4)))
            t0 = time.perf_counter()
            with warnings.catch_warnings():
                warnings.simplefilter("error", RuntimeWarning)  # a failed capture warns
                graphed = train_stack([part], cfg, "cuda", graphs=True)[0]
            t1 = time.perf_counter()
            eager = train_stack([part], cfg, "cuda", graphs=False)[0]
            t2 = time.perf_counter()
            diff = float((graphed.members[NUMBERS] - eager.members[NUMBERS]).abs().max().max())
            curves = float((graphed.curves.val_metric - eager.curves.val_metric).abs().max())
            worst = max(worst, diff, curves)
            print(f"  {spec.label:<16} {task:<7} graph {t1 - t0:6.2f}s eager {t2 - t1:6.2f}s "
                  f"max |diff| {max(diff, curves):.1e}", flush=True)
    return worst


def time_book(python: str, device: str = "cuda", profile: str = "full") -> dict:
    """Wall time of the plan and the sections from an empty sweep cache (see step 3)."""
    import tempfile

    from scaffold import ROOT

    # The Makefile sets .venv up when .venv/.ready is missing or older than the pins;
    # PY=python replaces the environment, so mark it present.
    (ROOT / ".venv").mkdir(exist_ok=True)
    (ROOT / ".venv" / ".ready").touch()
    with tempfile.TemporaryDirectory(prefix="scaffold-cache-") as cache:
        env = {**os.environ, "SCAFFOLD_CACHE": cache}
        args = [f"PROFILE={profile}", f"DEVICE={device}", f"PY={python}"]
        subprocess.run(["make", "clean"], cwd=ROOT, check=True, capture_output=True)
        print("  make sweeps (empty cache) ...", flush=True)
        plan = _make(["sweeps", *args], env)
        print(f"  plan {plan['seconds']:.1f} s; make -j2 notebooks ...", flush=True)
        sections = _make(["-j2", "notebooks", *args], env)
    out = dict(seconds=round(plan["seconds"] + sections["seconds"], 2), executed=sections["executed"],
               sections=sections["sections"], section_s=sections["section_s"],
               plan_s=plan.get("plan_s", plan["seconds"]), plan_make_s=plan["seconds"],
               sections_s=sections["seconds"], html="not timed (CPU only; see the CPU record)")
    print(f"  plan + sections {out['seconds']:.1f} s ({sections['executed']} sections executed)", flush=True)
    return out


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", default=None, help="the bench report (default: results/bench-cuda.json)")
    ap.add_argument("--epochs-scale", type=float, default=1.0)
    ap.add_argument("--steps", default="1,2", help="which steps to run (1,2,3; 3 is --book)")
    ap.add_argument("--book", action="store_true", help="also time the book's execution (step 3)")
    ap.add_argument("--parts", default="ensemble,core", help="tools/bench.py's parts in step 2")
    ap.add_argument("--python", default=sys.executable, help="the interpreter make runs (--book)")
    args = ap.parse_args(argv)
    if not torch.cuda.is_available():
        sys.exit("gpu_check: no CUDA device here (torch.cuda.is_available() is False)")
    print(f"[gpu_check] {torch.cuda.get_device_name()} torch {torch.__version__}")
    steps = set(args.steps.split(",")) | ({"3"} if args.book else set())
    out = Path(args.out) if args.out else bench.RESULTS / "bench-cuda.json"
    worst = None
    if "1" in steps:
        print("[gpu_check] 1. CUDA-graph replay against eager training (4 seeds x 2 lrs, 0.1 of the epochs)")
        worst = same_members(0.1)
        print(f"[gpu_check]    largest difference {worst:.1e}: "
              + ("identical" if worst == 0 else "NOT identical: see the rows above"))
    if "2" in steps:
        print("[gpu_check] 2. benchmarks on the GPU")
        bench.main(["--device", "cuda", "--parts", args.parts, "--repeats", "1",
                    "--epochs-scale", str(args.epochs_scale), "--out", str(out)])
    if "3" in steps:
        _book_report(args, out)
    return worst


def _book_report(args, out: Path) -> None:
    """Step 3, added to the report at ``out`` (a new one if there is none)."""
    import json

    print("[gpu_check] 3. the book's execution on the GPU (empty cache)")
    report = json.loads(out.read_text()) if out.exists() else bench.header("cuda")
    report["book"] = dict(cold=time_book(args.python), profile="full")
    bench._write(report, out)  # whole or not at all, as the bench writes its reports


if __name__ == "__main__":
    main()
