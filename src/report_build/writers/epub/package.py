"""The ePub's package: OPF metadata (accessibility included), the zip written by ebooklib
from finished bytes, then rewritten with fixed times and order, and verified.

Invariant: the same document gives the same bytes; ebooklib never re-parses a page (it is
handed :class:`Finished` items), and what is in the zip is read back and checked.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import zipfile
from typing import Any

from ebooklib import epub
from lxml import etree

from ...errors import RenderError
from ...model import Document
from ...navigation import Navigation
from ...theme import Theme
from ...version import __version__
from .content import NS, Page, serialise
from .navdoc import guide, ncx
from .resources import Resource

# An image written without alt text (a draft says so in its alt: source/passes/images.py)
UNDESCRIBED = re.compile(r'class="[^"]*\bundescribed\b')

FOLDER = "EPUB"  # ebooklib's folder inside the zip


class Finished(epub.EpubHtml):
    """A content document whose bytes are final: ebooklib writes them without re-parsing."""

    def __init__(self, uid: str, file_name: str, title: str, data: bytes, properties: list[str]):
        super().__init__(uid=uid, file_name=file_name, media_type="application/xhtml+xml", title=title)
        self.content = data
        self.properties = list(properties)

    def get_content(self, default: bytes | None = None) -> bytes:
        return self.content


def moment(doc: Document) -> dt.datetime:
    """The build's one timestamp (``Document.modified``); a malformed SOURCE_DATE_EPOCH is an error here."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch and not epoch.isdigit():
        raise RenderError(f"SOURCE_DATE_EPOCH must be a whole number of seconds, not '{epoch}'")
    try:
        return doc.modified or dt.datetime(1980, 1, 1, tzinfo=dt.UTC)
    except (OverflowError, OSError, ValueError):
        raise RenderError(f"SOURCE_DATE_EPOCH must be a whole number of seconds, not '{epoch}'") from None


def _zip_time(moment: dt.datetime) -> tuple[int, int, int, int, int, int]:
    """Zip can store 1980 to 2107 only; clamp into that range."""
    low, high = dt.datetime(1980, 1, 1, tzinfo=dt.UTC), dt.datetime(2107, 12, 31, 23, 59, 58, tzinfo=dt.UTC)
    moment = min(max(moment, low), high)
    return (moment.year, moment.month, moment.day, moment.hour, moment.minute, moment.second - moment.second % 2)


def book(
    doc: Document,
    theme: Theme,
    pages: list[Page],
    nav: bytes,
    navigation: Navigation,
    resources: list[Resource],
    cover: Resource,
    paginated: bool,
) -> epub.EpubBook:
    meta = doc.metadata
    book = epub.EpubBook()
    book.set_identifier(meta.identifier)  # replaces ebooklib's random default
    book.set_unique_metadata("OPF", "generator", "", {"name": "generator", "content": f"report-build {__version__}"})
    book.title = meta.title
    book.add_metadata("DC", "title", meta.title, {"id": "title"})
    book.add_metadata(None, "meta", "main", {"refines": "#title", "property": "title-type"})
    if meta.subtitle:
        book.add_metadata("DC", "title", meta.subtitle, {"id": "subtitle"})
        book.add_metadata(None, "meta", "subtitle", {"refines": "#subtitle", "property": "title-type"})
    book.set_language(meta.language)
    book.set_direction(meta.direction)
    for number, author in enumerate(meta.authors, 1):
        book.add_author(author, role="aut", uid=f"creator-{number}")
    if meta.publisher:
        book.add_metadata("DC", "publisher", meta.publisher)
    if meta.description:
        book.add_metadata("DC", "description", meta.description)
    for keyword in meta.keywords:
        book.add_metadata("DC", "subject", keyword)
    if meta.rights:
        book.add_metadata("DC", "rights", meta.rights)
    if doc.date is not None:
        book.add_metadata("DC", "date", doc.date.isoformat())
    if doc.version:
        book.add_metadata(None, "meta", doc.version, {"property": "schema:version"})
    accessibility(book, doc, paginated)

    book.set_cover(cover.name, cover.data, create_page=False)
    book.get_item_with_id("cover-img").media_type = cover.media_type
    for resource in resources:
        if resource is cover:
            continue
        book.add_item(
            epub.EpubItem(
                uid=resource.ident, file_name=resource.name, media_type=resource.media_type, content=resource.data
            )
        )
    items = {}
    for page in pages:
        item = Finished(page.ident, page.file, page.title, serialise(page.root), page.properties)
        items[page.ident] = book.add_item(item)
    book.add_item(Finished("nav", "nav.xhtml", str(theme.strings.get("contents", "Contents")), nav, ["nav"]))
    book.add_item(epub.EpubNcx())
    book.toc = ncx(navigation)
    book.spine = [items[page.ident] for page in pages]
    book.guide = guide(navigation)
    return book


def accessibility(book: epub.EpubBook, doc: Document, paginated: bool) -> None:
    """EPUB Accessibility 1.1 metadata: only what this build can vouch for."""
    has_images = bool(doc.images)
    alt_missing = any(not figure.decorative and not figure.alt.strip() for figure in doc.figures) or any(
        UNDESCRIBED.search(chapter.body) for chapter in doc.chapters
    )  # a release refuses images without alt text; a draft says so
    facts = [("accessMode", "textual")]
    if has_images:
        facts.append(("accessMode", "visual"))
    facts.append(("accessModeSufficient", "textual" if not alt_missing else "textual,visual"))
    features = ["structuralNavigation", "tableOfContents", "readingOrder", "displayTransformability"]
    if has_images and not alt_missing:
        features.append("alternativeText")
    if paginated:
        features += ["printPageNumbers", "pageBreakMarkers"]
    facts += [("accessibilityFeature", feature) for feature in features]
    facts.append(("accessibilityHazard", "none"))
    described = "some images have no text alternative yet" if alt_missing else "every image has a text alternative"
    summary = (
        f"Reflowable text with headings, a table of contents and landmarks; {described}; notes are linked "
        "both ways" + ("; page numbers match the print edition." if paginated else ".")
    )
    facts.append(("accessibilitySummary", summary))
    for name, value in facts:
        book.add_metadata(None, "meta", value, {"property": f"schema:{name}"})
    book.add_metadata(None, "meta", "EPUB Accessibility 1.1 - WCAG 2.2 Level AA", {"property": "dcterms:conformsTo"})
    if paginated:
        source = f"{doc.metadata.title}, PDF edition" + (f", version {doc.version}" if doc.version else "")
        # where the page numbers come from; 'source-of pagination' says so to EPUB 3.3 reading
        # systems and checkers (DAISY Ace's epub-pagesource wants it with EPUB Accessibility 1.1)
        book.add_metadata("DC", "source", source, {"id": "page-source"})
        book.add_metadata(None, "meta", "pagination", {"refines": "#page-source", "property": "source-of"})


class EpubWriter(epub.EpubWriter):
    """ebooklib's writer, with the package's language on its root (xml:lang, as EPUB 3.3 advises)."""

    def _write_opf_file(self, root: Any) -> None:
        if self.book.language:
            root.set("{http://www.w3.org/XML/1998/namespace}lang", self.book.language)
        super()._write_opf_file(root)


def repack(data: bytes, moment: dt.datetime) -> bytes:
    """The same zip with fixed timestamps and order: mimetype first and stored, the rest deflated."""
    when = _zip_time(moment)
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        names = source.namelist()
        if len(set(names)) != len(names):
            raise RenderError("ePub: two files in the package have the same name")
        first = ["mimetype", "META-INF/container.xml", f"{FOLDER}/content.opf"]
        order = first + [name for name in names if name not in first]
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as target:
            for name in order:
                info = zipfile.ZipInfo(name, date_time=when)
                info.create_system = 3
                info.external_attr = 0o100644 << 16
                stored = name == "mimetype"
                info.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
                target.writestr(info, source.read(name), compresslevel=None if stored else 9)
    return out.getvalue()


def verify(data: bytes, doc: Document, pages: list[Page]) -> None:
    """Re-open the written package: every page is there, well-formed, and every chapter kept its text."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        infos = package.infolist()
        if infos[0].filename != "mimetype" or infos[0].compress_type != zipfile.ZIP_STORED:
            raise RenderError("ePub: 'mimetype' is not the first, uncompressed file of the package")
        for page in pages:
            name = f"{FOLDER}/{page.file}"
            try:
                root = etree.fromstring(package.read(name), parser)
            except KeyError:
                raise RenderError(f"ePub: {page.file} is missing from the written package", doc.source) from None
            except etree.XMLSyntaxError as exc:
                raise RenderError(f"ePub: {page.file} was written broken: {exc}", doc.source) from None
            if page.chapter is None:
                continue
            text = _squash(" ".join(root.xpath("//x:body//text()", namespaces=NS)))
            expected = _squash(page.chapter.title) or _squash(_fragment_text(page.chapter.body))[:60]
            if expected and expected not in text:
                raise RenderError(
                    f"ePub: {page.file} lost its text while the package was written "
                    f"(no '{page.chapter.title or 'opening text'}' in it)",
                    page.chapter.source or doc.source,
                    page.chapter.line,
                )


def _fragment_text(body: str) -> str:
    try:
        return " ".join(etree.fromstring(f"<div>{body}</div>".encode()).itertext())
    except etree.XMLSyntaxError:
        return ""


def _squash(text: str) -> str:
    return "".join(ch for ch in text.lower() if ch.isalnum())
