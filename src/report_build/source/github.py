"""Markdown as people write it on GitHub, on top of Python-Markdown.

pymdown-extensions brings the syntax: task lists (tasklist),
bare URLs as links (magiclink), GitHub alerts, ``> [!NOTE]`` (quotes, with callouts), which
come out as admonitions and so become the layouts' callouts, and fenced code anywhere, in list
items and block quotes too (superfences); ``~~strikethrough~~`` and ``~one~`` are read by
:mod:`.tildes`, on pymdown-extensions' delimiter processor. This module adds what they lack:

- the block structure read as GitHub reads it (:mod:`.block_structure`: lists and fences right
  after a paragraph line, lists nested by two spaces, fences inside list items, tight and loose
  lists), before anything else reads the text;
- tables as GitHub makes them: one column is a table too, each row's outer pipes are its own,
  ``\\|`` is a pipe inside code in a cell too, and a table with only a header row has no body
  (:class:`GitHubTable`, :class:`TableCells`);
- an attribute list on the line right after a table (``{ .compact }``, kramdown's
  ``{: .compact #id}``) is the table's, as kramdown and attr_list's paragraphs read theirs: its
  id and classes (and ``lang``, ``dir``, ``title``) are set on the table; an attribute no page
  keeps (``width``, ``style``) is left out with a warning. GitHub shows it as a last row of
  text, which no author means;
- :class:`TaskBoxes`, which draws a task's checkbox as a character (□ to do, ■ done) that every
  font of the default layouts has, since a form control has no place in a PDF or an ePub
  (:func:`checkboxes` does the same for checkboxes written in raw HTML);
- :func:`code_block`, the HTML of a fenced code block (``<pre><code class="language-x">``);
- raw HTML and autolinks by GitHub's grammar (:mod:`.inline_html`);
- emphasis opened and closed by CommonMark's flanking rules, ``***x***`` as ``<em><strong>``
  (:mod:`.emphasis`);
- ``[text][label]`` only with nothing between the brackets (Python-Markdown also took ``[a] [b]``
  for one link, and ``[b]`` vanished), and an image's alt text as the plain text of its Markdown
  (``![A *bold* chart](x.png)``: "A bold chart"), as GitHub gives them (:func:`plain_alt`);
- a code span's spaces as GitHub keeps them (:class:`CodeSpan`: one space is taken from each
  end only when both ends have one, so `` ` a` `` keeps its space and `` ` `` is a space);
- ``\\&amp;`` shown as written, "&amp;" (:class:`Unescape`), where Python-Markdown's serialiser
  kept the ``&`` it restored as the start of an entity, and so showed "&".
"""

from __future__ import annotations

import html
import re
import string
import xml.etree.ElementTree as etree  # noqa: N813 (the name Python-Markdown uses)
from typing import Any

import markdown
from markdown.extensions import Extension
from markdown.extensions.attr_list import get_attrs
from markdown.extensions.tables import TableProcessor
from markdown.inlinepatterns import (
    BACKTICK_RE,
    BacktickInlineProcessor,
    ImageInlineProcessor,
    ImageReferenceInlineProcessor,
    ReferenceInlineProcessor,
    ShortImageReferenceInlineProcessor,
    SubstituteTagInlineProcessor,
)
from markdown.treeprocessors import Treeprocessor, UnescapeTreeprocessor
from markdown.util import HTML_PLACEHOLDER

from . import emphasis, inline_html
from .block_structure import TABLE_DELIMITER, BlockStructure, ListShape, StrayMarkers, Warn, Whitespace


def code_block(source: str, language: str, class_name: str, options: dict, md: Any, **kwargs: Any) -> str:
    """A fenced code block as Python-Markdown's fenced_code wrote it: the language as the
    ``language-`` class of ``<code>``, an id and classes from ``{#id .class}`` on ``<pre>``."""
    classes = kwargs.get("classes") or []
    ident = kwargs.get("id_value") or ""
    attributes = "".join(f' {k}="{html.escape(str(v))}"' for k, v in (kwargs.get("attrs") or {}).items())
    pre = (f' id="{html.escape(ident)}"' if ident else "") + (
        f' class="{html.escape(" ".join(classes))}"' if classes else ""
    )
    code = f' class="language-{html.escape(language)}"' if language else ""
    text = html.escape(source, quote=False) + ("\n" if source else "")
    return f"<pre{pre}><code{code}{attributes}>{text}</code></pre>"


FENCES = [{"name": "*", "class": "", "format": code_block}]
"""pymdownx.superfences' custom fences: every language gets :func:`code_block`."""
EXTENSIONS = ["pymdownx.tasklist", "pymdownx.magiclink", "pymdownx.quotes", "pymdownx.superfences"]
CONFIGS = {
    "pymdownx.tasklist": {"custom_checkbox": False, "clickable_checkbox": False},
    "pymdownx.magiclink": {"hide_protocol": False, "repo_url_shortener": False, "social_url_shortener": False},
    "pymdownx.quotes": {"callouts": True},
    # Any info string opens a fence (relaxed_headers); the fences are FENCES, and make_markdown adds others.
    "pymdownx.superfences": {"relaxed_headers": True, "custom_fences": FENCES},
}
TODO, DONE = "\u25a1", "\u25a0"
HARD_BREAK = r" {2,}\n|\\\n"  # "line  " or "line\" before the end of the line: a <br>
PLACEHOLDER = re.compile(re.escape(HTML_PLACEHOLDER).replace("%s", r"(\d+)"))


class Reference(ReferenceInlineProcessor):
    """``[text][label]``, the brackets side by side. The older form with a space between them,
    ``[Google] [1]``, is read as GitHub reads it (the text, then a link "1"), with a warning
    that says how to write it, when ``warn`` is given and the label is defined."""

    RE_LINK = re.compile(r"\[([^\]]*)\]", re.DOTALL | re.UNICODE)
    SPACED = re.compile(r"[ \t]*\n?[ \t]*\[([^\]]*)\]")

    def __init__(self, pattern: str, md: markdown.Markdown, warn: Warn | None = None) -> None:
        super().__init__(pattern, md)
        self.warn = warn

    def evalId(self, data: str, index: int, text: str) -> tuple[str | None, int, bool]:  # noqa: N802
        found = super().evalId(data, index, text)
        if not found[2] and self.warn is not None and (spaced := self.SPACED.match(data, index)):
            label = " ".join(spaced.group(1).split()).lower()
            if label and label in self.md.references and markdown.util.STX not in text + label:
                self.warn(
                    f"'[{text}] [{spaced.group(1)}]' has a space between its brackets: it reads as the text "
                    f"'[{text}]' and a link '{spaced.group(1)}', as on GitHub; write '[{text}][{spaced.group(1)}]' "
                    "for one link",
                    f"[{text}]",
                )
        return found


ALT_LINK = re.compile(r"!?\[([^\[\]]*)\](?:\([^()]*\)|\[[^\[\]]*\])")  # a link or an image, not bare [x]
ALT_MARKS = (
    re.compile(r"(?<!\\)(\*{1,3})(?=\S)(.+?)(?<=\S)\1"),  # * may stand inside a word (2*3*4)
    re.compile(r"(?<![A-Za-z0-9\\])(_{1,3})(?=\S)(.+?)(?<=\S)\1(?![A-Za-z0-9])"),  # _ may not (snake_case)
    re.compile(r"(?<!\\)(~~)(?=\S)(.+?)(?<=\S)\1"),
    re.compile(r"(?<![\\~])(~)(?=[^\s~])(.+?)(?<=[^\s~])\1(?!~)"),  # ~struck~ or H~2~O (source/tildes.py)
)


def plain_alt(text: str) -> str:
    """An image's alt text as the text its Markdown shows: no emphasis marks, links and images
    as their text (``*bold* [link](x)`` is "bold link"). ``text`` is the alt as written, its code
    spans still placeholders (their text is not Markdown)."""
    if not any(mark in text for mark in "*_[~"):
        return text
    for pattern in (ALT_LINK, *ALT_MARKS):
        previous = None
        while previous != text:
            previous, text = text, pattern.sub(lambda m: m.group(m.lastindex or 1), text)
    return text


class Image(ImageInlineProcessor):
    """``![alt](src)``, its alt text plain (:func:`plain_alt`)."""

    def handleMatch(self, m: re.Match[str], data: str) -> tuple[Any, int | None, int | None]:  # noqa: N802
        element, start, end = super().handleMatch(m, data)
        if element is not None:
            text, _index, _handled = self.getText(data, m.end(0))
            element.set("alt", self.unescape(plain_alt(text)))
        return element, start, end


class _PlainAlt:
    """A reference image's tag with its alt text plain (:func:`plain_alt`)."""

    def makeTag(self, href: str, title: str, text: str) -> etree.Element:  # noqa: N802 (Python-Markdown's name)
        element = super().makeTag(href, title, text)  # type: ignore[misc]
        element.set("alt", self.unescape(plain_alt(text)))  # type: ignore[attr-defined]
        return element


class ImageReference(_PlainAlt, ImageReferenceInlineProcessor):
    """``![alt][label]``, the brackets side by side."""

    RE_LINK = Reference.RE_LINK


class ShortImageReference(_PlainAlt, ShortImageReferenceInlineProcessor):
    """``![alt]``."""


class CodeSpan(BacktickInlineProcessor):
    """Python-Markdown's code span, its text as CommonMark gives it: line ends become spaces,
    and one space is removed from each end only when both ends have one and the text is not
    all spaces (Python-Markdown removed every space at both ends)."""

    def handleMatch(self, m: re.Match[str], data: str) -> tuple[Any, int | None, int | None]:  # noqa: N802
        element, begin, end = super().handleMatch(m, data)
        if isinstance(element, etree.Element):
            start, stop = self.find_code_spans(m.start(0), data)
            text = data[start:stop].replace("\n", " ")
            if len(text) >= 2 and text[0] == text[-1] == " " and text.strip(" "):
                text = text[1:-1]
            element.text = markdown.util.AtomicString(markdown.util.code_escape(text))
        return element, begin, end


ESCAPED_AMPERSAND = re.compile(f"{markdown.util.STX}38{markdown.util.ETX}(?=#?[A-Za-z0-9]+;)")


class Unescape(UnescapeTreeprocessor):
    """Python-Markdown's restoring of backslash-escaped characters, with an escaped ``&`` before
    an entity's name written as ``&amp;`` (the serialiser leaves that alone, as an entity)."""

    def unescape(self, text: str) -> str:
        return super().unescape(ESCAPED_AMPERSAND.sub("&amp;", text))


class TaskBoxes(Treeprocessor):
    """The checkbox pymdownx.tasklist stores for a task list item becomes □ or ■ in a
    ``<span class="task-box">``."""

    def run(self, root: etree.Element) -> None:
        stash = self.md.htmlStash.rawHtmlBlocks
        for item in root.iter("li"):
            if "task-list-item" not in (item.get("class") or "").split():
                continue
            first = item[0] if len(item) and item[0].tag == "p" and not (item.text or "").strip() else item
            found = PLACEHOLDER.search(first.text or "")
            if found is None or not str(stash[int(found.group(1))]).startswith("<input"):
                continue
            done = "checked" in str(stash[int(found.group(1))])
            stash[int(found.group(1))] = (
                f'<span class="task-box{" task-done" if done else ""}">{DONE if done else TODO}</span> '
            )


class CodeOutOfParagraphs(Treeprocessor):
    """Text written right after a fenced code block's closing fence (or right before its opening
    one) inside an admonition's body is a paragraph of its own, as GitHub reads it; Python-Markdown
    ran code and text into one paragraph there (a ``<pre>`` inside a ``<p>``). Lists and quotes
    are read by :mod:`.block_structure`; this splits what remains: the paragraph before the code,
    the code, the paragraph after it."""

    def run(self, root: etree.Element) -> None:
        stash = self.md.htmlStash.rawHtmlBlocks
        for parent in list(root.iter()):
            for paragraph in [child for child in parent if child.tag == "p" and child.text]:
                found = [
                    m for m in PLACEHOLDER.finditer(paragraph.text) if str(stash[int(m.group(1))]).startswith("<pre")
                ]
                if not found or (paragraph.text.strip() == found[0].group(0) and not len(paragraph)):
                    continue
                self._split(parent, paragraph, found)

    @staticmethod
    def _split(parent: etree.Element, paragraph: etree.Element, found: list[re.Match[str]]) -> None:
        text, position, pieces = paragraph.text, 0, []
        for match in found:
            pieces += [text[position : match.start()], match.group(0)]
            position = match.end()
        pieces.append(text[position:])
        at = list(parent).index(paragraph)
        made = []
        for piece in pieces[:-1]:
            if piece.strip():
                block = etree.Element("p")
                block.text = piece.strip("\n")
                made.append(block)
        for offset, block in enumerate(made):
            parent.insert(at + offset, block)
        paragraph.text = pieces[-1].lstrip("\n")  # the last piece keeps the inline elements after it
        if not paragraph.text.strip() and not len(paragraph):
            parent.remove(paragraph)


TABLE_ATTRIBUTES = re.compile(
    r"""^ {0,3}\{:?[ \t]*((?:[.#][^\s{}|=]+|[\w:-]+=(?:"[^"]*"|'[^']*'|[^\s{}|"']+))"""
    r"""(?:[ \t]+(?:[.#][^\s{}|=]+|[\w:-]+=(?:"[^"]*"|'[^']*'|[^\s{}|"']+)))*)[ \t]*\}[ \t]*$"""
)
"""An attribute list alone on a line, of classes, ids and ``key=value`` only: ``{ .compact }``,
``{: #id .class}`` (``{ a word }`` is text)."""
TABLE_KEEPS = frozenset({"id", "lang", "dir", "title"})
"""What an attribute list may set on a table besides classes: what every page keeps (:mod:`.sanitize`)."""


class GitHubTable(TableProcessor):
    """Python-Markdown's table, read by GFM's rule: a header row and a delimiter row of as many
    cells, one of them with a pipe, make a table, one column too; each row's outer pipes are
    its own to write or leave out, and a row needs no pipe at all (Python-Markdown took a
    one-column table for a paragraph unless every row had a pipe, and read every row's outer
    pipes by the header's). Without the empty body row Python-Markdown gave a table of one
    header row, and with the attribute list on the line after it (see the module)."""

    def __init__(self, parser: Any, config: dict, warn: Warn | None = None) -> None:
        super().__init__(parser, config)
        self.warn = warn

    def test(self, parent: etree.Element, block: str) -> bool:
        rows = [row.strip(" \t") for row in block.split("\n", 2)[:2]]
        if len(rows) < 2 or not TABLE_DELIMITER.match(rows[1]) or "|" not in rows[0] + rows[1]:
            return False
        separator = self._split_row(rows[1])
        if len(self._split_row(rows[0])) != len(separator):
            return False
        self.separator = separator
        return True

    def _split_row(self, row: str) -> list[str]:
        row = row.strip(" \t")
        if row.startswith("|"):
            row = row[1:]
        return self._split(self.RE_END_BORDER.sub("", row))

    def run(self, parent: etree.Element, blocks: list[str]) -> None:
        rows = blocks[0].split("\n")
        attributes = TABLE_ATTRIBUTES.match(rows[-1]) if len(rows) > 2 else None
        if attributes is not None:
            blocks[0] = "\n".join(rows[:-1])
            self.test(parent, blocks[0])  # the table's shape, read again without that line
            rows = rows[:-1]
        header_only = len(rows) < 3
        super().run(parent, blocks)
        table = parent[-1]
        body = table.find("tbody")
        if header_only and body is not None:
            table.remove(body)
        if attributes is not None:
            self._attributes(table, attributes.group(0).strip(), attributes.group(1))

    def _attributes(self, table: etree.Element, written: str, text: str) -> None:
        """Set what the attribute list ``text`` (the line ``written``) names on ``table``."""
        classes, left_out = [], []
        for name, value in get_attrs(text):
            if name == "." and value:
                classes.append(value)
            elif name in TABLE_KEEPS and value:
                table.set(name, value)
            else:
                left_out.append(name)
        if classes:
            table.set("class", " ".join(classes))
        if left_out and self.warn is not None:
            self.warn(
                f"the attribute list after a table sets {', '.join(repr(n) for n in left_out)}, which a table "
                "here cannot keep (only an id, classes, lang, dir and title); left out",
                written,
            )


class TableCells(Treeprocessor):
    """In a table cell, ``\\|`` is a pipe inside code too (GitHub reads the row before the code)."""

    def run(self, root: etree.Element) -> None:
        for table in root.iter("table"):
            for code in table.iter("code"):
                if code.text and "\\|" in code.text:
                    code.text = type(code.text)(code.text.replace("\\|", "|"))


class GitHubExtension(Extension):
    """Registers the block structure (:class:`Whitespace` in place of Python-Markdown's whitespace
    normalising, :class:`BlockStructure` right after it, :class:`ListShape` before the inline
    patterns), GitHub's tables, and :class:`TaskBoxes` (after pymdownx.tasklist)."""

    def __init__(self, warn: Warn | None = None) -> None:
        super().__init__()
        self.warn = warn

    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 (Python-Markdown's name)
        md.registerExtension(self)
        md.preprocessors.register(Whitespace(md), "normalize_whitespace", 30)
        md.preprocessors.register(BlockStructure(md, self.warn), "report_build_block_structure", 29)
        md.treeprocessors.register(ListShape(md), "report_build_list_shape", 29)
        md.postprocessors.register(StrayMarkers(md), "report_build_stray_markers", 1)
        if "table" in md.parser.blockprocessors:
            table = md.parser.blockprocessors["table"]
            md.parser.blockprocessors.register(GitHubTable(md.parser, table.config, self.warn), "table", 75)
        # GitHub escapes every ASCII punctuation character (Python-Markdown only some), and
        # breaks a line at a backslash or two or more spaces before its end.
        md.ESCAPED_CHARS.extend(char for char in string.punctuation if char not in md.ESCAPED_CHARS)
        md.inlinePatterns.register(SubstituteTagInlineProcessor(HARD_BREAK, "br"), "linebreak", 100)
        inline_html.register(md)  # raw HTML and autolinks by GitHub's grammar
        emphasis.register(md)  # * and _ by CommonMark's flanking rules
        md.treeprocessors.register(Unescape(md), "unescape", 0)
        md.inlinePatterns.register(CodeSpan(BACKTICK_RE), "backtick", 190)
        md.inlinePatterns.register(Reference(r"(?<!\!)\[", md, self.warn), "reference", 170)
        md.inlinePatterns.register(Image(r"\!\[", md), "image_link", 150)
        md.inlinePatterns.register(ImageReference(r"\!\[", md), "image_reference", 140)
        md.inlinePatterns.register(ShortImageReference(r"\!\[", md), "short_image_ref", 125)
        md.treeprocessors.register(TableCells(md), "report_build_table_cells", 19.5)
        md.treeprocessors.register(TaskBoxes(md), "report_build_task_boxes", 24)
        md.treeprocessors.register(CodeOutOfParagraphs(md), "report_build_code_out_of_paragraphs", 19)


CHECKBOX = re.compile(r"<input\b[^>]*\btype\s*=\s*[\"']?checkbox\b[^>]*>", re.IGNORECASE)


def checkboxes(html: str) -> str:
    """Checkboxes written in raw HTML (checklists copied from web pages) become task boxes too,
    instead of form controls that cleaning would remove."""
    if "<input" not in html.lower():
        return html

    def box(match: re.Match[str]) -> str:
        done = re.search(r"\bchecked\b", match.group(0), re.IGNORECASE) is not None
        return f'<span class="task-box task-done">{DONE}</span>' if done else f'<span class="task-box">{TODO}</span>'

    return CHECKBOX.sub(box, html)
