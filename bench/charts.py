"""What charts cost: a report with twenty charts drawn from data against the same report with
the twenty SVGs as plain images, cold and warm.

    .venv/bin/python bench/charts.py              # 3 runs each
    .venv/bin/python bench/charts.py --runs 5

Both manuscripts have twenty figures in four chapters; the chart one draws each from a small
CSV file (bar, line and layered charts in turn), the other shows the SVGs the first build drew,
as image files, so the difference is what charts add: reading specs and data, the data
tables, and vl-convert. Every build is ``report-build pdf -j 1`` in a fresh process:

- cold: no ``output/.cache``; the chart report starts vl-convert's engine (about two seconds)
  and draws every chart;
- warm: the same build again with the cache the previous one left (charts come from it, as
  in a second ``make pdf`` after an edit), which is what the budget is about: under 2 s for
  twenty charts.

Medians are printed (with the spread). Nothing uses the network; everything is written to a
temporary folder that is removed at the end.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BIN = Path(sys.executable).parent
REPORT_BUILD = BIN / "report-build"
CHARTS = 20
KINDS = ("bar", "line", "layered")


def spec(kind: str, data: str) -> dict:
    encoding = {
        "x": {"field": "month", "type": "temporal", "timeUnit": "yearmonth", "title": "Month"},
        "y": {"field": "value", "type": "quantitative", "title": "People"},
    }
    if kind == "bar":
        return {
            "data": {"url": data},
            "mark": "bar",
            "encoding": {**encoding, "x": {**encoding["x"], "type": "ordinal"}},
        }
    if kind == "line":
        return {"data": {"url": data}, "mark": "line", "encoding": encoding}
    return {
        "data": {"url": data},
        "encoding": encoding,
        "layer": [
            {"mark": "line"},
            {"mark": "point"},
            {"mark": {"type": "text", "dy": -8}, "encoding": {"text": {"field": "value", "format": ","}}},
        ],
    }


def write_reports(work: Path) -> tuple[Path, Path]:
    charts, plain = work / "charts", work / "plain"
    for folder in (charts / "data", charts / "charts", plain / "images"):
        folder.mkdir(parents=True)
    bodies = []
    for number in range(1, CHARTS + 1):
        rows = "\n".join(f"2020-{m:02d},{(number * 37 + m * 11) % 90 * 1000 + 1000}" for m in range(1, 13))
        (charts / "data" / f"d{number:02d}.csv").write_text(f"month,value\n{rows}\n", encoding="utf-8")
        kind = KINDS[number % 3]
        chart = spec(kind, f"../data/d{number:02d}.csv")
        (charts / "charts" / f"c{number:02d}.vl.json").write_text(json.dumps(chart, indent=1), encoding="utf-8")
        if number % 5 == 1:
            bodies.append(f"\n# Chapter {number // 5 + 1}\n")
        bodies.append(f"A paragraph before chart {number}. " * 6)
        bodies.append(f"![{kind.capitalize()} chart {number}](CHART{number:02d}){{#fig-c{number:02d}}}\n")
    head = "---\ntitle: Twenty charts\nlanguage: en-GB\n---\n"
    text = head + "\n\n".join(bodies) + "\n"
    (charts / "report.md").write_text(
        text.replace("](CHART", "](charts/c").replace("){#fig", ".vl.json){#fig"), encoding="utf-8"
    )
    return charts / "report.md", plain / "report.md"


def plain_from(charts: Path, plain: Path) -> None:
    """The plain report: the same text, each chart replaced by the SVG the chart build drew."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
    from report_build import Diagnostics, load

    document = load(charts, Diagnostics(echo=False))
    for image in document.images:
        (plain.parent / "images" / image.path.name).write_bytes(image.data)
    text = charts.read_text(encoding="utf-8")
    for number in range(1, CHARTS + 1):
        text = text.replace(f"charts/c{number:02d}.vl.json", f"images/c{number:02d}.chart.svg")
    text = text.replace("){#fig", ' "A chart"){#fig')
    plain.write_text(text, encoding="utf-8")


def build(manuscript: Path, output: Path) -> float:
    started = time.perf_counter()
    subprocess.run(
        [str(REPORT_BUILD), "pdf", "-j", "1", "-q", str(manuscript), "--output-dir", str(output)],
        check=True,
        capture_output=True,
    )
    return time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-charts.") as folder:
        work = Path(folder)
        charts, plain = write_reports(work)
        plain_from(charts, plain)
        times: dict[str, list[float]] = {"charts cold": [], "charts warm": [], "plain cold": [], "plain warm": []}
        for run in range(args.runs):
            for name, manuscript in (("charts", charts), ("plain", plain)):
                output = work / f"out-{name}-{run}"
                times[f"{name} cold"].append(build(manuscript, output))
                times[f"{name} warm"].append(build(manuscript, output))
                shutil.rmtree(output)
        print(f"{CHARTS} charts, report-build pdf -j 1, {args.runs} runs (median, min-max):")
        for name, values in times.items():
            print(f"  {name:12} {statistics.median(values):6.2f} s  ({min(values):.2f}-{max(values):.2f})")
        for state in ("cold", "warm"):
            added = statistics.median(times[f"charts {state}"]) - statistics.median(times[f"plain {state}"])
            print(f"  charts add, {state}: {added:+.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
