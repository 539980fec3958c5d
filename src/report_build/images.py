"""Raster images: checked before anything is written, scaled down for the outputs."""

from __future__ import annotations

import io
import re
import warnings
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

from lxml import etree
from PIL import Image as PILImage

from .errors import ResourceError

MAX_PIXELS = 100_000_000  # larger than any photograph a report needs; guards against decompression bombs
MAX_SVG_BYTES = 16_000_000  # a chart or a diagram is far smaller; guards against memory exhaustion
PDF_MAX_SIDE = 2400  # about 300 dpi across a 200 mm text block
PILImage.MAX_IMAGE_PIXELS = MAX_PIXELS
XLINK_HREF = "{http://www.w3.org/1999/xlink}href"
STYLE_IMPORT = re.compile(r"@import", re.IGNORECASE)


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
        raise ResourceError(
            f"image '{path.name}' is too large{size}: a report can use at most "
            f"{MAX_PIXELS // 1_000_000} megapixels per image; scale it down (2400 px across is plenty for print)"
        ) from None
    except (OSError, SyntaxError, ValueError) as exc:
        raise ResourceError(f"image '{path.name}' cannot be read: {exc}") from None
    if width * height > MAX_PIXELS:
        raise ResourceError(
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


def check_svg(path: Path, roots: Iterable[Path], data: bytes | None = None) -> None:
    """An SVG image must be well-formed XML without entity declarations (no billion laughs, no
    external entities) and may refer only to files inside ``roots`` (no network, no escaping).

    ``data``: the image's bytes when it is not a file of its own; ``path`` then names it and
    places its relative references.
    """
    from .sandbox import check_css, resolve_reference

    roots = tuple(roots)
    try:
        size = path.stat().st_size if data is None else len(data)
        if size > MAX_SVG_BYTES:
            raise ResourceError(
                f"SVG image '{path.name}' is {size / 1e6:.0f} MB; an image of a report should be far smaller "
                f"(at most {MAX_SVG_BYTES // 1_000_000} MB): simplify it or use a PNG"
            )
        data = path.read_bytes() if data is None else data
    except OSError as exc:
        raise ResourceError(f"image '{path.name}' cannot be read: {exc.strerror}") from None
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise ResourceError(f"SVG image '{path.name}' is not well-formed XML: {exc}") from None
    dtd = root.getroottree().docinfo.internalDTD
    if dtd is not None and any(True for _ in dtd.iterentities()):
        raise ResourceError(f"SVG image '{path.name}' declares XML entities (<!ENTITY ...>); refused as unsafe")
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        for name in ("href", XLINK_HREF, "src"):
            ref = (element.get(name) or "").strip()
            if ref and not ref.startswith("#") and not ref.lower().startswith("data:"):
                try:
                    resolve_reference(ref, path.parent, roots, near="the SVG file")
                except ResourceError as exc:
                    raise ResourceError(f"SVG image '{path.name}': {exc.message}") from None
        local = etree.QName(element).localname
        styles = [element.get("style") or ""]
        if local == "style":
            styles.append(element.text or "")
        for css in styles:
            if css and ("url" in css.lower() or STYLE_IMPORT.search(css)):
                try:
                    check_css(css, path, roots, what="SVG file")
                except ResourceError as exc:
                    raise ResourceError(f"SVG image '{path.name}', line {exc.line}: {exc.message}") from None
