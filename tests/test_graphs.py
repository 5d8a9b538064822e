"""Facts about the Sierpinski Kronecker graph that the book relies on."""

import math

import numpy as np
import pytest
import torch

from scaffold.graphs import (SIERPINSKI, _is_acyclic, degree_distribution, graph_stats,
                             identity_graph, kronecker_from_initiator_torch, kronecker_power,
                             make_graph, random_graph_like, rescale_spectral_radius,
                             spectral_radius)

PHI = (1 + math.sqrt(5)) / 2
SIZES = [2, 4, 8, 16, 32, 64]


@pytest.mark.parametrize("n", SIZES)
def test_sierpinski_is_bitwise_and_zero(n):
    a = kronecker_power(SIERPINSKI, n)
    i, j = np.indices((n, n))
    assert a.dtype == np.float32 and a.shape == (n, n)
    np.testing.assert_array_equal(a, ((i & j) == 0).astype(np.float32))


@pytest.mark.parametrize("n", SIZES)
def test_sierpinski_counts_and_spectrum(n):
    k = int(math.log2(n))
    s = graph_stats(kronecker_power(SIERPINSKI, n))
    assert s["nnz"] == 3 ** k
    assert s["self_loops"] == 1
    assert s["symmetric"]
    assert s["spectral_radius"] == pytest.approx(PHI ** k, rel=1e-6)
    # node 0 talks to and hears from everyone; diameter is constant, not log n
    assert s["out_degree_max"] == s["in_degree_max"] == n
    assert s["diameter"] == (1 if n == 2 else 2)
    assert s["undirected_diameter"] == (1 if n == 2 else 2)
    assert s["strongly_connected"]


def test_sixteen_node_numbers():
    a = kronecker_power(SIERPINSKI, 16)
    assert int(a.sum()) == 81                      # not the 97 or 256 the note quotes
    assert np.flatnonzero(np.diag(a)).tolist() == [0]
    assert graph_stats(a)["spectral_radius"] == pytest.approx(6.854, abs=1e-3)


def test_degree_distribution_is_binomial():
    # out-degree of node i is 2**(k - popcount(i)): C(k, m) nodes have degree 2**(k-m)
    k, n = 5, 32
    d = degree_distribution(kronecker_power(SIERPINSKI, n))
    expect = {2 ** (k - m): math.comb(k, m) for m in range(k + 1)}
    assert dict(zip(d["degrees"].tolist(), d["out_counts"].tolist())) == expect
    np.testing.assert_array_equal(d["out_degree"], d["in_degree"])
    assert d["out_counts"].sum() == n


def test_general_initiator_and_bad_sizes():
    init = np.array([[1, 0, 1], [0, 1, 1], [1, 1, 0]])
    a = kronecker_power(init, 27)
    np.testing.assert_array_equal(a, np.kron(np.kron(init, init), init))
    with pytest.raises(ValueError, match="power"):
        kronecker_power(SIERPINSKI, 12)
    with pytest.raises(ValueError, match="power"):
        kronecker_power(init, 16)
    with pytest.raises(ValueError):
        kronecker_power(np.ones((2, 3)), 4)


@pytest.mark.parametrize("preserve", [True, False])
def test_random_control_same_edge_count(preserve):
    g = kronecker_power(SIERPINSKI, 64)
    r = random_graph_like(g, seed=3, preserve_self_loops=preserve)
    assert np.count_nonzero(r) == np.count_nonzero(g) == 729
    assert set(np.unique(r)) <= {0.0, 1.0}
    assert not np.array_equal(r, g)
    if preserve:
        assert np.count_nonzero(np.diag(r)) == 1
    np.testing.assert_array_equal(r, random_graph_like(g, seed=3, preserve_self_loops=preserve))
    assert not np.array_equal(r, random_graph_like(g, seed=4, preserve_self_loops=preserve))


def test_random_control_keeps_weights():
    w = np.arange(1, 10, dtype=np.float32).reshape(3, 3) * np.eye(3, k=1, dtype=np.float32)
    w[0, 0] = 7.0
    r = random_graph_like(w, seed=0)
    assert sorted(r[r != 0].tolist()) == sorted(w[w != 0].tolist())
    assert np.count_nonzero(np.diag(r)) == 1 and np.diag(r).sum() == 7.0


def test_make_graph_kinds():
    k = make_graph("kronecker", 16)
    r = make_graph("random", 16, seed=1)
    i = make_graph("identity", 16)
    assert np.count_nonzero(r) == np.count_nonzero(k) == 81
    np.testing.assert_array_equal(i, identity_graph(16))
    with pytest.raises(ValueError, match="unknown graph kind"):
        make_graph("smallworld", 16)


def test_identity_and_disconnected_stats():
    s = graph_stats(identity_graph(8))
    assert s["nnz"] == 8 and s["self_loops"] == 8 and s["spectral_radius"] == pytest.approx(1.0)
    assert s["diameter"] == math.inf and not s["strongly_connected"]
    # a one-way chain is weakly connected: finite undirected, infinite directed diameter
    chain = np.eye(5, k=1)
    s = graph_stats(chain)
    assert s["diameter"] == math.inf and s["undirected_diameter"] == 4
    assert not s["symmetric"]
    # directed cycle: diameter n-1, undirected floor(n/2)
    s = graph_stats(np.roll(np.eye(6), 1, axis=1))
    assert s["diameter"] == 5 and s["undirected_diameter"] == 3


def test_rescale_spectral_radius():
    g = kronecker_power(SIERPINSKI, 32)
    h = rescale_spectral_radius(g, 0.9)
    assert h.dtype == np.float32
    assert spectral_radius(h) == pytest.approx(0.9, rel=1e-5)
    np.testing.assert_array_equal(h != 0, g != 0)
    # a dense DAG with its nodes shuffled is nilpotent: radius exactly 0, refuse to rescale
    rng = np.random.default_rng(0)
    perm = rng.permutation(40)
    dag = np.triu(rng.random((40, 40)) < 0.5, 1).astype(np.float32)[perm][:, perm]
    assert spectral_radius(dag) == 0.0
    with pytest.raises(ValueError, match="spectral radius 0"):
        rescale_spectral_radius(dag, 0.9)
    inv = np.argsort(perm)                          # where original node x now sits
    dag[inv[0], inv[39]] = dag[inv[39], inv[0]] = 1.0  # a back edge closes a 2-cycle
    assert spectral_radius(dag) >= 1.0
    with pytest.raises(ValueError):
        rescale_spectral_radius(np.zeros((4, 4)), 1.0)


def test_torch_kronecker_matches_numpy_and_differentiates():
    init = torch.tensor(SIERPINSKI, dtype=torch.float64, requires_grad=True)
    g = kronecker_from_initiator_torch(init, 4)
    np.testing.assert_array_equal(g.detach().numpy(), kronecker_power(SIERPINSKI, 16))
    # sum(kron^k(T)) = sum(T)**k, so d/dT = k * sum(T)**(k-1) everywhere
    g.sum().backward()
    np.testing.assert_allclose(init.grad.numpy(), np.full((2, 2), 4 * 3.0 ** 3))
    # entry [5, 3] of the 3rd power is T[1,0] * T[0,1] * T[1,1] (base-2 digits 101, 011)
    t = torch.tensor([[0.3, 0.5], [0.7, 1.1]], dtype=torch.float64, requires_grad=True)
    kronecker_from_initiator_torch(t, 3)[5, 3].backward()
    expect = [[0.0, 0.7 * 1.1], [0.5 * 1.1, 0.7 * 0.5]]
    np.testing.assert_allclose(t.grad.numpy(), expect)
    with pytest.raises(ValueError):
        kronecker_from_initiator_torch(init, 0)


def test_acyclicity_check():
    assert _is_acyclic(np.eye(6, k=1) != 0)
    assert not _is_acyclic(np.eye(3) != 0)                        # self-loops are cycles
    assert not _is_acyclic(np.roll(np.eye(5), 1, axis=1) != 0)    # directed 5-cycle
    assert not _is_acyclic(kronecker_power(SIERPINSKI, 8) != 0)
