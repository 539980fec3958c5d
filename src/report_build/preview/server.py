"""The preview's HTTP server: the site from memory, the preview's own files, and the long poll
that tells open pages what changed.

It answers GET and HEAD, on 127.0.0.1 unless told otherwise, only for the names of the site's
files (:mod:`.paths`): no folder listing, nothing from disk. HTML pages get the panel and the
reload script as they are served (:func:`inject`); what the site's files hold is the build's,
byte for byte. ``/_preview/poll.js`` is answered when something happens (or after
:data:`POLL_SECONDS`) with a call to the page's script: a script, not an event stream, because
the site's Content-Security-Policy lets a page load its own scripts and connect nowhere.
"""

from __future__ import annotations

import errno
import hashlib
import html
import json
import re
import socket
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import PurePosixPath
from urllib.parse import parse_qs, urlsplit

from ..errors import RenderError, ReportBuildError
from ..writers.web.site import CONTENT_SECURITY_POLICY
from .events import PRINT, SITE, WAITING, reaction
from .faults import render_panel
from .paths import fetch_allowed, host_allowed, preview_file, request_key, site_file
from .printing import PageImages
from .state import Snapshot, State

POLL_SECONDS = 20.0
PORT_TRIES = 20  # the port asked for, or one of the next ones when it is taken
TYPES = {
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".json": "application/json",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".woff2": "font/woff2",
    ".pdf": "application/pdf",
    ".epub": "application/epub+zip",
}
# Every page the preview serves, the site's and its own, allows what the site's pages allow
# themselves (their Content-Security-Policy), and no framing by other pages: what the preview adds
# works under that policy, and anything inline that the published site would refuse is refused here.
POLICY = f"{CONTENT_SECURITY_POLICY}; frame-ancestors 'none'"
BODY = re.compile(rb"<body\b[^>]*>", re.IGNORECASE)
HEAD_END = re.compile(rb"</head\s*>", re.IGNORECASE)
PAGE_IMAGE = re.compile(r"pages/(\d+)-(\d+)\.png")
OWN_ASSETS = {"live.js": "preview/live.js", "preview.css": "preview/preview.css"}


class PreviewServer(ThreadingHTTPServer):
    """One thread per connection (a long poll holds its own); threads die with the preview."""

    daemon_threads = True

    def __init__(self, host: str, port: int, state: State, images: PageImages) -> None:
        self.address_family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self.state = state
        self.images = images
        self.host = host
        super().__init__((host, port), Handler)

    @property
    def url(self) -> str:
        """Where to open the preview on this machine (listening on every address, the loopback one)."""
        host = {"0.0.0.0": "127.0.0.1", "::": "::1"}.get(self.host, self.host)
        host = f"[{host}]" if ":" in host else host
        return f"http://{host}:{self.server_port}/"

    def handle_error(self, request: object, client_address: object) -> None:
        """A browser that goes away mid-answer (a reload) is no fault; anything else is said in one line."""
        kind, error = sys.exc_info()[:2]
        if kind is not None and issubclass(kind, ConnectionError | TimeoutError):
            return
        print(f"report-build: preview: a request failed: {kind.__name__ if kind else '?'}: {error}", file=sys.stderr)


def open_server(host: str, port: int, state: State, images: PageImages) -> PreviewServer:
    """Listen on ``host``:``port``, or on the next free port when it is taken (0: any free port)."""
    candidates = [port] if port == 0 else list(range(port, min(port + PORT_TRIES, 65536)))
    for candidate in candidates:
        try:
            return PreviewServer(host, candidate, state, images)
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                continue
            raise RenderError(f"preview: cannot listen on {host}:{candidate}: {exc.strerror or exc}") from None
    raise RenderError(f"preview: ports {candidates[0]} to {candidates[-1]} are all taken; choose another with --port")


def inject(page: bytes, snapshot: Snapshot, view: str, name: str) -> bytes:
    """A page as the preview serves it: the preview's stylesheet and script at the end of its
    head (the script told which build, faults and PDF the page shows), the panel at the top of
    its body."""
    attributes = {
        "session": snapshot.session,
        "generation": str(snapshot.generation),
        "panel": snapshot.panel.digest,
        "pdf": str(snapshot.pdf_generation),
        "view": view,
        "page": name,
    }
    data = " ".join(f'data-{key}="{html.escape(value)}"' for key, value in attributes.items())
    head = (
        '<link rel="stylesheet" href="/_preview/preview.css">\n'
        f'<script src="/_preview/live.js" defer {data}></script>\n'
    ).encode()
    panel = ("\n" + render_panel(snapshot.theme, snapshot.panel, view)).encode("utf-8")
    body = BODY.search(page)
    page = page[: body.end()] + panel + page[body.end() :] if body else panel + page
    end = HEAD_END.search(page)
    return page[: end.start()] + head + page[end.start() :] if end else head + page


class Handler(BaseHTTPRequestHandler):
    server: PreviewServer
    protocol_version = "HTTP/1.1"
    server_version = "report-build-preview"
    sys_version = ""

    def log_message(self, format: str, *args: object) -> None:
        """Requests are not logged: the terminal is for the build's messages."""

    def do_GET(self) -> None:
        self._answer(body=True)

    def do_HEAD(self) -> None:
        self._answer(body=False)

    def _answer(self, body: bool) -> None:
        server = self.server
        if not host_allowed(self.headers.get("Host"), server.host, server.server_port):
            return self._text(421, "This server answers only to its own address.\n", body)
        if not fetch_allowed(self.headers.get("Sec-Fetch-Site"), self.headers.get("Sec-Fetch-Mode")):
            return self._text(403, "The preview's files are not for other sites.\n", body)
        try:
            own = preview_file(self.path)
            if own is not None:
                return self._own(own, body)
            snapshot = server.state.snapshot()
            key = site_file(self.path, snapshot.site)
            if key is None:
                if not snapshot.site and request_key(self.path) == "index.html":
                    page = snapshot.theme.render("preview/waiting.html", **_look(snapshot)).encode("utf-8")
                    return self._send(200, inject(page, snapshot, WAITING, ""), TYPES[".html"], body, page=True)
                return self._text(404, "Not found.\n", body)
            data = snapshot.site[key]
            if key.endswith(".html"):
                return self._send(200, inject(data, snapshot, SITE, key), TYPES[".html"], body, page=True)
            self._send_kept(data, _type(key), body)
        except ReportBuildError as exc:  # a layout override of the preview's own templates is wrong
            self._text(500, f"{exc}\n", body)

    def _own(self, name: str, body: bool) -> None:
        snapshot = self.server.state.snapshot()
        if name in OWN_ASSETS:
            path = snapshot.theme.find(OWN_ASSETS[name])
            if path is None:
                return self._text(404, "Not found.\n", body)
            return self._send_kept(path.read_bytes(), _type(name), body)
        if name == "poll.js":
            return self._poll(body)
        if name == "print.html":
            pdf = snapshot.pdf
            page = snapshot.theme.render(
                "preview/print.html",
                **_look(snapshot),
                pages=pdf.sheets if pdf is not None else (),
                generation=snapshot.pdf_generation,
                failed=snapshot.panel.pdf is not None and snapshot.panel.pdf.failed and not snapshot.panel.pdf.busy,
            ).encode("utf-8")
            return self._send(200, inject(page, snapshot, PRINT, "print.html"), TYPES[".html"], body, page=True)
        if name == "report.pdf" and snapshot.pdf is not None and snapshot.pdf.data is not None:
            return self._send(200, snapshot.pdf.data, TYPES[".pdf"], body)
        image = PAGE_IMAGE.fullmatch(name)
        if image and snapshot.pdf is not None and int(image.group(1)) == snapshot.pdf.generation:
            png = self.server.images.png(snapshot.pdf, int(image.group(2)))
            if png is not None:
                return self._send(200, png, TYPES[".png"], body)
        return self._text(404, "Not found.\n", body)

    def _poll(self, body: bool) -> None:
        """Answer when the page's build, panel or PDF is no longer the latest, or after a while."""
        query = parse_qs(urlsplit(self.path).query)

        def get(name: str) -> str:
            return (query.get(name) or [""])[0]

        session, view, page, digest = get("session"), get("view") or SITE, get("page"), get("panel")
        since, pdf = _number(get("since")), _number(get("pdf"))

        def news(now: Snapshot) -> bool:
            return (
                now.session != session
                or now.generation > since
                or now.panel.digest != digest
                or (view == PRINT and now.pdf_generation != pdf)
            )

        snapshot, changes = self.server.state.wait(news, since, POLL_SECONDS)
        if snapshot.session != session:
            changes = "*"
        what = reaction(
            view,
            page,
            changes,
            snapshot.panel.digest != digest,
            snapshot.pdf_generation != pdf,
            snapshot.look.chapters,
        )
        answer: dict[str, object] = {
            "session": snapshot.session,
            "generation": snapshot.generation,
            "panel": snapshot.panel.digest,
            "pdf": snapshot.pdf_generation,
            "action": what.action,
        }
        if what.action == "go":
            answer["href"] = "/" + what.href
        if what.action == "panel":
            answer["html"] = render_panel(snapshot.theme, snapshot.panel, view)
        script = f"reportBuildPreview({json.dumps(answer)});\n"
        self._send(200, script.encode("utf-8"), TYPES[".js"], body)

    def _send_kept(self, data: bytes, kind: str, body: bool) -> None:
        """A file a browser may keep and ask about again (stylesheet, fonts, images, scripts):
        unchanged since it last asked, the answer is a bodiless 304, so a reload after an edit
        fetches the page and little else."""
        tag = '"' + hashlib.blake2b(data, digest_size=12).hexdigest() + '"'
        if self.headers.get("If-None-Match") == tag:
            return self._send(304, b"", kind, False, tag=tag)
        self._send(200, data, kind, body, tag=tag)

    def _text(self, status: int, text: str, body: bool) -> None:
        self._send(status, text.encode("utf-8"), "text/plain; charset=utf-8", body)

    def _send(self, status: int, data: bytes, kind: str, body: bool, page: bool = False, tag: str = "") -> None:
        try:
            self.send_response(status)
            self.send_header("Content-Type", kind)
            if status != 304:
                self.send_header("Content-Length", str(len(data)))
            if tag:
                self.send_header("ETag", tag)
                self.send_header("Cache-Control", "no-cache")  # kept, but asked about each time
            else:
                self.send_header("Cache-Control", "no-store")
            self.send_header("X-Content-Type-Options", "nosniff")
            self.send_header("Referrer-Policy", "no-referrer")
            self.send_header("Cross-Origin-Resource-Policy", "same-origin")
            if page:
                self.send_header("Content-Security-Policy", POLICY)
            self.end_headers()
            if body:
                self.wfile.write(data)
        except (ConnectionError, TimeoutError):
            self.close_connection = True


def _look(snapshot: Snapshot) -> dict[str, str]:
    look = snapshot.look
    return {"language": look.language, "direction": look.direction, "title": look.title}


def _type(name: str) -> str:
    return TYPES.get(PurePosixPath(name).suffix.lower(), "application/octet-stream")


def _number(text: str) -> int:
    return int(text) if text.isdigit() else -1
