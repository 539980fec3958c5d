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
from markdown.util import ETX, STX

PATTERN = r"(?<![\]!\\])\[(?![\^@ ])((?:[^\[\]]|\[[^\[\]]*\])*)\]\{([^{}]+)\}"
"""``[`` text (one level of brackets inside; not a footnote call, a citation or a task box; not the
second bracket of a reference link ``[text][ref]{.x}`` nor an image) ``]{attributes}``. The text
and the attributes may run over line ends (pandoc wraps its Markdown at 72 columns); the text may
be empty: ``[]{#_Toc12 .anchor}`` is an anchor, where a Word document exported by pandoc had a
bookmark."""
ELEMENTS = {"underline": "u", "mark": "mark", "insertion": "ins", "deletion": "del"}
"""Classes that are an element of their own: Word's underlined and highlighted text, which pandoc
writes so in HTML, and the changes a Word document tracks, which ``pandoc --track-changes=all``
marks (shown as inserted and struck-out text, where a plain span gave no sign of either)."""
LANGUAGE = re.compile(r"^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$")
DIRECTIONS = frozenset({"ltr", "rtl", "auto"})
ATTRIBUTE_NAME = re.compile(r"^[A-Za-z_][\w.:-]*$")
ESCAPED = re.compile(re.escape(STX) + r"(\d+)" + re.escape(ETX))
"""A character Python-Markdown's backslash escapes stashed (a ``#`` starting a line, escaped so that
it opens no heading)."""


class SpanPattern(InlineProcessor):
    """``[text]{attributes}`` as ``<span>``; attributes that are not a passage's are dropped."""

    def handleMatch(  # noqa: N802 (Python-Markdown's name)
        self, m: re.Match[str], data: str
    ) -> tuple[etree.Element | None, int | None, int | None]:
        if " ".join(m.group(1).split()).lower() in self.md.references:
            return None, None, None  # [text]{.x} where [text]: url is defined: a link, with attributes
        attributes: dict[str, str] = {}
        classes: list[str] = []
        other = False  # an attribute of pandoc's that no passage keeps (custom-style="Strong")
        for name, value in get_attrs(" ".join(m.group(2).split())):
            if name == "." and value:
                classes.append(value)
            elif name == "id" and value:
                attributes["id"] = value
            elif name == "lang" and LANGUAGE.match(value or ""):
                attributes["lang"] = value
            elif name == "dir" and value in DIRECTIONS:
                attributes["dir"] = value
            elif name not in ("lang", "dir", ".") and value and ATTRIBUTE_NAME.match(name):
                other = True
        if not attributes and not classes and not other:
            return None, None, None  # {x}, {lang=fr!} alone: not a span, the text stays as written
        tag = next((ELEMENTS[c] for c in classes if c in ELEMENTS), "span")
        classes = [c for c in classes if c not in ELEMENTS or ELEMENTS[c] != tag]
        span = etree.Element(tag, attributes)
        if classes:
            span.set("class", " ".join(classes))
        span.text = m.group(1)  # its Markdown is read by the patterns after this one
        return span, m.start(0), m.end(0)


class InlineAttributes(AttrListTreeprocessor):
    """attr_list, its inline lists read up to their first ``}``, over line ends too: pandoc wraps
    its Markdown at 72 columns, so a Word document it exports sizes an image on two lines
    (``![](media/image1.png){width="3.2in"`` and ``height="2.1in"}``)."""

    INLINE_RE = re.compile(r"^\{\:?[ ]*([^\}\s][^\}]*)\}")

    def assign_attrs(self, elem: etree.Element, attrs_string: str, *, strict: bool = False) -> str:
        attrs_string = ESCAPED.sub(lambda m: chr(int(m.group(1))), attrs_string)  # "#id" starting a line
        return super().assign_attrs(elem, " ".join(attrs_string.split()), strict=strict)


class SpanExtension(Extension):
    """Registers :class:`SpanPattern` before citations, references and links read brackets, and
    :class:`InlineAttributes` in place of attr_list's treeprocessor (when attr_list is used)."""

    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 (Python-Markdown's name)
        md.registerExtension(self)
        md.inlinePatterns.register(SpanPattern(PATTERN, md), "report_build_span", 176)
        if "attr_list" in md.treeprocessors:
            md.treeprocessors.register(InlineAttributes(md), "attr_list", 8)
