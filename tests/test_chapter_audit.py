"""Chapter 5 (scaffold.chapters.audit): the ledger on the rulebook, over readings, and its grids."""

import numpy as np
import pandas as pd
import pytest

from scaffold import experiments as ex
from scaffold import ledger as L
from scaffold import multiverse as MV
from scaffold import verdicts as V
from scaffold.chapters import audit
from scaffold.chapters.audit import claims as C
from scaffold.chapters.audit.counts import count_claims
from scaffold.chapters.audit.page import circulation_sentence, paired, short_ledger
from scaffold.readings import LITERAL, REPAIRED, hsn_spec
from scaffold.runtime.setup import setup
from scaffold.specurve import CLAIMS
from test_multiverse import _fake

TASKS = ("swiss_roll", "circles", "moons", "sine")
SEEDS = list(range(8))


@pytest.fixture(scope="module")
def quick():
    return setup("cpu", "quick", n_seeds=2, epochs_scale=0.01)


def fake_scores(level: dict, noise=0.002, seed=0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = []
    for model, lv in level.items():
        for task in TASKS:
            mu = lv.get(task, 0.9) if isinstance(lv, dict) else lv
            for s in SEEDS:
                rows.append(dict(task=task, model=model, family="x", seed=s, lr=0.01, val_metric=mu,
                                 test_metric=float(mu + noise * rng.standard_normal()), diverged=False))
    return pd.DataFrame(rows)


# ----------------------------------------------------------------------------- one model, one label

def test_named_hsns_are_built_by_the_readings():
    assert ex.HSN_LITERAL == hsn_spec(LITERAL) and ex.HSN_LITERAL.label == "HSN (literal)"
    assert ex.HSN_REPAIRED == hsn_spec(REPAIRED) and ex.HSN_REPAIRED.label == "HSN (repaired)"
    assert ex.REPAIRS == {"dg_min_inputs": 1, "spectral_radius": 0.9}


def test_no_model_is_trained_under_two_labels(quick):
    """Across the audit's grids (multiverse included), one configuration has one label."""
    seen = {}
    for g in audit.grids(quick).values():
        for spec in g.specs:
            cfg = tuple(sorted((k, str(v)) for k, v in spec.as_dict().items() if k != "label"))
            seen.setdefault(cfg, set()).add(spec.label)
    assert all(len(labels) == 1 for labels in seen.values()), [s for s in seen.values() if len(s) > 1]


def test_audit_grids_include_the_multiverse_and_the_traces(quick):
    g = audit.grids(quick)
    assert set(MV.grids(quick)) <= set(g)
    assert g["CA3 traces"].trace_T > 0 and all(s.family == "hsn" for s in g["CA3 traces"].specs)
    cen = {s.label for s in g["CEN controls"].specs}
    for h in ex.CEN_WIDTHS:  # biases and a dense Gaussian expander at every width
        assert {f"CEN (H={h}) + bias", f"CEN (H={h}) dense E"} <= cen
    hsn = {s.label for s in g["HSN controls"].specs}
    driven = {s.label for s in ex.driven_controls().values()}
    assert driven - {ex.HSN_REPAIRED.label} <= hsn | {s.label for s in g["multiverse moons"].specs}


# ----------------------------------------------------------------------------- counts and arithmetic

def test_counts_follow_the_rulebook():
    rows = {r["claim_id"]: r for r in count_claims()}
    assert all(r["verdict_uncorrected"] in V.VERDICTS for r in rows.values())
    # 5 DG nonzeros: inside the binomial spread of one draw on 64 slots at 5%.
    assert rows["P11-nnzWdg"]["verdict_uncorrected"] == V.HOLDS and rows["P11-nnzWdg"]["hi"] >= 5
    # A saving larger than reported holds, with a different count.
    assert rows["P5-hsn-ratio"]["verdict_uncorrected"] == V.HOLDS and rows["P5-hsn-ratio"]["ours"] > 4.9
    assert "different count" in rows["P5-hsn-ratio"]["why"]
    # Compute against the HSN's own T = 0 pass, not against the dense MLP.
    assert "T = 0" in rows["P13-compute"]["test"] and rows["P13-compute"]["ours"] > 1
    assert rows["P1-eq1"]["verdict_uncorrected"] == V.CONTRADICTED  # 2*64 + 64*64 + 64 = 4288


# ----------------------------------------------------------------------------- the ledger

def test_finish_applies_holm_and_marks_changes_but_leaves_identities():
    rows = [L.row("A", "a", 1, 0.1, verdict=V.HOLDS, p=0.001),
            L.row("B", "b", 1, 0.1, verdict=V.HOLDS, p=0.02),
            L.row("C", "c", 1, 0.1, verdict=V.HOLDS, test=L.ARITH),
            L.row("D", "d", 1, 0.1, verdict=V.HOLDS, p=0.015)]
    led = L.finish(rows)  # Holm on three tests: 0.003, 0.03, 0.03 against 0.025
    assert list(led.verdict) == [V.HOLDS, V.UNSUPPORTED, V.HOLDS, V.UNSUPPORTED]
    assert list(led.holm_changed) == [False, True, False, True]


def test_claims_are_counted_once_and_reported_values_once():
    rows = [L.row("C1-a", "matches", 1, 0.1, verdict=V.HOLDS, task="moons", source="T2.1: moons / HSN"),
            L.row("C1-b", "matches", 1, 0.1, verdict=V.HOLDS, task="circles", source="T2.1: circles / HSN"),
            L.row("C2", "beats", 1, 0.1, verdict=V.HOLDS, task="moons", source="T2.1: moons / HSN"),
            L.row("S1", "key", 1, 0.1, verdict=V.HOLDS)]
    led = L.finish(rows)
    assert L.n_claims(led) == 4 and L.n_reported(led) == 2


def test_ledger_round_trips_through_csv(tmp_path):
    led = L.finish([L.row("A", "a", 0.9, 0.5, 0.4, 0.6, 3, verdict=V.HOLDS, p=0.001, readings=4, share=0.5,
                          deciding="DG mask")])
    L.write(led, tmp_path)
    back = L.read(tmp_path)
    assert back.loc[0, "verdict"] == V.HOLDS and back.loc[0, "share"] == 0.5
    assert back.loc[0, "deciding"] == "DG mask"


def test_reading_claims_give_share_and_deciding_axis(quick):
    long = MV.long_table(_fake(quick), quick)
    rows = {r["claim_id"]: r for r in C.hsn_claims(long)}
    r = rows["C1-moons"]
    assert r["readings"] == len(MV.hsn_readings("quick")) and r["share"] == pytest.approx(0.5)
    assert r["verdict_uncorrected"] == V.UNSUPPORTED and "DG mask" in r["deciding"]
    # Equal-budget dense as good as the HSN: "structure substitutes" is unsupported, never contradicted.
    assert rows["S3-budget"]["verdict_uncorrected"] == V.UNSUPPORTED


def test_reported_values_are_judged_against_one_run():
    long = pd.DataFrame([dict(task="moons", model="Dense MLP", reading="", swiss="", noise="", seed=s,
                              val_metric=0.95 + 0.005 * (s % 3 - 1), test_metric=0.95, metric="accuracy")
                         for s in range(10)])
    rows = {r["claim_id"]: r for r in C.reported_values(long)}
    assert rows["R-moons-Dense"]["verdict_uncorrected"] == V.HOLDS  # 0.953 within one run's spread
    assert rows["R-moons-HSN"]["verdict_uncorrected"] == V.UNTESTABLE


def test_cen_explanation_contradicted_when_biases_fix_the_readout():
    sine = {"sine": 0.43}
    lv = {ex.DENSE.label: 0.01, **{s.label: sine for s in ex.CENS}}
    ctl = ex.cen_controls()
    lv[ctl[("bias", 512)].label] = 0.05
    lv[ctl[("dense", 512)].label] = 0.40
    rows = {r["claim_id"]: r for r in C.cen_claims(fake_scores(lv))}
    assert rows["C4-sine"]["verdict_uncorrected"] == V.HOLDS
    assert rows["C5-explanation"]["verdict_uncorrected"] == V.CONTRADICTED


def test_dynamics_judged_under_each_drive():
    rows = []
    for point, drive, rel in (("literal", "once", 0.2), ("literal", "every", 0.2),
                              ("repaired", "once", 1e-4), ("repaired", "every", 1e-4)):
        for s in SEEDS:
            for t in range(7):
                rows.append(dict(point=point, input=drive, seed=s, t=t, rel_step=rel * (1 + 0.01 * s),
                                 spread=0.5))
    r = C.dynamics_claims(pd.DataFrame(rows))[0]
    assert r["readings"] == 4 and r["share"] == pytest.approx(0.5)
    assert r["verdict_uncorrected"] == V.UNSUPPORTED


def test_circulation_sentence_states_a_difference_not_a_removal():
    led = L.finish([L.row("S1-circulation", "key", "key", -0.002, -0.01, 0.01, 5, verdict=V.UNSUPPORTED,
                          readings=8, share=0.0)])
    s = circulation_sentence(led)
    assert "T = 5 minus T = 0" in s and "remov" not in s.lower() and "-0.002" in s


def test_short_ledger_puts_the_verdict_second():
    led = L.finish([L.row("C1-moons", "matches", 1, 0.1, verdict=V.HOLDS, task="moons", readings=8,
                          share=0.25, deciding="DG mask")])
    s = short_ledger(led)
    assert list(s.columns)[:2] == ["claim", "verdict"] and s.loc[0, "readings"] == "25% of 8"


def test_paired_orients_gains_so_positive_is_better():
    sel = fake_scores({ex.DENSE.label: {"moons": 0.9, "sine": 0.02, "swiss_roll": 0.9, "circles": 0.9},
                       "M": {"moons": 0.95, "sine": 0.01, "swiss_roll": 0.9, "circles": 0.9}})
    p = paired(sel).set_index("task")
    assert p.loc["moons", "gain"] > 0 and p.loc["sine", "gain"] > 0


def test_every_headline_claim_has_a_curve(quick):
    long = MV.long_table(_fake(quick), quick)
    from scaffold import specurve as S

    for c in CLAIMS:
        cv = S.curve(long, c)
        assert len(cv) >= 2 and cv["verdict"].isin(V.VERDICTS).all()
