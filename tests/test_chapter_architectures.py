"""Chapter 1 (scaffold.chapters.architectures): measurements and figures read off the built models."""

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from scaffold.chapters import architectures as fa
from scaffold.experiments import HSN_LITERAL, HSN_REPAIRED
from scaffold.models import CEN_NOTE, DENSE, ModelSpec
from scaffold.params import accounting
from scaffold.train import TrainConfig


def test_kronecker_table_closed_forms():
    t = fa.kronecker_table((4, 16, 64))
    assert list(t.nnz) == [3 ** k for k in t.k]
    assert (t.diameter == 2).all() and (t.self_loops == 1).all()
    np.testing.assert_allclose(t.spectral_radius, fa.PHI ** t.k, rtol=1e-9)


def test_mask_census_matches_bernoulli_rate():
    c = fa.mask_census(HSN_LITERAL, 2, range(400))
    s = fa.census_summary(c, HSN_LITERAL)
    assert s["n_seeds"] == 400 and s["units"] == HSN_LITERAL.config.h_dg
    # 400 seeds x 32 units: the mean is within a few standard errors of 0.95^2
    assert abs(s["frac_inputless"] - 0.9025) < 0.02
    assert (c.loc[c.all_empty, "inputless"] == c.loc[c.all_empty, "units"]).all()
    assert c.all_empty.any()  # about 3.8% of 400 seeds: essentially certain


def test_mask_census_repaired_and_cen():
    rep = fa.mask_census(HSN_REPAIRED, 2, range(50))
    assert (rep.inputless == 0).all() and (rep.mean_inputs >= 1).all()
    s = fa.census_summary(rep, HSN_REPAIRED)
    assert s["frac_inputless_theory"] == 0 and s["p_all_empty_theory"] == 0
    cen = fa.mask_census(ModelSpec.make("c", "cen", H=64), 1, range(20))
    assert (cen.units == 64).all()
    with pytest.raises(TypeError):
        fa.mask_census(DENSE, 2, [0])


@pytest.mark.parametrize("spec", [DENSE, HSN_LITERAL, CEN_NOTE])
def test_model_stages_agree_with_accounting(spec):
    st = fa.model_stages(spec.build(2, 1, [0]))
    total = sum(ln["size"] + ln["bias"] for ln in st["links"])
    acc = accounting(spec, 2, 1, n_draws=1)
    assert total == acc["size"].sum()
    assert st["layers"][0] == ("input", 2) and st["layers"][-1][1] == 1


def test_hsn_stages_read_from_config():
    spec = ModelSpec.make("h", "hsn", h_dg=8, h_ca3=4, T=3)
    st = fa.model_stages(spec.build(3, 2, [0]))
    assert [u for _, u in st["layers"]] == [3, 8, 4, 2]
    g = next(ln for ln in st["links"] if ln["name"] == "G")
    assert g["uses"] == 3 and not g["learned"] and g["nnz"] == 9


def test_plots_build():
    f1 = fa.plot_kronecker((4, 8), (4, 8))
    st = [fa.model_stages(s.build(2, 1, [0])) for s in (DENSE, HSN_LITERAL)]
    f2 = fa.plot_stages(st, ["d", "h"])
    c = fa.mask_census(HSN_LITERAL, 2, range(10))
    summ = pd.DataFrame([dict(stage="DG", **fa.census_summary(c, HSN_LITERAL))])
    f3 = fa.plot_masks({"DG": np.ones((2, 32))}, summ)
    assert len(f1.axes) == 3 and len(f2.axes) == 2 and len(f3.axes) == 2
    plt.close("all")


def test_ambiguity_table_reads_code_defaults():
    t = fa.ambiguity_table()
    assert list(t.columns) == ["part", "question", "the note", "this book", "why"]
    assert t.question.is_unique and len(t) >= 15
    assert t.set_index("question").loc["Batch size", "this book"] == str(TrainConfig().batch_size)


def test_state_trace_literal_saturates_repaired_does_not():
    x = np.random.default_rng(0).normal(size=(64, 2)).astype(np.float32)
    lit = fa.state_trace(HSN_LITERAL, x, range(8))
    rep = fa.state_trace(HSN_REPAIRED, x, range(8))
    T = HSN_LITERAL.config.T
    assert sorted(lit.step.unique()) == list(range(T + 1)) and len(lit) == 8 * (T + 1)
    # raw G (radius ~6.85) drives tanh into saturation; radius 0.9 cannot
    assert lit[lit.step == T].saturated.mean() > 0.3
    assert rep.saturated.max() == 0.0
    fig = fa.plot_state_trace(pd.concat([lit, rep]))
    assert len(fig.axes) == 2
    plt.close(fig)


def test_prose_words_read_as_written():
    from scaffold.chapters import architectures as arch

    assert arch.values_words([2.0, 2.0][:1]) == "the single value 2"
    assert arch.values_words([3, 1, 2]) == "the values 1, 2 and 3"
    assert arch.per_unit_words(0.1) == "one input for every 10 units"
    assert arch.per_unit_words(2.0) == "2.0 inputs per unit"


def test_ambiguity_rows_of_the_readings_quote_only_the_note():
    from scaffold import readings
    from scaffold.chapters import architectures as arch

    t = arch.ambiguity_table()
    for a in readings.AXES:
        row = t[t["question"] == a.title]
        assert len(row) == 1, a.title
        said = row["the note"].iloc[0]
        assert said == "silent" or all(arch.plain(q) in said for q in a.note_says)
        assert all(lv.name in row["this book"].iloc[0] for lv in a.levels)
    assert not t["the note"].str.contains("raw 0/1").any()
