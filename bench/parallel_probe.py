"""Probe for parallel layout: chapter groups laid out and written by WeasyPrint in worker
processes, the group PDFs joined with pikepdf, the result compared page by page with the
sequential build. It measures what the approach would gain and shows what it still lacks; it is
not part of report-build's build.

    .venv/bin/python bench/parallel_probe.py manuscript/report.md --groups 2 --runs 3

What each group is handed, taken from the sequential layout (standing in for the page map of an
earlier build): its first page number, its first footnote number, the report title for the
running heads (set on the title page, which only the first group has), the page number of
every table-of-contents target (for the first group, which holds the contents page) and
whether a blank page must precede it (chapters open on right-hand pages). Figure and table
numbers are in the HTML already (the parser numbers them).

The joined PDF keeps the pages only: pikepdf's page copy does not join the groups' outlines,
named destinations, structure trees (PDF/UA), XMP or output intents, and each group embeds its
own font subsets. The probe prints what is missing next to the timings.
"""

from __future__ import annotations

import argparse
import copy
import io
import json
import multiprocessing
import os
import statistics
import subprocess
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import lxml.html
import pikepdf

from report_build.build import load
from report_build.errors import Diagnostics
from report_build.theme import Theme
from report_build.writers.pdf.geometry import page_css
from report_build.writers.pdf.markup import render_html, stylesheet_names

CHAPTERS = '//div[@class="mainmatter"]/section'


def lay_out(job: tuple[str, str, list[str], str, str]) -> tuple[bytes, int, dict[str, int], float, float, float]:
    """Lay out and write one HTML document, as the PDF writer does (bare WeasyPrint calls).
    Returns the PDF, its page count, the 0-based page of every element id, the seconds taken
    by layout and by writing, and the CPU seconds of both (which load from elsewhere on the
    machine changes much less than wall time)."""
    html, page, sheets, base, extra = job
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    from report_build.writers.pdf import fixes  # noqa: F401 (the same layout correction)

    started, cpu = time.perf_counter(), time.process_time()
    fonts = FontConfiguration()
    css = [CSS(string=page, font_config=fonts)] + [CSS(filename=name, font_config=fonts) for name in sheets]
    if extra:
        css.append(CSS(string=extra, font_config=fonts))
    document = HTML(string=html, base_url=base).render(stylesheets=css, font_config=fonts, pdf_tags=True)
    laid_out = time.perf_counter()
    data = document.write_pdf(pdf_variant="pdf/ua-1", pdf_tags=True, custom_metadata=False)
    ids = _id_pages(document)
    cpu = time.process_time() - cpu
    return data, len(document.pages), ids, laid_out - started, time.perf_counter() - laid_out, cpu


def _id_pages(document: Any) -> dict[str, int]:
    found: dict[str, int] = {}

    def walk(box: Any, number: int) -> None:
        element = getattr(box, "element", None)
        if element is not None and element.get("id") and element.get("id") not in found:
            found[element.get("id")] = number
        for child in getattr(box, "children", ()):
            walk(child, number)

    for number, page in enumerate(document.pages):
        walk(page._page_box, number)
    return found


def opening_id(chapter: Any) -> str:
    """The id of a chapter's first element that has one (its heading)."""
    return chapter.get("id") or chapter.xpath(".//*[@id]")[0].get("id")


def group_html(root: Any, first: int, last: int) -> str:
    """The document with only chapters ``first`` to ``last - 1``; the cover and front matter
    stay with the first group, the back matter with the last."""
    tree = copy.deepcopy(root)
    chapters = tree.xpath(CHAPTERS)
    for index, chapter in enumerate(chapters):
        if not first <= index < last:
            chapter.getparent().remove(chapter)
    dropped = []
    if first > 0:
        dropped += tree.xpath('//section[@class="cover"] | //div[@class="frontmatter"]')
    if last < len(chapters):
        dropped += tree.xpath('//div[@class="backmatter"]')
    for element in dropped:
        element.getparent().remove(element)
    return lxml.html.tostring(tree, encoding="unicode", doctype="<!DOCTYPE html>")


def group_css(first_chapter: int, folio: int, notes_before: int, title: str, toc: dict[str, int]) -> str:
    """What a group needs from the groups before it, as a stylesheet laid over the theme's."""
    rules = [
        f".toc a[href={json.dumps('#' + ident)}]::after {{ content: leader('. ') '{page}'; }}"
        for ident, page in toc.items()
    ]
    if first_chapter > 0:
        rules += [
            ".mainmatter > .chapter:first-child { page: chapter; }",  # not the report's first opening
            f"html {{ counter-reset: footnote {notes_before}; string-set: report-title {json.dumps(title)}; }}",
            f"@page :first {{ counter-reset: page {folio}; }}",
        ]
    return "\n".join(rules)


def join(parts: list[bytes]) -> bytes:
    """The groups' pages in order, with a blank page wherever a group would open on a left page."""
    joined = pikepdf.Pdf.open(io.BytesIO(parts[0]))
    for data in parts[1:]:
        if len(joined.pages) % 2 == 1:
            last = joined.pages[-1]
            joined.add_blank_page(page_size=(float(last.MediaBox[2]), float(last.MediaBox[3])))
        joined.pages.extend(pikepdf.Pdf.open(io.BytesIO(data)).pages)
    out = io.BytesIO()
    joined.save(out)
    return out.getvalue()


def page_texts(data: bytes) -> list[str]:
    result = subprocess.run(["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True)
    return result.stdout.decode("utf-8").split("\f")


def structure(data: bytes) -> dict[str, int]:
    with pikepdf.open(io.BytesIO(data)) as pdf:
        with pdf.open_outline() as outline:
            bookmarks = len(outline.root)
        names = pdf.Root.get("/Names")
        dests = names.get("/Dests") if names is not None else None
        tree = pdf.Root.get("/StructTreeRoot")
        return {
            "pages": len(pdf.pages),
            "top-level bookmarks": bookmarks,
            "named destinations": len(pikepdf.NameTree(dests).keys()) if dests is not None else 0,
            "structure elements (PDF/UA tags)": _elements(tree.get("/K")) if tree is not None else 0,
            "link annotations": sum(1 for page in pdf.pages for a in page.get("/Annots", []) if a.Subtype == "/Link"),
        }


def _elements(node: Any) -> int:
    """Structure elements (dictionaries with a type /S) under a structure tree node."""
    if isinstance(node, pikepdf.Array):
        return sum(_elements(child) for child in node)
    if isinstance(node, pikepdf.Dictionary) and "/S" in node:
        return 1 + _elements(node.get("/K"))
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("manuscript", type=Path)
    parser.add_argument("--groups", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--runs", type=int, default=1)
    args = parser.parse_args()

    document = load(args.manuscript, Diagnostics(echo=False), Path("/nonexistent"))
    theme = Theme(document.metadata.layouts, document.metadata.language)
    html, page = render_html(document, theme), page_css(document, theme)
    sheets = [str(theme.find(name)) for name in stylesheet_names(document) if theme.find(name) is not None]
    base = document.root.as_uri() + "/"
    root = lxml.html.document_fromstring(html)
    chapters = root.xpath(CHAPTERS)
    notes = [len(chapter.xpath('.//*[@class="footnote"]')) for chapter in chapters]
    toc_targets = [a.get("href")[1:] for a in root.xpath('//*[contains(@class, "toc")]//a[starts-with(@href, "#")]')]

    context = multiprocessing.get_context("fork")
    sequential, parallel, cpu_one, cpu_many = [], [], [], []
    for _run in range(args.runs):
        load_average = os.getloadavg()[0]
        started = time.perf_counter()
        reference, pages, id_pages, *_, cpu = lay_out((html, page, sheets, base, ""))
        sequential.append(time.perf_counter() - started)
        cpu_one.append(cpu)

        first_main = id_pages[opening_id(chapters[0])]
        folios = {ident: number - first_main + 1 for ident, number in id_pages.items() if number >= first_main}
        toc = {ident: folios[ident] for ident in toc_targets if ident in folios}
        bounds = [round(index * len(chapters) / args.groups) for index in range(args.groups + 1)]
        jobs = []
        for group in range(args.groups):
            first, last = bounds[group], bounds[group + 1]
            folio = folios[opening_id(chapters[first])]
            extra = group_css(first, folio, sum(notes[:first]), document.metadata.title, toc if group == 0 else {})
            jobs.append((group_html(root, first, last), page, sheets, base, extra))
        started = time.perf_counter()
        with ProcessPoolExecutor(args.groups, mp_context=context) as pool:
            results = list(pool.map(lay_out, jobs))
        laid = time.perf_counter()
        joined_at, joined_cpu = time.perf_counter(), time.process_time()
        joined = join([result[0] for result in results])
        parallel.append(time.perf_counter() - started)
        # On an otherwise idle machine: the slowest group, then the join.
        cpu_many.append(max(result[5] for result in results) + time.process_time() - joined_cpu)
        print(
            f"run {_run + 1} (1-min load {load_average:.1f}): sequential {sequential[-1]:.2f} s; "
            f"{args.groups} groups {parallel[-1]:.2f} s (workers {laid - started:.2f} s: "
            + ", ".join(f"{r[1]} pp layout {r[3]:.2f} s write {r[4]:.2f} s" for r in results)
            + f"; join {time.perf_counter() - joined_at:.2f} s); CPU s: sequential {cpu_one[-1]:.2f}, "
            + f"groups {', '.join(f'{r[5]:.2f}' for r in results)}"
        )

    reference_texts, joined_texts = page_texts(reference), page_texts(joined)
    differing = [
        number + 1
        for number in range(max(len(reference_texts), len(joined_texts)))
        if reference_texts[number : number + 1] != joined_texts[number : number + 1]
    ]
    one, many = statistics.median(sequential), statistics.median(parallel)
    print(f"median wall: sequential {one:.2f} s, parallel {many:.2f} s ({many / one:.2f}x)")
    one, many = statistics.median(cpu_one), statistics.median(cpu_many)
    print(f"median CPU: sequential {one:.2f} s, slowest group + join {many:.2f} s ({many / one:.2f}x)")
    print(f"pages: {pages} sequential, {structure(joined)['pages']} joined; text differs on: {differing or 'none'}")
    print(f"file size: sequential {len(reference)} bytes, joined {len(joined)} bytes")
    for label, (ours, theirs) in {
        key: (value, structure(joined)[key]) for key, value in structure(reference).items()
    }.items():
        print(f"  {label}: sequential {ours}, joined {theirs}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
