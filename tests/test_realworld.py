"""Documents written by others (../shared/realworld): each builds into a PDF that qpdf and pikepdf
accept and an ePub that EPUBCheck passes without a warning, remote images left out. Those written
for other tools (MkDocs, Docusaurus, Hugo, bookdown) also leave none of their syntax in the text."""

from __future__ import annotations

import io
import subprocess
import tempfile
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pikepdf
import pytest

from conftest import REALWORLD, bench_module, pdf_fonts, pdf_pages, squash, words_past_the_edge
from report_build import Diagnostics, ReportBuildError, build, load
from report_build.checks.glyphs import glyph_coverage
from report_build.errors import StrictModeError
from report_build.theme import Theme

pytestmark = pytest.mark.skipif(not REALWORLD.is_dir(), reason="../shared/realworld is not present")

FICAM = REALWORLD / "ficam-digital-worker-playbook" / "playbook-dw.md"
FITARA = REALWORLD / "fitara-guidance" / "index.md"


@dataclass(frozen=True)
class Case:
    folder: str
    manuscript: str
    remote: int = 0  # remote images, left out with --omit-remote
    images: int = 0  # images packaged into the ePub (files, data: images)
    missing: int = 0  # images that cannot be drawn: a placeholder shows their alt text

    @property
    def path(self) -> Path:
        return REALWORLD / self.folder / self.manuscript


DOCUMENTS = [
    Case("cmdline-en", "README.md", remote=1, images=1),
    Case("cmdline-ru", "README-ru.md", remote=2, images=1),
    Case("cncf-harbor", "self-assessment.md", images=3),
    Case("cncf-sscbp", "SSCBPv2.md", images=1),  # a data: image, packaged as a file
    Case("ficam-digital-worker-playbook", "playbook-dw.md", images=6),
    Case("fitara-guidance", "index.md", remote=2),
    Case("osg-fa", "how-to-contribute.md", remote=7),
    Case("ossf-annotations", "Compiler-Annotations-for-C-and-C++.md"),
]
DIALECTS = [  # written for other tools; laid out in one pass here (test_groups covers parallel layout)
    Case("mkdocs-pydantic-validators", "validators.md"),
    Case(
        "docusaurus-redux-async", "part-5-async-logic.md", images=6, missing=1
    ),  # site-absolute /img/...; a GIF is not there
    Case("hugo-dapr-workflow-patterns", "workflow-patterns.md", images=5),  # <img src="/images/...">
    Case("bookdown-lsr-ttest", "05.13-ttest.Rmd", images=3),  # knitr::include_graphics of files that exist
    Case("ko-rust-ownership", "ch04-01-what-is-ownership.md", images=4),
]
READS = {  # what each reader must get: (words in the ePub's text, markup in its pages)
    "mkdocs-pydantic-validators": (
        ["Annotated pattern", "Decorator", "API Documentation", "Example mutating the value"],
        ['class="tab-set"', 'class="code-annotation"', "<details", 'class="code-annotations"'],
    ),
    "docusaurus-redux-async": (
        [
            "What You\u2019ll Learn",
            "Prerequisites",
            "Detailed Explanation: Dispatching Request Status Actions in Thunks",
        ],
        ['class="code-title">app/store.ts<', 'class="passage component"'],
    ),
    "hugo-dapr-workflow-patterns": (
        ["Python", "JavaScript", ".NET", "Java", "Go"],
        ['class="tab-set"', '#task-chaining">the previous pattern</a>', 'class="callout callout-note"'],
    ),
    "bookdown-lsr-ttest": (
        ["References", "Welch, B.L. (1947)", "Figure 1"],
        [
            'class="figure code-figure"',
            '#fig-zeppo">1</a>',
            '#zassumptions">1.4</a>',
            'role="doc-noteref"',
            "#ref-welch1947",
        ],
    ),
    "ko-rust-ownership": (["소유권"], []),
}


@dataclass
class Outcome:
    pdf: bytes = b""
    epub: bytes = b""
    warnings: tuple[str, ...] = ()
    error: str = ""
    seconds: float = 0.0


class Corpus:
    """Each document built once (PDF and ePub together, in memory), on first use."""

    def __init__(self) -> None:
        self.outcomes: dict[Path, Outcome] = {}

    def __call__(self, path: Path, omit_remote: bool = False) -> Outcome:
        if path not in self.outcomes:
            diagnostics = Diagnostics(echo=False)
            started = time.perf_counter()
            try:
                pdf, epub = build(path, ("pdf", "epub"), write=False, diagnostics=diagnostics, omit_remote=omit_remote)
                outcome = Outcome(pdf.data, epub.data, tuple(w.message for w in diagnostics.warnings))
            except ReportBuildError as exc:
                outcome = Outcome(error=str(exc))
            outcome.seconds = time.perf_counter() - started
            self.outcomes[path] = outcome
        return self.outcomes[path]


@pytest.fixture(scope="module")
def corpus() -> Corpus:
    return Corpus()


def qpdf_check(data: bytes) -> subprocess.CompletedProcess[str]:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(data)
        handle.flush()
        return subprocess.run(["qpdf", "--check", handle.name], capture_output=True, text=True, timeout=300)


@pytest.mark.e2e
@pytest.mark.parametrize("case", DOCUMENTS + DIALECTS, ids=lambda case: case.folder)
def test_document_builds_a_valid_pdf_and_epub(corpus, case):
    from epubcheck_helper import epubcheck_many

    outcome = corpus(case.path, omit_remote=bool(case.remote))
    assert not outcome.error, outcome.error
    checked = qpdf_check(outcome.pdf)
    assert checked.returncode == 0, checked.stdout + checked.stderr  # 2: errors, 3: warnings
    assert "No syntax or stream encoding errors found" in checked.stdout
    with pikepdf.open(io.BytesIO(outcome.pdf)) as pdf:
        assert len(pdf.pages) >= 5 and str(pdf.docinfo["/Title"]).strip()
        assert pdf.open_outline().root  # bookmarks from the headings
    assert epubcheck_many({case.folder: outcome.epub}) == {case.folder: []}
    with zipfile.ZipFile(io.BytesIO(outcome.epub)) as book:
        names = book.namelist()
        text = " ".join(book.read(n).decode() for n in names if n.endswith(".xhtml"))
    assert sum(1 for n in names if n.startswith("EPUB/images/img-")) == case.images
    assert 'src="data:' not in text  # data: images are packaged as files
    omitted = [w for w in outcome.warnings if "--omit-remote" in w]
    assert len(omitted) == case.remote and text.count('class="image-omitted"') == case.remote + case.missing
    if case.remote:  # the placeholder's words, in the document's language (Persian, Russian ...)
        language = load(case.path, Diagnostics(echo=False), omit_remote=True).metadata.language
        words = str(Theme(None, language).strings["image_omitted"]).split()
        shown = "".join(pdf_pages(outcome.pdf))
        assert all(word in shown for word in words), (language, words)
    assert glyph_coverage(outcome.pdf).missing == []  # every character drawn: no empty boxes (tofu)


@pytest.mark.e2e
@pytest.mark.parametrize("case", DOCUMENTS, ids=lambda case: case.folder)
def test_no_word_runs_past_the_page_edge(corpus, case):
    """Long addresses, code lines and wide tables, as others write them, stay on the page."""
    outcome = corpus(case.path, omit_remote=bool(case.remote))
    assert not outcome.error, outcome.error
    assert words_past_the_edge(outcome.pdf) == []


@pytest.fixture(scope="module")
def ficam_pdf(corpus) -> bytes:
    return corpus(FICAM).pdf


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
    from report_build import load

    diagnostics = Diagnostics(echo=False)
    load(FICAM, diagnostics)
    by_line = {(w.line, w.message.split(" ")[0]) for w in diagnostics.warnings}
    assert (2, "unknown") in by_line  # layout: page
    assert any(w.line == 113 and "<style>" in w.message for w in diagnostics.warnings)


@pytest.mark.e2e
def test_jekyll_playbook_epub_holds_its_images(corpus):
    data = corpus(FICAM).epub  # EPUBCheck: test_document_builds_a_valid_pdf_and_epub
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        names = book.namelist()
        text = " ".join(book.read(n).decode() for n in names if n.endswith(".xhtml"))
    assert sum(1 for n in names if n.startswith("EPUB/images/img-")) >= 6
    assert "page-list" in text and "<script" not in text and "{{" not in text


def test_remote_images_not_fetched_are_a_draft_warning_and_a_strict_error_at_their_line():
    draft = Diagnostics(echo=False)
    body = " ".join(chapter.body for chapter in load(FITARA, draft).chapters)  # the draft builds
    (warning,) = [w for w in draft.warnings if "cloud.githubusercontent.com" in w.message][:1]
    assert Path(warning.path).name == "index.md" and warning.line == 340
    assert "report-build fetch" in warning.message and "image-omitted" in body
    with pytest.raises(StrictModeError) as info:
        build(FITARA, ("pdf",), write=False, diagnostics=Diagnostics(strict=True, echo=False))
    error = info.value
    (fault,) = [f for f in error.faults if "cloud.githubusercontent.com" in f.message][:1]
    assert (Path(fault.path).name, fault.line) == ("index.md", 340) and "report-build fetch" in fault.message


@pytest.mark.e2e
@pytest.mark.parametrize("case", DOCUMENTS, ids=lambda case: case.folder)
def test_document_laid_out_in_groups_has_the_pages_of_one_pass(corpus, case):
    """What `report-build pdf` does on a machine with two cores (chapters side by side), on
    documents nobody here wrote: the same pages, with the same text, as the single pass."""
    one_pass = corpus(case.path, omit_remote=bool(case.remote)).pdf
    diagnostics = Diagnostics(echo=False)
    (grouped,) = build(case.path, ("pdf",), write=False, diagnostics=diagnostics, omit_remote=bool(case.remote), jobs=2)
    assert any("in 2 groups" in note for note in diagnostics.notes), diagnostics.notes
    assert pdf_pages(grouped.data, layout=True) == pdf_pages(one_pass, layout=True)
    assert qpdf_check(grouped.data).returncode == 0


@pytest.fixture(scope="module")
def corpus_module():
    """bench/corpus.py, whose raw_syntax is what `make corpus` reports."""
    with bench_module("corpus") as module:
        yield module


@pytest.mark.e2e
@pytest.mark.parametrize("case", DIALECTS, ids=lambda case: case.folder)
def test_other_tools_syntax_is_read_and_none_reaches_the_reader(corpus, corpus_module, case, tmp_path):
    outcome = corpus(case.path, omit_remote=bool(case.remote))
    assert not outcome.error, outcome.error
    pdf = tmp_path / "doc.pdf"
    pdf.write_bytes(outcome.pdf)
    found = corpus_module.raw_syntax(corpus_module.pdf_text(pdf), outcome.epub)
    assert {where: {k: v for k, v in counts.items() if v} for where, counts in found.items()} == {"ePub": {}, "PDF": {}}
    with zipfile.ZipFile(io.BytesIO(outcome.epub)) as book:
        pages = " ".join(book.read(n).decode() for n in book.namelist() if n.endswith(".xhtml"))
    text, _code = corpus_module.epub_texts(outcome.epub)
    words, markup = READS[case.folder]
    assert [w for w in words if w not in text] == [] and [m for m in markup if m not in pages] == []
