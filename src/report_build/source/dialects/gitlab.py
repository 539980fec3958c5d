"""GitLab's own Markdown (GLFM): what a wiki page or a README written for GitLab uses beyond
GitHub's syntax, read as GitLab shows it.

- ``[[_TOC_]]`` on a line of its own is GitLab's spelling of ``[TOC]``: the contents of the page
  where it stands (the underscores were read as emphasis and ``[[TOC]]`` was printed);
- a multiline blockquote, the lines between a ``>>>`` line and the next one, is a quotation, as
  if each of its lines began with ``>`` (the fences were read as three empty nested quotes and
  the lines between them as plain paragraphs).

Invariant: fenced code is never touched, and every line keeps its number: a fence line becomes
a blank line, and a quoted line keeps the number of the line it was written on.
"""

from __future__ import annotations

import re

from .common import FileContext, Numbered, code_lines

TOC = re.compile(r"^ {0,3}\[\[_TOC_\]\]\s*$")
QUOTE_FENCE = re.compile(r"^>>>\s*$")


def lines(numbered: Numbered, context: FileContext) -> Numbered:
    """The file's lines with GitLab's contents marker and multiline blockquotes read."""
    if not any("[[_TOC_]]" in line or line.startswith(">>>") for line, _number in numbered):
        return numbered
    code = code_lines(numbered)
    out: Numbered = []
    opened: int | None = None  # the line number of the ``>>>`` that opened the quote we are in
    for index, (line, number) in enumerate(numbered):
        if index in code:
            out.append((f"> {line}" if opened is not None else line, number))
            continue
        if QUOTE_FENCE.match(line):
            opened = None if opened is not None else number
            out.append(("", number))
            continue
        if TOC.match(line):
            line = "[TOC]"
        out.append((f"> {line}" if opened is not None else line, number))
    if opened is not None:
        context.warn("GitLab blockquote '>>>' is never closed: it runs to the end of the file", opened)
    return out


__all__ = ["lines"]
