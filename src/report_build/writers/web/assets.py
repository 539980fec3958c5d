"""The site's files other than pages: images, the stylesheet and the scripts.

Images keep to the manuscript's own files: SVG copied as it is (checked by the same rule as
for the ePub: well-formed, script-free, self-contained), rasters in a few widths for
``srcset``, the widest no larger than the front matter's ``image_max_px``. The stylesheet
is the theme's ``css/web.css`` after the font faces (one file, one request); it may not load
anything else. Scripts come from ``web/*.js`` in the layouts. Encoders get fixed settings, so
the same inputs give the same bytes.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from pathlib import Path

from PIL import Image as PILImage

from ... import images as image_checks
from ...errors import RenderError, ResourceError
from ...model import Document
from ...theme import Theme

WIDTHS = (480, 960)  # narrower copies for phones, besides the full-size one
RASTER = {  # file suffix -> the extension its copies keep, for every raster type a report may use
    suffix: image_checks.EXTENSION_OF[kind]
    for suffix, kind in image_checks.IMAGE_TYPES.items()
    if kind != "image/svg+xml"
}
CSS_URL = re.compile(r"url\(\s*['\"]?([^'\")]+)['\"]?\s*\)")
CSS_IMPORT = re.compile(r"@import", re.IGNORECASE)


@dataclass(frozen=True)
class SiteImage:
    src: str  # the full-size copy, relative to the site's root
    srcset: str = ""  # "" for SVG
    width: int | None = None
    height: int | None = None


def site_images(doc: Document) -> tuple[dict[str, SiteImage], dict[str, bytes]]:
    """{src as written in the manuscript: its copies on the site}, and the files to write."""
    found: dict[str, SiteImage] = {}
    files: dict[str, bytes] = {}
    for number, image in enumerate(doc.images, 1):
        stem = f"images/{number:02d}-{_safe(image.path.stem)}"
        suffix = image.path.suffix.lower()
        if suffix == ".svg":
            try:
                data = image.data if image.data is not None else image_checks.read_svg(image.path)
                image_checks.check_svg(data, image.path.name)  # the one rule: well-formed, self-contained
            except ResourceError as exc:
                raise ResourceError(exc.message, doc.source, image.line) from None
            files[f"{stem}.svg"] = data
            found[image.src] = SiteImage(f"{stem}.svg")
            continue
        if suffix not in RASTER:
            raise RenderError(f"image '{image.src}' is not a type a browser shows", doc.source, image.line)
        found[image.src] = _raster(image.path, stem, suffix, doc, files, image.line, image.data)
    return found, files


def site_attachments(doc: Document, files: dict[str, bytes]) -> dict[str, str]:
    """{src as the text links it: its copy on the site}: each file offered for download (a
    chart's data) is copied into ``data/``, and added to ``files``."""
    found: dict[str, str] = {}
    for number, attachment in enumerate(doc.attachments, 1):
        name = f"data/{number:02d}-{_safe(attachment.path.stem)}{attachment.path.suffix.lower()}"
        try:
            data = attachment.data if attachment.data is not None else attachment.path.read_bytes()
        except OSError as exc:
            raise ResourceError(
                f"web: data file '{attachment.src}' cannot be read: {exc.strerror}", doc.source
            ) from None
        files[name] = data
        found[attachment.src] = name
    return found


def _raster(
    path: Path, stem: str, suffix: str, doc: Document, files: dict[str, bytes], line: int | None, data: bytes | None
) -> SiteImage:
    """Copies of a raster image in several widths; ``data`` holds the bytes of a ``data:`` image
    (its ``path`` names no file)."""
    try:
        image_checks.check(path, data)
    except ResourceError as exc:
        raise ResourceError(exc.message, doc.source, line) from None
    with PILImage.open(path if data is None else io.BytesIO(data)) as original:
        width, height = original.size
        animated = getattr(original, "is_animated", False)
        scale = min(1.0, doc.metadata.image_max_px / max(width, height))
        full = (max(1, round(width * scale)), max(1, round(height * scale)))
        if animated or (scale == 1.0 and suffix != ".webp"):
            ext = RASTER[suffix]
            files[f"{stem}-{width}.{ext}"] = data if data is not None else _read(path, doc, line)
            biggest = f"{stem}-{width}.{ext}"
        else:
            biggest = _save(original, full, stem, files)
        candidates = [] if animated else [w for w in WIDTHS if w < full[0] * 0.8]
        srcset = []
        for target in candidates:
            size = (target, max(1, round(full[1] * target / full[0])))
            srcset.append(f"{_save(original, size, stem, files)} {target}w")
    srcset.append(f"{biggest} {full[0]}w")
    return SiteImage(biggest, ", ".join(srcset) if candidates else "", full[0], full[1])


def _save(original: PILImage.Image, size: tuple[int, int], stem: str, files: dict[str, bytes]) -> str:
    """A copy of ``original`` at ``size``: PNG when it has transparency or few colours, else JPEG."""
    copy = original.copy()
    lossless = original.mode in ("RGBA", "LA", "P", "1", "L") or original.format in ("PNG", "GIF")
    copy = copy.convert("RGBA" if lossless else "RGB").resize(size, PILImage.Resampling.LANCZOS)
    out = io.BytesIO()
    if lossless:
        copy.save(out, format="PNG", optimize=True)
        name = f"{stem}-{size[0]}.png"
    else:
        copy.save(out, format="JPEG", quality=82, optimize=True, progressive=True)
        name = f"{stem}-{size[0]}.jpg"
    files[name] = out.getvalue()
    return name


def stylesheet(theme: Theme, fonts_css: str, rtl: bool, lists_css: str = "") -> bytes:
    """The font faces, then ``css/web.css`` (and ``css/web-rtl.css`` when it exists, for
    right-to-left reports), then ``lists_css`` (:func:`...numerals.list_counter_css`)."""
    parts = [fonts_css]
    for name in ("css/web.css", "css/web-rtl.css" if rtl else ""):
        if not name:
            continue
        path = theme.find(name)
        if path is None:
            if name == "css/web.css":
                raise RenderError("the layouts have no css/web.css for the web edition")
            continue
        css = path.read_text(encoding="utf-8")
        if CSS_IMPORT.search(css) or any(not ref.startswith(("data:", "#")) for ref in CSS_URL.findall(css)):
            raise RenderError(f"web: {name} may not load other files (no @import, no url())", path)
        parts.append(css)
    return "\n".join([*parts, lists_css] if lists_css else parts).encode("utf-8")


def script(theme: Theme, name: str) -> bytes:
    path = theme.find(name)
    if path is None:
        raise RenderError(f"the layouts have no {name} for the web edition")
    return path.read_bytes()


def _read(path: Path, doc: Document, line: int | None) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise ResourceError(f"cannot read '{path.name}': {exc.strerror}", doc.source, line) from None


def _safe(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]+", "-", name).strip("-").lower()[:40] or "image"
