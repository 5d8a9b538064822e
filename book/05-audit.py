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
# # Audit
#
# This section judges each of the note's claims, once, by one rulebook, under every reading of
# the choices the note leaves open. A claim that holds under one reading and fails under another is
# not the note's success or failure: it is decided by a choice the note does not make. So each
# verdict is given twice: under the readings the note's own numbers point to, and as a condition
# over every reading that trains.

# %% tags=["parameters", "remove-cell"]
device = "auto"  # "auto", "cpu", "cuda" or "mps"
profile = "full"  # "full" or "quick"
n_seeds = 0  # 0: the profile's default
epochs_scale = 0.0  # 0: the profile's default

# %% tags=["remove-cell"]
from IPython.display import Markdown, display

from scaffold.chapters import audit
from scaffold.runtime import provenance, publish_page, setup

cfg = setup(device=device, profile=profile, n_seeds=n_seeds, epochs_scale=epochs_scale)
pg = audit.page(cfg)
publish_page(pg, "audit");

# %% [markdown]
# ## The answer
#
# The same findings open the book; each links to the ledger rows below.

# %% tags=["remove-input"]
display(Markdown(pg.facts["findings"]))

# %% [markdown]
# ## The ledger
#
# Every claim of the note, counted once ({glue:text}`audit-n-claims` claims citing
# {glue:text}`audit-n-reported` reported values of the note), judged on
# {glue:text}`audit-n-runs` trained runs over {glue:text}`audit-n-seeds` seeds (one row each in
# `multiverse.csv` and `audit_scores.csv`); a claim the note
# makes for several tasks at once is judged on each of them, one row per task, which gives
# {glue:text}`audit-verdict-counts`.
# Holm's correction across the ledger changed {glue:text}`audit-n-holm-changed` of them. Open a
# row's *more* for the note's value, our measurement and interval, the test, the p-values and the
# counts of readings; the whole table is `claims.csv`. The verdict words mean:

# %% tags=["remove-input"]
display(Markdown(pg.facts["verdict-key"]))

# %% [markdown]
# ```{glue:figure} tab-audit-ledger
# :figclass: table
# :name: tab-audit-ledger
#
# The claims ledger. *Verdict*: under the readings consistent with the note's numbers. *Condition*:
# the shortest rule over the readings' levels that says where the claim holds, among the
# readings that train, with the readings it gets wrong. *Share*: the readings that train under
# which it holds. A reading counted here is an HSN reading together with a task reading (the swiss
# roll's label, the sine's noise), so a task with two task readings counts each HSN reading twice.
# ```
#
# ## The rulebook
#
# Every verdict of the book comes from these rules, coded once in `scaffold.verdicts`. "Matches"
# is an equivalence question, tested with two one-sided tests against a stated margin
# {cite}`schuirmann1987tost`; the tests of the whole ledger are corrected together by Holm's
# step-down method {cite}`holm1979simple`.

# %% tags=["remove-input"]
display(Markdown(pg.facts["rulebook"]))

# %% [markdown]
# ## Readings, and which of them the note ran
#
# The book trains {glue:text}`audit-n-readings` readings of the HSN on *task readings*, the ways of
# making a task where the note is silent (the swiss roll's label, cut in half or two interleaved
# spirals, and its noise; the sine's noise). Which readings on which task readings, and why not
# every crossing of every axis:

# %% tags=["remove-input"]
display(Markdown(pg.facts["design"]))

# %% [markdown]
# **Readings that do not train.** {glue:text}`audit-degenerate-rule` In this build
# {glue:text}`audit-n-degenerate` readings are degenerate.
#
# **Readings the note's numbers point to.** {glue:text}`audit-consistency-method` In this build
# {glue:text}`audit-n-consistent` readings are consistent with the note.
#
# ```{glue:figure} tab-audit-readings
# :figclass: table
# :name: tab-audit-readings
#
# Every HSN reading: whether it trains, the posterior weight the note's own numbers give it, and
# whether it is consistent with them or ruled out (`readings.csv`; the task readings are in
# `task_readings.csv`).
# ```
#
# ## Explore the multiverse
#
# Pick a level on every axis to see that reading everywhere at once: each model's per-seed test
# scores on every task, the reading's verdict on each claim, and where it sits on each
# specification curve. The data are `multiverse.csv`, `audit_curves.csv` and `readings.csv`,
# embedded in the page.
#
# ```{glue:figure} fig-audit-explorer
# :name: fig-audit-explorer
#
# The multiverse explorer.
# ```
#
# ## Specification curves
#
# For each claim, every reading and task gives one paired difference with its 95% interval; sorted,
# they form a specification curve {cite}`simonsohn2020specification`, with a dot for each reading's
# level on every axis beneath, so a column of dots that lines up with the verdicts shows the choice
# that decides them. How to read one:
#
# ```{glue:figure} fig-audit-how-to-read
# :name: fig-audit-how-to-read
#
# An annotated example of a specification curve.
# ```
#
# ```{glue:figure} fig-audit-curve-matches
# :name: fig-audit-curve-matches
#
# The HSN against the dense MLP on swiss roll, circles and moons, per reading and task (test
# accuracy, HSN minus dense MLP).
# ```
#
# ```{glue:figure} fig-audit-curve-moons
# :name: fig-audit-curve-moons
#
# The note's one superiority claim: the HSN beats the dense MLP on moons, per reading.
# ```
#
# ```{glue:figure} fig-audit-curve-circulation
# :name: fig-audit-curve-circulation
#
# The circulation: the HSN at T = 5 minus the same reading at T = 0 (no recurrence), per reading and
# task, two spirals included as a task off the accuracy ceiling.
# ```
#
# ```{glue:figure} fig-audit-curve-kronecker
# :name: fig-audit-curve-kronecker
#
# The Kronecker graph minus a random graph with the same number of edges, per reading and task.
# ```
#
# ```{glue:figure} fig-audit-curve-budget
# :name: fig-audit-curve-budget
#
# The HSN minus a dense MLP with the same number of learned parameters, per reading and task.
# ```
#
# ```{glue:figure} tab-audit-switching
# :figclass: table
# :name: tab-audit-switching
#
# Switching one axis alone, from one level to another, on each claim: how often that switch flips
# the verdict (the share of pairs of readings differing in that axis alone, between those two
# levels; it *decides* the claim at {glue:text}`audit-decides-pct`% or more), and its effect on
# the claim's difference (mean over the other axes' combinations, 95% paired-t interval over seeds).
# Type in the box to keep the rows that contain it ("yes" keeps the switches that decide); click a
# header to sort.
# ```
#
# ## The tradeoff itself: learned parameters against score
#
# The note's takeaway is that structure can substitute for learned parameters. The direct test
# sets every model against dense MLPs of widths 4 to 64 on the same data and seeds: does any HSN sit
# above that frontier at its own learned count? The ledger's row S4-frontier judges it.
#
# ```{glue:figure} fig-audit-frontier
# :name: fig-audit-frontier
#
# Test score (accuracy; on sine, the test MSE, where lower is better) against learned parameters
# (log scale), one panel per task: dense MLPs of widths 4 to
# 64 (per-seed points and their mean), the CEN at its widths, the HSN under every reading that
# trains, and its T = 0 and random-graph controls (`frontier.csv`).
# ```
#
# ```{glue:figure} fig-audit-heatmap
# :name: fig-audit-heatmap
#
# The HSN minus the dense MLP by reading (rows, named by the levels where each departs from the
# literal reading) and task (columns). Colour is in units of the rulebook's margin
# ({glue:text}`audit-margin-acc` accuracy, or {glue:text}`audit-margin-r2-pct`% of the targets'
# variance on sine); the cells give the mean difference in test accuracy (as a fraction: 0.01 is
# one point) and, on sine, the ratio of the mean test MSEs.
# ```
#
# ## Every model and control against the dense MLP
#
# ```{glue:figure} fig-audit-forest
# :name: fig-audit-forest
#
# Paired test-set difference from the dense MLP (positive: better; accuracy, or MSE on sine) with
# its 95% interval, for the note's models and every control: dense MLPs of each learned budget, the
# repaired HSN with T, graph or a repair changed, input once or at every step, and the CEN with
# hidden biases and with a dense Gaussian expander, at every width. The grey band around 0, between
# dotted lines, is the margin ({glue:text}`audit-margin-acc` accuracy; on sine,
# {glue:text}`audit-margin-r2-pct`% of the targets' variance): a difference inside it is too small to
# matter. A row without a point on a task was not run there.
# ```
#
# ```{glue:figure} fig-audit-T
# :name: fig-audit-T
#
# Test metric of the repaired HSN against the number of CA3 steps T, with the input once and at
# every step (mean and 95% interval over seeds).
# ```
#
# ## Does the CA3 state settle?
#
# The HSNs of both named points, input once and at every step, were trained on
# {glue:text}`audit-dyn-task` (T = 5) and their CA3 state run on to t = {glue:text}`audit-t-max`
# from the trained weights (computed with the training, cached with it). The note's claim that the
# state settles into a stable attractor after T steps {glue:text}`audit-D1-settles-verdict`
#
# ```{glue:figure} fig-audit-dynamics
# :name: fig-audit-dynamics
#
# Relative step of the CA3 state, ‖h(t+1) − h(t)‖ / ‖h(t)‖, against t (mean over seeds, range as
# bars; log scale), for the named points with the input once and at every step. The dashed line
# is the rulebook's threshold: a state whose relative step stays below it has settled.
# ```
#
# ## What we chose where the note was silent
#
# - **Degenerate** is decided per run by the model's output (a constant predictor, or a loss that
#   is not finite); a saturated or exploding state shows up that way. A reading is degenerate when
#   most of its runs are, so a few seeds whose drawn mask leaves the DG layer without input stay in.
# - **Consistent with the note** compares differences from the dense MLP, not raw scores, so that a
#   task easier or harder than the note's does not decide it; the CEN's differences inform the task
#   readings only.
# - **Structural claims** ("the circulation is the key", "the Kronecker graph beats a random
#   graph", "structure substitutes for parameters") are judged one task at a time, two spirals
#   included, since the note states them jointly but the answer differs by task.
# - **The condition** is searched over rules of up to three conditions; when no rule is exact the
#   one with the fewest wrong readings is given with its count.
# - **The swiss-roll noise** is crossed only with the models that train; **the new DG-mask levels
#   and learned G** only with the graph scales, drives and loop activations under which the HSN
#   trains; controls only under readings that train.

# %% tags=["remove-input"]
provenance.block(cfg);
