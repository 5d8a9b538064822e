"""The introduction (scaffold.chapters.intro): every conclusion is computed from the ledger."""

import re

import pandas as pd

from scaffold import ledger as L
from scaffold import verdicts as V
from scaffold.chapters import intro


def fake_ledger(c1_share=0.25, s1_verdict=V.UNSUPPORTED) -> pd.DataFrame:
    """A small synthetic ledger: three HSN claims over readings, a causal claim, a count."""
    rows = [L.row(f"C1-{t}", "matches", 0.9, 0.01, -0.1, 0.02, 10, verdict=V.UNSUPPORTED, task=t,
                  source=f"T2.1: {t} / HSN", readings=8, share=c1_share, deciding="DG mask")
            for t in ("swiss_roll", "circles", "moons")]
    rows += [L.row("S1-circulation", "key", "key", -0.002, -0.01, 0.01, 10, verdict=s1_verdict, p=0.001,
                   readings=8, share=0.0, deciding="G scale, Input to CA3"),
             L.row("S3-budget", "substitutes", "takeaway", -0.01, -0.02, 0.0, 10, verdict=V.UNSUPPORTED,
                   readings=8, share=0.0, deciding=""),
             L.row("P1-eq1", "eq1", 4417, 4288, test=L.ARITH, verdict=V.CONTRADICTED, source="eq. (1)")]
    return L.finish(rows)


def test_facts_are_plain_data_read_from_the_ledger():
    f = intro.facts(fake_ledger())
    assert all(isinstance(v, (int, float, str)) for v in f.values()), f
    assert f["n-claims"] == 6 and f["n-contradicted"] == 1 and f["n-unsupported"] == 5
    assert f["n-reported"] == 4 and f["seeds"] == 10


def test_abstract_is_short_and_follows_the_ledger():
    f = intro.facts(fake_ledger())
    a = f["abstract"]
    assert len(re.findall(r"[.!?](\s|$)", a)) <= 6 and len(a) < 6 * 110
    assert "6 claims" in a and "5 are unsupported and 1 is contradicted" in a
    assert intro.counted(3, V.HOLDS) == "3 hold" and intro.counted(1, V.HOLDS) == "1 holds"
    assert intro.counted(2, V.CONTRADICTED) == "2 are contradicted"
    assert "6 of 24 task-reading pairs" in a and "DG mask" in a  # 0.25 x 8 x 3
    other = intro.facts(fake_ledger(c1_share=0.5))["abstract"]
    assert "12 of 24" in other  # computed, not written


def test_findings_name_the_deciding_axes_and_the_share():
    f = intro.facts(fake_ledger())
    assert "holds under 2 of 8 readings, decided by DG mask" in f["find-hsn"]
    assert "decided by G scale, Input to CA3" in f["find-structure"]
    assert "with no single axis deciding it" in f["find-structure"]  # S3: no deciding axis


def test_no_sentence_calls_the_model_untrainable_when_a_reading_trains():
    f = intro.facts(fake_ledger(c1_share=0.25))
    text = " ".join(str(v) for v in f.values()).lower()
    for phrase in ("untrainable", "does not learn", "cannot learn", "at chance"):
        assert phrase not in text


def test_verdict_table_reads_the_ledger():
    t = intro.verdict_table(fake_ledger(s1_verdict=V.HOLDS))
    assert list(t.columns) == ["claim", "verdict", "readings"]
    row = t.set_index("claim").loc[intro.SHORT["S1-circulation"]]
    assert row.verdict == V.HOLDS and row.readings == "0 of 8 readings"


def test_claims_ledger_is_read_back_when_written(tmp_path):
    class Cfg:
        results_dir = tmp_path

    L.write(fake_ledger(), tmp_path)
    back = intro.claims_ledger(Cfg())
    assert list(back.claim_id)[:3] == ["C1-swiss_roll", "C1-circles", "C1-moons"]
    assert intro.facts(back)["abstract"] == intro.facts(fake_ledger())["abstract"]


def test_intro_and_audit_tables_agree_on_every_claim():
    from scaffold.chapters.audit.page import short_ledger

    led = fake_ledger()
    mine = intro.verdict_table(led).verdict.tolist()
    theirs = short_ledger(led.set_index("claim_id").loc[[c for c in intro.HEADLINE if c in set(led.claim_id)]]
                          .reset_index()).verdict.tolist()
    assert mine == theirs
    f = intro.facts(led)
    assert {v: f[f"n-{v}"] for v in V.VERDICTS} == L.verdict_counts(led)
