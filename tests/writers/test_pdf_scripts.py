"""A report in a language of another script, as its readers expect it in the PDF: the layouts'
own numbers (folios, note calls and marks, the contents' page numbers) in the language's digits
(numerals.py)."""

from __future__ import annotations

import io

import pdfplumber
import pytest

from report_build import Diagnostics, build

TEXT = {
    "fa": ("فصل نخست", "این یک متن آزمایشی است.", "یک پانویس."),
    "bn": ("প্রথম অধ্যায়", "এটি একটি পরীক্ষামূলক লেখা।", "একটি পাদটীকা।"),
    "ur": ("پہلا باب", "یہ ایک آزمائشی تحریر ہے۔", "ایک حاشیہ۔"),
}


def _pdf(tmp_path, language: str, front: str = "") -> bytes:
    heading, sentence, note = TEXT[language]
    manuscript = tmp_path / language / "report.md"
    manuscript.parent.mkdir(parents=True)
    chapters = "".join(
        f"# {heading}\n\n{sentence}[^{number}] {sentence}\n\n[^{number}]: {note}\n\n" for number in (1, 2, 3)
    )
    manuscript.write_text(f"---\ntitle: T\nlanguage: {language}\n{front}---\n\n{chapters}", encoding="utf-8")
    diagnostics = Diagnostics(echo=False)
    (built,) = build(manuscript, ("pdf",), output_dir=tmp_path / language / "out", diagnostics=diagnostics, jobs=1)
    return built.data


def _numbers(data: bytes) -> tuple[list[str], set[str]]:
    """The folio at the foot of each page, and the digits the contents and the chapters print
    (the colophon's identifier and dates are text, not the layouts' numbers)."""
    folios, digits = [], set()
    with pdfplumber.open(io.BytesIO(data)) as document:
        for page in document.pages:
            foot = [c["text"] for c in page.chars if c["top"] > page.height * 0.9]
            folios.append("".join(foot))
            if "urn" not in (page.extract_text() or ""):
                digits |= {c["text"] for c in page.chars if c["text"].isdigit()}
    return folios, digits


@pytest.mark.e2e
@pytest.mark.parametrize(("language", "zero"), [("fa", "\u06f0"), ("bn", "\u09e6")])
def test_page_numbers_and_note_marks_are_in_the_languages_digits(tmp_path, language, zero):
    folios, digits = _numbers(_pdf(tmp_path, language))
    own = {chr(ord(zero) + value) for value in range(10)}
    assert chr(ord(zero) + 1) in folios and chr(ord(zero) + 3) in folios  # the main matter's pages 1 and 3
    assert chr(ord(zero) + 1) in digits and chr(ord(zero) + 2) in digits  # note calls and marks, contents
    assert not digits - own, digits - own  # no Latin digit anywhere


@pytest.mark.e2e
def test_a_report_may_keep_latin_digits(tmp_path):
    folios, digits = _numbers(_pdf(tmp_path, "fa", "latin_digits: true\n"))
    assert "1" in folios and "3" in folios
    assert not {d for d in digits if not d.isascii()}
