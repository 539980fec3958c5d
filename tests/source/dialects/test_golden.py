"""Golden Markdown-to-XHTML pairs for the syntax of other tools (source/dialects/), one sample
per construct, written in the style of each tool's own pages. Each ``<tool>/<name>.md`` (``.Rmd``
for bookdown) is read as a draft; ``<name>.html`` holds the chapters, the notes and the warnings
(with their lines) it gives. A missing ``.html`` is written once, to be reviewed and committed."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from report_build import Diagnostics
from report_build.source.parse import load

HERE = Path(__file__).resolve().parent
SAMPLES = sorted(
    p
    for p in HERE.rglob("*")
    if p.suffix in (".md", ".Rmd")
    and p.parent != HERE
    and not any(part.startswith("_") for part in p.relative_to(HERE).parts)
)
"""Every sample; the files in a folder whose name starts with "_" are its parts (an Obsidian vault's other notes)."""


def golden_text(path: Path) -> str:
    diagnostics = Diagnostics(echo=False)
    doc = load(path, diagnostics)
    parts = []
    for chapter in doc.chapters:
        parts.append(f"<!-- chapter {chapter.index} number={chapter.number} id={chapter.id} title={chapter.title} -->")
        parts.append(chapter.body.strip())
        for note in chapter.footnotes:
            parts.append(f"<!-- note {note.number} -->{note.html.strip()}")
        etree.fromstring(f"<div>{chapter.body}</div>".encode())  # every body is well-formed XML
    for warning in diagnostics.warnings:
        where = Path(warning.path).name if warning.path else "?"
        parts.append(f"<!-- warning {where}:{warning.line}: {warning.message} -->")
    return "\n".join(parts) + "\n"


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: f"{p.parent.relative_to(HERE)}/{p.stem}")
def test_golden(sample: Path) -> None:
    expected = sample.with_suffix(".html")
    actual = golden_text(sample)
    if not expected.exists():
        expected.write_text(actual, encoding="utf-8")
    assert actual == expected.read_text(encoding="utf-8")
