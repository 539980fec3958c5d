"""Read a manuscript into the document model: front matter, Markdown, clean XHTML, chapters."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import quote

import lxml.html
from lxml import etree
from markdown.treeprocessors import Treeprocessor

from .. import image_data, limits
from .. import images as image_files
from ..errors import Diagnostics, ManuscriptError, ResourceError
from ..model import Chapter, Document, Figure, Footnote, Heading, Image, Metadata
from ..sandbox import IMAGE_TYPES, check_stylesheets, resolve_reference
from ..theme import Theme, default_layouts
from . import frontmatter, jekyll, sanitize
from .extensions import CHAPTER_CLASS, FoundHeading, Structure, make_markdown
from .remote import RemoteImages
from .text import SourceMap, read_text

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
UNDEFINED_CALL = re.compile(r"\[\^([^\]\s]+)\]")
DEFINITION = re.compile(r"^ {0,3}\[\^([^\]\s]+)\]:")


def load(path: Path | str, diagnostics: Diagnostics | None = None, remote: RemoteImages | None = None) -> Document:
    """Parse and validate a manuscript; raise :class:`ReportBuildError` on anything wrong.

    ``remote`` says what becomes of remote images (default: their fetched local copies)."""
    diagnostics = diagnostics or Diagnostics()
    path = Path(path)
    text = read_text(path)
    front, body, offset = frontmatter.split(text, path)
    raw, key_lines = frontmatter.parse(front, path, diagnostics)
    source = SourceMap(path, text, offset)

    def warn_at(message: str, line: int | None) -> None:
        diagnostics.warn(message, path, line)

    body_lines = jekyll.preprocess(body.split("\n"), source.code_lines, offset + 1, warn_at)
    _check_footnote_definitions(source)
    _check_source_nesting(source, body_lines, offset + 1)
    md, extension = make_markdown(has_title=bool(raw.get("title")))
    # Runs after the inline patterns, before anything that recurses over the tree (toc, prettify).
    md.treeprocessors.register(_DepthGuard(md, source), "report_build_depth", 19)
    html = md.convert("\n".join(body_lines))
    structure = extension.structure
    metadata = frontmatter.metadata(raw, key_lines, path, diagnostics, structure.title)
    theme = Theme(metadata.layouts, metadata.language)
    theme.load_all()
    check_stylesheets(theme.dirs, (path.parent.resolve(), *theme.dirs))

    found: dict[str, int] = {}

    def warn_dangerous(message: str, needle: str) -> None:
        # Each occurrence of the same construct is found after the previous one.
        line = source.find(needle, found.get(needle, 0) + 1)
        if line is not None:
            found[needle] = line
        warn_at(message, line)

    html, embedded = image_data.extract(html, path, source.find)  # data: images, decoded and checked
    _check_raw_image_sources(html, source, path)
    sanitize.report_dangerous(html, warn_dangerous)
    root = lxml.html.fragment_fromstring(sanitize.clean(html), create_parent="div")
    depth, element = limits.deepest(root)
    if depth > limits.MAX_NESTING + 1:  # + 1: the wrapping <div>
        raise ManuscriptError(limits.nesting_message(depth - 1), path, _line_of_element(element, source))
    remote = remote or RemoteImages(path, diagnostics=diagnostics)
    remote.apply(root, source, theme.strings)
    builder = _Builder(path, source, metadata, theme, diagnostics, structure, embedded)
    return builder.build(root)


def _about_image(message: str) -> str:
    return message if message.startswith(("image ", "SVG image ")) else f"image: {message}"


def _check_source_nesting(source: SourceMap, body_lines: list[str], first_line: int) -> None:
    too_deep = limits.too_deep_source(body_lines, first_line, source.code_lines)
    if too_deep is not None:
        line, depth = too_deep
        raise ManuscriptError(limits.nesting_message(depth, source=True), source.path, line)


def _line_of_element(element: object, source: SourceMap) -> int | None:
    """The source line of an element of a too-deep tree, found by the first text in or around it."""
    tag = getattr(element, "tag", None)
    if isinstance(tag, str):  # raw HTML nested too deeply: where that tag is written
        line = source.find(f"<{tag}")
        if line is not None:
            return line
    node = element
    while node is not None:
        text = " ".join("".join(node.itertext()).split()) if hasattr(node, "itertext") else ""
        for part in text.split():
            if len(part) >= 2 and "\x02" not in part and "\x03" not in part:
                line = source.find(part[:24])
                if line is not None:
                    return line
        getparent = getattr(node, "getparent", None)
        node = getparent() if getparent is not None else None
    return None


class _DepthGuard(Treeprocessor):
    """Refuses a Markdown tree nested deeper than the layout engine can take, before any
    treeprocessor that recurses over it (toc, prettify) runs out of stack."""

    def __init__(self, md: object, source: SourceMap):
        super().__init__(md)  # type: ignore[arg-type]
        self.source = source

    def run(self, root: object) -> None:
        depth, element = limits.deepest(root)
        if depth > limits.MAX_NESTING:
            line = None
            for text in (getattr(element, "text", None), getattr(element, "tail", None)):
                words = (text or "").split()
                if words and line is None:
                    line = self.source.find(words[0][:24])
            raise ManuscriptError(limits.nesting_message(depth), self.source.path, line)


def _check_raw_image_sources(html: str, source: SourceMap, path: Path) -> None:
    """An image whose source cleaning would drop (file:, ftp:, data: ...) is refused with the reason."""
    for src in sanitize.image_sources(html):
        scheme = re.match(r"^\s*([a-zA-Z][a-zA-Z0-9+.-]*):", src)
        if scheme is None or scheme.group(1).lower() in sanitize.URL_SCHEMES or len(scheme.group(1)) == 1:
            continue
        try:
            resolve_reference(src, path.parent, (path.parent.resolve(),))
        except ResourceError as exc:
            raise ManuscriptError(f"image: {exc.message}", path, source.find(src.strip()[:60])) from None


def _check_footnote_definitions(source: SourceMap) -> None:
    seen: dict[str, int] = {}
    for number, line in enumerate(source.lines, 1):
        if number <= source.body_offset or number in source.code_lines:
            continue
        match = DEFINITION.match(line)
        if match:
            label = match.group(1)
            if label in seen:
                raise ManuscriptError(
                    f"footnote [^{label}] is defined twice (first at line {seen[label]})", source.path, number
                )
            seen[label] = number


class _Builder:
    """Turns the cleaned HTML tree into chapters, footnotes and figures."""

    def __init__(
        self,
        path: Path,
        source: SourceMap,
        metadata: Metadata,
        theme: Theme,
        diagnostics: Diagnostics,
        structure: Structure,
        embedded: dict[str, image_data.Embedded] | None = None,
    ):
        self.path = path
        self.embedded = embedded or {}
        self.source = source
        self.metadata = metadata
        self.theme = theme
        self.diagnostics = diagnostics
        self.structure = structure
        self.roots = (path.parent.resolve(),)

    def fail(self, message: str, needle: str | None = None, line: int | None = None) -> ManuscriptError:
        if line is None and needle:
            line = self.source.find(needle)
        return ManuscriptError(message, self.path, line)

    def build(self, root: etree._Element) -> Document:
        for ident, label in self.structure.duplicate_ids:
            first = self.source.find("{#" + ident)
            line = self.source.find("{#" + ident, first + 1) if first else None
            self.diagnostics.warn(
                f"id '{ident}' is used twice ({label}); the second is renamed so links land on the first",
                self.path,
                line or first or self.source.find(label),
            )
        self._duplicate_heading_ids()
        self._empty(root)
        notes = self._footnotes(root)
        self._callouts(root)
        images = self._images(root)
        figures = self._figures(root)
        self._tables(root)
        self._links(root)
        if self.metadata.direction == "rtl":
            _isolate_left_to_right(root)
        chapters = self._chapters(root, notes)
        return Document(
            source=self.path.resolve(),
            metadata=self.metadata,
            chapters=tuple(chapters),
            figures=tuple(figures),
            images=tuple(images),
        )

    def _empty(self, root: etree._Element) -> None:
        """A heading with nothing in it, or a manuscript with nothing to read, is a mistake."""
        if not "".join(root.itertext()).strip() and not root.xpath("//img"):
            raise ManuscriptError("the manuscript has no text to publish", self.path, self.source.body_offset + 1)
        for heading in root.xpath("//h1 | //h2 | //h3 | //h4 | //h5 | //h6"):
            if not "".join(heading.itertext()).strip() and heading.find(".//img") is None:
                line = next((h.line for h in self.source.headings if not _letters(h.text)), None)
                raise self.fail("heading has no text: write it, or remove the '#'", line=line)

    def _duplicate_heading_ids(self) -> None:
        """Headings whose text gives the same id: Python-Markdown's toc numbers the later ones
        (``methods_1``); say so, since a link to ``#methods`` lands on the first only."""
        first_of: dict[str, tuple[str, int | None]] = {}
        for heading, line in self._heading_lines():
            first_of.setdefault(heading.id, (heading.text, line))
            match = re.match(r"^(.+)_(\d+)$", heading.id)
            if not match or match.group(1) not in first_of or self.source.find("{#" + heading.id):
                continue
            base = match.group(1)
            text, first_line = first_of[base]
            where = f" at line {first_line}" if first_line else ""
            self.diagnostics.warn(
                f"heading '{heading.text}' gives the same id '{base}' as the heading '{text}'{where}; "
                f"it becomes '{heading.id}', so links to #{base} land on the first "
                "(give one an id of its own with {#...})",
                self.path,
                line,
            )

    # -- footnotes -----------------------------------------------------------------

    def _footnotes(self, root: etree._Element) -> dict[str, tuple[Footnote, etree._Element]]:
        definitions: dict[str, etree._Element] = {}
        called_in_notes: set[str] = set()
        for block in root.xpath("div[contains(concat(' ', @class, ' '), ' footnote ')]"):
            for link in block.xpath(".//sup[starts-with(@id, 'fnref')]/a[starts-with(@href, '#fn:')]"):
                called_in_notes.add(link.get("href")[len("#fn:") :])
            for item in block.xpath(".//li[starts-with(@id, 'fn:')]"):
                for back in item.xpath(".//a[contains(@class, 'footnote-backref')]"):
                    parent, previous = back.getparent(), back.getprevious()
                    _drop(back, keep_tail=False)
                    if previous is not None and previous.tail:
                        previous.tail = previous.tail.rstrip(" \u00a0")
                    elif parent.text:
                        parent.text = parent.text.rstrip(" \u00a0")
                definitions[item.get("id")[3:]] = item
            block.getparent().remove(block)
        for text_node in root.xpath("//text()[contains(., '[^')]"):
            match = UNDEFINED_CALL.search(str(text_node))
            if match:
                label = match.group(1)
                raise self.fail(f"footnote [^{label}] is called but never defined", f"[^{label}]")

        numbers: dict[str, int] = {}
        found: dict[str, tuple[Footnote, etree._Element]] = {}
        for sup in root.xpath("//sup[starts-with(@id, 'fnref')]"):
            link = sup.find("a")
            label = (link.get("href", "") if link is not None else "")[len("#fn:") :]
            if label not in definitions:
                continue
            first = label not in numbers
            number = numbers.setdefault(label, len(numbers) + 1)
            call = etree.Element("a", {"class": "noteref", "href": f"#fn-{number}", "role": "doc-noteref"})
            call.set("id", f"fnref-{number}" if first else f"fnref-{number}-{sum(1 for _ in found)}")
            call.text = str(number)
            call.tail = sup.tail
            sup.getparent().replace(sup, call)
            if first:
                item = definitions[label]
                html = "".join(_xhtml(child) for child in item)
                inline = " ".join(_inner_xhtml(p) for p in item) if all(c.tag == "p" for c in item) else _text(item)
                note = Footnote(
                    number=number,
                    id=f"fn-{number}",
                    ref_id=f"fnref-{number}",
                    html=html,
                    inline_html=inline,
                    call_html=_xhtml(call, tail=False),
                    line=self.source.find(f"[^{label}]:"),
                )
                found[label] = (note, call)
        for label in definitions:
            if label not in numbers and label in called_in_notes:
                raise self.fail(
                    f"footnote [^{label}] is called only from inside another footnote; a note cannot have "
                    "notes of its own: call it from the text, or write it into the other note",
                    f"[^{label}]:",
                )
            if label not in numbers:
                raise self.fail(f"footnote [^{label}] is defined but never called", f"[^{label}]:")
        return found

    # -- callouts and figures ------------------------------------------------------

    def _callouts(self, root: etree._Element) -> None:
        for block in root.xpath("//div[contains(concat(' ', @class, ' '), ' admonition ')]"):
            classes = block.get("class", "").split()
            kind = next((c for c in classes if c != "admonition"), "note")
            title_html = ""
            for title in block.xpath("p[contains(@class, 'admonition-title')]"):
                title_html = _inner_xhtml(title)
                _drop(title, keep_tail=False)
            body = _inner_xhtml(block)
            rendered = self.theme.render("callout.html", kind=kind, title=title_html, body=body)
            _replace_with_markup(block, rendered)

    def _images(self, root: etree._Element) -> list[Image]:
        images: dict[Path, Image] = {}
        for img in root.iter("img"):
            src = (img.get("src") or "").strip()
            needle = src or "<img"
            line = self.source.find(src) if src else self.source.find("![")
            if not src:
                raise self.fail("image has no source (or its source was refused as unsafe)", needle, line)
            embedded = self.embedded.get(src)  # a data: image, decoded and checked already
            if embedded is not None:
                resolved, line = self.roots[0] / src, embedded.line
            else:
                resolved = self._admit_file(src, needle, line)
            relative = resolved.relative_to(self.roots[0]).as_posix()
            img.set("src", quote(relative))
            decorative = "decorative" in img.get("class", "").split() or img.get("role") == "presentation"
            if not (img.get("alt") or "").strip() and not decorative:
                raise self.fail(
                    f"image '{src}' has no alt text: describe it for readers who cannot see it "
                    "(![description](...)), or mark it decorative with {.decorative}",
                    needle,
                    line,
                )
            if decorative:
                img.set("alt", "")
            data = embedded.data if embedded is not None else None
            images.setdefault(resolved, Image(src=quote(relative), path=resolved, line=line, data=data))
        return list(images.values())

    def _admit_file(self, src: str, needle: str, line: int | None) -> Path:
        """The image file ``src`` refers to, checked: inside the manuscript folder, a type the
        outputs display, readable, not too large, an SVG safe and self-contained."""
        try:
            resolved = resolve_reference(src, self.path.parent, self.roots)
        except ResourceError as exc:
            raise self.fail(f"image: {exc.message}", needle, line) from None
        if resolved.suffix.lower() not in IMAGE_TYPES:
            raise self.fail(
                f"image '{src}' is not PNG, JPEG, GIF, WebP or SVG, which PDF and ePub readers display",
                needle,
                line,
            )
        try:
            if resolved.suffix.lower() == ".svg":
                image_files.check_svg(resolved, self.roots)
            else:
                image_files.check(resolved)
        except ResourceError as exc:
            raise self.fail(_about_image(exc.message), needle, line) from None
        return resolved

    def _figures(self, root: etree._Element) -> list[Figure]:
        figures = []
        for element in root.xpath("//figure"):
            img = element.find(".//img")
            if img is None:
                continue
            captions = element.xpath(".//figcaption")
            caption = _inner_xhtml(captions[0]) if captions else ""
            classes = (element.get("class", "") + " " + img.get("class", "")).split()
            decorative = "decorative" in classes
            number = None if decorative or not caption else sum(1 for f in figures if f.caption) + 1
            figure = Figure(
                number=number or 0,
                id=element.get("id") or (f"figure-{number}" if number else ""),
                src=img.get("src", ""),
                alt=img.get("alt", ""),
                caption=caption,
                decorative=decorative,
            )
            figures.append(figure)
            extra = [c for c in classes if c != "decorative"]
            rendered = self.theme.render(
                "figure.html", figure=figure, classes=" ".join(extra), width=img.get("width"), height=img.get("height")
            )
            _replace_with_markup(element, rendered)
        return figures

    def _tables(self, root: etree._Element) -> None:
        label = self.theme.strings.get("table", "Table")
        for table in list(root.iter("table")):
            wrap = etree.Element("div", {"class": "table-wrap"})
            if len(table.xpath(".//tr")) <= 15:  # short tables never split from their caption
                wrap.set("class", "table-wrap short")
            table.addprevious(wrap)
            wrap.tail, table.tail = table.tail, None
            wrap.append(table)
        for number, caption in enumerate(root.xpath("//table/caption"), 1):
            table = caption.getparent()
            if not table.get("id"):
                table.set("id", f"table-{number}")
            span = etree.Element("span", {"class": "table-label"})
            span.text = f"{label} {number}"
            span.tail = " " + (caption.text or "")
            caption.text = None
            caption.insert(0, span)

    # -- links ---------------------------------------------------------------------

    def _links(self, root: etree._Element) -> None:
        ids = set(root.xpath("//@id"))
        for link in root.xpath("//a[not(@class='noteref')]"):
            href = link.get("href")
            if href is None:
                continue
            href = href.strip()
            if href.startswith("#"):
                target = href[1:]
                if target not in ids:
                    line = self.source.find(f"(#{target})") or self.source.find(f'"#{target}"')
                    raise self.fail(f"link to '#{target}' goes nowhere: no heading or element has that id", line=line)
                continue
            if re.match(r"^(https?|mailto|tel):", href, re.IGNORECASE):
                continue
            text = " ".join("".join(link.itertext()).split())
            line = self.source.find(f"]({href})") if href else self.source.find(f"[{text}]()")
            if href:
                self.diagnostics.warn(
                    f"link to '{href}' points outside the report; kept as plain text", self.path, line
                )
            else:
                self.diagnostics.warn(f"link '{text}' has no target; kept as plain text", self.path, line)
            _drop(link)

    # -- chapters ------------------------------------------------------------------

    def _chapters(self, root: etree._Element, notes: dict[str, tuple[Footnote, etree._Element]]) -> list[Chapter]:
        headings = self._heading_lines()
        sections = root.xpath(f"section[@class='{CHAPTER_CLASS}']")
        note_of = {note.ref_id: note for note, _call in notes.values()}
        texts = {
            element.get("id"): " ".join("".join(element.xpath(".//text()[not(ancestor::a[@class='noteref'])]")).split())
            for element in root.xpath("//h1[@id] | //h2[@id]")
        }
        chapters = []
        number = 0
        for index, section in enumerate(sections):
            mine = [h for h in headings if h[0].chapter == index]
            first = mine[0] if mine and mine[0][0].level == 1 else None
            numbered = first is not None and not section.xpath("h1[contains(@class, 'unnumbered')]")
            if numbered:
                number += 1
            chapter_notes = tuple(note_of[a.get("id")] for a in section.iter("a") if a.get("id") in note_of)
            _close_empty(section)
            chapters.append(
                Chapter(
                    index=index,
                    id=first[0].id if first else f"part-{index + 1}",
                    title=texts.get(first[0].id, first[0].text) if first else "",
                    number=number if numbered else None,
                    body=(section.text or "") + "".join(_xhtml(child) for child in section),
                    sections=tuple(
                        Heading(h.level, h.id, texts.get(h.id, h.text), line) for h, line in mine if h.level == 2
                    ),
                    footnotes=chapter_notes,
                    line=first[1] if first else None,
                    ids=frozenset(section.xpath(".//@id")),
                )
            )
        if not chapters:
            raise ManuscriptError("the manuscript has no text to publish", self.path, self.source.body_offset + 1)
        return chapters

    def _heading_lines(self) -> list[tuple[FoundHeading, int | None]]:
        """Pair each heading the treeprocessor found with its line in the source."""
        source = list(self.source.headings)
        pairs = []
        position = 0
        for heading in self.structure.headings:
            key = _letters(heading.text)
            line = None
            for offset, candidate in enumerate(source[position:]):
                if _letters(candidate.text).startswith(key[: max(8, len(key) // 2)]):
                    line = candidate.line
                    position += offset + 1
                    break
            pairs.append((heading, line))
        return pairs


def _letters(text: str) -> str:
    text = re.sub(r"\{[:#.][^}]*\}\s*$", "", text)
    text = re.sub(r"\[\^[^\]]*\]", "", text)
    return "".join(ch for ch in text.lower() if ch.isalnum())


def _close_empty(element: etree._Element) -> None:
    """Give every empty non-void element an explicit end tag, so XHTML is also valid HTML."""
    for node in element.iter():
        if isinstance(node.tag, str) and node.tag not in VOID and node.text is None and len(node) == 0:
            node.text = ""


def _xhtml(element: etree._Element, tail: bool = True) -> str:
    _close_empty(element)
    return etree.tostring(element, method="xml", encoding="unicode", with_tail=tail)


def _inner_xhtml(element: etree._Element) -> str:
    _close_empty(element)
    text = _escape(element.text or "")
    return text + "".join(_xhtml(child) for child in element)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _text(element: etree._Element) -> str:
    return _escape(" ".join("".join(element.itertext()).split()))


def _drop(element: etree._Element, keep_tail: bool = True) -> None:
    """Remove an element but keep its text and children in place (lxml's drop_tag)."""
    if keep_tail:
        element.drop_tag()
    else:
        element.drop_tree()


def _replace_with_markup(element: etree._Element, markup: str) -> None:
    fragments = lxml.html.fragments_fromstring(markup.strip())
    parent = element.getparent()
    position = parent.index(element)
    tail = element.tail
    parent.remove(element)
    for offset, fragment in enumerate(fragments):
        if isinstance(fragment, str):
            continue
        parent.insert(position + offset, fragment)
    last = parent[position + len([f for f in fragments if not isinstance(f, str)]) - 1]
    last.tail = (last.tail or "") + (tail or "")


__all__ = ["default_layouts", "load"]


URL_TEXT = re.compile(r"^(https?://|www\.|[\w.+-]+@[\w-]+\.)", re.IGNORECASE)


def _isolate_left_to_right(root: etree._Element) -> None:
    """In a right-to-left document, mark code, URLs and numeric cells so that they read left to
    right as a unit (``dir`` isolates them, in the PDF and in every ePub reader)."""
    for element in root.iter("code", "pre", "kbd", "samp", "var"):
        element.set("dir", "ltr")
    for link in root.iter("a"):
        if URL_TEXT.match("".join(link.itertext()).strip()):
            link.set("dir", "ltr")
    for cell in root.iter("td", "th"):
        if "align-right" in (cell.get("class") or "").split():
            cell.set("dir", "auto")
