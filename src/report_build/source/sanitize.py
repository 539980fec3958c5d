"""Raw HTML from the manuscript: report what is dangerous, then clean it with nh3."""

from __future__ import annotations

import re
from collections.abc import Callable

import lxml.html
import nh3

OBSOLETE = {"acronym", "area", "center", "map", "strike", "tt"}  # not HTML5: EPUBCheck rejects them
TAGS = (set(nh3.ALLOWED_TAGS) - OBSOLETE) | {"section", "figure", "figcaption", "dl", "dt", "dd", "abbr", "s"}
GENERIC = {"id", "class", "title", "lang", "dir", "role"}
ATTRIBUTES = {
    "*": GENERIC,
    "a": {"href", "hreflang", "name"},  # name: HTML4 anchors, made ids by ids.settle
    "img": {"src", "alt", "width", "height"},
    "td": {"colspan", "rowspan", "headers"},
    "th": {"colspan", "rowspan", "headers", "scope"},
    "col": {"span"},
    "colgroup": {"span"},
    "ol": {"start", "reversed"},
    "li": {"value"},
    "time": {"datetime"},
    "data": {"value"},
    "q": {"cite"},
    "blockquote": {"cite"},
    "ins": {"cite", "datetime"},
    "del": {"cite", "datetime"},
    "bdo": {"dir"},
}
URL_SCHEMES = {"http", "https", "mailto", "tel"}
CONTENT_REMOVED = {
    "script",
    "style",
    "template",
    "noscript",
    "iframe",
    "object",
    "embed",
    "applet",
    "frame",
    "frameset",
}
DANGEROUS_TAGS = CONTENT_REMOVED | {"form", "input", "button", "link", "meta", "base", "svg", "math", "video", "audio"}
FETCHING_STYLE = re.compile(r"url\s*\(|@import|expression\s*\(", re.IGNORECASE)

Warn = Callable[[str, str], None]  # (message, text to find the line by)


def report_dangerous(html: str, warn: Warn) -> None:
    """Warn about each construct that cleaning will remove because it could run or fetch."""
    if not re.search(r"<\s*[a-zA-Z]", html):
        return
    try:
        root = lxml.html.fragment_fromstring(html, create_parent="div")
    except (ValueError, lxml.etree.ParserError):
        return
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        tag = element.tag.lower()
        if tag == "style":
            warn("raw HTML <style> removed: styling belongs in the layouts (css/custom.css)", "<style")
        elif tag in DANGEROUS_TAGS:
            warn(f"raw HTML <{tag}> removed: a report may not run scripts, embed or fetch content", f"<{tag}")
        for name, value in element.attrib.items():
            lowered = name.lower()
            if lowered.startswith("on"):
                warn(f"raw HTML attribute {name}= removed from <{tag}>: event handlers are not allowed", f"{name}=")
            elif lowered == "style":
                reason = "it fetches or imports" if FETCHING_STYLE.search(value) else "use classes and layouts"
                warn(f"style= attribute removed from <{tag}> ({reason})", "style=")
            elif lowered in ("href", "src") and value.strip().lower().startswith(("javascript:", "vbscript:")):
                warn(f"{lowered}= with a script URL removed from <{tag}>", value.strip()[:20])


def image_sources(html: str) -> list[str]:
    """The ``src`` of every ``<img>`` in the HTML before cleaning, in document order."""
    if "<img" not in html.lower():
        return []
    try:
        root = lxml.html.fragment_fromstring(html, create_parent="div")
    except (ValueError, lxml.etree.ParserError):
        return []
    return [img.get("src") or "" for img in root.iter("img")]


def clean(html: str) -> str:
    """Keep only markup that is safe and valid in an EPUB XHTML content document."""
    return nh3.clean(
        html,
        tags=TAGS,
        clean_content_tags=CONTENT_REMOVED,
        attributes=ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel=None,
        strip_comments=True,
    )
