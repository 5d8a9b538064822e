"""Sphinx extension: what MyST-NB and sphinxcontrib-bibtex leave for a reader to fix.

- **Numbered tables.** ``{glue:figure}`` with ``:figclass: table`` wraps a glued
  table (:mod:`scaffold.runtime.tables`) in a figure; here it becomes a
  :class:`table_figure`, counted and labelled as a *Table* (``numfig``); CSS shows its
  caption above the table.  ``{numref}`` to it reads "Table N".
- **Alt text.** An image placed by ``{glue:figure}`` has no alt, so HTML shows its
  file path; a live figure's static image has an empty one.  Both get the
  caption's text.
- **Author-year bibliography.** The citations read "Nicolini (2024)"; the list's
  labels now match ("Nicolini 2024", not "[Nic24]"): ``bibtex_default_style: authoryear``.
- **Hidden set-up cells.** Papermill's injected parameters cell carries only the
  tag ``injected-parameters``; it gets ``remove-cell`` here, as the section's own
  ``parameters`` cell has in the source, so neither shows on the page.
- **One style.** ``_static/scaffold-style.css`` is written from
  :func:`scaffold.palette.css` (re-exported by :mod:`scaffold.runtime.style`) so model
  and verdict colours have one source.  That module imports nothing heavy: importing
  ``scaffold.runtime`` here (torch, scikit-learn) took most of a no-op build.
"""

from __future__ import annotations

import codecs
import html
import re
from collections import Counter
from pathlib import Path

from docutils import nodes
from latexcodec import codec as latex_codec
from pybtex.plugin import register_plugin
from pybtex.style.formatting.unsrt import Style as UnsrtStyle
from pybtex.style.labels import BaseLabelStyle
from sphinx.transforms import SphinxTransform

STYLE_CSS = "scaffold-style.css"


class table_figure(nodes.figure):
    """A figure that holds a table: numbered in the "table" sequence."""


def _visit(self, node):
    self.visit_figure(node)


def _depart(self, node):
    self.depart_figure(node)


class ReadableFigures(SphinxTransform):
    """Tables out of figures, and alt text from captions."""

    default_priority = 500

    def apply(self, **kwargs):
        for fig in list(self.document.findall(nodes.figure)):
            captions = [c for c in fig.children if isinstance(c, nodes.caption)]
            text = captions[0].astext() if captions else ""
            if text:
                for img in fig.findall(nodes.image):
                    if not img.get("alt") or img.get("alt") == img.get("uri"):
                        img["alt"] = text
                for raw in fig.findall(nodes.raw):
                    if "data-alt-from-caption" in raw.astext():
                        alt = html.escape(text, quote=True)  # a function: a caption may hold backslashes
                        new = re.sub(r'alt=""(\s+data-alt-from-caption)',
                                     lambda m, alt=alt: f'alt="{alt}"{m.group(1)}', raw.astext())
                        raw.replace(raw.children[0], nodes.Text(new))
            if "table" in fig["classes"] and not isinstance(fig, table_figure):
                # The caption stays last (HTML closes <figcaption> at the figure's end);
                # the CSS shows it above the table.
                tab = table_figure(fig.rawsource, *fig.children, **fig.attributes)
                fig.replace_self(tab)
                for node_id in tab["ids"]:  # {numref} looks the label's node up here
                    self.document.ids[node_id] = tab


# --- bibliography labels ----------------------------------------------------------

def _surname(person) -> str:
    name = " ".join(person.prelast_names + person.last_names)
    return codecs.decode(name, "ulatex").replace("{", "").replace("}", "")


class AuthorYearLabels(BaseLabelStyle):
    """'Jaeger 2001', 'Rahimi and Recht 2007', 'Maass et al. 2002' (a, b on a tie)."""

    def format_labels(self, sorted_entries):
        labels = []
        for entry in sorted_entries:
            people = [_surname(p) for p in entry.persons.get("author", entry.persons.get("editor", []))]
            who = (people[0] if len(people) == 1 else " and ".join(people) if len(people) == 2
                   else f"{people[0]} et al." if people else entry.key)
            labels.append(f"{who} {entry.fields.get('year', 'n.d.')}")
        seen, count = Counter(), Counter(labels)
        for label in labels:
            if count[label] > 1:
                seen[label] += 1
                label += "abcdefghijklmnopqrstuvwxyz"[seen[label] - 1]
            yield label


class AuthorYearStyle(UnsrtStyle):
    default_label_style = "authoryear"
    default_sorting_style = "author_year_title"


# --- cells that only set a section up ----------------------------------------------

#: Cells with any of these tags are not rendered (their outputs, if any, still feed glue).
HIDDEN_TAGS = ("parameters", "injected-parameters")


def _hide_setup_cells(app, docname, source):
    """Add ``remove-cell`` to the parameters cells of an executed notebook (source-read)."""
    if not str(app.env.doc2path(docname)).endswith(".ipynb"):
        return
    import json

    nb = json.loads(source[0])
    changed = False
    for cell in nb.get("cells", []):
        tags = cell.get("metadata", {}).get("tags", [])
        if any(t in tags for t in HIDDEN_TAGS) and "remove-cell" not in tags:
            cell["metadata"]["tags"] = [*tags, "remove-cell"]
            changed = True
    if changed:
        source[0] = json.dumps(nb)


# --- style sheet from the library --------------------------------------------------

def _write_style(app, exception):
    if exception is not None or app.builder.format != "html":
        return
    from scaffold.palette import css

    out = Path(app.outdir) / "_static" / STYLE_CSS
    out.parent.mkdir(parents=True, exist_ok=True)
    text = css()
    if not out.exists() or out.read_text() != text:
        out.write_text(text)


def setup(app):
    latex_codec.register()  # the "ulatex" codec that turns Natschl{\"a}ger into Natschläger
    register_plugin("pybtex.style.labels", "authoryear", AuthorYearLabels, force=True)
    register_plugin("pybtex.style.formatting", "authoryear", AuthorYearStyle, force=True)
    app.add_enumerable_node(table_figure, "table", html=(_visit, _depart))
    app.add_transform(ReadableFigures)
    app.add_css_file(STYLE_CSS)
    app.connect("build-finished", _write_style)
    app.connect("source-read", _hide_setup_cells)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
