"""The introduction (scaffold.chapters.intro): its facts come from the claims ledger."""

import pandas as pd

from scaffold import ledger
from scaffold.chapters import intro


def fake_ledger() -> pd.DataFrame:
    return pd.DataFrame([
        ledger.row("C1-moons-literal", "claim", 0.9, 0.5, 0.4, 0.6, 10, "t", "contradicted", "w"),
        ledger.row("P1-eq1", "claim", 4417, 4353, test=ledger.ARITH, verdict="reproduced", why="w"),
    ])


def test_facts_are_plain_data_read_from_the_ledger():
    f = intro.facts(fake_ledger())
    assert all(isinstance(v, (int, float, str)) for v in f.values()), f
    assert f["n-claims"] == 2 and f["n-contradicted"] == 1 and f["n-untestable"] == 0
    assert f["C1-moons-literal-verdict"] == "contradicted" and f["C1-moons-literal-ours"] == 0.5
    assert f["seeds"] == 10


def test_claims_ledger_is_read_back_when_written(tmp_path):
    class Cfg:
        results_dir = tmp_path

    ledger.write(fake_ledger(), tmp_path)
    assert list(intro.claims_ledger(Cfg()).claim_id) == ["C1-moons-literal", "P1-eq1"]


def test_verdict_bar_counts():
    led = pd.DataFrame({"verdict": ["reproduced", "contradicted", "contradicted"]})
    fig = intro.verdict_bar(led)
    widths = [p.get_width() for p in fig.axes[0].patches]
    assert widths == [1, 0, 2, 0]
