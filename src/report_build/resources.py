"""What a build may read: files inside the manuscript's folder and the layouts folders, nothing else.

Used twice: when the manuscript is parsed (every image is checked, with its line)
and as WeasyPrint's URL fetcher, which refuses anything outside the same roots, so a
template or stylesheet cannot reach further than the manuscript can.
"""

from __future__ import annotations

import logging
import mimetypes
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

from .errors import ResourceError

SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):")
REMOTE_SCHEMES = {"http", "https", "ftp", "ftps", "sftp", "ws", "wss", "gopher"}
IMAGE_TYPES = {
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".svg": "image/svg+xml",
    ".webp": "image/webp",
}


def resolve_reference(ref: str, base: Path, roots: Iterable[Path]) -> Path:
    """Resolve a relative reference against ``base``; refuse remote, absolute and escaping ones."""
    ref = ref.strip()
    if not ref:
        raise ResourceError("empty file reference")
    match = SCHEME.match(ref)
    if match and len(match.group(1)) > 1:  # a one-letter "scheme" is a Windows drive
        scheme = match.group(1).lower()
        if scheme in REMOTE_SCHEMES or ref.startswith("//"):
            raise ResourceError(
                f"remote resource '{ref}' is refused: builds never use the network; "
                "download it into the manuscript's folder and refer to it by a relative path"
            )
        if scheme == "file":
            raise ResourceError(f"'{ref}' is refused: refer to files by a path relative to the manuscript")
        raise ResourceError(f"'{ref}' is refused: the '{scheme}:' scheme is not supported")
    if ref.startswith("//"):
        raise ResourceError(f"remote resource '{ref}' is refused: builds never use the network")
    path_part = unquote(urlsplit(ref).path)
    if path_part.startswith(("/", "\\")) or (len(path_part) > 1 and path_part[1] == ":"):
        raise ResourceError(f"absolute path '{ref}' is refused: use a path relative to the manuscript")
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


class SandboxFetcher(URLFetcher):
    """WeasyPrint fetcher that serves files under the allowed roots only; never the network.

    ``replacements`` maps resolved paths to bytes to serve instead (scaled-down images).
    Every refusal stops the render with a :class:`FatalURLFetchingError`.
    """

    def __init__(self, roots: Iterable[Path], replacements: dict[Path, bytes] | None = None, **kwargs: object):
        super().__init__(allowed_protocols={"file", "data"}, fail_on_errors=True, **kwargs)
        self.roots = tuple(Path(r).resolve() for r in roots)
        self.replacements = replacements or {}
        self.refused: list[str] = []

    def fetch(self, url: str, headers: dict[str, str] | None = None) -> URLFetcherResponse:
        scheme = (SCHEME.match(url).group(1) if SCHEME.match(url) else "").lower()
        if scheme == "data":
            return super().fetch(url, headers)
        if scheme != "file":
            self.refused.append(url)
            raise FatalURLFetchingError(f"refused to fetch '{url}': builds never use the network")
        path = Path(url2pathname(unquote(urlsplit(url).path))).resolve()
        if not any(path.is_relative_to(root) for root in self.roots):
            self.refused.append(url)
            raise FatalURLFetchingError(f"refused to read '{path}': outside the manuscript and layouts folders")
        if path in self.replacements:
            body = self.replacements[path]
        else:
            try:
                body = path.read_bytes()
            except OSError as exc:
                raise FatalURLFetchingError(f"cannot read '{path}': {exc.strerror}") from None
        mime = IMAGE_TYPES.get(path.suffix.lower()) or mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, body, headers={"Content-Type": mime})


class LogCapture(logging.Handler):
    """Collects WeasyPrint's warnings and errors during one render."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    @property
    def messages(self) -> list[str]:
        return [record.getMessage() for record in self.records]


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
