"""The book's one style: stable colours per model, orders, and legible sizes."""

import matplotlib
import matplotlib.pyplot as plt
import pytest

from scaffold.runtime import style


def test_named_models_keep_their_colour_and_differ():
    names = ["Dense MLP", "HSN (literal)", "HSN (repaired)", "CEN (best H)", "CEN (note's H)"]
    colours = [style.look(n).color for n in names]
    assert len(set(colours)) == len(names)
    assert style.look("HSN (repaired)") == style.look("HSN (repaired)")


def test_unknown_labels_are_stable_and_in_their_family():
    a = style.look("HSN (every step, one per unit)")
    assert a == style.look("HSN (every step, one per unit)")  # same label, same look, any call
    assert a.family == "HSN" and style.look("Dense, HSN-matched (sizes)").family == "Dense"
    assert style.look("something else").family == "other"


def test_cen_widths_darken_with_width():
    def lum(hex_):
        return sum(int(hex_[i:i + 2], 16) for i in (1, 3, 5))
    shades = [lum(style.look(f"CEN (H={h})").color) for h in (64, 128, 256, 512)]
    assert shades == sorted(shades, reverse=True) and len(set(shades)) == 4


def test_orders():
    assert style.task_order(["sine", "moons", "digits", "swiss_roll", "circles"]) == \
        ["swiss_roll", "circles", "moons", "sine", "digits"]
    assert style.model_order(["CEN (H=512)", "HSN T=10 (repaired)", "CEN (H=64)", "HSN T=2 (repaired)",
                              "Dense MLP"]) == \
        ["Dense MLP", "HSN T=2 (repaired)", "HSN T=10 (repaired)", "CEN (H=64)", "CEN (H=512)"]


def test_verdict_colours_differ_between_themes_and_css_has_badges():
    for v in style.VERDICTS:
        assert style.verdict_look(v)["color"] != style.verdict_look(v, dark=True)["color"]
    css = style.css()
    assert ".verdict-contradicted" in css and 'html[data-theme="dark"]' in css
    assert style.dark_colors()[style.INK[0]] == style.INK[1]


def _chroma(hex_):
    rgb = [int(hex_[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    return max(rgb) - min(rgb)


def test_verdicts_use_no_model_hue():
    """Colour means model: every verdict colour is a grey (chroma under 10%), every model colour is not."""
    for light, dark in style.VERDICTS.values():
        assert _chroma(light) < 0.1 and _chroma(dark) < 0.1, (light, dark)
    assert all(_chroma(lk.color) > 0.2 for lk in style._NAMED.values())
    marks = {style.verdict_look(v)["symbol"] for v in ("holds", "contradicted", "unsupported")}
    assert len(marks) == 3  # told apart by mark, not hue


def test_a_label_extending_a_named_model_keeps_its_colour():
    base = style.look("HSN (repaired)")
    once, every = style.look("HSN (repaired), input once"), style.look("HSN (repaired), input every")
    assert once.color == every.color == base.color
    assert once.marker != base.marker and once.family == "HSN"
    assert style.look("HSN (literal), input once").color == style.look("HSN (literal)").color


def test_panels_keep_at_most_two_per_row():
    assert style.grid(4) == (2, 2) and style.grid(3) == (2, 2) and style.grid(1) == (1, 1)
    fig, axes = style.panels(3)
    assert len(axes) == 3 and len(fig.axes) == 3  # the empty fourth cell is removed
    plt.close(fig)


@pytest.fixture
def themed():
    with matplotlib.rc_context():
        style.apply()
        yield


def test_text_is_legible_at_page_width(themed):
    fig, axes = style.panels(4)
    for ax in axes:
        ax.plot([0, 1], [0, 1], label="Dense MLP")
        ax.set(title="moons", xlabel="learned parameters", ylabel="accuracy")
        ax.legend()
    assert style.smallest_text_px(fig) >= style.MIN_TEXT_PX
    assert len(style.png(fig)) > 0
    fig.axes[0].set_title("tiny", fontsize=4)  # a 4 pt title is under 9 px: the check sees it
    assert style.smallest_text_px(fig) < style.MIN_TEXT_PX
    plt.close(fig)


def test_static_figures_get_phone_and_dark_renditions(themed):
    from matplotlib.colors import to_hex

    from scaffold.runtime import static

    fig, axes = style.panels(4)
    for ax in axes:
        ax.plot([0, 1], [0, 1], color=style.look("Dense MLP").color)
        ax.scatter([0.5], [0.5], color="0.15")
        ax.set(title="moons", xlabel="learned parameters", ylabel="accuracy")
    copy = static._copy(fig)
    sf = static.StaticFigure(fig, alt="four panels")
    assert set(sf.images) == {"wide-light", "wide-dark", "narrow-light", "narrow-dark"}
    for key, (data, width, text_px) in sf.images.items():
        shown = static.PHONE_PX if key.startswith("narrow") else style.PAGE_PX
        assert text_px * min(shown, width) / width >= style.MIN_TEXT_PX, key
    html = sf.to_html()
    assert html.count("<img") == 4 and 'data-min-text-px="' in html and 'alt="four panels"' in html
    # the phone rendition puts the panels in one column, narrower
    static.restack(copy)
    assert {ax.get_subplotspec().get_gridspec().get_geometry() for ax in copy.axes} == {(4, 1)}
    # the dark rendition turns greys over and keeps the model's colour
    static.darken(copy)
    line = copy.axes[0].lines[0]
    assert to_hex(line.get_color()).upper() == style.look("Dense MLP").color.upper()
    assert copy.axes[0].collections[0].get_facecolor()[0][0] > 0.7      # ink became light
    assert copy.axes[0].title.get_color() not in ("black", "#000000")
    plt.close("all")


def test_the_phone_rendition_fits_a_figure_legend_to_its_width(themed):
    """A legend as wide as the desktop's (three models in a row) was cut off on a phone."""
    from scaffold.runtime import static

    models = ["Dense MLP", "HSN (literal)", "CEN (H=512)"]
    fig, axes = style.panels(3)
    for ax in axes:
        for m in models:
            ax.plot([0, 1], [0, 1], color=style.look(m).color, label=m)
    h, lab = axes[0].get_legend_handles_labels()
    fig.legend(h, lab, loc="outside lower center", ncols=3, frameon=False)
    assert static.legend_width_in(fig.legends[0], 3) > static.NARROW_IN  # the case to mend
    static.restack(fig)
    (leg,) = fig.legends
    assert [t.get_text() for t in leg.get_texts()] == models and 1 <= leg._ncols < 3
    assert static.legend_width_in(leg, leg._ncols) <= static.NARROW_IN
    assert leg._outside_loc == "lower" and not leg.get_frame_on()  # placed and drawn as before
    # drawn, it lies within the figure
    fig.canvas.draw()
    box = leg.get_window_extent()
    assert box.x0 >= 0 and box.x1 <= fig.bbox.width
    plt.close("all")


def test_a_panel_of_a_grid_says_in_full_what_it_shows_on_a_phone(themed):
    from scaffold.runtime import static

    fig, axes = plt.subplots(2, 2)
    for i, task in enumerate(("moons", "circles")):
        for j, model in enumerate(("Dense MLP", "CEN")):
            axes[i, j].set_title(model if i == 0 else "0.9")  # the column named once, on top
            static.narrow_title(axes[i, j], f"{model}, {task}")
    note = axes[0, 0].text(0.5, 0.5, "W (learned), 64 entries")
    static.narrow_text(note, "W\n(learned)\n64 entries")  # any text: a label on the plot
    copy = static._copy(fig)
    static.restack(copy)
    assert "W\n(learned)\n64 entries" in [t.get_text() for t in copy.axes[0].texts]
    assert note.get_text() == "W (learned), 64 entries"
    assert [ax.get_title() for ax in copy.axes] == ["Dense MLP, moons", "CEN, moons", "Dense MLP, circles",
                                                   "CEN, circles"]
    assert [ax.get_title() for ax in fig.axes] == ["Dense MLP", "CEN", "0.9", "0.9"]  # the wide one as it was
    plt.close("all")


def test_past_the_canvas_a_rendition_is_drawn_by_savefig_not_cut(themed):
    """A title wider than its figure lies past the canvas: cut from the draw it was blank."""
    from scaffold.runtime import static

    fig, ax = plt.subplots(figsize=(1.5, 1.5))
    ax.set_title("a title much wider than this small figure, on purpose")
    box = static.tight_box(fig)
    assert box.x0 < 0 and static._cut_drawn(fig, box, int(fig.dpi)) is None
    plt.close("all")


@pytest.mark.parametrize("dark", [False, True])
def test_a_rendition_cut_from_its_draw_is_the_saved_image(themed, dark):
    """Renditions are cut from the draw that measured their tight box instead of being
    drawn again by savefig: same size, same pixels up to antialiasing at the cut, and
    the padding past the canvas filled as savefig fills it (white, or clear)."""
    import io

    import numpy as np
    from PIL import Image

    from scaffold.runtime import static

    fig, axes = style.panels(2)
    for ax in axes:
        ax.plot([0, 1], [0, 1], color=style.look("Dense MLP").color)
        ax.set(title="moons", xlabel="learned parameters", ylabel="accuracy")
    if dark:
        static.darken(fig)
    box = static.tight_box(fig)
    assert box.x0 < 0 < box.x1 - fig.get_figwidth()  # the padding reaches past the canvas
    cut, _, _ = static.render(fig, drawn_box=box)
    saved = style.png(fig, transparent=dark)
    a, b = (np.asarray(Image.open(io.BytesIO(d)).convert("RGBA")).astype(int) for d in (cut, saved))
    assert a.shape == b.shape
    assert np.abs(a - b).mean() < 3  # of 255: antialiasing at a sub-pixel offset
    corner = a[0, 0]
    assert tuple(corner[3:]) == ((0,) if dark else (255,))
    plt.close(fig)
