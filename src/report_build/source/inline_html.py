"""Raw HTML and autolinks in running text, recognised by the grammar GitHub reads them by.

Python-Markdown takes anything between ``<`` and ``>`` whose first character is a letter for a
tag: ``<file.txt>``, ``<path/to/dir>``, ``<Ctrl+C>``, ``</a href="x">``. The cleaner then drops
those unknown "elements", and with some names (``<path>``) the words after them too, so text
vanishes from the page. It reads an autolink only with ``http``, ``https`` or ``ftp``, so
``<irc://host/room>`` or ``<localhost:5001/x>`` went the same way.

GitHub (CommonMark, sections "Raw HTML" and "Autolinks") reads a tag only when the name is
letters, digits and hyphens and each attribute is well formed; a comment (as HTML reads one, so
an author's ``<!-- TODO -- ask -->`` stays hidden), a processing instruction, a declaration and a
CDATA section each by their own rules; an autolink with any scheme of 2-32 characters, with no
space, ``<`` or ``>`` in it; an email autolink by the HTML standard's address pattern. Anything
else is text, and is shown with its angle brackets.

Invariant: what this module does not read as markup reaches the page as the text written; an
autolink to a scheme the links do not allow (``<irc://…>``) is shown as its text, not linked
(the cleaner removes the address, :mod:`.passes.links` the empty link).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree  # noqa: N813 (the name Python-Markdown uses)

import markdown
from markdown.inlinepatterns import AutolinkInlineProcessor, AutomailInlineProcessor, HtmlInlineProcessor

# Spaces and tabs with at most one line ending, each split of them one way only (no backtracking
# that grows with the number of attributes).
_SPACE = r"[ \t]*(?:\n[ \t]*)?"
_SPACE_ONE = r"(?:[ \t]+(?:\n[ \t]*)?|\n[ \t]*)"  # the same, at least one character of it
_NAME = r"[A-Za-z][A-Za-z0-9-]*"
_VALUE = r"""(?:[^ \t\n"'=<>`]+|'[^']*'|"[^"]*")"""
_ATTRIBUTE = rf"{_SPACE_ONE}[A-Za-z_:][A-Za-z0-9_.:-]*(?:{_SPACE}={_SPACE}{_VALUE})?"
OPEN_TAG = rf"<{_NAME}(?:{_ATTRIBUTE})*{_SPACE}/?>"
CLOSING_TAG = rf"</{_NAME}{_SPACE}>"
COMMENT = r"<!-->|<!--->|<!--.*?-->"  # as HTML (and CommonMark 0.31) reads one: "--" may be inside
PROCESSING_INSTRUCTION = r"<\?.*?\?>"
DECLARATION = r"<![A-Za-z][^>]*>"
CDATA = r"<!\[CDATA\[.*?\]\]>"
RAW_HTML = f"({OPEN_TAG}|{CLOSING_TAG}|{COMMENT}|{PROCESSING_INSTRUCTION}|{DECLARATION}|{CDATA})"
# A backslash escape inside was read before (Python-Markdown's inline placeholder): the link stays a
# link, the escaped character without its backslash (CommonMark would keep the backslash).
_PLACEHOLDER = re.escape(markdown.util.INLINE_PLACEHOLDER_PREFIX) + r"\d+" + re.escape(markdown.util.ETX)
AUTOLINK = rf"<([A-Za-z][A-Za-z0-9+.-]{{1,31}}:(?:[^\x00-\x20\x7f<>]|{_PLACEHOLDER})*)>"
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
AUTOMAIL = rf"<([A-Za-z0-9.!#$%&'*+/=?^_`{{|}}~-]+@{_LABEL}(?:\.{_LABEL})*)>"


class Autolink(AutolinkInlineProcessor):
    """``<scheme:…>``; an escaped character in it (``<http://x/a\\_b>``) is shown as in the href."""

    def handleMatch(self, m: re.Match[str], data: str) -> tuple[etree.Element, int, int]:  # noqa: N802
        element, start, end = super().handleMatch(m, data)
        element.text = markdown.util.AtomicString(self.unescape(m.group(1)))
        return element, start, end


RAW_CODE = rf"<((?i:code|kbd|samp|tt))((?:{_ATTRIBUTE})*{_SPACE})>([^<]*?)</\1{_SPACE}>"
"""A code, keyboard, sample or teletype element written as raw HTML around plain text."""


class RawCode(HtmlInlineProcessor):
    """``<code>"x" -- y</code>`` (or ``<kbd>``, ``<samp>``, ``<tt>``) kept whole, its text as
    written: the typographer's quotes and dashes never reach inside, as they never reach
    inside backticks (GitHub sets no typographer's marks at all). ``<tt>``, which HTML no longer
    has, is a ``<code>``."""

    rare = "<"  # left out of a text without it (extensions.RarePatterns)

    def handleMatch(self, m: re.Match[str], data: str) -> tuple[str, int, int]:  # noqa: N802
        name = "code" if m.group(1).lower() == "tt" else m.group(1)
        raw = f"<{name}{m.group(2)}>{m.group(3)}</{name}>"
        return self.md.htmlStash.store(self.backslash_unescape(self.unescape(raw))), m.start(0), m.end(0)


def register(md: markdown.Markdown) -> None:
    """Python-Markdown's own processors on these patterns (which it compiles with ``re.DOTALL``),
    in the places of its own and pymdownx.magiclink's; raw HTML before hard line breaks, so that
    two spaces or a backslash ending a line inside a tag stay the tag's (Python-Markdown put a
    ``<br />`` there, and the tag was shown as text)."""
    md.inlinePatterns.register(Autolink(AUTOLINK, md), "autolink", 120)
    md.inlinePatterns.register(AutomailInlineProcessor(AUTOMAIL, md), "automail", 110)
    md.inlinePatterns.register(RawCode(RAW_CODE, md), "report_build_raw_code", 106)
    md.inlinePatterns.register(HtmlInlineProcessor(RAW_HTML, md), "html", 105)
