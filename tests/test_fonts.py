"""Fonts for every script, in memory: the fallback chain the layouts declare, which face draws a
character, and the warning a build gives for text no installed font draws."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import FIXTURES
from report_build import Diagnostics, fonts
from report_build.errors import StrictModeError
from report_build.source import parse
from report_build.theme import Theme

MULTILINGUAL = FIXTURES / "multilingual" / "report.md"


def test_the_language_selects_the_cjk_region():
    chain = Theme().fallback
    assert [chain.region(tag) for tag in ("ja", "ko", "zh", "zh-Hans", "zh-CN")] == ["JP", "KR", "SC", "SC", "SC"]
    assert [chain.region(tag) for tag in ("zh-Hant", "zh-TW", "zh-HK", "zh-Hant-HK", "en", "fa")] == [
        "TC",
        "TC",
        "HK",
        "HK",
        "SC",
        "SC",
    ]
    assert "Noto Serif CJK JP" in chain.families("serif", "ja")
    assert "Noto Sans Mono CJK KR" in chain.families("mono", "ko")
    assert "Noto Serif CJK JP" not in chain.families("serif", "ko")


def test_the_documents_own_script_is_tried_first():
    """A character several scripts share (the danda, U+0964, of Devanagari, Bengali and others)
    is drawn by the face of the document's script, not by the first entry that has it."""
    chain = Theme().fallback
    english = chain.families("serif", "en")
    assert english[0] == "Noto Serif" and english == chain.families("serif", "fr")  # the file's order
    assert chain.families("serif", "bn")[0] == "Noto Serif Bengali"
    assert chain.families("sans", "bn-BD")[0] == "Noto Sans Bengali"
    assert chain.families("serif", "hi")[0] == "Noto Serif Devanagari"
    assert chain.families("serif", "ta")[0] == "Noto Serif Tamil"
    assert chain.families("serif", "ja")[0] == "Noto Serif CJK JP"
    assert chain.families("serif", "sr-Latn")[0] == "Noto Serif"
    assert sorted(chain.families("serif", "bn")) == sorted(english)  # the same families, reordered
    bengali = fonts.Coverage(Theme(language="bn"), "bn").fallback_face("\u0964")
    devanagari = fonts.Coverage(Theme(language="hi"), "hi").fallback_face("\u0964")
    assert bengali is not None and "Bengali" in bengali.family  # make setup installs both
    assert devanagari is not None and "Devanagari" in devanagari.family


def test_the_chain_reaches_the_stylesheets_as_custom_properties():
    css = Theme().fallback.css("zh-TW")
    assert css.startswith(":root {")
    for style in ("serif", "sans", "mono"):
        assert f"--fallback-{style}:" in css
    assert '"Noto Serif CJK TC"' in css and '"Noto Serif Hebrew"' in css and '"Noto Sans Math"' in css
    assert "Emoji" not in css  # the renderer picks the colour font for emoji itself


def test_every_script_of_the_issue_has_an_entry_with_a_package():
    chain = Theme().fallback
    wanted = "Latn Grek Cyrl Arab Hebr Deva Beng Taml Sinh Thai Khmr Mymr Ethi Geor Armn Hani Hang Hira Kana Zyyy"
    for script in wanted.split():
        assert chain.packages(script), script
    assert chain.packages("Zsye") == ("fonts-noto-color-emoji",)
    assert chain.packages("Hang") == ("fonts-noto-cjk",)


def test_script_of_a_character():
    assert [fonts.script_of(c) for c in "aЖ한あ漢א"] == ["Latn", "Cyrl", "Hang", "Hira", "Hani", "Hebr"]
    assert fonts.script_of("👍") == "Zsye" and fonts.script_of("∑") == "Zyyy"
    assert not fonts.visible("\u200d") and not fonts.visible("\ufe0f") and fonts.visible("\u0301")


def test_a_wrong_fallback_file_names_itself(tmp_path):
    (tmp_path / "fonts").mkdir()
    (tmp_path / "fonts" / "fallback.yaml").write_text("fonts:\n  - sans: Only Sans\n", encoding="utf-8")
    with pytest.raises(Exception, match="entry 1 needs at least a 'serif' family") as raised:
        _ = Theme(tmp_path).fallback
    assert raised.value.path == tmp_path.resolve() / "fonts" / "fallback.yaml"


@pytest.fixture
def multilingual():
    doc, theme = parse.read(MULTILINGUAL, Diagnostics(echo=False))
    return doc, theme


def test_every_character_of_the_multilingual_manuscript_has_a_font(multilingual):
    doc, theme = multilingual
    diagnostics = Diagnostics(echo=False)
    fonts.check_glyphs(doc, theme, diagnostics)
    assert diagnostics.warnings == []


def test_a_missing_family_is_a_warning_at_its_line_naming_the_package(multilingual, monkeypatch):
    doc, theme = multilingual
    real = fonts.installed
    monkeypatch.setattr(fonts, "installed", lambda family, weight=80: None if "CJK" in family else real(family))
    monkeypatch.setattr(fonts, "any_font_has", lambda char: False)
    diagnostics = Diagnostics(echo=False)
    fonts.check_glyphs(doc, theme, diagnostics)
    lines = MULTILINGUAL.read_text(encoding="utf-8").split("\n")
    first_han = next(number for number, line in enumerate(lines, 1) if "简" in line)
    [han] = [w for w in diagnostics.warnings if w.message.startswith("Han text")]
    assert (han.path, han.line) == (MULTILINGUAL, first_han)
    assert "'Noto Serif CJK SC'" in han.message and "apt-get install fonts-noto-cjk" in han.message
    assert "empty boxes" in han.message
    assert {w.message.split(" text")[0] for w in diagnostics.warnings} >= {"Han", "Hangul", "Hiragana", "Katakana"}
    strict = Diagnostics(strict=True, echo=False)
    fonts.check_glyphs(doc, theme, strict)  # a strict build collects its faults, then refuses them all
    with pytest.raises(StrictModeError, match="fonts-noto-cjk"):
        strict.refuse()


def test_a_character_no_font_has_is_a_warning(tmp_path):
    manuscript = tmp_path / "report.md"
    manuscript.write_text("---\ntitle: Kawi\n---\n# One\n\nPlain.\n\nThe Kawi letter \U00011f04 here.\n", "utf-8")
    diagnostics = Diagnostics(echo=False)
    doc, theme = parse.read(manuscript, diagnostics)
    fonts.check_glyphs(doc, theme, diagnostics)
    [warning] = diagnostics.warnings
    assert (warning.path, warning.line) == (manuscript, 8)
    assert "U+11F04" in warning.message and "empty boxes" in warning.message


def test_a_character_no_font_has_in_a_footnote_is_a_warning_too(tmp_path):
    """Footnotes are part of the text the check reads (and of the characters the ePub's
    fallback subsets are cut for)."""
    manuscript = tmp_path / "report.md"
    manuscript.write_text("---\ntitle: Kawi\n---\n# One\n\nPlain.[^1]\n\n[^1]: The Kawi letter \U00011f04.\n", "utf-8")
    diagnostics = Diagnostics(echo=False)
    doc, theme = parse.read(manuscript, diagnostics)
    assert "\U00011f04" in fonts.document_characters(doc, theme.strings)
    fonts.check_glyphs(doc, theme, diagnostics)
    [warning] = diagnostics.warnings
    assert (warning.path, warning.line) == (manuscript, 8) and "U+11F04" in warning.message


def test_the_fallback_faces_a_text_needs(multilingual):
    doc, theme = multilingual
    coverage = fonts.Coverage(theme, doc.metadata.language)
    chars = fonts.document_characters(doc, theme.strings)
    serif = {face.family: text for face, text in fonts.characters_by_face(chars, coverage, "serif").items()}
    assert "한" in serif["Noto Serif CJK SC"] and "ח" in serif["Noto Serif Hebrew"]
    assert not any("a" in text or "💧" in text for text in serif.values())  # own faces; emoji left to readers
    assert all(isinstance(face.path, Path) for face in fonts.characters_by_face(chars, coverage, "sans"))


@pytest.mark.parametrize(
    ("value", "weight"), [("400", 400), ("600", 600), ("bold", 700), ("Normal", 400), (None, 400), ("100 900", 100)]
)
def test_a_css_font_weight_as_a_number(value, weight):
    assert fonts.css_weight(value) == weight


@pytest.mark.skipif(fonts.installed("Noto Serif Myanmar") is None, reason="the Myanmar faces are not installed")
def test_between_faces_that_claim_one_weight_the_one_named_for_it_is_chosen():
    """Debian's NotoSerifMyanmar-Bold.ttf claims the regular weight: the ePub and the site
    embedded it as the regular face."""
    regular, bold = fonts.installed("Noto Serif Myanmar"), fonts.installed("Noto Serif Myanmar", fonts.BOLD)
    assert regular.path.name == "NotoSerifMyanmar-Regular.ttf" and regular.weight == 400
    assert bold.path.name == "NotoSerifMyanmar-Bold.ttf" and bold.weight == 700
