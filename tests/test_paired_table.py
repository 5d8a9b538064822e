"""verdicts.paired_table: every page's paired comparisons, one function of the rulebook."""

import numpy as np
import pandas as pd
import pytest

from scaffold import verdicts
from scaffold.degenerate import target_variance


def rows(task, values):
    return pd.DataFrame([dict(task=task, model=m, seed=s, test_metric=v)
                         for m, vs in values.items() for s, v in enumerate(vs)])


def test_gain_is_oriented_and_matches_compare():
    acc = rows("moons", {"ref": [0.90, 0.91, 0.92, 0.93], "a": [0.92, 0.94, 0.93, 0.96]})
    mse = rows("sine", {"ref": [0.10, 0.12, 0.11, 0.13], "a": [0.05, 0.06, 0.07, 0.05]})
    t = verdicts.paired_table(pd.concat([acc, mse]), "ref").set_index("task")
    assert t.loc["moons", "gain"] == pytest.approx(0.0225) and t.loc["sine", "gain"] > 0  # lower MSE: a gain
    var = target_variance("sine", [0, 1, 2, 3])  # the margin's scale: the targets' variance
    c = verdicts.compare([0.05, 0.06, 0.07, 0.05], [0.10, 0.12, 0.11, 0.13], False,
                         verdicts.margin("mse", target_var=var))
    for k in ("lo", "hi", "margin", "p_superior"):
        assert t.loc["sine", k] == pytest.approx(c[k])
    assert verdicts.judge(t.loc["moons"], "superior") == verdicts.HOLDS


def test_missing_reference_and_unpaired_seeds():
    t = rows("moons", {"ref": [0.9, 0.9, np.nan], "a": [0.8, 0.85, 0.9]})
    out = verdicts.paired_table(t, "ref")
    assert out.loc[0, "n"] == 2  # a seed without the reference's score is not paired
    assert verdicts.paired_table(t, "missing").empty


def test_a_group_may_not_mix_metrics():
    t = pd.concat([rows("moons", {"ref": [0.9, 0.9], "a": [0.8, 0.8]}),
                   rows("sine", {"ref": [0.1, 0.1], "a": [0.2, 0.2]})]).assign(group=1)
    with pytest.raises(ValueError, match="mixes metrics"):
        verdicts.paired_table(t, "ref", by=("group",))
