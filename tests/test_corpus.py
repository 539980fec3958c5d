"""`make corpus` (bench/corpus.py) on a corpus of four small documents: a table row for each,
the checks' results, and a failing exit status when one does not build or leaves raw syntax."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from conftest import ROOT
from report_build.checks import browser

pytestmark = pytest.mark.e2e


def test_corpus_table_reports_each_document(tmp_path):
    good, broken, boxes, leaky = tmp_path / "good", tmp_path / "broken", tmp_path / "boxes", tmp_path / "leaky"
    for folder in (good, broken, boxes, leaky):
        folder.mkdir()
        (folder / "SOURCE.txt").write_text("written for this test\n", encoding="utf-8")
    (good / "doc.md").write_text(
        "---\ntitle: Good\n---\n\n# One\n\nText with a badge ![Build passing](https://ci.example.org/b.svg).\n",
        encoding="utf-8",
    )
    (broken / "doc.md").write_bytes(b"---\ntitle: Broken\n---\n\n# One\n\nCaf\xe9.\n")  # not UTF-8: no draft of it
    (boxes / "doc.md").write_text("---\ntitle: Boxes\n---\n\n# One\n\nKawi \U00011f04, no font.\n", encoding="utf-8")
    (leaky / "doc.Rmd").write_text(  # an R Markdown file is a manuscript too
        "---\ntitle: Leaky\n---\n\n# One\n\nA stray ::: and {{< in the text; `::: {{< $$` in code is code.\n\n"
        "```r\nx === y  # in code too\n```\n",
        encoding="utf-8",
    )
    site = browser.missing() is None or os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")
    result = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "corpus.py"), "--root", str(tmp_path)] + ([] if site else ["--no-site"]),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 1, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    header = ["document", "PDF pages", "qpdf", "tofu", "ePub (EPUBCheck)", "raw syntax", "time", "warnings"]
    assert [cell.strip() for cell in lines[0].split("  ") if cell.strip()] == [*header, "remote omitted", "site"]
    rows = {line.split()[0]: line.split() for line in lines[2:6]}
    assert int(rows["good"][1]) >= 3 and rows["good"][2:6] == ["ok", "0", "valid", "0"]  # cover, title page, text ...
    assert rows["good"][-2] == "1"  # one remote image omitted
    assert rows["good"][-1] == ("clean" if site else "-")  # the site's browser checks
    assert rows["broken"][1:7] == ["-", "-", "-", "not", "built", "-"]
    assert rows["boxes"][2:6] == ["ok", "1", "valid", "0"]  # a character no font has: one empty box
    assert rows["leaky"][2:6] == ["ok", "0", "valid", "1"]
    assert "doc.md:7: not valid UTF-8 (byte 0xe9)" in result.stdout
    assert "tofu: \U00011f04 print as empty boxes" in result.stdout
    for found in ("raw syntax in the ePub: 1 x :::", "raw syntax in the PDF: 1 x {{<"):
        assert found in result.stdout
    assert "$$" not in result.stdout and "===" not in result.stdout  # code is code
    assert lines[-1] == "1 of 4 documents built and valid"
