"""Parallel layout, the hand-over: what a group is told about the pages before it to lay out
exactly as it would in one pass, first guessed, then settled from what the groups' layouts gave.

A group is told (:class:`Handover`):

- its first page number (``@page :first { counter-reset: page N }``);
- its first footnote number (``html { counter-reset: footnote N }``), counted in the HTML;
- the page number of every link target in another group that a ``target-counter(..., page)``
  rule prints (contents, lists of figures, cross-references): the link gets ``data-rb-page``
  (and ``data-rb-page-digits``, the number in the language's digits, for ``rb-digits``),
  and the rule is repeated with ``attr(data-rb-page)`` in its place (:mod:`.layout_rules`);
- the named strings set before it and not by it (``string-set``: the report title of the
  running heads, set on the title page).

The first guess (:func:`guess`) comes from the last build's :class:`PageMap`, or from the
letters; :func:`settle` gives the hand-over each group should have had once all are laid out.
No WeasyPrint here.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .groups import Plan

LETTERS_PER_PAGE = 1200  # a page's letters, first estimate (headings, figures, blank pages included)


@dataclass(frozen=True)
class Handover:
    """What a group is told about the pages before it (see the module's docstring)."""

    first_page: int = 1  # the page counter on the group's first page
    notes_before: int = 0  # footnotes in the groups before
    target_pages: tuple[tuple[str, int], ...] = ()  # (id, page number) of targets in other groups
    strings: tuple[tuple[str, str], ...] = ()  # (name, value) of the strings set before the group


# -- the hand-over, settled from what the groups gave ----------------------------------------


@dataclass(frozen=True)
class Laid:
    """What a group's layout says about the hand-over: its pages, the page of each id, and the
    page of the main matter's first page (the first group only)."""

    pages: int
    id_pages: dict[str, int]
    opening: int | None = None


def blanks_and_starts(pages: Sequence[int]) -> tuple[list[bool], list[int]]:
    """For groups of these page counts: whether a blank page precedes each one (a chapter opens
    on a right-hand page, so after an odd number of pages), and the index of its first page."""
    blanks, starts, position = [], [], 0
    for index, count in enumerate(pages):
        blank = index > 0 and position % 2 == 1
        position += blank
        blanks.append(blank)
        starts.append(position)
        position += count
    return blanks, starts


def placed(laid: Sequence[Laid]) -> tuple[list[int], int]:
    """Where the groups' pages fall in the joined PDF: each group's first page index, and the
    index of the main matter's first page (page number 1)."""
    _blanks, starts = blanks_and_starts([group.pages for group in laid])
    return starts, starts[0] + (laid[0].opening or 0)


def settle(the_plan: Plan, laid: Sequence[Laid]) -> list[Handover]:
    """The hand-over each group should have had, given what every group's layout gave. When it
    equals the one a group was laid out with, that group's pages are final."""
    if laid[0].opening is None:
        raise ValueError("the first group does not hold the main matter's first page")
    starts, first_main = placed(laid)

    def folio(index: int) -> int:
        return index - first_main + 1

    where = {}
    for group_index, group in enumerate(laid):
        for ident, page in group.id_pages.items():
            where.setdefault(ident, starts[group_index] + page)
    handovers = []
    for index, group in enumerate(the_plan.groups):
        targets = tuple(
            (ident, folio(where[ident])) for ident in group.paged_out if ident in where and where[ident] >= first_main
        )
        handovers.append(
            Handover(
                first_page=folio(starts[index]) if index else 1,
                notes_before=the_plan.notes_before[index],
                target_pages=targets,
                strings=the_plan.strings[index],
            )
        )
    return handovers


def front_targets(the_plan: Plan, laid: Sequence[Laid]) -> list[str]:
    """Targets printed with a page number from another group that lie before the main matter:
    their number is not one the hand-over can give (the front matter counts its own way)."""
    starts, first_main = placed(laid)
    wanted = {ident for group in the_plan.groups for ident in group.paged_out}
    return sorted(
        ident
        for index, group in enumerate(laid)
        for ident, page in group.id_pages.items()
        if ident in wanted and starts[index] + page < first_main
    )


# -- the first guess: from the last build's page map, or from the letters ---------------------


@dataclass(frozen=True)
class PageMap:
    """What one layout leaves for the next one's first guess: each chapter's pages (by digest and
    by position), the pages before the main matter, and every id's page number."""

    chapter_pages: tuple[int, ...] = ()
    chapter_digests: tuple[str, ...] = ()
    front_pages: int = 0
    id_folios: dict[str, int] = field(default_factory=dict)

    def to_json(self) -> bytes:
        return json.dumps(
            {
                "chapter_pages": self.chapter_pages,
                "chapter_digests": self.chapter_digests,
                "front_pages": self.front_pages,
                "id_folios": self.id_folios,
            },
            sort_keys=True,
        ).encode("utf-8")

    @classmethod
    def from_json(cls, data: bytes | None) -> PageMap | None:
        if data is None:
            return None
        try:
            entry = json.loads(data)
            return cls(
                tuple(int(n) for n in entry["chapter_pages"]),
                tuple(str(d) for d in entry["chapter_digests"]),
                int(entry["front_pages"]),
                {str(k): int(v) for k, v in entry["id_folios"].items()},
            )
        except (ValueError, KeyError, TypeError, AttributeError):
            return None


def expected_pages(
    digests: Sequence[str], letters: Sequence[int], front_letters: int, previous: PageMap | None
) -> tuple[list[float], float]:
    """Expected pages per chapter and before the main matter: a chapter the last layout saw
    unchanged keeps its page count, an edited one its place's; others are estimated from their
    letters (:data:`LETTERS_PER_PAGE`)."""
    per_page = LETTERS_PER_PAGE
    known = {}
    if previous is not None and previous.chapter_pages:
        known = dict(zip(previous.chapter_digests, previous.chapter_pages, strict=False))
    pages = []
    for index, (digest, count) in enumerate(zip(digests, letters, strict=True)):
        if digest in known:
            pages.append(float(known[digest]))
        elif previous is not None and index < len(previous.chapter_pages):
            pages.append(float(previous.chapter_pages[index]))  # edited: about as long as before
        else:
            pages.append(max(1.0, count / per_page))
    front = float(previous.front_pages) if previous is not None else max(2.0, front_letters / per_page)
    return pages, front


def guess(the_plan: Plan, previous: PageMap | None) -> list[Handover]:
    """A first hand-over for every group, before any layout: chapters open on right-hand pages
    (so a chapter's first page number is odd); targets keep the last layout's page numbers,
    moved with their chapter."""
    pages, _front = expected_pages(the_plan.chapter_digests, the_plan.chapter_letters, the_plan.front_letters, previous)
    opening_folio = [1]
    for count in pages[:-1]:
        whole = max(1, math.ceil(count))
        opening_folio.append(opening_folio[-1] + whole + (whole % 2))
    old_folio = [1]
    if previous is not None:
        for count in previous.chapter_pages[:-1]:
            old_folio.append(old_folio[-1] + count + (count % 2))
    handovers = []
    for index, group in enumerate(the_plan.groups):
        targets = []
        for ident in group.paged_out:
            owner = _chapter_of(the_plan, ident)
            if previous is not None and ident in previous.id_folios and owner < len(old_folio):
                # where it was, moved as far as its group's first chapter moved
                targets.append((ident, previous.id_folios[ident] + opening_folio[owner] - old_folio[owner]))
            else:
                targets.append((ident, opening_folio[owner]))
        handovers.append(
            Handover(
                first_page=opening_folio[group.first] if index else 1,
                notes_before=the_plan.notes_before[index],
                target_pages=tuple(targets),
                strings=the_plan.strings[index],
            )
        )
    return handovers


def _chapter_of(the_plan: Plan, ident: str) -> int:
    """The first chapter of the group that holds ``ident`` (its page is guessed as that)."""
    for group in the_plan.groups:
        if ident in group.ids:
            return group.first
    return 0


def page_map(the_plan: Plan, laid: Sequence[Laid], chapter_starts: Sequence[int]) -> PageMap:
    """The page map of a finished layout: ``chapter_starts`` are the joined PDF's page indexes
    where each chapter begins."""
    starts, first_main = placed(laid)
    total = starts[-1] + laid[-1].pages
    ends = [*chapter_starts[1:], total]
    chapter_pages = tuple(end - start for start, end in zip(chapter_starts, ends, strict=True))
    folios = {}
    for index, group in enumerate(laid):
        for ident, page in group.id_pages.items():
            if starts[index] + page >= first_main:
                folios.setdefault(ident, starts[index] + page - first_main + 1)
    return PageMap(chapter_pages, the_plan.chapter_digests, first_main, folios)
