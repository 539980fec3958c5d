"""Raster images: checked before anything is written, scaled down for the outputs."""

from __future__ import annotations

import io
import warnings
from functools import lru_cache
from pathlib import Path

from PIL import Image as PILImage

from .errors import ResourceError

MAX_PIXELS = 100_000_000  # larger than any photograph a report needs; guards against decompression bombs
PDF_MAX_SIDE = 2400  # about 300 dpi across a 200 mm text block
PILImage.MAX_IMAGE_PIXELS = MAX_PIXELS


def check(path: Path) -> tuple[int, int] | None:
    """Return (width, height) of a raster image; None for SVG. Raise on unreadable or oversized files."""
    if path.suffix.lower() == ".svg":
        return None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", PILImage.DecompressionBombWarning)
            with PILImage.open(path) as image:
                width, height = image.size
    except (PILImage.DecompressionBombError, PILImage.DecompressionBombWarning):
        raise ResourceError(f"image '{path.name}' has too many pixels to be a safe image; refused") from None
    except (OSError, SyntaxError, ValueError) as exc:
        raise ResourceError(f"image '{path.name}' cannot be read: {exc}") from None
    if width * height > MAX_PIXELS:
        raise ResourceError(
            f"image '{path.name}' is {width} x {height} px ({width * height / 1e6:.0f} megapixels); "
            f"scale it below {MAX_PIXELS // 1_000_000} megapixels"
        )
    return width, height


@lru_cache(maxsize=64)
def scaled(path: Path, max_side: int) -> tuple[bytes, str] | None:
    """The image re-encoded with its long side at most ``max_side`` px, or None if it already fits."""
    size = check(path)
    if size is None or max(size) <= max_side:
        return None
    with PILImage.open(path) as image:
        image.draft("RGB", (max_side, max_side))  # JPEG: decode at reduced size
        image.thumbnail((max_side, max_side), PILImage.Resampling.LANCZOS)
        out = io.BytesIO()
        if image.mode in ("RGBA", "LA", "P") or path.suffix.lower() in (".png", ".gif"):
            image.save(out, format="PNG", optimize=True)
            return out.getvalue(), "image/png"
        image.convert("RGB").save(out, format="JPEG", quality=85, optimize=True)
        return out.getvalue(), "image/jpeg"
