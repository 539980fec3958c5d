"""The WeasyPrint call: HTML and stylesheets laid out into pages, reading only from the
manuscript and layouts folders, with WeasyPrint's log turned into our warnings and errors.

:func:`lay_out_html` is WeasyPrint's ``render``; :meth:`LaidOut.write` its ``write_pdf``. Between
the two, the caller can read the pages (the page map for the ePub) and start other work while
the PDF is written."""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import shutil
import weakref
from collections.abc import Callable, Collection
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pyphen
from weasyprint import CSS, HTML
from weasyprint.css.counters import CounterStyle
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import FatalURLFetchingError

from ...cache import BuildCache, stamp
from ...errors import Diagnostics, RenderError, TemplateError
from ...fonts import STYLE_BY_WEIGHT
from ...theme import Theme
from ..pagination import PageMark
from . import (
    dictionary_breaks,
    fixes,  # noqa: F401 (applies a layout correction)
    font_stamps,  # noqa: F401 (re-saved fonts keep their timestamp: reproducible bytes)
    leaders,  # noqa: F401 (leader dots set in runs, not one box each)
    markup,
    mirrored_glyphs,  # a bracket drawn mirrored: one text in one pass and in groups
    references,  # noqa: F401 (page references kept while the structure tree is written)
    svgtext,  # noqa: F401 (SVG labels laid out as whole strings: Arabic joins, kerning holds)
    word_breaks,
)
from .fetcher import SandboxFetcher
from .log import RendererMessage, captured_weasyprint_log


def _faces_by_style_name(fonts: FontConfiguration) -> None:
    """WeasyPrint's fontconfig set-up with :data:`...fonts.STYLE_BY_WEIGHT` added, so a regular
    text is drawn by the file named Regular when a family's files claim one weight."""
    from weasyprint.text.ffi import ffi, fontconfig, pangoft2

    fontconfig.FcConfigParseAndLoadFromMemory(fonts._config, STYLE_BY_WEIGHT, True)
    pangoft2.pango_fc_font_map_config_changed(ffi.cast("PangoFcFontMap *", fonts.font_map))


@dataclass(frozen=True)
class LaidOut:
    """A laid-out document: WeasyPrint's pages, where each page begins (for the ePub's page
    list), and what :meth:`write` needs to make the PDF from them."""

    pages: Any  # weasyprint.Document
    source: Path
    diagnostics: Diagnostics
    marks: tuple[PageMark, ...] = ()
    options: dict[str, Any] = field(default_factory=dict)  # write_pdf options: variant, finisher...
    finish: Callable[[bytes], bytes] | None = None  # the edition's last step on the written bytes
    direction: str = "ltr"  # the document's: the text of its mirrored brackets (mirrored_glyphs)

    def without(self, indexes: Collection[int]) -> LaidOut:
        """The same pages but those at ``indexes``, not laid out again (the screen edition's
        part of a parallel layout, without its blank left-hand pages)."""
        if not indexes:
            return self
        kept = [page for index, page in enumerate(self.pages.pages) if index not in indexes]
        return replace(self, pages=self.pages.copy(kept))

    def write(self) -> bytes:
        """The PDF's bytes. The pages are not laid out again; WeasyPrint's warnings are reported."""
        with captured_weasyprint_log() as log, mirrored_glyphs.reading(self.direction):
            try:
                data = self.pages.write_pdf(custom_metadata=False, pdf_tags=True, **self.options)
            except FatalURLFetchingError as exc:
                raise RenderError(f"PDF: {exc.__cause__ or exc}", self.source) from None
        report(log.located, self.source, self.diagnostics)
        if not data:
            raise RenderError("PDF renderer produced no bytes", self.source)
        return self.finish(data) if self.finish is not None else data


def lay_out_html(
    html: str,
    *,
    theme: Theme,
    root: Path,
    source: Path,
    stylesheets: tuple[str, ...],
    page: str,
    diagnostics: Diagnostics,
    replacements: dict[Path, bytes] | None = None,
    extra_css: str = "",
    **options: Any,
) -> LaidOut:
    """One WeasyPrint layout pass; ``extra_css`` goes after the layout's stylesheets (a parallel
    group's hand-over); ``options`` are kept for :meth:`LaidOut.write`."""
    fetcher = SandboxFetcher([root, *theme.dirs], replacements)
    paths = [path for path in (theme.find(name) for name in stylesheets) if path is not None]
    word_breaks.use_for(html)  # Korean words, Khmer, Lao and Burmese clusters kept whole, when there are some
    try:
        parsed = _parsed(page, paths, fetcher)
        fonts, counters = parsed.fonts, parsed.counters
        with captured_weasyprint_log() as log:
            sheets = list(parsed.sheets)
            if extra_css:
                sheets.append(CSS(string=extra_css, font_config=fonts, counter_style=counters))
            rendered = HTML(string=html, base_url=root.as_uri() + "/", url_fetcher=fetcher).render(
                stylesheets=sheets,
                font_config=fonts,
                counter_style=counters,
                pdf_tags=True,
                presentational_hints=markup.needs_presentational_hints(html),
            )
    except FatalURLFetchingError as exc:
        raise RenderError(f"PDF: {exc.__cause__ or exc}", source) from None
    if dictionary_breaks.ZWSP in html:
        dictionary_breaks.unmark_bookmarks(rendered.pages)  # the outline without the words' break opportunities
    report([*parsed.said, *log.located], source, diagnostics)
    direction = "rtl" if RIGHT_TO_LEFT_ROOT.match(html) else "ltr"
    return LaidOut(rendered, source, diagnostics, options=options, direction=direction)


RIGHT_TO_LEFT_ROOT = re.compile(r'(?:<!DOCTYPE[^>]*>\s*)?<html\b[^>]*\sdir="rtl"', re.IGNORECASE)


@dataclass(frozen=True)
class Parsed:
    """The page rules and the layout's stylesheets, parsed, with the fonts their ``@font-face``
    rules add and the ``@counter-style`` rules they define (shared by every stylesheet of a
    layout, so that those rules take effect)."""

    fonts: FontConfiguration
    counters: CounterStyle
    sheets: tuple[CSS, ...]
    said: tuple[RendererMessage, ...]  # what WeasyPrint logged while parsing them: said at each use


KEPT: dict[int, tuple[str, Parsed]] = {}
"""The stylesheets last parsed in each process (by process id), by the digest of what they were
parsed from. A forked worker neither uses nor replaces its parent's: dropping it would remove
the fonts' temporary folder the parent still reads."""


def _parsed(page: str, paths: list[Path], fetcher: SandboxFetcher) -> Parsed:
    """The stylesheets parsed, or kept from the last layout in this process when nothing they
    are parsed from has changed (their text, the page rules, the folders they may read): a
    ``watch`` lays out each change, a worker each of its groups, and the blank page is laid out
    beside the groups, without parsing them again. Their warnings are said again at each use."""
    digest = hashlib.sha256(page.encode("utf-8"))
    for root in fetcher.roots:
        digest.update(b"\0root " + str(root).encode())
    for path in paths:
        digest.update(b"\0" + str(path).encode() + b"\0" + path.read_bytes())
    key = digest.hexdigest()
    kept = KEPT.get(os.getpid())
    if kept is not None and kept[0] == key:
        return kept[1]
    fonts = FontConfiguration()
    _faces_by_style_name(fonts)
    counters = CounterStyle()
    with captured_weasyprint_log() as log:
        sheets = [CSS(string=page, url_fetcher=fetcher, font_config=fonts, counter_style=counters)] + [
            CSS(filename=str(path), url_fetcher=fetcher, font_config=fonts, counter_style=counters) for path in paths
        ]
    folder = getattr(fonts, "_folder", None)  # where WeasyPrint copied the @font-face fonts
    if folder:
        # WeasyPrint removes it when the configuration is collected, which a configuration
        # replaced here may never be: the program freezes the collector as it ends
        # (cli.command). A finalizer also runs at the program's end.
        weakref.finalize(fonts, shutil.rmtree, str(folder), True)
    parsed = Parsed(fonts, counters, tuple(sheets), tuple(log.located))
    KEPT[os.getpid()] = (key, parsed)
    return parsed


HYPHENATING = re.compile(r"\bhyphens\s*:\s*auto\b")


def load_hyphenation(language: str, sheets: list[str], cache: BuildCache | None = None) -> None:
    """Load the hyphenation patterns of ``language`` into this process, as WeasyPrint would on
    the first word it hyphenates (pyphen keeps them for the process's life), when a stylesheet
    hyphenates. Called before the layout workers are forked: they inherit the patterns rather
    than each reading them, and a ``watch``, which lays out the group that changed in this
    process, has them loaded.

    Parsing a dictionary takes a twentieth of a second (English). With ``cache`` (the build's),
    the parsed patterns are kept there as data, one entry per language, for a digest of the
    dictionary file and pyphen's version, and the next build reads them back in half that."""
    found = pyphen.language_fallback(language) if language else None
    if not found or not any(HYPHENATING.search(sheet) for sheet in sheets):
        return
    path = pyphen.LANGUAGES[found]
    if path in pyphen.hdcache:  # loaded already
        return
    entry, digest = f"hyphenation-{found}.json", None
    if cache is not None:
        with contextlib.suppress(OSError):
            digest = stamp("hyphenation patterns 1", [path.read_bytes()], pyphen)
            kept = _kept_patterns(cache.read_kept(entry, digest))
            if kept is not None:
                pyphen.hdcache[path] = kept
                return
    patterns = pyphen.Pyphen(lang=found).hd
    if cache is not None and digest is not None and _plain(patterns):
        cache.keep(entry, digest, {tags: [start, list(values)] for tags, (start, values) in patterns.patterns.items()})


def _plain(patterns: pyphen.HyphDict) -> bool:
    """Whether parsed patterns are what :func:`_kept_patterns` makes again: the attributes it
    sets, and numbers only (no nonstandard hyphenation such as Hungarian's ``ssz/sz=sz``)."""
    return set(vars(patterns)) == {"patterns", "cache", "maxlen"} and all(
        type(value) is int for _start, values in patterns.patterns.values() for value in values
    )


def _kept_patterns(found: Any) -> pyphen.HyphDict | None:
    """Patterns as :func:`load_hyphenation` kept them, or None (no entry, or not one it wrote)."""
    if found is None:
        return None
    try:
        patterns = {
            str(tags): (int(start), tuple(int(value) for value in values)) for tags, (start, values) in found.items()
        }
    except (ValueError, TypeError, AttributeError):
        return None
    if not patterns:
        return None
    kept = pyphen.HyphDict.__new__(pyphen.HyphDict)
    kept.patterns, kept.cache, kept.maxlen = patterns, {}, max(map(len, patterns))
    return kept


NOTDEF = re.compile(r'^\.notdef glyph rendered for Unicode string unsupported by fonts: "(.*)" \(U\+[0-9A-F]+\)$', re.S)


def report(located: list[RendererMessage], source: Path, diagnostics: Diagnostics) -> None:
    """WeasyPrint's log as ours: template and fetch failures are errors, the rest warnings (faults:
    a strict build refuses them). The characters it drew as empty boxes are one warning for all
    (the build has already said where each is written and what to install: fonts.check_glyphs).
    An SVG that fails only while the PDF is written (the images it cannot draw are found before
    the layout: :mod:`.drawable`) is left blank, with a warning."""
    boxes = dict.fromkeys(m.group(1) for entry in located if (m := NOTDEF.match(entry.message)))
    if boxes:
        shown = ", ".join(f"'{c}' (U+{ord(c[0]):04X})" for c in list(boxes)[:10])
        more = f" and {len(boxes) - 10} more" if len(boxes) > 10 else ""
        diagnostics.warn(f"PDF: no installed font has {shown}{more}: they print as empty boxes", source)
    for entry in located:
        if NOTDEF.match(entry.message):
            continue
        lowered = entry.message.lower()
        if lowered.startswith("failed to render svg image"):
            diagnostics.warn(f"PDF renderer: {entry.message}; it is left blank in the PDF", source, None)
            continue
        if "template" in lowered:
            raise TemplateError(f"PDF: {entry.message}", entry.path, entry.line)
        if entry.error or "failed to load" in lowered or "refused" in lowered or "error fetching" in lowered:
            raise RenderError(f"PDF: {entry.message}", entry.path or source, entry.line)
        diagnostics.warn(f"PDF renderer: {entry.message}", entry.path or source, entry.line)
