"""Chapter 1, "Architectures" (book/01-architectures.py): measurements, figures and facts.

Everything here reads the *built* objects of :mod:`scaffold.graphs` and
:mod:`scaffold.models`, so a figure can never drift from the code that trains:

- :func:`kronecker_table`, :func:`plot_kronecker` -- the CA3 graph (note Sec. 1.2):
  adjacency, degree distribution and the scalar properties from
  :func:`scaffold.graphs.graph_stats` at several sizes, beside the golden-ratio
  law for the spectral radius.
- :func:`mask_census`, :func:`plot_masks` -- how many DG / expander units the
  literal 5% Bernoulli masks leave without any input, over many seeds.
- :func:`model_stages`, :func:`plot_stages` -- a data-flow schematic of each model
  whose widths and weight counts are read off a built model's tensors.
- :func:`state_trace`, :func:`plot_state_trace` -- saturation of the untrained
  CA3 state under the literal and the repaired reading.
- :func:`ambiguity_table` -- every place where the note is silent or
  inconsistent, with the reading the code takes (values read from the code's
  defaults, not typed in).
- :func:`compute`, :func:`facts`, :func:`figures` -- what the page shows: its
  tables (written to the results folder), its facts and its figures.
"""

from __future__ import annotations

import math
import re

# No matplotlib.use() here: in a notebook kernel the inline backend must stay active
# (it registers the PNG formatter that glue needs); headless scripts and tests get Agg.
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.patches import FancyArrowPatch, Rectangle
from matplotlib.ticker import MaxNLocator

from .. import graphs, note, readings
from ..data import DEFAULTS, make_dataset
from ..experiments import HSN_LITERAL, HSN_REPAIRED
from ..models import CEN, CEN_NOTE, DENSE, HSN, CENConfig, DenseMLP, HSNConfig, ModelSpec
from ..params import totals
from ..runtime import provenance, style
from ..runtime import tables as tab
from ..runtime.publish import share
from ..train import TrainConfig

PHI = (1 + math.sqrt(5)) / 2
LEARNED, FIXED = style.LEARNED, style.FIXED


# ----------------------------------------------------------------------------- Kronecker graph


def kronecker_table(sizes=(4, 8, 16, 32, 64, 128, 256)) -> pd.DataFrame:
    """:func:`graphs.graph_stats` of the Sierpinski Kronecker power at each size.

    Adds ``k`` (the power), ``3^k`` and ``phi^k`` so the table shows the closed
    forms next to the measured nonzeros and spectral radius.
    """
    rows = []
    for n in sizes:
        k = int(round(math.log2(n)))
        s = graphs.graph_stats(graphs.kronecker_power(graphs.SIERPINSKI, n))
        rows.append(dict(n_nodes=n, k=k, nnz=s["nnz"], three_pow_k=3 ** k, density=s["density"],
                         self_loops=s["self_loops"], out_degree_min=s["out_degree_min"],
                         out_degree_max=s["out_degree_max"], diameter=s["diameter"],
                         undirected_diameter=s["undirected_diameter"], log2_n=float(k),
                         spectral_radius=s["spectral_radius"], phi_pow_k=PHI ** k,
                         symmetric=s["symmetric"]))
    return pd.DataFrame(rows)


def plot_kronecker(sizes=(16, 64), degree_sizes=(16, 64, 256)):
    """Adjacency matrices (one panel per size) and the out-degree distribution."""
    fig, axes = style.panels(len(sizes) + 1, panel_height=3.0)
    for ax, n in zip(axes, sizes):
        a = graphs.kronecker_power(graphs.SIERPINSKI, n)
        ax.imshow(a, cmap="Greys", vmin=0, vmax=1, interpolation="nearest")
        ax.set_title(f"G, {n} nodes ({int(a.sum())} edges)")
        ax.set_xlabel("to node j")
        ax.set_ylabel("from node i")
        ax.grid(False)
    ax = axes[-1]
    for n, marker in zip(degree_sizes, "os^D"):
        dd = graphs.degree_distribution(graphs.kronecker_power(graphs.SIERPINSKI, n))
        ax.plot(dd["degrees"], dd["out_counts"], marker=marker, lw=1, ms=4, label=f"{n} nodes")
    ax.set_xscale("log", base=2)
    ax.set_yscale("log", base=2)
    ax.set_xlabel("out-degree (= in-degree)")
    ax.set_ylabel("number of nodes")
    ax.set_title("degree distribution")
    ax.legend(frameon=False)
    return fig


# ----------------------------------------------------------------------------- sparse masks


def _mask_of(model) -> np.ndarray:
    """The (M, d_in, units) 0/1 input mask of a built HSN (DG) or CEN (expander)."""
    if isinstance(model, HSN):
        return model.dg_mask.numpy()
    if isinstance(model, CEN):
        return model.E_mask.numpy()
    raise TypeError(f"no input mask on {type(model).__name__}")


def mask_census(spec: ModelSpec, d_in: int, seeds, chunk: int = 250) -> pd.DataFrame:
    """Per seed: how many of the stage's units have no input at all.

    Columns: seed, d_in, units, inputless, frac_inputless, all_empty (the whole
    stage receives nothing, so the model's output cannot depend on x),
    mean_inputs (inputs per unit).  Masks are drawn exactly as in training, by
    building the model (in chunks, to bound memory).
    """
    seeds = list(seeds)
    rows = []
    for i in range(0, len(seeds), chunk):
        part = seeds[i:i + chunk]
        m = _mask_of(spec.build(d_in, 1, part))
        fan_in = m.sum(axis=1)  # (M, units)
        for s, f in zip(part, fan_in):
            rows.append(dict(seed=s, d_in=d_in, units=f.size, inputless=int((f == 0).sum()),
                             frac_inputless=float((f == 0).mean()), all_empty=bool(f.sum() == 0),
                             mean_inputs=float(f.mean())))
    return pd.DataFrame(rows)


def census_summary(census: pd.DataFrame, spec: ModelSpec) -> dict:
    """Measured rates beside the Bernoulli closed forms (1-p)^d and (1-p)^(d*units).

    ``p`` and the minimum fan-in are read from ``spec`` (HSN: DG mask, CEN:
    expander).  With a minimum of one input no unit can be inputless, so both
    closed forms are 0 (the mean fan-in is then no longer ``p*d``: NaN).
    """
    c = spec.config
    density, min_inputs = ((c.dg_density, c.dg_min_inputs) if spec.family == "hsn"
                           else (c.density, c.min_inputs))
    d, units = int(census["d_in"].iloc[0]), int(census["units"].iloc[0])
    fixed = min_inputs >= 1
    return dict(d_in=d, units=units, n_seeds=len(census),
                frac_inputless=float(census["frac_inputless"].mean()),
                frac_inputless_theory=0.0 if fixed else (1 - density) ** d,
                p_all_empty=float(census["all_empty"].mean()),
                p_all_empty_theory=0.0 if fixed else (1 - density) ** (d * units),
                mean_inputs=float(census["mean_inputs"].mean()),
                mean_inputs_theory=float("nan") if fixed else density * d)


def plot_masks(examples: dict, summary: pd.DataFrame):
    """Top: example masks (rows = inputs, columns = units); bottom: mean inputless fraction.

    ``examples``: title -> (d_in, units) 0/1 array.  ``summary``: one row per
    stage with ``stage``, ``n_seeds`` and the :func:`census_summary` columns;
    bars are measured, crosses the Bernoulli closed form.
    """
    fig = plt.figure(figsize=style.figsize(1, 1.2 * len(examples) + 2.6))
    gs = fig.add_gridspec(len(examples) + 1, 1, height_ratios=[1.0] * len(examples) + [2.4])
    for r, (title, m) in enumerate(examples.items()):
        ax = fig.add_subplot(gs[r, 0])
        ax.imshow(m, cmap="Greys", vmin=0, vmax=1, aspect="auto", interpolation="nearest")
        empty = np.flatnonzero(m.sum(axis=0) == 0)
        ax.set_title(f"{title}: {m.shape[1] - empty.size} of {m.shape[1]} units have an input")
        ax.set_yticks(range(m.shape[0]), [f"x{j + 1}" for j in range(m.shape[0])])
        ax.set_xlabel("unit")
        ax.grid(False)
    ax = fig.add_subplot(gs[-1, 0])
    y = np.arange(len(summary))[::-1]
    ax.barh(y, summary["frac_inputless"], color=LEARNED, height=0.6, label="measured")
    ax.plot(summary["frac_inputless_theory"], y, "x", color=FIXED, ms=8, mew=2, label="closed form")
    ax.set_yticks(y, [f"{s} ({n} seeds)" for s, n in zip(summary["stage"], summary["n_seeds"])])
    ax.set_xlim(0, 1)
    ax.set_xlabel("fraction of units with no input")
    fig.legend(*ax.get_legend_handles_labels(), loc="outside lower center", ncols=2, frameon=False)
    return fig


# ----------------------------------------------------------------------------- stage schematic


def _link(src, dst, name, weight, learned, nnz=None, uses=1, bias=None):
    """One weight between two layers: counts read from the tensors (member 0)."""
    size = int(weight[0].numel())
    return dict(src=src, dst=dst, name=name, learned=learned, size=size,
                nnz=float(size if nnz is None else nnz), uses=uses,
                bias=0 if bias is None else int(bias[0].numel()))


def model_stages(model) -> dict:
    """Layers (name, units) and weights between them, read from a built model."""
    d = model.d_in
    if isinstance(model, DenseMLP):
        ws = [getattr(model, f"W{i}") for i in range(model.n_layers)]
        names = ["input"] + [f"hidden {i + 1}" for i in range(model.n_layers - 1)] + ["output"]
        layers = [(names[0], d)] + [(n, int(w.shape[-1])) for n, w in zip(names[1:], ws)]
        links = [_link(i, i + 1, f"W{i}", w, True, bias=getattr(model, f"b{i}"))
                 for i, w in enumerate(ws)]
    elif isinstance(model, CEN):
        H = int(model.E.shape[-1])
        layers = [("input", d), ("granule (ReLU)", H), ("output", model.n_out)]
        links = [_link(0, 1, "E", model.E, False, nnz=float(model.E_mask[0].sum())),
                 _link(1, 2, "W_out", model.W, True, bias=model.b)]
    elif isinstance(model, HSN):
        h_dg, h_ca3 = int(model.W_dg.shape[-1]), int(model.W_br.shape[-1])
        layers = [("input", d), ("DG (ReLU)", h_dg), ("CA3 (tanh)", h_ca3), ("output", model.n_out)]
        G = model.graph()
        links = [_link(0, 1, "W_dg", model.W_dg, True, nnz=float(model.dg_mask[0].sum()), bias=model.b_dg),
                 _link(1, 2, "W_bridge", model.W_br, True, bias=model.b_br),
                 _link(2, 2, "G", G, model.cfg.graph_mode != "fixed",
                       nnz=float((G[0] != 0).sum()), uses=model.cfg.T),
                 _link(2, 3, "W_ca1", model.W_ca1, True, bias=model.b_ca1)]
    else:
        raise TypeError(f"unknown model type {type(model).__name__}")
    return dict(family=model.family, layers=layers, links=links)


def _fmt(v: float) -> str:
    return f"{v:.0f}" if abs(v - round(v)) < 1e-9 else f"{v:.1f}"


def plot_stages(stages: dict, titles: list[str]):
    """One row per model: layers as bars (height ~ log2 of the width), weights as arrows.

    Blue arrows are learned, orange fixed; each arrow says the weight's size,
    how many entries can be nonzero (when fewer), its bias and how often it is
    applied per sample.
    """
    fig, axes = plt.subplots(len(stages), 1, figsize=(style.WIDTH_IN, 2.0 * len(stages)))
    axes = np.atleast_1d(axes)
    for ax, st, title in zip(axes, stages, titles):
        xs = np.arange(len(st["layers"])) * 2.6
        hmax = 1.0 + math.log2(max(u for _, u in st["layers"]))
        for x, (name, units) in zip(xs, st["layers"]):
            h = (1.0 + math.log2(units)) / hmax * 1.6
            ax.add_patch(Rectangle((x - 0.25, -h / 2), 0.5, h, facecolor="0.85", edgecolor="0.2"))
            plural = "s" if units != 1 else ""
            ax.text(x, -1.0, f"{name}\n{units} unit{plural}", ha="center", va="top", fontsize=8)
        for ln in st["links"]:
            colour = LEARNED if ln["learned"] else FIXED
            kind = "learned" if ln["learned"] else "fixed"
            label = f"{ln['name']} ({kind})\n{ln['size']} entries"
            if ln["nnz"] < ln["size"]:
                label += f", {_fmt(ln['nnz'])} nonzero"
            if ln["bias"]:
                label += f"\n+ {ln['bias']} bias"
            if ln["src"] == ln["dst"]:
                x = xs[ln["src"]]
                ax.add_patch(FancyArrowPatch((x - 0.2, 0.85), (x + 0.2, 0.85), connectionstyle="arc3,rad=-1.6",
                                             arrowstyle="-|>", mutation_scale=10, color=colour, lw=1.5))
                ax.text(x, 1.8, label + f", applied {ln['uses']} times", ha="center", va="bottom",
                        fontsize=7.5, color=colour)
            else:
                x0, x1 = xs[ln["src"]] + 0.3, xs[ln["dst"]] - 0.3
                ax.add_patch(FancyArrowPatch((x0, 0), (x1, 0), arrowstyle="-|>", mutation_scale=10,
                                             color=colour, lw=1.5))
                ax.text((x0 + x1) / 2, 0.12, label, ha="center", va="bottom", fontsize=7.5, color=colour)
        ax.set_xlim(-0.9, xs[-1] + 0.9 if len(xs) > 1 else 1)
        ax.set_ylim(-1.7, 2.9)
        ax.set_title(title, loc="left")
        ax.axis("off")
    return fig


# ----------------------------------------------------------------------------- CA3 states at init


def state_trace(spec: ModelSpec, x: np.ndarray, seeds, threshold: float = 0.99) -> pd.DataFrame:
    """CA3 states h_0..h_T of *untrained* HSN members on inputs ``x`` (n, d).

    Per step and member: ``saturated`` (fraction of |h| above ``threshold``, where
    tanh's gradient is below 2%) and ``spread`` (std of a unit across inputs,
    averaged over units: how much the state still depends on x).
    """
    import torch

    seeds = list(seeds)
    model = spec.build(x.shape[1], 1, seeds)
    xs = torch.as_tensor(x, dtype=torch.float32).expand(len(seeds), *x.shape)
    with torch.no_grad():
        hs = model.states(xs)
    rows = []
    for t, h in enumerate(hs):
        sat = (h.abs() > threshold).float().mean(dim=(1, 2))
        spread = h.std(dim=1).mean(dim=1)
        rows += [dict(model=spec.label, seed=s, step=t, saturated=float(a), spread=float(b))
                 for s, a, b in zip(seeds, sat, spread)]
    return pd.DataFrame(rows)


def plot_state_trace(trace: pd.DataFrame):
    """Saturated fraction and across-input spread of the CA3 state per step, mean over seeds."""
    fig, axes = style.panels(2, panel_height=2.6)
    for model, g in trace.groupby("model", sort=False):
        lk = style.look(model)
        m = g.groupby("step")[["saturated", "spread"]].mean()
        for ax, col in zip(axes, m.columns):
            ax.plot(m.index, m[col], marker=lk.marker, color=lk.color, ms=5, label=model)
    axes[0].set_ylabel("share of CA3 units with |h| > 0.99")
    axes[1].set_ylabel("std of a unit across inputs")
    for ax in axes:
        ax.set_xlabel("step t")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    axes[0].set_ylim(-0.03, 1.03)
    axes[1].set_ylim(bottom=0)
    fig.legend(*axes[0].get_legend_handles_labels(), loc="outside lower center", ncols=2, frameon=False)
    return fig


# ----------------------------------------------------------------------------- ambiguities


def ambiguity_table() -> pd.DataFrame:
    """Every gap or inconsistency in the note that the code has to resolve.

    Values that the code chooses are read from its defaults (data, training,
    model configs, the repaired HSN), so the table stays true to what runs.
    """
    d, t, h, c = DEFAULTS, TrainConfig(), HSNConfig(), CENConfig()
    rows = [
        ("Data", "Noise levels", "only moons are called noisy; no levels given",
         f"swiss roll {d['swiss_noise']}, circles {d['circles_noise']} (factor {d['circles_factor']}), "
         f"moons {d['moons_noise']}, sine {d['sine_noise']}",
         "common sklearn settings; they set the ceiling accuracy, so the benchmark section varies them"),
        ("Data", "Test set", "the validation set both picks the learning rate and is reported",
         "a third, untouched split of 1024 points is added; validation only picks the learning rate",
         "a score used for selection is optimistically biased"),
        ("Data", "Input scaling", "not stated", "standardised with training statistics",
         "makes the 5% masks and the learning rates comparable across tasks"),
        ("Training", "Batch size", "not stated", f"{t.batch_size}",
         f"a usual default; {512 // t.batch_size} steps per epoch"),
        ("Training", "Loss", "not stated", "binary cross-entropy on one logit; MSE for the sine",
         "the standard pairing for one output"),
        ("Training", "Runs per cell", "one number per cell, no seeds", "several seeds per cell, with intervals",
         "single runs cannot separate models differing by a few points"),
        ("Training", "Device", "Apple MPS", "CPU or CUDA, float32, chosen by the device parameter",
         "MPS is not available here; results should not depend on the device"),
        ("Dense", "Depth", "'three-layer', eq. (1) has two hidden layers of 64",
         "two hidden ReLU layers of 64 with biases", "the only depth eq. (1) can describe"),
        ("Dense", "Biases", "eq. (1) has none, but its total 4,417 needs them", "biases included",
         "4,417 is reproduced only with biases (see the parameter section)"),
        ("CEN", "Expander weights", "5% density, no distribution given",
         f"Bernoulli({c.density}) mask times N(0, 1) values", "the usual random-feature draw"),
        ("CEN", "Hidden bias", "none mentioned",
         "none (literal); a fixed random N(0, 1) bias is run as a control",
         "without a bias every granule unit is ReLU(w x) with its kink at 0, which limits the sine fit"),
        ("CEN", "Best H", "'best H' per task, selection rule not given",
         "every width is reported; a best width is chosen on validation, like the learning rate",
         "picking the width on the reported score would bias it"),
        ("HSN", "DG mask: fixed or learned", "'learned sparse projection with 5% density'",
         f"Bernoulli({h.dg_density}) mask, fixed; the weights under it are learned",
         "the mask itself cannot be learned by gradient descent"),
        ("HSN", "DG activation and bias", "not stated", "ReLU with a learned bias",
         "a sparse code needs a rectifying nonlinearity"),
        ("HSN", "Bridge DG to CA3", "never defined, but table 3.3 counts 544 for it",
         f"a learned dense {h.h_dg}x{h.h_ca3} map with bias", "the DG has 32 units, CA3 16: something must connect them"),
        ("HSN", "G learned or fixed", "fixed in the text; 897 only adds up if G counts as learned",
         "fixed; a learned-G control is run", "the text says fixed three times"),
        ("HSN", "Readout state", "not stated", f"the state after T = {h.T} steps", "the 'settled' state"),
        ("HSN", "Parameter formula", "nnz(W_dg) + nnz(G) + h_ca3 + o",
         "counted under four conventions in the parameter section",
         "the formula omits the bridge and the biases and matches none of the note's totals"),
    ]
    rows += reading_rows()
    parts = {p: i for i, p in enumerate(("Data", "Training", "Dense", "CEN", "HSN"))}
    rows = sorted(rows, key=lambda r: parts.get(r[0], len(parts)))  # stable: each part keeps its order
    return pd.DataFrame(rows, columns=["part", "question", "the note", "this book", "why"])


def plain(tex: str) -> str:
    """A quote with inline TeX as plain text (tables are HTML, not typeset): '\\(\\sin(x)\\)' -> 'sin(x)'."""
    return re.sub(r"\\([A-Za-z]+)", r"\1", re.sub(r"\\[()]", "", tex))


def reading_rows() -> list[tuple]:
    """The choices the audit varies, one row per axis of :mod:`scaffold.readings`.

    "The note" quotes only the note (or says it is silent); "this book" names every
    level, since each is run; "why" gives what in the note supports each level.
    """
    rows = []
    for a in readings.AXES:
        said = " ... ".join(f"\u201c{plain(q)}\u201d" for q in a.note_says) or "silent"
        levels = ", ".join(f"{lv.name}" + (" (the literal reading)" if lv.name == a.literal else "")
                           for lv in a.levels)
        why = "; ".join(f"{lv.name}: {lv.supports}" for lv in a.levels)
        rows.append(("HSN" if a.scope == "hsn" else "Data", a.title, said,
                     f"every level is run ({levels}); see the audit", why))
    return rows


# ----------------------------------------------------------------------------- the chapter

#: |h| above this counts as saturated: tanh passes less than 2% of the gradient there.
SATURATION = 0.99
#: The masks whose census the chapter reports: (stage, spec, input dimension).
MASK_STAGES = (("DG, literal, d=2", HSN_LITERAL, 2), ("DG, literal, d=1", HSN_LITERAL, 1),
               ("DG, repaired, d=2", HSN_REPAIRED, 2), ("CEN expander, d=2", CEN_NOTE, 2),
               ("CEN expander, d=1", CEN_NOTE, 1))


def grids(cfg) -> dict:
    """The sweeps this chapter trains: none (it only builds models)."""
    return {}


def compute(cfg) -> dict:
    """The chapter's tables, each also written to ``cfg.results_dir``.

    Masks are drawn over many seeds (models are only built, never trained):
    the HSN's DG masks over 2,000 (500 quick), the CEN's expander over 300 (100).
    """
    out = cfg.results_dir
    n_mask_seeds = 500 if cfg.quick else 2000
    n_cen_seeds = 100 if cfg.quick else 300
    ktab = kronecker_table()
    ktab.to_csv(out / "kronecker_stats.csv", index=False)
    runs = [(name, spec, d, n_cen_seeds if spec is CEN_NOTE else n_mask_seeds)
            for name, spec, d in MASK_STAGES]
    census = pd.concat([mask_census(spec, d, range(n)).assign(stage=name) for name, spec, d, n in runs],
                       ignore_index=True)
    census.to_csv(out / "mask_census.csv", index=False)
    summary = pd.DataFrame([dict(stage=name, **census_summary(census[census.stage == name], spec))
                            for name, spec, _, _ in runs])
    summary.to_csv(out / "mask_census_summary.csv", index=False)
    x_val = make_dataset("swiss_roll", seed=cfg.seeds[0]).x_val
    trace = pd.concat([state_trace(s, x_val, cfg.seeds, SATURATION) for s in (HSN_LITERAL, HSN_REPAIRED)],
                      ignore_index=True)
    trace.to_csv(out / "ca3_state_trace.csv", index=False)
    amb = ambiguity_table()
    amb.to_csv(out / "ambiguities.csv", index=False)
    return dict(kronecker=ktab, census=census, census_summary=summary, trace=trace, ambiguities=amb)


def facts(cfg, tables: dict) -> dict:
    """The numbers the chapter's prose quotes (published with the prefix ``arch``)."""
    hsn, cen, dense = HSN_LITERAL.config, CEN_NOTE.config, DENSE.config
    hsn_rep = HSN_REPAIRED.config
    ktab, census, summary, trace = (tables[k] for k in ("kronecker", "census", "census_summary", "trace"))
    f = {}
    f["width"] = dense.widths[0]
    f["depth"] = len(dense.widths)
    f["dense-a"] = totals(DENSE, 2, 1)["learned_size"]
    f["cen-H"] = cen.H
    f["cen-density"] = 100 * cen.density
    f["cen-a"] = totals(CEN_NOTE, 2, 1)["learned_size"]
    f["hsn-hdg"] = hsn.h_dg
    f["hsn-hca3"] = hsn.h_ca3
    f["hsn-T"] = hsn.T
    f["hsn-density"] = 100 * hsn.dg_density
    f["hsn-a"] = totals(HSN_LITERAL, 2, 1)["learned_size"]
    f["rep-radius"] = hsn_rep.spectral_radius
    f["rep-min-inputs"] = hsn_rep.dg_min_inputs
    f["note-active"] = note.ACTIVE_INPUTS_PER_GRANULE
    f["d-cls"] = make_dataset("moons", seed=cfg.seeds[0]).d_in
    f["d-sine"] = make_dataset("sine", seed=cfg.seeds[0]).d_in
    f["o"] = 1  # one logit or one regression value

    g16 = ktab.set_index("n_nodes").loc[hsn.h_ca3]
    f["g-n"] = int(g16.name)
    f["g-nnz"] = int(g16.nnz)
    f["g-density"] = 100 * float(g16.density)
    f["g-loops"] = int(g16.self_loops)
    f["g-radius"] = float(g16.spectral_radius)
    f["g-k"] = int(g16.k)
    f["g-degmax"] = int(g16.out_degree_max)
    f["g-degmin"] = int(g16.out_degree_min)
    f["g-nmin"] = int(ktab.n_nodes.min())
    f["g-nmax"] = int(ktab.n_nodes.max())
    f["g-n2"] = 4 * hsn.h_ca3
    f["g-diam-set"] = values_words(ktab.diameter.unique())
    f["g-log-max"] = float(ktab.log2_n.max())
    f["g-radius-maxerr"] = float((ktab.spectral_radius / ktab.phi_pow_k - 1).abs().max())
    f["g-radius-agree"] = ("equals it to machine precision" if f["g-radius-maxerr"] < 1e-9 else
                           f"differs from it by at most a relative {tab.number(f['g-radius-maxerr'], 2)}")
    f["g-nnz-3k"] = int((ktab.nnz == ktab.three_pow_k).sum())
    f["g-nsizes"] = len(ktab)
    f["g-nnz-3k-words"] = share(f["g-nnz-3k"], f["g-nsizes"])
    f["g-radius-max"] = float(ktab.spectral_radius.max())

    S = summary.set_index("stage")
    for key, stage in (("dg2", "DG, literal, d=2"), ("dg1", "DG, literal, d=1"),
                       ("rep2", "DG, repaired, d=2"), ("cen2", "CEN expander, d=2"),
                       ("cen1", "CEN expander, d=1")):
        r = S.loc[stage]
        f[f"mask-{key}-inputless"] = 100 * float(r.frac_inputless)
        f[f"mask-{key}-inputless-th"] = 100 * float(r.frac_inputless_theory)
        f[f"mask-{key}-empty"] = 100 * float(r.p_all_empty)
        f[f"mask-{key}-empty-th"] = 100 * float(r.p_all_empty_theory)
        f[f"mask-{key}-inputs"] = float(r.mean_inputs)
        f[f"mask-{key}-seeds"] = int(r.n_seeds)
    f["mask-dg2-inputs-words"] = per_unit_words(f["mask-dg2-inputs"])
    f["mask-rep2-max-inputless"] = int(census.loc[census.stage == "DG, repaired, d=2", "inputless"].max())
    f["mask-seed"] = cfg.seeds[0]

    last = trace[trace.step == hsn.T].groupby("model")[["saturated", "spread"]].mean()
    f["sat-lit"] = 100 * float(last.loc[HSN_LITERAL.label, "saturated"])
    f["sat-rep"] = 100 * float(last.loc[HSN_REPAIRED.label, "saturated"])
    f["spread-rep"] = float(last.loc[HSN_REPAIRED.label, "spread"])
    f["spread-lit"] = float(last.loc[HSN_LITERAL.label, "spread"])
    f["spread-lit0"] = float(trace[(trace.step == 0) & (trace.model == HSN_LITERAL.label)].spread.mean())
    f["spread-rep0"] = float(trace[(trace.step == 0) & (trace.model == HSN_REPAIRED.label)].spread.mean())
    f["trace-seeds"] = trace.seed.nunique()
    f["sat-margin"] = round(1 - SATURATION, 6)
    f["n-ambiguities"] = len(tables["ambiguities"])
    out = cfg.results_dir
    f["data-kronecker"] = provenance.data_links(out / "kronecker_stats.csv")
    f["data-masks"] = provenance.data_links(out / "mask_census.csv", out / "mask_census_summary.csv")
    f["data-trace"] = provenance.data_links(out / "ca3_state_trace.csv")
    f["data-ambiguities"] = provenance.data_links(out / "ambiguities.csv")
    return f


def values_words(values) -> str:
    """'the single value 2', 'the values 2 and 3', 'the values 1, 2 and 3'."""
    v = [f"{x:g}" for x in sorted(values)]
    if len(v) == 1:
        return f"the single value {v[0]}"
    return f"the values {', '.join(v[:-1])} and {v[-1]}"


def per_unit_words(mean_inputs: float) -> str:
    """A mean fan-in as a reader pictures it: 'one input for every 10 units' below one."""
    if mean_inputs <= 0:
        return "no input at all"
    if mean_inputs < 1:
        return f"one input for every {1 / mean_inputs:.0f} units"
    return f"{mean_inputs:.1f} inputs per unit"


#: Headers of the chapter's tables.
HEADERS = {"n_nodes": "Nodes n", "k": "k", "nnz": "Edges", "three_pow_k": "3ᵏ", "density": "Density",
           "self_loops": "Self-loops", "out_degree_min": "Min degree", "out_degree_max": "Max degree",
           "diameter": "Diameter", "log2_n": "log₂ n", "spectral_radius": "Spectral radius",
           "phi_pow_k": "φᵏ", "stage": "Stage", "n_seeds": "Seeds", "units": "Units",
           "mean_inputs": "Inputs per unit", "frac_inputless": "Share inputless",
           "frac_inputless_theory": "Closed form", "p_all_empty": "Share of seeds all empty",
           "p_all_empty_theory": "Closed form (all empty)", "part": "Part", "question": "Question",
           "the note": "The note says", "this book": "This book", "why": "Why"}


def table_views(cfg, tables: dict) -> dict:
    """The chapter's tables for reading (published with the prefix ``tab-arch``)."""
    k = tables["kronecker"][["n_nodes", "k", "nnz", "three_pow_k", "density", "self_loops",
                             "out_degree_min", "out_degree_max", "diameter", "log2_n",
                             "spectral_radius", "phi_pow_k"]]
    c = tables["census_summary"][["stage", "n_seeds", "units", "mean_inputs", "frac_inputless",
                                  "frac_inputless_theory", "p_all_empty", "p_all_empty_theory"]]
    return {"kronecker": tab.table(k, headers=HEADERS),
            "census": tab.table(c, headers=HEADERS, sort=["_none"]),
            "ambiguities": tab.table(tables["ambiguities"], headers=HEADERS, sort=["_none"])}


def figures(cfg, tables: dict) -> dict:
    """The chapter's figures (published with the prefix ``fig-arch``)."""
    h_ca3 = HSN_LITERAL.config.h_ca3
    built = {s.label: s.build(2, 1, [cfg.seeds[0]]) for s in (DENSE, CEN_NOTE, HSN_LITERAL)}
    s0 = cfg.seeds[0]
    m_dg = HSN_LITERAL.build(2, 1, [s0]).dg_mask[0].numpy()
    m_cen = CEN_NOTE.build(2, 1, [s0]).E_mask[0].numpy()
    return {
        "stages": plot_stages([model_stages(m) for m in built.values()],
                              [f"({c}) {label}" for c, label in zip("abc", built)]),
        "kronecker": plot_kronecker((h_ca3, 4 * h_ca3), (h_ca3, 4 * h_ca3, int(tables["kronecker"].n_nodes.max()))),
        "masks": plot_masks({f"DG mask, seed {s0}": m_dg, f"CEN expander mask, seed {s0}": m_cen},
                            tables["census_summary"]),
        "saturation": plot_state_trace(tables["trace"]),
    }
