"""The site's pages, how they link to one another, and the navigation drawn on each.

Pages: ``index.html`` (the landing page), one ``chapter-NN.html`` per chapter (the same stems
as the ePub's files, so a section keeps its id and its chapter in both), ``history.html``
when the report has releases, and ``search.html``. Every href made here is relative to the
site's root folder, where every page lives, so the site works from any sub-path.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ...model import Chapter, Document
from ...navigation import Entry, navigation

EXTERNAL = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")
LANDING, CHAPTER, HISTORY, SEARCH = "landing", "chapter", "history", "search"


@dataclass(frozen=True)
class WebPage:
    """One HTML page of the site."""

    file: str  # "chapter-02.html", relative to the site's root
    kind: str  # landing, chapter, history or search
    chapter: Chapter | None = None

    @property
    def ident(self) -> str:
        return self.file.removesuffix(".html")


def site_pages(doc: Document) -> list[WebPage]:
    """Every page, in reading order: landing, chapters, version history, then search."""
    pages = [WebPage("index.html", LANDING)]
    pages += [WebPage(f"{chapter.slug}.html", CHAPTER, chapter) for chapter in doc.chapters]
    if doc.releases:
        pages.append(WebPage("history.html", HISTORY))
    pages.append(WebPage("search.html", SEARCH))
    return pages


def page_of(doc: Document, ident: str) -> str | None:
    """The page that holds the element with id ``ident``, or None."""
    chapter = doc.chapter_of(ident)
    if chapter is not None:
        return f"{chapter.slug}.html"
    if ident == "version-history" and doc.releases:
        return "history.html"
    return None


def linker(doc: Document) -> Callable[[str], str]:
    """``link(id)`` for the templates: a chapter's own id links to its page, any other id to
    its fragment on the page that holds it."""

    def link(ident: str) -> str:
        chapter = doc.chapter_of(ident)
        if chapter is not None:
            return f"{chapter.slug}.html" if ident == chapter.id else f"{chapter.slug}.html#{ident}"
        if ident == "version-history" and doc.releases:
            return "history.html"
        return f"#{ident}"

    return link


def resolve(href: str, page: WebPage, page_ids: set[str], doc: Document) -> str | None:
    """Where a link written in the manuscript goes on the site; None when it goes nowhere.

    External links (``https:``, ``mailto:`` ...) are kept; ``#id`` stays on the page when the
    page holds it and otherwise goes to the page that does.
    """
    href = href.strip()
    if not href or EXTERNAL.match(href):
        return href
    if href.startswith("#"):
        target = href[1:]
        if target in page_ids:
            return href
        other = page_of(doc, target)
        if other is None:
            return None
        if page.chapter is not None and other == page.file:
            return href
        return other if target == getattr(doc.chapter_of(target), "id", None) else f"{other}#{target}"
    return href


def neighbours(pages: list[WebPage], page: WebPage) -> tuple[WebPage | None, WebPage | None]:
    """Previous and next page in reading order (search is outside it)."""
    order = [p for p in pages if p.kind != SEARCH]
    if page not in order:
        return None, None
    at = order.index(page)
    return (order[at - 1] if at > 0 else None), (order[at + 1] if at + 1 < len(order) else None)


def page_label(page: WebPage, doc: Document, strings: dict[str, Any]) -> str:
    """A page's name in navigation and in its <title>."""
    if page.kind == CHAPTER and page.chapter is not None:
        return page.chapter.title or doc.metadata.title
    if page.kind == HISTORY:
        return str(strings.get("version_history", "Version history"))
    if page.kind == SEARCH:
        return str(strings.get("search", "Search"))
    return doc.metadata.title


def contents(doc: Document, page: WebPage, strings: dict[str, Any]) -> list[dict[str, Any]]:
    """The report's contents for a page's side navigation, from the one navigation list the
    ePub uses too: every entry, and the sections of the current chapter only (expanded where
    the reader is)."""

    def href(entry: Entry) -> str:
        return f"{entry.page}.html" if entry.to_page else f"{entry.page}.html#{entry.id}"

    entries = []
    for entry in navigation(doc, strings).contents:
        current = entry.to_page and entry.page == page.ident
        chapter = doc.chapter_of(entry.id) if entry.to_page else None
        children = [{"label": c.label, "href": href(c)} for c in entry.children]
        entries.append(
            {
                "label": entry.label,
                "href": href(entry),
                "number": chapter.number if chapter is not None else None,
                "current": current,
                "children": children if current else [],
            }
        )
    return entries
