"""The tree the passes work on: an lxml HTML tree of the manuscript's body, and the helpers
that turn parts of it back into XHTML text for the model.

Invariant: what these helpers return is well-formed XHTML that is also valid HTML (every empty
non-void element is written with an end tag), so a fragment can go into the PDF's HTML, the
ePub's XHTML and the web pages unchanged.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import lxml.html
from lxml import etree

from ..errors import Diagnostics, ManuscriptError
from ..html_elements import VOID
from ..model import Metadata
from ..numerals import report_digits
from ..theme import Theme
from .extensions import Structure
from .file_links import ReportFile
from .text import SourceMap


@dataclass(frozen=True)
class Context:
    """What every pass may read: where the text came from, its metadata, the theme, and where
    warnings go. Passes change the tree they are given, never the context."""

    path: Path
    source: SourceMap
    metadata: Metadata
    theme: Theme
    diagnostics: Diagnostics
    structure: Structure
    site_root: Path | None = None  # --site-root: where site-absolute paths (/img/x.png) are read
    translation: Any = None  # a translated edition (source/passes/translate.py), or None
    files: tuple[ReportFile, ...] = ()  # the report's files, where links to them land (:mod:`.file_links`)

    @property
    def roots(self) -> tuple[Path, ...]:
        """Folders the manuscript may read files from (the layouts are added by the writers)."""
        return (self.path.parent.resolve(),)

    def fail(self, message: str, needle: str | None = None, line: int | None = None) -> ManuscriptError:
        """An error at ``line``, or at the first line of the source where ``needle`` is written."""
        if line is None and needle:
            line = self.source.find(needle)
        return ManuscriptError(message, self.path, line)

    def warn(self, message: str, line: int | None) -> None:
        self.diagnostics.warn(message, self.path, line)

    def digits(self, number: object) -> str:
        """A number the build writes into the text (a caption's, a note's, a statement's) in the
        digits the document's pages are numbered in (:func:`..numerals.digits`)."""
        return report_digits(number, self.metadata)


def letters(text: str) -> str:
    """A heading's letters and digits, lower case, without attribute lists or footnote calls:
    what a heading in the tree and the same heading in the source have in common."""
    text = re.sub(r"\{[:#.][^}]*\}\s*$", "", text)
    text = re.sub(r"\[\^[^\]]*\]", "", text)
    return "".join(ch for ch in text.lower() if ch.isalnum())


def close_empty(element: etree._Element) -> None:
    """Give every empty non-void element an explicit end tag, so XHTML is also valid HTML."""
    for node in element.iter():
        if isinstance(node.tag, str) and node.tag not in VOID and node.text is None and len(node) == 0:
            node.text = ""


def xhtml(element: etree._Element, tail: bool = True) -> str:
    close_empty(element)
    return etree.tostring(element, method="xml", encoding="unicode", with_tail=tail)


def inner_xhtml(element: etree._Element) -> str:
    close_empty(element)
    return escape(element.text or "") + "".join(xhtml(child) for child in element)


def escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def plain_text(element: etree._Element) -> str:
    """The element's text with white space collapsed, escaped for XHTML."""
    return escape(" ".join("".join(element.itertext()).split()))


def drop(element: etree._Element, keep_tail: bool = True) -> None:
    """Remove an element; with ``keep_tail``, keep its text and children in place (lxml's drop_tag)."""
    if keep_tail:
        element.drop_tag()
    else:
        element.drop_tree()


def replace_with_markup(element: etree._Element, markup: str) -> None:
    """Put the elements of ``markup`` (a rendered template) where ``element`` was, keeping its tail."""
    fragments = lxml.html.fragments_fromstring(markup.strip())
    parent = element.getparent()
    position = parent.index(element)
    tail = element.tail
    parent.remove(element)
    for offset, fragment in enumerate(fragments):
        if isinstance(fragment, str):
            continue
        parent.insert(position + offset, fragment)
    last = parent[position + len([f for f in fragments if not isinstance(f, str)]) - 1]
    last.tail = (last.tail or "") + (tail or "")
