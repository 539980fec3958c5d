"""The ePub's in-process structural check: one test per class of fault it must catch, and who
gets the blame (the manuscript at file:line, or report-build as an internal error)."""

from __future__ import annotations

from pathlib import Path

import pytest

from report_build import Diagnostics, load
from report_build.errors import RenderError
from report_build.writers.epub.xhtml_check import check_package, check_tree, parse

HEAD = '<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE html>\n<html xmlns="http://www.w3.org/1999/xhtml"><head><title>t</title>'


def page(body: str, head: str = "") -> bytes:
    return f"{HEAD}{head}</head><body>{body}</body></html>".encode()


def faults_of(body: str, head: str = "", others: dict[str, bytes] | None = None) -> list[str]:
    files = {"a.xhtml": page(body, head), **(others or {})}
    return [fault.message for fault in check_package(files, {"images/ok.png", "css/ok.css"})]


def test_a_valid_package_has_no_fault():
    body = (
        '<h1 id="top">T</h1><p>A <a href="#top">link</a>, <a href="b.xhtml#there">another</a>, '
        '<a href="https://example.org">out</a> <img src="images/ok.png" alt="x"/></p>'
        "<ol><li>a</li></ol><table><caption>c</caption><tbody><tr><td>1</td></tr></tbody></table>"
        "<dl><dt>t</dt><dd>d</dd></dl>"
    )
    other = {"b.xhtml": page('<p id="there">x</p>')}
    assert faults_of(body, '<link rel="stylesheet" href="css/ok.css"/>', other) == []


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ('<p id="a b">x</p>', "id 'a b' is not valid"),
        ('<p id="">x</p>', "id '' is not valid"),
        ('<p id="x">1</p><p id="x">2</p>', "id 'x' is used twice"),
        ("<ol>Develop</ol>", "text straight inside <ol>"),
        ("<ul><li>a</li>after</ul>", "text straight inside <ul>"),
        ("<ul><p>x</p></ul>", "<p> is not allowed straight inside <ul>"),
        ("<div><li>x</li></div>", "<li> is not allowed inside <div>"),
        ("<table>loose<tr><td>1</td></tr></table>", "text straight inside <table>"),
        ("<table><tr>loose<td>1</td></tr></table>", "text straight inside <tr>"),
        ("<table><p>x</p></table>", "<p> is not allowed straight inside <table>"),
        ("<div><td>x</td></div>", "<td> is not allowed inside <div>"),
        ("<dl><p>x</p></dl>", "<p> is not allowed straight inside <dl>"),
        ("<p>a <div>b</div></p>", "<div> is a block; <p> may hold only"),
        ("<h2>a <ul><li>b</li></ul></h2>", "<ul> is a block; <h2> may hold only"),
        ("<span><table><tr><td>x</td></tr></table></span>", "<table> is a block; <span>"),
        ("<p>a&nbsp;b</p>", "Entity 'nbsp' not defined"),
        ("<p>a <b>b</p>", "not well-formed"),
        ('<a href="#nowhere">x</a>', "a.xhtml has no id 'nowhere'"),
        ('<a href="c.xhtml">x</a>', "the package has no file 'c.xhtml'"),
        ('<a href="b.xhtml#missing">x</a>', "b.xhtml has no id 'missing'"),
        ('<img src="images/missing.png" alt="x"/>', "<img src='images/missing.png'>: the package has no such file"),
        ('<img src="images/ok.png" alt="x" width="6.5in"/>', "<img> width '6.5in' is not a whole number"),
    ],
    ids=[
        "id-with-space",
        "empty-id",
        "duplicate-id",
        "text-in-ol",
        "text-after-item",
        "block-in-ul",
        "item-outside-list",
        "text-in-table",
        "text-in-tr",
        "block-in-table",
        "cell-outside-row",
        "block-in-dl",
        "block-in-p",
        "block-in-heading",
        "table-in-span",
        "undefined-entity",
        "not-well-formed",
        "broken-fragment",
        "missing-file",
        "missing-id-in-other-file",
        "missing-image",
        "image-size-in-inches",
    ],
)
def test_each_class_of_fault_is_caught(body, words):
    found = faults_of(body, others={"b.xhtml": page('<p id="there">x</p>')})
    assert any(words in message for message in found), found


def test_missing_stylesheet_is_caught():
    assert any("css/gone.css" in m for m in faults_of("<p>x</p>", '<link rel="stylesheet" href="css/gone.css"/>'))


def test_faults_name_the_line_of_the_xhtml_file_and_clues_to_the_source():
    root, problems = parse(page('<p>x</p>\n<div id="cell">\n<ol>Develop this</ol></div>'), "a.xhtml")
    assert problems == [] and root is not None
    (fault,) = check_tree(root, "a.xhtml")
    assert fault.line == 5 and fault.text == "Develop this" and "cell" in fault.ids and fault.tag == "<ol>"


def test_a_fault_from_a_layout_template_is_an_internal_error_not_the_manuscripts(tmp_path):
    """The chapters pass; the page template adds a broken id: report-build says it is its own fault."""
    from report_build.writers.epub.writer import write_epub

    layouts = tmp_path / "layouts"
    layouts.mkdir()
    default = Path(__file__).resolve().parents[2] / "layouts" / "chapter.html"
    (layouts / "chapter.html").write_text(
        default.read_text(encoding="utf-8") + '\n<p id="not valid">x</p>\n', encoding="utf-8"
    )
    manuscript = tmp_path / "report.md"
    manuscript.write_text("---\ntitle: T\nlayouts: layouts\n---\n\n# One\n\nText.\n", encoding="utf-8")
    document = load(manuscript, Diagnostics(echo=False))
    with pytest.raises(RenderError) as info:
        write_epub(document)
    message = str(info.value)
    assert "internal error" in message and "not from the manuscript" in message and "'not valid'" in message
