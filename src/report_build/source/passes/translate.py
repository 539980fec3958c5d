"""Translation while reading: units taken from the parsed tree, translations swapped in.

Runs on the tree straight after Markdown and its repairs, before footnotes, callouts, charts,
figures, tables, chapters and cross-references (as Sphinx's ``transforms/i18n.py`` does), so
that numbering, references, notes and the contents are made from the translated text.

One walk serves both uses, so a catalog always matches what a build looks up:

- extraction (``translate init``/``update``/``status``): every unit is collected, nothing changes;
- a translated edition (``--language LANG``): each unit is looked up in ``translations/LANG.po``;
  a translation replaces the source, its placeholders turned back into the source's own markup;
  a unit without one (untranslated, or fuzzy after the source changed) keeps the source text,
  marked with the source's ``lang`` and ``dir``, announced to screen readers by a visually hidden
  note, and, in drafts, visibly flagged.

A unit is a run of inline content inside a block (a paragraph, a heading, a list item's own
text, a table cell, a caption, a term, a definition, a callout title), or an image's alt text.
Its ``msgid`` keeps the markup as placeholders a translator can move but not break:
``{0}text{/0}`` for an element with text (link, emphasis ...), ``{1/}`` for one without
(code, an image, a line break), ``{fn:label}`` a footnote call, ``{var:key}`` a variable,
``{ref:fig-x}`` a cross-reference, ``{cite:key}`` a citation; ``{{`` is a brace of the text.
A translation that loses, adds or unbalances a placeholder is a warning at its line in the
catalog, and the source text is shown.

Invariants: the source edition never goes through here; in a translated edition every id,
link target, image and note of the source is kept (only text changes), and variables are
restored from their values in the edition's language (:meth:`Edition.restore`).
"""

from __future__ import annotations

import copy
import datetime as dt
import html
import re
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from lxml import etree

from ... import html_elements
from ...contract import CHAPTER_SECTION, UNTRANSLATED, UNTRANSLATED_FLAGGED, UNTRANSLATED_NOTE
from ...errors import Diagnostics
from ...model import RTL_LANGUAGES, Metadata, Release
from ...theme import language_name
from ...translate.catalog import Catalog, Unit
from .. import files
from ..refsyntax import PLACEHOLDER as REFERENCE
from ..refsyntax import XREF_PREFIXES, Reference
from ..text import REMOVED, SourceMap, named, why_removed

VAR_START, VAR_END = "\ue020", "\ue021"
VAR_INDEX = 0xE200  # a marker's index is one private-use character: no slug or letter count sees it
VAR_MARK = re.compile(f"{VAR_START}([^{VAR_END}]*?)([\ue200-\uf8ff]){VAR_END}")
BRACE = "\ue030"  # a translation's "{{" while its placeholders are read
TOKEN = re.compile(r"\{\{|\{(/?)(\d+)(/?)\}|\{(fn|var|ref|cite):([^{}\s]+)\}")

BLOCKS = html_elements.BLOCKS | {
    "body", "caption", "col", "colgroup", "dd", "dialog", "dt", "figcaption", "hgroup", "li", "summary",
    "tbody", "td", "tfoot", "th", "thead", "tr",
}  # fmt: skip
"""Elements whose text is a passage of its own or holds passages: HTML's blocks, and the parts of
lists, tables and figures that hold text."""
SKIPPED = frozenset({"pre", "script", "style", "svg", "math", "template", "code"})
ATOMIC = frozenset({"code", "kbd", "samp", "img", "br", "wbr", "input", "svg", "math", "iframe", "video", "audio"})
TRANSPARENT = frozenset({"abbr"})  # the source language's abbreviations: their words are translated as text
WHOLE = frozenset({"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "dt", "dd", "td", "th"})  # carry lang/dir themselves

FRONT_MATTER = "Front matter"
CHANGELOG = "Changelog"
VARIABLES = "Variables"
CHARTS = "Charts"
FRONT_KEYS = ("title", "subtitle", "description", "publisher", "rights")


class PlaceholderError(ValueError):
    """A translation whose placeholders do not match its source's."""


# -- the edition ----------------------------------------------------------------------------


@dataclass(eq=False)
class Edition:
    """What a reading translates into, and what it found: the units (for catalogs and status)
    and the passages shown in the source language. ``language`` "" is extraction only."""

    language: str = ""
    catalog: Catalog | None = None
    flag: bool = True  # fallbacks visibly flagged: every build but a release
    source_language: str = ""
    source_title: str = ""
    notice: str = ""  # the screen readers' note before a passage in the source language
    units: list[Unit] = field(default_factory=list)
    shown_in_source: list[Unit] = field(default_factory=list)
    variables: list[tuple[str, str]] = field(default_factory=list)  # (key, value shown), by marker index
    main: Path | None = None  # the manuscript: units at its lines are composed lines until relocated
    removed: list[tuple[str, int | None]] = field(default_factory=list)  # (character, catalog line)

    @property
    def translating(self) -> bool:
        return self.catalog is not None and bool(self.language)

    @property
    def direction(self) -> str:
        return "rtl" if self.language.split("-")[0].lower() in RTL_LANGUAGES else "ltr"

    @classmethod
    def of(cls, manuscript: Path, language: str, flag: bool = True) -> Edition:
        from ...translate.catalog import catalog_path

        return cls(language, Catalog.read(catalog_path(manuscript, language)), flag)

    def fresh(self) -> Edition:
        """The same edition and catalog before any reading: for reading the text once more
        (another output's passages), which collects its own units."""
        return Edition(self.language, self.catalog, self.flag)

    def lookup(self, unit: Unit, diagnostics: Diagnostics | None = None) -> str | None:
        """Collect ``unit``; its translation when the catalog has a current one, else None
        (and the unit is counted as shown in the source language)."""
        self.units.append(unit)
        if not self.translating:
            return None
        found = self.catalog.find(unit.context, unit.msgid)
        if found.state == "translated":
            if REMOVED.search(found.text) is None:
                return found.text
            # said by :meth:`report_removed`, at the catalog line; nothing left: not translated
            self.removed.extend((char, found.line) for char in dict.fromkeys(REMOVED.findall(found.text)))
            cleaned = REMOVED.sub("", found.text)
            if cleaned.strip():
                return cleaned
        self.shown_in_source.append(unit)
        return None

    def report_removed(self, diagnostics: Diagnostics) -> None:
        """A warning for each character taken out of a translation (:data:`~..text.REMOVED`):
        one no page can hold, or one the reading writes as its own mark, which a translation
        would otherwise pass for one (U+E030 read back as a brace)."""
        for char, line in dict.fromkeys(self.removed):
            if self.catalog is not None:
                diagnostics.warn(
                    f"{named(char)} in a translation is removed: {why_removed(char, 'no page can hold it')}",
                    self.catalog.path,
                    line,
                )
        self.removed.clear()

    def broken(self, unit: Unit, problem: str, diagnostics: Diagnostics | None) -> None:
        """A translation that cannot be used: a warning at its catalog line; the source is shown."""
        self.shown_in_source.append(unit)
        if diagnostics is None or self.catalog is None:
            return
        entry = self.catalog.entries.get(unit.key)
        shown = unit.msgid if len(unit.msgid) <= 60 else unit.msgid[:57] + "..."
        diagnostics.warn(
            f'the translation of "{shown}" breaks its placeholders: {problem}; the source text is shown '
            "(keep every {...} of the source, moved if need be)",
            self.catalog.path,
            entry.linenum if entry is not None else None,
        )

    # -- variables (compose marks them; the pass restores them) --------------------------

    def mark(self, key: str, value: str, translated: str | None = None) -> str:
        """A variable's value in the composed text, marked so that a unit shows ``{var:key}``
        and the value (in the edition's language) is restored after translation. The source
        value stays inside the marker, so heading ids are those of the source edition."""
        self.variables.append((key, translated if translated is not None else value))
        index = chr(VAR_INDEX + len(self.variables) - 1)
        return f"{VAR_START}{html.escape(value, quote=False)}{index}{VAR_END}"

    def restore(self, text: str) -> str:
        """Every variable marker in ``text`` replaced by its value."""
        if VAR_START not in text:
            return text
        return VAR_MARK.sub(lambda m: self._value(m.group(2)), text)

    def _value(self, index: str) -> str:
        position = ord(index) - VAR_INDEX
        return self.variables[position][1] if 0 <= position < len(self.variables) else ""

    def key_of(self, index: str) -> str:
        position = ord(index) - VAR_INDEX
        return self.variables[position][0] if 0 <= position < len(self.variables) else "?"

    def relocate(self, locate: Callable[[int | None], tuple[Path | None, int | None]]) -> None:
        """Units at composed lines of the manuscript moved to the file and line written."""
        for collected in (self.units, self.shown_in_source):
            for index, unit in enumerate(collected):
                if self.main is not None and unit.path == self.main and unit.line is not None:
                    where, line = locate(unit.line)
                    if where is not None:
                        collected[index] = replace(unit, path=Path(where), line=line)


# -- front matter and changelog ------------------------------------------------------------


def front_matter(edition: Edition, metadata: Metadata, key_lines: dict[str, int], path: Path) -> Metadata:
    """Collect the front matter's text values; in a translated edition, the metadata in its
    language: translated values, the edition's language, and an identifier of its own."""

    def line_of(name: str) -> int | None:
        from .. import metadata as declared

        spellings = [s for s, key in declared.KEY_OF.items() if key.name == name]
        return next((key_lines[s] for s in spellings if s in key_lines), None)

    def one(name: str, value: str, context: str | None = None) -> str:
        if not value.strip() or not any(ch.isalpha() for ch in value):
            return value
        unit = Unit(value, context or name, path, line_of(name.split(".")[0]), "front matter", FRONT_MATTER)
        return edition.lookup(unit) or value

    edition.source_title = metadata.title
    # A description made from the abstract (metadata.py) is translated as the abstract is, not twice.
    derived = bool(metadata.abstract) and metadata.description == " ".join(metadata.abstract)
    changes: dict[str, Any] = {
        name: one(name, getattr(metadata, name)) for name in FRONT_KEYS if not (derived and name == "description")
    }
    changes["abstract"] = tuple(one("abstract", paragraph) for paragraph in metadata.abstract)
    if derived:
        changes["description"] = " ".join(changes["abstract"])
    changes["authors"] = tuple(one("authors", author) for author in metadata.authors)
    changes["keywords"] = tuple(one("keywords", word) for word in metadata.keywords)
    changes["profiles"] = tuple(
        (profile, key, one("profiles", value, f"profiles {profile} {key}") if isinstance(value, str) else value)
        for profile, key, value in metadata.profiles
    )
    if not edition.translating:
        return metadata
    identifier = f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, metadata.identifier + '#' + edition.language)}"
    return replace(metadata, **changes, language=edition.language, identifier=identifier)


def releases(edition: Edition, found: tuple[Release, ...], log: Path) -> tuple[Release, ...]:
    """Collect the changelog's summaries, notices and changes; translated in a translated edition."""
    lines = files.read_utf8(log).split("\n")

    def line_after(start: int | None, prefix: str, nth: int = 0) -> int | None:
        seen = 0
        for number in range((start or 1), len(lines) + 1):
            text = lines[number - 1].strip()
            if number > (start or 1) and text.startswith("- version"):
                break
            if text.startswith(prefix):
                if seen == nth:
                    return number
                seen += 1
        return start

    def one(release: Release, value: str, what: str, line: int | None) -> str:
        if not value.strip():
            return value
        unit = Unit(value, f"changelog {release.version} {what}", log, line, f"changelog {what}", CHANGELOG)
        return edition.lookup(unit) or value

    out = []
    for release in found:
        summary = one(release, release.summary, "summary", line_after(release.line, "summary:"))
        notice = one(release, release.notice, "notice", line_after(release.line, "notice:"))
        changes = tuple(
            one(release, change, "change", line_after(line_after(release.line, "changes:"), "- ", index))
            for index, change in enumerate(release.changes)
        )
        out.append(replace(release, summary=summary, notice=notice, changes=changes))
    return tuple(out) if edition.translating else found


# -- the tree ----------------------------------------------------------------------------------


@dataclass
class Run:
    """Inline content inside a block: the text after ``lead`` (None: the container's own text)
    and the inline children up to the next block child."""

    container: etree._Element
    lead: etree._Element | None
    children: list[etree._Element]

    @property
    def text(self) -> str:
        return (self.container.text if self.lead is None else self.lead.tail) or ""

    @property
    def whole(self) -> bool:
        """The run is all the container holds."""
        return self.lead is None and len(self.children) == len(self.container)


def translate_tree(
    root: etree._Element,
    source: SourceMap,
    edition: Edition,
    path: Path,
    diagnostics: Diagnostics,
) -> None:
    """Collect (and in a translated edition, replace) every unit of the tree, then restore the
    variables everywhere (text, attributes)."""
    edition.main = path
    locator = Locator(source)
    groups = _chapter_groups(root, edition)
    for run, group, note in _runs(root, groups):
        if note is not None:
            locator.jump_to_note(note)
        _alt_texts(run, edition, locator, path, group, diagnostics)
        _translate_run(run, edition, locator, path, group, diagnostics)
    _restore_everywhere(root, edition)


def _chapter_groups(root: etree._Element, edition: Edition) -> dict[str, str]:
    """Each section's title (the group its units count in), and each note's: the chapter of
    its first call."""
    titles: dict[str, str] = {}
    for index, section in enumerate(root.xpath(f"section[@class='{CHAPTER_SECTION}']")):
        heading = next(iter(section.xpath("h1|h2|h3")), None)
        text = " ".join(edition.restore("".join(heading.itertext())).split()) if heading is not None else ""
        titles[f"section-{index}"] = text or FRONT_MATTER
        for sup in section.xpath(".//sup[starts-with(@id, 'fnref')]/a[starts-with(@href, '#fn:')]"):
            titles.setdefault("note-" + sup.get("href")[4:], text or FRONT_MATTER)
    return titles


def _runs(root: etree._Element, groups: dict[str, str]) -> Iterator[tuple[Run, str, str | None]]:
    """Every run with letters, in reading order, with its group and, for a note's first run,
    the note's label."""
    sections = root.xpath(f"section[@class='{CHAPTER_SECTION}']")
    index_of = {id(section): f"section-{i}" for i, section in enumerate(sections)}

    def walk(element: etree._Element, group: str, note: str | None) -> Iterator[tuple[Run, str, str | None]]:
        if element.tag in SKIPPED:
            return
        if element.tag == "li" and (element.get("id") or "").startswith("fn:"):
            note = element.get("id")[3:]
            group = groups.get("note-" + note, group)
        lead: etree._Element | None = None
        pending: list[etree._Element] = []
        for child in list(element):
            if _backlink(child):  # a note's way back to its call: the notes pass removes it
                yield Run(element, lead, pending), group, note
                note, lead, pending = None, child, []
                continue
            if not isinstance(child.tag, str) or child.tag not in BLOCKS:
                pending.append(child)
                continue
            yield Run(element, lead, pending), group, note
            note = None
            yield from walk(child, (index_of.get(id(child)) and groups[index_of[id(child)]]) or group, None)
            lead, pending = child, []
        yield Run(element, lead, pending), group, note

    yield from walk(root, FRONT_MATTER, None)


def _backlink(element: Any) -> bool:
    return isinstance(element.tag, str) and "footnote-backref" in (element.get("class") or "")


@dataclass
class Encoded:
    msgid: str
    table: dict[str, Any]  # placeholder -> the element (or text) it stands for
    counts: dict[str, int]  # placeholder -> how often it occurs
    plain: str  # the run's text as read (for finding its line)


def _encode(run: Run, edition: Edition) -> Encoded:
    parts: list[str] = []
    plain: list[str] = []
    table: dict[str, Any] = {}
    counts: dict[str, int] = {}
    numbers = iter(range(10_000))

    def placeholder(name: str, stands_for: Any, atomic: bool) -> str:
        same_value = name.startswith("var:")  # every use of a variable stands for its one value
        if name in table and not same_value and table[name] is not stands_for and not _same(table[name], stands_for):
            suffix = 2
            while f"{name}~{suffix}" in table:
                suffix += 1
            name = f"{name}~{suffix}"
        table.setdefault(name, stands_for)
        counts[name] = counts.get(name, 0) + 1
        return "{" + name + "}" if ":" in name or not atomic else "{" + name + "/}"

    def text(value: str | None) -> None:
        if not value:
            return
        position = 0
        for found in re.finditer(f"{REFERENCE.pattern}|{VAR_MARK.pattern}", value):
            _literal(value[position : found.start()])
            whole = found.group(0)
            if whole.startswith(VAR_START):
                key = edition.key_of(found.group(3))
                parts.append(placeholder(f"var:{key}", whole, True))
            else:
                reference = Reference.decode(found.group(1))
                keys = ";".join(item.key for item in reference.items)
                kind = (
                    "ref"
                    if reference.is_xref and all(i.key.startswith(XREF_PREFIXES) for i in reference.items)
                    else "cite"
                )
                parts.append(placeholder(f"{kind}:{keys}", whole, True))
            position = found.end()
        _literal(value[position:])

    def _literal(value: str) -> None:
        if value:
            parts.append(value.replace("{", "{{"))
            plain.append(value)

    def element(node: etree._Element) -> None:
        if not isinstance(node.tag, str):  # a comment or processing instruction: kept as a whole
            parts.append(placeholder(str(next(numbers)), node, True))
        elif node.tag == "sup" and (node.get("id") or "").startswith("fnref"):
            link = node.find("a")
            label = (link.get("href") or "")[4:] if link is not None else node.get("id")
            parts.append(placeholder(f"fn:{label}", node, True))
        elif node.tag in TRANSPARENT:
            text(node.text)
            for child in node:
                element(child)
                text(child.tail)
        elif node.tag in ATOMIC or _autolink(node):
            parts.append(placeholder(str(next(numbers)), node, True))
            plain.append("".join(node.itertext()))
        else:
            name = placeholder(str(next(numbers)), node, False)[1:-1]
            parts.append("{" + name + "}")
            text(node.text)
            for child in node:
                element(child)
                text(child.tail)
            parts.append("{/" + name + "}")

    text(run.text)
    for child in run.children:
        element(child)
        text(child.tail)
    msgid = " ".join("".join(parts).split())
    return Encoded(msgid, table, counts, " ".join("".join(plain).split()))


def _same(one: Any, other: Any) -> bool:
    if isinstance(one, str) or isinstance(other, str):
        return one == other
    return etree.tostring(one, with_tail=False) == etree.tostring(other, with_tail=False)


def _autolink(node: etree._Element) -> bool:
    """A link whose text is its address: nothing to translate in it."""
    if node.tag != "a" or len(node):
        return False
    shown, target = (node.text or "").strip(), (node.get("href") or "").strip()
    return bool(shown) and target in (shown, "mailto:" + shown, "http://" + shown, "https://" + shown)


def decode(msgstr: str, encoded: Encoded) -> tuple[str, list[etree._Element]]:
    """The translation as the run's new content: its leading text and elements (each with
    its tail); :class:`PlaceholderError` when its placeholders do not match the source's."""
    holder = etree.Element("holder")
    stack: list[tuple[str, etree._Element]] = [("", holder)]
    seen: dict[str, int] = {}

    def add_text(value: str) -> None:
        if "{" in value:
            raise PlaceholderError(
                f"'{{' at '{value[value.index('{') :][:12]}' is not a placeholder (write {{{{ for a brace)"
            )
        parent = stack[-1][1]
        if len(parent):
            parent[-1].tail = (parent[-1].tail or "") + value
        else:
            parent.text = (parent.text or "") + value

    def count(name: str) -> None:
        if name not in encoded.table:
            raise PlaceholderError(f"{{{name}}} is not a placeholder of the source")
        seen[name] = seen.get(name, 0) + 1

    position = 0
    for found in TOKEN.finditer(msgstr):
        add_text(msgstr[position : found.start()])
        position = found.end()
        token = found.group(0)
        if token == "{{":
            add_text(BRACE)  # a brace of the text, put back below
            continue
        closing, number, atomic, kind, value = found.groups()
        if kind:
            name = f"{kind}:{value}"
            count(name)
            stands_for = encoded.table[name]
            if isinstance(stands_for, str):
                add_text(stands_for)
            else:
                _append(stack[-1][1], _copy(stands_for))
        elif closing:
            if stack[-1][0] != number:
                if number not in [name for name, _ in stack]:
                    raise PlaceholderError(f"{{/{number}}} closes what is not open")
                inner = stack[-1][0]
                raise PlaceholderError(f"{{/{number}}} closes {{{number}}} while {{{inner}}}, inside it, is still open")
            stack.pop()
        elif atomic:
            count(number)
            if encoded.msgid.count("{" + number + "/}") == 0:
                raise PlaceholderError(f"{{{number}/}} stands alone, but the source's {{{number}}} wraps text")
            _append(stack[-1][1], _copy(encoded.table[number]))
        else:
            count(number)
            if "{" + number + "/}" in encoded.msgid:
                raise PlaceholderError(f"{{{number}}} wraps text, but the source's {{{number}/}} stands alone")
            original = encoded.table[number]
            made = etree.Element(original.tag, dict(original.attrib))
            _append(stack[-1][1], made)
            stack.append((number, made))
    add_text(msgstr[position:])
    if len(stack) > 1:
        raise PlaceholderError(f"{{{stack[-1][0]}}} is never closed with {{/{stack[-1][0]}}}")
    for name, wanted in encoded.counts.items():
        got = seen.get(name, 0)
        if got != wanted:
            what = "{" + name + ("}" if ":" in name or "{" + name + "}" in encoded.msgid else "/}")
            raise PlaceholderError(
                f"{what} is missing" if got < wanted else f"{what} is there {got} times, not {wanted}"
            )
    for node in holder.iter():
        if node.text:
            node.text = node.text.replace(BRACE, "{")
        if node.tail:
            node.tail = node.tail.replace(BRACE, "{")
    return (holder.text or "").replace(BRACE, "{"), list(holder)


def _append(parent: etree._Element, child: etree._Element) -> None:
    child.tail = None
    parent.append(child)


def _copy(element: etree._Element) -> etree._Element:
    made = copy.deepcopy(element)
    made.tail = None
    return made


def _translate_run(
    run: Run, edition: Edition, locator: Locator, path: Path, group: str, diagnostics: Diagnostics
) -> None:
    encoded = _encode(run, edition)
    if not _has_letters(encoded.msgid):
        return
    unit = Unit(encoded.msgid, "", path, locator.find(encoded.plain), _kind(run), group)
    translation = edition.lookup(unit)
    if translation is None:
        if edition.translating:
            _mark_source(run, edition)
        return
    try:
        lead, elements = decode(translation, encoded)
    except PlaceholderError as exc:
        edition.broken(unit, str(exc), diagnostics)
        _mark_source(run, edition)
        return
    _replace(run, lead, elements)


def _has_letters(msgid: str) -> bool:
    return any(ch.isalpha() for ch in TOKEN.sub("", msgid))


def _kind(run: Run) -> str:
    container = run.container
    if container.xpath("ancestor-or-self::li[starts-with(@id, 'fn:')]"):
        return "footnote"
    classes = (container.get("class") or "").split()
    if "admonition-title" in classes:
        return "callout title"
    return {
        "h1": "heading",
        "h2": "heading",
        "h3": "heading",
        "h4": "heading",
        "h5": "heading",
        "h6": "heading",
        "li": "list item",
        "td": "table cell",
        "th": "table cell",
        "caption": "table caption",
        "figcaption": "figure caption",
        "dt": "term",
        "dd": "definition",
        "summary": "summary",
    }.get(container.tag, "paragraph")


def _replace(run: Run, lead: str, elements: list[etree._Element]) -> None:
    container = run.container
    position = container.index(run.children[0]) if run.children else _after(run)
    for child in run.children:
        container.remove(child)
    if run.lead is None:
        container.text = lead
    else:
        run.lead.tail = lead
    for offset, element in enumerate(elements):
        container.insert(position + offset, element)


def _after(run: Run) -> int:
    return 0 if run.lead is None else run.container.index(run.lead) + 1


def _mark_source(run: Run, edition: Edition) -> None:
    """A passage in the source language: ``lang`` and ``dir`` of the source, a note for screen
    readers in the edition's language, and (drafts) the flag class."""
    source = edition.source_language or "en"
    direction = "rtl" if source.split("-")[0].lower() in RTL_LANGUAGES else "ltr"
    classes = [UNTRANSLATED] + ([UNTRANSLATED_FLAGGED] if edition.flag else [])
    note = etree.Element("span", {"class": UNTRANSLATED_NOTE, "lang": edition.language})
    note.text = edition.notice
    container = run.container
    if run.whole and container.tag in WHOLE and "admonition-title" not in (container.get("class") or ""):
        container.set("lang", source)
        container.set("dir", direction)
        container.set("class", " ".join([*(container.get("class") or "").split(), *classes]))
        note.tail = container.text
        container.text = None
        container.insert(0, note)
        return
    span = etree.Element("span", {"lang": source, "dir": direction, "class": " ".join(classes)})
    position = container.index(run.children[0]) if run.children else _after(run)
    span.text = run.text
    if run.lead is None:
        container.text = None
    else:
        run.lead.tail = None
    for child in run.children:
        span.append(child)  # moves it, with its tail
    container.insert(position, span)
    span.addprevious(note)
    note.tail = None


def _alt_texts(run: Run, edition: Edition, locator: Locator, path: Path, group: str, diagnostics: Diagnostics) -> None:
    """Each image's alt text in the run is a unit of its own (plain text and variables)."""
    for child in run.children:
        if not isinstance(child.tag, str):
            continue
        for img in child.iter("img"):
            alt = img.get("alt") or ""
            msgid = " ".join(_alt_msgid(alt, edition).split())
            if not _has_letters(msgid):
                continue
            unit = Unit(msgid, "", path, locator.find(edition.restore(alt), forward=False), "alt text", group)
            translation = edition.lookup(unit)
            if translation is None:
                if edition.translating:
                    img.set("lang", edition.source_language or "en")
                continue
            try:
                img.set("alt", _alt_decode(translation, msgid, alt))
            except PlaceholderError as exc:
                edition.broken(unit, str(exc), diagnostics)
                img.set("lang", edition.source_language or "en")


def _alt_msgid(alt: str, edition: Edition) -> str:
    return VAR_MARK.sub(lambda m: "{var:" + edition.key_of(m.group(2)) + "}", alt.replace("{", "{{"))


def _alt_decode(translation: str, msgid: str, alt: str) -> str:
    markers = {"{var:" + key + "}": whole for whole, key in _alt_vars(alt, msgid)}
    names = TOKEN.findall(msgid)
    wanted = sorted(f"{kind}:{value}" for _c, _n, _a, kind, value in names if kind)
    got = sorted(f"{kind}:{value}" for _c, _n, _a, kind, value in TOKEN.findall(translation) if kind)
    if wanted != got:
        raise PlaceholderError("the variables of the source are not all there, once each")
    out = TOKEN.sub(lambda m: BRACE if m.group(0) == "{{" else markers.get(m.group(0), m.group(0)), translation)
    if "{" in out:
        raise PlaceholderError("a '{' that is not a placeholder (write {{ for a brace)")
    return out.replace(BRACE, "{")


def _alt_vars(alt: str, msgid: str) -> list[tuple[str, str]]:
    found = [m.group(0) for m in VAR_MARK.finditer(alt)]
    keys = [value for _c, _n, _a, kind, value in TOKEN.findall(msgid) if kind == "var"]
    return list(zip(found, keys, strict=False))


def _restore_everywhere(root: etree._Element, edition: Edition) -> None:
    if not edition.variables:
        return
    for node in root.iter():
        if node.text and VAR_START in node.text:
            node.text = edition.restore(node.text)
        if node.tail and VAR_START in node.tail:
            node.tail = edition.restore(node.tail)
        if isinstance(node.tag, str):
            for name, value in node.attrib.items():
                if VAR_START in value:
                    node.set(name, edition.restore(value))


# -- finding a unit's line ------------------------------------------------------------------

IMAGE = re.compile(r"!\[([^\]]*)\]\(\s*<?[^\s)>]*>?(?:\s+[\"'](.*?)[\"'])?\s*\)")
LINK_TARGET = re.compile(r"\]\([^)]*\)|\]\[[^\]]*\]")
ATTRIBUTES = re.compile(r"\{[#.:][^}]*\}")
NOTE_LABEL = re.compile(r"\[\^[^\]]*\]")
CITATION = re.compile(r"\[[^\[\]]*@[^\[\]]*\]")
AT_REFERENCE = re.compile(r"@[\w:.#/-]+")
TAG = re.compile(
    r"</?(?:a|span|div|p|br|img|em|strong|b|i|sup|sub|abbr|code|kbd|small|mark|del|ins|s|u|q|cite|dfn|time|"
    r"samp|details|summary|figure|figcaption|table|thead|tbody|tr|td|th|ul|ol|li|dl|dt|dd|section|aside|"
    r"blockquote|h[1-6]|hr|pre)\b[^>]*>",
    re.IGNORECASE,
)
ENTITY = re.compile(r"&#?\w+;")


def letters(text: str) -> str:
    return "".join(ch for ch in text.lower() if ch.isalnum())


def _source_letters(line: str) -> str:
    line = VAR_MARK.sub("", line)
    line = IMAGE.sub(lambda m: f"{m.group(1)} {m.group(2) or ''}", line)
    for pattern in (LINK_TARGET, ATTRIBUTES, NOTE_LABEL, CITATION, AT_REFERENCE, TAG, ENTITY):
        line = pattern.sub(" ", line)
    return letters(line)


def _common(key: str, text: str, at: int) -> int:
    """How many letters of ``key`` ``text`` has from ``at`` on."""
    count = 0
    for mine, theirs in zip(key, text[at : at + len(key)], strict=False):
        if mine != theirs:
            break
        count += 1
    return count


class Locator:
    """The source line of a unit, found by its letters in reading order (markup, link
    targets, labels and references left out on both sides)."""

    def __init__(self, source: SourceMap):
        chunks: list[str] = []
        owners: list[int] = []
        self.first_letter: dict[int, int] = {}
        total = 0
        for number, line in enumerate(source.lines, 1):
            if number <= source.body_offset or number in source.code_lines:
                continue
            found = _source_letters(line)
            self.first_letter[number] = total
            chunks.append(found)
            owners.extend([number] * len(found))
            total += len(found)
        self.text = "".join(chunks)
        self.owners = owners
        self.cursor = 0
        self.last: int | None = None
        self.notes = {
            match.group(1): number
            for number, line in enumerate(source.lines, 1)
            if (match := re.match(r"^ {0,3}\[\^([^\]\s]+)\]:", line))
        }

    def jump_to_note(self, label: str) -> None:
        number = self.notes.get(label)
        if number is not None:
            self.cursor = next((self.first_letter[n] for n in sorted(self.first_letter) if n >= number), self.cursor)

    def find(self, plain: str, forward: bool = True) -> int | None:
        """The line where ``plain`` starts, searched from after the last unit, then from the top."""
        key = letters(VAR_MARK.sub("", REFERENCE.sub("", plain)))
        if not key:
            return self.last
        for size in (40, 16, 8):
            probe = key[:size]
            for start in (self.cursor, 0):
                at = self.text.find(probe, start)
                if at >= 0:
                    if forward:  # past as much of the unit as the source has as written
                        self.cursor = at + max(1, _common(key, self.text, at))
                    self.last = self.owners[at]
                    return self.last
            if len(key) <= size:
                break
        return self.last


# -- charts ------------------------------------------------------------------------------------

TITLE_KEYS = ("title", "description")


def chart(
    edition: Edition,
    spec: dict[str, Any],
    datasets: list[Any],
    spec_path: Path,
    spec_text: str,
    mirror: bool,
    views: Callable[[dict[str, Any]], list[dict[str, Any]]],
    line_of: Callable[[str, str], int | None],
) -> tuple[dict[str, Any], list[Any]]:
    """A chart's words as units (titles, descriptions, and the values of the data columns it
    shows as labels), translated in a translated edition; mirrored when the edition reads in
    the other direction from the source. Returns the spec and data sets to draw. The charts
    pass calls it and lends it its reading of a spec: the ``views`` inside one, the line a
    word is written on (``line_of``)."""
    from .. import datafiles

    context = f"chart {spec_path.name}"

    def word(value: str, line: int | None, path: Path = spec_path, kind: str = "chart title") -> str:
        if not isinstance(value, str) or not any(ch.isalpha() for ch in value):
            return value
        unit = Unit(value, context, path, line, kind, CHARTS)
        return edition.lookup(unit) or value

    def titles(node: Any) -> Any:
        if isinstance(node, dict):
            out = {}
            for key, value in node.items():
                if key in TITLE_KEYS and isinstance(value, str):
                    out[key] = word(value, line_of(spec_text, value))
                elif key == "title" and isinstance(value, dict) and isinstance(value.get("text"), str):
                    out[key] = {**value, "text": word(value["text"], line_of(spec_text, value["text"]))}
                elif key == "data":
                    out[key] = value
                else:
                    out[key] = titles(value)
            return out
        if isinstance(node, list):
            return [titles(item) for item in node]
        return node

    spec = titles(spec)
    labels = _label_fields(spec, views)
    translated = []
    for data, from_file in datasets:
        shown = [name for name in labels if name in data.columns]
        rows = []
        for row, line in zip(data.rows, data.lines, strict=False):
            new = dict(row)
            for name in shown:
                value = row.get(name)
                if isinstance(value, str) and datafiles.number(value) is None:
                    new[name] = word(value, line if from_file else None, data.path, "chart label")
            rows.append(new)
        if shown and edition.translating:
            data = replace(data, rows=tuple(rows))
            data = replace(data, text=datafiles.as_csv(data).decode("utf-8"), kind="csv")
        translated.append((data, from_file))
    if edition.translating:
        _put_values(spec, translated)
        if mirror:
            spec = _mirrored(spec)
    return spec, translated


def _label_fields(spec: dict[str, Any], views: Callable) -> list[str]:
    """Columns a chart shows as words (nominal or ordinal axes, legends, text marks), and not
    used in a filter or an expression (translating those would change what is drawn)."""
    used_in_logic = set(re.findall(r"datum\.(\w+)|datum\[['\"](\w+)", str(spec)))
    logic = {a or b for a, b in used_in_logic}
    for transform in spec.get("transform") or []:
        if isinstance(transform, dict):
            found = transform.get("filter")
            if isinstance(found, dict) and isinstance(found.get("field"), str):
                logic.add(found["field"])
    names = []
    for view in views(spec):
        encoding = view.get("encoding") if isinstance(view.get("encoding"), dict) else {}
        for channel, definition in encoding.items():
            if not isinstance(definition, dict) or not isinstance(definition.get("field"), str):
                continue
            kind = definition.get("type", "nominal")
            words = kind in ("nominal", "ordinal") or (channel == "text" and kind not in ("quantitative", "temporal"))
            if words and definition["field"] not in logic:
                names.append(definition["field"])
    return list(dict.fromkeys(names))


def _put_values(spec: dict[str, Any], datasets: list[Any]) -> None:
    """The (inlined) data of the spec, in the order :func:`charts.inline` found it, replaced."""
    queue = list(datasets)

    def visit(node: Any) -> None:
        if isinstance(node, dict):
            data = node.get("data")
            if isinstance(data, dict) and "values" in data and queue:
                found, _ = queue.pop(0)
                if isinstance(data["values"], str):
                    data["values"] = found.text
                    data["format"] = {**(data.get("format") or {}), "type": found.kind}
                elif isinstance(data["values"], list):
                    data["values"] = [dict(row) for row in found.rows]
            for key, value in node.items():
                if key != "data":
                    visit(value)
        elif isinstance(node, list):
            for item in node:
                visit(item)

    visit(spec)


MIRRORED_ALIGN = {"left": "right", "right": "left"}


def _mirrored(spec: dict[str, Any]) -> dict[str, Any]:
    """The chart as a right-to-left (or left-to-right) reader expects it: the x scale runs the
    other way, the y axis stands on the other side, text marks align and shift the other way."""

    def visit(node: Any, parent_key: str = "") -> Any:
        if isinstance(node, dict):
            out = {key: visit(value, key) for key, value in node.items()}
            if parent_key == "x" and ("field" in out or "datum" in out):
                scale = dict(out.get("scale") or {}) if isinstance(out.get("scale"), dict) else {}
                scale["reverse"] = not scale.get("reverse", False)
                out["scale"] = scale
                axis = out.get("axis")
                if isinstance(axis, dict) and axis.get("labelAlign") in MIRRORED_ALIGN:
                    out["axis"] = {**axis, "labelAlign": MIRRORED_ALIGN[axis["labelAlign"]]}
            if parent_key == "y" and "field" in out and out.get("type") in ("nominal", "ordinal"):
                axis = out.get("axis")
                if axis is not None:
                    axis = dict(axis) if isinstance(axis, dict) else {}
                    axis["orient"] = {"left": "right", "right": "left"}.get(axis.get("orient", "left"), "right")
                    out["axis"] = axis
            if parent_key == "mark" and out.get("type") == "text":
                if out.get("align") in MIRRORED_ALIGN:
                    out["align"] = MIRRORED_ALIGN[out["align"]]
                if isinstance(out.get("dx"), (int, float)):
                    out["dx"] = -out["dx"]
            return out
        if isinstance(node, list):
            return [visit(item, parent_key) for item in node]
        return node

    return visit(spec)


# -- what a translated document says about itself ----------------------------------------------


def source_note(strings: dict[str, Any], source_language: str, language: str) -> str:
    """The words before a passage in the source language, for screen readers."""
    name = language_name(source_language, language)
    return str(strings.get("untranslated_note", "Not yet translated, in {language}:")).format(language=name)


def stamp(date: dt.date | None) -> str:
    return date.isoformat() if date else ""
