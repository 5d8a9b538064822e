"""The named models and grids that the book's sections share.

Sections build their sweeps from these definitions so that the same job (same
task, model, seeds and schedule) hits the same cache entry whichever section
runs first.

Two named points of the readings (:mod:`scaffold.readings`) are carried by the
sections that need one HSN; both are built by :func:`scaffold.readings.hsn_spec`,
the one place that turns a reading into a model, so each trains once:

- ``HSN (literal)``: the note's words where it speaks, the library defaults where
  it is silent (5% Bernoulli DG mask as drawn, raw 0/1 Kronecker graph, input
  once).  With two inputs the mask leaves most DG units without input, and the raw
  graph (spectral radius ~6.85) drives tanh into saturation within a step or two.
- ``HSN (repaired)``: the same with one input per DG unit and G at spectral
  radius 0.9 (the echo-state convention).

Neither is "the note's model": the audit judges every reading the note allows.
"""

from __future__ import annotations

import os

from . import note
from .data import NOTE_TASKS, TASKS, make_dataset
from .models import CEN_NOTE, DENSE, ModelSpec
from .params import dense_for_budget, matched_dense
from .readings import LITERAL, REPAIRED, hsn_spec
from .sweep import Grid, run_sweep

HSN_LITERAL = hsn_spec(LITERAL)
HSN_REPAIRED = hsn_spec(REPAIRED)
#: The options in which the repaired point differs from the literal one (read off the readings).
REPAIRS = {k: v for k, v in HSN_REPAIRED.options if dict(HSN_LITERAL.options).get(k) != v}
CEN_WIDTHS = (64, 128, 256, 512)
CENS = tuple(ModelSpec.make(f"CEN (H={h})", "cen", H=h) for h in CEN_WIDTHS)
CORE_MODELS = (DENSE, HSN_LITERAL, HSN_REPAIRED, *CENS)
#: The note's three columns: dense, HSN, CEN at its headline H=512.
NOTE_MODELS = (DENSE, HSN_LITERAL, CEN_NOTE)


def n_jobs() -> int:
    """Worker processes for a sweep: ``SCAFFOLD_JOBS`` (default 1, since make runs sections in parallel)."""
    return int(os.environ.get("SCAFFOLD_JOBS", "1"))


def dask_address() -> str | None:
    """``SCAFFOLD_DASK``: the address of a Dask scheduler (``tcp://host:8786``) to send sweeps to."""
    return os.environ.get("SCAFFOLD_DASK") or None


def grid(cfg, specs, tasks=NOTE_TASKS, **kw) -> Grid:
    """A grid over ``cfg``'s seeds and epoch scale (cfg: a :class:`scaffold.runtime.RunConfig`)."""
    return Grid(tasks=tuple(tasks), specs=tuple(specs), seeds=tuple(cfg.seeds),
                epochs_scale=cfg.epochs_scale, **kw)


def run(cfg, g: Grid, desc="sweep"):
    """Run (or load) the grid ``g`` on ``cfg.device``; returns a SweepResult.

    Chapters declare their grids (``grids(cfg)``) and obtain every result
    through this one runner, so that the union of all chapters' grids can be
    planned and run up front.  Jobs run in this process, or in ``SCAFFOLD_JOBS``
    local processes, or, when ``SCAFFOLD_DASK`` names a scheduler, on that Dask
    cluster (joblib's dask backend).  The cache stays on this machine either way.
    """
    address = dask_address()
    if address:
        from distributed import Client

        with Client(address):
            return run_sweep(g, device=cfg.device, n_jobs=-1, backend="dask", desc=desc)
    return run_sweep(g, device=cfg.device, n_jobs=n_jobs(), desc=desc)


def core_grid(cfg) -> Grid:
    """The note's benchmark: four tasks x dense, both HSN readings, CEN at four widths."""
    return grid(cfg, CORE_MODELS)


def task_shape(task: str) -> tuple[int, int]:
    """(input dimension, outputs) of a task, read off a drawn dataset and :data:`scaffold.data.TASKS`."""
    return make_dataset(task, 0).d_in, TASKS[task][1]


def param_matched_dense(d_in: int = 2, n_out: int = 1) -> dict:
    """Dense MLPs (two hidden layers of equal width) matched to each reference budget.

    Budgets: the HSN under convention (a) (tensor sizes, G fixed) and (b)
    (nonzeros), the note's 897, and the CEN's 513.  Each MLP is labelled by its
    width only (:func:`scaffold.params.dense_spec`), so the same MLP has one label
    wherever it is matched.
    """
    budgets = {"HSN (a)": matched_dense(HSN_LITERAL, d_in, n_out, "learned_size"),
               "HSN (b)": matched_dense(HSN_LITERAL, d_in, n_out, "learned_nnz"),
               "note's HSN count": dense_for_budget(note.TABLE_2_2["HSN"][0], d_in, n_out),
               "CEN (H=512)": matched_dense(CEN_NOTE, d_in, n_out, "learned_size")}
    return budgets


def repaired_variant(label: str, **overrides) -> ModelSpec:
    """The repaired HSN with ``overrides`` (e.g. a control that undoes one repair)."""
    return ModelSpec.make(label, "hsn", **{**REPAIRS, **overrides})


def hsn_controls() -> dict:
    """Controls on the repaired HSN: graph kind, T, learned G, and each repair undone.

    Every control is a variant of a reading (:data:`scaffold.readings.VARIANTS`), built by
    :func:`scaffold.readings.hsn_spec`, so T = 0 and the random graph share cache entries
    with the multiverse.
    """
    c = {
        "random graph": hsn_spec(REPAIRED, "HSN random graph"),
        "identity graph": hsn_spec(REPAIRED, "HSN identity graph"),
        "learned G": hsn_spec(REPAIRED, "HSN learned G"),
        "raw G": hsn_spec(REPAIRED.replace(G="raw")),
        "literal DG mask": hsn_spec(REPAIRED.replace(dg="drawn")),
    }
    for T in (0, 1, 2, 5, 10):
        c[f"T={T}"] = HSN_REPAIRED if T == 5 else hsn_spec(REPAIRED, f"HSN T={T}")
    return c


def driven_controls() -> dict:
    """The T ablation and the random graph with the input fed at every CA3 step."""
    r = REPAIRED.replace(input="every")
    c = {"T=5": hsn_spec(r), "random graph": hsn_spec(r, "HSN random graph")}
    c.update({f"T={T}": hsn_spec(r, f"HSN T={T}") for T in (0, 1, 2, 10)})
    return c


def cen_controls() -> dict:
    """CEN variants at each width: fixed random hidden biases, and a dense Gaussian expander
    (every entry drawn, density 1) with and without them (the note's has 5% density, no bias)."""
    out = {}
    for h in CEN_WIDTHS:
        out[("bias", h)] = ModelSpec.make(f"CEN (H={h}) + bias", "cen", H=h, hidden_bias=True)
        out[("dense", h)] = ModelSpec.make(f"CEN (H={h}) dense E", "cen", H=h, density=1.0)
        out[("dense+bias", h)] = ModelSpec.make(f"CEN (H={h}) dense E + bias", "cen", H=h, density=1.0,
                                                hidden_bias=True)
    return out
