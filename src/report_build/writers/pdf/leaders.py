"""Leader dots set in runs of a few, rather than one text box per dot; applied when the PDF
writer is imported.

WeasyPrint 70 lays a leader (``leader(". ")``: the dots between a contents entry and its page
number, and in the lists of figures and tables) out as one text box per repetition of its
string. The boxes stand on a grid that runs back from the line's end, so that the dots of every
line form columns. Each box is then drawn and tagged on its own: about 40 per entry, 4,000 in
the contents of a 100-page report, which cost 0.3 s of writing its first group and 0.6 s of a
single-pass build.

After WeasyPrint has placed them, each run of :data:`RUN` neighbouring boxes becomes one box
holding the string :data:`RUN` times, where the first of them stood. Within a run the dots
follow the advances WeasyPrint writes, each rounded to a thousandth of an em, and so drift from
the grid by a few thousandths of a point: 0.014 pt at most in the sample report's contents, and
under 0.02 pt in the test's. Every run starts on the grid again, so the columns hold.

Invariant: a leader is changed only when its boxes stand evenly on the grid and each run is
the same glyphs, of the same advances, as the boxes it replaces (no kerning, ligature or
contextual form between repetitions), and only on a line that no ellipsis can shorten;
otherwise it is left exactly as WeasyPrint laid it out. :data:`APPLIED` says whether
WeasyPrint's ``handle_leader`` was found where expected.
"""

from __future__ import annotations

import itertools
from typing import Any

from weasyprint.layout import inline, leader
from weasyprint.text.ffi import ffi
from weasyprint.text.line_break import split_first_line

RUN = 8  # strings per box: 0.3 s saved at 100 pages; the drift grows with it
TOLERANCE = 1e-6  # in CSS pixels: the boxes' spacing, and the run's width against theirs (per string)


def in_runs(boxes: tuple[Any, ...], context: Any, line_width: float) -> tuple[Any, ...] | None:
    """The leader's text boxes as runs of up to :data:`RUN` strings, left to right, or None when
    they are not evenly spaced copies of one string or a run would not be the same glyphs, as
    wide. ``line_width``: the width of the line they stand on (what a run may take)."""
    if len(boxes) < 2:
        return None
    pattern = boxes[0]
    step = pattern.width
    if step <= 0 or any(box.text != pattern.text or box.width != step for box in boxes):
        return None
    lefts = sorted(box.position_x for box in boxes)
    if any(abs(right - left - step) > TOLERANCE for left, right in itertools.pairwise(lefts)):
        return None
    glyphs = _glyphs(pattern.pango_layout, pattern.style)
    shaped: dict[int, Any] = {}
    runs = []
    for start in range(0, len(lefts), RUN):
        count = min(RUN, len(lefts) - start)
        if count not in shaped:
            # A leader's white-space is pre: the line width never wraps the run, and bounds the
            # width WeasyPrint would ellipsize it to (it is never asked to).
            layout, _length, resume, width, _height, _baseline = split_first_line(
                pattern.text * count, pattern.style, context, max(line_width, step * count), 0
            )
            if resume is not None or abs(width - step * count) > TOLERANCE * count:
                return None
            if _glyphs(layout, pattern.style) != glyphs * count:
                return None
            shaped[count] = (layout, width)
        layout, width = shaped[count]
        run = pattern.copy_with_text(layout.text)
        run.pango_layout = layout
        run.width = width
        run.position_x = lefts[start]
        runs.append(run)
    return tuple(runs)


def _glyphs(layout: Any, style: Any) -> list[tuple[int, int, int, int]]:
    """The glyphs of a text box's first line, as WeasyPrint draws them: id, advance and offsets.
    (WeasyPrint keeps a measured layout without its Pango objects, and shapes it again to draw.)"""
    layout.reactivate(style)
    try:
        line, _resume = layout.get_first_line()
        found = []
        run = line.runs[0]
        while run != ffi.NULL:
            glyph_string = run.data.glyphs
            for info in glyph_string.glyphs[0 : glyph_string.num_glyphs]:
                geometry = info.geometry
                found.append((info.glyph, geometry.width, geometry.x_offset, geometry.y_offset))
            run = run.next
        return found
    finally:
        layout.deactivate()


def _apply() -> bool:
    original = inline.handle_leader
    if getattr(original, "_report_build_runs", False):
        return True
    if original is not leader.handle_leader:  # not WeasyPrint's own: leave it alone
        return False

    def handle_leader(context: Any, line: Any, containing_block: Any) -> None:
        original(context, line, containing_block)
        if line.text_overflow != "clip" or containing_block.style["block_ellipsis"] != "none":
            return  # an ellipsis is drawn into a line's text boxes: left as WeasyPrint made them
        index, box = leader.leader_index(line)
        if index is not None and box.children:
            runs = in_runs(box.children, context, containing_block.width)
            if runs is not None:
                box.children = runs

    handle_leader._report_build_runs = True  # type: ignore[attr-defined]
    inline.handle_leader = handle_leader
    return True


APPLIED = _apply()
