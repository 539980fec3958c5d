"""Reviewers' comments and tracked changes, read from a reviewed Word file, placed at the
``file:line`` of the manuscript they are about.

The Word file is the Word edition or a redline, returned with comments and changes. Each
comment's anchored text, and each change a reviewer made (any author but report-build, whose
own changes are the redline's), is placed in three steps:

1. the bookmark before it names the heading, figure or table it comes after (the Word edition
   puts one at each), whose line the document model knows;
2. the paragraph's text as the manuscript has it (reviewers' insertions left out, their
   deletions kept) is found in the composed manuscript from there on, word by word, markup and
   punctuation aside, and the anchored text's place in it gives the line;
3. the line in the composed text is mapped back through the composer's line map to the file
   it was written in: a chapter file, an include; the update notice and the version history
   are placed in ``changelog.yaml``, the title page in the front matter.

What cannot be placed is listed with its text and "not found". Nothing is written.
"""

from __future__ import annotations

import json
import os
import re
import zipfile
from bisect import bisect_left
from dataclasses import asdict, dataclass
from pathlib import Path

from lxml import etree

from .. import contract
from ..build import load
from ..errors import Diagnostics, ManuscriptError
from ..model import Document
from ..source import changelog, frontmatter
from ..source.compose import Selection, compose
from ..source.text import read_text
from ..writers.docx.writer import bookmark_name

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
OWN_AUTHOR = "report-build"
WORD = re.compile(r"\w+", re.UNICODE)
MARKUP = (
    re.compile(r"\]\([^)]*\)"),  # link and image destinations
    re.compile(r"\[\^[^\]]+\]:?"),  # footnote calls and labels
    re.compile(r"\{[#.][^}]*\}"),  # attribute lists
    re.compile(r"</?[A-Za-z][^>]*>"),  # raw HTML tags
    re.compile(r"\[-?@[^\]]*\]|(?<!\w)@[\w:.-]+"),  # citations and references
    re.compile(r"^\s*(?:!!!|\?\?\?|:::)\s*\w*"),  # callout and div fences
    re.compile(r"^\s*Table:"),
    re.compile(r"\{\{<[^>]*>\}\}"),
)
CONTEXT_WORDS = 10  # words of a paragraph enough to find it


@dataclass(frozen=True)
class Remark:
    """One comment or tracked change, where it belongs."""

    path: str  # "" when not found
    line: int | None
    author: str
    anchored: str
    comment: str
    kind: str  # comment | inserted | deleted
    date: str = ""

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.path else "not found"
        return f'{where}: {self.author}: "{self.anchored}": {self.comment}'


@dataclass
class _Found:
    kind: str
    ident: str
    author: str
    date: str
    anchored: list[str]
    paragraph: int  # index of the paragraph it starts in
    offset: int  # words of that paragraph before it
    comment: str = ""


@dataclass
class _Paragraph:
    words: list[str]
    context: tuple[str, ...]  # the bookmarks before it, nearest last


def review(docx_path: Path | str, manuscript: Path | str) -> list[Remark]:
    """Every comment and reviewer's change in ``docx_path``, placed in ``manuscript``; sorted by
    file and line, what could not be placed last."""
    try:
        with zipfile.ZipFile(docx_path) as package:
            body = etree.fromstring(package.read("word/document.xml"))
            names = set(package.namelist())
            comments = etree.fromstring(package.read("word/comments.xml")) if "word/comments.xml" in names else None
    except (OSError, KeyError, zipfile.BadZipFile, etree.XMLSyntaxError) as exc:
        raise ManuscriptError(f"not a Word file that can be read ({exc})", Path(docx_path)) from None
    paragraphs, found = _read(body)
    texts = _comment_texts(comments)
    for item in found:
        if item.kind == "comment":
            item.comment = texts.get(item.ident, ("", "", ""))[0]
            item.author = texts.get(item.ident, ("", "", ""))[1]
            item.date = texts.get(item.ident, ("", "", ""))[2]
    places = _Places(Path(manuscript))
    remarks = [places.place(item, paragraphs) for item in found]
    remarks.sort(key=lambda r: (not r.path, r.path, r.line or 0, r.kind, r.anchored))
    return remarks


def as_json(remarks: list[Remark]) -> str:
    return json.dumps([asdict(r) | {"found": bool(r.path)} for r in remarks], ensure_ascii=False, indent=2)


# -- reading the Word file ----------------------------------------------------------------------


def _read(body) -> tuple[list[_Paragraph], list[_Found]]:
    """Paragraphs (the manuscript's words) and the comments and changes, in document order."""
    paragraphs: list[_Paragraph] = []
    found: list[_Found] = []
    open_comments: dict[str, _Found] = {}
    context: tuple[str, ...] = ()
    for p in body.iter(f"{W}p"):
        words: list[str] = []
        for node in p.iter():
            tag = node.tag
            if tag == f"{W}bookmarkStart":
                context = (*context[-7:], node.get(f"{W}name", ""))
            elif tag == f"{W}commentRangeStart":
                item = _Found("comment", node.get(f"{W}id", ""), "", "", [], len(paragraphs), len(words))
                open_comments[item.ident] = item
                found.append(item)
            elif tag == f"{W}commentRangeEnd":
                open_comments.pop(node.get(f"{W}id", ""), None)
            elif tag in (f"{W}t", f"{W}delText") and node.text:
                change = _change_of(node)
                reviewer = change is not None and change.get(f"{W}author", "") != OWN_AUTHOR
                in_text = (tag == f"{W}t" and not reviewer) or (tag == f"{W}delText" and reviewer)
                shown = tag == f"{W}t"  # what the reviewer sees, for the anchored text
                if reviewer:
                    _add_change(found, change, node.text, len(paragraphs), len(words))
                for item in open_comments.values():
                    if shown:
                        item.anchored.append(node.text)
                if in_text:
                    words.extend(WORD.findall(node.text.lower()))
        paragraphs.append(_Paragraph(words, context))
        for item in open_comments.values():
            item.anchored.append(" ")
    return paragraphs, found


def _change_of(node):
    for ancestor in node.iterancestors():
        if ancestor.tag in (f"{W}ins", f"{W}del"):
            return ancestor
        if ancestor.tag == f"{W}p":
            return None
    return None


def _add_change(found: list[_Found], change, text: str, paragraph: int, offset: int) -> None:
    kind = "inserted" if change.tag == f"{W}ins" else "deleted"
    ident = change.get(f"{W}id", "")
    last = found[-1] if found else None
    if last is not None and last.kind == kind and last.ident == ident:
        last.anchored.append(text)
        return
    author, date = change.get(f"{W}author", ""), change.get(f"{W}date", "")
    found.append(_Found(kind, ident, author, date, [text], paragraph, offset, kind))


def _comment_texts(comments) -> dict[str, tuple[str, str, str]]:
    if comments is None:
        return {}
    out = {}
    for comment in comments.iter(f"{W}comment"):
        paragraphs = [" ".join("".join(t.text or "" for t in p.iter(f"{W}t")).split()) for p in comment.iter(f"{W}p")]
        out[comment.get(f"{W}id", "")] = (
            " ".join(p for p in paragraphs if p),
            comment.get(f"{W}author", ""),
            comment.get(f"{W}date", ""),
        )
    return out


# -- placing them in the manuscript -------------------------------------------------------------


class _Places:
    """The composed manuscript's words, each with the file and line it was written at."""

    def __init__(self, manuscript: Path):
        self.manuscript = manuscript
        self.document: Document = load(manuscript, Diagnostics(echo=False), Path(os.devnull) / "none")
        text = read_text(manuscript)
        front, _body, offset = frontmatter.split(text, manuscript)
        raw, key_lines = frontmatter.parse(front, manuscript, Diagnostics(echo=False))
        composed = compose(manuscript, text, offset, raw, key_lines, Selection("docx"), Diagnostics(echo=False))
        self.key_lines = key_lines
        self.words: list[str] = []
        self.lines: list[int] = []  # composed line of each word
        self.origins = composed.lines
        code = False
        for number, line in enumerate(composed.text.split("\n")[offset:], offset + 1):
            if re.match(r"^\s{0,3}(`{3,}|~{3,})", line):
                code = not code
            if not code:
                for pattern in MARKUP:
                    line = pattern.sub(" ", line)
            for word in WORD.findall(line.lower()):
                self.words.append(word)
                self.lines.append(number)
        self.first: dict[str, list[int]] = {}
        for index, word in enumerate(self.words):
            self.first.setdefault(word, []).append(index)
        self.anchor_lines = self._anchor_lines(composed)

    def _anchor_lines(self, composed) -> dict[str, int]:
        """Bookmark name -> composed line of the heading, figure or table it marks."""
        reverse: dict[tuple[str, int], int] = {}
        for number, origin in enumerate(composed.lines.origins, 1):
            reverse.setdefault((str(origin[0].resolve()), origin[1]), number)
        out: dict[str, int] = {}
        for chapter in self.document.chapters:
            source = chapter.source if chapter.source is not None else self.manuscript
            if not source.is_absolute():
                source = Path.cwd() / source
            marks = [(chapter.id, chapter.line), *((s.id, s.line) for s in chapter.sections)]
            for anchor, line in marks:
                if line is not None and (str(source.resolve()), line) in reverse:
                    out[bookmark_name(anchor)] = reverse[(str(source.resolve()), line)]
        return out

    def place(self, item: _Found, paragraphs: list[_Paragraph]) -> Remark:
        anchored = " ".join("".join(item.anchored).split())
        paragraph = paragraphs[item.paragraph] if item.paragraph < len(paragraphs) else _Paragraph([], ())
        where = self._special(paragraph.context[-1] if paragraph.context else "")
        if where is None and not paragraph.context:  # before the first heading: the title page
            where = self._front_matter(paragraph.words)
        if where is None:
            known = [self.anchor_lines[name] for name in paragraph.context if name in self.anchor_lines]
            start = self._word_at(known[-1] if known else 0)
            line = self._find_paragraph(paragraph.words, item.offset, start)
            if line is None and item.kind != "inserted":
                line = self._find(WORD.findall(anchored.lower()), start)
            where = self.origins.locate(line) if line is not None else self._front_matter(paragraph.words)
        if where is None or where[0] is None:
            return Remark("", None, item.author, anchored, item.comment, item.kind, item.date)
        return Remark(_shown(where[0]), where[1], item.author, anchored, item.comment, item.kind, item.date)

    def _special(self, context: str) -> tuple[Path, int | None] | None:
        """The furniture the Word edition adds: the update notice and history come from the
        changelog, the title page from the front matter."""
        log = changelog.find(self.manuscript)
        release = self.document.release
        if context in (bookmark_name("update-notice"), bookmark_name(contract.HISTORY_ID)) and log is not None:
            return log, release.line if release is not None else 1
        return None

    def _front_matter(self, words: list[str]) -> tuple[Path, int | None] | None:
        """A title page line: the front matter key whose value it shows."""
        meta = self.document.metadata
        for key, value in (("title", meta.title), ("subtitle", meta.subtitle), ("publisher", meta.publisher)):
            if value and WORD.findall(value.lower()) == words:
                return self.manuscript, self.key_lines.get(key, 1)
        for name in meta.authors:
            if WORD.findall(name.lower()) and " ".join(WORD.findall(name.lower())) in " ".join(words):
                key = "authors" if "authors" in self.key_lines else "author"
                return self.manuscript, self.key_lines.get(key, 1)
        return None

    def _word_at(self, line: int) -> int:
        return bisect_left(self.lines, line)

    def _find_paragraph(self, words: list[str], offset: int, start: int) -> int | None:
        """The composed line of the ``offset``-th word of the paragraph ``words``."""
        if not words:
            return None
        for begin in range(0, max(1, len(words) - 3), max(1, CONTEXT_WORDS // 2)):
            window = words[begin : begin + CONTEXT_WORDS]
            at = self._match(window, start)
            if at is not None:
                index = min(max(at - begin + offset, 0), len(self.lines) - 1)
                return self.lines[index]
        return None

    def _find(self, words: list[str], start: int) -> int | None:
        at = self._match(words[:CONTEXT_WORDS], start) if words else None
        return self.lines[at] if at is not None else None

    def _match(self, window: list[str], start: int) -> int | None:
        """The first place at or after ``start`` (else anywhere) where ``window`` occurs."""
        candidates = self.first.get(window[0], []) if window else []
        ordered = [i for i in candidates if i >= start] + [i for i in candidates if i < start]
        for index in ordered:
            if self.words[index : index + len(window)] == window:
                return index
        return None


def _shown(path: Path) -> str:
    """A path as messages show it: relative to the working folder when inside it."""
    try:
        return os.path.relpath(path)
    except ValueError:
        return str(path)
