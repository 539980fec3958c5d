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
    has the report itself as its one entry."""
    entries: list[Entry] = []
    for chapter in doc.chapters:
        sections = tuple(Entry(s.text, chapter.slug, s.id) for s in chapter.sections)
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
        Landmark("toc", "contents", contents_word, contents_word),
        Landmark("bodymatter", first.slug, str(strings.get("start", first_title)), first_title),
    )
    return Navigation(tuple(entries), landmarks)
