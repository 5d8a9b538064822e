"""Sphinx extension: keep the built site free of remote scripts.

Live figures (``scaffold.runtime.live``) need plotly.js: the copy bundled in the
pinned plotly package is written once into the site's ``_static/plotly.min.js``,
where ``_static/live.js`` loads it on the pages that have a live figure.

Jupyter Book always loads sphinx-thebe, which writes the URL of its CDN build
into every page (used only if a "live code" button were pressed; the book has
none).  The site must not refer to any CDN, so this drops sphinx-thebe's
scripts from every page.
"""

import shutil
from pathlib import Path


def _drop_thebe(app, pagename, templatename, context, doctree):
    def remote(js) -> bool:
        body = getattr(js, "attributes", {}).get("body", "") or ""
        name = getattr(js, "filename", None) or ""
        return "THEBE_JS_URL" in body or "sphinx-thebe" in name or "://" in name

    if "script_files" in context:
        context["script_files"] = [js for js in context["script_files"] if not remote(js)]


def _copy_plotly(app, exception):
    """plotly.min.js from the installed plotly package into _static (the version requirements.txt pins)."""
    if exception is not None or app.builder.format != "html":
        return
    import plotly

    src = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    dst = Path(app.outdir) / "_static" / "plotly.min.js"
    if not dst.exists() or dst.stat().st_size != src.stat().st_size:
        dst.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src, dst)


def setup(app):
    app.connect("html-page-context", _drop_thebe, priority=900)
    app.connect("build-finished", _copy_plotly)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
