"""The appendix (scaffold.chapters.reproducing): its tables and facts, and the results listing
(the book benchmark's narrative edit: tests/test_bench_tools.py)."""

import json

from scaffold.chapters import reproducing as rp
from scaffold.runtime import provenance

REPORT = {"device": "cpu", "machine": "x86_64", "torch": "2.13.0", "threads": 1, "epochs_scale": 1.0,
          "ensemble": [{"model": "Dense MLP", "members": 20, "batched_s": 1.0, "one_by_one_s": 5.0,
                        "speedup": 5.0, "max_abs_metric_diff": 0.0}],
          "core_sweep": {"jobs": 12, "members": 240, "seconds": 10.0, "gflop": 100.0,
                         "matmul_gflops": 100.0, "floor_s": 1.0, "ratio_to_floor": 10.0},
          "book": {"profile": "full", "cold": {"seconds": 200.0, "executed": 7},
                   "noop": {"seconds": 3.0, "executed": 0},
                   "narrative": {"seconds": 6.0, "executed": 0},
                   "library": {"seconds": 60.0, "executed": 7}}}


def test_load_bench(tmp_path):
    assert rp.load_bench(tmp_path / "missing.json") is None
    p = tmp_path / "bench.json"
    p.write_text(json.dumps(REPORT))
    assert rp.load_bench(p)["core_sweep"]["ratio_to_floor"] == 10.0


def test_tables_from_report():
    ens = rp.ensemble_table(REPORT)
    assert list(ens["speedup"]) == [5.0]
    book = rp.book_table(REPORT)
    assert list(book["sections executed"]) == [7, 0, 0, 7]
    assert rp.book_table({**REPORT, "book": None}).empty


def test_pins_come_from_requirements():
    t = rp.pinned(("torch", "papermill"))
    assert t.set_index("package").loc["torch", "pinned"] == "2.13.0"
    assert t.set_index("package").loc["papermill", "pinned"] == "2.7.0"


def test_results_listing_links_existing_files(tmp_path):
    res = tmp_path / "results"
    res.mkdir()
    (res / "a.csv").write_text("x,y\n1,2\n3,4\n")
    (res / "b.json").write_text("{}")
    (res / "notes.txt").write_text("ignored")
    book = tmp_path / "book"
    book.mkdir()
    md = provenance.results_listing(res, here=book)
    assert "{download}`a.csv <../results/a.csv>` | 2 |" in md
    assert "b.json <../results/b.json>" in md
    assert "notes.txt" not in md


def test_facts_are_plain_data_with_or_without_a_report():
    for report in (None, REPORT):
        f = rp.facts(report)
        assert all(isinstance(v, (int, float, str)) for v in f.values()), f
        assert set(f) == set(rp.facts(REPORT))  # the prose may quote every key either way
    f = rp.facts(REPORT)
    assert f["ens-members"] == 20 and f["core-ratio"] == 10.0 and f["book-library-executed"] == 7
    assert "5× faster for the Dense MLP" in f["ens-speedups"]
    assert "not measured" in rp.facts(None)["bench-status"]


def test_timings_read_as_written_with_or_without_a_report(tmp_path):
    missing = rp.timings(None, rp.facts(None))._repr_mimebundle_()["text/markdown"]
    assert "`make bench` measures it" in missing and "recorded on a GPU" in missing
    for bad in ("nan", "n/a", "NaN"):
        assert bad not in missing
    text = rp.timings(REPORT, rp.facts(REPORT), path=tmp_path / "bench.json").text
    assert "one thread" in text and "thread(s)" not in text and "nan" not in text
    assert "{glue:figure} tab-rep-ensemble" in text and "{glue:figure} tab-rep-book" in text
    assert "{download}`bench.json" in text
    assert set(rp.table_views(None)) == {"profiles", "pinned"}
    assert set(rp.table_views(REPORT)) == {"profiles", "pinned", "ensemble", "book"}


def test_data_links_are_relative_download_roles(tmp_path):
    links = provenance.data_links(tmp_path / "results" / "a.csv", here=tmp_path / "book")
    assert links.markdown() == "Data: {download}`a.csv <../results/a.csv>`"
    two = provenance.data_links(tmp_path / "a.csv", tmp_path / "b.json", here=tmp_path)
    assert two.markdown().startswith("Data files: ") and "b.json <b.json>" in two.markdown()


GOALS = [{"goal": "core sweep time / matmul floor", "target": 4.0, "unit": "x", "value": 8.0, "met": False},
         {"goal": "batched speed-up, Dense MLP, 20 members", "target": 10.0, "unit": "x", "value": 5.0,
          "met": False},
         {"goal": "cold make book", "target": 300.0, "unit": "s", "value": 250.0, "met": True},
         {"goal": "make test", "target": 300.0, "unit": "s", "value": None, "met": None}]


def test_goals_table_says_met_missed_by_how_much_or_not_measured():
    t = rp.goals_table({"goals": GOALS}).set_index("goal")
    assert t.loc["core sweep time / matmul floor", "state"] == "missed by 2×"
    assert t.loc["core sweep time / matmul floor", "target"] == "≤ 4×"
    assert t.loc["batched speed-up, Dense MLP, 20 members", "state"] == "missed by 2×"
    assert t.loc["batched speed-up, Dense MLP, 20 members", "target"] == "≥ 10×"
    assert t.loc["cold make book", "state"] == "met"
    assert t.loc["make test", "measured"] == "not measured"
    # A direction recorded in the report wins over the one read off the goal's name.
    up = {"goal": "members per second", "target": 100.0, "unit": "x", "value": 50.0, "met": False,
          "lower_is_better": False}
    row = rp.goals_table({"goals": [up]}).iloc[0]
    assert (row["target"], row["state"]) == ("≥ 100×", "missed by 2×")
    report = {**REPORT, "goals": GOALS, "test": {"seconds": 420.0},
              "ensemble": [{**REPORT["ensemble"][0], "vmap_s": 2.0, "stacked_vs_vmap": 2.0}]}
    f = rp.facts(report)
    assert (f["goals-n"], f["goals-met"], f["goals-unmeasured"]) == (4, 1, 1)
    assert f["ens-vmap"] == "2× for the Dense MLP"
    text = rp.timings(report, f).text
    assert "tab-rep-goals" in text and "420 s" in text and "vmap" in text
    assert "goals" in rp.table_views(report)
    assert list(rp.ensemble_table(report).columns) == ["model", "members", "batched_s", "vmap_s",
                                                         "one_by_one_s", "speedup", "stacked_vs_vmap"]


PROFILED = {**REPORT,
            "ensemble": [{**REPORT["ensemble"][0],
                          "profile": {"matmul_share": 0.35, "top": [{"op": "aten::bmm", "share": 0.2},
                                                                    {"op": "aten::sqrt", "share": 0.1}]}}],
            "throughput": [{"members": 1200, "max_members": 160, "stacks": 8, "n_jobs": 2,
                            "seconds": 60.0, "members_per_s": 20.0}],
            "book": {**REPORT["book"],
                     "cold": {"seconds": 200.0, "executed": 7, "plan_s": 150.0,
                              "plan_profile": {"jobs": 10, "members": 200, "job_seconds": 290.0,
                                               "by_family": [{"family": "hsn", "jobs": 6, "members": 120,
                                                              "seconds": 232.0},
                                                             {"family": "dense", "jobs": 4, "members": 80,
                                                              "seconds": 58.0}],
                                               "top_jobs": [{"model": "HSN big", "task": "sine",
                                                             "seconds": 90.0}]}}}}


def test_profile_throughput_and_plan_are_quoted_from_the_report():
    assert rp.profile_table(PROFILED).iloc[0].to_dict() == {
        "model": "Dense MLP", "matmul_pct": 35, "top_ops": "bmm 20%, sqrt 10%"}
    assert list(rp.plan_table(PROFILED).share_pct) == [80.0, 20.0]
    text = rp.timings(PROFILED, rp.facts(PROFILED)).text
    assert "35% for the Dense MLP" in text and "tab-rep-profile" in text
    assert "20.0 members per second here (8 stacks of at most 160 members on 2 processes" in text
    assert "150 s" in text and "HSN big on sine" in text and "tab-rep-plan" in text
    assert {"throughput", "profile", "plan"} <= set(rp.table_views(PROFILED))
    # An older report without these parts shows none of them.
    assert not {"throughput", "profile", "plan"} & set(rp.table_views(REPORT))


def test_a_recorded_gpu_report_is_labelled_as_recorded(tmp_path):
    assert "No measurement on a GPU" in rp.recorded(None).text and rp.record_views(None) == {}
    rec = {**PROFILED, "device": "cuda", "gpu": "NVIDIA H200", "threads": 16, "date": "2026-11-28",
           "ensemble": [{**PROFILED["ensemble"][0], "speedup": 18.0, "repeats": 1}],
           "goals": GOALS, "core_sweep": REPORT["core_sweep"], "file": str(tmp_path / "bench-cuda.json")}
    (tmp_path / "bench-cuda.json").write_text(json.dumps(rec))
    assert rp.load_records(tmp_path)[0]["gpu"] == "NVIDIA H200"
    text = rp.recorded(rec).text
    assert "2026-11-28" in text and "NVIDIA H200" in text and "not re-measured when this book is built" in text
    assert "18× for the Dense MLP" in text and "one run each" in text
    assert "Of the 3 speed targets measured there, 1 is met" in text
    assert set(rp.record_views(rec)) == {"goals", "ensemble", "throughput"}
    for name in rp.record_views(rec):
        assert f"{{glue:figure}} tab-rep-gpu-{name}" in text


def test_numbers_in_the_appendix_follow_the_book_style(tmp_path):
    """Factors with ×, true minus, thousands separators; a recorded report says what it is."""
    text = rp.timings(PROFILED, rp.facts(PROFILED)).text
    assert "x faster" not in text and "×" in text and "10×" in text  # the floor ratio as a factor
    rec = {**PROFILED, "gpu": "NVIDIA H200", "threads": 16, "torch": "2.11.0+cu130", "python": "3.12.3",
           "date": "2026-11-28", "file": str(rp.RECORDS / "bench-x.json")}
    first = rp.recorded(rec).text.split("\n\n")[0]
    assert first.startswith("These figures were measured on an NVIDIA H200 with 16 CPU threads, torch "
                            "2.11.0+cu130")
    assert "`tools/records/bench-x.json`" in first and "not re-measured when this book is built" in first
