"""Text between tildes: struck through, or a subscript, as its writer means it.

GitHub strikes through text between one tilde or two each side (``~~old~~``, ``~old~``). pandoc,
and so R Markdown, bookdown and Quarto, strikes through ``~~old~~`` too, but reads ``~x~`` as a
subscript, with no white space inside (``\\ `` is a space there). Chemistry and formulas are
written the pandoc way everywhere, so:

- ``H~2~O``, ``CO~2~ emissions``, ``x~i~``, ``(CH~3~)~2~``, ``t~1/2~``: one tilde each side, no
  white space inside, the pair attached to the word it belongs to (a letter, a digit or a
  closing bracket right before it, or a letter right after it; never a digit right after it)
  is a subscript in every document (:func:`is_subscript`);
- any other pair of single tildes, ``~old~`` standing free or ``~a few words~``, is struck
  through, as GitHub shows it; in a document of the pandoc family
  (:func:`.dialects.pandoc_markdown.is_pandoc`) it is a subscript when no white space is inside,
  as pandoc reads it (pymdownx.tilde's ``subscript`` option, whose rule is pandoc's);
- ``~~old~~`` is struck through everywhere.

Pairs follow GitHub's flanking rules (as ``*`` and ``_`` do), so a lone tilde stays as written
(``~5 km``, ``~/.config``), and GitHub's rule for runs: a run of tildes pairs only with a run of
its own length, never split (``~~x~ and ~x~~``, ``CO~2~~~x~~`` stay as written; ``~~~x~~~`` is
``~``, ``x`` struck through, ``~``). Code, links and addresses are never read
(``https://example.org/~user/``). Outside the pandoc family, ranges written with tildes, as
Korean, Chinese and Japanese text often has them, are no pair at all: a tilde between two digits
(``2019~2020``, ``10~20度、30~40%``) leaves the pair as written, where GitHub would strike
through what lies between two ranges; and a pair that holds East Asian characters is never a
subscript.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree  # noqa: N813 (the name Python-Markdown uses)

import markdown
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor
from pymdownx import util
from pymdownx.delimiterprocessor import Delimiter, DelimiterProcessor

PAIR = "report-build-tilde-pair"
"""The element a single-tilde pair first makes outside the pandoc family; :class:`Pairs` makes it
a ``sub`` or a ``del``, before anything else reads the tree."""
ATTACHED_BEFORE = re.compile(r"[^\W_]|[)\]]")
EAST_ASIAN = re.compile(
    "[\u1100-\u11ff\u2e80-\u303f\u3040-\u30ff\u3100-\u31ff\u3200-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef"
    "\U00020000-\U0003134f]"
)


def is_subscript(before: str, inside: str, after: str) -> bool:
    """Whether a single-tilde pair holding ``inside`` is a subscript in any document, given the
    characters right ``before`` and ``after`` it ("" at the start or end of a block)."""
    if not inside or any(c.isspace() for c in inside) or EAST_ASIAN.search(inside) or after[:1].isdigit():
        return False
    return bool(ATTACHED_BEFORE.fullmatch(before[-1:])) or after[:1].isalpha()


TILDES = (PAIR, "del", "sub")
"""What a run of tildes makes: a pair not settled yet, ``~~x~~``, a pair settled."""


class Pairs(Treeprocessor):
    """Each single-tilde pair a ``sub`` (:func:`is_subscript`) or a ``del``, or its text as
    written: a pair one of whose tildes touches a tilde, or another pair's tildes (one run split
    in two, which GitHub never pairs: :func:`_touching`), and a range."""

    def run(self, root: etree.Element) -> None:
        pairs = list(root.iter(PAIR))
        if not pairs:
            return
        parents = {child: parent for parent in root.iter() for child in parent}
        settled: set[etree.Element] = set()  # the pairs made a sub or a del
        for element in pairs:  # in the order of the text, outer pairs first
            parent = parents[element]
            index = list(parent).index(element)
            text_before, text_after = _text_before(parent, index), element.tail or ""
            inside = "".join(element.itertext())
            if not element.text and len(element) == 1 and element[0].tag == "del" and not element[0].tail:
                # ~~~x~~~: the inner two struck through, the outer tildes as written
                element.text, element[0].tail = "~", "~"
            elif text_before[-1:] == "~" or text_after[:1] == "~" or _range(text_before, inside, text_after):
                # ~~x~ y, a run that does not match (or one split, below); 10~20, a range: as written
                _as_written(element, "~")
            elif touching := _touching(parent, index):
                # ~~x~ and ~x~~, CO~2~~~x~~: runs split in two, as written with what they made; a
                # pair still to settle touches these tildes then, and is written as it stands too
                _as_written(element, "~")
                for child in element:
                    parents[child] = parent
                _unwrap(parent, element)
                for other in (other for other in touching if other.tag != PAIR):
                    _as_written(other, "~" if other in settled else "~~")
                    holder = parents[other]
                    for child in other:
                        parents[child] = holder
                    _unwrap(holder, other)
                continue
            else:
                element.tag = "sub" if is_subscript(_before(parent, index), inside, _after(parent, index)) else "del"
                settled.add(element)
                continue
            for child in element:
                parents[child] = parent
            _unwrap(parent, element)


def _as_written(element: etree.Element, tildes: str) -> None:
    """``element``'s tildes put back as text around its content (to be unwrapped)."""
    element.text = f"{tildes}{element.text or ''}"
    if len(element):
        element[-1].tail = f"{element[-1].tail or ''}{tildes}"
    else:
        element.text += tildes


def _touching(parent: etree.Element, index: int) -> list[etree.Element]:
    """The tilde elements (:data:`TILDES`) a pair's tildes touch, with no text between: the one
    it opens or closes with (``~~x~ y~`` holds ``~x~`` at its start), the one it stands at the
    start or end of, the one right before or after it. Touching tildes were one run, which the
    delimiter reader split, and GitHub pairs a run whole or not at all."""
    element = parent[index]
    found = []
    if len(element) and not element.text and element[0].tag in TILDES:
        found.append(element[0])
    if len(element) and not element[-1].tail and element[-1].tag in TILDES:
        found.append(element[-1])
    if parent.tag in TILDES and ((index == 0 and not parent.text) or (index == len(parent) - 1 and not element.tail)):
        found.append(parent)
    if index and parent[index - 1].tag in TILDES and not parent[index - 1].tail:
        found.append(parent[index - 1])
    if index + 1 < len(parent) and parent[index + 1].tag in TILDES and not element.tail:
        found.append(parent[index + 1])
    return list(dict.fromkeys(found))


def _range(before: str, inside: str, after: str) -> bool:
    """Whether a tilde of a pair stands between two digits, as in a range (``2019~2020``)."""
    return (before[-1:].isdigit() and inside[:1].isdigit()) or (inside[-1:].isdigit() and after[:1].isdigit())


def _text_before(parent: etree.Element, index: int) -> str:
    """The text right before a pair ("" when an element ends right there, with its own marks)."""
    return (parent.text if index == 0 else parent[index - 1].tail) or ""


def _before(parent: etree.Element, index: int) -> str:
    """The text before a pair, or the word of the element right before it (``*x*~i~``)."""
    if index == 0:
        return parent.text or ""
    previous = parent[index - 1]
    return previous.tail or "".join(previous.itertext())


def _after(parent: etree.Element, index: int) -> str:
    """The text after a pair, or the word of the element right after it when it starts with a
    letter; never a digit there: an element's marks come first (``x~2~^3^``)."""
    element = parent[index]
    if element.tail:
        return element.tail
    following = "".join(parent[index + 1].itertext()) if index + 1 < len(parent) else ""
    return following if following[:1].isalpha() else ""


def _unwrap(parent: etree.Element, element: etree.Element) -> None:
    """``element``'s text and children in its place."""
    index = list(parent).index(element)
    if index:
        previous = parent[index - 1]
        previous.tail = (previous.tail or "") + (element.text or "")
    else:
        parent.text = (parent.text or "") + (element.text or "")
    children = list(element)
    if children:
        children[-1].tail = (children[-1].tail or "") + (element.tail or "")
    elif index:
        parent[index - 1].tail = (parent[index - 1].tail or "") + (element.tail or "")
    else:
        parent.text = (parent.text or "") + (element.tail or "")
    parent.remove(element)
    for offset, child in enumerate(children):
        parent.insert(index + offset, child)


class TildeExtension(Extension):
    """``~~x~~`` and ``~x~`` (see the module); ``pandoc``: the document is of the pandoc family.

    Registered as pymdownx.tilde registers itself (on pymdown-extensions' delimiter processor,
    shared with pymdownx.caret's ``^``): in the pandoc family with pymdownx.tilde's
    ``subscript`` option (pandoc's rule: no white space inside, ``\\ `` a space); elsewhere a
    single-tilde pair follows GitHub's flanking rules and :class:`Pairs` decides what it is."""

    def __init__(self, pandoc: bool = False, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.pandoc = pandoc
        self.processor: DelimiterProcessor | None = None

    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 (Python-Markdown's name)
        md.registerExtension(self)
        util.escape_chars(md, ["~", " "] if self.pandoc else ["~"])
        if self.pandoc:
            delimiter = Delimiter("~", "del,sub", no_space=True, punct=False)
        else:
            delimiter = Delimiter("~", f"del,{PAIR}", no_space=False, punct=True)
            md.treeprocessors.register(Pairs(md), "report_build_tilde_pairs", 19.9)  # right after the inline patterns
        if "delimiter" in md.inlinePatterns and isinstance(md.inlinePatterns["delimiter"], DelimiterProcessor):
            self.processor = md.inlinePatterns["delimiter"]
            self.processor.add(delimiter)
        else:
            self.processor = DelimiterProcessor(delimiter, md)
            md.inlinePatterns.register(self.processor, "delimiter", 60)

    def reset(self) -> None:
        if self.processor is not None:
            self.processor.reset()


__all__ = ["PAIR", "Pairs", "TildeExtension", "is_subscript"]
