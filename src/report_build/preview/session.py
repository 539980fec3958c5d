"""The preview's loop: serve, build the site, then build it again after every save.

Read top to bottom (:func:`preview`): the server starts first (its page says the report is being
built), the site is built in memory, the PDF's process is started, then every change in the
manuscript's folder or the layouts (chapters, includes, variables, bibliography, data, layouts,
changelog: any file but hidden, temporary and output files) builds the site again and asks for a
new PDF. Builds run in the main thread, so that Ctrl-C and the time limit reach them; the server
answers from its own threads meanwhile, with the last good pages.

Ctrl-C (or SIGTERM) stops the server and the PDF's process and prints one line; the preview
writes nothing but ``output/.cache`` (font subsets, as any web build), never a release.
"""

from __future__ import annotations

import signal
import sys
import threading
import webbrowser
from collections.abc import Callable
from pathlib import Path

from ..cache import BuildCache
from ..errors import ManuscriptError, display_path
from ..theme import Theme
from ..watch import relevant, watched_folders
from ..writers.web.pages import CHAPTER, site_pages
from .faults import ERROR, Fault
from .paths import is_loopback
from .printing import PageImages, Printer
from .server import PreviewServer, open_server
from .site import build_site
from .state import Look, State

DEFAULT_PORT = 8000


class SessionCache(BuildCache):
    """``output/.cache``, with every entry read or made in this session also kept in memory (a
    cache that cannot be written must not make each save subset the fonts again)."""

    def __init__(self, folder: Path | None) -> None:
        super().__init__(folder)
        self.kept: dict[str, bytes] = {}

    def read(self, name: str) -> bytes | None:
        if name not in self.kept:
            data = super().read(name)
            if data is None:
                return None
            self.kept[name] = data
        return self.kept[name]

    def put(self, name: str, data: bytes) -> None:
        self.kept[name] = data
        super().put(name, data)


class Session:
    """One run of the preview."""

    def __init__(
        self,
        manuscript: Path,
        *,
        host: str,
        port: int,
        output_dir: Path,
        omit_remote: bool,
        make_pdf: bool,
        say: Callable[[str], None],
    ) -> None:
        self.manuscript = manuscript
        self.host, self.port = host, port
        self.output_dir = output_dir
        self.omit_remote = omit_remote
        self.say = say
        self.state = State(Theme(), make_pdf)
        self.cache = SessionCache(output_dir / ".cache")
        self.images = PageImages()
        self.printer = Printer(manuscript, output_dir, omit_remote, self.state, say) if make_pdf else None
        self.server: PreviewServer | None = None
        self._shown: set[Fault] = set()

    def start(self, open_browser: bool = False) -> str:
        """Listen, say where, and build the site for the first time; returns the address."""
        self.server = open_server(self.host, self.port, self.state, self.images)
        threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.2}, name="report-build-preview", daemon=True
        ).start()
        url = self.server.url
        if self.port and self.server.server_port != self.port:
            self.say(f"report-build: port {self.port} is taken; the preview uses {self.server.server_port}")
        self.say(f"report-build: preview of {display_path(self.manuscript)} at {url} (Ctrl-C to stop)")
        if not is_loopback(self.host):
            self.say(f"report-build: listening on {self.host}: anyone who can reach this machine can read the report")
        if open_browser:
            threading.Thread(target=webbrowser.open, args=(url,), name="report-build-browser", daemon=True).start()
        return url

    def follow(self, stop: threading.Event | None = None) -> None:
        """Build, then build again after every save, until Ctrl-C (or ``stop`` is set). The first
        build waits for the watcher to be in place (its first, empty, batch), so that no save
        made while it runs is missed."""
        from watchfiles import watch as changes

        folders = watched_folders(self.manuscript)
        started = False
        batches = changes(*folders, debounce=1600, step=30, rust_timeout=250, yield_on_timeout=True, stop_event=stop)
        for batch in batches:
            names = relevant(_lasting(batch), self.output_dir)
            if started and not names:
                continue
            if started:
                self.say(f"changed: {', '.join(sorted(Path(name).name for name in names))}")
            self.rebuild()
            if self.printer is not None:
                if not started:
                    self.printer.start()
                self.printer.want(self.state.generation)
            started = True

    def rebuild(self) -> None:
        """Build the site in memory and publish it, or publish the faults of a build that failed."""
        snapshot = self.state.snapshot()
        built = build_site(self.manuscript, self.output_dir, self.cache, snapshot.pdf, self.omit_remote)
        self._tell(built.faults)
        if built.files is None or built.theme is None or built.document is None:
            self.state.site_failed(built.faults)
            kept = " (the preview shows the last pages that built)" if snapshot.site else ""
            self.say(f"build failed after {built.took:.2f} s{kept}")
            return
        meta = built.document.metadata
        chapters = tuple(page.file for page in site_pages(built.document) if page.kind == CHAPTER)
        look = Look(meta.language, meta.direction, meta.title, chapters)
        changes = self.state.site_built(built.files, built.faults, built.theme, look)
        self.cache.commit()
        if not snapshot.site:
            pages = sum(1 for name in built.files if name.endswith(".html"))
            self.say(f"site built in {built.took:.2f} s: {pages} pages")
            return
        direct = [page for page, change in changes.items() if change.direct]
        what = ", ".join(direct[:4]) + (f" and {len(direct) - 4} more" if len(direct) > 4 else "") or "no page"
        self.say(f"site built again in {built.took:.2f} s: {what} changed")

    def _tell(self, faults: tuple[Fault, ...]) -> None:
        """Print the errors, and the warnings not printed after the build before."""
        for fault in faults:
            if fault.severity == ERROR or fault not in self._shown:
                self.say(str(fault))
        self._shown = {fault for fault in faults if fault.severity != ERROR}

    def stop(self) -> None:
        """Stop serving and the PDF's process; wake the pages' pending requests."""
        self.state.close()
        if self.printer is not None:
            self.printer.stop()
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()


def preview(
    manuscript: Path,
    *,
    host: str = "127.0.0.1",
    port: int = DEFAULT_PORT,
    open_browser: bool = False,
    output_dir: Path = Path("output"),
    omit_remote: bool = False,
    make_pdf: bool = True,
    say: Callable[[str], None] | None = None,
    stop: threading.Event | None = None,
) -> int:
    """Serve the report's web edition and follow every save, until Ctrl-C; returns the exit code."""
    say = say or (lambda text: print(text, file=sys.stderr, flush=True))
    manuscript = Path(manuscript)
    if not manuscript.is_file():
        raise ManuscriptError("manuscript not found", manuscript)
    session = Session(
        manuscript,
        host=host,
        port=port,
        output_dir=Path(output_dir),
        omit_remote=omit_remote,
        make_pdf=make_pdf,
        say=say,
    )
    handlers = {signal.SIGTERM: signal.signal(signal.SIGTERM, _interrupt)} if _main_thread() else {}
    try:
        session.start(open_browser)
        session.follow(stop)
    except KeyboardInterrupt:
        pass
    finally:
        if handlers:  # a second Ctrl-C while stopping changes nothing
            handlers[signal.SIGINT] = signal.signal(signal.SIGINT, signal.SIG_IGN)
        session.stop()
        for signum, handler in handlers.items():
            signal.signal(signum, handler)
    say("report-build: preview stopped")
    return 0


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


def _main_thread() -> bool:
    return threading.current_thread() is threading.main_thread()


def _lasting(batch: set[tuple[object, str]]) -> list[str]:
    """The files of a batch of changes, less those made and removed within it (an editor's or
    ``sed -i``'s temporary file)."""
    from watchfiles import Change

    kinds: dict[str, set[object]] = {}
    for change, name in batch:
        kinds.setdefault(name, set()).add(change)
    return [
        name
        for name, seen in kinds.items()
        if not (Change.added in seen and Change.deleted in seen and not Path(name).exists())
    ]
