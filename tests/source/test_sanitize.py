"""The one sanitiser, on the paths where HTML comes from a library or a data file rather than the
manuscript's own text: citeproc-py copies bibliography fields into its HTML as they are."""

from __future__ import annotations

import json
from pathlib import Path

from report_build import Diagnostics, load
from report_build.source import sanitize

HOSTILE = {
    "id": "evil",
    "type": "report",
    "title": 'Bad <script>alert(1)</script> <iframe src="javascript:alert(2)"></iframe> <img src=x onerror=alert(3)>',
    "author": [{"family": "<b onmouseover=alert(4)>Evil</b>", "given": "A"}],
    "issued": {"date-parts": [[2020]]},
    "publisher": '<a href="javascript:alert(6)">Pub</a> <i>in italics</i>',
}


def test_a_fragment_keeps_its_formatting_and_loses_what_could_run():
    warned: list[str] = []
    cleaned = sanitize.fragment(
        '<i>Title</i> <span style="font-variant:small-caps;">Caps</span> <script>x()</script>'
        '<a href="javascript:y()" onclick="z()">link</a> <img src="a.png" alt="a">',
        warned.append,
    )
    assert cleaned == '<i>Title</i> <span class="smallcaps">Caps</span> <a>link</a> '
    assert len(warned) == 4 and any("<img> removed" in w for w in warned), warned
    assert sanitize.fragment('<a href="https://example.org">x</a>', links=False) == "x"
    assert sanitize.plain("<b onclick='x'>Evil</b> &amp; co<script>x</script>") == "Evil & co"


def test_a_hostile_bibliography_reaches_no_writer_as_markup(tmp_path: Path):
    (tmp_path / "sources.json").write_text(json.dumps([HOSTILE], indent=1), encoding="utf-8")
    (tmp_path / "report.md").write_text(
        "---\ntitle: T\nbibliography: sources.json\n---\n\n# One\n\nAs said [@evil], and @evil says so.\n",
        encoding="utf-8",
    )
    diagnostics = Diagnostics(echo=False)
    document = load(tmp_path / "report.md", diagnostics)
    bodies = " ".join(chapter.body for chapter in document.chapters)
    for live in ("<script", "<iframe", "<img", "onerror", "onmouseover", "javascript:alert(6)", 'href="javascript'):
        assert live not in bodies, live
    assert "<i>in italics</i>" in bodies and "Evil" in bodies  # the entry's own formatting and text stay
    assert "(<b>Evil</b>, 2020)" in bodies and ">Evil (2020)</a>" in bodies
    messages = [(w.path.name, w.line, w.message) for w in diagnostics.warnings]
    script = (
        "bibliography entry 'evil': raw HTML <script> removed: a report may not run scripts, embed or fetch content"
    )
    assert ("sources.json", 3, script) in messages, messages  # the line of the entry's id
    assert len(messages) == len(set(messages)) == 7  # once each, though the entry is cited twice


def test_an_ordered_lists_type_start_and_reversed_are_kept_where_html5_allows_them(tmp_path: Path):
    """``<ol type="a">`` prints "a., b.", not "1., 2."; a value HTML5 does not allow is dropped
    (EPUBCheck refuses it), and the list is numbered as a browser numbers it without."""
    from conftest import read_chapters

    root, diagnostics = read_chapters(
        tmp_path,
        '<ol type="a"><li>alpha</li></ol>\n\n<ol type="A"><li>Alpha</li></ol>\n\n'
        '<ol type="i" start="4"><li>four</li></ol>\n\n<ol type="I" start="3" reversed><li>three</li></ol>\n\n'
        '<ol type="1"><li>one</li></ol>\n\n<ol type="disc" start="two"><li>dropped</li></ol>\n\n'
        '<ol start=" -2 "><li value="x">minus two</li><li value="7">seven</li></ol>\n\n'
        '<ul type="square"><li>bullet</li></ul>\n',
    )
    lists = [(el.tag, dict(el.attrib)) for el in root.xpath("//ol | //ul")]
    assert lists == [
        ("ol", {"type": "a"}),
        ("ol", {"type": "A"}),
        ("ol", {"type": "i", "start": "4"}),
        ("ol", {"type": "I", "start": "3", "reversed": ""}),
        ("ol", {}),  # type="1": what a list is without it
        ("ol", {}),
        ("ol", {"start": "-2"}),
        ("ul", {}),
    ]
    assert [dict(li.attrib) for li in root.xpath("//ol[@start='-2']/li")] == [{}, {"value": "7"}]
    assert not diagnostics.warnings


def test_a_details_element_written_open_stays_open(tmp_path: Path):
    """A README's ``<details open>`` is shown open on the site and in the ePub, as GitHub shows it."""
    (tmp_path / "r.md").write_text(
        "---\ntitle: T\n---\n\n# H\n\n<details open>\n<summary>Open</summary>\n\nShown.\n\n</details>\n\n"
        "<details>\n<summary>Closed</summary>\n\nHidden.\n\n</details>\n",
        encoding="utf-8",
    )
    doc = load(tmp_path / "r.md", Diagnostics(echo=False))
    body = doc.chapters[0].body
    assert '<details open="">' in body and body.count("<details>") == 1
