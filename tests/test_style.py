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
        assert style.verdict_color(v) != style.verdict_color(v, dark=True)
    css = style.css()
    assert ".verdict-not-reproduced" in css and 'html[data-theme="dark"]' in css


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
