"""Parallel layout end to end: the PDF laid out in groups of chapters by worker processes and
joined has the pages of the single pass (text and its positions, page and footnote numbers,
running heads), its outline, links, named destinations and tagged structure, and its PDF/UA
and PDF/X markers; a wrong first guess is corrected; a watch lays out again only what changed."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pikepdf
import pytest

from conftest import MANUSCRIPT, ROOT, bench_module, pdf_pages
from epubcheck_helper import epubcheck_many
from report_build import Diagnostics, build
from report_build.build import gather
from report_build.writers.pdf.handover import PageMap
from report_build.writers.pdf.layout import KEPT
from report_build.writers.pdf.parallel import Grouped, Memory, _blank_page_forgiven
from report_build.writers.pdf.writer import layout

pytestmark = pytest.mark.e2e  # every test here lays out PDFs


def lay_out(
    manuscript: Path,
    edition: str = "screen",
    language: str | None = None,
    profile: str | None = None,
    **options: object,
) -> tuple[bytes, object, Diagnostics]:
    diagnostics = Diagnostics(echo=False)
    document, theme = gather(manuscript, diagnostics, Path("/nonexistent"), profile=profile, language=language)
    laid_out = layout(document, edition, theme, diagnostics, **options)
    return laid_out.write(), laid_out, diagnostics


def word_boxes(data: bytes) -> list[list[tuple[str, float, float]]]:
    """Every word of every page with its position (pdftotext -bbox)."""
    with subprocess.Popen(["pdftotext", "-bbox", "-", "-"], stdin=subprocess.PIPE, stdout=subprocess.PIPE) as run:
        out, _ = run.communicate(data)
    pages = out.decode("utf-8").split("<page ")[1:]
    word = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)"[^>]*>([^<]*)</word>')
    return [[(text, float(x), float(y)) for x, y, text in word.findall(page)] for page in pages]


def structure(data: bytes) -> dict[str, object]:
    """What must match besides the text: outline, named destinations, internal links, the
    structure tree, the PDF/UA and PDF/X markers and the page boxes."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        number = {page.objgen: index for index, page in enumerate(pdf.pages)}

        def target(dest: object) -> int | None:
            if isinstance(dest, pikepdf.Array) and len(dest):
                return number.get(dest[0].objgen)
            return None

        def walk(items: list) -> list:
            return [entry for item in items for entry in [(item.title, target(item.destination)), *walk(item.children)]]

        with pdf.open_outline() as outline:
            bookmarks = walk(outline.root)
        dests = pikepdf.NameTree(pdf.Root.Names.Dests)

        def elements(node: object) -> list[str]:
            if isinstance(node, pikepdf.Array):
                return [kind for child in node for kind in elements(child)]
            if isinstance(node, pikepdf.Dictionary) and "/S" in node:
                return [str(node.S), *elements(node.get("/K"))]
            return []

        xmp = pdf.open_metadata()
        ids = [str(node.ID) for node in _struct_elements(pdf.Root.StructTreeRoot.K) if "/ID" in node]
        return {
            "repeated structure ids": sorted({ident for ident in ids if ids.count(ident) > 1}),
            "bookmarks": bookmarks,
            "destinations": sorted((name, target(dest)) for name, dest in dests.items()),
            "links": [
                (index, str(annotation.Dest))
                for index, page in enumerate(pdf.pages)
                for annotation in page.get("/Annots", [])
                if "/Dest" in annotation
            ],
            "tags": elements(pdf.Root.StructTreeRoot.K),
            "markers": (xmp.get("pdfuaid:part"), xmp.get("pdfxid:GTS_PDFXVersion"), str(pdf.Root.get("/Lang"))),
            "output intents": len(pdf.Root.get("/OutputIntents", [])),
            "boxes": [
                tuple(tuple(float(v) for v in page.obj.get(box, ())) for box in ("/MediaBox", "/TrimBox", "/BleedBox"))
                for page in pdf.pages
            ],
        }


def _struct_elements(node: object) -> list:
    if isinstance(node, pikepdf.Array):
        return [element for child in node for element in _struct_elements(child)]
    if isinstance(node, pikepdf.Dictionary) and "/S" in node:
        return [node, *_struct_elements(node.get("/K"))]
    return []


@pytest.mark.parametrize(("header", "named"), [("td", False), ("th", True)])
def test_weasyprint_names_only_table_header_cells(header, named):
    """The join makes structure names unique only in the parts whose group has table header
    cells (``Group.header_cells``): WeasyPrint must name no other element."""
    import weasyprint

    html = (
        '<h1 id="t">Title</h1><p lang="fr">Text <a href="#f">link</a> <em>and</em> <code>code</code></p>'
        "<ul><li>item</li></ul><ol><li><p>point</p></li></ol><blockquote>quote</blockquote>"
        '<figure id="f"><svg width="10" height="10"></svg><figcaption>A figure</figcaption></figure>'
        f"<table><caption>Cases</caption><thead><tr><{header}>Year</{header}></tr></thead>"
        "<tbody><tr><td>2018</td></tr></tbody></table>"
        '<aside>aside</aside><span style="float: footnote">note</span><dl><dt>a</dt><dd>b</dd></dl>'
    )
    data = weasyprint.HTML(string=html).write_pdf(pdf_tags=True)
    with pikepdf.open(io.BytesIO(data)) as pdf:
        ids = [node.ID for node in _struct_elements(pdf.Root.StructTreeRoot.K) if "/ID" in node]
    assert bool(ids) is named


def assert_same_pages(one_pass: bytes, joined: bytes) -> None:
    assert pdf_pages(joined, layout=True) == pdf_pages(one_pass, layout=True)
    ours, theirs = word_boxes(one_pass), word_boxes(joined)
    assert len(ours) == len(theirs)
    for page, (a, b) in enumerate(zip(ours, theirs, strict=True), 1):
        assert [w for w, _, _ in a] == [w for w, _, _ in b], f"page {page}"
        moved = [
            (w, x, y, x2, y2)
            for (w, x, y), (_, x2, y2) in zip(a, b, strict=True)
            if abs(x - x2) > 0.1 or abs(y - y2) > 0.1
        ]
        assert not moved, f"page {page}: words moved: {moved[:3]}"
    expected, got = structure(one_pass), structure(joined)
    for key, value in expected.items():
        assert got[key] == value, key


@pytest.fixture(scope="module", params=["screen", "print"])
def default_report(request):
    edition = request.param
    one_pass, single, _ = lay_out(MANUSCRIPT, edition)
    # four groups: more joins, and blank pages before groups that follow an odd page count
    joined, grouped, diagnostics = lay_out(MANUSCRIPT, edition, jobs=2, groups=4)
    return edition, one_pass, single, joined, grouped, diagnostics


def test_the_default_report_in_groups_has_the_pages_of_one_pass(default_report):
    edition, one_pass, single, joined, grouped, diagnostics = default_report
    assert isinstance(grouped, Grouped) and len(grouped.parts) == 4
    assert any(grouped.blanks)  # the join's blank page is the single pass's
    assert_same_pages(one_pass, joined)
    assert structure(joined)["repeated structure ids"] == []  # table header cells of every part
    assert grouped.header_cells.count(True) > 1  # the ids' walk was needed (and done) in more than one part
    assert grouped.marks == single.marks  # the ePub's page list is the same
    assert not [w for w in diagnostics.warnings if "footnote" in w.message]  # each on its call's page
    markers = structure(joined)["markers"]
    assert markers[0 if edition == "screen" else 1] is not None
    if edition == "print":
        assert structure(joined)["output intents"] == 1
        assert all(trim and bleed for _media, trim, bleed in structure(joined)["boxes"])


def test_the_joined_pdf_passes_qpdf_and_keeps_one_file_identifier(default_report, tmp_path):
    _edition, one_pass, _single, joined, _grouped, _diagnostics = default_report
    path = tmp_path / "joined.pdf"
    path.write_bytes(joined)
    check = subprocess.run(["qpdf", "--check", str(path)], capture_output=True, text=True)
    assert check.returncode == 0 and "No syntax or stream encoding errors" in check.stdout, check.stdout
    with pikepdf.open(io.BytesIO(joined)) as pdf, pikepdf.open(io.BytesIO(one_pass)) as reference:
        assert not pdf.check_pdf_syntax()
        assert bytes(pdf.trailer.ID[0]) == bytes(reference.trailer.ID[0])


def test_the_parts_written_for_the_join_give_the_joined_pdf_of_whole_parts(default_report, monkeypatch):
    """A group's PDF is written for the join alone (finish.write_for_join): without the file
    identifier the join sets, its object stream at zlib's fastest level, which the join packs
    anew. The joined PDF is the same to the byte as the join of parts written whole."""
    from report_build.writers.pdf import finish

    def object_streams(part: bytes) -> tuple[bool, list[bytes]]:
        """Whether the part has a file identifier, and the zlib header of each object stream
        (its second byte says the level: 0x01 the fastest, 0xDA the highest)."""
        with pikepdf.open(io.BytesIO(part)) as pdf:
            headers = [
                o.read_raw_bytes()[:2]
                for o in pdf.objects
                if isinstance(o, pikepdf.Stream) and o.get("/Type") == "/ObjStm"
            ]
            return "/ID" in pdf.trailer, headers

    edition, _one_pass, _single, joined, grouped, _diagnostics = default_report
    for part in (*grouped.parts, *[grouped.blank_page] * (grouped.blank_page is not None)):
        assert object_streams(part) == (False, [b"\x78\x01"])
    monkeypatch.setattr(finish, "write_for_join", lambda pdf: None)
    whole, whole_grouped, _ = lay_out(MANUSCRIPT, edition, jobs=2, groups=4)
    assert object_streams(whole_grouped.parts[1]) == (True, [b"\x78\xda"])  # written whole this time
    assert whole == joined


def test_the_arabic_edition_in_groups_has_the_pages_of_one_pass():
    """Right to left: chapters open on the recto, which is the left-hand page. The Arabic edition
    (translations/ar.po) of the policy brief: three chapters, 19 pages, two groups."""
    sample = ROOT / "manuscript" / "report.md"
    one_pass, _single, _ = lay_out(sample, language="ar", profile="brief")
    joined, grouped, _ = lay_out(sample, language="ar", profile="brief", jobs=2)
    assert isinstance(grouped, Grouped)
    assert_same_pages(one_pass, joined)


@pytest.fixture(scope="module")
def long_report(tmp_path_factory):
    """A generated report of a hundred pages, and its layout in three groups without a guess
    (shared: each layout of it takes long)."""
    folder = tmp_path_factory.mktemp("long")
    with bench_module("generate") as generate:
        generate.generate(100, folder, seed=11)
    manuscript = folder / "report.md"
    joined, grouped, _ = lay_out(manuscript, jobs=2, groups=3)
    return manuscript, joined, grouped


def test_a_hundred_page_report_in_groups_has_the_pages_of_one_pass(long_report):
    manuscript, joined, grouped = long_report
    one_pass, _, _ = lay_out(manuscript)
    assert isinstance(grouped, Grouped)
    assert len(pdf_pages(one_pass)) >= 90
    assert_same_pages(one_pass, joined)


def test_a_wrong_guess_is_corrected_and_the_bytes_do_not_depend_on_it(long_report):
    long_report, cold, grouped = long_report
    # without a page map, the groups whose hand-over is guessed are laid out first without
    # writing, then with the hand-over they gave: every group here (the first prints the contents)
    assert "laid out chapters 1-21, first without writing, to learn their page numbers" in grouped.report
    assert "laid out again" not in grouped.report, grouped.report
    right = grouped.page_map
    warm, again, _ = lay_out(long_report, jobs=2, groups=3, previous=right)
    assert "laid out again" not in again.report  # a right guess: each group laid out once
    wrong = PageMap(
        tuple(n + 3 for n in right.chapter_pages),
        right.chapter_digests,
        1,
        {k: v + 5 for k, v in right.id_folios.items()},
    )
    corrected, fixed, _ = lay_out(long_report, jobs=2, groups=3, previous=wrong)
    assert "laid out again to correct page numbers" in fixed.report
    assert cold == warm == corrected
    # laid out for the ePub's page marks alone (nothing written), from the page map: in groups too
    diagnostics = Diagnostics(echo=False)
    document, theme = gather(long_report, diagnostics, Path("/nonexistent"))
    marks_only = layout(document, "screen", theme, diagnostics, jobs=2, groups=3, previous=right, write=False)
    assert isinstance(marks_only, Grouped), diagnostics.notes
    assert marks_only.marks == grouped.marks and "laid out again" not in marks_only.report


def with_custom_css(manuscript: Path, css: str) -> None:
    """Give the report a layouts folder (if it has none) whose custom.css is ``css``."""
    text = manuscript.read_text(encoding="utf-8")
    layouts = re.search(r"^layouts: *(\S+)", text, re.MULTILINE)
    folder = manuscript.parent / (layouts.group(1) if layouts else "layouts")
    if not layouts:
        manuscript.write_text(text.replace("---\n", "---\nlayouts: layouts\n", 1), encoding="utf-8")
    (folder / "css").mkdir(parents=True, exist_ok=True)
    (folder / "css" / "custom.css").write_text(css, encoding="utf-8")


def test_a_watch_lays_out_again_only_the_chapters_that_changed(tmp_path):
    folder = tmp_path / "report"
    shutil.copytree(MANUSCRIPT.parent, folder)
    manuscript = folder / MANUSCRIPT.name
    # a shorter report, laid out ten times over: the first four chapter files of the sample (the
    # chart from data among them) and its last, so five chapters in four groups
    text = manuscript.read_text(encoding="utf-8")
    listed = re.findall(r"^  - (chapters/\S+\.md)\n", text, re.MULTILINE)
    for name in listed[4:-1]:
        text = text.replace(f"  - {name}\n", "", 1)
    manuscript.write_text(text, encoding="utf-8")
    memory = Memory(groups=4)
    KEPT.pop(os.getpid(), None)
    _first, grouped, _ = lay_out(manuscript, jobs=2, memory=memory)
    assert "kept" not in grouped.report
    # the groups were laid out by workers, and the blank page in this process, which has the
    # layout's stylesheets parsed for the rebuild that lays out one group here
    assert os.getpid() in KEPT
    # the join keeps the later parts it opened, to read again in the next join
    assert len(memory.opened) == 3 and set(memory.opened) == set(grouped.parts[1:])
    opened_first = dict(memory.opened)
    # one paragraph of the last chapter file changes (a word, so the pages do not move)
    listed = re.findall(r"^  - (chapters/\S+\.md)$", manuscript.read_text(encoding="utf-8"), re.MULTILINE)
    chapters = [folder / name for name in listed]
    assert len(chapters) >= 4
    text = chapters[-1].read_text(encoding="utf-8")
    sentence = re.search(r"\n\n([A-Z][a-z]+) ", text)
    assert sentence
    edited = text.replace(sentence.group(0), f"\n\nIndeed, {sentence.group(1).lower()} ", 1)
    chapters[-1].write_text(edited, encoding="utf-8")
    again, regrouped, _ = lay_out(manuscript, jobs=2, memory=memory)
    assert re.search(r"laid out chapters? [\d-]+; 3 kept from the last build", regrouped.report), regrouped.report
    assert again == lay_out(manuscript, jobs=2, groups=4)[0]
    # the kept parts were read from the last join's opened files: the same bytes as opened anew
    assert [memory.opened[part] is opened_first.get(part) for part in regrouped.parts[1:]] == [True, True, False]
    # nothing changed: nothing laid out
    _same, unchanged, _ = lay_out(manuscript, jobs=2, memory=memory)
    assert "nothing laid out again" in unchanged.report
    # an early chapter grows by pages: the chapters after it move, and are laid out again
    # with their new page numbers; the result is the fresh layout's
    pages_before = int(re.match(r"\d+", unchanged.report).group())
    first = chapters[0].read_text(encoding="utf-8")
    chapters[0].write_text(first + "\n\n" + "Added for the test. " * 400 + "\n", encoding="utf-8")
    grown, moved, _ = lay_out(manuscript, jobs=2, memory=memory)
    assert int(re.match(r"\d+", moved.report).group()) > pages_before
    assert "3 kept" not in moved.report and "laid out chapters" in moved.report, moved.report
    assert grown == lay_out(manuscript, jobs=2, groups=4)[0]
    # a layout change reaches every group
    with_custom_css(manuscript, "p { orphans: 2; }\n")
    _restyled, restyled, _ = lay_out(manuscript, jobs=2, memory=memory)
    assert "kept" not in restyled.report and "nothing laid out" not in restyled.report
    # a chart's data changed: the groups are not kept with the old picture
    data = folder / "data" / "idlib-2020.csv"
    data.write_text(data.read_text(encoding="utf-8").replace(",3500000", ",3400000"), encoding="utf-8")
    redrawn, redrawn_report, _ = lay_out(manuscript, jobs=2, memory=memory)
    assert "kept" not in redrawn_report.report and "nothing laid out" not in redrawn_report.report
    assert redrawn == lay_out(manuscript, jobs=2, groups=4)[0]


@pytest.mark.parametrize(
    ("css", "why"),
    [
        ("h2 { counter-increment: section; }", "section"),
        ('@page { @bottom-center { content: counter(page) " of " counter(pages); } }', "counter(pages)"),
        (".mainmatter > .chapter { break-before: page; }", "does not open on a right-hand page"),
    ],
)
def test_a_layout_the_groups_cannot_reproduce_is_laid_out_in_one_pass(tmp_path, css, why):
    folder = tmp_path / "report"
    shutil.copytree(MANUSCRIPT.parent, folder)
    manuscript = folder / MANUSCRIPT.name
    with_custom_css(manuscript, css + "\n")
    _data, laid_out, diagnostics = lay_out(manuscript, jobs=2)
    assert not isinstance(laid_out, Grouped)
    assert any("laid out in one pass" in note and why in note for note in diagnostics.notes), diagnostics.notes


def test_pdf_and_epub_built_in_groups(tmp_path):
    diagnostics = Diagnostics(strict=True, echo=False)
    pdf, epub = build(MANUSCRIPT, ("pdf", "epub"), write=False, diagnostics=diagnostics, jobs=2)
    single_pdf, single_epub = build(MANUSCRIPT, ("pdf", "epub"), write=False, diagnostics=Diagnostics(echo=False))
    assert epub.data == single_epub.data  # the same print page numbers in the ePub
    assert pdf_pages(pdf.data) == pdf_pages(single_pdf.data)
    assert any("2 groups" in note for note in diagnostics.notes)
    assert epubcheck_many({"grouped": epub.data}) == {"grouped": []}


def test_the_command_line_says_how_the_pdf_was_laid_out(tmp_path):
    run = subprocess.run(
        [sys.executable, "-m", "report_build", "pdf", str(MANUSCRIPT), "--output-dir", str(tmp_path), "-j", "2"],
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stderr
    laid = re.search(r"report-build: PDF: (\d+) pages in 2 groups: laid out chapters", run.stderr)
    assert laid
    # the screen PDF has fewer: it says so, with the count the file has
    (written,) = tmp_path.glob("*.pdf")
    kept = len(pdf_pages(written.read_bytes()))
    assert kept < int(laid.group(1))
    said = (
        f"report-build: PDF: the screen edition has {kept} pages: it leaves out the {int(laid.group(1)) - kept} blank"
    )
    assert said in run.stderr, run.stderr
    assert "Traceback" not in run.stderr
    # the page map is kept: the next build guesses right and lays each group out once
    run = subprocess.run(
        [sys.executable, "-m", "report_build", "pdf", str(MANUSCRIPT), "--output-dir", str(tmp_path), "-j", "2"],
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0 and "laid out again" not in run.stderr, run.stderr
    bad = subprocess.run(
        [sys.executable, "-m", "report_build", "pdf", str(MANUSCRIPT), "-j", "0"], capture_output=True, text=True
    )
    assert bad.returncode == 2 and "give 1 to 64" in bad.stderr and "Traceback" not in bad.stderr


def test_the_blank_page_laid_out_ahead_forgives_its_fault_and_no_group_s():
    """The blank page that may go before a group is laid out with the first groups, before it
    is known to be needed: its fault gives None (raised later only if the page is needed); a
    group's fault is raised."""

    def layout_one(html: str, css: str) -> str:
        if "broken" in html:
            raise RuntimeError(f"cannot lay out {html}")
        return html.upper()

    lay_out_one = _blank_page_forgiven(layout_one, "<broken blank>")
    assert lay_out_one("<group>", "") == "<GROUP>"
    assert lay_out_one("<broken blank>", "") is None
    with pytest.raises(RuntimeError, match="broken group"):
        lay_out_one("<broken group>", "")
