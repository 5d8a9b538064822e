"""The book's runtime: what every section does around its chapter's code.

- :mod:`scaffold.runtime.setup`      -- the parameters cell checked into a :class:`RunConfig`
- :mod:`scaffold.runtime.publish`    -- a chapter's facts glued to its page in one call
- :mod:`scaffold.runtime.provenance` -- the provenance box at the end of every page
- :mod:`scaffold.runtime.style`      -- one colour and marker per model, sizes for the page width
- :mod:`scaffold.runtime.live`       -- live (plotly) figures with a static twin, offline
- :mod:`scaffold.runtime.charts`     -- forest, scatter and strip charts built on live figures
- :mod:`scaffold.runtime.speccurve`  -- the specification-curve chart
- :mod:`scaffold.runtime.tables`     -- tables for reading: human headers, badges, scroll boxes
"""

from . import provenance
from .publish import publish
from .setup import PROFILES, RunConfig, prepare_page_output, setup

__all__ = ["PROFILES", "RunConfig", "prepare_page_output", "provenance", "publish", "setup"]
