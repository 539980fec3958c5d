"""Every script drawn: the multilingual manuscript's PDF read back as `check` reads it (the
embedded fonts' glyph for each character), and the check's own ability to find an empty box."""

from __future__ import annotations

import io
import shutil
import subprocess
import sys
import zipfile

import lxml.etree
import lxml.html
import pdfplumber
import pikepdf
import pytest
from fontTools.ttLib import TTFont
from weasyprint import CSS, HTML

from conftest import FIXTURES
from epubcheck_helper import epubcheck_many
from report_build import Diagnostics, build, fonts
from report_build.checks.glyphs import _to_unicode as to_unicode
from report_build.checks.glyphs import glyph_coverage, glyphs
from report_build.source import parse

MULTILINGUAL = FIXTURES / "multilingual" / "report.md"


@pytest.fixture(scope="module")
def outputs() -> dict[str, object]:
    """PDF, ePub and site of the multilingual manuscript, built once, strictly (a character
    without a font would fail the build)."""
    built = build(
        MULTILINGUAL, ("pdf", "epub", "web"), write=False, diagnostics=Diagnostics(strict=True, echo=False), jobs=1
    )
    return {result.format: result.files if result.format == "web" else result.data for result in built}


@pytest.fixture(scope="module")
def pdf(outputs) -> bytes:
    return outputs["pdf"]


@pytest.mark.e2e
def test_every_character_of_every_script_has_a_glyph(pdf):
    coverage = glyph_coverage(pdf)
    assert coverage.missing == [] and coverage.glyphs > 300
    drawn = "".join(glyph.text for glyph in glyphs(pdf) if glyph.gid != 0)
    doc, _theme = parse.read(MULTILINGUAL, Diagnostics(echo=False))
    text = "".join(chapter.body for chapter in doc.chapters)
    wanted = {c for c in fonts.document_characters(doc, {}) if fonts.visible(c) and c in text}
    assert wanted - set(drawn) == set()
    for script in ("Hebr", "Deva", "Beng", "Taml", "Sinh", "Thai", "Khmr", "Mymr", "Ethi", "Geor", "Armn", "Hang"):
        assert any(fonts.script_of(c) == script for c in drawn), script
    with pikepdf.open(io.BytesIO(pdf)) as document:
        fonts_used = (f for page in document.pages for f in (page.Resources.get("/Font") or {}).values())
        names = {str(f.get("/BaseFont")).split("+")[-1] for f in fonts_used}
    assert {"Noto-Serif-CJK-SC", "Noto-Sans-CJK-SC", "Noto-Sans-Mono-CJK-SC", "Noto-Color-Emoji"} <= names


@pytest.mark.e2e
def test_a_passage_in_the_other_direction_starts_on_its_own_side(pdf):
    """The Arabic and Hebrew passages of this English report end at the right edge of the
    text column, where their lines start, with their rule on that side."""
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        for page in document.pages:
            words = page.extract_words()
            right_to_left = [w for w in words if any("\u0590" <= c <= "\u06ff" for c in w["text"])]
            if not right_to_left:
                continue
            column = max(w["x1"] for w in words)
            assert all(w["x0"] > page.width / 2 for w in right_to_left), right_to_left
            rule = 1.5 + 4 * 72 / 25.4  # the rule and the padding before the text (print.css .passage)
            assert abs(max(w["x1"] for w in right_to_left) + rule - column) < 3
            return
    raise AssertionError("no right-to-left passage found")


@pytest.mark.e2e
def test_each_passage_gets_the_cjk_forms_of_its_language(pdf):
    """骨 differs between Simplified Chinese, Traditional Chinese and Japanese, 直 between Chinese
    and Japanese: the passages marked zh-Hans, zh-Hant and ja draw them with different glyphs of
    the same font (its locl feature, chosen by each passage's language)."""
    for char, regions in (("骨", 3), ("直", 2)):
        forms = {g.gid for g in glyphs(pdf) if g.text == char and g.font == "Noto-Serif-CJK-SC"}
        assert len(forms) == regions, (char, forms)


@pytest.mark.e2e
def test_a_bengali_reports_dandas_are_drawn_by_its_bengali_face(tmp_path):
    """The danda (U+0964, U+0965) belongs to Devanagari and is shared by Bengali: in a Bengali
    report it comes from the Bengali face, as the letters around it, not from the Devanagari
    face the fallback file lists first; a Hindi report keeps the Devanagari one."""
    drawn = {}
    for language, words in (("bn", "বাংলা লেখা সুন্দর। শেষ বাক্য॥"), ("hi", "हिंदी लेखन सुंदर है। अंतिम वाक्य॥")):
        manuscript = tmp_path / language / "report.md"
        manuscript.parent.mkdir()
        manuscript.write_text(f"---\ntitle: {words[:5]}\nlanguage: {language}\n---\n\n# {words[:5]}\n\n{words}\n")
        (result,) = build(manuscript, ("pdf",), write=False, diagnostics=Diagnostics(strict=True, echo=False), jobs=1)
        drawn[language] = {g.font for g in glyphs(result.data) if g.text in ("\u0964", "\u0965")}
    assert drawn == {"bn": {"Noto-Serif-Bengali"}, "hi": {"Noto-Serif-Devanagari"}}


@pytest.mark.e2e
def test_burmese_running_text_is_drawn_by_the_regular_face_and_bold_by_the_bold(tmp_path):
    """Debian's Noto Serif Myanmar Bold claims the regular weight, and fontconfig picked it for
    regular text: every Burmese word was bold, and bold words could not be told apart."""
    manuscript = tmp_path / "report.md"
    manuscript.write_text(
        "---\ntitle: T\nlanguage: my\n---\n\n# T\n\nကျောင်းသားများ **အရေးကြီး** သည် ပညာရေး အတွက် ဖြစ်သည်။\n",
        encoding="utf-8",
    )
    (result,) = build(manuscript, ("pdf",), write=False, diagnostics=Diagnostics(echo=False), jobs=1)  # no my.yaml
    drawn = {(g.text, g.font) for g in glyphs(result.data) if "\u1000" <= g.text[:1] <= "\u109f"}
    regular = {font for text, font in drawn if text in "ကျောင်းသားများ"}
    bold = {font for text, font in drawn if text in "ရေးကြီး" and font.endswith("-Bold")}
    assert "Noto-Serif-Myanmar" in regular and bold == {"Noto-Serif-Myanmar-Bold"}, drawn


@pytest.mark.e2e
def test_the_check_finds_an_empty_box(tmp_path):
    """A character no installed font has (Kawi, U+11F04) is drawn as .notdef: the check says so."""
    html = "<html lang='en'><body><p>Kawi \U00011f04 and 11 Latin letters</p></body></html>"
    data = HTML(string=html).write_pdf(stylesheets=[CSS(string="html { font-family: 'Noto Serif' }")])
    coverage = glyph_coverage(data)
    assert coverage.characters == ["\U00011f04"]
    [finding] = coverage.findings()
    assert finding.code == "GLYPH" and "U+11F04" in finding.message and "empty box" in finding.message


@pytest.mark.e2e
def test_the_gate_reports_empty_boxes_at_the_manuscript_line(tmp_path):
    """`check` reads coverage from the PDF itself: a glyph that became .notdef after the build
    (here: the font's map from codes to glyphs sends the 'Q' of the text to glyph 0) is an
    error at the line that writes that character."""
    manuscript = tmp_path / "m" / "report.md"
    shutil.copytree(FIXTURES / "basic", manuscript.parent)
    out = tmp_path / "out"
    quiet = Diagnostics(echo=False)
    build(manuscript, ("pdf", "epub"), output_dir=out, diagnostics=quiet, jobs=1)
    build(manuscript, ("pdf",), output_dir=out, edition="print", diagnostics=quiet, jobs=1)
    screen = next(p for p in out.glob("*.pdf") if not p.name.endswith("-print.pdf"))
    target = next(c for c in "QZXVKJ" if c in manuscript.read_text(encoding="utf-8"))
    with pikepdf.open(screen, allow_overwriting_input=True) as document:
        for font in {f.objgen: f for p in document.pages for f in (p.Resources.get("/Font") or {}).values()}.values():
            codes = [c for c, t in to_unicode(font.ToUnicode.read_bytes().decode("latin-1")).items() if t == target]
            if codes:  # every code of the character now leads to glyph 0
                gids = bytearray(b"".join(i.to_bytes(2, "big") for i in range(65536)))
                for code in codes:
                    gids[2 * code : 2 * code + 2] = b"\0\0"
                font.DescendantFonts[0].CIDToGIDMap = pikepdf.Stream(document, bytes(gids))
        document.save(screen)
    result = subprocess.run(
        [sys.executable, "-m", "report_build", "check", str(manuscript), "--output-dir", str(out), "--no-ace"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 1
    line = next(n for n, text in enumerate(manuscript.read_text(encoding="utf-8").split("\n"), 1) if target in text)
    assert f"report.md:{line}: error: [pdf GLYPH] '{target}'" in result.stderr, result.stderr


def _visible_beyond_latin(text: str) -> set[str]:
    return {c for c in text if fonts.visible(c) and fonts.script_of(c) not in fonts.EVERYWHERE | {"Zsye"}}


@pytest.mark.e2e
def test_the_epub_embeds_subsets_of_the_faces_it_needs(outputs):
    """An e-reader without Korean, Tamil or Hebrew fonts still shows them: the ePub carries
    subsets of the faces the PDF used, each limited to its characters, with their licence."""
    data = outputs["epub"]
    assert epubcheck_many({"multilingual": data})["multilingual"] == []
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        names = book.namelist()
        sheet = book.read("EPUB/css/fallback.css").decode()
        chapter = book.read("EPUB/chapter-01.xhtml").decode()
        opf = book.read("EPUB/content.opf").decode()
        faces = {
            name: book.read(name) for name in names if name.startswith("EPUB/fonts/fallback-") and "LICENSE" not in name
        }
        licence = book.read("EPUB/fonts/fallback-LICENSE.txt").decode()
    assert {"EPUB/fonts/fallback-noto-serif-cjk-sc.otf", "EPUB/fonts/fallback-noto-serif-tamil.ttf"} <= set(faces)
    assert "EPUB/fonts/fallback-rb-arabic.ttf" in faces  # the layouts' own Arabic face, not embedded otherwise
    assert 'media-type="font/otf"' in opf and 'media-type="font/ttf"' in opf
    assert "SIL Open Font License" in licence and "Adobe" in licence  # Noto CJK's copyright
    assert 'href="css/fallback.css"' in chapter
    covered: set[str] = set()
    for name, face in faces.items():
        cmap = set(TTFont(io.BytesIO(face)).getBestCmap())
        rule = next(r for r in sheet.split("@font-face")[1:] if name.removeprefix("EPUB/") in r)
        assert '"RB Fallback"' in rule and "unicode-range: U+" in rule
        covered |= {chr(c) for c in cmap}
        assert len(cmap) < 400, name  # a subset, not the font
    body = lxml.html.fromstring(chapter.encode()).text_content()
    assert _visible_beyond_latin(body) - covered == set()
    assert len(data) < 400_000  # subsets: the whole CJK font alone would be 20 MB


@pytest.mark.e2e
def test_the_epubs_subsets_hold_every_character_its_files_show(tmp_path):
    """The fallback subsets are cut from the text the ePub's files show, not from the chapters
    alone: a Korean report's characters found only in a footnote, and the title page's date
    (年 and 月 words the layouts write), are in them. An English report's ePub carries no
    fallback face, and its pages link no fallback stylesheet."""
    korean = tmp_path / "ko" / "report.md"
    korean.parent.mkdir()
    korean.write_text(
        "---\ntitle: 보고서\nlanguage: ko\ndate: 2024-01-20\n---\n\n"
        "# 서론\n\n본문입니다.[^1]\n\n[^1]: 각주뿐인 글자: 쀍똠햏.\n"
    )
    english = tmp_path / "en" / "report.md"
    english.parent.mkdir()
    english.write_text("---\ntitle: A report\nlanguage: en\n---\n\n# One\n\nText.[^1]\n\n[^1]: A note.\n")
    books = {}
    for manuscript in (korean, english):
        (result,) = build(manuscript, ("epub",), write=False, diagnostics=Diagnostics(strict=True, echo=False))
        books[manuscript.parent.name] = result.data
    assert epubcheck_many(books) == {"ko": [], "en": []}
    with zipfile.ZipFile(io.BytesIO(books["ko"])) as book:
        pages = {name: book.read(name) for name in book.namelist() if name.endswith(".xhtml")}
        faces = [book.read(n) for n in book.namelist() if n.startswith("EPUB/fonts/fallback-") and "LICENSE" not in n]
    shown = set("".join("".join(lxml.etree.fromstring(page).itertext()) for page in pages.values()))
    covered = {chr(code) for face in faces for code in TTFont(io.BytesIO(face)).getBestCmap()}
    assert set("쀍똠햏년월") <= shown  # the footnote's own letters, and the date's words
    assert _visible_beyond_latin("".join(shown)) - covered == set()
    with zipfile.ZipFile(io.BytesIO(books["en"])) as book:
        names = book.namelist()
        linked = [name for name in names if name.endswith(".xhtml") and b"fallback.css" in book.read(name)]
    assert not [name for name in names if "fallback" in name] and linked == []


@pytest.mark.e2e
def test_the_site_serves_the_subsets_in_woff2_for_the_pages_that_show_them(outputs):
    """Each fallback face is a WOFF2 subset declared with the characters it draws
    (unicode-range): a browser fetches it only for a page that shows one of them."""
    site = outputs["web"]
    css = site["assets/site.css"].decode()
    woff2 = {
        name: data
        for name, data in site.items()
        if name.startswith("assets/fonts/fallback-") and name.endswith(".woff2")
    }
    assert {"assets/fonts/fallback-noto-serif-cjk-sc.woff2", "assets/fonts/fallback-noto-sans-cjk-sc.woff2"} <= set(
        woff2
    )
    assert "assets/fonts/fallback-LICENSE.txt" in site
    covered: set[str] = set()
    for name, data in woff2.items():
        font = TTFont(io.BytesIO(data))
        assert font.flavor == "woff2"
        rules = [r for r in css.split("@font-face")[1:] if name.removeprefix("assets/") in r]
        assert rules and all("unicode-range: U+" in r and '"RB Fallback ' in r for r in rules)
        covered |= {chr(c) for c in font.getBestCmap()}
    for name in (n for n in site if n.startswith("assets/fonts/") and n.endswith(".woff2") and n not in woff2):
        covered |= {chr(c) for c in TTFont(io.BytesIO(site[name])).getBestCmap()}  # the own faces (Arabic)
    page = lxml.html.fromstring(site["chapter-01.html"]).text_content()
    assert _visible_beyond_latin(page) - covered == set()
    landing = lxml.html.fromstring(site["index.html"]).text_content()
    assert not _visible_beyond_latin(landing)  # the landing page shows none: no fallback face is fetched there


@pytest.mark.e2e
def test_a_hebrew_reports_numbers_are_set_in_the_text_faces_not_the_arabic_one(tmp_path):
    """The right-to-left layouts put Naskh first for Arabic; in Hebrew its digits, commas and
    full stops mixed a third face into every number ("ל-11")."""
    manuscript = tmp_path / "report.md"
    manuscript.write_text(
        "---\ntitle: דוח\nlanguage: he\n---\n\n# מבוא\n\nסקר ב-11 ערים בין 1 ל-11 בנובמבר 2024, 1,234 נוסעים.\n",
        encoding="utf-8",
    )
    (result,) = build(manuscript, ("pdf",), write=False, diagnostics=Diagnostics(echo=False), jobs=1)
    drawn = {(g.text, g.font) for g in glyphs(result.data)}
    assert {font for text, font in drawn if text in "0123456789,."} <= {"RB-Serif", "RB-Sans", "RB-Sans-Bold"}
    hebrew = {font for text, font in drawn if "\u05d0" <= text[:1] <= "\u05ea"}
    assert "Noto-Serif-Hebrew" in hebrew and all("Hebrew" in font for font in hebrew), hebrew
