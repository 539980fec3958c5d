"""Quirks of Markdown written for Jekyll/kramdown sites: Liquid tags and kramdown's block
attribute lists, handled before Python-Markdown (:func:`preprocess`), and the attribute lists
applied to their blocks once it has read the block structure (:class:`BlockAttributesExtension`).

Each rewrite keeps the line count, so messages still name the right line.

A **block attribute list** (block IAL), ``{: #id .class key="value"}`` on a line of its own, sets
attributes on the block written right before it, or, after a blank line, on the block right
after it (kramdown's rule: before and after, the one before; with blank lines both sides,
none). Its id and classes are set (and ``lang``, ``dir``, ``title``); any other attribute is left
out, as a page here keeps no other. Written inside a quote (``> {: .note}``) it is the quoted
block's. GitHub's reading would run the line into the paragraph above it, or show it as text,
so :func:`preprocess` marks each one with where it applies, ``{:< …}`` (the block before, and
how many quotes up) or ``{:> …}`` (the block after), and :class:`BlockAttributes` takes the
marks out of the text and sets the attributes.

**Callouts** as Just the Docs writes them: a paragraph or a quote whose class names a kind of
callout, ``{: .note }``, ``{: .warning }``, ``{: .important }``, ``{: .new }``, ``{: .highlight }``
(and the project's other kinds: ``.tip``, ``.caution`` …), before or after it, is that callout,
as ``!!! note`` makes it (titled by the kind, in the document's language; ``highlight`` has no
title); ``{: .note-title }`` takes its title from the quote's first paragraph (or, in a quote of
one paragraph, its first line). Minimal Mistakes' notices (``{: .notice--info}``) are callouts too,
untitled as that theme shows them.

**Comments and kramdown's extensions** (:func:`_extensions`): a kramdown ``{::comment}``, a
Liquid ``{% comment %}`` and a Jinja ``{# … #}`` are never shown, what ``{::nomarkdown}`` holds
is passed on as raw HTML, and ``{::options /}`` goes.
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as etree  # noqa: N813 (the name Python-Markdown uses)
from collections.abc import Callable

import markdown
from markdown.extensions import Extension
from markdown.extensions.attr_list import get_attrs
from markdown.preprocessors import Preprocessor
from markdown.treeprocessors import Treeprocessor
from markdown.util import HTML_PLACEHOLDER

from ..contract import UNLISTED
from .text import CODE_SPAN, QUOTE_MARKS, indented_code_lines, quoted_code_lines

SITE_VARIABLE = re.compile(r"\{\{\s*site\.(baseurl|url)\s*\}\}/?")
INCLUDE_CALLOUT = re.compile(r"\{%\s*include\s+(\S+)((?:\s+\w+\s*=\s*\"[^\"]*\")*)\s*%\}")
PARAM = re.compile(r"(\w+)\s*=\s*\"([^\"]*)\"")
LIQUID = re.compile(r"(?<!\{)\{%.*?%\}(?!\})|\{\{(?![<%]).*?\}\}")  # not Hugo's {{< … >}} and {{% … %}}
RAW = re.compile(r"\{%-?\s*(end)?raw\s*-?%\}")
SUBSTITUTION = re.compile(r"\{\{\s*([A-Za-z_][\w.-]*)\s*\}\}")
PAGE_VARIABLE = re.compile(
    r"\{\{\s*(?:\$frontmatter|\$page\.frontmatter|\$page|page\.meta|page)\.([A-Za-z_]\w*)\s*\}\}"
)
"""A template variable naming the page's own front matter: Jekyll's and mkdocs-macros' ``{{ page.title }}``
(``page.meta.x``), VuePress's and VitePress's ``{{ $frontmatter.title }}`` (``$page.title``)."""
ATX_HEADING = re.compile(r"^ {0,3}#{1,6}(?:[ \t]|$)")
PUNCTUATION = re.compile(r"([\\`*_{}\[\]<>#|!$~^=])")
BLOCK_IAL = re.compile(r"^(?P<prefix>[ \t]*(?:>[ \t]?)*)\{:(?P<body>[^}]*)\}[ \t]*$")  # in quotes too
NOT_AN_IAL = re.compile(r"^(?::|[\w-]+:)")  # {::options …} and {::comment}, {:name: …} (a definition): no block's
MARK = re.compile(r"^[ \t]*\{:(?P<direction>[<>])(?P<levels>\d*) (?P<body>[^}\n]*)\}[ \t]*$")
"""A block attribute list as :func:`preprocess` leaves it: ``<`` the block before it (``levels``:
how many quotes up), ``>`` the block after it."""
FENCE_LINE = re.compile(r"^ {0,3}(?:`{3,}|~{3,})")
CLOSING_FENCE_LINE = re.compile(r"^ {0,3}(?:`{3,}|~{3,})[ \t]*$")
MARKDOWN_INSIDE = re.compile(r"^\s*<[A-Za-z][^<>]*\smarkdown\b", re.IGNORECASE)  # <div markdown="1">
KRAMDOWN_TOC = re.compile(r"^\s*\{:\s*toc\s*\}\s*$")
TOC_ITEM = re.compile(r"^\s*(?:[*+-]|\d{1,9}[.)])\s+")  # the list item {:toc} replaces: "* TOC", "1. TOC"
HIGHLIGHT = re.compile(r"^(\s*)\{%-?\s*highlight\s+([\w#+.-]+)[^%]*-?%\}\s*$")
END_HIGHLIGHT = re.compile(r"^(\s*)\{%-?\s*endhighlight\s*-?%\}\s*$")
CHAINED_IAL = re.compile(r"\}\{:")

Warn = Callable[[str, int], None]


def preprocess(
    lines: list[str],
    code_lines: frozenset[int],
    first_line: int,
    warn: Warn,
    substitutions: dict[str, str] | None = None,
    page: dict[str, str] | None = None,
) -> list[str]:
    """Rewrite Liquid tags and kramdown attribute lists; ``first_line`` is the file line of lines[0].
    A block attribute list (``{: .class}``) alone on its line is marked with the block it applies
    to, for :class:`BlockAttributes`, or removed where it applies to none (see the module); after
    a table it stays as written, the table's (:class:`.github.GitHubTable`).

    A template tag (``{{ x }}``, ``{% x %}``) means something only to the site's template engine
    (Jekyll's Liquid, mkdocs-macros, Jinja): it is removed, with a warning, except where it is
    text to show: in fenced, indented or inline code, and between ``{% raw %}`` and
    ``{% endraw %}`` (whose tags go). ``{{ name }}`` naming one of MyST's front-matter
    ``substitutions`` is its value, and a variable naming the page's front matter (``page``: its
    values by key; ``{{ page.title }}``, ``{{ $frontmatter.title }}``) the value it names. A
    heading that held only tags removed is removed too, rather than left without text. Jekyll's
    ``{% highlight ruby %}`` … ``{% endhighlight %}``, each tag on its own line, is fenced code in
    that language, as Jekyll shows it."""
    out = list(lines)
    # Every rewrite here starts at a brace ("{{", "{%", "{:"), and the raw state changes only at
    # a tag: a line without one is kept as it is, and a text without one is returned at once.
    if not any("{" in line for line in lines):
        return out
    indented = indented_code_lines(lines) | quoted_code_lines(lines)
    if any("{::" in line or "comment" in line or "{#" in line for line in lines):
        code = indented | {index for index in range(len(lines)) if first_line + index in code_lines}
        out = lines = _extensions(lines, code | raw_lines(lines))
    raw = False  # between {% raw %} and {% endraw %}
    for index, line in enumerate(lines):
        if "{" not in line:
            continue
        number = first_line + index
        if number in code_lines or index in indented:
            if "raw" in line and RAW.search(line):
                _raw_tags_in_code(out, index)
            continue
        if KRAMDOWN_TOC.match(line):
            out[index] = ""
            if index and TOC_ITEM.match(out[index - 1]):
                out[index - 1] = ""
            warn("kramdown '{:toc}' marker removed: the report has its own contents page", number)
            continue
        if (fence := HIGHLIGHT.match(line) or END_HIGHLIGHT.match(line)) is not None:
            out[index] = fence.group(1) + "````" + (fence.group(2) if fence.re is HIGHLIGHT else "")
            continue
        if (attributes := BLOCK_IAL.match(CHAINED_IAL.sub(" ", line))) is not None:  # {: .a}{: .b}: one list
            if not _after_table(lines, index):  # after a table, the table's (source/github.py)
                after_code = number - 1 in code_lines or index - 1 in indented
                out[index] = _block_attributes(out, index, attributes, after_code)
            continue
        line = SITE_VARIABLE.sub("", line)
        line = CHAINED_IAL.sub(" ", line)
        line = INCLUDE_CALLOUT.sub(lambda m, n=number: _include(m, n, warn), line)
        pieces, at = [], 0
        for span in [*CODE_SPAN.finditer(line), None]:  # text, then the code span after it
            text = line[at : span.start() if span else len(line)]
            for number_in_line, piece in enumerate(RAW.split(text)):
                if number_in_line % 2:  # a raw tag's group: None opens, "end" closes
                    raw = piece is None
                else:
                    pieces.append(piece if raw else _template(piece, number, warn, substitutions, page))
            if span is not None:  # code is shown as written; `{% raw %}…{% endraw %}` in it shows what it holds
                code = span.group()
                whole = "end" in RAW.findall(code) and None in [m.group(1) for m in RAW.finditer(code)]
                pieces.append(RAW.sub("", code) if whole else code)
                at = span.end()
        out[index] = "".join(pieces)
        if out[index] != line and ATX_HEADING.match(out[index]) and not out[index].strip(" \t#"):
            out[index] = ""  # "# {{ site.title }}": a heading without text, which nothing could show
    return out


def _raw_tags_in_code(out: list[str], index: int) -> None:
    """``{% raw %}`` and ``{% endraw %}`` in code removed, as Liquid removes them there too (a
    site's code that shows template tags holds them). A tag alone on the first line of fenced
    code trades places with the fence, and one alone on its last line with the closing fence,
    so that the code starts and ends with its own lines (each line keeps its number)."""
    line = RAW.sub("", out[index])
    out[index] = line
    if line.strip():
        return
    if index and FENCE_LINE.match(out[index - 1]):
        out[index - 1], out[index] = "", out[index - 1]
    elif index + 1 < len(out) and CLOSING_FENCE_LINE.match(out[index + 1]):
        out[index], out[index + 1] = out[index + 1], ""


EXTENSION = re.compile(
    r"\{::(?P<kramdown>comment|nomarkdown)\}|\{:/(?P<closes>comment|nomarkdown)?\}|\{::options\b[^}]*/\}"
    r"|(?P<liquid>\{%-?\s*comment\s*-?%\})|(?P<endliquid>\{%-?\s*endcomment\s*-?%\})"
    r"|(?P<jinja>\{#[\s-])|(?P<endjinja>#\})"
)
"""The tags that hide or pass on text: kramdown's extensions (an opening tag, its name; a closing
one, its name or none, ``{:/}`` closing the last opened; the options tag, which closes itself),
Liquid's ``{% comment %}`` … ``{% endcomment %}`` and Jinja's ``{# … #}`` (mkdocs-macros: a space
or a ``-`` after ``{#``, never there in an attribute list's ``{#id .class}``)."""
HIDING = frozenset({"comment", "liquid", "jinja"})  # what is open while its text is hidden
MAY_HOLD = ("{:", "{%", "{#", "#}")  # a line without one of these holds no tag


def _extensions(lines: list[str], code: set[int]) -> list[str]:
    """``lines`` with the tags that hide text read as their tools read them: kramdown's
    ``{::comment}`` … ``{:/comment}`` (or ``{:/}``), Liquid's ``{% comment %}`` …
    ``{% endcomment %}`` and Jinja's ``{# … #}`` removed with what they hold, on one line or over
    several (a note the authors kept from their readers: a line it held whole is left blank, or
    a blank line of its quote, so that the lines keep their numbers); kramdown's
    ``{::nomarkdown}`` … ``{:/nomarkdown}``'s tags removed and what they hold kept (raw HTML,
    passed on as kramdown passes it); ``{::options … /}`` removed. ``code``: the indexes of code
    lines, whose tags are text, as are those in code spans."""
    out = list(lines)
    inside: str | None = None  # what was opened and not yet closed: "comment", "nomarkdown", "liquid", "jinja"
    for index, line in enumerate(lines):
        if inside is None and (index in code or not any(tag in line for tag in MAY_HOLD)):
            continue
        hiding = inside in HIDING
        quoted = QUOTE_MARKS.match(line)
        marks = quoted.group() if quoted and hiding else ""  # a quote's marks stay: it goes on
        if hiding and not any(tag in line for tag in MAY_HOLD):
            out[index] = marks.rstrip()
            continue
        spans = [] if hiding else [span.span() for span in CODE_SPAN.finditer(line)]
        pieces, at = [marks], 0
        for tag in EXTENSION.finditer(line):
            if any(start <= tag.start() < end for start, end in spans):
                continue
            if inside is None and _hides(tag) and not _closed_after(lines, index, tag, code):
                continue  # a comment never closed: text, as its tool would show it (Liquid's tag goes later)
            if inside == "nomarkdown" and "".join(pieces).strip(" \t>"):  # within a line: raw HTML, not Markdown
                pieces.append(_not_markdown(line[at : tag.start()]))
            elif inside not in HIDING:
                pieces.append(line[at : tag.start()])
            inside, kept = _read_tag(tag, inside)
            if kept:
                pieces.append(tag.group())
            at = tag.end()
        if inside not in HIDING:
            pieces.append(line[at:])
        kept_text = "".join(pieces)
        out[index] = kept_text if kept_text.strip(" \t>") else kept_text.rstrip(" \t")
    return out


def _not_markdown(text: str) -> str:
    """``text`` (raw HTML within a line, after other text) with the characters Markdown reads in
    running text escaped outside its tags, so that ``a {::nomarkdown}<b>*x*</b>{:/nomarkdown}``
    shows the stars, as kramdown does. (At the start of a line, raw HTML may be a block, which
    Markdown leaves as it is, escapes too.)"""
    return re.sub(r"(<[^<>]*>)|([\\`*_\[\]~])", lambda m: m.group(1) or "\\" + m.group(2), text)


def _hides(tag: re.Match[str]) -> bool:
    """Whether ``tag`` opens a comment (kramdown's, Liquid's or Jinja's)."""
    return tag.group("kramdown") == "comment" or bool(tag.group("liquid") or tag.group("jinja"))


def _closed_after(lines: list[str], index: int, tag: re.Match[str], code: set[int]) -> bool:
    """Whether the comment ``tag`` opens on line ``index`` is closed after it, outside code."""
    closing = (
        re.compile(r"\{:/(?:comment)?\}")
        if tag.group("kramdown")
        else re.compile(r"\{%-?\s*endcomment\s*-?%\}")
        if tag.group("liquid")
        else re.compile(r"#\}")
    )
    if closing.search(lines[index], tag.end()):
        return True
    return any(closing.search(line) for at, line in enumerate(lines[index + 1 :], index + 1) if at not in code)


def raw_lines(lines: list[str]) -> set[int]:
    """Indexes of the lines between Liquid's ``{% raw %}`` and ``{% endraw %}`` (theirs too):
    text shown as written, a comment's tags in it too."""
    found: set[int] = set()
    raw = False
    for index, line in enumerate(lines):
        tags = RAW.findall(line) if "raw" in line else []
        if raw or tags:
            found.add(index)
        for closing in tags:
            raw = not closing
    return found


def _read_tag(tag: re.Match[str], inside: str | None) -> tuple[str | None, bool]:
    """What is open after ``tag``, and whether the tag itself is text to keep (a tag met inside
    ``{::nomarkdown}``, or a closing tag of another kind there); the rest are removed."""
    opened = tag.group("kramdown") or ("liquid" if tag.group("liquid") else "jinja" if tag.group("jinja") else None)
    if opened is not None:
        if inside is None:
            return opened, False
        return inside, inside == "nomarkdown"  # nested: in a comment, hidden with it; in raw HTML, text
    if tag.group("endliquid") or tag.group("endjinja"):
        closes = "liquid" if tag.group("endliquid") else "jinja"
        return (
            (None, False)
            if inside == closes
            else (inside, inside == "nomarkdown" or (inside is None and closes == "jinja"))
        )
    if tag.group().startswith("{:/"):  # kramdown's closing tag
        if inside in ("comment", "nomarkdown") and tag.group("closes") in (None, inside):
            return None, False
        return inside, inside == "nomarkdown"
    return inside, False  # the options tag


def _template(
    text: str, number: int, warn: Warn, substitutions: dict[str, str] | None, page: dict[str, str] | None = None
) -> str:
    """``text`` (no code in it) with MyST's substitutions and the page's variables made, and the
    other template tags removed."""
    if substitutions:
        text = SUBSTITUTION.sub(lambda m: substitutions.get(m.group(1), m.group()), text)
    if page and ("page" in text or "$frontmatter" in text):
        text = PAGE_VARIABLE.sub(
            lambda m: PUNCTUATION.sub(r"\\\1", page[m.group(1)]) if m.group(1) in page else m.group(), text
        )
    for tag in LIQUID.findall(text):
        warn(
            f"template tag '{tag}' removed: a site's template engine (Jekyll's Liquid, mkdocs-macros, Jinja) "
            "fills it in, and a report runs none",
            number,
        )
    return LIQUID.sub("", text)


def _block_attributes(lines: list[str], index: int, found: re.Match[str], after_code: bool) -> str:
    """The block attribute list ``found`` on ``lines[index]`` (the lines above already rewritten),
    marked with where it applies (see the module), or removed where it applies to nothing a page
    keeps: alone between blank lines, after code or raw HTML, or a kramdown extension
    (``{::comment}``) or attribute definition (``{:name: .class}``)."""
    prefix, body = found.group("prefix"), found.group("body").strip()
    removed = prefix.rstrip()  # a quote's '>' marks stay: the quote goes on
    depth = prefix.count(">")
    if NOT_AN_IAL.match(body):
        return removed
    previous = _in_quote(lines[index - 1], depth) if index else None
    if previous is not None and MARKDOWN_INSIDE.match(previous):
        previous = ""  # the first line inside <div markdown="1">: the start of its content
    if previous is not None and previous.strip():
        if (stacked := MARK.match(previous)) is not None:  # two lists in a row apply to the same block
            return f"{prefix}{{:{stacked.group('direction')}{stacked.group('levels')} {body}}}"
        levels = _quote_depth(lines, index - 1) - depth
        if levels <= 0 and (after_code or previous.lstrip().startswith("<") or FENCE_LINE.match(previous)):
            return removed
        return f"{prefix}{{:<{max(levels, 0)} {body}}}"
    following = lines[index + 1] if index + 1 < len(lines) else ""
    if following.strip(" \t>"):
        return f"{prefix}{{:> {body}}}"
    return removed


def _in_quote(line: str, depth: int) -> str | None:
    """``line`` without the marks of ``depth`` quotes; None when it has fewer."""
    for _ in range(depth):
        stripped = line.lstrip(" \t")
        if not stripped.startswith(">"):
            return None
        line = stripped[1:]
        line = line[1:] if line.startswith(" ") else line
    return line


def _depth(line: str) -> int:
    return len(re.match(r"^(?:[ \t]*>)*", line).group(0).replace(" ", "").replace("\t", ""))


def _quote_depth(lines: list[str], index: int) -> int:
    """How many quotes ``lines[index]`` is in, a lazy line (``> a`` then ``b``) counted in the
    quote whose paragraph it goes on."""
    depth = _depth(lines[index])
    while index > 0 and lines[index].strip(" \t>") and lines[index - 1].strip(" \t>"):
        if _depth(lines[index]) > _depth(lines[index - 1]):
            break
        depth = max(depth, _depth(lines[index - 1]))
        index -= 1
    return depth


TABLE_DELIMITER = re.compile(r"^ {0,3}\|?[ \t]*:?-+:?[ \t]*(\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*$")


def _after_table(lines: list[str], index: int) -> bool:
    """Whether ``lines[index]`` comes right after a pipe table: the lines above it, up to a
    blank line, hold a delimiter row (``|---|---|``) and every one a pipe."""
    for above in range(index - 1, -1, -1):
        line = lines[above]
        if "|" not in line:
            return False
        if TABLE_DELIMITER.match(line) and above > 0 and "|" in lines[above - 1]:
            return True
    return False


def _include(match: re.Match[str], number: int, warn: Warn) -> str:
    params = dict(PARAM.findall(match.group(2)))
    content = params.get("content", "")
    if not content:
        warn(f"Jekyll include '{match.group(1)}' removed: only includes with content= can be shown", number)
        return ""
    heading = params.get("heading", "")
    title = f'<p class="admonition-title">{html.escape(heading)}</p>' if heading else ""
    return f'<div class="admonition note">{title}<p>{html.escape(content)}</p></div>'


def page_values(front: dict) -> dict[str, str]:
    """The front matter's values a template variable may name: its texts, numbers and dates."""
    import datetime as dt

    found = {}
    for key, value in front.items():
        if isinstance(value, (str, int, float, dt.date)) and not isinstance(value, bool):
            found[str(key)] = " ".join(str(value).split())
    return found


# -- block attribute lists, applied to their blocks --------------------------------------------

NO_TOC = "no_toc"
"""kramdown's class for a heading its generated contents leave out (Just the Docs' page titles)."""


def unlisted_sections(root: etree.Element) -> None:
    """A section heading marked ``{: .no_toc }`` left out of every contents, as pandoc's
    ``{.unlisted}`` leaves it (:data:`..contract.UNLISTED`), once the headings have their levels
    in the report (``h1`` a chapter). kramdown's ``no_toc`` keeps a heading out of the page's own
    ``{:toc}`` list, whose place the report's contents take; a chapter's heading stays listed:
    Just the Docs writes ``no_toc`` under every page's title, and the site's navigation lists the
    page all the same."""
    for element in root.iter():
        classes = (element.get("class") or "").split() if element.tag in HEADINGS[1:] else []
        if NO_TOC in classes and UNLISTED not in classes:
            element.set("class", " ".join([*classes, UNLISTED]))


KEEPS = frozenset({"id", "lang", "dir", "title"})
"""What a block attribute list may set besides classes: what every page keeps (:mod:`.sanitize`)."""
CALLOUTS = frozenset(
    {
        # Just the Docs' usual kinds (a site names its own in _config.yml: these are the ones its pages show)
        *("note", "warning", "important", "new", "highlight"),
        # the project's other kinds of callout (the strings files' "callouts")
        *("tip", "hint", "caution", "attention", "danger", "error", "info", "example", "abstract", "summary"),
        *("success", "question", "failure", "bug"),
    }
)
UNTITLED = frozenset({"highlight"})
"""Callouts shown without a title: Just the Docs' ``highlight`` only colours its text."""
NOTICES = {
    "notice": "note",
    "notice--primary": "note",
    "notice--info": "info",
    "notice--warning": "warning",
    "notice--success": "success",
    "notice--danger": "danger",
}
"""Minimal Mistakes' notices (``{: .notice--warning}``): callouts of those kinds, untitled as the
theme shows them (their text usually opens with its own "**Note:**")."""


class Marked(Preprocessor):
    """Notes whether the text holds a marked attribute list at all (most hold none), so that
    :class:`BlockAttributes` need not look through the tree of one that does not."""

    def __init__(self, md: markdown.Markdown, attributes: BlockAttributes) -> None:
        super().__init__(md)
        self.attributes = attributes

    def run(self, lines: list[str]) -> list[str]:
        self.attributes.marked = "{:" in "\n".join(lines)  # one search: a walk through the lines is slower
        return lines


class BlockAttributes(Treeprocessor):
    """Sets each block attribute list :func:`preprocess` marked on its block, takes the marks out
    of the text, and makes the callouts (see the module). Runs once the blocks are read, before
    the inline patterns: a paragraph's text is still the Markdown written."""

    marked = False

    def run(self, root: etree.Element) -> None:
        if not self.marked:
            return
        stash = self.md.htmlStash.rawHtmlBlocks
        for index, block in enumerate(stash):  # raw HTML keeps no attribute list of its own
            if isinstance(block, str) and MARK_TEXT.search(block):
                stash[index] = _unmarked(block)
        parents = {child: parent for parent in root.iter() for child in parent}
        for element in list(root.iter()):
            if element.tag == "p" and element.text and MARK_TEXT.search(element.text) and not len(element):
                self._paragraph(element, parents)
            elif element.tag in HEADINGS and (mark := HEADING_MARK.match(element.text or "")) is not None:
                _set(element, mark.group(1))  # "{: .x}" right before a setext heading's text: the heading's
                element.text = element.text[mark.end() :]
            elif element.text and MARK_TEXT.search(element.text):  # a list item's, a definition's: its own
                lines = element.text.split("\n")
                for line in lines:
                    if (mark := MARK_THEN.match(line)) is not None:
                        _set(_climbed(element, int(mark.group("levels") or 0), parents), mark.group("body"))
                element.text = _unmarked(element.text)
            if element.tail and MARK_TEXT.search(element.tail):
                element.tail = _unmarked(element.tail)
        for element in list(root.iter()):
            if element.tag in ("p", "blockquote") and _kind(element) is not None:
                _callout(element, parents)

    @staticmethod
    def _paragraph(paragraph: etree.Element, parents: dict[etree.Element, etree.Element]) -> None:
        """A paragraph whose lines hold marks: each run of text between them a paragraph of its
        own (an attribute list between two lines ends the first paragraph, as in kramdown), each
        mark's attributes set on the run it names, or else on the block beside the paragraph."""
        parent = parents[paragraph]
        pieces: list[list[str] | re.Match[str]] = []  # runs of lines and marks, in order
        for line in (paragraph.text or "").split("\n"):
            if (mark := MARK.match(line)) is not None:
                pieces.append(mark)
            elif pieces and isinstance(pieces[-1], list):
                pieces[-1].append(line)
            else:
                pieces.append([line])
        at = list(parent).index(paragraph)
        before = parent[at - 1] if at else None
        after = parent[at + 1] if at + 1 < len(parent) else None
        made: dict[int, etree.Element] = {}  # the paragraph of each run, by its place in pieces
        holders: set[etree.Element] = set()  # those that only hold raw HTML's place
        for position, piece in enumerate(pieces):
            if isinstance(piece, list):
                element = paragraph if not made else etree.Element("p")
                if all(RAW_HTML.fullmatch(line.strip()) or TAG_LINE.match(line) for line in piece):
                    holders.add(element)  # raw HTML, or its place: no attributes
                element.text = "\n".join(piece)
                if made:
                    parent.insert(at + len(made), element)
                    parents[element] = parent
                made[position] = element
        if paragraph in holders:
            paragraph.attrib.clear()  # what a list before it set: raw HTML keeps none
        last = list(made.values())[-1] if made else None
        if last is not None and last is not paragraph:
            last.tail, paragraph.tail = paragraph.tail, None
        for position, piece in enumerate(pieces):
            if isinstance(piece, list):
                continue
            levels = int(piece.group("levels") or 0)
            if piece.group("direction") == "<":
                runs = [made[p] for p in range(position) if p in made]
                target = (runs or [before])[-1]
                if runs and levels:  # after a quote: the quote's, and the lines after it are out of the quote
                    target = _climbed(runs[-1], levels, parents)
                    _move_after(target, [made[p] for p in range(position + 1, len(pieces)) if p in made], parents)
            else:
                runs = [made[p] for p in range(position + 1, len(pieces)) if p in made]
                target = runs[0] if runs else after
            if target is not None and target not in holders:
                _set(target, piece.group("body"))
        if not made:
            _remove(paragraph, parent)


MARK_TEXT = re.compile(r"^[ \t]*\{:[<>]", re.MULTILINE)
HEADING_MARK = re.compile(r"^\{:>\d* ([^}\n]*)\}\s+")
HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
PLACEHOLDER = re.escape(HTML_PLACEHOLDER).replace("%s", r"\d+")
RAW_HTML = re.compile(rf"(?:{PLACEHOLDER}\s*)+")  # a line that only holds raw HTML's place
TAG_LINE = re.compile(r"^\s*</?[A-Za-z][^<>]*>\s*$")  # a tag alone on its line (in a quote, left as text)


MARK_THEN = re.compile(r"^[ \t]*\{:(?P<direction>[<>])(?P<levels>\d*) (?P<body>[^}\n]*)\}[ \t]*")
"""A mark at the start of a line that may hold more after it: what a tree processor put there
before this one runs (the placeholder of the back link that ends a footnote's last paragraph)."""


def _unmarked(text: str) -> str:
    """``text`` without the marks that start its lines (see :func:`preprocess`): a line that only
    held one goes, whatever followed one on its line stays."""
    kept = []
    for line in text.split("\n"):
        mark = MARK_THEN.match(line)
        if mark is None:
            kept.append(line)
        elif line[mark.end() :]:
            kept.append(line[mark.end() :])
    return "\n".join(kept)


def _climbed(element: etree.Element, levels: int, parents: dict[etree.Element, etree.Element]) -> etree.Element:
    """The quote ``levels`` quotes up from ``element`` (the outermost there is, if fewer)."""
    for _ in range(levels):
        above = parents.get(element)
        while above is not None and above.tag != "blockquote":
            above = parents.get(above)
        if above is None:
            break
        element = above
    return element


def _move_after(
    anchor: etree.Element, elements: list[etree.Element], parents: dict[etree.Element, etree.Element]
) -> None:
    """``elements`` (siblings, in order) moved to right after ``anchor``, in its parent."""
    if not elements or parents.get(anchor) is None:
        return
    above = parents[anchor]
    for offset, element in enumerate(elements, 1):
        parents[element].remove(element)
        above.insert(list(above).index(anchor) + offset, element)
        parents[element] = above


def _set(element: etree.Element, text: str) -> None:
    """The id, classes, ``lang``, ``dir`` and ``title`` the attribute list ``text`` names, set on
    ``element``; the rest left out."""
    classes = (element.get("class") or "").split()
    for name, value in get_attrs(text):
        if name == "." and value and value not in classes:
            classes.append(value)
        elif name in KEEPS and value:
            element.set(name, value)
    if classes:
        element.set("class", " ".join(classes))


def _remove(element: etree.Element, parent: etree.Element) -> None:
    """``element`` out of ``parent``, its tail kept."""
    index = list(parent).index(element)
    if element.tail:
        if index:
            parent[index - 1].tail = (parent[index - 1].tail or "") + element.tail
        else:
            parent.text = (parent.text or "") + element.tail
    parent.remove(element)


def _kind(element: etree.Element) -> tuple[str, bool, str] | None:
    """The kind of callout ``element``'s classes name, whether it takes its title from its text
    (``.note-title``), and the class that names it; None when they name none."""
    for name in (element.get("class") or "").split():
        if name in NOTICES:
            return NOTICES[name], False, name
        kind, titled = (name[: -len("-title")], True) if name.endswith("-title") else (name, False)
        if kind in CALLOUTS:
            return kind, titled, name
    return None


def _callout(element: etree.Element, parents: dict[etree.Element, etree.Element]) -> None:
    """A paragraph or a quote as the callout its class names, the HTML ``!!! note`` makes:
    ``<div class="admonition note"><p class="admonition-title">Note</p>…</div>``."""
    found = _kind(element)
    assert found is not None
    kind, titled, named = found
    parent = parents[element]
    classes = [c for c in (element.get("class") or "").split() if c not in (kind, f"{kind}-title", named)]
    callout = etree.Element("div", {"class": " ".join(["admonition", kind, *classes])})
    for name in KEEPS:
        if element.get(name):
            callout.set(name, element.attrib.pop(name))
    element.attrib.pop("class", None)
    body = list(element) if element.tag == "blockquote" else [element]
    title = ""
    if titled:
        first = body[0] if body else None
        if first is not None and first.tag == "p" and (len(body) > 1 or "\n" not in (first.text or "")):
            title, body = first.text or "", body[1:]
        elif first is not None and first.tag == "p":
            title, _, rest = (first.text or "").partition("\n")
            first.text = rest
    elif kind not in UNTITLED and named not in NOTICES:
        title = kind.capitalize()  # the word of the document's language (passes/blocks.py)
    if title.strip():
        etree.SubElement(callout, "p", {"class": "admonition-title"}).text = title.strip()
    for child in body:
        if element.tag == "blockquote":
            element.remove(child)
        callout.append(child)
        parents[child] = callout
    index = list(parent).index(element)
    callout.tail = element.tail
    if element.tag == "p":
        element.tail = None
    parent.remove(element)
    parent.insert(index, callout)
    parents[callout] = parent


class BlockAttributesExtension(Extension):
    """Registers :class:`BlockAttributes` after the lists are shaped (29), before the inline
    patterns (20)."""

    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 (Python-Markdown's name)
        attributes = BlockAttributes(md)
        md.preprocessors.register(Marked(md, attributes), "report_build_marked_attributes", 40.5)
        md.treeprocessors.register(attributes, "report_build_block_attributes", 25)
