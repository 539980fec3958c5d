"""data: images: decoded, capped, checked like files, packaged into the ePub as files, drawn in the PDF."""

from __future__ import annotations

import base64
import io
import zipfile
from pathlib import Path
from urllib.parse import quote

import pikepdf
import pytest
from PIL import Image as PILImage

from conftest import build_bytes
from report_build import Diagnostics, ResourceError, image_data, load
from report_build.errors import StrictModeError

SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20" viewBox="0 0 40 20">'
    '<rect width="40" height="20" fill="#A8221B"/></svg>'
)


def image_bytes(fmt: str, size: tuple[int, int] = (30, 20), colour: str = "#1d6fa5") -> bytes:
    out = io.BytesIO()
    PILImage.new("RGB", size, colour).save(out, format=fmt)
    return out.getvalue()


def b64(kind: str, data: bytes) -> str:
    return f"data:{kind};base64,{base64.b64encode(data).decode()}"


def manuscript(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "report.md"
    path.write_text(f"---\ntitle: Inline images\n---\n\n# One\n\n{body}\n", encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("kind", "fmt"), [("image/png", "PNG"), ("image/jpeg", "JPEG"), ("image/gif", "GIF"), ("image/webp", "WEBP")]
)
def test_base64_rasters_decode_and_are_admitted(kind, fmt):
    data = image_bytes(fmt)
    assert image_data.decode(b64(kind, data)) == (kind, data)
    assert image_data.sniff(data) == kind
    assert image_data.admit(data, kind, Path("x")) == kind


def test_percent_encoded_svg_decodes_and_is_checked():
    kind, data = image_data.decode("data:image/svg+xml;charset=utf-8," + quote(SVG))
    assert kind == "image/svg+xml" and data == SVG.encode()
    assert image_data.admit(data, kind, Path("x.svg")) == "image/svg+xml"


def test_bytes_must_be_the_type_claimed():
    with pytest.raises(ResourceError, match="claims to be image/png but its bytes are JPEG"):
        image_data.admit(image_bytes("JPEG"), "image/png", Path("x"))
    with pytest.raises(ResourceError, match="not a PNG, JPEG, GIF, WebP or SVG"):
        image_data.admit(b"<html><body>not found</body></html>", "image/png", Path("x"))


@pytest.mark.parametrize("lenient", [False, True])
def test_truncated_image_is_refused(monkeypatch, lenient):
    from PIL import ImageFile

    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", lenient)  # WeasyPrint sets it once imported
    data = image_bytes("PNG", (300, 300))
    with pytest.raises(ResourceError, match="cannot be read as PNG"):
        image_data.admit(data[: len(data) // 2], "image/png", Path("x"))


def test_unsafe_svg_is_refused_as_a_file_would_be():
    bomb = '<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaa">]><svg xmlns="http://www.w3.org/2000/svg">&a;</svg>'
    with pytest.raises(ResourceError, match="declares XML entities"):
        image_data.admit(bomb.encode(), "image/svg+xml", Path("x.svg"))
    remote = '<svg xmlns="http://www.w3.org/2000/svg"><image href="https://example.org/a.png"/></svg>'
    with pytest.raises(ResourceError, match=r"refers to 'https://example\.org/a\.png'; refused"):
        image_data.admit(remote.encode(), "image/svg+xml", Path("x.svg"))
    for linked in (
        '<?xml-stylesheet type="text/css" href="https://example.org/s.css"?><svg xmlns="http://www.w3.org/2000/svg"/>',
        '<svg xmlns="http://www.w3.org/2000/svg"><?xml-stylesheet href="s.css"?></svg>',
    ):
        with pytest.raises(ResourceError, match=r"links a stylesheet"):
            image_data.admit(linked.encode(), "image/svg+xml", Path("x.svg"))
    own = '<?xml-stylesheet href="#style"?><svg xmlns="http://www.w3.org/2000/svg"><style id="style"/></svg>'
    image_data.admit(own.encode(), "image/svg+xml", Path("x.svg"))  # its own part: allowed


def test_oversized_and_malformed_data_uris_are_refused(monkeypatch):
    monkeypatch.setattr(image_data, "MAX_DATA_BYTES", 1000)
    with pytest.raises(ResourceError, match="larger than"):
        image_data.decode(b64("image/png", image_bytes("PNG", (400, 400), "#123456") + b"\0" * 2000))
    with pytest.raises(ResourceError, match="not valid base64"):
        image_data.decode("data:image/png;base64,iVBOR*w0KGgo")
    with pytest.raises(ResourceError, match="type 'text/html' is refused"):
        image_data.decode("data:text/html,<b>hi</b>")
    with pytest.raises(ResourceError, match="no ','"):
        image_data.decode("data:image/png;base64")


def test_manuscript_data_images_become_images_with_their_bytes(tmp_path):
    png, gif = image_bytes("PNG"), image_bytes("GIF", (12, 12))
    body = (
        f"![A blue block]({b64('image/png', png)})\n\n"
        f"Inline ![a red mark](data:image/svg+xml,{quote(SVG)}) in text.\n\n"
        f'<p><img alt="A raw one" src="{b64("image/gif", gif)}"></p>\n\n'
        "Again: ![The same block][same]\n\n"
        f"[same]: <{b64('image/png', png)}>\n"
    )
    document = load(manuscript(tmp_path, body), Diagnostics(strict=True, echo=False))
    by_type = {image.path.suffix: image for image in document.images}
    assert sorted(by_type) == [".gif", ".png", ".svg"]  # the PNG used twice is one image
    assert by_type[".png"].data == png and by_type[".gif"].data == gif and by_type[".svg"].data == SVG.encode()
    assert all(image.path.parent == tmp_path.resolve() and not image.path.exists() for image in document.images)
    body_html = document.chapters[0].body
    assert "data:" not in body_html and body_html.count(by_type[".png"].src) == 2
    assert by_type[".png"].line == 7  # the first use


def test_bad_data_image_is_a_placeholder_and_a_fault_at_its_line(tmp_path):
    path = manuscript(tmp_path, "Text.\n\n![Looks like a PNG](data:image/png;base64,R0lGODlhAQABAAAAACw=)\n")
    with pytest.raises(StrictModeError) as info:
        load(path, Diagnostics(echo=False, strict=True))
    assert info.value.path == path and info.value.line == 9
    assert "image written as a data: URI claims to be image/png but its bytes are GIF" in str(info.value)
    document = load(path, Diagnostics(echo=False))  # a draft: the alt text in a placeholder
    assert '<span class="image-omitted">Image not included: Looks like a PNG</span>' in document.chapters[0].body
    assert document.images == ()


@pytest.fixture(scope="module")
def inline_manuscript(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("inline")
    body = (
        f"![A blue block]({b64('image/png', image_bytes('PNG', (60, 40)))})\n\n"
        f"![A red bar](data:image/svg+xml,{quote(SVG)})\n"
    )
    return manuscript(folder, body)


@pytest.mark.e2e
def test_epub_packages_data_images_as_files(inline_manuscript):
    from epubcheck_helper import epubcheck_many

    data = build_bytes(inline_manuscript, "epub")
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        names = book.namelist()
        text = " ".join(book.read(n).decode() for n in names if n.endswith((".xhtml", ".opf")))
        packaged = {n: book.read(n) for n in names if n.startswith("EPUB/images/img-")}
    assert "data:" not in text
    assert sorted(Path(n).suffix for n in packaged) == [".png", ".svg"]
    assert PILImage.open(io.BytesIO(packaged[next(n for n in packaged if n.endswith(".png"))])).size == (60, 40)
    assert epubcheck_many({"inline": data}) == {"inline": []}


@pytest.mark.e2e
def test_pdf_draws_data_images_without_the_network(inline_manuscript):
    data = build_bytes(inline_manuscript, "pdf")  # strict: a missing image would be a warning
    with pikepdf.open(io.BytesIO(data)) as pdf:
        rasters = [image for page in pdf.pages for image in page.get_images().values()]
        sizes = {(int(image.Width), int(image.Height)) for image in rasters}
    assert (60, 40) in sizes
