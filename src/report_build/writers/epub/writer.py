"""The ePub writer: one XHTML file per page, all rendered from the shared templates.

Every content document is rendered with Jinja2, wrapped in ``epub/page.xhtml``, parsed
strictly as XML, then finished here (``epub:type`` from ARIA roles, links between files,
packaged image names) and serialised again. ebooklib writes the package (OPF, NCX, zip);
it is handed finished bytes that it does not re-parse. The zip is then rewritten with fixed
timestamps and a fixed order, so the same manuscript always gives the same bytes.
"""

from __future__ import annotations

import io

from ebooklib import epub

from ...errors import Diagnostics, RenderError
from ...model import Document, check_edition
from ...navigation import navigation as build_navigation
from ...theme import Theme, document_context
from ..pagination import PageMark
from . import content, navdoc, package, package_check, xhtml_check
from . import resources as epub_resources


def write_epub(
    doc: Document,
    *,
    edition: str = "screen",
    diagnostics: Diagnostics | None = None,
    theme: Theme | None = None,
    page_marks: tuple[PageMark, ...] = (),
) -> bytes:
    """Render the ePub and return its bytes (the caller decides where they go).

    ``page_marks`` (from the PDF layout) become page-break markers and a page list.
    """
    diagnostics = diagnostics or Diagnostics()
    check_edition(edition)  # the ePub is the same for both; the value reaches the templates
    theme = theme or Theme(doc.metadata.layouts, doc.metadata.language, diagnostics)
    moment = package.moment(doc)

    image_names, resources = epub_resources.package_images(doc)
    cover = epub_resources.cover(doc, theme)
    resources.append(cover)
    stylesheets, style_resources = epub_resources.stylesheets(doc, theme)
    resources.extend(style_resources)
    # Every page links the fallback fonts' stylesheet until the text shows whether it needs one.
    linked = epub_resources.with_fallback(stylesheets)

    xhtml_check.check_chapters(doc)  # a fault in the manuscript's markup: file:line, before anything is made
    pages = content.pages(doc)
    link = content.linker(doc)
    context = document_context(doc, "epub", edition, link)
    for page in pages:
        page.root = content.render(page, doc, theme, context, linked, cover.name)
    page_list = content.page_breaks(pages, page_marks, diagnostics, doc)
    content.finish(pages, image_names, doc)
    navigation = build_navigation(doc, theme.strings)
    nav = navdoc.nav_document(doc, theme, context, linked, navigation, page_list)
    # Subsets of the fallback faces for every character the files show, footnotes, dates and
    # the layouts' words included; without any, the pages do not link their stylesheet.
    roots = [page.root for page in pages] + [nav]
    fallback = epub_resources.fallback_resources(doc, theme, content.characters(roots))
    if fallback:
        resources.extend(fallback)
    else:
        content.unlink(roots, epub_resources.FALLBACK_SHEET)
    nav_file = content.serialise(nav)
    files = {page.file: content.serialise(page.root) for page in pages} | {"nav.xhtml": nav_file}
    xhtml_check.refuse_internal(xhtml_check.check_package(files, {r.name for r in resources}), doc)

    book = package.book(doc, theme, pages, nav_file, navigation, resources, cover, bool(page_list))
    raw = io.BytesIO()
    options = {
        "raise_exceptions": True,
        "mtime": moment,
        "epub2_guide": True,
        "epub3_landmark": False,  # the landmarks are in our own nav document
        "epub3_pages": False,
        "spine_direction": True,
        "package_direction": True,
        "play_order": {"enabled": True, "start_from": 1},
    }
    try:
        writer = package.EpubWriter(raw, book, options)
        writer.process()
        writer.write()
    except (OSError, ValueError, epub.EpubException) as exc:
        raise RenderError(f"ePub: the package could not be written: {exc}", doc.source) from None
    data = package.repack(raw.getvalue(), moment)
    package.verify(data, doc, pages)
    # The files ebooklib wrote (OPF, NCX) and the pages, read back as EPUBCheck reads them.
    xhtml_check.refuse_internal(package_check.check_written(data), doc)
    return data
