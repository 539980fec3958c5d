"""Pictures for the Word edition: the manuscript's images as inline drawings with alt text.

Word takes PNG, JPEG and GIF as they are; other rasters (WebP, TIFF ...) are converted to PNG
with Pillow, and large ones scaled down as for the ePub. An SVG is embedded as SVG, which Word
2016 and later draw (and LibreOffice), with a PNG fallback that older readers and converters
(mammoth, pandoc) use: CairoSVG rasterises it at twice its printed size. Where CairoSVG
cannot run (no Cairo library), the fallback is a blank PNG of the same proportions and the
build warns, naming the image.

Invariant: an image that cannot be read or is not an image is a warning and its alt text in
brackets, never a broken package.
"""

from __future__ import annotations

import io
import re
import struct
import zlib
from collections.abc import Iterable
from dataclasses import dataclass

from lxml import etree
from PIL import Image as PILImage

from ... import images
from ...errors import Diagnostics, ReportBuildError
from ...model import Document, Image
from . import ooxml

EMU_PER_PX = 9525  # at 96 px to the inch
WORD_RASTERS = {"PNG", "JPEG", "GIF"}
UNITS_PX = {"px": 1.0, "pt": 96 / 72, "pc": 16.0, "mm": 96 / 25.4, "cm": 96 / 2.54, "in": 96.0, "": 1.0}


@dataclass(frozen=True)
class Prepared:
    raster: bytes  # what the blip names: PNG, JPEG or GIF
    svg: bytes | None  # the SVG itself, when the image is one
    width_px: float
    height_px: float


class Pictures:
    """The document's images, each read and converted once."""

    def __init__(self, document: Document, diagnostics: Diagnostics, more: Iterable[Image] = ()):
        """``more``: images of another version (a redline's deleted figures), the document's own first."""
        self.document = document
        self.diagnostics = diagnostics
        self.by_src = {image.src: image for image in (*more, *document.images)}
        self.prepared: dict[str, Prepared | None] = {}
        self.svg_rels: dict[str, str] = {}

    def inline(self, part, src: str, alt: str, max_width_emu: int, decorative: bool = False):
        """A ``w:r`` holding the picture, no wider than ``max_width_emu``; None when the image
        cannot be used (after a warning)."""
        prepared = self._prepare(src)
        if prepared is None:
            return None
        width = prepared.width_px * EMU_PER_PX
        height = prepared.height_px * EMU_PER_PX
        if width > max_width_emu:
            height, width = height * max_width_emu / width, max_width_emu
        inline = part.new_pic_inline(io.BytesIO(prepared.raster), int(width), int(height))
        ooxml.describe_picture(inline, alt, decorative=decorative)
        if prepared.svg is not None:
            if src not in self.svg_rels:
                self.svg_rels[src] = ooxml.svg_part(part, prepared.svg)
            ooxml.add_svg(inline, self.svg_rels[src])
        drawing = ooxml.element("w:drawing")
        drawing.append(inline)
        return ooxml.element("w:r", None, drawing)

    def _prepare(self, src: str) -> Prepared | None:
        if src not in self.prepared:
            try:
                self.prepared[src] = self._read(src)
            except (OSError, ValueError, ReportBuildError, PILImage.DecompressionBombError) as exc:
                image = self.by_src.get(src)
                self.diagnostics.warn(
                    f"image '{src}' left out of the Word edition ({exc}); its alt text stands in",
                    self.document.source,
                    image.line if image else None,
                )
                self.prepared[src] = None
        return self.prepared[src]

    def _read(self, src: str) -> Prepared:
        image = self.by_src.get(src)
        if image is None:
            raise ValueError("not one of the manuscript's images")
        data = image.data if image.data is not None else image.path.read_bytes()
        if image.path.suffix.lower() == ".svg" or data.lstrip().startswith((b"<?xml", b"<svg")):
            images.check_svg(data, image.path.name)
            width, height = svg_size(data)
            return Prepared(self._fallback(data, width, height, src, image.line), data, width, height)
        scaled = images.scaled(image.path, self.document.metadata.image_max_px, image.data)
        if scaled is not None:
            data = scaled[0]
        with PILImage.open(io.BytesIO(data)) as picture:
            picture.load()
            size = picture.size
            dpi = picture.info.get("dpi", (96, 96))[0] or 96
            if picture.format not in WORD_RASTERS:
                out = io.BytesIO()
                picture.save(out, "PNG", optimize=True)
                data = out.getvalue()
        scale = 96 / dpi if 30 <= dpi <= 1200 else 1.0
        return Prepared(data, None, size[0] * scale, size[1] * scale)

    def _fallback(self, svg: bytes, width: float, height: float, src: str, line: int | None) -> bytes:
        """The PNG older readers show: the SVG drawn by CairoSVG at twice its size."""
        try:
            import cairosvg

            return cairosvg.svg2png(bytestring=svg, output_width=round(width * 2), output_height=round(height * 2))
        except (ImportError, OSError) as exc:  # no Cairo library on this machine
            self.diagnostics.warn(
                f"SVG image '{src}' has no PNG fallback for Word before 2016 (CairoSVG cannot run: {exc}); "
                "Word 2016 and later, and LibreOffice, show the SVG",
                self.document.source,
                line,
            )
            return blank_png(max(1, round(width / 8)), max(1, round(height / 8)))


def svg_size(data: bytes) -> tuple[float, float]:
    """The SVG's size in CSS pixels: its width and height, else its viewBox, else 600 x 400."""
    root = etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False))
    width, height = _length(root.get("width")), _length(root.get("height"))
    box = [float(v) for v in re.split(r"[\s,]+", (root.get("viewBox") or "").strip()) if _number(v)]
    if len(box) == 4 and box[2] > 0 and box[3] > 0:
        if width and not height:
            height = width * box[3] / box[2]
        elif height and not width:
            width = height * box[2] / box[3]
        elif not width and not height:
            width, height = box[2], box[3]
    if not width or not height:
        return 600.0, 400.0
    return width, height


def _number(text: str) -> bool:
    return bool(re.fullmatch(r"-?\d+(\.\d+)?", text))


def _length(value: str | None) -> float:
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*(px|pt|pc|mm|cm|in|)\s*", value or "")
    return float(match.group(1)) * UNITS_PX[match.group(2)] if match else 0.0


def blank_png(width: int, height: int) -> bytes:
    """A transparent PNG of the given size, made without any library."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)

    rows = b"".join(b"\x00" + b"\x00\x00\x00\x00" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")
