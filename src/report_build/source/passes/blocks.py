"""Block-level constructs rendered by the layouts' templates: callouts, figures and tables."""

from __future__ import annotations

from html import escape

from lxml import etree

from ...contract import (
    CALLOUT_COLLAPSIBLE,
    CALLOUT_NUMBER,
    NUMBERED_CALLOUT,
    SUBFIGURE,
    SUBFIGURE_LETTERS,
    SUBFIGURES,
    TABLE_LABEL,
    TABLE_WIDE,
    TABLE_WRAP,
    callout_kind,
    figure_id,
    table_id,
)
from ...model import Figure
from ..ids import Slugger
from ..remote import PLACEHOLDER
from ..tree import Context, drop, inner_xhtml, plain_text, replace_with_markup, xhtml

SHORT_TABLE_ROWS = 15  # a table this short never splits from its caption
WIDE_TABLE_COLUMNS = 7  # a table this wide is marked wide: its words may break to fit the page


def callouts(root: etree._Element, ctx: Context) -> None:
    """Admonitions (``!!! note``, GitHub's ``> [!NOTE]``, Quarto's ``.callout-note``) become
    callouts. Reads each ``div.admonition`` and its title; replaces it with what ``callout.html``
    renders. A title that is only the kind's default ("Note", which the syntax writes when the
    author gives none) is the word of the document's language (``callouts`` in the strings). One
    marked ``collapsible`` (MkDocs ``???``) is rendered with ``collapsible`` (and ``open``, for
    ``???+``) set; nested callouts are rendered inner first. A ``quote`` without a title of its own
    is a pull quote; with one (Obsidian's ``> [!quote] A driver``), a callout under its title."""
    words = ctx.theme.strings.get("callouts") or {}
    blocks = root.xpath("//div[contains(concat(' ', @class, ' '), ' admonition ')]")
    numbers = _callout_numbers(blocks)
    for block in reversed(blocks):
        classes = block.get("class", "").split()
        kind = next((c for c in classes if c not in ("admonition", CALLOUT_COLLAPSIBLE, "open")), "note")
        title_html = ""
        default = False  # the title is only the kind's name
        for title in block.xpath("p[contains(@class, 'admonition-title')]"):
            title_html = inner_xhtml(title)
            default = len(title) == 0 and (title.text or "").strip() == kind.capitalize()
            if default and words.get(kind):
                title_html = escape(str(words[kind]), quote=False)
            if kind == "quote" and len(title) == 0 and (title.text or "").strip() == "Quote":
                title_html = ""  # the kind's name, which the syntax writes for an untitled quote: a pull quote
            drop(title, keep_tail=False)
        if block in numbers:  # Quarto's "Note 2: Title", "Note 2" when untitled
            numbered_kind, count = numbers[block]
            label = (
                f"{escape(str(words.get(numbered_kind) or numbered_kind.capitalize()), quote=False)} "
                f'<span class="{CALLOUT_NUMBER}">{ctx.digits(count)}</span>'
            )
            title_html = label if default or not title_html else f"{label}: {title_html}"
        body = inner_xhtml(block)
        rendered = ctx.theme.render(
            "callout.html",
            kind=kind,
            title=title_html,
            body=body,
            collapsible=CALLOUT_COLLAPSIBLE in classes,
            open="open" in classes,
        )
        ident, parent, position = block.get("id"), block.getparent(), block.getparent().index(block)
        replace_with_markup(block, rendered)
        if ident and parent[position].get("id") is None:  # a link to the callout still lands on it
            parent[position].set("id", ident)


def _callout_numbers(blocks: list[etree._Element]) -> dict[etree._Element, tuple[str, int]]:
    """The callouts a reference may name (Quarto's, with an id of a prefix of
    :data:`CALLOUT_PREFIXES`: :data:`NUMBERED_CALLOUT`), each with its kind and number, counted
    by kind in the order of the text."""
    counts: dict[str, int] = {}
    numbers = {}
    for block in blocks:
        classes = block.get("class", "").split()
        if NUMBERED_CALLOUT in classes:
            block.set("class", " ".join(c for c in classes if c != NUMBERED_CALLOUT))
            kind = callout_kind(block.get("id") or "") or "note"
            counts[kind] = counts.get(kind, 0) + 1
            numbers[block] = (kind, counts[kind])
    return numbers


def figures(root: etree._Element, ctx: Context) -> list[Figure]:
    """Number the captioned figures and render each with ``figure.html``. Reads every
    ``figure`` with an image (after :func:`..images.images` has admitted the sources); replaces
    it with the rendered figure. Decorative or uncaptioned figures get no number. A figure whose
    image cannot be drawn keeps its number and caption, the placeholder standing for the image. A
    captioned figure of code, without an image (an R chunk's plot, which a build never draws), is
    numbered too, its code in the image's place. A figure of figures (Quarto's ``::: {#fig-x}``
    around images) is numbered once, its figures lettered "(a)", "(b)"… in their captions
    (:func:`_subfigures`); around one figure, that figure takes its caption and id. The label's
    number is in the document's digits (``figure.html`` prints it through the ``digits`` filter,
    given the metadata)."""
    found: list[Figure] = []
    fresh = Slugger(set(root.xpath("//@id")))  # a generated id never takes one the manuscript gives
    for element in root.xpath("//figure[not(ancestor::figure)]"):
        inner = element.xpath(".//figure")
        if len(inner) == 1:  # one image in a figure div: the image's figure, with the div's caption and id
            _unwrap(element, inner[0])
        elif inner:
            _subfigures(element, inner, found, fresh, ctx)
            continue
        img = element.find(".//img")
        stand_in = None if img is not None else next(iter(element.xpath(f".//span[@class='{PLACEHOLDER}']")), None)
        captions = element.xpath(".//figcaption")
        caption = inner_xhtml(captions[0]) if captions else ""
        if img is None and stand_in is None:
            code = element.find(".//pre")
            if code is not None and caption:  # a figure drawn by code a build does not run (an R chunk)
                number = sum(1 for f in found if f.caption) + 1
                ident = element.get("id") or fresh(figure_id(number))
                figure = Figure(number, ident, "", plain_text(captions[0]), caption)
                found.append(figure)
                classes = " ".join(c for c in element.get("class", "").split() if c != "figure")
                rendered = ctx.theme.render(
                    "figure.html", figure=figure, classes=classes, body=xhtml(code, tail=False), meta=ctx.metadata
                )
                replace_with_markup(element, rendered)
            continue
        classes = (element.get("class", "") + " " + (img.get("class", "") if img is not None else "")).split()
        decorative = "decorative" in classes
        number = None if decorative or not caption else sum(1 for f in found if f.caption) + 1
        figure = Figure(
            number=number or 0,
            id=element.get("id") or (fresh(figure_id(number)) if number else ""),
            src=img.get("src", "") if img is not None else "",
            alt=img.get("alt", "") if img is not None else "".join(stand_in.itertext()),
            caption=caption,
            decorative=decorative,
        )
        found.append(figure)
        extra = [c for c in classes if c != "decorative"]
        size = {name: img.get(name) if img is not None else None for name in ("width", "height")}
        parent, position = element.getparent(), element.getparent().index(element)
        rendered = ctx.theme.render(
            "figure.html", figure=figure, classes=" ".join(extra), body="", meta=ctx.metadata, **size
        )
        replace_with_markup(element, rendered)
        if stand_in is not None:
            drawn = parent[position].find(".//img")
            if drawn is not None:
                stand_in.tail = drawn.tail
                drawn.getparent().replace(drawn, stand_in)
    return found


def _unwrap(outer: etree._Element, inner: etree._Element) -> None:
    """``outer`` holding the image of its one figure ``inner``, its own caption (else the inner's)."""
    captions = outer.xpath("figcaption")
    inner_captions = inner.xpath("figcaption")
    parent = inner.getparent()
    inner.tail = None
    for child in list(inner):
        if child.tag != "figcaption" or not captions:
            inner.addprevious(child)
    parent.remove(inner)
    if captions:
        outer.append(captions[0])
    elif inner_captions:
        outer.append(inner_captions[0])
    if not outer.get("id") and inner.get("id"):
        outer.set("id", inner.get("id"))


def _subfigures(
    element: etree._Element, inner: list[etree._Element], found: list[Figure], fresh: Slugger, ctx: Context
) -> None:
    """A figure of figures: numbered as one (when captioned), each figure in it lettered, its
    caption (else its image's alt text) after the letter: "(a) North"."""
    parts = []
    for position, figure in enumerate(inner):
        img = figure.find(".//img")
        captions = figure.xpath("figcaption")
        text = inner_xhtml(captions[0]) if captions else escape(img.get("alt", "") if img is not None else "")
        letter = f"({SUBFIGURE_LETTERS[position % len(SUBFIGURE_LETTERS)]})"
        sub = Figure(
            0,
            figure.get("id") or "",
            img.get("src", "") if img is not None else "",
            img.get("alt", "") if img is not None else "",
            f"{letter} {text}".strip(),
        )
        size = {name: img.get(name) if img is not None else None for name in ("width", "height")}
        parts.append(ctx.theme.render("figure.html", figure=sub, classes=SUBFIGURE, body="", meta=ctx.metadata, **size))
    captions = element.xpath("figcaption")
    caption = inner_xhtml(captions[0]) if captions else ""
    number = sum(1 for f in found if f.caption) + 1 if caption else 0
    ident = element.get("id") or (fresh(figure_id(number)) if number else "")
    figure = Figure(number, ident, "", plain_text(captions[0]) if captions else "", caption)
    found.append(figure)
    body = f'<div class="{SUBFIGURES}">{"".join(parts)}</div>'
    rendered = ctx.theme.render("figure.html", figure=figure, classes="", body=body, meta=ctx.metadata)
    replace_with_markup(element, rendered)


def tables(root: etree._Element, ctx: Context) -> None:
    """Wrap every table (``div.table-wrap``, ``short`` when it should not split from its
    caption, ``wide`` when it has many columns), give captioned tables an id and a numbered
    label in the document's language and digits ("جدول ۲" in Persian; the id keeps Latin ones)."""
    label = ctx.theme.strings.get("table", "Table")
    fresh = Slugger(set(root.xpath("//@id")))
    for table in list(root.iter("table")):
        classes = [TABLE_WRAP]
        if len(table.xpath(".//tr")) <= SHORT_TABLE_ROWS:
            classes.append("short")
        columns = max((len(row.xpath("td|th")) for row in table.iter("tr")), default=0)
        if columns >= WIDE_TABLE_COLUMNS:
            classes.append(TABLE_WIDE)
        wrap = etree.Element("div", {"class": " ".join(classes)})
        table.addprevious(wrap)
        wrap.tail, table.tail = table.tail, None
        wrap.append(table)
    for number, caption in enumerate(root.xpath("//table/caption"), 1):
        table = caption.getparent()
        if not table.get("id"):
            table.set("id", fresh(table_id(number)))
        span = etree.Element("span", {"class": TABLE_LABEL})
        span.text = f"{label} {ctx.digits(number)}"
        span.tail = " " + (caption.text or "")
        caption.text = None
        caption.insert(0, span)
