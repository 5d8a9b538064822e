"""Parameter and compute accounting.

For every model, per component (see :class:`scaffold.models.Component`):

(a) ``learned_size``: learned entries counted as the trainable tensors' sizes
    (the usual ``sum(p.numel())``, which counts masked entries too);
(b) ``learned_nnz``: learned entries that can actually be nonzero (masks applied);
(c) ``fixed``: fixed, never-updated weights that are nonzero (expander, graph);
(d) multiply-accumulates per sample, with dense kernels and with sparse kernels
    (the recurrent graph counted T times).

:func:`explain_total` searches which combination of per-component counts gives a
total that the note reports, which is how the book shows which convention
reproduces 4,417, 897, 865 and 513, and which do not.
"""

from __future__ import annotations

import itertools
from functools import lru_cache

import pandas as pd

from .data import TASKS
from .models import DENSE, FAMILIES, ModelSpec


def accounting(spec: ModelSpec, d_in: int, n_out: int, n_draws: int = 200) -> pd.DataFrame:
    """Per-component table; random mask sizes are averaged over ``n_draws`` seeds."""
    return _accounting(spec, int(d_in), int(n_out), int(n_draws)).copy()


# Building n_draws members to average their masks costs up to a second per model,
# and the chapters ask for the same few (spec, shape) pairs again and again: the
# table depends on nothing else, so it is computed once per process.
@lru_cache(maxsize=None)
def _accounting(spec: ModelSpec, d_in: int, n_out: int, n_draws: int) -> pd.DataFrame:
    model = spec.build(d_in, n_out, list(range(n_draws)))
    rows = []
    for c in model.components():
        rows.append(dict(model=spec.label, component=c.name, stage=c.stage, size=c.size,
                         nnz=c.nnz, learned=c.learned, is_bias=c.is_bias, uses=c.uses,
                         macs_dense=0 if c.is_bias else c.size * c.uses,
                         macs_sparse=0 if c.is_bias else c.nnz * c.uses))
    return pd.DataFrame(rows)


def totals(spec: ModelSpec, d_in: int, n_out: int, n_draws: int = 200) -> dict:
    """The four conventions (a)-(d) summed over components."""
    t = accounting(spec, d_in, n_out, n_draws)
    learned = t[t.learned]
    return dict(model=spec.label, learned_size=int(learned["size"].sum()),
                learned_nnz=float(learned["nnz"].sum()),
                fixed=float(t.loc[~t.learned, "nnz"].sum()),
                macs_dense=int(t["macs_dense"].sum()), macs_sparse=float(t["macs_sparse"].sum()))


def fixed_stage_macs(spec: ModelSpec, d_in: int, n_out: int) -> int:
    """Multiply-accumulates per sample of a model's fixed first stage (the CEN's expander),
    which training applies once per sample of each split, not on every step
    (:func:`scaffold.train.train_stack`); 0 for a model without one."""
    if not hasattr(FAMILIES[spec.family][0], "fixed_stage"):
        return 0
    t = accounting(spec, d_in, n_out, n_draws=1)
    return int(t.loc[~t.learned & (t.stage == "input"), "macs_dense"].sum())


def step_macs(spec: ModelSpec, d_in: int, n_out: int) -> int:
    """Multiply-accumulates per sample of what a training step runs: the whole model,
    less a fixed first stage (:func:`fixed_stage_macs`)."""
    return totals(spec, d_in, n_out, n_draws=1)["macs_dense"] - fixed_stage_macs(spec, d_in, n_out)


def step_units(spec: ModelSpec, n_out: int) -> int:
    """Activations per sample that a training step writes and reads back: its
    element-wise work, which for these tiny models costs more than their
    multiply-accumulates (the HSN's CA3 state counts once per step of its loop;
    the CEN's readout reads its H granule cells)."""
    c = spec.config
    if spec.family == "dense":
        return sum(c.widths) + n_out
    if spec.family == "hsn":
        return c.h_dg + c.h_ca3 * (c.T + 1) + n_out
    if spec.family == "cen":
        return c.H + n_out
    raise ValueError(f"no step_units for family {spec.family!r}")


#: A stack's training time, in seconds: a fixed cost per step (Python and kernel
#: launches, by family), a cost per activation per sample (:func:`step_units`, by
#: family) and a cost per multiply-accumulate.  Fitted by ``tools/fit_stack_cost.py``
#: (least squares on the relative error) to the full plan's 149 stacks as trained on
#: two cores of an AMD EPYC, one thread per stack (2026-12-04): it predicts a stack's
#: time within 16% (median).  The model before it (a fixed cost per step plus the
#: multiply-accumulates, fitted on the quick plan) was within 33%, and its estimate of
#: the time left ran 2-3x low for most of the full plan: it took the big HSNs' matrix
#: products, which run near the machine's peak, for most of the work.  Kept out of
#: the sweep's hashed sources: refitting them reorders stacks but retrains nothing.
STEP_FIXED_S = {"dense": 6.1e-4, "hsn": 9.1e-4, "cen": 5.8e-5}
UNIT_S = {"dense": 3.1e-9, "hsn": 3.2e-9, "cen": 1.6e-9}
MAC_S = 8.7e-11


def stack_features(stack) -> tuple[str, int, float, float]:
    """(family, steps, activations per step, multiply-accumulates per step) of a stack
    of :class:`scaffold.sweep.Job`: what :func:`stack_cost` weighs."""
    units = sum(j.n_members * j.grid.batch_size * step_units(j.spec, TASKS[j.task][1]) for j in stack)
    return stack[0].spec.family, max(j.steps for j in stack), units, sum(j.work for j in stack)


def stack_cost(stack) -> float:
    """Estimated training time of a stack in seconds on the machine of
    :data:`STEP_FIXED_S`.  It orders the stacks (longest first) and estimates the
    plan's time left, so only the ratios between stacks matter on other machines."""
    family, steps, units, macs = stack_features(stack)
    return steps * (STEP_FIXED_S[family] + UNIT_S[family] * units + MAC_S * macs)


def learned_count(model) -> int:
    """Convention (a) read straight off the trainable tensors of a built model (per member)."""
    return sum(p[0].numel() for p in model.parameters() if p.requires_grad)


def dense_params(d_in: int, n_out: int, widths=(64, 64), biases: bool = True) -> int:
    """Learned parameters of a dense MLP; ``biases=False`` is the note's eq. (1) as written."""
    dims = [d_in, *widths, n_out]
    return sum(a * b + (b if biases else 0) for a, b in zip(dims[:-1], dims[1:]))


def dense_width_for(budget: float, d_in: int, n_out: int, depth: int = 2) -> int:
    """Width w of a depth-``depth`` dense MLP whose learned count is closest to ``budget``."""
    return min(range(1, 513), key=lambda w: abs(dense_params(d_in, n_out, (w,) * depth) - budget))


def dense_spec(width: int, depth: int = 2) -> ModelSpec:
    """The dense MLP with ``depth`` hidden layers of ``width`` units, labelled by that definition.

    The label names the definition and nothing else ("Dense w=23"), so that one model
    has one label wherever it is built; the default MLP keeps its name ("Dense MLP").
    """
    widths = (int(width),) * depth
    if widths == DENSE.config.widths:
        return DENSE
    return ModelSpec.make(f"Dense w={width}" + (f" x{depth}" if depth != 2 else ""), "dense", widths=widths)


def matched_dense(spec: ModelSpec, d_in: int, n_out: int, convention: str = "learned_size",
                  n_draws: int = 200) -> ModelSpec:
    """The one builder of parameter-matched dense MLPs: two hidden layers of equal width
    whose learned count is closest to ``spec``'s under ``convention`` (a column of
    :func:`totals`: ``"learned_size"`` or ``"learned_nnz"``) at this input and output size."""
    return dense_for_budget(totals(spec, d_in, n_out, n_draws)[convention], d_in, n_out)


def dense_for_budget(budget: float, d_in: int, n_out: int) -> ModelSpec:
    """The two-hidden-layer dense MLP whose learned count is closest to ``budget`` (a number,
    e.g. one the note reports), labelled by its width (:func:`dense_spec`)."""
    return dense_spec(dense_width_for(budget, d_in, n_out))


def learned_counts(specs, d_in: int, n_out: int, n_draws: int = 10) -> pd.DataFrame:
    """:func:`totals` of each model at one input and output size, with its hidden ``width``
    (dense MLPs; None for the others)."""
    rows = []
    for s in specs:
        w = dict(s.options).get("widths")
        rows.append(dict(totals(s, d_in, n_out, n_draws), width=w[0] if w else None))
    return pd.DataFrame(rows)


def explain_total(table: pd.DataFrame, target: float, tol: float = 0.5) -> list[dict]:
    """All ways of counting each component (left out, its size, or its nonzeros) that sum to ``target``.

    ``table`` is an :func:`accounting` table of one model.  Returns one dict per
    matching combination: component -> "size" | "nnz" | "-".
    """
    choices = []
    for _, r in table.iterrows():
        if r["size"] == 0:  # an absent tensor (e.g. no hidden bias) has one way to count
            continue
        opts = {"-": 0.0, "size": float(r["size"])}
        if abs(r["nnz"] - r["size"]) > 1e-9:
            opts["nnz"] = float(r["nnz"])
        choices.append([(r["component"], k, v) for k, v in opts.items()])
    hits = []
    for combo in itertools.product(*choices):
        if abs(sum(v for _, _, v in combo) - target) <= tol:
            hits.append({name: how for name, how, _ in combo})
    return hits
