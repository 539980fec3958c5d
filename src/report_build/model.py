"""The document model: parsed once, consumed by every writer.

Everything here is a frozen dataclass. Bodies are XHTML fragments that are also
valid HTML (non-void elements are always closed), so the PDF and the ePub
writers can use the same markup.

Cross-references and citations are already written out in the bodies (``a.xref``,
``a.citation``, a References chapter at the end). Each writer is given
``document.for_output(format, edition)`` (build.render_formats does this; a new writer must
too), so that passages meant for another format or edition are left out.

This module is the contract between the stages: it imports nothing from the stages above it
(``source/``, ``writers/``, ``publish/`` ...); ``tests/test_imports.py`` keeps it so.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field, replace
from pathlib import Path

from .errors import RenderError

EDITIONS = ("screen", "print")
"""The PDF editions: ``screen`` (tagged PDF/UA-1) and ``print`` (PDF/X-4 with bleed and crop
marks). Both share one pagination; the ePub and the web edition are the same for either."""


def check_edition(edition: str) -> None:
    """Refuse an edition that is not one of :data:`EDITIONS`."""
    if edition not in EDITIONS:
        raise RenderError(f"unknown edition '{edition}' (choose from {', '.join(EDITIONS)})")


@dataclass(frozen=True)
class Metadata:
    title: str
    subtitle: str = ""
    authors: tuple[str, ...] = ()
    publisher: str = ""
    date: dt.date | None = None
    language: str = "en"
    identifier: str = ""
    description: str = ""
    abstract: tuple[str, ...] = ()  # paragraphs shown to readers on the title page
    keywords: tuple[str, ...] = ()
    rights: str = ""
    cover_image: Path | None = None
    page_size: str = "A4"
    layouts: Path | None = None
    embed_fonts: bool = False
    image_max_px: int = 1600
    slug: str = ""  # names the output files; from the title when not given
    base_url: str = ""  # where the web edition is published (https://...); "" when unknown
    list_of_figures: bool = False  # a list of figures after the contents
    list_of_tables: bool = False  # a list of tables after the contents
    page_references: bool = False  # "Figure 3 (p. 14)" in the PDF
    latin_digits: bool = False  # the build's numbers in 0-9 whatever the language's digits (numerals.py)
    chapters: tuple[Path, ...] = ()  # chapter files after the main body, in order
    bibliography: tuple[Path, ...] = ()  # one file or several (bookdown lists several .bib files)
    csl: Path | None = None
    profiles: tuple[tuple[str, str, str], ...] = ()  # (profile, key, value): what a profile changes
    site_root: Path | None = None  # where site-absolute paths (/img/x.png) are read: see source/site_paths.py
    dialects: tuple[str, ...] | None = None  # the other tools' syntax read (source/dialects/); None: all
    substitutions: tuple[tuple[str, str], ...] = ()  # MyST's: {{ name }} in the text is the value
    languages: tuple[str, ...] = ()  # the editions: the source's language, then translations/<language>.po

    @property
    def direction(self) -> str:
        return direction_of(self.language)


RTL_LANGUAGES = frozenset(
    {"ar", "arc", "ckb", "dv", "fa", "he", "khw", "ks", "mzn", "nqo", "ps", "sd", "syr", "ug", "ur", "yi"}
)
RTL_SCRIPTS = frozenset({"adlm", "arab", "hebr", "mand", "nkoo", "rohg", "samr", "syrc", "thaa"})


def language_subtags(language: str | None) -> list[str]:
    """A BCP 47 language tag's subtags in lower case, ``_`` read as ``-``: ``zh_Hant_TW`` gives
    ``["zh", "hant", "tw"]``, no tag ``[""]``."""
    return (language or "").lower().replace("_", "-").split("-")


def direction_of(language: str) -> str:
    """``rtl`` or ``ltr`` for a BCP 47 tag: from its script subtag when it has one (``ku-Arab``,
    ``az-Arab``, ``ha-Latn``), else from the language (Hebrew, Persian, Urdu, Pashto, Yiddish,
    Syriac, Dhivehi, Arabic ...)."""
    subtags = language_subtags(language)
    script = next((tag for tag in subtags[1:] if len(tag) == 4 and tag.isalpha()), None)
    if script is not None:
        return "rtl" if script in RTL_SCRIPTS else "ltr"
    return "rtl" if subtags[0] in RTL_LANGUAGES else "ltr"


def source_date_epoch() -> dt.datetime | None:
    """``SOURCE_DATE_EPOCH`` (reproducible-builds.org), when set to a whole number of seconds:
    the time a build stamps into its outputs, and the day a front matter's ``date: today``
    names, so that the same sources built again give the same bytes."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    return dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC) if epoch.isdigit() else None


@dataclass(frozen=True)
class Heading:
    level: int  # 1 = chapter, 2 = section, 3 = subsection ...
    id: str
    text: str
    line: int | None = None
    listed: bool = True  # False: marked .unlisted, left out of every contents (navigation.py)


@dataclass(frozen=True)
class Footnote:
    number: int
    id: str  # "fn-3"
    ref_id: str  # "fnref-3"
    html: str  # block content (paragraphs)
    inline_html: str  # the same content with paragraph wrappers flattened
    call_html: str  # the exact markup of the call in the chapter body
    line: int | None = None


@dataclass(frozen=True)
class Image:
    """A raster or SVG image the manuscript uses, inside the manuscript folder."""

    src: str  # as written in the chapter body (relative, POSIX)
    path: Path  # resolved file; for a data: image, a name beside the manuscript that no file has
    line: int | None = None
    data: bytes | None = None  # a data: image's decoded bytes (checked); None for a file


@dataclass(frozen=True)
class DataTable:
    """The numbers behind a figure drawn from data (a chart): shown as a table after it in the
    ePub and on the site, and compared point by point by ``diff``. Cells are text as the reader
    sees them (numbers and dates formatted for the document's language)."""

    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    numeric: tuple[bool, ...] = ()  # per column: numbers, aligned right
    download: str = ""  # the data file the site offers (an Attachment's src), "" for none


@dataclass(frozen=True)
class Attachment:
    """A file the text links to for download (a chart's data): the web edition copies it into
    the site; the other editions do not carry it."""

    src: str  # as the chapter body links it, relative to the manuscript (POSIX)
    path: Path  # the file; for generated data, a name beside the manuscript that no file has
    data: bytes | None = None  # the bytes: the data file as the build read it, or generated (inline values as CSV)


@dataclass(frozen=True)
class Figure:
    number: int
    id: str
    src: str
    alt: str
    caption: str  # HTML
    decorative: bool = False
    data: DataTable | None = None  # a chart's data


@dataclass(frozen=True)
class Table:
    number: int
    id: str  # "" when the table has no id
    caption: str  # HTML, without the "Table N" label


@dataclass(frozen=True)
class Chapter:
    index: int  # position in reading order, from 0
    id: str
    title: str  # plain text; "" for an untitled preface
    number: int | None  # None for untitled front material
    body: str  # XHTML fragment, heading included
    sections: tuple[Heading, ...] = ()
    footnotes: tuple[Footnote, ...] = ()
    line: int | None = None
    ids: frozenset[str] = field(default_factory=frozenset)
    source: Path | None = None  # the file the chapter was written in (chapter files); its line is in that file
    listed: bool = True  # False: its heading is marked .unlisted; it and its sections are in no contents

    @property
    def slug(self) -> str:
        return f"chapter-{self.index + 1:02d}"


@dataclass(frozen=True)
class Release:
    version: str
    date: dt.date
    summary: str
    changes: tuple[str, ...] = ()
    notice: str = ""
    line: int | None = None


@dataclass(frozen=True)
class Translation:
    """A translated edition and how complete it is: its passages (the catalog's units), how many
    are shown in the source language because their translation is fuzzy (the source changed
    since) or missing, and the version the fuzzy ones were translated for."""

    language: str  # the edition's (BCP 47)
    source_language: str  # the manuscript's own
    passages: int
    fuzzy: int = 0
    untranslated: int = 0
    since: str = ""  # the source version the fuzzy translations were made for ("" when unknown)
    flagged: bool = True  # passages in the source language are visibly flagged (every build but a release)
    source_slug: str = ""  # the source edition's file stem, which the edition's names start with

    @property
    def in_source(self) -> int:
        """Passages shown in the source language."""
        return self.fuzzy + self.untranslated

    @property
    def complete(self) -> bool:
        return self.in_source == 0

    @property
    def percent(self) -> int:
        """Translated share, rounded down (99 % until the last passage is done)."""
        if not self.passages:
            return 100
        return (self.passages - self.in_source) * 100 // self.passages


@dataclass(frozen=True)
class Passages:
    """The document's text as some outputs show it, parsed when the manuscript was read: the
    passages whose ``when-format``/``when-edition`` conditions keep them for these outputs,
    numbered as those outputs number them. Profile conditions are decided when reading (a build
    has one profile), so every alternative belongs to the document's profile."""

    outputs: tuple[tuple[str, str], ...]  # the (format, edition) pairs that show this text
    metadata: Metadata
    chapters: tuple[Chapter, ...]
    figures: tuple[Figure, ...] = ()
    images: tuple[Image, ...] = ()
    tables: tuple[Table, ...] = ()
    attachments: tuple[Attachment, ...] = ()

    def shows(self, output: str, edition: str) -> bool:
        return (output, edition) in self.outputs


@dataclass(frozen=True)
class Document:
    source: Path
    metadata: Metadata
    chapters: tuple[Chapter, ...]
    figures: tuple[Figure, ...] = ()
    images: tuple[Image, ...] = ()
    releases: tuple[Release, ...] = ()  # newest first
    draft: bool = False
    tables: tuple[Table, ...] = ()  # captioned tables, numbered
    profile: str = ""  # the build profile ("brief"), "" for the full report
    inputs: tuple[Path, ...] = ()  # files besides the manuscript: chapters, includes, variables, bibliography, style
    conditional: bool = False  # some passages depend on the output format or edition: see for_output
    variants: tuple[Passages, ...] = ()  # when conditional: the parsed text of every output, see for_output
    attachments: tuple[Attachment, ...] = ()  # files offered for download (charts' data)
    site_root: Path | None = None  # --site-root: where site-absolute paths (/img/x.png) were read
    translation: Translation | None = None  # a translated edition (--language): its language and completeness
    editions: tuple[Translation, ...] = ()  # every translated edition's completeness (translations/*.po)

    @property
    def root(self) -> Path:
        return self.source.parent

    @property
    def release(self) -> Release | None:
        return self.releases[0] if self.releases else None

    @property
    def version(self) -> str:
        return self.releases[0].version if self.releases else ""

    @property
    def date(self) -> dt.date | None:
        if self.releases:
            return self.releases[0].date
        return self.metadata.date

    @property
    def modified(self) -> dt.datetime | None:
        """The time stamped into outputs: SOURCE_DATE_EPOCH when set, else the release date, in UTC."""
        epoch = source_date_epoch()
        if epoch is not None:
            return epoch
        if self.date is None:
            return None
        return dt.datetime(self.date.year, self.date.month, self.date.day, tzinfo=dt.UTC)

    @property
    def footnotes(self) -> tuple[Footnote, ...]:
        return tuple(note for chapter in self.chapters for note in chapter.footnotes)

    def for_output(self, output: str, edition: str = "screen") -> Document:
        """The document as one writer (``pdf``, ``epub``, ``web``, ``docx``) shows it: the passages
        marked ``when-format``/``when-edition`` for another output are left out. Every writer
        calls this; a document without such passages is returned as it is. The text is chosen
        among the :attr:`variants` parsed when the manuscript was read, so everything else the
        build decided (releases, draft, translation, remote images, site root) stays."""
        if not self.conditional:
            return self
        check_edition(edition)
        chosen = next((passages for passages in self.variants if passages.shows(output, edition)), None)
        if chosen is None:
            raise RenderError(f"no text was read for the {output} output ({edition} edition)", self.source)
        return replace(
            self,
            metadata=chosen.metadata,
            chapters=chosen.chapters,
            figures=chosen.figures,
            images=chosen.images,
            tables=chosen.tables,
            attachments=chosen.attachments,
        )

    def chapter_of(self, anchor: str) -> Chapter | None:
        for chapter in self.chapters:
            if anchor in chapter.ids:
                return chapter
        return None
