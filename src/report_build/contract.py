"""The names the layouts and the code both rely on: the templates' contract.

A layout override may restyle anything, but these class names, roles and ids are read or
written by code as well as by templates and stylesheets: renaming one on either side alone
breaks the build or its output (footnotes that no longer float, a page map that finds no
chapter, an ePub without semantics). Each is named here once; code imports it from here, and
the templates in ``layouts/`` spell it as written here.
"""

from __future__ import annotations

import re

# -- written by the parser into chapter bodies, styled by print.css / epub.css ---------------

CHAPTER_SECTION = "rb-chapter"
"""Class of the ``<section>`` that holds one chapter while the parser cuts the tree."""

NOTE_CALL = "noteref"
"""Class of a footnote call (``<a class="noteref" role="doc-noteref">``)."""

NOTE_INLINE = "footnote"
"""Class of the ``<span>`` that carries a note inline in the PDF, for ``float: footnote``;
the page map finds notes and their calls by it."""


def note_id(number: int) -> str:
    """Id of footnote ``number``: the target of its calls (``fn-3``)."""
    return f"fn-{number}"


def note_call_id(number: int, repeat: int = 0) -> str:
    """Id of a call of footnote ``number``: ``fnref-3`` for the first, ``fnref-3-K`` for its K-th call (K >= 2)."""
    return f"fnref-{number}" if not repeat else f"fnref-{number}-{repeat}"


TABLE_WRAP = "table-wrap"
"""Class of the ``<div>`` around every table (``short`` too when it must not split)."""

TABLE_WIDE = "wide"
"""Also on the ``<div>`` around a table of many columns, which the page may not hold unless
its words break (print.css)."""

CHART_SCROLL = "chart-scroll"
"""Class of the ``<div>`` around a chart's image on the site: a region that scrolls sideways on a
narrow screen, where the chart keeps a width its labels can be read at (web.css)."""

TABLE_LABEL = "table-label"
"""Class of the numbered label ("Table 2") inside a table's caption."""


TAB_SET = "tab-set"
"""Class of the ``<div>`` around a set of content tabs (MkDocs ``=== "Label"``, Docusaurus
``<Tabs>``, Hugo ``{{< tabs >}}``): in every output its tabs follow one another, each a titled
passage, since a page or an e-reader has no tab to click."""

PAGE_BREAK = "page-break"
"""Class of an empty ``<div>`` where the manuscript asks for a new page (``\\newpage``,
``\\pagebreak``, Quarto's ``{{< pagebreak >}}``): print starts a page after it; screens ignore it."""

SUBFIGURES = "subfigures"
"""Class of the ``<div>`` that holds the figures of a figure (Quarto's ``::: {#fig-x}`` around
images), in place of its image; each is a ``figure`` of class :data:`SUBFIGURE`."""

SUBFIGURE = "subfigure"
"""Class of a figure inside a figure: unnumbered, its caption opening with its letter, "(a)";
a reference to it reads "Figure 2 (a)"."""

SUBFIGURE_LETTERS = "abcdefghijklmnopqrstuvwxyz"

VIDEO = "video"
"""Class of the ``<div>`` that stands for a video (Quarto's ``{{< video >}}``, Hugo's
``{{< youtube >}}``): a link to it, since neither a page nor an e-reader plays it."""

PASSAGE = "passage"
"""Class of a titled passage (``<div class="passage tab">``: one tab of a tab set; ``passage
component``: what an unknown MDX component wraps; ``passage embed``: a note embedded in another,
Obsidian's ``![[Note]]``); its title is the ``<p>`` of :data:`PASSAGE_TITLE`."""

PASSAGE_TITLE = "passage-title"

CALLOUT_COLLAPSIBLE = "collapsible"
"""Class of an admonition that a site shows closed (MkDocs ``???``): ``callout.html`` writes it as
``<details>``, open with ``???+``; the PDF always shows its content."""

UNLISTED = "unlisted"
"""Class of a heading left out of every contents (pandoc's and Quarto's ``{.unlisted}``): the
source stage reads it into ``Heading.listed`` and ``Chapter.listed``; print.css gives it no
bookmark, so the PDF's outline leaves it out as its contents page does (see navigation.py)."""

CHAPTER_UNLISTED = "chapter-unlisted"
"""Class ``chapter.html`` adds to the ``<section>`` of a chapter whose heading is unlisted:
print.css gives that chapter's sections no bookmark either."""

CODE_TITLE = "code-title"
"""Class of the file name or title written above a code block (```` ```js title="app.js" ````)."""

CODE_ANNOTATIONS = "code-annotations"
"""Class of the numbered list of notes that follows a code block with markers ``# (1)!``
(MkDocs Material's code annotations); each marker in the code is a ``<span class="code-annotation">``."""


def table_id(number: int) -> str:
    return f"table-{number}"


def figure_id(number: int) -> str:
    return f"figure-{number}"


CHART_DATA = "chart-data"
"""Class of the ``<details>`` after a chart that holds its data table (``chart-data.html``);
print.css leaves it out of the PDF, where the chart's own labels carry the numbers."""

CHART_DATA_TABLE = "chart-data-table"
"""Class of a chart's data table: not numbered as a table, not in the list of tables."""

DOWNLOAD = "download"
"""Class of a link to a file offered for download (a chart's data as CSV): the web edition
copies the file into the site; the ePub, which does not carry it, leaves the link out."""

MATH_DISPLAY = "math-display"
"""Class of the element around a displayed formula (``<span>`` inside a paragraph, ``<div>``
standing alone): the site lets it scroll sideways on its own, print centres it."""

EQUATION = "equation"
"""Class a displayed formula with a label adds: it is numbered, and its id is referred to."""

EQUATION_NUMBER = "equation-number"
"""Class of an equation's number, "(3)", after its formula: every layout sets it at the right."""

STATEMENT = "statement"
"""Class of a theorem-like statement (bookdown's ``{theorem}``, Quarto's ``::: {#thm-x}``): the
``<div>`` around it, with its kind ("theorem", "lemma", "proof"…) as a class beside it."""

STATEMENT_NAME = "statement-name"
"""Class of the paragraph that holds a statement's name ("Pythagorean") until its label is made."""

STATEMENT_LABEL = "statement-label"
"""Class of a statement's label at the start of its text: "**Theorem 2** (Pythagorean).",
"*Proof.*"."""

STATEMENT_NUMBER = "statement-number"
"""Class of a numbered statement's number inside its label: what references to it print."""

CALLOUT_PREFIXES = {"nte": "note", "tip": "tip", "wrn": "warning", "imp": "important", "cau": "caution"}
"""Quarto's callouts a reference names: the prefix of the id (``::: {#nte-x .callout-note}``,
``@nte-x``) and the kind it numbers, each kind on its own count through the report."""


def callout_kind(ident: str) -> str | None:
    """The kind of callout an id (or a reference's key) numbers by its prefix (``nte-x``: a
    note, :data:`CALLOUT_PREFIXES`), or None."""
    prefix, dash, _rest = ident.partition("-")
    return CALLOUT_PREFIXES.get(prefix) if dash else None


NUMBERED_CALLOUT = "callout-numbered"
"""Class a Quarto callout with such an id is read with (``::: {#nte-x .callout-note}``), until
it is numbered: another tool's callout whose id happens to start so (``{: .tip #tip-first}``)
is not."""

CALLOUT_NUMBER = "callout-number"
"""Class of a numbered callout's number in its title ("Note 2: Title"): what references to it print."""

MATH_SOURCE = "math-source"
"""Class of the ``<code>`` that shows a formula that could not be read, as it was written."""

XREF = "xref"
"""Class of a cross-reference (``<a class="xref" href="#fig-x">Figure 3</a>``)."""

XREF_PAGED = "xref-paged"
"""Class added to a cross-reference when ``page_references`` is on: print CSS adds " (p. 14)"
from its ``data-page`` word by ``target-counter``."""

XREF_IN_PARENTHESES = "xref-in-parentheses"
"""Also on a paged cross-reference written inside parentheses ("(@fig-x)"): print.css gives its
page after a comma, "(Figure 2, p. 5)", not in parentheses of its own."""

XREF_MISSING = "xref-missing"
"""Class of the ``?@fig-x`` shown for a reference that names nothing."""

CITATION = "citation"
"""Class of a citation link to its entry in the References."""

REFERENCES_ID = "references"
"""Id of the References chapter added at the end (or the ``::: {#refs}`` div that holds them)."""

REFS_DIV_ID = "refs"


UNTRANSLATED = "rb-untranslated"
"""Class of a passage a translated edition shows in the source language (no current translation):
it carries the source's ``lang`` and ``dir`` (source/passes/translate.py)."""

UNTRANSLATED_FLAGGED = "rb-untranslated-flagged"
"""Added to :data:`UNTRANSLATED` in drafts (every build but a release): the stylesheets mark it."""

UNTRANSLATED_NOTE = "rb-untranslated-note"
"""Class of the visually hidden words before such a passage, for screen readers ("Not yet
translated, in English:"); print.css leaves it out, the ePub and site hide it from sight only."""


def without_spoken_notes(markup: str) -> str:
    """``markup`` (a caption) without the words for screen readers before its untranslated
    passages: a list of figures or tables, or a plain-text label taken from a caption, shows
    the caption's text, where nothing would hide them."""
    return re.sub(rf'<span class="{UNTRANSLATED_NOTE}"[^>]*>[^<]*</span>', "", markup)


def reference_id(key: str) -> str:
    """Id of a bibliography entry: the target of its citations (``ref-smith2020``)."""
    return f"ref-{key}"


# -- written by the templates, read by code ------------------------------------------------

HISTORY_ID = "version-history"
"""Id of the closing version history (``history.html``); the contents link to it."""

LAYOUT_IDS = frozenset(
    {
        "cover",
        "titlepage",
        "abstract-title",
        "colophon",
        "contents",
        "contents-title",
        "list-of-figures",
        "list-of-figures-title",
        "list-of-tables",
        "list-of-tables-title",
        "toc",
        "toc-title",
        "page-list",
        "page-list-title",
        "landmarks",
        "landmarks-title",
        HISTORY_ID,
        f"{HISTORY_ID}-title",
        "update-notice",
    }
)
"""Ids the layouts give their own pages and parts (``layouts/*.html``, ``layouts/epub/*.xhtml``):
no heading or raw HTML id of the manuscript takes one (source/ids.py renames it, links follow)."""

# ARIA roles the shared templates use, and the EPUB structural semantics (``epub:type``) the
# ePub writer adds for each, so that one template serves the PDF's tags and the ePub.
ROLE_TYPES = {
    "doc-noteref": "noteref",
    "doc-footnote": "footnote",
    "doc-chapter": "chapter",
    "doc-toc": "toc",
    "doc-notice": "notice",
    "doc-pagebreak": "pagebreak",
    "doc-colophon": "colophon",
    "doc-bibliography": "bibliography",
    "doc-biblioref": "biblioref",
}
CHAPTER_ROLE = "doc-chapter"
"""Role of the element that opens a chapter (``chapter.html``); ePub page breaks go there."""

NOTE_CALL_ROLE = "doc-noteref"
PAGEBREAK_ROLE = "doc-pagebreak"
