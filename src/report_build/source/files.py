"""The source files of one build, each opened once.

A build reads the manuscript, its chapter files, includes, variables, bibliography, changelog,
data files and chart specs several times over: composing the text, parsing each output's text
(:meth:`~report_build.model.Document.for_output`), fingerprinting the sources for ``release``
and ``diff``. Within :func:`reading` (the build holds it from gathering to writing) each file
is opened once: its bytes are kept, and every later reading, decoding included, starts from
them. So one build sees one state of each file, even if an editor saves it mid-build. What is made
from a file's text alone, its front matter split off, is made once too (:func:`once`).

Outside :func:`reading` (a test, a single helper call) a file is simply read. Images, fonts,
layouts and templates are not kept: they are not the manuscript's text, and can be large.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")


@dataclass
class SourceFiles:
    """The files read so far in one build, by resolved path."""

    data: dict[Path, bytes] = field(default_factory=dict)
    made: dict[tuple[str, Hashable], Any] = field(default_factory=dict)  # what :func:`once` computed


_current: ContextVar[SourceFiles | None] = ContextVar("report_build_source_files", default=None)


@contextmanager
def reading() -> Iterator[SourceFiles]:
    """Keep each source file read from here on (a build's whole run); nested, the outer one."""
    current = _current.get()
    if current is not None:
        yield current
        return
    files = SourceFiles()
    token = _current.set(files)
    try:
        yield files
    finally:
        _current.reset(token)


def read_bytes(path: Path) -> bytes:
    """A source file's bytes: opened once per build (raises what ``Path.read_bytes`` raises)."""
    files = _current.get()
    if files is None:
        return path.read_bytes()
    key = path.resolve()
    if key not in files.data:
        files.data[key] = path.read_bytes()
    return files.data[key]


def kept_bytes(path: Path) -> bytes:
    """A file's bytes as this build read them when it is a source file; anything else (an
    image, a layout file) read without being kept."""
    files = _current.get()
    if files is not None and path.resolve() in files.data:
        return files.data[path.resolve()]
    return path.read_bytes()


def read_utf8(path: Path) -> str:
    """A source file's text, decoded as UTF-8 strictly (``Path.read_text(encoding="utf-8")``,
    once per build)."""
    return read_bytes(path).decode("utf-8")


def once(kind: str, key: Hashable, make: Callable[[], T]) -> T:
    """``make()``, computed once per ``(kind, key)`` in a build (a file's front matter split from
    its text: composing each output's text reads the same chapter files again); outside a
    build, simply ``make()``. ``make`` must depend on nothing but ``key``."""
    files = _current.get()
    if files is None:
        return make()
    if (kind, key) not in files.made:
        files.made[(kind, key)] = make()
    return files.made[(kind, key)]
