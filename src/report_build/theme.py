"""Layouts: templates, stylesheets and fonts looked up in ordered folders, overrides first."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import shutil
import traceback
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import jinja2
import yaml

from . import phrases
from .contract import NOTE_INLINE, without_spoken_notes
from .errors import TemplateError
from .model import language_subtags

# Installed from a wheel, layouts/ is inside the package (setup.py maps it there); in a clone or
# an editable install it is the repository's own folder beside src/, the one copy in git.
PACKAGED_LAYOUTS = Path(__file__).resolve().parent / "layouts"
SOURCE_LAYOUTS = Path(__file__).resolve().parent.parent.parent / "layouts"


def default_layouts() -> Path:
    """The default layouts: the copy installed with the package, else the clone's ``layouts/``."""
    for folder in (PACKAGED_LAYOUTS, SOURCE_LAYOUTS):
        if (folder / "strings" / "en.yaml").is_file():
            return folder
    raise TemplateError(
        f"the default layouts are missing (looked in {PACKAGED_LAYOUTS} and {SOURCE_LAYOUTS}): reinstall report-build"
    )


_FILE_DIGESTS: dict[tuple[str, int, int], str] = {}


def folders_digest(folders: Iterable[Path]) -> str:
    """A digest of every file in the layout folders (names and bytes): what a cache entry made
    from the layouts is named by. Each file is read again only when its size or time changed
    (a watch's rebuilds; the fonts are most of the bytes)."""
    digest = hashlib.sha256()
    for folder in folders:
        for path in sorted(p for p in Path(folder).rglob("*") if p.is_file()):
            digest.update(f"{path.relative_to(folder)}\0{file_digest(path)}\n".encode())
    return digest.hexdigest()


def file_digest(path: Path) -> str:
    """A digest of a file's bytes, read again only when its size or time changed."""
    status = path.stat()
    stamp = (str(path), status.st_size, status.st_mtime_ns)
    if stamp not in _FILE_DIGESTS:
        _FILE_DIGESTS[stamp] = hashlib.sha256(path.read_bytes()).hexdigest()
    return _FILE_DIGESTS[stamp]


class CompiledTemplates(jinja2.BytecodeCache):
    """Compiled templates shared by every :class:`Theme` of the process: a build compiles each
    template once, however many Themes it makes, and ``watch`` compiles only what changed. Jinja
    checks each entry against its template's source and recompiles when they differ.

    Kept in memory, and for the default layouts also read from :data:`INSTALLED_TEMPLATES`, which
    is written with the package's own bytecode when it is installed (:func:`keep_installed`, from
    the Makefile's bytecode step): compiling the default layouts' templates took every command a
    tenth of a second. Never from a folder a build writes to (``output/``): a compiled template
    found there would run as it is, where the package's folder is trusted as its ``.pyc`` files
    are. An entry is named by a template's name and file (Jinja's key): a template of another
    layouts folder, or a clone moved elsewhere, finds none there."""

    def __init__(self, installed: Path | None = None) -> None:
        self.memory: dict[str, bytes] = {}
        self.installed = installed

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        data = self.memory.get(bucket.key)
        if data is None and self.installed is not None:
            try:
                data = self.memory[bucket.key] = (self.installed / f"{bucket.key}.jinja").read_bytes()
            except OSError:
                return
        if data is not None:
            bucket.bytecode_from_string(data)  # (Jinja's checks: its version, Python's, the source)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self.memory[bucket.key] = bucket.bytecode_to_string()


INSTALLED_TEMPLATES = Path(__file__).resolve().parent / "__pycache__" / "templates"
"""Where the default layouts' templates are kept compiled (see :class:`CompiledTemplates`)."""


def keep_installed(folder: Path = INSTALLED_TEMPLATES) -> int:
    """Compile the default layouts' templates into ``folder``, replacing what it held; how many.
    Run where the package's bytecode is compiled (the Makefile's bytecode step)."""
    kept = CompiledTemplates()
    theme = Theme()
    theme.env.bytecode_cache = kept
    theme.load_all()
    fresh = folder.with_name(folder.name + ".new")
    shutil.rmtree(fresh, ignore_errors=True)
    fresh.mkdir(parents=True)
    for key, data in kept.memory.items():
        (fresh / f"{key}.jinja").write_bytes(data)
    shutil.rmtree(folder, ignore_errors=True)
    fresh.rename(folder)
    return len(kept.memory)


COMPILED = CompiledTemplates(INSTALLED_TEMPLATES)


class Theme:
    """An ordered list of layout folders; the first that has a file wins."""

    def __init__(self, overrides: Path | None = None, language: str = "en", diagnostics: Any = None):
        dirs = [default_layouts()]
        if overrides is not None:
            if not overrides.is_dir():
                raise TemplateError("layouts folder named in the front matter does not exist", overrides)
            dirs.insert(0, overrides.resolve())
        self.dirs: tuple[Path, ...] = tuple(dirs)
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader([str(d) for d in self.dirs]),
            undefined=jinja2.StrictUndefined,
            autoescape=jinja2.select_autoescape(["html", "xhtml", "xml"]),
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
            bytecode_cache=COMPILED,
        )
        self.env.filters["inline_notes"] = inline_notes
        self.env.filters["without_spoken_notes"] = without_spoken_notes
        self.language = language
        self.cldr: Any = None  # Babel's locale, when the dates come from CLDR
        self.strings = self._strings(language, diagnostics)
        self.env.globals["strings"] = self.strings
        self.env.filters["longdate"] = self.longdate
        self.env.filters["isodate_long"] = lambda text: self.longdate(dt.date.fromisoformat(text))
        self.env.filters["filesize"] = self.filesize
        self.env.filters["language_name"] = self.language_name
        self.env.filters["edition_status"] = self.edition_status
        self.env.filters["phrases"] = lambda text: phrases.markup(text, self.language)
        self.env.filters["heading_phrases"] = lambda body: phrases.in_headings(body, self.language)
        self.env.filters["digits"] = own_digits

    def _strings(self, language: str, diagnostics: Any) -> dict[str, Any]:
        """Words the templates add, for the manuscript's language: its strings file
        (``strings/<tag>.yaml``, else ``strings/<primary tag>.yaml``), then what CLDR knows of the
        language (month names and dates, through Babel), then English, which the build names once."""
        english = self._read_strings("en") or {}
        tag = language.lower().replace("_", "-")
        primary = tag.split("-")[0]
        if primary == "en":
            return english
        own = next((found for name in strings_files(tag) if (found := self._read_strings(name))), None) or {}
        self.cldr = phrases.cldr_locale(language) if not {"months", "date_format"} <= own.keys() else None
        english_words = [key for key in english if key not in own and key not in DATES]
        for group in NESTED:
            english_words += [f"{group}.{k}" for k in english.get(group, {}) if k not in (own.get(group) or {})]
        if english_words and diagnostics is not None:
            where = (
                f"layouts/strings/{primary}.yaml lacks some words for language '{language}'"
                if own
                else f"no strings file for language '{language}' (layouts/strings/{primary}.yaml)"
            )
            dates = "dates come from CLDR; " if self.cldr is not None else ""
            shown = ", ".join(english_words[:12]) + (
                f" and {len(english_words) - 12} more" if len(english_words) > 12 else ""
            )
            diagnostics.warn(f"{where}: {dates}these words are in English: {shown}")
        merged = {**english, **own}
        for group in NESTED:
            merged[group] = {**english.get(group, {}), **(own.get(group) or {})}
        return merged

    def _read_strings(self, primary: str) -> dict[str, Any] | None:
        path = self.find(f"strings/{primary}.yaml")
        if path is None:
            return None
        from .source import yamltext

        try:
            text = path.read_text(encoding="utf-8")
            data = yamltext.safe_load(text)
        except UnicodeDecodeError as exc:
            raise TemplateError(f"strings file is not UTF-8 text: {exc}", path) from None
        except yaml.YAMLError as exc:
            raise yamltext.error(exc, text, path, "strings file", kind=TemplateError) from None
        if not isinstance(data, dict):
            raise TemplateError("strings file must be a mapping of names to words", path, 1)
        return data

    @cached_property
    def fallback(self) -> FallbackChain:
        """The fonts that draw what the layouts' own faces cannot (``fonts/fallback.yaml``)."""
        path = self.find("fonts/fallback.yaml")
        return FallbackChain() if path is None else read_fallback(path, self.find)

    def longdate(self, value: dt.date) -> str:
        if self.cldr is not None:
            from babel.dates import format_date

            return format_date(value, "long", locale=self.cldr)
        months = self.strings.get("months") or []
        month = months[value.month - 1] if len(months) == 12 else f"{value.month:02d}"
        return str(self.strings.get("date_format", "{day} {month} {year}")).format(
            day=value.day, month=month, year=value.year
        )

    def filesize(self, size: int) -> str:
        """A file's size in the document's language (its decimal sign through CLDR)."""
        text = filesize(size)
        locale = phrases.cldr_locale(self.language)
        if locale is not None and "." in text:
            from babel.numbers import format_decimal

            number, unit = text.split(" ")
            text = f"{format_decimal(float(number), locale=locale)} {unit}"
        return text

    def language_name(self, tag: str) -> str:
        """A language's name in the edition's language ("Arabic", "العربية", "anglais")."""
        return language_name(tag, self.language)

    def edition_status(self, translation: Any) -> str:
        """A translated edition's completeness in words: "Arabic: complete", "Arabic: 12 passages
        from 1.1 not yet updated" (a :class:`~report_build.model.Translation`, or a release
        manifest's record of one)."""
        from .model import Translation

        if isinstance(translation, dict):
            fields = ("language", "source_language", "passages", "fuzzy", "untranslated", "since")
            translation = Translation(
                **{key: translation.get(key) or ("" if key in ("since",) else 0) for key in fields}
            )
        return edition_phrase(translation, self.strings, self.language)

    def find(self, name: str) -> Path | None:
        for folder in self.dirs:
            candidate = folder / name
            if candidate.is_file():
                return candidate
        return None

    def load_all(self) -> None:
        """Parse every template now, so that a syntax error stops the build before any output."""
        for name in self.env.list_templates(extensions=["html", "xhtml", "xml", "jinja"]):
            self.template(name)

    def template(self, name: str) -> jinja2.Template:
        try:
            return self.env.get_template(name)
        except jinja2.TemplateSyntaxError as exc:
            raise TemplateError(f"template syntax error: {exc.message}", exc.filename, exc.lineno) from None
        except jinja2.TemplateNotFound as exc:
            raise TemplateError(f"template '{exc.name}' not found in {', '.join(map(str, self.dirs))}") from None

    def render(self, name: str, **context: Any) -> str:
        template = self.template(name)
        try:
            return template.render(**context)
        except jinja2.TemplateError as exc:
            path, line = self._template_frame(exc)
            raise TemplateError(f"template error: {exc}", path or name, line) from None
        except (ArithmeticError, LookupError, TypeError, ValueError, AttributeError) as exc:
            path, line = self._template_frame(exc)
            raise TemplateError(f"template error: {type(exc).__name__}: {exc}", path or name, line) from None

    def _template_frame(self, exc: BaseException) -> tuple[str | None, int | None]:
        for frame in reversed(traceback.extract_tb(exc.__traceback__)):
            if any(frame.filename.startswith(str(d)) for d in self.dirs):
                return frame.filename, frame.lineno
        return None, None


DATES = ("months", "date_format")  # what CLDR fills for a language without them
TRADITIONAL_CHINESE = frozenset({"tw", "hk", "mo", "hant"})


NESTED = ("callouts", "theorems")
"""Groups of words in a strings file (a mapping of their own), merged word by word with English's."""


def strings_files(tag: str) -> tuple[str, ...]:
    """The strings files a language tag looks for, most specific first: ``zh-hant-tw``,
    ``zh-hant`` (also for ``zh-TW``, ``zh-HK``), ``zh``."""
    subtags = tag.split("-")
    names = [tag]
    if len(subtags) > 1 and len(subtags[1]) == 4:
        names.append(f"{subtags[0]}-{subtags[1]}")
    if subtags[0] == "zh" and TRADITIONAL_CHINESE & set(subtags[1:]):
        names.append("zh-hant")
    names.append(subtags[0])
    return tuple(dict.fromkeys(names))


@functools.cache
def language_name(tag: str, in_language: str) -> str:
    """A language's name in another language (Babel's CLDR data): "Arabic", "العربية", "anglais";
    in that language's own script and region where CLDR has them ("英文" in zh-Hant, "英语" in zh)."""
    from babel import Locale, UnknownLocaleError

    try:
        named = Locale.parse(tag.split("-")[0])
    except (UnknownLocaleError, ValueError):
        return tag
    for reader in (in_language, in_language.split("-")[0]):  # zh-Hant, else zh
        try:
            return named.get_display_name(Locale.parse(reader.replace("-", "_"))) or tag
        except (UnknownLocaleError, ValueError):
            continue
    return tag


EDITION_WORDS = {  # English, when a layout's strings file has no such words
    "edition_stale": "{count} passages not yet updated",
    "edition_stale_one": "1 passage not yet updated",
    "edition_stale_since": "{count} passages from {version} not yet updated",
    "edition_stale_since_one": "1 passage from {version} not yet updated",
    "edition_untranslated": "{count} passages not yet translated",
    "edition_untranslated_one": "1 passage not yet translated",
}


def edition_phrase(translation: Any, strings: dict[str, Any], in_language: str) -> str:
    """ "Arabic: complete" / "Arabic: 12 passages from 1.1 not yet updated, 3 not yet translated",
    in the words of ``strings`` (a layout's strings file)."""
    name = language_name(translation.language, in_language)
    if translation.complete:
        return str(strings.get("edition_complete", "{language}: complete")).format(language=name)
    parts = []
    if translation.fuzzy:
        key = ("edition_stale_since" if translation.since else "edition_stale") + (
            "_one" if translation.fuzzy == 1 else ""
        )
        parts.append(
            str(strings.get(key, EDITION_WORDS[key])).format(count=translation.fuzzy, version=translation.since)
        )
    if translation.untranslated:
        key = "edition_untranslated" + ("_one" if translation.untranslated == 1 else "")
        parts.append(str(strings.get(key, EDITION_WORDS[key])).format(count=translation.untranslated))
    joined = str(strings.get("comma", ", ")).join(parts)
    return str(strings.get("edition_partial", "{language}: {status}")).format(language=name, status=joined)


STYLES = ("serif", "sans", "mono")


@dataclass(frozen=True)
class FallbackFont:
    """One entry of ``fonts/fallback.yaml``: the families that draw one writing system."""

    scripts: tuple[str, ...]  # ISO 15924 codes
    serif: str
    sans: str
    mono: str  # "" when the sans family draws code too
    package: str  # the Debian package that installs the families

    def family(self, style: str, region: str) -> str:
        """The family for a style (``serif``, ``sans``, ``mono``), ``{cjk}`` filled with the region."""
        name = {"serif": self.serif, "sans": self.sans, "mono": self.mono or self.sans}[style]
        return name.replace("{cjk}", region)


@dataclass(frozen=True)
class FallbackChain:
    """The fallback fonts the layouts declare, in the order they are tried, character by
    character, after the layouts' own faces. The stylesheets name them through the custom
    properties ``--fallback-serif``, ``--fallback-sans`` and ``--fallback-mono``
    (:meth:`css`); the ePub and the web edition embed subsets of those a text uses."""

    fonts: tuple[FallbackFont, ...] = ()
    regions: tuple[tuple[str, str], ...] = ()  # (language tag in lower case, CJK region)
    default_region: str = "SC"
    emoji: str = ""  # the colour emoji family (not in the stylesheets' lists)
    emoji_package: str = ""
    licence: Path | None = None  # the licence text packaged with embedded subsets

    def region(self, language: str) -> str:
        """The CJK region a language tag selects: ``ja`` JP, ``ko`` KR, ``zh-Hant`` and
        ``zh-TW`` TC, ``zh-HK`` HK, other Chinese SC; any other language the default."""
        subtags = language_subtags(language)
        script = next((t for t in subtags[1:] if len(t) == 4), "")
        area = next((t for t in subtags[1:] if len(t) == 2 or (len(t) == 3 and t.isdigit())), "")
        known = dict(self.regions)
        for key in ("-".join(subtags), f"{subtags[0]}-{area}", f"{subtags[0]}-{script}", subtags[0]):
            if key in known:
                return known[key]
        return self.default_region

    def families(self, style: str, language: str) -> tuple[str, ...]:
        """The fallback families for a style, in order, for a document in ``language``: the
        entries for the language's own script first, then the others in the file's order, so
        that a character several scripts share is drawn in the document's script (the danda,
        U+0964, in a Bengali report by the Bengali face, not by the Devanagari one listed before it)."""
        region = self.region(language)
        own = set(scripts_of(language))
        ordered = sorted(self.fonts, key=lambda font: not own.intersection(font.scripts))  # stable
        return tuple(dict.fromkeys(font.family(style, region) for font in ordered))

    def css(self, language: str) -> str:
        """The custom properties that put the chain into the stylesheets' font lists."""
        declarations = "".join(
            f" --fallback-{style}: {', '.join(_css_string(f) for f in self.families(style, language)) or 'serif'};"
            for style in STYLES
        )
        return f":root {{{declarations} }}\n"

    def packages(self, script: str) -> tuple[str, ...]:
        """The packages of the entries for an ISO 15924 script (emoji: ``Zsye``)."""
        if script == "Zsye":
            return (self.emoji_package,) if self.emoji_package else ()
        return tuple(dict.fromkeys(f.package for f in self.fonts if script in f.scripts and f.package))


COMPOSITE_SCRIPTS = {"Jpan": ("Hani", "Hira", "Kana"), "Kore": ("Hang", "Hani"), "Hans": ("Hani",), "Hant": ("Hani",)}
"""ISO 15924 codes that stand for several scripts written together, as the fallback file lists them."""


def scripts_of(language: str) -> tuple[str, ...]:
    """The scripts (ISO 15924) a language tag is written in: its script subtag (``sr-Latn``),
    else the one CLDR's likely subtags give its language (``bn``: Bengali; ``ja``: Han and kana)."""
    from babel.core import get_global

    subtags = language.replace("_", "-").split("-")
    script = next((tag.title() for tag in subtags[1:] if len(tag) == 4 and tag.isalpha()), "")
    if not script:
        likely = str(get_global("likely_subtags").get(subtags[0].lower(), "")).split("_")
        script = next((tag for tag in likely[1:] if len(tag) == 4), "")
    return COMPOSITE_SCRIPTS.get(script, (script,) if script else ())


def _css_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def read_fallback(path: Path, find: Any) -> FallbackChain:
    """``fonts/fallback.yaml`` as a :class:`FallbackChain`; a wrong entry is an error naming the file."""
    from .source import yamltext

    try:
        data = yamltext.safe_load(path.read_text(encoding="utf-8")) or {}
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else None
        raise TemplateError(f"font fallback file is not valid YAML: {exc}", path, line) from None

    def words(value: Any, what: str) -> str:
        if value is None:
            return ""
        if not isinstance(value, str):
            raise TemplateError(f"font fallback file: {what} must be text, not {type(value).__name__}", path)
        return value.strip()

    if not isinstance(data, dict) or not isinstance(data.get("fonts", []), list):
        raise TemplateError("font fallback file must be a mapping with a list of 'fonts'", path, 1)
    fonts = []
    for number, entry in enumerate(data.get("fonts") or [], 1):
        if not isinstance(entry, dict) or not entry.get("serif"):
            raise TemplateError(f"font fallback file: entry {number} needs at least a 'serif' family", path)
        scripts = entry.get("scripts") or []
        if not isinstance(scripts, list) or not all(isinstance(s, str) for s in scripts):
            raise TemplateError(f"font fallback file: entry {number}: 'scripts' must list ISO 15924 codes", path)
        serif = words(entry.get("serif"), "serif")
        fonts.append(
            FallbackFont(
                tuple(scripts),
                serif,
                words(entry.get("sans"), "sans") or serif,
                words(entry.get("mono"), "mono"),
                words(entry.get("package"), "package"),
            )
        )
    cjk = data.get("cjk") or {}
    regions = cjk.get("regions") or {} if isinstance(cjk, dict) else {}
    emoji = data.get("emoji") or {}
    licence = words(data.get("licence"), "licence")
    return FallbackChain(
        fonts=tuple(fonts),
        regions=tuple((str(k).lower(), str(v)) for k, v in regions.items()),
        default_region=str(cjk.get("default", "SC")) if isinstance(cjk, dict) else "SC",
        emoji=words(emoji.get("family"), "emoji family") if isinstance(emoji, dict) else "",
        emoji_package=words(emoji.get("package"), "emoji package") if isinstance(emoji, dict) else "",
        licence=find(licence) if licence else None,
    )


@jinja2.pass_context
def own_digits(context: Any, number: Any) -> str:
    """A number the layouts print (a chapter's, a note's) in the digits of the document's
    language, unless its front matter keeps Latin ones (:mod:`.numerals`)."""
    from .numerals import report_digits

    meta = context.get("meta")
    if meta is None:
        return str(number)
    return report_digits(number, meta)


def inline_notes(body: str, chapter: Any) -> str:
    """Replace each footnote call by the note itself, for CSS ``float: footnote`` in print."""
    for note in chapter.footnotes:
        body = body.replace(
            note.call_html,
            f'<span class="{NOTE_INLINE}" id="{note.id}">{note.inline_html}</span>',
            1,
        )
    return body


def document_context(doc: Any, output: str, edition: str, link: Any) -> dict[str, Any]:
    """What every template sees: the document, its metadata and release, and how to link."""
    from .version import __version__

    return {
        "doc": doc,
        "meta": doc.metadata,
        "release": doc.release,
        "releases": doc.releases,
        "version": doc.version,
        "date": doc.date,
        "draft": doc.draft,
        "output": output,
        "edition": edition,
        "link": link,
        "generator_version": __version__,
    }


def filesize(size: int) -> str:
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size / 1024 / 1024:.1f} MB"
