"""``report-build import DRAFT.docx DIR``: a report started from a Word file, as ``new`` starts one.

mammoth reads the Word file into clean HTML, following the document's styles (Heading 1-6,
Title, Subtitle, Caption, Quote, footnotes and endnotes, lists, tables, links, images with
their alt text); :mod:`.markdown` writes that as the manuscript's Markdown. The title and
authors come from the document's properties, else its Title style. Images are saved into
``images/``. The report is written by :func:`report_build.scaffold.new_report`, so it has the
changelog, Makefile, README and layouts folder of any new report.

Comments and tracked changes are read from the Word XML and each is a warning: the changes
are accepted (mammoth reads insertions and leaves deletions out), the comments are not
imported. A Word edition or redline made by report-build imports back without its furniture
(title page, contents, update notice, chapter numbers, version history).

``--into EXISTING`` adds the document as a chapter file of an existing report instead.
"""

from __future__ import annotations

import io
import re
import uuid
import zipfile
from pathlib import Path

import mammoth
from lxml import etree

from ..errors import Diagnostics, ScaffoldError
from ..source import frontmatter
from ..source.text import read_text
from . import markdown

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
IMAGE_EXTENSIONS = {"image/png": "png", "image/jpeg": "jpg", "image/gif": "gif", "image/svg+xml": "svg",
                    "image/webp": "webp", "image/bmp": "bmp", "image/tiff": "tif"}  # fmt: skip
# Word's styles (and the Word edition's own) mapped to the HTML markdown.py reads; "!" leaves out
STYLE_MAP = """
p[style-name='Title'] => p.doc-title:fresh
p[style-name='Subtitle'] => p.doc-subtitle:fresh
p[style-name='caption'] => p.caption:fresh
p[style-name='Caption'] => p.caption:fresh
p[style-name='Quote'] => blockquote > p:fresh
p[style-name='Intense Quote'] => blockquote > p:fresh
p[style-name='Callout Title'] => div.callout:fresh > p.callout-title:fresh
p[style-name='Callout'] => div.callout > p:fresh
p[style-name='Source Code'] => pre:separator('\\n')
p[style-name='Definition Term'] => p:fresh > strong
p[style-name='Definition'] => p:fresh
p[style-name='Table Text'] => p:fresh
p[style-name='List Continue'] => p:fresh
p[style-name='Chapter Number'] => !
p[style-name='Title Page'] => !
p[style-name='Update Notice'] => !
p[style-name='Update Notice Title'] => !
p[style-name='TOC Heading'] => !
p[style-name='toc 1'] => !
p[style-name='toc 2'] => !
p[style-name='toc 3'] => !
p[style-name='toc 4'] => !
p[style-name='Rule'] => hr
r[style-name='Verbatim Char'] => code
"""


def import_docx(
    draft: Path | str,
    folder: Path | str | None = None,
    *,
    into: Path | str | None = None,
    language: str | None = None,
    diagnostics: Diagnostics | None = None,
) -> list[Path]:
    """Import ``draft`` as a new report in ``folder``, or with ``into`` as a chapter file of the
    report whose manuscript (or folder) that is; return the files written, manuscript first."""
    diagnostics = diagnostics or Diagnostics()
    draft = Path(draft)
    read = read_docx(draft, diagnostics)
    if into is not None:
        return _into(read, Path(into), draft)
    if folder is None:
        raise ScaffoldError("name the new report's folder, or an existing report with --into")
    from ..scaffold import new_report

    title = read.title or _title_from(draft)
    tag = language or read.language or "en"
    primary = tag.split("-")[0].lower()
    scaffold_language = primary if primary in ("en", "fr", "ar") else "en"
    front = _front_matter(title, read.subtitle, read.authors, tag if primary == scaffold_language else "en")
    contents = {"report.md": (front + read.markdown).encode(), **read.images}
    written = new_report(Path(folder), title, scaffold_language, contents)
    (Path(folder) / "images").mkdir(exist_ok=True)  # where images go, as in any new report
    return written


class Read:
    """What a Word file gives: Markdown, images, title, subtitle, authors, language."""

    def __init__(self, markdown_text: str, images: dict[str, bytes], title: str, subtitle: str,
                 authors: list[str], language: str):  # fmt: skip
        self.markdown = markdown_text
        self.images = images
        self.title = title
        self.subtitle = subtitle
        self.authors = authors
        self.language = language


def read_docx(draft: Path, diagnostics: Diagnostics, image_prefix: str = "images/image") -> Read:
    try:
        data = draft.read_bytes()
        package = zipfile.ZipFile(io.BytesIO(data))
        document_xml = package.read("word/document.xml")
    except FileNotFoundError:
        raise ScaffoldError("no such file", draft) from None
    except (OSError, KeyError, zipfile.BadZipFile) as exc:
        raise ScaffoldError(f"not a Word file (.docx) that can be read: {exc}", draft) from None
    _report_reviews(package, document_xml, draft, diagnostics)
    images: dict[str, bytes] = {}

    def save_image(image) -> dict[str, str]:
        with image.open() as stream:
            content = stream.read()
        extension = IMAGE_EXTENSIONS.get(image.content_type, "bin")
        name = f"{image_prefix}-{len(images) + 1}.{extension}"
        images[name] = content
        return {"src": name, "alt": image.alt_text or ""}

    result = mammoth.convert_to_html(
        io.BytesIO(data), style_map=STYLE_MAP, convert_image=mammoth.images.img_element(save_image)
    )
    for message in result.messages:
        if "Unrecognised" in message.message and "style" in message.message:
            continue  # a paragraph in a style of its own is read as a paragraph: nothing is lost
        diagnostics.warn(f"Word import: {message.message}", draft)
    html = _without_history(result.value)
    converted = markdown.convert(html)
    for warning in converted.warnings:
        diagnostics.warn(warning, draft)
    title, authors, language = _properties(package)
    return Read(
        converted.markdown,
        images,
        title or converted.title,
        converted.subtitle,
        authors,
        language,
    )


def _without_history(html: str) -> str:
    """A Word edition's version history (from its bookmark to the end) is the changelog's, not text."""
    match = re.search(r'<h1><a id="version_history"></a>', html)
    if match is None:
        return html
    notes = re.search(r'<ol><li id="(?:foot|end)note-', html[match.start() :])
    return html[: match.start()] + (html[match.start() + notes.start() :] if notes else "")


def _properties(package: zipfile.ZipFile) -> tuple[str, list[str], str]:
    """Title, authors and language from the document's core properties (and its default language)."""
    title, authors, language = "", [], ""
    try:
        core = etree.fromstring(package.read("docProps/core.xml"))
        ns = {"dc": "http://purl.org/dc/elements/1.1/"}
        title = " ".join("".join(core.xpath("string(dc:title)", namespaces=ns)).split())
        creator = "".join(core.xpath("string(dc:creator)", namespaces=ns))
        authors = [name.strip() for name in re.split(r"[;\n]", creator) if name.strip()]
        language = "".join(core.xpath("string(dc:language)", namespaces=ns)).strip()
    except (KeyError, etree.XMLSyntaxError):
        pass
    if authors in (["python-docx"], ["Microsoft Office User"], ["Unknown"]):
        authors = []  # a template's or a machine's name, not the author's
    if not language:
        try:
            styles = etree.fromstring(package.read("word/styles.xml"))
            found = styles.find(f".//{W}docDefaults//{W}lang")
            language = found.get(f"{W}val", "") if found is not None else ""
        except (KeyError, etree.XMLSyntaxError):
            pass
    return title, authors, language


def _report_reviews(package: zipfile.ZipFile, document_xml: bytes, draft: Path, diagnostics: Diagnostics) -> None:
    """Each comment and tracked change is a warning; changes are accepted, comments left out."""
    body = etree.fromstring(document_xml)
    for change in body.iter(f"{W}ins", f"{W}del"):
        if change.getparent() is not None and change.getparent().tag in (f"{W}rPr", f"{W}trPr"):
            continue  # a paragraph mark or row changed with the text around it
        text = "".join(change.xpath(".//w:t/text()|.//w:delText/text()", namespaces={"w": W[1:-1]}))
        if not text.strip():
            continue
        kind = "insertion" if change.tag == f"{W}ins" else "deletion"
        author = change.get(f"{W}author", "someone")
        diagnostics.warn(f'tracked {kind} by {author} accepted: "{_short(text)}"', draft)
    if "word/comments.xml" not in package.namelist():
        return
    comments = etree.fromstring(package.read("word/comments.xml"))
    for comment in comments.iter(f"{W}comment"):
        text = " ".join("".join(comment.xpath(".//w:t/text()", namespaces={"w": W[1:-1]})).split())
        author = comment.get(f"{W}author", "someone")
        diagnostics.warn(f'comment by {author} not imported: "{_short(text)}"', draft)


def _short(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _yaml(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _front_matter(title: str, subtitle: str, authors: list[str], language: str) -> str:
    lines = ["---", f"title: {_yaml(title)}"]
    if subtitle:
        lines.append(f"subtitle: {_yaml(subtitle)}")
    if authors:
        lines.append("authors:")
        lines.extend(f"  - {_yaml(name)}" for name in authors)
    lines.append(f"language: {language}")
    lines.append(f'identifier: "urn:uuid:{uuid.uuid4()}"   # stable: keep it when the title changes')
    lines.append("layouts: layouts                     # this report's own layout overrides (see layouts/README.md)")
    lines.append("---")
    return "\n".join(lines) + "\n\n"


def _title_from(draft: Path) -> str:
    words = re.sub(r"[-_.\s]+", " ", draft.stem).strip()
    return (words[:1].upper() + words[1:]) or "Report"


def _into(read: Read, target: Path, draft: Path) -> list[Path]:
    """The document as a chapter file of an existing report, listed last in its ``chapters:``."""
    manuscript = target / "report.md" if target.is_dir() else target
    if not manuscript.is_file():
        raise ScaffoldError("is not a report's manuscript (or a folder holding report.md)", target)
    root = manuscript.parent
    stem = re.sub(r"[^a-z0-9]+", "-", (read.title or draft.stem).lower()).strip("-")[:40] or "imported"
    chapter = root / "chapters" / f"{stem}.md"
    number = 2
    while chapter.exists():
        chapter = root / "chapters" / f"{stem}-{number}.md"
        number += 1
    prefix = f"images/{chapter.stem}-image"
    body = read.markdown
    images = {}
    for name, data in read.images.items():
        renamed = name.replace("images/image", prefix, 1)
        body = body.replace(f"]({name}", f"]({renamed}").replace(f'src="{name}"', f'src="{renamed}"')
        images[renamed] = data
    if not re.search(r"^# ", body, re.MULTILINE):
        body = f"# {read.title or _title_from(draft)}\n\n{body}"
    text = read_text(manuscript)
    updated = _add_chapter(text, manuscript, chapter.relative_to(root).as_posix())
    written = []
    for name, data in images.items():
        path = root / name
        if path.exists():
            raise ScaffoldError("already exists; not overwritten", path)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        written.append(path)
    chapter.parent.mkdir(parents=True, exist_ok=True)
    chapter.write_text(body, encoding="utf-8")
    manuscript.write_text(updated, encoding="utf-8")
    return [chapter, manuscript, *written]


def _add_chapter(text: str, manuscript: Path, chapter: str) -> str:
    """The manuscript's front matter with ``chapter`` added at the end of ``chapters:``."""
    front, _body, offset = frontmatter.split(text, manuscript)
    lines = text.split("\n")
    if front is None:
        return f"---\nchapters:\n  - {chapter}\n---\n" + text
    closing = offset - 1  # the line of the closing ---
    key = next((i for i in range(1, closing) if re.match(r"^chapters:\s*(#.*)?$", lines[i])), None)
    if key is None:
        inline = next((i for i in range(1, closing) if re.match(r"^chapters:\s*\[", lines[i])), None)
        if inline is not None:
            lines[inline] = re.sub(r"\]\s*$", f", {chapter}]", lines[inline].rstrip())
            return "\n".join(lines)
        lines[closing:closing] = ["chapters:", f"  - {chapter}"]
        return "\n".join(lines)
    end = key + 1
    while end < closing and re.match(r"^\s+(-|#)|^\s*$", lines[end]):
        end += 1
    lines.insert(end, f"  - {chapter}")
    return "\n".join(lines)
