"""The preview's server in this process, on a site held in memory: what it serves, what it refuses,
how an open page learns of a new build, and the print pages view of a PDF. Fast: no build, no
layout, no browser; a small PDF is made with pikepdf."""

from __future__ import annotations

import datetime as dt
import http.client
import io
import json
import re
import socket
import threading

import pikepdf
import pytest
from PIL import Image

from report_build.preview import server as server_module
from report_build.preview.faults import ERROR, WARNING, Fault
from report_build.preview.printing import PageImages, Pdf, sheets_of
from report_build.preview.server import open_server
from report_build.preview.state import Look, State
from report_build.theme import Theme

PAGE = (
    '<!DOCTYPE html><html lang="en"><head><title>One</title><link rel="stylesheet" href="assets/site.css"></head>'
    '<body class="page-chapter"><main id="main"><h1 id="opening">Opening</h1><p>{text}</p></main></body></html>'
)


def site(text: str = "The first sentence.") -> dict[str, bytes]:
    return {
        "index.html": PAGE.format(text="Contents").encode(),
        "chapter-01.html": PAGE.format(text=text).encode(),
        "chapter-02.html": PAGE.format(text="Another chapter.").encode(),
        "assets/site.css": b"body { margin: 0 }",
    }


LOOK = Look("en-GB", "ltr", "Preview Notes", ("chapter-01.html", "chapter-02.html"))


@pytest.fixture
def running():
    state = State(Theme(), make_pdf=True)
    server = open_server("127.0.0.1", 0, state, PageImages())
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield state, server
    state.close()
    server.shutdown()
    server.server_close()


def get(server, target: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", server.server_port, timeout=10)
    connection.request("GET", target, headers=headers or {})
    response = connection.getresponse()
    data = response.read()
    connection.close()
    return response.status, {k.lower(): v for k, v in response.getheaders()}, data


def raw(server, target: str) -> int:
    """The status of a request sent byte for byte as written (no client tidies the path)."""
    with socket.create_connection(("127.0.0.1", server.server_port), timeout=10) as connection:
        connection.sendall(f"GET {target} HTTP/1.1\r\nHost: 127.0.0.1:{server.server_port}\r\n\r\n".encode())
        first = connection.recv(100).decode("latin-1")
    return int(first.split()[1])


def test_pages_are_served_with_the_panel_and_the_script_added(running):
    state, server = running
    state.site_built(site(), (Fault(WARNING, "a <b>bold</b> claim", "chapters/one.md", 7),), Theme(), LOOK)
    status, headers, data = get(server, "/chapter-01.html")
    text = data.decode()
    assert status == 200 and headers["content-type"] == "text/html; charset=utf-8"
    assert headers["cache-control"] == "no-store" and headers["x-content-type-options"] == "nosniff"
    assert headers["content-security-policy"].startswith("default-src 'none'; script-src 'self'; style-src 'self'")
    head, body = text.split("</head>")
    assert '<script src="/_preview/live.js" defer data-session=' in head and 'data-page="chapter-01.html"' in head
    assert '<link rel="stylesheet" href="/_preview/preview.css">' in head
    assert body.index('id="rb-preview"') < body.index("<main")  # the panel above the page
    assert '<code dir="ltr">chapters/one.md:7</code>' in body and "a &lt;b&gt;bold&lt;/b&gt; claim" in body
    assert "1 warning" in body and "The first sentence." in body


def test_files_other_than_pages_are_kept_by_the_browser_and_asked_about_again(running):
    state, server = running
    state.site_built(site(), (), Theme(), LOOK)
    status, headers, data = get(server, "/assets/site.css")
    assert status == 200 and data == b"body { margin: 0 }" and headers["cache-control"] == "no-cache"
    status, headers, data = get(server, "/assets/site.css", {"If-None-Match": headers["etag"]})
    assert status == 304 and data == b""
    for name in ("live.js", "preview.css"):
        status, headers, data = get(server, f"/_preview/{name}")
        assert status == 200 and len(data) > 500 and headers["etag"]


@pytest.mark.parametrize(
    "target",
    [
        "/../report.md",
        "/%2e%2e/%2e%2e/etc/passwd",
        "/assets/..%2f..%2fetc%2fpasswd",
        "//etc/passwd",
        "/assets/",
        "/chapters/one.md",
        "/_preview/../index.html",
        "/_preview/pages/1-1.png",
        "/_preview/nothing.js",
    ],
)
def test_anything_but_the_sites_files_is_not_found(running, target):
    state, server = running
    state.site_built(site(), (), Theme(), LOOK)
    assert raw(server, target) == 404


def test_other_hosts_and_other_sites_are_refused(running):
    state, server = running
    state.site_built(site(), (), Theme(), LOOK)
    assert get(server, "/", {"Host": f"rebound.example:{server.server_port}"})[0] == 421
    assert get(server, "/_preview/poll.js", {"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "no-cors"})[0] == 403
    assert get(server, "/", {"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "navigate"})[0] == 200


def test_before_the_first_build_the_address_shows_a_waiting_page(running):
    _state, server = running
    status, headers, data = get(server, "/")
    assert status == 200 and "Building the report" in data.decode()
    assert "script-src 'self'" in headers["content-security-policy"]
    assert get(server, "/chapter-01.html")[0] == 404


def test_when_the_first_build_fails_the_waiting_page_shows_the_error_and_reloads_once_one_builds(running):
    state, server = running
    state.site_failed((Fault(ERROR, "front matter is not valid YAML", "report.md", 3),))
    page = get(server, "/")[2]
    text = page.decode()
    assert "Nothing has built yet" in text and '<code dir="ltr">report.md:3</code>' in text
    known = attributes(page)
    assert known["view"] == "waiting"
    state.site_built(site(), (), Theme(), LOOK)
    assert poll(server, known)["action"] == "reload"


def attributes(page: bytes) -> dict[str, str]:
    return dict(re.findall(r'data-(\w+)="([^"]*)"', page.decode().split("</head>")[0]))


def poll(server, known: dict[str, str]) -> dict:
    query = "&".join(f"{key}={value}" for key, value in known.items() if key != "generation")
    status, headers, data = get(server, f"/_preview/poll.js?since={known['generation']}&{query}")
    assert status == 200 and headers["content-type"].startswith("text/javascript")
    text = data.decode()
    assert text.startswith("reportBuildPreview(") and text.endswith(");\n")

    return json.loads(text.removeprefix("reportBuildPreview(").removesuffix(");\n"))


def test_an_open_page_learns_of_a_new_build_of_itself(running):
    state, server = running
    state.site_built(site(), (), Theme(), LOOK)
    known = attributes(get(server, "/chapter-01.html")[2])
    answers: list[dict] = []
    waiting = threading.Thread(target=lambda: answers.append(poll(server, known)))
    waiting.start()
    waiting.join(0.3)
    assert not answers  # nothing new: the answer waits
    state.site_built(site("The first sentence, changed."), (), Theme(), LOOK)
    waiting.join(10)
    assert answers[0]["action"] == "reload" and answers[0]["generation"] == int(known["generation"]) + 1


def test_an_open_page_follows_the_writer_to_another_chapter(running):
    state, server = running
    state.site_built(site(), (), Theme(), LOOK)
    known = attributes(get(server, "/chapter-02.html")[2])
    state.site_built(site("The first sentence, changed."), (), Theme(), LOOK)
    answer = poll(server, known)
    assert answer["action"] == "go" and answer["href"] == "/chapter-01.html#opening"


def test_a_failed_build_keeps_the_pages_and_puts_its_error_in_the_panel(running, monkeypatch):
    state, server = running
    state.site_built(site(), (), Theme(), LOOK)
    known = attributes(get(server, "/chapter-01.html")[2])
    error = Fault(ERROR, "unknown variable 'wells.cout' (not in variables.yaml)", "chapters/one.md", 7)
    state.site_failed((error,))
    answer = poll(server, known)
    assert answer["action"] == "panel"
    assert "The last build failed." in answer["html"] and "chapters/one.md:7" in answer["html"]
    page = get(server, "/chapter-01.html")[2].decode()
    assert "rb-failed" in page and "The first sentence." in page  # the last good text stays
    monkeypatch.setattr(server_module, "POLL_SECONDS", 0.2)
    assert poll(server, attributes(page.encode()))["action"] == "none"  # nothing new since


def test_a_page_of_an_earlier_run_reloads(running):
    state, server = running
    state.site_built(site(), (), Theme(), LOOK)
    known = attributes(get(server, "/chapter-01.html")[2])
    known["session"] = "0123456789abcdef"
    assert poll(server, known)["action"] == "reload"


def small_pdf(pages: int) -> bytes:
    pdf = pikepdf.new()
    for _ in range(pages):
        pdf.add_blank_page(page_size=(595, 842))
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def test_the_print_view_shows_the_pages_of_the_last_pdf(running):
    state, server = running
    state.site_built(site(), (), Theme(), LOOK)
    status, _, data = get(server, "/_preview/print.html")
    assert status == 200 and "The PDF is being made" in data.decode()
    known = attributes(data)
    pdf_bytes = small_pdf(3)
    made = dt.datetime(2024, 5, 1, 14, 2, 11).astimezone()
    state.pdf_started()
    state.pdf_made(Pdf(1, 1, pdf_bytes, made, 2.5, sheets_of(pdf_bytes)))
    assert poll(server, known)["action"] == "reload"  # a new PDF: the view shows its pages
    text = get(server, "/_preview/print.html")[2].decode()
    assert text.count('<figure class="rb-sheet') == 3 and 'class="rb-sheet rb-first"' in text
    assert 'src="/_preview/pages/1-2.png" width="1100" height="1557" alt="Page 2"' in text  # 1100 × 842 / 595
    assert "PDF of 14:02:11, 3 pages" in text and 'datetime="2024-05-01T14:02:11' in text
    status, headers, png = get(server, "/_preview/pages/1-2.png")
    assert status == 200 and headers["content-type"] == "image/png"
    with Image.open(io.BytesIO(png)) as image:
        assert image.size == (1100, 1557)  # as the page says: no jump when it arrives
    assert get(server, "/_preview/pages/1-4.png")[0] == 404  # no such page
    assert get(server, "/_preview/pages/0-1.png")[0] == 404  # an older PDF
    assert get(server, "/_preview/report.pdf")[2] == pdf_bytes
    state.pdf_made(Pdf(2, 1, None, made, 1.0, faults=(Fault(ERROR, "PDF: something broke"),)))
    assert "The PDF could not be made" not in get(server, "/_preview/print.html")[2].decode()  # the last one shows
    text = get(server, "/_preview/print.html")[2].decode()
    assert "pages/1-1.png" in text and "could not be made again" in text and "PDF: something broke" in text


def test_the_print_view_says_when_no_pdf_could_be_made(running):
    state, server = running
    state.site_built(site(), (), Theme(), LOOK)
    state.pdf_made(Pdf(1, 1, None, dt.datetime.now().astimezone(), 1.0, faults=(Fault(ERROR, "PDF: it broke"),)))
    text = get(server, "/_preview/print.html")[2].decode()
    assert "The PDF could not be made (the error is above)" in text and "PDF: it broke" in text


def test_a_taken_port_gives_the_next_free_one():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        server = open_server("127.0.0.1", port, State(Theme(), make_pdf=False), PageImages())
        try:
            assert server.server_port != port and port < server.server_port <= port + 20
            assert server.url == f"http://127.0.0.1:{server.server_port}/"
        finally:
            server.server_close()
