"""SVGs WeasyPrint cannot draw (writers/pdf/drawable.py): found before the layout, shown as a
placeholder in the PDF, and the verdicts kept in the build's cache for the next build."""

from __future__ import annotations

import json

import pytest

from report_build import Diagnostics
from report_build.build import gather
from report_build.cache import BuildCache
from report_build.writers.pdf import drawable

GOOD = '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="40"><rect width="20" height="20"/></svg>\n'
TRANSFORM = (  # well-formed, a browser draws it; WeasyPrint cannot follow the transform
    '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="40">'
    '<g transform="rotate(a)"><rect width="20" height="20"/></g></svg>\n'
)
TEXT = "# One\n\n![A square](good.svg)\n\n![A turned square](turned.svg)\n"


def stand_ins(folder, cache: BuildCache) -> tuple[str, list[str]]:
    """The chapters' HTML as the PDF shows them, and the warnings, from a fresh process's view."""
    drawable._VERDICTS.clear()  # what this process has drawn: nothing
    diagnostics = Diagnostics(echo=False)
    document, theme = gather(folder / "report.md", diagnostics, folder / "out")
    shown = drawable.stand_ins(document, theme, diagnostics, cache)
    return "".join(chapter.body for chapter in shown.chapters), [str(w) for w in diagnostics.warnings]


@pytest.mark.e2e  # draws the SVGs with WeasyPrint (a one-page PDF)
def test_the_verdicts_on_svgs_are_kept_in_the_cache_for_the_next_build(tmp_path, monkeypatch):
    (tmp_path / "good.svg").write_text(GOOD, encoding="utf-8")
    (tmp_path / "turned.svg").write_text(TRANSFORM, encoding="utf-8")
    (tmp_path / "report.md").write_text(TEXT, encoding="utf-8")
    cache = BuildCache(tmp_path / "out" / ".cache")
    monkeypatch.setattr(drawable, "_VERDICTS", {})
    drawn, warned = stand_ins(tmp_path, cache)
    assert '<span class="image-omitted">Image not included: A turned square</span>' in drawn
    assert 'src="good.svg"' in drawn and 'src="turned.svg"' not in drawn
    assert any("SVG image 'turned.svg' cannot be drawn in the PDF" in w for w in warned)
    cache.commit()
    (entry,) = (tmp_path / "out" / ".cache").glob("svg-verdicts-*.json")
    assert sorted(json.loads(entry.read_bytes()).values()) == [False, True]

    # the next build (a process that has drawn nothing) reads them instead of drawing
    monkeypatch.setattr(drawable, "_draw_all", lambda *args: pytest.fail("drawn again"))
    assert stand_ins(tmp_path, BuildCache(tmp_path / "out" / ".cache")) == (drawn, warned)

    # a changed SVG is drawn again; so is one whose entry is not what the build writes
    (tmp_path / "turned.svg").write_text(TRANSFORM.replace("rotate(a)", "rotate(45)"), encoding="utf-8")
    with pytest.raises(pytest.fail.Exception, match="drawn again"):
        stand_ins(tmp_path, BuildCache(tmp_path / "out" / ".cache"))
    (tmp_path / "turned.svg").write_text(TRANSFORM, encoding="utf-8")
    entry.write_text('{"a": "yes"}', encoding="utf-8")
    with pytest.raises(pytest.fail.Exception, match="drawn again"):
        stand_ins(tmp_path, BuildCache(tmp_path / "out" / ".cache"))
