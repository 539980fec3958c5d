"""``output/.cache``: what one build leaves for the next, so that it need not redo the work.

Two things are kept: the print page numbers of a layout (so that an ePub built on its own
need not lay the document out again) and compiled templates. The cache is never an output:
it is read freely, written only after the build's outputs have been written (a build that
fails leaves it as it was), and failing to write it is not an error. Every entry is checked
against what it was made from before it is used, so a stale entry is merely a miss.
"""

from __future__ import annotations

from pathlib import Path

import jinja2

from .errors import RenderError
from .output import write_atomic


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

    def commit(self) -> None:
        """Write the new entries; called once the outputs are written."""
        if self.folder is not None:
            for name, data in sorted(self.pending.items()):
                try:
                    write_atomic(self.folder / name, data)
                except (RenderError, OSError):
                    break  # a cache that cannot be written is only a slower next build
        self.pending.clear()


class CompiledTemplates(jinja2.BytecodeCache):
    """Jinja's compiled templates, shared by every :class:`~report_build.templates.Theme` of the
    process and kept in the build cache between runs. Jinja checks each entry against its
    template's source (and Python's version) and recompiles when they differ."""

    def __init__(self) -> None:
        self.memory: dict[str, bytes] = {}
        self.cache = BuildCache(None)

    def attach(self, cache: BuildCache) -> None:
        """Read compiled templates from ``cache`` and put newly compiled ones in it."""
        self.cache = cache

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        stored = self.cache.read(_name(bucket))
        data = self.memory.get(bucket.key) or stored
        if data is not None:
            if stored is None:  # compiled earlier in this process, for another build
                self.cache.put(_name(bucket), data)
            bucket.bytecode_from_string(data)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        data = bucket.bytecode_to_string()
        self.memory[bucket.key] = data
        self.cache.put(_name(bucket), data)


def _name(bucket: jinja2.bccache.Bucket) -> str:
    return f"templates/{bucket.key}.bytecode"


COMPILED = CompiledTemplates()
