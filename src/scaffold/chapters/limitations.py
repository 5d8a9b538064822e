"""Chapter 4, "Limitations" (book/04-limitations.py): experiments for the note's open questions.

The note lists four open questions and answers none of them.  Each gets an
experiment here; the book's limitations section runs them and reports:

1. *Compute tradeoff*: :func:`measure_latency` times inference of plain
   one-member models (dense MLP, HSN at T = 0..10, CEN) at batch 1 and 256, and
   :func:`sparse_vs_dense` times the recurrent graph step ``h @ G`` with a dense
   and a CSR kernel at growing graph sizes.  Timings are medians over repeats
   after warm-up (``time.perf_counter``, CUDA synchronised); only ratios measured
   in the same run are meant to be read.
2. *Scaling with input dimension*: :func:`dimension_params` counts learned
   parameters of each model as the input dimension d grows, and
   :func:`dimension_sweep` trains them on the moons task embedded in d dimensions.
3. *Learned vs fixed graphs*: :func:`graph_models` defines the HSN with a fixed
   graph, a learned 2x2 initiator (4 parameters), a fully learned masked graph,
   and larger CA3 layers.
4. *Task dependence*: :func:`task_sweep` on the harder two-spirals task and the
   64-dimensional, ten-class digits.

Parameter-matched dense MLPs (:func:`matched_dense`) get the HSN's learned count
at the same input and output size.  The figures take these tables and draw them;
:func:`compute`, :func:`facts` and :func:`figures` are what the page shows.
"""

from __future__ import annotations

import time
import warnings

import numpy as np
import pandas as pd
import torch

import matplotlib.pyplot as plt
from matplotlib.ticker import MaxNLocator, NullFormatter

from .. import graphs, note, params
from ..data import make_dataset, task_title
from ..runtime import charts, provenance, style
from ..runtime import tables as tab
from ..runtime.publish import share
from ..experiments import CEN_NOTE, DENSE, HSN_REPAIRED, grid, hsn_controls, repaired_variant, run, task_shape
from ..models import ModelSpec
from ..params import dense_width_for, totals
from ..stats import paired_test, summarize
from ..verdicts import MARGIN_ACC

# ----------------------------------------------------------------------------- timing


def _sync(device) -> None:
    if torch.device(device).type == "cuda":
        torch.cuda.synchronize()


def latency_models(Ts=tuple(range(0, 11))) -> dict:
    """label -> (spec, T or None): dense MLP, repaired HSN at each T, CEN (H=512)."""
    out = {DENSE.label: (DENSE, None)}
    for T in Ts:
        out[f"HSN T={T}"] = (repaired_variant(f"HSN T={T}", T=T), T)
    out[CEN_NOTE.label] = (CEN_NOTE, None)
    return out


class _threads:
    """Pin torch's intra-op threads (1 on CPU: a serial CPU, and steadier on a shared machine)."""

    def __init__(self, n):
        self.n = n

    def __enter__(self):
        self.old = torch.get_num_threads()
        if self.n:
            torch.set_num_threads(self.n)

    def __exit__(self, *a):
        torch.set_num_threads(self.old)


def clock_for(device, threads: int | None = 1):
    """The clock for ``device``: CPU time of the calling thread on a one-thread CPU, else wall time.

    On a CPU shared with other processes, wall time (``time.perf_counter``)
    includes the time the scheduler gives to them, which swamped the signal in
    our runs; with torch pinned to one thread all of a model's work runs in the
    calling thread, so its CPU time (``time.thread_time``) is the cost itself.
    GPU kernels run asynchronously, so there wall time after
    ``torch.cuda.synchronize()`` is the only meaningful clock; so is it on a
    multi-threaded CPU, where work runs in other threads too.
    """
    if torch.device(device).type == "cpu" and threads == 1:
        return time.thread_time, "thread_time"
    return time.perf_counter, "perf_counter"


def time_many(fns: dict, device="cpu", rounds: int = 25, warmup: int = 3,
              min_time: float = 2e-3, threads: int | None = 1) -> dict:
    """Median seconds per call of each ``fns[name]()``, timed in interleaved rounds.

    Every round times every function once (each repeated ``inner`` times so a
    round lasts about ``min_time``), so a burst of load from other processes
    hits all of them alike instead of one; the median over rounds is reported.
    On the CPU torch is pinned to ``threads`` threads meanwhile (None: left as
    it is); the clock is :func:`clock_for` ``(device, threads)``.
    """
    cpu = torch.device(device).type == "cpu"
    with _threads(threads if cpu else None):
        return _time_many(fns, device, rounds, warmup, min_time, clock_for(device, threads)[0])


def _time_many(fns, device, rounds, warmup, min_time, clock):
    inner = {}
    for k, f in fns.items():
        for _ in range(warmup):
            f()
        _sync(device)
        t0 = clock()
        f()
        _sync(device)
        inner[k] = max(1, int(min_time / max(clock() - t0, 1e-7)))
    times = {k: [] for k in fns}
    for _ in range(rounds):
        for k, f in fns.items():
            t0 = clock()
            for _ in range(inner[k]):
                f()
            _sync(device)
            times[k].append((clock() - t0) / inner[k])
    return {k: float(np.median(v)) for k, v in times.items()}


@torch.no_grad()
def measure_latency(models: dict | None = None, d_in: int = 2, n_out: int = 1,
                    batches=(1, 256), device="cpu", rounds: int = 25, threads: int | None = 1) -> pd.DataFrame:
    """Inference latency of one-member models (eval mode, no grad).

    Returns [model, T, batch, seconds, ratio] with ``ratio`` = time / dense MLP
    time at the same batch size, measured in the same interleaved rounds.
    ``threads`` applies on CPU only (None: leave torch's setting).
    """
    models = models or latency_models()
    built = {k: spec.build(d_in, n_out, [0]).to(device).eval() for k, (spec, _) in models.items()}
    rows = []
    for b in batches:
        x = torch.randn(1, b, d_in, device=device)
        sec = time_many({k: (lambda m=m: m(x)) for k, m in built.items()}, device, rounds,
                        threads=threads)
        for label, (spec, T) in models.items():
            rows.append(dict(model=label, family=spec.family, T=T, batch=b, seconds=sec[label],
                             macs_dense=totals(spec, d_in, n_out, n_draws=1)["macs_dense"]))
    df = pd.DataFrame(rows)
    ref = df[df.model == DENSE.label].set_index("batch")["seconds"]
    df["ratio"] = df["seconds"] / df["batch"].map(ref)
    df["device"] = str(device)
    df["threads"] = torch.get_num_threads() if threads is None else threads
    df["clock"] = clock_for(device, threads)[1]
    return df


#: Batch of the graph-step timing (the CA3 states of 256 inputs).
SPARSE_BATCH = 256


@torch.no_grad()
def sparse_vs_dense(sizes=(16, 32, 64, 128, 256, 512), batch: int = SPARSE_BATCH, device="cpu",
                    rounds: int = 25, threads: int | None = 1) -> pd.DataFrame:
    """One recurrent step with the Kronecker graph of ``n`` units: dense vs CSR kernel.

    Both compute ``(h G)^T = G^T h^T`` on the same (n, batch) operand: the dense
    kernel as ``torch.mm``, the sparse one with ``G^T`` stored as
    ``torch.sparse_csr``.  Returns [n, nnz, density, dense_s, sparse_s, speedup]
    (speedup > 1: the sparse kernel is faster).
    """
    rows = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # "sparse CSR support is in beta"
        for n in sizes:
            G = torch.as_tensor(graphs.make_graph("kronecker", n), dtype=torch.float32, device=device)
            Gt = G.T.contiguous()
            Gt_csr = Gt.to_sparse_csr()
            hT = torch.randn(n, batch, device=device)
            if not torch.allclose(torch.mm(Gt, hT), Gt_csr @ hT, atol=1e-4):
                raise AssertionError(f"CSR and dense products disagree at n={n}")
            sec = time_many({"dense": lambda: torch.mm(Gt, hT), "sparse": lambda: Gt_csr @ hT},
                            device, rounds, threads=threads)
            nnz = int((G != 0).sum())
            rows.append(dict(n=n, nnz=nnz, density=nnz / n ** 2, dense_s=sec["dense"],
                             sparse_s=sec["sparse"], speedup=sec["dense"] / sec["sparse"],
                             device=str(device), clock=clock_for(device, threads)[1]))
    return pd.DataFrame(rows)


def crossover(df: pd.DataFrame):
    """Smallest n from which the sparse kernel is faster at every larger size; None if never."""
    d = df.sort_values("n")
    wins = (d["speedup"] > 1).to_numpy()
    for i in range(len(d)):
        if wins[i:].all():
            return int(d["n"].iloc[i])
    return None


# ----------------------------------------------------------------------------- models and counts


def matched_dense(spec: ModelSpec, d_in: int, n_out: int, convention: str = "learned_nnz",
                  label: str = "Dense, HSN-matched") -> ModelSpec:
    """A two-hidden-layer dense MLP whose learned count is closest to ``spec``'s."""
    budget = totals(spec, d_in, n_out, n_draws=10)[convention]
    w = dense_width_for(budget, d_in, n_out)
    return ModelSpec.make(label, "dense", widths=(w, w))


MATCHED = {"learned_nnz": "Dense, HSN-matched (nonzeros)", "learned_size": "Dense, HSN-matched (sizes)"}


def comparison_models(d_in: int, n_out: int, spec_hsn: ModelSpec = HSN_REPAIRED) -> tuple:
    """Dense, the HSN, dense MLPs matched to the HSN's learned count (nonzeros; sizes), the CEN."""
    matched = tuple(matched_dense(spec_hsn, d_in, n_out, conv, label) for conv, label in MATCHED.items())
    return (DENSE, spec_hsn, *matched, CEN_NOTE)


def learned_counts(specs, d_in: int, n_out: int) -> pd.DataFrame:
    """[model, width, learned_size, learned_nnz, fixed, macs_dense, macs_sparse] at one task's shape."""
    rows = []
    for s in specs:
        t = totals(s, d_in, n_out, n_draws=10)
        w = dict(s.options).get("widths")
        rows.append(dict(t, width=w[0] if w else None))
    return pd.DataFrame(rows)


def dimension_params(dims, n_out: int = 1, spec_hsn: ModelSpec = HSN_REPAIRED) -> pd.DataFrame:
    """Learned (sizes and nonzeros) and fixed counts of each comparison model at each input dimension."""
    return pd.concat([learned_counts(comparison_models(d, n_out, spec_hsn), d, n_out).assign(embed_dim=d)
                      for d in dims], ignore_index=True)


def dimension_grids(cfg, dims, task: str = "moons", spec_hsn: ModelSpec = HSN_REPAIRED) -> dict:
    """d -> the grid of the comparison models on ``task`` embedded in d dimensions.

    ``d`` equal to the task's own dimension is run without embedding, so it
    shares the core sweep's cache.
    """
    native, n_out = task_shape(task)
    return {d: grid(cfg, comparison_models(d, n_out, spec_hsn), (task,), embed_dim=None if d == native else d)
            for d in dims}


def dimension_sweep(cfg, dims, task: str = "moons", spec_hsn: ModelSpec = HSN_REPAIRED) -> pd.DataFrame:
    """Train the comparison models on ``task`` embedded in each dimension d.

    Returns the validation-selected members (one row per model, d and seed).
    """
    out = []
    for d, g in dimension_grids(cfg, dims, task, spec_hsn).items():
        out.append(run(cfg, g, desc=f"{task} d={d}").selected().assign(embed_dim=d))
    return pd.concat(out, ignore_index=True)


def task_specs(task: str, spec_hsn: ModelSpec = HSN_REPAIRED, extra=()) -> tuple:
    """The comparison models matched at ``task``'s input/output size, and ``extra``."""
    return (*comparison_models(*task_shape(task), spec_hsn), *extra)


def task_sweep(cfg, tasks=("two_spirals", "digits"), spec_hsn: ModelSpec = HSN_REPAIRED, extra=()):
    """Train the comparison models (matched at each task's input/output size) and ``extra`` on each task.

    Returns (validation-selected members, learned counts per task and model).
    """
    sel, counts = [], []
    for task in tasks:
        specs = task_specs(task, spec_hsn, extra)
        sel.append(run(cfg, grid(cfg, specs, (task,)), desc=task).selected())
        counts.append(learned_counts(specs, *task_shape(task)).assign(task=task))
    return pd.concat(sel, ignore_index=True), pd.concat(counts, ignore_index=True)


def graph_models() -> dict:
    """The HSN (repaired) with fixed, initiator-learned and fully learned graphs, and wider CA3."""
    return {
        "fixed": HSN_REPAIRED,
        "initiator": repaired_variant("HSN learned initiator (repaired)", graph_mode="initiator"),
        "learned": hsn_controls()["learned G"],
        "h_ca3=64": repaired_variant("HSN h_ca3=64 (repaired)", h_ca3=64),
        "h_ca3=256": repaired_variant("HSN h_ca3=256 (repaired)", h_ca3=256),
    }


# ----------------------------------------------------------------------------- comparisons


def paired_vs(selected: pd.DataFrame, ref: str, by=("task",), value: str = "test_metric") -> pd.DataFrame:
    """Per group and model: paired difference (model - ``ref``) over seeds, with CI and p-value."""
    rows = []
    for key, g in selected.groupby(list(by), sort=False):
        key = key if isinstance(key, tuple) else (key,)
        wide = g.pivot_table(index="seed", columns="model", values=value)
        if ref not in wide:
            continue
        for m in wide.columns:
            if m == ref:
                continue
            pair = wide[[m, ref]].dropna()
            t = paired_test(pair[m].to_numpy(), pair[ref].to_numpy())
            rows.append(dict(zip(by, key), model=m, reference=ref, n=len(pair),
                             mean=float(pair[m].mean()), ref_mean=float(pair[ref].mean()),
                             diff=t["mean_diff"], lo=t["lo"], hi=t["hi"], p=t["t_p"]))
    return pd.DataFrame(rows)


def verdict(lo: float, hi: float, above: str, below: str, neither: str) -> str:
    """Words for a confidence interval of a difference: ``above`` if it excludes 0 from above
    (lo > 0), ``below`` if hi < 0, else ``neither``; prose is glued from this, never typed."""
    if lo > 0:
        return above
    if hi < 0:
        return below
    return neither


# ----------------------------------------------------------------------------- figures

def _log_ticks(ax, values):
    """Label a log x-axis exactly at ``values``, without matplotlib's minor-tick labels."""
    ax.set_xticks(list(values), [str(v) for v in values])
    ax.xaxis.set_minor_formatter(NullFormatter())


def latency(lat: pd.DataFrame) -> plt.Figure:
    """Inference time relative to the dense MLP vs the HSN's T, one line per batch size.

    The HSN's multiply-accumulates relative to the dense MLP are drawn for comparison,
    and the CEN as a marker at the right.  Models keep the book's colours
    (:mod:`scaffold.runtime.style`); batch sizes differ by line style and marker fill.
    """
    fig, ax = plt.subplots(figsize=style.figsize(1, 3.0))
    hsn = lat[lat.family == "hsn"].sort_values("T")
    dense_macs = float(lat.loc[lat.family == "dense", "macs_dense"].iloc[0])
    h, c = style.look(HSN_REPAIRED.label), style.look(CEN_NOTE.label)
    for i, (b, g) in enumerate(hsn.groupby("batch")):
        fill = None if i == 0 else "none"
        ax.plot(g["T"], g["ratio"], marker=h.marker, ls="-" if i == 0 else "-.", color=h.color,
                mfc=fill, label=f"{HSN_REPAIRED.label}, batch {b}")
        cen = lat[(lat.family == "cen") & (lat.batch == b)]
        if len(cen):
            ax.plot([hsn["T"].max() + 1.2], cen["ratio"], c.marker, color=c.color, mfc=fill, ms=7,
                    label=f"{CEN_NOTE.label}, batch {b}")
    macs = hsn.drop_duplicates("T")
    ax.plot(macs["T"], macs["macs_dense"] / dense_macs, ":", color="0.2", label="HSN MACs / dense MACs")
    ax.axhline(1.0, color="0.5", lw=1, ls="--")
    ax.set(xlabel="recurrent steps T", ylabel="time / dense MLP time", ylim=(0, None),
           title=f"inference cost on {lat['device'].iloc[0]} ({lat['clock'].iloc[0]})")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    fig.legend(loc="outside lower center", ncols=2, frameon=False)
    return fig


def sparse_kernels(sp: pd.DataFrame) -> plt.Figure:
    """Time of one graph step h @ G with a dense and a CSR kernel vs graph size (log-log)."""
    fig, (a, b) = style.panels(2)
    a.loglog(sp["n"], sp["dense_s"] * 1e6, "o-", label="dense (torch.mm)")
    a.loglog(sp["n"], sp["sparse_s"] * 1e6, "s-", label="sparse (CSR)")
    a.set(xlabel="CA3 units n (Kronecker graph)", ylabel="time per step (µs)")
    a.legend(frameon=False)
    b.semilogx(sp["n"], sp["speedup"], "o-", color="0.25")
    b.axhline(1.0, color="0.5", ls="--", lw=1)
    for i, (n, dens, s) in enumerate(zip(sp["n"], sp["density"], sp["speedup"])):
        # alternate above / below so that neighbouring labels never touch
        b.annotate(f"{dens:.0%}", (n, s), textcoords="offset points", xytext=(0, 7 if i % 2 == 0 else -13),
                   fontsize=8, ha="center")
    b.set(xlabel="CA3 units n", ylabel="dense time / sparse time", title="labels: density of G")
    for ax in (a, b):
        _log_ticks(ax, sp["n"])
        ax.tick_params(axis="x", labelrotation=45)
    return fig


def dimension(params: pd.DataFrame, sel: pd.DataFrame, metric: str = "test_metric") -> plt.Figure:
    """Left: learned parameters vs input dimension; right: accuracy vs input dimension."""
    fig, (a, b) = style.panels(2, panel_height=2.8)
    for m, g in params.groupby("model", sort=False):
        lk = style.look(m)
        a.loglog(g["embed_dim"], g["learned_nnz"], marker=lk.marker, color=lk.color, label=m)
        if (g["learned_size"] != g["learned_nnz"]).any():
            a.loglog(g["embed_dim"], g["learned_size"], ls="--", marker=lk.marker, color=lk.color,
                     mfc="none", label=f"{m}, tensor sizes")
    a.set(xlabel="input dimension d", ylabel="learned parameters (nonzeros)")
    s = summarize(sel, ["model", "embed_dim"], metric)
    for m, g in s.groupby("model", sort=False):
        g = g.sort_values("embed_dim")
        lk = style.look(m)
        b.errorbar(g["embed_dim"], g["mean"], yerr=[g["mean"] - g["lo"], g["hi"] - g["mean"]],
                   marker=lk.marker, capsize=2, color=lk.color)
    b.set_xscale("log")
    b.set(xlabel="input dimension d", ylabel="test accuracy (mean, 95% CI)")
    for ax in (a, b):
        _log_ticks(ax, sorted(params["embed_dim"].unique()))
    fig.legend(*a.get_legend_handles_labels(), loc="outside lower center", ncols=2, frameon=False)
    return fig


def paired_panels(diffs: pd.DataFrame, lower_better=("sine",)):
    """Paired difference (variant - reference) with 95% CI, one panel per task (live forest plot)."""
    d = diffs.copy()
    d["reading"] = "repaired HSN, graph varied"
    ref = d["reference"].iloc[0]
    return charts.forest(d, "diff", "lo", "hi", xlabel=f"test score minus {ref}'s (same seeds)",
                         alt=f"Paired difference of each HSN variant to {ref}, per task")


def accuracy_vs_params(sel: pd.DataFrame, counts: pd.DataFrame, metric: str = "test_metric"):
    """Per task: mean test accuracy (95% CI) against learned parameters (nonzeros, log scale), live."""
    s = summarize(sel, ["task", "model"], metric)
    d = s.merge(counts[["task", "model", "learned_nnz"]], on=["task", "model"])
    d["reading"] = d["model"].map(lambda m: "repaired" if m.startswith("HSN") else "as built")
    d = d.rename(columns={"learned_nnz": "learned parameters", "mean": "test accuracy"})
    return charts.scatter(d, "learned parameters", "test accuracy", lo="lo", hi="hi", log_x=True,
                          xlabel="learned parameters (nonzeros)", ylabel="test accuracy",
                          alt="Test accuracy against learned parameters per model and task")


# ----------------------------------------------------------------------------- the chapter

#: Timing rounds (timing is cheap: the same in both profiles).
TIMING_ROUNDS = 25
ALPHA = 0.05  # significance level of the paired t-tests
#: The harder tasks of the fourth question.
HARDER_TASKS = ("two_spirals", "digits")


def dimensions(cfg) -> tuple:
    """Input dimensions of the second question (784: MNIST's 28 x 28 pixels, the note's example)."""
    return (2, 32, 784) if cfg.quick else (2, 8, 32, 128, 784)


def graph_tasks(cfg) -> tuple:
    """Tasks of the third question; circles is left out: every HSN variant is within a few
    thousandths of its ceiling there."""
    return ("moons", "sine") if cfg.quick else ("swiss_roll", "moons", "sine")


def harder_extras() -> tuple:
    """Besides the comparison models, on the harder tasks: a wider CA3 and no recurrence (T = 0)."""
    return graph_models()["h_ca3=64"], hsn_controls()["T=0"]


def grids(cfg) -> dict:
    """Every sweep this chapter trains: input dimension, graphs, harder tasks."""
    out = {f"moons d={d}": g for d, g in dimension_grids(cfg, dimensions(cfg)).items()}
    out["graphs"] = grid(cfg, tuple(graph_models().values()), graph_tasks(cfg))
    for task in HARDER_TASKS:
        out[task] = grid(cfg, task_specs(task, extra=harder_extras()), (task,))
    return out


def compute(cfg) -> dict:
    """The chapter's measurements and trained sweeps, written to ``cfg.results_dir``.

    The order is that of the page: timings first (they use the generator of
    torch for their inputs), then the sweeps.
    """
    out = cfg.results_dir
    dims = dimensions(cfg)
    lat = measure_latency(device=cfg.device, rounds=TIMING_ROUNDS)
    lat.to_csv(out / "limits_latency.csv", index=False)
    sp = sparse_vs_dense(device=cfg.device, rounds=TIMING_ROUNDS)
    sp.to_csv(out / "limits_sparse.csv", index=False)
    pdim = dimension_params(dims)
    sel_dim = dimension_sweep(cfg, dims)
    sel_dim.to_csv(out / "limits_dimension.csv", index=False)
    pdim.to_csv(out / "limits_dimension_params.csv", index=False)
    gm = graph_models()
    sel_g = run(cfg, grids(cfg)["graphs"], desc="graphs").selected()
    sel_g.to_csv(out / "limits_graphs.csv", index=False)
    sel_t, counts_t = task_sweep(cfg, HARDER_TASKS, extra=harder_extras())
    sel_t.to_csv(out / "limits_tasks.csv", index=False)
    counts_t.to_csv(out / "limits_tasks_params.csv", index=False)
    return dict(latency=lat, sparse=sp, dimension_params=pdim, dimension=sel_dim, graphs=sel_g,
                graph_diffs=paired_vs(sel_g, gm["fixed"].label), tasks=sel_t, task_counts=counts_t)


def facts(cfg, tables: dict) -> dict:
    """The numbers and verdict words the chapter's prose quotes (published with the prefix ``lim``)."""
    dims, gm = dimensions(cfg), graph_models()
    wide, flat = harder_extras()
    lat, sp, pdim, sel_dim = (tables[k] for k in ("latency", "sparse", "dimension_params", "dimension"))
    sel_g, dg, sel_t, counts_t = (tables[k] for k in ("graphs", "graph_diffs", "tasks", "task_counts"))
    m = pd.DataFrame([totals(s, 2, 1) for s in (DENSE, HSN_REPAIRED, CEN_NOTE)]).set_index("model")
    cross = crossover(sp)
    f = {}
    f["n-seeds"] = cfg.n_seeds
    f["device"] = str(cfg.device)
    rep = HSN_REPAIRED.config
    f["rep-radius"] = float(rep.spectral_radius)
    f["hdg"] = int(rep.h_dg)
    f["dg-pct"] = 100 * float(rep.dg_density)
    f["dense-width"] = int(DENSE.config.widths[0])
    f["macs-dense"] = int(m.loc["Dense MLP", "macs_dense"])
    f["macs-hsn"] = int(m.loc["HSN (repaired)", "macs_dense"])
    f["macs-hsn-sparse"] = m.loc["HSN (repaired)", "macs_sparse"]
    f["macs-cen"] = int(m.loc["CEN (H=512)", "macs_dense"])
    f["macs-cen-sparse"] = m.loc["CEN (H=512)", "macs_sparse"]
    f["macs-ratio"] = m.loc["HSN (repaired)", "macs_dense"] / m.loc["Dense MLP", "macs_dense"]
    f["hsn-T"] = HSN_REPAIRED.config.T
    f["rounds"] = TIMING_ROUNDS
    B_SMALL, B_LARGE = int(lat.batch.min()), int(lat.batch.max())
    T_MAX = int(lat.loc[lat.family == "hsn", "T"].max())
    T_NOTE = HSN_REPAIRED.config.T
    f["b-small"] = B_SMALL
    f["b-large"] = B_LARGE
    f["t-max"] = T_MAX
    f["t-zero"] = 0
    hsn_lat = lat[lat.family == "hsn"].set_index(["batch", "T"])["ratio"]
    cen_lat = lat[lat.family == "cen"].set_index("batch")["ratio"]
    for b in (1, 256):
        f[f"lat-b{b}-t5"] = hsn_lat[(b, T_NOTE)]
        f[f"lat-b{b}-t0"] = hsn_lat[(b, 0)]
        f[f"lat-b{b}-t10"] = hsn_lat[(b, T_MAX)]
        f[f"lat-b{b}-cen"] = cen_lat[b]
        slower = [T for T in range(T_MAX + 1) if hsn_lat[(b, T)] > 1.0]
        f[f"lat-b{b}-first-slower"] = f"T = {min(slower)}" if slower else f"no T up to {T_MAX}"
    f["clock"] = lat["clock"].iloc[0]
    for b in (1, 256):
        f[f"lat-b{b}-word"] = "slower" if hsn_lat[(b, 5)] > 1 else "not slower"
    above_macs = all(lat.loc[lat.family == "hsn", "ratio"] >
                     lat.loc[lat.family == "hsn", "macs_dense"] / m.loc["Dense MLP", "macs_dense"])
    f["lat-macs-word"] = "above" if above_macs else "not everywhere above"
    spi = sp.set_index("n")
    N_NOTE, N_MAX = rep.h_ca3, int(sp.n.max())
    f["sp-nmin"] = int(sp.n.min())
    f["sp-nmax"] = N_MAX
    f["sp-note-n"] = N_NOTE
    f["sp-batch"] = SPARSE_BATCH
    f["sp-16"] = spi.loc[N_NOTE, "speedup"]
    f["sp-16-density"] = 100 * spi.loc[N_NOTE, "density"]
    f["sp-512"] = spi.loc[N_MAX, "speedup"]
    f["sp-512-density"] = 100 * spi.loc[N_MAX, "density"]
    f["sp-cross"] = f"from {cross} units on" if cross else f"at no size up to {N_MAX} units"
    f["note-784x64"] = note.MNIST_DENSE_HIDDEN
    f["note-dg-nnz"] = note.MNIST_DG_NNZ
    D_MNIST = max(dims)  # MNIST's 28 x 28 pixels, the note's example
    f["d-mnist"] = D_MNIST
    f["dg-expected"] = note.DG_DENSITY * D_MNIST * rep.h_dg
    f["dg-slope-ratio"] = DENSE.config.widths[0] / (rep.dg_density * rep.h_dg)
    acc784 = params.accounting(HSN_REPAIRED, D_MNIST, 1, n_draws=10).set_index("component")
    f["dg-measured"] = acc784.loc["W_dg", "nnz"]
    f["dg-factor"] = acc784.loc["W_dg", "nnz"] / note.MNIST_DG_NNZ
    f["dims"] = ", ".join(map(str, dims))

    P = pdim.set_index(["embed_dim", "model"])
    lo_d, hi_d = min(dims), max(dims)
    for d in (lo_d, hi_d):
        dense_n = P.loc[(d, "Dense MLP"), "learned_nnz"]
        f[f"p-dense-{d}"] = int(dense_n)
        f[f"p-hsn-nnz-{d}"] = P.loc[(d, "HSN (repaired)"), "learned_nnz"]
        f[f"p-hsn-size-{d}"] = int(P.loc[(d, "HSN (repaired)"), "learned_size"])
        f[f"ratio-nnz-{d}"] = dense_n / P.loc[(d, "HSN (repaired)"), "learned_nnz"]
        f[f"ratio-size-{d}"] = dense_n / P.loc[(d, "HSN (repaired)"), "learned_size"]
        for k, lab in MATCHED.items():
            f[f"w-{k}-{d}"] = int(P.loc[(d, lab), "width"])
    f["cen-fixed-784"] = P.loc[(hi_d, "CEN (H=512)"), "fixed"]
    f["d-lo"] = lo_d
    f["d-hi"] = hi_d

    sdim = summarize(sel_dim, ["model", "embed_dim"], "test_metric").set_index(["embed_dim", "model"])
    short = {"Dense MLP": "dense", "HSN (repaired)": "hsn", "CEN (H=512)": "cen",
             MATCHED["learned_nnz"]: "mnnz", MATCHED["learned_size"]: "msize"}
    for d in (lo_d, hi_d):
        for lab, key in short.items():
            f[f"acc-{key}-{d}"] = sdim.loc[(d, lab), "mean"]
    diffs_dim = paired_vs(sel_dim, "HSN (repaired)", by=("embed_dim",))
    D = diffs_dim.set_index(["embed_dim", "model"])
    for lab, key in short.items():
        if lab == "HSN (repaired)":
            continue
        r = D.loc[(hi_d, lab)]
        # the sign convention of paired_vs is model - HSN; report HSN - model
        f[f"dhsn-{key}-{hi_d}"] = -r["diff"]
        f[f"dhsn-{key}-{hi_d}-ci"] = f"[{-r['hi']:.3f}, {-r['lo']:.3f}]"
        f[f"dhsn-{key}-{hi_d}-word"] = verdict(-r["hi"], -r["lo"], "more accurate than",
                                    "less accurate than", "not distinguishable from")
    gcounts = learned_counts(gm.values(), 2, 1).set_index("model")
    f["g-init-extra"] = int(gcounts.loc[gm["initiator"].label, "learned_size"]
                            - gcounts.loc[gm["fixed"].label, "learned_size"])
    f["g-nnz"] = gcounts.loc[gm["fixed"].label, "fixed"]
    for k in ("fixed", "h_ca3=64", "h_ca3=256"):
        n = gm[k].config.h_ca3
        f[f"g-size-{n}"] = int(gcounts.loc[gm[k].label, "learned_size"])
        f[f"g-n-{k.split('=')[-1]}"] = int(n)
    f["g-tasks"] = ", ".join(graph_tasks(cfg))

    # For sine the metric is MSE (lower is better): flip so that positive always means "better".
    better = dg.assign(better=lambda t: t["diff"].where(t.task != "sine", -t["diff"]))
    sig = better[better.p < ALPHA]
    f["alpha-pct"] = 100 * ALPHA
    f["margin"] = float(MARGIN_ACC)
    f["g-n-tests"] = len(better)
    f["g-n-better"] = int((sig.better > 0).sum())
    f["g-n-worse"] = int((sig.better < 0).sum())
    f["g-sig-words"] = significance_words(f["g-n-better"], f["g-n-worse"])
    cls = better[better.task != "sine"]
    f["g-max-gain"] = float(cls["diff"].max())
    f["g-max-gain-at"] = f"{cls.loc[cls['diff'].idxmax(), 'model']} on {cls.loc[cls['diff'].idxmax(), 'task']}"
    f["g-max-loss"] = float(cls["diff"].min())
    f["g-max-loss-at"] = f"{cls.loc[cls['diff'].idxmin(), 'model']} on {cls.loc[cls['diff'].idxmin(), 'task']}"
    sine_sel = sel_g[sel_g.task == "sine"]
    fixed_sine = sine_sel[sine_sel.model == gm["fixed"].label]["test_metric"]
    f["g-sine-fixed-mean"] = fixed_sine.mean()
    f["g-sine-fixed-median"] = fixed_sine.median()
    f["g-sine-fixed-max"] = fixed_sine.max()
    var_sine = sine_sel[sine_sel.model != gm["fixed"].label].groupby("model")["test_metric"].mean()
    f["g-sine-var-lo"] = var_sine.min()
    f["g-sine-var-hi"] = var_sine.max()
    f["g-sine-n-lower"] = int((var_sine < fixed_sine.mean()).sum())
    f["g-sine-n-var"] = len(var_sine)
    f["g-sine-n-sig"] = int((sig.task == "sine").sum())
    lower = var_sine[var_sine < fixed_sine.mean()]
    f["g-sine-lower-sentence"] = lower_sentence(len(lower), len(var_sine), lower, f["g-sine-n-sig"],
                                                f["alpha-pct"])
    ini = better[better.model == gm["initiator"].label]
    f["g-init-absmax"] = float(ini.loc[ini.task != "sine", "diff"].abs().max())
    st = summarize(sel_t, ["task", "model"], "test_metric").set_index(["task", "model"])
    C = counts_t.set_index(["task", "model"])
    for t in ("two_spirals", "digits"):
        for lab, key in short.items():
            f[f"t-{t}-{key}"] = st.loc[(t, lab), "mean"]
            f[f"t-{t}-{key}-p"] = C.loc[(t, lab), "learned_nnz"]
    dt = paired_vs(sel_t, "HSN (repaired)")
    T_ = dt.set_index(["task", "model"])
    for t in ("two_spirals", "digits"):
        for lab, key in short.items():
            if lab != "HSN (repaired)":
                f[f"t-{t}-dhsn-{key}"] = -T_.loc[(t, lab), "diff"]
                f[f"t-{t}-dhsn-{key}-p"] = T_.loc[(t, lab), "p"]
    for t in ("two_spirals", "digits"):
        f[f"t-{t}-wide"] = st.loc[(t, wide.label), "mean"]
        f[f"t-{t}-flat"] = st.loc[(t, flat.label), "mean"]
        r = T_.loc[(t, flat.label)]
        f[f"t-{t}-flat-word"] = verdict(r["lo"], r["hi"], "raises", "lowers", "does not measurably change")
        r = T_.loc[(t, MATCHED["learned_nnz"])]
        f[f"t-{t}-word"] = verdict(-r["hi"], -r["lo"], "more accurate than",
                                   "less accurate than", "not distinguishable from")
    r = T_.loc[("digits", flat.label)]
    f["digits-d"] = make_dataset("digits", seed=cfg.seeds[0]).d_in
    f["digits-o"] = make_dataset("digits", seed=cfg.seeds[0]).n_out
    f["t-digits-recurrence-role"] = verdict(r["lo"], r["hi"], "part of the problem, not of the remedy",
                                          "a help, but not enough", "not what limits the HSN")
    f.update(data_links(cfg))
    return f


def lower_sentence(k: int, n: int, lower: pd.Series, n_sig: int, alpha_pct: float) -> str:
    """How many graph variants have a lower sine MSE than the fixed graph, and how many of them pass."""
    if k == 0:
        return f"none of the {n} variants has a lower mean"
    span = (tab.number(lower.iloc[0]) if k == 1
            else f"from {tab.number(lower.min())} to {tab.number(lower.max())}")
    which = ("the one variant has" if n == 1 else
             share(k, n) + (" variants have" if k > 1 else " variants has"))
    sig = ("none passes" if n_sig == 0 else "it passes" if k == 1
           else f"{'all' if n_sig == k else n_sig} of these pass")
    return f"{which} a lower mean ({span}), and {sig} the paired t-test at {alpha_pct:.0f}%"


def significance_words(better: int, worse: int) -> str:
    """'none is significantly better or worse', 'one is significantly better and 2 are ...'."""
    if better == worse == 0:
        return "none is significantly better or worse"

    def part(k, word):
        n = "none" if k == 0 else "one" if k == 1 else str(k)
        return f"{n} {'are' if k > 1 else 'is'} significantly {word}"
    return f"{part(better, 'better')} and {part(worse, 'worse')}"


def table_views(cfg, tables: dict) -> dict:
    """The chapter's tables for reading (published with the prefix ``tab-lim``)."""
    dims = (tables["dimension_params"][["embed_dim", "model", "width", "learned_nnz", "learned_size",
                                        "fixed", "macs_dense"]]
            .sort_values(["embed_dim"], kind="stable"))
    g = graph_table(tables).drop(columns=["std"], errors="ignore")
    t = task_table(tables).drop(columns=["std"], errors="ignore")
    heads = {"embed_dim": "Input dimension d", "learned_nnz": "Learned (nonzeros)",
             "learned_size": "Learned (tensor sizes)", "fixed": "Fixed (nonzeros)",
             "mean": "Test mean", "macs_dense": "Multiply-accumulates", "lo": "95% CI low", "hi": "95% CI high",
             "diff": "Difference to fixed G", "diff_lo": "Difference: CI low",
             "diff_hi": "Difference: CI high", "p": "t-test p"}
    out = {"dimension": tab.table(dims, headers=heads, sort=["embed_dim", "model"]),
           "graphs": tab.table(g, headers=heads), "tasks": tab.table(t, headers=heads)}
    for v in out.values():
        if "task" in v.df.columns:
            v.df["task"] = v.df["task"].map(task_title)
    return out


def data_links(cfg) -> dict:
    """Download links to the files each figure and table of the chapter is drawn from."""
    out = cfg.results_dir
    return {f"data-{k}": provenance.data_links(*(out / n for n in names)) for k, names in {
        "latency": ["limits_latency.csv"], "sparse": ["limits_sparse.csv"],
        "dimension": ["limits_dimension.csv", "limits_dimension_params.csv"],
        "graphs": ["limits_graphs.csv"], "tasks": ["limits_tasks.csv", "limits_tasks_params.csv"]}.items()}


def graph_table(tables: dict) -> pd.DataFrame:
    """Test metric per (task, graph variant) with its paired difference to the fixed graph."""
    dg = tables["graph_diffs"]
    return summarize(tables["graphs"], ["task", "model"], "test_metric").merge(
        dg[["task", "model", "diff", "lo", "hi", "p"]].rename(columns={"lo": "diff_lo", "hi": "diff_hi"}),
        on=["task", "model"], how="left")


def task_table(tables: dict) -> pd.DataFrame:
    """Test metric per (harder task, model) with the learned counts."""
    return summarize(tables["tasks"], ["task", "model"], "test_metric").merge(
        tables["task_counts"][["task", "model", "learned_nnz", "learned_size"]], on=["task", "model"])


def figures(tables: dict) -> dict:
    """The chapter's figures (published with the prefix ``fig-lim``)."""
    return {"latency": latency(tables["latency"]), "sparse": sparse_kernels(tables["sparse"]),
            "dimension": dimension(tables["dimension_params"], tables["dimension"]),
            "graphs": paired_panels(tables["graph_diffs"]),
            "tasks": accuracy_vs_params(tables["tasks"], tables["task_counts"])}
