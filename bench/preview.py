"""Time from a save to the page showing it, in the live preview (issue 27: under 1 s for a
one-paragraph edit of the sample report).

    .venv/bin/python bench/preview.py                  # the sample report, 10 edits
    .venv/bin/python bench/preview.py --rounds 20 --update-doc

The sample manuscript is copied to a temporary folder and `report-build preview --port 0` runs
on it in a child process, as `make preview` runs it (the PDF is made in the background too).
Once the first PDF is made (the steady state of a writing session), each round changes one
sentence of a paragraph in `chapters/context.md` and measures, from just before the file is
written:

- served: until `GET /chapter-02.html` returns the new sentence (asked every 5 ms);
- in the browser: until a page open in headless Chromium shows it, having reloaded by itself
  (`tools/web-check/preview.mjs follow`, its own rounds, the same edit; skipped without Chromium);
- the site build, as the preview reports it on the terminal ("site built again in 0.31 s"),
  and the processor time the preview's own process used for the save (from /proc: what the
  save costs on a machine whose cores are not busy with other work).

Rounds are 1.5 s apart, like a writer saving every few seconds (each save also starts a new
PDF, at a lower priority, which competes for the cores). Medians with the spread, and the
machine's load average, since this machine's two cores are shared.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
MANUSCRIPT = PROJECT / "manuscript"
DRIVER = PROJECT / "tools" / "web-check" / "preview.mjs"
DOC = PROJECT / "docs" / "performance.md"
DOC_START, DOC_END = "<!-- bench:preview:start -->", "<!-- bench:preview:end -->"
TARGET_SECONDS = 1.0
CHAPTER = "chapters/context.md"
SENTENCE = "It is deliberately short on detail."


class Preview:
    """`report-build preview` in a child process, its terminal read line by line."""

    def __init__(self, folder: Path, work: Path) -> None:
        command = [sys.executable, "-m", "report_build", "preview", str(folder / "report.md"), "--port", "0"]
        self.process = subprocess.Popen(
            [*command, "--output-dir", str(work / "out")],
            cwd=work,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        self.lines: list[str] = []
        self.changed = threading.Condition()
        threading.Thread(target=self._read, daemon=True).start()
        self.url = self.wait(r"at (http://\S+) \(Ctrl-C").group(1)
        self.port = int(self.url.rstrip("/").rsplit(":", 1)[1])

    def _read(self) -> None:
        for line in self.process.stderr:  # type: ignore[union-attr]
            with self.changed:
                self.lines.append(line.rstrip("\n"))
                self.changed.notify_all()

    def wait(self, pattern: str, start: int = 0, timeout: float = 900) -> re.Match:
        deadline = time.monotonic() + timeout
        with self.changed:
            while True:
                for line in self.lines[start:]:
                    if found := re.search(pattern, line):
                        return found
                if time.monotonic() > deadline or self.process.poll() is not None:
                    raise SystemExit("preview: no line matching " + pattern + "\n" + "\n".join(self.lines))
                self.changed.wait(0.5)

    def shows(self, text: str) -> bool:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        connection.request("GET", "/chapter-02.html")
        found = text.encode() in connection.getresponse().read()
        connection.close()
        return found

    def stop(self) -> None:
        os.killpg(self.process.pid, signal.SIGINT)
        self.process.wait(60)


def cpu_seconds(pid: int) -> float:
    """The processor time a process has used so far (user and system), from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def served_rounds(preview: Preview, chapter: Path, rounds: int) -> tuple[list[float], list[float], list[float]]:
    served, builds, cpu = [], [], []
    before = SENTENCE
    for n in range(1, rounds + 1):
        after = f"It is deliberately short on detail (served {n})."
        text = chapter.read_text(encoding="utf-8")
        start_line = len(preview.lines)
        used = cpu_seconds(preview.process.pid)
        started = time.perf_counter()
        chapter.write_text(text.replace(before, after), encoding="utf-8")
        while not preview.shows(after):
            time.sleep(0.005)
        served.append(time.perf_counter() - started)
        builds.append(float(preview.wait(r"^site built again in ([\d.]+) s", start_line).group(1)))
        cpu.append(cpu_seconds(preview.process.pid) - used)
        before = after
        time.sleep(1.5)
    chapter.write_text(chapter.read_text(encoding="utf-8").replace(before, SENTENCE), encoding="utf-8")
    return served, builds, cpu


def browser_rounds(preview: Preview, chapter: Path, rounds: int) -> list[float] | str:
    if shutil.which("node") is None or not (DRIVER.parent / "node_modules" / "puppeteer-core").is_dir():
        return "skipped: run `make web-check-deps`"
    time.sleep(2)
    edit = ["--file", str(chapter), "--from", SENTENCE, "--to", "It is deliberately short on detail (browser {n})."]
    where = ["--scroll", "the-last-opposition-stronghold", "--rounds", str(rounds), "--pause", "1500"]
    done = subprocess.run(
        ["node", str(DRIVER), "follow", preview.url + "chapter-02.html", *edit, *where],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        return "failed: " + done.stderr.strip()[-300:]
    report = json.loads(done.stdout)
    if not all(round_["found"] for round_ in report["rounds"]):
        return "failed: the page did not show an edit"
    return [round_["ms"] / 1000 for round_ in report["rounds"]]


def summary(values: list[float]) -> str:
    return f"{statistics.median(values):.2f} s | {min(values):.2f}-{max(values):.2f} s"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--update-doc", action="store_true", help="write the results into docs/performance.md")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-preview-"))
    try:
        folder = work / "manuscript"
        shutil.copytree(MANUSCRIPT, folder)
        chapter = folder / CHAPTER
        assert SENTENCE in chapter.read_text(encoding="utf-8")
        load_before = os.getloadavg()
        started = time.perf_counter()
        preview = Preview(folder, work)
        try:
            first_site = float(preview.wait(r"^site built in ([\d.]+) s").group(1))
            first_pdf = float(preview.wait(r"^PDF made in ([\d.]+) s").group(1))
            ready = time.perf_counter() - started
            served, builds, cpu = served_rounds(preview, chapter, args.rounds)
            browser = browser_rounds(preview, chapter, args.rounds)
        finally:
            preview.stop()
        load_after = os.getloadavg()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    rows = [
        "| save → page | median | spread |",
        "|---|---:|---:|",
        f"| served (`GET /chapter-02.html` has the new sentence) | {summary(served)} |",
        (f"| in Chromium (the open page reloaded by itself and shows it) | {summary(browser)} |")
        if isinstance(browser, list)
        else f"| in Chromium | {browser} | |",
        f"| the site build within it (the preview's terminal) | {summary(builds)} |",
        f"| processor time the preview used per save (the site build and serving) | {summary(cpu)} |",
    ]
    best = statistics.median(browser) if isinstance(browser, list) else statistics.median(served)
    verdict = "met" if best < TARGET_SECONDS else "not met"
    text = "\n".join(
        [
            f"{args.rounds} one-sentence edits of `{CHAPTER}` on the sample report; load average "
            f"{load_before[0]:.1f} before, {load_after[0]:.1f} after (2 cores, shared).",
            "",
            *rows,
            "",
            f"First start: the site in {first_site:.2f} s, the first PDF {first_pdf:.1f} s later in the background "
            f"({ready:.1f} s from the command to both).",
            "",
            f"**Save to reloaded page < {TARGET_SECONDS:g} s: {verdict}** (median {best:.2f} s).",
        ]
    )
    print(text)
    if args.update_doc:
        doc = DOC.read_text(encoding="utf-8")
        start, end = doc.index(DOC_START) + len(DOC_START), doc.index(DOC_END)
        DOC.write_text(doc[:start] + "\n" + text + "\n" + doc[end:], encoding="utf-8")


if __name__ == "__main__":
    main()
