"""Brackets drawn mirrored in right-to-left text: one text for each glyph, whatever came first.

In a right-to-left line, "(" is drawn with the glyph of ")" (Unicode's mirroring), and
WeasyPrint's text layer (each font's ToUnicode map) gives a glyph the text it was first drawn
for. One glyph has one text, so one of its two uses reads wrong (readers such as poppler do not
mirror what they extract), and which one depended on what came first: the parts of a parallel
layout, each with its own fonts, read otherwise than the single pass, and a bracket first met
in a Latin line made every Arabic parenthesis read backwards.

Here, before the fonts are written, each bracket glyph is given the text of the document's own
direction. In a right-to-left document nearly every bracket stands in a right-to-left line
("(2018)" in an Arabic sentence, "(ص. 6)"), whichever font draws it (a Latin face often does:
it comes first in the layouts' font lists), so a glyph stands for the mirror of the character
the font maps to it; Latin text there (a Latin reference or passage in an Arabic report) is the
use that reads wrong. A fixed-pitch font sets code, which is left to right in any document
(passes/direction.py isolates it), so its brackets keep their own characters. In a
left-to-right document, a glyph stands for the font's own character, and an Arabic passage's
brackets read wrong. Documents without right-to-left letters are left as they are: none of
their brackets is mirrored. Applied when the PDF writer is imported; :data:`APPLIED` says
whether WeasyPrint still writes its fonts where this module expects
(``weasyprint.pdf.build_fonts_dictionary``); the PDF is written inside :func:`reading`, which
names the document's direction.
"""

from __future__ import annotations

import contextlib
import functools
import io
import unicodedata
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from typing import Any

import weasyprint.pdf
from fontTools.ttLib import TTFont

PAIRS = "()[]{}<>\u00ab\u00bb\u2039\u203a\u2045\u2046\u207d\u207e\u208d\u208e\u27e8\u27e9\u3008\u3009"
MIRRORED = {**dict(zip(PAIRS[::2], PAIRS[1::2], strict=True)), **dict(zip(PAIRS[1::2], PAIRS[::2], strict=True))}
"""Brackets and their mirror images (Unicode's BidiMirroring pairs that occur in text)."""


DIRECTION: ContextVar[str] = ContextVar("direction", default="ltr")
"""The direction of the document being written ("ltr" or "rtl"): see :func:`reading`."""


@contextlib.contextmanager
def reading(direction: str) -> Iterator[None]:
    """Write a PDF inside this block for a document of ``direction``."""
    token = DIRECTION.set(direction)
    try:
        yield
    finally:
        DIRECTION.reset(token)


def own_characters(fonts: dict[Any, Any], direction: str) -> None:
    """Give every bracket glyph of ``fonts`` (WeasyPrint's, by key) the text it has in a line of
    ``direction``, when the fonts drew right-to-left letters."""
    if not any(_right_to_left(text) for font in fonts.values() for text in font.to_unicode.values()):
        return
    for font in fonts.values():
        brackets = {glyph: text for glyph, text in font.to_unicode.items() if text in MIRRORED}
        if not brackets:
            continue
        glyph_of, fixed_pitch = _glyphs(font.file_content, font.index)
        mirrored = direction == "rtl" and not fixed_pitch
        for glyph, text in brackets.items():
            own = text if glyph_of(text) == glyph else MIRRORED[text] if glyph_of(MIRRORED[text]) == glyph else None
            if own is not None:
                font.to_unicode[glyph] = MIRRORED[own] if mirrored else own


def _right_to_left(text: str) -> bool:
    return any(unicodedata.bidirectional(char) in ("R", "AL") for char in text)


def _glyphs(data: bytes, index: int) -> tuple[Callable[[str], int | None], bool]:
    """The glyph id a font maps each character to (None for a character it lacks), and whether
    the font is fixed-pitch."""
    font = TTFont(io.BytesIO(data), fontNumber=index, lazy=True)
    cmap = font.getBestCmap() or {}
    fixed_pitch = "post" in font and bool(font["post"].isFixedPitch)

    def glyph_of(char: str) -> int | None:
        name = cmap.get(ord(char))
        return None if name is None else font.getGlyphID(name)

    return glyph_of, fixed_pitch


def _apply() -> bool:
    current = getattr(weasyprint.pdf, "build_fonts_dictionary", None)
    if current is None:
        return False  # WeasyPrint no longer writes its fonts through this name: look again after an upgrade
    if getattr(current, "_report_build_fixed", False):
        return True

    @functools.wraps(current)
    def build_fonts_dictionary(pdf: Any, fonts: dict[Any, Any], *args: Any, **kwargs: Any) -> Any:
        own_characters(fonts, DIRECTION.get())
        return current(pdf, fonts, *args, **kwargs)

    build_fonts_dictionary._report_build_fixed = True  # type: ignore[attr-defined]
    weasyprint.pdf.build_fonts_dictionary = build_fonts_dictionary
    return True


APPLIED = _apply()
