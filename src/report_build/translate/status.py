"""How complete each translated edition is (``translate status``, the builds, releases, ``diff``).

A unit's state is what :mod:`.merge` would make of it now, so status is right even before
``translate update`` has run: *translated* (a current translation), *fuzzy* (the source changed
since it was translated, or a translator marked it so) or *untranslated*. A translated edition
shows exactly the translated ones in its language, and every other one in the source's.

Counts are of entries: a sentence written twice is one passage to translate. A chapter counts
each entry that occurs in it.
"""

from __future__ import annotations

import collections
from dataclasses import dataclass
from pathlib import Path

from ..errors import format_location
from ..model import Translation
from ..theme import edition_phrase as phrase  # the words live with the layouts' strings
from .catalog import FUZZY, Catalog, Unit, catalog_languages, catalog_path, grouped
from .extract import Extraction, extract
from .merge import merge

TRANSLATED, UNTRANSLATED = "translated", "untranslated"


@dataclass(frozen=True)
class Counts:
    translated: int = 0
    fuzzy: int = 0
    untranslated: int = 0

    @property
    def total(self) -> int:
        return self.translated + self.fuzzy + self.untranslated

    @property
    def percent(self) -> int:
        """Rounded down: 100 only when every passage is translated."""
        return self.translated * 100 // self.total if self.total else 100


@dataclass(frozen=True)
class Status:
    """One language: overall and per chapter (or part), and every stale unit where it is written."""

    language: str
    catalog: Path
    counts: Counts
    groups: tuple[tuple[str, Counts], ...]
    stale: tuple[tuple[Unit, str], ...]  # (a place the unit is written, fuzzy or untranslated)
    since: str  # the version most fuzzy translations were made for

    @property
    def complete(self) -> bool:
        return self.counts.translated == self.counts.total

    def translation(self, source_language: str, flagged: bool = True, source_slug: str = "") -> Translation:
        return Translation(
            language=self.language,
            source_language=source_language,
            passages=self.counts.total,
            fuzzy=self.counts.fuzzy,
            untranslated=self.counts.untranslated,
            since=self.since,
            flagged=flagged,
            source_slug=source_slug,
        )


def of_units(units: tuple[Unit, ...] | list[Unit], catalog: Catalog, root: Path, version: str) -> Status:
    """The status of ``catalog`` against the source's ``units``."""
    groups = grouped(units)
    merged = merge(catalog, groups, root, version)
    states = merged.states
    total: collections.Counter[str] = collections.Counter(states[g.key] for g in groups)
    per_group: dict[str, collections.Counter[str]] = {unit.group: collections.Counter() for unit in units}
    for group in groups:
        for name in dict.fromkeys(unit.group for unit in group.units):
            per_group.setdefault(name, collections.Counter())[states[group.key]] += 1
    stale = tuple(
        (unit, states[group.key]) for group in groups if states[group.key] != TRANSLATED for unit in group.units[:1]
    )
    versions = collections.Counter(v for v in merged.since.values() if v)
    return Status(
        language=catalog.path.stem,
        catalog=catalog.path,
        counts=_counts(total),
        groups=tuple((name, _counts(counter)) for name, counter in per_group.items()),
        stale=stale,
        since=versions.most_common(1)[0][0] if versions else "",
    )


def _counts(counter: collections.Counter[str]) -> Counts:
    return Counts(counter[TRANSLATED], counter[FUZZY], counter[UNTRANSLATED])


def status(manuscript: Path | str, languages: list[str] | None = None, found: Extraction | None = None) -> list[Status]:
    """Every catalog's status (or the named languages')."""
    manuscript = Path(manuscript)
    languages = languages or catalog_languages(manuscript)
    if not languages:
        return []
    found = found or extract(manuscript)
    return [
        of_units(found.units, Catalog.read(catalog_path(manuscript, language)), found.root, found.version)
        for language in languages
    ]


def editions(manuscript: Path | str, found: Extraction | None = None) -> tuple[Translation, ...]:
    """The completeness of every catalog beside the manuscript, for the version history."""
    manuscript = Path(manuscript)
    languages = catalog_languages(manuscript)
    if not languages:
        return ()
    found = found or extract(manuscript)
    return tuple(item.translation(found.source_language) for item in status(manuscript, languages, found))


def report(found: list[Status], listing: bool = False) -> str:
    """``translate status`` as text: per language, overall and per chapter; with ``listing``,
    every stale unit at its ``file:line``."""
    lines = []
    for item in found:
        c = item.counts
        translation = item.translation("en")
        lines.append(
            f"{phrase(translation, {}, 'en')} ({c.percent} %: {c.translated} translated, {c.fuzzy} fuzzy, "
            f"{c.untranslated} untranslated of {c.total}) [{_shown(item.catalog)}]"
        )
        width = max((len(name) for name, _ in item.groups), default=10)
        for name, counts in item.groups:
            lines.append(
                f"  {name:<{width}}  {counts.percent:>3} %  {counts.translated:>4} translated  {counts.fuzzy:>3} fuzzy"
                f"  {counts.untranslated:>3} untranslated"
            )
        if listing:
            for unit, state in item.stale:
                text = unit.msgid if len(unit.msgid) <= 70 else unit.msgid[:67] + "..."
                lines.append(format_location(unit.path, unit.line, f"{item.language}: {state}: {text}"))
    return "\n".join(lines)


def _shown(path: Path) -> str:
    return format_location(path, None, "").rstrip(": ")
