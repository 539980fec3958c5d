"""The ePub's navigation: the EPUB 3 navigation document, the NCX and the EPUB 2 guide, all
three from the report's one :class:`~report_build.navigation.Navigation`."""

from __future__ import annotations

from typing import Any

from ebooklib import epub

from ...model import Document
from ...navigation import Entry, Navigation
from ...theme import Theme
from .content import Page, parse_page


def _href(entry: Entry) -> str:
    return f"{entry.page}.xhtml" if entry.to_page else f"{entry.page}.xhtml#{entry.id}"


def nav_document(
    doc: Document,
    theme: Theme,
    context: dict[str, Any],
    sheets: list[str],
    navigation: Navigation,
    page_list: list[dict[str, str]],
) -> Any:
    """The EPUB 3 navigation document (parsed: :func:`.content.serialise` makes its bytes):
    contents, page list and landmarks."""
    toc = [
        {"label": e.label, "href": _href(e), "children": [{"label": c.label, "href": _href(c)} for c in e.children]}
        for e in navigation.contents
    ]
    landmarks = [{"type": m.kind, "href": f"{m.page}.xhtml", "label": m.label} for m in navigation.landmarks]
    markup = theme.render(
        "epub/nav.xhtml", **context, toc=toc, landmarks=landmarks, stylesheets=sheets, page_list=page_list
    )
    nav = Page("nav", str(theme.strings.get("contents", "Contents")), "epub/nav.xhtml", "")
    return parse_page(markup, nav, doc, theme)


def ncx(navigation: Navigation) -> list[Any]:
    """The same contents for the NCX (older reading systems). Its navPoint ids are numbered in
    reading order (``navpoint-3``; ebooklib names an entry with children ``sep_N``), never made
    from a heading's text: the NCX's ids must be XML names, which a heading id such as one
    holding an emoji's variation selector is not."""
    items: list[Any] = []
    number = 0

    def link(entry: Entry) -> epub.Link:
        nonlocal number
        number += 1
        return epub.Link(_href(entry), entry.label, f"navpoint-{number}")

    for entry in navigation.contents:
        parent = link(entry)
        if entry.children:
            items.append((parent, [link(child) for child in entry.children]))
        else:
            items.append(parent)
    return items


GUIDE_TYPES = {"cover": "cover", "toc": "toc", "bodymatter": "text"}  # EPUB 3 landmark -> EPUB 2 guide


def guide(navigation: Navigation) -> list[dict[str, str]]:
    """The same landmarks for the EPUB 2 guide, which names each page by its title."""
    return [
        {"type": GUIDE_TYPES[m.kind], "href": f"{m.page}.xhtml", "title": m.title}
        for m in navigation.landmarks
        if m.kind in GUIDE_TYPES
    ]
