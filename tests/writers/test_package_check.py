"""The written ePub checked in process, file type by file type: the package document (OPF), the
NCX and the navigation document, with the rules EPUBCheck applies to each. Each test spoils one
file of a good package and expects the check to name the fault; the e2e test runs EPUBCheck on a
manuscript whose headings hold emoji and symbols."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable

import pytest

from conftest import FIXTURES
from report_build import Diagnostics, load
from report_build.errors import RenderError
from report_build.writers.epub import package_check
from report_build.writers.epub.package_check import check_written, is_xml_name
from report_build.writers.epub.writer import write_epub

BASIC = FIXTURES / "epub-basic" / "report.md"
ODD = FIXTURES / "odd-headings" / "report.md"


@pytest.fixture(scope="module")
def good() -> bytes:
    return write_epub(load(BASIC, Diagnostics(echo=False)), diagnostics=Diagnostics(echo=False))


def spoiled(data: bytes, name: str, change: Callable[[str], str]) -> bytes:
    """The same zip with one member's text changed; the change must change something."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            content = source.read(info)
            if info.filename == name:
                text = content.decode("utf-8")
                changed = change(text)
                assert changed != text, f"the change left {name} as it was"
                content = changed.encode("utf-8")
            target.writestr(info, content)
    return out.getvalue()


def faults(data: bytes) -> list[str]:
    return [str(fault) for fault in check_written(data)]


def test_a_written_epub_has_no_fault(good):
    assert faults(good) == []


@pytest.mark.parametrize(
    ("ident", "valid"),
    [
        ("navpoint-3", True),
        ("chapter-01", True),
        ("_x.y", True),
        ("café", True),
        ("αβγ", True),
        ("a·b", True),
        ("3d", False),
        ("-x", False),
        ("a:b", False),
        ("a b", False),
        ("", False),
        ("nav-\ufe0f", False),  # the emoji variation selector of "❤️"
        ("nav-\u2764", False),  # ❤ is a symbol, not a letter
        ("nav-\U0001f389", False),  # 🎉: outside the Basic Multilingual Plane
        ("nav-\ufb01", False),  # the ligature ﬁ has a compatibility decomposition
        ("\u0301a", False),  # a name cannot start with a combining mark
    ],
)
def test_xml_names_as_epubcheck_reads_them(ident, valid):
    assert is_xml_name(ident) is valid


# -- NCX ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (lambda t: t.replace('id="navpoint-2"', 'id="nav-\ufe0f"', 1), "id 'nav-\ufe0f' is not an XML name"),
        (lambda t: t.replace('id="navpoint-4"', 'id="navpoint-2"', 1), "id 'navpoint-2' is used twice"),
        (lambda t: t.replace('src="chapter-01.xhtml"', 'src="chapter-09.xhtml"', 1), "no file 'chapter-09.xhtml'"),
        (lambda t: t.replace('playOrder="2"', 'playOrder="1"', 1), "playOrder 1 is given to two targets"),
        (lambda t: t.replace('playOrder="2"', 'playOrder="zero"', 1), "playOrder 'zero' is not a positive"),
        (lambda t: t.replace('name="dtb:uid"', 'name="dtb:other"', 1), "dtb:uid is missing"),
        (lambda t: t.replace("<text>Introduction</text>", "<text> </text>", 1), "has no label text"),
    ],
    ids=["emoji-id", "duplicate-id", "missing-file", "play-order-twice", "play-order-word", "uid", "no-label"],
)
def test_the_check_catches_a_bad_ncx(good, change, words):
    found = faults(spoiled(good, "EPUB/toc.ncx", change))
    assert any(words in fault and fault.startswith("toc.ncx:") for fault in found), found


def test_a_fragment_the_page_lacks_is_caught_in_the_ncx(good):
    found = faults(spoiled(good, "EPUB/toc.ncx", lambda t: t.replace('.xhtml"', '.xhtml#gone"', 1)))
    assert any("has no id 'gone'" in fault for fault in found), found


# -- OPF -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (lambda t: t.replace('id="css-epub"', 'id="css-\u2764"').replace('"css-epub"', '"css-\u2764"'), "XML name"),
        (lambda t: t.replace('id="titlepage"', 'id="colophon"', 1), "id 'colophon' is used twice"),
        (lambda t: t.replace('href="css/epub.css"', 'href="css/missing.css"'), "'css/missing.css' is not in"),
        (lambda t: t.replace('idref="colophon"', 'idref="nothing"'), "spine itemref 'nothing' names no manifest"),
        (lambda t: t.replace('idref="colophon"', 'idref="titlepage"'), "names manifest item 'titlepage' twice"),
        (lambda t: t.replace('refines="#title"', 'refines="#gone"'), "refines '#gone' names no element"),
        (lambda t: t.replace('property="dcterms:modified"', 'property="dcterms:created"'), "0 dcterms:modified"),
        (lambda t: t.replace(' properties="nav"', ""), "no manifest item is the navigation document"),
        (lambda t: t.replace('unique-identifier="id"', 'unique-identifier="title"'), "names no <dc:identifier>"),
        (lambda t: t.replace('toc="ncx"', 'toc="nav"'), "spine toc 'nav' names no NCX"),
    ],
    ids=[
        "symbol-id",
        "duplicate-id",
        "missing-file",
        "unknown-itemref",
        "itemref-twice",
        "refines",
        "modified",
        "no-nav",
        "unique-identifier",
        "toc",
    ],
)
def test_the_check_catches_a_bad_opf(good, change, words):
    found = faults(spoiled(good, "EPUB/content.opf", change))
    assert any(words in fault and fault.startswith("content.opf") for fault in found), found


def test_a_file_missing_from_the_manifest_is_caught(good):
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(good)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            target.writestr(info, source.read(info))
        target.writestr("EPUB/stray.css", "p {}")
    assert any("'stray.css' is in the zip but not in the manifest" in fault for fault in faults(out.getvalue()))


# -- the navigation document -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (lambda t: t.replace('epub:type="toc"', 'epub:type="lot"'), "0 nav elements of epub:type 'toc'"),
        (lambda t: t.replace('epub:type="landmarks"', 'epub:type="toc"'), "2 nav elements of epub:type 'toc'"),
        (lambda t: t.replace(">Introduction</a>", "> </a>", 1), "a nav a has no text"),
        (
            lambda t: t.replace('"bodymatter" href="chapter-01.xhtml"', '"cover" href="cover.xhtml"'),
            "two landmarks of type 'cover'",
        ),
        (lambda t: t.replace('<a epub:type="cover"', "<a", 1), "has no epub:type"),
        (lambda t: t.replace('href="chapter-01.xhtml"', 'href="nowhere.xhtml"', 1), "no file 'nowhere.xhtml'"),
        (lambda t: t.replace("<li><a", "<li><em>x</em><a", 1), "must start with a link"),
    ],
    ids=["no-toc", "two-tocs", "empty-link", "duplicate-landmark", "landmark-type", "missing-page", "item-start"],
)
def test_the_check_catches_a_bad_navigation_document(good, change, words):
    found = faults(spoiled(good, "EPUB/nav.xhtml", change))
    assert any(words in fault and fault.startswith("nav.xhtml") for fault in found), found


def test_contents_out_of_reading_order_are_caught():
    nav = (
        b'<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops"><head><title>t</title>'
        b'</head><body><nav epub:type="toc"><ol><li><a href="b.xhtml">B</a></li><li><a href="a.xhtml">A</a></li>'
        b"</ol></nav></body></html>"
    )
    found = [str(f) for f in package_check.check_nav(nav, "nav.xhtml", ["a.xhtml", "b.xhtml"])]
    assert found == ["nav.xhtml:1: contents entry 'a.xhtml' comes before the one above it"]


# -- the writer refuses what the check finds; EPUBCheck agrees with it on odd headings -----------


def test_the_writer_refuses_a_package_the_check_faults(monkeypatch):
    def ncx_with_heading_ids(navigation):
        from ebooklib import epub

        return [epub.Link(f"{e.page}.xhtml", e.label, f"nav-{e.id}") for e in navigation.contents]

    monkeypatch.setattr("report_build.writers.epub.package.ncx", ncx_with_heading_ids)
    with pytest.raises(RenderError) as info:
        write_epub(load(ODD, Diagnostics(echo=False)), diagnostics=Diagnostics(echo=False))
    assert "internal error: the ePub would be invalid: toc.ncx:" in info.value.message
    assert "is not an XML name" in info.value.message


def test_package_ids_are_not_made_from_heading_text():
    data = write_epub(load(ODD, Diagnostics(echo=False)), diagnostics=Diagnostics(echo=False))
    assert faults(data) == []
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        ncx = package.read("EPUB/toc.ncx").decode()
        opf = package.read("EPUB/content.opf").decode()
    assert "❤" in ncx and "Café ☕" in ncx  # the labels keep the headings as written ...
    ids = [part.split('"')[1] for part in (ncx + opf).split(' id="')[1:]]
    assert all(ident.isascii() for ident in ids), ids  # ... the ids do not


@pytest.mark.e2e
def test_epubcheck_accepts_an_epub_with_emoji_and_symbol_headings():
    from epubcheck_helper import epubcheck_many

    data = write_epub(load(ODD, Diagnostics(echo=False)), diagnostics=Diagnostics(strict=True, echo=False))
    assert epubcheck_many({"odd": data}) == {"odd": []}
