"""The `check` gate: validate the latest outputs and point every finding back at the manuscript."""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

import lxml.html
from lxml import etree

from ..build import gather, output_name
from ..errors import Diagnostics, RenderError, format_location
from ..model import Document
from .validators import Finding, epubcheck, pdf_structure

WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Located:
    finding: Finding
    path: Path
    line: int | None

    def __str__(self) -> str:
        f = self.finding
        return format_location(self.path, self.line, f"{f.severity}: [{f.tool} {f.code}] {f.message}")


def check(
    manuscript: Path | str, output_dir: Path | str = "output", ace: bool = True, language: str | None = None
) -> list[Located]:
    """Findings on the PDF editions and the ePub last built from ``manuscript`` (with
    ``language``, those of the translated edition, by their names: ``<slug>-<language>-v...``)."""
    # a link that goes nowhere is a warning in a draft build; the gate refuses it
    doc, theme = gather(
        manuscript, Diagnostics(echo=False, strict_links=True), Path(output_dir) / "releases", language=language
    )
    out = Path(output_dir)
    screen, press, book = (
        out / output_name(doc, "pdf"),
        out / output_name(doc, "pdf", "print"),
        out / output_name(doc, "epub"),
    )
    found: list[Located] = [
        Located(Finding("error", "check", "UNRESOLVED", item.message), item.path or doc.source, item.line)
        for item in doc.unresolved
    ]
    for path, what in ((screen, "pdf"), (book, "epub")):
        if not path.is_file():
            hint = f"`make {what}`" + (f" with TRANSLATION={language}" if language else "")
            found.append(Located(Finding("error", "check", "MISSING", f"not built yet: run {hint}"), path, None))
    history = str(theme.strings["version_history"])  # the outputs' words, in the edition's language
    outline = [c.title or doc.metadata.title for c in doc.chapters] + ([history] if doc.releases else [])
    title = doc.metadata.title + (f": {doc.metadata.subtitle}" if doc.metadata.subtitle else "")
    for path, edition in ((screen, "screen"), (press, "print")):
        if path.is_file():
            for finding in pdf_structure(
                path.read_bytes(), edition=edition, title=title, language=doc.metadata.language, outline=outline
            ):
                found.append(Located(finding, path, None))
    if book.is_file():
        findings = epubcheck({"book": book})["book"]
        if ace:
            findings += _ace(book)
        found += [_locate(doc, book, finding) for finding in findings]
    return found


def _ace(book: Path) -> list[Finding]:
    try:
        from .ace import run_ace
    except ImportError:
        return [Finding("error", "ace", "MISSING", "the Ace accessibility checker is not available")]
    try:
        report = run_ace(book)
    except RenderError as exc:
        return [Finding("error", "ace", "MISSING", exc.message)]
    findings = []
    for item in report.findings:
        severity = "error" if item.impact in ("critical", "serious") else "warning"
        text = (
            " ".join(lxml.html.fragment_fromstring(item.snippet, create_parent="div").itertext())
            if item.snippet
            else ""
        )
        findings.append(Finding(severity, "ace", f"{item.rule} {item.impact}", item.message, item.file, None, text))
    return findings


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
