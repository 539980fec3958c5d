"""The command-line contract: paths, exit codes, messages."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pikepdf
import pytest

from conftest import FIXTURES, ROOT, pdf_pages, squash

pytestmark = pytest.mark.e2e  # every test here lays out a PDF or runs a build in a subprocess

RB = [sys.executable, "-m", "report_build"]


def run(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*RB, *args], cwd=cwd, capture_output=True, text=True, timeout=300)


def test_help_and_version():
    result = run("--help")
    assert result.returncode == 0 and "pdf" in result.stdout and "epub" in result.stdout
    result = run("--version")
    assert result.returncode == 0 and result.stdout.startswith("report-build ")


def test_usage_error_exits_2():
    assert run("frobnicate").returncode == 2
    assert run("pdf", "--no-such-option").returncode == 2


def test_builds_a_manuscript_outside_the_repository(tmp_path):
    other = tmp_path / "other"
    shutil.copytree(FIXTURES / "basic", other)
    target = tmp_path / "x.pdf"
    result = run("pdf", str(other / "report.md"), "-o", str(target), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(target)
    data = target.read_bytes()
    with pikepdf.open(target) as pdf:
        assert str(pdf.docinfo["/Title"]) == "Field Notes: A small fixture report"
    assert squash("A nested bullet") in squash("".join(pdf_pages(data)))


def test_default_output_path_carries_slug(tmp_path):
    shutil.copytree(FIXTURES / "basic", tmp_path / "m")
    result = run("pdf", "m/report.md", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    written = Path(tmp_path / result.stdout.strip())
    assert written.name == "field-notes.pdf" and written.parent.name == "output"
    assert written.read_bytes().startswith(b"%PDF-")


def test_build_error_is_file_line_message_exit_1_no_traceback(tmp_path):
    manuscript = tmp_path / "bad.md"
    manuscript.write_text("---\ntitle: [unclosed\n---\n\n# Chapter\n", encoding="utf-8")
    result = run("pdf", str(manuscript), "-o", str(tmp_path / "bad.pdf"), cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.startswith("bad.md:"), result.stderr
    line = int(result.stderr.split(":")[1])
    assert line in (2, 3, 4)
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "bad.pdf").exists()


def test_missing_manuscript(tmp_path):
    result = run("pdf", "nope.md", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.strip() == "nope.md: no such file"


def test_unknown_front_matter_key_is_a_warning_with_line(tmp_path):
    manuscript = tmp_path / "report.md"
    manuscript.write_text("---\ntitle: T\nlayout: page\n---\n\n# One\n\nText.\n", encoding="utf-8")
    result = run("pdf", str(manuscript), "-o", str(tmp_path / "t.pdf"), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "report.md:3: warning: unknown front matter key 'layout'" in result.stderr
    strict = run("pdf", "--strict", str(manuscript), "-o", str(tmp_path / "s.pdf"), cwd=tmp_path)
    assert strict.returncode == 1 and "report.md:3:" in strict.stderr
    assert not (tmp_path / "s.pdf").exists()


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_the_program_ends_without_leaving_temporary_files(tmp_path, jobs):
    """The program freezes what a command made out of the garbage collector as it ends
    (cli.command); the fonts' temporary folder WeasyPrint removes when collected is removed
    first, with the single pass's kept stylesheets and with the workers'."""
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    target = tmp_path / "x.pdf"
    env = {**os.environ, "TMPDIR": str(scratch)}
    result = subprocess.run(
        [*RB, "pdf", str(FIXTURES / "basic" / "report.md"), "-o", str(target), "-j", jobs],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
    )
    assert result.returncode == 0, result.stderr
    with pikepdf.open(target) as pdf:
        assert len(pdf.pages) > 1
    assert [path.name for path in scratch.iterdir()] == []
