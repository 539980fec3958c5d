"""Reading a manuscript file and finding lines in it again for messages."""

from __future__ import annotations

import bisect
import functools
import itertools
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from ..errors import Diagnostics, ManuscriptError
from . import files

FENCE = re.compile(r"^\s{0,3}(`{3,}|~{3,})")
OPENING_FENCE = re.compile(r"^( {0,3})(`{3,}|~{3,})(.*)$")
CLOSING_FENCE = re.compile(r"^( *)(`{3,}|~{3,})[ \t]*$")  # (its indent: at most three, or past an item's text)
ITEM_OPENING_FENCE = re.compile(r"^( {0,3}(?:(?:[-*+]|\d{1,9}[.)])[ \t]+)+)(`{3,}|~{3,})(.*)$")
"""A fence that opens on a list item's line, after its marker (``- ````, ``1. ~~~``)."""
ATX = re.compile(r"^(#{1,6})(?!#)\s*(.*?)\s*#*\s*$")
SETEXT = re.compile(r"^(=+|-+)\s*$")


def read_text(path: Path, diagnostics: Diagnostics | None = None) -> str:
    """Read a UTF-8 text file; a byte that is not UTF-8 is an error naming its line. Characters
    no XHTML page can hold are removed (:func:`remove_control_characters`), each a fault
    reported to ``diagnostics`` (without: silently, for a file already read once)."""
    try:
        data = files.read_bytes(path)  # once per build: source/files.py
    except FileNotFoundError:
        raise ManuscriptError("no such file", path) from None
    except IsADirectoryError:
        raise ManuscriptError("is a folder, not a file", path) from None
    except OSError as exc:
        raise ManuscriptError(f"cannot read: {exc.strerror}", path) from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise ManuscriptError(
            f"not valid UTF-8 (byte 0x{data[exc.start]:02x}); save the file as UTF-8", path, line
        ) from None
    text = text.removeprefix("\ufeff")
    if text.count("\x00") > MAX_NUL:  # UTF-16 text, or not text at all: nothing to render around
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise ManuscriptError(
            f"holds {text.count(chr(0))} NUL characters from line {line} on: it is not UTF-8 text (UTF-16?); "
            "save the file as UTF-8",
            path,
            line,
        )
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return remove_control_characters(text, path, diagnostics)


MARKS = "\ue000-\ue0ff"
"""Private-use characters the reading writes into the text as marks of its own, to find again
later: citations (:mod:`.refsyntax`), escaped variables (:mod:`.compose`), translated variables
(:mod:`.passes.translate`), lists set aside (:mod:`.dialects.mkdocs`). An author's character of
this range would be taken for one of them, so it is removed as the text is read, with a warning."""
MARK = re.compile(f"[{MARKS}]")
# Characters XML 1.0 (so XHTML, so the ePub) cannot hold: C0 controls other than tab and
# newline, and the noncharacters U+FFFE and U+FFFF; lone surrogates, which no UTF-8 file holds
# but a YAML escape ("\ud800") writes.
UNWRITABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# What a reading removes from a source's text and from its YAML's strings: those, and the marks.
REMOVED = re.compile(f"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff{MARKS}]")
MAX_NUL = 16  # more NUL characters than this: a UTF-16 or binary file, refused as not UTF-8
CONTROL_NAMES = {"\x00": "NUL character", "\x0b": "vertical tab", "\x0c": "form feed", "\x1b": "escape character"}


def character_name(char: str) -> str:
    """How a message names a character of :data:`REMOVED`."""
    if "\ud800" <= char <= "\udfff":
        return "lone surrogate"
    if char >= "\ue000":
        return "private-use character"
    return CONTROL_NAMES.get(char, "control character" if char < " " else "noncharacter")


def named(char: str) -> str:
    """A character of :data:`REMOVED` as messages name it: "the lone surrogate U+D800"."""
    return f"the {character_name(char)} U+{ord(char):04X}"


def escaped_in(value: object, text: str) -> tuple[str, int | None] | None:
    """For data a JSON or YAML loader made from ``text``: what is wrong with the first character
    of :data:`REMOVED` it holds, which only an escape can have written there (the text itself
    was cleaned as read), and the line of that escape; None when it holds none."""
    bad = first_removed(value)
    if bad is None:
        return None
    return f"{named(bad)}, written as an escape: {why_removed(bad, 'no page can hold it')}; remove it", escape_line(
        text, bad
    )


def first_removed(value: object) -> str | None:
    """The first character of :data:`REMOVED` in the strings (keys included) of data as a JSON
    or YAML loader gives it, where an escape (``"\\ud800"``) may have written one; else None."""
    if isinstance(value, str):
        found = REMOVED.search(value)
        return found.group() if found else None
    if isinstance(value, dict):
        value = [*value.keys(), *value.values()]
    if isinstance(value, list):
        return next((char for item in value if (char := first_removed(item)) is not None), None)
    return None


SHORT_ESCAPES = {"\b": "b", "\f": "f", "\x07": "a", "\x1b": "e", "\x00": "0", "\x0b": "v"}
"""Characters JSON or YAML can write with one letter after the backslash (``"\\f"``)."""


def escape_line(text: str, char: str) -> int | None:
    """The line of ``text`` where ``char`` is first written as an escape (``\\u0007``,
    ``\\x07``, ``\\f``), if it is."""
    forms = [rf"\\u{ord(char):04x}", rf"\\x{ord(char):02x}" if ord(char) < 0x100 else None]
    if char in SHORT_ESCAPES:
        forms.append(rf"\\{SHORT_ESCAPES[char]}")
    found = re.search("|".join(form for form in forms if form), text, re.IGNORECASE)
    return text.count("\n", 0, found.start()) + 1 if found else None


def why_removed(char: str, otherwise: str) -> str:
    """Why a character of :data:`REMOVED` is removed: it is one of :data:`MARKS`, or ``otherwise``."""
    return "report-build uses it to mark its own work in the text" if MARK.match(char) else otherwise


def remove_control_characters(text: str, path: Path, diagnostics: Diagnostics | None, first_line: int = 1) -> str:
    """``text`` without the characters no XHTML page can hold (a backspace pasted from a
    terminal, a form feed) or the reading writes as its own marks (:data:`MARKS`): each removed
    one is a fault at its line and column."""
    if REMOVED.search(text) is None:
        return text
    if diagnostics is not None:
        line, counted = first_line, 0
        for bad in REMOVED.finditer(text):
            char = bad.group()
            line += text.count("\n", counted, bad.start())  # counted on from the last one
            counted = bad.start()
            column = bad.start() - (text.rfind("\n", 0, bad.start()) + 1) + 1
            why = why_removed(char, "XHTML cannot hold it")
            diagnostics.warn(
                f"{named(char)} at column {column} is removed: {why}",
                path,
                line,
            )
    return REMOVED.sub("", text)


@dataclass(frozen=True)
class SourceHeading:
    line: int
    level: int
    text: str


CODE_SPAN = re.compile(r"(?<![`\\])(`+)(?!`).*?(?<!`)\1(?!`)")
"""An inline code span on one line (a backtick run and the next run of the same length)."""


def outside_code_spans(line: str, change: Callable[[str], str]) -> str:
    """``line`` with ``change`` applied to its text outside inline code spans."""
    return outside_spans(line, (), change)


def outside_spans(line: str, spans: Iterable[tuple[int, int]], change: Callable[[str], str]) -> str:
    """``line`` with ``change`` applied to its text outside inline code spans and outside
    ``spans`` (start, end): a line's formulas (:func:`.dialects.common.formula_spans`)."""
    kept = sorted([*spans, *(span.span() for span in CODE_SPAN.finditer(line))])
    parts, at = [], 0
    for start, end in kept:
        if end <= at:
            continue
        parts += [change(line[at:start]), line[max(start, at) : end]]
        at = end
    return "".join([*parts, change(line[at:])])


def fenced_lines(lines: list[str]) -> tuple[frozenset[int], bool]:
    """Indexes of the lines of fenced code, fences included, as CommonMark reads them: a fence
    of three or more backticks (whose info holds none) or tildes, indented by up to three
    spaces, closed only by a fence of the same character, at least as long, with nothing after
    it; an unclosed fence runs to the end. And whether a fence is indented (by one to three
    spaces): it may belong to a list item, which ends it where the item ends, and list items are
    not followed here."""
    opening: tuple[str, int, int] | None = None  # its character, its length, the closing's deepest indent
    indented = False
    code = set()
    for index, line in enumerate(lines):
        if opening is None:
            match = OPENING_FENCE.match(line) or ITEM_OPENING_FENCE.match(line)
            if match and not (match.group(2)[0] == "`" and "`" in match.group(3)):
                # A fence opened on a list item's line ("- ```") is the item's: it closes at
                # up to three columns past where the item's text starts.
                deepest = len(match.group(1).expandtabs(4)) + 3 if match.re is ITEM_OPENING_FENCE else 3
                opening = (match.group(2)[0], len(match.group(2)), deepest)
                indented = indented or bool(match.group(1))
                code.add(index)
            continue
        code.add(index)
        close = CLOSING_FENCE.match(line)
        if (
            close
            and len(close.group(1)) <= opening[2]
            and close.group(2)[0] == opening[0]
            and len(close.group(2)) >= opening[1]
        ):
            opening = None
    return frozenset(code), indented


# Lines whose indented lines after them are content, not code: a note's definition, a
# definition's text, an MkDocs admonition or content tab. (A list item's are content up to four
# columns past where its text starts: :func:`indented_code_lines` follows its items.)
CONTAINER = re.compile(r"^ {0,3}(?:\[\^[^\]]+\]:|:\s|!!!|\?\?\?|===)")
LIST_ITEM = re.compile(
    r"^( *)([-*+]|\d{1,9}[.)]|\(\d{1,9}\)|#[.)]|\(?[A-Za-z]\)|\(?[ivxlcdmIVXLCDM]+\)|\(@[\w-]*\)"
    r"|(?:[A-Za-z]|[ivxlcdmIVXLCDM]+)\.(?= {2}))( +|$)"
)
"""A list item's marker, tabs expanded: (indent, marker, space). GitHub's markers and pandoc's
(``a)``, ``(ii)``, ``#.``, ``(@label)``; ``a.`` before two spaces, as pandoc asks of it, so that
"p. 12" is text): a pandoc document's item holds indented paragraphs too, and a cautious reading
takes such lines for an item's rather than for code."""


QUOTE_MARKS = re.compile(r"^(?: {0,3}>[ \t]?)+")


def quoted_code_lines(lines: list[str]) -> set[int]:
    """Indexes of the lines of code inside a quote, fenced (fences included) or indented: each run
    of quoted lines read without its quote marks, on its own (a fence left open in a quote ends
    with it, as CommonMark reads it). ``code_lines`` sees no fence behind a ``>``."""
    found: set[int] = set()
    run: list[int] = []
    for index in [*range(len(lines)), len(lines)]:
        if index < len(lines) and QUOTE_MARKS.match(lines[index]):
            run.append(index)
            continue
        if run:
            inner = [QUOTE_MARKS.sub("", lines[i], count=1) for i in run]
            code = indented_code_lines(inner)
            if any("```" in line or "~~~" in line for line in inner):
                code |= fenced_lines(inner)[0]
            found.update(run[i] for i in code)
        run = []
    return found


def indented_code_lines(lines: list[str]) -> set[int]:
    """Indexes of the lines of indented code, as CommonMark reads them: after a blank line,
    indented four columns (a tab is four) past where the text of the list item holding it starts,
    or past the margin outside any list. Inside a note's definition, a definition, an admonition
    or a content tab, indented lines are their content, never code. A cautious reading: an item
    or such a container ends at the first line after a blank line that is indented less than its
    text and opens none."""
    found: set[int] = set()
    items: list[int] = []  # the columns where the text of each open list item starts, innermost last
    container: int | None = None  # the indentation of an open container of other kinds
    blank = True
    for index, raw in enumerate(lines):
        line = raw.expandtabs(4)
        text = line.lstrip(" ")
        if not text:
            blank = True
            continue
        indent = len(line) - len(text)
        if blank:  # after a blank line, a line less indented than an item's text ends it
            while items and indent < items[-1]:
                items.pop()
            if container is not None and indent <= container:
                container = None
        margin = items[-1] if items else 0
        if container is None and indent >= margin + 4 and (blank or index - 1 in found):
            found.add(index)
        elif (item := LIST_ITEM.match(line)) is not None and indent < margin + 4:
            while items and indent < items[-1]:
                items.pop()  # a sibling of an open item, or of one of its parents
            while item is not None:  # "1. - a": an item that opens a list at once
                spaces = len(item.group(3))
                items.append(item.end(2) + (spaces if 1 <= spaces <= 4 and item.end() < len(line) else 1))
                item = LIST_ITEM.match(" " * items[-1] + line[items[-1] :])
        elif CONTAINER.match(line[margin:]) and container is None:
            container = indent
        blank = False
    return found


def code_lines_of(lines: list[str]) -> set[int]:
    """Indexes of every line of code a text's reading must leave as written: fenced (in a quote
    too) and indented code, in a list item too (:func:`fenced_lines`, :func:`quoted_code_lines`,
    :func:`indented_code_lines`)."""
    fenced, _indented = fenced_lines(lines)
    return set(fenced) | quoted_code_lines(lines) | indented_code_lines(lines)


def shown_name(path: Path, folder: Path) -> str:
    """A file's name as messages and links show it: its path from ``folder`` (the manuscript's),
    else its name alone."""
    try:
        return path.resolve().relative_to(folder.resolve()).as_posix()
    except ValueError:
        return path.name


class SourceMap:
    """The manuscript's lines, to point messages at ``file:line``."""

    def __init__(self, path: Path, text: str, body_offset: int = 0):
        self.path = path
        self.text = text
        self.lines = text.split("\n")
        self.starts = list(itertools.accumulate((len(line) + 1 for line in self.lines[:-1]), initial=0))
        self.body_offset = body_offset  # lines taken by the front matter
        self.code_lines = self._code_lines()
        self.headings = self._headings()

    def _code_lines(self) -> frozenset[int]:
        code, _indented = fenced_lines(self.lines[self.body_offset :])
        return frozenset(index + self.body_offset + 1 for index in code)

    def _headings(self) -> tuple[SourceHeading, ...]:
        found = []
        previous = ""
        for number, line in enumerate(self.lines, 1):
            if number <= self.body_offset or number in self.code_lines:
                previous = ""
                continue
            match = ATX.match(line)
            if match and not line.startswith("    "):
                found.append(SourceHeading(number, len(match.group(1)), match.group(2)))
            elif SETEXT.match(line) and _can_be_setext_title(previous):
                level = 1 if line.startswith("=") else 2
                found.append(SourceHeading(number - 1, level, previous.strip()))
            previous = line
        return tuple(found)

    def find(self, needle: str, start: int = 1) -> int | None:
        """The first line at or after ``start`` that contains ``needle``, outside code; else the
        first such line of the body. (A search of the whole text, not line by line: messages
        about a long manuscript look up many lines.)"""
        if not needle or "\n" in needle:
            return None
        for around in (start, self.body_offset + 1):
            number = max(around, 1)
            while number <= len(self.lines):
                index = self.text.find(needle, self.starts[number - 1])
                if index < 0:
                    break
                number = bisect.bisect_right(self.starts, index)
                if number not in self.code_lines:
                    return number
                number += 1
        return None

    def line_of(self, index_in_body: int) -> int:
        """Line number of a character offset inside the body text."""
        return self.body_offset + 1 + self.body_text.count("\n", 0, index_in_body)

    @functools.cached_property
    def body_text(self) -> str:
        return "\n".join(self.lines[self.body_offset :])


def _can_be_setext_title(previous: str) -> bool:
    stripped = previous.strip()
    if not stripped or previous.startswith("    "):
        return False
    return not re.match(r"^([-*+>|]|\d+[.)]|#|\[\^)", stripped)
