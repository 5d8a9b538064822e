"""Chapter 4 (scaffold.chapters.limitations): its design, its comparisons by the rulebook, its facts,
tables and figures, all on small synthetic results (nothing is trained or timed here)."""

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from scaffold import verdicts
from scaffold.chapters import limitations
from scaffold.chapters.limitations import compare, design, facts, figures
from scaffold.experiments import HSN_REPAIRED, task_shape
from scaffold.models import DENSE
from scaffold.params import dense_params, learned_counts
from scaffold.runtime import setup, style
from scaffold.sweep import SweepResult

SEEDS = range(6)


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


@pytest.fixture
def cfg(tmp_path, monkeypatch):
    monkeypatch.setenv("SCAFFOLD_RESULTS", str(tmp_path))
    return setup("cpu", "quick")


def selected(models, task, effect, base=0.8, **cols):
    """One row per model and seed: ``base + effect[model]`` plus a seed wiggle shared by all models."""
    return pd.DataFrame([dict(task=task, model=m, seed=s, lr=0.01, val_metric=0.9,
                              test_metric=base + effect.get(m, 0.0) + 0.002 * (s % 3), **cols)
                         for m in models for s in SEEDS])


def latency_table():
    rows = [dict(model="Dense MLP", family="dense", T=None, batch=b, seconds=1.0, macs_dense=4288)
            for b in (1, 256)]
    rows += [dict(model=f"HSN T={t}", family="hsn", T=t, batch=b, seconds=0.8 + t / 5,
                  macs_dense=592 + 256 * t) for t in (0, 1, 2, 5, 10) for b in (1, 256)]
    rows += [dict(model="CEN (H=512)", family="cen", T=None, batch=b, seconds=1.2, macs_dense=1536)
             for b in (1, 256)]
    lat = pd.DataFrame(rows).assign(device="cpu", threads=1, clock="thread_time")
    lat["ratio"] = lat["seconds"]
    return lat


@pytest.fixture(scope="module")
def results():
    """What compute() returns, built from synthetic scores (the HSN worse on digits, T = 0 better)."""
    dims = (2, 32, 784)
    dim_rows = []
    for d in dims:
        specs = design.comparison_models(d, 1)
        rows = selected([s.label for s in specs], "moons", {HSN_REPAIRED.label: -0.05 * (d == 784)})
        dim_rows.append(rows.assign(embed_dim=d).merge(design.roles(d, 1), on="model"))
    gm = design.graph_models()
    graphs = pd.concat([selected([s.label for s in gm.values()], "moons", {gm["initiator"].label: 0.03}),
                        selected([s.label for s in gm.values()], "sine", {gm["learned"].label: -0.01}, base=0.05)])
    tasks, counts = [], []
    for task in design.HARDER_TASKS:
        specs = design.task_specs(task)
        effect = {HSN_REPAIRED.label: -0.3 if task == "digits" else 0.0,
                  design.harder_extras()[1].label: 0.1 if task == "digits" else 0.0}
        tasks.append(selected([s.label for s in specs], task, effect).merge(design.task_roles(task), on="model"))
        counts.append(learned_counts(specs, *task_shape(task)).assign(task=task)
                      .merge(design.task_roles(task), on="model"))
    sel_dim, sel_t = pd.concat(dim_rows, ignore_index=True), pd.concat(tasks, ignore_index=True)
    sp = pd.DataFrame(dict(n=[16, 32, 64], nnz=[81, 243, 729], density=[81 / 256, 243 / 1024, 729 / 4096],
                           dense_s=[1e-6, 2e-6, 4e-6], sparse_s=[2e-6, 1.5e-6, 1e-6]))
    sp["speedup"] = sp.dense_s / sp.sparse_s
    return dict(latency=latency_table(), sparse=sp, dimension_params=design.dimension_params(dims),
                dimension=sel_dim, graphs=graphs.reset_index(drop=True), tasks=sel_t,
                task_counts=pd.concat(counts, ignore_index=True),
                **limitations.comparisons(sel_dim, graphs.reset_index(drop=True), sel_t))


# ----------------------------------------------------------------------------- design


def test_matched_dense_is_the_librarys_and_keeps_its_role():
    m = design.matched(2, 1)
    assert set(m) == set(design.MATCHED.values())
    assert all(s.label == f"Dense w={s.config.widths[0]}" for s in m.values())
    r = design.roles(784, 1).set_index("role")["model"]
    assert r[design.MATCHED["learned_nnz"]] != r[design.MATCHED["learned_size"]]
    assert len(design.comparison_models(2, 1)) == 5


def test_dimension_params_growth():
    p = design.dimension_params((2, 100)).set_index(["embed_dim", "role"])

    def grow(m, col):
        return p.loc[(100, m), col] - p.loc[(2, m), col]
    assert grow("Dense MLP", "learned_nnz") == 98 * 64
    assert grow("HSN (repaired)", "learned_size") == 98 * 32
    # a 5% mask: about 0.05 * 32 nonzeros per extra input (plus the one-input repair)
    assert 0.5 * 98 * 1.6 < grow("HSN (repaired)", "learned_nnz") < 2 * 98 * 1.6
    assert grow("CEN (H=512)", "learned_nnz") == 0
    assert p.loc[(100, "CEN (H=512)"), "fixed"] > p.loc[(2, "CEN (H=512)"), "fixed"]


def test_graph_models_counts():
    g = design.graph_models()
    c = learned_counts(g.values(), 2, 1).set_index("model")
    fixed = c.loc[HSN_REPAIRED.label, "learned_size"]
    assert c.loc[g["initiator"].label, "learned_size"] == fixed + 4
    assert c.loc[g["learned"].label, "learned_size"] == fixed + 256  # G's full tensor
    assert c.loc[g["learned"].label, "learned_nnz"] == pytest.approx(c.loc[HSN_REPAIRED.label, "learned_nnz"] + 81)


def test_sweeps_plumbing(cfg, monkeypatch):
    calls = []

    def fake_run(cfg, g, desc=""):
        calls.append((tuple(s.label for s in g.specs), g.tasks, g.embed_dim))
        members = selected([s.label for s in g.specs], g.tasks[0], {}, embed_dim=g.embed_dim)
        return SweepResult(members, pd.DataFrame())

    monkeypatch.setattr(design, "run", fake_run)
    sel = design.dimension_sweep(cfg, (2, 16))
    assert calls[0][2] is None and calls[1][2] == 16
    assert set(sel.embed_dim) == {2, 16} and len(calls[0][0]) == 5
    assert set(sel.role) >= set(design.MATCHED.values())
    sel_t, counts = design.task_sweep(cfg, ("digits",))
    assert set(counts.model) == set(calls[-1][0]) and (counts.task == "digits").all()
    assert "HSN h_ca3=64 (repaired)" in calls[-1][0] and len(calls[-1][0]) == 7
    assert counts.set_index("model").loc[DENSE.label, "learned_size"] == dense_params(64, 10)


def test_grids_declare_every_sweep_the_chapter_runs(cfg):
    g = limitations.grids(cfg)
    assert set(g) == {"moons d=2", "moons d=32", "moons d=784", "graphs", "two_spirals", "digits"}
    assert g["moons d=2"].embed_dim is None and g["moons d=784"].embed_dim == 784
    assert g["graphs"].tasks == design.graph_tasks(cfg)
    assert all(grid.seeds == tuple(cfg.seeds) for grid in g.values())


# ----------------------------------------------------------------------------- comparisons


def test_matches_judge_the_hsn_by_the_rulebook(results):
    m = results["task_matches"].set_index(["task", "role"])
    nnz = design.MATCHED["learned_nnz"]
    assert m.loc[("digits", nnz), "gain"] == pytest.approx(-0.3)
    assert m.loc[("digits", nnz), "verdict"] == verdicts.CONTRADICTED
    assert m.loc[("two_spirals", nnz), "verdict"] == verdicts.HOLDS  # equal scores: within the margin
    t0 = design.harder_extras()[1].label
    assert m.loc[("digits", t0), "verdict"] == verdicts.CONTRADICTED  # T = 0 is better
    # equal scores: "the recurrence is the key" is contradicted by equivalence within the margin
    assert m.loc[("two_spirals", t0), "verdict"] == verdicts.CONTRADICTED


def test_graph_variants_outcomes(results):
    g = results["graph_gains"].set_index(["task", "model"])
    gm = design.graph_models()
    assert g.loc[("moons", gm["initiator"].label), "outcome"] == "better"
    assert g.loc[("moons", gm["learned"].label), "outcome"] == "equivalent"
    # sine is judged on MSE: 0.01 lower MSE is a gain, beyond the margin (1% of the targets' variance)
    assert g.loc[("sine", gm["learned"].label), "gain"] == pytest.approx(0.01)
    assert g.loc[("sine", gm["learned"].label), "outcome"] == "better"
    assert compare.outcome(dict(lo=-0.5, hi=-0.2, margin=0.01)) == "worse"
    assert compare.outcome(dict(lo=0.001, hi=0.004, margin=0.01)) == "equivalent"  # above 0, inside the margin
    assert compare.outcome(dict(lo=-0.005, hi=0.03, margin=0.01)) == "no worse"    # may be better by a margin
    assert compare.outcome(dict(lo=-0.05, hi=0.03, margin=0.01)) == "inconclusive"


# ----------------------------------------------------------------------------- facts, tables, figures


def test_facts_are_the_declared_keys_and_plain(cfg, results):
    f = facts.facts(cfg, results)
    pg = limitations.KEYS.page(f, figures.figures(results), limitations.table_views(cfg, results))
    assert set(pg.facts) == set(limitations.KEYS.facts)
    assert all(isinstance(v, (int, float, str)) for k, v in f.items() if not k.startswith("data-"))
    assert f["macs-ratio"] == pytest.approx(1872 / 4288)
    assert f["lat-note-small"] == pytest.approx(0.8 + 5 / 5)
    assert f["first-slower"] == "the HSN is slower than the dense MLP first at T = 2, at both batch sizes"
    assert f["sp-note-n"] == 16 and f["sp-crossover"] == "from 32 units on"
    assert f["budget-digits"] == f["recurrence-digits"] == "is " + verdicts.CONTRADICTED  # predicates
    assert f["match-dense-hi"] == "is " + verdicts.CONTRADICTED  # the HSN 0.05 below at d = 784; a predicate
    assert f["graph-outcomes"].startswith("2 beat it, none is worse beyond the margin")
    assert f["ratio-nnz-hi"] > f["ratio-nnz-lo"] and f["ratio-size-hi"] < f["ratio-size-lo"]


def test_sentences_read_as_written():
    assert facts.outcomes_sentence(pd.Series(["better", "equivalent", "equivalent", "inconclusive"])) == (
        "one beats it, none is worse beyond the margin, 2 are within the margin of it either way (the table's "
        "\u201ccontradicted\u201d: any gain is too small to matter) and one is inconclusive (the table's "
        "\u201cunsupported\u201d)")
    assert "one is no worse by more than the margin but may be better" in facts.outcomes_sentence(
        pd.Series(["no worse", "better"]))
    ratio = pd.Series({(1, 0): 0.9, (1, 1): 1.1, (256, 0): 0.9, (256, 1): 0.95})
    assert facts.first_slower(ratio, 1, 256) == (
        "the HSN is slower than the dense MLP first at T = 1 at batch 1 and at no T measured at batch 256")
    assert facts.first_slower(pd.Series({(1, 0): 1.2, (1, 1): 1.3}), 1, 1) == (
        "the HSN is slower than the dense MLP already at T = 0, the fewest steps measured, at both batch sizes")


def test_tables(cfg, results):
    views = limitations.table_views(cfg, results)
    cost = limitations.cost_table(results["latency"]).set_index("model")
    assert list(cost.index) == ["Dense MLP", "HSN T=0", "HSN T=5", "HSN T=10", "CEN (H=512)"]
    assert cost.loc["HSN T=5", "macs_vs_dense"] == pytest.approx(1872 / 4288)
    m = views["matches"].df
    assert set(m["where"]) == {"moons, d = 2", "moons, d = 784", "two spirals", "digits"}


def test_latency_lines():
    fig = figures.latency(latency_table())
    ax = fig.axes[0]
    hsn = [line for line in ax.get_lines() if line.get_label() == "HSN (repaired), batch 1"][0]
    np.testing.assert_allclose(hsn.get_ydata(), [0.8, 1.0, 1.2, 1.8, 2.8])
    assert hsn.get_color() == style.look("HSN (repaired)").color
    # whole steps T, and the CEN (which has no T) in a slot of its own, named on the axis
    labels = [t.get_text() for t in ax.get_xticklabels()]
    assert labels[-1] == "CEN" and all(float(t).is_integer() for t in ax.get_xticks()[:-1])
    assert ax.get_xticks()[-1] > hsn.get_xdata().max()


def test_dimension_figure_follows_roles(results):
    fig = figures.dimension(results["dimension_params"], results["dimension"])
    labels = {line.get_label() for line in fig.axes[0].get_lines()}
    assert set(design.MATCHED.values()) <= labels  # one line per role across d, not per width


def test_paired_panels_one_per_task(results):
    fig = figures.paired_panels(results["graph_gains"])
    titles = [a["text"] for a in fig.spec()["layout"]["annotations"]]
    assert titles[:2] == ["moons", "sine"]
