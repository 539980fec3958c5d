"""One read: a build opens each source file once (manuscript, chapter files, includes, variables,
bibliography and style, changelog, data files, chart specs, catalogs), counted by Python's
audit hook on ``open`` while the build runs in memory."""

from __future__ import annotations

import os
import sys
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from conftest import FIXTURES, MANUSCRIPT
from report_build import Diagnostics
from report_build.build import build
from report_build.source import files

_counting: list[tuple[Path, Counter]] = []


def _hook(event: str, args: tuple) -> None:
    if event != "open" or not _counting or not isinstance(args[0], (str, bytes, os.PathLike)):
        return
    root, counts = _counting[-1]
    path = Path(os.fsdecode(args[0]))
    path = path if path.is_absolute() else Path.cwd() / path
    if path.is_relative_to(root):
        counts[path.resolve().relative_to(root).as_posix()] += 1


sys.addaudithook(_hook)  # an audit hook cannot be removed: it counts only inside opened()


@contextmanager
def opened(root: Path) -> Iterator[Counter]:
    """Every file under ``root`` opened meanwhile, with how many times."""
    counts: Counter = Counter()
    _counting.append((root.resolve(), counts))
    try:
        yield counts
    finally:
        _counting.pop()


def quiet() -> Diagnostics:
    return Diagnostics(echo=False)


REPORT = """---
title: Read once
language: en
bibliography: refs.bib
csl: style.csl
chapters: [chapters/two.md]
---

# One

{{< include parts/intro.md >}}

--8<-- "parts/terms.md"

The reservoir held {{< var stored.february >}} cubic metres [@pd2018].

::: {.content-visible when-format="docx"}
Only in Word.[^w]
:::

::: {.content-hidden when-format="docx"}
Everywhere else.
:::

![Water stored by month](charts/bar.vl.json){#fig-bar}

[^w]: A note for Word.

--8<-- "parts/terms.md"
"""

FILES = {
    "report.md": REPORT,
    "parts/intro.md": "An included paragraph, {{< var place >}}.\n",
    "parts/terms.md": "*[WASH]: Water, sanitation and hygiene\n",  # a snippet, put in place twice
    "chapters/two.md": "# Two\n\nThe second chapter, see @fig-bar.\n",
    "variables.yaml": (
        'place: the valley\nstored:\n  february: {data: data/stored.csv, row: {month: "2020-02"}, column: stored}\n'
    ),
    "data/stored.csv": "month,stored\n2020-01,500000\n2020-02,450000\n",
    "charts/bar.vl.json": (
        '{"data": {"url": "../data/stored.csv"}, "mark": "bar", "encoding": {'
        '"x": {"field": "month", "type": "ordinal"}, "y": {"field": "stored", "type": "quantitative"}}}\n'
    ),
    "refs.bib": "@techreport{pd2018,\n  author = {{Peace Direct}},\n  title = {Idlib Lives},\n  year = {2018}\n}\n",
    "changelog.yaml": 'releases:\n  - version: "1.0"\n    date: 2021-01-15\n    summary: First publication.\n',
}


@pytest.fixture
def manuscript(tmp_path: Path) -> Path:
    for name, text in FILES.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    (tmp_path / "style.csl").write_bytes((FIXTURES / "citations" / "note-style.csl").read_bytes())
    return tmp_path / "report.md"


def test_each_source_file_is_opened_once_in_a_build(manuscript):
    """Composing, parsing every output's text (this one differs in Word), the chart and its data,
    the citations, the draft check's fingerprint and the Word writer share one read (the site,
    which offers the chart's data for download, is counted on the sample report below)."""
    with opened(manuscript.parent) as counts:
        built = build(manuscript, ("docx",), write=False, diagnostics=quiet(), output_dir=manuscript.parent / "o")
    assert [item.format for item in built] == ["docx"]
    sources = set(FILES) | {"style.csl"}
    assert set(counts) >= sources, sorted(sources - set(counts))  # every one read: the count is of something
    assert {name: n for name, n in counts.items() if name in sources and n != 1} == {}


def test_each_files_front_matter_is_split_once_in_a_build(manuscript, monkeypatch):
    """The main file, its chapter file and its include: composed again for Word's own text, and
    their front matter split once each."""
    from report_build.source import frontmatter

    splits: Counter = Counter()
    split = frontmatter._split

    def counted(text: str, path: Path):
        splits[Path(path).resolve().relative_to(manuscript.parent.resolve()).as_posix()] += 1
        return split(text, path)

    monkeypatch.setattr(frontmatter, "_split", counted)
    build(manuscript, ("docx",), write=False, diagnostics=quiet(), output_dir=manuscript.parent / "o")
    assert splits == {"report.md": 1, "chapters/two.md": 1, "parts/intro.md": 1, "parts/terms.md": 1}


def test_outside_a_build_a_file_is_simply_read(tmp_path):
    path = tmp_path / "a.md"
    path.write_text("one", encoding="utf-8")
    assert files.read_bytes(path) == b"one"
    path.write_text("two", encoding="utf-8")
    assert files.read_bytes(path) == b"two"  # nothing kept between builds
    with files.reading():
        assert files.read_utf8(path) == "two"
        path.write_text("three", encoding="utf-8")
        assert files.read_utf8(path) == "two"  # one build sees one state of the file
        with files.reading():  # nested: the same reading
            assert files.read_bytes(path) == b"two"
    assert files.read_utf8(path) == "three"


@pytest.mark.e2e
def test_the_sample_reports_files_are_each_opened_once():
    """The sample report (eight chapter files, variables, data, charts, bibliography, changelog,
    a catalog) built as PDF, ePub and site in one build."""
    root = MANUSCRIPT.parent
    with opened(root) as counts:
        build(MANUSCRIPT, ("pdf", "epub", "web"), write=False, diagnostics=quiet(), jobs=1)
    expected = {"report.md", "changelog.yaml", "variables.yaml", "sources.json"}
    expected |= {f"chapters/{path.name}" for path in (root / "chapters").glob("*.md")}
    expected |= {f"data/{path.name}" for path in (root / "data").glob("*.csv")}
    expected |= {f"charts/{path.name}" for path in (root / "charts").glob("*.json")}
    assert expected <= set(counts), sorted(expected - set(counts))
    assert {name: n for name, n in counts.items() if n != 1} == {}


def listed_sources(fragment: str) -> list[str]:
    """The files a --depfile fragment lists in REPORT_SOURCES (one per line, spaces escaped)."""
    lines = fragment.split("REPORT_SOURCES :=", 1)[1].split("\n")
    names = []
    for line in lines[1:]:
        if not line.startswith("  "):
            break
        names.append(line.strip().removesuffix(" \\").replace("\\ ", " "))
    return names


def test_the_makefile_inputs_are_the_files_the_build_read(manuscript):
    """`--depfile`: the Makefile's inputs come from the one read: every source file the build
    opened, in the order of the release fingerprint, with a rule each (a file gone is out of
    date, not a make error), and nothing else in the folder."""
    from report_build.build import load
    from report_build.publish.release import source_files

    (manuscript.parent / "notes on the side.txt").write_text("not a source\n", encoding="utf-8")
    image = manuscript.parent / "images" / "a map.png"  # a space in the name: escaped for make
    image.parent.mkdir()
    image.write_bytes((FIXTURES / "basic" / "images" / "bars.png").read_bytes())
    manuscript.write_text(manuscript.read_text(encoding="utf-8") + "\n![A map](<images/a map.png>)\n", encoding="utf-8")
    depfile = manuscript.parent / "o" / "report.sources.mk"
    with opened(manuscript.parent) as counts:
        build(manuscript, ("docx",), diagnostics=quiet(), output_dir=manuscript.parent / "o", depfile=depfile)
    fragment = depfile.read_text(encoding="utf-8")
    listed = listed_sources(fragment)
    root = manuscript.parent.resolve()
    sources = set(FILES) | {"style.csl", "images/a map.png"}
    assert sorted(Path(name).relative_to(root).as_posix() for name in listed) == sorted(sources)
    assert sources - {"images/a map.png"} <= set(counts)  # read by the build (the image by the writer)
    fingerprinted = [str(path) for path in source_files(load(manuscript, quiet()))]
    assert listed[: len(fingerprinted)] == fingerprinted
    assert f"{root}/images/a\\ map.png:\n" in fragment and f"{root}/report.md:\n" in fragment


@pytest.mark.e2e
def test_make_rebuilds_when_a_source_changes_and_only_then(manuscript, tmp_path):
    """The Makefile's stamps depend on the fragment's files: a change to one of them (a data
    file) or a chapter removed means a build; a file beside them that the build never read does not."""
    import subprocess
    import time

    from conftest import ROOT

    stamps = tmp_path / "stamps"
    key = str(manuscript).replace("/", "_")
    depfile = stamps / f"{key}.sources.mk"
    build(manuscript, ("docx",), diagnostics=quiet(), output_dir=tmp_path / "o", depfile=depfile)
    (manuscript.parent / "notes.txt").write_text("not a source\n", encoding="utf-8")
    (stamps / f"{key}.pdf").write_text(str(manuscript) + "\n", encoding="utf-8")  # the last build's output

    def builds() -> bool:
        run = subprocess.run(
            ["make", "-n", "pdf", f"MANUSCRIPT={manuscript}", f"STAMPS={stamps}"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert run.returncode == 0, run.stderr
        return f"pdf --depfile {depfile}" in run.stdout

    assert not builds()
    os.utime(manuscript.parent / "notes.txt")
    assert not builds()  # not a source
    os.utime(manuscript.parent / "data" / "stored.csv", (time.time() + 5, time.time() + 5))
    assert builds()
    os.utime(manuscript.parent / "data" / "stored.csv", (time.time() - 3600, time.time() - 3600))
    assert not builds()
    (manuscript.parent / "chapters" / "two.md").unlink()
    assert builds()
