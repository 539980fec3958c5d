"""The preview's build of the site (preview/site.py) keeps what it read for the next save."""

from __future__ import annotations

import shutil

from conftest import FIXTURES
from report_build.preview.session import SessionCache
from report_build.preview.site import build_site
from report_build.source import fragments


def test_a_save_converts_only_the_chapter_it_changed_and_keeps_the_faults(tmp_path):
    """The chapters' converted Markdown is kept in the session's cache: a second build converts
    nothing, an edit converts its own chapter, and the faults of the chapters taken from the
    cache are still on the panel (at their lines)."""
    folder = tmp_path / "m"
    shutil.copytree(FIXTURES / "basic", folder)
    manuscript = folder / "report.md"
    text = manuscript.read_text(encoding="utf-8")
    assert "A second bullet" in text
    manuscript.write_text(text + "\nA {frobnicate}`role` no tool knows.\n", encoding="utf-8")
    cache = SessionCache(tmp_path / "out" / ".cache")

    first = build_site(manuscript, tmp_path / "out", cache)
    assert first.files is not None and fragments.COUNTS.converted == fragments.COUNTS.parts > 1
    faults = [(f.message, f.line) for f in first.faults if "frobnicate" in f.message]
    assert len(faults) == 1

    again = build_site(manuscript, tmp_path / "out", cache)
    assert fragments.COUNTS.converted == 0
    assert [(f.message, f.line) for f in again.faults if "frobnicate" in f.message] == faults
    assert again.files == first.files

    manuscript.write_text(
        manuscript.read_text(encoding="utf-8").replace("A second bullet", "A changed bullet"), encoding="utf-8"
    )
    edited = build_site(manuscript, tmp_path / "out", cache)
    assert fragments.COUNTS.converted == 1
    assert [(f.message, f.line) for f in edited.faults if "frobnicate" in f.message] == faults
    assert any(b"A changed bullet" in data for data in edited.files.values())
