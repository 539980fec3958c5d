"""Page references kept while WeasyPrint writes the structure tree (writers/pdf/references.py):
the same references as pydyf's own property, made again only when a page is added."""

from __future__ import annotations

import pydyf

from report_build.writers.pdf import references


def _pdf_with_pages(count: int) -> pydyf.PDF:
    pdf = pydyf.PDF()
    for _ in range(count):
        pdf.add_page(pydyf.Dictionary({"Type": "/Page"}))
    return pdf


def test_the_property_is_replaced_and_gives_pydyf_s_references():
    assert references.APPLIED
    assert pydyf.PDF.page_references.fget is not references.BUILD
    pdf = _pdf_with_pages(3)
    assert pdf.page_references == references.BUILD(pdf) == tuple(f"{n} 0 R".encode() for n in pdf.pages["Kids"][::3])


def test_the_references_are_kept_until_a_page_is_added():
    pdf = _pdf_with_pages(4)
    first = pdf.page_references
    assert pdf.page_references is first  # kept, not built again
    pdf.add_page(pydyf.Dictionary({"Type": "/Page"}))
    after = pdf.page_references
    assert after is not first and len(after) == 5 and after == references.BUILD(pdf)
    pdf.pages["Kids"] = pydyf.Array(pdf.pages["Kids"][:6])  # a new list, however long
    assert pdf.page_references == references.BUILD(pdf) and len(pdf.page_references) == 2


def test_two_documents_keep_their_own_references():
    one, other = _pdf_with_pages(2), _pdf_with_pages(5)
    assert len(one.page_references) == 2 and len(other.page_references) == 5
    assert one.page_references == references.BUILD(one)
