"""report-build: one Markdown manuscript to a print-ready PDF and an ePub."""

from __future__ import annotations

from .build import build, load
from .errors import (
    Diagnostics,
    ManuscriptError,
    RenderError,
    ReportBuildError,
    ResourceError,
    TemplateError,
)
from .model import Chapter, Document, Figure, Footnote, Metadata, Release
from .version import __version__

__all__ = [
    "Chapter",
    "Diagnostics",
    "Document",
    "Figure",
    "Footnote",
    "ManuscriptError",
    "Metadata",
    "Release",
    "RenderError",
    "ReportBuildError",
    "ResourceError",
    "TemplateError",
    "__version__",
    "build",
    "load",
]
