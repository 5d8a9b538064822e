"""The first screen's findings (scaffold.findings): generated from the ledger, never beyond it.

The ledger is the audit's own, built from the fake multiverse of
tests/test_multiverse.py (tests/test_chapter_audit.py: ``fake_audit``); variants
change its verdicts to check that every sentence follows them.
"""

import re

import pandas as pd
import pytest

from scaffold import findings, verdicts
from scaffold.data import TASKS, task_title
from scaffold.readings import HSN_AXES, LITERAL
from test_chapter_audit import fake_audit

WORD_TO_TASK = {task_title(t): t for t in TASKS}
#: The quoted claim of each verdict list in the findings, and the ledger ids it speaks for.
QUOTED = {"the HSN matches or beats the dense MLP": "C1-{}",
          "The circulation through the graph is the key": "S1-circulation-{}",
          "the Kronecker graph beats a random graph": "S2-kronecker-{}",
          "structure substitutes for learned parameters": "S3-budget-{}"}


@pytest.fixture(scope="module")
def audit():
    return fake_audit()


def make(audit, led=None):
    return findings.findings(audit["ledger"] if led is None else led, audit["curve-table"], audit["readings"],
                             audit["task_readings"])


def with_verdicts(led: pd.DataFrame, by_prefix: dict) -> pd.DataFrame:
    """The ledger with the verdict of every row whose id starts with a prefix replaced
    (``{"S3-": "contradicted"}`` sets every S3 row), in order."""
    led = led.copy()
    for prefix, v in by_prefix.items():
        led.loc[led.claim_id.str.startswith(prefix), "verdict"] = v
    return led


def plain(text: str) -> str:
    """A finding's text without Markdown emphasis."""
    return text.replace("*", "")


def stated(text: str) -> dict:
    """claim id -> the verdict a finding states for it, from its "“claim” holds on X; is V on Y" lists."""
    out = {}
    for quote, template in QUOTED.items():
        m = re.search("\u201c" + re.escape(quote) + "\u201d ([^.(\u201c]*)", text)
        if not m:
            continue
        for part in m.group(1).strip().rstrip(";").split("; "):
            verb, _, tasks = part.partition(" on ")
            verdict = verb.removeprefix("is ").strip()
            assert verdict in verdicts.VERDICTS, (verb, text)
            for word in re.split(r", | and ", tasks.strip()):
                out[template.format(WORD_TO_TASK[word])] = verdict
    return out


def test_every_finding_cites_claims_of_the_ledger(audit):
    ids = set(audit["ledger"].claim_id)
    items = make(audit)
    assert [f.key for f in items] == ["matches", "structure", "budget", "cen"]
    for f in items:
        assert f.claims and set(f.claims) <= ids, (f.key, set(f.claims) - ids)
        assert len(f.labels) == len(f.claims)


def test_links_point_at_the_ledger_rows(audit):
    for f in make(audit):
        links = re.findall(r'href="([^"]*)"', f.markdown())
        assert [x for x in links if "#claim-" in x] == [f"05-audit.html#claim-{c}" for c in f.claims]
        assert f"05-audit.html#{f.figure}" in links
        # on the audit page itself the links stay on the page
        here = re.findall(r'href="([^"]*)"', f.markdown(""))
        assert [x for x in here if "claim-" in x] == [f"#claim-{c}" for c in f.claims]
        assert not any(x.startswith(".html") for x in here)


def test_a_finding_without_evidence_shows_no_empty_links():
    f = findings.Finding("x", "Why?", "Not judged in this build.", ())
    assert f.markdown() == '<span id="finding-x"></span>**Why?** Not judged in this build.'
    assert f.headline == ""  # no short answer to list


def test_short_answers_list_each_findings_opening_and_link_to_its_paragraph(audit):
    items = make(audit)
    lines = findings.short_answers(items).splitlines()
    assert len(lines) == len(items)
    for f, line in zip(items, lines):
        assert f.headline and f.answer.startswith(f"*{f.headline}*")  # the answer's own opening, not a rewrite
        assert line == f'- <a href="#{f.anchor}">{f.question}</a> **{f.headline}**'
        assert f'<span id="{f.anchor}"></span>' in f.markdown()  # the link lands on the paragraph
    # the anchors are distinct: each link lands on its own finding
    assert len({f.anchor for f in items}) == len(items)


@pytest.mark.parametrize("variant", [
    {},
    {"C1-": verdicts.HOLDS, "S1-": verdicts.CONTRADICTED},
    {"C1-swiss_roll": verdicts.CONTRADICTED, "C1-moons": verdicts.UNSUPPORTED, "S2-": verdicts.HOLDS},
    {"S3-budget-moons": verdicts.HOLDS, "S1-circulation-two_spirals": verdicts.UNINFORMATIVE},
])
def test_no_finding_states_a_verdict_the_ledger_does_not_give(audit, variant):
    led = with_verdicts(audit["ledger"], variant)
    truth = led.set_index("claim_id")["verdict"]
    said = {}
    for f in make(audit, led):
        assert "is holds" not in f.answer and " is holds" not in f.markdown()
        s = stated(f.answer)
        said.update(s)
        for cid, v in s.items():
            assert cid in f.claims and truth[cid] == v, (f.key, cid, v, truth[cid])
    family = [cid for cid in truth.index if re.match(r"^(C1|S1|S2|S3)-", cid)]
    assert sorted(said) == sorted(family)  # every verdict of these claims is stated, once
    # the short answer on structure: "Yes" on exactly the tasks where the loop or the graph holds
    held = sorted({cid.split("-", 2)[2] for cid in truth.index
                   if cid.startswith(("S1-", "S2-")) and truth[cid] == verdicts.HOLDS})
    answer = plain(findings.structure(led).answer)
    rows = led.set_index("claim_id")
    said_v = [truth[c] for c in truth.index if c.startswith(("S1-", "S2-"))]
    somewhere = (rows.loc[[c for c in truth.index if c.startswith(("S1-", "S2-"))], "share"].fillna(0) > 0).any()
    refuted = all(v == verdicts.CONTRADICTED for v in said_v)
    no = (f"{'No,' if refuted else 'Not shown to help'} under the readings consistent with the note; under "
          if somewhere else "No." if refuted else "Not shown to help on any task.")
    assert answer.startswith(f"Yes, on {findings._tasks(held)}." if held else no)


def test_structure_finding_says_where_the_loop_or_graph_helps_over_every_reading(audit):
    led = with_verdicts(audit["ledger"], {"S1-": verdicts.CONTRADICTED, "S2-": verdicts.CONTRADICTED})
    led["share"] = led["share"].astype(float)
    led.loc[led.claim_id.str.startswith(("S1-", "S2-")), "share"] = 0.0
    assert plain(findings.structure(led).answer).startswith("No.")  # nowhere, under any reading
    led.loc[led.claim_id == "S1-circulation-moons", ["share", "readings"]] = [0.1, 50]
    answer = plain(findings.structure(led).answer)
    assert answer.startswith("No, under the readings consistent with the note; under a few readings, they do.")
    assert "the loop helps under 5 of 50 readings on moons and under none on swiss roll, circles and two spirals" \
        in answer
    assert "the Kronecker graph beats a random one under none on" in answer
    led.loc[led.claim_id == "S1-circulation-moons", "share"] = 0.4
    assert "under some readings, they do." in findings.structure(led).answer
    led.loc[led.claim_id == "S1-circulation-moons", "verdict"] = verdicts.UNSUPPORTED
    assert plain(findings.structure(led).answer).startswith("Not shown to help under the readings consistent")
    # where every reading under which the loop or the graph helps is ruled out by the note's numbers
    curves = pd.DataFrame(dict(claim=["circulation-moons", "circulation-moons", "kronecker-moons"],
                               verdict=["holds", "contradicted", "holds"], ruled_out=[True, False, True],
                               degenerate=[False, False, False]))
    got = plain(findings.structure(led, curves).answer)
    assert got.startswith("Not shown to help under the readings consistent with the note; only under some "
                          "readings that the note's numbers rule out.")
    curves.loc[2, "ruled_out"] = False  # one of them is not ruled out: the plain words
    assert "; under some readings, they do." in findings.structure(led, curves).answer
    assert findings._held_ruled_out(None, ["circulation-moons"]) is False


def test_budget_finding_follows_the_s3_verdicts(audit):
    def answer(by_prefix=None):
        return plain(findings.budget(with_verdicts(audit["ledger"], by_prefix or {})).answer)

    assert answer({"S3-": verdicts.CONTRADICTED}).startswith("As well as the HSN")
    assert answer({"S3-": verdicts.HOLDS}).startswith("Worse than the HSN")
    mixed = {"S3-": verdicts.UNSUPPORTED, "S3-budget-moons": verdicts.CONTRADICTED}
    s3 = audit["ledger"].claim_id.str.startswith("S3-")
    # left open under the consistent readings: "not settled" where the HSN is ahead under some reading ...
    ahead = audit["ledger"].assign(share=lambda d: d["share"].astype(float).where(~s3, 0.2))
    got = plain(findings.budget(with_verdicts(ahead, mixed)).answer)
    assert got.startswith("As well as the HSN or better on moons; not settled on swiss roll, circles and two spirals.")
    n = int(ahead.set_index("claim_id").loc["S3-budget-swiss_roll", "readings"])
    assert f"the HSN beats it under {round(0.2 * n)} of {n} readings on swiss roll" in got
    # ... "never shown worse" where it is ahead under none
    never = audit["ledger"].assign(share=lambda d: d["share"].astype(float).where(~s3, 0.0),
                                   hi=lambda d: d["hi"].astype(float).where(~s3, 0.01))
    got = plain(findings.budget(with_verdicts(never, mixed)).answer)
    assert got.startswith("As well as the HSN or better on moons; never shown worse on swiss roll, circles and "
                          "two spirals.")
    assert "Over every reading that trains, the HSN beats it under none on swiss roll, circles, moons and two " \
           "spirals." in got
    assert plain(findings.budget(with_verdicts(never, {"S3-": verdicts.UNSUPPORTED})).answer).startswith(
        "Never shown worse than the HSN.")
    # ... and "ahead" where, besides, the HSN is behind under every consistent reading (hi < 0)
    spirals = ~s3 | (never["claim_id"] != "S3-budget-two_spirals")
    behind = never.assign(hi=never["hi"].where(spirals, -0.003), ours=never["ours"].astype(float).where(spirals, -0.084))
    got = plain(findings.budget(with_verdicts(behind, mixed)).answer)
    assert got.startswith("As well as the HSN or better on moons; ahead of it on two spirals under every reading "
                          "consistent with the note (8.4 points in the median); never shown worse on swiss roll and "
                          "circles.")
    # ahead under every consistent reading, but by less than the margin in the median: as well as the HSN
    close = behind.assign(ours=behind["ours"].where(spirals, -0.002))
    assert plain(findings.budget(with_verdicts(close, mixed)).answer).startswith(
        "As well as the HSN or better on moons and two spirals; never shown worse on swiss roll and circles.")
    unsettled = plain(findings.budget(with_verdicts(ahead, {"S3-": verdicts.UNSUPPORTED})).answer)
    assert unsettled.startswith("Not settled.")  # one verdict on every task: not "depends on the task"
    assert "is unsupported on swiss roll, circles, moons and two spirals" in unsettled
    assert "S4-frontier" in findings.budget(audit["ledger"]).claims
    s4 = audit["ledger"].set_index("claim_id").loc["S4-frontier"]
    assert f"{round(s4['share'] * s4['readings'])} of {int(s4['readings'])} HSN comparisons" in answer()


def test_cen_finding_follows_the_explanations_verdict(audit):
    def answer(v):
        return plain(findings.cen(with_verdicts(audit["ledger"], {"C5-explanation": v})).answer)

    assert audit["ledger"].set_index("claim_id").loc["C5-explanation", "verdict_uncorrected"] == verdicts.CONTRADICTED
    assert answer(verdicts.CONTRADICTED).startswith("Not, as the note says, because its random features ignore "
                                                    "the data. Two other causes fit the same failure")
    assert answer(verdicts.CONTRADICTED).endswith("The note's explanation is contradicted.")
    assert answer(verdicts.HOLDS).startswith("As the note says: its random features ignore the data.")
    assert answer(verdicts.HOLDS).endswith("The note's explanation holds.")
    assert answer(verdicts.UNSUPPORTED).startswith("Whether, as the note says, its random features ignoring the "
                                                   "data is why is not settled.")
    no_c5 = audit["ledger"][audit["ledger"].claim_id != "C5-explanation"]
    assert findings.cen(no_c5).answer == "Not judged in this build."


def test_matches_finding_names_the_condition_and_what_the_note_points_to(audit):
    f = make(audit)[0]
    led = audit["ledger"].set_index("claim_id")
    assert f"it {led.loc['C1-moons', 'condition']}" in f.answer  # one condition for the three tasks
    assert "they rule out the 5% DG mask as drawn" in f.answer  # the fake's drawn mask loses 40 points
    assert "Under the other readings that train it is not shown to match: on average it trails the dense MLP by 40 points." in f.answer
    assert "do not train" not in f.answer  # no reading of the fake is degenerate


def test_matches_finding_counts_degenerate_readings(audit):
    rd = audit["readings"].copy()
    rd.loc[rd.index[:3], "degenerate"] = True
    f = findings.matches(audit["ledger"], audit["curve-table"], rd)
    assert f"3 HSN readings of {len(rd)} do not train at all" in f.answer
    literal = LITERAL.only([a.key for a in HSN_AXES]).label
    rd = audit["readings"].assign(degenerate=audit["readings"]["reading"] == literal)
    f = findings.matches(audit["ledger"], audit["curve-table"], rd)
    assert (f"One HSN reading of {len(rd)}, the literal one (the note's words as written) among them, does not "
            "train at all") in f.answer


def test_losses_never_say_loses_for_readings_that_are_not_behind():
    def curves(gains):
        return pd.DataFrame({"claim": "matches-moons", "degenerate": False, "verdict": verdicts.UNSUPPORTED,
                             "gain": gains})

    assert findings._losses(curves([-0.05, -0.2])) == ("Under the other readings that train it is not shown to "
                                                       "match: on average it trails the dense "
                                                        "MLP by 5.0 to 20 points.")
    assert "trails" not in findings._losses(curves([-0.05, 0.002]))
    assert "trails" not in findings._losses(curves([0.001, 0.002]))
    assert findings._losses(curves([-0.4, -0.4])) == "Under the other readings that train it is not shown to match: on average it trails the dense MLP by 40 points."


def test_structure_says_over_which_consistent_readings_its_sizes_are_taken():
    rd = pd.DataFrame({"reading": ["a", "b", "c"], "consistent": [True, True, False]})
    cv = pd.DataFrame({"claim": ["circulation-moons", "circulation-moons", "kronecker-moons", "kronecker-moons"],
                       "reading": ["a", "b", "a", "c"]})
    keys = ["circulation-moons", "kronecker-moons"]
    assert findings._with_controls(cv, rd, keys) == (1, 2)  # b lacks the random graph; c is not consistent
    assert findings._with_controls(None, rd, keys) is None
    assert findings._over_consistent((1, 2)) == ("the one of the 2 HSN readings consistent with the note that has "
                                                 "these controls")
    assert findings._over_consistent((2, 2)) == ("the 2 HSN readings consistent with the note, each with these "
                                                 "controls (median over them)")
    assert findings._over_consistent((1, 1)).startswith("the one HSN reading consistent with the note, which has")


def test_a_difference_carried_by_runs_that_never_trained_says_so():
    cv = pd.DataFrame({"claim": "kronecker-circles", "consistent": [True, True, False], "n": 10,
                       "failed_a": 0, "failed_b": [1, 0, 5], "gain_trained": [0.0, 0.002, 0.3]})
    names = ("Kronecker graph", "random graph")
    said = findings._failures(cv, "S2-kronecker-circles", names)
    assert said == (", mostly because the random graph never trained in 1 of 20 runs (where both trained, the "
                    "median difference is within the margin)")
    part = findings._failures(cv.assign(gain_trained=0.03), "S2-kronecker-circles", names)
    assert part == (", partly because the random graph never trained in 1 of 20 runs (where both trained, ahead by "
                    "3.0 points in the median)")
    assert findings._failures(cv.assign(failed_b=0), "S2-kronecker-circles", names) == ""
    assert findings._failures(None, "S2-kronecker-circles", names) == ""


def test_the_short_answer_on_matching_ignores_a_rules_count_of_exceptions():
    from scaffold import rules

    with_exc = "holds with a DG mask other than as drawn and the roll cut in half" + rules.exceptions(2, 110)
    assert findings._lead([with_exc, "holds with a DG mask other than as drawn"]) == \
        "*With a DG mask other than as drawn.* "
    assert findings._lead([with_exc, "holds with G learned"]) == "*It depends on the task.* "


def test_the_short_answer_on_matching_names_the_tasks_it_holds_on():
    """The note claims the match on its classification tasks: the answer names where it holds
    and says what the others' verdicts are."""
    from scaffold import rules

    conds = ["holds with a DG mask other than as drawn",
             "holds with a DG mask other than as drawn" + rules.exceptions(2, 54, 2)]
    groups = {"holds": ["swiss_roll", "circles"], "unsupported": ["moons"]}
    assert findings._lead(conds, groups) == \
        "*On swiss roll and circles, with a DG mask other than as drawn; on moons, not settled.* "
    assert findings._lead(conds, {"holds": ["circles"], "contradicted": ["moons"]}) == \
        "*On circles, with a DG mask other than as drawn; on moons, not.* "
    assert findings._lead(conds, {"unsupported": ["moons"]}) == "*With a DG mask other than as drawn.* "
