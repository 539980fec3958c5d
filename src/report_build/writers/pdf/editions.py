"""The two PDF editions once written: page labels from the print folios, and a screen edition
without the blank pages that the print edition needs.

Both editions are laid out alike (one pagination, in which chapters open on right-hand pages),
so that a page number is the same in either and in the ePub's page list. Printed and bound, the
book needs a blank left-hand page before a chapter that would otherwise open on one; on a screen
that page is an empty stop. So, after layout and without changing it:

- every page gets a PDF page label, the folio printed on it (``iv``, ``14``; the cover its name),
  so that a viewer shows, and goes to, the page numbers that the contents, cross-references,
  citations and the ePub's page list give;
- the screen edition drops the blank left-hand pages (the pages the layout left blank before a
  chapter that opens on the right, when they draw nothing and hold no link); the pages it keeps
  keep their print labels, so "p. 14" is the same page in both editions.

Invariant: nothing that points at a page (outline, link annotations, named destinations, the
structure tree) is left pointing at a removed one; a reference to a removed page goes to the
page after it.
"""

from __future__ import annotations

import io
import re
from collections.abc import Collection, Sequence
from typing import Any

import pikepdf

from ...errors import RenderError

PAINTING = frozenset(
    {"Tj", "TJ", "'", '"', "Do", "BI", "sh", "f", "F", "f*", "B", "B*", "b", "b*", "S", "s"}
)  # the content-stream operators that put marks on a page
ROMAN = re.compile(r"^(m{0,3})(cm|cd|d?c{0,3})(xc|xl|l?x{0,3})(ix|iv|v?i{0,3})$")


def finish(data: bytes, folios: Sequence[str], edition: str, cover: str, blank: Collection[int]) -> bytes:
    """The written PDF with page labels, and for the ``screen`` edition without its blank
    left-hand pages. ``folios``: the number printed on each page ("" for none); ``cover``: the
    first page's label when it prints none; ``blank``: the pages the layout left blank
    (:func:`laid_blank`), the only ones removed."""
    try:
        with pikepdf.open(io.BytesIO(data)) as pdf:
            if len(folios) != len(pdf.pages):
                raise RenderError(f"PDF: {len(folios)} folios for {len(pdf.pages)} pages")
            keep = [
                edition != "screen" or index not in blank or not _blank_verso(page, index)
                for index, page in enumerate(pdf.pages)
            ]
            kept = [folio for folio, kept in zip(folios, keep, strict=True) if kept]
            pdf.Root.PageLabels = page_labels(kept, cover)
            if not all(keep):
                _remove(pdf, keep)
            out = io.BytesIO()
            pdf.save(out, deterministic_id=True)
    except pikepdf.PdfError as exc:
        raise RenderError(f"PDF: the {edition} edition's pages could not be finished: {exc}") from None
    return out.getvalue()


def blank_versos(pages: Any) -> tuple[int, ...]:
    """The indexes of the laid-out ``pages`` (a WeasyPrint document) that the screen edition
    leaves out, as :func:`finish` finds them in the written whole: left-hand pages that the
    layout left blank (WeasyPrint's blank pages, before a chapter that opens on the right), and
    that put no mark on the paper and hold no link. Each of those few is written on its own to
    be read (0.4 ms a page), so that a part of a parallel layout is written without them and
    never read again (:mod:`.writer`)."""
    found = []
    for index in laid_blank(pages):
        page = pages.pages[index]
        if index % 2 == 0 or page.links:  # a link is kept (and, written alone, might go unwritten)
            continue
        alone = pages.copy([page]).write_pdf()
        with pikepdf.open(io.BytesIO(alone)) as pdf:
            if _blank_verso(pdf.pages[0], index):
                found.append(index)
    return tuple(found)


def laid_blank(pages: Any) -> frozenset[int]:
    """The indexes of the pages that the layout left blank (WeasyPrint's blank page type)."""
    return frozenset(index for index, page in enumerate(pages.pages) if page._page_box.page_type.blank)


def page_labels(folios: Sequence[str], cover: str) -> pikepdf.Dictionary:
    """The catalog's ``/PageLabels``: each page labelled with its folio (``folios``: the number
    printed on each page of the PDF, "" for none); ``cover``: the first page's label when it
    prints none."""
    return pikepdf.Dictionary(Nums=pikepdf.Array(_label_ranges(folios, cover)))


def _blank_verso(page: pikepdf.Page, index: int) -> bool:
    """A left-hand page (the second, fourth ... counted from the cover) that puts no mark on the
    paper and holds no link."""
    if index % 2 == 0 or page.obj.get("/Annots"):
        return False
    return not any(str(operator) in PAINTING for _operands, operator in pikepdf.parse_content_stream(page))


def parse_folio(folio: str) -> tuple[str, int] | None:
    """("D", 14) for "14", ("r", 4) for "iv", ("R", 4) for "IV"; None for anything else."""
    if folio.isascii() and folio.isdigit():
        return "D", int(folio)
    for style, text in (("r", folio), ("R", folio.lower() if folio.isupper() else "")):
        if text and ROMAN.match(text):
            return style, _roman_value(text)
    return None


def _label_ranges(folios: Sequence[str], cover: str) -> list[object]:
    """The /PageLabels number tree's /Nums: a new range wherever the numbering does not go on."""
    nums: list[object] = []
    expected: tuple[str, int] | None = None
    for index, folio in enumerate(folios):
        parsed = parse_folio(folio)
        if not folio:
            if index == 0:
                nums += [index, pikepdf.Dictionary(P=pikepdf.String(cover))]
                expected = None
            elif expected is not None:
                expected = (expected[0], expected[1] + 1)  # the range goes on over an unnumbered page
            continue
        if parsed is not None and parsed == expected:
            expected = (parsed[0], parsed[1] + 1)
            continue
        if parsed is None:  # a folio PDF has no style for (other digits, letters): the text itself
            nums += [index, pikepdf.Dictionary(P=pikepdf.String(folio))]
            expected = None
            continue
        style, number = parsed
        nums += [index, pikepdf.Dictionary(S=pikepdf.Name("/" + style), St=number)]
        expected = (style, number + 1)
    return nums


def _remove(pdf: pikepdf.Pdf, keep: Sequence[bool]) -> None:
    """Remove the pages not kept; whatever pointed at one points at the next page kept."""
    pages = list(pdf.pages)
    following: dict[tuple[int, int], pikepdf.Object] = {}
    successor = None
    for page, kept in reversed(list(zip(pages, keep, strict=True))):
        if kept:
            successor = page.obj
        else:
            following[page.obj.objgen] = successor if successor is not None else _last_kept(pages, keep)
    tree = {key: value for key, value in pdf.Root.items() if key not in ("/Pages", "/StructTreeRoot")}
    _repoint(tree.values(), following, set())
    if "/StructTreeRoot" in pdf.Root:
        _repoint_structure(pdf.Root.StructTreeRoot, following)
    for page in pages:
        for annotation in page.obj.get("/Annots") or []:
            _repoint([annotation], following, set())
    for index in reversed(range(len(pages))):
        if not keep[index]:
            del pdf.pages[index]


def _last_kept(pages: list[pikepdf.Page], keep: Sequence[bool]) -> pikepdf.Object:
    return next(page.obj for page, kept in zip(reversed(pages), reversed(keep), strict=True) if kept)


def _repoint(objects, following: dict[tuple[int, int], pikepdf.Object], seen: set[tuple[int, int]]) -> None:
    """Replace, inside ``objects`` (dictionaries and arrays, walked to the bottom), every
    reference to a removed page by the page that follows it."""
    stack = list(objects)
    while stack:
        item = stack.pop()
        if isinstance(item, pikepdf.Dictionary):
            if (item.is_indirect and item.get("/Type") == "/Page") or not _first_visit(item, seen):
                continue
            for key in list(item.keys()):
                value = item[key]
                if key in ("/Parent", "/P"):  # up the tree: walked from the top already
                    continue
                if _removed(value, following):
                    item[key] = following[value.objgen]
                else:
                    stack.append(value)
        elif isinstance(item, pikepdf.Array):
            if not _first_visit(item, seen):
                continue
            for position, value in enumerate(item):
                if _removed(value, following):
                    item[position] = following[value.objgen]
                else:
                    stack.append(value)


def _repoint_structure(tree_root: pikepdf.Dictionary, following: dict[tuple[int, int], pikepdf.Object]) -> None:
    """:func:`_repoint` for the structure tree, the largest part of a tagged PDF, by the one road
    that leads from it to a page: the ``/Pg`` of its elements and of their marked-content and
    object references, found down ``/K``. (Its parent tree and id tree lead to the same
    elements; its role and class maps to none.)"""
    stack = [tree_root.get("/K")]
    seen: set[tuple[int, int]] = set()
    while stack:
        item = stack.pop()
        if isinstance(item, pikepdf.Array):
            stack.extend(item)
        elif isinstance(item, pikepdf.Dictionary):
            if not _first_visit(item, seen):
                continue
            page = item.get("/Pg")
            if page is not None and _removed(page, following):
                item.Pg = following[page.objgen]
            if "/K" in item:
                stack.append(item.K)


def _first_visit(item: pikepdf.Object, seen: set[tuple[int, int]]) -> bool:
    """Whether a walk meets ``item`` for the first time (a direct object always is: it has one
    parent); an indirect one is noted as seen."""
    if not item.is_indirect:
        return True
    if item.objgen in seen:
        return False
    seen.add(item.objgen)
    return True


def _removed(value: object, following: dict[tuple[int, int], pikepdf.Object]) -> bool:
    return isinstance(value, pikepdf.Dictionary) and value.is_indirect and value.objgen in following


def _roman_value(text: str) -> int:
    values = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100, "d": 500, "m": 1000}
    total = 0
    for index, char in enumerate(text):
        value = values[char]
        total += -value if index + 1 < len(text) and values[text[index + 1]] > value else value
    return total
