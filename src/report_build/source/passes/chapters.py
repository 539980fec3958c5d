"""Chapters: the tree cut into the model's chapters, each with its sections and notes."""

from __future__ import annotations

from lxml import etree

from ...contract import CHAPTER_SECTION, NOTE_CALL, UNLISTED, UNTRANSLATED_NOTE
from ...errors import ManuscriptError
from ...model import Chapter, Footnote, Heading
from ..math import text_of
from ..tree import Context, close_empty, xhtml
from .headings import heading_lines


def chapters(root: etree._Element, ctx: Context, notes: list[Footnote]) -> list[Chapter]:
    """One :class:`Chapter` per ``section`` the treeprocessor made. Reads the headings (their
    ids, text without note calls, and source lines) and the note calls in each section; numbers
    the chapters that open with a ``#`` heading not marked ``.unnumbered``. Changes nothing but
    closing empty elements. A heading of class ``unlisted`` is kept in the text with its id,
    and marked not ``listed``: :mod:`report_build.navigation` leaves it out of the contents."""
    headings = heading_lines(ctx)
    sections = root.xpath(f"section[@class='{CHAPTER_SECTION}']")
    note_of = {note.ref_id: note for note in notes}
    texts = {element.get("id"): " ".join(_text(element).split()) for element in root.xpath("//h1[@id] | //h2[@id]")}
    marked = f"contains(concat(' ', normalize-space(@class), ' '), ' {UNLISTED} ')"
    unlisted = set(root.xpath(f"(//h1 | //h2)[{marked}]/@id"))
    found = []
    number = 0
    for index, section in enumerate(sections):
        mine = [h for h in headings if h[0].chapter == index]
        first = mine[0] if mine and mine[0][0].level == 1 else None
        numbered = first is not None and not section.xpath("h1[contains(@class, 'unnumbered')]")
        if numbered:
            number += 1
        chapter_notes = tuple(note_of[a.get("id")] for a in section.iter("a") if a.get("id") in note_of)
        close_empty(section)
        found.append(
            Chapter(
                index=index,
                id=first[0].id if first else f"part-{index + 1}",
                title=texts.get(first[0].id, first[0].text) if first else "",
                number=number if numbered else None,
                body=(section.text or "") + "".join(xhtml(child) for child in section),
                sections=tuple(
                    Heading(h.level, h.id, texts.get(h.id, h.text), line, listed=h.id not in unlisted)
                    for h, line in mine
                    if h.level == 2
                ),
                footnotes=chapter_notes,
                line=first[1] if first else None,
                ids=frozenset(section.xpath(".//@id")),
                listed=not (first is not None and first[0].id in unlisted),
            )
        )
    if not found:
        raise ManuscriptError("the manuscript has no text to publish", ctx.path, ctx.source.body_offset + 1)
    return found


def _text(element: etree._Element) -> str:
    """A heading's text without note calls or an untranslated passage's spoken note, a formula
    as its plain text."""
    parts = [element.text or ""]
    for child in element:
        if isinstance(child.tag, str) and etree.QName(child).localname == "math":
            parts.append(text_of(child))
        elif not (child.tag == "a" and child.get("class") == NOTE_CALL) and not (
            child.tag == "span" and child.get("class") == UNTRANSLATED_NOTE
        ):
            parts.append(_text(child))
        parts.append(child.tail or "")
    return "".join(parts)
