"""A link that goes nowhere: a warning in a draft (its text kept as plain text), an error with
--strict, in `release` and in `check`."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import FIXTURES

pytestmark = pytest.mark.e2e  # commands run in a subprocess

RB = [sys.executable, "-m", "report_build"]
ENV = {key: value for key, value in os.environ.items() if key != "REPORT_BUILD_DEBUG"}


def _manuscript(tmp_path: Path) -> Path:
    shutil.copytree(FIXTURES / "versioned", tmp_path / "book")
    manuscript = tmp_path / "book" / "report.md"
    text = manuscript.read_text(encoding="utf-8")
    manuscript.write_text(text + "\nSee [the annex](#annex).\n", encoding="utf-8")
    return manuscript


def _line(manuscript: Path) -> int:
    return next(n for n, line in enumerate(manuscript.read_text(encoding="utf-8").split("\n"), 1) if "#annex" in line)


def _run(*args: object, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*RB, *map(str, args)], cwd=cwd, capture_output=True, text=True, env=ENV, timeout=600)


@pytest.mark.parametrize("command", ["release", "check"])
def test_release_and_check_refuse_a_link_that_goes_nowhere(tmp_path, command):
    manuscript = _manuscript(tmp_path)
    result = _run(command, manuscript, "--output-dir", tmp_path / "out", cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    label = "error: [check FAULT] " if command == "check" else ""  # check labels each of its findings
    assert f"report.md:{_line(manuscript)}: {label}link to '#annex' goes nowhere" in result.stderr, result.stderr
    assert "warning" not in result.stderr.split("goes nowhere")[0].rsplit("\n", 1)[-1]
    assert not (tmp_path / "out" / "releases").exists()


def test_a_draft_builds_with_a_warning_and_strict_refuses(tmp_path):
    manuscript = _manuscript(tmp_path)
    out = tmp_path / "out.pdf"
    result = _run("pdf", manuscript, "-o", out, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert f"report.md:{_line(manuscript)}: warning: link to '#annex' goes nowhere" in result.stderr
    text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True, check=True).stdout
    assert "See the annex." in " ".join(text.split())
    strict = _run("pdf", manuscript, "-o", tmp_path / "strict.pdf", "--strict", cwd=tmp_path)
    assert strict.returncode == 1 and "goes nowhere" in strict.stderr and not (tmp_path / "strict.pdf").exists()
