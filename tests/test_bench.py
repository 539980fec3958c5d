"""The benchmark's manuscript generator (bench/generate.py): deterministic, and a valid manuscript.

The benchmark itself (bench/run.py) is not run here: it takes many minutes.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import bench_module
from report_build import Diagnostics, load


@pytest.fixture(scope="module")
def generate():
    with bench_module("generate") as module:
        yield module


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_same_seed_same_bytes(generate, tmp_path):
    first = generate.generate(20, tmp_path / "a", seed=3)
    second = generate.generate(20, tmp_path / "b", seed=3)
    assert first.chapters == second.chapters and first.footnotes == second.footnotes
    a, b = _files(tmp_path / "a"), _files(tmp_path / "b")
    assert a == b
    assert {"report.md", "changelog.yaml"} <= set(a) and any(name.endswith(".svg") for name in a)


def test_other_seed_other_text(generate):
    assert generate.render(20, seed=3)[0]["report.md"] != generate.render(20, seed=4)[0]["report.md"]


def test_longer_target_more_chapters(generate):
    assert generate.chapters_for(20) < generate.chapters_for(100) < generate.chapters_for(500)


def test_generated_manuscript_loads_with_the_expected_parts(generate, tmp_path):
    manifest = generate.generate(20, tmp_path, seed=7)
    diagnostics = Diagnostics(strict=True, echo=False)  # not even a warning
    document = load(manifest.path, diagnostics, releases_dir=tmp_path / "no-releases")
    bodies = [chapter.body for chapter in document.chapters]
    assert len(document.chapters) == manifest.chapters
    assert len(document.footnotes) == manifest.footnotes > 0
    assert sum(body.count("<table") for body in bodies) == manifest.tables > 0
    assert len(document.figures) == manifest.figures > 0
    assert all(figure.src.endswith(".svg") for figure in document.figures)
    sections = sum(1 for chapter in document.chapters for heading in chapter.sections if heading.level == 2)
    assert sections == manifest.sections
    callouts = sum(body.count('<aside class="callout ') + body.count('<aside class="pullquote') for body in bodies)
    assert callouts == manifest.callouts > 0
    assert document.version == "2.0"
    assert "Synthetic" in document.metadata.title
