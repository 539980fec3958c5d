"""The check gate: findings on real outputs, mapped back to the manuscript's lines."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pikepdf
import pytest

from conftest import FIXTURES, ROOT
from report_build import Diagnostics, build
from report_build.checks.ace import ace_missing
from report_build.checks.gate import check

BASIC = FIXTURES / "basic"


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("check")
    manuscript = folder / "m" / "report.md"
    shutil.copytree(BASIC, manuscript.parent)
    out = folder / "out"
    quiet = Diagnostics(echo=False)
    build(manuscript, ("pdf", "epub"), output_dir=out, diagnostics=quiet)
    build(manuscript, ("pdf",), output_dir=out, edition="print", diagnostics=quiet)
    return manuscript, out


def run_check(manuscript: Path, out: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "report_build", "check", str(manuscript), "--output-dir", str(out), "--no-ace"],
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.mark.e2e
def test_clean_outputs_pass(built):
    manuscript, out = built
    result = run_check(manuscript, out)
    assert result.returncode == 0, result.stderr
    assert "check: 0 errors, 0 warnings" in result.stderr


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
    assert "check: 0 errors, 0 warnings" in result.stderr
    screen = out / "idlib-lives-ar-v1.2.pdf"
    with pikepdf.open(screen) as pdf, pdf.open_outline() as outline:
        assert outline.root[-1].title == "سجلّ الإصدارات"  # what the check compared the bookmarks with
