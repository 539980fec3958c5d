"""pandoc's table forms without pipes, read as the pipe tables Python-Markdown reads.

pandoc (and so Quarto, bookdown and R Markdown) writes tables four ways; pipe tables are
Markdown's own. The other three came out as a paragraph whose rows ran together, or worse: a
multiline table's last row above its closing dashes was a setext heading, in the contents.

- a **simple table**: a header line, a line of dash runs (one per column, separated by spaces),
  rows of one line each, to a blank line. A column's alignment is where its header sits on its
  dashes: flush right is right, flush left left, neither centred;
- a **multiline table**: a line of dashes, the header (one or more lines), the dash runs, rows
  separated by blank lines (a cell's lines joined), a closing line of dashes;
- a **grid table**: ``+---+---+`` borders, ``|`` between cells, ``+===+`` under the header; a
  cell's lines joined. One whose cells span columns or rows is left as written.

Each becomes ``| a | b |`` lines with a delimiter row, outside fenced code; a ``|`` in a cell is
escaped. Invariant: a text with none of these forms comes out line for line as it went in, and
a table keeps its line count (blank lines stand for the lines it took), so messages keep
their lines.
"""

from __future__ import annotations

import re
from itertools import pairwise

from markdown.preprocessors import Preprocessor

from .text import fenced_lines

RUNS = re.compile(r"^ {0,3}-{3,}(?: +-{3,})+ *$")  # dash runs, one a column
FULL = re.compile(r"^ {0,3}-{3,} *$")  # a multiline table's opening and closing dashes
GRID_BORDER = re.compile(r"^ {0,3}\+(?:[-=:]+\+)+ *$")
GRID_ROW = re.compile(r"^ {0,3}\|.*\| *$")
HEADING = re.compile(r"^ {0,3}#{1,6}(?:[ \t]|$)")


class PandocTables(Preprocessor):
    """Simple, multiline and grid tables (see the module) rewritten as pipe tables."""

    def run(self, lines: list[str]) -> list[str]:
        return rewrite(lines)


def rewrite(lines: list[str]) -> list[str]:
    fenced, _indented = fenced_lines(lines)
    hidden = fenced | _inside_raw_html(lines)  # ASCII art in <pre> or a comment is no table
    out = list(lines)
    index = 0
    while index < len(lines):
        if index in hidden:
            index += 1
            continue
        found = _grid(lines, index) or _multiline(lines, index) or _simple(lines, index)
        if found is None or hidden.intersection(range(index, found[0])):
            index += 1
            continue
        end, rows, aligns = found
        indent = lines[index][: len(lines[index]) - len(lines[index].lstrip(" "))]  # in a list item, stays there
        table = [indent + _row(row) for row in (rows[0], aligns, *rows[1:])]
        out[index:end] = table + [""] * (end - index - len(table))
        index = end
    return out


RAW_TEXT = re.compile(r"<(pre|script|style|textarea)\b|<!--", re.IGNORECASE)


def _inside_raw_html(lines: list[str]) -> set[int]:
    """Indexes of the lines inside a ``<pre>`` (``<script>``, ``<style>``, ``<textarea>``) or a
    comment: their text is shown, or hidden, as written."""
    found: set[int] = set()
    closing = ""
    for index, line in enumerate(lines):
        if closing:
            found.add(index)
            if closing in line.lower():
                closing = ""
            continue
        opened = RAW_TEXT.search(line)
        if opened:
            closing = "-->" if opened.group(0) == "<!--" else f"</{opened.group(1).lower()}"
            if closing in line[opened.end() :].lower():
                closing = ""
    return found


def _row(cells: list[str]) -> str:
    return "| " + " | ".join(" ".join(cell.split()).replace("|", "\\|") for cell in cells) + " |"


def _columns(rule: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in re.finditer(r"-+", rule)]


def _cells(line: str, spans: list[tuple[int, int]]) -> list[str]:
    """A row's cells: the text under each column, each reaching to where the next one starts."""
    edges = [*(start for start, _end in spans[1:]), max(len(line), spans[-1][1])]
    starts = [0, *edges[:-1]]
    return [line[start:end].strip() for start, end in zip(starts, edges, strict=True)]


def _alignment(header: str, spans: list[tuple[int, int]]) -> list[str]:
    """The delimiter row's cells for where each header sits on its dashes."""
    found = []
    for start, end in spans:
        text = header[start:end] if len(header) > start else ""
        left = text[:1] not in ("", " ")
        right = len(header) >= end and header[end - 1 : end] not in ("", " ")
        found.append("---:" if right and not left else ":---" if left and not right else ":---:" if not left else "---")
    return found


def _simple(lines: list[str], index: int) -> tuple[int, list[list[str]], list[str]] | None:
    """A simple table whose header is ``lines[index]``: (the line after it, rows, alignment)."""
    if index + 2 >= len(lines) or not lines[index].strip() or not RUNS.match(lines[index + 1]):
        return None
    if index and lines[index - 1].strip():
        return None  # a table starts after a blank line
    spans = _columns(lines[index + 1])
    end = index + 2
    while end < len(lines) and lines[end].strip() and not RUNS.match(lines[end]):
        end += 1
    if end == index + 2:
        return None
    rows = [_cells(lines[index], spans)] + [_cells(line, spans) for line in lines[index + 2 : end]]
    if end < len(lines) and RUNS.match(lines[end]):  # a simple table may close with its dashes
        end += 1
    return end, rows, _alignment(lines[index], spans)


def _multiline(lines: list[str], index: int) -> tuple[int, list[list[str]], list[str]] | None:
    """A multiline table opening at ``lines[index]`` (its line of dashes)."""
    if not FULL.match(lines[index]) or (index and lines[index - 1].strip()):
        return None
    rule = next((i for i in range(index + 1, min(len(lines), index + 12)) if RUNS.match(lines[i])), None)
    if rule is None or any(not line.strip() for line in lines[index + 1 : rule]) or rule == index + 1:
        return None
    close = None
    for i in range(rule + 1, len(lines)):  # rows to the closing dashes: never past a heading or two blank lines
        if FULL.match(lines[i]):
            close = i
            break
        if HEADING.match(lines[i]) or (not lines[i].strip() and not lines[i - 1].strip()):
            return None
    if close is None or (close + 1 < len(lines) and lines[close + 1].strip() and not lines[close + 1].startswith(":")):
        return None
    spans = _columns(lines[rule])
    header = [" ".join(parts) for parts in zip(*(_cells(line, spans) for line in lines[index + 1 : rule]), strict=True)]
    rows, block = [header], []
    for line in [*lines[rule + 1 : close], ""]:
        if line.strip():
            block.append(_cells(line, spans))
        elif block:
            rows.append([" ".join(parts) for parts in zip(*block, strict=True)])
            block = []
    return close + 1, rows, _alignment(lines[index + 1], spans)


def _grid(lines: list[str], index: int) -> tuple[int, list[list[str]], list[str]] | None:
    """A grid table whose top border is ``lines[index]``."""
    if not GRID_BORDER.match(lines[index]):
        return None
    edges = [m.start() for m in re.finditer(r"\+", lines[index])]
    end = index + 1
    while end < len(lines) and (GRID_ROW.match(lines[end]) or GRID_BORDER.match(lines[end])):
        end += 1
    borders = [i for i in range(index, end) if GRID_BORDER.match(lines[i])]
    if len(borders) < 2 or borders[-1] != end - 1:
        return None
    if any([m.start() for m in re.finditer(r"\+", lines[i])] != edges for i in borders):
        return None  # a cell spans columns or rows: left as written
    rows = []
    for top, bottom in pairwise(borders):
        cells = [""] * (len(edges) - 1)
        for line in lines[top + 1 : bottom]:
            if [line[edge : edge + 1] for edge in edges] != ["|"] * len(edges):
                return None
            for column, (start, stop) in enumerate(pairwise(edges)):
                cells[column] += " " + line[start + 1 : stop].strip()
        rows.append(cells)
    header_rule = next((i for i in borders if "=" in lines[i]), None)
    if header_rule is None:
        rows.insert(0, [""] * (len(edges) - 1))  # no header: an empty one, as pipe tables need one
    aligns = []
    for start, stop in pairwise(edges):
        segment = lines[header_rule if header_rule is not None else index][start + 1 : stop]
        left, right = segment.startswith(":"), segment.endswith(":")
        aligns.append(":---:" if left and right else "---:" if right else ":---" if left else "---")
    return end, rows, aligns
