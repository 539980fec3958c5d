"""`make corpus` (bench/corpus.py) on a corpus of three small documents: a table row for each,
the checks' results, and a failing exit status when one does not build."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from conftest import ROOT
from report_build.checks import browser

pytestmark = pytest.mark.e2e


def test_corpus_table_reports_each_document(tmp_path):
    good, broken, boxes = tmp_path / "good", tmp_path / "broken", tmp_path / "boxes"
    for folder in (good, broken, boxes):
        folder.mkdir()
        (folder / "SOURCE.txt").write_text("written for this test\n", encoding="utf-8")
    (good / "doc.md").write_text(
        "---\ntitle: Good\n---\n\n# One\n\nText with a badge ![Build passing](https://ci.example.org/b.svg).\n",
        encoding="utf-8",
    )
    (broken / "doc.md").write_bytes(b"---\ntitle: Broken\n---\n\n# One\n\nCaf\xe9.\n")  # not UTF-8: no draft of it
    (boxes / "doc.md").write_text("---\ntitle: Boxes\n---\n\n# One\n\nKawi \U00011f04, no font.\n", encoding="utf-8")
    site = browser.missing() is None or os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")
    result = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "corpus.py"), "--root", str(tmp_path)] + ([] if site else ["--no-site"]),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 1, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    header = ["document", "PDF pages", "qpdf", "tofu", "ePub (EPUBCheck)", "time", "warnings", "remote omitted", "site"]
    assert [cell.strip() for cell in lines[0].split("  ") if cell.strip()] == header
    rows = {line.split()[0]: line.split() for line in lines[2:5]}
    assert int(rows["good"][1]) >= 3 and rows["good"][2:5] == ["ok", "0", "valid"]  # cover, title page, text ...
    assert rows["good"][-2] == "1"  # one remote image omitted
    assert rows["good"][-1] == ("clean" if site else "-")  # the site's browser checks
    assert rows["broken"][1:6] == ["-", "-", "-", "not", "built"]
    assert rows["boxes"][2:5] == ["ok", "1", "valid"]  # a character no font has: one empty box
    assert "doc.md:7: not valid UTF-8 (byte 0xe9)" in result.stdout
    assert "tofu: \U00011f04 print as empty boxes" in result.stdout
    assert lines[-1] == "1 of 3 documents built and valid"
