"""The project's one small exception tree, and the warnings collector.

Every error knows the file and line it is about and prints as
``manuscript/report.md:12: message``. Only the command line catches them.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from pathlib import Path


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


class TemplateError(ReportBuildError):
    """A layout template does not parse or does not render."""


class RenderError(ReportBuildError):
    """The PDF or ePub could not be rendered or written."""


class ReleaseError(ReportBuildError):
    """A release would overwrite or contradict an earlier release."""


class CheckError(ReportBuildError):
    """The outputs did not pass the check gate (the findings are printed on their own)."""


class StrictModeError(ReportBuildError):
    """A warning was raised while building with --strict."""


class ScaffoldError(ReportBuildError):
    """`report-build new` cannot start a report in the folder or language asked for."""


def format_location(path: Path | str | None, line: int | None, message: str) -> str:
    if path is None:
        return message
    where = display_path(path)
    if line:
        where = f"{where}:{line}"
    return f"{where}: {message}"


@dataclass
class Diagnostic:
    message: str
    path: Path | None = None
    line: int | None = None

    def __str__(self) -> str:
        return format_location(self.path, self.line, f"warning: {self.message}")


@dataclass
class Diagnostics:
    """Collects warnings during a build; with ``strict`` the first one is an error."""

    strict: bool = False
    echo: bool = True
    strict_links: bool = False  # a link that goes nowhere is an error (release, check), not a warning
    warnings: list[Diagnostic] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # how the build went (not warnings): shown unless quiet

    def note(self, message: str) -> None:
        """Record how the build went (what was laid out, and how): never an error, not echoed
        here; the command line and ``watch`` show notes unless asked to be quiet."""
        self.notes.append(message)

    def warn(self, message: str, path: Path | str | None = None, line: int | None = None) -> None:
        diagnostic = Diagnostic(message, Path(path) if path is not None else None, line)
        if self.strict:
            raise StrictModeError(f"{message} (warning treated as error: --strict)", path, line)
        if diagnostic not in self.warnings:
            self.warnings.append(diagnostic)
            if self.echo:
                print(diagnostic, file=sys.stderr)
