"""Images that arrive as bytes rather than as files: ``data:`` URIs written in the manuscript,
and the downloads of ``report-build fetch``.

Their type is read from the bytes (magic numbers, then Pillow or the XML parser) and must be
the type they claim (the URI's or the server's media type); then they are admitted as image
files are (:func:`report_build.images.check`, :func:`report_build.images.check_svg`).

A ``data:`` image is decoded when the manuscript is read, capped in size, and given a name of
its own, ``data-image-<hash>.<ext>``, beside the manuscript. No such file exists: the
document model carries the bytes (``Image.data``), the ePub packages them as a file, and the
PDF writer hands them to WeasyPrint as that file, so neither ever sees a ``data:`` URI.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import html as html_module
import io
import re
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, unquote_to_bytes

from lxml import etree
from PIL import Image as PILImage

from . import images
from .errors import ManuscriptError, ResourceError, UnusableImageError
from .images import EXTENSION_OF

MAX_DATA_BYTES = 10_000_000  # decoded; an image written into the text itself is small (a logo, a diagram)
ALIASES = {"image/jpg": "image/jpeg", "image/pjpeg": "image/jpeg", "image/x-png": "image/png"}
ALIASES["image/svg"] = "image/svg+xml"
PILLOW_FORMAT = {"image/png": "PNG", "image/jpeg": "JPEG", "image/gif": "GIF", "image/webp": "WEBP"}
NAMES = {"image/png": "PNG", "image/jpeg": "JPEG", "image/gif": "GIF", "image/webp": "WebP", "image/svg+xml": "SVG"}
DATA_SRC = re.compile(
    r"""(<img\b[^>]*?\bsrc\s*=\s*)(?:"\s*(data:[^"]*)"|'\s*(data:[^']*)'|(data:[^\s>"']*))""",
    re.IGNORECASE,
)
NAMED = re.compile(r"'data-image-[0-9a-f]{16}\.\w+'")


@dataclass(frozen=True)
class Embedded:
    """A decoded, checked ``data:`` image; or, with a ``fault``, one that cannot be drawn (the
    images pass puts a placeholder in its place)."""

    name: str  # data-image-<hash>.<ext>, what the chapter body refers to
    media_type: str
    data: bytes
    line: int | None
    fault: str = ""  # why it cannot be drawn


def media_type(claimed: str) -> str:
    """A media type without parameters, lower case, common aliases folded."""
    kind = claimed.split(";")[0].strip().lower()
    return ALIASES.get(kind, kind)


def sniff(data: bytes) -> str | None:
    """The image type the bytes are, by their first bytes (and the root element, for SVG)."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    if data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
        parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
        try:
            root = etree.fromstring(data, parser)
        except etree.XMLSyntaxError:
            return None
        if isinstance(root.tag, str) and etree.QName(root).localname == "svg":
            return "image/svg+xml"
    return None


def admit(data: bytes, claimed: str | None, name: Path) -> str:
    """Check bytes that claim to be an image of type ``claimed`` (None: any image type) by the
    rules image files follow; return their media type. ``name`` names them in messages."""
    actual = sniff(data)
    what = f"'{name.name}'"
    if actual is None:
        raise UnusableImageError(f"image {what} is not a PNG, JPEG, GIF, WebP or SVG image (its bytes are not one)")
    if claimed is not None and media_type(claimed) != actual:
        raise UnusableImageError(
            f"image {what} claims to be {claimed} but its bytes are {NAMES[actual]}: refused (a mislabelled file "
            "is often an error page or something else in disguise)"
        )
    named = name.with_suffix("." + EXTENSION_OF[actual])
    if actual == "image/svg+xml":
        images.check_svg_size(len(data), name.name)
        images.check_svg(data, named.name)
        return actual
    images.check(named, data)  # size and decompression bombs
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", PILImage.DecompressionBombWarning)
            with PILImage.open(io.BytesIO(data)) as image:
                if image.format != PILLOW_FORMAT[actual]:
                    raise UnusableImageError(f"image {what} is not a valid {NAMES[actual]} image")
                image.verify()  # checksums and truncation (PNG), even where WeasyPrint lets Pillow load truncated files
            with PILImage.open(io.BytesIO(data)) as image:
                image.load()  # the whole image decodes
    except (OSError, SyntaxError, ValueError) as exc:
        raise UnusableImageError(f"image {what} cannot be read as {NAMES[actual]}: {exc}") from None
    return actual


def decode(uri: str) -> tuple[str, bytes]:
    """The media type and bytes of a ``data:`` URI (base64 or percent-encoded), capped in size."""
    head, comma, payload = uri.strip()[len("data:") :].partition(",")
    if not comma:
        raise UnusableImageError("'data:' image has no ',' before its data")
    parts = [part.strip() for part in head.split(";")]
    kind = media_type(parts[0]) if parts[0] else "text/plain"
    is_base64 = any(part.lower() == "base64" for part in parts[1:])
    limit = MAX_DATA_BYTES * 4 // 3 + 4 if is_base64 else MAX_DATA_BYTES * 3
    too_big = (
        f"'data:' image is larger than {MAX_DATA_BYTES // 1_000_000} MB; put a large image in a file of its "
        "own beside the manuscript"
    )
    if len(payload) > limit:
        raise UnusableImageError(too_big)
    if is_base64:
        text = re.sub(r"\s+", "", unquote(payload))
        try:
            data = base64.b64decode(text + "=" * (-len(text) % 4), validate=True)
        except (binascii.Error, ValueError):
            raise UnusableImageError("'data:' image is not valid base64") from None
    else:
        data = unquote_to_bytes(payload)
    if len(data) > MAX_DATA_BYTES:
        raise UnusableImageError(too_big)
    if kind not in EXTENSION_OF:
        raise UnusableImageError(
            f"'data:' image of type '{kind}' is refused: PDF and ePub readers display PNG, JPEG, GIF, WebP and SVG"
        )
    return kind, data


def extract(html: str, manuscript: Path, find_line: Callable[[str], int | None]) -> tuple[str, dict[str, Embedded]]:
    """Replace the ``data:`` URI of every ``<img>`` in the HTML by the name of its decoded,
    checked image; return the HTML and the images by name.

    ``find_line(text)`` gives the manuscript line a piece of text is on (for errors).
    """
    if "data:" not in html:
        return html, {}
    folder = manuscript.parent.resolve()
    found: dict[str, Embedded] = {}

    def replace(match: re.Match[str]) -> str:
        uri = html_module.unescape(next(group for group in match.groups()[1:] if group is not None))
        line = find_line(uri[:48].strip())
        try:
            kind, data = decode(uri)
            digest = hashlib.sha256(data).hexdigest()[:16]
            name = f"data-image-{digest}.{EXTENSION_OF[kind]}"
            admit(data, kind, folder / name)
        except ResourceError as exc:
            message = NAMED.sub("written as a data: URI", exc.message)
            if not message.startswith(("image", "SVG image", "'data:'")):
                message = f"'data:' image: {message}"
            if not isinstance(exc, UnusableImageError):  # an SVG reaching for files: a sandbox matter
                raise ManuscriptError(message, manuscript, line) from None
            name = f"data-image-unusable-{len(found) + 1}"
            found[name] = Embedded(name, "", b"", line, fault=message)
            return f'{match.group(1)}"{name}"'
        found.setdefault(name, Embedded(name, kind, data, line))
        return f'{match.group(1)}"{name}"'

    return DATA_SRC.sub(replace, html), found
