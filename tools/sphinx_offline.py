"""Sphinx extension: keep the built site free of remote scripts.

Jupyter Book always loads sphinx-thebe, which writes the URL of its CDN build
into every page (used only if a "live code" button were pressed; the book has
none).  The site must not refer to any CDN, so this drops sphinx-thebe's
scripts from every page.
"""


def _drop_thebe(app, pagename, templatename, context, doctree):
    def remote(js) -> bool:
        body = getattr(js, "attributes", {}).get("body", "") or ""
        name = getattr(js, "filename", None) or ""
        return "THEBE_JS_URL" in body or "sphinx-thebe" in name or "://" in name

    if "script_files" in context:
        context["script_files"] = [js for js in context["script_files"] if not remote(js)]


def setup(app):
    app.connect("html-page-context", _drop_thebe, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
