"""A catalog brought up to date with its source, as msgmerge does it (``translate update``).

Each unit of the source now is matched with an entry of the catalog:

1. by content: the same ``(msgctxt, msgid)``, wherever it now is, so a moved paragraph keeps
   its translation untouched (an obsolete entry with that text comes back to life);
2. by position: where the sequence of units changed (difflib's opcodes over the old and new
   order), a unit is paired with the old entry in the same place when their texts are at
   least half alike: the unit was edited, so it becomes fuzzy, its old text kept as ``#| msgid``;
3. by likeness alone: a unit edited and moved, three quarters alike.

Units left over are new (untranslated); entries left over are removed text, kept at the end
as obsolete (``#~``) when they had a translation, for a translator to reuse.

Invariant: an entry whose unit did not change keeps its translation, flags and translator's
comments, and renders as it did (so :func:`~.catalog.render` keeps its bytes); only its
references follow the source's lines.
"""

from __future__ import annotations

import copy
import difflib
from dataclasses import dataclass, field
from pathlib import Path

import polib

from ..errors import ManuscriptError
from ..output import write_atomic
from .catalog import (
    FUZZY,
    Catalog,
    Grouped,
    catalog_languages,
    catalog_path,
    grouped,
    header,
    make_entry,
    render,
    since,
)
from .extract import Extraction, extract

NEAR_IN_PLACE = 0.5
NEAR_ANYWHERE = 0.75


@dataclass
class Merged:
    """The entries of the updated catalog (current, then obsolete) and what changed."""

    entries: list[polib.POEntry]
    states: dict[tuple[str, str], str] = field(default_factory=dict)  # key -> translated / fuzzy / untranslated
    since: dict[tuple[str, str], str] = field(default_factory=dict)  # fuzzy key -> version translated for
    changed: int = 0  # units that became fuzzy
    new: int = 0
    obsolete: int = 0


def _likeness(one: str, other: str) -> float:
    matcher = difflib.SequenceMatcher(None, one, other, autojunk=False)
    if matcher.real_quick_ratio() < NEAR_IN_PLACE or matcher.quick_ratio() < NEAR_IN_PLACE:
        return matcher.quick_ratio() * 0.99
    return matcher.ratio()


def merge(previous: Catalog | None, groups: list[Grouped], root: Path, version: str) -> Merged:
    """The updated entries for ``groups`` (the source's units, one per key, in reading order)."""
    old = [e for e in previous.po if not e.obsolete] if previous is not None else []
    gone = [e for e in previous.po if e.obsolete] if previous is not None else []
    old_key = {(e.msgctxt or "", e.msgid): e for e in old}
    gone_key = {(e.msgctxt or "", e.msgid): e for e in gone}
    was_for = previous.version if previous is not None else ""
    matched: dict[int, tuple[str, polib.POEntry]] = {}  # group index -> (how, old entry)
    used: set[int] = set()
    for index, group in enumerate(groups):
        entry = old_key.get(group.key) or gone_key.get(group.key)
        if entry is not None and id(entry) not in used:
            matched[index] = ("same", entry)
            used.add(id(entry))
    # by position: edited units where the order of the rest holds
    opcodes = difflib.SequenceMatcher(
        None, [(e.msgctxt or "", e.msgid) for e in old], [g.key for g in groups], autojunk=False
    ).get_opcodes()
    for op, a1, a2, b1, b2 in opcodes:
        if op not in ("replace", "insert", "delete"):
            continue
        candidates = [e for e in old[max(0, a1 - 1) : a2 + 1] if id(e) not in used]
        for index in range(b1, b2):
            if index in matched:
                continue
            best = _best(groups[index], candidates, NEAR_IN_PLACE)
            if best is not None:
                matched[index] = ("edited", best)
                used.add(id(best))
                candidates.remove(best)
    # by likeness: edited and moved
    rest = [e for e in old if id(e) not in used and e.msgstr.strip()]
    for index, group in enumerate(groups):
        if index in matched or not rest:
            continue
        best = _best(group, rest, NEAR_ANYWHERE)
        if best is not None:
            matched[index] = ("edited", best)
            used.add(id(best))
            rest.remove(best)

    merged = Merged([])
    for index, group in enumerate(groups):
        how, entry = matched.get(index, ("new", None))
        made = make_entry(group, root)
        if entry is None or (how == "edited" and not entry.msgstr.strip()):
            merged.new += 1
            merged.states[group.key] = "untranslated"
        elif how == "same":
            made.msgstr, made.flags, made.tcomment = entry.msgstr, list(entry.flags), entry.tcomment
            if entry.previous_msgid is not None:
                made.previous_msgid = entry.previous_msgid
            if FUZZY in entry.flags:
                made.comment = _fuzzy_comment(group.kinds, since(entry) or was_for)
                merged.since[group.key] = since(entry) or was_for
            state = FUZZY if FUZZY in entry.flags else ("translated" if entry.msgstr.strip() else "untranslated")
            merged.states[group.key] = state
        else:  # edited: the translation of the old text, to be checked
            made.msgstr, made.tcomment = entry.msgstr, entry.tcomment
            made.flags = [*(f for f in entry.flags if f != FUZZY), FUZZY]
            made.previous_msgid = entry.previous_msgid if FUZZY in entry.flags and entry.previous_msgid else entry.msgid
            if entry.msgctxt and (entry.msgctxt or "") != group.key[0]:
                made.previous_msgctxt = entry.msgctxt
            was = since(entry) if FUZZY in entry.flags else was_for
            made.comment = _fuzzy_comment(group.kinds, was)
            merged.states[group.key] = FUZZY
            merged.since[group.key] = was
            merged.changed += 1
        _dedupe(made)
        merged.entries.append(made)
    current = {id(e) for e in old}
    for entry in [*old, *gone]:
        if id(entry) in used or not entry.msgstr.strip():
            continue
        kept = copy.copy(entry)  # the catalog read stays as it was (its bytes are compared)
        kept.obsolete, kept.occurrences = True, []
        merged.entries.append(kept)
        merged.obsolete += 1 if id(entry) in current else 0
    return merged


def _best(group: Grouped, candidates: list[polib.POEntry], threshold: float) -> polib.POEntry | None:
    context, msgid = group.key
    best, score = None, threshold
    for entry in candidates:
        if (entry.msgctxt or "") != context:
            continue
        alike = _likeness(entry.msgid, msgid)
        if alike >= score:
            best, score = entry, alike
    return best


def _fuzzy_comment(kinds: str, was_for: str) -> str:
    return f"{kinds} (source changed; translated for {was_for})" if was_for else f"{kinds} (source changed)"


def _dedupe(entry: polib.POEntry) -> None:
    entry.occurrences = list(dict.fromkeys(entry.occurrences))


@dataclass(frozen=True)
class Updated:
    language: str
    path: Path
    written: bool  # False: the catalog was already up to date (not touched)
    changed: int
    new: int
    obsolete: int


def update(languages: list[str], manuscript: Path | str, found: Extraction | None = None) -> list[Updated]:
    """Bring each catalog up to date with the manuscript (every catalog when none is named)."""
    manuscript = Path(manuscript)
    languages = languages or catalog_languages(manuscript)
    if not languages:
        raise ManuscriptError(
            "no catalogs to update: start one with `report-build translate init LANG`",
            manuscript.parent / "translations",
        )
    found = found or extract(manuscript)
    groups = grouped(found.units)
    done = []
    for language in languages:
        path = catalog_path(manuscript, language)
        previous = Catalog.read(path)
        merged = merge(previous, groups, found.root, found.version)
        meta = dict(previous.po.metadata)
        fresh = header(language, found.source_language, found.title, found.version, found.date)
        for name in ("Project-Id-Version", "POT-Creation-Date", "X-Source-Language"):
            meta[name] = fresh[name]
        for name, value in fresh.items():
            meta.setdefault(name, value)
        text = render(meta, merged.entries, previous)
        written = text != previous.text
        if written:
            write_atomic(path, text.encode("utf-8"))
        done.append(Updated(language, path, written, merged.changed, merged.new, merged.obsolete))
    return done
