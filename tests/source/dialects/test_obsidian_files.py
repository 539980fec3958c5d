"""The files an Obsidian note's links and embeds read (source/dialects/obsidian.py): none outside
the manuscript's folder, followed through a link or not, and each one once."""

from __future__ import annotations

import os
import sys
from collections import Counter
from pathlib import Path

import pytest

from report_build import Diagnostics, load
from report_build.source import files


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="symbolic links")
def test_an_embed_never_reads_a_note_linked_in_from_outside_the_vault(tmp_path):
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "secret.md").write_text("# Secret\n\nNot the report's.\n", encoding="utf-8")
    vault = tmp_path / "vault"
    (vault / "notes").mkdir(parents=True)
    (vault / "notes" / "secret.md").symlink_to(outside / "secret.md")
    (vault / "linked").symlink_to(outside, target_is_directory=True)
    manuscript = vault / "report.md"
    manuscript.write_text("---\ntitle: T\n---\n\n# One\n\n![[secret]]\n\n![[linked/secret]]\n", encoding="utf-8")
    diagnostics = Diagnostics(echo=False)
    document = load(manuscript, diagnostics)
    assert "Not the report" not in document.chapters[0].body
    assert [w.line for w in diagnostics.warnings if "secret" in w.message] == [7, 9]


_opened: list[tuple[Path, Counter]] = []


def _hook(event: str, args: tuple) -> None:
    if event == "open" and _opened and isinstance(args[0], (str, os.PathLike)):
        root, counts = _opened[-1]
        path = Path(os.fsdecode(args[0]))
        if path.is_absolute() and path.resolve().is_relative_to(root):
            counts[path.resolve().relative_to(root).as_posix()] += 1


sys.addaudithook(_hook)  # counts only while a test holds _opened


def test_a_link_to_a_chapters_heading_reads_the_chapter_once(tmp_path):
    manuscript = tmp_path / "report.md"
    manuscript.write_text("---\ntitle: T\nchapters: [Two.md]\n---\n\n# One\n\nSee [[Two#Methods]].\n", encoding="utf-8")
    (tmp_path / "Two.md").write_text("# Two\n\n## Methods\n\nText.\n", encoding="utf-8")
    counts: Counter = Counter()
    _opened.append((tmp_path.resolve(), counts))
    try:
        with files.reading():
            document = load(manuscript, Diagnostics(echo=False))
    finally:
        _opened.pop()
    assert 'href="#methods"' in document.chapters[0].body
    assert counts["Two.md"] == 1
