"""VuePress and VitePress pages, read as their sites show them.

- ``::: details Title`` … ``:::``: a callout a site shows closed (the PDF open); ``::: code-group``
  with fences labelled ``[npm]``: a tab set, each fence a tab under its label; ``::: v-pre``
  and ``::: raw``: their content, the braces in it as written. ``::: tip``, ``::: warning Title``,
  ``::: danger`` and ``::: info`` are the Docusaurus reading's (:mod:`.docusaurus`);
- ``[[toc]]`` on a line of its own: the page's contents, as ``[TOC]`` gives them;
- ``{{ $frontmatter.title }}`` (``$page.title``, any front-matter key) is read with the other
  template tags (:mod:`..jekyll`);
- ``<Badge text="beta" type="tip"/>`` (or ``<Badge>beta</Badge>``): its text, as a small label;
  ``<ClientOnly>`` lines go, their content stays; ``<OutboundLink/>`` (an icon) goes;
- a fence's line marks, ```` ```js{2} ````, ```` ```ts:line-numbers ````: code in its language
  (no layout marks lines);
- ``// [!code highlight]`` (``++``, ``--``, ``focus``, ``error``, ``warning``) at the end of a line
  of code: the site's highlighting, left out; ``<!--@include: ./part.md-->``: that file's text
  (an include, :mod:`..compose`);
- ``<<< @/snippets/code.js`` (VitePress ``<<< ./code.js#region{2} [label]``): the file's code,
  fenced, read from inside the manuscript's folder (``@`` is the manuscript's folder); a file
  that is not there is left out, with a warning.

Invariant: fenced code is never read but for its opening line; every line keeps its number.
"""

from __future__ import annotations

import html
import os
import re
from pathlib import Path

from ..text import outside_code_spans
from .common import (
    FileContext,
    Numbered,
    colon_containers,
    fence_step,
    fence_walk,
    file_inside,
    file_lines,
    markup,
    parameters,
)

TOC = re.compile(r"^ {0,3}\[\[toc\]\]\s*$", re.IGNORECASE)
BADGE = re.compile(r"<Badge\b([^<>]*?)/>|<Badge\b([^<>]*)>(.*?)</Badge\s*>")
CLIENT_ONLY = re.compile(r"^\s*</?ClientOnly\s*>\s*$")
OUTBOUND = re.compile(r"\s*<OutboundLink\s*/>|\s*<OutboundLink\s*>\s*</OutboundLink\s*>")
"""VuePress 1's mark after a link to another site: an icon, nothing to read."""
LINE_MARKS = re.compile(r"^(\s*(?:`{3,}|~{3,})\s*[\w#+.-]+)(?:\{[\d,\s-]*\}|:(?:no-)?line-numbers(?:=\d+)?)+")
"""A fence's language with VuePress's marks glued to it: ``js{2}``, ``ts:line-numbers``, ``js:line-numbers=5``."""
LABEL = re.compile(r"\s*\[([^\[\]]+)\]\s*$")
SNIPPET = re.compile(r"^(\s*)<<<\s+(\S+?)(?:\{([^}]*)\})?(?:\s+\[([^\]]+)\])?\s*$")
REGION = re.compile(r"#([\w-]+)$")
CONTAINERS = frozenset({"details", "v-pre", "raw"})
LANGUAGES = {".js": "js", ".ts": "ts", ".py": "python", ".sh": "sh", ".json": "json", ".yaml": "yaml", ".yml": "yaml"}


def lines(numbered: Numbered, context: FileContext) -> Numbered:
    """The file's lines with VuePress's and VitePress's syntax read."""
    text = "\n".join(line for line, _number in numbered)
    other = _other_syntax(text)
    if not other and ":::" not in text:
        return numbered
    grouped = _code_groups(numbered, context) if "code-group" in text else numbered
    numbered = colon_containers(
        grouped, context, _container, "VuePress", CONTAINERS, text if grouped is numbered else ""
    )
    if not other:
        return numbered
    out: Numbered = []
    for line, number, code in fence_walk(numbered, LINE_MARKS):
        if code:
            if "[!code" in line:  # a line's mark for the site's highlighting, in a comment: not code
                line = CODE_MARK.sub("", line)
            out.append((line, number))
            continue
        include = INCLUDE.match(line)
        if include is not None:  # VitePress's <!--@include: ./part.md-->: the file's text in place
            out.extend(_include(include.group(1).strip(), number, context))
            continue
        if TOC.match(line):
            out.append(("[TOC]", number))
            continue
        if CLIENT_ONLY.match(line):
            out.append(("", number))
            continue
        snippet = SNIPPET.match(line)
        if snippet is not None:
            out.extend(_snippet(snippet, number, context))
            continue
        if "<Badge" in line:
            line = outside_code_spans(line, lambda text: BADGE.sub(_badge, text))
        if "<OutboundLink" in line:
            line = outside_code_spans(line, lambda text: OUTBOUND.sub("", text))
            if not line.strip():
                out.append(("", number))
                continue
        out.append((line, number))
    return out


FENCE_MARKS = (re.compile(r"```[^\n`]*(?:\{|:line-numbers)"), re.compile(r"~~~[^\n]*(?:\{|:line-numbers)"))
TOC_ANYWHERE = re.compile(r"\[\[toc\]\]", re.IGNORECASE)


COMPONENTS = re.compile(r"<(?:Badge|<<|OutboundLink|/?ClientOnly|!--\s*@include:)|\[!code ")
CODE_MARK = re.compile(r"\s*(?://|#|<!--|/\*|--)\s*\[!code\s+[^\]]*\](?:\s*(?:-->|\*/))?")
"""VitePress's mark at the end of a line of code (``// [!code highlight]``, ``# [!code --]``):
the site highlights the line, marks it added or removed, or focuses it; the mark is no code."""
INCLUDE = re.compile(r"^\s*<!--\s*@include:\s*([^\s{#]+)\s*-->\s*$")


def _other_syntax(text: str) -> bool:
    """Whether a file's text (its lines joined) holds anything of this dialect's but its
    containers: most hold nothing, and are passed on after a few searches of the whole text."""
    return (
        ("[[" in text and TOC_ANYWHERE.search(text) is not None)
        or COMPONENTS.search(text) is not None
        or any(fence.search(text) is not None for fence in FENCE_MARKS)
    )


def _container(name: str, title: str, indent: str, number: int) -> tuple[list[str], list[str]] | None:
    """What a VuePress container opens and closes (None: another reader's)."""
    if name == "details":
        return markup.callout("note", title or "Details", indent, "collapsible"), markup.close(indent)
    if name == "v-pre":  # its braces are text: a Liquid raw block, which the template reading keeps
        return ["", f"{indent}{{% raw %}}"], [f"{indent}{{% endraw %}}", ""]
    if name == "raw":
        return [""], [""]
    return None


def _code_groups(numbered: Numbered, context: FileContext) -> Numbered:
    """``::: code-group`` with its fences as a tab set, each fence a tab under its ``[label]``."""
    out: Numbered = []
    group: int | None = None  # the line the open group opened at
    indent = ""
    inside = None  # the fence open in the group
    for line, number in numbered:
        if group is None:
            opening = re.match(r"^(\s*):{3,}\s*code-group\s*$", line)
            if opening is None:
                out.append((line, number))
                continue
            group, indent = number, opening.group(1)
            out.extend((text, number) for text in markup.tab_set(indent))
            continue
        was = inside
        is_code, inside = fence_step(line, inside)
        if is_code and was is None:  # a fence opens: a tab of its own, titled by its label
            label = LABEL.search(line)
            out.extend((text, number) for text in markup.passage(label.group(1) if label else "", indent))
            out.append((line[: label.start()] if label else line, number))
        elif is_code and inside is None:  # the fence closes, and its tab
            out.append((line, number))
            out.extend((text, number) for text in markup.close(indent))
        elif not is_code and re.match(r"^\s*:{3,}\s*$", line):
            out.extend((text, number) for text in markup.close(indent))
            group = None
        else:
            out.append((line, number))
    if group is not None:
        context.warn("VuePress container '::: code-group' is never closed; closed at the end of the file", group)
        out.extend((text, numbered[-1][1]) for text in markup.close(indent))
    return out


def _include(name: str, number: int, context: FileContext) -> Numbered:
    """VitePress's include of ``name`` (``@/`` the manuscript's folder), as the report's include
    of it from this file; one not found is left out, with a warning, as VitePress leaves it."""
    folder = context.manuscript.parent if name.startswith("@/") else context.path.parent
    target = folder / name.removeprefix("@/")
    if not target.is_file():
        context.warn(f"include '{name}' left out: no such file ({target})", number)
        return [("", number)]
    relative = os.path.relpath(target, context.path.parent).replace(os.sep, "/")
    return [("{{< include " + relative + " >}}", number)]


def _badge(match: re.Match[str]) -> str:
    """A badge as its text, a small label (its type is a colour the report has no use for)."""
    attributes = match.group(1) if match.group(1) is not None else match.group(2)
    _positional, named = parameters(attributes or "")
    text = match.group(3) if match.group(3) is not None else named.get("text", "")
    if not text.strip():
        return ""
    return f'<span class="badge">{html.escape(html.unescape(text.strip()), quote=False)}</span>'


def _snippet(match: re.Match[str], number: int, context: FileContext) -> Numbered:
    """``<<< @/path`` as fenced code holding the file's text (a ``#region`` of it), or nothing."""
    indent, written, language, label = match.group(1), match.group(2), match.group(3), match.group(4)
    region = REGION.search(written)
    name = written[: region.start()] if region else written
    folder = context.manuscript.parent
    path = file_inside(
        context,
        (folder / name[2:]) if name.startswith("@/") else (context.path.parent / name),
        f"VuePress code import '<<< {written}'",
        number,
    )
    text = file_lines(context, path, f"VuePress code import '<<< {written}'", number) if path else None
    if text is None:
        return [("", number)]
    if region is not None:
        text = _region(text, region.group(1))
    while text and not text[-1].strip():
        text.pop()
    language = (language or "").split()[0] if language and not re.fullmatch(r"[\d,\s-]*", language) else ""
    language = language or LANGUAGES.get(Path(name).suffix.lower(), Path(name).suffix.lstrip("."))
    title = f' title="{label}"' if label else ""
    return [(line, number) for line in markup.code(f"{language}{title}", text, indent)]


def _region(text: list[str], name: str) -> list[str]:
    """The lines between ``#region name`` and ``#endregion name`` (in any comment), else all."""
    start = next((i for i, t in enumerate(text) if re.search(rf"#region\s+{re.escape(name)}\b", t)), None)
    if start is None:
        return text
    end = next((i for i in range(start + 1, len(text)) if re.search(r"#endregion\b", text[i])), len(text))
    return text[start + 1 : end]


__all__ = ["lines"]
