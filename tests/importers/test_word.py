"""Word import: small Word files written here with python-docx, one per construct, each imported
and built at once without an error; and the round trip sample -> Word edition -> import."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import docx
import pytest
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import XmlPart
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Mm
from PIL import Image

from conftest import MANUSCRIPT, pdf_pages, squash
from report_build import Diagnostics, load
from report_build.cli import main
from report_build.importers.word import import_docx
from report_build.theme import Theme
from report_build.writers.docx.writer import write_docx


def _save(word, path: Path) -> Path:
    word.save(path)
    return path


def _imported(tmp_path: Path, word, name: str = "draft") -> tuple[str, object, Diagnostics, Path]:
    """Import the document; return its Markdown, the loaded report (strict: no warning) and the
    import's diagnostics."""
    draft = _save(word, tmp_path / f"{name}.docx")
    diagnostics = Diagnostics(echo=False)
    written = import_docx(draft, tmp_path / name, diagnostics=diagnostics)
    manuscript = written[0]
    assert manuscript == tmp_path / name / "report.md"
    document = load(manuscript, Diagnostics(strict=True, echo=False))  # builds at once, no warning
    return manuscript.read_text(), document, diagnostics, manuscript


def _body(markdown: str) -> str:
    return markdown.split("---\n", 2)[2]


def test_headings_title_and_authors(tmp_path):
    word = docx.Document()
    word.core_properties.title = "Water for Idlib"
    word.core_properties.author = "Amal Haddad; Sami Khoury"
    word.add_paragraph("Water for Idlib", style="Title")
    word.add_paragraph("A survey of supply", style="Subtitle")
    word.add_heading("Context", level=1)
    word.add_paragraph("Some text.")
    word.add_heading("Wells", level=2)
    word.add_heading("Depth", level=3)
    word.add_heading("Findings", level=1)
    markdown, document, _, _ = _imported(tmp_path, word)
    assert 'title: "Water for Idlib"' in markdown and 'subtitle: "A survey of supply"' in markdown
    assert document.metadata.authors == ("Amal Haddad", "Sami Khoury")
    assert _body(markdown).strip().startswith("# Context\n\nSome text.\n\n## Wells\n\n### Depth\n\n# Findings")
    assert [c.title for c in document.chapters] == ["Context", "Findings"]
    assert (tmp_path / "draft" / "changelog.yaml").is_file() and (tmp_path / "draft" / "Makefile").is_file()
    assert (tmp_path / "draft" / "images").is_dir() and (tmp_path / "draft" / "layouts").is_dir()


def test_title_from_the_title_style_when_properties_have_none(tmp_path):
    word = docx.Document()
    word.add_paragraph("Clinics under strain", style="Title")
    word.add_heading("Overview", level=2)  # the draft's top headings are Heading 2: its chapters
    word.add_heading("Method", level=3)
    word.add_heading("Results", level=2)
    markdown, document, _, _ = _imported(tmp_path, word)
    assert document.metadata.title == "Clinics under strain" and "authors:" not in markdown
    assert "# Overview\n\n## Method\n\n# Results" in markdown
    assert [c.title for c in document.chapters] == ["Overview", "Results"]


def _footnotes(word) -> XmlPart:
    """A footnotes part, as Word writes it (python-docx has no API for notes)."""
    xml = (
        f"<w:footnotes {nsdecls('w')}>"
        '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>'
        '<w:footnote w:type="continuationSeparator" w:id="0">'
        "<w:p><w:r><w:continuationSeparator/></w:r></w:p></w:footnote>"
        "</w:footnotes>"
    )
    part = XmlPart(PackURI("/word/footnotes.xml"), "application/vnd.openxmlformats-officedocument."
                   "wordprocessingml.footnotes+xml", parse_xml(xml), word.part.package)  # fmt: skip
    word.part.relate_to(part, RT.FOOTNOTES)
    return part


def _note(word, part: XmlPart, paragraph, ident: int, text: str) -> None:
    part.element.append(
        parse_xml(
            f'<w:footnote {nsdecls("w")} w:id="{ident}"><w:p><w:r><w:footnoteRef/></w:r>'
            f'<w:r><w:t xml:space="preserve"> {text}</w:t></w:r></w:p></w:footnote>'
        )
    )
    paragraph._p.append(parse_xml(f'<w:r {nsdecls("w")}><w:footnoteReference w:id="{ident}"/></w:r>'))


def test_footnotes(tmp_path):
    word = docx.Document()
    word.add_heading("Notes", level=1)
    part = _footnotes(word)
    first = word.add_paragraph("A claim.")
    _note(word, part, first, 1, "The source of the claim.")
    second = word.add_paragraph("Another claim.")
    _note(word, part, second, 2, "A second source, with *stars*.")
    endnotes = XmlPart(
        PackURI("/word/endnotes.xml"),
        "application/vnd.openxmlformats-officedocument.wordprocessingml.endnotes+xml",
        parse_xml(
            f'<w:endnotes {nsdecls("w")}><w:endnote w:id="1"><w:p><w:r><w:endnoteRef/></w:r>'
            '<w:r><w:t xml:space="preserve"> An endnote.</w:t></w:r></w:p></w:endnote></w:endnotes>'
        ),
        word.part.package,
    )
    word.part.relate_to(endnotes, RT.ENDNOTES)
    third = word.add_paragraph("A third claim.")
    third._p.append(parse_xml(f'<w:r {nsdecls("w")}><w:endnoteReference w:id="1"/></w:r>'))
    markdown, document, _, _ = _imported(tmp_path, word)
    assert "A claim.[^1]" in markdown and "Another claim.[^2]" in markdown and "A third claim.[^e1]" in markdown
    assert "[^1]: The source of the claim." in markdown and "[^e1]: An endnote." in markdown
    assert len(document.footnotes) == 3
    assert "A second source, with *stars*." in document.footnotes[1].inline_html


def test_tables_with_merged_cells_stay_html_tables(tmp_path):
    word = docx.Document()
    word.add_heading("Data", level=1)
    table = word.add_table(rows=3, cols=3)
    for r, row in enumerate(table.rows):
        for c, cell in enumerate(row.cells):
            cell.text = f"r{r}c{c}"
    table.cell(0, 0).merge(table.cell(0, 1)).text = "Both columns"
    table.cell(1, 2).merge(table.cell(2, 2)).text = "Both rows"
    simple = word.add_table(rows=2, cols=2)
    for r, row in enumerate(simple.rows):
        for c, cell in enumerate(row.cells):
            cell.text = f"s{r}{c}"
    markdown, document, _, _ = _imported(tmp_path, word)
    assert '<td colspan="2">Both columns</td>' in markdown and '<td rowspan="2">Both rows</td>' in markdown
    assert "| s00 | s01 |\n|---|---|\n| s10 | s11 |" in markdown
    body = document.chapters[0].body
    assert body.count("<table") == 2 and 'colspan="2"' in body and 'rowspan="2"' in body


def test_lists_nested_and_numbered(tmp_path):
    word = docx.Document()
    word.add_heading("Steps", level=1)
    numbering = word.part.numbering_part.element
    levels = "".join(
        f'<w:lvl w:ilvl="{n}"><w:start w:val="1"/><w:numFmt w:val="bullet"/><w:lvlText w:val="•"/></w:lvl>'
        for n in range(2)
    )
    numbering.find(qn("w:num")).addprevious(
        parse_xml(f'<w:abstractNum {nsdecls("w")} w:abstractNumId="50">{levels}</w:abstractNum>')
    )
    numbering.append(parse_xml(f'<w:num {nsdecls("w")} w:numId="50"><w:abstractNumId w:val="50"/></w:num>'))
    word.add_paragraph("First step", style="List Number")
    word.add_paragraph("Second step", style="List Number")
    for text, level in (("A point", 0), ("A sub-point", 1)):
        item = word.add_paragraph(text, style="List Paragraph")
        num_pr = item._p.get_or_add_pPr().get_or_add_numPr()
        num_pr.get_or_add_ilvl().val = level
        num_pr.get_or_add_numId().val = 50
    markdown, document, _, _ = _imported(tmp_path, word)
    assert "1. First step\n2. Second step" in markdown
    assert "- A point\n    - A sub-point" in markdown
    body = document.chapters[0].body
    assert "<ol>" in body and re.search(r"<li>A point\s*<ul>\s*<li>A sub-point</li>", body)


def test_bold_italic_and_links(tmp_path):
    word = docx.Document()
    word.add_heading("Style", level=1)
    p = word.add_paragraph("Plain, ")
    p.add_run("bold").bold = True
    p.add_run(", ")
    p.add_run("italic").italic = True
    p.add_run(" and 2 * 3 [sic].")
    link = parse_xml(
        f'<w:hyperlink {nsdecls("w", "r")} r:id="{p.part.relate_to("https://example.org/a", RT.HYPERLINK, True)}">'
        "<w:r><w:t>a link</w:t></w:r></w:hyperlink>"
    )
    p._p.append(link)
    markdown, document, _, _ = _imported(tmp_path, word)
    assert r"Plain, **bold**, *italic* and 2 \* 3 \[sic\].[a link](https://example.org/a)" in markdown
    body = document.chapters[0].body
    assert "<strong>bold</strong>" in body and "<em>italic</em>" in body and "2 * 3 [sic]" in body
    assert '<a href="https://example.org/a">a link</a>' in body


def _png(path: Path, color: str) -> Path:
    Image.new("RGB", (120, 80), color).save(path)
    return path


def test_images_with_alt_text_and_captions(tmp_path):
    word = docx.Document()
    word.add_heading("Pictures", level=1)
    shape = word.add_picture(str(_png(tmp_path / "red.png", "red")), width=Mm(40))
    shape._inline.docPr.set("descr", "A red rectangle")
    word.add_paragraph("Figure 1: The red one", style="Caption")
    bare = word.add_picture(str(_png(tmp_path / "blue.png", "blue")), width=Mm(40))
    bare._inline.docPr.set("descr", "")
    word.add_paragraph("Table 1: Counts", style="Caption")
    table = word.add_table(rows=2, cols=1)
    table.cell(0, 0).text, table.cell(1, 0).text = "Count", "3"
    markdown, document, diagnostics, manuscript = _imported(tmp_path, word)
    assert '![A red rectangle](images/image-1.png "The red one")' in markdown
    assert "![](images/image-2.png){.decorative}" in markdown
    assert "Table: Counts\n\n| Count |" in markdown
    assert (manuscript.parent / "images" / "image-1.png").read_bytes()[:4] == b"\x89PNG"
    assert [(f.alt, f.caption) for f in document.figures] == [("A red rectangle", "The red one"), ("", "")]
    assert [t.caption for t in document.tables] == ["Counts"]
    assert any("has no alt text" in w.message for w in diagnostics.warnings)


def test_comments_and_tracked_changes_are_warnings_and_changes_accepted(tmp_path):
    word = docx.Document()
    word.add_heading("Reviewed", level=1)
    p = word.add_paragraph("The budget is ")
    word.add_comment(p.runs, text="Check the figure", author="Ali")
    p._p.append(
        parse_xml(f'<w:del {nsdecls("w")} w:id="7" w:author="Jane"><w:r><w:delText>ten</w:delText></w:r></w:del>')
    )
    p._p.append(parse_xml(f'<w:ins {nsdecls("w")} w:id="8" w:author="Jane"><w:r><w:t>twelve</w:t></w:r></w:ins>'))
    p.add_run(" million.")
    markdown, _, diagnostics, _ = _imported(tmp_path, word)
    assert "The budget is twelve million." in markdown and "ten" not in _body(markdown)
    assert "Check the figure" not in markdown
    messages = [w.message for w in diagnostics.warnings]
    assert 'tracked deletion by Jane accepted: "ten"' in messages
    assert 'tracked insertion by Jane accepted: "twelve"' in messages
    assert 'comment by Ali not imported: "Check the figure"' in messages


def test_into_an_existing_report_adds_a_chapter(tmp_path, capsys):
    main(["new", str(tmp_path / "report"), "--title", "Main report"])
    word = docx.Document()
    word.core_properties.title = "Annex on water"
    word.add_paragraph("Wells and pumps.")
    shape = word.add_picture(str(_png(tmp_path / "g.png", "green")), width=Mm(30))
    shape._inline.docPr.set("descr", "A green square")
    draft = _save(word, tmp_path / "annex.docx")
    assert main(["import", str(draft), "--into", str(tmp_path / "report"), "-q"]) == 0
    chapter = tmp_path / "report" / "chapters" / "annex-on-water.md"
    assert chapter.read_text().startswith("# Annex on water\n\nWells and pumps.")
    assert "![A green square](images/annex-on-water-image-1.png)" in chapter.read_text()
    document = load(tmp_path / "report" / "report.md", Diagnostics(strict=True, echo=False))
    assert document.chapters[-1].title == "Annex on water" and document.chapters[-1].source.name == chapter.name
    assert main(["import", str(draft), "-q"]) == 1  # neither a folder nor --into
    assert "give the new report's folder" in capsys.readouterr().err


def test_round_trip_sample_to_word_to_markdown(tmp_path):
    """The sample report -> its Word edition -> import: the same headings, footnotes, tables and figures."""
    original = load(MANUSCRIPT, Diagnostics(echo=False))
    data = write_docx(original, Theme(original.metadata.layouts, original.metadata.language))
    (tmp_path / "edition.docx").write_bytes(data)
    import_docx(tmp_path / "edition.docx", tmp_path / "again", diagnostics=Diagnostics(echo=False))
    again = load(tmp_path / "again" / "report.md", Diagnostics(strict=True, echo=False))

    def headings(document):
        return [(c.title, [s.text for s in c.sections]) for c in document.chapters]

    assert headings(again) == headings(original)
    assert again.metadata.title == original.metadata.title and again.metadata.authors == original.metadata.authors
    assert len(again.footnotes) == len(original.footnotes) == 12
    assert [n.inline_html for n in again.footnotes][1] == original.footnotes[1].inline_html
    assert [t.caption for t in again.tables] == [t.caption for t in original.tables]
    assert [(f.alt, f.caption) for f in again.figures] == [(f.alt, f.caption) for f in original.figures]


@pytest.mark.e2e
def test_imported_draft_builds_a_pdf(tmp_path):
    word = docx.Document()
    word.core_properties.title = "Field notes"
    word.add_heading("Visits", level=1)
    word.add_paragraph("We visited three clinics.")
    draft = _save(word, tmp_path / "notes.docx")
    run = [sys.executable, "-m", "report_build"]
    subprocess.run([*run, "import", str(draft), str(tmp_path / "notes"), "-q"], check=True, timeout=120)
    out = tmp_path / "notes.pdf"
    result = subprocess.run(
        [*run, "pdf", "-j", "1", "--strict", str(tmp_path / "notes" / "report.md"), "-o", str(out)],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert squash("We visited three clinics") in squash("".join(pdf_pages(out.read_bytes())))
