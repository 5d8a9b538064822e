"""Live figures: plotly in the page, a static image where scripts do not run.

A :class:`LiveFigure` is what a section displays (or glues) for a dense figure.
Its HTML output holds the static image (PNG, base64) and the plotly spec as
JSON; nothing executes inline.  The site's ``_static/live.js`` (one file, shared
by every page) finds these boxes, loads ``_static/plotly.min.js`` -- plotly.js's
"cartesian" partial bundle at the version the pinned plotly package bundles,
fetched by ``make plotly`` (``tools/fetch_plotly.sh``), never a CDN -- only on
pages that have one, draws each figure and then hides its image.  The partial
bundle is 1.5 MB against the full one's 4.8 MB, and draws only the trace types of
:data:`TRACES`: a figure with another type is refused when it is made.  Without
scripts (or before they run) the reader sees the image, so the page is never
empty.  Hover, zoom and legend toggles are plotly's own; ``live.js`` follows the
theme's light/dark switch (``html[data-theme]``) with transparent backgrounds.

MyST-NB renders the ``text/html`` output raw, and ``{glue:figure}`` wraps it in a
numbered figure with the caption written in the page; ``tools/sphinx_readable.py``
copies that caption into the image's ``alt`` (the box says ``data-alt-from-caption``).
"""

from __future__ import annotations

import base64
import html
import json

from scaffold.runtime import style

#: Plotly's per-figure options: no logo, no selection tools (zoom, pan, reset and PNG export remain).
#: Below this box width (CSS px) a figure with a narrow layout uses it (phones).
NARROW_PX = 600
CONFIG = {"displaylogo": False, "responsive": True,
          "modeBarButtonsToRemove": ["select2d", "lasso2d"]}
#: The trace types of the site's plotly.js (the cartesian partial bundle, see its README).
BUNDLE = "cartesian"
TRACES = frozenset({"bar", "box", "contour", "heatmap", "histogram", "histogram2d", "histogram2dcontour",
                    "image", "pie", "scatter", "scatterternary", "violin"})


class LiveFigure:
    """A plotly figure with its static twin.  Display it, or ``glue()`` it and cite it with glue:figure.

    ``static`` is a matplotlib Figure (saved at the book's dpi, then closed) or PNG bytes.
    ``alt`` is the image's text alternative when the figure is shown without a caption.
    ``narrow``, if given, is the same figure laid out for a phone (one panel per row):
    only its layout is kept, and live.js uses it when the box is under :data:`NARROW_PX`;
    with ``narrow_traces`` its traces too (a phone version drawn differently).
    ``dark_colors`` maps colours of the figure's own marks (ink, greys) to those for a
    dark page; live.js swaps them when the theme is dark.
    """

    def __init__(self, plot, static, alt: str = "", narrow=None, narrow_traces: bool = False,
                 dark_colors: dict | None = None):
        self.plot, self.narrow, self.narrow_traces = plot, narrow, narrow_traces
        self.png = static if isinstance(static, bytes) else _png_and_close(static)
        self.alt = alt
        self.dark_colors = dark_colors

    def spec(self) -> dict:
        """data + layout + config, as plotly.js takes them (plain JSON types)."""
        import plotly.io as pio

        fig = json.loads(pio.to_json(self.plot, validate=False))
        spec = {"data": _drawable(fig.get("data", [])), "layout": fig.get("layout", {}), "config": CONFIG}
        if self.narrow is not None:
            narrow = json.loads(pio.to_json(self.narrow, validate=False))
            _drawable(narrow.get("data", []))
            spec["narrow"] = narrow.get("layout", {})
            spec["narrowBelow"] = NARROW_PX
            if self.narrow_traces:
                spec["narrowData"] = narrow.get("data", [])
        if self.dark_colors:
            spec["darkColors"] = self.dark_colors
        return spec

    def to_html(self) -> str:
        # "</" inside a <script> block would end it: JSON allows the escaped form.
        spec = json.dumps(self.spec(), separators=(",", ":")).replace("</", "<\\/")
        img = base64.b64encode(self.png).decode()
        height = int(self.plot.layout.height or 420)
        alt = html.escape(self.alt, quote=True)
        return (f'<div class="live-figure" style="--live-height:{height}px">'
                f'<img class="live-static" src="data:image/png;base64,{img}" alt="{alt}"'
                f' data-alt-from-caption="1">'
                f'<script type="application/json" class="live-spec">{spec}</script></div>')

    def _repr_html_(self) -> str:
        return self.to_html()

    def _repr_mimebundle_(self, include=None, exclude=None):
        # text/plain keeps a readable line for consoles and for glue's text fallback.
        return {"text/html": self.to_html(), "text/plain": f"<LiveFigure: {self.alt or 'figure'}>"}


def _drawable(traces: list) -> list:
    """``traces``, if the site's plotly.js draws every one of their types; else a ValueError."""
    bad = sorted({t.get("type", "scatter") for t in traces} - TRACES)
    if bad:
        raise ValueError(f"trace type(s) {bad} are not in the site's plotly.js {BUNDLE!r} bundle "
                         f"(it draws {sorted(TRACES)}): use one of those, or another bundle in tools/fetch_plotly.sh")
    return traces


def _png_and_close(fig) -> bytes:
    import matplotlib.pyplot as plt

    data = style.png(fig)
    plt.close(fig)
    return data


def layout(fig, height: int, **kw):
    """The book's plotly layout: transparent (live.js sets light/dark colours), legend below.

    The legend sits at the bottom of the whole figure, in a margin sized for its rows
    (about three entries a row), so it never covers an axis title.
    """
    entries = len({t.legendgroup or t.name for t in fig.data if t.showlegend is not False})
    legend_px = 26 * -(-entries // 3) + 10 if entries > 1 else 0
    fig.update_layout(
        height=height + legend_px, template="plotly_white",
        margin=dict(l=10, r=10, t=50, b=10 + legend_px),
        paper_bgcolor="rgba(0,0,0,0)", plot_bgcolor="rgba(0,0,0,0)",
        font=dict(size=13), hoverlabel=dict(font_size=13), showlegend=entries > 1,
        legend=dict(orientation="h", yref="container", y=0, yanchor="bottom", xanchor="left", x=0,
                    title_text="", itemclick="toggle", itemdoubleclick="toggleothers"),
        **kw)
    # Facet titles: "task=moons" -> "moons".
    fig.for_each_annotation(lambda a: a.update(text=a.text.split("=", 1)[-1]))
    return fig


def log_axis(values) -> dict:
    """Plotly settings for a log axis over ``values``: ticks at 1, 2 and 5 of each decade
    (1 and 3 over three or four decades, powers of ten beyond), each labelled in full --
    "2,000", where plotly's own 1-2-5 ticks (``dtick="D2"``) print a bare "2"."""
    import math

    from scaffold import fmt

    v = [float(x) for x in values if x == x and 0 < float(x) < math.inf]
    if not v:
        return dict(type="log")
    lo, hi = min(v), max(v)
    e0, e1 = math.floor(math.log10(lo)), math.ceil(math.log10(hi))
    mult = (1, 2, 5) if e1 - e0 <= 2 else (1, 3) if e1 - e0 <= 4 else (1,)
    # the data's range and a little more (plotly pads a log axis), where no tick is wasted
    ticks = [m * 10.0 ** e for e in range(e0, e1 + 1) for m in mult if lo / 2 <= m * 10.0 ** e <= hi * 2]
    text = [fmt.num(int(t) if t >= 1 else t) for t in ticks]  # "10", not "10.0"
    return dict(type="log", tickmode="array", tickvals=ticks, ticktext=text)


#: Columns whose numbers are counts, shown whole in tooltips (learned parameters: 609, not 609.0999).
COUNT_WORDS = ("learned", "param", "seed", "members", "macs", "width", "rank")


def hover_value(column: str, v) -> str:
    """One value as a tooltip shows it: the tables' number style, plain task names."""
    from scaffold import fmt

    if column == "task" and not fmt.missing(v):
        return html.escape(style.task_label(v))
    if isinstance(v, fmt.BOOLS):
        return fmt.num(v)
    if isinstance(v, (int, float)) or hasattr(v, "dtype"):
        try:
            x = float(v)
        except (TypeError, ValueError):
            return html.escape(str(v))
        name = str(column).lower()
        if any(w in name for w in COUNT_WORDS) or name in ("t", "n"):
            return fmt.int_(x)
        return fmt.num(x)
    return fmt.DASH if fmt.missing(v) else html.escape(str(v))


def hover_text(df, label: str, value: str, lo: str | None = None, hi: str | None = None,
               extra=("reading", "task"), names: dict | None = None) -> list[str]:
    """One tooltip per row: model (bold), reading, task, value [interval].

    Numbers are rounded as the book's tables print them (:mod:`scaffold.fmt`), counts
    are whole, tasks have their plain names; ``names`` maps a column to the words shown
    for it (default: the tables' headers).
    """
    from scaffold.runtime.tables import header

    def name(c):
        if names and names.get(c):
            return html.escape(names[c])
        h = header(c)  # "Reading" -> "reading" in a tooltip; "SD", "ID" stay
        return html.escape(h if h[1:2].isupper() else h[:1].lower() + h[1:])

    out = []
    for _, r in df.iterrows():
        parts = [f"<b>{html.escape(str(r[label]))}</b>"]
        parts += [f"{name(c)}: {hover_value(c, r[c])}" for c in extra if c in df.columns and c != label]
        v = f"{name(value)}: {hover_value(value, r[value])}"
        if lo and hi and lo in df.columns and hi in df.columns:
            v += f" [{hover_value(value, r[lo])}, {hover_value(value, r[hi])}]"
        out.append("<br>".join(parts + [v]))
    return out
