"""The words the layouts add, in the document's language: a strings file for each language the
project serves, CLDR (Babel) for the dates of any other, English for the rest, said once; and
the titles of callouts written without one."""

from __future__ import annotations

import datetime as dt
import re

import lxml.html
import pytest
import yaml

from report_build import Diagnostics
from report_build.source import parse
from report_build.theme import DATES, Theme, default_layouts

STRINGS = default_layouts() / "strings"
ENGLISH = yaml.safe_load((STRINGS / "en.yaml").read_text(encoding="utf-8"))
SERVED = ("ar", "zh", "zh-hant", "en", "fr", "ru", "es", "fa", "ko")  # the UN's six, and the corpus's


@pytest.mark.parametrize("name", sorted(p.stem for p in STRINGS.glob("*.yaml")))
def test_every_strings_file_has_every_word(name):
    words = yaml.safe_load((STRINGS / f"{name}.yaml").read_text(encoding="utf-8"))
    assert set(ENGLISH) - set(words) <= set(DATES), name  # the dates may come from CLDR
    assert set(words["callouts"]) == set(ENGLISH["callouts"]), name
    assert set(words["theorems"]) == set(ENGLISH["theorems"]), name
    for key, value in ENGLISH.items():
        if isinstance(value, str) and "{" in value and key in words:  # the same placeholders
            assert sorted(re.findall(r"\{\w+\}", value)) == sorted(re.findall(r"\{\w+\}", words[key])), (name, key)


def test_the_languages_served_have_a_strings_file():
    assert {p.stem for p in STRINGS.glob("*.yaml")} >= set(SERVED)


@pytest.mark.parametrize(
    ("language", "contents", "date"),
    [
        ("ko", "목차", "2020년 2월 24일"),
        ("fa", "فهرست مطالب", "24 فوریه 2020"),
        ("ru", "Содержание", "24 февраля 2020\u202fг."),
        ("es", "Índice", "24 de febrero de 2020"),
        ("zh", "目录", "2020年2月24日"),
        ("zh-TW", "目錄", "2020年2月24日"),
        ("zh-Hant-HK", "目錄", "2020年2月24日"),
        ("ar", "المحتويات", "24 شباط 2020"),
        ("fr-FR", "Sommaire", "24 février 2020"),
    ],
)
def test_a_served_language_needs_no_english(language, contents, date):
    diagnostics = Diagnostics(echo=False)
    theme = Theme(None, language, diagnostics)
    assert diagnostics.warnings == []
    assert theme.strings["contents"] == contents
    assert theme.longdate(dt.date(2020, 2, 24)) == date


def test_another_language_takes_its_dates_from_cldr_and_says_once_what_is_english():
    diagnostics = Diagnostics(echo=False)
    theme = Theme(None, "it", diagnostics)
    assert theme.longdate(dt.date(2020, 2, 24)) == "24 febbraio 2020"
    assert theme.filesize(1536 * 1024) == "1,5 MB"  # the decimal comma of Italian
    assert theme.strings["contents"] == "Contents"
    [warning] = diagnostics.warnings
    assert warning.message.startswith("no strings file for language 'it' (layouts/strings/it.yaml): dates come from")
    assert "contents, version" in warning.message


def test_a_language_cldr_does_not_know_is_english_with_its_own_months():
    diagnostics = Diagnostics(echo=False)
    theme = Theme(None, "qaa", diagnostics)  # a private-use tag
    assert theme.longdate(dt.date(2020, 2, 24)) == "24 February 2020"
    assert "dates come from" not in diagnostics.warnings[0].message


def test_callouts_without_a_title_take_the_word_of_the_language(tmp_path):
    manuscript = tmp_path / "report.md"
    manuscript.write_text(
        "---\ntitle: Encadrés\nlanguage: fr\n---\n# Un\n\n"
        "!!! note\n    Une note.\n\n"
        "> [!WARNING]\n> Un avertissement.\n\n"
        "::: {.callout-tip}\nUne astuce.\n:::\n\n"
        '!!! note "Titre choisi"\n    Un titre.\n\n'
        '!!! important ""\n    Sans titre.\n\n'
        '::: {.callout-caution title=""}\nSans titre non plus.\n:::\n',
        encoding="utf-8",
    )
    doc, _theme = parse.read(manuscript, Diagnostics(echo=False))
    root = lxml.html.fragment_fromstring(doc.chapters[0].body, create_parent="div")
    titles = [
        (aside.get("class").split()[-1], (aside.xpath("p[@class='callout-title']/text()") or [None])[0])
        for aside in root.xpath("//aside")
    ]
    assert titles == [
        ("callout-note", "Note"),
        ("callout-warning", "Avertissement"),
        ("callout-tip", "Astuce"),
        ("callout-note", "Titre choisi"),
        ("callout-important", None),
        ("callout-caution", None),
    ]
