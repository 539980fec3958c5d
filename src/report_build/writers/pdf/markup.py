"""What WeasyPrint is given to lay out: the document's HTML from the shared templates, the
names of the layout stylesheets, and whether presentational hints are needed.

This module does not import WeasyPrint (the benchmark uses it to hand bare WeasyPrint the very
same input)."""

from __future__ import annotations

import re

import lxml.html

from ...model import Document
from ...theme import Theme, document_context
from . import dictionary_breaks
from .math import vector_formulas

# Attributes that WeasyPrint's presentational hints (HTML attributes such as <img width>,
# <ol start> or <table border> read as styles) never look at. Hints cost about 3 % of a render,
# so they are on only when some element has another attribute: the PDF is the same either way
# (tests check both).
PLAIN_ATTRIBUTES = frozenset(
    "id class title lang xml:lang dir role href hreflang src alt colspan rowspan headers scope span "  # noqa: SIM905
    "reversed datetime cite charset content name http-equiv rel xmlns epub:type".split()
)
STYLESHEETS = ("css/print.css", "css/custom.css")
RTL_STYLESHEET = "css/print-rtl.css"  # loaded after print.css for right-to-left languages


def render_html(doc: Document, theme: Theme, edition: str = "screen") -> str:
    """The HTML that WeasyPrint lays out (also what the benchmark hands bare WeasyPrint); its
    formulas drawn as vector graphics (:mod:`.math`), a break opportunity between the words of
    its Khmer, Lao and Burmese text (:mod:`.dictionary_breaks`)."""
    context = document_context(vector_formulas(doc), "pdf", edition, lambda ident: f"#{ident}")
    html = dictionary_breaks.in_html(theme.render("pdf.html", **context))
    return DECORATIVE.sub(_decorative, html)


# A decorative image (alt="", role="presentation") should be an artifact of a tagged PDF, which
# WeasyPrint 70 cannot write in PDF/UA-1: it tags every image as a Figure and refuses one
# without a text. Its text is one space: a screen reader reads nothing.
DECORATIVE = re.compile(r'<img\b[^>]*\brole="presentation"[^>]*>')


def _decorative(match: re.Match[str]) -> str:
    return match.group(0).replace('alt=""', 'alt=" "')


def stylesheet_names(doc: Document) -> tuple[str, ...]:
    """The layout stylesheets, in cascade order, for the document's writing direction."""
    if doc.metadata.direction == "rtl":
        return (STYLESHEETS[0], RTL_STYLESHEET, *STYLESHEETS[1:])
    return STYLESHEETS


def needs_presentational_hints(html: str) -> bool:
    """Whether any element has an attribute outside :data:`PLAIN_ATTRIBUTES` (written with a
    value or without, as in ``<td nowrap>``)."""
    try:
        root = lxml.html.document_fromstring(html)
    except (ValueError, lxml.etree.ParserError):
        return True  # cannot tell: keep the hints
    return any(
        not (name in PLAIN_ATTRIBUTES or name.startswith(("aria-", "data-", "xmlns:")))
        for element in root.iter()
        if isinstance(element.tag, str)
        for name in element.attrib
    )
