"""Page geometry of the PDF: the margins that give a readable text block on the report's paper
(sizes and units are :mod:`report_build.paper`'s). The result reaches WeasyPrint as the
``@page`` rules of ``css/page.css.jinja``."""

from __future__ import annotations

from ...model import Document
from ...paper import PAGE_SIZES_MM, page_size_mm
from ...theme import Theme

MEASURE_MM = 124  # about 70 characters of 11 pt Vollkorn


def page_geometry(size: str) -> dict[str, float]:
    """Margins in mm that give a text block of about 70 characters, wider outside than inside."""
    width, height = page_size_mm(size) or PAGE_SIZES_MM["a4"]
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
