"""Paper: the named page sizes and the units a custom size may use. The one table of them,
read by the front matter (to validate ``page_size``) and the PDF writer (to lay pages out)."""

from __future__ import annotations

import re

PAGE_SIZES_MM: dict[str, tuple[float, float]] = {
    "a3": (297, 420),
    "a4": (210, 297),
    "a5": (148, 210),
    "b4": (250, 353),
    "b5": (176, 250),
    "jis-b4": (257, 364),
    "jis-b5": (182, 257),
    "letter": (215.9, 279.4),
    "legal": (215.9, 355.6),
    "ledger": (279.4, 431.8),
}
UNIT_MM = {"mm": 1.0, "cm": 10.0, "in": 25.4, "pt": 25.4 / 72}
CUSTOM_SIZE = re.compile(r"^(\d+(?:\.\d+)?)(mm|cm|in|pt)\s+(\d+(?:\.\d+)?)(mm|cm|in|pt)$")
PAGE_SIDE_MM = (50, 2000)  # a business card to beyond A0


def page_size_mm(size: str) -> tuple[float, float] | None:
    """Width and height in mm of a named size (``A4``, any case) or a custom one
    (``170mm 240mm``); None when ``size`` is neither."""
    named = PAGE_SIZES_MM.get(size.lower())
    if named:
        return named
    match = CUSTOM_SIZE.match(size)
    if match is None:
        return None
    width, w_unit, height, h_unit = match.groups()
    return float(width) * UNIT_MM[w_unit], float(height) * UNIT_MM[h_unit]


def in_range(size: tuple[float, float]) -> bool:
    """Whether each side is within :data:`PAGE_SIDE_MM`."""
    return all(PAGE_SIDE_MM[0] <= side <= PAGE_SIDE_MM[1] for side in size)
