"""Chapter 3 (scaffold.chapters.parameters): which counting convention reproduces which reported number."""

import pytest

from scaffold import note
from scaffold.chapters import parameters
from scaffold.chapters.parameters import counts, facts, figures


@pytest.fixture(scope="module")
def comp():
    return counts.components(n_draws=5)


def test_table_2_2_conventions(comp):
    t = counts.table_2_2(comp).set_index(["model", "task"])
    assert t.loc[("Dense MLP", "classification"), "a"] == 4417
    hsn = t.loc[("HSN (literal)", "classification")]
    assert hsn["a"] == 641 and hsn["all"] == note.TABLE_2_2["HSN"][0]
    assert hsn["matches"] == "all"  # 897 needs the fixed graph counted at full size
    assert t.loc[("HSN (literal)", "regression"), "all"] == note.TABLE_2_2["HSN"][1]
    assert t.loc[("CEN (H=64)", "regression"), "a"] == 65
    assert t.loc[("Dense MLP", "classification"), "macs_dense"] == 4288


def test_explain_unique_and_zero_size_dropped(comp):
    assert len(counts.explain(comp, "HSN (literal)", 2, 897)) == 1
    assert counts.explain(comp, "CEN (H=512)", 2, 513) == ["W_out + b_out"]
    assert counts.explain(comp, "HSN (literal)", 2, 12345) == []


def test_table_3_3_sums(comp):
    t = counts.table_3_3(comp).set_index("component")
    s = t.loc["Column sum"]
    assert s["hsn_reported"] == 5 + 800 + 17 and s["dense_reported"] == 4417
    assert s["hsn_all"] == 897 and s["hsn_a"] == 641
    assert t.loc["Hidden->hidden", "hsn_a"] == 32 * 16 + 16


def test_reductions(comp):
    r = counts.reductions(counts.table_2_2(comp)).set_index("model")
    assert r.loc["HSN (literal)", "note_counts"] == pytest.approx(4417 / 897)
    assert r.loc["HSN (literal)", "a"] == pytest.approx(4417 / 641)
    assert r.loc["CEN (H=512)", "a"] == pytest.approx(4417 / 513)


def test_bridge_and_section5(comp):
    b = counts.bridge_readings(comp)
    assert b["code"] == 528 and b["difference"] == 16 and "b_dg + W_bridge" in b["combos"]
    s = counts.section5(n_draws=2)
    assert s["dense_input_hidden"] == 784 * 64 and s["dense_hidden_hidden"] == 64 * 64
    assert s["dg_nnz_expected"] == pytest.approx(0.05 * 784 * 32)


def test_plot_conventions(comp):
    import matplotlib.pyplot as plt

    fig = figures.plot_conventions(counts.table_2_2(comp))
    ax = fig.axes[0]
    dots = [c for c in ax.collections if len(c.get_offsets()) == 3]  # one dot per model
    assert len(dots) == 6  # six conventions
    assert all("\n" in t.get_text() or len(t.get_text()) <= 10 for t in ax.get_xticklabels())  # wrapped names
    plt.close(fig)


def test_compute_writes_tables_and_facts_are_plain_data(tmp_path, monkeypatch):
    import json

    from scaffold.runtime import setup

    monkeypatch.setenv("SCAFFOLD_RESULTS", str(tmp_path))
    cfg = setup("cpu", "quick")
    results = parameters.compute(cfg)
    f = facts.facts(results)
    assert set(f) == set(parameters.KEYS.facts)
    from scaffold.runtime.provenance import DataLinks

    assert all(isinstance(v, (int, float, str)) for k, v in f.items() if not k.startswith("data-")), f
    links = [v for k, v in f.items() if k.startswith("data-")]
    assert links and all(isinstance(v, DataLinks) and "{download}" in v.markdown() for v in links)
    assert f["eq1-claimed"] == note.EQ1_CLAIMED and f["eq1-gap"] == note.EQ1_CLAIMED - f["eq1-sum"]
    assert f["hsn-all"] == note.TABLE_2_2["HSN"][0] and f["hsn-a"] < f["hsn-all"]
    checks = json.loads((cfg.results_dir / "params_checks.json").read_text())
    assert checks["hsn_a"] == f["hsn-a"] and checks["n_draws"] == f["draws"]
    pg = parameters.KEYS.page(f, {"conventions": figures.plot_conventions(results["table_2_2"])},
                              parameters.table_views(results))
    assert pg.keys() == parameters.KEYS


def test_the_cen_circles_count_is_the_reported_widths():
    """The note credits its circles CEN score to 513 parameters; its table gives that score at
    H = 128, whose readout learns 128 weights and a bias."""
    from scaffold import note
    from scaffold.chapters.parameters.facts import cen_circles_facts

    f = cen_circles_facts()
    assert f["cen-circles-H"] == note.CEN_BEST_H["circles"] == 128
    assert f["cen-circles-a"] == 128 + 1
    assert f["cen-circles-factor"] == pytest.approx(4417 / 129)
    assert f["cen-reduction-rep"] == note.CEN_REDUCTION


def test_the_repaired_hsn_differs_only_where_its_mask_does():
    from scaffold.chapters.parameters.facts import repaired_facts
    from scaffold.experiments import HSN_LITERAL
    from scaffold.params import totals

    f = repaired_facts()
    lit = totals(HSN_LITERAL, 2, 1)
    assert f["rep-b"] > lit["learned_nnz"]  # every DG unit has an input: more nonzero-able entries
    assert f["rep-macs-sparse"] > lit["macs_sparse"]
    assert f["rep-red-b"] == pytest.approx(4417 / f["rep-b"])
    assert f["rep-same-words"].startswith("the learned tensors' sizes (a)")
