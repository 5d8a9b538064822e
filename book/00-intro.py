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
# This book re-runs and audits a short research note, *The tradeoff* {cite}`nicolini_tradeoff`.
# The note proposes keeping most of a network's hidden state **fixed** (a random sparse expander,
# or a recurrent graph with a set structure) and learning only a small readout. This is the idea
# behind reservoir computing {cite}`jaeger2001echo,maass2002liquid` and extreme learning machines
# {cite}`huang2006elm`. It builds two such models and compares them with a three-layer dense
# MLP on four toy tasks: swiss roll, circles, moons and sine regression.
#
# - The **Cerebellar Expansion Network (CEN)**: a fixed random expansion with
#   {glue:text}`i-cen-density:.0f`% of its entries nonzero, a ReLU and a learned linear readout.
# - The **Hippocampal Scaffold Network (HSN)**: a learned sparse input layer ("DG"), a fixed
#   Kronecker graph on {glue:text}`i-hca3` nodes iterated {glue:text}`i-T` times ("CA3") and a
#   linear readout ("CA1").
#
# The note claims four things. The HSN matches or beats the dense MLP on the three
# classification tasks with {glue:text}`i-note-red:.1f` times fewer learned parameters
# (reported). The CEN half-succeeds
# and fails on regression because random features do not depend on the data. The circulation
# through the graph is what makes the HSN work. In general, fixed structure can stand in for
# learned parameters.
#
# ## How to read this book
#
# - {doc}`01-architectures` rebuilds the two models and shows where the note's description leaves
#   choices open. Two readings of the HSN run through the book. The *literal* one follows the
#   text; the *repaired* one adds the smallest changes that make it train.
# - {doc}`02-benchmarks` re-runs the note's benchmark table over many seeds.
# - {doc}`03-parameters` recounts the learned parameters under each counting convention.
# - {doc}`04-limitations` tests the note's limitations section (compute, input dimension,
#   learned graphs).
# - {doc}`05-audit` lists every claim with our measurement, a 95% interval, the test used and a
#   verdict, together with the controls that back each verdict.
# - {doc}`06-reproducing` records how the book was built.
#
# Every number in the prose is computed when the book is built. The only typed-in numbers are
# the note's own reported values, always marked as reported. Every section ends with a
# provenance box: commit, package versions, device, parameters and running time.
#
# ## Rebuilding it
#
# `make book` builds the whole book from a fresh clone. It sets up a virtual environment, runs
# every section in the *full* profile ({glue:text}`i-full-seeds` seeds, the note's training schedule), runs this
# introduction last, and writes the HTML to `_build/html`. `make test` runs the unit tests and
# every section in the *quick* profile ({glue:text}`i-quick-seeds` seeds, epochs scaled by
# {glue:text}`i-quick-scale`) in a separate tree, then
# checks the built site. `make book PROFILE=quick` builds a small book quickly, and
# `make nb NB=05-audit` re-runs one section. Nothing reaches the network at build time.
# Trained results are cached under `.cache/` and keyed by the library's source, so a section
# that did not change is not recomputed. The tables behind every section are written as CSV files
# to the results folder (`results/`, or `results/quick/` in the quick profile).

# %% tags=["parameters"]
device = "auto"  # "auto", "cpu", "cuda" or "mps"
profile = "full"  # "full" or "quick"
n_seeds = 0  # 0: the profile's default
epochs_scale = 0.0  # 0: the profile's default

# %%
from scaffold.runtime import provenance, publish, setup

cfg = setup(device=device, profile=profile, n_seeds=n_seeds, epochs_scale=epochs_scale)

# %% tags=["hide-input"]
from IPython.display import Markdown, display

from scaffold.chapters import intro

led = intro.claims_ledger(cfg)
publish(intro.facts(led), "i")
publish(intro.figures(led), "fig-intro")

# %% [markdown]
# ## What this book found
#
# We checked {glue:text}`i-n-claims` claims, each on up to {glue:text}`i-seeds` paired seeds
# ({numref}`fig-intro-verdicts`). {glue:text}`i-n-reproduced` are reproduced,
# {glue:text}`i-n-not-reproduced` are not reproduced, {glue:text}`i-n-contradicted` are
# contradicted and {glue:text}`i-n-untestable` are untestable.
#
# **The HSN.** Taken literally, the HSN is at chance level: on moons its
# test accuracy is {glue:text}`i-C1-moons-literal-ours:+.3f` from the dense MLP's (verdict:
# {glue:text}`i-C1-moons-literal-verdict`). Its {glue:text}`i-dg-density:.0f`% input mask leaves most units without input, and
# the raw graph drives every unit into saturation. Repaired (at least
# {glue:text}`i-rep-min-inputs` input per unit, graph rescaled to spectral radius
# {glue:text}`i-rep-radius`), it is within the margin of the dense MLP on swiss roll
# ({glue:text}`i-C1-swiss_roll-repaired-ours:+.4f`, {glue:text}`i-C1-swiss_roll-repaired-verdict`)
# and circles ({glue:text}`i-C1-circles-repaired-ours:+.4f`,
# {glue:text}`i-C1-circles-repaired-verdict`). On moons the difference is
# {glue:text}`i-C1-moons-repaired-ours:+.4f` ({glue:text}`i-C1-moons-repaired-verdict`). The claim
# that it *beats* the dense MLP on moons is {glue:text}`i-C2-moons-repaired-verdict`.
#
# **Circulation and structure.** Removing the CA3 loop (no steps through the graph) changes moons accuracy by
# {glue:text}`i-S1-moons-ours:+.4f` (the note's {glue:text}`i-T` steps minus none; verdict
# {glue:text}`i-S1-moons-verdict`). On sine, the {glue:text}`i-T` steps change the MSE by {glue:text}`i-S1-sine-ours:+.4f`
# ({glue:text}`i-S1-sine-verdict`). A plain dense MLP with the HSN's learned budget differs from
# the repaired HSN by {glue:text}`i-S3-classification-ours:+.4f` mean accuracy (HSN minus dense;
# {glue:text}`i-S3-classification-verdict`). Against a random graph with the same number of edges,
# the Kronecker graph changes mean accuracy by {glue:text}`i-S2-graph-ours:+.4f`
# ({glue:text}`i-S2-graph-verdict`).
#
# **Counts.** Eq. (1) as printed sums to {glue:text}`i-P1-eq1-ours:.0f`, not
# {glue:text}`i-note-eq1` (reported). With the graph fixed, as the note says, the HSN has
# {glue:text}`i-P3-hsn-ours:.0f` learned parameters rather than the reported
# {glue:text}`i-note-hsn`: that count needs all {glue:text}`i-g-size` entries of the graph to
# count as learned. The graph has {glue:text}`i-P10-nnzG-ours:.0f` nonzeros.
# The HSN needs {glue:text}`i-P13-compute-ours:.2f` times the dense MLP's multiply-accumulates, not
# {glue:text}`i-note-compute` times more (reported; {glue:text}`i-P13-compute-verdict`). The graph's diameter is
# {glue:text}`i-G1-diameter-ours:.0f` at every size, not logarithmic.
#
# **The CEN.** Its failure on sine is {glue:text}`i-C4-sine-verdict` (best test MSE
# {glue:text}`i-C4-sine-ours:.3f`). But adding fixed random hidden biases, which keeps the
# features just as data-agnostic, changes the MSE by {glue:text}`i-C5-sine-ours:+.3f`. The note's
# explanation (random features are blind to the data) is therefore {glue:text}`i-C5-sine-verdict`.
# With no bias and on average {glue:text}`i-cen-inputs-sine:.2f` inputs per unit on the
# one-dimensional sine, every surviving feature bends at the origin, so the readout can only form
# shapes with a kink at zero.
#
# In short: the CEN behaves about as the note reports, for a different reason than it gives; the
# HSN as described does not learn, and once repaired it matches the dense MLP without help from
# its graph or its circulation; and the parameter savings depend on counting the fixed graph as
# learned, which the note says it is not.
#
# ```{glue:figure} fig-intro-verdicts
# :name: fig-intro-verdicts
#
# Number of the note's claims per verdict in the audit's ledger (section {doc}`05-audit`).
# ```

# %% [markdown]
# ## The data behind this book
#
# Every table and verdict above is also written as a CSV or JSON file when the book is built, so
# any number can be checked without reading HTML. The claims ledger is `claims.csv`; the other
# files are named after the section that writes them.

# %% tags=["hide-input"]
display(Markdown(provenance.results_listing(cfg.results_dir)))

# %%
provenance.block(cfg);
