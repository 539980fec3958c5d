"""Korean words, and Khmer, Lao and Burmese clusters, kept whole in the lines of the PDF.

Korean writes spaces between its words, and a line breaks there: the site and the ePub set it
with ``word-break: keep-all``. WeasyPrint 70 has no ``keep-all``, and Pango's rules let a line
break between any two Hangul syllables, so the PDF cut words in two at the ends of lines
("소유" / "권") with nothing to show that the word goes on. Here, in text whose language is
Korean (the element's ``lang``, or the document's), no line breaks inside a word that holds
Hangul (a run of letters and digits, "Rust의" included); lines break at spaces and punctuation,
as keep-all has them. A word wider than its line is still cut where the layout allows it
(``overflow-wrap``, ``word-break: break-all``: WeasyPrint's last resort, Pango's character
wrapping), as keep-all lets it be; text with ``word-break: break-all`` keeps no word whole.

Khmer, Lao and Burmese lines break between words at the U+200B the PDF's HTML is given there
(:mod:`.dictionary_breaks`); a word wider than its line, cut as the last resort, is cut between
two of its clusters (:func:`.dictionary_breaks.clusters`), never after a coeng or before a
vowel sign, as Pango's character wrapping would have it (in any language, with any
``word-break``). Their text is also drawn without ``letter-spacing``: Pango turns a spaced text's
ligatures off, and the fonts of these scripts need them (Noto's Khmer drew ``នៅ`` with a dotted
circle and ``បា`` as ``ហ`` on the cover, whose title is spaced).

WeasyPrint decides where a line may break in two places, and both are changed alike:

- the layout of a line (``Layout.set_text``): Pango is given an ``allow_breaks`` attribute,
  false, over each such word or cluster (the words taken away again for the last resort:
  ``Layout.get_first_line`` with character wrapping; the clusters kept);
- the break points WeasyPrint reads on their own (``get_log_attrs``: whether a text box can break
  inside, or where two boxes meet, as in "소유<em>권</em>"): the same positions are cleared for
  Korean (Pango reads none inside a run of Khmer, Lao or Burmese letters).

No character is added to the text here: the words are copied, searched and read aloud as written.
The functions are replaced only when a document to lay out holds Hangul or one of those scripts
(:func:`use_for`: a layout without them calls WeasyPrint's own, with none of this code on its
busiest path, which cost an English report 2-3 % of its layout), and only where they are found as
expected (:func:`available`), so that a WeasyPrint upgrade cannot be silently mangled. Other
languages break as before.
"""

from __future__ import annotations

import contextlib
import functools
import re
from typing import Any

from cffi import FFIError
from weasyprint.text import line_break
from weasyprint.text.ffi import ffi, gobject, pango

from ...phrases import HANGUL, korean
from . import dictionary_breaks

MARKS = "\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\u302a-\u302f\u3099\u309a\ufe20-\ufe2f"
LETTER = f"[\\w{MARKS}]"  # a letter or digit, or a combining mark (a Hangul tone mark among them)
WORD = re.compile(f"{LETTER}{{2,}}")  # a word, for keep-all (kept whole when it holds Hangul)
UNSPACED = re.compile(f"[{dictionary_breaks.LETTERS}{dictionary_breaks.MARKS}\u200b]+")  # drawn without letter-spacing
PLAIN = "_report_build_plain"  # (the Pango layout, its attributes before ours, those for character wrapping)
CHARACTER_WRAP = pango.PANGO_WRAP_CHAR  # WeasyPrint's last resort for a word wider than its line


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
GET_FIRST_LINE = getattr(line_break.Layout.get_first_line, "__wrapped__", line_break.Layout.get_first_line)


def get_log_attrs(text: str, lang: str | None) -> Any:
    """WeasyPrint's break points of a text on its own, none inside a Korean word."""
    log_attrs = GET_LOG_ATTRS(text, lang)
    if _keeps_words(lang):
        for start, end in words(text):
            for index in range(start + 1, end):
                log_attrs[index].is_line_break = False
    return log_attrs


def set_text(layout: Any, text: str, justify: bool = False) -> None:
    """WeasyPrint's ``Layout.set_text``, then Pango told not to break inside a Korean word or a
    Khmer, Lao or Burmese cluster, and to draw those scripts without letter-spacing.

    A layout is given one text after another (the rest of a paragraph, then the part that fits,
    hyphenated or not): the attributes of the text before are taken away first, so that they
    never fall on the next text's letters."""
    _drop_words(layout)
    SET_TEXT(layout, text, justify)
    style, text = layout.style, layout.text
    keep_all = _keeps_words(style["lang"]) and style["word_break"] != "break-all"
    spans = words(text) if keep_all else []
    clusters = dictionary_breaks.clusters(text)
    unspaced = [m.span() for m in UNSPACED.finditer(text)] if clusters and style["letter_spacing"] != "normal" else []
    if not (spans or clusters):
        return
    current = pango.pango_layout_get_attributes(layout.layout)
    if current == ffi.NULL:
        plain = ffi.NULL
        wrapping = ffi.gc(pango.pango_attr_list_new(), pango.pango_attr_list_unref)
    else:
        plain = ffi.gc(pango.pango_attr_list_copy(current), pango.pango_attr_list_unref)
        if unspaced:
            wrapping = _without_spacing(current, _byte_spans(text, unspaced))
        else:
            wrapping = ffi.gc(pango.pango_attr_list_copy(current), pango.pango_attr_list_unref)
    _forbid_breaks(wrapping, text, clusters)
    kept = wrapping
    if spans:
        kept = ffi.gc(pango.pango_attr_list_copy(wrapping), pango.pango_attr_list_unref)
        _forbid_breaks(kept, text, spans)
    layout.__dict__[PLAIN] = (layout.layout, plain, wrapping)
    pango.pango_layout_set_attributes(layout.layout, kept)


def _without_spacing(attributes: Any, spans: list[tuple[int, int]]) -> Any:
    """A new list of ``attributes`` with no letter-spacing over ``spans`` (byte indexes, in
    order): a letter-spacing attribute, even of 0, turns the text's ligatures off in Pango, so
    those over the spans are cut around them rather than set to 0."""
    rebuilt = ffi.gc(pango.pango_attr_list_new(), pango.pango_attr_list_unref)
    copies = pango.pango_attr_list_get_attributes(attributes)  # each attribute a copy, now ours
    node = copies
    while node != ffi.NULL:
        attribute = ffi.cast("PangoAttribute *", node.data)
        node = node.next
        if attribute.klass != _spacing_class():
            pango.pango_attr_list_insert(rebuilt, attribute)  # the list takes it
            continue
        start, end, value = attribute.start_index, attribute.end_index, ffi.cast("RBAttrInt *", attribute).value
        pango.pango_attribute_destroy(attribute)
        for first, last in _outside(start, end, spans):
            spaced = pango.pango_attr_letter_spacing_new(value)
            spaced.start_index, spaced.end_index = first, last
            pango.pango_attr_list_insert(rebuilt, spaced)
    gobject.g_slist_free(copies)
    return rebuilt


def _outside(start: int, end: int, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The parts of [start, end) outside ``spans`` (in order)."""
    parts = []
    for first, last in spans:
        if last <= start or first >= end:
            continue
        if first > start:
            parts.append((start, first))
        start = max(start, last)
    if start < end:
        parts.append((start, end))
    return parts


def _forbid_breaks(attributes: Any, text: str, spans: list[tuple[int, int]]) -> None:
    """No line break inside each of ``spans`` (character indexes of ``text``, in order)."""
    for start, end in _byte_spans(text, spans):
        attribute = pango.pango_attr_allow_breaks_new(False)
        attribute.start_index, attribute.end_index = start, end
        pango.pango_attr_list_insert(attributes, attribute)


def get_first_line(layout: Any) -> Any:
    """WeasyPrint's ``Layout.get_first_line``; with character wrapping (its last resort for a word
    wider than the line, under ``overflow-wrap`` or ``word-break: break-all``) the Korean words are
    taken away first, so that such a word is cut rather than run past the line's end; the
    clusters stay, so that it is cut between two of them."""
    stash = layout.__dict__.get(PLAIN)
    if stash is not None and pango.pango_layout_get_wrap(layout.layout) == CHARACTER_WRAP:
        owner, _plain, wrapping = stash
        if owner == layout.layout:
            pango.pango_layout_set_attributes(layout.layout, wrapping)
    return GET_FIRST_LINE(layout)


def _drop_words(layout: Any) -> None:
    """Give a layout back the attributes it had before :func:`set_text` added its own (not to the
    new Pango layout WeasyPrint makes when it lays a line out again)."""
    owner, plain, _wrapping = layout.__dict__.pop(PLAIN, (None, None, None))
    if owner is not None and owner == layout.layout:
        pango.pango_layout_set_attributes(layout.layout, plain)


def _declare() -> bool:
    """Declare the Pango functions WeasyPrint's bindings lack (Pango 1.44 and later)."""
    for declaration in (
        "PangoAttribute * pango_attr_allow_breaks_new (gboolean allow_breaks);",
        "PangoAttrList * pango_attr_list_copy (PangoAttrList *list);",
        "PangoWrapMode pango_layout_get_wrap (PangoLayout *layout);",
        "GSList * pango_attr_list_get_attributes (PangoAttrList *list);",
        "void pango_attribute_destroy (PangoAttribute *attr);",
        "void g_slist_free (GSList *list);",
        "typedef struct { PangoAttribute attr; int value; } RBAttrInt;",  # PangoAttrInt, under a name of ours
    ):
        with contextlib.suppress(FFIError):  # declared already (by a later WeasyPrint)
            ffi.cdef(declaration)
    try:
        return bool(
            pango.pango_attr_allow_breaks_new
            and pango.pango_attr_list_copy
            and pango.pango_layout_get_wrap
            and pango.pango_attr_list_get_attributes
            and pango.pango_attribute_destroy
            and gobject.g_slist_free
        )
    except AttributeError:
        return False


def use_for(html: str) -> bool:
    """Replace WeasyPrint's three functions by these if ``html`` holds Hangul, Khmer, Lao or
    Myanmar (for the rest of the process: they leave other text as it was); whether they are in
    use."""
    if applied():
        return True
    if not (HANGUL.search(html) or dictionary_breaks.SCRIPT.search(html)) or not available():
        return False
    get_log_attrs.__wrapped__ = GET_LOG_ATTRS  # type: ignore[attr-defined]
    set_text.__wrapped__ = SET_TEXT  # type: ignore[attr-defined]
    get_first_line.__wrapped__ = GET_FIRST_LINE  # type: ignore[attr-defined]
    line_break.get_log_attrs = get_log_attrs
    line_break.Layout.set_text = set_text  # type: ignore[method-assign]
    line_break.Layout.get_first_line = get_first_line  # type: ignore[method-assign]
    return True


def applied() -> bool:
    return line_break.get_log_attrs is get_log_attrs


@functools.cache
def available() -> bool:
    """Whether WeasyPrint's functions are those this module expects, and Pango has what it needs.
    Asked only of a document that needs them: declaring the functions takes cffi a twentieth of a
    second, which every build paid at start-up when it was done on import."""
    return line_break.get_log_attrs.__code__.co_varnames[:2] == ("text", "lang") and _declare()


@functools.cache
def _spacing_class() -> Any:
    """What every letter-spacing attribute points to as its class (a static of Pango's)."""
    attribute = pango.pango_attr_letter_spacing_new(0)
    klass = attribute.klass
    pango.pango_attribute_destroy(attribute)
    return klass
