"""The front-matter keys: each declared once, with its spellings, its type and what it does.

Defaults live in :class:`~report_build.model.Metadata` alone; a key missing from the front
matter takes the model's default. An unknown key is a warning naming its line (Jekyll's
``layout:`` or ``permalink:`` are ignored this way); a wrong value is an error naming it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import images
from ..errors import Diagnostics, ManuscriptError, ResourceError, UnusableImageError
from ..model import Metadata
from ..paper import PAGE_SIDE_MM, in_range, page_size_mm
from ..sandbox import check_inside
from .dates import DATE_WORDS, build_date, is_date_word, last_modified
from .text import MARK, REMOVED

LANGUAGE_TAG = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
SLUG = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")
ISO_MOMENT = re.compile(
    r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::\d{2}(?:\.\d+)?)?(?: ?(?:Z|[+-]\d{2}:?\d{2}))?)?$"
)
DATE_FORMATS = ("%B %d, %Y", "%b %d, %Y", "%d %B %Y", "%d %b %Y", "%Y/%m/%d", "%d.%m.%Y")


class ValueRejectedError(Exception):
    """A value of the wrong kind: ``expected`` completes "front matter 'key' must be ..."."""

    def __init__(self, expected: str = "", message: str | None = None):
        super().__init__(message or expected)
        self.expected = expected
        self.message = message  # a whole message, when "must be ..." does not fit


class RefusedValueError(ValueRejectedError):
    """A value no build takes, draft or not: a path that leads out of the manuscript's folder."""


@dataclass(frozen=True)
class Field:
    """Where a value was written, for the checks that need the manuscript's folder."""

    spelled: str
    path: Path


@dataclass(frozen=True)
class Key:
    """One front-matter key: its name in :class:`Metadata`, the spellings accepted for it, the
    check that turns a YAML value into the model's value, and what it is for."""

    name: str
    check: Callable[[Any, Field], Any]
    doc: str
    aliases: tuple[str, ...] = ()


# -- the checks --------------------------------------------------------------------------


def text(value: Any, field: Field) -> str:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        raise ValueRejectedError("text")
    bad = REMOVED.search(value)
    if bad is not None:
        char = bad.group()
        # a lone surrogate or a mark comes from a YAML escape: the text's own were removed as read
        if MARK.match(char):
            name, reason = "private-use character", "report-build uses to mark its own work in the text"
        else:
            name = "lone surrogate" if "\ud800" <= char <= "\udfff" else "control character"
            reason = "XHTML cannot hold"
        raise ValueRejectedError(
            message=f"front matter '{field.spelled}' contains the {name} U+{ord(char):04X}, which {reason}; remove it",
        )
    return " ".join(value.split())


def strict_text(value: Any, field: Field) -> str:
    """Text that must be written as text (a number there is a mistake)."""
    if not isinstance(value, str):
        raise ValueRejectedError("text")
    return text(value, field)


def paragraphs(value: Any, field: Field) -> tuple[str, ...]:
    """Text in paragraphs, a blank line between them (YAML's ``|`` block keeps them), each with
    its white space collapsed and typographic quotes and dashes (:func:`.changelog.typographic`);
    Markdown's marks are read as plain text, as in the rest of the front matter."""
    from .changelog import typographic

    if not isinstance(value, str):
        raise ValueRejectedError("text")
    parts = re.split(r"\n[ \t]*\n", value.strip())
    return tuple(typographic(strict_text(part, field)) for part in parts if part.strip())


def text_list(separator: str | None) -> Callable[[Any, Field], tuple[str, ...]]:
    """A list of text, or one text (split at ``separator`` when given)."""

    def check(value: Any, field: Field) -> tuple[str, ...]:
        if isinstance(value, str):
            items = [value] if separator is None else [part.strip() for part in value.split(separator)]
        elif isinstance(value, list) and all(isinstance(item, (str, int, float)) for item in value):
            items = [str(item) for item in value]
        else:
            raise ValueRejectedError("text or a list of text")
        for item in items:
            bad = REMOVED.search(item)
            if bad is not None:
                what = (
                    "a private-use character report-build uses to mark its own work"
                    if MARK.match(bad.group())
                    else "a control character"
                )
                raise ValueRejectedError(message=f"front matter '{field.spelled}' contains {what}; remove it")
        return tuple(item.strip() for item in items if item.strip())

    return check


def names(value: Any, field: Field) -> tuple[str, ...]:
    """People: one name, a list of names, or (Docusaurus, Quarto, Hugo) entries with a ``name``
    (text, or ``given`` and ``family``) and other facts (title, url, affiliation) not shown."""

    def name_of(item: Any) -> Any:
        if not isinstance(item, dict):
            return item
        found = item.get("name")
        if isinstance(found, dict):
            found = " ".join(str(found[part]) for part in ("given", "family") if found.get(part))
        if not isinstance(found, (str, int, float)) or isinstance(found, bool) or not str(found).strip():
            raise ValueRejectedError("names, or entries with a 'name'")
        return found

    return text_list(None)([name_of(item) for item in value] if isinstance(value, list) else name_of(value), field)


def date(value: Any, field: Field) -> dt.date:
    """A date; or one of :data:`.dates.DATE_WORDS`, as Quarto reads them. ``last-modified`` is the day
    the manuscript file was last changed; once every file the manuscript brings in is read, the
    reading makes it the newest of them (:func:`.manuscript.load`)."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if is_date_word(value, "today") or is_date_word(value, "now"):
        return build_date()
    if is_date_word(value, "last-modified"):
        return last_modified((field.path,))
    if isinstance(value, str):
        parsed = parse_date(value)
        if parsed is not None:
            return parsed
        if re.match(r"\d{4}-\d{1,2}-\d{1,2}\b", value.strip()):
            raise ValueRejectedError(
                message=f"front matter '{field.spelled}': '{value.strip()}' is not a real date (write it YYYY-MM-DD)"
            )
    raise ValueRejectedError(f"a date written YYYY-MM-DD (or {', '.join(DATE_WORDS[:-1])} or {DATE_WORDS[-1]})")


def boolean(value: Any, field: Field) -> bool:
    if not isinstance(value, bool):
        raise ValueRejectedError("true or false")
    return value


def whole_number(low: int, high: int, unit: str) -> Callable[[Any, Field], int]:
    def check(value: Any, field: Field) -> int:
        if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
            raise ValueRejectedError(f"a whole number of {unit} from {low} to {high}")
        return value

    return check


def language(value: Any, field: Field) -> str:
    value = strict_text(value, field)
    if not LANGUAGE_TAG.match(value):
        raise ValueRejectedError(message=f"language '{value}' is not a BCP 47 tag such as en, en-GB or ar")
    return value


def languages(value: Any, field: Field) -> tuple[str, ...]:
    """BCP 47 tags, as a list or separated by commas."""
    tags = text_list(",")(value, field)
    for tag in tags:
        if not LANGUAGE_TAG.match(tag):
            raise ValueRejectedError(message=f"languages: '{tag}' is not a BCP 47 tag such as en, ar or pt-BR")
    return tags


def page_size(value: Any, field: Field) -> str:
    value = strict_text(value, field)
    size = page_size_mm(value)
    if size is None:
        raise ValueRejectedError(
            message=f"page size '{value}' is not known: use A4, A5, Letter ... or a size like '170mm 240mm'"
        )
    if not in_range(size):
        raise ValueRejectedError(
            message=f"page size '{value}' is out of range: "
            f"each side must be from {PAGE_SIDE_MM[0]} mm to {PAGE_SIDE_MM[1]} mm",
        )
    return value


def slug(value: Any, field: Field) -> str:
    value = strict_text(value, field)
    if value.startswith("/"):
        raise ValueRejectedError(
            message=f"slug '{value}' is a site's address (Docusaurus, Hugo), not a file name: the output files "
            "are named from the title (write slug: lower-case-words to name them)"
        )
    if not SLUG.fullmatch(value):
        raise ValueRejectedError(
            message=f"slug '{value}' must be lower-case letters, digits and hyphens (it names the output files)"
        )
    return value


def _relative_path(value: Any, field: Field) -> tuple[Path, str]:
    if not isinstance(value, str):
        raise ValueRejectedError("text")
    value = value.strip()
    if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", value) or value.startswith(("/", "\\")) or ".." in Path(value).parts:
        raise RefusedValueError(
            message=f"front matter '{field.spelled}' must be a path inside the manuscript's folder, not '{value}'"
        )
    return field.path.parent.resolve(), value


def image_file(value: Any, field: Field) -> Path:
    """An image inside the manuscript's folder that readers can display (see :func:`images.admit`)."""
    root, value = _relative_path(value, field)
    try:
        return images.admit(value, root, (root,))
    except UnusableImageError:
        raise  # a fault: the build goes on without the image (see :func:`metadata`)
    except ResourceError as exc:  # it leads out of the manuscript's folder
        raise RefusedValueError(message=f"front matter '{field.spelled}': {exc.message}") from None


def folder(value: Any, field: Field) -> Path:
    """An existing folder inside the manuscript's folder (a symbolic link may not lead out of it)."""
    root, value = _relative_path(value, field)
    resolved = (root / value).resolve()
    try:
        check_inside(resolved, (root,), value)
    except ResourceError as exc:
        raise RefusedValueError(message=f"front matter '{field.spelled}': {exc.message}") from None
    if not resolved.is_dir():
        raise ValueRejectedError(
            message=f"front matter '{field.spelled}': layouts folder '{value}' does not exist (looked for {resolved})"
        )
    return resolved


BASE_URL = re.compile(r"^https?://[^\s/?#]+(/[^\s?#]*)?$", re.IGNORECASE)


def base_url(value: Any, field: Field) -> str:
    """An absolute http(s) address: where the web edition will be published."""
    value = strict_text(value, field)
    if not BASE_URL.match(value):
        raise ValueRejectedError(
            message=f"base_url '{value}' must be an absolute http or https address, such as https://example.org/report/"
        )
    return value


def file_path(value: Any, field: Field) -> Path:
    """An existing file inside the manuscript's folder."""
    root, value = _relative_path(value, field)
    resolved = (root / value).resolve()
    try:
        check_inside(resolved, (root,), value)
    except ResourceError as exc:
        raise RefusedValueError(message=f"front matter '{field.spelled}': {exc.message}") from None
    if not resolved.is_file():
        raise ValueRejectedError(message=f"front matter '{field.spelled}': '{value}' not found (looked for {resolved})")
    return resolved


def file_paths(value: Any, field: Field) -> tuple[Path, ...]:
    """One file, or a list of files, each inside the manuscript's folder."""
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not all(isinstance(item, str) for item in items):
        raise ValueRejectedError("a list of file names")
    found = tuple(file_path(item, field) for item in items)
    if len(set(found)) != len(found):
        raise ValueRejectedError(message=f"front matter '{field.spelled}' names the same file twice")
    if field.path.resolve() in found:
        raise ValueRejectedError(message=f"front matter '{field.spelled}' names the manuscript itself")
    return found


def site_folder(value: Any, field: Field) -> Path:
    """The folder site-absolute paths (``/img/x.png``) are read under: inside the manuscript's folder."""
    try:
        return folder(value, field)
    except ValueRejectedError as exc:
        message = (exc.message or "").replace("layouts folder", "site root folder")
        raise type(exc)(  # refused, when it leads out of the manuscript's folder
            message=message + " (a site root outside the manuscript's folder is given with --site-root DIR)"
        ) from None


def title_of(value: Any) -> str:
    """The title a front-matter ``title`` value gives, as the reading needs it before the front
    matter is checked: "" when the check (:func:`text`) would leave it out."""
    try:
        return text(value, Field("title", Path()))
    except ValueRejectedError:
        return ""


def substitutions(value: Any, field: Field) -> tuple[tuple[str, str], ...]:
    """MyST's substitutions: names and the text each stands for."""
    found = substitutions_of(value)
    if found is None or len(found) != len(value):
        raise ValueRejectedError("a mapping of names to text")
    return tuple(sorted(found.items()))


def substitutions_of(value: Any) -> dict[str, str] | None:
    """The names of a ``substitutions`` value with a text (or number) value, as the reading
    uses them before the front matter is checked; None when it is not a mapping."""
    if not isinstance(value, dict):
        return None
    return {
        str(name): " ".join(str(text).split())
        for name, text in value.items()
        if isinstance(text, (str, int, float)) and not isinstance(text, bool)
    }


def dialect_names(value: Any, field: Field) -> tuple[str, ...]:
    """Names of the other tools whose syntax is read (see source/dialects/)."""
    from .dialects import NAMES

    items = [part.strip() for part in value.split(",") if part.strip()] if isinstance(value, str) else value
    if not isinstance(items, list) or not all(isinstance(item, str) for item in items):
        raise ValueRejectedError(f"a list of names from {', '.join(NAMES)}")
    unknown = [item for item in items if item not in NAMES]
    if unknown:
        raise ValueRejectedError(
            message=f"front matter '{field.spelled}': '{unknown[0]}' is not a dialect (choose from {', '.join(NAMES)})"
        )
    return tuple(name for name in NAMES if name in items)


PROFILE_KEYS = ("title", "subtitle", "description")


def profiles(value: Any, field: Field) -> tuple[tuple[str, str, str], ...]:
    """{profile: {key: value}}: the front matter a build profile changes, as (profile, key, value)."""
    if not isinstance(value, dict) or not all(isinstance(v, dict) for v in value.values()):
        raise ValueRejectedError(
            "a mapping of profile names to front matter, such as {brief: {subtitle: Policy brief}}"
        )
    found = []
    for name, changes in value.items():
        for spelled, inner in changes.items():
            key = KEY_OF.get(spelled)
            if key is None or key.name not in PROFILE_KEYS:
                raise ValueRejectedError(
                    message=f"front matter '{field.spelled}': profile '{name}' may change "
                    f"{', '.join(PROFILE_KEYS)}, not '{spelled}'"
                )
            found.append((str(name), key.name, key.check(inner, Field(spelled, field.path))))
    return tuple(found)


# -- the keys ----------------------------------------------------------------------------

KEYS: tuple[Key, ...] = (
    Key("title", text, "The report's title; without it, the first '#' heading (or the file name)."),
    Key("subtitle", text, "A line under the title on the cover and title page."),
    Key(
        "authors",
        names,
        "Who wrote it: one name or a list (pandoc's and Jekyll's 'author' too; entries with a 'name', as "
        "Docusaurus and Quarto write them, give their names).",
        ("author", "creator", "creators"),
    ),
    Key("publisher", strict_text, "Who publishes it: on the title page, the colophon and in the metadata."),
    Key(
        "date",
        date,
        "The publication date, used when there is no changelog: YYYY-MM-DD, or as Quarto writes it, today "
        "or now (the day of the build; SOURCE_DATE_EPOCH's day when it is set) or last-modified (the day "
        "the newest of the manuscript's source files was changed).",
    ),
    Key("language", language, "A BCP 47 tag (en, en-GB, ar): words, hyphenation and direction.", ("lang",)),
    Key(
        "languages",
        languages,
        "The report's editions: its own language and the translated ones (each from translations/<language>.po "
        "beside the manuscript), built by `make all-editions` and linked by the web edition's language switch.",
        ("editions",),
    ),
    Key("identifier", text, "A stable identifier (URN, ISBN); derived from title and authors when missing.", ("isbn",)),
    Key(
        "description",
        strict_text,
        "A paragraph about the report, for catalogues and metadata (without one, the abstract's text).",
        ("summary",),
    ),
    Key(
        "abstract",
        paragraphs,
        "A summary for readers, printed on the title page of the PDF and the ePub and shown on the web "
        "edition's first page, as pandoc and Quarto show theirs; paragraphs separated by a blank line.",
    ),
    Key("keywords", text_list(","), "Subjects, as a list or separated by commas.", ("tags", "subject", "subjects")),
    Key("rights", strict_text, "The copyright or licence statement.", ("copyright", "license", "licence")),
    Key("cover_image", image_file, "A cover picture inside the manuscript's folder.", ("cover-image", "cover")),
    Key("page_size", page_size, "A4, A5, Letter ... or a size such as '170mm 240mm'.", ("page-size", "papersize")),
    Key("layouts", folder, "A folder of layout overrides inside the manuscript's folder."),
    Key("slug", slug, "Names the output files; from the title when not given."),
    Key("embed_fonts", boolean, "Embed the fonts in the ePub too.", ("embed-fonts",)),
    Key(
        "image_max_px",
        whole_number(64, 10000, "pixels"),
        "The longest side, in pixels, of raster images in the ePub.",
        ("image-max-px",),
    ),
    Key(
        "chapters",
        file_paths,
        "Chapter files read after the main file's own body, in order (paths relative to the manuscript).",
    ),
    Key(
        "bibliography",
        file_paths,
        "The bibliography: CSL-JSON (.json), CSL-YAML (.yaml) or BibTeX (.bib); one file or a list.",
    ),
    Key("csl", file_path, "A CSL style for citations; without it, an author-date style citeproc-py ships."),
    Key("list_of_figures", boolean, "A list of figures after the contents.", ("list-of-figures", "lof")),
    Key("list_of_tables", boolean, "A list of tables after the contents.", ("list-of-tables", "lot")),
    Key(
        "page_references",
        boolean,
        "Cross-references in the PDF name the page too: 'Figure 3 (p. 14)'.",
        ("page-references",),
    ),
    Key(
        "latin_digits",
        boolean,
        "The numbers the build prints (pages, chapters, notes, lists; figure, table, section and equation "
        "numbers in captions and cross-references) in Latin digits 0-9 even in a language whose readers "
        "expect others (Persian, Bengali, Egyptian Arabic: CLDR's default digits).",
        ("latin-digits",),
    ),
    Key(
        "profiles",
        profiles,
        "What a build profile changes: {brief: {subtitle: Policy brief}} (title, subtitle, description).",
    ),
    Key(
        "base_url",
        base_url,
        "The http(s) address the web edition will be published at (https://example.org/report/): with it, "
        "every web page gets a canonical URL, Open Graph and Twitter card tags.",
        ("base-url",),
    ),
    Key(
        "site_root",
        site_folder,
        "Where site-absolute paths (/img/x.png) are read, as a site serves them: a folder inside the "
        "manuscript's folder (default: the manuscript's folder, then its static/ folder).",
        ("site-root",),
    ),
    Key(
        "dialects",
        dialect_names,
        "Which other tools' syntax is read: mkdocs, docusaurus, myst, hugo, bookdown, gitlab "
        "(default: all; [] for none).",
    ),
    Key(
        "substitutions",
        substitutions,
        "MyST's substitutions: names and their text; {{ name }} in the text (outside code) is the text.",
    ),
)
KEY_OF = {spelling: key for key in KEYS for spelling in (key.name, *key.aliases)}

SITE_KEYS: dict[str, tuple[str, ...]] = {
    "Docusaurus": (
        "id",
        "sidebar_position",
        "sidebar_label",
        "sidebar_class_name",
        "sidebar_custom_props",
        "displayed_sidebar",
        "hide_title",
        "hide_table_of_contents",
        "pagination_label",
        "pagination_next",
        "pagination_prev",
        "custom_edit_url",
        "parse_number_prefixes",
        "last_update",
    ),
    # Jekyll's `layout` is not here: one letter from `layouts`, it stays a warning that says so.
    "Jekyll": (
        "permalink",
        "nav_order",
        "parent",
        "grand_parent",
        "has_children",
        "has_toc",
        "redirect_from",
    ),
    "Hugo": ("weight", "menu", "linkTitle", "type", "url", "categories", "series", "params"),
    "Hugo or Obsidian": ("aliases",),
    "Obsidian": ("cssclasses", "cssclass", "publish"),
    "VuePress or VitePress": (
        "sidebar",
        "sidebarDepth",
        "prev",
        "next",
        "navbar",
        "pageClass",
        "editLink",
        "lastUpdated",
        "outline",
        "aside",
        "externalLinkIcon",
        "contributors",
    ),
    "HackMD": ("robots", "breaks", "GA", "disqus", "slideOptions", "opengraph"),
    "GitBook": ("coverY", "hidden"),
    "MkDocs": ("hide", "template", "status", "search", "comments"),
    "MkDocs or GitBook": ("icon",),
    "Quarto or R Markdown": ("format", "execute", "jupyter", "engine", "knitr", "editor", "editor_options", "freeze"),
    "R Markdown": ("output", "always_allow_html", "site"),
    "Jupyter Book": ("kernelspec", "jupytext", "mystnb"),
}
"""Front-matter keys that only steer another tool's site or its running of code (a sidebar's
order, a page's address, a notebook's kernel, an output format's options): a report has
nothing they could change, so the build names them once in a note, where any other key it
does not know is a warning (a typo, or a setting the report does not honour)."""
SITE_KEY_OF = {key: tool for tool, keys in SITE_KEYS.items() for key in keys}


def metadata(
    raw: dict[str, Any],
    lines: dict[str, int],
    path: Path,
    diagnostics: Diagnostics,
    fallback_title: str,
    fallback_language: str | None = None,
) -> Metadata:
    """Validate the front matter into :class:`Metadata`; keys not given take the model's
    defaults (the language: ``fallback_language`` when given, what the text's script implies)."""
    values: dict[str, Any] = {}
    sites: dict[str, list[str]] = {}
    for spelled, value in raw.items():
        key = KEY_OF.get(spelled)
        line = lines.get(spelled)
        if key is None and spelled in SITE_KEY_OF:
            sites.setdefault(SITE_KEY_OF[spelled], []).append(str(spelled))
            continue
        if key is None:
            near = difflib.get_close_matches(str(spelled), [k.name for k in KEYS], n=1, cutoff=0.8)
            hint = f" (did you mean '{near[0]}'?)" if near else ""
            diagnostics.warn(f"unknown front matter key '{spelled}' is ignored{hint}", path, line)
            continue
        if key.name in values:
            diagnostics.warn(f"'{spelled}' repeats '{key.name}' given earlier; the earlier value is kept", path, line)
            continue
        try:
            values[key.name] = key.check(value, Field(spelled, path))
        except UnusableImageError as exc:  # e.g. a cover image that is missing: the generated cover stands in
            diagnostics.warn(f"front matter '{spelled}': {exc.message}; the build goes on without it", path, line)
        except RefusedValueError as exc:
            raise ManuscriptError(exc.message or exc.expected, path, line) from None
        except ValueRejectedError as exc:  # a draft builds without the value; --strict refuses it
            shown = type(value).__name__ if not isinstance(value, (str, int)) else repr(value)
            if len(shown) > 60:
                shown = shown[:57] + "..."
            message = exc.message or f"front matter '{spelled}' must be {exc.expected}, not {shown}"
            diagnostics.warn(f"{message}; it is ignored", path, line)
    if sites:
        named = "; ".join(f"{', '.join(keys)} ({tool})" for tool, keys in sites.items())
        diagnostics.note(f"front matter keys for another tool's site are left to it: {named}")
    if "language" not in values and fallback_language:
        values["language"] = fallback_language
    values["title"] = values.get("title") or fallback_title or path.stem.replace("-", " ").replace("_", " ").title()
    if not values.get("description") and values.get("abstract"):
        values["description"] = " ".join(values["abstract"])
    if not values.get("identifier"):
        values["identifier"] = stable_identifier(values["title"], values.get("authors", ()))
    return Metadata(**values)


def stable_identifier(title: str, authors: tuple[str, ...]) -> str:
    """Without an identifier, derive one from title and authors: the same on every rebuild."""
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, 'report-build:' + title + '|' + '|'.join(authors))}"


def parse_date(value: str) -> dt.date | None:
    """ISO dates, and the spellings sites and pandoc users write ("December 29, 2022")."""
    value = " ".join(value.split())
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        pass
    moment = ISO_MOMENT.match(value)  # 2024-05-01T10:00, Jekyll's 2024-05-01 10:00:00 +0200
    if moment:
        year, month, day, hour, minute = (int(part or 0) for part in moment.groups())
        try:
            dt.time(hour, minute)
            return dt.date(year, month, day)
        except ValueError:
            return None
    for pattern in DATE_FORMATS:
        try:
            return dt.datetime.strptime(value, pattern).date()
        except ValueError:
            continue
    return None


def documented() -> list[tuple[str, tuple[str, ...], Any, str]]:
    """(name, other spellings, default, what it does) of every key, for the README and ``--help``."""
    defaults = {f.name: f.default for f in dataclasses.fields(Metadata)}
    return [(key.name, key.aliases, defaults.get(key.name), key.doc) for key in KEYS]
