"""Inference cost measured, beside the arithmetic: model latency and the graph step's kernels.

- :func:`measure_latency` times inference of one-member models (evaluation mode,
  no gradients) at several batch sizes, each relative to a reference model timed
  in the same interleaved rounds;
- :func:`sparse_vs_dense` times one recurrent step ``h @ G`` with the Kronecker
  graph, as a dense product and with ``G`` stored as a CSR matrix, at growing sizes;
- :func:`crossover` reads off the size from which the sparse kernel wins.

Timings are medians over rounds after a warm-up (:func:`scaffold.timing.time_many`);
absolute times depend on the machine, so only ratios measured in one run are meant
to be read.
"""

from __future__ import annotations

import warnings

import pandas as pd
import torch

from . import graphs
from .params import totals
from .timing import clock_for, time_many

#: Batch of the graph-step timing (the CA3 states of 256 inputs).
SPARSE_BATCH = 256


@torch.no_grad()
def measure_latency(models: dict, reference: str, d_in: int = 2, n_out: int = 1, batches=(1, 256),
                    device="cpu", rounds: int = 25, threads: int | None = 1) -> pd.DataFrame:
    """Inference time of one-member models, relative to ``reference``'s at the same batch.

    ``models``: label -> (spec, T or None).  Returns one row per model and batch:
    [model, family, T, batch, seconds, macs_dense, ratio, device, threads, clock].
    ``threads`` applies on the CPU only (None: torch's setting is left alone).
    """
    built = {k: spec.build(d_in, n_out, [0]).to(device).eval() for k, (spec, _) in models.items()}
    rows = []
    for b in batches:
        x = torch.randn(1, b, d_in, device=device)
        sec = time_many({k: (lambda m=m: m(x)) for k, m in built.items()}, device, rounds,
                        threads=threads)
        for label, (spec, T) in models.items():
            rows.append(dict(model=label, family=spec.family, T=T, batch=b, seconds=sec[label],
                             macs_dense=totals(spec, d_in, n_out, n_draws=1)["macs_dense"]))
    df = pd.DataFrame(rows)
    ref = df[df.model == reference].set_index("batch")["seconds"]
    df["ratio"] = df["seconds"] / df["batch"].map(ref)
    df["device"] = str(device)
    df["threads"] = torch.get_num_threads() if threads is None else threads
    df["clock"] = clock_for(device, threads)[1]
    return df


@torch.no_grad()
def sparse_vs_dense(sizes=(16, 32, 64, 128, 256, 512), batch: int = SPARSE_BATCH, device="cpu",
                    rounds: int = 25, threads: int | None = 1) -> pd.DataFrame:
    """One recurrent step with the Kronecker graph of ``n`` units: dense vs CSR kernel.

    Both compute ``(h G)^T = G^T h^T`` on the same (n, batch) operand: the dense
    kernel as ``torch.mm``, the sparse one with ``G^T`` stored as
    ``torch.sparse_csr``.  Returns [n, nnz, density, dense_s, sparse_s, speedup]
    (speedup > 1: the sparse kernel is faster).
    """
    rows = []
    device, shown = csr_device(device)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # "sparse CSR support is in beta"
        for n in sizes:
            G = torch.as_tensor(graphs.make_graph("kronecker", n), dtype=torch.float32, device=device)
            Gt = G.T.contiguous()
            Gt_csr = Gt.to_sparse_csr()
            hT = torch.randn(n, batch, device=device)
            if not torch.allclose(torch.mm(Gt, hT), Gt_csr @ hT, atol=1e-4):
                raise AssertionError(f"CSR and dense products disagree at n={n}")
            sec = time_many({"dense": lambda: torch.mm(Gt, hT), "sparse": lambda: Gt_csr @ hT},
                            device, rounds, threads=threads)
            nnz = int((G != 0).sum())
            rows.append(dict(n=n, nnz=nnz, density=nnz / n ** 2, dense_s=sec["dense"],
                             sparse_s=sec["sparse"], speedup=sec["dense"] / sec["sparse"],
                             device=shown, clock=clock_for(device, threads)[1]))
    return pd.DataFrame(rows)


def csr_device(device) -> tuple[torch.device, str]:
    """Where the CSR product can run, and how the table names it.

    Apple's MPS backend has no CSR matrix product (nor float64): there the timing
    falls back to the CPU, and the device column says so ("cpu (MPS has no CSR
    product)").  Any device whose CSR conversion fails falls back the same way.
    """
    device = torch.device(device)
    if device.type == "mps":
        return torch.device("cpu"), "cpu (MPS has no CSR product)"
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # "sparse CSR support is in beta"
            torch.eye(2, device=device).to_sparse_csr()
    except (RuntimeError, NotImplementedError):
        return torch.device("cpu"), f"cpu ({device.type} has no CSR product)"
    return device, str(device)


def crossover(df: pd.DataFrame):
    """Smallest n from which the sparse kernel is faster at every larger size; None if never."""
    d = df.sort_values("n")
    wins = (d["speedup"] > 1).to_numpy()
    for i in range(len(d)):
        if wins[i:].all():
            return int(d["n"].iloc[i])
    return None
