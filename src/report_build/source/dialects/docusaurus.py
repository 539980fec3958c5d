"""Docusaurus pages (Markdown and MDX), read as a Docusaurus site shows them.

- admonitions ``:::note``, ``:::tip Title``, ``:::info[Title]`` ... closed by ``:::``: callouts
  (``info`` and ``secondary`` read as notes, ``danger`` as a caution, ``success`` as a tip; without
  a title, the type's name is the title, as Docusaurus shows it). A pandoc fenced div is still a
  fenced div: ``::: {.aside}`` (with braces) is never an admonition, and the ``:::`` that closes a
  div is told apart from the one that closes an admonition by nesting;
- MDX ``import`` and ``export`` lines and ``{/* comments */}`` are dropped: a site runs them, a
  reader never sees them;
- in an MDX file, ``{expressions}`` in the text: ``{frontMatter.title}`` is the front matter's
  value, ``{'text'}`` its text, any other is left out with a warning (:mod:`.mdx`);
- in an MDX file, a ``<summary>`` written on one line has its Markdown read (``<summary>Click
  **here**</summary>``), as MDX reads the text inside a tag that opens and closes on its line;
- ``<Tabs>`` with ``<TabItem value="x" label="X">``: a tab set, each tab a titled passage; a tab
  without a ``label`` is titled by the label ``<Tabs values={[{label: 'X', value: 'x'}]}>`` gives
  its value (Docusaurus's older way), else by its value;
  ``<Admonition type="tip" title="…">``: a callout; ``<CodeBlock language="jsx" title="…">``
  holding a string (```{`…`}```) or a file imported with raw-loader: fenced code;
- any other component written on lines of its own (``<DetailedExplanation title="…">`` …
  ``</DetailedExplanation>``): its children are kept, as a passage titled by its ``title``, with a
  warning naming the line; a component with no children (``<Thing />``) is removed, with a warning,
  unless it is a Markdown file the page imports (``import Intro from './_intro.mdx'``, a partial):
  that file's text, in its place.

A fence's title (```` ```ts title="app/store.ts" ````) is read with all fenced code
(:mod:`..fences`).
"""

from __future__ import annotations

import html
import os
import re
from typing import Any

import yaml

from ..text import CODE_SPAN, outside_code_spans
from . import mdx
from .common import (
    COLON_CLOSE,
    COMPONENT_NAME,
    Fence,
    FileContext,
    Numbered,
    code_fence,
    code_lines,
    colon_opener,
    fence_step,
    fenced_code_lines,
    file_inside,
    file_lines,
    in_list_item,
    indent_of,
    literal_code_lines,
    markdown_in_html_blocks,
    markup,
    parameters,
    summary_read_as_markdown,
)

TYPES = {
    "note": ("note", "Note"),
    "tip": ("tip", "Tip"),
    "info": ("note", "Info"),
    "caution": ("caution", "Caution"),
    "danger": ("caution", "Danger"),
    "warning": ("warning", "Warning"),
    "important": ("important", "Important"),
    "success": ("tip", "Success"),
    "secondary": ("note", "Note"),
}
ADMONITION = re.compile(r"^(\s*):{3,}\s*(" + "|".join(TYPES) + r")(?:\[(.*)\]|\s+(.*?))?\s*(?:\{.*\})?\s*$")
"""An admonition's opening line, at any indentation (inside a list item: MDX has no indented code)."""
QUOTED = re.compile(r"^((?:[ ]{0,3}>[ ]?)+)(.*)$")
"""A line inside a block quote: its ``>`` marks, and the rest."""
CLOSE = re.compile(r"^\s*:{3,}\s*$")
IMPORT = re.compile(r"""^import\s+(?:(?:type\s+)?[\w*{}\s,$]+\s+from\s+)?['"][^'"]+['"];?\s*$""")
EXPORT = re.compile(r"^export\s+(?:default\s+)?(?:const|let|var|function|class|async\s+function)\b")
MDX_COMMENT = re.compile(r"\{/\*.*?\*/\}")
MDX_COMMENT_OPEN = re.compile(r"\{/\*")  # left after the comments closed on their line: one that runs on


def _comment_runs_on(line: str) -> re.Match[str] | None:
    """Where an MDX comment that runs on past ``line`` opens (outside code spans), if one does."""
    shown = MDX_COMMENT.sub("", line)
    spans = [span.span() for span in CODE_SPAN.finditer(shown)]
    return next(
        (found for found in MDX_COMMENT_OPEN.finditer(shown) if not any(a <= found.start() < b for a, b in spans)),
        None,
    )


TAG_START = re.compile(rf"^(\s*)<({COMPONENT_NAME})(\s[^<>]*)?$|^(\s*)<({COMPONENT_NAME})(\s[^<>]*?)?(/?)>\s*$")
TAG_END = re.compile(rf"^\s*</({COMPONENT_NAME})>\s*$")


# A line of code that only tells Docusaurus which lines to highlight, in any language's comment.
MAGIC_COMMENT = re.compile(
    r"^\s*(?://|#|--|%|;|/\*|<!--|\{/\*)\s*highlight-(?:next-line|start|end)\s*(?:\*/\}?|-->)?\s*$"
)


def lines(numbered: Numbered, context: FileContext) -> Numbered:
    """The file's lines with Docusaurus's admonitions, MDX lines and components read."""
    expressions = mdx.Expressions(context.front, context.warn) if mdx.is_mdx(numbered, context.path) else None
    numbered = list(_dedented_in_components(numbered))  # a copy: a comment's last line is rewritten in it
    if "<CodeBlock" in "\n".join(line for line, _number in numbered):
        numbered = _code_blocks(numbered, context)
    code = code_lines(numbered)
    partials = _partials(numbered, code, context)
    out: Numbered = []
    colons: list[str] = []  # what each open ':::' opened: admonition, pandoc, myst
    colon_lines: list[int] = []  # the line each was opened at
    components: list[Component] = []
    quoted: list[str] = []  # the '>' marks of each admonition open inside a block quote
    quoted_fence: Fence | None = None  # the fence of a code block open inside a block quote
    indents: list[str] = []  # the indentation each open admonition was written with (in a list item)
    index = 0
    while index < len(numbered):
        line, number = numbered[index]
        if index in code:
            if not MAGIC_COMMENT.match(line):  # Docusaurus highlights the lines and removes the comment
                out.append((line, number))
            index += 1
            continue
        inside, literal = QUOTED.match(line), False
        if inside is None:
            quoted.clear()  # a quote's end closes what it holds
            quoted_fence = None
        else:
            literal, quoted_fence = fence_step(inside.group(2), quoted_fence)  # code: its ':::' are text
        if inside is not None and (quoted or (not literal and ADMONITION.match(inside.group(2)))):
            if expressions is not None and not literal:
                inside = QUOTED.match(expressions.line(line, number))
            out.append((_in_quote(inside.group(1), inside.group(2), quoted, literal), number))
            index += 1
            continue
        opened = _comment_runs_on(line) if expressions is not None and "{/*" in line else None
        if opened is not None:  # an MDX comment over lines: to its end, which no code line holds
            end = next(
                (
                    after
                    for after in range(index + 1, len(numbered))
                    if after not in code and "*/}" in numbered[after][0]
                ),
                None,
            )
            if end is not None and not any(after in code for after in range(index + 1, end)):
                shown = MDX_COMMENT.sub("", line)
                before, after = shown[: opened.start()], numbered[end][0].split("*/}", 1)[1]  # type: ignore[union-attr]
                out.extend(("", numbered[at][1]) for at in range(index, end))  # blank: the lines keep their numbers
                numbered[end] = (
                    (before + after, numbered[end][1]) if (before + after).strip() else ("", numbered[end][1])
                )
                index = end
                continue
        if "{/*" in line:
            line = MDX_COMMENT.sub("", line)
            if not line.strip():
                index += 1
                continue
        if "={" in line:
            line = outside_code_spans(line, lambda text: JSX_TAG.sub(_jsx_attributes, text))
        if not line.startswith((" ", "\t")) and (IMPORT.match(line) or EXPORT.match(line)):
            index = _skip_statement(numbered, index)
            continue
        admonition = ADMONITION.match(line)
        nested = admonition is not None and in_list_item(numbered, index)
        if admonition is not None and (nested or len(admonition.group(1).expandtabs(4)) <= 3):
            kind, title = _kind_and_title(admonition)
            colons.append("admonition")
            colon_lines.append(number)
            indents.append(admonition.group(1) if nested else "")
            out.extend((text, number) for text in markup.callout(kind, title, indents[-1]))
            index += 1
            continue
        opened = colon_opener(line)
        if opened is not None:
            colons.append(opened)
            colon_lines.append(number)
            out.append((line, number))
            index += 1
            continue
        if (COLON_CLOSE.match(line) or (CLOSE.match(line) and colons[-1:] == ["admonition"])) and colons:
            colon_lines.pop()
            if colons.pop() == "admonition":
                out.extend((text, number) for text in markup.close(indents.pop() if indents else ""))
            else:
                out.append((line, number))
            index += 1
            continue
        if "<" in line:
            handled = _component(numbered, index, components, context, out, partials)
            if handled:
                index = handled
                continue
        if expressions is not None and not literal:  # MDX: braces are JavaScript, a summary's text Markdown
            line = summary_read_as_markdown(expressions.line(line, number))
        out.append((line, number))
        index += 1
    for name, what, opened_at, _labels in reversed(components):  # never closed: closed at the end, with a warning
        context.warn(f"MDX <{name}> is never closed (</{name}>); closed at the end of the file", opened_at)
        if what != "dropped":
            out.extend((text, numbered[-1][1]) for text in markup.close(""))
    for what, opened_at in reversed(list(zip(colons, colon_lines, strict=True))):
        if what == "admonition":
            context.warn("admonition ':::' is never closed; closed at the end of the file", opened_at)
            out.extend((text, numbered[-1][1]) for text in markup.close(indents.pop() if indents else ""))
    return markdown_in_html_blocks(out) if expressions is not None else out  # MDX reads a block's text as Markdown


JSX_TAG = re.compile(r"<[A-Za-z][\w.-]*(?:[^<>{}]|\{\{[^{}]*\}\}|\{[^{}]*\})*>")  # braces may hold a '>'
JSX_ATTRIBUTE = re.compile(r"\s([\w:-]+)=\{(\{[^{}]*\}|[^{}]*)\}")
JSX_PATH = re.compile(r"""^\s*(?:require|useBaseUrl)\(\s*(['"])([^'"]+)\1\s*\)(?:\.default)?\s*$""")
JSX_STRING = re.compile(r"""^\s*(['"`])([^'"`]*)\1\s*$""")


def _jsx_attributes(tag: re.Match[str]) -> str:
    """A tag's JSX attributes (``name={…}``) as HTML reads them: ``src={require('./x.png').default}``
    and ``src={useBaseUrl('/img/x.png')}`` name the file, ``alt={'text'}`` is the text, any other
    expression (``style={{color: 'red'}}``, ``onClick={go}``) is left out: a site computes it."""

    def attribute(match: re.Match[str]) -> str:
        name, value = match.group(1), match.group(2)
        path, text = JSX_PATH.match(value), JSX_STRING.match(value)
        shown = path.group(2) if path else text.group(2) if text else None
        return "" if shown is None else f' {name}="{html.escape(shown)}"'

    return JSX_ATTRIBUTE.sub(attribute, tag.group(0))


ONE_TAG = re.compile(rf"^\s*<({COMPONENT_NAME})(?:\s[^<>]*?)?(/?)>\s*$")


PARTIAL = re.compile(r"""^\s*import\s+([A-Z]\w*)\s+from\s+['"]((?:\.{1,2}/|@site/)[^'"]+\.mdx?)['"];?\s*$""")
"""An imported Markdown file, a partial: ``import Intro from './_intro.mdx';``."""


def _partials(numbered: Numbered, code: set[int], context: FileContext) -> dict[str, str]:
    """The partials a page imports, outside code: their paths from the page's folder (``@site/``
    is the manuscript's folder)."""
    found = {}
    for index, (line, _number) in enumerate(numbered):
        if index not in code and "import" in line and (match := PARTIAL.match(line)) is not None:
            name, path = match.group(1), match.group(2)
            if path.startswith("@site/"):
                target = context.manuscript.parent / path.removeprefix("@site/")
                path = os.path.relpath(target, context.path.parent)
            found[name] = path
    return found


CODE_BLOCK = re.compile(r"^(\s*)<CodeBlock\b([^>]*)>(.*)$")
CODE_BLOCK_END = "</CodeBlock>"
RAW_IMPORT = re.compile(r"""^\s*import\s+(\w+)\s+from\s+['"]!!?raw-loader!([^'"]+)['"];?\s*$""")
LITERAL = re.compile(
    r"^\{\s*(`(?:[^`\\]|\\.)*`|'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\")\s*\}$|^\{\s*(\w+)\s*\}$", re.DOTALL
)


def _code_blocks(numbered: Numbered, context: FileContext) -> Numbered:
    """``<CodeBlock language="jsx" title="app.js">`` holding a JavaScript string (```{`…`}```) or
    a file imported with raw-loader (``{AppSource}``), as fenced code under that title, the code
    as the string holds it; anything else it holds (an expression only a site computes) is left
    out, with a warning. Lines keep their numbers: the fence's lines take the tags'."""
    sources = {m.group(1): m.group(2) for line, _n in numbered if (m := RAW_IMPORT.match(line))}
    code = code_lines(numbered)
    out: Numbered = []
    index = 0
    while index < len(numbered):
        line, number = numbered[index]
        opening = CODE_BLOCK.match(line) if index not in code else None
        end = None
        if opening is not None:
            end = next((i for i in range(index, len(numbered)) if CODE_BLOCK_END in numbered[i][0]), None)
        if opening is None or end is None:
            out.append((line, number))
            index += 1
            continue
        held = "\n".join([opening.group(3), *(text for text, _n in numbered[index + 1 : end + 1])])
        held, _, after = held.partition(CODE_BLOCK_END)
        _positional, named = parameters(opening.group(2).rstrip("/"))
        text = _code_text(held.strip(), sources, context, number)
        info = named.get("language", "") + (f' title="{named["title"]}"' if named.get("title") else "")
        indent = opening.group(1)
        if text is None:
            out.extend((("", n) for _line, n in numbered[index : end + 1]))
        else:
            body = text.split("\n")
            fence = code_fence(body)
            out.append((f"{indent}{fence}{info}", number))
            out.extend((f"{indent}{row}", numbered[min(index + 1 + i, end)][1]) for i, row in enumerate(body))
            out.append((f"{indent}{fence}", numbered[end][1]))
        if after.strip():
            out.append((after, numbered[end][1]))
        index = end + 1
    return out


def _code_text(held: str, sources: dict[str, str], context: FileContext, number: int) -> str | None:
    """The code a ``<CodeBlock>`` holds: its text, its string's, or its imported file's; None,
    with a warning, for anything else."""
    if held and not held.startswith("{"):  # JSX text: its lines, trimmed, joined by a space
        return " ".join(line.strip() for line in held.split("\n") if line.strip())
    found = LITERAL.match(held)
    if found is not None and found.group(1):
        literal = found.group(1)
        if literal[0] == "`":  # a template string, its lines as written: \` \$ \\ are escapes
            return re.sub(r"\\([`$\\])", r"\1", literal[1:-1]).strip("\n")
        escapes = {"n": "\n", "t": "\t"}  # a quoted string's: \n a new line, \t a tab
        return re.sub(r"\\(.)", lambda m: escapes.get(m.group(1), m.group(1)), literal[1:-1])
    if found is not None and found.group(2) in sources:
        name = sources[found.group(2)]
        folder = context.manuscript.parent if name.startswith("@site/") else context.path.parent
        written = f"Docusaurus CodeBlock's file '{name}'"
        path = file_inside(context, folder / name.removeprefix("@site/"), written, number)
        text = file_lines(context, path, written, number) if path is not None else None
        return "\n".join(text).rstrip("\n") if text is not None else None
    context.warn("Docusaurus CodeBlock holds an expression only a site computes: left out", number)
    return None


def _dedented_in_components(numbered: Numbered) -> Numbered:
    """The lines inside MDX components (written on lines of their own) moved left by as much as
    the first line inside each is indented. MDX has no indented code: children indented under
    ``<TabItem>`` (the usual style) are Markdown, a fence among them a fence, where Markdown
    would read four spaces as code. Relative indentation (a nested list, code) is kept."""
    if not any("<" in line for line, _number in numbered):
        return numbered
    out: Numbered = []
    open_components: list[list[Any]] = []  # [name, columns its content is indented, or None]
    fenced = fenced_code_lines(numbered)
    everywhere = fenced | literal_code_lines(numbered)
    for index, (line, number) in enumerate(numbered):
        # Indented code outside any component (a step's code in a list item); inside one, a tag
        # indented after a blank line is its child, as MDX reads it.
        code = fenced if open_components else everywhere
        if open_components and line.strip():
            if open_components[-1][1] is None:
                open_components[-1][1] = len(indent_of(line).expandtabs(4))
            line = _less_indented(line, open_components[-1][1])
        if index not in code:
            end, start = TAG_END.match(line), ONE_TAG.match(line)
            names = [name for name, _columns in open_components]
            if end is not None and end.group(1) in names:
                del open_components[len(names) - 1 - names[::-1].index(end.group(1)) :]
            elif start is not None and not start.group(2):
                open_components.append([start.group(1), None])
        out.append((line, number))
    return out


def _less_indented(line: str, columns: int) -> str:
    """``line`` without up to ``columns`` columns of its indentation (a tab counts to the next four)."""
    taken = 0
    while taken < len(line) and line[taken] in " \t" and len(line[: taken + 1].expandtabs(4)) <= columns:
        taken += 1
    return line[taken:]


def _kind_and_title(admonition: re.Match[str]) -> tuple[str, str]:
    """The callout kind and title of an admonition's opening line (the type's name when untitled)."""
    kind, default_title = TYPES[admonition.group(2)]
    title = admonition.group(3) if admonition.group(3) is not None else (admonition.group(4) or "")
    return kind, title.strip() or default_title


def _in_quote(marks: str, text: str, quoted: list[str], literal: bool = False) -> str:
    """A line of an admonition inside a block quote, as MkDocs' ``!!! kind "Title"`` with its
    text indented under it, which Python-Markdown reads inside a quote (a raw ``<div>`` there
    would be text). ``quoted`` holds the marks of each admonition open, innermost last; a
    ``literal`` line (code) is only indented."""
    depth = len(quoted)
    opening = None if literal else ADMONITION.match(text)
    if opening is not None:
        kind, title = _kind_and_title(opening)
        quoted.append(marks)
        return f'{marks}{"    " * depth}!!! {kind} "{title.replace(chr(34), chr(8221))}"'
    if not literal and CLOSE.match(text):
        quoted.pop()
        return marks.rstrip()
    return f"{marks}{'    ' * depth}{text}" if text.strip() else marks.rstrip()


def _skip_statement(numbered: Numbered, index: int) -> int:
    """The index after an ``import``/``export`` statement, which may run over several lines."""
    depth = 0
    while index < len(numbered):
        line = numbered[index][0]
        depth += sum(line.count(c) for c in "({[") - sum(line.count(c) for c in ")}]")
        index += 1
        if depth <= 0 and not line.rstrip().endswith((",", "=", "=>", "(", "{", "[")):
            break
    return index


Component = tuple[str, str, int, dict[str, str]]
"""An open MDX component: its name, what it became, the line it opened at, and (``<Tabs values>``)
the label of each tab's value."""
TABS_VALUES = re.compile(r"\svalues=\{\s*(\[.*\])\s*\}", re.DOTALL)


def _tab_labels(attributes: str) -> dict[str, str]:
    """The label of each value ``<Tabs values={[{label: 'Apple', value: 'apple'}, …]}>`` names: a
    JavaScript array of object literals, which YAML's flow style reads (unquoted keys, either quote)."""
    found = TABS_VALUES.search(attributes)
    if found is None:
        return {}
    try:
        values = yaml.safe_load(found.group(1))
    except yaml.YAMLError:
        return {}
    if not isinstance(values, list):
        return {}
    return {
        str(item["value"]): str(item["label"])
        for item in values
        if isinstance(item, dict) and item.get("value") is not None and item.get("label") is not None
    }


def _component(
    numbered: Numbered, index: int, components: list[Component], context: FileContext, out, partials: dict[str, str]
) -> int:
    """Read a JSX tag written on lines of its own at ``index``; the index after it, or 0 if none.
    ``partials``: the components that are Markdown files the page imports, by name (their paths
    from the page's folder)."""
    line, number = numbered[index]
    end = TAG_END.match(line)
    if end is not None:
        name = end.group(1)
        position = next((i for i in range(len(components) - 1, -1, -1) if components[i][0] == name), None)
        if position is None:
            context.warn(f"closing MDX tag </{name}> has no opening tag; removed", number)
            return index + 1
        for _opened, what, _line, _labels in reversed(components[position:]):
            if what != "dropped":
                out.extend((text, number) for text in markup.close(indent_of(line)))
        del components[position:]
        return index + 1
    start = TAG_START.match(line)
    if start is None:
        return 0
    # A tag whose attributes run over several lines ends at the first line ending in '>'.
    text, last = line, index
    if start.group(2) is not None:
        while last + 1 < len(numbered) and not text.rstrip().endswith(">"):
            last += 1
            text += " " + numbered[last][0].strip()
        if not text.rstrip().endswith(">"):
            return 0
    match = re.match(rf"^(\s*)<({COMPONENT_NAME})(.*?)(/?)>\s*$", text, re.DOTALL)
    if match is None:
        return 0
    indent, name, attributes, self_closing = match.group(1), match.group(2), match.group(3), bool(match.group(4))
    _positional, named = parameters(attributes)
    if self_closing and name in partials:  # an imported Markdown file: its text in place
        target = (context.path.parent / partials[name]).resolve()
        if target.is_file() and target.is_relative_to(context.manuscript.parent.resolve()):
            out.extend([("", number), (f"{indent}{{{{< include {partials[name]} >}}}}", number), ("", number)])
        else:
            context.warn(
                f"MDX partial <{name} /> left out: its file '{partials[name]}' is not found in the manuscript's folder",
                number,
            )
        return last + 1
    if self_closing:
        context.warn(f"MDX component <{name} /> removed: report-build cannot run it and it has no content", number)
        return last + 1
    if name == "Tabs":
        components.append((name, "tab-set", number, _tab_labels(attributes)))
        out.extend((t, number) for t in markup.tab_set(indent))
    elif name == "TabItem":
        labels = next((c[3] for c in reversed(components) if c[0] == "Tabs"), {})
        value = named.get("value") or ""
        label = named.get("label") or labels.get(value) or value
        components.append((name, "tab", number, {}))
        out.extend((t, number) for t in markup.passage(label, indent))
    elif name == "Admonition":
        kind, default_title = TYPES.get(named.get("type", "note"), ("note", "Note"))
        components.append((name, "callout", number, {}))
        out.extend((t, number) for t in markup.callout(kind, named.get("title") or default_title, indent))
    else:
        context.warn(
            f"MDX component <{name}> is not known: its content is kept"
            + (" under its title" if named.get("title") else ""),
            number,
        )
        components.append((name, "component", number, {}))
        out.extend((t, number) for t in markup.passage(named.get("title", ""), indent, "component"))
    return last + 1


__all__ = ["lines"]
