"""Figures of the limitations section (scaffold.figures_limits) on small synthetic tables."""

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from scaffold import figures_limits as fl


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
    assert "HSN, batch 1" in labels and "HSN, batch 256" in labels
    hsn = [line for line in ax.get_lines() if line.get_label() == "HSN, batch 1"][0]
    np.testing.assert_allclose(hsn.get_ydata(), [1, 1.2, 1.4])
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
    assert fig.axes[0].get_title() == "digits"
    plt.close(fig)


def test_paired_panels_one_per_task():
    d = pd.DataFrame(dict(task=["moons", "moons", "sine", "sine"], model=["a", "b", "a", "b"],
                          reference="ref", diff=[0.1, -0.1, 0.0, 0.2], lo=[0, -0.2, -0.1, 0.1],
                          hi=[0.2, 0, 0.1, 0.3]))
    fig = fl.paired_panels(d)
    assert [a.get_title() for a in fig.axes] == ["moons", "sine"]
    plt.close(fig)
