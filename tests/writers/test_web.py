"""The web edition's logic, in memory: pages, links, navigation, notes, images, search, sharing.

No browser here (tests/checks/test_web_browser.py drives Chromium). The default report's site
is rendered once for the module.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import re
from collections import Counter
from dataclasses import replace
from pathlib import Path
from urllib.parse import unquote, urlsplit

import lxml.etree
import lxml.html
import pytest
from PIL import Image, ImageDraw, ImageFont

from conftest import FIXTURES, MANUSCRIPT, ROOT
from report_build import Diagnostics, RenderError, load
from report_build.cache import BuildCache
from report_build.errors import StrictModeError
from report_build.fonts import Face, has, visible
from report_build.theme import Theme
from report_build.writers.epub import cover
from report_build.writers.web import fonts, pages, search, sharing
from report_build.writers.web.folder import write_site
from report_build.writers.web.site import Download, render_site

ENGLISH = ROOT / "manuscript" / "report.md"  # its Arabic edition: translations/ar.po
LOADS = ("link", "script", "img", "source", "iframe", "video", "audio")


@pytest.fixture(scope="module")
def document():
    return load(MANUSCRIPT, Diagnostics(strict=True, echo=False))


REAL_SUBSETS = fonts._subsets  # before the module's stand-in replaces it


def quick_subsets(sources, characters, cache):
    """Stands in for fontTools (a second per face) in the page tests: distinct, stable bytes
    per font and characters. The real subsets are tested below and in the browser tests."""
    return {source: b"wOF2" + hashlib.sha256(source.read_bytes() + characters.encode()).digest() for source in sources}


@pytest.fixture(scope="module", autouse=True)
def no_font_subsetting():
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(fonts, "_subsets", quick_subsets)
        yield


@pytest.fixture(scope="module")
def cache():
    """Font subsets shared by the module's builds (fonts are tested on their own below)."""
    return BuildCache(None)


@pytest.fixture(scope="module")
def site(document, cache):
    downloads = (
        Download("pdf", "idlib-lives-v1.2.pdf", "downloads/idlib-lives-v1.2.pdf", 215_000, 39),
        Download("epub", "idlib-lives-v1.2.epub", "downloads/idlib-lives-v1.2.epub", 98_000),
    )
    strict = Diagnostics(strict=True, echo=False)
    files = render_site(document, diagnostics=strict, downloads=downloads, cache=cache)
    strict.refuse()  # any fault fails
    return {**files, **{d.href: b"%PDF or ePub" for d in downloads}}  # as build.render_web adds them


def html_pages(files: dict[str, bytes]) -> dict[str, lxml.html.HtmlElement]:
    return {name: lxml.html.fromstring(data) for name, data in files.items() if name.endswith(".html")}


# -- pages and links --------------------------------------------------------------------


def test_pages_follow_the_reading_order_with_the_epub_file_stems(document):
    found = pages.site_pages(document)
    count = len(document.chapters)
    assert count >= 9
    assert [p.file for p in found] == [
        "index.html",
        *[f"chapter-{n:02d}.html" for n in range(1, count + 1)],
        "history.html",
        "search.html",
    ]
    assert [p.chapter.slug for p in found if p.chapter] == [c.slug for c in document.chapters]


def test_links_go_to_the_page_that_holds_the_target(document):
    link = pages.linker(document)
    assert link("context") == "chapter-02.html"
    assert link("an-unprecedented-offensive") == "chapter-02.html#an-unprecedented-offensive"
    assert link("version-history") == "history.html"
    first = pages.site_pages(document)[1]
    assert pages.resolve("#context", first, set(), document) == "chapter-02.html"
    assert pages.resolve("#how-to-read-this-edition", first, {"how-to-read-this-edition"}, document) == (
        "#how-to-read-this-edition"
    )
    assert pages.resolve("#glossary", first, set(), document) == "chapter-09.html"
    assert pages.resolve("#no-such-place", first, set(), document) is None
    assert pages.resolve("https://example.org/a", first, set(), document) == "https://example.org/a"


def test_previous_and_next_run_from_landing_to_history(document):
    found = pages.site_pages(document)
    by_file = {p.file: p for p in found}
    previous, following = pages.neighbours(found, by_file["chapter-01.html"])
    assert previous.file == "index.html" and following.file == "chapter-02.html"
    last = len(document.chapters)
    previous, following = pages.neighbours(found, by_file[f"chapter-{last:02d}.html"])
    assert previous.file == f"chapter-{last - 1:02d}.html" and following.file == "history.html"
    assert pages.neighbours(found, by_file["history.html"])[1] is None
    assert pages.neighbours(found, by_file["search.html"]) == (None, None)


def test_contents_expand_only_the_current_chapter(document):
    page = pages.site_pages(document)[2]  # chapter 2
    entries = pages.contents(document, page, {})
    current = [e for e in entries if e["current"]]
    assert [e["href"] for e in current] == ["chapter-02.html"]
    assert [c["href"] for c in current[0]["children"]][:1] == ["chapter-02.html#the-last-opposition-stronghold"]
    assert all(not e["children"] for e in entries if not e["current"])
    assert entries[-1]["href"] == "history.html"


# -- the rendered site --------------------------------------------------------------------


def test_every_internal_link_and_fragment_resolves(site):
    parsed = html_pages(site)
    ids = {name: set(root.xpath("//@id")) for name, root in parsed.items()}
    checked = 0
    for name, root in parsed.items():
        for element in root.iter("a", "link", "img", "script"):
            target = element.get("href") or element.get("src")
            if not target or target.startswith(("https://", "mailto:", "data:")):
                continue
            parts = urlsplit(target)
            assert not parts.scheme and not target.startswith("/"), f"{name}: {target} is not relative"
            file = unquote(parts.path) or name
            assert file in site, f"{name}: {target} points to a file the site does not have"
            if parts.fragment:
                assert parts.fragment in ids[file], f"{name}: {target} has no such id"
            checked += 1
    assert checked > 300


def test_nothing_is_loaded_from_another_site(site):
    for name, root in html_pages(site).items():
        for element in root.iter(*LOADS):
            source = element.get("src") or (element.get("href") if element.tag == "link" else None)
            if source and element.get("rel") not in ("canonical", "alternate"):
                assert not re.match(r"^[a-z]+://|^//", source), f"{name} loads {source}"
    css = site["assets/site.css"].decode()
    assert "@import" not in css
    assert all(not url.startswith(("http", "//")) for url in re.findall(r"url\(([^)]+)\)", css))


def test_section_ids_are_the_same_as_in_the_model(site, document):
    parsed = html_pages(site)
    for chapter in document.chapters:
        ids = set(parsed[f"{chapter.slug}.html"].xpath("//@id"))
        missing = chapter.ids - ids
        assert not missing, f"{chapter.slug}: ids of the ePub missing on the web: {sorted(missing)[:5]}"


def test_notes_are_beside_their_calls_and_listed_with_links_back(site, document):
    root = html_pages(site)["chapter-02.html"]
    for note in document.chapters[1].footnotes:
        call = root.get_element_by_id(note.ref_id)
        assert call.get("href") == f"#{note.id}"
        side = call.getnext()
        assert side.get("class") == "sidenote" and side.get("aria-hidden") == "true"
        assert side.text_content().startswith(str(note.number))
        listed = root.get_element_by_id(note.id)
        assert listed.xpath(".//a[@role='doc-backlink']/@href") == [f"#{note.ref_id}"]
    assert root.xpath("//section[@class='footnotes']/h2")[0].text == "Notes"


def test_tables_scroll_in_a_labelled_focusable_region(site):
    root = html_pages(site)["chapter-02.html"]
    wraps = root.xpath("//table/parent::div")
    assert wraps and all(w.get("tabindex") == "0" and w.get("role") == "region" for w in wraps)
    assert wraps[0].get("aria-label").startswith("Table 1")


def test_code_and_display_math_scroll_in_labelled_focusable_regions(document, cache):
    body = (
        "<h1 id='one'>One</h1><pre><code>a very long line of code</code></pre>"
        "<div class='math-display'>x</div><p>text</p>"
    )
    chapter = replace(document.chapters[0], body=body, footnotes=(), sections=(), ids=frozenset({"one"}))
    doc = replace(document, chapters=(chapter,), figures=(), tables=())
    root = lxml.html.fromstring(render_site(doc, diagnostics=Diagnostics(echo=False), cache=cache)["chapter-01.html"])
    (pre,) = root.xpath("//main//pre")
    (math,) = root.xpath("//main//*[@class='math-display']")
    assert (pre.get("role"), pre.get("tabindex"), pre.get("aria-label")) == ("region", "0", "Code")
    assert (math.get("role"), math.get("tabindex"), math.get("aria-label")) == ("region", "0", "Equation")


def test_every_page_allows_only_its_own_scripts_and_styles(site):
    """A Content-Security-Policy on every page, and nothing on the pages that it would refuse:
    no inline script (the JSON-LD is data), no <style>, no style attribute, no event handler."""
    for name, root in html_pages(site).items():
        (policy,) = root.xpath("//head/meta[@http-equiv='Content-Security-Policy']/@content")
        rules = dict(rule.strip().split(" ", 1) for rule in policy.split(";"))
        assert rules["default-src"] == "'none'" and rules["script-src"] == "'self'", name
        assert rules["style-src"] == "'self'" and "unsafe" not in policy, name
        assert root.xpath("//head/meta")[1].get("http-equiv") == "Content-Security-Policy"  # before any load
        for script in root.iter("script"):
            assert script.get("src") or script.get("type") == "application/ld+json", name
        assert not root.xpath("//style | //*[@style]"), name
        assert not [a for e in root.iter() for a in e.attrib if a.startswith("on")], name


def test_json_ld_cannot_close_its_script(document):
    hostile = replace(document.metadata, title="</script><script>alert(1)</script>", description="<!--")
    text = sharing.json_ld(replace(document, metadata=hostile))
    assert "<" not in text and ">" not in text
    assert json.loads(text)["name"] == "</script><script>alert(1)</script>"


def test_landing_page_has_notice_summary_downloads_and_contents(site, document):
    root = html_pages(site)["index.html"]
    text = " ".join(root.text_content().split())
    assert root.xpath("//h1")[0].text_content() == "Idlib Lives"
    assert "Update, 24 February 2020" in text and document.release.notice[:40] in text
    assert "39 pages" in text and "210 KB" in text and "96 KB" in text
    assert root.xpath("//a[@href='downloads/idlib-lives-v1.2.pdf']")
    titled = [c for c in document.chapters if c.title]
    assert len(root.xpath("//nav[@id='contents']//li[contains(@class, 'toc-chapter')]")) == len(titled) + 1  # history
    assert "Published 17 May 2018" in text
    assert not root.xpath("//*[contains(@class, 'draft-banner')]")


def test_every_page_has_its_own_title_description_landmarks_and_skip_link(site, document):
    titles, descriptions = set(), set()
    for name, root in html_pages(site).items():
        titles.add(root.findtext(".//title"))
        (description,) = root.xpath("//meta[@name='description']/@content")
        assert 20 < len(description) <= 200, (name, description)
        descriptions.add(description)
        assert root.xpath("//a[@class='skip-link']/@href") == ["#main"]
        assert root.xpath("//main[@id='main']") and root.xpath("//header") and root.xpath("//footer")
        assert root.get("lang") == "en-GB" and root.get("dir") == "ltr"
    assert len(titles) == len(descriptions) == len(document.chapters) + 3  # landing, history, search
    assert "Context: Idlib – Idlib Lives" in titles


def test_draft_builds_carry_a_banner_on_every_page(document, cache):
    files = render_site(replace(document, draft=True), diagnostics=Diagnostics(echo=False), cache=cache)
    for name, root in html_pages(files).items():
        banner = root.xpath("//header//p[contains(@class, 'draft-banner')]")
        assert banner and "DRAFT" in banner[0].text_content(), name
        assert root.xpath("//meta[@name='robots']/@content") == ["noindex"]


def test_site_weighs_under_400_kb_without_images_and_fonts(site):
    weight = sum(
        len(data)
        for name, data in site.items()
        if not name.startswith(("images/", "assets/fonts/", "downloads/")) and not name.endswith(".png")
    )
    assert weight < 400 * 1024, f"{weight / 1024:.0f} KB"


def test_same_document_gives_the_same_bytes(document, site, cache):
    again = render_site(
        document,
        diagnostics=Diagnostics(echo=False),
        downloads=(
            Download("pdf", "idlib-lives-v1.2.pdf", "downloads/idlib-lives-v1.2.pdf", 215_000, 39),
            Download("epub", "idlib-lives-v1.2.epub", "downloads/idlib-lives-v1.2.epub", 98_000),
        ),
        cache=cache,
    )
    assert again == {name: data for name, data in site.items() if not name.startswith("downloads/")}


# -- fonts, images, search ----------------------------------------------------------------


@pytest.mark.parametrize(("language", "cjk"), [("zh", "Noto Serif CJK SC"), ("ja", "Noto Serif CJK JP"), ("ko", None)])
def test_chinese_and_japanese_quotes_ellipsis_and_dash_come_from_the_cjk_face(language, cjk, monkeypatch):
    """The own faces' subsets leave those marks out in Chinese and Japanese, so the browser
    takes them from the fallback family's CJK face, full width; Korean keeps Vollkorn's."""
    from fontTools.ttLib import TTFont

    asked: list[str] = []
    monkeypatch.setattr(
        fonts, "_subsets", lambda sources, characters, cache: asked.append(characters) or dict.fromkeys(sources, b"")
    )
    text = "他说：“这是测试。”然后……他走了——没有回头。" if language != "ko" else "그는 “시험”… 떠났다—돌아보지"
    rules, files = fonts.web_fonts(Theme(None, language), '"RB Serif"', text, has_code=False, language=language)
    marks = set("“”…—")
    (own,) = asked
    cjk_rules = [rule for rule in rules.splitlines() if "fallback-noto-serif-cjk" in rule]
    if cjk is None:
        assert marks <= set(own)
        assert not any("U+201C" in rule for rule in cjk_rules)
        return
    assert not marks & set(own)  # the own faces' subsets lack them: Vollkorn does not draw them
    name = f"fonts/fallback-{cjk.lower().replace(' ', '-')}.woff2"
    assert {ord(c) for c in marks} <= set(TTFont(io.BytesIO(files[f"assets/{name}"])).getBestCmap())
    (rule,) = [r for r in cjk_rules if name in r and '"RB Fallback Serif"' in r]
    assert "unicode-range: U+2014-2015, U+2018-2019, U+201C-201D, U+2025-2026, " in rule  # all, as ALWAYS has them
    sans = f"fonts/fallback-{cjk.lower().replace(' serif ', '-sans-').replace(' ', '-')}.woff2"
    assert any(sans in r and '"RB Fallback Sans"' in r and "U+201C-201D" in r for r in rules.splitlines())


def test_fonts_are_woff2_subsets_of_the_shipped_fonts_and_reproducible():
    from fontTools.ttLib import TTFont

    theme = Theme()
    rules, files = fonts.web_fonts(theme, '"RB Serif"', "Idlib – ‘kill-box’", has_code=False)
    assert set(files) == {
        "assets/fonts/vollkorn-regular.woff2",
        "assets/fonts/vollkorn-italic.woff2",
        "assets/fonts/vollkorn-bold.woff2",
        "assets/fonts/vollkorn-bolditalic.woff2",
    }
    assert 'src: url(fonts/vollkorn-regular.woff2) format("woff2")' in rules
    source = theme.find("fonts/vollkorn/Vollkorn-Regular.ttf").read_bytes()
    made = fonts.make_subset(source, "Idlib – ‘kill-box’" + fonts.ALWAYS)  # the real subsetter
    assert made == fonts.make_subset(source, "Idlib – ‘kill-box’" + fonts.ALWAYS)
    font = TTFont(io.BytesIO(made))
    assert font.flavor == "woff2"
    cmap = font.getBestCmap()
    assert ord("‘") in cmap and ord("I") in cmap and 0x0627 not in cmap
    assert len(cmap) < 200 < len(TTFont(io.BytesIO(source)).getBestCmap())  # a subset, not the whole font
    features = {r.FeatureTag for r in font["GSUB"].table.FeatureList.FeatureRecord}
    assert {"lnum", "tnum"} <= features  # the lining and tabular figures the stylesheet asks for are kept


CHART = (
    b'<svg xmlns="http://www.w3.org/2000/svg" width="200" height="60">'
    b'<g font-family="RB Sans, Inter, sans-serif" font-size="11px">'
    b'<text font-weight="600" y="12">Idlib 2020</text><text y="30">1,000</text></g>'
    b'<text font-family="Helvetica, sans-serif" y="50">other</text></svg>'
)
SVG_STYLE = "{http://www.w3.org/2000/svg}style"


def _embedded(svg: bytes) -> list[tuple[str, str, str, set[int]]]:
    """(family, weight, unicode-range, the characters of the embedded face) of each rule."""
    from fontTools.ttLib import TTFont

    style = lxml.etree.fromstring(svg).find(SVG_STYLE).text
    found = re.findall(
        r'font-family: "([^"]+)"; font-style: normal; font-weight: (\d+); '
        r'src: url\(data:font/woff2;base64,([^)]+)\) format\("woff2"\); unicode-range: ([^;]+);',
        style,
    )
    return [
        (family, weight, ranges, set(TTFont(io.BytesIO(base64.b64decode(data))).getBestCmap()))
        for family, weight, data, ranges in found
    ]


def test_an_svg_image_carries_the_layouts_faces_it_names(monkeypatch):
    """A browser shows an SVG image as a document of its own, which reaches no font of the page:
    the layouts' faces its text names go inside it, cut to its letters."""
    from report_build.images import check_svg

    monkeypatch.setattr(fonts, "_subsets", REAL_SUBSETS)
    made = fonts.svg_fonts({"chart.svg": CHART}, Theme())["chart.svg"]
    check_svg(made, "chart.svg")  # still self-contained: data: URLs only
    rules = _embedded(made)
    # the label and the title, each in its weight; Helvetica is not one of the layouts' families
    assert [(family, weight) for family, weight, _r, _c in rules] == [("RB Sans", "400"), ("RB Sans", "600")]
    assert rules[0][3] == {ord(c) for c in "1,0"} and rules[1][3] == {ord(c) for c in "Idlib 20"}
    assert rules[1][2] == "U+20, U+30, U+32, U+49, U+62, U+64, U+69, U+6C"  # exactly what it draws
    assert made == fonts.svg_fonts({"chart.svg": CHART}, Theme())["chart.svg"]  # the same bytes every time
    plain = b'<svg xmlns="http://www.w3.org/2000/svg"><text font-family="serif">x</text></svg>'
    assert fonts.svg_fonts({"plain.svg": plain}, Theme()) == {}  # names none of the layouts' faces: left as it is


def test_the_charts_of_a_site_share_one_subset_a_face(monkeypatch):
    """Forty charts make one subset of each face, not forty: each carries the face cut to the
    letters all of them set in it."""
    made_for = []
    monkeypatch.setattr(fonts, "_subsets", REAL_SUBSETS)
    monkeypatch.setattr(fonts, "make_subset", lambda data, characters: made_for.append(characters) or b"wOF2")
    other = CHART.replace(b"Idlib 2020", b"Hama 2019").replace(b"1,000", b"7,500")
    made = fonts.svg_fonts({"a.svg": CHART, "b.svg": other}, Theme())
    assert set(made) == {"a.svg", "b.svg"} and len(made_for) == 2  # regular and semibold, once each
    # the titles' letters together, the labels' together
    assert sorted(made_for) == sorted(["".join(sorted(set("Idlib 2020Hama 2019"))), "".join(sorted(set("1,0007,500")))])


def test_an_svg_label_in_several_scripts_draws_each_from_a_face_that_has_it(monkeypatch):
    """A right-to-left chart names the Arabic face first: its Latin letters come from the sans
    named after it; Hangul, which no face of the layouts has, from the fallback chain's face,
    under the first family's name and limited to those letters."""
    monkeypatch.setattr(fonts, "_subsets", REAL_SUBSETS)
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg"><g font-family="RB Arabic, Noto Naskh Arabic, RB Sans, sans-serif">'
        "<text>إدلب GDP</text><text>서울</text></g></svg>"
    ).encode()
    rules = _embedded(fonts.svg_fonts({"chart.svg": svg}, Theme(), language="ar")["chart.svg"])
    by_family = {}
    for family, _weight, _ranges, characters in rules:
        by_family.setdefault(family, []).append(characters)
    assert set(by_family) == {"RB Arabic", "RB Sans"}
    arabic = {ord(c) for c in "إدلب"}
    assert any(arabic <= chars for chars in by_family["RB Arabic"])
    assert any({ord(c) for c in "GDP"} <= chars for chars in by_family["RB Sans"])
    hangul = [(family, chars) for family, _w, ranges, chars in rules if "U+C11C" in ranges]
    assert len(hangul) == 1 and hangul[0][0] == "RB Arabic" and {ord(c) for c in "서울"} <= hangul[0][1]


def test_a_layout_whose_faces_have_keyword_weights_is_read(tmp_path, monkeypatch):
    layouts = tmp_path / "layouts"
    (layouts / "css").mkdir(parents=True)
    (layouts / "fonts").mkdir()
    inter = Theme().find("fonts/inter/Inter-Regular.otf")
    (layouts / "fonts" / "a.otf").write_bytes(inter.read_bytes())
    (layouts / "css" / "fonts.css").write_text(
        '@font-face { font-family: "RB Sans"; font-weight: normal; src: url(../fonts/a.otf); }\n'
        '@font-face { font-family: "RB Sans"; font-weight: bold; src: url(../fonts/a.otf); }\n',
        encoding="utf-8",
    )
    monkeypatch.setattr(fonts, "_subsets", REAL_SUBSETS)
    rules = _embedded(fonts.svg_fonts({"chart.svg": CHART}, Theme(layouts))["chart.svg"])
    assert [weight for _f, weight, _r, _c in rules] == ["400", "700"]  # the title (600) takes the nearest


def test_the_sites_charts_carry_their_faces(site):
    charts = [name for name in site if name.endswith(".svg") and b"role-axis" in site[name]]
    assert charts
    for name in charts:
        assert b'@font-face { font-family: "RB Sans"' in site[name] and b"data:font/woff2;base64," in site[name]


def test_raster_images_get_srcset_and_their_size(tmp_path):
    manuscript = FIXTURES / "epub-basic" / "report.md"
    doc = load(manuscript, Diagnostics(echo=False))
    files = render_site(doc, diagnostics=Diagnostics(echo=False))
    img = html_pages(files)["chapter-01.html"].xpath("//figure//img")[0]
    candidates = [part.split() for part in img.get("srcset").split(",")]
    assert len(candidates) >= 2 and all(src in files for src, _ in candidates)
    for src, width in candidates:
        with Image.open(io.BytesIO(files[src])) as image:
            assert f"{image.width}w" == width
    assert img.get("width") and img.get("height") and img.get("sizes")
    assert img.get("src") == candidates[-1][0]


def test_search_index_has_every_section_with_its_link(document):
    entries = search.entries(document)
    hrefs = {e.href for e in entries}
    for chapter in document.chapters:
        assert f"{chapter.slug}.html" in hrefs
        for section in chapter.sections:
            assert f"{chapter.slug}.html#{section.id}" in hrefs
    offensive = next(e for e in entries if e.href.endswith("#an-unprecedented-offensive"))
    assert "800,000" in offensive.text and offensive.chapter == "Context: Idlib"
    assert "launched an unprecedented offensive on Idlib. The Syrian" in offensive.text  # no note number
    script = search.index_script(document).decode()
    assert script.startswith("window.RB_SEARCH=") and len(json.loads(script[17:-2])) == len(entries)


def test_search_folds_accents_and_arabic_vowel_marks():
    assert search.fold("Éléphant") == "elephant"
    assert search.fold("إِدْلِب") == "ادلب"  # hamza below and vowel marks go
    assert search.fold("كـتاب") == "كتاب"


# -- sharing ----------------------------------------------------------------------------


def test_base_url_gives_canonical_open_graph_and_twitter_tags(document):
    doc = replace(document, metadata=replace(document.metadata, base_url="https://example.org/idlib/"))
    facts = sharing.head(doc, "chapter-02.html", "Context: Idlib – Idlib Lives", "About Idlib.", {})
    assert facts["canonical"] == "https://example.org/idlib/chapter-02.html"
    properties = dict(facts["properties"])
    assert (
        properties["og:url"] == facts["canonical"] and properties["og:image"] == "https://example.org/idlib/social.png"
    )
    assert dict(facts["names"])["twitter:card"] == "summary_large_image"
    assert sharing.head(doc, "index.html", "t", "d", {})["canonical"] == "https://example.org/idlib/"
    assert sharing.head(document, "index.html", "t", "d", {})["canonical"] == ""  # no base_url: no absolute URLs


def test_json_ld_is_a_report_first_published_with_the_oldest_release(document, site):
    data = json.loads(sharing.json_ld(document))
    assert data["@type"] == "Report" and data["name"] == "Idlib Lives"
    assert data["datePublished"] == "2018-05-17" and data["dateModified"] == "2020-02-24" and data["version"] == "1.2"
    assert data["publisher"]["name"] == "report-build sample edition"
    (script,) = html_pages(site)["index.html"].xpath("//script[@type='application/ld+json']")
    assert json.loads(script.text) == data


def test_social_image_is_1200_by_630(site):
    with Image.open(io.BytesIO(site["social.png"])) as image:
        assert image.size == (1200, 630) and image.format == "PNG"
        assert image.getpixel((5, 5)) == (0xA8, 0x22, 0x1B)  # the cover's colour
        assert len(image.getcolors(maxcolors=1 << 16)) > 2  # there is text on it


SOCIAL_TITLES = {
    "ja": ("日本における子どもの教育と地域社会の役割に関する年次報告書", "地方自治体と学校の協力"),
    "hi": ("भारत में ग्रामीण स्वास्थ्य सेवाओं की स्थिति", "वार्षिक रिपोर्ट"),
    "th": ("รายงานประจำปีเรื่องคุณภาพน้ำในประเทศไทยและการจัดการทรัพยากร", "ฉบับสมบูรณ์"),
    "he": ("דוח שנתי על מצב המים בישראל 2024", "סיכום ומסקנות"),
    "ko": ("지역 사회의 교육과 아동 보호에 관한 보고서", "연례 보고서"),
    "am": ("ስለ ኢትዮጵያ የውሃ አቅርቦት ዓመታዊ ሪፖርት", "ማጠቃለያ"),
    "zh-Hant": ("臺灣地區兒童教育與社區角色之年度報告書", "政策建議"),
}
CJK_REGION = {"ja": "JP", "ko": "KR", "zh-Hant": "TC"}
CJK = re.compile("[\u3040-\u30ff\u4e00-\u9fff\uac00-\ud7a3]")


def social_document(tmp_path: Path, language: str):
    title, subtitle = SOCIAL_TITLES[language]
    path = tmp_path / "report.md"
    path.write_text(
        f'---\ntitle: "{title}"\nsubtitle: "{subtitle}"\nlanguage: {language}\ndate: 2024-11-11\n'
        "base_url: https://example.org/r/\n---\n\n# A\n\nText.\n",
        encoding="utf-8",
    )
    return load(path, Diagnostics(echo=False))


def drawn_calls(draw, *args) -> tuple[bytes, list[tuple[tuple[float, float], str, ImageFont.FreeTypeFont, dict]]]:
    """The PNG ``draw(*args)`` makes, and every text it draws on it: (xy, text, font, the other
    arguments), whatever code draws it (each call of Pillow's ``ImageDraw.text``)."""
    calls = []
    original = ImageDraw.ImageDraw.text

    def text(self, xy, words, *rest, **named):
        calls.append((tuple(xy), words, named["font"], named))
        return original(self, xy, words, *rest, **named)

    sharing._draw.cache_clear()
    cover._cover_png.cache_clear()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(ImageDraw.ImageDraw, "text", text)
        data = draw(*args)
    return data, calls


@pytest.mark.parametrize("language", SOCIAL_TITLES)
def test_social_image_draws_every_character_of_any_script_with_a_face_that_has_it(tmp_path, language):
    doc = social_document(tmp_path, language)
    theme = Theme(None, language)
    assert not doc.draft and not doc.version  # the foot is the date alone
    data, calls = drawn_calls(sharing.social_image, doc, theme)
    meta = doc.metadata
    wanted = Counter(char for char in meta.title + meta.subtitle + theme.longdate(doc.date) if visible(char))
    assert Counter(char for _xy, text, _font, _named in calls for char in text if visible(char)) == wanted
    for _xy, text, font, _named in calls:
        face = Face("drawn", Path(font.path), font.index)
        missing = [char for char in text if visible(char) and not has(face, char)]
        assert not missing, (language, font.font.family, text)  # would print as empty boxes
    if language in CJK_REGION:  # the region's forms, as in the ePub cover and the PDF
        families = {font.font.family for _xy, text, font, _named in calls if CJK.search(text)}
        assert families == {f"Noto Sans CJK {CJK_REGION[language]}"}
    sharing._draw.cache_clear()
    assert sharing.social_image(doc, theme) == data  # deterministic


@pytest.mark.parametrize("language", ["ja", "th", "he", "hi"])
def test_social_image_sets_the_title_in_the_faces_of_the_epub_cover(tmp_path, language):
    doc = social_document(tmp_path, language)
    theme = Theme(None, language)
    title = doc.metadata.title

    def faces(calls) -> dict[str, tuple[str, str]]:
        bold = [(text, font) for _xy, text, font, _named in calls if font.font.style == "Bold"]
        return {char: (font.font.family, font.font.style) for text, font in bold for char in text if visible(char)}

    _data, social = drawn_calls(sharing.social_image, doc, theme)
    _data, drawn_cover = drawn_calls(cover.draw_cover, doc, theme)
    assert faces(social) == faces(drawn_cover)
    assert set(faces(social)) == {char for char in title if visible(char)}


@pytest.mark.parametrize("language", ["th", "ja"])
def test_a_long_title_without_spaces_wraps_onto_several_lines_inside_the_margins(tmp_path, language):
    doc = social_document(tmp_path, language)
    _data, calls = drawn_calls(sharing.social_image, doc, Theme(None, language))
    title = [(xy, text, font) for xy, text, font, _named in calls if font.font.style == "Bold"]
    assert len({xy[1] for xy, _text, _font in title}) >= 2  # two lines or more
    assert min(font.size for _xy, _text, font in title) >= 44  # not shrunk to one tiny line
    for (x, _y), text, font in title:
        assert x >= 72 and x + font.getlength(text) <= sharing.SOCIAL_SIZE[0] - 72 + 0.5, text


@pytest.mark.parametrize("language", ["ja", "th"])
def test_a_title_on_three_lines_and_its_subtitle_stay_above_the_rule(tmp_path, language):
    doc = social_document(tmp_path, language)
    data, calls = drawn_calls(sharing.social_image, doc, Theme(None, language))
    with Image.open(io.BytesIO(data)) as image:
        white = [
            y for y in range(image.height) if all(image.getpixel((x, y)) == (255, 255, 255) for x in (80, 600, 1120))
        ]
    rule = min(white)  # the rule runs across the whole measure; no letter does
    assert rule > sharing.SOCIAL_SIZE[1] / 2
    above = [(xy, text, font, named) for xy, text, font, named in calls if xy[1] < rule]
    assert len({xy[1] for xy, _text, font, _named in above if font.font.style == "Bold"}) == 3
    for (_x, y), text, font, named in above:
        bottom = y + font.getbbox(text, anchor="ls", direction=named.get("direction"))[3]
        assert bottom < rule, text


def test_a_hebrew_title_and_date_read_right_to_left_with_their_numbers_left_to_right(tmp_path):
    doc = social_document(tmp_path, "he")
    _data, calls = drawn_calls(sharing.social_image, doc, Theme(None, "he"))
    foot_y = max(xy[1] for xy, _text, _font, _named in calls)
    foot = {text.strip(): (xy[0], named.get("direction")) for xy, text, _font, named in calls if xy[1] == foot_y}
    assert "".join(foot) == "2024בנובמבר11"  # 11 בנובמבר 2024, read from the right
    assert foot["2024"][0] < foot["בנובמבר"][0] < foot["11"][0]
    assert foot["בנובמבר"][1] == "rtl" and foot["11"][1] == "ltr"
    last_line = max(xy[1] for xy, _text, font, _named in calls if font.font.style == "Bold")
    line = sorted((xy[0], text.strip()) for xy, text, font, _named in calls if xy[1] == last_line)
    assert [text for _x, text in line] == ["2024", "בישראל"]  # "בישראל 2024": the number on the left


def test_base_url_must_be_an_absolute_http_address(tmp_path):
    manuscript = tmp_path / "report.md"
    manuscript.write_text("---\ntitle: T\nbase_url: example.org/report\n---\n\n# One\n\nText.\n", encoding="utf-8")
    draft = Diagnostics(echo=False)
    assert load(manuscript, draft).metadata.base_url == ""  # a draft: no address, so no absolute links
    assert [(w.line, "http" in w.message) for w in draft.warnings] == [(3, True)]
    with pytest.raises(StrictModeError) as info:
        load(manuscript, Diagnostics(echo=False, strict=True))
    assert info.value.line == 3 and "http" in info.value.message
    manuscript.write_text("---\ntitle: T\nbase_url: https://example.org/r/\n---\n\n# One\n\nText.\n", encoding="utf-8")
    assert load(manuscript, Diagnostics(echo=False)).metadata.base_url == "https://example.org/r/"


# -- right to left, writing the folder ---------------------------------------------------------


def test_arabic_site_reads_right_to_left():
    doc = load(ENGLISH, Diagnostics(echo=False), language="ar")
    files = render_site(doc, diagnostics=Diagnostics(echo=False))
    root = html_pages(files)["chapter-01.html"]
    assert root.get("dir") == "rtl" and root.get("lang") == "ar"
    assert root.xpath("//a[@class='skip-link']")[0].text == "انتقل إلى النص"
    assert "assets/fonts/notonaskharabic-regular.woff2" in files


def test_write_site_replaces_only_a_site_and_keeps_other_editions(tmp_path):
    target = tmp_path / "web"
    write_site(target, {"index.html": b"one", "site.json": b"{}", "assets/a.css": b"a"})
    write_site(target / "ar", {"index.html": b"ar", "site.json": b"{}"})
    write_site(target, {"index.html": b"two", "site.json": b"{}"})
    assert (target / "index.html").read_bytes() == b"two" and not (target / "assets").exists()
    assert (target / "ar" / "index.html").read_bytes() == b"ar"
    precious = tmp_path / "notes"
    precious.mkdir()
    (precious / "mine.txt").write_text("keep")
    with pytest.raises(RenderError, match="not made by a web build"):
        write_site(precious, {"index.html": b"x", "site.json": b"{}"})
    assert (precious / "mine.txt").read_text() == "keep"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no staging folders left


def test_links_that_go_nowhere_are_warned_about(document, cache):
    chapter = document.chapters[0]
    broken = replace(chapter, body=chapter.body + '<p><a href="#nowhere-at-all">x</a></p>')
    doc = replace(document, chapters=(broken, *document.chapters[1:]))
    diagnostics = Diagnostics(echo=False)
    render_site(doc, diagnostics=diagnostics, cache=cache)
    assert any("#nowhere-at-all" in str(w) for w in diagnostics.warnings)


def test_a_note_called_twice_has_a_side_note_at_each_call_and_unique_ids(document, cache):
    chapter = document.chapters[1]
    again = '<p>Again.<a class="noteref" href="#fn-2" role="doc-noteref" id="fnref-2-1">2</a></p>'
    doc = replace(
        document, chapters=(document.chapters[0], replace(chapter, body=chapter.body + again), *document.chapters[2:])
    )
    root = html_pages(render_site(doc, diagnostics=Diagnostics(echo=False), cache=cache))["chapter-02.html"]
    ids = root.xpath("//@id")
    assert len(ids) == len(set(ids))
    second = root.get_element_by_id("fnref-2-1")
    assert second.getnext().get("id") == second.get("data-note") == "side-fnref-2-1"


def test_each_section_heading_links_to_itself_for_sharing(site, document):
    root = html_pages(site)["chapter-02.html"]
    for section in document.chapters[1].sections:
        heading = root.get_element_by_id(section.id)
        (link,) = heading.xpath("a[@class='section-link']")
        assert link.get("href") == f"#{section.id}"
        assert link.text_content() == "#Link to this section"


def test_korean_breaks_between_words_and_task_lists_have_one_marker(site):
    """Korean is set with word-break: keep-all (lines break at the spaces between words, as
    Korean readers expect, not between any two syllables) in the site and the ePub; a button's
    label ("검색", "検索") never breaks; a task list item's box is its only marker."""
    rules = {
        "site": site["assets/site.css"].decode(),
        "epub": (ROOT / "layouts" / "css" / "epub.css").read_text(encoding="utf-8"),
    }
    for name, css in rules.items():
        assert re.search(r":lang\(ko\)\s*\{[^}]*word-break:\s*keep-all", css), name
        assert re.search(r"li\.task-list-item\s*\{[^}]*list-style:\s*none", css), name
    assert re.search(r"\.site-search button[^{]*\{[^}]*white-space:\s*nowrap", rules["site"])


def test_a_chart_is_a_region_that_keeps_its_labels_readable_on_a_phone(site):
    """A chart scaled to a 320 px screen has labels a few pixels tall: on the site it sits in a
    region that scrolls sideways (named by its caption, reachable by keyboard), and is never drawn
    narrower than 30rem."""
    charts = [
        figure
        for root in html_pages(site).values()
        for figure in root.iter("figure")
        if "chart" in figure.get("class", "")
    ]
    assert charts
    for figure in charts:
        holder = figure.find("div")
        assert holder is not None and holder.get("class") == "chart-scroll" and holder.find("img") is not None
        assert (holder.get("role"), holder.get("tabindex")) == ("region", "0")
        assert holder.get("aria-label") == " ".join(figure.find("figcaption").text_content().split())
    css = site["assets/site.css"].decode()
    assert re.search(r"\.chart-scroll img\s*\{\s*min-width:\s*30rem", css)
