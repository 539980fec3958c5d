"""Issue 5: bad input, untrusted content and failures: a clear error, nothing lost, nothing leaked.

Every failure is ``file:line: message`` on stderr, exit code 1, no traceback, and no new or
changed file; warnings name their line and never hide. The command line is tested where the
exit code, the message or the files on disk matter; the Python API elsewhere.
"""

from __future__ import annotations

import inspect
import io
import json
import os
import re
import shutil
import signal
import socket
import struct
import subprocess
import sys
import threading
import time
import zipfile
import zlib
from pathlib import Path

import pikepdf
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from PIL import Image

import report_build
from conftest import FIXTURES, pdf_pages, squash
from report_build import Diagnostics, RenderError, ReportBuildError, build, limits, load
from report_build.errors import StrictModeError
from report_build.source.text import REMOVED
from report_build.writers.pdf.fetcher import SandboxFetcher

BAD = FIXTURES / "bad"
RB = [sys.executable, "-m", "report_build"]
SECRET = "RB-SECRET-MARKER-5f3a9c"  # must never reach an output
ENV = {key: value for key, value in os.environ.items() if key != "REPORT_BUILD_DEBUG"}


# -- helpers ------------------------------------------------------------------------------


def cli(*args: object, cwd: Path, **kwargs: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*RB, *map(str, args)], cwd=cwd, capture_output=True, text=True, timeout=300, env=ENV, **kwargs
    )


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` with its bytes: to prove nothing was added or changed.

    The pagination cache (``output/.cache``) is not an output and is left out.
    """
    return {
        str(path.relative_to(folder)): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file() and not path.is_symlink() and ".cache" not in path.relative_to(folder).parts
    }


def write(path: Path, text: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def assert_clean_failure(result: subprocess.CompletedProcess[str], where: str, *words: str) -> None:
    assert result.returncode == 1, (result.returncode, result.stderr)
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr, result.stderr
    assert where in result.stderr, result.stderr
    for word in words:
        assert word in result.stderr, (word, result.stderr)


def pdf_fails(tmp_path: Path, manuscript: Path, where: str, *words: str, args: tuple[str, ...] = ()) -> str:
    """Build through the CLI, expect a clean failure, and that no file was written or changed."""
    before = snapshot(tmp_path)
    result = cli("pdf", manuscript, "-o", tmp_path / "out" / "report.pdf", *args, cwd=tmp_path)
    assert_clean_failure(result, where, *words)
    assert snapshot(tmp_path) == before, "a failed build wrote or changed a file"
    return result.stderr


def built(manuscript: Path, formats: tuple[str, ...] = ("pdf",), strict: bool = False, **kwargs: object):
    diagnostics = Diagnostics(strict=strict, echo=False)
    results = build(manuscript, formats, write=False, diagnostics=diagnostics, **kwargs)
    return {result.format: result.data for result in results}, diagnostics


def png(path: Path, size: tuple[int, int] = (40, 30), color: str = "steelblue", text: str = "") -> Path:
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    if text:
        info.add_text("Comment", text)
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", size, color).save(path, pnginfo=info)
    return path


def png_claiming(path: Path, width: int, height: int) -> Path:
    """A tiny file whose PNG header claims ``width`` x ``height`` pixels: a decompression bomb."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    data = (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b"")
    )
    path.write_bytes(data)
    return path


def epub_texts(data: bytes) -> dict[str, str]:
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        return {name: package.read(name).decode("utf-8") for name in package.namelist() if name.endswith(".xhtml")}


@pytest.fixture(scope="session")
def epub_works() -> bool:
    """Whether the ePub writer exists and builds the basic fixture (the ePub checks depend on it)."""
    try:
        built(FIXTURES / "basic" / "report.md", ("epub",))
    except Exception:
        return False
    return True


@pytest.fixture
def secret(tmp_path: Path) -> Path:
    """A folder outside the manuscript's, holding files with a marker that must never get out."""
    folder = tmp_path / "secret"
    write(folder / "secret.txt", f"{SECRET}\n")
    write(folder / "secret.css", f'body::after {{ content: "{SECRET}"; }}\n')
    png(folder / "secret.png", text=SECRET)
    return folder


def assert_secret_nowhere(tmp_path: Path, secret: Path) -> None:
    for path in tmp_path.rglob("*"):
        if path.is_file() and not path.is_symlink() and secret not in path.parents:
            assert SECRET.encode() not in path.read_bytes(), f"the secret reached {path}"


# -- 1, 2: front matter, encoding ---------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "where", "words"),
    [
        ("---\ntitle: T\n\n# One\n\nText.\n", ":1:", "never closed"),
        ("---\ntitle: T\nauthors: [a, b\n---\n\n# One\n", ":3:", "front matter line 3: the '[' opened"),
        ("---\ntitle: " + "[" * 400 + "]" * 400 + "\n---\n\n# One\n", ":2:", "nested more than"),
        ("+++\ntitle = 'T\n+++\n\n# One\n", ":2:", "front matter (TOML) cannot be read"),
        ("---\ntitle: T\ncover_image: ../missing.png\n---\n\n# One\n", ":3:", "must be a path inside"),
    ],
    ids=["unclosed", "yaml", "deep-yaml", "toml", "cover-outside"],
)
@pytest.mark.e2e
def test_front_matter_errors_name_their_line(tmp_path, text, where, words):
    manuscript = write(tmp_path / "report.md", text)
    pdf_fails(tmp_path, manuscript, "report.md" + where, words)


@pytest.mark.parametrize(
    ("text", "where", "words"),
    [
        ("---\ntitle: [a, b]\n---\n\n# One\n\nText.\n\n# Two\n", ":2:", "'title' must be text, not list"),
        ("---\ntitle: T\nsubtitle:\n  - x\n  - y\n---\n\n# One\n", ":3:", "'subtitle' must be text"),
        ("---\ntitle: T\ndate: 2020-13-45\n---\n\n# One\n", ":3:", "not a real date"),
        ('---\ntitle: "A\\x0bB"\n---\n\n# One\n\nText.\n\n# Two\n', ":2:", "control character"),
        ("---\ntitle: T\nlayouts: no-such-folder\n---\n\n# One\n", ":3:", "does not exist"),
        ("---\ntitle: T\npage_size: 1mm 1mm\n---\n\n# One\n", ":3:", "out of range"),
        ("---\ntitle: T\nslug: /docs/intro\n---\n\n# One\n", ":3:", "is a site's address"),
    ],
    ids=["list-for-text", "list-for-subtitle", "date", "control", "layouts", "page", "site-slug"],
)
@pytest.mark.e2e
def test_a_front_matter_value_a_draft_leaves_out_is_a_warning_and_refused_when_strict(tmp_path, text, where, words):
    """A value of the wrong kind, or one that names nothing: the draft builds without it (the
    key's default) and says so at its line; --strict refuses it, writing nothing."""
    manuscript = write(tmp_path / "report.md", text)
    result = cli("pdf", manuscript, "-o", tmp_path / "out" / "report.pdf", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert f"report.md{where} warning: " in result.stderr and words in result.stderr, result.stderr
    assert (tmp_path / "out" / "report.pdf").read_bytes().startswith(b"%PDF-")
    (tmp_path / "out" / "report.pdf").unlink()
    pdf_fails(tmp_path, manuscript, "report.md" + where, words, args=("--strict",))


@pytest.mark.e2e
def test_bytes_that_are_not_utf8_name_their_line(tmp_path):
    shutil.copy(BAD / "latin1.md", tmp_path / "latin1.md")
    pdf_fails(tmp_path, tmp_path / "latin1.md", "latin1.md:7:", "not valid UTF-8 (byte 0xe9)")


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("# One\n\nA form\x0cfeed.\n", 3, "the form feed U+000C at column 7"),
        ("# One\n\nText.\n\nA \x1b escape.\n", 5, "the escape character U+001B"),
        ("# One\n\nA nonchar \ufffe.\n", 3, "U+FFFE"),
        ("# One\n\nNUL\x00.\n", 3, "NUL"),
        ("# One\n\nA back\x08space.\n", 3, "the control character U+0008 at column 7"),
    ],
)
def test_characters_xhtml_cannot_hold_are_removed_with_a_warning_at_their_line(tmp_path, text, line, words):
    manuscript = write(tmp_path / "r.md", text)
    draft = Diagnostics(echo=False)
    body = load(manuscript, draft).chapters[0].body
    assert [(w.line, words in w.message and "removed" in w.message) for w in draft.warnings] == [(line, True)]
    assert not any(char in body for char in "\x00\x08\x0c\x1b\ufffe"), body
    with pytest.raises(StrictModeError) as info:  # --strict, release and check refuse it
        load(manuscript, Diagnostics(echo=False, strict=True))
    assert info.value.line == line and words in info.value.message, str(info.value)


@pytest.mark.parametrize(("where", "line"), [("variables.yaml", 2), ("changelog.yaml", 5)])
def test_characters_written_as_yaml_escapes_are_removed_with_a_warning_at_their_line(tmp_path, where, line):
    """A YAML escape writes what no UTF-8 file (a lone surrogate) or XHTML page (a control
    character) can hold: taken out with a warning at its line, as in the text; not an internal
    error. (In the front matter, a field holding one is refused, as before: see below.)"""
    escaped = '"Field \\ud800 notes \\x07"'
    write(tmp_path / "r.md", "---\ntitle: Field notes\n---\n\n# One\n\nA {{< var name >}} report.\n")
    (tmp_path / "variables.yaml").write_text(f"# names\nname: {escaped if where == 'variables.yaml' else 'short'}\n")
    notes = escaped if where == "changelog.yaml" else "First."
    (tmp_path / "changelog.yaml").write_text(
        f"releases:\n  - version: '1.0'\n    date: 2020-01-01\n    summary: First.\n    notice: {notes}\n",
        encoding="utf-8",
    )
    draft = Diagnostics(echo=False)
    document = load(tmp_path / "r.md", draft)
    found = [(Path(w.path).name, w.line) for w in draft.warnings if "written as an escape, is removed" in w.message]
    assert found == [(where, line), (where, line)]  # the surrogate and the bell
    assert "\ud800" not in repr(document) and "\x07" not in repr(document)
    with pytest.raises(StrictModeError) as info:
        load(tmp_path / "r.md", Diagnostics(echo=False, strict=True))
    assert info.value.line == line


@pytest.mark.parametrize("suffix", ["yaml", "json"])
def test_characters_written_as_escapes_in_a_bibliography_are_removed_with_a_warning_at_their_line(tmp_path, suffix):
    """A bibliography exported by a reference manager may write a lone surrogate or a control
    character as an escape: taken out with a warning at its line, as in the variables; it
    stopped the build with an internal UnicodeEncodeError."""
    entry = (
        '- id: smith\n  type: book\n  title: "Field \\ud800 notes \\x07"\n  issued:\n    date-parts: [[2020]]\n'
        if suffix == "yaml"
        else '[{"id": "smith", "type": "book",\n  "title": "Field \\ud800 notes \\u0007",\n'
        '  "issued": {"date-parts": [[2020]]}}]\n'
    )
    (tmp_path / f"refs.{suffix}").write_text(entry, encoding="utf-8")
    manuscript = write(
        tmp_path / "r.md", f"---\ntitle: T\nbibliography: refs.{suffix}\n---\n\n# One\n\nAs @smith says.\n"
    )
    draft = Diagnostics(echo=False)
    document = load(manuscript, draft)
    found = [(Path(w.path).name, w.line) for w in draft.warnings if "written as an escape, is removed" in w.message]
    assert found == [(f"refs.{suffix}", 3 if suffix == "yaml" else 2)] * 2  # the surrogate and the bell
    assert "Field  notes" in repr(document) and "\ud800" not in repr(document)
    with pytest.raises(StrictModeError):
        load(manuscript, Diagnostics(echo=False, strict=True))


MARK_LINES = {
    "a list set aside (MkDocs)": "\ue0300\ue031",
    "one past the lists set aside": "\ue0307\ue031",
    "an escaped variable": "\ue0109\ue011",
    "a citation": "See \ue000nobody\ue001 here.",
    "a translated variable": "A \ue020x\ue200\ue021 word.",
}


@pytest.mark.parametrize("name", list(MARK_LINES))
def test_characters_the_reading_uses_as_its_own_marks_are_removed_with_a_warning(tmp_path, name):
    """The reading marks its own work in the text with private-use characters (text.MARKS): an
    author's, pasted from elsewhere, was taken for one of them (a line of the MkDocs lists' mark
    stopped the build with an internal IndexError). Removed as read, with a warning at its line
    and column; an error with --strict."""
    line = MARK_LINES[name]
    manuscript = write(
        tmp_path / "r.md",
        "---\ntitle: Marks\ndialects: [mkdocs]\n---\n\n# One\n\n"
        f"- a list\n\n    !!! note\n\n        Inside.\n\n{line}\n\nEnd.\n",
    )
    draft = Diagnostics(echo=False)
    document = load(manuscript, draft)
    removed = [(w.line, w.message) for w in draft.warnings if "private-use character" in w.message]
    assert removed and all(at == 14 for at, _message in removed), removed
    assert "report-build uses it to mark its own work in the text" in removed[0][1]
    assert not re.search("[\ue000-\ue0ff]", repr(document))
    assert "End." in document.chapters[0].body and "Inside." in document.chapters[0].body
    with pytest.raises(StrictModeError):
        load(manuscript, Diagnostics(echo=False, strict=True))


def test_a_mark_written_as_a_yaml_escape_in_the_variables_is_removed_with_a_warning(tmp_path):
    write(tmp_path / "r.md", "---\ntitle: Marks\n---\n\n# One\n\n{{< var name >}}\n")
    (tmp_path / "variables.yaml").write_text('name: "\\ue0300\\ue031"\n', encoding="utf-8")
    draft = Diagnostics(echo=False)
    load(tmp_path / "r.md", draft)
    found = [(Path(w.path).name, w.line) for w in draft.warnings if "U+E030, written as an escape" in w.message]
    assert found == [("variables.yaml", 1)]


@pytest.mark.parametrize(
    ("cell", "named"), [("X\\ue0105\\ue011Y", "private-use character U+E010"), ("P\\ud800Q", "lone surrogate U+D800")]
)
def test_a_data_cell_holding_an_escaped_mark_or_surrogate_is_an_error_at_its_line(tmp_path, cell, named):
    """A JSON data file may write by escape what its text cannot hold: a data cell's fault is an
    error at the file's line (it was an internal IndexError or UnicodeEncodeError)."""
    write(tmp_path / "r.md", "---\ntitle: Cells\n---\n\n# One\n\nValue {{< var va >}} here.\n")
    (tmp_path / "variables.yaml").write_text("va: {data: d.json, row: {key: a}, column: v, format: as written}\n")
    (tmp_path / "d.json").write_text(f'[\n  {{"key": "b", "v": "ok"}},\n  {{"key": "a", "v": "{cell}"}}\n]\n')
    with pytest.raises(ReportBuildError) as info:
        load(tmp_path / "r.md", Diagnostics(echo=False))
    assert (Path(info.value.path).name, info.value.line) == ("d.json", 3)
    assert named in str(info.value) and "written as an escape" in str(info.value)


def test_a_chart_spec_holding_an_escaped_surrogate_is_a_placeholder_with_a_warning_at_its_line(tmp_path):
    spec = {"data": {"values": [{"a": 1}]}, "mark": "bar", "encoding": {"x": {"field": "a", "type": "quantitative"}}}
    text = json.dumps(spec, indent=1).replace('"mark"', '"title": "Bad \\ud800 title",\n "mark"')
    (tmp_path / "c.vl.json").write_text(text)
    write(tmp_path / "r.md", "---\ntitle: Chart\n---\n\n# One\n\n![A chart](c.vl.json)\n")
    draft = Diagnostics(echo=False)
    load(tmp_path / "r.md", draft)
    found = [(Path(w.path).name, w.line) for w in draft.warnings if "lone surrogate U+D800" in w.message]
    assert found == [("c.vl.json", text.split("\n").index(' "title": "Bad \\ud800 title",') + 1)]


def test_a_mark_written_as_an_escape_in_the_front_matter_is_left_out_at_its_line(tmp_path):
    """The value never reaches the model: a draft leaves it out with a warning, --strict refuses it."""
    manuscript = write(tmp_path / "r.md", '---\ntitle: "T \\ue000ab\\ue001 x"\n---\n\n# One\n\nText.\n')
    listed = write(tmp_path / "k.md", '---\ntitle: T\nkeywords: ["a \\ue000 b"]\n---\n\n# One\n\nText.\n')
    for path, line in ((manuscript, 2), (listed, 3)):
        draft = Diagnostics(echo=False)
        metadata = load(path, draft).metadata
        assert "\ue000" not in metadata.title and not any("\ue000" in word for word in metadata.keywords)
        assert [(w.line, "private-use character" in w.message) for w in draft.warnings] == [(line, True)]
        with pytest.raises(StrictModeError) as info:
            load(path, Diagnostics(echo=False, strict=True))
        assert info.value.line == line and "private-use character" in str(info.value), str(info.value)


def test_marks_and_escapes_in_a_bibtex_or_csl_json_bibliography_are_removed_at_their_lines(tmp_path):
    (tmp_path / "refs.bib").write_text(
        "@book{smith,\n  author = {Smith, A.},\n  title = {Field \ue000 notes},\n  year = 2020\n}\n"
    )
    (tmp_path / "more.json").write_text('[{"id": "jones", "type": "book",\n  "title": "Form\\ffeed"}]\n')
    write(tmp_path / "r.md", "---\ntitle: T\nbibliography: [refs.bib, more.json]\n---\n\n# One\n\n@smith and @jones.\n")
    draft = Diagnostics(echo=False)
    document = load(tmp_path / "r.md", draft)
    found = sorted((Path(w.path).name, w.line) for w in draft.warnings if "is removed" in w.message)
    assert found == [("more.json", 2), ("refs.bib", 3)]
    assert "\ue000" not in repr(document) and "\x0c" not in repr(document)


def test_characters_in_data_files_and_chart_specs_are_removed_with_a_warning_at_their_line(tmp_path):
    """Written in the files themselves (not as escapes), they were removed without a word."""
    (tmp_path / "d.csv").write_text("key,v\na,one\x07\nb,t\ue030wo\n")
    spec = {"data": {"url": "d.csv"}, "mark": "bar", "encoding": {"x": {"field": "v", "type": "nominal"}}}
    text = json.dumps(spec, indent=1).replace('"bar"', '"bar\x0b"')
    (tmp_path / "c.vl.json").write_text(text)
    (tmp_path / "variables.yaml").write_text("va: {data: d.csv, row: {key: b}, column: v, format: as written}\n")
    write(tmp_path / "r.md", "---\ntitle: Data\n---\n\n# One\n\nValue {{< var va >}}.\n\n![A chart](c.vl.json)\n")
    draft = Diagnostics(echo=False)
    document = load(tmp_path / "r.md", draft)
    found = sorted((Path(w.path).name, w.line) for w in draft.warnings if "is removed" in w.message)
    mark_line = next(number for number, line in enumerate(text.split("\n"), 1) if "bar" in line)
    assert found == [("c.vl.json", mark_line), ("d.csv", 2), ("d.csv", 3)], draft.warnings
    assert "Value two." in document.chapters[0].body


def test_every_mark_the_reading_writes_is_one_it_removes_from_what_it_reads():
    """A new mark outside text.MARKS would let an author's character be taken for it again."""
    package = Path(report_build.__file__).parent
    used = set()
    for module in package.rglob("*.py"):
        used.update(re.findall(r"\\u(e[0-9a-f]{3}|f[0-8][0-9a-f]{2})", module.read_text(encoding="utf-8")))
    marks = {code for code in used if int(code, 16) <= 0xE0FF}
    assert {"e000", "e001", "e010", "e011", "e020", "e021", "e030", "e031"} <= marks
    assert all(REMOVED.match(chr(int(code, 16))) for code in marks)


def test_a_lone_surrogate_in_the_front_matter_is_left_out_at_its_line(tmp_path):
    manuscript = write(tmp_path / "r.md", '---\ntitle: "Field \\ud800 notes"\n---\n\n# One\n\nText.\n')
    draft = Diagnostics(echo=False)
    assert "\ud800" not in load(manuscript, draft).metadata.title
    assert [(w.line, "lone surrogate U+D800" in w.message) for w in draft.warnings] == [(2, True)]
    with pytest.raises(StrictModeError) as info:
        load(manuscript, Diagnostics(echo=False, strict=True))
    assert info.value.line == 2 and "lone surrogate U+D800" in str(info.value), str(info.value)


def test_a_file_full_of_nul_characters_is_not_utf8_text(tmp_path):
    """Many NULs are UTF-16 (or not text at all): unreadable input, refused even in a draft."""
    manuscript = write(tmp_path / "r.md", "# One\n\nText written as UTF-16.\n".encode("utf-16-le"))
    with pytest.raises(ReportBuildError) as info:
        load(manuscript, Diagnostics(echo=False))
    assert info.value.line == 1 and "not UTF-8 text (UTF-16?)" in info.value.message


# -- 3, 4: missing images, and files outside the allowed folders ----------------------------


@pytest.mark.e2e
def test_missing_image_is_refused_by_strict_with_its_line(tmp_path):
    """A draft shows a placeholder (tests below); --strict refuses it, writing nothing."""
    manuscript = write(tmp_path / "m" / "report.md", "# One\n\nText.\n\n![A chart](images/chart.png)\n")
    pdf_fails(tmp_path, manuscript, "report.md:5:", "not found", args=("--strict",))
    raw = write(tmp_path / "m" / "raw.md", '# One\n\n<p><img src="nope.png" alt="A chart"></p>\n')
    pdf_fails(tmp_path, raw, "raw.md:3:", "not found", args=("--strict",))


@pytest.mark.e2e
def test_missing_image_in_a_layout_template_fails_the_build(tmp_path):
    """WeasyPrint alone only logs a missing image and exits 0; the pipeline must not."""
    folder = tmp_path / "m"
    write(
        folder / "layouts" / "cover.html",
        '<section class="cover" id="cover"><img src="logo.png" alt="Logo"/></section>\n',
    )
    manuscript = write(folder / "report.md", "---\ntitle: T\nlayouts: layouts\n---\n\n# One\n\nText.\n")
    pdf_fails(tmp_path, manuscript, "report.md", "logo.png")


@pytest.mark.parametrize(
    "reference",
    ["../../etc/passwd", "../secret/secret.png", "ABSOLUTE", "file://ABSOLUTE", "link.png", "linked/secret.png"],
    ids=["etc-passwd", "dot-dot", "absolute", "file-url", "symlink", "symlinked-folder"],
)
@pytest.mark.e2e
def test_images_outside_the_manuscript_folder_are_refused(tmp_path, secret, reference):
    folder = tmp_path / "m"
    folder.mkdir()
    (folder / "link.png").symlink_to(secret / "secret.png")
    (folder / "linked").symlink_to(secret, target_is_directory=True)
    reference = reference.replace("ABSOLUTE", str(secret / "secret.png"))
    manuscript = write(folder / "report.md", f"# One\n\nText.\n\n![A secret]({reference})\n")
    stderr = pdf_fails(tmp_path, manuscript, "report.md:5:", "refused")
    assert SECRET not in stderr
    assert_secret_nowhere(tmp_path, secret)


@pytest.mark.e2e
def test_cover_image_and_svg_cannot_reach_outside(tmp_path, secret):
    folder = tmp_path / "m"
    folder.mkdir()
    (folder / "cover.png").symlink_to(secret / "secret.png")
    cover = write(folder / "cover.md", "---\ntitle: T\ncover_image: cover.png\n---\n\n# One\n\nText.\n")
    pdf_fails(tmp_path, cover, "cover.md:3:", "outside the manuscript and layouts folders")
    write(
        folder / "chart.svg",
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="10" height="10">'
        f'<image xlink:href="{(secret / "secret.png").as_uri()}" width="10" height="10"/></svg>\n',
    )
    svg = write(folder / "svg.md", "# One\n\nText.\n\n![A chart](chart.svg)\n")
    pdf_fails(tmp_path, svg, "svg.md:5:", "chart.svg", "refused")
    write(
        folder / "entity.svg",
        f'<?xml version="1.0"?>\n<!DOCTYPE svg [<!ENTITY s SYSTEM "{(secret / "secret.txt").as_uri()}">]>\n'
        '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><text>&s;</text></svg>\n',
    )
    entity = write(folder / "entity.md", "# One\n\nText.\n\n![A chart](entity.svg)\n")
    pdf_fails(tmp_path, entity, "entity.md:5:", "entities")
    assert_secret_nowhere(tmp_path, secret)


@pytest.mark.parametrize(
    ("css", "line"),
    [
        ("@import url(SECRET_URI);\n", 1),
        ("body {\n  background: url(SECRET_PATH);\n}\n", 2),
        ("p { color: black; }\n@import 'SECRET_URI';\n", 2),
        ("body { background: url('../../../secret/secret.png'); }\n", 1),
        ("@font-face { font-family: X; src: url(SECRET_PATH); }\n", 1),
    ],
    ids=["import-file-url", "absolute-path", "import-string", "dot-dot", "font"],
)
@pytest.mark.e2e
def test_layout_stylesheet_cannot_pull_files_from_outside(tmp_path, secret, css, line):
    folder = tmp_path / "m"
    css = css.replace("SECRET_URI", (secret / "secret.css").as_uri()).replace("SECRET_PATH", str(secret / "secret.png"))
    write(folder / "layouts" / "css" / "custom.css", css)
    manuscript = write(folder / "report.md", "---\ntitle: T\nlayouts: layouts\n---\n\n# One\n\nText.\n")
    pdf_fails(tmp_path, manuscript, f"custom.css:{line}:", "refused")
    assert_secret_nowhere(tmp_path, secret)


@pytest.mark.e2e
def test_layout_template_cannot_pull_files_from_outside(tmp_path, secret):
    """A template is not checked before rendering: WeasyPrint's fetcher refuses, and the build fails."""
    folder = tmp_path / "m"
    write(
        folder / "layouts" / "cover.html",
        f'<link rel="stylesheet" href="{(secret / "secret.css").as_uri()}"/>\n'
        f'<section class="cover" id="cover"><img src="{secret / "secret.png"}" alt="x"/></section>\n',
    )
    manuscript = write(folder / "report.md", "---\ntitle: T\nlayouts: layouts\n---\n\n# One\n\nText.\n")
    pdf_fails(tmp_path, manuscript, "report.md", "refused")
    assert_secret_nowhere(tmp_path, secret)


@pytest.mark.e2e
def test_sandbox_fetcher_refuses_outside_files_symlinks_and_network(tmp_path, secret):
    from weasyprint import HTML
    from weasyprint.urls import FatalURLFetchingError

    root = tmp_path / "m"
    png(root / "inside.png")
    (root / "link.png").symlink_to(secret / "secret.png")
    fetcher = SandboxFetcher([root])
    assert fetcher.fetch((root / "inside.png").as_uri()).read().startswith(b"\x89PNG")
    for url in [
        (secret / "secret.css").as_uri(),
        (root / "link.png").as_uri(),
        (root / ".." / "secret" / "secret.txt").as_uri(),
        "file://otherhost/etc/hosts",
        "http://example.com/a.css",
        "ftp://example.com/a.png",
    ]:
        with pytest.raises(FatalURLFetchingError):
            fetcher.fetch(url)
    page = f'<style>@import url("{(secret / "secret.css").as_uri()}");</style><p>x</p>'
    with pytest.raises(FatalURLFetchingError):
        HTML(string=page, base_url=root.as_uri() + "/", url_fetcher=SandboxFetcher([root])).write_pdf()


# -- 5: remote resources, never a network attempt -------------------------------------------


@pytest.fixture
def no_network(monkeypatch):
    attempts: list[object] = []

    def refuse(*args: object, **kwargs: object) -> None:
        attempts.append(args)
        raise OSError("the network is off in this test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    return attempts


NOT_FETCHED = {  # a draft shows a placeholder, with a warning naming fetch; a strict build refuses it
    "http-image": "# One\n\n![A chart](http://example.com/chart.png)\n",
    "https-image": "# One\n\n![A chart](https://example.com/chart.png)\n",
    "raw-html-image": '# One\n\n<p><img src="https://example.com/c.png" alt="A chart"></p>\n',
}


@pytest.mark.e2e
@pytest.mark.parametrize("case", sorted(NOT_FETCHED))
def test_a_remote_image_not_fetched_is_left_out_without_a_network_attempt(tmp_path, no_network, case):
    manuscript = write(tmp_path / "report.md", NOT_FETCHED[case])
    started = time.monotonic()
    outputs, diagnostics = built(manuscript)
    (warning,) = [w for w in diagnostics.warnings if "has not been fetched" in w.message]
    assert warning.line == 3 and "report-build fetch" in warning.message
    assert squash("Image not included: A chart") in squash(" ".join(pdf_pages(outputs["pdf"])))
    with pytest.raises(ReportBuildError) as info:
        built(manuscript, strict=True)
    assert time.monotonic() - started < 20
    assert "has not been fetched" in str(info.value) and info.value.line == 3
    assert no_network == [], "a build tried to use the network"


REMOTE_CASES = {
    "ftp-image": ("# One\n\n![A chart](ftp://example.com/chart.png)\n", None, "remote"),
    "protocol-relative": ("# One\n\n![A chart](//example.com/chart.png)\n", None, "remote"),
    "css-import": ("# One\n\nText.\n", "@import url(https://example.com/x.css);\n", "remote"),
    "css-font": (
        "# One\n\nText.\n",
        "@font-face { font-family: X; src: url(https://example.com/x.woff2); }\n",
        "remote",
    ),
    "css-background": ("# One\n\nText.\n", "body { background: url(ftp://example.com/x.png); }\n", "remote"),
    "template-image": ("# One\n\nText.\n", "TEMPLATE", "never use the network"),
}


@pytest.mark.e2e
@pytest.mark.parametrize("case", sorted(REMOTE_CASES))
def test_remote_resources_are_refused_without_a_network_attempt(tmp_path, no_network, case):
    body, css, words = REMOTE_CASES[case]
    front = ""
    if css == "TEMPLATE":
        write(
            tmp_path / "layouts" / "cover.html",
            '<section id="cover"><img src="https://example.com/logo.png" alt="x"/></section>\n',
        )
        front = "---\ntitle: T\nlayouts: layouts\n---\n\n"
    elif css is not None:
        write(tmp_path / "layouts" / "css" / "custom.css", css)
        front = "---\ntitle: T\nlayouts: layouts\n---\n\n"
    manuscript = write(tmp_path / "report.md", front + body)
    started = time.monotonic()
    with pytest.raises(ReportBuildError) as info:
        built(manuscript)
    assert time.monotonic() - started < 10
    assert words in str(info.value), str(info.value)
    assert no_network == [], "a build tried to use the network"


# -- 6: raw HTML --------------------------------------------------------------------------


@pytest.mark.e2e
def test_raw_html_is_sanitised_with_a_warning_per_line(epub_works):
    formats = ("pdf", "epub") if epub_works else ("pdf",)
    outputs, diagnostics = built(BAD / "raw-html.md", formats)
    warned = {(w.line, w.message.split(" removed")[0]) for w in diagnostics.warnings}
    assert warned >= {
        (7, "raw HTML <script>"),
        (9, "raw HTML attribute onclick="),
        (11, "raw HTML <iframe>"),
        (13, "raw HTML <object>"),
        (15, "raw HTML <embed>"),
        (17, "raw HTML <style>"),
        (19, "style= attribute"),
        (21, "href= with a script URL"),
        (24, "raw HTML <script>"),
    }, sorted(warned)
    markers = ("SCRIPT-MARKER", "SCRIPT_MARKER", "HANDLER-MARKER", "IFRAME-MARKER", "OBJECT-MARKER", "STYLE-MARKER")
    text = " ".join(pdf_pages(outputs["pdf"]))
    assert "KEEP-THIS-TEXT" in text
    assert not any(marker in text for marker in markers), text
    with pikepdf.open(io.BytesIO(outputs["pdf"])) as pdf:
        assert "/JavaScript" not in pdf.Root.get("/Names", {}) and "/OpenAction" not in pdf.Root
    if "epub" in outputs:
        pages = epub_texts(outputs["epub"])
        joined = "\n".join(pages.values())
        assert "KEEP-THIS-TEXT" in joined
        for forbidden in (
            *markers,
            "<script",
            "onclick",
            "<iframe",
            "<object",
            "<embed",
            "javascript:",
            "<style>@import",
        ):
            assert forbidden not in joined, forbidden


# -- 7, 8, 9: footnotes, duplicate ids, broken links -------------------------------------------


@pytest.mark.parametrize(
    ("body", "where", "words"),
    [
        ("# One\n\nA call.[^missing]\n", ":3:", "[^missing] is called but never defined"),
        ("# One\n\nText.\n\n[^lonely]: Never called.\n", ":5:", "[^lonely] is defined but never called"),
        ("# One\n\nText.[^a]\n\n[^a]: First.\n[^a]: Second.\n", ":6:", "defined twice (first at line 5)"),
        ("# One\n\nText.[^a]\n\n[^a]: Note.[^b]\n[^b]: Inner.\n", ":6:", "only from inside another footnote"),
        ("# One\n\nSee [there](#nowhere).\n", ":3:", "link to '#nowhere' goes nowhere"),
    ],
    ids=["undefined", "uncalled", "twice", "nested", "broken-link"],
)
@pytest.mark.e2e
def test_footnote_and_link_mistakes_name_their_line(tmp_path, body, where, words):
    manuscript = write(tmp_path / "report.md", body)
    # a link that goes nowhere is only a warning in a draft (tests/source/test_links.py); --strict refuses it
    pdf_fails(tmp_path, manuscript, "report.md" + where, words, args=("--strict",))


@pytest.mark.e2e
def test_duplicate_ids_warn_and_links_land_on_the_first(epub_works):
    formats = ("pdf", "epub") if epub_works else ("pdf",)
    outputs, diagnostics = built(BAD / "duplicate-ids.md", formats)
    lines = {w.line: w.message for w in diagnostics.warnings}
    assert "'methods'" in lines.get(13, "") and "line 9" in lines[13], diagnostics.warnings
    assert "'sample' is used twice" in lines.get(21, ""), diagnostics.warnings
    with pytest.raises(ReportBuildError):  # and --strict refuses them
        built(BAD / "duplicate-ids.md", strict=True)

    pages = [squash(text) for text in pdf_pages(outputs["pdf"])]
    with pikepdf.open(io.BytesIO(outputs["pdf"])) as pdf:
        dests = pikepdf.NameTree(pdf.Root.Names.Dests)
        numbers = {page.objgen: index for index, page in enumerate(pdf.pages)}
        for ident, first, second in (
            ("methods", "firstmethods", "secondmethods"),
            ("sample", "firstsample", "secondsample"),
        ):
            page = numbers[dests[ident][0].objgen]
            assert first in pages[page] and second not in pages[page], (ident, pages[page])
    if "epub" in outputs:
        files = epub_texts(outputs["epub"])
        links = next(text for text in files.values() if "the first methods" in text)
        for ident, first in (("methods", "FIRST-METHODS"), ("sample", "FIRST-SAMPLE")):
            href = links.split(f'#{ident}"')[0].rsplit('href="', 1)[1]
            target = files[f"EPUB/{href}"] if href else links
            assert f'id="{ident}"' in target and first in target, ident


# -- 10: huge images, bombs, deep nesting, long tables -------------------------------------


@pytest.mark.e2e
def test_huge_image_and_decompression_bomb_are_never_decoded(tmp_path):
    """Neither is decoded: a draft shows a placeholder, --strict refuses them at their line."""
    folder = tmp_path / "m"
    folder.mkdir()
    Image.new("L", (12000, 12000), 200).save(folder / "huge.png")  # 144 megapixels, compresses to ~150 kB
    png_claiming(folder / "bomb.png", 100_000, 100_000)
    huge = write(folder / "huge.md", "# One\n\nText.\n\n![A huge picture](huge.png)\n")
    pdf_fails(tmp_path, huge, "huge.md:5:", "huge.png", "pixels", args=("--strict",))
    bomb = write(folder / "bomb.md", "# One\n\nText.\n\n![A bomb](bomb.png)\n")
    pdf_fails(tmp_path, bomb, "bomb.md:5:", "bomb.png", "pixels", args=("--strict",))
    draft = Diagnostics(echo=False)
    body = load(bomb, draft).chapters[0].body
    assert "Image not included: A bomb" in body and [w.line for w in draft.warnings] == [5]


@pytest.mark.e2e
def test_large_image_is_scaled_down_for_the_pdf(tmp_path):
    png(tmp_path / "big.png", (3600, 2400))
    manuscript = write(tmp_path / "r.md", "# One\n\nText.\n\n![A large picture](big.png)\n")
    outputs, _ = built(manuscript)
    with pikepdf.open(io.BytesIO(outputs["pdf"])) as pdf:
        widths = [int(image.Width) for page in pdf.pages for image in page.get_images().values()]
    assert widths and max(widths) <= 2400, widths


@pytest.mark.parametrize(
    "body",
    [
        "".join("    " * level + "- item\n" for level in range(60)),
        ">" * 500 + " quoted\n",
        "*" * 3000 + "emphasis" + "*" * 3000 + "\n",
        "<div>" * 300 + "boxed" + "</div>" * 300 + "\n",
        "<span>" * 3000 + "open spans\n",
    ],
    ids=["list", "quote", "emphasis", "divs", "spans"],
)
def test_deep_nesting_is_refused_not_a_crash(tmp_path, body):
    manuscript = write(tmp_path / "r.md", "# One\n\nText.\n\n" + body)
    with pytest.raises(ReportBuildError) as info:
        built(manuscript)
    assert "nested too deeply" in info.value.message and info.value.line is not None, str(info.value)


@pytest.mark.e2e
def test_two_thousand_row_table_builds_with_repeated_header(tmp_path):
    rows = "\n".join(f"| Place {n} | {n * 7} | note {n} |" for n in range(1, 2001))
    manuscript = write(
        tmp_path / "r.md", f"# One\n\nTable: Visits\n\n| Headplace | Headcount | Headnote |\n|---|--:|---|\n{rows}\n"
    )
    outputs, _ = built(manuscript)
    pages = [squash(text) for text in pdf_pages(outputs["pdf"])]
    with_rows = [text for text in pages if "note1" in text]  # every page that holds rows of the table
    assert len(with_rows) > 20
    assert "place2000" in with_rows[-1] and "note2000" in with_rows[-1]
    assert all("headplace" in text and "headcount" in text for text in with_rows), "the header does not repeat"


# -- 11: layout templates ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("template", "words"),
    [("<p>\n{% if %}\n</p>\n", "syntax error"), ("<p>\n{{ meta.no_such_thing }}\n</p>\n", "no_such_thing")],
    ids=["syntax", "undefined"],
)
@pytest.mark.e2e
def test_template_errors_name_the_template_and_line(tmp_path, template, words):
    write(tmp_path / "layouts" / "cover.html", template)
    manuscript = write(tmp_path / "report.md", "---\ntitle: T\nlayouts: layouts\n---\n\n# One\n\nText.\n")
    pdf_fails(tmp_path, manuscript, "cover.html:2:", words)


# -- 12: failures in the middle of a build -----------------------------------------------------


@pytest.mark.e2e
def test_exception_after_rendering_keeps_the_previous_output(tmp_path, monkeypatch):
    import weasyprint.document

    manuscript = write(tmp_path / "report.md", "# One\n\nThe old text.\n")
    target = tmp_path / "out" / "report.pdf"
    build(manuscript, ("pdf",), output=target, output_dir=tmp_path / "out", diagnostics=Diagnostics(echo=False))
    before = snapshot(tmp_path)
    write(manuscript, "# One\n\nThe new text.\n")
    original = weasyprint.document.Document.write_pdf

    def fail_after_rendering(self, *args, **kwargs):
        original(self, *args, **kwargs)
        raise RuntimeError("the disk caught fire")

    monkeypatch.setattr(weasyprint.document.Document, "write_pdf", fail_after_rendering)
    with pytest.raises(RuntimeError, match="caught fire"):
        build(manuscript, ("pdf",), output=target, output_dir=tmp_path / "out", diagnostics=Diagnostics(echo=False))
    after = snapshot(tmp_path)
    assert after.pop("report.md") != before.pop("report.md")
    assert after == before


@pytest.mark.parametrize(
    "failure", [OSError(28, "No space left on device"), KeyboardInterrupt()], ids=["disk-full", "interrupt"]
)
def test_failed_write_keeps_the_previous_output_and_leaves_no_part_file(tmp_path, monkeypatch, failure):
    from report_build.output import write_atomic

    target = write(tmp_path / "report.pdf", b"%PDF-old")

    def fail(*args: object) -> None:
        raise failure

    monkeypatch.setattr(os, "fsync", fail)
    with pytest.raises(RenderError if isinstance(failure, OSError) else KeyboardInterrupt):
        write_atomic(target, b"%PDF-new")
    assert target.read_bytes() == b"%PDF-old"
    assert [p.name for p in tmp_path.iterdir()] == ["report.pdf"]


SLOW = (
    "# One\n\nTable: Slow\n\n| Name | Value |\n|---|--:|\n"
    + "\n".join(f"| row {n} | {n} |" for n in range(2000))
    + "\n"
)


@pytest.mark.e2e
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_interrupted_build_keeps_the_previous_output(tmp_path, signum):
    manuscript = write(tmp_path / "report.md", "# One\n\nThe old text.\n")
    target = tmp_path / "out" / "report.pdf"
    assert cli("pdf", manuscript, "-o", target, cwd=tmp_path).returncode == 0
    old = target.read_bytes()
    write(manuscript, SLOW)  # renders for several seconds
    process = subprocess.Popen(
        [*RB, "pdf", str(manuscript), "-o", str(target)],
        cwd=tmp_path,
        env=ENV,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),  # even if our runner ignores ^C
    )
    try:
        # Polled, not a fixed sleep: on a loaded machine Python alone can take seconds to load, and
        # a signal then is Python's own. WeasyPrint (Pango) is loaded once the build is under way.
        deadline = time.monotonic() + 120
        while "libpango" not in Path(f"/proc/{process.pid}/maps").read_text() and time.monotonic() < deadline:
            assert process.poll() is None, "the build ended before it could be interrupted"
            time.sleep(0.05)
        time.sleep(0.5)  # rendering SLOW takes several seconds
        assert process.poll() is None, "the build ended before it could be interrupted"
        process.send_signal(signum)
        _, stderr = process.communicate(timeout=60)
    finally:
        process.kill() if process.poll() is None else None
    assert process.returncode == 128 + signum  # 130 after Ctrl-C, 143 after SIGTERM
    assert "interrupted" in stderr and "Traceback" not in stderr, stderr
    assert target.read_bytes() == old
    assert sorted(p.name for p in target.parent.iterdir()) == ["report.pdf"], "a partial file was left"


def test_a_swallowed_interrupt_still_stops_the_write(tmp_path):
    """WeasyPrint's SVG drawing catches every exception, KeyboardInterrupt included: the signal
    is remembered, and nothing is written after it in the same build."""
    from report_build.output import interrupts_as_exceptions, write_atomic

    target = write(tmp_path / "report.pdf", b"%PDF-old")
    with interrupts_as_exceptions():
        try:
            os.kill(os.getpid(), signal.SIGTERM)
            time.sleep(1)  # the handler runs here
        except KeyboardInterrupt:
            pass  # swallowed, as a library might
        with pytest.raises(KeyboardInterrupt):
            write_atomic(target, b"%PDF-new")
    assert target.read_bytes() == b"%PDF-old" and [p.name for p in tmp_path.iterdir()] == ["report.pdf"]
    write_atomic(target, b"%PDF-next")  # the next build writes again
    assert target.read_bytes() == b"%PDF-next"


@pytest.mark.e2e
def test_output_folder_that_is_a_file_is_a_clear_error(tmp_path):
    manuscript = write(tmp_path / "report.md", "# One\n\nText.\n")
    write(tmp_path / "not-a-folder", "I am a file.\n")
    before = snapshot(tmp_path)
    result = cli("pdf", manuscript, "-o", tmp_path / "not-a-folder" / "report.pdf", cwd=tmp_path)
    assert_clean_failure(result, "not-a-folder", "is a file, not a folder")
    assert snapshot(tmp_path) == before


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_read_only_output_folder_is_a_clear_error(tmp_path):
    manuscript = write(tmp_path / "report.md", "# One\n\nText.\n")
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o555)
    try:
        result = cli("pdf", manuscript, "-o", locked / "report.pdf", cwd=tmp_path)
        assert_clean_failure(result, "locked", "cannot write")
        assert list(locked.iterdir()) == []
    finally:
        locked.chmod(0o755)


# -- 13: WeasyPrint's warnings ---------------------------------------------------------------


@pytest.mark.e2e
def test_renderer_warnings_are_shown_and_strict_makes_them_errors(tmp_path):
    write(tmp_path / "layouts" / "fonts" / "broken.ttf", b"not a font at all" * 64)
    write(
        tmp_path / "layouts" / "css" / "custom.css",
        "p {\n  frobnicate: 3;\n}\n@font-face { font-family: Broken; src: url(../fonts/broken.ttf); }\n"
        "h1 { font-family: Broken, serif; }\n",
    )
    manuscript = write(tmp_path / "report.md", "---\ntitle: T\nlayouts: layouts\n---\n\n# One\n\nText.\n")
    result = cli("pdf", manuscript, "-o", tmp_path / "out" / "report.pdf", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    warnings = [line for line in result.stderr.splitlines() if "warning" in line]
    assert any("frobnicate" in line and "custom.css:2" in line for line in warnings), result.stderr
    assert any("Broken" in line and "cannot be loaded" in line and "custom.css" in line for line in warnings)
    pdf_fails(tmp_path, manuscript, "frobnicate", "custom.css:2", args=("--strict",))


# -- 14: time limit --------------------------------------------------------------------------


def test_time_limit_stops_a_slow_block_with_a_clear_message():
    handler_before = signal.getsignal(signal.SIGALRM)
    started = time.monotonic()
    with pytest.raises(RenderError) as info, limits.time_limit(0.2, "the test render"):
        for _ in range(50):
            try:  # noqa: SIM105 (a library that swallows exceptions does not stop the limit)
                time.sleep(0.1)
            except Exception:
                pass
    assert time.monotonic() - started < 3
    assert "the test render took longer than 0.2 s" in info.value.message and "--time-limit" in info.value.message
    assert signal.getsignal(signal.SIGALRM) == handler_before  # the handler is put back
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    with limits.time_limit(5, "fast"):  # a block that finishes in time is untouched
        time.sleep(0.01)
    errors: list[BaseException] = []
    worker = threading.Thread(target=lambda: _limited_off_main_thread(errors))
    worker.start()
    worker.join()
    assert errors == []


def _limited_off_main_thread(errors: list[BaseException]) -> None:
    try:
        with limits.time_limit(0.01, "off the main thread"):  # no SIGALRM here: no limit, no crash
            time.sleep(0.05)
    except BaseException as exc:
        errors.append(exc)


def test_time_limit_from_option_and_environment():
    assert limits.time_limit_from(None, {}) == limits.DEFAULT_TIME_LIMIT == 600
    assert limits.time_limit_from(None, {limits.TIME_LIMIT_ENV: "30"}) == 30
    assert limits.time_limit_from("5", {limits.TIME_LIMIT_ENV: "30"}) == 5
    assert limits.time_limit_from(0, {}) is None
    for bad in ("soon", "-1", "nan"):
        with pytest.raises(ReportBuildError):
            limits.time_limit_from(bad, {})


def test_whole_build_stops_at_its_time_limit(tmp_path):
    if "time_limit" not in inspect.signature(build).parameters:
        pytest.skip("build(time_limit=...) is not wired in build.py yet")
    manuscript = write(tmp_path / "r.md", SLOW)
    started = time.monotonic()
    with pytest.raises(RenderError, match=r"took longer than 0\.5 s"):
        built(manuscript, time_limit=0.5)
    assert time.monotonic() - started < 10


# -- 15: generated input: every example builds or fails with our own error -----------------


@pytest.mark.e2e
def test_documents_without_headings_or_text_give_valid_outputs(tmp_path, epub_works):
    """Found by the generated examples below: no heading at all (an empty table of contents), or a
    part that holds only a picture (nothing to compare when the ePub checks its own text)."""
    if not epub_works:
        pytest.skip("the ePub writer does not work here")
    from epubcheck_helper import epubcheck_many

    png(tmp_path / "chart.png")
    cases = {
        "no-heading": "Just text, and no heading at all.\n",
        "title-only": "# The only heading\n\nOpening text.\n",
        "picture-only-part": "---\ntitle: T\n---\n\n![A chart](chart.png)\n\n# One\n\nText.\n",
    }
    books = {}
    for name, text in cases.items():
        outputs, _ = built(write(tmp_path / f"{name}.md", text), ("pdf", "epub"))
        books[name] = outputs["epub"]
    assert epubcheck_many(books) == {name: [] for name in cases}


PIECES = st.sampled_from(
    [
        "# A chapter",
        "## A section",
        "### Deeper {#deep}",
        "Plain *emphasis* and **strong** text.",
        "Text with a note.[^n]",
        "[^n]: The note.",
        "[^x]: A note nobody calls.",
        "[back](#deep)",
        "[nowhere](#nowhere)",
        "![A chart](chart.png)",
        '![A chart](chart.png "Figure caption")',
        "![](missing.png)",
        "![A remote chart](https://example.com/c.png)",
        "| a | b |\n|---|---|\n| 1 | 2 |",
        "Table: A caption",
        "```\ncode <script>\n```",
        "    indented code",
        "- one\n    - two\n        - three",
        "1. first\n2. second",
        "> quoted\n> > twice",
        "Term\n: Definition",
        '!!! note "A callout"\n    Inside the callout.',
        "*[CSO]: civil society organisation",
        "CSO work.",
        "<script>alert(1)</script>",
        '<p onclick="x()">handler</p>',
        '<span style="background:url(http://e.com/x)">styled</span>',
        "<div>unclosed",
        "</div>",
        "<!-- a comment",
        "&amp; &#0; &#xD800; &bogus;",
        '{% include note.html content="Jekyll" %}',
        "{{ site.baseurl }}/x",
        "***",
        "Setext\n======",
    ]
)
# Raw HTML that breaks the XHTML content model, and GitHub-style Markdown (issue 13).
RAW_HTML = st.sampled_from(
    [
        "| a | b |\n|---|---|\n| <ol>Develop</ol> | x |",
        "<table><tr>loose<td>cell</td></tr>stray</table>",
        '<span id="a b (c)">bad id</span> [to it](#a%20b%20(c))',
        '<a name="old-anchor"></a>Anchored. [back](#old-anchor)',
        "<p>para <div>block</div> more</p>",
        "text </b> stray <em>unclosed",
        "<ul>lead<li>item</li>tail<p>block</p></ul>",
        "<div><li>orphan item</li></div>",
        "<span>in <div>block</div></span>",
        "<dl><p>x</p></dl>",
        '<p id="">empty id</p> <p id="dup">1</p> <p id="dup">2</p>',
        "&nbsp; &copy; &bogus;",
        "- [ ] task\n- [x] done",
        "~~struck~~ and https://example.org/a?b=1",
        "> [!NOTE]\n> An alert.",
        "> [!WARNING] Title\n> Careful.",
        "- two\n  - spaces\n    - deep",
        "Call.[^r] Again.[^r] And again.[^r]\n\n[^r]: Cited thrice.",
    ]
)
SCRIPTS = st.characters(  # letters, marks, digits, punctuation and symbols of every script
    categories=("Lu", "Ll", "Lo", "Lm", "Mn", "Mc", "Nd", "No", "Pd", "Po", "Ps", "Pe", "Sm", "So", "Zs")
)
HEADING_TEXT = st.one_of(
    st.text(SCRIPTS, min_size=1, max_size=30),
    st.sampled_from(["Описание", "メタ情報", "Εισαγωγή", "بررسی چک لیست", "किसी भी", "தமிழ் தலைப்பு", "Harbor/TAG?"]),
)
HEADINGS = st.tuples(st.sampled_from(["# ", "## ", "### "]), HEADING_TEXT, st.booleans()).map(
    lambda parts: (
        parts[0]
        + parts[1].replace("\n", " ")
        + ("\n\n[to it](#" + parts[1].replace(" ", "-").replace(")", "").replace("\n", "") + ")" if parts[2] else "")
    )
)
TEXT = st.one_of(  # mostly printable text; sometimes any character at all
    st.text(st.characters(exclude_categories=("Cs", "Cc")), max_size=40),
    st.text(st.characters(exclude_categories=("Cs", "Cc")), max_size=40),
    st.text(st.characters(exclude_categories=("Cs",)), max_size=40),
)
NESTED = st.tuples(st.sampled_from(["- ", "> ", "    ", "*", "<div>", "["]), st.integers(1, 80), TEXT).map(
    lambda parts: parts[0] * parts[1] + "x " + parts[2]
)
BODY = st.lists(st.one_of(PIECES, PIECES, TEXT, NESTED, RAW_HTML, HEADINGS), max_size=10).map("\n\n".join)
SCALAR = st.one_of(st.none(), st.booleans(), st.integers(-5, 20000), st.floats(allow_nan=True), TEXT, st.dates())
VALUE = st.recursive(
    SCALAR, lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(TEXT, inner, max_size=2)), max_leaves=8
)
KEYS = st.sampled_from(
    [
        "title",
        "subtitle",
        "author",
        "authors",
        "lang",
        "date",
        "keywords",
        "cover_image",
        "page_size",
        "layouts",
        "image_max_px",
        "embed_fonts",
        "identifier",
        "permalink",
    ]
)
FRONT = st.one_of(
    st.just({"title": "Generated"}),
    st.dictionaries(KEYS, VALUE, max_size=4).map(lambda d: {"title": "Generated", **d}),
    st.dictionaries(KEYS, VALUE, max_size=4),
)
MANUSCRIPTS = st.tuples(
    st.booleans(), FRONT, BODY, st.one_of(st.just(b""), st.binary(max_size=6)), st.integers(0, 10**6)
)


def _manuscript_bytes(example: tuple) -> bytes:
    import yaml

    with_front, front, body, junk, where = example
    text = "# Start\n\nOpening text.\n\n" + body + "\n"
    if with_front:
        text = "---\n" + yaml.safe_dump(front, allow_unicode=True, default_flow_style=None) + "---\n\n" + text
    data = text.encode("utf-8")
    if junk:
        where %= len(data)
        data = data[:where] + junk + data[where:]
    return data


def _structural_faults(data: bytes) -> list[str]:
    """The ePub's own in-process check, run again on the package as written (every file: pages,
    navigation document, NCX and OPF)."""
    from report_build.writers.epub.package_check import check_written

    return [str(fault) for fault in check_written(data)]


@pytest.fixture(scope="module")
def fuzz_folder(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("fuzz")
    png(folder / "chart.png")
    return folder


@pytest.mark.e2e
def test_generated_manuscripts_build_or_fail_with_our_error(fuzz_folder, epub_works):
    formats = ("pdf", "epub") if epub_works else ("pdf",)
    books: dict[str, bytes] = {}

    @settings(
        max_examples=25,
        deadline=None,
        derandomize=os.environ.get("REPORT_BUILD_FUZZ") != "random",
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.function_scoped_fixture],
    )
    @given(MANUSCRIPTS)
    def check(example: tuple) -> None:
        manuscript = write(fuzz_folder / "report.md", _manuscript_bytes(example))
        try:
            outputs, _ = built(manuscript, formats)
        except ReportBuildError as exc:
            assert str(exc)  # our own error, with a message
            assert "internal error" not in str(exc), str(exc)  # never a fault of our own making
            return
        assert outputs["pdf"].startswith(b"%PDF-")
        if "epub" in outputs:
            assert _structural_faults(outputs["epub"]) == []
            if len(books) < 3:
                books[f"book-{len(books)}"] = outputs["epub"]

    started = time.monotonic()
    check()
    assert time.monotonic() - started < 90
    if books:
        from epubcheck_helper import epubcheck_many

        problems = epubcheck_many(books)
        assert all(not found for found in problems.values()), problems


# -- 16: a draft always builds; a strict build refuses the same list (issue 21) ---------------

GIF_AS_PNG = "data:image/png;base64,R0lGODlhAQABAAAAACw="  # GIF bytes that claim to be a PNG
TRANSFORM_SVG = (  # well-formed, a browser draws it; WeasyPrint cannot follow the transform
    '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="40">'
    '<g transform="rotate(a)"><rect width="20" height="20"/></g></svg>\n'
)


def image_files(folder: Path) -> None:
    """The images the fault cases refer to: one good, the others each broken in its own way."""
    png(folder / "chart.png")
    write(folder / "broken.png", b"\x89PNG\r\n\x1a\n but the rest is not a PNG")
    Image.new("RGB", (8, 8), "red").save(folder / "scan.bmp")
    write(folder / "broken.svg", '<svg xmlns="http://www.w3.org/2000/svg"><rect></svg>\n')
    write(folder / "script.svg", '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>\n')
    write(folder / "transform.svg", TRANSFORM_SVG)


def body_of(document) -> str:
    return "".join(chapter.body for chapter in document.chapters)


def notes_of(document) -> str:
    return "".join(note.html for chapter in document.chapters for note in chapter.footnotes)


PLACEHELD = "Image not included: "
# fault class: (files, (file, line) of the fault, words of its message, what a draft shows)
FAULT_CLASSES = {
    "undefined-note": (
        {"report.md": "# One\n\nA call.[^missing] More.\n"},
        ("report.md", 3),
        "footnote [^missing] is called but never defined",
        lambda doc: "A call.[^missing] More." in body_of(doc) and not notes_of(doc),
    ),
    "unused-note": (
        {"report.md": "# One\n\nText.\n\n[^lonely]: Never called.\n"},
        ("report.md", 5),
        "footnote [^lonely] is defined but never called",
        lambda doc: "Never called" not in body_of(doc) + notes_of(doc),
    ),
    "note-only-called-from-a-note": (
        {"report.md": "# One\n\nText.[^a]\n\n[^a]: Note.[^b]\n[^b]: Inner.\n"},
        ("report.md", 6),
        "footnote [^b] is called only from inside another footnote",
        lambda doc: notes_of(doc) == "<p>Note.[^b]</p>\n",
    ),
    "note-defined-twice": (
        {"report.md": "---\nchapters: [two.md]\n---\n\n# One\n\nA.[^n]\n\n[^n]: First.\n", "two.md": "[^n]: Second.\n"},
        ("two.md", 1),
        "footnote [^n] is defined twice (first at report.md:9)",
        lambda doc: notes_of(doc) == "<p>First.</p>\n",
    ),
    "no-alt-text": (
        {"report.md": "# One\n\n![](chart.png)\n"},
        ("report.md", 3),
        "image 'chart.png' has no alt text",
        lambda doc: '<img src="chart.png" alt="Image without a description: chart.png"/>' in body_of(doc),
    ),
    "control-character": (
        {"report.md": "# One\n\nA back\x08space.\n"},
        ("report.md", 3),
        "the control character U+0008 at column 7 is removed",
        lambda doc: "A backspace." in body_of(doc),
    ),
    "missing-image": (
        {"report.md": '# One\n\n![A chart](nowhere.png "A caption")\n'},
        ("report.md", 3),
        "image 'nowhere.png' not found",
        lambda doc: PLACEHELD + "A chart" in body_of(doc) and doc.figures[0].number == 1 and not doc.images,
    ),
    "corrupt-raster": (
        {"report.md": "# One\n\n![A photo](broken.png)\n"},
        ("report.md", 3),
        "image 'broken.png' cannot be read",
        lambda doc: PLACEHELD + "A photo" in body_of(doc),
    ),
    "type-readers-do-not-show": (
        {"report.md": "# One\n\n![A scan](scan.bmp)\n"},
        ("report.md", 3),
        "image 'scan.bmp' is not PNG, JPEG, GIF, WebP or SVG",
        lambda doc: PLACEHELD + "A scan" in body_of(doc),
    ),
    "broken-svg": (
        {"report.md": "# One\n\nText ![A map](broken.svg) inline.\n"},
        ("report.md", 3),
        "SVG image 'broken.svg' is not well-formed XML",
        lambda doc: f'Text <span class="image-omitted">{PLACEHELD}A map</span> inline.' in body_of(doc),
    ),
    "svg-that-would-run-a-script": (
        {"report.md": "# One\n\n![A map](script.svg)\n"},
        ("report.md", 3),
        "SVG image 'script.svg' contains <script>",
        lambda doc: PLACEHELD + "A map" in body_of(doc) and "alert" not in body_of(doc),
    ),
    "image-without-source": (
        {"report.md": '# One\n\nText.\n\n<p><img alt="A logo"></p>\n'},
        ("report.md", 5),
        "image has no source",
        lambda doc: PLACEHELD + "A logo" in body_of(doc),
    ),
    "data-image-that-is-not-what-it-says": (
        {"report.md": f"# One\n\n![A block]({GIF_AS_PNG})\n"},
        ("report.md", 3),
        "claims to be image/png but its bytes are GIF",
        lambda doc: PLACEHELD + "A block" in body_of(doc) and not doc.images,
    ),
    "cover-image-that-cannot-be-drawn": (
        {"report.md": "---\ntitle: T\ncover_image: broken.png\n---\n\n# One\n\nText.\n"},
        ("report.md", 3),
        "front matter 'cover_image': image 'broken.png' cannot be read",
        lambda doc: doc.metadata.cover_image is None,
    ),
    "link-that-goes-nowhere": (
        {"report.md": "# One\n\nSee [there](#nowhere).\n"},
        ("report.md", 3),
        "link to '#nowhere' goes nowhere",
        lambda doc: "See there." in body_of(doc),
    ),
    "reference-to-nothing": (
        {"report.md": "# One\n\nSee @fig-nowhere.\n"},
        ("report.md", 3),
        "reference @fig-nowhere names no figure",
        lambda doc: "?@fig-nowhere" in body_of(doc),
    ),
    "reference-to-a-figure-without-a-caption": (
        {"report.md": "# One\n\n![](chart.png){#fig-bare .decorative}\n\nSee @fig-bare.\n"},
        ("report.md", 5),
        "the figure 'fig-bare' has no caption, so no number to refer to; give it one",
        lambda doc: "?@fig-bare" in body_of(doc),
    ),
    "unknown-variable": (
        {"report.md": "# One\n\nNearly {{< var people >}} people.\n", "variables.yaml": "year: 2020\n"},
        ("report.md", 3),
        "unknown variable 'people'",
        lambda doc: "Nearly ?var:people people." in body_of(doc),
    ),
}


@pytest.mark.parametrize("case", list(FAULT_CLASSES))
def test_a_draft_renders_around_each_fault_and_strict_refuses_it_at_the_same_line(tmp_path, case):
    files, (name, line), words, shows = FAULT_CLASSES[case]
    image_files(tmp_path)
    for file, text in files.items():
        write(tmp_path / file, text)
    manuscript = tmp_path / next(iter(files))
    draft = Diagnostics(echo=False)
    document = load(manuscript, draft)
    assert [(w.path.name, w.line) for w in draft.warnings] == [(name, line)], draft.warnings
    assert words in draft.warnings[0].message, draft.warnings[0].message
    assert shows(document), body_of(document)
    with pytest.raises(StrictModeError) as refused:
        load(manuscript, Diagnostics(strict=True, echo=False))
    assert [(f.path.name, f.line, f.message) for f in refused.value.faults] == [(name, line, draft.warnings[0].message)]


def test_every_fault_comes_in_one_run_sorted_by_file_and_line(tmp_path, monkeypatch):
    """Found in another order (the control character while reading, the missing alt text while
    admitting images, the broken link last), reported by file and line."""
    monkeypatch.chdir(tmp_path)  # paths print relative to the working folder
    image_files(tmp_path)
    manuscript = write(
        tmp_path / "report.md",
        "---\nchapters: [two.md]\n---\n\n# One\n\nSee [there](#nowhere).\n\n![](chart.png)\n\nA back\x08space.\n",
    )
    write(tmp_path / "two.md", "# Two\n\nA call.[^ghost]\n")
    with pytest.raises(StrictModeError) as refused:
        load(manuscript, Diagnostics(strict=True, echo=False))
    lines = refused.value.lines()
    assert [line.split(": ", 1)[0] for line in lines[:-1]] == ["report.md:7", "report.md:9", "report.md:11", "two.md:3"]
    assert lines[-1] == (
        "report-build: --strict refuses 4 faults that a draft renders around with a warning; nothing was written"
    )


def test_a_refusal_shows_fifty_faults_then_how_many_more(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    manuscript = write(tmp_path / "report.md", "# One\n\n" + "".join(f"Call {n}.[^n{n}]\n\n" for n in range(60)))
    with pytest.raises(StrictModeError) as refused:
        load(manuscript, Diagnostics(strict=True, echo=False))
    lines = refused.value.lines()
    assert len(refused.value.faults) == 60 and len(lines) == 52
    assert lines[0].startswith("report.md:3: footnote [^n0]") and lines[49].startswith("report.md:101:")
    assert lines[50] == "... and 10 more"


FAULTY = {
    "report.md": (
        "---\ntitle: Faults\nchapters: [two.md]\n---\n\n# One\n\n"
        "A call.[^missing] Text with a note.[^a]\n\n"  # 8
        "![](chart.png)\n\n"  # 10
        '![A chart that is not there](nowhere.png "A caption")\n\n'  # 12
        "![A drawing WeasyPrint cannot draw](transform.svg)\n\n"  # 14
        "A back\x08space. See [there](#nowhere).\n\n"  # 16
        "[^a]: The note.\n[^lonely]: Never called.\n"  # 18, 19
    ),
    "two.md": "# Two\n\nA second call.[^ghost]\n\n![](chart.png){.decorative}\n",  # not a fault
    "changelog.yaml": 'releases:\n  - version: "1.0"\n    date: 2020-01-01\n    summary: First.\n',
}
FAULTY_LINES = [  # sorted, as every strict command prints them
    "report.md:8", "report.md:10", "report.md:12", "report.md:14", "report.md:16", "report.md:16", "report.md:19",
    "two.md:3",
]  # fmt: skip


@pytest.fixture(scope="module")
def faulty(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("faulty")
    image_files(folder)
    for name, text in FAULTY.items():
        write(folder / name, text)
    return folder


@pytest.mark.e2e
def test_a_draft_with_many_faults_builds_every_output_with_their_renderings(faulty):
    from epubcheck_helper import epubcheck_many

    draft = Diagnostics(echo=False)
    results = build(faulty / "report.md", ("pdf", "epub"), write=False, diagnostics=draft, jobs=1)
    outputs = {result.format: result for result in results}
    assert sorted(f"{w.path.name}:{w.line}" for w in draft.warnings) == sorted(FAULTY_LINES), draft.warnings
    pdf = squash(" ".join(pdf_pages(outputs["pdf"].data)))
    for shown in (
        "A call.[^missing]",
        "Image not included: A chart that is not there",
        "Image not included: A drawing WeasyPrint cannot draw",  # the PDF alone: WeasyPrint cannot draw it
        "A backspace. See there.",
        "A second call.[^ghost]",
    ):
        assert squash(shown) in pdf, shown
    assert squash("Never called") not in pdf
    with pikepdf.open(io.BytesIO(outputs["pdf"].data)) as document:  # PDF/UA: every figure has a text
        alts = [
            str(node.get("/Alt"))
            for node in _struct_elements(document.Root.StructTreeRoot)
            if node.get("/S") == "/Figure"
        ]
    assert sorted(alts) == [" ", "Image without a description: chart.png"]  # decorative: a text that says nothing
    pages = "".join(epub_texts(outputs["epub"].data).values())
    assert f'<span class="image-omitted">{PLACEHELD}A chart that is not there</span>' in pages
    assert re.search(r'<img [^>]*alt="A drawing WeasyPrint cannot draw"', pages)  # readers draw it
    assert re.search(r'<img [^>]*alt="Image without a description: chart.png"', pages)
    assert "\x08" not in pages and "A call.[^missing]" in pages and "Never called" not in pages
    assert (
        "some images have no text alternative yet"
        in zipfile.ZipFile(io.BytesIO(outputs["epub"].data)).read("EPUB/content.opf").decode()
    )
    assert epubcheck_many({"faulty": outputs["epub"].data}) == {"faulty": []}


@pytest.mark.e2e
def test_the_site_of_a_draft_with_faults_shows_the_same_renderings(faulty, monkeypatch):
    from report_build.writers.web import fonts

    # the site's pages are what this is about: its font subsets (slow to make) are stood in for
    monkeypatch.setattr(fonts, "_subsets", lambda sources, characters, cache: {s: b"wOF2" for s in sources})
    draft = Diagnostics(echo=False)
    (site,) = build(faulty / "report.md", ("web",), write=False, diagnostics=draft)
    pages = "".join(data.decode() for name, data in site.files.items() if name.endswith(".html"))
    assert f'<span class="image-omitted">{PLACEHELD}A chart that is not there</span>' in pages
    assert re.search(r'<img [^>]*alt="A drawing WeasyPrint cannot draw"', pages)  # browsers draw it
    assert re.search(r'<img [^>]*alt="Image without a description: chart.png"', pages)
    assert "\x08" not in pages and "A call.[^missing]" in pages and "Never called" not in pages
    # the site draws the SVG WeasyPrint cannot (no fault at line 14); it also says that the PDF
    # and ePub it offers are not built (a fault without a line)
    drawn_here = [line for line in FAULTY_LINES if line != "report.md:14"]
    assert sorted(f"{w.path.name}:{w.line}" for w in draft.warnings if w.line) == sorted(drawn_here)


def _struct_elements(node):
    kids = node.get("/K")
    for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
        if isinstance(kid, pikepdf.Dictionary):
            yield kid
            yield from _struct_elements(kid)


@pytest.mark.e2e
def test_strict_release_and_check_refuse_the_same_list(faulty, tmp_path):
    from report_build.checks.gate import check

    before = snapshot(faulty)
    strict = cli("pdf", "--strict", "-j", "1", "report.md", "-o", tmp_path / "out.pdf", cwd=faulty)
    released = cli("release", "report.md", "--output-dir", tmp_path / "out", cwd=faulty)
    for result, who in ((strict, "--strict"), (released, "release")):
        assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
        lines = result.stderr.strip().splitlines()
        assert [line.split(": ", 1)[0] for line in lines[:-1]] == FAULTY_LINES, result.stderr
        assert lines[-1] == f"report-build: {who} refuses 8 faults that a draft renders around with a warning; " + (
            "nothing was written"
        )
    assert strict.stderr.splitlines()[:-1] == released.stderr.splitlines()[:-1]  # the same list, word for word
    assert snapshot(faulty) == before and not (tmp_path / "out.pdf").exists() and not (tmp_path / "out").exists()
    # check reads and lays out the manuscript as strictly: the same faults, as error findings
    found = [f for f in check(faulty / "report.md", tmp_path / "none", ace=False) if f.finding.code == "FAULT"]
    assert [f"{f.path.name}:{f.line}" for f in found] == FAULTY_LINES
    assert [str(f).split(" [check FAULT] ")[1] for f in found] == [
        line.split(": ", 1)[1] for line in strict.stderr.splitlines()[:-1]
    ]
    assert all(f.finding.severity == "error" for f in found)


# -- 17: YAML mistakes in plain words, each with its line and a hint ---------------------------

YAML_MISTAKES = {
    "tab": (
        "---\ntitle: T\nkeywords:\n\t- Idlib\n---\n",
        "report.md:4: front matter line 4: a tab indents this line; YAML indents with spaces only: "
        "replace the tab with spaces",
    ),
    "no-space-after-colon": (
        "---\ntitle:Idlib lives\nsubtitle: S\n---\n",
        "report.md:2: front matter line 2: 'title:Idlib lives' needs a space after the colon: title: Idlib lives",
    ),
    "colon-in-unquoted-title": (
        "---\nlanguage: en\nsubtitle: S\ntitle: Idlib: lives\n---\n",
        "report.md:4: front matter line 4: the value of 'title' holds a colon; put the title in quotes: "
        'title: "Idlib: lives"',
    ),
    "list-on-one-line-without-brackets": (
        "---\ntitle: T\nkeywords: - Idlib - Syria\n---\n",
        "report.md:3: front matter line 3: a list written on one line needs brackets: keywords: [Idlib, Syria]; "
        "or put each item on a line of its own, starting with '- '",
    ),
    "wrong-indentation": (
        "---\ntitle: T\nprofiles:\n  brief:\n    title: B\n   subtitle: S\n---\n",
        "report.md:6: front matter line 6: 'subtitle' is indented by 3 spaces, but 'title' on line 5 by 4 spaces: "
        "the items of one list, and the keys of one mapping, start in the same column (indent with spaces)",
    ),
    "list-item-without-space": (  # YAML finds the fault on the line after: the item's own line is named
        "---\ntitle: T\nkeywords:\n  - Idlib\n  -Syria\n  - Water\n---\n",
        "report.md:5: front matter line 5: a list item needs a space after its '-': '- Syria', not '-Syria'",
    ),
}


@pytest.mark.parametrize("case", list(YAML_MISTAKES))
def test_yaml_mistakes_in_the_front_matter_are_told_in_plain_words(tmp_path, case):
    front, expected = YAML_MISTAKES[case]
    manuscript = write(tmp_path / "report.md", front + "\n# One\n\nText.\n")
    with pytest.raises(ReportBuildError) as info:
        load(manuscript, Diagnostics(echo=False))
    assert f"{info.value.path.name}:{info.value.line}: {info.value.message}" == expected


def test_the_changelog_variables_and_strings_files_speak_the_same_words(tmp_path):
    """One helper explains YAML for every file an author writes in it."""
    manuscript = write(tmp_path / "report.md", "# One\n\n{{< var people >}}\n")
    cases = {
        "changelog.yaml": (
            'releases:\n  - version: "1.2"\n     date: 2020-02-24\n',
            "changelog.yaml:3: changelog line 3: 'date' is indented by 5 spaces, but 'version' on line 2 by 4",
        ),
        "variables.yaml": ("people: 3.5 million: in Idlib\n", "variables.yaml:1: variables.yaml line 1: the value of"),
        "layouts/strings/en.yaml": (
            "contents:\tContents\n",
            "en.yaml:1: strings file line 1: a tab follows 'contents:'",
        ),
    }
    for name, (text, expected) in cases.items():
        for other in cases:
            (tmp_path / other).unlink(missing_ok=True)
        write(tmp_path / name, text)
        if name.startswith("layouts"):
            write(manuscript, "---\nlayouts: layouts\n---\n\n# One\n\nText.\n")
        with pytest.raises(ReportBuildError) as info:
            load(manuscript, Diagnostics(echo=False))
        assert f"{info.value.path.name}:{info.value.line}: {info.value.message}".startswith(expected), str(info.value)


# -- 18: hostile strings in every input channel: nothing live reaches an output --------------

PAYLOADS = [
    "<script>alert(1)</script>",
    '<img src="chart.png" alt="c" onerror="alert(2)">',
    '<iframe src="javascript:alert(3)"></iframe>',
    '"><svg onload=alert(4)>',
    "javascript:alert(5)",
    '<a href="javascript:alert(6)">click</a>',
    "</title><script>alert(7)</script>",
    "<!--<script>alert(8)</script>-->",
    "<style>@import url(http://example.com/x.css)</style>",
    '<object data="data:text/html,<script>alert(9)</script>"></object>',
    '<embed src="javascript:alert(10)">',
    '<form action="http://example.com/"><input name=q><button formaction="javascript:alert(11)">go</button></form>',
    '<base href="http://example.com/">',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(12)">',
    "<scr<script>ipt>alert(13)</scr</script>ipt>",
    "<math><mtext><script>alert(14)</script></mtext></math>",
    "' onmouseover='alert(15)' x='",
    "<b ontoggle=alert(16) onfocus=alert(16) tabindex=1>x</b>",
    '<a href="  JaVaScRiPt:alert(17)">x</a>',
    '<a href="vbscript:msgbox(18)">x</a>',
    '<a href="data:text/html,<script>alert(19)</script>">x</a>',
    "]]><script>alert(20)</script>",
    "&lt;script&gt;alert(21)&lt;/script&gt;",
    '<span style="background:url(http://example.com/x.png)">styled</span>',
    "{{< var v.x >}} <% evil %> {% raw %}",
]
PLAIN = st.text(st.characters(categories=("Lu", "Ll", "Nd", "Zs"), max_codepoint=0x24F), max_size=8)
HOSTILE = st.builds(
    lambda before, payload, after: f"{before}{payload}{after}".strip() or payload,
    PLAIN,
    st.sampled_from(PAYLOADS),
    PLAIN,
)
CHANNELS = (
    "title",
    "subtitle",
    "author",
    "publisher",
    "description",
    "rights",
    "keyword",
    "variable",
    "bib_title",
    "bib_author",
    "bib_publisher",
    "bib_container",
    "bib_url",
    "bib_note",
    "csl_text",
    "alt",
    "caption",
    "table_caption",
    "link_title",
    "link_target",
    "heading",
    "footnote",
    "summary",
    "notice",
    "change",
)
HOSTILE_INPUTS = st.fixed_dictionaries({channel: HOSTILE for channel in CHANNELS})
LIVE_ELEMENTS = {
    "script",
    "iframe",
    "frame",
    "frameset",
    "object",
    "embed",
    "applet",
    "form",
    "input",
    "button",
    "base",
    "style",
    "textarea",
    "select",
    "template",
    "noscript",
    "portal",
}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "poster", "background", "srcset", "cite", "ping"}
SITE_SCRIPTS = {"assets/site.js", "assets/search.js", "assets/search-index.js"}


def _hostile_manuscript(folder: Path, values: dict[str, str]) -> Path:
    """A manuscript folder whose every input channel carries one of ``values``."""
    import json as json_module
    from xml.sax.saxutils import quoteattr

    import yaml

    def inline(text: str) -> str:  # one line of Markdown
        return " ".join(text.split())

    front = {
        "title": values["title"],
        "subtitle": values["subtitle"],
        "authors": [values["author"]],
        "publisher": values["publisher"],
        "description": values["description"],
        "rights": values["rights"],
        "keywords": [values["keyword"]],
        "language": "en",
        "bibliography": "sources.json",
        "csl": "style.csl",
    }
    write(folder / "variables.yaml", yaml.safe_dump({"v": {"x": values["variable"]}}, allow_unicode=True))
    entry = {
        "id": "k1",
        "type": "article-journal",
        "title": values["bib_title"],
        "author": [{"family": values["bib_author"], "given": "A"}],
        "publisher": values["bib_publisher"],
        "container-title": values["bib_container"],
        "URL": values["bib_url"],
        "note": values["bib_note"],
        "issued": {"date-parts": [[2020]]},
    }
    write(folder / "sources.json", json_module.dumps([entry], ensure_ascii=False))
    text = quoteattr(values["csl_text"])
    write(
        folder / "style.csl",
        '<?xml version="1.0" encoding="utf-8"?>\n<style xmlns="http://purl.org/net/xbiblio/csl" class="in-text" '
        'version="1.0"><info><title>Hostile</title><id>hostile</id><updated>2026-01-01T00:00:00+00:00</updated>'
        f'</info><citation><layout prefix="(" suffix=")"><text value={text}/><text variable="title"/>'
        '<names variable="author"/></layout></citation><bibliography><layout><group delimiter=". ">'
        f'<text value={text}/><names variable="author"/><text variable="title"/><text variable="container-title"/>'
        '<text variable="publisher"/><text variable="URL"/><text variable="note"/></group></layout></bibliography>'
        "</style>\n",
    )
    write(
        folder / "changelog.yaml",
        yaml.safe_dump(
            {
                "releases": [
                    {
                        "version": "1.1",
                        "date": "2020-02-24",
                        "summary": values["summary"],
                        "notice": values["notice"],
                        "changes": [values["change"]],
                    },
                    {"version": "1.0", "date": "2018-05-17", "summary": "First."},
                ]
            },
            allow_unicode=True,
        )
        .replace("'2020-02-24'", "2020-02-24")
        .replace("'2018-05-17'", "2018-05-17"),
    )
    body = f"""# A chapter

Text with a value {{{{< var v.x >}}}}, a citation [@k1] and @k1 says so.[^1]

![{inline(values["alt"])}](chart.png "{inline(values["caption"])}")

Table: {inline(values["table_caption"])}

| a | b |
|---|---|
| 1 | 2 |

A [link](https://example.org/ "{inline(values["link_title"])}") and [another]({inline(values["link_target"])}).

## {inline(values["heading"])} and more

More text.

[^1]: {inline(values["footnote"])}
"""
    return write(folder / "report.md", "---\n" + yaml.safe_dump(front, allow_unicode=True) + "---\n\n" + body)


def live_markup(root, allowed_scripts: set[str] = frozenset()) -> list[str]:
    """Whatever in a parsed page (lxml, HTML or XML) could run, fetch or navigate by itself:
    elements that run or embed, event handlers, script URLs, style attributes."""
    found = []
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        name = element.tag.rsplit("}", 1)[-1].lower()
        if name == "script":
            if element.get("src") not in allowed_scripts and element.get("type") != "application/ld+json":
                found.append(f"<script> {(element.text or '')[:40]!r}")
        elif name in LIVE_ELEMENTS:
            found.append(f"<{name}>")
        elif name == "meta" and (element.get("http-equiv") or "").lower() not in ("", "content-security-policy"):
            found.append(f"<meta http-equiv={element.get('http-equiv')}>")
        for attribute, value in element.attrib.items():
            local = attribute.rsplit("}", 1)[-1].lower()
            if local.startswith("on") or local == "style":
                found.append(f"{local}= on <{name}>")
            if local in URL_ATTRIBUTES:
                squashed = "".join(ch for ch in value.lower() if ch.isprintable() and not ch.isspace())
                if squashed.startswith(("javascript:", "vbscript:", "data:text/html")):
                    found.append(f"{local}={value!r} on <{name}>")
    return found


def _live_in_epub(data: bytes) -> list[str]:
    from lxml import etree

    found = []
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        for name in package.namelist():
            if name.endswith((".xhtml", ".opf", ".ncx")):
                found += [f"{name}: {what}" for what in live_markup(etree.fromstring(package.read(name), parser))]
    return found


def _live_in_site(files: dict[str, bytes]) -> list[str]:
    import json as json_module

    import lxml.html

    found = []
    for name, data in files.items():
        if name.endswith(".html"):
            root = lxml.html.document_fromstring(data.decode("utf-8"))
            # the site's own search form (to search.html) and the search page's note for no script
            for own in root.xpath("//form[@action='search.html'] | //noscript[p[@class='search-noscript']]"):
                own.drop_tree()
            found += [f"{name}: {what}" for what in live_markup(root, SITE_SCRIPTS)]
            for script in root.iter("script"):
                if script.get("type") == "application/ld+json":
                    json_module.loads(script.text)  # data, whole and unbroken
        elif name == "assets/search-index.js":
            text = data.decode("utf-8")
            assert text.startswith("window.RB_SEARCH=") and text.endswith(";\n"), text[:80]
            json_module.loads(text[len("window.RB_SEARCH=") : -2])
    return found


@pytest.fixture
def hostile_folder(tmp_path: Path) -> Path:
    png(tmp_path / "chart.png")
    return tmp_path


@pytest.mark.e2e
def test_hostile_strings_in_every_input_channel_reach_no_output_as_markup(hostile_folder, monkeypatch):
    """Front matter, variables, bibliography fields, the CSL style's text, alt text, captions,
    link titles and targets, headings, footnotes and the changelog each carry a hostile string;
    the ePub and every file of the site, built in memory, carry nothing live (the PDF: below)."""
    import hashlib

    from report_build.writers.epub.package_check import check_written
    from report_build.writers.epub.writer import write_epub
    from report_build.writers.web import fonts
    from report_build.writers.web.site import render_site

    def quick_subsets(sources, characters, cache):  # fontTools takes a second a face: not the point here
        return {font: b"wOF2" + hashlib.sha256(font.read_bytes() + characters.encode()).digest() for font in sources}

    monkeypatch.setattr(fonts, "_subsets", quick_subsets)
    outcomes = {"built": 0, "refused": 0}

    @settings(
        max_examples=20,
        deadline=None,
        derandomize=os.environ.get("REPORT_BUILD_FUZZ") != "random",
        database=None,
        phases=(Phase.explicit, Phase.generate),  # a failing example is printed whole: no slow shrinking
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.function_scoped_fixture],
    )
    @given(HOSTILE_INPUTS)
    def check(values: dict[str, str]) -> None:
        manuscript = _hostile_manuscript(hostile_folder, values)
        diagnostics = Diagnostics(echo=False)
        try:
            document = load(manuscript, diagnostics)
            epub = write_epub(document, diagnostics=diagnostics)
            site = render_site(document, diagnostics=diagnostics)
        except ReportBuildError as exc:
            assert "internal error" not in str(exc), str(exc)
            outcomes["refused"] += 1
            return
        outcomes["built"] += 1
        assert _live_in_epub(epub) == []
        assert [str(fault) for fault in check_written(epub)] == []
        assert _live_in_site(site) == []

    check()
    assert outcomes["built"] >= 15, outcomes  # the hostile strings were shown, not only refused


@pytest.mark.e2e
def test_a_hostile_manuscript_gives_a_pdf_with_nothing_live(hostile_folder):
    """One PDF, laid out, from a manuscript with a hostile string in every channel: no script,
    no action but links to the web or inside the document, and the markup shown as text."""
    values = dict(zip(CHANNELS, (PAYLOADS * 2)[: len(CHANNELS)], strict=True))
    manuscript = _hostile_manuscript(hostile_folder, values)
    outputs, _ = built(manuscript, ("pdf",))
    with pikepdf.open(io.BytesIO(outputs["pdf"])) as pdf:
        assert "/JavaScript" not in pdf.Root.get("/Names", {}) and "/OpenAction" not in pdf.Root
        for obj in pdf.objects:
            if not isinstance(obj, pikepdf.Dictionary):
                continue
            assert "/JS" not in obj and obj.get("/S") not in ("/JavaScript", "/Launch", "/SubmitForm", "/ImportData")
            uri = str(obj.get("/URI", ""))
            assert not uri or uri.startswith(("https:", "http:", "mailto:", "tel:")), uri
    text = " ".join(pdf_pages(outputs["pdf"]))
    assert values["title"] == "<script>alert(1)</script>" and values["title"] in text  # text, shown as text
    assert values["footnote"] == "]]><script>alert(20)</script>" and "alert(20)" not in text  # raw HTML: removed
