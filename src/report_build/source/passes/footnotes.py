"""Footnotes: Python-Markdown's footnote list becomes numbered calls and the model's notes."""

from __future__ import annotations

import re
from typing import NamedTuple

from lxml import etree

from ...contract import NOTE_CALL, NOTE_CALL_ROLE, note_call_id, note_id
from ...model import Footnote
from ..ids import Slugger
from ..tree import Context, drop, inner_xhtml, plain_text, xhtml

UNDEFINED_CALL = re.compile(r"\[\^([^\]\s]+)\]")


class Note(NamedTuple):
    """A note numbered and called; its body is still a tree, so that the passes after this one
    (links) reach the text of notes too. :func:`written` makes the model's notes of it."""

    number: int
    id: str
    ref_id: str
    call_html: str
    body: etree._Element  # the definition's ``li``, its back links removed
    line: int | None


Notes = dict[str, Note]


def footnotes(root: etree._Element, ctx: Context) -> Notes:
    """Number the notes in the order of their first call and replace each call with a link.

    Reads the footnote block Python-Markdown appends and every ``sup`` call; removes the block
    and the back links, and puts ``<a class="noteref">`` calls in place (``fnref-N`` for the first
    call of note N, ``fnref-N-K`` for its K-th call). Returns each note with its first call, by label.
    Faults, each a warning at its line, rendered around as GitHub shows them: a call without a
    definition stays as the text written (``[^label]``); a definition never called is left out;
    a note called only from inside another note is left out, and that call stays as written
    (a note cannot have notes of its own).
    A call shows its number in the document's digits (``ctx.digits``: "۳" in Persian), as the
    ePub and the site print it; its ids keep Latin digits.
    """
    definitions: dict[str, etree._Element] = {}
    in_notes = "ancestor::div[contains(concat(' ', @class, ' '), ' footnote ')]"
    called_in_text = {_label(sup) for sup in root.xpath(f"//sup[starts-with(@id, 'fnref')][not({in_notes})]")}
    nested_only: set[str] = set()
    for block in root.xpath("div[contains(concat(' ', @class, ' '), ' footnote ')]"):
        for sup in block.xpath(".//sup[starts-with(@id, 'fnref')]"):
            if _label(sup) not in called_in_text:
                nested_only.add(_label(sup))
                _as_written(sup, f"[^{_label(sup)}]")
        for item in block.xpath(".//li[starts-with(@id, 'fn:')]"):
            for back in item.xpath(".//a[contains(@class, 'footnote-backref')]"):
                parent, previous = back.getparent(), back.getprevious()
                drop(back, keep_tail=False)
                if previous is not None and previous.tail:
                    previous.tail = previous.tail.rstrip(" \u00a0")
                elif parent.text:
                    parent.text = parent.text.rstrip(" \u00a0")
            definitions[item.get("id")[3:]] = item
        block.getparent().remove(block)
    after: dict[str, int] = {}  # each call written after the one before it
    # text inside code is code: a regular expression such as [^,\\] is never a call
    for text_node in root.xpath("//text()[contains(., '[^')][not(ancestor::code or ancestor::pre)]"):
        for match in UNDEFINED_CALL.finditer(str(text_node)):
            written = match.group(0)
            line = ctx.source.find(written, after.get(written, 0) + 1)
            after[written] = line or after.get(written, 0)
            ctx.warn(f"footnote {written} is called but never defined; the text stays as written", line)

    numbers: dict[str, int] = {}
    calls: dict[str, int] = {}  # how often each note has been called so far
    note_ids: dict[str, str] = {}
    found: Notes = {}
    # generated ids never take one the manuscript gives (Python-Markdown's own calls are replaced)
    fresh = Slugger({i for i in root.xpath("//@id") if not re.match(r"fnref\d*:", i)})
    for sup in root.xpath("//sup[starts-with(@id, 'fnref')]"):
        label = _label(sup)
        if label not in definitions:
            continue
        first = label not in numbers
        number = numbers.setdefault(label, len(numbers) + 1)
        if first:
            note_ids[label] = fresh(note_id(number))
        call = etree.Element("a", {"class": NOTE_CALL, "href": f"#{note_ids[label]}", "role": NOTE_CALL_ROLE})
        calls[label] = calls.get(label, 0) + 1
        call.set("id", fresh(note_call_id(number, 0 if first else calls[label])))
        call.text = ctx.digits(number)  # as the PDF's counters print it; the ids stay ASCII
        call.tail = sup.tail
        sup.getparent().replace(sup, call)
        if first:
            found[label] = Note(
                number=number,
                id=note_ids[label],
                ref_id=call.get("id"),
                call_html=xhtml(call, tail=False),
                body=definitions[label],
                line=ctx.source.find(f"[^{label}]:"),
            )
    for label in definitions:
        if label in numbers:
            continue
        line = ctx.source.find(f"[^{label}]:")
        if label in nested_only:
            ctx.warn(
                f"footnote [^{label}] is called only from inside another footnote; a note cannot have "
                "notes of its own, so it is left out and the call stays as written: call it from the text, "
                "or write it into the other note",
                line,
            )
        else:
            ctx.warn(f"footnote [^{label}] is defined but never called; it is left out", line)
    return found


def written(notes: Notes) -> list[Footnote]:
    """The model's notes, each body's markup as the passes left it."""
    found = []
    for note in notes.values():
        body = note.body
        inline = " ".join(inner_xhtml(p) for p in body) if all(c.tag == "p" for c in body) else plain_text(body)
        found.append(
            Footnote(
                number=note.number,
                id=note.id,
                ref_id=note.ref_id,
                html="".join(xhtml(child) for child in body),
                inline_html=inline,
                call_html=note.call_html,
                line=note.line,
            )
        )
    return found


def _label(sup: etree._Element) -> str:
    """The label a Python-Markdown call (``<sup><a href="#fn:label">``) calls."""
    link = sup.find("a")
    return (link.get("href", "") if link is not None else "")[len("#fn:") :]


def _as_written(element: etree._Element, text: str) -> None:
    """Replace ``element`` with plain ``text`` (and its tail)."""
    parent, previous = element.getparent(), element.getprevious()
    joined = text + (element.tail or "")
    if previous is not None:
        previous.tail = (previous.tail or "") + joined
    else:
        parent.text = (parent.text or "") + joined
    parent.remove(element)
