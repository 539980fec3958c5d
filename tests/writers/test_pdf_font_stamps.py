"""A PDF with a colour emoji (a font the renderer re-saves with fontTools) is the same bytes at
every build: the re-saved font keeps its own timestamp (writers/pdf/font_stamps.py)."""

from __future__ import annotations

import io
import itertools

import pikepdf
import pytest
from fontTools.ttLib.tables import _h_e_a_d

from report_build import Diagnostics, build, fonts
from report_build.writers.pdf import font_stamps


def test_the_renderer_opens_fonts_keeping_their_timestamp(monkeypatch):
    import weasyprint.pdf.fonts

    assert font_stamps.APPLIED  # if WeasyPrint changes, review writers/pdf/font_stamps.py
    assert weasyprint.pdf.fonts.TTFont is font_stamps.KeptTimestamp
    emoji = fonts.installed("Noto Color Emoji")
    assert emoji is not None
    monkeypatch.setattr(_h_e_a_d, "timestampNow", lambda: 4_000_000_000)  # "now": another day
    font = font_stamps.KeptTimestamp(str(emoji.path), fontNumber=emoji.index)
    made = font["head"].modified
    out = io.BytesIO()
    font.save(out)
    assert font_stamps.KeptTimestamp(io.BytesIO(out.getvalue()))["head"].modified == made != 4_000_000_000


@pytest.mark.e2e
def test_a_report_with_an_emoji_is_the_same_pdf_at_a_later_build(tmp_path, monkeypatch):
    manuscript = tmp_path / "report.md"
    manuscript.write_text("---\ntitle: T\n---\n\n# Water\n\nClean water 💧 for every household.\n", encoding="utf-8")
    clock = itertools.count(3_900_000_000, 3600)  # an hour passes between the builds
    monkeypatch.setattr(_h_e_a_d, "timestampNow", lambda: next(clock))
    made = [
        build(manuscript, ("pdf",), output_dir=tmp_path / f"out{n}", diagnostics=Diagnostics(echo=False), jobs=1)[
            0
        ].data
        for n in range(2)
    ]
    with pikepdf.open(io.BytesIO(made[0])) as pdf:  # the emoji font is in it
        assert any(
            "Emoji" in str(font.get("/BaseFont", "")) for font in pdf.objects if isinstance(font, pikepdf.Dictionary)
        )
    assert made[0] == made[1]
