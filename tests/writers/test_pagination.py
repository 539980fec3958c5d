"""Print page numbers inside the ePub: a page list and page-break markers that match the PDF."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest
from lxml import etree
from test_epub import NS, Book

from conftest import FIXTURES, MANUSCRIPT, build_bytes, pdf_pages, squash
from epubcheck_helper import epubcheck_many
from report_build import Diagnostics, RenderError, build
from report_build.theme import COMPILED, Theme

pytestmark = pytest.mark.e2e  # every test here lays out a PDF or runs a build in a subprocess


@pytest.fixture(scope="module")
def both(tmp_path_factory):
    pdf, epub = build(MANUSCRIPT, ("pdf", "epub"), write=False, diagnostics=Diagnostics(strict=True, echo=False))
    return pdf.data, Book(epub.data)


def _folio(page_text: str) -> str:
    lines = [line.strip() for line in page_text.splitlines() if line.strip()]
    return lines[-1] if lines else ""


def _text_after(document: etree._Element, ident: str, letters: int = 24) -> str:
    """Letters and digits that follow the marker, skipping note calls (as on the printed page)."""
    marker = document.xpath("//*[@id=$i]", i=ident)[0]
    collected = []
    for node in marker.xpath("following::text()"):
        parent = node.getparent()
        if parent is not None and parent.get("role") == "doc-noteref":
            continue
        if parent is not None and parent.xpath("ancestor-or-self::*[@role='doc-footnote']"):
            break
        collected.append(str(node))
        if len(squash("".join(collected))) >= letters:
            break
    return squash("".join(collected))[:letters]


def test_page_list_matches_the_pdf_pages(both):
    pdf, book = both
    pages = pdf_pages(pdf, layout=True)
    by_folio = {_folio(text): text for text in pages if text.strip()}
    entries = book.nav.xpath("//x:nav[@epub:type='page-list']//x:a", namespaces=NS)
    assert len(entries) >= 25
    checked = 0
    for link in entries:
        label = link.text
        href, ident = link.get("href").split("#")
        assert ident == f"page-{label}"
        document = book.documents[href]
        marker = document.xpath("//*[@id=$i]", i=ident)[0]
        assert marker.get(f"{{{NS['epub']}}}type") == "pagebreak" and marker.get("role") == "doc-pagebreak"
        assert marker.get("aria-label") == label
        snippet = _text_after(document, ident)
        page_text = squash(by_folio[label])
        assert snippet and snippet in page_text[: len(snippet) + 80], (label, snippet, page_text[:120])
        checked += 1
    assert checked == len(entries)


def test_every_numbered_page_with_text_is_listed(both):
    pdf, book = both
    folios = [_folio(text) for text in pdf_pages(pdf, layout=True)[1:] if text.strip()]  # after the cover
    listed = [a.text for a in book.nav.xpath("//x:nav[@epub:type='page-list']//x:a", namespaces=NS)]
    assert listed == folios


def test_accessibility_metadata(both):
    _, book = both
    features = book.meta("//opf:meta[@property='schema:accessibilityFeature']")
    for feature in (
        "structuralNavigation",
        "tableOfContents",
        "alternativeText",
        "printPageNumbers",
        "pageBreakMarkers",
    ):
        assert feature in features
    assert book.meta("//opf:meta[@property='schema:accessMode']") == ["textual", "visual"]
    assert book.meta("//opf:meta[@property='schema:accessibilityHazard']") == ["none"]
    assert book.meta("//opf:meta[@property='schema:accessibilitySummary']")
    assert book.meta("//opf:meta[@property='dcterms:conformsTo']") == ["EPUB Accessibility 1.1 - WCAG 2.2 Level AA"]
    assert book.meta("//dc:source")


def test_roles_and_languages(both):
    _, book = both
    chapter = book.documents["chapter-01.xhtml"]
    assert chapter.get("{http://www.w3.org/XML/1998/namespace}lang") == "en-GB" and chapter.get("lang") == "en-GB"
    assert chapter.xpath("//x:section[@role='doc-chapter']", namespaces=NS)
    assert chapter.xpath("//x:a[@role='doc-noteref']", namespaces=NS)
    assert chapter.xpath("//x:aside[@role='doc-footnote']", namespaces=NS)
    assert book.documents["contents.xhtml"].xpath("//x:nav[@role='doc-toc']", namespaces=NS)


def test_paginated_epub_passes_epubcheck(both):
    _, book = both
    assert epubcheck_many({"paginated": book.data}) == {"paginated": []}


WARM_EPUB = """
import sys
from report_build import Diagnostics, build
manuscript, target, output_dir = sys.argv[1:]
build(manuscript, ("epub",), output=target, output_dir=output_dir, diagnostics=Diagnostics(strict=True))
print(sorted(name for name in sys.modules if name.split(".")[0] == "weasyprint"))
"""


def test_epub_from_cached_page_numbers_is_the_same_and_skips_the_layout(tmp_path):
    """After a PDF build, an ePub on its own takes its page numbers from the cache: the same
    bytes as when the document is laid out again, and WeasyPrint is not even imported."""
    manuscript = FIXTURES / "basic" / "report.md"
    quiet = Diagnostics(strict=True, echo=False)
    build(manuscript, ("pdf",), output_dir=tmp_path / "out", diagnostics=quiet)
    assert list((tmp_path / "out" / ".cache").glob("pages-*.json"))
    warm = subprocess.run(
        [sys.executable, "-c", WARM_EPUB, str(manuscript), str(tmp_path / "warm.epub"), str(tmp_path / "out")],
        capture_output=True,
        text=True,
        check=True,
    )
    assert warm.stdout.strip() == "[]", warm.stdout
    cold = build_bytes(manuscript, "epub")  # no cache: laid out again
    assert (tmp_path / "warm.epub").read_bytes() == cold
    assert Book(cold).nav.xpath("//x:nav[@epub:type='page-list']//x:a", namespaces=NS)


def test_compiled_templates_are_shared_in_memory_and_an_edited_template_is_noticed(tmp_path, monkeypatch):
    """Compiled templates are kept in memory for the process (never in the output folder, where
    they would run as found); a template edited between two builds of one process (as under
    watch) is recompiled."""
    folder = tmp_path / "report"
    shutil.copytree(FIXTURES / "override", folder)
    quiet = Diagnostics(strict=True, echo=False)
    build(folder / "report.md", ("pdf",), output_dir=tmp_path / "out", diagnostics=quiet)
    cached = [p.relative_to(tmp_path / "out") for p in (tmp_path / "out" / ".cache").rglob("*") if p.is_file()]
    assert cached and all(p.suffix == ".json" for p in cached), cached  # the page map, data only
    compiled: list[str] = []
    monkeypatch.setattr(COMPILED, "dump_bytecode", lambda bucket: compiled.append(bucket.key))
    Theme(folder / "layouts").load_all()
    assert len(COMPILED.memory) >= 5 and compiled == []  # a new Theme compiles nothing again
    cover = folder / "layouts" / "cover.html"
    cover.write_text(cover.read_text(encoding="utf-8").replace("OVERRIDDEN", "EDITED"), encoding="utf-8")
    (pdf,) = build(folder / "report.md", ("pdf",), output_dir=tmp_path / "out", diagnostics=quiet)
    first_page = pdf_pages(pdf.data)[0]
    assert "EDITED COVER" in first_page and "OVERRIDDEN" not in first_page
    assert len(set(compiled)) == 1  # only the edited template was compiled again


def test_a_build_that_fails_to_write_leaves_the_cache_alone(tmp_path):
    (tmp_path / "out" / "taken.pdf").mkdir(parents=True)  # a folder where the PDF should go
    with pytest.raises(RenderError, match="is a folder"):
        build(
            FIXTURES / "basic" / "report.md",
            ("pdf",),
            output=tmp_path / "out" / "taken.pdf",
            output_dir=tmp_path / "out",
            diagnostics=Diagnostics(strict=True, echo=False),
        )
    assert not (tmp_path / "out" / ".cache").exists()
