"""The multiverse explorer: the data it embeds, and its HTML (the browser test switches a level)."""

import json
import re

import numpy as np
import pandas as pd
import pytest

from scaffold.runtime import explorer as E


def synthetic():
    """A small multiverse: two HSN axes and the swiss-roll label, a dense MLP, two tasks, 3 seeds."""
    rng = np.random.default_rng(1)
    rows = []
    for task, metric in (("swiss_roll", "accuracy"), ("sine", "mse")):
        swiss = ["half", "arms"] if task == "swiss_roll" else [None]
        for sw in swiss:
            for seed in range(3):
                rows.append(dict(task=task, model="Dense MLP", label="Dense MLP", dg=None, G=None, swiss=sw,
                                 seed=seed, test_metric=0.95 + 0.01 * rng.random(), metric=metric))
                for dg in ("drawn", "min1"):
                    for G in ("raw", "r0.9"):
                        good = dg == "min1" and G == "r0.9"
                        rows.append(dict(task=task, model="HSN", label=f"HSN [dg={dg} G={G}]", dg=dg, G=G,
                                         swiss=sw, seed=seed, metric=metric,
                                         test_metric=(0.95 if good else 0.5) + 0.0123456 * rng.random()))
    long = pd.DataFrame(rows)
    curves = []
    for dg in ("drawn", "min1"):
        for G in ("raw", "r0.9"):
            for sw in ("half", "arms"):
                good = dg == "min1" and G == "r0.9"
                g = 0.001 if good else -0.45
                curves.append(dict(claim="matches-swiss_roll", dg=dg, G=G, swiss=sw, n=3, gain=g, lo=g - 0.004,
                                   hi=g + 0.004, margin=0.01, verdict="holds" if good else "contradicted",
                                   degenerate=G == "raw" and dg == "drawn", consistent=good and sw == "half"))
    readings = pd.DataFrame([dict(dg=dg, G=G, reading=f"dg={dg} G={G}", degenerate=(dg, G) == ("drawn", "raw"),
                                  degenerate_why="constant predictor" if (dg, G) == ("drawn", "raw") else "",
                                  posterior=0.7 if (dg, G) == ("min1", "r0.9") else 0.1,
                                  consistent=(dg, G) == ("min1", "r0.9"), ruled_out=False)
                             for dg in ("drawn", "min1") for G in ("raw", "r0.9")])
    return long, pd.DataFrame(curves), readings


def test_data_has_every_axis_level_and_codes_rows_by_level():
    long, curves, readings = synthetic()
    d = E.data(long, curves, readings)
    assert [a["key"] for a in d["axes"]] == ["dg", "G", "swiss"]
    assert [lv[0] for lv in d["axes"][1]["levels"]] == ["raw", "r0.9"]      # the axis's own order
    assert [t[0] for t in d["tasks"]] == ["swiss_roll", "sine"] and d["tasks"][0][1] == "swiss roll"
    names = [m[0] for m in d["models"]]
    dense = [g for g in d["scores"] if names[g["m"]] == "Dense MLP"]
    assert all(g["a"][:2] == [-1, -1] for g in dense)                       # the same for every reading
    sine = d["tasks"].index(["sine", "sine", "mse"])
    assert all(g["a"][2] == -1 for g in d["scores"] if g["t"] == sine)     # no swiss-roll label on sine
    hsn = [g for g in d["scores"] if names[g["m"]] == "HSN"]
    assert len(hsn) == 4 * 2 + 4 and all(len(g["v"]) == 3 for g in hsn)
    assert all(len(f"{v:.10g}".replace("-", "").replace(".", "").lstrip("0")) <= E.DIGITS
               for g in d["scores"] for v in g["v"])                        # rounded
    (curve,) = d["curves"]
    assert curve["axes"] == [0, 1, 2] and curve["margin"] == 0.01
    assert [r["g"] for r in curve["rows"]] == sorted(r["g"] for r in curve["rows"])
    assert sum(r["c"] for r in curve["rows"]) == 1 and sum(r["d"] for r in curve["rows"]) == 2
    assert d["readings"][0]["why"] == "constant predictor"
    assert d["presets"]["most likely given the note"] == {"dg": "min1", "G": "r0.9"}
    assert d["start"] == "most likely given the note"  # it opens there, not on the literal reading


def test_html_is_self_contained_and_small():
    long, curves, readings = synthetic()
    html = E.explorer(long, curves, readings).to_html()
    assert "://" not in html                                  # nothing fetched
    m = re.search(r'<script type="application/json" class="explorer-data">(.*?)</script>', html, re.S)
    payload = json.loads(m.group(1))
    assert payload["axes"][0]["title"] == "DG mask"
    assert html.count("<select") == 0                          # drawn by the script, from the data
    assert len(html) < 40_000
    assert E.explorer(long, curves, readings).to_html() == html  # deterministic (re-executed notebooks)


def test_variants_of_one_model_in_one_reading_are_told_apart():
    long, curves, readings = synthetic()
    extra = long[long.model == "Dense MLP"].assign(model="Dense (HSN budget)", label="Dense w=23")
    extra2 = extra.assign(label="Dense w=22")
    d = E.data(pd.concat([long, extra, extra2]), curves, readings)
    names = [m[0] for m in d["models"]]
    assert "Dense w=23" in names and "Dense w=22" in names and "Dense (HSN budget)" not in names


@pytest.mark.parametrize("missing", ["readings", "flags"])
def test_works_without_readings_or_flags(missing):
    long, curves, readings = synthetic()
    if missing == "readings":
        d = E.data(long, curves, None)
        assert d["readings"] == [] and "most likely given the note" not in d["presets"] and d["start"] is None
    else:
        d = E.data(long, curves.drop(columns=["degenerate", "consistent", "margin"]), readings)
        assert d["curves"][0]["margin"] is None and not any(r["c"] for r in d["curves"][0]["rows"])
