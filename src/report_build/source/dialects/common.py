"""What the dialects share: reading a file's lines around fenced code, tool parameters, and the
few pieces of raw HTML the line passes write (tab passages and callouts look the same whichever
tool they came from)."""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lxml.html import defs
from markdown.util import HTML_PLACEHOLDER

from ...contract import CODE_ANNOTATIONS, PASSAGE, PASSAGE_TITLE, TAB_SET, VIDEO
from ...errors import ManuscriptError
from .. import math
from ..text import CODE_SPAN, indented_code_lines, quoted_code_lines, read_text

Numbered = list[tuple[str, int]]
"""Lines of one file with the number of the file line each came from."""


@dataclass
class FileContext:
    """What a line pass may know: the file it reads, the report it belongs to, where warnings go."""

    path: Path  # the file being composed
    manuscript: Path  # the main file
    report_files: frozenset[Path] = frozenset()  # the manuscript and its chapter files, resolved
    warn: Callable[[str, int | None], None] = lambda message, line: None
    seen: dict[str, Any] = field(default_factory=dict)  # what a dialect counts across files (inline notes)
    front: dict[str, Any] = field(default_factory=dict)  # the manuscript's front matter
    inputs: list[Path] = field(default_factory=list)  # files a pass reads (a table's CSV): the build's inputs
    report_order: tuple[Path, ...] = ()  # the report's files in the order the build joins them, resolved


COMPONENT_NAME = (
    "(?!(?:" + "|".join(sorted((tag.upper() for tag in defs.tags), key=len, reverse=True)) + r")(?![\w.]))[A-Z][\w.]*"
)
"""The name of an MDX component, capitalised (``Tabs``, ``Foo.Bar``); an HTML element written in
capitals, as older pages write them (``<CENTER>``, ``<IMG SRC=…>``, ``<BR>``), is HTML, not one."""


# -- reading lines -------------------------------------------------------------------------

FENCE = re.compile(r"^(\s*)(`{3,}|~{3,})(.*)$")
ITEM_FENCE = re.compile(r"^(\s*(?:(?:[-*+]|\d{1,9}[.)])[ \t]+)+)(`{3,}|~{3,})(.*)$")


def code_lines(numbered: Numbered) -> frozenset[int]:
    """Indexes of the lines of code, which no dialect's pass rewrites: fenced code, fences
    included, at any indentation (a fence in a list item or a content tab is code too); fenced
    or indented code in a quote; indented code, in a list item too (:mod:`..text`). Kept for
    the same lines: most passes hand on the text they were given, and the next asks again."""
    return _kept(CODE_LINES, numbered, lambda: {i for i, (_line, _n, code) in enumerate(fence_walk(numbered)) if code})


CODE_LINES: dict[tuple[str, ...], frozenset[int]] = {}
LITERAL_LINES: dict[tuple[str, ...], frozenset[int]] = {}
KEPT = 8  # texts each keeps (those of one file's passes)


def _kept(
    kept: dict[tuple[str, ...], frozenset[int]], numbered: Numbered, make: Callable[[], set[int]]
) -> frozenset[int]:
    """What ``make`` finds in these lines: found again only when the lines differ."""
    key = tuple(line for line, _number in numbered)
    found = kept.get(key)
    if found is None:
        if len(kept) >= KEPT:
            kept.clear()
        found = kept[key] = frozenset(make())
    return found


def fenced_code_lines(numbered: Numbered) -> set[int]:
    """Indexes of the lines of fenced code only, fences included, at any indentation: what MDX,
    which has no indented code, reads as code."""
    inside: Fence | None = None
    found = set()
    for index, (line, _number) in enumerate(numbered):
        code, inside = fence_step(line, inside)
        if code:
            found.add(index)
    return found


Fence = tuple[str, int]
"""An open code fence: its character and its length."""


def fence_step(line: str, inside: Fence | None) -> tuple[bool, Fence | None]:
    """One line of a walk through fenced code: whether the line is code (a fence included), and
    the fence open after it. A backtick fence's info string holds no backtick; a closing fence
    is of the opening's character, at least as long, and has no info string."""
    match = FENCE.match(line)
    if inside is None:
        match = match or ITEM_FENCE.match(line)  # a fence that opens on a list item's line: "- ```"
        if match and not (match.group(2)[0] == "`" and "`" in match.group(3)):
            return True, (match.group(2)[0], len(match.group(2)))
        return False, None
    if match and match.group(2)[0] == inside[0] and len(match.group(2)) >= inside[1] and not match.group(3).strip():
        return True, None
    return True, inside


def fence_walk(numbered: Numbered, marks: re.Pattern[str] | None = None) -> Iterator[tuple[str, int, bool]]:
    """Each line, its number and whether it is code (:func:`code_lines`), an opening fence's
    info string without what a tool glues to its language: where ``marks`` matches the opening
    line, its first group (the fence and the language) and what follows the match (HackMD's
    ``javascript=``, VuePress's ``js{2}`` are ``javascript``, ``js``). Every other line as it is.
    A line of indented or quoted code is code as it is: no fence opens or closes there."""
    literal = literal_code_lines(numbered)
    inside: Fence | None = None
    for index, (line, number) in enumerate(numbered):
        if index in literal and inside is None:
            yield line, number, True
            continue
        was = inside
        code, inside = fence_step(line, inside)
        found = marks.match(line) if marks is not None and code and was is None else None
        yield (found.group(1) + line[found.end() :] if found else line), number, code


def literal_code_lines(numbered: Numbered) -> frozenset[int]:
    """Indexes of the lines of indented code (in a list item too) and of code in a quote, where
    no fence opens (:func:`..text.indented_code_lines`, :func:`..text.quoted_code_lines`)."""
    lines = [line for line, _number in numbered]
    return _kept(LITERAL_LINES, numbered, lambda: indented_code_lines(lines) | quoted_code_lines(lines))


def file_inside(context: FileContext, path: Path, written: str, number: int) -> Path | None:
    """``path`` resolved, when it is a file inside the manuscript's folder (a symbolic link may
    not lead out of it); else None, with a warning that ``written`` (what names it, as the
    message shows it) is left out."""
    resolved = path.resolve()
    if resolved.is_file() and resolved.is_relative_to(context.manuscript.parent.resolve()):
        return resolved
    context.warn(f"{written} left out: no such file inside the manuscript's folder", number)
    return None


def file_lines(context: FileContext, path: Path, written: str, number: int) -> list[str] | None:
    """The lines of the file ``path`` (found by :func:`file_inside`), an input of the build from
    now on; None, with a warning that ``written`` is left out, when it is not UTF-8 text."""
    try:
        text = read_text(path)
    except ManuscriptError:
        context.warn(f"{written} left out: the file is not UTF-8 text", number)
        return None
    context.inputs.append(path)
    return text.split("\n")


def code_fence(lines: list[str]) -> str:
    """Backticks that open fenced code holding ``lines``: three, or one more than the longest run
    of backticks in them, so that none of their lines closes it."""
    return "`" * max([3, *(len(run) + 1 for line in lines for run in re.findall(r"`{3,}", line))])


def indent_of(line: str) -> str:
    return line[: len(line) - len(line.lstrip(" \t"))]


LIST_ITEM_START = re.compile(r"^(\s*)([-*+]|\d{1,9}[.)])(\s+)\S")  # a list item's marker: (indent, marker, space)


def in_list_item(numbered: Numbered, index: int) -> bool:
    """Whether the indented line at ``index`` is text of a list item above it: the nearest line
    above that is less indented and not blank is an item whose text starts at or before this
    line's indentation, by less than four columns more (four more is code in the item, and an
    indented line elsewhere is code, in plain Markdown)."""
    column = len(indent_of(numbered[index][0]).expandtabs(4))
    if column == 0:
        return False
    for back in range(index - 1, -1, -1):
        text = numbered[back][0].expandtabs(4)
        if not text.strip() or len(indent_of(text)) >= column:
            continue
        marker = LIST_ITEM_START.match(text)
        return marker is not None and marker.end(3) <= column < marker.end(3) + 4
    return False


def parameters(text: str) -> tuple[list[str], dict[str, str]]:
    """Positional and named parameters as Hugo, MDX and MyST write them:
    ``a "b c" key="v" key2='w' key3=x``."""
    positional: list[str] = []
    named: dict[str, str] = {}
    pattern = re.compile(r"""(?:([\w.-]+)\s*=\s*)?("(?:[^"\\]|\\.)*"|'[^']*'|`[^`]*`|\{[^}]*\}|[^\s"'=]+)""")
    for match in pattern.finditer(text):
        value = match.group(2)
        if value[:1] in "\"'`" and value[-1:] == value[:1] and len(value) >= 2:
            value = value[1:-1]
            value = value.replace('\\"', '"')
        elif value.startswith("{") and value.endswith("}"):  # MDX: label={"x"} or {'x'}
            value = value[1:-1].strip().strip("\"'`")
        if match.group(1):
            named[match.group(1)] = value
        else:
            positional.append(value)
    return positional, named


# -- formulas --------------------------------------------------------------------------------

Spans = dict[int, list[tuple[int, int]]]
"""For each index of a line, the (start, end) of its characters that are something's (a formula's)."""
MATH_MARKS = re.compile(r"\$|\\[(\[]|\\begin\{")
INLINE_MATH = re.compile(math.PATTERN)
CODE_MATH = re.compile(math.CODE_PATTERN)
PARAGRAPH_START = re.compile(r"^[ \t>]*(?:#{1,6}(?:[ \t]|$)|(?:[-+*]|\d{1,9}[.)])(?:[ \t]|$))")
"""A line that starts a block of its own (a heading, a list item): the text before it is another paragraph's."""
TABLE_LINE = re.compile(r"^[ \t>]*\|")


def formula_spans(numbered: Numbered) -> Spans:
    """Where the math reader (:mod:`..math`) will find formulas in a file's lines, as it finds
    them: ``$…$`` (no space after the opening ``$``, none before the closing one, no digit after
    it), ``$$…$$``, GitHub's ``$`…`$``, ``\\(…\\)`` and ``\\[…\\]`` holding TeX (not
    Markdown's escaped brackets, ``\\[sic\\]``), over the lines of a paragraph (so ``$$`` on
    lines of their own too), never in code nor a link's address; and a display environment,
    ``\\begin{equation}`` … ``\\end{equation}`` on lines of their own. A paragraph here ends at a
    blank line, fenced code, a heading or a list item; a table's row is read cell by cell, as
    each cell is a text of its own. For each index of a line that holds a formula, or a part of
    one, the spans of its characters that are the formula's, delimiters included."""
    if not any(MATH_MARKS.search(line) for line, _number in numbered):
        return {}
    code = code_lines(numbered)
    found: Spans = {}
    paragraph: list[int] = []
    environment = ""  # the \end{…} that closes the display environment the lines are in
    for index, (line, _number) in enumerate(numbered):
        if environment:
            found[index] = [(0, len(line))]
            environment = "" if environment in line else environment
            continue
        opened = math.DISPLAY_ENVIRONMENT.match(line) if index not in code else None
        closes = f"\\end{{{opened.group(1)}{opened.group(2)}}}" if opened else ""
        if opened and _environment_closes(numbered, index, closes):
            _paragraph_formulas(numbered, paragraph, found)
            paragraph = []
            found[index] = [(0, len(line))]
            environment = "" if closes in line[opened.end() :] else closes
            continue
        if index in code or not line.strip() or PARAGRAPH_START.match(line) or TABLE_LINE.match(line):
            _paragraph_formulas(numbered, paragraph, found)
            paragraph = []
        if index in code or not line.strip():
            continue
        if TABLE_LINE.match(line):
            _cells_formulas(line, index, found)
        else:
            paragraph.append(index)
    _paragraph_formulas(numbered, paragraph, found)
    return found


def _environment_closes(numbered: Numbered, index: int, closes: str) -> bool:
    """Whether a display environment opened on line ``index`` closes before a blank line, with
    nothing after its end (the math reader's rule: else it is text)."""
    for line, _number in numbered[index:]:
        if not line.strip():
            return False
        if closes in line:
            return not line.split(closes, 1)[1].strip()
    return False


def _paragraph_formulas(numbered: Numbered, paragraph: list[int], found: Spans) -> None:
    """The formulas of a paragraph's lines (their indexes), as the math reader finds them in its text."""
    if not paragraph:
        return
    starts, at = [], 0
    for index in paragraph:
        starts.append(at)
        at += len(numbered[index][0]) + 1
    text = "\n".join(numbered[index][0] for index in paragraph)
    if not MATH_MARKS.search(text):
        return
    spans = _formulas_in(text)
    for (start, end), (position, index) in ((span, line) for span in spans for line in enumerate(paragraph)):
        line_start = starts[position]
        line_end = line_start + len(numbered[index][0])
        if start < line_end and end > line_start:  # this line holds a part of the formula
            found.setdefault(index, []).append((max(start, line_start) - line_start, min(end, line_end) - line_start))


def _cells_formulas(line: str, index: int, found: Spans) -> None:
    """The formulas of a table row's cells (a ``|`` not escaped nor in code ends a cell)."""
    code = [span.span() for span in CODE_SPAN.finditer(line)]
    bars = [m.start() for m in re.finditer(r"(?<!\\)\|", line) if not any(a <= m.start() < b for a, b in code)]
    for start, end in zip([0, *(bar + 1 for bar in bars)], [*bars, len(line)], strict=True):
        for a, b in _formulas_in(line[start:end]):
            found.setdefault(index, []).append((start + a, start + b))


def _formulas_in(text: str) -> list[tuple[int, int]]:
    """The spans of the formulas in a text, as :mod:`..math`'s inline patterns find them: GitHub's
    ``$`…`$`` first, then code spans (which hold none), then the others."""
    spans = [m.span() for m in CODE_MATH.finditer(text)]
    masked = CODE_MATH.sub(lambda m: "\x02" + "_" * (len(m.group()) - 2) + "\x03", text)
    masked = CODE_SPAN.sub(lambda m: "\x02" + "_" * (len(m.group()) - 2) + "\x03", masked)
    for match in INLINE_MATH.finditer(masked):
        before = masked[: match.start()]
        opened = before.rfind("](")
        if opened >= 0 and not re.search(r"[\s)]", before[opened + 2 :]):
            continue  # inside a link's address
        escaped = match.group("brackets") if match.group("brackets") is not None else match.group("parens")
        if escaped is not None and not math.TEX_LIKE.search(escaped):
            continue  # \[sic\]: Markdown's escaped brackets
        spans.append(match.span())
    return sorted(spans)


SUMMARY = re.compile(r"<summary(\s[^<>]*)?>((?:(?!</?summary\b).)*)</summary\s*>", re.IGNORECASE)
INLINE_MARKDOWN = re.compile(r"[*_`~\[\\$]")
"""What only Markdown's inline syntax makes of a summary's text: emphasis, code, links, escapes, formulas."""


def summary_read_as_markdown(line: str) -> str:
    """``line`` with each ``<summary>…</summary>`` written on it whose text holds inline
    Markdown (``Click **here**``) marked ``markdown="span"``, so that its Markdown is read
    (Python-Markdown's ``md_in_html``), as MDX and MkDocs' ``md_in_html`` read it. GitHub shows
    raw HTML as written: a dialect decides whether to call this."""
    if "<summary" not in line.lower():
        return line

    def marked(match: re.Match[str]) -> str:
        attributes = match.group(1) or ""
        if not INLINE_MARKDOWN.search(match.group(2)) or re.search(r"\bmarkdown\b", attributes, re.IGNORECASE):
            return match.group()
        return f'<summary{attributes} markdown="span">{match.group(2)}</summary>'

    code = [span.span() for span in CODE_SPAN.finditer(line)]
    return SUMMARY.sub(lambda m: m.group() if any(a <= m.start() < b for a, b in code) else marked(m), line)


# -- code annotations ----------------------------------------------------------------------

HTML_BLOCK_OPEN = re.compile(
    r"^(?P<indent> {0,3})<(?P<tag>div|section|aside|article|header|footer|main|center)\b(?P<attributes>[^<>]*?)>"
    r"(?P<rest>.*)$",
    re.IGNORECASE,
)
MARKDOWN_SYNTAX = re.compile(r"\*\*|__|`|\]\(|^\s*(?:[-*+]|\d{1,9}[.)]|#{1,6})\s|(?<![\w*])\*\w|(?<!\w)_\w")


def markdown_in_html_blocks(numbered: Numbered) -> Numbered:
    """The lines with each HTML block element (``<div class="rmdtip">`` … ``</div>``) marked to
    have its text read as Markdown (``markdown="1"``), as pandoc reads a block's text
    (``markdown_in_html_blocks``) and MDX a component's, where GitHub shows it as written: when
    its text holds Markdown's syntax and no line indented as code (which would become code). An
    element opened and closed on one line has its text put on a line of its own."""
    if not any("<" in line and HTML_BLOCK_OPEN.match(line) for line, _number in numbered):
        return numbered
    code = code_lines(numbered)
    replaced: dict[int, list[str]] = {}
    for index, (line, _number) in enumerate(numbered):
        opened = HTML_BLOCK_OPEN.match(line) if index not in code else None
        if opened is None or "markdown" in opened.group("attributes").lower():
            continue
        closing = re.compile(rf"</{opened.group('tag')}\s*>", re.IGNORECASE)
        end = next((after for after in range(index, len(numbered)) if closing.search(numbered[after][0])), None)
        if end is None:
            continue
        rest = opened.group("rest")
        inside = [closing.split(rest)[0]] if end == index else [rest, *(text for text, _n in numbered[index + 1 : end])]
        if end > index:
            inside.append(closing.split(numbered[end][0])[0])
        if any(text.startswith(("    ", "\t")) and text.strip() for text in inside):
            continue
        if not any(MARKDOWN_SYNTAX.search(text) for text in inside):
            continue
        tag = f'{opened.group("indent")}<{opened.group("tag")}{opened.group("attributes").rstrip()} markdown="1">'
        if end == index:  # <div class="x">text</div>: the text on a line of its own
            closed = closing.search(rest)
            replaced[index] = [tag, inside[0], closed.group() + rest[closed.end() :]]  # type: ignore[union-attr]
        else:
            replaced[index] = [tag, rest] if rest.strip() else [tag]
    if not replaced:
        return numbered
    return [(text, number) for index, (line, number) in enumerate(numbered) for text in replaced.get(index, [line])]


PLACEHOLDER = re.compile(re.escape(HTML_PLACEHOLDER).replace("%s", r"(\d+)"))


def annotate_code(md: Any, previous: Any, notes: Any, marker: re.Pattern[str]) -> bool:
    """Code annotations, as MkDocs Material and Quarto write them: when ``previous`` (an element
    of Python-Markdown's tree) stands for a code block whose lines carry ``marker`` (its groups
    ``space`` and ``number``, matched in the block's HTML), each marker becomes a small "(1)" in
    the code and the numbered list ``notes`` that follows the annotations' notes
    (``ol.code-annotations``). Whether any marker was found."""
    found = PLACEHOLDER.fullmatch((previous.text or "").strip()) if previous.tag == "p" and not len(previous) else None
    if found is None:
        return False
    stash = md.htmlStash.rawHtmlBlocks
    block = str(stash[int(found.group(1))])
    if "<pre" not in block:
        return False
    marked, count = marker.subn(
        lambda m: f'{m.group("space")}<span class="code-annotation">({m.group("number")})</span>', block
    )
    if count:
        stash[int(found.group(1))] = marked
        notes.set("class", " ".join(filter(None, [notes.get("class"), CODE_ANNOTATIONS])))
    return bool(count)


# -- the raw HTML the line passes write --------------------------------------------------------


class markup:  # noqa: N801 (a namespace of line builders)
    """Lines of raw HTML for Python-Markdown's ``md_in_html``: blank lines around each tag, so that
    the Markdown between them is still read as Markdown."""

    @staticmethod
    def callout(kind: str, title: str = "", indent: str = "", classes: str = "") -> list[str]:
        """The opening of a callout (``!!! kind "title"``); :meth:`close` ends it. The title is
        Markdown (inline)."""
        extra = f" {classes}" if classes else ""
        lines = ["", f'{indent}<div class="admonition {html.escape(kind)}{extra}" markdown="1">', ""]
        return lines + title_lines(title, "admonition-title", indent)

    @staticmethod
    def tab_set(indent: str = "") -> list[str]:
        return ["", f'{indent}<div class="{TAB_SET}" markdown="1">', ""]

    @staticmethod
    def passage(title: str, indent: str = "", kind: str = "tab") -> list[str]:
        """A titled passage: one tab of a tab set, or a component's content with its title."""
        lines = ["", f'{indent}<div class="{PASSAGE} {kind}" markdown="1">', ""]
        return lines + title_lines(title, PASSAGE_TITLE, indent)

    @staticmethod
    def close(indent: str = "") -> list[str]:
        return ["", f"{indent}</div>", ""]

    @staticmethod
    def code(info: str, lines: list[str], indent: str = "") -> list[str]:
        """``lines`` as fenced code, its opening fence followed by ``info`` (a language, a title)."""
        fence = code_fence(lines)
        body = [f"{indent}{line}" if line else line for line in lines]
        return ["", f"{indent}{fence}{info}", *body, f"{indent}{fence}", ""]

    @staticmethod
    def figure(src: str, alt: str, caption: str, ident: str = "", indent: str = "", attributes: str = "") -> list[str]:
        """A figure whose caption is Markdown (inline): numbered when it has one, by ``ident`` if given."""
        id_attribute = f' id="{html.escape(ident)}"' if ident else ""
        extra = f" {attributes}" if attributes else ""
        lines = [
            "",
            f'{indent}<figure{id_attribute} markdown="1">',
            f'{indent}<img src="{html.escape(src)}" alt="{html.escape(" ".join(alt.split()))}"{extra}/>',
        ]
        if caption.strip():
            lines.append(f'{indent}<figcaption markdown="span">{_inline(caption)}</figcaption>')
        return [*lines, f"{indent}</figure>", ""]

    @staticmethod
    def video(url: str, title: str = "", indent: str = "") -> list[str]:
        """A video's place in a page that cannot play it: a link to it, with its title if given."""
        shown = _inline(title) if title.strip() else url.replace("[", "\\[").replace("]", "\\]")
        link = f"[{shown}](<{url}>)" if " " in url else f"[{shown}]({url})"
        opening = f'{indent}<div class="{VIDEO}" markdown="1">'
        return ["", opening, "", f"{indent}Video: {link}", "", f"{indent}</div>", ""]


def title_lines(title: str, class_name: str, indent: str) -> list[str]:
    """A callout's or a passage's title line. Indented (inside a list item, where Python-Markdown
    reads raw HTML line by line), a paragraph with an attribute list: a raw ``<p>`` there would sit
    inside a paragraph of its own."""
    if not title.strip():
        return []
    if indent:  # "{.x}", not "{:", which kramdown pages drop; a title that would open a block is escaped
        text = re.sub(r"^(\d{1,9})([.)])(?=\s|$)", r"\1\\\2", _inline(title))
        text = "\\" + text if text[:1] in "#>-+*=|" else text
        return [f"{indent}{text}", f"{indent}{{.{class_name}}}", ""]
    return [f'<p class="{class_name}" markdown="span">{_inline(title)}</p>', ""]


def _inline(text: str) -> str:
    """Markdown text to sit inside a raw HTML tag on one line: no tag of its own can open there."""
    return " ".join(text.replace("<", "&lt;").split())


PANDOC_DIV = re.compile(r"^\s{0,3}:{3,}\s*(?:\{[^}]*\}|[\w-]+)\s*:*\s*$")
MYST_COLON = re.compile(r"^\s*:{3,}\{[\w:-]+\}")
COLON_CLOSE = re.compile(r"^\s{0,3}:{3,}\s*$")


def colon_opener(line: str) -> str | None:
    """What a ``:::`` line opens: ``pandoc`` (a fenced div), ``myst`` (a MyST colon fence) or None
    (a closing fence, or not a colon fence). A Docusaurus admonition is recognised by its dialect."""
    if MYST_COLON.match(line):
        return "myst"
    if PANDOC_DIV.match(line):
        return "pandoc"
    return None


# -- markdown-it-container blocks ------------------------------------------------------------

CONTAINER = re.compile(r"^(\s*)(:{3,})\s*([\w-]+)(?:\s+(.*?))?\s*$")
"""A ``:::`` container's opening as markdown-it-container reads it (VuePress, VitePress, HackMD):
its indentation, colons, name and the rest of the line (a title)."""
ANY_OPENING = re.compile(r"^\s*:{3,}\s*\S")
Container = Callable[[str, str, str, int], tuple[list[str], list[str]] | None]
"""What a dialect makes of one container it reads: ``(name, title, indentation, line)`` to the
lines that open it and those that close it, or None to leave it to another reader."""


def colon_containers(
    numbered: Numbered, context: FileContext, read: Container, tool: str, names: frozenset[str], text: str = ""
) -> Numbered:
    """The lines with the ``:::`` containers ``read`` takes (of ``names``) rewritten, each closed
    at the ``:::`` that closes it; every other ``:::`` block (a Docusaurus admonition, a pandoc
    div, a MyST fence) is counted, so that its closing line is never taken for one of them, and
    left as it is. A container never closed is closed at the end of the file, with a warning
    naming ``tool``. ``text``: the lines joined, when the caller has them."""
    text = text or "\n".join(line for line, _number in numbered)
    if ":::" not in text or not re.search(r":::[ \t]*(?:" + "|".join(map(re.escape, names)) + r")\b", text):
        return numbered
    code = code_lines(numbered)
    out: Numbered = []
    opened: list[tuple[str, int, list[str]] | None] = []  # each open block: (name, line, closing lines) if read
    for index, (line, number) in enumerate(numbered):
        if index in code or ":::" not in line:
            out.append((line, number))
            continue
        if COLON_CLOSE.match(line) or re.match(r"^\s*:{3,}\s*$", line):
            if opened:
                mine = opened.pop()
                if mine is not None:
                    out.extend((text, number) for text in mine[2])
                    continue
            out.append((line, number))
            continue
        container = CONTAINER.match(line)
        written = read(container.group(3), container.group(4) or "", container.group(1), number) if container else None
        if written is not None:
            opened.append((container.group(3), number, written[1]))
            out.extend((text, number) for text in written[0])
            continue
        if ANY_OPENING.match(line):
            opened.append(None)
        out.append((line, number))
    for mine in reversed(opened):
        if mine is not None:
            context.warn(f"{tool} container '::: {mine[0]}' is never closed; closed at the end of the file", mine[1])
            out.extend((text, numbered[-1][1]) for text in mine[2])
    return out
