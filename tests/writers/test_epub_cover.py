"""The ePub's drawn cover (writers/epub/cover.py) in every script: each character of the title
drawn by a face that has it, never as an empty box, and a Japanese title wrapped between
phrases. The ePub itself, with its cover, is checked by EPUBCheck in test_epub.py."""

from __future__ import annotations

import io

import pytest
from PIL import Image, ImageChops, ImageFont

from report_build import load
from report_build.fonts import Face, has, visible
from report_build.theme import Theme
from report_build.writers import drawn_text
from report_build.writers.epub import cover

TITLES = {
    "ja": "日本における子どもの教育と地域社会の役割",
    "hi": "भारत में ग्रामीण स्वास्थ्य सेवाओं की स्थिति",
    "ta": "தமிழ்நாட்டில் குடிநீர் வழங்கல்",
    "ko": "지역 사회의 교육과 아동 보호에 관한 보고서",
    "he": "דוח שנתי על מצב המים",
    "zh-Hant": "臺灣地區兒童教育與社區角色之年度報告書",
}


def document(tmp_path, language: str, title: str):
    path = tmp_path / "report.md"
    path.write_text(f'---\ntitle: "{title}"\nlanguage: {language}\n---\n\n# A\n\nText.\n', encoding="utf-8")
    return load(path)


def tofu(face: Face, char: str) -> bool:
    """Whether ``char`` drawn with ``face`` is the face's empty box (its .notdef glyph)."""
    font = ImageFont.truetype(str(face.path), 64, index=face.index)
    drawn, missing = (Image.Image()._new(font.getmask(text)) for text in (char, "\U0010fffd"))
    return drawn.size == missing.size and ImageChops.difference(drawn, missing).getbbox() is None


@pytest.mark.parametrize("language", TITLES)
def test_every_character_of_a_title_in_any_script_has_a_face_that_draws_it(tmp_path, language):
    doc = document(tmp_path, language, TITLES[language])
    theme = Theme(None, language)
    faces = drawn_text.lettering(theme, language, doc.metadata.direction == "rtl", [TITLES[language]], "cover")
    assert faces.fallbacks  # Inter alone draws none of these scripts
    for cluster in drawn_text.clusters(TITLES[language]):
        face = faces.face(cluster, bold=True)
        for char in filter(visible, cluster):
            assert has(face, char) and not tofu(face, char), (language, char)
    drawn = cover.draw_cover(doc, theme)
    without = cover._cover_png(doc.metadata.title, "", "", (), "", drawn_text.Lettering(faces.own))
    assert drawn != without  # the fallback faces were used


def test_a_japanese_title_wraps_between_phrases_and_is_not_cut_short():
    units = drawn_text.units(TITLES["ja"] + " 2026", "ja")
    assert [text for text, _spaced in units][:3] == ["日本に", "おける", "子どもの"]
    assert [spaced for _text, spaced in units] == [True] + [False] * (len(units) - 2) + [True]


def test_a_latin_title_is_drawn_as_before(tmp_path):
    """No fallback face is looked for where Inter draws every character."""
    doc = document(tmp_path, "en", "Water for all")
    theme = Theme(None, "en")
    assert drawn_text.lettering(theme, "en", False, ["Water for all"], "cover").fallbacks == ()
    with Image.open(io.BytesIO(cover.draw_cover(doc, theme))) as image:
        assert image.size == cover.COVER_SIZE
