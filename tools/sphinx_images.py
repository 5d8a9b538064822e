"""Sphinx extension: a page's figures are image files, fetched when shown.

A section's figures reach the page inside its notebook's outputs, as PNGs written
into the HTML (``data:`` URIs): each static figure in four renditions (wide or
narrow, light or dark: :mod:`scaffold.runtime.static`), of which the page's CSS shows
one.  Inline, every reader downloads all four with the page before any of it shows:
the benchmarks and audit pages weighed about 8.5 MB each, and three of every four
images in them were renditions that reader never sees.

Here each inline image of a page's body is written once to ``_images/inline/``
under a name made from its content (a changed figure gets a new name, so no browser
shows a stale copy), and the page points to that file with ``loading="lazy"`` and
its size in pixels (the page keeps room for it and does not move when it arrives;
the site's CSS scales it with ``height: auto``).  A browser then fetches only the
images it lays out -- the rendition the reader's screen and theme show -- as they
scroll into view.  The notebooks keep their inline images, so an ``.ipynb`` opened
on its own still shows them.  Files no page refers to any more are removed when the
build ends.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
import re
from pathlib import Path

#: Where the files go, under the site's root.
FOLDER = "_images/inline"
#: An ``<img>`` tag whose ``src`` is an inline image.
_IMG = re.compile(r'(<img\b[^>]*?\bsrc=")data:image/(png|jpeg|gif|webp);base64,([A-Za-z0-9+/=\s]+)("[^>]*>)')
#: A file of FOLDER named in a page.
_REF = re.compile(re.escape(FOLDER) + r'/([0-9a-f]{20}\.(?:png|jpeg|gif|webp))')


def png_size(data: bytes) -> tuple[int, int] | None:
    """(width, height) in pixels of a PNG, from its header; None for anything else."""
    if data[:8] != b"\x89PNG\r\n\x1a\n" or data[12:16] != b"IHDR":
        return None
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


def externalize(body: str, outdir: Path, uri) -> tuple[str, int]:
    """``body`` with each inline image of an ``<img>`` tag written to a file of ``outdir``
    and referred to as ``uri(path under the site's root)``, fetched lazily; and how many."""
    n = 0

    def swap(m: re.Match) -> str:
        nonlocal n
        head, kind, payload, tail = m.groups()
        try:
            data = base64.b64decode(payload)
        except (binascii.Error, ValueError):
            return m.group(0)  # not decodable: left as it was
        name = f"{hashlib.sha256(data).hexdigest()[:20]}.{kind}"
        path = outdir / FOLDER / name
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(f".{os.getpid()}.tmp")  # parallel writers: write, then rename
            tmp.write_bytes(data)
            os.replace(tmp, path)
        tag = head + uri(f"{FOLDER}/{name}") + tail
        extra = "" if " loading=" in tag else ' loading="lazy" decoding="async"'
        size = png_size(data)
        if size and not re.search(r"\s(width|height)=", tag):
            # room kept for it before it loads: the text below does not move when it arrives
            extra += f' width="{size[0]}" height="{size[1]}"'
        tag = "<img" + extra + tag[len("<img"):]
        n += 1
        return tag

    return _IMG.sub(swap, body), n


def _page(app, pagename, templatename, context, doctree):
    if app.builder.format != "html" or "body" not in context:
        return
    pathto = context["pathto"]
    context["body"], _ = externalize(context["body"], Path(app.outdir), lambda p: pathto(p, 1))


def referenced(outdir: Path) -> set[str]:
    """Names of the files of FOLDER that some page of the built site refers to."""
    names: set[str] = set()
    for page in Path(outdir).rglob("*.html"):
        names.update(_REF.findall(page.read_text(encoding="utf-8", errors="replace")))
    return names


def prune(outdir: Path) -> int:
    """Remove the files of FOLDER no page refers to (figures of earlier builds); how many."""
    folder = Path(outdir) / FOLDER
    if not folder.is_dir():
        return 0
    keep = referenced(outdir)
    gone = 0
    for f in folder.iterdir():
        if f.name not in keep:
            f.unlink()
            gone += 1
    return gone


def _finished(app, exception):
    if exception is None and app.builder.format == "html":
        prune(Path(app.outdir))


def setup(app):
    app.connect("html-page-context", _page, priority=950)
    app.connect("build-finished", _finished)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
