"""Documents from tools a communications team receives them from, built end to end: a Word
document exported by pandoc, an Obsidian note, a GitBook page, a VuePress page and a HackMD note
(the golden samples of this folder). Each builds as a draft into a PDF, an ePub EPUBCheck accepts
and a site, and none of its tool's syntax reaches a reader of any of them."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import lxml.html
import pytest

from conftest import pdf_pages
from report_build import Diagnostics, build

HERE = Path(__file__).resolve().parent
SAMPLES = ["pandoc/word-export.md", "obsidian/notes.md", "gitbook/space.md", "vuepress/guide.md", "hackmd/meeting.md"]
RAW = re.compile(
    r"\[\[|\]\]|%%|\{%|%\}|\{\{|\]\{[.#]|\{width=|\+---|:::|<<<|\[name=|\[toc\]|<Badge|\^pump-part|\+\+inserted"
)
"""What any of these tools' syntax leaves when it is not read: links and embeds, comments, tags,
spans and attributes, grid borders, containers, imports, signatures, components."""
XHTML = "{http://www.w3.org/1999/xhtml}"
AS_WRITTEN = {
    "obsidian/notes.md": ("for %%i in (*) do echo %%i", "An opening %% that", "%% a comment that is never closed"),
    "vuepress/guide.md": ("{{ this is not a variable }}",),
}
"""Text the samples show as written on purpose: a batch loop, comments never closed, ``::: v-pre``."""


def _without_code(root) -> str:
    """The text of a page outside its code (code shows syntax as written, on purpose)."""
    for block in list(root.iter(f"{XHTML}pre", f"{XHTML}code", "pre", "code")):
        tail = block.tail
        block.clear()
        block.tail = tail
    return " ".join(root.itertext())


@pytest.mark.e2e
def test_each_tools_document_builds_and_shows_none_of_its_syntax(tmp_path):
    from epubcheck_helper import epubcheck_many

    books, texts = {}, {}
    for sample in SAMPLES:
        out = tmp_path / sample.split("/")[0]
        diagnostics = Diagnostics(echo=False)
        built = build(HERE / sample, ("pdf", "epub", "web"), output_dir=out, diagnostics=diagnostics)
        by_format = {Path(str(b.path)).suffix or "web": b for b in built}
        books[sample] = by_format[".epub"].data
        code = []
        with zipfile.ZipFile(by_format[".epub"].path) as book:
            pages = [lxml.etree.fromstring(book.read(n)) for n in book.namelist() if n.endswith(".xhtml")]
        for page in pages:
            code += ["".join(c.itertext()) for c in page.iter(f"{XHTML}pre", f"{XHTML}code")]
        epub_text = " ".join(_without_code(page) for page in pages)
        site = " ".join(
            _without_code(lxml.html.fromstring(page.read_bytes()))
            for page in sorted((out / "web").glob("*.html"))
            if page.name not in ("search.html",)
        )
        # pdftotext cannot tell code from text, and breaks a code span over lines: the text without
        # its spaces, less the code's own syntax and what is shown as written
        pdf_text = "".join("".join(pdf_pages(by_format[".pdf"].data)).split())
        for shown in [*AS_WRITTEN.get(sample, ()), *code]:
            pdf_text = pdf_text.replace("".join(shown.split()), "", 1)
        for shown in AS_WRITTEN.get(sample, ()):
            epub_text, site = (" ".join(text.split()).replace(shown, "") for text in (epub_text, site))
        texts[sample] = {
            where: sorted(set(RAW.findall(text)))
            for where, text in (("PDF", pdf_text), ("ePub", epub_text), ("site", site))
        }
    assert texts == {sample: {"PDF": [], "ePub": [], "site": []} for sample in SAMPLES}
    assert epubcheck_many(books) == {sample: [] for sample in SAMPLES}
