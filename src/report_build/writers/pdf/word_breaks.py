"""Korean lines broken between words, applied when the PDF writer is imported.

Korean writes spaces between its words, and a line breaks there: the site and the ePub set it
with ``word-break: keep-all``. WeasyPrint 70 has no ``keep-all``, and Pango's rules let a line
break between any two Hangul syllables, so the PDF cut words in two at the ends of lines
("소유" / "권") with nothing to show that the word goes on. Here, in text whose language is
Korean (the element's ``lang``, or the document's), no line breaks inside a word that holds
Hangul (a run of letters and digits, "Rust의" included); lines break at spaces and punctuation,
as keep-all has them. A word longer than the line overflows it, as a long address does.

WeasyPrint decides where a line may break in two places, and both are changed alike:

- the layout of a line (``Layout.set_text``): Pango is given an ``allow_breaks`` attribute,
  false, over each such word;
- the break points WeasyPrint reads on their own (``get_log_attrs``: whether a text box can break
  inside, or where two boxes meet, as in "소유<em>권</em>"): the same positions are cleared.

No character is added to the text: the words are copied, searched and read aloud as written.
Applied only where both functions are found as expected (:data:`APPLIED`), so that a WeasyPrint
upgrade cannot be silently mangled. Other languages break as before.
"""

from __future__ import annotations

import contextlib
import functools
import re
from typing import Any

from cffi import FFIError
from weasyprint.text import line_break
from weasyprint.text.ffi import ffi, pango

from ...phrases import HANGUL, korean

WORD = re.compile(r"\w{2,}")  # letters and digits in a row: a word, for keep-all
PLAIN = "_report_build_plain"  # a layout's attributes before the words of its text were added


def words(text: str) -> list[tuple[int, int]]:
    """The words of ``text`` that hold Hangul, as (start, end) character indexes: a line may
    not break inside them."""
    return [match.span() for match in WORD.finditer(text) if HANGUL.search(match.group())]


@functools.lru_cache(maxsize=64)
def _keeps_words(language: str | None) -> bool:
    return bool(language) and korean(language)  # type: ignore[arg-type]


def _byte_spans(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Character spans of ``text`` as UTF-8 byte spans (Pango's indexes)."""
    found, position, offset = [], 0, 0
    for start, end in spans:
        offset += len(text[position:start].encode())
        first = offset
        offset += len(text[start:end].encode())
        found.append((first, offset))
        position = end
    return found


GET_LOG_ATTRS = getattr(line_break.get_log_attrs, "__wrapped__", line_break.get_log_attrs)
SET_TEXT = getattr(line_break.Layout.set_text, "__wrapped__", line_break.Layout.set_text)


def get_log_attrs(text: str, lang: str | None) -> Any:
    """WeasyPrint's break points of a text on its own, none inside a Korean word."""
    log_attrs = GET_LOG_ATTRS(text, lang)
    if _keeps_words(lang):
        for start, end in words(text):
            for index in range(start + 1, end):
                log_attrs[index].is_line_break = False
    return log_attrs


def set_text(layout: Any, text: str, justify: bool = False) -> None:
    """WeasyPrint's ``Layout.set_text``, then Pango told not to break inside a Korean word.

    A layout is given one text after another (the rest of a paragraph, then the part that fits,
    hyphenated or not): the words of the text before are taken away first, so that they never
    fall on the next text's letters."""
    if PLAIN in layout.__dict__:
        pango.pango_layout_set_attributes(layout.layout, layout.__dict__.pop(PLAIN))
    SET_TEXT(layout, text, justify)
    if not _keeps_words(layout.style["lang"]):
        return
    spans = words(layout.text)
    if not spans:
        return
    current = pango.pango_layout_get_attributes(layout.layout)
    if current == ffi.NULL:
        layout.__dict__[PLAIN] = ffi.NULL
        kept = ffi.gc(pango.pango_attr_list_new(), pango.pango_attr_list_unref)
    else:
        layout.__dict__[PLAIN] = ffi.gc(pango.pango_attr_list_copy(current), pango.pango_attr_list_unref)
        kept = ffi.gc(pango.pango_attr_list_copy(current), pango.pango_attr_list_unref)
    for start, end in _byte_spans(layout.text, spans):
        attribute = pango.pango_attr_allow_breaks_new(False)
        attribute.start_index, attribute.end_index = start, end
        pango.pango_attr_list_insert(kept, attribute)
    pango.pango_layout_set_attributes(layout.layout, kept)


def _declare() -> bool:
    """Declare the two Pango functions WeasyPrint's bindings lack (Pango 1.44 and later)."""
    for declaration in (
        "PangoAttribute * pango_attr_allow_breaks_new (gboolean allow_breaks);",
        "PangoAttrList * pango_attr_list_copy (PangoAttrList *list);",
    ):
        with contextlib.suppress(FFIError):  # declared already (by a later WeasyPrint)
            ffi.cdef(declaration)
    try:
        return bool(pango.pango_attr_allow_breaks_new and pango.pango_attr_list_copy)
    except AttributeError:
        return False


def _apply() -> bool:
    """Replace both functions while they are WeasyPrint's own (or already ours)."""
    if getattr(line_break.get_log_attrs, "__wrapped__", None) is GET_LOG_ATTRS:
        return True
    if line_break.get_log_attrs.__code__.co_varnames[:2] != ("text", "lang") or not _declare():
        return False
    get_log_attrs.__wrapped__ = GET_LOG_ATTRS  # type: ignore[attr-defined]
    set_text.__wrapped__ = SET_TEXT  # type: ignore[attr-defined]
    line_break.get_log_attrs = get_log_attrs
    line_break.Layout.set_text = set_text  # type: ignore[method-assign]
    return True


APPLIED = _apply()
