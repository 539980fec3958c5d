"""The command line. The only place that catches the pipeline's errors."""

from __future__ import annotations

import argparse
import gc
import os
import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from . import __version__, limits
from .build import build, make_release
from .errors import CheckError, Diagnostics, ReportBuildError, ScaffoldError, StrictModeError, format_location
from .output import write_atomic

DEFAULT_MANUSCRIPT = "manuscript/report.md"


def parser() -> argparse.ArgumentParser:
    main = argparse.ArgumentParser(
        prog="report-build",
        description="Build a report's PDF and ePub from one Markdown manuscript.",
    )
    main.add_argument("--version", action="version", version=f"report-build {__version__}")
    commands = main.add_subparsers(dest="command", metavar="COMMAND", required=True)

    def common(sub: argparse.ArgumentParser, output: bool = True) -> None:
        sub.add_argument(
            "manuscript",
            nargs="?",
            default=DEFAULT_MANUSCRIPT,
            help=f"the Markdown manuscript (default: {DEFAULT_MANUSCRIPT})",
        )
        if output:
            sub.add_argument(
                "-o", "--output", type=Path, help="file to write (default: output/<slug>-v<version>.<ext>)"
            )
        sub.add_argument("--output-dir", type=Path, default=Path("output"), help="folder for outputs (default: output)")
        sub.add_argument("--strict", action="store_true", help="treat every warning as an error")
        sub.add_argument("-q", "--quiet", action="store_true", help="print only errors")
        sub.add_argument(
            "--time-limit",
            type=float,
            metavar="SECONDS",
            default=None,
            help=f"stop a build that runs longer than this (default {limits.DEFAULT_TIME_LIMIT:g} s, "
            f"or ${limits.TIME_LIMIT_ENV}; 0 for no limit)",
        )

    def built(sub: argparse.ArgumentParser) -> None:
        sub.add_argument(
            "--depfile",
            type=Path,
            metavar="FILE",
            default=None,
            help="after writing, list the source files the build read in FILE, as a Makefile fragment "
            "(REPORT_SOURCES := ...; the Makefile's stamps depend on them)",
        )

    def profiled(sub: argparse.ArgumentParser) -> None:
        sub.add_argument(
            "--profile",
            metavar="NAME",
            default=None,
            help="build the profile NAME (e.g. brief), as Quarto does: passages marked "
            "content-hidden when-profile=NAME are left out, those marked content-visible "
            "when-profile=NAME are shown; the output is named <slug>-NAME-v<version>",
        )

    def parallel(sub: argparse.ArgumentParser) -> None:
        sub.add_argument(
            "-j",
            "--jobs",
            type=_jobs,
            metavar="N",
            default=None,
            help=f"lay the PDF out in N processes, chapters side by side, and convert a long text's chapters so "
            f"(default: the cores, {available_cores()}); 1 is the single pass, whose bytes releases use",
        )

    def translated(sub: argparse.ArgumentParser) -> None:
        sub.add_argument(
            "--language",
            metavar="LANG",
            default=None,
            help="the edition in LANG, from translations/LANG.po beside the manuscript "
            "(named <slug>-LANG-v<version>; see `report-build translate`)",
        )

    def drafts(sub: argparse.ArgumentParser) -> None:
        sub.add_argument(
            "--omit-remote",
            action="store_true",
            help="leave out remote images not fetched yet, as a draft does anyway (a placeholder shows each one's "
            "alt text), its warnings naming this option (not for release)",
        )
        sub.add_argument(
            "--site-root",
            type=Path,
            metavar="DIR",
            default=None,
            help="read site-absolute image paths (/img/x.png) under DIR, as the site served them "
            "(default: site_root: in the front matter, else the manuscript's folder and its static/)",
        )

    pdf = commands.add_parser("pdf", help="build the PDF")
    built(pdf)
    common(pdf)
    parallel(pdf)
    profiled(pdf)
    drafts(pdf)
    translated(pdf)
    pdf.add_argument(
        "--edition",
        choices=("screen", "print"),
        default="screen",
        help="screen: tagged PDF/UA for downloads (default); print: PDF/X-4 for the press",
    )
    epub = commands.add_parser("epub", help="build the ePub")
    built(epub)
    common(epub)
    parallel(epub)
    profiled(epub)
    drafts(epub)
    translated(epub)
    web = commands.add_parser("web", help="build the web edition (a folder: output/web)")
    built(web)
    common(web, output=False)
    web.add_argument("-o", "--output", type=Path, help="folder to write (default: output/web)")
    profiled(web)
    drafts(web)
    translated(web)
    both = commands.add_parser("all", help="build the PDF, the ePub and the web edition")
    built(both)
    common(both, output=False)
    parallel(both)
    profiled(both)
    drafts(both)
    translated(both)
    word = commands.add_parser("docx", help="build the Word edition, or with --changes-since a redline for reviewers")
    built(word)
    common(word)
    profiled(word)
    drafts(word)
    translated(word)
    word.add_argument(
        "--changes-since",
        metavar="VERSION",
        default=None,
        help="a redline: this manuscript against the sources kept with release VERSION (or a git revision), "
        "as tracked changes",
    )
    rel = commands.add_parser("release", help="build both and file them as an immutable release")
    common(rel, output=False)
    translated(rel)
    rel.add_argument(
        "--allow-partial",
        action="store_true",
        help="release a translated edition with passages still in the source language (the colophon and "
        "downloads page say how many)",
    )
    watcher = commands.add_parser("watch", help="rebuild on every save")
    watcher.add_argument("manuscript", nargs="?", default=DEFAULT_MANUSCRIPT, help="the manuscript to watch")
    watcher.add_argument("--format", choices=("pdf", "epub", "all"), default="pdf", help="what to rebuild")
    watcher.add_argument("--output-dir", type=Path, default=Path("output"), help="folder for outputs")
    drafts(watcher)
    parallel(watcher)
    watcher.add_argument("--max-rebuilds", type=int, default=None, help=argparse.SUPPRESS)
    watcher.add_argument("--strict", action="store_true", help=argparse.SUPPRESS)
    watcher.add_argument("-q", "--quiet", action="store_true", help=argparse.SUPPRESS)
    viewer = commands.add_parser(
        "preview",
        help="serve the web edition on http://127.0.0.1:8000/ and follow every save, with faults and print pages",
    )
    viewer.add_argument("manuscript", nargs="?", default=DEFAULT_MANUSCRIPT, help="the manuscript to preview")
    viewer.add_argument(
        "--port",
        type=_port,
        default=8000,
        help="port to serve on (default 8000, or the next free one; 0: any free port)",
    )
    viewer.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1: only this machine can connect)"
    )
    viewer.add_argument("--open", action="store_true", help="open the preview in the web browser")
    viewer.add_argument("--no-pdf", action="store_true", help="make no PDF (no print pages view): the site alone")
    viewer.add_argument(
        "--output-dir", type=Path, default=Path("output"), help="folder of the cache and the ePub offered"
    )
    drafts(viewer)
    viewer.set_defaults(strict=False, quiet=False)
    gate = commands.add_parser(
        "check",
        help="validate the latest outputs (PDF structure and links, EPUBCheck, Ace, the site) and say what was checked",
    )
    gate.add_argument("manuscript", nargs="?", default=DEFAULT_MANUSCRIPT, help="the manuscript the outputs came from")
    gate.add_argument("--output-dir", type=Path, default=Path("output"), help="where the outputs are")
    gate.add_argument("--no-ace", action="store_true", help="skip the Ace accessibility check")
    gate.add_argument("--no-site", action="store_true", help="skip the web edition's checks in Chromium")
    gate.add_argument("--site", type=Path, default=None, help="the web edition's folder (default: OUTPUT_DIR/web)")
    gate.add_argument("--strict", action="store_true", help="count warnings as failures")
    gate.add_argument("-q", "--quiet", action="store_true", help="print only findings")
    translated(gate)
    fetching = commands.add_parser(
        "fetch", help="download the manuscript's remote images into images/remote/ (the only command using the network)"
    )
    fetching.add_argument("manuscript", nargs="?", default=DEFAULT_MANUSCRIPT, help="the manuscript")
    fetching.add_argument(
        "--allow-private", action="store_true", help="allow loopback and private addresses (a server on this machine)"
    )
    fetching.add_argument("--refresh", action="store_true", help="download every image again, even if fetched")
    fetching.add_argument("--prune", action="store_true", help="drop lock entries this manuscript does not use")
    fetching.add_argument("--max-mb", type=float, default=20.0, help="largest image to accept, in MB (default 20)")
    fetching.add_argument("--timeout", type=float, default=30.0, help="seconds allowed per image (default 30)")
    fetching.add_argument("-q", "--quiet", action="store_true", help="print only errors")
    fetching.set_defaults(strict=False)
    changes = commands.add_parser("diff", help="a document of what changed between two versions")
    changes.add_argument(
        "old", help="the older version: a released version's number (1.0), a manuscript file or a git revision"
    )
    changes.add_argument(
        "new", help="the newer version: a released version's number, a manuscript file or a git revision"
    )
    changes.add_argument("-o", "--output", type=Path, required=True, help="file to write (.pdf or .html)")
    changes.add_argument("--manuscript", default=DEFAULT_MANUSCRIPT, help="the manuscript's path inside revisions")
    changes.add_argument("--output-dir", type=Path, default=Path("output"), help="where releases are (default: output)")
    changes.add_argument("--strict", action="store_true", help="treat every warning as an error")
    changes.add_argument("-q", "--quiet", action="store_true", help="print only errors")
    importer = commands.add_parser("import", help="start a report from a Word file (.docx), as `new` does")
    importer.add_argument("draft", type=Path, help="the Word file")
    importer.add_argument("folder", type=Path, nargs="?", help="the new report's folder (new or empty)")
    importer.add_argument(
        "--into", type=Path, metavar="EXISTING", help="add it as a chapter file of this report (manuscript or folder)"
    )
    importer.add_argument("--language", default=None, help="BCP 47 tag (default: the Word file's language, or en)")
    importer.add_argument("-q", "--quiet", action="store_true", help="print only errors")
    importer.set_defaults(strict=False)
    remarks = commands.add_parser(
        "comments", help="list a reviewed Word file's comments and tracked changes at the manuscript's file:line"
    )
    remarks.add_argument("review", type=Path, help="the reviewed .docx (the Word edition or a redline)")
    remarks.add_argument("manuscript", nargs="?", default=DEFAULT_MANUSCRIPT, help="the manuscript they are about")
    remarks.add_argument("--format", choices=("text", "json"), default="text", help="text (default) or json")
    remarks.set_defaults(strict=False, quiet=False)
    translation = commands.add_parser(
        "translate", help="catalogs for translated editions: init, update, status (gettext PO files)"
    )
    steps = translation.add_subparsers(dest="step", metavar="STEP", required=True)
    start = steps.add_parser(
        "init", help="write translations/LANG.po beside the manuscript, every passage to translate"
    )
    start.add_argument("language", metavar="LANG", help="the edition's language: a BCP 47 tag (ar, fr, pt-BR)")
    start.add_argument("manuscript", nargs="?", default=DEFAULT_MANUSCRIPT, help="the manuscript")
    follow = steps.add_parser(
        "update",
        help="bring catalogs up to date with the manuscript (changed: fuzzy; new: untranslated; removed: obsolete)",
    )
    follow.add_argument(
        "items", nargs="*", metavar="[LANG ...] [MANUSCRIPT]", help="languages (default: every catalog)"
    )
    count = steps.add_parser("status", help="how complete each translated edition is, overall and per chapter")
    count.add_argument("items", nargs="*", metavar="[LANG ...] [MANUSCRIPT]", help="languages (default: every catalog)")
    count.add_argument("--list", action="store_true", help="the file:line of every passage not translated or fuzzy")
    count.add_argument("--strict", action="store_true", help="exit 1 when any edition is not complete")
    tongues = steps.add_parser(
        "languages", help="print the languages with a catalog, one a line (for make all-editions)"
    )
    tongues.add_argument("manuscript", nargs="?", default=DEFAULT_MANUSCRIPT, help="the manuscript")
    translation.set_defaults(strict=False, quiet=False)
    fresh = commands.add_parser("new", help="start a new report in a new folder")
    fresh.add_argument("folder", type=Path, help="the folder to create (it must be new or empty)")
    fresh.add_argument("--title", help="the report's title (default: from the folder's name)")
    fresh.add_argument("--language", default="en", help="BCP 47 tag: en (default), en-GB, fr, ar (right to left)...")
    fresh.set_defaults(strict=False, quiet=False)
    return main


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    # Warnings are printed together, by file and line, once the command is done (or has failed).
    diagnostics = Diagnostics(strict=args.strict, echo=False)

    def warnings() -> None:
        if not args.quiet:
            for line in diagnostics.summary():
                print(line, file=sys.stderr)

    try:
        written = run(args, diagnostics)
    except StrictModeError as exc:  # every fault, sorted by file and line, then what refused them
        for line in exc.lines():
            print(line, file=sys.stderr)
        return 1
    except ReportBuildError as exc:
        warnings()
        print(exc if exc.path is not None else f"report-build: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt as exc:
        with _signals_held():  # one line, even if a second Ctrl-C or a SIGTERM comes now
            print("report-build: interrupted; earlier outputs are left as they were", file=sys.stderr)
        return 128 + getattr(exc, "signum", signal.SIGINT)  # 130 for SIGINT (Ctrl-C), 143 for SIGTERM
    except Exception as exc:  # an internal error: say so plainly, keep the traceback for developers
        if os.environ.get("REPORT_BUILD_DEBUG"):
            raise
        warnings()
        print(
            f"report-build: internal error: {type(exc).__name__}: {exc} (set REPORT_BUILD_DEBUG=1 to see where)",
            file=sys.stderr,
        )
        return 1
    warnings()
    for path in written:
        print(path)
    return 0


def command() -> int:
    """The ``report-build`` program: :func:`main`, then a quick end. The objects a command made
    are frozen out of the garbage collector, so that Python, as it exits, does not walk and free
    them once more: 0.1 s after a 100-page PDF, and nothing of it needs collecting. The outputs
    are written and their files closed by then; ``atexit`` handlers and finalizers (temporary
    folders: WeasyPrint's fonts', :func:`.writers.pdf.layout._parsed`) run as before. :func:`main`
    itself, which the tests call many times in one process, freezes nothing."""
    code = main()
    gc.freeze()
    return code


@contextmanager
def _signals_held() -> Iterator[None]:
    """SIGINT and SIGTERM ignored for the duration (in the main thread; elsewhere, as they were)."""
    previous = {}
    try:
        for signum in (signal.SIGINT, signal.SIGTERM):
            previous[signum] = signal.signal(signum, signal.SIG_IGN)
    except ValueError:  # not the main thread
        pass
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def run(args: argparse.Namespace, diagnostics: Diagnostics) -> list[Path]:
    """Carry out one command; return the paths written."""
    if args.command == "watch":
        from .watch import watch

        formats = ("pdf", "epub") if args.format == "all" else (args.format,)
        watch(
            Path(args.manuscript),
            formats,
            args.output_dir,
            args.max_rebuilds,
            omit_remote=args.omit_remote,
            jobs=args.jobs or available_cores(),
            site_root=args.site_root,
        )
        return []
    if args.command == "preview":
        from .preview.session import preview

        preview(
            Path(args.manuscript),
            host=args.host,
            port=args.port,
            open_browser=args.open,
            output_dir=args.output_dir,
            omit_remote=args.omit_remote,
            make_pdf=not args.no_pdf,
        )
        return []
    if args.command == "new":
        from .scaffold import new_report

        written = new_report(args.folder, args.title, args.language)
        print(f"report-build: new report in {args.folder}; build it: cd {args.folder} && make pdf", file=sys.stderr)
        return written
    if args.command == "import":
        from .importers.word import import_docx

        if (args.folder is None) == (args.into is None):
            raise ScaffoldError("give the new report's folder, or --into an existing report (not both)")
        written = import_docx(args.draft, args.folder, into=args.into, language=args.language, diagnostics=diagnostics)
        where = args.folder or written[0]
        print(f"report-build: imported {args.draft} into {where}; build it with report-build pdf", file=sys.stderr)
        return written[:1]
    if args.command == "comments":
        from .publish.review import as_json, review

        found = review(args.review, Path(args.manuscript))
        print(as_json(found) if args.format == "json" else "\n".join(str(remark) for remark in found))
        return []
    if args.command == "translate":
        return _translate(args)
    if args.command == "check":
        from .checks import gate

        tallies = gate.run(
            args.manuscript,
            args.output_dir,
            ace=not args.no_ace,
            browser=not args.no_site,
            site=args.site,
            language=args.language,
        )
        for tally in tallies:
            for located in tally.findings:
                print(located, file=sys.stderr)
        for tally in tallies:  # what was checked, one line a check, then the verdict
            print(f"check: {tally.line()}", file=sys.stderr)
        errors = sum(tally.errors for tally in tallies)
        warnings = sum(tally.warnings for tally in tallies)
        failed = bool(errors or (args.strict and warnings))
        counted = gate.counted(errors, warnings)
        print(f"check: {counted}: {'failed' if failed else 'passed'}", file=sys.stderr)
        if failed:
            raise CheckError(f"check failed: {counted}")
        return []
    if args.command == "release":
        released = make_release(
            args.manuscript,
            output_dir=args.output_dir,
            diagnostics=diagnostics,
            time_limit=args.time_limit,
            language=args.language,
            allow_partial=args.allow_partial,
        )
        if not released.changed:
            print(
                f"report-build: {released.folder} is already released from these sources; nothing changed",
                file=sys.stderr,
            )
        return [released.folder, released.index]
    if args.command == "fetch":
        from .fetch import Limits, fetch

        limits = Limits(int(args.max_mb * 1_000_000), timeout=args.timeout, allow_private=args.allow_private)
        say = (lambda message: None) if args.quiet else (lambda message: print(message, file=sys.stderr))
        fetched = fetch(args.manuscript, limits, refresh=args.refresh, prune=args.prune, say=say)
        unused = f", {fetched.unused} lock entries not used by this manuscript (--prune drops them)"
        counts = f"fetch: {fetched.downloaded} downloaded, {fetched.kept} already fetched"
        if fetched.lock is None:
            say(f"fetch: {args.manuscript} uses no remote images; nothing to do")
            return []
        say(counts + (unused if fetched.unused else ""))
        return [fetched.lock]
    if args.command == "diff":
        from .publish.diff import diff

        fmt = "html" if args.output.suffix.lower() in (".html", ".htm") else "pdf"
        data = diff(args.old, args.new, args.manuscript, diagnostics, fmt, args.output_dir / "releases")
        return [write_atomic(args.output, data)]
    if args.command == "docx" and args.changes_since:
        from .publish.redline import redline

        path, data = redline(
            args.manuscript,
            args.changes_since,
            output_dir=args.output_dir,
            diagnostics=diagnostics,
            profile=args.profile,
            omit_remote=args.omit_remote,
        )
        return [write_atomic(args.output or path, data)]
    formats = {"pdf": ("pdf",), "epub": ("epub",), "web": ("web",), "docx": ("docx",), "all": ("pdf", "epub", "web")}[
        args.command
    ]
    results = build(
        args.manuscript,
        formats,
        output=getattr(args, "output", None),
        output_dir=args.output_dir,
        edition=getattr(args, "edition", "screen"),
        diagnostics=diagnostics,
        time_limit=args.time_limit,
        profile=args.profile,
        omit_remote=args.omit_remote,
        jobs=getattr(args, "jobs", None) or available_cores(),
        site_root=args.site_root,
        language=args.language,
        depfile=args.depfile,
    )
    if not args.quiet:
        for note in diagnostics.notes:
            print(f"report-build: {note}", file=sys.stderr)
    return [result.path for result in results if result.path is not None]


def _translate(args: argparse.Namespace) -> list[Path]:
    """``report-build translate init|update|status|languages``."""
    from .translate import catalog, extract, merge, status

    if args.step == "init":
        path, entries = extract.init(args.language, Path(args.manuscript))
        print(f"report-build: {entries} passages to translate in {path}", file=sys.stderr)
        return [path]
    if args.step == "languages":
        for language in catalog.edition_languages(Path(args.manuscript)):
            print(language)
        return []
    languages = [item for item in args.items if not _is_manuscript(item)]
    manuscripts = [item for item in args.items if _is_manuscript(item)]
    if len(manuscripts) > 1:
        raise ScaffoldError(f"name one manuscript, not {len(manuscripts)}")
    manuscript = Path(manuscripts[0] if manuscripts else DEFAULT_MANUSCRIPT)
    for language in languages:
        catalog.check_language(language)
    if args.step == "update":
        written = []
        for done in merge.update(languages, manuscript):
            what = (
                f"{done.changed} changed (now fuzzy), {done.new} new, {done.obsolete} removed (obsolete)"
                if done.written
                else "already up to date"
            )
            print(f"{format_location(done.path, None, what)}", file=sys.stderr)
            if done.written:
                written.append(done.path)
        return written
    found = status.status(manuscript, languages)
    if not found:
        print("report-build: no translations yet (start one with `report-build translate init LANG`)", file=sys.stderr)
        return []
    print(status.report(found, listing=args.list))
    incomplete = [item.language for item in found if not item.complete]
    if args.strict and incomplete:
        raise CheckError(f"not complete: {', '.join(incomplete)} (--strict)")
    return []


def _is_manuscript(item: str) -> bool:
    return item.endswith((".md", ".markdown", ".Rmd", ".qmd")) or "/" in item or Path(item).is_file()


def available_cores() -> int:
    """The cores this process may run on (a container or CPU affinity can allow fewer than the machine has)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def _jobs(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a number of processes") from None
    if not 1 <= value <= 64:
        raise argparse.ArgumentTypeError(f"{value} processes: give 1 to 64")
    return value


def _port(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a port number") from None
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"{value}: a port is 1 to 65535 (0: any free port)")
    return value
