"""A chapter's XHTML body as the blocks of a Word document: paragraphs of styled spans, tables
and figures, in reading order.

This is the Word writer's reading of the model, kept apart from python-docx so that the Word
edition (:mod:`.writer`) and the redline (:mod:`report_build.publish.redline`) emit the same
blocks, and the redline compares them. Nothing here knows OOXML.

Invariants: every piece of text in the body reaches exactly one span (footnote calls become
note spans, which the writer turns into Word footnotes); styles are named by the keys of
:data:`report_build.writers.docx.styles.PARAGRAPH`; the blocks are frozen and comparable.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

import lxml.html

from ... import contract

INLINE_MARKS = {
    "strong": "b",
    "b": "b",
    "em": "i",
    "i": "i",
    "cite": "i",
    "dfn": "i",
    "code": "code",
    "kbd": "code",
    "samp": "code",
    "sup": "sup",
    "sub": "sub",
    "del": "strike",
    "s": "strike",
    "mark": "mark",
    "u": "u",
    "ins": "u",
}
HEADINGS = {f"h{n}": n for n in range(1, 7)}
SKIPPED = {"script", "style", "template", "head", "title", "meta", "link"}


@dataclass(frozen=True)
class Span:
    """A run of text with one formatting; ``note`` is a footnote call (its number; no text),
    ``image`` an inline picture (its src, the text its alt), ``br`` a line break."""

    text: str = ""
    marks: frozenset[str] = frozenset()
    link: str = ""  # "https://..." or "#anchor"
    note: int = 0
    image: str = ""
    br: bool = False


@dataclass(frozen=True)
class Para:
    style: str  # a key of styles.PARAGRAPH: body, h1 ... h6, caption, quote, callout, code ...
    spans: tuple[Span, ...] = ()
    anchor: str = ""  # the element's id, a bookmark in Word
    list_kind: str = ""  # "bullet" | "number" for a list item
    list_level: int = 0
    list_id: int = 0  # the list instance (numbering restarts per ordered list)
    list_start: int = 1
    label: str = ""  # a caption's "Figure 3" / "Table 2" (a SEQ field in Word)
    align: str = ""  # "left" | "center" | "right" in table cells

    @property
    def text(self) -> str:
        return "".join(span.text for span in self.spans if not span.image)


@dataclass(frozen=True)
class Cell:
    paras: tuple[Para, ...]
    header: bool = False
    colspan: int = 1
    rowspan: int = 1


@dataclass(frozen=True)
class Table:
    rows: tuple[tuple[Cell, ...], ...]
    header_rows: int = 0
    caption: Para | None = None
    anchor: str = ""

    @property
    def text(self) -> str:
        return " | ".join(" ".join(p.text for p in cell.paras) for row in self.rows for cell in row)


@dataclass(frozen=True)
class Figure:
    src: str
    alt: str
    caption: Para | None = None
    anchor: str = ""
    decorative: bool = False

    @property
    def text(self) -> str:
        return f"[{self.src}] {self.caption.text if self.caption else ''}"


Block = Para | Table | Figure


def block_key(block: Block) -> tuple[str, str, str]:
    """What two blocks must share to be the same block in a comparison (style and text)."""
    if isinstance(block, Para):
        return ("p", block.style, block.text)
    if isinstance(block, Table):
        return ("table", block.caption.text if block.caption else "", block.text)
    return ("figure", block.src, block.text)


@dataclass
class _Lists:
    """Numbering instances: each list gets its own, so ordered lists restart."""

    count: int = 0

    def new(self) -> int:
        self.count += 1
        return self.count


@dataclass
class Reader:
    """Turns XHTML fragments into blocks; one per document, so list ids stay unique."""

    lists: _Lists = field(default_factory=_Lists)

    def body(self, html: str) -> list[Block]:
        if not html.strip():
            return []
        root = lxml.html.fragment_fromstring(html, create_parent="div")
        out: list[Block] = []
        self._blocks(root, out, "body", 0)
        return out

    # -- blocks ----------------------------------------------------------------------------

    def _blocks(self, parent, out: list[Block], style: str, depth: int) -> None:
        """The block children of ``parent``; loose inline content becomes a paragraph in ``style``."""
        pending: list[Span] = []
        pending_tail = _Inline()

        def flush() -> None:
            spans = _trim(pending)
            if spans:
                out.append(Para(style, tuple(spans)))
            pending.clear()

        if parent.text:
            pending.extend(pending_tail.text(parent.text))
        for child in parent:
            tag = child.tag if isinstance(child.tag, str) else ""
            if tag and (tag in HEADINGS or tag in BLOCK_TAGS):
                flush()
                self._block(child, tag, out, style, depth)
            elif tag:
                pending.extend(_Inline().element(child))
            if child.tail:
                pending.extend(_Inline().text(child.tail))
        flush()

    def _block(self, el, tag: str, out: list[Block], style: str, depth: int) -> None:
        classes = set((el.get("class") or "").split())
        if tag in SKIPPED or (tag == "details" and contract.CHART_DATA in classes):
            return  # a chart's data table is for the ePub and the site; Word, like the PDF, shows the chart
        if tag in HEADINGS:
            out.append(Para(f"h{HEADINGS[tag]}", tuple(_trim(_Inline().children(el))), anchor=el.get("id", "")))
        elif tag == "p":
            para_style = "callout-title" if "callout-title" in classes else style
            spans = _trim(_Inline().children(el))
            if spans:
                out.append(Para(para_style, tuple(spans), anchor=el.get("id", "")))
            # a block inside a <p> (raw HTML repaired) is read as its own block
            for inner in el.iter("table", "figure", "ul", "ol"):
                self._block(inner, inner.tag, out, style, depth)
        elif tag in ("ul", "ol"):
            self._list(el, tag, out, depth)
        elif tag == "figure":
            out.extend(self._figure(el))
        elif tag == "table":
            out.append(self._table(el))
        elif tag == "pre":
            text = el.text_content().rstrip("\n")
            spans: list[Span] = []
            for number, line in enumerate(text.split("\n")):
                if number:
                    spans.append(Span(br=True))
                spans.append(Span(line, frozenset({"code"})))
            out.append(Para("code", tuple(spans)))
        elif tag == "aside" and "pullquote" in classes:
            self._blocks(el, out, "quote", depth)
        elif tag == "aside" and "callout" in classes:
            self._blocks(el, out, "callout", depth)
        elif tag == "blockquote":
            self._blocks(el, out, "quote", depth)
        elif tag == "dl":
            for item in el:
                if item.tag == "dt":
                    out.append(Para("term", tuple(_trim(_Inline().children(item)))))
                elif item.tag == "dd":
                    self._blocks(item, out, "definition", depth)
        elif tag == "hr":
            out.append(Para("rule"))
        else:  # div, section, aside, details ... : their content
            self._blocks(el, out, style, depth)

    def _list(self, el, tag: str, out: list[Block], depth: int) -> None:
        kind = "number" if tag == "ol" else "bullet"
        ident = self.lists.new()
        start = int(el.get("start")) if (el.get("start") or "").isdigit() else 1
        for item in el:
            if item.tag != "li":
                continue
            inner: list[Block] = []
            self._blocks(item, inner, "body", depth + 1)
            first = True
            for block in inner:
                if isinstance(block, Para) and block.style == "body" and not block.list_kind:
                    style = "list" if first else "list-continue"
                    block = replace(
                        block,
                        style=style,
                        list_kind=kind if first else "",
                        list_level=min(depth, 8),
                        list_id=ident,
                        list_start=start,
                    )
                    first = False
                out.append(block)
            if first:  # an empty item still shows its marker
                out.append(Para("list", (), list_kind=kind, list_level=min(depth, 8), list_id=ident, list_start=start))

    def _figure(self, el) -> list[Block]:
        images = el.findall(".//img")
        caption_el = el.find(".//figcaption")
        caption = _caption(caption_el, "figure-label") if caption_el is not None else None
        figures: list[Block] = []
        for number, img in enumerate(images):
            last = number == len(images) - 1
            decorative = "decorative" in (img.get("class") or "") or img.get("role") == "presentation"
            figures.append(
                Figure(
                    img.get("src", ""),
                    img.get("alt", ""),
                    caption if last else None,
                    el.get("id", "") if number == 0 else "",
                    decorative,
                )
            )
        if not images and caption is not None:
            figures.append(caption)
        return figures

    def _table(self, el) -> Table:
        caption_el = el.find("caption")
        caption = _caption(caption_el, contract.TABLE_LABEL) if caption_el is not None else None
        rows: list[tuple[Cell, ...]] = []
        header_rows = 0
        for row in el.iter("tr"):
            in_head = row.getparent() is not None and row.getparent().tag == "thead"
            header_rows += in_head
            cells = []
            for cell in row:
                if cell.tag not in ("td", "th"):
                    continue
                align = next(
                    (a for a in ("left", "center", "right") if f"align-{a}" in (cell.get("class") or "")),
                    (cell.get("align") or "").lower() if cell.get("align") else "",
                )
                inner: list[Block] = []
                self._blocks(cell, inner, "table", 0)
                paras = tuple(replace(b, align=align) for b in inner if isinstance(b, Para)) or (Para("table"),)
                cells.append(
                    Cell(
                        paras,
                        header=in_head or (cell.tag == "th" and not rows),
                        colspan=_span(cell.get("colspan")),
                        rowspan=_span(cell.get("rowspan")),
                    )
                )
            if cells:
                rows.append(tuple(cells))
        if not header_rows and rows and all(cell.header for cell in rows[0]):
            header_rows = 1
        return Table(tuple(rows), header_rows, caption, el.get("id", ""))


BLOCK_TAGS = {
    "p",
    "ul",
    "ol",
    "figure",
    "table",
    "pre",
    "aside",
    "blockquote",
    "dl",
    "div",
    "section",
    "hr",
    "details",
    "summary",
    "header",
    "footer",
    "nav",
    "article",
    "main",
    "figcaption",
    *SKIPPED,
}


def _span(value: str | None) -> int:
    return max(1, min(int(value), 1000)) if value and value.isdigit() else 1


def _caption(el, label_class: str) -> Para:
    """A caption without its "Figure 3" label, which is kept apart (Word numbers it with a field)."""
    label = ""
    spans: list[Span] = []
    inline = _Inline()
    if el.text:
        spans.extend(inline.text(el.text))
    for child in el:
        if label_class in (child.get("class") or "").split():
            label = " ".join(child.text_content().split())
        else:
            spans.extend(inline.element(child))
        if child.tail:
            spans.extend(inline.text(child.tail))
    return Para("caption", tuple(_trim(spans)), label=label)


class _Inline:
    """Inline content as spans, with the marks of the elements around it."""

    def __init__(self, marks: frozenset[str] = frozenset(), link: str = ""):
        self.marks = marks
        self.link = link

    def text(self, text: str) -> list[Span]:
        text = re.sub(r"\s+", " ", text)
        return [Span(text, self.marks, self.link)] if text else []

    def children(self, el) -> list[Span]:
        out = self.text(el.text or "")
        for child in el:
            out.extend(self.element(child))
            out.extend(self.text(child.tail or ""))
        return out

    def element(self, el) -> list[Span]:
        tag = el.tag if isinstance(el.tag, str) else ""
        if not tag or tag in SKIPPED:
            return []
        classes = set((el.get("class") or "").split())
        if tag == "br":
            return [Span(br=True, marks=self.marks, link=self.link)]
        if tag == "img":
            return [Span(el.get("alt", ""), self.marks, self.link, image=el.get("src", ""))]
        if tag == "a" and contract.NOTE_CALL in classes:
            number = el.text_content().strip()
            return [Span(note=int(number))] if number.isdigit() else []
        if tag == "input" and el.get("type") == "checkbox":
            return self.text("☒ " if el.get("checked") is not None else "☐ ")
        if tag in HEADINGS or tag in BLOCK_TAGS:  # a block where only inline content can go
            return self.children(el)
        marks = self.marks | ({INLINE_MARKS[tag]} if tag in INLINE_MARKS else set())
        link = self.link
        if tag == "a" and el.get("href"):
            link = el.get("href", "")
        return _Inline(frozenset(marks), link).children(el)


def _trim(spans: list[Span]) -> list[Span]:
    """Spans with the white space at either end of the paragraph removed, and neighbours of the
    same formatting joined."""
    joined: list[Span] = []
    for span in spans:
        if joined and _same(joined[-1], span):
            joined[-1] = replace(joined[-1], text=joined[-1].text + span.text)
        elif span.text or span.note or span.br or span.image:
            joined.append(span)
    while joined and _is_text(joined[0]) and not joined[0].text.strip():
        joined.pop(0)
    while joined and _is_text(joined[-1]) and not joined[-1].text.strip():
        joined.pop()
    if joined and _is_text(joined[0]):
        joined[0] = replace(joined[0], text=joined[0].text.lstrip())
    if joined and _is_text(joined[-1]):
        joined[-1] = replace(joined[-1], text=joined[-1].text.rstrip())
    return joined


def _is_text(span: Span) -> bool:
    return not (span.note or span.br or span.image)


def _same(a: Span, b: Span) -> bool:
    return _is_text(a) and _is_text(b) and a.marks == b.marks and a.link == b.link


def words(spans: tuple[Span, ...]) -> list[Span]:
    """The spans cut into words and the spaces after them (each its own span), for a comparison by
    word; joined again, they give the same text."""
    out: list[Span] = []
    for span in spans:
        if not _is_text(span):
            out.append(span)
            continue
        for piece in re.findall(r"\S+\s*|\s+", span.text):
            out.append(replace(span, text=piece))
    return out
