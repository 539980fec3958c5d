"""How long the web edition takes after the PDF (issue 14: under 1 s for the default report).

    .venv/bin/python bench/web.py                 # the default report, 5 runs
    .venv/bin/python bench/web.py --runs 9 MANUSCRIPT

The PDF and ePub are built once (`report-build all`, into a temporary output folder); then
`report-build web` runs in a fresh child process each time, as `make web` runs it after
`make pdf`: first with an empty font cache (cold: every WOFF2 subset is made), then warm (the
subsets come from output/.cache, as on every build whose text uses no new letter). Wall time
around the spawn; medians with the spread. Last, the web writer alone, in this process, on a
document already loaded (what `report-build all` adds after the PDF and ePub).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
REPORT_BUILD = Path(sys.executable).parent / "report-build"
TARGET_SECONDS = 1.0


def timed(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True)
    return time.perf_counter() - start


def in_process(manuscript: str, out: Path, runs: int) -> list[float]:
    """The web writer's own time, warm, with the document loaded once (as in `report-build all`)."""
    from report_build import Diagnostics, load
    from report_build.build import render_web
    from report_build.cache import BuildCache

    diagnostics = Diagnostics(echo=False)
    document = load(manuscript, diagnostics, out / "releases")
    cache = BuildCache(out / ".cache")
    seconds = []
    for _ in range(runs):
        start = time.perf_counter()
        render_web(document, {}, out, diagnostics, cache, target=out / "web")
        seconds.append(time.perf_counter() - start)
    return seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("manuscript", nargs="?", default=str(PROJECT / "manuscript" / "report.md"))
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench-web-"))
    try:
        out = folder / "output"
        all_seconds = timed([str(REPORT_BUILD), "all", args.manuscript, "--output-dir", str(out), "-q"])
        web = [str(REPORT_BUILD), "web", args.manuscript, "--output-dir", str(out), "-o", str(out / "web"), "-q"]
        cold, warm = [], []
        for _ in range(args.runs):
            shutil.rmtree(out / ".cache", ignore_errors=True)
            cold.append(timed(web))
            warm.append(timed(web))
        writer = in_process(args.manuscript, out, args.runs)
        weight = sum(
            p.stat().st_size
            for p in (out / "web").rglob("*")
            if p.is_file() and p.suffix not in (".woff2", ".png", ".svg", ".jpg", ".pdf", ".epub")
        )
    finally:
        shutil.rmtree(folder, ignore_errors=True)

    def line(label: str, values: list[float]) -> str:
        return f"| {label} | {statistics.median(values):.2f} s | {min(values):.2f}-{max(values):.2f} s |"

    print(f"report-build all (PDF, ePub and web, once): {all_seconds:.2f} s")
    print("| `report-build web` after the PDF | median | spread |")
    print("|---|---:|---:|")
    print(line("cold (font subsets made)", cold))
    print(line("warm (font subsets cached)", warm))
    print(line("the web writer alone, after load (in `report-build all`)", writer))
    print(f"site weight without images, fonts and downloads: {weight / 1024:.0f} KB")
    met = statistics.median(writer) < TARGET_SECONDS
    print(f"target < {TARGET_SECONDS:.0f} s for the web writer after the PDF: {'met' if met else 'missed'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
