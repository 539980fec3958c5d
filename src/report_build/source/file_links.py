"""Links between the report's own files: ``[Methods](02-methods.md)``, ``[the survey](02-methods.md#survey)``.

A report written in several files (the manuscript and its ``chapters:``) links from one to
another as the tool it was written for reads such links: MkDocs, GitHub and Docusaurus by the
Markdown file (``02-methods.md``, ``./02-methods``), bookdown by the page it makes
(``02-methods.html#survey``), Hugo by ``{{< ref >}}``. In the report the files are one text,
so each such link becomes a link inside it, in two steps:

1. :func:`mark`, once the files are composed: a link target naming one of the report's files
   (relative to the file it is written in; by its name with any suffix, or none) becomes
   ``#report-build-file-N`` (N: the file's place in the report), and ``-fragment`` after it when
   it has one. Inline links, reference definitions and ``<a href>``; not images, not code.
2. :func:`resolve`, in the links pass, once the ids are made: the fragment is looked for among
   that file's headings first (so that ``03-results.md#summary`` lands on the results' summary,
   ``summary-2`` when two files before it have one too), then among every id; no fragment is
   the file's first heading. A target that goes nowhere is named as written in the warning.

The mark holds the file's place, not its lines: a translation's catalog keeps the text, and
moving a paragraph does not change it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import unquote

from .text import code_lines_of, outside_code_spans, shown_name

PREFIX = "report-build-file-"
MARKED = re.compile(rf"^{PREFIX}(\d+)(?:-(.*))?$", re.DOTALL)
SUFFIXES = frozenset({"", ".md", ".markdown", ".qmd", ".rmd", ".mdx", ".html", ".htm", ".txt"})

INLINE = re.compile(r"(?P<bang>!?)(?P<text>\[(?:[^\[\]]|\[[^\[\]]*\])*\]\(\s*)(?P<target><[^<>\n]*>|[^\s()<>]+)")
"""A link's text and target (``[text](target``); an image's (``![``) is left alone."""
DEFINITION = re.compile(
    r"^( {0,3}(?:>\s?)*\[(?!\^)[^\]]+\]:\s*)(<[^<>\n]*>|\S+)"
)  # [label]: target, not a note's [^1]:
ANCHOR_HREF = re.compile(r"(<a\s[^>]*?\bhref\s*=\s*)(\"[^\"]*\"|'[^']*')", re.IGNORECASE)
EXTERNAL = re.compile(r"^(?:[a-z][a-z0-9+.-]*:|//|#|/)", re.IGNORECASE)


@dataclass(frozen=True)
class ReportFile:
    """One of the report's files as its links name it: where its lines are in the composed text."""

    name: str  # as the manuscript's folder names it ("chapters/02-methods.md"), for messages
    first: int  # its first and last line in the composed text (includes in it count as its)
    last: int


def mark(
    out: list[tuple[str, Path, int]], order: Sequence[Path], body_start: int, root: Path
) -> tuple[list[tuple[str, Path, int]], tuple[ReportFile, ...]]:
    """The composed lines (text, file, line; the body from ``body_start``) with their links to
    the report's files (``order``, resolved) marked, and those files' places in the text."""
    places: dict[Path, list[int]] = {}  # each file as written in ``out``: its first and last line
    for number, (_text, where, _line) in enumerate(out, 1):
        place = places.setdefault(where, [number, number])
        place[1] = number
    resolved: dict[Path, list[int]] = {}
    for where, (first, last) in places.items():
        place = resolved.setdefault(where.resolve(), [first, last])
        place[:] = [min(place[0], first), max(place[1], last)]
    files = tuple(ReportFile(shown_name(path, root), *resolved.get(path, [0, 0])) for path in order)
    if not any(_may_link(text) for text, _, _ in out[body_start:]):
        return out, files
    numbers = {path: index for index, path in enumerate(order)}
    code = code_lines_of([text for text, _, _ in out[body_start:]])
    marked = list(out)
    for index in range(body_start, len(out)):
        text, where, line = out[index]
        if index - body_start in code or not _may_link(text):
            continue

        def target(written: str, where: Path = where) -> str:
            return _marked(written, where, numbers)

        marked[index] = (_rewritten(text, target), where, line)
    return marked, files


def _may_link(text: str) -> bool:
    """Whether a line may hold a link: an inline one, a reference definition or an ``<a href>``."""
    return "](" in text or "]:" in text or "href" in text


def _rewritten(text: str, target: Callable[[str], str]) -> str:
    def inline(match: re.Match[str]) -> str:
        if match.group("bang"):
            return match.group()
        return match.group("text") + target(match.group("target"))

    def anchor(match: re.Match[str]) -> str:
        quote = match.group(2)[0]
        return f"{match.group(1)}{quote}{target(match.group(2)[1:-1])}{quote}"

    definition = DEFINITION.match(text)
    if definition is not None:
        text = definition.group(1) + target(definition.group(2)) + text[definition.end() :]
    return outside_code_spans(text, lambda piece: ANCHOR_HREF.sub(anchor, INLINE.sub(inline, piece)))


def _marked(written: str, where: Path, numbers: dict[Path, int]) -> str:
    """``written`` (a link's target, maybe in ``<>``) marked when it names one of the report's files."""
    bare = written[1:-1] if written.startswith("<") and written.endswith(">") else written
    if not bare or EXTERNAL.match(bare):
        return written
    page, _hash, fragment = bare.partition("#")
    found = _file(unquote(page), where, numbers)
    if found is None:
        return written
    return f"#{PREFIX}{found}" + (f"-{fragment}" if fragment else "")


def _file(page: str, where: Path, numbers: dict[Path, int]) -> int | None:
    """The place of the report's file ``page`` names, from the folder of ``where``: the file
    itself, or one of the same name with a Markdown or web page's suffix (or none)."""
    page = page.rstrip("/")
    if not page or PurePosixPath(page).suffix.lower() not in SUFFIXES:
        return None
    try:
        wanted = (where.parent / page).resolve()
        if wanted in numbers:
            return numbers[wanted]
        stem = wanted.with_suffix("") if wanted.suffix.lower() in SUFFIXES else wanted
    except (OSError, ValueError):  # (a path that climbs to the root has no name to take a suffix)
        return None
    return next((number for path, number in numbers.items() if path.with_suffix("") == stem), None)


@dataclass(frozen=True)
class Resolved:
    """What a marked link means: the id it lands on (None: nowhere), and the target as written."""

    ident: str | None
    written: str


def resolve(
    fragment: str,
    files: Sequence[ReportFile],
    headings: Sequence[tuple[str, str, int | None]],
    anywhere: Callable[[str, frozenset[str] | None], str | None],
) -> Resolved | None:
    """A marked link's fragment (without ``#``) resolved, or None when it is not marked.

    ``headings``: each heading's (id, text as GitHub slugs it, composed line); ``anywhere(name,
    among)``: the id ``name`` means (directly or through the heading-id aliases) among the ids
    ``among``, or among all when None."""
    found = MARKED.match(fragment)
    if found is None:
        return None
    number, wanted = int(found.group(1)), found.group(2)
    if number >= len(files):
        return Resolved(None, fragment)
    file = files[number]
    written = file.name + (f"#{wanted}" if wanted else "")
    own = [(ident, slug) for ident, slug, line in headings if line is not None and file.first <= line <= file.last]
    if not wanted:
        return Resolved(own[0][0] if own else None, written)
    ident = anywhere(wanted, frozenset(ident for ident, _slug in own))
    if ident is None:
        spelled = {wanted, unquote(wanted), unquote(wanted).lower()}
        ident = next((ident for ident, slug in own if slug in spelled), None)
    return Resolved(ident or anywhere(wanted, None), written)
