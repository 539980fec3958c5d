"""The check gate: findings on real outputs, mapped back to the manuscript's lines."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pikepdf
import pytest

from conftest import FIXTURES, ROOT
from report_build import Diagnostics, build
from report_build.build import gather
from report_build.checks import browser, gate
from report_build.checks.ace import ace_missing
from report_build.checks.gate import CHECKS, Tally, check

BASIC = FIXTURES / "basic"


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("check")
    manuscript = folder / "m" / "report.md"
    shutil.copytree(BASIC, manuscript.parent)
    out = folder / "out"
    quiet = Diagnostics(echo=False)
    build(manuscript, ("pdf", "epub", "web"), output_dir=out, diagnostics=quiet)
    build(manuscript, ("pdf",), output_dir=out, edition="print", diagnostics=quiet)
    return manuscript, out


def site_options() -> list[str]:
    """The site is checked where a browser can run (always under CI)."""
    if browser.missing() is None or os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no"):
        return []
    return ["--no-site"]


def run_check(manuscript: Path, out: Path, *options: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "report_build",
            "check",
            str(manuscript),
            "--output-dir",
            str(out),
            "--no-ace",
            *options,
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )


@pytest.mark.e2e
def test_clean_outputs_pass_and_the_gate_says_what_it_checked(built):
    manuscript, out = built
    result = run_check(manuscript, out, *site_options())
    assert result.returncode == 0, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.startswith("check: ")]
    assert lines[-1] == "check: 0 errors, 0 warnings: passed"
    said = dict(line[len("check: ") :].split(": ", 1) for line in lines[:-1])
    assert list(said) == ["the build", "PDF structure", "glyph coverage", "links", "EPUBCheck", "Ace", "the site"]
    assert said["the build"] == "1 source file read and laid out as a release reads them: 0 errors, 0 warnings"
    assert re.fullmatch(r"[1-9]\d* glyphs of [1-9]\d* fonts in 2 PDFs: 0 errors, 0 warnings", said["glyph coverage"])
    assert re.fullmatch(r"2 PDFs, [1-9]\d* pages: 0 errors, 0 warnings", said["PDF structure"])
    assert re.fullmatch(r"[1-9]\d* links? in 2 PDFs: 0 errors, 0 warnings", said["links"])
    assert re.fullmatch(r"1 ePub, [1-9]\d* files: 0 errors, 0 warnings", said["EPUBCheck"])
    assert said["Ace"] == "not run: --no-ace"
    if site_options():
        assert said["the site"] == "not run: --no-site"
    else:
        pages = re.fullmatch(r"(\d+) pages at 1280, 375 and 320 px, \d+ links: 0 errors, 0 warnings", said["the site"])
        assert pages and int(pages.group(1)) == 4, said["the site"]  # landing, two chapters, search


@pytest.mark.e2e
def test_a_failing_check_is_counted_on_its_own_line(built, tmp_path):
    """A site of another version is a finding of the site's check, and the verdict says failed."""
    manuscript, out = built
    stale = tmp_path / "out"
    shutil.copytree(out, stale)
    marker = stale / "web" / "site.json"
    marker.write_text(marker.read_text().replace('"version": "', '"version": "0.9-'), encoding="utf-8")
    result = run_check(manuscript, stale, "--no-site")  # the version is read before the browser runs
    assert result.returncode == 0, result.stderr  # skipped: nothing checked, nothing found
    result = run_check(manuscript, stale, *site_options())
    if site_options():
        pytest.skip("no browser here")
    assert result.returncode == 1
    assert "[site STALE] the site is of version 0.9-" in result.stderr
    assert "check: the site: " in result.stderr and "1 error, 0 warnings" in result.stderr
    assert result.stderr.splitlines()[-2] == "check: 1 error, 0 warnings: failed"


@pytest.mark.e2e
def test_epubcheck_finding_maps_to_the_markdown_line(built, tmp_path):
    manuscript, out = built
    broken = tmp_path / "out"
    shutil.copytree(out, broken)
    book = next(broken.glob("*.epub"))
    with zipfile.ZipFile(book) as source:
        entries = [(info, source.read(info)) for info in source.infolist()]
    with zipfile.ZipFile(book, "w") as target:  # a paragraph of chapter 2 gets an attribute XHTML forbids
        for info, data in entries:
            if info.filename == "EPUB/chapter-02.xhtml":
                data = data.replace(b"<p>A second chapter", b'<p bogus="1">A second chapter', 1)
            target.writestr(info, data)
    result = run_check(manuscript, broken)
    assert result.returncode == 1
    lines = manuscript.read_text().split("\n")
    expected = next(i for i, line in enumerate(lines, 1) if line.startswith("A second chapter"))
    assert f"report.md:{expected}: error: [epubcheck RSC-005]" in result.stderr, result.stderr


@pytest.mark.e2e
def test_pdf_findings(built, tmp_path):
    manuscript, out = built
    broken = tmp_path / "out"
    shutil.copytree(out, broken)
    press = next(broken.glob("*-print.pdf"))
    with pikepdf.open(press, allow_overwriting_input=True) as pdf:
        for page in pdf.pages:
            del page.obj["/TrimBox"]
        del pdf.Root["/OutputIntents"]
        pdf.save(press)
    screen = next(p for p in broken.glob("*.pdf") if not p.name.endswith("-print.pdf"))
    with pikepdf.open(screen, allow_overwriting_input=True) as pdf:
        with pdf.open_outline() as outline:
            outline.root.pop()
        pdf.docinfo["/Title"] = "Something else"
        pdf.save(screen)
    result = run_check(manuscript, broken)
    assert result.returncode == 1
    for code in ("BOXES", "PDFX", "OUTLINE", "TITLE"):
        assert f"[pdf {code}]" in result.stderr, result.stderr


@pytest.mark.e2e  # the gate lays the manuscript out, for the faults only a layout finds
def test_a_further_check_is_one_more_function_in_the_list(tmp_path, monkeypatch):
    """A check of its own joins the gate, its line and its verdict."""
    from report_build.checks import gate

    manuscript = tmp_path / "m" / "report.md"
    shutil.copytree(BASIC, manuscript.parent)

    def chapters(subject: gate.Outputs) -> Tally:
        return Tally("chapters", f"{len(subject.doc.chapters)} chapters")

    monkeypatch.setattr(gate, "CHECKS", [*CHECKS, chapters])
    tallies = gate.run(manuscript, tmp_path / "empty", ace=False)
    said = {tally.name: tally.line() for tally in tallies}
    assert list(said) == [
        "the build",
        "PDF structure",
        "glyph coverage",
        "links",
        "EPUBCheck",
        "Ace",
        "the site",
        "chapters",
    ]
    assert said["chapters"] == "chapters: 2 chapters: 0 errors, 0 warnings"
    assert said["the site"].startswith("the site: not run: no web edition in")
    assert said["EPUBCheck"] == "EPUBCheck: no ePub: 1 error, 0 warnings"


@pytest.mark.e2e  # check lays the manuscript out, for the faults only a layout finds
def test_missing_outputs_are_findings(tmp_path):
    manuscript = tmp_path / "m" / "report.md"
    shutil.copytree(BASIC, manuscript.parent)
    found = check(manuscript, tmp_path / "empty", ace=False)
    assert {f.finding.code for f in found} == {"MISSING"}


@pytest.mark.e2e
def test_arabic_edition_passes(arabic_edition):
    """The Arabic edition (translations/ar.po) is found by its names (idlib-lives-ar-v1.2.*); the
    gate's words (the history bookmark) come from the edition's strings file, not English."""
    manuscript = ROOT / "manuscript" / "report.md"
    out = arabic_edition
    ace = ace_missing() is None or os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")
    result = subprocess.run(
        [sys.executable, "-m", "report_build", "check", str(manuscript), "--output-dir", str(out), "--strict"]
        + ["--language", "ar"]
        + ([] if ace else ["--no-ace"]),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr
    assert "check: 0 errors, 0 warnings: passed" in result.stderr
    screen = out / "idlib-lives-ar-v1.2.pdf"
    with pikepdf.open(screen) as pdf, pdf.open_outline() as outline:
        assert outline.root[-1].title == "سجلّ الإصدارات"  # what the check compared the bookmarks with


def test_a_phrase_a_line_breaks_inside_on_the_site_is_a_warning(tmp_path, monkeypatch):
    """The site's check reports a Japanese heading's phrase set on two lines (from the browser's
    measurements, here given) as a warning, at the site."""
    manuscript = tmp_path / "report.md"
    manuscript.write_text("---\ntitle: T\nlanguage: ja\n---\n\n# 地域の教育支援と保護者\n\n本文。\n", encoding="utf-8")
    doc, theme = gather(manuscript, Diagnostics(echo=False), tmp_path / "out")
    site = tmp_path / "web"
    site.mkdir()
    (site / "site.json").write_text(json.dumps({"language": "ja", "version": doc.version}), encoding="utf-8")
    split = {"text": "教育支援と", "lines": 2, "natural": 158, "room": 280, "width": 320}
    page = {"violations": [], "overflow": None, "narrowest": None, "links": [], "split": [split]}
    raw = {"pages": {"chapter-01.html": page}, "broken": [], "external": []}
    monkeypatch.setattr(browser, "check_site", lambda *args, **kwargs: browser.BrowserReport(raw))
    paths = (tmp_path / "screen.pdf", tmp_path / "print.pdf", tmp_path / "book.epub")
    tally = gate.site(gate.Outputs(doc, theme, Diagnostics(echo=False), *paths, site))
    assert [(f.finding.severity, f.finding.code) for f in tally.findings] == [("warning", "PHRASE")]
    assert str(tally.findings[0]).endswith(
        "warning: [site PHRASE] chapter-01.html @320px: '教育支援と' on 2 lines (158 px wide, room for 280 px)"
    )
