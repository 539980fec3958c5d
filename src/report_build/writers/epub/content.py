"""The ePub's content documents: one XHTML page per part of the report, rendered from the
shared templates, parsed strictly, then finished (``epub:type`` from ARIA roles, links between
files, packaged image names, print page-break markers).

Invariant: every page's tree is well-formed XHTML in which every internal link names a file
of the package and an id in it; a link that cannot is an error naming the manuscript's line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from ...contract import CHAPTER_ROLE, DOWNLOAD, HISTORY_ID, NOTE_CALL_ROLE, PAGEBREAK_ROLE, ROLE_TYPES
from ...errors import Diagnostics, RenderError
from ...model import Chapter, Document
from ...navigation import HISTORY_PAGE, contents_page
from ...theme import Theme
from .. import pagination
from ..pagination import PageMark

XHTML_NS = "http://www.w3.org/1999/xhtml"
OPS_NS = "http://www.idpf.org/2007/ops"
SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
EPUB_TYPE = f"{{{OPS_NS}}}type"
NS = {"x": XHTML_NS, "epub": OPS_NS}

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


def pages(doc: Document) -> list[Page]:
    meta = doc.metadata
    pages = [
        Page("cover", "", "epub/cover.xhtml", "cover"),
        Page("titlepage", "", "titlepage.html", "frontmatter titlepage"),
        Page("colophon", "", "colophon.html", "frontmatter"),
    ]
    if contents_page(doc):
        pages.append(Page("contents", "", "contents.html", "frontmatter"))
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


def linker(doc: Document):
    def link(ident: str) -> str:
        chapter = doc.chapter_of(ident)
        if chapter is not None:
            return f"{chapter.slug}.xhtml#{ident}"
        if ident == HISTORY_ID:
            return f"{HISTORY_PAGE}.xhtml#{HISTORY_ID}"
        return f"#{ident}"  # resolved once every page is rendered

    return link


def render(page: Page, doc: Document, theme: Theme, context: dict[str, Any], sheets: list[str], cover: str) -> Any:
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
    return parse_page(markup, page, doc, theme)


def parse_page(markup: str, page: Page, doc: Document, theme: Theme) -> Any:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    try:
        return etree.fromstring(markup.encode("utf-8"), parser)
    except etree.XMLSyntaxError as exc:
        if page.chapter is not None:
            what = f"chapter {page.chapter.index + 1} ('{page.chapter.title or doc.metadata.title}')"
            where, line = page.chapter.source or doc.source, page.chapter.line
        else:
            what, where, line = f"the {page.ident} page", theme.find(page.template) or page.template, None
        raise RenderError(
            f"ePub: {what} rendered from {page.template} is not well-formed XHTML "
            f"(line {exc.lineno} of the rendered page: {exc.msg})",
            where,
            line,
        ) from None


def finish(pages: list[Page], image_names: dict[str, str], doc: Document) -> None:
    """epub:type from roles, unique ids, links across files, packaged image names."""
    owner: dict[str, str] = {}
    for page in sorted(pages, key=lambda p: p.chapter is None):  # chapters first: their ids win
        seen: set[str] = set()
        for ident in page.root.xpath("//@id"):
            if ident in seen:
                raise RenderError(
                    f"internal error: ePub: id '{ident}' is used twice in {page.file} ({page.template}); "
                    "report-build gave it twice, not the manuscript: please report this",
                    doc.source,
                    page.chapter.line if page.chapter is not None else None,
                )
            seen.add(ident)
            owner.setdefault(ident, page.file)
        page.ids = seen
    files = {page.file: page for page in pages}

    for page in pages:
        _drop_downloads(page.root)
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


def _drop_downloads(root: Any) -> None:
    """Download links (a chart's data file) are for the web edition: the ePub does not carry the
    files, and has the data as a table. A paragraph left empty goes with its link."""
    for link in root.xpath(f"//x:a[contains(concat(' ', @class, ' '), ' {DOWNLOAD} ')]", namespaces=NS):
        parent = link.getparent()
        gone = parent if etree.QName(parent).localname == "p" and len(parent) == 1 else link
        holder = gone.getparent()
        if gone.tail and gone.tail.strip():
            previous = gone.getprevious()
            if previous is not None:
                previous.tail = (previous.tail or "") + gone.tail
            else:
                holder.text = (holder.text or "") + gone.tail
        holder.remove(gone)


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


def characters(roots: list[Any]) -> set[str]:
    """Every character of the text of these pages (head and body)."""
    return set().union(*("".join(root.itertext()) for root in roots))


def unlink(roots: list[Any], sheet: str) -> None:
    """Take the link to the stylesheet ``sheet`` out of these pages."""
    for root in roots:
        for link in root.xpath("//x:link[@href=$sheet]", namespaces={"x": XHTML_NS}, sheet=sheet):
            link.getparent().remove(link)


def serialise(root: Any) -> bytes:
    body = etree.tostring(root, encoding="utf-8", xml_declaration=False)
    return b'<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE html>\n' + body + b"\n"


def page_breaks(
    pages: list[Page], marks: tuple[PageMark, ...], diagnostics: Diagnostics, doc: Document
) -> list[dict[str, str]]:
    """Insert a page-break marker for every print page; return the page list's entries."""
    by_chapter = {page.chapter.index: page for page in pages if page.chapter is not None}
    entries = []
    taken = {ident for page in pages for ident in page.root.xpath("//@id")}
    for mark in marks:
        page = by_chapter.get(mark.chapter) if mark.chapter is not None else None
        anchor = None
        if page is not None:
            anchor = next(iter(page.root.xpath(f"//*[@role='{CHAPTER_ROLE}']")), None)
        else:
            for candidate in pages:
                found = candidate.root.xpath("//*[@id=$ident]", ident=mark.section)
                if found:
                    page, anchor = candidate, found[0]
                    break
        ident = mark.id
        while ident in taken:  # a manuscript id such as a heading "Page 3" keeps its own
            ident = f"_{ident}"
        marker = etree.Element(f"{{{XHTML_NS}}}span", {"id": ident, "role": PAGEBREAK_ROLE, "aria-label": mark.label})
        if page is None or anchor is None or not pagination.place(mark, anchor, marker, _is_note_call):
            diagnostics.warn(f"ePub: print page {mark.label} could not be placed; it is left out of the page list")
            continue
        taken.add(ident)
        entries.append({"label": mark.label, "href": f"{page.file}#{ident}"})
    return entries


def _is_note_call(element: Any) -> bool:
    return element.get("role") == NOTE_CALL_ROLE
