"""Raw HTML that breaks the XHTML content model is repaired as a browser builds it, with a warning
at its line; what no repair makes valid is an error at its line."""

from __future__ import annotations

from pathlib import Path

import lxml.html
import pytest

from report_build import Diagnostics, load
from report_build.errors import ManuscriptError
from report_build.source.repair import repair
from report_build.writers.epub import xhtml_check


def _repaired(html: str) -> tuple[lxml.html.HtmlElement, list[tuple[str, str]]]:
    warnings: list[tuple[str, str]] = []
    fixed = repair(html, lambda message, needle: warnings.append((message, needle)))
    return lxml.html.fragment_fromstring(fixed, create_parent="div"), warnings


@pytest.mark.parametrize(
    ("html", "expected", "words", "needle"),
    [
        (
            "<table><tr><td><ol>Develop</ol></td></tr></table>",
            "<table><tbody><tr><td><div>Develop</div></td></tr></tbody></table>",
            "text straight inside <ol>",
            "Develop",
        ),
        (
            "<ul>Lead<li>a</li>after a<li>b</li></ul>",
            "<div>Lead</div><ul><li>a<br>after a</li><li>b</li></ul>",
            "text straight inside <ul>",
            "Lead",
        ),
        (
            "<ul><p>para</p><li>a</li></ul>",
            "<div><p>para</p></div><ul><li>a</li></ul>",
            "raw HTML <p> straight inside <ul>",
            "<p>",
        ),
        (
            "<table><tr>Loose<td>x</td></tr></table>",
            "Loose<table><tbody><tr><td>x</td></tr></tbody></table>",
            "text straight inside <tr>",
            "Loose",
        ),
        (
            "<table>Loose<tr><td>x</td></tr></table>",
            "Loose<table><tbody><tr><td>x</td></tr></tbody></table>",
            "text straight inside <table>",
            "Loose",
        ),
        (
            "<p>Before <div>block</div> after</p>",
            "<p>Before </p><div>block</div> after",
            "raw HTML <div> inside a paragraph",
            "<div>",
        ),
        ("<p>Text</b> more</p>", "<p>Text more</p>", "raw HTML </b> closes nothing", "</b>"),
        (  # as in browsers, the formatting goes on in the next paragraph
            "<div><em>open</div><p>next</p>",
            "<div><em>open</em></div><p><em>next</em></p>",
            "<em> is not closed before",
            "<em",
        ),
        (
            "<p><span>Inline <div>block</div></span></p>",
            "<p><span>Inline </span></p><div>block</div>",
            "raw HTML <div> inside a paragraph",
            "<div>",
        ),
        ("<div>never closed", "<div>never closed</div>", "<div> is never closed", "<div"),
    ],
    ids=[
        "text-in-ol",
        "text-in-ul-around-items",
        "block-in-ul",
        "text-in-tr",
        "text-in-table",
        "block-in-p",
        "block-in-span-in-p",
        "stray-end-tag",
        "unclosed-inline",
        "unclosed-block",
    ],
)
def test_each_repair_is_what_a_browser_builds_with_a_warning(html, expected, words, needle):
    root, warnings = _repaired(html)
    inner = (root.text or "") + "".join(lxml.html.tostring(child, encoding="unicode") for child in root)
    assert inner == expected
    assert any(words in message and found.startswith(needle) for message, found in warnings), warnings
    assert xhtml_check.check_tree(_as_xhtml(inner), "x") == []  # and the result is valid


def _as_xhtml(html: str):
    from lxml import etree

    root = lxml.html.fragment_fromstring(html, create_parent="div")
    for element in root.iter():
        if element.tag == "br":
            element.text = None
    return etree.fromstring(etree.tostring(root, method="xml"))


def test_valid_html_is_left_alone_and_warns_nothing():
    html = '<p>A <a href="#x">link</a><br />and <em>text</em>.</p>\n'
    html += "<table><tr><td>1</td></tr></table>\n<ul><li>a</li></ul>"
    warnings: list[tuple[str, str]] = []
    assert repair(html, lambda message, needle: warnings.append((message, needle))) == html
    assert warnings == []


def _load(tmp_path: Path, body: str):
    manuscript = tmp_path / "report.md"
    manuscript.write_text("# One\n\n" + body, encoding="utf-8")
    diagnostics = Diagnostics(echo=False)
    return load(manuscript, diagnostics), diagnostics


def test_repairs_in_a_manuscript_warn_at_their_line(tmp_path):
    body = "Text.\n\n| Phase | Steps |\n|---|---|\n| One | <ol>Develop</ol> |\n\n<p>Para <div>inside</div></p>\n"
    document, diagnostics = _load(tmp_path, body)
    warned = [(w.line, w.message.split(" (")[0].split(":")[0]) for w in diagnostics.warnings]
    assert (7, "text straight inside <ol>") in warned, warned
    assert (9, "raw HTML <div> inside a paragraph") in warned, warned
    body = "".join(chapter.body for chapter in document.chapters)
    assert "<div>Develop</div>" in body and "<ol" not in body


def test_what_no_repair_makes_valid_is_an_error_at_its_line(tmp_path):
    """A list item outside any list, a block inside a <span> in a table cell: browsers show them,
    but XHTML has no valid form of them."""
    from report_build.writers.epub.writer import write_epub

    document, _ = _load(tmp_path, "Text.\n\n<div>\n<li>ITEM-HERE</li>\n</div>\n")
    with pytest.raises(ManuscriptError) as info:
        write_epub(document)
    assert info.value.line == 6, info.value
    assert "<li> is not allowed inside <div>" in info.value.message and "ITEM-HERE" in info.value.message
    document, _ = _load(tmp_path, "| a |\n|---|\n| <span>Inline <div>BLOCK-HERE</div></span> |\n")
    with pytest.raises(ManuscriptError) as info:
        write_epub(document)
    assert info.value.line == 5, info.value
    assert "<div> is a block" in info.value.message and "BLOCK-HERE" in info.value.message
