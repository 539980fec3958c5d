"""The PDF writer, in WeasyPrint's two steps: :func:`layout` lays the document out once (pages
and page marks); :meth:`LaidOut.write` makes the PDF's bytes from those pages.

The pieces live beside it: geometry.py (page sizes and margins), markup.py (the HTML and
stylesheets), layout.py (the WeasyPrint call and its log), finish.py (XMP and streams),
pages.py (reading the pages: page marks, footnotes), fetcher.py, fixes.py."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import Any

from ... import images
from ...cache import BuildCache
from ...errors import Diagnostics
from ...model import Document, check_edition
from ...numerals import counter_style_css, digits
from ...theme import Theme, file_digest, folders_digest
from . import drawable, editions, parallel
from .finish import finisher, identifier
from .geometry import page_css
from .handover import PageMap
from .layout import LaidOut, lay_out_html, load_hyphenation
from .markup import render_html, stylesheet_names
from .pages import folio, misplaced_notes, page_marks, warn_misplaced
from .parallel import Grouped, GroupResult, Memory, stand_in_anchors, worker_result
from .punctuation import punctuation

PDF_VARIANTS = {"screen": "pdf/ua-1", "print": "pdf/x-4"}  # by edition (model.EDITIONS)

__all__ = ["PDF_VARIANTS", "Grouped", "LaidOut", "Memory", "PageMap", "layout"]


def layout(
    document: Document,
    edition: str,
    theme: Theme,
    diagnostics: Diagnostics,
    jobs: int = 1,
    previous: PageMap | None = None,
    memory: Memory | None = None,
    groups: int | None = None,
    write: bool = True,
    cache: BuildCache | None = None,
) -> LaidOut | Grouped:
    """Lay the document out for the edition (``screen``: PDF/UA-1, ``print``: PDF/X-4); once
    written, its pages are labelled with their folios and the screen edition loses its blank
    left-hand pages (:mod:`.editions`).

    With ``jobs`` above 1, groups of chapters (``groups``, by default one per job) are laid out
    side by side (:mod:`.parallel`), their first page numbers guessed from ``previous`` (the
    last layout's page map) or ``memory`` (a ``watch``'s kept groups); a document that cannot be
    cut is laid out in one pass, and the terminal says why.

    Warns about footnotes that left their call's page; the result's ``marks`` say where each
    page begins, and its ``write()`` gives the PDF (with ``write`` False, groups are laid out
    for their page marks only: ``write()`` cannot be called). ``cache``: the build's, where the
    verdicts on its SVGs are kept (:mod:`.drawable`)."""
    check_edition(edition)
    document = drawable.stand_ins(document, theme, diagnostics, cache)  # SVGs WeasyPrint cannot draw: placeholders
    marks_css, mark_faces = punctuation(theme, document.metadata.language)  # CJK quotes, ellipsis, dash
    replacements = {**_replacements(document), **mark_faces}
    html = render_html(document, theme, edition)
    options: dict[str, Any] = {
        "theme": theme,
        "root": document.root,
        "source": document.source,
        "stylesheets": stylesheet_names(document),
        # the page rules, the fallback fonts the layouts declare and the digits (in the document's language)
        "page": page_css(document, theme, edition)
        + theme.fallback.css(document.metadata.language)
        + counter_style_css(document.metadata.language, document.metadata.latin_digits)
        + marks_css,
        "replacements": replacements,
        "finisher": finisher(document, edition),
        "pdf_variant": PDF_VARIANTS[edition],
        "output_intent": "srgb" if edition == "print" else None,
        "pdf_identifier": identifier(document, edition),
    }
    groups = groups or (memory.groups if memory is not None else None) or jobs
    guessable = previous is not None or (memory is not None and memory.page_map is not None)
    if groups > 1 and not write and not guessable:
        # Page marks alone (the ePub's print page numbers) are the same either way; without a
        # page map to guess from, groups would be laid out twice, which takes longer than one pass.
        groups = 1
    cover = str(theme.strings.get("cover", "Cover"))
    if groups > 1:
        grouped = _in_groups(
            document, html, options, edition, jobs, groups, previous, memory, diagnostics, write, cache
        )
        if isinstance(grouped, Grouped):
            return replace(grouped, cover=cover)
        diagnostics.note(f"PDF laid out in one pass: {grouped}")
    laid_out = lay_out_html(html, diagnostics=diagnostics, **options)
    warn_misplaced(misplaced_notes(laid_out.pages), document.source, diagnostics)
    folios = tuple(folio(page._page_box) for page in laid_out.pages.pages)
    return replace(
        laid_out,
        marks=page_marks(laid_out.pages),
        finish=partial(
            editions.finish, folios=folios, edition=edition, cover=cover, blank=editions.laid_blank(laid_out.pages)
        ),
    )


def _replacements(document: Document) -> dict[Path, bytes]:
    """Images as the PDF takes them: large ones scaled down, data: images as files of their own."""
    replacements = {}
    for image in document.images:
        smaller = images.scaled(image.path, images.PDF_MAX_SIDE, image.data)
        if smaller is not None:
            replacements[image.path] = smaller[0]
        elif image.data is not None:
            replacements[image.path] = image.data
    return replacements


def _in_groups(
    document: Document,
    html: str,
    options: dict[str, Any],
    edition: str,
    jobs: int,
    groups: int,
    previous: PageMap | None,
    memory: Memory | None,
    diagnostics: Diagnostics,
    write: bool,
    cache: BuildCache | None = None,
) -> Grouped | str:
    theme: Theme = options["theme"]
    sheets = [path.read_text(encoding="utf-8") for path in map(theme.find, options["stylesheets"]) if path is not None]
    load_hyphenation(document.metadata.language, sheets, cache)

    # A group's PDF is read by the join only, which writes the report's PDF anew.
    part_options = {**options, "finisher": finisher(document, edition, part=True)}

    def layout_one(group_html: str, css: str, written: bool) -> GroupResult:
        """One group laid out, and written if ``written``, in this process (a worker's)."""
        collected = Diagnostics(echo=False)  # passed on to the build's by parallel.lay_out
        laid_out = lay_out_html(group_html, diagnostics=collected, extra_css=css, **part_options)
        stand_ins = stand_in_anchors(laid_out.pages)
        # The screen edition's part is written without its blank left-hand pages.
        dropped = editions.blank_versos(laid_out.pages) if written and edition == "screen" else ()
        pdf = laid_out.without(dropped).write() if written else b""
        return replace(worker_result(laid_out.pages, pdf, stand_ins, collected.warnings), dropped=dropped)

    return parallel.lay_out(
        html,
        sheets=sheets,
        jobs=jobs,
        groups_wanted=groups,
        previous=previous,
        memory=memory,
        # Within one build the inputs are fixed; only groups kept for the next build need them named.
        inputs_digest=(_inputs_digest(options, document) if memory is not None else "")
        + ("" if write else "|marks only"),
        identifier=options["pdf_identifier"],
        layout_one=layout_one,
        blank_html=_blank_html(document),
        diagnostics=diagnostics,
        source=document.source,
        write=write,
        cache=cache,
        page_digits=partial(digits, language=document.metadata.language, latin=document.metadata.latin_digits),
    )


def _inputs_digest(options: dict[str, Any], document: Document) -> str:
    """What a group's layout reads besides its HTML and hand-over: the layouts, page rules (a
    string option) and images."""
    digest = hashlib.sha256(
        repr(sorted((k, v) for k, v in options.items() if isinstance(v, (str, type(None))))).encode()
    )
    digest.update(folders_digest(options["theme"].dirs).encode())
    for path, data in sorted(options["replacements"].items()):
        digest.update(str(path).encode() + b"\0" + data)
    for image in document.images:  # an image replaced under the same name changes the pages
        digest.update(f"{image.path}\0".encode() + (image.data if image.data is not None else _digest_of(image.path)))
    return digest.hexdigest()


def _digest_of(path: Path) -> bytes:
    try:
        return file_digest(path).encode()
    except OSError:
        return b"missing"


def _blank_html(document: Document) -> str:
    """A document whose second page is the blank page the layout puts before a chapter that
    would otherwise open on a left-hand page (its margins, marks and bleed)."""
    meta = document.metadata
    return (
        f'<!DOCTYPE html><html lang="{meta.language}" dir="{meta.direction}"><body class="pdf">'
        '<div class="mainmatter"><section class="chapter" style="display: none"></section>'
        '<section class="chapter"></section><section class="chapter" style="break-before: recto"></section>'
        "</div></body></html>"
    )
