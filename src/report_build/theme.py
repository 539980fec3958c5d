"""Layouts: templates, stylesheets and fonts looked up in ordered folders, overrides first."""

from __future__ import annotations

import datetime as dt
import hashlib
import traceback
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import jinja2
import yaml

from .contract import NOTE_INLINE
from .errors import TemplateError

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
    """Compiled templates shared by every :class:`Theme` of the process, in memory only: a build
    compiles each template once, however many Themes it makes, and ``watch`` compiles only what
    changed. Jinja checks each entry against its template's source and recompiles when they
    differ. (Not on disk: a compiled template found in a folder would run as it is.)"""

    def __init__(self) -> None:
        self.memory: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        data = self.memory.get(bucket.key)
        if data is not None:
            bucket.bytecode_from_string(data)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self.memory[bucket.key] = bucket.bytecode_to_string()


COMPILED = CompiledTemplates()


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
        self.strings = self._strings(language, diagnostics)
        self.env.globals["strings"] = self.strings
        self.env.filters["longdate"] = self.longdate
        self.env.filters["isodate_long"] = lambda text: self.longdate(dt.date.fromisoformat(text))
        self.env.filters["filesize"] = filesize
        self.language = language
        self.env.filters["language_name"] = self.language_name
        self.env.filters["edition_status"] = self.edition_status

    def _strings(self, language: str, diagnostics: Any) -> dict[str, Any]:
        """Words the templates add, for the manuscript's language; English when there is no file."""
        english = self._read_strings("en") or {}
        primary = language.split("-")[0].lower()
        if primary == "en":
            return english
        own = self._read_strings(primary)
        if own is None:
            if diagnostics is not None:
                diagnostics.warn(
                    f"no strings file for language '{language}' (layouts/strings/{primary}.yaml); using English"
                )
            return english
        return {**english, **own}

    def _read_strings(self, primary: str) -> dict[str, Any] | None:
        path = self.find(f"strings/{primary}.yaml")
        if path is None:
            return None
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (yaml.YAMLError, UnicodeDecodeError) as exc:
            mark = getattr(exc, "problem_mark", None)
            raise TemplateError(
                f"strings file is not valid YAML: {exc}", path, mark.line + 1 if mark else None
            ) from None
        if not isinstance(data, dict):
            raise TemplateError("strings file must be a mapping of names to words", path, 1)
        return data

    def longdate(self, value: dt.date) -> str:
        months = self.strings.get("months") or []
        month = months[value.month - 1] if len(months) == 12 else f"{value.month:02d}"
        return str(self.strings.get("date_format", "{day} {month} {year}")).format(
            day=value.day, month=month, year=value.year
        )

    def language_name(self, tag: str) -> str:
        """A language's name in the edition's language ("Arabic", "العربية", "anglais")."""
        from .source.passes.translate import language_name

        return language_name(tag, self.language)

    def edition_status(self, translation: Any) -> str:
        """A translated edition's completeness in words: "Arabic: complete", "Arabic: 12 passages
        from 1.1 not yet updated" (a :class:`~report_build.model.Translation`, or a release
        manifest's record of one)."""
        from .model import Translation
        from .translate.status import phrase

        if isinstance(translation, dict):
            fields = ("language", "source_language", "passages", "fuzzy", "untranslated", "since")
            translation = Translation(
                **{key: translation.get(key) or ("" if key in ("since",) else 0) for key in fields}
            )
        return phrase(translation, self.strings, self.language)

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
    from . import __version__

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
