"""Finishing the PDF as WeasyPrint writes it: the report's version in the XMP metadata, stable
document ids, and each stream compressed once.

:func:`finisher` gives the callable that WeasyPrint's ``write_pdf`` runs on the pydyf object
just before the trailer is written. Only the PDF writer imports this module."""

from __future__ import annotations

import hashlib
import re
import zlib
from collections.abc import Callable
from typing import Any
from xml.sax.saxutils import escape

import pydyf

from ...model import Document


def finisher(doc: Document, edition: str, part: bool = False) -> Callable[[object, object], None]:
    """Complete the XMP metadata before the PDF is written: the report's version, and stable ids.
    ``part``: the PDF is a group's of a parallel layout, written for the join alone
    (:func:`write_for_join`)."""

    def finish(document: object, pdf: object) -> None:
        complete_xmp(pdf, doc, edition)
        compress_streams_once(pdf)
        if part:
            write_for_join(pdf)

    return finish


def write_for_join(pdf: Any) -> None:
    """Have pydyf write ``pdf`` as the join reads it (:mod:`.join`): its objects one by one, not
    packed into compressed object streams, and without a file identifier. The join packs the
    objects of every part anew and sets the report's identifier, so both would be work thrown
    away: compressing the object streams at zlib's highest level, and serializing every object
    a second time to hash the file, took a fifth of a group's writing. The joined PDF is the
    same to the byte (a test checks)."""
    write = type(pdf).write

    def part_write(output: Any, version: bytes = b"1.7", identifier: object = False, compress: bool = False) -> None:
        write(pdf, output, version, False, False)

    pdf.write = part_write


def identifier(doc: Document, edition: str) -> bytes:
    """The PDF's file identifier and XMP document id: the same for every build of one version."""
    key = f"{doc.metadata.identifier}|{doc.version}|{edition}"
    return hashlib.md5(key.encode("utf-8"), usedforsecurity=False).hexdigest().encode("ascii")


def complete_xmp(pdf: Any, doc: Document, edition: str) -> None:
    """Replace WeasyPrint's random ``xmp.did`` with :func:`identifier`; add the version block."""
    reference = pdf.catalog.get("Metadata")
    if reference is None:
        return
    number = int(bytes(reference).split()[0]) if not isinstance(reference, int) else reference
    stream = pdf.objects[number]
    content = b"".join(part if isinstance(part, bytes) else str(part).encode() for part in stream.stream)
    content = re.sub(rb"xmp\.did:[0-9a-f-]{36}", b"xmp.did:" + identifier(doc, edition), content)
    if doc.version:
        content = content.replace(b"</rdf:RDF>", _xmp_version(doc) + b"</rdf:RDF>", 1)
    stream.stream = [content]


def compress_streams_once(pdf: Any) -> None:
    """Compress each stream now, once. pydyf compresses a stream every time its bytes are asked
    for, and a PDF with a file identifier (ours always has one) asks twice: to write the stream
    and to hash the file for the identifier. The bytes written are the same (a test checks)."""
    for stream in pdf.objects:
        if not isinstance(stream, pydyf.Stream) or not stream.compress:
            continue
        parts = [_stream_item(item) for item in stream.stream]
        if None in parts:
            continue  # an item we do not know how pydyf writes: leave the stream to pydyf
        compressor = zlib.compressobj(level=9)  # pydyf's own setting
        stream.stream = [compressor.compress(b"\n".join(parts)) + compressor.flush()]  # type: ignore[arg-type]
        stream.extra["Filter"] = "/FlateDecode"
        stream.compress = False


def _stream_item(item: object) -> bytes | None:
    """An item of a content stream as pydyf writes it (bytes, names and numbers as text, PDF
    objects as their data); None for anything else, such as floats, which pydyf formats its way."""
    if isinstance(item, bytes):
        return item
    if isinstance(item, pydyf.Object):
        return item.data
    if isinstance(item, str) or (isinstance(item, int) and not isinstance(item, bool)):
        return str(item).encode("ascii")
    return None


def _xmp_version(doc: Document) -> bytes:
    release = doc.release
    xml = (
        '<rdf:Description rdf:about="" xmlns:xmpMM="http://ns.adobe.com/xap/1.0/mm/"'
        ' xmlns:rb="https://report-build.invalid/ns/1.0/">'
        f"<xmpMM:VersionID>{escape(doc.version)}</xmpMM:VersionID>"
        f"<rb:releaseDate>{release.date.isoformat() if release else ''}</rb:releaseDate>"
        f"<rb:draft>{'True' if doc.draft else 'False'}</rb:draft>"
        "</rdf:Description>"
    )
    return xml.encode("utf-8")
