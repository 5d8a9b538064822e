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
#: Where :func:`narrow_text` keeps a text's phone wording (an attribute: it survives the copy).
_NARROW_TEXT = "_scaffold_narrow_text"
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


def narrow_text(artist, text: str) -> None:
    """The wording a text artist takes in the phone rendition (:func:`restack`): shorter
    lines where neighbouring labels would run into each other on the narrow figure."""
    setattr(artist, _NARROW_TEXT, text)


def narrow_title(ax, text: str) -> None:
    """The title ``ax`` takes in the phone rendition (:func:`restack`).

    In a grid, a row's or a column's name is often written once (the top row's titles,
    the left column's labels); stacked one above the other, a panel has lost its
    neighbours, so it says in full what it shows.
    """
    narrow_text(ax.title, text)


def restack(fig, width_in: float = NARROW_IN) -> None:
    """Lay ``fig``'s panels out one above the other, ``width_in`` wide (in place)."""
    from matplotlib.gridspec import GridSpec
    from matplotlib.text import Text

    for text in fig.findobj(Text):
        if getattr(text, _NARROW_TEXT, None):
            text.set_text(getattr(text, _NARROW_TEXT))

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
    for ax in fig.axes:  # a title or label wider than the phone's figure breaks into lines
        for text in (ax.title, ax.xaxis.label, ax.yaxis.label):
            text.set_wrap(True)
    if len(specs) <= 1 or one_column:  # nothing side by side: only narrower, a little taller
        fig.set_size_inches(width_in, max(h * 1.1, 2.4))
        fit_legends(fig, width_in)
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
    fit_legends(fig, width_in)
    fig.set_size_inches(width_in, sum(heights) + 0.6 + 0.3 * sum(
        -(-len(leg.get_texts()) // leg._ncols) for leg in fig.legends))


def legend_width_in(leg, ncols: int) -> float:
    """How wide a legend laid out in ``ncols`` columns is, in inches (its labels measured
    with the figure's renderer, without drawing the figure)."""
    fig = leg.figure
    renderer = fig.canvas.get_renderer()
    texts = leg.get_texts()
    em = (texts[0].get_fontsize() if texts else 10) / 72
    label = max((t.get_window_extent(renderer).width / fig.dpi for t in texts), default=0.0)
    column = (leg.handlelength + leg.handletextpad) * em + label
    return ncols * column + (ncols - 1) * leg.columnspacing * em + 2 * leg.borderpad * em


def fit_legends(fig, width_in: float) -> None:
    """Give each figure legend as many columns as fit in ``width_in`` (in place).

    A legend lays out its columns once, when it is made (``set_ncols`` alone does not
    redo it), so one that is too wide is made again with fewer columns, where it was.
    Without this a phone's rendition cut off a legend as wide as the desktop's
    ("ense MLP").
    """
    from matplotlib.legend import Legend

    name = {code: text for text, code in Legend.codes.items()}
    for leg in list(fig.legends):
        n = leg._ncols
        while n > 1 and legend_width_in(leg, n) > 0.97 * width_in:
            n -= 1
        if n == leg._ncols:
            continue
        where = name.get(leg._loc, "best")
        if getattr(leg, "_outside_loc", None):  # placed outside the axes by the layout engine
            where = f"outside {where}"
        handles, labels = leg.legend_handles, [t.get_text() for t in leg.get_texts()]
        frame = leg.get_frame_on()
        leg.remove()
        fig.legend(handles, labels, loc=where, ncols=n, frameon=frame,
                   fontsize=leg.get_texts()[0].get_fontsize() if labels else None)


def min_text_pt(fig) -> float:
    """The smallest visible text of ``fig``, in points."""
    from matplotlib.text import Text

    sizes = [t.get_fontsize() for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip()]
    return min(sizes) if sizes else float("inf")


def tight_box(fig):
    """Draw ``fig`` (its layout engine runs) and return the box, in inches, that
    ``savefig(bbox_inches="tight")`` would cut it to."""
    import matplotlib as mpl

    fig.canvas.draw()
    return fig.get_tightbbox(fig.canvas.get_renderer()).padded(mpl.rcParams["savefig.pad_inches"])


def _cut_drawn(fig, box, dpi: int) -> bytes | None:
    """PNG of ``fig``'s last draw cut to ``box`` (inches), without drawing again; None when
    that draw cannot serve (another resolution).  Where the box reaches past the canvas
    (the tight box's padding), the margin is the figure's background: white, or clear
    on a transparent figure, as ``savefig`` fills it."""
    import matplotlib as mpl
    import numpy as np
    from PIL import Image

    if fig.dpi != dpi:
        return None
    rgba = np.asarray(fig.canvas.buffer_rgba())
    H, W = rgba.shape[:2]
    # Something drawn past the canvas (a title wider than a narrowed figure) is not in this
    # draw; savefig's tight box draws it, so leave it to savefig.
    pad = mpl.rcParams["savefig.pad_inches"] * dpi
    if box.x0 * dpi < -pad - 1 or box.y0 * dpi < -pad - 1 or box.x1 * dpi > W + pad + 1 or box.y1 * dpi > H + pad + 1:
        return None
    # the size savefig gives the box (it truncates), placed at its rounded corner
    x0, y0 = round(box.x0 * dpi), round(box.y0 * dpi)
    x1, y1 = x0 + int(box.width * dpi), y0 + int(box.height * dpi)
    if x1 <= x0 or y1 <= y0:
        return None
    clear = fig.patch.get_alpha() == 0.0
    out = np.full((y1 - y0, x1 - x0, 4), (255, 255, 255, 0 if clear else 255), dtype=np.uint8)
    # rows count from the top in the buffer, from the bottom in the box
    top, bottom, left, right = max(H - y1, 0), min(H - y0, H), max(x0, 0), min(x1, W)
    if bottom > top and right > left:
        out[top - (H - y1):bottom - (H - y1), left - x0:right - x0] = rgba[top:bottom, left:right]
    buf = io.BytesIO()
    Image.fromarray(out).save(buf, format="png", dpi=(dpi, dpi))
    return buf.getvalue()


def render(fig, dpi: int = style.DPI, drawn_box=None) -> tuple[bytes, int, float]:
    """(PNG bytes, pixel width, smallest text in image pixels) of ``fig`` cut to its tight box.

    ``drawn_box``: the figure was just drawn (at ``dpi``, on the background it is to have)
    and this is its tight box; the image is then cut from that draw instead of drawn
    again (:func:`_cut_drawn`).  Otherwise, or where that cannot serve, ``savefig`` draws it.
    """
    from PIL import Image

    data = _cut_drawn(fig, drawn_box, dpi) if drawn_box is not None else None
    if data is None:
        data = style.png(fig, dpi=dpi, transparent=fig.patch.get_alpha() == 0.0)
    width = Image.open(io.BytesIO(data)).size[0]
    return data, width, min_text_pt(fig) * dpi / 72.0


def _copy(fig):
    try:
        return pickle.loads(pickle.dumps(fig))
    except Exception:  # noqa: BLE001 - an unpicklable artist: no extra renditions
        return None


def _white(fig) -> bool:
    import matplotlib.colors as mc

    return mc.to_rgba(fig.get_facecolor()) == (1.0, 1.0, 1.0, 1.0)


def light_and_dark(fig, dark: bool = True) -> tuple[dict, list]:
    """``fig``'s light rendition and, with ``dark``, its dark one: ``({"light": .., "dark": ..},
    [the copy made for the dark one])``.

    Each is drawn once (drawing, with its layout and text measurement, is most of a
    page's run time; ``savefig`` with a tight box draws twice): the light one is cut from
    the draw that also measures its tight box, and the dark one is a copy of the figure
    as laid out for it, its layout frozen (darkening changes colours, not sizes),
    recoloured and drawn once, cut to the same box.
    """
    box = tight_box(fig)
    out = {"light": render(fig, drawn_box=box if _white(fig) else None)}
    copy = _copy(fig) if dark else None  # drawn: its ticks exist, as darken needs
    if copy is not None:
        copy.set_layout_engine("none")
        darken(copy, drawn=True)
        copy.canvas.draw()
        out["dark"] = render(copy, drawn_box=box)
    return out, [copy]


class StaticFigure:
    """A matplotlib figure as the page shows it: wide/narrow x light/dark (see the module docstring)."""

    def __init__(self, fig, alt: str = "", narrow: bool = True, dark: bool = True, close: bool = True):
        import matplotlib.pyplot as plt

        self.alt = alt
        narrow_fig = _copy(fig) if narrow else None  # copied before the wide one is drawn
        wide, made = light_and_dark(fig, dark)
        self.images = {f"wide-{k}": v for k, v in wide.items()}
        if narrow_fig is not None:
            restack(narrow_fig)
            thin, more = light_and_dark(narrow_fig, dark)
            self.images.update({f"narrow-{k}": v for k, v in thin.items()})
            made += [narrow_fig, *more]
        # the order the page's CSS and the browser check expect: wide first, light first
        order = ("wide-light", "narrow-light", "wide-dark", "narrow-dark")
        self.images = {k: self.images[k] for k in order if k in self.images}
        for f in ((fig,) if close else ()) + tuple(made):
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
