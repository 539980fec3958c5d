"""Front matter: split it from the body and parse it safely, with the line of each key. YAML
between ``---`` lines, or TOML between ``+++`` lines (Hugo's other form).

What the keys mean and how their values are checked is declared in :mod:`.metadata`."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

import yaml

from .. import limits
from ..errors import Diagnostics, ManuscriptError
from . import files, yamltext
from .text import REMOVED, named, why_removed

DELIMITER = re.compile(r"^---\s*$")
CLOSER = re.compile(r"^(---|\.\.\.)\s*$")
TOML_DELIMITER = re.compile(r"^\+\+\+\s*$")
TOML_KEY = re.compile(r"""^\s*(?:([A-Za-z0-9_-]+)|"([^"]*)"|'([^']*)')\s*=""")
TOML_TABLE = re.compile(r"^\s*\[\[?\s*(?:([A-Za-z0-9_-]+)|\"([^\"]*)\")")


class TomlText(str):
    """Front matter written in TOML (between ``+++`` lines), as :func:`split` gives it."""


def split(text: str, path: Path) -> tuple[str | None, str, int]:
    """Return (front matter text or None, body, number of lines before the body); in a build,
    once per file and text (:func:`.files.once`)."""
    return files.once("front matter", (Path(path), text), lambda: _split(text, path))


def _split(text: str, path: Path) -> tuple[str | None, str, int]:
    lines = text.split("\n")
    if lines and TOML_DELIMITER.match(lines[0]):
        for index in range(1, len(lines)):
            if TOML_DELIMITER.match(lines[index]):
                return TomlText("\n".join(lines[1:index])), "\n".join(lines[index + 1 :]), index + 1
        raise ManuscriptError("front matter opened with '+++' is never closed (add a '+++' line after it)", path, 1)
    if not lines or not DELIMITER.match(lines[0]):
        _refuse_a_mistyped_opening(lines, path)
        return None, text, 0
    for index in range(1, len(lines)):
        if CLOSER.match(lines[index]):
            return "\n".join(lines[1:index]), "\n".join(lines[index + 1 :]), index + 1
    raise ManuscriptError("front matter opened with '---' is never closed (add a '---' line after it)", path, 1)


NEAR_DELIMITER = re.compile(r"^(-{1,2}|-{4,}|[–—]+)\s*$")  # "--", "----", a word processor's dash
YAML_KEY = re.compile(r"^[A-Za-z_][\w-]*\s*:(\s|$)")
YAML_LINE = re.compile(r"^(\s*$|\s*#|\s+\S|\s*-\s|[A-Za-z_][\w-]*\s*:(\s|$))")  # a key, an item, indented, a comment


def _refuse_a_mistyped_opening(lines: list[str], path: Path) -> None:
    """Front matter whose opening line is not quite '---' (``--``, ``----``, an em dash) would be
    read as text: the title lost, the YAML printed on the first page, the chapters list
    ignored. When the lines up to the next '---' are all YAML (keys, list items, their indented
    values, comments), say so at line 1. A rule followed by prose is left alone."""
    if len(lines) < 3 or not NEAR_DELIMITER.match(lines[0]) or not YAML_KEY.match(lines[1]):
        return
    closing = next((index for index in range(2, len(lines)) if CLOSER.match(lines[index])), None)
    if closing is not None and all(YAML_LINE.match(line) for line in lines[2:closing]):
        raise ManuscriptError(
            f"the front matter opens with '{lines[0].strip()}': its first line must be exactly three dashes, '---'",
            path,
            1,
        )


class Loader(yaml.SafeLoader):
    """PyYAML's safe loader, with a nesting limit (its composer recurses), impossible dates
    (2020-13-45) reported as YAML errors at their line instead of a bare ValueError, and the
    characters of :data:`~.text.REMOVED` taken out of its strings, each kept in ``removed`` with its
    line (0-based in the text read) for a warning."""

    def __init__(self, stream: str, remove: bool = True):
        super().__init__(stream)
        self._depth = 0
        self.remove = remove
        self.removed: list[tuple[str, int]] = []

    def construct_yaml_str(self, node: Any) -> Any:
        value = super().construct_yaml_str(node)
        if self.remove and REMOVED.search(value):
            self.removed.extend((char, node.start_mark.line) for char in dict.fromkeys(REMOVED.findall(value)))
            value = REMOVED.sub("", value)
        return value

    def compose_node(self, parent: Any, index: Any) -> Any:
        self._depth += 1
        try:
            if self._depth > limits.MAX_YAML_NESTING:
                raise yaml.composer.ComposerError(
                    None,
                    None,
                    f"nested more than {limits.MAX_YAML_NESTING} levels deep",
                    self.peek_event().start_mark,
                )
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def construct_yaml_timestamp(self, node: Any) -> Any:
        """A date, or the text as written when it is none (2020-13-45): what reads it says so."""
        try:
            return super().construct_yaml_timestamp(node)
        except (ValueError, OverflowError):
            return str(node.value)


Loader.add_constructor("tag:yaml.org,2002:timestamp", Loader.construct_yaml_timestamp)
Loader.add_constructor("tag:yaml.org,2002:str", Loader.construct_yaml_str)


def escape_removed(char: str) -> str:
    """The warning for a character of :data:`~.text.REMOVED` written as an escape and taken out."""
    return f"{named(char)}, written as an escape, is removed: {why_removed(char, 'no page can hold it')}"


def load(text: str, path: Path, diagnostics: Diagnostics, first_line: int = 1, remove: bool = True) -> tuple[Any, Any]:
    """(node, data): the composed node, for key lines, and the constructed data, read with
    :class:`Loader`; each character taken out of a string is a warning at its line (the text's
    first line is ``first_line`` of the file). Without ``remove``, the characters stay, for a
    check of its own (the front matter's fields refuse them: :mod:`.metadata`). Raises
    :class:`yaml.YAMLError`."""
    loader = Loader(text, remove)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    finally:
        loader.dispose()
    for char, line in loader.removed:
        diagnostics.warn(
            escape_removed(char),
            path,
            line + first_line,
        )
    return node, data


def parse(front: str | None, path: Path, diagnostics: Diagnostics) -> tuple[dict[str, Any], dict[str, int]]:
    """Parse the front matter; return values and the line of each key (1-based, in the file)."""
    if front is None or not front.strip():
        return {}, {}
    if isinstance(front, TomlText):
        return _parse_toml(front, path)
    try:
        node, data = load(front, path, diagnostics, first_line=2, remove=False)
    except yaml.YAMLError as exc:
        raise yamltext.error(exc, front, path, "front matter", first_line=2) from None
    if data is None:
        return {}, {}
    if not isinstance(data, dict) or not isinstance(node, yaml.MappingNode):
        for number, line in enumerate(front.split("\n"), 2):
            missing = yamltext.NO_SPACE.match(line)
            if missing is not None:  # "title:Idlib" alone reads as text, not as a key
                key, value = missing.group("key"), missing.group("value")
                raise ManuscriptError(
                    f"front matter line {number}: '{key}:{value}' needs a space after the colon: {key}: {value}",
                    path,
                    number,
                )
        raise ManuscriptError("front matter must be a mapping of keys to values (key: value)", path, 2)
    lines = {str(key.value): key.start_mark.line + 2 for key, _ in node.value}
    return {str(key): value for key, value in data.items()}, lines


def _parse_toml(front: str, path: Path) -> tuple[dict[str, Any], dict[str, int]]:
    """TOML front matter: its values and the line of each top-level key (a table's header line)."""
    try:
        data = tomllib.loads(front)
    except tomllib.TOMLDecodeError as exc:
        found = re.search(r"\(at line (\d+)", str(exc))
        line = int(found.group(1)) + 1 if found else 2
        reason = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(exc))
        raise ManuscriptError(f"front matter (TOML) cannot be read: {reason}", path, line) from None
    lines: dict[str, int] = {}
    for number, line in enumerate(front.split("\n"), 2):
        table = TOML_TABLE.match(line)
        key = None if table or lines.get("\0table") else TOML_KEY.match(line)
        if table:
            lines.setdefault("\0table", number)  # keys after a table header are the table's
            name = next(group for group in table.groups() if group is not None)
            lines.setdefault(name, number)
        elif key:
            lines.setdefault(next(group for group in key.groups() if group is not None), number)
    lines.pop("\0table", None)
    return {str(key): value for key, value in data.items()}, lines
