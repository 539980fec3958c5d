"""What a build may read: files inside the manuscript's folder and the layouts folders, nothing else.

Used twice: when the manuscript is parsed (every image is checked, with its line)
and by WeasyPrint's URL fetcher (:mod:`report_build.fetcher`), which refuses anything
outside the same roots, so a template or stylesheet cannot reach further than the
manuscript can.
"""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import NamedTuple
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

import tinycss2

from .errors import ResourceError, display_path

SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):")
REMOTE_SCHEMES = {"http", "https", "ftp", "ftps", "sftp", "ws", "wss", "gopher"}


def resolve_reference(ref: str, base: Path, roots: Iterable[Path], near: str = "the manuscript") -> Path:
    """Resolve a relative reference against ``base``; refuse remote, absolute and escaping ones.

    ``near`` names what relative paths are relative to, in messages ("the stylesheet").
    """
    ref = ref.strip()
    if not ref:
        raise ResourceError("empty file reference")
    match = SCHEME.match(ref)
    if match and len(match.group(1)) > 1:  # a one-letter "scheme" is a Windows drive
        scheme = match.group(1).lower()
        if scheme in REMOTE_SCHEMES or ref.startswith("//"):
            raise ResourceError(
                f"remote resource '{ref}' is refused: builds never use the network; "
                f"download it into the folder of {near} and refer to it by a relative path"
            )
        if scheme == "file":
            raise ResourceError(f"'{ref}' is refused: refer to files by a path relative to {near}")
        raise ResourceError(f"'{ref}' is refused: the '{scheme}:' scheme is not supported")
    if ref.startswith("//"):
        raise ResourceError(f"remote resource '{ref}' is refused: builds never use the network")
    path_part = unquote(urlsplit(ref).path)
    if path_part.startswith(("/", "\\")) or (len(path_part) > 1 and path_part[1] == ":"):
        raise ResourceError(f"absolute path '{ref}' is refused: use a path relative to {near}")
    candidate = (base / path_part).resolve()
    check_inside(candidate, roots, ref)
    if not candidate.is_file():
        raise ResourceError(f"file '{ref}' not found (looked for {candidate})")
    return candidate


def check_inside(path: Path, roots: Iterable[Path], shown: str) -> None:
    resolved = path.resolve()
    for root in roots:
        if resolved.is_relative_to(root.resolve()):
            return
    raise ResourceError(f"'{shown}' is outside the manuscript and layouts folders (it resolves to {resolved}); refused")


def css_references(css: str) -> list[tuple[str, int]]:
    """Every file a stylesheet refers to, as written, with its line: ``url(...)``, ``url("...")``
    and ``@import "..."``, wherever they are (rules, @font-face, @media, @page)."""
    found: list[tuple[str, int]] = []
    stack = [tinycss2.parse_component_value_list(css, skip_comments=True)]
    while stack:
        tokens = list(stack.pop())
        for index, token in enumerate(tokens):
            kind = getattr(token, "type", "")
            if kind == "url":
                found.append((token.value, token.source_line))
            elif kind == "function":
                if token.lower_name == "url":
                    strings = [t for t in token.arguments if getattr(t, "type", "") == "string"]
                    if strings:
                        found.append((strings[0].value, token.source_line))
                stack.append(token.arguments)
            elif kind in ("() block", "[] block", "{} block"):
                stack.append(token.content)
            elif kind == "at-keyword" and token.lower_value == "import":
                following = next((t for t in tokens[index + 1 :] if getattr(t, "type", "") != "whitespace"), None)
                if following is not None and following.type == "string":
                    found.append((following.value, following.source_line))
    return sorted(found, key=lambda item: item[1])


def check_css(css: str, path: Path, roots: Iterable[Path], what: str = "stylesheet") -> None:
    """Refuse a stylesheet that refers to anything outside ``roots``: remote, absolute, escaping, missing."""
    roots = tuple(roots)
    for ref, line in css_references(css):
        if not ref.strip() or ref.strip().startswith("#") or ref.strip().lower().startswith("data:"):
            continue
        try:
            resolve_reference(ref, path.parent, roots, near=f"the {what}")
        except ResourceError as exc:
            raise ResourceError(f"{what}: {exc.message}", path, line) from None


def check_stylesheets(dirs: Iterable[Path], roots: Iterable[Path]) -> None:
    """Check every stylesheet of the layouts before rendering, so that a stylesheet reaching for
    the network or for a file outside the manuscript and layouts folders is an error naming its
    file and line (WeasyPrint's fetcher, :class:`SandboxFetcher`, refuses it too, but cannot
    say where it was written)."""
    roots = tuple(roots)
    for folder in dirs:
        for path in sorted(Path(folder).rglob("*.css")):
            try:
                css = path.read_text(encoding="utf-8-sig")
            except (OSError, UnicodeDecodeError) as exc:
                raise ResourceError(f"stylesheet cannot be read as UTF-8 text: {exc}", path) from None
            check_css(css, path, roots)


CSS_POSITION = re.compile(r" at (\d+):(\d+)")


class Located(NamedTuple):
    """One message of WeasyPrint's, with the stylesheet and line it is about when known."""

    message: str
    path: Path | None
    line: int | None
    error: bool  # logged as an error: something (an image, a stylesheet, a font) is missing


class LogCapture(logging.Handler):
    """Collects WeasyPrint's warnings and errors during one render.

    WeasyPrint's messages about a stylesheet say "at 3:5" but not which stylesheet; the
    capture notes the stylesheet being read when the message is logged, so that the user
    is told ``layouts/css/custom.css:3``.
    """

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        record.rb_stylesheet = _stylesheet_being_read()  # type: ignore[attr-defined]
        self.records.append(record)

    @property
    def located(self) -> list[Located]:
        """Each message with its stylesheet and line (when known) and whether it is an error."""
        found = []
        for record in self.records:
            message = record.getMessage()
            path = getattr(record, "rb_stylesheet", None)
            position = CSS_POSITION.search(message)
            line = int(position.group(1)) if position and path is not None else None
            found.append(Located(message, path, line, record.levelno >= logging.ERROR))
        return found

    @property
    def messages(self) -> list[str]:
        """The messages, each followed by the stylesheet and line it is about when known."""
        return [
            f"{m.message} (in {display_path(m.path)}{f':{m.line}' if m.line else ''})" if m.path else m.message
            for m in self.located
        ]


def _stylesheet_being_read() -> Path | None:
    """The stylesheet file WeasyPrint is parsing right now (the innermost, for @import), if any."""
    frame = sys._getframe(1)
    while frame is not None:
        code = frame.f_code
        if code.co_name == "preprocess_stylesheet" and "weasyprint" in code.co_filename:
            base_url = frame.f_locals.get("base_url")
            if isinstance(base_url, str) and base_url.lower().startswith("file:"):
                path = Path(url2pathname(unquote(urlsplit(base_url).path)))
                if path.suffix.lower() == ".css":
                    return path
            return None
        frame = frame.f_back
    return None


@contextmanager
def captured_weasyprint_log() -> Iterator[LogCapture]:
    logger = logging.getLogger("weasyprint")
    handler = LogCapture()
    previous_propagate = logger.propagate
    logger.addHandler(handler)
    logger.propagate = False
    try:
        yield handler
    finally:
        logger.removeHandler(handler)
        logger.propagate = previous_propagate
