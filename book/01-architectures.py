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
# # Architectures
#
# The note {cite}`nicolini_tradeoff` compares three models: a dense multilayer perceptron, a
# *Cerebellar Expansion Network* (CEN) and a *Hippocampal Scaffold Network* (HSN). Both brain-named
# models follow one recipe: a wide hidden representation that is fixed (or almost fixed) at
# initialisation, read out by a small learned linear map. This section writes each model down as
# the code implements it, measures the fixed structures the note describes in words (the Kronecker
# graph and the sparse masks), and lists every place where the note leaves a choice open,
# with the choice this book makes. Nothing here is trained: every number comes from built models
# and their tensors.
#
# **In short.** Read literally, the HSN has two defects that have nothing to do with its idea: its
# DG mask, drawn at random at a few percent density over one or two input coordinates, leaves most
# DG units without any input ({numref}`fig-arch-masks`), and its Kronecker graph, left as 0/1
# entries, has spectral radius {glue:text}`arch-g-radius` at {glue:text}`arch-g-n` nodes, so
# $\tanh$ saturates unless the input enters at every step. The book therefore carries two named
# readings of the HSN, *literal* and *repaired*, and the audit runs every reading in between;
# {numref}`tab-arch-ambiguities` lists each open choice and the one taken.

# %% tags=["parameters", "remove-cell"]
device = "auto"  # "auto", "cpu", "cuda" or "mps"
profile = "full"  # "full" or "quick"
n_seeds = 0  # 0: the profile's default
epochs_scale = 0.0  # 0: the profile's default

# %% tags=["remove-cell"]
from scaffold.runtime import provenance, setup

cfg = setup(device=device, profile=profile, n_seeds=n_seeds, epochs_scale=epochs_scale)

# %% tags=["hide-input"]
from scaffold.chapters import architectures
from scaffold.runtime import publish_page, static

static.apply()
publish_page(architectures.page(cfg), "arch");

# %% [markdown]
# ## Three models
#
# All three map an input $x \in \mathbb{R}^d$ ($d =$ {glue:text}`arch-d-cls` for the note's
# classification tasks, $d =$ {glue:text}`arch-d-sine` for its sine regression) to $o =$
# {glue:text}`arch-o` output: a logit or a regression value. Vectors are rows, as
# in the code.
#
# **Dense MLP.** The note's baseline, eq. (1) of the note, has {glue:text}`arch-depth` hidden ReLU layers of
# width {glue:text}`arch-width`. With biases (which the note's total needs, see {doc}`03-parameters`) it is
#
# $$
# \begin{aligned}
# h_1 &= \mathrm{ReLU}(x W_0 + b_0), \\
# h_2 &= \mathrm{ReLU}(h_1 W_1 + b_1), \\
# \hat y &= h_2 W_2 + b_2 ,
# \end{aligned}
# $$ (eq-dense)
#
# and every entry of every $W_i$ and $b_i$ is learned: {glue:text}`arch-dense-a` numbers for $d =$ {glue:text}`arch-d-cls`.
#
# **CEN.** A fixed, random, sparse expander $E \in \mathbb{R}^{d \times H}$ lifts the input to
# $H$ "granule" units, and only a linear readout is trained:
#
# $$
# \begin{aligned}
# \phi(x) &= \mathrm{ReLU}(x E + c), \\
# \hat y &= \phi(x)\, W_{\text{out}} + b_{\text{out}}, \\
# E &= M \odot Z, \\
# M_{jk} &\sim \mathrm{Bernoulli}(p), \\
# Z_{jk} &\sim \mathcal N(0, 1).
# \end{aligned}
# $$ (eq-cen)
#
# The mask density is $p =$ {glue:text}`arch-cen-density`% and the note's headline width is
# $H =$ {glue:text}`arch-cen-H`, giving {glue:text}`arch-cen-a` learned numbers. The note mentions no hidden bias,
# so the literal model has $c = 0$; a fixed random $c$ is run as a control elsewhere in the book.
# This is an extreme learning machine {cite}`huang2006elm` or random-feature model
# {cite}`rahimi2007random` with a sparse first layer, in the lineage of the Marr-Albus
# cerebellar theory {cite}`marr1969cerebellar,albus1971cerebellar`.
#
# **HSN.** Three stages named after the hippocampus. A dentate-gyrus (DG) layer with a learned
# weight matrix under a fixed sparse mask, a "CA3" recurrent stage that iterates a fixed Kronecker
# graph $G$ for $T$ steps, and a learned "CA1" readout. The note does not say how the
# {glue:text}`arch-hsn-hdg` DG units reach the {glue:text}`arch-hsn-hca3` CA3 units, but its table 3.3
# counts a learned "bridge"; the code uses a dense learned map $W_{\text{br}}$:
#
# $$
# \begin{aligned}
# \tilde W_{\text{dg}} &= M_{\text{dg}} \odot W_{\text{dg}}, \\
# u &= \mathrm{ReLU}(x\, \tilde W_{\text{dg}} + b_{\text{dg}}), \\
# z &= u\, W_{\text{br}} + b_{\text{br}}, \\
# h_0 &= \tanh(z), \\
# h_{t+1} &= \tanh(h_t\, G), \quad t < T, \\
# \hat y &= h_T\, W_{\text{ca1}} + b_{\text{ca1}} .
# \end{aligned}
# $$ (eq-hsn)
#
# The note's configuration is $h_{\text{dg}} =$ {glue:text}`arch-hsn-hdg`, $h_{\text{ca3}} =$
# {glue:text}`arch-hsn-hca3`, $T =$ {glue:text}`arch-hsn-T` and a DG density of
# {glue:text}`arch-hsn-density`%. With $G$ fixed, the learned tensors hold {glue:text}`arch-hsn-a` numbers
# ({doc}`03-parameters` compares this with the note's counts). {numref}`fig-arch-stages` draws the
# three models with the sizes read from built instances.

# %% [markdown]
# ```{glue:figure} fig-arch-stages
# :name: fig-arch-stages
#
# Data flow of the three models as built for two inputs and one output. Grey bars are layers
# (height grows with the logarithm of the width); arrows are weight matrices, blue when learned and
# orange when fixed, labelled with their entries, the entries the mask allows to be nonzero (for
# one seed), their bias, and, for the CA3 graph, how often it is applied per sample.
# ```

# %% [markdown]
# ## The CA3 graph
#
# The note builds $G$ as a Kronecker power of the Sierpiński initiator $[[1,1],[1,0]]$
# {cite}`leskovec2010kronecker` and says it has logarithmic diameter at subquadratic density. Entry
# $G_{ij}$ of the $k$-th power is 1 exactly when the binary digits of $i$ and $j$ share no 1, so
# node 0 is linked to and from every node. {numref}`fig-arch-kronecker` shows the graph and
# {numref}`tab-arch-kronecker` its properties at sizes {glue:text}`arch-g-nmin` to {glue:text}`arch-g-nmax`,
# measured with `graphs.graph_stats` (the diameter, below, is also measured at a larger size).

# %% [markdown]
# ```{glue:figure} fig-arch-kronecker
# :name: fig-arch-kronecker
#
# The Sierpiński Kronecker graph. Top: adjacency matrices at the note's {glue:text}`arch-g-n` nodes and at
# {glue:text}`arch-g-n2` nodes (black: edge from row node to column node). Bottom: how many nodes have each degree
# (log-log axes); the graph is symmetric, so in- and out-degrees coincide. The degrees follow a
# binomial law in the number of zero bits of a node's index.
# ```
#
# ```{glue:figure} tab-arch-kronecker
# :name: tab-arch-kronecker
# :figclass: table
#
# Properties of the Sierpiński Kronecker graph, measured, beside the closed forms $3^k$ and
# $\varphi^k$ ($\varphi$ is the golden ratio). {glue:md}`arch-data-kronecker:myst`
# ```

# %% [markdown]
# At the note's {glue:text}`arch-g-n` nodes ({numref}`tab-arch-kronecker`) the graph has
# {glue:text}`arch-g-nnz` edges, a density of {glue:text}`arch-g-density`%, one self-loop
# (at node 0), and spectral radius {glue:text}`arch-g-radius`, which is $\varphi^{k}$ with
# $k =$ {glue:text}`arch-g-k`. Across all sizes the measured radius
# {glue:text}`arch-g-radius-agree`, and the edge count equals $3^k$ at
# {glue:text}`arch-g-nnz-3k-words` sizes, so the density $(3/4)^k$ does fall, as
# "subquadratic" says. The note's "logarithmic diameter" needs a closer look:
# {glue:text}`arch-g-diameter`
# The radius grows without bound with size (to {glue:text}`arch-g-radius-max` at
# {glue:text}`arch-g-nmax` nodes), which matters for the literal HSN below: iterating an
# unscaled $G$ inside a $\tanh$ amplifies the state at every step.

# %% [markdown]
# ## The sparse masks
#
# Both the CEN expander and the HSN's DG projection are masked at {glue:text}`arch-cen-density`% density.
# The note motivates this with granule cells that have about {glue:text}`arch-note-active` active inputs
# out of thousands (the note's figure), but the note's inputs
# have only one or two coordinates. A unit sees each coordinate with probability $p$, so it has
# no input at all with probability $(1-p)^d$, and the whole DG layer of $h_{\text{dg}}$ units is
# empty with probability $(1-p)^{d\, h_{\text{dg}}}$. We drew the masks exactly as the models do, for
# many seeds ({numref}`fig-arch-masks` and {numref}`tab-arch-census`).

# %% [markdown]
# ```{glue:figure} fig-arch-masks
# :name: fig-arch-masks
#
# The literal masks. Top: the DG mask (two inputs by {glue:text}`arch-hsn-hdg` units) and the CEN expander
# mask (two inputs by {glue:text}`arch-cen-H` units) of seed {glue:text}`arch-mask-seed`; a black cell is a connection, and an all-white column is a unit
# that receives no input. Bottom: the fraction of such units, averaged over seeds (bars), beside the
# Bernoulli closed form $(1-p)^d$ (crosses), for the literal DG mask with two inputs and with one,
# the repaired DG mask, and the CEN expander. {glue:md}`arch-data-masks:myst`
# ```
#
# ```{glue:figure} tab-arch-census
# :name: tab-arch-census
# :figclass: table
#
# Inputless units under the sparse masks, measured over seeds, beside the Bernoulli closed
# forms. The repaired mask gives every unit an input: its inputless forms are zero by construction,
# and the table gives no closed form for its mean fan-in. {glue:md}`arch-data-masks:myst`
# ```

# %% [markdown]
# With two inputs the DG layer has on average {glue:text}`arch-lit-cls-inputs-words`, not the
# handful per unit of the biological picture: {glue:text}`arch-lit-cls-inputless`% of DG
# units have none, and in {glue:text}`arch-lit-cls-empty`% of seeds the whole DG layer is
# empty. With the sine's single input the entire layer is empty in
# {glue:text}`arch-lit-sine-empty`% of seeds. Every measured rate is within
# {glue:text}`arch-census-maxdev` percentage points of its closed form
# ({numref}`tab-arch-census`). An empty DG layer makes the HSN's output a constant: for those
# seeds no amount of training can fit anything. The CEN expander has the same per-unit rate
# but, at {glue:text}`arch-cen-H` units, it is never empty in practice; almost all of its
# surviving units see a single coordinate (a unit sees both with the square of the rate), so its
# features are of the form
# $\mathrm{ReLU}(\pm a\, x_j)$. The repaired DG mask gives every unit at least
# {glue:text}`arch-rep-min-inputs` input (the most inputless units seen in any seed:
# {glue:text}`arch-rep-max-inputless`).

# %% [markdown]
# ## Two readings of the HSN
#
# Read in its most literal way, the HSN has two defects that have nothing to do with the idea it
# is meant to test. First, the DG mask described above, drawn at random, starves the network of
# its input. Second, a graph left as 0/1 entries has spectral radius
# {glue:text}`arch-g-radius` at {glue:text}`arch-g-n` nodes: each multiplication by $G$ can
# amplify the state by that factor, and $\tanh$ then clips it to $\pm 1$ unless the input is fed
# again at every step. Two named readings recur in the chapters that follow:
#
# - **HSN (literal)**: the most literal reading of the note's words (Bernoulli DG mask at
#   {glue:text}`arch-hsn-density`%, the Kronecker graph as 0/1 entries, fixed, the input entering
#   CA3 once). The note does not make these choices; it leaves them open
#   ({numref}`tab-arch-ambiguities`).
# - **HSN (repaired)**: the smallest changes we found that let it train: every DG unit gets at least
#   {glue:text}`arch-rep-min-inputs` input, and $G$ is rescaled to spectral radius
#   {glue:text}`arch-rep-radius`, the usual echo-state convention {cite}`jaeger2001echo`. Everything
#   else (sizes, $T$, the fixed graph, the readout) is unchanged.
#
# These two are named points among many readings the note allows: {doc}`05-audit` runs every
# combination of the open choices and shows which of them decide each claim. Carrying only the
# literal model would blame the note for choices it never made; carrying only the repaired one
# would credit it with fixes it does not contain. {numref}`fig-arch-saturation` shows the second defect before any training: the CA3 states
# of untrained networks on the validation inputs of the Swiss roll.

# %% [markdown]
# ```{glue:figure} fig-arch-saturation
# :name: fig-arch-saturation
#
# CA3 states of untrained HSNs over the recurrent steps, averaged over seeds, on the Swiss roll's
# validation inputs. Left (on a phone, top): the fraction of CA3 units whose state is within {glue:text}`arch-sat-margin` of $\pm 1$, where
# $\tanh$ passes almost no gradient. Right (bottom): how much a unit's state varies across inputs.
# {glue:md}`arch-data-trace:myst`
# ```
#
# After $T =$ {glue:text}`arch-hsn-T` steps, {glue:text}`arch-sat-lit`% of the literal model's CA3 units
# are saturated (mean over {glue:text}`arch-trace-seeds` seeds), against {glue:text}`arch-sat-rep`% for
# the repaired model. The literal states still vary across inputs (a unit's standard deviation
# across inputs is {glue:text}`arch-spread-lit0` at $h_0$, small because most DG units receive
# nothing, and {glue:text}`arch-spread-lit` at $h_T$), but a saturated unit passes almost no gradient
# back to the bridge and the DG. Training can change the scale of the bridge output $z$, while the
# fixed $G$ multiplies the state by up to its spectral radius at every step. The repaired model has the opposite tendency: with radius below one the state
# contracts, and its spread across inputs falls from {glue:text}`arch-spread-rep0` at $h_0$ to
# {glue:text}`arch-spread-rep` at $h_T$, so the recurrence fades the input rather than completing a
# pattern. Whether that matters is measured in {doc}`02-benchmarks` and {doc}`05-audit` (by varying $T$).

# %% [markdown]
# ## Every ambiguity, and the reading taken
#
# The note leaves many choices open. The table lists each one with the reading this book takes; the
# values in the "this book" column are read from the code's defaults. Where a choice could change a
# conclusion, later sections vary it.

# %% [markdown]
# ```{glue:figure} tab-arch-ambiguities
# :name: tab-arch-ambiguities
# :figclass: table
#
# Ambiguities in the note and the readings this book takes. {glue:md}`arch-data-ambiguities:myst`
# ```
# %% [markdown]
# Of these {glue:text}`arch-n-ambiguities` points, two shape the rest of the book most: the HSN's two
# readings above, and the question of what counts as a parameter, which {doc}`03-parameters`
# answers under four conventions.

# %% tags=["hide-input"]
provenance.block(cfg);
