"""What the preview shows right now, shared by the loop that builds the site (the main thread),
the thread that receives PDFs and the server's threads, behind one lock.

Each build replaces the site's files whole (a dict never changed after it is published), so a
request reads a consistent :class:`Snapshot` without holding the lock while it answers. A
build that fails keeps the last good files and records only its faults.
"""

from __future__ import annotations

import datetime as dt
import secrets
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from ..theme import Theme
from .events import Changes, History
from .faults import Fault, Panel, PdfStatus
from .printing import Pdf


@dataclass(frozen=True)
class Look:
    """The report's language, direction and title, for the preview's own pages, and its
    chapters' pages (those an open page follows the writer to)."""

    language: str = "en"
    direction: str = "ltr"
    title: str = ""
    chapters: tuple[str, ...] = ()


@dataclass(frozen=True)
class Snapshot:
    session: str  # this run of the preview: a page served by an earlier one reloads
    generation: int  # the number of the last build, failed or not
    site: Mapping[str, bytes]  # the last good site's files; empty until a build succeeds
    panel: Panel
    theme: Theme
    look: Look
    pdf: Pdf | None  # the last PDF that was made (a failed attempt keeps it on show)
    closing: bool

    @property
    def pdf_generation(self) -> int:
        return self.pdf.generation if self.pdf is not None else 0


class State:
    def __init__(self, theme: Theme, make_pdf: bool) -> None:
        self.session = secrets.token_hex(8)
        self._condition = threading.Condition()
        self._history = History()
        self._site: Mapping[str, bytes] = {}
        self._ok = True
        self._faults: tuple[Fault, ...] = ()
        self._built_at: dt.datetime | None = None
        self._theme = theme
        self._look = Look()
        self._make_pdf = make_pdf
        self._pdf: Pdf | None = None  # the latest attempt
        self._good_pdf: Pdf | None = None  # the latest PDF made
        self._pdf_busy = False
        self._closing = False

    @property
    def generation(self) -> int:
        with self._condition:
            return self._history.generation

    def site_built(self, files: Mapping[str, bytes], faults: tuple[Fault, ...], theme: Theme, look: Look) -> Changes:
        """Publish a new site; returns the pages that changed."""
        from .events import affected_pages

        changes = affected_pages(self._site, files)  # only the main thread publishes sites
        with self._condition:
            self._site, self._ok, self._faults = files, True, faults
            self._theme, self._look = theme, look
            self._built_at = dt.datetime.now().astimezone()
            self._history.add(changes)
            self._condition.notify_all()
        return changes

    def site_failed(self, faults: tuple[Fault, ...]) -> None:
        """A build failed: the last good site stays; the panel shows the faults."""
        with self._condition:
            self._ok, self._faults = False, faults
            self._history.add({})
            self._condition.notify_all()

    def pdf_started(self) -> None:
        with self._condition:
            self._pdf_busy = True
            self._condition.notify_all()

    def pdf_made(self, pdf: Pdf) -> None:
        with self._condition:
            self._pdf, self._pdf_busy = pdf, False
            if pdf.data is not None:
                self._good_pdf = pdf
            self._condition.notify_all()

    def close(self) -> None:
        """Wake every waiting request: the preview is stopping."""
        with self._condition:
            self._closing = True
            self._condition.notify_all()

    def snapshot(self) -> Snapshot:
        with self._condition:
            return self._snapshot()

    def wait(self, news: Callable[[Snapshot], bool], since: int, timeout: float) -> tuple[Snapshot, Changes | str]:
        """The state once ``news`` holds of it (or the preview is stopping), or after ``timeout``;
        and the pages changed by the builds after build ``since``."""
        with self._condition:
            self._condition.wait_for(lambda: self._closing or news(self._snapshot()), timeout)
            return self._snapshot(), self._history.since(since)

    def _snapshot(self) -> Snapshot:
        return Snapshot(
            self.session,
            self._history.generation,
            self._site,
            self._panel(),
            self._theme,
            self._look,
            self._good_pdf,
            self._closing,
        )

    def _panel(self) -> Panel:
        status = None
        if self._make_pdf:
            latest, good = self._pdf, self._good_pdf
            status = PdfStatus(
                good.made_at if good is not None else None,
                len(good.sheets) if good is not None else 0,
                busy=self._pdf_busy,
                behind=good is not None and good.sources < self._history.generation,
                failed=latest is not None and latest.data is None,
                faults=tuple(f for f in latest.faults if f not in self._faults) if latest is not None else (),
            )
        return Panel(bool(self._site), self._ok, self._built_at, self._faults, status)
