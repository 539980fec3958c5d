"""`report-build preview` as a writer uses it: in a subprocess on a copy of a small manuscript,
served on a free port, followed through edits of every kind of input, in Chromium too, then
stopped with Ctrl-C.

The tests share one preview (a module fixture) and run in order: each leaves the manuscript
as it found it, and the last one stops the preview. Times allowed are generous: this is not a
speed test (that is ``bench/preview.py``)."""

from __future__ import annotations

import http.client
import io
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader

from conftest import FIXTURES, ROOT, require_browser
from report_build.checks import browser

pytestmark = pytest.mark.e2e
DRIVER = ROOT / "tools" / "web-check" / "preview.mjs"
WAIT = 120.0  # seconds a change may take to show: generous, the machine may be busy


@dataclass
class Preview:
    process: subprocess.Popen
    folder: Path  # the manuscript's copy
    out: Path
    work: Path
    url: str = ""
    lines: list[str] = field(default_factory=list)
    changed: threading.Condition = field(default_factory=threading.Condition)

    def read(self) -> None:
        for line in self.process.stderr:  # type: ignore[union-attr]
            with self.changed:
                self.lines.append(line.rstrip("\n"))
                self.changed.notify_all()

    def wait_for_line(self, pattern: str, start: int = 0, timeout: float = WAIT) -> re.Match:
        deadline = time.monotonic() + timeout
        with self.changed:
            while True:
                for line in self.lines[start:]:
                    found = re.search(pattern, line)
                    if found:
                        return found
                left = deadline - time.monotonic()
                if left <= 0 or self.process.poll() is not None:
                    raise AssertionError(f"no line matching {pattern!r}:\n" + "\n".join(self.lines))
                self.changed.wait(min(left, 0.5))

    def quiet(self, seconds: float = 1.5, timeout: float = WAIT) -> None:
        """Wait until the preview has printed nothing for ``seconds``: what an earlier test set
        off (a rebuild after its last edit) has finished."""
        deadline = time.monotonic() + timeout
        with self.changed:
            while time.monotonic() < deadline:
                count = len(self.lines)
                self.changed.wait(seconds)
                if len(self.lines) == count:
                    return
        raise AssertionError("the preview never fell quiet:\n" + "\n".join(self.lines[-20:]))

    @property
    def port(self) -> int:
        return int(self.url.rstrip("/").rsplit(":", 1)[1])

    def get(self, path: str) -> tuple[int, bytes]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        connection.request("GET", path)
        response = connection.getresponse()
        data = response.read()
        connection.close()
        return response.status, data

    def page(self, path: str) -> str:
        status, data = self.get(path)
        assert status == 200, path
        return data.decode("utf-8")

    def until(self, path: str, test, timeout: float = WAIT) -> str:
        """The page once ``test(text)`` holds, asking again every 50 ms."""
        deadline = time.monotonic() + timeout
        while True:
            text = self.page(path)
            if test(text):
                return text
            if time.monotonic() > deadline:
                raise AssertionError(f"{path} never passed the test; terminal:\n" + "\n".join(self.lines[-20:]))
            time.sleep(0.05)

    def edit(self, name: str, old: str, new: str) -> None:
        path = self.folder / name
        text = path.read_text(encoding="utf-8")
        assert old in text, (name, old)
        path.write_text(text.replace(old, new), encoding="utf-8")


@pytest.fixture(scope="module")
def preview(tmp_path_factory) -> Preview:
    work = tmp_path_factory.mktemp("preview")
    folder = work / "m"
    shutil.copytree(FIXTURES / "preview", folder)
    opener = work / "browser.sh"  # what --open starts: $BROWSER, as Python's webbrowser module reads it
    opener.write_text(f'#!/bin/sh\necho "$1" > {work / "opened.txt"}\n')
    opener.chmod(0o755)
    scratch = work / "tmp"  # the preview's temporary files, and its PDF maker's
    scratch.mkdir()
    env = {**os.environ, "BROWSER": str(opener), "PYTHONUNBUFFERED": "1", "TMPDIR": str(scratch)}
    command = [sys.executable, "-m", "report_build", "preview", "m/report.md", "--port", "0", "--open"]
    process = subprocess.Popen(
        [*command, "--output-dir", "out"],
        cwd=work,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group, as a terminal's foreground job has
    )
    running = Preview(process, folder, work / "out", work)
    threading.Thread(target=running.read, daemon=True).start()
    try:
        running.url = running.wait_for_line(r"preview of m/report.md at (http://\S+) \(Ctrl-C to stop\)").group(1)
        running.wait_for_line(r"^site built in ", timeout=300)  # the first run subsets the fonts
        yield running
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(10)


def test_the_site_is_served_on_loopback_only_and_the_browser_was_opened(preview):
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+/", preview.url)
    landing = preview.page("/")
    assert "<title>Preview Notes" in landing and 'id="rb-preview"' in landing
    assert "The first chapter opens with a plain sentence about water points." in preview.page("/chapter-01.html")
    assert (preview.work / "opened.txt").read_text().strip() == preview.url
    listening = _listening(preview.port)
    assert listening == ["127.0.0.1"], listening


EDITS = [  # file, text before, text after, the page that shows it, what it shows
    ("chapters/two.md", "a sentence about repairs", "a sentence about new pumps", "chapter-02", "about new pumps"),
    ("report.md", "title: Preview Notes", "title: Preview Notes, Revised", "index", "Preview Notes, Revised"),
    ("parts/method.md", "in an included file", "in an included file, now longer", "chapter-01", "now longer"),
    ("variables.yaml", "count: 42", "count: 57", "chapter-01", "57 of them"),
    ("sources.json", '"Water points survey"', '"Water points survey, round two"', "chapter-03", "survey, round two"),
    ("changelog.yaml", "summary: First publication.", "summary: First publication, corrected.", "history", "corrected"),
]


@pytest.mark.parametrize(("name", "old", "new", "page", "shown"), EDITS, ids=[edit[0] for edit in EDITS])
def test_an_edit_to_any_input_is_served(preview, name, old, new, page, shown):
    assert shown not in preview.page(f"/{page}.html")
    start = len(preview.lines)
    preview.edit(name, old, new)
    preview.until(f"/{page}.html", lambda text: shown in text)
    preview.wait_for_line(rf"^changed: .*{re.escape(Path(name).name)}", start)
    preview.edit(name, new, old)
    preview.until(f"/{page}.html", lambda text: shown not in text)


def test_an_edit_to_the_layouts_is_served(preview):
    template = preview.folder / "layouts" / "chapter.html"
    shutil.copy(ROOT / "layouts" / "chapter.html", template)
    head, tail = template.read_text(encoding="utf-8").rsplit("</section>", 1)  # the chapter's own end
    template.write_text(f"{head}<p>Layout marker.</p></section>{tail}", encoding="utf-8")
    preview.until("/chapter-02.html", lambda page: "Layout marker." in page)
    template.unlink()
    preview.until("/chapter-02.html", lambda page: "Layout marker." not in page)


def _drive(*arguments: str) -> dict:
    done = subprocess.run(
        ["node", str(DRIVER), *arguments],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "CHROMIUM_BIN": str(browser.CHROMIUM)},
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout)


def test_an_open_page_in_chromium_shows_the_edit_by_itself_where_the_reader_was(preview):
    require_browser()
    report = _drive(
        "follow",
        preview.url + "chapter-01.html",
        "--file",
        str(preview.folder / "chapters" / "one.md"),
        "--from",
        "visited every well twice",
        "--to",
        "visited every well three times ({n})",
        "--scroll",
        "what-the-teams-saw",
        "--height",
        "400",
    )
    (round_one,) = report["rounds"]
    assert round_one["found"], report  # the driver never reloads: the page did, by itself
    assert round_one["loads"] >= 1 and round_one["url"] == "/chapter-01.html"
    before = report["before"]
    assert before["top"] == 120 and before["scrollY"] > 200, before  # the reader is well down the page
    assert abs(round_one["top"] - 120) <= 2, round_one  # and their section is where it was on the screen
    assert not report["external"] and not report["errors"], report
    preview.edit("chapters/one.md", "visited every well three times (1)", "visited every well twice")


def test_an_open_page_follows_the_writer_to_the_chapter_edited(preview):
    require_browser()
    report = _drive(
        "follow",
        preview.url + "chapter-01.html",
        "--file",
        str(preview.folder / "chapters" / "two.md"),
        "--from",
        "Each repair cost about a week",
        "--to",
        "Each repair cost about two weeks ({n})",
    )
    (round_one,) = report["rounds"]
    assert round_one["found"] and round_one["url"] == "/chapter-02.html#costs", report
    assert not report["external"] and not report["errors"], report
    preview.edit("chapters/two.md", "Each repair cost about two weeks (1)", "Each repair cost about a week")


def test_an_error_reaches_the_panel_of_an_open_page_in_place(preview):
    """No reload for a build that failed (an include in the middle of a sentence cannot be built,
    even as a draft): the page keeps its text and its place, the panel changes."""
    require_browser()
    report = _drive(
        "follow",
        preview.url + "chapter-01.html",
        "--file",
        str(preview.folder / "chapters" / "one.md"),
        "--from",
        "{{< var wells.count >}}",
        "--to",
        "{{< include wells.md >}}",
        "--expect",
        "must stand alone on its line",
        "--width",
        "320",
    )
    (round_one,) = report["rounds"]
    assert round_one["found"] and round_one["loads"] == 0, report
    assert round_one["scrollWidth"] <= round_one["clientWidth"] == 320, round_one  # no sideways scrolling
    assert "The last build failed." in round_one["panel"] and "m/chapters/one.md:7" in round_one["panel"]
    assert not report["errors"], report
    preview.edit("chapters/one.md", "{{< include wells.md >}}", "{{< var wells.count >}}")
    preview.until("/chapter-01.html", lambda text: "rb-failed" not in text)


def test_a_manuscript_error_shows_in_the_panel_over_the_last_good_text(preview):
    good = "Wells are listed by district"
    assert good in preview.page("/chapter-01.html")
    start = len(preview.lines)
    preview.edit("chapters/one.md", "{{< var wells.count >}}", "{{< include wells.md >}}")
    page = preview.until("/chapter-01.html", lambda text: "rb-failed" in text)
    panel = page[page.index('id="rb-preview"') : page.index("</aside>")]
    assert "The last build failed." in panel
    assert '<code dir="ltr">m/chapters/one.md:7</code>' in panel and "must stand alone on its line" in panel
    assert good in page and page.index("</aside>") < page.index(good)  # the error above the last good text
    preview.wait_for_line(r"^m/chapters/one\.md:7: \{\{< include >\}\} must stand alone on its line", start)
    preview.edit("chapters/one.md", "{{< include wells.md >}}", "{{< var wells.count >}}")
    preview.until("/chapter-01.html", lambda text: "rb-failed" not in text)


def test_the_print_pages_view_shows_the_pdf_and_follows_it(preview):
    def settled(text: str) -> bool:  # a PDF of the latest sources, and none being made
        return "rb-sheet" in text and "being made again" not in text and "older than the web pages" not in text

    page = preview.until("/_preview/print.html", settled, timeout=600)
    generation = re.search(r"/_preview/pages/(\d+)-1\.png", page).group(1)
    status, pdf = preview.get("/_preview/report.pdf")
    assert status == 200 and pdf.startswith(b"%PDF")
    count = len(PdfReader(io.BytesIO(pdf)).pages)
    assert page.count('<figure class="rb-sheet') == count and count >= 4
    status, png = preview.get(f"/_preview/pages/{generation}-1.png")
    with Image.open(io.BytesIO(png)) as image:
        assert status == 200 and image.width == 1100 and image.height > 1500
    assert re.search(r"PDF of \d\d:\d\d:\d\d, \d+ pages", page)
    preview.edit("chapters/two.md", "Pumps were repaired", "Pumps and taps were repaired")
    newer = preview.until(
        "/_preview/print.html", lambda text: f"/_preview/pages/{generation}-1.png" not in text, timeout=600
    )
    assert re.search(r"/_preview/pages/\d+-1\.png", newer)
    preview.edit("chapters/two.md", "Pumps and taps were repaired", "Pumps were repaired")
    preview.until("/chapter-02.html", lambda text: "Pumps and taps" not in text)


def test_the_panel_and_the_print_view_pass_axe_at_phone_and_desktop_widths(preview, tmp_path):
    """With a build error on show. Screenshots go to $REPORT_BUILD_SHOTS when it is set."""
    require_browser()
    shots = Path(os.environ.get("REPORT_BUILD_SHOTS") or tmp_path)
    preview.edit("chapters/one.md", "{{< var wells.count >}}", "{{< include wells.md >}}")
    preview.until("/chapter-01.html", lambda text: "rb-failed" in text)
    try:
        report = _drive(
            "shots",
            str(shots),
            preview.url + "chapter-01.html",
            preview.url + "_preview/print.html",
            "--widths",
            "375,1280",
            "--axe",
        )
    finally:
        preview.edit("chapters/one.md", "{{< include wells.md >}}", "{{< var wells.count >}}")
    assert len(report["rounds"]) == 4 and not report["external"] and not report["errors"], report
    for shown in report["rounds"]:
        assert not shown["violations"], shown
        assert "The last build failed." in shown["panel"] and "m/chapters/one.md:7" in shown["panel"]
        assert shown["scrollWidth"] <= shown["clientWidth"], shown
    for shot in report["screenshots"]:
        with Image.open(shot) as image:
            assert image.width in (375, 1280) and image.height > 800
    preview.until("/chapter-01.html", lambda text: "rb-failed" not in text)


def _raw_status(port: int, target: str) -> int:
    with socket.create_connection(("127.0.0.1", port), timeout=30) as connection:
        connection.sendall(f"GET {target} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode())
        return int(connection.recv(100).decode("latin-1").split()[1])


def test_nothing_outside_the_site_is_served(preview):
    (preview.folder / "leak.html").symlink_to("/etc/passwd")
    (preview.folder / "images").mkdir(exist_ok=True)
    (preview.folder / "images" / "leak.svg").symlink_to(preview.folder / "report.md")
    preview.out.mkdir(exist_ok=True)
    (preview.out / "leak.html").symlink_to("/etc/passwd")
    for target in (
        "/leak.html",
        "/images/leak.svg",
        "/m/report.md",
        "/report.md",
        "/chapters/one.md",
        "/../m/report.md",
        "/%2e%2e/%2e%2e/etc/passwd",
        "/..%2f..%2fetc%2fpasswd",
        "/assets/..%2F..%2Fm%2Freport.md",
        "//etc/passwd",
        "/assets/",
        "/images/",
    ):
        assert _raw_status(preview.port, target) == 404, target
    assert _raw_status(preview.port, "/assets/site.css") == 200


def test_ctrl_c_stops_with_one_line_and_leaves_no_process(preview):
    process = preview.process
    family = _group(process.pid)
    assert len(family) >= 2, family  # the preview and the process that makes its PDF
    preview.quiet()  # a rebuild an earlier test's last edit set off says its line first
    start = len(preview.lines)
    os.killpg(process.pid, signal.SIGINT)  # what Ctrl-C on a terminal sends: the whole group
    assert process.wait(60) == 0
    time.sleep(0.5)  # the reader has the last lines
    assert preview.lines[start:] == ["report-build: preview stopped"], preview.lines[start:]
    assert _group(process.pid) == []
    assert sorted(path.name for path in preview.out.iterdir()) == [".cache", "leak.html"]  # no release, no site
    assert sorted(path.name for path in (preview.work / "tmp").iterdir()) == []  # no temporary file left


def _group(pgid: int) -> list[int]:
    """The processes still alive in a process group."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid and fields[0] != "Z":
            found.append(int(stat.parent.name))
    return found


def _listening(port: int) -> list[str]:
    """The addresses a socket listens on at ``port``, from /proc/net/tcp and tcp6."""
    found = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            rows = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for row in rows:
            local, state = row.split()[1], row.split()[3]
            address, hex_port = local.rsplit(":", 1)
            if int(hex_port, 16) == port and state == "0A":  # LISTEN
                raw = bytes.fromhex(address)
                if len(raw) == 4:
                    found.append(socket.inet_ntop(socket.AF_INET, raw[::-1]))
                else:
                    words = b"".join(raw[i : i + 4][::-1] for i in range(0, 16, 4))
                    found.append(socket.inet_ntop(socket.AF_INET6, words))
    return found
