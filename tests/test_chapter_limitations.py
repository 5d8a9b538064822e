"""Chapter 4 (scaffold.chapters.limitations): timing, sparse kernels, counts vs d, graphs, and the
figures on small synthetic tables."""

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from scaffold.runtime import style
import pytest
import time
import torch

from scaffold.chapters import limitations as fl
from scaffold.chapters import limitations as openq
from scaffold.experiments import HSN_REPAIRED
from scaffold.models import DENSE
from scaffold.params import dense_params, totals
from scaffold.runtime import setup
from scaffold.sweep import SweepResult


def test_time_many_orders_work_and_uses_thread_clock_on_cpu():
    a, b = torch.randn(64, 64), torch.randn(256, 256)
    t = openq.time_many({"small": lambda: a @ a, "big": lambda: b @ b}, "cpu", rounds=5,
                        min_time=1e-3)
    assert set(t) == {"small", "big"} and all(v > 0 for v in t.values())
    assert t["big"] > 4 * t["small"]  # 64x the arithmetic
    assert openq.clock_for("cpu") == (time.thread_time, "thread_time")
    assert openq.clock_for("cuda")[1] == "perf_counter" and openq.clock_for("cpu", 2)[1] == "perf_counter"


def test_measure_latency_ratios_and_macs():
    models = {k: v for k, v in openq.latency_models(Ts=(0, 5)).items()}
    lat = openq.measure_latency(models, batches=(1, 8), rounds=3)
    assert set(lat.model) == {"Dense MLP", "HSN T=0", "HSN T=5", "CEN (H=512)"}
    assert len(lat) == 8 and (lat.seconds > 0).all()
    np.testing.assert_allclose(lat.loc[lat.model == "Dense MLP", "ratio"], 1.0)
    m = lat.drop_duplicates("model").set_index("model")["macs_dense"]
    assert m["Dense MLP"] == 4288 and m["HSN T=5"] == 1872
    assert m["HSN T=5"] - m["HSN T=0"] == 5 * 16 * 16  # one dense 16x16 graph step per T
    assert torch.get_num_threads() >= 1  # restored


def test_sparse_vs_dense_counts_and_speedup():
    sp = openq.sparse_vs_dense(sizes=(16, 64), batch=8, rounds=3)
    assert list(sp.nnz) == [81, 729]  # 3^k nonzeros in the Kronecker power
    np.testing.assert_allclose(sp.density, [81 / 256, 729 / 4096])
    np.testing.assert_allclose(sp.speedup, sp.dense_s / sp.sparse_s)


@pytest.mark.parametrize("speedups,expected", [
    ([0.5, 1.2, 0.9, 1.5, 2.0], 128), ([0.5, 0.6, 0.7, 0.8, 0.9], None), ([1.1] * 5, 16)])
def test_crossover(speedups, expected):
    df = pd.DataFrame(dict(n=[16, 32, 64, 128, 256], speedup=speedups))
    assert openq.crossover(df.sample(frac=1, random_state=0)) == expected


def test_matched_dense_hits_budget():
    for d, o in ((2, 1), (64, 10), (784, 1)):
        for conv in ("learned_nnz", "learned_size"):
            spec = openq.matched_dense(HSN_REPAIRED, d, o, conv)
            w = dict(spec.options)["widths"]
            budget = totals(HSN_REPAIRED, d, o, n_draws=10)[conv]
            got = dense_params(d, o, w)
            # no other width is closer to the budget
            for w2 in (w[0] - 1, w[0] + 1):
                if w2 >= 1:
                    assert abs(got - budget) <= abs(dense_params(d, o, (w2, w2)) - budget)


def test_dimension_params_growth():
    p = openq.dimension_params((2, 100)).set_index(["embed_dim", "model"])
    def grow(m, col):
        return p.loc[(100, m), col] - p.loc[(2, m), col]

    assert grow("Dense MLP", "learned_nnz") == 98 * 64
    assert grow("HSN (repaired)", "learned_size") == 98 * 32
    # a 5% mask: about 0.05 * 32 nonzeros per extra input (plus the one-input repair)
    assert 0.5 * 98 * 1.6 < grow("HSN (repaired)", "learned_nnz") < 2 * 98 * 1.6
    assert grow("CEN (H=512)", "learned_nnz") == 0
    assert p.loc[(100, "CEN (H=512)"), "fixed"] > p.loc[(2, "CEN (H=512)"), "fixed"]


def test_graph_models_counts():
    g = openq.graph_models()
    c = openq.learned_counts(g.values(), 2, 1).set_index("model")
    fixed = c.loc[HSN_REPAIRED.label, "learned_size"]
    assert c.loc[g["initiator"].label, "learned_size"] == fixed + 4
    assert c.loc[g["learned"].label, "learned_size"] == fixed + 256  # G's full tensor
    assert c.loc[g["learned"].label, "learned_nnz"] == pytest.approx(
        c.loc[HSN_REPAIRED.label, "learned_nnz"] + 81)
    for n in (64, 256):
        assert g[f"h_ca3={n}"].config.h_ca3 == n


def _fake_selected(labels, task, embed_dim, shift):
    rows = [dict(task=task, model=m, seed=s, lr=0.01, embed_dim=embed_dim,
                 val_metric=0.9, test_metric=0.8 + shift.get(m, 0) + 0.01 * s)
            for m in labels for s in range(4)]
    return pd.DataFrame(rows)


def test_sweeps_plumbing(monkeypatch):
    calls = []

    def fake_run(cfg, g, desc=""):
        calls.append((tuple(s.label for s in g.specs), g.tasks, g.embed_dim))
        # as train_ensemble does: an unembedded task records its own dimension
        df = _fake_selected([s.label for s in g.specs], g.tasks[0], g.embed_dim or 2, {})
        return SweepResult(df, pd.DataFrame())

    monkeypatch.setattr(openq, "run", fake_run)
    cfg = setup("cpu", "quick")
    sel = openq.dimension_sweep(cfg, (2, 16))
    assert calls[0][2] is None and calls[1][2] == 16
    assert set(sel.embed_dim) == {2, 16} and len(calls[0][0]) == 5
    sel_t, counts = openq.task_sweep(cfg, ("digits",), extra=(openq.graph_models()["h_ca3=64"],))
    assert set(counts.model) == set(calls[-1][0]) and (counts.task == "digits").all()
    assert "HSN h_ca3=64 (repaired)" in calls[-1][0] and len(calls[-1][0]) == 6
    assert counts.set_index("model").loc[DENSE.label, "learned_size"] == dense_params(64, 10)


def test_grids_declare_every_sweep_the_chapter_runs():
    cfg = setup("cpu", "quick")
    g = openq.grids(cfg)
    assert set(g) == {"moons d=2", "moons d=32", "moons d=784", "graphs", "two_spirals", "digits"}
    assert g["moons d=2"].embed_dim is None and g["moons d=784"].embed_dim == 784
    assert g["graphs"].tasks == openq.graph_tasks(cfg)
    assert all(grid.seeds == tuple(cfg.seeds) for grid in g.values())


def test_paired_vs_signs_and_reference():
    df = _fake_selected(["ref", "up", "down"], "moons", None, {"up": 0.05, "down": -0.02})
    d = openq.paired_vs(df, "ref").set_index("model")
    assert set(d.index) == {"up", "down"}
    assert d.loc["up", "diff"] == pytest.approx(0.05) and d.loc["down", "diff"] == pytest.approx(-0.02)
    assert (d.reference == "ref").all() and (d.n == 4).all()
    assert openq.paired_vs(df, "missing").empty


def test_verdict():
    assert openq.verdict(0.01, 0.03, "up", "down", "flat") == "up"
    assert openq.verdict(-0.03, -0.01, "up", "down", "flat") == "down"
    assert openq.verdict(-0.01, 0.01, "up", "down", "flat") == "flat"


def _lat():
    rows = [dict(model="Dense MLP", family="dense", T=None, batch=b, seconds=1.0, macs_dense=4288,
                 ratio=1.0, device="cpu", clock="thread_time") for b in (1, 256)]
    rows += [dict(model=f"HSN T={t}", family="hsn", T=t, batch=b, seconds=1 + t / 5,
                  macs_dense=592 + 256 * t, ratio=1 + t / 5, device="cpu", clock="thread_time")
             for t in range(3) for b in (1, 256)]
    rows += [dict(model="CEN (H=512)", family="cen", T=None, batch=b, seconds=1.2, macs_dense=1536,
                  ratio=1.2, device="cpu", clock="thread_time") for b in (1, 256)]
    return pd.DataFrame(rows)


def test_latency_lines():
    fig = fl.latency(_lat())
    ax = fig.axes[0]
    labels = [line.get_label() for line in ax.get_lines()]
    assert "HSN (repaired), batch 1" in labels and "HSN (repaired), batch 256" in labels
    hsn = [line for line in ax.get_lines() if line.get_label() == "HSN (repaired), batch 1"][0]
    np.testing.assert_allclose(hsn.get_ydata(), [1, 1.2, 1.4])
    # the book's colour for the model, whatever the batch
    assert hsn.get_color() == style.look("HSN (repaired)").color
    # integer ticks for a count of steps
    assert all(float(t).is_integer() for t in ax.get_xticks())
    plt.close(fig)


def test_sparse_and_dimension_and_tasks():
    sp = pd.DataFrame(dict(n=[16, 32], nnz=[81, 243], density=[0.3, 0.2], dense_s=[1e-6, 2e-6],
                           sparse_s=[2e-6, 1e-6], speedup=[0.5, 2.0]))
    fig = fl.sparse_kernels(sp)
    assert len(fig.axes) == 2
    np.testing.assert_allclose(fig.axes[1].get_lines()[0].get_ydata(), [0.5, 2.0])
    plt.close(fig)

    params = pd.DataFrame([dict(embed_dim=d, model=m, learned_nnz=n * d, learned_size=s * d)
                           for d in (2, 8) for m, n, s in (("Dense MLP", 64, 64), ("HSN (repaired)", 2, 32))])
    sel = pd.DataFrame([dict(model=m, embed_dim=d, seed=s, test_metric=0.9 + 0.01 * s)
                        for m in ("Dense MLP", "HSN (repaired)") for d in (2, 8) for s in range(3)])
    fig = fl.dimension(params, sel)
    assert len(fig.axes) == 2
    # dense (solid) + HSN solid + HSN dashed (sizes differ from nonzeros)
    assert len(fig.axes[0].get_lines()) == 3
    plt.close(fig)

    sel_t = sel.assign(task="digits")
    counts = pd.DataFrame(dict(task="digits", model=["Dense MLP", "HSN (repaired)"], learned_nnz=[100, 10]))
    fig = fl.accuracy_vs_params(sel_t, counts)
    # live: one trace per model, placed at its learned count, hover naming model, task and interval
    xs = {t.name: t.x[0] for t in fig.plot.data}
    assert xs == {"Dense MLP": 100, "HSN (repaired)": 10}
    hover = fig.plot.data[0].hovertext[0]
    assert "digits" in hover and "[" in hover and "reading" in hover
    assert fig.plot.layout.xaxis.type == "log"


def test_paired_panels_one_per_task():
    d = pd.DataFrame(dict(task=["moons", "moons", "sine", "sine"], model=["a", "b", "a", "b"],
                          reference="ref", diff=[0.1, -0.1, 0.0, 0.2], lo=[0, -0.2, -0.1, 0.1],
                          hi=[0.2, 0, 0.1, 0.3]))
    fig = fl.paired_panels(d)
    titles = [a["text"] for a in fig.spec()["layout"]["annotations"]]
    assert titles[:2] == ["moons", "sine"]


def test_counted_sentences_read_as_written():
    assert fl.significance_words(0, 0) == "none is significantly better or worse"
    assert fl.significance_words(1, 3) == "one is significantly better and 3 are significantly worse"
    lower = pd.Series([0.02, 0.03])
    s = fl.lower_sentence(2, 4, lower, 0, 5.0)
    assert s == "2 of the 4 variants have a lower mean (from 0.0200 to 0.0300), and none passes the paired t-test at 5%"
    assert fl.lower_sentence(0, 4, lower[:0], 0, 5.0) == "none of the 4 variants has a lower mean"
    assert fl.lower_sentence(1, 4, lower[:1], 1, 5.0).startswith("1 of the 4 variants has a lower mean (0.0200)")
