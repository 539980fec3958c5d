"""Diagrams written as text for a browser to draw: Mermaid's ```` ```mermaid ```` fences.

GitHub, GitLab, MkDocs Material, Docusaurus and Quarto draw such a fence in the reader's browser
with Mermaid's JavaScript. A build runs no JavaScript and never uses the network, and nothing
here draws Mermaid offline, so the reader gets the diagram's source, as code titled "Mermaid"
(the fence's own ``title`` when it has one), and the author a warning at the fence's line
saying how to include it as a drawing. The invariant: a diagram is never lost, and never shown
as code no one was told about.
"""

from __future__ import annotations

import re

from lxml import etree

from ...contract import CODE_TITLE
from ..tree import Context

LANGUAGES = ("mermaid",)
FENCE = re.compile(r"^[\s>]*(?:(?:[-*+]|\d{1,9}[.)])\s+)*(`{3,}|~{3,})\s*\{?\s*\.?(" + "|".join(LANGUAGES) + r")\b")


def diagrams(root: etree._Element, ctx: Context) -> None:
    """Give each Mermaid fence's code a title, and warn at its line."""
    blocks = root.xpath(
        " | ".join(f"//pre/code[contains(concat(' ', @class, ' '), ' language-{n} ')]" for n in LANGUAGES)
    )
    if not blocks:
        return
    fences = [
        number
        for number, line in enumerate(ctx.source.lines, 1)
        if number > ctx.source.body_offset and FENCE.match(line)
    ]
    for index, code in enumerate(blocks):
        pre = code.getparent()
        previous = pre.getprevious()
        if previous is None or previous.get("class") != CODE_TITLE:
            title = etree.Element("p", {"class": CODE_TITLE})
            title.text, title.tail = "Mermaid", "\n"
            pre.addprevious(title)
        ctx.warn(
            "Mermaid diagram shown as its source, as code: a build cannot draw it (Mermaid is drawn by "
            "JavaScript in a browser, and builds never use the network); draw it as an SVG (mermaid-cli: "
            "mmdc -i diagram.mmd -o diagram.svg) and include that image to show the drawing",
            fences[index] if index < len(fences) else None,
        )
