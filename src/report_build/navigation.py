"""The report's navigation, built once from the document: the contents (chapters, their
sections, the version history) and the landmarks (cover, contents, start of the text).

Writers turn an entry into a link their own way (the ePub: ``chapter-02.xhtml#methods``);
every list a reader navigates by (the ePub's nav document, its NCX and guide, the website's
contents) comes from this one :class:`Navigation`, so they cannot disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .contract import HISTORY_ID
from .model import Document

HISTORY_PAGE = "history"


@dataclass(frozen=True)
class Entry:
    """One line of the contents: it leads to ``id`` on ``page`` (a chapter's slug, or
    ``history``); ``to_page`` when it goes to the page's start rather than to the id."""

    label: str
    page: str
    id: str
    to_page: bool = False
    children: tuple[Entry, ...] = ()


@dataclass(frozen=True)
class Landmark:
    """A place reading systems offer to jump to: ``kind`` is its EPUB 3 landmark type."""

    kind: str  # cover, toc, bodymatter
    page: str
    label: str  # what the landmark is called ("Start of the report")
    title: str  # the title of the page it leads to


@dataclass(frozen=True)
class Navigation:
    contents: tuple[Entry, ...]
    landmarks: tuple[Landmark, ...]


def navigation(doc: Document, strings: dict[str, Any]) -> Navigation:
    """Chapters and their sections, then the version history when there are releases. An
    untitled chapter lends its sections to the top level; a document with no headings at all
    (or none listed) has the report itself as its one entry.

    A heading marked ``{.unlisted}`` (``Heading.listed``, ``Chapter.listed``) is in no
    contents: not here, so not in the ePub's nav document, NCX or guide, nor the site's
    navigation; nor on the contents page (``contents.html`` reads the same flags) or in the
    PDF's outline (print.css gives it no bookmark). An unlisted chapter takes its sections with
    it, as pandoc drops an unlisted section's subsections. The heading stays in the text, with
    its id, so links and cross-references to it still land.

    Why the outline too: pandoc's own PDFs leave it out there (through LaTeX, hyperref makes
    bookmarks from contents lines, and an unlisted ``\\section*`` writes none; through Typst,
    ``outlined: false`` also turns the bookmark off), and the PDF's outline is the contents a
    PDF reader shows beside the pages. Unlike pandoc's HTML and LaTeX writers, which keep a
    heading listed while it has a number (the manual asks for ``.unnumbered .unlisted``), a
    numbered chapter marked ``.unlisted`` is left out too, as pandoc's Typst writer does: here
    chapters are numbered without ``--number-sections``, and the mark says what the author wants.
    The tagged PDF keeps the heading as a heading, for screen readers."""
    entries: list[Entry] = []
    for chapter in doc.chapters:
        if not chapter.listed:
            continue
        sections = tuple(Entry(s.text, chapter.slug, s.id) for s in chapter.sections if s.listed)
        if chapter.title:
            entries.append(Entry(chapter.title, chapter.slug, chapter.id, to_page=True, children=sections))
        else:
            entries.extend(sections)
    if not entries and doc.chapters:
        first = doc.chapters[0]
        entries.append(Entry(doc.metadata.title, first.slug, first.id, to_page=True))
    if doc.releases:
        label = str(strings.get("version_history", "Version history"))
        entries.append(Entry(label, HISTORY_PAGE, HISTORY_ID, to_page=True))
    first = doc.chapters[0]
    first_title = first.title or doc.metadata.title
    contents_word = str(strings.get("contents", "Contents"))
    landmarks = (
        Landmark("cover", "cover", str(strings.get("cover", "Cover")), str(strings.get("cover", "Cover"))),
        *([Landmark("toc", "contents", contents_word, contents_word)] if contents_page(doc) else []),
        Landmark("bodymatter", first.slug, str(strings.get("start", first_title)), first_title),
    )
    return Navigation(tuple(entries), landmarks)


def contents_page(doc: Document) -> bool:
    """Whether the report has a contents page: one that lists a chapter (titled, not unlisted)
    or the version history, or a list of figures or of tables the front matter asks for.
    Without one, nothing prints an empty "Contents" (``contents.html`` leaves its list out by
    the same rule), and the ePub has no contents landmark (its navigation document, the one
    contents left, is no page of the reading order, which a landmark must be)."""
    if any(chapter.title and chapter.listed for chapter in doc.chapters) or doc.releases:
        return True
    meta = doc.metadata
    figures = meta.list_of_figures and any(figure.number and figure.id for figure in doc.figures)
    return bool(figures or (meta.list_of_tables and any(table.id for table in doc.tables)))


def unlisted_ids(doc: Document) -> frozenset[str]:
    """The ids of the chapter and section headings :func:`navigation` leaves out (marked
    ``{.unlisted}``, or in an unlisted chapter): for a writer that finds headings in the text
    itself (the Word edition's contents)."""
    return frozenset(
        ident
        for chapter in doc.chapters
        for ident in ([chapter.id, *(s.id for s in chapter.sections)] if not chapter.listed else [])
        + [s.id for s in chapter.sections if not s.listed]
    )
