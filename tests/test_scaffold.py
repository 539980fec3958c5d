"""`report-build new`: a report that builds at once, with no warning, in English, French or Arabic."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pikepdf
import pytest
import yaml

from conftest import ROOT, build_bytes, pdf_pages
from epubcheck_helper import epubcheck_many
from report_build import Diagnostics, load
from report_build.cli import main
from report_build.theme import default_layouts


def new(capsys, *args: str) -> tuple[int, str, str]:
    code = main(["new", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_new_report_has_everything_and_loads_without_a_warning(tmp_path, capsys):
    folder = tmp_path / "water-report"
    code, out, err = new(capsys, str(folder), "--title", "Water for Idlib")
    assert code == 0, err
    assert out.split("\n")[0] == str(folder / "report.md")  # the manuscript first, then every other file
    assert {Path(line).relative_to(folder).as_posix() for line in out.split()} == {
        "report.md",
        "changelog.yaml",
        "images/figure.svg",
        "layouts/README.md",
        "Makefile",
        "README.md",
        ".gitignore",
    }
    assert "cd " in err and "make pdf" in err
    document = load(folder / "report.md", Diagnostics(strict=True, echo=False))  # strict: a warning fails
    assert document.metadata.title == "Water for Idlib"
    assert document.metadata.language == "en"
    assert document.metadata.layouts == (folder / "layouts").resolve()
    assert document.metadata.identifier.startswith("urn:uuid:")
    assert [r.version for r in document.releases] == ["1.0"]
    (chapter,) = document.chapters
    assert chapter.title == "Introduction"
    assert len(chapter.footnotes) == 1
    assert [f.number for f in document.figures] == [1] and document.figures[0].alt
    assert "<table" in chapter.body and "An example table" in chapter.body
    assert "override" in (folder / "layouts" / "README.md").read_text()
    makefile = (folder / "Makefile").read_text()
    for target in ("pdf", "epub", "web", "all", "preview"):  # what the README beside it says
        assert f"\n{target}: tool\n\t$(REPORT_BUILD) {target} $(MANUSCRIPT)\n" in makefile
        assert f"make {target}" in (folder / "README.md").read_text()


def test_two_reports_get_different_identifiers_and_a_title_from_the_folder(tmp_path, capsys):
    assert new(capsys, str(tmp_path / "water-report"))[0] == 0
    assert new(capsys, str(tmp_path / "annual_review"))[0] == 0
    one, two = (
        yaml.safe_load((tmp_path / name / "report.md").read_text().split("---")[1])
        for name in ("water-report", "annual_review")
    )
    assert one["title"] == "Water report" and two["title"] == "Annual review"
    assert one["identifier"] != two["identifier"]


def test_arabic_report_is_right_to_left_with_arabic_words(tmp_path, capsys):
    folder = tmp_path / "taqrir"
    code, _, err = new(capsys, str(folder), "--title", "تقرير المياه", "--language", "ar")
    assert code == 0, err
    document = load(folder / "report.md", Diagnostics(strict=True, echo=False))
    assert document.metadata.title == "تقرير المياه"
    assert document.metadata.language == "ar"
    (chapter,) = document.chapters
    assert chapter.title == "مقدمة"
    assert len(chapter.footnotes) == 1 and len(document.figures) == 1 and "<table" in chapter.body


def test_refuses_a_folder_that_is_not_empty(tmp_path, capsys):
    folder = tmp_path / "taken"
    folder.mkdir()
    (folder / "notes.txt").write_text("mine")
    code, out, err = new(capsys, str(folder))
    assert code == 1 and out == ""
    assert "taken: is not empty" in err and "Traceback" not in err
    assert sorted(p.name for p in folder.iterdir()) == ["notes.txt"]
    assert (folder / "notes.txt").read_text() == "mine"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["taken"]  # no scratch folder left behind


def test_accepts_an_empty_folder_and_refuses_a_file(tmp_path, capsys):
    (tmp_path / "empty").mkdir()
    assert new(capsys, str(tmp_path / "empty"))[0] == 0
    assert (tmp_path / "empty" / "report.md").is_file()
    (tmp_path / "file").write_text("x")
    code, _, err = new(capsys, str(tmp_path / "file"))
    assert code == 1 and "is not a folder" in err


@pytest.mark.parametrize("language", ["de", "not a tag"])
def test_refuses_a_language_without_strings(tmp_path, capsys, language):
    code, out, err = new(capsys, str(tmp_path / "r"), "--language", language)
    assert code == 1 and out == ""
    assert f"'{language}'" in err
    assert not (tmp_path / "r").exists()


def test_every_scaffold_language_has_a_strings_file():
    scaffold = default_layouts() / "new"
    languages = sorted(p.name for p in scaffold.iterdir() if p.is_dir() and p.name != "common")
    assert languages == ["ar", "en", "fr"]
    for language in languages:
        assert (default_layouts() / "strings" / f"{language}.yaml").is_file()
        assert sorted(p.relative_to(scaffold / language).as_posix() for p in (scaffold / language).rglob("*.*")) == [
            "changelog.yaml.tmpl",
            "images/figure.svg",
            "report.md.tmpl",
        ]


# -- end to end: the new report builds strictly, validates, and `make pdf` works in it ------------


@pytest.mark.e2e
def test_new_reports_build_strictly_and_validate(tmp_path, capsys):
    books = {}
    for language, words in (("en", "Figure 1"), ("fr", "Figure 1"), ("ar", "الشكل 1")):
        folder = tmp_path / language
        assert new(capsys, str(folder), "--language", language)[0] == 0
        pdf = build_bytes(folder / "report.md")  # strict: any warning, WeasyPrint's included, fails
        text = unicodedata.normalize("NFKC", "\n".join(pdf_pages(pdf)))  # Arabic presentation forms: letters
        text = re.sub("[\u200e\u200f\u202a-\u202e\u2066-\u2069]", "", text)  # no bidi controls
        assert words in " ".join(text.split()), text
        books[language] = build_bytes(folder / "report.md", "epub")
    assert epubcheck_many(books) == {"en": [], "fr": [], "ar": []}


@pytest.mark.e2e
def test_make_pdf_in_a_new_report_uses_the_clones_report_build(tmp_path, capsys):
    folder = tmp_path / "water-report"
    assert new(capsys, str(folder))[0] == 0
    assert f"CLONE := {ROOT}\n" in (folder / "Makefile").read_text()
    path = os.pathsep.join(p for p in os.environ["PATH"].split(os.pathsep) if not (Path(p) / "report-build").exists())
    assert shutil.which("report-build", path=path) is None
    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL")}  # not `make -s test`'s
    result = subprocess.run(
        ["make", "pdf"], cwd=folder, env={**env, "PATH": path}, capture_output=True, text=True, timeout=600
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "warning" not in result.stderr
    assert f"{ROOT}/.venv/bin/report-build pdf report.md" in result.stdout
    with pikepdf.open(folder / "output" / "water-report-v1.0.pdf") as pdf:
        assert str(pdf.docinfo["/Title"]) == "Water report"
        assert len(pdf.pages) >= 4
