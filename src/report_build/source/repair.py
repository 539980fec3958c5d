"""Raw HTML that breaks the XHTML content model, repaired as a browser would show it.

Python-Markdown passes raw HTML through untouched. First, :func:`raw_text_as_text` shows as text
a tag that would take everything after it for its text (``<textarea>``, ``<title>``, an unclosed
``<style>``), so the rest of the chapter stays. Then, before it is cleaned (sanitize.py), the
whole converted document is read twice:

1. :class:`_Scanner` (the standard library's tokenizer) walks the tags as written and reports,
   each with a piece of source text to find its line by, what a browser would repair: text
   straight inside ``table``/``tr``/``ol``/``ul``, a block inside a ``p``, stray end tags and
   elements left unclosed;
2. tinyhtml5 (the WHATWG parsing algorithm, as browsers run it) builds the tree the browser
   would, which fixes everything but lists; :func:`_fix_lists` then gives text and elements
   straight inside a list the place a browser shows them in (before the list, or at the end of
   the item they follow; a list without items is shown as its plain content, a ``div``).

What no repair makes valid (a ``div`` inside a ``span``, an ``li`` outside any list) is left to
the ePub's structural check, which refuses it at ``file:line``.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from html.parser import HTMLParser

from tinyhtml5.parser import HTMLParser as WhatwgParser

from .. import limits
from ..html_elements import BLOCKS, VOID

Warn = Callable[[str, str], None]  # (message, text to find the line by)

# Elements whose end tag HTML lets an author leave out: never "unclosed".
OPTIONAL_END = {"p", "li", "dt", "dd", "tr", "td", "th", "thead", "tbody", "tfoot", "colgroup", "caption", "option"}
NO_TEXT = {"table", "thead", "tbody", "tfoot", "tr", "ol", "ul"}
SCOPE = {"table", "td", "th", "caption", "button", "template", "object", "marquee", "applet"}
TABLE_PARTS = {"caption", "colgroup", "col", "thead", "tbody", "tfoot", "tr", "td", "th", "script", "template"}
# GFM's "Disallowed Raw HTML": elements whose content a browser reads as text up to their end tag
# (or to the end of the page), shown as text as GitHub shows them. None has a place in a report.
TAG_FILTER = re.compile(r"<(/?(?:title|textarea|xmp|plaintext|noembed|noframes))(?=[\s/>])", re.IGNORECASE)
# The same kind of element that cleaning removes with its content (sanitize.CONTENT_REMOVED):
# kept as an element only when its end tag follows before another of its start tags.
RAW_TEXT_START = re.compile(r"<(script|style|iframe)(?=[\s/>])", re.IGNORECASE)
# Where those names are not HTML's: a comment, and SVG or MathML (an SVG's <title> is its name).
NOT_CDATA = re.compile(r"<!\[(?!CDATA\[)")  # a marked section that HTML does not have
HIDDEN = re.compile(r"<!--.*?-->|<(svg|math)\b.*?</\1\s*>", re.IGNORECASE | re.DOTALL)


def repair(html: str, warn: Warn) -> str:
    """``html`` as a browser would build it, with a warning for each repair; unchanged when valid."""
    scanner = _Scanner(warn)
    scanner.run(html)
    if not scanner.found:
        return html
    parser = WhatwgParser(namespace_html_elements=False)
    fragment = parser.parse_fragment(html, container="div")
    if limits.deepest(fragment)[0] > limits.MAX_NESTING + 1:
        return html  # too deep to lay out at all: the nesting guard refuses it, with its line
    _fix_lists(fragment, warn)
    _drop_empty_paragraphs(fragment)
    return _serialise(fragment)


def raw_text_as_text(html: str, warn: Warn) -> str:
    """``<textarea>``, ``<title>``, ``<xmp>``, ``<plaintext>``, ``<noembed>`` and ``<noframes>``
    shown as text, as GitHub shows them (not in a comment, an SVG or MathML); a ``<script>``,
    ``<style>`` or ``<iframe>`` start tag with no end tag before the next one of its name shown as
    text too, with a warning. A browser would read everything after such a tag, the rest of the
    chapter, as the element's text.

    A comment never closed would hide the rest too: its ``<!--`` is shown as text, with a warning;
    and a ``<![`` that opens no CDATA section (``<![chart](x.png)`` in an HTML block) is text.

    ``html`` is converted Markdown: a tag in it was written as raw HTML (code shows ``&lt;``)."""
    if "<![" in html:
        html = NOT_CDATA.sub("&lt;![", html)
    if "<!--" in html:
        html = _unclosed_comments_as_text(html, warn)
    hidden = [m.span() for m in HIDDEN.finditer(html)] if "<!--" in html or "<svg" in html or "<math" in html else []

    def inside(position: int) -> bool:
        return any(start < position < end for start, end in hidden)

    html = TAG_FILTER.sub(lambda m: m.group(0) if inside(m.start()) else f"&lt;{m.group(1)}", html)
    hidden = [m.span() for m in HIDDEN.finditer(html)] if hidden else []
    found = [m for m in RAW_TEXT_START.finditer(html) if not inside(m.start())]
    if not found:
        return html
    shown: list[int] = []
    for index, start in enumerate(found):
        name = start.group(1).lower()
        following = next((later.start() for later in found[index + 1 :] if later.group(1).lower() == name), len(html))
        end = re.compile(rf"</{name}[\s/>]", re.IGNORECASE).search(html, start.end(), following)
        if end is None:
            warn(f"raw HTML <{name}> is never closed: it is shown as text", start.group(0))
            shown.append(start.start())
    for position in reversed(shown):
        html = f"{html[:position]}&lt;{html[position + 1 :]}"
    return html


def _unclosed_comments_as_text(html: str, warn: Warn) -> str:
    """Each ``<!--`` with no ``-->`` after it shown as text, with a warning (at the first)."""
    position, shown = 0, []
    while (start := html.find("<!--", position)) >= 0:
        end = start + 2 if html.startswith(("<!-->", "<!--->"), start) else html.find("-->", start + 4)
        if end < 0:
            shown.append(start)
            position = start + 4
        else:
            position = end + 3
    if shown:
        warn("an HTML comment is never closed: it is shown as text", html[shown[0] :].split("\n", 1)[0][:40])
    for start in reversed(shown):
        html = f"{html[:start]}&lt;{html[start + 1 :]}"
    return html


class _Scanner(HTMLParser):
    """The tags as written, in a naive stack; reports what the HTML parser will have to repair."""

    def __init__(self, warn: Warn):
        super().__init__(convert_charrefs=True)
        self.warn = warn
        self.stack: list[str] = []
        self.found = False

    def run(self, html: str) -> None:
        try:
            self.feed(html)
            self.close()
        except AssertionError:  # the standard library's tokenizer on markup it cannot read
            self.found = True  # the WHATWG parser reads anything
        unclosed = [tag for tag in reversed(self.stack) if tag not in OPTIONAL_END]
        for tag in unclosed[:10]:
            self._report(f"raw HTML <{tag}> is never closed; it is closed at the end of the document", f"<{tag}")
        if len(unclosed) > 10:
            self._report(f"and {len(unclosed) - 10} more raw HTML elements are never closed", f"<{unclosed[10]}")

    def _report(self, message: str, needle: str) -> None:
        self.found = True
        self.warn(message, needle)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        written = (self.get_starttag_text() or f"<{tag}")[:60]
        if tag in BLOCKS and self._paragraph_in_scope():
            self._report(
                f"raw HTML <{tag}> inside a paragraph: the paragraph is closed before it, as browsers do", written
            )
            while self.stack.pop() != "p":
                pass
        parent = self.stack[-1] if self.stack else ""
        if parent in ("ol", "ul") and tag not in ("li", "script", "template"):
            self._report(
                f"raw HTML <{tag}> straight inside <{parent}>, not in an item: shown without a marker", written
            )
        elif parent in ("table", "thead", "tbody", "tfoot", "tr") and tag not in TABLE_PARTS:
            self._report(f"raw HTML <{tag}> straight inside <{parent}>: it is shown before the table", written)
        if tag in VOID:
            return
        if tag == "li" and self.stack and self.stack[-1] == "li":
            self.stack.pop()  # an item closes the one before it
        self.stack.append(tag)

    def _paragraph_in_scope(self) -> bool:
        """A ``p`` open with no table cell, caption or button between it and the current element."""
        for open_tag in reversed(self.stack):
            if open_tag == "p":
                return True
            if open_tag in SCOPE:
                return False
        return False

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)  # HTML has no self-closing tags: <span/> opens a span

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            return
        if tag not in self.stack:
            self._report(f"raw HTML </{tag}> closes nothing; it is left out", f"</{tag}>")
            return
        while self.stack:
            open_tag = self.stack.pop()
            if open_tag == tag:
                break
            if open_tag not in OPTIONAL_END:
                self._report(f"raw HTML <{open_tag}> is not closed before </{tag}>; it is closed there", f"<{open_tag}")

    def handle_data(self, data: str) -> None:
        if self.stack and self.stack[-1] in NO_TEXT and data.strip():
            where = self.stack[-1]
            shown = "before the table" if where not in ("ol", "ul") else "as browsers show it, without a marker"
            self._report(f"text straight inside <{where}> ('{data.strip()[:30]}') is shown {shown}", data.strip()[:40])

    def unknown_decl(self, data: str) -> None:
        pass


def _fix_lists(root: ET.Element, warn: Warn) -> None:
    """Text and non-items straight inside ``ol``/``ul`` go where a browser shows them."""
    for parent in list(root.iter()):
        for index, lst in reversed(list(enumerate(parent))):
            if lst.tag not in ("ol", "ul"):
                continue
            items = [child for child in lst if child.tag == "li"]
            stray_text = (lst.text or "").strip() or any((child.tail or "").strip() for child in lst)
            if not items:
                if stray_text or len(lst):
                    lst.tag = "div"  # no item, no marker: its content, as a browser shows it
                    for name in ("start", "reversed", "type"):
                        lst.attrib.pop(name, None)
                continue
            if not stray_text and len(items) == len(lst):
                continue
            before = ET.Element("div")
            before.text = lst.text
            lst.text = None
            previous: ET.Element | None = None
            for child in list(lst):
                if child.tag == "li":
                    if previous is None and len(before) == 0 and not (before.text or "").strip():
                        before.text = None
                    previous = child
                    _append_tail(previous, child.tail)
                    child.tail = None
                    continue
                lst.remove(child)
                if previous is None:
                    before.append(child)
                else:
                    previous.append(child)
            if (before.text or "").strip() or len(before):
                parent.insert(index, before)


def _append_tail(item: ET.Element, tail: str | None) -> None:
    """Text after ``</li>`` belongs, on screen, to the end of that item."""
    if not tail or not tail.strip():
        return
    ET.SubElement(item, "br")  # a browser shows it on a line of its own
    if len(item):
        item[-1].tail = (item[-1].tail or "") + tail
    else:
        item.text = (item.text or "") + tail


def _drop_empty_paragraphs(root: ET.Element) -> None:
    """A stray ``</p>`` makes browsers open an empty paragraph; it shows nothing, so it goes."""
    for parent in root.iter():
        for child in list(parent):
            if child.tag == "p" and not child.attrib and not len(child) and not (child.text or "").strip():
                tail = child.tail
                index = list(parent).index(child)
                parent.remove(child)
                if tail:
                    if index > 0:
                        parent[index - 1].tail = (parent[index - 1].tail or "") + tail
                    else:
                        parent.text = (parent.text or "") + tail


def _serialise(fragment: ET.Element) -> str:
    parts = [_escape(fragment.text or "")]
    parts += [ET.tostring(child, encoding="unicode", method="html") for child in fragment]
    return "".join(parts)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
