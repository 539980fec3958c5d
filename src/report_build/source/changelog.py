"""The changelog beside the manuscript: every release with its version, date and notice.

Format (``changelog.yaml``, newest release first)::

    releases:
      - version: "1.2"
        date: 2020-02-24
        summary: One line.
        notice: Text of the update notice shown at the start of the report.
        changes:
          - One change.
"""

from __future__ import annotations

import datetime as dt
import re
from html import unescape
from itertools import pairwise
from pathlib import Path
from typing import Any

import markdown
import yaml

from ..errors import Diagnostics, ManuscriptError
from ..model import Release
from . import frontmatter, yamltext
from .dates import DATE_WORDS, build_date, is_date_word
from .extensions import SMARTY_SUBSTITUTIONS
from .text import read_text

NAMES = ("changelog.yaml", "changelog.yml")
VERSION = re.compile(r"^\d+(\.\d+){0,3}$")
FIELDS = {"version", "date", "summary", "notice", "changes"}


def find(manuscript: Path) -> Path | None:
    for name in NAMES:
        candidate = manuscript.parent / name
        if candidate.is_file():
            return candidate
    return None


def version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


def load(path: Path, diagnostics: Diagnostics) -> tuple[Release, ...]:
    text = read_text(path, diagnostics)
    try:
        root, data = frontmatter.load(text, path, diagnostics)
    except yaml.YAMLError as exc:
        raise yamltext.error(exc, text, path, "changelog") from None
    if not isinstance(data, dict) or not isinstance(data.get("releases"), list) or not data["releases"]:
        raise ManuscriptError("changelog must have a 'releases:' list with at least one release", path, 1)
    nodes = _release_nodes(root)
    releases = [_release(item, node, path, diagnostics) for item, node in zip(data["releases"], nodes, strict=True)]
    for newer, older in pairwise(releases):
        if version_key(newer.version) <= version_key(older.version):
            raise ManuscriptError(
                f"version {older.version} must be older than {newer.version} above it "
                "(releases are listed newest first, each version once)",
                path,
                older.line,
            )
        if newer.date < older.date:
            raise ManuscriptError(
                f"release {older.version} is dated {older.date}, after the newer {newer.version} ({newer.date})",
                path,
                older.line,
            )
    return tuple(releases)


def _release_nodes(root: yaml.Node) -> list[yaml.Node]:
    for key, value in root.value:
        if key.value == "releases":
            return list(value.value)
    return []


def _release(item: Any, node: yaml.Node, path: Path, diagnostics: Diagnostics) -> Release:
    line = node.start_mark.line + 1
    if not isinstance(item, dict):
        raise ManuscriptError("each release must be a mapping with version, date and summary", path, line)
    key_lines = {k.value: k.start_mark.line + 1 for k, _ in node.value} if isinstance(node, yaml.MappingNode) else {}
    for key in item:
        if key not in FIELDS:
            diagnostics.warn(f"unknown changelog field '{key}' is ignored", path, key_lines.get(key, line))
    version = item.get("version")
    if isinstance(version, float):  # as written, not as YAML read it: 1.10 is the number 1.1
        written = {k.value: v for k, v in node.value}.get("version") if isinstance(node, yaml.MappingNode) else None
        shown = written.value if isinstance(written, yaml.ScalarNode) else version
        raise ManuscriptError(
            f'write the version in quotes ("{shown}") so it stays text', path, key_lines.get("version", line)
        )
    if not isinstance(version, (str, int)) or not VERSION.match(str(version)):
        raise ManuscriptError('release needs a version such as "1.2" (numbers and dots)', path, line)
    date = item.get("date")
    word = next((word for word in DATE_WORDS if is_date_word(date, word)), None)
    if word is not None:  # the front matter's words: a filed version's date must never move
        raise ManuscriptError(
            f"release {version} needs its date written out (date: {build_date().isoformat()} for today), not "
            f"'{word}': the changelog dates each version once, and a release keeps that date in every output; "
            f"'{word}' would give each build its own",
            path,
            key_lines.get("date", line),
        )
    if isinstance(date, str):
        try:
            date = dt.date.fromisoformat(date)
        except ValueError:
            date = None
    if not isinstance(date, dt.date):
        raise ManuscriptError(f"release {version} needs a date written YYYY-MM-DD", path, key_lines.get("date", line))
    summary = item.get("summary")
    if not isinstance(summary, str) or not summary.strip():
        raise ManuscriptError(f"release {version} needs a one-line summary", path, line)
    changes = item.get("changes") or []
    if not isinstance(changes, list) or not all(isinstance(c, str) for c in changes):
        raise ManuscriptError(
            f"'changes' of release {version} must be a list of text", path, key_lines.get("changes", line)
        )
    notice = item.get("notice") or ""
    if not isinstance(notice, str):
        raise ManuscriptError(f"'notice' of release {version} must be text", path, key_lines.get("notice", line))
    return Release(
        version=str(version),
        date=date,
        summary=typographic(summary),
        changes=tuple(typographic(c) for c in changes),
        notice=typographic(notice),
        line=line,
    )


def typographic(text: str) -> str:
    """Curly quotes, apostrophes and dashes, as in the manuscript (the changelog is plain text)."""
    text = " ".join(text.split())
    if not text:
        return text
    md = markdown.Markdown(extensions=["smarty"], extension_configs={"smarty": {"substitutions": SMARTY_SUBSTITUTIONS}})
    html = md.convert(markdown_escape(text))
    return unescape(re.sub(r"<[^>]+>", "", html))


def markdown_escape(text: str) -> str:
    """Keep Markdown from reading *, _, `, [, # or HTML in a plain-text entry as markup."""
    text = text.replace("&", "&amp;").replace("<", "&lt;")
    return re.sub(r"([\\`*_\[\]#])", r"\\\1", text)
