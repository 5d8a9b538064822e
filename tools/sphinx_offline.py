"""Sphinx extension: keep the built site free of remote scripts.

Live figures (``scaffold.runtime.live``) need plotly.js: ``make plotly`` puts its
partial bundle in ``book/_static/plotly.min.js`` (the site's ``_static``), where
``_static/live.js`` loads it on the pages that have a live figure; a build without
it warns (an error under ``--warningiserror``).

Jupyter Book always loads sphinx-thebe, which writes the URL of its CDN build
into every page (used only if a "live code" button were pressed; the book has
none).  The site must not refer to any CDN, so this drops sphinx-thebe's
scripts from every page.
"""

from pathlib import Path

from sphinx.util import logging

logger = logging.getLogger(__name__)


def _drop_thebe(app, pagename, templatename, context, doctree):
    def remote(js) -> bool:
        body = getattr(js, "attributes", {}).get("body", "") or ""
        name = getattr(js, "filename", None) or ""
        return "THEBE_JS_URL" in body or "sphinx-thebe" in name or "://" in name

    if "script_files" in context:
        context["script_files"] = [js for js in context["script_files"] if not remote(js)]


def _check_plotly(app, exception):
    """The site's plotly.js (``make plotly`` puts it in book/_static) must be there: without it
    live figures keep their static images, silently."""
    if exception is not None or app.builder.format != "html":
        return
    if not (Path(app.outdir) / "_static" / "plotly.min.js").exists():
        logger.warning("_static/plotly.min.js is missing: live figures will not draw (run `make plotly`)")


def setup(app):
    app.connect("html-page-context", _drop_thebe, priority=900)
    app.connect("build-finished", _check_plotly)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
