"""The CUDA path in one short run, for a session that has a GPU (issue 21).

1. Trains each note model, and the HSN's learned and initiator graphs, on the
   three losses with the epochs replayed as CUDA graphs and without, and checks
   that both train the same members (the same kernels, so the same numbers) and
   that no capture fell back to eager training (its warning is an error here).
2. Runs ``tools/bench.py --parts ensemble,core`` on the GPU: the core sweep with
   and without graphs against its floor, and stacked training against vmap.

    PYTHONPATH=src python tools/gpu_check.py [--out tools/records/bench-cuda-<gpu>.json] [--epochs-scale 1.0]

Needs PyTorch with CUDA, pandas and scikit-learn (not papermill or the book's tools).
"""

from __future__ import annotations

import argparse
import sys
import time
import warnings
from pathlib import Path

import torch

from scaffold.experiments import NOTE_MODELS
from scaffold.models import ModelSpec
from scaffold.train import Part, TrainConfig, train_stack

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


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", default=None, help="the bench report (default: results/bench-cuda.json)")
    ap.add_argument("--epochs-scale", type=float, default=1.0)
    args = ap.parse_args(argv)
    if not torch.cuda.is_available():
        sys.exit("gpu_check: no CUDA device here (torch.cuda.is_available() is False)")
    print(f"[gpu_check] {torch.cuda.get_device_name()} torch {torch.__version__}")
    print("[gpu_check] 1. CUDA-graph replay against eager training (4 seeds x 2 lrs, 0.1 of the epochs)")
    worst = same_members(0.1)
    print(f"[gpu_check]    largest difference {worst:.1e}: "
          + ("identical" if worst == 0 else "NOT identical: see the rows above"))
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import bench
    print("[gpu_check] 2. benchmarks on the GPU")
    bench.main(["--device", "cuda", "--parts", "ensemble,core", "--repeats", "1",
                "--epochs-scale", str(args.epochs_scale)]
               + (["--out", args.out] if args.out else ["--out", str(bench.RESULTS / "bench-cuda.json")]))
    return worst


if __name__ == "__main__":
    main()
