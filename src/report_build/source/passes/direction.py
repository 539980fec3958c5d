"""Direction of reading: passages in another direction than the document's get their ``dir``
from their language, and in right-to-left documents left-to-right runs are isolated so that
they read as a unit (a Latin name with its ``@``, ``C++``, ``Node.js``) wherever they fall.

Nothing here asks the author for a ``dir``: the document's direction comes from its language
(or, without one, from its script: :mod:`..scripts`), a passage's from its ``lang``."""

from __future__ import annotations

import functools
import html
import re
import unicodedata
from collections.abc import Iterator

from lxml import etree

from ...model import direction_of
from ..refsyntax import END as REFERENCE_END
from ..refsyntax import START as REFERENCE_START

URL_TEXT = re.compile(r"^(https?://|www\.|[\w.+-]+@[\w-]+\.)", re.IGNORECASE)
ISOLATED = frozenset({"code", "pre", "kbd", "samp", "var", "script", "style", "math", "svg"})
# Bidi classes a left-to-right run may hold between its strong letters: European digits and
# their separators and terminators, common separators, spaces and other neutrals, marks.
INSIDE = frozenset({"L", "EN", "ES", "ET", "CS", "WS", "ON", "NSM", "BN"})
LEADING = frozenset("@#")  # a handle or a tag reads with the word it prefixes
BRACKETS = {")": "(", "]": "[", "}": "{"}


def isolate_left_to_right(root: etree._Element) -> None:
    """Mark code, URLs and numeric (right-aligned) cells with ``dir`` so that they read left to
    right as a unit in the PDF and in every ePub reader. Changes ``dir`` attributes only."""
    for element in root.iter("code", "pre", "kbd", "samp", "var"):
        element.set("dir", "ltr")
    for link in root.iter("a"):
        if URL_TEXT.match("".join(link.itertext()).strip()):
            link.set("dir", "ltr")
    for cell in root.iter("td", "th"):
        if "align-right" in (cell.get("class") or "").split():
            cell.set("dir", "auto")


def passages(root: etree._Element, document_direction: str) -> None:
    """Give an element whose ``lang`` reads in the other direction than its surroundings a
    ``dir`` (an Arabic or Hebrew passage in an English report, an English one in a Persian
    report). An element that has a ``dir`` keeps it."""

    def walk(element: etree._Element, surrounding: str) -> None:
        for child in element:
            if not isinstance(child.tag, str):
                continue
            direction = surrounding
            if child.get("dir") in ("ltr", "rtl"):
                direction = child.get("dir")
            elif child.get("lang"):
                direction = direction_of(child.get("lang"))
                if direction != surrounding:
                    child.set("dir", direction)
            walk(child, direction)

    walk(root, document_direction)


def unmarked_passages(root: etree._Element, document_direction: str) -> None:
    """Give a paragraph written without ``lang`` or ``dir``, whose letters all read in the other
    direction than its surroundings, that direction (a French quotation in an Arabic report, an
    Arabic one in an English report): it then starts on its own side, its punctuation and
    quotation marks where its language puts them. A list turns only as a whole, when every item
    with letters is in the other direction (one English item in an Arabic list keeps its
    number on the list's side: its words are isolated by :func:`isolate_latin_runs`). A
    paragraph with even one letter of its surroundings' direction is theirs (an Arabic sentence
    that names ``Windows 10``), and so is one without letters. Run after :func:`passages`."""

    def surrounding(element: etree._Element) -> str:
        return next(
            (e.get("dir") for e in element.iterancestors() if e.get("dir") in ("ltr", "rtl")), document_direction
        )

    def unmarked(element: etree._Element) -> bool:
        return not element.get("dir") and not element.get("lang") and not _inside_isolated(element, root)

    for listing in root.iter("ul", "ol"):
        if not unmarked(listing) or any(e.tag == "li" for e in listing.iterancestors()):
            continue
        around = surrounding(listing)
        found = [_letter_directions(item, around) for item in listing if item.tag == "li"]
        found = [directions for directions in found if directions]
        if found and all(len(directions) == 1 and around not in directions for directions in found):
            listing.set("dir", found[0].copy().pop())
    for paragraph in root.iter("p"):
        if not unmarked(paragraph) or any(e.tag == "li" for e in paragraph.iterancestors()):
            continue
        around = surrounding(paragraph)
        found = _letter_directions(paragraph, around)
        if len(found) == 1 and around not in found:
            paragraph.set("dir", found.pop())


def _letter_directions(element: etree._Element, enough: str | None = None) -> set[str]:
    """The directions of the strong letters of ``element``'s own text: not code, formulas or
    parts that carry their own ``lang`` or ``dir``. The search stops at the first letter of the
    direction ``enough`` (what makes a passage its surroundings', whatever else it holds): an
    English paragraph in an English report is decided by its first letter, not read whole."""
    found: set[str] = set()
    for direction in _strong_letters(element):
        found.add(direction)
        if direction == enough:
            break
    return found


def _strong_letters(node: etree._Element) -> Iterator[str]:
    """The direction of each strong letter of ``node``'s own text, in order (see :func:`_letter_directions`)."""
    for text in [node.text, *(child.tail for child in node)]:
        for char in text or "":
            direction = _strong_direction(char)
            if direction is not None:
                yield direction
    for child in node:
        if not isinstance(child.tag, str):
            continue
        tag = etree.QName(child).localname if "}" in child.tag else child.tag
        if tag not in ISOLATED and not child.get("dir") and not child.get("lang"):
            yield from _strong_letters(child)


def first_strong_direction(text: str) -> str | None:
    """The direction of the first strong letter of ``text`` (HTML: its tags left out, its
    entities read), as the Unicode bidirectional algorithm takes a paragraph's: "ltr", "rtl", or
    None without one."""
    for char in html.unescape(re.sub(r"<[^>]*>", "", text)):
        found = _strong_direction(char)
        if found:
            return found
    return None


@functools.cache
def _strong_direction(char: str) -> str | None:
    """The direction of a strong letter, "ltr" (bidi class L) or "rtl" (R, AL); None for any other character."""
    kind = unicodedata.bidirectional(char)
    return "ltr" if kind == "L" else "rtl" if kind in ("R", "AL") else None


def isolate_latin_runs(root: etree._Element) -> None:
    """In a right-to-left document, wrap each run of left-to-right text (from its first strong
    letter, or the ``@`` or ``#`` before it, to its last letter or digit) in ``<span dir="ltr">``,
    which isolates it in the PDF, the ePub and the site alike. Code, math and elements that
    already have a ``dir`` are left as they are."""
    for element in list(root.iter()):
        if not isinstance(element.tag, str) or _inside_isolated(element, root):
            continue
        if element.text:
            pieces = _runs(element.text)
            if any(run for _text, run in pieces):
                element.text = None
                _insert(element, 0, pieces, lambda text, e=element: setattr(e, "text", text))
        for child in list(element):
            if child.tail:
                pieces = _runs(child.tail)
                if any(run for _text, run in pieces):
                    child.tail = None
                    _insert(element, element.index(child) + 1, pieces, lambda text, c=child: setattr(c, "tail", text))


def _inside_isolated(element: etree._Element, root: etree._Element) -> bool:
    node = element
    while node is not None and node is not root:
        if not isinstance(node.tag, str):
            return True
        tag = etree.QName(node).localname if "}" in node.tag else node.tag
        if tag in ISOLATED or node.get("dir") in ("ltr", "auto"):
            return True
        node = node.getparent()
    return False


def _insert(parent: etree._Element, position: int, pieces: list[tuple[str, bool]], set_first) -> None:
    """Put ``pieces`` (text, is a left-to-right run) at ``position`` of ``parent``'s children:
    plain text before the first run goes where the text was, each run becomes a span whose
    tail is the plain text after it."""
    previous = None
    for text, run in pieces:
        if not run:
            if previous is None:
                set_first(text)
            else:
                previous.tail = (previous.tail or "") + text
            continue
        span = etree.Element("span", {"dir": "ltr"})
        span.text = text
        parent.insert(position, span)
        position += 1
        previous = span


def _runs(text: str) -> list[tuple[str, bool]]:
    """The text cut into (piece, is a left-to-right run)."""
    pieces: list[tuple[str, bool]] = []
    start = 0
    index = 0
    while index < len(text):
        char = text[index]
        if char == REFERENCE_START:  # a reference, written later in the document's words: no run of its own
            index = _reference_end(text, index)
            continue
        begins = _strong_ltr(char) or (char in LEADING and index + 1 < len(text) and _strong_ltr(text[index + 1]))
        if not begins:
            index += 1
            continue
        end = index + 1
        last = index + 1 if _strong_ltr(char) else index
        while end < len(text) and text[end] != REFERENCE_START and unicodedata.bidirectional(text[end]) in INSIDE:
            if _strong_ltr(text[end]) or unicodedata.bidirectional(text[end]) == "EN":
                last = end + 1
            end += 1
        while last < len(text) and unicodedata.bidirectional(text[last]) in ("ES", "ET"):
            last += 1  # C++, C#, 100%: signs attached to the run's end
        last = _with_closing_brackets(text, index, last)
        index, last = _with_quotation_marks(text, max(index, start), last)
        if index > start:
            pieces.append((text[start:index], False))
        pieces.append((text[index:last], True))
        start = index = last
    if start < len(text) or not pieces:
        pieces.append((text[start:], False))
    return pieces


def _reference_end(text: str, start: int) -> int:
    """Where the cross-reference or citation placeholder at ``start`` ends (:mod:`..refsyntax`):
    its hexadecimal letters are no left-to-right text. A cross-reference is written in the
    document's words ("الشكل 1"), its page after it (print-rtl.css), and "(@fig-x)" must stay
    next to its parentheses to read "(الشكل 1، ص. 6)"; a citation of Latin names is isolated
    where it is written (:mod:`..crossref`)."""
    end = text.find(REFERENCE_END, start)
    return len(text) if end < 0 else end + 1


def _with_closing_brackets(text: str, begin: int, end: int) -> int:
    """Extend a run over the brackets it opened (``f(x)``), never over one it did not."""
    depth = {opening: 0 for opening in BRACKETS.values()}
    for char in text[begin:end]:
        if char in depth:
            depth[char] += 1
        elif char in BRACKETS and depth[BRACKETS[char]]:
            depth[BRACKETS[char]] -= 1
    while end < len(text) and text[end] in BRACKETS and depth[BRACKETS[text[end]]]:
        depth[BRACKETS[text[end]]] -= 1
        end += 1
    return end


QUOTES = {"\u201c": "\u201d", "\u00ab": "\u00bb", "\u2018": "\u2019", '"': '"', "\u201e": "\u201c"}
"""Opening quotation marks and the marks that close them (English, French and German)."""
CLOSING_PUNCTUATION = frozenset(".,;:!?\u2026 \u00a0\u202f")


def _with_quotation_marks(text: str, begin: int, end: int) -> tuple[int, int]:
    """A run that is a whole quotation (``“Nous appelons… agir.”``, ``« … »``) takes its
    quotation marks and the punctuation before the closing one, which would otherwise take the
    direction of the text around it and land on the wrong side."""
    before = begin
    while before > 0 and text[before - 1] in " \u00a0\u202f":
        before -= 1
    if before == 0 or text[before - 1] not in QUOTES:
        return begin, end
    closing = QUOTES[text[before - 1]]
    after = end
    while after < len(text) and text[after] in CLOSING_PUNCTUATION:
        after += 1
    if after < len(text) and text[after] == closing:
        return before - 1, after + 1
    return begin, end


def _strong_ltr(char: str) -> bool:
    return unicodedata.bidirectional(char) == "L"
