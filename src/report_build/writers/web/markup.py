"""Rendered page bodies made ready for a browser.

The shared templates render a chapter exactly as for the ePub (notes listed at its end, with
links back to their calls). Here, for the web only:

- links go to the page that holds their target (``#context`` -> ``chapter-02.html``);
- each note call is followed by a copy of the note, a *side note*: CSS sets it in the margin
  on wide screens and hides it on phones, where the call links to the note at the end of the
  page and the script (when it runs) expands the note in place instead. The copy is hidden
  from assistive technology, which follows the call's link to the listed note. Its number is
  in the document's digits, as the call's (:func:`...numerals.digits`);
- images point at the site's copies, rasters with ``srcset`` and their size;
- whatever may be wider than the screen (a table, a code block, display math) scrolls inside a
  region of its own instead of widening the page: one a keyboard can reach (``tabindex="0"``)
  and a screen reader can name (``role="region"`` and a label from the strings file: the
  table's caption, "Code", "Equation"); the stylesheet draws its scroll cue;
- download links (a chart's data) point at the file's copy on the site.
"""

from __future__ import annotations

import re
from typing import Any

from lxml import etree

from ...contract import CHART_SCROLL, DOWNLOAD, MATH_DISPLAY, NOTE_CALL, TABLE_WRAP
from ...errors import Diagnostics, RenderError
from ...model import Document
from ...numerals import report_digits
from .assets import SiteImage
from .pages import WebPage, resolve

SIZES = "(min-width: 40em) 36em, calc(100vw - 2.5rem)"
SPACE = re.compile(r"\s+")


def parse_fragment(html: str, what: str, doc: Document, line: int | None = None) -> Any:
    """An XHTML fragment as a <div> element; the shared templates always give well-formed markup."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, remove_blank_text=False)
    try:
        return etree.fromstring(f"<div>{html}</div>".encode(), parser)
    except etree.XMLSyntaxError as exc:
        raise RenderError(f"web: {what} is not well-formed (XHTML): {exc.msg}", doc.source, line) from None


def serialise(root: Any) -> str:
    """The children of a fragment's <div>, as HTML."""
    text = root.text or ""
    return text + "".join(etree.tostring(child, encoding="unicode", method="html") for child in root)


def text_of(element: Any) -> str:
    return SPACE.sub(" ", "".join(element.itertext())).strip()


def prepare(
    root: Any,
    page: WebPage,
    doc: Document,
    images: dict[str, SiteImage],
    diagnostics: Diagnostics,
    strings: dict[str, Any],
    attachments: dict[str, str] | None = None,
) -> None:
    """Apply every web-only change to a rendered page body, in place. ``attachments``: the site's
    copy of each file offered for download, by the src the text links it with."""
    if page.chapter is not None:
        _side_notes(root, page, doc)
        _section_links(root, strings)
    _downloads(root, page, doc, attachments or {})
    ids = set(root.xpath("//@id"))
    _links(root, page, ids, doc, diagnostics)
    _images(root, page, doc, images)
    _tables(root, strings)
    _scrolling(root, strings)
    _notes_heading(root, strings)


def _downloads(root: Any, page: WebPage, doc: Document, attachments: dict[str, str]) -> None:
    for link in root.iter("a"):
        if DOWNLOAD not in (link.get("class") or "").split():
            continue
        href = link.get("href", "")
        site = attachments.get(href)
        if site is None:
            raise RenderError(f"web: download '{href}' in {page.file} is not a file the report offers", doc.source)
        link.set("href", site)
        link.set("download", site.rsplit("/", 1)[-1])


def _notes_heading(root: Any, strings: dict[str, Any]) -> None:
    """A visible heading over the notes listed at the end of a chapter."""
    for section in root.iter("section"):
        if "footnotes" in (section.get("class") or "").split():
            heading = etree.Element("h2", {"class": "footnotes-title", "id": "footnotes-title"})
            heading.text = str(strings.get("notes", "Notes"))
            heading.tail = section.text
            section.text = None
            section.insert(0, heading)
            section.attrib.pop("aria-label", None)
            section.set("aria-labelledby", "footnotes-title")


def _section_links(root: Any, strings: dict[str, Any]) -> None:
    """A link to each section beside its heading, to copy and share (the same id as in the ePub)."""
    for heading in root.iter("h2", "h3"):
        ident = heading.get("id")
        if not ident or (heading.get("class") or "").startswith("footnotes"):
            continue
        link = etree.SubElement(heading, "a", {"class": "section-link", "href": f"#{ident}"})
        mark = etree.SubElement(link, "span", {"aria-hidden": "true"})
        mark.text = "#"
        words = etree.SubElement(link, "span", {"class": "visually-hidden"})
        words.text = str(strings.get("section_link", "Link to this section"))


def _links(root: Any, page: WebPage, ids: set[str], doc: Document, diagnostics: Diagnostics) -> None:
    warned: set[str] = set()
    for anchor in root.iter("a"):
        href = anchor.get("href")
        if href is None:
            continue
        target = resolve(href, page, ids, doc)
        if target is None:
            if href not in warned:
                warned.add(href)
                line = page.chapter.line if page.chapter is not None else None
                diagnostics.warn(f"web: link to '{href}' in {page.file} goes nowhere", doc.source, line)
            continue
        anchor.set("href", target)


def _side_notes(root: Any, page: WebPage, doc: Document) -> None:
    assert page.chapter is not None
    notes = {f"#{note.id}": note for note in page.chapter.footnotes}
    for call in list(root.iter("a")):
        note = notes.get(call.get("href", ""))
        if note is None or NOTE_CALL not in (call.get("class") or "").split():
            continue
        side = parse_fragment(note.inline_html, f"note {note.number}", doc, note.line)
        side.tag = "span"
        side.set("class", "sidenote")
        side.set("id", f"side-{call.get('id') or note.id}")  # a note called twice has two copies
        side.set("aria-hidden", "true")
        number = etree.Element("span", {"class": "sidenote-number"})
        number.text = report_digits(note.number, doc.metadata)  # as the call has it
        number.tail = " " + (side.text or "")
        side.text = None
        side.insert(0, number)
        for element in side.iterdescendants():
            if not isinstance(element.tag, str):
                continue
            element.attrib.pop("id", None)  # ids belong to the listed note
            if element.tag == "a":
                element.set("tabindex", "-1")  # the copy is for the eye; the call's link is for the keyboard
        call.set("data-note", side.get("id"))
        side.tail, call.tail = call.tail, None
        call.addnext(side)


def _images(root: Any, page: WebPage, doc: Document, images: dict[str, SiteImage]) -> None:
    for img in root.iter("img"):
        src = img.get("src", "")
        site = images.get(src)
        if site is None:
            raise RenderError(f"web: image '{src}' in {page.file} is not one of the manuscript's images", doc.source)
        img.set("src", site.src)
        if site.srcset:
            img.set("srcset", site.srcset)
            img.set("sizes", SIZES)
        if site.width and site.height and not img.get("width"):
            img.set("width", str(site.width))
            img.set("height", str(site.height))
        img.set("decoding", "async")
        if page.chapter is not None:
            img.set("loading", "lazy")


def _tables(root: Any, strings: dict[str, Any]) -> None:
    """Every table in a scrolling region that a keyboard can reach and a screen reader can name."""
    for table in list(root.iter("table")):
        parent = table.getparent()
        if parent is None or TABLE_WRAP not in (parent.get("class") or "").split():
            wrap = etree.Element("div", {"class": TABLE_WRAP})
            table.addprevious(wrap)
            wrap.tail, table.tail = table.tail, None
            wrap.append(table)
            parent = wrap
        caption = table.find("caption")
        label = text_of(caption) if caption is not None else str(strings.get("table", "Table"))
        _region(parent, label)


def _scrolling(root: Any, strings: dict[str, Any]) -> None:
    """Code blocks, display math and charts, each a region that scrolls sideways on its own (a
    chart keeps a width at which its labels can be read: on a phone, scaled to the screen, they
    would be a few pixels tall)."""
    for figure in list(root.iter("figure")):
        image = figure.find("img")
        if "chart" not in (figure.get("class") or "").split() or image is None:
            continue
        holder = etree.Element("div", {"class": CHART_SCROLL})
        image.addprevious(holder)
        holder.tail, image.tail = image.tail, None
        holder.append(image)
        caption = figure.find("figcaption")
        _region(holder, text_of(caption) if caption is not None else str(strings.get("figure", "Figure")))
    for element in list(root.iter()):
        if not isinstance(element.tag, str) or any(
            "sidenote" in (a.get("class") or "") for a in element.iterancestors()
        ):
            continue  # a side note is a copy for the eye, hidden from assistive technology
        if element.tag == "pre":
            _region(element, str(strings.get("code_region", "Code")))
        elif MATH_DISPLAY in (element.get("class") or "").split():
            _region(element, str(strings.get("math_region", "Equation")))


def _region(element: Any, label: str) -> None:
    """A region a keyboard can reach and a screen reader names (axe: scrollable-region-focusable)."""
    element.set("role", "region")
    element.set("tabindex", "0")
    element.set("aria-label", label)


def first_paragraph(root: Any, limit: int = 160) -> str:
    """The text of the first real paragraph (not a callout's or a label), cut at a word near
    ``limit`` characters: a page's meta description. Call it before :func:`prepare`."""
    for paragraph in root.iter("p"):
        if paragraph.get("class") or any(a.tag == "aside" for a in paragraph.iterancestors()):
            continue
        text = text_of(paragraph)
        if len(text) > 40:
            return shorten(text, limit)
    return ""


def shorten(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:.–—- ")
    return cut + "…"
