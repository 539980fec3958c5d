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

from weasyprint.formatting_structure import boxes

from . import __version__

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
    return sum(1 for ch in text if ch.isalnum())


def page_marks(document: Any) -> tuple[PageMark, ...]:
    """PageMarks for every page of a rendered WeasyPrint document that holds text or images."""
    pages = document.pages
    if not pages:
        return ()
    root = _root_element(pages[0]._page_box)
    parents = {child: parent for parent in root.iter() for child in parent} if root is not None else {}
    consumed: dict[Any, int] = {}
    marks = []
    for page in pages:
        folio = _folio(page._page_box)
        first: tuple[Any, int] | None = None
        for block, box in _flow(page._page_box):
            element = box.element
            if isinstance(box, boxes.TextBox):
                if "::" in str(box.element_tag) or _is_note_call(box):
                    continue  # generated content (markers, note calls) is not in the ePub's text
                count = alnum_count(box.text)
                if count == 0:
                    continue
                if first is None:
                    first = (block, consumed.get(block, 0))
                consumed[block] = consumed.get(block, 0) + count
            elif isinstance(box, boxes.ReplacedBox) and first is None and element is not None:
                first = (element, BEFORE)
        if first is None or not folio:
            continue
        mark = _locate(first[0], first[1], folio, parents)
        if mark is not None:
            marks.append(mark)
    return tuple(marks)


def _root_element(page_box: Any) -> Any:
    for child in page_box.children:
        if isinstance(child, boxes.BlockBox) and child.element is not None:
            element = child.element
            return element
    return None


def _flow(box: Any, block: Any = None) -> Iterator[tuple[Any, Any]]:
    """(nearest block element, box) for every box in the page's main flow, in order."""
    for child in getattr(box, "children", ()):
        if isinstance(child, (boxes.MarginBox, boxes.FootnoteAreaBox)):
            continue
        element = getattr(child, "element", None)
        inner = element if isinstance(child, boxes.BlockContainerBox) and element is not None else block
        if child.element_tag and "::" in str(child.element_tag):
            inner = block  # pseudo-elements belong to their element's block
        yield inner, child
        yield from _flow(child, inner)


def _is_note_call(box: Any) -> bool:
    return "footnote-call" in str(box.element_tag) or "footnote" in str(
        (box.element.get("class") if box.element is not None else "") or ""
    )


def _folio(page_box: Any) -> str:
    for child in page_box.children:
        if isinstance(child, boxes.MarginBox) and child.at_keyword.startswith("@bottom"):
            text = " ".join(b.text for b in _texts(child)).strip()
            if text:
                return text
    return ""


def _texts(box: Any) -> Iterator[Any]:
    for child in getattr(box, "children", ()):
        if isinstance(child, boxes.TextBox):
            yield child
        yield from _texts(child)


def _locate(element: Any, offset: int, folio: str, parents: dict[Any, Any]) -> PageMark | None:
    path: list[int] = []
    node = element
    while node is not None:
        classes = (node.get("class") or "").split()
        parent = parents.get(node)
        if node.tag == "section" and "chapter" in classes and parent is not None:
            chapters = [c for c in parent if c.tag == "section" and "chapter" in (c.get("class") or "").split()]
            return PageMark(folio, chapters.index(node), "", tuple(reversed(path)), offset)
        if node.tag in ("section", "nav") and node.get("id") and parent is not None and parent.tag == "div":
            return PageMark(folio, None, node.get("id"), tuple(reversed(path)), offset)
        if parent is None:
            return None
        path.append([c for c in parent if isinstance(c.tag, str)].index(node))
        node = parent
    return None


# -- cache: so that an ePub built on its own need not lay the document out again -----------


def cache_key(fingerprint: str, layout_dirs: tuple[Path, ...]) -> str:
    digest = hashlib.sha256(f"{__version__}|{fingerprint}".encode())
    for folder in layout_dirs:
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            digest.update(str(path.relative_to(folder)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:32]


def save(marks: tuple[PageMark, ...], path: Path) -> None:
    from .output import write_atomic

    write_atomic(path, json.dumps([asdict(m) for m in marks]).encode("utf-8"))


def load(path: Path) -> tuple[PageMark, ...] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return tuple(PageMark(m["label"], m["chapter"], m["section"], tuple(m["path"]), m["offset"]) for m in data)
    except (OSError, ValueError, KeyError, TypeError):
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
    if mark.offset == BEFORE:
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


def misplaced_notes(document: Any) -> list[tuple[str, int, int]]:
    """Footnotes printed on another page than their call: (note id, call page, note page), 1-based."""
    calls: dict[str, int] = {}
    notes: dict[str, int] = {}
    for number, page in enumerate(document.pages, 1):
        for box in _all_boxes(page._page_box):
            element = getattr(box, "element", None)
            if element is None or isinstance(box, boxes.FootnoteAreaBox):
                continue
            tag = str(box.element_tag)
            if tag.endswith("::footnote-call"):
                calls.setdefault(element.get("id") or "", number)
            elif element.get("class") == "footnote" and "::" not in tag:
                notes.setdefault(element.get("id") or "", number)
    return [(ident, calls[ident], page) for ident, page in notes.items() if ident in calls and calls[ident] != page]


def _all_boxes(box: Any) -> Iterator[Any]:
    yield box
    for child in getattr(box, "children", ()):
        yield from _all_boxes(child)
