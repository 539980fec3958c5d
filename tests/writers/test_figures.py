"""Numbers that cannot be misread: the PDF draws lining figures in running text, bold, italics,
cross-references and notes, and tabular lining figures in number columns. Read from the glyphs
the PDF's embedded fonts use, by name (WeasyPrint keeps the fonts' glyph ids when it subsets
them, so each id names the glyph of the layouts' font file)."""

from __future__ import annotations

import io

import pytest
from fontTools.ttLib import TTFont

from conftest import FIXTURES, build_bytes
from report_build.checks.glyphs import glyphs
from report_build.theme import default_layouts

FONTS = default_layouts() / "fonts"
FILES = {
    "RB-Serif": "vollkorn/Vollkorn-Regular.ttf",
    "RB-Serif-Bold": "vollkorn/Vollkorn-Bold.ttf",
    "RB-Serif-Italic": "vollkorn/Vollkorn-Italic.ttf",
    "RB-Serif-Bold-Italic": "vollkorn/Vollkorn-BoldItalic.ttf",
    "RB-Sans": "inter/Inter-Regular.otf",
}


def glyph_names(font: str) -> list[str]:
    return TTFont(FONTS / FILES[font], lazy=True).getGlyphOrder()


def substitutions(font: str, feature: str) -> dict[str, str]:
    """The single substitutions of one OpenType feature of a layouts' font."""
    table = TTFont(FONTS / FILES[font])["GSUB"].table
    found: dict[str, str] = {}
    for record in table.FeatureList.FeatureRecord:
        if record.FeatureTag == feature:
            for index in record.Feature.LookupListIndex:
                for sub in table.LookupList.Lookup[index].SubTable:
                    found.update(getattr(getattr(sub, "ExtSubTable", sub), "mapping", None) or {})
    return found


@pytest.fixture(scope="module")
def digits() -> dict[str, dict[str, set[str]]]:
    """{font: {digit: glyph names}} of every digit the numbers fixture's PDF draws."""
    data = build_bytes(FIXTURES / "numbers" / "report.md", jobs=1)
    found: dict[str, dict[str, set[str]]] = {}
    names = {font: glyph_names(font) for font in FILES}
    for glyph in glyphs(data):
        if glyph.text.isdigit() and glyph.font in names:
            found.setdefault(glyph.font, {}).setdefault(glyph.text, set()).add(names[glyph.font][glyph.gid])
    return found


@pytest.mark.e2e
def test_the_text_face_draws_lining_figures_in_every_style(digits):
    """Running text, bold ("11 litres" must not read "II"), italics, the cross-reference
    "Table 1" and the note: every figure Vollkorn draws is a lining one (.lf, or .tf tabular)."""
    assert set(digits) >= {"RB-Serif", "RB-Serif-Bold", "RB-Serif-Italic", "RB-Serif-Bold-Italic"}
    assert digits["RB-Serif-Bold"]["1"] == {"one.lf"}  # **11 litres**
    for font in ("RB-Serif", "RB-Serif-Bold", "RB-Serif-Italic", "RB-Serif-Bold-Italic"):
        for digit, names in digits[font].items():
            assert all(name.endswith((".lf", ".tf")) for name in names), (font, digit, names)


@pytest.mark.e2e
def test_number_columns_use_tabular_figures(digits):
    """The table's right-aligned columns are in Inter with its tabular figures (tnum)."""
    tabular = substitutions("RB-Sans", "tnum")
    cmap = TTFont(FONTS / FILES["RB-Sans"], lazy=True).getBestCmap()
    default = {str(d): cmap[ord(str(d))] for d in range(10)}
    for digit in "012346789":  # each digit of the fixture's columns (1,110 612 3,480 11 17 9)
        assert tabular[default[digit]] in digits["RB-Sans"][digit], digit


def test_the_stylesheets_ask_for_lining_figures():
    """What the PDF, ePub and web stylesheets ask for (the PDF's result is checked above)."""
    css = default_layouts() / "css"
    for name in ("print.css", "web.css", "epub.css", "print-rtl.css"):
        text = (css / name).read_text(encoding="utf-8")
        assert "oldstyle-nums" not in text, name
        assert "lining-nums" in text, name
    for name in ("print.css", "web.css", "epub.css"):
        rule = next(line for line in (css / name).read_text(encoding="utf-8").split("\n") if "td.align-right" in line)
        assert "lining-nums tabular-nums" in rule, name


def test_vollkorn_bold_has_lining_figures():
    """Each weight of the text face has its own lining figures (a weight without would fall back
    to old-style ones whatever the stylesheet asks)."""
    for font in ("RB-Serif", "RB-Serif-Bold", "RB-Serif-Italic", "RB-Serif-Bold-Italic"):
        lining = substitutions(font, "lnum")
        assert all(lining.get(name, "").endswith(".lf") for name in ("one", "two", "six")), font
        data = (FONTS / FILES[font]).read_bytes()
        assert "one.lf" in TTFont(io.BytesIO(data), lazy=True).getGlyphOrder()
