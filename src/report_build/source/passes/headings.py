"""Headings: ids given twice, headings without text, and each heading's line in the source."""

from __future__ import annotations

from lxml import etree

from ...errors import ManuscriptError, line_reference
from ..extensions import FoundHeading
from ..tree import Context, letters


def report_duplicate_ids(ctx: Context) -> None:
    """Warn about ids that two elements share. Reads the structure the treeprocessor found;
    changes nothing (Python-Markdown has already renamed the later ones)."""
    for ident, label in ctx.structure.duplicate_ids:
        first = ctx.source.find("{#" + ident)
        line = ctx.source.find("{#" + ident, first + 1) if first else None
        ctx.warn(
            f"id '{ident}' is used twice ({label}); the second is renamed so links land on the first",
            line or first or ctx.source.find(label),
        )
    first_of: dict[str, tuple[str, int | None]] = {}
    line_of: dict[str, int | None] = {}
    for heading, line in heading_lines(ctx):
        first_of.setdefault(heading.id, (heading.text, line))
        line_of[heading.id] = line
    for text, base, ident in ctx.structure.anchors.renumbered:  # numbered the GitHub way (ids.py)
        first_text, first_line = first_of.get(base, (base, None))
        where = f" at {line_reference(first_line)}" if first_line else ""
        ctx.warn(
            f"heading '{text}' gives the same id '{base}' as the heading '{first_text}'{where}; "
            f"it becomes '{ident}', so links to #{base} land on the first "
            "(give one an id of its own with {#...})",
            line_of.get(ident),
        )


def refuse_empty(root: etree._Element, ctx: Context) -> None:
    """A heading with nothing in it, or a manuscript with nothing to read, is a mistake.
    Reads the tree; changes nothing."""
    if not "".join(root.itertext()).strip() and not root.xpath("//img"):
        raise ManuscriptError("the manuscript has no text to publish", ctx.path, ctx.source.body_offset + 1)
    for heading in root.xpath("//h1 | //h2 | //h3 | //h4 | //h5 | //h6"):
        if not "".join(heading.itertext()).strip() and heading.find(".//img") is None:
            line = next((h.line for h in ctx.source.headings if not letters(h.text)), None)
            raise ctx.fail("heading has no text: write it, or remove the '#'", line=line)


def heading_lines(ctx: Context) -> list[tuple[FoundHeading, int | None]]:
    """Pair each heading the treeprocessor found with its line in the source."""
    source = list(ctx.source.headings)
    pairs = []
    position = 0
    for heading in ctx.structure.headings:
        key = letters(heading.text)
        line = None
        for offset, candidate in enumerate(source[position:]):
            if letters(candidate.text).startswith(key[: max(8, len(key) // 2)]):
                line = candidate.line
                position += offset + 1
                break
        pairs.append((heading, line))
    return pairs
