"""Every place where the note is silent or inconsistent, and the reading this book takes.

One table (:func:`ambiguity_table`), shown on the architectures page and written to
``results/ambiguities.csv``.  The values the code chooses are read from its defaults
(data, training, model configs), and the choices the audit varies come from the
axes of :mod:`scaffold.readings` (:func:`scaffold.readings.ambiguity_table`, one row
per level, folded here into one row per axis), so the table stays true to what runs.
"""

from __future__ import annotations

import inspect
import re

import pandas as pd

from . import note, readings
from .data import DEFAULTS, make_dataset
from .models import CENConfig, HSNConfig
from .train import TrainConfig

#: The parts of the table, in the order a reader meets them.
PARTS = ("Data", "Training", "Dense", "CEN", "HSN")
COLUMNS = ["part", "question", "the note", "this book", "why"]


def ambiguity_table() -> pd.DataFrame:
    """Every gap or inconsistency in the note that the code has to resolve.

    Values that the code chooses are read from its defaults (data, training,
    model configs, the repaired HSN), so the table stays true to what runs.
    """
    d, t, h, c = DEFAULTS, TrainConfig(), HSNConfig(), CENConfig()
    n = {k: p.default for k, p in inspect.signature(make_dataset).parameters.items()}
    rows = [
        ("Data", "Noise levels", "only moons are called noisy; no levels given",
         f"swiss roll {d['swiss_noise']}, circles {d['circles_noise']} (factor {d['circles_factor']}), "
         f"moons {d['moons_noise']}, sine {d['sine_noise']}",
         "common sklearn settings; they set the ceiling accuracy, so the audit varies the swiss roll's and "
         "the sine's (rows below)"),
        ("Data", "Test set", "the validation set both picks the learning rate and is reported",
         f"a third, untouched split of {n['n_test']} points is added; validation only picks the learning rate",
         "a score used for selection is optimistically biased"),
        ("Data", "Input scaling", "not stated", "standardised with training statistics",
         "makes the 5% masks and the learning rates comparable across tasks"),
        ("Training", "Batch size", "not stated", f"{t.batch_size}",
         f"a usual default; {n['n_train'] // t.batch_size} steps per epoch"),
        ("Training", "Loss", "not stated", "binary cross-entropy on one logit; MSE for the sine",
         "the standard pairing for one output"),
        ("Training", "Runs per cell", "one number per cell, no seeds", "several seeds per cell, with intervals",
         "single runs cannot separate models differing by a few points"),
        ("Training", "Device", "Apple MPS", "CPU or CUDA, float32, chosen by the device parameter",
         "MPS is not available here; results should not depend on the device"),
        ("Dense", "Depth", "'three-layer', eq. (1) has two hidden layers of 64",
         "two hidden ReLU layers of 64 with biases", "the only depth eq. (1) can describe"),
        ("Dense", "Biases", "eq. (1) has none, but its total 4,417 needs them", "biases included",
         "4,417 is reproduced only with biases (see the parameter section)"),
        ("CEN", "Expander weights", "5% density, no distribution given",
         f"Bernoulli({c.density}) mask times N(0, 1) values", "the usual random-feature draw"),
        ("CEN", "Hidden bias", "none mentioned",
         "none (literal); a fixed random N(0, 1) bias is run as a control",
         "without a bias every granule unit is ReLU(w x) with its kink at 0, which limits the sine fit"),
        ("CEN", "Best H", "'best H' per task, selection rule not given",
         "every width is reported; a best width is chosen on validation, like the learning rate",
         "picking the width on the reported score would bias it"),
        ("HSN", "DG mask: fixed or learned", "'learned sparse projection with 5% density'",
         "a mask fixed once drawn (how it is drawn: the row \u201cDG mask\u201d below); the weights under it "
         "are learned",
         "the mask itself cannot be learned by gradient descent"),
        ("HSN", "DG activation and bias", "not stated", "ReLU with a learned bias",
         "a sparse code needs a rectifying nonlinearity"),
        ("HSN", "Bridge DG to CA3", f"never defined, but its \u00a73.3 table counts {note.BRIDGE_TABLE} for it",
         f"a learned dense {h.h_dg}x{h.h_ca3} map with bias",
         f"the DG has {h.h_dg} units, CA3 {h.h_ca3}: something must connect them"),
        ("HSN", "Readout state", "not stated", f"the state after T = {h.T} steps", "the 'settled' state"),
        ("HSN", "Parameter formula", "nnz(W_dg) + nnz(G) + h_ca3 + o",
         "counted under four conventions in the parameter section",
         "the formula omits the bridge and the biases and matches none of the note's totals"),
    ]
    rows += reading_rows()
    order = {p: i for i, p in enumerate(PARTS)}
    rows = sorted(rows, key=lambda r: order.get(r[0], len(order)))  # stable: each part keeps its order
    return pd.DataFrame(rows, columns=COLUMNS)


def plain(tex: str) -> str:
    """A quote with inline TeX as plain text (tables are HTML, not typeset): '\\(\\sin(x)\\)' -> 'sin(x)'."""
    return re.sub(r"\\([A-Za-z]+)", r"\1", re.sub(r"\\[()]", "", tex))


def reading_rows() -> list[tuple]:
    """The choices the audit varies, one row per axis of :mod:`scaffold.readings`.

    "The note" quotes only the note (or says it is silent); "this book" names every
    level, since each is run; "why" gives what in the note supports each level.
    """
    levels = readings.ambiguity_table()
    rows = []
    for (part, question), g in levels.groupby(["part", "question"], sort=False):
        names = ", ".join(lv + (" (the literal reading)" if lit else "")
                          for lv, lit in zip(g["level"], g["literal"]))
        why = "; ".join(f"{lv}: {s}" for lv, s in zip(g["level"], g["what supports it"]))
        rows.append((part, question, plain(g["the note says"].iloc[0]),
                     f"every level is run: {names}; see the audit", why))
    return rows
