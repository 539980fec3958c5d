"""The Word edition: the sample report as a .docx, read back by python-docx and mammoth, with
Word's styles, real footnotes, repeating table headers, pictures with alt text, the contents
field, page numbers, properties and reproducible bytes; and LibreOffice opening it when installed."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import zipfile

import docx
import mammoth
import pytest
from lxml import etree

from conftest import MANUSCRIPT, pdf_pages, squash
from report_build import Diagnostics, build, load
from report_build.errors import Diagnostics as Diag
from report_build.theme import Theme
from report_build.writers.docx.blocks import Para, Reader, Table
from report_build.writers.docx.writer import write_docx

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
NS = {"w": W[1:-1]}


@pytest.fixture(scope="module")
def sample():
    document = load(MANUSCRIPT, Diagnostics(strict=True, echo=False))
    theme = Theme(document.metadata.layouts, document.metadata.language, Diag(echo=False))
    diagnostics = Diagnostics(strict=True, echo=False)
    data = write_docx(document, theme, diagnostics)
    diagnostics.refuse()  # strict: any fault fails
    return document, data, diagnostics


def _xml(data: bytes, name: str):
    return etree.fromstring(zipfile.ZipFile(io.BytesIO(data)).read(name))


def _headings(document) -> list[tuple[str, str]]:
    """Every heading of the chapters' bodies, as (Word style, text), then the version history."""
    expected = []
    for chapter in document.chapters:
        for block in Reader().body(chapter.body):
            if isinstance(block, Para) and block.style in ("h1", "h2", "h3"):
                expected.append((f"Heading {block.style[1]}", block.text))
    return [*expected, ("Heading 1", "Version history")]


def test_every_heading_in_words_own_styles(sample):
    document, data, _ = sample
    word = docx.Document(io.BytesIO(data))
    expected = _headings(document)
    found = [(p.style.name, p.text) for p in word.paragraphs if p.style.name.startswith("Heading")]
    assert found == expected
    assert [c.title for c in document.chapters] == [t for s, t in found if s == "Heading 1"][:-1]
    names = {p.style.name for p in word.paragraphs}
    assert {"Title", "Subtitle", "Caption", "Quote", "Callout", "Callout Title", "Update Notice", "toc 1"} <= names
    assert word.paragraphs[0].style.name == "Title" and word.paragraphs[0].text == "Idlib Lives"


def test_real_footnotes_with_the_footnote_styles(sample):
    document, data, _ = sample
    notes = _xml(data, "word/footnotes.xml")
    real = [n for n in notes.findall("w:footnote", NS) if n.get(f"{W}type") is None]
    assert len(real) == len(document.footnotes) == 12
    first = " ".join("".join(real[1].itertext()).split())
    assert first.startswith("The update of 24 February 2020 says “nearly 3.5 million”")
    assert {p.find("w:pPr/w:pStyle", NS).get(f"{W}val") for n in real for p in n.findall("w:p", NS)} == {"FootnoteText"}
    body = _xml(data, "word/document.xml")
    calls = body.findall(".//w:footnoteReference", NS)
    assert len(calls) == 12 and calls[0].getparent().find("w:rPr/w:rStyle", NS).get(f"{W}val") == "FootnoteReference"
    styles = _xml(data, "word/styles.xml")
    named = {s.find("w:name", NS).get(f"{W}val") for s in styles.findall("w:style", NS)}
    assert {"footnote text", "footnote reference", "Quote", "Title", "caption", "heading 1"} <= named
    rels = zipfile.ZipFile(io.BytesIO(data)).read("word/_rels/document.xml.rels").decode()
    assert 'Target="footnotes.xml"' in rels and "relationships/footnotes" in rels
    types = zipfile.ZipFile(io.BytesIO(data)).read("[Content_Types].xml").decode()
    assert 'PartName="/word/footnotes.xml" ContentType="application/vnd.openxmlformats-officedocument' in types


def test_tables_repeat_their_header_and_pictures_carry_alt_text(sample):
    document, data, _ = sample
    word = docx.Document(io.BytesIO(data))
    model_tables = sum(1 for c in document.chapters for b in Reader().body(c.body) if isinstance(b, Table))
    assert len(word.tables) == model_tables == 3
    for table in word.tables:
        first = table.rows[0]._tr
        assert first.find("w:trPr/w:tblHeader", NS) is not None  # repeats after a page break
        assert table.style.name == "Report Table"
    assert word.tables[0].cell(0, 0).text == "Measure" and word.tables[0].cell(1, 2).text == "3,500,000"
    shapes = word.inline_shapes
    assert len(shapes) == len(document.figures) == 2
    alts = [shape._inline.docPr.get("descr") for shape in shapes]
    assert alts == [figure.alt for figure in document.figures]
    package = zipfile.ZipFile(io.BytesIO(data))
    svgs = [n for n in package.namelist() if n.endswith(".svg")]
    pngs = [n for n in package.namelist() if n.startswith("word/media/") and n.endswith(".png")]
    assert len(svgs) == 2 and len(pngs) == 2  # SVG for Word 2016+, PNG fallback for the rest
    assert package.read(pngs[0])[:8] == b"\x89PNG\r\n\x1a\n"
    assert b"svgBlip" in package.read("word/document.xml")


def test_mammoth_reads_it_back_whole(sample):
    document, data, _ = sample
    result = mammoth.convert_to_html(io.BytesIO(data))
    html = result.value
    assert not [m for m in result.messages if m.type == "error"]
    headings = [
        (f"Heading {level}", re.sub(r"<[^>]+>", "", text)) for level, text in re.findall(r"<h([1-3])>(.*?)</h\1>", html)
    ]
    assert [(style, _unescape(text)) for style, text in headings] == _headings(document)
    assert len(re.findall(r'<li id="footnote-\d+">', html)) == 12
    assert html.count("<table>") == 3 and html.count("<img ") == 2
    for figure in document.figures:
        assert f'alt="{figure.alt}"' in html.replace("&quot;", '"')


def _unescape(text: str) -> str:
    import html

    return html.unescape(text)


def test_furniture_contents_field_page_numbers_notice_and_history(sample):
    _, data, _ = sample
    body = _xml(data, "word/document.xml")
    instructions = [" ".join(t.text.split()) for t in body.iter(f"{W}instrText")]
    assert instructions[0] == 'TOC \\o "1-2" \\h \\z \\u'
    assert instructions.count("SEQ Figure \\* ARABIC") == 2 and instructions.count("SEQ Table \\* ARABIC") == 3
    package = zipfile.ZipFile(io.BytesIO(data))
    footers = [n for n in package.namelist() if n.startswith("word/footer")]
    assert any(b"PAGE" in package.read(name) for name in footers)
    word = docx.Document(io.BytesIO(data))
    texts = [p.text for p in word.paragraphs]
    notice = next(p for p in word.paragraphs if p.style.name == "Update Notice")
    assert notice.text.startswith("Since December, the Assad regime") and texts.index(notice.text) < 10
    history = len(texts) - 1 - texts[::-1].index("Version history")  # the heading, after the contents' entry
    assert texts[history + 1] == "Version 1.2 · 24 February 2020" and "Version 1.0 · 17 May 2018" in texts[history:]
    settings = _xml(data, "word/settings.xml")
    order = [child.tag.split("}")[1] for child in settings]
    assert order.index("trackRevisions") < order.index("defaultTabStop") < order.index("updateFields")
    assert order.index("updateFields") < order.index("footnotePr") < order.index("compat")


def test_properties_and_reproducible_bytes(sample):
    document, data, _ = sample
    core = docx.Document(io.BytesIO(data)).core_properties
    assert core.title == "Idlib Lives" and core.author == "report-build sample team"
    assert core.version == "1.2" and core.subject == "The untold story of heroes" and core.language == "en-GB"
    assert core.modified.date().isoformat() == "2020-02-24" and core.created.date().isoformat() == "2018-05-17"
    package = zipfile.ZipFile(io.BytesIO(data))
    assert {info.date_time for info in package.infolist()} == {(2020, 2, 24, 0, 0, 0)}
    assert package.namelist()[0] == "[Content_Types].xml" and "docProps/thumbnail.jpeg" not in package.namelist()
    assert b"<Application>report-build</Application>" in package.read("docProps/app.xml")
    theme = Theme(document.metadata.layouts, document.metadata.language, Diag(echo=False))
    assert write_docx(document, theme) == data


def test_docx_is_a_format_of_build_with_its_own_name(tmp_path):
    (result,) = build(MANUSCRIPT, ("docx",), output_dir=tmp_path, diagnostics=Diagnostics(strict=True, echo=False))
    assert result.path == tmp_path / "idlib-lives-v1.2.docx" and result.path.read_bytes()[:2] == b"PK"


@pytest.mark.e2e
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed (make docx-check-deps)")
def test_libreoffice_opens_it_and_makes_a_pdf(sample, tmp_path):
    _, data, _ = sample
    source = tmp_path / "edition.docx"
    source.write_bytes(data)
    subprocess.run(
        ["soffice", "--headless", "--norestore", f"-env:UserInstallation=file://{tmp_path}/profile",
         "--convert-to", "pdf", "--outdir", str(tmp_path), str(source)],
        check=True, capture_output=True, timeout=240,
    )  # fmt: skip
    pages = pdf_pages((tmp_path / "edition.pdf").read_bytes())
    text = squash("".join(pages))
    assert len(pages) > 20 and squash("Idlib Lives") in squash(pages[0])
    assert squash("The last opposition stronghold") in text and squash("Version history") in text


def test_arabic_edition_reads_right_to_left(tmp_path):
    document = load(MANUSCRIPT, Diagnostics(echo=False), language="ar")  # translations/ar.po
    data = write_docx(document, Theme(document.metadata.layouts, document.metadata.language))
    styles = _xml(data, "word/styles.xml")
    normal = styles.find("w:style[@w:styleId='Normal']", NS)
    assert normal.find("w:pPr/w:bidi", NS) is not None  # paragraphs run right to left
    lang = styles.find("w:docDefaults/w:rPrDefault/w:rPr/w:lang", NS)
    assert lang.get(f"{W}bidi") == document.metadata.language
    heading = styles.find("w:style[@w:styleId='Heading1']/w:rPr", NS)
    assert heading.find("w:bCs", NS) is not None and heading.find("w:szCs", NS) is not None  # Arabic bold and sized
    body = _xml(data, "word/document.xml")
    tables = body.findall(".//w:tbl", NS)
    assert tables and all(t.find("w:tblPr/w:bidiVisual", NS) is not None for t in tables)
