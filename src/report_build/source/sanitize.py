"""Raw HTML: report what is dangerous, then clean it with nh3. The one sanitiser.

Every HTML fragment that reaches a writer passes :func:`clean`: the manuscript's converted
Markdown (raw HTML and what Python-Markdown and pymdown-extensions made of it) in
:mod:`.parse`, and with :func:`fragment` the HTML that a library makes from a data file after
that (citeproc-py's citations and bibliography, from the bibliography's fields and the CSL
style's text). Everything else the writers show (front matter, variables, changelog, captions,
alt text) is text, escaped by the templates and by :mod:`.compose`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from html import unescape
from typing import Any

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
    "ol": {"start", "reversed", "type"},  # type: a, A, i, I or 1 only (list_numbering)
    "li": {"value"},
    "time": {"datetime"},
    "data": {"value"},
    "q": {"cite"},
    "blockquote": {"cite"},
    "ins": {"cite", "datetime"},
    "del": {"cite", "datetime"},
    "bdo": {"dir"},
    "details": {"open"},  # shown open on a site and in an ePub (the PDF shows every one open)
}
ALIGNED = ("p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "td", "th")
# The manuscript's raw HTML may also align (made a class at once by aligned_as_class).
MANUSCRIPT_ATTRIBUTES = {**ATTRIBUTES, **{tag: {*ATTRIBUTES.get(tag, set()), "align"} for tag in ALIGNED}}
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


SMALL_CAPS = re.compile(r'<span style="font-variant:\s*small-caps;?">')


def fragment(html: str, warn: Callable[[str], None] | None = None, links: bool = True) -> str:
    """HTML a library made from data (a bibliography entry, a CSL style), cleaned as raw HTML
    is, and without images (a data file cannot bring one): what could run or fetch is removed,
    with ``warn(message)`` for each removal. Without ``links``, links keep only their text (for
    a fragment that goes inside a link of its own). Small capitals, which citeproc-py writes as
    a style attribute, become the class ``smallcaps``."""
    html = SMALL_CAPS.sub('<span class="smallcaps">', html)
    if warn is not None:
        report_dangerous(html, lambda message, _needle: warn(message))
        if image_sources(html):
            warn("<img> removed: only the manuscript can show images")
    return clean(html, TAGS - ({"img"} if links else {"img", "a"}))


def plain(html: str) -> str:
    """The text of an HTML fragment, without any markup (entities decoded)."""
    return unescape(nh3.clean(html, tags=set(), clean_content_tags=CONTENT_REMOVED, strip_comments=True))


def clean(html: str, tags: set[str] = TAGS, attributes: dict[str, set[str]] = ATTRIBUTES) -> str:
    """Keep only markup that is safe and valid in an EPUB XHTML content document (with
    :data:`MANUSCRIPT_ATTRIBUTES`, also ``align``, for :func:`aligned_as_class` to turn into a class)."""
    return nh3.clean(
        html,
        tags=tags,
        clean_content_tags=CONTENT_REMOVED,
        attributes=attributes,
        url_schemes=URL_SCHEMES,
        link_rel=None,
        strip_comments=True,
    )


ALIGNMENTS = ("left", "center", "right")


def aligned_as_class(root: Any) -> None:
    """``align="center"`` (``left``, ``right``), which GitHub READMEs put on ``<p>``, ``<div>``,
    headings and cells, as the class ``align-center``: HTML5 and the ePub have no ``align``
    attribute, and the layouts style the class. Any other value is dropped."""
    for element in root.xpath("//*[@align]"):
        value = (element.attrib.pop("align") or "").strip().lower()
        if value in ALIGNMENTS:
            classes = (element.get("class") or "").split()
            element.set("class", " ".join(dict.fromkeys([*classes, f"align-{value}"])))


LIST_TYPES = frozenset({"a", "A", "i", "I"})
"""The markers ``<ol type>`` may ask for besides digits (HTML5's ``1``, the default): lower- and
upper-case letters, lower- and upper-case roman numerals (print.css shows them in the PDF)."""
WHOLE_NUMBER = re.compile(r"-?[0-9]+")


def list_numbering(root: Any) -> None:
    """An ordered list's ``type``, ``start`` and ``reversed`` (and an item's ``value``) kept only
    where HTML5 and EPUBCheck accept them: a ``type`` other than those of :data:`LIST_TYPES`
    (``disc``, ``lower-alpha``) and a ``start`` or ``value`` that is not a whole number are
    dropped, and the list is numbered as if they were not written, as browsers number it.
    ``type="1"`` is dropped too: it asks for what a list is without it, and the PDF then numbers
    it in the language's digits as any other list (WeasyPrint's presentational hint would make
    it 0-9, above print.css)."""
    for element in root.xpath("//ol[@type] | //ol[@start] | //li[@value]"):
        if element.tag == "ol" and element.get("type") is not None and element.get("type") not in LIST_TYPES:
            del element.attrib["type"]
        for name in ("start", "value"):
            value = element.get(name)
            if value is not None and not WHOLE_NUMBER.fullmatch(value.strip()):
                del element.attrib[name]
            elif value is not None and value != value.strip():
                element.set(name, value.strip())
