"""Parallel layout: groups of chapters laid out and written in worker processes, then joined.

WeasyPrint's laid-out pages cannot leave their process (they hold Pango objects), so each
worker (:mod:`report_build.workers`) lays out *and writes* its group; :mod:`.join` makes one PDF of the
parts. The steps:

1. cut the HTML into groups (:func:`.groups.plan`), by the HTML alone (the same sources give
   the same groups, and the same bytes, whatever the cache holds);
2. guess each group's hand-over (first page number and the like) from the last build's page
   map, or estimate it (an estimate is almost never exact: the first round then lays out the
   groups whose hand-over it guessed without writing them, to learn the real one);
3. lay out, side by side, every group whose hand-over is not yet the one it was laid out with
   (in a ``watch``, groups whose input has not changed since the last build are taken from
   memory), and in the first round the blank page that may go before a group (a ``watch``
   lays that page out in its own process, where its rebuilds lay out a single group);
4. settle the hand-over from what the groups gave; back to 3 until no group changes (a wrong
   guess costs the groups after it one more layout);
5. check the printed page numbers against the joined numbering, then return the parts, ready
   for :meth:`Grouped.write` to join.

The pages are those of the single pass (same text, positions, numbers, links, outline, tags);
the bytes are not, since each group embeds its own font subsets. So the single pass
(``--jobs 1``) stays the reference, and releases use it. A document the groups cannot reproduce
(one chapter, a layout with counters of its own, targets in the front matter printed from
another group) is laid out in one pass, and :func:`lay_out` says why.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ... import errors
from ...cache import BuildCache
from ...errors import Diagnostics, RenderError
from ...workers import Workers
from ..pagination import PageMark
from . import editions, groups, handover
from .groups import Plan
from .handover import Handover, Laid, PageMap
from .join import join
from .layout_rules import read_rules
from .pages import chapter_starts, ends_with_notes, folio, misplaced_notes, opens_recto, page_marks, warn_misplaced

MAX_ROUNDS = 4  # a hand-over settles in two rounds unless page counts keep moving


@dataclass(frozen=True)
class GroupResult:
    """What a worker gives back for one group (picklable: bytes and plain data)."""

    pdf: bytes = b""
    pages: int = 0
    id_pages: dict[str, int] = field(default_factory=dict)
    chapter_starts: tuple[int, ...] = ()  # page of each of its chapters' first page
    folios: tuple[str, ...] = ()  # the page number printed on each page
    marks: tuple[PageMark, ...] = ()  # chapter indexes as in the group's own HTML
    misplaced: tuple[tuple[str, int, int], ...] = ()
    warnings: tuple[tuple[str, str | None, int | None], ...] = ()
    stand_ins: frozenset[str] = frozenset()  # anchors of other groups it links to (see join)
    opens_recto: bool = True  # its first chapter opens on a right-hand page (a recto)
    ends_with_notes: bool = False  # its last page holds only footnotes run on from the page before
    dropped: tuple[int, ...] = ()  # its pages not in ``pdf``: the screen edition's blank left-hand pages


@dataclass(frozen=True)
class Grouped:
    """A document laid out in groups; :meth:`write` joins them (the single pass's ``write``)."""

    parts: tuple[bytes, ...]
    blanks: tuple[bool, ...]  # a blank page before each group, in the print edition's pagination
    blank_page: bytes | None  # None when the edition has no blank pages before groups
    stand_ins: tuple[frozenset[str], ...]
    identifier: bytes
    marks: tuple[PageMark, ...]
    page_map: PageMap
    report: str  # what was laid out, for the terminal
    folios: tuple[str, ...] = ()  # the number printed on each page, blank ones too ("" for none)
    shown: tuple[bool, ...] = ()  # for each of those pages, whether the edition has it (see dropped)
    cover: str = "Cover"  # the first page's label when it prints none
    header_cells: tuple[bool, ...] = ()  # for each group, whether it has table header cells (see join)
    opened: dict[bytes, Any] | None = field(default=None, compare=False, repr=False)  # see Memory.opened

    def write(self) -> bytes:
        """The joined PDF, its pages labelled with their folios (:func:`.editions.page_labels`)."""
        folios = [folio for folio, shown in zip(self.folios, self.shown, strict=True) if shown]
        labels = editions.page_labels(folios, self.cover)
        blanks = self.blanks if self.blank_page is not None else (False,) * len(self.blanks)
        named = self.header_cells or None  # None: the join walks every part
        return join(self.parts, blanks, self.blank_page, self.identifier, self.stand_ins, labels, named, self.opened)


class Memory:
    """Group layouts kept between builds (``watch``): a group whose HTML, hand-over and
    inputs are those of a kept one is not laid out again. ``groups``: how many groups to cut
    the document into (more than the processes, so that an edit lays out less again)."""

    def __init__(self, groups: int | None = None) -> None:
        self.groups = groups
        self.results: dict[str, GroupResult] = {}
        self.page_map: PageMap | None = None
        # The parts the last join read, opened: the next join reads a kept part from here.
        self.opened: dict[bytes, Any] = {}

    def keep(self, results: dict[str, GroupResult]) -> None:
        self.results = dict(results)


def lay_out(
    html: str,
    *,
    sheets: list[str],
    jobs: int,
    groups_wanted: int,
    previous: PageMap | None,
    memory: Memory | None,
    inputs_digest: str,
    identifier: bytes,
    layout_one: Callable[[str, str, bool], Any],
    blank_html: str,
    diagnostics: Diagnostics,
    source: Path,
    write: bool = True,
    cache: BuildCache | None = None,
    page_digits: Callable[[int], str] = str,
) -> Grouped | str:
    """The document laid out in groups by ``jobs`` processes, or why it cannot be.

    ``layout_one(html, css, write)`` lays out one HTML document in the calling process (as the
    single pass does), and writes it if ``write``; ``inputs_digest`` names everything else a
    layout reads (stylesheets, fonts, images), so that a kept group is reused only when nothing
    it read has changed.

    Without a page map (``previous`` or the memory's), the hand-overs of the first round are
    estimated, and an estimate of the pages before a group, or of the pages its contents print,
    is almost never exact: every group would be laid out and written twice. So the first round
    lays out without writing (writing is about two fifths of a group's time), and the next
    writes, with hand-overs read from real pages. ``cache``: the build's, where the layout's
    rules are kept (:func:`.layout_rules.read_rules`); ``page_digits``: a handed-over page number
    in the document's digits (:func:`.groups.plan`)."""
    started = time.perf_counter()
    rules = read_rules(sheets, cache)
    if isinstance(rules, str):
        return f"the layout cannot be cut into groups: {rules}"
    previous = previous or (memory.page_map if memory is not None else None)
    the_plan = groups.plan(html, groups_wanted, rules, page_digits)
    if isinstance(the_plan, str):
        return the_plan
    count = len(the_plan.groups)
    # Without a page map, the first round lays out without writing every group whose hand-over
    # is guessed: all but the first, and the first too if it prints other groups' page numbers.
    guessed = [index for index in range(count) if index or the_plan.groups[0].paged_out]
    probed = guessed if write and previous is None else []
    handovers = handover.guess(the_plan, previous)
    used: list[Handover | None] = [None] * count
    results: list[GroupResult | None] = [None] * count
    kept = memory.results if memory is not None else {}
    made: dict[str, GroupResult] = {}
    laid_again: list[int] = []
    unwritten: set[int] = set()  # groups laid out without writing (the probe), to lay out again
    laid_now: set[str] = set()  # keys laid out in this build (the others came from memory)
    final_keys: list[str] = [""] * count
    blank_key = _key((blank_html, ""), inputs_digest)
    probe_digest = inputs_digest + "|laid out, not written"
    with Workers(jobs, _blank_page_forgiven(layout_one, blank_html)) as workers:
        for round_number in range(MAX_ROUNDS):
            todo = [index for index in range(count) if used[index] != handovers[index] or index in unwritten]
            if not todo:
                break
            probing = {index for index in todo if round_number == 0 and index in probed}
            writing = {index: write and index not in probing for index in todo}
            sources = {index: the_plan.source(index, handovers[index]) for index in todo}
            keys = {index: _key(sources[index], probe_digest if index in probing else inputs_digest) for index in todo}
            fresh = [index for index in todo if keys[index] not in made and keys[index] not in kept]
            # The blank page that may go before a group is laid out with the first groups, by
            # the worker that is done first, rather than after them all in this process. A
            # ``watch`` lays it out here instead (below).
            blank_too = write and memory is None and len(fresh) > 1 and blank_key not in made and blank_key not in kept
            done = workers.map([(*sources[i], writing[i]) for i in fresh] + [(blank_html, "", True)] * blank_too)
            if blank_too and (blank := done.pop()) is not None:
                made[blank_key] = blank
            jobs_out = dict(zip(fresh, done, strict=True))
            laid_now.update(keys[index] for index in fresh)
            for index in todo:
                result = jobs_out.get(index) or made.get(keys[index]) or kept[keys[index]]
                made[keys[index]] = result
                results[index], used[index], final_keys[index] = result, handovers[index], keys[index]
            laid_again += fresh
            unwritten = probing
            laid = [_laid(result) for result in results]  # type: ignore[arg-type]
            if laid[0].opening is None:
                return "the first group has no chapter"
            front = handover.front_targets(the_plan, laid)
            if front:
                return f"'{front[0]}' is before the main matter and its page number is printed from another group"
            handovers = handover.settle(the_plan, laid)
            if not unwritten and all(used[index] == handovers[index] for index in range(count)):
                break
        else:
            return f"the groups' page numbers did not settle in {MAX_ROUNDS} rounds"
    # A watch lays the blank page out here, its first layout in this process: the layout's
    # stylesheets are parsed and its fonts loaded where a rebuild lays out a single changed
    # group (see Workers), and the first edit shows as fast as the next.
    warm_up = write and jobs > 1 and memory is not None and blank_key not in made and blank_key not in kept
    if warm_up and (blank := _blank_page_forgiven(layout_one, blank_html)(blank_html, "", True)) is not None:
        made[blank_key] = blank
    final = [result for result in results if result is not None]
    if not all(result.opens_recto for result in final[1:]):
        return "a chapter where groups meet does not open on a right-hand page"
    if any(result.ends_with_notes for result in final[:-1]):
        return "footnotes run on past the end of a chapter where groups meet"
    held = {name for result in final for name in result.id_pages}
    nowhere = sorted(name for result in final for name in result.stand_ins if name not in held)
    if nowhere:  # what the single pass says of a link to an anchor no page holds
        raise RenderError(f"PDF: No anchor #{nowhere[0]} for internal URI reference", source)
    laid = [_laid(result) for result in final]
    blanks, _starts = handover.blanks_and_starts([result.pages for result in final])
    starts, first_main = handover.placed(laid)
    wrong = _misnumbered(final, starts, first_main)
    if wrong:
        return wrong
    blank_page = None
    if write and any(blanks):
        blank_page = made.get(blank_key) or kept.get(blank_key) or layout_one(blank_html, "", True)
        made[blank_key] = blank_page
    # The screen edition's parts come without their blank left-hand pages (dropped where they
    # were written); the blank page before a group, always a left-hand one, is dropped alike.
    blank_shown = blank_page is None or 1 not in blank_page.dropped
    shown = tuple(
        flag
        for result, blank in zip(final, blanks, strict=True)
        for flag in (blank_shown,) * blank + tuple(page not in result.dropped for page in range(result.pages))
    )
    for result, start in zip(final, starts, strict=True):
        for message, path, line in result.warnings:
            diagnostics.warn(message, Path(path) if path else None, line)
        warn_misplaced(result.misplaced, source, diagnostics, before=start)
    if memory is not None:
        memory.keep(made)
    chapter_starts = [
        start + page for result, start in zip(final, starts, strict=True) for page in result.chapter_starts
    ]
    page_map = handover.page_map(the_plan, laid, chapter_starts)
    if memory is not None:
        memory.page_map = page_map
    # A group's chapter indexes count the stand-in of the chapter before it (see groups.plan).
    marks = tuple(
        replace(mark, chapter=mark.chapter + max(group.first - 1, 0)) if mark.chapter is not None else mark
        for group, result in zip(the_plan.groups, final, strict=True)
        for mark in result.marks
    )
    took = time.perf_counter() - started
    reused = sum(1 for key in final_keys if key not in laid_now)
    report = _report(the_plan, laid_again, reused, final, took, probed=len(probed))
    return Grouped(
        tuple(result.pdf for result in final),
        tuple(blanks),
        blank_page.pdf if blank_page is not None and blank_shown else None,
        tuple(result.stand_ins for result in final),
        identifier,
        marks,
        page_map,
        report,
        folios=tuple(f for result, blank in zip(final, blanks, strict=True) for f in ("",) * blank + result.folios),
        shown=shown,
        header_cells=tuple(group.header_cells for group in the_plan.groups),
        opened=memory.opened if memory is not None else None,
    )


def _blank_page_forgiven(layout_one: Callable[..., Any], blank_html: str) -> Callable[..., Any]:
    """``layout_one``, except that a fault in the blank page, laid out before it is known to be
    needed, gives None: if it is needed, it is laid out again after the groups, and its fault
    raised then, as before."""

    def lay_out_one(html: str, css: str, *rest: Any) -> Any:
        if html != blank_html:
            return layout_one(html, css, *rest)
        try:
            return layout_one(html, css, *rest)
        except Exception:
            return None

    return lay_out_one


def _key(source: tuple[str, str], inputs_digest: str) -> str:
    digest = hashlib.sha256(inputs_digest.encode())
    for part in source:
        digest.update(b"\0" + part.encode("utf-8"))
    return digest.hexdigest()


def _laid(result: GroupResult) -> Laid:
    return Laid(result.pages, result.id_pages, result.chapter_starts[0] if result.chapter_starts else None)


def _misnumbered(results: list[GroupResult], starts: list[int], first_main: int) -> str:
    """Why the printed page numbers are not those of one numbering from the main matter's first
    page ("" when they are): a layout whose page counter does not simply run on."""
    for result, start in zip(results, starts, strict=True):
        for page, printed in enumerate(result.folios):
            index = start + page
            if index >= first_main and printed.isdigit() and int(printed) != index - first_main + 1:
                return f"page {index + 1} is numbered {printed}, not {index - first_main + 1}, when laid out in groups"
    return ""


def _report(
    the_plan: Plan, laid_again: list[int], reused: int, results: list[GroupResult], took: float, probed: int = 0
) -> str:
    """What was laid out, for the terminal; ``probed``: how many groups the first round laid
    out only to learn their page numbers (no page map yet)."""
    _blanks, starts = handover.blanks_and_starts([result.pages for result in results])
    pages = starts[-1] + results[-1].pages
    groups_laid = sorted(set(laid_again))
    if not groups_laid:
        return f"{pages} pages: no chapter changed, nothing laid out again ({took:.1f} s)"
    again = len(laid_again) - len(groups_laid) - probed
    extra = ", first without writing, to learn their page numbers (no page map yet)" if probed else ""
    extra += f", {again} laid out again to correct page numbers" if again else ""
    kept = f"; {reused} kept from the last build" if reused else ""
    laid = _chapters(the_plan, groups_laid)
    return f"{pages} pages in {len(the_plan.groups)} groups: laid out {laid}{extra}{kept} ({took:.1f} s)"


def _chapters(the_plan: Plan, indexes: list[int]) -> str:
    """The chapters of the groups ``indexes``, adjacent groups run together: "chapters 1-3, 7"."""
    runs: list[list[int]] = []
    for index in indexes:
        group = the_plan.groups[index]
        if runs and runs[-1][1] == group.first:
            runs[-1][1] = group.last
        else:
            runs.append([group.first, group.last])
    words = [f"{first + 1}" if last - first == 1 else f"{first + 1}-{last}" for first, last in runs]
    return ("chapter " if words == [f"{runs[0][0] + 1}"] else "chapters ") + ", ".join(words)


def stand_in_anchors(document: Any) -> frozenset[str]:
    """Give a laid-out group a stand-in anchor (on its first page) for every link to an anchor
    it does not hold, which WeasyPrint would otherwise drop; the join points them at the real
    pages. Returns their names."""
    held = {name for page in document.pages for name in page.anchors}
    wanted = {
        link[1] for page in document.pages for link in page.links if link[0] == "internal" and link[1] not in held
    }
    for name in sorted(wanted):
        document.pages[0].anchors[name] = (0, 0, 0, 0)
    return frozenset(wanted)


def worker_result(
    document: Any,
    pdf: bytes,
    stand_ins: frozenset[str],
    warnings: list[errors.Diagnostic],
) -> GroupResult:
    """A :class:`GroupResult` from a group's WeasyPrint document (laid out) and its PDF."""
    id_pages: dict[str, int] = {}
    for number, page in enumerate(document.pages):
        for name in page.anchors:
            if name not in stand_ins or number:
                id_pages.setdefault(name, number)
    return GroupResult(
        pdf=pdf,
        stand_ins=stand_ins,
        opens_recto=opens_recto(document),
        ends_with_notes=ends_with_notes(document),
        pages=len(document.pages),
        id_pages=id_pages,
        chapter_starts=tuple(chapter_starts(document)),
        folios=tuple(folio(page._page_box) for page in document.pages),
        marks=page_marks(document),
        misplaced=tuple(misplaced_notes(document)),
        warnings=tuple((w.message, str(w.path) if w.path else None, w.line) for w in warnings),
    )
