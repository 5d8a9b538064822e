"""The introduction (scaffold.chapters.intro): the audit's files read back, findings from the ledger.

The files are the audit's, written from the fake multiverse of tests/test_multiverse.py
(tests/test_chapter_audit.py: ``fake_audit``) the way the audit chapter writes them.
"""

import re
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from scaffold import findings, ledger, multiverse, verdicts
from scaffold.chapters import audit, intro
from scaffold.chapters.audit.page import facts as audit_facts
from scaffold.runtime.setup import setup
from test_chapter_audit import fake_audit


def write_results(tables: dict, results_dir) -> None:
    """The five files the introduction reads, as :func:`scaffold.chapters.audit.compute` and
    :func:`scaffold.chapters.audit.evidence` write them."""
    ledger.write(tables["ledger"], results_dir)
    tables["curve-table"].to_csv(results_dir / "audit_curves.csv", index=False)
    tables["readings"].to_csv(results_dir / "readings.csv", index=False)
    tables["task_readings"].to_csv(results_dir / "task_readings.csv", index=False)
    tables["frontier"].to_csv(results_dir / "frontier.csv", index=False)


@pytest.fixture(scope="module")
def tables():
    return fake_audit()


@pytest.fixture(scope="module")
def cfg(tables, tmp_path_factory):
    d = tmp_path_factory.mktemp("results")
    write_results(tables, d)
    return SimpleNamespace(results_dir=d)


@pytest.fixture
def no_recompute(monkeypatch):
    def fail(cfg):
        raise AssertionError("the audit was recomputed although its files exist")

    monkeypatch.setattr(audit, "compute", fail)


@pytest.fixture(scope="module")
def back(cfg):
    return intro.inputs(cfg)


def test_inputs_read_the_audits_files_back(cfg, tables, no_recompute):
    got = intro.inputs(cfg)
    assert set(got) == {"ledger", "curves", "readings", "task_readings", "frontier"}
    assert got["ledger"]["claim_id"].tolist() == tables["ledger"]["claim_id"].tolist()
    assert got["ledger"]["verdict"].tolist() == tables["ledger"]["verdict"].tolist()
    for name in ("curves", "readings"):
        for col in ("degenerate", "consistent", "ruled_out"):
            assert got[name][col].dtype == bool and (got[name][col].to_numpy()
                                                     == tables["curve-table" if name == "curves" else name][col]
                                                     .to_numpy(bool)).all(), (name, col)
    assert np.allclose(got["readings"]["posterior"], tables["readings"]["posterior"])
    # level names that look like numbers stay names: "1" is the roll-noise level, not 1.0
    levels = set(got["task_readings"]["swnoise"])
    assert {"0.5", "1"} <= levels and all(isinstance(x, str) for x in levels)
    for k in multiverse.HSN_KEYS:
        assert got["readings"][k].tolist() == tables["readings"][k].astype(str).tolist()
    assert len(got["frontier"]) == len(tables["frontier"])


def test_inputs_recompute_the_audit_when_a_file_is_missing(tables, tmp_path, monkeypatch):
    write_results(tables, tmp_path)
    (tmp_path / "readings.csv").unlink()
    calls = []

    def compute(cfg):
        calls.append(cfg)
        write_results(tables, cfg.results_dir)

    monkeypatch.setattr(audit, "compute", compute)
    run = SimpleNamespace(results_dir=tmp_path)
    assert len(intro.inputs(run)["readings"]) == len(tables["readings"]) and calls == [run]


def test_verdict_table_links_every_claim_to_its_ledger_row(back):
    led = back["ledger"].set_index("claim_id")
    t = intro.verdict_table(back["ledger"])
    ids = [re.search(r'href="05-audit\.html#claim-([^"]+)"', c).group(1) for c in t["claim"]]
    assert ids == [c for c in intro.HEADLINE if c in led.index]
    assert {"C1-moons", "S1-circulation-two_spirals", "S3-budget-circles", "C5-explanation"} <= set(ids)
    assert t["verdict"].tolist() == led.loc[ids, "verdict"].tolist()
    assert t["condition"].tolist() == [r["condition"] or r["why"] for _, r in led.loc[ids].iterrows()]
    two = t["claim"][ids.index("S2-kronecker-two_spirals")]
    assert two.endswith("(two spirals)</a>")


def test_verdict_table_follows_a_changed_ledger(back):
    led = back["ledger"].copy()
    led.loc[led.claim_id == "C1-moons", "verdict"] = verdicts.CONTRADICTED
    t = intro.verdict_table(led)
    row = t[t["claim"].str.contains("#claim-C1-moons\"")]
    assert row["verdict"].tolist() == [verdicts.CONTRADICTED]


def test_facts_are_plain_data_from_the_ledger(back):
    f = intro.facts(back)
    assert set(f) == set(intro.KEYS.facts)
    assert all(type(v) in (int, float, str) for v in f.values()), {k: type(v) for k, v in f.items()}
    led = back["ledger"]
    assert f["n-claims"] == ledger.n_claims(led) and f["n-reported"] == ledger.n_reported(led)
    assert f["seeds"] == int(led["seeds"].max())
    # "50 verdicts: 15 hold, 21 are unsupported": each count with its verdict, as a sentence
    # says it, after the number of verdicts, which the counts add up to
    total, rest = f["verdict-counts"].split(" verdicts: ")
    counts = {("holds" if v in ("hold", "holds") else v): int(n)
              for n, v in re.findall(r"(\d+) (?:is |are )?(\w+)", rest)}
    assert counts == {v: n for v, n in ledger.verdict_counts(led).items() if n}
    assert int(total) == len(led) == sum(counts.values())
    assert f["n-claims"] < len(led)  # claims made jointly for several tasks: one verdict per task
    for word in verdicts.VERDICTS:  # every verdict word defined where the words first appear
        assert f"{word}\u201d: {verdicts.MEANING[word]}." in f["verdict-key"]


def test_intro_findings_are_the_ledgers(back, tables):
    f = intro.facts(back)
    items = findings.findings(tables["ledger"], tables["curve-table"], tables["readings"], tables["task_readings"])
    assert f["findings"] == findings.as_markdown(items, findings.AUDIT)  # read back = computed
    for item in items:
        for cid in item.claims:
            assert f'href="05-audit.html#claim-{cid}"' in f["findings"]


def test_intro_and_audit_state_the_same_findings(back, tables):
    quick = setup("cpu", "quick", n_seeds=2, epochs_scale=0.01)
    mine = intro.facts(back)["findings"]
    theirs = audit_facts(quick, tables)["findings"]
    assert theirs == mine.replace('href="05-audit.html#', 'href="#')  # links stay on the audit page
    cited = pd.Series(re.findall(r'href="#claim-([^"]+)"', theirs))
    assert len(cited) and cited.isin(tables["ledger"]["claim_id"]).all()
