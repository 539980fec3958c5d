"""The whole written ePub checked in process: the package document (OPF), the NCX, the
navigation document and every XHTML page, with the rules EPUBCheck applies to each file type.

:mod:`.xhtml_check` checks the content pages before packaging; ebooklib then writes the OPF and
the NCX. :func:`check_written` reads the finished zip back and checks every file, so that an id
EPUBCheck would refuse (an NCX id holding U+FE0F, from a heading "❤️") stops the build instead
of giving an invalid ePub with exit 0:

- OPF: the unique identifier, title, language and one ``dcterms:modified`` in its form; ids that
  are XML names, each used once; every ``refines`` pointing at an id; manifest items with id, href
  and media type, each file present and named once, one ``nav`` item, at most one cover image;
  spine entries naming manifest items once each, the ``toc`` naming the NCX; guide hrefs that
  resolve; every file of the zip in the manifest;
- NCX: its root and version, ``dtb:uid`` equal to the OPF's identifier, ids that are XML names
  used once, each ``navPoint`` with a label and a ``content`` that resolves, ``playOrder`` a
  positive number, the same number for the same target and different ones for different targets;
- navigation document: an XHTML page like the others, plus exactly one ``toc`` nav, at most one
  ``page-list`` and one ``landmarks``; each item a link or a heading span with text; landmarks
  with an ``epub:type``, no two alike; the contents in reading order.

The faults are :class:`.xhtml_check.Fault`; ``writer.py`` refuses them as internal errors.
"""

from __future__ import annotations

import io
import posixpath
import re
import unicodedata
import zipfile
from urllib.parse import unquote, urldefrag

from lxml import etree

from .xhtml_check import EXTERNAL, Fault, check_package, parse

OPF_NS = "http://www.idpf.org/2007/opf"
DC_NS = "http://purl.org/dc/elements/1.1/"
NCX_NS = "http://www.daisy.org/z3986/2005/ncx/"
XHTML_NS = "http://www.w3.org/1999/xhtml"
OPS_NS = "http://www.idpf.org/2007/ops"
CONTAINER_NS = "urn:oasis:names:tc:opendocument:xmlns:container"
EPUB_TYPE = f"{{{OPS_NS}}}type"
MODIFIED = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")
NAME_ASCII = re.compile(r"^[A-Za-z_][A-Za-z0-9._-]*$")
NAME_START = {"Ll", "Lu", "Lo", "Lt", "Nl"}
NAME_MORE = NAME_START | {"Mc", "Me", "Mn", "Lm", "Nd"}


def is_xml_name(ident: str) -> bool:
    """Whether ``ident`` is an XML name without colons (``xsd:ID``) as EPUBCheck's schema
    validator reads it: the XML 1.0 second edition rules (Appendix B), which allow no character
    outside the Basic Multilingual Plane, none from the compatibility area (U+F900 to U+FFFE,
    where the emoji variation selector U+FE0F is) and none with a compatibility decomposition,
    and only letters (then also marks and digits) besides ``_``, ``-``, ``.`` and ``·``."""
    if NAME_ASCII.match(ident):
        return True
    if not ident:
        return False
    for index, char in enumerate(ident):
        if char.isascii():
            if not (char.isalpha() or char == "_" or (index and (char.isdigit() or char in "-."))):
                return False
            continue
        code = ord(char)
        if code > 0xFFFF or 0xF900 <= code <= 0xFFFE or unicodedata.decomposition(char).startswith("<"):
            return False
        if char == "\u00b7" and index:
            continue
        if unicodedata.category(char) not in (NAME_MORE if index else NAME_START):
            return False
    return True


def check_written(data: bytes) -> list[Fault]:
    """Every file of a written ePub: OPF, NCX, navigation document and XHTML pages."""
    try:
        package = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        return [Fault("", None, f"the ePub is not a readable zip: {exc}")]
    with package:
        members = {name: package.read(name) for name in package.namelist() if not name.endswith("/")}
    opf_path = _rootfile(members)
    if opf_path is None:
        return [Fault("META-INF/container.xml", None, "names no package document (OPF) the zip holds")]
    folder = posixpath.dirname(opf_path)
    inside = {
        posixpath.relpath(name, folder) if folder else name: content
        for name, content in members.items()
        if name != "mimetype" and not name.startswith("META-INF/") and name != opf_path
    }
    opf_name = posixpath.basename(opf_path)
    root, faults = parse(members[opf_path], opf_name)
    if root is None:
        return faults
    package_facts = _package(root, opf_name, inside, faults)
    xhtml = {name: content for name, content in inside.items() if package_facts.types.get(name) == XHTML}
    faults += check_package(xhtml, set(inside))
    if package_facts.ncx is not None:
        faults += check_ncx(inside[package_facts.ncx], package_facts.ncx, package_facts.identifier, inside)
    if package_facts.nav is not None:
        faults += check_nav(inside[package_facts.nav], package_facts.nav, package_facts.spine)
    return faults


XHTML = "application/xhtml+xml"
NCX_TYPE = "application/x-dtbncx+xml"


class _Facts:
    """What the OPF says that the other files' checks need."""

    def __init__(self) -> None:
        self.identifier = ""
        self.types: dict[str, str] = {}  # href -> media type
        self.ncx: str | None = None
        self.nav: str | None = None
        self.spine: list[str] = []  # hrefs in reading order


def _rootfile(members: dict[str, bytes]) -> str | None:
    container = members.get("META-INF/container.xml")
    if container is None:
        return None
    root, _ = parse(container, "META-INF/container.xml")
    if root is None:
        return None
    for rootfile in root.iter(f"{{{CONTAINER_NS}}}rootfile"):
        path = rootfile.get("full-path", "")
        if path in members:
            return path
    return None


def check_opf(data: bytes, file: str, files: dict[str, bytes]) -> list[Fault]:
    """The package document alone, ``files`` being the other files beside it (by href)."""
    root, faults = parse(data, file)
    if root is not None:
        _package(root, file, files, faults)
    return faults


def _package(root: etree._Element, file: str, files: dict[str, bytes], faults: list[Fault]) -> _Facts:
    facts = _Facts()

    def fault(element: etree._Element | None, message: str) -> None:
        faults.append(Fault(file, element.sourceline if element is not None else None, message))

    if root.tag != f"{{{OPF_NS}}}package":
        fault(root, f"the root element is <{etree.QName(root).localname}>, not the OPF <package>")
        return facts
    if root.get("version") != "3.0":
        fault(root, f"package version is '{root.get('version')}', not 3.0")
    ids = _ids(root, file, faults)
    metadata = root.find(f"{{{OPF_NS}}}metadata")
    manifest = root.find(f"{{{OPF_NS}}}manifest")
    spine = root.find(f"{{{OPF_NS}}}spine")
    for name, element in (("metadata", metadata), ("manifest", manifest), ("spine", spine)):
        if element is None:
            fault(root, f"the package has no <{name}>")
    if metadata is None or manifest is None or spine is None:
        return facts
    unique = root.get("unique-identifier", "")
    identifier = ids.get(unique)
    if identifier is None or identifier.tag != f"{{{DC_NS}}}identifier":
        fault(root, f"unique-identifier '{unique}' names no <dc:identifier>")
    else:
        facts.identifier = (identifier.text or "").strip()
        if not facts.identifier:
            fault(identifier, "the unique identifier is empty")
    for name in ("title", "language"):
        values = metadata.findall(f"{{{DC_NS}}}{name}")
        if not values or not any((v.text or "").strip() for v in values):
            fault(metadata, f"<dc:{name}> is missing or empty")
    modified = [m for m in metadata.iter(f"{{{OPF_NS}}}meta") if m.get("property") == "dcterms:modified"]
    if len(modified) != 1:
        fault(metadata, f"{len(modified)} dcterms:modified properties: there must be exactly one")
    elif not MODIFIED.match((modified[0].text or "").strip()):
        fault(modified[0], f"dcterms:modified '{modified[0].text}' is not in the form CCYY-MM-DDThh:mm:ssZ")
    for element in metadata.iter():
        refines = element.get("refines")
        if refines is not None and refines.removeprefix("#") not in ids:
            fault(element, f"refines '{refines}' names no element of the package")
    items: dict[str, etree._Element] = {}
    seen_hrefs: set[str] = set()
    for item in manifest.iter(f"{{{OPF_NS}}}item"):
        ident, href, media_type = item.get("id"), item.get("href"), item.get("media-type")
        if not ident or not href or not media_type:
            fault(item, "a manifest item lacks its id, href or media-type")
            continue
        items[ident] = item
        name = unquote(href)
        if name in seen_hrefs:
            fault(item, f"manifest names '{href}' twice")
        seen_hrefs.add(name)
        if EXTERNAL.match(href):
            continue
        if name not in files:
            fault(item, f"manifest item '{href}' is not in the package")
        facts.types[name] = media_type
        properties = (item.get("properties") or "").split()
        if "nav" in properties:
            if facts.nav is not None:
                fault(item, "more than one manifest item is the navigation document ('nav')")
            facts.nav = name
    if facts.nav is None:
        fault(manifest, "no manifest item is the navigation document (properties='nav')")
    covers = [i for i in items.values() if "cover-image" in (i.get("properties") or "").split()]
    if len(covers) > 1:
        fault(covers[1], "more than one manifest item is the cover image")
    for name in files:
        if name not in facts.types:
            fault(manifest, f"'{name}' is in the zip but not in the manifest")
    toc = spine.get("toc")
    if toc is not None:
        target = items.get(toc)
        if target is None or target.get("media-type") != NCX_TYPE:
            fault(spine, f"spine toc '{toc}' names no NCX of the manifest")
        else:
            facts.ncx = unquote(target.get("href", ""))
    used: set[str] = set()
    for itemref in spine.iter(f"{{{OPF_NS}}}itemref"):
        idref = itemref.get("idref", "")
        if idref not in items:
            fault(itemref, f"spine itemref '{idref}' names no manifest item")
            continue
        if idref in used:
            fault(itemref, f"spine names manifest item '{idref}' twice")
        used.add(idref)
        facts.spine.append(unquote(items[idref].get("href", "")))
    if not facts.spine:
        fault(spine, "the spine is empty")
    guide = root.find(f"{{{OPF_NS}}}guide")
    for reference in guide.iter(f"{{{OPF_NS}}}reference") if guide is not None else ():
        href = urldefrag(reference.get("href", ""))[0]
        if unquote(href) not in facts.types:
            fault(reference, f"guide reference '{reference.get('href')}' is not a manifest item")
    return facts


def _ids(root: etree._Element, file: str, faults: list[Fault]) -> dict[str, etree._Element]:
    """Every id of an XML file (OPF, NCX) by value; a fault for each that is not an XML name or
    that is used twice."""
    found: dict[str, etree._Element] = {}
    for element in root.iter():
        ident = element.get("id") if isinstance(element.tag, str) else None
        if ident is None:
            continue
        if not is_xml_name(ident):
            faults.append(Fault(file, element.sourceline, f"id '{ident}' is not an XML name (EPUBCheck RSC-005)"))
        elif ident in found:
            faults.append(Fault(file, element.sourceline, f"id '{ident}' is used twice"))
        found.setdefault(ident, element)
    return found


def check_ncx(data: bytes, file: str, identifier: str, files: dict[str, bytes]) -> list[Fault]:
    """The NCX (``file``, by its href in the package), against the OPF's ``identifier`` and the
    package's ``files`` (href -> bytes)."""
    root, faults = parse(data, file)
    if root is None:
        return faults

    def fault(element: etree._Element, message: str) -> None:
        faults.append(Fault(file, element.sourceline, message))

    if root.tag != f"{{{NCX_NS}}}ncx":
        fault(root, f"the root element is <{etree.QName(root).localname}>, not the NCX <ncx>")
        return faults
    if root.get("version") != "2005-1":
        fault(root, f"NCX version is '{root.get('version')}', not 2005-1")
    _ids(root, file, faults)
    uid = [m.get("content", "") for m in root.iter(f"{{{NCX_NS}}}meta") if m.get("name") == "dtb:uid"]
    if not uid or uid[0].strip() != identifier:
        fault(root, f"dtb:uid {uid[0].strip() if uid else 'is missing'}: not the package's identifier '{identifier}'")
    nav_map = root.find(f"{{{NCX_NS}}}navMap")
    if nav_map is None or nav_map.find(f"{{{NCX_NS}}}navPoint") is None:
        fault(root, "the NCX has no navMap with a navPoint")
        return faults
    order_of: dict[str, str] = {}  # target -> playOrder
    target_of: dict[str, str] = {}  # playOrder -> target
    anchors = _anchors(files)
    folder = posixpath.dirname(file)
    for point in root.iter(f"{{{NCX_NS}}}navPoint", f"{{{NCX_NS}}}pageTarget", f"{{{NCX_NS}}}navTarget"):
        label = point.find(f"{{{NCX_NS}}}navLabel/{{{NCX_NS}}}text")
        if label is None or not (label.text or "").strip():
            fault(point, f"{etree.QName(point).localname} '{point.get('id')}' has no label text")
        content = point.find(f"{{{NCX_NS}}}content")
        src = content.get("src", "") if content is not None else ""
        if not src:
            fault(point, f"{etree.QName(point).localname} '{point.get('id')}' has no content src")
            continue
        path, fragment = urldefrag(src)
        target = posixpath.normpath(posixpath.join(folder, unquote(path)))
        if target not in files:
            fault(content, f"content src '{src}': the package has no file '{target}'")
        elif fragment and unquote(fragment) not in anchors.get(target, set()):
            fault(content, f"content src '{src}': {target} has no id '{unquote(fragment)}'")
        order = point.get("playOrder")
        if order is None:
            continue
        if not order.isdigit() or int(order) < 1:
            fault(point, f"playOrder '{order}' is not a positive whole number")
            continue
        resolved = f"{target}#{unquote(fragment)}" if fragment else target
        if order_of.setdefault(resolved, order) != order:
            fault(point, f"two playOrder values ({order_of[resolved]} and {order}) for the same target '{src}'")
        if target_of.setdefault(order, resolved) != resolved:
            fault(point, f"playOrder {order} is given to two targets ('{target_of[order]}' and '{resolved}')")
    return faults


def _anchors(files: dict[str, bytes]) -> dict[str, set[str]]:
    """The ids of every XHTML file of the package."""
    found = {}
    for name, data in files.items():
        if name.endswith((".xhtml", ".html", ".htm")):
            root, _ = parse(data, name)
            found[name] = set(root.xpath("//@id")) if root is not None else set()
    return found


def check_nav(data: bytes, file: str, spine: list[str]) -> list[Fault]:
    """The rules EPUBCheck applies to the navigation document beyond those of any XHTML page;
    ``spine``: the pages' hrefs in reading order."""
    root, faults = parse(data, file)
    if root is None:
        return faults

    def fault(element: etree._Element, message: str) -> None:
        faults.append(Fault(file, element.sourceline, message))

    navs = list(root.iter(f"{{{XHTML_NS}}}nav"))
    kinds = [(nav.get(EPUB_TYPE) or "").split() for nav in navs]
    for kind in ("toc", "page-list", "landmarks"):
        count = sum(kind in found for found in kinds)
        if kind == "toc" and count != 1:
            fault(root, f"{count} nav elements of epub:type 'toc': there must be exactly one")
        elif count > 1:
            fault(root, f"{count} nav elements of epub:type '{kind}': there may be one at most")
    for nav, kind in zip(navs, kinds, strict=True):
        if not {"toc", "page-list", "landmarks"} & set(kind):
            continue
        lists = [child for child in nav if isinstance(child.tag, str) and etree.QName(child).localname == "ol"]
        if len(lists) != 1:
            fault(nav, f"the '{' '.join(kind)}' nav must hold one <ol>, after an optional heading")
        for item in nav.iter(f"{{{XHTML_NS}}}li"):
            children = [c for c in item if isinstance(c.tag, str)]
            first = etree.QName(children[0]).localname if children else ""
            if first not in ("a", "span"):
                fault(item, "a nav list item must start with a link (<a>) or a heading (<span>)")
            elif first == "span" and (len(children) < 2 or etree.QName(children[1]).localname != "ol"):
                fault(item, "a nav item's <span> heading must be followed by a list")
            if children and not " ".join("".join(children[0].itertext()).split()):
                fault(children[0], f"a nav {first or 'item'} has no text")
        if "landmarks" in kind:
            seen: set[tuple[str, str]] = set()
            for link in nav.iter(f"{{{XHTML_NS}}}a"):
                pair = (link.get(EPUB_TYPE) or "", link.get("href", ""))
                if not pair[0]:
                    fault(link, f"landmark '{pair[1]}' has no epub:type")
                elif pair in seen:
                    fault(link, f"two landmarks of type '{pair[0]}' lead to '{pair[1]}'")
                seen.add(pair)
        if "toc" in kind:
            faults += _reading_order(nav, file, spine)
    return faults


def _reading_order(nav: etree._Element, file: str, spine: list[str]) -> list[Fault]:
    """The contents list the pages in the spine's order (EPUBCheck NAV-011)."""
    faults: list[Fault] = []
    last = -1
    for link in nav.iter(f"{{{XHTML_NS}}}a"):
        target = unquote(urldefrag(link.get("href", ""))[0])
        if target not in spine:
            faults.append(Fault(file, link.sourceline, f"contents entry '{link.get('href')}' is not in the spine"))
            continue
        position = spine.index(target)
        if position < last:
            faults.append(
                Fault(file, link.sourceline, f"contents entry '{link.get('href')}' comes before the one above it")
            )
        last = max(last, position)
    return faults
