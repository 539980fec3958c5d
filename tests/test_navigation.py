"""The one navigation list (fast: parsed in memory, nothing laid out)."""

from __future__ import annotations

from conftest import FIXTURES, ROOT
from report_build import Diagnostics, load
from report_build.navigation import HISTORY_PAGE, navigation
from report_build.source.parse import read

GOLDEN = ROOT / "tests" / "golden"


def strict_read(path):
    """The document and theme, refusing any fault (as --strict does)."""
    strict = Diagnostics(strict=True, echo=False)
    found = read(path, strict)
    strict.refuse()
    return found


def test_untitled_opening_lends_nothing_and_chapters_carry_their_sections():
    doc, theme = strict_read(GOLDEN / "structure.md")
    nav = navigation(doc, theme.strings)
    assert [(e.label, e.page, e.id, e.to_page) for e in nav.contents] == [
        ("First chapter", "chapter-02", "first", True),
        ("Second chapter", "chapter-03", "second", True),
    ]
    assert [(c.label, c.page, c.to_page) for c in nav.contents[0].children] == [("A section", "chapter-02", False)]


def test_landmarks_lead_to_cover_contents_and_the_first_chapter():
    doc, theme = strict_read(GOLDEN / "structure.md")
    landmarks = {m.kind: m for m in navigation(doc, theme.strings).landmarks}
    assert landmarks["cover"].page == "cover"
    assert landmarks["toc"].label == "Contents"
    assert landmarks["bodymatter"].page == doc.chapters[0].slug
    assert landmarks["bodymatter"].label == "Start of the report"


def test_version_history_closes_the_contents_in_the_document_language():
    doc = load(FIXTURES / "versioned" / "report.md", Diagnostics(echo=False), releases_dir=ROOT / "no-such-folder")
    assert doc.releases
    last = navigation(doc, {"version_history": "Historique des versions"}).contents[-1]
    assert (last.label, last.page, last.to_page) == ("Historique des versions", HISTORY_PAGE, True)


def test_a_document_without_headings_has_the_report_as_its_one_entry(tmp_path):
    manuscript = tmp_path / "plain.md"
    manuscript.write_text("---\ntitle: Only text\n---\n\nA paragraph and nothing else.\n", encoding="utf-8")
    doc, theme = strict_read(manuscript)
    [entry] = navigation(doc, theme.strings).contents
    assert (entry.label, entry.page, entry.to_page) == ("Only text", doc.chapters[0].slug, True)
