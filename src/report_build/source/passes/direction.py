"""Right-to-left documents: left-to-right runs isolated so they read as a unit."""

from __future__ import annotations

import re

from lxml import etree

URL_TEXT = re.compile(r"^(https?://|www\.|[\w.+-]+@[\w-]+\.)", re.IGNORECASE)


def isolate_left_to_right(root: etree._Element) -> None:
    """Mark code, URLs and numeric (right-aligned) cells with ``dir`` so that they read left to
    right as a unit in the PDF and in every ePub reader. Changes ``dir`` attributes only."""
    for element in root.iter("code", "pre", "kbd", "samp", "var"):
        element.set("dir", "ltr")
    for link in root.iter("a"):
        if URL_TEXT.match("".join(link.itertext()).strip()):
            link.set("dir", "ltr")
    for cell in root.iter("td", "th"):
        if "align-right" in (cell.get("class") or "").split():
            cell.set("dir", "auto")
