"""Phrases of Japanese and Chinese titles (phrases.py): where a line may break, in the PDF's
cover and title page too (the ePub's drawn cover: tests/writers/test_epub_cover.py)."""

from __future__ import annotations

import pytest

from conftest import pdf_pages
from report_build import Diagnostics, build, phrases


@pytest.mark.parametrize(
    ("tag", "model"),
    [
        ("ja", "ja"),
        ("ja-JP", "ja"),
        ("zh", "zh-hans"),
        ("zh-Hans", "zh-hans"),
        ("zh-CN", "zh-hans"),
        ("zh-Hant", "zh-hant"),
        ("zh-TW", "zh-hant"),
        ("zh_HK", "zh-hant"),
        ("ko", None),
        ("en", None),
        ("", None),
    ],
)
def test_the_model_follows_the_language_tag(tag, model):
    assert phrases.model_for(tag) == model


def test_a_japanese_title_is_cut_between_phrases_and_given_back_whole():
    title = "日本における子どもの教育と地域社会の役割"
    found = phrases.phrases(title, "ja")
    assert len(found) >= 4 and "".join(found) == title
    assert "子どもの" in found and "役割" in "".join(found[-2:])
    assert not any(phrase.endswith("におけ") for phrase in found)  # never inside a word


def test_chinese_titles_are_cut_and_other_text_is_left_whole():
    title = "臺灣地區兒童教育與社區角色之年度報告書"
    found = phrases.phrases(title, "zh-Hant")
    assert len(found) >= 3 and "".join(found) == title
    assert phrases.phrases(title, "ko") == [title]  # a language without a model
    assert phrases.phrases("Annual report", "ja") == ["Annual report"]  # no Han or kana


def test_the_filter_escapes_and_marks_each_phrase():
    marked = str(phrases.markup("子どもの<教育>と地域社会の役割", "ja"))
    assert "&lt;" in marked and "<教育>" not in marked
    assert marked.count('<span class="phrase">') >= 3
    assert str(phrases.markup("Annual <report>", "ja")) == "Annual &lt;report&gt;"
    long_word = "コミュニケーションチームマネージャー"  # longer than LONGEST: left breakable
    assert f'<span class="phrase">{long_word}' not in str(phrases.markup(f"{long_word}の役割について", "ja"))


@pytest.mark.e2e
def test_the_pdf_cover_and_title_page_break_a_japanese_title_between_phrases(tmp_path):
    title = "日本における子どもの教育と地域社会の役割についての報告書"
    path = tmp_path / "report.md"
    path.write_text(f"---\ntitle: {title}\nlanguage: ja\n---\n\n# はじめに\n\n本文。\n", encoding="utf-8")
    (built,) = build(path, ("pdf",), write=False, diagnostics=Diagnostics(echo=False))
    cut = phrases.phrases(title, "ja")
    ends = {sum(map(len, cut[: n + 1])) for n in range(len(cut))}
    for page in pdf_pages(built.data)[:2]:  # the cover, the title page
        lines: list[str] = []
        for line in (line.strip() for line in page.splitlines() if line.strip()):
            if "".join(lines) != title and title.startswith("".join(lines) + line):
                lines.append(line)
        assert len(lines) >= 2 and "".join(lines) == title, page
        assert all(sum(map(len, lines[: n + 1])) in ends for n in range(len(lines))), lines
