"""Dense MLP, Cerebellar Expansion Network (CEN) and Hippocampal Scaffold Network (HSN).

All three are written as *stacked ensembles*: every tensor carries a leading
member axis M, and ``forward`` maps inputs of shape (M, B, d) to outputs of shape
(M, B, o).  Training 20 members (seeds x learning rates) is then one batched
matrix product per layer instead of 20 tiny ones; training one member is the
same code with M = 1, which is how the one-by-one path is kept for checking.

Each member's tensors are drawn from a generator seeded by (member seed, tensor
name) on the CPU, so member ``s`` is identical whether it is trained alone or
inside any ensemble, on any device.

A stack may also mix *variants* of one architecture: every member can carry its
own config, as long as the configs agree on what fixes the tensor shapes
(:meth:`shape_key`).  Masks, graph scales, graph kinds, activations and the
input-every-step flag then become per-member tensors, so e.g. two dozen HSN
readings x seeds x learning rates train as one ensemble.

The architectures follow section 1 of the note (Nicolini, "The tradeoff").
Where the note is ambiguous, the default takes the most literal reading; each
such place is marked "Reading:" below and listed in the book's section 1.
"""

from __future__ import annotations

import zlib
from dataclasses import asdict, dataclass, field
from functools import lru_cache

import numpy as np
import torch
from torch import nn

from . import graphs
from .fused import ACT_BACKWARD, ACT_INTO, Pass, affine, dense_pass, hsn, readout_pass, tanh

# ----------------------------------------------------------------------------- helpers


def member_generator(seed: int, name: str) -> torch.Generator:
    """The CPU generator of one member's tensor ``name``: a member draws the same
    weights, masks and batch order whichever ensemble it is trained in."""
    g = torch.Generator(device="cpu")
    g.manual_seed(_member_seed(int(seed), name))
    return g


@lru_cache(maxsize=1 << 16)
def _member_seed(seed: int, name: str) -> int:
    # SeedSequence costs ~40 us; a census of a few thousand members asks again and again.
    return int(np.random.SeedSequence([seed, zlib.crc32(name.encode())]).generate_state(1)[0])


def _stack(seeds, name, fn) -> torch.Tensor:
    """Stack ``fn(generator)`` over members, each with its own (seed, name) generator."""
    return torch.stack([fn(member_generator(s, name)) for s in seeds])


def _uniform(shape, bound):
    # PyTorch's nn.Linear default: U(-1/sqrt(fan_in), 1/sqrt(fan_in)) for weight and bias.
    return lambda g: (torch.rand(shape, generator=g) * 2 - 1) * bound


@lru_cache(maxsize=1 << 14)
def _member_uniform(seed: int, name: str, shape: tuple, bound: float) -> torch.Tensor:
    return _uniform(shape, bound)(member_generator(seed, name))


def member_uniform(seeds, name: str, shape, bound: float) -> torch.Tensor:
    """``_stack(seeds, name, _uniform(shape, bound))``, each member's draw made once per
    process (parameter accounting builds the same members for hundreds of variants)."""
    return torch.stack([_member_uniform(int(s), name, tuple(shape), float(bound)) for s in seeds])


def sparse_mask(g: torch.Generator, d_in: int, d_out: int, density: float,
                min_inputs: int = 0) -> torch.Tensor:
    """A (d_in, d_out) 0/1 mask with i.i.d. Bernoulli(density) entries.

    ``min_inputs=k`` then gives every output unit at least k inputs (chosen at
    random).  With the literal 5% density and d_in = 2, a unit has 0.1 inputs on
    average, so about 90% of units receive nothing: that is what the option is for.
    """
    m = (torch.rand(d_in, d_out, generator=g) < density).float()
    k = min(min_inputs, d_in)
    if k <= 0:
        return m
    # Column by column, in order, one randperm per short column (the draws are the
    # generator's stream: kept exactly); the bookkeeping is done in numpy, which for
    # these tiny columns is several times cheaper than torch calls.
    a, inputs = m.numpy(), m.numpy().sum(axis=0)  # a is m's memory: writes land in m
    for j in np.flatnonzero(inputs < k):
        free = np.flatnonzero(a[:, j] == 0)
        pick = free[torch.randperm(len(free), generator=g)[:k - int(inputs[j])].numpy()]
        a[pick, j] = 1.0
    return m


@lru_cache(maxsize=1 << 14)
def _member_mask(seed: int, name: str, d_in: int, d_out: int, density: float, min_inputs: int) -> torch.Tensor:
    return sparse_mask(member_generator(seed, name), d_in, d_out, density, min_inputs)


def member_mask(seed: int, name: str, d_in: int, d_out: int, density: float, min_inputs: int = 0) -> torch.Tensor:
    """One member's :func:`sparse_mask` ``name``: the first draw of its (seed, name) generator.

    Drawn once per process and copied out: parameter accounting builds the same
    few hundred members for each of hundreds of variants (the audit's frontier
    spent 18 s drawing them again), and a mask depends on nothing else.
    """
    return _member_mask(int(seed), name, int(d_in), int(d_out), float(density), int(min_inputs)).clone()


@dataclass
class Component:
    """One weight tensor of a model, per member, for parameter accounting.

    ``size`` is the tensor's number of entries; ``nnz`` the entries that can be
    nonzero (mask applied; mean over members); ``uses`` how often it is applied
    per sample (T for the recurrent graph).
    """

    name: str
    stage: str  # "input", "hidden", "output"
    size: int
    nnz: float
    learned: bool
    is_bias: bool = False
    uses: int = 1


class Ensemble(nn.Module):
    """Base: a stack of ``M = len(seeds)`` members of one architecture.

    ``cfg`` is one config for every member or a sequence of per-member configs
    that share their :func:`shape_key`.  ``self.cfg`` is then member 0's config
    (the shapes, which all members share) and ``self.cfgs`` holds all of them.
    """

    family = "?"
    #: Train through the hand-written passes of :mod:`scaffold.fused` (the same
    #: gradients, without autograd's per-operation bookkeeping): ``train_pass`` for
    #: the training loop, and one autograd node when ``forward`` runs with
    #: gradients on.  False: the plain forward passes throughout.
    fused = True

    def _fused(self) -> bool:
        return self.fused and torch.is_grad_enabled()

    # train_pass(x) -> (out, back): the fused forward; back(g) -> the gradients of
    # self.parameters(), in their order.  Defined by each family.

    def __init__(self, d_in: int, n_out: int, seeds, cfg):
        super().__init__()
        self.d_in, self.n_out, self.seeds = d_in, n_out, [int(s) for s in seeds]
        if not self.seeds:
            raise ValueError("an ensemble needs at least one member seed")
        cfgs = list(cfg) if isinstance(cfg, (list, tuple)) else [cfg] * len(self.seeds)
        if len(cfgs) != len(self.seeds):
            raise ValueError(f"{len(cfgs)} configs for {len(self.seeds)} members")
        if len({shape_key(c) for c in cfgs}) != 1:
            raise ValueError("members of one stack must share their tensor shapes; got "
                             f"{sorted({shape_key(c) for c in cfgs}, key=str)}")
        self.cfg, self.cfgs = cfgs[0], cfgs
        self.mixed = len(set(cfgs)) > 1

    def _per_member(self, attr) -> list:
        return [getattr(c, attr) for c in self.cfgs]

    def _stack_cfg(self, name, fn) -> torch.Tensor:
        """Stack ``fn(generator, member config)`` over members."""
        return torch.stack([fn(member_generator(s, name), c) for s, c in zip(self.seeds, self.cfgs)])

    def _single(self):
        # Parameter accounting averages masks over members: only meaningful when
        # every member is the same variant.
        if self.mixed:
            raise ValueError("components() needs an ensemble of one variant")

    @property
    def M(self) -> int:
        return len(self.seeds)

    def _param(self, name, shape, bound):
        setattr(self, name, nn.Parameter(member_uniform(self.seeds, name, shape, bound)))

    @torch.no_grad()
    def member_output(self, x, member: int) -> np.ndarray:
        """Output (B, o) of member ``member`` on points ``x`` of shape (B, d), in evaluation mode.

        The stacked forward takes (M, B, d): the same points go to every member and
        this member's output is returned as a numpy array.
        """
        self.eval()
        dev = next(iter(self.parameters())).device
        xt = torch.as_tensor(np.asarray(x, dtype=np.float32), device=dev)
        out = self(xt.unsqueeze(0).expand(self.M, *xt.shape).contiguous())
        return out[member].cpu().numpy()

    def components(self) -> list[Component]:  # pragma: no cover - abstract
        raise NotImplementedError


#: What a training pass's backward is asked for (:mod:`scaffold.fused`): no input
#: gradient; the HSN's coupling matrix's only where it is learned.
_PARAMS_ONLY = (False,) + (True,) * 5 + (False,) + (True,) * 8
_PARAMS_AND_G = (False,) + (True,) * 14


#: Per family, the config fields that fix tensor shapes or the computation graph;
#: members may differ in every other field and still share a stack.
SHAPE_FIELDS = {"DenseConfig": ("widths",), "CENConfig": ("H",),
                "HSNConfig": ("h_dg", "h_ca3", "T", "graph_mode")}


def shape_key(cfg) -> tuple:
    """What members must share to be trained in one stack (family and shapes)."""
    name = type(cfg).__name__
    return (name, *(getattr(cfg, f) for f in SHAPE_FIELDS[name]))


#: Per family, the config fields by which a stack's members are best kept together,
#: most important first: a run of HSN members with one graph and scale shares its
#: coupling matrix (one product instead of a batch, see ``HSN.shared_graph``) and a
#: run with one activation applies it in one call (``HSN._mixed_act``).
RUN_FIELDS = {"DenseConfig": (), "CENConfig": (), "HSNConfig": ("graph", "spectral_radius", "activation")}


def run_key(cfg) -> tuple:
    """Sort key that puts members sharing :data:`RUN_FIELDS` next to each other."""
    return tuple(str(getattr(cfg, f)) for f in RUN_FIELDS[type(cfg).__name__])


# ----------------------------------------------------------------------------- dense MLP


@dataclass(frozen=True)
class DenseConfig:
    """Dense ReLU MLP; the note's baseline has two hidden layers of width 64 (eq. 1)."""

    widths: tuple = (64, 64)


class DenseMLP(Ensemble):
    family = "dense"

    def __init__(self, d_in, n_out, seeds, cfg: DenseConfig = DenseConfig()):
        super().__init__(d_in, n_out, seeds, cfg)
        dims = [d_in, *self.cfg.widths, n_out]
        self.n_layers = len(dims) - 1
        for i, (a, b) in enumerate(zip(dims[:-1], dims[1:])):
            self._param(f"W{i}", (a, b), a ** -0.5)
            self._param(f"b{i}", (1, b), a ** -0.5)

    def _wb(self):
        return [getattr(self, f"{k}{i}") for i in range(self.n_layers) for k in "Wb"]

    def train_pass(self, x):
        out, back = dense_pass(x, *self._wb())
        return out, lambda g: back(g, _PARAMS_ONLY)[1:]

    def forward(self, x):
        if self._fused():
            return Pass.apply(dense_pass, x, *self._wb())
        for i in range(self.n_layers):
            x = affine(x, getattr(self, f"W{i}"), getattr(self, f"b{i}"))
            if i < self.n_layers - 1:
                x = torch.relu(x)
        return x

    def components(self):
        out = []
        for i in range(self.n_layers):
            stage = "input" if i == 0 else ("output" if i == self.n_layers - 1 else "hidden")
            w, b = getattr(self, f"W{i}"), getattr(self, f"b{i}")
            out.append(Component(f"W{i}", stage, w[0].numel(), w[0].numel(), True))
            out.append(Component(f"b{i}", stage, b[0].numel(), b[0].numel(), True, True))
        return out


# ----------------------------------------------------------------------------- CEN


@dataclass(frozen=True)
class CENConfig:
    """Cerebellar Expansion Network, note section 1.1.

    Reading: the note's expander has no hidden bias, so each granule unit computes
    ReLU(w . x) with its kink at the origin; ``hidden_bias=True`` adds fixed random
    biases N(0, bias_std^2) (the ELM / random-features convention).  The note gives
    no distribution for the expander's nonzeros: N(0, 1) here.
    """

    H: int = 512
    density: float = 0.05
    hidden_bias: bool = False
    bias_std: float = 1.0
    min_inputs: int = 0


class CEN(Ensemble):
    family = "cen"

    def __init__(self, d_in, n_out, seeds, cfg: CENConfig = CENConfig()):
        super().__init__(d_in, n_out, seeds, cfg)
        H = self.cfg.H
        mask = torch.stack([member_mask(s, "E_mask", d_in, H, c.density, c.min_inputs)
                            for s, c in zip(self.seeds, self.cfgs)])
        self.register_buffer("E", mask * _stack(self.seeds, "E", lambda g: torch.randn(d_in, H, generator=g)))
        self.register_buffer("E_mask", mask)
        # Members without hidden biases get zeros (their draw is still made, so that
        # the other tensors' streams do not depend on the option).
        c = self._stack_cfg("c", lambda g, c: torch.randn(1, H, generator=g) * c.bias_std
                            * float(c.hidden_bias))
        self.register_buffer("c", c)
        self._param("W", (H, n_out), H ** -0.5)
        self._param("b", (1, n_out), H ** -0.5)
        # Without hidden biases a unit with no input is ReLU(0) = 0 for every x: it
        # adds nothing to the output and its readout weight never gets a gradient.
        # With the literal 5% density and d = 2 that is ~90% of the units, so the
        # forward pass skips them (exactly the same function, ~10x less work).
        # Members keep their own active sets, padded with dead units to a common K.
        biased = torch.tensor(self._per_member("hidden_bias")).view(-1, 1)
        active = (mask.sum(dim=1) > 0) | biased  # (M, H)
        K = max(1, int(active.sum(dim=1).max()))
        idx = torch.argsort((~active).float(), dim=1, stable=True)[:, :K]
        self.register_buffer("active_idx", idx.contiguous())

    def features(self, x):
        """All H granule-cell activations, shape (M, B, H)."""
        return torch.relu(torch.baddbmm(self.c, x, self.E))

    def fixed_stage(self, x):
        """The active granule cells' activations, shape (M, B, K): nothing here is learned.

        Training applies it once to every data split and then runs only
        :meth:`readout` (see :func:`scaffold.train.train_stack`), which is the
        point of the architecture: the expansion is paid once, not per step.
        """
        idx = self.active_idx
        E = torch.gather(self.E, 2, idx[:, None, :].expand(-1, self.d_in, -1))
        c = torch.gather(self.c, 2, idx[:, None, :])
        return torch.relu(torch.baddbmm(c, x, E))

    def readout(self, f):
        """The learned linear readout of :meth:`fixed_stage`'s activations."""
        if self._fused():
            return Pass.apply(readout_pass, f, self.W, self.b, self._idx())
        return affine(f, torch.gather(self.W, 1, self._idx()), self.b)

    def _idx(self):
        return self.active_idx[:, :, None].expand(-1, -1, self.n_out)

    def train_pass(self, f):
        """The fused pass of :meth:`readout`: training runs on the fixed stage's output."""
        out, back = readout_pass(f, self.W, self.b, self._idx())
        return out, lambda g: back(g, _PARAMS_ONLY)[1:3]

    def forward(self, x):
        return self.readout(self.fixed_stage(x))

    def components(self):
        self._single()
        H, d, o = self.cfg.H, self.d_in, self.n_out
        return [
            Component("E (expander)", "input", d * H, float(self.E_mask.sum(dim=(1, 2)).mean()), False),
            Component("c (hidden bias)", "input", H if self.cfg.hidden_bias else 0,
                      H if self.cfg.hidden_bias else 0, False, True),
            Component("W_out", "output", H * o, H * o, True),
            Component("b_out", "output", o, o, True, True),
        ]


# ----------------------------------------------------------------------------- HSN


@dataclass(frozen=True)
class HSNConfig:
    """Hippocampal Scaffold Network, note section 1.2 (DG -> CA3 -> CA1).

    Readings taken by the defaults (the note does not specify them):

    - DG: ReLU(x W_dg + b_dg) with W_dg learned under a fixed Bernoulli 5% mask;
      the literal mask can leave DG units, or the whole layer, without input
      (``dg_min_inputs=1`` guarantees one input per unit).  ``dg_mask`` says how
      the mask acts: "enforced" (masked entries stay zero), "init" (they start at
      zero and are then trained like the rest) or "none" (a dense W_dg).  The
      note's 897 / 865 counts count W_dg's full tensor, which only the last two
      make learned.
    - Bridge: a learned dense map DG -> CA3 with bias.  The note never defines it
      but its table 3.3 counts a "bridge" of 544 learned parameters.
    - CA3: h_0 = act(z), h_{t+1} = act(h_t G [+ z if input_every_step]) for T
      steps, z the bridge output; act = tanh (the note speaks of attractors).
    - G: the raw 0/1 Kronecker power of the Sierpinski initiator, *fixed* (the
      note says so repeatedly, yet its 897 count only adds up if G's 256 entries
      are learned: see the parameter section).  ``graph_mode`` = "learned"
      (entries learned on G's mask) or "initiator" (a learned 2x2 initiator whose
      Kronecker power is G).  ``spectral_radius`` rescales G (None: raw,
      radius phi^k, about 6.85 at 16 units).
    - CA1: a learned linear readout with bias.
    """

    h_dg: int = 32
    h_ca3: int = 16
    T: int = 5
    dg_density: float = 0.05
    dg_min_inputs: int = 0
    dg_mask: str = "enforced"  # "enforced" (always), "init" (zeros at the start only) or "none"
    graph: str = "kronecker"  # "kronecker", "random" (same edge count) or "identity"
    graph_mode: str = "fixed"  # "fixed", "learned" or "initiator"
    spectral_radius: float | None = None
    activation: str = "tanh"  # "tanh" or "relu"
    input_every_step: bool = False


#: The CA3 activations (tanh: :func:`scaffold.fused.tanh`, fast on CPU).
ACTIVATIONS = {"tanh": tanh, "relu": torch.relu}


class _RunsAct(torch.autograd.Function):
    """Runs of members with different activations, applied in place of slices.

    Slicing the member axis and concatenating would make autograd allocate (and
    zero) a full-size gradient per run and activation: that was a quarter of a
    mixed stack's step.  Values and gradients are each activation's own.
    """

    @staticmethod
    def forward(ctx, x, runs):
        y = torch.empty_like(x)
        for a, b, name in runs:
            ACT_INTO[name](x[a:b], y[a:b])
        ctx.runs = runs
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, grad):
        (y,) = ctx.saved_tensors
        gx = torch.empty_like(grad)
        for a, b, name in ctx.runs:
            gx[a:b] = ACT_BACKWARD[name](grad[a:b], y[a:b])
        return gx, None


class HSN(Ensemble):
    family = "hsn"

    def __init__(self, d_in, n_out, seeds, cfg: HSNConfig = HSNConfig()):
        super().__init__(d_in, n_out, seeds, cfg)
        for c in set(self.cfgs):
            if c.activation not in ACTIVATIONS:
                raise ValueError(f"activation must be one of {sorted(ACTIVATIONS)}, got {c.activation!r}")
            if c.graph_mode not in ("fixed", "learned", "initiator"):
                raise ValueError(f"graph_mode must be fixed, learned or initiator, got {c.graph_mode!r}")
            if c.graph_mode == "initiator" and c.graph != "kronecker":
                raise ValueError("graph_mode='initiator' needs graph='kronecker'")
            if c.T < 0:
                raise ValueError(f"T must be >= 0, got {c.T}")
        cfg = self.cfg  # the shapes, shared by every member
        h_dg, n = cfg.h_dg, cfg.h_ca3
        # Per-member choices as tensors; a stack of one variant keeps the plain ops.
        # Runs of consecutive members with one activation: (start, stop, function).
        acts = self._per_member("activation")
        cuts = [0] + [i for i in range(1, len(acts)) if acts[i] != acts[i - 1]] + [len(acts)]
        self.act_runs = tuple((a, b, acts[a]) for a, b in zip(cuts[:-1], cuts[1:]))
        self.act = ACTIVATIONS[acts[0]] if len(self.act_runs) == 1 else self._mixed_act
        every = self._per_member("input_every_step")
        self.every_step = all(every) or (None if any(every) else False)  # None: mixed
        self.register_buffer("z_gain", torch.tensor(every, dtype=torch.float32).view(-1, 1, 1))
        mask = torch.stack([member_mask(s, "dg_mask", d_in, h_dg, c.dg_density, c.dg_min_inputs)
                            for s, c in zip(self.seeds, self.cfgs)])
        self.register_buffer("dg_mask", mask)
        modes = self._per_member("dg_mask")
        for m in modes:
            if m not in ("enforced", "init", "none"):
                raise ValueError(f"dg_mask must be 'enforced', 'init' or 'none', got {m!r}")
        ones = torch.ones_like(mask[0])
        # The mask the forward pass applies (enforced members only) and the one the
        # initial weights get (enforced and init members): per member.
        self.register_buffer("dg_use", torch.stack([mk if m == "enforced" else ones
                                                    for mk, m in zip(mask, modes)]))
        self._param("W_dg", (d_in, h_dg), d_in ** -0.5)
        with torch.no_grad():
            self.W_dg.mul_(torch.stack([mk if m != "none" else ones for mk, m in zip(mask, modes)]))
        self._param("b_dg", (1, h_dg), d_in ** -0.5)
        self._param("W_br", (h_dg, n), h_dg ** -0.5)
        self._param("b_br", (1, n), h_dg ** -0.5)
        self._param("W_ca1", (n, n_out), n ** -0.5)
        self._param("b_ca1", (1, n_out), n ** -0.5)

        # Only a random graph depends on the seed: each distinct graph is built, and
        # its radius solved, once (a census of thousands of members asked again and again).
        graph_keys = [(c.graph, s if c.graph == "random" else None) for s, c in zip(self.seeds, self.cfgs)]
        built, radii = {}, {}
        for key in dict.fromkeys(graph_keys):
            built[key] = torch.as_tensor(graphs.make_graph(key[0], n, seed=key[1] or 0), dtype=torch.float32)
            radii[key] = graphs.spectral_radius(built[key].numpy())
        G = torch.stack([built[key] for key in graph_keys])
        self.register_buffer("G_mask", (G != 0).float())
        # One scale per member: random graphs differ between seeds, and member s must
        # not depend on which member happens to come first in the ensemble.
        radius = torch.tensor([radii[key] for key in graph_keys], dtype=torch.float32)
        self.register_buffer("g_scale", torch.stack(
            [(c.spectral_radius / r) if c.spectral_radius else torch.ones(())
             for c, r in zip(self.cfgs, radius)]).view(-1, 1, 1))
        self.k = int(round(np.log(n) / np.log(2))) if cfg.graph_mode == "initiator" else 0
        if cfg.graph_mode == "initiator":
            init = torch.as_tensor(graphs.SIERPINSKI, dtype=torch.float32)
            self.initiator = nn.Parameter(init.expand(self.M, 2, 2).clone())
        elif cfg.graph_mode == "learned":
            self.G_param = nn.Parameter(G * self.g_scale)
        else:
            self.register_buffer("G_fixed", G * self.g_scale)
        # A Kronecker graph does not depend on the seed: members at one scale share
        # their coupling matrix, and h @ G is then one (M*B, n) x (n, n) product
        # instead of M tiny ones (several times faster on CPU; same arithmetic per
        # member up to float rounding).  Random graphs differ per seed: batched.
        self.shared_graph = cfg.graph_mode == "fixed" and bool((self.G_fixed == self.G_fixed[:1]).all())

    def _graph_product(self, h, G):
        """h @ G for every member: one shared product, or batched."""
        # (A factored product through G = B kron C does 8x fewer multiply-adds at 256
        # units but ran no faster here: its 16-wide products are memory-bound.)
        return torch.matmul(h, G[0]) if self.shared_graph else torch.bmm(h, G)

    def _mixed_act(self, x):
        # Each run of members gets its own function (values and gradients exactly
        # those of that activation alone); a stack built by the sweep keeps the
        # members of one activation together, so there are few runs.
        return _RunsAct.apply(x, self.act_runs)

    def graph(self) -> torch.Tensor:
        """The CA3 coupling matrix actually used, shape (M, n, n)."""
        if self.cfg.graph_mode == "fixed":
            return self.G_fixed
        if self.cfg.graph_mode == "learned":
            return self.G_param * self.G_mask
        return torch.stack([graphs.kronecker_from_initiator_torch(a, self.k)
                            for a in self.initiator]) * self.g_scale

    def states(self, x) -> list[torch.Tensor]:
        """CA3 states h_0 .. h_T, each (M, B, h_ca3); used for the dynamics study."""
        u = torch.relu(torch.baddbmm(self.b_dg, x, self.W_dg * self.dg_use))
        z = torch.baddbmm(self.b_br, u, self.W_br)
        h = self.act(z)
        G = self.graph()
        out = [h]
        for _ in range(self.cfg.T):
            pre = self._graph_product(h, G)
            if self.every_step is None:  # mixed: z enters where z_gain is 1
                pre = torch.addcmul(pre, z, self.z_gain)
            elif self.every_step:
                pre = pre + z
            h = self.act(pre)
            out.append(h)
        return out

    def _pass(self, x, G):
        run = hsn((self.cfg.T, self.act_runs, self.every_step, self.shared_graph))
        return run, (x, self.W_dg, self.dg_use, self.b_dg, self.W_br, self.b_br, G, self.z_gain,
                     self.W_ca1, self.b_ca1)

    def train_pass(self, x):
        mode = self.cfg.graph_mode
        if mode == "initiator":  # the initiator's Kronecker power stays autograd's (a few nodes)
            with torch.enable_grad():
                G = self.graph()
        else:
            G = self.graph()
        run, inputs = self._pass(x, G)
        out, back = run(*inputs)

        def grads(g):
            r = back(g, _PARAMS_ONLY if mode == "fixed" else _PARAMS_AND_G)
            out = [r[1], r[3], r[4], r[5], r[8], r[9]]
            if mode == "learned":  # G = G_param * G_mask
                out.append(r[6] * self.G_mask)
            elif mode == "initiator":
                out.append(torch.autograd.grad(G, self.initiator, r[6])[0])
            return out
        return out, grads

    def forward(self, x):
        if self._fused():
            run, inputs = self._pass(x, self.graph())
            return Pass.apply(run, *inputs)
        return affine(self.states(x)[-1], self.W_ca1, self.b_ca1)

    def components(self):
        self._single()
        c, d, o, n = self.cfg, self.d_in, self.n_out, self.cfg.h_ca3
        g_nnz = float(self.G_mask.sum(dim=(1, 2)).mean())
        out = [
            Component("W_dg", "input", d * c.h_dg, float(self.dg_use.sum(dim=(1, 2)).mean()), True),
            Component("b_dg", "input", c.h_dg, c.h_dg, True, True),
            Component("W_bridge", "hidden", c.h_dg * n, c.h_dg * n, True),
            Component("b_bridge", "hidden", n, n, True, True),
        ]
        if c.graph_mode == "initiator":
            out.append(Component("initiator", "hidden", 4, 4, True))
            out.append(Component("G (from initiator)", "hidden", n * n, g_nnz, False, uses=c.T))
        else:
            out.append(Component("G", "hidden", n * n, g_nnz, c.graph_mode == "learned", uses=c.T))
        out += [Component("W_ca1", "output", n * o, n * o, True),
                Component("b_ca1", "output", o, o, True, True)]
        return out


# ----------------------------------------------------------------------------- specs

FAMILIES = {"dense": (DenseMLP, DenseConfig), "cen": (CEN, CENConfig), "hsn": (HSN, HSNConfig)}


@dataclass(frozen=True)
class ModelSpec:
    """A named architecture: family plus config overrides; hashable and JSON-able."""

    label: str
    family: str
    options: tuple = field(default_factory=tuple)  # sorted (key, value) pairs

    @staticmethod
    def make(label: str, family: str, **options) -> "ModelSpec":
        if family not in FAMILIES:
            raise ValueError(f"unknown model family {family!r}; choose one of {sorted(FAMILIES)}")
        cfg_cls = FAMILIES[family][1]
        known = set(cfg_cls.__dataclass_fields__)
        bad = set(options) - known
        if bad:
            raise ValueError(f"unknown option(s) {sorted(bad)} for {family}; known: {sorted(known)}")
        opts = tuple(sorted((k, tuple(v) if isinstance(v, list) else v) for k, v in options.items()))
        return ModelSpec(label, family, opts)

    @property
    def config(self):
        return FAMILIES[self.family][1](**dict(self.options))

    def build(self, d_in: int, n_out: int, seeds) -> Ensemble:
        return FAMILIES[self.family][0](d_in, n_out, seeds, self.config)

    @property
    def shape_key(self) -> tuple:
        """Specs with equal keys can be trained in one stack (:func:`build_stack`)."""
        return shape_key(self.config)

    def as_dict(self) -> dict:
        return dict(label=self.label, family=self.family, **asdict(self.config))


def build_stack(specs, d_in: int, n_out: int, seeds) -> Ensemble:
    """One ensemble whose member i is ``specs[i]`` with seed ``seeds[i]``.

    Member i is the same network (same draws, same function) as member 0 of
    ``specs[i].build(d_in, n_out, [seeds[i]])``.
    """
    families = {s.family for s in specs}
    if len(families) != 1:
        raise ValueError(f"a stack holds one model family, got {sorted(families)}")
    return FAMILIES[specs[0].family][0](d_in, n_out, seeds, [s.config for s in specs])


#: The note's three models with their defaults (CEN at the note's H=512).
DENSE = ModelSpec.make("Dense MLP", "dense")
HSN_NOTE = ModelSpec.make("HSN (literal)", "hsn")
CEN_NOTE = ModelSpec.make("CEN (H=512)", "cen", H=512)
