"""``translate status``: translated, fuzzy and untranslated counts and percentages, overall and per
chapter; ``--list`` at file:line; ``--strict``; and the sample's Arabic edition."""

from __future__ import annotations

import shutil

import pytest
from helpers import REPORT, fill, write_report

from conftest import ROOT
from report_build import Diagnostics, ReportBuildError
from report_build.build import gather, load
from report_build.cli import main
from report_build.source import parse
from report_build.source.passes.translate import language_name
from report_build.translate.extract import init
from report_build.translate.merge import update
from report_build.translate.status import editions, status


@pytest.fixture()
def partial(tmp_path):
    """French: everything translated but two headings; then one sentence of the source changed."""
    manuscript = write_report(tmp_path / "water")
    path, _ = init("fr", manuscript)
    fill(path, leave=("Access to water", "The map"))
    manuscript.write_text(REPORT.replace("Closing paragraph.", "Closing paragraph, changed."), encoding="utf-8")
    return manuscript


def test_counts_and_percentages_overall_and_per_chapter(partial):
    (found,) = status(partial)
    counts = found.counts
    assert (counts.fuzzy, counts.untranslated) == (1, 2)  # before `translate update` too
    assert counts.total == counts.translated + 3 and counts.percent == counts.translated * 100 // counts.total
    groups = dict(found.groups)
    assert next(iter(groups)) == "Front matter" and groups["Front matter"].percent == 100
    chapter = groups["Access to water"]
    assert (chapter.fuzzy, chapter.untranslated) == (1, 2) and chapter.percent < 100
    assert groups["Changelog"].percent == 100 and groups["Variables"].percent == 100
    assert found.since == "1.0" and not found.complete
    assert [(unit.msgid, state) for unit, state in found.stale] == [
        ("Access to water", "untranslated"),
        ("The map", "untranslated"),
        ("Closing paragraph, changed.", "fuzzy"),
    ]


def test_cli_status_lists_stale_units_at_file_line_and_strict_fails(partial, capsys):
    assert main(["translate", "status", "--list", str(partial)]) == 0
    out = capsys.readouterr().out
    assert "French: 1 passage from 1.0 not yet updated, 2 passages not yet translated" in out
    lines = REPORT.split("\n")
    assert f"report.md:{lines.index('# Access to water {#water}') + 1}: fr: untranslated: Access to water" in out
    assert f"report.md:{lines.index('Closing paragraph.') + 1}: fr: fuzzy: Closing paragraph, changed." in out
    assert main(["translate", "status", "--strict", str(partial)]) == 1
    assert "not complete: fr (--strict)" in capsys.readouterr().err


def test_the_edition_counts_what_it_shows_in_the_source_language(partial):
    document = load(partial, Diagnostics(echo=False), language="fr")
    translation = document.translation
    assert (translation.fuzzy, translation.untranslated, translation.since) == (1, 2, "1.0")
    assert translation.in_source == 3 and not translation.complete
    english = load(partial, Diagnostics(echo=False))
    assert [(e.language, e.in_source) for e in english.editions] == [("fr", 3)]  # for the version history


def test_the_source_edition_counts_its_catalogs_on_its_one_reading(partial, monkeypatch):
    """The version history's counts come from the reading that builds the source edition, with
    nothing parsed a second time, and equal `translate status`'s: a passage only the PDF shows
    is counted in a build of the site too (the reading keeps every format's passages)."""
    text = partial.read_text(encoding="utf-8")
    partial.write_text(text + '\n::: {.content-visible when-format="pdf"}\nOnly in print.\n:::\n', encoding="utf-8")
    expected = [(item.language, item.passages, item.fuzzy, item.untranslated) for item in editions(partial)]
    assert expected == [("fr", expected[0][1], 1, 3)]
    readings = []
    real = parse._read_text
    monkeypatch.setattr(parse, "_read_text", lambda *args, **kwargs: readings.append(1) or real(*args, **kwargs))
    document, _theme = gather(partial, Diagnostics(echo=False), partial.parent / "releases", formats=("web",))
    counted = [(item.language, item.passages, item.fuzzy, item.untranslated) for item in document.editions]
    assert counted == expected
    assert len(readings) == 1 + len(document.variants)  # the text kept whole, then each output's once


def test_a_catalog_that_does_not_parse_is_an_error_for_its_edition_and_a_warning_for_the_source(partial):
    catalog = partial.parent / "translations" / "fr.po"
    catalog.write_text(catalog.read_text(encoding="utf-8") + "\nnot a PO line\n", encoding="utf-8")
    diagnostics = Diagnostics(echo=False)
    english = load(partial, diagnostics)
    assert english.editions == () and "leaves out the translated editions" in diagnostics.warnings[0].message
    assert diagnostics.warnings[0].path == catalog and diagnostics.warnings[0].line
    with pytest.raises(ReportBuildError, match=r"fr\.po:\d+: not a valid PO file"):
        load(partial, Diagnostics(echo=False), language="fr")


# -- the sample: Arabic ----------------------------------------------------------------------------


def test_the_sample_arabic_edition_is_complete(capsys):
    manuscript = ROOT / "manuscript" / "report.md"
    assert main(["translate", "status", "--strict", str(manuscript)]) == 0
    assert capsys.readouterr().out.startswith("Arabic: complete (100 %")
    assert main(["translate", "languages", str(manuscript)]) == 0
    assert capsys.readouterr().out.split() == ["ar"]


def test_one_english_sentence_changed_makes_exactly_that_arabic_unit_fuzzy(tmp_path):
    """...and the Arabic edition shows that sentence in English, marked with its language and
    direction, flagged (a draft) and announced to screen readers."""
    folder = tmp_path / "manuscript"
    shutil.copytree(ROOT / "manuscript", folder)
    chapter = folder / "chapters" / "context.md"
    old = "Idlib lies in north-western Syria."
    new = "Idlib lies in the north-west of Syria."
    chapter.write_text(chapter.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")
    (done,) = update(["ar"], folder / "report.md")
    assert (done.changed, done.new, done.obsolete) == (1, 0, 0)
    (found,) = status(folder / "report.md", ["ar"])
    assert (found.counts.fuzzy, found.counts.untranslated) == (1, 0)
    [(unit, state)] = found.stale
    assert state == "fuzzy" and unit.msgid.startswith(new) and unit.path == chapter.resolve()
    document = load(folder / "report.md", Diagnostics(echo=False), language="ar")
    body = next(c.body for c in document.chapters if c.id == "context")
    start = body.index(new)
    paragraph = body[body.rindex("<p", 0, start) : start]
    assert 'lang="en-GB"' in paragraph and 'dir="ltr"' in paragraph
    assert "rb-untranslated rb-untranslated-flagged" in paragraph
    assert 'class="rb-untranslated-note" lang="ar" dir="rtl">لم يُترجَم بعد، وهو باللغة الإنجليزية: ' in paragraph
    assert body.count('class="rb-untranslated') == 2  # that paragraph (and its note) only
    assert "آخر معاقل المعارضة" in body  # the rest is Arabic


@pytest.mark.parametrize(
    ("tag", "reader", "name"),
    [
        ("en", "ar", "الإنجليزية"),
        ("en", "fr", "anglais"),
        ("en", "zh", "英语"),
        ("en-GB", "zh-Hant", "英文"),
        ("en", "zh-hant", "英文"),
        ("en", "pt-BR", "inglês"),
        ("en", "x-unknown", "en"),
    ],
)
def test_a_language_is_named_in_the_readers_language_and_script(tag, reader, name):
    """Traditional Chinese readers read the name in Traditional characters, not the Simplified ones."""
    assert language_name(tag, reader) == name
