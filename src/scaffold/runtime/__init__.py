"""The book's runtime: what every section does around its chapter's code.

- :mod:`scaffold.runtime.setup`      -- the parameters cell checked into a :class:`RunConfig`
- :mod:`scaffold.runtime.publish`    -- a chapter's facts glued to its page in one call
- :mod:`scaffold.runtime.provenance` -- the provenance box at the end of every page
"""

from . import provenance
from .publish import publish
from .setup import PROFILES, RunConfig, prepare_page_output, setup

__all__ = ["PROFILES", "RunConfig", "prepare_page_output", "provenance", "publish", "setup"]
