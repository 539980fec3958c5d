"""The project's one small exception tree, and the warnings collector.

Every error knows the file and line it is about and prints as
``manuscript/report.md:12: message``. Only the command line catches them.

Two kinds of trouble, and one rule between them (README, "When the build fails"):

- a *fault* the build can render around (a footnote never defined, an image that cannot be
  drawn, a link that goes nowhere ...) is reported with :meth:`Diagnostics.warn` and rendered
  around: a draft prints it as ``file:line: warning: ...`` and builds; a strict build
  (``--strict``, ``release``, ``check``) collects every fault of the run and refuses them all
  at one point, before anything is written (:meth:`Diagnostics.refuse`, :class:`StrictModeError`);
- what cannot be built (unreadable input, a sandbox violation, a template or internal error)
  raises one of the errors below at once, in drafts too.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

MAX_SHOWN = 50  # faults a command prints (a strict refusal, a draft's warnings); then "... and N more"


def display_path(path: Path | str | None) -> str:
    """A path as the user typed it: relative to the working folder when inside it."""
    if path is None:
        return "<unknown>"
    path = Path(path)
    try:
        return os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)


class ReportBuildError(Exception):
    """Base of every error the pipeline raises on purpose."""

    def __init__(self, message: str, path: Path | str | None = None, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.path = Path(path) if path is not None else None
        self.line = line

    def __str__(self) -> str:
        return format_location(self.path, self.line, self.message)


class ManuscriptError(ReportBuildError):
    """The manuscript, its front matter or its changelog is wrong."""


class ResourceError(ReportBuildError):
    """An image, stylesheet or font is missing, remote or outside the allowed folders."""


class MissingFileError(ResourceError):
    """A file named by a relative path inside the allowed folders does not exist."""


class UnusableImageError(ResourceError):
    """An image that cannot be drawn: missing, unreadable, of a type readers do not show, too
    large, or an SVG that is broken or would run something. Not a sandbox matter: the build
    renders around it (a placeholder with its alt text) and reports it as a fault."""


class TemplateError(ReportBuildError):
    """A layout template does not parse or does not render."""


class RenderError(ReportBuildError):
    """The PDF or ePub could not be rendered or written."""


class ReleaseError(ReportBuildError):
    """A release would overwrite or contradict an earlier release."""


class CheckError(ReportBuildError):
    """The outputs did not pass the check gate (the findings are printed on their own)."""


class StrictModeError(ReportBuildError):
    """A strict build (``--strict``, ``release``, ``check``) refused the faults it collected:
    ``faults`` holds every one, sorted by file and line; the error's own path and line are the
    first's. Prints as one ``file:line: message`` line a fault (at most :data:`MAX_SHOWN`), then
    what refused them."""

    def __init__(self, faults: Iterable[Diagnostic], refused_by: str = "--strict"):
        self.faults = tuple(sorted(faults, key=Diagnostic.sort_key))
        self.refused_by = refused_by
        first = self.faults[0] if self.faults else Diagnostic("no fault")
        super().__init__(first.message, first.path, first.line)

    def lines(self) -> list[str]:
        shown = capped([format_location(f.path, f.line, f.message) for f in self.faults])
        count = f"{len(self.faults)} fault{'s' if len(self.faults) != 1 else ''}"
        shown.append(
            f"report-build: {self.refused_by} refuses {count} that a draft renders around with a warning; "
            "nothing was written"
        )
        return shown

    def __str__(self) -> str:
        return "\n".join(self.lines())


class ScaffoldError(ReportBuildError):
    """`report-build new` cannot start a report in the folder or language asked for."""


def capped(lines: list[str], what: str = "") -> list[str]:
    """At most :data:`MAX_SHOWN` lines, then how many more there are."""
    if len(lines) <= MAX_SHOWN:
        return lines
    return [*lines[:MAX_SHOWN], f"... and {len(lines) - MAX_SHOWN} more{what}"]


def format_location(path: Path | str | None, line: int | None, message: str) -> str:
    if path is None:
        return message
    where = display_path(path)
    if line:
        where = f"{where}:{line}"
    return f"{where}: {message}"


@dataclass
class Diagnostic:
    """One fault: a message, and the file and line it is about (when known)."""

    message: str
    path: Path | None = None
    line: int | None = None

    def __str__(self) -> str:
        return format_location(self.path, self.line, f"warning: {self.message}")

    def sort_key(self) -> tuple[bool, str, int]:
        """By file, then line; faults without a file last, without a line first in their file."""
        return (self.path is None, display_path(self.path) if self.path is not None else "", self.line or 0)


LINE_REFERENCE = re.compile("\ue030(\\d+)\ue031")


def line_reference(line: int) -> str:
    """Another line of the text named in a message ("the same id as the heading at line 12"): a
    reading that composed several files into one text (:mod:`.source.manuscript`) writes it
    "line 7" when it is in the warning's own file and "chapters/one.md:7" when in another; else
    it is "line 12"."""
    return f"\ue030{line}\ue031"


@dataclass
class Diagnostics:
    """Collects the faults of one build (:meth:`warn`).

    A draft echoes each as a warning when it is found (with ``echo``; the command line prints
    them all at the end instead, :meth:`summary`) and builds. With ``strict`` nothing is echoed:
    every fault is kept, and :meth:`refuse`, called once before anything is written, raises them
    all together (``refused_by`` names what refused them: ``--strict``, ``release``). This is
    the one thing that decides strictness.
    """

    strict: bool = False
    echo: bool = True
    warnings: list[Diagnostic] = field(default_factory=list)  # every fault, in the order found
    notes: list[str] = field(default_factory=list)  # how the build went (not warnings): shown unless quiet
    refused_by: str = "--strict"

    def note(self, message: str) -> None:
        """Record how the build went (what was laid out, and how): never an error, not echoed
        here; the command line and ``watch`` show notes unless asked to be quiet."""
        self.notes.append(message)

    def warn(self, message: str, path: Path | str | None = None, line: int | None = None) -> None:
        """Report a fault the build renders around, at ``path:line`` when known."""
        message = LINE_REFERENCE.sub(lambda found: f"line {found.group(1)}", message)  # unmapped: as they are
        diagnostic = Diagnostic(message, Path(path) if path is not None else None, line)
        if diagnostic not in self.warnings:
            self.warnings.append(diagnostic)
            if self.echo and not self.strict:
                print(diagnostic, file=sys.stderr)

    @property
    def faults(self) -> list[Diagnostic]:
        """Every fault so far, sorted by file and line."""
        return sorted(self.warnings, key=Diagnostic.sort_key)

    def summary(self) -> list[str]:
        """A draft's warnings as the command line prints them at the end: by file and line,
        ``file:line: warning: ...``, at most :data:`MAX_SHOWN`, then how many more."""
        return capped([str(fault) for fault in self.faults], " warnings")

    def refuse(self) -> None:
        """In a strict build, raise :class:`StrictModeError` with every fault collected, if any;
        in a draft, nothing. Called at the one point before a command writes anything."""
        if self.strict and self.warnings:
            raise StrictModeError(self.warnings, self.refused_by)
