"""``translate update``: a changed unit fuzzy with its previous source, a moved one untouched, a new
one untranslated, a removed one obsolete, every other entry byte for byte as it was."""

from __future__ import annotations

import re

import polib
import pytest
from helpers import REPORT, fill, write_report

from report_build.cli import main
from report_build.translate.extract import init
from report_build.translate.merge import update

CHANGED = REPORT.replace("Closing paragraph.", "Closing paragraph, with a sentence changed.")
MOVED_AND_NEW = (
    REPORT.replace("Another paragraph that stays.\n\n", "")
    .replace("Closing paragraph.", "A paragraph that is new.\n\nClosing paragraph.")
    .replace("## The map {#map}", "Another paragraph that stays.\n\n## The map {#map}")
    .replace('!!! note "Read this first"\n    A callout body.\n\n', "")
)


def _blocks(text: str) -> dict[str, str]:
    """Each entry's text in the file, by its msgid (the header left out)."""
    found = {}
    for block in re.split(r"\n\n", text.strip()):
        match = re.search(r'^(?:#~ )?msgid "(.*)"$', block, re.M)
        if match and match.group(1):
            found[match.group(1)] = block
    return found


@pytest.fixture()
def translated(tmp_path):
    manuscript = write_report(tmp_path / "water")
    path, _ = init("fr", manuscript)
    fill(path)
    return manuscript, path


def test_a_changed_sentence_is_fuzzy_with_its_previous_source_and_nothing_else_moves(translated):
    manuscript, path = translated
    before = path.read_text(encoding="utf-8")
    manuscript.write_text(CHANGED, encoding="utf-8")
    (done,) = update(["fr"], manuscript)
    assert (done.written, done.changed, done.new, done.obsolete) == (True, 1, 0, 0)
    po = polib.pofile(str(path))
    entry = po.find("Closing paragraph, with a sentence changed.")
    assert "fuzzy" in entry.flags and entry.previous_msgid == "Closing paragraph."
    assert entry.msgstr == "FR Closing paragraph."  # the old translation, to be checked
    assert "translated for 1.0" in entry.comment
    assert [e.msgid for e in po if "fuzzy" in e.flags] == [entry.msgid]
    old, new = _blocks(before), _blocks(path.read_text(encoding="utf-8"))
    unchanged = [msgid for msgid in old if msgid != "Closing paragraph."]
    assert len(unchanged) > 20 and all(new[msgid] == old[msgid] for msgid in unchanged)
    # nothing changed since: the file is left alone
    (again,) = update(["fr"], manuscript)
    assert not again.written


def test_moved_keeps_its_translation_new_is_untranslated_removed_is_obsolete(translated):
    manuscript, path = translated
    manuscript.write_text(MOVED_AND_NEW, encoding="utf-8")
    (done,) = update(["fr"], manuscript)
    assert (done.new, done.changed, done.obsolete) == (1, 0, 2)  # the new paragraph; the callout's two units went
    po = polib.pofile(str(path))
    moved = po.find("Another paragraph that stays.")
    assert moved.msgstr == "FR Another paragraph that stays." and "fuzzy" not in moved.flags
    assert moved.occurrences == [
        ("report.md", str(MOVED_AND_NEW.split("\n").index("Another paragraph that stays.") + 1))
    ]
    new = po.find("A paragraph that is new.")
    assert new.msgstr == "" and not new.flags
    gone = [e for e in po if e.obsolete]
    assert {e.msgid for e in gone} == {"Read this first", "A callout body."}
    assert all(e.msgstr.startswith("FR ") for e in gone)
    assert '#~ msgid "Read this first"' in path.read_text(encoding="utf-8")
    # the callout comes back: its translation is taken from the obsolete entry, as msgmerge does
    manuscript.write_text(REPORT, encoding="utf-8")
    update(["fr"], manuscript)
    assert polib.pofile(str(path)).find("Read this first").msgstr == "FR Read this first"


def test_an_edited_and_moved_paragraph_is_matched_by_likeness(translated):
    manuscript, path = translated
    edited = REPORT.replace("Another paragraph that stays.\n\n", "").replace(
        "# Access to water {#water}\n", "# Access to water {#water}\n\nAnother paragraph that stays, edited.\n"
    )
    manuscript.write_text(edited, encoding="utf-8")
    (done,) = update(["fr"], manuscript)
    entry = polib.pofile(str(path)).find("Another paragraph that stays, edited.")
    assert done.changed == 1 and "fuzzy" in entry.flags and entry.previous_msgid == "Another paragraph that stays."


def test_cli_update_says_what_changed(translated, capsys):
    manuscript, _path = translated
    manuscript.write_text(CHANGED, encoding="utf-8")
    assert main(["translate", "update", "fr", str(manuscript)]) == 0
    assert "1 changed (now fuzzy), 0 new, 0 removed (obsolete)" in capsys.readouterr().err
    assert main(["translate", "update", str(manuscript)]) == 0  # every catalog
    assert "already up to date" in capsys.readouterr().err
