"""The redline: the current manuscript against a released version's kept sources, as tracked changes."""

from __future__ import annotations

import io
import shutil
import zipfile
from pathlib import Path

import docx
import pytest
from lxml import etree

from conftest import FIXTURES
from report_build import Diagnostics, load
from report_build.cli import main
from report_build.publish import release
from report_build.publish.redline import redline
from report_build.theme import Theme

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
NS = {"w": W[1:-1]}


def file_release(manuscript: Path, out: Path) -> Path:
    """File a release of the manuscript's version (its sources kept), without PDF or ePub: the
    release logic alone, cheap enough for a fast test."""
    document = load(manuscript, Diagnostics(echo=False), out / "releases")
    released = release.release(document, dict, out / "releases", Theme(None, "en", Diagnostics(echo=False)))
    return released.folder


def add_version(manuscript: Path, version: str, date: str, summary: str) -> None:
    log = manuscript.parent / "changelog.yaml"
    entry = f'releases:\n  - version: "{version}"\n    date: {date}\n    summary: {summary}\n'
    log.write_text(log.read_text().replace("releases:\n", entry, 1))


@pytest.fixture
def two_versions(tmp_path):
    """Release 2.0 of the versioned fixture, then 2.1 with a sentence changed, a paragraph deleted
    and a table added."""
    shutil.copytree(FIXTURES / "versioned", tmp_path / "m")
    manuscript, out = tmp_path / "m" / "report.md", tmp_path / "out"
    file_release(manuscript, out)
    text = manuscript.read_text()
    text = text.replace("author: Test Author", "author: Test Author\nsubtitle: Second thoughts")
    text = text.replace("The first finding.", "The first and main finding.")
    text = text.replace("More detail.\n", "")
    text = text.replace(
        "# Recommendations", "Table: Costs\n\n| Item | Cost |\n|---|---|\n| Water | 12 |\n\n# Recommendations"
    )
    manuscript.write_text(text)
    add_version(manuscript, "2.1", "2021-07-01", "Changed a finding.")
    return manuscript, out


def _changes(data: bytes) -> list[tuple[str, str, str, str]]:
    """(kind, author, date, text) of every w:ins and w:del holding text, in document order."""
    body = etree.fromstring(zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml"))
    found = []
    for change in body.iter(f"{W}ins", f"{W}del"):
        text = "".join(change.xpath(".//w:t/text()|.//w:delText/text()", namespaces=NS))
        if text:
            found.append((change.tag[len(W) :], change.get(f"{W}author"), change.get(f"{W}date"), text))
    return found


def test_redline_tracks_exactly_the_changes(two_versions):
    manuscript, out = two_versions
    path, data = redline(manuscript, "2.0", output_dir=out, diagnostics=Diagnostics(echo=False))
    assert path == out / "versioned-report-v2.1-changes-since-2.0.docx"
    changes = _changes(data)
    assert {(author, date) for _, author, date, _ in changes} == {("report-build", "2021-07-01T00:00:00Z")}
    body = [(kind, text) for kind, _, _, text in changes]
    summary, front, *chapters = body  # the changelog's new version and the front matter first
    assert summary == ("ins", "Version 2.1 · 1 July 2021: Changed a finding.")
    assert front == ("ins", "Second thoughts")  # "subtitle: " then the new value, inserted
    assert chapters == [
        ("ins", "and main "),  # a word inserted inside the sentence
        ("del", "More detail."),  # a paragraph deleted whole
        ("ins", "Table 1: "),  # a table inserted whole: caption, header, row
        ("ins", "Costs"),
        ("ins", "Item"),
        ("ins", "Cost"),
        ("ins", "Water"),
        ("ins", "12"),
    ]
    word = docx.Document(io.BytesIO(data))
    reworded = next(p for p in word.paragraphs if "finding" in p.text and p.style.name == "Normal")
    assert reworded.text == "The first finding."  # python-docx shows the accepted-before text: w:ins is skipped
    root = etree.fromstring(zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml"))
    deleted = next(p for p in root.iter(f"{W}p") if "More detail." in "".join(p.itertext()))
    assert deleted.find("w:pPr/w:rPr/w:del", NS) is not None  # the paragraph mark goes too
    rows = root.findall(".//w:tbl/w:tr", NS)
    assert len(rows) == 2 and all(row.find("w:trPr/w:ins", NS) is not None for row in rows)


def test_redline_from_the_command_line_and_unknown_version(two_versions, capsys, monkeypatch):
    manuscript, out = two_versions
    code = main(["docx", str(manuscript), "--changes-since", "2.0", "--output-dir", str(out), "-q"])
    assert code == 0
    written = out / "versioned-report-v2.1-changes-since-2.0.docx"
    assert capsys.readouterr().out.strip() == str(written) and _changes(written.read_bytes())
    monkeypatch.chdir(manuscript.parent)  # not a git repository: 9.9 is neither released nor a revision
    assert main(["docx", str(manuscript), "--changes-since", "9.9", "--output-dir", str(out), "-q"]) == 1
    assert "'9.9' is neither a manuscript file, a version released in" in capsys.readouterr().err
