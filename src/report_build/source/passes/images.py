"""Images: every one admitted before anything is laid out, and its source made relative."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

from lxml import etree

from ... import images as image_files
from ...errors import ResourceError
from ...model import Image
from ...sandbox import IMAGE_TYPES, resolve_reference
from ..tree import Context


def images(root: etree._Element, ctx: Context) -> list[Image]:
    """Admit every ``img``: inside the manuscript's folder, a type PDF and ePub readers display,
    not too large, SVGs safe, alt text present unless marked decorative. Changes each ``src`` to
    the file's path relative to the manuscript (URL-quoted) and empties the alt of decorative
    images. Returns each file once, with the line of its first use."""
    found: dict[Path, Image] = {}
    for img in root.iter("img"):
        src = (img.get("src") or "").strip()
        needle = src or "<img"
        line = ctx.source.find(src) if src else ctx.source.find("![")
        if not src:
            raise ctx.fail("image has no source (or its source was refused as unsafe)", needle, line)
        try:
            resolved = resolve_reference(src, ctx.path.parent, ctx.roots)
        except ResourceError as exc:
            raise ctx.fail(f"image: {exc.message}", needle, line) from None
        if resolved.suffix.lower() not in IMAGE_TYPES:
            raise ctx.fail(
                f"image '{src}' is not PNG, JPEG, GIF, WebP or SVG, which PDF and ePub readers display",
                needle,
                line,
            )
        try:
            if resolved.suffix.lower() == ".svg":
                image_files.check_svg(resolved, ctx.roots)
            else:
                image_files.check(resolved)
        except ResourceError as exc:
            raise ctx.fail(about_image(exc.message), needle, line) from None
        relative = resolved.relative_to(ctx.roots[0]).as_posix()
        img.set("src", quote(relative))
        decorative = "decorative" in img.get("class", "").split() or img.get("role") == "presentation"
        if not (img.get("alt") or "").strip() and not decorative:
            raise ctx.fail(
                f"image '{src}' has no alt text: describe it for readers who cannot see it "
                "(![description](...)), or mark it decorative with {.decorative}",
                needle,
                line,
            )
        if decorative:
            img.set("alt", "")
        found.setdefault(resolved, Image(src=quote(relative), path=resolved, line=line))
    return list(found.values())


def about_image(message: str) -> str:
    return message if message.startswith(("image ", "SVG image ")) else f"image: {message}"
