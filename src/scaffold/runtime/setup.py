"""A section's start: its parameters checked, its profile chosen, the page's output set up.

Every section's ``parameters`` cell holds the same four knobs and hands them to
:func:`setup`, which validates them and returns a :class:`RunConfig`:

- ``device``: ``"auto"`` (CUDA, then MPS, then CPU) or an explicit device;
- ``profile``: ``"full"`` (what ``make book`` builds: all seeds, all controls) or
  ``"quick"`` (a smoke-sized run for tests: 3 seeds, a tenth of the epochs);
- ``n_seeds``: 0 keeps the profile's default;
- ``epochs_scale``: 0 keeps the profile's default; 1.0 is the note's schedule
  (100 epochs, 200 for regression).
"""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import torch

from .. import RESULTS
from ..device import resolve_device

PROFILES = {
    "full": dict(n_seeds=10, epochs_scale=1.0),
    "quick": dict(n_seeds=3, epochs_scale=0.1),
}


@dataclass(frozen=True)
class RunConfig:
    device: torch.device
    profile: str
    n_seeds: int
    epochs_scale: float

    @property
    def seeds(self) -> list[int]:
        return list(range(self.n_seeds))

    @property
    def quick(self) -> bool:
        return self.profile == "quick"

    @property
    def results_dir(self) -> Path:
        """Where sections write their CSV/JSON: ``results/`` (full) or ``results/quick/``.

        ``SCAFFOLD_RESULTS`` overrides the base folder (tests use it).  Keeping the
        quick profile apart means a smoke run never overwrites the full book's data.
        """
        base = Path(os.environ.get("SCAFFOLD_RESULTS", RESULTS))
        out = base if self.profile == "full" else base / self.profile
        out.mkdir(parents=True, exist_ok=True)
        return out

    def as_dict(self) -> dict:
        d = asdict(self)
        d["device"] = str(self.device)
        return d


def setup(device: str = "auto", profile: str = "full", n_seeds: int = 0,
          epochs_scale: float = 0.0) -> RunConfig:
    """Validate a section's parameters; raise with a clear message if any is bad."""
    if profile not in PROFILES:
        raise ValueError(f"unknown profile {profile!r}; choose one of {sorted(PROFILES)}")
    base = PROFILES[profile]
    n, scale = _number(int, "n_seeds", n_seeds), _number(float, "epochs_scale", epochs_scale)
    n, scale = n or base["n_seeds"], scale or base["epochs_scale"]
    if n < 2:
        raise ValueError(f"n_seeds must be at least 2 (intervals need replicates), got {n}")
    if not 0 < scale <= 10:
        raise ValueError(f"epochs_scale must be in (0, 10], got {scale}")
    prepare_page_output()
    return RunConfig(device=resolve_device(device), profile=profile, n_seeds=n,
                     epochs_scale=scale)


def _number(kind, name: str, value):
    """``value`` as an int or float, or a ValueError that names the parameter."""
    try:
        out = kind(value)
    except (TypeError, ValueError):
        out = None
    if out is None or (kind is int and out != float(value)):
        what = "a whole number" if kind is int else "a number"
        raise ValueError(f"{name} must be {what} (0 keeps the profile's default), got {value!r}")
    return out


def prepare_page_output() -> None:
    """The display side effects of a section's start, named as such (``setup`` calls it).

    NumPy 2 prints scalars as "np.float64(0.5)"; myst-nb's glue formats the text
    repr of a value, so such a repr would break {glue:text}`key:.3f`.  The 1.25
    style prints plain numbers; it changes nothing else we rely on.

    Figures reach the page through glue (numbered, captioned) only: with
    interactive mode off the inline backend does not also print every open
    figure at the end of its cell.  The backend loads lazily and the inline one
    switches interactive mode on as it loads, so it is loaded first.
    """
    np.set_printoptions(legacy="1.25")
    import matplotlib.pyplot as plt

    plt.close(plt.figure())
    plt.ioff()
