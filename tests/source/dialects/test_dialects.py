"""The dialects as a whole: switched on and off by name, line by line, and what they read besides
syntax: site-absolute image paths, BibTeX through pybtex, a bookdown chapter's bibliography."""

from __future__ import annotations

import re
from pathlib import Path

import lxml.html
import pytest
from PIL import Image as Picture

from report_build import Diagnostics, ManuscriptError, ReportBuildError
from report_build.errors import StrictModeError
from report_build.source import bibtex
from report_build.source.dialects import NAMES, enabled
from report_build.source.dialects.bookdown import bibliography_files, chunk_options
from report_build.source.dialects.common import fence_walk, formula_spans
from report_build.source.dialects.hackmd import FENCE_OPTIONS
from report_build.source.dialects.vuepress import LINE_MARKS
from report_build.source.parse import load
from report_build.source.text import outside_spans


def write(folder: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        target = folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    return folder / next(iter(files))


def picture(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    Picture.new("RGB", (40, 20), "teal").save(path)


def body(path: Path, **kwargs: object) -> tuple[str, Diagnostics]:
    diagnostics = Diagnostics(echo=False)
    doc = load(path, diagnostics, **kwargs)
    return "".join(chapter.body for chapter in doc.chapters), diagnostics


# -- by name -----------------------------------------------------------------------------

MIXED = """---
title: T
{dialects}---

# One

:::note Heads up
A Docusaurus admonition.
:::

{{{{< alert title="Careful" >}}}}
A Hugo alert.
{{{{< /alert >}}}}
"""


def test_every_dialect_is_read_by_default_and_each_can_be_switched_off(tmp_path):
    html, _ = body(write(tmp_path, {"report.md": MIXED.format(dialects="")}))
    assert 'callout-title">Heads up' in html and 'callout-title">Careful' in html
    only_hugo = write(tmp_path / "b", {"report.md": MIXED.format(dialects="dialects: [hugo]\n")})
    html, _ = body(only_hugo)
    assert 'callout-title">Careful' in html and "Heads up" in html and 'callout-title">Heads up' not in html
    none = write(tmp_path / "c", {"report.md": MIXED.format(dialects="dialects: []\n")})
    with pytest.raises(ManuscriptError) as caught:  # without the Hugo dialect, compose knows only include and var
        load(none, Diagnostics(echo=False))
    assert caught.value.line == 12 and "unknown shortcode" in caught.value.message


def test_a_dialect_that_does_not_exist_is_an_error_naming_the_known_ones(tmp_path):
    manuscript = write(tmp_path, {"report.md": "---\ntitle: T\ndialects: [mkdocs, sphinx]\n---\n\n# One\n"})
    draft = Diagnostics(echo=False)
    load(manuscript, draft)  # a draft reads every dialect, and says why
    ((warning,),) = [draft.warnings]
    assert warning.line == 3 and "'sphinx' is not a dialect" in warning.message
    assert all(name in warning.message for name in NAMES)
    with pytest.raises(StrictModeError) as caught:
        load(manuscript, Diagnostics(echo=False, strict=True))
    assert caught.value.line == 3 and "'sphinx' is not a dialect" in caught.value.message
    assert enabled(None) == NAMES and enabled([]) == () and enabled("myst, hugo") == ("hugo", "myst")


def test_a_pandoc_div_is_never_a_docusaurus_admonition(tmp_path):
    manuscript = write(
        tmp_path,
        {
            "report.md": "---\ntitle: T\n---\n\n# One\n\n::: {.note}\nA div of class note.\n:::\n\n"
            ":::note\nA note.\n:::\n"
        },
    )
    html, _ = body(manuscript)
    assert '<div class="note">' in html and 'callout-title">Note' in html


def test_messages_of_a_dialect_name_the_line_in_an_included_file(tmp_path):
    manuscript = write(
        tmp_path,
        {
            "report.md": "---\ntitle: T\n---\n\n# One\n\n{{< include part.md >}}\n",
            "part.md": 'Text.\n\n<Widget title="W">\n\nInside.\n\n</Widget>\n',
        },
    )
    html, diagnostics = body(manuscript)
    assert "Inside." in html and 'passage-title">W' in html
    [warning] = diagnostics.warnings
    assert (Path(warning.path).name, warning.line) == ("part.md", 3) and "<Widget>" in warning.message


def test_a_tools_marks_glued_to_a_fences_language_go_from_its_opening_line_only():
    """HackMD's and VuePress's marks (line numbers, lines to stress) are read by one walk
    through the fences, each tool giving its pattern; code and closing fences stay as written."""
    hackmd = [("```python=101", 1), ("x = '```js=!'", 2), ("```", 3), ("Text ```js=", 4), ("~~~js=!", 5), ("~~~", 6)]
    assert [(line, code) for line, _number, code in fence_walk(hackmd, FENCE_OPTIONS)] == [
        ("```python", True),
        ("x = '```js=!'", True),
        ("```", True),
        ("Text ```js=", False),
        ("~~~js", True),
        ("~~~", True),
    ]
    vuepress = [("  ```ts:line-numbers{2}", 7), ("```js{1,3}", 8), ("```", 9), ("", 10), ("```js{1,3}", 11)]
    assert list(fence_walk(vuepress, LINE_MARKS)) == [
        ("  ```ts", 7, True),
        ("```js{1,3}", 8, True),  # inside the code: as written
        ("```", 9, True),
        ("", 10, False),
        ("```js", 11, True),
    ]


def test_formulas_are_found_in_a_files_lines_as_the_math_reader_finds_them():
    """What a line pass must leave to the math reader (source/math.py): its delimiters, over a
    paragraph's lines, cell by cell in a table; never in code, never escaped brackets or amounts."""
    lines = [
        "A $x$, $5 and $10, \\[sic\\], `$code$`, [a](https://x.org/\\(y\\)) and $a +",
        "b$ over two lines.",
        "",
        "$$",
        "c",
        "$$",
        "",
        "\\begin{align}",
        "d &= e",
        "\\end{align}",
        "| $f$ | $5 | 6$ |",
        "- $g",
        "- h$",
    ]
    spans = formula_spans([(line, number) for number, line in enumerate(lines, 1)])
    found = {index: [lines[index][start:end] for start, end in spans[index]] for index in sorted(spans)}
    assert found == {
        0: ["$x$", "$a +"],
        1: ["b$"],
        3: ["$$"],
        4: ["c"],
        5: ["$$"],
        7: ["\\begin{align}"],
        8: ["d &= e"],
        9: ["\\end{align}"],
        10: ["$f$"],
    }
    assert outside_spans("[[a]] $[[b]]$ `[[c]]`", [(6, 13)], str.upper) == "[[A]] $[[b]]$ `[[c]]`"


# -- site-absolute paths -------------------------------------------------------------------

SITE = '---\ntitle: T\n{front}---\n\n# One\n\n![A chart](/img/chart.png)\n\n<img src="/img/chart.png" alt="Again">\n'


def test_a_site_absolute_path_is_found_beside_the_manuscript_or_in_its_static_folder(tmp_path):
    beside = write(tmp_path / "a", {"report.md": SITE.format(front="")})
    picture(tmp_path / "a" / "img" / "chart.png")
    html, _ = body(beside)
    assert html.count('src="img/chart.png"') == 2
    static = write(tmp_path / "b", {"report.md": SITE.format(front="")})
    picture(tmp_path / "b" / "static" / "img" / "chart.png")
    html, _ = body(static)
    assert html.count('src="static/img/chart.png"') == 2


def test_site_root_in_the_front_matter_is_a_folder_inside_the_manuscript_folder(tmp_path):
    manuscript = write(tmp_path, {"report.md": SITE.format(front="site_root: website/public\n")})
    picture(tmp_path / "website" / "public" / "img" / "chart.png")
    picture(tmp_path / "img" / "chart.png")  # not read: the site root says where /img is
    html, _ = body(manuscript)
    assert 'src="website/public/img/chart.png"' in html
    outside = write(tmp_path / "x", {"report.md": SITE.format(front="site_root: ../elsewhere\n")})
    with pytest.raises(ManuscriptError) as caught:
        load(outside, Diagnostics(echo=False))
    assert caught.value.line == 3 and "--site-root" in caught.value.message


def test_site_root_on_the_command_line_may_be_outside_and_its_images_travel_as_bytes(tmp_path):
    manuscript = write(tmp_path / "docs", {"report.md": SITE.format(front="")})
    picture(tmp_path / "static" / "img" / "chart.png")
    doc = load(manuscript, Diagnostics(echo=False), site_root=tmp_path / "static")
    [image] = doc.images
    assert image.src == "site-root/img/chart.png" and image.data and image.data.startswith(b"\x89PNG")
    assert doc.site_root == (tmp_path / "static").resolve()
    assert 'src="site-root/img/chart.png"' in doc.chapters[0].body


def test_a_site_absolute_path_outside_the_site_root_is_refused_and_one_found_nowhere_is_a_fault(tmp_path):
    from report_build.errors import StrictModeError

    manuscript = write(tmp_path / "docs", {"report.md": SITE.format(front="").replace("/img/chart", "/../secret")})
    picture(tmp_path / "secret.png")
    with pytest.raises(ReportBuildError) as caught:  # a sandbox matter: no build reads it
        load(manuscript, Diagnostics(echo=False))
    assert caught.value.line == 7 and "outside the site root" in caught.value.message
    missing = write(tmp_path / "m", {"report.md": SITE.format(front="")})
    html, diagnostics = body(missing)  # a draft: a placeholder with the alt text, and a warning naming the options
    assert "A chart" in html and "<img" not in html
    first = diagnostics.warnings[0]
    assert first.line == 7 and "not found under the site root" in first.message
    assert (
        "site_root:" in first.message and "--site-root DIR" in first.message and "static/img/chart.png" in first.message
    )
    with pytest.raises(StrictModeError) as refused:  # --strict, release and check refuse it
        load(missing, Diagnostics(strict=True, echo=False))
    assert "not found under the site root" in str(refused.value)


def test_the_command_line_takes_a_site_root(tmp_path):
    from report_build.cli import parser

    args = parser().parse_args(["pdf", "report.md", "--site-root", str(tmp_path)])
    assert args.site_root == tmp_path
    assert parser().parse_args(["watch", "--site-root", "static"]).site_root == Path("static")


# -- BibTeX ---------------------------------------------------------------------------------

BIB = r"""@string{biom = "Biometrika"}
@comment{ a comment }
@article{a1,
  author = {M{\"u}ller, J{\"o}rg and van der Berg, Anna and {World Health Organization}},
  title = {A title with \emph{emphasis} and an {\'e}l{\`e}ve},
  journal = biom,
  year = 2020, month = jan,
  pages = {1--10},
}
@online{a2, title = "Concat " # biom, url = {https://example.org}, urldate = {2021-03-04}, date = {2019-05}}
@book{a1, title = {Again}}
@article{broken, title = {Unclosed, year = 2020
"""


def test_bibtex_is_read_by_pybtex_into_csl_with_latex_as_text(tmp_path):
    path = tmp_path / "refs.bib"
    path.write_text(BIB, encoding="utf-8")
    warned: list[tuple[str, int | None]] = []
    items = bibtex.read(path, lambda message, where, line: warned.append((message, line)))
    first, second = items[:2]
    assert first["type"] == "article-journal" and first["container-title"] == "Biometrika"
    assert first["title"] == "A title with emphasis and an \u00e9l\u00e8ve" and first["page"] == "1\u201310"
    assert first["issued"] == {"date-parts": [[2020, 1]]}
    assert first["author"] == [
        {"family": "M\u00fcller", "given": "J\u00f6rg"},
        {"family": "Berg", "given": "Anna", "non-dropping-particle": "van der"},
        {"literal": "World Health Organization"},
    ]
    assert second["type"] == "webpage" and second["title"] == "Concat Biometrika"
    assert second["issued"] == {"date-parts": [[2019, 5]]} and second["accessed"] == {"date-parts": [[2021, 3, 4]]}
    assert ("BibTeX entry 'a1' is given twice; the first is kept", 11) in warned
    assert any("BibTeX:" in message and line == 12 for message, line in warned)  # the unclosed entry


def test_a_bibliography_can_be_several_files_and_a_key_in_two_keeps_the_first(tmp_path):
    manuscript = write(
        tmp_path,
        {
            "report.md": "---\ntitle: T\nbibliography: [a.bib, b.json]\n---\n\n# One\n\n[@x] and [@y].\n",
            "a.bib": "@book{x, title = {From BibTeX}, author = {Doe, Jane}, year = 2001}\n",
            "b.json": '[{"id": "y", "title": "From JSON", "issued": {"date-parts": [[2002]]}},'
            ' {"id": "x", "title": "Shadowed"}]',
        },
    )
    diagnostics = Diagnostics(echo=False)
    doc = load(manuscript, diagnostics)
    references = doc.chapters[-1].body
    assert "From BibTeX" in references and "From JSON" in references and "Shadowed" not in references
    assert any("also in a.bib" in w.message and Path(w.path).name == "b.json" for w in diagnostics.warnings)
    assert {p.name for p in doc.inputs} >= {"a.bib", "b.json"}


def test_an_r_markdown_chapter_without_bibliography_uses_its_books(tmp_path):
    chapter = write(tmp_path, {"ch.Rmd": "# One\n\nAs shown [@x].\n", "z.bib": "@book{x, title={Z}, year=2001}\n"})
    assert bibliography_files(chapter) == (tmp_path / "z.bib",)
    write(tmp_path, {"index.Rmd": "---\nbibliography: [book.bib]\n---\n", "book.bib": "@book{x, title={B}}\n"})
    assert bibliography_files(chapter) == (tmp_path / "book.bib",)
    diagnostics = Diagnostics(echo=False)
    doc = load(chapter, diagnostics)
    assert 'href="#ref-x"' in doc.chapters[0].body and "book.bib" in " ".join(diagnostics.notes)
    assert bibliography_files(tmp_path / "other.md") == ()


def test_r_chunk_options_are_read_as_r_reads_them():
    assert chunk_options(' zeppo, fig.cap="A \\"quoted\\" word, and $\\\\mu$", echo=FALSE') == (
        "zeppo",
        {"fig.cap": 'A "quoted" word, and $\\mu$', "echo": "FALSE"},
    )
    assert chunk_options(" echo=FALSE") == ("", {"echo": "FALSE"})
    assert chunk_options(", fig.cap = 'Critical values', label='crit'") == (
        "crit",
        {"fig.cap": "Critical values", "label": "crit"},
    )


# -- end to end -------------------------------------------------------------------------------


@pytest.mark.e2e
def test_a_page_from_another_site_builds_with_its_images_from_the_site_root(tmp_path):
    """A Docusaurus page whose images the site serves from static/ outside the page's folder: with
    --site-root, its PDF draws them and its ePub packages them (EPUBCheck-clean); tabs, a
    collapsible block and an admonition come out as the reader expects."""
    import io
    import zipfile

    import pikepdf

    from epubcheck_helper import epubcheck_many
    from report_build import build

    page = write(
        tmp_path / "docs",
        {
            "page.mdx": "---\ntitle: A page\n---\n\nimport Tabs from '@theme/Tabs';\n\n# One\n\n"
            ":::tip Before you start\nRead this.\n:::\n\n![The flow](/img/flow.png)\n\n"
            '<Tabs>\n<TabItem value="a" label="First">\n\nOne.\n\n</TabItem>\n'
            '<TabItem value="b" label="Second">\n\nTwo.\n\n</TabItem>\n</Tabs>\n\n'
            '??? note "More"\n    Hidden on the site.\n'
        },
    )
    picture(tmp_path / "static" / "img" / "flow.png")
    diagnostics = Diagnostics(echo=False)
    pdf, epub = build(page, ("pdf", "epub"), write=False, diagnostics=diagnostics, site_root=tmp_path / "static")
    with pikepdf.open(io.BytesIO(pdf.data)) as document:
        drawn = {image.objgen for page in document.pages for image in page.get_images().values()}
        assert len(drawn) == 1
    assert epubcheck_many({"page": epub.data}) == {"page": []}
    with zipfile.ZipFile(io.BytesIO(epub.data)) as book:
        text = " ".join(book.read(n).decode() for n in book.namelist() if n.endswith(".xhtml"))
        assert any(n.startswith("EPUB/images/img-") for n in book.namelist())
    assert "Before you start" in text and "<details" in text and text.count('class="passage tab"') == 2
    assert "import Tabs" not in text and ":::" not in text and "???" not in text


# -- pandoc's line blocks and example lists (read by the bookdown dialect) ------------------

README = """---
title: T
{dialects}---

# Usage

| Option | Meaning |
| ------ | ------- |
| `-v`   | verbose |

| Option | Meaning |
| `-q` | quiet |

Pipe the output: cat a | sort
| and this line goes on the paragraph.

| no table delimiter | but ends in a pipe |
| so a paragraph |
"""


def test_github_tables_and_paragraphs_with_pipes_read_as_without_the_bookdown_dialect(tmp_path):
    default, _ = body(write(tmp_path, {"report.md": README.format(dialects="")}))
    without = write(tmp_path / "b", {"report.md": README.format(dialects="dialects: [mkdocs, myst]\n")})
    assert default == body(without)[0]
    assert "line-block" not in default and default.count("<table") == 1


def test_examples_are_numbered_through_the_chapter_files_and_referred_to_by_label(tmp_path):
    manuscript = write(
        tmp_path,
        {
            "report.md": "---\ntitle: T\nchapters: [a.md, b.md]\n---\n",
            "a.md": "# A\n\n(@first) One.\n(@) Two.\n",
            "b.md": "# B\n\n(@) Three, after (@first).\n",
        },
    )
    html, diagnostics = body(manuscript)
    assert '<ol start="3">\n<li>Three, after (1).</li>' in html
    assert not diagnostics.warnings


def test_a_csv_tables_file_is_an_input_of_the_build_watched_and_kept_with_a_release(tmp_path):
    from report_build.publish.release import source_files

    path = write(
        tmp_path,
        {
            "report.md": "---\ntitle: T\n---\n\n# Ponds\n\n```{csv-table} Ponds\n:file: data/ponds.csv\n```\n",
            "data/ponds.csv": "Pond,Frogs\nNorth,12\n",
        },
    )
    doc = load(path, Diagnostics(strict=True, echo=False))
    assert "<td>North</td>" in doc.chapters[0].body
    assert (tmp_path / "data" / "ponds.csv").resolve() in [p.resolve() for p in source_files(doc)]


@pytest.mark.parametrize(
    ("name", "front", "listed"),
    [("report.md", "", False), ("report.qmd", "", True), ("report.md", "format: html\n", True)],
)
def test_fancy_lists_are_read_in_a_pandoc_document_only(tmp_path, name, front, listed):
    """GitHub reads ``a.`` lines as text; pandoc (Quarto, R Markdown) as a list numbered a, b, c."""
    path = write(tmp_path, {name: f"---\ntitle: T\n{front}---\n\n# One\n\na. Water.\nb. Soap.\n"})
    body = load(path, Diagnostics(echo=False)).chapters[0].body
    assert ('<ol type="a">' in body and "<li>Soap.</li>" in body) is listed
    assert ("<p>a. Water.\nb. Soap.</p>" in body) is not listed


def test_an_mdx_comment_over_several_lines_is_never_shown(tmp_path):
    path = write(
        tmp_path,
        {
            "report.mdx": "---\ntitle: T\n---\n\n# One\n\nBefore.\n\n{/*\nTODO: check the numbers.\n*/}\n\n"
            "Text {/* inline */} kept. {/* starts here\nand ends */} after.\n\nEnd.\n"
        },
    )
    text, diagnostics = body(path)
    assert "TODO" not in text and "/*" not in text and "starts here" not in text and "and ends" not in text
    assert [" ".join(p.split()) for p in re.findall(r"<p>(.*?)</p>", text, re.DOTALL)] == [
        "Before.",
        "Text kept. after.",
        "End.",
    ]
    assert not diagnostics.warnings


@pytest.mark.parametrize(("name", "captioned"), [("report.md", False), ("report.qmd", True), ("report.Rmd", True)])
def test_a_lone_images_text_is_its_caption_in_a_pandoc_document(tmp_path, name, captioned):
    """pandoc's implicit figures: ``![The wells](w.png)`` alone is a figure captioned "The wells"
    (``fig-alt`` its alt text); GitHub shows the image alone."""
    picture(tmp_path / "w.png")
    path = write(
        tmp_path,
        {name: '---\ntitle: T\n---\n\n# One\n\n![The wells](w.png)\n\n![Water points](w.png){fig-alt="A map"}\n'},
    )
    text, _diagnostics = body(path)
    captions = re.findall(r"<figcaption>.*?</span> (.*?)</figcaption>", text)
    assert captions == (["The wells", "Water points"] if captioned else [])
    assert 'alt="The wells"' in text and 'alt="A map"' in text


def test_a_link_without_text_shows_what_it_points_to(tmp_path):
    """MyST's ``[](#sec-data)`` and ``[](sec-data)``: the heading's text, the figure's or the
    table's label, as MyST shows them (a link with no text is no link a reader can follow)."""
    picture(tmp_path / "w.png")
    path = write(
        tmp_path,
        {
            "report.md": "---\ntitle: T\n---\n\n# One\n\n(sec-data)=\n## Data sources\n\n"
            "See [](#sec-data), [](sec-data), [](#fig-map), [](#tbl-x) and [named](#sec-data).\n\n"
            "![Map of wells](w.png){#fig-map}\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n: Counts {#tbl-x}\n"
        },
    )
    text, diagnostics = body(path)
    links = re.findall(r'<a href="(#[^"]+)">(.*?)</a>', text)
    assert links == [
        ("#sec-data", "Data sources"),
        ("#sec-data", "Data sources"),
        ("#fig-map", "Figure 1"),
        ("#tbl-x", "Table 1"),
        ("#sec-data", "named"),
    ]
    assert not diagnostics.warnings


@pytest.mark.parametrize(("name", "read"), [("report.Rmd", True), ("report.qmd", True), ("report.md", False)])
def test_inline_r_code_is_shown_as_code_with_a_warning_in_a_pandoc_document(tmp_path, name, read):
    """knitr prints the value of `` `r nrow(x)` ``; a build never runs R: the code, with a warning."""
    path = write(tmp_path, {name: "---\ntitle: T\n---\n\n# One\n\nWe have `r nrow(wells)` wells, `{python} len(x)`.\n"})
    text, diagnostics = body(path)
    codes = re.findall(r"<code>(.*?)</code>", text)
    assert codes == (["nrow(wells)", "len(x)"] if read else ["r nrow(wells)", "{python} len(x)"])
    assert [w.line for w in diagnostics.warnings if "never runs it" in w.message] == ([7, 7] if read else [])


def test_a_quarto_callout_in_a_list_item_stays_in_the_item(tmp_path):
    """``::: {.callout-tip}`` indented under an item (by four spaces, or two) is a callout inside
    it, as Quarto shows it: never raw ``:::``, and the list is not cut in two."""
    path = write(
        tmp_path,
        {
            "report.qmd": "---\ntitle: T\n---\n\n# One\n\n1. Install.\n\n"
            "    ::: {.callout-tip}\n    Use a venv.\n    :::\n\n"
            "2. Run it.\n\n- Item\n\n  ::: callout-note\n  A note.\n  :::\n\n- Next\n"
        },
    )
    text, diagnostics = body(path)
    assert ":::" not in text and text.count("<ol") == 1 and text.count("<ul") == 1
    root = lxml.html.fragment_fromstring(text, create_parent="div")
    assert [" ".join(li.xpath("string(.//aside//p[last()])").split()) for li in root.xpath("//li[.//aside]")] == [
        "Use a venv.",
        "A note.",
    ]
    assert root.xpath("//li[.//aside]/p[1]/text()") == ["Install.", "Item"]
    assert not diagnostics.warnings


@pytest.mark.parametrize(("name", "read"), [("report.Rmd", True), ("report.mdx", True), ("report.md", False)])
def test_markdown_in_an_html_block_is_read_in_pandoc_and_mdx_documents(tmp_path, name, read):
    """pandoc (``markdown_in_html_blocks``) and MDX read a ``<div>``'s text as Markdown; GitHub
    shows the block's first paragraph as written. Code-like indented HTML stays HTML."""
    path = write(
        tmp_path,
        {
            name: '---\ntitle: T\n---\n\n# One\n\n<div class="rmdtip">\n**Tip:** use `venv`.\n</div>\n\n'
            '<div class="x">One **line**</div>\n\n<div class="y">\n    <p>Indented HTML</p>\n</div>\n'
        },
    )
    text, diagnostics = body(path)
    assert ("<strong>Tip:</strong> use <code>venv</code>" in text) is read
    assert ("One <strong>line</strong>" in text) is read
    assert "<p>Indented HTML</p>" in text and "<pre>" not in text
    assert not diagnostics.warnings


def test_a_knitr_child_document_and_a_bookdown_block_are_text(tmp_path):
    """``{r, child="x.Rmd"}`` puts the child's text in place; ``{block2, type="rmdtip"}`` is a
    div of that class whose text is Markdown, as bookdown shows them (not empty code)."""
    path = write(
        tmp_path,
        {
            "report.Rmd": '---\ntitle: T\n---\n\n# One\n\n```{r, child="parts/child.Rmd"}\n```\n\n'
            '```{block2, type="rmdtip"}\nA **tip** for readers.\n```\n\nAfter.\n',
            "parts/child.Rmd": "Child **text** here.\n",
        },
    )
    text, diagnostics = body(path)
    assert "<p>Child <strong>text</strong> here.</p>" in text
    assert '<div class="rmdtip">\n<p>A <strong>tip</strong> for readers.</p>\n</div>' in text
    assert "<pre>" not in text and not diagnostics.warnings


def test_vitepress_code_marks_go_and_its_include_puts_text_in_place(tmp_path):
    path = write(
        tmp_path,
        {
            "report.md": "---\ntitle: T\n---\n\n# One\n\n```js\nconst a = 1 // [!code highlight]\n"
            "const b = 2 // [!code --]\n```\n\n<!--@include: ./parts/part.md-->\n",
            "parts/part.md": "Included **part**.\n",
        },
    )
    text, diagnostics = body(path)
    assert '<code class="language-js">const a = 1\nconst b = 2\n</code>' in text
    assert "<p>Included <strong>part</strong>.</p>" in text and not diagnostics.warnings


def test_what_review_found_in_the_other_tools_syntax(tmp_path):
    """Ordinary text and code the readings of other tools must leave alone: an MDX comment's
    opening shown in code, ':::' in code under a list item, "I. Newton" and "p. 12" in a pandoc
    document, indented code there; and a knitr child vector, a child not evaluated, VitePress's
    include from the manuscript's folder and one not found, a Hugo comment never closed."""
    path = write(
        tmp_path,
        {
            "a.md": "---\ntitle: T\n---\n\n# One\n\nMDX comments open with `{/*`.\n\nKept.\n\n"
            "```js\nconst x = {/* a */};\n```\n\n1. Write this:\n\n        ::: {.callout-note}\n        A note.\n"
            "        :::\n\n<!--@include: @/parts/b.md-->\n\n<!--@include: ./missing.md-->\n",
            "parts/b.md": "Included **b**.\n",
            "c.qmd": "---\ntitle: T\n---\n\n# One\n\nI. Newton wrote this.\n\np. 12 shows it.\n\n    a. code\n\n"
            '```{r, child=c("parts/d.Rmd", "parts/e.Rmd")}\n```\n\n```{r, child="parts/d.Rmd", eval=FALSE}\n```\n',
            "parts/d.Rmd": "Child **d**.\n",
            "parts/e.Rmd": "Child **e**.\n",
            "h.md": "---\ntitle: T\ndialects: [hugo]\n---\n\n# One\n\nText {{< comment >}} hidden\n",
        },
    )
    text, diagnostics = body(path)
    assert "<p>Kept.</p>" in text and "const x = {/* a */};" in text
    assert "::: {.callout-note}" in text and "admonition" not in text  # code in the item
    assert "<p>Included <strong>b</strong>.</p>" in text
    assert [w.message.split(":")[0] for w in diagnostics.warnings] == ["include './missing.md' left out"]
    text, _diagnostics = body(tmp_path / "c.qmd")
    assert "<p>I. Newton wrote this.</p>" in text and "<p>p. 12 shows it.</p>" in text
    assert "<pre><code>a. code\n</code></pre>" in text
    assert text.count("Child <strong>d</strong>.") == 1 and "Child <strong>e</strong>." in text
    text, diagnostics = body(tmp_path / "h.md")
    assert "</div>" not in text and "hidden" not in text


def test_an_empty_anchor_in_a_heading_and_a_mention_are_left_as_written(tmp_path):
    """GitHub's ``## <a href="#install"></a>Install`` keeps its empty anchor (no "InstallInstall");
    ``[docs](docs)`` is a link to a file, not to the heading "Docs"; ``[](eq2)`` names an
    equation by its number; ``@tip-top`` in a report with no numbered callout is a name."""
    path = write(
        tmp_path,
        {
            "report.md": '---\ntitle: T\n---\n\n# One\n\n## <a href="#install"></a>Install\n\n'
            "See [](#install) and [docs](docs).\n\n$$ a = b $$ (eq2)\n\nBy [](eq2) and {eq}`eq2`. "
            "Thanks to @tip-top.\n\n## Docs\n"
        },
    )
    text, diagnostics = body(path)
    assert '<h2 id="install"><a href="#install"></a>Install</h2>' in text
    assert re.findall(r'<a href="(#[^"]+)">(.*?)</a>', text) == [
        ("#install", ""),
        ("#install", "Install"),
        ("#eq2", "(1)"),
    ]
    assert "Thanks to @tip-top." in text
    assert [w.message.split(";")[0] for w in diagnostics.warnings] == ["link to 'docs' points outside the report"]


# -- code is shown as written, wherever CommonMark reads code --------------------------------

OTHER_TOOLS_CODE = {
    "hugo figure": '{{< figure src="pic.png" title="A" >}}',
    "hugo notice": "{{% notice tip %}}\nHello\n{{% /notice %}}",
    "hugo video": "{{< youtube abc >}}",
    "docusaurus": ":::tip Title\nA tip\n:::",
    "jekyll": '{% include note.html content="x" %}',
    "liquid comment": "{% comment %}\nhidden\n{% endcomment %}",
    "kramdown": "{: .note}\n{::comment}\nx\n{:/comment}",
    "gitbook": '{% hint style="info" %}\nHi\n{% endhint %}',
    "vuepress": "::: warning\nW\n:::",
    "vitepress": "<<< @/snippets/x.js",
    "myst": "```{note}\nN\n```",
    "obsidian": "![[Other note]] and %% hidden %% and ==mark==",
    "gitlab": "{+ added +} [- removed -]",
    "mdx": "import Tabs from '@theme/Tabs';\n<Tabs>\n<TabItem value=\"a\">A</TabItem>\n</Tabs>",
    "quarto": "::: {.callout-note}\nQ\n:::",
    "bookdown": "See \\@ref(fig:x) and (\\#eq:one)",
}


def _in(where: str, code: str) -> str:
    lines = code.split("\n")
    fence = "````" if "```" in code else "```"
    if where == "a fence in a quote":
        return "\n".join([f"> {fence}text", *(f"> {line}" for line in lines), f"> {fence}"]) + "\n"
    if where == "indented code in a list item":
        return "- Write:\n\n" + "".join(f"      {line}\n" for line in lines) + "\n- Then build.\n"
    if where == "indented code in a numbered item":
        return "1. Write:\n\n" + "".join(f"       {line}\n" for line in lines) + "\n2. Then build.\n"
    if where == "a fence opened on a list item's line":
        return f"- {fence}text\n" + "".join(f"  {line}\n" for line in lines) + f"  {fence}\n- Then build.\n"
    if where == "a fence opened on a quoted list item's line":
        return f"> 1. {fence}\n" + "".join(f">    {line}\n" for line in lines) + f">    {fence}\n"
    return "> - Write:\n>\n" + "".join(f">       {line}\n" for line in lines)  # in a quoted list item


@pytest.mark.parametrize(
    "where",
    [
        "a fence in a quote",
        "indented code in a list item",
        "indented code in a numbered item",
        "indented code in a quoted list item",
        "a fence opened on a list item's line",
        "a fence opened on a quoted list item's line",
    ],
)
def test_other_tools_syntax_in_code_is_shown_as_written(tmp_path, where):
    """A page that documents another tool shows its syntax in code: in a quote or in a list item
    too (a step's indented code), no dialect reads it. Each case alone, in its own document."""
    for number, (name, code) in enumerate(OTHER_TOOLS_CODE.items()):
        text = f"---\ntitle: T\n---\n\n# Code\n\nBefore.\n\n{_in(where, code)}\nAfter.\n"
        html, diagnostics = body(write(tmp_path / str(number), {"report.md": text}))
        shown = [pre.text_content() for pre in lxml.html.fragment_fromstring(html, create_parent="div").iter("pre")]
        assert shown == [code + "\n"], name
        assert not diagnostics.warnings, name


def test_indented_code_is_read_in_list_items_as_commonmark_reads_it():
    from report_build.source.text import indented_code_lines

    lines = [
        "- item",  # 0: its text starts at column 2
        "",
        "    continued",  # 2: two columns past the item's text: a paragraph of the item
        "",
        "      code",  # 4: four past it: code
        "      more",  # 5
        "",
        "  1. nested",  # 7: text at column 5
        "",
        "         nested code",  # 9
        "",
        "     lazy",  # 11: a paragraph of the nested item
        "",
        "    code outside?",  # 13: the nested item ends; two past the outer item's text
        "",
        "Paragraph.",  # 15: ends the list
        "",
        "    top-level code",  # 17
        "",
        "!!! note",  # 19: an admonition's content is never code
        "",
        "        deep",  # 21
        "",
        "10.  wide",  # 23: text at column 5
        "",
        "         code in it",  # 25
    ]
    assert indented_code_lines(lines) == {4, 5, 9, 17, 25}
    # an item that opens a list at once, and pandoc's markers ("p. 12" is text, "a)  " an item)
    assert indented_code_lines(["1. - Nested", "", "       a paragraph", "", "         code"]) == {4}
    assert indented_code_lines(["a)  An item.", "", "    Its second paragraph cites (@one)."]) == set()
    assert indented_code_lines(["p. 12 shows it.", "", "    code"]) == {2}


def test_a_myst_include_without_options_is_the_files_text_read_as_the_manuscript(tmp_path):
    """Jupyter Book's ``{include}`` of a whole file goes through the composition's include: its
    Markdown, and every dialect's syntax in it, are read as the manuscript's are."""
    path = write(
        tmp_path,
        {
            "book.md": "---\ntitle: T\n---\n\n# Book\n\n```{include} parts/intro.md\n```\n\nAfter.\n",
            "parts/intro.md": "Intro with a [[wiki link]] and:\n\n:::tip\nA Docusaurus tip.\n:::\n",
        },
    )
    html, _diagnostics = body(path)
    assert "<p>Intro with a wiki link and:</p>" in html and 'callout-title">Tip' in html and "<p>After.</p>" in html
    assert "{include}" not in html and ":::" not in html


def test_a_myst_include_of_part_of_a_file_reads_its_own_includes_and_never_loops(tmp_path):
    """A sliced include is read from the included file's folder; one that includes itself is
    left out with a warning, not read forever; ``:code:`` includes the file as code."""
    path = write(
        tmp_path,
        {
            "book.md": "---\ntitle: T\n---\n\n# Book\n\n```{include} sub/part.md\n:start-after: START\n```\n\n"
            "```{include} loop.md\n:start-line: 0\n```\n\n```{include} sub/script.py\n:code: python\n```\n",
            "sub/part.md": "Skipped.\nSTART\nKept.\n\n```{include} inner.md\n```\n",
            "sub/inner.md": "The inner file's **text**.\n",
            "sub/script.py": "# a comment\nx = 1\n",
            "loop.md": "Loop.\n\n```{include} loop.md\n:start-line: 0\n```\n",
        },
    )
    html, diagnostics = body(path)
    assert "<p>Kept.</p>" in html and "Skipped" not in html and "inner file’s <strong>text</strong>" in html
    assert html.count("<p>Loop.</p>") == 1
    assert '<code class="language-python"># a comment\nx = 1\n</code>' in html
    assert [w.message.split(":")[0] for w in diagnostics.warnings] == ["MyST include 'loop.md' left out"]
