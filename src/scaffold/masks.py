"""The sparse input masks as drawn: how many units they leave without any input.

The HSN's DG mask and the CEN's expander mask are Bernoulli(p) per entry.  With
the note's one or two inputs, a unit sees no coordinate at all with probability
(1-p)^d, and the whole stage is empty with probability (1-p)^(d*units).
:func:`mask_census` draws the masks exactly as training does (by building the
models) over many seeds; :func:`census_summary` sets the measured rates beside
those closed forms.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .models import CEN, HSN, ModelSpec


def mask_of(model) -> np.ndarray:
    """The (M, d_in, units) 0/1 input mask of a built HSN (DG) or CEN (expander)."""
    if isinstance(model, HSN):
        return model.dg_mask.numpy()
    if isinstance(model, CEN):
        return model.E_mask.numpy()
    raise TypeError(f"no input mask on {type(model).__name__}")


def mask_census(spec: ModelSpec, d_in: int, seeds, chunk: int = 250) -> pd.DataFrame:
    """Per seed: how many of the stage's units have no input at all.

    Columns: seed, d_in, units, inputless, frac_inputless, all_empty (the whole
    stage receives nothing, so the model's output cannot depend on x),
    mean_inputs (inputs per unit).  Masks are drawn exactly as in training, by
    building the model (in chunks, to bound memory).
    """
    seeds = list(seeds)
    rows = []
    for i in range(0, len(seeds), chunk):
        part = seeds[i:i + chunk]
        m = mask_of(spec.build(d_in, 1, part))
        fan_in = m.sum(axis=1)  # (M, units)
        for s, f in zip(part, fan_in):
            rows.append(dict(seed=s, d_in=d_in, units=f.size, inputless=int((f == 0).sum()),
                             frac_inputless=float((f == 0).mean()), all_empty=bool(f.sum() == 0),
                             mean_inputs=float(f.mean())))
    return pd.DataFrame(rows)


def census_summary(census: pd.DataFrame, spec: ModelSpec) -> dict:
    """Measured rates beside the Bernoulli closed forms (1-p)^d and (1-p)^(d*units).

    ``p`` and the minimum fan-in are read from ``spec`` (HSN: DG mask, CEN:
    expander).  With a minimum of one input no unit can be inputless, so both
    closed forms are 0 (the mean fan-in is then no longer ``p*d``: NaN).
    """
    c = spec.config
    density, min_inputs = ((c.dg_density, c.dg_min_inputs) if spec.family == "hsn"
                           else (c.density, c.min_inputs))
    d, units = int(census["d_in"].iloc[0]), int(census["units"].iloc[0])
    fixed = min_inputs >= 1
    return dict(d_in=d, units=units, n_seeds=len(census),
                frac_inputless=float(census["frac_inputless"].mean()),
                frac_inputless_theory=0.0 if fixed else (1 - density) ** d,
                p_all_empty=float(census["all_empty"].mean()),
                p_all_empty_theory=0.0 if fixed else (1 - density) ** (d * units),
                mean_inputs=float(census["mean_inputs"].mean()),
                mean_inputs_theory=float("nan") if fixed else density * d)
