"""Publishing a chapter's facts to its page: one call, one prefix per chapter.

A chapter module returns its facts as one mapping (numbers, short phrases,
verdict words, figures); the notebook hands it to :func:`publish` and the prose
refers to each entry as ``{glue:text}`PREFIX-KEY``` (``{glue:figure}`` for
figures).  Keys are therefore written once, in the chapter module, and a
notebook needs no cell that only glues.
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
