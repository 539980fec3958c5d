"""Read a manuscript into the document model: front matter, Markdown, clean XHTML, chapters.

:func:`load` reads top to bottom:

1. read the file as UTF-8 and split off the front matter (:mod:`.text`, :mod:`.frontmatter`);
2. rewrite Jekyll/kramdown habits, keeping line numbers (:mod:`.jekyll`);
3. refuse what the source alone shows is wrong: nesting too deep (:mod:`.guards`);
4. convert the Markdown (:mod:`.extensions`), each chapter on its own where the text allows, and
   unchanged chapters taken from the last build (:mod:`.fragments`), the treeprocessor recording
   headings and chapters;
5. validate the front matter into :class:`~report_build.model.Metadata`, and load the theme;
6. decode ``data:`` images (:mod:`report_build.image_data`); report and remove raw HTML that
   could run or fetch something (:mod:`.sanitize`), repair what breaks the XHTML content model
   as browsers do (:mod:`.repair`), and make raw HTML's ids valid and unique (:mod:`.ids`);
7. give remote images their fetched copies, or placeholders (:mod:`.remote`);
8. run the tree passes in order (:mod:`.passes`) and assemble the frozen :class:`Document`.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import lxml.html
from fontTools.unicodedata import script_name

from .. import image_data
from ..cache import BuildCache
from ..errors import Diagnostics
from ..model import Document
from ..sandbox import check_stylesheets
from ..theme import Theme
from . import (
    dialects,
    files,
    fragments,
    github,
    guards,
    ids,
    jekyll,
    manuscript,
    math,
    refsyntax,
    repair,
    sanitize,
    scripts,
    theorems,
)
from .compose import Selection
from .extensions import Structure, make_markdown
from .file_links import ReportFile
from .metadata import metadata as document_metadata
from .metadata import substitutions_of, title_of
from .passes import blocks, chapters, charts, diagrams, direction, footnotes, headings, images, links, translate
from .remote import RemoteImages
from .text import SourceMap
from .tree import Context


def load(
    path: Path | str,
    diagnostics: Diagnostics | None = None,
    selection: Selection | None = None,
    remote: RemoteImages | None = None,
    site_root: Path | None = None,
) -> Document:
    """Parse and validate a manuscript; raise :class:`ReportBuildError` on anything that cannot
    be built, and with strict ``diagnostics`` every fault together (:meth:`Diagnostics.refuse`)."""
    diagnostics = diagnostics or Diagnostics()
    document = read(path, diagnostics, selection, remote, site_root=site_root)[0]
    diagnostics.refuse()
    return document


def read(
    path: Path | str,
    diagnostics: Diagnostics | None = None,
    selection: Selection | None = None,
    remote: RemoteImages | None = None,
    cache: BuildCache | None = None,
    site_root: Path | None = None,
    jobs: int = 1,
) -> tuple[Document, Theme]:
    """The document, and the theme it was read with: the one theme of a build, which every
    writer then uses (its templates are loaded and checked here, before anything is written).
    The manuscript may name other files (chapters, includes, variables, bibliography): they are
    composed into one text first, and references resolved last (:mod:`.manuscript`).
    ``remote`` says what becomes of remote images (default: their fetched local copies);
    ``cache`` keeps charts drawn by an earlier build; ``site_root`` is where site-absolute paths
    are read (``--site-root``; :mod:`.site_paths`); ``jobs`` above 1 lets a long text's chapters
    be converted side by side in worker processes (:mod:`.fragments`)."""
    path, diagnostics = Path(path), diagnostics or Diagnostics()
    remote = remote or RemoteImages(path, diagnostics=diagnostics)
    selection = selection or Selection()
    edition = getattr(selection.translation, "language", None)
    kept = None  # chapters converted by the last build, for those whose text did not change
    if cache is not None and cache.folder is not None:
        kept = fragments.Fragments(cache, fragments.cache_name(path, (edition, selection.profile)))
    fragments.COUNTS.reset()

    def read_text(
        path: Path,
        text: str,
        diagnostics: Diagnostics,
        keys: frozenset[str],
        translation: translate.Edition | None,
        front: tuple[dict, dict[str, int], int],
        quiet: bool = False,
        files: tuple[ReportFile, ...] = (),
    ) -> tuple[Document, Theme]:
        # Another output's text (quiet): its remote images were reported (and collected) on the first reading.
        images = replace(remote, diagnostics=None, found=[]) if quiet else remote
        return _read_text(
            path, text, diagnostics, keys, front, images, cache, site_root, translation, kept, jobs, files
        )

    with files.reading():  # each source file opened once
        document, theme = manuscript.load(path, diagnostics, selection, read_text)
    if kept is not None:
        kept.save()
        if kept.reused and fragments.COUNTS.converted:  # a rebuild after an edit: say how little was read again
            again = fragments.COUNTS.converted
            diagnostics.note(
                f"Markdown: {again} chapter{'s' if again != 1 else ''} read again, "
                f"{kept.reused} unchanged since the last build"
            )
    return (replace(document, site_root=site_root.resolve()) if site_root else document), theme


def _read_text(
    path: Path,
    text: str,
    diagnostics: Diagnostics,
    keys: frozenset[str],
    front: tuple[dict, dict[str, int], int],
    remote: RemoteImages,
    cache: BuildCache | None = None,
    site_root: Path | None = None,
    translation: translate.Edition | None = None,
    kept: fragments.Fragments | None = None,
    jobs: int = 1,
    files: tuple[ReportFile, ...] = (),
) -> tuple[Document, Theme]:
    """Parse the composed text of a manuscript, chapter by chapter (:mod:`.fragments`; ``kept``:
    the chapters an earlier build converted); with ``translation``, collect its units and, in
    a translated edition, read it in that language (:mod:`.passes.translate`). ``jobs``: the
    worker processes that may convert the chapters side by side."""
    raw, key_lines, offset = front  # the main file's front matter, split and read once (:mod:`.manuscript`)
    body = "\n".join(text.split("\n")[offset:])
    source = SourceMap(path, text, offset)

    def warn_at(message: str, line: int | None) -> None:
        diagnostics.warn(message, path, line)

    body_lines = jekyll.preprocess(
        body.split("\n"),
        source.code_lines,
        offset + 1,
        warn_at,
        substitutions_of(raw.get("substitutions")),
        jekyll.page_values(raw),
    )
    guards.check_source_nesting(source, body_lines, offset + 1)

    names = dialects.enabled(raw.get("dialects"))
    pandoc = dialects.pandoc_family(names, path, raw)  # ~x~ a subscript, as pandoc reads it (source/tildes.py)
    recording = fragments.Recording(warn_at, offset + 1)

    def convert(lines: list[str], has_title: bool, chapter_level: int, start: int) -> tuple[str, Structure]:
        """One chapter (or the whole body), from body line ``start``, by a Markdown instance of its own."""
        warn = _first_after_previous(source, recording, offset + 1 + start)
        extra = dialects.extensions(names, path, warn, lines)
        md, extension = make_markdown(
            has_title=has_title, extra=tuple(extra), chapter_level=chapter_level, warn=warn, pandoc=pandoc
        )
        refsyntax.register(md, keys)
        # Runs after the inline patterns, before anything that recurses over the tree (toc, prettify).
        md.treeprocessors.register(guards.DepthGuard(md, source), "report_build_depth", 19)
        return md.convert("\n".join(lines)), extension.structure

    settings = repr((str(path.resolve()), sorted(names), sorted(keys), pandoc))
    has_title = bool(title_of(raw.get("title")))  # one the front matter's check leaves out: the first '#' heading
    html, structure = fragments.convert(body_lines, has_title, convert, recording, settings, kept, jobs)

    language = _language(raw, html, diagnostics)
    metadata = document_metadata(raw, key_lines, path, diagnostics, structure.title, language)
    _check_editions(metadata, path, key_lines, diagnostics)
    if translation is not None:
        translation.source_language = metadata.language
        metadata = translate.front_matter(translation, metadata, key_lines, path)
    theme = Theme(metadata.layouts, metadata.language, diagnostics)
    if translation is not None:
        translation.notice = translate.source_note(theme.strings, translation.source_language, metadata.language)
    theme.load_all()
    check_stylesheets(theme.dirs, (path.parent.resolve(), *theme.dirs), cache)

    html, embedded = image_data.extract(html, path, source.find)  # data: images, decoded and checked
    guards.check_raw_image_sources(html, source, path)
    warn_found = _first_after_previous(source, warn_at)
    html = github.checkboxes(html)  # a checklist's boxes, not form controls
    html = repair.raw_text_as_text(html, warn_found)  # before the rest: it would take the chapter
    sanitize.report_dangerous(html, warn_found)
    html = repair.repair(html, warn_found)  # as browsers build it: the XHTML content model holds
    root = lxml.html.fragment_fromstring(
        sanitize.clean(html, attributes=sanitize.MANUSCRIPT_ATTRIBUTES), create_parent="div"
    )
    sanitize.aligned_as_class(root)  # align="center" from GitHub READMEs, as a class the layouts style
    sanitize.list_numbering(root)  # <ol type="a" start="3">: only what HTML5 allows
    ids.settle(root, structure.anchors, _nth(source, warn_at))  # HTML4 anchors, invalid and repeated ids
    if translation is not None:  # before notes, numbers and references are made from the text
        translate.translate_tree(root, source, translation, path, diagnostics)
        _restore_structure(structure, translation)
    guards.check_tree_depth(root, source)
    remote.apply(root, source, theme.strings, diagnostics)

    ctx = Context(path, source, metadata, theme, diagnostics, structure, site_root, translation, files)
    headings.report_duplicate_ids(ctx)
    headings.refuse_empty(root, ctx)
    math.typeset(root, ctx)  # TeX to MathML, before notes and chapters take their parts of the tree
    notes = footnotes.footnotes(root, ctx)
    blocks.callouts(root, ctx)
    diagrams.diagrams(root, ctx)  # Mermaid's source, as code with a title
    theorems.number(root, ctx)  # theorem-like statements numbered by kind, their labels written
    drawn = charts.charts(root, ctx, cache)  # Vega-Lite specs become SVG images
    found_images = images.images(root, ctx, {**embedded, **drawn.embedded})
    found_figures = blocks.figures(root, ctx)
    blocks.tables(root, ctx)
    found_figures = charts.data_tables(root, ctx, drawn, found_figures)
    links.links(root, ctx, [note.body for note in notes.values()])
    direction.passages(root, metadata.direction)
    direction.unmarked_passages(root, metadata.direction)
    if metadata.direction == "rtl":
        direction.isolate_left_to_right(root)
        direction.isolate_latin_runs(root)
    if translation is not None:
        translation.report_removed(diagnostics)
    document = Document(
        source=path.resolve(),
        metadata=metadata,
        chapters=tuple(chapters.chapters(root, ctx, footnotes.written(notes))),
        figures=tuple(found_figures),
        images=tuple(found_images),
        inputs=tuple(dict.fromkeys(drawn.inputs)),  # chart specs and their data files
        attachments=charts.attachments(drawn),
    )
    return document, theme


def _language(raw: dict, html: str, diagnostics: Diagnostics) -> str | None:
    """Without a language in the front matter, the one the text's dominant script implies
    (Hangul: Korean; Arabic script with Persian letters: Persian ...), said in a note."""
    if any(key in raw for key in ("language", "lang")):
        return None
    guessed = scripts.guess_language(scripts.plain_text(html))
    if guessed is None:
        return None
    language, script = guessed
    diagnostics.note(
        f"the front matter gives no language and the text is mostly in {script_name(script)} script: "
        f"it is read as '{language}' (words, hyphenation, direction); write `language:` to choose another"
    )
    return language


def _check_editions(metadata, path: Path, key_lines: dict[str, int], diagnostics: Diagnostics) -> None:
    """Each translated edition ``languages`` names has its catalog."""
    from ..translate.catalog import catalog_path

    source = metadata.language.split("-")[0].lower()
    for language in metadata.languages:
        if language.split("-")[0].lower() != source and not catalog_path(path, language).is_file():
            diagnostics.warn(
                f"languages lists '{language}', which has no catalog (translations/{language}.po): start it with "
                f"`report-build translate init {language}`",
                path,
                key_lines.get("languages", key_lines.get("editions")),
            )


def _restore_structure(structure, translation: translate.Edition) -> None:
    """The headings the treeprocessor recorded, with their variables' values (their words stay
    the source's: they only pair headings with their lines)."""
    structure.title = translation.restore(structure.title)
    for heading in structure.headings:
        heading.text = translation.restore(heading.text)


def _first_after_previous(source: SourceMap, warn_at, first: int = 1):
    """A warner that finds each occurrence of the same construct after the previous one (the
    first at or after line ``first``: a chapter converted alone looks in its own lines)."""
    found: dict[str, int] = {}

    def warn(message: str, needle: str) -> None:
        line = source.find(needle, max(found.get(needle, 0) + 1, first))
        if line is not None:
            found[needle] = line
        warn_at(message, line)

    return warn


__all__ = ["load", "read"]


def _nth(source: SourceMap, warn_at):
    """A warner told which occurrence of a needle it is about (1 for the first)."""

    def warn(message: str, needles: tuple[str, ...], nth: int) -> None:
        for needle in needles:
            line = 0
            for _ in range(nth):  # the nth line that holds the needle
                line = source.find(needle, line + 1) or line
            if line:
                break
        warn_at(message, line or None)

    return warn
