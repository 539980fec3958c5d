"""Quirks of Markdown written for Jekyll/kramdown sites, handled before Python-Markdown.

Each rewrite keeps the line count, so messages still name the right line.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable

SITE_VARIABLE = re.compile(r"\{\{\s*site\.(baseurl|url)\s*\}\}/?")
INCLUDE_CALLOUT = re.compile(r"\{%\s*include\s+(\S+)((?:\s+\w+\s*=\s*\"[^\"]*\")*)\s*%\}")
PARAM = re.compile(r"(\w+)\s*=\s*\"([^\"]*)\"")
LIQUID = re.compile(r"(?<!\{)\{%.*?%\}(?!\})|\{\{(?![<%]).*?\}\}")  # not Hugo's {{< … >}} and {{% … %}}
BLOCK_IAL = re.compile(r"^\s*\{:[^}]*\}\s*$")
KRAMDOWN_TOC = re.compile(r"^\s*\{:\s*toc\s*\}\s*$")
CHAINED_IAL = re.compile(r"\}\{:")

Warn = Callable[[str, int], None]


def preprocess(lines: list[str], code_lines: frozenset[int], first_line: int, warn: Warn) -> list[str]:
    """Rewrite Liquid tags and kramdown attribute lists; ``first_line`` is the file line of lines[0]."""
    out = list(lines)
    for index, line in enumerate(lines):
        number = first_line + index
        if number in code_lines:
            continue
        if KRAMDOWN_TOC.match(line):
            out[index] = ""
            if index and re.match(r"^\s*[*+-]\s+", out[index - 1]):
                out[index - 1] = ""
            warn("kramdown '{:toc}' marker removed: the report has its own contents page", number)
            continue
        if BLOCK_IAL.match(line):
            out[index] = ""
            continue
        line = SITE_VARIABLE.sub("", line)
        line = CHAINED_IAL.sub(" ", line)
        line = INCLUDE_CALLOUT.sub(lambda m, n=number: _include(m, n, warn), line)
        if LIQUID.search(line):
            warn("Liquid template tag removed: it means something only to a Jekyll site", number)
            line = LIQUID.sub("", line)
        out[index] = line
    return out


def _include(match: re.Match[str], number: int, warn: Warn) -> str:
    params = dict(PARAM.findall(match.group(2)))
    content = params.get("content", "")
    if not content:
        warn(f"Jekyll include '{match.group(1)}' removed: only includes with content= can be shown", number)
        return ""
    heading = params.get("heading", "")
    title = f'<p class="admonition-title">{html.escape(heading)}</p>' if heading else ""
    return f'<div class="admonition note">{title}<p>{html.escape(content)}</p></div>'
