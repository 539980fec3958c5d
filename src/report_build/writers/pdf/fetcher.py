"""WeasyPrint's URL fetcher for our builds: files under the allowed roots only, never the network.

Only the PDF writer imports this module, and WeasyPrint with it.
"""

from __future__ import annotations

import mimetypes
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

from ...images import IMAGE_TYPES
from ...sandbox import SCHEME


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
        parts = urlsplit(url)
        if parts.netloc and parts.netloc.lower() != "localhost":
            self.refused.append(url)
            raise FatalURLFetchingError(f"refused to fetch '{url}': a file on another host")
        path = Path(url2pathname(unquote(parts.path))).resolve()
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
