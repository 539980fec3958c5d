"""Page references looked up, not rebuilt, while WeasyPrint writes the structure tree.

pydyf's ``PDF.page_references`` is a property that builds the tuple of every page's reference
(``b"12 0 R"``) each time it is read, and WeasyPrint reads it for every tagged element it writes
(its page, ``/Pg``) and every link destination. The cost is the pages times the elements: a
fortieth of a second for a 50-page group, but seconds for the single pass of a 450-page report
(what a release lays out).

Applied when the PDF writer is imported: the tuple is kept on the PDF object and made again
only when the page list has changed (WeasyPrint adds pages, and never changes one once added).
Invariant: what the property returns is what pydyf's own returns for the same page list (a
test checks), so the bytes written are the same.
"""

from __future__ import annotations

from typing import Any

import pydyf

PYDYF = pydyf.PDF.page_references
BUILD = getattr(PYDYF.fget, "__wrapped__", PYDYF.fget) if isinstance(PYDYF, property) else None
"""pydyf's own getter, which builds the tuple (None if pydyf has changed it into something else)."""


def _page_references(pdf: Any) -> tuple[bytes, ...]:
    kids = pdf.pages["Kids"]
    kept = pdf.__dict__.get("_report_build_page_references")
    if kept is None or kept[0] is not kids or kept[1] != len(kids):
        kept = (kids, len(kids), BUILD(pdf))  # type: ignore[misc]
        pdf.__dict__["_report_build_page_references"] = kept
    return kept[2]


_page_references.__wrapped__ = BUILD  # type: ignore[attr-defined]


def _apply() -> bool:
    """Replace the property while it is pydyf's own (or already ours)."""
    if BUILD is None:
        return False
    pydyf.PDF.page_references = property(_page_references, doc=PYDYF.__doc__)  # type: ignore[method-assign]
    return True


APPLIED = _apply()
