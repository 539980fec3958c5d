"""``output/.cache``: what one build leaves for the next, so that it need not redo the work.

It keeps the print page numbers of a layout, so that an ePub built on its own need not lay
the document out again; entries are named by a digest of what they were made from, or carry
it (:meth:`BuildCache.keep`: one entry per name, replaced when that changes), so a stale entry is
merely a miss. It holds data only, never code: compiled templates are kept in
memory (:data:`report_build.templates.COMPILED`), since a cached compiled template would run
as it is found. The cache is never an output: it is read freely, written only after the
build's outputs have been written (a build that fails leaves it as it was), and failing to
write it is not an error.
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Iterable
from pathlib import Path
from types import ModuleType
from typing import Any

from .errors import RenderError
from .output import write_atomic


@functools.cache
def made_by(*modules: ModuleType) -> bytes:
    """A digest of the code that makes a kept value, to go into its entry's digest with what it
    is made from: the source of each of our ``modules``, the version of each library among them
    (one with a ``__version__``). An entry made by other code is then a miss."""
    digest = hashlib.sha256()
    for module in modules:
        version = getattr(module, "__version__", None)
        source = getattr(module, "__file__", None)
        if version is not None:
            digest.update(f"{module.__name__} {version}\0".encode())
        elif source is not None:
            digest.update(Path(source).read_bytes() + b"\0")
        else:
            digest.update(f"{module.__name__}\0".encode())
    return digest.digest()


def stamp(kind: str, parts: Iterable[str | bytes], *modules: ModuleType) -> str:
    """The digest a kept value is stamped with (:meth:`BuildCache.keep`): of ``kind`` (what the
    value is, in which format), of each of ``parts`` in order (what it is made from: texts or
    file contents) and of the code that makes it (:func:`made_by` of ``modules``)."""
    digest = hashlib.sha256(kind.encode("utf-8") + b"\0" + made_by(*modules))
    for part in parts:
        digest.update(hashlib.sha256(part.encode("utf-8") if isinstance(part, str) else part).digest())
    return digest.hexdigest()


class BuildCache:
    """Entries read from ``folder`` (None: no cache) and entries to write there at the end."""

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder
        self.pending: dict[str, bytes] = {}

    def read(self, name: str) -> bytes | None:
        if name in self.pending:
            return self.pending[name]
        if self.folder is None:
            return None
        try:
            return (self.folder / name).read_bytes()
        except OSError:
            return None

    def put(self, name: str, data: bytes) -> None:
        self.pending[name] = data

    def read_kept(self, name: str, digest: str) -> Any:
        """The JSON value :meth:`keep` put under ``name`` for ``digest``, or None: no entry, an
        entry for another digest (made from something that has since changed), or damaged."""
        data = self.read(name)
        if data is None:
            return None
        try:
            found = json.loads(data)
        except (ValueError, RecursionError):
            return None
        return found.get("value") if isinstance(found, dict) and found.get("digest") == digest else None

    def keep(self, name: str, digest: str, value: Any) -> None:
        """Keep ``value`` (JSON data) under ``name``, for ``digest`` (of what it was made from):
        one entry per name, replaced when that changes, so that the cache does not grow."""
        entry = {"digest": digest, "value": value}  # ASCII: a lone surrogate (a CSS escape) is escaped too
        self.put(name, json.dumps(entry, separators=(",", ":")).encode("ascii"))

    def commit(self) -> None:
        """Write the new entries; called once the outputs are written."""
        if self.folder is not None:
            for name, data in sorted(self.pending.items()):
                try:
                    write_atomic(self.folder / name, data)
                except (RenderError, OSError):
                    break  # a cache that cannot be written is only a slower next build
        self.pending.clear()
