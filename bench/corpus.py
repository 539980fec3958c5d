"""The real-world corpus: build every document of ../shared/realworld, check what was built, print a table.

    .venv/bin/python bench/corpus.py                  # every document (make corpus)
    .venv/bin/python bench/corpus.py osg-fa cmdline-ru
    .venv/bin/python bench/corpus.py --root /elsewhere/realworld

A document is a folder with a SOURCE.txt and one manuscript (.md, .Rmd or .mdx). Each is built once, PDF and ePub
together in memory, with remote images left out (``--omit-remote``: there is no network here);
the PDF is checked with ``qpdf --check``, pikepdf and for tofu (characters printed as empty
boxes, read from its embedded fonts as ``check`` reads them), the ePub with EPUBCheck (all at
once, in parallel), and the web edition, built with them, in Chromium (``tools/web-check``:
axe-core, no sideways scrolling at 375 and 320 px, scrolling regions within reach, nothing
refused by the pages' policy, every link resolving, no request leaving the site; ``--no-site``
skips it). The table gives the PDF's pages, the checks' results, the build's time and its
warnings. Exit status 1 when any document fails to build or to pass a check.

Raw syntax: other tools' syntax that reached the reader (``:::``, ``{{<``, ``{figure}``, ``{ref}``,
``<Tabs``, ``!!!``, ``===``, ``\\@ref``, ``$$``), counted in the ePub's text outside ``<code>`` and
``<pre>`` and in the PDF's text (pdftotext) less what the ePub's code holds; the column gives the
larger count, and any is a problem.
"""

from __future__ import annotations

import argparse
import io
import subprocess
import sys
import tempfile
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import lxml.etree
import pikepdf

from report_build import Diagnostics, ReportBuildError, build
from report_build.checks.glyphs import glyph_coverage
from report_build.checks.validators import epubcheck

ROOT = Path(__file__).resolve().parent.parent
REALWORLD = ROOT.parent / "shared" / "realworld"


@dataclass
class Row:
    name: str
    manuscript: Path
    pages: int | None = None
    qpdf: str = ""
    epubcheck: str = ""
    seconds: float = 0.0
    warnings: int = 0
    omitted: int = 0
    tofu: int | None = None  # characters the PDF prints as empty boxes (checks/glyphs.py)
    raw: int | None = None  # other tools' syntax left in the text, outside code (see RAW_SYNTAX)
    site: str = ""  # the web edition's browser checks: "clean", or how many problems
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def documents(root: Path, names: list[str]) -> list[tuple[str, Path]]:
    found = []
    for folder in sorted(p for p in root.iterdir() if (p / "SOURCE.txt").is_file()):
        if names and folder.name not in names:
            continue
        manuscripts = sorted(p for suffix in MANUSCRIPTS for p in folder.glob(f"*{suffix}"))
        if len(manuscripts) == 1:
            found.append((folder.name, manuscripts[0]))
    return found


def qpdf_check(pdf: Path) -> str:
    result = subprocess.run(["qpdf", "--check", str(pdf)], capture_output=True, text=True, timeout=600)
    return {0: "ok", 2: "errors", 3: "warnings"}.get(result.returncode, f"exit {result.returncode}")


def run(root: Path, names: list[str], site: bool = True) -> list[Row]:
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        books: dict[str, Path] = {}
        for name, manuscript in documents(root, names):
            row = Row(name, manuscript)
            rows.append(row)
            print(f"building {name} ...", file=sys.stderr, flush=True)
            diagnostics = Diagnostics(echo=False)
            started = time.perf_counter()
            try:
                formats = ("pdf", "epub", "web") if site else ("pdf", "epub")
                pdf, epub, *web = build(manuscript, formats, write=False, diagnostics=diagnostics, omit_remote=True)
            except ReportBuildError as exc:
                row.seconds = time.perf_counter() - started
                row.problems.append(str(exc))
                continue
            row.seconds = time.perf_counter() - started
            row.warnings = len(diagnostics.warnings)
            row.omitted = sum(1 for w in diagnostics.warnings if "--omit-remote" in w.message)
            pdf_path, epub_path = Path(folder) / f"{name}.pdf", Path(folder) / f"{name}.epub"
            pdf_path.write_bytes(pdf.data)
            epub_path.write_bytes(epub.data)
            row.qpdf = qpdf_check(pdf_path)
            try:
                with pikepdf.open(io.BytesIO(pdf.data)) as document:
                    row.pages = len(document.pages)
            except pikepdf.PdfError as exc:
                row.problems.append(f"pikepdf: {exc}")
            if row.qpdf != "ok":
                row.problems.append(f"qpdf --check: {row.qpdf}")
            boxes = glyph_coverage(pdf.data).characters
            row.tofu = len(boxes)
            if boxes:
                row.problems.append(f"tofu: {', '.join(boxes[:10])} print as empty boxes")
            raw = raw_syntax(pdf_text(pdf_path), epub.data)
            row.raw = max((count for counts in raw.values() for count in counts.values()), default=0)
            row.problems.extend(
                f"raw syntax in the {where}: {count} x {syntax}"
                for where, counts in raw.items()
                for syntax, count in counts.items()
                if count
            )
            books[name] = epub_path
            if web:
                check_site(row, web[0].files or {}, Path(folder) / f"{name}-site")
        print("EPUBCheck ...", file=sys.stderr, flush=True)
        findings = epubcheck(books) if books else {}
    for row in rows:
        if row.name not in findings:
            continue
        found = findings[row.name]
        errors = sum(1 for f in found if f.severity == "error")
        warnings = len(found) - errors
        row.epubcheck = "valid" if not found else f"{_count(errors, 'error')}, {_count(warnings, 'warning')}"
        row.problems.extend(f"EPUBCheck: {f.code} {f.file}:{f.line} {f.message}" for f in found[:5])
    return rows


def check_site(row: Row, files: dict[str, bytes], folder: Path) -> None:
    """The web edition's browser checks, as the tests run them on the sample."""
    from report_build.checks import browser
    from report_build.writers.web.folder import write_site

    print(f"checking {row.name}'s site ...", file=sys.stderr, flush=True)
    write_site(folder / "web", files)
    try:
        report = browser.check_site(folder / "web", folder / "shots")
    except ReportBuildError as exc:
        row.site = "not checked"
        row.problems.append(f"site: {exc}")
        return
    found = [f"axe: {line}" for line in report.violations] + [f"sideways: {line}" for line in report.sideways]
    found += [f"reach: {line}" for line in report.unreachable] + [f"policy: {line}" for line in report.refused]
    found += [f"request leaves the site: {item['url']}" for item in report.external]
    found += [f"link: {item['from']} {item['link']} ({item['reason']})" for item in report.broken]
    row.site = "clean" if not found else _count(len(found), "problem")
    row.problems.extend(f"site: {line}" for line in found[:8])


def _count(number: int, word: str) -> str:
    return f"{number} {word}{'' if number == 1 else 's'}"


MANUSCRIPTS = (".md", ".Rmd", ".mdx")
RAW_SYNTAX = (":::", "{{<", "{figure}", "{ref}", "<Tabs", "!!!", "===", "\\@ref", "$$")
XHTML = "{http://www.w3.org/1999/xhtml}"


def pdf_text(pdf: Path) -> str:
    return subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, timeout=600).stdout


def epub_texts(epub: bytes) -> tuple[str, str]:
    """The text of the ePub's content documents outside ``<code>``/``<pre>``, and inside them."""
    outside, inside = [], []
    with zipfile.ZipFile(io.BytesIO(epub)) as book:
        for name in book.namelist():
            if not name.endswith(".xhtml"):
                continue
            root = lxml.etree.fromstring(book.read(name))
            pre = f"{XHTML}pre"
            blocks = [e for e in root.iter(pre, f"{XHTML}code") if not any(a.tag == pre for a in e.iterancestors())]
            for block in blocks:
                inside.append("".join(block.itertext()))
                tail = block.tail
                block.clear()  # its text goes; what follows it stays
                block.tail = tail
            outside.append(" ".join(root.itertext()))
    return "\n".join(outside), "\n".join(inside)


def raw_syntax(pdf: str, epub: bytes) -> dict[str, dict[str, int]]:
    """How often each of :data:`RAW_SYNTAX` is left in the text, by output: the ePub's text outside
    code, and the PDF's text less the ePub's code (pdftotext cannot tell code from text)."""
    text, code = epub_texts(epub)
    return {
        "ePub": {syntax: text.count(syntax) for syntax in RAW_SYNTAX},
        "PDF": {syntax: max(0, pdf.count(syntax) - code.count(syntax)) for syntax in RAW_SYNTAX},
    }


def table(rows: list[Row]) -> str:
    header = (
        "document",
        "PDF pages",
        "qpdf",
        "tofu",
        "ePub (EPUBCheck)",
        "raw syntax",
        "time",
        "warnings",
        "remote omitted",
        "site",
    )
    cells = [
        (
            row.name,
            str(row.pages) if row.pages is not None else "-",
            row.qpdf or "-",
            str(row.tofu) if row.tofu is not None else "-",
            row.epubcheck or ("not built" if row.pages is None else "-"),
            str(row.raw) if row.raw is not None else "-",
            f"{row.seconds:.1f} s",
            str(row.warnings),
            str(row.omitted),
            row.site or "-",
        )
        for row in rows
    ]
    widths = [max(len(line[i]) for line in [header, *cells]) for i in range(len(header))]
    lines = [
        "  ".join(text.ljust(width) for text, width in zip(line, widths, strict=True)).rstrip()
        for line in [header, *cells]
    ]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("names", nargs="*", help="document folders to build (default: all)")
    parser.add_argument("--root", type=Path, default=REALWORLD, help=f"the corpus folder (default: {REALWORLD})")
    parser.add_argument("--no-site", action="store_true", help="skip the web edition and its browser checks")
    args = parser.parse_args(argv)
    if not args.root.is_dir():
        print(f"corpus: {args.root} is not present", file=sys.stderr)
        return 1
    rows = run(args.root, args.names, site=not args.no_site)
    print(table(rows))
    failed = [row for row in rows if not row.ok]
    for row in failed:
        print(f"\n{row.name}:", *(f"  {problem}" for problem in row.problems), sep="\n")
    print(f"\n{len(rows) - len(failed)} of {len(rows)} documents built and valid")
    return 1 if failed or not rows else 0


if __name__ == "__main__":
    sys.exit(main())
