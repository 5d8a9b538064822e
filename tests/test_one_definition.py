"""Each shared fact is defined once: a grep for rival definitions across the library.

- the metric and its direction per task: :func:`scaffold.data.metric_of`,
  :func:`scaffold.data.higher_is_better`;
- a task's display name: :func:`scaffold.data.task_title`;
- the parameter-matched dense MLP: :func:`scaffold.params.matched_dense`;
- the paired comparison table: :func:`scaffold.verdicts.paired_table`;
- counting words: :func:`scaffold.fmt.count` and :func:`scaffold.fmt.share`.

Rivals that other helpers are removing are listed in :data:`PENDING` (file, rule):
they are tolerated, and reported as expected failures until they are gone.  Any
other rival fails.
"""

import re
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "scaffold"
RULES = {
    "metric direction": (re.compile(r'"mse" if|def higher_is_better|def metric_of'), {"data.py"}),
    "task display name": (re.compile(r"def (task_title|task_name|task_label)\b|TITLES = \{"), {"data.py"}),
    "matched dense MLP": (re.compile(r"\bdense_width_for\("), {"params.py"}),
    "paired comparison table": (re.compile(r"def paired(_vs\w*|_table)?\("), {"verdicts.py"}),
    "counting words": (re.compile(r"def (plural|pluralize|count|share)\("), {"fmt.py"}),
}
#: (file, rule) -> who is switching it to the one definition.
PENDING = {
    ("train.py", "metric direction"): "train.higher_is_better(kind): sweep.select_lr's, build helper",
    ("runtime/style.py", "task display name"): "presentation helper: data.task_title",
}


def rivals() -> set[tuple[str, str]]:
    """(file, rule) for every module outside a rule's home that matches it."""
    found = set()
    for path in SRC.rglob("*.py"):
        rel = path.relative_to(SRC).as_posix()
        text = path.read_text()
        for rule, (pattern, homes) in RULES.items():
            if rel not in homes and pattern.search(text):
                found.add((rel, rule))
    return found


def test_the_patterns_find_rivals():
    assert RULES["metric direction"][0].search('metric = "mse" if kind == "regression" else "accuracy"')
    assert RULES["task display name"][0].search("def task_label(task):")
    assert RULES["matched dense MLP"][0].search("w = dense_width_for(b, d, o)")
    assert RULES["paired comparison table"][0].search("def paired_vs(sel, ref):")
    assert not RULES["paired comparison table"][0].search("def paired_t(gain):")
    assert RULES["counting words"][0].search("def plural(n, one):")


def test_no_new_rival_definitions():
    new = rivals() - set(PENDING)
    assert not new, "defined again outside its home: " + "; ".join(f"{f} ({r})" for f, r in sorted(new))


@pytest.mark.parametrize("key", sorted(PENDING), ids=lambda k: f"{k[0]}: {k[1]}")
def test_pending_rival_is_gone(key):
    if key in rivals():
        pytest.xfail(PENDING[key])
