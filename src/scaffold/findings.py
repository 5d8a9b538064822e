"""The book's answer in a few plain sentences, generated from the claims ledger.

The first screen of the book states what the audit found, not a tally of verdict
words: when the HSN matches the dense MLP, whether the recurrence and the graph
matter, how a dense MLP of the same learned budget does, why the CEN fails on
sine, and which readings the note's own numbers point to.  Every sentence is
built here from the ledger (:mod:`scaffold.ledger`) and the per-reading tables the
audit writes, so a page cannot say more than the ledger does; the introduction
and the audit page quote the same sentences, and a test holds them to the rows.

Each :class:`Finding` carries the claim ids it rests on, so the page links every
sentence to its ledger row (``05-audit.html#claim-<id>``) and to its figure.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from . import fmt, rules
from . import verdicts as V
from .data import task_title
from .models import CEN_NOTE
from .readings import AXIS, HSN_AXES, LITERAL, TASK_AXES

CLASSIFICATION = ("swiss_roll", "circles", "moons")
STRUCTURE_TASKS = ("swiss_roll", "circles", "moons", "two_spirals")
AUDIT = "05-audit"


@dataclass(frozen=True)
class Finding:
    """One question the first screen answers, its answer, and the ledger rows and figure behind it."""

    key: str
    question: str
    answer: str
    claims: tuple  # claim ids, in the order their links are shown
    figure: str = ""
    labels: tuple = ()  # one short link text per claim (default: the claim id)

    @property
    def headline(self) -> str:
        """The short answer: the answer's opening sentence in italics, without them ("" if it has none).

        Every finding below opens its answer that way, so the first screen can list the
        short answers (:func:`short_answers`) and the paragraphs can follow.
        """
        m = re.match(r"\*([^*]+)\*", self.answer)
        return m.group(1) if m else ""

    @property
    def anchor(self) -> str:
        """The id of the finding's paragraph on a page (``finding-<key>``)."""
        return f"finding-{self.key}"

    def markdown(self, page: str = AUDIT) -> str:
        """The finding as one paragraph: the question in bold, the answer, links to its evidence."""
        # Plain HTML links: MyST would take a Markdown link to another page's anchor for a
        # cross-reference it cannot resolve.  ``page`` "" links within the same page.
        base = f"{page}.html" if page else ""
        labels = self.labels or self.claims
        groups: dict = {}  # a label "group|text" is shown as "group: text, text"
        for t, c in zip(labels, self.claims):
            g, _, t = t.rpartition("|")
            groups.setdefault(g, []).append(f'<a href="{base}#claim-{c}">{t}</a>')
        links = "; ".join((f"{g} " if g else "") + ", ".join(v) for g, v in groups.items())
        fig = f'<a href="{base}#{self.figure}">figure</a>' if self.figure else ""
        evidence = "; ".join(x for x in (links, fig) if x)
        # The paragraph's anchor, for the short answers' links (an empty span: MyST passes inline HTML).
        head = f'<span id="{self.anchor}"></span>**{self.question}**'
        if not evidence:  # nothing judged: no empty "Evidence: ."
            return f"{head} {self.answer}"
        return f"{head} {self.answer} <span class=\"evidence\">Evidence: {evidence}.</span>"


def _rows(led: pd.DataFrame) -> pd.DataFrame:
    return led.set_index("claim_id")


def _tasks(words) -> str:
    return fmt.listed(task_title(w) for w in words)


def _points(x: float) -> str:
    """An accuracy difference in points of accuracy (0.012 -> "1.2 points")."""
    return f"{fmt.num(abs(100 * x), 2)} points"


def _by_verdict(rows: pd.DataFrame, ids) -> dict:
    out: dict = {}
    for cid, task in ids:
        if cid in rows.index:
            out.setdefault(rows.loc[cid, "verdict"], []).append(task)
    return out


def _verdict_list(groups: dict) -> str:
    """ "holds on swiss roll and moons; is unsupported on circles" """
    return "; ".join(f"{V.predicate(v)} on {_tasks(ts)}" for v, ts in groups.items())


def matches(led: pd.DataFrame, curves: pd.DataFrame, readings: pd.DataFrame | None = None) -> Finding:
    """When the HSN matches the dense MLP, from the C1 rows and their curves."""
    rows = _rows(led)
    ids = [f"C1-{t}" for t in CLASSIFICATION if f"C1-{t}" in rows.index]
    got = rows.loc[ids]
    by_cond: dict = {}
    for c in ids:
        by_cond.setdefault(got.loc[c, "condition"], []).append(c.split("-", 1)[1])
    if len(by_cond) == 1:
        cond = f"Over every reading that trains, it {next(iter(by_cond))}"
    else:
        cond = "Over every reading that trains: " + "; ".join(f"on {_tasks(ts)} it {c}" for c, ts in by_cond.items())
    groups = _by_verdict(rows, [(c, c.split("-", 1)[1]) for c in ids])
    text = (_lead(list(by_cond), groups)
            + "Under the readings consistent with the note's own numbers, the HSN minus the dense "
            f"MLP is {fmt.signed(100 * float(got['ours'].median()), 2)} points of accuracy (the median of the "
            f"{fmt.count(len(ids), 'task')}' medians; margin {_points(V.MARGIN_ACC)}), and \u201cthe HSN matches or beats "
            f"the dense MLP\u201d {_verdict_list(groups)}. {cond}.")
    lost = _losses(curves)
    if lost:
        text += " " + lost
    deg = int(readings["degenerate"].sum()) if readings is not None and "degenerate" in readings else 0
    if deg:
        bad = set(readings.loc[readings["degenerate"].astype(bool), "reading"])
        lit = (", the literal one (the note's words as written) among them,"
               if LITERAL.only([a.key for a in HSN_AXES]).label in bad else "")
        text += (f" {_upper(fmt.count(deg, 'HSN reading'))} of {fmt.int_(len(readings))}{lit} "
                 f"{'does' if deg == 1 else 'do'} not train at all (degenerate: shown, counted, left out of every "
                 "verdict).")
    return Finding("matches", "When does the HSN match the dense MLP?", text, tuple(ids),
                   "fig-audit-curve-matches", tuple(task_title(c.split("-", 1)[1]) for c in ids))


def _lead(conditions, groups: dict | None = None) -> str:
    """The short answer: the condition every task's rule starts with, if they share one.

    With the claim's verdicts by task (``groups``), the condition is given for the tasks
    where the claim holds and the others' verdicts follow it: "*On swiss roll and circles,
    with a DG mask other than as drawn; on moons, not settled.*" (the note claims the match
    on its classification tasks only, so the answer names them).
    """
    heads = [rules.without_exceptions(c).split(" and ")[0] for c in conditions if c.startswith("holds with ")]
    if len(heads) == len(conditions) and len(set(heads)) == 1:
        cond = heads[0][len("holds with "):]
        held = (groups or {}).get(V.HOLDS)
        if not held:
            return f"*With {cond}.* "
        rest = [f"on {_tasks(ts)}, {VERDICT_WORDS.get(v, v)}" for v, ts in groups.items() if v != V.HOLDS]
        return f"*On {_tasks(held)}, with {'; '.join([cond, *rest])}.* "
    if all(c.startswith("holds under every") for c in conditions):
        return "*Always.* "
    if all(c.startswith("holds under no") for c in conditions):
        return "*Never.* "
    return "*It depends on the task.* "


#: A verdict as a short answer puts it after a task ("on moons, not settled").
VERDICT_WORDS = {V.CONTRADICTED: "not", V.UNSUPPORTED: "not settled", V.UNINFORMATIVE: "not settled",
                 V.UNTESTABLE: "not tested"}


def _upper(text: str) -> str:
    return text[:1].upper() + text[1:]


def _losses(curves: pd.DataFrame) -> str:
    """Where the HSN does not match: the range of its deficit under the readings that train but fail."""
    if curves is None or curves.empty:
        return ""
    c = curves[curves["claim"].astype(str).str.startswith("matches-") & ~curves["degenerate"].astype(bool)]
    bad = c[c["verdict"] != V.HOLDS]
    if bad.empty:
        return ""
    least, most = float(bad["gain"].max()), float(bad["gain"].min())
    where = "Under the other readings that train"
    if most >= 0:  # failing readings that are not behind on average: their intervals are too wide
        return (f"{where} it is {_points(most)} to {_points(least)} ahead on average, too variable to be "
                "judged a match.")
    if least >= 0:
        return f"{where} it ranges from {_points(most)} behind to {_points(least)} ahead."
    # "not shown to match": a deficit under the margin whose interval crosses it fails too
    if _points(least) == _points(most):
        return f"{where} it is not shown to match: on average it trails the dense MLP by {_points(most)}."
    return (f"{where} it is not shown to match: on average it trails the dense MLP by "
            f"{_points(least).split()[0]} to {_points(most)}.")


def _shared_levels(df: pd.DataFrame, axes) -> str:
    """The levels every row shares, in plain words ("the 5% DG mask as drawn")."""
    out = []
    for k in axes:
        if k in df and df[k].astype(str).nunique() == 1 and str(df[k].iloc[0]):
            out.append(AXIS[k].level(str(df[k].iloc[0])).plain or str(df[k].iloc[0]))
    return " and ".join(out)


def _sizes(rows: pd.DataFrame, ids, what: str, better: str, worse: str, curves: pd.DataFrame | None = None,
           names: tuple = ("HSN", "control")) -> str:
    """Per task, the median difference in words: within the margin, or who is ahead by how much (and,
    from ``curves``, how much of that comes from runs that never trained; ``names``: the two sides)."""
    same, ahead, behind = [], [], []
    for cid, task in ids:
        if cid not in rows.index:
            continue
        x = float(rows.loc[cid, "ours"])
        (same if abs(x) <= V.MARGIN_ACC else ahead if x > 0 else behind).append((cid, task, x))
    parts = []
    if same:
        verb = "differs" if what == "the HSN" else "changes test accuracy"
        parts.append(f"{what} {verb} by less than the margin on {_tasks([t for _, t, _ in same])}")
    parts += [f"{better} by {_points(x)} on {task_title(t)}" + _failures(curves, c, names) for c, t, x in ahead]
    parts += [f"{worse} by {_points(x)} on {task_title(t)}" + _failures(curves, c, names) for c, t, x in behind]
    return "; ".join(parts)


def _failures(curves: pd.DataFrame | None, cid: str, names: tuple) -> str:
    """Words for a median difference beyond the margin that runs which never trained carry, or ''.

    Such runs stay in every comparison (failing is part of how a model does); this says which side
    failed, how often, and the median over the seeds on which both trained.
    """
    if curves is None or "failed_b" not in curves:
        return ""
    c = curves[(curves["claim"] == cid.split("-", 1)[1]) & curves["consistent"].astype(bool)]
    k_a, k_b, n = int(c["failed_a"].sum()), int(c["failed_b"].sum()), int(c["n"].sum())
    if c.empty or not (k_a or k_b):
        return ""
    who = fmt.listed([f"the {name} never trained in {k} of {n} runs" for name, k in zip(names, (k_a, k_b)) if k])
    rest = float(c["gain_trained"].median())
    if abs(rest) <= V.MARGIN_ACC:
        return f", mostly because {who} (where both trained, the median difference is within the margin)"
    where = "ahead" if rest > 0 else "behind"
    return f", partly because {who} (where both trained, {where} by {_points(rest)} in the median)"


def _held_under(rows: pd.DataFrame, cid: str) -> tuple[int, int]:
    """(readings under which a claim holds, readings that train), from its ledger row."""
    r = rows.loc[cid]
    n = int(r["readings"]) if finite(r.get("readings")) else 0
    share = float(r["share"]) if finite(r.get("share")) else 0.0
    return int(round(share * n)), n


#: Below this share of the readings that train, a claim that holds there holds under "a few".
FEW = 0.25


def _held_ruled_out(curves: pd.DataFrame | None, keys) -> bool:
    """Whether every reading (that trains) under which one of these curve claims holds is one the
    note's numbers rule out; False where the curves are not at hand or it holds nowhere."""
    if curves is None or not {"claim", "verdict", "ruled_out"} <= set(curves.columns):
        return False
    held = curves[curves["claim"].isin(keys) & (curves["verdict"] == V.HOLDS)]
    if "degenerate" in held:
        held = held[~held["degenerate"].fillna(False).astype(bool)]
    return len(held) > 0 and bool(held["ruled_out"].fillna(False).astype(bool).all())


def _lead_over(rows: pd.DataFrame, ids, only_ruled_out: bool = False) -> str:
    """The short answer on the loop and the graph: the verdicts under the consistent readings,
    and whether either helps under any other reading that trains (the ledger's share), and
    whether those readings are all ones the note's numbers rule out (``only_ruled_out``)."""
    present = [c for c, _ in ids if c in rows.index]
    held = sorted({t for c, t in ids if c in rows.index and rows.loc[c, "verdict"] == V.HOLDS})
    if held:
        return f"*Yes, on {_tasks(held)}.* "
    refuted = all(rows.loc[c, "verdict"] == V.CONTRADICTED for c in present)
    shares = [k / n for k, n in (_held_under(rows, c) for c in present) if n and k]
    if shares:  # the share counts every reading that trains, the consistent ones too: not "others"
        few = "a few" if max(shares) < FEW else "some"
        where = (f"only under {few} readings that the note's numbers rule out" if only_ruled_out
                 else f"under {few} readings, they do")
        return f"*{'No,' if refuted else 'Not shown to help'} under the readings consistent with the note; {where}.* "
    return "*No.* " if refuted else "*Not shown to help on any task.* "


def _held_words(rows: pd.DataFrame, ids, what: str) -> str:
    """"<what> under 2 of 78 readings on swiss roll, ... and under none on moons": where a claim
    holds over every reading that trains, per task (the ledger's share of its readings)."""
    some, none = [], []
    for cid, task in ids:
        if cid not in rows.index:
            continue
        k, n = _held_under(rows, cid)
        (some.append(f"{fmt.int_(k)} of {fmt.int_(n)} on {task_title(task)}") if k else none.append(task))
    if not some:
        return f"{what} under none" + (f" on {_tasks(none)}" if none else "")
    first = some[0].replace(" on ", " readings on ", 1)  # "2 of 78 readings on swiss roll, 3 of 50 on ..."
    return f"{what} under " + fmt.listed([first, *some[1:], *([f"under none on {_tasks(none)}"] if none else [])])


def _with_controls(curves: pd.DataFrame | None, readings: pd.DataFrame | None, keys) -> tuple | None:
    """(how many readings consistent with the note have a row in every curve of ``keys``, how many
    are consistent); None where the tables are not at hand."""
    if curves is None or readings is None or "consistent" not in readings or "reading" not in curves:
        return None
    cons = set(readings.loc[readings["consistent"].astype(bool), "reading"])
    have = set(cons)
    for k in keys:
        have &= set(curves.loc[curves["claim"] == k, "reading"])
    return len(have), len(cons)


def _over_consistent(covered: tuple | None) -> str:
    """Which readings a structural finding's sizes are taken over, in words."""
    if covered is not None and covered[0] == covered[1]:
        return ("the one HSN reading consistent with the note, which has these controls" if covered[1] == 1 else
                f"the {covered[1]} HSN readings consistent with the note, each with these controls (median over "
                "them)")
    # the controls (T = 0, random graph) are trained under some readings only (scaffold.multiverse)
    if covered is not None:
        return (f"the one of the {covered[1]} HSN readings consistent with the note that has these controls"
                if covered[0] == 1 else f"the {covered[0]} of the {covered[1]} HSN readings consistent with the "
                "note that have these controls (median over them)")
    return "the HSN readings consistent with the note that have these controls (median over them)"


def structure(led: pd.DataFrame, curves: pd.DataFrame | None = None, readings: pd.DataFrame | None = None) -> Finding:
    """Whether the recurrence (T = 5 against T = 0) and the Kronecker graph matter, per task."""
    rows = _rows(led)
    s1 = [(f"S1-circulation-{t}", t) for t in STRUCTURE_TASKS]
    s2 = [(f"S2-kronecker-{t}", t) for t in STRUCTURE_TASKS]
    ids = [c for c, _ in s1 + s2 if c in rows.index]
    if not ids:
        return Finding("structure", "Do the recurrence and the graph matter?", "Not judged in this build.", ())
    keys = [c.split("-", 1)[1] for c in ids]  # the curves' names of these claims
    covered = _with_controls(curves, readings, keys)
    over, one = _over_consistent(covered), covered is not None and covered[0] == 1
    open_ = ("its interval leaves it open" if one else
             "some reading's interval leaves it open or the readings disagree, so a median beyond the margin can "
             f"be {V.UNSUPPORTED}")
    text = (_lead_over(rows, s1 + s2, _held_ruled_out(curves, keys))
            + f"Under {over}: "
            + _sizes(rows, s1, "removing the loop (T = 0)", "with its loop the HSN is ahead",
                     "with its loop the HSN is behind", curves, ("HSN", "HSN at T = 0")) + ". "
            + _upper(_sizes(rows, s2, "a random graph with the same edges", "the Kronecker graph is ahead",
                            "the Kronecker graph is behind", curves, ("Kronecker graph", "random graph"))) + ". "
            f"\u201cThe circulation through the graph is the key\u201d {_verdict_list(_by_verdict(rows, s1))}; \u201cthe Kronecker "
            f"graph beats a random graph\u201d {_verdict_list(_by_verdict(rows, s2))}. Over every reading that "
            f"trains, {_held_words(rows, s1, 'the loop helps')}; "
            f"{_held_words(rows, s2, 'the Kronecker graph beats a random one')}. {_upper(V.CONTRADICTED)} here "
            f"means that, {'under that reading' if one else 'under every one of these readings'}, the difference "
            f"is shown to be within the margin ({_points(V.MARGIN_ACC)} of accuracy) or to go the other way; "
            f"{V.UNSUPPORTED}, that {open_}.")
    labels = tuple(("T = 0 on|" if c.startswith("S1") else "random graph on|")
                   + task_title(c.split("-", 2)[2]) for c in ids)
    return Finding("structure", "Do the recurrence and the graph matter?", text, tuple(ids),
                   "fig-audit-curve-circulation", labels)


def budget(led: pd.DataFrame, curves: pd.DataFrame | None = None) -> Finding:
    """A dense MLP of the HSN's learned budget, and the dense frontier."""
    rows = _rows(led)
    s3 = [(f"S3-budget-{t}", t) for t in STRUCTURE_TASKS]
    ids = [c for c, _ in s3 if c in rows.index]
    groups = _by_verdict(rows, s3)
    if V.HOLDS in groups:
        lead = f"*Worse than the HSN on {_tasks(groups[V.HOLDS])}.* "
    else:
        # A task left open under the consistent readings, where the HSN is ahead under no reading
        # that trains, is "never shown worse": the claim holds nowhere, though not refuted everywhere.
        # Where, moreover, the HSN is behind under every consistent reading (the range of their
        # medians, lo to hi, below zero), the budget MLP is "ahead under every consistent reading".
        s3_id = {t: c for c, t in s3}
        rest = [t for v, ts in groups.items() if v != V.CONTRADICTED for t in ts]
        under = {t: _held_under(rows, s3_id[t]) for t in rest}
        never = [t for t in rest if under[t][1] and not under[t][0]]
        ahead = [t for t in never if finite(rows.loc[s3_id[t], "hi"]) and float(rows.loc[s3_id[t], "hi"]) < 0]
        never = [t for t in never if t not in ahead]
        open_ = [t for t in rest if t not in never and t not in ahead]
        # ... ahead by less than the margin in the median, it does as well as the HSN; by more, better.
        median = {t: float(rows.loc[s3_id[t], "ours"]) for t in ahead}
        far = [t for t in ahead if abs(median[t]) > V.MARGIN_ACC]
        won = groups.get(V.CONTRADICTED, []) + [t for t in ahead if t not in far]
        if not won and not never and not far:
            parts = ["not settled"]
        elif not won and not open_ and not far:
            parts = ["never shown worse than the HSN"]
        else:
            parts = ([f"as well as the HSN or better on {_tasks(won)}"] if won else []) + \
                    ([f"ahead of it on {_tasks(far)} under every reading consistent with the note ("
                      + "; ".join(f"{_points(median[t])} in the median"
                                  + (f" on {task_title(t)}" if len(far) > 1 else "") for t in far) + ")"]
                     if far else []) + \
                    ([f"never shown worse on {_tasks(never)}"] if never else []) + \
                    ([f"not settled on {_tasks(open_)}"] if open_ else [])
        lead = f"*{_upper('; '.join(parts))}.* "
    text = (lead + "Against a dense MLP with the HSN's number of learned parameters: "
            + _sizes(rows, s3, "the HSN", "the HSN is ahead", "the HSN is behind", curves, ("HSN", "budget MLP"))
            + f". The claim \u201cstructure substitutes for learned parameters\u201d {_verdict_list(groups)}"
            + (f". {_upper(V.UNSUPPORTED)} means that some reading's interval leaves the claim open, or that the "
               "readings disagree" if V.UNSUPPORTED in groups else "")
            + f". Over every reading that trains, {_held_words(rows, s3, 'the HSN beats it')}.") if ids else ""
    labels = ["budget MLP on|" + task_title(c.split("-", 2)[2]) for c in ids]
    if "S4-frontier" in rows.index:
        r = rows.loc["S4-frontier"]
        n = int(r["readings"])
        text += (f" Against dense MLPs of every width from 4 to 64, {fmt.int_(round(r['share'] * n))} of "
                 f"{fmt.int_(n)} HSN comparisons (readings that train, each task) sit above the curve at the "
                 f"HSN's learned parameter count by the rulebook (the interval of the gain above zero and "
                 f"reaching the margin); a mean a hair above the curve does not count.")
        ids.append("S4-frontier")
        labels.append("the dense frontier")
    return Finding("budget", "How does an equally small dense MLP do?", text.strip(),
                   tuple(ids), "fig-audit-frontier", tuple(labels))


def cen(led: pd.DataFrame) -> Finding:
    """Why the CEN fails on sine: the note's reason against the bias control."""
    rows = _rows(led)
    ids = [c for c in ("C4-sine", "C5-explanation") if c in rows.index]
    if "C5-explanation" not in rows.index:
        return Finding("cen", "Why does the CEN fail on sine?", "Not judged in this build.", tuple(ids))
    r = rows.loc["C5-explanation"]
    # The explanation is refuted by its control (the same data-agnostic expander, with biases).
    # The short answer says no more: how much the biases, and the sparse mask, each account for
    # depends on the width (the paragraph's controls give both).
    lead = {V.CONTRADICTED: "*Not, as the note says, because its random features ignore the data.* ",
            V.HOLDS: "*As the note says: its random features ignore the data.* "}.get(
        r["verdict"], "*Whether, as the note says, its random features ignoring the data is why is not settled.* ")
    cause = ("Two other causes fit the same failure: the CEN's hidden units have no biases, so every ReLU unit "
             f"bends at x = 0, and its {fmt.pct(CEN_NOTE.config.density)} mask leaves units without input. "
             "Controls that keep the features data-agnostic tell them apart")
    text = f"{lead}{cause}: {r['why']} The note's explanation {V.predicate(r['verdict'])}."
    return Finding("cen", "Why does the CEN fail on sine?", text, tuple(ids), "fig-audit-forest",
                   tuple({"C4-sine": "the failure", "C5-explanation": "the explanation"}[c] for c in ids))


def note_points_to(readings: pd.DataFrame, task_readings: pd.DataFrame | None) -> str:
    """Which levels the readings consistent with the note share, and which the note rules out."""
    if readings is None or readings.empty or not readings["consistent"].any():
        return ""
    cons = readings[readings["consistent"].astype(bool)]
    shared = _shared_levels(cons, [a.key for a in HSN_AXES if readings[a.key].astype(str).nunique() > 1])
    out, data = [], []
    if shared:
        out.append(f"every HSN reading consistent with them has {shared}")
    if task_readings is not None and not task_readings.empty:
        for ax in TASK_AXES:
            if ax.key not in task_readings:
                continue
            t = task_readings[task_readings[ax.key].fillna("").astype(str) != ""]
            levels = t[t["consistent"].astype(bool)][ax.key].astype(str).unique()
            if len(levels) == 1 and t[ax.key].nunique() > 1:
                data.append(ax.level(levels[0]).plain)
    if data:
        out.append(f"the task readings they fit best are {fmt.listed(data)}")
    ruled = _ruled_levels(readings)
    if ruled:
        out.append(f"they rule out {ruled}")
    return ("What the note ran can be read off its own differences from the dense MLP: "
            + "; ".join(out) + ".") if out else ""


def _ruled_levels(readings: pd.DataFrame) -> str:
    """HSN levels under which every reading that trains is ruled out by the note's numbers."""
    ok = readings[~readings["degenerate"].astype(bool)]
    out = []
    for ax in HSN_AXES:
        if ax.key not in ok:
            continue
        for lv, g in ok.groupby(ax.key):
            if len(g) and g["ruled_out"].astype(bool).all() and ok[ax.key].nunique() > 1:
                out.append(ax.level(str(lv)).plain)
    return " and ".join(out)


def findings(led: pd.DataFrame, curves: pd.DataFrame | None = None, readings: pd.DataFrame | None = None,
             task_readings: pd.DataFrame | None = None) -> list[Finding]:
    """The first screen's findings, in order."""
    out = [matches(led, curves, readings)]
    pointer = note_points_to(readings, task_readings)
    if pointer:
        out[0] = replace(out[0], answer=out[0].answer + " " + pointer)
    return out + [structure(led, curves, readings), budget(led, curves), cen(led)]


def as_markdown(items, page: str = AUDIT) -> str:
    """The findings as a list of paragraphs."""
    return "\n\n".join(f.markdown(page) for f in items)


def short_answers(items) -> str:
    """The short answers as a list, each question linked to its paragraph on the same page:
    what a reader on a phone meets on the first screen, before the paragraphs."""
    return "\n".join(f'- <a href="#{f.anchor}">{f.question}</a> **{f.headline}**' for f in items if f.headline)


def finite(x) -> bool:
    return x is not None and np.isfinite(float(x))
