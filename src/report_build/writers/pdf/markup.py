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
    its Khmer, Lao and Burmese text (:mod:`.dictionary_breaks`), the items of a reversed list
    numbered (:func:`reversed_lists`)."""
    context = document_context(vector_formulas(doc), "pdf", edition, lambda ident: f"#{ident}")
    html = dictionary_breaks.in_html(theme.render("pdf.html", **context))
    return reversed_lists(DECORATIVE.sub(_decorative, html))


REVERSED = re.compile(r"<ol\b[^>]*?\sreversed(?=[\s=/>])")
LIST_TAG = re.compile(r"<(/?)(ol|ul|li)\b([^>]*)>")


def _number(attributes: str, name: str) -> int | None:
    found = re.search(rf'(?:^|\s){name}="(-?[0-9]+)"', attributes)
    return int(found.group(1)) if found else None


def reversed_lists(html: str) -> str:
    """Each item of an ``<ol reversed>`` given the ``value`` a browser shows it with (down from
    ``start``, or from the number of items; an item's own ``value`` restarts the count), which
    WeasyPrint reads: it numbers a reversed list upwards otherwise. The ePub and the site leave
    ``reversed`` to the reading system."""
    if not REVERSED.search(html):
        return html
    edits: list[tuple[int, int]] = []  # (where to write value="...", the value)
    stack: list[tuple[bool, int | None, list[tuple[int, int | None]]]] = []  # reversed, start, items
    for tag in LIST_TAG.finditer(html):
        closing, name, attributes = tag.group(1), tag.group(2), tag.group(3)
        if name == "li":
            if not closing and stack:
                stack[-1][2].append((tag.start() + 3, _number(attributes, "value")))
        elif not closing:
            reversed_ = name == "ol" and re.search(r"(?:^|\s)reversed(?=[\s=/]|$)", attributes) is not None
            stack.append((reversed_, _number(attributes, "start"), []))
        elif stack:
            reversed_, start, items = stack.pop()
            if reversed_:
                value = start if start is not None else len(items)
                for where, own in items:
                    value = own if own is not None else value
                    if own is None:
                        edits.append((where, value))
                    value -= 1
    parts, last = [], 0
    for where, value in sorted(edits):
        parts += [html[last:where], f' value="{value}"']
        last = where
    return "".join([*parts, html[last:]])


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
