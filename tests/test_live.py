"""Live figures: a static image and a plotly spec in one HTML block, no inline code."""

import json
import re

import numpy as np
import pandas as pd

from scaffold.runtime import charts, speccurve, style

rng = np.random.default_rng(0)
MODELS = ["Dense MLP", "HSN (literal)", "CEN (H=64)"]
TASKS = ["sine", "moons", "circles"]


def spec_of(html: str) -> dict:
    m = re.search(r'<script type="application/json" class="live-spec">(.*?)</script>', html, re.S)
    assert m, "no spec"
    return json.loads(m.group(1))


def check(fig, n_traces_min: int):
    html = fig.to_html()
    assert html.startswith('<div class="live-figure"')
    assert 'src="data:image/png;base64,' in html and "data-alt-from-caption" in html
    assert "<script>" not in html and "://" not in html  # nothing runs inline, nothing remote
    spec = spec_of(html)
    assert len(spec["data"]) >= n_traces_min
    assert spec["narrow"]["height"] >= spec["layout"]["height"]  # one panel per row on a phone
    bundle = fig._repr_mimebundle_()
    assert bundle["text/html"] == html
    return spec


def test_forest_colours_and_hover():
    df = pd.DataFrame([dict(task=t, model=m, reading="as drawn", diff=0.1, lo=0.0, hi=0.2)
                       for t in TASKS for m in MODELS])
    spec = check(charts.forest(df, "diff", "lo", "hi", band=0.05), len(TASKS) * len(MODELS))
    first = spec["data"][0]
    assert first["name"] == "Dense MLP" and first["marker"]["color"] == style.look("Dense MLP").color
    assert "Reading: as drawn" in first["hovertext"][0] and "0.100 [0, 0.200]" in first["hovertext"][0]
    # panels in the note's order
    titles = [a["text"] for a in spec["layout"]["annotations"]][:3]
    assert titles == ["circles", "moons", "sine"]


def test_scatter_strip_and_spec_curve():
    df = pd.DataFrame([dict(task=t, model=m, learned=n, mean=0.9, lo=0.85, hi=0.95)
                       for t in TASKS for m, n in zip(MODELS, [4417, 897, 129])])
    check(charts.scatter(df, "learned", "mean", lo="lo", hi="hi", log_x=True), 9)
    seeds = pd.DataFrame([dict(task=t, model=m, seed=s, acc=rng.normal())
                          for t in TASKS for m in MODELS for s in range(5)])
    check(charts.strip(seeds, "acc"), 9)
    specs = pd.DataFrame([dict(mask=a, scale=b, est=e, lo=e - 0.1, hi=e + 0.1)
                          for a in ["drawn", "per unit"] for b in ["raw", "0.9"] for e in [rng.normal()]])
    live = speccurve.spec_curve(specs, "est", "lo", "hi", ["mask", "scale"])
    spec = spec_of(live.to_html())
    assert spec["layout"]["yaxis2"]["categoryarray"] == ["scale: 0.9", "scale: raw",
                                                         "mask: per unit", "mask: drawn"]


def test_sides():
    df = pd.DataFrame(dict(lo=[0.1, -0.3, -0.1], hi=[0.2, -0.1, 0.1]))
    assert list(speccurve.sides(df, "lo", "hi", 0.0)) == ["above", "below", "across"]


def test_script_end_tags_in_text_cannot_close_the_block():
    df = pd.DataFrame([dict(task="moons", model="</script><b>x", diff=0.0, lo=-1.0, hi=1.0)])
    html = charts.forest(df, "diff", "lo", "hi").to_html()
    assert html.count("</script>") == 1


def test_tooltips_round_as_the_tables_and_name_tasks_plainly():
    from scaffold.runtime.live import hover_text

    df = pd.DataFrame([dict(task="swiss_roll", model="HSN (repaired)", reading="repaired",
                            **{"learned parameters": 609.0999984741211}, acc=0.98765, lo=-0.0123, hi=1.0)])
    text = hover_text(df, "model", "acc", "lo", "hi", extra=("task", "learned parameters"),
                      names={"acc": "test accuracy"})[0]
    assert "Task: swiss roll" in text and "swiss_roll" not in text
    assert "Learned parameters: 609<" in text
    assert "test accuracy: 0.988 [−0.0123, 1.00]" in text
