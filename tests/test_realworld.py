"""Public-domain documents written by others (../shared/realworld): each builds, or fails at file:line."""

from __future__ import annotations

import io
import zipfile

import pikepdf
import pytest

from conftest import REALWORLD, build_bytes, pdf_fonts, pdf_pages, squash
from report_build import Diagnostics, ReportBuildError, build

pytestmark = pytest.mark.skipif(not REALWORLD.is_dir(), reason="../shared/realworld is not present")

FICAM = REALWORLD / "ficam-digital-worker-playbook" / "playbook-dw.md"
FITARA = REALWORLD / "fitara-guidance" / "index.md"


@pytest.fixture(scope="module")
def ficam_pdf() -> bytes:
    return build_bytes(FICAM, strict=False)


@pytest.mark.e2e
def test_jekyll_playbook_builds_a_pdf(ficam_pdf):
    with pikepdf.open(io.BytesIO(ficam_pdf)) as pdf:
        assert str(pdf.docinfo["/Title"]) == "Digital Worker Identity Playbook"
        titles = [item.title for item in pdf.open_outline().root]
        assert titles[:2] == ["Executive Summary", "A Three-Step Process for Digital Worker Identity Management"]
        assert len(pdf.pages) > 20
        images = sum(len(page.get_images()) for page in pdf.pages)
    assert images >= 6  # the logos and process figures behind {{site.baseurl}}, one with a space in its name
    raw = "".join(pdf_pages(ficam_pdf))
    assert "{%" not in raw and "{{" not in raw and "site.baseurl" not in raw and "alert-info" not in raw
    text = squash(raw)
    assert squash("Key Point") in text  # Jekyll include callouts became callouts
    assert all(row["emb"] == "yes" for row in pdf_fonts(ficam_pdf))


@pytest.mark.e2e
def test_jekyll_playbook_warnings_name_their_lines():
    diagnostics = Diagnostics(echo=False)
    build(FICAM, ("pdf",), write=False, diagnostics=diagnostics)
    by_line = {(w.line, w.message.split(" ")[0]) for w in diagnostics.warnings}
    assert (2, "unknown") in by_line  # layout: page
    assert any(w.line == 113 and "<style>" in w.message for w in diagnostics.warnings)


@pytest.mark.e2e
def test_jekyll_playbook_builds_an_epubcheck_clean_epub():
    from epubcheck_helper import epubcheck_many

    data = build_bytes(FICAM, "epub", strict=False)
    assert epubcheck_many({"ficam": data}) == {"ficam": []}
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        names = book.namelist()
        text = " ".join(book.read(n).decode() for n in names if n.endswith(".xhtml"))
    assert sum(1 for n in names if n.startswith("EPUB/images/img-")) >= 6
    assert "page-list" in text and "<script" not in text and "{{" not in text


def test_remote_images_are_a_clear_file_line_error():
    with pytest.raises(ReportBuildError) as info:
        build(FITARA, ("pdf",), write=False, diagnostics=Diagnostics(echo=False))
    error = info.value
    assert error.path.name == "index.md" and error.line == 340
    assert "remote" in error.message and "cloud.githubusercontent.com" in error.message
