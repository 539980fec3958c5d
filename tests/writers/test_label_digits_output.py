"""The numbers the build writes into the text, in the ePub, on the site and in the PDF, in the
digits the pages are numbered in: a Persian report's captions, cross-references, section and
equation numbers and its notes' numbers read "شکل ۱", "بخش ۱.۱", "(۱)", "۲"; the author's own
numbers stay as written. The model's side is in tests/source/test_label_digits.py."""

from __future__ import annotations

import io
import re
import zipfile

import lxml.etree
import lxml.html
import pytest

from conftest import FIXTURES, pdf_pages
from epubcheck_helper import epubcheck_many
from report_build import Diagnostics, build, load
from report_build.cache import BuildCache
from report_build.checks.glyphs import glyph_coverage
from report_build.writers.epub.writer import write_epub
from report_build.writers.web.site import render_site

DIGITS = FIXTURES / "digits"
XHTML = {"x": "http://www.w3.org/1999/xhtml"}


@pytest.fixture(scope="module")
def persian():
    return load(DIGITS / "fa.md", Diagnostics(echo=False))


@pytest.fixture(scope="module")
def epub(persian) -> dict[str, lxml.etree._Element]:
    diagnostics = Diagnostics(echo=False)
    data = write_epub(persian, diagnostics=diagnostics)
    assert not diagnostics.warnings, diagnostics.warnings
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        return {
            name.rsplit("/", 1)[-1]: lxml.etree.fromstring(book.read(name))
            for name in book.namelist()
            if name.endswith(".xhtml")
        }


def _text(element) -> str:
    return " ".join("".join(element.itertext()).replace("\u00a0", " ").split())


def test_the_epubs_notes_are_numbered_in_persian_digits(epub):
    chapter = epub["chapter-01.xhtml"]
    assert [_text(a) for a in chapter.xpath("//x:a[@role='doc-noteref']", namespaces=XHTML)] == ["۱", "۲"]
    numbers = chapter.xpath("//x:p[@class='footnote-number']/x:a", namespaces=XHTML)
    assert [(_text(a), a.get("href")) for a in numbers] == [("۱", "#fnref-1"), ("۲", "#fnref-2")]


def test_the_epubs_captions_references_and_lists_are_in_persian_digits(epub):
    chapter = epub["chapter-01.xhtml"]
    assert [_text(s) for s in chapter.xpath("//x:span[@class='figure-label']", namespaces=XHTML)] == ["شکل ۱", "شکل ۲"]
    assert "بخش ۱.۱" in [_text(a) for a in chapter.xpath("//x:a[contains(@class, 'xref')]", namespaces=XHTML)]
    lists = epub["contents.xhtml"].xpath(
        "//x:nav[contains(@class, 'lists')]//x:span[@class='toc-number']", namespaces=XHTML
    )
    assert [_text(s) for s in lists] == ["۱", "۲", "۱", "۲"]  # figures, then tables


def test_the_epubs_and_the_sites_lists_count_in_the_languages_digits(persian, monkeypatch):
    """A numbered list of the text counts ۱, ۲, ۳ as the PDF's do (``rb-digits``); a list with a
    ``type`` of its own, or one the layouts draw without numbers (the contents), is left alone;
    an English report's stylesheets are as they were."""
    from report_build.writers.web import fonts

    rule = ":where(ol:not([type])) { list-style-type: persian; }"
    with zipfile.ZipFile(io.BytesIO(write_epub(persian, diagnostics=Diagnostics(echo=False)))) as book:
        sheets = {name: book.read(name).decode() for name in book.namelist() if name.endswith(".css")}
    assert [name for name, css in sheets.items() if rule in css] == ["EPUB/css/epub-rtl.css"]  # the last one
    monkeypatch.setattr(fonts, "_subsets", lambda sources, characters, cache: {s: b"wOF2" for s in sources})
    files = render_site(persian, diagnostics=Diagnostics(echo=False), cache=BuildCache(None))
    assert files["assets/site.css"].decode().rstrip().endswith(rule)
    english = load(FIXTURES / "basic" / "report.md", Diagnostics(echo=False))
    with zipfile.ZipFile(io.BytesIO(write_epub(english, diagnostics=Diagnostics(echo=False)))) as book:
        assert not [name for name in book.namelist() if name.endswith(".css") and b":where(ol" in book.read(name)]
    site = render_site(english, diagnostics=Diagnostics(echo=False), cache=BuildCache(None))
    assert b":where(ol" not in site["assets/site.css"]


def test_the_sites_notes_are_numbered_in_persian_digits(persian, monkeypatch):
    from report_build.writers.web import fonts

    monkeypatch.setattr(fonts, "_subsets", lambda sources, characters, cache: {s: b"wOF2" for s in sources})
    files = render_site(persian, diagnostics=Diagnostics(echo=False), cache=BuildCache(None))
    page = lxml.html.fromstring(files["chapter-01.html"])
    calls = page.xpath("//a[@role='doc-noteref']")
    assert [call.text for call in calls] == ["۱", "۲"]
    assert [call.get("id") for call in calls] == ["fnref-1", "fnref-2"]
    assert [_text(s) for s in page.xpath("//span[@class='sidenote-number']")] == ["۱", "۲"]
    assert [_text(a) for a in page.xpath("//p[@class='footnote-number']/a")] == ["۱", "۲"]
    assert "شکل ۱" in [_text(s) for s in page.xpath("//span[@class='figure-label']")]


@pytest.mark.e2e
def test_persian_and_bengali_epubs_pass_epubcheck():
    books = {
        name: build(DIGITS / f"{name}.md", ("epub",), write=False, diagnostics=Diagnostics(echo=False))[0].data
        for name in ("fa", "bn")
    }
    assert epubcheck_many(books) == {"fa": [], "bn": []}


@pytest.mark.e2e
@pytest.mark.parametrize(
    ("name", "labels", "authors"),
    [
        ("fa", ("شکل ۱", "شکل ۲", "جدول ۱", "جدول ۲", "قضیه ۱", "۱.۱"), {"2024", "1110", "7"}),
        ("bn", ("চিত্র ১", "অংশ ১.১ (পৃ . ১)"), {"2024", "1110"}),
    ],
)
def test_a_pdfs_labels_are_in_the_languages_digits_and_drawn(tmp_path, name, labels, authors):
    """pdftotext's text, its bidi marks left out (it puts a right-to-left line's parentheses
    in odd places, and Bengali clusters apart: the labels checked are those it keeps whole)."""
    (built,) = build(DIGITS / f"{name}.md", ("pdf",), output_dir=tmp_path, diagnostics=Diagnostics(echo=False), jobs=1)
    pages = [page for page in pdf_pages(built.data) if "urn:uuid:" not in page]  # the colophon's identifier
    text = " ".join(re.sub("[\u202a-\u202e]", "", " ".join(pages)).split())
    for label in labels:
        assert label in text, label
    # the only Latin digits are the author's: a year, a table's cell and an equation's \tag
    assert set(re.findall("[0-9]+", text)) == authors
    assert not glyph_coverage(built.data).missing
