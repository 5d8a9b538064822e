"""The section runner (tools/execute.py): incremental, strict about parameters and
devices, and never leaving a fresh-looking notebook after a failure.

Each test runs the real runner, with papermill and a kernel, on the small
sections in tests/fixtures/, against a throw-away repository root (its own src/
and requirements.txt) so that the real book is never touched.
"""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
RUNNER = REPO / "tools" / "execute.py"
FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def tree(tmp_path):
    """A fake repository root with a small library, and the fixture sections.

    ``ok.py`` imports ``scaffold.note``, which imports ``scaffold.deep``; nothing imports
    ``scaffold.other``.  (The kernel runs the real library: only the runner reads these.)
    """
    lib = tmp_path / "src" / "scaffold"
    lib.mkdir(parents=True)
    (lib / "__init__.py").write_text("")
    (lib / "note.py").write_text("from .deep import Y\nX = 1\n")
    (lib / "deep.py").write_text("Y = 2\n")
    (lib / "other.py").write_text("Z = 3\n")
    (tmp_path / "requirements.txt").write_text("numpy==1\n")
    for f in FIXTURES.glob("*.py"):
        shutil.copy(f, tmp_path / f.name)
    return tmp_path


def run(tree: Path, name: str, *args: str, check: bool = False) -> subprocess.CompletedProcess:
    cmd = [sys.executable, str(RUNNER), str(tree / f"{name}.py"), "--out",
           str(tree / f"{name}.ipynb"), "--root", str(tree), *args]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    if check:
        assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc


def outputs(nb: Path) -> list[str]:
    cells = json.loads(nb.read_text())["cells"]
    return ["".join(o.get("text", "")) for c in cells if c["cell_type"] == "code"
            for o in c.get("outputs", [])]


def status(tree: Path, name: str, *args: str) -> str:
    return run(tree, name, "--status", *args).stdout.strip()


def test_execute_then_nothing_to_do(tree):
    first = run(tree, "ok", check=True)
    assert "executing" in first.stdout
    nb = tree / "ok.ipynb"
    meta = json.loads(nb.read_text())["metadata"]["scaffold"]
    assert len(meta["hash"]) == 64 and meta["wall_s"] > 0
    assert status(tree, "ok") == "fresh"
    again = run(tree, "ok", check=True)
    assert "up to date" in again.stdout


def test_markdown_edit_refreshes_narrative_without_executing(tree):
    run(tree, "ok", "-p", "n", "3", check=True)
    nb = tree / "ok.ipynb"
    before = outputs(nb)
    src = tree / "ok.py"
    src.write_text(src.read_text().replace("Narrative after the code.", "Rewritten prose."))
    proc = run(tree, "ok", "-p", "n", "3", check=True)
    assert "not executed" in proc.stdout
    assert outputs(nb) == before  # same random stamp: the cell did not run again
    cells = json.loads(nb.read_text())["cells"]
    assert "Rewritten prose." in "".join(cells[-1]["source"])
    # papermill's injected cell still follows the parameters cell and matches the outputs
    tags = [c["metadata"].get("tags", []) for c in cells]
    i = next(k for k, t in enumerate(tags) if "parameters" in t)
    assert "injected-parameters" in tags[i + 1]
    assert "n = 3" in "".join(cells[i + 1]["source"])


def test_code_edit_reexecutes(tree):
    run(tree, "ok", check=True)
    before = outputs(tree / "ok.ipynb")
    src = tree / "ok.py"
    src.write_text(src.read_text().replace('print("stamp"', 'print("STAMP"'))
    assert status(tree, "ok") == "stale"
    run(tree, "ok", check=True)
    assert outputs(tree / "ok.ipynb") != before


def test_a_section_reruns_for_its_own_inputs_only(tree):
    """One execution, then each change alone (and undone): stale or still fresh."""
    run(tree, "ok", check=True)
    lib = tree / "src" / "scaffold"
    edits = {"imported": (lib / "note.py", "stale"), "imported-by-an-import": (lib / "deep.py", "stale"),
             "requirements": (tree / "requirements.txt", "stale"),
             "not-imported": (lib / "other.py", "fresh"), "new-file": (lib / "extra.py", "fresh")}
    for change, (path, after) in edits.items():
        old = path.read_text() if path.exists() else None
        path.write_text((old or "") + "# edited\n")
        assert status(tree, "ok") == after, change
        path.write_text(old) if old is not None else path.unlink()
    assert status(tree, "ok", "-p", "n", "2") == "stale"  # the parameters
    assert status(tree, "ok") == "fresh"  # every change undone


def test_a_results_file_it_reads_reruns_it(tree, monkeypatch):
    monkeypatch.setenv("SCAFFOLD_RESULTS", str(tree / "results"))
    (tree / "results" / "quick").mkdir(parents=True)
    run(tree, "ok", "--reads", "claims.csv", check=True)  # missing: counts as such
    assert status(tree, "ok", "--reads", "claims.csv") == "fresh"
    # another profile's ledger is not this one's ...
    (tree / "results" / "quick" / "claims.csv").write_text("claim,verdict\nC1,fails\n")
    assert status(tree, "ok", "--reads", "claims.csv") == "fresh"
    # ... this one's is
    (tree / "results" / "claims.csv").write_text("claim,verdict\nC1,holds\n")
    assert status(tree, "ok", "--reads", "claims.csv") == "stale"


def test_a_repository_path_it_reads_reruns_it(tree):
    """--reads-repo: a named file (hashed as missing until it appears) and every file of a folder."""
    (tree / "records").mkdir()
    (tree / "records" / "a.json").write_text("{}")
    reads = ("--reads-repo", "results/bench.json", "records")
    run(tree, "ok", *reads, check=True)
    assert status(tree, "ok", *reads) == "fresh"
    (tree / "records" / "b.json").write_text("{}")  # a report added
    assert status(tree, "ok", *reads) == "stale"
    (tree / "records" / "b.json").unlink()
    assert status(tree, "ok", *reads) == "fresh"
    (tree / "results").mkdir()
    (tree / "results" / "bench.json").write_text("{}")  # this machine's report appears
    assert status(tree, "ok", *reads) == "stale"


def test_the_makefile_watches_the_reports_the_appendix_reads():
    import re

    from scaffold import ROOT
    from scaffold.chapters import reproducing

    watched = re.search(r"^APPENDIX_READS\s*:=\s*(.+)$", (REPO / "Makefile").read_text(), re.M).group(1).split()
    assert watched == [str(p.relative_to(ROOT)) for p in (reproducing.BENCH, reproducing.RECORDS)]
    dry = subprocess.run(["make", "-n", "nb", "NB=06-reproducing"], cwd=REPO, capture_output=True, text=True,
                         env={**os.environ, "MAKEFLAGS": ""}, timeout=60).stdout
    assert "--reads-repo results/bench.json tools/records" in dry


def test_pycache_does_not_count(tree):
    run(tree, "ok", check=True)
    (tree / "src" / "scaffold" / "__pycache__").mkdir()
    (tree / "src" / "scaffold" / "__pycache__" / "note.cpython-311.pyc").write_bytes(b"x")
    assert status(tree, "ok") == "fresh"


def test_unknown_parameter_is_an_error(tree):
    proc = run(tree, "ok", "-p", "nn", "3")
    assert proc.returncode == 2
    assert "unknown parameter" in proc.stderr and "'nn'" in proc.stderr
    assert "'device'" in proc.stderr and "'n'" in proc.stderr  # says what is allowed
    assert not (tree / "ok.ipynb").exists()


def test_unavailable_device_is_an_error(tree):
    from scaffold.device import available_devices

    missing = [d for d in ("cuda", "mps") if d not in available_devices()]
    if not missing:
        pytest.skip("every device is available here")
    proc = run(tree, "ok", "-p", "device", missing[0])
    assert proc.returncode == 2
    assert "not available" in proc.stderr and "cpu" in proc.stderr
    assert not (tree / "ok.ipynb").exists()


def test_failing_cell_names_section_and_cell(tree):
    proc = run(tree, "fail")
    assert proc.returncode == 1
    assert "section fail" in proc.stderr
    assert "code cell 3" in proc.stderr and "x / 0" in proc.stderr
    assert "ZeroDivisionError" in proc.stderr
    assert not (tree / "fail.ipynb").exists()
    assert (tree / ".stamps" / "fail.failed.ipynb").exists()  # kept for debugging
    assert not list(tree.glob(".*.tmp*.ipynb"))


def test_failed_rerun_leaves_old_notebook_stale(tree):
    run(tree, "ok", check=True)
    nb = tree / "ok.ipynb"
    old = nb.read_bytes()
    src = tree / "ok.py"
    src.write_text(src.read_text().replace("import random", "import random\nraise SystemError('boom')"))
    proc = run(tree, "ok")
    assert proc.returncode == 1 and "boom" in proc.stderr
    assert nb.read_bytes() == old  # not replaced by a partial run...
    assert status(tree, "ok") == "stale"  # ...and not taken for fresh either


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_interrupted_run_leaves_nothing(tree, sig):
    cmd = [sys.executable, str(RUNNER), str(tree / "slow.py"), "--out", str(tree / "slow.ipynb"),
           "--root", str(tree)]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 60
    while not list(tree.glob(".slow.tmp*.ipynb")) and time.time() < deadline:
        time.sleep(0.2)  # papermill writes its first snapshot once the kernel is up
    time.sleep(1)
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=30)  # at once, not after the 120 s cell
    assert proc.returncode == 128 + sig and "not updated" in err
    assert not (tree / "slow.ipynb").exists()
    assert not list(tree.glob(".slow.tmp*.ipynb"))


@pytest.mark.skipif(not (REPO / ".venv" / ".ready").exists(), reason="needs the .venv made by make")
def test_make_rejects_misspelled_parameter_and_device():
    env = {**os.environ, "MAKEFLAGS": ""}
    bad = subprocess.run(["make", "-s", "nb", "NB=01-architectures", "PARAMS=-p n_sedes 3"],
                         cwd=REPO, capture_output=True, text=True, env=env, timeout=120)
    assert bad.returncode != 0 and "n_sedes" in bad.stderr
    unknown = subprocess.run(["make", "-s", "nb", "NB=01-architectures", "DEVICE=tpu"],
                             cwd=REPO, capture_output=True, text=True, env=env, timeout=120)
    assert unknown.returncode != 0 and "DEVICE=tpu is not allowed" in unknown.stderr
    from scaffold.device import available_devices

    missing = [d for d in ("cuda", "mps") if d not in available_devices()]
    if missing:  # a known device this machine lacks: the runner lists those it has
        absent = subprocess.run(["make", "-s", "nb", "NB=01-architectures", f"DEVICE={missing[0]}"],
                                cwd=REPO, capture_output=True, text=True, env=env, timeout=120)
        assert absent.returncode != 0 and "available" in absent.stderr


def test_make_keeps_compiled_bytecode_out_of_the_sources():
    """Where PYTHONDONTWRITEBYTECODE is set, make's processes still keep their bytecode,
    in .cache/pycache (each process compiling every module again cost ~6 s a kernel)."""
    env = {**os.environ, "MAKEFLAGS": "", "PYTHONDONTWRITEBYTECODE": "1"}
    env.pop("PYTHONPYCACHEPREFIX", None)
    show = 'show: ; @echo "$${PYTHONDONTWRITEBYTECODE-unset} $$PYTHONPYCACHEPREFIX"'
    got = subprocess.run(["make", "-s", "--eval", show, "show"], cwd=REPO, capture_output=True,
                         text=True, env=env, timeout=60)
    assert got.returncode == 0, got.stderr
    assert got.stdout.split() == ["unset", str(REPO / ".cache" / "pycache")]


def make_help(*assignments: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "MAKEFLAGS": ""}
    return subprocess.run(["make", "-s", "help", *assignments], cwd=REPO, capture_output=True,
                          text=True, env=env, timeout=60)


@pytest.mark.parametrize("var,value", [("JOBS", "0"), ("JOBS", "two"), ("SEEDS", "abc"), ("SEEDS", "1"),
                                       ("SEEDS", ""), ("EPOCHS", "x"), ("EPOCHS", "11"),
                                       ("PROFILE", "medium"), ("DEVICE", "tpu")])
def test_make_names_a_bad_variable_and_what_it_may_be(var, value):
    from scaffold.device import KNOWN
    from scaffold.runtime.setup import PROFILES

    proc = make_help(f"{var}={value}")
    assert proc.returncode != 0 and "division" not in proc.stderr
    assert f"{var}={value or '(empty)'} is not allowed: {var} must be" in proc.stderr
    allowed = {"PROFILE": PROFILES, "DEVICE": KNOWN}.get(var, ())
    assert all(name in proc.stderr.split("must be")[1] for name in allowed)


def test_make_accepts_every_profile_and_device_the_library_knows():
    from scaffold.device import KNOWN
    from scaffold.runtime.setup import PROFILES

    for assignment in ([f"PROFILE={p}" for p in PROFILES] + [f"DEVICE={d}" for d in KNOWN]
                       + ["DEVICE=cuda:1", "SEEDS=2", "SEEDS=20", "EPOCHS=0.05", "EPOCHS=10", "JOBS=16"]):
        proc = make_help(assignment)
        assert proc.returncode == 0, (assignment, proc.stderr)


def test_unusable_cache_entries_are_said_in_the_terminal(tree):
    """The kernel's warnings go into the notebook; the runner repeats cache reports on stderr."""
    proc = run(tree, "cache_warn", check=True)
    assert "warning: section cache_warn: sweep cache entry x.members.csv is unusable" in proc.stderr


# ----------------------------------------------------------------------------- what re-runs a page

def runner_module():
    import importlib.util

    spec = importlib.util.spec_from_file_location("execute_runner", RUNNER)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def pages_depending_on(path: str) -> set[str]:
    ex = runner_module()
    return {src.stem for src in sorted((REPO / "book").glob("[0-9][0-9]-*.py"))
            if REPO / path in ex.section_deps(src, REPO)}


def test_deps_follow_imports_transitively_and_only_those(tree):
    ex = runner_module()
    got = {str(p.relative_to(tree)) for p in ex.section_deps(tree / "ok.py", tree)}
    assert got == {"src/scaffold/__init__.py", "src/scaffold/note.py", "src/scaffold/deep.py",
                   "requirements.txt"}
    out = subprocess.run([sys.executable, str(RUNNER), "--deps", str(tree / "ok.py"), "--root", str(tree)],
                         capture_output=True, text=True, check=True).stdout.split()
    assert set(out) == got


def chapter_files(name: str) -> list[str]:
    """A chapter's files: its module, or every module of its package."""
    base = REPO / "src" / "scaffold" / "chapters" / name
    files = sorted(base.glob("*.py")) if base.is_dir() else [base.with_suffix(".py")]
    return [str(p.relative_to(REPO)) for p in files]


def test_editing_a_chapter_module_reruns_only_its_page():
    for chapter, page in (("parameters", "03-parameters"), ("architectures", "01-architectures"),
                          ("benchmarks", "02-benchmarks"), ("limitations", "04-limitations"),
                          ("reproducing", "06-reproducing")):
        for path in chapter_files(chapter):
            assert pages_depending_on(path) <= {page, "00-intro"}, path
        assert any(pages_depending_on(path) == {page} for path in chapter_files(chapter))
    assert all(pages_depending_on(path) == {"03-parameters"} for path in chapter_files("parameters"))
    # The introduction quotes the ledger the audit writes and lists the results folder: it
    # runs again when any CSV or JSON file there changed, came or went.
    dry = subprocess.run(["make", "-n", "nb", "NB=00-intro"], cwd=REPO, capture_output=True, text=True,
                         env={**os.environ, "MAKEFLAGS": ""}, timeout=60).stdout
    assert "--reads '*.csv' '*.json'" in dry


def test_editing_the_models_reruns_every_page_that_trains():
    ex = runner_module()

    def declares(chapter):
        path = ex.module_file(f"scaffold.chapters.{chapter}", REPO)
        return ex.declares_sweeps(path, f"scaffold.chapters.{chapter}", REPO)

    assert all(declares(c) for c in ("benchmarks", "limitations", "audit"))
    training = {"02-benchmarks", "04-limitations", "05-audit"}
    assert training <= pages_depending_on("src/scaffold/models.py")
    assert REPO / "src/scaffold/models.py" in ex.plan_deps(REPO)
    # ... while a chapter that declares no sweeps leaves the sweep plan alone
    assert not declares("parameters")
    assert not {REPO / p for p in chapter_files("parameters")} & set(ex.plan_deps(REPO))


def test_make_reads_the_runners_dependency_list():
    env = {**os.environ, "MAKEFLAGS": ""}
    db = subprocess.run(["make", "-p", "-n", "help"], cwd=REPO, capture_output=True, text=True,
                        env=env, timeout=60).stdout
    ex = runner_module()
    for page in ("03-parameters", "05-audit"):
        line = next(ln for ln in db.splitlines() if ln.startswith(f"book/{page}.ipynb:"))
        prereqs = {p for p in line.split(":", 1)[1].split() if p.startswith("src/") or p == "requirements.txt"}
        want = {str(p.relative_to(REPO)) for p in ex.section_deps(REPO / "book" / f"{page}.py", REPO)}
        assert prereqs == want


def test_the_runner_finds_results_where_the_library_writes_them(tmp_path, monkeypatch):
    from scaffold import RESULTS
    from scaffold.runtime import setup

    ex = runner_module()
    monkeypatch.delenv("SCAFFOLD_RESULTS", raising=False)
    assert ex.results_dir({"profile": "full"}, REPO) == RESULTS
    monkeypatch.setenv("SCAFFOLD_RESULTS", str(tmp_path))
    for profile in ("full", "quick"):
        assert ex.results_dir({"profile": profile}, REPO) == setup("cpu", profile).results_dir


def test_make_help_lists_targets():
    out = subprocess.run(["make", "-s", "help"], cwd=REPO, capture_output=True, text=True).stdout
    for target in ("book", "test", "nb", "clean", "bench"):
        assert f"\n{target} " in "\n" + out


def test_provenance_block_contents(monkeypatch):
    from scaffold.runtime import provenance, setup

    monkeypatch.setenv("SCAFFOLD_SECTION", "07-example")
    monkeypatch.setenv("SCAFFOLD_T0", str(time.time() - 5))
    info = provenance.collect(setup(device="cpu", profile="quick"))
    assert info["device"] == "cpu" and info["parameters"]["profile"] == "quick"
    assert 4 < info["wall_s"] < 60
    assert "torch" in info["versions"] and "numpy" in info["versions"]
    md = provenance.markdown(info)
    assert "{download}`07-example.py <07-example.py>`" in md
    assert info["commit"] == "unknown" or len(info["commit"]) == 40


def test_a_pattern_it_reads_reruns_it_when_a_file_comes_or_goes(tree, monkeypatch):
    """--reads '*.json': the introduction lists the results folder, so a report removed
    (whose link the page would keep) or added re-runs it, as does an edit."""
    monkeypatch.setenv("SCAFFOLD_RESULTS", str(tree / "results"))
    (tree / "results").mkdir()
    (tree / "results" / "bench.json").write_text("{}")
    run(tree, "ok", "--reads", "*.json", check=True)
    assert status(tree, "ok", "--reads", "*.json") == "fresh"
    (tree / "results" / "bench.json").unlink()
    assert status(tree, "ok", "--reads", "*.json") == "stale"
    run(tree, "ok", "--reads", "*.json", check=True)
    (tree / "results" / "new.json").write_text("{}")
    assert status(tree, "ok", "--reads", "*.json") == "stale"
    (tree / "results" / "new.json").unlink()
    assert status(tree, "ok", "--reads", "*.json") == "fresh"
    (tree / "results" / "notes.txt").write_text("not listed")  # outside the pattern
    assert status(tree, "ok", "--reads", "*.json") == "fresh"

