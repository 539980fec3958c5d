"""Words drawn into images (writers/drawn_text.py), shared by the ePub's cover and the site's
sharing image: grapheme clusters, where a line may break, right-to-left order, faces by script,
and text cut only between clusters. The images themselves: test_epub_cover.py, test_web.py."""

from __future__ import annotations

import pytest
from PIL import Image

from report_build.fonts import has, visible
from report_build.theme import Theme
from report_build.writers import drawn_text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("क्षिति", ["क्षि", "ति"]),  # a conjunct and its vowel sign: one cluster (UAX #29, GB9c)
        ("স্বাস্থ্য", ["স্বা", "স্থ্য"]),
        ("น้ำใจ", ["น้ำ", "ใ", "จ"]),  # tone mark and SARA AM stay with their consonant
        ("שָׁלוֹם", ["שָׁ", "ל", "וֹ", "ם"]),  # points stay with their letter
        ("ሪፖርት", ["ሪ", "ፖ", "ር", "ት"]),
        ("e\u0301a", ["e\u0301", "a"]),
        ("🇫🇷🇩🇪", ["🇫🇷", "🇩🇪"]),  # regional indicators in pairs
        ("👩\u200d👩\u200d👧👍🏽", ["👩\u200d👩\u200d👧", "👍🏽"]),  # a ZWJ sequence; a skin tone
        ("\u1100\u1161\u11a8가", ["\u1100\u1161\u11a8", "가"]),  # a syllable in jamo
    ],
)
def test_grapheme_clusters_are_never_split(text, expected):
    assert drawn_text.clusters(text) == expected


def test_thai_breaks_between_its_words_and_japanese_between_phrases():
    thai = "รายงานประจำปีเรื่องคุณภาพน้ำ"
    units = drawn_text.units(thai, "th")
    assert [text for text, _spaced in units] == ["รายงาน", "ประจำ", "ปี", "เรื่อง", "คุณภาพ", "น้ำ"]
    assert [spaced for _text, spaced in units] == [True] + [False] * 5
    japanese = drawn_text.units("日本における子どもの教育", "ja")
    assert [text for text, _spaced in japanese] == ["日本に", "おける", "子どもの", "教育"]
    # Han in a language without a phrase model: where UAX #14 allows, between the characters
    assert [text for text, _spaced in drawn_text.units("子どもの教育", "en")] == list("子どもの教育")


def test_khmer_lao_and_burmese_titles_break_between_words_as_the_pdf_breaks_them():
    """ICU's dictionaries, as the PDF's lines: a Khmer title no longer only shrinks to fit."""
    khmer = [text for text, _spaced in drawn_text.units("របាយការណ៍ស្តីពីការអប់រំនៅតំបន់ជនបទ", "km")]
    assert khmer == ["របាយការណ៍", "ស្តី", "ពី", "ការអប់រំ", "នៅ", "តំបន់ជនបទ"]
    assert len(drawn_text.units("ကျောင်းသားများအတွက်ပညာရေး", "my")) > 1
    assert len(drawn_text.units("ການສຶກສາໃນແຂວງສະຫວັນນະເຂດ", "lo")) > 1


def test_korean_breaks_between_words_and_no_text_at_a_no_break_space():
    assert drawn_text.units("지역 사회의 교육", "ko") == [("지역", True), ("사회의", True), ("교육", True)]
    assert drawn_text.units("Version\u00a01.2  of\tthe report", "en") == [
        ("Version\u00a01.2", True),
        ("of", True),
        ("the", True),
        ("report", True),
    ]


def test_right_to_left_levels_and_visual_order():
    levels = drawn_text.bidi_levels("11 בנובמבר 2024", rtl=True)
    assert levels[:2] == [2, 2] and levels[3:10] == [1] * 7 and levels[-4:] == [2] * 4
    assert drawn_text.visual_order([0, 1, 1, 2, 1]) == [0, 4, 3, 2, 1]
    assert drawn_text.visual_order([1, 2, 1]) == [2, 1, 0]
    assert drawn_text.bidi_levels("Water 2024", rtl=False) == [0] * 10


def lettering(language: str, rtl: bool, *words: str) -> drawn_text.Lettering:
    return drawn_text.lettering(Theme(None, language), language, rtl, words, "test image")


def test_a_hebrew_line_is_set_right_to_left_with_its_numbers_left_to_right():
    faces = lettering("he", True, "11 בנובמבר 2024")
    setter = drawn_text.Setter(Image.new("RGB", (800, 200)), faces, 20, 780)
    runs = setter.runs("11 בנובמבר 2024", bold=False, size=40)
    assert [run.text for run in runs] == ["2024", "בנובמבר ", " ", "11"]  # left to right, as seen
    assert [run.rtl for run in runs] == [False, True, True, False]
    hebrew = runs[1].font.font.family
    assert hebrew.startswith("Noto Sans Hebrew") and runs[0].font.font.family == "Inter"


@pytest.mark.parametrize(
    ("language", "text", "family"),
    [
        ("ja", "教育", "Noto Sans CJK JP"),
        ("zh-Hant", "教育", "Noto Sans CJK TC"),
        ("ko", "教育", "Noto Sans CJK KR"),
        ("hi", "भारत।", "Noto Sans Devanagari"),
        ("bn", "ভারত।", "Noto Sans Bengali"),  # the danda in the document's own script
    ],
)
def test_faces_follow_the_fallback_chain_for_the_language(language, text, family):
    faces = lettering(language, False, text)
    for cluster in drawn_text.clusters(text):
        face = faces.face(cluster, bold=False)
        assert face.family == family, cluster
        assert all(has(face, char) for char in cluster if visible(char))


def test_text_that_cannot_fit_is_cut_between_clusters_with_an_ellipsis():
    word = "स्वास्थ्य" * 12
    faces = lettering("hi", False, word)
    setter = drawn_text.Setter(Image.new("RGB", (400, 200)), faces, 10, 310)
    block = setter.fit(word, False, (40, 30), max_lines=2)
    assert block.size == 30 and len(block.lines) == 2
    assert block.lines[-1].endswith(drawn_text.ELLIPSIS)
    shown = "".join(block.lines)[: -len(drawn_text.ELLIPSIS)]
    assert word.startswith(shown) and drawn_text.clusters(word)[: len(drawn_text.clusters(shown))] == (
        drawn_text.clusters(shown)
    )
    assert all(setter.width(line, False, 30) <= setter.measure for line in block.lines)
