"""The two PDF editions once written (writers/pdf/editions.py), on a small PDF made here: page
labels from the folios, and a screen edition without its blank left-hand pages, with nothing
left pointing at a removed page. The real reports are checked in test_pdf.py."""

from __future__ import annotations

import io

import pikepdf
import pypdf
import pytest

from report_build.writers.pdf.editions import finish, parse_folio, without_blank_versos

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


CONTENTS = [DRAWN, BLANK, DRAWN, BLANK, DRAWN, DRAWN, DRAWN, BLANK, DRAWN]
FOLIOS = ["", "", "i", "", "1", "2", "3", "", "5"]  # cover, inside cover, title page, its verso ...


def labels(data: bytes) -> list[str]:
    return list(pypdf.PdfReader(io.BytesIO(data)).page_labels)


def test_print_keeps_every_page_and_labels_each_with_its_folio():
    data = finish(booklet(CONTENTS), FOLIOS, "print", "Cover")
    assert labels(data) == ["Cover", "Cover", "i", "ii", "1", "2", "3", "4", "5"]


def test_screen_drops_the_blank_versos_and_keeps_the_print_labels():
    data = finish(booklet(CONTENTS), FOLIOS, "screen", "Cover")
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
    data = finish(booklet(contents), ["", "1", "", "3"], "screen", "Cover")
    assert labels(data) == ["Cover", "1", "2", "3"]


def test_folios_in_other_numerals_label_their_pages_as_printed():
    data = finish(booklet([DRAWN, DRAWN, DRAWN, DRAWN]), ["", "أ", "ب", "1"], "print", "الغلاف")
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
    data = finish(out.getvalue(), FOLIOS, "screen", "Cover")
    with pikepdf.open(io.BytesIO(data)) as pdf:
        pages = [page.obj.objgen for page in pdf.pages]
        (span,) = pdf.Root.StructTreeRoot.K[0].K
        assert pages.index(span.K[0].Pg.objgen) == 2  # page 1, which followed the removed page 3


def test_a_part_written_on_its_own_loses_its_blank_versos_as_the_whole_would():
    """A parallel layout's group is written without its blank left-hand pages where it is laid
    out; it says which it removed, and nothing is left pointing at them."""
    data, dropped = without_blank_versos(booklet(CONTENTS))
    assert dropped == (1, 3, 7)
    whole = finish(booklet(CONTENTS), [""] * len(CONTENTS), "screen", "Cover")
    with pikepdf.open(io.BytesIO(data)) as part, pikepdf.open(io.BytesIO(whole)) as reference:
        assert len(part.pages) == len(reference.pages) == 6
        pages = [page.obj.objgen for page in part.pages]
        names = dict(pikepdf.NameTree(part.Root.Names.Dests).items())
        assert [pages.index(names[f"p{n}"][0].objgen) for n in range(9)] == [0, 1, 1, 2, 2, 3, 4, 5, 5]
        assert all(element.Pg.objgen in pages for element in part.Root.StructTreeRoot.K)
    assert without_blank_versos(booklet([DRAWN, DRAWN, BLANK, DRAWN]))[1] == ()  # a blank recto stays
