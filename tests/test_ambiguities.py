"""The one ambiguity table (scaffold.ambiguities): the code's defaults and the readings' axes."""

from scaffold import ambiguities, readings
from scaffold.train import TrainConfig


def test_ambiguity_table_reads_code_defaults():
    t = ambiguities.ambiguity_table()
    assert list(t.columns) == ["part", "question", "the note", "this book", "why"]
    assert t.question.is_unique and len(t) >= 15
    assert t.set_index("question").loc["Batch size", "this book"] == str(TrainConfig().batch_size)


def test_ambiguity_rows_of_the_readings_quote_only_the_note():
    t = ambiguities.ambiguity_table()
    for a in readings.AXES:
        row = t[t["question"] == a.title]
        assert len(row) == 1, a.title
        said = row["the note"].iloc[0]
        assert said == "silent" or all(ambiguities.plain(q) in said for q in a.note_says)
        assert all(lv.name in row["this book"].iloc[0] for lv in a.levels)
    assert not t["the note"].str.contains("raw 0/1").any()


def test_the_table_states_the_codes_sizes_not_typed_numbers():
    from scaffold.data import make_dataset
    from scaffold.models import HSNConfig

    t = ambiguities.ambiguity_table().set_index("question")
    n_test = len(make_dataset("moons", 0).x_test)
    assert f"split of {n_test} points" in t.loc["Test set", "this book"]
    h = HSNConfig()
    assert f"{h.h_dg}x{h.h_ca3}" in t.loc["Bridge DG to CA3", "this book"]
