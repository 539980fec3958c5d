"""MkDocs' snippets (source/snippets.py): ``--8<--`` puts another file's text in place, whole,
by lines or by section, in the text or in code; one that cannot be read is left out with a
warning at its line (in memory, no layout)."""

from __future__ import annotations

import lxml.html

from report_build import Diagnostics, load
from report_build.source.snippets import Wanted, wanted

PARTS = (
    "---\ntitle: not shown\n---\n## A heading of the part\nline two\n\n"
    "<!-- --8<-- [start:intro] -->\nThe **introduction**.\n<!-- --8<-- [end:intro] -->\n"
)


def _read(tmp_path, body: str):
    docs = tmp_path / "docs"
    (docs / "includes").mkdir(parents=True)
    (docs / "includes" / "parts.md").write_text(PARTS, encoding="utf-8")
    (docs / "includes" / "abbr.md").write_text("*[WASH]: Water, sanitation and hygiene\n", encoding="utf-8")
    (docs / "includes" / "code.py").write_text("def survey():\n    return 42\n", encoding="utf-8")
    (tmp_path / "secret.md").write_text("Outside the manuscript's folder.\n", encoding="utf-8")
    (docs / "report.md").write_text(f"---\ntitle: T\n---\n\n# One\n\n{body}", encoding="utf-8")
    diagnostics = Diagnostics(echo=False)
    document = load(docs / "report.md", diagnostics)
    root = lxml.html.fragment_fromstring("".join(c.body for c in document.chapters), create_parent="div")
    return root, diagnostics, document


def test_a_snippets_name_says_which_lines():
    assert wanted("a.md") == Wanted("a.md")
    assert wanted("a.md:3:5") == Wanted("a.md", 3, 5)
    assert wanted("a.md::5") == Wanted("a.md", None, 5)
    assert wanted("docs/a.md:intro") == Wanted("docs/a.md", section="intro")


def test_snippets_put_text_in_place_whole_by_section_and_by_lines(tmp_path):
    root, diagnostics, document = _read(
        tmp_path,
        'WASH matters.\n\n--8<-- "includes/parts.md"\n\n--8<-- "includes/parts.md:intro"\n\n'
        "--8<--\nincludes/parts.md:5:5\n--8<--\n\n"
        '--8<-- "docs/includes/abbr.md"\n',
    )
    assert root.xpath("//h2/text()") == ["A heading of the part"]  # front matter left out, heading kept
    paragraphs = [" ".join(p.text_content().split()) for p in root.iter("p")]
    assert paragraphs == ["WASH matters.", "line two", "The introduction.", "The introduction.", "line two"]
    assert root.xpath("//abbr/@title") == ["Water, sanitation and hygiene"]  # docs/… from the project's folder
    assert "start:intro" not in root.text_content() and "8<" not in root.text_content()
    assert not diagnostics.warnings
    names = {path.name for path in document.inputs}
    assert {"parts.md", "abbr.md"} <= names  # the build's inputs: a change rebuilds


def test_a_snippet_in_code_is_lines_of_code(tmp_path):
    root, diagnostics, _document = _read(tmp_path, '```python\n--8<-- "includes/code.py"\n```\n')
    assert root.xpath("//pre/code/text()") == ["def survey():\n    return 42\n"]
    assert not diagnostics.warnings


def test_a_snippet_that_cannot_be_read_is_left_out_with_a_warning_at_its_line(tmp_path):
    root, diagnostics, _document = _read(
        tmp_path, '--8<-- "missing.md"\n\n--8<-- "https://example.org/x.md"\n\n--8<-- "../secret.md"\n\nEnd.\n'
    )
    assert [" ".join(p.text_content().split()) for p in root.iter("p")] == ["End."]
    said = [(w.line, w.message.split(":")[0]) for w in diagnostics.warnings]
    assert said == [
        (7, "snippet 'missing.md' left out"),
        (9, "snippet 'https"),
        (11, "snippet '../secret.md' left out"),
    ]


def test_what_is_not_a_snippet_stays(tmp_path):
    """A lone ``--8<--`` line is text; a snippet in code that is not found is the code's line as
    written (it shows the syntax); a snippet in a list item is the item's text."""
    root, diagnostics, _document = _read(
        tmp_path,
        '--8<--\n\nEverything below must stay.\n\n```markdown\n--8<-- "includes/missing.md"\n```\n\n'
        '- Item\n\n    --8<-- "includes/code.py:1:1"\n\n    More of the item.\n\n- Next\n',
    )
    paragraphs = [" ".join(p.text_content().split()) for p in root.iter("p")]
    assert "Everything below must stay." in paragraphs
    assert root.xpath("//pre/code/text()") == ['--8<-- "includes/missing.md"\n']
    item = root.xpath("//li")[0]
    assert "def survey():" in item.text_content() and "More of the item." in item.text_content()
    assert not diagnostics.warnings
