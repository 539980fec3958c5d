"""GitLab's own Markdown (GLFM): what a wiki page or a README written for GitLab uses beyond
GitHub's syntax, read as GitLab shows it.

- ``[[_TOC_]]`` on a line of its own is GitLab's spelling of ``[TOC]``: the contents of the page
  where it stands (the underscores were read as emphasis and ``[[TOC]]`` was printed);
- a multiline blockquote, the lines between a ``>>>`` line and the next one, is a quotation, as
  if each of its lines began with ``>`` (the fences were read as three empty nested quotes and
  the lines between them as plain paragraphs);
- inline diffs, ``{+ added +}`` or ``[+ added +]`` and ``{- removed -}`` or ``[- removed -]``:
  the text marked inserted or deleted, as GitLab shows it (the marks were printed). CriticMarkup's
  doubled ``{++ ++}`` and ``{-- --}`` (the MkDocs dialect) are read before them.

Invariant: fenced code is never touched, and every line keeps its number: a fence line becomes
a blank line, and a quoted line keeps the number of the line it was written on.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree  # noqa: N813 (the name Python-Markdown uses)
from collections.abc import Callable, Sequence
from pathlib import Path

import markdown
from markdown.extensions import Extension
from markdown.inlinepatterns import InlineProcessor

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


DIFF = r"\{([+-])(?![+\-}\]])([^\n]+?)\1\}|\[([+-])(?![+\-}\]])([^\n]+?)\3\]"
"""An inline diff in braces or in brackets, each pair its own: the sign and the text (not a
doubled sign, CriticMarkup's, nor a bracket: ``[-]`` is text)."""


class _InlineDiff(InlineProcessor):
    """GitLab's ``{+ added +}`` as inserted text, ``[- removed -]`` as deleted; a diff whose
    brackets differ (``{+ x +]``) is left as written."""

    rare = True  # left out of a text it finds nothing in (extensions.RarePatterns)

    def handleMatch(self, m: re.Match[str], data: str):  # noqa: N802 (Python-Markdown's name)
        sign, text = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
        if not text.strip():
            return None, None, None
        element = etree.Element("ins" if sign == "+" else "del")
        element.text = text.strip()
        return element, m.start(0), m.end(0)


class GitLabExtension(Extension):
    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 (Python-Markdown's name)
        # After links, autolinks and raw HTML (160, 120, 105), whose addresses and attributes it
        # must not reach, as GitLab reads diffs in text only; CriticMarkup's are read long before.
        md.inlinePatterns.register(_InlineDiff(DIFF, md), "report_build_gitlab_diff", 95)


def extension(path: Path, warn: Callable[[str, str], None], lines: Sequence[str] = ()) -> Extension:
    return GitLabExtension()


__all__ = ["GitLabExtension", "extension", "lines"]
