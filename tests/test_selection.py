"""Model selection on validation (scaffold.selection): the best candidate per task and seed."""

import numpy as np
import pandas as pd
import pytest

from scaffold.selection import best_by_validation


def _sel(task, model, seed, val, test=None, lr=0.01):
    return dict(task=task, model=model, seed=seed, lr=lr, embed_dim=2,
                val_metric=val, test_metric=val if test is None else test)


def test_best_by_validation_maximises_accuracy_and_minimises_mse():
    rows = pd.DataFrame([
        _sel("moons", "CEN (H=64)", 0, 0.80, 0.70), _sel("moons", "CEN (H=512)", 0, 0.85, 0.60),
        _sel("moons", "CEN (H=64)", 1, 0.90, 0.91), _sel("moons", "CEN (H=512)", 1, 0.88, 0.99),
        _sel("sine", "CEN (H=64)", 0, 0.40), _sel("sine", "CEN (H=512)", 0, 0.45),
        _sel("moons", "Dense MLP", 0, 0.99),  # not a candidate: never chosen
    ])
    best = best_by_validation(rows, ["CEN (H=64)", "CEN (H=512)"], "CEN (best H)")
    got = {(r.task, r.seed): (r.chosen, r.test_metric) for r in best.itertuples()}
    # chosen on validation, even where the other width has the better *test* score
    assert got == {("moons", 0): ("CEN (H=512)", 0.60), ("moons", 1): ("CEN (H=64)", 0.91),
                   ("sine", 0): ("CEN (H=64)", 0.40)}
    assert set(best["model"]) == {"CEN (best H)"}


def test_best_by_validation_ties_go_to_first_candidate_and_nan_never_wins():
    rows = pd.DataFrame([
        _sel("circles", "CEN (H=128)", 0, 0.9), _sel("circles", "CEN (H=64)", 0, 0.9),
        _sel("circles", "CEN (H=64)", 1, np.nan), _sel("circles", "CEN (H=128)", 1, 0.5),
    ])
    best = best_by_validation(rows, ["CEN (H=64)", "CEN (H=128)"], "CEN (best H)").set_index("seed")
    assert best.loc[0, "chosen"] == "CEN (H=64)"
    assert best.loc[1, "chosen"] == "CEN (H=128)"
    with pytest.raises(ValueError):
        best_by_validation(rows, ["CEN (H=999)"], "CEN (best H)")
