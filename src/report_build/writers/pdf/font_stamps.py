"""Fonts re-saved by the PDF renderer keep their own timestamp, so the PDF's bytes stay the same
from build to build.

WeasyPrint embeds most fonts as HarfBuzz subsets, which keep the font's ``head`` table as it is.
Two kinds it re-saves with fontTools after subsetting: colour emoji fonts (their bitmaps taken
out) and variable fonts (made static). fontTools stamps the time of saving into ``head.modified``
(and so into the table's checksum and the file's checksum adjustment), so a report with one
emoji was a different PDF at every build. Here the renderer's fontTools opens fonts with
``recalcTimestamp=False``: a re-saved font keeps the date its maker gave it.

Applied when the PDF writer is imported; :data:`APPLIED` says whether WeasyPrint still opens
those fonts where this module expects (its ``pdf.fonts.TTFont``).
"""

from __future__ import annotations

from typing import Any

from fontTools.ttLib import TTFont
from weasyprint.pdf import fonts


class KeptTimestamp(TTFont):
    """fontTools' font, saved with the ``head.modified`` it was read with."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("recalcTimestamp", False)
        super().__init__(*args, **kwargs)


def _apply() -> bool:
    current = getattr(fonts, "TTFont", None)
    if current is KeptTimestamp:
        return True
    if current is not TTFont:
        return False  # WeasyPrint no longer opens fonts through this name: look again after an upgrade
    fonts.TTFont = KeptTimestamp  # type: ignore[misc]
    return True


APPLIED = _apply()
