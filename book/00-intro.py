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

# %% tags=["parameters", "remove-cell"]
device = "auto"  # "auto", "cpu", "cuda" or "mps"
profile = "full"  # "full" or "quick"
n_seeds = 0  # 0: the profile's default
epochs_scale = 0.0  # 0: the profile's default

# %% tags=["remove-cell"]
from IPython.display import Markdown, display

from scaffold.chapters import intro
from scaffold.runtime import provenance, publish, setup

cfg = setup(device=device, profile=profile, n_seeds=n_seeds, epochs_scale=epochs_scale)
led = intro.claims_ledger(cfg)
facts = intro.facts(led)
publish(facts, "i")
publish(intro.figures(led), "tab-intro")

# %% tags=["remove-input"]
display(Markdown(facts["abstract"]))

# %% [markdown]
# ```{glue:figure} tab-intro-verdicts
# :figclass: table
# :name: tab-intro-verdicts
#
# The note's headline claims, their verdict by the book's rulebook, and the share of the readings
# of the note under which each holds (section {doc}`05-audit`).
# ```
#
# ## What the note claims
#
# This book re-runs and audits a short research note, *The tradeoff* {cite}`nicolini_tradeoff`.
# The note proposes keeping most of a network's hidden state **fixed** (a random sparse expander,
# or a recurrent graph with a set structure) and learning only a small readout, the idea behind
# reservoir computing {cite}`jaeger2001echo,maass2002liquid` and extreme learning machines
# {cite}`huang2006elm`. It builds two such models, the Cerebellar Expansion Network (CEN: a fixed
# sparse random expansion, a ReLU, a learned readout) and the Hippocampal Scaffold Network (HSN: a
# learned sparse input layer, a fixed Kronecker graph iterated a few times, a readout), and
# compares them with a three-layer dense MLP on swiss roll, circles, moons and sine regression.
#
# The note leaves open choices that decide whether its HSN trains: how sparse its input mask is
# in practice, how the graph is scaled, whether the input enters the recurrent loop once or at
# every step, which nonlinearity the loop uses. This book treats each as an axis with levels the
# note's text allows and judges every claim under every combination: a *reading*. Where the text
# needs a single example we name two points of that grid, *literal* (the note's words, library
# defaults where it is silent) and *repaired* (one input per input unit, graph rescaled to the
# echo-state convention); neither is privileged.
#
# ## What this book found
#
# Each claim of the note is counted once ({glue:text}`i-n-claims` claims citing
# {glue:text}`i-n-reported` reported values), on up to {glue:text}`i-seeds` paired seeds, with the
# verdict words of one rulebook: *holds*, *unsupported*, *contradicted*, *untestable*.

# %% tags=["remove-input"]
display(Markdown("\n\n".join(f"**{title}** {facts[key]}" for title, key in (
    ("The HSN.", "find-hsn"), ("Circulation and structure.", "find-structure"),
    ("The CEN.", "find-cen"), ("Counts.", "find-counts")))))

# %% [markdown]
# ## How to read this book
#
# - {doc}`01-architectures` rebuilds the two models and shows where the note's description leaves
#   choices open. The audit
#   judges every reading the note allows; two named points (literal, repaired) serve as examples.
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

# %% [markdown]
# ## The data behind this book
#
# Every table and verdict above is also written as a CSV or JSON file when the book is built, so
# any number can be checked without reading HTML. The claims ledger is `claims.csv`; the other
# files are named after the section that writes them.

# %% tags=["remove-input"]
display(Markdown(provenance.results_listing(cfg.results_dir)))

# %% tags=["remove-input"]
provenance.block(cfg);
