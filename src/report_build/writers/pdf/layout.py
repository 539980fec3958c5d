"""The WeasyPrint call: HTML and stylesheets laid out into pages, reading only from the
manuscript and layouts folders, with WeasyPrint's log turned into our warnings and errors.

:func:`lay_out_html` is WeasyPrint's ``render``; :meth:`LaidOut.write` its ``write_pdf``. Between
the two, the caller can read the pages (the page map for the ePub) and start other work while
the PDF is written."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from weasyprint import CSS, HTML
from weasyprint.css.counters import CounterStyle
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import FatalURLFetchingError

from ...errors import Diagnostics, RenderError, TemplateError
from ...theme import Theme
from ..pagination import PageMark
from . import (
    fixes,  # noqa: F401 (applies a layout correction)
    markup,
    svgtext,  # noqa: F401 (SVG labels laid out as whole strings: Arabic joins, kerning holds)
)
from .fetcher import SandboxFetcher
from .log import RendererMessage, captured_weasyprint_log


@dataclass(frozen=True)
class LaidOut:
    """A laid-out document: WeasyPrint's pages, where each page begins (for the ePub's page
    list), and what :meth:`write` needs to make the PDF from them."""

    pages: Any  # weasyprint.Document
    source: Path
    diagnostics: Diagnostics
    marks: tuple[PageMark, ...] = ()
    options: dict[str, Any] = field(default_factory=dict)  # write_pdf options: variant, finisher...
    finish: Callable[[bytes], bytes] | None = None  # the edition's last step on the written bytes

    def write(self) -> bytes:
        """The PDF's bytes. The pages are not laid out again; WeasyPrint's warnings are reported."""
        with captured_weasyprint_log() as log:
            try:
                data = self.pages.write_pdf(custom_metadata=False, pdf_tags=True, **self.options)
            except FatalURLFetchingError as exc:
                raise RenderError(f"PDF: {exc.__cause__ or exc}", self.source) from None
        report(log.located, self.source, self.diagnostics)
        if not data:
            raise RenderError("PDF renderer produced no bytes", self.source)
        return self.finish(data) if self.finish is not None else data


def lay_out_html(
    html: str,
    *,
    theme: Theme,
    root: Path,
    source: Path,
    stylesheets: tuple[str, ...],
    page: str,
    diagnostics: Diagnostics,
    replacements: dict[Path, bytes] | None = None,
    extra_css: str = "",
    **options: Any,
) -> LaidOut:
    """One WeasyPrint layout pass; ``extra_css`` goes after the layout's stylesheets (a parallel
    group's hand-over); ``options`` are kept for :meth:`LaidOut.write`."""
    fetcher = SandboxFetcher([root, *theme.dirs], replacements)
    fonts = FontConfiguration()
    counters = CounterStyle()  # shared, so that @counter-style rules in the layouts take effect
    with captured_weasyprint_log() as log:
        try:
            sheets = [CSS(string=page, font_config=fonts, counter_style=counters)] + [
                CSS(filename=str(path), url_fetcher=fetcher, font_config=fonts, counter_style=counters)
                for path in (theme.find(name) for name in stylesheets)
                if path is not None
            ]
            if extra_css:
                sheets.append(CSS(string=extra_css, font_config=fonts, counter_style=counters))
            rendered = HTML(string=html, base_url=root.as_uri() + "/", url_fetcher=fetcher).render(
                stylesheets=sheets,
                font_config=fonts,
                counter_style=counters,
                pdf_tags=True,
                presentational_hints=markup.needs_presentational_hints(html),
            )
        except FatalURLFetchingError as exc:
            raise RenderError(f"PDF: {exc.__cause__ or exc}", source) from None
    report(log.located, source, diagnostics)
    return LaidOut(rendered, source, diagnostics, options=options)


NOTDEF = re.compile(r'^\.notdef glyph rendered for Unicode string unsupported by fonts: "(.*)" \(U\+[0-9A-F]+\)$', re.S)


def report(located: list[RendererMessage], source: Path, diagnostics: Diagnostics) -> None:
    """WeasyPrint's log as ours: template and fetch failures are errors, the rest warnings (faults:
    a strict build refuses them). The characters it drew as empty boxes are one warning for all
    (the build has already said where each is written and what to install: fonts.check_glyphs).
    An SVG that fails only while the PDF is written (the images it cannot draw are found before
    the layout: :mod:`.drawable`) is left blank, with a warning."""
    boxes = dict.fromkeys(m.group(1) for entry in located if (m := NOTDEF.match(entry.message)))
    if boxes:
        shown = ", ".join(f"'{c}' (U+{ord(c[0]):04X})" for c in list(boxes)[:10])
        more = f" and {len(boxes) - 10} more" if len(boxes) > 10 else ""
        diagnostics.warn(f"PDF: no installed font has {shown}{more}: they print as empty boxes", source)
    for entry in located:
        if NOTDEF.match(entry.message):
            continue
        lowered = entry.message.lower()
        if lowered.startswith("failed to render svg image"):
            diagnostics.warn(f"PDF renderer: {entry.message}; it is left blank in the PDF", source, None)
            continue
        if "template" in lowered:
            raise TemplateError(f"PDF: {entry.message}", entry.path, entry.line)
        if entry.error or "failed to load" in lowered or "refused" in lowered or "error fetching" in lowered:
            raise RenderError(f"PDF: {entry.message}", entry.path or source, entry.line)
        diagnostics.warn(f"PDF renderer: {entry.message}", entry.path or source, entry.line)
