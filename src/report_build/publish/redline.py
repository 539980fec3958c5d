"""A redline for reviewers: the current manuscript against an earlier version, as a Word file
with real tracked changes that each reviewer can accept or reject.

The earlier version is a released version's number (the sources ``release`` kept), a
manuscript file or a git revision (:func:`report_build.publish.diff.resolve`). Both versions are
read into the model and then into the Word writer's blocks (:mod:`report_build.writers.docx.blocks`);
the two block sequences are compared:

- a paragraph that changed is written once, its words deleted and inserted (``w:del``/``w:ins``);
- a paragraph, table or figure that is new, gone or moved is inserted or deleted whole,
  paragraph mark and table rows included, so accepting or rejecting it leaves no trace;
- what changed in the front matter and the changelog is listed at the start.

Every change is by the author "report-build", dated with the current version's release date.
The title page, contents and version history are the current version's, untracked.
"""

from __future__ import annotations

import difflib
import re
import tempfile
from dataclasses import replace
from pathlib import Path

from ..build import gather, load, output_name
from ..errors import Diagnostics
from ..model import Document
from ..writers.docx import ooxml
from ..writers.docx.blocks import Block, Cell, Para, Reader, Span, Table, words
from ..writers.docx.writer import Emitter, all_anchors, chapter_blocks
from .diff import resolve

AUTHOR = "report-build"
SIMILAR = 0.4  # two paragraphs in a changed passage closer than this are one paragraph reworded
FRONT_MATTER = (
    "title",
    "subtitle",
    "authors",
    "publisher",
    "language",
    "identifier",
    "description",
    "keywords",
    "rights",
    "page_size",
)


def redline(
    manuscript: Path | str,
    since: str,
    *,
    output_dir: Path | str = "output",
    diagnostics: Diagnostics | None = None,
    profile: str | None = None,
    omit_remote: bool = False,
) -> tuple[Path, bytes]:
    """The redline's default path (``output/<slug>-v<version>-changes-since-<since>.docx``) and bytes."""
    diagnostics = diagnostics or Diagnostics()
    releases = Path(output_dir) / "releases"
    with tempfile.TemporaryDirectory(prefix="report-build-redline.") as work:
        old_path, label = resolve(since, str(manuscript), Path(work), releases)
        old = load(old_path, Diagnostics(echo=False), Path(work) / "no-releases", profile, omit_remote=True)
        new, theme = gather(manuscript, diagnostics, releases, profile, omit_remote)
        data = compare(old, new, theme, diagnostics, label)
    diagnostics.refuse()  # with --strict: every fault of the newer version, before the command writes
    stem = output_name(new, "docx").removesuffix(".docx")
    return Path(output_dir) / f"{stem}-changes-since-{re.sub(r'[^A-Za-z0-9._-]+', '_', since)}.docx", data


def compare(old: Document, new: Document, theme, diagnostics: Diagnostics, label: str) -> bytes:
    """The redline's bytes: ``new`` written with the changes from ``old`` tracked."""
    old, new = old.for_output("docx"), new.for_output("docx")
    reader = Reader()
    new_chapters = chapter_blocks(new, reader)
    old_chapters = chapter_blocks(old, reader)
    old_blocks = [_old_notes(block) for chapter in old_chapters for block in chapter.blocks]
    new_blocks = [block for chapter in new_chapters for block in chapter.blocks]
    notes = {note.number: note for note in new.footnotes} | {-note.number: note for note in old.footnotes}
    anchors = all_anchors(new, new_chapters)
    revisions = ooxml.Revisions(AUTHOR, new.modified)
    emitter = Emitter(new, theme, diagnostics, revisions, notes, anchors, old.images)
    emitter.title_page()
    _summary(emitter, old, new, label)
    emitter.contents(new_chapters, history=bool(new.releases))
    texts = {number: " ".join(note.inline_html.split()) for number, note in notes.items()}
    for block, mark, pair in _aligned(old_blocks, new_blocks, texts):
        if pair is not None:
            _reworded(emitter, pair[0], pair[1], texts)
        else:
            emitter.block(block, mark=mark)
        if isinstance(block, Para) and block.style == "h1":
            emitter.page_break_before(emitter.last_block())
    emitter.history()
    return emitter.save()


def _old_notes(block: Block) -> Block:
    """The earlier version's footnote calls numbered below zero, so both versions' notes can be written."""

    def spans(items: tuple[Span, ...]) -> tuple[Span, ...]:
        return tuple(replace(s, note=-s.note) if s.note else s for s in items)

    def para(p: Para | None) -> Para | None:
        return replace(p, spans=spans(p.spans)) if p is not None else None

    if isinstance(block, Para):
        return para(block)
    if isinstance(block, Table):
        rows = tuple(
            tuple(Cell(tuple(para(p) for p in c.paras), c.header, c.colspan, c.rowspan) for c in r) for r in block.rows
        )
        return replace(block, rows=rows, caption=para(block.caption))
    return replace(block, caption=para(block.caption))


def _key(block: Block, texts: dict[int, str]) -> tuple:
    """What makes two blocks the same: kind, style, text, and the text of their notes."""
    if isinstance(block, Para):
        return (
            "p",
            block.style,
            block.list_kind,
            block.text,
            tuple(texts.get(s.note, "") for s in block.spans if s.note),
        )
    if isinstance(block, Table):
        caption = block.caption.text if block.caption else ""
        return ("table", caption, tuple(tuple(" ".join(p.text for p in c.paras) for c in row) for row in block.rows))
    return ("figure", block.src, block.alt, block.caption.text if block.caption else "")


def _aligned(old: list[Block], new: list[Block], texts: dict[int, str]):
    """(block, mark, reworded pair) in reading order: equal blocks plain, others inserted or
    deleted whole, a reworded paragraph as a pair (old, new)."""
    matcher = difflib.SequenceMatcher(a=[_key(b, texts) for b in old], b=[_key(b, texts) for b in new], autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            for block in new[b1:b2]:
                yield block, "", None
            continue
        gone, added = old[a1:a2], new[b1:b2]
        pairs = _pairs(gone, added)
        i = j = 0
        for a, b in [*pairs, (len(gone), len(added))]:
            while i < a:
                yield gone[i], "del", None
                i += 1
            while j < b:
                yield added[j], "ins", None
                j += 1
            if a < len(gone) and b < len(added):
                yield added[b], "", (gone[a], added[b])
                i, j = a + 1, b + 1


def _pairs(gone: list[Block], added: list[Block]) -> list[tuple[int, int]]:
    """Paragraphs of a changed passage that are one paragraph reworded, in order: same style and
    list, words similar enough."""
    pairs: list[tuple[int, int]] = []
    start = 0
    for a, old in enumerate(gone):
        if not isinstance(old, Para):
            continue
        for b in range(start, len(added)):
            new = added[b]
            if isinstance(new, Para) and (new.style, new.list_kind) == (old.style, old.list_kind):
                ratio = difflib.SequenceMatcher(a=old.text.split(), b=new.text.split(), autojunk=False).ratio()
                if ratio >= SIMILAR:
                    pairs.append((a, b))
                    start = b + 1
                    break
    return pairs


def _reworded(emitter: Emitter, old: Para, new: Para, texts: dict[int, str]) -> None:
    """One paragraph, its changed words tracked."""
    a, b = words(old.spans), words(new.spans)

    def key(span: Span) -> tuple:
        if span.note:
            return ("note", texts.get(span.note, ""))
        return (span.text.rstrip(), span.marks, span.link, span.image, span.br)

    items: list[tuple[Span, str]] = []
    matcher = difflib.SequenceMatcher(a=[key(s) for s in a], b=[key(s) for s in b], autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            items.extend((span, "") for span in b[b1:b2])
            continue
        items.extend((span, "del") for span in a[a1:a2])
        items.extend((span, "ins") for span in b[b1:b2])
    emitter.paragraph(emitter.body_paragraph(), new, _joined(items))


def _joined(items: list[tuple[Span, str]]) -> list[tuple[Span, str]]:
    """Neighbouring words with the same formatting and change as one span (fewer runs)."""
    out: list[tuple[Span, str]] = []
    for span, mark in items:
        if out and out[-1][1] == mark and _joinable(out[-1][0], span):
            out[-1] = (replace(out[-1][0], text=out[-1][0].text + span.text), mark)
        else:
            out.append((span, mark))
    return out


def _joinable(a: Span, b: Span) -> bool:
    plain = not (a.note or a.br or a.image or b.note or b.br or b.image)
    return plain and a.marks == b.marks and a.link == b.link


def _summary(emitter: Emitter, old: Document, new: Document, label: str) -> None:
    """What changed outside the chapters, at the start: the versions released since, and the
    front matter's changed values (the old value deleted, the new inserted)."""
    words = emitter.strings
    heading = f"{words['changes_title']}: {label} → {words['version']} {new.version}".rstrip()
    emitter.simple("notice-title", heading)
    seen = {release.version for release in old.releases}
    for release in new.releases:
        if release.version in seen:
            continue
        line = f"{words['version']} {release.version} · {emitter.theme.longdate(release.date)}: {release.summary}"
        emitter.simple("notice", line, mark="ins")
        for change in release.changes:
            emitter.simple("notice", f"– {change}", mark="ins")
    for key in FRONT_MATTER:
        before, after = getattr(old.metadata, key), getattr(new.metadata, key)
        if before == after:
            continue
        p = emitter.body_paragraph()
        items = [(Span(f"{key}: ", frozenset({"b"})), "")]
        if before not in ("", (), None):
            items.append((Span(_shown(before)), "del"))
        if after not in ("", (), None):
            items.append((Span((" " if before else "") + _shown(after)), "ins"))
        emitter.paragraph(p, Para("notice"), items)


def _shown(value: object) -> str:
    if isinstance(value, tuple):
        return "; ".join(str(v) for v in value)
    return str(value)
