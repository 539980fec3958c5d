"""Read a manuscript into the document model: front matter, Markdown, clean XHTML, chapters.

:func:`load` reads top to bottom:

1. read the file as UTF-8 and split off the front matter (:mod:`.text`, :mod:`.frontmatter`);
2. rewrite Jekyll/kramdown habits, keeping line numbers (:mod:`.jekyll`);
3. refuse what the source alone shows is wrong: footnotes defined twice, nesting too deep
   (:mod:`.guards`);
4. convert the Markdown (:mod:`.extensions`), the treeprocessor recording headings and chapters;
5. validate the front matter into :class:`~report_build.model.Metadata`, and load the theme;
6. decode ``data:`` images (:mod:`report_build.image_data`); report and remove raw HTML that
   could run or fetch something (:mod:`.sanitize`);
7. give remote images their fetched copies, or placeholders (:mod:`.remote`);
8. run the tree passes in order (:mod:`.passes`) and assemble the frozen :class:`Document`.
"""

from __future__ import annotations

from pathlib import Path

import lxml.html

from .. import image_data
from ..errors import Diagnostics
from ..model import Document
from ..sandbox import check_stylesheets
from ..theme import Theme
from . import frontmatter, guards, jekyll, sanitize
from .extensions import make_markdown
from .metadata import metadata as document_metadata
from .passes import blocks, chapters, direction, footnotes, headings, images, links
from .remote import RemoteImages
from .text import SourceMap, read_text
from .tree import Context


def load(path: Path | str, diagnostics: Diagnostics | None = None, remote: RemoteImages | None = None) -> Document:
    """Parse and validate a manuscript; raise :class:`ReportBuildError` on anything wrong."""
    return read(path, diagnostics, remote)[0]


def read(
    path: Path | str, diagnostics: Diagnostics | None = None, remote: RemoteImages | None = None
) -> tuple[Document, Theme]:
    """The document, and the theme it was read with: the one theme of a build, which every
    writer then uses (its templates are loaded and checked here, before anything is written).
    ``remote`` says what becomes of remote images (default: their fetched local copies)."""
    diagnostics = diagnostics or Diagnostics()
    path = Path(path)
    text = read_text(path)
    front, body, offset = frontmatter.split(text, path)
    raw, key_lines = frontmatter.parse(front, path, diagnostics)
    source = SourceMap(path, text, offset)

    def warn_at(message: str, line: int | None) -> None:
        diagnostics.warn(message, path, line)

    body_lines = jekyll.preprocess(body.split("\n"), source.code_lines, offset + 1, warn_at)
    guards.check_footnote_definitions(source)
    guards.check_source_nesting(source, body_lines, offset + 1)

    md, extension = make_markdown(has_title=bool(raw.get("title")))
    # Runs after the inline patterns, before anything that recurses over the tree (toc, prettify).
    md.treeprocessors.register(guards.DepthGuard(md, source), "report_build_depth", 19)
    html = md.convert("\n".join(body_lines))
    structure = extension.structure

    metadata = document_metadata(raw, key_lines, path, diagnostics, structure.title)
    theme = Theme(metadata.layouts, metadata.language, diagnostics)
    theme.load_all()
    check_stylesheets(theme.dirs, (path.parent.resolve(), *theme.dirs))

    html, embedded = image_data.extract(html, path, source.find)  # data: images, decoded and checked
    guards.check_raw_image_sources(html, source, path)
    sanitize.report_dangerous(html, _first_after_previous(source, warn_at))
    root = lxml.html.fragment_fromstring(sanitize.clean(html), create_parent="div")
    guards.check_tree_depth(root, source)
    (remote or RemoteImages(path, diagnostics=diagnostics)).apply(root, source, theme.strings)

    ctx = Context(path, source, metadata, theme, diagnostics, structure)
    headings.report_duplicate_ids(ctx)
    headings.refuse_empty(root, ctx)
    notes = footnotes.footnotes(root, ctx)
    blocks.callouts(root, ctx)
    found_images = images.images(root, ctx, embedded)
    found_figures = blocks.figures(root, ctx)
    blocks.tables(root, ctx)
    links.links(root, ctx)
    if metadata.direction == "rtl":
        direction.isolate_left_to_right(root)
    document = Document(
        source=path.resolve(),
        metadata=metadata,
        chapters=tuple(chapters.chapters(root, ctx, notes)),
        figures=tuple(found_figures),
        images=tuple(found_images),
    )
    return document, theme


def _first_after_previous(source: SourceMap, warn_at):
    """A warner that finds each occurrence of the same construct after the previous one."""
    found: dict[str, int] = {}

    def warn(message: str, needle: str) -> None:
        line = source.find(needle, found.get(needle, 0) + 1)
        if line is not None:
            found[needle] = line
        warn_at(message, line)

    return warn


__all__ = ["load", "read"]
