"""The front matter's ``abstract``: a summary for readers, shown where pandoc and Quarto show
theirs. Fast tests on the model; then the title page of a real PDF (poppler), an ePub
(EPUBCheck) and the site's first page (headless Chromium with axe-core)."""

from __future__ import annotations

import io
import zipfile

import pytest

from conftest import pdf_pages, require_browser
from epubcheck_helper import epubcheck_many
from report_build import Diagnostics, build
from report_build.build import load
from report_build.checks.browser import check_site

ABSTRACT = (
    "abstract: |\n"
    '  Wells kept by a local committee stayed in use for "twice as long"\n'
    "  as wells kept by no one.\n"
    "\n"
    "  Donors should fund the committees -- not only the pumps.\n"
)
FIRST = "Wells kept by a local committee stayed in use for \u201ctwice as long\u201d as wells kept by no one."
SECOND = "Donors should fund the committees \u2013 not only the pumps."


def _manuscript(folder, front: str = ABSTRACT, language: str = "en"):
    folder.mkdir(parents=True, exist_ok=True)
    manuscript = folder / "report.md"
    manuscript.write_text(
        f"---\ntitle: Wells\nlanguage: {language}\n{front}---\n\n# One\n\nText one.\n\n# Two\n\nText two.\n",
        encoding="utf-8",
    )
    return manuscript


def test_the_abstract_is_paragraphs_and_the_description_falls_back_on_it(tmp_path):
    meta = load(_manuscript(tmp_path / "a"), Diagnostics(strict=True, echo=False)).metadata
    assert meta.abstract == (FIRST, SECOND)
    assert meta.description == f"{FIRST} {SECOND}"
    both = _manuscript(tmp_path / "b", ABSTRACT + "description: For catalogues.\n")
    given = load(both, Diagnostics(strict=True, echo=False))
    assert given.metadata.abstract == (FIRST, SECOND) and given.metadata.description == "For catalogues."


def test_an_abstract_that_is_not_text_is_a_fault_a_strict_build_refuses(tmp_path):
    manuscript = _manuscript(tmp_path, "abstract: [1, 2]\n")
    draft = Diagnostics(echo=False)
    assert load(manuscript, draft).metadata.abstract == ()
    assert any("'abstract' must be text" in w.message and w.line == 4 for w in draft.warnings)


def test_each_paragraph_of_the_abstract_is_a_unit_to_translate(tmp_path):
    from report_build.translate.extract import extract

    found = extract(_manuscript(tmp_path)).units
    units = [unit for unit in found if unit.context == "abstract"]
    assert [unit.msgid for unit in units] == [FIRST, SECOND]
    assert {unit.line for unit in units} == {4}
    assert not [unit for unit in found if unit.context == "description"]  # made from the abstract: not twice


@pytest.mark.e2e
def test_the_abstract_is_on_the_title_page_of_the_pdf_and_the_epub_and_on_the_site(tmp_path):
    manuscript = _manuscript(tmp_path / "en")
    out = tmp_path / "out"
    built = build(manuscript, ("pdf", "epub", "web"), output_dir=out, diagnostics=Diagnostics(strict=True, echo=False))
    pdf, epub = (next(r.data for r in built if r.path.suffix == suffix) for suffix in (".pdf", ".epub"))
    pages = [" ".join(page.split()) for page in pdf_pages(pdf)]
    (title_page,) = [page for page in pages if FIRST in page]  # not in the contents or anywhere else
    assert title_page.startswith("Wells ABSTRACT " + FIRST + " " + SECOND), title_page

    with zipfile.ZipFile(io.BytesIO(epub)) as package:
        titlepage = package.read("EPUB/titlepage.xhtml").decode("utf-8")
    assert 'role="doc-abstract"' in titlepage and f"<p>{FIRST}</p>" in titlepage
    arabic = build(
        _manuscript(tmp_path / "ar", ABSTRACT.replace("Wells", "آبار"), "ar"),
        ("epub",),
        output_dir=tmp_path / "out-ar",
        diagnostics=Diagnostics(echo=False),
    )
    assert epubcheck_many({"en": epub, "ar": arabic[0].data}) == {"en": [], "ar": []}

    landing = (out / "web" / "index.html").read_text(encoding="utf-8")
    assert f'<p class="landing-lead">{FIRST}</p>' in landing and 'role="doc-abstract"' in landing
    require_browser()
    report = check_site(out / "web", tmp_path / "shots", screenshots=("index.html",))
    assert report.violations == [] and report.raw["pages"]["index.html"]["narrowest"]["scrollWidth"] == 320
