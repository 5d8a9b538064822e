"""The book's runtime: what every section does around its chapter's code.

- :mod:`scaffold.runtime.setup`      -- the parameters cell checked into a :class:`RunConfig`
- :mod:`scaffold.runtime.publish`    -- a chapter's page (facts, figures, tables) glued in one call
- :mod:`scaffold.runtime.provenance` -- the provenance box at the end of every page
- :mod:`scaffold.runtime.style`      -- one colour and marker per model, sizes for the page width
- :mod:`scaffold.runtime.live`       -- live (plotly) figures with a static twin, offline
- :mod:`scaffold.runtime.charts`     -- forest, scatter and strip charts built on live figures
- :mod:`scaffold.runtime.speccurve`  -- the specification-curve chart
- :mod:`scaffold.runtime.tables`     -- tables for reading: human headers, badges, scroll boxes
"""

from . import provenance
from .publish import Keys, Page, publish, publish_page
from .setup import PROFILES, RunConfig, prepare_page_output, setup

__all__ = ["PROFILES", "Keys", "Page", "RunConfig", "prepare_page_output", "provenance", "publish", "publish_page",
           "setup"]
