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
# # Limitations and open questions
#
# The note {cite}`nicolini_tradeoff` closes with four limitations, each phrased as a question
# it leaves open: whether the HSN's recurrence costs inference time, whether the savings
# survive tasks other than four two-dimensional toys, whether learning the Kronecker
# initiator would help, and whether the parameter advantage grows with the input
# dimension. This section answers each by experiment. Every HSN here is the *repaired*
# reading (every DG unit has an input, graph rescaled to spectral radius
# {glue:text}`lim-rep-radius`; see {doc}`01-architectures`): it is one of the readings under
# which the HSN trains with its input entering once, and fixing one reading keeps these
# experiments about the question asked rather than about the readings, which {doc}`05-audit`
# compares.
#
# **In short.** The note's four open questions, answered on these tasks: the HSN needs fewer
# multiply-accumulates than the dense MLP, yet its sequential graph steps, not its
# arithmetic, set its inference time, and sparse kernels pay off only for graphs much larger
# than the note's. Its parameter advantage at high input dimension comes from the sparse input
# mask, not from the recurrent scaffold. Of the paired comparisons of learned graphs and larger
# CA3 layers with the fixed graph, {glue:text}`lim-graph-outcomes`. {glue:text}`lim-sine-sentence`
# On the harder tasks, "the HSN matches a dense MLP of its nonzero budget" {glue:text}`lim-budget-two_spirals` on
# two spirals and {glue:text}`lim-budget-digits` on the digits ({numref}`tab-lim-matches`).

# %% tags=["parameters", "remove-cell"]
device = "auto"  # "auto", "cpu", "cuda" or "mps"
profile = "full"  # "full" or "quick"
n_seeds = 0  # 0: the profile's default
epochs_scale = 0.0  # 0: the profile's default

# %% tags=["remove-cell"]
from scaffold.runtime import provenance, setup

cfg = setup(device=device, profile=profile, n_seeds=n_seeds, epochs_scale=epochs_scale)

# %% tags=["hide-input"]
from scaffold.chapters import limitations
from scaffold.runtime import publish_page, static

static.apply()
publish_page(limitations.page(cfg), "lim");

# %% [markdown]
# ## Compute: parameters are not inference cost
#
# The note expects the HSN to be slower at inference than the dense MLP, because the CA3
# stage is iterated {glue:text}`lim-hsn-T` times. Counting multiply-accumulates (MACs) per
# sample first ({numref}`tab-lim-cost`): with the graph step counted {glue:text}`lim-hsn-T`
# times, the HSN needs {glue:text}`lim-macs-ratio` of the dense MLP's MACs. By arithmetic,
# the HSN is the *cheaper* model.
#
# Arithmetic is not time, so we measured it. Each model is built with one member (weights
# as initialised: timing does not depend on their values), put in evaluation mode and run
# without gradients on {glue:text}`lim-device` at batch {glue:text}`lim-b-small` and batch
# {glue:text}`lim-b-large`. Every model is timed once per round, in interleaved rounds, and the
# median over {glue:text}`lim-rounds` rounds is kept, so that load from other processes hits
# all models alike. The clock is {glue:text}`lim-clock` (Python's `time` module): on a CPU,
# torch is pinned to one thread and the CPU time of that thread is measured, because wall time
# on a machine shared with other jobs mostly measured the other jobs; on a GPU, wall time after
# synchronising the device. Absolute times depend on the machine; only the ratios to the dense
# MLP, measured in the same rounds, are read.

# %% [markdown]
# ```{glue:figure} fig-lim-latency
# :name: fig-lim-latency
#
# Inference time of the HSN (repaired) relative to the dense MLP, against the number of
# recurrent steps T, at batch {glue:text}`lim-b-small` (filled markers) and batch
# {glue:text}`lim-b-large` (open markers), with the CEN (H=512), which has no T, in its own slot at the right. The dotted line
# is the ratio of multiply-accumulates: arithmetic alone would put every HSN below the dense
# MLP (dashed line at 1). {glue:md}`lim-data-latency:myst`
# ```
#
# ```{glue:figure} tab-lim-cost
# :name: tab-lim-cost
# :figclass: table
#
# Multiply-accumulates per sample and measured inference time of each model, both relative
# to the dense MLP, at both batch sizes. {glue:md}`lim-data-latency:myst`
# ```
#
# At the note's T = {glue:text}`lim-hsn-T` the HSN takes {glue:text}`lim-lat-note-small`
# times the dense MLP's time at batch {glue:text}`lim-b-small` and
# {glue:text}`lim-lat-note-large` times at batch {glue:text}`lim-b-large`;
# {glue:text}`lim-first-slower`. At these sizes, time follows the *number of sequential
# operations* (each graph step is one more small matrix product and one tanh), not the MACs:
# the measured curves lie {glue:text}`lim-lat-vs-macs` the dotted MAC curve
# ({numref}`fig-lim-latency`).
#
# The note also expects sparse kernels to narrow the gap. The graph step is `h @ G` with a
# Kronecker graph whose density falls as it grows ($3^k$ nonzeros out of $4^k$ entries). We
# timed it at batch {glue:text}`lim-sp-batch` with a dense product and with `G` stored as a
# PyTorch CSR matrix, for graphs of {glue:text}`lim-sp-nmin` to {glue:text}`lim-sp-nmax` units.

# %% [markdown]
# ```{glue:figure} fig-lim-sparse
# :name: fig-lim-sparse
#
# One recurrent step `h @ G` at batch {glue:text}`lim-sp-batch` with the Kronecker graph of n
# units. Left (on a phone, top): time per step with a dense kernel and with a CSR sparse kernel.
# Right (bottom): dense
# time over sparse time (above 1: sparse is faster); labels give the fraction of nonzero
# entries of G. {glue:md}`lim-data-sparse:myst`
# ```
#
# **Answer.** The HSN does not need more arithmetic than the dense MLP, but it does take more
# time: at this size its cost is the chain of small sequential operations. At the note's
# {glue:text}`lim-sp-note-n` units ({glue:text}`lim-sp-note-density`% of G's entries
# nonzero) the CSR step runs at {glue:text}`lim-sp-note-speedup` times the dense kernel's
# speed, and the sparse kernel wins only {glue:text}`lim-sp-crossover`
# ({numref}`fig-lim-sparse`). Sparse kernels narrow the gap only for CA3 layers much larger
# than the note's.

# %% [markdown]
# ## Input dimension: does the advantage grow?
#
# The note argues that with MNIST-sized inputs the dense MLP's first layer grows large while
# the HSN's DG projection, masked at {glue:text}`lim-dg-pct`%, "stays" at a few hundred
# nonzeros. {doc}`03-parameters` recomputes those counts: at that size the mask keeps several
# times the note's nonzeros. The DG layer grows linearly with d like the dense MLP's first
# layer, only {glue:text}`lim-dg-slope-ratio` times more slowly.
#
# Whether that is a "parameter advantage" depends on what is counted. Masked-out DG weights
# are never updated, so counting nonzeros is fair; but the HSN still stores and multiplies a
# d × {glue:text}`lim-hdg` tensor. We count both ways and train on the moons task embedded in
# d dimensions (a random orthonormal map of the two coordinates into d, so the task itself does
# not change, only its input dimension), for d in {glue:text}`lim-dims`. Two parameter-matched
# dense MLPs (two hidden layers of equal width) get the HSN's count at each d: one its
# nonzeros, one its tensor sizes.

# %% [markdown]
# ```{glue:figure} fig-lim-dimension
# :name: fig-lim-dimension
#
# The moons task embedded in d dimensions. Left (on a phone, top): learned parameters of each model against
# d, counting nonzeros (solid); for the HSN also counting full tensor sizes (dashed), since
# its DG weights are masked; the dense MLP matched to the HSN's tensor sizes lies on the HSN's
# dashed line, by construction. Right (bottom): test accuracy, mean over seeds with 95% bootstrap
# intervals. {glue:md}`lim-data-dimension:myst`
# ```
#
# ```{glue:figure} tab-lim-dimension
# :name: tab-lim-dimension
# :figclass: table
#
# Learned parameters (nonzeros and tensor sizes), fixed nonzeros and multiply-accumulates per
# sample of each model at each input dimension, with each dense MLP's hidden width.
# {glue:md}`lim-data-dimension:myst`
# ```

# %% [markdown]
# **Answer.** Counted by nonzeros, the advantage does grow: the dense MLP has
# {glue:text}`lim-ratio-nnz-lo` times the repaired HSN's learned parameters at d =
# {glue:text}`lim-d-lo` and {glue:text}`lim-ratio-nnz-hi` times at d =
# {glue:text}`lim-d-hi`. Counted by tensor sizes the ratio *shrinks*, from
# {glue:text}`lim-ratio-size-lo` to {glue:text}`lim-ratio-size-hi`, because both first
# layers grow linearly in d and the HSN's is narrower ({glue:text}`lim-hdg` against
# {glue:text}`lim-dense-width` units). The growth in the first count is the sparse input mask,
# not the recurrent scaffold; the CEN has the same property more strongly, since its learned
# readout does not depend on d at all.
#
# Accuracy is the other half ({numref}`fig-lim-dimension`, {numref}`tab-lim-matches`). At
# d = {glue:text}`lim-d-hi`, by the book's rulebook, "the HSN matches the dense MLP"
# {glue:text}`lim-match-dense-hi` and "the HSN matches a dense MLP of its nonzero budget"
# {glue:text}`lim-match-nnz-hi`; that budget leaves the dense MLP a width of
# {glue:text}`lim-w-nnz-hi`. In high dimension it is the mask on the first layer that buys the
# HSN its budget. This experiment does not separate how much of the HSN's accuracy comes from
# that sparse first layer and how much from the recurrent scaffold; note also that the
# embedding adds no noise, so the inputs span only a two-dimensional plane.

# %% [markdown]
# ```{glue:figure} tab-lim-matches
# :name: tab-lim-matches
# :figclass: table
#
# The repaired HSN (the one reading this section trains; the introduction's medians are over
# every reading consistent with the note) against the dense MLP, the dense MLPs of its learned
# budget and, on the harder tasks, itself without recurrence (T = 0): the paired gain of the HSN
# (positive: the HSN is better), its 95% interval, and the rulebook's verdict on each claim
# ({doc}`05-audit` states the rules). {glue:md}`lim-data-matches:myst`
# ```

# %% [markdown]
# ## Learned versus fixed graphs
#
# The note suggests learning the Kronecker initiator. We compare, on the same seeds, the
# repaired HSN with its fixed graph against three alternatives: a learned 2 × 2 initiator
# whose Kronecker power (times the same radius scale) forms G, adding
# {glue:text}`lim-init-extra` learned parameters; a fully learned G on the graph's
# {glue:text}`lim-graph-nnz` nonzero positions; and larger CA3 layers of
# {glue:text}`lim-wide-units` and {glue:text}`lim-wider-units` units (fixed graphs), which cost
# more learned parameters in the bridge and readout. Tasks: {glue:text}`lim-graph-tasks`.

# %% [markdown]
# ```{glue:figure} fig-lim-graphs
# :name: fig-lim-graphs
#
# Paired gain of each HSN variant over the repaired HSN with its fixed Kronecker graph, by
# seed: mean and 95% interval per task. The gain is in accuracy for the classification tasks
# and in MSE, sign reversed, for sine: right is better everywhere. The grey band around 0,
# between dotted lines, is the margin ({glue:text}`lim-margin` accuracy; on sine, a share of the
# targets' variance), inside which a gain is too small to matter. Hover a point for the variant,
# the task and the interval. {glue:md}`lim-data-graphs:myst`
# ```
#
# ```{glue:figure} tab-lim-graphs
# :name: tab-lim-graphs
# :figclass: table
#
# Per task and graph variant: the rulebook's verdict on "the variant beats the fixed graph", the
# paired gain over the fixed graph with its 95% interval, and the test score (mean over seeds,
# 95% bootstrap interval). {glue:md}`lim-data-graphs:myst`
# ```

# %% [markdown]
# **Answer.** Of the variants' paired comparisons with the fixed graph
# ({glue:text}`lim-n-seeds` seeds, {numref}`fig-lim-graphs`), {glue:text}`lim-graph-outcomes`.
# On the classification tasks every difference is small: the largest gain of any variant is
# {glue:text}`lim-graph-max-gain` ({glue:text}`lim-graph-max-gain-at`) and the largest
# loss {glue:text}`lim-graph-max-loss` ({glue:text}`lim-graph-max-loss-at`), against
# the rulebook's equivalence margin of {glue:text}`lim-margin` accuracy; the learned
# initiator moves classification accuracy by at most {glue:text}`lim-init-absmax`.
# {glue:text}`lim-sine-sentence` Learning the graph, through its
# {glue:text}`lim-init-extra` initiator entries or entry by entry, is cheap in parameters, but
# on these tasks it buys no accuracy that matters, and neither do larger CA3 layers, which
# cost several times the learned parameters.

# %% [markdown]
# ## Task dependence: a harder spiral and real digits
#
# The note's savings were measured on four easy two-dimensional tasks. We add two harder
# ones: the two-spirals reading of the Swiss roll (two interleaved arms, labelled by arm)
# and scikit-learn's handwritten digits ({glue:text}`lim-digits-d` pixel inputs,
# {glue:text}`lim-digits-o` classes), with the same protocol. Each task gets its own
# parameter-matched dense MLPs (matched to the HSN's count at that task's input and output
# size), and the HSN two controls: no recurrence (T = 0) and a CA3 layer of
# {glue:text}`lim-wide-units` units.

# %% [markdown]
# ```{glue:figure} fig-lim-tasks
# :name: fig-lim-tasks
#
# Test accuracy (mean over seeds, 95% bootstrap interval) against learned parameters
# (nonzeros, log scale) on two spirals and on the digits, for the dense MLP, the HSN
# (repaired), the CEN (H=512), dense MLPs matched to the HSN's learned count, and the HSN's
# two controls. Hover a point for the model, the task, its learned parameters and the
# interval (the HSN and its T = 0 control have the same count, so their points overlap); click a
# legend entry to hide a model. {glue:md}`lim-data-tasks:myst`
# ```
#
# ```{glue:figure} tab-lim-tasks
# :name: tab-lim-tasks
# :figclass: table
#
# Test accuracy per task and model (mean, 95% bootstrap interval) and learned parameters
# (nonzeros and tensor sizes). {glue:md}`lim-data-tasks:myst`
# ```

# %% [markdown]
# **Answer.** {numref}`fig-lim-tasks` sets accuracy against learned parameters and
# {numref}`tab-lim-matches` gives the paired comparisons. "The HSN matches a dense MLP of its
# nonzero budget" {glue:text}`lim-budget-two_spirals` on two spirals and
# {glue:text}`lim-budget-digits` on the digits, where the HSN reaches a mean test accuracy of
# {glue:text}`lim-digits-hsn`, the dense MLP of its budget {glue:text}`lim-digits-budget`
# and the full dense MLP {glue:text}`lim-digits-dense`. The controls locate the failure:
# without its recurrence (T = 0) the HSN reaches {glue:text}`lim-digits-t0` on the digits,
# so the claim that "the recurrence is the key" (the HSN does better than itself run without
# the recurrence) {glue:text}`lim-recurrence-digits` there
# ({glue:text}`lim-recurrence-two_spirals` on two spirals). The note's savings were measured on tasks where the dense MLP and the HSN are near their ceiling,
# and where the HSN falls short of a dense MLP of its budget, the fixed graph steps are not
# what rescues it.

# %% tags=["hide-input"]
provenance.block(cfg);
