"""YAML front matter: split it from the body, parse it safely, validate it."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from pathlib import Path
from typing import Any

import yaml

from .. import limits
from ..errors import Diagnostics, ManuscriptError, ResourceError
from ..model import Metadata
from .text import NOT_XML

DELIMITER = re.compile(r"^---\s*$")
CLOSER = re.compile(r"^(---|\.\.\.)\s*$")

# Canonical key -> the spellings people bring from pandoc, Jekyll and Hugo.
ALIASES: dict[str, tuple[str, ...]] = {
    "title": ("title",),
    "subtitle": ("subtitle",),
    "authors": ("authors", "author", "creator", "creators"),
    "publisher": ("publisher",),
    "date": ("date",),
    "language": ("language", "lang"),
    "identifier": ("identifier", "isbn"),
    "description": ("description", "abstract", "summary"),
    "keywords": ("keywords", "tags", "subject", "subjects"),
    "rights": ("rights", "copyright", "license", "licence"),
    "cover_image": ("cover_image", "cover-image", "cover"),
    "page_size": ("page_size", "page-size", "papersize"),
    "layouts": ("layouts",),
    "slug": ("slug",),
    "embed_fonts": ("embed_fonts", "embed-fonts"),
    "image_max_px": ("image_max_px", "image-max-px"),
    # base_url (text, default ""): the http(s) address the web edition will be published at,
    # such as https://example.org/reports/idlib-lives/. With it, every web page gets a
    # canonical URL, Open Graph and Twitter card tags and an absolute social image address.
    "base_url": ("base_url", "base-url"),
}
KEY_OF = {alias: key for key, aliases in ALIASES.items() for alias in aliases}

PAGE_SIZES = {"a3", "a4", "a5", "b4", "b5", "letter", "legal", "ledger", "jis-b4", "jis-b5"}
CUSTOM_SIZE = re.compile(r"^\d+(\.\d+)?(mm|cm|in|pt)\s+\d+(\.\d+)?(mm|cm|in|pt)$")
BASE_URL = re.compile(r"^https?://[^\s/?#]+(/[^\s?#]*)?$", re.IGNORECASE)
LANGUAGE_TAG = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")


def split(text: str, path: Path) -> tuple[str | None, str, int]:
    """Return (front matter text or None, body, number of lines before the body)."""
    lines = text.split("\n")
    if not lines or not DELIMITER.match(lines[0]):
        return None, text, 0
    for index in range(1, len(lines)):
        if CLOSER.match(lines[index]):
            return "\n".join(lines[1:index]), "\n".join(lines[index + 1 :]), index + 1
    raise ManuscriptError("front matter opened with '---' is never closed (add a '---' line after it)", path, 1)


class _Loader(yaml.SafeLoader):
    """PyYAML's safe loader, with a nesting limit (its composer recurses) and impossible dates
    (2020-13-45) reported as YAML errors at their line instead of a bare ValueError."""

    def __init__(self, stream: str):
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        self._depth += 1
        try:
            if self._depth > limits.MAX_YAML_NESTING:
                raise yaml.composer.ComposerError(
                    None,
                    None,
                    f"nested more than {limits.MAX_YAML_NESTING} levels deep",
                    self.peek_event().start_mark,
                )
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def construct_yaml_timestamp(self, node: Any) -> Any:
        try:
            return super().construct_yaml_timestamp(node)
        except (ValueError, OverflowError):
            raise yaml.constructor.ConstructorError(
                None, None, f"'{node.value}' is not a real date", node.start_mark
            ) from None


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _Loader.construct_yaml_timestamp)


def _load(front: str) -> tuple[Any, Any]:
    """(node, data): the composed node, for key lines, and the constructed data."""
    loader = _Loader(front)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    finally:
        loader.dispose()
    return node, data


def parse(front: str | None, path: Path, diagnostics: Diagnostics) -> tuple[dict[str, Any], dict[str, int]]:
    """Parse the front matter; return values and the line of each key (1-based, in the file)."""
    if front is None or not front.strip():
        return {}, {}
    try:
        node, data = _load(front)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = mark.line + 2 if mark is not None else 1
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ManuscriptError(f"front matter is not valid YAML: {problem}", path, line) from None
    if data is None:
        return {}, {}
    if not isinstance(data, dict) or not isinstance(node, yaml.MappingNode):
        raise ManuscriptError("front matter must be a mapping of keys to values (key: value)", path, 2)
    lines = {str(key.value): key.start_mark.line + 2 for key, _ in node.value}
    return {str(key): value for key, value in data.items()}, lines


def metadata(
    raw: dict[str, Any], lines: dict[str, int], path: Path, diagnostics: Diagnostics, fallback_title: str
) -> Metadata:
    """Validate and normalise the front matter into :class:`Metadata`."""
    values: dict[str, Any] = {}
    for key, value in raw.items():
        canonical = KEY_OF.get(key)
        line = lines.get(key)
        if canonical is None:
            diagnostics.warn(f"unknown front matter key '{key}' is ignored", path, line)
            continue
        if canonical in values:
            diagnostics.warn(f"'{key}' repeats '{canonical}' given earlier; the earlier value is kept", path, line)
            continue
        values[canonical] = _check(canonical, key, value, path, line)

    title = values.get("title") or fallback_title or path.stem.replace("-", " ").replace("_", " ").title()
    language = values.get("language", "en")
    identifier = values.get("identifier") or _stable_identifier(title, values.get("authors", ()))
    root = path.parent
    cover = values.get("cover_image")
    layouts = values.get("layouts")
    return Metadata(
        title=title,
        subtitle=values.get("subtitle", ""),
        authors=values.get("authors", ()),
        publisher=values.get("publisher", ""),
        date=values.get("date"),
        language=language,
        identifier=identifier,
        description=values.get("description", ""),
        keywords=values.get("keywords", ()),
        rights=values.get("rights", ""),
        cover_image=(root / cover).resolve() if cover else None,
        page_size=values.get("page_size", "A4"),
        layouts=(root / layouts).resolve() if layouts else None,
        embed_fonts=values.get("embed_fonts", False),
        image_max_px=values.get("image_max_px", 1600),
        slug=values.get("slug", ""),
        base_url=values.get("base_url", ""),
    )


def _check(key: str, spelled: str, value: Any, path: Path, line: int | None) -> Any:
    def fail(expected: str) -> ManuscriptError:
        shown = type(value).__name__ if not isinstance(value, (str, int)) else repr(value)
        if len(shown) > 60:
            shown = shown[:57] + "..."
        return ManuscriptError(f"front matter '{spelled}' must be {expected}, not {shown}", path, line)

    if key in ("authors", "keywords"):
        if isinstance(value, str):
            items = [value] if key == "authors" else [part.strip() for part in value.split(",")]
        elif isinstance(value, list) and all(isinstance(item, (str, int, float)) for item in value):
            items = [str(item) for item in value]
        else:
            raise fail("text or a list of text")
        for item in items:
            if NOT_XML.search(item):
                raise ManuscriptError(f"front matter '{spelled}' contains a control character; remove it", path, line)
        return tuple(item.strip() for item in items if item.strip())
    if key == "date":
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        if isinstance(value, str):
            parsed = parse_date(value)
            if parsed is None:
                raise fail("a date written YYYY-MM-DD")
            return parsed
        raise fail("a date written YYYY-MM-DD")
    if key == "embed_fonts":
        if not isinstance(value, bool):
            raise fail("true or false")
        return value
    if key == "image_max_px":
        if not isinstance(value, int) or isinstance(value, bool) or not 64 <= value <= 10000:
            raise fail("a whole number of pixels from 64 to 10000")
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool) and key in ("title", "subtitle", "identifier"):
        value = str(value)
    if not isinstance(value, str):
        raise fail("text")
    bad = NOT_XML.search(value)
    if bad is not None:
        raise ManuscriptError(
            f"front matter '{spelled}' contains the control character U+{ord(bad.group()):04X}, "
            "which XHTML cannot hold; remove it",
            path,
            line,
        )
    value = " ".join(value.split()) if key not in ("cover_image", "layouts") else value.strip()
    if key == "language" and not LANGUAGE_TAG.match(value):
        raise ManuscriptError(f"language '{value}' is not a BCP 47 tag such as en, en-GB or ar", path, line)
    if key == "page_size" and value.lower() not in PAGE_SIZES and not CUSTOM_SIZE.match(value):
        raise ManuscriptError(
            f"page size '{value}' is not known: use A4, A5, Letter ... or a size like '170mm 240mm'", path, line
        )
    if key == "page_size" and CUSTOM_SIZE.match(value) and not _reasonable_size(value):
        raise ManuscriptError(
            f"page size '{value}' is out of range: each side must be from {PAGE_SIDE_MM[0]} mm to {PAGE_SIDE_MM[1]} mm",
            path,
            line,
        )
    if key == "slug" and not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", value):
        raise ManuscriptError(
            f"slug '{value}' must be lower-case letters, digits and hyphens (it names the output files)", path, line
        )
    if key == "base_url" and not BASE_URL.match(value):
        raise ManuscriptError(
            f"base_url '{value}' must be an absolute http or https address, such as https://example.org/report/",
            path,
            line,
        )
    if key in ("cover_image", "layouts"):
        _check_relative(value, spelled, path, line)
        _check_inside(key, value, spelled, path, line)
    return value


PAGE_SIDE_MM = (50, 2000)  # a business card to beyond A0
UNIT_MM = {"mm": 1.0, "cm": 10.0, "in": 25.4, "pt": 25.4 / 72}


def _reasonable_size(value: str) -> bool:
    sides = [float(side[:-2]) * UNIT_MM[side[-2:]] for side in value.split()]
    return all(PAGE_SIDE_MM[0] <= side <= PAGE_SIDE_MM[1] for side in sides)


def _check_inside(key: str, value: str, spelled: str, path: Path, line: int | None) -> None:
    """The cover must be a readable image, the layouts an existing folder, both really inside the
    manuscript's folder (a symbolic link may not lead out of it)."""
    from .. import images
    from ..sandbox import IMAGE_TYPES, check_inside, resolve_reference

    root = path.parent.resolve()
    try:
        if key == "layouts":
            folder = (root / value).resolve()
            check_inside(folder, (root,), value)
            if not folder.is_dir():
                raise ResourceError(f"layouts folder '{value}' does not exist (looked for {folder})")
            return
        resolved = resolve_reference(value, root, (root,))
        if resolved.suffix.lower() not in IMAGE_TYPES:
            raise ResourceError(f"'{value}' is not PNG, JPEG, GIF, WebP or SVG")
        if resolved.suffix.lower() == ".svg":
            images.check_svg(resolved, (root,))
        else:
            images.check(resolved)
    except ResourceError as exc:
        raise ManuscriptError(f"front matter '{spelled}': {exc.message}", path, line) from None


def _check_relative(value: str, spelled: str, path: Path, line: int | None) -> None:
    if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", value) or value.startswith(("/", "\\")) or ".." in Path(value).parts:
        raise ManuscriptError(
            f"front matter '{spelled}' must be a path inside the manuscript's folder, not '{value}'", path, line
        )


def _stable_identifier(title: str, authors: tuple[str, ...]) -> str:
    """Without an identifier, derive one from title and authors: the same on every rebuild."""
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, 'report-build:' + title + '|' + '|'.join(authors))}"


DATE_FORMATS = ("%B %d, %Y", "%b %d, %Y", "%d %B %Y", "%d %b %Y", "%Y/%m/%d", "%d.%m.%Y")


def parse_date(text: str) -> dt.date | None:
    """ISO dates, and the spellings sites and pandoc users write ("December 29, 2022")."""
    text = " ".join(text.split())
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        pass
    for pattern in DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None
