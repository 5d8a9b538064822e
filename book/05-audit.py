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
# The earlier sections rebuild the note's models and tables. This section judges each of the
# note's quantitative or causal claims in turn. Every claim gets our measurement, a 95% interval,
# the number of seeds, the test used and a verdict: *reproduced*, *not reproduced*,
# *contradicted* or *untestable*. The rules behind each verdict are written once, in
# `scaffold.claims`, and applied to every claim of the same kind.
#
# Three choices matter throughout.
#
# - **Test, not validation.** The learning rate of every run is picked on the
#   {glue:text}`n-val` validation points, as the note does, but every verdict reads the untouched
#   test split of {glue:text}`n-test` points. The
#   note picks and reports on the same validation set.
# - **Paired seeds.** A seed fixes both the data draw and the initialisation, so two models on
#   the same seed saw the same points. Comparisons use per-seed differences (paired t-test,
#   Wilcoxon, bootstrap interval {cite}`efron1993bootstrap`).
# - **Equivalence, not absence of difference.** "Matches" claims are tested with one-sided tests
#   against a stated margin (the non-inferiority half of TOST {cite}`schuirmann1987tost`). A
#   non-significant difference alone is not a match.
#
# Controls: dense MLPs with the HSN's and the CEN's learned budget; the repaired HSN with a
# random graph of the same edge count, an identity graph, a learned graph, the raw graph, the
# literal DG mask, and T = {glue:text}`ctrl-Ts` CA3 steps; and the CEN with fixed random hidden
# biases.

# %% tags=["parameters"]
device = "auto"  # "auto", "cpu", "cuda" or "mps"
profile = "full"  # "full" or "quick"
n_seeds = 0  # 0: the profile's default
epochs_scale = 0.0  # 0: the profile's default

# %%
import scaffold
from scaffold import provenance
from scaffold.profiles import setup

cfg = setup(device=device, profile=profile, n_seeds=n_seeds, epochs_scale=epochs_scale)
print(cfg)

# %%
import numpy as np
import pandas as pd
from IPython.display import display
from myst_nb import glue

from scaffold import audit, claims, experiments as ex, graphs, stats
from scaffold import figures_audit as fa, note
from scaffold.data import make_dataset

ev = claims.evidence(cfg)
sel, dyn = ev["scores"], ev["dynamics"]
groups = claims.groups()
cfg.results_dir.mkdir(parents=True, exist_ok=True)
glue("n-seeds", int(cfg.n_seeds), display=False)
glue("epochs-scale", cfg.epochs_scale, display=False)
glue("n-models", int(sel.model.nunique()), display=False)
glue("n-runs", len(sel), display=False)
hc = ex.hsn_controls()
t_labels = {int(k[2:]): s.label for k, s in hc.items() if k.startswith("T=")}
glue("ctrl-Ts", ", ".join(str(t) for t in sorted(t_labels)), display=False)

# %% [markdown]
# ## The noise floor and the margin
#
# The note reports one run per model, scored on {glue:text}`n-val` validation points. At an
# accuracy of {glue:text}`nf-acc:.2f` one such score has a binomial standard error of {glue:text}`nf-se:.4f`, so its 95% interval is
# about ±{glue:text}`nf-hw:.3f` wide. Two independent scores must differ by more than
# {glue:text}`nf-diff:.3f` before the difference means anything. Compare the reported gap of
# {glue:text}`moons-gap:.3f` on which the note says the HSN beats the dense MLP on moons. A single point of that validation set moves the accuracy by
# {glue:text}`nf-res:.4f`.
#
# For "matches" claims we use an equivalence margin of {glue:text}`margin-acc:.2f` accuracy,
# which is about {glue:text}`margin-points:.1f` validation points. A single validation score
# cannot resolve this margin. Averaging {glue:text}`n-seeds` paired seeds on {glue:text}`n-test` test
# points can: the median 95% interval of a paired difference against the dense MLP is
# ±{glue:text}`median-ci-hw:.4f` here. A difference of {glue:text}`margin-acc-pct:.0f`% accuracy
# is also the smallest one that would change how the note's table reads. On sine the margin is
# {glue:text}`margin-mse:.2f` in MSE, {glue:text}`margin-mse-pct:.0f`% of the variance of sin(x)
# on the note's interval.

# %% tags=["hide-input"]
ACC = 0.95  # a typical accuracy on these tasks
moons0 = make_dataset("moons", 0)
n_val, n_test = len(moons0.x_val), len(moons0.x_test)
nf = stats.noise_floor(n_val, ACC)
paired = audit.paired_table(sel, reference=ex.DENSE.label)
paired["group"] = paired.model.map(groups)
paired.to_csv(cfg.results_dir / "audit_paired.csv", index=False)
glue("nf-se", float(nf["se"]), display=False)
glue("nf-hw", float(nf["half_width"]), display=False)
glue("nf-diff", float(nf["diff_half_width"]), display=False)
glue("nf-res", float(nf["resolution"]), display=False)
glue("moons-gap", note.TABLE_2_1["moons"]["HSN"] - note.TABLE_2_1["moons"]["Dense MLP"], display=False)
glue("margin-acc", audit.MARGIN_ACC, display=False)
glue("margin-mse", audit.MARGIN_MSE, display=False)
glue("margin-points", audit.MARGIN_ACC * n_val, display=False)
glue("margin-acc-pct", 100 * audit.MARGIN_ACC, display=False)
# the note's sine task: y = sin(x) on [0, 4 pi], whose variance is 1/2
sine_var = float(np.var(np.sin(np.linspace(0, 4 * np.pi, 100001))))
glue("margin-mse-pct", 100 * audit.MARGIN_MSE / sine_var, display=False)
glue("n-val", n_val, display=False)
glue("nf-acc", ACC, display=False)
glue("n-test", n_test, display=False)
clf = paired[paired.task != "sine"]
glue("median-ci-hw", float(((clf.hi - clf.lo) / 2).median()), display=False)

# %% [markdown]
# ## Every model and control against the dense MLP
#
# {numref}`fig-audit-forest` shows, for each task, the paired difference between every model or
# control and the dense MLP on the test set. The grey band is the equivalence margin. The literal
# HSN sits about {glue:text}`lit-gap:.2f` accuracy below the dense MLP on every classification
# task, at chance level. The other models and controls can be read off the figure and the table
# below.

# %%
fig = fa.forest(paired, groups)
glue("fig-audit-forest", fig, display=False)

# %% tags=["hide-input"]
lit = paired[(paired.model == ex.HSN_LITERAL.label) & (paired.task != "sine")]
glue("lit-gap", float(-lit.mean_diff.mean()), display=False)

# %% [markdown]
# ```{glue:figure} fig-audit-forest
# :name: fig-audit-forest
#
# Paired difference from the dense MLP on the test set (model minus dense: accuracy for the
# three classification tasks, MSE for sine, where lower is better), mean over seeds with a 95%
# bootstrap interval. The x axis is symmetric-log and the grey band is the equivalence margin.
# Colours mark the note's models, the CEN widths and the three families of controls.
# ```
#
# **Table: mean test score of every model and control over seeds (accuracy; MSE for sine).**
# The intervals, learned parameters (tensor sizes, convention a) and multiply-accumulates per
# sample of each row are in `audit_controls.csv` in the results folder.

# %%
specs = claims.all_specs()
controls = audit.controls_table(sel, groups, specs)
controls.to_csv(cfg.results_dir / "audit_controls.csv", index=False)
controls.pivot_table(index=["group", "model"], columns="task", values="mean").round(4)

# %% [markdown]
# ## Is the circulation the key?
#
# The note credits the {glue:text}`t-note` CA3 iterations with the HSN's accuracy.
# {numref}`fig-audit-T` varies T for the repaired HSN. With no circulation at all (T =
# {glue:text}`t-zero`: DG, bridge, one tanh and the readout), the test accuracy differs from the
# note's T = {glue:text}`t-note` by {glue:text}`t0-swiss:+.4f` on swiss roll,
# {glue:text}`t0-circles:+.4f` on circles and {glue:text}`t0-moons:+.4f` on moons (the note's
# setting minus no circulation). On sine, T = {glue:text}`t-zero` reaches test MSE
# {glue:text}`t0-sine-mse:.4f` against {glue:text}`t5-sine-mse:.4f` at T = {glue:text}`t-note`.

# %%
summ = stats.summarize(sel, ["task", "model"], "test_metric")
fig = fa.t_ablation(summ, t_labels, reference=summ[summ.model == ex.DENSE.label])
glue("fig-audit-T", fig, display=False)

# %% tags=["hide-input"]
glue("t-note", int(ex.HSN_REPAIRED.config.T), display=False)
glue("t-zero", int(hc["T=0"].config.T), display=False)
for task in ("swiss_roll", "circles", "moons", "sine"):
    c = audit.compare(sel, task, ex.HSN_REPAIRED.label, hc["T=0"].label)
    glue(f"t0-{task.split('_')[0]}", float(c["mean_diff"]), display=False)
s_sine = summ[summ.task == "sine"].set_index("model")["mean"]
glue("t0-sine-mse", float(s_sine[hc["T=0"].label]), display=False)
glue("t5-sine-mse", float(s_sine[ex.HSN_REPAIRED.label]), display=False)

# %% [markdown]
# ```{glue:figure} fig-audit-T
# :name: fig-audit-T
#
# Test metric of the repaired HSN against the number of CA3 steps T (mean and 95% interval over
# seeds; T = {glue:text}`t-note` is the note's setting). The dashed line and band are the dense MLP. The MSE axis
# for sine is logarithmic.
# ```
#
# ## Accuracy against learned parameters
#
# If structure substituted for parameters, the HSN would sit above the plain dense MLPs of the
# same learned budget in {numref}`fig-audit-frontier`. The dense MLP with about the HSN's budget
# ({glue:text}`dm-label`) differs from the repaired HSN by {glue:text}`dm-diff:+.4f` mean
# accuracy over the three classification tasks (HSN minus dense; 95% interval
# {glue:text}`dm-lo:+.4f` to {glue:text}`dm-hi:+.4f`).

# %%
fig = fa.frontier(controls, annotate=[ex.DENSE.label, ex.HSN_REPAIRED.label, ex.HSN_LITERAL.label,
                                      ex.CEN_NOTE.label, ex.param_matched_dense()["HSN (a)"].label])
glue("fig-audit-frontier", fig, display=False)

# %% tags=["hide-input"]
dm = ex.param_matched_dense()["HSN (a)"].label
c = claims.compare_mean(sel, claims.CLASSIFICATION, ex.HSN_REPAIRED.label, dm)
glue("dm-label", dm, display=False)
glue("dm-diff", float(c["mean_diff"]), display=False)
glue("dm-lo", float(c["lo"]), display=False)
glue("dm-hi", float(c["hi"]), display=False)

# %% [markdown]
# ```{glue:figure} fig-audit-frontier
# :name: fig-audit-frontier
#
# Test metric (mean and 95% interval over seeds) against learned parameters, counted as tensor
# sizes with the graph fixed (log scale), for every model and control. Lower MSE is better on
# sine.
# ```
#
# ## Does the CA3 state settle?
#
# The note says the {glue:text}`t-note` iterations let the pattern settle into a stable
# attractor. We trained both readings on moons and then ran the CA3 loop on to t =
# {glue:text}`t-max` ({numref}`fig-audit-dynamics`). The raw graph has spectral radius
# {glue:text}`rho-raw:.2f`. Under the literal reading, {glue:text}`sat-lit:.0%` of CA3 units are
# saturated at the note's last step, t = {glue:text}`t-note`. The relative step of that last
# iteration, $\lVert h_t - h_{t-1} \rVert / \lVert h_{t-1} \rVert$, averages
# {glue:text}`rel-lit:.3f`, ranging from
# {glue:text}`rel-lit-min:.2g` to {glue:text}`rel-lit-max:.2g` across seeds. Some seeds freeze into
# a saturated state, others keep moving. The state's spread across inputs is
# {glue:text}`spread-lit:.3f` at t = {glue:text}`t-note`, against {glue:text}`spread-lit0:.3f` at
# t = 0. Rescaled to radius {glue:text}`rho-rep`, the repaired HSN's relative step is
# {glue:text}`rel-rep:.3f` at t = {glue:text}`t-note` and {glue:text}`rel-rep-late:.3f` at the
# last step. A constant relative step near one minus the radius
# ({glue:text}`one-minus-rho:.1f`) is what a state shrinking geometrically toward the origin
# shows; a state settling on a pattern would show a step going to zero. Its spread across inputs
# falls from {glue:text}`spread-rep0:.3f` at t = 0 to {glue:text}`spread-rep5:.3f` at t =
# {glue:text}`t-note` and {glue:text}`spread-rep30:.3f` at t = {glue:text}`t-max`.

# %%
fig = fa.dynamics(dyn)
glue("fig-audit-dynamics", fig, display=False)
dyn.to_csv(cfg.results_dir / "audit_dynamics.csv", index=False)

# %% tags=["hide-input"]
T_NOTE, T_MAX = int(ex.HSN_REPAIRED.config.T), int(dyn.t.max())
RHO = float(ex.HSN_REPAIRED.config.spectral_radius)
glue("t-max", T_MAX, display=False)
glue("rho-rep", RHO, display=False)
glue("one-minus-rho", 1 - RHO, display=False)
end = dyn[dyn.t == T_NOTE].groupby("model")[["saturation", "spread"]].mean()
glue("sat-lit", float(end.loc[ex.HSN_LITERAL.label, "saturation"]), display=False)
glue("spread-lit", float(end.loc[ex.HSN_LITERAL.label, "spread"]), display=False)
glue("spread-rep5", float(end.loc[ex.HSN_REPAIRED.label, "spread"]), display=False)
glue("spread-rep0", float(dyn[(dyn.t == 0) & (dyn.model == ex.HSN_REPAIRED.label)].spread.mean()),
     display=False)
rel = dyn.groupby(["model", "t"]).rel_step
# rel_step at t is the step from h_t to h_{t+1}: t = T - 1 is the note's last iteration
glue("rel-rep", float(rel.mean()[(ex.HSN_REPAIRED.label, T_NOTE - 1)]), display=False)
glue("rel-rep-late", float(rel.mean()[(ex.HSN_REPAIRED.label, T_MAX - 1)]), display=False)
glue("rel-lit", float(rel.mean()[(ex.HSN_LITERAL.label, T_NOTE - 1)]), display=False)
glue("rel-lit-min", float(rel.min()[(ex.HSN_LITERAL.label, T_NOTE - 1)]), display=False)
glue("rel-lit-max", float(rel.max()[(ex.HSN_LITERAL.label, T_NOTE - 1)]), display=False)
spread = dyn.groupby(["model", "t"]).spread.mean()
glue("spread-lit0", float(spread[(ex.HSN_LITERAL.label, 0)]), display=False)
glue("spread-rep30", float(spread[(ex.HSN_REPAIRED.label, T_MAX)]), display=False)
G = graphs.kronecker_power(n_nodes=ex.HSN_REPAIRED.config.h_ca3)
gstats = pd.DataFrame({"raw G": graphs.graph_stats(G),
                       "rescaled G": graphs.graph_stats(graphs.rescale_spectral_radius(G, RHO))})
glue("g-n", int(ex.HSN_REPAIRED.config.h_ca3), display=False)
glue("rho-raw", float(gstats.loc["spectral_radius", "raw G"]), display=False)

# %% [markdown]
# ```{glue:figure} fig-audit-dynamics
# :name: fig-audit-dynamics
#
# The CA3 state of HSNs trained on moons (T = {glue:text}`t-note`, dotted line), run on to t =
# {glue:text}`t-max` on the test
# inputs: the step size between successive states (left), the share of saturated units (centre),
# and the spread of the state across inputs (right; zero means every input ends in the same
# state). Lines are means over seeds, bands the range; on the log axes, values at or near zero
# are drawn at a small fixed floor.
# ```
#
# **Table: the CA3 graph, raw and rescaled ({glue:text}`g-n` nodes).**

# %%
gstats

# %% [markdown]
# ## The ledger
#
# Of {glue:text}`n-claims` claims, {glue:text}`n-reproduced` are reproduced,
# {glue:text}`n-not-reproduced` are not reproduced, {glue:text}`n-contradicted` are contradicted
# and {glue:text}`n-untestable` are untestable. The ledger is written to `claims.csv` in the
# results folder. For the HSN, each claim is judged under both readings. The literal reading is
# what the note describes; the repaired reading is the smallest change that trains. The row says
# which reading it judges.
#
# **Table: the claims ledger. For comparisons, `ours`, `lo` and `hi` are the paired difference
# (first model minus second) and its 95% interval. For reported scores they are our mean and
# single-run range; for counts, the measured value.**

# %%
led = claims.ledger(sel, dyn)
claims.write(led, cfg.results_dir)
for k, v in claims.verdict_counts(led).items():
    glue(f"n-{k.replace(' ', '-')}", v, display=False)
glue("n-claims", len(led), display=False)
with pd.option_context("display.max_colwidth", None, "display.float_format", "{:.4g}".format):
    display(led.set_index("claim_id"))

# %% tags=["hide-input"]
V = led.set_index("claim_id")["verdict"]
for pattern, key in (("C1-.*-literal", "c1-lit"), ("C1-.*-repaired", "c1-rep"), ("C3-", "c3"),
                     ("S1-", "s1"), ("S3-", "s3")):
    glue(f"a-{key}", " / ".join(sorted(set(V[V.index.str.match(pattern)]))), display=False)
for claim_id, key in (("C2-moons-repaired", "c2-rep"), ("S2-graph", "s2"), ("C5-sine", "c5")):
    glue(f"a-{key}", str(V[claim_id]), display=False)
counts = V[V.index.str.startswith("P")]
glue("a-n-p", len(counts), display=False)
glue("a-n-p-bad", int(counts.isin(["not reproduced", "contradicted"]).sum()), display=False)

# %% [markdown]
# ## Conclusion
#
# Read literally, the note's HSN does not learn: its claims to match the dense MLP are
# {glue:text}`a-c1-lit`. Repaired, it matches the dense MLP on the three classification tasks
# ({glue:text}`a-c1-rep`), but the claim that it beats it on moons is {glue:text}`a-c2-rep`. The
# reasons the note gives for the match do not survive their controls: that the circulation
# through the graph is the key ({glue:text}`a-s1`), that the Kronecker structure matters
# ({glue:text}`a-s2`), and that structure substitutes for learned parameters
# ({glue:text}`a-s3`). The CEN's scores are {glue:text}`a-c3` as reported, but the explanation
# of its failure on sine is {glue:text}`a-c5`. Of the {glue:text}`a-n-p` claims about parameter
# and compute counts, {glue:text}`a-n-p-bad` are not reproduced or contradicted.

# %%
provenance.block(cfg);
