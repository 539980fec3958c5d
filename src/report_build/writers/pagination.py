"""Print page numbers for the ePub: where each page of the PDF layout begins.

A page is located by the chapter it falls in, the path of child indexes from the chapter's
section to the block where its first line starts, and how many letters and digits of that
block came before it (a count that does not depend on whitespace or hyphenation). The ePub
writer inserts a page-break marker at the same place in the same markup.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from ..html_elements import VOID
from ..theme import folders_digest
from ..version import __version__

BEFORE = -1  # the mark goes before the element (a page that starts with an image)


@dataclass(frozen=True)
class PageMark:
    label: str  # the folio as printed: "iv", "14"
    chapter: int | None  # chapter index, or None for front and back matter
    section: str  # id of the enclosing front/back matter section when chapter is None
    path: tuple[int, ...]  # child element indexes from the chapter's (or section's) element to the block
    offset: int  # letters and digits of the block before the page starts; BEFORE for images

    @property
    def id(self) -> str:
        return f"page-{self.label}"


def alnum_count(text: str) -> int:
    return sum(map(str.isalnum, text))


# -- cached (cache.py), so that an ePub built on its own need not lay the document out again --


def cache_key(fingerprint: str, layout_dirs: tuple[Path, ...]) -> str:
    return hashlib.sha256(f"{__version__}|{fingerprint}|{folders_digest(layout_dirs)}".encode()).hexdigest()[:32]


def to_json(marks: tuple[PageMark, ...]) -> bytes:
    return json.dumps([asdict(m) for m in marks]).encode("utf-8")


def from_json(data: bytes | None) -> tuple[PageMark, ...] | None:
    """The page marks a cache entry holds, or None when there is none or it cannot be read."""
    if data is None:
        return None
    try:
        entries = json.loads(data)
        return tuple(PageMark(m["label"], m["chapter"], m["section"], tuple(m["path"]), m["offset"]) for m in entries)
    except (ValueError, KeyError, TypeError):
        return None


# -- the ePub side: put a marker where the page begins ------------------------------------


def place(mark: PageMark, anchor: Any, marker: Any, skip: Any) -> bool:
    """Insert ``marker`` into the tree under ``anchor`` where ``mark``'s page begins.

    ``skip(element)`` tells which elements' text is not counted (note calls). Returns False
    when the markup does not have the element the mark points at.
    """
    element = anchor
    for index in mark.path:
        children = [c for c in element if isinstance(c.tag, str)]
        if index >= len(children):
            return False
        element = children[index]
    local = element.tag.rsplit("}", 1)[-1] if isinstance(element.tag, str) else ""
    if mark.offset == BEFORE or local in VOID:  # a page that begins at an image: the marker goes before it
        element.addprevious(marker)
        return True
    remaining = mark.offset
    if remaining <= 0:
        marker.tail = element.text
        element.text = None
        element.insert(0, marker)
        return True
    return _place_in_text(element, remaining, marker, skip)


def _place_in_text(element: Any, remaining: int, marker: Any, skip: Any) -> bool:
    for node, attribute in _text_slots(element, skip):
        text = getattr(node, attribute) or ""
        count = alnum_count(text)
        if count < remaining:
            remaining -= count
            continue
        cut = _cut(text, remaining)
        setattr(node, attribute, text[:cut])
        marker.tail = text[cut:]
        if attribute == "text":
            node.insert(0, marker)
        else:
            node.addnext(marker)
        return True
    return False


def _cut(text: str, letters: int) -> int:
    """Index just after the ``letters``-th letter or digit, then past trailing spaces."""
    seen = 0
    for index, ch in enumerate(text):
        if ch.isalnum():
            seen += 1
            if seen == letters:
                cut = index + 1
                while cut < len(text) and not text[cut].isalnum() and not text[cut].isspace():
                    cut += 1  # keep punctuation on the page it ends
                while cut < len(text) and text[cut].isspace():
                    cut += 1
                return cut
    return len(text)


def _text_slots(element: Any, skip: Any) -> Iterator[tuple[Any, str]]:
    """(node, "text"|"tail") for every piece of text inside ``element``, in reading order."""
    if not skip(element):
        yield element, "text"
        for child in element:
            if isinstance(child.tag, str):
                yield from _text_slots(child, skip)
            yield child, "tail"
