"""tools/sphinx_images.py: a page's inline figures become files, fetched lazily; files no
page refers to any more are removed."""
from __future__ import annotations

import base64
import re
import importlib.util
import sys
from pathlib import Path

TOOLS = Path(__file__).resolve().parents[1] / "tools"
_spec = importlib.util.spec_from_file_location("tools_sphinx_images", TOOLS / "sphinx_images.py")
images = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = images
_spec.loader.exec_module(images)

PNG_A = b"\x89PNG\r\n\x1a\n" + b"A" * 300
PNG_B = b"\x89PNG\r\n\x1a\n" + b"B" * 300


def _img(data: bytes, cls: str, extra: str = "") -> str:
    return (f'<img class="{cls}" src="data:image/png;base64,{base64.b64encode(data).decode()}" '
            f'alt="a figure"{extra}>')


def _uri(path: str) -> str:
    return "../" + path  # a page one folder below the site's root


def test_inline_figures_become_lazy_files_named_by_content(tmp_path):
    body = ("<p>text</p>" + _img(PNG_A, "fig-wide fig-light") + _img(PNG_B, "fig-narrow fig-light")
            + _img(PNG_A, "fig-wide fig-dark", ' data-min-text-px="9.5"') + '<img src="plain.png" alt="x">')
    out, n = images.externalize(body, tmp_path, _uri)
    assert n == 3
    assert "data:image" not in out
    files = sorted((tmp_path / images.FOLDER).iterdir())
    assert sorted(f.read_bytes() for f in files) == [PNG_A, PNG_B]  # the same image is one file
    for f in files:
        assert f'src="../{images.FOLDER}/{f.name}"' in out
    # every rewritten tag keeps its attributes and is fetched lazily; the plain image is untouched
    assert out.count('<img loading="lazy" decoding="async" class="fig-') == 3
    assert 'data-min-text-px="9.5"' in out and out.count('alt="a figure"') == 3
    assert out.endswith('<img src="plain.png" alt="x">') and out.startswith("<p>text</p>")
    # the name follows the content: a changed figure is a new file, the same one the same file
    src = lambda html: re.findall(r'src="([^"]+)"', html)  # noqa: E731
    again, _ = images.externalize(_img(PNG_A, "c"), tmp_path, _uri)
    assert src(again) == src(out)[:1]
    assert len(list((tmp_path / images.FOLDER).iterdir())) == 2


def test_a_png_keeps_its_room_before_it_loads(tmp_path):
    png = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\x0dIHDR" + (1423).to_bytes(4, "big") + (611).to_bytes(4, "big") + b"rest"
    assert images.png_size(png) == (1423, 611) and images.png_size(PNG_A) is None
    out, _ = images.externalize(_img(png, "c", ' data-natural-width="1423"'), tmp_path, _uri)
    assert ' width="1423" height="611"' in out
    sized, _ = images.externalize(_img(png, "c", ' width="700"'), tmp_path, _uri)
    assert "height=" not in sized  # a tag that sets its own size keeps it


def test_a_tag_that_asks_for_its_own_loading_keeps_it(tmp_path):
    out, n = images.externalize(_img(PNG_A, "c", ' loading="eager"'), tmp_path, _uri)
    assert n == 1 and 'loading="eager"' in out and 'loading="lazy"' not in out


def test_prune_removes_files_no_page_refers_to(tmp_path):
    page, _ = images.externalize(_img(PNG_A, "c"), tmp_path, _uri)
    (tmp_path / "book").mkdir()
    (tmp_path / "book" / "page.html").write_text(f"<html><body>{page}</body></html>")
    images.externalize(_img(PNG_B, "c"), tmp_path, _uri)  # written, then no page keeps it
    assert len(list((tmp_path / images.FOLDER).iterdir())) == 2
    assert images.prune(tmp_path) == 1
    (kept,) = (tmp_path / images.FOLDER).iterdir()
    assert kept.read_bytes() == PNG_A
    assert images.prune(tmp_path / "elsewhere") == 0  # no folder: nothing to do
