"""The build, top to bottom: gather and validate everything, render in memory, then write."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from . import fonts, limits, progress
from .cache import BuildCache
from .errors import Diagnostics, ManuscriptError, ReleaseError, RenderError, format_location
from .model import Document
from .output import interrupts_as_exceptions, write_atomic
from .publish import release
from .source import changelog, parse
from .source import files as source_files
from .source.compose import Selection
from .source.passes import translate as translated
from .source.remote import RemoteImages
from .theme import Theme
from .version import __version__
from .writers import pagination
from .writers.pagination import PageMark

if TYPE_CHECKING:  # the PDF writer imports WeasyPrint: only when a PDF is laid out
    from .writers.pdf.layout import LaidOut
    from .writers.pdf.parallel import Grouped, Memory

FORMATS = ("pdf", "epub")  # single files; "web" (a folder) is asked for beside them
WEB = "web"
DOCX = "docx"  # the Word edition: a single file, made without the PDF's layout


@dataclass(frozen=True)
class Built:
    format: str
    path: Path | None
    data: bytes
    files: dict[str, bytes] | None = None  # the web edition: {path inside its folder: bytes}


def load(
    manuscript: Path | str,
    diagnostics: Diagnostics | None = None,
    releases_dir: Path | str = "output/releases",
    profile: str | None = None,
    omit_remote: bool = False,
    site_root: Path | str | None = None,
    language: str | None = None,
) -> Document:
    """Parse the manuscript and its changelog into one validated document.

    The document is a DRAFT when ``releases_dir`` holds a release of the same version made
    from different sources. Remote images are their fetched copies, or with ``omit_remote``
    placeholders. ``site_root``: where site-absolute image paths (``/img/x.png``) are read. With
    ``language``, the translated edition (``translations/<language>.po``). With strict
    ``diagnostics``, every fault found is refused together (:meth:`Diagnostics.refuse`).
    """
    diagnostics = diagnostics or Diagnostics()
    document = gather(
        manuscript, diagnostics, releases_dir, profile, omit_remote, site_root=site_root, language=language
    )[0]
    diagnostics.refuse()
    return document


def gather(
    manuscript: Path | str,
    diagnostics: Diagnostics,
    releases_dir: Path | str = "output/releases",
    profile: str | None = None,
    omit_remote: bool = False,
    cache: BuildCache | None = None,
    site_root: Path | str | None = None,
    language: str | None = None,
    flag: bool = True,
    formats: tuple[str, ...] | None = None,
    jobs: int = 1,
) -> tuple[Document, Theme]:
    """The validated document and the build's one theme (see :func:`load`); with a ``profile``,
    only the passages it selects. ``cache`` keeps the charts an earlier build drew. With a
    ``language``, the edition translated by ``translations/<language>.po`` (passages without a
    current translation in the source language, visibly ``flag``-ged unless it is a release).
    Each source file is opened once (:mod:`.source.files`). ``formats``: the outputs a build
    makes, the only ones :meth:`Document.for_output` can then give (``None``: every one). ``jobs``
    above 1 lets a long text's chapters be converted side by side (:mod:`.source.fragments`)."""
    with source_files.reading():
        return _gather(
            manuscript, diagnostics, releases_dir, profile, omit_remote, cache, site_root, language, flag, formats, jobs
        )


def _gather(
    manuscript: Path | str,
    diagnostics: Diagnostics,
    releases_dir: Path | str,
    profile: str | None,
    omit_remote: bool,
    cache: BuildCache | None,
    site_root: Path | str | None,
    language: str | None,
    flag: bool,
    formats: tuple[str, ...] | None,
    jobs: int,
) -> tuple[Document, Theme]:
    manuscript = Path(manuscript)
    remote = RemoteImages(manuscript, "omit" if omit_remote else "locked", diagnostics)
    site = Path(site_root) if site_root is not None else None
    edition = _edition(manuscript, language, flag)
    collector = edition if edition is not None else _units_of_the_source(manuscript, profile)
    selection = Selection(profile=profile, translation=collector, formats=formats)
    document, theme = parse.read(manuscript, diagnostics, selection, remote, cache, site, jobs)
    log = changelog.find(manuscript)
    releases = changelog.load(log, diagnostics) if log is not None else ()
    if collector is not None and log is not None:
        releases = translated.releases(collector, releases, log)
        collector.report_removed(diagnostics)  # what the changelog's translations held
    document = _with(document, releases=releases, **_translations(document, collector, releases, diagnostics))
    if edition is not None and edition.catalog is not None:  # the catalog is a source of this edition
        document = _with(document, inputs=(*document.inputs, edition.catalog.path.resolve()))
    fonts.check_glyphs(document, theme, diagnostics)  # every character has a font on this machine
    if log is None:
        return document, theme
    if release.is_draft(document, Path(releases_dir)):
        # Not a fault of the manuscript (strict builds build it too): the outputs say DRAFT.
        line = document.release.line if document.release else None
        diagnostics.note(
            format_location(
                log,
                line,
                f"sources differ from released version {document.version}: this build is marked DRAFT; "
                "add a new version to the changelog before releasing it",
            )
        )
        document = _with(document, draft=True)
    for message, line in release.rewritten_history(document, Path(releases_dir)):
        diagnostics.warn(message, log, line)
    return document, theme


def _edition(manuscript: Path, language: str | None, flag: bool) -> translated.Edition | None:
    if not language:
        return None
    from .translate.catalog import catalog_path, check_language

    check_language(language)
    path = catalog_path(manuscript, language)
    if not path.is_file():
        raise ManuscriptError(
            f"no catalog for the '{language}' edition: start one with `report-build translate init {language}`", path
        )
    return translated.Edition.of(manuscript, language, flag)


def _units_of_the_source(manuscript: Path, profile: str | None) -> translated.Edition | None:
    """For the source edition of a report with catalogs, read without a profile: a collector of
    the units its reading meets (an edition of no language translates nothing), so that the
    version history counts each catalog against them, as ``translate status`` does, without a
    second reading. The reading keeps every format's passages, as ``translate status``'s does;
    a profile leaves some out, so a profile's build counts on a reading of its own."""
    from .translate import catalog

    if profile is not None or not catalog.catalog_languages(manuscript):
        return None
    return translated.Edition()


def _translations(
    document: Document, edition: translated.Edition | None, releases: tuple, diagnostics: Diagnostics
) -> dict:
    """A translated edition's completeness (as ``translate status`` counts it), and every
    edition's, for the version history; nothing for a manuscript without catalogs. The source
    edition builds whatever state a catalog is in: one that cannot be read is a warning there.
    ``edition``: the edition read, or the source's collector of units (:func:`_units_of_the_source`)."""
    from .translate import catalog, extract, status

    if not catalog.catalog_languages(document.source):
        return {}
    version = releases[0].version if releases else ""
    date = releases[0].date if releases else document.metadata.date
    if edition is None or not edition.language:  # the source edition
        found = None
        if edition is not None:  # this reading collected the units
            title, language = document.metadata.title, document.metadata.language
            found = extract.Extraction(document.source, extract.ordered(edition.units), title, version, date, language)
        try:
            return {"editions": status.editions(document.source, found)}
        except ManuscriptError as exc:
            message = f"the version history leaves out the translated editions: {exc.message}"
            diagnostics.warn(message, exc.path, exc.line)
            return {}
    units = extract.ordered(edition.units)  # this reading collected them: no second reading
    found = extract.Extraction(document.source, units, edition.source_title, version, date, edition.source_language)
    editions = status.editions(document.source, found)
    if edition.catalog is None:
        return {"editions": editions}
    found = status.of_units(found.units, edition.catalog, document.root, version)
    source_slug = document.metadata.slug or slugify(edition.source_title)
    translation = found.translation(edition.source_language, edition.flag, source_slug)
    return {"translation": translation, "editions": editions}


def build(
    manuscript: Path | str = "manuscript/report.md",
    formats: tuple[str, ...] = ("pdf",),
    *,
    output: Path | str | None = None,
    output_dir: Path | str = "output",
    edition: str = "screen",
    strict: bool = False,
    diagnostics: Diagnostics | None = None,
    write: bool = True,
    time_limit: float | str | None = None,
    profile: str | None = None,
    omit_remote: bool = False,
    jobs: int = 1,
    memory: Memory | None = None,
    site_root: Path | str | None = None,
    language: str | None = None,
    depfile: Path | str | None = None,
) -> list[Built]:
    """Build the requested formats; write them only once all have rendered and passed their checks.
    A strict build refuses every fault found, in gathering and in rendering, at one point before
    anything is written (``strict``, or strict ``diagnostics``: :meth:`Diagnostics.refuse`).

    With ``omit_remote``, remote images that have not been fetched become placeholders. With
    ``jobs`` above 1 the PDF is laid out in groups of chapters side by side (the same pages; see
    :mod:`report_build.writers.pdf.parallel`), and a long text's chapters are converted side by
    side (the same document; :mod:`report_build.source.fragments`); ``memory`` keeps groups from one build to the next
    (``watch``). ``site_root``: where site-absolute image paths are read (``--site-root``).
    ``depfile``: after the outputs, the source files this build read, as a Makefile fragment
    (:func:`makefile_sources`; ``--depfile``, what the Makefile's stamps depend on)."""
    diagnostics = diagnostics or Diagnostics(strict=strict)
    cache = BuildCache(Path(output_dir) / ".cache" if write else None)
    # Each source file is opened once, from gathering to writing (source/files.py).
    with interrupts_as_exceptions(), source_files.reading() as read:
        with limits.time_limit(limits.time_limit_from(time_limit), "the build", manuscript):
            # 1. Gather: the whole manuscript, changelog and templates, validated.
            releases = Path(output_dir) / "releases"
            document, theme = gather(
                manuscript,
                diagnostics,
                releases,
                profile,
                omit_remote,
                cache,
                site_root,
                language=language,
                formats=tuple(formats),
                jobs=jobs,
            )
            _note_translation(document, diagnostics)
            # 2. Render every format in memory (laid out once).
            layout = Layout(jobs, cache, memory)
            results = _render_all(document, theme, formats, edition, diagnostics, layout, output, Path(output_dir))
        # 3. A strict build refuses every fault collected so far, all together, before writing.
        diagnostics.refuse()
        # 4. Write: atomic, and never cut short by the time limit.
        if write:
            _write_all(results, cache)
            if depfile is not None:
                write_atomic(Path(depfile), makefile_sources(document, read.data))
    return results


def makefile_sources(document: Document, read: Iterable[Path] = ()) -> bytes:
    """``REPORT_SOURCES := …``: the source files of the build that read ``document``, one per
    line, as a Makefile fragment; the same list, in the same order, as the fingerprint of
    ``release`` and ``diff`` (:func:`.publish.release.source_files`: manuscript, changelog,
    chapters, includes, variables, bibliography, catalogs, chart specs and data, images, layout
    overrides), then any other file the build ``read`` (a translation's catalog, counted for the
    version history). The Makefile includes it, so `make pdf` rebuilds exactly when one of them
    changed, or is gone."""

    def escaped(path: Path) -> str:  # make's syntax: spaces, '#' and '$' in a file name
        return str(path).replace("$", "$$").replace("#", "\\#").replace(" ", "\\ ")

    names = [escaped(path) for path in dict.fromkeys([*release.source_files(document), *sorted(read)])]
    head = f"# The source files of {document.source.name}'s last build (report-build --depfile).\nREPORT_SOURCES :="
    listed = "".join(f" \\\n  {name}" for name in names)
    # A file gone since (a chapter removed) is out of date rather than a make error, as gcc -MP does.
    rules = "".join(f"{name}:\n" for name in names)
    return f"{head}{listed}\n{rules}".encode()


def _render_all(
    document: Document,
    theme: Theme,
    formats: tuple[str, ...],
    edition: str,
    diagnostics: Diagnostics,
    layout: Layout,
    output: Path | str | None,
    output_dir: Path,
) -> list[Built]:
    """Every requested format in memory, each with the path it is to be written to."""
    results: list[Built] = []
    files = tuple(fmt for fmt in formats if fmt != WEB)
    rendered = render_formats(document, theme, files, edition, diagnostics, layout=layout) if files else {}
    for fmt in files:
        target = _target(document, fmt, output if len(formats) == 1 else None, output_dir, edition)
        results.append(Built(fmt, target, rendered[fmt]))
    if WEB in formats:
        folder = "web" + (f"-{document.profile}" if document.profile else "")  # a profile's own site
        target = Path(output) if output is not None and len(formats) == 1 else output_dir / folder
        if document.translation is not None and not (output is not None and len(formats) == 1):
            target = target / document.translation.language.lower()  # beside the source's: the language switch
        site = render_web(document, rendered, output_dir, diagnostics, layout.cache, edition, target, theme)
        results.append(Built(WEB, target, b"", site))
    return results


def _note_translation(document: Document, diagnostics: Diagnostics) -> None:
    """A translated edition says how complete it is (``translate status --list`` says where)."""
    translation = document.translation
    if translation is None:
        return
    if translation.complete:
        diagnostics.note(f"{translation.language} edition: all {translation.passages} passages translated")
    else:
        diagnostics.note(
            f"{translation.language} edition: {translation.in_source} of {translation.passages} passages in the "
            f"source language ({translation.fuzzy} fuzzy, {translation.untranslated} untranslated); "
            "`report-build translate status --list` says where"
        )


def _write_all(results: list[Built], cache: BuildCache) -> None:
    """Each output to a temporary file renamed into place (a site: its folder replaced whole),
    then the cache, which is written only after the outputs."""
    for result in results:
        if result.path is not None and result.files is not None:
            from .writers.web.folder import write_site

            write_site(result.path, result.files)
        elif result.path is not None:
            write_atomic(result.path, result.data)
    cache.commit()


@dataclass(frozen=True)
class Layout:
    """How the PDF is laid out: by how many processes (1: the single pass, the reference), with
    the cache that keeps the last layout's page map, and a ``watch``'s kept groups."""

    jobs: int = 1
    cache: BuildCache | None = None
    memory: Memory | None = None

    def page_map_entry(self, document: Document) -> str | None:
        """The cache entry of the last grouped layout of this manuscript and profile (both
        editions share one pagination): named by them, not by the sources, since an earlier
        version's map is the best guess."""
        if self.cache is None or self.cache.folder is None or (self.jobs <= 1 and self.memory is None):
            return None
        language = document.translation.language if document.translation is not None else ""
        key = f"{__version__}|{document.source.resolve()}|{document.profile or ''}|{language}"
        return f"groups-{hashlib.sha256(key.encode()).hexdigest()[:24]}.json"

    def lay_out(self, document: Document, edition: str, theme: Theme, diagnostics: Diagnostics, write: bool = True):
        from .writers.pdf.handover import PageMap
        from .writers.pdf.writer import Grouped, layout

        entry = self.page_map_entry(document)
        previous = PageMap.from_json(self.cache.read(entry)) if entry is not None and self.cache else None
        laid_out = layout(
            document,
            edition,
            theme,
            diagnostics,
            jobs=self.jobs,
            previous=previous,
            memory=self.memory,
            write=write,
            cache=self.cache,
        )
        if isinstance(laid_out, Grouped):
            diagnostics.note(f"PDF: {laid_out.report}")
            if entry is not None and self.cache is not None:
                self.cache.put(entry, laid_out.page_map.to_json())
        return laid_out


def render_formats(
    document: Document,
    theme: Theme,
    formats: tuple[str, ...],
    edition: str,
    diagnostics: Diagnostics,
    cache: BuildCache | None = None,
    layout: Layout | None = None,
) -> dict[str, bytes]:
    """Render each format in memory. The document is laid out once: the PDF's pagination gives
    the ePub its print page numbers (from a cache when only the ePub is asked for)."""
    layout = layout or Layout(cache=cache)
    cache = layout.cache
    unknown = [fmt for fmt in formats if fmt not in FORMATS and fmt not in (WEB, DOCX)]
    if unknown:
        raise RenderError(f"unknown output format '{unknown[0]}'")
    if DOCX in formats:
        from .writers.docx.writer import write_docx

        with progress.shown("Word edition"):
            word = write_docx(document, theme, diagnostics)
        others = tuple(fmt for fmt in formats if fmt != DOCX)
        rendered = render_formats(document, theme, others, edition, diagnostics, layout=layout) if others else {}
        return {**rendered, DOCX: word}
    if document.conditional:
        # Passages differ between the formats: each writer gets its own text, and the ePub has no
        # print page numbers (the PDF's would point at the wrong places), so no page map is read.
        return _each_alone(document, theme, formats, edition, diagnostics, layout)
    rendered: dict[str, bytes] = {}
    marks: tuple[PageMark, ...] | None = None
    page_entry, cached = None, None
    if cache is not None and cache.folder is not None:
        page_entry = f"pages-{pagination.cache_key(release.source_fingerprint(document), theme.dirs)}.json"
        cached = cache.read(page_entry)
    # Each writer is imported only when used: an ePub built from cached page numbers never
    # imports WeasyPrint, which takes a third of a second.
    if "pdf" in formats:
        with progress.shown("PDF and ePub" if "epub" in formats else "PDF"):
            laid_out = layout.lay_out(document, edition, theme, diagnostics)
            marks = laid_out.marks
            if "epub" in formats:
                rendered["pdf"], rendered["epub"] = _pdf_and_epub(document, theme, laid_out, edition, diagnostics)
            else:
                rendered["pdf"] = laid_out.write()
            _note_pages_kept(laid_out, edition, diagnostics)
    elif "epub" in formats:
        from .writers.epub.writer import write_epub

        marks = pagination.from_json(cached)
        if marks is None:
            with progress.shown("print page numbers"):
                marks = layout.lay_out(document, edition, theme, diagnostics, write=False).marks
        rendered["epub"] = write_epub(document, edition=edition, diagnostics=diagnostics, page_marks=marks, theme=theme)
    if cache is not None and page_entry is not None and marks is not None and cached is None:
        cache.put(page_entry, pagination.to_json(marks))
    return rendered


def render_web(
    document: Document,
    rendered: dict[str, bytes],
    output_dir: Path,
    diagnostics: Diagnostics,
    cache: BuildCache | None = None,
    edition: str = "screen",
    target: Path | None = None,
    theme: Theme | None = None,
) -> dict[str, bytes]:
    """The web edition's files; it offers the PDF and ePub built with it, or the ones of this
    version already in ``output_dir``, and links the other editions built beside ``target``."""
    from .writers.web import downloads, editions
    from .writers.web.site import render_site

    names = {fmt: output_name(document, fmt) for fmt in FORMATS}
    offered, files = downloads.gather(document, names, rendered, output_dir, diagnostics)
    others = editions.find(target, document.metadata.language) if target is not None else ()
    with progress.shown("web edition"):
        site = render_site(
            document,
            diagnostics=diagnostics,
            theme=theme,
            downloads=offered,
            editions=others,
            cache=cache,
            edition=edition,
        )
    return {**site, **files}


def _each_alone(
    document: Document,
    theme: Theme,
    formats: tuple[str, ...],
    edition: str,
    diagnostics: Diagnostics,
    layout: Layout,
) -> dict[str, bytes]:
    rendered: dict[str, bytes] = {}
    if "pdf" in formats:
        with progress.shown("PDF"):
            chosen = document.for_output("pdf", edition)
            rendered["pdf"] = layout.lay_out(chosen, edition, theme, diagnostics).write()
    if "epub" in formats:
        from .writers.epub.writer import write_epub

        chosen = document.for_output("epub", edition)
        rendered["epub"] = write_epub(chosen, edition=edition, diagnostics=diagnostics, theme=theme)
    return rendered


def _note_pages_kept(laid_out: LaidOut | Grouped, edition: str, diagnostics: Diagnostics) -> None:
    """After "PDF: 43 pages in 2 groups: …" (the pages laid out, as the print edition has them),
    the screen edition says how many pages its PDF has: it leaves out the blank pages that make
    chapters open on a recto (:mod:`.writers.pdf.editions`)."""
    from .writers.pdf.writer import Grouped

    if edition != "screen" or not isinstance(laid_out, Grouped):
        return
    kept = sum(laid_out.shown)  # the pages the join wrote (the test reads them from the file)
    left_out = len(laid_out.folios) - kept
    if left_out > 0:
        diagnostics.note(
            f"PDF: the screen edition has {kept} pages: it leaves out the {left_out} blank pages "
            "the print edition needs"
        )


def _pdf_and_epub(
    document: Document, theme: Theme, laid_out: LaidOut | Grouped, edition: str, diagnostics: Diagnostics
) -> tuple[bytes, bytes]:
    """The ePub is packaged in a second thread, from the layout's page marks, while the PDF is written."""
    from .writers.epub.writer import write_epub

    with ThreadPoolExecutor(max_workers=1) as pool:
        epub = pool.submit(
            write_epub, document, edition=edition, diagnostics=diagnostics, page_marks=laid_out.marks, theme=theme
        )
        pdf = laid_out.write()
        return pdf, epub.result()


def output_name(document: Document, fmt: str, edition: str = "screen") -> str:
    """``<slug>[-<language>][-<profile>]-v<version>[-draft][-<edition>].<fmt>``: a translated
    edition adds its language to the source's slug; a draft (its version already released from
    other sources) never takes the released file's name."""
    meta = document.metadata
    if document.translation is not None:  # the source edition's name, then the language
        stem = document.translation.source_slug or slugify(document.source.parent.name) or "report"
        stem += f"-{document.translation.language.lower()}"
    else:
        stem = meta.slug or slugify(meta.title) or slugify(document.source.parent.name) or "report"
    if document.profile:
        stem += f"-{document.profile}"
    if document.version:
        stem += f"-v{document.version}"
    if document.draft:
        stem += "-draft"
    if fmt == "pdf" and edition != "screen":
        stem += f"-{edition}"
    return f"{stem}.{fmt}"


def _target(document: Document, fmt: str, output: Path | str | None, output_dir: Path, edition: str) -> Path:
    if output is not None:
        return Path(output)
    return output_dir / output_name(document, fmt, edition)


def slugify(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:60]


def _with(document: Document, **changes: object) -> Document:
    from dataclasses import replace

    return replace(document, **changes)


def _refuse_partial(document: Document, allow_partial: bool) -> None:
    translation = document.translation
    if translation is None or translation.complete or allow_partial:
        return
    from .translate.catalog import catalog_path

    raise ReleaseError(
        f"the {translation.language} edition is not complete: {translation.in_source} of {translation.passages} "
        f"passages have no current translation ({translation.fuzzy} fuzzy, {translation.untranslated} untranslated; "
        "`report-build translate status --list` says where); finish them, or release it with --allow-partial "
        "(the colophon and the downloads page then say how many passages are in the source language)",
        catalog_path(document.source, translation.language),
    )


def make_release(
    manuscript: Path | str = "manuscript/report.md",
    *,
    output_dir: Path | str = "output",
    diagnostics: Diagnostics | None = None,
    time_limit: float | str | None = None,
    language: str | None = None,
    allow_partial: bool = False,
) -> release.Released:
    """Build PDF, ePub and web edition and file them as an immutable release with checksums and a
    downloads page. A release is strict: every fault a draft renders around is refused, all
    together, once everything has rendered and before anything is filed. A translated edition
    (``language``) is released only when every passage is translated, unless ``allow_partial``:
    its colophon and the downloads page then say how many passages are in the source language."""
    diagnostics = diagnostics or Diagnostics()
    diagnostics.strict, diagnostics.refused_by = True, "release"
    releases_dir = Path(output_dir) / "releases"
    cache = BuildCache(Path(output_dir) / ".cache")
    with interrupts_as_exceptions(), limits.time_limit(limits.time_limit_from(time_limit), "the release", manuscript):
        document, theme = gather(
            manuscript,
            diagnostics,
            releases_dir=Path(output_dir) / ".no-releases",
            cache=cache,
            language=language,
            flag=False,
        )
        _refuse_partial(document, allow_partial)
        log = changelog.find(document.source)
        for message, line in release.rewritten_history(document, releases_dir):
            diagnostics.warn(message, log, line)  # refused with the rest, before anything is filed

        def render() -> dict[str, tuple[str, bytes]]:
            rendered = render_formats(document, theme, FORMATS, "screen", diagnostics, cache)
            return {fmt: (output_name(document, fmt), data) for fmt, data in rendered.items()}

        def web(files: list[dict[str, object]], outputs: dict[str, tuple[str, bytes]]) -> dict[str, bytes]:
            from .writers.web import downloads
            from .writers.web.site import render_site

            offered = downloads.released(files, {fmt: data for fmt, (_name, data) in outputs.items()})
            site = render_site(document, diagnostics=diagnostics, theme=theme, downloads=offered, cache=cache)
            diagnostics.refuse()  # everything has rendered; nothing is filed yet
            return site

        index_theme = theme  # the downloads page speaks the source's language, whichever edition filed last
        if document.translation is not None:
            index_theme = Theme(document.metadata.layouts, document.translation.source_language)
        released = release.release(document, render, releases_dir, index_theme, web)
    cache.commit()  # after the release is filed, outside its time limit
    return released
