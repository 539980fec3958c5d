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
  cell's lines joined. A cell may span columns or rows, as pandoc 3 writes a Word table with
  merged cells: a border or a ``|`` left out where it spans.

Each becomes ``| a | b |`` lines with a delimiter row, outside fenced code; a ``|`` in a cell is
escaped. A grid table with spanning cells, which a pipe table cannot hold, becomes a raw HTML
table with ``colspan`` and ``rowspan``, one line a row, each cell's text Markdown (inline).

Invariant: a text with none of these forms comes out line for line as it went in, and a table
keeps its line count (blank lines stand for the lines it took), so messages keep their lines.
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
        spanned = _spanned_grid(lines, index) if found is None else None
        if spanned is not None and not hidden.intersection(range(index, spanned[0])):
            end, table = spanned
            out[index:end] = table + [""] * (end - index - len(table))
            index = end
            continue
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


GRID_LINE = re.compile(r"^ {0,3}[+|].*[+|] *$")
"""A line of a grid table whose cells span rows: a border may run between ``|`` (``|   +---+``)."""
Cell = tuple[int, int, int, int]
"""A grid cell's corners: top line, left column, bottom line, right column."""


def _spanned_grid(lines: list[str], index: int) -> tuple[int, list[str]] | None:
    """A grid table whose cells span columns or rows, its top border ``lines[index]``: (the line
    after it, its lines as raw HTML), or None when the borders do not close every cell."""
    if not GRID_BORDER.match(lines[index]):
        return None
    indent = len(lines[index]) - len(lines[index].lstrip(" "))
    end = index + 1
    while end < len(lines) and GRID_LINE.match(lines[end]):
        end += 1
    while end > index + 1 and not GRID_BORDER.match(lines[end - 1]):
        end -= 1
    if end < index + 3:
        return None
    width = max(len(line.rstrip()) for line in lines[index:end]) - indent
    grid = [line.rstrip()[indent:].ljust(width) for line in lines[index:end]]
    cells = _grid_cells(grid)
    if cells is None or len(cells) < 2:
        return None
    tops = sorted({top for top, *_ in cells} | {bottom for *_, bottom, _right in cells})
    lefts = sorted({left for _top, left, *_ in cells} | {right for *_, right in cells})
    header_rule = next((y for y, line in enumerate(grid) if "=" in line and line.startswith("+")), None)
    rule = grid[header_rule if header_rule is not None else 0]
    rows: dict[int, list[str]] = {}
    for top, left, bottom, right in sorted(cells):
        text = " ".join(" ".join(grid[y][left + 1 : right].split()) for y in range(top + 1, bottom)).strip()
        tag = "th" if header_rule is not None and bottom <= header_rule else "td"
        span = [
            f'{name}="{count}"'
            for name, count in (
                ("colspan", lefts.index(right) - lefts.index(left)),
                ("rowspan", tops.index(bottom) - tops.index(top)),
            )
            if count > 1
        ]
        segment = rule[left + 1 : lefts[lefts.index(left) + 1]]
        align = {(True, True): "center", (False, True): "right", (True, False): "left"}.get(
            (segment.startswith(":"), segment.endswith(":"))
        )
        attributes = " ".join([*span, *([f'class="align-{align}"'] if align else []), 'markdown="span"'])
        rows.setdefault(top, []).append(f"<{tag} {attributes}>{text}</{tag}>")
    head = [top for top in rows if header_rule is not None and top < header_rule]
    body = [top for top in rows if top not in head]
    table = []
    for part, tops_of_part in (("thead", head), ("tbody", body)):
        if tops_of_part:
            table.append(f'<{part} markdown="1">')
            table.extend(f'<tr markdown="1">{"".join(rows[top])}</tr>' for top in tops_of_part)
            table.append(f"</{part}>")
    # one line to open, one to close, one a row: never more lines than the grid took
    opened = ['<table markdown="1">' + table[0], *table[1:-1], table[-1] + "</table>"]
    joined = [line for line in opened if line != "</thead>"]
    joined = [line.replace('<tbody markdown="1">', '</thead><tbody markdown="1">') if head else line for line in joined]
    if len(joined) > end - index:
        return None
    return end, [" " * indent + line for line in joined]


def _grid_cells(grid: list[str]) -> list[Cell] | None:
    """Every cell of a grid, found from its top left corner as docutils finds them: along its top
    border to a corner from which a side runs down to a bottom border that runs back. None when
    the cells do not tile the grid."""
    height, width = len(grid), len(grid[0])
    corners, cells = [(0, 0)], []
    done = [0] * width  # for each column, the bottom of the last cell found over it
    while corners:
        top, left = corners.pop(0)
        if top >= height - 1 or left >= width - 1 or top < done[left] or grid[top][left] != "+":
            continue  # the bottom or right border, or a corner inside a cell that spans over it
        found = _cell_from(grid, top, left)
        if found is None:
            continue
        bottom, right = found
        cells.append((top, left, bottom, right))
        done[left:right] = [bottom] * (right - left)
        corners.extend([(top, right), (bottom, left)])
        corners.sort()
    area = sum((bottom - top) * (right - left) for top, left, bottom, right in cells)
    return cells if area == (height - 1) * (width - 1) else None


def _cell_from(grid: list[str], top: int, left: int) -> tuple[int, int] | None:
    """The bottom line and right column of the cell whose top left corner is at ``(top, left)``."""
    for right in range(left + 1, len(grid[0])):
        char = grid[top][right]
        if char not in "-=:+":
            return None
        if char != "+":
            continue
        for bottom in range(top + 1, len(grid)):
            down = grid[bottom][right]
            if down == "+":
                if all(grid[bottom][x] in "-=:+" for x in range(left, right + 1)) and all(
                    grid[y][left] in "|+" for y in range(top, bottom + 1)
                ):
                    return bottom, right
            elif down != "|":
                break
    return None
