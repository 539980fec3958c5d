"""The Word edition's package: document properties, and bytes that are the same on every build.

python-docx saves with the clock's time on every zip entry and a template's properties
(creator "python-docx", a 2013 date, a thumbnail of someone else's page). Here the core
properties come from the report (title, authors, subject, keywords, description, language,
identifier, version, dates from the release or ``SOURCE_DATE_EPOCH``), the extended properties
name report-build, the thumbnail goes, and the zip is written again in the same entry order
with fixed times, so the same sources give the same bytes.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile

from docx.opc.constants import RELATIONSHIP_TYPE as RT

from ...model import Document
from ...version import __version__

EPOCH = dt.datetime(1980, 1, 1, tzinfo=dt.UTC)  # the earliest time a zip entry can hold
APP_XML = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" '
    'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
    "<Application>report-build</Application><DocSecurity>0</DocSecurity>"
    "<ScaleCrop>false</ScaleCrop><Company>{company}</Company><LinksUpToDate>false</LinksUpToDate>"
    "<SharedDoc>false</SharedDoc><HyperlinksChanged>false</HyperlinksChanged></Properties>"
)


def finish(word, document: Document) -> bytes:
    """The saved package's bytes, with the report's properties and fixed zip times."""
    when = document.modified or EPOCH
    properties(word, document, when)
    _drop_thumbnail(word)
    _app_properties(word, document)
    buffer = io.BytesIO()
    word.save(buffer)
    return fixed_zip(buffer.getvalue(), when)


def properties(word, document: Document, when: dt.datetime) -> None:
    meta = document.metadata
    core = word.core_properties
    core.title = meta.title
    core.subject = meta.subtitle
    core.author = "; ".join(meta.authors)
    core.keywords = ", ".join(meta.keywords)
    core.comments = meta.description
    core.language = meta.language
    core.identifier = meta.identifier
    core.version = document.version
    core.category = "Report"
    core.content_status = "Draft" if document.draft else ("Final" if document.version else "")
    core.last_modified_by = f"report-build {__version__}"
    core.revision = 1
    naive = when.astimezone(dt.UTC).replace(tzinfo=None)
    first = document.releases[-1].date if document.releases else None
    core.created = dt.datetime(first.year, first.month, first.day) if first else naive
    core.modified = naive


def _drop_thumbnail(word) -> None:
    package = word.part.package
    for rel_id, rel in list(package.rels.items()):
        if rel.reltype == RT.THUMBNAIL:
            package.rels.pop(rel_id)


def _app_properties(word, document: Document) -> None:
    from xml.sax.saxutils import escape

    for rel in word.part.package.rels.values():
        if rel.reltype == RT.EXTENDED_PROPERTIES and not rel.is_external:
            rel.target_part._blob = APP_XML.format(company=escape(document.metadata.publisher)).encode()


def fixed_zip(data: bytes, when: dt.datetime) -> bytes:
    """The same entries, in the same order ([Content_Types].xml first), with one fixed time."""
    stamp = when.astimezone(dt.UTC)
    date_time = (max(stamp.year, 1980), stamp.month, stamp.day, stamp.hour, stamp.minute, stamp.second)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            target.writestr(entry, source.read(info.filename), compresslevel=9)
    return out.getvalue()
