"""The conditional-verdict rule finder (scaffold.rules) on synthetic tables of readings."""

import itertools
import time

import numpy as np
import pandas as pd
import pytest

from scaffold import rules
from scaffold.rules import Cond, Op, Rule, find_rule, literals, plain_names

AXES = ["dg", "G", "input", "act"]


def readings():
    """The HSN factorial's shape: 2 x 3 x 2 x 2 = 24 readings."""
    rows = itertools.product(["drawn", "min1"], ["raw", "r0.9", "r1"], ["once", "every"], ["tanh", "relu"])
    return pd.DataFrame(list(rows), columns=AXES)


def test_planted_conjunction_is_recovered_exactly():
    df = readings()
    df["holds"] = (df.dg == "min1") & (df.G == "r0.9")
    r = find_rule(df, AXES)
    assert r.tree == Op("and", (Cond("dg", "min1"), Cond("G", "r0.9")))
    assert (r.errors, r.n, r.covers, r.conditions) == (0, 24, 4, 2)
    np.testing.assert_array_equal(r.evaluate(df), df["holds"])


def test_planted_disjunction_is_recovered_exactly():
    df = readings()
    df["holds"] = (df.input == "every") | (df.act == "relu")
    r = find_rule(df, AXES)
    assert r.tree == Op("or", (Cond("input", "every"), Cond("act", "relu")))
    assert r.exact and r.covers == 18


@pytest.mark.parametrize("planted, kind", [
    (lambda d: (d.dg == "min1") & ((d.G != "raw") | (d.input == "every")), "and-or"),
    (lambda d: (d.act == "relu") | ((d.dg == "min1") & (d.G == "r1")), "or-and"),
])
def test_mixed_forms_express_interactions(planted, kind):
    df = readings()
    df["holds"] = planted(df)
    r = find_rule(df, AXES)
    assert r.exact and r.conditions == 3
    outer, inner = kind.split("-")
    assert r.tree.kind == outer and isinstance(r.tree.terms[1], Op) and r.tree.terms[1].kind == inner
    np.testing.assert_array_equal(r.evaluate(df), df["holds"])


def test_three_way_conjunction_and_its_negation_are_as_short():
    df = readings()
    df["holds"] = (df.dg == "min1") & (df.G != "raw") & (df.act == "tanh")
    r = find_rule(df, AXES)
    assert r.exact and r.conditions == 3 and r.tree.kind == "and"
    fails = find_rule(df.assign(holds=~df["holds"]), AXES)
    assert fails.exact and fails.conditions == 3 and fails.tree.kind == "or"


def test_a_shorter_exact_rule_is_preferred_to_a_longer_one():
    df = readings()
    df["holds"] = df.G != "raw"  # also (G == r0.9 or G == r1): two conditions
    r = find_rule(df, AXES)
    assert r.tree == Cond("G", "raw", equal=False) and r.conditions == 1


def test_always_and_never():
    df = readings()
    r = find_rule(df.assign(holds=True), AXES)
    assert r.tree is True and r.conditions == 0 and r.covers == 24 and r.exact
    assert r.text() == "holds under every reading"
    r = find_rule(df.assign(holds=False), AXES)
    assert r.tree is False and r.covers == 0 and r.text() == "holds under no reading"


def test_errors_are_counted_and_stated():
    df = readings()
    df["holds"] = df.dg == "min1"
    flip = [0, 23]  # two readings disagree with the planted rule
    df.loc[flip, "holds"] = ~df.loc[flip, "holds"]
    r = find_rule(df, AXES, max_conditions=1)
    assert r.tree == Cond("dg", "min1") and r.errors == 2
    assert r.evaluate(df).sum() == r.covers == 12
    assert r.text().endswith("(2 of 24 readings are exceptions)")
    assert rules.without_exceptions(r.text()) == r.text().removesuffix(" (2 of 24 readings are exceptions)")
    assert rules.without_exceptions("holds with x" + rules.exceptions(1, 1)) == "holds with x"
    assert (r.evaluate(df) != df["holds"]).sum() == r.errors
    # exceptions among the readings consistent with the note are named as such
    assert r.text(consistent_errors=2).endswith("(2 of 24 readings are exceptions, both consistent with the note)")
    assert rules.exceptions(3, 54, 1) == " (3 of 54 readings are exceptions, 1 of them consistent with the note)"
    assert rules.exceptions(1, 54, 1) == " (1 of 54 readings is an exception, consistent with the note)"
    assert rules.exceptions(3, 54, 3) == " (3 of 54 readings are exceptions, all consistent with the note)"
    for c in (0, 1, 2):
        assert rules.without_exceptions(r.text(consistent_errors=c)) == r.text().removesuffix(
            " (2 of 24 readings are exceptions)")


def test_a_condition_says_which_exceptions_are_consistent_readings():
    from scaffold.verdicts import _condition

    df = readings()
    holds = (df.dg == "min1").to_numpy().copy()
    flip = [0, 3, 10, 17, 23]  # readings against the planted rule, more than three conditions can fit
    holds[flip] = ~holds[flip]
    rule = find_rule(df.assign(_y=holds), list(AXES), "_y")
    wrong = np.flatnonzero(rule.evaluate(df) != holds)
    assert rule.errors == len(wrong) >= 2
    consistent = np.zeros(len(df), bool)
    consistent[[wrong[0], next(i for i in range(len(df)) if i not in wrong)]] = True  # one exception among two
    text, errors = _condition(df.assign(consistent=consistent), list(AXES), holds, ~holds)
    assert errors == rule.errors
    assert text.endswith(f"({errors} of 24 readings are exceptions, 1 of them consistent with the note)")
    text, _ = _condition(df, list(AXES), holds, ~holds)  # no consistent column: the count alone
    assert text.endswith(f"({errors} of 24 readings are exceptions)")


def test_tolerance_trades_errors_for_brevity():
    df = readings()
    df["holds"] = (df.dg == "min1") & ~((df.G == "raw") & (df.input == "once"))
    exact = find_rule(df, AXES)  # the two exceptions cost two more conditions
    assert exact.errors == 0 and exact.conditions == 3
    assert find_rule(df, AXES, tolerance=1).conditions == 3  # two errors exceed the tolerance
    loose = find_rule(df, AXES, tolerance=2)
    assert loose.tree == Cond("dg", "min1") and loose.errors == 2


def _naive(df, axes, tolerance=0):
    """Every formula, one by one, in the stable order; the first with the best key."""
    conds, _ = literals(df, axes)
    y = df["holds"].to_numpy(bool)
    L = range(len(conds))
    forms = [(True, 0), (False, 0)] + [(conds[i], 1) for i in L]
    for shape in ("and", "or"):
        forms += [(Op(shape, (conds[i], conds[j])), 2) for i in L for j in L if i < j]
    for shape in ("and", "or"):
        forms += [(Op(shape, (conds[i], conds[j], conds[k])), 3) for i in L for j in L for k in L
                  if i < j < k]
    for outer, inner in (("and", "or"), ("or", "and")):
        forms += [(Op(outer, (conds[a], Op(inner, (conds[b], conds[c])))), 3)
                  for a in L for b in L for c in L if b < c and a not in (b, c)]
    best = None
    for tree, k in forms:
        e = int((Rule(tree, 0, len(df), 0).evaluate(df) != y).sum())
        key = (max(e - tolerance, 0), k, e)
        if best is None or key < best[0]:
            best = (key, tree)
    return best


@pytest.mark.parametrize("seed, tolerance", [(3, 0), (4, 0), (5, 2), (6, 5)])
def test_the_search_agrees_with_naive_enumeration(seed, tolerance):
    rng = np.random.default_rng(seed)
    df = readings().assign(holds=rng.random(24) < 0.5)
    r = find_rule(df, AXES, tolerance=tolerance)
    key, tree = _naive(df, AXES, tolerance)
    assert (max(r.errors - tolerance, 0), r.conditions, r.errors) == key
    assert r.tree == tree
    assert (r.evaluate(df) != df["holds"]).sum() == r.errors


def test_two_level_axes_keep_one_condition_per_level():
    conds, truth = literals(readings(), AXES)
    names = [(c.axis, c.level, c.equal) for c in conds]
    assert ("dg", "drawn", False) not in names and ("dg", "min1", True) in names
    assert ("G", "raw", False) in names  # three levels: != is a distinct condition
    assert len(conds) == 2 + 6 + 2 + 2 and truth.shape == (12, 24)


def test_a_constant_axis_and_coinciding_conditions_are_dropped():
    df = readings().assign(act="tanh")
    df["task"] = df["dg"].map({"drawn": "a", "min1": "b"})  # confounded with dg in this design
    conds, _ = literals(df, AXES + ["task"])
    assert all(c.axis not in ("act", "task") for c in conds)


def test_ties_go_to_the_axis_and_level_order_given():
    df = readings()
    df["task"] = df["dg"].map({"drawn": "a", "min1": "b"})
    df["holds"] = df["dg"] == "min1"
    assert find_rule(df, ["task", *AXES]).tree == Cond("task", "b")
    assert find_rule(df, AXES + ["task"]).tree == Cond("dg", "min1")
    df["holds"] = df["G"] == "r1"
    r = find_rule(df, AXES, levels={"G": ["r1", "r0.9", "raw"]})
    assert r.tree == Cond("G", "r1")


def test_ties_are_counted():
    df = readings()
    df["holds"] = df["act"] == "relu"
    assert find_rule(df, AXES).ties == 1
    df["copy"] = df["act"].map({"tanh": "x", "relu": "y"})  # an exact twin of act, dropped
    assert find_rule(df, AXES + ["copy"]).ties == 1


def test_text_uses_plain_names_and_parentheses():
    df = readings()
    df["holds"] = (df.dg == "min1") & ((df.G != "raw") | (df.input == "every"))
    r = find_rule(df, AXES)
    names = {("dg", "min1"): "every DG unit has an input", ("G", "raw"): "the raw 0/1 graph",
             "G": "the G scale", ("input", "every"): "the input enters every step"}
    assert r.text(names) == ("holds with every DG unit has an input and (the G scale other than "
                             "the raw 0/1 graph or the input enters every step)")
    names[("G", "raw", "!=")] = "G is rescaled"
    assert "and (G is rescaled or" in r.text(names)
    assert r.text(verb="trains").startswith("trains with dg = min1 and (G \u2260 raw or")


def test_plain_names_cover_every_level_of_the_readings():
    names = plain_names(AXES)
    for ax in AXES:
        assert isinstance(names[ax], str) and names[ax]
    assert ("G", "r0.9") in names and ("act", "relu") in names


def test_as_dict_is_plain_data():
    df = readings()
    df["holds"] = (df.dg == "min1") | (df.act == "relu")
    d = find_rule(df, AXES).as_dict()
    assert d["errors"] == 0 and d["conditions"] == 2 and d["tree"]["op"] == "or"
    assert d["tree"]["terms"][0] == {"axis": "dg", "level": "min1", "op": "=="}
    assert Rule(True, 0, 3, 3).as_dict()["tree"] is True


def test_bad_outcomes_are_refused():
    df = readings()
    with pytest.raises(ValueError):
        find_rule(df.assign(holds=np.nan), AXES)
    with pytest.raises(ValueError):
        find_rule(df.assign(holds="yes"), AXES)
    assert find_rule(df.assign(holds=(df.dg == "min1").astype(int)), AXES).tree == Cond("dg", "min1")


def test_speed_with_about_a_hundred_conditions():
    rng = np.random.default_rng(0)
    axes = [f"x{i}" for i in range(10)]
    df = pd.DataFrame({a: rng.choice([f"l{j}" for j in range(5)], 128) for a in axes})
    df["holds"] = (df.x3 == "l1") | ((df.x7 != "l2") & (df.x9 == "l4"))
    t = time.perf_counter()
    r = find_rule(df, axes)
    took = time.perf_counter() - t
    print(f"\nrule search: {len(literals(df, axes)[0])} conditions, {len(df)} readings, {took:.3f} s")
    assert r.exact and r.conditions == 3
    noise = df.assign(holds=rng.random(len(df)) < 0.5)
    t = time.perf_counter()
    r = find_rule(noise, axes)
    print(f"rule search without an exact rule: {time.perf_counter() - t:.3f} s, {r.errors} errors")
    assert r.conditions == 3 and 0 < r.errors < 64


def test_a_task_condition_reads_as_words_both_ways():
    names = plain_names(["task"])
    assert Cond("task", "sine").text(names) == "sine"
    assert Cond("task", "sine", equal=False).text(names) == "a task other than sine"
