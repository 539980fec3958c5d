"""The PDF writer: one HTML document from the shared templates, laid out once by WeasyPrint."""

from __future__ import annotations

import hashlib
import re
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import lxml.html
import pydyf
from weasyprint import CSS, HTML
from weasyprint.css.counters import CounterStyle
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import FatalURLFetchingError

from ... import images
from ...errors import Diagnostics, RenderError, TemplateError
from ...model import Document, check_edition
from ...paper import PAGE_SIZES_MM, page_size_mm
from ...theme import Theme, document_context
from ..pagination import PageMark
from . import fixes  # noqa: F401 (applies a layout correction)
from .fetcher import SandboxFetcher
from .log import RendererMessage, captured_weasyprint_log
from .pages import misplaced_notes, page_marks

PDF_VARIANTS = {"screen": "pdf/ua-1", "print": "pdf/x-4"}  # by edition (model.EDITIONS)

# Attributes that WeasyPrint's presentational hints (HTML attributes such as <img width>,
# <ol start> or <table border> read as styles) never look at. Hints cost about 3 % of a render,
# so they are on only when some element has another attribute: the PDF is the same either way
# (tests check both).
PLAIN_ATTRIBUTES = frozenset(
    "id class title lang xml:lang dir role href hreflang src alt colspan rowspan headers scope span "  # noqa: SIM905
    "reversed datetime cite charset content name http-equiv rel xmlns epub:type".split()
)
STYLESHEETS = ("css/print.css", "css/custom.css")
RTL_STYLESHEET = "css/print-rtl.css"  # loaded after print.css for right-to-left languages


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


def render_html(doc: Document, theme: Theme, edition: str = "screen") -> str:
    """The HTML that WeasyPrint lays out (also what the benchmark hands bare WeasyPrint)."""
    context = document_context(doc, "pdf", edition, lambda ident: f"#{ident}")
    return theme.render("pdf.html", **context)


def page_css(doc: Document, theme: Theme, edition: str = "screen") -> str:
    return theme.render("css/page.css.jinja", page=page_geometry(doc.metadata.page_size), edition=edition)


def write_pdf(
    doc: Document,
    target: Path | None = None,
    *,
    edition: str = "screen",
    diagnostics: Diagnostics | None = None,
    theme: Theme | None = None,
) -> bytes:
    """Render the PDF and return its bytes (the caller decides where they go)."""
    return render_pdf(doc, edition=edition, diagnostics=diagnostics, theme=theme)[0]


def render_pdf(
    doc: Document,
    *,
    edition: str = "screen",
    diagnostics: Diagnostics | None = None,
    theme: Theme | None = None,
    write: bool = True,
    on_layout: Callable[[tuple[PageMark, ...]], None] | None = None,
) -> tuple[bytes, tuple[PageMark, ...]]:
    """Lay the document out once; return the PDF (unless ``write`` is False) and where its pages begin.

    ``on_layout`` is called with the page marks as soon as the layout is done, before the PDF is
    written, so that other work (the ePub) can start while it is.
    """
    diagnostics = diagnostics or Diagnostics()
    check_edition(edition)
    theme = theme or Theme(doc.metadata.layouts, doc.metadata.language, diagnostics)
    replacements = {}
    for image in doc.images:
        smaller = images.scaled(image.path, images.PDF_MAX_SIDE, image.data)
        if smaller is not None:
            replacements[image.path] = smaller[0]
        elif image.data is not None:  # a data: image, served as a file of its own
            replacements[image.path] = image.data
    marks: list[tuple[PageMark, ...]] = []
    data = html_to_pdf(
        render_html(doc, theme, edition),
        theme=theme,
        root=doc.root,
        source=doc.source,
        stylesheets=stylesheet_names(doc),
        page=page_css(doc, theme, edition),
        diagnostics=diagnostics,
        replacements=replacements,
        finisher=_finisher(doc, edition),
        pdf_variant=PDF_VARIANTS[edition],
        output_intent="srgb" if edition == "print" else None,
        pdf_identifier=_identifier(doc, edition),
        layout_done=lambda rendered: _laid_out(rendered, marks, on_layout, doc, diagnostics),
        write=write,
    )
    return data, marks[0]


def _laid_out(
    rendered: Any, marks: list[tuple[PageMark, ...]], then: Any, doc: Document, diagnostics: Diagnostics
) -> None:
    for ident, call, page in misplaced_notes(rendered):
        diagnostics.warn(
            f"PDF: footnote {ident[3:]} is printed on page {page}, not on page {call} with its call", doc.source
        )
    marks.append(page_marks(rendered))
    if then is not None:
        then(marks[0])


def html_to_pdf(
    html: str,
    *,
    theme: Theme,
    root: Path,
    source: Path,
    stylesheets: tuple[str, ...],
    page: str,
    diagnostics: Diagnostics,
    replacements: dict[Path, bytes] | None = None,
    layout_done: Callable[[Any], None] | None = None,
    write: bool = True,
    **options: object,
) -> bytes:
    """One WeasyPrint layout pass, reading only from ``root`` and the layouts; warnings reported."""
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
            rendered = HTML(string=html, base_url=root.as_uri() + "/", url_fetcher=fetcher).render(
                stylesheets=sheets,
                font_config=fonts,
                counter_style=counters,
                pdf_tags=True,
                presentational_hints=needs_presentational_hints(html),
            )
            if layout_done is not None:
                layout_done(rendered)
            data = rendered.write_pdf(custom_metadata=False, pdf_tags=True, **options) if write else b""
        except FatalURLFetchingError as exc:
            cause = exc.__cause__ or exc
            raise RenderError(f"PDF: {cause}", source) from None
    _report(log.located, source, diagnostics)
    if write and not data:
        raise RenderError("PDF renderer produced no bytes", source)
    return data


def needs_presentational_hints(html: str) -> bool:
    """Whether any element has an attribute outside :data:`PLAIN_ATTRIBUTES` (written with a
    value or without, as in ``<td nowrap>``)."""
    try:
        root = lxml.html.document_fromstring(html)
    except (ValueError, lxml.etree.ParserError):
        return True  # cannot tell: keep the hints
    return any(
        not (name in PLAIN_ATTRIBUTES or name.startswith(("aria-", "data-", "xmlns:")))
        for element in root.iter()
        if isinstance(element.tag, str)
        for name in element.attrib
    )


def stylesheet_names(doc: Document) -> tuple[str, ...]:
    if doc.metadata.direction == "rtl":
        return (STYLESHEETS[0], RTL_STYLESHEET, *STYLESHEETS[1:])
    return STYLESHEETS


def _finisher(doc: Document, edition: str):
    """Complete the XMP metadata before the PDF is written: the report's version, and stable ids."""

    def finish(document: object, pdf: object) -> None:
        _complete_xmp(pdf, doc, edition)
        compress_streams_once(pdf)

    return finish


def _complete_xmp(pdf: Any, doc: Document, edition: str) -> None:
    reference = pdf.catalog.get("Metadata")
    if reference is None:
        return
    number = int(bytes(reference).split()[0]) if not isinstance(reference, int) else reference
    stream = pdf.objects[number]
    content = b"".join(part if isinstance(part, bytes) else str(part).encode() for part in stream.stream)
    content = re.sub(rb"xmp\.did:[0-9a-f-]{36}", b"xmp.did:" + _identifier(doc, edition), content)
    if doc.version:
        content = content.replace(b"</rdf:RDF>", _xmp_version(doc) + b"</rdf:RDF>", 1)
    stream.stream = [content]


def compress_streams_once(pdf: Any) -> None:
    """Compress each stream now, once. pydyf compresses a stream every time its bytes are asked
    for, and a PDF with a file identifier (ours always has one) asks twice: to write the stream
    and to hash the file for the identifier. The bytes written are the same (a test checks)."""
    for stream in pdf.objects:
        if not isinstance(stream, pydyf.Stream) or not stream.compress:
            continue
        parts = [_stream_item(item) for item in stream.stream]
        if None in parts:
            continue  # an item we do not know how pydyf writes: leave the stream to pydyf
        compressor = zlib.compressobj(level=9)  # pydyf's own setting
        stream.stream = [compressor.compress(b"\n".join(parts)) + compressor.flush()]  # type: ignore[arg-type]
        stream.extra["Filter"] = "/FlateDecode"
        stream.compress = False


def _stream_item(item: object) -> bytes | None:
    """An item of a content stream as pydyf writes it (bytes, names and numbers as text, PDF
    objects as their data); None for anything else, such as floats, which pydyf formats its way."""
    if isinstance(item, bytes):
        return item
    if isinstance(item, pydyf.Object):
        return item.data
    if isinstance(item, str) or (isinstance(item, int) and not isinstance(item, bool)):
        return str(item).encode("ascii")
    return None


def _xmp_version(doc: Document) -> bytes:
    release = doc.release
    xml = (
        '<rdf:Description rdf:about="" xmlns:xmpMM="http://ns.adobe.com/xap/1.0/mm/"'
        ' xmlns:rb="https://report-build.invalid/ns/1.0/">'
        f"<xmpMM:VersionID>{escape(doc.version)}</xmpMM:VersionID>"
        f"<rb:releaseDate>{release.date.isoformat() if release else ''}</rb:releaseDate>"
        f"<rb:draft>{'True' if doc.draft else 'False'}</rb:draft>"
        "</rdf:Description>"
    )
    return xml.encode("utf-8")


def _identifier(doc: Document, edition: str) -> bytes:
    key = f"{doc.metadata.identifier}|{doc.version}|{edition}"
    return hashlib.md5(key.encode("utf-8"), usedforsecurity=False).hexdigest().encode("ascii")


def _report(located: list[RendererMessage], source: Path, diagnostics: Diagnostics) -> None:
    for entry in located:
        lowered = entry.message.lower()
        if "template" in lowered:
            raise TemplateError(f"PDF: {entry.message}", entry.path, entry.line)
        if entry.error or "failed to load" in lowered or "refused" in lowered or "error fetching" in lowered:
            raise RenderError(f"PDF: {entry.message}", entry.path or source, entry.line)
        diagnostics.warn(f"PDF renderer: {entry.message}", entry.path or source, entry.line)
