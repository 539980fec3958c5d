"""Footnotes: Python-Markdown's footnote list becomes numbered calls and the model's notes."""

from __future__ import annotations

import re

from lxml import etree

from ...contract import NOTE_CALL, NOTE_CALL_ROLE, note_call_id, note_id
from ...model import Footnote
from ..ids import Slugger
from ..tree import Context, drop, inner_xhtml, plain_text, xhtml

UNDEFINED_CALL = re.compile(r"\[\^([^\]\s]+)\]")

Notes = dict[str, tuple[Footnote, etree._Element]]


def footnotes(root: etree._Element, ctx: Context) -> Notes:
    """Number the notes in the order of their first call and replace each call with a link.

    Reads the footnote block Python-Markdown appends and every ``sup`` call; removes the block
    and the back links, and puts ``<a class="noteref">`` calls in place (``fnref-N`` for the first
    call of note N, ``fnref-N-K`` for its K-th call). Returns each note with its first call, by label.
    A call without a definition, a definition never called, and a note called only from another
    note are errors at their line.
    """
    definitions: dict[str, etree._Element] = {}
    called_in_notes: set[str] = set()
    for block in root.xpath("div[contains(concat(' ', @class, ' '), ' footnote ')]"):
        for link in block.xpath(".//sup[starts-with(@id, 'fnref')]/a[starts-with(@href, '#fn:')]"):
            called_in_notes.add(link.get("href")[len("#fn:") :])
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
    # text inside code is code: a regular expression such as [^,\\] is never a call
    for text_node in root.xpath("//text()[contains(., '[^')][not(ancestor::code or ancestor::pre)]"):
        match = UNDEFINED_CALL.search(str(text_node))
        if match:
            label = match.group(1)
            raise ctx.fail(f"footnote [^{label}] is called but never defined", f"[^{label}]")

    numbers: dict[str, int] = {}
    calls: dict[str, int] = {}  # how often each note has been called so far
    note_ids: dict[str, str] = {}
    found: Notes = {}
    # generated ids never take one the manuscript gives (Python-Markdown's own calls are replaced)
    fresh = Slugger({i for i in root.xpath("//@id") if not re.match(r"fnref\d*:", i)})
    for sup in root.xpath("//sup[starts-with(@id, 'fnref')]"):
        link = sup.find("a")
        label = (link.get("href", "") if link is not None else "")[len("#fn:") :]
        if label not in definitions:
            continue
        first = label not in numbers
        number = numbers.setdefault(label, len(numbers) + 1)
        if first:
            note_ids[label] = fresh(note_id(number))
        call = etree.Element("a", {"class": NOTE_CALL, "href": f"#{note_ids[label]}", "role": NOTE_CALL_ROLE})
        calls[label] = calls.get(label, 0) + 1
        call.set("id", fresh(note_call_id(number, 0 if first else calls[label])))
        call.text = str(number)
        call.tail = sup.tail
        sup.getparent().replace(sup, call)
        if first:
            item = definitions[label]
            html = "".join(xhtml(child) for child in item)
            inline = " ".join(inner_xhtml(p) for p in item) if all(c.tag == "p" for c in item) else plain_text(item)
            note = Footnote(
                number=number,
                id=note_ids[label],
                ref_id=call.get("id"),
                html=html,
                inline_html=inline,
                call_html=xhtml(call, tail=False),
                line=ctx.source.find(f"[^{label}]:"),
            )
            found[label] = (note, call)
    for label in definitions:
        if label not in numbers and label in called_in_notes:
            raise ctx.fail(
                f"footnote [^{label}] is called only from inside another footnote; a note cannot have "
                "notes of its own: call it from the text, or write it into the other note",
                f"[^{label}]:",
            )
        if label not in numbers:
            raise ctx.fail(f"footnote [^{label}] is defined but never called", f"[^{label}]:")
    return found
