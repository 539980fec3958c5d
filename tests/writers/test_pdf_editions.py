"""The two PDF editions once written (writers/pdf/editions.py), on a small PDF made here: page
labels from the folios, and a screen edition without its blank left-hand pages, with nothing
left pointing at a removed page. The real reports are checked in test_pdf.py."""

from __future__ import annotations

import io

import pikepdf
import pypdf
import pytest

from report_build.writers.pdf.editions import finish, parse_folio

DRAWN, BLANK = b"0 0 m 100 100 l S", b"q Q"


def booklet(contents: list[bytes]) -> bytes:
    """A PDF of one page per content stream; an outline item and a named destination lead to
    each page, a link on the first page leads to the fourth, a structure element sits on each."""
    pdf = pikepdf.new()
    for content in contents:
        pdf.add_blank_page(page_size=(200, 300))
        pdf.pages[-1].Contents = pdf.make_stream(content)
    pages = [page.obj for page in pdf.pages]
    dests = pikepdf.NameTree.new(pdf)
    for number, page in enumerate(pages):
        dests[f"p{number}"] = pikepdf.Array([page, pikepdf.Name.Fit])
    pdf.Root.Names = pdf.make_indirect(pikepdf.Dictionary(Dests=dests.obj))
    with pdf.open_outline() as outline:
        outline.root.extend(pikepdf.OutlineItem(f"Page {n}", n) for n in range(len(pages)))
    link = pikepdf.Dictionary(Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Link, Rect=[0, 0, 10, 10])
    link.Dest = pikepdf.Array([pages[3], pikepdf.Name.Fit])
    pdf.pages[0].Annots = pdf.make_indirect(pikepdf.Array([pdf.make_indirect(link)]))
    kind = pikepdf.Name.StructElem
    elements = [pdf.make_indirect(pikepdf.Dictionary(Type=kind, S=pikepdf.Name.P, Pg=page)) for page in pages]
    pdf.Root.StructTreeRoot = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.StructTreeRoot, K=elements))
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def blank_in(contents: list[bytes]) -> set[int]:
    """The pages a layout would have left blank: those that draw nothing here."""
    return {index for index, content in enumerate(contents) if content == BLANK}


CONTENTS = [DRAWN, BLANK, DRAWN, BLANK, DRAWN, DRAWN, DRAWN, BLANK, DRAWN]
FOLIOS = ["", "", "i", "", "1", "2", "3", "", "5"]  # cover, inside cover, title page, its verso ...


def labels(data: bytes) -> list[str]:
    return list(pypdf.PdfReader(io.BytesIO(data)).page_labels)


def test_print_keeps_every_page_and_labels_each_with_its_folio():
    data = finish(booklet(CONTENTS), FOLIOS, "print", "Cover", blank_in(CONTENTS))
    assert labels(data) == ["Cover", "Cover", "i", "ii", "1", "2", "3", "4", "5"]


def test_screen_drops_the_blank_versos_and_keeps_the_print_labels():
    data = finish(booklet(CONTENTS), FOLIOS, "screen", "Cover", blank_in(CONTENTS))
    assert labels(data) == ["Cover", "i", "1", "2", "3", "5"]
    with pikepdf.open(io.BytesIO(data)) as pdf:
        pages = [page.obj.objgen for page in pdf.pages]
        assert len(pages) == 6
        names = dict(pikepdf.NameTree(pdf.Root.Names.Dests).items())
        # p1 (the inside cover) now leads to the title page, p3 to page 1, p7 to page 5
        assert [pages.index(names[f"p{n}"][0].objgen) for n in range(9)] == [0, 1, 1, 2, 2, 3, 4, 5, 5]
        with pdf.open_outline() as outline:
            assert all(item.destination[0].objgen in pages for item in outline.root)
        (link,) = pdf.pages[0].Annots
        assert pages.index(link.Dest[0].objgen) == 2  # the link to the removed page 3 goes to page 1
        assert all(element.Pg.objgen in pages for element in pdf.Root.StructTreeRoot.K)


def test_a_blank_right_hand_page_and_a_page_with_a_link_stay():
    contents = [DRAWN, DRAWN, BLANK, DRAWN]  # the blank page is a right-hand one
    data = finish(booklet(contents), ["", "1", "", "3"], "screen", "Cover", blank_in(contents))
    assert labels(data) == ["Cover", "1", "2", "3"]


def test_folios_in_other_numerals_label_their_pages_as_printed():
    data = finish(booklet([DRAWN, DRAWN, DRAWN, DRAWN]), ["", "أ", "ب", "1"], "print", "الغلاف", set())
    assert labels(data) == ["الغلاف", "أ", "ب", "1"]


@pytest.mark.parametrize(
    ("folio", "parsed"),
    [
        ("14", ("D", 14)),
        ("iv", ("r", 4)),
        ("XIX", ("R", 19)),
        ("mcm", ("r", 1900)),
        ("", None),
        ("أ", None),
        ("iiii", None),
    ],
)
def test_folios_read_as_pdf_numbering_styles(folio, parsed):
    assert parse_folio(folio) == parsed


def test_a_marked_content_reference_on_a_removed_page_goes_to_the_next_page():
    """The structure tree reaches pages by the /Pg of its elements and of their marked-content
    references (down /K); both are repointed."""
    pdf = pikepdf.open(io.BytesIO(booklet(CONTENTS)))
    removed = pdf.pages[3].obj
    reference = pikepdf.Dictionary(Type=pikepdf.Name.MCR, Pg=removed, MCID=0)
    pdf.Root.StructTreeRoot.K[0].K = pikepdf.Array([pikepdf.Dictionary(S=pikepdf.Name.Span, K=[reference])])
    out = io.BytesIO()
    pdf.save(out)
    data = finish(out.getvalue(), FOLIOS, "screen", "Cover", blank_in(CONTENTS))
    with pikepdf.open(io.BytesIO(data)) as pdf:
        pages = [page.obj.objgen for page in pdf.pages]
        (span,) = pdf.Root.StructTreeRoot.K[0].K
        assert pages.index(span.K[0].Pg.objgen) == 2  # page 1, which followed the removed page 3


def test_only_the_pages_the_layout_left_blank_are_removed_when_it_says_which():
    """A page that draws nothing but that the layout filled (page 3 here) stays when the
    layout's blank pages are given, as the builds give them."""
    data = finish(booklet(CONTENTS), FOLIOS, "screen", "Cover", blank={1, 7})
    assert labels(data) == ["Cover", "i", "ii", "1", "2", "3", "5"]


BLANK_PAGES = """<!DOCTYPE html><html><head><style>
@page { size: A6; @bottom-center { content: counter(page) } }
@page :blank { @bottom-center { content: BLANK } }
.recto { break-before: recto }
.verso { break-before: verso }
</style></head><body>
<section>One</section><section class="recto">Two, after a blank left-hand page</section>
<section class="verso">Three</section><section class="verso">Four, after a blank right-hand page</section>
</body></html>"""


def test_a_part_is_written_without_the_blank_versos_the_whole_would_lose():
    """A parallel layout's group: its blank left-hand pages are found on the laid-out pages
    and left out when it is written, the pages the single pass's finish removes; a blank page
    that prints something (here its folio) stays."""
    from weasyprint import HTML

    from report_build.writers.pdf.editions import blank_versos, laid_blank

    pages = HTML(string=BLANK_PAGES.replace("BLANK", "none")).render()
    assert len(pages.pages) == 6
    assert laid_blank(pages) == {1, 4}  # WeasyPrint's blank pages: a left-hand one, a right-hand one
    assert blank_versos(pages) == (1,)
    whole = finish(pages.write_pdf(), [""] * 6, "screen", "Cover", blank=laid_blank(pages))
    part = pages.copy([page for index, page in enumerate(pages.pages) if index not in blank_versos(pages)])
    texts = [
        [page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages] for data in (whole, part.write_pdf())
    ]
    assert len(texts[0]) == 5
    assert texts[0] == texts[1]
    numbered = HTML(string=BLANK_PAGES.replace("BLANK", "counter(page)")).render()
    assert laid_blank(numbered) == {1, 4}
    assert blank_versos(numbered) == ()
    # A link in a blank page's margin (a running element) keeps it, as finish keeps it in the whole.
    linked = BLANK_PAGES.replace("BLANK", "element(back)").replace(
        "<body>", '<body><p style="position: running(back)"><a href="#end">Back</a></p>'
    )
    linked_pages = HTML(string=linked.replace("</body>", '<p id="end">End</p></body>')).render()
    assert 1 in laid_blank(linked_pages)
    assert blank_versos(linked_pages) == ()
