"""Khmer, Lao and Burmese lines in the PDF broken between words, and never inside a cluster.

These scripts write no space between words (a space ends a phrase or a sentence), and where a
word ends takes a dictionary to know: Unicode gives their letters the line-breaking class SA,
"complex context". Pango, which breaks WeasyPrint's lines, has a dictionary for Thai only
(libthai) and reads the others' letters as ordinary letters with no break between them, so that
a whole phrase is one word to it. A line then ended at the phrase's space before it, however
early, and a phrase wider than its line was cut by WeasyPrint's last resort (``overflow-wrap:
anywhere``: Pango's character wrapping) between any two grapheme clusters, which in these
scripts falls inside words and syllables: after a Khmer coeng, the subscript consonant sent to
the next line (``គ្រូបង្|រៀន``, the word misspelt), between a vowel and its final (``ដា|ច់``).

Two corrections, for these three scripts only (Thai keeps Pango's own breaks; other text is as
it was, byte for byte):

- :func:`in_html`: the PDF's HTML is given a break opportunity, U+200B ZERO WIDTH SPACE, between
  two words of a run of these letters, where ICU's line breaker puts one (its dictionaries for
  Khmer, Lao and Burmese; ICU as the icu4py wheel bundles it, so that every machine breaks a
  text alike). It is the character Khmer writers themselves put between words for the same
  purpose, and it shows nothing. The site and the ePub are left alone: browsers and reading
  systems break these scripts with ICU themselves.
  The PDF's outline (its bookmarks) gets the headings' text without them (:func:`unmark_bookmarks`).
- :func:`clusters`: the spans no line breaks inside, not even as the last resort: a cluster (a
  letter with its marks and the consonants stacked under it after a coeng or virama, a Lao vowel
  written before its consonant with that consonant), and with it a Khmer consonant that carries a
  final's sign (់ ៍ ៎ ៏ ៑) or a Burmese consonant killed by asat (်), both the end of the
  syllable before them. :mod:`.word_breaks` gives them to Pango, so that a word wider than its
  line is cut between two of them, never after a coeng nor before a vowel sign.

Invariant: :func:`in_html` only adds U+200B, only between two letters or marks of these scripts
and only outside tags, ``<head>`` and code, math and drawings; HTML without these scripts comes
back unchanged.
"""

from __future__ import annotations

import functools
import re
from typing import Any

ZWSP = "\u200b"
# The letters and marks of Lao, Myanmar (and Extended-A, -B) and Khmer: those of line-breaking class SA.
LETTERS = (
    "\u0e81\u0e82\u0e84\u0e86-\u0e8a\u0e8c-\u0ea3\u0ea5\u0ea7-\u0eb0\u0eb2\u0eb3\u0ebd\u0ec0-\u0ec4\u0ec6\u0edc-\u0edf"
    "\u1000-\u102a\u103f\u1050-\u1055\u105a-\u105d\u1061\u1065\u1066\u106e-\u1070\u1075-\u1081\u108e"
    "\u1780-\u17b3\u17d7\u17dc\ua9e0-\ua9e4\ua9e6-\ua9ef\ua9fa-\ua9fe\uaa60-\uaa76\uaa7a\uaa7e\uaa7f"
)
MARKS = (
    "\u0eb1\u0eb4-\u0ebc\u0ec8-\u0ece\u102b-\u103e\u1056-\u1059\u105e-\u1060\u1062-\u1064\u1067-\u106d"
    "\u1071-\u1074\u1082-\u108d\u108f\u109a-\u109d\u17b4-\u17d3\u17dd\ua9e5\uaa7b-\uaa7d\u200c\u200d"
)
SCRIPT = re.compile(f"[{LETTERS}{MARKS}]")
"""A letter or mark of Khmer, Lao or Myanmar: text that :func:`in_html` and :func:`clusters` concern."""

_LETTER, _MARK, _VIRAMA = f"[{LETTERS}]", f"[{MARKS}]", "[\u17d2\u1039]"  # Khmer coeng, Myanmar virama
CLUSTER = re.compile(
    f"[\u0ec0-\u0ec4]*{_LETTER}"  # a Lao vowel written before its consonant, the letter
    f"(?:{_VIRAMA}{_LETTER}?|{_MARK})*"  # its marks and the consonants stacked under it
    f"(?:[\u0eb0\u0eb2\u0eb3\u0ebd\u0ec6\u17d7]{_MARK}*)*"  # Lao vowels after it, a repetition sign
)
FINAL = re.compile("[\u1780-\u17a2].*[\u17cb\u17cd\u17ce\u17cf\u17d1].*|[\u1000-\u1021].*\u103a.*", re.S)
"""A cluster that ends the syllable before it: a Khmer consonant with a final's sign (់ ៍ ៎ ៏ ៑), a
Burmese consonant killed by asat (်, and with it a kinzi)."""
BETWEEN_LETTERS = re.compile(f"(?<=[{LETTERS}{MARKS}]){ZWSP}(?=[{LETTERS}{MARKS}])")  # a U+200B marked() may have put
TOKEN = re.compile(r"""(<!--.*?-->|<[!?/]?[A-Za-z](?:[^>"']|"[^"]*"|'[^']*')*>)""", re.S)
NAME = re.compile(r"<(/?)([A-Za-z][\w:-]*)")
SKIPPED = frozenset({"head", "script", "style", "template", "pre", "code", "kbd", "samp", "textarea", "math", "svg"})
"""Elements whose text is left as written: the head's, code, formulas and drawings."""
INLINE = frozenset(
    "a abbr b bdi bdo cite data del dfn em i ins mark q s small span strong sub sup time u var".split()  # noqa: SIM905
)
"""Elements inside a line of text: a word runs on across them (``ការ<em>អប់រំ</em>``)."""


def clusters(text: str) -> list[tuple[int, int]]:
    """The clusters of Khmer, Lao and Myanmar text in ``text`` that are more than one character
    long, each with the final after it (:data:`FINAL`), as (start, end) character indexes: no
    line may break inside them. (A final written with no sign of its own, as in ``ការ``, cannot
    be told from the next syllable's first consonant without a dictionary: a word wider than its
    line, cut as the last resort, may be cut before it, as a Latin word is cut between any two
    letters then.)"""
    if not SCRIPT.search(text):
        return []
    found: list[tuple[int, int]] = []
    for match in CLUSTER.finditer(text):
        start, end = match.span()
        if found and found[-1][1] == start and FINAL.fullmatch(match.group()):
            found[-1] = (found[-1][0], end)
        else:
            found.append((start, end))
    return [(start, end) for start, end in found if end - start > 1]


@functools.cache
def _line_breaker() -> Any:
    from icu4py.breakers import LineBreaker  # imported only for a text that needs it

    return LineBreaker


def breaks(text: str) -> list[int]:
    """Where ICU's line breaker lets a line break between two letters or marks of these scripts
    (a word's end, by its dictionaries), as character indexes into ``text``: the places Pango
    knows nothing of. Breaks at spaces and punctuation are Pango's own, and not listed."""
    if not SCRIPT.search(text):
        return []
    found, offset = [], 0
    for segment in _line_breaker()(text, "und"):
        offset += len(segment)
        if offset < len(text) and SCRIPT.match(text, offset - 1) and SCRIPT.match(text, offset):
            found.append(offset)
    return found


def marked(text: str) -> str:
    """``text`` with U+200B at each of its :func:`breaks`."""
    found = breaks(text)
    if not found:
        return text
    return ZWSP.join(text[start:end] for start, end in zip([0, *found], [*found, len(text)], strict=True))


def unmarked(text: str) -> str:
    """``text`` without the U+200B :func:`marked` puts between two letters of these scripts."""
    return BETWEEN_LETTERS.sub("", text) if ZWSP in text else text


def unmark_bookmarks(pages: Any) -> None:
    """Take the break opportunities out of the laid-out pages' bookmarks (WeasyPrint's
    ``Page.bookmarks``: level, label, position, state), which a reader sees in the PDF's outline
    and searches as text."""
    for page in pages:
        page.bookmarks = [(level, unmarked(label), *rest) for level, label, *rest in page.bookmarks]


def in_html(html: str) -> str:
    """The PDF's HTML with U+200B between the words of its Khmer, Lao and Burmese text (see the
    module's invariant). A word may run across inline elements, and its text is segmented whole;
    any other tag ends a run of text."""
    if not SCRIPT.search(html):
        return html
    parts = TOKEN.split(html)  # text, tag, text, ..., text
    skipped: list[str] = []  # the open elements whose text is left alone
    run: list[int] = []  # the indexes of the text parts of the current run of text
    for index, part in enumerate(parts):
        if index % 2 == 0:
            if part and not skipped:
                run.append(index)
            continue
        tag = NAME.match(part)
        if tag is None or tag.group(2).lower() in INLINE:  # a comment, a doctype; an inline element
            continue
        _mark_run(parts, run)
        run = []
        closing, name = tag.group(1), tag.group(2).lower()
        if name not in SKIPPED or part.endswith("/>"):
            continue
        if not closing:
            skipped.append(name)
        elif name in skipped:
            del skipped[len(skipped) - 1 - skipped[::-1].index(name) :]
    _mark_run(parts, run)
    return "".join(parts)


def _mark_run(parts: list[str], run: list[int]) -> None:
    """Put U+200B at the breaks of the text the parts at ``run`` make together, each in the part
    where it falls (at the start of the later one, on a boundary between two)."""
    text = "".join(parts[index] for index in run)
    found = breaks(text)
    if not found:
        return
    start = 0
    for index in run:
        part, end = parts[index], start + len(parts[index])
        inside = [position - start for position in found if start <= position < end]
        if inside:
            parts[index] = ZWSP.join(part[a:b] for a, b in zip([0, *inside], [*inside, len(part)], strict=True))
        start = end
