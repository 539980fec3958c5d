"""The PDF of the default report, checked with pikepdf and poppler."""

from __future__ import annotations

import io
import re
import shutil

import pdfplumber
import pikepdf
import pytest

from conftest import FIXTURES, build_bytes, pdf_fonts, pdf_pages, squash, words_past_the_edge
from report_build import Diagnostics, load
from report_build.theme import Theme


def outline_titles(data: bytes) -> list[tuple[int, str]]:
    with pikepdf.open(io.BytesIO(data)) as pdf, pdf.open_outline() as outline:
        found: list[tuple[int, str]] = []

        def walk(items, depth):
            for item in items:
                found.append((depth, item.title))
                walk(item.children, depth + 1)

        walk(outline.root, 1)
        return found


@pytest.mark.e2e
def test_outline_is_chapters_and_sections(default_pdf, default_document):
    expected = []
    for chapter in default_document.chapters:
        expected.append((1, chapter.title))
        expected.extend((2, section.text) for section in chapter.sections)
    expected.append((1, "Version history"))
    assert outline_titles(default_pdf) == expected


@pytest.mark.e2e
def test_metadata_from_front_matter(default_pdf, default_document):
    meta = default_document.metadata
    with pikepdf.open(io.BytesIO(default_pdf)) as pdf:
        info = pdf.docinfo
        assert str(info["/Title"]) == f"{meta.title}: {meta.subtitle}"
        assert str(info["/Author"]) == ", ".join(meta.authors)
        assert str(info["/Subject"]) == meta.description
        assert str(info["/Keywords"]) == ", ".join(meta.keywords)
        assert str(pdf.Root.Lang) == meta.language
        assert pdf.Root.ViewerPreferences.DisplayDocTitle
        assert pdf.Root.MarkInfo.Marked  # tagged PDF
        with pdf.open_metadata() as xmp:
            assert xmp["dc:title"] == f"{meta.title}: {meta.subtitle}"


@pytest.mark.e2e
def test_every_font_embedded_subset_and_no_dejavu(default_pdf):
    fonts = pdf_fonts(default_pdf)
    assert fonts, "pdffonts listed no fonts"
    names = {row["name"].split("+", 1)[-1] for row in fonts}
    assert {"RB-Serif", "RB-Serif-Italic", "RB-Sans-Bold"} <= names
    for row in fonts:
        assert row["emb"] == "yes" and row["sub"] == "yes", row
        assert "DejaVu" not in row["name"]


def _folio(page_text: str) -> str:
    lines = [line.strip() for line in page_text.splitlines() if line.strip()]
    return lines[-1] if lines else ""


def _opener(pages: list[str], title: str, after: int) -> int:
    """The chapter's opening page: its title among the first lines (no running head on openers)."""
    for index, text in enumerate(pages):
        head = " ".join(line for line in text.splitlines() if line.strip())[: len(title) + 40]
        if index > after and squash(title) in squash(head):
            return index
    raise AssertionError(f"no opening page for {title!r}")


@pytest.mark.e2e
def test_contents_page_numbers_match_where_chapters_start(default_pdf, default_document):
    pages = pdf_pages(default_pdf, layout=True)
    contents_index = next(i for i, text in enumerate(pages) if text.lstrip().startswith("Contents"))
    last_contents = max(i for i, text in enumerate(pages) if ". . . . ." in text)
    toc_text = "\n".join(pages[contents_index : last_contents + 1])
    chapters = [c for c in default_document.chapters if c.title]
    checked = 0
    for chapter in chapters:
        match = re.search(re.escape(chapter.title) + r"[ .]+?(\d+)\s*$", toc_text, re.MULTILINE)
        assert match, f"no contents entry with a page number for {chapter.title!r}"
        printed = match.group(1)
        opener = _opener(pages, chapter.title, last_contents)
        assert _folio(pages[opener]) == printed, (chapter.title, printed, opener)
        checked += 1
    assert checked == len(chapters) >= 8


def _leader_lines(data: bytes, first: int, last: int) -> list[tuple[int, list[tuple[str, float]]]]:
    """Each line of pages ``first`` to ``last`` (1-based) that holds a leader (three dots or
    more): its page, and its words with their right edges (pdftotext -bbox)."""
    import subprocess
    import tempfile

    from lxml import etree

    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(data)
        handle.flush()
        command = ["pdftotext", "-bbox", "-f", str(first), "-l", str(last), handle.name, "-"]
        out = subprocess.run(command, check=True, capture_output=True).stdout
    lines = []
    for number, page in enumerate(etree.fromstring(out, etree.XMLParser(recover=True)).iter("{*}page"), first):
        rows: dict[int, list[tuple[float, str, float]]] = {}
        for word in page.iter("{*}word"):
            row = round(float(word.get("yMax")))
            rows.setdefault(row, []).append((float(word.get("xMin")), word.text or "", float(word.get("xMax"))))
        for row in sorted(rows):
            words = [(text, right) for _left, text, right in sorted(rows[row])]
            if sum(text == "." for text, _ in words) >= 3:
                lines.append((number, words))
    return lines


@pytest.mark.e2e
def test_contents_and_lists_end_each_entry_with_a_leader_and_a_page_number_flush_right(default_pdf, default_document):
    """Chapters, sections, figures and tables alike: leader dots, then the page number, every
    number ending at the same place (a title that fills the line keeps its leader too)."""
    pages = pdf_pages(default_pdf)
    first = next(i for i, text in enumerate(pages) if text.lstrip().startswith("Contents")) + 1
    last = next(i for i, text in enumerate(pages) if "List of tables" in text) + 1
    lines = _leader_lines(default_pdf, first, last)
    entries = sum(1 + len(c.sections) for c in default_document.chapters if c.title)
    listed = len(default_document.figures) + len(default_document.tables)
    assert len(lines) >= entries + listed, [" ".join(t for t, _ in line) for _page, line in lines]
    for _page, line in lines:
        assert line[-1][0].isdigit() and line[-2][0] == ".", " ".join(text for text, _ in line)
    for page in {page for page, _line in lines}:  # versos and rectos have their own margins
        rights = sorted(line[-1][1] for number, line in lines if number == page)
        assert rights[-1] - rights[0] < 0.5, (page, rights)


@pytest.mark.e2e
def test_footnotes_sit_on_the_page_of_their_call(default_pdf, default_document):
    pages = [squash(text) for text in pdf_pages(default_pdf)]
    import lxml.html

    for chapter in default_document.chapters:
        body = lxml.html.fragment_fromstring(chapter.body, create_parent="div")
        for call in body.xpath("//a[@class='noteref']"):
            before = "".join(call.xpath("preceding::text()[position() <= 3]"))
            context = squash(before)[-30:]
            note = next(n for n in chapter.footnotes if n.ref_id == call.get("id"))
            note_text = squash(lxml.html.fragment_fromstring(note.html, create_parent="div").text_content())[:40]
            note_pages = [i for i, text in enumerate(pages) if note_text in text]
            call_pages = [i for i, text in enumerate(pages) if context in text]
            assert note_pages, f"footnote {note.number} not found in the PDF"
            assert set(note_pages) & set(call_pages), (note.number, note_pages, call_pages)
    assert len(default_document.footnotes) >= 8


def test_footnotes_numbered_through_the_document(default_document):
    assert [n.number for n in default_document.footnotes] == list(range(1, len(default_document.footnotes) + 1))


@pytest.mark.e2e
def test_page_count_and_size(default_pdf):
    with pikepdf.open(io.BytesIO(default_pdf)) as pdf:
        assert len(pdf.pages) >= 20
        box = [float(v) for v in pdf.pages[0].MediaBox]
        assert abs(box[2] - 595.28) < 1 and abs(box[3] - 841.89) < 1  # A4


@pytest.mark.e2e
def test_front_matter_numbered_roman_body_from_one(default_pdf, print_pdf, default_document):
    press = pdf_pages(print_pdf, layout=True)
    assert not press[1].strip()  # the inside of the cover is blank in print ...
    assert "Idlib Lives" in press[2] and _folio(press[2]) == "i"  # ... the title page a right-hand page
    pages = pdf_pages(default_pdf, layout=True)
    assert "Idlib Lives" in pages[1] and _folio(pages[1]) == "i"  # on screen, the title page follows the cover
    first = default_document.chapters[0].title
    last_contents = max(i for i, text in enumerate(pages) if ". . . . ." in text)
    opener = _opener(pages, first, last_contents)
    assert _folio(pages[opener]) == "1"
    assert squash(pages[0]).find("version12") >= 0  # version and date on the cover
    assert "cover" not in _folio(pages[0]) and not _folio(pages[0]).isdigit()


@pytest.mark.e2e
def test_running_head_is_the_chapter_title(default_pdf, default_document):
    pages = pdf_pages(default_pdf, layout=True)
    heads = {text.strip().splitlines()[0].strip() for text in pages if text.strip()}
    titles = {c.title for c in default_document.chapters}
    assert len(heads & titles) >= 5


@pytest.mark.parametrize(
    ("size", "points"),
    [("Letter", (612, 792)), ("A5", (419.5, 595.3)), ("170mm 240mm", (481.9, 680.3))],
)
@pytest.mark.e2e
def test_page_sizes_from_front_matter(tmp_path, size, points):
    source = (FIXTURES / "basic" / "report.md").read_text(encoding="utf-8")
    manuscript = tmp_path / "report.md"
    manuscript.write_text(source.replace("rights:", f"page_size: {size}\nrights:", 1), encoding="utf-8")
    (tmp_path / "images").mkdir()
    (tmp_path / "images" / "bars.png").write_bytes((FIXTURES / "basic" / "images" / "bars.png").read_bytes())
    with pikepdf.open(io.BytesIO(build_bytes(manuscript))) as pdf:
        box = [float(v) for v in pdf.pages[3].MediaBox]
    assert abs(box[2] - points[0]) < 1 and abs(box[3] - points[1]) < 1


@pytest.mark.e2e
def test_fixture_pdf_has_figure_table_and_code(tmp_path):
    data = build_bytes(FIXTURES / "basic" / "report.md")
    text = squash("".join(pdf_pages(data)))
    assert squash("Figure 1 Four bars, one highlighted") in text
    assert squash("Table 1 Counts by site") in text
    assert squash('return "code block"') in text
    assert squash("A nested bullet") in text
    with pikepdf.open(io.BytesIO(data)) as pdf:
        images = [img for page in pdf.pages for img in page.get_images().values()]
    assert images, "the PNG figure is not in the PDF"


@pytest.mark.e2e
def test_curly_quotes_and_dashes(tmp_path):
    pages = pdf_pages(build_bytes(FIXTURES / "basic" / "report.md"))
    text = " ".join(" ".join(pages).split())
    assert "\u201cquoted\u201d text \u2013 with dashes \u2014 and an ellipsis\u2026" in text


@pytest.mark.e2e
def test_screen_edition_is_tagged_pdf_ua(default_pdf):
    with pikepdf.open(io.BytesIO(default_pdf)) as pdf:
        assert "/StructTreeRoot" in pdf.Root and pdf.Root.MarkInfo.Marked
        assert pdf.Root.ViewerPreferences.DisplayDocTitle
        with pdf.open_metadata() as xmp:
            assert xmp["pdfuaid:part"] == "1"
        assert "/TrimBox" not in pdf.pages[5] or [float(v) for v in pdf.pages[5].TrimBox] == [
            float(v) for v in pdf.pages[5].MediaBox
        ]


@pytest.fixture(scope="module")
def print_pdf() -> bytes:
    from conftest import MANUSCRIPT

    return build_bytes(MANUSCRIPT, edition="print")


@pytest.mark.e2e
def test_print_edition_is_pdf_x4_with_bleed_and_boxes(print_pdf):
    bleed = 3 / 25.4 * 72
    with pikepdf.open(io.BytesIO(print_pdf)) as pdf:
        with pdf.open_metadata() as xmp:
            assert xmp["pdfx:GTS_PDFXVersion"] == "PDF/X-4"
        assert len(pdf.Root.OutputIntents) == 1
        for page in pdf.pages[:8]:
            media = [float(v) for v in page.MediaBox]
            trim = [float(v) for v in page.TrimBox]
            bleed_box = [float(v) for v in page.BleedBox]
            assert abs(trim[2] - trim[0] - 595.28) < 0.5 and abs(trim[3] - trim[1] - 841.89) < 0.5  # A4 trim
            assert all(abs((t - b) - bleed) < 0.2 for t, b in zip(trim[:2], bleed_box[:2], strict=True))
            assert media[0] <= bleed_box[0] and media[2] >= bleed_box[2]


@pytest.mark.e2e
def test_print_and_screen_share_pagination(default_pdf, print_pdf):
    """The screen edition is the print edition without its blank left-hand pages: the same
    pages, in the same order, with the same text and folios."""
    screen, press = pdf_pages(default_pdf), pdf_pages(print_pdf)
    printed = [p for index, p in enumerate(press) if squash(p) or index % 2 == 0]
    assert len(screen) == len(printed) < len(press)
    assert [squash(p)[:60] for p in screen] == [squash(p)[:60] for p in printed]


def _labels(data: bytes) -> list[str]:
    import pypdf

    return list(pypdf.PdfReader(io.BytesIO(data)).page_labels)


@pytest.mark.e2e
def test_the_screen_edition_drops_the_blank_versos_the_print_edition_needs(default_pdf, print_pdf):
    press = pdf_pages(print_pdf)
    blanks = [index for index, text in enumerate(press) if not text.strip()]
    assert blanks and all(index % 2 == 1 for index in blanks)  # left-hand pages, in print
    assert len(blanks) >= 5
    assert all(text.strip() for text in pdf_pages(default_pdf))  # none on screen
    assert len(pdf_pages(default_pdf)) == len(press) - len(blanks)


@pytest.mark.e2e
def test_page_labels_are_the_print_folios(default_pdf, print_pdf):
    """A viewer shows (and goes to) the page numbers the contents and citations print: each
    screen page is labelled with the folio printed on it, which is its print page's folio."""
    screen, press = pdf_pages(default_pdf, layout=True), pdf_pages(print_pdf, layout=True)
    labels, print_labels = _labels(default_pdf), _labels(print_pdf)
    assert len(labels) == len(screen) and len(print_labels) == len(press)
    assert labels[:3] == ["Cover", "i", "ii"] and print_labels[:3] == ["Cover", "Cover", "i"]
    by_label = dict(zip(print_labels, press, strict=True))
    for label, text in zip(labels[1:], screen[1:], strict=True):
        assert _folio(text) == label, (label, text[-80:])  # the folio printed on the page
        assert squash(by_label[label])[:80] == squash(text)[:80]  # the print page of that folio
    assert "4" not in labels and "4" in print_labels  # page 4 is a blank verso, in print only


@pytest.mark.e2e
def test_nothing_points_at_a_removed_page(default_pdf):
    """Outline, named destinations, links and the structure tree point at pages the screen
    edition has; every link still lands (PDF/UA: no dangling reference)."""
    with pikepdf.open(io.BytesIO(default_pdf)) as pdf:
        pages = {page.objgen for page in pdf.pages}
        names = dict(pikepdf.NameTree(pdf.Root.Names.Dests).items())
        assert len(names) > 50
        for name, dest in names.items():
            target = dest if isinstance(dest, pikepdf.Array) else dest.D
            assert target[0].objgen in pages, name
        with pdf.open_outline() as outline:
            stack = list(outline.root)
            while stack:
                item = stack.pop()
                stack.extend(item.children)
                dest = item.destination if item.destination is not None else item.action.D
                dest = names[str(dest)] if isinstance(dest, (pikepdf.String, pikepdf.Name)) else dest
                assert (dest if isinstance(dest, pikepdf.Array) else dest.D)[0].objgen in pages, item.title
        links = 0
        for page in pdf.pages:
            for annotation in page.get("/Annots") or []:
                dest = annotation.get("/Dest") or (annotation.A.get("/D") if "/A" in annotation else None)
                if isinstance(dest, pikepdf.Array):
                    assert dest[0].objgen in pages
                elif dest is not None:
                    assert str(dest) in names, dest
                links += 1
        assert links > 50
        for obj in pdf.objects:
            if isinstance(obj, pikepdf.Dictionary) and "/Pg" in obj:
                assert obj.Pg.objgen in pages


@pytest.mark.e2e
def test_epub_page_list_numbers_are_screen_pdf_labels(default_pdf):
    """The ePub's page list (from the same layout) names pages the screen PDF has, in order:
    "p. 14" is page 14 in the PDF, in print and in the ePub."""
    import zipfile

    from lxml import etree

    from conftest import MANUSCRIPT

    epub = build_bytes(MANUSCRIPT, "epub")
    with zipfile.ZipFile(io.BytesIO(epub)) as book:
        nav = etree.fromstring(book.read("EPUB/nav.xhtml"))
    ns = {"x": "http://www.w3.org/1999/xhtml", "epub": "http://www.idpf.org/2007/ops"}
    listed = nav.xpath("//x:nav[@epub:type='page-list']//x:a/text()", namespaces=ns)
    labels = _labels(default_pdf)
    assert len(listed) >= 25 and set(listed) <= set(labels)
    assert listed == [label for label in labels if label in set(listed)]  # the same order


@pytest.mark.e2e
def test_the_cover_carries_the_latest_update_notice_version_and_date(default_pdf, default_document):
    cover = pdf_pages(default_pdf)[0]
    release = default_document.release
    assert "UPDATE, 24 FEBRUARY 2020" in cover and "Version 1.2 · 24 February 2020" in cover
    assert squash(release.notice) in squash(cover)
    assert squash(cover).index(squash(release.notice)[:40]) < squash(cover).index("version12")


@pytest.mark.e2e
def test_chapters_open_on_right_hand_pages(print_pdf, default_document):
    pages = pdf_pages(print_pdf, layout=True)
    last_contents = max(i for i, text in enumerate(pages) if ". . . . ." in text)
    for chapter in default_document.chapters:
        opener = _opener(pages, chapter.title, last_contents)
        assert opener % 2 == 0, (chapter.title, opener)  # 0-based even index = odd page = right-hand
        assert int(_folio(pages[opener])) % 2 == 1


@pytest.mark.e2e
def test_blank_pages_have_no_running_head_or_folio(print_pdf):
    blanks = [text for text in pdf_pages(print_pdf) if not text.strip()]
    assert blanks, "no blank left-hand pages before right-hand chapter openers"


def test_the_footnote_layout_correction_is_in_place():
    from report_build.writers.pdf import fixes as weasyprint_fixes

    assert weasyprint_fixes.APPLIED, "WeasyPrint changed: review report_build/writers/pdf/fixes.py"


@pytest.mark.e2e
def test_streams_compressed_once_give_the_same_bytes(monkeypatch):
    """pdf.py compresses each stream itself, once, instead of letting pydyf do it twice (to write
    and to hash for the file identifier): the PDF must be byte for byte what pydyf would write."""
    from report_build.writers.pdf import finish

    manuscript = FIXTURES / "basic" / "report.md"
    ours = build_bytes(manuscript)
    monkeypatch.setattr(finish, "compress_streams_once", lambda document: None)
    assert build_bytes(manuscript) == ours
    with pikepdf.open(io.BytesIO(ours)) as document:
        assert len(document.trailer.ID) == 2  # the identifier that made pydyf compress twice
        assert document.pages[0].obj.Contents.Filter == "/FlateDecode"
        assert b" TJ" in document.pages[0].obj.Contents.read_bytes()  # decompresses to text drawing


@pytest.mark.e2e
def test_presentational_hints_only_when_an_attribute_needs_them(monkeypatch, tmp_path):
    """Hints are skipped when no attribute they read is present, and the PDF is the same as with them."""
    from report_build.writers.pdf import markup as pdf

    manuscript = FIXTURES / "basic" / "report.md"
    theme = Theme()
    doc = load(manuscript, Diagnostics(echo=False), releases_dir=tmp_path / "none")
    assert not pdf.needs_presentational_hints(pdf.render_html(doc, theme))
    without = build_bytes(manuscript)
    monkeypatch.setattr(pdf, "needs_presentational_hints", lambda html: True)
    assert build_bytes(manuscript) == without
    monkeypatch.undo()

    # An image given a width in the manuscript: hints are on, and the width is honoured.
    shutil.copytree(FIXTURES / "basic" / "images", tmp_path / "images")
    sized = tmp_path / "report.md"
    sized.write_text(
        "---\ntitle: Sized\n---\n\n# One\n\n![A bar chart.](images/bars.png){width=120}\n", encoding="utf-8"
    )
    doc = load(sized, Diagnostics(echo=False), releases_dir=tmp_path / "none")
    assert pdf.needs_presentational_hints(pdf.render_html(doc, theme))
    with pdfplumber.open(io.BytesIO(build_bytes(sized))) as document:
        widths = [image["width"] for page in document.pages for image in page.images]
    assert widths and all(abs(width - 90) < 1 for width in widths), widths  # 120 CSS px = 90 pt


@pytest.mark.e2e
def test_lists_numbered_from_their_start_value(tmp_path):
    """<ol start> and <li value> are read only with presentational hints: a list that starts at 3
    (as Markdown writes after an interruption) and a raw <li value> must keep their numbers."""
    from report_build.writers.pdf import markup as pdf

    manuscript = tmp_path / "report.md"
    manuscript.write_text(
        "---\ntitle: Numbers\n---\n\n# One\n\n1. First step\n\nA paragraph between the steps.\n\n"
        '3. Third step\n4. Fourth step\n\n<ol><li value="7">Seventh step</li></ol>\n',
        encoding="utf-8",
    )
    doc = load(manuscript, Diagnostics(echo=False), releases_dir=tmp_path / "none")
    assert pdf.needs_presentational_hints(pdf.render_html(doc, Theme()))
    text = squash(" ".join(pdf_pages(build_bytes(manuscript))))
    for number, words in ((1, "First"), (3, "Third"), (4, "Fourth"), (7, "Seventh")):
        assert squash(f"{number}. {words} step") in text, (number, text)


LETTERED = (
    '<ol type="a"><li>Alpha step</li><li>Beta step</li></ol>\n\n'
    '<ol type="A"><li>Upper step</li><li>Second upper step</li></ol>\n\n'
    '<ol type="i"><li>Roman step</li><li>Second roman step</li></ol>\n\n'
    '<ol type="I" start="3" reversed><li>Third of three</li><li>Second of three</li><li>First of three</li></ol>\n\n'
    "<ol reversed><li>Two left</li><li>One left</li></ol>\n"
)


def test_reversed_lists_count_down_in_the_html_weasyprint_lays_out():
    """WeasyPrint numbers ``<ol reversed>`` upwards: the PDF's HTML gives each item its number."""
    from report_build.writers.pdf.markup import reversed_lists

    assert reversed_lists('<ol reversed=""><li>a</li><li>b<ol><li>x</li></ol></li><li>c</li></ol>') == (
        '<ol reversed=""><li value="3">a</li><li value="2">b<ol><li>x</li></ol></li><li value="1">c</li></ol>'
    )
    assert reversed_lists('<ol start="3" reversed=""><li>a</li><li value="9">b</li><li class="k">c</li></ol>') == (
        '<ol start="3" reversed=""><li value="3">a</li><li value="9">b</li><li value="8" class="k">c</li></ol>'
    )
    unchanged = '<ol data-reversed="1"><li>a</li></ol><ul><li>b</li></ul><link rel="x">'
    assert reversed_lists(unchanged) == unchanged


def test_lettered_and_roman_lists_reach_the_pdfs_html(tmp_path):
    from report_build.writers.pdf import markup as pdf

    manuscript = tmp_path / "report.md"
    manuscript.write_text("---\ntitle: Letters\n---\n\n# One\n\n" + LETTERED, encoding="utf-8")
    html = pdf.render_html(load(manuscript, Diagnostics(echo=False), releases_dir=tmp_path / "none"), Theme())
    assert '<ol type="a">' in html and '<ol type="I" start="3" reversed="">' in html
    assert '<li value="3">Third of three</li><li value="2">Second of three</li>' in html
    assert '<li value="2">Two left</li><li value="1">One left</li>' in html


@pytest.mark.e2e
def test_lists_numbered_with_letters_and_roman_numerals(tmp_path, monkeypatch):
    """``<ol type>`` is honoured although print.css numbers lists in the language's digits, by
    print.css itself (without presentational hints too), and a reversed list counts down."""
    from report_build.writers.pdf import markup as pdf

    manuscript = tmp_path / "report.md"
    manuscript.write_text("---\ntitle: Letters\n---\n\n# One\n\n" + LETTERED, encoding="utf-8")

    def shown() -> str:
        return " ".join(" ".join(pdf_pages(build_bytes(manuscript))).split())  # markers in their case

    text = shown()
    expected = [
        ("a", "Alpha step"),
        ("b", "Beta step"),
        ("A", "Upper step"),
        ("B", "Second upper step"),
        ("i", "Roman step"),
        ("ii", "Second roman step"),
        ("III", "Third of three"),
        ("II", "Second of three"),
        ("I", "First of three"),
        ("2", "Two left"),
        ("1", "One left"),
    ]
    for marker, words in expected:
        assert f" {marker}. {words}" in text, (marker, text)
    monkeypatch.setattr(pdf, "needs_presentational_hints", lambda html: False)
    text = shown()
    for marker, words in expected[:6]:  # a start or an item's value needs the hints
        assert f" {marker}. {words}" in text, (marker, text)


@pytest.mark.e2e
def test_one_layout_written_twice_gives_the_build_bytes(tmp_path):
    """The writer's two steps: layout() once, then LaidOut.write() from the same pages, as often
    as asked, gives the bytes of a build; the page marks are there before any PDF is written."""
    from report_build.build import gather
    from report_build.writers.pdf.writer import layout

    manuscript = FIXTURES / "basic" / "report.md"
    diagnostics = Diagnostics(strict=True, echo=False)
    doc, theme = gather(manuscript, diagnostics, tmp_path / "none")
    laid_out = layout(doc, "screen", theme, diagnostics)
    assert laid_out.marks  # where pages begin, for the ePub, before the PDF is written
    blank_versos = sum(1 for page in laid_out.pages.pages if page._page_box.page_type.blank)
    assert blank_versos and len(laid_out.pages.pages) - blank_versos == len(pdf_pages(build_bytes(manuscript)))
    first = laid_out.write()
    diagnostics.refuse()  # strict: any fault fails
    assert laid_out.write() == first == build_bytes(manuscript)


@pytest.mark.e2e
def test_a_pdf_with_passages_for_one_format_only(tmp_path):
    """A manuscript with format conditions is laid out on its own for the PDF: the passages for
    the PDF are printed, those for other outputs are not."""
    manuscript = tmp_path / "report.md"
    manuscript.write_text(
        '---\ntitle: Conditions\n---\n\n# One\n\n::: {.content-visible when-format="pdf"}\nOnly in the PDF.\n:::\n\n'
        '::: {.content-visible unless-format="pdf"}\nNot in the PDF.\n:::\n',
        encoding="utf-8",
    )
    text = squash(" ".join(pdf_pages(build_bytes(manuscript))))
    assert squash("Only in the PDF.") in text and squash("Not in the PDF.") not in text


@pytest.mark.e2e
def test_no_word_runs_past_the_page_edge(default_pdf, print_pdf):
    assert words_past_the_edge(default_pdf) == []
    assert words_past_the_edge(print_pdf) == []  # within the trim box, not only the bleed


@pytest.mark.e2e
def test_long_addresses_code_lines_and_wide_tables_stay_on_the_page(tmp_path):
    """A long address, a line of code with a 128-digit checksum, a twelve-column table: all on
    the page. The same manuscript with code that may not break runs past the edge (the count
    can fail)."""
    wide = FIXTURES / "wide" / "report.md"
    assert words_past_the_edge(build_bytes(wide)) == []
    folder = tmp_path / "wide"
    shutil.copytree(wide.parent, folder)
    (folder / "layouts" / "css").mkdir(parents=True)
    (folder / "layouts" / "css" / "custom.css").write_text(
        "pre, pre code { overflow-wrap: normal; hyphens: manual; }\n"
    )
    text = (folder / "report.md").read_text(encoding="utf-8")
    (folder / "report.md").write_text(text.replace("language: en", "language: en\nlayouts: layouts"), encoding="utf-8")
    past = words_past_the_edge(build_bytes(folder / "report.md"))
    assert any(word.startswith("ad975da2133bcc") for _page, word in past), past
