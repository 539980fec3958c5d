"""Read a manuscript into the document model: front matter, Markdown, clean XHTML, chapters."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import quote

import lxml.html
from lxml import etree

from . import frontmatter, jekyll, sanitize
from .errors import Diagnostics, ManuscriptError, ResourceError
from .markdown_ext import CHAPTER_CLASS, FoundHeading, Structure, make_markdown
from .model import Chapter, Document, Figure, Footnote, Heading, Image, Metadata
from .resources import IMAGE_TYPES, resolve_reference
from .source import SourceMap, read_text
from .templates import Theme, default_layouts

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
UNDEFINED_CALL = re.compile(r"\[\^([^\]\s]+)\]")
DEFINITION = re.compile(r"^ {0,3}\[\^([^\]\s]+)\]:")


def load(path: Path | str, diagnostics: Diagnostics | None = None) -> Document:
    """Parse and validate a manuscript; raise :class:`ReportBuildError` on anything wrong."""
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
    md, extension = make_markdown(has_title=bool(raw.get("title")))
    html = md.convert("\n".join(body_lines))
    structure = extension.structure
    metadata = frontmatter.metadata(raw, key_lines, path, diagnostics, structure.title)
    theme = Theme(metadata.layouts)
    theme.load_all()

    sanitize.report_dangerous(html, lambda message, needle: warn_at(message, source.find(needle)))
    root = lxml.html.fragment_fromstring(sanitize.clean(html), create_parent="div")
    builder = _Builder(path, source, metadata, theme, diagnostics, structure)
    return builder.build(root)


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
    ):
        self.path = path
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
            self.diagnostics.warn(
                f"id '{ident}' is used twice ({label}); the second is renamed so links land on the first",
                self.path,
                self.source.find("{#" + ident) or self.source.find(label),
            )
        notes = self._footnotes(root)
        self._callouts(root)
        images = self._images(root)
        figures = self._figures(root)
        self._tables(root)
        self._links(root)
        chapters = self._chapters(root, notes)
        return Document(
            source=self.path.resolve(),
            metadata=self.metadata,
            chapters=tuple(chapters),
            figures=tuple(figures),
            images=tuple(images),
        )

    # -- footnotes -----------------------------------------------------------------

    def _footnotes(self, root: etree._Element) -> dict[str, tuple[Footnote, etree._Element]]:
        definitions: dict[str, etree._Element] = {}
        for block in root.xpath("div[contains(concat(' ', @class, ' '), ' footnote ')]"):
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
            images.setdefault(resolved, Image(src=quote(relative), path=resolved, line=line))
        return list(images.values())

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
