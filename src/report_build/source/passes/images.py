"""Images: every one admitted before anything is laid out, and its source made relative."""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path, PurePosixPath
from urllib.parse import quote, unquote

from lxml import etree

from ... import images as image_files
from ...errors import ResourceError, UnusableImageError
from ...image_data import Embedded
from ...model import Image
from .. import site_paths
from ..remote import placeholder
from ..tree import Context, drop

UNDESCRIBED = "undescribed"  # the class of an image written without alt text (a draft)


# CSS pixels in one unit of each absolute length (CSS Values 4: 1in = 96px = 2.54cm = 72pt).
PIXELS = {"px": 1.0, "in": 96.0, "cm": 96 / 2.54, "mm": 96 / 25.4, "q": 96 / 101.6, "pt": 96 / 72, "pc": 16.0}
LENGTH = re.compile(r"^\s*(\d+(?:\.\d*)?|\.\d+)\s*(px|in|cm|mm|q|pt|pc)?\s*$", re.IGNORECASE)


def size_in_pixels(value: str) -> int | None:
    """An image's ``width`` or ``height`` as HTML reads it (a whole number of CSS pixels), from
    what pandoc, Quarto and old HTML write: ``300``, ``300px``, ``6.5in``, ``4cm``, ``72pt``.
    None for a value no HTML attribute can hold (``50%``, ``10em``, ``auto``)."""
    match = LENGTH.match(value)
    if match is None:
        return None
    return round(float(match.group(1)) * PIXELS[(match.group(2) or "px").lower()])


def _sizes(img: etree._Element, ctx: Context, line: int | None) -> None:
    """``width`` and ``height`` in whole CSS pixels, the one form HTML (and so EPUBCheck) accepts:
    a Word document exported by pandoc sizes its images in inches (``{width="6.5in"}``), which
    an ePub reader refuses. A size in other terms (a percentage of the page, ems) is left out with
    a warning: the image is shown at its own size, never wider than the text."""
    for name in ("width", "height"):
        value = img.get(name)
        if value is None:
            continue
        pixels = size_in_pixels(value)
        if pixels is None:
            del img.attrib[name]
            ctx.warn(
                f"image {name} '{value}' left out: an image's size is given in pixels or lengths "
                f'({name}=300, {name}="3in"); it is shown at its own size, never wider than the text',
                line,
            )
        elif str(pixels) != value:
            img.set(name, str(pixels))


DARK_ONLY = ("#only-dark", "#gh-dark-mode-only")  # MkDocs Material's and GitHub's
LIGHT_ONLY = ("#only-light", "#gh-light-mode-only")


def _light_theme_only(root: etree._Element) -> None:
    """A picture given twice, for a light and a dark theme (``x.png#only-light`` beside
    ``x-dark.png#only-dark``, GitHub's ``#gh-light-mode-only``), is shown once: the light one, on
    paper's white. The dark one goes, with the paragraph or figure it leaves empty."""
    for img in list(root.iter("img")):
        src = img.get("src") or ""
        if src.endswith(LIGHT_ONLY):
            img.set("src", src[: src.rindex("#")])
        elif src.endswith(DARK_ONLY):
            parent = img.getparent()
            drop(img, keep_tail=True)
            while parent is not None and parent.tag in ("p", "figure", "a") and not parent.text_content().strip():
                if len(parent):  # something else is left in it (another image)
                    break
                grand = parent.getparent()
                drop(parent, keep_tail=True)
                parent = grand


def images(root: etree._Element, ctx: Context, embedded: Mapping[str, Embedded] | None = None) -> list[Image]:
    """Admit every ``img`` (:func:`report_build.images.admit`). Changes each ``src`` to the
    file's path relative to the manuscript (URL-quoted) and empties the alt of decorative
    images. Returns each file once, with the line of its first use. ``embedded``: the ``data:``
    images by the names their sources were given (:func:`report_build.image_data.extract`),
    already admitted; they keep their bytes. A site-absolute source (``/img/x.png``) is read under
    the site root (:mod:`..site_paths`).

    Faults, each a warning at its line: an image without alt text that is not marked decorative
    gets the alt text "Image without a description: <file name>" (strings ``image_undescribed``)
    and the class ``undescribed``. Honest and announced: a screen reader says an image is there
    and that nothing describes it, where an empty alt would hide it as decorative (and fails
    PDF/UA, which wants a text for every figure), and a bare file name would pass for a
    description. An image that cannot be drawn (no source, a missing file, one readers cannot
    show: :class:`~report_build.errors.UnusableImageError`) becomes a placeholder showing its
    alt text, in every output. An image outside the allowed folders stops the build."""
    embedded = embedded or {}
    _light_theme_only(root)
    found: dict[Path, Image] = {}
    strings = ctx.theme.strings
    label, colon = str(strings.get("image_omitted", "Image not included")), str(strings.get("colon", ": "))
    undescribed = str(strings.get("image_undescribed", "Image without a description"))
    after: dict[str, int] = {}  # the same image written again is looked for after its last line
    for img in list(root.iter("img")):
        src = (img.get("src") or "").strip()
        needle = src or "!["
        line = ctx.source.find(needle, after.get(needle, 0) + 1)
        if line is None and not src:
            needle = "<img"  # raw HTML
            line = ctx.source.find(needle, after.get(needle, 0) + 1)
        after[needle] = line or after.get(needle, 0)
        if img.get("width") is not None or img.get("height") is not None:
            _sizes(img, ctx, line)
        decorative = "decorative" in img.get("class", "").split() or img.get("role") == "presentation"
        named = PurePosixPath(unquote(src)).name or "?"
        missing_alt = not (img.get("alt") or "").strip() and not decorative
        if missing_alt:
            ctx.warn(
                f"image '{src}' has no alt text: describe it for readers who cannot see it "
                f"(![description](...)), or mark it decorative with {{.decorative}}; until then its alt text says "
                f"'{undescribed}{colon}{named}'",
                line,
            )
        if not src:
            ctx.warn("image has no source (or its source was refused as unsafe); a placeholder stands in for it", line)
            placeholder(img, label, colon, "?")
            continue
        inline = embedded.get(src)
        if inline is not None and inline.fault:
            ctx.warn(f"{inline.fault}; a placeholder shows its alt text instead", inline.line)
            placeholder(img, label, colon, "data:")
            continue
        data = None
        if inline is not None:
            resolved, line, data = ctx.roots[0] / src, inline.line, inline.data
        else:
            try:
                if site_paths.is_site_absolute(src):  # /img/x.png, as the site served it
                    site = site_paths.resolve(src, ctx.path.parent, ctx.site_root, ctx.metadata.site_root)
                    resolved, data = site.path, site.data
                else:
                    resolved = image_files.admit(src, ctx.path.parent, ctx.roots)
            except UnusableImageError as exc:
                ctx.warn(f"{about_image(exc.message)}; a placeholder shows its alt text instead", line)
                placeholder(img, label, colon, named)
                continue
            except ResourceError as exc:
                raise ctx.fail(about_image(exc.message), needle, line) from None
        relative = resolved.relative_to(ctx.roots[0]).as_posix()
        img.set("src", quote(relative))
        if missing_alt:  # drawn, but not described (a placeholder names the file itself)
            img.set("alt", f"{undescribed}{colon}{named}")
            img.set("class", " ".join([*img.get("class", "").split(), UNDESCRIBED]))
        if decorative:
            img.set("alt", "")
            img.set("role", "presentation")  # nothing to describe; an image merely without alt text has no role
        found.setdefault(resolved, Image(src=quote(relative), path=resolved, line=line, data=data))
    return list(found.values())


def about_image(message: str) -> str:
    return message if message.startswith(("image ", "SVG image ")) else f"image: {message}"
