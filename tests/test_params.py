"""Parameter and MAC accounting (scaffold.params): which conventions give the note's totals."""

import pytest

from scaffold import params
from scaffold.experiments import HSN_LITERAL, HSN_REPAIRED, param_matched_dense
from scaffold.models import CEN_NOTE, DENSE, ModelSpec

ALL_SIZE_HSN = {"W_dg": "size", "b_dg": "size", "W_bridge": "size", "b_bridge": "size",
                "G": "size", "W_ca1": "size", "b_ca1": "size"}


def test_eq1_with_and_without_biases():
    assert params.dense_params(2, 1, biases=False) == 4288  # eq. (1) as printed
    assert params.dense_params(2, 1) == 4417                # the note's reported total
    assert params.dense_params(1, 1) == 4353
    assert params.dense_params(2, 1, widths=(3,)) == 2 * 3 + 3 + 3 + 1


def test_dense_width_for_budget():
    assert params.dense_width_for(897, 2, 1) == 28
    assert params.dense_width_for(4417, 2, 1) == 64
    w = params.dense_width_for(641, 2, 1)
    assert abs(params.dense_params(2, 1, (w, w)) - 641) <= abs(params.dense_params(2, 1, (w + 1,) * 2) - 641)
    assert abs(params.dense_params(2, 1, (w, w)) - 641) <= abs(params.dense_params(2, 1, (w - 1,) * 2) - 641)


def test_897_needs_the_graph_counted_at_full_size():
    table = params.accounting(HSN_LITERAL, 2, 1, n_draws=20)
    hits = params.explain_total(table, 897)
    assert hits == [ALL_SIZE_HSN]
    # With d = 1 the note's 865 is the same convention (W_dg shrinks by 32).
    assert params.explain_total(params.accounting(HSN_LITERAL, 1, 1, n_draws=20), 865) == [ALL_SIZE_HSN]
    # The convention that leaves the fixed G out gives 641, not 897.
    assert {**ALL_SIZE_HSN, "G": "-"} in params.explain_total(table, 641)


def test_dense_totals_explained():
    table = params.accounting(DENSE, 2, 1, n_draws=2)
    assert {f"{k}{i}": "size" for i in range(3) for k in "Wb"} in params.explain_total(table, 4417)
    weights_only = {"W0": "size", "b0": "-", "W1": "size", "b1": "-", "W2": "size", "b2": "-"}
    assert weights_only in params.explain_total(table, 4288)
    assert params.explain_total(table, 4418) == []


def test_accounting_table():
    t = params.accounting(HSN_LITERAL, 2, 1, n_draws=20).set_index("component")
    assert list(t.index) == list(ALL_SIZE_HSN)
    assert t.loc["G", "size"] == 256 and t.loc["G", "nnz"] == 81 and t.loc["G", "uses"] == 5
    assert not t.loc["G", "learned"] and t.loc["W_bridge", "learned"]
    assert t.loc["W_dg", "size"] == 64 and 1 < t.loc["W_dg", "nnz"] < 6  # 5% of 64 = 3.2
    assert t.loc["b_dg", "is_bias"] and t.loc["b_dg", "macs_dense"] == 0
    assert t.loc["G", "macs_dense"] == 5 * 256 and t.loc["G", "macs_sparse"] == 5 * 81


def test_totals():
    d = params.totals(DENSE, 2, 1, n_draws=2)
    assert (d["learned_size"], d["learned_nnz"], d["fixed"]) == (4417, 4417, 0)
    assert d["macs_dense"] == 4288 and d["macs_sparse"] == 4288
    h = params.totals(HSN_LITERAL, 2, 1)
    assert h["learned_size"] == 641
    assert h["learned_nnz"] == pytest.approx(580, abs=2)  # 3.2 + 32 + 512 + 16 + 16 + 1
    assert h["fixed"] == 81
    assert h["macs_dense"] == 64 + 512 + 5 * 256 + 16 == 1872
    assert h["macs_sparse"] == pytest.approx(936, abs=2)
    assert h["macs_dense"] < d["macs_dense"]  # the HSN needs fewer MACs than the dense MLP
    c = params.totals(CEN_NOTE, 2, 1)
    assert c["learned_size"] == 513 and c["macs_dense"] == 2 * 512 + 512
    assert c["fixed"] == pytest.approx(0.05 * 2 * 512, abs=4)
    r = params.totals(HSN_REPAIRED, 2, 1, n_draws=10)
    assert r["learned_size"] == 641 and r["learned_nnz"] > h["learned_nnz"]  # >= 1 input per DG unit
    learned_g = params.totals(ModelSpec.make("hl", "hsn", graph_mode="learned"), 2, 1, n_draws=5)
    assert learned_g["learned_size"] == 897 and learned_g["fixed"] == 0


def test_totals_agree_with_built_models():
    for spec, d in ((DENSE, 2), (CEN_NOTE, 1), (HSN_LITERAL, 2), (HSN_REPAIRED, 1)):
        assert params.totals(spec, d, 1, n_draws=2)["learned_size"] == \
            params.learned_count(spec.build(d, 1, [0]))


def test_param_matched_dense():
    specs = param_matched_dense(2, 1)
    assert set(specs) == {"HSN (a)", "HSN (b)", "note's HSN count", "CEN (H=512)"}
    assert specs["note's HSN count"].config.widths == (28, 28)
    for name, budget in (("HSN (a)", 641), ("CEN (H=512)", 513)):
        w = specs[name].config.widths[0]
        assert w == params.dense_width_for(budget, 2, 1)
    # labelled by their definition: equal labels exactly when the widths are equal
    assert len({s.label for s in specs.values()}) == len({s.config.widths for s in specs.values()})
    assert all(s.label == f"Dense w={s.config.widths[0]}" for s in specs.values())


def test_one_builder_of_matched_dense_mlps():
    spec = params.matched_dense(HSN_REPAIRED, 784, 1, "learned_nnz", n_draws=10)
    budget = params.totals(HSN_REPAIRED, 784, 1, n_draws=10)["learned_nnz"]
    w = spec.config.widths[0]
    assert spec.config.widths == (w, w) and w == params.dense_width_for(budget, 784, 1)
    assert params.dense_spec(64) is DENSE  # the default MLP keeps its one name
    assert params.matched_dense(HSN_LITERAL, 2, 1).label == "Dense w=23"  # = the multiverse's budget MLP


def test_a_stacks_estimated_cost_grows_with_its_steps_members_and_ca3_loop():
    from scaffold.sweep import Grid, Job

    def cost(spec, seeds=10, epochs=1.0, task="moons"):
        grid = Grid(tasks=(task,), specs=(spec,), seeds=tuple(range(seeds)), epochs_scale=epochs)
        return params.stack_cost([Job(grid, task, spec)])
    assert cost(DENSE, epochs=1.0) == pytest.approx(2 * cost(DENSE, epochs=0.5))
    assert cost(DENSE, seeds=20) > cost(DENSE, seeds=10)
    longer = ModelSpec.make("HSN T=10", "hsn", T=10)
    assert cost(longer) > cost(HSN_LITERAL)
    assert params.step_units(longer, 1) - params.step_units(HSN_LITERAL, 1) == 5 * 16  # five more CA3 states
