"""One module (or package) per page of the book: what is specific to that page.

- :mod:`scaffold.chapters.intro`         -- book/00-intro.py
- :mod:`scaffold.chapters.architectures` -- book/01-architectures.py
- :mod:`scaffold.chapters.benchmarks`    -- book/02-benchmarks.py
- :mod:`scaffold.chapters.parameters`    -- book/03-parameters.py
- :mod:`scaffold.chapters.limitations`   -- book/04-limitations.py
- :mod:`scaffold.chapters.audit`         -- book/05-audit.py
- :mod:`scaffold.chapters.reproducing`   -- book/06-reproducing.py

A chapter holds only which results its page needs, which figures and tables it
draws and which facts it states; every computation is in the library, every
verdict in :mod:`scaffold.verdicts`.  A chapter on the page interface exposes
``page(cfg) -> Page`` and ``KEYS`` (the keys it produces, see
:mod:`scaffold.runtime.publish`), published by its notebook in one call,
``publish_page(chapter.page(cfg), "PREFIX")``; and, when it trains,
``grids(cfg)``: every sweep it needs, so that all chapters' sweeps can be planned
together.  Chapters import the library and the runtime, never each other.
"""
