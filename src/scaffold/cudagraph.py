"""Running a training epoch many times: eagerly, or replayed as a CUDA graph.

On a GPU these tiny stacked models are bound by kernel launches, not arithmetic:
an H200 trained the core sweep in 658x its matmul floor without graphs
(``tools/records/bench-cuda-h200-2026-11-28.json``) and in 85x with them
(``tools/records/bench-cuda-h200-2026-12-04.json``).  A CUDA graph (NVIDIA's CUDA Programming Guide,
"CUDA Graphs"; PyTorch's ``torch.cuda.graph``) records an epoch's kernels once
and replays them with one launch.  That needs an epoch with fixed shapes that
reads no Python-side state: :func:`scaffold.train.train_stack` writes its epoch
so (the epoch and step counters are device tensors, the data are gathered by
device-side indices, the results written at the epoch counter's row), and runs
it through :func:`run_epochs` here, which decides how.

The first epoch runs eagerly on a side stream, as PyTorch asks before a capture
(lazily made state, such as cuBLAS handles and cached constants, is then made
outside the graph); it is a real epoch, so nothing is run twice.  The next one is
captured (a capture records kernels without running them) and replayed for every
remaining epoch.  If the capture fails, the remaining epochs run eagerly and a
warning says why.  ``SCAFFOLD_CUDA_GRAPHS=0`` turns graphs off (``make bench``
times both ways on a GPU).

Arithmetic is the same as eager on the same device: replay launches the kernels
the eager epoch launched.  Nothing here runs on a CPU or MPS, where
:func:`run_epochs` is a plain loop; its logic is tested on CPU with a stand-in
for the capture (``tests/test_cudagraph.py``).
"""

from __future__ import annotations

import os
import warnings
from typing import Callable

import torch

ENV = "SCAFFOLD_CUDA_GRAPHS"


def wanted(device, graphs: bool | None = None) -> bool:
    """Whether epochs on ``device`` are replayed as a CUDA graph: ``graphs`` if
    given, else on CUDA unless ``SCAFFOLD_CUDA_GRAPHS=0``."""
    if torch.device(device).type != "cuda":
        return False
    if graphs is not None:
        return bool(graphs)
    return os.environ.get(ENV, "1").strip() not in ("0", "false", "no", "off")


class CudaGraphs:
    """The CUDA side of :func:`run_epochs`: warm-up on a side stream, capture, replay."""

    def __init__(self, device):
        self.device = torch.device(device)

    def warm_up(self, epoch: Callable[[], None]) -> None:
        side = torch.cuda.Stream(self.device)
        side.wait_stream(torch.cuda.current_stream(self.device))
        with torch.cuda.stream(side):
            epoch()
        torch.cuda.current_stream(self.device).wait_stream(side)

    def capture(self, epoch: Callable[[], None]) -> Callable[[], None]:
        graph = torch.cuda.CUDAGraph()
        with torch.cuda.graph(graph):
            epoch()
        return graph.replay


def run_epochs(epoch: Callable[[], None], n_epochs: int, device="cpu", graphs: bool | None = None,
               engine=None) -> str:
    """Run ``epoch`` ``n_epochs`` times; returns how: ``"eager"`` or ``"graph"``.

    ``epoch`` must take every changing value from device tensors it updates
    itself (a replayed graph passes it nothing).  ``engine`` (default
    :class:`CudaGraphs` where :func:`wanted`) has ``warm_up(epoch)``, which runs
    it, and ``capture(epoch) -> replay``, which must not.
    """
    if (engine is None and not wanted(device, graphs)) or n_epochs < 2:  # (< 2: nothing to replay)
        for _ in range(n_epochs):
            epoch()
        return "eager"
    engine = engine or CudaGraphs(device)
    engine.warm_up(epoch)
    try:
        replay = engine.capture(epoch)
    except RuntimeError as exc:  # e.g. an operation the capture does not allow
        warnings.warn(f"CUDA graph capture failed ({exc}); training the remaining {n_epochs - 1} "
                      f"epochs eagerly (set {ENV}=0 to skip the attempt)", RuntimeWarning, stacklevel=2)
        for _ in range(n_epochs - 1):
            epoch()
        return "eager"
    for _ in range(n_epochs - 1):
        replay()
    return "graph"
