"""Hand-written training passes: each model's forward and backward without autograd.

For these tiny stacked models a training step is bound by the number of
operations and their bookkeeping, not by arithmetic: autograd records a node
per operation and runs its engine over them on every step.  A *pass* here is a
model's whole forward computation (the HSN's CA3 loop included) that keeps what
its backward needs (the ReLU outputs; the CA3 states h_0 .. h_T, from which
tanh's 1 - h^2 is formed) and returns ``(out, back)``; ``back(g, need)`` gives
the gradient of every input, calling operation for operation what autograd
would call for the plain forward pass and accumulating repeated uses in
autograd's order.  The gradients, hence the trained members, are therefore bit
for bit those of the plain path (``tests/test_fused.py`` checks this, and checks
each backward against autograd with ``gradcheck`` in float64).

Training (:func:`scaffold.train.train_stack`) calls a pass directly, forward
and backward with gradients off, and hands the parameters' gradients to the
optimiser; only the loss goes through autograd; its evaluation (the validation
curve, the final metrics) runs a pass's forward too.  :class:`Pass` makes a pass
one autograd node, so a fused model also trains under any other optimiser; a
backward writes into its own buffers (``out=`` forms, in-place sums), which
autograd cannot record, so the node gives first-order gradients only.  The
plain forward passes in :mod:`scaffold.models` remain the reference, bit for
bit the same numbers: they run whenever a model is called with gradients off
(``HSN.states``, the analyses) or its ``fused`` attribute is False.
Nothing here is CPU-specific.
"""

from __future__ import annotations

from functools import partial

import torch

_threshold_backward = torch.ops.aten.threshold_backward
_tanh_backward = torch.ops.aten.tanh_backward


def affine(x: torch.Tensor, W: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """``x @ W + b`` per member: (M, B, k) x (M, k, n) + (M, 1, n).

    A readout with one output (n = 1: binary and regression tasks) is written as a
    multiply and a sum: batched matrix products with one output column run 2-5x
    slower on CPU (forward and backward) than the element-wise form.  Same
    function; the sum's order, hence the rounding, differs.
    """
    if W.shape[-1] == 1:
        return torch.sum(x * W.transpose(1, 2), dim=-1, keepdim=True) + b
    return torch.baddbmm(b, x, W)


def affine_backward(g, x, W, need_x: bool):
    """Gradients (x, W, b) of :func:`affine` for the output gradient ``g``, computed
    as autograd computes them (same operations, same reduction order)."""
    if W.shape[-1] != 1:
        return baddbmm_backward(g, x, W, need_x)
    gb = g.sum(1, keepdim=True)  # the bias is broadcast over the batch: autograd's sum_to
    gW = (g * x).sum(1, keepdim=True).transpose(1, 2)
    gx = g * W.transpose(1, 2) if need_x else None
    return gx, gW, gb


def baddbmm_backward(g, x, W, need_x: bool):
    """Gradients (x, W, b) of ``torch.baddbmm(b, x, W)`` with b broadcast over the batch."""
    gb = g.sum(1, keepdim=True)
    gW = torch.bmm(x.transpose(1, 2), g)
    gx = torch.bmm(g, W.transpose(1, 2)) if need_x else None
    return gx, gW, gb


class Pass(torch.autograd.Function):
    """A pass as one autograd node: ``Pass.apply(run, *inputs)`` with ``run(*inputs)
    -> (out, back)``; the backward is ``back(g, needs_input_grad)``."""

    @staticmethod
    def forward(ctx, run, *inputs):
        out, ctx.back = run(*inputs)
        return out

    @staticmethod
    def backward(ctx, g):
        return (None, *ctx.back(g, ctx.needs_input_grad[1:]))


# ----------------------------------------------------------------------------- dense MLP


def dense_pass(x, *wb):
    """A dense ReLU MLP on ``(x, W0, b0, W1, b1, ...)``; see the module's docstring."""
    hs = [x]
    n = len(wb) // 2
    for i in range(n):
        a = affine(hs[-1], wb[2 * i], wb[2 * i + 1])
        if i < n - 1:
            a = a.relu_()  # a is fresh: in place, the values of torch.relu(a)
        hs.append(a)
    out, hs = hs[-1], hs[:-1]  # the output is not needed backward

    def back(g, need):
        grads = [None] * (1 + len(wb))
        for i in reversed(range(n)):
            gx, grads[1 + 2 * i], grads[2 + 2 * i] = affine_backward(g, hs[i], wb[2 * i], i > 0 or need[0])
            if i > 0:
                g = _threshold_backward(gx, hs[i], 0)
        grads[0] = gx
        return grads
    return out, back


# ----------------------------------------------------------------------------- CEN readout


def readout_pass(f, W, b, idx):
    """The CEN's learned readout of its active units: affine(f, W gathered at idx, b);
    ``idx`` is (M, K, n_out)."""
    Wg = torch.gather(W, 1, idx)

    def back(g, need):
        gf, gWg, gb = affine_backward(g, f, Wg, need[0])
        # gather's backward: a scatter-add into zeros (autograd's gather_backward).
        gW = g.new_zeros(W.shape).scatter_add_(1, idx, gWg)
        return gf, gW, gb, None
    return affine(f, Wg, b), back


# ----------------------------------------------------------------------------- HSN


#: -1 as a tensor: ``torch.add(_MINUS_ONE, s, alpha=2)`` is 2 s - 1 in one pass.
_MINUS_ONE = torch.tensor(-1.0)


def _two_minus_one(s: torch.Tensor, out: torch.Tensor | None = None) -> torch.Tensor:
    """``2 s - 1`` (written into ``out``, if given) in one pass (``s.mul_(2).sub_(1)`` took two).

    The same float32 numbers: 2 s is exact, so either way 2 s - 1 is rounded once
    (checked for every float32 s in [0, 1], and in ``tests/test_fused.py``).
    """
    return torch.add(_MINUS_ONE, s, alpha=2, out=out)


def tanh_into(x: torch.Tensor, out: torch.Tensor) -> torch.Tensor:
    """tanh(x) written into ``out``: ``torch.tanh`` off the CPU, ``2 sigmoid(2x) - 1`` on it.

    Which is faster depends on the processor (``make bench`` times both: its
    ``tanh`` part).  On the AMD EPYC where this was written PyTorch's CPU tanh took
    3-4x as long as the three passes here (scale, sigmoid, scale-and-shift) and a
    third of an HSN training step; on an Intel Xeon with AVX-512 it takes half as
    long (44 against 95 us on one stack's CA3 states).  The library keeps its own
    on every CPU so that the trained numbers do not depend on the processor's
    choice.  The identity is exact; its float32 rounding stays within 2.4e-7 of
    tanh (absolute; ``torch.tanh`` itself is within 3e-8) and saturates to
    exactly +-1.  The backward pass stays ``1 - y^2`` from the output y
    (:data:`ACT_BACKWARD`), as for tanh.
    """
    if x.device.type != "cpu":
        return torch.tanh(x, out=out)
    return tanh_of_double(torch.mul(x, 2, out=out), out)


def tanh_of_double(x2: torch.Tensor, out: torch.Tensor) -> torch.Tensor:
    """tanh(x) from ``x2`` = 2x (CPU), written into ``out``; ``x2`` is overwritten.

    The HSN's CA3 loop doubles its coupling matrix and input once, so that 2x
    comes out of the product itself (doubling is exact in floating point: the
    same numbers as doubling the product) and the scaling pass of
    :func:`tanh_into` is saved at every step.
    """
    return _two_minus_one(x2.sigmoid_(), out)


def _tanh(x: torch.Tensor) -> torch.Tensor:
    # tanh_into without ``out=`` (which torch.func's vmap cannot batch).
    if x.device.type != "cpu":
        return torch.tanh(x)
    return _two_minus_one((x * 2).sigmoid_())


class Tanh(torch.autograd.Function):
    """:func:`tanh_into`'s function as one autograd node whose backward is tanh's
    (``1 - y^2`` from the output y), so the plain forward pass gets the gradients
    of a fused one; ``torch.func`` transforms (vmap, grad) apply to it too."""

    generate_vmap_rule = True

    @staticmethod
    def forward(x):
        return _tanh(x)

    @staticmethod
    def setup_context(ctx, inputs, output):
        ctx.save_for_backward(output)

    @staticmethod
    def backward(ctx, g):
        (y,) = ctx.saved_tensors
        return _tanh_backward(g, y)


def tanh(x: torch.Tensor) -> torch.Tensor:
    """tanh as :func:`tanh_into` computes it, with tanh's gradient (:class:`Tanh`)."""
    return Tanh.apply(x)


#: Per activation: its forward written into ``out``, and its backward from the output.
ACT_INTO = {"tanh": tanh_into,
            "relu": lambda x, out: torch.clamp_min(x, 0, out=out)}
ACT_BACKWARD = {"tanh": lambda g, y: _tanh_backward(g, y),
                "relu": lambda g, y: _threshold_backward(g, y, 0)}
#: The same backward written into ``out`` (the kernels' out= forms: the same numbers).
ACT_BACKWARD_INTO = {"tanh": lambda g, y, out: _tanh_backward.grad_input(g, y, grad_input=out),
                     "relu": lambda g, y, out: _threshold_backward.grad_input(g, y, 0, grad_input=out)}


def act_into(x, out, runs):
    """Each run (start, stop, name) of rows gets its activation, written into ``out``."""
    if len(runs) == 1:
        return ACT_INTO[runs[0][2]](x, out)
    for a, b, name in runs:
        ACT_INTO[name](x[a:b], out[a:b])
    return out


def act_backward(g, y, runs):
    """The activations' gradient from their outputs ``y``, run by run."""
    if len(runs) == 1:
        return ACT_BACKWARD[runs[0][2]](g, y)
    gx = torch.empty_like(g)
    for a, b, name in runs:
        ACT_BACKWARD_INTO[name](g[a:b], y[a:b], gx[a:b])
    return gx


def hsn_pass(x, W_dg, dg_use, b_dg, W_br, b_br, G, z_gain, W_ca1, b_ca1, *, spec):
    """The whole HSN (DG, bridge, T steps of CA3, CA1 readout).

    ``spec = (T, act_runs, every_step, shared_graph)``: ``act_runs`` are runs of
    members (start, stop, activation), ``every_step`` is True, False or None
    (mixed: z enters where ``z_gain`` is 1) and a shared graph is ``G[0]`` for
    every member.  ``back`` gives no gradient to ``dg_use`` and ``z_gain``; ``G``'s
    is formed only where ``need`` asks for it (a learned graph, or one built from a
    learned initiator).

    With a shared graph the CA3 states are kept as (M * B, n) rows: h @ G is then
    one product, as ``torch.matmul`` folds it, and every element-wise step sees
    the same numbers in the same order as on (M, B, n).
    """
    T, runs, every, shared = spec
    W_use = W_dg * dg_use
    u = torch.baddbmm(b_dg, x, W_use).relu_()
    z = torch.baddbmm(b_br, u, W_br)
    M, B, n = z.shape
    if shared:
        shape, G0 = (M * B, n), G[0]
        runs = tuple((a * B, b * B, name) for a, b, name in runs)
        z_rows, gain = z.view(shape), z_gain.expand(M, B, 1).reshape(M * B, 1)
    else:
        shape, z_rows, gain = z.shape, z, z_gain
    hs = z.new_empty((T + 1, *shape))
    h = hs.unbind(0)
    # Only tanh on a CPU: the loop runs on 2G and 2z, so the products give 2x for
    # tanh_of_double (exactly the doubled numbers: the same states, one pass fewer
    # per step).  Gradients are unchanged: they are taken from the states.
    double = x.device.type == "cpu" and all(name == "tanh" for _, _, name in runs)
    Gp, z_in = (G0 if shared else G), z_rows
    if double:
        Gp = Gp * 2
        if every is not False:  # z enters again: keep 2z
            z_in = z_rows * 2
    if z_in is z_rows:  # z enters once (or the loop is not doubled): h_0 as any activation
        act_into(z_rows, h[0], runs)
    else:  # 2z is at hand: h_0 without the doubling pass
        _two_minus_one(torch.sigmoid(z_in, out=h[0]), h[0])
    for t in range(1, T + 1):
        pre = torch.mm(h[t - 1], Gp) if shared else torch.bmm(h[t - 1], Gp)
        if every is None:
            pre.addcmul_(z_in, gain)
        elif every:
            pre.add_(z_in)
        if double:
            tanh_of_double(pre, h[t])
        else:
            act_into(pre, h[t], runs)
    hT = h[T].view(M, B, n)

    def back(g, need):
        gh, gW_ca1, gb_ca1 = affine_backward(g, hT, W_ca1, True)
        gh = gh.view(shape)
        gz = gG = None  # repeated uses accumulate as autograd adds them: last step first
        Gt = G0.t() if shared else G.transpose(1, 2)
        for t in range(T, 0, -1):
            gp = act_backward(gh, h[t], runs)
            if every is None:
                # gz + gp * gain as one pass: the gain is 0 or 1, so the product is exact
                # and the sum is rounded once either way (the same numbers as autograd's).
                gz = gp * gain if gz is None else gz.addcmul_(gp, gain)
            elif every:
                gz = gp if gz is None else gz.add_(gp)  # in place: gz is this pass's own buffer
            if shared:
                gh = torch.mm(gp, Gt)  # matmul's backward: the folded product
            else:
                gh = torch.bmm(gp, Gt)
                if need[6]:
                    c = h[t - 1].transpose(1, 2).bmm(gp)
                    gG = c if gG is None else gG + c
        g0 = act_backward(gh, h[0], runs)
        gz = (g0 if gz is None else gz.add_(g0)).view(M, B, n)
        gu, gW_br, gb_br = baddbmm_backward(gz, u, W_br, True)
        gu = _threshold_backward(gu, u, 0)
        gx, gW_use, gb_dg = baddbmm_backward(gu, x, W_use, need[0])
        return gx, gW_use * dg_use, None, gb_dg, gW_br, gb_br, gG, None, gW_ca1, gb_ca1
    return affine(hT, W_ca1, b_ca1), back


def hsn(spec):
    """:func:`hsn_pass` for one ``spec``, as a pass of tensors only."""
    return partial(hsn_pass, spec=spec)
