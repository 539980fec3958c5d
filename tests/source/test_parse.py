"""The parser: front matter, structure, and golden Markdown-to-XHTML results."""

from __future__ import annotations

import datetime as dt
import random
import re
from pathlib import Path

import pytest
from lxml import etree

from report_build import Diagnostics, ManuscriptError, TemplateError, load
from report_build.errors import StrictModeError
from report_build.source.parse import load as parse_only
from report_build.source.text import SourceMap

GOLDEN = Path(__file__).resolve().parent.parent / "golden"
FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def golden_text(doc) -> str:
    parts = []
    for chapter in doc.chapters:
        parts.append(f"<!-- chapter {chapter.index} number={chapter.number} id={chapter.id} title={chapter.title} -->")
        parts.append(chapter.body.strip())
        for note in chapter.footnotes:
            parts.append(f"<!-- note {note.number} -->{note.html}")
    return "\n".join(parts) + "\n"


@pytest.mark.parametrize("name", sorted(p.stem for p in GOLDEN.glob("*.md")))
def test_golden(name):
    doc = parse_only(GOLDEN / f"{name}.md", Diagnostics(strict=True, echo=False))
    expected = GOLDEN / f"{name}.html"
    actual = golden_text(doc)
    if not expected.exists():  # write once, then review and commit
        expected.write_text(actual, encoding="utf-8")
    assert actual == expected.read_text(encoding="utf-8")
    for chapter in doc.chapters:  # every body is well-formed XML
        etree.fromstring(f"<div>{chapter.body}</div>".encode())


def test_smarty_gives_characters_not_entities():
    doc = parse_only(GOLDEN / "typography.md", Diagnostics(strict=True, echo=False))
    body = doc.chapters[0].body
    assert "\u201cDouble\u201d" in body and "it\u2019s" in body and "\u2014" in body and "\u2026" in body
    assert "&ldquo;" not in body and "&#" not in body and "&nbsp;" not in body


def test_title_from_only_heading_and_sections_become_chapters():
    doc = parse_only(GOLDEN / "title-from-heading.md", Diagnostics(strict=True, echo=False))
    assert doc.metadata.title == "The Only Top Heading"
    titled = [c.title for c in doc.chapters if c.title]
    assert titled == ["Part one", "Part two"]
    assert doc.chapters[0].title == "" and "Intro paragraph" in doc.chapters[0].body
    assert "<h1" in doc.chapters[1].body and "<h2" in doc.chapters[1].body  # ### became a section


def test_structure_model():
    doc = parse_only(GOLDEN / "structure.md", Diagnostics(strict=True, echo=False))
    first, second = [c for c in doc.chapters if c.title]
    assert (first.number, second.number) == (1, None)  # {.unnumbered}
    assert [s.text for s in first.sections] == ["A section"]
    assert first.line == 7 and first.sections[0].line == 11
    assert [n.number for n in doc.footnotes] == [1]
    assert len(doc.figures) == 1 and doc.figures[0].caption == "The caption" and doc.figures[0].number == 1
    assert doc.chapter_of("second") is second


def test_front_matter_aliases_and_types(tmp_path):
    manuscript = tmp_path / "r.md"
    manuscript.write_text(
        "---\ntitle: T\nauthor: Ann Author\nlang: fr\ndate: 2020-01-02\nkeywords: a, b\n---\n\n# One\n\nText.\n",
        encoding="utf-8",
    )
    meta = load(manuscript, Diagnostics(echo=False)).metadata
    assert meta.authors == ("Ann Author",)
    assert meta.language == "fr"
    assert meta.date == dt.date(2020, 1, 2)
    assert meta.keywords == ("a", "b")
    assert meta.identifier.startswith("urn:uuid:")
    assert load(manuscript, Diagnostics(echo=False)).metadata.identifier == meta.identifier  # stable


def test_a_rule_then_prose_is_not_taken_for_front_matter(tmp_path):
    """A document that opens with a rule and a line like a key, then prose, is text (the check for
    a mistyped front-matter fence wants YAML all the way to the next '---')."""
    manuscript = tmp_path / "r.md"
    manuscript.write_text(
        "----\nNote: this draft is confidential.\nIt is shared with partners only.\n\n---\n\n# One\n\nText.\n", "utf-8"
    )
    doc = load(manuscript, Diagnostics(echo=False))
    assert "this draft is confidential" in doc.chapters[0].body or any(
        "confidential" in chapter.body for chapter in doc.chapters
    )


def test_an_unknown_front_matter_key_names_the_key_it_is_near(tmp_path):
    manuscript = tmp_path / "r.md"
    manuscript.write_text("---\ntitle: T\nlist_of_figure: true\nflavour: x\n---\n\n# One\n\nText.\n", "utf-8")
    diagnostics = Diagnostics(echo=False)
    load(manuscript, diagnostics)
    assert [(w.line, w.message) for w in diagnostics.warnings] == [
        (3, "unknown front matter key 'list_of_figure' is ignored (did you mean 'list_of_figures'?)"),
        (4, "unknown front matter key 'flavour' is ignored"),
    ]


@pytest.mark.parametrize(
    ("front", "line", "words"),
    [
        ("---\ntitle: T\n", 1, "never closed"),
        ("---\ntitle: [a\n---\n", 2, "front matter line 2: the '[' opened on this line is never closed"),
        ("---\n- a\n- b\n---\n", 2, "mapping"),
        ("+++\ntitle = [1\n+++\n", 2, "front matter (TOML)"),
        ("--\ntitle: T\nchapters: [a.md]\n---\n", 1, "opens with '--': its first line must be exactly three dashes"),
        ("\u2014\ntitle: T\n---\n", 1, "exactly three dashes"),  # a word processor's em dash
    ],
)
def test_front_matter_errors_name_the_line(tmp_path, front, line, words):
    manuscript = tmp_path / "r.md"
    manuscript.write_text(front + "\n# One\n\nText.\n", encoding="utf-8")
    with pytest.raises(ManuscriptError) as info:
        load(manuscript, Diagnostics(echo=False))
    assert info.value.line == line, str(info.value)
    assert words in info.value.message
    assert str(info.value).startswith(f"{manuscript}:{line}: ") or str(info.value).endswith(info.value.message)


@pytest.mark.parametrize(
    ("front", "line", "words"),
    [
        ("---\ntitle: T\nauthors: {a: 1}\n---\n", 3, "'authors' must be names, or entries with a 'name'"),
        ("---\ntitle: [a, b]\n---\n", 2, "'title' must be text, not list"),
        ("---\ntitle: T\ndate: soon\n---\n", 3, "YYYY-MM-DD"),
        ("---\ntitle: T\ndate: 2020-02-30\n---\n", 3, "'2020-02-30' is not a real date"),
        ("---\ntitle: T\npage_size: huge\n---\n", 3, "page size"),
        ("---\ntitle: T\nlanguage: english!\n---\n", 3, "BCP 47"),
        ("---\ntitle: T\nslug: /docs/getting-started\n---\n", 3, "is a site's address (Docusaurus, Hugo)"),
        ("---\ntitle: T\ndate: '2024-05-01T99:99'\n---\n", 3, "YYYY-MM-DD"),  # no such time
        ("---\ntitle: T\nauthors: [{name: true}]\n---\n", 3, "entries with a 'name'"),
    ],
)
def test_a_front_matter_value_of_the_wrong_kind_is_left_out_of_a_draft_and_refused_when_strict(
    tmp_path, front, line, words
):
    """What a draft can render around: the key's default, with a warning at its line."""
    manuscript = tmp_path / "r.md"
    manuscript.write_text(front + "\n# One\n\nText.\n", encoding="utf-8")
    diagnostics = Diagnostics(echo=False)
    document = load(manuscript, diagnostics)
    ((warning,),) = [[w for w in diagnostics.warnings if w.line == line]]
    assert words in warning.message and warning.message.endswith("; it is ignored")
    assert document.metadata.title == ("One" if "title: [" in front else "T")  # left out: as if not written
    with pytest.raises(StrictModeError) as info:
        load(manuscript, Diagnostics(strict=True, echo=False))
    assert any(words in fault.message for fault in info.value.faults)


@pytest.mark.parametrize(
    ("front", "authors", "when"),
    [
        # Docusaurus blog posts and Quarto write authors as entries, with more than a name
        (
            "authors:\n  - name: Jane Doe\n    title: Maintainer\n    url: https://e.org\n  - Ann Lee",
            ("Jane Doe", "Ann Lee"),
            None,
        ),
        ("author:\n  name: {given: Ada, family: Lovelace}\n  affiliation: X", ("Ada Lovelace",), None),
        ("authors: [a]\ndate: 2024-05-01T10:00", ("a",), dt.date(2024, 5, 1)),
        ("authors: [a]\ndate: 2024-05-01 10:00:00 +0200", ("a",), dt.date(2024, 5, 1)),  # Jekyll's
        ("authors: [a]\ndate: '2024-05-01T10:00:00Z'", ("a",), dt.date(2024, 5, 1)),
        ("authors: [a]\ndate: '2024-5-1'", ("a",), dt.date(2024, 5, 1)),  # not padded, still a date
    ],
)
def test_people_and_dates_as_other_tools_write_them(tmp_path, front, authors, when):
    manuscript = tmp_path / "r.md"
    manuscript.write_text(f"---\ntitle: T\n{front}\n---\n\n# One\n\nText.\n", encoding="utf-8")
    diagnostics = Diagnostics(echo=False)
    metadata = load(manuscript, diagnostics).metadata
    assert metadata.authors == authors and not diagnostics.warnings
    if when:
        assert metadata.date == when


def test_hugo_toml_front_matter_is_read_with_the_line_of_each_key(tmp_path):
    manuscript = tmp_path / "r.md"
    manuscript.write_text(
        '+++\ntitle = "東京の自転車道路網"\ndate = 2024-11-11\ndraft = true\n\n[params]\nx = 1\n+++\n\n'
        "## 概要\n\n本文。\n",
        encoding="utf-8",
    )
    diagnostics = Diagnostics(echo=False)
    document = load(manuscript, diagnostics)
    assert document.metadata.title == "東京の自転車道路網" and document.metadata.date == dt.date(2024, 11, 11)
    assert "+++" not in "".join(chapter.body for chapter in document.chapters)
    # draft = true keeps a page off Hugo's site: a setting the report does not honour, a warning;
    # [params] only feeds Hugo's templates: a note (metadata.SITE_KEYS)
    assert [(w.line, w.message) for w in diagnostics.warnings] == [(4, "unknown front matter key 'draft' is ignored")]
    assert "front matter keys for another tool's site are left to it: params (Hugo)" in diagnostics.notes


@pytest.mark.e2e
def test_layout_override_replaces_one_template_only():
    from conftest import build_bytes, pdf_pages

    pages = pdf_pages(build_bytes(FIXTURES / "override" / "report.md"))
    assert " ".join(pages[0].split()) == "OVERRIDDEN COVER Override Test"
    assert any("Contents" in page for page in pages)  # the rest still comes from the defaults


def test_template_syntax_error_names_template_and_line(tmp_path):
    (tmp_path / "layouts").mkdir()
    (tmp_path / "layouts" / "cover.html").write_text("<p>\n{% if %}\n</p>\n", encoding="utf-8")
    (tmp_path / "r.md").write_text("---\ntitle: T\nlayouts: layouts\n---\n\n# One\n", encoding="utf-8")
    with pytest.raises(TemplateError) as info:
        load(tmp_path / "r.md", Diagnostics(echo=False))
    assert info.value.path.name == "cover.html" and info.value.line == 2


def test_template_undefined_variable_names_template_and_line(tmp_path):
    from conftest import build_bytes

    (tmp_path / "layouts").mkdir()
    (tmp_path / "layouts" / "cover.html").write_text("<p>\n{{ meta.no_such_thing }}\n</p>\n", encoding="utf-8")
    (tmp_path / "r.md").write_text("---\ntitle: T\nlayouts: layouts\n---\n\n# One\n", encoding="utf-8")
    with pytest.raises(TemplateError) as info:
        build_bytes(tmp_path / "r.md")
    assert info.value.path.name == "cover.html" and info.value.line == 2


def test_image_without_alt_text_is_a_fault_unless_decorative(tmp_path):
    import shutil

    shutil.copy(GOLDEN / "pic.svg", tmp_path / "pic.svg")
    manuscript = tmp_path / "r.md"
    manuscript.write_text("---\ntitle: T\n---\n\n# One\n\nText.\n\n![](pic.svg)\n", encoding="utf-8")
    with pytest.raises(StrictModeError) as info:
        load(manuscript, Diagnostics(echo=False, strict=True))
    assert info.value.line == 9 and "alt text" in info.value.message
    draft = Diagnostics(echo=False)
    doc = load(manuscript, draft)  # a draft: an alt text that says so, never presented as decorative
    assert [(w.line, "no alt text" in w.message) for w in draft.warnings] == [(9, True)]
    assert '<img src="pic.svg" alt="Image without a description: pic.svg"/>' in doc.chapters[0].body
    assert not doc.figures[0].decorative and "undescribed" in doc.chapters[0].body
    manuscript.write_text("---\ntitle: T\n---\n\n# One\n\n![](pic.svg){.decorative}\n", encoding="utf-8")
    doc = load(manuscript, Diagnostics(echo=False, strict=True))
    assert doc.figures[0].decorative and 'alt=""' in doc.chapters[0].body


@pytest.mark.parametrize(
    ("written", "pixels"),
    [
        ("300", 300),
        ("300px", 300),
        ("6.5in", 624),
        ("2.54cm", 96),
        ("72pt", 96),
        (".5in", 48),
        ("50%", None),
        ("10em", None),
    ],
)
def test_an_image_size_is_read_in_css_pixels(written, pixels):
    from report_build.source.passes.images import size_in_pixels

    assert size_in_pixels(written) == pixels


def test_an_image_sized_in_lengths_is_sized_in_pixels_and_one_in_percent_is_left_out(tmp_path):
    """pandoc's Word export sizes images in inches, Quarto in percent, old HTML both: HTML (and
    EPUBCheck) takes a whole number of pixels only."""
    import shutil

    shutil.copy(GOLDEN / "pic.svg", tmp_path / "pic.svg")
    manuscript = tmp_path / "r.md"
    manuscript.write_text(
        '---\ntitle: T\n---\n\n# One\n\n![A](pic.svg){width="6.5in" height="4.33in"}\n\n'
        '<img src="pic.svg" alt="B" width="50%" height="120">\n',
        encoding="utf-8",
    )
    draft = Diagnostics(echo=False)
    body = load(manuscript, draft).chapters[0].body
    assert 'alt="A" width="624" height="416"' in body and 'alt="B" height="120"' in body
    assert [(w.line, w.message.split(":")[0]) for w in draft.warnings] == [(9, "image width '50%' left out")]


def test_slug_names_the_outputs_when_the_title_cannot(tmp_path):
    from report_build.build import output_name, slugify

    manuscript = tmp_path / "r.md"
    manuscript.write_text("---\ntitle: إدلب\nslug: idlib-ar\n---\n\n# One\n\nText.\n", encoding="utf-8")
    assert output_name(load(manuscript, Diagnostics(echo=False)), "pdf") == "idlib-ar.pdf"
    manuscript.write_text("---\ntitle: إدلب\n---\n\n# One\n\nText.\n", encoding="utf-8")
    assert output_name(load(manuscript, Diagnostics(echo=False)), "epub") == f"{slugify(tmp_path.name)}.epub"
    manuscript.write_text("---\ntitle: T\nslug: Not A Slug\n---\n\n# One\n", encoding="utf-8")
    diagnostics = Diagnostics(echo=False)
    assert output_name(load(manuscript, diagnostics), "pdf") == "t.pdf"  # a draft: from the title
    assert [(w.line, "must be lower-case" in w.message) for w in diagnostics.warnings] == [(3, True)]
    with pytest.raises(StrictModeError):
        load(manuscript, Diagnostics(strict=True, echo=False))


def test_source_find_is_the_first_matching_line_outside_code():
    """SourceMap.find searches the whole text at once; it must give what a line-by-line search gives."""

    def line_by_line(source: SourceMap, needle: str, start: int) -> int | None:
        for around in (start, source.body_offset + 1):
            for number in range(max(around, 1), len(source.lines) + 1):
                if number not in source.code_lines and needle in source.lines[number - 1]:
                    return number
        return None

    rng = random.Random(3)
    pieces = ["a", "b", "ab", "```", "~~~", "[^1]:", "x y", ""]
    for _ in range(500):
        lines = [" ".join(rng.choice(pieces) for _ in range(rng.randint(0, 3))) for _ in range(rng.randint(1, 12))]
        source = SourceMap(Path("report.md"), "\n".join(lines), rng.randint(0, 3))
        for needle in ("a", "ab", "[^1]:", "x y", " "):
            for start in range(0, 14):
                assert source.find(needle, start) == line_by_line(source, needle, start), (lines, needle, start)


def _with_an_image(folder: Path, front: str, text: str):
    """The document of a one-chapter report beside an image ``x.svg``, read strictly."""
    (folder / "x.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" width="9" height="9"/>')
    manuscript = folder / "report.md"
    manuscript.write_text(f"---\ntitle: T\n{front}---\n# One\n\n{text}", encoding="utf-8")
    return load(manuscript, Diagnostics(strict=True, echo=False))


def test_a_quarto_figure_takes_its_caption_from_the_brackets(tmp_path):
    """Quarto writes ``![Caption](x.png){#fig-x fig-alt="..."}``: the brackets are the caption
    (and the alt text, unless ``fig-alt`` gives one), so @fig-x has a number to refer to."""
    doc = _with_an_image(
        tmp_path,
        "",
        "![Hand washing station](x.svg){#fig-station}\n\n"
        '![Water point](x.svg){#fig-point fig-alt="A tap on a wall"}\n\nSee @fig-station and @fig-point.\n',
    )
    found = [(f.number, f.id, f.caption, f.alt) for f in doc.figures]
    assert found == [
        (1, "fig-station", "Hand washing station", "Hand washing station"),
        (2, "fig-point", "Water point", "A tap on a wall"),
    ]
    assert "Figure\u00a01" in doc.chapters[0].body and "Figure\u00a02" in doc.chapters[0].body


def test_a_paged_reference_inside_parentheses_takes_its_page_after_a_comma(tmp_path):
    """With page_references on, "(@fig-x)" reads "(Figure 1, p. 5)", not "(Figure 1 (p. 5))": the
    reference inside parentheses gets the class print.css gives its page after a comma by."""
    body = (
        _with_an_image(
            tmp_path, "page_references: true\n", '![A](x.svg "Cap"){#fig-x}\n\nCoverage rose (@fig-x). See @fig-x.\n'
        )
        .chapters[0]
        .body
    )
    classes = re.findall(r'<a class="([^"]*)" [^>]*href="#fig-x"', body)
    assert classes == ["xref xref-paged xref-in-parentheses", "xref xref-paged"]
    css = (Path(__file__).resolve().parents[2] / "layouts" / "css" / "print.css").read_text(encoding="utf-8")
    assert re.search(r"a\.xref-paged\.xref-in-parentheses::after\s*\{\s*content:\s*\",", css)


def test_links_inside_a_note_are_checked_as_links_in_the_text_are(tmp_path):
    """A README's note pointing at another file of the repository stopped the ePub, whose link
    checker found a link the text's pass never saw; a heading's other slug in a note stayed
    unresolved."""
    manuscript = tmp_path / "report.md"
    manuscript.write_text(
        "---\ntitle: T\n---\n\n# One\n\nThanks to all contributors.[^who]\n\n## Set-up steps\n\nText.\n\n"
        "[^who]: Listed in [AUTHORS](AUTHORS.md); see [set-up](#Set-up-steps) and [the site](https://example.org).\n",
        encoding="utf-8",
    )
    diagnostics = Diagnostics(echo=False)
    (note,) = parse_only(manuscript, diagnostics).chapters[0].footnotes
    assert "AUTHORS.md" not in note.html and "Listed in AUTHORS;" in note.html
    assert '<a href="#set-up-steps">set-up</a>' in note.html and 'href="https://example.org"' in note.html
    assert [(w.line, w.message) for w in diagnostics.warnings] == [
        (13, "link to 'AUTHORS.md' points outside the report; kept as plain text")
    ]


def test_another_tools_site_keys_are_a_note_and_a_strict_build_takes_them(tmp_path):
    """A Docusaurus page's sidebar, a Quarto document's output formats: nothing a report could
    change. A strict build takes them; a key nobody declares is still a fault."""
    manuscript = tmp_path / "guide.md"
    front = (
        "---\ntitle: Guide\nid: guide\nsidebar_position: 2\nformat:\n  html:\n    toc: true\n"
        "execute:\n  echo: false\n---\n\n# Guide\n\nText.\n"
    )
    manuscript.write_text(front, encoding="utf-8")
    strict = Diagnostics(strict=True, echo=False)
    load(manuscript, strict)
    assert strict.warnings == []
    note = "front matter keys for another tool's site are left to it: id, sidebar_position (Docusaurus); "
    assert strict.notes.count(note + "format, execute (Quarto or R Markdown)") == 1
    manuscript.write_text(front.replace("sidebar_position", "sidebar_positon"), encoding="utf-8")
    draft = Diagnostics(echo=False)
    load(manuscript, draft)
    assert [(w.line, w.message) for w in draft.warnings] == [
        (4, "unknown front matter key 'sidebar_positon' is ignored")
    ]


# -- Quarto's date words: today, now, last-modified ---------------------------------------


@pytest.fixture
def no_epoch(monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)


@pytest.mark.parametrize("word", ["today", "now", "Today"])
def test_date_today_and_now_are_the_day_of_the_build(tmp_path, no_epoch, word):
    manuscript = tmp_path / "r.md"
    manuscript.write_text(f"---\ntitle: T\ndate: {word}\n---\n\n# One\n\nText.\n", encoding="utf-8")
    before = dt.date.today()
    diagnostics = Diagnostics(echo=False)
    document = load(manuscript, diagnostics)
    assert document.metadata.date in {before, dt.date.today()}  # a build across midnight
    assert not diagnostics.warnings and not diagnostics.notes


@pytest.mark.parametrize("word", ["today", "now", "last-modified"])
def test_date_words_are_source_date_epochs_day_when_it_is_set(tmp_path, monkeypatch, word):
    """A reproducible build (SOURCE_DATE_EPOCH) prints the same date whenever, wherever it is made."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")  # 2023-11-14T22:13:20Z
    manuscript = tmp_path / "r.md"
    manuscript.write_text(f"---\ntitle: T\ndate: {word}\n---\n\n# One\n\nText.\n", encoding="utf-8")
    document = load(manuscript, Diagnostics(strict=True, echo=False))
    assert document.metadata.date == dt.date(2023, 11, 14) == document.date


def test_date_last_modified_is_the_day_the_newest_source_file_was_changed(tmp_path, no_epoch):
    """The manuscript, its chapter files, includes, variables and images count; a file it does not
    read, however new, does not; and every output's text has the date."""
    import os
    import shutil

    manuscript = tmp_path / "report.md"
    manuscript.write_text(
        "---\ntitle: T\ndate: last-modified\nchapters: [two.md]\n---\n\n# One\n\n"
        '{{< include part.md >}}\n\n::: {.content-visible when-format="pdf"}\nOnly in print.\n:::\n',
        encoding="utf-8",
    )
    (tmp_path / "part.md").write_text("An included passage.\n", encoding="utf-8")
    (tmp_path / "two.md").write_text("# Two\n\n![A bar chart.](bars.png)\n", encoding="utf-8")
    shutil.copy(Path(__file__).parents[1] / "fixtures" / "basic" / "images" / "bars.png", tmp_path / "bars.png")
    (tmp_path / "notes.txt").write_text("not read\n", encoding="utf-8")

    def day(name: str, when: dt.date) -> None:
        stamp = dt.datetime(when.year, when.month, when.day, 12).timestamp()
        os.utime(tmp_path / name, (stamp, stamp))

    day("report.md", dt.date(2023, 1, 5))
    day("part.md", dt.date(2023, 3, 1))
    day("two.md", dt.date(2023, 2, 1))
    day("bars.png", dt.date(2023, 2, 2))
    day("notes.txt", dt.date(2024, 9, 9))
    diagnostics = Diagnostics(echo=False)
    document = load(manuscript, diagnostics)
    assert not diagnostics.warnings, diagnostics.warnings
    assert document.metadata.date == dt.date(2023, 3, 1)  # the include
    assert document.conditional and document.for_output("pdf").metadata.date == dt.date(2023, 3, 1)
    assert document.for_output("epub").metadata.date == dt.date(2023, 3, 1)
    day("bars.png", dt.date(2023, 4, 4))
    assert load(manuscript, Diagnostics(echo=False)).metadata.date == dt.date(2023, 4, 4)  # an image


def test_a_date_word_does_not_date_a_version_the_changelog_dates(tmp_path, monkeypatch):
    """A release always has its changelog (report-build release refuses a manuscript without one),
    and the changelog's date is the one every output carries: "today" cannot make two builds of
    the same version differ, in dates or in the time stamped into them."""
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    source = Path(__file__).parents[1] / "fixtures" / "versioned"
    for name in ("report.md", "changelog.yaml"):
        text = (source / name).read_text(encoding="utf-8")
        if name == "report.md":
            text = text.replace("language: en\n", "language: en\ndate: today\n")
        (tmp_path / name).write_text(text, encoding="utf-8")
    document = load(tmp_path / "report.md", Diagnostics(strict=True, echo=False), releases_dir=tmp_path / "none")
    assert document.version == "2.0" and document.date == dt.date(2021, 6, 1)
    assert document.modified == dt.datetime(2021, 6, 1, tzinfo=dt.UTC)
