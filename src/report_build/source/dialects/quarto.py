"""Quarto's own syntax, beside bookdown's (:mod:`.bookdown` calls its line pass), read as a
Quarto document renders it:

- ``::: {.panel-tabset}``: a tab set; each heading of the first level written inside opens a tab
  titled by it (so it is no section of the report), as the other tools' tabs are shown
  (:func:`.common.markup`);
- a figure div, ``::: {#fig-maps layout-ncol=2}`` around images, its last paragraph the caption:
  one figure, numbered, whose images are its subfigures "(a)", "(b)"… (``@fig-maps-north``
  reads "Figure 2 (a)"); around one image, that image's figure;
- code annotations: a marker ``# <1>`` at the end of a line of code (after any comment sign),
  then a numbered list: each marker becomes a small "(1)" in the code and the list the
  annotations' notes, as MkDocs' are (:class:`Annotations`);
- ``{{< kbd Ctrl-C >}}`` (read with Hugo's shortcodes, :mod:`.hugo`): the keys, as Quarto prints
  them outside a web page, each system's own in parentheses (``mac=Cmd-C``);
- ``{{< video url title="…" >}}``: a link to the video, with a warning, since neither print nor
  an e-reader plays it.

Fenced code is never read; a construct's text is kept.
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as etree  # noqa: N813 (the name Python-Markdown uses)
from collections.abc import Callable
from typing import Any

import markdown
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

from .. import divs
from .common import FileContext, Numbered, annotate_code, code_lines, markup

HEADING = re.compile(r"^ {0,3}(#{1,6})[ \t]+(.+?)(?:[ \t]+#+)?[ \t]*$")


IMAGE_LINE = re.compile(r"^\s*!\[")
NOT_CAPTION = re.compile(r"^\s*(?:[-*+]\s|\d+[.)]\s|#|>|```|~~~|\||:|<|!\[)")
"""A line that opens a block of its own, which a figure's caption (one paragraph) is not."""
FIGURE_DIV = re.compile(r"(?:^|\s)#(fig-[\w:.-]+)")


def lines(numbered: Numbered, context: FileContext) -> Numbered:
    """The file's lines with Quarto's tab sets and figure divs read (at once when no line opens
    a fenced div: no walk through the code)."""
    if not any(divs.DIV_OPEN.match(line) for line, _number in numbered):
        return numbered
    return _figure_divs(_tab_sets(numbered))


def _div_classes(line: str) -> list[str] | None:
    """The classes of the fenced div ``line`` opens; None when it opens none."""
    opening = divs.DIV_OPEN.match(line)
    if opening is None:
        return None
    if opening.group(3):
        return [opening.group(3)]
    return re.findall(r"(?:^|\s)\.([\w:-]+)", opening.group(2) or "")


def _closing(numbered: Numbered, start: int, code: set[int]) -> int | None:
    """The position of the ``:::`` that closes the div opened at ``start``; None if none does."""
    depth = 0
    for index in range(start, len(numbered)):
        if index in code:
            continue
        line = numbered[index][0]
        if divs.DIV_OPEN.match(line):
            depth += 1
        elif divs.DIV_CLOSE.match(line):
            depth -= 1
            if not depth:
                return index
    return None


def _tab_sets(numbered: Numbered) -> Numbered:
    """``::: {.panel-tabset}`` … ``:::`` as a tab set: the headings of the first level written
    directly inside (not in a nested div) are the tabs' titles; what comes before the first stays
    before the tabs."""
    code = code_lines(numbered)
    out: Numbered = []
    index = 0
    while index < len(numbered):
        line, number = numbered[index]
        classes = _div_classes(line) if index not in code else None
        end = _closing(numbered, index, code) if classes and "panel-tabset" in classes else None
        if end is None:
            out.append((line, number))
            index += 1
            continue
        out.extend((text, number) for text in markup.tab_set())
        out.extend(_tabs(_tab_sets(numbered[index + 1 : end])))  # a tab set inside a tab too
        out.extend((text, numbered[end][1]) for text in markup.close())
        index = end + 1
    return out


def _figure_divs(numbered: Numbered) -> Numbered:
    """``::: {#fig-x}`` around images and a caption as ``<figure id="fig-x">`` around the images'
    figures, the paragraph after the last image its ``<figcaption>``. A div with anything else in
    it (a table, code, a list) stays a div."""
    code = code_lines(numbered)
    out: Numbered = []
    index = 0
    while index < len(numbered):
        line, number = numbered[index]
        opening = divs.DIV_OPEN.match(line) if index not in code else None
        ident = FIGURE_DIV.search(opening.group(2) or "") if opening is not None else None
        end = _closing(numbered, index, code) if ident is not None else None
        parts = _figure_parts(numbered[index + 1 : end]) if end is not None else None
        if parts is None:
            out.append((line, number))
            index += 1
            continue
        images, caption = parts
        out += [("", number), (f'<figure id="{html.escape(ident.group(1))}" markdown="1">', number), ("", number)]
        for text, at in images:
            out += [(text.strip(), at), ("", at)]
        if caption:
            words = " ".join(text.strip() for text, _ in caption).replace("<", "&lt;")
            out.append((f'<figcaption markdown="span">{words}</figcaption>', caption[0][1]))
        out += [("</figure>", numbered[end][1]), ("", numbered[end][1])]
        index = end + 1
    return out


def _figure_parts(inner: Numbered) -> tuple[Numbered, Numbered] | None:
    """The image lines of a figure div and the lines of its caption (one paragraph after them);
    None when the div holds anything else."""
    written = [position for position, (text, _) in enumerate(inner) if text.strip()]
    images = [position for position in written if IMAGE_LINE.match(inner[position][0])]
    if not images or any(position not in images for position in written if position < images[-1]):
        return None
    following = [position for position in written if position > images[-1]]
    caption = [inner[position] for position in following]
    if following and (
        following[-1] - following[0] + 1 != len(following)  # one paragraph: no blank line inside
        or any(NOT_CAPTION.match(text) for text, _ in caption)
    ):
        return None
    return [inner[position] for position in images], caption


def _tabs(inner: Numbered) -> Numbered:
    """The content of a tab set, each tab a titled passage."""
    code = code_lines(inner)
    depth, level, opened = 0, None, False
    out: Numbered = []
    for position, (line, number) in enumerate(inner):
        if position not in code:
            if divs.DIV_OPEN.match(line):
                depth += 1
            elif divs.DIV_CLOSE.match(line):
                depth -= 1
            heading = HEADING.match(line) if not depth else None
            if heading is not None and (level is None or len(heading.group(1)) == level):
                level = len(heading.group(1))
                title, _ident = divs.heading_attributes(heading.group(2))
                if opened:
                    out.extend((text, number) for text in markup.close())
                out.extend((text, number) for text in markup.passage(title))
                opened = True
                continue
        out.append((line, number))
    if opened:
        out.extend((text, inner[-1][1]) for text in markup.close())
    return out


# -- code annotations ----------------------------------------------------------------------

ANNOTATION = re.compile(r"(?P<space>[ \t]*)(?:#|//|--|%|;)[ \t]*&lt;(?P<number>\d+)&gt;(?=[ \t]*$)", re.MULTILINE)
"""Quarto's marker at the end of a line of code, as the code's HTML writes it: ``# <1>``."""


class Annotations(Treeprocessor):
    """A code block with markers, then a numbered list: the list holds the annotations' notes."""

    def run(self, root: etree.Element) -> None:
        for parent in list(root.iter()):
            children = list(parent)
            for position in range(1, len(children)):
                if children[position].tag == "ol":
                    annotate_code(self.md, children[position - 1], children[position], ANNOTATION)


class AnnotationsExtension(Extension):
    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 (Python-Markdown's name)
        md.treeprocessors.register(Annotations(md), "report_build_quarto_annotations", 15)


# -- shortcodes ------------------------------------------------------------------------------

SYSTEMS = {"mac": "mac", "win": "windows", "linux": "linux"}


def meta(key: str, context: FileContext, number: int) -> str:
    """``{{< meta title >}}``: the front matter's value at that (dotted) key, as text; a key that
    names no value is shown as ``?meta:key``, as Quarto shows it, with a warning."""
    value: Any = context.front
    for part in key.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    if isinstance(value, list):
        value = ", ".join(str(item) for item in value if not isinstance(item, (dict, list)))
    if value is None or isinstance(value, dict) or value == "":
        context.warn(f"Quarto meta '{key}' names no value of the front matter: shown as ?meta:{key}", number)
        return f"?meta:{html.escape(key)}"
    return html.escape(str(value), quote=False)


def kbd(positional: list[str], named: dict[str, str]) -> str:
    """``{{< kbd Shift-Ctrl-P mac=Shift-Command-P >}}`` as Quarto writes it outside a web page:
    the keys, then each system's own, "Shift-Ctrl-P (mac: Shift-Command-P)"."""

    def keys(text: str) -> str:
        return f"<kbd>{html.escape(text)}</kbd>"

    systems = [(SYSTEMS.get(name, name), value) for name, value in named.items()]
    if positional:
        others = "; ".join(f"{system}: {keys(value)}" for system, value in systems)
        return keys(" ".join(positional)) + (f" ({others})" if others else "")
    return ", ".join(f"{keys(value)} ({system})" for system, value in systems)


def video(
    positional: list[str], named: dict[str, str], indent: str, warn: Callable[[str, int | None], None], number: int
) -> list[str]:
    """``{{< video https://… title="…" >}}``: a link to the video in its place, with a warning."""
    url = named.get("src") or (positional[0] if positional else "")
    if not url:
        warn("Quarto video without a source removed", number)
        return []
    warn(f"video {url} cannot play in print or an e-reader: a link to it is shown in its place", number)
    return markup.video(url, named.get("title", ""), indent)


__all__ = ["AnnotationsExtension", "kbd", "lines", "video"]
