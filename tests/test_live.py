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
    assert "reading: as drawn" in first["hovertext"][0] and "0.100 [0, 0.200]" in first["hovertext"][0]
    # panels in the note's order
    titles = [a["text"] for a in spec["layout"]["annotations"]][:3]
    assert titles == ["circles", "moons", "sine"]


def test_forest_band_per_panel_from_a_column():
    """Accuracy and MSE panels have their own margins: ``band`` may name the column."""
    margins = {"sine": 0.005, "moons": 0.01, "circles": 0.01}
    df = pd.DataFrame([dict(task=t, model=m, diff=0.1, lo=0.0, hi=0.2, margin=margins[t])
                       for t in TASKS for m in MODELS])
    spec = spec_of(charts.forest(df, "diff", "lo", "hi", band="margin").to_html())
    rects = sorted((s["xref"], s["x0"], s["x1"]) for s in spec["layout"]["shapes"] if s["type"] == "rect")
    # panels in the note's order (circles, moons, sine): x, x2, x3
    assert rects == [("x", -0.01, 0.01), ("x2", -0.01, 0.01), ("x3", -0.005, 0.005)]
    import pytest
    with pytest.raises(ValueError, match="needs one"):
        charts.forest(df.assign(margin=np.arange(len(df)) / 100), "diff", "lo", "hi", band="margin")


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
    assert "task: swiss roll" in text and "swiss_roll" not in text
    assert "learned parameters: 609<" in text
    assert "test accuracy: 0.988 [−0.0123, 1.00]" in text


def curve_frame():
    est = np.array([-0.4, -0.2, -0.05, 0.002, 0.004, 0.02])
    return pd.DataFrame(dict(
        mask=["drawn", "drawn", "per unit", "per unit", "per unit", "per unit"],
        scale=["raw", "0.9", "raw", "0.9", "raw", "0.9"], est=est, lo=est - 0.01, hi=est + 0.01,
        verdict=["contradicted", "contradicted", "unsupported", "holds", "holds", "holds"],
        margin=0.01, consistent=[False, False, False, True, True, False],
        named=["literal", "", "", "", "repaired", ""], degenerate=[True, False, False, False, False, False]))


def test_spec_curve_marks_verdicts_band_consistent_named_and_degenerate():
    live = speccurve.spec_curve(curve_frame(), "est", "lo", "hi", ["mask", "scale"],
                                ylabel="difference in test accuracy, HSN − dense MLP",
                                levels={"mask": {"per unit": "one input per DG unit"}})
    spec = spec_of(live.to_html())
    names = [t.get("name") for t in spec["data"] if t.get("showlegend", True) is not False]
    assert speccurve.DEGENERATE_WORDS in names and "holds" in names and "contradicted" in names
    assert speccurve.CONSISTENT_WORDS in names and any(n and n.startswith("±margin (0.01)") for n in names)
    # marks by verdict, in greys: no model colour on a verdict point
    by_name = {t["name"]: t for t in spec["data"] if t.get("name")}
    assert by_name["holds"]["marker"]["symbol"] == "circle"
    assert by_name["contradicted"]["marker"]["symbol"] == "x-thin-open"
    model_colours = {lk.color for lk in style._NAMED.values()}
    assert not {by_name[v]["marker"]["color"] for v in ("holds", "contradicted", "unsupported")} & model_colours
    # the degenerate reading is not drawn as contradicted
    assert len(by_name["contradicted"]["hovertext"]) == 1
    assert len(by_name[speccurve.DEGENERATE_WORDS]["hovertext"]) == 1
    shapes = spec["layout"]["shapes"]
    assert any(s.get("y0") == -0.01 and s.get("y1") == 0.01 for s in shapes)          # the band
    stripes = [s for s in shapes if s.get("fillcolor") == style.CONSISTENT[0]]
    assert len(stripes) == 2 and all(s["yref"] == "paper" for s in stripes)  # 2 columns, each over both panels
    texts = [a["text"] for a in spec["layout"]["annotations"]]
    assert "literal" in texts and "repaired" in texts
    assert "mask: one input per DG unit" in spec["layout"]["yaxis2"]["categoryarray"]  # plain level names
    assert spec["layout"]["yaxis"]["title"]["text"] == "difference in test accuracy,<br>HSN − dense MLP"
    # a phone gets the curve on its side, and the dark page its own greys
    assert all("error_x" in t for t in spec["narrowData"] if t.get("hovertext"))
    assert spec["darkColors"][style.INK[0]] == style.INK[1]
    hover = by_name["holds"]["hovertext"][0]
    assert "verdict: holds" in hover and "<b>+0.002</b> [−0.008, +0.012]" in hover
    assert "one input per DG unit" in hover
    # a choice mark (its row names the level) shows the value and the verdict only
    marks = [t for t in spec["data"] if t.get("yaxis") == "y2" and t.get("hovertext")]
    assert marks and all(h.count("<br>") <= 1 and "DG unit" not in h for t in marks for h in t["hovertext"])


def test_a_named_reading_is_labelled_once_per_cluster_of_its_rings():
    # "repaired" at ranks 10, 11, 12 (one reading on three task readings) and 90; "literal" at 11 too
    d = pd.DataFrame({"_rank": range(100), "_named": [""] * 100})
    d.loc[[10, 11, 12, 90], "_named"] = "repaired"
    d.loc[[13], "_named"] = "literal"
    got = speccurve._labelled(d)
    assert got == {10, 90, 13}  # the neighbours of 10 stay unlabelled; each name gets its own label
    assert speccurve._labelled(d.iloc[:0]) == set()


def test_spec_curve_without_verdicts_falls_back_to_the_intervals_side():
    df = curve_frame().drop(columns=["verdict", "consistent", "named", "degenerate", "margin"])
    spec = spec_of(speccurve.spec_curve(df, "est", "lo", "hi", ["mask"], verdict=None).to_html())
    names = {t.get("name") for t in spec["data"]}
    assert {"interval below 0", "interval above 0"} <= names


def test_how_to_read_has_numbered_marks_and_a_key():
    h = speccurve.how_to_read()
    html = h.to_html()
    assert html.count("<li>") == len(speccurve.HOW_TO_READ) == 7
    assert 'class="static-figure"' in html and "made-up numbers" in html
    data, width, text_px = h.figure.images["narrow-light"]
    from scaffold.runtime import static

    assert text_px * static.PHONE_PX / width >= style.MIN_TEXT_PX


def test_named_readings_and_levels_read_from_a_csv():
    from scaffold.readings import NAMED

    lit = dict(NAMED["literal"].levels)
    df = pd.DataFrame([lit, {**lit, "dg": "min1"}])
    if "swnoise" in df:  # a CSV reads the level "1" back as 1.0
        df["swnoise"] = df["swnoise"].astype(float)
    assert speccurve.named_readings(df)[0] == "literal" and speccurve.named_readings(df)[1] in ("", "repaired")
    assert speccurve.level_str(1.0) == "1" and speccurve.level_str(0.5) == "0.5" and speccurve.level_str("raw") == "raw"


def test_a_log_axis_labels_its_ticks_in_full():
    from scaffold.runtime.live import log_axis

    ax = log_axis([609, 870, 2791, 4417])  # learned parameters: under one decade and a bit
    assert ax["type"] == "log" and ax["tickmode"] == "array"
    assert ax["tickvals"] == [500.0, 1000.0, 2000.0, 5000.0]
    assert ax["ticktext"] == ["500", "1,000", "2,000", "5,000"]  # never a bare "2"
    wide = log_axis([4, 100_000])  # five decades: powers of ten only
    assert wide["tickvals"] == [10.0, 100.0, 1000.0, 10000.0, 100000.0]
    assert wide["ticktext"][:2] == ["10", "100"]
    assert log_axis([0, float("nan")]) == {"type": "log"}  # nothing to place ticks on


def test_a_long_axis_title_wraps_on_the_phone_layout_only():
    from scaffold.runtime.charts import TITLE_CHARS, axis_title

    title = "gain over HSN (repaired), paired by seed (right is better)"
    assert axis_title(title, 2) == title  # panels side by side: one line
    lines = axis_title(title, 1).split("<br>")
    assert len(lines) >= 2 and all(len(x) <= TITLE_CHARS for x in lines) and " ".join(lines) == title
    assert axis_title("test accuracy", 1) == "test accuracy"


def test_forest_rows_read_in_words_and_keep_their_model_looks():
    from scaffold.runtime.frontier_fig import model_words

    coded = "HSN T=2 [dg=min1 G=r0.9 learnG=fixed input=every act=tanh]"
    assert model_words(coded) == ("HSN T=2: one input per DG unit, G rescaled to radius 0.9, "
                                  "the input entering every step")
    assert model_words("HSN (repaired)") == "HSN (repaired)"
    from scaffold.runtime.frontier_fig import near_point_words
    assert near_point_words("HSN [dg=min1 G=r0.9 learnG=fixed input=every act=tanh]") == \
        "HSN (repaired) but the input entering every step"  # the repaired reading but for one axis
    two_off = "HSN [dg=drawn G=r0.9 learnG=fixed input=every act=tanh]"
    assert near_point_words(two_off) == model_words(two_off)  # two axes off: the levels in words
    assert near_point_words("HSN [dg=drawn G=raw learnG=fixed input=every act=tanh]") == \
        "HSN (literal) but the input entering every step"  # the literal reading but for one axis
    assert model_words("HSN [size=3]") == "HSN [size=3]"  # not a reading code: left as it is
    models = ["Dense MLP", coded, *(coded.replace("T=2", f"T={t}") for t in (1, 3, 4, 5, 6))]
    df = pd.DataFrame([dict(task="moons", model=m, diff=0.1, lo=0.0, hi=0.2) for m in models])
    short = df.assign(model=[f"Dense w={i}" for i in range(len(df))])
    plain = spec_of(charts.forest(short, "diff", "lo", "hi").to_html())
    spec = spec_of(charts.forest(df, "diff", "lo", "hi", row_text=model_words).to_html())
    ticks = spec["layout"]["yaxis"]["ticktext"]
    assert any(t.startswith("HSN T=2: one input") for t in ticks) and not any("dg=" in t for t in ticks)
    hsn = next(t for t in spec["data"] if t["name"] == coded)
    assert hsn["marker"]["color"] == style.look(coded).color  # the look follows the label
    # two-line names get taller rows: 42 px a row against 26 (one panel: rows x row height + 60 + 90)
    assert (spec["layout"]["height"], plain["layout"]["height"]) == (42 * 7 + 150, 26 * 7 + 150)


def test_a_trace_type_the_sites_plotly_bundle_lacks_is_refused():
    import plotly.graph_objects as go
    import pytest

    from scaffold.runtime import live

    png = b"\x89PNG\r\n\x1a\n"
    ok = live.LiveFigure(go.Figure(go.Heatmap(z=[[1, 2]])), png).spec()
    assert ok["data"][0]["type"] == "heatmap"
    for fig, narrow in ((go.Figure(go.Scattergl(x=[1], y=[1])), None),
                        (go.Figure(go.Scatter(x=[1], y=[1])), go.Figure(go.Parcoords()))):
        with pytest.raises(ValueError, match="not in the site's plotly.js 'cartesian' bundle"):
            live.LiveFigure(fig, png, narrow=narrow).spec()
    # the bundle's own list (its README, as fetch_plotly.sh unpacks it) is the one in live.py
    assert {"scatter", "box", "heatmap", "bar"} <= live.TRACES and "scattergl" not in live.TRACES


def test_strip_draws_named_panels_on_a_log_axis():
    seeds = pd.DataFrame([dict(task=t, model=m, seed=s, acc=abs(rng.normal()) + 1e-3)
                          for t in TASKS for m in MODELS for s in range(5)])
    spec = spec_of(charts.strip(seeds, "acc", log_panels=["sine"]).to_html())
    # panels in the note's order (circles, moons, sine): the third is on a log axis, the others not
    assert spec["layout"]["xaxis3"]["type"] == "log"
    assert spec["layout"]["xaxis"].get("type") != "log"
