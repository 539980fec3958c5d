"""Which file of the preview a request names, and which requests the preview answers at all.

The preview serves from memory: a request names a key of the built site (``chapter-02.html``)
or one of the preview's own files under ``/_preview/``. Nothing is looked up on disk, so no
request can reach a file outside the site, whatever it holds. A path that tries anyway (``..``
or ``.`` segments, an absolute or percent-encoded one, a backslash, a NUL, bytes that are not
UTF-8) is refused outright rather than tidied into a name that exists, and a folder is never
listed: ``/`` and ``/ar/`` serve the ``index.html`` there, when the site has one.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Container
from urllib.parse import unquote

PREVIEW = "_preview/"  # the preview's own files: its script, stylesheet, the print view, page images
LOOPBACK_NAMES = ("localhost", "127.0.0.1", "[::1]")


def request_key(target: str) -> str | None:
    """The file a request target names, relative to the site's root, or None when the path is
    one no file of the preview could have (see the module's docstring)."""
    path = target.split("#", 1)[0].split("?", 1)[0]
    if not path.startswith("/") or path.startswith("//"):
        return None  # absolute-form targets (http://host/...) and network paths are not ours
    try:
        decoded = unquote(path, errors="strict")
    except UnicodeDecodeError:
        return None
    if "\x00" in decoded or "\\" in decoded or decoded.startswith("//"):
        return None
    parts = decoded[1:].split("/")
    if any(part in (".", "..") for part in parts) or any(not part for part in parts[:-1]):
        return None
    if not parts[-1]:  # a folder: its index page, never a listing
        parts[-1] = "index.html"
    return "/".join(parts)


def site_file(target: str, files: Container[str]) -> str | None:
    """The key of ``files`` a request target names, or None (a 404)."""
    key = request_key(target)
    if key is None or key.startswith(PREVIEW) or key not in files:
        return None
    return key


def preview_file(target: str) -> str | None:
    """The name of the preview's own file a request target names (``live.js``,
    ``pages/3-12.png`` ...), or None."""
    key = request_key(target)
    if key is None or not key.startswith(PREVIEW):
        return None
    return key.removeprefix(PREVIEW) or None


def is_loopback(host: str) -> bool:
    """Whether an address to listen on reaches this machine only."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def host_allowed(header: str | None, listening: str, port: int) -> bool:
    """Whether a request's ``Host`` header names the preview itself. Listening on the loopback
    address, only loopback names are answered, so that a web page elsewhere cannot read the
    report through a name of its own that it points at 127.0.0.1 (DNS rebinding); with
    ``--host`` set to another address, any name is."""
    if not is_loopback(listening):
        return True
    if header is None:
        return True  # HTTP/1.0 without Host: not a browser, and not from another site
    host = header.strip().lower()
    for name in (*LOOPBACK_NAMES, f"[{listening}]" if ":" in listening else listening):
        if host in (name, f"{name}:{port}"):
            return True
    return False


def fetch_allowed(site: str | None, mode: str | None) -> bool:
    """Whether a request may be answered, by the ``Sec-Fetch-Site`` and ``Sec-Fetch-Mode`` a
    browser sends: from the preview's own pages, typed in, or a link followed to it, yes; a
    page of another site loading the preview's files (its poll script would tell that page
    the faults of the report), no. Clients that send neither header are answered."""
    return site in (None, "same-origin", "none") or mode == "navigate"
