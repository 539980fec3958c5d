"""Cross-references, lists, citations and the brief in real outputs: poppler on the PDF, EPUBCheck on the ePub."""

from __future__ import annotations

import re
import zipfile
from io import BytesIO

import pytest

from conftest import MANUSCRIPT, build_bytes, pdf_pages
from epubcheck_helper import epubcheck_many
from report_build import Diagnostics, build

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def brief_pdf() -> bytes:
    return build_bytes(MANUSCRIPT, profile="brief")


def folio(page: str) -> str | None:
    """The page number printed at the foot of a page (poppler puts it on a line of its own)."""
    lines = [line.strip() for line in page.strip().splitlines() if line.strip()]
    numbers = [line for line in lines if re.fullmatch(r"\d+", line)]
    return numbers[-1] if numbers else None


def test_figure_references_name_the_page_the_figure_is_on(default_pdf):
    pages = pdf_pages(default_pdf)
    text = " ".join(" ".join(pages).split())
    references = set(re.findall(r"(Figure|Table) (\d+) \(p\. (\d+)\)", text))
    assert {kind for kind, _, _ in references} == {"Figure", "Table"} and len(references) >= 4
    for kind, number, page in references:
        holding = [folio(p) for p in pages if re.search(rf"^{kind} {number} (?!\(p\.)\S", p, re.MULTILINE) and folio(p)]
        assert holding, f"{kind} {number} not found"
        assert holding[0] == page, f"{kind} {number} is on page {holding[0]}, the reference says {page}"


def test_lists_of_figures_and_tables_follow_the_contents(default_pdf):
    pages = pdf_pages(default_pdf)
    contents = next(i for i, p in enumerate(pages) if p.lstrip().startswith("Contents"))
    figures = next(i for i, p in enumerate(pages) if "List of figures" in p)
    tables = next(i for i, p in enumerate(pages) if "List of tables" in p)
    assert contents < figures <= tables < next(i for i, p in enumerate(pages) if "This is a sample edition" in p)
    assert "People living in Idlib" in pages[figures]


def test_citations_link_to_the_references_chapter(default_pdf):
    pages = pdf_pages(default_pdf)
    text = " ".join(" ".join(pages).split())
    assert "(Peace Direct and The Syria Campaign, 2020)" in text
    (references,) = [p for p in pages if "References" in p and "Interactive report" in p]
    entry = "Peace Direct and The Syria Campaign (2018) Idlib Lives: The untold story of heroes. Interactive report."
    assert entry in " ".join(references.split())


def test_brief_is_shorter_and_holds_only_its_profile(default_pdf, brief_pdf):
    full, brief = pdf_pages(default_pdf), pdf_pages(brief_pdf)
    assert len(brief) < len(full) / 2
    text = " ".join(" ".join(brief).split())
    for kept in (
        "Executive summary",
        "Key points",
        "Recommendations",
        "This policy brief is the executive summary",
        "Table 1 (p.",
    ):
        assert kept in text, kept
    for left_out in ("Context: Idlib", "Responding to emergencies", "Glossary", "How to read this edition"):
        assert left_out not in text, left_out
    assert "This policy brief is" not in " ".join(" ".join(full).split())


def test_epubs_with_references_and_profiles_pass_epubcheck(brief_pdf):
    books = {
        "full": build_bytes(MANUSCRIPT, "epub"),
        "brief": build_bytes(MANUSCRIPT, "epub", profile="brief"),
    }
    assert epubcheck_many(books) == {"full": [], "brief": []}
    with zipfile.ZipFile(BytesIO(books["full"])) as book:
        chapters = "".join(book.read(n).decode() for n in book.namelist() if "chapter-" in n)
    # In the ePub a reference is a link across files, with no page number.
    assert re.search(
        r'<a class="xref xref-paged" data-page="p\." href="(chapter-\d+\.xhtml)?#fig-people">Figure\u00a01</a>',
        chapters,
    )
    assert re.search(r'<a class="citation" href="chapter-\d+\.xhtml#ref-idlib-lives-update-2020"', chapters)


def test_format_conditions_reach_each_writer(tmp_path):
    manuscript = tmp_path / "report.md"
    manuscript.write_text(
        "---\ntitle: Conditions\n---\n\n# One\n\nFor everyone.\n\n"
        '::: {.content-visible when-format="pdf"}\nOnly in print and PDF downloads.\n:::\n\n'
        '::: {.content-visible unless-format="pdf"}\nOnly on screens that reflow.\n:::\n',
        encoding="utf-8",
    )
    pdf, epub = (
        result.data
        for result in build(manuscript, ("pdf", "epub"), write=False, diagnostics=Diagnostics(strict=True, echo=False))
    )
    text = " ".join(" ".join(pdf_pages(pdf)).split())
    assert "Only in print and PDF downloads." in text and "Only on screens" not in text
    with zipfile.ZipFile(BytesIO(epub)) as book:
        chapters = "".join(book.read(n).decode() for n in book.namelist() if "chapter-" in n)
    assert "Only on screens that reflow." in chapters and "Only in print" not in chapters
    assert epubcheck_many({"conditions": epub}) == {"conditions": []}
