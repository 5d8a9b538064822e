"""Provenance block shown at the end of every section.

Usage, as the *last* cell of a section::

    from scaffold.runtime import provenance
    provenance.block(cfg)          # cfg: the RunConfig from scaffold.runtime.setup

It displays, as a collapsed box on the book page:

- the git commit of the repository and whether the working tree was dirty;
- Python, platform, and the versions of torch, numpy and the other key packages;
- the device (with the GPU's name on CUDA) and the section's parameters;
- the wall time of the section's execution;
- a download link to the section's source ``.py`` (the theme's download
  button already offers the executed ``.ipynb``).

Timing needs no call at the start of the section: ``tools/execute.py`` sets
``SCAFFOLD_T0`` (epoch seconds) just before papermill starts the kernel, and
``SCAFFOLD_SECTION`` (the section's file stem, used for the download link).
When a notebook is run by hand these are absent; the wall time is then taken
from the kernel process's start and the link is left out.

The output is a ``text/markdown`` bundle written in MyST (the book renders
markdown outputs as MyST), with a plain-text fallback for other front ends.
"""

from __future__ import annotations

import os
import platform
import subprocess
import sys
import time
from importlib import metadata
from pathlib import Path

from .. import ROOT, fmt

PACKAGES = ("torch", "numpy", "scipy", "scikit-learn", "pandas", "matplotlib",
            "papermill", "jupyter-book")


def git_state() -> tuple[str, bool | None]:
    """(commit, dirty) of the repository; ("unknown", None) outside git."""
    try:
        commit = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "HEAD"], check=True,
                                capture_output=True, text=True).stdout.strip()
        status = subprocess.run(["git", "-C", str(ROOT), "status", "--porcelain"], check=True,
                                capture_output=True, text=True).stdout
        return commit, bool(status.strip())
    except (OSError, subprocess.CalledProcessError):
        return "unknown", None


def versions() -> dict[str, str]:
    out = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


def wall_time() -> float:
    """Seconds since the section started (see the module docstring)."""
    t0 = os.environ.get("SCAFFOLD_T0")
    if t0:
        return time.time() - float(t0)
    import psutil

    return time.time() - psutil.Process().create_time()


def device_label(device) -> str:
    label = str(device)
    if label.startswith("cuda"):
        import torch

        label += f" ({torch.cuda.get_device_name(torch.device(label))})"
    return label


def collect(cfg=None, **extra) -> dict:
    """Everything the block shows, as a plain dict (also handy for tests)."""
    commit, dirty = git_state()
    params = cfg.as_dict() if cfg is not None else {}
    device = params.pop("device", None)
    return {
        "commit": commit,
        "dirty": dirty,
        "versions": versions(),
        "platform": platform.platform(),
        "device": device_label(device) if device else "n/a",
        "parameters": {**params, **extra},
        "wall_s": wall_time(),
        "section": os.environ.get("SCAFFOLD_SECTION"),
    }


def markdown(info: dict) -> str:
    state = {True: "dirty working tree", False: "clean", None: "not a git checkout"}
    rows = [
        ("commit", f"`{info['commit'][:12]}` ({state[info['dirty']]})"),
        ("device", f"`{info['device']}`"),
        ("parameters", ", ".join(f"`{k}={v}`" for k, v in info["parameters"].items()) or "none"),
        ("wall time", f"{fmt.num(info['wall_s'])} s"),
        ("platform", info["platform"]),
        ("versions", ", ".join(f"{k} {v}" for k, v in info["versions"].items())),
    ]
    if info["section"]:
        rows.append(("source", f"{{download}}`{info['section']}.py <{info['section']}.py>`"))
    table = "\n".join(f"| {k} | {v} |" for k, v in rows)
    return (":::{admonition} Provenance of this page\n:class: dropdown\n\n"
            f"| | |\n|---|---|\n{table}\n:::\n")


def block(cfg=None, **extra) -> dict:
    """Display the provenance block; return what it shows."""
    from IPython.display import display

    info = collect(cfg, **extra)
    text = "\n".join(f"{k}: {v}" for k, v in info.items())
    display({"text/markdown": markdown(info), "text/plain": text}, raw=True)
    return info


def results_listing(results_dir: Path, here: Path | None = None) -> str:
    """A MyST table of the CSV/JSON files in ``results_dir``, each a download link.

    ``here`` is the folder of the executing notebook (papermill runs it there), so
    the links are relative to the page and Sphinx copies the files into the site.
    """
    here = Path.cwd() if here is None else Path(here)
    rows = ["| file | rows | size |", "|---|---|---|"]
    for p in sorted(Path(results_dir).glob("*")):
        if p.suffix not in (".csv", ".json") or not p.is_file():
            continue
        rel = Path(os.path.relpath(p, here)).as_posix()
        n = sum(1 for _ in p.open()) - 1 if p.suffix == ".csv" else "-"
        rows.append(f"| {{download}}`{p.name} <{rel}>` | {fmt.num(n) if n != '-' else fmt.DASH} "
                    f"| {fmt.num(p.stat().st_size / 1024)} KiB |")
    return "\n".join(rows)


class DataLinks:
    """Download links to the results files a figure or table is drawn from.

    Glue it (a chapter's facts may hold one) and place it with ``{glue:md}`` next to
    the figure or table: it renders as "Data: a.csv, b.csv", each a ``{download}``
    link relative to the executing notebook's folder (see :func:`results_listing`).
    """

    def __init__(self, paths, here: Path | None = None):
        here = Path.cwd() if here is None else Path(here)
        self.paths = [Path(p) for p in paths]
        self.links = [f"{{download}}`{p.name} <{Path(os.path.relpath(p, here)).as_posix()}>`"
                      for p in self.paths]

    def markdown(self) -> str:
        return ("Data: " if len(self.links) == 1 else "Data files: ") + ", ".join(self.links)

    def _repr_markdown_(self) -> str:
        return self.markdown()

    def _repr_mimebundle_(self, include=None, exclude=None):
        return {"text/markdown": self.markdown(), "text/plain": ", ".join(p.name for p in self.paths)}


def data_links(*paths, here: Path | None = None) -> DataLinks:
    """:class:`DataLinks` to ``paths`` (results files), relative to ``here`` (default: cwd)."""
    return DataLinks(paths, here)


if __name__ == "__main__":  # pragma: no cover - quick manual check
    sys.stdout.write(markdown(collect()))
