"""Versions: the changelog, version marks in both outputs, drafts, releases, diffs, reproducibility."""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pikepdf
import pytest

from conftest import FIXTURES, MANUSCRIPT, build_bytes, pdf_pages, squash
from report_build import Diagnostics, ManuscriptError, ReportBuildError, build, load
from report_build.publish.release import source_fingerprint

VERSIONED = FIXTURES / "versioned"


def copy_fixture(name: str, tmp_path: Path) -> Path:
    target = tmp_path / name
    shutil.copytree(FIXTURES / name, target)
    return target / "report.md"


def test_default_changelog_follows_the_seed(default_document):
    releases = default_document.releases
    assert [r.version for r in releases] == ["1.2", "1.1", "1.0"]
    assert releases[0].date.isoformat() == "2020-02-24" and releases[-1].date.isoformat() == "2018-05-17"
    assert releases[1].date.year == 2018 and releases[0].notice


@pytest.mark.parametrize(
    ("log", "line", "words"),
    [
        (
            'releases:\n  - version: "1.0"\n    date: 2021-01-01\n    summary: A\n'
            '  - version: "1.0"\n    date: 2020-01-01\n    summary: B\n',
            5,
            "older than",
        ),
        (
            'releases:\n  - version: "2.0"\n    date: 2020-01-01\n    summary: A\n'
            '  - version: "1.0"\n    date: 2021-01-01\n    summary: B\n',
            5,
            "after the newer",
        ),
        ("releases:\n  - version: 1.0\n    date: 2021-01-01\n    summary: A\n", 2, "quotes"),
        # as written: YAML reads 1.10 as the number 1.1, and "1.1" would be another version
        ("releases:\n  - date: 2021-01-01\n    version: 1.10\n    summary: A\n", 3, 'in quotes ("1.10")'),
        ('releases:\n  - version: "1.0"\n    date: someday\n    summary: A\n', 3, "YYYY-MM-DD"),
        # the front matter's date words: a filed version's date must not move from build to build
        ('releases:\n  - version: "1.0"\n    date: today\n    summary: A\n', 3, "needs its date written out"),
        ('releases:\n  - version: "1.0"\n    date: last-modified\n    summary: A\n', 3, "not 'last-modified'"),
        ('releases:\n  - version: "1.0"\n    date: 2021-01-01\n', 2, "summary"),
        ("releases: [\n", 2, "not valid YAML"),
    ],
)
def test_changelog_errors_name_file_and_line(tmp_path, log, line, words):
    manuscript = copy_fixture("versioned", tmp_path)
    (manuscript.parent / "changelog.yaml").write_text(log, encoding="utf-8")
    with pytest.raises(ManuscriptError) as info:
        load(manuscript, Diagnostics(echo=False))
    assert info.value.path.name == "changelog.yaml"
    assert info.value.line == line, str(info.value)
    assert words in info.value.message


@pytest.mark.e2e
def test_version_date_notice_and_history_in_the_pdf(tmp_path):
    data = build_bytes(VERSIONED / "report.md")
    pages = pdf_pages(data)
    assert squash("Version 2.0 · 1 June 2021") in squash(pages[0])  # cover
    title = pages[1]  # the title page: the screen edition has no blank verso after the cover
    assert squash("Version 2.0") in squash(title) and squash("revised on 1 June 2021") in squash(title)
    history = next(p for p in pages if p.lstrip().startswith("Version history"))
    assert squash(history).index(squash("Version 2.0")) < squash(history).index(squash("Version 1.0"))
    with pikepdf.open(io.BytesIO(data)) as pdf, pdf.open_metadata() as xmp:
        assert xmp["xmpMM:VersionID"] == "2.0"
        assert str(pdf.docinfo["/ModDate"]).startswith("D:20210601")


@pytest.mark.e2e
def test_output_names_carry_the_version(tmp_path):
    manuscript = copy_fixture("versioned", tmp_path)
    (result,) = build(manuscript, ("pdf",), output_dir=tmp_path / "out", diagnostics=Diagnostics(echo=False))
    assert result.path == tmp_path / "out" / "versioned-report-v2.0.pdf"
    assert result.path.read_bytes() == result.data


@pytest.mark.e2e
def test_pdf_builds_are_byte_identical(tmp_path):
    assert build_bytes(VERSIONED / "report.md") == build_bytes(VERSIONED / "report.md")


@pytest.mark.e2e
def test_source_date_epoch_sets_the_timestamps(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1600000000")  # 2020-09-13
    with pikepdf.open(io.BytesIO(build_bytes(VERSIONED / "report.md"))) as pdf:
        assert str(pdf.docinfo["/ModDate"]).startswith("D:20200913")


def _release(manuscript: Path, out: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "report_build", "release", str(manuscript), "--output-dir", str(out)],
        capture_output=True,
        text=True,
        timeout=600,
    )


def _files(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` (the web edition's too), by relative path."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.e2e
def test_release_is_complete_immutable_and_idempotent(tmp_path):
    manuscript = copy_fixture("versioned", tmp_path)
    out = tmp_path / "out"
    first = _release(manuscript, out)
    assert first.returncode == 0, first.stderr
    folder = out / "releases" / "2.0"
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["version"] == "2.0" and manifest["date"] == "2021-06-01"
    names = sorted(f["name"] for f in manifest["files"])
    assert names == ["versioned-report-v2.0.epub", "versioned-report-v2.0.pdf"]
    sums = (folder / "SHA256SUMS").read_text().splitlines()
    for line in sums:
        digest, name = line.split("  ")
        assert hashlib.sha256((folder / name).read_bytes()).hexdigest() == digest
    # laid out in one pass, whatever the cores: the bytes any machine gives (a grouped layout's
    # depend on the number of groups)
    released = (folder / "versioned-report-v2.0.pdf").read_bytes()
    assert released == build_bytes(manuscript, output_dir=tmp_path / "elsewhere", jobs=1)
    assert released != build_bytes(manuscript, output_dir=tmp_path / "elsewhere", jobs=2)
    for entry in manifest["files"]:
        assert (folder / entry["name"]).stat().st_size == entry["size"]
    index = (out / "releases" / "index.html").read_text()
    assert "<script" not in index and "http://" not in index and "https://" not in index
    assert 'href="2.0/versioned-report-v2.0.pdf"' in index and manifest["files"][0]["sha256"] in index
    # the web edition of the same version, linked from the downloads page; its landing page
    # offers the PDF and ePub beside it, with their SHA-256
    assert manifest["web"] == "web/index.html" and 'href="2.0/web/index.html"' in index
    landing = (folder / "web" / "index.html").read_text()
    for entry in manifest["files"]:
        assert f'href="../{entry["name"]}"' in landing and entry["sha256"] in landing
    # the sources it was made from are kept beside the outputs, and not offered for download
    assert manifest["sources"] == {"folder": "sources", "manuscript": "report.md"}
    assert (folder / "sources" / "report.md").read_bytes() == manuscript.read_bytes()
    assert "sources/" not in index
    snapshot = _files(folder)

    again = _release(manuscript, out)  # same sources: nothing changes
    assert again.returncode == 0 and "nothing changed" in again.stderr
    assert _files(folder) == snapshot

    manuscript.write_text(manuscript.read_text().replace("The first finding.", "A changed finding."))
    refused = _release(manuscript, out)  # changed sources under the same version: refused
    assert refused.returncode == 1
    assert "changelog.yaml:2:" in refused.stderr and "already released" in refused.stderr
    assert _files(folder) == snapshot

    draft = build_bytes(manuscript, strict=False, output_dir=out)  # and a build of it says DRAFT
    assert "DRAFT" in pdf_pages(draft)[0] and "DRAFT" in pdf_pages(draft)[2]  # cover and title page

    log = manuscript.parent / "changelog.yaml"
    log.write_text(
        log.read_text().replace(
            "releases:\n", 'releases:\n  - version: "2.1"\n    date: 2021-07-01\n    summary: Changed a finding.\n', 1
        )
    )
    newer = _release(manuscript, out)
    assert newer.returncode == 0, newer.stderr
    index = (out / "releases" / "index.html").read_text()
    assert index.index('id="v2.1"') < index.index('id="v2.0"')  # newest first


def test_fingerprint_follows_the_sources(tmp_path):
    manuscript = copy_fixture("versioned", tmp_path)
    before = source_fingerprint(load(manuscript, Diagnostics(echo=False)))
    assert before == source_fingerprint(load(manuscript, Diagnostics(echo=False)))
    (manuscript.parent / "changelog.yaml").write_text(
        (manuscript.parent / "changelog.yaml").read_text().replace("Revised", "Rewrote")
    )
    assert source_fingerprint(load(manuscript, Diagnostics(echo=False))) != before


@pytest.mark.e2e
def test_diff_lists_added_removed_and_changed_sections(tmp_path):
    from report_build.publish.diff import diff

    old, new = FIXTURES / "diff" / "old" / "report.md", FIXTURES / "diff" / "new" / "report.md"
    html = diff(str(old), str(new), fmt="html").decode()
    assert "Added</span> Findings › Outlook" in html
    assert "Removed</span> Context › Background" in html
    assert "Changed</span> Context" in html
    assert "<del>many</del>" in html and "<ins>nearly three and a half million</ins>" in html
    assert "Another unchanged paragraph" not in html
    out = tmp_path / "changes.pdf"
    result = subprocess.run(
        [sys.executable, "-m", "report_build", "diff", str(old), str(new), "-o", str(out)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    text = squash("".join(pdf_pages(out.read_bytes())))
    assert squash("What changed") in text and squash("A brand new section") in text


@pytest.mark.e2e
def test_diff_between_git_revisions(tmp_path):
    repo = tmp_path / "repo"
    shutil.copytree(FIXTURES / "diff" / "old", repo / "manuscript")
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.invalid"]
    subprocess.run([*git, "init", "-q"], cwd=repo, check=True)
    subprocess.run([*git, "add", "."], cwd=repo, check=True)
    subprocess.run([*git, "commit", "-qm", "old"], cwd=repo, check=True)
    subprocess.run([*git, "tag", "v1"], cwd=repo, check=True)
    shutil.copy(FIXTURES / "diff" / "new" / "report.md", repo / "manuscript" / "report.md")
    subprocess.run([*git, "commit", "-qam", "new"], cwd=repo, check=True)
    result = subprocess.run(
        [sys.executable, "-m", "report_build", "diff", "v1", "HEAD", "-o", "c.html"],
        cwd=repo,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert "Removed</span> Context › Background" in (repo / "c.html").read_text()


def test_diff_of_unknown_revision_is_a_clear_error(tmp_path):
    with pytest.raises(ReportBuildError):
        from report_build.publish.diff import diff

        diff("no-such-rev", str(MANUSCRIPT), fmt="html")


# -- versions by number: the sources a release keeps, diffs by number, drafts named as drafts ----

ONE_VERSION = 'releases:\n  - version: "1.0"\n    date: 2021-01-15\n    summary: First publication.\n'


def _file_release(manuscript: Path, out: Path):
    """File a release without PDF or ePub (the release logic alone: fast)."""
    from report_build.publish import release
    from report_build.theme import Theme

    document = load(manuscript, Diagnostics(echo=False), out / "releases")
    return release.release(document, dict, out / "releases", Theme(None, "en", Diagnostics(echo=False)))


def _versions_1_0_and_1_1(tmp_path: Path) -> tuple[Path, Path]:
    manuscript = copy_fixture("versioned", tmp_path)
    log = manuscript.parent / "changelog.yaml"
    log.write_text(ONE_VERSION)
    out = tmp_path / "out"
    _file_release(manuscript, out)
    manuscript.write_text(manuscript.read_text().replace("The first finding.", "A revised finding."))
    log.write_text(ONE_VERSION.replace("releases:\n", 'releases:\n  - version: "1.1"\n    date: 2021-03-01\n'
                                       "    summary: Revised a finding.\n", 1))  # fmt: skip
    return manuscript, out


def test_release_keeps_the_sources_it_was_made_from(tmp_path):
    manuscript = copy_fixture("versioned", tmp_path)
    (manuscript.parent / "data.csv").write_text("not read by the build\n")
    out = tmp_path / "out"
    released = _file_release(manuscript, out)
    manifest = json.loads((released.folder / "manifest.json").read_text())
    kept = released.folder / "sources"
    assert sorted(p.name for p in kept.rglob("*") if p.is_file()) == ["changelog.yaml", "report.md"]
    assert source_fingerprint(load(kept / "report.md", Diagnostics(echo=False))) == manifest["source_sha256"]
    assert manifest["files"] == [] and "sources" not in (out / "releases" / "index.html").read_text()


def test_diff_takes_version_numbers(tmp_path, capsys):
    from report_build.cli import main

    manuscript, out = _versions_1_0_and_1_1(tmp_path)
    _file_release(manuscript, out)
    target = tmp_path / "changes.html"
    assert main(["diff", "1.0", "1.1", "-o", str(target), "--output-dir", str(out), "-q"]) == 0
    html = target.read_text()
    assert "release 1.0" in html and "release 1.1" in html
    assert "<del>The first</del>" in html and "<ins>A revised</ins>" in html  # the sources kept with each
    assert main(["diff", "1.0", "7.7", "-o", str(target), "--output-dir", str(out), "-q"]) == 1
    assert "'7.7' is neither a manuscript file, a version released in" in capsys.readouterr().err


def test_a_draft_of_a_released_version_is_named_draft(tmp_path):
    manuscript = copy_fixture("versioned", tmp_path)
    out = tmp_path / "out"
    _file_release(manuscript, out)
    quiet = Diagnostics(echo=False)
    (same,) = build(manuscript, ("docx",), output_dir=out, diagnostics=quiet)
    assert same.path.name == "versioned-report-v2.0.docx"  # the released sources: the released name
    manuscript.write_text(manuscript.read_text().replace("The first finding.", "A changed finding."))
    (draft,) = build(manuscript, ("docx",), output_dir=out, diagnostics=quiet)
    assert draft.path.name == "versioned-report-v2.0-draft.docx"
    from report_build.build import output_name

    document = load(manuscript, quiet, out / "releases")
    assert document.draft
    assert [output_name(document, fmt) for fmt in ("pdf", "epub")] == [
        "versioned-report-v2.0-draft.pdf",
        "versioned-report-v2.0-draft.epub",
    ]
    assert output_name(document, "pdf", "print") == "versioned-report-v2.0-draft-print.pdf"


@pytest.mark.e2e
def test_a_filed_release_keeps_its_date(tmp_path):
    """Version 1.0 was filed dated 15 January; a changelog that now dates it otherwise would make
    1.1's version history contradict what was filed: a warning at the entry's line in a draft,
    refused by release before anything is filed."""
    manuscript, out = _versions_1_0_and_1_1(tmp_path)
    log = manuscript.parent / "changelog.yaml"
    log.write_text(log.read_text().replace("date: 2021-01-15", "date: 2021-01-20"))
    diagnostics = Diagnostics(echo=False)
    load(manuscript, diagnostics, out / "releases")
    [warning] = [w for w in diagnostics.warnings if "filed" in w.message]
    assert (warning.path.name, warning.line) == ("changelog.yaml", 5)
    assert "release 1.0 was filed dated 2021-01-15, but the changelog now dates it 2021-01-20" in warning.message
    from report_build.build import make_release
    from report_build.errors import StrictModeError

    with pytest.raises(StrictModeError, match="filed dated 2021-01-15"):
        make_release(manuscript, output_dir=out, diagnostics=Diagnostics(echo=False))
    assert not (out / "releases" / "1.1").exists()
