"""The panel of faults, in the report's language, and what the preview keeps between builds: fast."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from watchfiles import Change

from report_build.errors import Diagnostic, ManuscriptError
from report_build.preview.faults import ERROR, WARNING, Fault, Panel, PdfStatus, render_panel
from report_build.preview.printing import Pdf, Sheet, made
from report_build.preview.server import inject
from report_build.preview.session import SessionCache, _lasting
from report_build.preview.state import Look, State
from report_build.theme import Theme

AT = dt.datetime(2024, 5, 1, 14, 2, 11).astimezone()


def test_faults_read_as_the_terminal_prints_them(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    warning = Fault.of_warning(Diagnostic("link to '#annex' goes nowhere", tmp_path / "chapters" / "one.md", 3))
    error = Fault.of_error(ManuscriptError("unknown variable 'x'", tmp_path / "report.md", 9))
    assert str(warning) == "chapters/one.md:3: warning: link to '#annex' goes nowhere"
    assert str(error) == "report.md:9: unknown variable 'x'"
    assert (warning.where, error.where, Fault(ERROR, "no file").where) == ("chapters/one.md:3", "report.md:9", "")


def test_the_panel_speaks_the_reports_language():
    faults = (Fault(WARNING, "image 'a.png' <too wide>", "chapters/one.md", 4), Fault(ERROR, "boom", "report.md", 2))
    panel = Panel(True, False, AT, faults, PdfStatus(AT, 12, busy=True))
    english = render_panel(Theme(None, "en"), panel, "site")
    french = render_panel(Theme(None, "fr"), panel, "site")
    arabic = render_panel(Theme(None, "ar"), panel, "print")
    assert "The last build failed." in english and "PDF of 14:02:11, 12 pages" in english
    assert "&lt;too wide&gt;" in english and "<too wide>" not in english
    assert '<code dir="ltr">chapters/one.md:4</code>' in english and '<code dir="ltr">report.md:2</code>' in english
    assert english.index("rb-warning") < english.index("rb-error")  # in the order the build gave them
    assert "La dernière construction a échoué." in french and "Pages imprimées" in french
    assert "فشل البناء الأخير." in arabic and "صفحات الويب" in arabic  # the print view links back to the web pages
    assert '<code dir="ltr">chapters/one.md:4</code>' in arabic  # a path reads left to right in any page


def test_the_panels_digest_names_what_it_shows():
    panel = Panel(True, True, AT, (), None)
    assert panel.digest == Panel(True, True, AT, (), None).digest
    assert panel.digest != Panel(True, True, AT, (Fault(WARNING, "x"),), None).digest
    assert panel.digest != Panel(True, False, AT, (), None).digest


def test_a_pdf_fault_the_site_also_has_is_listed_once():
    state = State(Theme(), make_pdf=True)
    shared, own = Fault(WARNING, "unknown key 'layout'", "report.md", 3), Fault(WARNING, "heading alone", "a.md", 9)
    state.site_built({"index.html": b"<html></html>"}, (shared,), Theme(), Look())
    from report_build.preview.printing import Pdf

    state.pdf_made(Pdf(1, 1, b"%PDF", AT, 1.0, (), (shared, own)))
    panel = state.snapshot().panel
    assert panel.faults == (shared,) and panel.pdf is not None and panel.pdf.faults == (own,)
    assert not panel.pdf.behind
    state.site_failed((Fault(ERROR, "broken"),))
    assert state.snapshot().panel.pdf.behind  # the sources changed since


def test_a_page_without_head_or_body_still_gets_the_script_and_panel():
    state = State(Theme(), make_pdf=False)
    page = inject(b"<p>bare</p>", state.snapshot(), "site", "bare.html")
    assert page.index(b"/_preview/live.js") < page.index(b'id="rb-preview"') < page.index(b"<p>bare</p>")


def test_the_session_cache_keeps_what_it_read_and_made(tmp_path):
    (tmp_path / "woff2-a.bin").write_bytes(b"one")
    cache = SessionCache(tmp_path)
    assert cache.read("woff2-a.bin") == b"one"
    (tmp_path / "woff2-a.bin").unlink()
    assert cache.read("woff2-a.bin") == b"one"
    cache.put("woff2-b.bin", b"two")
    cache.commit()
    assert (tmp_path / "woff2-b.bin").read_bytes() == b"two" and cache.read("woff2-b.bin") == b"two"
    unwritable = SessionCache(tmp_path / "file" / "x")
    (tmp_path / "file").write_text("in the way")
    unwritable.put("woff2-c.bin", b"three")
    unwritable.commit()
    assert unwritable.read("woff2-c.bin") == b"three"  # kept for this session all the same


def test_files_made_and_removed_within_a_save_are_no_change(tmp_path):
    kept = tmp_path / "one.md"
    kept.write_text("x")
    batch = {
        (Change.modified, str(kept)),
        (Change.added, str(tmp_path / "sedAb12")),
        (Change.deleted, str(tmp_path / "sedAb12")),
        (Change.deleted, str(tmp_path / "two.md")),
    }
    assert sorted(Path(name).name for name in _lasting(batch)) == ["one.md", "two.md"]


def test_the_terminal_counts_the_pages_the_print_view_shows():
    """The layout's note counts the print edition's pages (blank versos included); the line
    says how many pages the print view shows, the screen edition's, and what was laid out."""
    sheets = tuple(Sheet(n, str(n), 1100, 1556) for n in range(1, 35))
    notes = (
        "Markdown: 1 chapter read again, 8 unchanged since the last build",
        "PDF: 43 pages in 10 groups: laid out chapter 2; 9 kept from the last build (4.3 s)",
        "PDF: the screen edition has 34 pages: it leaves out the 9 blank pages the print edition needs",
    )
    pdf = Pdf(2, 3, b"%PDF", AT, 6.44, sheets, notes=notes)
    assert made(pdf) == "PDF made in 6.4 s (34 pages): laid out chapter 2; 9 kept from the last build (4.3 s)"
    assert made(Pdf(1, 1, b"%PDF", AT, 2.0, sheets[:3])) == "PDF made in 2.0 s (3 pages)"
