"""The ePub writer: one XHTML file per page, all rendered from the shared templates.

Every content document is rendered with Jinja2, wrapped in ``epub/page.xhtml``, parsed
strictly as XML, then finished here (``epub:type`` from ARIA roles, links between files,
packaged image names) and serialised again. ebooklib writes the package (OPF, NCX, zip);
it is handed finished bytes that it does not re-parse. The zip is then rewritten with fixed
timestamps and a fixed order, so the same manuscript always gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ebooklib import epub
from lxml import etree

from ... import __version__
from ...errors import Diagnostics, RenderError
from ...model import Chapter, Document, check_edition
from ...theme import Theme, document_context
from .. import pagination
from ..pagination import PageMark
from . import resources as epub_resources
from .resources import Resource

FOLDER = "EPUB"  # ebooklib's folder inside the zip
XHTML_NS = "http://www.w3.org/1999/xhtml"
OPS_NS = "http://www.idpf.org/2007/ops"
SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
EPUB_TYPE = f"{{{OPS_NS}}}type"
NS = {"x": XHTML_NS, "epub": OPS_NS}

# ARIA roles the shared templates use, and the EPUB structural semantics that mean the same.
ROLE_TYPES = {
    "doc-noteref": "noteref",
    "doc-footnote": "footnote",
    "doc-chapter": "chapter",
    "doc-toc": "toc",
    "doc-notice": "notice",
    "doc-pagebreak": "pagebreak",
    "doc-colophon": "colophon",
}
EXTERNAL = re.compile(r"^(https?|mailto|tel):", re.IGNORECASE)
PACKAGE_LINK = re.compile(r"^([A-Za-z0-9_-]+\.xhtml)(?:#(.*))?$")


@dataclass
class Page:
    """One content document of the package."""

    ident: str  # manifest id and file stem: "chapter-01"
    title: str  # <title>
    template: str  # the shared template it comes from, for messages
    kind: str  # epub:type of <body>
    chapter: Chapter | None = None
    root: Any = None  # the parsed <html> element
    ids: set[str] = field(default_factory=set)
    properties: list[str] = field(default_factory=list)

    @property
    def file(self) -> str:
        return f"{self.ident}.xhtml"


class _Finished(epub.EpubHtml):
    """A content document whose bytes are final: ebooklib writes them without re-parsing."""

    def __init__(self, uid: str, file_name: str, title: str, data: bytes, properties: list[str]):
        super().__init__(uid=uid, file_name=file_name, media_type="application/xhtml+xml", title=title)
        self.content = data
        self.properties = list(properties)

    def get_content(self, default: bytes | None = None) -> bytes:
        return self.content


def write_epub(
    doc: Document,
    target: Path | None = None,
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
    moment = _moment(doc)

    image_names, resources = epub_resources.package_images(doc)
    cover = epub_resources.cover(doc, theme)
    resources.append(cover)
    stylesheets, style_resources = epub_resources.stylesheets(doc, theme)
    resources.extend(style_resources)

    pages = _pages(doc)
    link = _linker(doc)
    context = document_context(doc, "epub", edition, link)
    for page in pages:
        page.root = _render(page, doc, theme, context, stylesheets, cover.name)
    page_list = _page_breaks(pages, page_marks, diagnostics, doc)
    _finish(pages, image_names, doc)
    nav = _nav(doc, theme, context, stylesheets, pages, page_list)

    book = _book(doc, theme, pages, nav, resources, cover, bool(page_list))
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
        writer = _Writer(raw, book, options)
        writer.process()
        writer.write()
    except (OSError, ValueError, epub.EpubException) as exc:
        raise RenderError(f"ePub: the package could not be written: {exc}", doc.source) from None
    data = _repack(raw.getvalue(), moment)
    _verify(data, doc, pages)
    return data


# -- time ---------------------------------------------------------------------------


def _moment(doc: Document) -> dt.datetime:
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


# -- pages --------------------------------------------------------------------------


def _pages(doc: Document) -> list[Page]:
    meta = doc.metadata
    pages = [
        Page("cover", "", "epub/cover.xhtml", "cover"),
        Page("titlepage", "", "titlepage.html", "frontmatter titlepage"),
        Page("colophon", "", "colophon.html", "frontmatter"),
        Page("contents", "", "contents.html", "frontmatter"),
    ]
    pages += [Page(c.slug, c.title or meta.title, "chapter.html", "bodymatter", chapter=c) for c in doc.chapters]
    if doc.releases:
        pages.append(Page("history", "", "history.html", "backmatter"))
    return pages


def _page_title(page: Page, doc: Document, strings: dict[str, Any]) -> str:
    if page.chapter is not None:
        return page.title
    key = {"cover": "cover", "titlepage": "title_page", "contents": "contents", "history": "version_history"}
    word = strings.get(key.get(page.ident, page.ident)) or page.ident.capitalize()
    return f"{doc.metadata.title}: {word}" if page.ident in ("cover", "titlepage", "colophon") else str(word)


def _linker(doc: Document):
    def link(ident: str) -> str:
        chapter = doc.chapter_of(ident)
        if chapter is not None:
            return f"{chapter.slug}.xhtml#{ident}"
        if ident == "version-history":
            return "history.xhtml#version-history"
        return f"#{ident}"  # resolved once every page is rendered

    return link


def _render(page: Page, doc: Document, theme: Theme, context: dict[str, Any], sheets: list[str], cover: str) -> Any:
    extra = {"chapter": page.chapter} if page.chapter is not None else {}
    body = theme.render(page.template, **context, cover_src=cover, **extra)
    page.title = _page_title(page, doc, theme.strings)
    markup = theme.render(
        "epub/page.xhtml",
        **context,
        content=body,
        title=page.title,
        stylesheets=sheets,
        body_class=f"page-{page.ident}" if page.chapter is None else "page-chapter",
        body_type=page.kind,
    )
    return _parse(markup, page, doc, theme)


def _parse(markup: str, page: Page, doc: Document, theme: Theme) -> Any:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    try:
        return etree.fromstring(markup.encode("utf-8"), parser)
    except etree.XMLSyntaxError as exc:
        if page.chapter is not None:
            what = f"chapter {page.chapter.index + 1} ('{page.chapter.title or doc.metadata.title}')"
            where, line = doc.source, page.chapter.line
        else:
            what, where, line = f"the {page.ident} page", theme.find(page.template) or page.template, None
        raise RenderError(
            f"ePub: {what} rendered from {page.template} is not well-formed XHTML "
            f"(line {exc.lineno} of the rendered page: {exc.msg})",
            where,
            line,
        ) from None


def _finish(pages: list[Page], image_names: dict[str, str], doc: Document) -> None:
    """epub:type from roles, unique ids, links across files, packaged image names."""
    owner: dict[str, str] = {}
    for page in sorted(pages, key=lambda p: p.chapter is None):  # chapters first: their ids win
        seen: set[str] = set()
        for ident in page.root.xpath("//@id"):
            if ident in seen:
                raise RenderError(f"ePub: id '{ident}' is used twice in {page.file} ({page.template})", doc.source)
            seen.add(ident)
            owner.setdefault(ident, page.file)
        page.ids = seen
    files = {page.file: page for page in pages}

    for page in pages:
        where = f"{page.file} ({page.template})"
        for element in page.root.iter():
            if not isinstance(element.tag, str):
                continue
            roles = (element.get("role") or "").split()
            types = [ROLE_TYPES[role] for role in roles if role in ROLE_TYPES]
            if types:
                existing = (element.get(EPUB_TYPE) or "").split()
                element.set(EPUB_TYPE, " ".join(dict.fromkeys(existing + types)))
            local = etree.QName(element).localname
            if local == "a" and element.get("href") is not None:
                element.set("href", _resolve(element.get("href").strip(), page, owner, files, where, doc))
            elif local == "img":
                src = element.get("src", "")
                if src.startswith("images/cover.") and page.ident == "cover":
                    continue
                if src not in image_names:
                    raise RenderError(
                        f"ePub: image '{src}' in {where} is not one of the manuscript's images", doc.source
                    )
                element.set("src", image_names[src])
            elif local in ("svg", "math") and element.tag.startswith("{"):
                prop = "svg" if local == "svg" else "mathml"
                if prop not in page.properties:
                    page.properties.append(prop)
            for name in ("src", "srcset", "poster", "data"):
                value = element.get(name) or ""
                if value and not (local == "img" and name == "src"):  # an <img> src is checked above
                    raise RenderError(
                        f"ePub: <{local} {name}='{value}'> in {where} would load a file the package does not hold",
                        doc.source,
                    )


def _resolve(href: str, page: Page, owner: dict[str, str], files: dict[str, Page], where: str, doc: Document) -> str:
    if EXTERNAL.match(href):
        return href
    if href.startswith("#"):
        target = href[1:]
        if target in page.ids:
            return href
        if target in owner:
            return f"{owner[target]}#{target}"
        raise RenderError(f"ePub: link to '#{target}' in {where} goes nowhere", doc.source)
    match = PACKAGE_LINK.match(href)
    if match and match.group(1) in files:
        file, target = match.group(1), match.group(2)
        if target is None:
            return href
        if target in files[file].ids:
            return f"#{target}" if file == page.file else href
        raise RenderError(f"ePub: link to '{href}' in {where} goes nowhere: {file} has no id '{target}'", doc.source)
    raise RenderError(f"ePub: link to '{href}' in {where} cannot be followed inside the ePub", doc.source)


def _serialise(root: Any) -> bytes:
    body = etree.tostring(root, encoding="utf-8", xml_declaration=False)
    return b'<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE html>\n' + body + b"\n"


# -- navigation ---------------------------------------------------------------------


def _toc(doc: Document) -> list[dict[str, Any]]:
    """Chapters and their sections; an untitled chapter lends its sections to the top level."""
    entries: list[dict[str, Any]] = []
    for chapter in doc.chapters:
        sections = [
            {"label": s.text, "href": f"{chapter.slug}.xhtml#{s.id}", "id": s.id, "children": []}
            for s in chapter.sections
        ]
        if chapter.title:
            entries.append(
                {"label": chapter.title, "href": f"{chapter.slug}.xhtml", "id": chapter.id, "children": sections}
            )
        else:
            entries.extend(sections)
    if not entries and doc.chapters:  # no headings at all: the book itself is the one entry
        first = doc.chapters[0]
        entries.append({"label": doc.metadata.title, "href": f"{first.slug}.xhtml", "id": first.id, "children": []})
    return entries


def _page_breaks(
    pages: list[Page], marks: tuple[PageMark, ...], diagnostics: Diagnostics, doc: Document
) -> list[dict[str, str]]:
    """Insert a page-break marker for every print page; return the page list's entries."""
    by_chapter = {page.chapter.index: page for page in pages if page.chapter is not None}
    entries = []
    for mark in marks:
        page = by_chapter.get(mark.chapter) if mark.chapter is not None else None
        anchor = None
        if page is not None:
            anchor = next(iter(page.root.xpath("//*[@role='doc-chapter']")), None)
        else:
            for candidate in pages:
                found = candidate.root.xpath("//*[@id=$ident]", ident=mark.section)
                if found:
                    page, anchor = candidate, found[0]
                    break
        marker = etree.Element(
            f"{{{XHTML_NS}}}span", {"id": mark.id, "role": "doc-pagebreak", "aria-label": mark.label}
        )
        if page is None or anchor is None or not pagination.place(mark, anchor, marker, _is_note_call):
            diagnostics.warn(f"ePub: print page {mark.label} could not be placed; it is left out of the page list")
            continue
        entries.append({"label": mark.label, "href": f"{page.file}#{mark.id}"})
    return entries


def _is_note_call(element: Any) -> bool:
    return element.get("role") == "doc-noteref"


def _nav(
    doc: Document,
    theme: Theme,
    context: dict[str, Any],
    sheets: list[str],
    pages: list[Page],
    page_list: list[dict[str, str]],
) -> bytes:
    strings = theme.strings
    toc = _toc(doc)
    if doc.releases:
        label = str(strings.get("version_history", "Version history"))
        toc.append({"label": label, "href": "history.xhtml", "id": "version-history", "children": []})
    first = next(page for page in pages if page.chapter is not None)
    landmarks = [
        {"type": "cover", "href": "cover.xhtml", "label": strings.get("cover", "Cover")},
        {"type": "toc", "href": "contents.xhtml", "label": strings.get("contents", "Contents")},
        {"type": "bodymatter", "href": first.file, "label": strings.get("start", first.title)},
    ]
    markup = theme.render(
        "epub/nav.xhtml", **context, toc=toc, landmarks=landmarks, stylesheets=sheets, page_list=page_list
    )
    nav = Page("nav", str(strings.get("contents", "Contents")), "epub/nav.xhtml", "")
    root = _parse(markup, nav, doc, theme)
    return _serialise(root)


def _ncx_toc(doc: Document, theme: Theme) -> list[Any]:
    """The same entries for the NCX (older reading systems)."""
    items: list[Any] = []
    entries = _toc(doc)
    if doc.releases:
        entries.append(
            {
                "label": str(theme.strings.get("version_history", "Version history")),
                "href": "history.xhtml",
                "id": "version-history",
                "children": [],
            }
        )
    for entry in entries:
        link = epub.Link(entry["href"], entry["label"], f"nav-{entry['id']}")
        if entry["children"]:
            items.append((link, [epub.Link(c["href"], c["label"], f"nav-{c['id']}") for c in entry["children"]]))
        else:
            items.append(link)
    return items


# -- package ------------------------------------------------------------------------


def _book(
    doc: Document,
    theme: Theme,
    pages: list[Page],
    nav: bytes,
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
    _accessibility(book, doc, paginated)

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
        item = _Finished(page.ident, page.file, page.title, _serialise(page.root), page.properties)
        items[page.ident] = book.add_item(item)
    book.add_item(_Finished("nav", "nav.xhtml", str(theme.strings.get("contents", "Contents")), nav, ["nav"]))
    book.add_item(epub.EpubNcx())
    book.toc = _ncx_toc(doc, theme)
    book.spine = [items[page.ident] for page in pages]
    first = next(page for page in pages if page.chapter is not None)
    book.guide = [
        {"type": "cover", "href": "cover.xhtml", "title": str(theme.strings.get("cover", "Cover"))},
        {"type": "toc", "href": "contents.xhtml", "title": str(theme.strings.get("contents", "Contents"))},
        {"type": "text", "href": first.file, "title": first.title},
    ]
    return book


def _accessibility(book: epub.EpubBook, doc: Document, paginated: bool) -> None:
    """EPUB Accessibility 1.1 metadata: only what this build can vouch for."""
    has_images = bool(doc.images)
    alt_missing = any(not figure.decorative and not figure.alt.strip() for figure in doc.figures)
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
    summary = (
        "Reflowable text with headings, a table of contents and landmarks; every image has a text "
        "alternative; notes are linked both ways" + ("; page numbers match the print edition." if paginated else ".")
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


class _Writer(epub.EpubWriter):
    """ebooklib's writer, with the package's language on its root (xml:lang, as EPUB 3.3 advises)."""

    def _write_opf_file(self, root: Any) -> None:
        if self.book.language:
            root.set("{http://www.w3.org/XML/1998/namespace}lang", self.book.language)
        super()._write_opf_file(root)


def _repack(data: bytes, moment: dt.datetime) -> bytes:
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


def _verify(data: bytes, doc: Document, pages: list[Page]) -> None:
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
                    doc.source,
                    page.chapter.line,
                )


def _fragment_text(body: str) -> str:
    try:
        return " ".join(etree.fromstring(f"<div>{body}</div>".encode()).itertext())
    except etree.XMLSyntaxError:
        return ""


def _squash(text: str) -> str:
    return "".join(ch for ch in text.lower() if ch.isalnum())
