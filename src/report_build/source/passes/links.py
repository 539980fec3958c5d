"""Links: internal ones must land somewhere; ones out of the report become plain text."""

from __future__ import annotations

import re

from lxml import etree

from ...contract import NOTE_CALL
from ..tree import Context, drop

EXTERNAL = re.compile(r"^(https?|mailto|tel):", re.IGNORECASE)


def links(root: etree._Element, ctx: Context) -> None:
    """Check every link but footnote calls. A ``#fragment`` must name an id in the document;
    ``http(s)``, ``mailto`` and ``tel`` links stay; any other link (a relative file, an empty
    target) is unwrapped to its text with a warning at its line."""
    ids = set(root.xpath("//@id"))
    for link in root.xpath(f"//a[not(@class='{NOTE_CALL}')]"):
        href = link.get("href")
        if href is None:
            continue
        href = href.strip()
        if href.startswith("#"):
            target = href[1:]
            if target not in ids:
                line = ctx.source.find(f"(#{target})") or ctx.source.find(f'"#{target}"')
                raise ctx.fail(f"link to '#{target}' goes nowhere: no heading or element has that id", line=line)
            continue
        if EXTERNAL.match(href):
            continue
        text = " ".join("".join(link.itertext()).split())
        line = ctx.source.find(f"]({href})") if href else ctx.source.find(f"[{text}]()")
        if href:
            ctx.warn(f"link to '{href}' points outside the report; kept as plain text", line)
        else:
            ctx.warn(f"link '{text}' has no target; kept as plain text", line)
        drop(link)
