"""Raw HTML read as GitHub reads it: angle brackets that are no tag stay text, autolinks take any
scheme, an element that would take the rest of the chapter for its text is shown as text, and an
HTML block ends where GitHub ends it, with the Markdown after it read as Markdown."""

from __future__ import annotations

import lxml.html
import pytest

from conftest import read_chapters
from report_build import Diagnostics, load


def _text(root) -> str:
    return " ".join(root.text_content().split())


@pytest.mark.parametrize(
    ("written", "shown"),
    [
        ("Copy <file.txt> to <path/to/dir>, press <Ctrl+C>.", "Copy <file.txt> to <path/to/dir>, press <Ctrl+C>."),
        ("Close with </a href=x> and <a h*#ref=hi> here.", "Close with </a href=x> and <a h*#ref=hi> here."),
        ("A < b > c and <foo.bar.baz> and <m:abc> stay.", "A < b > c and <foo.bar.baz> and <m:abc> stay."),
        ("Mail <foo\\+@bar.example.com> now.", "Mail <foo+@bar.example.com> now."),
        ("Budget <!-- TODO -- confirm --> this year, <!--- note ---> <!--> yes.", "Budget this year, yes."),
    ],
)
def test_angle_brackets_that_are_no_tag_are_text(tmp_path, written, shown):
    root, _ = read_chapters(tmp_path, written + "\n")
    assert _text(root).endswith(shown), _text(root)


def test_tags_comments_and_autolinks_that_are_markup_still_are(tmp_path):
    root, diagnostics = read_chapters(
        tmp_path,
        'A <span class="x">span</span>, <b\nclass="y">bold</b>, <!-- a comment --> and <br/> a break.\n\n'
        "Links: <https://example.org/a?b=1>, <MAILTO:FOO@BAR.BAZ>, <me@example.org>.\n",
    )
    assert root.xpath("//span[@class='x']/text()") == ["span"]
    assert root.xpath("//b[@class='y']/text()") == ["bold"] and root.xpath("//br")
    assert "comment" not in _text(root)
    assert root.xpath("//a/@href") == ["https://example.org/a?b=1", "MAILTO:FOO@BAR.BAZ", "mailto:me@example.org"]
    assert not diagnostics.warnings, diagnostics.warnings


def test_a_tag_across_lines_is_a_tag_whatever_ends_its_first_line(tmp_path):
    """Two spaces or a backslash at the end of a line inside a tag are the tag's, not a line
    break: the tag was shown as text, or its attribute got a ``<br />``."""
    root, _ = read_chapters(
        tmp_path,
        'The <abbr class="org"  \n  title="World Health Organization">WHO</abbr> and '
        '<span title="two\\\nlines">word</span>.\n',
    )
    assert root.xpath("//abbr[@class='org']/@title") == ["World Health Organization"] and not root.xpath("//br")
    assert root.xpath("//span[@title]/@title") == ["two\\\nlines"]
    assert "<" not in root.text_content()


def test_an_autolink_to_another_scheme_keeps_its_text_without_the_link(tmp_path):
    root, _ = read_chapters(tmp_path, "Ask at <irc://irc.example.org/help> or <localhost:5001/foo>, then <a+b+c:d>.\n")
    assert _text(root) == "One Ask at irc://irc.example.org/help or localhost:5001/foo, then a+b+c:d."
    assert not root.xpath("//a")  # no link: not even an <a> that a stylesheet would colour as one


def test_an_element_read_as_text_to_its_end_does_not_take_the_chapter(tmp_path):
    root, diagnostics = read_chapters(
        tmp_path,
        "Use a <textarea> for long answers; the <title> element names a page.\n\n"
        "Use <style> for CSS, and <xmp> or <plaintext> never.\n\n"
        "## Two\n\nThe rest *stays*.\n\n<style>\np { color: red }\n</style>\n\nLast.\n",
    )
    assert _text(root) == (
        "One Use a <textarea> for long answers; the <title> element names a page. "
        "Use <style> for CSS, and <xmp> or <plaintext> never. Two The rest stays. Last."
    )
    assert root.xpath("//h2/text()") == ["Two"] and root.xpath("//em/text()") == ["stays"]
    assert not root.xpath("//style | //textarea | //title | //xmp | //plaintext")
    messages = [(w.line, w.message) for w in diagnostics.warnings]
    assert (9, "raw HTML <style> is never closed: it is shown as text") in messages, messages


def test_html_blocks_end_where_github_ends_them(tmp_path):
    root, diagnostics = read_chapters(
        tmp_path,
        '<div align="center">\n\n**Bold** and *italic*.\n\n</div>\n\n'
        "<details>\n<summary>More</summary>\n\n- one *item*\n- two\n\n</details>\n\n"
        "<table>\n<tr>\n<td>\n\n**In a cell**\n\n</td>\n</tr>\n</table>\n",
    )
    assert "*" not in _text(root), _text(root)
    assert root.xpath("//div/p/strong/text()") == ["Bold"] and root.xpath("//div/p/em/text()") == ["italic"]
    assert root.xpath("//details/summary/text()") == ["More"]
    assert root.xpath("//details/ul/li/em/text()") == ["item"]
    assert root.xpath("//table//td/p/strong/text()") == ["In a cell"]
    assert not diagnostics.warnings, diagnostics.warnings


def test_html_blocks_for_md_in_html_are_read_by_it(tmp_path):
    root, _ = read_chapters(
        tmp_path,
        '<div class="box" markdown="1">\n\n*In the box*\n\n<div align="right">\n\n**inner**\n\n</div>\n\n</div>\n\n'
        "After *the box*.\n\n!!! note\n    <div>\n\n    **in a note**\n\n    </div>\n",
    )
    (box,) = root.xpath("//div[@class='box']")
    assert box.xpath("p/em/text()") == ["In the box"] and box.xpath("div/p/strong/text()") == ["inner"]
    assert root.xpath("//p[em='the box']") and "*" not in _text(root)


def test_a_tag_left_without_its_end_keeps_the_text_after_it(tmp_path):
    root, _ = read_chapters(tmp_path, '<div class="x"\nThe text *after* it.\n')
    assert "The text after it." in _text(root)


@pytest.mark.parametrize(
    ("opening", "what"),
    [
        ("<!-- TODO: rewrite", "an HTML comment"),
        ("<?php is a tag", "a processing instruction"),
        ("<style>", "raw HTML <style>"),
    ],
)
def test_a_block_never_closed_keeps_the_chapters_after_it(tmp_path, opening, what):
    manuscript = tmp_path / "report.md"
    manuscript.write_text(f"---\ntitle: T\n---\n\n# One\n\nIntro.\n\n{opening}\n\n# Two\n\nText *two*.\n")
    diagnostics = Diagnostics(echo=False)
    document = load(manuscript, diagnostics)
    assert [chapter.title for chapter in document.chapters] == ["One", "Two"]
    assert "<em>two</em>" in document.chapters[1].body
    warnings = [(w.line, w.message) for w in diagnostics.warnings]
    assert warnings == [(9, f"{what} is never closed: its opening is shown as text")]


@pytest.mark.parametrize(
    ("body", "xpath", "expected"),
    [
        # MkDocs Material writes the attribute bare
        (
            '<div class="grid" markdown>\n- **Fast**\n- **Open**\n</div>\n',
            "//div/ul/li/strong/text()",
            ["Fast", "Open"],
        ),
        # a block whose tags are all closed ends there, as Python-Markdown ends it
        ('<div id="usage-anchor"></div>\n## Usage\n\nText.\n', "//h2/text()", ["Usage"]),
        ("(first)=\n(second)=\n## Second part\n", "//h2/@id", ["second"]),  # MyST targets
        ('{% include note.html content="x" %}\nNext with **bold**.\n', "//p/strong/text()", ["bold"]),  # Jekyll
        # a heading or a fence ends a block left open
        (
            '<div class="ex">\n```python\nif a <b and c> d:\n```\n</div>\n',
            "//div/pre/code/text()",
            ["if a <b and c> d:\n"],
        ),
        ('  <div align="center">\n\n  **bold**\n\n  </div>\n', "//div/p/strong/text()", ["bold"]),  # indented
        # text indented as code after a blank line in an open element is more of it (kramdown's reading)
        (
            "<table>\n<tr>\n<td>First\n\n      \u25cf Second<br>\n      \u25cf Third\n</td>\n</tr>\n</table>\n",
            "normalize-space(//td)",
            "First \u25cf Second \u25cf Third",
        ),
        # a list an MkDocs block set aside inside an HTML block is put back
        (
            '<div class="steps">\n\n- Install\n\n    !!! note\n        Needs Python.\n\n- Run\n\n</div>\n',
            "//div/ul/li/p/text()",
            ["Install", "Run"],
        ),
    ],
)
def test_html_blocks_that_other_tools_end_sooner(tmp_path, body, xpath, expected):
    root, diagnostics = read_chapters(tmp_path, body)
    assert root.xpath(xpath) == expected, lxml.html.tostring(root)
    assert "**" not in _text(root) and "```" not in _text(root)
    assert not [w for w in diagnostics.warnings if "never closed" in w.message or "closes nothing" in w.message]


def test_names_in_a_comment_or_an_svg_are_left_to_them(tmp_path):
    root, diagnostics = read_chapters(tmp_path, "A <!-- <style> --> b; logo <svg><title>Logo</title></svg> c.\n")
    assert _text(root).startswith("One A b; logo") and "title>" not in _text(root)  # the SVG is removed
    assert not [w for w in diagnostics.warnings if "shown as text" in w.message]


@pytest.mark.parametrize(
    ("body", "xpath", "expected"),
    [
        # a "#" line in a <pre> inside an HTML block is a comment of the sample, not a heading
        (
            "<details>\n<summary>Config</summary>\n<pre>\n# default settings\nkey = 1\n```\n</pre>\n</details>\n",
            "//details/pre/text()",
            ["# default settings\nkey = 1\n```\n"],
        ),
        # text indented as code after an anchor left open is code, as on GitHub
        ('<a name="usage">\n\n    $ tool --help\n\nText.\n', "//pre/code/text()", ["$ tool --help\n"]),
        # "markdown" in an attribute's value is not the markdown attribute
        ('<div title="Notes in markdown form">\n\n## Heading\n\n*a*\n\n</div>\n', "//div/h2/text()", ["Heading"]),
        ("<pre>\ncode\n</pre >\n\nAfter *x*.\n", "//p/em/text()", ["x"]),  # an end tag with a space
        ("<p>x</p><![chart](p.png)\n\nAfter.\n", "//p/text()", ["x", "After."]),  # no marked section
        ("Go to <http://x.example/a\\_b>.\n", "//a/@href", ["http://x.example/a_b"]),  # an escape inside
    ],
)
def test_html_blocks_read_as_written(tmp_path, body, xpath, expected):
    root, diagnostics = read_chapters(tmp_path, body)
    assert root.xpath(xpath) == expected, lxml.html.tostring(root)
    assert not [w for w in diagnostics.warnings if "never closed" in w.message or "closes nothing" in w.message]


def test_a_comment_never_closed_inside_an_html_block_keeps_what_follows(tmp_path):
    root, diagnostics = read_chapters(
        tmp_path, '<div align="center">\n<b>Logo</b> <!-- logo\n</div>\n\n## Install\n\nRun *it*.\n'
    )
    assert root.xpath("//h2/text()") == ["Install"] and root.xpath("//p/em/text()") == ["it"]
    assert [(w.line, w.message) for w in diagnostics.warnings] == [
        (8, "an HTML comment is never closed: it is shown as text")
    ]


def test_align_in_raw_html_is_a_class_the_layouts_style(tmp_path):
    root, _ = read_chapters(
        tmp_path,
        '<p align="center">Centred</p>\n\n<div align="RIGHT">\n\nRight\n\n</div>\n\n'
        '<p align="justify">Justified</p>\n\n<table><tr><td align="right">1</td></tr></table>\n',
    )
    assert not root.xpath("//@align")
    assert root.xpath("//p[@class='align-center']/text()") == ["Centred"]
    assert root.xpath("//div[@class='align-right']/p/text()") == ["Right"]
    assert root.xpath("//td[@class='align-right']/text()") == ["1"]
    assert root.xpath("//p[not(@class)]/text()") == ["Right", "Justified"]  # justify: not styled


README = """---
title: Read as GitHub reads it
language: en
---

# Getting started

<h3 align="center">The survey</h3>

<div align="center">

**Water for every school** and *every clinic*.

</div>

Copy <config.yaml> to <path/to/site>, then press <Ctrl+C>. Ask at <irc://irc.example.org/help>.

<details>
<summary>What the survey asked</summary>

- how far the *nearest* tap is
- who carries the water

</details>

A <textarea> on the form took the answers.

## After the form

The rest of the chapter is *here*.
"""


def test_a_readme_reads_in_the_pdf_and_the_epub_as_written(tmp_path):
    """End to end: every word in the PDF's text, no Markdown syntax, and EPUBCheck clean."""
    from conftest import build_bytes, pdf_pages, squash
    from epubcheck_helper import epubcheck_many

    manuscript = tmp_path / "report.md"
    manuscript.write_text(README, encoding="utf-8")
    raw = " ".join(" ".join(pdf_pages(build_bytes(manuscript, "pdf", strict=False))).split())
    text = squash(raw)
    for words in (
        "Water for every school and every clinic.",
        "Copy <config.yaml> to <path/to/site>, then press <Ctrl+C>. Ask at irc://irc.example.org/help.",
        "What the survey asked",
        "how far the nearest tap is",
        "A <textarea> on the form took the answers.",
        "The rest of the chapter is here.",
    ):
        assert squash(words) in text, words
    assert "The survey" in raw and "*" not in raw and "- how" not in raw and "<details>" not in raw, raw
    assert "<config.yaml> to <path/to/site>" in raw and "<Ctrl+C>" in raw and "A <textarea> on" in raw, raw
    assert epubcheck_many({"readme": build_bytes(manuscript, "epub", strict=False)}) == {"readme": []}


def test_a_summary_marked_markdown_inside_a_raw_details_leaves_the_details_closed_where_written(tmp_path):
    """``<summary markdown="span">`` gives the ``<details>`` around it the attribute too: its end
    tag, after the Markdown, closes it there, and nothing after it falls inside. Without the
    attribute, as on GitHub (no dialect), the summary's text is shown as written."""
    manuscript = tmp_path / "report.md"
    manuscript.write_text(
        "---\ntitle: T\ndialects: []\n---\n\n# One\n\n"
        '<details>\n<summary markdown="span">Click **here**</summary>\n\nHidden *text*.\n\n</details>\n\n'
        "After.\n\n<details>\n<summary>Raw **here**</summary>\n\nMore.\n\n</details>\n",
        encoding="utf-8",
    )
    diagnostics = Diagnostics(echo=False)
    document = load(manuscript, diagnostics)
    root = lxml.html.fragment_fromstring("".join(c.body for c in document.chapters), create_parent="div")
    assert root.xpath("//details/summary/strong/text()") == ["here"]
    assert root.xpath("//details/p/em/text()") == ["text"]
    assert root.xpath("//p[not(ancestor::details)]/text()") == ["After."]
    assert root.xpath("//details/summary/text()")[-1] == "Raw **here**"
    assert not diagnostics.warnings, diagnostics.warnings


def test_code_written_as_raw_html_keeps_its_characters_as_written(tmp_path):
    """The typographer's quotes and dashes of the prose never reach inside code, keys or sample
    output written as HTML, as they never reach inside backticks; ``<tt>`` is code."""
    root, _ = read_chapters(
        tmp_path,
        'Type <code>"quoted" -- x...</code>, press <kbd>Ctrl</kbd>+<kbd>"C"</kbd>, see '
        '<samp>it\'s -- done</samp> and <tt>"t"</tt>, <code class="x">a & b</code>; "prose" -- here.\n',
    )
    assert root.xpath("//code/text()") == ['"quoted" -- x...', '"t"', "a & b"]
    assert root.xpath("//kbd/text()") == ["Ctrl", '"C"'] and root.xpath("//samp/text()") == ["it's -- done"]
    assert root.xpath("//code[@class='x']") and not root.xpath("//tt")
    assert "\u201cprose\u201d \u2013 here" in _text(root)  # the prose keeps its marks
