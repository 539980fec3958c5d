"""Phrases of Japanese and Chinese titles (phrases.py): where a line may break."""

from __future__ import annotations

import pytest

from report_build import phrases


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
