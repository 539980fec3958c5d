"""Charts in every edition: a bar, a line and a layered chart, each from a CSV file and from
inline values (tests/fixtures/charts), built once as PDF, ePub and site."""

from __future__ import annotations

import io
import re
import zipfile

import pikepdf
import pytest

from conftest import FIXTURES, pdf_pages
from epubcheck_helper import epubcheck_many
from report_build import Diagnostics, build

pytestmark = pytest.mark.e2e

CHARTS = FIXTURES / "charts"
AXIS_TITLES = (
    "Month of storage",
    "Cubic metres stored",
    "Month of rainfall",
    "Rainfall in millimetres",
    "Volume stored",
)


@pytest.fixture(scope="module")
def outputs(tmp_path_factory):
    folder = tmp_path_factory.mktemp("charts-out")
    results = build(
        CHARTS / "report.md",
        ("pdf", "epub", "web"),
        write=False,
        output_dir=folder,
        diagnostics=Diagnostics(strict=True, echo=False),
        jobs=1,
    )
    return {result.format: result for result in results}


def _xobjects(resources, seen):
    found = []
    for _name, xobject in (resources.get("/XObject") or {}).items():
        if xobject.objgen in seen:
            continue
        seen.add(xobject.objgen)
        found.append(xobject)
        if xobject.get("/Subtype") == "/Form" and "/Resources" in xobject:
            found.extend(_xobjects(xobject.Resources, seen))
    return found


def test_pdf_charts_are_vector_with_text(outputs):
    data = outputs["pdf"].data
    with pikepdf.open(io.BytesIO(data)) as pdf:
        seen: set = set()
        xobjects = [x for page in pdf.pages for x in _xobjects(page.Resources, seen)]
    assert xobjects, "the charts are drawn as form XObjects"
    assert not [x for x in xobjects if x.get("/Subtype") == "/Image"], "a chart was rasterised"
    text = "\n".join(pdf_pages(data))
    for title in AXIS_TITLES:
        assert title in text, f"axis title {title!r} is not PDF text"
    assert "800,000" in text  # a data label, as text
    for number in range(1, 7):
        assert f"Figure {number}" in text  # numbered and in the list of figures


def test_epub_has_each_svg_and_its_data_table(outputs):
    data = outputs["epub"].data
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        names = book.namelist()
        chapter = next(book.read(n).decode() for n in names if n.endswith("chapter-01.xhtml"))
        svgs = [n for n in names if n.endswith(".svg")]
        assert len(svgs) == 6  # six specs (one drawn twice)
        for name in svgs:
            assert b"<text" in book.read(name)
    assert chapter.count('<details class="chart-data">') == 7
    assert chapter.count("<summary>Data for Figure") == 7
    assert '<th scope="row">Feb 2020</th><td class="align-right">800,000</td>' in chapter
    assert "download" not in chapter  # the ePub does not carry the CSV files
    assert re.search(r'<img src="[^"]+\.svg" alt="Bar chart: Cubic metres stored by Month of storage\.', chapter)
    assert epubcheck_many({"charts": data}) == {"charts": []}


def test_site_has_svg_table_and_csv_link(outputs):
    files = outputs["web"].files
    page = files["chapter-01.html"].decode()
    links = re.findall(r'<a class="download" href="(data/[^"]+\.csv)" type="text/csv" download="[^"]+">', page)
    assert len(links) == 7
    for link in set(links):
        assert files[link].startswith(b"month,")
    assert files["data/01-stored.csv"] == (CHARTS / "data" / "stored.csv").read_bytes()
    assert page.count("Download data (CSV)") == 7
    assert page.count('<details class="chart-data">') == 7
    assert not any(b"vega" in body.lower() for name, body in files.items() if name.endswith(".js"))
