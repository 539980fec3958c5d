"""Text between tildes (source/tildes.py): a subscript where it is attached to its word in every
document, struck through where it stands free as GitHub shows it, a subscript there too in a
document of the pandoc family; never in code, links or paths."""

from __future__ import annotations

import pytest

from conftest import read_chapters
from report_build import Diagnostics, load
from report_build.source.dialects.pandoc_markdown import PANDOC_KEYS, is_pandoc
from report_build.source.extensions import make_markdown
from report_build.source.metadata import SITE_KEYS
from report_build.source.tildes import is_subscript


def _html(text: str, pandoc: bool = False) -> str:
    md, _ = make_markdown(has_title=True, pandoc=pandoc)
    html = md.convert(text)
    return html.removeprefix('<section class="rb-chapter">').removesuffix("</section>").strip()


@pytest.mark.parametrize(
    ("text", "html"),
    [
        ("Water is H~2~O.", "<p>Water is H<sub>2</sub>O.</p>"),
        ("CO~2~ emissions fell.", "<p>CO<sub>2</sub> emissions fell.</p>"),
        ("x~i~ and x~i+1~, t~1/2~", "<p>x<sub>i</sub> and x<sub>i+1</sub>, t<sub>1/2</sub></p>"),
        ("(CH~3~)~2~O, C~6~H~12~", "<p>(CH<sub>3</sub>)<sub>2</sub>O, C<sub>6</sub>H<sub>12</sub></p>"),
        ("*x*~i~", "<p><em>x</em><sub>i</sub></p>"),
        ("~~Hi~~ Hello, ~there~ world!", "<p><del>Hi</del> Hello, <del>there</del> world!</p>"),  # GFM's own example
        ("a ~few words~ and a~b c~d", "<p>a <del>few words</del> and a<del>b c</del>d</p>"),
        ("~~CO~2~ levels~~", "<p><del>CO<sub>2</sub> levels</del></p>"),
        ("This will ~~~not~~~ strike; ~~a~ nor this", "<p>This will ~<del>not</del>~ strike; ~~a~ nor this</p>"),
        ("about ~5 km, ~10 km; ~5–~10", "<p>about ~5 km, ~10 km; ~5–~10</p>"),
        ("10~20度、30~40%", "<p>10~20度、30~40%</p>"),  # ranges: as written (GitHub strikes "20度、30")
        ("A~B类和C~D类", "<p>A<del>B类和C</del>D类</p>"),  # East Asian text inside: no subscript
        ("`H~2~O`, `~/.a`, ~/.config and ~/.b", "<p><code>H~2~O</code>, <code>~/.a</code>, ~/.config and ~/.b</p>"),
        (
            "https://example.org/~user/ and https://example.org/~a/~b/",
            '<p><a href="https://example.org/~user/">https://example.org/~user/</a> and '
            '<a href="https://example.org/~a/~b/">https://example.org/~a/~b/</a></p>',
        ),
        ("[home](https://example.org/~a/x~b~)", '<p><a href="https://example.org/~a/x~b~">home</a></p>'),
        ("H\\~2\\~O", "<p>H~2~O</p>"),
        ("10^th^ and H~2~O^+^", "<p>10<sup>th</sup> and H<sub>2</sub>O<sup>+</sup></p>"),
        ("x~2~^3^ and x^3^~2~", "<p>x<sub>2</sub><sup>3</sup> and x<sup>3</sup><sub>2</sub></p>"),  # no range
        # GitHub pairs a run of tildes only with a run of its length: none here, all as written
        ("~~x~ and ~x~~", "<p>~~x~ and ~x~~</p>"),
        ("~~x~ y~ and ~a ~b~~", "<p>~~x~ y~ and ~a ~b~~</p>"),
        ("a ~~~x~ y~~ and ~~a ~b~~~", "<p>a ~~~x~ y~~ and ~~a ~b~~~</p>"),
        ("CO~2~~~x~~ and ~~a~~~b~", "<p>CO~2~~~x~~ and ~~a~~~b~</p>"),
    ],
)
def test_tildes_in_a_document_written_for_github(text, html):
    assert _html(text) == html


@pytest.mark.parametrize(
    ("text", "html"),
    [
        ("Water is H~2~O; ~n~ stands free.", "<p>Water is H<sub>2</sub>O; <sub>n</sub> stands free.</p>"),
        ("~~struck~~ and ~a\\ b~", "<p><del>struck</del> and <sub>a b</sub></p>"),  # pandoc's escaped space
        ("~a few words~ and ~/.config", "<p>~a few words~ and ~/.config</p>"),  # white space inside: no subscript
    ],
)
def test_tildes_in_a_document_of_the_pandoc_family(text, html):
    assert _html(text, pandoc=True) == html


@pytest.mark.parametrize(
    ("before", "inside", "after", "expected"),
    [
        ("H", "2", "O", True),
        (")", "2", "", True),
        (" ", "2", "O", True),
        (" ", "there", " ", False),
        ("", "x", "", False),
        ("H", "2 x", "", False),
        ("0", "20度、30", "4", False),
        ("0", "20", "3", False),  # 10~20~30: a range
        ("_", "x", " ", False),
    ],
)
def test_is_subscript(before, inside, after, expected):
    assert is_subscript(before, inside, after) is expected


@pytest.mark.parametrize(
    ("name", "front", "expected"),
    [
        ("report.md", {"title": "T"}, False),
        ("book.Rmd", {}, True),
        ("paper.qmd", {}, True),
        ("paper.md", {"format": "html"}, True),
        ("paper.md", {"output": "bookdown::pdf_book"}, True),
        ("paper.md", {"dialects": ["bookdown"]}, True),
        ("paper.md", {"dialects": "mkdocs, bookdown"}, True),
        ("paper.md", {"dialects": ["mkdocs"]}, False),
    ],
)
def test_what_makes_a_document_of_the_pandoc_family(tmp_path, name, front, expected):
    assert is_pandoc(tmp_path / name, front) is expected


def test_the_pandoc_familys_keys_are_those_the_front_matter_check_names_for_quarto_and_r_markdown():
    assert {*SITE_KEYS["Quarto or R Markdown"], *SITE_KEYS["R Markdown"]} == PANDOC_KEYS


def test_a_quarto_document_reads_free_tildes_as_pandoc_does_unless_its_bookdown_dialect_is_off(tmp_path):
    def body(front: str) -> str:
        manuscript = tmp_path / "paper.md"
        manuscript.write_text(f"---\ntitle: T\n{front}---\n\n# One\n\n~n~ and H~2~O\n", encoding="utf-8")
        return load(manuscript, Diagnostics(echo=False)).chapters[0].body

    assert "<sub>n</sub> and H<sub>2</sub>O" in body("format: html\n")
    assert "<del>n</del> and H<sub>2</sub>O" in body("format: html\ndialects: [mkdocs]\n")
    assert "<del>n</del> and H<sub>2</sub>O" in body("")


def test_subscripts_reach_headings_ids_tables_and_alt_text(tmp_path):
    root, diagnostics = read_chapters(
        tmp_path,
        "## CO~2~ levels\n\nSee [the levels](#co2-levels).\n\n| gas | share |\n| --- | --- |\n| CH~4~ | 10 % |\n",
    )
    (heading,) = root.xpath("//h2")
    assert heading.get("id") == "co2-levels" and heading.text_content() == "CO2 levels"
    assert root.xpath("//h2/sub/text()") == ["2"] and root.xpath("//td/sub/text()") == ["4"]
    assert 'alt="The H2O cycle, ~/x"' in _html("![The H~2~O cycle, ~/x](cycle.png)")
    assert not [w for w in diagnostics.warnings if "co2-levels" in w.message]


def test_no_tilde_pair_is_left_for_the_writers(tmp_path):
    """The element a pair first makes is always settled, whatever the nesting."""
    root, _ = read_chapters(tmp_path, "~a ~~b~ c~ and ~~~x~~~ and **~y~** and [~z~](#one)\n")
    assert not [e for e in root.iter() if isinstance(e.tag, str) and e.tag.startswith("report-build")]
