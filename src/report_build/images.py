"""Images: which ones a report may use (:func:`admit`), checked before anything is written,
and raster images scaled down for the outputs.

Two kinds of refusal: an image outside the allowed folders, or an SVG that reaches for other
files or declares entities, is a sandbox matter (:class:`ResourceError`, which stops any
build); an image that merely cannot be drawn (missing, unreadable, too large, of a type
readers do not show, an SVG that is broken or would run something) is an :class:`UnusableImageError`,
which the build renders around with a placeholder."""

from __future__ import annotations

import io
import re
import warnings
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

from lxml import etree
from PIL import Image as PILImage

from .errors import MissingFileError, ResourceError, UnusableImageError
from .sandbox import resolve_reference

MAX_PIXELS = 100_000_000  # larger than any photograph a report needs; guards against decompression bombs
MAX_SVG_BYTES = 16_000_000  # a chart or a diagram is far smaller; guards against memory exhaustion
PDF_MAX_SIDE = 2400  # about 300 dpi across a 200 mm text block
PILImage.MAX_IMAGE_PIXELS = MAX_PIXELS
XLINK_HREF = "{http://www.w3.org/1999/xlink}href"
STYLE_IMPORT = re.compile(r"@import", re.IGNORECASE)
CSS_URL = re.compile(r"url\(\s*['\"]?([^'\")]+)['\"]?\s*\)")
SVG_NS = "http://www.w3.org/2000/svg"
EXTENSION_OF = {
    "image/png": "png",
    "image/jpeg": "jpg",
    "image/gif": "gif",
    "image/webp": "webp",
    "image/svg+xml": "svg",
}
"""The file extension an image of each media type is packaged under (ePub, fetched copies, data: images)."""
IMAGE_TYPES = {
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".svg": "image/svg+xml",
    ".webp": "image/webp",
}


def check(path: Path, data: bytes | None = None) -> tuple[int, int] | None:
    """Return (width, height) of a raster image; None for SVG. Raise on unreadable or oversized files.

    ``data``: the image's bytes when it is not a file of its own (a ``data:`` URI, a download);
    ``path`` then only names it.
    """
    if path.suffix.lower() == ".svg":
        return None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", PILImage.DecompressionBombWarning)
            with PILImage.open(path if data is None else io.BytesIO(data)) as image:
                width, height = image.size
    except (PILImage.DecompressionBombError, PILImage.DecompressionBombWarning) as exc:
        claimed = re.search(r"\((\d+) pixels\)", str(exc))
        size = f" ({int(claimed.group(1)) / 1e6:,.0f} megapixels)" if claimed else ""
        raise UnusableImageError(
            f"image '{path.name}' is too large{size}: a report can use at most "
            f"{MAX_PIXELS // 1_000_000} megapixels per image; scale it down (2400 px across is plenty for print)"
        ) from None
    except (OSError, SyntaxError, ValueError) as exc:
        raise UnusableImageError(f"image '{path.name}' cannot be read: {exc}") from None
    if width * height > MAX_PIXELS:
        raise UnusableImageError(
            f"image '{path.name}' is {width} x {height} px ({width * height / 1e6:.0f} megapixels); "
            f"scale it below {MAX_PIXELS // 1_000_000} megapixels"
        )
    return width, height


@lru_cache(maxsize=64)
def scaled(path: Path, max_side: int, data: bytes | None = None) -> tuple[bytes, str] | None:
    """The image re-encoded with its long side at most ``max_side`` px, or None if it already fits."""
    size = check(path, data)
    if size is None or max(size) <= max_side:
        return None
    with PILImage.open(path if data is None else io.BytesIO(data)) as image:
        image.draft("RGB", (max_side, max_side))  # JPEG: decode at reduced size
        image.thumbnail((max_side, max_side), PILImage.Resampling.LANCZOS)
        out = io.BytesIO()
        if image.mode in ("RGBA", "LA", "P") or path.suffix.lower() in (".png", ".gif"):
            image.save(out, format="PNG", optimize=True)
            return out.getvalue(), "image/png"
        image.convert("RGB").save(out, format="JPEG", quality=85, optimize=True)
        return out.getvalue(), "image/jpeg"


def admit(ref: str, base: Path, roots: Iterable[Path]) -> Path:
    """The one rule for which images a report may use, applied by the parser, the front matter
    and the writers: a file inside ``roots`` (see :func:`sandbox.resolve_reference`), of a type
    PDF and ePub readers display, readable and not too large, and, for SVG, safe and
    self-contained (:func:`check_svg`). Returns the resolved path; raises :class:`ResourceError`."""
    roots = tuple(roots)
    try:
        resolved = resolve_reference(ref, base, roots)
    except MissingFileError as exc:
        raise UnusableImageError(f"image {exc.message.removeprefix('file ')}") from None
    if resolved.suffix.lower() not in IMAGE_TYPES:
        raise UnusableImageError(
            f"image '{ref}' is not PNG, JPEG, GIF, WebP or SVG, which PDF and ePub readers display"
        )
    if resolved.suffix.lower() == ".svg":
        check_svg(read_svg(resolved), resolved.name)
    else:
        check(resolved)
    return resolved


def read_svg(path: Path) -> bytes:
    """An SVG file's bytes, refused when far larger than any chart or diagram."""
    try:
        check_svg_size(path.stat().st_size, path.name)
        return path.read_bytes()
    except OSError as exc:
        raise UnusableImageError(f"image '{path.name}' cannot be read: {exc.strerror}") from None


def check_svg_size(size: int, name: str) -> None:
    """An SVG of ``size`` bytes is refused when larger than :data:`MAX_SVG_BYTES`."""
    if size > MAX_SVG_BYTES:
        raise UnusableImageError(
            f"SVG image '{name}' is {size / 1e6:.0f} MB; an image of a report should be far smaller "
            f"(at most {MAX_SVG_BYTES // 1_000_000} MB): simplify it or use a PNG"
        )


def check_svg(data: bytes, name: str) -> None:
    """An SVG image must be well-formed XML with an ``<svg>`` root, declare no entities (no
    billion laughs, no external entities), run nothing (no ``<script>``, no ``<foreignObject>``)
    and be self-contained: it may refer only to its own parts (``#id``) or to ``data:`` URLs,
    since an ePub reader and a browser show it on its own, and a build never fetches anything.
    Entities and references are sandbox matters (:class:`ResourceError`); the rest make an
    :class:`UnusableImageError`."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise UnusableImageError(f"SVG image '{name}' is not well-formed XML: {exc}") from None
    dtd = root.getroottree().docinfo.internalDTD
    if dtd is not None and any(True for _ in dtd.iterentities()):
        raise ResourceError(f"SVG image '{name}' declares XML entities (<!ENTITY ...>); refused as unsafe")
    if root.tag != f"{{{SVG_NS}}}svg":
        raise UnusableImageError(f"SVG image '{name}' has no <svg> root in the SVG namespace")
    for instruction in [*root.itersiblings(preceding=True), *root.itersiblings(), *root.iter(etree.PI)]:
        # <?xml-stylesheet href="…"?>, before the root or inside it: a browser opening the file loads it
        if isinstance(instruction, etree._ProcessingInstruction) and instruction.target == "xml-stylesheet":
            ref = (instruction.get("href") or "").strip()
            if not ref.startswith("#") and not ref.lower().startswith("data:"):
                raise ResourceError(
                    f"SVG image '{name}' links a stylesheet (<?xml-stylesheet href=\"{ref}\"?>); "
                    "it must be self-contained (put the style in a <style> element)"
                )
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        local = etree.QName(element).localname
        if local in ("script", "foreignObject"):
            raise UnusableImageError(f"SVG image '{name}' contains <{local}>; an image of a report may not")
        refs = [(element.get(attribute) or "").strip() for attribute in ("href", XLINK_HREF, "src")]
        styles = (element.get("style") or "") + ((element.text or "") if local == "style" else "")
        if STYLE_IMPORT.search(styles):
            raise ResourceError(f"SVG image '{name}' imports a stylesheet (@import); it must be self-contained")
        refs += [ref.strip() for ref in CSS_URL.findall(styles)]
        for ref in refs:
            if ref and not ref.startswith("#") and not ref.lower().startswith("data:"):
                raise ResourceError(
                    f"SVG image '{name}' refers to '{ref}'; refused: an SVG image must be self-contained "
                    "(embed what it shows as a data: URL, or draw it in the SVG)"
                )
