#!/usr/bin/env python3
"""Execute one book section (a jupytext py:percent file) into an .ipynb, incrementally.

    python tools/execute.py book/01-architectures.py --out book/01-architectures.ipynb \
        -p device auto -p profile full [--reads claims.csv] [--force | --status]
    python tools/execute.py --deps book/03-parameters.py

A section is executed only when its *inputs that matter* changed.  They are
summarised by one hash, stored in the executed notebook's metadata
(``metadata.scaffold.hash``), over:

- the source of the section's code cells (markdown is left out on purpose),
- the parameter values handed to papermill,
- the library modules the section imports, followed transitively through the
  imports in their source (statically, with ``ast``: :func:`section_deps`), so
  that editing another page's chapter module leaves it alone,
- the global paths of ``tools/invalidates.txt`` (``requirements.txt``),
- the results files named with ``--reads``, or matched by a pattern given there
  (the introduction quotes the claims ledger and lists every CSV and JSON file of
  the folder), so that it runs again when what it quotes changed, and
  the repository paths named with ``--reads-repo`` (a folder counts with every file
  below it: the appendix quotes ``results/bench.json`` and the reports kept in
  ``tools/records/``).

``--deps`` prints a section's dependencies; ``--make-deps`` prints them as
Makefile rules, with those of the sweep plan (the modules of the chapters that
declare sweeps: :func:`plan_deps`), which the Makefile includes: make and this
runner read the same list.

Same hash: nothing runs.  The markdown cells (and code-cell metadata such as
tags) are copied from the .py into the executed notebook; outputs, and the
cell papermill injected with the parameters, are kept, since the code and the
parameters that produced them are unchanged.

Otherwise the section is executed with papermill into a hidden temporary file
next to the target, which replaces the target only on success.  A failing cell,
an interrupt or a kill leave the previous notebook (whose hash no longer
matches, so it is never taken as fresh) or nothing; a failed run's partial
notebook is kept as .stamps/NAME.failed.ipynb next to the target, and the
kernel's own log as .stamps/NAME.kernel.log.

Before executing, the parameters are checked against the section's
``parameters`` cell (papermill itself only warns about unknown names) and the
device is resolved with :func:`scaffold.device.resolve_device`, so a typo or an
absent GPU fail at once with a message naming what is allowed.

Exit status: 0 success or up to date, 1 execution failed, 2 bad invocation
(unknown parameter, unavailable device, no parameters cell).
"""
from __future__ import annotations

import argparse
import ast
import functools
import hashlib
import json
import os
import signal
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
KEY = "scaffold"  # notebook metadata key written by this runner


class UsageError(Exception):
    """Bad parameters or device: exit 2 without executing anything."""


def parse_value(text: str):
    """Type a ``-p name value`` string the way papermill's CLI does."""
    for cast in (int, float):
        try:
            return cast(text)
        except ValueError:
            pass
    return {"True": True, "False": False, "None": None}.get(text, text)


# ----------------------------------------------------------------------------- what a section depends on
#
# Standard library only: the Makefile asks for these lists (--deps, --make-deps) with the
# system's python3, before .venv exists.

#: The paths whose change re-executes every section (shared with the Makefile): global
#: ones only, such as requirements.txt; the library's modules count per section.
INVALIDATES = Path(__file__).with_name("invalidates.txt")
#: The library's top package and where its source lies, relative to a repository root.
PACKAGE, LIBRARY = "scaffold", Path("src")
#: The chapter modules, whose ``grids(cfg)`` the sweep plan collects, and the plan itself.
CHAPTERS, PLAN = f"{PACKAGE}.chapters", f"{PACKAGE}.runtime.plan"


def invalidating_paths() -> list[str]:
    """The entries of :data:`INVALIDATES`, relative to a repository root."""
    lines = (line.split("#", 1)[0].strip() for line in INVALIDATES.read_text().splitlines())
    return [line for line in lines if line]


def is_build_output(p: Path) -> bool:
    return ("__pycache__" in p.parts or p.suffix == ".pyc"
            or any(part.endswith(".egg-info") for part in p.parts))


def expand(entries, root: Path) -> list[Path]:
    """Repository paths as files: a folder stands for every file below it (build outputs
    excepted); a missing path is left out."""
    files = []
    for entry in entries:
        path = root / entry
        if path.is_dir():
            files += [p for p in sorted(path.rglob("*")) if p.is_file() and not is_build_output(p)]
        elif path.exists():
            files.append(path)
    return files


def results_reads(names, folder: Path) -> list[Path]:
    """What ``--reads`` names in the results folder: a file (hashed as missing until it
    appears), or a pattern such as ``*.csv`` for every file it matches, so that a file
    added or removed changes the hash (the introduction lists the folder)."""
    out = []
    for name in names:
        out += sorted(folder.glob(name)) if any(c in name for c in "*?[") else [folder / name]
    return out


def repo_reads(entries, root: Path) -> list[Path]:
    """What ``--reads-repo`` names, for the hash: every file below a folder, and a named
    file even when missing (hashed as missing, so that its appearing re-runs the section)."""
    return [p for e in entries for p in ([root / e] if not (root / e).is_dir() else expand([e], root))]


def global_files(root: Path) -> list[Path]:
    """Files whose change re-executes every section (:data:`INVALIDATES`; a folder counts
    with every file below it, build outputs excepted)."""
    return expand(invalidating_paths(), root)


def module_file(name: str, root: Path) -> Path | None:
    """The source file of the library module ``name`` (dotted), or None if it is not one."""
    if name != PACKAGE and not name.startswith(PACKAGE + "."):
        return None
    base = root / LIBRARY / Path(*name.split("."))
    for path in (base / "__init__.py", base.with_suffix(".py")):
        if path.is_file():
            return path
    return None


def _parse(path: Path) -> ast.Module:
    # A page may hold IPython lines (%magic, !shell): blank them, keeping line numbers.
    text = "\n".join("" if line.lstrip().startswith(("%", "!")) else line
                     for line in path.read_text().splitlines())
    return ast.parse(text, str(path))


def _package(path: Path, module: str | None) -> str | None:
    """The package that relative imports in ``path`` (the module ``module``) start from."""
    if not module:
        return None
    return module if path.name == "__init__.py" else module.rpartition(".")[0]


def _from_base(node: ast.ImportFrom, package: str | None) -> str | None:
    """The module a ``from ... import`` reads from, resolved; None for a relative one
    outside the library."""
    if not node.level:
        return node.module or ""
    if package is None:
        return None
    parts = package.split(".")
    parts = parts[:len(parts) - (node.level - 1)]
    return ".".join(parts + ([node.module] if node.module else []))


@functools.lru_cache(maxsize=None)
def imported_names(path: Path, module: str | None = None) -> frozenset[str]:
    """Dotted names the Python source ``path`` imports, anywhere in it (a function's
    lazy import too).  ``module`` (the file's own dotted name) resolves relative
    imports; ``from x import y`` gives ``x`` and ``x.y`` (``y`` may be a module)."""
    package, out = _package(path, module), set()
    for node in ast.walk(_parse(path)):
        if isinstance(node, ast.Import):
            out.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = _from_base(node, package)
            if base is not None:
                out.add(base)
                out.update(f"{base}.{alias.name}" for alias in node.names)
    return frozenset(out)


def library_closure(names, root: Path) -> set[Path]:
    """The library files that importing ``names`` runs: each module, the packages
    above it, and what they import, followed transitively (statically, with ast)."""
    seen: set[Path] = set()
    todo = list(names)
    while todo:
        name = todo.pop()
        parts = name.split(".")
        for i in range(1, len(parts) + 1):  # the packages above a module run first
            sub = ".".join(parts[:i])
            path = module_file(sub, root)
            if path is None or path in seen:
                continue
            seen.add(path)
            todo += imported_names(path, sub)
    return seen


def section_deps(source: Path, root: Path) -> list[Path]:
    """What a section's outputs depend on besides its code and parameters: the library
    modules it imports (transitively) and the global paths (:data:`INVALIDATES`)."""
    return sorted(library_closure(imported_names(source), root)) + global_files(root)


def declares_sweeps(path: Path, module: str | None = None, root: Path | None = None) -> bool:
    """Whether a chapter module defines ``grids``; a ``grids`` that only returns an empty
    dict declares nothing.  Where the module takes ``grids`` from another library module
    (a package from its submodule), that one is read (given the module's dotted name
    and the ``root``); where it cannot be read, the ``grids`` counts as declaring sweeps."""
    for node in _parse(path).body:
        if isinstance(node, ast.ImportFrom) and any((a.asname or a.name) == "grids" for a in node.names):
            name = next(a.name for a in node.names if (a.asname or a.name) == "grids")
            base = _from_base(node, _package(path, module))
            source = module_file(base, root) if base and root is not None else None
            if source is None or module_file(f"{base}.{name}", root) is not None:
                return True  # not ours to read, or a submodule called grids
            return declares_sweeps(source, base, root)
        if isinstance(node, ast.FunctionDef) and node.name == "grids":
            body = [n for n in node.body if not (isinstance(n, ast.Expr) and isinstance(n.value, ast.Constant))]
            empty = (len(body) == 1 and isinstance(body[0], ast.Return)
                     and isinstance(body[0].value, ast.Dict) and not body[0].value.keys)
            return not empty
    return False


def plan_deps(root: Path) -> list[Path]:
    """What the sweep plan (``make sweeps``) depends on: the plan's modules and those of
    every chapter that declares sweeps (:func:`declares_sweeps`), with the global paths."""
    folder = module_file(CHAPTERS, root)
    chapters = []
    if folder is not None:
        for entry in sorted(folder.parent.iterdir()):
            name = entry.stem if entry.suffix == ".py" else entry.name
            path = module_file(f"{CHAPTERS}.{name}", root)
            if name != "__init__" and path is not None and declares_sweeps(path, f"{CHAPTERS}.{name}", root):
                chapters.append(f"{CHAPTERS}.{name}")
    return sorted(library_closure([PLAN, *chapters], root)) + global_files(root)


def code_cells(nb) -> list[str]:
    return [c.source for c in nb.cells if c.cell_type == "code"]


def section_hash(nb, params: dict, root: Path, deps: list[Path], reads: list[Path] = ()) -> str:
    """One hash over what a section's outputs depend on: its code cells, its parameters,
    the files ``deps`` (:func:`section_deps`) and the results files it ``reads``."""
    h = hashlib.sha256()

    def add(label: str, data: bytes) -> None:
        # Length-prefixed so that no two different inputs can concatenate equally.
        h.update(f"{label}:{len(data)}:".encode())
        h.update(data)

    for src in code_cells(nb):
        add("code", src.encode())
    add("params", json.dumps(params, sort_keys=True).encode())
    for path in deps:
        add(str(path.relative_to(root)), path.read_bytes())
    for path in reads:
        add(f"reads {path.name}", path.read_bytes() if path.exists() else b"(missing)")
    return h.hexdigest()


def results_dir(params: dict, root: Path) -> Path:
    """Where a section with these parameters writes its results: the rule of
    :attr:`scaffold.runtime.setup.RunConfig.results_dir` (a test checks they agree),
    written here without importing the library."""
    base = Path(os.environ.get("SCAFFOLD_RESULTS", root / "results"))
    profile = params.get("profile", "full")
    return base if profile == "full" else base / str(profile)


def stored_hash(ipynb: Path) -> str | None:
    if not ipynb.exists():
        return None
    try:
        meta = json.loads(ipynb.read_text())["metadata"]
        return meta.get(KEY, {}).get("hash")
    except (ValueError, KeyError):
        return None


def write_atomic(nb, target: Path) -> None:
    import nbformat

    tmp = target.with_name(f".{target.stem}.tmp{os.getpid()}.ipynb")
    try:
        nbformat.write(nb, str(tmp))
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


def refresh_narrative(source_nb, executed_nb):
    """Executed notebook with the .py's markdown; code cells and outputs kept.

    The code cells are equal in number and source (the hash says so), so the
    i-th code cell of the source maps to the i-th non-injected code cell of
    the executed notebook.
    """
    executed_code = [c for c in executed_nb.cells if c.cell_type == "code"
                     and "injected-parameters" not in c.metadata.get("tags", [])]
    injected = [c for c in executed_nb.cells
                if "injected-parameters" in c.metadata.get("tags", [])]
    # jupytext invents new cell ids on every read: reuse the old ones in order,
    # so that an unchanged narrative gives an unchanged notebook.
    old_ids = iter([c.get("id") for c in executed_nb.cells if c.cell_type != "code"])
    cells, k = [], 0
    for cell in source_nb.cells:
        if cell.cell_type != "code":
            old_id = next(old_ids, None)
            if old_id:
                cell["id"] = old_id
            cells.append(cell)
            continue
        old = executed_code[k]
        k += 1
        # New tags/metadata from the source, execution record from the old run.
        meta = dict(cell.metadata)
        for key in ("papermill", "execution"):
            if key in old.metadata:
                meta[key] = old.metadata[key]
        old.metadata = meta
        cells.append(old)
        if "parameters" in cell.metadata.get("tags", []):
            cells.extend(injected)
    out = executed_nb.copy()
    out.cells = cells
    return out


def narrative(nb) -> list:
    """What a refresh can change: cell kinds, sources and metadata papermill did not add."""
    def meta(cell):
        return {k: v for k, v in cell.metadata.items()
                if k not in ("papermill", "execution") and not (k == "tags" and not v)}
    return [(c.cell_type, c.source, meta(c)) for c in nb.cells]


def check_parameters(nb, params: dict) -> None:
    import papermill

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "nb.ipynb"
        import nbformat
        nbformat.write(nb, str(path))
        declared = papermill.inspect_notebook(str(path))
    if not declared:
        raise UsageError("has no cell tagged 'parameters'")
    unknown = sorted(set(params) - set(declared))
    if unknown:
        raise UsageError(f"unknown parameter(s) {unknown}; this section accepts "
                         f"{sorted(declared)}")
    # "auto" and "cpu" always resolve: only other names need torch (3 s to import) to check.
    if "device" in params and str(params["device"]).strip().lower() not in ("auto", "cpu"):
        from scaffold.device import resolve_device
        try:
            resolve_device(params["device"])
        except (ValueError, RuntimeError) as exc:
            raise UsageError(str(exc)) from None


def execute(nb, params: dict, target: Path, name: str, digest: str) -> None:
    import papermill
    from papermill.exceptions import PapermillExecutionError

    tmp = target.with_name(f".{target.stem}.tmp{os.getpid()}.ipynb")
    # The kernel inherits these: the provenance block reads them.
    os.environ["SCAFFOLD_SECTION"] = name
    os.environ["SCAFFOLD_T0"] = repr(time.time())
    # The kernel's warnings land in the notebook; an unusable cache entry is also
    # appended here (scaffold.sweep.warn_unusable) and said in the terminal below.
    cache_log = logs_dir(target) / f"{name}.cache.log"
    cache_log.unlink(missing_ok=True)
    os.environ["SCAFFOLD_CACHE_LOG"] = str(cache_log)
    t0 = time.perf_counter()
    # The kernel inherits our stderr: its log chatter goes to a file instead.
    log = logs_dir(target) / f"{name}.kernel.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    saved = os.dup(2)

    def abort(signum, _frame):
        # papermill swallows KeyboardInterrupt and would finish (and save) the run:
        # on SIGINT/SIGTERM drop the partial file, stop our kernel, exit at once.
        tmp.unlink(missing_ok=True)
        try:
            import psutil
            for child in psutil.Process().children(recursive=True):
                child.kill()
        except Exception:
            pass
        os.write(saved, f"interrupted: section {name} was not updated\n".encode())
        os._exit(128 + signum)

    signal.signal(signal.SIGINT, abort)
    signal.signal(signal.SIGTERM, abort)
    try:
        with open(log, "w") as fh:
            os.dup2(fh.fileno(), 2)
        # Once the last cell has run, the kernel's state is of no further use: "immediate"
        # ends it (its process group) instead of waiting 1-3 s for a graceful exit, most of
        # which is the interpreter tearing down torch and the other libraries.
        papermill.execute_notebook(nb, str(tmp), parameters=params, kernel_name="python3",
                                   cwd=str(target.parent), progress_bar=False,
                                   shutdown_kernel="immediate")
    except PapermillExecutionError as exc:
        failed = logs_dir(target) / f"{name}.failed.ipynb"
        if tmp.exists():
            os.replace(tmp, failed)
        code_no = code_index(nb, exc.source)
        first = exc.source.strip().splitlines()[0] if exc.source.strip() else ""
        raise RuntimeError(
            f"cell failed: code cell {code_no} of {name}.py (starts: {first!r})\n"
            f"  {exc.ename}: {exc.evalue}\n  partial notebook: {failed}") from None
    except BaseException:  # interrupt, kill, kernel death: leave nothing behind
        tmp.unlink(missing_ok=True)
        raise
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        report_cache_log(cache_log, name)
    try:
        import nbformat
        out = nbformat.read(str(tmp), as_version=4)
        out.metadata[KEY] = {"hash": digest, "parameters": params,
                             "wall_s": round(time.perf_counter() - t0, 2),
                             "executed_at": time.strftime("%Y-%m-%dT%H:%M:%S%z")}
        write_atomic(out, target)
    finally:
        tmp.unlink(missing_ok=True)


def report_cache_log(log: Path, name: str) -> None:
    """Say in the terminal which cache entries the section found unusable and recomputed."""
    if log.exists():
        for line in log.read_text().splitlines():
            print(f"warning: section {name}: {line}", file=sys.stderr, flush=True)


def logs_dir(target: Path) -> Path:
    """Hidden folder next to the notebooks for kernel logs and failed runs."""
    path = target.parent / ".stamps"
    path.mkdir(parents=True, exist_ok=True)
    return path


def code_index(nb, source: str) -> str:
    """1-based number of the code cell with this source in the .py, if found."""
    for i, src in enumerate(code_cells(nb), 1):
        if src == source:
            return str(i)
    return "?"


def make_deps(sources: list[Path], root: Path) -> str:
    """Makefile rules giving each section's notebook, and the sweep plan's stamp, their
    dependencies (:func:`section_deps`, :func:`plan_deps`), for the Makefile to include."""
    def rel(paths):
        return " ".join(str(p.relative_to(root)) for p in paths)

    lines = ["# Generated by tools/execute.py --make-deps: what re-executes each section."]
    every = set()
    for src in sources:
        deps = section_deps(src, root)
        every.update(deps)
        lines.append(f"$(OUT)/{src.stem}.ipynb: {rel(deps)}")
    deps = plan_deps(root)
    every.update(deps)
    lines.append(f"$(SWEEPS): {rel(deps)}")
    # A rule with no recipe for each file, so that deleting one re-runs what depended on
    # it instead of stopping make with "No rule to make target" (as gcc's -MP does).
    lines += [f"{p}:" for p in rel(sorted(every)).split()]
    return "\n".join(lines) + "\n"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("source", type=Path, nargs="+", help="section .py (jupytext percent format)")
    ap.add_argument("--out", type=Path, help="executed notebook (default: source with .ipynb)")
    ap.add_argument("-p", "--parameter", nargs=2, action="append", default=[],
                    metavar=("NAME", "VALUE"), help="papermill parameter")
    ap.add_argument("--reads", nargs="*", default=[], metavar="FILE",
                    help="results files or patterns (in the section's results folder) it reads: a change re-runs it")
    ap.add_argument("--reads-repo", nargs="*", default=[], metavar="PATH",
                    help="files or folders (relative to the repo root) it reads: a change re-runs it")
    ap.add_argument("--root", type=Path, default=ROOT, help="repo root (src/, requirements.txt)")
    ap.add_argument("--force", action="store_true", help="execute even if up to date")
    ap.add_argument("--status", action="store_true",
                    help="print fresh/stale/missing and exit 0/1/1; run nothing")
    ap.add_argument("--deps", action="store_true",
                    help="print the files each source depends on, one a line; run nothing")
    ap.add_argument("--make-deps", action="store_true",
                    help="print those as Makefile rules, with the sweep plan's; run nothing")
    args = ap.parse_args(argv)
    root = args.root.resolve()
    if args.deps or args.make_deps:
        if args.make_deps:
            print(make_deps(args.source, root), end="")
        for src in args.source if args.deps else ():
            print("\n".join(str(p.relative_to(root)) for p in section_deps(src, root)))
        return 0
    if len(args.source) != 1:
        ap.error("execute one section at a time")

    import jupytext
    import nbformat

    src: Path = args.source[0]
    target: Path = args.out or src.with_suffix(".ipynb")
    name = src.stem
    params = {k: parse_value(v) for k, v in args.parameter}
    nb = jupytext.read(str(src))
    # Sections are executed with the .venv's python3 kernel, header or not.
    nb.metadata.setdefault("kernelspec", {"name": "python3", "display_name": "Python 3",
                                          "language": "python"})
    digest = section_hash(nb, params, root, section_deps(src, root),
                          results_reads(args.reads, results_dir(params, root))
                          + repo_reads(args.reads_repo, root))
    old = stored_hash(target)

    if args.status:
        state = "missing" if old is None else "fresh" if old == digest else "stale"
        print(state)
        return 0 if state == "fresh" else 1

    if old == digest and not args.force:
        executed = nbformat.read(str(target), as_version=4)
        refreshed = refresh_narrative(nb, executed)
        if narrative(refreshed) != narrative(executed):
            write_atomic(refreshed, target)
            print(f"{name}: code unchanged, narrative refreshed (not executed)")
        else:
            os.utime(target)  # tell make it is up to date
            print(f"{name}: up to date")
        return 0

    try:
        check_parameters(nb, params)
    except UsageError as exc:
        print(f"error: section {name}: {exc}", file=sys.stderr)
        return 2
    print(f"{name}: executing ({'forced' if old == digest else 'missing' if old is None else 'inputs changed'})",
          flush=True)
    t0 = time.perf_counter()
    try:
        execute(nb, params, target, name, digest)
    except RuntimeError as exc:
        print(f"error: section {name} failed, {exc}", file=sys.stderr)
        return 1
    except Exception as exc:  # e.g. the kernel died or could not start
        print(f"error: section {name} failed: {type(exc).__name__}: {exc}\n"
              f"  kernel log: {logs_dir(target) / (name + '.kernel.log')}", file=sys.stderr)
        return 1
    print(f"{name}: executed in {time.perf_counter() - t0:.1f} s -> {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
