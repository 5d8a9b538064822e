"""The appendix (scaffold.chapters.reproducing): its page, its tables and passages on small
synthetic reports, and the results listing (the book benchmark's narrative edit:
tests/test_bench_tools.py)."""

import json
import re
from pathlib import Path

from scaffold.chapters import reproducing
from scaffold.chapters.reproducing import facts, reports
from scaffold.runtime import provenance

NOTEBOOK = Path(__file__).resolve().parents[1] / "book" / "06-reproducing.py"

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
    assert reproducing.load_bench(tmp_path / "missing.json") is None
    p = tmp_path / "bench.json"
    p.write_text(json.dumps(REPORT))
    assert reproducing.load_bench(p)["core_sweep"]["ratio_to_floor"] == 10.0


def test_tables_from_report():
    ens = reports.ensemble_table(REPORT)
    assert list(ens["speedup"]) == [5.0]
    book = reports.book_table(REPORT)
    assert list(book["sections executed"]) == [7, 0, 0, 7]
    assert reports.book_table({**REPORT, "book": None}).empty


def test_fresh_clone_and_tanh_are_reported():
    report = {**REPORT, "tanh": {"elements": 163840, "torch_tanh_us": 590.0, "library_tanh_us": 118.0,
                                 "ratio": 5.0, "max_abs_diff": 1.8e-7},
              "book": {**REPORT["book"], "commit": "abc1234", "setup": {"seconds": 20.0},
                       "fresh_clone": {"seconds": 220.0}}}
    book = reports.book_table(report)
    assert list(book["seconds"][:3]) == [20.0, 200.0, 220.0]
    text = facts.timings(report, Path("bench.json"))[0].text
    assert "fresh `git clone` of commit `abc1234`" in text and "220 s in all" in text
    assert "**The CA3 activation.**" in text and "5× faster" in text
    # Where PyTorch's tanh is the faster (a processor with a vectorised one), the page says so.
    slower = {**report, "tanh": {**report["tanh"], "torch_tanh_us": 42.0, "library_tanh_us": 91.0,
                                 "ratio": 42.0 / 91.0}}
    text = facts.timings(slower, Path("bench.json"))[0].text
    assert "here PyTorch's is the faster, by 2.17×" in text and "× faster;" not in text


def test_pins_come_from_requirements():
    t = reports.pinned(("torch", "papermill"))
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


def placed_in(passage) -> set[str]:
    """The page's tables a passage places (``{glue:figure} tab-rep-KEY``)."""
    return set(re.findall(r"\{glue:figure\} tab-rep-(\S+)", passage.text))


def write_page(tmp_path, report=None, record=None):
    """The appendix's page with ``report`` as results/bench.json and ``record`` as the one record."""
    bench, records = tmp_path / "bench.json", tmp_path / "records"
    records.mkdir(exist_ok=True)
    if report:
        bench.write_text(json.dumps(report))
    if record:
        (records / "bench-cuda-h200.json").write_text(json.dumps(record))
    return reproducing.page(None, bench=bench, records=records)


def test_the_page_has_its_declared_keys_and_places_exactly_its_tables(tmp_path):
    """With no report, a partial one or a full one, and with or without a record: every table on
    the page is placed by the passage that declares it, and every table a passage places is on it."""
    rec = {**FULL, "gpu": "NVIDIA H200", "threads": 16, "date": "2026-11-28"}
    for i, (report, record) in enumerate(((None, None), (REPORT, None), (PROFILED, rec), (FULL, rec))):
        (tmp_path / str(i)).mkdir()
        pg = write_page(tmp_path / str(i), report, record)
        assert set(pg.facts) == set(reproducing.KEYS.facts)
        for passage, declared in reproducing.KEYS.placed.items():
            assert placed_in(pg.facts[passage]) <= set(declared)
        placed = placed_in(pg.facts["timings"]) | placed_in(pg.facts["gpu"])
        assert set(pg.tables) == {"profiles", "pinned"} | placed
    assert set(pg.tables) == set(reproducing.KEYS.tables)  # a full report and a record: every table


def test_the_notebook_publishes_under_the_prefix_the_passages_use():
    assert re.search(r'publish_page\(reproducing\.page\(cfg\), "([\w-]+)"\)', NOTEBOOK.read_text()).group(1) \
        == reproducing.PREFIX


def test_the_book_shows_the_recorded_gpu_report_when_nothing_was_timed_here(tmp_path):
    """Without results/bench.json the page says so and shows the record kept in tools/records/."""
    pg = reproducing.page(None, bench=tmp_path / "missing.json")
    assert "Nothing was timed on the machine that built this copy" in pg.facts["timings"].text
    assert "These figures were measured on an NVIDIA H200" in pg.facts["gpu"].text
    assert {"gpu-goals", "gpu-ensemble"} <= set(pg.tables)
    assert pg.facts["n-training-sources"] == str(len(reproducing.TRAINING_SOURCES))


def test_timings_read_as_written_with_or_without_a_report(tmp_path):
    missing, none = facts.timings(None, tmp_path / "bench.json")
    assert none == {}
    assert "`make bench` measures it" in missing.text and "recorded on a GPU" in missing.text
    assert missing._repr_mimebundle_()["text/markdown"] == missing.text
    text, frames = facts.timings(REPORT, tmp_path / "bench.json")
    text = text.text
    for bad in ("nan", "n/a", "NaN"):
        assert bad not in missing.text and bad not in text
    assert "one thread" in text and "thread(s)" not in text
    assert "{glue:figure} tab-rep-ensemble" in text and "{glue:figure} tab-rep-book" in text
    assert "{download}`bench.json" in text
    assert set(frames) == {"ensemble", "book"}
    assert "This report did not time PyTorch's documented way" in text


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


def test_goals_table_says_met_missed_by_how_much_or_not_measured(tmp_path):
    t = reports.goals_table({"goals": GOALS}).set_index("goal")
    assert t.loc["core sweep time / matmul floor", "state"] == "missed by 2×"
    assert t.loc["core sweep time / matmul floor", "target"] == "≤ 4×"
    assert t.loc["batched speed-up, Dense MLP, 20 members", "state"] == "missed by 2×"
    assert t.loc["batched speed-up, Dense MLP, 20 members", "target"] == "≥ 10×"
    assert t.loc["cold make book", "state"] == "met"
    assert t.loc["make test", "measured"] == "not measured"
    # A GPU lease times the plan and the sections only: the cold-book goal stays unmeasured, with that part
    cold = [{"goal": "cold make book, environment present", "target": 400.0, "unit": "s", "value": None,
             "met": None}]
    part = reports.goals_table({"goals": cold, "book": {"cold": {"seconds": 159.91, "html": "not timed"}}})
    assert part["measured"].iloc[0] == "not measured (without the HTML step: 160 s)"
    assert part["state"].iloc[0] == "not measured"
    assert reports.goals_table({"goals": cold, "book": {"cold": {"seconds": 300.0}}})["measured"].iloc[0] == \
        "not measured"  # a whole build's time would have been the goal's value
    # A direction recorded in the report wins over the one read off the goal's name.
    up = {"goal": "members per second", "target": 100.0, "unit": "x", "value": 50.0, "met": False,
          "lower_is_better": False}
    row = reports.goals_table({"goals": [up]}).iloc[0]
    assert (row["target"], row["state"]) == ("≥ 100×", "missed by 2×")
    # A near miss reads as a percentage, not as "missed by 1×".
    near = [{"goal": "stacked vs vmap", "target": 1.5, "unit": "x", "value": 1.44, "met": False,
             "lower_is_better": False},
            {"goal": "cold make book", "target": 400.0, "unit": "s", "value": 562.0, "met": False}]
    assert list(reports.goals_table({"goals": near})["state"]) == ["missed by 4%", "missed by 41%"]
    # Short of a floor, the percentage is of the target: 5.17x of a 10x goal is 48% short.
    short = {"goal": "batched speed-up, Dense MLP", "target": 10.0, "unit": "x", "value": 5.17, "met": False}
    assert reports.goals_table({"goals": [short]})["state"].iloc[0] == "missed by 48%"
    report = {**REPORT, "goals": GOALS, "test": {"seconds": 420.0},
              "ensemble": [{**REPORT["ensemble"][0], "vmap_s": 2.0, "stacked_vs_vmap": 2.0}]}
    text, frames = facts.timings(report, tmp_path / "bench.json")
    assert "set itself 4 speed targets; this report meets 1 of them and did not measure 1 (" in text.text
    assert "the stacked model is faster by 2× for the Dense MLP." in text.text
    assert "tab-rep-goals" in text.text and "420 s" in text.text
    assert "goals" in frames
    assert list(reports.ensemble_table(report).columns) == ["model", "members", "batched_s", "vmap_s",
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


FULL = {**PROFILED, "goals": GOALS, "test": {"seconds": 420.0}}


def test_profile_throughput_and_plan_are_quoted_from_the_report(tmp_path):
    assert reports.profile_table(PROFILED).iloc[0].to_dict() == {
        "model": "Dense MLP", "matmul_pct": 35, "top_ops": "bmm 20%, sqrt 10%"}
    assert list(reports.plan_table(PROFILED).share_pct) == [80.0, 20.0]
    text, frames = facts.timings(PROFILED, tmp_path / "bench.json")
    assert "35% for the Dense MLP" in text.text and "tab-rep-profile" in text.text
    assert "20 members per second here (8 stacks, stack size limit 160, on 2 processes" in text.text
    assert "150 s" in text.text and "HSN big on sine" in text.text and "tab-rep-plan" in text.text
    assert {"throughput", "profile", "plan"} <= set(frames)
    # An older report without these parts shows none of them.
    assert not {"throughput", "profile", "plan"} & set(facts.timings(REPORT, tmp_path / "bench.json")[1])


def test_a_recorded_gpu_report_is_labelled_as_recorded(tmp_path):
    none, frames = facts.recorded(None)
    assert "No measurement on a GPU" in none.text and frames == {}
    rec = {**PROFILED, "device": "cuda", "gpu": "NVIDIA H200", "threads": 16, "date": "2026-11-28",
           "ensemble": [{**PROFILED["ensemble"][0], "speedup": 18.0, "repeats": 1}],
           "goals": GOALS, "core_sweep": REPORT["core_sweep"], "file": str(tmp_path / "bench-cuda-h200.json")}
    (tmp_path / "bench-cuda-h200.json").write_text(json.dumps(rec))
    assert reproducing.load_records(tmp_path)[0]["gpu"] == "NVIDIA H200"
    text, frames = facts.recorded(rec)
    text = text.text
    assert "2026-11-28" in text and "NVIDIA H200" in text and "not re-measured when this book is built" in text
    assert "18× for the Dense MLP" in text and "one run each" in text
    assert "Of the 3 speed targets measured there, 1 is met" in text
    assert "took 200 s from an empty cache, of which 150 s trained every sweep on the GPU" in text
    assert "ratio of 10×" in text
    assert set(frames) == {"gpu-goals", "gpu-ensemble", "gpu-throughput"}
    for name in frames:
        assert f"{{glue:figure}} tab-rep-{name}" in text
    # A record with only some parts places only their tables.
    bare = {key: rec[key] for key in ("gpu", "threads", "file", "goals")}
    text, frames = facts.recorded(bare)
    assert set(frames) == {"gpu-goals"} and "Stacked ensembles" not in text.text


def test_numbers_in_the_appendix_follow_the_book_style(tmp_path):
    """Factors with ×, true minus, thousands separators; a recorded report says what it is."""
    text = facts.timings(PROFILED, tmp_path / "bench.json")[0].text
    assert "x faster" not in text and "×" in text and "10×" in text  # the floor ratio as a factor
    rec = {**PROFILED, "gpu": "NVIDIA H200", "threads": 16, "torch": "2.11.0+cu130", "python": "3.12.3",
           "date": "2026-11-28", "file": str(reproducing.RECORDS / "bench-x.json")}
    first = facts.recorded(rec)[0].text.split("\n\n")[0]
    assert first.startswith("These figures were measured on an NVIDIA H200 with 16 CPU threads, torch "
                            "2.11.0+cu130")
    assert "`tools/records/bench-x.json`" in first and "not re-measured when this book is built" in first


def test_the_gpu_floor_sentence_says_whether_the_record_used_cuda_graphs():
    from scaffold.chapters.reproducing.facts import recorded_floor
    cs = dict(seconds=15.0, floor_s=0.02, matmul_gflops=10000.0, ratio_to_floor=750.0)
    before, _ = recorded_floor(dict(core_sweep=cs))
    assert "still to come" in before and "CUDA graph" in before
    after, _ = recorded_floor(dict(core_sweep=dict(cs, seconds=1.0, ratio_to_floor=50.0, cuda_graphs=True,
                                                   seconds_eager=15.0, ratio_to_floor_eager=750.0)))
    assert "still to come" not in after and "without the replay it took 15" in after


def test_the_newest_gpu_record_is_shown_beside_the_one_before_it(tmp_path):
    cs = dict(seconds=15.0, floor_s=0.02, matmul_gflops=10000.0, ratio_to_floor=750.0)
    old = {"device": "cuda", "gpu": "NVIDIA H200", "date": "2026-11-28", "core_sweep": cs,
           "book": {"cold": {"seconds": 238.0, "plan_s": 99.0}}}
    new = {"device": "cuda", "gpu": "NVIDIA H200", "date": "2026-12-04",
           "core_sweep": dict(cs, seconds=1.5, ratio_to_floor=75.0, cuda_graphs=True, seconds_eager=6.0,
                              ratio_to_floor_eager=300.0),
           "book": {"cold": {"seconds": 160.0, "plan_s": 50.0, "html": "not timed"}}}
    # Named so that the names sort the other way round: the recorded dates decide.
    (tmp_path / "bench-cuda-b.json").write_text(json.dumps(old))
    (tmp_path / "bench-cuda-a.json").write_text(json.dumps(new))
    assert [r["date"] for r in reproducing.load_records(tmp_path)] == ["2026-11-28", "2026-12-04"]
    text = reproducing.page(None, bench=tmp_path / "missing.json", records=tmp_path).facts["gpu"].text
    assert "ratio of 75×" in text and "without the replay it took 6.00 s (300×)" in text
    assert "The record before it, of 2026-11-28, made before the replay, without graphs, had 15 s against a floor of 0.0200 s (750×)." in text
    assert "took 160 s from an empty cache, of which 50 s trained" in text
    assert "of 2026-11-28, timed the whole `make book`, its HTML step included: 238 s." in text
    assert "`make -j2 notebooks`" in text and "The HTML step was not timed there" in text
    # Alone, a record quotes nothing before it.
    alone = facts.recorded({**new, "file": str(tmp_path / "bench-cuda-a.json")})[0].text
    assert "record before it" not in alone and "The HTML step was not timed there" in alone


def test_without_this_machines_report_the_recorded_cpu_report_stands_in(tmp_path):
    rec = {**REPORT, "threads": 2, "date": "2026-12-04"}
    (tmp_path / "bench-cpu-2core.json").write_text(json.dumps(rec))
    (tmp_path / "bench-cuda-h200.json").write_text(json.dumps({**rec, "device": "cuda", "gpu": "NVIDIA H200"}))
    assert [r["device"] for r in reproducing.load_records(tmp_path, "cpu")] == ["cpu"]
    assert [r["gpu"] for r in reproducing.load_records(tmp_path)] == ["NVIDIA H200"]
    pg = reproducing.page(None, bench=tmp_path / "missing.json", records=tmp_path)
    text = pg.facts["timings"].text
    assert text.startswith("Nothing was timed on the machine that built this copy")
    assert "recorded by `make bench` on 2026-12-04, on 2 CPU cores" in text
    rec_cpu = {**rec, "cpu": "Intel(R) Xeon(R) Processor", "file": str(tmp_path / "bench-cpu-2core.json")}
    named = facts.timings(None, tmp_path / "missing.json", recorded=rec_cpu)[0].text
    assert "on 2 CPU cores of an Intel(R) Xeon(R) Processor (x86_64" in named and "joined" not in named
    merged = facts.timings(None, tmp_path / "missing.json", recorded={**rec_cpu, "merged_from": ["a", "b"]})[0].text
    assert "torch 2.13.0), joined from 2 runs of its parts on that machine, and are kept in" in merged
    merged = facts.timings(None, tmp_path / "missing.json", recorded={
        **rec_cpu, "merged_from": ["a", "b"], "merged_commits": ["0125212", "706756e"]})[0].text
    assert "joined from 2 runs of its parts on that machine (at commits `0125212` and `706756e`), and" in merged
    assert "bench-cpu-2core.json" in text and "{glue:figure} tab-rep-book" in text
    assert "These figures were measured on an NVIDIA H200" in pg.facts["gpu"].text
    # This machine's own report wins over the record.
    (tmp_path / "bench.json").write_text(json.dumps(REPORT))
    mine = reproducing.page(None, bench=tmp_path / "bench.json", records=tmp_path).facts["timings"].text
    assert mine.startswith("Timings measured by `make bench`") and "2026-12-04" not in mine


def test_floor_is_explained_by_family_and_by_pass_when_measured():
    cs = {**REPORT["core_sweep"],
          "by_family": [dict(family="dense", model="Dense MLP", job_seconds=4.0, gflop=150.0,
                             one_core_gflops=160.0, ratio_to_floor=4.27),
                        dict(family="cen", model="CEN (H=512)", job_seconds=1.0, gflop=18.0,
                             one_core_gflops=160.0, ratio_to_floor=8.9)],
          "passes": dict(product_members=60, product_width=64, product_gflops=130.0,
                         pass_members=[16, 60], pass_mb=[0.25, 0.94], pass_gfloats=[9.7, 2.6],
                         stack_ms_per_member=[10.4, 9.0], stack_epochs_scale=0.2)}
    goals = [dict(goal="core sweep time / matmul floor", target=4.0, unit="x", value=6.0, met=False,
                  lower_is_better=True)]
    text = facts.timings({**REPORT, "core_sweep": cs, "goals": goals}, Path("bench.json"))[0].text
    assert ("the Dense MLP's took 4.00 of the sweep's 5.00 job-seconds (both processes' time summed), 4.3× their "
            "floor; the CEN (H=512)'s 1.00, 8.9×. So the target of at most 4× ({numref}`tab-rep-goals`) is "
            "missed in every family.") in text
    assert "runs at 130 GFLOP/s, 81% of the floor's rate" in text
    assert "does 2.60 billion elements a second, against 9.70 over a 16-member stack's (0.250 MiB)" in text
    assert "trained for a fifth of its epochs, a 16-member dense stack took 10.4 ms a member, against 9.00" in text
    # a family within the target is named as meeting it
    met = {**cs, "by_family": [{**cs["by_family"][0], "ratio_to_floor": 3.5}, cs["by_family"][1]]}
    text = facts.timings({**REPORT, "core_sweep": met, "goals": goals}, Path("bench.json"))[0].text
    assert "So the target of at most 4× ({numref}`tab-rep-goals`) is met by the Dense MLP." in text
    # A report without them (a GPU's, or an older one) keeps the general sentence.
    text = facts.timings(REPORT, Path("bench.json"))[0].text
    assert "bound by memory traffic and per-operation overhead" in text and "billion floats" not in text


def test_a_vmap_slower_than_one_by_one_is_said():
    ens = [{"model": "HSN (literal)", "members": 20, "batched_s": 0.7, "vmap_s": 4.7, "one_by_one_s": 4.2,
            "speedup": 6.0, "stacked_vs_vmap": 6.7, "max_abs_metric_diff": 0.0},
           {"model": "Dense MLP", "members": 20, "batched_s": 0.9, "vmap_s": 1.6, "one_by_one_s": 3.1,
            "speedup": 3.4, "stacked_vs_vmap": 1.8, "max_abs_metric_diff": 0.0}]
    text = facts.timings({**REPORT, "ensemble": ens}, Path("bench.json"))[0].text
    assert "for the HSN (literal), vmap is slower even than training one member at a time." in text
    assert "Training the 20 members of one job (one model on one task" in text


def test_the_goals_read_as_cards_on_a_phone():
    from scaffold.chapters.reproducing import CARD_TABLES, table_views

    frames = {"goals": reports.goals_table({**REPORT, "goals": [dict(goal="make test", target=300.0, unit="s",
                                                                     value=200.0, met=True, lower_is_better=True)]}),
              "ensemble": reports.ensemble_table(REPORT)}
    views = table_views(frames)
    assert "goals" in CARD_TABLES and "cards" in views["goals"].to_html()
    assert "cards" not in views["ensemble"].to_html()
