"""Reviewers' comments and tracked changes, from a reviewed Word edition back to file:line."""

from __future__ import annotations

import copy
import hashlib
import io
import json

import docx
import pytest
from docx.oxml.ns import qn

from conftest import MANUSCRIPT
from report_build import Diagnostics, load
from report_build.cli import main
from report_build.publish.review import review
from report_build.theme import Theme
from report_build.writers.docx.writer import write_docx


def _line_of(path, start: str) -> int:
    return next(n for n, line in enumerate(path.read_text().split("\n"), 1) if line.startswith(start))


def _digest(folder) -> str:
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        digest.update(path.read_bytes())
    return digest.hexdigest()


@pytest.fixture(scope="module")
def reviewed(tmp_path_factory):
    """The sample's Word edition with a reviewer's comments and tracked changes, as python-docx
    (1.2 writes comments) and Word itself would leave them."""
    document = load(MANUSCRIPT, Diagnostics(echo=False))
    data = write_docx(document, Theme(document.metadata.layouts, document.metadata.language))
    word = docx.Document(io.BytesIO(data))
    chapter_3 = document.chapters[2]
    assert chapter_3.source.name == "about.md"
    target = next(p for p in word.paragraphs if p.text.startswith("The report draws heavily on interviews"))
    word.add_comment(target.runs, text="Which organisations? Name two.", author="Jane Reviewer", initials="JR")
    stronghold = next(p for p in word.paragraphs if p.text.startswith("Idlib lies in north-western Syria"))
    word.add_comment(stronghold.runs, text="Source for the population?", author="Ali Hassan", initials="AH")
    title = word.paragraphs[0]
    word.add_comment(title.runs, text="A shorter title?", author="Ali Hassan", initials="AH")
    extra = next(p for p in word.paragraphs if p.text.startswith("Readers in a hurry")).insert_paragraph_before(
        "A paragraph the reviewer wrote that no manuscript has."
    )
    word.add_comment(extra.runs, text="Keep this?", author="Jane Reviewer", initials="JR")
    # a tracked deletion and insertion by a reviewer, in chapter 2's last paragraph
    tracked = next(p for p in word.paragraphs if p.text.startswith("The figures should be read with their qualifiers"))
    run = tracked.runs[0]._r
    deleted = copy.deepcopy(run)
    for t in deleted.iter(qn("w:t")):
        t.tag = qn("w:delText")
        t.text = "The figures should be read"
    change = deleted.makeelement(qn("w:del"), {qn("w:id"): "900", qn("w:author"): "Ali Hassan"})
    change.append(deleted)
    run.addprevious(change)
    run.find(qn("w:t")).text = run.find(qn("w:t")).text.replace("The figures should be read", "", 1)
    inserted = copy.deepcopy(run)
    inserted.find(qn("w:t")).text = "Read the figures"
    added = run.makeelement(qn("w:ins"), {qn("w:id"): "901", qn("w:author"): "Ali Hassan"})
    added.append(inserted)
    run.addprevious(added)
    path = tmp_path_factory.mktemp("review") / "reviewed.docx"
    word.save(path)
    return path


def test_comments_and_changes_come_back_at_file_and_line(reviewed):
    manuscript_before = _digest(MANUSCRIPT.parent)
    remarks = review(reviewed, MANUSCRIPT)
    assert _digest(MANUSCRIPT.parent) == manuscript_before  # nothing in the manuscript changes
    placed = {(r.author, r.comment or r.kind): (r.path, r.line) for r in remarks}
    about = MANUSCRIPT.parent / "chapters" / "about.md"
    context = MANUSCRIPT.parent / "chapters" / "context.md"
    assert placed[("Jane Reviewer", "Which organisations? Name two.")] == (
        "manuscript/chapters/about.md",
        _line_of(about, "The report draws heavily on interviews"),
    )
    assert placed[("Ali Hassan", "Source for the population?")] == (
        "manuscript/chapters/context.md",
        _line_of(context, "Idlib lies in north-western Syria"),
    )
    qualifiers = _line_of(context, "The figures should be read with their qualifiers")
    assert placed[("Ali Hassan", "deleted")] == ("manuscript/chapters/context.md", qualifiers)
    assert placed[("Ali Hassan", "inserted")] == ("manuscript/chapters/context.md", qualifiers)
    assert placed[("Ali Hassan", "A shorter title?")] == ("manuscript/report.md", 2)  # the front matter's title
    assert placed[("Jane Reviewer", "Keep this?")] == ("", None)
    assert [r.path for r in remarks][-1] == ""  # what is not found comes last
    keys = [(r.path, r.line) for r in remarks if r.path]
    assert keys == sorted(keys)


def test_comments_command_prints_file_line_and_json(reviewed, capsys, monkeypatch):
    monkeypatch.chdir(MANUSCRIPT.parent.parent)
    assert main(["comments", str(reviewed), "manuscript/report.md"]) == 0
    lines = capsys.readouterr().out.strip().split("\n")
    line = _line_of(MANUSCRIPT.parent / "chapters" / "about.md", "The report draws heavily")
    assert f'manuscript/chapters/about.md:{line}: Jane Reviewer: "The report draws heavily on interviews' in "\n".join(
        lines
    )
    assert lines[-1] == 'not found: Jane Reviewer: "A paragraph the reviewer wrote that no manuscript has.": Keep this?'
    assert any(line.endswith(': Ali Hassan: "The figures should be read": deleted') for line in lines)
    assert any(line.endswith(': Ali Hassan: "Read the figures": inserted') for line in lines)
    assert main(["comments", str(reviewed), "manuscript/report.md", "--format", "json"]) == 0
    found = json.loads(capsys.readouterr().out)
    assert {"path", "line", "author", "anchored", "comment", "kind", "found"} <= set(found[0])
    assert sum(1 for item in found if not item["found"]) == 1
