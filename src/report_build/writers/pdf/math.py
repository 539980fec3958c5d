"""Formulas in the PDF: each MathML formula of the model drawn as vector paths.

WeasyPrint does not lay out MathML, but it draws inline SVG as vector graphics. ziamath lays a
MathML formula out with its own math font (STIX Two Math) and writes it as an SVG of paths: no
image, no font to embed, and no raw TeX in the page's text. The SVG is sized in ``em`` so that a
formula follows the size of the text around it, and an inline formula sits on the baseline.
An id inside the formula (a numbered row's) is kept before the drawing, as an empty ``<span>``.
Its ``<title>`` holds the TeX source (the MathML's ``alttext``): WeasyPrint makes it the ``Alt``
of the formula's ``Figure`` tag, the alternative text PDF/UA asks for.
"""

from __future__ import annotations

import dataclasses
import functools
import re
import warnings

from lxml import etree

from ...model import Chapter, Document, Footnote
from ...source.math import text_of

MATHML = re.compile(r'<math xmlns="http://www.w3.org/1998/Math/MathML"[^>]*>.*?</math>', re.DOTALL)
SVG_NS = "http://www.w3.org/2000/svg"
SIZE = 24.0  # the font size ziamath lays out at: one em is SIZE units of the SVG
MATH_TEXT = "math-text"  # print.css: font-size 0


def vector_formulas(doc: Document) -> Document:
    """The document with every MathML formula of its chapters and notes drawn as an SVG."""
    if not any("<math" in chapter.body for chapter in doc.chapters):
        return doc
    chapters = []
    for chapter in doc.chapters:
        if "<math" not in chapter.body:
            chapters.append(chapter)
            continue
        notes = tuple(
            dataclasses.replace(note, html=vectors(note.html), inline_html=vectors(note.inline_html))
            for note in chapter.footnotes
        )
        chapters.append(_with_body(chapter, vectors(chapter.body), notes))
    return dataclasses.replace(doc, chapters=tuple(chapters))


def _with_body(chapter: Chapter, body: str, notes: tuple[Footnote, ...]) -> Chapter:
    return dataclasses.replace(chapter, body=body, footnotes=notes)


def vectors(html: str) -> str:
    """``html`` with each ``<math>`` element replaced by its SVG. In a heading, the formula's
    plain text follows the drawing, at font size 0: WeasyPrint takes a heading's bookmark and
    running head from its text (``content(text)``), where a drawing has none, and draws no text of
    size 0."""
    if "<math" not in html:
        return html
    html = HEADING.sub(lambda match: MATHML.sub(_drawn_with_text, match.group(0)), html)
    return MATHML.sub(lambda match: _anchors(match.group(0)) + svg(match.group(0)), html)


IDENTIFIED = re.compile(r'<m\w+\b[^>]*\sid="([^"]*)"')


def _anchors(mathml: str) -> str:
    """An empty ``<span>`` for each id inside a formula (a row of an ``align`` a reference
    names), before its drawing, which has none: the references land on the formula."""
    return "".join(f'<span id="{ident}"></span>' for ident in IDENTIFIED.findall(mathml))


HEADING = re.compile(r"<(h[1-6])\b[^>]*>.*?</\1>", re.DOTALL)


def _drawn_with_text(match: re.Match[str]) -> str:
    text = text_of(etree.fromstring(match.group(0))).replace("&", "&amp;").replace("<", "&lt;")
    return f'{svg(match.group(0))}<span class="{MATH_TEXT}">{text}</span>'


@functools.lru_cache(maxsize=4096)
def svg(mathml: str) -> str:
    """One formula as an inline SVG of paths, sized in ``em``, titled with its TeX."""
    with warnings.catch_warnings():  # ziamath finds its font with a deprecated importlib call
        warnings.simplefilter("ignore", DeprecationWarning)
        import ziamath  # only a build whose text has formulas pays for loading the math font

        ziamath.config.svg2 = False  # paths written out, no <symbol>/<use>: no ids to clash in the page
        drawn = etree.fromstring(ziamath.Math(mathml, size=SIZE, margin=0).svg().encode())
    root = etree.fromstring(mathml)
    display = root.get("display") == "block"
    title = root.get("alttext") or " ".join("".join(root.itertext()).split())
    _x, y, width, height = (float(v) for v in drawn.get("viewBox").split())
    for attribute in ("width", "height"):
        drawn.attrib.pop(attribute, None)
    descent = (y + height) / SIZE  # below the baseline (the SVG's y = 0)
    style = f"width:{width / SIZE:.3f}em;height:{height / SIZE:.3f}em"
    if not display:
        style += f";vertical-align:{-descent:.3f}em"
    drawn.set("style", style)
    drawn.set("class", "math-drawn")
    drawn.set("role", "img")
    drawn.set("aria-label", title)
    for element in drawn.iter(f"{{{SVG_NS}}}path"):
        if element.get("fill") == "black":
            element.set("fill", "currentColor")  # the colour of the text around it
    label = etree.Element(f"{{{SVG_NS}}}title")
    label.text = title
    drawn.insert(0, label)
    return etree.tostring(drawn, encoding="unicode")
