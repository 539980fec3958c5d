"""The build, top to bottom: gather and validate everything, render in memory, then write."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from . import limits, progress
from .cache import BuildCache
from .errors import Diagnostics, RenderError
from .model import Document
from .output import interrupts_as_exceptions, write_atomic
from .publish import release
from .source import changelog, parse
from .source.remote import RemoteImages
from .theme import Theme
from .writers import pagination
from .writers.pagination import PageMark

FORMATS = ("pdf", "epub")


@dataclass(frozen=True)
class Built:
    format: str
    path: Path | None
    data: bytes


def load(
    manuscript: Path | str,
    diagnostics: Diagnostics | None = None,
    releases_dir: Path | str = "output/releases",
    omit_remote: bool = False,
) -> Document:
    """Parse the manuscript and its changelog into one validated document.

    The document is a DRAFT when ``releases_dir`` holds a release of the same version made
    from different sources. Remote images are their fetched copies, or with ``omit_remote``
    placeholders.
    """
    return gather(manuscript, diagnostics or Diagnostics(), releases_dir, omit_remote)[0]


def gather(
    manuscript: Path | str,
    diagnostics: Diagnostics,
    releases_dir: Path | str = "output/releases",
    omit_remote: bool = False,
) -> tuple[Document, Theme]:
    """The validated document and the build's one theme (see :func:`load`)."""
    manuscript = Path(manuscript)
    remote = RemoteImages(manuscript, "omit" if omit_remote else "locked", diagnostics)
    document, theme = parse.read(manuscript, diagnostics, remote)
    log = changelog.find(manuscript)
    if log is None:
        return document, theme
    document = _with(document, releases=changelog.load(log, diagnostics))
    if release.is_draft(document, Path(releases_dir)):
        diagnostics.warn(
            f"sources differ from released version {document.version}: this build is marked DRAFT; "
            "add a new version to the changelog before releasing it",
            log,
            document.release.line if document.release else None,
        )
        document = _with(document, draft=True)
    return document, theme


def build(
    manuscript: Path | str = "manuscript/report.md",
    formats: tuple[str, ...] = ("pdf",),
    *,
    output: Path | str | None = None,
    output_dir: Path | str = "output",
    edition: str = "screen",
    strict: bool = False,
    diagnostics: Diagnostics | None = None,
    write: bool = True,
    time_limit: float | str | None = None,
    omit_remote: bool = False,
) -> list[Built]:
    """Build the requested formats; write them only once all have rendered and passed their checks.

    With ``omit_remote``, remote images that have not been fetched become placeholders."""
    diagnostics = diagnostics or Diagnostics(strict=strict)
    steps: list[tuple[str, Callable[[], None]]] = []
    document: Document | None = None
    theme: Theme | None = None
    results: list[Built] = []

    cache = BuildCache(Path(output_dir) / ".cache" if write else None)

    def gather_all() -> None:
        nonlocal document, theme
        document, theme = gather(manuscript, diagnostics, Path(output_dir) / "releases", omit_remote)

    def render() -> None:
        assert document is not None and theme is not None
        rendered = render_formats(document, theme, formats, edition, diagnostics, cache)
        for fmt in formats:
            target = _target(document, fmt, output if len(formats) == 1 else None, Path(output_dir), edition)
            results.append(Built(fmt, target, rendered[fmt]))

    def write_all() -> None:
        for result in results:
            if result.path is not None:
                write_atomic(result.path, result.data)
        cache.commit()

    steps = [("gather", gather_all), ("render", render)]
    if write:
        steps.append(("write", write_all))
    seconds = limits.time_limit_from(time_limit)
    with interrupts_as_exceptions():
        with limits.time_limit(seconds, "the build", manuscript):
            for _name, step in steps[:2]:  # gather and render
                step()
        for _name, step in steps[2:]:  # write: atomic, and never cut short
            step()
    return results


def render_formats(
    document: Document,
    theme: Theme,
    formats: tuple[str, ...],
    edition: str,
    diagnostics: Diagnostics,
    cache: BuildCache | None = None,
) -> dict[str, bytes]:
    """Render each format in memory. The document is laid out once: the PDF's pagination gives
    the ePub its print page numbers (from a cache when only the ePub is asked for)."""
    unknown = [fmt for fmt in formats if fmt not in FORMATS]
    if unknown:
        raise RenderError(f"unknown output format '{unknown[0]}'")
    rendered: dict[str, bytes] = {}
    marks: tuple[PageMark, ...] | None = None
    page_entry, cached = None, None
    if cache is not None and cache.folder is not None:
        page_entry = f"pages-{pagination.cache_key(release.source_fingerprint(document), theme.dirs)}.json"
        cached = cache.read(page_entry)
    # Each writer is imported only when used: an ePub built from cached page numbers never
    # imports WeasyPrint, which takes a third of a second.
    if "pdf" in formats:
        if "epub" in formats:
            rendered["pdf"], rendered["epub"], marks = _pdf_and_epub(document, theme, edition, diagnostics)
        else:
            from .writers.pdf.writer import render_pdf

            with progress.shown("PDF"):
                rendered["pdf"], marks = render_pdf(document, edition=edition, diagnostics=diagnostics, theme=theme)
    elif "epub" in formats:
        from .writers.epub.writer import write_epub

        marks = pagination.from_json(cached)
        if marks is None:
            from .writers.pdf.writer import render_pdf

            with progress.shown("print page numbers"):
                marks = render_pdf(document, edition=edition, diagnostics=diagnostics, theme=theme, write=False)[1]
        rendered["epub"] = write_epub(document, edition=edition, diagnostics=diagnostics, page_marks=marks, theme=theme)
    if cache is not None and page_entry is not None and marks is not None and cached is None:
        cache.put(page_entry, pagination.to_json(marks))
    return rendered


def _pdf_and_epub(
    document: Document, theme: Theme, edition: str, diagnostics: Diagnostics
) -> tuple[bytes, bytes, tuple[PageMark, ...]]:
    """One layout; the ePub is packaged in a second thread while the PDF is being written."""
    from .writers.epub.writer import write_epub
    from .writers.pdf.writer import render_pdf

    with ThreadPoolExecutor(max_workers=1) as pool, progress.shown("PDF and ePub"):
        started: list[Future[bytes]] = []

        def package(laid_out: tuple[PageMark, ...]) -> None:
            started.append(
                pool.submit(
                    write_epub, document, edition=edition, diagnostics=diagnostics, page_marks=laid_out, theme=theme
                )
            )

        pdf, marks = render_pdf(document, edition=edition, diagnostics=diagnostics, theme=theme, on_layout=package)
        return pdf, started[0].result(), marks


def output_name(document: Document, fmt: str, edition: str = "screen") -> str:
    meta = document.metadata
    stem = meta.slug or slugify(meta.title) or slugify(document.source.parent.name) or "report"
    if document.version:
        stem += f"-v{document.version}"
    if fmt == "pdf" and edition != "screen":
        stem += f"-{edition}"
    return f"{stem}.{fmt}"


def _target(document: Document, fmt: str, output: Path | str | None, output_dir: Path, edition: str) -> Path:
    if output is not None:
        return Path(output)
    return output_dir / output_name(document, fmt, edition)


def slugify(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:60]


def _with(document: Document, **changes: object) -> Document:
    from dataclasses import replace

    return replace(document, **changes)


def make_release(
    manuscript: Path | str = "manuscript/report.md",
    *,
    output_dir: Path | str = "output",
    diagnostics: Diagnostics | None = None,
    time_limit: float | str | None = None,
) -> release.Released:
    """Build PDF and ePub and file them as an immutable release with checksums and a downloads page."""
    diagnostics = diagnostics or Diagnostics()
    releases_dir = Path(output_dir) / "releases"
    cache = BuildCache(Path(output_dir) / ".cache")
    with interrupts_as_exceptions(), limits.time_limit(limits.time_limit_from(time_limit), "the release", manuscript):
        document, theme = gather(manuscript, diagnostics, releases_dir=Path(output_dir) / ".no-releases")

        def render() -> dict[str, tuple[str, bytes]]:
            rendered = render_formats(document, theme, FORMATS, "screen", diagnostics, cache)
            return {fmt: (output_name(document, fmt), data) for fmt, data in rendered.items()}

        released = release.release(document, render, releases_dir, theme)
    cache.commit()  # after the release is filed, outside its time limit
    return released
