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
# the choices the note leaves open ({glue:text}`audit-axes`, and for the data the swiss-roll label
# and the sine noise). A claim that holds under one reading and fails under another is not the
# note's success or failure: it is decided by a choice the note does not make, and the ledger says
# which.

# %% tags=["parameters", "remove-cell"]
device = "auto"  # "auto", "cpu", "cuda" or "mps"
profile = "full"  # "full" or "quick"
n_seeds = 0  # 0: the profile's default
epochs_scale = 0.0  # 0: the profile's default

# %% tags=["remove-cell"]
from scaffold.runtime import provenance, publish, setup

cfg = setup(device=device, profile=profile, n_seeds=n_seeds, epochs_scale=epochs_scale)

# %% tags=["remove-cell"]
from IPython.display import Markdown, display

from scaffold.chapters import audit

tables = audit.compute(cfg)
facts = audit.facts(cfg, tables)
publish(facts, "audit")
publish(audit.figures(tables), "fig-audit")

# %% [markdown]
# ## The ledger
#
# Of {glue:text}`audit-n-claims` claims, {glue:text}`audit-n-holds` hold,
# {glue:text}`audit-n-unsupported` are unsupported, {glue:text}`audit-n-contradicted` are
# contradicted and {glue:text}`audit-n-untestable` are untestable; the correction across the
# ledger changes {glue:text}`audit-n-holm-changed` of them. The claims cite
# {glue:text}`audit-n-reported` reported values of the note, each counted once. For the claims
# judged on trained models the table gives the share of readings under which the claim holds and
# the axes that decide it ({glue:text}`audit-n-readings` HSN readings in this build).
#
# ```{glue:figure} fig-audit-ledger-short
# :figclass: table
# :name: tab-audit-ledger-short
#
# The claims ledger, short: verdict, share of readings under which the claim holds, and the axes
# whose switch alone flips it. The full ledger is below and in `claims.csv`.
# ```

# %% [markdown]
# ## The rulebook
#
# Every verdict of the book comes from these rules, coded once in `scaffold.verdicts`. "Matches"
# is an equivalence question, tested with two one-sided tests against a stated margin
# {cite}`schuirmann1987tost`; the tests of the whole ledger are corrected together by Holm's
# step-down method {cite}`holm1979simple`.

# %% tags=["remove-input"]
display(Markdown(facts["rulebook"]))

# %% [markdown]
# ## Specification curves
#
# For each headline claim, every reading gives one paired difference with its 95% interval
# (sorted, top); the dots beneath mark the reading's level on every axis, so a column of dots that
# lines up with the verdicts shows the choice that decides it
# {cite}`simonsohn2020specification,steegen2016multiverse`. The rows are in `audit_curves.csv`.
#
# ```{glue:figure} fig-audit-curve-matches
# :name: fig-audit-curve-matches
#
# The HSN against the dense MLP (accuracy, mean over the three classification tasks), per reading.
# ```
#
# ```{glue:figure} fig-audit-curve-moons
# :name: fig-audit-curve-moons
#
# The HSN against the dense MLP on moons, per reading.
# ```
#
# ```{glue:figure} fig-audit-curve-circulation
# :name: fig-audit-curve-circulation
#
# The circulation: the HSN at T = 5 minus the same reading at T = 0, per reading.
# ```
#
# {glue:text}`audit-circulation`
#
# ```{glue:figure} fig-audit-curve-kronecker
# :name: fig-audit-curve-kronecker
#
# The Kronecker graph minus a random graph with the same number of edges, per reading.
# ```
#
# ```{glue:figure} fig-audit-curve-budget
# :name: fig-audit-curve-budget
#
# The HSN minus a dense MLP of the same learned budget, per reading.
# ```
#
# ```{glue:figure} fig-audit-switching
# :figclass: table
# :name: tab-audit-switching
#
# The effect of switching one axis alone on each claim's difference (mean over the other axes'
# combinations, 95% paired-t interval over seeds), and how often that switch flips the verdict.
# ```

# %% [markdown]
# ## Every model and control against the dense MLP
#
# ```{glue:figure} fig-audit-forest
# :name: fig-audit-forest
#
# Paired test-set difference from the dense MLP (positive: better; accuracy, or MSE on sine) with
# its 95% interval, for the note's models and every control: dense MLPs of each learned budget, the
# repaired HSN with T, graph or a repair changed, input once or at every step, and the CEN with
# hidden biases and with a dense Gaussian expander, at every width.
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
# from the trained weights (computed with the training, cached with it). The verdict is
# {glue:text}`audit-D1-settles-verdict`.
#
# ```{glue:figure} fig-audit-dynamics
# :name: fig-audit-dynamics
#
# Relative step of the CA3 state, ‖h(t+1) − h(t)‖ / ‖h(t)‖, against t (mean over seeds, range as
# bars), for the named points with the input once and at every step.
# ```
#
# ## The full ledger
#
# ```{glue:figure} fig-audit-ledger-full
# :figclass: table
# :name: tab-audit-ledger-full
#
# Every claim with the note's value and its source, our measurement and interval, the test, the
# p-value before and after Holm's correction, the verdict, and the readings.
# ```

# %% tags=["remove-input"]
provenance.block(cfg);
