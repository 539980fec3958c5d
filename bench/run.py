"""The speed benchmark: report-build against bare WeasyPrint and pandoc, on generated manuscripts.

    .venv/bin/python bench/run.py                     # 20, 100 and 500 pages, 5 runs (3 at 500)
    .venv/bin/python bench/run.py --quick             # 20 and 100 pages, 1 run: a smoke test
    .venv/bin/python bench/run.py --sizes 100 --runs 3
    .venv/bin/python bench/run.py --update-doc        # also rewrite the results in docs/performance.md

Every measured command runs in a fresh child process; its wall time is taken around the
spawn and its peak memory is its largest resident set as GNU time reports it (``%M``, which
covers the children it waited for, such as the ``weasyprint`` that pandoc starts). The tools are
interleaved within each run, in a rotating order, so that a burst of load from elsewhere falls
on all of them rather than on one. Medians are reported, with the spread (min-max).

Manuscripts come from bench/generate.py (seeded, no network) and everything is written to a
temporary folder that is removed at the end (``--keep`` keeps it).
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import io
import itertools
import os
import platform
import pstats
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
PROJECT = HERE.parent
sys.path.insert(0, str(HERE))

import generate  # noqa: E402  (bench/generate.py, beside this file)

BIN = Path(sys.executable).parent
REPORT_BUILD = BIN / "report-build"
DEFAULT_MANUSCRIPT = PROJECT / "manuscript" / "report.md"
DOC = PROJECT / "docs" / "performance.md"
DOC_START, DOC_END = "<!-- bench:results:start -->", "<!-- bench:results:end -->"

# Targets (issue 7; the PDF and peak-memory ones raised by issue 16; the cold PDF and the watch
# as issue 26 sets them, where the cold build also reads every chapter).
PDF_OVER_BARE = 0.65  # with the page map of an earlier build
PDF_COLD_OVER_BARE = 1.0  # without one (issue 16 asked 0.85 before chapters were read on their own)
WATCH_SHARE = 0.20  # a watch's rebuild after one paragraph changed, against a full build
EPUB_DEFAULT_SECONDS = 1.0
MAKE_NOOP_SECONDS = 0.5
PEAK_MB_500 = 1536
LINEAR_SLACK = 1.25  # marginal s/page of the largest step at most 1.25x that of the smallest

CORES = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
TOOLS = (
    "rb-pdf",
    "rb-pdf-cold",
    "rb-pdf-1",
    "rb-epub-cold",
    "rb-epub-warm",
    "rb-all",
    "bare-weasyprint",
    "pandoc-epub",
    "pandoc-pdf",
)
LABELS = {
    "rb-pdf": f"report-build pdf (-j {CORES}, page map of the last build)",
    "rb-pdf-cold": f"report-build pdf (-j {CORES}, cold: no page map)",
    "rb-pdf-1": "report-build pdf -j 1 (the single pass)",
    "rb-epub-cold": "report-build epub (cold: no page-map cache)",
    "rb-epub-warm": "report-build epub (warm: after a PDF build)",
    "rb-all": f"report-build all (PDF, ePub and web edition, -j {CORES})",
    "bare-weasyprint": "bare WeasyPrint (same HTML + CSS)",
    "pandoc-epub": "pandoc → ePub",
    "pandoc-pdf": "pandoc → PDF (--pdf-engine=weasyprint)",
}

BARE_SCRIPT = """\
import sys
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration

html, target, *sheets = sys.argv[1:]
fonts = FontConfiguration()
HTML(filename=html).write_pdf(
    target,
    stylesheets=[CSS(filename=sheet, font_config=fonts) for sheet in sheets],
    font_config=fonts,
    pdf_variant="pdf/ua-1",
    pdf_tags=True,
)
"""


WATCH_SCRIPT = """\
import re
import statistics
import sys
import time
from pathlib import Path

from report_build import Diagnostics, build
from report_build.watch import WATCH_GROUPS, prepare_rebuilds
from report_build.writers.pdf.parallel import Memory

manuscript, out, jobs, runs = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])


def once(memory):
    diagnostics = Diagnostics(echo=False)
    started = time.perf_counter()
    build(manuscript, ("pdf",), output_dir=out, diagnostics=diagnostics, jobs=jobs, memory=memory)
    # what was read and laid out again (not the screen edition's page count, which comes last)
    said = [n for n in diagnostics.notes if n.startswith("Markdown:") or "laid out" in n]
    return time.perf_counter() - started, "; ".join(said)


once(None)  # an earlier build: its page map is in out/.cache, as in a watch started on a built report
full = statistics.median(once(None)[0] for _ in range(runs))  # full builds, as `report-build pdf` makes them
memory = Memory(groups=max(jobs, WATCH_GROUPS))
once(memory)  # watch's first build: every group laid out, and kept
prepare_rebuilds()  # what the watch does next, before the first edit
text = manuscript.read_text(encoding="utf-8")
rebuilds = []
for edit in range(runs):  # one paragraph of a middle chapter changed: the middle one, the next, the one before...
    headings = [m.start() for m in re.finditer(r"^# ", text, re.MULTILINE)]
    chapter = len(headings) // 2 + (edit + 1) // 2 * (1 if edit % 2 else -1)
    start = headings[min(max(chapter, 1), len(headings) - 1)]
    paragraph = re.compile(r"\\n\\n([A-Z][a-z]+) ").search(text, start)
    if paragraph is None:
        sys.exit(f"no paragraph to edit after chapter {chapter + 1}")
    text = text[: paragraph.start()] + "\\n\\nIndeed, " + paragraph.group(1).lower() + " " + text[paragraph.end() :]
    manuscript.write_text(text, encoding="utf-8")
    rebuilds.append(once(memory))
print(f"{full:.3f} {statistics.median(t for t, _ in rebuilds):.3f} {rebuilds[0][0]:.3f} {rebuilds[0][1]}")
"""


def bench_watch(case: Case, runs: int) -> None:
    """A watch's rebuilds after one paragraph changed, each in another middle chapter, against
    its full builds (medians of ``runs``; all in one process, as in ``report-build watch``;
    start-up is not counted)."""
    folder = case.work / "watch"
    shutil.copytree(case.folder, folder / "m")
    script = folder / "watch.py"
    script.write_text(WATCH_SCRIPT, encoding="utf-8")
    manuscript = folder / "m" / case.manuscript.name
    run = subprocess.run(
        [sys.executable, str(script), str(manuscript), str(folder / "out"), str(CORES), str(runs)],
        capture_output=True,
        text=True,
    )
    if run.returncode != 0:
        print(f"  {case.target:>4} pages  watch FAILED: {run.stderr.strip()[-300:]}", file=sys.stderr)
        return
    full, again, first, note = run.stdout.strip().split(" ", 3)
    case.watch = (float(full), float(again), float(first), runs, note)
    print(
        f"  {case.target:>4} pages  watch: full {full} s, after an edit {again} s (median of {runs}; "
        f"the first {first} s: {note})",
        file=sys.stderr,
    )


# -- running one command -----------------------------------------------------------------


@dataclass
class Sample:
    seconds: float
    peak_mb: float
    ok: bool
    error: str = ""


GNU_TIME = shutil.which("time", path="/usr/bin:/bin")


def measure(cmd: list[str], cwd: Path, env: dict[str, str] | None = None, log: Path | None = None) -> Sample:
    """Run ``cmd`` in a fresh child; wall seconds and its peak RSS in MB.

    The peak comes from GNU time (``/usr/bin/time -f %M``), which reports the largest resident
    set of the command and of the children it waited for. It is not read from our own
    ``wait4``: a child started with vfork inherits this process's high-water mark, so every
    command would seem to use at least as much memory as the benchmark runner itself.
    """
    with tempfile.NamedTemporaryFile("r", suffix=".rss") as rss:
        argv = [GNU_TIME, "-q", "-f", "%M", "-o", rss.name, *cmd] if GNU_TIME else cmd
        out = open(log, "wb") if log else subprocess.DEVNULL  # noqa: SIM115
        try:
            started = time.perf_counter()
            child = subprocess.Popen(argv, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT if log else out)
            tree = TreeMemory(child.pid)
            tree.start()
            _, status, usage = os.wait4(child.pid, 0)
            seconds = time.perf_counter() - started
            tree.stop()
            child.returncode = os.waitstatus_to_exitcode(status)
        finally:
            if log:
                out.close()
        lines = rss.read().split()
    peak_kb = int(lines[-1]) if GNU_TIME and lines and lines[-1].isdigit() else usage.ru_maxrss
    peak_kb = max(peak_kb, tree.peak_kb)  # parallel layout: the workers' memory counts too
    error = ""
    if child.returncode != 0:
        tail = log.read_text(errors="replace").strip().splitlines()[-1:] if log and log.exists() else []
        error = f"exit {child.returncode}" + (f": {tail[0][:160]}" if tail else "")
    return Sample(seconds, peak_kb / 1024, child.returncode == 0, error)


class TreeMemory(threading.Thread):
    """The largest sum of resident memory over a process and all its descendants (sampled every
    20 ms from /proc): the workers of a parallel layout count with their parent. GNU time's
    ``%M`` gives the largest single process only."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.peak_kb = 0
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.wait(0.02):
            self.peak_kb = max(self.peak_kb, self.sample())

    def stop(self) -> None:
        self.done.set()
        self.join()

    def sample(self) -> int:
        parents: dict[int, int] = {}
        rss: dict[int, int] = {}
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                stat = (entry / "stat").read_text()
                status = (entry / "status").read_text()
            except OSError:
                continue
            parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
            found = re.search(r"^VmRSS:\s+(\d+) kB", status, re.MULTILINE)
            rss[int(entry.name)] = int(found.group(1)) if found else 0
        tree, grew = {self.pid}, True
        while grew:
            more = {pid for pid, parent in parents.items() if parent in tree} - tree
            grew = bool(more)
            tree |= more
        return sum(rss.get(pid, 0) for pid in tree)


def pdf_pages(path: Path) -> int | None:
    try:
        import pikepdf

        with pikepdf.open(path) as pdf:
            return len(pdf.pages)
    except Exception:
        return None


def load_average() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} / {five:.2f} / {fifteen:.2f}"


def wait_for_quiet(threshold: float, longest: float) -> str:
    """Wait (up to ``longest`` s) until the 1-minute load average is below ``threshold``."""
    deadline = time.monotonic() + longest
    while os.getloadavg()[0] >= threshold and time.monotonic() < deadline:
        time.sleep(5)
    return load_average()


# -- preparing one size ------------------------------------------------------------------


@dataclass
class Case:
    """One manuscript and the commands that are measured on it."""

    target: int
    folder: Path
    manuscript: Path
    work: Path
    pages: int | None = None
    bare_pages: int | None = None
    pandoc_pages: int | None = None
    samples: dict[str, list[Sample]] = field(default_factory=dict)
    loads: list[str] = field(default_factory=list)
    warm_ready: bool = False  # a PDF build has left its page map in rb_out
    # medians of the full builds and of the rebuilds (s), the first rebuild (s), how many, what it laid out
    watch: tuple[float, float, float, int, str] | None = None

    @property
    def rb_out(self) -> Path:
        """report-build's output folder, kept from run to run as ``output/`` is (its cache with it)."""
        return self.work / "rb-out"


def prepare_bare(manuscript: Path, work: Path) -> tuple[Path, list[Path]]:
    """The HTML and CSS our pipeline hands WeasyPrint, written to files, for the bare run."""
    from report_build import load
    from report_build.errors import Diagnostics
    from report_build.theme import Theme
    from report_build.writers.pdf.geometry import page_css
    from report_build.writers.pdf.markup import render_html, stylesheet_names

    doc = load(manuscript, Diagnostics(echo=False), releases_dir=work / "no-releases")
    theme = Theme(doc.metadata.layouts, doc.metadata.language)
    layouts = work / "bare-layouts"
    for folder in reversed(theme.dirs):  # overrides copied last, so they win
        shutil.copytree(folder, layouts, dirs_exist_ok=True)
    html = manuscript.parent / "bare.html"  # beside the manuscript: image paths resolve as in the build
    html.write_text(render_html(doc, theme), encoding="utf-8")
    page = layouts / "css" / "page.css"
    page.write_text(page_css(doc, theme), encoding="utf-8")
    sheets = [page] + [layouts / name for name in stylesheet_names(doc) if theme.find(name) is not None]
    return html, sheets


def commands(case: Case, tool: str, run: int, bare: tuple[Path, list[Path]]) -> tuple[list[str], Path, dict]:
    """(argv, cwd, env) of one measured command."""
    env = dict(os.environ)
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"  # pandoc finds our weasyprint
    out = case.work / f"{tool}-{run}"
    out.mkdir(parents=True, exist_ok=True)
    rb = [str(REPORT_BUILD)]
    m = str(case.manuscript)
    if tool == "rb-pdf":
        return [*rb, "pdf", m, "-q", "-o", str(out / "out.pdf"), "--output-dir", str(case.rb_out)], PROJECT, env
    if tool == "rb-pdf-cold":  # a fresh output folder: no page map to guess from
        return [*rb, "pdf", m, "-q", "-o", str(out / "out.pdf"), "--output-dir", str(out)], PROJECT, env
    if tool == "rb-pdf-1":
        return [*rb, "pdf", m, "-q", "-j", "1", "-o", str(out / "out.pdf"), "--output-dir", str(out)], PROJECT, env
    if tool == "rb-epub-cold":
        return [*rb, "epub", m, "-q", "-o", str(out / "out.epub"), "--output-dir", str(out)], PROJECT, env
    if tool == "rb-epub-warm":
        assert case.warm_ready
        return [*rb, "epub", m, "-q", "-o", str(out / "out.epub"), "--output-dir", str(case.rb_out)], PROJECT, env
    if tool == "rb-all":
        return [*rb, "all", m, "-q", "--output-dir", str(case.rb_out)], PROJECT, env
    if tool == "bare-weasyprint":
        html, sheets = bare
        script = case.work / "bare.py"
        argv = [sys.executable, str(script), str(html), str(out / "out.pdf"), *map(str, sheets)]
        return argv, case.folder, env
    if tool == "pandoc-epub":
        return ["pandoc", "report.md", "--toc", "-o", str(out / "out.epub")], case.folder, env
    if tool == "pandoc-pdf":
        argv = ["pandoc", "report.md", "--toc", "--pdf-engine=weasyprint", "-o", str(out / "out.pdf")]
        return argv, case.folder, env
    raise ValueError(tool)


def order_for(run: int, tools: tuple[str, ...], warm_ready: bool) -> list[str]:
    """The tools in a rotating order; a warm ePub only after a build has left the page map."""
    shift = run % len(tools)
    order = list(tools[shift:] + tools[:shift])
    if not warm_ready and "rb-epub-warm" in order:
        order.remove("rb-epub-warm")
        order.append("rb-epub-warm")
    return order


def bench_case(case: Case, runs: int, tools: tuple[str, ...], have_pandoc: bool, args: argparse.Namespace) -> None:
    bare = prepare_bare(case.manuscript, case.work)
    (case.work / "bare.py").write_text(BARE_SCRIPT, encoding="utf-8")
    tools = tuple(t for t in tools if have_pandoc or not t.startswith("pandoc"))
    # An untimed build leaves the page map that "rb-pdf" and "rb-all" guess from, as a
    # report's earlier build does.
    seed_argv, seed_cwd, seed_env = commands(case, "rb-pdf", -1, bare)
    case.warm_ready = measure(seed_argv, seed_cwd, seed_env).ok
    for run in range(runs):
        case.loads.append(wait_for_quiet(args.max_load, args.wait) if args.max_load else load_average())
        for tool in order_for(run, tools, case.warm_ready):
            if tool == "rb-epub-warm" and not case.warm_ready:
                case.samples.setdefault(tool, []).append(Sample(0.0, 0.0, False, "no page map: no PDF build succeeded"))
                continue
            argv, cwd, env = commands(case, tool, run, bare)
            log = case.work / f"{tool}-{run}.log"
            sample = measure(argv, cwd, env, log)
            case.samples.setdefault(tool, []).append(sample)
            out = case.work / f"{tool}-{run}"
            counted = {"rb-pdf-1": "pages", "bare-weasyprint": "bare_pages", "pandoc-pdf": "pandoc_pages"}
            if sample.ok and tool in counted and getattr(case, counted[tool]) is None:
                setattr(case, counted[tool], pdf_pages(out / "out.pdf"))
            if tool in ("rb-pdf", "rb-pdf-1", "rb-all") and sample.ok:
                case.warm_ready = True  # rb_out/.cache/pages-*.json: later warm ePubs read it
            shutil.rmtree(out, ignore_errors=True)
            status = f"{sample.seconds:7.2f} s {sample.peak_mb:7.0f} MB" if sample.ok else f"FAILED ({sample.error})"
            print(f"  {case.target:>4} pages  run {run + 1}/{runs}  {tool:<16} {status}", file=sys.stderr)
    case.loads.append(load_average())


# -- the default report and make --------------------------------------------------------


def bench_default_epub(work: Path, runs: int) -> dict[str, list[Sample]]:
    """``report-build epub manuscript/report.md``: cold (fresh output dir) and warm (page map cached)."""
    rb = str(REPORT_BUILD)
    m = str(DEFAULT_MANUSCRIPT.relative_to(PROJECT))
    warm = work / "default-warm"
    measure([rb, "pdf", m, "-q", "-o", str(warm / "out.pdf"), "--output-dir", str(warm)], PROJECT)
    results: dict[str, list[Sample]] = {"cold": [], "warm": []}
    for run in range(runs):
        cold = work / f"default-cold-{run}"
        results["cold"].append(
            measure([rb, "epub", m, "-q", "-o", str(cold / "out.epub"), "--output-dir", str(cold)], PROJECT)
        )
        shutil.rmtree(cold, ignore_errors=True)
        results["warm"].append(
            measure([rb, "epub", m, "-q", "-o", str(warm / "out.epub"), "--output-dir", str(warm)], PROJECT)
        )
    return results


def bench_make(work: Path, runs: int) -> tuple[list[float], str]:
    """``make pdf`` in the project with nothing changed: run once to bring it up to date, then time it."""
    first = subprocess.run(["make", "pdf"], cwd=PROJECT, capture_output=True, text=True)
    if first.returncode != 0:
        return [], f"make pdf failed: {(first.stderr or first.stdout).strip().splitlines()[-1:]}"
    times: list[float] = []
    note = ""
    for _ in range(runs * 3):
        started = time.perf_counter()
        again = subprocess.run(["make", "pdf"], cwd=PROJECT, capture_output=True, text=True)
        seconds = time.perf_counter() - started
        if again.returncode != 0 or "report-build pdf" in again.stdout:
            note = "some runs rebuilt (sources changed meanwhile) and were not counted"
            continue
        times.append(seconds)
        if len(times) == runs:
            break
    return times, note


# -- profile ------------------------------------------------------------------------------

PHASES = (
    ("parse and validate (build.gather)", "report_build/build.py", "gather", "ours"),
    ("templating (render_html)", "report_build/writers/pdf/markup.py", "render_html", "ours"),
    ("templating (page_css)", "report_build/writers/pdf/geometry.py", "page_css", "ours"),
    ("HTML and CSS parsing (weasyprint.HTML, CSS)", "weasyprint/__init__.py", "__init__", "weasyprint"),
    ("style cascade (get_all_computed_styles)", "weasyprint/css/__init__.py", "get_all_computed_styles", "weasyprint"),
    (
        "box tree (build_formatting_structure)",
        "weasyprint/formatting_structure/build.py",
        "build_formatting_structure",
        "weasyprint",
    ),
    ("layout (layout_document)", "weasyprint/layout/__init__.py", "layout_document", "weasyprint"),
    (
        "page map and footnote check (page_marks, misplaced_notes)",
        "report_build/writers/pdf/pages.py",
        ("page_marks", "misplaced_notes"),
        "ours",
    ),
    ("PDF writing (Document.write_pdf)", "weasyprint/document.py", "write_pdf", "weasyprint"),
    ("  of which fonts subset and embedded", "weasyprint/pdf/fonts.py", "build_fonts_dictionary", "weasyprint"),
    ("page-map cache and atomic write", "report_build/output.py", "write_atomic", "ours"),
)


def profile_pdf(manuscript: Path, work: Path) -> str:
    """cProfile one ``report-build pdf`` run (in this process) and split its time by phase."""
    from report_build.cli import main

    out = work / "profile"
    out.mkdir(parents=True, exist_ok=True)
    profiler = cProfile.Profile()
    started = time.perf_counter()
    profiler.enable()
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()) as errors:
        status = main(["pdf", str(manuscript), "-q", "-j", "1", "-o", str(out / "out.pdf"), "--output-dir", str(out)])
    profiler.disable()
    total = time.perf_counter() - started
    if status != 0:
        return f"The profiled build failed ({errors.getvalue().strip()[:300]}); no profile this time."
    stats = pstats.Stats(profiler).stats  # type: ignore[attr-defined]

    def cumulative(suffix: str, names: str | tuple[str, ...]) -> float:
        names = (names,) if isinstance(names, str) else names
        best: dict[str, float] = {}
        for (filename, _line, func), (_cc, _nc, _tt, ct, _callers) in stats.items():
            if filename.endswith(suffix) and func in names:
                best[f"{func}:{_line}"] = max(best.get(f"{func}:{_line}", 0.0), ct)
        return sum(best.values())

    startup = measure(
        [
            sys.executable,
            "-c",
            "import report_build.cli, report_build.writers.pdf.writer, report_build.writers.epub.writer",
        ],
        PROJECT,
    )
    lines = [
        "| phase | seconds | share |",
        "| --- | ---: | ---: |",
        f"| Python start-up and imports (separate process, not profiled) | {startup.seconds:.2f} | |",
    ]
    for label, suffix, names, _who in PHASES:
        seconds = cumulative(suffix, names)
        lines.append(f"| {label} | {seconds:.2f} | {100 * seconds / total:.0f} % |")
    lines.append(f"| **total under the profiler** | **{total:.2f}** | 100 % |")
    rows = []
    for (filename, line, func), (_cc, nc, tt, ct, _callers) in sorted(
        stats.items(), key=lambda item: item[1][2], reverse=True
    )[:12]:
        where = re.sub(r".*/site-packages/", "", filename)
        where = re.sub(r".*/src/", "", where)
        rows.append(f"| `{where}:{line}` `{func}` | {nc} | {tt:.2f} | {ct:.2f} |")
    own = "\n".join(["| function (own time) | calls | own s | cumulative s |", "| --- | ---: | ---: | ---: |", *rows])
    return "\n".join(lines) + "\n\nThe functions with the most own time:\n\n" + own


# -- report --------------------------------------------------------------------------------


def median(samples: list[Sample]) -> float | None:
    good = [s.seconds for s in samples if s.ok]
    return statistics.median(good) if good else None


def peak(samples: list[Sample]) -> float | None:
    good = [s.peak_mb for s in samples if s.ok]
    return max(good) if good else None


def fmt(value: float | None, digits: int = 2, suffix: str = "") -> str:
    return "–" if value is None else f"{value:.{digits}f}{suffix}"


def table(cases: list[Case]) -> str:
    lines = [
        "| size (pages) | tool | runs | median s | spread s | s/page | ratio | vs | peak RSS MB (all processes) |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | --- | ---: |",
    ]
    for case in cases:
        med = {tool: median(samples) for tool, samples in case.samples.items()}
        pandoc_both = (
            med["pandoc-epub"] + med["pandoc-pdf"]
            if med.get("pandoc-epub") is not None and med.get("pandoc-pdf") is not None
            else None
        )
        bases = {
            "rb-pdf": (med.get("bare-weasyprint"), "bare WeasyPrint"),
            "rb-pdf-cold": (med.get("bare-weasyprint"), "bare WeasyPrint"),
            "rb-pdf-1": (med.get("bare-weasyprint"), "bare WeasyPrint"),
            "bare-weasyprint": (med.get("bare-weasyprint"), "bare WeasyPrint"),
            "pandoc-pdf": (med.get("bare-weasyprint"), "bare WeasyPrint"),
            "rb-epub-cold": (med.get("pandoc-epub"), "pandoc ePub"),
            "rb-epub-warm": (med.get("pandoc-epub"), "pandoc ePub"),
            "pandoc-epub": (med.get("pandoc-epub"), "pandoc ePub"),
            "rb-all": (pandoc_both, "pandoc ePub + PDF"),
        }
        size = f"{case.target} ({case.pages if case.pages is not None else '?'} pp)"
        for tool in TOOLS:
            samples = case.samples.get(tool)
            if not samples:
                continue
            m = med[tool]
            base, against = bases[tool]
            ok = [s.seconds for s in samples if s.ok]
            spread = f"{min(ok):.2f}–{max(ok):.2f}" if ok else "–"
            ratio = fmt(m / base if m is not None and base else None, 2, "×")
            per_page = m / case.pages if m is not None and case.pages else None
            label = LABELS[tool]
            if m is None:
                label += f" — **failed**: {samples[0].error}"
            lines.append(
                f"| {size} | {label} | {len(samples)} | {fmt(m)} | {spread} | {fmt(per_page, 3)} | {ratio} | "
                f"{against} | {fmt(peak(samples), 0)} |"
            )
    return "\n".join(lines)


def verdict(ok: bool | None) -> str:
    return "n/a" if ok is None else ("**pass**" if ok else "**miss**")


def targets(
    cases: list[Case], default_epub: dict[str, list[Sample]] | None, make: tuple[list[float], str] | None
) -> str:
    lines = ["| target | measured | result |", "| --- | --- | --- |"]
    for case in cases:
        bare = median(case.samples.get("bare-weasyprint", []))
        for tool, limit, how in (
            ("rb-pdf", PDF_OVER_BARE, "with a page map"),
            ("rb-pdf-cold", PDF_COLD_OVER_BARE, "without a page map"),
        ):
            pdf = median(case.samples.get(tool, []))
            if pdf is not None and bare:
                ratio = pdf / bare
                lines.append(
                    f"| PDF ≤ {limit:.2f} × bare WeasyPrint, {how}, {case.target} pages | "
                    f"{pdf:.2f} s vs {bare:.2f} s = {ratio:.2f}× | {verdict(ratio <= limit)} |"
                )
    for case in cases:
        both = median(case.samples.get("rb-all", []))
        pe, pp = median(case.samples.get("pandoc-epub", [])), median(case.samples.get("pandoc-pdf", []))
        if both is not None and pe is not None and pp is not None:
            lines.append(
                f"| PDF + ePub (`all`) ≤ pandoc ePub + pandoc PDF, {case.target} pages | "
                f"{both:.2f} s vs {pe:.2f} + {pp:.2f} = {pe + pp:.2f} s ({both / (pe + pp):.2f}×) | "
                f"{verdict(both <= pe + pp)} |"
            )
        elif both is not None:
            lines.append(f"| PDF + ePub ≤ pandoc's two runs, {case.target} pages | pandoc failed or missing | n/a |")
    if default_epub:
        for kind in ("cold", "warm"):
            m = median(default_epub[kind])
            lines.append(
                f"| ePub alone, default report, < {EPUB_DEFAULT_SECONDS:.0f} s ({kind}) | {fmt(m)} s | "
                f"{verdict(None if m is None else m < EPUB_DEFAULT_SECONDS)} |"
            )
    if make is not None:
        times, note = make
        m = statistics.median(times) if times else None
        extra = f" ({note})" if note else ""
        lines.append(
            f"| `make pdf` with nothing changed < {MAKE_NOOP_SECONDS} s | {fmt(m)} s{extra} | "
            f"{verdict(None if m is None else m < MAKE_NOOP_SECONDS)} |"
        )
    largest = max(cases, key=lambda c: c.target) if cases else None
    if largest is not None and largest.target >= 500:
        tools = ("rb-pdf", "rb-pdf-cold", "rb-pdf-1", "rb-epub-cold", "rb-all")
        peaks = [peak(largest.samples.get(t, [])) for t in tools]
        worst = max((p for p in peaks if p is not None), default=None)
        lines.append(
            f"| {largest.target} pages, peak memory < {PEAK_MB_500 / 1024:.1f} GB, added up over all processes | "
            f"{fmt(worst, 0)} MB (largest of pdf, epub, all) | "
            f"{verdict(None if worst is None else worst < PEAK_MB_500)} |"
        )
    for case in cases:
        if case.watch is not None:
            full, again, first, edits, report = case.watch
            share = again / full
            lines.append(
                f"| `watch`, {case.target} pages, one paragraph changed: rebuild ≤ {WATCH_SHARE:.0%} of a full build | "
                f"{again:.2f} s vs {full:.2f} s = {share:.1%} (medians of {edits}; the first edit {first:.2f} s: "
                f"{report}) | {verdict(share <= WATCH_SHARE)} |"
            )
    sized = [c for c in sorted(cases, key=lambda c: c.target) if c.pages and median(c.samples.get("rb-pdf-1", []))]
    if len(sized) >= 2:
        per = ", ".join(f"{c.pages} pp: {median(c.samples['rb-pdf-1']) / c.pages:.3f}" for c in sized)
        pairs = list(itertools.pairwise(sized))
        steps = [
            (median(b.samples["rb-pdf-1"]) - median(a.samples["rb-pdf-1"])) / (b.pages - a.pages) for a, b in pairs
        ]
        marginal = ", ".join(f"{a.pages}→{b.pages}: {s:.3f}" for (a, b), s in zip(pairs, steps, strict=True))
        ok = steps[-1] <= LINEAR_SLACK * steps[0] if len(steps) >= 2 else None
        lines.append(
            f"| time roughly linear in length (`report-build pdf -j 1`; marginal s/page of the last step "
            f"≤ {LINEAR_SLACK}× the first) | s/page {per}; marginal s/page {marginal} | {verdict(ok)} |"
        )
    return "\n".join(lines)


def machine() -> str:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = subprocess.run(["free", "-h"], capture_output=True, text=True).stdout.strip()
    import weasyprint

    pandoc = shutil.which("pandoc")
    pandoc_version = (
        subprocess.run(["pandoc", "--version"], capture_output=True, text=True).stdout.splitlines()[0]
        if pandoc
        else "not installed"
    )
    return "\n".join(
        [
            f"- CPU: {cpu}, `nproc` = {os.cpu_count()}",
            f"- Python {platform.python_version()}, WeasyPrint {weasyprint.__version__}, {pandoc_version}",
            f"- OS: {platform.platform()}",
            "- `free -h`:",
            "",
            textwrap.indent(memory, "      "),
        ]
    )


def calibrate(sizes: list[int], work: Path, seed: int) -> None:
    """Page counts of the generated manuscripts (to set generate.FIXED_PAGES and PAGES_PER_CHAPTER)."""
    for size in sizes:
        manifest = generate.generate(size, work / f"c{size}", seed)
        target = work / f"c{size}.pdf"
        argv = [str(REPORT_BUILD), "pdf", str(manifest.path), "-q", "-o", str(target), "--output-dir", str(work)]
        sample = measure(argv, PROJECT)
        pages = pdf_pages(target) if sample.ok else None
        print(f"target {size:>4} pages: {manifest.chapters:>3} chapters -> {pages} pages ({sample.seconds:.1f} s)")


# -- main ----------------------------------------------------------------------------------


def arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="20,100,500", help="target page counts, comma-separated (20,100,500)")
    parser.add_argument("--runs", type=int, default=5, help="runs per tool and size (default 5)")
    parser.add_argument("--runs-large", type=int, default=3, help="runs for sizes above 200 pages (default 3)")
    parser.add_argument("--quick", action="store_true", help="20 and 100 pages, one run, no profile: a smoke test")
    parser.add_argument("--seed", type=int, default=7, help="generator seed (default 7)")
    parser.add_argument("--no-profile", action="store_true", help="skip the cProfile split of a 100-page PDF")
    parser.add_argument("--no-make", action="store_true", help="skip timing `make pdf` in the project")
    parser.add_argument("--no-watch", action="store_true", help="skip timing a watch's rebuild after an edit")
    parser.add_argument("--no-default", action="store_true", help="skip the default report's ePub timing")
    parser.add_argument("--max-load", type=float, default=None, help="before each run, wait for 1-min load below this")
    parser.add_argument("--wait", type=float, default=300, help="longest wait for --max-load, seconds (300)")
    parser.add_argument(
        "--calibrate", action="store_true", help="only generate each size, build it once and print its page count"
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    parser.add_argument("--update-doc", action="store_true", help=f"rewrite the results block of {DOC.name}")
    args = parser.parse_args(argv)
    if args.quick:
        args.sizes, args.runs, args.runs_large, args.no_profile = "20,100", 1, 1, True
    return args


def main(argv: list[str] | None = None) -> int:
    args = arguments(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    have_pandoc = shutil.which("pandoc") is not None
    if not have_pandoc:
        print("bench: pandoc is not installed (make bench-deps); its rows are left out", file=sys.stderr)
    work = Path(tempfile.mkdtemp(prefix="report-build-bench-"))
    started = time.strftime("%Y-%m-%d %H:%M %Z")
    load_before = load_average()
    print(f"bench: working in {work}; load average {load_before}", file=sys.stderr)
    cases: list[Case] = []
    try:
        if args.calibrate:
            calibrate(sizes, work, args.seed)
            return 0
        # The package's bytecode compiled, as pip compiles an installed package's (and as
        # `make` does): the warm-up run below cannot write it where PYTHONDONTWRITEBYTECODE is
        # set, and each timed command would compile the package anew (0.15 s).
        subprocess.run([sys.executable, "-m", "compileall", "-q", str(PROJECT / "src" / "report_build")], check=True)
        # One untimed run first, so that the font caches are warm for everyone.
        warm_up = work / "warm-up"
        generate.generate(20, warm_up / "m", args.seed)
        measure(
            [
                str(REPORT_BUILD),
                "pdf",
                str(warm_up / "m/report.md"),
                "-q",
                "-o",
                str(warm_up / "x.pdf"),
                "--output-dir",
                str(warm_up),
            ],
            PROJECT,
        )
        for size in sizes:
            folder = work / f"m{size}"
            manifest = generate.generate(size, folder, args.seed)
            case = Case(size, folder, manifest.path, work / f"w{size}")
            case.work.mkdir(parents=True)
            runs = args.runs if size <= 200 else min(args.runs, args.runs_large)
            bench_case(case, runs, TOOLS, have_pandoc, args)
            if not args.no_watch:
                bench_watch(case, runs)
            cases.append(case)
        default_epub = None if args.no_default else bench_default_epub(work, max(args.runs, 3))
        make = None if args.no_make else bench_make(work, 3)
        profile = None
        if not args.no_profile:
            folder = work / "profile-m100"
            manifest = generate.generate(100, folder, args.seed)
            profile = profile_pdf(manifest.path, work)
        load_after = load_average()
        report = render_report(cases, default_epub, make, profile, started, load_before, load_after, args)
        print(report)
        if args.update_doc:
            update_doc(report)
    finally:
        if args.keep:
            print(f"bench: kept {work}", file=sys.stderr)
        else:
            shutil.rmtree(work, ignore_errors=True)
    return 0


def render_report(
    cases: list[Case],
    default_epub: dict[str, list[Sample]] | None,
    make: tuple[list[float], str] | None,
    profile: str | None,
    started: str,
    load_before: str,
    load_after: str,
    args: argparse.Namespace,
) -> str:
    notes = []
    for case in cases:
        loads = "; ".join(case.loads)
        pages = (
            f"report-build {case.pages} pp, bare WeasyPrint {case.bare_pages} pp, "
            f"pandoc PDF {case.pandoc_pages} pp (pandoc's own HTML style)"
        )
        notes.append(f"- {case.target}-page manuscript: {pages}; load average (1/5/15 min) per run: {loads}")
    parts = [
        f"Run {started} (`bench/run.py {' '.join(sys.argv[1:])}`), seed {args.seed}.",
        f"Load average (1/5/15 min): {load_before} before, {load_after} after.",
        "",
        "### Machine",
        "",
        machine(),
        "",
        "### Times",
        "",
        table(cases),
        "",
        *notes,
        "",
    ]
    if default_epub:
        parts += [
            f"Default report (`report-build epub manuscript/report.md`), {len(default_epub['cold'])} runs each: "
            f"cold {fmt(median(default_epub['cold']))} s (peak {fmt(peak(default_epub['cold']), 0)} MB), "
            f"warm {fmt(median(default_epub['warm']))} s (peak {fmt(peak(default_epub['warm']), 0)} MB).",
            "",
        ]
    if make is not None and make[0]:
        parts += [f"`make pdf` with nothing changed: {', '.join(f'{t:.2f}' for t in make[0])} s.", ""]
    parts += ["### Targets", "", targets(cases, default_epub, make), ""]
    if profile:
        parts += ["### Where the time goes (cProfile, one 100-page `report-build pdf -j 1`)", "", profile, ""]
    return "\n".join(parts)


def update_doc(report: str) -> None:
    text = DOC.read_text(encoding="utf-8") if DOC.exists() else f"# Performance\n\n{DOC_START}\n{DOC_END}\n"
    if DOC_START not in text or DOC_END not in text:
        text += f"\n{DOC_START}\n{DOC_END}\n"
    head, rest = text.split(DOC_START, 1)
    _, tail = rest.split(DOC_END, 1)
    DOC.write_text(f"{head}{DOC_START}\n{report}\n{DOC_END}{tail}", encoding="utf-8")
    print(f"bench: wrote the results into {DOC}", file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
