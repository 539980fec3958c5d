"""A manuscript in several files, read into one document.

Order: front matter of the main file -> :mod:`.compose` (chapters, includes, variables,
conditions) -> the parser, on the composed text -> :mod:`.crossref` (numbers, citations,
References). Messages about composed lines are turned back into ``file:line`` of the file the
line was written in, for errors and warnings alike, so nothing downstream needs to know the
manuscript was in several files.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from ..errors import LINE_REFERENCE, Diagnostics, ReportBuildError
from ..model import Document, Passages
from ..theme import Theme
from . import citations, crossref, dialects, divs, frontmatter
from .compose import Composed, LineMap, Selection, compose
from .dates import is_date_word, last_modified
from .dialects import bookdown
from .text import SourceMap, read_text, shown_name

ParseText = Callable[..., tuple[Document, Theme]]


class MappedDiagnostics:
    """Forwards warnings, with a composed line turned into the file and line it came from."""

    def __init__(self, inner: Diagnostics, path: Path, lines: LineMap):
        self.inner = inner
        self.path = path
        self.lines = lines

    def warn(self, message: str, path: Path | str | None = None, line: int | None = None) -> None:
        path, line = locate(self.path, self.lines, path, line)
        self.inner.warn(LINE_REFERENCE.sub(lambda found: self._named(int(found.group(1)), path), message), path, line)

    def _named(self, line: int, here: Path | str | None) -> str:
        """A composed line a message names (:func:`..errors.line_reference`), from ``here``."""
        where, number = self.lines.locate(line)
        if where is None or (here is not None and Path(here) == where):
            return f"line {number}"
        return f"{shown_name(where, self.path.parent)}:{number}"

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


def locate(main: Path, lines: LineMap, path: Path | str | None, line: int | None) -> tuple[Any, int | None]:
    if path is not None and line is not None and Path(path) == main:
        where, number = lines.locate(line)
        if where is not None:
            return where, number
    return path, line


@contextmanager
def located(main: Path, lines: LineMap) -> Iterator[None]:
    """Errors raised inside name the file and line the composed line came from."""
    try:
        yield
    except ReportBuildError as exc:
        exc.path, exc.line = locate(main, lines, exc.path, exc.line)
        if exc.path is not None:
            exc.path = Path(exc.path)
        raise


def load(
    path: Path, diagnostics: Diagnostics, selection: Selection | None, parse_text: ParseText
) -> tuple[Document, Theme]:
    """Compose, parse and resolve; ``parse_text(path, text, diagnostics, keys, translation, front,
    quiet) -> (document, theme)`` is the parser, ``front`` the main file's front matter as read
    here once: (values, their lines, lines before the body). Returns the document and the theme it was read with.

    A document whose passages depend on the output format or edition, read before a writer
    chooses, also carries the text of every output (:attr:`Document.variants`): each distinct
    composed text is parsed once more, so that :meth:`Document.for_output` only chooses."""
    selection = selection or Selection()
    text = read_text(path, diagnostics)
    front, _body, offset = frontmatter.split(text, path)
    raw, key_lines = frontmatter.parse(front, path, diagnostics)
    source = _Source(path, text, offset, raw, key_lines)
    composed = compose(path, text, offset, raw, key_lines, selection, diagnostics)
    bibliography = _bibliography(path, raw, key_lines, diagnostics)
    document, theme = _parsed(source, composed, selection, bibliography, diagnostics, parse_text)
    if composed.conditional and selection.output is None:
        document = replace(document, variants=_variants(source, selection, bibliography, parse_text))
    if is_date_word(raw.get("date"), "last-modified"):
        document = _dated(document, last_modified(_sources(document)))
    return document, theme


def _sources(document: Document) -> list[Path]:
    """The files a reader's text came from, for ``date: last-modified``: the manuscript, the
    files it brings in (chapters, includes, variables, bibliography, style, chart specs and data)
    and its images. Not the changelog (with one, the date is its newest version's), nor the
    layouts: they change how the report looks, not what it says."""
    images = [image.path for image in document.images if image.data is None]
    cover = [document.metadata.cover_image] if document.metadata.cover_image is not None else []
    return [document.source, *document.inputs, *images, *cover]


def _dated(document: Document, day: dt.date) -> Document:
    """The document, and the text of each of its outputs, dated ``day``."""
    variants = tuple(replace(v, metadata=replace(v.metadata, date=day)) for v in document.variants)
    return replace(document, metadata=replace(document.metadata, date=day), variants=variants)


@dataclass(frozen=True)
class _Source:
    """The main file as read: its text, where its body starts, its front matter."""

    path: Path
    text: str
    offset: int
    raw: dict[str, Any]
    key_lines: dict[str, int]


def _parsed(
    source: _Source,
    composed: Composed,
    selection: Selection,
    bibliography: citations.Bibliography | None,
    diagnostics: Diagnostics,
    parse_text: ParseText,
    quiet: bool = False,
) -> tuple[Document, Theme]:
    """The composed text parsed, its references resolved, and the profile's front matter applied
    (``quiet``: another output's text, whose faults the first reading reported)."""
    path, offset = source.path, source.offset
    keys = bibliography.keys if bibliography is not None else frozenset()
    mapped = MappedDiagnostics(diagnostics, path, composed.lines)
    with located(path, composed.lines):
        front = (source.raw, source.key_lines, offset)
        document, theme = parse_text(
            path, composed.text, mapped, keys, selection.translation, front, quiet, composed.files
        )
        if selection.translation is not None:  # units at composed lines: at the lines written
            selection.translation.relocate(composed.lines.locate)
        document = _resolve(document, theme, composed, bibliography, offset, path, mapped)
    changes = {key: value for name, key, value in document.metadata.profiles if name == selection.profile}
    if changes:
        document = replace(document, metadata=replace(document.metadata, **changes))
    extra = list(composed.inputs) + list(document.inputs)  # document.inputs: chart specs and data
    if bibliography is not None:
        extra.extend(bibliography.paths)
        if bibliography.style_path is not None:
            extra.append(bibliography.style_path)
    document = replace(
        document,
        inputs=tuple(dict.fromkeys(extra)),
        profile=selection.profile or "",
        conditional=composed.conditional,
    )
    return document, theme


def _variants(
    source: _Source,
    selection: Selection,
    bibliography: citations.Bibliography | None,
    parse_text: ParseText,
) -> tuple[Passages, ...]:
    """The text of every (format, edition) the build makes (``selection.formats``, else every
    format; both editions, which a writer may ask for): composed for each, and each distinct
    composed text parsed once, with the build's own options (remote images, site root, translation, profile).
    Its faults were reported on the reading that kept every passage, so these readings are quiet."""
    found: dict[str, tuple[Composed, Selection, list[tuple[str, str]]]] = {}
    for output in selection.formats or divs.FORMATS:
        for edition in divs.EDITIONS:
            translation = selection.translation.fresh() if selection.translation is not None else None
            chosen = replace(selection, output=output, edition=edition, translation=translation)
            composed = compose(
                source.path, source.text, source.offset, source.raw, source.key_lines, chosen, Diagnostics(echo=False)
            )
            found.setdefault(composed.text, (composed, chosen, []))[2].append((output, edition))
    variants = []
    for composed, chosen, outputs in found.values():
        document, _theme = _parsed(
            source, composed, chosen, bibliography, Diagnostics(echo=False), parse_text, quiet=True
        )
        variants.append(
            Passages(
                outputs=tuple(outputs),
                metadata=document.metadata,
                chapters=document.chapters,
                figures=document.figures,
                images=document.images,
                tables=document.tables,
                attachments=document.attachments,
            )
        )
    return tuple(variants)


def _bibliography(
    path: Path, raw: dict[str, Any], key_lines: dict[str, int], diagnostics: Diagnostics
) -> citations.Bibliography | None:
    """The bibliography the front matter names (one file or several); for an R Markdown chapter
    that names none, the one its book uses (:func:`.dialects.bookdown.bibliography_files`)."""
    root = path.parent
    names = raw.get("bibliography")
    if isinstance(names, str):
        names = [names]
    if names is None and "bookdown" in dialects.enabled(raw.get("dialects")):
        found = bookdown.bibliography_files(path)
        if found:
            diagnostics.note(
                f"citations read from {', '.join(p.name for p in found)} (the chapter names no bibliography)"
            )
        names = [p.relative_to(root).as_posix() for p in found]
    if not isinstance(names, list) or not all(isinstance(name, str) for name in names):
        return None  # wrong: the front matter check says so
    targets = tuple(dict.fromkeys((root / name.strip()).resolve() for name in names))
    if not targets or not all(target.is_file() for target in targets):
        return None  # missing: the front matter check says so
    style = raw.get("csl")
    style_path = (
        (root / style.strip()).resolve() if isinstance(style, str) and (root / style.strip()).is_file() else None
    )
    return citations.load(targets, style_path, path, key_lines.get("bibliography"), diagnostics)


def _resolve(
    document: Document,
    theme: Theme,
    composed: Composed,
    bibliography: citations.Bibliography | None,
    offset: int,
    path: Path,
    diagnostics: MappedDiagnostics,
) -> Document:
    source = SourceMap(path, composed.text, offset)
    found: dict[str, int] = {}

    def find_line(written: str) -> int | None:
        line = source.find(written, found.get(written, 0) + 1)
        if line is not None:
            found[written] = line
        return line

    strings = theme.strings
    formatter = (
        citations.Formatter(bibliography, document.metadata.language, diagnostics.inner.warn) if bibliography else None
    )
    document, missing = crossref.resolve(document, strings, formatter, find_line)
    for item in missing:
        where, line = locate(path, composed.lines, path, item.line)
        diagnostics.inner.warn(item.message, Path(where) if where else None, line)
    chapters = tuple(_relocated(chapter, composed.lines) for chapter in document.chapters)
    # An image keeps its line only when it is written in the manuscript itself (Image has no file).
    images = tuple(
        replace(image, line=number if where == path else None)
        for image in document.images
        for where, number in [composed.lines.locate(image.line)]
    )
    return replace(document, chapters=chapters, images=images)


def _relocated(chapter: Any, lines: LineMap) -> Any:
    """Chapter, section and note lines as lines of the file each was written in."""

    def line_of(line: int | None) -> int | None:
        return lines.locate(line)[1] if line is not None else None

    where = lines.locate(chapter.line)[0] if chapter.line is not None else None
    return replace(
        chapter,
        source=where,
        line=line_of(chapter.line),
        sections=tuple(replace(s, line=line_of(s.line)) for s in chapter.sections),
        footnotes=tuple(replace(n, line=line_of(n.line)) for n in chapter.footnotes),
    )
