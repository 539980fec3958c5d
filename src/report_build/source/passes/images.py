"""Images: every one admitted before anything is laid out, and its source made relative."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from urllib.parse import quote

from lxml import etree

from ... import images as image_files
from ...errors import ResourceError
from ...image_data import Embedded
from ...model import Image
from ..tree import Context


def images(root: etree._Element, ctx: Context, embedded: Mapping[str, Embedded] | None = None) -> list[Image]:
    """Admit every ``img`` (:func:`report_build.images.admit`) and require its alt text unless it
    is marked decorative. Changes each ``src`` to
    the file's path relative to the manuscript (URL-quoted) and empties the alt of decorative
    images. Returns each file once, with the line of its first use. ``embedded``: the ``data:``
    images by the names their sources were given (:func:`report_build.image_data.extract`),
    already admitted; they keep their bytes."""
    embedded = embedded or {}
    found: dict[Path, Image] = {}
    for img in root.iter("img"):
        src = (img.get("src") or "").strip()
        needle = src or "<img"
        line = ctx.source.find(src) if src else ctx.source.find("![")
        if not src:
            raise ctx.fail("image has no source (or its source was refused as unsafe)", needle, line)
        inline = embedded.get(src)
        if inline is not None:
            resolved, line = ctx.roots[0] / src, inline.line
        else:
            try:
                resolved = image_files.admit(src, ctx.path.parent, ctx.roots)
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
        data = inline.data if inline is not None else None
        found.setdefault(resolved, Image(src=quote(relative), path=resolved, line=line, data=data))
    return list(found.values())


def about_image(message: str) -> str:
    return message if message.startswith(("image ", "SVG image ")) else f"image: {message}"
