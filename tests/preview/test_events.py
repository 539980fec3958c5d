"""What changed between two builds, and what an open page does about it: fast, on bytes."""

from __future__ import annotations

from report_build.preview.events import (
    ALL,
    PRINT,
    SITE,
    WAITING,
    History,
    PageChange,
    affected_pages,
    changed_files,
    first_changed_section,
    reaction,
)


def page(main: str, head: str = "", css: str = "assets/site.css") -> bytes:
    return (
        f'<html><head><title>{head}</title><link rel="stylesheet" href="{css}"></head>'
        f'<body><nav>contents</nav><main id="main">{main}</main></body></html>'
    ).encode()


CHAPTER = '<h1 id="opening">Opening</h1><p>First.</p><h2 id="wells">Wells</h2><p>Forty-two wells.</p>'
SITE_FILES = {
    "index.html": page("<h1>Report</h1>"),
    "chapter-01.html": page(CHAPTER),
    "chapter-02.html": page('<h1 id="second">Second</h1><p>Repairs.</p><img src="images/01-map.svg">'),
    "search.html": page("<h1>Search</h1>") + b'<script src="assets/search-index.js"></script>',
    "assets/site.css": b"@font-face { src: url(fonts/vollkorn-regular.woff2) } body { margin: 0 }",
    "assets/fonts/vollkorn-regular.woff2": b"wOF2 one",
    "assets/search-index.js": b"index one",
    "images/01-map.svg": b"<svg>one</svg>",
    "downloads/report.pdf": b"%PDF one",
}


def test_changed_files_are_those_added_removed_or_different():
    new = dict(SITE_FILES)
    new["history.html"] = b"new"
    del new["search.html"]
    new["chapter-01.html"] = page(CHAPTER.replace("First.", "First!"))
    assert changed_files(SITE_FILES, new) == {"history.html", "search.html", "chapter-01.html"}
    assert changed_files(SITE_FILES, dict(SITE_FILES)) == set()


def test_an_edit_in_a_section_changes_its_page_at_that_section():
    new = {**SITE_FILES, "chapter-01.html": page(CHAPTER.replace("Forty-two", "Forty-three"))}
    new["assets/search-index.js"] = b"index two"
    changes = affected_pages(SITE_FILES, new)
    assert changes == {
        "chapter-01.html": PageChange("wells"),
        "search.html": PageChange(None, direct=False),  # it uses the search index, which changed
    }


def test_a_font_that_changes_reaches_every_page_through_the_stylesheet():
    new = {**SITE_FILES, "assets/fonts/vollkorn-regular.woff2": b"wOF2 two"}
    changes = affected_pages(SITE_FILES, new)
    assert set(changes) == {"index.html", "chapter-01.html", "chapter-02.html", "search.html"}
    assert not any(change.direct for change in changes.values())


def test_an_image_reaches_only_the_pages_that_show_it():
    new = {**SITE_FILES, "images/01-map.svg": b"<svg>two</svg>"}
    assert affected_pages(SITE_FILES, new) == {"chapter-02.html": PageChange(None, direct=False)}


def test_a_new_download_or_another_page_is_no_use_of_it():
    """Pages link to each other and to the downloads; a link is not a use."""
    new = {**SITE_FILES, "downloads/report.pdf": b"%PDF two", "index.html": page("<h1>Report</h1><p>2 MB</p>")}
    assert affected_pages(SITE_FILES, new) == {"index.html": PageChange(None)}


def test_the_first_build_changes_every_page():
    changes = affected_pages({}, SITE_FILES)
    assert set(changes) == {"index.html", "chapter-01.html", "chapter-02.html", "search.html"}
    assert all(change.direct for change in changes.values())


def test_the_section_is_found_in_the_main_text_only():
    old = page(CHAPTER, head="Opening")
    assert first_changed_section(old, page(CHAPTER, head="Opening!")) is None  # only the head changed
    assert first_changed_section(old, page(CHAPTER.replace("First.", "First!"))) == "opening"
    assert first_changed_section(old, page(CHAPTER + "<p>More.</p>")) == "wells"  # added at the end
    assert first_changed_section(page("<p>a</p>"), page("<p>b</p>")) is None  # before any heading
    assert first_changed_section(old, old) is None


def test_history_gives_what_changed_since_a_build():
    history = History(keep=3)
    history.add({"chapter-01.html": PageChange("wells")})
    history.add({})  # a failed build
    history.add({"chapter-01.html": PageChange(None, direct=False), "chapter-02.html": PageChange("costs")})
    assert history.generation == 3
    assert history.since(3) == {}
    assert history.since(1) == {
        "chapter-01.html": PageChange(None, direct=False),
        "chapter-02.html": PageChange("costs"),
    }
    assert history.since(0)["chapter-01.html"] == PageChange("wells")  # the section of its latest direct change
    history.add({})
    assert history.since(0) == ALL  # build 1 is no longer kept
    assert history.since(9) == ALL  # from another run of the preview


CHAPTERS = ("chapter-01.html", "chapter-02.html")


def test_a_page_that_changed_reloads():
    changes = {"chapter-01.html": PageChange("wells")}
    assert reaction(SITE, "chapter-01.html", changes, True, False, CHAPTERS).action == "reload"
    assert reaction(SITE, "chapter-01.html", ALL, False, False, CHAPTERS).action == "reload"


def test_a_page_follows_the_writer_to_the_one_chapter_edited():
    changes = {
        "chapter-02.html": PageChange("costs"),
        "index.html": PageChange(None),  # offers a new PDF
        "search.html": PageChange(None, direct=False),
    }
    found = reaction(SITE, "chapter-01.html", changes, True, False, CHAPTERS)
    assert (found.action, found.href) == ("go", "chapter-02.html#costs")
    both = {**changes, "chapter-01.html": PageChange(None, direct=False)}  # it uses something that changed
    assert reaction(SITE, "chapter-01.html", both, True, False, CHAPTERS).action == "reload"
    two = {"chapter-01.html": PageChange("a"), "chapter-02.html": PageChange("b")}
    assert reaction(SITE, "index.html", two, True, False, CHAPTERS).action == "panel"  # which one? stay


def test_faults_alone_swap_the_panel():
    assert reaction(SITE, "chapter-01.html", {}, True, False, CHAPTERS).action == "panel"
    assert reaction(SITE, "chapter-01.html", {}, False, False, CHAPTERS).action == "none"


def test_the_waiting_page_reloads_once_anything_is_built():
    assert reaction(WAITING, "", {"index.html": PageChange(None)}, True, False).action == "reload"
    assert reaction(WAITING, "", {}, True, False).action == "panel"


def test_the_print_view_reloads_for_a_new_pdf_only():
    changes = {"chapter-01.html": PageChange("wells")}
    assert reaction(PRINT, "print.html", changes, True, False, CHAPTERS).action == "panel"
    assert reaction(PRINT, "print.html", {}, True, True, CHAPTERS).action == "reload"
    assert reaction(PRINT, "print.html", {}, False, False, CHAPTERS).action == "none"
    assert reaction(PRINT, "print.html", ALL, False, False, CHAPTERS).action == "reload"  # another run
