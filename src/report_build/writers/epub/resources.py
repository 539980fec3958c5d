"""What the ePub packages as it is: the manuscript's images, the cover, stylesheets and fonts.

Every file is checked as it is read: an image must be a type an ePub may hold, an SVG
well-formed, script-free and self-contained, a stylesheet must not load other files, and a
font must come from the layouts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from ... import fonts, images
from ...errors import RenderError, ResourceError
from ...images import EXTENSION_OF, IMAGE_TYPES
from ...model import Document
from ...numerals import list_counter_css
from ...theme import Theme
from .cover import COVER_SIZE, draw_cover

FONT_TYPES = {".ttf": "font/ttf", ".otf": "font/otf", ".woff": "font/woff", ".woff2": "font/woff2"}
FONT_FACE = re.compile(r"@font-face\s*\{[^}]*\}", re.IGNORECASE)
FONT_FAMILY = re.compile(r"font-family\s*:\s*([^;}]+)", re.IGNORECASE)


@dataclass(frozen=True)
class Resource:
    """A file packaged as it is: image, stylesheet or font."""

    ident: str
    name: str  # path inside EPUB/
    media_type: str
    data: bytes


def package_images(doc: Document) -> tuple[dict[str, str], list[Resource]]:
    """Every image of the manuscript under a safe name; large rasters scaled down."""
    names: dict[str, str] = {}
    resources: list[Resource] = []
    for number, image in enumerate(doc.images, 1):
        suffix = image.path.suffix.lower()
        if suffix == ".svg":
            data = _checked_svg(image.path, doc, image.line, image.data)
            media_type = "image/svg+xml"
        else:
            smaller = images.scaled(image.path, doc.metadata.image_max_px, image.data)
            if smaller is not None:
                data, media_type = smaller
            else:
                data = image.data if image.data is not None else _read(image.path, doc, image.line)
                media_type = IMAGE_TYPES.get(suffix, "")
        if media_type not in EXTENSION_OF:
            raise RenderError(f"image '{image.src}' is not an image type an ePub may hold", doc.source, image.line)
        name = f"images/img-{number:03d}.{EXTENSION_OF[media_type]}"
        names[image.src] = name
        resources.append(Resource(f"img-{number:03d}", name, media_type, data))
    return names, resources


def _read(path: Path, doc: Document, line: int | None = None) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise ResourceError(f"cannot read '{path.name}': {exc.strerror}", doc.source, line) from None


def _checked_svg(path: Path, doc: Document, line: int | None, data: bytes | None = None) -> bytes:
    """The SVG's bytes as packaged, checked again by the one rule (it may have changed since parsing);
    ``data``: a data: image's bytes."""
    try:
        data = images.read_svg(path) if data is None else data
        images.check_svg(data, path.name)
    except ResourceError as exc:
        raise ResourceError(exc.message, doc.source, line) from None
    return data


def cover(doc: Document, theme: Theme) -> Resource:
    """The front matter's cover image, or one drawn in the house style."""
    cover = doc.metadata.cover_image
    if cover is not None:
        if not cover.is_file():
            raise ResourceError(f"cover image '{cover.name}' not found (looked for {cover})", doc.source)
        suffix = cover.suffix.lower()
        if suffix == ".svg":
            data = _checked_svg(cover, doc, None)
            media_type = "image/svg+xml"
        else:
            smaller = images.scaled(cover, max(COVER_SIZE))
            data, media_type = smaller if smaller is not None else (_read(cover, doc), IMAGE_TYPES.get(suffix, ""))
        if media_type not in EXTENSION_OF:
            raise ResourceError(f"cover image '{cover.name}' must be PNG, JPEG, GIF, WebP or SVG", doc.source)
        return Resource("cover-img", f"images/cover.{EXTENSION_OF[media_type]}", media_type, data)
    return Resource("cover-img", "images/cover.png", "image/png", draw_cover(doc, theme))


def stylesheets(doc: Document, theme: Theme) -> tuple[list[str], list[Resource]]:
    """The ePub stylesheets (css/epub-rtl.css too for right-to-left languages), and with
    ``embed_fonts`` a font stylesheet and the font files it uses."""
    names = ["css/epub.css"] + (["css/epub-rtl.css"] if doc.metadata.direction == "rtl" else [])
    sheets, resources = [], []
    for name in names:
        path = theme.find(name)
        if path is None:
            raise RenderError(f"layouts have no {name} for the ePub")
        css = path.read_text(encoding="utf-8")
        for ref in images.CSS_URL.findall(css):
            if not ref.startswith("data:"):
                raise RenderError(f"the ePub stylesheet refers to '{ref}'; it may not load other files", path)
        ident = "css-" + Path(name).stem
        if name == names[-1]:  # lists in the language's digits, after the layouts' rules
            css += list_counter_css(doc.metadata.language, doc.metadata.latin_digits)
        resources.append(Resource(ident, name, "text/css", css.encode("utf-8")))
        sheets.append(name)
    if doc.metadata.embed_fonts:
        sheet, fonts = _font_stylesheet(theme, names)
        sheets.insert(1, "css/fonts.css")
        resources.append(Resource("css-fonts", "css/fonts.css", "text/css", sheet.encode("utf-8")))
        resources.extend(fonts)
    return sheets, resources


FALLBACK_SHEET = "css/fallback.css"
FALLBACK_FAMILY = "RB Fallback"  # the name the ePub stylesheets end their font lists with


def with_fallback(sheets: list[str]) -> list[str]:
    """The stylesheets with the fallback fonts' (@font-face rules only: after epub.css, before
    what overrides it)."""
    return [*sheets[:1], FALLBACK_SHEET, *sheets[1:]]


def fallback_resources(doc: Document, theme: Theme, characters: set[str]) -> list[Resource]:
    """The fallback fonts' stylesheet, subsets and licence for the characters the ePub's files
    show (:func:`fallback_fonts`); none when they need no fallback face."""
    sheet, fallback = fallback_fonts(doc, theme, characters)
    if not fallback:
        return []
    return [Resource("css-fallback", FALLBACK_SHEET, "text/css", sheet.encode("utf-8")), *fallback]


def fallback_fonts(doc: Document, theme: Theme, characters: set[str]) -> tuple[str, list[Resource]]:
    """Subsets of the faces that draw ``characters`` (what the ePub's files show: chapters,
    footnotes, dates and the layouts' words) beyond Latin, Greek and Cyrillic
    (the fallback faces of ``fonts/fallback.yaml``, and the layouts' own, such as Arabic, when
    the fonts are not embedded anyway): the very faces the PDF uses for the text's style, so that
    a reading system without them still shows every character: @font-face rules of one family,
    ``"RB Fallback"``, each face limited to its characters (``unicode-range``), and a licence
    file. Nothing when the text needs none."""
    coverage = fonts.Coverage(theme, doc.metadata.language)
    needed = fonts.characters_by_face(characters, coverage, "serif", own_too=not doc.metadata.embed_fonts)
    rules, resources, used = [], [], []
    joiners = "".join(c for c in "\u200c\u200d" if c in characters)  # they join the letters around them
    for number, (face, drawn) in enumerate(sorted(needed.items(), key=lambda item: item[0].family), 1):
        wanted = drawn + joiners
        data = fonts.subset(face, wanted)
        if data is None:
            continue
        suffix, media_type = fonts.font_type(data)
        name = f"fonts/fallback-{_safe_name(face.family.lower())}{suffix}"
        resources.append(Resource(f"font-fallback-{number:02d}", name, media_type, data))
        rules.append(
            f'@font-face {{ font-family: "{FALLBACK_FAMILY}"; font-style: normal; font-weight: 400; '
            f"src: url(../{name}); unicode-range: {fonts.unicode_range(wanted)}; }}"
        )
        used.append(face)
    if not resources:
        return "", []
    licence = fonts.licence_text(used, theme.fallback.licence)
    resources.append(Resource("font-fallback-licence", "fonts/fallback-LICENSE.txt", "text/plain", licence.encode()))
    sheet = (
        "/* Subsets of the fonts that draw what a reading system may lack (SIL Open Font License:\n"
        "   fonts/fallback-LICENSE.txt). The other stylesheets end their font lists with this family. */\n"
        + "\n".join(rules)
        + "\n"
    )
    return sheet, resources


def _font_stylesheet(theme: Theme, sheets: list[str]) -> tuple[str, list[Resource]]:
    """@font-face rules from css/fonts.css for the families epub/fonts.css (and the right-to-left
    stylesheet) use, and their files."""
    faces_path, usage_path = theme.find("css/fonts.css"), theme.find("epub/fonts.css")
    if faces_path is None or usage_path is None:
        raise RenderError("embed_fonts needs css/fonts.css and epub/fonts.css in the layouts")
    usage = usage_path.read_text(encoding="utf-8") + "".join(
        path.read_text(encoding="utf-8") for path in (theme.find(name) for name in sheets[1:]) if path is not None
    )
    wanted = {name.strip().strip("'\"").lower() for value in FONT_FAMILY.findall(usage) for name in value.split(",")}
    rules: list[str] = []
    fonts: dict[Path, Resource] = {}
    for rule in FONT_FACE.findall(faces_path.read_text(encoding="utf-8")):
        families = FONT_FAMILY.findall(rule)
        if not families or families[0].strip().strip("'\"").lower() not in wanted:
            continue
        for ref in images.CSS_URL.findall(rule):
            source = (faces_path.parent / ref).resolve()
            if not any(source.is_relative_to(folder) for folder in theme.dirs) or not source.is_file():
                raise RenderError(f"font '{ref}' named in css/fonts.css is not in the layouts", faces_path)
            media_type = FONT_TYPES.get(source.suffix.lower())
            if media_type is None:
                raise RenderError(f"font '{ref}' is not TrueType, OpenType or WOFF", faces_path)
            if source not in fonts:
                number = len(fonts) + 1
                fonts[source] = Resource(
                    f"font-{number:02d}", f"fonts/{_safe_name(source.name)}", media_type, source.read_bytes()
                )
            rule = rule.replace(ref, "../" + fonts[source].name)
        rules.append(rule)
    sheet = "/* Fonts from the report's layouts (SIL Open Font License). */\n" + "\n".join(rules) + "\n" + usage
    return sheet, list(fonts.values())


def _safe_name(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", name)
