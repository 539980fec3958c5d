"""A French edition filled by the test, built to PDF, ePub and site and validated; the release rule;
versions that know their translations (downloads page, version history, ``diff``)."""

from __future__ import annotations

import io
import json
import zipfile

import pikepdf
import polib
import pytest
from helpers import REPORT, fill, write_report
from lxml import etree

from conftest import pdf_pages
from report_build import Diagnostics, ReportBuildError
from report_build.build import build, load, make_release
from report_build.publish.diff import stale_translations
from report_build.source import crossref
from report_build.theme import Theme, document_context
from report_build.translate.extract import init

XHTML = {"x": "http://www.w3.org/1999/xhtml"}


def _french(folder, leave=("The map",)):
    manuscript = write_report(folder)
    path, _ = init("fr", manuscript)
    fill(path, leave=leave)
    return manuscript


@pytest.fixture(scope="module")
def french(tmp_path_factory):
    """The French edition (one heading left in English) built to PDF, ePub and site, once."""
    folder = tmp_path_factory.mktemp("french")
    manuscript = _french(folder / "water")
    out = folder / "output"
    results = build(manuscript, ("pdf", "epub", "web"), output_dir=out, language="fr", jobs=1)
    return {result.format: result for result in results}, out


@pytest.mark.e2e
def test_the_french_edition_is_named_and_built_from_the_one_source(french):
    results, out = french
    assert results["pdf"].path == out / "water-for-idlib-fr-v1.0.pdf"
    assert results["epub"].path == out / "water-for-idlib-fr-v1.0.epub"
    assert results["web"].path == out / "web" / "fr"
    text = " ".join(" ".join(pdf_pages(results["pdf"].data)).split())
    assert "FR Access to water" in text and "Figure 1" in text and "Tableau 1" in text  # strings follow the language
    assert "FR February 2020" in text  # the variable's own translation
    assert "24 février 2020" in text  # dates as the language writes them (the release's)
    with pikepdf.open(io.BytesIO(results["pdf"].data)) as pdf:
        assert str(pdf.Root.Lang) == "fr"


@pytest.mark.e2e
def test_the_french_epub_passes_epubcheck_and_marks_the_passage_in_english(french):
    from epubcheck_helper import epubcheck_many

    results, _ = french
    data = results["epub"].data
    assert epubcheck_many({"fr": data})["fr"] == []
    book = zipfile.ZipFile(io.BytesIO(data))
    chapter = etree.fromstring(book.read(next(n for n in book.namelist() if n.endswith("chapter-01.xhtml"))))
    assert chapter.get("lang") == "fr"
    [heading] = chapter.xpath("//x:h2[contains(@class, 'rb-untranslated')]", namespaces=XHTML)
    assert (heading.get("lang"), heading.get("dir")) == ("en", "ltr")
    note = heading.xpath("x:span[@class='rb-untranslated-note']", namespaces=XHTML)[0]
    assert note.get("lang") == "fr" and note.text == "Pas encore traduit, en anglais : "
    nav = book.read(next(n for n in book.namelist() if n.endswith("nav.xhtml"))).decode()
    assert ">The map<" in nav and "Pas encore traduit" not in nav  # the contents name the heading alone


@pytest.mark.e2e
def test_the_french_site_marks_flags_and_announces_the_passage(french):
    results, _out = french
    files = results["web"].files
    page = etree.fromstring(files["chapter-01.html"], etree.HTMLParser())
    assert page.get("lang") == "fr"
    [heading] = page.xpath("//h2[contains(@class, 'rb-untranslated')]")
    assert heading.get("lang") == "en" and "rb-untranslated-flagged" in heading.get("class")
    assert heading.xpath("span[@class='rb-untranslated-note']")[0].text.startswith("Pas encore traduit")
    css = files["assets/site.css"].decode() if "assets/site.css" in files else ""
    assert not css or ".rb-untranslated-note" in css
    assert json.loads(files["site.json"])["language"] == "fr"


def test_a_partial_edition_is_not_released_without_allow_partial(tmp_path):
    manuscript = _french(tmp_path / "water")
    with pytest.raises(ReportBuildError, match=r"the fr edition is not complete: 1 of \d+ passages") as raised:
        make_release(manuscript, output_dir=tmp_path / "output", language="fr")
    assert raised.value.path.name == "fr.po"
    assert not (tmp_path / "output" / "releases").exists()


@pytest.mark.e2e
def test_a_partial_release_says_how_many_passages_are_in_the_source_language(tmp_path):
    manuscript = _french(tmp_path / "water")
    out = tmp_path / "output"
    make_release(manuscript, output_dir=out)  # the English edition first
    released = make_release(manuscript, output_dir=out, language="fr", allow_partial=True)
    assert released.folder == out / "releases" / "1.0-fr"
    manifest = json.loads((released.folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["translation"] == {
        "language": "fr",
        "source_language": "en",
        "passages": manifest["translation"]["passages"],
        "fuzzy": 0,
        "untranslated": 1,
        "since": "",
    }
    assert (released.folder / "sources" / "translations" / "fr.po").is_file()
    index = (out / "releases" / "index.html").read_text(encoding="utf-8")
    assert "French: 1 passage not yet translated" in index and "1.0-fr/water-for-idlib-fr-v1.0.pdf" in index
    assert index.count('class="release') == 1  # one version, its two editions
    pdf = (released.folder / "water-for-idlib-fr-v1.0.pdf").read_bytes()
    text = " ".join(" ".join(pdf_pages(pdf)).split())
    assert "1 passage de cette édition est en anglais, la langue de l’original" in text
    assert "rb-untranslated-flagged" not in (released.folder / "web" / "chapter-01.html").read_text(encoding="utf-8")


def test_the_version_history_says_how_complete_each_edition_is(tmp_path):
    manuscript = _french(tmp_path / "water")
    document = load(manuscript, Diagnostics(echo=False))
    theme = Theme(None, "en")
    assert [theme.edition_status(t) for t in document.editions] == ["French: 1 passage not yet translated"]
    html = theme.render("history.html", doc=document, releases=document.releases)
    assert "Editions: French: 1 passage not yet translated" in html
    arabic = Theme(None, "ar")
    assert arabic.edition_status(document.editions[0]) == "الفرنسية: مقطع واحد لم يُترجَم بعد"


def test_diff_lists_the_translations_that_went_stale(tmp_path):
    old = _french(tmp_path / "old", leave=())
    new = _french(tmp_path / "new", leave=())
    new.write_text(REPORT.replace("Closing paragraph.", "Closing paragraph, changed.") + "\nA new last paragraph.\n")
    [edition] = stale_translations(old, new)
    assert edition.language == "fr"
    assert [text for _where, text in edition.stale] == ["Closing paragraph, changed."]
    assert [text for _where, text in edition.new] == ["A new last paragraph."]
    assert edition.stale[0][0] == f"report.md:{REPORT.split(chr(10)).index('Closing paragraph.') + 1}"


def test_marks_of_the_reading_in_a_translation_are_removed_with_a_warning_at_the_catalog_line(tmp_path):
    """The reading marks citations, variables and braces with private-use characters: one a
    translator pastes in was read as such (a citation mark stopped the build with an internal
    UnicodeDecodeError, U+E030 came out as a brace). Removed, with a warning at the entry's line."""
    manuscript = write_report(tmp_path / "water")
    path, _ = init("fr", manuscript)
    marked = {
        "Closing paragraph.": "FR Closing \ue000ab\ue001 paragraph \ue030 end.",
        "Another paragraph that stays.": "FR Another \ue020x\ue200\ue021 paragraph.",
        "First publication.": "FR First \ue010 publication.",  # the changelog's, translated after the text
    }
    fill(path, lambda msgid: marked.get(msgid, f"FR {msgid}"))
    lines = {entry.msgid: entry.linenum for entry in polib.pofile(str(path)) if entry.msgid in marked}
    diagnostics = Diagnostics(echo=False)
    document = load(manuscript, diagnostics, language="fr")
    removed = sorted(
        (w.line, w.message.split(" in a translation")[0])
        for w in diagnostics.warnings
        if "in a translation" in w.message
    )
    assert {line for line, _ in removed} == set(lines.values())
    assert {message for _, message in removed} >= {
        "the private-use character U+E000",
        "the private-use character U+E030",
    }
    body = "".join(chapter.body for chapter in document.chapters)
    assert "FR Closing ab paragraph  end." in body  # no citation, no brace
    assert "FR Another x\ue200 paragraph." in body  # no variable: the private-use character after U+E0FF stays
    assert document.releases[0].summary == "FR First  publication."
    assert not any("\ue000" <= char <= "\ue0ff" for char in body)
    with pytest.raises(ReportBuildError):
        load(manuscript, Diagnostics(echo=False, strict=True), language="fr")


def test_the_lists_of_figures_and_tables_show_an_untranslated_caption_without_its_spoken_note(tmp_path):
    """A caption left in the source language carries words for screen readers ("Pas encore
    traduit, en anglais :"), hidden where the caption is shown. A list of figures or tables
    prints the caption's text, where nothing hides them: its entries leave them out, as does
    the text a cross-reference takes from a heading."""
    report = REPORT.replace(
        "languages: [en, fr]\n", "languages: [en, fr]\nlist_of_figures: true\nlist_of_tables: true\n"
    )
    manuscript = write_report(tmp_path / "water", report)
    path, _ = init("fr", manuscript)
    fill(path, leave=("Wells", "The map"))
    doc = load(manuscript, Diagnostics(echo=False), language="fr")
    assert crossref.targets(doc)[0]["map"].label == "The map"  # a cross-reference's words, too
    [figure] = [f for f in doc.figures if f.id == "fig-map"]
    assert doc.tables[0].caption == "Wells by district"
    assert "Pas encore traduit" in figure.caption  # spoken where the caption is shown
    theme = Theme(doc.metadata.layouts, doc.metadata.language)
    lists = etree.fromstring(
        theme.render("lists.html", **document_context(doc, "web", "screen", lambda ident: f"#{ident}")),
        etree.HTMLParser(),
    )
    labels = [" ".join("".join(label.itertext()).split()) for label in lists.xpath("//span[@class='toc-label']")]
    assert labels == ["Wells in the north", "Wells by district"]
