"""Two forms of pandoc's Markdown, which bookdown, Quarto and R Markdown read, as pandoc shows them,
and what tells a document of that family (:func:`is_pandoc`).

- a **line block**: a paragraph whose every line starts with ``| `` (a line ``|`` alone is an
  empty line; a line starting with a space goes on the one before). It is shown line for line,
  the spaces at the start of a line kept: ``<div class="line-block">`` with a ``<br />`` after each
  line, its text Markdown (inline). Verse and addresses are written so;
- an **example list**: items marked ``(@)`` or ``(@label)``, numbered in one sequence through the
  whole manuscript (a list after a paragraph goes on from the last number). ``(@label)`` written
  elsewhere in the text is the number in parentheses, "(3)"; a reference to a label defined in
  a later file is left to the citation reader, as pandoc leaves an unknown one.

GitHub's Markdown reads ``| a | b |`` lines as a table, or as a paragraph: lines that are a
table (a line ending in ``|``, or a delimiter row ``|---|``) are never a line block, and a line
block starts a paragraph, at the margin, so a paragraph with a ``| `` line inside it is read as
before. Invariant: lines in fenced code are never read; every line keeps its number.

Where pandoc and GitHub read the same text otherwise (``~x~``: a subscript, or struck through;
:mod:`..tildes`), a document of the pandoc family is read as pandoc reads it.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree  # noqa: N813 (the name Python-Markdown uses)
from pathlib import Path
from typing import Any

import markdown
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

from ..text import code_lines_of
from .common import LIST_ITEM_START, FileContext, Numbered, code_lines

PANDOC_FILES = (".rmd", ".rmarkdown", ".qmd")
PANDOC_KEYS = frozenset(
    {"format", "execute", "jupyter", "engine", "knitr", "editor", "editor_options", "freeze"}  # Quarto or R Markdown
    | {"output", "always_allow_html", "site"}  # R Markdown
)
"""Front-matter keys only Quarto and R Markdown read: those :data:`..metadata.SITE_KEYS` names for them."""


def is_pandoc(path: Path, front: dict[str, Any]) -> bool:
    """Whether a manuscript is written for pandoc or a tool built on it (R Markdown, bookdown,
    Quarto): an ``.Rmd`` or ``.qmd`` file, front matter with a key only those tools read
    (:data:`PANDOC_KEYS`), or a ``dialects:`` list that names ``bookdown``."""
    if path.suffix.lower() in PANDOC_FILES or not PANDOC_KEYS.isdisjoint(front):
        return True
    named = front.get("dialects")
    if isinstance(named, str):
        named = [part.strip() for part in named.split(",")]
    return isinstance(named, list) and "bookdown" in named


LINE = re.compile(r"^\|(?: (.*)|$)")
TABLE_DELIMITER = re.compile(r"^\s*\|?\s*:?-+:?\s*(?:\|\s*:?-*:?\s*)*\|?\s*$")
EXAMPLE = re.compile(r"^( {0,3})\(@([\w-]*)\)( +|$)")
REFERENCE = re.compile(r"\(@([\w-]+)\)")


def line_blocks(numbered: Numbered) -> Numbered:
    """The lines with each line block written as a ``div`` of lines (see the module)."""
    if not any(line.startswith("|") for line, _number in numbered):
        return numbered  # no line starts one: no walk through the code
    code = code_lines(numbered)
    out: Numbered = []
    index = 0
    while index < len(numbered):
        end = _line_block_end(numbered, index, code)
        if end == index:
            out.append(numbered[index])
            index += 1
            continue
        block = _joined(numbered[index:end])
        shown = [_shown(text) for text, _ in block]
        last = block[-1][1]
        written = [f"{text}<br />" for text in shown[:-1]] + [f"{shown[-1]}</div>"]
        written[0] = f'<div class="line-block" markdown="span">{written[0]}'
        out.extend((text, number) for text, (_, number) in zip(written, block, strict=True))
        out.append(("", last))  # what follows is a paragraph of its own
        out.extend(("", number) for _, number in numbered[index + len(block) : end])  # the lines a block took
        index = end
    return out


def _line_block_end(numbered: Numbered, index: int, code: set[int]) -> int:
    """The index after the line block that starts at ``index``; ``index`` when none starts there."""
    if index in code or LINE.match(numbered[index][0]) is None or (index and numbered[index - 1][0].strip()):
        return index
    end = index
    while end < len(numbered) and end not in code:
        line = numbered[end][0]
        if LINE.match(line) is None and not (end > index and line[:1] == " " and line.strip()):
            break
        if (line.rstrip().endswith("|") and line.strip() != "|") or TABLE_DELIMITER.match(line):
            return index  # a table's row, as GitHub writes them
        end += 1
    return end


def _joined(lines: Numbered) -> Numbered:
    """A line block's lines, each continuation line joined to the line before."""
    joined: Numbered = []
    for line, number in lines:
        match = LINE.match(line)
        if match is None:
            joined[-1] = (f"{joined[-1][0]} {line.strip()}", joined[-1][1])
        else:
            joined.append((match.group(1) or "", number))
    return joined


def _shown(text: str) -> str:
    """A line's text, the spaces at its start kept (no-break spaces)."""
    stripped = text.lstrip(" ")
    return "\u00a0" * (len(text) - len(stripped)) + stripped


def example_lists(numbered: Numbered, context: FileContext) -> Numbered:
    """The lines with example items numbered in the manuscript's sequence (``context.seen``
    holds the last number and the labels across files) and references to them written out."""
    if not any("(@" in line for line, _number in numbered):
        return numbered  # no item and no reference: no walk through the code
    code = code_lines(numbered)
    labels: dict[str, int] = context.seen.setdefault("example_labels", {})
    items: dict[int, int] = {}  # index of an item's line: its number
    in_item, blank_before = False, True
    for index, (line, number) in enumerate(numbered):
        if index in code:
            blank_before = False
            continue
        marker = EXAMPLE.match(line)
        if marker is not None and (blank_before or in_item):
            context.seen["examples"] = items[index] = context.seen.get("examples", 0) + 1
            label = marker.group(2)
            if label and label in labels:
                context.warn(f"example label (@{label}) is defined twice; references name the first", number)
            elif label:
                labels[label] = items[index]
            in_item = True
        elif line.strip() and line[:1] not in (" ", "\t") and blank_before:
            in_item = False
        blank_before = not line.strip()
    if not items and not labels:
        return numbered
    out: Numbered = []
    for index, (line, number) in enumerate(numbered):
        if index in items:  # one space after the number: Python-Markdown reads more as code
            marker = EXAMPLE.match(line)
            line = f"{marker.group(1)}{items[index]}. {_references(line[marker.end() :], labels)}"
        elif index not in code and "(@" in line:
            line = _references(line, labels)
        out.append((line, number))
    return out


FANCY = re.compile(
    r"^(?P<indent> *)(?:\((?P<enclosed>[A-Za-z]|[ivxlcdm]+|[IVXLCDM]+)\)|(?P<marker>[A-Za-z]|[ivxlcdm]+|[IVXLCDM]+|#)"
    r"(?P<delimiter>[.)]))(?P<space> +)(?=\S)"
)
TYPE_MARK = re.compile("^\ue060([aAiI1])\ue061")
"""The mark :func:`fancy_lists` puts before its first item's text: the list's numbering, which
:class:`FancyListTypes` sets as the list's ``type`` once Python-Markdown has made the list."""


def fancy_lists(numbered: Numbered) -> Numbered:
    """The lines with pandoc's fancy lists (``a.``, ``B)``, ``(iii)``, ``iv.``, ``#.``) as
    numbered items Python-Markdown reads, numbered from the first marker's value, and their
    numbering marked for :class:`FancyListTypes`. As pandoc reads them: a list starts a block
    (after a blank line, or indented under an item); a single capital letter with a period needs
    two spaces after it ("B. Russell", "I. Newton" are names), and "p. 12" is a page;
    ``i``/``I`` first means roman numerals; the next
    items keep the first one's numbering and delimiter. Only for a document of the pandoc family:
    GitHub reads these lines as text."""
    if not any(FANCY.match(line) for line, _number in numbered):
        return numbered
    code = code_lines_of([line for line, _number in numbered])  # fenced, quoted and indented code
    out = list(numbered)
    lists: list[tuple[str, str, int]] = []  # the open fancy lists, innermost last: (numbering, delimiter, indent)
    apart: set[int] = set()  # the first items of lists that follow another list
    previous = ""  # the line before ("" when blank or code)
    for index, (line, number) in enumerate(numbered):
        if index in code:
            previous = ""
            continue
        indent = len(line) - len(line.lstrip(" "))
        found = FANCY.match(line)
        item = _fancy_item(found) if found is not None else None
        if item is None:
            if line.strip() and not previous.strip():  # after a blank line, text at a list's margin ends it
                lists = [opened for opened in lists if indent > opened[2]]
            previous = line
            continue
        assert found is not None
        kind, delimiter = item
        marker = found.group("marker") or found.group("enclosed")
        same = next((opened for opened in lists if opened[2] == indent), None)
        value = _value(marker, same[0]) if same is not None and same[1] == delimiter else None
        if value is not None:  # the next item of an open list
            lists = [opened for opened in lists if opened[2] <= indent]
            out[index] = (f"{found.group('indent')}{value}. {line[found.end() :]}", number)
        elif not previous.strip() or (_item_indent(previous) is not None and indent > _item_indent(previous)):
            value = _value(marker, kind) or 1
            lists = [opened for opened in lists if opened[2] < indent] + [(kind, delimiter, indent)]
            out[index] = (f"{found.group('indent')}{value}. \ue060{kind}\ue061{line[found.end() :]}", number)
            if not indent and _after_list(numbered, index, code):
                apart.add(index)
        previous = line
    if not apart:
        return out
    # A list right after another is a list of its own (pandoc), where Python-Markdown would run
    # the two together: a comment between them, which the reading removes, keeps them apart.
    return [
        entry
        for index, entry in enumerate(out)
        for entry in ([("<!-- -->", entry[1]), ("", entry[1])] if index in apart else []) + [entry]
    ]


def _after_list(numbered: Numbered, index: int, code: set[int]) -> bool:
    """Whether the last line with text before line ``index`` belongs to a list: an item, or a
    line indented under one."""
    for before in range(index - 1, -1, -1):
        line = numbered[before][0]
        if line.strip():
            return before not in code and (line.startswith((" ", "\t")) or _item_indent(line) is not None)
    return False


def _item_indent(line: str) -> int | None:
    """The indent of a list item's marker on ``line`` (any list), or None when it holds none."""
    fancy = FANCY.match(line)
    if fancy is not None:
        return len(fancy.group("indent"))
    found = LIST_ITEM_START.match(line)
    return len(found.group(1)) if found else None


def _fancy_item(found: re.Match[str]) -> tuple[str, str] | None:
    """A marker's (numbering, delimiter), or None when pandoc would not read a list item there
    (a capital letter and a period followed by one space: an initial)."""
    marker = found.group("marker") or found.group("enclosed")
    delimiter = "()" if found.group("enclosed") else found.group("delimiter")
    if marker == "#":
        kind = "1"
    elif marker in ("i", "I") or len(marker) > 1:
        kind = "i" if marker.islower() else "I"
    else:
        kind = "a" if marker.islower() else "A"
    if len(marker) == 1 and marker.isupper() and delimiter == "." and len(found.group("space")) < 2:
        return None  # "B. Russell", "I. Newton": an initial
    if marker == "p" and delimiter == "." and found.string[found.end() : found.end() + 1].isdigit():
        return None  # "p. 12": a page
    return kind, delimiter


def _value(marker: str, kind: str) -> int | None:
    """The number a marker stands for in a list of numbering ``kind``; None when it cannot be
    one of its items (a letter in a list of roman numerals that is no numeral)."""
    if kind == "1" or marker == "#":
        return 1 if marker == "#" and kind == "1" else None
    if kind in "aA":
        return ord(marker.lower()) - ord("a") + 1 if len(marker) == 1 and marker.isalpha() else None
    values = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100, "d": 500, "m": 1000}
    digits = [values.get(char) for char in marker.lower()]
    if None in digits:
        return None
    total = 0
    for position, digit in enumerate(digits):
        later = digits[position + 1] if position + 1 < len(digits) else 0
        total += -digit if digit < later else digit  # type: ignore[operator]
    return total if total > 0 else None


class FancyListTypes(Treeprocessor):
    """Sets the ``type`` of each list :func:`fancy_lists` marked (``a``, ``A``, ``i``, ``I``) and
    takes the mark out of its first item's text. Runs after the inline patterns."""

    def run(self, root: etree.Element) -> None:
        for element in root.iter("ol"):
            first = element.find("li")
            if first is None:
                continue
            loose = not (first.text or "").strip() and len(first) and first[0].tag == "p"
            holder = first[0] if loose else first
            found = TYPE_MARK.match(holder.text or "")
            if found is None:
                continue
            holder.text = holder.text[found.end() :]  # type: ignore[index]
            if found.group(1) != "1":
                element.set("type", found.group(1))


class FancyListsExtension(Extension):
    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 (Python-Markdown's name)
        md.treeprocessors.register(FancyListTypes(md), "report_build_fancy_lists", 4)


def _references(line: str, labels: dict[str, int]) -> str:
    """``(@label)`` as "(3)" for each label an example defines; in a code span, as written."""

    def number(match: re.Match[str]) -> str:
        if match.group(1) not in labels or line[: match.start()].count("`") % 2:
            return match.group(0)
        return f"({labels[match.group(1)]})"

    return REFERENCE.sub(number, line)


__all__ = ["FancyListsExtension", "example_lists", "fancy_lists", "line_blocks"]
