"""Training: Adam on many stacked members at once.

The note's protocol (section 2): Adam, 512 training points, 100 epochs (200 for
regression), learning rate picked from {0.01, 0.02} on the 256-point validation
set.  It does not state the minibatch size: 64 here (8 steps per epoch).  Losses:
binary cross-entropy on one logit, mean squared error for regression, softmax
cross-entropy for digits.  Metrics: accuracy, or MSE for regression.

A *member* is one (seed, learning rate) pair.  Members that share a seed share
their data, initialisation and batch order, so that the two learning rates are a
paired comparison.  All members are trained together by :func:`train_ensemble`;
because every member's loss depends only on its own weights, the summed loss gives
each member exactly its own gradient, and :class:`StackedAdam` (element-wise, with
one learning rate per member) gives exactly its own update.  Training members one
at a time (``M = 1``) is the same code path, kept for checking.

The models' hand-written passes (:mod:`scaffold.fused`) give those gradients
without autograd's per-operation bookkeeping, bit for bit; autograd then
differentiates only the loss, and only for softmax cross-entropy.
"""

from __future__ import annotations

import gc
import time
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from functools import lru_cache

import numpy as np
import pandas as pd
import torch
import torch.nn.functional as F

from .cudagraph import run_epochs
from .data import make_dataset
from .models import Ensemble, ModelSpec, build_stack, member_generator


@dataclass(frozen=True)
class TrainConfig:
    """The training protocol; defaults are the note's (batch size is our choice)."""

    epochs: int = 100
    regression_epochs: int = 200
    batch_size: int = 64
    lrs: tuple = (0.01, 0.02)
    epochs_scale: float = 1.0  # the "quick" profile uses 0.1
    # The validation metric after every epoch (a learning curve).  It changes no member:
    # without it the curves' val_metric is NaN and training skips a forward pass over
    # the validation split per epoch (a sixth of a 160-member HSN stack's training time).
    val_curve: bool = True

    def n_epochs(self, kind: str) -> int:
        base = self.regression_epochs if kind == "regression" else self.epochs
        return max(1, int(round(base * self.epochs_scale)))


_TINY = torch.finfo(torch.float32).tiny


class StackedAdam:
    """Adam (Kingma & Ba 2015) over stacked tensors with one learning rate per member.

    Reproduces ``torch.optim.Adam``'s arithmetic exactly (same bias correction and
    epsilon placement), so a one-member ensemble matches the stock optimiser.

    All parameters are moved into one flat (M, P) buffer (each parameter becomes a
    view of it), so a step is a handful of element-wise kernels on one tensor
    instead of a handful per parameter: for these tiny models the per-kernel
    overhead, not the arithmetic, is what costs.

    The step count lives on the device, and the bias corrections are looked up in
    tables made once (in the parameters' dtype, each rounded from the float64
    value as a Python scalar would be), so a step reads no Python-side state: a CUDA graph can
    replay it (:mod:`scaffold.cudagraph`).  ``steps`` sizes the tables; eager
    steps past it extend them, captured ones cannot.
    """

    def __init__(self, params, lr: torch.Tensor, betas=(0.9, 0.999), eps=1e-8, steps: int = 1000):
        self.params = [p for p in params if p.requires_grad]
        M = self.params[0].shape[0]
        self.lr = lr.reshape(M, 1)
        (self.b1, self.b2), self.eps, self.t = betas, eps, 0
        with torch.no_grad():
            self.flat = torch.cat([p.detach().reshape(M, -1) for p in self.params], 1)
            off = 0
            for p in self.params:
                n = p[0].numel()
                p.data = self.flat[:, off:off + n].view(p.shape)
                off += n
        self.m = torch.zeros_like(self.flat)
        self.v = torch.zeros_like(self.flat)
        # Work buffers: the step writes its temporaries here instead of allocating.
        self._g, self._denom, self._num = (torch.empty_like(self.flat) for _ in range(3))
        self.step_t = torch.zeros(1, dtype=torch.long, device=self.flat.device)
        self._bias_tables(steps)

    def _bias_tables(self, steps: int) -> None:
        # Entry t: 1 - b1^t and sqrt(1 - b2^t) (entry 0 is never read), in the
        # parameters' dtype, as a Python scalar is cast when it meets them.
        t, like = range(steps + 1), dict(dtype=self.flat.dtype, device=self.flat.device)
        self._bc1 = torch.tensor([1.0] + [1 - self.b1 ** i for i in t[1:]], **like)
        self._sqrt_bc2 = torch.tensor([1.0] + [(1 - self.b2 ** i) ** 0.5 for i in t[1:]], **like)

    @torch.no_grad()
    def step(self, grads=None):
        """One update from the parameters' ``.grad`` (cleared), or from ``grads``
        given in the order of ``params``."""
        self.t += 1  # eager steps only (a replayed graph does not run Python)
        if self.t >= len(self._bc1) and not _capturing(self.flat.device):
            self._bias_tables(2 * self.t)
        self.step_t.add_(1)
        bc1 = self._bc1.index_select(0, self.step_t)
        sqrt_bc2 = self._sqrt_bc2.index_select(0, self.step_t)
        M = self.flat.shape[0]
        g = torch.cat([g.reshape(M, -1) for g in (grads or [p.grad for p in self.params])], 1, out=self._g)
        self.m.lerp_(g, 1 - self.b1)
        self.v.mul_(self.b2).addcmul_(g, g, value=1 - self.b2)
        # sqrt(v) / sqrt(bc2) + eps, with v clamped to the smallest normal float first:
        # on CPU, sqrt of zeros (weights that never get a gradient: masked or dead
        # units, 14-90% of v here) runs up to 8x slower than of normal numbers.  The
        # clamp changes nothing: sqrt(tiny) / sqrt(bc2) <= 3.4e-18 is below half an
        # ulp of eps (4.4e-16), so the sum rounds to eps exactly as 0 + eps does.
        denom = torch.clamp_min(self.v, _TINY, out=self._denom).sqrt_().div_(sqrt_bc2).add_(self.eps)
        self.flat.addcdiv_(torch.mul(self.m, self.lr / bc1, out=self._num), denom, value=-1.0)
        if grads is None:
            for p in self.params:
                p.grad = None


#: Rows (members x samples) an evaluation pass takes at once on a CPU: a 160-member
#: stack's training batch.  See :func:`in_batches`.
EVAL_ROWS = 160 * 64


def in_batches(f, M: int, B: int, device: torch.device):
    """``f`` over a stacked split (M, N, ...) in chunks of whole batches of B samples,
    at most :data:`EVAL_ROWS` rows a chunk, on a CPU; ``f`` itself elsewhere.

    Evaluating a split at once made every activation of a large stack outgrow
    the caches: a 160-member HSN's validation pass after each epoch cost twice
    what four training-sized passes do (12.5 ms against 5.8 ms here), over a
    quarter of its training time.  Each sample's output is computed from that
    sample alone, by the same products, so the outputs are those of one pass over
    the whole split: every member and learning-curve value of the book's plan
    was bit for bit the same (the speed issue's closing note).  A GPU keeps one
    pass: there a step costs its kernel launches, not its size.
    """
    if device.type != "cpu":
        return f
    n = B * max(1, EVAL_ROWS // (M * B))

    def run(x):
        if x.shape[1] <= n:
            return f(x)
        return torch.cat([f(c) for c in x.split(n, 1)], 1)
    return run


def _capturing(device: torch.device) -> bool:
    return device.type == "cuda" and torch.cuda.is_current_stream_capturing()


def keep_freed_memory() -> bool:
    """Ask glibc to keep freed memory instead of returning it to the OS.

    By default glibc serves every block above 128 KiB with a fresh ``mmap`` and
    unmaps it on free, so each (M, B, H) activation of a stacked ensemble costs
    page faults on every step; on CPU that doubled the time of a CEN step here.
    Raising the mmap and trim thresholds (as ``MALLOC_MMAP_THRESHOLD_`` would) is
    the standard remedy.  Linux/glibc only; elsewhere a no-op.  Returns whether it
    took effect.
    """
    global _MALLOPT_DONE
    if _MALLOPT_DONE is None:
        try:
            import ctypes
            libc = ctypes.CDLL("libc.so.6")
            M_TRIM_THRESHOLD, M_MMAP_THRESHOLD = -1, -3
            _MALLOPT_DONE = bool(libc.mallopt(M_MMAP_THRESHOLD, 1 << 29)
                                 and libc.mallopt(M_TRIM_THRESHOLD, 1 << 30))
        except (OSError, AttributeError):
            _MALLOPT_DONE = False
    return _MALLOPT_DONE


_MALLOPT_DONE = None


@contextmanager
def flush_denormals(device: torch.device):
    """Flush denormal floats to zero (x86 FTZ and DAZ) on this thread while training on CPU.

    Adam's first moment of a weight that no longer gets a gradient (a dead ReLU
    unit's) decays by 0.9 a step and, some 700 steps in, falls below float32's
    smallest normal number (1.2e-38).  On the Intel Xeon we measured, an
    element-wise pass over denormal data ran 13-27x slower than over normal ones
    (microcode assists), and a third of a dense sine stack's first moments were
    denormal: the flag saved 29% of that stack.

    It changes a number only where a denormal would be read or written.  Such a
    first moment moves a weight by at most 10 lr x 1.2e-38 / eps (2.4e-31 at
    lr = 0.02: the bias correction divides by at least 0.1), which rounds away on
    any weight larger than about 4e-24.  Checked: every member and learning-curve
    value of the book's plan is bit for bit what it was without the flag (the
    speed issue's closing note).  PyTorch cannot read the flag back, so it is
    cleared afterwards (its default).  The flag is per thread: with more than one
    intra-op thread the others compute as without it.
    """
    on = device.type == "cpu" and torch.set_flush_denormal(True)
    try:
        yield on
    finally:
        if on:
            torch.set_flush_denormal(False)


@contextmanager
def _gc_paused():
    """Python's cyclic garbage collector off for the training loop.

    Each step makes a few hundred short-lived Python objects (tensor handles,
    autograd records), so the collector ran every few steps and, now and then,
    traversed every object of the process (pandas, scikit-learn, ...): up to a
    seventh of a stacked HSN run.  The loop makes no reference cycles; whatever
    else does is collected when the collector is back on.
    """
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def loss_fn(kind: str, out: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Per-member mean loss, shape (M,)."""
    if kind == "binary":
        return F.binary_cross_entropy_with_logits(out, y, reduction="none").mean(dim=(1, 2))
    if kind == "regression":
        return ((out - y) ** 2).mean(dim=(1, 2))
    M, B, C = out.shape
    return F.cross_entropy(out.reshape(M * B, C), y.reshape(-1), reduction="none").view(M, B).mean(1)


@lru_cache(maxsize=None)
def _mean_scale(n: int, dtype, device) -> torch.Tensor:
    """1 / n as the mean's backward forms it (a tensor of ones divided by n)."""
    return torch.ones((), dtype=dtype, device=device) / n


def loss_and_grad(kind: str, out: torch.Tensor, y: torch.Tensor):
    """Per-member loss (as :func:`loss_fn`) and the gradient of its sum with respect
    to ``out``, bit for bit what ``loss_fn(...).sum().backward()`` delivers to ``out``.

    Binary and regression losses are differentiated by hand with autograd's own
    operations (the mean's 1/n is float32's, as autograd divides); autograd's engine
    cost more than the rest of a small model's step.  Softmax cross-entropy goes
    through autograd.
    """
    if kind == "multiclass":
        out = out.detach().requires_grad_()
        with torch.enable_grad():
            loss = loss_fn(kind, out, y)
            (g,) = torch.autograd.grad(loss.sum(), out)
        return loss.detach(), g
    with torch.no_grad():
        loss = loss_fn(kind, out, y)
        scale = _mean_scale(out.shape[1] * out.shape[2], out.dtype, out.device)
        if kind == "binary":  # (sigmoid(out) - y) * grad
            return loss, torch.sigmoid(out).sub_(y).mul_(scale)
        return loss, ((out - y) * 2.0).mul_(scale)  # grad * (2 * (out - y) ** 1)


def metric_fn(kind: str, out: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Per-member accuracy (classification) or MSE (regression), shape (M,)."""
    if kind == "binary":
        return ((out > 0).float() == y).float().mean(dim=(1, 2))
    if kind == "regression":
        return ((out - y) ** 2).mean(dim=(1, 2))
    return (out.argmax(-1) == y).float().mean(1)


def higher_is_better(kind: str) -> bool:
    return kind != "regression"


#: Columns of the per-member table and of the learning curves (the sweep cache
#: checks stored entries against these).
MEMBER_COLUMNS = ("task", "model", "family", "seed", "lr", "epochs", "batch_size", "embed_dim",
                  "train_loss", "train_metric", "val_loss", "val_metric", "test_loss", "test_metric",
                  "diverged")
CURVE_COLUMNS = ("task", "model", "seed", "lr", "epoch", "train_loss", "val_metric")


@dataclass
class TrainResult:
    """Outcome of one ensemble run: per-member table, learning curves, the model.

    From :func:`train_stack`, ``model`` is the whole stack the part was trained in.
    """

    members: pd.DataFrame
    curves: pd.DataFrame
    model: Ensemble
    datasets: dict = field(repr=False, default_factory=dict)
    seconds: float = 0.0


@dataclass(frozen=True)
class Part:
    """One model spec on one task (and data options) inside a stack: seeds x lrs members."""

    spec: ModelSpec
    task: str
    seeds: tuple
    data_options: tuple = ()  # sorted (key, value) pairs for make_dataset
    embed_dim: int | None = None

    def data_key(self, seed) -> tuple:
        return (self.task, self.data_options, self.embed_dim, int(seed))


def _stack(datasets, attr, device):
    # Floating data goes to the device as float32 (MPS has no float64), labels as they are.
    t = torch.stack([torch.as_tensor(getattr(d, attr)) for d in datasets])
    return (t.float() if t.is_floating_point() else t).to(device)


def train_ensemble(spec: ModelSpec, task: str, seeds, cfg: TrainConfig = TrainConfig(),
                   device="cpu", data_options: dict | None = None, embed_dim: int | None = None,
                   datasets: dict | None = None) -> TrainResult:
    """Train ``spec`` on ``task`` for every (seed, lr) in ``seeds x cfg.lrs`` at once.

    ``datasets`` (seed -> Dataset) reuses data already drawn.
    """
    part = Part(spec, task, tuple(int(s) for s in seeds),
                tuple(sorted((data_options or {}).items())), embed_dim)
    given = {part.data_key(s): d for s, d in (datasets or {}).items()}
    return train_stack([part], cfg, device, given)[0]


def train_stack(parts, cfg: TrainConfig = TrainConfig(), device="cpu",
                datasets: dict | None = None, build=build_stack,
                graphs: bool | None = None) -> list[TrainResult]:
    """Train several parts as ONE stacked ensemble; one result per part.

    The parts' specs must share a family and tensor shapes (``spec.shape_key``),
    and their tasks the kind of loss, the input and output sizes and the number of
    epochs.  Every member's data, initialisation and batch order depend only on
    its own (task, seed, spec), and its loss only on its own weights, so each
    part's result is the one :func:`train_ensemble` gives it alone (up to float
    rounding in batched products).  ``build`` makes the stacked model from
    (specs, d_in, n_out, seeds) per member; the benchmark swaps in other engines.
    ``graphs``: replay the epochs as a CUDA graph (default: on CUDA; see
    :mod:`scaffold.cudagraph`).
    """
    device = torch.device(device)
    if device.type == "cpu":
        keep_freed_memory()
    t0 = time.perf_counter()
    datasets = dict(datasets or {})
    for part in parts:
        for s in part.seeds:
            if part.data_key(s) not in datasets:
                datasets[part.data_key(s)] = make_dataset(part.task, s, embed_dim=part.embed_dim,
                                                          **dict(part.data_options))
    # A member: (part index, seed, lr); a part's members are contiguous.
    members = [(i, s, lr) for i, part in enumerate(parts) for s in part.seeds for lr in cfg.lrs]
    ds = [datasets[parts[i].data_key(s)] for i, s, _ in members]
    shapes = {(d.kind, d.n_out, d.d_in, len(d.x_train)) for d in ds}
    if len(shapes) != 1:
        raise ValueError(f"parts of one stack need the same task kind and sizes, got {sorted(shapes)}")
    kind, n_out, d_in, N = shapes.pop()
    xtr, ytr = _stack(ds, "x_train", device), _stack(ds, "y_train", device)
    xva, yva = _stack(ds, "x_val", device), _stack(ds, "y_val", device)
    xte, yte = _stack(ds, "x_test", device), _stack(ds, "y_test", device)

    model = build([parts[i].spec for i, _, _ in members], d_in, n_out,
                  [s for _, s, _ in members]).to(device)
    # A model whose first stage is fixed (the CEN's expander) has it applied once to
    # every split; the steps then run only the learned part.  Same function, and the
    # expansion costs one pass over the data instead of one per step.
    net = model
    if hasattr(model, "fixed_stage"):
        with torch.no_grad():
            xtr, xva, xte = (model.fixed_stage(x) for x in (xtr, xva, xte))
        net = model.readout
    # A model with hand-written passes (scaffold.fused) trains without autograd's
    # bookkeeping: its pass gives the parameters' gradients, autograd only the loss's.
    fused = getattr(model, "fused", False) and hasattr(model, "train_pass")
    # Evaluation (the validation curve, the final metrics) runs the fused pass's forward
    # too: the plain forward's numbers (tests/test_fused.py), with fewer passes and no
    # autograd records; the HSN's plain CA3 loop took a fifth of its stack's time here.
    evaluate = in_batches((lambda x: model.train_pass(x)[0]) if fused else net, len(members), cfg.batch_size,
                          device)
    lr = torch.tensor([lr for _, _, lr in members], dtype=torch.float32, device=device)

    n_epochs, B = cfg.n_epochs(kind), cfg.batch_size
    steps = [slice(i, min(i + B, N)) for i in range(0, N, B)]  # what split(B) cuts
    opt = StackedAdam(model.parameters(), lr, steps=n_epochs * len(steps))
    # Batch order: one generator per seed, so members sharing a seed see the same
    # batches and a member's order does not depend on the ensemble around it.
    seeds = sorted({s for _, s, _ in members})
    order = {s: member_generator(s, "batches") for s in seeds}
    # One permutation per seed and epoch, shared by that seed's members (drawing one
    # per member made a member's batches depend on how many lrs were stacked with it).
    epoch_perms = [{s: torch.randperm(N, generator=g) for s, g in order.items()} for _ in range(n_epochs)]
    row_of = {s: k for k, s in enumerate(seeds)}
    pick = torch.tensor([row_of[s] for _, s, _ in members])
    perms = torch.stack([torch.stack([p[s] for s in seeds])[pick] for p in epoch_perms]).to(device)
    step_loss = torch.zeros(n_epochs, len(steps), len(members), device=device)
    curve_val = torch.full((n_epochs, len(members)), float("nan"), device=device)
    # Rows of member m live at m * N + row in the flattened (M * N, ...) splits.
    perms = perms + (torch.arange(len(members), device=device) * N)[None, :, None]
    xflat, yflat = xtr.flatten(0, 1), ytr.flatten(0, 1)
    # The epoch reads its number from a device counter, not from Python, so that a
    # CUDA graph can replay it (scaffold.cudagraph); on CPU it is an ordinary loop.
    epoch_t = torch.zeros(1, dtype=torch.long, device=device)

    def epoch():
        # The epoch's batches are copied out of the flattened splits at once, by one
        # index_select per split (take_along_dim would expand the index to every
        # column and wrap it, which cost more than a CEN step); each step then takes
        # a view of them.
        idx = perms.index_select(0, epoch_t).flatten()
        xs = xflat.index_select(0, idx).unflatten(0, perms.shape[1:]).split(B, 1)
        ys = yflat.index_select(0, idx).unflatten(0, perms.shape[1:]).split(B, 1)
        losses = []
        for xb, yb in zip(xs, ys):
            if fused:
                with torch.no_grad():
                    out, back = model.train_pass(xb)
                loss, g = loss_and_grad(kind, out, yb)
                with torch.no_grad():  # a pass's backward uses the parameters: with grad mode
                    grads = back(g)    # on, autograd recorded a node for each such operation
                opt.step(grads)
            else:
                loss = loss_fn(kind, net(xb), yb)
                loss.sum().backward()
                opt.step()
            losses.append(loss.detach())
        with torch.no_grad():
            step_loss.index_copy_(0, epoch_t, torch.stack(losses)[None])
            if cfg.val_curve:
                curve_val.index_copy_(0, epoch_t, metric_fn(kind, evaluate(xva), yva)[None])
        epoch_t.add_(1)

    with _gc_paused(), flush_denormals(device):
        run_epochs(epoch, n_epochs, device, graphs)
    # Epoch training loss: the step losses weighted by batch size, summed in step order.
    curve_loss = torch.zeros(n_epochs, len(members), device=device)
    for i, sl in enumerate(steps):
        curve_loss += step_loss[:, i] * ((sl.stop - sl.start) / N)

    with torch.no_grad():
        ev = {}
        for name, x, y in (("train", xtr, ytr), ("val", xva, yva), ("test", xte, yte)):
            out = evaluate(x)
            ev[name] = (loss_fn(kind, out, y).cpu(), metric_fn(kind, out, y).cpu())
    seconds = time.perf_counter() - t0
    cl, cv = curve_loss.cpu().numpy(), curve_val.cpu().numpy()
    results, lo_m = [], 0
    for i, part in enumerate(parts):
        n = len(part.seeds) * len(cfg.lrs)
        ms = slice(lo_m, lo_m + n)
        rows = []
        for m in range(ms.start, ms.stop):
            _, s, lr_m = members[m]
            row = dict(task=part.task, model=part.spec.label, family=part.spec.family, seed=s, lr=lr_m,
                       epochs=n_epochs, batch_size=B, embed_dim=part.embed_dim or d_in)
            for name, (lo, me) in ev.items():
                row[f"{name}_loss"], row[f"{name}_metric"] = float(lo[m]), float(me[m])
            row["diverged"] = not np.isfinite(row["train_loss"])
            rows.append(row)
        mseeds = [s for _, s, _ in members[ms]]
        mlrs = [lr_m for _, _, lr_m in members[ms]]
        curves = pd.DataFrame(dict(
            task=part.task, model=part.spec.label,
            seed=np.tile(mseeds, n_epochs), lr=np.tile(mlrs, n_epochs),
            epoch=np.repeat(np.arange(1, n_epochs + 1), n),
            train_loss=cl[:, ms].reshape(-1), val_metric=cv[:, ms].reshape(-1)))
        # Wall time shared out by member count: the stack trains its members together.
        results.append(TrainResult(pd.DataFrame(rows, columns=list(MEMBER_COLUMNS)),
                                   curves[list(CURVE_COLUMNS)], model,
                                   {s: datasets[part.data_key(s)] for s in part.seeds},
                                   seconds * n / len(members)))
        lo_m += n
    return results


def train_one_by_one(spec: ModelSpec, task: str, seeds, cfg: TrainConfig = TrainConfig(),
                     device="cpu", **kw) -> TrainResult:
    """The reference path: each (seed, lr) member trained alone (M = 1)."""
    t0 = time.perf_counter()
    parts = [train_ensemble(spec, task, [s], replace(cfg, lrs=(lr,)), device, **kw)
             for s in seeds for lr in cfg.lrs]
    return TrainResult(pd.concat([p.members for p in parts], ignore_index=True),
                       pd.concat([p.curves for p in parts], ignore_index=True),
                       parts[-1].model, {}, time.perf_counter() - t0)
