"""Hugo shortcodes, read as a Hugo site (Docsy, Hextra and the like) shows them.

``{{< name params >}}`` and ``{{% name params %}}`` (closed by ``{{< /name >}}``) are read
outside fenced code; ``include`` and ``var`` are left to :mod:`..compose`, and ``{{</* ... */>}}``
is written as it stands. The others become what the pipeline reads:

- ``{{< ref "page.md#anchor" >}}`` and ``relref``: a link target. A page of this report (the
  manuscript or a chapter file) becomes a link to its file, which lands inside the report
  (:mod:`..file_links`); any other page stays as written, and the links pass keeps such a link
  as plain text, with a warning;
- ``{{% alert title="Note" color="warning" %}}``, ``{{< callout type="info" >}}``, ``notice``,
  ``hint``, ``admonition``: a callout (its ``color``, ``type``, ``style`` or ``context`` chooses
  the kind: Docsy, Hextra, Relearn, Doks); ``details`` and ``expand``: a callout a site shows
  closed;
- ``{{< readfile file="part.md" >}}`` (Docsy): the file's text in place (``code="true"``: as code
  in its ``lang``); Quarto's ``{{< meta key >}}``: the front matter's value;
- ``{{< tabs A B >}}`` (or ``tabpane``) with ``{{% codetab %}}`` / ``{{< tab "A" >}}``: a tab set,
  each tab a titled passage; a tab's title is its own ``header=``/``title=``/first parameter, else
  the next name the tab set lists. A tab of Docsy's ``tabpane`` holds code, as Docsy highlights
  it (in its ``lang``, the pane's, or its label's with ``langEqualsHeader=true``), unless the tab
  or the pane says ``text=true`` or the tab is written ``{{% tab %}}`` (Markdown, to Hugo);
- ``{{< figure src=… caption=… alt=… >}}``: a figure, numbered when it has a caption;
- ``{{< button text=… page=… >}}``: a link with that text; ``{{< highlight go >}}``: fenced code;
- ``{{< youtube id >}}``, ``{{< vimeo id >}}``: a link to the video, with a warning (a page cannot
  play it); Quarto's ``{{< video >}}``, ``{{< kbd >}}`` and ``{{< pagebreak >}}`` are read here too
  (:mod:`.quarto`);
- ``{{< comment >}}`` … ``{{< /comment >}}``: removed with what it holds (a note Hugo never shows);
- a self-closing callout (``{{< alert text="…" />}}``) is a callout of that text; a
  ``{{< highlight >}}`` opened and closed within a line is inline code;
- any other shortcode: its tags go and its inner content stays, with a warning; one with no
  content (or self-closing) is removed, with a warning.

A figure's caption is its ``title`` (bold when there is a ``caption`` too), its ``caption`` and
its attribution (``attr``, linked to ``attrlink``), as Hugo's figure shows them; a notice's
title may be its second parameter (``{{% notice warning "Watch out" %}}``, as Relearn writes it).
"""

from __future__ import annotations

import html
import os
import re
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from ...contract import PAGE_BREAK
from . import quarto
from .common import FileContext, Numbered, code_lines, file_inside, file_lines, indent_of, markup, parameters

SHORTCODE = re.compile(r"\{\{(?:<\s*(/?)\s*([\w.-]+)(.*?)\s*/?>|%\s*(/?)\s*([\w.-]+)(.*?)\s*/?%)\}\}")
COMPOSED = {"include", "var"}  # read by compose
VERBATIM_FENCE = "~~~~~"  # around a highlight's or a tab's code: a ``` line in the code stays code
REFS = {"ref", "relref"}
CALLOUTS = {"alert", "callout", "notice", "hint", "admonition", "note", "tip", "warning", "caution", "important"}
TAB_SETS = {"tabs", "tabpane", "codetabs"}
TABS = {"tab", "codetab", "tabitem"}
VIDEOS = {"youtube": "https://www.youtube.com/watch?v={}", "vimeo": "https://vimeo.com/{}"}
KINDS = {
    "primary": "note",
    "info": "note",
    "note": "note",
    "default": "note",
    "secondary": "note",
    "success": "tip",
    "tip": "tip",
    "hint": "tip",
    "warning": "warning",
    "important": "important",
    "danger": "caution",
    "error": "caution",
    "caution": "caution",
}


@dataclass
class _TabSet:
    labels: list[str]
    next: int = 0
    tab_open: bool = False
    code: str | None = None  # Docsy's tabpane: its tabs hold code, in this language ("" for none)
    language_is_label: bool = False  # Docsy's langEqualsHeader: each tab's code in its label's language


@dataclass
class _State:
    context: FileContext
    closed: set[str]  # names that have a closing tag somewhere in the file
    open: list[tuple[str, object]] = field(default_factory=list)  # (name, what it opened)
    verbatim: str | None = None  # the shortcode whose lines are code up to its closing tag (highlight, tab)


def lines(numbered: Numbered, context: FileContext) -> Numbered:
    """The file's lines with Hugo's shortcodes read."""
    numbered = _joined(numbered, code_lines(numbered))
    code = code_lines(numbered)
    closed = {
        (match.group(2) or match.group(5))
        for index, (line, _) in enumerate(numbered)
        if index not in code
        for match in SHORTCODE.finditer(line)
        if match.group(1) or match.group(4)
    }
    state = _State(context, closed)
    out: Numbered = []
    for index, (line, number) in enumerate(numbered):
        if state.verbatim is not None:
            if _is_closing(line, state.verbatim):
                out.append((indent_of(line) + VERBATIM_FENCE, number))
                if state.verbatim != "highlight":  # a tab's code: the tab closes too
                    out.extend((text, number) for text in _close(state.verbatim, indent_of(line), number, state))
                state.verbatim = None
            else:
                out.append((line, number))
            continue
        if _commented(state) and "{{" not in line:
            out.append(("", number))  # a line of a comment: blank, its number kept
            continue
        if index in code or "{{" not in line:
            out.append((line, number))
            continue
        out.extend((text, number) for text in _line(line, number, state))
    last = numbered[-1][1] if numbered else 1
    for name, what in reversed(state.open):
        context.warn(f"Hugo shortcode '{{{{< {name} >}}}}' is never closed; closed at the end of the file", None)
        opened = isinstance(what, _TabSet) or what in ("callout", "tab")  # a comment, an unknown one: no div
        tab_inside = isinstance(what, _TabSet) and what.tab_open
        for _ in range(opened + tab_inside):
            out.extend((text, last) for text in markup.close())
    return out


OPENED = re.compile(r"\{\{[<%](?!/\*)(?:(?!\}\}).)*$")


def _joined(numbered: Numbered, code: set[int]) -> Numbered:
    """A shortcode written over several lines (``{{< figure`` / ``src=…`` / ``>}}``) on one line,
    with the number of its first line."""
    out: Numbered = []
    index = 0
    while index < len(numbered):
        line, number = numbered[index]
        index += 1
        while index not in code and OPENED.search(line) and index < len(numbered) and index - 1 not in code:
            following = numbered[index][0]
            if not following.strip() or index in code:
                break
            line += " " + following.strip()
            index += 1
        out.append((line, number))
    return out


def _code_spans(line: str) -> list[tuple[int, int]]:
    """Where inline code (`` `…` ``) is on a line: a shortcode written there is shown, not run."""
    spans = []
    for match in re.finditer(r"(`+)(.+?)(?<!`)\1(?!`)", line):
        spans.append((match.start(), match.end()))
    return spans


def _is_closing(line: str, name: str) -> bool:
    match = SHORTCODE.fullmatch(line.strip())
    return bool(match and (match.group(1) or match.group(4)) and (match.group(2) or match.group(5)) == name)


def _line(line: str, number: int, state: _State) -> list[str]:
    """One line: inline shortcodes replaced in place; block ones as lines of their own."""
    indent = indent_of(line)
    result: list[str] = []
    text = ""
    position = 0
    spans = _code_spans(line)
    for match in SHORTCODE.finditer(line):
        if match.start() < position or any(start <= match.start() < end for start, end in spans):
            continue
        closing = bool(match.group(1) or match.group(4))
        name = match.group(2) or match.group(5)
        argument = (match.group(3) if match.group(2) else match.group(6)) or ""
        commented = _commented(state)
        if not commented:
            text += line[position : match.start()]
        position = match.end()
        if commented and name != "comment":
            continue
        if name in COMPOSED:
            text += match.group(0)
            continue
        if name == "highlight" and not closing and (end := _closing_on(line, name, match.end())) is not None:
            text += _code_span(line[match.end() : end.start()])  # a highlight within a line: inline code
            position = end.end()
            continue
        if name == "button" and not closing and (end := _closing_on(line, name, match.end())) is not None:
            text += _button(argument, line[match.end() : end.start()].strip(), state)  # its text between its tags
            position = end.end()
            continue
        inline = _inline(name, argument, closing, number, state)
        if inline is not None:
            text += inline
            continue
        self_closing = SELF_CLOSING.search(match.group(0)) is not None
        block = _block(name, argument, closing, indent, number, state, self_closing, match.group(2) is None)
        if state.verbatim == name and (self_closing or _closing_on(line, name, match.end()) is not None):
            state.verbatim = None  # a tab with no lines of its own: its code, if any, is on this line
            block = [text for text in block if not text.strip().startswith(VERBATIM_FENCE)]
        if text.strip():
            result.append(text)
        text = indent if block else ""
        result.extend(block)
    if not _commented(state):
        text += line[position:]
    if text.strip() or not result:
        result.append(text)
    return result


SELF_CLOSING = re.compile(r"/\s*[>%]\}\}$")  # {{< alert text="…" />}}: no closing tag follows


def _button(argument: str, content: str, state: _State) -> str:
    """A button as a link: its text (between its tags, or its ``text=``) to its page or address."""
    positional, named = parameters(argument)
    label = content or named.get("text") or named.get("title") or (positional[0] if positional else "")
    target = named.get("page") or named.get("url") or named.get("href") or named.get("link") or ""
    if not label:
        return ""
    return f"[{label}]({_ref(target, state.context)})" if target else label


def _commented(state: _State) -> bool:
    """Whether the text now read is inside ``{{< comment >}}``: a note Hugo never shows."""
    return any(what == "comment" for _name, what in state.open)


def _closing_on(line: str, name: str, start: int) -> re.Match[str] | None:
    """The closing tag of ``name`` on ``line`` after ``start``, if there is one."""
    return next(
        (
            m
            for m in SHORTCODE.finditer(line, start)
            if (m.group(1) or m.group(4)) and (m.group(2) or m.group(5)) == name
        ),
        None,
    )


def _code_span(code: str) -> str:
    """``code`` as an inline code span, fenced by more backticks than it holds."""
    longest = max((len(run) for run in re.findall(r"`+", code)), default=0)
    fence = "`" * (longest + 1)
    padded = f" {code} " if code.startswith("`") or code.endswith("`") else code
    return f"{fence}{padded}{fence}"


def _inline(name: str, argument: str, closing: bool, number: int, state: _State) -> str | None:
    """What an inline shortcode becomes, or None for a block shortcode."""
    positional, named = parameters(argument)
    if name in REFS and not closing:
        return _ref(named.get("path") or (positional[0] if positional else ""), state.context)
    if name == "button" and not closing:
        return _button(argument, "", state)
    if name == "kbd" and not closing:  # Quarto's
        return quarto.kbd(positional, named)
    if name == "meta" and not closing and positional:  # Quarto's: a front-matter value
        return quarto.meta(positional[0], state.context, number)
    return None


def _readfile(name: str, named: dict[str, str], indent: str, number: int, state: _State) -> list[str]:
    """Docsy's ``{{< readfile file="x.md" >}}``: the file's text in place, read as the page is
    (the composition's include); with ``code="true"``, as fenced code in its ``lang``. A file
    outside the manuscript's folder, or not found, is left out with a warning."""
    context = state.context
    path = file_inside(context, context.path.parent / name, f"Hugo readfile '{name}'", number)
    if path is None:
        return []
    if named.get("code", "").lower() != "true":
        return ["", f"{indent}{{{{< include {name} >}}}}", ""]
    text = file_lines(context, path, f"Hugo readfile '{name}'", number)
    if text is None:
        return []
    while text and not text[-1]:
        text.pop()
    return markup.code(named.get("lang", ""), text, indent)


def _ref(target: str, context: FileContext) -> str:
    """A Hugo page reference as a link target: ``#anchor`` in this page; a page of this report
    (Hugo finds it by its path or its name alone) as a path to its file from this one, which the
    report reads as a link inside it (:mod:`..file_links`); any other as written."""
    page, _hash, anchor = target.strip().partition("#")
    if not page:
        return f"#{anchor}"
    wanted = PurePosixPath(page.rstrip("/"))
    candidate = (context.path.parent / page).resolve()
    found = candidate if candidate in context.report_files else None
    for path in sorted(context.report_files):
        if found is None and wanted.name in (path.name, path.stem):
            found = path
    if found is not None:
        target = os.path.relpath(found, context.path.parent.resolve()).replace(os.sep, "/")
        target += f"#{anchor}" if anchor else ""
    return f"<{target.strip()}>" if " " in target.strip() else target.strip()


def _block(
    name: str,
    argument: str,
    closing: bool,
    indent: str,
    number: int,
    state: _State,
    self_closing: bool = False,
    markdown: bool = False,  # written {{% … %}}: its content is Markdown to Hugo
) -> list[str]:
    positional, named = parameters(argument)
    warn = state.context.warn
    if closing:
        return _close(name, indent, number, state)
    if name == "comment":
        if not self_closing:
            state.open.append((name, "comment"))
        return []
    if self_closing and name in CALLOUTS | {"details", "expand"}:  # its text in a parameter: opened and closed at once
        body = named.get("text") or named.get("content") or named.get("body") or ""
        opened = _block(name, argument, False, indent, number, state)
        state.open.pop()
        return [*opened, *([f"{indent}{body}", ""] if body else []), *markup.close(indent)]
    if name == "highlight":
        language = positional[0] if positional else ""
        state.verbatim = name
        return ["", f"{indent}{VERBATIM_FENCE}{language}"]
    if name in CALLOUTS:
        kind_name = (  # Docsy's color, Hextra's type, Relearn's style, Doks' context
            named.get("color")
            or named.get("type")
            or named.get("style")
            or named.get("context")
            or (positional[0] if positional else "")
            or name
        ).lower()
        kind = KINDS.get(kind_name, KINDS.get(name, "note"))
        title = named.get("title") or named.get("header") or (positional[1] if len(positional) > 1 else "")
        state.open.append((name, "callout"))
        return markup.callout(kind, title, indent)
    if name in ("details", "expand"):  # Hextra's details, Learn's and Relearn's expand
        title = named.get("summary") or named.get("title") or (positional[0] if positional else "")
        opened = "open" in positional or named.get("open", "").lower() == "true"
        state.open.append((name, "callout"))
        return markup.callout("note", title, indent, "collapsible open" if opened else "collapsible")
    if name in TAB_SETS:
        items = named.get("items")
        labels = [item.strip() for item in items.split(",")] if items else positional
        tab_set = _TabSet(labels)
        if name == "tabpane" and named.get("text", "").lower() != "true":  # Docsy: its tabs highlight code
            tab_set.code = named.get("lang", "")
            tab_set.language_is_label = named.get("langEqualsHeader", "").lower() == "true"
        state.open.append((name, tab_set))
        return markup.tab_set(indent)
    if name in TABS:
        tab_set = next((what for _, what in reversed(state.open) if isinstance(what, _TabSet)), None)
        label = named.get("header") or named.get("title") or named.get("name") or (positional[0] if positional else "")
        lines_out: list[str] = []
        if tab_set is not None:
            if tab_set.tab_open:  # a tab that its theme closes implicitly
                lines_out += markup.close(indent)
            if not label and tab_set.next < len(tab_set.labels):
                label = tab_set.labels[tab_set.next]
            tab_set.next += 1
            tab_set.tab_open = name in state.closed
        if name in state.closed and not self_closing:
            state.open.append((name, "tab"))
        lines_out += markup.passage(label, indent)
        code = tab_set is not None and tab_set.code is not None and name in state.closed and not markdown
        if code and named.get("text", "").lower() != "true":  # a tab of code, as Docsy highlights it
            language = named.get("lang") or (label.lower() if tab_set.language_is_label else tab_set.code)
            state.verbatim = name
            lines_out += ["", f"{indent}{VERBATIM_FENCE}{language}"]
        return lines_out
    if name == "figure":
        return _figure(named, indent, number, state)
    if name == "video":  # Quarto's
        return quarto.video(positional, named, indent, warn, number)
    if name in VIDEOS:
        ident = named.get("id") or (positional[0] if positional else "")
        if not ident:
            warn(f"Hugo shortcode '{{{{< {name} >}}}}' without a video id removed", number)
            return []
        url = VIDEOS[name].format(ident)
        warn(f"video {url} cannot play in print or an e-reader: a link to it is shown in its place", number)
        return markup.video(url, named.get("title", ""), indent)
    if name == "readfile":  # Docsy's: a file's text in place, or as code
        return _readfile(named.get("file") or (positional[0] if positional else ""), named, indent, number, state)
    if name == "pagebreak":  # Quarto's: a new page in print
        return ["", f'{indent}<div class="{PAGE_BREAK}"></div>', ""]
    if name in state.closed and not self_closing:
        warn(f"unknown Hugo shortcode '{{{{< {name} >}}}}': its tags are left out and its content kept", number)
        state.open.append((name, "unknown"))
        return []
    warn(f"unknown Hugo shortcode '{{{{< {name} >}}}}' removed: it has no content to show", number)
    return []


def _close(name: str, indent: str, number: int, state: _State) -> list[str]:
    position = next((i for i in range(len(state.open) - 1, -1, -1) if state.open[i][0] == name), None)
    if position is None:
        state.context.warn(f"closing Hugo shortcode '{{{{< /{name} >}}}}' has no opening one; removed", number)
        return []
    out: list[str] = []
    for opened, what in reversed(state.open[position:]):
        if isinstance(what, _TabSet):
            if what.tab_open:
                out += markup.close(indent)
            out += markup.close(indent)
        elif what == "tab":
            tab_set = next((w for _, w in reversed(state.open[:position]) if isinstance(w, _TabSet)), None)
            if tab_set is not None:
                tab_set.tab_open = False
            out += markup.close(indent)
        elif what == "callout":
            out += markup.close(indent)
        if opened != name:
            state.context.warn(f"Hugo shortcode '{{{{< {opened} >}}}}' is closed by '{{{{< /{name} >}}}}'", number)
    del state.open[position:]
    return out


def _figure(named: dict[str, str], indent: str, number: int, state: _State) -> list[str]:
    source = named.get("src", "")
    if not source:
        state.context.warn("Hugo figure without src= removed", number)
        return []
    attribution = named.get("attr", "")
    if attribution and named.get("attrlink"):
        attribution = f"[{attribution}]({named['attrlink']})"
    parts = [f"**{named['title']}**" if named.get("title") and named.get("caption") else named.get("title", "")]
    caption = " ".join(part for part in (*parts, named.get("caption", ""), attribution) if part)
    alt = named.get("alt") or _plain(named.get("caption") or named.get("title") or "")
    attributes = []
    if named.get("width", "").isdigit():
        attributes.append(f'width="{named["width"]}"')
    return markup.figure(source, alt, caption, indent=indent, attributes=" ".join(attributes))


def _plain(text: str) -> str:
    """Markdown text without its emphasis and links, for an alt text."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    return html.unescape(re.sub(r"[*_`]", "", text)).strip()


__all__ = ["lines"]
