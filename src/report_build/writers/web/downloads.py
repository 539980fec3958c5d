"""The PDF and ePub the landing page offers: the ones built with the site, or the current
version's files already in the output folder. In a plain build they are copied into the
site (``downloads/``), so the folder can be published on its own; in a release they sit beside
the site's folder and are linked with their SHA-256."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

from ...errors import Diagnostics
from ...model import Document
from .site import Download

FORMATS = ("pdf", "epub")


def pdf_pages(data: bytes) -> int | None:
    """The number of pages of a PDF, or None if it cannot be read."""
    import pikepdf

    try:
        with pikepdf.open(io.BytesIO(data)) as pdf:
            return len(pdf.pages)
    except (pikepdf.PdfError, ValueError):
        return None


def gather(
    doc: Document,
    names: dict[str, str],
    rendered: dict[str, bytes],
    output_dir: Path,
    diagnostics: Diagnostics,
) -> tuple[tuple[Download, ...], dict[str, bytes]]:
    """(downloads, files to add to the site) for a plain build; ``names`` are the output file
    names by format."""
    found, files, missing = [], {}, []
    for fmt in FORMATS:
        data = rendered.get(fmt)
        if data is None:
            path = output_dir / names[fmt]
            data = path.read_bytes() if path.is_file() else None
        if data is None:
            missing.append(names[fmt])
            continue
        href = f"downloads/{names[fmt]}"
        files[href] = data
        found.append(Download(fmt, names[fmt], href, len(data), pdf_pages(data) if fmt == "pdf" else None))
    if missing:
        diagnostics.warn(
            f"web: {', '.join(missing)} not found in {output_dir}; the landing page offers only what was built "
            "(build everything with `report-build all`)",
            doc.source,
        )
    return tuple(found), files


def released(files: list[dict[str, object]], rendered: dict[str, bytes]) -> tuple[Download, ...]:
    """Downloads of a release: its files, one folder up from the site, with their SHA-256."""
    found = []
    for entry in files:
        fmt, name = str(entry["format"]), str(entry["name"])
        data = rendered.get(fmt, b"")
        pages = pdf_pages(data) if fmt == "pdf" and data else None
        digest = str(entry.get("sha256") or hashlib.sha256(data).hexdigest())
        found.append(Download(fmt, name, f"../{name}", int(entry["size"]), pages, digest))  # type: ignore[arg-type]
    return tuple(found)
