"""The Arabic, right-to-left edition (the sample translated by manuscript/translations/ar.po): built
strictly and read back with poppler, pdfplumber and pikepdf, against the English PDF from the same
templates."""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile

import pdfplumber
import pikepdf
import pytest
from lxml import etree

from conftest import ROOT, build_bytes, pdf_fonts, pdf_pages
from report_build import Diagnostics, ReportBuildError, load

ENGLISH = ROOT / "manuscript" / "report.md"
MM = 72 / 25.4

# Sentences of the Arabic edition (translations/ar.po), as a reader reads them (logical order).
SUMMARY = "إدلب منطقة في شمال غربي سوريا."
WITH_FIGURES = "ويصفها التحديث المنشور على صفحة التقرير في 24 شباط 2020 بأنها آخر معاقل المعارضة في البلاد"
WITH_LATIN = "أطلقت منظمة Peace Direct، بالاشتراك مع The Syria Campaign، تقرير"


def letters(text: str) -> str:
    """Base letters and digits only, in order: compares text across line breaks, bidi marks and
    the vowel signs poppler pulls out of their words. Presentation forms become plain letters."""
    text = unicodedata.normalize("NFKC", text)
    return "".join(ch for ch in text if ch.isalnum() and unicodedata.category(ch) != "Mn").lower()


def visual(text: str) -> str:
    """pdfplumber gives right-to-left text in visual order (left to right): back to logical."""
    return letters(text)[::-1]


@pytest.fixture(scope="module")
def arabic_pdf(arabic_edition) -> bytes:
    return (arabic_edition / "idlib-lives-ar-v1.2.pdf").read_bytes()  # built strictly: no warning at all


@pytest.fixture(scope="module")
def arabic_document():
    return load(ENGLISH, Diagnostics(strict=True, echo=False), language="ar")


# -- furniture read with pdfplumber ---------------------------------------------------


def furniture(data: bytes) -> list[dict]:
    """For each page: its width, its folio and its running head (text and horizontal centre),
    and the horizontal extent of the text between them."""
    pages = []
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages:
            width, height = float(page.width), float(page.height)
            words = page.extract_words(use_text_flow=False, keep_blank_chars=False)
            top = [w for w in words if w["bottom"] < 22 * MM]
            foot = [w for w in words if w["top"] > height - 28 * MM]
            body = [w for w in words if w["top"] >= 22 * MM and w["bottom"] <= height - 28 * MM]
            folio = foot[-1] if foot else None
            pages.append(
                {
                    "width": width,
                    "folio": folio["text"] if folio else "",
                    "folio_x": (folio["x0"] + folio["x1"]) / 2 if folio else None,
                    "head_x": (min(w["x0"] for w in top) + max(w["x1"] for w in top)) / 2 if top else None,
                    "head": " ".join(w["text"] for w in top),
                    "left": min((w["x0"] for w in body), default=None),
                    "right": max((w["x1"] for w in body), default=None),
                }
            )
    return pages


@pytest.fixture(scope="module")
def arabic_pages(arabic_pdf):
    return furniture(arabic_pdf)


@pytest.fixture(scope="module")
def english_pages(default_pdf):
    return furniture(default_pdf)


def side(x: float, width: float) -> str:
    return "left" if x < width / 2 else "right"


def numbered(pages: list[dict]) -> dict[int, dict]:
    """Main-matter pages by their printed page number."""
    return {int(p["folio"]): p for p in pages if p["folio"].isdigit()}


# -- text, fonts, metadata -------------------------------------------------------------


@pytest.mark.e2e
def test_text_reads_in_logical_order(arabic_pdf):
    text = letters("".join(pdf_pages(arabic_pdf)))
    for sentence in (SUMMARY, WITH_FIGURES, WITH_LATIN):
        assert letters(sentence) in text, sentence
    assert letters(SUMMARY)[::-1] not in text


@pytest.mark.e2e
def test_arabic_font_embedded_and_subset_no_dejavu(arabic_pdf):
    fonts = pdf_fonts(arabic_pdf)
    arabic = [row for row in fonts if re.search(r"RB-Arabic|NotoNaskhArabic", row["name"])]
    assert arabic, [row["name"] for row in fonts]
    assert any(row["name"].split("+", 1)[-1] == "RB-Arabic" for row in arabic)
    for row in fonts:
        assert row["emb"] == "yes" and row["sub"] == "yes", row
        assert "DejaVu" not in row["name"], row


@pytest.mark.e2e
def test_headings_and_text_set_in_naskh(arabic_pdf):
    with pdfplumber.open(io.BytesIO(arabic_pdf)) as pdf:
        fonts: dict[str, set[str]] = {}
        for page in pdf.pages:
            for char in page.chars:
                if "\u0621" <= char["text"] <= "\u064a":
                    fonts.setdefault(char["fontname"].split("+", 1)[-1], set()).add(round(char["size"]))
    assert set(fonts) <= {"RB-Arabic", "RB-Arabic-Bold", "RB-Arabic-Italic"}, fonts
    assert max(fonts["RB-Arabic-Bold"]) >= 26  # chapter titles
    assert 12 <= min(size for sizes in fonts.values() for size in sizes if size >= 12) <= 13  # body text


@pytest.mark.e2e
def test_language_is_arabic(arabic_pdf):
    with pikepdf.open(io.BytesIO(arabic_pdf)) as pdf:
        assert str(pdf.Root.Lang) == "ar"


@pytest.mark.e2e
def test_outline_in_arabic(arabic_pdf, arabic_document):
    with pikepdf.open(io.BytesIO(arabic_pdf)) as pdf, pdf.open_outline() as outline:
        titles = [item.title for item in outline.root]
    assert titles == [chapter.title for chapter in arabic_document.chapters] + ["سجلّ الإصدارات"]


# -- the mirrored page -------------------------------------------------------------------


@pytest.mark.e2e
def test_folios_on_the_other_side_from_the_english_pdf(arabic_pages, english_pages):
    arabic, english = numbered(arabic_pages), numbered(english_pages)
    common = sorted(set(arabic) & set(english))
    assert len(common) >= 8, common
    for number in common:
        a, e = arabic[number], english[number]
        assert side(a["folio_x"], a["width"]) != side(e["folio_x"], e["width"]), number
        # recto (odd) pages: outer edge on the right in English, on the left in Arabic
        assert side(a["folio_x"], a["width"]) == ("left" if number % 2 else "right"), number


@pytest.mark.e2e
def test_running_heads_mirrored(arabic_pages, english_pages, arabic_document):
    arabic, english = numbered(arabic_pages), numbered(english_pages)
    headed = [n for n in sorted(arabic) if arabic[n]["head"]]
    assert len(headed) >= 4, headed
    titles = {letters(c.title) for c in arabic_document.chapters} | {letters("سجلّ الإصدارات")}
    for number in headed:
        page = arabic[number]
        # the running head sits in the outer corner, above the folio
        assert side(page["head_x"], page["width"]) == side(page["folio_x"], page["width"]), number
        if number % 2:  # recto: the chapter title; verso: the report's title
            assert visual(page["head"]) in titles, (number, page["head"])
        else:
            assert visual(page["head"]) == letters(arabic_document.metadata.title), (number, page["head"])
        if number in english and english[number]["head"]:
            assert side(page["head_x"], page["width"]) != side(english[number]["head_x"], page["width"])


@pytest.mark.e2e
def test_recto_running_head_is_the_chapter_title(tmp_path):
    """A chapter long enough to run over several rectos: chapter title on the recto (top left),
    the report's title on the verso (top right); none on the opener."""
    paragraph = SUMMARY + " " + WITH_FIGURES + "، " + WITH_LATIN + " تقرير Idlib Lives."
    manuscript = tmp_path / "report.md"
    manuscript.write_text(
        '---\ntitle: "تجربة الاتجاه"\nlanguage: ar\n---\n\n# فصل طويل\n\n' + "\n\n".join([paragraph] * 60) + "\n",
        encoding="utf-8",
    )
    pages = numbered(furniture(build_bytes(manuscript)))
    assert len(pages) >= 5, sorted(pages)
    assert not pages[1]["head"]
    for number in sorted(pages)[1:]:
        page = pages[number]
        if number % 2:
            assert visual(page["head"]) == letters("فصل طويل") and side(page["head_x"], page["width"]) == "left"
        else:
            assert visual(page["head"]) == letters("تجربة الاتجاه") and side(page["head_x"], page["width"]) == "right"


@pytest.mark.e2e
def test_wider_margin_on_the_other_side(arabic_pages, english_pages):
    """On a recto the outer (wider) margin is on the left in Arabic and on the right in English."""
    for pages, outer in ((arabic_pages, "left"), (english_pages, "right")):
        checked = 0
        for number, page in numbered(pages).items():
            if page["left"] is None:
                continue
            left, right = page["left"], page["width"] - page["right"]
            recto = number % 2 == 1
            wider = "left" if left > right else "right"
            assert wider == (outer if recto else {"left": "right", "right": "left"}[outer]), (number, left, right)
            checked += 1
        assert checked >= 8


@pytest.mark.e2e
def test_text_set_right_to_left(arabic_pdf):
    """Lines start at the right edge of the text block; a paragraph's short last line ends short
    of the left edge (the summary's first paragraph ends with "... حالة وفاة." a good way short of it)."""
    with pdfplumber.open(io.BytesIO(arabic_pdf)) as pdf:
        for page in pdf.pages:
            lines = page.extract_text_lines(return_chars=False)
            first = next((line for line in lines if letters("إدلب منطقة في شمال") in visual(line["text"])), None)
            if first is None:
                continue
            block = [line for line in lines if 22 * MM < line["top"] < page.height - 28 * MM]
            right, left = max(line["x1"] for line in block), min(line["x0"] for line in block)
            last = next(line for line in block if visual(line["text"]).endswith(letters("حالة وفاة.")))
            assert abs(first["x1"] - right) < 1 and abs(last["x1"] - right) < 1
            assert last["x0"] > left + 15 * MM
            return
    raise AssertionError("summary paragraph not found")


@pytest.mark.e2e
def test_contents_leaders_run_from_title_to_number_on_the_left(arabic_pdf, arabic_document):
    first = arabic_document.chapters[0]
    with pdfplumber.open(io.BytesIO(arabic_pdf)) as pdf:
        for page in pdf.pages:
            words = page.extract_words()
            if not any(visual(w["text"]) == letters("المحتويات") for w in words):
                continue
            for line in page.extract_text_lines(return_chars=True):
                if letters(first.title) in visual(line["text"]):
                    chars = line["chars"]
                    dots = [c for c in chars if c["text"] == "."]
                    digits = [c for c in chars if c["text"].isdigit()]
                    title = [c for c in chars if "\u0621" <= c["text"] <= "\u064a"]
                    number = [d for d in digits if d["x1"] < min(c["x0"] for c in dots)]
                    assert number, "the page number is not left of the leader"
                    assert max(c["x1"] for c in dots) < min(c["x0"] for c in title)
                    assert "".join(c["text"] for c in number) == "1"
                    return
    raise AssertionError("contents line of the first chapter not found")


@pytest.mark.e2e
def test_footnotes_at_the_foot_in_arabic(arabic_pdf, arabic_document):
    """Each note is on one page only, and below the text of that page."""
    pages = pdf_pages(arabic_pdf)
    for note in arabic_document.footnotes:
        words = re.sub(r"<[^>]+>", "", note.inline_html).split()
        # poppler lifts vowel signs out of their line: look for words written without them
        plain = [w for w in words if not any(unicodedata.category(ch) == "Mn" for ch in w)]
        run = []  # the first words in a row without them: enough to be this note's alone
        for word in words:
            if any(unicodedata.category(ch) == "Mn" for ch in word) or len(run) == 6:
                break
            run.append(word)
        probe = letters(" ".join(run if len(run) >= 3 else plain[:3]))
        where = [i for i, text in enumerate(pages) if probe in letters(text)]
        assert len(where) == 1, (note.number, probe, where)
        lines = [letters(line) for line in pages[where[0]].splitlines() if letters(line)]
        position = max(i for i, line in enumerate(lines) if letters(plain[0]) in line)
        assert position >= len(lines) - 8, (note.number, position, len(lines))


@pytest.mark.e2e
def test_table_and_figure_labels_in_arabic(arabic_pdf):
    text = letters(" ".join(pdf_pages(arabic_pdf)))
    assert letters("الجدول 1 الأرقام الواردة") in text and letters("الشكل 1 سكان إدلب") in text
    assert "table1" not in text and "figure1" not in text


@pytest.mark.e2e
def test_a_cross_reference_reads_label_then_page(arabic_pdf):
    """ "الشكل 1 (ص. 6)" as the English reads "Figure 1 (p. 6)": in the sentence that cites
    Figure 1 and Table 1, each page follows its label in reading order, never comes before it."""
    text = letters(" ".join(pdf_pages(arabic_pdf)))
    page = letters("ص") + r"\d+"
    label_then_page = letters("يضع الشكل 1") + page + letters("أكبر رقمين في الجدول 1") + page + letters("جنبًا")
    page_then_label = letters("يضع") + page + letters("الشكل 1")
    assert re.search(label_then_page, text) and not re.search(page_then_label, text)


@pytest.mark.e2e
def test_chart_labels_are_arabic_text_shaped_and_in_order(arabic_pdf):
    """The chart is drawn from the shared data with Arabic labels, as text (not outlines): each
    label reads in logical order, its letters joined (the PDF text has the words, not isolated
    letters run backwards)."""
    text = letters(" ".join(pdf_pages(arabic_pdf)))
    for label in ("سكان إدلب", "النازحون منذ كانون الأول 2019", "عدد الأشخاص"):
        assert letters(label) in text, label
        assert letters(label)[::-1] not in text
    assert "3500000" in text and "800000" in text


def test_the_arabic_chart_shares_the_english_data(arabic_document):
    """One number, one place: the Arabic edition is the same manuscript, so its text, table and
    chart take their figures from the one data file; the chart's labels are catalog entries."""
    assert not (ROOT / "manuscript-ar").exists()
    figure = next(f for f in arabic_document.figures if f.id == "fig-people")
    assert figure.data.rows == (("سكان إدلب", "3,500,000"), ("النازحون منذ كانون الأول 2019", "800,000"))
    assert figure.data.columns == ("المؤشّر", "عدد الأشخاص")
    body = "".join(chapter.body for chapter in arabic_document.chapters)
    assert "لقرابة 3.5 مليون نسمة" in body and "نزوح 800,000 شخص" in body


@pytest.mark.e2e
def test_front_matter_folios_in_abjad(arabic_pages):
    front = [p["folio"] for p in arabic_pages if p["folio"] and not p["folio"].isdigit()]
    assert front[:2] == ["أ", "ب"], [p["folio"] for p in arabic_pages]


# -- languages without a right-to-left stylesheet, and without strings --------------------


def _throwaway(tmp_path, language: str):
    manuscript = tmp_path / "report.md"
    manuscript.write_text(
        f'---\ntitle: "Probe"\nlanguage: {language}\n---\n\n# One\n\nText.\n\n# Two\n\nMore text.\n',
        encoding="utf-8",
    )
    return manuscript


@pytest.mark.e2e
def test_language_without_strings_falls_back_to_english_with_one_warning(tmp_path):
    """Italian has no strings file: CLDR gives the dates, English the words, and the build says
    once which words those are."""
    manuscript = _throwaway(tmp_path, "it")
    text = manuscript.read_text(encoding="utf-8").replace("language: it\n", "language: it\ndate: 2020-02-24\n")
    manuscript.write_text(text, encoding="utf-8")
    with pytest.raises(ReportBuildError, match=r"no strings file for language 'it'"):
        build_bytes(manuscript)  # strict: the warning is an error
    diagnostics = Diagnostics(echo=False)
    from report_build import build

    (result,) = build(manuscript, ("pdf",), write=False, diagnostics=diagnostics)
    messages = [w.message for w in diagnostics.warnings]
    assert len(messages) == 1
    assert messages[0].startswith(
        "no strings file for language 'it' (layouts/strings/it.yaml): dates come from CLDR; "
        "these words are in English: contents, version, version_history,"
    )
    pages = " ".join(pdf_pages(result.data))
    assert "Contents" in pages and "24 febbraio 2020" in pages


@pytest.mark.e2e
def test_french_strings(tmp_path):
    data = build_bytes(_throwaway(tmp_path, "fr-FR"))  # strict: no fallback warning
    assert "Sommaire" in " ".join(pdf_pages(data))


def test_every_strings_file_has_every_english_key():
    import yaml

    folder = ROOT / "layouts" / "strings"
    english = yaml.safe_load((folder / "en.yaml").read_text(encoding="utf-8"))
    for name in ("ar", "fr"):
        strings = yaml.safe_load((folder / f"{name}.yaml").read_text(encoding="utf-8"))
        assert set(english) <= set(strings), (name, set(english) - set(strings))
        assert len(strings["months"]) == 12
        assert "{day}" in strings["date_format"] and "{month}" in strings["date_format"]


# -- the ePub, when the writer can build it -----------------------------------------------


def _epub_writer_works() -> bool:
    try:
        from report_build.writers.epub.writer import write_epub  # noqa: F401
    except Exception:
        return False
    return True


needs_epub = pytest.mark.skipif(not _epub_writer_works(), reason="the ePub writer is not importable yet")
XHTML = "{http://www.w3.org/1999/xhtml}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


@pytest.fixture(scope="module")
def arabic_epub(arabic_edition):
    return (arabic_edition / "idlib-lives-ar-v1.2.epub").read_bytes()


def _opf(book: zipfile.ZipFile) -> tuple[str, etree._Element]:
    container = etree.fromstring(book.read("META-INF/container.xml"))
    path = container.xpath("//*[local-name()='rootfile']/@full-path")[0]
    return path, etree.fromstring(book.read(path))


@pytest.mark.e2e
@needs_epub
def test_epub_reads_right_to_left(arabic_epub):
    book = zipfile.ZipFile(io.BytesIO(arabic_epub))
    path, opf = _opf(book)
    ns = {"opf": "http://www.idpf.org/2007/opf", "dc": "http://purl.org/dc/elements/1.1/"}
    assert opf.xpath("//opf:spine/@page-progression-direction", namespaces=ns) == ["rtl"]
    assert opf.xpath("//dc:language/text()", namespaces=ns) == ["ar"]
    base = path.rsplit("/", 1)[0] + "/" if "/" in path else ""
    documents = opf.xpath("//opf:manifest/opf:item[@media-type='application/xhtml+xml']/@href", namespaces=ns)
    assert documents
    for href in documents:
        root = etree.fromstring(book.read(base + href))
        assert (root.get("lang"), root.get(XML_LANG), root.get("dir")) == ("ar", "ar", "rtl"), href


@pytest.mark.e2e
@needs_epub
def test_epub_links_the_rtl_stylesheet(arabic_epub):
    book = zipfile.ZipFile(io.BytesIO(arabic_epub))
    path, opf = _opf(book)
    base = path.rsplit("/", 1)[0] + "/" if "/" in path else ""
    ns = {"opf": "http://www.idpf.org/2007/opf"}
    hrefs = opf.xpath("//opf:manifest/opf:item/@href", namespaces=ns)
    assert "css/epub-rtl.css" in hrefs
    for href in opf.xpath("//opf:manifest/opf:item[@media-type='application/xhtml+xml']/@href", namespaces=ns):
        root = etree.fromstring(book.read(base + href))
        links = [link.get("href") for link in root.iter(f"{XHTML}link")]
        assert links and links[-1].endswith("epub-rtl.css"), (href, links)


@pytest.mark.e2e
@needs_epub
def test_epubcheck_clean(arabic_epub):
    from epubcheck_helper import epubcheck_many

    assert epubcheck_many({"arabic": arabic_epub})["arabic"] == []


def test_left_to_right_runs_are_isolated_in_arabic(tmp_path):
    from report_build import Diagnostics, load

    manuscript = tmp_path / "r.md"
    manuscript.write_text(
        "---\ntitle: تجربة\nlanguage: ar\nslug: t\n---\n\n# فصل\n\nانظر [https://example.org](https://example.org)"
        " والأمر `make pdf`.\n\n| البند | العدد |\n|---|---:|\n| أ | 3,500,000 |\n",
        encoding="utf-8",
    )
    body = load(manuscript, Diagnostics(echo=False)).chapters[0].body
    assert '<a href="https://example.org" dir="ltr">' in body
    assert '<code dir="ltr">make pdf</code>' in body
    assert 'class="align-right" dir="auto">3,500,000' in body
