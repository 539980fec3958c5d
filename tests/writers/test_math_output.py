"""Formulas in the outputs, built once from tests/golden/math.md (every delimiter): vector drawings
in the PDF, titled with their TeX for the tags' alternative text and with no raw TeX in the page
text; MathML in an EPUBCheck-clean ePub whose manifest says so; MathML on the site, a displayed
formula in its ``math-display`` region."""

from __future__ import annotations

import io
import zipfile

import lxml.html
import pikepdf
import pytest
from lxml import etree

from conftest import ROOT, pdf_pages
from epubcheck_helper import epubcheck_many
from report_build import Diagnostics, build, load
from report_build.writers.web import fonts
from report_build.writers.web.site import render_site

MANUSCRIPT = ROOT / "tests" / "golden" / "math.md"
MATHML = "{http://www.w3.org/1998/Math/MathML}"
RAW_TEX = ("\\frac", "\\bar", "\\sqrt", "\\sigma", "$$", "\\[", "\\(", "\\mathrm", "\\begin", "{#eq")

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def document():
    return load(MANUSCRIPT, Diagnostics(strict=True, echo=False))


@pytest.fixture(scope="module")
def formulas(document):
    body = etree.fromstring(f"<div>{document.chapters[0].body}</div>")
    return [math.get("alttext") for math in body.iter(f"{MATHML}math")]


@pytest.fixture(scope="module")
def outputs():
    built = build(MANUSCRIPT, ("pdf", "epub"), write=False, diagnostics=Diagnostics(strict=True, echo=False))
    return {result.format: result.data for result in built}


def _figure_alts(pdf: pikepdf.Pdf) -> list[str]:
    alts: list[str] = []

    def walk(node: object) -> None:
        if isinstance(node, pikepdf.Dictionary):
            if node.get("/S") == "/Figure" and "/Alt" in node:
                alts.append(str(node.Alt))
            kids = node.get("/K")
            for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
                walk(kid)

    walk(pdf.Root.StructTreeRoot)
    return alts


def _image_xobjects(pdf: pikepdf.Pdf) -> int:
    count = 0
    for page in pdf.pages:
        pending = list((page.Resources.get("/XObject") or {}).values())
        while pending:
            xobject = pending.pop()
            if xobject.get("/Subtype") == "/Image":
                count += 1
            elif "/Resources" in xobject:
                pending.extend((xobject.Resources.get("/XObject") or {}).values())
    return count


def test_pdf_draws_each_formula_as_vector_paths_with_its_tex_as_alternative_text(outputs, formulas):
    assert len(formulas) == 13
    with pikepdf.open(io.BytesIO(outputs["pdf"])) as pdf:
        assert _image_xobjects(pdf) == 0  # paths, not pictures of formulas
        alts = _figure_alts(pdf)
    assert [alt for alt in alts if alt in formulas] == formulas  # every formula a tagged figure, in order
    text = " ".join(" ".join(pdf_pages(outputs["pdf"])).split())
    assert "Testing a mean" in text and "$10 million" in text and "$3 keeps its sign" in text
    assert "(1)" in text and "and Equation 1 shows" in text  # the aligned pair, numbered and referred to
    assert not [tex for tex in RAW_TEX if tex in text], "raw TeX in the page text"


def test_epub_carries_mathml_and_passes_epubcheck(outputs, formulas):
    assert epubcheck_many({"math": outputs["epub"]}) == {"math": []}
    with zipfile.ZipFile(io.BytesIO(outputs["epub"])) as book:
        opf = etree.fromstring(book.read("EPUB/content.opf"))
        chapter = book.read("EPUB/chapter-01.xhtml")
    items = {item.get("href"): item.get("properties") for item in opf.iter("{http://www.idpf.org/2007/opf}item")}
    assert items["chapter-01.xhtml"] == "mathml"
    page = etree.fromstring(chapter)
    assert [m.get("alttext") for m in page.iter(f"{MATHML}math")] == formulas


def test_site_shows_mathml_and_displayed_formulas_in_their_own_region(document, formulas, monkeypatch):
    monkeypatch.setattr(fonts, "_subsets", lambda sources, characters, cache: {s: b"wOF2" for s in sources})
    strict = Diagnostics(strict=True, echo=False)
    files = render_site(document, diagnostics=strict)
    strict.refuse()  # any fault fails
    page = lxml.html.fromstring(files["chapter-01.html"])
    maths = page.xpath("//math")
    assert [m.get("alttext") for m in maths] == formulas
    displayed = [m for m in maths if m.get("display") == "block"]
    assert len(displayed) == 6
    assert all("math-display" in m.getparent().get("class").split() for m in displayed)
    (numbered,) = page.find_class("equation")
    assert numbered.get("id") == "eq-both" and numbered.find_class("equation-number")[0].text == "(1)"
    assert "$$" not in page.text_content() and "$10 million" in page.text_content()
