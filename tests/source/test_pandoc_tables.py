"""pandoc's tables without pipes (source/pandoc_tables.py): simple, multiline and grid tables
read as tables, and text that only looks like them left alone."""

from __future__ import annotations

from conftest import read_chapters
from report_build.source.pandoc_tables import rewrite

SIMPLE = """\
  Right     Left     Center     Default
-------     ------ ----------   -------
     12     12        12            12
    123     123       123          123
"""

MULTILINE = """\
-------------------------------------------
 Sample    Depth (m) Notes
---------- --------- ----------------------
 OF-1          120   Collected in storm,
                     partially thawed.

 HF-2          800   Intact core.
-------------------------------------------

: Samples {#tbl-samples}
"""

GRID = """\
+---------------+---------------+
| Fruit         | Price         |
+===============+==============:+
| Bananas       | $1.34         |
| (ripe)        |               |
+---------------+---------------+
| Oranges       | $2.10         |
+---------------+---------------+
"""


SPANNED = """\
+----------+----------+----------+
| Site     | Month               |
|          +----------+----------+
|          | May      | June     |
+:=========+=========:+:========:+
| North    | **12**   | 30       |
+----------+----------+          +
| South    | 4        |          |
+----------+----------+----------+

: Visits by site {#tbl-visits}
"""


def rows(root) -> list[list[str]]:
    return [[cell.text_content() for cell in row] for row in root.iter("tr")]


def test_a_simple_table_with_its_alignments(tmp_path):
    root, diagnostics = read_chapters(tmp_path, SIMPLE)
    assert rows(root) == [["Right", "Left", "Center", "Default"], ["12"] * 4, ["123"] * 4]
    assert [cell.get("class") for cell in root.iter("th")] == ["align-right", "align-left", "align-center", None]
    assert not diagnostics.warnings


def test_a_multiline_table_joins_each_cells_lines_and_makes_no_heading(tmp_path):
    """Its last row above the closing dashes was a setext heading, listed in the contents."""
    root, _ = read_chapters(tmp_path, MULTILINE + "\nSee @tbl-samples.\n")
    assert rows(root) == [
        ["Sample", "Depth (m)", "Notes"],
        ["OF-1", "120", "Collected in storm, partially thawed."],
        ["HF-2", "800", "Intact core."],
    ]
    assert root.find(".//h2") is None and root.find(".//table").get("id") == "tbl-samples"
    assert root.xpath("string(//a[@href='#tbl-samples'])") == "Table\u00a01"


def test_a_grid_table_joins_each_cells_lines(tmp_path):
    root, _ = read_chapters(tmp_path, GRID)
    assert rows(root) == [["Fruit", "Price"], ["Bananas (ripe)", "$1.34"], ["Oranges", "$2.10"]]
    assert [cell.get("class") for cell in root.iter("th")] == [None, "align-right"]


def test_a_grid_table_whose_cells_span_columns_and_rows_is_a_table_with_spans(tmp_path):
    """As pandoc 3 writes a Word table with merged cells: it was left as written, its borders
    and bars in the text."""
    root, diagnostics = read_chapters(tmp_path, SPANNED + "\nSee @tbl-visits.\n")
    assert rows(root) == [["Site", "Month"], ["May", "June"], ["North", "12", "30"], ["South", "4"]]
    cells = [(c.tag, c.get("colspan"), c.get("rowspan"), c.get("class")) for c in root.iter("th", "td")]
    assert cells[:2] == [("th", None, "2", "align-left"), ("th", "2", None, "align-right")]
    assert cells[4] == ("td", None, None, "align-left") and cells[6] == ("td", None, "2", "align-center")
    assert root.find(".//td/strong") is not None and root.find(".//table").get("id") == "tbl-visits"
    assert root.xpath("string(//a[@href='#tbl-visits'])") == "Table\u00a01" and not diagnostics.warnings
    assert "+---" not in root.text_content()


def test_a_grid_whose_borders_do_not_close_its_cells_is_left_as_written():
    broken = ["+----+----+", "| a  | b  |", "+----+    +", "| c    d  |", "+----+----+"]
    assert rewrite(broken) == broken


def test_text_that_only_looks_like_a_table_is_left_as_written():
    text = [
        "A heading",
        "-------",
        "",
        "```",
        "-----  -----",
        "```",
        "",
        "+---+---+",
        "| spans |",  # one cell across two columns, and nothing else: a box, no table
        "+---+---+",
        "",
        "words above",
        "----  ----",
    ]
    assert rewrite(text) == text


def test_a_multiline_table_never_reaches_past_a_heading_and_art_in_pre_is_no_table():
    """Found in review: a closing line of dashes two chapters on took the chapter between as
    rows; box drawings in <pre> and comments, as READMEs have them, became tables."""
    crossing = ["-----", "Name  Age", "----  ---", "Bob   3", "", "# B", "", "Text.", "", "-----", "", "# C"]
    assert rewrite(crossing) == crossing
    art = ["<pre>", "+-------+-------+", "| input | model |", "+-------+-------+", "</pre>"]
    assert rewrite(art) == art
    commented = ["<!--", "+---+---+", "| a | b |", "+---+---+", "-->"]
    assert rewrite(commented) == commented


def test_a_table_in_a_list_item_stays_in_it(tmp_path):
    grid = ["  +-----+-----+", "  | a   | b   |", "  +=====+=====+", "  | 1   | 2   |", "  +-----+-----+"]
    root, _ = read_chapters(tmp_path, "\n".join(["- Item:", "", *grid, ""]))
    assert root.find(".//li//table") is not None


def test_a_table_keeps_its_line_count():
    for table in (SIMPLE, MULTILINE, GRID, SPANNED):
        lines = table.split("\n")
        assert len(rewrite(lines)) == len(lines)
