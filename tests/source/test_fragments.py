"""Chapters converted on their own (source/fragments.py): where the text is cut, what makes it
read whole, documents equal to one conversion of the whole text, and the fragment cache."""

from __future__ import annotations

import importlib
import os
import re
import shutil
from pathlib import Path

import pytest

from conftest import FIXTURES, MANUSCRIPT, REALWORLD, bench_module
from report_build import Diagnostics, build, workers
from report_build.cache import BuildCache
from report_build.errors import ManuscriptError
from report_build.source import fragments, parse
from report_build.source.extensions import Structure
from report_build.source.remote import RemoteImages

GOLDEN = Path(__file__).resolve().parent.parent / "golden"
gather = importlib.import_module("report_build.build").gather


def body(text: str) -> list[str]:
    return text.strip("\n").split("\n")


def test_the_text_is_cut_before_each_chapter_heading_and_not_in_code():
    lines = body("""
Preface text.

# One

Text.

```
# not a heading
```

## A section

# Two
""")
    parts, level, why = fragments.split(lines, has_title=True)
    assert why == "" and level == 1
    assert [part.lines[0] for part in parts] == ["Preface text.", "# One", "# Two"]
    assert [part.start for part in parts] == [0, 2, 12]


def test_the_chapter_level_and_the_title_are_the_whole_texts():
    """Without a title in the front matter, the first # heading is the title; the chapters are
    then the ## headings, and only the part that holds the title looks for it."""
    lines = body("""
# The title

Intro.

## One

### Deeper

## Two
""")
    parts, level, why = fragments.split(lines, has_title=False)
    assert why == "" and level == 2
    assert [(part.lines[0], part.has_title) for part in parts] == [
        ("# The title", False),
        ("## One", True),
        ("## Two", True),
    ]


def test_notes_go_to_the_chapter_that_calls_them_and_definitions_to_every_chapter():
    """A note defined at the end (as single-file reports do) is given to the chapter that calls
    it, with a note it calls in turn; its lines are blank where it was written, so line numbers
    hold. Abbreviations and link references apply everywhere: each part gets the others'."""
    lines = body("""
# One

A claim.[^a] See [the site][site].

# Two

*[NGO]: non-governmental organisation

[^a]: The source,[^b] with more

    on an indented line.

[^b]: A note of a note.

[site]: https://example.org "Example"
""")
    parts, _level, why = fragments.split(lines, has_title=True)
    assert why == ""
    one, two = parts
    assert one.lines[:3] == ["# One", "", "A claim.[^a] See [the site][site]."]
    given = one.lines[4:]
    assert "[^a]: The source,[^b] with more" in given and "    on an indented line." in given
    assert "[^b]: A note of a note." in given and "*[NGO]: non-governmental organisation" in given
    assert '[site]: https://example.org "Example"' not in one.lines[:4]
    blank = [""] * 6  # the notes' five lines and the blank between them: blank where they were written
    assert two.lines == [
        "# Two",
        "",
        "*[NGO]: non-governmental organisation",
        "",
        *blank,
        '[site]: https://example.org "Example"',
    ]


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("# One\n\n<div>\n\n# Two\n\n</div>", "raw HTML left open at a chapter heading"),
        ("# One\n\n<!-- a comment\n\n# Two\n\n-->", "raw HTML left open at a chapter heading"),
        ("# One\n\n<pre>\n\n# Two\n\n</pre>", "raw HTML left open at a chapter heading"),
        ('# One\n\n<div markdown="1">\n\n# Two\n\n</div>', "raw HTML left open at a chapter heading"),
        ("# One\n\n<p align=center>Left open\n\n# Two", "raw HTML left open at a chapter heading"),
        ("# One\n\n<div\n  class=x>\n\n# Two\n\n</div>", "raw HTML left open at a chapter heading"),
        ("# One\n\n<div>\n```\n</div>\n```\n\n# Two", "raw HTML left open at a chapter heading or around fenced code"),
        ("# One\n\nTitle\n=====\n\n# Two", "setext headings"),
        ("# One\n\nA[^n].\n\n# Two\n\nB[^n].\n\n[^n]: Note.", "note [^n] is called from two chapters"),
        ("# One\n\n[^n]: x\n\n# Two\n\n[^n]: y", "a note defined twice"),
        ("[TOC]\n\n# One\n\n# Two", "a [TOC] marker"),
        ("# One\n\n #Two\n\n# Three", "headings indented or without a space after their marks"),
        ("# One\n\nText\n[x]: https://example.org\n\n# Two", "written over lines, or twice"),
        ("# One\n\nOnly one chapter.", "one chapter"),
    ],
)
def test_a_text_whose_chapters_could_read_otherwise_alone_is_converted_whole(text, why):
    parts, _level, found = fragments.split(text.split("\n"), has_title=True)
    assert parts == [] and why in found


TITLED = "---\ntitle: T\n---\n"
TRICKY = {
    # fences close as CommonMark closes them: a shorter fence, one after a tab, one with text after
    "fence closed by a longer fence only": TITLED + "# A\n\n````\n```\n\n# B\n````\n\n# C\n\ntext",
    "fence not closed after a tab": TITLED + "# A\n\n```\ncode\n\t```\n\n# B\n\n```\n\n# C\n\nz",
    "fence not closed with text after it": TITLED + "# A\n\n```\ncode\n``` x\n\n# B\n\n```\n\n# C\n\nz",
    # what ends a note's first lines in a whole reading does not move with it
    "note followed by a heading": TITLED + "# A\n\nCall [^n].\n\n# B\n\nx\n\n[^n]: note\n## Sub\n\ny",
    "note followed by a quote": TITLED + "# A\n\nCall [^n].\n\n# B\n\nx\n\n[^n]: note\n> quote\n\ny",
    "note followed by a rule": TITLED + "# A\n\nCall [^n].\n\n# B\n\nx\n\n[^n]: note\n***\nmore",
    "note followed by a list": TITLED + "# A\n\nCall [^n].\n\n# B\n\nx\n\n[^n]: note\n- item",
    # definitions inside containers apply to the whole text too
    "link reference in a quote": TITLED + "# A\n\n> [x]: http://example.com/\n\n# B\n\nsee [link][x]",
    "link reference in a list": TITLED + "# A\n\n- item\n\n    [x]: http://example.com/\n\n# B\n\nsee [link][x]",
    "link reference in a note": TITLED + "# A\n\nx [^n]\n\n[^n]: note\n\n    [r]: http://e.com/\n\n# B\n\n[link][r]",
    "abbreviation in a quote": TITLED + "# A\n\n> *[HTML]: Hyper Text\n\n# B\n\nHTML here",
    "abbreviation in a list": TITLED + "# A\n\n- *[HTML]: Hyper\n\n# B\n\nHTML x",
    "note defined in a quote": TITLED + "# A\n\nCall [^n].\n\n# B\n\n> [^n]: note",
    "note defined in a list": TITLED + "# A\n\nCall [^n].\n\n# B\n\n- item\n\n    [^n]: note",
    # definitions over two lines
    "link reference with its title below": TITLED
    + '# A\n\nsee [link][x]\n\n# B\n\n[x]: http://e.com/\n"The Title"\n\ntext',
    "abbreviation with its title below": TITLED + "# A\n\nHTML here\n\n# B\n\n*[HTML]:\nHyper Text\n\ntext",
    "note label with a space": TITLED + "# A\n\nCall [^a b].\n\n# B\n\nx\n\n[^a b]: note",
    "contents marker in a quote": TITLED + "# A\n\n> [TOC]\n\n## S\n\n# B\n\n## S2",
    "contents marker in a list": TITLED + "# A\n\n- [TOC]\n\n## S\n\n# B\n\n## S2",
    # the title's heading takes its id before the chapters take theirs
    "title and chapter of the same name": "# _Intro_\n\ntext\n\n# Intro\n\nx\n\n# B\n\ny",
    "title as a link": "# [Intro](http://e.com)\n\ntext\n\n# Intro\n\nx",
    "note called from a note": TITLED + "# A\n\nSee [^o].\n\n# B\n\n[^o]: outer [^i]\n\n[^i]: inner\n\ntext",
    "notes defined in other chapters": TITLED
    + "# A\n\nCall [^a] and [^b].\n\n[^c]: cee\n\n# B\n\nCall [^c].\n\n[^a]: ay\n\n# C\n\n[^b]: bee",
    # a second review: labels as Python-Markdown keys them, its notes marker, fences in list
    # items, what waits for the first chapter, raw HTML like the notes block, a note's note
    "link labels that differ by spaces": TITLED
    + "# A\n\n[a]: http://one.example/\n\nsee [x][a]\n\n# B\n\n[ a]: http://two.example/\n\nsee [y][a]",
    "abbreviations that differ by a space": TITLED + "# A\n\n*[HTML]: Hyper\n\nHTML\n\n# B\n\n*[ HTML]: Other\n\nHTML",
    "abbreviation with a space before its colon": TITLED + "# A\n\nHTML one\n\n# B\n\n*[HTML] : Hyper\n\nHTML two",
    "notes place marker": TITLED + "# A\n\n///Footnotes Go Here///\n\n# B\n\nCall [^n].\n\n[^n]: note",
    "fence in a list item": TITLED + "# A\n\n- item\n\n  ```\n  code\n\n# B\n\ntext\n\n```\n\n# C\n```\n\nend",
    "rule before the first chapter": TITLED + "***\n\n# A\n\ntext\n\n# B\n\nmore",
    "note holding the notes block's markup": TITLED
    + '# A\n\nx [^n]\n\n[^n]: a <div class="footnote"> b\n\n# B\n\ny [^m]\n\n[^m]: m',
    "note called from an uncalled note": TITLED + "# A\n\nx\n\n[^o]: outer [^i]\n\n# B\n\ny\n\n[^i]: inner",
    "line endings of Windows": TITLED.replace("\n", "\r\n") + "# A\r\n\r\nOne.[^n]\r\n\r\n# B\r\n\r\n[^n]: Two.",
    # raw HTML: a text is cut where none is left open (README blocks, anchors, comments, what
    # the other tools' syntax becomes), and read whole where some is
    "README blocks": TITLED
    + '# A\n\n<div align="center">\n\n**bold**\n\n</div>\n\n<details><summary>More</summary>\n\n- a *b*\n\n</details>'
    + '\n\n# B\n\n<p align="center"><img src="x.png" alt="X"/><br></p>\n\ntext',
    "an anchor named as a later heading": TITLED + '# A\n\n<a name="b"></a>See [B](#b).\n\n# B\n\ntext',
    "an element id as a later heading": TITLED + '# A\n\n<div id="b">x</div>\n\n# B\n\ntext',
    "a comment holding a heading line": TITLED + "# A\n\n<!--\n# Not a chapter\n-->\n\n# B\n\ntext",
    "a comment left open": TITLED + "# A\n\n<!-- open\n\n# B\n\ntext -->\n\n# C\n\nz",
    "tags in code spans, escaped and as autolinks": TITLED
    + "# A\n\nUse `<div>` and \\<div> and <https://e.org>.\n\n# B\n\ntext",
    "an escaped backslash before a tag": TITLED + "# A\n\nx \\\\<div>\n\n# B\n\ntext\n\n</div>",
    "a pre element holding a fence": TITLED + "# A\n\n<pre>\n```\n# B\n</pre>\n\n# C\n\n```\ncode\n```",
    "a markdown element holding a fence": TITLED
    + '# A\n\n<figure markdown="1">\n\n```\ncode\n```\n\n</figure>\n\n# B\n\ntext',
    "a div holding a fence": TITLED + "# A\n\n<div>\n```\n# B\n```\n</div>\n\n# C\n\ntext",
    "a tag over two lines": TITLED + "# A\n\n<div\nclass=x>\n\n# B\n\n</div>\n\n# C",
    "a script left open": TITLED + "# A\n\n<script>\n\n# B\n\n# C\n\ntext",
}


@pytest.mark.parametrize("name", list(TRICKY))
def test_texts_that_could_read_otherwise_in_parts_read_as_one_text(name, tmp_path):
    """Found by reading each both ways: each is either cut and read the same, or read whole."""
    path = tmp_path / "report.md"
    path.write_bytes(TRICKY[name].encode())
    split, whole, _counts = read_both(path)
    assert split == whole


@pytest.mark.parametrize(
    "name",
    [
        "README blocks",
        "an anchor named as a later heading",
        "a comment holding a heading line",
        "tags in code spans, escaped and as autolinks",
        "a markdown element holding a fence",
    ],
)
def test_raw_html_closed_before_each_chapter_heading_leaves_the_text_cut(name, tmp_path):
    path = tmp_path / "report.md"
    path.write_text(TRICKY[name], encoding="utf-8")
    split, whole, counts = read_both(path)
    assert counts.whole == "" and counts.parts >= 2
    assert split == whole


def read_both(path: Path, **options) -> tuple[object, object, fragments.Counts]:
    """The document read chapter by chapter, and read by one conversion of the whole text."""
    split = fragments.split
    first = parse.read(path, Diagnostics(echo=False), remote=RemoteImages(path, "omit"), **options)[0]
    counts = fragments.Counts(**vars(fragments.COUNTS))
    fragments.split = lambda lines, has_title: ([], 0, "whole, for the test")
    try:
        whole = parse.read(path, Diagnostics(echo=False), remote=RemoteImages(path, "omit"), **options)[0]
    finally:
        fragments.split = split
    return first, whole, counts


def documents() -> list[Path]:
    found = sorted(p for p in FIXTURES.glob("*/report.md")) + sorted(GOLDEN.glob("*.md"))
    return [MANUSCRIPT, *found]


@pytest.mark.parametrize("path", documents(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_a_document_read_chapter_by_chapter_equals_one_reading_of_the_whole(path):
    split, whole, counts = read_both(path)
    assert split == whole
    if path == MANUSCRIPT:  # the sample is cut: each of its chapters converted alone
        assert counts.whole == "" and counts.parts >= 8


def test_the_sample_in_every_edition_and_profile_equals_one_reading_of_the_whole():
    """The Arabic edition and the brief profile too (their texts differ: translated variables,
    passages left out), compared on the whole document the writers get."""
    split_reader = fragments.split
    for options in ({"language": "ar"}, {"profile": "brief"}, {"language": "ar", "profile": "brief"}):
        cut, _theme = gather(MANUSCRIPT, Diagnostics(echo=False), **options)
        assert fragments.COUNTS.parts > 1, options
        fragments.split = lambda lines, has_title: ([], 0, "whole, for the test")
        try:
            whole, _theme = gather(MANUSCRIPT, Diagnostics(echo=False), **options)
        finally:
            fragments.split = split_reader
        assert cut == whole, options


def test_a_generated_hundred_page_report_with_its_notes_at_the_end(tmp_path):
    """The benchmark's report defines every note at its end: each goes to its chapter."""
    with bench_module("generate") as generate:
        manifest = generate.generate(100, tmp_path)
    split, whole, counts = read_both(manifest.path)
    assert split == whole
    assert counts.whole == "" and counts.parts >= manifest.chapters


def test_the_web_edition_is_the_same_bytes_either_way():
    (cut,) = build(MANUSCRIPT, ("web",), write=False, diagnostics=Diagnostics(echo=False))
    split = fragments.split
    fragments.split = lambda lines, has_title: ([], 0, "whole, for the test")
    try:
        (whole,) = build(MANUSCRIPT, ("web",), write=False, diagnostics=Diagnostics(echo=False))
    finally:
        fragments.split = split
    assert cut.files == whole.files


@pytest.mark.skipif(not REALWORLD.is_dir(), reason="../shared/realworld is not here")
def test_the_real_world_documents_read_either_way_are_equal():
    with bench_module("corpus") as corpus:
        found = corpus.documents(REALWORLD, [])
    assert len(found) >= 13
    cut = 0
    for _name, path in found:
        split, whole, counts = read_both(path)
        assert split == whole, path
        cut += counts.whole == ""
    assert cut >= 6  # among them READMEs, Docusaurus and Hugo pages with raw HTML


def copy_of_the_sample(tmp_path: Path) -> Path:
    folder = tmp_path / "m"
    shutil.copytree(MANUSCRIPT.parent, folder, ignore=shutil.ignore_patterns("translations"))
    return folder / "report.md"


def read_with(cache_folder: Path, manuscript: Path) -> tuple[Diagnostics, fragments.Counts]:
    cache = BuildCache(cache_folder)
    diagnostics = Diagnostics(echo=False)
    parse.read(manuscript, diagnostics, cache=cache)
    cache.commit()
    return diagnostics, fragments.Counts(**vars(fragments.COUNTS))


def test_a_rebuild_converts_only_the_chapter_that_changed(tmp_path):
    manuscript = copy_of_the_sample(tmp_path)
    cache = tmp_path / "cache"
    first, counts = read_with(cache, manuscript)
    assert counts.converted == counts.parts >= 8 and not any("read again" in n for n in first.notes)
    again, counts = read_with(cache, manuscript)
    assert counts.converted == 0 and not any("read again" in n for n in again.notes)  # nothing to say
    chapter = manuscript.parent / "chapters" / "context.md"
    chapter.write_text(chapter.read_text(encoding="utf-8") + "\nOne more paragraph.\n", encoding="utf-8")
    edited, counts = read_with(cache, manuscript)
    assert counts.converted == 1
    assert "Markdown: 1 chapter read again, 8 unchanged since the last build" in edited.notes
    assert len(list(cache.glob("fragments-*.json"))) == 1  # one entry per manuscript, rewritten


def test_a_rebuild_read_whole_says_nothing_of_unchanged_chapters(tmp_path):
    """An edit that makes the text read whole (a raw HTML block) reuses no chapter, and the
    build does not say it did."""
    manuscript = copy_of_the_sample(tmp_path)
    cache = tmp_path / "cache"
    read_with(cache, manuscript)
    chapter = manuscript.parent / "chapters" / "context.md"
    chapter.write_text(chapter.read_text(encoding="utf-8") + "\n<div>\n\nLeft open.\n", encoding="utf-8")
    edited, counts = read_with(cache, manuscript)
    assert counts.whole and counts.converted == 1
    assert not any("unchanged" in note for note in edited.notes), edited.notes


def test_a_cached_chapter_gives_its_warnings_again_at_their_lines(tmp_path):
    """A warning given while a chapter is converted (an unknown MyST role) is given again when
    the chapter comes from the cache, at its line in the chapter file, after an edit above it."""
    folder = tmp_path / "m"
    folder.mkdir()
    manuscript = folder / "report.md"
    manuscript.write_text(
        "---\ntitle: Cache\n---\n\n# One\n\nFirst chapter.\n\n# Two\n\nA {frobnicate}`thing` here.\n",
        encoding="utf-8",
    )
    cache = tmp_path / "cache"

    def warned() -> list[tuple[str, int | None]]:
        diagnostics, _counts = read_with(cache, manuscript)
        return [(w.message, w.line) for w in diagnostics.warnings if "frobnicate" in w.message]

    first = warned()
    assert first and first[0][1] == 11
    assert warned() == first and fragments.COUNTS.converted == 0
    manuscript.write_text(
        manuscript.read_text().replace("First chapter.", "First chapter.\n\nAdded.\n"), encoding="utf-8"
    )
    moved = warned()
    assert fragments.COUNTS.converted == 1  # chapter one only
    assert moved == [(first[0][0], 14)]


def test_a_cached_chapters_warnings_do_not_depend_on_code_in_the_chapters_before(tmp_path):
    """Where a warning's text is searched for, fenced code is skipped, read as CommonMark reads
    it (text.fenced_lines): an edit inside an earlier chapter's code cannot move the lines a
    later chapter's warnings were found at, so a cached chapter gives them where a fresh
    reading would."""
    folder = tmp_path / "m"
    folder.mkdir()
    manuscript = folder / "report.md"
    manuscript.write_text("---\ntitle: T\nchapters: [a.md, b.md]\n---\n\n# Intro\n\nx\n", encoding="utf-8")
    (folder / "a.md").write_text("# A\n\n````\n```python\n````\n", encoding="utf-8")
    (folder / "b.md").write_text("# B\n\nA {frobnicate}`thing` here.\n", encoding="utf-8")

    def warnings(cache: Path | None) -> list[tuple[str, str, int | None]]:
        diagnostics = Diagnostics(echo=False)
        built = BuildCache(cache) if cache else None
        parse.read(manuscript, diagnostics, cache=built)
        if built:
            built.commit()
        return sorted((w.message, Path(w.path).name, w.line) for w in diagnostics.warnings if "frobnicate" in w.message)

    cache = tmp_path / "cache"
    assert warnings(cache) == warnings(None) == [(warnings(None)[0][0], "b.md", 3)]
    (folder / "a.md").write_text("# A\n\n````\ncode\n````\n", encoding="utf-8")
    assert warnings(cache) == warnings(None)


def long_text(chapters: int, chapter: str) -> str:
    """A titled text of ``chapters`` chapters, each ``chapter`` (``{n}`` its number), long
    enough to be converted side by side."""
    filler = "Words of filler that make the chapter long enough to share out. " * 40
    text = "---\ntitle: Long\n---\n\n" + "".join(
        f"# Chapter {n}\n\n{filler}\n\n{chapter.format(n=n)}\n\n" for n in range(chapters)
    )
    assert len(text) > fragments.SIDE_BY_SIDE_FROM
    return text


def read_jobs(path: Path, jobs: int) -> tuple[object, list[tuple[str, int | None]], fragments.Counts]:
    diagnostics = Diagnostics(echo=False)
    document = parse.read(path, diagnostics, remote=RemoteImages(path, "omit"), jobs=jobs)[0]
    warned = [(w.message, w.line) for w in diagnostics.warnings]
    return document, warned, fragments.Counts(**vars(fragments.COUNTS))


def test_a_long_text_is_converted_side_by_side_into_the_same_document_and_warnings(tmp_path):
    """With jobs, the chapters of a long text are converted in worker processes: the document
    and the warnings (each at its line) are those of the conversion here, one after the other."""
    path = tmp_path / "report.md"
    path.write_text(long_text(24, "A {{frobnicate}}`thing` [^n{n}] in chapter {n}.\n\n[^n{n}]: Note {n}."), "utf-8")
    alone, warned_alone, counts_alone = read_jobs(path, 1)
    side, warned_side, counts_side = read_jobs(path, 2)
    assert counts_alone.in_workers == 0 and counts_alone.converted == 25  # 24 chapters and what is before them
    assert counts_side.converted == counts_side.parts == 25
    assert counts_side.in_workers == 24  # the first part here, before the fork: the workers inherit what it loaded
    assert side == alone
    assert warned_side == warned_alone and len([w for w in warned_side if "frobnicate" in w[0]]) == 24
    line = path.read_text("utf-8").split("\n").index("A {frobnicate}`thing` [^n5] in chapter 5.") + 1
    assert [w for w in warned_side if "frobnicate" in w[0]][5][1] == line  # chapter 5's, at its own line


def test_the_generated_hundred_page_report_is_read_side_by_side_into_the_same_document(tmp_path):
    with bench_module("generate") as generate:
        manifest = generate.generate(100, tmp_path)
    alone, warned_alone, _counts = read_jobs(manifest.path, 1)
    side, warned_side, counts = read_jobs(manifest.path, 2)
    assert counts.parts >= manifest.chapters and counts.in_workers == counts.parts - 1
    assert (side, warned_side) == (alone, warned_alone)


def test_where_processes_cannot_be_forked_the_chapters_are_converted_here(tmp_path, monkeypatch):
    path = tmp_path / "report.md"
    path.write_text(long_text(24, "Chapter {n}."), "utf-8")
    forked, _warned, counts = read_jobs(path, 2)
    assert counts.in_workers == 24
    monkeypatch.setattr(workers, "_can_fork", lambda: False)
    here, _warned, counts = read_jobs(path, 2)
    assert counts.in_workers == 0 and counts.converted == 25 and here == forked


def test_a_short_text_is_converted_here_whatever_the_jobs():
    """Forking would cost more than it saves: the sample (about 40 pages) is converted here."""
    _document, _warned, counts = read_jobs(MANUSCRIPT, 2)
    assert counts.parts >= 8 and counts.in_workers == 0


def test_a_fault_in_a_worker_is_raised_as_one_conversion_after_the_other_meets_it(tmp_path):
    """The first chapter that faults gives the error, with its path and line, be it the build's
    own or an internal one; a chapter that sends the text to be read whole stops the chapters
    after it from faulting, as it does here."""
    lines = body(long_text(24, "Chapter {n} text.").split("---\n", 2)[2])
    starts = [index for index, line in enumerate(lines) if line.startswith("# Chapter")]

    def run(faulty: set[int], unsplittable: int | None, jobs: int, broken: int = -2) -> tuple[str, object, list[int]]:
        """What the reading gives (an error or the HTML), and the processes that converted (in
        the parts' order)."""

        def convert_part(part, has_title, level, start):
            number = starts.index(start) if start in starts else -1
            if number == broken:
                raise IndexError(f"list index out of range in chapter {number} [{os.getpid()}]")
            if number in faulty:
                raise ManuscriptError(f"chapter {number} is faulty [{os.getpid()}]", "report.md", start + 1)
            if number == unsplittable:  # the notes block's markup inside a note: read whole
                return fragments.NOTES_DIV * 2 + "</ol>\n</div>", Structure(notes=1)
            return f'<h1 id="c{number}">C</h1><!--[{os.getpid()}]-->', Structure(chapter_level=1, chapters=1)

        recording = fragments.Recording(lambda message, line: None, 1)
        fragments.COUNTS.reset()
        try:
            html, _structure = fragments.convert(lines, True, convert_part, recording, "", None, jobs)
        except ManuscriptError as exc:
            message = re.sub(r" \[(\d+)\]", "", exc.message)
            return "error", (message, exc.line), [int(pid) for pid in re.findall(r"\[(\d+)\]", exc.message)]
        except IndexError as exc:
            message = re.sub(r" \[(\d+)\]", "", str(exc))
            return "internal", message, [int(pid) for pid in re.findall(r"\[(\d+)\]", str(exc))]
        pids = [int(pid) for pid in re.findall(r"<!--\[(\d+)\]-->", html)]
        return "read", (re.sub(r"<!--\[\d+\]-->", "", html), fragments.COUNTS.whole), pids

    here = os.getpid()
    cases = [({7, 3}, None, -2), ({9}, 4, -2), ({2}, 6, -2), (set(), 5, -2), (set(), None, -2)]
    cases += [({3}, None, 7), (set(), 4, 9), (set(), None, 5), ({8}, None, 2)]  # and an internal fault
    for faulty, unsplittable, broken in cases:
        kind, what, processes = run(faulty, unsplittable, 1, broken)
        kind_there, what_there, processes_there = run(faulty, unsplittable, 2, broken)
        assert (kind, what) == (kind_there, what_there), (faulty, unsplittable, broken)
        assert set(processes) == {here}
        if unsplittable is None:  # else the whole text is converted here after the chapters were there
            # the first part here, before the fork (the workers inherit what it loaded), the rest there
            assert here not in (processes_there[1:] if kind_there == "read" else processes_there), faulty
            assert kind_there != "read" or processes_there[0] == here
    assert run({7, 3}, None, 2)[:2] == ("error", ("chapter 3 is faulty", starts[3] + 1))
    assert run({9}, 4, 2)[0] == "read" and fragments.COUNTS.whole == "a note holding what looks like the notes block"
    assert run({8}, None, 2, broken=2)[:2] == ("internal", "list index out of range in chapter 2")
