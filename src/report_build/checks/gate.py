"""The `check` gate: validate the latest outputs, point every finding back at the manuscript,
and say what was checked.

The gate runs :data:`CHECKS` in order, one function each, on the outputs last built from a
manuscript (:class:`Outputs`). Each gives a :class:`Tally`: what it looked at, with a count
("2 PDFs, 78 pages"), and its findings; ``report-build check`` prints one line per tally, then
the verdict. A new check is one more function in the list.
"""

from __future__ import annotations

import io
import json
import re
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import lxml.html
import pikepdf
from lxml import etree

from ..build import FORMATS, gather, output_name, render_formats
from ..errors import Diagnostics, RenderError, format_location
from ..fonts import locate
from ..model import Document
from ..theme import Theme
from .glyphs import glyph_coverage
from .validators import Finding, epubcheck, pdf_links, pdf_structure

WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Located:
    finding: Finding
    path: Path
    line: int | None

    def __str__(self) -> str:
        f = self.finding
        return format_location(self.path, self.line, f"{f.severity}: [{f.tool} {f.code}] {f.message}")


@dataclass(frozen=True)
class Outputs:
    """The document and the outputs last built from it, which the checks look at."""

    doc: Document
    theme: Theme
    strict: Diagnostics  # the faults a strict build refuses, found while reading (and laying out)
    screen: Path  # the screen PDF
    press: Path  # the print PDF
    book: Path  # the ePub
    site: Path  # the web edition's folder
    ace: bool = True  # run DAISY Ace
    browser: bool = True  # run the site's browser checks
    language: str | None = None  # a translated edition's (--language): the outputs named for it


@dataclass(frozen=True)
class Tally:
    """What one check looked at (``checked``: with a count), what it found, or why it did not run."""

    name: str
    checked: str = ""
    findings: tuple[Located, ...] = ()
    skipped: str = ""

    @property
    def errors(self) -> int:
        return sum(1 for item in self.findings if item.finding.severity == "error")

    @property
    def warnings(self) -> int:
        return len(self.findings) - self.errors

    def line(self) -> str:
        """``EPUBCheck: 1 ePub, 15 files: 0 errors, 0 warnings``, or why it did not run."""
        if self.skipped:
            return f"{self.name}: not run: {self.skipped}"
        verdict = counted(self.errors, self.warnings)
        return f"{self.name}: {self.checked}: {verdict}" if self.checked else f"{self.name}: {verdict}"


def counted(errors: int, warnings: int) -> str:
    """``1 error, 0 warnings``."""
    return f"{_count(errors, 'error')}, {_count(warnings, 'warning')}"


def _count(number: int, word: str) -> str:
    return f"{number} {word}{'' if number == 1 else 's'}"


Check = Callable[[Outputs], Tally]


def outputs(
    manuscript: Path | str,
    output_dir: Path | str = "output",
    ace: bool = True,
    browser: bool = True,
    site: Path | str | None = None,
    language: str | None = None,
) -> Outputs:
    """The document, read with strict diagnostics (as ``--strict`` and ``release`` read it), and
    where its latest outputs are (the site: ``site``, or ``web`` in the output folder). With
    ``language``, the translated edition's outputs, by their names (``<slug>-<language>-v...``)."""
    strict = Diagnostics(strict=True, echo=False)
    doc, theme = gather(manuscript, strict, Path(output_dir) / "releases", language=language)
    out = Path(output_dir)
    folder = "web" + (f"-{doc.profile}" if doc.profile else "")
    if language:  # a translated site sits beside the source's (build.py)
        folder = f"{folder}/{language.lower()}"
    return Outputs(
        doc,
        theme,
        strict,
        screen=out / output_name(doc, "pdf"),
        press=out / output_name(doc, "pdf", "print"),
        book=out / output_name(doc, "epub"),
        site=Path(site) if site is not None else out / folder,
        ace=ace,
        browser=browser,
        language=language,
    )


def run(
    manuscript: Path | str,
    output_dir: Path | str = "output",
    ace: bool = True,
    browser: bool = True,
    site: Path | str | None = None,
    language: str | None = None,
) -> list[Tally]:
    """Every check of :data:`CHECKS` on the outputs last built from ``manuscript`` (with
    ``language``, its translated edition's)."""
    subject = outputs(manuscript, output_dir, ace, browser, site, language)
    return [each(subject) for each in CHECKS]


def check(
    manuscript: Path | str,
    output_dir: Path | str = "output",
    ace: bool = True,
    browser: bool = True,
    language: str | None = None,
) -> list[Located]:
    """Every finding on the PDF editions, the ePub and the site last built from ``manuscript``."""
    tallies = run(manuscript, output_dir, ace, browser, language=language)
    return [item for tally in tallies for item in tally.findings]


def _missing(path: Path, what: str, language: str | None = None) -> Located:
    hint = f"`make {what}`" + (f" with TRANSLATION={language}" if language else "")
    return Located(Finding("error", "check", "MISSING", f"not built yet: run {hint}"), path, None)


# -- the checks ---------------------------------------------------------------------------


def strict_build(subject: Outputs) -> Tally:
    """Every fault a draft renders around, as ``--strict`` and ``release`` refuse them: the
    manuscript read, laid out and rendered (PDF and ePub, in memory, nothing written)."""
    doc, strict = subject.doc, subject.strict
    render_formats(doc, subject.theme, FORMATS, "screen", strict)  # the layout's faults too (WeasyPrint's, SVGs)
    findings = tuple(
        Located(Finding("error", "check", "FAULT", fault.message), fault.path or doc.source, fault.line)
        for fault in strict.faults
    )
    files = 1 + len(doc.inputs)
    return Tally("the build", f"{_count(files, 'source file')} read and laid out as a release reads them", findings)


def pdf_outline(doc: Document, theme: Theme) -> list[str]:
    """The PDF's top-level bookmarks: each chapter but those marked ``{.unlisted}``, then the
    version history (in the outputs' words, the edition's language)."""
    history = str(theme.strings["version_history"])
    chapters = [c.title or doc.metadata.title for c in doc.chapters if c.listed]
    return chapters + ([history] if doc.releases else [])


def pdf_editions(subject: Outputs) -> Tally:
    """Both PDF editions: fonts, tags, metadata, outline, PDF/UA or PDF/X markers and boxes."""
    doc = subject.doc
    outline = pdf_outline(doc, subject.theme)
    title = doc.metadata.title + (f": {doc.metadata.subtitle}" if doc.metadata.subtitle else "")
    found: list[Located] = [] if subject.screen.is_file() else [_missing(subject.screen, "pdf", subject.language)]
    files = pages = 0
    for path, edition in ((subject.screen, "screen"), (subject.press, "print")):
        if path.is_file():
            data = path.read_bytes()
            files, pages = files + 1, pages + _pages(data)
            for finding in pdf_structure(
                data, edition=edition, title=title, language=doc.metadata.language, outline=outline, links=False
            ):
                found.append(Located(finding, path, None))
    return Tally("PDF structure", f"{_count(files, 'PDF')}, {_count(pages, 'page')}", tuple(found))


def glyphs(subject: Outputs) -> Tally:
    """Characters both PDFs print as empty boxes, read from their embedded fonts, each at the
    manuscript line that writes it."""
    found: list[Located] = []
    fonts = drawn = files = 0
    for path in (subject.screen, subject.press):
        if not path.is_file():
            continue
        coverage = glyph_coverage(path.read_bytes())
        files, fonts, drawn = files + 1, fonts + coverage.fonts, drawn + coverage.glyphs
        for char, finding in zip(coverage.characters, coverage.findings(), strict=True):
            where, line = locate(subject.doc, char)
            found.append(Located(replace(finding, file=path.name), where, line))
    return Tally(
        "glyph coverage", f"{_count(drawn, 'glyph')} of {_count(fonts, 'font')} in {_count(files, 'PDF')}", tuple(found)
    )


def links(subject: Outputs) -> Tally:
    """Every link annotation of both PDFs goes somewhere the PDF defines."""
    found: list[Located] = []
    count = files = 0
    for path in (subject.screen, subject.press):
        if path.is_file():
            number, findings = pdf_links(path.read_bytes())
            count, files = count + number, files + 1
            found += [Located(finding, path, None) for finding in findings]
    return Tally("links", f"{_count(count, 'link')} in {_count(files, 'PDF')}", tuple(found))


def epub_check(subject: Outputs) -> Tally:
    """W3C EPUBCheck on the ePub."""
    book = subject.book
    if not book.is_file():
        return Tally("EPUBCheck", "no ePub", (_missing(book, "epub", subject.language),))
    findings = epubcheck({"book": book})["book"]
    return Tally(
        "EPUBCheck",
        f"1 ePub, {_count(_members(book), 'file')}",
        tuple(_locate(subject.doc, book, finding) for finding in findings),
    )


def ace(subject: Outputs) -> Tally:
    """DAISY Ace (accessibility) on the ePub."""
    if not subject.ace:
        return Tally("Ace", skipped="--no-ace")
    if not subject.book.is_file():
        return Tally("Ace", skipped="no ePub")
    findings, documents = _ace(subject.book)
    return Tally(
        "Ace",
        f"1 ePub, {_count(documents, 'content document')}",
        tuple(_locate(subject.doc, subject.book, finding) for finding in findings),
    )


def site(subject: Outputs) -> Tally:
    """The web edition in Chromium: axe-core, no sideways scrolling at 375 and 320 px, scrolling
    regions within reach, nothing the pages' policy refuses, links, no request leaving the site;
    a warning for each phrase of a title or heading that a line breaks inside (:mod:`..phrases`)."""
    folder = subject.site
    marker = folder / "site.json"
    if not marker.is_file():
        return Tally("the site", skipped=f"no web edition in {folder} (`make web` builds it)")
    if not subject.browser:
        return Tally("the site", skipped="--no-site")
    found: list[Located] = []
    facts = json.loads(marker.read_text(encoding="utf-8"))
    if facts.get("language") != subject.doc.metadata.language:
        message = f"{folder} holds the {facts.get('language')} edition's site, not this one's: name it with --site"
        return Tally(
            "the site", "no site of this edition", (Located(Finding("error", "site", "OTHER", message), folder, None),)
        )
    if facts.get("version", "") != subject.doc.version:
        message = f"the site is of version {facts.get('version') or 'none'}, not {subject.doc.version}: run `make web`"
        found.append(Located(Finding("error", "site", "STALE", message), folder, None))
    from . import browser

    try:
        with tempfile.TemporaryDirectory(prefix="report-build-site-") as shots:
            report = browser.check_site(folder, Path(shots), root=folder.parent)
    except RenderError as exc:
        found.append(Located(Finding("error", "site", "MISSING", exc.message), folder, None))
        return Tally("the site", "not checked", tuple(found))
    pages = report.pages
    problems = [("AXE", line) for line in report.violations] + [("SIDEWAYS", line) for line in report.sideways]
    problems += [("REACH", line) for line in report.unreachable] + [("CSP", line) for line in report.refused]
    problems += [("EXTERNAL", f"{item['from']} requests {item['url']}") for item in report.external]
    problems += [("LINK", f"{item['from']}: {item['link']} ({item['reason']})") for item in report.broken]
    found += [Located(Finding("error", "site", code, text), folder, None) for code, text in problems]
    # a Japanese, Chinese or Korean title or heading a line breaks inside a phrase: readable, not right
    found += [Located(Finding("warning", "site", "PHRASE", text), folder, None) for text in report.split_phrases]
    links = sum(len(page["links"]) for page in pages.values())
    what = f"{_count(len(pages), 'page')} at 1280, 375 and 320 px, {_count(links, 'link')}"
    return Tally("the site", what, tuple(found))


CHECKS: list[Check] = [strict_build, pdf_editions, glyphs, links, epub_check, ace, site]
"""The gate's checks, in the order they run and are reported."""


def _pages(data: bytes) -> int:
    try:
        with pikepdf.open(io.BytesIO(data)) as pdf:
            return len(pdf.pages)
    except pikepdf.PdfError:
        return 0


def _members(book: Path) -> int:
    try:
        with zipfile.ZipFile(book) as package:
            return sum(1 for name in package.namelist() if not name.endswith("/"))
    except (OSError, zipfile.BadZipFile):
        return 0


def _ace(book: Path) -> tuple[list[Finding], int]:
    """Ace's findings on the ePub, and how many content documents it checked."""
    try:
        from .ace import run_ace
    except ImportError:
        return [Finding("error", "ace", "MISSING", "the Ace accessibility checker is not available")], 0
    try:
        report = run_ace(book)
    except RenderError as exc:
        return [Finding("error", "ace", "MISSING", exc.message)], 0
    findings = []
    for item in report.findings:
        severity = "error" if item.impact in ("critical", "serious") else "warning"
        text = (
            " ".join(lxml.html.fragment_fromstring(item.snippet, create_parent="div").itertext())
            if item.snippet
            else ""
        )
        findings.append(Finding(severity, "ace", f"{item.rule} {item.impact}", item.message, item.file, None, text))
    return findings, report.documents


def _locate(doc: Document, book: Path, finding: Finding) -> Located:
    """Map ``chapter-03.xhtml:41`` back to the manuscript line that produced it."""
    name = Path(finding.file).stem if finding.file else ""
    chapter = next((c for c in doc.chapters if c.slug == name), None)
    if chapter is None:
        return Located(finding, book, None)
    snippet = WORD.findall(finding.text)[:4] if finding.text else _snippet(book, finding.file, finding.line)
    line = _find_in_manuscript(doc, snippet, chapter.line or 1) if snippet else None
    return Located(finding, doc.source, line or chapter.line)


def _snippet(book: Path, member: str, line: int | None) -> list[str]:
    try:
        with zipfile.ZipFile(book) as package:
            root = etree.fromstring(package.read(member))
    except (KeyError, OSError, zipfile.BadZipFile, etree.XMLSyntaxError):
        return []
    if line is None:
        return []
    best = None  # the outermost element that starts on the line, else the last one before it
    for element in root.iter():
        if not isinstance(element.tag, str) or element.sourceline is None or element.sourceline > line:
            continue
        text = " ".join("".join(element.itertext()).split())
        if not text:
            continue
        if element.sourceline == line:
            best = text
            break
        best = text
    return WORD.findall(best or "")[:4]


def _find_in_manuscript(doc: Document, words: list[str], start: int) -> int | None:
    lines = doc.source.read_text(encoding="utf-8").split("\n")
    for count in (4, 3, 2):
        pattern = re.compile(r"\W+".join(re.escape(w) for w in words[:count]))
        for number in range(start, len(lines) + 1):
            if pattern.search(lines[number - 1]):
                return number
    return None
