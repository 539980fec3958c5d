"""`report-build fetch` against a local HTTP server on the loopback address (so with --allow-private)."""

from __future__ import annotations

import contextlib
import hashlib
import io
import socket
import threading
from collections import Counter
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest
from PIL import Image as PILImage

from report_build import Diagnostics, ResourceError, cli
from report_build import fetch as fetching
from report_build.build import load
from report_build.fetch import Limits, fetch
from report_build.source.remote import LOCK_NAME, read_lock


def png(size: tuple[int, int] = (24, 12), colour: str = "#1d6fa5") -> bytes:
    out = io.BytesIO()
    PILImage.new("RGB", size, colour).save(out, format="PNG")
    return out.getvalue()


GOOD = png()
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" width="20" height="10"><rect width="20" height="10"/></svg>'
UNSAFE_SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><image href="file:///etc/passwd"/></svg>'
BIG_IMAGE = io.BytesIO()
PILImage.effect_noise((200, 200), 64).save(BIG_IMAGE, format="PNG")
BIG = BIG_IMAGE.getvalue()  # tens of kB of noise: larger than the small limit the tests set
STOP = threading.Event()


class Handler(BaseHTTPRequestHandler):
    """Routes: each path is one way a server can answer."""

    hits: ClassVar[Counter[str]] = Counter()
    redirect_to: ClassVar[str] = "/good.png"

    def log_message(self, *args: object) -> None:  # quiet
        pass

    def send(self, status: int, body: bytes, kind: str | None, length: bool = True, **headers: str) -> None:
        self.send_response(status)
        if kind:
            self.send_header("Content-Type", kind)
        if length:
            self.send_header("Content-Length", str(len(body)))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        with contextlib.suppress(OSError):  # the client gave up (timeout, size)
            self.wfile.write(body)

    def do_GET(self) -> None:
        path = self.path.split("?")[0]
        Handler.hits[path] += 1
        routes = {
            "/good.png": lambda: self.send(200, GOOD, "image/png"),
            "/avatar": lambda: self.send(200, GOOD, "image/png; charset=binary"),  # no extension in the URL
            "/badge.svg": lambda: self.send(200, SVG, "image/svg+xml"),
            "/unlabelled.png": lambda: self.send(200, GOOD, "application/octet-stream"),
            "/redirect": lambda: self.send(302, b"", None, Location="/good.png"),
            "/elsewhere": lambda: self.send(302, b"", None, Location=Handler.redirect_to),
            "/loop": lambda: self.send(302, b"", None, Location="/loop"),
            "/to-file": lambda: self.send(302, b"", None, Location="file:///etc/passwd"),
            "/page.png": lambda: self.send(200, b"<html><body>Sign in</body></html>", "text/html"),
            "/liar.jpg": lambda: self.send(200, GOOD, "image/jpeg"),
            "/unsafe.svg": lambda: self.send(200, UNSAFE_SVG, "image/svg+xml"),
            "/huge.png": lambda: self.send(200, BIG, "image/png"),
            "/huge-unsized.png": lambda: self.send(200, BIG, "image/png", length=False, Connection="close"),
            "/missing.png": lambda: self.send(404, b"not here", "text/plain"),
        }
        if path == "/slow.png":
            STOP.wait(5)
            self.send(200, GOOD, "image/png")
            return
        routes.get(path, lambda: self.send(404, b"", "text/plain"))()


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    httpd.block_on_close = False
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    STOP.clear()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    STOP.set()
    httpd.shutdown()
    httpd.server_close()


LOCAL = Limits(allow_private=True, timeout=5)


def manuscript(folder: Path, *urls: str) -> Path:
    path = folder / "report.md"
    images = "\n\n".join(f"![Image {number}]({url})" for number, url in enumerate(urls, 1))
    path.write_text(f"---\ntitle: Fetched\n---\n\n# One\n\nText.\n\n{images}\n", encoding="utf-8")
    return path  # image n is on line 7 + 2n


def test_fetch_downloads_records_and_the_build_stays_offline(server, tmp_path):
    path = manuscript(
        tmp_path, f"{server}/good.png", f"{server}/redirect", f"{server}/badge.svg", f"{server}/avatar?s=80"
    )
    fetched = fetch(path, LOCAL)
    assert (fetched.downloaded, fetched.kept) == (4, 0)
    lock = read_lock(tmp_path / LOCK_NAME)
    assert list(lock) == sorted(lock)  # sorted by URL: stable diffs
    for entry in lock.values():
        data = (tmp_path / entry.file).read_bytes()
        assert hashlib.sha256(data).hexdigest() == entry.sha256
        assert entry.file == f"images/remote/{entry.sha256[:32]}.{'svg' if data == SVG else 'png'}"
    assert lock[f"{server}/redirect"].file == lock[f"{server}/good.png"].file  # same bytes, one file
    document = load(path, Diagnostics(strict=True, echo=False))
    assert {image.path.suffix for image in document.images} == {".png", ".svg"}
    assert server.split("//")[1] not in document.chapters[0].body

    hits = sum(Handler.hits.values())
    again = fetch(path, LOCAL)  # already fetched: no download at all
    assert (again.downloaded, again.kept) == (0, 4) and sum(Handler.hits.values()) == hits


def test_fetch_again_repairs_a_changed_copy(server, tmp_path):
    path = manuscript(tmp_path, f"{server}/good.png")
    fetch(path, LOCAL)
    (entry,) = read_lock(tmp_path / LOCK_NAME).values()
    (tmp_path / entry.file).write_bytes(png(colour="#000000"))
    with pytest.raises(ResourceError, match="has changed since it was fetched"):
        load(path, Diagnostics(echo=False))
    assert fetch(path, LOCAL).downloaded == 1
    assert (tmp_path / entry.file).read_bytes() == GOOD


def test_loopback_is_refused_without_allow_private(server, tmp_path):
    path = manuscript(tmp_path, f"{server}/good.png")
    with pytest.raises(ResourceError) as info:
        fetch(path, Limits())
    assert (info.value.path, info.value.line) == (path, 9)
    assert "loopback, private or reserved address (127.0.0.1)" in info.value.message
    assert "--allow-private" in info.value.message
    assert not (tmp_path / "images").exists()


@pytest.mark.parametrize(
    ("route", "problem"),
    [
        ("/page.png", "the server sent text/html, not an image"),
        ("/liar.jpg", "claims to be image/jpeg but its bytes are PNG"),
        ("/unsafe.svg", "refers to 'file:///etc/passwd'; refused"),
        ("/huge.png", "larger than 0.002 MB; refused"),
        ("/huge-unsized.png", "larger than 0.002 MB; refused"),
        ("/slow.png", "took longer than 0.4 s"),
        ("/loop", "more than 5 redirects"),
        ("/to-file", "fetch downloads http and https URLs only"),
        ("/missing.png", "the server answered 404"),
    ],
)
def test_bad_answers_are_refused_at_the_image_line(server, tmp_path, route, problem):
    path = manuscript(tmp_path, f"{server}/good.png", f"{server}{route}")
    with pytest.raises(ResourceError) as info:
        fetch(path, Limits(max_bytes=2000, timeout=0.4, allow_private=True))
    assert (info.value.path, info.value.line) == (path, 11)
    assert f"cannot fetch '{server}{route}': " in info.value.message and problem in info.value.message
    lock = read_lock(tmp_path / LOCK_NAME)  # what did download is recorded
    assert list(lock) == [f"{server}/good.png"] and len(list((tmp_path / "images" / "remote").iterdir())) == 1


def test_unlabelled_bytes_are_judged_by_the_url(server, tmp_path):
    path = manuscript(tmp_path, f"{server}/unlabelled.png")
    assert fetch(path, LOCAL).downloaded == 1


def test_every_failure_is_reported(server, tmp_path):
    path = manuscript(tmp_path, f"{server}/missing.png", f"{server}/good.png", f"{server}/page.png")
    with pytest.raises(ResourceError) as info:
        fetch(path, LOCAL)
    assert info.value.line == 9 and "missing.png" in info.value.message
    assert f"report.md:13: cannot fetch '{server}/page.png'" in str(info.value)


def test_command_line_fetch_then_build(server, tmp_path, capsys):
    path = manuscript(tmp_path, f"{server}/good.png")
    assert cli.main(["fetch", str(path)]) == 1  # loopback refused
    assert "--allow-private" in capsys.readouterr().err
    assert cli.main(["fetch", "--allow-private", str(path)]) == 0
    out, err = capsys.readouterr()
    assert out.strip() == str(tmp_path / LOCK_NAME) and "1 downloaded" in err
    assert (tmp_path / LOCK_NAME).read_text(encoding="utf-8").startswith("# Remote images")


def test_manuscript_without_remote_images_gets_no_lock(tmp_path, capsys):
    path = manuscript(tmp_path)
    assert cli.main(["fetch", str(path)]) == 0
    assert "uses no remote images" in capsys.readouterr().err and not (tmp_path / LOCK_NAME).exists()


def test_an_omitted_remote_image_is_warned_at_its_chapter_files_line(tmp_path):
    """In a manuscript of several files, the warning names the chapter file and its line, with
    --omit-remote or without (it named the main file and a line of the composed text)."""
    (tmp_path / "report.md").write_text("---\ntitle: R\nchapters: [a.md, b.md]\n---\n\n# Intro\n\nText.\n")
    (tmp_path / "a.md").write_text("# A\n\nOne.\n\nTwo.\n")
    (tmp_path / "b.md").write_text("# B\n\nSome text.\n\n![A chart](https://example.org/chart.png)\n")
    unfetched = Diagnostics(echo=False)
    load(tmp_path / "report.md", unfetched)
    assert [(Path(w.path).name, w.line) for w in unfetched.warnings if "has not been fetched" in w.message] == [
        ("b.md", 5)
    ]
    draft = Diagnostics(echo=False)
    load(tmp_path / "report.md", draft, omit_remote=True)
    assert [(Path(w.path).name, w.line) for w in draft.warnings if "left out (--omit-remote)" in w.message] == [
        ("b.md", 5)
    ]


def test_release_never_accepts_omit_remote(capsys):
    with pytest.raises(SystemExit) as info:
        cli.parser().parse_args(["release", "--omit-remote"])
    assert info.value.code == 2 and "--omit-remote" in capsys.readouterr().err
    for command in ("pdf", "epub", "all", "watch"):
        assert cli.parser().parse_args([command, "--omit-remote"]).omit_remote is True


def test_watch_passes_omit_remote_to_each_build(monkeypatch, tmp_path):
    from report_build import watch

    seen = []
    monkeypatch.setattr(watch, "build", lambda *args, **kwargs: seen.append(kwargs["omit_remote"]) or [])
    assert watch.rebuild(tmp_path / "report.md", ("pdf",), tmp_path, lambda text: None, omit_remote=True)
    assert seen == [True]


@pytest.mark.parametrize(
    "address",
    [
        *("127.0.0.1", "10.1.2.3", "172.16.0.9", "192.168.1.1", "169.254.169.254", "100.64.0.1", "0.0.0.0"),
        *("224.0.0.1", "::1", "fe80::1", "fc00::1", "::ffff:127.0.0.1", "::ffff:10.0.0.1"),
    ],
)
def test_private_and_reserved_addresses_are_refused(address):
    with pytest.raises(ResourceError, match="loopback, private or reserved address"):
        fetching._check_address("host.example", address, allow_private=False)
    fetching._check_address("host.example", address, allow_private=True)  # allowed when asked for


@pytest.mark.parametrize("address", ["93.184.215.14", "2606:2800:21f:cb07:6820:80da:af6b:8b2c"])
def test_public_addresses_are_allowed(address):
    fetching._check_address("host.example", address, allow_private=False)


def test_every_resolved_address_is_checked(monkeypatch):
    answers = [
        (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.215.14", 80)),
        (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.0.0.5", 80)),
    ]
    monkeypatch.setattr(socket, "getaddrinfo", lambda *args, **kwargs: answers)
    with pytest.raises(ResourceError, match=r"private or reserved address \(10.0.0.5\)"):
        fetching._connect_checked(("mixed.example", 80), 1.0, allow_private=False)


def test_each_redirect_hop_is_checked(server, tmp_path, monkeypatch):
    """A host that passes the check may not redirect to one that does not."""
    port = int(server.rsplit(":", 1)[1])
    real_getaddrinfo = socket.getaddrinfo
    checked = fetching._check_address

    def resolve(host, *args, **kwargs):
        return real_getaddrinfo("127.0.0.1" if host == "public.test" else host, *args, **kwargs)

    def check(host, address, allow_private):
        checked(host, "93.184.215.14" if host == "public.test" else address, allow_private)  # as if public

    monkeypatch.setattr(socket, "getaddrinfo", resolve)
    monkeypatch.setattr(fetching, "_check_address", check)
    assert fetching.download(f"http://public.test:{port}/good.png", Limits())[0] == GOOD  # the first hop is fine
    Handler.redirect_to = f"http://127.0.0.1:{port}/good.png"
    with pytest.raises(ResourceError, match=r"private or reserved address \(127.0.0.1\)"):
        fetching.download(f"http://public.test:{port}/elsewhere", Limits())
