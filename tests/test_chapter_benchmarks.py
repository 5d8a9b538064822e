"""Chapter 2 (scaffold.chapters.benchmarks): the reported-vs-ours table (the CEN's best width, the
note's columns, intervals, verdicts) and its figures (what is drawn matches what is given)."""

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from scaffold import note, verdicts
from scaffold.chapters.benchmarks import facts, figures, reported
from scaffold.data import make_dataset
from scaffold.experiments import DENSE
from scaffold.train import TrainConfig, train_ensemble


def _sel(task, model, seed, val, test=None, lr=0.01):
    return dict(task=task, model=model, seed=seed, lr=lr, embed_dim=2,
                val_metric=val, test_metric=val if test is None else test)


def test_cen_width_parses_only_cen_labels():
    assert reported.cen_width("CEN (H=128)") == 128
    assert reported.cen_width("CEN (H=128) + bias") is None
    assert reported.cen_width("Dense MLP") is None


def test_reported_maps_models_to_the_notes_columns():
    assert reported.reported("moons", "HSN (repaired)") == note.TABLE_2_1["moons"]["HSN"]
    assert reported.reported("moons", "HSN (literal)") == note.TABLE_2_1["moons"]["HSN"]
    assert reported.reported("sine", "CEN (best H)") == note.TABLE_2_1["sine"]["CEN"]
    # the note's CEN value on circles is at H=128, so H=512 has nothing to compare with
    assert note.CEN_BEST_H["circles"] != 512 and np.isnan(reported.reported("circles", "CEN (H=512)"))
    assert reported.reported("swiss_roll", "CEN (H=512)") == note.TABLE_2_1["swiss_roll"]["CEN"]
    assert np.isnan(reported.reported("moons", "something else"))
    assert np.isnan(reported.reported("two_spirals", "Dense MLP"))


def _toy_selected(n_seeds=6):
    rng = np.random.default_rng(0)
    rows = []
    for task in ("circles", "sine"):
        for m, base in (("Dense MLP", 0.99), ("CEN (H=64)", 0.80), ("CEN (H=128)", 0.85),
                        ("CEN (H=512)", 0.90)):
            for s in range(n_seeds):
                v = base + 0.01 * rng.normal()
                rows.append(_sel(task, m, s, v, v - 0.005))
    return pd.DataFrame(rows)


def test_with_derived_adds_best_and_note_width_rows():
    sel = _toy_selected()
    rows = reported.with_derived(sel)
    best = rows[rows["model"] == reported.BEST_H]
    note_h = rows[rows["model"] == reported.NOTE_H]
    assert len(best) == 2 * 6
    # circles: note's H is 128; sine: 64
    assert set(note_h.loc[note_h["task"] == "circles", "chosen"]) == {"CEN (H=128)"}
    assert set(note_h.loc[note_h["task"] == "sine", "chosen"]) == {"CEN (H=64)"}
    # on circles (accuracy) the widest CEN has the best validation scores here; on sine (MSE) the narrowest
    assert set(best.loc[best["task"] == "circles", "chosen"]) == {"CEN (H=512)"}
    assert set(best.loc[best["task"] == "sine", "chosen"]) == {"CEN (H=64)"}
    counts = reported.chosen_widths(rows)
    assert counts.loc["circles", "CEN (H=512)"] == 6 and counts.loc["sine", "CEN (H=64)"] == 6


def test_reported_vs_ours_means_intervals_and_verdicts():
    sel = _toy_selected()
    rows = reported.with_derived(sel)
    models = ["Dense MLP", "CEN (H=512)", reported.BEST_H]
    long = reported.reported_vs_ours(rows, models, ["circles", "sine"], n_boot=500)
    assert len(long) == 2 * 3 * 2
    assert list(long["task"].unique()) == ["circles", "sine"]
    assert list(long["model"].unique()) == models
    c = reported.cell(long, "circles", "Dense MLP", "val")
    x = sel.query("task == 'circles' and model == 'Dense MLP'")["val_metric"]
    assert c["mean"] == pytest.approx(x.mean()) and c["lo"] <= c["mean"] <= c["hi"]
    assert c["n"] == 6 and c["metric"] == "accuracy"
    assert c["reported"] == note.TABLE_2_1["circles"]["Dense MLP"]
    assert c["diff"] == pytest.approx(c["mean"] - c["reported"])
    # the verdict is the rulebook's: the reported run against one run's prediction interval
    j = verdicts.judge_single(c["reported"], x.to_numpy(), "accuracy")
    assert (c["verdict"], c["pi_lo"], c["pi_hi"]) == (j["verdict"], j["lo"], j["hi"])
    assert c["pi_hi"] <= 1.0 and c["pi_lo"] <= c["lo"]  # clipped, and wider than the mean's CI
    t = reported.cell(long, "circles", "Dense MLP", "test")
    assert t["mean"] == pytest.approx(x.mean() - 0.005)
    assert reported.cell(long, "sine", "Dense MLP", "val")["metric"] == "MSE"
    assert reported.cell(long, "circles", "CEN (H=512)")["verdict"] == ""
    # toy sine "MSE" ~0.99 is far above the reported 0.019
    s = reported.cell(long, "sine", "Dense MLP")
    assert (s["verdict"], s["side"]) == (verdicts.CONTRADICTED, "ours above")
    with pytest.raises(KeyError):
        reported.cell(long, "moons", "Dense MLP")


def test_a_model_that_never_trains_judges_nothing_whatever_its_spread():
    # circles at chance (accuracy 0.5, a tight spread) and sine at the targets' variance: every
    # run degenerate, so the note's values are uninformative here, not contradicted
    sel = _toy_selected()
    chance = sel["model"] == "CEN (H=512)"
    for split in ("val", "test"):
        sel.loc[chance & (sel["task"] == "circles"), f"{split}_metric"] = 0.5
        sel.loc[chance & (sel["task"] == "sine"), f"{split}_metric"] = 5.0
    sel["model"] = sel["model"].replace({"CEN (H=512)": "HSN (literal)"})
    rows = reported.with_derived(sel)
    long = reported.reported_vs_ours(rows, ["Dense MLP", "HSN (literal)"], ["circles", "sine"], n_boot=200)
    c = reported.cell(long, "circles", "HSN (literal)")
    assert np.isfinite(c["reported"]) and c["pi_hi"] < c["reported"]  # outside one run's range ...
    assert (c["verdict"], c["side"]) == (verdicts.UNINFORMATIVE, reported.NEVER_TRAINS)  # ... yet unjudged
    assert reported.cell(long, "circles", "Dense MLP")["side"] != reported.NEVER_TRAINS
    s = facts.inside_sentence(3, 10, 8, wide=1, broken=2)
    assert "In 2 comparisons our model never trains" in s and "In one comparison our seeds spread" in s


def test_words_and_formatting():
    assert facts.misses_sentence(0, 0) == "No reported value falls outside that range where the range can judge it."
    assert "ours is better than it in one cell and worse in 3 cells" in facts.misses_sentence(1, 3)
    assert reported.fmt_ci(0.96875, 0.95, 0.98) == "0.969 [0.950, 0.980]"
    assert reported.fmt_ci(0.5, np.nan, np.nan) == "0.500"
    assert reported.fmt_ci(np.nan, 0, 1) == ""


def test_display_table_is_one_row_per_task_and_model():
    rows = reported.with_derived(_toy_selected())
    long = reported.reported_vs_ours(rows, ["Dense MLP", "CEN (H=512)"], ["circles", "sine"], n_boot=200)
    d = reported.display_table(long).set_index(["task", "model"])
    assert d.shape[0] == 4
    assert list(d.columns) == ["reported", "ours_val", "one_run", "verdict", "side",
                               "ours_test"]
    assert np.isnan(d.loc[("circles", "CEN (H=512)"), "reported"])
    assert pd.isna(d.loc[("circles", "CEN (H=512)"), "verdict"])
    assert d.loc[("circles", "Dense MLP"), "reported"] == 0.996
    html = reported.results_table(long).to_html()
    # human headers, badges, tasks named for a reader, in the note's order
    assert "Verdict" in html and 'class="verdict verdict-' in html and "swiss_roll" not in html
    assert html.index("circles") < html.index("sine")


SMALL = dict(n_train=64, n_val=32, n_test=48)


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


def test_grid_points_cover_the_data():
    x = np.array([[-1.0, 2.0], [3.0, -4.0]])
    xx, yy, flat = figures.grid_points(x, n=11, pad=0.5)
    assert xx.shape == yy.shape == (11, 11) and flat.shape == (121, 2)
    assert flat[:, 0].min() == pytest.approx(-1.5) and flat[:, 0].max() == pytest.approx(3.5)
    assert flat[:, 1].min() == pytest.approx(-4.5) and flat[:, 1].max() == pytest.approx(2.5)


def test_plot_datasets_one_panel_per_task():
    ds = {t: make_dataset(t, 0, **SMALL) for t in ("moons", "sine")}
    fig = figures.plot_datasets(ds)
    assert [a.get_title() for a in fig.axes] == ["Moons", "Sine"]


def _long():
    rows = []
    for task, reg in (("moons", False), ("sine", True)):
        for m, mean in (("Dense MLP", 0.9), ("CEN (H=512)", 0.5)):
            mean = mean / 10 if reg else mean
            rep = np.nan if m == "CEN (H=512)" else mean + 0.01
            rows.append(dict(task=task, model=m, split="val", mean=mean, lo=mean - 0.02 * (not reg),
                             hi=mean + 0.02, reported=rep))
    return pd.DataFrame(rows)


def test_figure1_draws_means_reported_values_and_dense_line():
    long = _long()
    fig = figures.plot_figure1(long, ["Dense MLP", "CEN (H=512)"], ["moons", "sine"])
    ax_moons, ax_sine = fig.axes[:2]
    assert ax_sine.get_yscale() == "log" and ax_moons.get_yscale() == "linear"
    ys = [float(np.ravel(l.get_ydata())[0]) for l in ax_moons.lines if len(np.ravel(l.get_ydata()))]
    # dense mean (dashed line and marker), dense reported: no reported marker for CEN
    assert 0.9 in ys and pytest.approx(0.91) in ys
    assert len([y for y in ys if y == pytest.approx(0.51)]) == 0
    # the CEN at chance does not stretch the axis: it sits on the lower edge, its mean written
    lo, hi = ax_moons.get_ylim()
    assert lo > 0.8 and hi <= 1.0
    assert "0.50" in [t.get_text() for t in ax_moons.texts]
    dashed = [l for l in ax_moons.lines if l.get_linestyle() == "--"]
    assert len(dashed) == 1 and np.allclose(dashed[0].get_ydata(), 0.9)


def test_plot_boundaries_and_sine_fits_run_on_trained_models():
    tc = TrainConfig(epochs_scale=0.01)
    fits = {}
    for task in ("moons", "sine"):
        res = train_ensemble(DENSE, task, [0], tc)
        score = float(res.members["test_metric"].iloc[1])
        fits[(task, "Dense MLP")] = (res.model, 1, res.datasets[0], score)
    fig = figures.plot_boundaries(fits, ["moons"], ["Dense MLP", "absent"], n=20)
    assert fig.axes[0].get_visible() and not fig.axes[1].get_visible()
    assert f"{fits[('moons', 'Dense MLP')][3]:.3f}" in fig.axes[0].get_title()
    fig = figures.plot_sine_fits(fits, ["Dense MLP"], n=50)
    line = fig.axes[0].lines[0]
    model, member, ds, _ = fits[("sine", "Dense MLP")]
    xs = line.get_xdata()[:, None]
    np.testing.assert_allclose(line.get_ydata(), model.member_output(xs, member)[:, 0], rtol=1e-5)


def _curves():
    rows = []
    for seed in range(4):
        for lr in (0.01, 0.02):
            for e in range(1, 11):
                v = 0.5 + 0.04 * e + 0.01 * seed + (0.3 if lr == 0.02 else 0.0)
                rows.append(dict(task="moons", model="Dense MLP", seed=seed, lr=lr, epoch=e,
                                 train_loss=1.0, val_metric=v))
    return pd.DataFrame(rows)


def test_learning_curves_figure_has_a_line_per_model():
    cur = _curves()
    sel = pd.DataFrame(dict(task="moons", model="Dense MLP", seed=[0, 1, 2, 3], lr=0.01))
    fig = figures.plot_learning_curves(cur, sel, ["moons"], ["Dense MLP", "HSN (literal)"])
    ax = fig.axes[0]
    assert len(ax.lines) == 1
    np.testing.assert_allclose(ax.lines[0].get_ydata(),
                               cur.query("lr == 0.01").groupby("epoch")["val_metric"].mean())


def test_per_seed_figure_is_live_with_one_trace_per_model_and_panel():
    sel = _toy_selected()
    fig = figures.plot_per_seed(sel, ["Dense MLP", "CEN (H=512)"], ["circles", "sine"])
    names = {(t.name, t.xaxis) for t in fig.plot.data}
    assert len(names) == 4  # two models x two task panels
    assert all("reading" in h.lower() for t in fig.plot.data for h in t.hovertext)
    assert fig.png[:4] == b"\x89PNG"


# ----------------------------------------------------------------------------- the page's facts


def _results(n_seeds=4):
    """What compute() returns, from synthetic members of every core model on the note's tasks."""
    from scaffold.chapters import benchmarks
    from scaffold.sweep import SweepResult

    rows, curves = [], []
    for task in ("swiss_roll", "circles", "moons", "sine"):
        reg = task == "sine"
        for spec in benchmarks.experiments.CORE_MODELS:
            m = spec.label
            base = 0.5 if m == "HSN (literal)" else 0.95 - 0.01 * (m.startswith("CEN"))
            for s in range(n_seeds):
                for lr in (0.01, 0.02):
                    v = (0.05 if m != "Dense MLP" else 0.001) + 0.001 * s if reg else base + 0.005 * s
                    rows.append(dict(task=task, model=m, seed=s, lr=lr, embed_dim=None,
                                     val_metric=v + 0.001 * (lr == 0.02), test_metric=v))
                    curves += [dict(task=task, model=m, seed=s, lr=lr, epoch=e, train_loss=1.0,
                                    val_metric=v * (1 + 1 / e)) for e in range(1, 6)]
    sweep = SweepResult(pd.DataFrame(rows), pd.DataFrame(curves))
    selected = sweep.selected()
    rows = reported.with_derived(selected)
    long = reported.reported_vs_ours(rows, benchmarks.MODELS, ["swiss_roll", "circles", "moons", "sine"],
                                     n_boot=200)
    noisy = selected[(selected.task == "sine") & (selected.model == "Dense MLP")].assign(
        test_metric=lambda d: d.test_metric + 0.01)  # noise 0.1 adds its variance to the MSE
    return dict(sweep=sweep, selected=selected, rows=rows, long=long, noisy_sine=noisy)


def test_facts_are_the_declared_keys_and_read_the_table(tmp_path, monkeypatch):
    from scaffold.chapters import benchmarks
    from scaffold.runtime import setup

    monkeypatch.setenv("SCAFFOLD_RESULTS", str(tmp_path))
    cfg = setup("cpu", "quick")
    results = _results()
    f = facts.facts(cfg, results, dict(seed=0, max_diff=0.0))
    assert set(f) == set(benchmarks.KEYS.facts)
    assert f["lit-cls-max"] == pytest.approx(0.5 + 0.005 * 1.5 + 0.001)  # validation: the chosen lr's
    assert f["lit-sine"] > 0.04
    assert f["dense-sine"] == pytest.approx(0.0025) and f["dense-sine-ratio"] == pytest.approx(0.019 / 0.0025)
    assert f["rep-dense-maxgap"] == pytest.approx(0.0)  # the synthetic repaired HSN equals the dense MLP
    assert f["fit-agree"] == "exactly" and f["note-h-circles"] == note.CEN_BEST_H["circles"]
    assert f["late-from"] == 4 and f["dense-sine-settle"] == "from epoch 1 on"
    # 4 tasks x (dense, both HSN, best H, note's H) + the two tasks where the note's H is 512
    assert f["inside-sentence"].startswith("The note's 12 reported values enter 22 comparisons")
    views = benchmarks.table_views(results)
    assert set(views) == set(benchmarks.KEYS.tables)


def test_inside_sentence_counts_what_the_rulebook_cannot_judge():
    s = facts.inside_sentence(3, 10, 8, wide=4)
    assert "in 3 of them the reported value lies" in s and "In 4 comparisons our seeds spread" in s
    assert verdicts.UNINFORMATIVE in s and "spread" not in facts.inside_sentence(10, 10, 8)
