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

# %% tags=["parameters", "remove-cell"]
device = "auto"  # "auto", "cpu", "cuda" or "mps"
profile = "full"  # "full" or "quick"
n_seeds = 0  # 0: the profile's default
epochs_scale = 0.0  # 0: the profile's default

# %% tags=["remove-cell"]
from scaffold.runtime import provenance, publish, setup

cfg = setup(device=device, profile=profile, n_seeds=n_seeds, epochs_scale=epochs_scale)

# %% tags=["hide-input"]
from scaffold.chapters import limitations as lim
from scaffold.runtime import style

style.apply()
tables = lim.compute(cfg)
publish(lim.facts(cfg, tables), "lim")
publish(lim.figures(tables), "fig-lim")
publish(lim.table_views(cfg, tables), "tab-lim");

# %% [markdown]
# ## Compute: parameters are not inference cost
#
# The note expects the HSN to be slower at inference than the dense MLP, because the CA3
# stage is iterated {glue:text}`lim-hsn-T` times. Counting multiply-accumulates (MACs) per sample first: the
# dense MLP needs {glue:text}`lim-macs-dense`, the HSN {glue:text}`lim-macs-hsn` with dense
# kernels (its graph step counted {glue:text}`lim-hsn-T` times) or
# {glue:text}`lim-macs-hsn-sparse:.0f` if only the graph's and the DG mask's nonzeros are
# multiplied, and the CEN (H=512) {glue:text}`lim-macs-cen` (dense) or
# {glue:text}`lim-macs-cen-sparse:.0f` (sparse expander). By arithmetic, the HSN is the
# *cheaper* model: {glue:text}`lim-macs-ratio:.2f` of the dense MLP's MACs.
#
# Arithmetic is not time, so we measured it. Each model is built with one member (weights
# as initialised: timing does not depend on their values), put in evaluation mode and run
# without gradients on {glue:text}`lim-device` at batch {glue:text}`lim-b-small` and batch
# {glue:text}`lim-b-large`; every model is timed
# once per round, in interleaved rounds, and the median over {glue:text}`lim-rounds` rounds is
# kept, so that load from other processes hits all models alike. The clock is
# {glue:text}`lim-clock` (Python's `time` module): on a CPU, torch is pinned to one thread and the CPU time of that
# thread is measured, because wall time on a machine shared with other jobs mostly measured
# the other jobs; on a GPU, wall time after synchronising the device. Absolute times depend
# on the machine; only the ratios to the dense MLP, measured in the same rounds, are read.

# %% [markdown]
# ```{glue:figure} fig-lim-latency
# :name: fig-lim-latency
#
# Inference time of the HSN (repaired) relative to the dense MLP, against the number of
# recurrent steps T, at batch {glue:text}`lim-b-small` and batch {glue:text}`lim-b-large` (filled circles), with the CEN (H=512) as open
# squares at the right. The dotted line is the ratio of multiply-accumulates: arithmetic
# alone would put every HSN below the dense MLP (dashed line at 1). {glue:md}`lim-data-latency:myst`
# ```
#
# At the note's T = {glue:text}`lim-hsn-T` the HSN takes {glue:text}`lim-lat-b1-t5:.2f` times the
# dense MLP's time at batch {glue:text}`lim-b-small` and {glue:text}`lim-lat-b256-t5:.2f` times at
# batch {glue:text}`lim-b-large` ({numref}`fig-lim-latency`). Without recurrence (T =
# {glue:text}`lim-t-zero`) the ratios are {glue:text}`lim-lat-b1-t0:.2f` and
# {glue:text}`lim-lat-b256-t0:.2f`; at T = {glue:text}`lim-t-max` they are
# {glue:text}`lim-lat-b1-t10:.2f` and {glue:text}`lim-lat-b256-t10:.2f`. The HSN is first slower
# than the dense MLP at {glue:text}`lim-lat-b1-first-slower` (batch {glue:text}`lim-b-small`) and
# {glue:text}`lim-lat-b256-first-slower` (batch {glue:text}`lim-b-large`). The CEN's ratios are {glue:text}`lim-lat-b1-cen:.2f` and
# {glue:text}`lim-lat-b256-cen:.2f`. At these sizes, time follows the *number of sequential
# operations* (each graph step is one more small matrix product and one tanh), not the MACs:
# the measured curves lie {glue:text}`lim-lat-macs-word` the dotted MAC curve.
#
# The note also expects sparse kernels to narrow the gap. The graph step is `h @ G` with a
# Kronecker graph whose density falls as it grows ($3^k$ nonzeros out of $4^k$ entries). We
# timed it at batch {glue:text}`lim-sp-batch` with a dense product and with `G` stored as a
# PyTorch CSR matrix, for graphs of {glue:text}`lim-sp-nmin` to {glue:text}`lim-sp-nmax` units.

# %% [markdown]
# ```{glue:figure} fig-lim-sparse
# :name: fig-lim-sparse
#
# One recurrent step `h @ G` at batch {glue:text}`lim-sp-batch` with the Kronecker graph of n units. Left: time
# per step with a dense kernel and with a CSR sparse kernel. Right: dense time over sparse
# time (above 1: sparse is faster); labels give the fraction of nonzero entries of G.
# {glue:md}`lim-data-sparse:myst`
# ```
#
# **Answer.** The note's reasoning does not hold as stated: the HSN does not
# need more arithmetic than the dense MLP (it needs {glue:text}`lim-macs-ratio:.2f` of its
# MACs). Measured, at T = {glue:text}`lim-hsn-T` it is {glue:text}`lim-lat-b1-word` than the
# dense MLP at batch {glue:text}`lim-b-small` ({glue:text}`lim-lat-b1-t5:.2f`×) and
# {glue:text}`lim-lat-b256-word` at batch {glue:text}`lim-b-large`
# ({glue:text}`lim-lat-b256-t5:.2f`×); at this size the cost is the chain of small
# sequential operations, not the arithmetic. At the note's {glue:text}`lim-sp-note-n` units
# ({glue:text}`lim-sp-16-density:.0f`% of G's entries nonzero) the CSR step runs at
# {glue:text}`lim-sp-16:.2f`× the dense kernel's speed. The sparse kernel wins
# {glue:text}`lim-sp-cross` ({numref}`fig-lim-sparse`); at {glue:text}`lim-sp-nmax` units
# ({glue:text}`lim-sp-512-density:.1f`% nonzero) it is {glue:text}`lim-sp-512:.2f`× as fast.
# Sparse kernels narrow the gap only for CA3 layers much larger than the note's.

# %% [markdown]
# ## Input dimension: does the advantage grow?
#
# The note argues that at {glue:text}`lim-d-mnist` inputs (MNIST) the dense MLP's first layer
# grows to {glue:text}`lim-note-784x64` weights (reported) while the HSN's DG projection, masked
# at {glue:text}`lim-dg-pct:.0f`%, "stays" at about {glue:text}`lim-note-dg-nnz` nonzeros
# (reported). A {glue:text}`lim-dg-pct:.0f`% mask on a {glue:text}`lim-d-mnist` ×
# {glue:text}`lim-hdg` matrix has {glue:text}`lim-dg-expected:.0f` nonzeros on average, and the
# repaired reading (at least one input per DG unit) has {glue:text}`lim-dg-measured:.0f`: about
# {glue:text}`lim-dg-factor:.1f` times the note's figure. The DG layer grows linearly with
# d like the dense MLP's first layer, only {glue:text}`lim-dg-slope-ratio:.0f` times more slowly.
#
# Whether that is a "parameter advantage" depends on what is counted. Masked-out DG weights
# are never updated, so counting nonzeros is fair; but the HSN still stores and multiplies a
# d × {glue:text}`lim-hdg` tensor. We count both ways and train on the moons task embedded in d dimensions
# (a random orthonormal map of the two coordinates into d, so the task itself does not
# change, only its input dimension), for d in {glue:text}`lim-dims`. Two parameter-matched
# dense MLPs (two hidden layers of equal width) get the HSN's count at each d: one its
# nonzeros, one its tensor sizes.

# %% [markdown]
# ```{glue:figure} fig-lim-dimension
# :name: fig-lim-dimension
#
# The moons task embedded in d dimensions. Left: learned parameters of each model against
# d, counting nonzeros (solid); for the HSN also counting full tensor sizes (dashed), since
# its DG weights are masked. Right: test accuracy, mean over seeds with 95% bootstrap
# intervals. {glue:md}`lim-data-dimension:myst`
# ```
#
# ```{glue:figure} tab-lim-dimension
# :name: tab-lim-dimension
# :figclass: table
#
# Learned parameters (nonzeros and tensor sizes), fixed nonzeros and multiply-accumulates per
# sample of each model at each input dimension, with each model's hidden width.
# {glue:md}`lim-data-dimension:myst`
# ```

# %% [markdown]
# **Answer.** Counted by nonzeros, the advantage does grow: the dense MLP has
# {glue:text}`lim-ratio-nnz-2:.1f` times the HSN's learned parameters at d = {glue:text}`lim-d-lo`
# ({glue:text}`lim-p-dense-2` against {glue:text}`lim-p-hsn-nnz-2:.0f`) and
# {glue:text}`lim-ratio-nnz-784:.1f` times at d = {glue:text}`lim-d-hi` ({glue:text}`lim-p-dense-784` against
# {glue:text}`lim-p-hsn-nnz-784:.0f`). Counted by tensor sizes the ratio *shrinks*, from
# {glue:text}`lim-ratio-size-2:.1f` to {glue:text}`lim-ratio-size-784:.1f`, because both first
# layers grow linearly in d and the HSN's is narrower ({glue:text}`lim-hdg` against
# {glue:text}`lim-dense-width` units). The growth in the first count is the
# {glue:text}`lim-dg-pct:.0f`% mask, not the recurrent scaffold, and the CEN has the same
# property more strongly (its learned readout does not depend on d at all; its fixed
# expander has {glue:text}`lim-cen-fixed-784:.0f` nonzeros at d = {glue:text}`lim-d-hi`).
#
# Accuracy is the other half ({numref}`fig-lim-dimension`). At d = {glue:text}`lim-d-hi` the mean test
# accuracies are: dense {glue:text}`lim-acc-dense-784:.3f`, HSN
# {glue:text}`lim-acc-hsn-784:.3f`, CEN {glue:text}`lim-acc-cen-784:.3f`, and the dense MLPs
# matched to the HSN's nonzeros (width {glue:text}`lim-w-learned_nnz-784`)
# {glue:text}`lim-acc-mnnz-784:.3f` and to its tensor sizes (width
# {glue:text}`lim-w-learned_size-784`) {glue:text}`lim-acc-msize-784:.3f`. The HSN's paired
# advantage over the dense MLP at d = {glue:text}`lim-d-hi` is {glue:text}`lim-dhsn-dense-784:+.3f` (95% CI
# {glue:text}`lim-dhsn-dense-784-ci`), over the nonzero-matched dense MLP
# {glue:text}`lim-dhsn-mnnz-784:+.3f` ({glue:text}`lim-dhsn-mnnz-784-ci`): the
# HSN is therefore {glue:text}`lim-dhsn-dense-784-word` the dense MLP and
# {glue:text}`lim-dhsn-mnnz-784-word` the nonzero-matched one at d = {glue:text}`lim-d-hi` (95% intervals). The
# corresponding accuracies at d = {glue:text}`lim-d-lo` are {glue:text}`lim-acc-dense-2:.3f` (dense),
# {glue:text}`lim-acc-hsn-2:.3f` (HSN) and {glue:text}`lim-acc-mnnz-2:.3f` (matched,
# width {glue:text}`lim-w-learned_nnz-2`). A dense MLP matched to the HSN's nonzeros at
# d = {glue:text}`lim-d-hi` is left with a width of {glue:text}`lim-w-learned_nnz-784`: in high dimension
# it is the {glue:text}`lim-dg-pct:.0f`% mask on the first layer that buys the HSN its budget. This experiment does
# not separate how much of the HSN's accuracy at d = {glue:text}`lim-d-hi` comes from that sparse first layer
# and how much from the recurrent scaffold; note also that the embedding adds no noise, so
# the {glue:text}`lim-d-hi` inputs span only a two-dimensional plane.

# %% [markdown]
# ## Learned versus fixed graphs
#
# The note suggests learning the Kronecker initiator. We compare, on the same seeds, the
# repaired HSN with its fixed graph against three alternatives: a learned 2 × 2 initiator
# whose Kronecker power (times the same radius scale) forms G, adding
# {glue:text}`lim-g-init-extra` learned parameters; a fully learned G on the graph's
# {glue:text}`lim-g-nnz:.0f` nonzero positions; and larger CA3 layers of {glue:text}`lim-g-n-64` and
# {glue:text}`lim-g-n-256` units
# (fixed graphs), which cost more learned parameters in the bridge and readout
# ({glue:text}`lim-g-size-64` and {glue:text}`lim-g-size-256` learned against
# {glue:text}`lim-g-size-16`, tensor sizes). Tasks: {glue:text}`lim-g-tasks`.

# %% [markdown]
# ```{glue:figure} fig-lim-graphs
# :name: fig-lim-graphs
#
# Test score of each HSN variant minus that of the repaired HSN with its fixed Kronecker
# graph, paired by seed: mean and 95% bootstrap interval per task. For the classification
# tasks the difference is in accuracy (right is better); for sine it is in MSE (left is
# better). Hover a point for the variant, the task and the interval.
# {glue:md}`lim-data-graphs:myst`
# ```
#
# ```{glue:figure} tab-lim-graphs
# :name: tab-lim-graphs
# :figclass: table
#
# Test score per task and graph variant (mean over seeds, 95% bootstrap interval), with the
# paired difference to the fixed graph, its 95% interval and its t-test p-value.
# {glue:md}`lim-data-graphs:myst`
# ```

# %% [markdown]
# **Answer.** Of {glue:text}`lim-g-n-tests` paired comparisons with the fixed graph,
# {glue:text}`lim-g-sig-words` at the {glue:text}`lim-alpha-pct:.0f`% level (uncorrected, {glue:text}`lim-n-seeds` seeds;
# {numref}`fig-lim-graphs`), but on the classification tasks every difference is tiny: the
# largest gain of any variant is {glue:text}`lim-g-max-gain:+.4f`
# ({glue:text}`lim-g-max-gain-at`) and the largest loss {glue:text}`lim-g-max-loss:+.4f`
# ({glue:text}`lim-g-max-loss-at`), well below the audit's equivalence margin
# of {glue:text}`lim-margin:.2f` accuracy. The learned
# initiator moves classification accuracy by at most {glue:text}`lim-g-init-absmax:.4f`. On
# sine the fixed graph's mean MSE ({glue:text}`lim-g-sine-fixed-mean:.4f`) is pulled up by a
# few bad seeds (median {glue:text}`lim-g-sine-fixed-median:.4f`, worst
# {glue:text}`lim-g-sine-fixed-max:.3f`); {glue:text}`lim-g-sine-lower-sentence`, because the difference sits in
# those few seeds. Learning the graph, through its {glue:text}`lim-g-init-extra` initiator
# entries or entry by
# entry, is cheap in parameters, but on these tasks it buys no accuracy that matters, and
# neither do larger CA3 layers, which cost several times the learned parameters.

# %% [markdown]
# ## Task dependence: a harder spiral and real digits
#
# The note's savings were measured on four easy two-dimensional tasks. We add two harder
# ones: the two-spirals reading of the Swiss roll (two interleaved arms, labelled by arm)
# and scikit-learn's handwritten digits ({glue:text}`lim-digits-d` pixel inputs,
# {glue:text}`lim-digits-o` classes), with the same protocol. Each
# task gets its own parameter-matched dense MLPs (matched to the HSN's count at that task's
# input and output size).

# %% [markdown]
# ```{glue:figure} fig-lim-tasks
# :name: fig-lim-tasks
#
# Test accuracy (mean over seeds, 95% bootstrap interval) against learned parameters
# (nonzeros, log scale) on two spirals and on the digits, for the dense MLP, the HSN
# (repaired), the CEN (H=512) and dense MLPs matched to the HSN's learned count, plus two
# controls on the HSN: no recurrence (T = {glue:text}`lim-t-zero`) and a CA3 layer of
# {glue:text}`lim-g-n-64` units. Hover a point for the model, the task, its learned parameters and
# the interval; click a legend entry to hide a model. {glue:md}`lim-data-tasks:myst`
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
# **Answer.** {numref}`fig-lim-tasks` sets accuracy against learned parameters. On two spirals
# the dense MLP reaches {glue:text}`lim-t-two_spirals-dense:.3f`,
# the HSN {glue:text}`lim-t-two_spirals-hsn:.3f` and the CEN
# {glue:text}`lim-t-two_spirals-cen:.3f`; a dense MLP with the HSN's budget
# ({glue:text}`lim-t-two_spirals-mnnz-p:.0f` nonzeros) reaches
# {glue:text}`lim-t-two_spirals-mnnz:.3f`, so the HSN is
# {glue:text}`lim-t-two_spirals-word` it (paired difference
# {glue:text}`lim-t-two_spirals-dhsn-mnnz:+.3f`, p =
# {glue:text}`lim-t-two_spirals-dhsn-mnnz-p:.2g`). On the digits the dense MLP reaches
# {glue:text}`lim-t-digits-dense:.3f` with {glue:text}`lim-t-digits-dense-p:.0f` learned
# parameters, the CEN {glue:text}`lim-t-digits-cen:.3f` with
# {glue:text}`lim-t-digits-cen-p:.0f`, the dense MLPs matched to the HSN
# {glue:text}`lim-t-digits-mnnz:.3f` (nonzeros) and {glue:text}`lim-t-digits-msize:.3f`
# (sizes), and the HSN only {glue:text}`lim-t-digits-hsn:.3f` with
# {glue:text}`lim-t-digits-hsn-p:.0f`: it is {glue:text}`lim-t-digits-word` the
# parameter-matched dense MLP (paired difference {glue:text}`lim-t-digits-dhsn-mnnz:+.3f`, p =
# {glue:text}`lim-t-digits-dhsn-mnnz-p:.2g`). Two controls locate the failure: widening
# CA3 to {glue:text}`lim-g-n-64` units gives {glue:text}`lim-t-digits-wide:.3f`, and removing the
# recurrence (T = {glue:text}`lim-t-zero`, the bridge output read out directly after one tanh) gives
# {glue:text}`lim-t-digits-flat:.3f` (on two spirals: {glue:text}`lim-t-two_spirals-wide:.3f`
# and {glue:text}`lim-t-two_spirals-flat:.3f`). Removing the recurrence
# {glue:text}`lim-t-digits-flat-word` the HSN's accuracy on the digits (paired 95% interval)
# and {glue:text}`lim-t-two_spirals-flat-word` it on two spirals.
# On the digits, then, the {glue:text}`lim-hsn-T` steps through the fixed graph are
# {glue:text}`lim-t-digits-recurrence-role`. The note's savings were measured on tasks
# where every model is near its ceiling, and they do not transfer to the digits as the HSN is
# described.
#
# ## Conclusion
#
# None of the note's four open questions resolves in its favour on these tasks. The HSN needs
# fewer multiply-accumulates than the dense MLP, yet its sequential graph steps, not its
# arithmetic, set its inference time, and sparse kernels pay off only for graphs much larger
# than the note's. Its parameter advantage at high input dimension comes from the sparse input
# mask, not from the recurrent scaffold. Learning the graph changes little. On a harder spiral
# and on real digits the HSN does not keep up with dense MLPs of the same learned budget.

# %% tags=["hide-input"]
provenance.block(cfg);
