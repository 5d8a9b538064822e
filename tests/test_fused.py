"""Hand-written training passes (scaffold.fused): autograd's gradients, bit for bit."""

import numpy as np
import pytest
import torch

from scaffold import fused
from scaffold.models import CEN_NOTE, DENSE, HSN_NOTE, Ensemble, ModelSpec, build_stack
from scaffold.train import Part, TrainConfig, loss_and_grad, loss_fn, train_stack

pytestmark = pytest.mark.usefixtures("one_thread")  # see conftest.py

#: HSN variants that take different branches of the pass: shared graph or batched,
#: mixed activations and input-every-step flags, learned graphs, T = 0, mask modes.
HSN_STACKS = {
    "note": [HSN_NOTE],
    "relu every": [ModelSpec.make("r", "hsn", activation="relu", input_every_step=True, dg_mask="none")],
    "mixed shared": [HSN_NOTE, ModelSpec.make("r", "hsn", activation="relu", input_every_step=True)],
    "mixed batched": [ModelSpec.make("a", "hsn", graph="random", spectral_radius=0.9, dg_min_inputs=1),
                      ModelSpec.make("b", "hsn", activation="relu", dg_mask="init", input_every_step=True),
                      ModelSpec.make("c", "hsn", graph="identity", spectral_radius=0.9)],
    "learned": [ModelSpec.make("l", "hsn", graph_mode="learned", spectral_radius=0.9, input_every_step=True)],
    "initiator": [ModelSpec.make("i", "hsn", graph_mode="initiator", activation="relu")],
    "T0": [ModelSpec.make("t", "hsn", T=0, dg_min_inputs=1)],
    # tanh only: the CPU loop on doubled inputs (scaffold.fused.tanh_of_double), z entering
    # at every step for some members (shared graph) or all of them (batched graphs).
    "tanh every mixed": [HSN_NOTE, ModelSpec.make("e", "hsn", input_every_step=True)],
    "tanh every batched": [ModelSpec.make("e", "hsn", graph="random", spectral_radius=0.9,
                                          input_every_step=True)],
}
STACKS = {"dense": [DENSE], "dense deep": [ModelSpec.make("d", "dense", widths=(8, 8, 8))],
          "cen": [CEN_NOTE], "cen bias": [ModelSpec.make("c", "cen", H=64, hidden_bias=True)],
          **{f"hsn {k}": v for k, v in HSN_STACKS.items()}}


def _stack(specs, d_in=2, n_out=1, seeds=(0, 1)):
    specs = [s for s in specs for _ in seeds]
    return build_stack(specs, d_in, n_out, [s for _ in range(len(specs) // len(seeds)) for s in seeds])


def _data(model, kind, B=16, seed=0):
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(model.M, B, model.d_in, generator=g)
    if kind == "binary":
        y = (torch.rand(model.M, B, 1, generator=g) > 0.5).float()
    elif kind == "regression":
        y = torch.randn(model.M, B, 1, generator=g)
    else:
        y = torch.randint(0, model.n_out, (model.M, B), generator=g)
    if hasattr(model, "fixed_stage"):
        with torch.no_grad():
            x = model.fixed_stage(x)
    return x, y


def _autograd_grads(model, kind, x, y):
    """The reference: the plain forward pass and autograd throughout."""
    model.fused = False
    net = model.readout if hasattr(model, "fixed_stage") else model
    loss = loss_fn(kind, net(x), y)
    grads = torch.autograd.grad(loss.sum(), list(model.parameters()))
    model.fused = True
    return loss.detach(), grads


@pytest.mark.parametrize("name", sorted(STACKS))
@pytest.mark.parametrize("kind,n_out", [("binary", 1), ("regression", 1), ("multiclass", 3)])
def test_training_pass_gives_autograds_gradients_bit_for_bit(name, kind, n_out):
    """One float32 step: the fused pass and autograd on the plain forward agree exactly."""
    model = _stack(STACKS[name], n_out=n_out)
    x, y = _data(model, kind)
    ref_loss, ref = _autograd_grads(model, kind, x, y)
    with torch.no_grad():
        out, back = model.train_pass(x)
    loss, g = loss_and_grad(kind, out, y)
    with torch.no_grad():  # as training runs it (a backward's out= forms record no autograd node)
        grads = back(g)
    assert torch.equal(loss, ref_loss)
    assert len(grads) == len(ref)
    for (pname, _), a, b in zip(model.named_parameters(), grads, ref):
        assert a.shape == b.shape, pname
        assert torch.equal(a, b), f"{pname}: max |diff| {(a - b).abs().max().item():.3g}"
    # ... and through autograd, the pass is one node with the same gradients.
    net = model.readout if hasattr(model, "fixed_stage") else model
    out = net(x)
    assert type(out.grad_fn).__name__ == "PassBackward"
    for a, b in zip(torch.autograd.grad(loss_fn(kind, out, y).sum(), list(model.parameters())), ref):
        assert torch.equal(a, b)


@pytest.mark.parametrize("kind", ["binary", "regression", "multiclass"])
def test_loss_gradient_by_hand_is_autograds(kind):
    g = torch.Generator().manual_seed(3)
    C = 4 if kind == "multiclass" else 1
    out = torch.randn(5, 64, C, generator=g) * 4
    y = torch.randint(0, C, (5, 64), generator=g) if kind == "multiclass" else (
        torch.rand(5, 64, 1, generator=g) > 0.5).float() if kind == "binary" else torch.randn(5, 64, 1, generator=g)
    leaf = out.clone().requires_grad_()
    ref = loss_fn(kind, leaf, y)
    ref.sum().backward()
    loss, grad = loss_and_grad(kind, out, y)
    assert torch.equal(loss, ref.detach()) and torch.equal(grad, leaf.grad)


def _gradcheck(run, inputs):
    assert torch.autograd.gradcheck(lambda *a: fused.Pass.apply(run, *a), inputs, eps=1e-6, atol=1e-5)


@pytest.mark.parametrize("widths,n_out", [((4, 3), 1), ((3,), 2)])
def test_dense_pass_gradcheck(widths, n_out):
    g = torch.Generator().manual_seed(0)
    dims = [2, *widths, n_out]
    wb = []
    for a, b in zip(dims[:-1], dims[1:]):
        wb += [torch.randn(2, a, b, generator=g, dtype=torch.float64), torch.randn(2, 1, b, generator=g,
                                                                                  dtype=torch.float64)]
    x = torch.randn(2, 5, 2, generator=g, dtype=torch.float64)
    _gradcheck(fused.dense_pass, [t.requires_grad_() for t in [x, *wb]])


@pytest.mark.parametrize("n_out", [1, 2])
def test_readout_pass_gradcheck(n_out):
    g = torch.Generator().manual_seed(1)
    f = torch.randn(2, 5, 3, generator=g, dtype=torch.float64).requires_grad_()
    W = torch.randn(2, 6, n_out, generator=g, dtype=torch.float64).requires_grad_()
    b = torch.randn(2, 1, n_out, generator=g, dtype=torch.float64).requires_grad_()
    idx = torch.tensor([[0, 2, 5], [1, 3, 4]])[:, :, None].expand(-1, -1, n_out)
    _gradcheck(fused.readout_pass, [f, W, b, idx])


@pytest.mark.parametrize("T,runs,every,shared", [
    (3, ((0, 2, "tanh"),), False, True),
    (2, ((0, 1, "tanh"), (1, 2, "relu")), None, True),
    (2, ((0, 2, "tanh"),), True, False),
    (2, ((0, 1, "relu"), (1, 2, "tanh")), None, False),
    (0, ((0, 2, "tanh"),), False, True),
])
def test_hsn_pass_gradcheck(T, runs, every, shared):
    """Every input that takes a gradient, the graph G included (learned graphs)."""
    g = torch.Generator().manual_seed(2)

    def r(*shape):
        return torch.randn(*shape, generator=g, dtype=torch.float64)
    d, h_dg, n = 2, 4, 3
    G = r(1, n, n).expand(2, n, n).clone() * 0.5 if shared else r(2, n, n) * 0.5
    dg_use = (torch.rand(2, d, h_dg, generator=g) > 0.3).double()
    z_gain = torch.tensor([1.0, 0.0], dtype=torch.float64).view(2, 1, 1)
    inputs = [r(2, 5, d), r(2, d, h_dg), dg_use, r(2, 1, h_dg), r(2, h_dg, n), r(2, 1, n), G, z_gain,
              r(2, n, 1), r(2, 1, 1)]
    for i in (0, 1, 3, 4, 5, 8, 9) + (() if shared else (6,)):
        inputs[i].requires_grad_()
    _gradcheck(fused.hsn((T, runs, every, shared)), inputs)


def test_states_are_unchanged_and_per_step():
    """HSN.states (the CA3 traces) stays the plain path: T + 1 states, the last one the
    state the fused pass reads out."""
    model = _stack(HSN_STACKS["mixed shared"])
    x, _ = _data(model, "binary")
    with torch.no_grad():
        states = model.states(x)
        out, _ = model.train_pass(x)
    assert len(states) == model.cfg.T + 1
    assert torch.equal(out, fused.affine(states[-1], model.W_ca1, model.b_ca1))


@pytest.mark.parametrize("specs,task", [([DENSE], "sine"), (list(HSN_STACKS["mixed batched"]), "moons"),
                                        ([CEN_NOTE], "circles"), ([DENSE], "digits")])
def test_stack_trains_the_same_members_fused_or_not(specs, task, monkeypatch):
    cfg = TrainConfig(epochs_scale=0.02)
    parts = [Part(s, task, (0, 1)) for s in specs]
    fast = train_stack(parts, cfg)
    monkeypatch.setattr(Ensemble, "fused", False)
    slow = train_stack(parts, cfg)
    for a, b in zip(fast, slow):
        cols = [c for c in a.members.columns if c.endswith(("_loss", "_metric"))]
        assert np.array_equal(a.members[cols].to_numpy(), b.members[cols].to_numpy())
        assert np.array_equal(a.curves[["train_loss", "val_metric"]].to_numpy(),
                              b.curves[["train_loss", "val_metric"]].to_numpy())
    for p, q in zip(fast[0].model.parameters(), slow[0].model.parameters()):
        assert torch.equal(p, q)


def test_tanh_is_tanh_to_float32_rounding():
    """The CPU tanh (2 sigmoid(2x) - 1) is within a few float32 roundings of tanh,
    saturates to exactly +-1, keeps NaN, and has tanh's gradient 1 - y^2."""
    x = torch.cat([torch.linspace(-30, 30, 20001), torch.tensor([0.0, 1e-30, -1e-7, 88.0, -104.0])])
    y = fused.tanh(x)
    assert y.dtype == torch.float32
    assert (y.double() - torch.tanh(x.double())).abs().max() < 4e-7
    assert y[x >= 10].eq(1).all() and y[x <= -10].eq(-1).all()
    assert fused.tanh(torch.tensor([float("nan")])).isnan().all()
    into = torch.empty_like(x)
    assert torch.equal(fused.tanh_into(x, into), y) and torch.equal(into, y)
    xg = x.clone().requires_grad_()
    g = torch.randn_like(x)
    fused.tanh(xg).backward(g)
    assert torch.equal(xg.grad, torch.ops.aten.tanh_backward(g, y))  # autograd's tanh gradient, from y
    assert torch.autograd.gradcheck(fused.tanh, torch.randn(7, dtype=torch.float64, requires_grad=True))


def test_two_s_minus_one_in_one_pass_is_the_two_pass_numbers():
    """2 s - 1 as one add (alpha=2) is bit for bit s * 2 - 1 for s in [0, 1] (what sigmoid
    gives): 2 s is exact, so both round 2 s - 1 once.  (Checked for every float32 in [0, 1]
    when it was written; here every float32 of four binades, and random draws.)"""
    one = torch.tensor(1.0).view(torch.int32).item()
    bits = torch.cat([torch.arange(one - (4 << 23), one + 1, 97, dtype=torch.int32),
                      torch.arange(0, 1 << 16, dtype=torch.int32)])
    s = torch.cat([bits.view(torch.float32), torch.rand(100_000), torch.tensor([0.0, 0.5, 1.0])])
    got = fused._two_minus_one(s, torch.empty_like(s))
    assert torch.equal(got.view(torch.int32), (s * 2 - 1).view(torch.int32))


def test_tanh_off_the_cpu_is_torch_tanh():
    """Off the CPU the activation is torch.tanh itself (one kernel, the device's own)."""
    x = torch.randn(50, device="meta")
    assert fused.tanh(x).device.type == "meta" and fused.tanh_into(x, torch.empty_like(x)).shape == x.shape
