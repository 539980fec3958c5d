"""Catalogs from the manuscript: every kind of unit, its file:line, its placeholders; translations
swapped in while reading, placeholders moved by the translator, a broken one reported at its line."""

from __future__ import annotations

import subprocess

import polib
import pytest
from babel.messages.pofile import read_po
from helpers import PARAGRAPH, REORDERED, fill, write_report

from report_build import Diagnostics, ReportBuildError
from report_build.build import load
from report_build.cli import main
from report_build.translate.extract import extract, init


@pytest.fixture()
def manuscript(tmp_path):
    return write_report(tmp_path / "water")


def _kinds(units) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for unit in units:
        found.setdefault(unit.kind, []).append(unit.msgid)
    return found


def test_every_kind_of_unit_with_its_placeholders(manuscript):
    found = extract(manuscript)
    kinds = _kinds(found.units)
    assert kinds["heading"] == ["Access to water", "The map"]
    assert PARAGRAPH in kinds["paragraph"]
    assert kinds["list item"] == ["First item with {0/} in it.", "Second item."]
    assert kinds["table caption"] == ["Wells by district"]
    assert {"District", "Wells", "North"} <= set(kinds["table cell"])  # "12" has no words: not a unit
    assert kinds["figure caption"] == ["Wells in the north"]
    assert kinds["alt text"] == ["A map of the wells"]
    assert kinds["callout title"] == ["Read this first"]
    assert kinds["term"] == ["Term"] and kinds["definition"] == ["Its definition."]
    assert kinds["footnote"] == ["A footnote with {0}emphasis{/0}."]
    assert kinds["front matter"] == [
        "Water for Idlib",
        "A test of translated editions",
        "A short report, written for the tests.",
        "water",
        "Idlib",
    ]
    assert kinds["changelog summary"] == ["First publication."]
    assert kinds["changelog notice"] == ["Since December, wells have run dry."]
    assert kinds["changelog change"] == ["Added the map."]
    assert kinds["variable"] == ["February 2020"]
    contexts = {unit.msgid: unit.context for unit in found.units}
    assert contexts["Water for Idlib"] == "title" and contexts["February 2020"] == "variables.yaml offensive.date"
    assert contexts[PARAGRAPH] == "" and contexts["First publication."] == "changelog 1.0 summary"


def test_each_unit_names_the_file_and_line_it_was_written_at(manuscript):
    lines = manuscript.read_text(encoding="utf-8").split("\n")
    for unit in extract(manuscript).units:
        assert unit.line, unit
        written = (unit.path.read_text(encoding="utf-8").split("\n"))[unit.line - 1]
        if unit.path == manuscript and unit.kind not in ("front matter", "alt text", "figure caption"):
            words = [w for w in unit.msgid.replace("{", " ").replace("}", " ").split() if w.isalpha()][:2]
            assert all(word in written for word in words), (unit, written)
    by_text = {unit.msgid: unit for unit in extract(manuscript).units}
    assert by_text["Closing paragraph."].line == lines.index("Closing paragraph.") + 1
    assert by_text["A footnote with {0}emphasis{/0}."].line == len(lines) - 1
    assert by_text["February 2020"].path.name == "variables.yaml" and by_text["February 2020"].line == 2
    assert by_text["Since December, wells have run dry."].path.name == "changelog.yaml"


def test_init_writes_a_po_file_poedit_style_tools_read(manuscript):
    path, entries = init("fr", manuscript)
    assert path == manuscript.parent / "translations" / "fr.po" and entries > 20
    po = polib.pofile(str(path))
    assert po.metadata["Language"] == "fr" and po.metadata["X-Poedit-Basepath"] == ".."
    assert po.metadata["Plural-Forms"].startswith("nplurals=")  # Babel's CLDR rule for French
    entry = po.find(PARAGRAPH)
    assert entry.occurrences == [("report.md", "13")] and entry.msgstr == ""
    with path.open("rb") as handle:
        babel = read_po(handle)
    assert babel[PARAGRAPH] is not None and len(babel) == entries
    with pytest.raises(ReportBuildError, match="already exists"):
        init("fr", manuscript)


@pytest.mark.e2e
def test_msgfmt_checks_the_catalog_clean(manuscript, tmp_path):
    path, _ = init("fr", manuscript)
    fill(path)
    result = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", str(tmp_path / "fr.mo"), str(path)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert "translated messages" in result.stderr and "fuzzy" not in result.stderr


def test_a_translation_that_moves_its_placeholders_keeps_the_source_markup(manuscript):
    path, _ = init("fr", manuscript)
    fill(path)
    document = load(manuscript, Diagnostics(strict=True, echo=False), language="fr")
    body = document.chapters[0].body
    assert document.metadata.title == "FR Water for Idlib" and document.metadata.language == "fr"
    start = body.index("Voir")
    paragraph = body[body.rindex("<p", 0, start) : body.index("</p>", start)]
    call, xref, link, emphasis = (
        paragraph.index('class="noteref"'),
        paragraph.index("Figure\u00a01"),
        paragraph.index('<a href="#map">la carte</a>'),
        paragraph.index("<em>personnes</em>"),
    )
    assert call < xref < link < emphasis, paragraph  # in the translator's order
    assert "FR February 2020" in paragraph  # the variable's own translation
    assert paragraph.index("p. 3") < paragraph.rindex("Smith")  # the citations swapped too
    assert "FR A footnote with <em>emphasis</em>." in document.chapters[0].footnotes[0].html
    assert '<code dir="ltr">make pdf</code>' not in body and "<code>make pdf</code>" in body
    assert document.releases[0].notice == "FR Since December, wells have run dry."


def test_a_broken_placeholder_is_a_warning_at_its_catalog_line(manuscript):
    path, _ = init("fr", manuscript)
    po = fill(path, leave=())
    entry = po.find(PARAGRAPH)
    entry.msgstr = REORDERED.replace("{fn:note}", "").replace("{/1}", "")
    po.save()
    line = polib.pofile(str(path)).find(PARAGRAPH).linenum
    diagnostics = Diagnostics(echo=False)
    document = load(manuscript, diagnostics, language="fr")
    found = [w for w in diagnostics.warnings if w.path == path and w.line == line]
    assert found and found[0].message.startswith("the translation of"), diagnostics.warnings
    assert "{1} is never closed" in found[0].message
    assert path.read_text(encoding="utf-8").split("\n")[line - 1] == "#. paragraph"  # the entry's first line
    body = document.chapters[0].body
    assert 'lang="en" dir="ltr"' in body and "Displaced <em>people</em>" in body  # the source, marked
    with pytest.raises(ReportBuildError, match=rf"fr\.po:{line}: .*breaks its placeholders"):
        load(manuscript, Diagnostics(strict=True, echo=False), language="fr")


def test_cli_init_and_an_edition_without_a_catalog(manuscript, capsys):
    assert main(["translate", "init", "fr", str(manuscript)]) == 0
    assert "passages to translate" in capsys.readouterr().err
    assert main(["pdf", str(manuscript), "--language", "de"]) == 1
    assert "translate init de" in capsys.readouterr().err
