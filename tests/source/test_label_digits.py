"""The numbers the build writes into the text (captions, cross-references, section, equation and
theorem numbers, note calls) are in the digits the pages are numbered in (numerals.py): Persian
۱۲۳ in a Persian report, Bengali ১২৩ in a Bengali one; Latin where the language's digits are,
or where the front matter keeps them. The author's own numbers stay as written, and ids, links
and data attributes keep Latin digits."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import lxml.html
import pytest

from conftest import FIXTURES
from report_build import Diagnostics, load

DIGITS = FIXTURES / "digits"
LATIN = re.compile("[0-9]")
LABELS = (
    "//*[@class='figure-label' or @class='table-label' or @class='statement-number' or @class='equation-number']"
    " | //a[contains(@class, 'xref') or @class='noteref']"
)


def _read(manuscript: Path) -> lxml.html.HtmlElement:
    diagnostics = Diagnostics(echo=False)
    document = load(manuscript, diagnostics)
    assert not diagnostics.warnings, diagnostics.warnings
    html = "".join(chapter.body for chapter in document.chapters)
    return lxml.html.fragment_fromstring(html, create_parent="div")


def _texts(root: lxml.html.HtmlElement, xpath: str) -> list[str]:
    return [" ".join(element.text_content().replace("\u00a0", " ").split()) for element in root.xpath(xpath)]


def _with_front(tmp_path: Path, name: str, front: str) -> Path:
    """A fixture manuscript with ``front`` added to its front matter, beside its image."""
    shutil.copy(DIGITS / "figure.svg", tmp_path / "figure.svg")
    text = (DIGITS / name).read_text(encoding="utf-8").replace("\n---\n", f"\n{front}---\n", 1)
    manuscript = tmp_path / name
    manuscript.write_text(text, encoding="utf-8")
    return manuscript


def _in_language(tmp_path: Path, language: str) -> Path:
    """The Persian fixture's manuscript in the front matter's ``language``."""
    manuscript = _with_front(tmp_path, "fa.md", "")
    text = manuscript.read_text(encoding="utf-8").replace("language: fa", f"language: {language}")
    manuscript.write_text(text, encoding="utf-8")
    return manuscript


@pytest.fixture(scope="module")
def persian() -> lxml.html.HtmlElement:
    return _read(DIGITS / "fa.md")


def test_captions_are_numbered_in_persian_digits(persian):
    assert _texts(persian, "//*[@class='figure-label']") == ["شکل ۱", "شکل ۲"]
    assert _texts(persian, "//*[@class='table-label']") == ["جدول ۱", "جدول ۲"]


def test_equations_and_statements_are_numbered_in_persian_digits(persian):
    assert _texts(persian, "//*[@class='equation-number']") == ["(۱)", "(7)"]  # \tag{7}: the author's
    assert _texts(persian, "//*[@class='statement-number']") == ["۱"]


def test_cross_references_write_their_numbers_in_persian_digits(persian):
    assert _texts(persian, "//a[contains(@class, 'xref')]") == [
        "شکل ۱",
        "جدول ۱",
        "بخش ۱.۱",  # a section's number, its chapter's first
        "فصل ۲",
        "معادله ۱",
        "قضیه ۱",
        "۱",  # [-@fig-map]: the number alone
        "بخش ۱.۱",
        "معادله 7",  # the number the author gave it with \tag
    ]


def test_note_calls_are_in_persian_digits_and_their_ids_in_latin_ones(persian):
    calls = persian.xpath("//a[@class='noteref']")
    assert [call.text for call in calls] == ["۱", "۲"]
    assert [(call.get("id"), call.get("href")) for call in calls] == [("fnref-1", "#fn-1"), ("fnref-2", "#fn-2")]


def test_ids_links_and_data_attributes_keep_latin_digits(persian):
    attributes = {name: value for element in persian.iter() for name, value in element.attrib.items()}
    assert not [value for value in attributes.values() if re.search("[\u06f0-\u06f9]", value)]
    assert {"figure-2", "table-2"} <= set(persian.xpath("//@id"))  # generated from the numbers


def test_the_authors_own_numbers_stay_as_written(persian):
    text = persian.text_content()
    assert "2024" in text and "1110" in text
    labels = " ".join(_texts(persian, LABELS))
    assert set(LATIN.findall(labels)) == {"7"}  # only the \tag the author wrote


def test_a_bengali_report_numbers_in_bengali_digits():
    root = _read(DIGITS / "bn.md")
    assert _texts(root, "//*[@class='figure-label']") == ["চিত্র ১"]
    assert _texts(root, "//*[@class='table-label']") == ["সারণি ১"]
    assert _texts(root, "//a[contains(@class, 'xref')]") == ["চিত্র ১", "সারণি ১", "অংশ ১.১"]
    assert [call.text for call in root.xpath("//a[@class='noteref']")] == ["১", "২"]
    assert "2024" in root.text_content()


def test_latin_digits_in_the_front_matter_keep_latin_labels(tmp_path):
    root = _read(_with_front(tmp_path, "fa.md", "latin_digits: true\n"))
    labels = _texts(root, LABELS)
    assert "شکل 1" in labels and "بخش 1.1" in labels and "(1)" in labels
    assert not [label for label in labels if re.search("[\u06f0-\u06f9]", label)]


@pytest.mark.parametrize(
    ("language", "figure", "section"), [("en", "Figure 1", "Section 1.1"), ("ar", "الشكل 1", "القسم 1.1")]
)
def test_a_language_whose_digits_are_latin_keeps_them(tmp_path, language, figure, section):
    root = _read(_in_language(tmp_path, language))
    labels = _texts(root, LABELS)
    assert figure in labels and section in labels
    assert not [label for label in labels if any(c.isdigit() and not c.isascii() for c in label)]


def test_an_egyptian_arabic_report_numbers_in_eastern_arabic_digits(tmp_path):
    root = _read(_in_language(tmp_path, "ar-EG"))
    assert "الشكل ١" in _texts(root, "//*[@class='figure-label']")
    assert [call.text for call in root.xpath("//a[@class='noteref']")] == ["١", "٢"]


def test_a_charts_data_table_names_its_figure_in_the_languages_digits(tmp_path):
    charts = FIXTURES / "charts"
    folder = tmp_path / "charts"
    shutil.copytree(charts, folder)
    manuscript = folder / "report.md"
    manuscript.write_text(
        manuscript.read_text(encoding="utf-8").replace("language: en-GB", "language: fa"), encoding="utf-8"
    )
    document = load(manuscript, Diagnostics(echo=False))
    body = "".join(chapter.body for chapter in document.chapters)
    assert "<summary>داده‌های شکل ۱</summary>" in body
    assert "<summary>داده‌های شکل 1</summary>" not in body
