"""Data files beside the manuscript (CSV, TSV, JSON): read once, with the line of every row, and
their numbers and dates written the way the document's language writes them.

Charts (:mod:`.passes.charts`) and variables taken from a data cell (:mod:`.compose`) both read
data through here, so a number in the text, in a chart's data table and on the chart itself
comes from the same cell and is formatted by the same rule:

- numbers follow the language's conventions through Babel (CLDR): ``800,000`` in English,
  ``800 000`` in French; a locale whose default digits are not Latin (``ar-SY``, ``fa``) gets its
  own digits (``٨٠٠٬٠٠٠``). A pattern (``"#,##0.0"``, Babel/CLDR syntax) overrides the default;
- dates written ``YYYY-MM`` or ``YYYY-MM-DD`` are shown as month and year or as a date in the
  language (``Feb 2020``, ``févr. 2020``).

Invariant: only files inside the manuscript's folder are read (the caller checks with
:func:`report_build.sandbox.resolve_reference`); a file that cannot be read as data is a
:class:`DataError` naming the file and the line at fault.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import io
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from babel import Locale, UnknownLocaleError, dates, numbers

from ..errors import Diagnostics, ManuscriptError
from .text import escaped_in, read_text

MAX_DATA_BYTES = 5_000_000  # a chart's data or a table of figures; guards memory
FORMATS = {".csv": "csv", ".tsv": "tsv", ".json": "json"}
NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
ISO_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
ISO_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:T[\d:.]+Z?)?$")
DIGITS = {  # CLDR numbering systems a locale may default to, by their digits
    "arab": "٠١٢٣٤٥٦٧٨٩",
    "arabext": "۰۱۲۳۴۵۶۷۸۹",
    "beng": "০১২৩৪৫৬৭৮৯",
    "deva": "०१२३४५६७८९",
    "mymr": "၀၁၂၃၄၅၆၇၈၉",
}


class DataError(ManuscriptError):
    """A data file is missing, malformed, or has no such row or column."""


@dataclass(frozen=True)
class Data:
    """A data file's rows, each a mapping of column to value as read (CSV: text; JSON: any
    scalar), with the file line each row starts on."""

    path: Path
    kind: str  # csv, tsv, json
    columns: tuple[str, ...]
    rows: tuple[dict[str, Any], ...]
    lines: tuple[int, ...]
    text: str  # the file's text, for the chart (which parses it the same way Vega does)


def kind_of(path: Path, declared: str | None = None) -> str:
    """csv, tsv or json: the format a spec declares, else the file's suffix."""
    if declared:
        if declared not in ("csv", "tsv", "json"):
            raise DataError(f"data format '{declared}' is not supported (csv, tsv or json)", path)
        return declared
    kind = FORMATS.get(path.suffix.lower())
    if kind is None:
        raise DataError(f"data file '{path.name}' is not CSV, TSV or JSON (by its name)", path)
    return kind


def read(
    path: Path, declared: str | None = None, property_path: str | None = None, diagnostics: Diagnostics | None = None
) -> Data:
    """Read a data file; raise :class:`DataError` at the line at fault. A character no page can
    hold (or one of the reading's marks) is removed, with a warning to ``diagnostics``."""
    kind = kind_of(path, declared)
    try:
        size = path.stat().st_size
    except OSError:
        raise DataError(f"data file '{path.name}' not found", path) from None
    if size > MAX_DATA_BYTES:
        raise DataError(f"data file is {size / 1e6:.0f} MB; a chart's data may be at most 5 MB", path)
    text = read_text(path, diagnostics)
    return parse(text, kind, path, property_path)


def parse(text: str, kind: str, path: Path, property_path: str | None = None) -> Data:
    if kind == "json":
        return _json(text, path, property_path)
    return _delimited(text, "\t" if kind == "tsv" else ",", kind, path)


def _delimited(text: str, delimiter: str, kind: str, path: Path) -> Data:
    reader = csv.reader(io.StringIO(text), delimiter=delimiter, strict=True)
    try:
        header = next(reader, None)
        if not header or not any(cell.strip() for cell in header):
            raise DataError("data file has no header row (the first line names the columns)", path, 1)
        columns = tuple(cell.strip() for cell in header)
        if len(set(columns)) != len(columns):
            raise DataError("data file names a column twice in its header row", path, 1)
        rows, lines = [], []
        line = reader.line_num + 1
        for record in reader:
            if not record or not any(cell.strip() for cell in record):
                line = reader.line_num + 1
                continue
            if len(record) != len(columns):
                raise DataError(
                    f"row has {len(record)} cells but the header names {len(columns)} columns"
                    + _separator_hint(header, delimiter),
                    path,
                    line,
                )
            rows.append(dict(zip(columns, (cell.strip() for cell in record), strict=True)))
            lines.append(line)
            line = reader.line_num + 1
    except csv.Error as exc:
        raise DataError(f"not valid {kind.upper()}: {exc}", path, reader.line_num or None) from None
    return Data(path, kind, columns, tuple(rows), tuple(lines), text)


def _separator_hint(header: list[str], delimiter: str) -> str:
    """Why rows and header disagree when the file separates its cells with semicolons, as a
    spreadsheet saved in a French or German locale does (with decimal commas)."""
    if delimiter == "," and len(header) == 1 and ";" in header[0]:
        return (
            "; the file separates its cells with ';' (a spreadsheet saved in a French or German locale): "
            "save it as CSV with commas and decimal points"
        )
    return ""


def _json(text: str, path: Path, property_path: str | None) -> Data:
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise DataError(f"not valid JSON: {exc.msg}", path, exc.lineno) from None
    escaped = escaped_in(value, text)
    if escaped is not None:
        raise DataError(f"JSON data holds {escaped[0]}", path, escaped[1])
    for part in (property_path or "").split("."):
        if part:
            if not isinstance(value, dict) or part not in value:
                raise DataError(f"JSON data has no property '{property_path}'", path, 1)
            value = value[part]
    if not isinstance(value, list) or not all(isinstance(row, dict) for row in value):
        raise DataError('JSON data must be a list of objects, one per row ([{"month": ...}, ...])', path, 1)
    columns: dict[str, None] = {}
    for row in value:
        columns.update(dict.fromkeys(str(key) for key in row))
    lines = _json_lines(text, len(value))
    return Data(path, "json", tuple(columns), tuple(value), lines, text)


def _json_lines(text: str, count: int) -> tuple[int, ...]:
    """The line each object of a JSON list starts on (best effort: the n-th '{' at depth 1)."""
    found: list[int] = []
    depth, line, inside = 0, 1, False
    escaped = False
    for char in text:
        if char == "\n":
            line += 1
        if inside:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                inside = False
            continue
        if char == '"':
            inside = True
        elif char in "[{":
            if char == "{" and depth == 1:
                found.append(line)
            depth += 1
        elif char in "]}":
            depth -= 1
    found += [1] * (count - len(found))
    return tuple(found[:count])


def values(rows: list[dict[str, Any]], path: Path) -> Data:
    """Inline values (a spec's ``data.values``) as data."""
    columns: dict[str, None] = {}
    for row in rows:
        columns.update(dict.fromkeys(str(key) for key in row))
    return Data(path, "json", tuple(columns), tuple(rows), tuple(1 for _ in rows), json.dumps(rows))


def as_csv(data: Data) -> bytes:
    """The rows as CSV (for download), columns in order; values written as read."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(data.columns)
    for row in data.rows:
        writer.writerow(["" if row.get(column) is None else _plain(row.get(column)) for column in data.columns])
    return out.getvalue().encode("utf-8")


def _plain(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def number(value: Any) -> float | int | None:
    """A cell's value as a number, when it is one (``"800000"``, ``800000``, ``"3.5"``)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return value
    if isinstance(value, str) and NUMBER.match(value.strip()):
        text = value.strip()
        return int(text) if re.fullmatch(r"[+-]?\d+", text) else float(text)
    return None


def date(value: Any) -> tuple[dt.date, str] | None:
    """A cell written as an ISO month or day, with its precision ("month", "day")."""
    if not isinstance(value, str):
        return None
    text = value.strip()
    match = ISO_MONTH.match(text)
    try:
        if match:
            return dt.date(int(match.group(1)), int(match.group(2)), 1), "month"
        match = ISO_DAY.match(text)
        if match:
            return dt.date(int(match.group(1)), int(match.group(2)), int(match.group(3))), "day"
    except ValueError:
        return None
    return None


@functools.lru_cache(maxsize=16)
def locale(language: str) -> Locale:
    """The Babel locale of a BCP 47 tag (``en-GB``); English when Babel does not know it."""
    try:
        return Locale.parse(language.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        try:
            return Locale.parse(language.split("-")[0])
        except (UnknownLocaleError, ValueError):
            return Locale.parse("en")


def digits_of(language: str) -> str | None:
    """The ten digits of the language's default numbering system, None for Latin digits."""
    system = locale(language).default_numbering_system
    return DIGITS.get(system)


def symbols(language: str) -> tuple[str, str]:
    """The language's decimal and group separators (in its default numbering system)."""
    where = locale(language)
    system = where.default_numbering_system
    return (
        numbers.get_decimal_symbol(where, numbering_system=system),
        numbers.get_group_symbol(where, numbering_system=system),
    )


def format_number(value: float | int, language: str, pattern: str | None = None) -> str:
    """A number as the language writes it (Babel), or by a CLDR ``pattern`` such as ``#,##0.0``."""
    where = locale(language)
    system = where.default_numbering_system
    try:
        text = numbers.format_decimal(value, format=pattern, locale=where, numbering_system=system)
    except (numbers.UnsupportedNumberingSystemError, ValueError):
        text = numbers.format_decimal(value, format=pattern, locale=where)
    digits = DIGITS.get(system)
    if digits:
        text = text.translate(str.maketrans("0123456789", digits))
    return text


def format_percent(value: float | int, language: str, decimals: int = 0) -> str:
    """A fraction as a percentage, as the language writes one (``0.3``: "30%", "30 %" in French),
    with ``decimals`` places."""
    where = locale(language)
    pattern = where.percent_formats[None].pattern
    if decimals and "0" in pattern:  # after the last digit of the whole part ("%#,##0" in Turkish too)
        last = pattern.rindex("0")
        pattern = pattern[: last + 1] + "." + "0" * decimals + pattern[last + 1 :]
    text = numbers.format_percent(value, format=pattern, locale=where)  # the pattern's % multiplies by 100
    digits = DIGITS.get(where.default_numbering_system)
    return text.translate(str.maketrans("0123456789", digits)) if digits else text


def format_compact(value: float | int, language: str) -> str:
    """A number in words as the language shortens it (Babel's long compact form): "3.5 million"."""
    where = locale(language)
    text = numbers.format_compact_decimal(value, format_type="long", locale=where, fraction_digits=1)
    digits = digits_of(language)
    return text.translate(str.maketrans("0123456789", digits)) if digits else text


def format_date(day: dt.date, precision: str, language: str) -> str:
    """A month as "Feb 2020", a day as "24 Feb 2020", in the language (Babel's skeletons)."""
    where = locale(language)
    skeleton = "yMMM" if precision == "month" else "yMMMd"
    text = dates.format_skeleton(skeleton, day, locale=where)
    digits = digits_of(language)
    if digits:
        text = text.translate(str.maketrans("0123456789", digits))
    return text


def shown(value: Any, language: str, pattern: str | None = None, as_number: bool = True) -> str:
    """A cell as a reader sees it: numbers (unless ``as_number`` is False: a year, a code) and ISO
    dates in the language, other text as written."""
    found = number(value) if as_number else None
    if found is not None:
        return format_number(found, language, pattern)
    when = date(value)
    if when is not None:
        return format_date(when[0], when[1], language)
    return "" if value is None else _plain(value)
