"""The faults of the last build, as the terminal prints them and as the panel on every page shows
them: file:line, warning or error, message; the panel's own words from the report's strings.

The panel also says when the site was built, whether the last build failed (the pages are then
the last ones that built, the error above them) and how far the PDF is behind. Its digest names
what it shows, so an open page knows when to ask for it again.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

from ..errors import Diagnostic, ReportBuildError, display_path, format_location
from ..theme import Theme

ERROR, WARNING = "error", "warning"


@dataclass(frozen=True)
class Fault:
    """One warning or error: where (the path as the terminal shows it, and the line) and what."""

    severity: str
    message: str
    path: str | None = None
    line: int | None = None

    @classmethod
    def of_warning(cls, diagnostic: Diagnostic) -> Fault:
        path = display_path(diagnostic.path) if diagnostic.path is not None else None
        return cls(WARNING, diagnostic.message, path, diagnostic.line)

    @classmethod
    def of_error(cls, error: ReportBuildError) -> Fault:
        path = display_path(error.path) if error.path is not None else None
        return cls(ERROR, error.message, path, error.line)

    @property
    def where(self) -> str:
        """``file:line``, ``file``, or "" when the fault is about no file."""
        if self.path is None:
            return ""
        return f"{self.path}:{self.line}" if self.line else self.path

    def __str__(self) -> str:
        """As the terminal prints it (the same form as a build's messages)."""
        text = self.message if self.severity == ERROR else f"warning: {self.message}"
        return format_location(self.path, self.line, text)


@dataclass(frozen=True)
class PdfStatus:
    """What the panel says of the PDF: made (when, and from the sources of when), being made,
    or not made (the error among ``faults``)."""

    made_at: dt.datetime | None  # None: no PDF yet
    pages: int = 0
    busy: bool = False  # a new PDF is being made
    behind: bool = False  # the site was built from newer sources than the last PDF
    failed: bool = False
    faults: tuple[Fault, ...] = ()  # the PDF's own: those the site's build did not also give


@dataclass(frozen=True)
class Panel:
    """Everything the panel shows."""

    has_site: bool  # some build has succeeded: there are pages to show
    ok: bool  # the last build succeeded
    built_at: dt.datetime | None
    faults: tuple[Fault, ...]  # of the last build: its warnings, then its error
    pdf: PdfStatus | None  # None: the preview makes no PDF (--no-pdf)

    @property
    def digest(self) -> str:
        return hashlib.sha256(repr(self).encode("utf-8")).hexdigest()[:16]

    @property
    def errors(self) -> tuple[Fault, ...]:
        return tuple(fault for fault in self.faults if fault.severity == ERROR)

    @property
    def warnings(self) -> tuple[Fault, ...]:
        return tuple(fault for fault in self.faults if fault.severity == WARNING)


def render_panel(theme: Theme, panel: Panel, view: str) -> str:
    """The panel's HTML (``preview/panel.html`` in the layouts) for a page of ``view``
    (``site``, ``waiting`` or ``print``)."""
    return theme.render("preview/panel.html", panel=panel, view=view, clock=clock)


def clock(moment: dt.datetime | None) -> str:
    return moment.strftime("%H:%M:%S") if moment is not None else ""
