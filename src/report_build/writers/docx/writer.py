"""The Word edition: the document model as a .docx a reviewer opens in Word.

Reading order: title page (title, subtitle, authors, publisher, version and date, the DRAFT
mark, the dated update notice), the contents as a TOC field, the chapters (their blocks from
:mod:`.blocks`), the version history. Word's own styles throughout (:mod:`.styles`), real
footnotes, tables whose header rows repeat, pictures with their alt text (SVG with a PNG
fallback, :mod:`.pictures`), bookmarks at every heading, figure and table so that links and
cross-references work, page numbers and the chapter title in the page margins.

:class:`Emitter` writes blocks; the redline (:mod:`report_build.publish.redline`) uses it too,
giving each block or word a tracked change. The low-level XML is :mod:`.ooxml`'s, the package
and its reproducible bytes :mod:`.package`'s.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import docx
from docx.enum.table import WD_TABLE_DIRECTION
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.ns import qn
from docx.shared import Mm

from ... import contract, paper
from ...errors import Diagnostics
from ...model import Document, Footnote, Image
from ...navigation import unlisted_ids
from ...theme import Theme
from . import ooxml, package, pictures, styles
from .blocks import Block, Figure, Para, Reader, Span, Table

MARGIN_MM = 25
BULLETS, NUMBERS = 9001, 9002  # abstract numbering ids, clear of the template's
ALIGN = {"left": WD_ALIGN_PARAGRAPH.LEFT, "center": WD_ALIGN_PARAGRAPH.CENTER, "right": WD_ALIGN_PARAGRAPH.RIGHT}

Item = tuple[Span, str]  # a span and its tracked change: "", "ins" or "del"


def bookmark_name(anchor: str) -> str:
    """A Word bookmark name for an element id: letters, digits and underscores, a letter first,
    at most 40 characters (ids that would collide or run longer end with a digest). The review
    reads bookmarks back to ids with the same function."""
    name = re.sub(r"[^A-Za-z0-9_]", "_", anchor)
    if not name[:1].isalpha():
        name = "id_" + name
    if len(name) > 40 or name != anchor.replace("-", "_"):
        name = name[:31] + "_" + hashlib.sha1(anchor.encode()).hexdigest()[:8]
    return name


@dataclass(frozen=True)
class ChapterBlocks:
    """One chapter as blocks, with what the writer puts around them."""

    id: str
    number: int | None
    blocks: tuple[Block, ...]


def chapter_blocks(document: Document, reader: Reader | None = None) -> list[ChapterBlocks]:
    reader = reader or Reader()
    return [ChapterBlocks(c.id, c.number, tuple(reader.body(c.body))) for c in document.chapters]


class Emitter:
    """Writes blocks into a new python-docx document set up in the house style."""

    def __init__(
        self,
        document: Document,
        theme: Theme,
        diagnostics: Diagnostics,
        revisions: ooxml.Revisions | None = None,
        notes: dict[int, Footnote] | None = None,
        anchors: Iterable[str] = (),
        more_images: Iterable[Image] = (),
    ):
        self.model = document
        self.theme = theme
        self.strings = theme.strings
        self.diagnostics = diagnostics
        self.revisions = revisions or ooxml.Revisions(date=document.modified)
        self.docx = docx.Document()
        meta = document.metadata
        styles.define(self.docx, meta.language, meta.direction == "rtl")
        self.notes_part = ooxml.footnotes_part(self.docx.part)
        self.notes = {note.number: note for note in document.footnotes} if notes is None else notes
        self.note_ids: dict[int, int] = {}
        numbering = self.docx.part.numbering_part.element
        ooxml.abstract_numbering(numbering, BULLETS, "bullet")
        ooxml.abstract_numbering(numbering, NUMBERS, "number")
        self.numbering = numbering
        self.lists: dict[tuple[int, str], int] = {}
        self.anchors: dict[str, str] = {}
        for anchor in anchors:  # two ids that would give one name (a-b, a_b): the second gets a digest
            name = bookmark_name(anchor)
            if name in self.anchors.values():
                name = name[:31] + "_" + hashlib.sha1(anchor.encode()).hexdigest()[:8]
            self.anchors[anchor] = name
        self.pictures = pictures.Pictures(document, diagnostics, more_images)
        self.width_emu = self._page()
        ooxml.settings(self.docx.settings.element, track_changes=True)

    # -- page ----------------------------------------------------------------------------------

    def _page(self) -> int:
        """Page size from the front matter, margins, footer page numbers, running head; the text
        width in EMU."""
        width, height = paper.page_size_mm(self.model.metadata.page_size) or (210, 297)
        section = self.docx.sections[0]
        section.page_width, section.page_height = Mm(width), Mm(height)
        for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
            setattr(section, side, Mm(MARGIN_MM))
        section.header_distance = section.footer_distance = Mm(12)
        section.different_first_page_header_footer = True  # no folio or head on the title page
        footer = section.footer.paragraphs[0]
        footer.style = self.docx.styles.get_by_id("Footer", footer.style.type)
        for r in ooxml.field_runs("PAGE", [ooxml.run("1")]):
            footer._p.append(r)
        header = section.header.paragraphs[0]
        header.style = self.docx.styles.get_by_id("Footer", header.style.type)
        header.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        for r in ooxml.field_runs('STYLEREF "heading 1"', []):
            header._p.append(r)
        return int(Mm(width - 2 * MARGIN_MM))

    # -- blocks ----------------------------------------------------------------------------------

    def body_paragraph(self):
        return self.docx.add_paragraph()._p

    def block(self, block: Block, new_p: Callable | None = None, mark: str = "", part=None) -> None:
        """One block, tracked as inserted or deleted when ``mark`` says so."""
        new_p = new_p or self.body_paragraph
        if isinstance(block, Para):
            self.paragraph(new_p(), block, [(span, mark) for span in block.spans], mark, part)
        elif isinstance(block, Table):
            self.table(block, mark)
        elif isinstance(block, Figure):
            self.figure(block, new_p, mark)

    def paragraph(self, p, para: Para, items: list[Item], para_mark: str = "", part=None, first_run=None) -> None:
        """Fill ``p``: style, list numbering, alignment, bookmark, then the runs."""
        part = part or self.docx.part
        ppr = p.get_or_add_pPr()
        ppr.get_or_add_pStyle().val = styles.style_id(para.style)
        if para.list_kind:
            num_id = self._list(para)
            ooxml.number_paragraph(p, num_id, para.list_level)
        elif para.style == "list-continue" and para.list_level:
            ppr.get_or_add_ind().left = int(Mm(6.35 * (para.list_level + 1)))
        if para.align in ALIGN:
            # in a right-to-left paragraph Word reads left and right as start and end
            swap = {"left": "right", "right": "left"} if self.model.metadata.direction == "rtl" else {}
            ppr.get_or_add_jc().val = ALIGN[swap.get(para.align, para.align)]
        if first_run is not None:
            p.append(first_run)
            p.append(ooxml.run(" "))
        if para.label:
            self._label(p, para.label, para_mark)
        self.runs(p, items, part)
        if para.anchor and para.anchor in self.anchors and para_mark != "del":  # a deleted heading keeps none
            ooxml.bookmark(p, self.anchors[para.anchor], self.revisions.next_id())
        if para_mark:
            self.revisions.paragraph_mark(p, para_mark)

    def _label(self, p, label: str, mark: str) -> None:
        """ "Figure 3: " with the number as a SEQ field, as Word's Insert Caption makes it."""
        word, _, number = label.rpartition(" ")
        colon = str(self.strings.get("colon", ": "))
        if not number.isdigit() or mark:
            self.runs(p, [(Span(label + colon, frozenset({"b"})), mark)], self.docx.part)
            return
        bold = frozenset({"b"})
        p.append(ooxml.run(word + " ", bold))
        for r in ooxml.field_runs(f"SEQ {word} \\* ARABIC", [ooxml.run(number, bold)]):
            p.append(r)
        p.append(ooxml.run(colon, bold))

    def runs(self, p, items: list[Item], part) -> None:
        """Spans as runs; neighbours with one link share a hyperlink, with one change a w:ins/w:del."""
        index = 0
        while index < len(items):
            link = items[index][0].link
            end = index
            while end < len(items) and items[end][0].link == link and not items[end][0].note:
                end += 1
            end = max(end, index + 1)
            target = self._hyperlink(link, part) if link and not items[index][0].note else None
            container = target if target is not None else p
            self._changes(container, items[index:end], part, linked=target is not None)
            if target is not None:
                p.append(target)
            index = end

    def _changes(self, container, items: list[Item], part, linked: bool) -> None:
        index = 0
        while index < len(items):
            mark = items[index][1]
            end = index
            while end < len(items) and items[end][1] == mark:
                end += 1
            holder = self.revisions.mark(mark) if mark else container
            for span, _ in items[index:end]:
                holder.append(self._run(span, deleted=mark == "del", linked=linked, part=part))
            if mark:
                container.append(holder)
            index = end

    def _run(self, span: Span, deleted: bool, linked: bool, part):
        if span.note:
            return ooxml.note_reference(self._note(span.note))
        if span.br:
            return ooxml.break_run()
        if span.image:
            picture = self.pictures.inline(self.docx.part, span.image, span.text, self.width_emu // 3)
            if picture is not None:
                return picture
            return ooxml.run(f"[{span.text}]", span.marks, deleted=deleted)
        style = "Hyperlink" if linked and "code" not in span.marks else ""
        return ooxml.run(span.text, span.marks, style, deleted)

    def _hyperlink(self, link: str, part):
        if link.startswith("#"):
            name = self.anchors.get(link[1:])
            return ooxml.hyperlink(anchor=name) if name else None
        if re.match(r"(?i)(https?|mailto|ftp):", link):
            return ooxml.hyperlink(rel_id=part.relate_to(link, RT.HYPERLINK, is_external=True))
        return None

    def _note(self, number: int) -> int:
        """The Word footnote of note ``number`` (written on its first call)."""
        if number in self.note_ids:
            return self.note_ids[number]
        ident = len(self.note_ids) + 1
        self.note_ids[number] = ident
        note = ooxml.footnote(self.notes_part, ident)
        model_note = self.notes.get(number)
        paras = [b for b in Reader().body(model_note.html) if isinstance(b, Para)] if model_note else []
        if not paras:
            paras = [Para("footnote")]

        def new_p():
            p = ooxml.paragraph()
            note.append(p)
            return p

        for index, para in enumerate(paras):
            style = para.style if para.list_kind else "footnote"
            para = Para(style, para.spans, list_kind=para.list_kind, list_level=para.list_level, list_id=para.list_id)
            first = ooxml.note_mark() if index == 0 else None
            self.paragraph(new_p(), para, [(s, "") for s in para.spans if not s.note], "", self.notes_part, first)
        return ident

    def _list(self, para: Para) -> int:
        key = (para.list_id, para.list_kind)
        if key not in self.lists:
            num_id = 9000 + len(self.lists) + 1
            abstract = NUMBERS if para.list_kind == "number" else BULLETS
            start = para.list_start if para.list_kind == "number" else None
            ooxml.numbering_instance(self.numbering, num_id, abstract, start)
            self.lists[key] = num_id
        return self.lists[key]

    def table(self, table: Table, mark: str = "") -> None:
        if table.caption is not None:
            caption = Para("caption", table.caption.spans, anchor=table.anchor, label=table.caption.label)
            p = self.body_paragraph()
            self.paragraph(p, caption, [(s, mark) for s in caption.spans], mark)
            p.get_or_add_pPr().get_or_add_keepNext().val = True
        grid = _grid(table)
        columns = max((len(row) for row in grid), default=1)
        if not grid:
            return
        word_table = self.docx.add_table(rows=len(grid), cols=columns)
        word_table.style = self.docx.styles.get_by_id(styles.TABLE_STYLE, word_table.style.type)
        if self.model.metadata.direction == "rtl":
            word_table.table_direction = WD_TABLE_DIRECTION.RTL
        for r, row in enumerate(grid):
            tr = word_table.rows[r]._tr
            if r < table.header_rows:
                ooxml.repeat_header(tr)
            else:
                ooxml.keep_row_whole(tr)
            if mark:
                self.revisions.row(tr, mark)
            for c, placed in enumerate(row):
                if placed is None:
                    continue
                cell_obj, rowspan, colspan = placed
                cell = word_table.cell(r, c)
                if rowspan > 1 or colspan > 1:
                    cell = cell.merge(word_table.cell(min(r + rowspan, len(grid)) - 1, min(c + colspan, columns) - 1))
                first = [True]

                def new_p(cell=cell, first=first):
                    if first[0]:
                        first[0] = False
                        return cell.paragraphs[0]._p
                    return cell.add_paragraph()._p

                for para in cell_obj.paras:
                    if cell_obj.header:
                        para = Para(para.style, tuple(_bold(s) for s in para.spans), align=para.align)
                    self.block(para, new_p, mark)
        self.body_paragraph()  # Word needs a paragraph between two tables; it gives the space after

    def figure(self, figure: Figure, new_p: Callable | None = None, mark: str = "") -> None:
        new_p = new_p or self.body_paragraph
        p = new_p()
        ppr = p.get_or_add_pPr()
        ppr.get_or_add_keepNext().val = True
        ppr.get_or_add_jc().val = WD_ALIGN_PARAGRAPH.CENTER
        picture = self.pictures.inline(self.docx.part, figure.src, figure.alt, self.width_emu, figure.decorative)
        if picture is None:
            picture = ooxml.run(f"[{figure.alt}]", deleted=mark == "del")
        if mark:
            holder = self.revisions.mark(mark)
            holder.append(picture)
            p.append(holder)
            self.revisions.paragraph_mark(p, mark)
        else:
            p.append(picture)
        if figure.anchor in self.anchors and mark != "del":
            ooxml.bookmark(p, self.anchors[figure.anchor], self.revisions.next_id())
        if figure.caption is not None:
            self.paragraph(new_p(), figure.caption, [(s, mark) for s in figure.caption.spans], mark)

    # -- the furniture -----------------------------------------------------------------------------

    def title_page(self) -> None:
        meta, doc, words = self.model.metadata, self.model, self.strings
        self.simple("title", meta.title)
        if meta.subtitle:
            self.simple("subtitle", meta.subtitle)
        if meta.authors:
            self.simple("front", _names(meta.authors, str(words.get("and", "and"))))
        if meta.publisher:
            self.simple("front", meta.publisher)
        if doc.release is not None:
            self.simple("front", f"{words['version']} {doc.version} · {self.theme.longdate(doc.release.date)}")
        elif doc.date is not None:
            self.simple("front", self.theme.longdate(doc.date))
        if doc.draft:
            draft = str(words["draft_explained"]).format(version=doc.version)
            self.simple("front", f"{words['draft']}: {draft}", frozenset({"b"}))
        release = doc.release
        if release is not None and release.notice:
            when = self.theme.longdate(release.date)
            label = f"{words['updated']}{words['comma']}{when} · {words['version']} {release.version}"
            self.simple("notice-title", label, anchor="update-notice")
            self.simple("notice", release.notice)

    def simple(self, style: str, text: str, marks: frozenset[str] = frozenset(), anchor: str = "", mark: str = ""):
        p = self.body_paragraph()
        para = Para(style, (Span(text, marks),) if text else (), anchor=anchor)
        self.paragraph(p, para, [(s, mark) for s in para.spans], mark)
        return p

    def contents(self, chapters: list[ChapterBlocks], history: bool, unlisted: frozenset[str] = frozenset()) -> None:
        """The contents as a TOC field (Word fills in the page numbers on opening); until then
        its result lists every chapter and section, linked, but those marked ``{.unlisted}``
        (``unlisted``: their ids, :func:`report_build.navigation.unlisted_ids`)."""
        p = self.simple("toc-heading", str(self.strings["contents"]), anchor="contents")
        p.get_or_add_pPr().get_or_add_pageBreakBefore().val = True
        entries: list[tuple[int, str, str]] = []
        for chapter in chapters:
            for block in chapter.blocks:
                if (
                    isinstance(block, Para)
                    and block.style in ("h1", "h2")
                    and block.text
                    and block.anchor not in unlisted
                ):
                    entries.append((int(block.style[1]), block.text, block.anchor))
        if history:
            entries.append((1, str(self.strings["version_history"]), contract.HISTORY_ID))
        if not entries:
            return
        paragraphs = []
        for level, text, anchor in entries:
            p = self.body_paragraph()
            p.get_or_add_pPr().get_or_add_pStyle().val = styles.style_id(f"toc{level}")
            name = self.anchors.get(anchor)
            if name:
                link = ooxml.hyperlink(anchor=name)
                link.append(ooxml.run(text))
                p.append(link)
            else:
                p.append(ooxml.run(text))
            paragraphs.append(p)
        begin, instr, separate, end = ooxml.field_runs('TOC \\o "1-2" \\h \\z \\u', [])
        first = paragraphs[0]
        ppr = first.find(qn("w:pPr"))
        ppr.addnext(begin)
        begin.addnext(instr)
        instr.addnext(separate)
        paragraphs[-1].append(end)

    def chapter(self, chapter: ChapterBlocks, marks: list[str] | None = None) -> None:
        """A chapter on a new page, its number above the heading when it has one."""
        body = self.docx.element.body
        before = body[-2] if len(body) > 1 else None  # the last block so far (sectPr is last)
        for index, block in enumerate(chapter.blocks):
            mark = marks[index] if marks else ""
            if index == 0 and chapter.number is not None and isinstance(block, Para) and block.style == "h1":
                self.simple("chapter-number", str(chapter.number), mark=mark)
            self.block(block, mark=mark)
        opener = before.getnext() if before is not None else body[0]
        while opener is not None and opener.tag != qn("w:p"):
            opener = opener.getnext()
        self.page_break_before(opener)

    def last_block(self):
        """The block written last (the body's last child is its section properties)."""
        body = self.docx.element.body
        return body[-2] if len(body) > 1 else None

    @staticmethod
    def page_break_before(p) -> None:
        """``p`` opens a new page (a chapter's first paragraph)."""
        if p is not None and p.tag == qn("w:p"):
            p.get_or_add_pPr().get_or_add_pageBreakBefore().val = True

    def history(self) -> None:
        """The version history at the end, every release newest first."""
        releases = self.model.releases
        if not releases:
            return
        p = self.simple("h1", str(self.strings["version_history"]), anchor=contract.HISTORY_ID)
        self.page_break_before(p)
        for release in releases:
            heading = f"{self.strings['version']} {release.version} · {self.theme.longdate(release.date)}"
            self.simple("term", heading)
            if release.summary:
                self.simple("definition", release.summary)
            ident = 8000 + len(self.lists)
            for change in release.changes:
                self.block(Para("list", (Span(change),), list_kind="bullet", list_id=ident))

    def save(self) -> bytes:
        return package.finish(self.docx, self.model)


def _bold(span: Span) -> Span:
    return Span(span.text, span.marks | {"b"}, span.link, span.note, span.image, span.br)


def _names(names: tuple[str, ...], conjunction: str) -> str:
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + f" {conjunction} " + names[-1]


def _grid(table: Table) -> list[list[tuple | None]]:
    """Rows of (cell, rowspan, colspan) at the grid position each starts at, None where a merged
    cell covers it: the table as Word's grid."""
    grid: list[list[tuple | None]] = []
    covered: set[tuple[int, int]] = set()
    for r, row in enumerate(table.rows):
        while len(grid) <= r:
            grid.append([])
        c = 0
        for cell in row:
            while (r, c) in covered:
                c += 1
            for dr in range(cell.rowspan):
                for dc in range(cell.colspan):
                    covered.add((r + dr, c + dc))
            line = grid[r]
            while len(line) <= c:
                line.append(None)
            line[c] = (cell, min(cell.rowspan, len(table.rows) - r), cell.colspan)
            c += cell.colspan
    width = max((max((c for (_, c) in covered), default=-1) + 1), 1)
    height = len(table.rows)
    for line in grid[:height]:
        line.extend([None] * (width - len(line)))
    return grid[:height]


def all_anchors(document: Document, chapters: list[ChapterBlocks]) -> list[str]:
    """Every id a link may land on: headings, figures, tables, the version history."""
    found = [contract.HISTORY_ID, "update-notice", "contents"]
    for chapter in chapters:
        found.append(chapter.id)
        for block in chapter.blocks:
            if block.anchor:
                found.append(block.anchor)
            if isinstance(block, Table) and block.caption is not None and block.caption.anchor:
                found.append(block.caption.anchor)
    return list(dict.fromkeys(found))


def write_docx(document: Document, theme: Theme, diagnostics: Diagnostics | None = None) -> bytes:
    """The Word edition's bytes (reproducible: the same sources give the same bytes)."""
    diagnostics = diagnostics or Diagnostics(echo=False)
    document = document.for_output("docx")
    chapters = chapter_blocks(document)
    emitter = Emitter(document, theme, diagnostics, anchors=all_anchors(document, chapters))
    emitter.title_page()
    emitter.contents(chapters, history=bool(document.releases), unlisted=unlisted_ids(document))
    for chapter in chapters:
        emitter.chapter(chapter)
    emitter.history()
    return emitter.save()
