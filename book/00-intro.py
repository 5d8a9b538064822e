# ---
# jupyter:
#   jupytext:
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Introduction
#
# Carlo Nicolini's note *The tradeoff* {cite}`nicolini_tradeoff` claims that a large **fixed**
# hidden state with a tiny **learned** readout matches a dense MLP with a fifth of the learned
# parameters. Its HSN passes the input through a sparse "DG" layer, whose weights a random 5% mask
# keeps (the mask *as drawn*), into a fixed recurrent graph; its CEN is a fixed random expansion.
# We re-ran both under every *reading*: every way of filling in what the note leaves open; those
# *consistent with the note* are the ones that reproduce its own numbers. In short:

# %% tags=["parameters", "remove-cell"]
device = "auto"  # "auto", "cpu", "cuda" or "mps"
profile = "full"  # "full" or "quick"
n_seeds = 0  # 0: the profile's default
epochs_scale = 0.0  # 0: the profile's default

# %% tags=["remove-cell"]
from IPython.display import Markdown, display

from scaffold.chapters import intro
from scaffold.runtime import provenance, publish_page, setup

cfg = setup(device=device, profile=profile, n_seeds=n_seeds, epochs_scale=epochs_scale)
pg = intro.page(cfg)
publish_page(pg, "i");

# %% tags=["remove-input"]
display(Markdown(pg.facts["short-answers"]))

# %% [markdown]
# ## What we found
#
# HSN and CEN stand for Hippocampal Scaffold Network and Cerebellar Expansion Network; the HSN's
# sparse layer and recurrent graph are named after the hippocampus's dentate gyrus ("DG") and its
# CA3 region, and the graph is a Kronecker power of a small seed matrix. The note reports equal or better accuracy than the dense MLP
# on three toy classification tasks, and on a fourth, sine, about twice its error. We trained each reading over up to
# {glue:text}`i-seeds` seeds. The loop, graph and budget claims are also judged on *two spirals*,
# two interleaved spiral arms: one way to read the note's swiss-roll label, and harder than its
# tasks (which label the note's own numbers point to is said below).

# %% tags=["remove-input"]
display(Markdown(pg.facts["findings"]))

# %% [markdown]
# ```{glue:figure} fig-i-summary
# :name: fig-intro-summary
#
# The HSN minus the dense MLP, per task (columns), under the readings consistent with the note's own
# numbers and the two named readings, *literal* (the note's words) and *repaired* (rows, named by
# how they depart from the literal one). Colour is in units of the rulebook's margin
# ({glue:text}`i-margin-acc` accuracy, or {glue:text}`i-margin-r2-pct`% of the targets' variance on
# sine): blue where the HSN does better, red where it does worse, white within a margin; the cells
# give the mean difference in test accuracy (as a fraction: 0.01 is one point), and on sine the
# ratio of the mean test MSEs (on a phone, tap a cell). The ledger judges the note's sine factor
# differently: on validation, seed by seed ({numref}`tab-intro-verdicts`). A dash marks a task that
# reading was not trained on ({doc}`05-audit` says which readings each task gets). Every reading is
# on the audit page.
# ```
#
# ```{glue:figure} tab-i-verdicts
# :figclass: table
# :name: tab-intro-verdicts
#
# The note's headline claims, each linked to its row of the ledger. A claim judged over readings gets
# its verdict under the readings consistent with the note's own numbers (a few are tested on named
# models only, as their row's test says); "condition" says where it holds, over every reading that
# trains. {glue:text}`i-verdict-key`
# ```
#
# ## How we judged
#
# The note leaves open choices that decide whether its HSN trains: how its sparse input mask is
# drawn and enforced, how the graph is scaled, whether the graph is learned, whether the input enters
# the loop once or at every step, which nonlinearity the loop uses, and how the swiss roll and the
# sine targets are made. Each choice is an axis; a *reading* picks a level on every axis, and every
# claim is judged under every reading, the way a multiverse analysis does
# {cite}`steegen2016multiverse`. A claim about one task is judged over every HSN reading crossed
# with that task's own choices (the swiss roll's label and noise, the sine's noise), so the counts
# of readings quoted for a task can exceed the number of HSN readings. Readings whose model does not train at all (a constant predictor
# or a diverged loss) are shown but left out: they are broken implementations, not readings anyone
# would publish. The note's own reported differences from the dense MLP then tell which readings
# it is likely to have run; the verdicts above are given under those, and the *condition*
# column says, over all readings, exactly when each claim holds.
#
# The note makes {glue:text}`i-n-claims` claims, citing {glue:text}`i-n-reported` of its reported
# values. Each is judged on up to {glue:text}`i-seeds` paired seeds by one rulebook
# ({doc}`05-audit`), and a claim the note makes for several tasks at once is judged on each of
# them, which gives {glue:text}`i-verdict-counts`.
#
# ## How to read this book
#
# - {doc}`01-architectures` rebuilds the two models and shows where the note's description leaves
#   choices open.
# - {doc}`02-benchmarks` re-runs the note's benchmark table over many seeds.
# - {doc}`03-parameters` recounts the learned parameters under each counting convention.
# - {doc}`04-limitations` tests the note's limitations section (compute, input dimension,
#   learned graphs).
# - {doc}`05-audit` holds the ledger: every claim with our measurement, its interval, the test and
#   the verdict, the controls behind each verdict, the specification curves and an explorer of every
#   reading.
# - {doc}`06-reproducing` records how the book was built and how fast.
#
# Every number in the prose is computed when the book is built. The only typed-in numbers are
# the note's own reported values, always marked as reported. Every section ends with a
# provenance box: commit, package versions, device, parameters and running time.
#
# ## Rebuilding it
#
# `make book` builds the whole book from a fresh clone. It sets up a virtual environment, runs
# every section in the *full* profile ({glue:text}`i-full-seeds` seeds, the note's training
# schedule), runs this introduction last, and writes the HTML to `_build/html`. `make test` runs the
# unit tests and every section in the *quick* profile ({glue:text}`i-quick-seeds` seeds, epochs
# scaled by {glue:text}`i-quick-scale`) in a separate tree, then checks the built site.
# `make book PROFILE=quick` builds a small book quickly, and `make nb NB=05-audit` re-runs one
# section. Once the environment, MathJax and plotly.js are in place (the first `make book` fetches
# them), nothing reaches the network. Trained results are cached under `.cache/`,
# keyed by what trains them, so a section that did not change is not recomputed. The tables behind
# every section are written as CSV files to the results folder (`results/`, or `results/quick/` in
# the quick profile).

# %% [markdown]
# ## The data behind this book
#
# Every table and verdict above is also written as a CSV or JSON file when the book is built, so
# any number can be checked without reading HTML. The claims ledger is `claims.csv`, the readings
# and their flags `readings.csv`; the other files are named after the section that writes them.

# %% tags=["remove-input"]
display(Markdown(provenance.results_listing(cfg.results_dir)))

# %% tags=["remove-input"]
provenance.block(cfg);
