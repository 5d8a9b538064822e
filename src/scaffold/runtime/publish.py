"""Publishing a chapter's facts to its page: one call, one prefix per chapter.

A chapter module returns its facts as one mapping (numbers, short phrases,
verdict words, figures); the notebook hands it to :func:`publish` and the prose
refers to each entry as ``{glue:text}`PREFIX-KEY``` (``{glue:figure}`` for
figures).  Keys are therefore written once, in the chapter module, and a
notebook needs no cell that only glues.

Counts that a sentence states go through :func:`count` and :func:`share`, so that
the page reads "one cell", "all 7", "none of the 7", never "1 cells" or "7 of the 7".
"""

from __future__ import annotations

from collections.abc import Mapping


def names(facts: Mapping, prefix: str) -> list[str]:
    """The glue names :func:`publish` gives ``facts`` (``PREFIX-KEY``)."""
    return [f"{prefix}-{key}" for key in facts]


def publish(facts: Mapping, prefix: str) -> list[str]:
    """Glue every entry of ``facts`` as ``PREFIX-KEY`` without displaying it; returns the names.

    Figures are closed once glued, so that they are not also drawn at the end
    of the cell.
    """
    from matplotlib.figure import Figure
    from myst_nb import glue

    for name, value in zip(names(facts, prefix), facts.values()):
        glue(name, value, display=False)
        if isinstance(value, Figure):
            import matplotlib.pyplot as plt

            plt.close(value)
    return names(facts, prefix)




def count(k: int, noun: str, plural: str | None = None) -> str:
    """'no cell', 'one cell', '3 cells' (small counts in words; ``plural`` for irregular nouns)."""
    k = int(k)
    word = "one" if k == 1 else str(k) if k else "no"
    return f"{word} {noun if k == 1 else (plural or noun + 's')}"


def share(k: int, n: int) -> str:
    """A count out of a total as a sentence says it: 'all 7', 'both', 'none of the 7', '3 of the 7'."""
    k, n = int(k), int(n)
    if n == 0:
        return "none"
    if k == n:
        return "both" if n == 2 else "the one" if n == 1 else f"all {n}"
    if k == 0:
        return "neither" if n == 2 else f"none of the {n}"
    return f"{k} of the {n}"
