"""Two releases of the same version at once: one wins; the other succeeds when its files are the
same, and otherwise says that the version was just released. Never an internal error."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import FIXTURES
from report_build import Diagnostics, load
from report_build.errors import ReleaseError
from report_build.publish import release
from report_build.theme import Theme

RB = [sys.executable, "-m", "report_build"]
ENV = {key: value for key, value in os.environ.items() if key != "REPORT_BUILD_DEBUG"}


def _copy(tmp_path: Path, name: str, extra: str = "") -> Path:
    folder = tmp_path / name
    shutil.copytree(FIXTURES / "versioned", folder)
    manuscript = folder / "report.md"
    if extra:
        manuscript.write_text(manuscript.read_text(encoding="utf-8") + f"\n{extra}\n", encoding="utf-8")
    return manuscript


def _race(manuscripts: list[Path], out: Path) -> list[subprocess.CompletedProcess[str]]:
    """Start one `release` process per manuscript at the same moment, all filing into ``out``."""
    processes = [
        subprocess.Popen(
            [*RB, "release", str(m), "--output-dir", str(out)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=ENV,
        )
        for m in manuscripts
    ]
    results = []
    for process, manuscript in zip(processes, manuscripts, strict=True):
        stdout, stderr = process.communicate(timeout=600)
        results.append(subprocess.CompletedProcess([str(manuscript)], process.returncode, stdout, stderr))
    return results


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


@pytest.mark.e2e
def test_two_processes_releasing_the_same_sources_both_succeed(tmp_path):
    manuscript = _copy(tmp_path, "book")
    out = tmp_path / "out"
    results = _race([manuscript, manuscript], out)
    for result in results:
        assert result.returncode == 0, result.stderr
        assert "internal error" not in result.stderr and "Traceback" not in result.stderr, result.stderr
    (folder,) = [p for p in (out / "releases").iterdir() if p.is_dir()]  # no staging folder left behind
    names = sorted(_files(folder))
    assert "SHA256SUMS" in names and "manifest.json" in names, names
    assert [n for n in names if n.endswith(".pdf")] and [n for n in names if n.endswith(".epub")], names
    assert (out / "releases" / "index.html").is_file()


@pytest.mark.e2e
def test_two_processes_releasing_different_sources_one_wins_the_other_says_why(tmp_path):
    first, second = _copy(tmp_path, "a", "FIRST-EDIT."), _copy(tmp_path, "b", "SECOND-EDIT.")
    out = tmp_path / "out"
    results = _race([first, second], out)
    codes = sorted(result.returncode for result in results)
    assert codes == [0, 1], [(r.returncode, r.stderr) for r in results]
    loser = next(result for result in results if result.returncode == 1)
    assert "internal error" not in loser.stderr and "Traceback" not in loser.stderr, loser.stderr
    assert "already released" in loser.stderr or "was just released" in loser.stderr, loser.stderr
    assert "changelog.yaml:" in loser.stderr, loser.stderr  # points at the version to change
    (folder,) = [p for p in (out / "releases").iterdir() if p.is_dir()]
    winner = next(result for result in results if result.returncode == 0)
    assert str(folder) in winner.stdout
    edit = "FIRST-EDIT" if winner is results[0] else "SECOND-EDIT"
    assert edit in (Path(winner.args[0]).read_text(encoding="utf-8"))


def _filed_meanwhile(manuscript: Path, releases_dir: Path):
    """A render step during which another run files the release of ``manuscript`` first."""
    other = load(manuscript, Diagnostics(echo=False))
    theme = Theme(other.metadata.layouts, other.metadata.language)

    def render() -> dict[str, tuple[str, bytes]]:
        release.release(
            other, lambda: {"pdf": ("r.pdf", b"%PDF-same"), "epub": ("r.epub", b"PK-same")}, releases_dir, theme
        )
        return {"pdf": ("r.pdf", b"%PDF-same"), "epub": ("r.epub", b"PK-mine")}

    return render, theme


def test_losing_the_race_with_other_files_is_a_release_error_not_a_crash(tmp_path):
    manuscript = _copy(tmp_path, "book")
    doc = load(manuscript, Diagnostics(echo=False))
    render, theme = _filed_meanwhile(manuscript, tmp_path / "releases")
    with pytest.raises(ReleaseError) as info:
        release.release(doc, render, tmp_path / "releases", theme)
    assert "was just released by another run" in info.value.message
    assert "different files" in info.value.message
    assert not [p for p in (tmp_path / "releases").iterdir() if p.name.startswith(".")], "staging folder left"
    assert (tmp_path / "releases" / doc.version / "r.epub").read_bytes() == b"PK-same"  # the winner is untouched


def test_losing_the_race_with_identical_files_is_a_success(tmp_path):
    manuscript = _copy(tmp_path, "book")
    doc = load(manuscript, Diagnostics(echo=False))
    other = load(manuscript, Diagnostics(echo=False))
    theme = Theme(doc.metadata.layouts, doc.metadata.language)
    same = {"pdf": ("r.pdf", b"%PDF-same"), "epub": ("r.epub", b"PK-same")}

    def render() -> dict[str, tuple[str, bytes]]:
        release.release(other, lambda: same, tmp_path / "releases", theme)
        return same

    released = release.release(doc, render, tmp_path / "releases", theme)
    assert released.folder == tmp_path / "releases" / doc.version and not released.changed
