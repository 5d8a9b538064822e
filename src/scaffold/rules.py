"""Conditional verdicts: the shortest rule over axis levels that says where a claim holds.

A claim judged under every reading of the note holds under some readings and not
under others.  "Holds under 10 of 48 readings" says how often, not where; one-axis
flip rates say which axis matters alone, but not an interaction such as "every DG
unit has an input and (G is rescaled or the input enters every step)".
:func:`find_rule` searches every formula of up to three conditions over the axes'
levels for the one that separates the readings where the outcome is true from
those where it is false, and reports how many readings it gets wrong.

Conditions are ``axis == level`` and ``axis != level`` (on a two-level axis the
two coincide with the other level's ``==``, and only ``==`` is kept).  Formulas
are a single condition, conjunctions and disjunctions of two or three, and the
mixed forms ``a and (b or c)`` and ``a or (b and c)``.  Together with "always"
and "never" these are closed under negation, so the rule for "fails" is as short
as the rule for "holds".

Order of preference (``tolerance`` errors are free):

1. fewest errors beyond ``tolerance`` (tolerance 0: an exact rule if one exists);
2. fewest conditions;
3. fewest errors;
4. a stable order: shape (one condition; and; or; a and (b or c); a or (b and c)),
   then the conditions in the order the axes and their levels are given
   (``==`` before ``!=``).

The search is exhaustive, over bit masks: each condition is the packed bit
vector of the readings it is true for, a formula's vector is the AND/OR of its
conditions', and its errors are the popcount of its XOR with the outcome.  With
about 100 conditions the three-condition forms number about 10^6 and take well
under a second for 100 readings.
"""

from __future__ import annotations

import re

from dataclasses import dataclass

import numpy as np
import pandas as pd

MAX_CONDITIONS = 3
SHAPES = ("cond", "and", "or", "and-or", "or-and")  # the stable order of forms


@dataclass(frozen=True)
class Cond:
    """``axis == level`` (``equal``) or ``axis != level``."""

    axis: str
    level: str
    equal: bool = True

    def evaluate(self, df: pd.DataFrame) -> np.ndarray:
        hit = df[self.axis].astype(str).to_numpy() == str(self.level)
        return hit if self.equal else ~hit

    def text(self, names: dict | None = None) -> str:
        names = names or {}
        if self.equal:
            return names.get((self.axis, self.level), f"{self.axis} = {self.level}")
        if (self.axis, self.level, "!=") in names:
            return names[(self.axis, self.level, "!=")]
        if (self.axis, self.level) in names:
            title = names.get(self.axis)
            plain = names[(self.axis, self.level)]
            return f"{title} other than {plain}" if title else f"not {plain}"
        return f"{self.axis} \u2260 {self.level}"

    def as_dict(self) -> dict:
        return {"axis": self.axis, "level": self.level, "op": "==" if self.equal else "!="}


@dataclass(frozen=True)
class Op:
    """A conjunction (``kind="and"``) or disjunction (``"or"``) of conditions or of other Ops."""

    kind: str
    terms: tuple

    def evaluate(self, df: pd.DataFrame) -> np.ndarray:
        parts = [t.evaluate(df) for t in self.terms]
        return np.logical_and.reduce(parts) if self.kind == "and" else np.logical_or.reduce(parts)

    def text(self, names: dict | None = None) -> str:
        return f" {self.kind} ".join(f"({t.text(names)})" if isinstance(t, Op) else t.text(names)
                                     for t in self.terms)

    def as_dict(self) -> dict:
        return {"op": self.kind, "terms": [t.as_dict() for t in self.terms]}


def _conditions(tree) -> int:
    if isinstance(tree, Cond):
        return 1
    if isinstance(tree, Op):
        return sum(_conditions(t) for t in tree.terms)
    return 0


@dataclass(frozen=True)
class Rule:
    """A rule found by :func:`find_rule`.

    ``tree`` is ``True`` (always), ``False`` (never), a :class:`Cond` or an
    :class:`Op`; ``errors`` the readings it gets wrong out of ``n``; ``covers``
    the readings it says the outcome holds for; ``ties`` how many formulas of
    the same preference (conditions and errors) exist, this one included.
    """

    tree: object
    errors: int
    n: int
    covers: int
    ties: int = 1

    @property
    def conditions(self) -> int:
        return _conditions(self.tree)

    @property
    def exact(self) -> bool:
        return self.errors == 0

    def evaluate(self, df: pd.DataFrame) -> np.ndarray:
        """Where the rule says the outcome holds, one bool per row of ``df``."""
        if isinstance(self.tree, bool):
            return np.full(len(df), self.tree)
        return np.asarray(self.tree.evaluate(df), dtype=bool)

    def text(self, names: dict | None = None, verb: str = "holds", consistent_errors: int = 0) -> str:
        """The rule in words (``consistent_errors``: how many of its exceptions are readings
        consistent with the note; see :func:`exceptions`).

        ``names`` maps (axis, level) to a plain phrase for ``axis == level``
        (e.g. "every DG unit has an input") and axis to its plain title;
        ``(axis, level, "!=")`` may give the phrase for ``axis != level``
        (else "<title> other than <phrase>").  Exceptions are stated:
        "... (2 of 48 readings are exceptions)": readings the rule puts on the wrong side.
        """
        if isinstance(self.tree, bool):
            held = self.covers - self.errors if self.tree else self.errors
            if held == self.n:
                return f"{verb} under every reading"
            return f"{verb} under no reading" if held == 0 else f"{verb} under {held} of {self.n} readings"
        out = f"{verb} with {self.tree.text(names)}"
        if self.errors:
            out += exceptions(self.errors, self.n, consistent_errors)
        return out

    def as_dict(self, names: dict | None = None) -> dict:
        tree = self.tree if isinstance(self.tree, bool) else self.tree.as_dict()
        return {"rule": self.text(names), "conditions": self.conditions, "errors": self.errors,
                "n": self.n, "covers": self.covers, "ties": self.ties, "tree": tree}


# ----------------------------------------------------------------------------- search


def _levels(col: pd.Series, given=None) -> list[str]:
    present = list(dict.fromkeys(col.astype(str)))
    if given is not None:
        order = [str(v) for v in given]
        return [v for v in order if v in present] + [v for v in present if v not in order]
    if isinstance(col.dtype, pd.CategoricalDtype):
        return [str(v) for v in col.cat.categories if str(v) in present]
    return present


def literals(df: pd.DataFrame, axes, levels: dict | None = None) -> tuple[list[Cond], np.ndarray]:
    """The candidate conditions and their truth values (L x n bool), in the stable order.

    An axis with one level says nothing and gives none; on a two-level axis only
    ``==`` is kept; a condition true for the same readings as an earlier one (a
    reduced design can make two coincide), or for all or none, is dropped.
    """
    levels = levels or {}
    conds, rows, seen = [], [], set()
    for ax in axes:
        col = df[ax].astype(str).to_numpy()
        names = _levels(df[ax], levels.get(ax))
        if len(names) < 2:
            continue
        for lv in names:
            for equal in ((True,) if len(names) == 2 else (True, False)):
                m = (col == lv) if equal else (col != lv)
                key = m.tobytes()
                if m.all() or not m.any() or key in seen:
                    continue
                seen.add(key)
                conds.append(Cond(ax, lv, equal))
                rows.append(m)
    return conds, np.array(rows, dtype=bool).reshape(len(rows), len(df))


def _pack(m: np.ndarray) -> np.ndarray:
    """Bool (..., n) -> uint64 (..., words); padding bits are zero."""
    n = m.shape[-1]
    pad = (-n) % 64
    if pad:
        m = np.concatenate([m, np.zeros(m.shape[:-1] + (pad,), bool)], axis=-1)
    return np.packbits(m, axis=-1, bitorder="little").view(np.uint64)


def _errors(f: np.ndarray, y: np.ndarray) -> np.ndarray:
    return np.bitwise_count(f ^ y).sum(axis=-1, dtype=np.int64)


def _candidates(M: np.ndarray, y: np.ndarray, k: int):
    """Yield (shape, errors) for every formula of ``k`` conditions: ``errors[a, b, c]`` is the
    formula of conditions a, b, c (k axes); a large value where a combination is not a formula
    (a repeated condition, or b and c out of order)."""
    L = len(M)
    big = np.iinfo(np.int64).max // 4
    idx = np.arange(L)
    if k == 1:
        yield "cond", _errors(M, y)
        return
    A2, O2 = M[:, None] & M[None], M[:, None] | M[None]
    upper = idx[:, None] < idx[None]  # b < c
    if k == 2:
        for shape, F in (("and", A2), ("or", O2)):
            yield shape, np.where(upper, _errors(F, y), big)
        return
    b, c = np.meshgrid(idx, idx, indexing="ij")
    for shape in SHAPES[1:]:
        err = np.full((L, L, L), big, dtype=np.int64)
        for a in range(L):
            if shape in ("and", "or"):
                ok = upper & (b > a)
                inner = A2 if shape == "and" else O2
            else:
                ok = upper & (b != a) & (c != a)
                inner = O2 if shape == "and-or" else A2
            f = (M[a] & inner) if shape in ("and", "and-or") else (M[a] | inner)
            err[a] = np.where(ok, _errors(f, y), big)
        yield shape, err


def _tree(shape: str, conds: list[Cond], ix):
    t = [conds[i] for i in ix]
    if shape == "cond":
        return t[0]
    if shape in ("and", "or"):
        return Op(shape, tuple(t))
    inner = Op("or" if shape == "and-or" else "and", (t[1], t[2]))
    return Op("and" if shape == "and-or" else "or", (t[0], inner))


def find_rule(df: pd.DataFrame, axes, outcome="holds", tolerance: int = 0,
              max_conditions: int = MAX_CONDITIONS, levels: dict | None = None) -> Rule:
    """The shortest rule over ``axes``' levels that separates rows where ``outcome`` is true.

    ``df`` has one row per reading, one column per axis (levels as strings) and
    a boolean ``outcome`` column (or pass the booleans as an array).  ``levels``
    optionally gives each axis's level order (default: categorical order, else
    order of first appearance).  Preference: see the module docstring.
    """
    y_bool = np.asarray(df[outcome] if isinstance(outcome, str) else outcome)
    if y_bool.shape != (len(df),):
        raise ValueError(f"the outcome needs one value per row ({len(df)}), got shape {y_bool.shape}")
    if y_bool.dtype != bool:
        vals = pd.Series(y_bool)
        if vals.isna().any() or not vals.isin([0, 1, True, False]).all():
            raise ValueError("the outcome must be boolean (no missing values)")
        y_bool = vals.astype(bool).to_numpy()
    if not 0 <= max_conditions <= MAX_CONDITIONS:
        raise ValueError(f"max_conditions must be between 0 and {MAX_CONDITIONS}")
    n = len(df)
    conds, truth = literals(df, axes, levels)
    M, y = _pack(truth), _pack(y_bool)
    pos = int(y_bool.sum())

    def key(errors, k):
        return (max(errors - tolerance, 0), k, errors)

    # k = 0: "always" (wrong where the outcome is false) before "never".
    best = min(((key(n - pos, 0), True), (key(pos, 0), False)), key=lambda t: t[0])
    best_key, best_tree = best
    ties = 1 if (n - pos) != pos else 2
    for k in range(1, max_conditions + 1):
        if best_key[0] == 0 or len(conds) < k:  # within tolerance: a longer rule cannot be preferred
            break
        for shape, err in _candidates(M, y, k):
            e_min = int(err.min())
            kk = key(e_min, k)
            if kk > best_key:
                continue
            count = int((err == e_min).sum())
            if kk < best_key:
                flat = int(np.argmax(err.ravel() == e_min))  # first in index order: the stable choice
                best_key, ties = kk, count
                best_tree = _tree(shape, conds, [int(i) for i in np.unravel_index(flat, err.shape)])
            else:
                ties += count
    covers = int(Rule(best_tree, 0, n, 0).evaluate(df).sum())
    return Rule(best_tree, best_key[2], n, covers, ties)


def plain_names(axes) -> dict:
    """``names`` for :meth:`Rule.text` from :mod:`scaffold.readings`' axes: each level's plain
    phrase (``Level.plain``, else its name) and each axis's title (``Axis.title``)."""
    from .readings import AXIS

    out = {}
    for key in axes:
        if key == "task":  # the task a row is judged on: its plain name
            from .data import TASKS, task_title

            out[key] = "task"
            out.update({(key, t): task_title(t) for t in TASKS})
            # "on a task other than sine" reads; "task other than sine" did not
            out.update({(key, t, "!="): f"a task other than {task_title(t)}" for t in TASKS})
            continue
        ax = AXIS[key]
        out[key] = getattr(ax, "title", key)
        for lv in ax.levels:
            out[(key, lv.name)] = getattr(lv, "plain", "") or lv.name
            if getattr(lv, "unlike", ""):
                out[(key, lv.name, "!=")] = lv.unlike
    return out


def exceptions(errors: int, n: int, consistent: int = 0) -> str:
    """How many readings a rule puts on the wrong side, as :meth:`Rule.text` appends it:
    " (2 of 48 readings are exceptions)"; ``consistent`` of them are readings consistent
    with the note, which decide the verdict, so the words say so: " (2 of 54 readings are
    exceptions, both consistent with the note)"."""
    are = "is an exception" if errors == 1 else "are exceptions"
    which = ""
    if consistent:
        which = (", consistent with the note" if errors == 1 else
                 ", both consistent with the note" if consistent == errors == 2 else
                 ", all consistent with the note" if consistent == errors else
                 f", {consistent} of them consistent with the note")
    return f" ({errors} of {n} reading{'s' if n != 1 else ''} {are}{which})"


_EXCEPTIONS = re.compile(r" \(\d+ of \d+ readings? (?:is an exception|are exceptions)(?:, [^)]*)?\)")


def without_exceptions(text: str) -> str:
    """A rule's words without its count of exceptions (:func:`exceptions`)."""
    return _EXCEPTIONS.sub("", text)
