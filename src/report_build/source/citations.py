"""Citations and the bibliography, formatted by a CSL style through citeproc-py.

- ``bibliography:`` in the front matter names one or several CSL-JSON (``.json``), CSL-YAML
  (``.yaml``, ``.yml``: a list, or a mapping with ``references:``) or BibTeX (``.bib``, read by
  pybtex: :mod:`.bibtex`) files inside the manuscript's folder;
- ``csl:`` names any CSL style file; without it, :data:`DEFAULT_STYLE`, the author-date style
  that ships with citeproc-py (Cite Them Right, Harvard; CC BY-SA 3.0), is used;
- the locale follows the manuscript's language, falling back to English.

Invariants: nothing here reads the network or a file outside the manuscript's folder
(citeproc-py's styles and locales are files of the installed package); keys are compared
case-insensitively, as citeproc-py does; what citeproc-py writes passes the one sanitiser
(:func:`.sanitize.fragment`), since it copies the bibliography's fields into its HTML as they
are, markup and all: a title holding ``<script>`` is removed with a warning at its entry.
"""

from __future__ import annotations

import io
import json
import re
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import lxml.html
import yaml
from lxml import etree

from ..errors import Diagnostics, ManuscriptError
from . import bibtex, files, frontmatter, sanitize
from .refsyntax import Item
from .text import REMOVED, SourceMap, escape_line, read_text

DEFAULT_STYLE = "harvard-cite-them-right"
FORMATS = (".json", ".yaml", ".yml", ".bib")


@dataclass
class Bibliography:
    paths: tuple[Path, ...]
    entries: list[dict[str, Any]]  # CSL-JSON items, from every file
    source: Any  # a citeproc BibliographySource
    style_path: Path | None = None

    @property
    def keys(self) -> frozenset[str]:
        return frozenset(str(key).lower() for key in self.source)


def load(
    paths: tuple[Path, ...], style: Path | None, where: Path, line: int | None, diagnostics: Diagnostics
) -> Bibliography:
    """Read the bibliography files; a file that cannot be read is an error at the front matter
    key. A key that a later file gives again keeps its first entry, with a warning."""
    from citeproc.source.json import CiteProcJSON

    entries: list[dict[str, Any]] = []
    seen: dict[str, Path] = {}
    for path in paths:
        for entry in _read(path, where, line, diagnostics):
            key = str(entry["id"]).lower()
            if key in seen:
                diagnostics.warn(
                    f"bibliography entry '{entry['id']}' is also in {seen[key].name}; the first is kept", path, None
                )
                continue
            seen[key] = path
            entry.setdefault("type", "document")
            entries.append(entry)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            source = CiteProcJSON([dict(e, id=str(e["id"])) for e in entries])
    except (KeyError, TypeError, ValueError) as exc:
        raise ManuscriptError(f"bibliography entry cannot be read: {exc}", paths[0]) from None
    return Bibliography(paths, entries, source, style)


def _read(path: Path, where: Path, line: int | None, diagnostics: Diagnostics) -> list[dict[str, Any]]:
    """The CSL-JSON items of one bibliography file."""
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise ManuscriptError(
            f"bibliography '{path.name}' must be CSL-JSON (.json), CSL-YAML (.yaml) or BibTeX (.bib)", where, line
        )
    text = read_text(path, diagnostics)  # what no page can hold, or marks, removed with a warning
    if suffix == ".bib":
        return bibtex.read(path, diagnostics.warn, text)
    try:
        data = _json(text, path, diagnostics) if suffix == ".json" else frontmatter.load(text, path, diagnostics)[1]
    except (ValueError, yaml.YAMLError) as exc:
        mark = getattr(exc, "problem_mark", None)
        number = getattr(exc, "lineno", None) or (mark.line + 1 if mark else None)
        raise ManuscriptError(f"bibliography is not valid {suffix[1:].upper()}: {exc}", path, number) from None
    if isinstance(data, dict) and isinstance(data.get("references"), list):
        data = data["references"]
    if not isinstance(data, list) or not all(isinstance(e, dict) and e.get("id") for e in data):
        raise ManuscriptError("bibliography must be a list of CSL entries, each with an 'id'", path, 1)
    seen: set[str] = set()
    for entry in data:
        key = str(entry["id"]).lower()
        if key in seen:
            raise ManuscriptError(f"bibliography entry '{entry['id']}' is given twice", path, None)
        seen.add(key)
    return data


def _json(text: str, path: Path, diagnostics: Diagnostics) -> Any:
    """CSL-JSON, each character no page can hold that an escape writes (``"\\ud800"``) taken out
    with a warning at the line of its first escape."""

    def clean(value: Any) -> Any:
        if isinstance(value, str) and REMOVED.search(value):
            for char in dict.fromkeys(REMOVED.findall(value)):
                diagnostics.warn(frontmatter.escape_removed(char), path, escape_line(text, char))
            return REMOVED.sub("", value)
        if isinstance(value, list):
            return [clean(item) for item in value]
        if isinstance(value, dict):
            return {clean(key): clean(item) for key, item in value.items()}
        return value

    return clean(json.loads(text))


def style_class(style: Path | None) -> str:
    """``in-text`` or ``note``: what the CSL style says it is."""
    from citeproc import CitationStylesStyle

    loaded = CitationStylesStyle(_style_source(style), validate=False)
    return str(loaded.root.get("class", "in-text"))


def _style_source(style: Path | None) -> Any:
    """What citeproc-py reads a style from: the manuscript's own as this build read it (lxml
    would open the file again, unseen), or the name of the bundled default."""
    return io.BytesIO(files.read_bytes(style)) if style else DEFAULT_STYLE


class Formatter:
    """Registers every citation of the document, then formats them and the bibliography.

    ``warn(message, path, line)`` hears of markup removed from what citeproc-py wrote, at the
    bibliography entry it came from (once per entry and message)."""

    def __init__(
        self,
        bibliography: Bibliography,
        language: str,
        warn: Callable[[str, Path, int | None], None] | None = None,
    ):
        self.warn = warn
        self.warned: set[str] = set()
        from citeproc import CitationStylesBibliography, CitationStylesStyle, formatter

        locale = _locale(language)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            style = CitationStylesStyle(_style_source(bibliography.style_path), locale=locale, validate=False)
        self.note_style = style.root.get("class") == "note"
        self.processor = CitationStylesBibliography(style, bibliography.source, formatter.html)
        self.bibliography = bibliography
        self.citations: list[Any] = []

    def register(self, items: tuple[Item, ...]) -> int:
        from citeproc import Citation, CitationItem
        from citeproc.source import Locator

        cited = []
        for item in items:
            extra: dict[str, Any] = {}
            if item.locator:
                extra["locator"] = Locator(item.label or "page", item.locator)
            if item.prefix:
                extra["prefix"] = item.prefix + " "
            if item.suffix:
                extra["suffix"] = ", " + item.suffix
            cited.append(CitationItem(item.key, **extra))
        citation = Citation(cited)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            self.processor.register(citation)
        self.citations.append(citation)
        return len(self.citations) - 1

    def sort(self) -> None:
        """Put the bibliography in the style's order; once every citation is registered, before citing."""
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            self.processor.sort()

    def cite(self, number: int) -> str:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            markup = str(self.processor.cite(self.citations[number], lambda item: None))
        keys = [str(item.key) for item in self.citations[number].cites]
        return xhtml(self._clean(markup, keys, links=False))  # it goes inside the citation's own link

    def entries(self) -> list[tuple[str, str]]:
        """(key, formatted entry) for every cited entry, in the style's order."""
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            rendered = [str(entry) for entry in self.processor.bibliography()]
        keys = [str(key) for key in self.processor.keys]
        return [(key, xhtml(self._clean(markup, [key]))) for key, markup in zip(keys, rendered, strict=False)]

    def _clean(self, markup: str, keys: list[str], links: bool = True) -> str:
        """citeproc-py's HTML through the one sanitiser; a removal is a warning at the entries' line."""

        def warn(message: str) -> None:
            for key in keys:
                text = f"bibliography entry '{key}': {message}"
                if self.warn is not None and text not in self.warned:
                    self.warned.add(text)
                    self.warn(text, *self._place_of(key))

        return sanitize.fragment(markup, warn, links)

    def _place_of(self, key: str) -> tuple[Path, int | None]:
        """The bibliography file, of several, where an entry's key is written, and its line
        (the first file, without a line, when none has it)."""
        for path in self.bibliography.paths:
            try:
                source = SourceMap(path, read_text(path))
            except (OSError, ManuscriptError):
                continue
            for needle in (f'"{key}"', f"'{key}'", f"{{{key},", f"id: {key}", key):
                line = source.find(needle)
                if line is not None:
                    return path, line
        return self.bibliography.paths[0], None


def _locale(language: str) -> str:
    """A locale citeproc-py ships for the language: exact, then by primary tag, then en-US."""
    import citeproc

    folder = Path(citeproc.__file__).parent / "data" / "locales"
    names = sorted(p.name[len("locales-") : -len(".xml")] for p in folder.glob("locales-*.xml"))
    for candidate in (language, language.split("-")[0]):
        for name in names:
            if name.lower() == candidate.lower():
                return name
        for name in names:
            if name.split("-")[0].lower() == candidate.lower():
                return name
    return "en-US"


def xhtml(markup: str) -> str:
    """citeproc-py's HTML as well-formed XHTML (its entities and tags through lxml)."""
    fragments = lxml.html.fragments_fromstring(markup) if markup.strip() else []
    parts = []
    for fragment in fragments:
        if isinstance(fragment, str):
            parts.append(_escape(fragment))
        else:
            parts.append(etree.tostring(fragment, method="xml", encoding="unicode", with_tail=True))
    return "".join(parts)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def as_notes(body: list[tuple[str, Any, int]]) -> list[tuple[str, Any, int]]:
    """With a note style, each bracketed citation becomes a footnote holding it (as pandoc does).

    ``body`` is composed text, line by line with its origin; the notes' definitions are added at
    the end with the origin of their call, so a message about one still names its line."""
    from .refsyntax import BRACKETED, XREF_PREFIXES
    from .text import FENCE

    citation = re.compile(r"[ \t]*" + BRACKETED.pattern)  # the call takes the citation's place, space and all

    out: list[tuple[str, Any, int]] = []
    notes: list[tuple[str, Any, int]] = []
    fence: str | None = None

    def to_note(match: Any, where: Any, line: int) -> str:
        inside = match.group(1)
        if "`" in inside or all(part.strip().lstrip("-@").startswith(XREF_PREFIXES) for part in inside.split(";")):
            return str(match.group(0))
        label = f"rb-citation-{len(notes) + 1}"
        notes.append((f"[^{label}]: {match.group(0).strip()}", where, line))
        return f"[^{label}]"

    for text, where, line in body:
        found = FENCE.match(text)
        if fence is not None or found:
            if fence is None:
                fence = found.group(1)[0]
            elif found and found.group(1)[0] == fence:
                fence = None
            out.append((text, where, line))
            continue
        if "@" in text and not text.startswith("    ") and "`" not in text:
            text = citation.sub(lambda m, w=where, n=line: to_note(m, w, n), text)
        out.append((text, where, line))
    if notes:
        out.append(("", notes[0][1], notes[0][2]))
        out.extend(notes)
    return out
