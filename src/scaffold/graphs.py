"""Kronecker graphs for the HSN's CA3 stage, their properties, and controls.

The note (Sec. 1.2) builds the CA3 recurrence from "a Sierpinski initiator
[[1,1],[1,0]], giving logarithmic diameter at subquadratic density".  This
module builds that graph and measures what it actually is, so the book can
check the claim instead of repeating it:

- :func:`kronecker_power` -- the k-th Kronecker power of an initiator
  (Leskovec et al., "Kronecker graphs", JMLR 2010), as a dense adjacency.
- :func:`random_graph_like`, :func:`identity_graph` -- controls with the same
  edge count / no mixing at all, so that "structure matters" can be tested.
- :func:`graph_stats`, :func:`degree_distribution` -- nonzeros, self-loops,
  degrees, directed and undirected diameter, spectral radius, symmetry.
- :func:`rescale_spectral_radius` -- echo-state style scaling (Jaeger 2001).
- :func:`kronecker_from_initiator_torch` -- a differentiable Kronecker power,
  for the note's open question of *learning* the initiator (Sec. 5).

Convention used everywhere: ``A[i, j] != 0`` means a directed edge ``i -> j``.
Out-degree of ``i`` is the number of nonzeros in row ``i``, in-degree of ``j``
the number in column ``j``; a self-loop counts once in each.

For the Sierpinski initiator, ``A[i, j] = 1`` iff ``i & j == 0`` (bitwise), so
``nnz = 3**k``, only node 0 has a self-loop, node 0 links to and from every
node (directed diameter 2 for n >= 4, *constant* rather than logarithmic), and
the spectral radius is ``golden_ratio**k``.
"""

from __future__ import annotations

from collections import deque

import numpy as np
import torch
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import shortest_path

SIERPINSKI = np.array([[1, 1], [1, 0]])
KINDS = ("kronecker", "random", "identity")


def _check_square(adj) -> np.ndarray:
    a = np.asarray(adj)
    if a.ndim != 2 or a.shape[0] != a.shape[1]:
        raise ValueError(f"adjacency must be a square 2-D array, got shape {a.shape}")
    return a


def _power_of(n_nodes: int, m: int) -> int:
    """Return k with m**k == n_nodes (k >= 1), else raise a ValueError."""
    k, size = 0, 1
    while size < n_nodes:
        size *= m
        k += 1
    if size != n_nodes or k < 1:
        sizes = [m ** i for i in range(1, 11)]
        raise ValueError(f"n_nodes={n_nodes} is not a power (>= 1) of the initiator size {m}; "
                         f"valid sizes include {sizes}")
    return k


def kronecker_power(initiator=SIERPINSKI, n_nodes: int = 16) -> np.ndarray:
    """Dense float32 adjacency ``initiator (x) initiator (x) ... (x) initiator``.

    ``n_nodes`` must be ``m**k`` for an ``m x m`` initiator and some k >= 1.
    Entry ``[i, j]`` is the product of initiator entries indexed by the base-m
    digits of i and j, so for Sierpinski it is 1 iff ``i & j == 0``.
    """
    init = _check_square(initiator).astype(np.float64)
    if init.shape[0] < 2:
        raise ValueError("initiator must be at least 2 x 2")
    k = _power_of(int(n_nodes), init.shape[0])
    out = init
    for _ in range(k - 1):
        out = np.kron(out, init)
    return out.astype(np.float32)


def identity_graph(n: int) -> np.ndarray:
    """Self-loops only: the recurrence keeps each unit's state and mixes nothing."""
    return np.eye(int(n), dtype=np.float32)


def random_graph_like(adj, seed: int = 0, preserve_self_loops: bool = True) -> np.ndarray:
    """Random directed graph with exactly the same number of nonzeros as ``adj``.

    The nonzero *values* of ``adj`` are shuffled onto uniformly random positions
    (for a 0/1 graph this is an Erdos-Renyi G(n, M) graph).  With
    ``preserve_self_loops`` the diagonal keeps its count of nonzeros (at random
    diagonal positions) and the rest go off-diagonal, so that self-excitation,
    which dominates a short recurrence, is matched between the two graphs.
    """
    a = _check_square(adj).astype(np.float32)
    n = a.shape[0]
    rng = np.random.default_rng(seed)
    out = np.zeros_like(a)
    diag = np.eye(n, dtype=bool)
    if preserve_self_loops:
        groups = [diag, ~diag]          # refill diagonal and off-diagonal separately
    else:
        groups = [np.ones_like(diag)]
    for mask in groups:
        vals = a[mask & (a != 0)]
        slots = np.flatnonzero(mask)
        chosen = rng.choice(slots, size=vals.size, replace=False)
        out.flat[chosen] = rng.permutation(vals)
    return out


def make_graph(kind: str, n_nodes: int, seed: int = 0, initiator=SIERPINSKI) -> np.ndarray:
    """One CA3 graph by name: ``"kronecker"``, ``"random"`` (same edge count and
    self-loop count as the Kronecker graph of that size) or ``"identity"``."""
    if kind == "kronecker":
        return kronecker_power(initiator, n_nodes)
    if kind == "random":
        return random_graph_like(kronecker_power(initiator, n_nodes), seed=seed)
    if kind == "identity":
        return identity_graph(n_nodes)
    raise ValueError(f"unknown graph kind {kind!r}; choose one of {list(KINDS)}")


def _is_acyclic(pattern: np.ndarray) -> bool:
    """Kahn's topological sort on the edge pattern (self-loops are cycles)."""
    indeg = pattern.sum(axis=0).astype(int)
    queue = deque(np.flatnonzero(indeg == 0))
    seen = 0
    while queue:
        i = queue.popleft()
        seen += 1
        for j in np.flatnonzero(pattern[i]):
            indeg[j] -= 1
            if indeg[j] == 0:
                queue.append(j)
    return seen == pattern.shape[0]


def spectral_radius(adj) -> float:
    """max |eigenvalue|.

    For a nonnegative matrix the radius is exactly 0 iff the graph is acyclic
    (Perron-Frobenius), which we test combinatorially: eigenvalues of a
    nilpotent matrix are ill-conditioned (a perturbation of eps can move them
    by eps**(1/n)); LAPACK's balancing usually permutes a DAG to triangular
    form and returns exact zeros, but we don't depend on that.  Signed
    matrices go straight to the eigensolver.
    """
    a = _check_square(adj).astype(np.float64)
    if a.size == 0:
        return 0.0
    if np.all(a >= 0) and _is_acyclic(a != 0):
        return 0.0
    return float(np.max(np.abs(np.linalg.eigvals(a))))


def rescale_spectral_radius(adj, rho: float) -> np.ndarray:
    """``adj * rho / spectral_radius(adj)``; raises on a zero-radius graph."""
    a = _check_square(adj)
    r = spectral_radius(a)
    if r <= 1e-12 * max(1.0, float(np.abs(a).max(initial=0.0))):
        raise ValueError("graph has spectral radius 0 (nilpotent, e.g. acyclic or empty); "
                         "it cannot be rescaled to a nonzero radius")
    return (a * (rho / r)).astype(a.dtype if a.dtype.kind == "f" else np.float32)


def _diameter(pattern: np.ndarray, directed: bool) -> float:
    """Longest shortest path (in hops, BFS); inf if some pair is unreachable."""
    n = pattern.shape[0]
    if n <= 1:
        return 0.0
    d = shortest_path(csr_matrix(pattern.astype(np.float64)), directed=directed, unweighted=True)
    return float(d.max())


def degree_distribution(adj) -> dict:
    """Per-node degrees and how many nodes have each degree.

    Returns ``{"out_degree": (n,), "in_degree": (n,), "degrees": (m,),
    "out_counts": (m,), "in_counts": (m,)}`` where ``degrees`` are the distinct
    degree values present (in or out), sorted, and ``*_counts[t]`` is the number
    of nodes whose degree equals ``degrees[t]``.
    """
    p = _check_square(adj) != 0
    out_deg, in_deg = p.sum(axis=1), p.sum(axis=0)
    degrees = np.union1d(out_deg, in_deg)
    out_counts = np.array([(out_deg == d).sum() for d in degrees], dtype=int)
    in_counts = np.array([(in_deg == d).sum() for d in degrees], dtype=int)
    return {"out_degree": out_deg, "in_degree": in_deg, "degrees": degrees,
            "out_counts": out_counts, "in_counts": in_counts}


def graph_stats(adj) -> dict:
    """Scalar summary of a graph (edge ``i -> j`` iff ``adj[i, j] != 0``).

    Keys: n_nodes, nnz, density (nnz / n^2), self_loops, {out,in}_degree_{min,mean,max},
    diameter (directed, BFS; inf unless strongly connected), strongly_connected,
    undirected_diameter, spectral_radius, symmetric.
    """
    a = _check_square(adj)
    p = a != 0
    n = a.shape[0]
    out_deg, in_deg = p.sum(axis=1), p.sum(axis=0)
    diam = _diameter(p, directed=True)
    stats = {
        "n_nodes": int(n),
        "nnz": int(p.sum()),
        "density": float(p.sum() / n ** 2) if n else float("nan"),
        "self_loops": int(np.trace(p)),
    }
    for name, deg in (("out", out_deg), ("in", in_deg)):
        stats[f"{name}_degree_min"] = int(deg.min())
        stats[f"{name}_degree_mean"] = float(deg.mean())
        stats[f"{name}_degree_max"] = int(deg.max())
    stats.update({
        "diameter": diam,
        "strongly_connected": bool(np.isfinite(diam)),
        "undirected_diameter": _diameter(p, directed=False),
        "spectral_radius": spectral_radius(a),
        "symmetric": bool(np.array_equal(a, a.T)),
    })
    return stats


def kronecker_from_initiator_torch(initiator: torch.Tensor, k: int) -> torch.Tensor:
    """Differentiable k-th Kronecker power of a (learnable) square initiator.

    Repeated ``torch.kron`` keeps the graph in the autograd tape, so a 2x2
    ``nn.Parameter`` (4 learned numbers) can generate a 2**k-node CA3 graph.
    """
    if initiator.ndim != 2 or initiator.shape[0] != initiator.shape[1]:
        raise ValueError(f"initiator must be square, got shape {tuple(initiator.shape)}")
    if int(k) < 1:
        raise ValueError(f"k must be >= 1, got {k}")
    out = initiator
    for _ in range(int(k) - 1):
        out = torch.kron(out, initiator)
    return out


def diameter_summary(sizes=(4, 16, 64, 256, 1024)) -> dict:
    """The note's "logarithmic diameter", measured: one statement for every page that makes it.

    Returns the diameter at each size (``at``), whether it stays within log2(n)
    (``within_log``: the note's bound holds), whether it is constant, and ``text``,
    the sentence the book uses wherever it speaks of the diameter.
    """
    # graph_stats' directed diameter, without its eigendecomposition (seconds at 1,024 nodes, unused here)
    at = {n: _diameter(kronecker_power(n_nodes=n) != 0, directed=True) for n in sizes}
    within = all(d <= max(1.0, np.log2(n)) for n, d in at.items())
    constant = len(set(at.values())) == 1
    d0 = next(iter(at.values()))
    sizes_txt = f"{min(at):,} to {max(at):,} nodes"
    if constant:
        text = (f"The diameter is {d0:.0f} at every size from {sizes_txt}: node 0 links to every node (a hub). "
                "So it is within log2(n), as the note says, but it does not grow with n at all, where the "
                "note's wording (a logarithmic diameter) suggests growth like log n.")
    else:
        text = "The diameter at " + ", ".join(f"{n:,} nodes is {d:.0f}" for n, d in at.items()) + (
            ", within log2(n)." if within else ", beyond log2(n).")
    return dict(at=at, within_log=bool(within), constant=bool(constant), text=text)
