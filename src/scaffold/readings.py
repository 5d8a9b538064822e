"""Readings as data: every choice the note leaves open, defined once.

The note describes its models in a few lines and leaves choices open that
decide whether the HSN trains at all.  An audit that fixes one of them and
reports the failure as the note's would judge its own reading, not the note.
So each open choice is an :class:`Axis` with its :class:`Level` s; a
:class:`Reading` picks one level per axis; every HSN variant the book trains is
built from a reading by :func:`hsn_spec`, the one place that turns a reading
into a :class:`~scaffold.models.ModelSpec` (with a label that encodes its levels).

Each level carries one line on what in the note supports it.  ``note_says``
holds the note's own words, as exact fragments (tests check them against the
note's text where it is available); an empty tuple means the note is silent.

"Literal" and "repaired" are not privileged models, only two named points of the
factorial (:data:`NAMED`): literal = the note's words where it speaks, the
library defaults where it is silent; repaired = literal plus one input per DG
unit and G at spectral radius 0.9.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import pandas as pd

from .data import DEFAULTS, NOTE_TASKS
from .models import HSNConfig, ModelSpec


@dataclass(frozen=True)
class Level:
    """One way to settle an axis: the options it sets and why the note allows it."""

    name: str  # short, used in labels and cache keys
    options: tuple  # (key, value) pairs: HSNConfig fields, ("task", name) or data options
    supports: str  # one line: what in the note supports this level (or that it is silent)
    plain: str = ""  # the level in plain words, for every page ("G rescaled to radius 0.9")
    unlike: str = ""  # "any other level" in plain words, where that reads better ("G rescaled")

    @property
    def as_dict(self) -> dict:
        return dict(self.options)


@dataclass(frozen=True)
class Axis:
    """One open choice.  ``scope`` is "hsn" (a model option) or the note task it acts on."""

    key: str
    title: str
    scope: str
    note_says: tuple  # exact fragments of the note; () = silent
    levels: tuple
    literal: str  # the level taken by the literal reading

    def level(self, name: str) -> Level:
        for lv in self.levels:
            if lv.name == name:
                return lv
        raise KeyError(f"axis {self.key!r} has no level {name!r}; levels: {[lv.name for lv in self.levels]}")

    @property
    def names(self) -> tuple:
        return tuple(lv.name for lv in self.levels)


def _lv(name, plain, supports, unlike="", **options) -> Level:
    return Level(name, tuple(sorted(options.items())), supports, plain, unlike)


HSN_AXES = (
    Axis("dg", "DG mask", "hsn", ("learned sparse input projection", "with 5% density"), (
        _lv("drawn", "the 5% DG mask as drawn", unlike="a DG mask other than as drawn", supports="the note's only rule is a 5% density; its §3.3 table counts 5 DG nonzeros, which "
                     "one Bernoulli draw on 64 slots gives (mean 3.2)", dg_min_inputs=0),
        _lv("min1", "one input per DG unit", unlike="a DG mask other than one input per unit", supports="silent on DG units left without input; one input per unit gives at least 32 "
                    "nonzeros, against the 5 of its §3.3 table", dg_min_inputs=1),
        _lv("init", "the DG mask at the start only", unlike="a DG mask other than at the start only", supports="the 897 / 865 counts count all of W_dg: a mask applied when the "
                    "weights are drawn and then not enforced makes every entry learned", dg_mask="init"),
        _lv("dense", "no DG mask", unlike="a DG mask", supports="the 897 / 865 counts count all of W_dg: a mask never enforced is a dense, "
                     "fully learned W_dg", dg_mask="none"),
    ), literal="drawn"),
    Axis("G", "G scale", "hsn", ("built from a Sierpiński initiator",
                                 "giving precise control over spectral properties"), (
        _lv("raw", "the raw 0/1 graph", unlike="G rescaled", supports="a 0/1 initiator and no word on rescaling: its Kronecker power stays 0/1 "
                   "(radius about 6.85 at 16 units)", spectral_radius=None),
        _lv("r0.9", "G rescaled to radius 0.9", unlike="G raw or at radius 1", supports="silent on scale; radius 0.9 is the echo-state convention of the reservoir "
                    "computing the note cites (Jaeger 2001)", spectral_radius=0.9),
        _lv("r1", "G rescaled to radius 1", unlike="G raw or at radius 0.9", supports="silent on scale; radius 1 is the edge of stability, the other usual choice",
            spectral_radius=1.0),
    ), literal="raw"),
    Axis("learnG", "G learned", "hsn", ("fixed Kronecker graph", "897 learned parameters"), (
        _lv("fixed", "G fixed", supports="the note calls the graph fixed, again and again", graph_mode="fixed"),
        _lv("learned", "G learned from its Kronecker start", supports="the 897 count only adds up if all 256 "
                       "entries of G count as learned; this level learns G on its nonzero positions, starting "
                       "from the Kronecker graph",
            graph_mode="learned"),
    ), literal="fixed"),
    Axis("input", "Input to CA3", "hsn", ("circulates this code for 5 iterations",), (
        _lv("once", "the input entering once", supports="'circulates this code' reads as a code that enters once and then goes round",
            input_every_step=False),
        _lv("every", "the input entering every step", supports="silent on drive; the reservoirs the note compares itself with feed the input "
                     "at every step", input_every_step=True),
    ), literal="once"),
    Axis("act", "CA3 activation", "hsn", ("settle into a stable recurrent attractor",), (
        _lv("tanh", "a tanh loop", supports="no CA3 nonlinearity is named; a bounded one is what settling into an attractor "
                    "needs", activation="tanh"),
        _lv("relu", "a ReLU loop", supports="no CA3 nonlinearity is named; ReLU is the only one the note names (CEN, dense "
                    "MLP)", activation="relu"),
    ), literal="tanh"),
)

TASK_AXES = (
    Axis("swiss", "Swiss-roll label", "swiss_roll", ("binary label on a 2D spiral manifold",), (
        _lv("half", "the roll cut in half for its label", supports="silent on which label; the generator has none, and cutting the roll at "
                    "mid-length is the simplest binary label on it", task="swiss_roll"),
        _lv("arms", "the two-spirals label", supports="silent on which label; a 'spiral' label can also mean two interleaved arms, "
                    "the classic harder benchmark", task="two_spirals"),
    ), literal="half"),
    Axis("swnoise", "Swiss-roll noise", "swiss_roll", ("binary label on a 2D spiral manifold",), (
        _lv("0.5", "roll noise 0.5", supports="silent on noise; 0.5 is this book's default, on which the dense MLP "
                   "scores 0.997 against the note's 0.984", swiss_noise=0.5, spiral_noise=0.5),
        _lv("1", "roll noise 1", supports="silent on noise; the note's 0.984 for both models suggests a harder roll",
            swiss_noise=1.0, spiral_noise=1.0),
    ), literal="0.5"),
    Axis("noise", "Sine target noise", "sine", (r"predict \(y = \sin(x)\)",), (
        _lv("none", "the noise-free sine", supports="the note writes the target as sin(x), with no noise term", sine_noise=0.0),
        _lv("0.1", "sine noise 0.1", supports="silent; only the moons are called noisy; sigma 0.1 is a usual regression "
                   "benchmark setting", sine_noise=0.1),
    ), literal="none"),
)

AXES = HSN_AXES + TASK_AXES
AXIS = {a.key: a for a in AXES}


@dataclass(frozen=True)
class Reading:
    """One level per axis (a subset of the axes: those that act on what is trained)."""

    levels: tuple  # (axis key, level name) pairs, in AXES order

    @staticmethod
    def of(**levels) -> "Reading":
        for k, v in levels.items():
            AXIS[k].level(v)  # raises on an unknown axis or level
        return Reading(tuple((a.key, levels[a.key]) for a in AXES if a.key in levels))

    def __getitem__(self, key: str) -> str:
        return dict(self.levels)[key]

    def replace(self, **levels) -> "Reading":
        return Reading.of(**{**dict(self.levels), **levels})

    def only(self, keys) -> "Reading":
        return Reading.of(**{k: v for k, v in self.levels if k in keys})

    @property
    def label(self) -> str:
        return " ".join(f"{k}={v}" for k, v in self.levels)

    def options(self) -> dict:
        """The options every level of this reading sets, merged."""
        out = {}
        for k, v in self.levels:
            out.update(AXIS[k].level(v).as_dict)
        return out


def factorial(axes=HSN_AXES, fixed: dict | None = None) -> list[Reading]:
    """Every combination of the axes' levels (``fixed`` pins some axes to one level)."""
    fixed = fixed or {}
    choices = [(a.key, (fixed[a.key],) if a.key in fixed else a.names) for a in axes]
    return [Reading.of(**dict(zip([k for k, _ in choices], combo)))
            for combo in itertools.product(*[c for _, c in choices])]


LITERAL = Reading.of(**{a.key: a.literal for a in AXES})
REPAIRED = LITERAL.replace(dg="min1", G="r0.9")
NAMED = {"literal": LITERAL, "repaired": REPAIRED}


@dataclass(frozen=True)
class Variant:
    """A control built on a reading: extra HSN options, and the axes it makes irrelevant."""

    name: str
    options: tuple
    ignores: tuple = ()  # HSN axes that cannot act on this variant (dropped from its label)


VARIANTS = {
    "HSN": Variant("HSN", ()),
    # With T = 0 the graph is never applied: its scale, whether it is learned and the drive
    # mode do nothing (so one T = 0 control serves a reading with G fixed and with G learned).
    "HSN T=0": Variant("HSN T=0", (("T", 0),), ignores=("G", "learnG", "input")),
    "HSN random graph": Variant("HSN random graph", (("graph", "random"),)),
    "HSN identity graph": Variant("HSN identity graph", (("graph", "identity"),)),
    "HSN learned G": Variant("HSN learned G", (("graph_mode", "learned"),)),
    # The T ablation (the note fixes T = 5; fewer and more steps ask what the loop adds).
    **{f"HSN T={t}": Variant(f"HSN T={t}", (("T", t),)) for t in (1, 2, 10)},
}


def relevant(variant: str = "HSN") -> tuple:
    """The HSN axes that act on ``variant``."""
    return tuple(a.key for a in HSN_AXES if a.key not in VARIANTS[variant].ignores)


def point_name(reading: Reading, variant: str = "HSN") -> str | None:
    """"literal" or "repaired" when ``reading`` is that named point on the axes acting on
    ``variant`` (a T = 0 control ignores G and the drive), else None."""
    keys = relevant(variant)
    for name, point in NAMED.items():
        if reading.only(keys) == point.only(keys):
            return name
    return None


def hsn_spec(reading: Reading, variant: str = "HSN") -> ModelSpec:
    """The HSN of ``reading`` (its HSN axes only) as a ModelSpec.

    The label is the model's identity in the cache: a named point is labelled by
    its name ("HSN (repaired)", "HSN T=0 (repaired)"), any other reading by its
    levels ("HSN [dg=min1 G=r1 input=every act=tanh]"), so one model never trains
    under two labels.
    """
    v = VARIANTS[variant]
    r = reading.only(relevant(variant))
    opts = {k: val for k, val in r.options().items() if k in HSNConfig.__dataclass_fields__}
    name = point_name(reading, variant)
    label = f"{v.name} ({name})" if name else f"{v.name} [{r.label}]"
    return ModelSpec.make(label, "hsn", **{**opts, **dict(v.options)})


def task_readings() -> list[tuple[str, str, dict, dict]]:
    """(note task, library task, data options, task-axis levels) for every task reading.

    Data options equal to the library defaults are dropped, so that the default
    task reading shares its cache entries with every other section's sweeps.
    """
    out = []
    for task in NOTE_TASKS:
        axes = [a for a in TASK_AXES if a.scope == task]
        for levels in itertools.product(*[a.levels for a in axes]):
            opts = {k: v for lv in levels for k, v in lv.options}
            lib = opts.pop("task", task)
            opts = {k: v for k, v in opts.items() if DEFAULTS.get(k) != v}
            out.append((task, lib, opts, {a.key: lv.name for a, lv in zip(axes, levels)}))
    return out


def ambiguity_table() -> pd.DataFrame:
    """One row per axis: the note's own words (or "silent"), the levels, what supports each."""
    rows = []
    for a in AXES:
        said = " ... ".join(f"\u201c{q}\u201d" for q in a.note_says) or "silent"
        for lv in a.levels:
            rows.append({"part": "HSN" if a.scope == "hsn" else "Data", "question": a.title,
                         "the note says": said, "level": lv.name,
                         "sets": ", ".join(f"{k}={v}" for k, v in lv.options),
                         "literal": lv.name == a.literal,
                         "repaired": lv.name == REPAIRED[a.key],
                         "what supports it": lv.supports})
    return pd.DataFrame(rows)
