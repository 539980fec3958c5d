"""The low-level WordprocessingML the Word writer needs and python-docx does not write: the
footnotes part, runs with tracked changes, fields, bookmarks, internal hyperlinks, numbering
instances, repeated table headers, alt text and SVG pictures, and the settings that go with
them. Every element is made here, in the order the schema requires (Word refuses a file whose
elements are out of order with a repair prompt), so the rest of the writer never spells XML.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part, XmlPart
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn

FOOTNOTES_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"
SVG_TYPE = "image/svg+xml"
SVG_EXTENSION = "{96DAC541-7B7A-43D3-8B79-37D633B846F1}"
SVG_NS = "http://schemas.microsoft.com/office/drawing/2016/SVG/main"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
SANS = "Calibri"  # the sans of the Word edition (styles.py names both faces)

# rPr children in schema order (CT_RPr), for the marks blocks.Span carries
RUN_MARKS = (
    ("b", "w:b"),
    ("i", "w:i"),
    ("strike", "w:strike"),
    ("mark", "w:highlight"),
    ("u", "w:u"),
    ("sup", "w:vertAlign"),
    ("sub", "w:vertAlign"),
)


def element(tag: str, attrs: dict[str, str] | None = None, *children):
    made = OxmlElement(tag)
    for name, value in (attrs or {}).items():
        made.set(qn(name), str(value))
    for child in children:
        made.append(child)
    return made


@dataclass
class Revisions:
    """Tracked changes (``w:ins``/``w:del``) by one author on one date, with ids unique in the
    document (they share the counter with bookmarks' ids, which is allowed and simpler)."""

    author: str = "report-build"
    date: dt.datetime | None = None
    counter: list[int] = field(default_factory=lambda: [0])

    def next_id(self) -> str:
        self.counter[0] += 1
        return str(self.counter[0])

    def mark(self, kind: str):
        """A new ``w:ins`` or ``w:del`` wrapper."""
        attrs = {"w:id": self.next_id(), "w:author": self.author}
        if self.date is not None:
            attrs["w:date"] = self.date.strftime("%Y-%m-%dT%H:%M:%SZ")
        return element(f"w:{kind}", attrs)

    def paragraph_mark(self, p, kind: str) -> None:
        """The paragraph mark itself inserted or deleted (so accepting joins or drops the paragraph)."""
        ppr = p.get_or_add_pPr()
        rpr = ppr.find(qn("w:rPr"))
        if rpr is None:
            rpr = element("w:rPr")
            sect = ppr.find(qn("w:sectPr"))
            if sect is not None:
                sect.addprevious(rpr)
            else:
                ppr.append(rpr)
        rpr.insert(0, self.mark(kind))

    def row(self, tr, kind: str) -> None:
        tr_pr = tr.get_or_add_trPr()
        tr_pr.append(self.mark(kind))


def run(text: str = "", marks: frozenset[str] = frozenset(), style: str = "", deleted: bool = False):
    """``w:r`` with its properties in schema order and its text kept as written (spaces too)."""
    r = element("w:r")
    rpr = _run_properties(marks, style)
    if rpr is not None:
        r.append(rpr)
    if text:
        t = element("w:delText" if deleted else "w:t")
        t.text = text
        t.set(XML_SPACE, "preserve")
        r.append(t)
    return r


def _run_properties(marks: frozenset[str], style: str = ""):
    if "code" in marks and not style:
        style = "VerbatimChar"
    children = [element("w:rStyle", {"w:val": style})] if style else []
    for mark, tag in RUN_MARKS:
        if mark not in marks:
            continue
        if tag == "w:highlight":
            children.append(element(tag, {"w:val": "yellow"}))
        elif tag == "w:u":
            children.append(element(tag, {"w:val": "single"}))
        elif tag == "w:vertAlign":
            children.append(element(tag, {"w:val": "superscript" if mark == "sup" else "subscript"}))
        else:
            children.append(element(tag))
    return element("w:rPr", None, *children) if children else None


def break_run():
    return element("w:r", None, element("w:br"))


def note_reference(note_id: int):
    """The call of footnote ``note_id`` in the text."""
    return element(
        "w:r",
        None,
        element("w:rPr", None, element("w:rStyle", {"w:val": "FootnoteReference"})),
        element("w:footnoteReference", {"w:id": str(note_id)}),
    )


def note_mark():
    """The note's own number at the start of its text."""
    return element(
        "w:r",
        None,
        element("w:rPr", None, element("w:rStyle", {"w:val": "FootnoteReference"})),
        element("w:footnoteRef"),
    )


def field_runs(instruction: str, result: list, style: str = "") -> list:
    """A complex field (``TOC``, ``PAGE``): begin, instruction, separate, the runs of its last
    result (shown until Word updates it), end."""
    props = (lambda: _run_properties(frozenset(), style)) if style else (lambda: None)

    def char(kind: str, dirty: bool = False):
        r = element("w:r")
        if (rpr := props()) is not None:
            r.append(rpr)
        r.append(element("w:fldChar", {"w:fldCharType": kind, **({"w:dirty": "true"} if dirty else {})}))
        return r

    instr = element("w:r")
    if (rpr := props()) is not None:
        instr.append(rpr)
    text = element("w:instrText")
    text.text = f" {instruction} "
    text.set(XML_SPACE, "preserve")
    instr.append(text)
    return [char("begin", dirty=instruction.startswith("TOC")), instr, char("separate"), *result, char("end")]


def bookmark(p, name: str, ident: str) -> None:
    """A bookmark around the whole content of paragraph ``p``."""
    start = element("w:bookmarkStart", {"w:id": ident, "w:name": name})
    end = element("w:bookmarkEnd", {"w:id": ident})
    ppr = p.find(qn("w:pPr"))
    if ppr is not None:
        ppr.addnext(start)
    else:
        p.insert(0, start)
    p.append(end)


def hyperlink(anchor: str = "", rel_id: str = ""):
    attrs = {"w:anchor": anchor} if anchor else {"r:id": rel_id}
    attrs["w:history"] = "1"
    return element("w:hyperlink", attrs)


def repeat_header(tr) -> None:
    """The row repeats at the top of every page the table runs onto, and is never split."""
    tr_pr = tr.get_or_add_trPr()
    tr_pr.append(element("w:cantSplit"))
    tr_pr.append(element("w:tblHeader"))


def keep_row_whole(tr) -> None:
    tr.get_or_add_trPr().append(element("w:cantSplit"))


# -- footnotes ----------------------------------------------------------------------------------


def footnotes_part(document_part) -> XmlPart:
    """``/word/footnotes.xml`` with Word's two separators, related to the document (python-docx
    has no footnotes part)."""
    xml = (
        f"<w:footnotes {nsdecls('w', 'r')}>"
        '<w:footnote w:type="separator" w:id="-1"><w:p><w:pPr><w:spacing w:after="0" w:line="240" '
        'w:lineRule="auto"/></w:pPr><w:r><w:separator/></w:r></w:p></w:footnote>'
        '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:pPr><w:spacing w:after="0" '
        'w:line="240" w:lineRule="auto"/></w:pPr><w:r><w:continuationSeparator/></w:r></w:p></w:footnote>'
        "</w:footnotes>"
    )
    part = XmlPart(PackURI("/word/footnotes.xml"), FOOTNOTES_TYPE, parse_xml(xml), document_part.package)
    document_part.relate_to(part, RT.FOOTNOTES)
    return part


def footnote(part: XmlPart, note_id: int):
    """A new, empty ``w:footnote``; the writer fills it with paragraphs."""
    note = element("w:footnote", {"w:id": str(note_id)})
    part.element.append(note)
    return note


def paragraph(style_id: str = ""):
    p = element("w:p")
    if style_id:
        p.append(element("w:pPr", None, element("w:pStyle", {"w:val": style_id})))
    return p


# -- numbering -----------------------------------------------------------------------------------


def abstract_numbering(numbering, ident: int, kind: str) -> None:
    """A nine-level list definition: bullets (•, ◦, ▪) or numbers (1., a., i.)."""
    bullets = ("•", "◦", "▪")
    formats = (("decimal", "%{}."), ("lowerLetter", "%{}."), ("lowerRoman", "%{}."))
    levels = []
    for level in range(9):
        if kind == "bullet":
            fmt, text = "bullet", bullets[level % 3]
        else:
            fmt, pattern = formats[level % 3]
            text = pattern.format(level + 1)
        indent = 360 * (level + 1) + 360
        levels.append(
            element(
                "w:lvl",
                {"w:ilvl": str(level)},
                element("w:start", {"w:val": "1"}),
                element("w:numFmt", {"w:val": fmt}),
                element("w:lvlText", {"w:val": text}),
                element("w:lvlJc", {"w:val": "left"}),
                element("w:pPr", None, element("w:ind", {"w:left": str(indent), "w:hanging": "360"})),
            )
        )
    abstract = element(
        "w:abstractNum",
        {"w:abstractNumId": str(ident)},
        element("w:multiLevelType", {"w:val": "hybridMultilevel"}),
        *levels,
    )
    first_num = numbering.find(qn("w:num"))  # every abstractNum comes before every num
    if first_num is not None:
        first_num.addprevious(abstract)
    else:
        numbering.append(abstract)


def numbering_instance(numbering, num_id: int, abstract_id: int, start: int | None) -> None:
    """A ``w:num``: one list; ``start`` restarts the numbering of its first level."""
    num = element("w:num", {"w:numId": str(num_id)}, element("w:abstractNumId", {"w:val": str(abstract_id)}))
    if start is not None:
        num.append(element("w:lvlOverride", {"w:ilvl": "0"}, element("w:startOverride", {"w:val": str(start)})))
    numbering.append(num)


def number_paragraph(p, num_id: int, level: int) -> None:
    num_pr = p.get_or_add_pPr().get_or_add_numPr()
    num_pr.get_or_add_ilvl().val = level
    num_pr.get_or_add_numId().val = num_id


# -- pictures -----------------------------------------------------------------------------------


def describe_picture(inline, alt: str, title: str = "", decorative: bool = False) -> None:
    """Alt text where Word keeps it (``wp:docPr/@descr``); a decorative picture is marked so."""
    doc_pr = inline.docPr
    if alt:
        doc_pr.set("descr", alt)
    if title:
        doc_pr.set("title", title)
    if decorative:
        ext = parse_xml(
            '<a:extLst xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main">'
            '<a:ext uri="{C183D7F6-B498-43B3-948B-1728B52AA6E4}">'
            '<adec:decorative xmlns:adec="http://schemas.microsoft.com/office/drawing/2017/decorative" val="1"/>'
            "</a:ext></a:extLst>"
        )
        doc_pr.append(ext)


def svg_part(document_part, data: bytes) -> str:
    """The SVG as a part of its own, related to the document; returns the relationship id."""
    package = document_part.package
    partname = package.next_partname("/word/media/image%d.svg")
    part = Part(partname, SVG_TYPE, data, package)
    return document_part.relate_to(part, RT.IMAGE)


def add_svg(inline, rel_id: str) -> None:
    """Word 2016 and later draw the SVG; older readers the PNG the blip names."""
    blip = inline.xpath(".//a:blip")[0]
    ext = parse_xml(
        '<a:extLst xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main">'
        f'<a:ext uri="{SVG_EXTENSION}"><asvg:svgBlip xmlns:asvg="{SVG_NS}" '
        f'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" r:embed="{rel_id}"/>'
        "</a:ext></a:extLst>"
    )
    blip.append(ext)


# -- document settings and page furniture ----------------------------------------------------------


def settings(settings_el, track_changes: bool) -> None:
    """Fields updated on opening (the contents' page numbers), footnote separators, tracked
    changes on for the reviewer, no preview picture; each where CT_Settings wants it."""
    for tag in ("w:savePreviewPicture", "w:updateFields", "w:footnotePr", "w:trackRevisions"):
        for found in settings_el.findall(qn(tag)):
            settings_el.remove(found)
    compat = settings_el.find(qn("w:compat"))
    update = element("w:updateFields", {"w:val": "true"})
    notes = element(
        "w:footnotePr",
        None,
        element("w:footnote", {"w:id": "-1"}),
        element("w:footnote", {"w:id": "0"}),
    )
    if compat is not None:
        compat.addprevious(update)
        compat.addprevious(notes)
    else:
        settings_el.append(update)
        settings_el.append(notes)
    if track_changes:
        tab_stop = settings_el.find(qn("w:defaultTabStop"))
        track = element("w:trackRevisions")
        if tab_stop is not None:
            tab_stop.addprevious(track)
        else:
            settings_el.insert(0, track)


def paragraph_border(ppr, side: str, color: str, size: int = 12, space: int = 8) -> None:
    """A rule on one side of a paragraph (``left`` for callouts and the notice, ``bottom``)."""
    line = {"w:val": "single", "w:sz": str(size), "w:space": str(space), "w:color": color}
    border = element("w:pBdr", None, element(f"w:{side}", line))
    _insert_in_order(ppr, border)


def replace_border(ppr, side: str, color: str, size: int = 12, space: int = 8) -> None:
    """The paragraph's only rule (a template style's own borders go)."""
    for old in ppr.findall(qn("w:pBdr")):
        ppr.remove(old)
    paragraph_border(ppr, side, color, size, space)


def right_to_left(ppr) -> None:
    _insert_in_order(ppr, element("w:bidi"))


def paragraph_shading(ppr, fill: str) -> None:
    _insert_in_order(ppr, element("w:shd", {"w:val": "clear", "w:color": "auto", "w:fill": fill}))


PPR_ORDER = (
    "w:pStyle",
    "w:keepNext",
    "w:keepLines",
    "w:pageBreakBefore",
    "w:framePr",
    "w:widowControl",
    "w:numPr",
    "w:suppressLineNumbers",
    "w:pBdr",
    "w:shd",
    "w:tabs",
    "w:suppressAutoHyphens",
    "w:kinsoku",
    "w:wordWrap",
    "w:overflowPunct",
    "w:topLinePunct",
    "w:autoSpaceDE",
    "w:autoSpaceDN",
    "w:bidi",
    "w:adjustRightInd",
    "w:snapToGrid",
    "w:spacing",
    "w:ind",
    "w:contextualSpacing",
    "w:mirrorIndents",
    "w:suppressOverlap",
    "w:jc",
    "w:textDirection",
    "w:textAlignment",
    "w:textboxTightWrap",
    "w:outlineLvl",
    "w:divId",
    "w:cnfStyle",
    "w:rPr",
    "w:sectPr",
    "w:pPrChange",
)


def _insert_in_order(ppr, child) -> None:
    """Insert ``child`` into a pPr before the first sibling the schema puts after it."""
    tag = child.tag
    names = [qn(name) for name in PPR_ORDER]
    after = names[names.index(tag) + 1 :]
    for existing in ppr:
        if existing.tag in after:
            existing.addprevious(child)
            return
    ppr.append(child)


def table_style(styles_el, style_id: str, name: str, rule_color: str) -> None:
    """A table style of thin horizontal rules and no vertical ones, the header row bold and
    repeated, as the design brief asks of tables."""
    rule = {"w:val": "single", "w:sz": "4", "w:space": "0", "w:color": rule_color}
    heavy = {**rule, "w:sz": "8"}
    xml = element(
        "w:style",
        {"w:type": "table", "w:customStyle": "1", "w:styleId": style_id},
        element("w:name", {"w:val": name}),
        element("w:basedOn", {"w:val": "TableNormal"}),
        element("w:uiPriority", {"w:val": "40"}),
        element("w:qFormat"),
        element(
            "w:pPr",
            None,
            element("w:spacing", {"w:before": "40", "w:after": "40", "w:line": "240", "w:lineRule": "auto"}),
        ),
        element(
            "w:rPr",
            None,
            element("w:rFonts", {"w:ascii": SANS, "w:hAnsi": SANS}),
            element("w:sz", {"w:val": "18"}),
        ),
        element(
            "w:tblPr",
            None,
            element(
                "w:tblBorders",
                None,
                element("w:top", heavy),
                element("w:bottom", heavy),
                element("w:insideH", rule),
            ),
            element(
                "w:tblCellMar",
                None,
                element("w:left", {"w:w": "80", "w:type": "dxa"}),
                element("w:right", {"w:w": "80", "w:type": "dxa"}),
            ),
        ),
        element(
            "w:tblStylePr",
            {"w:type": "firstRow"},
            element("w:rPr", None, element("w:b")),
            element("w:tblPr"),
            element("w:tcPr", None, element("w:tcBorders", None, element("w:bottom", heavy))),
        ),
    )
    styles_el.append(xml)
