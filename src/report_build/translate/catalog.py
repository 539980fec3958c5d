"""Catalog units and the PO file that holds their translations.

A :class:`Unit` is one piece of text a translator translates whole: a heading, a paragraph, a
list item, a table cell, a caption, a footnote's paragraph, an image's alt text, a callout's
title; a front-matter value; a changelog note; a text value of ``variables.yaml``; a chart's
title or label. Its ``msgid`` is the text with its markup as placeholders
(:mod:`report_build.source.passes.translate`), its ``context`` (``msgctxt``) names where a
value comes from for everything but the body's text, and it knows the file and line it was
written at (the entry's ``#:`` reference, relative to the manuscript's folder).

Identity: an entry is ``(msgctxt, msgid)``. Body text has no context, so the same sentence
written twice (a repeated table cell, a heading that is also a cell) is one entry, translated
once and listed with every place it occurs, as xgettext and Sphinx do. Values that stand for a
named thing carry the name as their context (``title``, ``changelog 1.2 notice``,
``variables.yaml offensive.date``, ``chart charts/people.vl.json``), so a one-word front-matter
value never merges with the same word in the text.

The file is read with polib and written by :func:`render`, which leaves the bytes of every
entry that did not change as they were (wrapping included, whatever tool wrote them last): a
translator's ``git diff`` after ``translate update`` shows only what the source changed.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import polib

from ..errors import Diagnostics, ManuscriptError
from ..source import files
from ..version import __version__

FOLDER = "translations"
FUZZY = "fuzzy"
WRAP = 78
SINCE = re.compile(r"\btranslated for ([^\s)]+)\)?$")  # in a fuzzy entry's extracted comment
LANGUAGE_TAG = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
SYNTAX_LINE = re.compile(r"\(line (\d+)\)")


@dataclass(frozen=True)
class Unit:
    """One translatable piece of text, where it was written."""

    msgid: str
    context: str = ""  # msgctxt: "" for the body's text
    path: Path | None = None  # the file it was written in
    line: int | None = None
    kind: str = "paragraph"  # shown to the translator: heading, table cell, alt text ...
    group: str = ""  # the chapter's title, or "Front matter", "Changelog", "Variables", "Charts"

    @property
    def key(self) -> tuple[str, str]:
        return (self.context, self.msgid)


@dataclass
class Grouped:
    """The units that share one entry (the same text in several places), in reading order."""

    key: tuple[str, str]
    units: list[Unit] = field(default_factory=list)

    @property
    def first(self) -> Unit:
        return self.units[0]

    @property
    def kinds(self) -> str:
        return ", ".join(dict.fromkeys(unit.kind for unit in self.units))


def grouped(units: Iterable[Unit]) -> list[Grouped]:
    """Units with the same key as one entry, at the place of the first."""
    found: dict[tuple[str, str], Grouped] = {}
    for unit in units:
        found.setdefault(unit.key, Grouped(unit.key)).units.append(unit)
    return list(found.values())


def catalog_path(manuscript: Path, language: str) -> Path:
    """``translations/<language>.po`` beside the manuscript."""
    return Path(manuscript).parent / FOLDER / f"{language}.po"


def catalog_languages(manuscript: Path) -> list[str]:
    """The languages that have a catalog beside the manuscript, sorted."""
    folder = Path(manuscript).parent / FOLDER
    if not folder.is_dir():
        return []
    return sorted(p.stem for p in folder.glob("*.po") if LANGUAGE_TAG.match(p.stem))


def edition_languages(manuscript: Path) -> list[str]:
    """The translated editions to build: those the front matter's ``languages`` lists (but the
    source's own), or, without that key, every catalog."""
    from ..source import frontmatter
    from ..source.text import read_text

    text = read_text(Path(manuscript))
    front, _body, _offset = frontmatter.split(text, Path(manuscript))
    raw, _lines = frontmatter.parse(front, Path(manuscript), Diagnostics(echo=False))
    listed = raw.get("languages", raw.get("editions"))
    own = str(raw.get("language", raw.get("lang", "en"))).split("-")[0].lower()
    if isinstance(listed, str):
        listed = [part.strip() for part in listed.split(",")]
    if not isinstance(listed, list):
        return catalog_languages(manuscript)
    return [str(tag) for tag in listed if str(tag).split("-")[0].lower() != own]


def check_language(language: str) -> str:
    if not LANGUAGE_TAG.match(language):
        raise ManuscriptError(f"language '{language}' is not a BCP 47 tag such as ar, fr or pt-BR")
    return language


def reference(unit: Unit, root: Path) -> tuple[str, str]:
    """The ``#:`` reference: the file relative to the manuscript's folder, and the line."""
    path = unit.path or root
    try:
        shown = Path(path).resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        shown = Path(path).name
    return shown, str(unit.line or "")


# -- reading ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Found:
    """What the catalog says about one unit: ``translated``, ``fuzzy`` or ``untranslated``,
    the translation (for the first two), and the PO line of the entry."""

    state: str
    text: str = ""
    line: int | None = None


class Catalog:
    """A PO file, read: its entries by (msgctxt, msgid), and its header."""

    def __init__(self, path: Path, po: polib.POFile, text: str):
        self.path = path
        self.po = po
        self.text = text
        self.entries = {(e.msgctxt or "", e.msgid): e for e in po if not e.obsolete}

    @classmethod
    def read(cls, path: Path) -> Catalog:
        """Read a catalog; one that does not parse is an error at the line polib names."""
        try:
            text = files.read_utf8(path)
        except FileNotFoundError:
            raise ManuscriptError("no such catalog", path) from None
        except UnicodeDecodeError as exc:
            line = files.read_bytes(path).count(b"\n", 0, exc.start) + 1
            raise ManuscriptError("catalog is not valid UTF-8; save it as UTF-8", path, line) from None
        try:
            po = polib.pofile(text, wrapwidth=WRAP)
        except (OSError, ValueError) as exc:
            found = SYNTAX_LINE.search(str(exc))
            raise ManuscriptError(
                f"not a valid PO file: {str(exc).split(' (line')[0]}", path, int(found.group(1)) if found else None
            ) from None
        return cls(path, po, text)

    @property
    def language(self) -> str:
        return self.po.metadata.get("Language", "") or self.path.stem

    @property
    def version(self) -> str:
        """The source version the catalog was last brought up to date with (Project-Id-Version)."""
        words = self.po.metadata.get("Project-Id-Version", "").split()
        return words[-1] if words and re.match(r"^\d+(\.\d+)*$", words[-1]) else ""

    def find(self, context: str, msgid: str) -> Found:
        entry = self.entries.get((context, msgid))
        if entry is None or not entry.msgstr.strip():
            return Found("untranslated", line=entry.linenum if entry is not None else None)
        if FUZZY in entry.flags:
            return Found(FUZZY, entry.msgstr, entry.linenum)
        return Found("translated", entry.msgstr, entry.linenum)


def since(entry: polib.POEntry) -> str:
    """The version a fuzzy entry's translation was made for, as its extracted comment records it."""
    found = SINCE.search(entry.comment or "")
    return found.group(1) if found else ""


# -- writing ------------------------------------------------------------------------------


def header(
    language: str, source_language: str, title: str, version: str, date: dt.date | None, revised: str = ""
) -> dict[str, str]:
    """The PO header: standard fields (filled in, so ``msgfmt --check`` is content), the
    plural rule of the language (Babel's CLDR data), and where the sources are for Poedit."""
    stamp = f"{(date or dt.date(1970, 1, 1)).isoformat()} 00:00+0000"  # from the release: reproducible
    meta = {
        "Project-Id-Version": f"{title} {version}".strip(),
        "Report-Msgid-Bugs-To": "",
        "POT-Creation-Date": stamp,
        "PO-Revision-Date": revised or stamp,
        "Last-Translator": "",
        "Language-Team": "",
        "Language": language,
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
    }
    plural = _plural_forms(language)
    if plural:
        meta["Plural-Forms"] = plural
    meta.update(
        {
            "X-Generator": f"report-build {__version__}",
            "X-Source-Language": source_language,
            "X-Poedit-Basepath": "..",  # references are relative to the manuscript's folder
            "X-Poedit-SourceCharset": "UTF-8",
        }
    )
    return meta


def _plural_forms(language: str) -> str:
    try:
        from babel.core import UnknownLocaleError
        from babel.messages.plurals import get_plural

        return str(get_plural(language.replace("-", "_")))
    except (UnknownLocaleError, ValueError):
        return ""


HEADER_COMMENT = (
    "Translation of this report's manuscript. Made and updated by report-build:\n"
    "  report-build translate update   (after the source changes)\n"
    "  report-build translate status   (what is left to translate)\n"
    "Keep each {placeholder} of an entry: {0}...{/0} wraps text in a link or emphasis,\n"
    "{fn:...} is a footnote call, {var:...} a variable, {ref:...} a cross-reference,\n"
    "{cite:...} a citation, {1/} code or an image; move them, never change them.\n"
    "Write {{ for a brace of your own."
)


def make_entry(
    group: Grouped,
    root: Path,
    msgstr: str = "",
    flags: Iterable[str] = (),
    previous: str | None = None,
    comment: str = "",
    tcomment: str = "",
) -> polib.POEntry:
    """The PO entry of one key: every place as a reference, the kinds (and, when fuzzy, the
    version its translation was made for) as the extracted comment."""
    context, msgid = group.key
    entry = polib.POEntry(
        msgid=msgid,
        msgstr=msgstr,
        occurrences=[reference(unit, root) for unit in group.units],
        comment=comment or group.kinds,
        tcomment=tcomment,
        flags=list(flags),
    )
    if context:
        entry.msgctxt = context
    if previous is not None:
        entry.previous_msgid = previous
    return entry


def render(meta: dict[str, str], entries: list[polib.POEntry], previous: Catalog | None = None) -> str:
    """The PO file's text. Entries that render as they did in ``previous`` keep their old bytes."""
    po = polib.POFile(wrapwidth=WRAP)
    po.metadata = meta
    po.header = previous.po.header if previous is not None and previous.po.header else HEADER_COMMENT
    old_blocks = _blocks(previous) if previous is not None else {}
    head = po.__unicode__().rstrip("\n")  # the header alone: no entries yet
    if previous is not None and previous.po.metadata == meta and "header" in old_blocks:
        head = old_blocks["header"]
    parts = [head]
    for entry in entries:
        text = entry.__unicode__(WRAP).rstrip("\n")
        kept = old_blocks.get(_key(entry))
        parts.append(kept[1] if kept is not None and kept[0] == text else text)
    return "\n\n".join(parts) + "\n"


def _key(entry: polib.POEntry) -> tuple[bool, str, str]:
    return (entry.obsolete, entry.msgctxt or "", entry.msgid)


def _blocks(catalog: Catalog) -> dict:
    """The text of each entry as the file has it: {key: (as polib renders it, as written)},
    and the header's. Blocks are split at blank lines; when they do not line up with polib's
    entries (an unusual file), nothing is kept and every entry is rendered afresh."""
    blocks = [b for b in re.split(r"\n[ \t]*\n", catalog.text.strip("\n")) if b.strip()]
    entries = list(catalog.po)
    found: dict = {}
    if blocks and 'msgid ""' in blocks[0] and not _is_entry_block(blocks[0], entries):
        found["header"] = blocks.pop(0)
    if len(blocks) != len(entries):
        return {"header": found["header"]} if "header" in found else {}
    for entry, block in zip(entries, blocks, strict=True):
        found[_key(entry)] = (entry.__unicode__(WRAP).rstrip("\n"), block)
    return found


def _is_entry_block(block: str, entries: list[polib.POEntry]) -> bool:
    return bool(entries) and block.strip() == entries[0].__unicode__(WRAP).strip()
