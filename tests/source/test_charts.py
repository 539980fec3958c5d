"""Charts from data, read into the model: specs, data files, data tables, alt text, faults, and
variables taken from data cells (in memory: vl-convert draws the SVG, nothing is laid out)."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from lxml import etree

from conftest import FIXTURES, MANUSCRIPT
from report_build import Diagnostics, ManuscriptError
from report_build.charts import contrast, light_marks, parse_colour
from report_build.errors import ReportBuildError, StrictModeError
from report_build.publish.release import source_fingerprint
from report_build.source.parse import load

CHARTS = FIXTURES / "charts"
SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def document():
    return load(CHARTS / "report.md", Diagnostics(strict=True, echo=False))


def copy_fixture(tmp_path: Path) -> Path:
    folder = tmp_path / "charts"
    shutil.copytree(CHARTS, folder)
    return folder / "report.md"


def svg_of(doc, figure) -> bytes:
    (image,) = [image for image in doc.images if image.src == figure.src]
    return image.data


def svg_texts(data: bytes) -> list[str]:
    return ["".join(t.itertext()).strip() for t in etree.fromstring(data).iter(f"{SVG}text")]


def test_each_spec_is_a_numbered_figure_with_an_svg_image(document):
    figures = {figure.id: figure for figure in document.figures}
    assert [f.number for f in document.figures] == [1, 2, 3, 4, 5, 6, 7]
    for ident in ("fig-bar-csv", "fig-bar-inline", "fig-line-csv", "fig-line-inline", "fig-layered-csv"):
        figure = figures[ident]
        assert figure.src.endswith(".chart.svg") and figure.data is not None
        data = svg_of(document, figure)
        root = etree.fromstring(data)
        assert root.tag == f"{SVG}svg"
        assert not root.xpath("//*[local-name()='image']"), "a chart is vector, never a raster inside the SVG"
        assert b"<text" in data, "labels stay text"
    body = "".join(chapter.body for chapter in document.chapters)
    assert 'href="#fig-bar-csv">Figure\u00a01</a>' in body
    assert 'href="#fig-layered-inline">Figure\u00a06</a>' in body


def test_axis_titles_and_the_layout_type_are_in_the_svg(document):
    figure = next(f for f in document.figures if f.id == "fig-line-csv")
    data = svg_of(document, figure)
    texts = svg_texts(data)
    assert "Month of rainfall" in texts and "Rainfall in millimetres" in texts
    assert b'font-family="RB Sans, Inter, sans-serif"' in data  # the layout's face, then the font's name


def test_data_table_follows_each_chart(document):
    body = document.chapters[0].body
    for number in range(1, 7):
        assert f"<summary>Data for Figure {number}</summary>" in body
    figure = next(f for f in document.figures if f.id == "fig-bar-csv")
    assert figure.data.columns == ("Month of storage", "Cubic metres stored")
    assert figure.data.rows == (("Dec 2019", "300,000"), ("Jan 2020", "500,000"), ("Feb 2020", "800,000"))
    assert figure.data.numeric == (False, True)
    # a chart's data table is not a numbered table and not in the list of tables
    assert [t.id for t in document.tables] == ["tbl-stored"]
    assert "Table 2" not in body


def test_download_is_the_data_file_or_the_inline_values_as_csv(document):
    by_src = {a.src: a for a in document.attachments}
    stored = by_src["data/stored.csv"]  # the file, with the bytes the build read (it is opened once)
    assert stored.path.is_file() and stored.data == stored.path.read_bytes()
    inline = by_src["charts/bar-inline.data.csv"]
    assert inline.data == b"month,stored\n2019-12,300000\n2020-01,500000\n2020-02,800000\n"
    assert 'class="download" href="charts/bar-inline.data.csv"' in document.chapters[0].body


def test_alt_text_for_each_chart_type(document):
    alt = {f.id: f.alt for f in document.figures}
    assert alt["fig-bar-csv"] == (
        "Bar chart: Cubic metres stored by Month of storage. Month of storage from Dec 2019 to Feb 2020. "
        "Cubic metres stored from 300,000 to 800,000. Highest: Feb 2020, 800,000. Lowest: Dec 2019, 300,000."
    )
    assert alt["fig-line-inline"].startswith("Line chart: Rainfall in millimetres by Month of rainfall.")
    assert "Highest: Jan 2020, 63. Lowest: Feb 2020, 28." in alt["fig-line-inline"]
    assert alt["fig-layered-csv"].startswith("Chart combining a line and points: Volume stored by Month of record.")
    assert alt["fig-author"] == "A chart described by its author."  # the author's alt wins
    body = document.chapters[0].body
    assert 'alt="Bar chart: Cubic metres stored' in body


def test_alt_text_in_french_and_arabic(tmp_path):
    manuscript = copy_fixture(tmp_path)
    for language, expected in (
        ("fr", "Diagramme en barres : Cubic metres stored selon Month of storage."),
        ("ar", "مخطط شريطي يبيّن Cubic metres stored حسب Month of storage."),
    ):
        text = (CHARTS / "report.md").read_text(encoding="utf-8").replace("language: en-GB", f"language: {language}")
        manuscript.write_text(text, encoding="utf-8")
        doc = load(manuscript, Diagnostics(echo=False))
        alt = next(f.alt for f in doc.figures if f.id == "fig-bar-csv")
        assert alt.startswith(expected), alt
        if language == "fr":
            assert "300\u202f000" in alt and "Données de la figure 1" in doc.chapters[0].body


def test_a_data_cell_is_the_same_in_the_text_the_table_and_the_chart(document):
    body = document.chapters[0].body
    assert "The reservoir held 800,000 cubic metres" in body
    assert re.search(r'<td class="align-right">800,000</td>', body)  # the manuscript's table
    chart_table = body.split("<summary>Data for Figure 5</summary>")[1].split("</details>")[0]
    assert '<td class="align-right">800,000</td></tr>' in chart_table  # the chart's data table
    layered = next(f for f in document.figures if f.id == "fig-layered-csv")
    assert "800,000" in svg_texts(svg_of(document, layered))  # the chart's own label


def test_french_numbers_are_the_same_in_text_and_chart(tmp_path):
    manuscript = copy_fixture(tmp_path)
    text = manuscript.read_text(encoding="utf-8").replace("language: en-GB", "language: fr")
    manuscript.write_text(text, encoding="utf-8")
    doc = load(manuscript, Diagnostics(echo=False))
    assert "The reservoir held 800\u202f000 cubic metres" in doc.chapters[0].body
    layered = next(f for f in doc.figures if f.id == "fig-layered-csv")
    assert "800\u202f000" in svg_texts(svg_of(doc, layered))


FAULTS = {
    "bad spec": (
        "charts/bar-csv.vl.json",
        '{"data": {"url": "../data/stored.csv"},\n  "mark": "bar", "transform": [{"filter": "datum.stored >"}]\n}\n',
    ),
    "unknown mark": ("charts/bar-csv.vl.json", '{"data": {"url": "../data/stored.csv"},\n  "mark": "bra"\n}\n'),
    "not JSON": ("charts/bar-csv.vl.json", '{"data": {"url": "../data/stored.csv"},\n  "mark": "bar",,\n}\n'),
    "missing data": ("data/stored.csv", None),
    "malformed data": ("data/rain.csv", "month,rain_mm\n2019-12,41\n2020-01,63,7\n"),
    "unknown column": ("charts/line-csv.vl.json", None),
    "network data": ("charts/line-inline.vl.json", None),
}


def _break(manuscript: Path, fault: str) -> None:
    folder = manuscript.parent
    name, text = FAULTS[fault]
    if fault == "missing data":
        (folder / name).unlink()
        variables = folder / "variables.yaml"
        variables.write_text("stored:\n  february: '800,000'\n", encoding="utf-8")
    elif fault == "unknown column":
        spec = folder / name
        spec.write_text(spec.read_text(encoding="utf-8").replace('"field": "rain_mm"', '"field": "rainfall"'))
    elif fault == "network data":
        spec = folder / name
        spec.write_text('{\n  "data": {"url": "https://example.org/rain.csv"},\n  "mark": "line"\n}\n')
    else:
        (folder / name).write_text(text, encoding="utf-8")


@pytest.mark.parametrize(
    ("fault", "where", "words"),
    [
        ("bad spec", ("bar-csv.vl.json", 2), "not valid Vega-Lite"),
        ("unknown mark", ("bar-csv.vl.json", 2), "'bra' is not a Vega-Lite mark: did you mean 'bar'?"),
        ("not JSON", ("bar-csv.vl.json", 2), "not valid JSON"),
        ("missing data", ("bar-csv.vl.json", 2), "not found"),
        ("malformed data", ("rain.csv", 3), "row has 3 cells but the header names 2 columns"),
        ("unknown column", ("line-csv.vl.json", 6), "field 'rainfall' is not a column of rain.csv"),
        ("network data", ("line-inline.vl.json", 2), "builds never use the network"),
    ],
)
def test_a_chart_fault_is_a_draft_warning_and_a_strict_error_at_file_and_line(tmp_path, fault, where, words):
    manuscript = copy_fixture(tmp_path)
    _break(manuscript, fault)
    diagnostics = Diagnostics(echo=False)
    doc = load(manuscript, diagnostics)
    found = [w for w in diagnostics.warnings if "chart not drawn" in w.message]
    assert found, diagnostics.warnings
    assert (found[0].path.name, found[0].line) == where, found[0]
    assert words in found[0].message
    # the placeholder keeps the figure: numbered, captioned, reachable, saying what is missing
    assert [f.number for f in doc.figures] == [1, 2, 3, 4, 5, 6, 7]
    placeholders = [i.data for i in doc.images if b"Chart not drawn" in (i.data or b"")]
    assert placeholders and all(b"Water stored" in p or b"Rainfall" in p for p in placeholders)
    with pytest.raises(StrictModeError) as caught:
        load(manuscript, Diagnostics(strict=True, echo=False))
    assert (caught.value.path.name, caught.value.line) == where
    assert words in caught.value.message


@pytest.mark.parametrize(
    ("row", "words"),
    [
        ("2020-01,sixty", "the cell 'sixty' of column 'rain_mm' is not a number: the chart leaves the point out"),
        ("2020-01,NA", ""),  # what R writes for a missing value: a gap, as an empty cell is
        ("2020-01,n/a", ""),
        ("2020-01,63%", "the cell '63%' of column 'rain_mm' is not a number"),
        ("2020-13,63", "the cell '2020-13' of column 'month' is not a date"),
        ("2020-01,", ""),  # an empty cell is a gap
    ],
)
def test_a_cell_the_chart_cannot_place_is_a_warning_at_its_line(tmp_path, row, words):
    """Vega-Lite leaves out a point whose value is not a number and puts a date that is no date
    anywhere, without a word: the build says so at the row's line, as a draft warning and a
    strict error."""
    manuscript = copy_fixture(tmp_path)
    data = manuscript.parent / "data" / "rain.csv"
    data.write_text(data.read_text(encoding="utf-8").replace("2020-01,63", row), encoding="utf-8")
    diagnostics = Diagnostics(echo=False)
    doc = load(manuscript, diagnostics)
    found = [w for w in diagnostics.warnings if "chart data" in w.message]
    assert len(doc.figures) == 7 and not [i for i in doc.images if b"Chart not drawn" in (i.data or b"")]
    if not words:
        assert found == []
        return
    assert found and all((w.path, w.line) == (data, 3) and words in w.message for w in found), found
    with pytest.raises(StrictModeError, match=re.escape(words)):
        load(manuscript, Diagnostics(strict=True, echo=False))


def test_a_missing_spec_is_reported_at_the_manuscript_line(tmp_path):
    manuscript = copy_fixture(tmp_path)
    (manuscript.parent / "charts" / "line-csv.vl.json").unlink()
    diagnostics = Diagnostics(echo=False)
    load(manuscript, diagnostics)
    (warning,) = [w for w in diagnostics.warnings if "chart not drawn" in w.message]
    assert (warning.path.name, warning.line) == ("report.md", 15)
    assert "line-csv.vl.json" in warning.message and "not found" in warning.message


def test_data_outside_the_manuscript_folder_is_refused(tmp_path):
    manuscript = copy_fixture(tmp_path)
    (tmp_path / "secret.csv").write_text("month,stored\n2020-01,1\n", encoding="utf-8")
    spec = manuscript.parent / "charts" / "bar-csv.vl.json"
    spec.write_text(spec.read_text(encoding="utf-8").replace("../data/stored.csv", "../../secret.csv"))
    with pytest.raises(StrictModeError) as caught:
        load(manuscript, Diagnostics(strict=True, echo=False))
    assert "outside the manuscript" in caught.value.message and caught.value.path.name == "bar-csv.vl.json"


def test_light_mark_colours_are_a_warning_for_print(tmp_path):
    manuscript = copy_fixture(tmp_path)
    spec = manuscript.parent / "charts" / "bar-csv.vl.json"
    spec.write_text(
        spec.read_text(encoding="utf-8").replace('"mark": "bar"', '"mark": {"type": "bar", "color": "#eeca3b"}')
    )
    diagnostics = Diagnostics(echo=False)
    load(manuscript, diagnostics)
    (warning,) = [w for w in diagnostics.warnings if "contrast" in w.message]
    assert "#eeca3b" in warning.message and "1.6:1" in warning.message and warning.path.name == "bar-csv.vl.json"
    assert warning.line == 3


def test_contrast_and_light_marks():
    assert round(contrast(parse_colour("#767676"), parse_colour("white")), 1) == 4.5
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg"><g class="mark-rect role-mark"><path fill="#d9d9d9"/>'
        '<path fill="#A8221B"/></g><g class="mark-rule role-axis-grid"><line stroke="#eeeeee"/></g></svg>'
    )
    assert [colour for colour, _ in light_marks(svg)] == ["#d9d9d9"]  # grid lines are not marks


def test_specs_and_data_files_are_inputs_of_the_fingerprint(tmp_path):
    manuscript = copy_fixture(tmp_path)
    doc = load(manuscript, Diagnostics(echo=False))
    names = {path.name for path in doc.inputs}
    assert {"bar-csv.vl.json", "bar-inline.vl.yaml", "stored.csv", "rain.csv", "variables.yaml"} <= names
    before = source_fingerprint(doc)
    data = manuscript.parent / "data" / "rain.csv"
    data.write_text(data.read_text(encoding="utf-8").replace("63", "64"), encoding="utf-8")
    assert source_fingerprint(load(manuscript, Diagnostics(echo=False))) != before


# -- variables from data cells ---------------------------------------------------------------------


def _variables(tmp_path: Path, variables: str, language: str = "en-GB") -> Path:
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "d.csv").write_text("month,displaced\n2020-01,700000\n2020-02,800000\n", encoding="utf-8")
    (tmp_path / "variables.yaml").write_text(variables, encoding="utf-8")
    manuscript = tmp_path / "report.md"
    manuscript.write_text(f"---\ntitle: T\nlanguage: {language}\n---\n# One\n\nN: {{{{< var n >}}}}.\n")
    return manuscript


@pytest.mark.parametrize(
    ("language", "shown"),
    [("en-GB", "800,000"), ("fr", "800\u202f000"), ("de", "800.000"), ("ar", "800,000"), ("ar-SY", "٨٠٠٬٠٠٠")],
)
def test_a_data_cell_is_written_as_the_language_writes_numbers(tmp_path, language, shown):
    variables = 'n: {data: data/d.csv, row: {month: "2020-02"}, column: displaced}\n'
    doc = load(_variables(tmp_path, variables, language), Diagnostics(echo=False))
    text = re.sub(r"<[^>]+>", "", doc.chapters[0].body)  # right to left, Latin runs are isolated in spans
    assert f"N: {shown}." in text


@pytest.mark.parametrize(
    ("format_", "shown"), [('"#,##0.0"', "800,000.0"), ("compact", "800 thousand"), ('"as written"', "800000")]
)
def test_a_data_cell_takes_a_format(tmp_path, format_, shown):
    variables = f'n: {{data: data/d.csv, row: {{month: "2020-02"}}, column: displaced, format: {format_}}}\n'
    doc = load(_variables(tmp_path, variables), Diagnostics(echo=False))
    assert f"N: {shown}." in doc.chapters[0].body


@pytest.mark.parametrize(
    ("variables", "words"),
    [
        ('x: 1\nn: {data: data/d.csv, row: {month: "2020-02"}, column: people}\n', "has no column 'people'"),
        (
            'x: 1\nn: {data: data/d.csv, row: {month: "2021-02"}, column: displaced}\n',
            "has no row with month = 2021-02",
        ),
        ('x: 1\nn: {data: data/d.csv, row: {day: "2"}, column: displaced}\n', "has no column 'day'"),
        ('x: 1\nn: {data: data/nope.csv, row: {month: "2020-02"}, column: displaced}\n', "not found"),
    ],
)
def test_an_unknown_row_or_column_is_an_error_at_its_line_in_variables_yaml(tmp_path, variables, words):
    manuscript = _variables(tmp_path, variables)
    with pytest.raises(ManuscriptError) as caught:
        load(manuscript, Diagnostics(echo=False))
    assert (caught.value.path.name, caught.value.line) == ("variables.yaml", 2)
    assert words in caught.value.message and "variable 'n'" in caught.value.message


def test_a_malformed_data_file_for_a_variable_is_an_error_at_its_own_line(tmp_path):
    manuscript = _variables(tmp_path, 'n: {data: data/d.csv, row: {month: "2020-02"}, column: displaced}\n')
    (tmp_path / "data" / "d.csv").write_text('month,displaced\n"2020-01,700000\n', encoding="utf-8")
    with pytest.raises(ReportBuildError) as caught:
        load(manuscript, Diagnostics(echo=False))
    assert caught.value.path.name == "d.csv"


def test_the_sample_report_takes_its_figures_from_its_data(tmp_path):
    doc = load(MANUSCRIPT, Diagnostics(echo=False))
    body = "".join(chapter.body for chapter in doc.chapters)
    assert "had displaced 800,000 people" in body and "nearly 3.5 million people" in body
    people = next(f for f in doc.figures if f.id == "fig-people")
    assert people.data.rows == (("Living in Idlib", "3,500,000"), ("Displaced since December 2019", "800,000"))
    assert "800,000" in svg_texts(svg_of(doc, people)) and "3,500,000" in svg_texts(svg_of(doc, people))
    assert {"idlib-2020.csv", "releases.csv", "idlib-people-2020.vl.json"} <= {p.name for p in doc.inputs}


def test_diff_shows_the_data_points_that_changed(tmp_path):
    from report_build.publish.diff import diff

    old = copy_fixture(tmp_path / "old")
    new = copy_fixture(tmp_path / "new")
    data = new.parent / "data" / "stored.csv"
    data.write_text(
        data.read_text(encoding="utf-8").replace("2020-02,800000", "2020-02,900000") + "2020-03,950000\n",
        encoding="utf-8",
    )
    page = diff(str(old), str(new), fmt="html", diagnostics=Diagnostics(echo=False)).decode()
    assert "Data changed</span> Figure 1: Water stored by month, from a CSV file" in page
    assert "<li>Feb 2020: 800,000 → 900,000</li>" in page
    assert "<li>Mar 2020: added, 950,000</li>" in page
    assert "Figure 2:" not in page  # inline values did not change
    # the text that takes the same cell changed too, and shows as a changed passage
    assert "<del>800,000</del>" in page and "<ins>900,000</ins>" in page


def test_makefile_and_watch_notice_specs_and_data():
    """`make pdf` is a no-op only when no input changed: the Makefile's INPUTS list the chart
    specs and data files; `watch` rebuilds when one of them is saved."""
    import subprocess

    from conftest import ROOT
    from report_build.watch import relevant, watched_folders

    shown = subprocess.run(
        ["make", "-s", "--no-print-directory", "-f", "Makefile", "-f", "-", "show-inputs"],
        input="show-inputs:\n\t@echo $(INPUTS)\n",
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    ).stdout.split()
    # relative before a first build, absolute from the list a build wrote (--depfile)
    inputs = {(ROOT / name).resolve() for name in shown}
    for name in (
        "manuscript/data/idlib-2020.csv",
        "manuscript/charts/idlib-people-2020.vl.json",
        "layouts/charts/config.yaml",
    ):
        assert (ROOT / name).resolve() in inputs, name
    data = MANUSCRIPT.parent / "data" / "releases.csv"
    assert any(data.resolve().is_relative_to(folder) for folder in watched_folders(MANUSCRIPT))
    assert relevant([str(data)], ROOT / "output") == [str(data)]


def test_svg_labels_are_laid_out_as_whole_strings_in_the_pdf():
    """WeasyPrint draws SVG text a character at a time; the PDF writer's correction lays a label
    without per-character positions out as one string (Arabic joins; tests/test_arabic.py reads
    the chart's labels back). If WeasyPrint changes, review writers/pdf/svgtext.py."""
    from report_build.writers.pdf import svgtext

    assert svgtext.APPLIED


def test_a_csv_separated_by_semicolons_is_named_as_such():
    """A spreadsheet saved in a French or German locale separates cells with ';' and writes
    decimal commas: the error says so, rather than only counting cells."""
    from report_build.source import datafiles

    with pytest.raises(datafiles.DataError) as caught:
        datafiles.parse("quarter;share\n2024-01;0,38\n", "csv", Path("coverage.csv"))
    assert caught.value.line == 2 and "separates its cells with ';'" in caught.value.message
    with pytest.raises(datafiles.DataError) as caught:  # a plain miscount says nothing of the kind
        datafiles.parse("quarter,share\n2024-01,0,38\n", "csv", Path("coverage.csv"))
    assert "';'" not in caught.value.message


def test_the_alt_text_reads_values_as_the_axes_show_them(tmp_path):
    """A share the axis formats as a percentage ("%") is "30%" in the alt text, not "0.3"; dates
    grouped by quarter read "2024 Q1", as the axis labels them, and in French "30 %"."""
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "share.csv").write_text("quarter,share\n2024-01-01,0.3\n2024-04-01,0.45\n2024-10-01,0.725\n")
    spec = {
        "data": {"url": "data/share.csv"},
        "mark": "line",
        "encoding": {
            "x": {"field": "quarter", "type": "temporal", "timeUnit": "yearquarter", "title": "Quarter"},
            "y": {"field": "share", "type": "quantitative", "title": "Share", "axis": {"format": ".1%"}},
        },
    }
    (tmp_path / "share.vl.json").write_text(json.dumps(spec))
    alts = {}
    for language in ("en", "fr"):
        manuscript = tmp_path / f"{language}.md"
        manuscript.write_text(f"---\ntitle: T\nlanguage: {language}\n---\n# One\n\n![Share](share.vl.json)\n")
        alts[language] = load(manuscript, Diagnostics(strict=True, echo=False)).figures[0].alt
    assert "Quarter from 2024 Q1 to 2024 Q4. Share from 30.0% to 72.5%." in alts["en"]
    assert "Highest: 2024 Q4, 72.5%. Lowest: 2024 Q1, 30.0%." in alts["en"]
    assert "72,5\u00a0%" in alts["fr"] or "72,5\u202f%" in alts["fr"]


def test_field_types_are_taken_as_vega_lite_takes_them():
    """Vega-Lite reads a field type in any case and by its initial ("Q", "n"); a mark only as
    written. The check refuses what Vega-Lite refuses, and only that."""
    from report_build.source.passes.charts import ChartFaultError, check_words

    for field_type in ("Q", "n", "Quantitative", "temporal"):
        check_words({"mark": "bar", "encoding": {"x": {"field": "a", "type": field_type}}}, Path("c.vl.json"), "")
    with pytest.raises(ChartFaultError, match="'quantitive' is not a Vega-Lite field type: did you mean"):
        check_words({"mark": "bar", "encoding": {"x": {"field": "a", "type": "quantitive"}}}, Path("c.vl.json"), "")
    with pytest.raises(ChartFaultError, match="'Line' is not a Vega-Lite mark: did you mean 'line'"):
        check_words({"mark": "Line"}, Path("c.vl.json"), "")


def test_a_percentage_keeps_its_decimals_where_the_sign_comes_first():
    from report_build.source import datafiles

    assert datafiles.format_percent(0.725, "tr", 1) == "%72,5"
    assert datafiles.format_percent(0.725, "en", 1) == "72.5%"
