"""Leader dots set in runs (writers/pdf/leaders.py): the same dots where WeasyPrint puts them,
in far fewer text boxes."""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pikepdf
import pytest
from weasyprint import HTML
from weasyprint.layout import inline, leader

from report_build.writers.pdf import leaders

CONTENTS = """<!DOCTYPE html><html lang="en"><head><style>
@page { size: A5; margin: 15mm }
body { font-family: DejaVu Sans; font-size: 9pt }
a { display: block; color: black; text-decoration: none }
a::after { content: leader(". ") target-counter(attr(href url), page) }
section { break-before: page }
</style></head><body>
<nav>{entries}</nav>{targets}
</body></html>"""


def _contents(tmp_path: Path, name: str) -> Path:
    entries = "".join(f'<a href="#s{i}">Section {i} of the report{" and more" * (i % 3)}</a>' for i in range(30))
    targets = "".join(f'<section id="s{i}">{i}</section>' for i in range(30))
    target = tmp_path / name
    HTML(string=CONTENTS.replace("{entries}", entries).replace("{targets}", targets)).write_pdf(target)
    return target


def _dot_ends(pdf: Path) -> list[tuple[float, float]]:
    """(line, right edge) of every word ending in a dot on the first page, as poppler reads it."""
    words = subprocess.run(["pdftotext", "-f", "1", "-l", "1", "-bbox", str(pdf), "-"], capture_output=True, text=True)
    found = re.findall(r'yMin="([\d.]+)" xMax="([\d.]+)" yMax="[\d.]+">[^<]*\.</word>', words.stdout)
    return sorted((round(float(y), 1), float(x)) for y, x in found)


def _shown(pdf: Path) -> int:
    with pikepdf.open(pdf) as opened:
        page = opened.pages[0]
        return sum(1 for _operands, operator in pikepdf.parse_content_stream(page) if str(operator) in ("Tj", "TJ"))


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler's pdftotext is not installed")
def test_leader_dots_stand_where_weasyprint_puts_them_in_fewer_boxes(tmp_path: Path, monkeypatch) -> None:
    assert leaders.APPLIED, "WeasyPrint changed: review report_build/writers/pdf/leaders.py"
    in_runs = _contents(tmp_path, "runs.pdf")
    monkeypatch.setattr(inline, "handle_leader", leader.handle_leader)  # WeasyPrint's own
    one_each = _contents(tmp_path, "one-each.pdf")
    ours, theirs = _dot_ends(in_runs), _dot_ends(one_each)
    assert len(theirs) > 30 * 20  # the page is full of dots
    assert len(ours) == len(theirs)
    assert [line for line, _x in ours] == [line for line, _x in theirs]
    assert max(abs(a - b) for (_l, a), (_m, b) in zip(ours, theirs, strict=True)) < 0.02  # points
    assert _shown(in_runs) * 4 < _shown(one_each)


@dataclass
class _Box:
    """What in_runs reads of a WeasyPrint text box."""

    text: str
    width: float
    position_x: float
    style: Any = None
    pango_layout: Any = None

    def copy_with_text(self, text: str) -> _Box:
        return replace(self, text=text)


@dataclass
class _Layout:
    text: str


def _boxes(count: int, step: float = 3.0, text: str = ". ") -> tuple[_Box, ...]:
    """Copies of one box, placed right to left, as WeasyPrint places them."""
    return tuple(_Box(text, step, 100.0 - step * (i + 1), pango_layout=_Layout(text)) for i in range(count))


def _shaping(width_per_string: float, monkeypatch, ligature: str = ""):
    """A stand-in for WeasyPrint's shaping: each character one glyph, ``ligature`` one glyph."""

    def split_first_line(text, style, context, max_width, spacing):
        return _Layout(text), len(text), None, width_per_string * text.count(". "), 10.0, 8.0

    def glyphs(layout, style):
        text = layout.text.replace(ligature, "\0") if ligature else layout.text
        return [(ord(character), 1, 0, 0) for character in text]

    monkeypatch.setattr(leaders, "split_first_line", split_first_line)
    monkeypatch.setattr(leaders, "_glyphs", glyphs)


def test_runs_of_eight_from_the_left_on_the_grid(monkeypatch) -> None:
    _shaping(3.0, monkeypatch)
    runs = leaders.in_runs(_boxes(19), context=None, line_width=300.0)
    assert runs is not None
    assert [run.text for run in runs] == [". " * 8, ". " * 8, ". " * 3]
    assert [run.position_x for run in runs] == [100.0 - 3.0 * 19, 100.0 - 3.0 * 11, 100.0 - 3.0 * 3]
    assert [run.width for run in runs] == [24.0, 24.0, 9.0]


def test_a_leader_is_left_alone_when_a_run_would_be_wider_or_other_glyphs_or_the_boxes_uneven(monkeypatch) -> None:
    _shaping(3.01, monkeypatch)  # kerning between repetitions
    assert leaders.in_runs(_boxes(19), context=None, line_width=300.0) is None
    _shaping(3.0, monkeypatch, ligature=". .")  # as wide, but a ligature across repetitions
    assert leaders.in_runs(_boxes(19), context=None, line_width=300.0) is None
    _shaping(3.0, monkeypatch)
    uneven = list(_boxes(19))
    uneven[5] = replace(uneven[5], position_x=uneven[5].position_x + 0.5)
    assert leaders.in_runs(tuple(uneven), context=None, line_width=300.0) is None
    assert leaders.in_runs(_boxes(1), context=None, line_width=300.0) is None
    mixed = (*_boxes(3), _Box("_", 3.0, 0.0))
    assert leaders.in_runs(mixed, context=None, line_width=300.0) is None


def test_a_contents_line_that_ends_in_an_ellipsis_keeps_weasyprints_leader(tmp_path: Path, monkeypatch) -> None:
    """WeasyPrint draws an ellipsis into each text box of such a line, up to the width it was
    laid out in: the leader is left as it made it, and the page is written."""
    html = CONTENTS.replace("a::after", "a { overflow: hidden; text-overflow: ellipsis }\na::after")
    entries = "".join(f'<a href="#s{i}">Section {i}</a>' for i in range(5))
    targets = "".join(f'<section id="s{i}">{i}</section>' for i in range(5))
    page = html.replace("{entries}", entries).replace("{targets}", targets)
    ours = tmp_path / "ours.pdf"
    HTML(string=page).write_pdf(ours)
    monkeypatch.setattr(inline, "handle_leader", leader.handle_leader)
    theirs = tmp_path / "theirs.pdf"
    HTML(string=page).write_pdf(theirs)
    assert _shown(ours) == _shown(theirs) > 5 * 20
