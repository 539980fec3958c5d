"""The digits the layouts' own numbers are printed in: page numbers, chapter and note numbers,
the contents' and cross-references' page numbers, list numbers; and the numbers the build writes
into the text: figure, table, equation and theorem numbers in their labels, section numbers and
the rest of what a cross-reference shows, note calls.

A language's readers expect the digits CLDR gives as its default numbering system (Babel's
``Locale.default_numbering_system``): Latin ones in English, French, Hindi or Modern Standard
Arabic (``ar``), Eastern Arabic ones in Egyptian or Saudi Arabic (``ar-EG``, ``arab``),
Persian ones in Persian, Pashto and Urdu in India (``arabext``), Bengali ones in Bengali
(``beng``), Devanagari ones in Marathi and Nepali. A report may keep Latin digits anyway
(``latin_digits: true`` in the front matter).

The PDF takes them through one CSS counter style, ``rb-digits``, which :func:`counter_style_css`
declares as an extension of the CSS predefined style for those digits (``arabic-indic``,
``persian``, ``bengali`` ...); the stylesheets name it wherever they print a counter. The site
and the ePub number their lists in the same predefined style (:func:`list_counter_css`). Numbers
written as text go through :func:`digits`: those the templates write (a chapter's number, a
note's, a figure's label, the lists of figures and tables) by the ``digits`` filter, those the
reading passes write (a table's label, a statement's or an equation's number, a note call, a
chart's data table) by ``Context.digits``, and what a cross-reference shows by
:func:`..source.crossref.targets`. The site writes its side notes' numbers with it too. Ids,
links and data attributes keep Latin digits, and so do the numbers the author writes (in the
text, a table's cells, an equation's ``\\tag``) and the row numbers of an ``align``, which the
PDF draws with the formula's math font.

Invariant: a language whose digits are Latin, or whose CLDR numbering system has no CSS
predefined counter style, gets ``decimal`` and its numbers unchanged, character for character.
"""

from __future__ import annotations

import functools
import unicodedata
from typing import Any

COUNTER_STYLE = "rb-digits"  # the name the stylesheets use

DIGITS = {
    # CLDR numbering system: (CSS predefined counter style, Unicode name of its digits)
    "arab": ("arabic-indic", "ARABIC-INDIC"),
    "arabext": ("persian", "EXTENDED ARABIC-INDIC"),
    "beng": ("bengali", "BENGALI"),
    "deva": ("devanagari", "DEVANAGARI"),
    "gujr": ("gujarati", "GUJARATI"),
    "guru": ("gurmukhi", "GURMUKHI"),
    "khmr": ("khmer", "KHMER"),
    "knda": ("kannada", "KANNADA"),
    "laoo": ("lao", "LAO"),
    "mlym": ("malayalam", "MALAYALAM"),
    "mong": ("mongolian", "MONGOLIAN"),
    "mymr": ("myanmar", "MYANMAR"),
    "orya": ("oriya", "ORIYA"),
    "tamldec": ("tamil", "TAMIL"),
    "telu": ("telugu", "TELUGU"),
    "thai": ("thai", "THAI"),
    "tibt": ("tibetan", "TIBETAN"),
}
"""CLDR's numeric numbering systems that CSS Counter Styles Level 3 predefines a style for."""


@functools.cache
def numbering_system(language: str) -> str:
    """The CLDR default numbering system of a BCP 47 tag (``latn``, ``arab``, ``arabext``,
    ``beng`` ...); ``latn`` for a language CLDR does not know."""
    from .phrases import cldr_locale

    locale = cldr_locale(language)
    return str(locale.default_numbering_system) if locale is not None else "latn"


def counter_style(language: str, latin: bool = False) -> str:
    """The CSS counter style of the language's digits: ``persian`` for ``fa``, ``decimal`` for
    Latin digits (and with ``latin``, the report's choice)."""
    return "decimal" if latin else DIGITS.get(numbering_system(language), ("decimal", ""))[0]


def counter_style_css(language: str, latin: bool = False) -> str:
    """The ``@counter-style`` rule that gives ``rb-digits`` the language's digits."""
    return f"@counter-style {COUNTER_STYLE} {{ system: extends {counter_style(language, latin)}; }}\n"


@functools.cache
def _translation(language: str, latin: bool) -> dict[int, str]:
    if latin or numbering_system(language) not in DIGITS:
        return {}
    name = DIGITS[numbering_system(language)][1]
    zero = unicodedata.lookup(f"{name} DIGIT ZERO")
    return {ord("0") + value: chr(ord(zero) + value) for value in range(10)}


def digits(text: object, language: str, latin: bool = False) -> str:
    """``text`` with its Latin digits written in the language's own: "2" is "۲" in Persian,
    "২" in Bengali; unchanged where the language's digits are Latin."""
    return str(text).translate(_translation(language, latin))


def list_counter_css(language: str, latin: bool = False) -> str:
    """The rule that numbers a list without a ``type`` of its own in the language's digits, for
    the site's and the ePub's stylesheets (the PDF's lists count in ``rb-digits``): "" where the
    digits are Latin. Of no weight against the layouts' own rules (``:where``): a contents list
    drawn without numbers stays so."""
    style = counter_style(language, latin)
    return "" if style == "decimal" else f"\n:where(ol:not([type])) {{ list-style-type: {style}; }}\n"


def report_digits(text: object, meta: Any) -> str:
    """``text`` in the digits of a report whose metadata is ``meta`` (a :class:`.model.Metadata`):
    its language's, unless its front matter keeps Latin ones (``latin_digits``)."""
    return digits(text, meta.language, meta.latin_digits)
