"""The WeasyPrint call (writers/pdf/layout.py): the layout's stylesheets parsed once per process
while they do not change, their warnings said at every layout, and the hyphenation patterns
loaded before layout workers are forked."""

from __future__ import annotations

import io
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
