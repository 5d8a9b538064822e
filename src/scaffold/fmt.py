"""One number style for prose, tables and tooltips.

Every number a reader sees goes through one of these functions, so that a page
never prints 4417 beside 4,417, -0.015 beside −0.0397, 17.9x beside 4.9× or
4.5e-11 beside 6.42 × 10⁻¹²:

==================  ========================  ====================================
function            example                   rule
==================  ========================  ====================================
:func:`num`         ``4,417`` ``−0.0397``     significant digits, thousands
                    ``9.77 × 10⁻⁵``           separators, true minus (U+2212),
                                              scientific below 0.001
:func:`int_`        ``4,417``                 a count
:func:`signed`      ``+0.012`` ``−0.004``     a difference: fixed decimals and a
                                              sign, never ``+0.000``
:func:`factor`      ``4.9×`` ``0.44×``        a ratio, with the multiplication sign
:func:`sci`         ``4.5 × 10⁻¹¹``           always scientific
:func:`share`       ``10 of 48``              a count out of a total
:func:`pct`         ``21%``                   a fraction as a percentage
==================  ========================  ====================================

A missing value (None, NaN, pandas' NA) prints as :data:`DASH`.  Pure standard
library: any module, however low, may import it.
"""

from __future__ import annotations

import math
import numbers

import numpy as np

#: The types of a yes/no value: Python's bool and numpy's (a bool column's cells).
BOOLS = (bool, np.bool_)
#: What a missing value prints as (an en dash).
DASH = "–"
#: The true minus sign.
MINUS = "−"
#: The multiplication sign, for factors and scientific notation.
TIMES = "×"
_SUP = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def missing(x) -> bool:
    """None, NaN or pandas' NA (anything that is not a number to print)."""
    if x is None:
        return True
    try:
        return bool(x != x)  # NaN; pandas.NA raises TypeError on bool()
    except TypeError:
        return True


def _minus(text: str) -> str:
    return text.replace("-", MINUS)


def _inf(x: float) -> str:
    return "∞" if x > 0 else MINUS + "∞"


def int_(n) -> str:
    """A count: ``4,417``, ``−12``; a float is rounded to the nearest whole number."""
    if missing(n):
        return DASH
    x = float(n)
    if math.isinf(x):
        return _inf(x)
    return _minus(f"{round(x):,}")


def sci(x, digits: int = 2) -> str:
    """Scientific notation with ``digits`` significant digits: ``4.5 × 10⁻¹¹``.

    A power of zero is left out (``4.5``); zero is ``0``.
    """
    if missing(x):
        return DASH
    x = float(x)
    if math.isinf(x):
        return _inf(x)
    if x == 0:
        return "0"
    mant, exp = f"{x:.{max(digits, 1) - 1}e}".split("e")
    e = int(exp)
    if e == 0:
        return _minus(mant)
    return _minus(f"{mant} {TIMES} 10{str(e).translate(_SUP)}")


def num(x, digits: int = 3) -> str:
    """A number to ``digits`` significant digits, as every page prints it.

    Integers (and floats of 10**digits or more, or whole floats of 10 or more) are written
    whole with thousands separators; magnitudes below 0.001 in :func:`sci`; zero as ``0``; booleans
    as ``yes``/``no``.
    """
    if missing(x):
        return DASH
    if isinstance(x, BOOLS):
        return "yes" if x else "no"
    if isinstance(x, numbers.Integral):
        return int_(x)
    x = float(x)
    if math.isinf(x):
        return _inf(x)
    if x == 0:
        return "0"
    if abs(x) >= 10 ** digits or (abs(x) >= 10 and x.is_integer()):
        return int_(x)  # a count stored as a float (NaN elsewhere in its column) reads 81, not 81.0
    if abs(x) < 1e-3:
        return sci(x, digits)
    text = f"{x:#.{digits}g}"
    if "e" in text:  # rounding carried to 10**digits, e.g. 999.7 -> 1.00e+03
        return int_(x)
    return _minus(text.rstrip("."))


def signed(x, digits: int = 3) -> str:
    """A difference with its sign and ``digits`` decimals: ``+0.012``, ``−0.004``.

    Never ``+0.000`` or ``−0.000``: a non-zero value that rounds to zero gets as
    many more decimals as it takes to show its first significant digit (at most
    three more: ``+0.0004``); exact zero, or anything smaller still, is ``0.000``
    without a sign.
    """
    if missing(x):
        return DASH
    x = float(x)
    if math.isinf(x):
        return "+∞" if x > 0 else _inf(x)
    digits = max(int(digits), 0)
    for d in range(digits, digits + 4):
        if round(abs(x), d) != 0:
            return _minus(f"{x:+,.{d}f}")
    return f"{0:.{digits}f}"


def factor(x, digits: int = 2) -> str:
    """A ratio as a factor to ``digits`` significant digits: ``4.9×``, ``0.44×``, ``18×``."""
    if missing(x):
        return DASH
    x = float(x)
    if math.isinf(x):
        return _inf(x) + TIMES
    if x == 0:
        return "0" + TIMES
    if abs(x) >= 10 ** digits:
        return int_(x) + TIMES
    text = f"{x:.{digits}g}"
    if "e" in text:  # below 1e-4, or rounding carried to 10**digits
        return (int_(x) if abs(x) >= 1 else sci(x, digits)) + TIMES
    return _minus(text) + TIMES


def share(k, n, words: bool = False) -> str:
    """A count out of a total, always ``k of n``: ``10 of 48``, ``1,024 of 9,660``.

    ``words=True`` is for a sentence: ``all 48``, ``none of 48``, ``both``,
    ``neither``, ``10 of 48``.
    """
    if missing(k) or missing(n):
        return DASH
    k, n = round(float(k)), round(float(n))
    if words:
        if n == 2 and k in (0, 2):
            return "both" if k == 2 else "neither"
        if k == n and n > 0:
            return f"all {int_(n)}"
        if k == 0:
            return f"none of {int_(n)}"
    return f"{int_(k)} of {int_(n)}"


def pct(x, digits: int = 0) -> str:
    """A fraction (0.208) as a percentage: ``21%``; ``digits`` decimals.

    A non-zero fraction that would round to ``0%`` (or to ``100%``) is written
    with one more decimal, so that a rare event never reads as none (or all).
    """
    if missing(x):
        return DASH
    p = float(x) * 100
    if math.isinf(p):
        return _inf(p) + "%"
    d = max(int(digits), 0)
    while d < digits + 2 and ((p != 0 and round(p, d) == 0)
                              or (p != 100 and round(p, d) == 100)):
        d += 1
    return _minus(f"{p:,.{d}f}%")


def listed(words) -> str:
    """Words as a sentence lists them: "a, b and c", "a and b", "a" ("" for none)."""
    words = [str(w) for w in words]
    return ", ".join(words[:-1]) + (" and " if len(words) > 1 else "") + (words[-1] if words else "")


def count(k, noun: str, plural: str | None = None) -> str:
    """A count with its noun, small counts in words: 'no cells', 'one cell', '3 cells', '1,024 cells'."""
    k = int(k)
    word = "one" if k == 1 else int_(k) if k else "no"
    return f"{word} {noun if k == 1 else (plural or noun + 's')}"
