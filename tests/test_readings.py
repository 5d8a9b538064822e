"""Readings as data: axes, the factorial, the one builder of HSN variants, the ambiguity table."""

import math
import os
import re
from pathlib import Path

import pytest

from scaffold import readings as R
from scaffold.data import DEFAULTS, TASKS
from scaffold.models import HSNConfig

NOTE = Path(os.environ.get("SCAFFOLD_NOTE", "/work/shared/seed/000_98a5097a4a6704ed.txt"))


def test_axes_are_well_formed():
    keys = [a.key for a in R.AXES]
    assert len(set(keys)) == len(keys)
    for a in R.AXES:
        assert len(a.levels) >= 2 and len(set(a.names)) == len(a.names)
        assert a.literal in a.names
        for lv in a.levels:
            assert lv.supports.strip()
            for k, v in lv.options:
                if a.scope == "hsn":
                    assert k in HSNConfig.__dataclass_fields__
                elif k == "task":
                    assert v in TASKS
                else:
                    assert k in DEFAULTS


def test_the_issue_axes_are_there():
    assert {"dg", "G", "input", "act", "swiss", "noise"} <= set(R.AXIS)
    assert R.AXIS["G"].level("r0.9").as_dict == {"spectral_radius": 0.9}
    assert R.AXIS["swiss"].level("arms").as_dict == {"task": "two_spirals"}


def test_factorial_is_complete_and_labels_are_unique():
    every = R.factorial()
    assert len(every) == math.prod(len(a.levels) for a in R.HSN_AXES)
    labels = {R.hsn_spec(r).label for r in every}
    assert len(labels) == len(every)
    pinned = R.factorial(fixed={"act": "tanh"})
    assert len(pinned) == len(every) // 2 and all(r["act"] == "tanh" for r in pinned)


def test_label_encodes_every_level():
    r = R.Reading.of(dg="min1", G="r1", input="every", act="relu")
    label = R.hsn_spec(r).label
    assert dict(re.findall(r"(\w+)=([\w.]+)", label)) == dict(r.levels)


def test_literal_is_the_notes_words_plus_library_defaults():
    # Where the note is silent, the literal reading is the library's default config.
    assert R.hsn_spec(R.LITERAL).config == HSNConfig()
    assert R.LITERAL["noise"] == "none" and R.AXIS["noise"].level("none").as_dict["sine_noise"] == 0.0


def test_repaired_is_a_plain_point_of_the_factorial():
    cfg = R.hsn_spec(R.REPAIRED).config
    assert (cfg.dg_min_inputs, cfg.spectral_radius) == (1, 0.9)
    assert cfg.input_every_step is False and cfg.activation == "tanh"
    assert R.REPAIRED.only([a.key for a in R.HSN_AXES]) in R.factorial()


def test_t0_variant_ignores_axes_that_cannot_act():
    a = R.Reading.of(dg="min1", G="raw", input="once", act="tanh")
    b = a.replace(G="r0.9", input="every")
    assert R.hsn_spec(a, "HSN T=0") == R.hsn_spec(b, "HSN T=0")
    assert R.hsn_spec(a, "HSN T=0").config.T == 0
    assert R.hsn_spec(a, "HSN random graph") != R.hsn_spec(b, "HSN random graph")
    assert R.hsn_spec(a, "HSN random graph").config.graph == "random"


def test_unknown_level_or_axis_raises():
    with pytest.raises(KeyError):
        R.Reading.of(dg="half")
    with pytest.raises(KeyError):
        R.Reading.of(depth="deep")


def test_task_readings_map_to_library_tasks_and_options():
    tr = {(lib, tuple(sorted(opts.items()))): (task, levels) for task, lib, opts, levels in R.task_readings()}
    assert tr[("two_spirals", ())] == ("swiss_roll", {"swiss": "arms", "swnoise": "0.5"})
    assert tr[("swiss_roll", (("spiral_noise", 1.0), ("swiss_noise", 1.0)))] == (
        "swiss_roll", {"swiss": "half", "swnoise": "1"})
    assert tr[("sine", (("sine_noise", 0.1),))] == ("sine", {"noise": "0.1"})
    # the default level sets no data option, so its sweeps share cache entries with other sections
    assert tr[("sine", ())] == ("sine", {"noise": "none"})
    assert tr[("moons", ())] == ("moons", {})


def test_ambiguity_table_quotes_only_the_note():
    t = R.ambiguity_table()
    assert len(t) == sum(len(a.levels) for a in R.AXES)
    quote = re.compile(r"^(\u201c[^\u201d]+\u201d)( \.\.\. \u201c[^\u201d]+\u201d)*$")
    for cell in t["the note says"]:
        assert cell == "silent" or quote.match(cell), cell
    assert t["literal"].sum() == len(R.AXES)


@pytest.mark.skipif(not NOTE.exists(), reason="the note's text is not on this machine")
def test_quotes_are_verbatim_in_the_note():
    text = NOTE.read_text(encoding="utf-8")
    for a in R.AXES:
        for q in a.note_says:
            assert q in text, q


def test_named_points_keep_their_names_and_nothing_else_does():
    assert R.hsn_spec(R.REPAIRED).label == "HSN (repaired)"
    assert R.hsn_spec(R.LITERAL, "HSN random graph").label == "HSN random graph (literal)"
    # T = 0 ignores the drive: the driven repaired point is the same model, with the same name
    assert R.hsn_spec(R.REPAIRED.replace(input="every"), "HSN T=0") == R.hsn_spec(R.REPAIRED, "HSN T=0")
    other = R.hsn_spec(R.REPAIRED.replace(input="every"))
    assert other.label.startswith("HSN [") and "input=every" in other.label
