"""Remote images in a build: fetched copies from the lock file, or placeholders (a fault in a draft;
named by --omit-remote)."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import pytest
from PIL import Image as PILImage

from report_build import Diagnostics, ReportBuildError
from report_build.build import load
from report_build.errors import StrictModeError
from report_build.source.remote import LOCK_NAME, Entry, format_lock, read_lock

BADGE = "https://img.example.org/badge.png"
LOGO = "https://cdn.example.org/logo.png?size=80&v=2"


def png(colour: str = "#1d6fa5") -> bytes:
    out = io.BytesIO()
    PILImage.new("RGB", (24, 12), colour).save(out, format="PNG")
    return out.getvalue()


def write_manuscript(folder: Path) -> Path:
    path = folder / "report.md"
    path.write_text(
        "---\ntitle: Remote\n---\n\n# One\n\n"
        f"[![Build passing]({BADGE})](https://ci.example.org/)\n\n"  # line 7
        "Some text.\n\n"
        f'<p>Raw: <img src="{LOGO.replace("&", "&amp;")}" alt="The logo"></p>\n\n'  # line 11
        f"![Build passing]({BADGE})\n",  # line 13
        encoding="utf-8",
    )
    return path


def fetched(folder: Path, url: str, data: bytes) -> Entry:
    digest = hashlib.sha256(data).hexdigest()
    relative = f"images/remote/{digest[:32]}.png"
    (folder / relative).parent.mkdir(parents=True, exist_ok=True)
    (folder / relative).write_bytes(data)
    return Entry(url, relative, digest)


@pytest.fixture
def locked(tmp_path) -> Path:
    path = write_manuscript(tmp_path)
    entries = [fetched(tmp_path, BADGE, png()), fetched(tmp_path, LOGO, png("#a8221b"))]
    (tmp_path / LOCK_NAME).write_text(format_lock(entries), encoding="utf-8")
    return path


def error_of(path: Path, **kwargs: object) -> ReportBuildError:
    with pytest.raises(ReportBuildError) as info:
        load(path, Diagnostics(echo=False), **kwargs)
    return info.value


def test_lock_file_is_readable_text_with_a_line_per_image(locked):
    text = (locked.parent / LOCK_NAME).read_text(encoding="utf-8")
    rows = [line.split() for line in text.splitlines() if not line.startswith("#")]
    assert [row[0] for row in rows] == sorted([BADGE, LOGO])
    entries = read_lock(locked.parent / LOCK_NAME)
    assert {url: entry.line for url, entry in entries.items()} == {LOGO: 4, BADGE: 5}


def test_build_uses_the_local_copies(locked):
    diagnostics = Diagnostics(strict=True, echo=False)
    document = load(locked, diagnostics)
    assert sorted(image.src.split("/")[:2] == ["images", "remote"] for image in document.images) == [True, True]
    body = document.chapters[0].body
    assert "https://img.example.org" not in body and "cdn.example.org" not in body
    assert body.count("images/remote/") == 3  # the badge twice, the logo once


def not_fetched(path: Path) -> tuple[list[tuple[Path, int | None, str]], str]:
    """A draft's warnings about unfetched images, and its first chapter; and that a strict build
    refuses the same faults, at the same lines."""
    draft = Diagnostics(echo=False)
    body = load(path, draft).chapters[0].body
    warned = [(Path(w.path), w.line, w.message) for w in draft.warnings if "report-build fetch" in w.message]
    with pytest.raises(StrictModeError) as info:
        load(path, Diagnostics(strict=True, echo=False))
    refused = [(Path(w.path), w.line, w.message) for w in info.value.faults if "report-build fetch" in w.message]
    assert refused == warned
    return warned, body


def test_an_unfetched_remote_image_is_a_placeholder_in_a_draft_and_refused_by_a_strict_build(tmp_path):
    """A fault the build renders around: the draft builds (a placeholder with the alt text, a
    warning at the image's line naming fetch); --strict, release and check refuse it."""
    path = write_manuscript(tmp_path)
    warned, body = not_fetched(path)
    assert [(where, line) for where, line, _ in warned] == [(path, 7), (path, 11), (path, 13)]
    assert f"'{BADGE}' has not been fetched" in warned[0][2] and "builds never use the network" in warned[0][2]
    assert body.count('<span class="image-omitted">Image not included: Build passing</span>') == 2
    assert "example.org/badge" not in body and "<img" not in body


def test_an_image_missing_from_the_lock_is_a_placeholder_at_its_line(locked):
    lock = locked.parent / LOCK_NAME
    lock.write_text(format_lock([e for e in read_lock(lock).values() if e.url != LOGO]), encoding="utf-8")
    warned, body = not_fetched(locked)
    assert [(where, line) for where, line, _ in warned] == [(locked, 11)]
    assert f"'{LOGO}' is not in {LOCK_NAME}" in warned[0][2]
    assert body.count("images/remote/") == 2 and "Image not included: The logo" in body  # the badge, fetched


def test_changed_local_copy_is_an_error_at_its_lock_line(locked):
    entry = read_lock(locked.parent / LOCK_NAME)[BADGE]
    (locked.parent / entry.file).write_bytes(png("#000000"))
    error = error_of(locked)
    assert (error.path, error.line) == (locked.parent / LOCK_NAME, entry.line)
    assert "has changed since it was fetched" in error.message and "run `report-build fetch` again" in error.message


def test_missing_local_copy_is_an_error_at_its_lock_line(locked):
    entry = read_lock(locked.parent / LOCK_NAME)[LOGO]
    (locked.parent / entry.file).unlink()
    error = error_of(locked)
    assert (error.path, error.line) == (locked.parent / LOCK_NAME, entry.line)
    assert "not found" in error.message and "report-build fetch" in error.message


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ("https://a.example/x.png images/remote/x.png", "must read 'URL FILE SHA-256'"),
        ("ftp://a.example/x.png images/remote/x.png " + "0" * 64, "must read 'URL FILE SHA-256'"),
        ("https://a.example/x.png images/remote/x.png not-a-hash", "must read 'URL FILE SHA-256'"),
    ],
)
def test_malformed_lock_line_is_an_error_at_its_line(tmp_path, line, problem):
    lock = tmp_path / LOCK_NAME
    lock.write_text(f"# comment\n\n{line}\n", encoding="utf-8")
    with pytest.raises(ReportBuildError) as info:
        read_lock(lock)
    assert (info.value.path, info.value.line) == (lock, 3) and problem in info.value.message


def test_lock_entry_outside_the_folder_is_refused(locked):
    lock = locked.parent / LOCK_NAME
    entries = read_lock(lock)
    entries[BADGE] = Entry(BADGE, "../elsewhere.png", entries[BADGE].sha256)
    lock.write_text(format_lock(list(entries.values())), encoding="utf-8")
    error = error_of(locked)
    assert error.path == lock and "outside" in error.message


def test_omit_remote_puts_visible_placeholders_with_warnings(tmp_path):
    path = write_manuscript(tmp_path)
    diagnostics = Diagnostics(echo=False)
    document = load(path, diagnostics, omit_remote=True)
    body = document.chapters[0].body
    assert document.images == ()
    assert body.count('<span class="image-omitted">Image not included: Build passing</span>') == 2
    assert '<span class="image-omitted">Image not included: The logo</span>' in body
    assert "example.org/badge" not in body and "<img" not in body
    assert '<a href="https://ci.example.org/"><span class="image-omitted">' in body  # still inside its link
    warned = [(w.line, w.message) for w in diagnostics.warnings if "--omit-remote" in w.message]
    assert [line for line, _ in warned] == [7, 11, 13]
    assert all("report-build fetch" in message for _, message in warned)


def test_omit_remote_still_uses_what_was_fetched(locked):
    lock = locked.parent / LOCK_NAME
    lock.write_text(format_lock([e for e in read_lock(lock).values() if e.url != LOGO]), encoding="utf-8")
    diagnostics = Diagnostics(echo=False)
    document = load(locked, diagnostics, omit_remote=True)
    assert len(document.images) == 1 and document.images[0].src.startswith("images/remote/")
    assert [w.line for w in diagnostics.warnings if "--omit-remote" in w.message] == [11]


def test_omit_remote_is_an_error_with_strict(tmp_path):
    with pytest.raises(ReportBuildError, match="--omit-remote"):
        load(write_manuscript(tmp_path), Diagnostics(strict=True, echo=False), omit_remote=True)


def test_placeholder_words_follow_the_language(tmp_path):
    path = tmp_path / "report.md"
    path.write_text(f"---\ntitle: Rapport\nlang: fr\n---\n\n# Un\n\n![Le logo]({BADGE})\n", encoding="utf-8")
    document = load(path, Diagnostics(echo=False), omit_remote=True)
    assert '<span class="image-omitted">Image non incluse\u202f: Le logo</span>' in document.chapters[0].body
