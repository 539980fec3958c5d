"""Quotes, ellipsis and dash in a Chinese or Japanese report are drawn by the CJK face, full
width, as those languages set them (writers/pdf/punctuation.py); Korean and every other
language keep the text faces' marks."""

from __future__ import annotations

import io

import pdfplumber
import pytest
from fontTools.ttLib import TTFont

from report_build import Diagnostics, build
from report_build.fonts import CJK_PUNCTUATION as SHARED
from report_build.theme import Theme
from report_build.writers.pdf.punctuation import punctuation


@pytest.mark.parametrize(("language", "region"), [("zh", "sc"), ("zh-Hant", "tc"), ("zh-HK", "hk"), ("ja", "jp")])
def test_a_cjk_report_gets_full_width_marks_from_its_regions_face(language, region):
    css, files = punctuation(Theme(None, language), language)
    assert css.count("@font-face") == 4  # serif and sans, regular and bold
    assert "unicode-range: U+2014-2015, U+2018-2019, U+201C-201D, U+2025-2026;" in css
    assert '--punctuation-serif: "RB CJK Punctuation Serif", "RB Serif";' in css
    assert '--punctuation-sans: "RB CJK Punctuation Sans", "RB Sans";' in css
    assert len(files) == 4 and all(f"-{region}-" in path.name for path in files)
    for path, data in files.items():
        assert path.as_uri() in css
        font = TTFont(io.BytesIO(data))
        cmap = font.getBestCmap()
        assert {chr(point) for point in cmap} == set(SHARED)  # those marks, and nothing else
        # with the forms the language's own feature ('locl') reaches: the full-width ones
        assert "locl" in {record.FeatureTag for record in font["GSUB"].table.FeatureList.FeatureRecord}


@pytest.mark.parametrize("language", ["en", "ko", "ar", "hi", "fr"])
def test_other_languages_keep_the_text_faces_marks(language):
    assert punctuation(Theme(None, language), language) == ("", {})


def _marks(tmp_path, language: str, text: str) -> dict[str, set[tuple[str, float]]]:
    manuscript = tmp_path / language / "report.md"
    manuscript.parent.mkdir()
    manuscript.write_text(f"---\ntitle: T\nlanguage: {language}\n---\n\n# {text}\n\n{text}\n", encoding="utf-8")
    diagnostics = Diagnostics(echo=False)
    (built,) = build(manuscript, ("pdf",), output_dir=tmp_path / language / "out", diagnostics=diagnostics, jobs=1)
    assert not diagnostics.warnings, diagnostics.warnings
    found: dict[str, set[tuple[str, float]]] = {}
    with pdfplumber.open(io.BytesIO(built.data)) as document:
        for page in document.pages:
            for char in page.chars:
                if char["text"] and set(char["text"]) <= set(SHARED):  # "——" is one glyph in the CJK face
                    face = char["fontname"].split("+", 1)[-1]
                    found.setdefault(char["text"], set()).add((face, round(char["width"] / char["size"], 2)))
    return found


@pytest.mark.e2e
def test_in_the_pdf_chinese_marks_are_full_width_and_korean_ones_are_not(tmp_path):
    chinese = _marks(tmp_path, "zh", "他说：“这是测试。”然后……他走了——没有回头。")
    for mark in "\u201c\u201d\u2026":
        # the body in the serif subset, the heading in the sans one; one em wide in both
        assert {face for face, _width in chinese[mark]} == {"RB-CJK-Punctuation-Serif", "RB-CJK-Punctuation-Sans-Bold"}
        assert {width for _face, width in chinese[mark]} == {1.0}, mark
    # the dash of two ems is one rule, drawn as one glyph, not two short dashes with a gap
    assert "\u2014" not in chinese
    assert ("RB-CJK-Punctuation-Serif", 2.0) in chinese["\u2014\u2014"]
    korean = _marks(tmp_path, "ko", "그는 “시험입니다.” 그리고… 떠났다—돌아보지 않고.")
    for mark in "\u201c\u201d\u2026\u2014":
        assert {face for face, _width in korean[mark]} <= {"RB-Serif", "RB-Sans-Bold", "RB-Sans-Semi-Bold"}, mark
        if mark != "\u2014":  # (the text faces' em dash is about an em wide too)
            assert all(width < 1.0 for _face, width in korean[mark]), mark
