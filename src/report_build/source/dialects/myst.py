"""MyST Markdown (Jupyter Book, Sphinx), read as Jupyter Book shows it.

Directives, written as fences (```` ```{name} argument ````) or colon fences (``:::{name}``), with
options (``:name: x`` lines, or a ``---`` block) before their content:

- ``{figure} path`` with ``:name:``, ``:alt:``, ``:width:`` and a caption (the first paragraph;
  the rest is the legend): a numbered figure whose id is its name;
- ``{image} path``: an image;
- ``{note}``, ``{warning}``, ``{tip}``, ``{hint}``, ``{important}``, ``{caution}``,
  ``{attention}``, ``{danger}``, ``{error}``, ``{seealso}``, and ``{admonition} Title``: callouts;
  ``:class: dropdown`` and ``{dropdown} Title``: a callout a site shows closed;
- ``{code-block} python`` (``{code}``, ``{code-cell}``): fenced code, its ``:caption:`` the code's
  title and its ``:name:`` the code's id; ``{math}``: a ```` ```math ```` block;
- ``{list-table} Caption`` and ``{csv-table} Caption``: a table, numbered with the report's tables
  when it has a caption (:mod:`.myst_tables`);
- ``{epigraph}``, ``{pull-quote}``: a pull quote; ``{tab-set}`` with ``{tab-item} Title``: a tab set;
- ``{toctree}``, ``{contents}``, ``{tableofcontents}``: dropped (the report has its own contents);
- any other directive: its content is kept, with a warning.

``(label)=`` on a line of its own names the heading or figure that follows (or the place). A
comment line (``% …``) and a block break (``+++``, with its metadata) are left out. Roles,
written before a code span, are read inline (:class:`RoleExtension`): ``{ref}`` is a link whose
text is the target's title (or the text given, ``{ref}`text <label>```), ``{numref}`` a link
"Figure 3" (or the text given, with ``%s`` or ``{number}`` for the number), ``{eq}`` the number of
an equation, ``{cite}``/``{cite:p}``/``{cite:t}`` citations; ``{sub}``, ``{sup}``, ``{abbr}`` and
``{term}``, ``{doc}``, ``{download}`` read as their text; ``{math}`` is a formula in the line.
"""

from __future__ import annotations

import html
import os
import re
import xml.etree.ElementTree as etree  # noqa: N813 (the name Python-Markdown uses)
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path

import markdown
from markdown.extensions import Extension
from markdown.inlinepatterns import InlineProcessor
from markdown.util import AtomicString

from .. import math
from ..refsyntax import Item, Reference
from .common import (
    ITEM_FENCE,
    FileContext,
    Numbered,
    file_inside,
    file_lines,
    indent_of,
    literal_code_lines,
    markup,
)
from .myst_tables import csv_table, list_table

OPENER = re.compile(r"^(\s*)(`{3,}|~{3,}|:{3,})\{([\w:-]+)\}\s*(.*?)\s*$")
FENCE = re.compile(r"^(\s*)(`{3,}|~{3,})(.*)$")
OPTION = re.compile(r"^\s*:([\w-]+):\s*(.*?)\s*$")
TARGET = re.compile(r"^\s*\(([^()\s]+)\)=\s*$")
COMMENT = re.compile(r"^ {0,3}%")  # a comment line: never shown
BLOCK_BREAK = re.compile(r"^ {0,3}\+\+\+(?:\s|$)")  # a block break, with or without its JSON metadata
HEADING = re.compile(r"^(\s{0,3}#{1,6}\s+.*?)\s*$")
ADMONITIONS = {
    "note": ("note", "Note"),
    "tip": ("tip", "Tip"),
    "hint": ("tip", "Hint"),
    "important": ("important", "Important"),
    "warning": ("warning", "Warning"),
    "attention": ("warning", "Attention"),
    "caution": ("caution", "Caution"),
    "danger": ("caution", "Danger"),
    "error": ("caution", "Error"),
    "seealso": ("note", "See also"),
    # Sphinx's version notes: the argument (the version) follows the words
    "versionadded": ("note", "New in version"),
    "versionchanged": ("note", "Changed in version"),
    "deprecated": ("warning", "Deprecated since version"),
}
CODE = {"code-block", "code", "sourcecode", "code-cell"}
DROPPED = {"toctree", "contents", "tableofcontents"}
QUOTES = {"epigraph", "pull-quote", "pullquote", "highlights"}
TABLES = {"list-table": list_table, "csv-table": csv_table}


def lines(numbered: Numbered, context: FileContext) -> Numbered:
    """The file's lines with MyST's directives and targets read."""
    out: Numbered = []
    stack: list[tuple[str, int, str]] = []  # open directives: (fence character, length, what was written)
    index = 0
    target: tuple[str, int] | None = None  # a (label)= waiting for what it names
    literal = literal_code_lines(numbered)  # indented code, code in a quote: shown as written
    while index < len(numbered):
        line, number = numbered[index]
        if index in literal:
            out.append((line, number))
            index += 1
            continue
        opener = OPENER.match(line)
        fence = FENCE.match(line) or ITEM_FENCE.match(line)  # a fence on a list item's line is code too
        if stack and _closes(line, stack[-1]):
            _fence, _length, closing = stack.pop()
            out.extend((text, number) for text in _closing(closing, indent_of(line)))
            index += 1
            continue
        if opener is not None:
            index, target = _directive(numbered, index, opener, stack, out, context, target)
            continue
        if fence is not None and not (fence.group(2)[0] == "`" and "`" in fence.group(3)):
            index = _copy_code(numbered, index, fence, out)
            continue
        if COMMENT.match(line) or BLOCK_BREAK.match(line):  # private to the author; a notebook's cell mark
            index += 1
            continue
        match = TARGET.match(line)
        if match is not None:
            if target is not None:
                out.append((f'<div id="{html.escape(target[0])}"></div>', target[1]))
            target = (match.group(1), number)
            index += 1
            continue
        if target is not None and line.strip():
            heading = HEADING.match(line)
            if heading is not None and not re.search(r"\{[^}]*#[^}]*\}\s*$", line):
                line = f"{heading.group(1)} {{#{target[0]}}}"
            else:
                out.extend(
                    [("", target[1]), (f'<div id="{html.escape(target[0])}"></div>', target[1]), ("", target[1])]
                )
            target = None
        out.append((line, number))
        index += 1
    if target is not None:
        out.append((f'<div id="{html.escape(target[0])}"></div>', target[1]))
    for _fence, _length, closing in reversed(stack):
        context.warn("MyST directive is never closed; closed at the end of the file", None)
        out.extend((text, numbered[-1][1]) for text in _closing(closing, ""))
    return out


def _closes(line: str, opened: tuple[str, int, str]) -> bool:
    stripped = line.strip()
    return bool(stripped) and set(stripped) == {opened[0]} and len(stripped) >= opened[1]


def _copy_code(numbered: Numbered, index: int, fence: re.Match[str], out: Numbered) -> int:
    """Copy a fenced code block as it is; the index after it."""
    char, length = fence.group(2)[0], len(fence.group(2))
    out.append(numbered[index])
    index += 1
    while index < len(numbered):
        out.append(numbered[index])
        stripped = numbered[index][0].strip()
        index += 1
        if stripped and set(stripped) == {char} and len(stripped) >= length:
            break
    return index


def _options(numbered: Numbered, index: int) -> tuple[dict[str, str], int]:
    """A directive's options (``:key: value`` lines, or a ``---`` YAML block) from ``index``."""
    options: dict[str, str] = {}
    if index < len(numbered) and numbered[index][0].strip() == "---":
        end = index + 1
        while end < len(numbered) and numbered[end][0].strip() != "---":
            key, _colon, value = numbered[end][0].strip().partition(":")
            if key:
                options[key.strip()] = value.strip().strip("\"'")
            end += 1
        return options, end + 1
    while index < len(numbered):
        match = OPTION.match(numbered[index][0])
        if match is None:
            break
        options[match.group(1)] = match.group(2)
        index += 1
    return options, index


def _body(numbered: Numbered, index: int, opened: tuple[str, int]) -> tuple[list[tuple[str, int]], int]:
    """The content lines of a directive read whole (figure, code); the index after its closing fence."""
    body = []
    while index < len(numbered):
        line = numbered[index][0]
        index += 1
        if _closes(line, (opened[0], opened[1], "")):
            break
        body.append(numbered[index - 1])
    return body, index


def _directive(numbered, index, opener, stack, out, context: FileContext, target):
    indent, fence, name, argument = opener.group(1), opener.group(2), opener.group(3).lower(), opener.group(4)
    number = numbered[index][1]
    options, index = _options(numbered, index + 1)
    opened = (fence[0], len(fence))
    label = options.get("name") or (target[0] if target else "")
    if name in ("figure", "image"):
        body, index = _body(numbered, index, opened)
        out.extend((text, number) for text in _figure(name, argument, options, body, label, indent))
        return index, None
    if name in CODE or name == "math":
        body, index = _body(numbered, index, opened)
        language = "math" if name == "math" else argument.split()[0] if argument else options.get("language", "")
        header = language if name == "math" else _code_header(language, options.get("caption", ""), label)
        if name != "math":  # the blank line after the options, and any at the end, are not code
            body = _trimmed(body)
            if target is not None and target[0] != label:  # the code has a name of its own: the target is a place
                out.extend([(f'<div id="{html.escape(target[0])}"></div>', target[1]), ("", target[1])])
            target = None
        out.append((f"{indent}{'`' * max(3, len(fence))}{header}", number))
        if name == "math" and argument:  # the formula written on the directive's line
            out.append((f"{indent}{argument}", number))
        out.extend(body)
        if name == "math" and options.get("label"):  # numbered, as MyST numbers it
            out.append((f"{indent}\\label{{{options['label']}}}", number))
        out.append((f"{indent}{'`' * max(3, len(fence))}", number))
        return index, target
    if target is not None and target[0] != label:  # a place, not the table a (label)= names
        out.append((f'<div id="{html.escape(target[0])}"></div>', target[1]))
    if name in TABLES:
        body, index = _body(numbered, index, opened)
        read = TABLES[name](argument, {**options, "name": label}, body, number, indent, context, lines)
        if read is None:  # not a table after all: its content is kept, as written
            read = [(text, number) for text in markup.passage(argument, indent, "component")]
            read += lines(body, context) + [(text, number) for text in markup.close(indent)]
        out.extend(read)
        return index, None
    if target is not None and target[0] == label:
        out.append((f'<div id="{html.escape(target[0])}"></div>', target[1]))
    if name in DROPPED:
        _body_lines, index = _body(numbered, index, opened)
        return index, None
    if name == "table":  # a Markdown table under its caption, numbered as the report's tables
        body, index = _body(numbered, index, opened)
        caption = " ".join(argument.split()) + (f" {{#{label}}}" if label else "")
        heading = [("", number), (f"{indent}Table: {caption}", number)] if caption.strip() else []
        out.extend([*heading, ("", number), *lines(body, context)])
        return index, None
    if name in ("include", "literalinclude"):
        _body_lines, index = _body(numbered, index, opened)
        out.extend(_include(name, argument.strip(), options, indent, label, number, context))
        return index, None
    classes = options.get("class", "").split()
    if name in ADMONITIONS or name in ("admonition", "dropdown"):
        kind, default_title = ADMONITIONS.get(name, ("note", ""))
        if name == "admonition" and classes:
            kind = ADMONITIONS.get(classes[0], (kind, ""))[0]
        title = argument if name in ("admonition", "dropdown") else (argument or default_title)
        if name in ("versionadded", "versionchanged", "deprecated"):  # "New in version 1.2"
            title = f"{default_title} {argument}".strip()
        collapsible = name == "dropdown" or "dropdown" in classes
        extra = ("collapsible open" if "open" in options else "collapsible") if collapsible else ""
        out.extend((text, number) for text in markup.callout(kind, title, indent, extra))
        stack.append((*opened, "div"))
    elif name in QUOTES:
        out.extend((text, number) for text in markup.callout("quote", "", indent))
        stack.append((*opened, "div"))
    elif name == "tab-set":
        out.extend((text, number) for text in markup.tab_set(indent))
        stack.append((*opened, "div"))
    elif name == "tab-item":
        out.extend((text, number) for text in markup.passage(argument, indent))
        stack.append((*opened, "div"))
    else:
        context.warn(f"MyST directive {{{name}}} is not known: its content is kept", number)
        out.extend((text, number) for text in markup.passage(argument, indent, "component"))
        stack.append((*opened, "div"))
    return index, None


SLICING = ("start-line", "end-line", "start-after", "end-before", "lines", "heading-offset")
INCLUDE_DEPTH = 8  # as the composition's includes
LANGUAGES = {".py": "python", ".js": "javascript", ".ts": "typescript", ".sh": "bash", ".r": "r", ".json": "json"}


def _include(
    name: str, written: str, options: dict[str, str], indent: str, label: str, number: int, context: FileContext
) -> Numbered:
    """``{include}``: the file's text in place, read as the manuscript is (through the composition's
    include, which every dialect reads) or, with ``:start-after:``, ``:end-before:``,
    ``:start-line:``, ``:end-line:`` or ``:heading-offset:``, the part they name, read here;
    ``{literalinclude}``: the file (``:lines:`` of it too) as fenced code, in its ``:language:``
    (else its suffix's) under its ``:caption:``. A file outside the manuscript's folder, or not
    found, is left out with a warning."""
    path = file_inside(context, context.path.parent / written, f"MyST {name} '{written}'", number)
    if path is None:
        return []
    if name == "include" and ("code" in options or "literal" in options):  # the file as code
        name, options = "literalinclude", {**options, "language": options.get("code", "")}
    including = context.seen.setdefault("myst-including", [])
    if name == "include" and not any(key in options for key in SLICING):
        # The composition includes it, from the file it composes (this one's includer, when this
        # one is a part read here): the path from there.
        composing = context.seen.get("myst-composing", context.path) if including else context.path
        relative = os.path.relpath(path, composing.resolve().parent).replace(os.sep, "/")
        return [("", number), (f"{indent}{{{{< include {relative} >}}}}", number), ("", number)]
    if path in including or len(including) >= INCLUDE_DEPTH:
        context.warn(f"MyST {name} '{written}' left out: it includes itself, or is included too deep", number)
        return []
    text = file_lines(context, path, f"MyST {name} '{written}'", number)
    if text is None:
        return []
    text = _sliced(text, options)
    if name == "include":
        shift = "#" * int(options["heading-offset"]) if options.get("heading-offset", "").isdigit() else ""
        code = literal_code_lines([(line, 0) for line in text])
        text = [
            f"{shift}{line}" if shift and index not in code and line.startswith("#") else line
            for index, line in enumerate(text)
        ]
        included = [("", number), *((f"{indent}{line}" if line else line, number) for line in text), ("", number)]
        if not including:
            context.seen["myst-composing"] = context.path
        including.append(path)
        try:  # read from the included file's folder: the includes it names are beside it
            return lines(included, replace(context, path=path))
        finally:
            including.pop()
    while text and not text[-1].strip():
        text.pop()
    language = options.get("language") or LANGUAGES.get(path.suffix.lower(), path.suffix.lstrip("."))
    header = _code_header(language, options.get("caption", ""), label)
    return [(line, number) for line in markup.code(header, text, indent)]


def _sliced(text: list[str], options: dict[str, str]) -> list[str]:
    """The lines an include's options keep: ``:lines: 1,3,5-10`` (counted from 1), ``:start-line:``
    and ``:end-line:`` (from 0, the end left out), then the lines after ``:start-after:``'s text
    and before ``:end-before:``'s."""
    if options.get("lines"):
        kept = []
        for part in options["lines"].split(","):
            first, _dash, last = part.strip().partition("-")
            if first.isdigit() and (not last or last.isdigit()):
                kept += text[int(first) - 1 : int(last) if last else int(first)]
            elif not first and last.isdigit():
                kept += text[: int(last)]
            elif first.isdigit() and _dash:
                kept += text[int(first) - 1 :]
        text = kept
    start, end = options.get("start-line", ""), options.get("end-line", "")
    text = text[int(start) if start.lstrip("-").isdigit() else None : int(end) if end.lstrip("-").isdigit() else None]
    joined = "\n".join(text)
    if options.get("start-after") and options["start-after"] in joined:
        joined = joined.split(options["start-after"], 1)[1].removeprefix("\n")
    if options.get("end-before") and options["end-before"] in joined:
        joined = joined.split(options["end-before"], 1)[0]
    return joined.split("\n")


def _code_header(language: str, caption: str, label: str) -> str:
    """A code fence's header: the language, and the caption as the code's title and the name as
    its id when they are given (```` ```{.python #name title="Caption"} ````). The other options
    (``:linenos:``, ``:emphasize-lines:``, ``:lineno-start:``, ``:dedent:``) are the look of a
    site's code, which the layouts set: they go."""
    caption = " ".join(caption.split())
    if not caption and not label:
        return language
    parts = [f".{language}"] if re.fullmatch(r"[\w+#.-]+", language) else []
    if label:
        parts.append(f"#{label}")
    if caption:
        if '"' in caption and "'" not in caption:
            parts.append(f"title='{caption}'")
        else:  # no quote mark can stand inside the quotes: a closing one in its place
            parts.append('title="{}"'.format(caption.replace('"', "\u201d")))
    return "{" + " ".join(parts) + "}"


def _trimmed(body: list[tuple[str, int]]) -> list[tuple[str, int]]:
    """A directive's content without the blank lines before and after it."""
    start, end = 0, len(body)
    while start < end and not body[start][0].strip():
        start += 1
    while end > start and not body[end - 1][0].strip():
        end -= 1
    return body[start:end]


def _closing(what: str, indent: str) -> list[str]:
    return markup.close(indent) if what == "div" else []


def _figure(name: str, path: str, options: dict[str, str], body: list[tuple[str, int]], label: str, indent: str):
    """A figure: the first paragraph of its content is the caption, the rest its legend."""
    text = [line.strip() for line, _ in body]
    while text and not text[0]:
        text.pop(0)
    split = text.index("") if "" in text else len(text)
    caption = " ".join(text[:split]) if name == "figure" else ""
    legend = text[split:]
    attributes = " ".join(
        f'{key}="{html.escape(options[key])}"'
        for key in ("width", "height")
        if options.get(key, "").rstrip("px").isdigit()
    ).replace("px", "")
    alt = options.get("alt") or re.sub(r"[*_`]|\{[\w:-]+\}", "", caption) or Path(path).stem
    lines = markup.figure(path.strip(), alt, caption, label, indent, attributes)
    return lines + [indent + line for line in legend] + ([""] if legend else [])


# -- roles ---------------------------------------------------------------------------------

ROLE = re.compile(r"\{([\w:-]+)\}(`+)(.+?)(?<!`)\2(?!`)")
EXPLICIT = re.compile(r"^(.*?)\s*<([^<>]+)>$", re.DOTALL)
TEXT_ROLES = {"term", "doc", "download", "abbr", "guilabel", "menuselection", "command"}
CODE_ROLES = {"code": "code", "literal": "code", "file": "code", "kbd": "kbd", "samp": "samp"}
"""Roles whose text is code (``{code}`x = 1```), a key or sample output: shown as written."""


class _Role(InlineProcessor):
    """One role, ``{name}`text```; an unknown one keeps its text, with a warning."""

    def __init__(self, warn: Callable[[str, str], None]):
        super().__init__(ROLE.pattern)
        self.warn = warn

    def handleMatch(self, m: re.Match[str], data: str):  # noqa: N802 (Python-Markdown's name)
        if data[: m.start()].count("`") % 2:  # inside a code span
            return None, None, None
        name, content = m.group(1).lower(), m.group(3).strip()
        explicit = EXPLICIT.match(content)
        shown, label = (explicit.group(1), explicit.group(2)) if explicit else ("", content)
        if name == "math":  # a formula in the line, as $…$ would be
            element = etree.Element("span", {"class": math.INLINE})
            element.text = AtomicString(m.group(3))
            return element, m.start(0), m.end(0)
        if name in ("ref", "numref", "eq", "any", "numref:fig"):
            style = {"ref": "title", "any": "title", "numref": "numref", "eq": "equation"}.get(name, "numref")
            item = Item(label.strip(), text=shown.strip())
            return Reference((item,), False, m.group(0), style).encode(), m.start(0), m.end(0)
        if name.startswith("cite"):
            keys = tuple(Item(key.strip()) for key in content.split(",") if key.strip())
            bracketed = name not in ("cite:t", "cite:ts", "citet")
            return Reference(keys, bracketed, m.group(0)).encode(), m.start(0), m.end(0)
        if name in ("sub", "sup"):
            element = etree.Element(name)
            element.text = content
            return element, m.start(0), m.end(0)
        if name in CODE_ROLES:  # inline code, as written ({code}`x = 1`, {kbd}`Ctrl`, {samp}`ls -l`)
            element = etree.Element(CODE_ROLES[name])
            element.text = AtomicString(m.group(3))
            return element, m.start(0), m.end(0)
        if name == "abbr":
            element = etree.Element("abbr")
            element.text = shown or content
            if explicit:
                element.set("title", explicit.group(2))
            return element, m.start(0), m.end(0)
        if name not in TEXT_ROLES:
            self.warn(f"MyST role {{{name}}} is not known: its text is shown", m.group(0))
        element = etree.Element("span")
        element.text = shown or content
        return element, m.start(0), m.end(0)


class RoleExtension(Extension):
    """Registers :class:`_Role` before code spans (a role's argument is written as one)."""

    def __init__(self, warn: Callable[[str, str], None], **kwargs: object):
        super().__init__(**kwargs)
        self.warn = warn

    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 (Python-Markdown's name)
        md.inlinePatterns.register(_Role(self.warn), "report_build_myst_role", 191)


def extension(path: Path, warn: Callable[[str, str], None], lines: Sequence[str] = ()) -> Extension:
    return RoleExtension(warn)


__all__ = ["RoleExtension", "extension", "lines"]
