"""The units of a manuscript, and ``translate init``.

The manuscript is read as any build reads it (every file, every passage of every profile and
format), with :class:`~report_build.source.passes.translate.Edition` collecting: the front
matter's text values, every unit of the parsed tree, the charts' words, the changelog's notes
and ``variables.yaml``'s text values. Nothing is written while reading.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from ..errors import Diagnostics, ManuscriptError
from ..output import write_atomic
from ..source import changelog, parse
from ..source.compose import Selection
from ..source.passes import translate
from ..source.remote import RemoteImages
from .catalog import Unit, catalog_path, check_language, grouped, header, make_entry, render

ORDER = {translate.FRONT_MATTER: 0, translate.CHARTS: 2, translate.CHANGELOG: 3, translate.VARIABLES: 4}


@dataclass(frozen=True)
class Extraction:
    """A manuscript's units in reading order (front matter, body and charts, changelog,
    variables), and what a catalog's header names: title, version, date, source language."""

    manuscript: Path
    units: tuple[Unit, ...]
    title: str
    version: str
    date: dt.date | None
    source_language: str

    @property
    def root(self) -> Path:
        return self.manuscript.parent


def extract(manuscript: Path | str) -> Extraction:
    """Read the manuscript and collect its units (warnings are the builds' business: not shown)."""
    manuscript = Path(manuscript)
    quiet = Diagnostics(echo=False)
    edition = translate.Edition()
    document, _theme = parse.read(
        manuscript, quiet, Selection(translation=edition), RemoteImages(manuscript, "omit", quiet)
    )
    log = changelog.find(manuscript)
    releases = changelog.load(log, quiet) if log is not None else ()
    if log is not None:
        translate.releases(edition, releases, log)
    return Extraction(
        manuscript=manuscript,
        units=ordered(edition.units),
        title=document.metadata.title,
        version=releases[0].version if releases else "",
        date=releases[0].date if releases else document.metadata.date,
        source_language=document.metadata.language,
    )


def ordered(units: list[Unit] | tuple[Unit, ...]) -> tuple[Unit, ...]:
    """Units as a catalog lists them: front matter, then chapter by chapter in reading order
    (each chapter's notes after its text), the charts, the changelog, the variables."""
    chapters: dict[str, int] = {}
    for unit in units:
        chapters.setdefault(unit.group, len(chapters))

    def rank(pair: tuple[int, Unit]) -> tuple[int, int, int]:
        index, unit = pair
        part = ORDER.get(unit.group, 1)
        return (part, chapters[unit.group] if part == 1 else 0, index)

    return tuple(unit for _, unit in sorted(enumerate(units), key=rank))


def init(language: str, manuscript: Path | str) -> tuple[Path, int]:
    """Write ``translations/<language>.po`` with every unit untranslated; refuse to overwrite one.
    Returns the catalog's path and the number of entries."""
    manuscript = Path(manuscript)
    check_language(language)
    target = catalog_path(manuscript, language)
    if target.exists():
        raise ManuscriptError(
            f"the catalog already exists; bring it up to date with `report-build translate update {language}`",
            target,
        )
    found = extract(manuscript)
    if language.split("-")[0].lower() == found.source_language.split("-")[0].lower():
        raise ManuscriptError(
            f"'{language}' is the manuscript's own language ({found.source_language}): a translation is into another",
            manuscript,
        )
    groups = grouped(found.units)
    entries = [make_entry(group, found.root) for group in groups]
    meta = header(language, found.source_language, found.title, found.version, found.date)
    write_atomic(target, render(meta, entries).encode("utf-8"))
    return target, len(entries)
