"""Chapter 2, "Benchmarks" (book/02-benchmarks.py): the note's Table 2.1 re-run over seeds.

The note gives one score per (task, model): the validation accuracy (or validation
MSE for sine) of a single run, with the learning rate picked from {0.01, 0.02} on
that same validation set, and the CEN shown at its "best H".  Here every cell
becomes a mean over seeds with a 95% percentile-bootstrap CI, once on validation
(the note's choice, optimistic because selection used it) and once on the held-out
test split; each reported value is judged by the rulebook (:mod:`.reported`).

:mod:`.reported` builds the table, :mod:`.facts` and :mod:`.figures` say what the
page states and draws; :func:`page` puts them together for the notebook.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd

from ... import experiments
from ...data import DEFAULTS, NOTE_TASKS, make_dataset, task_title
from ...runtime import tables
from ...runtime.publish import Keys, Page, in_book_style, settings
from ...sweep import Grid, trained_model
from . import facts, figures
from .reported import chosen_widths, reported_vs_ours, results_table, with_derived

__all__ = ["KEYS", "compute", "fits", "grids", "page"]

#: The rows of the page's table, and the figures' subsets of them.
MODELS = ["Dense MLP", "HSN (literal)", "HSN (repaired)", "CEN (H=512)", "CEN (best H)", "CEN (note's H)"]
FIG_MODELS = ["Dense MLP", "HSN (literal)", "HSN (repaired)", "CEN (H=512)", "CEN (best H)"]
FIT_MODELS = {"Dense MLP": experiments.DENSE, "HSN (literal)": experiments.HSN_LITERAL,
              "HSN (repaired)": experiments.HSN_REPAIRED, "CEN (H=512)": experiments.CENS[-1]}
#: The task options the page lists, with what each means.
OPTIONS = (("swiss_noise", "Swiss roll: noise of make_swiss_roll"),
           ("spiral_noise", "two spirals: Gaussian noise on the arms"),
           ("spiral_turns", "two spirals: turns of each arm"),
           ("circles_noise", "circles: noise of make_circles"),
           ("circles_factor", "circles: inner/outer radius ratio"),
           ("moons_noise", "moons: noise of make_moons"),
           ("sine_noise", "sine: noise on the targets"),
           ("embed_noise", "noise when embedding in more dimensions (not used here)"))

#: Facts printed as typed (configured values and the note's reported numbers), not to 3 digits.
SETTINGS = settings("epochs-scale", "lr-lo", "lr-hi", "rep-radius", "nf-acc", "note-dense-sine", "note-hsn-cls-min",
                    "note-hsn-cls-max", "note-hsn-moons", "note-hsn-sine", "note-cen-sine", "note-cen-circles",
                    "moons-gap")

KEYS = Keys(
    facts=("show-seed", "n-train", "n-val", "n-test", "batch", "epochs-cls", "epochs-reg", "epochs-scale",
           "lr-lo", "lr-hi", "cen-widths", "n-seeds", "cen-hmax", "n-tasks", "n-models", "note-h",
           "note-h-circles", "rep-radius", "wide", "margin-acc", "margin-r2-pct",
           "dense-cls-maxgap", "dense-sine", "note-dense-sine", "dense-sine-ratio", "dense-sine-noisy",
           "dense-sine-ratio-noisy",
           "lit-cls-min", "lit-cls-max", "note-hsn-cls-min", "note-hsn-cls-max", "lit-best-seed",
           "lit-best-seed-task", "lit-sine", "rep-dense-maxgap", "note-hsn-moons", "moons-words",
           "dense-moons", "rep-sine", "note-hsn-sine",
           "cen-sine", "note-cen-sine", "cen-circles-note-h", "note-cen-circles", "cen-circles-best-h",
           "cen-optimism-words", "inside-sentence", "misses",
           "nf-n", "nf-acc", "nf-res", "nf-se", "nf-points", "nf-half", "nf-diff", "moons-gap",
           "fit-seed", "fit-agree", "late-from", "late-max-gain", "late-max-which", "dense-sine-settle",
           "dense-sine-final", "data-table", "data-members"),
    figures=("data", "fig1-val", "fig1-test", "boundaries", "sine", "curves", "seeds"),
    tables=("main", "widths", "options"))


#: The other sine reading: targets with noise 0.1 (the multiverse trains the same dense MLP on them).
NOISY_SINE = (("sine_noise", 0.1),)


def grids(cfg) -> dict:
    """The sweeps this page trains: the note's benchmark (:func:`scaffold.experiments.core_grid`),
    and the dense MLP on noisy sine, so that the sine baseline is stated under both readings."""
    return {"core": replace(experiments.core_grid(cfg), val_curve=True),  # its learning curves are drawn
            "dense on noisy sine": experiments.grid(cfg, [experiments.DENSE], tasks=("sine",),
                                                    data_options=NOISY_SINE)}


def compute(cfg) -> dict:
    """The core sweep's members and the reported-vs-ours table, written to ``cfg.results_dir``."""
    out = cfg.results_dir
    sweep = experiments.run(cfg, grids(cfg)["core"], desc="core sweep")
    sweep.members.to_csv(out / "benchmarks_members.csv", index=False)
    selected = sweep.selected()
    rows = with_derived(selected)
    long = reported_vs_ours(rows, MODELS, NOTE_TASKS)
    long.to_csv(out / "benchmarks_table.csv", index=False)
    noisy = experiments.run(cfg, grids(cfg)["dense on noisy sine"], desc="dense on noisy sine").selected()
    return dict(sweep=sweep, selected=selected, rows=rows, long=long, noisy_sine=noisy)


def fits(cfg, results: dict) -> dict:
    """One trained member per (task, model) of :data:`FIT_MODELS` on the first seed, to draw.

    The sweep keeps scores, not weights, so the first seed is trained again at
    the learning rate the sweep chose; ``max_diff`` is the largest difference of
    its test score from the sweep's (zero when training is deterministic).
    """
    seed, selected, members = cfg.seeds[0], results["selected"], results["sweep"].members
    grid = Grid(tasks=NOTE_TASKS, specs=tuple(FIT_MODELS.values()), seeds=(seed,),
                epochs_scale=cfg.epochs_scale)
    out, diffs = {}, []
    for task in NOTE_TASKS:
        for label, spec in FIT_MODELS.items():
            res = trained_model(grid, task, spec, cfg.device)  # weights cached after the first run
            lr = selected.query("task == @task and model == @label and seed == @seed")["lr"].iloc[0]
            member = int(np.flatnonzero(res.members["lr"].to_numpy() == lr)[0])
            score = float(res.members["test_metric"].iloc[member])
            ref = members.query("task == @task and model == @label and seed == @seed and lr == @lr")
            diffs.append(abs(score - float(ref["test_metric"].iloc[0])))
            out[(task, label)] = (res.model, member, res.datasets[seed], score)
    return dict(fits=out, seed=seed, max_diff=max(diffs))


def page(cfg) -> Page:
    """The benchmarks page: its facts, figures and tables."""
    results = compute(cfg)
    fitted = fits(cfg, results)
    styled = in_book_style(facts.facts(cfg, results, fitted), SETTINGS)
    return KEYS.page(styled, page_figures(cfg, results, fitted), table_views(results))


def task_options() -> pd.DataFrame:
    """The task options used here (``scaffold.data.DEFAULTS``) with what each means."""
    options = pd.DataFrame(list(OPTIONS), columns=["option", "meaning"])
    options["value"] = options["option"].map(DEFAULTS)
    return options.set_index("option")


def table_views(results: dict) -> dict:
    """The page's tables for reading (published as ``tab-bench-KEY``)."""
    widths = tables.table(chosen_widths(results["rows"]).reset_index())
    widths.df["task"] = widths.df["task"].map(task_title)
    opts = task_options().reset_index()
    return {"main": results_table(results["long"]), "widths": widths,
            "options": tables.table(opts[["option", "value", "meaning"]])}


def page_figures(cfg, results: dict, fitted: dict) -> dict:
    """The page's figures (published as ``fig-bench-KEY``)."""
    long, sweep, selected = results["long"], results["sweep"], results["selected"]
    shown = {t: make_dataset(t, seed=cfg.seeds[0]) for t in ("swiss_roll", "two_spirals", "circles", "moons", "sine")}
    cls = [t for t in NOTE_TASKS if t != "sine"]
    return {
        "data": figures.plot_datasets(shown),
        "fig1-val": figures.plot_figure1(long, FIG_MODELS, NOTE_TASKS, "val"),
        "fig1-test": figures.plot_figure1(long, FIG_MODELS, NOTE_TASKS, "test"),
        "boundaries": figures.plot_boundaries(fitted["fits"], cls, list(FIT_MODELS)),
        "sine": figures.plot_sine_fits(fitted["fits"], list(FIT_MODELS)),
        "curves": figures.plot_learning_curves(sweep.curves, selected, NOTE_TASKS, facts.CURVE_MODELS),
        "seeds": figures.plot_per_seed(results["rows"], MODELS, NOTE_TASKS),
    }
