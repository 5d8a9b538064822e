"""Static figures that read on a phone and on the dark page.

A matplotlib figure drawn for the page is 7 in wide (:data:`style.WIDTH_IN`); on a
phone it shows about 358 px wide, so its 9-point tick labels would be 6 px tall.
:class:`StaticFigure` therefore renders four images of one figure:

- *wide*, as drawn, and *narrow*: the same axes one above the other, :data:`NARROW_IN`
  wide, so that :data:`MIN_PT` points show at least :data:`style.MIN_TEXT_PX` px on a
  :data:`PHONE_PX` px column (the site's CSS shows it below 600 px);
- each for the *light* page and for the *dark* one: there every grey (text, axes,
  grids, ink marks, light bands) has its lightness turned over and the background is
  transparent, while every colour -- a model's, a colour map's -- stays as it is.

Exactly one of the four shows (``_static/layout.css``).  Each image records the
smallest text it holds, in its own pixels (``data-min-text-px``), so the browser
test can measure the text as displayed.  :func:`install` makes every matplotlib
figure a section displays or glues render this way (:func:`apply` sets the style and installs it).
"""

from __future__ import annotations

import base64
import html
import io
import math
import pickle

from scaffold.runtime import style

#: Width of the phone rendition (inches).
NARROW_IN = 3.2
#: The text column of a 390 px phone, as measured by the browser check (the theme pads the article).
PHONE_PX = 327
#: Height of one panel of the phone rendition, at most (inches).
NARROW_PANEL_MAX_IN = 3.6
#: Lightness above which an achromatic colour counts as "paper" (made transparent on the dark page).
_PAPER = 0.97


def _chroma(rgb) -> float:
    return max(rgb[:3]) - min(rgb[:3])


def _turn(c):
    """A colour for the dark page: a grey's lightness turned over; a colour unchanged."""
    import matplotlib.colors as mc

    try:
        r, g, b, a = mc.to_rgba(c)
    except (TypeError, ValueError):
        return c
    if _chroma((r, g, b)) >= 0.1:
        return (r, g, b, a)
    lum = (r + g + b) / 3
    # ink (#262626) becomes #D9D9D9; a light fill (0.85) a grey (0.22) still apart from the page
    light = 1.0 - lum + (0.07 if lum > 0.75 else 0.0)
    return (light, light, light, a)


def _turn_array(arr):
    import numpy as np

    if arr is None or len(arr) == 0:
        return arr
    return np.array([_turn(tuple(row)) for row in np.asarray(arr)])


def _has_image(ax) -> bool:
    from matplotlib.collections import QuadMesh
    from matplotlib.image import AxesImage

    return any(isinstance(a, (AxesImage, QuadMesh)) for a in ax.get_children())


def darken(fig, drawn: bool = False) -> None:
    """Recolour ``fig`` in place for the dark page (see the module docstring).

    The figure must have been drawn once (its ticks exist only then): ``drawn`` says it was.
    """
    from matplotlib.collections import Collection
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch
    from matplotlib.text import Text

    if not drawn:
        fig.canvas.draw()
    fig.patch.set_alpha(0.0)
    on_images = set()
    for ax in fig.axes:
        ax.patch.set_alpha(0.0)
        if _has_image(ax):  # labels printed on a colour map's cells keep their contrast with the cell
            on_images.update(id(t) for t in ax.texts)
    for art in fig.findobj():
        if art is fig.patch or any(art is ax.patch for ax in fig.axes):
            continue
        # Both colours are read before either is set: an edge may follow its face ("face").
        if isinstance(art, Text):
            if id(art) not in on_images:
                art.set_color(_turn(art.get_color()))
            for patch in (art.get_bbox_patch(), getattr(art, "arrow_patch", None)):
                if patch is not None:
                    fc, ec = patch.get_facecolor(), patch.get_edgecolor()
                    patch.set_facecolor(_turn(fc))
                    patch.set_edgecolor(_turn(ec))
        elif isinstance(art, Line2D):
            c, fc, ec = art.get_color(), art.get_markerfacecolor(), art.get_markeredgecolor()
            art.set_color(_turn(c))
            art.set_markerfacecolor(_turn(fc))
            art.set_markeredgecolor(_turn(ec))
        elif isinstance(art, Collection) and not _is_mesh(art):
            fc, ec = art.get_facecolor(), art.get_edgecolor()
            art.set_facecolor(_turn_array(fc))
            art.set_edgecolor(_turn_array(ec))
        elif isinstance(art, Patch):
            fc, ec = art.get_facecolor(), art.get_edgecolor()
            art.set_facecolor(_turn(fc))
            art.set_edgecolor(_turn(ec))


def _is_mesh(art) -> bool:
    from matplotlib.collections import QuadMesh

    return isinstance(art, QuadMesh) or art.get_array() is not None  # colour-mapped: keep


def restack(fig, width_in: float = NARROW_IN) -> None:
    """Lay ``fig``'s panels out one above the other, ``width_in`` wide (in place)."""
    from matplotlib.gridspec import GridSpec

    specs, owners = [], {}
    for ax in fig.axes:
        ss = ax.get_subplotspec() if hasattr(ax, "get_subplotspec") else None
        if ss is None:
            continue
        key = (id(ss.get_gridspec()), ss.num1, ss.num2)
        if key not in owners:
            owners[key] = []
            specs.append((ss, key))
        owners[key].append(ax)
    w, h = fig.get_size_inches()
    one_column = all(ss.get_gridspec().get_geometry()[1] == 1 for ss, _ in specs)
    if len(specs) <= 1 or one_column:  # nothing side by side: only narrower, a little taller
        fig.set_size_inches(width_in, max(h * 1.1, 2.4))
        return
    heights = []
    for ss, _ in specs:
        gs = ss.get_gridspec()
        nrows, ncols = gs.get_geometry()
        rows = ss.rowspan.stop - ss.rowspan.start
        cols = ss.colspan.stop - ss.colspan.start
        panel_w, panel_h = w * cols / ncols, h * rows / nrows
        heights.append(min(panel_h * max(1.0, width_in / panel_w * 0.8), NARROW_PANEL_MAX_IN))
    specs_sorted = sorted(specs, key=lambda s: (s[0].rowspan.start, s[0].colspan.start))
    grid = GridSpec(len(specs_sorted), 1, figure=fig,
                    height_ratios=[heights[specs.index(s)] for s in specs_sorted])
    for i, (_, key) in enumerate(specs_sorted):
        for ax in owners[key]:
            ax.set_subplotspec(grid[i])
            # panels that shared an axis hid their inner tick labels; alone in a row they need them
            ax.tick_params(labelleft=True, labelbottom=True)
    fig.set_size_inches(width_in, sum(heights) + 0.6 + 0.3 * bool(fig.legends))


def min_text_pt(fig) -> float:
    """The smallest visible text of ``fig``, in points."""
    from matplotlib.text import Text

    sizes = [t.get_fontsize() for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip()]
    return min(sizes) if sizes else float("inf")


def render(fig, dpi: int = style.DPI) -> tuple[bytes, int, float]:
    """(PNG bytes, pixel width, smallest text in image pixels) of ``fig`` as saved (tight box)."""
    from PIL import Image

    data = style.png(fig, dpi=dpi, transparent=fig.patch.get_alpha() == 0.0)
    width = Image.open(io.BytesIO(data)).size[0]
    return data, width, min_text_pt(fig) * dpi / 72.0


def _copy(fig):
    try:
        return pickle.loads(pickle.dumps(fig))
    except Exception:  # noqa: BLE001 - an unpicklable artist: no extra renditions
        return None


class StaticFigure:
    """A matplotlib figure as the page shows it: wide/narrow x light/dark (see the module docstring)."""

    def __init__(self, fig, alt: str = "", narrow: bool = True, dark: bool = True, close: bool = True):
        import matplotlib.pyplot as plt

        self.alt = alt
        copies = {"narrow": _copy(fig) if narrow else None,
                  "dark": _copy(fig) if dark else None,
                  "narrow-dark": _copy(fig) if narrow and dark else None}
        self.images = {"wide-light": render(fig)}
        if copies["narrow"] is not None:
            restack(copies["narrow"])
            self.images["narrow-light"] = render(copies["narrow"])
        if copies["dark"] is not None:
            darken(copies["dark"])
            self.images["wide-dark"] = render(copies["dark"])
        if copies["narrow-dark"] is not None:
            restack(copies["narrow-dark"])
            darken(copies["narrow-dark"])
            self.images["narrow-dark"] = render(copies["narrow-dark"])
        for f in ((fig,) if close else ()) + tuple(copies.values()):
            if f is not None:
                plt.close(f)

    @property
    def png(self) -> bytes:
        return self.images["wide-light"][0]

    def to_html(self) -> str:
        alt = html.escape(self.alt, quote=True)
        imgs = []
        for key, (data, width, text_px) in self.images.items():
            size, theme = key.split("-")
            # without a phone (or dark) rendition, the wide (light) one shows everywhere
            cls = [f"fig-{size}", f"fig-{theme}", "dark-light"]
            if size == "wide" and "narrow-" + theme not in self.images:
                cls.append("fig-only")
            if theme == "light" and size + "-dark" not in self.images:
                cls.append("fig-any-theme")
            from_caption = "" if self.alt else ' data-alt-from-caption="1"'
            # The phone rendition is never shown so narrow that its smallest text falls below
            # MIN_TEXT_PX: a figure whose labels stick out past its width scrolls sideways instead.
            floor = (f' style="--min-w: {math.ceil(width * style.MIN_TEXT_PX / text_px)}px"'
                     if size == "narrow" and text_px > 0 else "")
            imgs.append(f'<img class="{" ".join(cls)}" src="data:image/png;base64,'
                        f'{base64.b64encode(data).decode()}" alt="{alt}"{from_caption} '
                        f'data-min-text-px="{text_px:.1f}" data-natural-width="{width}"{floor}>')
        return f'<div class="static-figure">{"".join(imgs)}</div>'

    def _repr_html_(self) -> str:
        return self.to_html()

    def _repr_mimebundle_(self, include=None, exclude=None):
        return {"text/html": self.to_html(), "image/png": self.png,
                "text/plain": f"<StaticFigure: {self.alt or 'figure'}>"}


def static(fig, alt: str = "") -> StaticFigure:
    """``fig`` as a :class:`StaticFigure` (the figure is closed)."""
    return StaticFigure(fig, alt)


def install() -> bool:
    """Make IPython show (and glue) every matplotlib figure as a :class:`StaticFigure`."""
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover
        return False
    ip = get_ipython()
    if ip is None:
        return False
    from matplotlib.figure import Figure

    # The figure stays open: the inline backend (or publish()) closes it when it is done.
    # Its PNG comes with the HTML (_repr_mimebundle_ is not consulted for a registered type,
    # so the plain PNG formatter is switched off for figures: it would render a fifth time).
    ip.display_formatter.formatters["text/html"].for_type(
        Figure, lambda f: StaticFigure(f, close=False).to_html())
    ip.display_formatter.formatters["image/png"].for_type(Figure, lambda f: None)
    return True


def apply() -> None:
    """The book's figure style (:func:`scaffold.runtime.style.apply`), and every figure the
    section shows or glues with a phone and a dark rendition (:func:`install`)."""
    style.apply()
    install()
