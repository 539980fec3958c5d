"""MkDocs Material pages, read as an MkDocs site (Python-Markdown and pymdown-extensions) shows them.

- ``!!! note "Title"`` admonitions (Python-Markdown's own) and collapsible ``??? note "Title"``
  (``???+`` open), read by pymdownx.details: a callout that a site and an ePub show as
  ``<details>`` (closed, or open with ``???+``) and the PDF shows open;
- content tabs ``=== "Label"``, read by pymdownx.tabbed, anywhere, in list items too: a tab set
  whose tabs follow one another, each a passage titled by its label;
- attribute lists (``{ #id .class }``), read by Python-Markdown's ``attr_list``;
- code annotations: markers ``# (1)!`` in code (after any comment sign) followed by a numbered
  list: each marker becomes a small "(1)" in the code, and the list the annotations' notes
  (``ol.code-annotations``);
- ``<summary>Click **here**</summary>`` on one line: its Markdown is read, as a ``<details
  markdown>`` block (md_in_html, which MkDocs sites enable for it) reads it;
- ``:rocket:`` emoji shortcodes, in the text and in raw HTML's text as GitHub shows them (a
  README's ``<td>:white_check_mark: supported</td>``), never in code (:class:`_EmojiInHtml`);
- ``#!python range(3)`` in inline code, pymdownx.inlinehilite's language: the code without it;
- the generic blocks, ``/// note | Title`` … ``///`` (pymdownx.blocks): admonitions, collapsible
  blocks, tabs, HTML blocks and definitions as the older syntax's; ``/// caption`` and
  ``/// table-caption`` as the report's own numbered captions;
- ``[text][identifier]`` where no link has that identifier (mkdocstrings' links into API pages,
  which a report does not hold): the text, with a warning.

MkDocs reads lists with Python-Markdown's rule (content indented by four spaces). A list that holds
a tab, an admonition or a collapsible block is read that way, as written: GitHub's reading of the
block structure (:mod:`..block_structure`) does not touch it (:class:`ListsAsWritten`).
"""

from __future__ import annotations

import functools
import re
import xml.etree.ElementTree as etree  # noqa: N813 (the name Python-Markdown uses)
from collections.abc import Callable, Sequence
from pathlib import Path

import markdown
from markdown.extensions import Extension
from markdown.inlinepatterns import InlineProcessor
from markdown.postprocessors import Postprocessor
from markdown.preprocessors import Preprocessor
from markdown.treeprocessors import Treeprocessor
from pymdownx import emoji

from ...contract import CALLOUT_COLLAPSIBLE, PASSAGE, PASSAGE_TITLE, TAB_SET
from ..block_structure import SET_ASIDE
from .common import FileContext, Numbered, annotate_code, code_lines, summary_read_as_markdown

MARKER = re.compile(r"^ {0,3}([-*+]|\d{1,9}[.)])( +|$)")
BLOCK_OPENER = re.compile(r"^\s+(={3}[+!]*\s+\"|\?{3}\+?\s|!{3}\s)")
FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
STASHED = SET_ASIDE + "{}\ue031"  # a list set aside (SET_ASIDE: the block structure knows it)
STASHED_LINE = re.compile(f"^{SET_ASIDE}(\\d+)\ue031$")
ANNOTATION = re.compile(
    r"(?P<space>[ \t]*)(?:#|//|--|%|;|/\*|&lt;!--)[ \t]*\((?P<number>\d+)\)!(?:[ \t]*(?:\*/|--&gt;))?"
)
INLINE_LANGUAGE = re.compile(r"^#![\w#.+-]+\s+(?=\S)")
"""pymdownx.inlinehilite's language before inline code (```#!python range(3)```): the site
highlights the code in it; the language is not shown. (Its other form, ```:::python x```, is
what a page about Docusaurus or Quarto writes to show their syntax: it stays as written.)"""
AUTOREF = re.compile(r"(?<![\w\]\\!])\[([^\[\]\n]+)\]\[([A-Za-z_][\w.:-]*)?\]")


API_REFERENCE = re.compile(r"^:::[ \t]+([A-Za-z_][\w]*(?:\.[A-Za-z_]\w*)+)[ \t]*$")
"""mkdocstrings' ``::: package.module.Class``: the API reference a site generates from the code."""


def lines(numbered: Numbered, context: FileContext) -> Numbered:
    """The file's lines with a ``<summary>`` written on one line read as Markdown, outside code;
    mkdocstrings' API references (``::: package.module``, with the options indented under it)
    left out, with a warning: only the site, which imports the code, can write them."""
    summaries = any("<summary" in line.lower() for line, _number in numbered)
    references = any(line.startswith(":::") and API_REFERENCE.match(line) for line, _number in numbered)
    if not summaries and not references:
        return numbered
    code = code_lines(numbered)
    out: Numbered = []
    skipping = False  # the indented options of an API reference
    for index, (line, number) in enumerate(numbered):
        if skipping and (not line.strip() or line[:1] in " \t"):
            out.append(("", number))
            continue
        skipping = False
        if index not in code and references and (found := API_REFERENCE.match(line)) is not None:
            context.warn(
                f"mkdocstrings API reference '::: {found.group(1)}' left out: only the site can write it", number
            )
            out.append(("", number))
            skipping = True
            continue
        out.append((line if index in code or not summaries else summary_read_as_markdown(line), number))
    return out


class ListsAsWritten(Preprocessor):
    """Sets aside each top-level list that holds an MkDocs block (a tab, an admonition, a
    collapsible block) before GitHub's list reading, and puts it back, as written, after it."""

    def __init__(self, md: markdown.Markdown, store: list[list[str]]):
        super().__init__(md)
        self.store = store

    def run(self, lines: list[str]) -> list[str]:
        out: list[str] = []
        index = 0
        fence: str | None = None
        while index < len(lines):
            line = lines[index]
            opened = FENCE.match(line)
            if fence is not None or opened:
                if fence is None:
                    fence = opened.group(1)[0]
                elif opened and opened.group(1)[0] == fence:
                    fence = None
                out.append(line)
                index += 1
                continue
            if MARKER.match(line):
                end = _list_end(lines, index)
                region = lines[index:end]
                if any(BLOCK_OPENER.match(item) for item in region):
                    self.store.append(region)
                    out.append(STASHED.format(len(self.store) - 1))
                    index = end
                    continue
            out.append(line)
            index += 1
        return out


class ListsRestored(Preprocessor):
    def __init__(self, md: markdown.Markdown, store: list[list[str]]):
        super().__init__(md)
        self.store = store

    def run(self, lines: list[str]) -> list[str]:
        out: list[str] = []
        for line in lines:
            match = STASHED_LINE.match(line)
            out.extend(self.store[int(match.group(1))] if match else [line])
        return out


def _list_end(lines: list[str], start: int) -> int:
    """The index after the list that starts at ``start`` (its trailing blank lines left out)."""
    index, last = start + 1, start
    while index < len(lines):
        line = lines[index]
        if line.strip():
            if not (line.startswith((" ", "\t")) or MARKER.match(line) or lines[index - 1].strip()):
                break
            last = index
        index += 1
    return last + 1


class Blocks(Treeprocessor):
    """Content tabs as a tab set of titled passages, collapsible blocks as callouts, code
    annotations as numbered notes."""

    def run(self, root: etree.Element) -> None:
        for parent in list(root.iter()):
            for position, child in enumerate(list(parent)):
                classes = (child.get("class") or "").split()
                if child.tag == "code" and parent.tag != "pre" and child.text and child.text[:2] == "#!":
                    child.text = INLINE_LANGUAGE.sub("", child.text, count=1)
                elif child.tag == "div" and "tabbed-set" in classes:
                    _tab_set(child)
                elif child.tag == "details":
                    _collapsible(child)
                elif child.tag == "figure":
                    _captioned(parent, child)
                elif child.tag == "ol" and position:
                    self._annotations(parent[position - 1], child)

    def _annotations(self, previous: etree.Element, notes: etree.Element) -> None:
        annotate_code(self.md, previous, notes, ANNOTATION)


def _tab_set(element: etree.Element) -> None:
    classes = [(part, part.get("class") or "") for part in element]
    if any("tabbed-labels" in names for _part, names in classes):  # the alternate style
        labels = [label for part, names in classes if "tabbed-labels" in names for label in part]
        contents = [block for part, names in classes if "tabbed-content" in names for block in part]
    else:  # the classic style: input, label, content, in turn
        labels = [part for part in element if part.tag == "label"]
        contents = [part for part, names in classes if "tabbed-content" in names]
    tail = element.tail
    element.clear()
    element.tail = tail
    element.set("class", TAB_SET)
    for label, content in zip(labels, contents, strict=False):
        passage = etree.SubElement(element, "div", {"class": f"{PASSAGE} tab"})
        title = etree.SubElement(passage, "p", {"class": PASSAGE_TITLE})
        title.text = label.text
        title.extend(list(label))
        title.tail = content.text
        passage.extend(list(content))


def _captioned(parent: etree.Element, figure: etree.Element) -> None:
    """A ``/// caption`` block's figure as the report captions: the caption's one paragraph as
    its text; a table with its caption in the table (which the report numbers), the figure gone."""
    caption = figure.find("figcaption")
    if caption is None:
        return
    if len(caption) == 1 and caption[0].tag == "p" and not (caption.text or "").strip():
        paragraph = caption[0]
        caption.text = paragraph.text
        caption.remove(paragraph)
        caption.extend(list(paragraph))
    held = [child for child in figure if child is not caption]
    if len(held) != 1 or held[0].tag != "table":
        return
    table = held[0]
    caption.tag = "caption"
    caption.tail = None
    table.insert(0, caption)
    if figure.get("id") and not table.get("id"):
        table.set("id", figure.get("id"))
    table.tail = figure.tail
    position = list(parent).index(figure)
    parent.remove(figure)
    parent.insert(position, table)


def _collapsible(element: etree.Element) -> None:
    summary = element.find("summary")
    kind = next(iter((element.get("class") or "note").split()), "note")
    opened = element.get("open") is not None
    element.tag = "div"
    element.attrib.clear()
    element.set("class", f"admonition {kind} {CALLOUT_COLLAPSIBLE}" + (" open" if opened else ""))
    if summary is not None:
        summary.tag = "p"
        summary.attrib.clear()
        summary.set("class", "admonition-title")


class _Autoref(InlineProcessor):
    """``[text][identifier]`` with no such link: the text (mkdocstrings links into API pages)."""

    def __init__(self, warn: Callable[[str, str], None], md: markdown.Markdown):
        super().__init__(AUTOREF.pattern, md)
        self.warn = warn

    def handleMatch(self, m: re.Match[str], data: str):  # noqa: N802 (Python-Markdown's name)
        identifier = m.group(2) or ""
        if (identifier or m.group(1)).lower() in self.md.references:
            return None, None, None
        shown = self.unescape(m.group(1))
        self.warn(
            f"link [{shown}][{identifier}] names no link definition (an API page of the site?); kept as plain text",
            f"][{identifier}]" if identifier else shown,
        )
        element = etree.Element("span")
        element.text = m.group(1)
        return element, m.start(0), m.end(0)


ICON = r":((?:material|fontawesome|octicons|simple)-[a-z0-9-]+):(?:\{[^}\n]*\})?"


class _Icon(InlineProcessor):
    """An icon shortcode of MkDocs Material (``:material-check:``, ``:fontawesome-brands-github:``,
    with its ``{ .class }``): a report has no icon sets, so it goes, with a warning."""

    rare = True  # left out of a text it finds nothing in (extensions.RarePatterns)

    def __init__(self, warn: Callable[[str, str], None]):
        super().__init__(ICON)
        self.warn = warn

    def handleMatch(self, m: re.Match[str], data: str):  # noqa: N802 (Python-Markdown's name)
        self.warn(f"icon :{m.group(1)}: removed: a report has no icon set", m.group(0))
        return "", m.start(0), m.end(0)


CRITIC = r"\{(\+\+|--|~~|==)(.+?)(?:~>(.+?))?(\+\+|--|~~|==)\}"


class _Critic(InlineProcessor):
    """CriticMarkup as MkDocs shows it: ``{++added++}``, ``{--removed--}``, ``{~~old~>new~~}``,
    ``{==highlighted==}``; a mark whose ends differ is left as written."""

    rare = True  # left out of a text it finds nothing in (extensions.RarePatterns)

    def handleMatch(self, m: re.Match[str], data: str):  # noqa: N802 (Python-Markdown's name)
        opened, text, new, closed = m.group(1), m.group(2), m.group(3), m.group(4)
        if opened != closed or (new is not None) != (opened == "~~"):
            return None, None, None
        tag = {"++": "ins", "--": "del", "==": "mark", "~~": "del"}[opened]
        element = etree.Element("span")
        changed = etree.SubElement(element, tag, {"class": "critic"})
        changed.text = text
        if new is not None:
            inserted = etree.SubElement(element, "ins", {"class": "critic"})
            inserted.text = new
        return (element if new is not None else changed), m.start(0), m.end(0)


EMOJI = r"(?<![\w:]):([+\w-]+):(?![\w:])"


class _Emoji(InlineProcessor):
    """``:smile:`` (a shortcode of the emoji index MkDocs Material and GitHub use) as the emoji
    character, standing alone (not inside ``1:100:5``); an unknown one stays as written."""

    rare = True  # left out of a text it finds nothing in (extensions.RarePatterns)

    def handleMatch(self, m: re.Match[str], data: str):  # noqa: N802 (Python-Markdown's name)
        found = _emoji(m)
        return (None, None, None) if found == m.group(0) else (found, m.start(0), m.end(0))


def _emoji(m: re.Match[str]) -> str:
    """The emoji a shortcode match names, or the shortcode as written."""
    found = _emoji_index()
    entry = found["emoji"].get(found["aliases"].get(m.group(0), m.group(0)))
    return "".join(chr(int(code, 16)) for code in entry["unicode"].split("-")) if entry else m.group(0)


class _EmojiInHtml(Postprocessor):
    """Shortcodes in the text of raw HTML blocks (a table written as HTML, a centred ``<p>``),
    which Python-Markdown's inline patterns never read, as the emoji: GitHub reads them in every
    text node but inside ``code``, ``pre`` and ``tt``. Runs before the blocks are put back."""

    TAG = re.compile(r"(<!--.*?-->|<[^>]*>)", re.DOTALL)
    CODE = re.compile(r"<(/?)(code|pre|tt|script|style)\b", re.IGNORECASE)

    def run(self, text: str) -> str:
        blocks = self.md.htmlStash.rawHtmlBlocks
        for index, block in enumerate(blocks):
            if isinstance(block, str) and ":" in block:
                blocks[index] = self._text_read(block)
        return text

    def _text_read(self, block: str) -> str:
        parts = self.TAG.split(block)
        depth = 0  # inside code
        for index, part in enumerate(parts):
            if index % 2:
                if tag := self.CODE.match(part):
                    depth = max(0, depth + (-1 if tag.group(1) else 1))
            elif depth == 0 and ":" in part:
                parts[index] = re.sub(EMOJI, _emoji, part)
        return "".join(parts)


@functools.cache
def _emoji_index() -> dict:
    return emoji.twemoji({}, markdown.Markdown())


GENERIC_BLOCKS = (
    "pymdownx.blocks.admonition",
    "pymdownx.blocks.details",
    "pymdownx.blocks.tab",
    "pymdownx.blocks.caption",
    "pymdownx.blocks.html",
    "pymdownx.blocks.definition",
)
"""The generic blocks (``/// note | Title`` … ``///``): the same admonitions, collapsible blocks
and tabs as the older syntax's, captions, HTML blocks and definitions."""


class MkDocsExtension(Extension):
    """``blocks``: the text holds a ``///`` line, and pymdownx's generic blocks are read (they
    cost a reading of a hundred pages a hundredth of a second)."""

    def __init__(self, warn: Callable[[str, str], None], blocks: bool = True, **kwargs: object):
        super().__init__(**kwargs)
        self.warn = warn
        self.blocks = blocks

    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 (Python-Markdown's name)
        md.registerExtensions(
            [
                "pymdownx.details",
                "pymdownx.tabbed",
                "pymdownx.mark",  # ==marked==
                "pymdownx.keys",  # ++ctrl+alt+del++
                "pymdownx.caret",  # ^^inserted^^ (and 10^th^, as without the dialect)
                *(GENERIC_BLOCKS if self.blocks else ()),
            ],
            {
                "pymdownx.tabbed": {"alternate_style": True},
                "pymdownx.blocks.tab": {"alternate_style": True},
                "pymdownx.blocks.caption": {"auto": False},  # figures and tables are numbered by the report
                "pymdownx.caret": {"insert": True, "superscript": True},
            },
        )
        # Critic marks and emoji as inline patterns, which never reach into code (pymdownx.critic
        # reads the whole text, code included, and pymdownx.emoji took "1:100:5" for an emoji).
        md.inlinePatterns.register(_Critic(CRITIC, md), "report_build_mkdocs_critic", 186)  # before smarty's dashes
        md.inlinePatterns.register(_Icon(self.warn), "report_build_mkdocs_icon", 76)
        md.inlinePatterns.register(_Emoji(EMOJI, md), "report_build_mkdocs_emoji", 75)
        md.postprocessors.register(_EmojiInHtml(md), "report_build_mkdocs_emoji_in_html", 31)  # raw_html: 30
        store: list[list[str]] = []
        # Around GitHub's reading of the block structure (29), after whitespace (30).
        md.preprocessors.register(ListsAsWritten(md, store), "report_build_mkdocs_lists", 29.5)
        md.preprocessors.register(ListsRestored(md, store), "report_build_mkdocs_lists_restored", 28.5)
        md.treeprocessors.register(Blocks(md), "report_build_mkdocs_blocks", 15)
        md.inlinePatterns.register(_Autoref(self.warn, md), "report_build_mkdocs_autoref", 169)


def extension(path: Path, warn: Callable[[str, str], None], lines: Sequence[str] = ()) -> Extension:
    return MkDocsExtension(warn, blocks=any(line.lstrip().startswith("///") for line in lines))


__all__ = ["MkDocsExtension", "extension", "lines"]
