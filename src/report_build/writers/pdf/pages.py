"""Reading WeasyPrint's layout: where each page begins, footnotes that left their call's page,
and where the chapters begin and how a parallel group's pages start and end.

Only the PDF writer imports this module (and WeasyPrint with it); the ePub side of page
numbers, and their cache, live in :mod:`report_build.pagination`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from weasyprint.formatting_structure import boxes

from ...contract import NOTE_INLINE
from ...errors import Diagnostics
from ..pagination import BEFORE, PageMark, alnum_count


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
        printed = folio(page._page_box)
        first: tuple[Any, int] | None = None
        for block, box in flow(page._page_box):
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
        if first is None or not printed:
            continue
        mark = _locate(first[0], first[1], printed, parents)
        if mark is not None:
            marks.append(mark)
    return tuple(marks)


def _root_element(page_box: Any) -> Any:
    for child in page_box.children:
        if isinstance(child, boxes.BlockBox) and child.element is not None:
            element = child.element
            return element
    return None


def flow(box: Any, block: Any = None) -> Iterator[tuple[Any, Any]]:
    """(nearest block element, box) for every box in the page's main flow, in order."""
    for child in getattr(box, "children", ()):
        if isinstance(child, (boxes.MarginBox, boxes.FootnoteAreaBox)):
            continue
        element = getattr(child, "element", None)
        inner = element if isinstance(child, boxes.BlockContainerBox) and element is not None else block
        if child.element_tag and "::" in str(child.element_tag):
            inner = block  # pseudo-elements belong to their element's block
        yield inner, child
        yield from flow(child, inner)


def _is_note_call(box: Any) -> bool:
    return "footnote-call" in str(box.element_tag) or NOTE_INLINE in str(
        (box.element.get("class") if box.element is not None else "") or ""
    )


def folio(page_box: Any) -> str:
    """The page number printed at the foot of a page ("" when none is)."""
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


def warn_misplaced(
    notes: Iterable[tuple[str, int, int]], source: Path, diagnostics: Diagnostics, before: int = 0
) -> None:
    """Warn about each footnote printed on another page than its call (:func:`misplaced_notes`),
    its pages counted after ``before`` pages (a parallel group's place in the joined PDF)."""
    for ident, call, page in notes:
        diagnostics.warn(
            f"PDF: footnote {ident[3:]} is printed on page {page + before}, not on page {call + before} with its call",
            source,
        )


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
            elif element.get("class") == NOTE_INLINE and "::" not in tag:
                notes.setdefault(element.get("id") or "", number)
    return [(ident, calls[ident], page) for ident, page in notes.items() if ident in calls and calls[ident] != page]


def _all_boxes(box: Any) -> Iterator[Any]:
    yield box
    for child in getattr(box, "children", ()):
        yield from _all_boxes(child)


def _chapter_boxes(page_box: Any) -> Iterator[Any]:
    """The boxes of the main matter's chapters on a page, in order (they sit a few levels down:
    html, body, the main matter)."""
    stack = [(page_box, 0)]
    while stack:
        box, depth = stack.pop()
        element = getattr(box, "element", None)
        if element is not None and element.tag == "section" and "chapter" in (element.get("class") or "").split():
            yield box
        elif depth < 6:
            stack.extend((child, depth + 1) for child in reversed(getattr(box, "children", ())))


def chapter_starts(document: Any) -> list[int]:
    """The page on which each chapter of the main matter begins."""
    starts, seen = [], set()
    for number, page in enumerate(document.pages):
        for box in _chapter_boxes(page._page_box):
            if box.element not in seen:
                seen.add(box.element)
                starts.append(number)
    return starts


def opens_recto(document: Any) -> bool:
    """Whether the first chapter's box asks for a recto (right-hand page, left-hand in right to
    left): only then does a group start where the single pass would (see :mod:`.groups`)."""
    for box in _chapter_boxes(document.pages[0]._page_box) if document.pages else ():
        wanted = box.style["break_before"]
        return wanted == "recto" or wanted == ("right" if box.style["direction"] == "ltr" else "left")
    return True  # no chapter: the first group, which starts the document


def ends_with_notes(document: Any) -> bool:
    """Whether the last page holds nothing but footnotes carried over from the page before (in
    the single pass they would share a page with what follows)."""
    if not document.pages:
        return False
    last = document.pages[-1]._page_box
    has_notes = any(isinstance(child, boxes.FootnoteAreaBox) and child.children for child in last.children)
    has_flow = any(isinstance(box, (boxes.TextBox, boxes.ReplacedBox)) for _block, box in flow(last))
    return has_notes and not has_flow
