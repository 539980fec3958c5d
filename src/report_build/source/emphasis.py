"""Emphasis and strong emphasis delimited as GitHub (CommonMark) delimits them.

Python-Markdown pairs runs of ``*`` and ``_`` by delimiter runs, as CommonMark does, but decides
which runs may open or close by spaces and word characters alone, and nests ``***both***`` the
other way round. :class:`Emphasis` keeps its pairing and changes those two things:

- a run opens or closes by CommonMark's flanking rules, punctuation included: ``a*"quoted"*``
  and ``*(*x)`` stay as written, since a run between a letter and punctuation opens nothing
  (``_`` is stricter: it never opens or closes inside a word, ``snake_case_name``);
- ``***both***`` is emphasis around strong emphasis (``<em><strong>``), as GitHub nests it.

Invariant: the pairing itself (the rule of three, nesting, runs left over) is Python-Markdown's;
only where a run may stand and how a run of three splits change.
"""

from __future__ import annotations

import re
import string
import unicodedata
import xml.etree.ElementTree as etree  # noqa: N813 (the name Python-Markdown uses)

import markdown
from markdown.inlinepatterns import DelimiterProcessor

PLACEHOLDER_ENDS = markdown.util.STX + markdown.util.ETX


def _punctuation(char: str) -> bool:
    """CommonMark's punctuation: ASCII punctuation, or a character of a Unicode ``P`` category;
    and the ends of a placeholder, which stands for what was read before (a code span, raw HTML,
    a link, an entity), written between punctuation: ``<br>_note_``, `` `f(`_`x`_`)` ``."""
    return char in string.punctuation or char in PLACEHOLDER_ENDS or unicodedata.category(char).startswith("P")


class Flanking:
    """Where a run of ``token`` stands as CommonMark reads it: ``match(data, pos)`` gives the
    whole run at ``pos`` in a group named as Python-Markdown's delimiter patterns name it,
    ``start`` (it may open), ``end`` (it may close) or ``ambiguous`` (both), or None."""

    def __init__(self, token: str, within_words: bool) -> None:
        self.token = token
        self.within_words = within_words  # "*" may open and close inside a word, "_" may not
        run = re.escape(token) + "+"
        self.shapes = {name: re.compile(f"(?P<{name}>{run})") for name in ("ambiguous", "start", "end")}

    def match(self, data: str, pos: int) -> re.Match[str] | None:
        token = self.token
        if data[pos : pos + 1] != token or data[pos - 1 : pos] == token:
            return None  # only a whole run
        end = pos
        while data[end : end + 1] == token:
            end += 1
        before = data[pos - 1] if pos else " "
        after = data[end] if end < len(data) else " "
        left = not after.isspace() and (not _punctuation(after) or before.isspace() or _punctuation(before))
        right = not before.isspace() and (not _punctuation(before) or after.isspace() or _punctuation(after))
        opens, closes = left, right
        if not self.within_words:
            opens = left and (not right or _punctuation(before))
            closes = right and (not left or _punctuation(after))
        name = "ambiguous" if opens and closes else "start" if opens else "end" if closes else None
        return None if name is None else self.shapes[name].match(data, pos)


class Emphasis(DelimiterProcessor):
    """Python-Markdown's emphasis, its runs read by :class:`Flanking` and a run of three split
    strong inside, emphasis outside (see the module)."""

    def add(self, token: str, tags: str, smart: bool = False, double: bool = False) -> None:
        super().add(token, tags, smart, double)
        if token in "*_":
            self.delimiters[token].boundary = Flanking(token, within_words=token == "*")  # type: ignore[assignment]

    def _build_element(self, data: str, start: int = 0, offset: int = 0) -> tuple[etree.Element, int]:
        if start == 0 and offset == 0:  # the regions of a run of text, before the first is built
            self._strong_inside(data)
        return super()._build_element(data, start, offset)

    def _strong_inside(self, data: str) -> None:
        """A strong region (two characters each side) right around an emphasis region (one) of
        the same character, ``***x***``, becomes emphasis around strong."""
        regions = self.regions
        for index, outer in enumerate(regions):
            if outer[-1] != 2:
                continue
            for inner_index in range(index + 1, len(regions)):
                inner = regions[inner_index]
                if inner[0] >= outer[3]:
                    break
                adjacent = inner[-1] == 1 and inner[0] == outer[1] and inner[3] == outer[2]
                if adjacent and data[outer[0]] == data[inner[0]] and data[inner[2]] == data[outer[3] - 1]:
                    tags = outer[4]
                    regions[index] = (outer[0], outer[0] + 1, outer[3] - 1, outer[3], tags, 1)
                    regions[inner_index] = (outer[0] + 1, inner[1], inner[2], outer[3] - 1, tags, 2)
                    break


def register(md: markdown.Markdown) -> None:
    """:class:`Emphasis` in the place of Python-Markdown's ``*`` and ``_``."""
    emphasis = Emphasis("*", "strong,em", md)
    emphasis.add("_", "strong,em", smart=True)
    md.inlinePatterns.register(emphasis, "em_strong", 60)
