"""The block structure of Markdown as GitHub reads it, written back in the form Python-Markdown
reads the same way.

Python-Markdown finds blocks its own way: a list or a fence right after a paragraph line stays
in the paragraph, fences inside list items are not code, nested lists need four spaces, a list
is tight or loose item by item. :class:`BlockStructure`, a preprocessor, reads the text by the
rules of the GFM specification (CommonMark's container blocks, block quotes and list items, and
the leaf blocks that decide where they end: paragraphs and their lazy continuation lines,
fenced and indented code, HTML blocks, ATX and setext headings, thematic breaks, tables) and
writes the same structure back in a canonical form that Python-Markdown cannot read otherwise:

- every block is separated from the next by a blank line;
- a list item's content is indented four spaces a level, a block quote's lines all start with
  ``>``, lazy continuation lines included;
- a fence stands at its container's content column, its content dedented as CommonMark does,
  its closing fence the same as its opening one (and written when the text has none);
- a setext heading becomes an ATX heading; an ordered list starts with its start number;
- a line is escaped where Python-Markdown would see a construct CommonMark does not
  (``#5 bolt``, ``1234567890.``, a ``===`` line continuing a paragraph).
- a top-level HTML block is stashed as raw HTML as it stands, ending where CommonMark ends it
  (at a blank line for most), so the Markdown after it is read as Markdown: Python-Markdown
  would read on to the matching end tag (:func:`stash_html_blocks`).

Whether a list is tight or loose is a property of the whole list in CommonMark: a marker
paragraph before each list says which, and :class:`ListShape` (a treeprocessor, before inline
patterns) applies it and removes the markers; an item that does not open with a paragraph opens
with a marker too, removed the same way.

Invariant: text with no container block, fence, heading, thematic break or table comes out line
for line as it went in (blank lines between blocks aside), and a container's content is moved
as a whole, keeping its relative indentation: the syntax of Python-Markdown's extensions and of
other tools (admonitions, footnote definitions, definition lists, content tabs), which CommonMark
reads as paragraphs and indented code, reaches them unchanged.

Tabs: leading tabs count to the next multiple of four columns, and a tab that a container
consumes only in part leaves its remaining columns as spaces; tabs inside code stay tabs
(:class:`Whitespace` replaces Python-Markdown's whitespace normalising, which expands them all).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree  # noqa: N813 (the name Python-Markdown uses)
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import pairwise

import markdown
from markdown import util
from markdown.postprocessors import Postprocessor
from markdown.preprocessors import Preprocessor
from markdown.treeprocessors import Treeprocessor

from ..html_elements import VOID

CODE_INDENT = 4
MAYBE_SPECIAL = re.compile(r"^[#`~*+_=<>0-9|:-]")
ATX = re.compile(r"^#{1,6}(?:[ \t]+|$)")
FENCE_OPEN = re.compile(r"^`{3,}(?!.*`)|^~{3,}")
FENCE_CLOSE = re.compile(r"^(?:`{3,}|~{3,})(?=[ \t]*$)")
SETEXT = re.compile(r"^(?:=+|-+)[ \t]*$")
THEMATIC_BREAK = re.compile(r"^(?:\*[ \t]*){3,}$|^(?:_[ \t]*){3,}$|^(?:-[ \t]*){3,}$")
BULLET = re.compile(r"^[*+-]")
ORDERED = re.compile(r"^(\d{1,9})([.)])")
REFERENCE = re.compile(  # a link reference definition on one line
    r"""^ {0,3}\[(?:[^\]\\]|\\.){1,999}\]:[ \t]*(?:<[^>\n]*>|\S+)(?:[ \t]+(?:"[^"]*"|'[^']*'|\([^)]*\)))?[ \t]*$"""
)
TABLE_DELIMITER = re.compile(r"^\|?[ \t]*:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*$")

_BLOCK_TAGS = (
    "address|article|aside|base|basefont|blockquote|body|caption|center|col|colgroup|dd|details|dialog|dir|div|dl|"
    "dt|fieldset|figcaption|figure|footer|form|frame|frameset|h1|h2|h3|h4|h5|h6|head|header|hr|html|iframe|legend|"
    "li|link|main|menu|menuitem|nav|noframes|ol|optgroup|option|p|param|search|section|summary|table|tbody|td|"
    "tfoot|th|thead|title|tr|track|ul"
)
_ATTRIBUTE = r"""(?:\s+[a-zA-Z_:][a-zA-Z0-9_.:-]*(?:\s*=\s*(?:[^"'=<>`\x00-\x20]+|'[^']*'|"[^"]*"))?)"""
# An HTML block of kind 1 (CommonMark) runs to the end tag of one of these, blank lines and all;
# inside one, a "#" line is the text's, not a heading.
RAW_TEXT_ELEMENTS = frozenset({"script", "pre", "style", "textarea"})
_RAW_TEXT_NAMES = "|".join(sorted(RAW_TEXT_ELEMENTS))
HTML_OPEN = (
    None,
    re.compile(rf"^<(?:{_RAW_TEXT_NAMES})(?:\s|>|$)", re.IGNORECASE),
    re.compile(r"^<!--"),
    re.compile(r"^<[?]"),
    re.compile(r"^<![A-Za-z]"),
    re.compile(r"^<!\[CDATA\["),
    re.compile(rf"^</?(?:{_BLOCK_TAGS})(?:\s|/?>|$)", re.IGNORECASE),
    re.compile(rf"^(?:<[A-Za-z][A-Za-z0-9-]*{_ATTRIBUTE}*\s*/?>|</[A-Za-z][A-Za-z0-9-]*\s*>)\s*$"),
)
HTML_CLOSE = (
    None,
    re.compile(rf"</(?:{_RAW_TEXT_NAMES})\s*>", re.IGNORECASE),
    re.compile(r"-->"),
    re.compile(r"\?>"),
    re.compile(r">"),
    re.compile(r"\]\]>"),
)

# The first character of a line a dialect's preprocessor set aside, to be put back after the block
# structure is read (mkdocs.ListsAsWritten): it ends an HTML block, so that it is put back.
SET_ASIDE = "\ue030"

# Markers that carry what Python-Markdown cannot be told in Markdown; STX/ETX never reach the
# text from the manuscript (whitespace normalising removes them) and are not inline placeholders.
TIGHT = f"{util.STX}rbtightlist{util.ETX}"
BLOCK_END = re.compile(r"/{3,}[ \t]*$")
"""The end of a generic block of pymdown-extensions (``///``, the MkDocs dialect's): never a
lazy line of a quote or a list item that the block holds, which would leave the block open."""
LOOSE = f"{util.STX}rblooselist{util.ETX}"
ITEM = f"{util.STX}rblistitem{util.ETX}"
END = f"{util.STX}rblistend{util.ETX}"
MARKER = re.compile(f"\n?{util.STX}rb(tightlist|looselist|listitem|listend){util.ETX}")


@dataclass(eq=False)
class Node:
    """A block of the text being read. ``start``/``end``: the first and last line it takes
    (0-based; for a container, from its first to its last child's last line)."""

    kind: str  # document, quote, list, item, paragraph, heading, hr, fence, code, html, table
    parent: Node | None = None
    start: int = 0
    end: int = 0
    children: list[Node] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)
    open: bool = True
    # list and item
    ordered: bool = False
    bullet: str = ""  # bullet character, or the ordered list's delimiter
    number: int = 1
    marker_offset: int = 0
    padding: int = 0
    tight: bool = True
    # heading
    level: int = 0
    # fence
    fence: str = ""
    fence_offset: int = 0
    # html
    html_type: int = 0
    unclosed: bool = False  # types 1-5: its end marker never came, so it took the rest of the text

    @property
    def accepts_lines(self) -> bool:
        return self.kind in ("paragraph", "fence", "code", "html", "table")

    def can_contain(self, kind: str) -> bool:
        if self.kind == "list":
            return kind == "item"
        return self.kind in ("document", "quote", "item") and kind != "item"


class Reader:
    """CommonMark's block parsing, line by line (the algorithm of the reference implementations:
    match the open containers, open new blocks, add the rest of the line)."""

    def __init__(self) -> None:
        self.document = Node("document")
        self.tip = self.document
        self.old_tip = self.document
        self.last_matched = self.document
        self.all_closed = True
        self.line = ""
        self.number = 0
        self.offset = 0
        self.column = 0
        self.partial_tab = False
        self.next_nonspace = 0
        self.next_nonspace_column = 0
        self.indent = 0
        self.blank = False
        self.lines: list[str] = []

    # --- moving along the line --------------------------------------------------------------

    def find_next_nonspace(self) -> None:
        i, cols = self.offset, self.column
        while i < len(self.line) and self.line[i] in " \t":
            cols += 4 - cols % 4 if self.line[i] == "\t" else 1
            i += 1
        self.blank = i >= len(self.line)
        self.next_nonspace, self.next_nonspace_column = i, cols
        self.indent = cols - self.column

    def advance_next_nonspace(self) -> None:
        self.offset, self.column, self.partial_tab = self.next_nonspace, self.next_nonspace_column, False

    def advance(self, count: int, columns: bool = False) -> None:
        while count > 0 and self.offset < len(self.line):
            if self.line[self.offset] == "\t":
                to_tab = 4 - self.column % 4
                if columns:
                    self.partial_tab = to_tab > count
                    step = min(to_tab, count)
                    self.column += step
                    self.offset += 0 if self.partial_tab else 1
                    count -= step
                else:
                    self.partial_tab = False
                    self.column += to_tab
                    self.offset += 1
                    count -= 1
            else:
                self.partial_tab = False
                self.offset += 1
                self.column += 1
                count -= 1

    def rest(self) -> str:
        """The rest of the line from the current position; a partly consumed tab's remaining
        columns as spaces."""
        if self.partial_tab:
            return " " * (4 - self.column % 4) + self.line[self.offset + 1 :]
        return self.line[self.offset :]

    def peek(self, index: int) -> str:
        return self.line[index] if index < len(self.line) else ""

    # --- the tree ---------------------------------------------------------------------------

    def add_child(self, kind: str) -> Node:
        while not self.tip.can_contain(kind):
            self.finalize(self.tip, self.number - 1)
        node = Node(kind, self.tip, self.number, self.number)
        self.tip.children.append(node)
        self.tip = node
        return node

    def close_unmatched(self) -> None:
        if not self.all_closed:
            while self.old_tip is not self.last_matched:
                parent = self.old_tip.parent
                self.finalize(self.old_tip, self.number - 1)
                self.old_tip = parent
            self.all_closed = True

    def finalize(self, node: Node, number: int) -> None:
        """Close ``node``, ``number`` being its last possible line. A paragraph or indented code
        ends at its last line of text, a list item or a list where its last child ends, and a
        list learns whether it is tight."""
        node.open = False
        if node.kind == "paragraph":
            node.end = node.start + len(node.lines) - 1
        elif node.kind == "code":
            while node.lines and not node.lines[-1].strip():
                node.lines.pop()
            node.end = node.start + len(node.lines) - 1
        elif node.kind == "item":
            node.end = node.children[-1].end if node.children else node.start
        elif node.kind == "list":
            node.end = node.children[-1].end
            node.tight = self._tight(node)
        else:
            node.end = max(node.start, number)
        if node.parent is not None and self.tip is node:
            self.tip = node.parent

    @staticmethod
    def _tight(node: Node) -> bool:
        """CommonMark's rule: loose when a blank line separates two items, or two blocks of an item."""
        items = node.children
        for index, item in enumerate(items):
            if index + 1 < len(items) and items[index + 1].start - item.end > 1:
                return False
            for sub, following in pairwise(item.children):
                if following.start - sub.end > 1:
                    return False
        return True

    # --- continuing open blocks -------------------------------------------------------------

    def continues(self, node: Node) -> int:
        """0: the line continues the block; 1: it does not; 2: the line is used up (a closing fence)."""
        kind = node.kind
        if kind == "quote":
            if self.indent < CODE_INDENT and self.peek(self.next_nonspace) == ">":
                self.advance_next_nonspace()
                self.advance(1)
                if self.peek(self.offset) in (" ", "\t"):
                    self.advance(1, True)
                return 0
            return 1
        if kind == "item":
            if self.blank:
                if not node.children:
                    return 1
                self.advance_next_nonspace()
                return 0
            if self.indent >= node.marker_offset + node.padding:
                self.advance(node.marker_offset + node.padding, True)
                return 0
            return 1
        if kind == "fence":
            rest = self.line[self.next_nonspace :]
            close = FENCE_CLOSE.match(rest) if self.indent < CODE_INDENT and rest[:1] == node.fence[0] else None
            if close and len(close.group(0)) >= len(node.fence):
                self.finalize(node, self.number)
                return 2
            skip = node.fence_offset
            while skip > 0 and self.peek(self.offset) in (" ", "\t") and self.offset < len(self.line):
                self.advance(1, True)
                skip -= 1
            return 0
        if kind == "code":
            if self.indent >= CODE_INDENT:
                self.advance(CODE_INDENT, True)
                return 0
            if self.blank:
                self.advance_next_nonspace()
                return 0
            return 1
        if kind == "html":
            if node.html_type < 6:
                return 0
            rest = self.line[self.next_nonspace :]
            interrupts = self.indent < CODE_INDENT and (
                ATX.match(rest) or FENCE_OPEN.match(rest) or rest[:1] == SET_ASIDE
            )
            if self.blank:
                return 0 if self._html_goes_on(node) else 1
            open_elements = _open_elements(node.lines)
            if open_elements == []:  # every tag closed: the block ends, as Python-Markdown ends it
                return 1
            # a heading or a fence ends it too, unless a <pre> (say) is open or it cannot tell
            return 1 if interrupts and open_elements and not RAW_TEXT_ELEMENTS.intersection(open_elements) else 0
        if kind in ("paragraph", "table"):
            return 1 if self.blank else 0
        if kind == "list":
            return 0
        return 1  # heading, hr

    # --- opening new blocks -----------------------------------------------------------------

    def open_block(self, container: Node) -> int:
        """Try each block start in CommonMark's order: 0 none; 1 a container; 2 a leaf."""
        indented = self.indent >= CODE_INDENT
        rest = self.line[self.next_nonspace :]
        if not indented and rest.startswith(">"):
            self.advance_next_nonspace()
            self.advance(1)
            if self.peek(self.offset) in (" ", "\t"):
                self.advance(1, True)
            self.close_unmatched()
            self.add_child("quote")
            return 1
        if not indented and (match := ATX.match(rest)):
            self.advance_next_nonspace()
            self.advance(len(match.group(0)))
            self.close_unmatched()
            heading = self.add_child("heading")
            heading.level = match.group(0).strip().count("#")
            text = self.line[self.offset :]
            text = re.sub(r"^[ \t]*#+[ \t]*$", "", text)
            heading.lines = [re.sub(r"[ \t]+#+[ \t]*$", "", text).strip(" \t")]
            self.offset = len(self.line)
            return 2
        if not indented and (match := FENCE_OPEN.match(rest)):
            self.close_unmatched()
            fence = self.add_child("fence")
            fence.fence = match.group(0)
            fence.fence_offset = self.indent
            self.advance_next_nonspace()
            self.advance(len(match.group(0)))  # the rest of the line, the info string, is its first line
            return 2
        if not indented and rest.startswith("<"):
            for kind in range(1, 8):
                if HTML_OPEN[kind].match(rest) and (kind < 7 or container.kind != "paragraph"):
                    if kind == 7 and not self.all_closed and self.tip.kind == "paragraph":
                        break  # a lazy paragraph line
                    self.close_unmatched()
                    html = self.add_child("html")
                    html.html_type = kind
                    return 2
        if not indented and container.kind == "paragraph" and (match := SETEXT.match(rest)):
            definitions = 0  # link reference definitions opening the paragraph are not the heading's
            while definitions < len(container.lines) and REFERENCE.match(container.lines[definitions]):
                definitions += 1
            if definitions < len(container.lines):
                self.close_unmatched()
                heading = Node("heading", container.parent, container.start + definitions, self.number, open=False)
                heading.level = 1 if rest[0] == "=" else 2
                heading.lines = ["\n".join(line.strip(" \t") for line in container.lines[definitions:])]
                siblings = container.parent.children
                if definitions:
                    del container.lines[definitions:]
                    container.end = container.start + definitions - 1
                    container.open = False
                    siblings.append(heading)
                else:
                    siblings[siblings.index(container)] = heading
                self.tip = container.parent
                self.offset = len(self.line)
                return 2
        if not indented and THEMATIC_BREAK.match(rest):
            self.close_unmatched()
            self.add_child("hr")
            self.finalize(self.tip, self.number)
            self.offset = len(self.line)
            return 2
        if (not indented or container.kind == "list") and self._list_item(container):
            return 1
        if indented and self.tip.kind != "paragraph" and not self.blank:
            self.advance(CODE_INDENT, True)
            self.close_unmatched()
            self.add_child("code")
            return 2
        if not indented and container.kind == "paragraph" and TABLE_DELIMITER.match(rest) and "-" in rest:
            header = container.lines[-1]
            if _cells(header) == _cells(rest):
                self.close_unmatched()
                parent = container.parent
                table = Node("table", parent, self.number - 1, self.number)
                table.lines = [header]  # and the delimiter row, added as the rest of this line
                if len(container.lines) > 1:
                    container.lines.pop()
                    container.end = container.start + len(container.lines) - 1
                    container.open = False
                    parent.children.append(table)
                else:
                    parent.children[parent.children.index(container)] = table
                self.tip = table
                return 2
        return 0

    def _list_item(self, container: Node) -> bool:
        if self.indent >= CODE_INDENT:
            return False
        rest = self.line[self.next_nonspace :]
        marker_offset = self.indent
        if match := BULLET.match(rest):
            ordered, bullet, number = False, match.group(0), 1
        elif (match := ORDERED.match(rest)) and (container.kind != "paragraph" or int(match.group(1)) == 1):
            ordered, bullet, number = True, match.group(2), int(match.group(1))
        else:
            return False
        after = self.peek(self.next_nonspace + len(match.group(0)))
        if after not in ("", " ", "\t"):
            return False
        if container.kind == "paragraph" and not self.line[self.next_nonspace + len(match.group(0)) :].strip(" \t"):
            return False
        self.advance_next_nonspace()
        self.advance(len(match.group(0)), True)
        spaces_column, spaces_offset = self.column, self.offset
        while True:
            self.advance(1, True)
            if not (
                self.column - spaces_column < 5 and self.peek(self.offset) in (" ", "\t") and self.peek(self.offset)
            ):
                break
        blank_item = self.offset >= len(self.line)
        spaces = self.column - spaces_column
        if spaces >= 5 or spaces < 1 or blank_item:
            padding = len(match.group(0)) + 1
            self.column, self.offset, self.partial_tab = spaces_column, spaces_offset, False
            if self.peek(self.offset) in (" ", "\t") and self.peek(self.offset):
                self.advance(1, True)
        else:
            padding = len(match.group(0)) + spaces
        self.close_unmatched()
        if not (self.tip.kind == "list" and self.tip.ordered == ordered and self.tip.bullet == bullet):
            lst = self.add_child("list")
            lst.ordered, lst.bullet, lst.number = ordered, bullet, number
        item = self.add_child("item")
        item.ordered, item.bullet, item.number = ordered, bullet, number
        item.marker_offset, item.padding = marker_offset, padding
        return True

    # --- one line ---------------------------------------------------------------------------

    def add_line(self, expand: bool = False) -> None:
        """The rest of the line to the open leaf; with ``expand``, its leading tabs as spaces."""
        if not expand:
            self.tip.lines.append(self.rest())
            return
        self.find_next_nonspace()
        lead = self.next_nonspace_column - self.column
        self.tip.lines.append(" " * lead + self.line[self.next_nonspace :])

    def read_line(self, line: str) -> None:
        self.line, self.offset, self.column, self.partial_tab = line, 0, 0, False
        container = self.document
        self.old_tip = self.tip
        while container.children and container.children[-1].open:
            child = container.children[-1]
            self.find_next_nonspace()
            result = self.continues(child)
            if result == 2:
                return
            if result == 1:
                break
            container = child
        self.all_closed = container is self.old_tip
        self.last_matched = container
        matched_leaf = container.kind != "paragraph" and container.accepts_lines and container.kind != "table"
        while not matched_leaf:
            self.find_next_nonspace()
            if self.indent < CODE_INDENT and not MAYBE_SPECIAL.match(self.line[self.next_nonspace :]):
                break
            opened = self.open_block(container)
            if opened == 0:
                break
            container = self.tip
            if opened == 2:
                break
        self.find_next_nonspace()
        if (
            not self.all_closed
            and not self.blank
            and self.tip.kind == "paragraph"
            and not BLOCK_END.match(self.line[self.next_nonspace :])
        ):
            self.add_line(expand=True)  # a lazy continuation line
            return
        self.close_unmatched()
        if container.accepts_lines and container.open:
            if container.kind in ("paragraph", "table") and self.blank:
                return
            self.add_line(expand=container.kind == "paragraph")
            ends = container.kind == "html" and 1 <= container.html_type <= 5
            if ends and HTML_CLOSE[container.html_type].search(self.line[self.offset :]):
                self.finalize(container, self.number)
        elif not self.blank:
            self.add_child("paragraph")
            self.advance_next_nonspace()
            self.add_line()

    def _html_goes_on(self, node: Node) -> bool:
        """Whether a top-level HTML block left open goes on past this blank line: when the next
        line with text is indented as code and is more of the HTML (a table is open, or it starts
        with a tag). CommonMark would show it as code; Python-Markdown and kramdown, for whose
        readers such text was written, read on to the element's end tag."""
        open_elements = _open_elements(node.lines) if node.parent is self.document else []
        if not open_elements:
            return False
        following = next((line for line in self.lines[self.number + 1 :] if line.strip()), "").expandtabs(4)
        if len(following) - len(following.lstrip(" ")) < CODE_INDENT:
            return False
        return bool(TABLE_ELEMENTS.intersection(open_elements)) or following.lstrip(" ").startswith("<")

    def read(self, lines: list[str]) -> Node:
        self.lines = lines
        for self.number, line in enumerate(lines):
            self.read_line(line)
        if self.tip.kind == "html" and self.tip.html_type < 6 and self.tip.parent is self.document:
            self.tip.unclosed = True
        while self.tip is not self.document:
            self.finalize(self.tip, len(lines) - 1)
        return self.document


def _cells(row: str) -> int:
    """The number of cells of a table row (pipes inside code spans or escaped do not count)."""
    row = row.strip(" \t")
    row = re.sub(r"\\.", "x", row)
    row = re.sub(r"(`+)(.+?)\1", lambda m: "x" * len(m.group(0)), row)
    if row.startswith("|"):
        row = row[1:]
    if row.endswith("|"):
        row = row[:-1]
    return row.count("|") + 1


# --- writing the structure back -----------------------------------------------------------------

PM_HEADING = re.compile(r"^#")
PM_ORDERED = re.compile(r"^(\d+)\.(?=[ \t]|$)")
PM_SETEXT = re.compile(r"^=+[ \t]*$")
PM_BULLET = re.compile(r"^[*+-][ \t]")
DEFINITION_LATE = re.compile(r"^\[(?!\^)(?:[^\]\\]|\\.)+\]:")  # a link's, not a note's
DEFINITION_TITLE = re.compile(r"""^[ \t]*(?:"[^"]*"|'[^']*'|\([^)]*\))[ \t]*$""")  # on a line of its own
DEFINITION_URL = re.compile(r"""^[ \t]*(?:<[^<>\n]*>|\S+)(?:[ \t]+(?:"[^"]*"|'[^']*'|\([^)]*\)))?[ \t]*$""")
OTHER_DEFINITION = re.compile(r"^ {0,3}(?:\[\^[^\]]+\]:|\*\[[^\]]+\] ?:)")  # a note's, an abbreviation's


def write(node: Node) -> list[str]:
    """The canonical text of a block and its children (see the module's docstring)."""
    kind = node.kind
    if kind == "document":
        return _join(node.children)
    if kind == "quote":
        return [f"> {line}" if line else ">" for line in _join(node.children)] or [">"]
    if kind == "list":
        out = [TIGHT if node.tight else LOOSE]
        for index, item in enumerate(node.children):
            marker = f"{node.number}." if node.ordered else "-"
            marker = marker if index == 0 or not node.ordered else "1."
            out.append("")
            out.extend(_item(item, marker))
        return out
    if kind == "paragraph":
        return _paragraph(node.lines)
    if kind == "heading":
        text = " ".join(node.lines[0].split("\n")) if node.lines else ""
        if (len(text) - len(text.rstrip("\\"))) % 2:
            text += "\\"  # a backslash at the end is a backslash, not an escape
        closing = " #" if text.endswith("#") else ""
        return [f"{'#' * node.level} {text}{closing}".rstrip()]
    if kind == "hr":
        return ["***"]
    if kind == "fence":
        return _fence(node)
    if kind == "code":  # blank lines too keep four spaces: Python-Markdown keeps their number then
        return ["    " + line for line in node.lines]
    if kind == "html":
        return [line if line.strip() else "" for line in node.lines]
    if kind == "table":
        return [line.strip(" \t") for line in node.lines]
    raise AssertionError(kind)


def _join(children: list[Node], previous: Node | None = None) -> list[str]:
    out: list[str] = []
    for child in children:
        lines = write(child)
        if not lines:
            continue
        if out:
            out.append("")
        if previous is not None and previous.kind == "list" and child.kind == "code":
            out.extend([END, ""])  # else Python-Markdown reads the code as the last item's
        out.extend(lines)
        previous = child
    return out


def _item(item: Node, marker: str) -> list[str]:
    """A list item: its marker, and its content four spaces in. A first paragraph stands on the
    marker's line with its other lines not indented (Python-Markdown takes an indented line there
    for the start of a nested block); any other first block comes after a marker paragraph."""
    children = item.children
    if children and children[0].kind == "paragraph":
        head = _paragraph(children[0].lines, in_item=True)
        rest = _join(children[1:], children[0])
    else:
        head, rest = [ITEM], _join(children)
    first = f"{marker:<4}{head[0]}" if len(marker) < 4 else f"{marker} {head[0]}"
    out = [first, *head[1:]]
    if rest:
        out.append("")
        out.extend("    " + line if line else "" for line in rest)
    return out


def _paragraph(lines: list[str], in_item: bool = False) -> list[str]:
    """A paragraph's lines, each escaped where Python-Markdown would start another block there.
    Lines after the first keep an indentation of four or more (the bodies of other tools'
    constructs), except in a list item's first paragraph."""
    out = []
    # Every line so far is part of a link definition; a paragraph a note or an abbreviation opens
    # is left as Python-Markdown reads it (the definitions after them are theirs to find).
    opening_definitions = True
    others = bool(lines) and bool(OTHER_DEFINITION.match(lines[0]))
    for index, line in enumerate(lines):
        stripped = line.lstrip(" ")
        if index == 0 or in_item or len(line) - len(stripped) < CODE_INDENT:
            line = stripped
        if PM_HEADING.match(line):
            line = "\\" + line
        elif (index == 0 or in_item) and (match := PM_ORDERED.match(line)):
            line = f"{match.group(1)}\\.{line[match.end() :]}"
        elif index and in_item and PM_BULLET.match(line):
            line = "\\" + line
        elif index and PM_SETEXT.match(line):
            line = "&#61;" + line[1:]  # not a setext underline: CommonMark saw none
        elif index and DEFINITION_LATE.match(line) and not opening_definitions and not others:
            line = "\\" + line  # a link definition only opens a paragraph; later, it is text
        opening_definitions = opening_definitions and bool(
            DEFINITION_LATE.match(line)
            or (index and DEFINITION_TITLE.match(line))
            or (index and out and out[-1].rstrip().endswith("]:") and DEFINITION_URL.match(line))
        )
        out.append(line)
    return out


def _fence(node: Node) -> list[str]:
    info, content = node.lines[0].strip(" \t"), node.lines[1:]
    info = re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", info)
    return [f"{node.fence}{_header(info)}", *content, node.fence]


FENCE_TITLE = re.compile(r"""(?:^|\s)title=(?:"([^"]*)"|'([^']*)'|["']?([^\s"']+)["']?)""")  # a quote left open too


def _header(info: str) -> str:
    """A fence's info string as superfences reads it whole: the language and the title. The
    other words of a header (Docusaurus's ``{2-3}`` and ``showLineNumbers``, MkDocs's
    ``linenums="1"`` and ``hl_lines="2 3"``) are left out: no layout marks lines, and
    superfences would refuse the header over them, title and all. A header in braces
    (``{.python title="x"}``) is superfences' own form and stays."""
    if not info or info.startswith("{") or len(info.split()) == 1:
        return info
    language = info.split()[0] if "=" not in info.split()[0] else ""
    title = FENCE_TITLE.search(info)
    if title is None:
        return language
    text = next(group for group in title.groups() if group is not None)
    quote = "'" if '"' in text else '"'
    return f"{language} title={quote}{text}{quote}".strip()


class Whitespace(Preprocessor):
    """Python-Markdown's whitespace normalising without expanding tabs: :class:`BlockStructure`
    reads leading tabs as columns and leaves tabs inside code as they are."""

    def run(self, lines: list[str]) -> list[str]:
        source = "\n".join(lines)
        source = source.replace(util.STX, "").replace(util.ETX, "")
        source = source.replace("\r\n", "\n").replace("\r", "\n") + "\n\n"
        return source.split("\n")


class BlockStructure(Preprocessor):
    """Reads the text's block structure as GitHub does and writes it in Python-Markdown's terms."""

    def __init__(self, md: markdown.Markdown, warn: Warn | None = None) -> None:
        super().__init__(md)
        self.warn = warn

    def run(self, lines: list[str]) -> list[str]:
        end = len(lines)
        while end and not lines[end - 1].strip():
            end -= 1
        lines = lines[:end]
        document = Reader().read(lines)
        while document.children and document.children[-1].unclosed:
            # A comment, a <script>, <style>, <pre> or <textarea> never ended: it would hide the
            # rest of the text (as on GitHub). Its opening is shown as text and the rest read on.
            first = document.children[-1].start
            line = lines[first]
            if self.warn is not None:
                name = re.match(r"\s*<([A-Za-z]+)", line)
                what = HTML_WHAT.get(
                    document.children[-1].html_type, f"raw HTML <{name.group(1).lower() if name else ''}>"
                )
                self.warn(f"{what} is never closed: its opening is shown as text", line.strip()[:60])
            lines = [*lines[:first], line.replace("<", "\\<", 1), *lines[first + 1 :]]
            document = Reader().read(lines)
        stash_html_blocks(document, self.md.htmlStash.store)
        return [*write(document), "", ""]


TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)((?:[^<>\"']|\"[^<\"]*\"|'[^<']*')*)>")
ATTRIBUTE_NAME = re.compile(r"""(?:^|\s)([^\s"'>/=]+)(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'=<>`]+))?""")
TABLE_ELEMENTS = frozenset({"table", "thead", "tbody", "tfoot", "tr", "td", "th"})
HTML_WHAT = {2: "an HTML comment", 3: "a processing instruction", 4: "a declaration", 5: "a CDATA section"}
Warn = Callable[[str, str], None]  # (message, text to find the line by)


def _open_elements(lines: list[str]) -> list[str] | None:
    """The elements an HTML block's lines leave open, outermost first; None when a tag is not
    ended yet, a "<" is no tag, or the block is long (a long one is read to its blank line)."""
    if len(lines) > 40:
        return None
    text = "\n".join(lines)
    if text.count("<") != len(TAG.findall(text)) + text.count("<!--"):
        return None
    open_elements: list[str] = []
    for match in TAG.finditer(re.sub(r"<!--.*?-->", "", text, flags=re.DOTALL)):
        closing, name, attributes = bool(match.group(1)), match.group(2).lower(), match.group(3)
        if closing:
            if name not in open_elements:
                return None
            del open_elements[len(open_elements) - 1 - open_elements[::-1].index(name) :]
        elif _opens(name, attributes):
            open_elements.append(name)
    return open_elements


def _opens(name: str, attributes: str) -> bool:
    """Whether a start tag opens an element that needs an end tag (not void, not ``<x/>``)."""
    return name not in VOID and not attributes.rstrip().endswith("/")


def markdown_attribute(attributes: str) -> bool:
    """Whether a tag's attributes include ``markdown`` (``markdown="1"``, or bare as MkDocs
    Material writes it), by name: not the word in another attribute's value."""
    return any(name.lower() == "markdown" for name in ATTRIBUTE_NAME.findall(attributes))


def stash_html_blocks(document: Node, store: Callable[[str], str]) -> None:
    """Each top-level HTML block becomes raw HTML as GitHub reads it: the block alone, up to its
    end (a blank line for most), with the Markdown after it read as Markdown. Python-Markdown
    would read on to the matching end tag, so the README idiom ``<div align="center">``, a blank
    line, ``**bold**``, a blank line, ``</div>`` showed its asterisks, and a ``<details>`` its list
    as text. A block's lines are given to ``store`` (Python-Markdown's stash) and replaced by the
    placeholder it returns.

    Blocks for Python-Markdown's ``md_in_html`` are read by it: one whose tag carries a
    ``markdown`` attribute (the other tools' syntax is written so, :mod:`.dialects`), and every
    block until that element's end tag, which ``md_in_html`` must see. An element such a block
    leaves open is given the attribute, so the Markdown after it is read there too."""
    open_in_markdown: list[str] = []  # names of the md_in_html elements open, innermost last
    for node in document.children:
        if node.kind != "html":
            continue
        text = "\n".join(node.lines)
        matches = list(TAG.finditer(text))
        tags = [(bool(m.group(1)), m.group(2).lower(), m.group(3)) for m in matches]
        if not open_in_markdown and not any(markdown_attribute(attributes) for _, _, attributes in tags):
            if node.html_type < 6 or TAG.match(text.lstrip()):  # not a tag left without its ">"
                node.lines = [store(text.lstrip(" \t"))]
            continue
        if node.html_type in (6, 7):
            text = _markdown_inside(text, matches)
            node.lines = text.split("\n")
            tags = [(bool(m.group(1)), m.group(2).lower(), m.group(3)) for m in TAG.finditer(text)]  # as given
        for closing, name, attributes in tags:
            if not closing and (markdown_attribute(attributes) or name in open_in_markdown):
                if _opens(name, attributes):
                    open_in_markdown.append(name)
            elif closing and name in open_in_markdown:
                while open_in_markdown.pop() != name:
                    pass


def _markdown_inside(text: str, matches: list[re.Match[str]]) -> str:
    """``text`` (an HTML block; ``matches``, its :data:`TAG` matches) with ``markdown="1"`` on each
    element it opens and leaves open."""
    left_open: list[re.Match[str]] = []
    for match in matches:
        closing, name, attributes = bool(match.group(1)), match.group(2).lower(), match.group(3)
        if closing:
            opened = [i for i, m in enumerate(left_open) if m.group(2).lower() == name]
            if opened:
                del left_open[opened[-1] :]
        elif _opens(name, attributes) and not markdown_attribute(attributes):
            left_open.append(match)
    for match in reversed(left_open):
        text = f'{text[: match.end() - 1]} markdown="1"{text[match.end() - 1 :]}'
    return text


class ListShape(Treeprocessor):
    """Each list marked tight loses the paragraphs of its items (their content stays, as in
    CommonMark's tight lists); each list marked loose has its items' bare text put in paragraphs.
    A marker applies to the list that follows it at once; every marker is removed."""

    def run(self, root: etree.Element) -> None:
        if not any(util.STX in text and MARKER.search(text) for text in root.itertext()):
            return
        parents = {child: parent for parent in root.iter() for child in parent}
        shapes: list[tuple[etree.Element, bool]] = []
        for parent in list(root.iter()):
            children = list(parent)
            if (shape := _marker_at_end(parent.text)) is not None and children and children[0].tag in ("ul", "ol"):
                shapes.append((children[0], shape))
            for child, following in pairwise(children):
                if following.tag in ("ul", "ol"):
                    shape = _marker_at_end(child.tail)
                    if shape is None and child.tag == "p" and not len(child):
                        shape = _marker_at_end(child.text)
                    if shape is not None:
                        shapes.append((following, shape))
        # A marker that another extension took for a term of a definition list (pymdownx's
        # ``/// define`` block) goes with its term.
        terms = [e for e in root.iter("dt") if not len(e) and e.text and not (_without_markers(e.text) or "").strip()]
        for element in list(root.iter()):
            element.text = _without_markers(element.text)
            element.tail = _without_markers(element.tail)
        for element in [*root.iter("p"), *terms]:
            if not (element.text or "").strip() and not len(element) and element in parents:
                _remove_keep_tail(parents[element], element)
        for element, tight in shapes:
            for item in element:
                if item.tag == "li":
                    (_tighten if tight else _loosen)(item)


class StrayMarkers(Postprocessor):
    """Markers that Python-Markdown took into raw HTML (an HTML block it reads further than
    GitHub does) never reach the output."""

    def run(self, text: str) -> str:
        return MARKER.sub("", text) if util.STX in text else text


def _marker_at_end(text: str | None) -> bool | None:
    """True for a tight-list marker ending the text, False for a loose one, else None."""
    if not text or util.STX not in text:
        return None
    stripped = text.rstrip()
    if stripped.endswith(TIGHT):
        return True
    if stripped.endswith(LOOSE):
        return False
    return None


def _without_markers(text: str | None) -> str | None:
    if not text or util.STX not in text:
        return text
    return MARKER.sub("", text)


def _remove_keep_tail(parent: etree.Element, element: etree.Element) -> None:
    index = list(parent).index(element)
    tail = element.tail or ""
    if tail.strip():
        if index:
            previous = parent[index - 1]
            previous.tail = (previous.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(element)


BLOCK_CHILDREN = {"p", "ul", "ol", "pre", "blockquote", "table", "div", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "dl"}


def _tighten(item: etree.Element) -> None:
    """The item's paragraphs become its text, as a tight list shows them."""
    children = list(item)
    for child in children:
        item.remove(child)

    def add_text(text: str | None) -> None:
        if len(item):
            item[-1].tail = _glue(item[-1].tail, text)
        else:
            item.text = _glue(item.text, text)

    for child in children:
        if child.tag == "p":
            tail = child.tail
            add_text(child.text)
            for inner in list(child):
                item.append(inner)
            add_text(tail)
        else:
            item.append(child)


def _glue(before: str | None, after: str | None) -> str | None:
    if not after or not after.strip():
        return before if before else after
    if not before or not before.strip():
        return after
    return before.rstrip("\n") + "\n" + after.lstrip("\n")


def _loosen(item: etree.Element) -> None:
    """Text and inline elements of the item that stand outside any block are put in paragraphs."""
    children = list(item)
    text = item.text or ""
    item.text = None
    for child in children:
        item.remove(child)
    inline: list[etree.Element] = []

    def flush() -> None:
        if text.strip() or inline:
            paragraph = etree.SubElement(item, "p")
            paragraph.text = text.strip("\n")
            paragraph.extend(inline)

    for child in children:
        if child.tag in BLOCK_CHILDREN:
            flush()
            text, inline = child.tail or "", []
            child.tail = None
            item.append(child)
        else:
            inline.append(child)
    flush()
