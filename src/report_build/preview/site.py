"""One build of the site for the preview, in memory: the web writer's own pages, offering the
PDF the preview last made.

A preview build reads the manuscript and renders the web edition (``writers/web``) and nothing
else: no layout, no ePub. It offers the PDF the preview's background process last made (kept in
memory; it may be an edit behind) and the ePub of this version in the output folder, if there
is one, without warning about what is missing. Its fonts are subset to whole alphabets rather
than to the characters of the text, so that a letter typed in an edit needs no new subset (a
subset takes about a second a face); the subsets are kept in ``output/.cache`` like any web
build's, and so are the charts drawn and each chapter's converted Markdown, so that an edit
converts only its own chapter again (:mod:`report_build.source.fragments`).
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path

from .. import limits
from ..build import gather, output_name
from ..cache import BuildCache
from ..errors import Diagnostics, ReportBuildError
from ..model import Document
from ..theme import Theme
from .faults import ERROR, Fault
from .printing import Pdf

# Latin-1 and Latin Extended-A, general punctuation, the euro, arrows and the minus sign.
LATIN = "".join(chr(c) for c in (*range(0xA0, 0x180), *range(0x2010, 0x2050), 0x20AC, *range(0x2190, 0x2194), 0x2212))
ARABIC = "".join(chr(c) for c in range(0x0600, 0x0700))


@dataclass(frozen=True)
class SiteBuild:
    """What one build gave: the site's files (None when it failed) and its faults."""

    files: dict[str, bytes] | None
    faults: tuple[Fault, ...]
    took: float
    theme: Theme | None = None
    document: Document | None = None


def build_site(
    manuscript: Path, output_dir: Path, cache: BuildCache, pdf: Pdf | None = None, omit_remote: bool = False
) -> SiteBuild:
    """Read the manuscript and render its site; a build error is returned among the faults."""
    from ..writers.web.site import render_site

    started = time.perf_counter()
    diagnostics = Diagnostics(echo=False)
    try:
        with limits.time_limit(limits.time_limit_from(None), "the preview's build", manuscript):
            document, theme = gather(manuscript, diagnostics, output_dir / "releases", None, omit_remote, cache)
            downloads, files = offered(document, pdf, output_dir)
            extra = LATIN + (ARABIC if document.metadata.direction == "rtl" else "")
            site = render_site(
                document, diagnostics=diagnostics, theme=theme, downloads=downloads, cache=cache, characters=extra
            )
    except ReportBuildError as exc:
        error = Fault.of_error(exc)
    except Exception as exc:  # an internal error: shown like a build error, the preview goes on
        if os.environ.get("REPORT_BUILD_DEBUG"):
            raise
        error = Fault(ERROR, f"internal error: {type(exc).__name__}: {exc} (set REPORT_BUILD_DEBUG=1 to see where)")
    else:
        faults = tuple(Fault.of_warning(warning) for warning in diagnostics.warnings)
        return SiteBuild({**site, **files}, faults, time.perf_counter() - started, theme, document)
    warnings = tuple(Fault.of_warning(warning) for warning in diagnostics.warnings)
    return SiteBuild(None, (*warnings, error), time.perf_counter() - started)


def offered(document: Document, pdf: Pdf | None, output_dir: Path) -> tuple[tuple, dict[str, bytes]]:
    """(downloads, their files): the preview's last PDF, and this version's ePub in
    ``output_dir`` when there is one."""
    from ..writers.web.site import Download

    found, files = [], {}
    if pdf is not None and pdf.data is not None:
        name = output_name(document, "pdf")
        files[f"downloads/{name}"] = pdf.data
        found.append(Download("pdf", name, f"downloads/{name}", len(pdf.data), len(pdf.sheets)))
    name = output_name(document, "epub")
    try:
        epub = (output_dir / name).read_bytes()
    except OSError:
        epub = None
    if epub is not None:
        files[f"downloads/{name}"] = epub
        found.append(Download("epub", name, f"downloads/{name}", len(epub)))
    return tuple(found), files
