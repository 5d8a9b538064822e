"""Chapter 1 (scaffold.chapters.architectures): measurements and figures read off the built models."""

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from scaffold import masks, trace
from scaffold.chapters import architectures
from scaffold.chapters.architectures import facts, figures
from scaffold.experiments import HSN_LITERAL, HSN_REPAIRED
from scaffold.models import CEN_NOTE, DENSE, ModelSpec
from scaffold.params import accounting


def test_kronecker_table_closed_forms():
    t = architectures.kronecker_table((4, 16, 64))
    assert list(t.nnz) == [3 ** k for k in t.k]
    assert (t.diameter == 2).all() and (t.self_loops == 1).all()
    np.testing.assert_allclose(t.spectral_radius, architectures.PHI ** t.k, rtol=1e-9)


@pytest.mark.parametrize("spec", [DENSE, HSN_LITERAL, CEN_NOTE])
def test_model_stages_agree_with_accounting(spec):
    st = figures.model_stages(spec.build(2, 1, [0]))
    total = sum(ln["size"] + ln["bias"] for ln in st["links"])
    acc = accounting(spec, 2, 1, n_draws=1)
    assert total == acc["size"].sum()
    assert st["layers"][0] == ("input", 2) and st["layers"][-1][1] == 1


def test_hsn_stages_read_from_config():
    spec = ModelSpec.make("h", "hsn", h_dg=8, h_ca3=4, T=3)
    st = figures.model_stages(spec.build(3, 2, [0]))
    assert [u for _, u in st["layers"]] == [3, 8, 4, 2]
    g = next(ln for ln in st["links"] if ln["name"] == "G")
    assert g["uses"] == 3 and not g["learned"] and g["nnz"] == 9


def test_plots_build():
    f1 = figures.plot_kronecker((4, 8), (4, 8))
    st = [figures.model_stages(s.build(2, 1, [0])) for s in (DENSE, HSN_LITERAL)]
    f2 = figures.plot_stages(st, ["d", "h"])
    c = masks.mask_census(HSN_LITERAL, 2, range(10))
    summ = pd.DataFrame([dict(stage="DG", **masks.census_summary(c, HSN_LITERAL))])
    f3 = figures.plot_masks({"DG": np.ones((2, 32))}, summ)
    assert len(f1.axes) == 3 and len(f2.axes) == 2 and len(f3.axes) == 2
    plt.close("all")


def test_state_trace_literal_saturates_repaired_does_not():
    x = np.random.default_rng(0).normal(size=(64, 2)).astype(np.float32)
    lit = trace.untrained_trace(HSN_LITERAL, x, range(8))
    rep = trace.untrained_trace(HSN_REPAIRED, x, range(8))
    T = HSN_LITERAL.config.T
    assert sorted(lit.step.unique()) == list(range(T + 1)) and len(lit) == 8 * (T + 1)
    # raw G (radius ~6.85) drives tanh into saturation; radius 0.9 cannot
    assert lit[lit.step == T].saturated.mean() > 0.3
    assert rep.saturated.max() == 0.0
    fig = figures.plot_state_trace(pd.concat([lit, rep]))
    assert len(fig.axes) == 2
    plt.close(fig)


def test_prose_words_read_as_written():
    assert facts.values_words([2.0, 2.0][:1]) == "the single value 2"
    assert facts.values_words([3, 1, 2]) == "the values 1, 2 and 3"
    assert facts.per_unit_words(0.1) == "one input for every 10 units"
    assert facts.per_unit_words(2.0) == "2.0 inputs per unit"


def _results(cfg):
    """compute()'s tables at a small size: few mask seeds, the real graph table and ambiguities."""
    census = pd.concat([masks.mask_census(spec, d, range(40)).assign(stage=name)
                        for name, spec, d in architectures.MASK_STAGES.values()], ignore_index=True)
    summary = pd.DataFrame([dict(stage=name, **masks.census_summary(census[census.stage == name], spec))
                            for name, spec, _ in architectures.MASK_STAGES.values()])
    x = np.random.default_rng(0).normal(size=(32, 2)).astype(np.float32)
    tr = pd.concat([trace.untrained_trace(s, x, range(3)) for s in (HSN_LITERAL, HSN_REPAIRED)])
    from scaffold.ambiguities import ambiguity_table

    return dict(kronecker=architectures.kronecker_table(), census=census, census_summary=summary,
                trace=tr, ambiguities=ambiguity_table(),
                stages={role: name for role, (name, _, _) in architectures.MASK_STAGES.items()})


def test_facts_are_the_declared_keys(tmp_path, monkeypatch):
    from scaffold.runtime import setup

    monkeypatch.setenv("SCAFFOLD_RESULTS", str(tmp_path))
    cfg = setup("cpu", "quick")
    results = _results(cfg)
    f = facts.facts(cfg, results)
    pg = architectures.KEYS.page(f, architectures.page_figures(cfg, results), architectures.table_views(results))
    assert set(pg.facts) == set(architectures.KEYS.facts)
    assert f["g-nnz"] == 81 and f["g-k"] == 4 and f["g-radius"] == pytest.approx(architectures.PHI ** 4)
    assert f["g-diam-set"] == "the single value 2" and f["g-nnz-3k-words"] == "all 7"
    assert f["rep-max-inputless"] == 0 and f["lit-cls-inputless"] > 80  # 0.95^2 of the units
    assert f["sat-lit"] > f["sat-rep"] and f["trace-seeds"] == 3
    assert 0 <= f["census-maxdev"] < 10
    plt.close("all")
