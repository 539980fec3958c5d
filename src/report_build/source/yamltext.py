"""YAML the author writes (front matter, changelog.yaml, variables.yaml, strings files), and
its mistakes told in plain words, each with its line and a hint.

PyYAML says ``expected <block end>, but found '<block mapping start>'``; an author needs to
hear that a line is indented differently from the one above it. :func:`explain` recognises the
usual mistakes from the parser's error and the text around it:

- a tab (YAML indents with spaces only);
- a missing space after a colon (``title:Idlib``);
- a colon in an unquoted value (``title: Idlib: lives``);
- a list written on one line without brackets (``keywords: - a - b``), or a ``[`` never closed;
- wrong indentation;

and falls back to the parser's own words for anything else. :func:`error` turns that into the
project's error at ``file:line``.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from ..errors import ManuscriptError, ReportBuildError

KEY_LINE = re.compile(r"^(?P<lead>\s*(?:-\s+)?)(?P<key>[^\s:#'\"\[\]{}-][^:#]*?):(?P<gap>\s*)(?P<value>.*)$")
NO_SPACE = re.compile(r"^(?P<lead>\s*(?:-\s+)?)(?P<key>[A-Za-z_][\w.-]*):(?P<value>[^\s:/\\].*)$")
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""PyYAML's safe loader written in C (libyaml's), when PyYAML is built with it: about ten times
as fast as the one in Python, which a file read at every build (a strings file, a chart spec)
notices. It has no nesting limit of ours, so the manuscript's YAML keeps :class:`.frontmatter.Loader`."""


def safe_load(text: str) -> Any:
    """``yaml.safe_load``, by :data:`SAFE_LOADER` where the two loaders agree: a text with a tab
    (which libyaml reads in places where PyYAML refuses it) and a text libyaml refuses go to
    PyYAML's own loader, so a mistake is raised as before, in its words and at its line, which
    :func:`explain` reads."""
    if "\t" not in text:
        try:
            return yaml.load(text, Loader=SAFE_LOADER)
        except yaml.YAMLError:
            pass
    return yaml.safe_load(text)


def error(
    exc: yaml.YAMLError,
    text: str,
    path: Path | str,
    what: str,
    first_line: int = 1,
    kind: type[ReportBuildError] = ManuscriptError,
) -> ReportBuildError:
    """The error to raise for ``exc``, raised while reading ``text`` (which starts at line
    ``first_line`` of ``path``): ``path:N: <what> line N: <plain words and a hint>``."""
    line, message = explain(exc, text, first_line)
    number = (line or 1) + first_line - 1
    return kind(f"{what} line {number}: {message}", path, number)


def explain(exc: yaml.YAMLError, text: str, first_line: int = 1) -> tuple[int | None, str]:
    """(line of ``text``, 1-based, or None; the mistake in plain words with a hint, naming other
    lines by their number in the file, where ``text`` starts at line ``first_line``)."""
    lines = text.split("\n")
    problem = str(getattr(exc, "problem", None) or str(exc).splitlines()[0])
    context = str(getattr(exc, "context", None) or "")
    mark = getattr(exc, "problem_mark", None)
    context_mark = getattr(exc, "context_mark", None)
    at = mark.line + 1 if mark is not None else None
    opened = context_mark.line + 1 if context_mark is not None else None

    def line_of(number: int | None) -> str:
        return lines[number - 1] if number is not None and 1 <= number <= len(lines) else ""

    if isinstance(exc, (yaml.constructor.ConstructorError, yaml.composer.ComposerError)):
        return at or opened, problem  # a value the reader refused, in its own words ("not a real date")
    if "'\\t'" in problem and at is not None:
        before = line_of(at)[: mark.column]
        if not before.strip():
            return at, "a tab indents this line; YAML indents with spaces only: replace the tab with spaces"
        return at, f"a tab follows '{before.strip()}'; YAML allows no tab there: use a space instead"
    if at is not None and (problem.startswith("mapping values are not allowed") or "expected ':'" in problem):
        missing = _missing_space(lines, at, opened)
        if missing is not None:
            return missing
        item = opened if opened is not None and re.match(r"^\s*-[^\s-]", line_of(opened)) else None
        if item is not None:  # "-chapters/b.md": read as text that runs on into the next line
            written = line_of(item).strip()
            return item, f"a list item needs a space after its '-': '- {written[1:]}', not '{written}'"
    if problem.startswith("mapping values are not allowed") and at is not None:
        found = KEY_LINE.match(line_of(at))
        if found is not None and mark.column > found.end("gap"):  # a colon inside the value
            key, value = found.group("key").strip(), found.group("value").strip()
            return at, f"the value of '{key}' holds a colon; put the {key} in quotes: {key}: {_quoted(value)}"
        return at, _indentation(lines, at, first_line)
    if problem.startswith("sequence entries are not allowed") and at is not None:
        found = KEY_LINE.match(line_of(at))
        key = found.group("key").strip() if found else "key"
        items = [item for item in re.split(r"\s*,?\s*-\s+", " " + (found.group("value") if found else "")) if item]
        written = ", ".join(item.strip().rstrip(",") for item in items)
        return at, (
            f"a list written on one line needs brackets: {key}: [{written}]; or put each item on a line "
            "of its own, starting with '- '"
        )
    if "flow sequence" in context or "flow mapping" in context:
        bracket, closer = ("[", "]") if "sequence" in context else ("{", "}")
        return opened or at, (
            f"the '{bracket}' opened on this line is never closed: end it with '{closer}' on the same line, "
            "or put quotes around a value that holds a comma, a colon or a bracket"
        )
    if problem.startswith("expected <block end>") and at is not None:
        return at, _indentation(lines, at, first_line)
    hint = "check the indentation, colons and quotes of this line"
    return at or opened, f"not valid YAML: {problem} ({hint})"


def _missing_space(lines: list[str], at: int, opened: int | None) -> tuple[int, str] | None:
    """``title:Idlib`` (no space after the colon) at or just above line ``at``."""
    first = max(1, min(at, opened or at) - 2)
    for number in range(at, first - 1, -1):
        found = NO_SPACE.match(lines[number - 1]) if number <= len(lines) else None
        if found is not None and not found.group("value").startswith(("//", '"', "'")):
            key, value = found.group("key"), found.group("value")
            return number, f"'{key}:{value}' needs a space after the colon: {key}: {value}"
    return None


def _indentation(lines: list[str], at: int, first_line: int) -> str:
    """The line is indented in a way that matches none of the lines it could belong with."""
    line = lines[at - 1] if at <= len(lines) else ""
    above = next(
        (n for n in range(at - 1, 0, -1) if lines[n - 1].strip() and not lines[n - 1].lstrip().startswith("#")),
        None,
    )
    spaces = _spaces(line, item=line.lstrip().startswith("- "))
    name = _name(line)
    if above is not None:
        other = lines[above - 1]
        theirs = _spaces(other, item=line.lstrip().startswith("- "))
        if theirs != spaces:
            return (
                f"'{name}' is indented by {_count(spaces)}, but '{_name(other)}' on line {above + first_line - 1} by "
                f"{_count(theirs)}: the items of one list, and the keys of one mapping, start in the same "
                "column (indent with spaces)"
            )
    return (
        f"'{name}' is indented differently from the lines above it: the items of one list, and the keys of "
        "one mapping, start in the same column (indent with spaces)"
    )


def _spaces(line: str, item: bool) -> int:
    """Where a line's key starts (after a list's '- ', unless items are compared)."""
    indent = len(line) - len(line.lstrip(" "))
    rest = line[indent:]
    if not item and rest.startswith("- "):
        indent += 2 + len(rest[2:]) - len(rest[2:].lstrip(" "))
    return indent


def _name(line: str) -> str:
    """A line's key (``version`` of ``- version: "1.2"``), or its start."""
    stripped = line.strip()
    found = KEY_LINE.match(stripped.removeprefix("- "))
    if found is not None:
        return found.group("key").strip()
    return stripped[:40]


def _count(spaces: int) -> str:
    return f"{spaces} space{'s' if spaces != 1 else ''}"


def _quoted(value: str) -> str:
    if '"' not in value:
        return f'"{value}"'
    return "'" + value.replace("'", "''") + "'"
