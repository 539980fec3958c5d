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
(``~5 km``, ``~/.config``), and code, links and addresses are never read
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


class Pairs(Treeprocessor):
    """Each single-tilde pair a ``sub`` (:func:`is_subscript`) or a ``del``."""

    def run(self, root: etree.Element) -> None:
        pairs = list(root.iter(PAIR))
        if not pairs:
            return
        parents = {child: parent for parent in root.iter() for child in parent}
        for element in pairs:  # in the order of the text, outer pairs first
            parent = parents[element]
            index = list(parent).index(element)
            before, inside, after = _before(parent, index), "".join(element.itertext()), _after(parent, index)
            if not element.text and len(element) == 1 and element[0].tag == "del" and not element[0].tail:
                # ~~~x~~~: the inner two struck through, the outer tildes as written
                element.text, element[0].tail = "~", "~"
            elif before[-1:] == "~" or after[:1] == "~" or _range(before, inside, after):
                # ~~x~ and ~x~~, runs that do not match; 10~20, a range: as written
                element.text = f"~{element.text or ''}"
                if len(element):
                    element[-1].tail = f"{element[-1].tail or ''}~"
                else:
                    element.text += "~"
            else:
                element.tag = "sub" if is_subscript(before, inside, after) else "del"
                continue
            for child in element:
                parents[child] = parent
            _unwrap(parent, element)


def _range(before: str, inside: str, after: str) -> bool:
    """Whether a tilde of a pair stands between two digits, as in a range (``2019~2020``)."""
    return (before[-1:].isdigit() and inside[:1].isdigit()) or (inside[-1:].isdigit() and after[:1].isdigit())


def _before(parent: etree.Element, index: int) -> str:
    if index == 0:
        return parent.text or ""
    previous = parent[index - 1]
    return previous.tail or "".join(previous.itertext())


def _after(parent: etree.Element, index: int) -> str:
    element = parent[index]
    if element.tail:
        return element.tail
    return "".join(parent[index + 1].itertext()) if index + 1 < len(parent) else ""


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
