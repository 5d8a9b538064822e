"""Dense MLP, Cerebellar Expansion Network (CEN) and Hippocampal Scaffold Network (HSN).

All three are written as *stacked ensembles*: every tensor carries a leading
member axis M, and ``forward`` maps inputs of shape (M, B, d) to outputs of shape
(M, B, o).  Training 20 members (seeds x learning rates) is then one batched
matrix product per layer instead of 20 tiny ones; training one member is the
same code with M = 1, which is how the one-by-one path is kept for checking.

Each member's tensors are drawn from a generator seeded by (member seed, tensor
name) on the CPU, so member ``s`` is identical whether it is trained alone or
inside any ensemble, on any device.

The architectures follow section 1 of the note (Nicolini, "The tradeoff").
Where the note is ambiguous, the default takes the most literal reading; each
such place is marked "Reading:" below and listed in the book's section 1.
"""

from __future__ import annotations

import zlib
from dataclasses import asdict, dataclass, field

import numpy as np
import torch
from torch import nn

from . import graphs

# ----------------------------------------------------------------------------- helpers


def _gen(seed: int, name: str) -> torch.Generator:
    g = torch.Generator(device="cpu")
    g.manual_seed(int(np.random.SeedSequence([int(seed), zlib.crc32(name.encode())])
                      .generate_state(1)[0]))
    return g


def _stack(seeds, name, fn) -> torch.Tensor:
    """Stack ``fn(generator)`` over members, each with its own (seed, name) generator."""
    return torch.stack([fn(_gen(s, name)) for s in seeds])


def _uniform(shape, bound):
    # PyTorch's nn.Linear default: U(-1/sqrt(fan_in), 1/sqrt(fan_in)) for weight and bias.
    return lambda g: (torch.rand(shape, generator=g) * 2 - 1) * bound


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
    for j in range(d_out):
        short = k - int(m[:, j].sum())
        if short > 0:
            free = torch.nonzero(m[:, j] == 0).flatten()
            pick = free[torch.randperm(len(free), generator=g)[:short]]
            m[pick, j] = 1.0
    return m


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
    """Base: a stack of ``M = len(seeds)`` members of one architecture."""

    family = "?"

    def __init__(self, d_in: int, n_out: int, seeds):
        super().__init__()
        self.d_in, self.n_out, self.seeds = d_in, n_out, [int(s) for s in seeds]
        if not self.seeds:
            raise ValueError("an ensemble needs at least one member seed")

    @property
    def M(self) -> int:
        return len(self.seeds)

    def _param(self, name, shape, bound):
        setattr(self, name, nn.Parameter(_stack(self.seeds, name, _uniform(shape, bound))))

    def components(self) -> list[Component]:  # pragma: no cover - abstract
        raise NotImplementedError


# ----------------------------------------------------------------------------- dense MLP


@dataclass(frozen=True)
class DenseConfig:
    """Dense ReLU MLP; the note's baseline has two hidden layers of width 64 (eq. 1)."""

    widths: tuple = (64, 64)


class DenseMLP(Ensemble):
    family = "dense"

    def __init__(self, d_in, n_out, seeds, cfg: DenseConfig = DenseConfig()):
        super().__init__(d_in, n_out, seeds)
        self.cfg = cfg
        dims = [d_in, *cfg.widths, n_out]
        self.n_layers = len(dims) - 1
        for i, (a, b) in enumerate(zip(dims[:-1], dims[1:])):
            self._param(f"W{i}", (a, b), a ** -0.5)
            self._param(f"b{i}", (1, b), a ** -0.5)

    def forward(self, x):
        for i in range(self.n_layers):
            x = torch.baddbmm(getattr(self, f"b{i}"), x, getattr(self, f"W{i}"))
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
        super().__init__(d_in, n_out, seeds)
        self.cfg = cfg
        H = cfg.H
        mask = _stack(self.seeds, "E_mask",
                      lambda g: sparse_mask(g, d_in, H, cfg.density, cfg.min_inputs))
        self.register_buffer("E", mask * _stack(self.seeds, "E", lambda g: torch.randn(d_in, H, generator=g)))
        self.register_buffer("E_mask", mask)
        c = _stack(self.seeds, "c", lambda g: torch.randn(1, H, generator=g)) * cfg.bias_std
        self.register_buffer("c", c if cfg.hidden_bias else torch.zeros_like(c))
        self._param("W", (H, n_out), H ** -0.5)
        self._param("b", (1, n_out), H ** -0.5)
        # Without hidden biases a unit with no input is ReLU(0) = 0 for every x: it
        # adds nothing to the output and its readout weight never gets a gradient.
        # With the literal 5% density and d = 2 that is ~90% of the units, so the
        # forward pass skips them (exactly the same function, ~10x less work).
        # Members keep their own active sets, padded with dead units to a common K.
        if cfg.hidden_bias:
            idx = torch.arange(H).expand(self.M, H)
        else:
            active = mask.sum(dim=1) > 0  # (M, H)
            K = max(1, int(active.sum(dim=1).max()))
            idx = torch.argsort((~active).float(), dim=1, stable=True)[:, :K]
        self.register_buffer("active_idx", idx.contiguous())

    def features(self, x):
        """All H granule-cell activations, shape (M, B, H)."""
        return torch.relu(torch.baddbmm(self.c, x, self.E))

    def forward(self, x):
        idx = self.active_idx
        E = torch.gather(self.E, 2, idx[:, None, :].expand(-1, self.d_in, -1))
        c = torch.gather(self.c, 2, idx[:, None, :])
        W = torch.gather(self.W, 1, idx[:, :, None].expand(-1, -1, self.n_out))
        return torch.baddbmm(self.b, torch.relu(torch.baddbmm(c, x, E)), W)

    def components(self):
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
      (``dg_min_inputs=1`` guarantees one input per unit).
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
    graph: str = "kronecker"  # "kronecker", "random" (same edge count) or "identity"
    graph_mode: str = "fixed"  # "fixed", "learned" or "initiator"
    spectral_radius: float | None = None
    activation: str = "tanh"  # "tanh" or "relu"
    input_every_step: bool = False


ACTIVATIONS = {"tanh": torch.tanh, "relu": torch.relu}


class HSN(Ensemble):
    family = "hsn"

    def __init__(self, d_in, n_out, seeds, cfg: HSNConfig = HSNConfig()):
        super().__init__(d_in, n_out, seeds)
        if cfg.activation not in ACTIVATIONS:
            raise ValueError(f"activation must be one of {sorted(ACTIVATIONS)}, got {cfg.activation!r}")
        if cfg.graph_mode not in ("fixed", "learned", "initiator"):
            raise ValueError(f"graph_mode must be fixed, learned or initiator, got {cfg.graph_mode!r}")
        if cfg.graph_mode == "initiator" and cfg.graph != "kronecker":
            raise ValueError("graph_mode='initiator' needs graph='kronecker'")
        if cfg.T < 0:
            raise ValueError(f"T must be >= 0, got {cfg.T}")
        self.cfg = cfg
        self.act = ACTIVATIONS[cfg.activation]
        h_dg, n = cfg.h_dg, cfg.h_ca3
        mask = _stack(self.seeds, "dg_mask",
                      lambda g: sparse_mask(g, d_in, h_dg, cfg.dg_density, cfg.dg_min_inputs))
        self.register_buffer("dg_mask", mask)
        self._param("W_dg", (d_in, h_dg), d_in ** -0.5)
        with torch.no_grad():
            self.W_dg.mul_(mask)  # masked entries start, and stay, at zero
        self._param("b_dg", (1, h_dg), d_in ** -0.5)
        self._param("W_br", (h_dg, n), h_dg ** -0.5)
        self._param("b_br", (1, n), h_dg ** -0.5)
        self._param("W_ca1", (n, n_out), n ** -0.5)
        self._param("b_ca1", (1, n_out), n ** -0.5)

        G = torch.stack([torch.as_tensor(graphs.make_graph(cfg.graph, n, seed=s), dtype=torch.float32)
                         for s in self.seeds])
        self.register_buffer("G_mask", (G != 0).float())
        # One scale per member: random graphs differ between seeds, and member s must
        # not depend on which member happens to come first in the ensemble.
        radius = torch.tensor([graphs.spectral_radius(g.numpy()) for g in G]).view(-1, 1, 1)
        self.register_buffer("g_scale", (cfg.spectral_radius / radius) if cfg.spectral_radius
                             else torch.ones(self.M, 1, 1))
        self.k = int(round(np.log(n) / np.log(2))) if cfg.graph_mode == "initiator" else 0
        if cfg.graph_mode == "initiator":
            init = torch.as_tensor(graphs.SIERPINSKI, dtype=torch.float32)
            self.initiator = nn.Parameter(init.expand(self.M, 2, 2).clone())
        elif cfg.graph_mode == "learned":
            self.G_param = nn.Parameter(G * self.g_scale)
        else:
            self.register_buffer("G_fixed", G * self.g_scale)

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
        u = torch.relu(torch.baddbmm(self.b_dg, x, self.W_dg * self.dg_mask))
        z = torch.baddbmm(self.b_br, u, self.W_br)
        h = self.act(z)
        G = self.graph()
        out = [h]
        for _ in range(self.cfg.T):
            pre = torch.bmm(h, G)
            h = self.act(pre + z if self.cfg.input_every_step else pre)
            out.append(h)
        return out

    def forward(self, x):
        return torch.baddbmm(self.b_ca1, self.states(x)[-1], self.W_ca1)

    def components(self):
        c, d, o, n = self.cfg, self.d_in, self.n_out, self.cfg.h_ca3
        g_nnz = float(self.G_mask.sum(dim=(1, 2)).mean())
        out = [
            Component("W_dg", "input", d * c.h_dg, float(self.dg_mask.sum(dim=(1, 2)).mean()), True),
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

    def as_dict(self) -> dict:
        return dict(label=self.label, family=self.family, **asdict(self.config))


#: The note's three models with their defaults (CEN at the note's H=512).
DENSE = ModelSpec.make("Dense MLP", "dense")
HSN_NOTE = ModelSpec.make("HSN (literal)", "hsn")
CEN_NOTE = ModelSpec.make("CEN (H=512)", "cen", H=512)
