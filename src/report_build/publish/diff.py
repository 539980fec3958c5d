"""What changed between two versions of a manuscript: sections added, removed and changed.

Each side is a manuscript path, a released version's number (the sources kept with that
release in ``output/releases/<version>/sources/``) or a git revision (the manuscript's folder at
that revision). The result is a short PDF (or HTML) with the changed passages shown old against new.
"""

from __future__ import annotations

import difflib
import html
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path
from typing import Any

import lxml.html

from ..build import load
from ..contract import CHART_DATA
from ..errors import Diagnostics, ManuscriptError, ReleaseError
from ..model import Document
from ..theme import Theme
from ..writers.pdf.geometry import page_css
from ..writers.pdf.layout import lay_out_html
from .release import kept_manuscript

BLOCKS = ("p", "li", "dt", "dd", "td", "th", "figcaption", "caption", "pre")


@dataclass(frozen=True)
class Part:
    key: str  # chapter id / section id
    title: str  # "Chapter › Section"
    blocks: tuple[str, ...]  # the passages, as plain text


@dataclass
class Change:
    title: str
    kind: str  # added | removed | changed | data (a chart's data points)
    rows: list[tuple[str, str, str]] = field(default_factory=list)  # (kind, old html, new html)
    points: list[str] = field(default_factory=list)  # data: "Feb 2020: 700,000 → 800,000"


def resolve(spec: str, manuscript: str, workdir: Path, releases_dir: Path | None = None) -> tuple[Path, str]:
    """A manuscript path as given, the manuscript kept with the release of that number, or the
    manuscript's folder checked out from a git revision; with a label saying which."""
    path = Path(spec)
    if path.is_file():
        return path, str(path)
    not_kept: ReleaseError | None = None
    try:
        kept = kept_manuscript(releases_dir, spec) if releases_dir is not None and _is_version(spec) else None
    except ReleaseError as exc:  # released before sources were kept: a git revision may still name it
        kept, not_kept = None, exc
    if kept is not None:
        return kept, f"release {spec}"
    folder = Path(manuscript).parent
    try:
        top = subprocess.run(
            ["git", "rev-parse", "--show-toplevel"], capture_output=True, text=True, check=True
        ).stdout.strip()
        relative = folder.resolve().relative_to(top)
        archive = subprocess.run(
            ["git", "archive", "--format=tar", spec, "--", relative.as_posix() or "."],
            capture_output=True,
            check=True,
            cwd=top,
        ).stdout
    except (subprocess.CalledProcessError, FileNotFoundError, ValueError):
        if not_kept is not None:
            raise not_kept from None
        released = f", a version released in {releases_dir}" if releases_dir is not None else ""
        raise ManuscriptError(
            f"'{spec}' is neither a manuscript file{released} nor a git revision holding {folder}"
        ) from None
    target = workdir / spec.replace("/", "_")
    with tarfile.open(fileobj=BytesIO(archive)) as tar:
        tar.extractall(target, filter="data")
    return target / relative / Path(manuscript).name, f"{spec}:{Path(manuscript).as_posix()}"


def _is_version(spec: str) -> bool:
    """A changelog version: numbers and dots (``1.0``, ``2.1.3``)."""
    return all(part.isdigit() for part in spec.split(".")) and bool(spec)


def parts(doc: Document) -> dict[str, Part]:
    found: dict[str, Part] = {}
    for chapter in doc.chapters:
        root = lxml.html.fragment_fromstring(chapter.body, create_parent="div")
        current_key, current_title, blocks = chapter.id, chapter.title or doc.metadata.title, []
        for element in root.iter():
            if element.tag == "h2" and element.get("id"):
                found[current_key] = Part(current_key, current_title, tuple(blocks))
                current_key = element.get("id")
                current_title = f"{chapter.title} › {_text(element)}"
                blocks = []
            elif element.tag in BLOCKS and not element.xpath(
                f"ancestor::p|ancestor::li|ancestor::td|ancestor::th|ancestor::details[@class='{CHART_DATA}']"
            ):  # a chart's data table is compared point by point (data_changes)
                text = _text(element)
                if text:
                    blocks.append(text)
        found[current_key] = Part(current_key, current_title, tuple(blocks))
    return found


def _text(element: lxml.html.HtmlElement) -> str:
    return " ".join(element.text_content().split())


def compare(old: Document, new: Document, strings: dict[str, Any] | None = None) -> list[Change]:
    before, after = parts(old), parts(new)
    changes: list[Change] = []
    for key, part in after.items():
        if key not in before:
            changes.append(Change(part.title, "added", [("insert", "", _esc(b)) for b in part.blocks]))
        elif before[key].blocks != part.blocks:
            changes.append(Change(part.title, "changed", _rows(before[key].blocks, part.blocks)))
    for key, part in before.items():
        if key not in after:
            changes.append(Change(part.title, "removed", [("delete", _esc(b), "") for b in part.blocks]))
    return changes + data_changes(old, new, strings)


def data_changes(old: Document, new: Document, strings: dict[str, Any] | None = None) -> list[Change]:
    """The data points that changed in each chart present in both versions (matched by figure
    id, else by number): rows matched by their first cell ("Feb 2020: 700,000 → 800,000"),
    rows added and rows removed."""
    strings = strings or {}
    before = {f.id or f"#{f.number}": f for f in old.figures if f.data is not None}
    changes = []
    for figure in new.figures:
        earlier = before.get(figure.id or f"#{figure.number}")
        if figure.data is None or earlier is None or earlier.data is None or earlier.data == figure.data:
            continue
        old_rows = {row[0]: row for row in earlier.data.rows if row}
        new_rows = {row[0]: row for row in figure.data.rows if row}
        columns = figure.data.columns
        several = len(columns) > 2
        points = []
        for key, row in new_rows.items():
            previous = old_rows.get(key)
            if previous is None:
                points.append(f"{key}: {strings.get('data_added', 'added')}, {', '.join(row[1:])}")
                continue
            for index in range(1, len(row)):
                was = previous[index] if index < len(previous) else ""
                if was != row[index]:
                    label = f"{key}, {columns[index]}" if several and index < len(columns) else key
                    points.append(f"{label}: {was} → {row[index]}")
        for key, row in old_rows.items():
            if key not in new_rows:
                points.append(f"{key}: {strings.get('data_removed', 'removed')} ({', '.join(row[1:])})")
        if points or earlier.data.columns != columns:
            caption = _text(lxml.html.fragment_fromstring(figure.caption or "<span></span>", create_parent="div"))
            title = f"{strings.get('figure', 'Figure')} {figure.number}: {caption}" if figure.number else caption
            changes.append(Change(title, "data", points=points))
    return changes


def _rows(old: tuple[str, ...], new: tuple[str, ...]) -> list[tuple[str, str, str]]:
    rows = []
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            continue
        olds, news = list(old[a1:a2]), list(new[b1:b2])
        for index in range(max(len(olds), len(news))):
            left = olds[index] if index < len(olds) else ""
            right = news[index] if index < len(news) else ""
            rows.append((op, *_word_diff(left, right)))
    return rows


def _word_diff(old: str, new: str) -> tuple[str, str]:
    if not old or not new:
        return _esc(old), _esc(new)
    a, b = old.split(), new.split()
    left, right = [], []
    for op, a1, a2, b1, b2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if op == "equal":
            left.append(_esc(" ".join(a[a1:a2])))
            right.append(_esc(" ".join(b[b1:b2])))
            continue
        if a1 != a2:
            left.append(f"<del>{_esc(' '.join(a[a1:a2]))}</del>")
        if b1 != b2:
            right.append(f"<ins>{_esc(' '.join(b[b1:b2]))}</ins>")
    return " ".join(left), " ".join(right)


def _esc(text: str) -> str:
    return html.escape(text, quote=False)


@dataclass
class StaleEdition:
    """A translated edition between two versions: the passages whose translation went stale (the
    source changed since it was translated) and the passages new since the older version."""

    language: str
    stale: list[tuple[str, str]] = field(default_factory=list)  # (file:line, the passage now)
    new: list[tuple[str, str]] = field(default_factory=list)


def stale_translations(old_path: Path, new_path: Path) -> list[StaleEdition]:
    """For each catalog of the newer version (``translations/*.po`` beside its manuscript; a
    release keeps them with its sources): the units translated in the older version whose source
    changed since, and the units that are new. A catalog the newer sources lack is the older's."""
    from ..translate.catalog import Catalog, catalog_languages, catalog_path, grouped, reference
    from ..translate.extract import extract
    from ..translate.merge import merge

    languages = catalog_languages(new_path) or catalog_languages(old_path)
    if not languages:
        return []
    before, after = extract(old_path), extract(new_path)
    old_keys = {unit.key for unit in before.units}
    found = []
    for language in languages:
        newer = catalog_path(new_path, language)
        catalog = Catalog.read(newer if newer.is_file() else catalog_path(old_path, language))
        merged = merge(catalog, grouped(after.units), after.root, after.version)
        edition = StaleEdition(language)
        for group in grouped(after.units):
            state = merged.states[group.key]
            path, line = reference(group.first, after.root)
            where = f"{path}:{line}" if line else path
            if state == "fuzzy":  # translated for an earlier text of the passage
                edition.stale.append((where, group.key[1]))
            elif state == "untranslated" and group.key not in old_keys:
                edition.new.append((where, group.key[1]))
        if edition.stale or edition.new:
            found.append(edition)
    return found


def diff(
    old_spec: str,
    new_spec: str,
    manuscript: str = "manuscript/report.md",
    diagnostics: Diagnostics | None = None,
    fmt: str = "pdf",
    releases_dir: Path | str = "output/releases",
) -> bytes:
    """The changes document between two versions, as PDF (or HTML) bytes; a version is a
    manuscript file, a released version's number or a git revision."""
    diagnostics = diagnostics or Diagnostics()
    with tempfile.TemporaryDirectory(prefix="report-build-diff.") as workdir:
        old_path, old_label = resolve(old_spec, manuscript, Path(workdir), Path(releases_dir))
        new_path, new_label = resolve(new_spec, manuscript, Path(workdir), Path(releases_dir))
        quiet = Diagnostics(echo=False)
        old, new = load(old_path, quiet), load(new_path, quiet)
        theme = Theme(new.metadata.layouts, new.metadata.language, diagnostics)
        page = theme.render(
            "diff.html",
            old=old,
            new=new,
            old_label=old_label,
            new_label=new_label,
            changes=compare(old, new, theme.strings),
            meta=new.metadata,
            translations=stale_translations(old_path, new_path),
        )
        if fmt == "html":
            diagnostics.refuse()
            return page.encode("utf-8")
        data = lay_out_html(
            page,
            theme=theme,
            root=new.root,
            source=new.source,
            stylesheets=("css/diff.css",),
            page=page_css(new, theme),
            diagnostics=diagnostics,
        ).write()
        diagnostics.refuse()  # with --strict: the layout's faults, before the command writes
        return data
