"""Brackets in right-to-left text: each glyph has one text in the PDF's text layer, the text of
the document's direction, whatever was drawn first (writers/pdf/mirrored_glyphs.py)."""

from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace

import pytest

from conftest import ROOT, pdf_pages
from report_build import Diagnostics, build
from report_build.writers.pdf import mirrored_glyphs

FONT = ROOT / "layouts" / "fonts" / "vollkorn" / "Vollkorn-Regular.ttf"
MONO = ROOT / "layouts" / "fonts" / "noto-sans-mono" / "NotoSansMono-Regular.ttf"


def _font(to_unicode: dict[int, str], path: Path = FONT) -> SimpleNamespace:
    return SimpleNamespace(to_unicode=dict(to_unicode), file_content=path.read_bytes(), index=0)


def test_a_bracket_glyph_reads_as_the_document_s_direction_has_it_whatever_came_first():
    assert mirrored_glyphs.APPLIED  # if WeasyPrint changes, review writers/pdf/mirrored_glyphs.py
    glyph_of, fixed_pitch = mirrored_glyphs._glyphs(FONT.read_bytes(), 0)
    opening, closing = glyph_of("("), glyph_of(")")
    code_of, code_fixed_pitch = mirrored_glyphs._glyphs(MONO.read_bytes(), 0)
    assert not fixed_pitch and code_fixed_pitch
    alef = 900  # any glyph: its text says the fonts drew Arabic
    for first in ({opening: "(", closing: ")"}, {opening: ")", closing: "("}):  # drawn first in Latin, in Arabic
        code = {code_of("("): first[opening], code_of(")"): first[closing]}
        fonts = {"latin": _font({**first, 5: "x"}), "arabic": _font({alef: "\u0627"}), "code": _font(code, MONO)}
        mirrored_glyphs.own_characters(fonts, "rtl")
        assert fonts["latin"].to_unicode == {opening: ")", closing: "(", 5: "x"}
        assert fonts["code"].to_unicode == {code_of("("): "(", code_of(")"): ")"}  # code is left to right
        mirrored_glyphs.own_characters(fonts, "ltr")
        assert fonts["latin"].to_unicode == {opening: "(", closing: ")", 5: "x"}
    latin_only = {"latin": _font({opening: ")", closing: "("})}
    mirrored_glyphs.own_characters(latin_only, "rtl")  # no right-to-left letters: left as drawn
    assert latin_only["latin"].to_unicode == {opening: ")", closing: "("}


@pytest.mark.e2e
def test_parentheses_in_arabic_read_the_same_in_one_pass_and_in_groups(tmp_path):
    """A parenthesis first drawn in a Latin line made every Arabic one read backwards, and the
    parts of a parallel layout, each with its own fonts, read otherwise than the single pass."""
    manuscript = tmp_path / "report.md"
    manuscript.write_text(
        "---\ntitle: تقرير\nlanguage: ar\n---\n\n# الأول\n\n[Idlib (Syria) today.]{lang=en}\n\n"
        "قال `print(x)` ثم مضى (مرة).\n\n# الثاني\n\nبلغ عدد السكان (3.5 مليون) في إدلب.\n",
        encoding="utf-8",
    )
    texts = []
    for jobs in (1, 2):
        (built,) = build(
            manuscript, ("pdf",), output_dir=tmp_path / f"out{jobs}", jobs=jobs, diagnostics=Diagnostics(echo=False)
        )
        texts.append(" ".join(" ".join(pdf_pages(built.data)).split()))
    assert texts[0] == texts[1]
    text = re.sub("[\u202a-\u202c]", "", texts[0])  # poppler's embedding marks
    assert "مضى (مرة" in text and "السكان ( 3.5مليون) في إدلب" in text, text
    assert "print(x" in text, text  # code keeps its own brackets
