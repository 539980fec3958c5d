"""Probe for parallel layout: chapter groups laid out and written by WeasyPrint in worker
processes, the group PDFs joined with pikepdf, the result compared with the sequential build
page by page (pdftotext) and in its outline, named destinations, links, structure tree and
PDF/UA marker. It measures what the approach would gain; it is not part of report-build's build
(docs/performance.md, "Parallel layout", says why and what is missing).

    .venv/bin/python bench/parallel_probe.py manuscript/report.md --groups 2 --runs 3

What each group is handed, taken from the sequential layout (standing in for the page map of an
earlier build): its first page number, its first footnote number, the report title for the
running heads (set on the title page, which only the first group has), the page number of
every table-of-contents target (for the first group, which holds the contents page), the
anchors that other groups hold, and whether a blank page must precede it (chapters open on
right-hand pages). Figure and table numbers are in the HTML already (the parser numbers them).
Only the PDF/UA (screen) edition is written.
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


def lay_out(
    job: tuple[str, str, list[str], str, str, tuple[str, ...]],
) -> tuple[bytes, int, dict[str, int], float, float, float]:
    """Lay out and write one HTML document, as the PDF writer does (bare WeasyPrint calls).
    Returns the PDF, its page count, the 0-based page of every element id, the seconds taken
    by layout and by writing, and the CPU seconds of both (which load from elsewhere on the
    machine changes much less than wall time).

    ``elsewhere`` names anchors that other groups hold: WeasyPrint drops a link to an anchor it
    cannot find, so each is declared on the first page (a placeholder destination, which the
    join replaces with the other group's)."""
    html, page, sheets, base, extra, elsewhere = job
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    from report_build.writers.pdf import fixes  # noqa: F401 (the same layout correction)

    started, cpu = time.perf_counter(), time.process_time()
    fonts = FontConfiguration()
    css = [CSS(string=page, font_config=fonts)] + [CSS(filename=name, font_config=fonts) for name in sheets]
    if extra:
        css.append(CSS(string=extra, font_config=fonts))
    document = HTML(string=html, base_url=base).render(stylesheets=css, font_config=fonts, pdf_tags=True)
    for name in elsewhere:
        document.pages[0].anchors.setdefault(name, (0, 0, 0, 0))
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
    """One PDF from the groups' PDFs, in order: the first group's catalog (XMP, output intent,
    viewer preferences) with the later groups' pages, a blank page wherever a group would open on
    a left page, and their outlines, named destinations and structure trees joined to the first's
    (the structure tree's parent-tree keys renumbered after the first group's)."""
    joined = pikepdf.Pdf.open(io.BytesIO(parts[0]))
    root = joined.Root
    top = root.StructTreeRoot.K[0]  # the /Document element
    nums = root.StructTreeRoot.ParentTree.Nums
    next_key = max(int(nums[index]) for index in range(0, len(nums), 2)) + 1
    dests = pikepdf.NameTree(root.Names.Dests)
    outlines = root.Outlines
    for data in parts[1:]:
        if len(joined.pages) % 2 == 1:
            last = joined.pages[-1]
            joined.add_blank_page(page_size=(float(last.MediaBox[2]), float(last.MediaBox[3])))
        other = pikepdf.Pdf.open(io.BytesIO(data))
        start, offset = len(joined.pages), next_key
        joined.pages.extend(other.pages)
        for page in joined.pages[start:]:
            if "/StructParents" in page.obj:
                page.obj.StructParents = int(page.obj.StructParents) + offset
            for annotation in page.obj.get("/Annots", []):
                if "/StructParent" in annotation:
                    annotation.StructParent = int(annotation.StructParent) + offset
        # Copied after the pages, so that their page references point to the copies.
        tree = joined.copy_foreign(other.make_indirect(other.Root.StructTreeRoot))
        for child in tree.K[0].K:
            if isinstance(child, pikepdf.Dictionary):
                child.P = top
            top.K.append(child)
        theirs = tree.ParentTree.Nums
        for index in range(0, len(theirs), 2):
            nums.append(int(theirs[index]) + offset)
            nums.append(theirs[index + 1])
            next_key = max(next_key, int(theirs[index]) + offset + 1)
        for name, dest in pikepdf.NameTree(joined.copy_foreign(other.make_indirect(other.Root.Names.Dests))).items():
            dests[name] = dest  # replaces the placeholder of a group that links here
        _append_outline(outlines, joined.copy_foreign(other.make_indirect(other.Root.Outlines)))
    root.StructTreeRoot.ParentTreeNextKey = next_key
    out = io.BytesIO()
    joined.save(out, deterministic_id=True, object_stream_mode=pikepdf.ObjectStreamMode.generate)
    return out.getvalue()


def _append_outline(outlines: Any, theirs: Any) -> None:
    if "/First" not in theirs:
        return
    item = theirs.First
    while True:
        item.Parent = outlines
        if "/Next" not in item:
            break
        item = item.Next
    if "/Last" in outlines:
        outlines.Last.Next = theirs.First
        theirs.First.Prev = outlines.Last
    else:
        outlines.First = theirs.First
    outlines.Last = theirs.Last
    outlines.Count = int(outlines.get("/Count", 0)) + int(theirs.get("/Count", 0))


def page_texts(data: bytes) -> list[str]:
    result = subprocess.run(["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True)
    return result.stdout.decode("utf-8").split("\f")


def structure(data: bytes) -> dict[str, list[Any]]:
    """What must match between the sequential and the joined PDF besides the text: the outline
    (titles and target pages), named destinations (and their pages), internal links (page and
    name), the structure tree (element types in document order), the PDF/UA and PDF/X markers."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        number = {page.objgen: index for index, page in enumerate(pdf.pages)}

        def target(dest: Any) -> int | None:
            return number.get(dest[0].objgen) if isinstance(dest, pikepdf.Array) and len(dest) else None

        with pdf.open_outline() as outline:
            bookmarks = [(item.title, target(item.destination)) for item in _walk(outline.root)]
        names = pdf.Root.get("/Names")
        dests = pikepdf.NameTree(names.Dests) if names is not None and "/Dests" in names else {}
        xmp = pdf.open_metadata()
        return {
            "pages": [len(pdf.pages)],
            "bookmarks (title, page)": bookmarks,
            "named destinations (name, page)": sorted((name, target(dest)) for name, dest in dests.items()),
            "internal links (page, name)": [
                (index, str(annotation.Dest))
                for index, page in enumerate(pdf.pages)
                for annotation in page.get("/Annots", [])
                if "/Dest" in annotation
            ],
            "structure elements (PDF/UA tags)": list(_elements(pdf.Root.get("/StructTreeRoot", {}).get("/K"))),
            "PDF/UA and PDF/X markers": [
                xmp.get("pdfuaid:part"),
                xmp.get("pdfxid:GTS_PDFXVersion"),
                [tuple(page.obj.get("/TrimBox", ())) for page in pdf.pages][:1],
            ],
        }


def _walk(items: Any) -> Any:
    for item in items:
        yield item
        yield from _walk(item.children)


def _elements(node: Any) -> Any:
    """The types of the structure elements under a structure tree node, in document order."""
    if isinstance(node, pikepdf.Array):
        for child in node:
            yield from _elements(child)
    elif isinstance(node, pikepdf.Dictionary) and "/S" in node:
        yield str(node.S)
        yield from _elements(node.get("/K"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("manuscript", type=Path)
    parser.add_argument("--groups", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--keep", type=Path, help="write sequential.pdf and joined.pdf into this folder")
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
        reference, pages, id_pages, *_, cpu = lay_out((html, page, sheets, base, "", ()))
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
            part = group_html(root, first, last)
            held = set(lxml.html.document_fromstring(part).xpath("//@id"))
            links = {a[1:] for a in lxml.html.document_fromstring(part).xpath("//a/@href") if a.startswith("#")}
            jobs.append((part, page, sheets, base, extra, tuple(sorted(links - held))))
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

    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
        (args.keep / "sequential.pdf").write_bytes(reference)
        (args.keep / "joined.pdf").write_bytes(joined)
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
    print(f"pages: {pages} sequential, {structure(joined)['pages'][0]} joined; text differs on: {differing or 'none'}")
    print(f"file size: sequential {len(reference)} bytes, joined {len(joined)} bytes")
    theirs = structure(joined)
    for label, ours in structure(reference).items():
        verdict = "same" if ours == theirs[label] else f"DIFFER ({len(ours)} vs {len(theirs[label])})"
        print(f"  {label}: {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
