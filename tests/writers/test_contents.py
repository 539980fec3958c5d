"""Every contents a reader navigates by agrees: the PDF's contents page and outline, the ePub's
nav document, NCX and contents page, the site's navigation, the Word edition's contents.

A heading marked ``{.unlisted}`` (pandoc, Quarto) is in none of them, and stays in the text."""

from __future__ import annotations

import io
import re
import zipfile

import docx
import lxml.html
import pytest
from lxml import etree

from conftest import build_bytes, pdf_pages
from epubcheck_helper import epubcheck_many
from report_build import Diagnostics
from report_build.checks.gate import pdf_outline
from report_build.checks.validators import pdf_structure
from report_build.navigation import contents_page, navigation, unlisted_ids
from report_build.source.parse import read
from report_build.writers.docx.writer import write_docx
from report_build.writers.epub.content import pages as epub_pages
from report_build.writers.epub.writer import write_epub
from report_build.writers.pdf.markup import render_html
from report_build.writers.web import fonts
from report_build.writers.web.site import render_site

MANUSCRIPT = """---
title: Listed and unlisted
date: 2024-05-01
---

# First chapter

Opening text.

## Shown section

Text.

## Hidden section {.unlisted}

Hidden text, linked from [the last chapter](#last-chapter).

### Under the hidden section

More.

# Appendix {.unnumbered .unlisted}

Appendix text, see [the hidden section](#hidden-section).

## Section of the appendix

Text.

# Last chapter

Closing text.
"""

LISTED = ["First chapter", "Shown section", "Last chapter"]
UNLISTED = ["Hidden section", "Appendix", "Section of the appendix"]


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    folder = tmp_path_factory.mktemp("unlisted")
    manuscript = folder / "report.md"
    manuscript.write_text(MANUSCRIPT, encoding="utf-8")
    return manuscript


@pytest.fixture(scope="module")
def read_report(report):
    strict = Diagnostics(strict=True, echo=False)
    document, theme = read(report, strict)
    strict.refuse()
    return document, theme


def words(element) -> str:
    return " ".join("".join(element.itertext()).split())


def test_unlisted_headings_are_marked_in_the_model_and_kept_in_the_text(read_report):
    doc, _theme = read_report
    first, appendix, last = doc.chapters
    assert [(s.text, s.listed) for s in first.sections] == [("Shown section", True), ("Hidden section", False)]
    assert (first.listed, appendix.listed, last.listed) == (True, False, True)
    assert [(s.text, s.listed) for s in appendix.sections] == [("Section of the appendix", True)]
    assert 'id="hidden-section"' in first.body and "Hidden text" in first.body
    assert 'id="appendix"' in appendix.body
    assert (first.number, appendix.number, last.number) == (1, None, 2)
    assert unlisted_ids(doc) == {"hidden-section", "appendix", "section-of-the-appendix"}


def test_navigation_leaves_out_unlisted_headings_and_an_unlisted_chapters_sections(read_report):
    doc, theme = read_report
    contents = navigation(doc, theme.strings).contents
    assert [(e.label, [c.label for c in e.children]) for e in contents] == [
        ("First chapter", ["Shown section"]),
        ("Last chapter", []),
    ]


def test_a_report_whose_every_heading_is_unlisted_lists_the_report_itself(tmp_path):
    manuscript = tmp_path / "report.md"
    manuscript.write_text("---\ntitle: Quiet\n---\n\n# Only {.unlisted}\n\nText.\n", encoding="utf-8")
    doc, theme = read(manuscript, Diagnostics(echo=False))
    [entry] = navigation(doc, theme.strings).contents
    assert (entry.label, entry.page, entry.to_page) == ("Quiet", "chapter-01", True)


QUIET = "---\ntitle: Quiet\n---\n\n# Foreword {.unlisted}\n\nText.\n\n# Annex {.unlisted}\n\nMore.\n"


def test_a_report_with_nothing_to_list_has_no_contents_page(tmp_path):
    """No empty "Contents" page in the PDF or the ePub, no contents landmark; a list of figures
    the front matter asks for is still a page of its own."""
    manuscript = tmp_path / "report.md"
    manuscript.write_text(QUIET, encoding="utf-8")
    doc, theme = read(manuscript, Diagnostics(echo=False))
    assert not contents_page(doc)
    assert not lxml.html.fromstring(render_html(doc, theme)).xpath("//nav[@id='contents']")
    assert "contents" not in [page.ident for page in epub_pages(doc)]
    assert [mark.kind for mark in navigation(doc, theme.strings).landmarks] == ["cover", "bodymatter"]
    figure = '\n\n![Wells](w.svg "Wells by district")\n'
    (tmp_path / "w.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>', "utf-8")
    manuscript.write_text(QUIET.replace("title: Quiet", "title: Quiet\nlist_of_figures: true") + figure, "utf-8")
    doc, theme = read(manuscript, Diagnostics(echo=False))
    assert contents_page(doc) and "contents" in [page.ident for page in epub_pages(doc)]
    root = lxml.html.fromstring(render_html(doc, theme))
    assert not root.xpath("//nav[@id='contents']") and root.xpath("//nav[@id='list-of-figures']")


@pytest.mark.e2e
def test_a_report_with_nothing_to_list_builds_a_valid_epub_and_a_pdf_without_a_contents_page(tmp_path):
    manuscript = tmp_path / "report.md"
    manuscript.write_text(QUIET, encoding="utf-8")
    epub = build_bytes(manuscript, "epub")
    assert epubcheck_many({"quiet": epub}) == {"quiet": []}
    book = zipfile.ZipFile(io.BytesIO(epub))
    assert "EPUB/contents.xhtml" not in book.namelist()
    pages = pdf_pages(build_bytes(manuscript))
    assert not [page for page in pages if "Contents" in page]
    assert [page for page in pages if "Foreword" in page] and [page for page in pages if "Annex" in page]


def test_the_pdf_contents_page_lists_what_the_navigation_lists(read_report):
    doc, theme = read_report
    root = lxml.html.fromstring(render_html(doc, theme))
    listed = [words(a) for a in root.xpath("//nav[@id='contents']//a")]
    assert [re.sub(r"^\d+", "", label) for label in listed] == LISTED
    assert root.xpath("//section[contains(@class, 'chapter-unlisted')]/h1/@id") == ["appendix"]
    assert root.xpath("//h2[@class='unlisted']/@id") == ["hidden-section"]


def test_the_epub_nav_ncx_and_contents_page_leave_unlisted_headings_out(read_report):
    doc, _theme = read_report
    book = zipfile.ZipFile(io.BytesIO(write_epub(doc, diagnostics=Diagnostics(strict=True, echo=False))))
    nav = etree.fromstring(book.read("EPUB/nav.xhtml"))
    ns = {"x": "http://www.w3.org/1999/xhtml", "ncx": "http://www.daisy.org/z3986/2005/ncx/"}
    assert [words(a) for a in nav.xpath("//x:nav[@id='toc']//x:a", namespaces=ns)] == LISTED
    ncx = etree.fromstring(book.read("EPUB/toc.ncx"))
    assert [words(t) for t in ncx.xpath("//ncx:navLabel/ncx:text", namespaces=ns)] == LISTED
    page = etree.fromstring(book.read("EPUB/contents.xhtml"))
    listed = [words(a) for a in page.xpath("//x:nav[@id='contents']//x:a", namespaces=ns)]
    assert [re.sub(r"^\d+", "", label) for label in listed] == LISTED
    chapter = etree.fromstring(book.read("EPUB/chapter-01.xhtml"))
    assert chapter.xpath("//x:h2[@id='hidden-section']", namespaces=ns)  # still in the text


def test_the_sites_navigation_and_contents_leave_unlisted_headings_out(read_report, monkeypatch):
    """The side navigation of every page, and the landing page's contents; the unlisted chapter
    is still a page, which "next" leads to in reading order."""
    doc, _theme = read_report
    monkeypatch.setattr(fonts, "_subsets", lambda sources, characters, cache: dict.fromkeys(sources, b"wOF2"))
    files = render_site(doc, diagnostics=Diagnostics(echo=False))
    for name in ("chapter-01.html", "chapter-02.html", "chapter-03.html"):
        root = lxml.html.fromstring(files[name])
        shown = [re.sub(r"^\d+ ", "", words(a)) for a in root.xpath("//nav[@id='site-contents']//a")]
        assert shown[0] == "Contents" and not set(shown) & set(UNLISTED), (name, shown)
    chapter = lxml.html.fromstring(files["chapter-01.html"])
    assert [re.sub(r"^\d+ ", "", words(a)) for a in chapter.xpath("//nav[@id='site-contents']//a")] == [
        "Contents",
        *LISTED,
    ]
    assert chapter.xpath("//h2[@id='hidden-section']")
    landing = lxml.html.fromstring(files["index.html"])
    listed = [re.sub(r"^\d+", "", words(a)) for a in landing.xpath("//nav[@id='contents']//a")]
    assert listed == LISTED


def test_the_word_editions_contents_leave_unlisted_headings_out(read_report):
    doc, theme = read_report
    word = docx.Document(io.BytesIO(write_docx(doc, theme)))
    entries = [p.text for p in word.paragraphs if p.style.name.startswith("toc ")]
    assert entries == LISTED
    headings = [p.text for p in word.paragraphs if p.style.name.startswith("Heading")]
    assert "Hidden section" in headings and "Appendix" in headings


def test_the_check_expects_no_bookmark_for_an_unlisted_chapter(read_report):
    doc, theme = read_report
    assert pdf_outline(doc, theme) == ["First chapter", "Last chapter"]


@pytest.mark.e2e
def test_the_pdf_outline_leaves_unlisted_headings_out(report, read_report):
    import pikepdf

    doc, theme = read_report
    data = build_bytes(report)
    meta = doc.metadata
    faults = pdf_structure(
        data, edition="screen", title=meta.title, language=meta.language, outline=pdf_outline(doc, theme)
    )
    assert not faults, faults  # what `report-build check` finds
    with pikepdf.open(io.BytesIO(data)) as pdf, pdf.open_outline() as outline:
        found = []

        def walk(items, depth):
            for item in items:
                found.append((depth, item.title))
                walk(item.children, depth + 1)

        walk(outline.root, 1)
    assert found == [(1, "First chapter"), (2, "Shown section"), (1, "Last chapter")]
