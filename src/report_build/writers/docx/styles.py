"""The Word edition's styles: Word's own built-in styles (Title, Subtitle, Heading 1-6, Caption,
Quote, footnote text, TOC 1-3, List Paragraph, Hyperlink) set in the house style, and a few of
the report's own (Callout, Update Notice, Chapter Number, Source Code ...).

Using Word's built-in names matters: a reviewer's navigation pane, "Update table", the
contents field and any later conversion (mammoth, pandoc, ``report-build import``) recognise
them. One serif for reading and one sans for headings, captions, tables and furniture, fonts
every Word has (Georgia, Calibri); one accent colour, used sparingly.

Invariant: every style a block may name (:data:`PARAGRAPH`) exists after :func:`define`.
"""

from __future__ import annotations

from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor

from . import ooxml

SERIF = "Georgia"
SANS = ooxml.SANS
MONO = "Consolas"
ACCENT = "A8221B"
INK = "1D1D1B"
MUTED = "5F5F5F"
TINT = "F6F1EF"
RULE = "8C8C8C"
TABLE_STYLE = "ReportTable"

# block style key -> (style name as Word knows it, style id)
PARAGRAPH = {
    "body": ("Normal", "Normal"),
    "h1": ("heading 1", "Heading1"),
    "h2": ("heading 2", "Heading2"),
    "h3": ("heading 3", "Heading3"),
    "h4": ("heading 4", "Heading4"),
    "h5": ("heading 5", "Heading5"),
    "h6": ("heading 6", "Heading6"),
    "title": ("Title", "Title"),
    "subtitle": ("Subtitle", "Subtitle"),
    "caption": ("caption", "Caption"),
    "quote": ("Quote", "Quote"),
    "callout": ("Callout", "Callout"),
    "callout-title": ("Callout Title", "CalloutTitle"),
    "notice": ("Update Notice", "UpdateNotice"),
    "notice-title": ("Update Notice Title", "UpdateNoticeTitle"),
    "list": ("List Paragraph", "ListParagraph"),
    "list-continue": ("List Continue", "ListContinue"),
    "code": ("Source Code", "SourceCode"),
    "term": ("Definition Term", "DefinitionTerm"),
    "definition": ("Definition", "Definition"),
    "table": ("Table Text", "TableText"),
    "footnote": ("footnote text", "FootnoteText"),
    "chapter-number": ("Chapter Number", "ChapterNumber"),
    "front": ("Title Page", "TitlePage"),
    "toc-heading": ("TOC Heading", "TOCHeading"),
    "toc1": ("toc 1", "TOC1"),
    "toc2": ("toc 2", "TOC2"),
    "toc3": ("toc 3", "TOC3"),
    "rule": ("Rule", "Rule"),
    "footer": ("footer", "Footer"),
}
CHARACTER = {
    "note-ref": ("footnote reference", "FootnoteReference"),
    "code": ("Verbatim Char", "VerbatimChar"),
    "link": ("Hyperlink", "Hyperlink"),
}


def style_id(key: str) -> str:
    return PARAGRAPH[key][1]


def define(document, language: str, rtl: bool) -> None:
    """Create or restyle every style the writer uses, in the document's language."""
    styles = document.styles
    _defaults(styles, language, rtl)
    made = {}
    existing = {(style.type, style.style_id): style for style in styles}
    for key, (name, ident) in PARAGRAPH.items():
        made[key] = _style(styles, existing, name, ident, WD_STYLE_TYPE.PARAGRAPH)
    for key, (name, ident) in CHARACTER.items():
        made[f"char:{key}"] = _style(styles, existing, name, ident, WD_STYLE_TYPE.CHARACTER)

    def look(key: str, *, font=SERIF, size=None, bold=None, italic=None, color=None, **paragraph):
        style = made[key]
        if key != "body":
            style.base_style = made[paragraph.pop("base", "body")]
            style.next_paragraph_style = made["body"]
        _font(style, font)
        if size is not None:
            style.font.size = Pt(size)
        if bold is not None:
            style.font.bold = bold
        if italic is not None:
            style.font.italic = italic
        style.font.color.rgb = RGBColor.from_string(color or INK)
        _paragraph(style.paragraph_format, **paragraph)
        return style

    look("body", size=11, before=0, after=8, line=1.2)
    title = look("title", font=SANS, size=30, bold=True, after=6, line=1.0)
    ooxml.replace_border(title.element.get_or_add_pPr(), "bottom", ACCENT, size=12, space=6)
    look("subtitle", font=SANS, size=16, italic=False, color=MUTED, after=24)
    look("front", font=SANS, size=11, color=MUTED, after=4)
    heading = {1: (22, 0, 12), 2: (15, 18, 6), 3: (12.5, 14, 4), 4: (11, 12, 4), 5: (11, 10, 2), 6: (11, 10, 2)}
    for level, (size, before, after) in heading.items():
        style = look(f"h{level}", font=SANS, size=size, bold=True, before=before, after=after, keep=True, line=1.1)
        style.font.italic = level >= 5
        _outline(style, level - 1)
    # a chapter opens a page: its heading, or the number above it (the writer breaks the page)
    look("chapter-number", font=SANS, size=28, bold=True, color=ACCENT, after=0, keep=True)
    look("caption", font=SANS, size=9, color=MUTED, before=4, after=12)
    look("quote", size=13, italic=True, color=INK, before=12, after=12, left=24)
    look("callout", font=SERIF, size=10.5, left=12, after=6)
    look("callout-title", font=SANS, size=10.5, bold=True, left=12, before=12, after=4, keep=True)
    look("notice", font=SANS, size=10.5, left=12, after=6)
    look("notice-title", font=SANS, size=10.5, bold=True, color=ACCENT, left=12, before=18, after=4, keep=True)
    for key in ("callout", "callout-title", "notice", "notice-title"):
        ppr = made[key].element.get_or_add_pPr()
        side = "right" if rtl else "left"  # the rule on the side a line starts from
        ooxml.paragraph_border(ppr, side, ACCENT if key.startswith("notice") else RULE, size=18, space=8)
        ooxml.paragraph_shading(ppr, TINT)
    look("list", after=4, left=36)
    look("list-continue", after=4, left=36)
    look("code", font=MONO, size=9, after=8, line=1.0)
    ooxml.paragraph_shading(made["code"].element.get_or_add_pPr(), "F4F4F4")
    look("term", bold=True, after=2, keep=True)
    look("definition", after=8, left=24)
    look("table", font=SANS, size=9, before=0, after=0, line=1.0)
    look("footnote", size=9, before=0, after=2, line=1.0)
    look("toc-heading", font=SANS, size=18, bold=True, after=12, base="h1")
    _outline(made["toc-heading"], 9)  # not itself in the contents
    look("toc1", font=SANS, size=11, bold=True, before=6, after=2)
    look("toc2", font=SANS, size=10.5, after=2, left=14)
    look("toc3", font=SANS, size=10, after=2, left=28)
    look("rule", size=6, after=12)
    ooxml.paragraph_border(made["rule"].element.get_or_add_pPr(), "bottom", RULE, size=4, space=1)
    look("footer", font=SANS, size=8.5, color=MUTED, after=0, align=WD_ALIGN_PARAGRAPH.CENTER)

    ref = made["char:note-ref"]
    ref.font.superscript = True
    ref.font.color.rgb = RGBColor.from_string(ACCENT)
    code = made["char:code"]
    _font(code, MONO)
    code.font.size = Pt(9.5)
    link = made["char:link"]
    link.font.color.rgb = RGBColor.from_string(ACCENT)
    link.font.underline = True
    for style in made.values():
        _show(style)
        _complex_script(style)
    if rtl:
        ooxml.right_to_left(made["body"].element.get_or_add_pPr())
    ooxml.table_style(styles.element, TABLE_STYLE, "Report Table", RULE)


def _paragraph(fmt, before=None, after=None, line=None, keep=False, align=None, left=None) -> None:
    if before is not None:
        fmt.space_before = Pt(before)
    if after is not None:
        fmt.space_after = Pt(after)
    if line is not None:
        fmt.line_spacing = line
    if keep:
        fmt.keep_with_next = True
    if align is not None:
        fmt.alignment = align
    if left is not None:
        fmt.left_indent = Pt(left)


def _style(styles, existing: dict, name: str, ident: str, kind):
    """The style named ``name`` (a built-in the template has, or a new one) with id ``ident``."""
    if (kind, ident) in existing:
        return existing[(kind, ident)]
    style = styles.add_style(name, kind)
    style.element.set(qn("w:styleId"), ident)
    return style


def _font(style, name: str) -> None:
    """The face for Latin, Greek and Cyrillic text, replacing the template's theme fonts (which
    would win). East Asian and complex scripts (Arabic, Hangul, Devanagari ...) keep the theme's
    font for each script and language, which Word chooses: Georgia and Calibri have none of them."""
    rpr = style.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is not None:
        rpr.remove(fonts)
    fonts = rpr.get_or_add_rFonts()
    for slot in ("w:ascii", "w:hAnsi"):
        fonts.set(qn(slot), name)


def _complex_script(style) -> None:
    """The same size, bold and italic for complex scripts (Arabic, Hebrew, Devanagari ...), which
    Word sets apart from the Latin ones (w:szCs, w:bCs, w:iCs)."""
    rpr = style.element.rPr
    if rpr is None:
        return
    if rpr.b is not None:
        rpr.get_or_add_bCs().val = rpr.b.val
    if rpr.i is not None:
        rpr.get_or_add_iCs().val = rpr.i.val
    size = rpr.find(qn("w:sz"))
    if size is not None and rpr.find(qn("w:szCs")) is None:
        later = ("w:highlight", "w:u", "w:effect", "w:bdr", "w:shd", "w:fitText", "w:vertAlign", "w:rtl", "w:cs",
                 "w:em", "w:lang", "w:eastAsianLayout", "w:specVanish", "w:oMath")  # fmt: skip
        rpr.insert_element_before(ooxml.element("w:szCs", {"w:val": size.get(qn("w:val"))}), *later)


def _outline(style, level: int) -> None:
    ppr = style.element.get_or_add_pPr()
    outline = ppr.get_or_add_outlineLvl()
    outline.set(qn("w:val"), str(level))


def _show(style) -> None:
    """Shown in Word's style gallery and never hidden."""
    style.hidden = False
    style.unhide_when_used = False
    style.quick_style = True


def _defaults(styles, language: str, rtl: bool) -> None:
    """The document's language (spelling and hyphenation in Word) and direction."""
    root = styles.element
    defaults = root.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr")) if defaults is not None else None
    if rpr is None:
        return
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = ooxml.element("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), language)
    if rtl:
        lang.set(qn("w:bidi"), language)
