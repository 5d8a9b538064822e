"""Tables for reading: formats, orders, badges, scroll box, sortable variant."""

import math

import pandas as pd

from scaffold.runtime import tables


def test_numbers():
    assert tables.number(4417.0, integer=True) == "4,417"
    assert tables.number(-0.374) == "−0.374"
    assert tables.number(0.5) == "0.500"
    assert tables.number(9.766e-05) == "9.77 × 10⁻⁵"
    assert tables.number(-0.0008789) == "−8.79 × 10⁻⁴"
    assert tables.number(12345.6) == "12,346"
    assert tables.number(math.nan) == tables.DASH and tables.number(None) == tables.DASH
    assert tables.number(0.0) == "0"


def test_headers():
    assert tables.header("verdict") == "Verdict"
    assert tables.header("three_pow_k") == "Three pow k"
    assert tables.header("three_pow_k", {"three_pow_k": "3^k"}) == "3^k"


def frame():
    return pd.DataFrame({
        "task": ["sine", "moons", "swiss_roll", "circles"] * 2,
        "model": ["CEN (H=512)"] * 4 + ["CEN (H=64)"] * 4,
        "seeds": [20.0] * 8,
        "ours": [0.91, math.nan, 0.5, -0.374, 0.2, 0.3, 0.4, 0.5],
        "verdict": ["reproduced", "not reproduced", "contradicted", "untestable"] * 2,
    })


def test_order_is_the_notes_tasks_then_numeric_models():
    t = tables.table(frame())
    assert list(t.df.task[::2]) == ["swiss_roll", "circles", "moons", "sine"]
    assert list(t.df.model[:2]) == ["CEN (H=64)", "CEN (H=512)"]


def test_html_has_no_index_human_headers_badges_and_a_scroll_box():
    html = tables.table(frame()).to_html()
    assert html.startswith('<div class="table-scroll"')
    assert "<th" in html and ">Seeds<" in html and ">Verdict<" in html
    assert "row_heading" not in html and "index_name" not in html  # no index column
    assert '<span class="verdict verdict-not-reproduced">not reproduced</span>' in html
    assert ">20<" in html and "20.0" not in html  # whole-number column printed as integers
    assert ">–<" in html  # NaN as a dash
    assert tables.table(frame()).to_html() == html  # deterministic (re-executed notebooks)


def test_text_is_escaped():
    html = tables.table(pd.DataFrame({"why": ["a < b & c"]})).to_html()
    assert "a &lt; b &amp; c" in html


def test_full_table_is_sortable_with_a_filter():
    html = tables.full_table(frame()).to_html()
    assert 'class="table-box"' in html and "table-filter" in html and "sortable" in html


def test_counts_in_sentences_read_as_written():
    from scaffold.fmt import count, share

    assert [count(k, "cell") for k in (0, 1, 3, 1024)] == ["no cells", "one cell", "3 cells", "1,024 cells"]
    assert count(2, "axis", "axes") == "2 axes"
    assert [share(k, n, words=True) for k, n in ((7, 7), (0, 7), (3, 7), (2, 2), (0, 2))] == [
        "all 7", "none of 7", "3 of 7", "both", "neither"]


def ledger():
    return pd.DataFrame({
        "claim_id": ["S1", "S2"], "claim": ["the circulation is the key", "the graph matters"],
        "verdict": ["holds", "contradicted"], "reported": [0.984, math.nan],
        "ours": [0.99, -0.0021], "task": ["swiss_roll", "moons"],
    })


def test_details_go_in_an_expandable_row_under_each_row():
    t = tables.table(ledger(), details=["reported", "ours"], anchor="claim_id", anchor_prefix="claim-")
    html = t.to_html()
    assert t.columns == ["claim", "verdict", "task"]          # details and anchor leave the row
    assert html.count('<details class="row-more">') == 2
    assert html.count('<tr class="row-details">') == 2
    assert 'colspan="3"' in html
    assert "<dt>Note</dt><dd>0.984</dd>" in html and "<dd>−0.00210</dd>" in html
    assert "<dt>Note</dt><dd>–</dd>" in html                  # a missing value is a dash
    # the expandable part follows its own row
    assert html.index('id="claim-S1"') < html.index("<dd>0.984</dd>") < html.index('id="claim-S2"')
    assert ">swiss roll<" in html and "swiss_roll" not in html  # plain task names
    assert ">S1<" not in html                                  # the anchor column is not shown


def test_anchors_from_a_list_keep_every_column():
    t = tables.table(ledger(), anchor=["a", "b"], anchor_prefix="row-")
    assert t.columns == list(ledger().columns)
    assert 'id="row-a"' in t.to_html()


def test_key_tables_raw_cells_and_verdict_definitions():
    df = ledger().assign(evidence=['<a href="#fig-1">Fig. 1</a>', "<b>x</b>"])
    html = tables.table(df, key=True, raw=["evidence"],
                        verdict_titles={"holds": "the interval clears the margin"}).to_html()
    assert 'class="scaffold-table key-table"' in html
    assert '<a href="#fig-1">Fig. 1</a>' in html                 # raw HTML kept
    assert 'title="the interval clears the margin">holds</span>' in html
    assert "&lt;b&gt;" not in html


def test_sorting_keeps_the_numbers_style():
    html = tables.table(pd.DataFrame({"n": [4417, 12], "x": [-0.5, 2.0]})).to_html()
    assert ">4,417<" in html and ">−0.500<" in html and "-0.5" not in html


def test_a_table_led_by_task_and_model_keeps_both_in_view():
    import pandas as pd

    from scaffold.runtime import tables

    both = tables.table(pd.DataFrame({"task": ["moons"], "model": ["HSN"], "x": [1.0]})).to_html()
    assert 'class="scaffold-table sticky-two"' in both
    one = tables.table(pd.DataFrame({"model": ["HSN"], "task": ["moons"], "x": [1.0]})).to_html()
    assert "sticky-two" not in one  # led by the model: its first column alone names the row


def test_a_table_of_text_reads_as_cards_on_a_phone():
    """Columns of long text (tables.CARD_COLUMNS or more): class cards, each cell but the title
    named by its header; fewer, or cards=False, a plain table."""
    import re

    import pandas as pd

    from scaffold.runtime import tables

    long = "a sentence long enough to wrap in its column"
    df = pd.DataFrame({"part": ["Data"], "question": [long], "note": [long], "why": [long], "n": [3]})
    html = tables.table(df, headers={"note": "The note says"}).to_html()
    assert re.search(r'<table class="scaffold-table cards"', html)
    assert '<th scope="row" class="short">Data</th>' in html  # the title: no label
    assert f'<td class="long" data-label="The note says">{long}</td>' in html
    assert '<td class="num" data-label="n">3</td>' in html
    assert "cards" not in tables.table(df.drop(columns=["why", "note"])).to_html()  # one long column
    assert "cards" not in tables.table(df, cards=False).to_html()
    assert "data-label" not in tables.table(df.drop(columns=["why", "note"])).to_html()
