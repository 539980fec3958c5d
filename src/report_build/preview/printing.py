"""The PDF of the preview: made again after every change, in a process of its own, behind the site.

Laying out a report takes seconds where the site takes a fraction of one, so the PDF is made
off the site's path: a child process (started with ``spawn``, at a lower priority, keeping the
laid-out chapters of the last build in memory as ``watch`` does, so that an edit lays out
little again) takes one request at a time; changes that arrive meanwhile are folded into the
next request. The child ignores Ctrl-C (the preview stops it) and dies with the preview.

Its pages are shown as images: each page is drawn with PDFium (pypdfium2) when a browser
first asks for it, and kept until the next PDF.
"""

from __future__ import annotations

import contextlib
import ctypes
import datetime as dt
import io
import multiprocessing
import os
import shutil
import signal
import sys
import tempfile
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..workers import scratch_folder
from .faults import ERROR, Fault

if TYPE_CHECKING:
    from .state import State

PAGE_WIDTH_PX = 1100  # drawn width of a page image: sharp at two pages side by side on a wide screen
KEPT_IMAGES = 64
_PDFIUM = threading.Lock()  # PDFium is not thread-safe: one call at a time in this process


@dataclass(frozen=True)
class Sheet:
    """One page of the PDF as the print view lists it."""

    number: int  # from 1
    label: str  # the folio printed on it, when the PDF says (/PageLabels), else the number
    width: int  # of its image, in pixels
    height: int


@dataclass(frozen=True)
class Pdf:
    """One PDF the preview made, or failed to make."""

    generation: int  # counts the PDFs of this session, from 1
    sources: int  # the site build whose sources it was made from
    data: bytes | None  # None: it could not be made (the error is among ``faults``)
    made_at: dt.datetime
    took: float
    sheets: tuple[Sheet, ...] = ()
    faults: tuple[Fault, ...] = ()
    notes: tuple[str, ...] = ()


def sheets_of(data: bytes) -> tuple[Sheet, ...]:
    """The pages of a PDF: their labels and the size their images will have."""
    import pypdfium2

    with _PDFIUM:
        document = pypdfium2.PdfDocument(data)
        try:
            found = []
            for index in range(len(document)):
                width, height = document.get_page_size(index)
                label = document.get_page_label(index) or str(index + 1)
                found.append(Sheet(index + 1, label, PAGE_WIDTH_PX, round(PAGE_WIDTH_PX * height / width)))
            return tuple(found)
        finally:
            document.close()


class PageImages:
    """Page images of the latest PDF, drawn on request and kept (the latest :data:`KEPT_IMAGES`)."""

    def __init__(self) -> None:
        self._kept: OrderedDict[tuple[int, int], bytes] = OrderedDict()
        self._lock = threading.Lock()

    def png(self, pdf: Pdf, number: int) -> bytes | None:
        """Page ``number`` (from 1) of ``pdf`` as PNG, or None when it has no such page."""
        if pdf.data is None or not 1 <= number <= len(pdf.sheets):
            return None
        key = (pdf.generation, number)
        with self._lock:
            if key in self._kept:
                self._kept.move_to_end(key)
                return self._kept[key]
        data = _draw(pdf.data, number - 1, pdf.sheets[number - 1].width)
        with self._lock:
            self._kept[key] = data
            while len(self._kept) > KEPT_IMAGES:
                self._kept.popitem(last=False)
        return data


def _draw(data: bytes, index: int, width: int) -> bytes:
    import pypdfium2

    with _PDFIUM:
        document = pypdfium2.PdfDocument(data)
        try:
            page = document[index]
            scale = width / page.get_width()
            image = page.render(scale=scale, draw_annots=True).to_pil()
            page.close()
        finally:
            document.close()
    out = io.BytesIO()
    image.convert("RGB").save(out, format="PNG", compress_level=3)
    return out.getvalue()


class Printer:
    """Makes the PDF in the child process whenever :meth:`want` is called, one at a time, and
    hands each result to the preview's state."""

    def __init__(
        self, manuscript: Path, output_dir: Path, omit_remote: bool, state: State, say: Callable[[str], None]
    ) -> None:
        self.request = (str(manuscript), str(output_dir), omit_remote)
        self.state = state
        self.say = say
        self._wanted = 0  # the newest site build whose sources the PDF should show
        self._condition = threading.Condition()
        self._stopping = False
        self._generation = 0
        self._process: Any = None
        self._connection: Any = None
        self._thread: threading.Thread | None = None
        self._scratch: str | None = None  # the child's temporary folder

    def start(self) -> None:
        """Start the child (in the calling thread, the main one, so that it dies with it) and
        the thread that talks to it."""
        context = multiprocessing.get_context("spawn")
        self._connection, theirs = context.Pipe()
        # The child's temporary files (WeasyPrint's copies of the fonts) go in a folder of ours,
        # removed when the child is stopped: stopped by a signal, it cannot remove them itself.
        self._scratch = scratch_folder()
        # The child inherits "ignore Ctrl-C" from the start: Ctrl-C on the terminal reaches the
        # whole process group, and only the preview itself should answer it.
        previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
        try:
            self._process = context.Process(
                target=_child, args=(theirs, os.getpid(), self._scratch), name="report-build-preview-pdf", daemon=True
            )
            self._process.start()
        finally:
            signal.signal(signal.SIGINT, previous)
        theirs.close()
        self._thread = threading.Thread(target=self._run, name="report-build-preview-pdf", daemon=True)
        self._thread.start()

    def want(self, sources: int) -> None:
        """Make the PDF again, from the sources of site build ``sources`` or newer."""
        with self._condition:
            self._wanted = max(self._wanted, sources)
            self._condition.notify_all()

    def stop(self) -> None:
        """Stop the child now, whatever it is doing, and wait for it to be gone."""
        with self._condition:
            self._stopping = True
            self._condition.notify_all()
        process = self._process
        if process is not None and process.is_alive():
            process.terminate()
            process.join(5)
            if process.is_alive():
                process.kill()
                process.join(5)
        if self._connection is not None:
            self._connection.close()
        if self._thread is not None:
            self._thread.join(5)
        if self._scratch is not None:
            shutil.rmtree(self._scratch, ignore_errors=True)
            self._scratch = None

    def _run(self) -> None:
        made = 0
        while True:
            with self._condition:
                while self._wanted <= made and not self._stopping:
                    self._condition.wait()
                if self._stopping:
                    return
                sources = self._wanted
            self.state.pdf_started()
            started = time.perf_counter()
            try:
                self._connection.send(self.request)
                answer = self._connection.recv()
            except (EOFError, OSError):
                if not self._stopping:
                    self.say("report-build: preview: the process making the PDF stopped unexpectedly; no more PDFs")
                    self.state.pdf_made(self._failed(sources, started, "the process making the PDF stopped"))
                return
            made = sources
            self._generation += 1
            pdf = self._result(answer, sources, started)
            self.state.pdf_made(pdf)
            self._report(pdf)

    def _result(self, answer: dict[str, Any], sources: int, started: float) -> Pdf:
        data = answer["data"]
        faults = tuple(answer["warnings"]) + ((answer["error"],) if answer["error"] is not None else ())
        sheets: tuple[Sheet, ...] = ()
        if data is not None:
            try:
                sheets = sheets_of(data)
            except Exception as exc:  # PDFium cannot read what WeasyPrint wrote: say so, keep going
                faults += (Fault(ERROR, f"PDF: its pages cannot be drawn: {exc}"),)
        return Pdf(
            self._generation,
            sources,
            data,
            dt.datetime.now().astimezone(),
            time.perf_counter() - started,
            sheets,
            faults,
            tuple(answer["notes"]),
        )

    def _failed(self, sources: int, started: float, message: str) -> Pdf:
        self._generation += 1
        return Pdf(
            self._generation,
            sources,
            None,
            dt.datetime.now().astimezone(),
            time.perf_counter() - started,
            faults=(Fault(ERROR, message),),
        )

    def _report(self, pdf: Pdf) -> None:
        if pdf.data is None:
            errors = [str(fault) for fault in pdf.faults if fault.severity == ERROR]
            self.say(f"PDF not made: {errors[-1] if errors else 'unknown error'}")
            return
        self.say(made(pdf))


def made(pdf: Pdf) -> str:
    """The terminal's line for a PDF made: its pages as the print view shows them (the screen
    edition's), and what the layout did again and kept, from the build's note on its groups."""
    layout = next(
        (note.split(" groups: ", 1)[1] for note in pdf.notes if note.startswith("PDF: ") and " groups: " in note), ""
    )
    return f"PDF made in {pdf.took:.1f} s ({len(pdf.sheets)} pages)" + (f": {layout}" if layout else "")


def _child(connection: Any, parent: int, scratch: str) -> None:
    """The child's loop: one request (manuscript, output folder, omit_remote) in, one answer out;
    its temporary files in ``scratch``."""
    tempfile.tempdir = scratch
    _die_with(parent)
    with contextlib.suppress(OSError):
        os.nice(10)  # the site and the server come first
    # A terminal's progress line would draw over the preview's messages; the answers carry the faults.
    sys.stderr = open(os.devnull, "w")  # noqa: SIM115
    from ..watch import WATCH_GROUPS
    from ..writers.pdf.parallel import Memory

    memory = Memory(groups=WATCH_GROUPS)
    while True:
        try:
            request = connection.recv()
        except (EOFError, OSError):
            return
        connection.send(_make(memory, *request))


def _make(memory: Any, manuscript: str, output_dir: str, omit_remote: bool) -> dict[str, Any]:
    """One PDF, in memory, laying out again only the chapters whose input changed."""
    from ..build import build
    from ..errors import Diagnostics, ReportBuildError

    diagnostics = Diagnostics(echo=False)
    data, error = None, None
    try:
        (built,) = build(
            manuscript,
            ("pdf",),
            output_dir=output_dir,
            diagnostics=diagnostics,
            write=False,
            omit_remote=omit_remote,
            jobs=1,
            memory=memory,
        )
        data = built.data
    except ReportBuildError as exc:
        error = Fault.of_error(exc)
    except Exception as exc:  # an internal error: shown in the panel rather than ending the preview
        error = Fault(ERROR, f"internal error making the PDF: {type(exc).__name__}: {exc}")
    return {
        "data": data,
        "error": error,
        "warnings": [Fault.of_warning(warning) for warning in diagnostics.warnings],
        "notes": list(diagnostics.notes),
    }


def _die_with(parent: int) -> None:
    """Ask Linux to end this process when the preview ends, however it ends (PR_SET_PDEATHSIG)."""
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)
    if os.getppid() != parent:
        os._exit(0)
