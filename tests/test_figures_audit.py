"""The audit figures draw what their tables hold (scaffold.figures_audit)."""

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from scaffold import figures_audit as fa  # noqa: E402

TASKS = ("swiss_roll", "moons", "sine")


@pytest.fixture
def paired():
    rows = []
    for t in TASKS:
        for m, d in (("A", -0.5), ("B", 0.002)):
            rows.append(dict(task=t, model=m, reference="Dense MLP", mean_diff=d, lo=d - 0.01,
                             hi=d + 0.01, margin=0.01))
    return pd.DataFrame(rows)


def test_forest_one_panel_per_task_and_one_marker_per_model(paired):
    fig = fa.forest(paired, {"A": "note model", "B": "HSN control"})
    axes = fig.axes
    assert len(axes) == len(TASKS)
    assert [a.get_title() for a in axes] == list(TASKS)
    xs = sorted(float(line.get_xdata()[0]) for line in axes[1].lines if line.get_marker() == "o")
    assert xs == pytest.approx([-0.5, 0.002])
    assert [t.get_text() for t in axes[0].get_yticklabels()] == ["A", "B"]


def test_t_ablation_plots_means_in_T_order():
    rows = [dict(task=t, model=f"T{T}", mean=0.9 + 0.01 * T, lo=0.89, hi=0.99) for t in TASKS
            for T in (0, 1, 5)]
    rows += [dict(task=t, model="Dense MLP", mean=0.95, lo=0.94, hi=0.96) for t in TASKS]
    s = pd.DataFrame(rows)
    fig = fa.t_ablation(s, {5: "T5", 0: "T0", 1: "T1"}, reference=s[s.model == "Dense MLP"])
    line = fig.axes[0].lines[0]
    assert list(line.get_xdata()) == [0, 1, 5]
    assert np.allclose(line.get_ydata(), [0.9, 0.91, 0.95])
    assert fig.axes[2].get_yscale() == "log"  # sine: MSE


def test_frontier_log_x_and_groups():
    rows = [dict(task=t, model=m, group=g, mean=0.9, lo=0.88, hi=0.92, learned_size=n)
            for t in TASKS for m, g, n in (("Dense MLP", "note model", 4417), ("CEN", "CEN", 513))]
    fig = fa.frontier(pd.DataFrame(rows), annotate=["Dense MLP"])
    assert all(a.get_xscale() == "log" for a in fig.axes)
    assert len(fig.axes[0].texts) == 1
    labels = fig.axes[0].get_legend_handles_labels()[1]
    assert labels == ["note model", "CEN"]


def test_dynamics_three_panels_one_line_per_model():
    rows = [dict(model=m, seed=s, t=t, step=0.1 / (t + 1), saturation=0.5, spread=0.2)
            for m in ("lit", "rep") for s in (0, 1) for t in range(6)]
    fig = fa.dynamics(pd.DataFrame(rows))
    assert len(fig.axes) == 3
    assert len(fig.axes[0].lines) == 2 + 1  # two models + the T marker


def test_verdict_bar_counts():
    led = pd.DataFrame({"verdict": ["reproduced", "contradicted", "contradicted"]})
    fig = fa.verdict_bar(led)
    widths = [p.get_width() for p in fig.axes[0].patches]
    assert widths == [1, 0, 2, 0]
