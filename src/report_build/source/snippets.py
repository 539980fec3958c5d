"""MkDocs' snippets (pymdownx.snippets): another file's text put in place, as MkDocs Material's
pages write them.

- ``--8<-- "includes/terms.md"`` alone on its line: that file's text, read as the manuscript's
  (an include); in fenced code, its lines as code;
- a block of names between two ``--8<--`` lines: each file in turn;
- ``"file.md:3:5"``: its lines 3 to 5 (either number may be left out: ``"file.md::5"``,
  ``"file.md:3"``); ``"file.md:name"``: the lines between ``--8<-- [start:name]`` and
  ``--8<-- [end:name]`` (marks a file may write inside a comment of its language), which are
  never shown themselves;
- ``;--8<--``: the line as written, without its ``;``.

A name is looked for beside the file that writes it, then in the manuscript's folder (MkDocs
reads them from its ``base_path``, the project's folder: a name that starts with the
manuscript's folder, ``docs/includes/terms.md``, is looked for in that folder). A snippet that
is not found, is outside the manuscript's folder or on the web is left out with a warning, as
MkDocs leaves out one it cannot find.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

SNIPPET = re.compile(
    r"""^(?P<indent>[ \t]*)(?P<escaped>;)?--8<--[ \t]+(?P<quote>["']?)(?P<name>.+?)(?P=quote)[ \t]*$"""
)
BLOCK = re.compile(r"^[ \t]*(?P<escaped>;)?--8<--[ \t]*$")
MARK = re.compile(r"-{1,2}8<-{1,2}\s*\[(?P<edge>start|end):(?P<section>[\w.-]+)\]")
RANGE = re.compile(r"^(?P<name>.+?):(?P<start>\d*)(?::(?P<end>\d*))?$")  # file.md:3:5, file.md::5, file.md:3
SECTION = re.compile(r"^(?P<name>.+\.\w+):(?P<section>[A-Za-z_][\w.-]*)$")  # file.md:terms


@dataclass(frozen=True)
class Wanted:
    """What a snippet names: a file, and which of its lines."""

    name: str
    start: int | None = None  # first and last line (1-based), inclusive
    end: int | None = None
    section: str | None = None


NAME_LINE = re.compile(r"""^[ \t]*;?["']?[^\s"']+["']?[ \t]*$""")  # a name in a block, or a blank line


def closed(numbered: list[tuple[str, int]], index: int) -> bool:
    """Whether the ``--8<--`` line at ``index`` opens a block of names: another closes it, and
    only names (or blank lines) are between (a lone ``--8<--`` in a text is text)."""
    for line, _number in numbered[index + 1 :]:
        if BLOCK.match(line):
            return True
        if line.strip() and not NAME_LINE.match(line):
            return False
    return False


def wanted(written: str) -> Wanted:
    """A snippet's name as written (``file.md``, ``file.md:3:5``, ``file.md:terms``)."""
    written = written.strip()
    ranged = RANGE.match(written)
    if ranged is not None:
        start, end = ranged.group("start"), ranged.group("end")
        return Wanted(ranged.group("name"), int(start) if start else None, int(end) if end else None)
    section = SECTION.match(written)
    if section is not None:
        return Wanted(section.group("name"), section=section.group("section"))
    return Wanted(written)


def candidates(name: str, here: Path, root: Path) -> list[Path]:
    """Where a snippet ``name`` may be, in order (see the module)."""
    found = [here.parent / name, root / name]
    parts = PurePosixPath(name).parts
    if len(parts) > 1 and parts[0] == root.name:
        found.append(root.joinpath(*parts[1:]))
    return found


def selected(lines: list[str], want: Wanted) -> tuple[list[str], int, str | None]:
    """The lines ``want`` names, the file line of the first, and why none are, if so. Section
    marks become blank lines (never shown; the lines keep their numbers)."""
    first, last = 0, len(lines)
    if want.section is not None:
        starts = [i for i, line in enumerate(lines) if _mark(line) == ("start", want.section)]
        ends = [i for i, line in enumerate(lines) if _mark(line) == ("end", want.section)]
        if not starts:
            return [], 1, f"it has no section '{want.section}' (--8<-- [start:{want.section}])"
        first = starts[0] + 1
        last = next((i for i in ends if i > starts[0]), len(lines))
    elif want.start is not None or want.end is not None:
        first = max((want.start or 1) - 1, 0)
        last = min(want.end or len(lines), len(lines))
    chosen = ["" if _mark(line) is not None else line for line in lines[first:last]]
    return chosen, first + 1, None


def _mark(line: str) -> tuple[str, str] | None:
    found = MARK.search(line)
    return (found.group("edge"), found.group("section")) if found is not None else None
