"""One module per page of the book: that chapter's computations, figures and facts.

- :mod:`scaffold.chapters.intro`         -- book/00-intro.py
- :mod:`scaffold.chapters.architectures` -- book/01-architectures.py
- :mod:`scaffold.chapters.benchmarks`    -- book/02-benchmarks.py
- :mod:`scaffold.chapters.parameters`    -- book/03-parameters.py
- :mod:`scaffold.chapters.limitations`   -- book/04-limitations.py
- :mod:`scaffold.chapters.audit`         -- book/05-audit.py
- :mod:`scaffold.chapters.reproducing`   -- book/06-reproducing.py

Each exposes ``facts(...) -> dict`` (plain data that the page publishes with one
:func:`scaffold.runtime.publish` call) and, when it trains, ``grids(cfg)``: every
sweep it needs, so that all chapters' sweeps can be planned together.
Chapters import the library and the runtime, never each other in a circle.
"""
