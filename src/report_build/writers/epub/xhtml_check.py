"""The ePub's structural check: fast, in process, no Java, run on every XHTML file before packaging.

It finds the faults that make EPUBCheck reject a package, so that a build never writes an ePub
EPUBCheck refuses and still exits 0:

- a file that is not well-formed XML, or uses an entity XML does not define (``&nbsp;``);
- an id that is empty or holds whitespace, or is used twice in one file;
- list and table content models: only ``li`` in ``ol``/``ul``, only ``dt``/``dd``/``div`` in
  ``dl``, only table parts in ``table``, ``thead``, ``tbody``, ``tfoot`` and ``tr``, no text
  straight inside any of them; ``li``, ``dt``/``dd``, ``tr``, ``td``/``th`` nowhere else;
- a block (``div``, ``p``, ``ul``, ``table`` ...) inside an element that holds phrasing only
  (``p``, a heading, ``span``, ``em`` ...);
- a link to a file or id the package does not hold, an image or stylesheet it does not hold;
- an image's ``width`` or ``height`` that is not a whole number of pixels (``6.5in``, ``50%``).

:func:`check_tree` checks one parsed tree (a whole page, or a chapter body on its own);
:func:`check_package` checks every file and the references between them. Once the package is
written, :mod:`.package_check` runs these checks again with those of the OPF, NCX and nav. Each fault carries
the element's start tag, text and ids, so that a caller can find its manuscript line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import unquote, urldefrag

from lxml import etree

from ...errors import ManuscriptError, RenderError
from ...html_elements import BLOCKS as HTML_BLOCKS
from ...model import Document
from ...source.ids import is_valid
from ...source.text import SourceMap, read_text

XHTML_NS = "http://www.w3.org/1999/xhtml"
EXTERNAL = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")
SCRIPT_SUPPORTING = {"script", "template"}
ALLOWED_CHILDREN = {
    "ol": {"li"},
    "ul": {"li"},
    "menu": {"li"},
    "dl": {"dt", "dd", "div"},
    "table": {"caption", "colgroup", "thead", "tbody", "tfoot", "tr"},
    "thead": {"tr"},
    "tbody": {"tr"},
    "tfoot": {"tr"},
    "tr": {"td", "th"},
    "colgroup": {"col"},
}
ALLOWED_PARENTS = {
    "li": {"ol", "ul", "menu"},
    "dt": {"dl", "div"},
    "dd": {"dl", "div"},
    "tr": {"table", "thead", "tbody", "tfoot"},
    "td": {"tr"},
    "th": {"tr"},
    "thead": {"table"},
    "tbody": {"table"},
    "tfoot": {"table"},
    "caption": {"table"},
    "colgroup": {"table"},
}
PHRASING_ONLY = {
    "p",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "pre",
    "span",
    "em",
    "strong",
    "b",
    "i",
    "u",
    "s",
    "small",
    "code",
    "kbd",
    "samp",
    "var",
    "sub",
    "sup",
    "abbr",
    "cite",
    "q",
    "dfn",
    "mark",
    "time",
    "data",
    "bdi",
    "bdo",
    "label",
    "summary",
    "legend",
}

BLOCKS = HTML_BLOCKS | {"menu", "figcaption"}


@dataclass(frozen=True)
class Fault:
    """One structural fault: where (file, line of that file), what, and clues to the source."""

    file: str
    line: int | None
    message: str
    tag: str = ""  # the element's start tag as written, such as '<span id="a b">'
    text: str = ""  # the first words inside or after it
    ids: tuple[str, ...] = ()  # ids on it or around it

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.message}"


def parse(data: bytes, file: str) -> tuple[etree._Element | None, list[Fault]]:
    """Parse strictly as XML: no DTD, no entity but XML's own five; a fault when it fails."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, recover=False)
    try:
        return etree.fromstring(data, parser), []
    except etree.XMLSyntaxError as exc:
        message = exc.msg
        if "Entity" in message and "not defined" in message:
            message = f"{message}: XHTML has no named entities but &amp; &lt; &gt; &quot; &apos;"
        return None, [Fault(file, exc.lineno, f"not well-formed XHTML: {message}")]


def _local(element: etree._Element) -> str:
    tag = element.tag
    return etree.QName(tag).localname if isinstance(tag, str) and tag.startswith("{") else str(tag)


def _fault(file: str, element: etree._Element, message: str) -> Fault:
    attributes = " ".join(f'{etree.QName(k).localname}="{v}"' for k, v in element.attrib.items())
    tag = f"<{_local(element)}{' ' + attributes if attributes else ''}>"
    words = " ".join(" ".join(element.itertext()).split())[:60] or " ".join((element.tail or "").split())[:60]
    near = [element, *element.iterancestors()]
    ids = tuple(e.get("id") for e in near if e.get("id"))
    return Fault(file, element.sourceline, message, tag, words, ids)


def check_tree(root: etree._Element, file: str) -> list[Fault]:
    """Ids and content models of one tree (a page, or a chapter body wrapped in a ``div``)."""
    faults: list[Fault] = []
    seen: set[str] = set()
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        name = _local(element)
        ident = element.get("id")
        if ident is not None:
            if not is_valid(ident):
                faults.append(_fault(file, element, f"id '{ident}' is not valid: empty, or holds whitespace"))
            elif ident in seen:
                faults.append(_fault(file, element, f"id '{ident}' is used twice"))
            seen.add(ident)
        if name == "img":
            for size in ("width", "height"):
                if element.get(size) is not None and not element.get(size).isdigit():
                    faults.append(_fault(file, element, f"<img> {size} '{element.get(size)}' is not a whole number"))
        parent = element.getparent()
        parent_name = _local(parent) if parent is not None else ""
        if name in ALLOWED_PARENTS and parent is not None and parent_name not in ALLOWED_PARENTS[name]:
            faults.append(_fault(file, element, f"<{name}> is not allowed inside <{parent_name}>"))
        allowed = ALLOWED_CHILDREN.get(name)
        if allowed is not None:
            if (element.text or "").strip():
                faults.append(_fault(file, element, f"text straight inside <{name}>: '{element.text.strip()[:30]}'"))
            for child in element:
                if not isinstance(child.tag, str):
                    continue
                child_name = _local(child)
                if child_name not in allowed and child_name not in SCRIPT_SUPPORTING:
                    faults.append(_fault(file, child, f"<{child_name}> is not allowed straight inside <{name}>"))
                if (child.tail or "").strip():
                    faults.append(_fault(file, child, f"text straight inside <{name}>: '{child.tail.strip()[:30]}'"))
        if name in PHRASING_ONLY:
            for child in element:
                if isinstance(child.tag, str) and _local(child) in BLOCKS:
                    faults.append(
                        _fault(
                            file,
                            child,
                            f"<{_local(child)}> is a block; <{name}> may hold only text and inline elements",
                        )
                    )
    return faults


def check_package(files: dict[str, bytes], resources: set[str]) -> list[Fault]:
    """Every XHTML file of the package (name inside the package folder -> bytes), and every
    reference between them and to ``resources`` (images, stylesheets, fonts)."""
    faults: list[Fault] = []
    trees: dict[str, etree._Element] = {}
    for file, data in files.items():
        root, problems = parse(data, file)
        faults += problems
        if root is not None:
            trees[file] = root
            faults += check_tree(root, file)
    ids = {file: set(root.xpath("//@id")) for file, root in trees.items()}
    for file, root in trees.items():
        for element in root.iter():
            if not isinstance(element.tag, str):
                continue
            name = _local(element)
            if name == "a" and element.get("href") is not None:
                href = element.get("href").strip()
                if EXTERNAL.match(href):
                    continue
                path, fragment = urldefrag(href)
                target = unquote(path) or file
                if target not in trees:
                    faults.append(_fault(file, element, f"link to '{href}': the package has no file '{target}'"))
                elif fragment and unquote(fragment) not in ids[target]:
                    faults.append(_fault(file, element, f"link to '{href}': {target} has no id '{unquote(fragment)}'"))
            for attribute in ("src", "href") if name in ("img", "link") else ():
                value = element.get(attribute)
                if value is None or EXTERNAL.match(value):
                    continue
                if unquote(value) not in resources and unquote(value) not in trees:
                    faults.append(
                        _fault(file, element, f"<{name} {attribute}='{value}'>: the package has no such file")
                    )
    return faults


# -- for the ePub writer ----------------------------------------------------------------


def check_chapters(doc: Document) -> None:
    """Each chapter's body as the manuscript made it; the first fault is a ManuscriptError at
    the manuscript line it comes from."""
    source: SourceMap | None = None
    for chapter in doc.chapters:
        wrapped = f'<div xmlns="{XHTML_NS}">{chapter.body}</div>'.encode()
        root, faults = parse(wrapped, chapter.slug)
        if root is not None:
            faults = check_tree(root, chapter.slug)
        if faults:
            source = source or SourceMap(doc.source, read_text(doc.source))
            fault = faults[0]
            raise ManuscriptError(
                f"{fault.message}; no repair makes this valid in the ePub: rewrite it"
                + (f" (near '{fault.text}')" if fault.text else ""),
                doc.source,
                _manuscript_line(fault, source) or chapter.line,
            )


def refuse_internal(faults: list[Fault], doc: Document) -> None:
    """Faults in the finished pages, once the chapters passed: they come from report-build or
    from a layout template, never from the manuscript; say so."""
    if faults:
        first = faults[0]
        more = f" (and {len(faults) - 1} more)" if len(faults) > 1 else ""
        raise RenderError(
            f"internal error: the ePub would be invalid: {first}{more}. This comes from report-build or a "
            "layout template, not from the manuscript; no ePub was written. Please report it",
            doc.source,
        )


def _manuscript_line(fault: Fault, source: SourceMap) -> int | None:
    needles = [f'id="{ident}"' for ident in fault.ids] + [fault.tag[:40]]
    words = fault.text.split()
    needles += [" ".join(words[:4]), " ".join(words[:2]), *(w for w in words if len(w) > 3)]
    for needle in needles:
        line = source.find(needle) if needle else None
        if line is not None:
            return line
    return None
