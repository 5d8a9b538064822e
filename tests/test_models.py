"""Stacked Dense / CEN / HSN ensembles (scaffold.models) and their parameter counts."""

import math

import numpy as np
import pytest
import torch

from scaffold import params
from scaffold.models import CEN_NOTE, DENSE, HSN, HSN_NOTE, HSNConfig, ModelSpec, build_stack, sparse_mask

PHI = (1 + math.sqrt(5)) / 2


pytestmark = pytest.mark.usefixtures("one_thread")  # see conftest.py


SPECS = {
    "dense": DENSE,
    "dense narrow": ModelSpec.make("d", "dense", widths=(8, 8, 8)),
    "cen": ModelSpec.make("c", "cen", H=64),
    "cen bias": ModelSpec.make("cb", "cen", H=64, hidden_bias=True, min_inputs=1),
    "hsn": HSN_NOTE,
    "hsn repaired": ModelSpec.make("h", "hsn", dg_min_inputs=1, spectral_radius=0.9),
    "hsn random": ModelSpec.make("hr", "hsn", graph="random", dg_min_inputs=1,
                                 spectral_radius=0.9),
    "hsn identity": ModelSpec.make("hi", "hsn", graph="identity", spectral_radius=0.9),
    "hsn learned": ModelSpec.make("hl", "hsn", graph_mode="learned", spectral_radius=0.9),
    "hsn initiator": ModelSpec.make("hn", "hsn", graph_mode="initiator", spectral_radius=0.9),
}


def _x(M, B=7, d=2, seed=0):
    g = torch.Generator().manual_seed(seed)
    return torch.randn(B, d, generator=g).expand(M, B, d).contiguous()


@pytest.mark.parametrize("name", sorted(SPECS))
def test_member_is_the_same_alone_or_in_an_ensemble(name):
    """Member seed 3 has identical tensors, graph and outputs in [3] and in [1, 3, 5]."""
    spec = SPECS[name]
    alone, ens = spec.build(2, 1, [3]), spec.build(2, 1, [1, 3, 5])
    sa, se = alone.state_dict(), ens.state_dict()
    assert sa.keys() == se.keys()
    for k in sa:
        if k == "active_idx":  # CEN's list of units it computes: padded to the ensemble's max
            continue
        torch.testing.assert_close(sa[k][0], se[k][1], rtol=0, atol=0, msg=k)
    if hasattr(alone, "graph"):
        torch.testing.assert_close(alone.graph()[0], ens.graph()[1], rtol=0, atol=0)
    with torch.no_grad():
        torch.testing.assert_close(alone(_x(1))[0], ens(_x(3))[1], rtol=1e-6, atol=1e-6)
    # ... and different seeds give different members.
    assert not torch.equal(se[next(k for k in se if k.startswith("W"))][0],
                           se[next(k for k in se if k.startswith("W"))][1])


@pytest.mark.parametrize("name", sorted(SPECS))
@pytest.mark.parametrize("d_in,n_out", [(2, 1), (1, 1), (64, 10)])
def test_output_shapes(name, d_in, n_out):
    model = SPECS[name].build(d_in, n_out, [0, 1])
    with torch.no_grad():
        out = model(torch.randn(2, 5, d_in))
    assert out.shape == (2, 5, n_out)
    assert model.M == 2


def test_empty_ensemble_rejected():
    with pytest.raises(ValueError):
        DENSE.build(2, 1, [])


# ----------------------------------------------------------------------------- CEN


def test_cen_expander_is_fixed_buffer():
    model = ModelSpec.make("c", "cen", H=128).build(2, 1, [0, 1])
    learned = {n for n, _ in model.named_parameters()}
    buffers = {n for n, _ in model.named_buffers()}
    assert learned == {"W", "b"}
    assert {"E", "E_mask", "c"} <= buffers
    assert model.E.shape == (2, 2, 128)
    # The expander is zero exactly where its mask is, and the note's CEN has no hidden bias.
    assert torch.all(model.E[model.E_mask == 0] == 0)
    assert torch.all(model.E[model.E_mask == 1] != 0)
    assert torch.all(model.c == 0)


def test_cen_mask_density_is_five_percent():
    model = ModelSpec.make("c", "cen", H=512).build(40, 1, [0, 1, 2, 3])
    dens = model.E_mask.mean().item()  # 4 * 40 * 512 = 81920 Bernoulli draws
    assert abs(dens - 0.05) < 0.004


def test_cen_hidden_bias_option():
    on = ModelSpec.make("c", "cen", H=256, hidden_bias=True, bias_std=2.0).build(2, 1, [0])
    assert 1.6 < on.c.std().item() < 2.4
    assert "c" not in dict(on.named_parameters())


def test_cen_features_are_relu_of_expander():
    model = ModelSpec.make("c", "cen", H=32, hidden_bias=True).build(2, 1, [0])
    x = torch.randn(1, 5, 2)
    f = model.features(x)
    torch.testing.assert_close(f, torch.relu(x @ model.E + model.c))
    assert (f >= 0).all()


@pytest.mark.parametrize("hidden_bias", [False, True])
def test_cen_output_is_the_full_readout(hidden_bias):
    """Skipping input-less granule units must not change the function or its gradient,
    including for members whose active set is padded up to the ensemble's largest."""
    spec = ModelSpec.make("c", "cen", H=512, hidden_bias=hidden_bias)
    seeds = list(range(8))
    ens = spec.build(2, 1, seeds)
    x = _x(len(seeds), B=11)
    out = ens(x)
    full = ens.b + ens.features(x) @ ens.W
    torch.testing.assert_close(out, full, rtol=1e-5, atol=1e-5)
    out.sum().backward()
    g_skip = ens.W.grad.clone()
    ens.W.grad = None
    full.sum().backward()
    torch.testing.assert_close(g_skip, ens.W.grad, rtol=1e-5, atol=1e-6)
    for i, s in enumerate(seeds):  # each member also equals itself built alone
        alone = spec.build(2, 1, [s])
        torch.testing.assert_close(alone(x[:1])[0], out[i], rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("d_in,k", [(2, 1), (2, 2), (5, 3), (2, 7)])
def test_min_inputs_guarantees_k_inputs_per_unit(d_in, k):
    g = torch.Generator().manual_seed(0)
    m = sparse_mask(g, d_in, 300, 0.05, min_inputs=k)
    assert m.shape == (d_in, 300)
    assert set(m.unique().tolist()) <= {0.0, 1.0}
    assert m.sum(0).min().item() >= min(k, d_in)
    # Without the option the literal 5% mask leaves most units inputless at d = 2.
    bare = sparse_mask(torch.Generator().manual_seed(0), 2, 300, 0.05)
    assert (bare.sum(0) == 0).float().mean() > 0.8


def test_cen_min_inputs_option_reaches_the_mask():
    model = ModelSpec.make("c", "cen", H=256, min_inputs=1).build(2, 1, [0, 1])
    assert model.E_mask.sum(1).min().item() >= 1


# ----------------------------------------------------------------------------- HSN


def _train(model, steps=15, d=2, lr=0.05):
    """A few Adam steps on random regression targets."""
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    g = torch.Generator().manual_seed(1)
    x = torch.randn(model.M, 32, d, generator=g)
    y = torch.randn(model.M, 32, model.n_out, generator=g)
    for _ in range(steps):
        opt.zero_grad()
        ((model(x) - y) ** 2).mean().backward()
        opt.step()


def test_hsn_dg_mask_entries_stay_zero_under_training():
    model = ModelSpec.make("h", "hsn", dg_min_inputs=1, spectral_radius=0.9).build(2, 1, [0, 1])
    before = model.W_dg.detach().clone()
    off = model.dg_mask == 0
    assert off.any() and (~off).any()
    assert torch.all(before[off] == 0)
    _train(model)
    after = model.W_dg.detach()
    assert torch.all(after[off] == 0)
    assert not torch.allclose(after[~off], before[~off])  # the masked-in entries did learn


def test_hsn_learned_graph_keeps_its_pattern():
    model = ModelSpec.make("h", "hsn", graph_mode="learned", dg_min_inputs=1,
                           spectral_radius=0.9).build(2, 1, [0])
    assert "G_param" in dict(model.named_parameters())
    g0 = model.graph().detach().clone()
    off = model.G_mask == 0
    _train(model)
    g1 = model.graph().detach()
    assert torch.all(g1[off] == 0)
    assert not torch.allclose(g1[~off], g0[~off])
    assert off.sum().item() == 256 - 81  # Sierpinski 16x16: 3^4 edges


def test_hsn_initiator_mode_learns_four_numbers():
    model = ModelSpec.make("h", "hsn", graph_mode="initiator", dg_min_inputs=1).build(2, 1, [0, 1])
    graph_params = {n: p for n, p in model.named_parameters() if n not in
                    {"W_dg", "b_dg", "W_br", "b_br", "W_ca1", "b_ca1"}}
    assert list(graph_params) == ["initiator"]
    assert graph_params["initiator"].shape == (2, 2, 2)  # (M, 2, 2): 4 per member
    # At initialisation the initiator's Kronecker power is the note's graph.
    raw = HSN(2, 1, [0], HSNConfig(dg_min_inputs=1)).graph()
    torch.testing.assert_close(model.graph()[0], raw[0])
    model(_x(2)).pow(2).sum().backward()
    assert model.initiator.grad is not None and model.initiator.grad.abs().sum() > 0
    g0 = model.graph().detach().clone()
    _train(model)
    assert not torch.allclose(model.graph().detach(), g0)


def test_hsn_fixed_graph_is_not_learned():
    model = HSN_NOTE.build(2, 1, [0])
    names = {n for n, _ in model.named_parameters()}
    assert not any("G" in n for n in names)
    g0 = model.graph().clone()
    _train(model)
    torch.testing.assert_close(model.graph(), g0, rtol=0, atol=0)


@pytest.mark.parametrize("T", [0, 1, 5])
def test_hsn_steps(T):
    model = ModelSpec.make("h", "hsn", T=T, dg_min_inputs=1).build(1, 1, [0, 1])
    x = torch.randn(2, 4, 1)
    states = model.states(x)
    assert len(states) == T + 1
    assert all(s.shape == (2, 4, 16) for s in states)
    with torch.no_grad():
        out = model(x)
    torch.testing.assert_close(out, model.b_ca1 + states[-1] @ model.W_ca1)


def test_hsn_input_every_step_changes_dynamics():
    a = ModelSpec.make("a", "hsn", dg_min_inputs=1, spectral_radius=0.9).build(2, 1, [0])
    b = ModelSpec.make("b", "hsn", dg_min_inputs=1, spectral_radius=0.9,
                       input_every_step=True).build(2, 1, [0])
    x = _x(1)
    torch.testing.assert_close(a.states(x)[0], b.states(x)[0])
    assert not torch.allclose(a.states(x)[-1], b.states(x)[-1])


@pytest.mark.parametrize("graph", ["kronecker", "random", "identity"])
def test_spectral_radius_option(graph):
    seeds = [0, 1, 2, 3]
    model = ModelSpec.make("h", "hsn", graph=graph, spectral_radius=0.9).build(2, 1, seeds)
    for m in range(len(seeds)):
        rho = np.abs(np.linalg.eigvals(model.graph()[m].detach().numpy().astype(np.float64))).max()
        assert rho == pytest.approx(0.9, abs=1e-4), f"member {m}"


def test_raw_graph_radius_is_phi_to_the_fourth():
    model = HSN_NOTE.build(2, 1, [0])
    G = model.graph()[0].numpy().astype(np.float64)
    assert set(np.unique(G)) == {0.0, 1.0} and G.sum() == 81
    assert np.abs(np.linalg.eigvals(G)).max() == pytest.approx(PHI ** 4, rel=1e-5)


def test_random_graph_matches_edge_count():
    model = ModelSpec.make("h", "hsn", graph="random").build(2, 1, [0, 1])
    assert model.G_mask.sum(dim=(1, 2)).tolist() == [81.0, 81.0]
    assert not torch.equal(model.G_mask[0], model.G_mask[1])


def test_bad_hsn_configs():
    with pytest.raises(ValueError):
        ModelSpec.make("h", "hsn", activation="gelu").build(2, 1, [0])
    with pytest.raises(ValueError):
        ModelSpec.make("h", "hsn", graph_mode="free").build(2, 1, [0])
    with pytest.raises(ValueError):
        ModelSpec.make("h", "hsn", graph="random", graph_mode="initiator").build(2, 1, [0])
    with pytest.raises(ValueError):
        ModelSpec.make("h", "hsn", T=-1).build(2, 1, [0])


# ----------------------------------------------------------------------------- counts


@pytest.mark.parametrize("spec,d_in,expected", [
    (DENSE, 2, 4417),
    (DENSE, 1, 4353),
    (CEN_NOTE, 2, 513),
    (CEN_NOTE, 1, 513),
    (HSN_NOTE, 2, 641),
    (HSN_NOTE, 1, 609),
    (ModelSpec.make("hl", "hsn", graph_mode="learned"), 2, 897),
    (ModelSpec.make("hl", "hsn", graph_mode="learned"), 1, 865),
    (ModelSpec.make("hn", "hsn", graph_mode="initiator"), 2, 645),
])
def test_learned_counts(spec, d_in, expected):
    assert params.learned_count(spec.build(d_in, 1, [0])) == expected
    assert params.totals(spec, d_in, 1, n_draws=3)["learned_size"] == expected


def test_model_spec():
    s = ModelSpec.make("x", "dense", widths=[8, 8])
    assert s == ModelSpec.make("x", "dense", widths=(8, 8)) and hash(s) == hash(
        ModelSpec.make("x", "dense", widths=(8, 8)))
    assert s.config.widths == (8, 8)
    assert s.as_dict()["family"] == "dense" and s.as_dict()["label"] == "x"
    with pytest.raises(ValueError, match="family"):
        ModelSpec.make("x", "transformer")
    with pytest.raises(ValueError, match="unknown option"):
        ModelSpec.make("x", "cen", widths=(8,))
    with pytest.raises(ValueError, match="unknown option"):
        ModelSpec.make("x", "hsn", H=3)


# ----------------------------------------------------------------------------- mixed stacks

#: Variants of one HSN shape: masks, scales, graph kinds, flags and activations differ.
HSN_VARIANTS = [
    HSN_NOTE,
    ModelSpec.make("relu every", "hsn", activation="relu", input_every_step=True),
    ModelSpec.make("rep", "hsn", dg_min_inputs=1, spectral_radius=0.9),
    ModelSpec.make("r1 relu", "hsn", spectral_radius=1.0, activation="relu"),
    ModelSpec.make("random every", "hsn", graph="random", dg_min_inputs=1, spectral_radius=0.9,
                   input_every_step=True),
    ModelSpec.make("identity", "hsn", graph="identity", spectral_radius=0.9),
]
CEN_VARIANTS = [ModelSpec.make("c", "cen", H=64), ModelSpec.make("cb", "cen", H=64, hidden_bias=True),
                ModelSpec.make("cm", "cen", H=64, min_inputs=1, density=0.2)]


@pytest.mark.parametrize("variants", [HSN_VARIANTS, CEN_VARIANTS, [DENSE, ModelSpec.make("d2", "dense")]],
                         ids=["hsn", "cen", "dense"])
def test_mixed_stack_member_is_its_spec_alone(variants):
    """Member i of a stack of different variants is specs[i] built alone: same tensors, same outputs."""
    specs = [v for v in variants for _ in range(2)]  # each variant with two seeds
    seeds = [s for _ in variants for s in (4, 9)]
    stack = build_stack(specs, 2, 1, seeds)
    assert stack.mixed == (len({v.config for v in variants}) > 1)
    x = _x(len(specs))
    with torch.no_grad():
        out = stack(x)
    for i, (spec, s) in enumerate(zip(specs, seeds)):
        alone = spec.build(2, 1, [s])
        for k, v in alone.state_dict().items():
            if k != "active_idx":
                torch.testing.assert_close(v[0], stack.state_dict()[k][i], rtol=0, atol=0, msg=k)
        with torch.no_grad():
            torch.testing.assert_close(out[i], alone(_x(1))[0], rtol=1e-6, atol=1e-6)
    if variants is HSN_VARIANTS:
        with torch.no_grad():
            states = stack.states(x)
        assert len(states) == HSN_NOTE.config.T + 1 and states[-1].shape == (len(specs), 7, 16)
        relu_rows = [i for i, sp in enumerate(specs) if sp.config.activation == "relu"]
        assert (states[-1][relu_rows] >= 0).all()


def test_stack_rejects_different_shapes():
    with pytest.raises(ValueError, match="tensor shapes"):
        build_stack([HSN_NOTE, ModelSpec.make("T2", "hsn", T=2)], 2, 1, [0, 0])
    with pytest.raises(ValueError, match="tensor shapes"):
        build_stack([ModelSpec.make("a", "cen", H=64), ModelSpec.make("b", "cen", H=128)], 2, 1, [0, 0])
    with pytest.raises(ValueError, match="one model family"):
        build_stack([DENSE, HSN_NOTE], 2, 1, [0, 0])
    assert HSN_NOTE.shape_key == ModelSpec.make("x", "hsn", activation="relu").shape_key
    with pytest.raises(ValueError, match="one variant"):
        build_stack(CEN_VARIANTS, 2, 1, [0, 0, 0]).components()


def test_hsn_members_with_one_kronecker_graph_share_it():
    """Kronecker members at one scale share G (one product); the result is the batched one."""
    rep = ModelSpec.make("rep", "hsn", dg_min_inputs=1, spectral_radius=0.9)
    shared = build_stack([rep, rep, rep], 2, 1, [0, 1, 2])
    assert shared.shared_graph
    x = _x(3)
    with torch.no_grad():
        fast = shared(x)
        shared.shared_graph = False  # the batched path, member by member
        slow = shared(x)
    torch.testing.assert_close(fast, slow, rtol=1e-5, atol=1e-6)
    assert not build_stack([rep, HSN_NOTE], 2, 1, [0, 0]).shared_graph  # two scales
    rnd = ModelSpec.make("rnd", "hsn", graph="random")
    assert not build_stack([rnd, rnd], 2, 1, [0, 1]).shared_graph  # a graph per seed


def test_run_key_groups_hsn_members_by_graph_then_activation():
    from scaffold.models import run_key
    a = ModelSpec.make("a", "hsn", spectral_radius=0.9, activation="relu").config
    b = ModelSpec.make("b", "hsn", spectral_radius=0.9, activation="tanh", dg_min_inputs=1).config
    c = ModelSpec.make("c", "hsn", activation="relu").config
    assert run_key(a)[:2] == run_key(b)[:2] != run_key(c)[:2]
    assert run_key(DENSE.config) == ()


@pytest.mark.parametrize("spec", [DENSE, HSN_NOTE, CEN_NOTE], ids=lambda s: s.label)
def test_member_output_is_that_members_own_forward(spec):
    model = spec.build(2, 1, [0, 1, 2])
    x = np.random.default_rng(0).normal(size=(17, 2)).astype(np.float32)
    with torch.no_grad():
        full = model(torch.as_tensor(x).expand(3, 17, 2).contiguous()).numpy()
    for m in range(3):
        np.testing.assert_allclose(model.member_output(x, m), full[m], rtol=1e-5, atol=1e-6)
    # members differ (different seeds), so picking the member matters
    assert not np.allclose(full[0], full[1])
