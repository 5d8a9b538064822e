"""The sparse masks as drawn (scaffold.masks): inputless units, against the Bernoulli closed forms."""

import pytest

from scaffold import masks
from scaffold.experiments import HSN_LITERAL, HSN_REPAIRED
from scaffold.models import DENSE, ModelSpec


def test_mask_census_matches_bernoulli_rate():
    c = masks.mask_census(HSN_LITERAL, 2, range(400))
    s = masks.census_summary(c, HSN_LITERAL)
    assert s["n_seeds"] == 400 and s["units"] == HSN_LITERAL.config.h_dg
    # 400 seeds x 32 units: the mean is within a few standard errors of 0.95^2
    assert abs(s["frac_inputless"] - 0.9025) < 0.02
    assert (c.loc[c.all_empty, "inputless"] == c.loc[c.all_empty, "units"]).all()
    assert c.all_empty.any()  # about 3.8% of 400 seeds: essentially certain


def test_mask_census_repaired_and_cen():
    rep = masks.mask_census(HSN_REPAIRED, 2, range(50))
    assert (rep.inputless == 0).all() and (rep.mean_inputs >= 1).all()
    s = masks.census_summary(rep, HSN_REPAIRED)
    assert s["frac_inputless_theory"] == 0 and s["p_all_empty_theory"] == 0
    cen = masks.mask_census(ModelSpec.make("c", "cen", H=64), 1, range(20))
    assert (cen.units == 64).all()
    with pytest.raises(TypeError):
        masks.mask_census(DENSE, 2, [0])
