"""One visual style for every figure and table of the book.

A reader follows a model across chapters by its colour: each model label has one
colour and one marker (:func:`look`), and the static figures (seaborn/matplotlib),
the live figures (plotly) and the tables' CSS all read them from here.  Families
share a hue so that a label never seen before still lands near its relatives: dense
models are blue, HSN readings and controls red-orange-purple, CEN widths a green
ramp darker with width.  A label that extends a named one ("HSN (repaired), input
once") keeps that model's colour and differs by its marker.  Colours belong to
models only: verdicts are ink and greys told apart by fill and mark
(:func:`verdict_look`), never a model's hue.

Sizes follow from the page: the book theme's text column is about
:data:`PAGE_PX` pixels wide at 1280 px, and a figure :data:`WIDTH_IN` inches wide
is scaled to it, so a font of ``s`` points shows at ``s * PAGE_PX / (72 *
WIDTH_IN)`` pixels.  :func:`smallest_text_px` measures that for a figure; tests
hold it at or above :data:`MIN_TEXT_PX`.  Multi-panel figures put at most
:data:`PANELS_PER_ROW` panels side by side so that they survive a phone.
"""

from __future__ import annotations

import io
import math
import re
import zlib

from scaffold import note
from scaffold.data import TASKS
# The named model and verdict colours and the site's CSS live in scaffold.palette, which the
# Sphinx build imports without the rest of the library; re-exported here for the figures.
from scaffold.palette import (_NAMED, _PLOTLY_SYMBOL, _UNKNOWN_VERDICT, BAND, CONSISTENT,  # noqa: F401
                              DEGENERATE, INK, VERDICT_MARKS, VERDICTS, Look, css, slug)

#: Width of the text column at a 1280 px window (sphinx-book-theme 1.3 with the book's
#: layout.css, which moves the contents list into the header; measured in Chromium).
PAGE_PX = 930
#: Smallest text, in CSS pixels, a figure may show when displayed at page width.
MIN_TEXT_PX = 9.0
#: Full-width figure: 7 in at 200 dpi is 1400 px, twice the column (sharp on high-density screens).
WIDTH_IN = 7.0
DPI = 200
FONT_PT = 10.0  # labels; ticks and legends one step smaller (see apply())
PANELS_PER_ROW = 2
#: The note's task order first (its Table 2.1), then any other task in the library's order.
TASK_ORDER = tuple(note.TABLE_2_1) + tuple(t for t in TASKS if t not in note.TABLE_2_1)


# Unnamed members of a family draw from its list by a stable hash of the label, so that
# the same label gets the same colour on every page whatever else is plotted beside it.
_FAMILY = {
    "Dense": (["#56B4E9", "#3A7BD5", "#6F8FCF", "#2AA7C9"], ["s", "p", "h", "<"]),
    "HSN": (["#CC79A7", "#B5477D", "#E0607E", "#9C6ADE", "#C2410C", "#A16207"],
            ["^", "v", "<", ">", "p", "h"]),
    "CEN": (["#2F9E7A", "#5AAE61", "#1B7F5F"], ["o", "X", "p"]),
    "other": (["#8C8C8C", "#A07850"], ["X", "*"]),
}
#: CEN widths: a green ramp from light (small H) to dark (large H) on a log2 scale.
_CEN_RAMP = ("#8FD694", "#1B7A3E")
_CEN_RANGE = (32, 1024)
_CEN_WIDTH = re.compile(r"CEN \(H=(\d+)\)(.*)")

#: Weights in schematics: learned or fixed (a colour-blind-safe pair, readable on white).
LEARNED, FIXED = "#0072B2", "#D55E00"


def family(label: str) -> str:
    """'Dense', 'HSN', 'CEN' or 'other', from how the label begins."""
    for name in ("Dense", "HSN", "CEN"):
        if label.startswith(name):
            return name
    return "other"


def _mix(a: str, b: str, t: float) -> str:
    ca = [int(a[i:i + 2], 16) for i in (1, 3, 5)]
    cb = [int(b[i:i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(x + (y - x) * t):02X}" for x, y in zip(ca, cb))


def _named_base(label: str) -> str | None:
    """The longest named label that ``label`` extends ("HSN (repaired), input once")."""
    bases = [n for n in _NAMED if label.startswith(n) and label[len(n):len(n) + 1] in (",", " ", ";", ":")]
    return max(bases, key=len) if bases else None


def look(label: str) -> Look:
    """The colour and marker of a model label, the same wherever it appears."""
    if label in _NAMED:
        return _NAMED[label]
    base = _named_base(label)
    if base is not None:
        lk = _NAMED[base]
        others = [m for m in ("o", "s", "^", "v", "D", "X", "p", "h", "<", ">") if m != lk.marker]
        return Look(lk.color, others[zlib.crc32(label.encode()) % len(others)], lk.family)
    fam = family(label)
    m = _CEN_WIDTH.fullmatch(label)
    if m:
        lo, hi = (math.log2(v) for v in _CEN_RANGE)
        t = min(max((math.log2(int(m.group(1))) - lo) / (hi - lo), 0.0), 1.0)
        return Look(_mix(*_CEN_RAMP, t), "o" if not m.group(2).strip() else "X", "CEN")
    colours, markers = _FAMILY[fam]
    h = zlib.crc32(label.encode())
    return Look(colours[h % len(colours)], markers[(h // len(colours)) % len(markers)], fam)


def palette(labels) -> dict[str, str]:
    """label -> colour, for seaborn's ``palette=`` and plotly's ``color_discrete_map``."""
    return {lab: look(lab).color for lab in labels}


def markers(labels) -> dict[str, str]:
    """label -> matplotlib marker, for seaborn's ``markers=``."""
    return {lab: look(lab).marker for lab in labels}


def verdict_look(verdict: str, dark: bool = False) -> dict:
    """How a point with ``verdict`` is drawn: colour (for the page's theme), plotly symbol,
    matplotlib marker, and whether it is filled."""
    symbol, marker, filled = VERDICT_MARKS.get(verdict, ("circle-open", "o", False))
    return dict(color=VERDICTS.get(verdict, _UNKNOWN_VERDICT)[int(dark)], symbol=symbol,
                marker=marker, filled=filled)


def dark_colors() -> dict[str, str]:
    """Light-page colour -> dark-page colour for the greys and ink figures use (live.js swaps them)."""
    pairs = [*VERDICTS.values(), DEGENERATE, CONSISTENT, _UNKNOWN_VERDICT]
    return {light: dark for light, dark in pairs if light != dark}


def task_order(tasks) -> list[str]:
    """The tasks present, in the note's order, unknown ones last in sorted order."""
    present = list(dict.fromkeys(tasks))
    return [t for t in TASK_ORDER if t in present] + sorted(t for t in present if t not in TASK_ORDER)


def task_label(task) -> str:
    """A task's plain name ("swiss_roll" -> "swiss roll"): :func:`scaffold.data.task_title`."""
    if task is None:
        return ""
    from scaffold import data

    title = getattr(data, "task_title", None)
    if title is not None:
        try:
            return title(task)
        except (KeyError, ValueError):
            pass
    return str(task).replace("_", " ")


def natural_key(label: str):
    """Sort key that compares the numbers inside labels as numbers (H=64 < H=512, T=2 < T=10)."""
    return [(0, int(p), "") if p.isdigit() else (1, 0, p.lower())
            for p in re.split(r"(\d+)", str(label)) if p]


def model_order(labels) -> list[str]:
    """Labels by family (Dense, HSN, CEN, other), then numerically within the family."""
    rank = {"Dense": 0, "HSN": 1, "CEN": 2, "other": 3}
    return sorted(dict.fromkeys(labels), key=lambda s: (rank[family(s)], natural_key(s)))


# --- matplotlib / seaborn ---------------------------------------------------------

def apply() -> None:
    """Set the seaborn theme and sizes for every figure of the section (call once, in setup)."""
    import matplotlib as mpl
    import seaborn as sns

    sns.set_theme(context="paper", style="whitegrid", font_scale=1.0, rc={
        "font.size": FONT_PT, "axes.titlesize": FONT_PT, "axes.labelsize": FONT_PT,
        "xtick.labelsize": FONT_PT - 1, "ytick.labelsize": FONT_PT - 1,
        "legend.fontsize": FONT_PT - 1, "legend.title_fontsize": FONT_PT - 1,
        "figure.titlesize": FONT_PT + 1,
        # The inline backend renders at the figure's dpi: 200 dpi, on white (the dark page gets
        # its own rendition: scaffold.runtime.static).
        "figure.dpi": DPI, "savefig.dpi": DPI, "figure.facecolor": "white",
        "savefig.facecolor": "white", "figure.figsize": figsize(),
        "axes.spines.top": False, "axes.spines.right": False,
    })
    mpl.rcParams["figure.constrained_layout.use"] = True


def figsize(rows: int = 1, panel_height: float = 2.6) -> tuple[float, float]:
    """Full page width (more columns make narrower panels); height grows with the rows."""
    return (WIDTH_IN, panel_height * rows + 0.4)


def grid(n: int, per_row: int = PANELS_PER_ROW) -> tuple[int, int]:
    """(rows, cols) for ``n`` panels with at most ``per_row`` side by side."""
    cols = max(1, min(n, per_row))
    return (-(-n // cols), cols)


def panels(n: int, per_row: int = PANELS_PER_ROW, panel_height: float = 2.6, **kw):
    """A figure with ``n`` panels (at most ``per_row`` per row); returns (fig, list of n axes).

    Leftover cells of the last row are removed, not left empty.
    """
    import matplotlib.pyplot as plt

    rows, cols = grid(n, per_row)
    fig, axes = plt.subplots(rows, cols, figsize=figsize(rows, panel_height),
                             squeeze=False, **kw)
    flat = list(axes.flat)
    for ax in flat[n:]:
        ax.remove()
    return fig, flat[:n]


def png(fig, dpi: int = DPI, transparent: bool = False) -> bytes:
    """The figure as PNG bytes at the book's resolution (tight bounding box), on white or transparent."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, bbox_inches="tight",
                facecolor="none" if transparent else "white", transparent=transparent)
    return buf.getvalue()


def smallest_text_px(fig, page_px: int = PAGE_PX) -> float:
    """Smallest visible text of ``fig``, in CSS pixels, when it is shown ``page_px`` wide.

    Measured on the saved (tight) width, since that is what the page scales.
    """
    from matplotlib.text import Text

    fig.canvas.draw()
    bbox = fig.get_tightbbox(fig.canvas.get_renderer())
    width_in = bbox.width if bbox.width > 0 else fig.get_figwidth()
    shown_px = min(page_px, width_in * DPI)  # an image is never shown wider than it is
    sizes = [t.get_fontsize() for t in fig.findobj(Text)
             if t.get_visible() and t.get_text().strip()]
    if not sizes:
        return float("inf")
    return min(sizes) * shown_px / (72.0 * width_in)
