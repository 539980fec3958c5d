"""Facts of HTML's content model that the parser's repair, the tree helpers and the ePub's
structural check all rely on: stated once here."""

from __future__ import annotations

VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"})
"""Elements that never have content or an end tag."""

BLOCKS = frozenset(
    {
        "address",
        "article",
        "aside",
        "blockquote",
        "details",
        "div",
        "dl",
        "fieldset",
        "figure",
        "footer",
        "form",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hr",
        "main",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "table",
        "ul",
    }
)
"""Elements that close an open paragraph in the HTML parser: flow content that is not phrasing."""
