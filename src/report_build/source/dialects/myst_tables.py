"""MyST's table directives, ``{list-table}`` and ``{csv-table}``, read as Jupyter Book shows them.

- ```` ```{list-table} Caption ```` holds a bullet list of rows, each a bullet list of cells
  (``* - cell``); a cell may hold any Markdown (paragraphs, lists, other directives);
- ```` ```{csv-table} Caption ```` holds rows of comma-separated values (quoted as CSV quotes
  them), or reads them from ``:file:``, a file relative to the document that names it and inside
  the manuscript's folder; ``:header:`` is a row of headers written as CSV, ``:delim:``
  (``tab``, ``space`` or a character), ``:quote:``, ``:escape:`` and ``:keepspace:`` read the
  values as docutils reads them.

Both take ``:header-rows: N`` (the first rows are headers), ``:stub-columns: N`` (the first
cells of each row head it), ``:name:`` (the table's id, which ``{numref}`` and ``{ref}`` name)
and ``:class:``. The caption is the table's, numbered with the report's other tables.
``:widths:``, ``:width:`` and ``:align:`` are a site's layout, which the report's layouts set: they
go. A table becomes an HTML table whose cells are Markdown (``md_in_html``: a cell of one line is
read inline, a longer one as blocks; every part of the table carries ``markdown="1"``, which
``md_in_html`` needs to reach the cells), preceded by its caption as ``Table: …``, which the
structure pass (:mod:`..extensions`) makes the table's ``<caption>``. In a list item, where
Python-Markdown reads raw HTML line by line, a table is a pipe table, its cells' lines joined.

Invariant: every line written carries the number of the file line it came from (a cell's
content, its own line), so that a fault in a cell is reported where it is written; a table
that cannot be read keeps its text, with a warning.
"""

from __future__ import annotations

import csv
import html
import re
from collections.abc import Callable

from ... import sandbox
from ...errors import MissingFileError, ResourceError
from .. import files
from .common import FileContext, Numbered

BULLET = re.compile(r"^( *)([-*+])(?:( +)(.*))?$")
BLOCK_START = re.compile(r"^(?: {4}| {0,3}(?:[-*+]\s|\d{1,9}[.)]\s|#|>|```|~~~|:::|\$\$|\||<|\(\S*\)=))")
DELIMITERS = {"tab": "\t", "space": " ", "comma": ","}

Lines = Callable[[Numbered, FileContext], Numbered]
"""The MyST line pass, which a cell's content goes through too (a directive in a cell)."""


def list_table(
    caption: str, options: dict[str, str], body: Numbered, number: int, indent: str, context: FileContext, lines: Lines
) -> Numbered | None:
    """A ``{list-table}``'s lines; None when its content is not a list of lists (with a warning)."""
    rows: list[list[Numbered]] = []
    for row in _items(_dedented(body, indent)) or []:
        cells = _items(row)
        if cells is None:
            break
        rows.append(cells)
    else:
        if rows:
            return _table(caption, options, rows, number, indent, context, lines)
    context.warn(
        "MyST {list-table} holds no list of rows, each a list of cells (* - cell): its content is kept", number
    )
    return None


def csv_table(
    caption: str, options: dict[str, str], body: Numbered, number: int, indent: str, context: FileContext, lines: Lines
) -> Numbered:
    """A ``{csv-table}``'s lines: its rows from its content or its ``:file:``, with its ``:header:``."""
    rows: list[list[Numbered]] = []
    if options.get("header"):
        rows.extend(_csv_rows([(options["header"], number)], options, number, context))
        options = {**options, "header-rows": str(_count(options.get("header-rows", "0")) + 1)}
    if options.get("url"):
        context.warn(f"MyST {{csv-table}} :url: {options['url']} is not read: builds never use the network", number)
    elif options.get("file"):
        text = _file_text(options["file"], options.get("encoding", "utf-8"), number, context)
        if text is None:
            return _table(caption, options, [], number, indent, context, lines)
        rows.extend(_csv_rows([(line, number) for line in text.splitlines()], options, number, context))
    else:
        rows.extend(_csv_rows(_dedented(body, indent), options, number, context))
    if not rows:
        context.warn("MyST {csv-table} has no rows", number)
    columns = max((len(row) for row in rows), default=0)  # a short row ends in empty cells, as docutils has it
    return _table(caption, options, [row + [[]] * (columns - len(row)) for row in rows], number, indent, context, lines)


def _file_text(name: str, encoding: str, number: int, context: FileContext) -> str | None:
    """The text of a ``:file:``, relative to the document and inside the manuscript's folder."""
    try:
        path = sandbox.resolve_reference(name, context.path.parent, (context.manuscript.parent,), "the document")
        text = files.read_bytes(path).decode(encoding.strip() or "utf-8")
        context.inputs.append(path)  # watched, fingerprinted and kept with a release, as includes are
        return text
    except MissingFileError:
        context.warn(f"MyST {{csv-table}} :file: '{name}' is not found beside the document", number)
    except ResourceError:  # a path that reaches out of the manuscript's folder, or a URL
        context.warn(
            f"MyST {{csv-table}} :file: '{name}' is refused: it must be inside the manuscript's folder", number
        )
    except (LookupError, UnicodeDecodeError, OSError) as exc:
        context.warn(f"MyST {{csv-table}} :file: '{name}' cannot be read ({exc})", number)
    return None


def _csv_rows(body: Numbered, options: dict[str, str], number: int, context: FileContext) -> list[list[Numbered]]:
    """Rows of CSV, each cell with the line its row starts on; docutils' dialect: values after a
    delimiter lose their leading spaces unless ``:keepspace:``."""
    delimiter = options.get("delim", ",").strip()
    delimiter = DELIMITERS.get(delimiter, delimiter[:1] or ",")
    quote = options.get("quote", '"').strip()[:1] or '"'
    escape = options.get("escape", "").strip()[:1] or None
    text = [line for line, _ in body]
    reader = csv.reader(
        text, delimiter=delimiter, quotechar=quote, escapechar=escape, skipinitialspace="keepspace" not in options
    )
    rows: list[list[Numbered]] = []
    try:
        for values in reader:
            if not values:
                continue
            where = body[min(reader.line_num, len(body)) - 1][1]
            rows.append([[(line, where) for line in value.splitlines() or [""]] for value in values])
    except csv.Error as exc:
        context.warn(
            f"MyST {{csv-table}} is not CSV past its row {len(rows)} ({exc}): the rows before are kept", number
        )
    return rows


def _table(
    caption: str,
    options: dict[str, str],
    rows: list[list[Numbered]],
    number: int,
    indent: str,
    context: FileContext,
    lines: Lines,
) -> Numbered:
    caption = " ".join(caption.split())
    if not rows:  # nothing to show but the caption, a paragraph
        return [("", number), (f"{indent}{caption}", number), ("", number)] if caption else []
    columns = max(len(row) for row in rows)
    if any(len(row) != columns for row in rows):
        context.warn(f"MyST table: not every row has {columns} cells; the shorter rows end in empty cells", number)
    header_rows = _count(options.get("header-rows", "0"))
    if header_rows > len(rows):
        context.warn(f"MyST table: :header-rows: {header_rows}, but it has {len(rows)} rows", number)
    if indent:
        return _pipe_table(caption, options.get("name", "").strip(), rows, header_rows, columns, number, indent)
    stubs = _count(options.get("stub-columns", "0"))
    out: Numbered = [("", number)]
    if caption:
        out.extend([(f"{indent}Table: {caption}", number), ("", number)])
    attributes = "".join(
        f' {key}="{html.escape(value)}"'
        for key, value in (("id", options.get("name", "").strip()), ("class", options.get("class", "").strip()))
        if value
    )
    out.append((f'{indent}<table{attributes} markdown="1">', number))
    for part, chosen in (("thead", rows[:header_rows]), ("tbody", rows[header_rows:])):
        if not chosen:
            continue
        out.append((f'{indent}<{part} markdown="1">', number))
        for row in chosen:
            out.append((f'{indent}<tr markdown="1">', row[0][0][1] if row and row[0] else number))
            for column in range(columns):
                content = row[column] if column < len(row) else []
                tag = "th" if part == "thead" or column < stubs else "td"
                scope = "" if part == "thead" or tag == "td" else ' scope="row"'
                out.extend(_cell(tag, scope, content, number, indent, context, lines))
            out.append((f"{indent}</tr>", number))
        out.append((f"{indent}</{part}>", number))
    return [*out, (f"{indent}</table>", number), ("", number)]


def _pipe_table(
    caption: str, name: str, rows: list[list[Numbered]], header_rows: int, columns: int, number: int, indent: str
) -> Numbered:
    """A table in a list item, where Python-Markdown reads raw HTML line by line: a pipe table,
    its cells' lines joined, its first row the header (an empty one when it has none)."""

    def row(cells: list[Numbered]) -> str:
        texts = [" ".join(line.strip() for line, _ in cell if line.strip()) for cell in cells]
        texts += [""] * (columns - len(texts))
        return indent + "| " + " | ".join(text.replace("|", "\\|") for text in texts) + " |"

    header, body = (rows[0], rows[1:]) if header_rows else ([[]] * columns, rows)
    out: Numbered = [("", number)]
    if caption:
        out.extend([(f"{indent}Table: {caption}" + (f" {{#{name}}}" if name else ""), number), ("", number)])
    out.append((row(header), number))
    out.append((indent + "|" + "---|" * columns, number))
    out.extend((row(cells), cells[0][0][1] if cells and cells[0] else number) for cells in body)
    return [*out, ("", number)]


def _cell(
    tag: str, scope: str, content: Numbered, number: int, indent: str, context: FileContext, lines: Lines
) -> Numbered:
    """A cell: one line of Markdown is read inline (as a pipe table's cell), more as blocks."""
    content = _trimmed(content)
    if not content:
        return [(f"{indent}<{tag}{scope}></{tag}>", number)]
    if len(content) == 1 and not BLOCK_START.match(content[0][0]):
        text, where = content[0]
        return [(f'{indent}<{tag}{scope} markdown="span">{text.strip()}</{tag}>', where)]
    inner = lines(content, context)
    return [
        (f'{indent}<{tag}{scope} markdown="block">', content[0][1]),
        *((f"{indent}{text}" if text.strip() else "", where) for text, where in inner),
        (f"{indent}</{tag}>", content[-1][1]),
    ]


def _items(body: Numbered) -> list[Numbered] | None:
    """The items of one bullet list, each its content lines with the item's indentation taken
    off; None when the lines are not a bullet list."""
    items: list[Numbered] = []
    marker = column = 0
    for line, number in body:
        text = line.expandtabs(4)
        bullet = BULLET.match(text)
        if bullet is not None and (not items or len(bullet.group(1)) == marker):
            spaces = bullet.group(3) or " "
            marker = len(bullet.group(1))
            column = marker + 1 + (len(spaces) if len(spaces) <= 4 else 1)
            items.append([(text[column:] if bullet.group(4) else "", number)])
            continue
        if not items:
            if text.strip():
                return None
            continue
        if text.strip() and len(text) - len(text.lstrip(" ")) <= marker:
            return None  # text beside the list, not in an item
        items[-1].append((text[min(column, len(text) - len(text.lstrip(" "))) :], number))
    return items or None


def _dedented(body: Numbered, indent: str) -> Numbered:
    """A directive's content without the indentation of the directive (in a list item)."""
    return [(line[len(indent) :] if line.startswith(indent) else line.lstrip(" "), number) for line, number in body]


def _trimmed(content: Numbered) -> Numbered:
    start, end = 0, len(content)
    while start < end and not content[start][0].strip():
        start += 1
    while end > start and not content[end - 1][0].strip():
        end -= 1
    return content[start:end]


def _count(value: str) -> int:
    return int(value.strip()) if value.strip().isdigit() else 0


__all__ = ["csv_table", "list_table"]
