"""Bracketed spans: ``[text]{lang=fr}``, ``[text]{.smallcaps}``, ``[text]{#id dir=rtl}``.

pandoc, Quarto, bookdown and MyST mark a passage inside a sentence this way: its language (so
that it is read aloud, hyphenated and set in its own direction and fonts), a class for the
layouts, an id to link to. Python-Markdown has no such syntax and printed the brackets and the
braces as text. The span keeps its text's Markdown (``[*très* bien]{lang=fr}``).

Only what a passage needs is kept: ``lang``, ``dir`` (``ltr``, ``rtl``, ``auto``), classes and
an id; any other attribute is dropped, as cleaning would drop it (:mod:`.sanitize`). A
bracket followed by anything but ``{`` is left to links, references and citations.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree  # noqa: N813 (the name Python-Markdown uses)

import markdown
from markdown.extensions import Extension
from markdown.extensions.attr_list import AttrListTreeprocessor, get_attrs
from markdown.inlinepatterns import InlineProcessor

PATTERN = r"(?<![\]!\\])\[(?![\^@ ])((?:[^\[\]\n]|\[[^\[\]\n]*\])+)\]\{([^{}\n]+)\}"
"""``[`` text (one level of brackets inside; not a footnote call, a citation or a task box; not the
second bracket of a reference link ``[text][ref]{.x}`` nor an image) ``]{attributes}``."""
LANGUAGE = re.compile(r"^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$")
DIRECTIONS = frozenset({"ltr", "rtl", "auto"})


class SpanPattern(InlineProcessor):
    """``[text]{attributes}`` as ``<span>``; attributes that are not a passage's are dropped."""

    def handleMatch(  # noqa: N802 (Python-Markdown's name)
        self, m: re.Match[str], data: str
    ) -> tuple[etree.Element | None, int | None, int | None]:
        if " ".join(m.group(1).split()).lower() in self.md.references:
            return None, None, None  # [text]{.x} where [text]: url is defined: a link, with attributes
        attributes: dict[str, str] = {}
        classes: list[str] = []
        for name, value in get_attrs(m.group(2)):
            if name == "." and value:
                classes.append(value)
            elif name == "id" and value:
                attributes["id"] = value
            elif name == "lang" and LANGUAGE.match(value or ""):
                attributes["lang"] = value
            elif name == "dir" and value in DIRECTIONS:
                attributes["dir"] = value
        if not attributes and not classes:
            return None, None, None  # {x} or {key=value} alone: not a span, the text stays as written
        span = etree.Element("span", attributes)
        if classes:
            span.set("class", " ".join(classes))
        span.text = m.group(1)  # its Markdown is read by the patterns after this one
        return span, m.start(0), m.end(0)


class InlineAttributes(AttrListTreeprocessor):
    """attr_list, its inline lists read up to their first ``}``."""

    INLINE_RE = re.compile(r"^\{\:?[ ]*([^\}\n ][^\}\n]*)\}")


class SpanExtension(Extension):
    """Registers :class:`SpanPattern` before citations, references and links read brackets, and
    :class:`InlineAttributes` in place of attr_list's treeprocessor (when attr_list is used)."""

    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 (Python-Markdown's name)
        md.registerExtension(self)
        md.inlinePatterns.register(SpanPattern(PATTERN, md), "report_build_span", 176)
        if "attr_list" in md.treeprocessors:
            md.treeprocessors.register(InlineAttributes(md), "attr_list", 8)
