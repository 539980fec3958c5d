"""Python-Markdown set-up and the treeprocessor that reads the document's structure.

The treeprocessor runs after ``toc`` has given every heading an id. It
- takes the title from the first ``#`` heading when the front matter has none;
- makes the shallowest remaining heading level the chapter level (``#`` in most
  manuscripts, ``##`` in documents whose only ``#`` is their title) and shifts
  the levels so that chapters are always ``h1``;
- makes every id unique, with a warning for each duplicate;
- turns an image alone in its paragraph into a ``<figure>`` whose caption is the
  image's title, and a ``Table: caption`` paragraph into the caption of the
  table that follows it;
- wraps each chapter in ``<section class="rb-chapter">``.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree  # noqa: N813 (the name Python-Markdown uses)
from dataclasses import dataclass, field
from itertools import pairwise

import markdown
from markdown.extensions import Extension
from markdown.preprocessors import Preprocessor
from markdown.treeprocessors import Treeprocessor

from ..contract import CHAPTER_SECTION
from . import fences, github, jekyll, math, spans, tildes
from .ids import Anchors, HeadingIdsExtension
from .pandoc_raw import RawExtension
from .pandoc_tables import PandocTables

HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")

TABLE_CAPTION = re.compile(r"^\s*(?:Table|:)\s*:\s*", re.IGNORECASE)
ALIGN = re.compile(r"text-align:\s*(left|right|center)")

# Typographer's punctuation as characters, never as named entities (XHTML has none).
SMARTY_SUBSTITUTIONS = {
    "left-single-quote": "\u2018",
    "right-single-quote": "\u2019",
    "left-double-quote": "\u201c",
    "right-double-quote": "\u201d",
    "left-angle-quote": "\u00ab",
    "right-angle-quote": "\u00bb",
    "mdash": "\u2014",
    "ndash": "\u2013",
    "ellipsis": "\u2026",
}


@dataclass
class FoundHeading:
    level: int  # after shifting: 1 = chapter
    id: str
    text: str
    chapter: int  # index of the chapter it belongs to


@dataclass
class Structure:
    """What the treeprocessor found, read by the parser after ``convert``."""

    title: str = ""
    chapter_level: int = 1
    headings: list[FoundHeading] = field(default_factory=list)
    duplicate_ids: list[tuple[str, str]] = field(default_factory=list)  # (id, heading text)
    has_preface: bool = False
    anchors: Anchors = field(default_factory=Anchors)  # heading-id aliases (source/ids.py)
    title_id: str = ""  # the id the title heading had, when it became the title: links to it still land
    own_level: int = 0  # the smallest heading level of this text, title left out (0: no heading)
    chapters: int = 0  # the chapters wrapped
    notes: int = 0  # the note blocks moved to the end (Python-Markdown's, one per conversion)


def heading_text(element: etree.Element) -> str:
    """The visible text of a heading, without footnote calls; a formula as its plain text."""
    parts: list[str] = []

    def walk(node: etree.Element) -> None:
        if node.tag == "sup" and str(node.get("id", "")).startswith("fnref"):
            if node.tail:
                parts.append(node.tail)
            return
        if node.get("class") in (math.INLINE, math.DISPLAY):
            parts.append(math.plain_text(node.text or "", node.get("class") == math.DISPLAY))
            if node is not element and node.tail:
                parts.append(node.tail)
            return
        if node.text:
            parts.append(node.text)
        for child in node:
            walk(child)
        if node is not element and node.tail:
            parts.append(node.tail)

    walk(element)
    return " ".join("".join(parts).split())


TRAILING_ID = re.compile(r"\s*\{#([\w:.-]+)[^{}]*\}\s*$")


def _trailing_id(caption: etree.Element) -> str:
    """The ``{#id}`` that ends a caption's text, taken out of it ("" when there is none)."""
    last = caption[-1] if len(caption) else None
    text = (last.tail if last is not None else caption.text) or ""
    found = TRAILING_ID.search(text)
    if found is None:
        return ""
    if last is not None:
        last.tail = text[: found.start()]
    else:
        caption.text = text[: found.start()]
    return found.group(1)


class StructureTreeprocessor(Treeprocessor):
    def __init__(self, md: markdown.Markdown, extension: StructureExtension):
        super().__init__(md)
        self.extension = extension

    def run(self, root: etree.Element) -> None:
        structure = Structure(anchors=self.extension.heading_ids.anchors)
        self.extension.structure = structure
        notes = [child for child in root if child.tag == "div" and child.get("class") == "footnote"]
        structure.notes = len(notes)
        for child in notes:
            root.remove(child)
        if not self.extension.getConfig("has_title"):
            first = next((child for child in root if child.tag == "h1"), None)
            if first is not None:
                structure.title = heading_text(first)
                structure.title_id = first.get("id", "")
                _remove_keep_tail(root, first)
        levels = [int(child.tag[1]) for child in root if child.tag in HEADINGS]
        structure.own_level = min(levels) if levels else 0
        structure.chapter_level = self.extension.getConfig("chapter_level") or structure.own_level or 1
        self._shift_levels(root, structure.chapter_level - 1)
        jekyll.unlisted_sections(root)  # kramdown's {: .no_toc } on a section: {.unlisted}
        self._unique_ids(root, structure)
        self._figures_and_captions(root, bool(self.extension.getConfig("pandoc")))
        self._wrap_chapters(root, structure)
        root.extend(notes)

    @staticmethod
    def _shift_levels(root: etree.Element, shift: int) -> None:
        if not shift:
            return
        for element in root.iter():
            if element.tag in HEADINGS:
                element.tag = f"h{max(1, int(element.tag[1]) - shift)}"

    @staticmethod
    def _unique_ids(root: etree.Element, structure: Structure) -> None:
        seen: set[str] = set()
        for element in root.iter():
            ident = element.get("id")
            if not ident:
                continue
            if ident in seen:
                base, counter = ident, 2
                while f"{base}-{counter}" in seen:
                    counter += 1
                element.set("id", f"{base}-{counter}")
                label = heading_text(element) if element.tag in HEADINGS else f"<{element.tag}>"
                structure.duplicate_ids.append((ident, label))
                ident = f"{base}-{counter}"
            seen.add(ident)

    @staticmethod
    def _figures_and_captions(root: etree.Element, pandoc: bool = False) -> None:
        """An image alone in its paragraph as a figure, captioned by its title; in a text of the
        pandoc family (and Quarto's ``{#fig-x}`` anywhere), by the text in its brackets, as
        pandoc's implicit figures are, its alt text then ``fig-alt`` if given. And tables with
        the caption written beside them."""
        for element in list(root.iter()):
            if element.tag in ("td", "th") and (match := ALIGN.search(element.get("style", ""))):
                element.attrib.pop("style")
                element.set("class", f"align-{match.group(1)}")
            if element.tag != "p" or (element.text or "").strip() or len(element) != 1:
                continue
            image = element[0]
            if image.tag != "img" or (image.tail or "").strip():
                continue
            element.tag = "figure"
            element.attrib.update({k: v for k, v in image.attrib.items() if k in ("id", "class")})
            image.attrib.pop("id", None)
            caption = image.attrib.pop("title", "")
            written_alt = image.attrib.pop("fig-alt", "")
            if not caption and (pandoc or (element.get("id") or "").startswith("fig-")):
                # pandoc's figure, and Quarto's: ![Caption](x.png){#fig-x fig-alt="..."}, the brackets its caption
                caption = image.get("alt", "")
                image.set("alt", written_alt or caption)
            elif written_alt:
                image.set("alt", written_alt)
            image.tail = None
            if caption:
                etree.SubElement(element, "figcaption").text = caption
        for parent in list(root.iter()):
            children = list(parent)
            for current, following in pairwise(children):
                if current.tag == "p" and following.tag == "table" and TABLE_CAPTION.match(current.text or ""):
                    caption = etree.Element("caption")
                    caption.text = TABLE_CAPTION.sub("", current.text or "", count=1)
                    caption.extend(list(current))
                    following.insert(0, caption)
                    parent.remove(current)
            # pandoc and Quarto write the caption after the table too: "Table: …" or ": …" (which
            # def_list reads as a definition without a term); "{#tbl-x}" at its end is the table's id
            for current, following in pairwise(list(parent)):
                if current.tag != "table" or current.find("caption") is not None:
                    continue
                if following.tag == "p" and TABLE_CAPTION.match(following.text or ""):
                    words = following
                    words.text = TABLE_CAPTION.sub("", words.text or "", count=1)
                elif following.tag == "dl" and [child.tag for child in following] == ["dd"]:
                    words = following[0]
                else:
                    continue
                caption = etree.Element("caption")
                caption.text, caption.tail = words.text, None
                caption.extend(list(words))
                ident = words.get("id") or _trailing_id(caption)
                if ident and not current.get("id"):
                    current.set("id", ident)
                current.insert(0, caption)
                parent.remove(following)

    @staticmethod
    def _wrap_chapters(root: etree.Element, structure: Structure) -> None:
        children = list(root)
        for child in children:
            root.remove(child)
        section: etree.Element | None = None
        chapter = -1
        for child in children:
            if child.tag == "h1" or section is None:
                if child.tag != "h1" and not _has_content(child):
                    root.append(child)  # whitespace and stash placeholders wait for a chapter
                    continue
                chapter += 1
                section = etree.SubElement(root, "section", {"class": CHAPTER_SECTION})
                if child.tag != "h1":
                    structure.has_preface = True
                for waiting in [c for c in root if c is not section and c.tag != "section"]:
                    root.remove(waiting)
                    section.append(waiting)
            section.append(child)
            structure.chapters = chapter + 1
            for element in child.iter():
                if element.tag in HEADINGS:
                    structure.headings.append(
                        FoundHeading(int(element.tag[1]), element.get("id", ""), heading_text(element), chapter)
                    )


def _has_content(element: etree.Element) -> bool:
    return bool(len(element) or (element.text or "").strip())


def _remove_keep_tail(parent: etree.Element, element: etree.Element) -> None:
    parent.remove(element)


RARE_THIRD_PARTY = {"keys": "++", "keys-custom": "++"}  # pymdownx.keys' patterns, which cannot say so themselves


class RarePatterns(Preprocessor):
    """Leaves out of one conversion the rare inline patterns its text cannot need: Python-Markdown
    tries every pattern on every piece of text, and seven rare ones made reading a fifth slower.
    A pattern says it is rare by a class attribute: ``rare = True``, needed when its own
    expression finds something in the whole text (across lines too, so never less than in a
    piece of it), or ``rare = "mark"``, needed when the text holds the mark (an expression slow
    to search a whole text); :data:`RARE_THIRD_PARTY` gives the marks of patterns of other
    packages. The output is the same either way."""

    def run(self, lines: list[str]) -> list[str]:
        text = "\n".join(lines)
        for item in list(self.md.inlinePatterns._priority):  # the registry lists its names nowhere else
            pattern = self.md.inlinePatterns[item.name]
            rare = RARE_THIRD_PARTY.get(item.name) or getattr(pattern, "rare", False)
            if isinstance(rare, str):
                needed = rare in text
            elif rare:
                needed = pattern.getCompiledRegExp().search(text) is not None
            else:
                continue
            if not needed:
                self.md.inlinePatterns.deregister(item.name)
        return lines


class StructureExtension(Extension):
    def __init__(self, **kwargs: object):
        self.config = {
            "has_title": [False, "whether the front matter gives a title"],
            "chapter_level": [0, "the level of chapter headings, found in a whole text (0: find it here)"],
            "pandoc": [False, "whether the text is of the pandoc family: a lone image's text is its caption"],
        }
        super().__init__(**kwargs)
        self.structure = Structure()
        self.heading_ids = HeadingIdsExtension()

    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 (Python-Markdown's name)
        md.registerExtension(self)
        md.treeprocessors.register(StructureTreeprocessor(md, self), "report_build_structure", 4)
        # pandoc's tables without pipes, as pipe tables: before the block structure is read (29)
        md.preprocessors.register(PandocTables(md), "report_build_pandoc_tables", 29.8)
        md.preprocessors.register(RarePatterns(md), "report_build_rare_patterns", 40)  # before any rewrite
        RawExtension(bool(self.getConfig("pandoc"))).extendMarkdown(md)  # pandoc's raw blocks, page breaks (29.9)

    def reset(self) -> None:
        self.structure = Structure()


def make_markdown(
    has_title: bool,
    extra: tuple[Extension, ...] = (),
    chapter_level: int = 0,
    warn: github.Warn | None = None,
    pandoc: bool = False,
) -> tuple[markdown.Markdown, StructureExtension]:
    """A fresh Markdown instance for one document or one chapter (:mod:`.fragments`), whose
    ``chapter_level`` the whole text decides (0: the text given decides);
    ``extra``: the extensions of the other tools' syntax the document uses (:mod:`.dialects`);
    ``warn(message, text)``: for what the block structure reads around (an HTML comment never
    closed), the text finding its line; ``pandoc``: the document is of the pandoc family
    (bookdown, Quarto, pandoc), where ``~x~`` is a subscript (:mod:`.tildes`) and a lone image's
    text its caption.

    The extensions come in groups: Python-Markdown's own, GitHub's syntax (source/github.py,
    which also reads the block structure as GitHub does), math (source/math.py), then the
    syntax of other tools; the structure treeprocessor comes last. ``custom`` lists the custom
    fences of pymdownx.superfences (code, with a title when its header gives one; ``math``)."""
    structure = StructureExtension(has_title=has_title, chapter_level=chapter_level, pandoc=pandoc)
    custom = [*fences.FENCES, math.FENCE]  # code with its title (fences.py), and formulas
    extensions: list[str | Extension] = [
        "footnotes",
        "tables",
        "attr_list",
        "md_in_html",
        structure.heading_ids,
        "toc",
        "smarty",
        "def_list",
        "abbr",
        "admonition",
        "sane_lists",
        *github.EXTENSIONS,
        tildes.TildeExtension(pandoc),  # ~~struck~~; H~2~O, and pandoc's ~x~ in its documents
        "pymdownx.caret",  # pandoc's 10^th^ (superscript only: ^^text^^ stays as written)
        github.GitHubExtension(warn),
        math.MathExtension(),
        spans.SpanExtension(),
        jekyll.BlockAttributesExtension(),  # kramdown's {: .class} lines, Just the Docs' callouts
        *extra,
    ]
    configs: dict[str, dict[str, object]] = {
        **github.CONFIGS,
        "pymdownx.superfences": {**github.CONFIGS["pymdownx.superfences"], "custom_fences": custom},
        "smarty": {"substitutions": SMARTY_SUBSTITUTIONS},
        "footnotes": {"BACKLINK_TEXT": "\u21a9\ufe0e", "SUPERSCRIPT_TEXT": "{}"},
        "toc": {"permalink": False},
        "pymdownx.caret": {"insert": False, "superscript": True},
    }
    md = markdown.Markdown(extensions=[*extensions, structure], extension_configs=configs, output_format="xhtml")
    return md, structure


def warm_up() -> None:
    """Load what the first :func:`make_markdown` loads: Python-Markdown's extensions, named in
    it and imported when an instance is made (0.04 s; a document's dialects, :mod:`.dialects`,
    are left to its first conversion). A ``watch`` calls this after a first build whose
    chapters all came from the cache, so that its first edit is read as fast as the next."""
    make_markdown(has_title=False)
