"""``report-build fetch``: download the remote images a manuscript uses, so that builds stay offline.

The only module of the project that uses the network. It reads the manuscript as a build
does (so it finds exactly the images a build meets: Markdown images, reference-style images
and raw ``<img>``), downloads each ``http``/``https`` image into ``images/remote/`` beside the
manuscript, named by its SHA-256, and records URL, file and SHA-256 in
``remote-images.lock`` (:mod:`report_build.source.remote`), which builds read.

Every download is guarded:

- only ``http`` and ``https``, on every hop of a redirect; at most ``max_redirects`` hops;
- every address the host name resolves to must be a public one (no loopback, private,
  link-local, multicast or reserved address) unless ``allow_private``; the connection is made
  to the address that was checked, so a second DNS answer cannot slip past the check;
- at most ``max_bytes`` (a ``Content-Length`` above it is refused before reading) and at most
  ``timeout`` seconds for the whole download, redirects included;
- the bytes must be the image type the server (or else the URL) claims, and are admitted as
  local image files are (:func:`report_build.image_data.admit`: Pillow decodes the whole image,
  SVGs are checked like local ones).

No proxy is used: the connection goes straight to the image's host.
"""

from __future__ import annotations

import functools
import hashlib
import http.client
import ipaddress
import socket
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import urljoin, urlsplit

from . import __version__
from .errors import Diagnostics, ResourceError, format_location
from .image_data import admit, media_type
from .images import EXTENSION_OF, IMAGE_TYPES
from .output import write_atomic
from .source import parse
from .source.remote import FOLDER, Entry, RemoteImages, format_lock, lock_path, read_lock, sha256_of

MAX_BYTES = 20_000_000
MAX_REDIRECTS = 5
TIMEOUT = 30.0  # seconds for one image, redirects included
REDIRECTS = {301, 302, 303, 307, 308}
UNLABELLED = {"", "application/octet-stream", "binary/octet-stream"}


@dataclass(frozen=True)
class Limits:
    max_bytes: int = MAX_BYTES
    max_redirects: int = MAX_REDIRECTS
    timeout: float = TIMEOUT
    allow_private: bool = False


@dataclass(frozen=True)
class Fetched:
    lock: Path | None  # None when the manuscript uses no remote images (and has no lock)
    downloaded: int  # images downloaded now
    kept: int  # images already fetched, unchanged
    unused: int  # lock entries this manuscript does not use (kept unless pruned)


def fetch(
    manuscript: Path | str,
    limits: Limits | None = None,
    *,
    refresh: bool = False,
    prune: bool = False,
    say: Callable[[str], None] = lambda message: None,
) -> Fetched:
    """Download every remote image of ``manuscript`` not yet fetched (every one with ``refresh``)
    and write the lock file. Raise a :class:`ResourceError` naming each image that failed, after
    recording those that did not."""
    limits = limits or Limits()
    manuscript = Path(manuscript)
    collector = RemoteImages(manuscript, "collect")
    parse.load(manuscript, Diagnostics(echo=False), remote=collector)
    folder = manuscript.parent
    lock_file = lock_path(manuscript)
    previous = read_lock(lock_file)
    entries: dict[str, Entry] = {}
    failures: list[tuple[int | None, str]] = []
    downloaded = kept = 0
    for url, line in collector.found:
        if url in entries:
            continue
        old = previous.get(url)
        if old is not None and not refresh and _still_there(folder, old):
            entries[url] = old
            kept += 1
            continue
        try:
            data, kind = download(url, limits)
        except ResourceError as exc:
            failures.append((line, f"cannot fetch '{url}': {exc.message}"))
            continue
        digest = hashlib.sha256(data).hexdigest()
        relative = f"{FOLDER}/{digest[:32]}.{EXTENSION_OF[kind]}"
        write_atomic(folder / relative, data)
        entries[url] = Entry(url, relative, digest)
        downloaded += 1
        say(f"fetched {url} -> {relative} ({len(data) / 1000:,.0f} kB)")
    unused = [entry for url, entry in previous.items() if url not in entries]
    text = format_lock(list(entries.values()) + ([] if prune else unused))
    exists = lock_file.is_file()
    # Written when it changes; never created for a manuscript without remote images.
    if (exists or entries) and (not exists or lock_file.read_text(encoding="utf-8") != text):
        write_atomic(lock_file, text.encode("utf-8"))
    if failures:
        (line, message), others = failures[0], failures[1:]
        message += "".join("\n" + format_location(manuscript, other_line, other) for other_line, other in others)
        raise ResourceError(message, manuscript, line)
    return Fetched(lock_file if lock_file.is_file() else None, downloaded, kept, 0 if prune else len(unused))


def _still_there(folder: Path, entry: Entry) -> bool:
    path = folder / PurePosixPath(entry.file)
    return path.is_file() and sha256_of(path) == entry.sha256


def download(url: str, limits: Limits) -> tuple[bytes, str]:
    """The bytes of one image and their media type, checked; a :class:`ResourceError` (without a
    location) says why not."""
    deadline = time.monotonic() + limits.timeout
    current = url
    for _hop in range(limits.max_redirects + 1):
        status, location, claimed, body = _get(current, limits, deadline)
        if status in REDIRECTS:
            if not location:
                raise ResourceError(f"the server answered {status} (a redirect) without saying where to")
            current = urljoin(current, location)
            continue
        return body, _admitted(current, claimed, body)
    raise ResourceError(f"more than {limits.max_redirects} redirects; refused")


def _admitted(url: str, header: str, body: bytes) -> str:
    """The image type of ``body``, which must be what the server says it is (or, when the
    server does not say, what the URL's extension says)."""
    kind = media_type(header)
    if kind in UNLABELLED:
        claimed = IMAGE_TYPES.get(PurePosixPath(urlsplit(url).path).suffix.lower())
    elif kind in EXTENSION_OF:
        claimed = kind
    else:
        raise ResourceError(f"the server sent {kind}, not an image")
    name = Path(PurePosixPath(urlsplit(url).path).name or "image")
    return admit(body, claimed, name)


def _get(url: str, limits: Limits, deadline: float) -> tuple[int, str | None, str, bytes]:
    """One GET: status, Location, Content-Type and (for a 200) the body, within the limits."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise ResourceError(f"'{url}' is refused: fetch downloads http and https URLs only")
    if not parts.hostname:
        raise ResourceError(f"'{url}' names no host")
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise _too_slow(limits)
    connect = functools.partial(_connect_checked, allow_private=limits.allow_private)
    if scheme == "https":
        connection: http.client.HTTPConnection = http.client.HTTPSConnection(
            parts.hostname, parts.port, timeout=remaining, context=ssl.create_default_context()
        )
    else:
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=remaining)
    connection._create_connection = connect  # type: ignore[attr-defined]  # every address checked
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    try:
        connection.request(
            "GET",
            target,
            headers={
                "User-Agent": f"report-build/{__version__} (fetch)",
                "Accept": "image/png,image/jpeg,image/gif,image/webp,image/svg+xml,image/*;q=0.8",
                "Accept-Encoding": "identity",
            },
        )
        response = connection.getresponse()
        status, location = response.status, response.getheader("Location")
        claimed = response.getheader("Content-Type") or ""
        if status in REDIRECTS:
            return status, location, claimed, b""
        if status != 200:
            raise ResourceError(f"the server answered {status} {response.reason}".rstrip())
        length = response.getheader("Content-Length")
        if length and length.strip().isdigit() and int(length) > limits.max_bytes:
            raise _too_large(limits)
        chunks, size = [], 0
        while True:
            if time.monotonic() > deadline:
                raise _too_slow(limits)
            chunk = response.read1(65536)
            if not chunk:
                break
            size += len(chunk)
            if size > limits.max_bytes:
                raise _too_large(limits)
            chunks.append(chunk)
        return status, location, claimed, b"".join(chunks)
    except TimeoutError:
        raise _too_slow(limits) from None
    except ssl.SSLError as exc:
        raise ResourceError(f"secure connection failed: {exc.reason or exc}") from None
    except (OSError, http.client.HTTPException) as exc:
        raise ResourceError(f"download failed: {exc}") from None
    finally:
        connection.close()


def _too_large(limits: Limits) -> ResourceError:
    return ResourceError(f"larger than {limits.max_bytes / 1e6:g} MB; refused")


def _too_slow(limits: Limits) -> ResourceError:
    return ResourceError(f"took longer than {limits.timeout:g} s; gave up")


def _connect_checked(
    address: tuple[str, int],
    timeout: float | None = None,
    source_address: object = None,
    *,
    allow_private: bool,
) -> socket.socket:
    """socket.create_connection, but only after every address the host resolves to has been
    checked, and only to one of those addresses."""
    host, port = address
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise ResourceError(f"host '{host}' not found ({exc.strerror})") from None
    for info in infos:
        _check_address(host, str(info[4][0]), allow_private)
    error: OSError | None = None
    for family, kind, proto, _name, sockaddr in infos:
        sock = socket.socket(family, kind, proto)
        try:
            if timeout is not None:
                sock.settimeout(timeout)
            sock.connect(sockaddr)
            return sock
        except OSError as exc:
            sock.close()
            error = exc
    raise error or OSError(f"cannot connect to {host}")


def _check_address(host: str, text: str, allow_private: bool) -> None:
    if allow_private:
        return
    address = ipaddress.ip_address(text.split("%")[0])
    mapped = getattr(address, "ipv4_mapped", None)
    if mapped is not None:
        address = mapped
    if not address.is_global or address.is_multicast:
        raise ResourceError(
            f"'{host}' is a loopback, private or reserved address ({address}); refused "
            "(give --allow-private to fetch from such an address, such as a server on this machine)"
        )
