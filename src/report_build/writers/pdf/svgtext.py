"""SVG text drawn a whole string at a time, applied when the PDF writer is imported.

WeasyPrint 70 lays out and draws every character of an SVG ``<text>`` on its own, so that it
can honour per-character positions (``x="1 2 3"``, ``dx``, ``rotate``). A label without such
positions then loses what only a whole string has: Arabic letters do not join and run left to
right, and Latin text loses its kerning. Charts (Vega-Lite's SVG) write every label as one
``<text>`` with one position, so here a text node that has no per-character positions is laid
out by Pango as one string, shaped and ordered as text in the page is; anything else is drawn
by WeasyPrint's own code as before. The glyphs stay text: selectable, searchable, in the tags.

The correction wraps WeasyPrint's ``text`` drawing function; it is applied only when that
function is found where expected, otherwise nothing changes and :data:`APPLIED` stays False.
"""

from __future__ import annotations

from typing import Any

from weasyprint import svg as weasy_svg

PER_CHARACTER = ("dx", "dy", "rotate", "textLength", "letter-spacing")


class _Whole(str):
    """A string that iterates as one piece: WeasyPrint's per-character loop then runs once,
    over the whole string."""

    __slots__ = ()

    def __iter__(self):
        yield str(self)


def _single(value: str | None) -> bool:
    return value is None or len(value.replace(",", " ").split()) <= 1


def _whole_string(node: Any) -> bool:
    text = node.text
    return (
        bool(text)
        and len(text) > 1
        and not any(node.get(name) for name in PER_CHARACTER)
        and _single(node.get("x"))
        and _single(node.get("y"))
    )


def _apply() -> bool:
    original = weasy_svg.TAGS.get("text")
    if original is None or getattr(original, "_report_build_whole", False):
        return original is not None
    if weasy_svg.__dict__.get("text") is not original or not hasattr(weasy_svg.Node, "text"):
        return False

    def text(svg: Any, node: Any, font_size: float) -> None:
        if not _whole_string(node):
            return original(svg, node, font_size)
        element = node._etree_node  # Node.text reads the element's text
        written = element.text
        element.text = _Whole(written)
        try:
            return original(svg, node, font_size)
        finally:
            element.text = written

    text._report_build_whole = True  # type: ignore[attr-defined]
    for tag, function in list(weasy_svg.TAGS.items()):
        if function is original:
            weasy_svg.TAGS[tag] = text
    weasy_svg.text = text  # draw_node compares TAGS entries with this name (text anchors)
    return True


APPLIED = _apply()
