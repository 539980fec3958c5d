"""BibTeX (and BibLaTeX) files read by pybtex into CSL-JSON items, which citeproc-py formats.

pybtex reads the file as BibTeX does (``@string`` macros, ``#`` concatenation, month names,
braces), names included (``von Last, Jr, First``; ``{World Health Organization}`` is one name);
this module maps entry types and fields to CSL's and LaTeX to text (accents through latexcodec,
``\\emph{x}`` and the like to their text, ``--`` to an en dash). citeproc-py's own BibTeX reader
stops at a BibLaTeX type such as ``@online`` and lets a repeated key replace the first silently.

Invariant: what pybtex reads around (a syntax error, an undefined macro) is a warning naming its
line; a key given twice keeps its first entry, with a warning naming the line of the second.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from . import files

TYPES = {
    "article": "article-journal",
    "book": "book",
    "mvbook": "book",
    "inbook": "chapter",
    "incollection": "chapter",
    "inproceedings": "paper-conference",
    "conference": "paper-conference",
    "proceedings": "book",
    "collection": "book",
    "phdthesis": "thesis",
    "mastersthesis": "thesis",
    "thesis": "thesis",
    "techreport": "report",
    "report": "report",
    "manual": "report",
    "booklet": "pamphlet",
    "unpublished": "manuscript",
    "online": "webpage",
    "electronic": "webpage",
    "www": "webpage",
    "dataset": "dataset",
    "software": "software",
    "patent": "patent",
    "periodical": "periodical",
    "misc": "document",
}
FIELDS = {
    "title": "title",
    "journal": "container-title",
    "journaltitle": "container-title",
    "booktitle": "container-title",
    "series": "collection-title",
    "publisher": "publisher",
    "address": "publisher-place",
    "location": "publisher-place",
    "volume": "volume",
    "edition": "edition",
    "pages": "page",
    "chapter": "chapter-number",
    "doi": "DOI",
    "url": "URL",
    "isbn": "ISBN",
    "issn": "ISSN",
    "note": "note",
    "abstract": "abstract",
    "howpublished": "medium",
    "version": "version",
}
PUBLISHERS = ("institution", "school", "organization")  # who published a report, thesis or manual
ROLES = {"author": "author", "editor": "editor", "translator": "translator"}
MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        1,
    )
    for name in names
}
FORMATTING = re.compile(r"\\(?:emph|textit|textbf|textsc|textsf|texttt|textrm|textup|mbox|text|url|uline|enquote)\s*\{")


def read(path: Path, warn: Callable[[str, Path, int | None], None], text: str | None = None) -> list[dict[str, Any]]:
    """The entries of a BibTeX file as CSL-JSON items, in file order. What pybtex reads around (a
    syntax error, an undefined ``@string``, a key given twice) is a warning naming its line.
    ``text``: the file's text as the reading read it (cleaned of what no page can hold)."""
    import pybtex.errors
    from pybtex.database.input.bibtex import Parser

    text = files.read_utf8(path) if text is None else text
    with pybtex.errors.capture() as captured:
        data = Parser(encoding="utf-8").parse_string(text)
    for error in captured:
        message = str(error)
        if message.startswith("repeated bibliography entry"):
            key = message.rsplit(":", 1)[-1].strip()
            warn(f"BibTeX entry '{key}' is given twice; the first is kept", path, _nth_line(text, key, 2))
        else:
            line = getattr(error, "lineno", None) or _line_of_error(message)
            warn(f"BibTeX: {_plain_error(message)}; read around it (an entry may be incomplete)", path, line)
    return [csl(key, entry) for key, entry in data.entries.items() if not key.startswith("unnamed-")]


def csl(key: str, entry: Any) -> dict[str, Any]:
    """One pybtex entry as a CSL-JSON item."""
    kind = entry.type.lower()
    item: dict[str, Any] = {"id": key, "type": TYPES.get(kind, "document")}
    fields = {name.lower(): value for name, value in entry.fields.items()}
    for name, target in FIELDS.items():
        if name in fields and target not in item:
            item[target] = latex_text(fields[name]) if name not in ("url", "doi") else fields[name].strip()
    for name in PUBLISHERS:
        if name in fields and "publisher" not in item:
            item["publisher"] = latex_text(fields[name])
    if "number" in fields:
        item["issue" if kind == "article" else "number"] = latex_text(fields["number"])
    if kind == "phdthesis":
        item.setdefault("genre", "PhD thesis")
    elif kind == "mastersthesis":
        item.setdefault("genre", "Master's thesis")
    issued = _date(fields)
    if issued:
        item["issued"] = {"date-parts": [issued]}
    accessed = _iso_date(fields.get("urldate", ""))
    if accessed:
        item["accessed"] = {"date-parts": [accessed]}
    for role, target in ROLES.items():
        people = entry.persons.get(role) or entry.persons.get(role.capitalize())
        if people:
            item[target] = [_name(person) for person in people]
    return item


def _name(person: Any) -> dict[str, str]:
    last = " ".join(person.last_names)
    if not person.first_names and not person.middle_names and last.startswith("{") and last.endswith("}"):
        return {"literal": latex_text(last)}
    name = {"family": latex_text(last), "given": latex_text(" ".join(person.first_names + person.middle_names))}
    if person.prelast_names:
        name["non-dropping-particle"] = latex_text(" ".join(person.prelast_names))
    if person.lineage_names:
        name["suffix"] = latex_text(" ".join(person.lineage_names))
    return {k: v for k, v in name.items() if v}


def _date(fields: dict[str, str]) -> list[int]:
    if "date" in fields:
        parts = _iso_date(fields["date"])
        if parts:
            return parts
    year = re.search(r"\d{4}", fields.get("year", ""))
    if year is None:
        return []
    parts = [int(year.group())]
    month = fields.get("month", "").strip().lower().rstrip(".")
    number = MONTHS.get(month) or (int(month) if month.isdigit() and 1 <= int(month) <= 12 else None)
    if number:
        parts.append(number)
    return parts


def _iso_date(value: str) -> list[int]:
    match = re.match(r"^\s*(\d{4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?", value)
    return [int(part) for part in match.groups() if part] if match else []


def latex_text(value: str) -> str:
    """LaTeX in a BibTeX field as plain text: formatting commands keep their text, accents and
    special characters become characters, braces and doubled spaces go."""
    import latexcodec  # noqa: F401 (registers the "latex" codec)

    text = FORMATTING.sub("{", value)
    text = text.replace("``", "\u201c").replace("''", "\u201d").replace("---", "\u2014").replace("--", "\u2013")
    text = text.replace("~", "\u00a0")
    with contextlib.suppress(UnicodeDecodeError, ValueError):
        text = text.encode("utf-8").decode("latex+utf8")
    text = re.sub(r"(?<!\\)[{}]", "", text)
    text = text.replace("\\&", "&").replace("\\%", "%").replace("\\$", "$").replace("\\_", "_").replace("\\#", "#")
    return " ".join(text.split())


def _plain_error(message: str) -> str:
    return re.sub(r"^syntax error in line \d+:\s*|\s*in line \d+", "", message)


def _line_of_error(message: str) -> int | None:
    found = re.search(r"line (\d+)", message)
    return int(found.group(1)) if found else None


def _nth_line(text: str, key: str, nth: int) -> int | None:
    pattern = re.compile(r"@\w+\s*[{(]\s*" + re.escape(key) + r"\s*,", re.IGNORECASE)
    matches = list(pattern.finditer(text))
    if len(matches) < nth:
        return None
    return text.count("\n", 0, matches[nth - 1].start()) + 1
