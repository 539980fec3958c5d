"""Page geometry of the PDF: named page sizes, units, and the margins that give a readable
text block. The result reaches WeasyPrint as the ``@page`` rules of ``css/page.css.jinja``."""

from __future__ import annotations

from ...model import Document
from ...theme import Theme

PAGE_SIZES_MM = {
    "a3": (297, 420),
    "a4": (210, 297),
    "a5": (148, 210),
    "b4": (250, 353),
    "b5": (176, 250),
    "jis-b4": (257, 364),
    "jis-b5": (182, 257),
    "letter": (215.9, 279.4),
    "legal": (215.9, 355.6),
    "ledger": (279.4, 431.8),
}
UNIT_MM = {"mm": 1.0, "cm": 10.0, "in": 25.4, "pt": 25.4 / 72}
MEASURE_MM = 124  # about 70 characters of 11 pt Vollkorn


def page_size_mm(size: str) -> tuple[float, float]:
    """Width and height in mm of a named size (``a4``) or of two lengths (``170mm 240mm``)."""
    named = PAGE_SIZES_MM.get(size.lower())
    if named:
        return named
    width, height = size.split()
    return tuple(float(v[:-2]) * UNIT_MM[v[-2:]] for v in (width, height))  # type: ignore[return-value]


def page_geometry(size: str) -> dict[str, float]:
    """Margins in mm that give a text block of about 70 characters, wider outside than inside."""
    width, height = page_size_mm(size)
    measure = min(MEASURE_MM, width - 36)
    spare = width - measure
    inner = max(15.0, round(spare * 0.38, 1))
    return {
        "width": width,
        "height": height,
        "inner": inner,
        "outer": round(spare - inner, 1),
        "top": round(height * 0.075, 1),
        "bottom": round(height * 0.095, 1),
    }


def page_css(doc: Document, theme: Theme, edition: str = "screen") -> str:
    """The ``@page`` rules for the document's page size and edition (bleed and marks in print)."""
    return theme.render("css/page.css.jinja", page=page_geometry(doc.metadata.page_size), edition=edition)
