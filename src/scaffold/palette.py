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

#: Verdict -> (colour on a light page, colour on a dark page).  Every hue belongs to a
#: model (blues: dense, reds to purples: HSN, greens: CEN), so verdicts carry none:
#: they are ink and greys, told apart by fill and mark (:data:`VERDICT_MARKS`), in
#: tables (badges) and figures alike.  A "holds" is solid ink, a "contradicted" an ink
#: cross, an "unsupported" a grey outline; the rest lighter greys.
INK = ("#24292F", "#E6EDF3")
VERDICTS = {
    "holds": INK,
    "contradicted": INK,
    "unsupported": ("#6E7781", "#8B949E"),
    "uninformative": ("#8C959F", "#6E7681"),
    "untestable": ("#8C959F", "#6E7681"),
}
_UNKNOWN_VERDICT = ("#8C959F", "#6E7681")
#: Verdict -> (plotly symbol, matplotlib marker, filled): how a point with that verdict is drawn.
VERDICT_MARKS = {
    "holds": ("circle", "o", True),
    "contradicted": ("x-thin-open", "x", False),
    "unsupported": ("circle-open", "o", False),
    "uninformative": ("diamond-open", "D", False),
    "untestable": ("line-ew-open", "_", False),
}
#: A degenerate reading (a model that never trains): drawn faint and hollow, outside the counts.
DEGENERATE = ("#C4CAD0", "#3D444D")
#: Readings consistent with the note's numbers: a pale yellow column (the one hue no model has).
CONSISTENT = ("rgba(240, 200, 40, 0.28)", "rgba(240, 200, 40, 0.22)")
#: The equivalence band (+-margin): differences too small to matter.
BAND = "rgba(140, 149, 159, 0.22)"


def slug(text: str) -> str:
    """CSS-class-safe name of a verdict or label ('not reproduced' -> 'not-reproduced')."""
    return re.sub(r"[^a-z0-9]+", "-", str(text).lower()).strip("-")


# --- CSS, generated from the same facts (written into the site by tools/sphinx_readable.py) ---

def css() -> str:
    """CSS custom properties for every named colour, and verdict badges for light and dark.

    Badges: "holds" solid ink with the page's colour for its text, "contradicted" an
    ink outline with a cross, "unsupported" a grey outline, the rest a dotted grey one.
    The mark before the word is CSS only, so a cell's text stays the verdict word.
    """
    lines = ["/* Generated from scaffold.palette by tools/sphinx_readable.py: edit palette.py. */",
             ":root {"]
    lines += [f"  --model-{slug(k)}: {v.color};" for k, v in _NAMED.items()]
    lines += [f"  --verdict-{slug(k)}: {light};" for k, (light, _) in VERDICTS.items()]
    lines += [f"  --consistent: {CONSISTENT[0]};", "}", 'html[data-theme="dark"] {']
    lines += [f"  --verdict-{slug(k)}: {dark};" for k, (_, dark) in VERDICTS.items()]
    lines += [f"  --consistent: {CONSISTENT[1]};", "}"]
    for k in VERDICTS:
        s = slug(k)
        lines.append(f".verdict-{s} {{ --badge: var(--verdict-{s}); }}")
    lines += [
        ".verdict.verdict-holds { background: var(--badge); color: var(--pst-color-background, #fff); }",
        '.verdict.verdict-holds::before { content: "✓ "; }',
        ".verdict.verdict-contradicted { border-width: 2px; }",
        '.verdict.verdict-contradicted::before { content: "✗ "; }',
        ".verdict.verdict-uninformative, .verdict.verdict-untestable { border-style: dotted; }",
    ]
    return "\n".join(lines) + "\n"
