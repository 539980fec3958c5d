"""Links between the report's own files (source/file_links.py): a chapter file linking to
another by its Markdown file, its web page or Hugo's ref lands inside the report, on that
file's heading even when another file has one of the same name (in memory, no layout)."""

from __future__ import annotations

import lxml.html

from report_build import Diagnostics, load


def _report(tmp_path, one: str, two: str, front: str = ""):
    (tmp_path / "chapters").mkdir()
    (tmp_path / "report.md").write_text(
        f"---\ntitle: T\n{front}chapters:\n  - chapters/one.md\n  - chapters/two.md\n---\n", encoding="utf-8"
    )
    (tmp_path / "chapters" / "one.md").write_text(one, encoding="utf-8")
    (tmp_path / "chapters" / "two.md").write_text(two, encoding="utf-8")
    diagnostics = Diagnostics(echo=False)
    document = load(tmp_path / "report.md", diagnostics)
    html = "".join(chapter.body for chapter in document.chapters)
    root = lxml.html.fragment_fromstring(html, create_parent="div")
    links = {"".join(a.itertext()): a.get("href") for a in root.iter("a") if a.get("href")}
    return links, diagnostics


TWO = "# Methods\n\n## Summary\n\nHow it was done.\n"


def test_links_to_another_file_land_on_its_headings(tmp_path):
    one = (
        "# Findings\n\n## Summary\n\nWhat was found.\n\n"
        'See [methods](two.md), [its summary](two.md#summary), [with a title](./two.md#summary "t"), '
        "[as bookdown writes it](two.html#summary), [angled](<two.md#summary>), [by reference][r], "
        '[our own summary](#summary) and <a href="two.md">raw HTML</a>.\n\n'
        "[r]: two.md#summary\n"
    )
    links, diagnostics = _report(tmp_path, one, TWO)
    assert links == {
        "methods": "#methods",
        "its summary": "#summary-1",  # two.md's, not the summary before it in one.md
        "with a title": "#summary-1",
        "as bookdown writes it": "#summary-1",
        "angled": "#summary-1",
        "by reference": "#summary-1",
        "our own summary": "#summary",
        "raw HTML": "#methods",
    }
    assert not [w for w in diagnostics.warnings if w.message.startswith("link")]


def test_a_link_back_and_hugo_refs_by_path_or_name(tmp_path):
    two = (
        TWO
        + "\nBack to [the findings](one.md#findings), "
        + '[the same]({{< ref "one.md#findings" >}}) and [by name]({{< relref "one" >}}).\n'
    )
    links, diagnostics = _report(tmp_path, "# Findings\n\nText.\n", two, front="dialects: [hugo]\n")
    assert links == {"the findings": "#findings", "the same": "#findings", "by name": "#findings"}
    assert not [w for w in diagnostics.warnings if w.message.startswith("link")]


def test_a_missing_heading_or_file_is_plain_text_with_a_warning_naming_what_was_written(tmp_path):
    one = "# Findings\n\nSee [nothing](two.md#nowhere), [gone](three.md) and `[code](two.md)`.\n"
    links, diagnostics = _report(tmp_path, one, TWO)
    assert links == {}
    assert [(w.path.name, w.line, w.message.split(";")[0]) for w in diagnostics.warnings] == [
        ("one.md", 3, "link to 'chapters/two.md#nowhere' goes nowhere: no heading or element has that id"),
        ("one.md", 3, "link to 'three.md' points outside the report"),
    ]


def test_a_link_to_an_image_or_a_file_that_is_not_the_reports_is_left_alone(tmp_path):
    (tmp_path / "notes.md").write_text("# Notes\n", encoding="utf-8")
    one = "# Findings\n\n[The notes](../notes.md) are kept apart.\n"
    links, diagnostics = _report(tmp_path, one, TWO)
    assert links == {}
    assert any("'../notes.md' points outside the report" in w.message for w in diagnostics.warnings)


def test_a_heading_id_given_twice_names_the_other_file_and_its_line(tmp_path):
    one = "# Findings\n\n## Summary\n\nText.\n\n## Summary\n\nAgain.\n"
    _links, diagnostics = _report(tmp_path, one, TWO)
    said = [(w.path.name, w.line, w.message.split(";")[0]) for w in diagnostics.warnings]
    assert said == [
        ("one.md", 7, "heading 'Summary' gives the same id 'summary' as the heading 'Summary' at line 3"),
        ("two.md", 3, "heading 'Summary' gives the same id 'summary' as the heading 'Summary' at chapters/one.md:3"),
    ]


def test_what_is_not_a_link_to_a_file_is_left_alone(tmp_path):
    """A footnote's first word, an image, code indented as code, a link climbing to the root;
    a link whose text ends with "!" is a link."""
    one = (
        "# Findings\n\nText.[^1] [Read this!](two.md) ![Methods](two.md) [Up](../../../../../../..)\n\n"
        "    Indented code: [Methods](two.md)\n\n[^1]: two of the wells, 2020.\n"
    )
    links, diagnostics = _report(tmp_path, one, TWO)
    assert links == {"1": "#fn-1", "Read this!": "#methods"}  # the note's call, and the link
    doc = load(tmp_path / "report.md", Diagnostics(echo=False))
    body = "".join(chapter.body for chapter in doc.chapters)
    assert "Indented code: [Methods](two.md)" in body and "report-build-file" not in body
    assert "two of the wells, 2020." in "".join(note.html for note in doc.footnotes)
    assert any("'../../../../../../..' points outside the report" in w.message for w in diagnostics.warnings)
