"""scaffold: the library behind the book.

The book reproduces and audits a short research note (Nicolini, "The tradeoff")
claiming that a large *fixed* hidden state plus a tiny *learned* readout can match
a dense MLP with far fewer learned parameters.  Every number in the book is
computed by this package; the notebooks in ``book/`` only call it.

The model library, one module per idea (imports only downward):

- :mod:`scaffold.note`        -- the note's reported numbers, and only those
- :mod:`scaffold.device`      -- ``device="auto"`` and its checks
- :mod:`scaffold.data`        -- the note's four toy tasks (+ digits, d-dimensional embeddings)
- :mod:`scaffold.graphs`      -- Kronecker graphs and their controls
- :mod:`scaffold.models`      -- dense MLP, CEN, HSN as stacked ensembles
- :mod:`scaffold.train`       -- Adam training of many members at once
- :mod:`scaffold.sweep`       -- declarative grids, cached on disk
- :mod:`scaffold.params`      -- parameter and multiply-accumulate accounting
- :mod:`scaffold.stats`       -- bootstrap intervals of means, the noise floor of one score
- :mod:`scaffold.selection`   -- model selection on validation (the CEN's best width)
- :mod:`scaffold.curves`      -- learning curves over seeds: band, late change, settling
- :mod:`scaffold.trace`       -- CA3 state statistics, trained (in the sweep) and untrained
- :mod:`scaffold.masks`       -- the sparse input masks as drawn: inputless units
- :mod:`scaffold.timing`      -- one clock, synchronisation, warm-up and median for timings
- :mod:`scaffold.latency`     -- inference time of models and of the graph step's kernels
- :mod:`scaffold.ambiguities` -- every place the note is silent, with the reading taken
- :mod:`scaffold.experiments` -- the named models (both HSN readings, controls) and the one runner of grids
- :mod:`scaffold.ledger`      -- the claims ledger's row format and verdict words

The book's runtime (:mod:`scaffold.runtime`): ``setup`` (parameters -> RunConfig),
``publish`` (a chapter's page -- facts, figures, tables -- glued in one call), ``provenance`` (the box at the
end of every page, the results files as download links), ``plan`` (every
chapter's grids trained up front: ``make sweeps``), ``style`` (one colour and
marker per model), ``live``, ``charts`` and ``speccurve`` (live figures with
static twins), ``tables`` (tables for reading).

Benchmarks of the training and of the book itself live outside the package, in
``tools/bench.py`` and ``tools/bookbench.py`` (``make bench``).

One module or package per chapter (:mod:`scaffold.chapters`), named like its
page: ``intro``, ``architectures``, ``benchmarks``, ``parameters``,
``limitations``, ``audit``, ``reproducing`` -- each with what is specific to its
page, ``page(cfg)`` and ``grids(cfg)``: the sweeps it trains.
"""

import os
from pathlib import Path

__version__ = "0.1.0"

#: Repository root (src/scaffold/__init__.py -> repo).  Results and caches live here.
ROOT = Path(__file__).resolve().parents[2]
RESULTS = ROOT / "results"
#: Trained sweep results (``SCAFFOLD_CACHE`` moves it, e.g. for a cold-cache benchmark).
CACHE = Path(os.environ.get("SCAFFOLD_CACHE", ROOT / ".cache"))
