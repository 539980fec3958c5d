"""The WeasyPrint call (writers/pdf/layout.py): the layout's stylesheets parsed once per process
while they do not change, their warnings said at every layout, and the hyphenation patterns
loaded before layout workers are forked."""

from __future__ import annotations

import io
import json
import os

import pikepdf
import pyphen
import pytest

from report_build import Diagnostics, build
from report_build.writers.pdf import layout

TEXT = "---\ntitle: Kept\nlayouts: layouts\n---\n\n# One\n\n" + "A paragraph of words. " * 40 + "\n"


def pdf_of(manuscript, warnings: list[str]) -> bytes:
    diagnostics = Diagnostics(echo=False)
    (built,) = build(manuscript, ("pdf",), write=False, diagnostics=diagnostics)
    warnings[:] = [str(warning) for warning in diagnostics.warnings]
    return built.data


def pages(data: bytes) -> int:
    with pikepdf.open(io.BytesIO(data)) as pdf:
        return len(pdf.pages)


@pytest.mark.e2e
def test_the_stylesheets_are_parsed_once_while_they_do_not_change_and_warn_at_every_layout(tmp_path):
    custom = tmp_path / "layouts" / "css" / "custom.css"
    custom.parent.mkdir(parents=True)
    custom.write_text("p { colour: red; }\n", encoding="utf-8")
    manuscript = tmp_path / "report.md"
    manuscript.write_text(TEXT, encoding="utf-8")
    first_warnings: list[str] = []
    first = pdf_of(manuscript, first_warnings)
    parsed = layout.KEPT[os.getpid()][1]
    again_warnings: list[str] = []
    again = pdf_of(manuscript, again_warnings)
    assert layout.KEPT[os.getpid()][1] is parsed  # not parsed again
    assert again == first
    for warnings in (first_warnings, again_warnings):
        assert any("custom.css:1" in warning and "colour" in warning for warning in warnings), warnings
    # A change to a stylesheet is read: its new warning, and its rules in the pages.
    custom.write_text("p { colour: red; }\np { frobnicate: 1; font-size: 30pt; }\n", encoding="utf-8")
    changed_warnings: list[str] = []
    changed = pdf_of(manuscript, changed_warnings)
    assert layout.KEPT[os.getpid()][1] is not parsed
    assert any("custom.css:2" in warning and "frobnicate" in warning for warning in changed_warnings)
    assert pages(changed) > pages(first)


def test_the_hyphenation_patterns_are_loaded_only_when_a_stylesheet_hyphenates(monkeypatch):
    monkeypatch.setattr(pyphen, "hdcache", {})
    layout.load_hyphenation("en", ["p { hyphens: manual; }"])
    assert pyphen.hdcache == {}
    layout.load_hyphenation("xx", ["p { hyphens: auto; }"])  # a language without patterns
    assert pyphen.hdcache == {}
    layout.load_hyphenation("en", ["body {\n  hyphens: auto;\n}"])
    assert list(pyphen.hdcache) == [pyphen.LANGUAGES["en"]]


REPLACED = """
import gc, sys
from pathlib import Path
from report_build.theme import Theme
from report_build.writers.pdf import layout
from report_build.writers.pdf.fetcher import SandboxFetcher

theme = Theme()
fetcher = SandboxFetcher(list(theme.dirs))
fonts = [theme.find("css/fonts.css")]
first = layout._parsed("@page { size: A4 }", fonts, fetcher)
assert first.fonts._folder is not None and first.fonts._folder.is_dir()
layout._parsed("@page { size: A5 }", fonts, fetcher)  # replaces the first: garbage in a cycle
gc.freeze()  # as the program does as it ends (cli.command)
"""


@pytest.mark.e2e
def test_a_replaced_font_configuration_leaves_no_folder_when_the_program_ends(tmp_path):
    """WeasyPrint removes its fonts' folder when the configuration is collected; one replaced
    by new stylesheets (a watch after a stylesheet edit) and frozen at the program's end never
    is, so a finalizer removes it as the program ends."""
    import subprocess
    import sys

    scratch = tmp_path / "tmp"
    scratch.mkdir()
    result = subprocess.run(
        [sys.executable, "-c", REPLACED],
        env={**os.environ, "TMPDIR": str(scratch)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert [path.name for path in scratch.iterdir()] == []


def test_the_hyphenation_patterns_are_kept_in_the_build_cache(monkeypatch, tmp_path):
    """A build keeps the patterns it parsed in the build cache; the next reads them back as data
    (without parsing the dictionary) and hyphenates every word as the parsed ones do."""
    from report_build.cache import BuildCache

    monkeypatch.setattr(pyphen, "hdcache", {})
    first = BuildCache(tmp_path)
    layout.load_hyphenation("en", ["p { hyphens: auto; }"], first)
    parsed = pyphen.hdcache[pyphen.LANGUAGES["en"]]
    (entry,) = first.pending
    assert entry == "hyphenation-en.json"
    first.commit()

    monkeypatch.setattr(pyphen, "hdcache", {})

    def refuse(*args: object) -> None:
        raise AssertionError("the dictionary was parsed again")

    monkeypatch.setattr(pyphen.HyphDict, "__init__", refuse)
    second = BuildCache(tmp_path)
    layout.load_hyphenation("en", ["p { hyphens: auto; }"], second)
    kept = pyphen.hdcache[pyphen.LANGUAGES["en"]]
    assert kept is not parsed and kept.patterns == parsed.patterns and kept.maxlen == parsed.maxlen
    assert not second.pending  # nothing new to write
    words = ("hyphenation", "documentation", "international", "characteristically", "Tamil")
    assert [kept.positions(word) for word in words] == [parsed.positions(word) for word in words]
    assert pyphen.Pyphen(lang="en").hd is kept  # what WeasyPrint hyphenates with


def test_a_damaged_hyphenation_entry_is_parsed_again(monkeypatch, tmp_path):
    from report_build.cache import BuildCache

    monkeypatch.setattr(pyphen, "hdcache", {})
    cache = BuildCache(tmp_path)
    layout.load_hyphenation("en", ["p { hyphens: auto; }"], cache)
    (entry,) = cache.pending
    kept = json.loads(cache.pending[entry])
    kept["value"] = {"hy3ph": [0, ["x"]]}  # the right digest, a damaged value
    (tmp_path / entry).write_text(json.dumps(kept), encoding="utf-8")
    monkeypatch.setattr(pyphen, "hdcache", {})
    again = BuildCache(tmp_path)
    layout.load_hyphenation("en", ["p { hyphens: auto; }"], again)
    assert len(pyphen.hdcache[pyphen.LANGUAGES["en"]].patterns) > 1000
    assert entry in again.pending  # written afresh
