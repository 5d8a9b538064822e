"""Reported-vs-ours tables (scaffold.tables): selection of the CEN's best width,
the mapping to the note's columns, intervals and verdicts."""

import numpy as np
import pandas as pd
import pytest

from scaffold import note, tables


def _sel(task, model, seed, val, test=None, lr=0.01):
    return dict(task=task, model=model, seed=seed, lr=lr, embed_dim=2,
                val_metric=val, test_metric=val if test is None else test)


def test_cen_width_parses_only_cen_labels():
    assert tables.cen_width("CEN (H=128)") == 128
    assert tables.cen_width("CEN (H=128) + bias") is None
    assert tables.cen_width("Dense MLP") is None


def test_best_by_validation_maximises_accuracy_and_minimises_mse():
    rows = pd.DataFrame([
        _sel("moons", "CEN (H=64)", 0, 0.80, 0.70), _sel("moons", "CEN (H=512)", 0, 0.85, 0.60),
        _sel("moons", "CEN (H=64)", 1, 0.90, 0.91), _sel("moons", "CEN (H=512)", 1, 0.88, 0.99),
        _sel("sine", "CEN (H=64)", 0, 0.40), _sel("sine", "CEN (H=512)", 0, 0.45),
        _sel("moons", "Dense MLP", 0, 0.99),  # not a candidate: never chosen
    ])
    best = tables.best_by_validation(rows, ["CEN (H=64)", "CEN (H=512)"])
    got = {(r.task, r.seed): (r.chosen, r.test_metric) for r in best.itertuples()}
    # chosen on validation, even where the other width has the better *test* score
    assert got == {("moons", 0): ("CEN (H=512)", 0.60), ("moons", 1): ("CEN (H=64)", 0.91),
                   ("sine", 0): ("CEN (H=64)", 0.40)}
    assert set(best["model"]) == {tables.BEST_H}


def test_best_by_validation_ties_go_to_first_candidate_and_nan_never_wins():
    rows = pd.DataFrame([
        _sel("circles", "CEN (H=128)", 0, 0.9), _sel("circles", "CEN (H=64)", 0, 0.9),
        _sel("circles", "CEN (H=64)", 1, np.nan), _sel("circles", "CEN (H=128)", 1, 0.5),
    ])
    best = tables.best_by_validation(rows, ["CEN (H=64)", "CEN (H=128)"]).set_index("seed")
    assert best.loc[0, "chosen"] == "CEN (H=64)"
    assert best.loc[1, "chosen"] == "CEN (H=128)"
    with pytest.raises(ValueError):
        tables.best_by_validation(rows, ["CEN (H=999)"])


def test_reported_maps_models_to_the_notes_columns():
    assert tables.reported("moons", "HSN (repaired)") == note.TABLE_2_1["moons"]["HSN"]
    assert tables.reported("moons", "HSN (literal)") == note.TABLE_2_1["moons"]["HSN"]
    assert tables.reported("sine", "CEN (best H)") == note.TABLE_2_1["sine"]["CEN"]
    # the note's CEN value on circles is at H=128, so H=512 has nothing to compare with
    assert note.CEN_BEST_H["circles"] != 512 and np.isnan(tables.reported("circles", "CEN (H=512)"))
    assert tables.reported("swiss_roll", "CEN (H=512)") == note.TABLE_2_1["swiss_roll"]["CEN"]
    assert np.isnan(tables.reported("moons", "something else"))
    assert np.isnan(tables.reported("two_spirals", "Dense MLP"))


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
    rows = tables.with_derived(sel)
    best = rows[rows["model"] == tables.BEST_H]
    note_h = rows[rows["model"] == tables.NOTE_H]
    assert len(best) == 2 * 6
    # circles: note's H is 128; sine: 64
    assert set(note_h.loc[note_h["task"] == "circles", "chosen"]) == {"CEN (H=128)"}
    assert set(note_h.loc[note_h["task"] == "sine", "chosen"]) == {"CEN (H=64)"}
    # on circles (accuracy) the widest CEN has the best validation scores here; on sine (MSE) the narrowest
    assert set(best.loc[best["task"] == "circles", "chosen"]) == {"CEN (H=512)"}
    assert set(best.loc[best["task"] == "sine", "chosen"]) == {"CEN (H=64)"}
    counts = tables.chosen_widths(rows)
    assert counts.loc["circles", "CEN (H=512)"] == 6 and counts.loc["sine", "CEN (H=64)"] == 6


def test_reported_vs_ours_means_intervals_and_verdicts():
    sel = _toy_selected()
    rows = tables.with_derived(sel)
    models = ["Dense MLP", "CEN (H=512)", tables.BEST_H]
    long = tables.reported_vs_ours(rows, models, ["circles", "sine"], n_boot=500)
    assert len(long) == 2 * 3 * 2
    assert list(long["task"].unique()) == ["circles", "sine"]
    assert list(long["model"].unique()) == models
    c = tables.cell(long, "circles", "Dense MLP", "val")
    x = sel.query("task == 'circles' and model == 'Dense MLP'")["val_metric"]
    assert c["mean"] == pytest.approx(x.mean()) and c["lo"] <= c["mean"] <= c["hi"]
    assert c["n"] == 6 and c["metric"] == "accuracy"
    assert c["reported"] == note.TABLE_2_1["circles"]["Dense MLP"]
    assert c["diff"] == pytest.approx(c["mean"] - c["reported"])
    # toy dense ~0.99 +- 0.004 vs reported 0.996: the verdict follows the interval
    expect = tables.verdict(c["reported"], c["lo"], c["hi"])
    assert c["verdict"] == expect
    t = tables.cell(long, "circles", "Dense MLP", "test")
    assert t["mean"] == pytest.approx(x.mean() - 0.005)
    assert tables.cell(long, "sine", "Dense MLP", "val")["metric"] == "MSE"
    assert tables.cell(long, "circles", "CEN (H=512)")["verdict"] == "no reported value"
    # toy sine "MSE" ~0.99 is far above the reported 0.019
    assert tables.cell(long, "sine", "Dense MLP")["verdict"] == "ours above"
    with pytest.raises(KeyError):
        tables.cell(long, "moons", "Dense MLP")


def test_verdict_and_formatting():
    assert tables.verdict(0.5, 0.4, 0.6) == "reported inside CI"
    assert tables.verdict(0.3, 0.4, 0.6) == "ours above"
    assert tables.verdict(0.7, 0.4, 0.6) == "ours below"
    assert tables.verdict(np.nan, 0.4, 0.6) == "no reported value"
    assert tables.verdict(0.5, np.nan, np.nan) == "no interval"
    assert tables.fmt_ci(0.96875, 0.95, 0.98) == "0.969 [0.950, 0.980]"
    assert tables.fmt_ci(0.5, np.nan, np.nan) == "0.500"
    assert tables.fmt_ci(np.nan, 0, 1) == ""


def test_display_table_is_one_row_per_task_and_model():
    rows = tables.with_derived(_toy_selected())
    long = tables.reported_vs_ours(rows, ["Dense MLP", "CEN (H=512)"], ["circles", "sine"], n_boot=200)
    d = tables.display_table(long)
    assert d.shape[0] == 4
    assert list(d.columns) == ["metric", "reported", "ours, validation", "validation vs reported",
                               "ours, test", "test vs reported"]
    assert d.loc[("circles", "CEN (H=512)"), "reported"] == "--"
    assert d.loc[("circles", "Dense MLP"), "reported"] == "0.996"
