"""The offline search index: one entry per section, built with the site.

Each entry is a section of a chapter (the chapter's opening text counts as one): its title,
the chapter's title, where it is (``chapter-02.html#an-unprecedented-offensive``) and its
plain text. The index is written as a script (``assets/search-index.js``) that sets one
global, because browsers refuse to fetch a JSON file from ``file://``; ``web/search.js`` in
the layouts reads it and ranks the entries. The script folds text and query alike (lower case,
no accents, no Arabic vowel marks or tatweel); :func:`fold` is the same rule in Python, for tests.
"""

from __future__ import annotations

import json
import unicodedata
from dataclasses import dataclass
from typing import Any

from ...model import Chapter, Document
from .markup import parse_fragment, text_of

SECTION_LEVELS = ("h1", "h2", "h3")
NOTE_CLASSES = ("footnotes", "sidenote")


@dataclass(frozen=True)
class Entry:
    title: str
    chapter: str
    href: str
    text: str


def entries(doc: Document) -> list[Entry]:
    """Every section of every chapter, in reading order."""
    found: list[Entry] = []
    for chapter in doc.chapters:
        found.extend(_chapter_entries(chapter, doc))
    return found


def _chapter_entries(chapter: Chapter, doc: Document) -> list[Entry]:
    root = parse_fragment(chapter.body, f"chapter {chapter.index + 1}", doc, chapter.line)
    page = f"{chapter.slug}.html"
    label = chapter.title or doc.metadata.title
    sections: list[tuple[str, str, list[str]]] = [(label, page, [])]
    for element in root:
        if not isinstance(element.tag, str):
            continue
        if element.tag in SECTION_LEVELS and element.get("id"):
            if element.tag == "h1":
                sections[-1] = (text_of(element) or label, page, sections[-1][2])
                continue
            sections.append((text_of(element), f"{page}#{element.get('id')}", []))
            continue
        sections[-1][2].append(_text(element))
    return [
        Entry(title, label, href, " ".join(t for t in texts if t))
        for title, href, texts in sections
        if title or any(texts)
    ]


def _text(element: Any) -> str:
    for note in element.xpath(".//*[@role='doc-noteref']"):
        note.text = ""
    return text_of(element)


def fold(text: str) -> str:
    """Lower case without accents, Arabic vowel marks or tatweel: what the script compares."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch) and ch != "\u0640")


def index_script(doc: Document) -> bytes:
    """``assets/search-index.js``: title, chapter, href and text of each entry (the script
    folds them as :func:`fold` does when it loads)."""
    items = [
        {"t": e.title, "c": e.chapter if e.chapter != e.title else "", "h": e.href, "x": e.text} for e in entries(doc)
    ]
    payload = json.dumps(items, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    return f"window.RB_SEARCH={payload};\n".encode()
