"""The PDF writer, in WeasyPrint's two steps: :func:`layout` lays the document out once (pages
and page marks); :meth:`LaidOut.write` makes the PDF's bytes from those pages.

The pieces live beside it: geometry.py (page sizes and margins), markup.py (the HTML and
stylesheets), layout.py (the WeasyPrint call and its log), finish.py (XMP and streams),
pages.py (reading the pages: page marks, footnotes), fetcher.py, fixes.py."""

from __future__ import annotations

from dataclasses import replace

from ... import images
from ...errors import Diagnostics
from ...model import Document, check_edition
from ...theme import Theme
from .finish import finisher, identifier
from .geometry import page_css
from .layout import LaidOut, lay_out_html
from .markup import render_html, stylesheet_names
from .pages import misplaced_notes, page_marks

PDF_VARIANTS = {"screen": "pdf/ua-1", "print": "pdf/x-4"}  # by edition (model.EDITIONS)

__all__ = ["PDF_VARIANTS", "LaidOut", "layout"]


def layout(document: Document, edition: str, theme: Theme, diagnostics: Diagnostics) -> LaidOut:
    """Lay the document out for the edition (``screen``: PDF/UA-1, ``print``: PDF/X-4).

    Warns about footnotes that left their call's page; the result's ``marks`` say where each
    page begins, and its ``write()`` gives the PDF."""
    check_edition(edition)
    replacements = {}
    for image in document.images:
        smaller = images.scaled(image.path, images.PDF_MAX_SIDE, image.data)
        if smaller is not None:
            replacements[image.path] = smaller[0]
        elif image.data is not None:  # a data: image, served as a file of its own
            replacements[image.path] = image.data
    laid_out = lay_out_html(
        render_html(document, theme, edition),
        theme=theme,
        root=document.root,
        source=document.source,
        stylesheets=stylesheet_names(document),
        page=page_css(document, theme, edition),
        diagnostics=diagnostics,
        replacements=replacements,
        finisher=finisher(document, edition),
        pdf_variant=PDF_VARIANTS[edition],
        output_intent="srgb" if edition == "print" else None,
        pdf_identifier=identifier(document, edition),
    )
    for ident, call, page in misplaced_notes(laid_out.pages):
        diagnostics.warn(
            f"PDF: footnote {ident[3:]} is printed on page {page}, not on page {call} with its call",
            document.source,
        )
    return replace(laid_out, marks=page_marks(laid_out.pages))
