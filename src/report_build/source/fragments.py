"""Chapters converted on their own: the Markdown of each chapter becomes a fragment of HTML,
and the fragments are joined into what one conversion of the whole text gives.

The composed body is cut before each chapter heading (a ``#`` line at the chapter level,
after a blank line, outside code); each part is converted by a Markdown instance of its own,
or taken from the fragment cache when the same text was converted with the same settings by
an earlier build (``output/.cache``: one file per manuscript and edition, holding the fragments
of its last build). A ``watch`` after a one-paragraph edit so converts one chapter again.

Converting the whole text at once makes decisions across chapters; they are made here before
the parts are converted, or checked after:
- the chapter level is the smallest heading level of the whole text (given to each part, and
  checked against what each part found);
- the title, when the front matter has none, is the first ``#`` heading (only the part that
  holds it looks for it; its id is counted among that part's);
- ids are unique across the text: a part's ids, heading aliases included, must meet no other
  part's (a quick look at the heading lines first, then the ids each part got);
- notes are numbered later, by label (:mod:`.passes.footnotes`); a note defined in another
  chapter than the one that calls it (a single file that defines every note at its end) is
  moved to that chapter, with any note it calls, and left as blank lines where it was written,
  so every line keeps its number;
- link reference and abbreviation definitions apply to the whole text: each part is given, at
  its end, the ones written in the other parts.
A text whose parts could read differently alone is converted whole, as before, and
:data:`COUNTS` says why: raw HTML left open at a chapter heading or around fenced code (an
HTML block, an ``md_in_html`` element or a comment may hold a heading line; :func:`_html_open`), setext
headings, headings indented or without a space after their marks, fenced code indented as in a
list item, a definition inside a quote, a list or a note, written over two lines, or twice; a
note called from two chapters, defined twice, called only from a note in another chapter, or
whose first lines hold a heading, a quote, a list or a rule (its end would be read otherwise);
``[TOC]`` or the notes' place marker; headings of the same name in two chapters; one chapter.

Invariant: the HTML and the :class:`~.extensions.Structure` equal those of one conversion of the
whole text, up to Python-Markdown's own note numbers, which :mod:`.passes.footnotes` replaces
(tests/source/test_fragments.py compares the documents read both ways: the sample, the
fixtures and the real-world corpus). Warnings may differ in one way: a chapter's warnings are
looked for from its own first line, so one whose text also appears earlier (in code, say) is
given at the line of the fault, where one conversion gave the earlier line.
"""

from __future__ import annotations

import bisect
import functools
import hashlib
import itertools
import json
import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from importlib import metadata as package_metadata
from pathlib import Path
from typing import Any

import markdown

from ..cache import BuildCache
from ..html_elements import VOID
from ..workers import Workers, portable
from .block_structure import RAW_TEXT_ELEMENTS, markdown_attribute
from .extensions import FoundHeading, Structure
from .ids import Anchors, github_slug, kramdown_slug, pandoc_slug, python_markdown_slug
from .inline_html import CLOSING_TAG, OPEN_TAG
from .text import ATX, CODE_SPAN, fenced_lines

HEADING = re.compile(r"^(#{1,6})(?:[ \t]|$)")
AMBIGUOUS_HEADING = re.compile(r"^(?: {1,3}#|#{1,6}[^#\s])")  # indented, or no space after the marks
SETEXT_UNDERLINE = re.compile(r"^ {0,3}(?:=+|-+)[ \t]*$")
DEFINITION = re.compile(r"^ {0,3}(?:\[(?!\^)[^\]]*\]:|\*\[[^\]]*\] ?:)")  # a link reference or an abbreviation
# One line each, after a blank line or another definition: read so in any text.
WHOLE_DEFINITION = re.compile(
    r"^ {0,3}(?:\*\[([^\]]+)\] ?:[ \t]*\S.*"  # an abbreviation, with its title
    r"|\[([^\[\]^][^\[\]]*)\]:[ \t]*\S+(?:[ \t]+(?:\"[^\"]*\"|'[^']*'|\([^()]*\)))?[ \t]*)$"  # a link, a title
)
NOTE_DEFINITION = re.compile(r"^ {0,3}\[\^([^\]]+)\]:")
NOTE_CALL = re.compile(r"\[\^([^\]]+)\]")
# A definition inside a container (a quote, a list item, a note's indented lines) applies to the
# whole text too, but is not where this module looks for them.
CONTAINED_DEFINITION = re.compile(r"^[ \t>]*(?:(?:[-*+]|\d{1,9}[.)])[ \t]+[ \t>]*)*(?:\[[^\]]*\]:|\*\[[^\]]*\] ?:)")
TOC_MARKER = re.compile(r"\[TOC\]")
# Lines that end a paragraph, and so a note's first block, in a whole reading.
INTERRUPTS = re.compile(
    r"^ {0,3}(?:#{1,6}(?:[ \t]|$)|>|[-*+](?:[ \t]|$)|\d{1,9}[.)](?:[ \t]|$)"  # heading, quote, list
    r"|(?:[-*_][ \t]*){3,}$|`{3,}|~{3,}|<)"  # rule, fence, HTML
)
NOTES_DIV = '<div class="footnote">\n<hr />\n<ol>\n'  # how Python-Markdown's notes block starts
NOTES_MARKER = "///Footnotes Go Here///"  # where Python-Markdown puts the notes block when it is written

FORMAT = 2  # the form of a cache entry (:class:`Fragment`): raised when it changes

SIDE_BY_SIDE_FROM = 60_000
"""Characters of Markdown still to convert from which two processes or more convert them side
by side: forking the workers and sending the parts and fragments over pipes costs a few
hundredths of a second. Measured on generated reports with two processes: even at about 30,000
characters (20 pages), a fifth quicker at 75,000 (50 pages), a third at 900,000 (500 pages)."""

Convert = Callable[[list[str], bool, int, int], tuple[str, Structure]]
"""``convert(lines, has_title, chapter_level, start) -> (html, structure)``: one Markdown
instance, made afresh, converting ``lines`` (from ``start``, 0-based in the body);
``chapter_level`` 0 lets it find the level itself."""


@dataclass
class Counts:
    """What the last reading did (the build's note and the tests read it): the parts it cut the
    text into, the conversions it ran (a part, or a whole text), how many of those ran in worker
    processes, why a text was converted whole."""

    parts: int = 0
    converted: int = 0
    in_workers: int = 0
    whole: str = ""

    def reset(self) -> None:
        self.parts, self.converted, self.in_workers, self.whole = 0, 0, 0, ""


COUNTS = Counts()


@dataclass(frozen=True)
class Part:
    """A chapter's lines, from ``start`` (0-based in the body), and what it is given."""

    start: int
    end: int  # the body line after the part's own lines (those given to it follow them)
    lines: list[str]
    has_title: bool  # True: the part does not look for the title


@dataclass
class Fragment:
    """A part converted: its HTML (notes block cut off), its notes' list items, its structure,
    and the warnings it gave (lines counted from the part's first line)."""

    html: str
    notes: str
    structure: dict[str, Any]  # :class:`~.extensions.Structure` as a dict (its anchors as lists)
    warnings: list[tuple[str, int | None]] = field(default_factory=list)


def split(lines: list[str], has_title: bool) -> tuple[list[Part], int, str]:
    """The body's parts, the chapter level, and why it cannot be split ("" when it can)."""
    fenced, indented = fenced_lines(lines)
    if indented:
        return [], 0, "fenced code indented as in a list item"
    headings: list[tuple[int, int]] = []  # (index, level)
    notes: dict[str, tuple[int, int]] = {}  # label -> its definition's lines (from, to)
    calls: list[tuple[int, str]] = []  # (line index, label)
    named: dict[str, int] = {}  # link references and abbreviations: each part is given the others'
    for index, line in enumerate(lines):
        if index in fenced:
            continue
        if DEFINITION.match(line):
            whole = WHOLE_DEFINITION.match(line)
            after = index == 0 or not lines[index - 1].strip() or DEFINITION.match(lines[index - 1])
            follows = index + 1 == len(lines) or not lines[index + 1].strip() or DEFINITION.match(lines[index + 1])
            name = whole and (  # as Python-Markdown keys them
                f"*{whole.group(1).strip()}" if whole.group(1) is not None else whole.group(2).strip().casefold()
            )
            if not whole or not after or not follows or name in named:
                return [], 0, "link reference or abbreviation definitions written over lines, or twice"
            named[name] = index
            continue
        if CONTAINED_DEFINITION.match(line) and not NOTE_DEFINITION.match(line):
            return [], 0, "a definition inside a quote, a list or a note"
        if TOC_MARKER.search(line) or NOTES_MARKER in line:
            return [], 0, "a [TOC] marker or the notes' place marker"
        if SETEXT_UNDERLINE.match(line) and index and lines[index - 1].strip() and index - 1 not in fenced:
            return [], 0, "setext headings"
        if AMBIGUOUS_HEADING.match(line):
            return [], 0, "headings indented or without a space after their marks"
        if match := HEADING.match(line):
            headings.append((index, len(match.group(1))))
        marker = NOTE_DEFINITION.match(line)
        if marker:
            if marker.group(1) in notes:
                return [], 0, "a note defined twice"
            notes[marker.group(1)] = (index, _definition_end(lines, index))
        calls.extend((index, call.group(1)) for call in NOTE_CALL.finditer(line, marker.end() if marker else 0))
    title = None if has_title else next((index for index, level in headings if level == 1), None)
    levels = [level for index, level in headings if index != title]
    level = min(levels) if levels else 1
    cuts = [
        index
        for index, found in headings
        if found == level and index not in (0, title) and not lines[index - 1].strip()
    ]
    if not cuts:
        return [], level, "one chapter"
    starts = [index for index in sorted(fenced) if index - 1 not in fenced]  # each fence's first line
    stretches = _html_open(lines, fenced)
    if any(_inside(stretches, cut) for cut in cuts) or any(_inside(stretches, at, fence=True) for at in starts):
        return [], level, "raw HTML left open at a chapter heading or around fenced code"
    bounds = [0, *cuts, len(lines)]
    spans = notes.values()
    if any(first < cut < last or fenced.intersection(range(first, last)) for first, last in spans for cut in cuts):
        return [], level, "a note holding a chapter heading or fenced code at its margin"
    moved, why = _notes_moved(notes, calls, bounds)
    if why:
        return [], level, why
    for _to, (first, last) in moved.values():
        if any(INTERRUPTS.match(line) for line in lines[first + 1 : last] if not line.startswith(("    ", "\t"))):
            return [], level, "a note to move whose lines hold a heading, a quote, a list or a rule"
    if _names_meet([(index, lines[index]) for index, _level in headings], bounds):
        return [], level, "headings of the same name in different chapters"
    parts = []
    for number, (start, end) in enumerate(itertools.pairwise(bounds)):
        own = lines[start:end]
        for _to, (first, last) in moved.values():
            if start <= first < end:  # called from another chapter: it goes there
                own[first - start : last - start] = [""] * (last - first)
        given = [lines[index] for index in named.values() if not start <= index < end]
        for to, (first, last) in sorted(moved.values(), key=lambda item: item[1]):
            if to == number:
                given += ["", *lines[first:last]]
        text = own + (["", *given] if given else [])
        parts.append(Part(start, end, text, has_title or title is None or not start <= title < end))
    return parts, level, ""


# What is text, not a tag, when looking for raw HTML: a backslash escape, and then a code span.
_ESCAPED = re.compile(r"\\[\\<`]")
_HTML_TOKEN = re.compile(  # a comment, processing instruction, CDATA or declaration (to its end), or a tag
    r"(?P<span><!-->|<!--->|<!--.*?(?:-->|\Z)|<\?.*?(?:\?>|\Z)|<!\[CDATA\[.*?(?:\]\]>|\Z)|<![A-Za-z][^>]*(?:>|\Z))"
    rf"|{OPEN_TAG}|{CLOSING_TAG}",
    re.DOTALL,
)
_TAG_NAME = re.compile(r"</?([A-Za-z][A-Za-z0-9-]*)")


def _html_open(lines: list[str], fenced: frozenset[int]) -> list[tuple[int, int, bool]]:
    """Where raw HTML is open in the text, as (first, last) line indexes: a comment (or a
    processing instruction, CDATA section, declaration) from its start to its end, a raw-text
    element (``<pre>``, ``<script>``…) to its end tag, and any other element from its start tag
    until every element opened since is closed. What is never ended runs to the text's end. The
    third item says whether the stretch is read as Markdown: an element with a ``markdown``
    attribute and what it holds (``md_in_html``, which the other tools' syntax becomes), where a
    fence is a fence.

    A chapter heading inside such a stretch may belong to it in a whole reading (an HTML block
    of kind 1 to 5, an ``md_in_html`` element, or a ``<div>`` Python-Markdown reads on to its
    end tag), so the text is cut only outside them. The look is cautious: fenced code is not
    looked at (a fence starting inside a stretch sends the text to be read whole), code spans
    and escaped brackets are text, but a tag in indented code or one a browser would close by
    itself (``<p>``, ``<li>``) counts as open; a fence starting inside a stretch not read as
    Markdown sends the text to be read whole too (its lines may be the HTML's)."""
    if not any("<" in line for line in lines):
        return []
    kept = [
        "" if index in fenced else CODE_SPAN.sub(_blank, _ESCAPED.sub(_blank, line)) for index, line in enumerate(lines)
    ]
    text = "\n".join(kept)
    starts = list(itertools.accumulate((len(line) + 1 for line in kept[:-1]), initial=0))
    offsets: list[tuple[int, int, bool]] = []
    stack: list[str] = []
    since = at = 0
    markdown_inside = False
    while match := _HTML_TOKEN.search(text, at):
        at = match.end()
        if match.group("span"):
            offsets.append((match.start(), at, False))
            continue
        token = match.group()
        name = _TAG_NAME.match(token).group(1).lower()  # type: ignore[union-attr]  (a tag)
        if token.startswith("</"):
            if name in stack:
                del stack[len(stack) - 1 - stack[::-1].index(name) :]
                if not stack:
                    offsets.append((since, at, markdown_inside))
        elif name in RAW_TEXT_ELEMENTS:
            end = re.compile(rf"</{name}\s*>", re.IGNORECASE).search(text, at)
            at = end.end() if end else len(text)
            offsets.append((match.start(), at, False))
        elif name not in VOID and not token[:-1].rstrip().endswith("/"):
            if not stack:
                since, markdown_inside = match.start(), markdown_attribute(token[len(name) + 1 : -1])
            stack.append(name)
    if stack:
        offsets.append((since, len(text), markdown_inside))

    def line_of(offset: int) -> int:
        return max(0, bisect.bisect_right(starts, offset) - 1)

    return [(line_of(start), line_of(max(start, end - 1)), markdown) for start, end, markdown in offsets]


def _blank(match: re.Match[str]) -> str:
    return " " * len(match.group())


def _inside(stretches: list[tuple[int, int, bool]], index: int, fence: bool = False) -> bool:
    """Whether line ``index`` lies inside a stretch of :func:`_html_open`, after its first line
    (with ``fence``, one not read as Markdown)."""
    return any(first < index <= last and not (fence and markdown) for first, last, markdown in stretches)


def _definition_end(lines: list[str], first: int) -> int:
    """The line after a note's definition, as Python-Markdown reads it: its block (to a blank
    line or the next definition), then each following block indented by four spaces or a tab."""
    end = first + 1
    while end < len(lines) and lines[end].strip() and not NOTE_DEFINITION.match(lines[end]):
        end += 1
    while True:
        following = end
        while following < len(lines) and not lines[following].strip():
            following += 1
        if following == len(lines) or not lines[following].startswith(("    ", "\t")):
            return end
        end = following
        while end < len(lines) and lines[end].strip():
            end += 1


def _names_meet(headings: list[tuple[int, str]], bounds: list[int]) -> bool:
    """Whether two parts have headings whose names are the same in one of the conventions ids
    are made in (GitHub's slug or ``{#id}``, and the aliases: Python-Markdown's, kramdown's and
    pandoc's slugs): the ids and aliases would be made unique across the text, so the parts
    cannot be read alone. (A quick look at the lines, before converting; the ids the parts get
    are compared after, see :func:`_join`.)"""
    owners: dict[tuple[str, str], int] = {}
    for index, line in headings:
        text = ATX.match(line).group(2)  # type: ignore[union-attr]  (a HEADING line)
        given = re.search(r"\{[^}]*#([^\s}]+)[^}]*\}\s*$", text)
        plain = re.sub(r"\{[^}]*\}\s*$", "", text)
        names = {
            ("id", (given.group(1) if given else github_slug(plain)).lower()),
            ("python-markdown", python_markdown_slug(plain)),
            ("kramdown", kramdown_slug(plain)),
            ("pandoc", pandoc_slug(plain)),
        }
        part = _part_of(index, bounds)
        if any(owners.setdefault(name, part) != part for name in names):
            return True
    return False


def _notes_moved(
    notes: dict[str, tuple[int, int]], calls: list[tuple[int, str]], bounds: list[int]
) -> tuple[dict[str, tuple[int, tuple[int, int]]], str]:
    """The notes called from another part than the one they are defined in: label -> (the part
    that calls them, their lines). A call inside a note belongs to the part that calls that
    note. A note called from two parts cannot be split ("" when all is well)."""

    def holder(index: int) -> str | None:
        return next((label for label, (first, last) in notes.items() if first <= index < last), None)

    inside: dict[str, set[str]] = {}
    wanted: dict[str, set[int]] = {}
    for index, label in calls:
        owner = holder(index) if notes else None
        if owner is None:
            wanted.setdefault(label, set()).add(_part_of(index, bounds))
        else:
            inside.setdefault(owner, set()).add(label)
    changed = True
    while changed:  # a note called from inside a note goes where that one goes
        changed = False
        for owner, called in inside.items():
            for label in called:
                before = len(wanted.get(label, ()))
                wanted.setdefault(label, set()).update(wanted.get(owner, ()))
                changed = changed or len(wanted[label]) != before
    for owner, called in inside.items():
        for label in called:
            elsewhere = label in notes and owner in notes and not wanted.get(label)
            if elsewhere and _part_of(notes[label][0], bounds) != _part_of(notes[owner][0], bounds):
                return {}, f"note [^{label}] is called only from a note defined in another chapter"
    moved = {}
    for label, where in wanted.items():
        if len(where) > 1 and label in notes:
            return {}, f"note [^{label}] is called from two chapters"
        if label in notes and where and _part_of(notes[label][0], bounds) not in where:
            moved[label] = (next(iter(where)), notes[label])
    return moved, ""


def _part_of(index: int, bounds: list[int]) -> int:
    return next(number for number, end in enumerate(bounds[1:]) if index < end)


def convert(
    lines: list[str],
    has_title: bool,
    convert_part: Convert,
    recording: Recording,
    settings: str,
    cache: Fragments | None = None,
    jobs: int = 1,
) -> tuple[str, Structure]:
    """The HTML and structure of the whole body, converted chapter by chapter where it can be.

    ``convert_part`` converts lines (see :data:`Convert`); ``recording`` holds back the warnings
    each part gives until the parts are joined (a cached part gives its own again);
    ``settings`` is what else the conversion depends on (the cache's key holds it); ``cache``
    keeps fragments between builds. With ``jobs`` above 1, the parts still to convert are
    converted side by side in worker processes when they are long enough to repay the forks
    (:data:`SIDE_BY_SIDE_FROM`); each part is read the same way wherever it is converted."""
    parts, level, why = split(lines, has_title)
    if why:
        return _whole(lines, has_title, convert_part, why)
    keys = [_key(part, level, settings) if cache is not None else "" for part in parts]
    found = [cache.get(key) if cache is not None else None for key in keys]
    todo = [index for index, fragment in enumerate(found) if fragment is None]

    def one(index: int) -> Fragment | str:
        """Part ``index`` converted, or why the text must be read whole (in a worker or here)."""
        part = parts[index]
        with recording.holding(part.start) as warnings:
            html, structure = convert_part(part.lines, part.has_title, level, part.start)
        try:
            return _fragment(html, structure, warnings)
        except _Unsplittable as exc:
            return str(exc)

    side_by_side = _side_by_side([parts[index] for index in todo], jobs)
    results, forked = _converted(one, todo, jobs if side_by_side else 1)
    for index, made in zip(todo, results, strict=False):
        if isinstance(made, str):
            return _whole(lines, has_title, convert_part, made)
        found[index] = made
    fragments = list(zip(parts, keys, found, strict=True))
    joined = _join([fragment for _part, _key, fragment in fragments], level)  # type: ignore[misc]
    if joined is None:  # the parts' ids meet, or a part read its headings otherwise
        return _whole(lines, has_title, convert_part, "ids or headings that meet across chapters")
    if cache is not None:  # the parts not converted and not another text's of this build: the last build's
        converted = set(todo)
        cache.reused += sum(1 for index, key in enumerate(keys) if index not in converted and key not in cache.used)
    for part, key, fragment in fragments:
        recording.give(part.start, fragment.warnings)
        # A warning found outside its chapter's lines (or at none) would not move with them: not kept.
        inside = all(line is not None and 0 <= line < part.end - part.start for _message, line in fragment.warnings)
        if cache is not None and inside:
            cache.keep(key, fragment)
    COUNTS.converted += len(todo)
    COUNTS.in_workers += forked
    COUNTS.parts += len(parts)
    return joined


def _side_by_side(parts: list[Part], jobs: int) -> bool:
    """Whether these parts are converted in worker processes: more than one, ``jobs`` above 1,
    and text enough that the processes finish sooner than this one alone (see
    :data:`SIDE_BY_SIDE_FROM`)."""
    characters = sum(len(line) + 1 for part in parts for line in part.lines)
    return jobs > 1 and len(parts) > 1 and characters >= SIDE_BY_SIDE_FROM


def _converted(
    one: Callable[[int], Fragment | str], todo: list[int], jobs: int
) -> tuple[Iterable[Fragment | str], int]:
    """``one(index)`` for each index of ``todo``, in order, and how many ran in worker processes:
    here one after the other (as the caller takes them, so none after one that makes the text
    read whole) when ``jobs`` is 1, else side by side in ``jobs`` worker processes (none where
    the system cannot fork). Either way a fault is raised as here (:func:`_in_order`)."""
    if jobs <= 1:
        return map(one, todo), 0
    # The first part is converted here, before the fork: the workers inherit what it loaded
    # (the extensions' modules, their compiled patterns), and so does this process's next build
    # (a ``watch`` converts the chapter that changed here).
    first = one(todo[0])
    if isinstance(first, str):  # the text is read whole: nothing more to convert in parts
        return [first], 0
    with Workers(jobs, _caught(one), task="reading") as workers:
        results = workers.map([(index,) for index in todo[1:]])
    return _in_order([first, *results]), workers.forked


def _in_order(results: list[Fragment | str | Exception]) -> Iterator[Fragment | str]:
    """The workers' results as the parts converted one after the other would give them: the
    first fault raised, and nothing after a part that makes the text read whole."""
    for result in results:
        if isinstance(result, Exception):
            raise result
        yield result
        if isinstance(result, str):
            return


def _caught(one: Callable[[int], Fragment | str]) -> Callable[[int], Fragment | str | Exception]:
    """``one`` that gives back what it raises rather than raising it, so that the parent raises
    the fault a conversion in order would meet first (a part before it may send the text to be
    read whole). A worker's death still ends the reading at once, as a clear error."""

    def caught(index: int) -> Fragment | str | Exception:
        try:
            return one(index)
        except Exception as exc:  # raised again by the parent, in order
            return portable(exc, "reading")

    return caught


def _whole(lines: list[str], has_title: bool, convert_part: Convert, why: str) -> tuple[str, Structure]:
    COUNTS.converted += 1
    COUNTS.whole = why
    return convert_part(lines, has_title, 0, 0)


def _key(part: Part, level: int, settings: str) -> str:
    digest = hashlib.sha256()
    digest.update(json.dumps([FORMAT, _versions(), part.has_title, level, settings]).encode())
    digest.update("\n".join(part.lines).encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


@functools.cache
def _versions() -> tuple[str, ...]:
    """The versions of the libraries that convert and of this package, and the size and time of
    each file of this package, so that a changed reader in a working copy is a miss (once a process)."""
    code = hashlib.sha256()
    for module in sorted(Path(__file__).parent.parent.rglob("*.py")):
        stat = module.stat()
        code.update(f"{module.name} {stat.st_size} {stat.st_mtime_ns}\n".encode())
    found = [markdown.__version__, code.hexdigest()]
    for name in ("pymdown-extensions", "report-build"):
        try:
            found.append(package_metadata.version(name))
        except package_metadata.PackageNotFoundError:
            found.append("")
    return tuple(found)


def _fragment(html: str, structure: Structure, warnings: list[tuple[str, int | None]]) -> Fragment:
    notes = ""
    if structure.notes:
        if html.count(NOTES_DIV) != 1 or not html.endswith("</ol>\n</div>"):
            raise _Unsplittable("a note holding what looks like the notes block")
        at = html.rindex(NOTES_DIV)
        html, block = html[:at].rstrip("\n"), html[at:]
        notes = block[len(NOTES_DIV) : -len("</ol>\n</div>")]
    kept = asdict(structure)
    kept["anchors"] = {"aliases": list(structure.anchors.aliases.items()), "renumbered": structure.anchors.renumbered}
    return Fragment(html, notes, kept, list(warnings))


class _Unsplittable(Exception):  # noqa: N818 (not an error: the text is read whole)
    """A part whose HTML cannot be taken apart as converted: the text is converted whole."""


def _join(fragments: list[Fragment], level: int) -> tuple[str, Structure] | None:
    """The fragments as one text's HTML and structure; None when they cannot be joined as read."""
    owned: dict[str, int] = {}
    for number, fragment in enumerate(fragments):
        names = set(re.findall(r' id="([^"]*)"', fragment.html + fragment.notes))
        names.update(name for name, _ in fragment.structure["anchors"]["aliases"])
        if fragment.structure["title_id"]:  # the title heading left the HTML; its id was still taken
            names.add(fragment.structure["title_id"])
        for name in names:
            if owned.setdefault(name, number) != number:
                return None
    own_levels = [f.structure["own_level"] for f in fragments if f.structure["own_level"]]
    if (min(own_levels) if own_levels else level) != level:
        return None
    if any(f.structure["has_preface"] or not f.structure["chapters"] for f in fragments[1:]):
        return None  # a cut fell where no chapter starts
    if not fragments[0].structure["chapters"] and fragments[0].html.strip():
        return None  # what comes before the first chapter (a rule, say) waits for it in one text
    structure = Structure(chapter_level=level, anchors=Anchors())
    offset = 0
    for fragment in fragments:
        found = fragment.structure
        if found["title"] and not structure.title:
            structure.title, structure.title_id = found["title"], found["title_id"]
        structure.has_preface = structure.has_preface or found["has_preface"]
        structure.headings.extend(
            FoundHeading(h["level"], h["id"], h["text"], h["chapter"] + offset) for h in found["headings"]
        )
        structure.duplicate_ids.extend(tuple(pair) for pair in found["duplicate_ids"])
        for name, ident in found["anchors"]["aliases"]:
            structure.anchors.aliases.setdefault(name, ident)
        structure.anchors.renumbered.extend(tuple(item) for item in found["anchors"]["renumbered"])
        offset += found["chapters"]
    structure.chapters = offset
    html = "".join(fragment.html for fragment in fragments)
    notes = "".join(fragment.notes for fragment in fragments)
    if notes:
        structure.notes = 1
        html += f"\n{NOTES_DIV}{notes}</ol>\n</div>"
    return html, structure


class Fragments:
    """The fragment cache of one manuscript and edition: read from ``cache`` under ``name``,
    written back with the fragments this build used (so it never grows past one build's)."""

    def __init__(self, cache: BuildCache, name: str) -> None:
        self.cache, self.name = cache, name
        self.found: dict[str, Fragment] = {}
        self.used: dict[str, Fragment] = {}
        self.reused = 0  # chapters taken from the last build's fragments (counted by :func:`convert`)
        data = cache.read(name)
        if data:
            try:
                self.found = {key: Fragment(**value) for key, value in json.loads(data).items()}
            except (ValueError, TypeError):
                self.found = {}  # another version's entry: a miss

    def get(self, key: str) -> Fragment | None:
        """The fragment of this key: converted earlier in this build (another output's text),
        or by the last build."""
        if key in self.used:
            return self.used[key]
        return self.found.get(key)

    def keep(self, key: str, fragment: Fragment) -> None:
        self.used[key] = fragment

    def save(self) -> None:
        if self.used and self.used.keys() != self.found.keys():
            data = {key: asdict(fragment) for key, fragment in self.used.items()}
            self.cache.put(self.name, json.dumps(data, ensure_ascii=False, sort_keys=True).encode())


class Recording:
    """The warnings a part gives while it is converted, held back until the parts are joined
    (a text converted whole after all gives its own), and given again for a cached part.

    ``warn(message, line)`` is the build's warner (a composed line); ``first_line`` the composed
    line of the body's first line. Lines are kept counted from the part's first line, so that a
    cached chapter's warnings name its lines after an edit above it."""

    def __init__(self, warn: Callable[[str, int | None], None], first_line: int) -> None:
        self.warn, self.first_line = warn, first_line
        self.held: list[tuple[str, int | None]] | None = None
        self.start = 0

    @contextmanager
    def holding(self, start: int) -> Iterator[list[tuple[str, int | None]]]:
        held: list[tuple[str, int | None]] = []
        self.held, self.start = held, start
        try:
            yield held
        finally:
            self.held, self.start = None, 0

    def __call__(self, message: str, line: int | None) -> None:
        """A warning given during a conversion: held while a part is converted, else given."""
        if self.held is None:
            self.warn(message, line)
        else:
            self.held.append((message, None if line is None else line - self.first_line - self.start))

    def give(self, start: int, warnings: list[tuple[str, int | None]]) -> None:
        for message, relative in warnings:
            self.warn(message, None if relative is None else relative + self.first_line + start)


def cache_name(path: Path, settings: object) -> str:
    """The cache entry of a manuscript read with these settings (language, profile ...)."""
    digest = hashlib.sha256(json.dumps([str(path.resolve()), repr(settings)]).encode()).hexdigest()[:24]
    return f"fragments-{digest}.json"


__all__ = ["COUNTS", "Counts", "Fragments", "Recording", "cache_name", "convert", "split"]
