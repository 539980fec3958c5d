"""DAISY Ace, the EPUB accessibility checker, run on a built ePub.

Ace is a Node program (``@daisy/ace-cli``, pinned in ``tools/ace/package-lock.json``) that
opens every content document in a headless Chromium and runs axe-core plus its own EPUB
checks on them. ``make ace-deps`` installs it: Debian's Chromium, and the npm packages
without puppeteer's own browser download. Puppeteer starts Chromium through the wrapper
``tools/ace/chromium-no-sandbox`` (we run as root, so it needs ``--no-sandbox``, and it must
not try the network). The check itself uses no network: Ace aborts every http(s) request.

Ace writes an EARL report (``report.json``): one assertion per file (the package document,
then each content document), each holding the failed checks with their ``earl:impact``
(critical, serious, moderate, minor) and, for the axe checks, where in the file they are.
"""

from __future__ import annotations

import contextlib
import json
import os
import posixpath
import re
import shutil
import signal
import subprocess
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from lxml import etree

from ..errors import RenderError, display_path

# tools/ace beside src/: the project's own install (make ace-deps); REPORT_BUILD_ACE_DIR overrides it.
# A report-build installed from a wheel has no tools/ace: it needs REPORT_BUILD_ACE_DIR, or --no-ace.
SOURCE_ACE_DIR = Path(__file__).resolve().parents[3] / "tools" / "ace"
ACE_DIR = Path(os.environ.get("REPORT_BUILD_ACE_DIR") or SOURCE_ACE_DIR)
ACE_JS = ACE_DIR / "node_modules" / "@daisy" / "ace-cli" / "bin" / "ace.js"
CHROMIUM_WRAPPER = ACE_DIR / "chromium-no-sandbox"
# The browser the wrapper starts; CHROMIUM_BIN overrides it (for the wrapper too).
CHROMIUM = Path(os.environ.get("CHROMIUM_BIN") or "/usr/bin/chromium")
if os.environ.get("REPORT_BUILD_ACE_DIR") or (SOURCE_ACE_DIR / "package.json").is_file():
    INSTALL_HINT = "run `make ace-deps`"
else:  # installed from a wheel
    INSTALL_HINT = (
        "this installed report-build has no DAISY Ace of its own: set REPORT_BUILD_ACE_DIR to a folder where "
        "`npm install @daisy/ace-cli` ran, beside an executable `chromium-no-sandbox` wrapper (a clone of "
        "report-build has both in tools/ace after `make ace-deps`), or skip the check with `--no-ace`"
    )

IMPACTS = ("critical", "serious", "moderate", "minor")  # most severe first
BLOCKING = ("critical", "serious")


@dataclass(frozen=True)
class AceFinding:
    """One failed check: how bad, which rule, what is wrong, and where."""

    impact: str  # critical, serious, moderate or minor
    rule: str  # Ace's or axe's rule id, e.g. "epub-lang", "color-contrast"
    message: str
    file: str  # path inside the ePub, e.g. "EPUB/chapter-01.xhtml"
    location: str = ""  # CFI and CSS selector inside the file, when Ace gives them
    snippet: str = ""  # the offending element's markup, when Ace gives it
    help_url: str = ""

    def __str__(self) -> str:
        where = self.file + (f" [{self.location}]" if self.location else "")
        text = f"{self.impact.upper()} {self.rule} {where}: {self.message}"
        if self.snippet:
            text += f"\n    {self.snippet}"
        return text


@dataclass(frozen=True)
class AceReport:
    """What Ace found in one ePub. ``findings`` are sorted, most severe first."""

    epub: Path
    ace_version: str
    outcome: str  # Ace's overall earl:outcome, "pass" or "fail"
    findings: tuple[AceFinding, ...]
    missing_metadata: tuple[str, ...] = ()  # accessibility metadata Ace looked for and did not find
    documents: int = 0  # the content documents Ace checked

    def with_impact(self, *impacts: str) -> tuple[AceFinding, ...]:
        return tuple(finding for finding in self.findings if finding.impact in impacts)

    @property
    def blocking(self) -> tuple[AceFinding, ...]:
        """The critical and serious findings."""
        return self.with_impact(*BLOCKING)

    def summary(self) -> str:
        """Every finding, one a paragraph, under a count by impact."""
        counts = ", ".join(f"{len(self.with_impact(impact))} {impact}" for impact in IMPACTS)
        lines = [f"DAISY Ace {self.ace_version} on {display_path(self.epub)}: {counts}"]
        lines += [str(finding) for finding in self.findings]
        return "\n".join(lines)


def ace_missing() -> str | None:
    """Why Ace cannot run here (with the fix), or None when it can."""
    if shutil.which("node") is None:
        return f"DAISY Ace needs Node.js (`node` is not on PATH): install it, then {INSTALL_HINT}"
    if not ACE_JS.is_file():
        return f"DAISY Ace is not installed ({display_path(ACE_JS)} is missing): {INSTALL_HINT}"
    if not os.access(CHROMIUM_WRAPPER, os.X_OK):
        return f"DAISY Ace's Chromium wrapper {display_path(CHROMIUM_WRAPPER)} is missing or not executable"
    if not os.access(CHROMIUM, os.X_OK):
        return f"DAISY Ace needs Chromium ({CHROMIUM} is missing): {INSTALL_HINT}"
    return None


def run_ace(epub_path: Path, timeout: int = 300) -> AceReport:
    """Run DAISY Ace on an ePub and return its findings; RenderError if Ace cannot run or fails."""
    epub_path = Path(epub_path)
    problem = ace_missing()
    if problem:
        raise RenderError(problem)
    if not epub_path.is_file():
        raise RenderError("DAISY Ace: no such ePub", epub_path)
    with tempfile.TemporaryDirectory(prefix="report-build-ace-") as folder:
        work = Path(folder)
        outdir, tempdir = work / "report", work / "tmp"
        tempdir.mkdir()
        command = [
            shutil.which("node") or "node",
            str(ACE_JS),
            "--outdir",
            str(outdir),
            "--tempdir",
            str(tempdir),
            "--force",  # not --silent: its progress and errors are captured, and shown if it fails
            "--lang",
            "en",
            "--timeout",
            str(timeout * 1000),  # per content document
            str(epub_path.resolve()),
        ]
        env = {
            **os.environ,
            "PUPPETEER_EXECUTABLE_PATH": str(CHROMIUM_WRAPPER),
            "PUPPETEER_SKIP_DOWNLOAD": "1",
            "CHROMIUM_BIN": str(CHROMIUM),
            # Ace's config and logs, Chromium's crash folder and Node's temp files stay in this run's folder.
            "XDG_CONFIG_HOME": str(work / "config"),
            "XDG_DATA_HOME": str(work / "data"),
            "XDG_CACHE_HOME": str(work / "cache"),
            "TMPDIR": str(tempdir),
        }
        try:
            returncode, output = _run(command, env, timeout, epub_path)
        finally:
            _kill_strays(work)
        report_file = outdir / "report.json"
        if returncode != 0 or not report_file.is_file():
            what = "failed" if report_file.is_file() else "wrote no report"
            message = f"DAISY Ace {what} (exit {returncode})"
            output = re.sub(r"\x1b\[[0-9;]*m", "", output).strip()  # no terminal colours
            if output:
                message += ":\n" + output[-4000:]
            raise RenderError(message, epub_path)
        try:
            report = json.loads(report_file.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise RenderError(f"DAISY Ace wrote a report that does not parse: {exc}", epub_path) from None
    return parse_report(report, epub_path)


def _run(command: list[str], env: dict[str, str], timeout: int, epub_path: Path) -> tuple[int, str]:
    """Run Ace in a process group of its own, so that a time-out ends all of it (Chromium: _kill_strays)."""
    process = subprocess.Popen(
        command,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        output, _ = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill_group(process)
        process.communicate()
        raise RenderError(f"DAISY Ace did not finish within {timeout} s", epub_path) from None
    finally:
        if process.poll() is None:  # interrupted (KeyboardInterrupt): leave no browser behind
            _kill_group(process)
    return process.returncode, output.decode("utf-8", errors="replace")


def _kill_group(process: subprocess.Popen) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)


def _kill_strays(work: Path) -> None:
    """End the Chromium processes of this run that outlived Ace (after a time-out or a crash).

    Puppeteer starts the browser in a session of its own, out of reach of Ace's process group;
    every process of it names this run's folder (profile, crash database) on its command line.
    """
    marker = str(work).encode()
    proc = Path("/proc")
    if not proc.is_dir():
        return
    for entry in proc.iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            if marker in (entry / "cmdline").read_bytes():
                os.kill(int(entry.name), signal.SIGKILL)
        except (OSError, ValueError):
            pass  # gone already, or not ours to read


# -- the report ------------------------------------------------------------------------


def parse_report(report: dict[str, Any], epub_path: Path) -> AceReport:
    """Turn Ace's report.json into an AceReport; file names become paths inside the ePub."""
    names, package_dir = _package_layout(epub_path)
    findings: list[AceFinding] = []
    for assertion in report.get("assertions", []):
        subject = (assertion.get("earl:testSubject") or {}).get("url", "")
        findings += _failures(assertion, _inside(subject, names, package_dir))
    findings.sort(key=lambda f: (_rank(f.impact), f.file, f.rule, f.location))
    meta = report.get("a11y-metadata") or {}
    assessor = report.get("earl:assertedBy") or {}
    return AceReport(
        epub=epub_path,
        ace_version=str((assessor.get("doap:release") or {}).get("doap:revision", "")),
        outcome=str((report.get("earl:result") or {}).get("earl:outcome", "")),
        findings=tuple(findings),
        missing_metadata=tuple(meta.get("missing") or ()),
        documents=len(report.get("assertions", [])),
    )


def _failures(assertion: dict[str, Any], file: str) -> list[AceFinding]:
    found = []
    for sub in assertion.get("assertions") or []:
        result = sub.get("earl:result") or {}
        test = sub.get("earl:test") or {}
        if result.get("earl:outcome") == "fail" and test:
            pointer = result.get("earl:pointer") or {}
            location = "; ".join(
                part
                for part in (
                    " ".join(f"cfi {cfi}" for cfi in _strings(pointer.get("cfi"))),
                    " ".join(f"css {css}" for css in _strings(pointer.get("css"))),
                )
                if part
            )
            found.append(
                AceFinding(
                    impact=str(test.get("earl:impact") or "serious"),  # Ace's own default impact
                    rule=str(test.get("dct:title", "")),
                    message=str(result.get("dct:description") or test.get("dct:description", "")),
                    file=file,
                    location=location,
                    snippet=" ".join(str(result.get("html") or "").split()),
                    help_url=str((test.get("help") or {}).get("url", "")),
                )
            )
        found += _failures(sub, file)  # nested assertions, should Ace ever nest deeper
    return found


def _strings(value: Any) -> list[str]:
    if value is None:
        return []
    return [str(item) for item in value] if isinstance(value, list) else [str(value)]


def _rank(impact: str) -> int:
    return IMPACTS.index(impact) if impact in IMPACTS else len(IMPACTS)


def _package_layout(epub_path: Path) -> tuple[frozenset[str], str]:
    """The ePub's file names and the folder of its package document (from container.xml)."""
    try:
        with zipfile.ZipFile(epub_path) as package:
            names = frozenset(package.namelist())
            container = etree.fromstring(package.read("META-INF/container.xml"))
    except (OSError, KeyError, zipfile.BadZipFile, etree.XMLSyntaxError):
        return frozenset(), ""
    rootfile = container.find(".//{urn:oasis:names:tc:opendocument:xmlns:container}rootfile")
    opf = rootfile.get("full-path", "") if rootfile is not None else ""
    return names, posixpath.dirname(opf)


def _inside(url: str, names: frozenset[str], package_dir: str) -> str:
    """Ace names the package document from the ePub's root, content documents from the package's folder."""
    url = unquote(url.split("#", 1)[0]).lstrip("/")
    if not url or url in names:
        return url
    candidate = posixpath.normpath(posixpath.join(package_dir, url))
    return candidate if candidate in names or not names else url
