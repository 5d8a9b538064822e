"""The book's named colours: one per named model, one per verdict, and the site's CSS.

Kept apart from :mod:`scaffold.runtime.style` (which re-exports all of it) because
the Sphinx build imports it (``tools/sphinx_readable.py`` writes :func:`css` into the
site): this module needs nothing beyond the standard library, so a site build does
not import torch, scikit-learn and the rest of the library (8 of a no-op build's 13 s).
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Look:
    """How one model is drawn.  Reading: ``marker`` is matplotlib's code; plotly's is :attr:`symbol`."""

    color: str
    marker: str
    family: str

    @property
    def symbol(self) -> str:
        return _PLOTLY_SYMBOL.get(self.marker, "circle")


_PLOTLY_SYMBOL = {"o": "circle", "s": "square", "^": "triangle-up", "v": "triangle-down",
                  "D": "diamond", "P": "cross", "X": "x", "p": "pentagon", "h": "hexagon",
                  "<": "triangle-left", ">": "triangle-right", "*": "star"}

# Okabe-Ito-based hues, chosen to stay readable on the light (#fff) and dark (#121212) pages.
_NAMED = {
    "Dense MLP": Look("#0072B2", "s", "Dense"),
    "HSN (literal)": Look("#D55E00", "v", "HSN"),
    "HSN (repaired)": Look("#E69F00", "^", "HSN"),
    "CEN (best H)": Look("#009E73", "D", "CEN"),
    "CEN (note's H)": Look("#7BAF1F", "P", "CEN"),
    # Controls shown side by side in the limitations chapter: named, so that no two share a colour.
    "Dense, HSN-matched (nonzeros)": Look("#56B4E9", "<", "Dense"),
    "Dense, HSN-matched (sizes)": Look("#1F3A93", "p", "Dense"),
    "HSN T=0 (repaired)": Look("#CC79A7", "<", "HSN"),
    "HSN h_ca3=64 (repaired)": Look("#9C6ADE", "p", "HSN"),
    "HSN h_ca3=256 (repaired)": Look("#5B2C83", "h", "HSN"),
    "HSN learned G (repaired)": Look("#B5477D", ">", "HSN"),
    "HSN learned initiator (repaired)": Look("#E0607E", "*", "HSN"),
}

#: Verdict -> (colour on a light page, colour on a dark page); tables draw them as badges.
VERDICTS = {
    # The rulebook's words (scaffold.verdicts.VERDICTS) ...
    "holds": ("#1A7F37", "#3FB950"),
    "unsupported": ("#9A6700", "#D29922"),
    # ... and the older ones, kept so that a page still on them keeps its colours.
    "reproduced": ("#1A7F37", "#3FB950"),
    "not reproduced": ("#9A6700", "#D29922"),
    "contradicted": ("#CF222E", "#F85149"),
    "untestable": ("#6E7781", "#8B949E"),
}
_UNKNOWN_VERDICT = ("#6E7781", "#8B949E")


def slug(text: str) -> str:
    """CSS-class-safe name of a verdict or label ('not reproduced' -> 'not-reproduced')."""
    return re.sub(r"[^a-z0-9]+", "-", str(text).lower()).strip("-")


# --- CSS, generated from the same facts (written into the site by tools/sphinx_readable.py) ---

def css() -> str:
    """CSS custom properties for every named colour, and verdict badges for light and dark."""
    lines = ["/* Generated from scaffold.palette by tools/sphinx_readable.py: edit palette.py. */",
             ":root {"]
    lines += [f"  --model-{slug(k)}: {v.color};" for k, v in _NAMED.items()]
    lines += [f"  --verdict-{slug(k)}: {light};" for k, (light, _) in VERDICTS.items()]
    lines += ["}", 'html[data-theme="dark"] {']
    lines += [f"  --verdict-{slug(k)}: {dark};" for k, (_, dark) in VERDICTS.items()]
    lines += ["}"]
    for k in VERDICTS:
        s = slug(k)
        lines.append(f".verdict-{s} {{ --badge: var(--verdict-{s}); }}")
    return "\n".join(lines) + "\n"
