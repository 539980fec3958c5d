"""Refusals made on the source before the tree passes run: nesting too deep for the layout
engine, image sources that cleaning would silently drop."""

from __future__ import annotations

import re
from pathlib import Path

from markdown.treeprocessors import Treeprocessor

from .. import limits
from ..errors import ManuscriptError, ResourceError
from ..sandbox import resolve_reference
from . import sanitize
from .text import SourceMap


def check_source_nesting(source: SourceMap, body_lines: list[str], first_line: int) -> None:
    """Lists and quotes nested deeper than :data:`limits.MAX_BLOCK_NESTING` are an error at their line."""
    too_deep = limits.too_deep_source(body_lines, first_line, source.code_lines)
    if too_deep is not None:
        line, depth = too_deep
        raise ManuscriptError(limits.nesting_message(depth, source=True), source.path, line)


def check_tree_depth(root: object, source: SourceMap) -> None:
    """The cleaned tree (raw HTML included) nested deeper than :data:`limits.MAX_NESTING` is an error."""
    depth, element = limits.deepest(root)
    if depth > limits.MAX_NESTING + 1:  # + 1: the wrapping <div>
        raise ManuscriptError(limits.nesting_message(depth - 1), source.path, line_of_element(element, source))


def line_of_element(element: object, source: SourceMap) -> int | None:
    """The source line of an element of a too-deep tree, found by the first text in or around it."""
    tag = getattr(element, "tag", None)
    if isinstance(tag, str):  # raw HTML nested too deeply: where that tag is written
        line = source.find(f"<{tag}")
        if line is not None:
            return line
    node = element
    while node is not None:
        text = " ".join("".join(node.itertext()).split()) if hasattr(node, "itertext") else ""
        for part in text.split():
            if len(part) >= 2 and "\x02" not in part and "\x03" not in part:
                line = source.find(part[:24])
                if line is not None:
                    return line
        getparent = getattr(node, "getparent", None)
        node = getparent() if getparent is not None else None
    return None


class DepthGuard(Treeprocessor):
    """Refuses a Markdown tree nested deeper than the layout engine can take, before any
    treeprocessor that recurses over it (toc, prettify) runs out of stack."""

    def __init__(self, md: object, source: SourceMap):
        super().__init__(md)  # type: ignore[arg-type]
        self.source = source

    def run(self, root: object) -> None:
        depth, element = limits.deepest(root)
        if depth > limits.MAX_NESTING:
            line = None
            for text in (getattr(element, "text", None), getattr(element, "tail", None)):
                words = (text or "").split()
                if words and line is None:
                    line = self.source.find(words[0][:24])
            raise ManuscriptError(limits.nesting_message(depth), self.source.path, line)


def check_raw_image_sources(html: str, source: SourceMap, path: Path) -> None:
    """An image whose source cleaning would drop (file:, ftp:, data: ...) is refused with the reason."""
    for src in sanitize.image_sources(html):
        scheme = re.match(r"^\s*([a-zA-Z][a-zA-Z0-9+.-]*):", src)
        if scheme is None or scheme.group(1).lower() in sanitize.URL_SCHEMES or len(scheme.group(1)) == 1:
            continue
        try:
            resolve_reference(src, path.parent, (path.parent.resolve(),))
        except ResourceError as exc:
            raise ManuscriptError(f"image: {exc.message}", path, source.find(src.strip()[:60])) from None
