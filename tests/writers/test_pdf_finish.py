"""Finishing the PDF as pydyf writes it (writers/pdf/finish.py): each stream compressed once,
to the same bytes as pydyf's, and a part for the join written at zlib's fastest level."""

from __future__ import annotations

import io
import zlib

import pydyf

from report_build.writers.pdf import finish


def _items() -> list[object]:
    return [b"q", 1.5, 2.0, 3, "/F1", True, pydyf.Array([1, 0.25]), pydyf.String("t")]


def test_streams_compressed_once_are_what_pydyf_writes_whatever_their_items():
    """Floats and booleans too: a stream left to pydyf would be compressed during the write, at
    whatever level the write is made (a part's is zlib's fastest)."""
    expected = pydyf.Stream(_items(), compress=True).data
    pdf = pydyf.PDF()
    stream = pydyf.Stream(_items(), compress=True)
    pdf.add_object(stream)
    finish.compress_streams_once(pdf)
    assert stream.compress is False
    assert stream.data == expected


def test_a_part_is_written_with_a_fast_object_stream_and_no_identifier():
    pdf = pydyf.PDF()
    pdf.add_page(
        pydyf.Dictionary({"Type": "/Page", "Parent": pdf.pages.reference, "MediaBox": pydyf.Array([0, 0, 10, 10])})
    )
    finish.write_for_join(pdf)
    out = io.BytesIO()
    pdf.write(out, b"1.7", b"an identifier", False)  # as WeasyPrint calls it
    data = out.getvalue()
    assert b"/ID" not in data and b"/ObjStm" in data
    start = data.index(b"stream\n", data.index(b"/ObjStm")) + len(b"stream\n")
    assert data[start : start + 2] == b"\x78\x01"  # zlib's header for its fastest level
    assert zlib.decompressobj().decompress(data[start:])  # a whole deflate stream
    # pydyf's own writes are at its own level again afterwards
    assert pydyf.Stream([b"x" * 100], compress=True).data.split(b"stream\n", 1)[1][:2] == b"\x78\xda"
