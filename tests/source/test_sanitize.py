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
