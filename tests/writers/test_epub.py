"""The ePub: EPUBCheck-clean, navigable, reproducible, self-contained. Built in memory only."""

from __future__ import annotations

import dataclasses
import io
import re
import zipfile
from functools import cached_property

import pytest
from lxml import etree
from PIL import Image as PILImage

from conftest import FIXTURES, MANUSCRIPT, ROOT, build_bytes
from epubcheck_helper import epubcheck_many
from report_build import Diagnostics, RenderError, load
from report_build.theme import Theme
from report_build.writers.epub import package as epub_package
from report_build.writers.epub.writer import write_epub

BASIC = FIXTURES / "epub-basic" / "report.md"
RTL = FIXTURES / "epub-rtl" / "report.md"
NS = {
    "opf": "http://www.idpf.org/2007/opf",
    "dc": "http://purl.org/dc/elements/1.1/",
    "x": "http://www.w3.org/1999/xhtml",
    "epub": "http://www.idpf.org/2007/ops",
    "ncx": "http://www.daisy.org/z3986/2005/ncx/",
}
STRICT = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)


class Book:
    """An ePub opened for inspection: the OPF, the nav, every content document parsed strictly."""

    def __init__(self, data: bytes):
        self.data = data
        self.zip = zipfile.ZipFile(io.BytesIO(data))
        container = etree.fromstring(self.zip.read("META-INF/container.xml"), STRICT)
        self.opf_path = container.xpath("//*[local-name()='rootfile']/@full-path")[0]
        self.base = self.opf_path.rsplit("/", 1)[0] + "/"
        self.opf = etree.fromstring(self.zip.read(self.opf_path), STRICT)

    def read(self, href: str) -> bytes:
        return self.zip.read(self.base + href)

    def xml(self, href: str):
        return etree.fromstring(self.read(href), STRICT)

    @cached_property
    def manifest(self) -> dict[str, dict[str, str]]:
        return {item.get("id"): dict(item.attrib) for item in self.opf.xpath("//opf:manifest/opf:item", namespaces=NS)}

    @cached_property
    def spine(self) -> list[str]:
        return [self.manifest[ref]["href"] for ref in self.opf.xpath("//opf:spine/opf:itemref/@idref", namespaces=NS)]

    @cached_property
    def documents(self) -> dict[str, etree._Element]:
        return {
            item["href"]: self.xml(item["href"])
            for item in self.manifest.values()
            if item["media-type"] == "application/xhtml+xml"
        }

    @cached_property
    def nav(self) -> etree._Element:
        (item,) = [i for i in self.manifest.values() if "nav" in i.get("properties", "").split()]
        return self.documents[item["href"]]

    def meta(self, path: str) -> list[str]:
        return [" ".join(node.text.split()) for node in self.opf.xpath(path, namespaces=NS)]


def ids_of(document: etree._Element) -> list[str]:
    return document.xpath("//@id")


def entry(li: etree._Element) -> tuple[str, str, list]:
    link = li.xpath("x:a", namespaces=NS)[0]
    children = [entry(child) for child in li.xpath("x:ol/x:li", namespaces=NS)]
    return " ".join("".join(link.itertext()).split()), link.get("href"), children


# -- the books the tests share ------------------------------------------------------


@pytest.fixture(scope="module")
def docs():
    quiet = Diagnostics(echo=False)
    basic = load(BASIC, quiet)
    return {
        "default": load(MANUSCRIPT, quiet),
        "basic": basic,
        "fonts": dataclasses.replace(basic, metadata=dataclasses.replace(basic.metadata, embed_fonts=True)),
        "rtl": load(RTL, quiet),
    }


@pytest.fixture(autouse=True)
def _no_source_date_epoch(monkeypatch):
    """Dates below come from the manuscripts; a SOURCE_DATE_EPOCH from the shell would override them."""
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)


@pytest.fixture(scope="module")
def books(docs) -> dict[str, Book]:
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv("SOURCE_DATE_EPOCH", raising=False)
        return _build_all(docs)


def _build_all(docs) -> dict[str, Book]:
    strict = Diagnostics(strict=True, echo=False)
    data = {
        "default": build_bytes(MANUSCRIPT, "epub"),  # strict: any warning fails
        "basic": build_bytes(BASIC, "epub"),
        "fonts": write_epub(docs["fonts"], diagnostics=strict),
        # Arabic has no strings file yet: the one expected warning, so not strict
        "rtl": write_epub(docs["rtl"], diagnostics=Diagnostics(echo=False)),
    }
    strict.refuse()  # any fault of the fonts book fails
    return {name: Book(value) for name, value in data.items()}


@pytest.fixture(scope="module")
def epubcheck(books) -> dict[str, list[str]]:
    return epubcheck_many({name: book.data for name, book in books.items()})


# -- EPUBCheck ----------------------------------------------------------------------


@pytest.mark.e2e
@pytest.mark.parametrize("name", ["default", "basic", "fonts", "rtl"])
def test_epubcheck_finds_no_error_and_no_warning(epubcheck, name):
    problems = epubcheck[name]
    assert not problems, f"EPUBCheck on the {name} ePub:\n" + "\n".join(problems)


# -- package and navigation ---------------------------------------------------------


@pytest.mark.e2e
@pytest.mark.parametrize("name", ["default", "basic", "rtl"])
def test_spine_is_the_reading_order(books, docs, name):
    doc = docs[name]
    expected = ["cover.xhtml", "titlepage.xhtml", "colophon.xhtml", "contents.xhtml"]
    expected += [f"{chapter.slug}.xhtml" for chapter in doc.chapters]
    if doc.releases:
        expected.append("history.xhtml")
    assert books[name].spine == expected


@pytest.mark.e2e
@pytest.mark.parametrize("name", ["default", "basic"])
def test_each_chapter_file_holds_its_chapter(books, docs, name):
    book = books[name]
    for chapter in docs[name].chapters:
        page = book.documents[f"{chapter.slug}.xhtml"]
        (heading,) = page.xpath("//x:h1", namespaces=NS)
        assert heading.get("id") == chapter.id
        assert " ".join("".join(heading.itertext()).split()) == chapter.title
        assert page.xpath("//x:section[@role='doc-chapter']/@epub:type", namespaces=NS) == ["chapter"]


@pytest.mark.e2e
@pytest.mark.parametrize("name", ["default", "basic", "rtl"])
def test_nav_lists_chapters_and_their_sections(books, docs, name):
    book, doc = books[name], docs[name]
    toc = book.nav.xpath("//x:nav[@epub:type='toc']/x:ol/x:li", namespaces=NS)
    found = [entry(li) for li in toc]
    expected = []
    for chapter in doc.chapters:
        sections = [(s.text, f"{chapter.slug}.xhtml#{s.id}", []) for s in chapter.sections]
        if chapter.title:
            expected.append((chapter.title, f"{chapter.slug}.xhtml", sections))
        else:
            expected.extend(sections)
    if doc.releases:
        expected.append(("Version history", "history.xhtml", []))
    assert found == expected
    # every nav target exists
    for _label, href, children in found:
        for target in [href] + [child[1] for child in children]:
            file, _, fragment = target.partition("#")
            assert file in book.documents
            if fragment:
                assert fragment in ids_of(book.documents[file]), target


@pytest.mark.e2e
@pytest.mark.parametrize("name", ["default", "basic"])
def test_ncx_mirrors_the_nav_for_older_readers(books, docs, name):
    book, doc = books[name], docs[name]
    (ncx_item,) = [i for i in book.manifest.values() if i["media-type"] == "application/x-dtbncx+xml"]
    ncx = book.xml(ncx_item["href"])
    assert ncx.xpath("//ncx:meta[@name='dtb:uid']/@content", namespaces=NS) == [doc.metadata.identifier]
    labels = [" ".join(t.split()) for t in ncx.xpath("//ncx:navPoint/ncx:navLabel/ncx:text/text()", namespaces=NS)]
    nav_labels = [
        " ".join("".join(a.itertext()).split()) for a in book.nav.xpath("//x:nav[@epub:type='toc']//x:a", namespaces=NS)
    ]
    assert labels == nav_labels
    orders = [int(n) for n in ncx.xpath("//ncx:navPoint/@playOrder", namespaces=NS)]
    assert orders == list(range(1, len(labels) + 1))


@pytest.mark.e2e
def test_landmarks_point_at_cover_contents_and_first_chapter(books):
    marks = books["default"].nav.xpath("//x:nav[@epub:type='landmarks']//x:a", namespaces=NS)
    found = {a.get(f"{{{NS['epub']}}}type"): a.get("href") for a in marks}
    assert found == {"cover": "cover.xhtml", "toc": "contents.xhtml", "bodymatter": "chapter-01.xhtml"}


@pytest.mark.e2e
@pytest.mark.parametrize("name", ["default", "basic", "rtl"])
def test_every_noteref_pairs_with_a_footnote_in_the_same_file(books, docs, name):
    book = books[name]
    total = 0
    for href, page in book.documents.items():
        calls = page.xpath("//x:a[contains(concat(' ', @epub:type, ' '), ' noteref ')]", namespaces=NS)
        notes = page.xpath("//x:aside[@epub:type='footnote']", namespaces=NS)
        note_ids = {note.get("id") for note in notes}
        for call in calls:
            target = call.get("href")
            assert target.startswith("#") and target[1:] in note_ids, f"{href}: {target}"
        called = {call.get("href")[1:] for call in calls}
        assert note_ids == called, f"{href}: notes without a call or calls without a note"
        for note in notes:  # the way back from each note
            (back,) = note.xpath(".//x:a[@role='doc-backlink']/@href", namespaces=NS)
            assert back[1:] in ids_of(page)
        total += len(notes)
    assert total == len(docs[name].footnotes) > 0


@pytest.mark.e2e
@pytest.mark.parametrize("name", ["default", "basic", "fonts", "rtl"])
def test_content_documents_are_strict_xhtml_with_unique_ids(books, name):
    book = books[name]
    for href, page in book.documents.items():
        raw = book.read(href).decode("utf-8")
        assert raw.startswith('<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE html>'), href
        named = set(re.findall(r"&([A-Za-z][A-Za-z0-9]*);", raw)) - {"amp", "lt", "gt", "quot", "apos"}
        assert not named, f"{href} uses named entities {named}"
        ids = ids_of(page)
        assert len(ids) == len(set(ids)), f"{href} repeats an id"
        assert page.get("lang") == page.get("{http://www.w3.org/XML/1998/namespace}lang")
        assert page.xpath("//x:head/x:link[@rel='stylesheet']/@href", namespaces=NS)[0] == "css/epub.css"


@pytest.mark.e2e
@pytest.mark.parametrize("name", ["default", "basic", "rtl"])
def test_links_between_files_land_on_an_id(books, name):
    book = books[name]
    for href, page in book.documents.items():
        for target in page.xpath("//x:a/@href", namespaces=NS):
            if re.match(r"^(https?|mailto|tel):", target):
                continue
            file, _, fragment = target.partition("#")
            file = file or href
            assert file in book.documents, f"{href}: {target}"
            if fragment:
                assert fragment in ids_of(book.documents[file]), f"{href}: {target}"


@pytest.mark.e2e
def test_cross_chapter_links_name_the_other_file(books):
    book = books["basic"]
    first = book.documents["chapter-01.xhtml"].xpath("//x:a/@href", namespaces=NS)
    second = book.documents["chapter-02.xhtml"].xpath("//x:a/@href", namespaces=NS)
    assert "chapter-02.xhtml#findings" in first
    assert "chapter-02.xhtml#table-1" in first
    assert "chapter-01.xhtml#where" in second
    assert "chapter-01.xhtml#introduction" in second  # from inside a footnote
    assert not [h for h in first + second if h in ("#findings", "#where", "#introduction", "#table-1")]


# -- metadata -----------------------------------------------------------------------


@pytest.mark.e2e
def test_metadata_from_the_front_matter(books, docs):
    book, doc = books["basic"], docs["basic"]
    meta = doc.metadata
    unique = book.opf.get("unique-identifier")
    assert book.meta(f"//dc:identifier[@id='{unique}']") == [meta.identifier]
    assert book.meta("//dc:title") == [meta.title, meta.subtitle]
    assert book.meta("//opf:meta[@refines='#subtitle'][@property='title-type']") == ["subtitle"]
    assert book.meta("//dc:language") == ["en-GB"]
    assert book.meta("//dc:creator") == list(meta.authors)
    assert book.meta("//dc:publisher") == [meta.publisher]
    assert book.meta("//dc:description") == [meta.description]
    assert book.meta("//dc:subject") == list(meta.keywords)
    assert book.meta("//dc:rights") == [meta.rights]
    assert book.meta("//dc:date") == ["2022-06-15"]
    assert book.meta("//opf:meta[@property='dcterms:modified']") == ["2022-06-15T00:00:00Z"]
    assert not book.meta("//opf:meta[@property='schema:version']")  # no changelog, no version


@pytest.mark.e2e
def test_default_report_carries_its_version_and_release_date(books, docs):
    book = books["default"]
    assert book.meta("//opf:meta[@property='schema:version']") == [docs["default"].version] == ["1.2"]
    assert book.meta("//opf:meta[@property='dcterms:modified']") == ["2020-02-24T00:00:00Z"]
    assert book.meta("//dc:identifier") == [docs["default"].metadata.identifier]
    assert book.opf.get("version") == "3.0"
    assert "history.xhtml" in book.spine


def test_source_date_epoch_sets_modified_and_zip_times(monkeypatch, docs):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")  # 2023-11-14T22:13:20Z
    book = Book(write_epub(docs["basic"], diagnostics=Diagnostics(echo=False)))
    assert book.meta("//opf:meta[@property='dcterms:modified']") == ["2023-11-14T22:13:20Z"]
    assert {info.date_time for info in book.zip.infolist()} == {(2023, 11, 14, 22, 13, 20)}


@pytest.mark.e2e
def test_right_to_left_report(books):
    book = books["rtl"]
    assert book.opf.xpath("//opf:spine/@page-progression-direction", namespaces=NS) == ["rtl"]
    for page in book.documents.values():
        assert page.get("dir") == "rtl" and page.get("lang") == "ar"


# -- resources ----------------------------------------------------------------------


@pytest.mark.e2e
@pytest.mark.parametrize("name", ["default", "basic", "fonts", "rtl"])
def test_nothing_remote(books, name):
    book = books[name]
    remote = re.compile(r"^\s*(https?:)?//", re.IGNORECASE)
    for item in book.manifest.values():
        assert not remote.match(item["href"]), item
        assert " " not in item["href"]
        raw = book.read(item["href"])
        media = item["media-type"]
        if media in ("application/xhtml+xml", "image/svg+xml"):
            root = etree.fromstring(raw, STRICT)
            for element in root.iter():
                if not isinstance(element.tag, str):
                    continue
                for attr, value in element.attrib.items():
                    name_ = etree.QName(attr).localname
                    if name_ in ("src", "href", "srcset", "poster", "data") and remote.match(value):
                        assert etree.QName(element).localname == "a" and name_ == "href", (item["href"], value)
        elif media == "text/css":
            assert not re.search(r"url\(\s*['\"]?(https?:)?//", raw.decode("utf-8")), item["href"]
    assert "remote-resources" not in " ".join(i.get("properties", "") for i in book.manifest.values())


@pytest.mark.e2e
def test_large_raster_image_is_scaled_and_renamed(books, docs):
    book, doc = books["basic"], docs["basic"]
    (image,) = doc.images
    with PILImage.open(image.path) as original:
        assert max(original.size) == 2000  # the fixture is larger than the limit, or this proves nothing
    images = [i for i in book.manifest.values() if i["media-type"] == "image/png" and i["id"] != "cover-img"]
    assert [i["href"] for i in images] == ["images/img-001.png"]
    with PILImage.open(io.BytesIO(book.read("images/img-001.png"))) as packaged:
        assert max(packaged.size) <= doc.metadata.image_max_px == 1600
        assert packaged.size == (1600, 800)
    sources = book.documents["chapter-01.xhtml"].xpath("//x:img/@src", namespaces=NS)
    assert sources == ["images/img-001.png"]


@pytest.mark.e2e
def test_svg_images_stay_svg(books, docs):
    book = books["default"]
    svgs = [i["href"] for i in book.manifest.values() if i["media-type"] == "image/svg+xml"]
    assert len(svgs) == len(docs["default"].images) == 2
    used = {src for page in book.documents.values() for src in page.xpath("//x:img/@src", namespaces=NS)}
    assert set(svgs) <= used


@pytest.mark.e2e
@pytest.mark.parametrize("name", ["default", "basic"])
def test_generated_cover(books, name):
    book = books[name]
    (cover,) = [i for i in book.manifest.values() if "cover-image" in i.get("properties", "")]
    assert cover["media-type"] == "image/png"
    with PILImage.open(io.BytesIO(book.read(cover["href"]))) as image:
        assert image.size == (1600, 2400)
        assert image.convert("RGB").getpixel((5, 5)) == (0xA8, 0x22, 0x1B)
        assert len(image.convert("RGB").getcolors(1_000_000)) > 2  # text was drawn on it
    assert book.spine[0] == "cover.xhtml"
    assert book.documents["cover.xhtml"].xpath("//x:img/@src", namespaces=NS) == [cover["href"]]
    assert book.opf.xpath("//opf:meta[@name='cover']/@content", namespaces=NS) == [cover["id"]]


def test_cover_image_from_the_front_matter(docs):
    doc = docs["basic"]
    picture = doc.images[0].path  # any raster image will do; its long side is 2000
    with_cover = dataclasses.replace(doc, metadata=dataclasses.replace(doc.metadata, cover_image=picture))
    book = Book(write_epub(with_cover, diagnostics=Diagnostics(echo=False)))
    (cover,) = [i for i in book.manifest.values() if "cover-image" in i.get("properties", "")]
    assert book.read(cover["href"]) == picture.read_bytes()  # fits the 2400 px cover limit: packaged as is


@pytest.mark.e2e
def test_fonts_only_when_asked(books):
    assert not [i for i in books["basic"].manifest.values() if i["media-type"].startswith("font/")]
    fonts = [i for i in books["fonts"].manifest.values() if i["media-type"].startswith("font/")]
    names = sorted(i["href"].rsplit("/", 1)[1] for i in fonts)
    assert any(n.startswith("Vollkorn-") for n in names) and any(n.startswith("Inter-") for n in names)
    css = books["fonts"].read("css/fonts.css").decode("utf-8")
    for font in fonts:
        assert f"url(../{font['href']})" in css
        assert font["media-type"] == ("font/ttf" if font["href"].endswith(".ttf") else "font/otf")
    for page in books["fonts"].documents.values():
        if page is books["fonts"].nav:
            continue
        assert "css/fonts.css" in page.xpath("//x:link/@href", namespaces=NS)


@pytest.mark.e2e
def test_stylesheet_leaves_fonts_sizes_colours_and_alignment_to_the_reader(books):
    css = books["default"].read("css/epub.css").decode("utf-8")
    assert css == (ROOT / "layouts" / "css" / "epub.css").read_text(encoding="utf-8")
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.DOTALL)
    assert not re.search(r"(?<![-\w])(color|background(-color)?|background-image)\s*:", css)
    lengths = r"(?<![-\w])(?:font-size|line-height|margin[-\w]*|padding[-\w]*|text-indent|width|height)\s*:\s*([^;}]+)"
    for value in re.findall(lengths, css):
        for length in re.findall(r"\d*\.?\d+[a-z%]*", value):
            assert re.fullmatch(r"0|\d*\.?\d+(em|rem|%|vh|vw)?", length), f"absolute length {value!r}"
    assert "justify" not in css
    assert not re.search(r"font-family\s*:[^;}]*(Vollkorn|Inter|RB (?!Fallback))", css)
    for families in re.findall(r"font-family\s*:\s*([^;}]+)", css):
        # the reader's own font first; "RB Fallback" only draws what it lacks (embedded subsets)
        assert families.split(",")[0].strip() in ("serif", "sans-serif", "monospace"), families


# -- reproducibility and the zip ----------------------------------------------------


@pytest.mark.e2e
@pytest.mark.parametrize("name", ["default", "basic"])
def test_two_builds_are_byte_identical(books, name):
    source = MANUSCRIPT if name == "default" else BASIC
    assert build_bytes(source, "epub") == books[name].data


@pytest.mark.e2e
@pytest.mark.parametrize("name", ["default", "basic", "fonts"])
def test_zip_layout(books, docs, name):
    infos = books[name].zip.infolist()
    release = docs[name].date
    assert {info.date_time for info in infos} == {(release.year, release.month, release.day, 0, 0, 0)}
    assert infos[0].filename == "mimetype" and infos[0].compress_type == zipfile.ZIP_STORED
    assert infos[0].extra == b"" and books[name].zip.read("mimetype") == b"application/epub+zip"
    assert all(info.compress_type == zipfile.ZIP_DEFLATED for info in infos[1:])
    assert [info.filename for info in infos[1:3]] == ["META-INF/container.xml", "EPUB/content.opf"]


# -- failures are loud --------------------------------------------------------------


def test_malformed_chapter_template_is_a_render_error(tmp_path, docs):
    (tmp_path / "chapter.html").write_text("<section><p>{{ chapter.title }}</section>\n", encoding="utf-8")
    theme = Theme(tmp_path, "en")
    with pytest.raises(RenderError, match=r"chapter 1 \('Introduction'\).*chapter\.html.*not well-formed"):
        write_epub(docs["basic"], theme=theme, diagnostics=Diagnostics(echo=False))


def test_chapter_emptied_while_packaging_is_caught(monkeypatch, docs):
    def lossy(self, default=None):
        return re.sub(rb"<body.*</body>", b"<body></body>", self.content, flags=re.DOTALL)

    monkeypatch.setattr(epub_package.Finished, "get_content", lossy)
    with pytest.raises(RenderError, match=r"chapter-01\.xhtml lost its text"):
        write_epub(docs["basic"], diagnostics=Diagnostics(echo=False))


def test_link_to_a_missing_id_is_a_render_error(tmp_path, docs):
    broken = '<section id="version-history"><a href="#nowhere">x</a></section>\n'
    (tmp_path / "history.html").write_text(broken, encoding="utf-8")
    with pytest.raises(RenderError, match=r"'#nowhere'.*goes nowhere"):
        write_epub(docs["default"], theme=Theme(tmp_path, "en"), diagnostics=Diagnostics(echo=False))
