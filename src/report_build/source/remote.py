"""Remote images in a build: their local copies, recorded in the lock file, or placeholders.

``report-build fetch`` (:mod:`report_build.fetch`, the only code that uses the network)
downloads every ``http``/``https`` image a manuscript uses into ``images/remote/`` beside it
and records each in ``remote-images.lock``, one line per image::

    https://example.org/logo.png  images/remote/3a7bd3e2360a3d29eea436fcfb7e44c7.png  3a7bd3e2...(SHA-256)

A build reads the lock and never the network. Each remote image becomes its local copy,
whose SHA-256 must still be the one recorded (a copy changed or gone is an error at its lock
line). A remote image that is not in the lock is a fault the build renders around: a visible
placeholder with its alt text, and a warning at its line naming ``report-build fetch``; so a
draft always builds, and ``--strict``, ``release`` and ``check`` refuse it. ``--omit-remote``
says so up front: its warnings name the option rather than the fault.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

from lxml import etree

from ..errors import Diagnostics, ResourceError
from ..sandbox import resolve_reference
from .text import SourceMap

LOCK_NAME = "remote-images.lock"
FOLDER = "images/remote"
REMOTE = re.compile(r"^https?://", re.IGNORECASE)
SHA256 = re.compile(r"^[0-9a-f]{64}$")
HEADER = (
    "# Remote images of this folder's manuscripts, downloaded by `report-build fetch`.\n"
    "# Builds use these local copies and never the network. One image a line: URL, file, SHA-256.\n"
    "# Run `report-build fetch` again to add or refresh images; do not edit by hand.\n"
)
Mode = Literal["locked", "omit", "collect"]
PLACEHOLDER = "image-omitted"  # the class of the note that stands where an image is not included


@dataclass(frozen=True)
class Entry:
    url: str
    file: str  # relative to the manuscript's folder, POSIX
    sha256: str
    line: int | None = None


def is_remote(src: str) -> bool:
    return bool(REMOTE.match(src.strip()))


def lock_path(manuscript: Path) -> Path:
    return Path(manuscript).parent / LOCK_NAME


def read_lock(path: Path) -> dict[str, Entry]:
    """The entries of a lock file by URL; none when there is no lock file."""
    if not path.is_file():
        return {}
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ResourceError(f"lock file cannot be read: {exc}", path) from None
    entries: dict[str, Entry] = {}
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        parts = line.split()
        if len(parts) != 3 or not is_remote(parts[0]) or not SHA256.match(parts[2]):
            raise ResourceError(
                "lock entry must read 'URL FILE SHA-256'; run `report-build fetch` again to rewrite the lock",
                path,
                number,
            )
        url, file, digest = parts
        if url in entries:
            raise ResourceError(f"'{url}' is in the lock twice (first at line {entries[url].line})", path, number)
        entries[url] = Entry(url, file, digest, number)
    return entries


def format_lock(entries: list[Entry]) -> str:
    """The text of a lock file: the header, then one entry a line, sorted by URL."""
    rows = sorted(entries, key=lambda entry: entry.url)
    return HEADER + "".join(f"{entry.url}  {entry.file}  {entry.sha256}\n" for entry in rows)


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@dataclass
class RemoteImages:
    """What a build does with the remote images of a manuscript.

    ``locked``: each becomes its local copy from the lock; one that has none, a placeholder,
    with a warning naming ``report-build fetch`` (a fault: a strict build refuses it);
    ``omit``: the same, the warning naming ``--omit-remote``;
    ``collect``: each becomes a placeholder silently, and is listed in ``found`` (for fetch).
    """

    manuscript: Path
    mode: Mode = "locked"
    diagnostics: Diagnostics | None = None
    found: list[tuple[str, int | None]] = field(default_factory=list)
    _verified: dict[str, Path] = field(default_factory=dict)

    def apply(
        self,
        root: etree._Element,
        source: SourceMap,
        strings: Mapping[str, Any] | None = None,
        located: Diagnostics | None = None,
    ) -> None:
        """Replace the source of every remote ``<img>`` under ``root`` (or the image itself);
        ``strings`` are the layout's words (the placeholder's label). Warnings go to ``located``
        when given (the reading's, which names the file and line a composed line came from), as
        long as this object has diagnostics (another output's text has none: it said them)."""
        strings = strings or {}
        label = str(strings.get("image_omitted", "Image not included"))
        colon = str(strings.get("colon", ": "))
        lock: dict[str, Entry] | None = None
        for img in list(root.iter("img")):
            url = (img.get("src") or "").strip()
            if not is_remote(url):
                continue
            previous = next((at for seen, at in reversed(self.found) if seen == url), None)
            line = _line_of(url, source, (previous or 0) + 1)  # each use of the same image after the last
            self.found.append((url, line))
            if self.mode != "collect":
                if lock is None:
                    lock = read_lock(lock_path(self.manuscript))
                if url in lock:
                    img.set("src", self._local_copy(url, lock, line))
                    continue
                if self.diagnostics is not None:
                    (located or self.diagnostics).warn(self._not_fetched(url), self.manuscript, line)
            _placeholder(img, url, label, colon)

    def _not_fetched(self, url: str) -> str:
        """The warning for a remote image that has no local copy, left out of this build."""
        if self.mode == "omit":
            return (
                f"remote image '{url}' left out (--omit-remote): a placeholder shows its alt text; "
                "run `report-build fetch` to download it and build with it"
            )
        exists = lock_path(self.manuscript).is_file()
        where = f"is not in {LOCK_NAME}" if exists else f"has not been fetched (there is no {LOCK_NAME})"
        return (
            f"remote image '{url}' {where}: a placeholder shows its alt text; run `report-build fetch "
            f"{self.manuscript}` to download it (builds never use the network)"
        )

    def _local_copy(self, url: str, lock: dict[str, Entry], line: int | None) -> str:
        entry = lock[url]
        if url not in self._verified:
            folder = Path(self.manuscript).parent
            lock_file = lock_path(self.manuscript)
            try:
                path = resolve_reference(entry.file, folder, (folder.resolve(),), near="the lock file")
            except ResourceError as exc:
                raise ResourceError(
                    f"local copy of '{url}': {exc.message}; run `report-build fetch` again", lock_file, entry.line
                ) from None
            if sha256_of(path) != entry.sha256:
                raise ResourceError(
                    f"'{entry.file}' has changed since it was fetched from '{url}' (its SHA-256 is not the one in "
                    "the lock): run `report-build fetch` again",
                    lock_file,
                    entry.line,
                )
            self._verified[url] = path
        return entry.file


def _line_of(url: str, source: SourceMap, start: int = 1) -> int | None:
    """The line a URL is written on, at or after ``start`` (raw HTML may escape its '&')."""
    for written in (url, url.replace("&", "&amp;"), url.split("&")[0]):
        line = source.find(written[:80], start)
        if line is not None:
            return line
    return None


def _placeholder(img: etree._Element, url: str, label: str, colon: str) -> None:
    placeholder(img, label, colon, urlsplit(url).hostname or url)


def placeholder(img: etree._Element, label: str, colon: str, named: str) -> None:
    """Put a visible note with the image's alt text where an image that is not included was
    (a remote one left out, one that cannot be drawn); without alt text, the note says
    ``named`` (a host, a file name). A decorative image just goes."""
    parent = img.getparent()
    alt = " ".join((img.get("alt") or "").split())
    decorative = "decorative" in (img.get("class") or "").split() or img.get("role") == "presentation"
    if decorative:
        img.drop_tree()  # keeps the tail
        return
    note = etree.Element("span", {"class": PLACEHOLDER})
    note.text = f"{label}{colon}{alt}" if alt else f"{label} ({named})"
    note.tail = img.tail
    parent.replace(img, note)
