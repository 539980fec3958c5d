"""A manuscript in several files: chapters, includes, variables, conditions, profiles, references."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from conftest import FIXTURES, MANUSCRIPT
from report_build import Diagnostics, ManuscriptError
from report_build.build import make_release, output_name
from report_build.checks.gate import check
from report_build.errors import StrictModeError
from report_build.publish.release import source_fingerprint
from report_build.source.compose import Selection
from report_build.source.parse import load

SOURCES = MANUSCRIPT.parent / "sources.json"


def write(folder: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        target = folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    return folder / next(iter(files))


def quiet() -> Diagnostics:
    return Diagnostics(echo=False)


def fails(path: Path, selection: Selection | None = None) -> ManuscriptError:
    with pytest.raises(ManuscriptError) as caught:
        load(path, quiet(), selection)
    return caught.value


def refused(path: Path) -> StrictModeError:
    """What a strict reading refuses (a draft builds with it as a warning)."""
    with pytest.raises(StrictModeError) as caught:
        load(path, Diagnostics(strict=True, echo=False))
    return caught.value


# -- includes and chapters ---------------------------------------------------------


def test_include_cycle_is_refused_at_the_include_that_closes_it(tmp_path):
    manuscript = write(
        tmp_path,
        {
            "report.md": "# One\n\n{{< include a.md >}}\n",
            "a.md": "Text of a.\n\n{{< include b.md >}}\n",
            "b.md": "Text of b.\n\n\n{{< include a.md >}}\n",
        },
    )
    error = fails(manuscript)
    assert (error.path.name, error.line) == ("b.md", 4)
    assert "include cycle: a.md -> b.md -> a.md" in error.message


def test_include_depth_is_limited(tmp_path):
    files = {"report.md": "# One\n\n{{< include p0.md >}}\n"}
    for n in range(12):
        files[f"p{n}.md"] = f"Level {n}.\n{{{{< include p{n + 1}.md >}}}}\n"
    files["p12.md"] = "Bottom.\n"
    error = fails(write(tmp_path, files))
    assert error.path.name.startswith("p") and error.line == 2 and "nested more than 8" in error.message


def test_include_outside_the_folder_is_refused(tmp_path):
    (tmp_path / "secret.md").write_text("secret\n", encoding="utf-8")
    manuscript = write(tmp_path / "m", {"report.md": "# One\n\nText.\n\n{{< include ../secret.md >}}\n"})
    error = fails(manuscript)
    assert (error.path.name, error.line) == ("report.md", 5) and "outside" in error.message


def test_chapters_come_after_the_main_body_in_order(tmp_path):
    manuscript = write(
        tmp_path,
        {
            "report.md": "---\ntitle: T\nchapters: [c/two.md, c/three.md]\n---\n\n# One\n\nMain body.\n",
            "c/two.md": "# Two\n\nSecond.\n",
            "c/three.md": "# Three\n\nThird.\n",
        },
    )
    doc = load(manuscript, quiet())
    assert [c.title for c in doc.chapters] == ["One", "Two", "Three"]
    assert [c.number for c in doc.chapters] == [1, 2, 3]
    assert doc.chapters[2].source == (tmp_path / "c" / "three.md").resolve() and doc.chapters[2].line == 1
    assert set(doc.inputs) == {(tmp_path / "c" / "two.md").resolve(), (tmp_path / "c" / "three.md").resolve()}


def test_missing_chapter_file_is_an_error_at_the_front_matter_key(tmp_path):
    manuscript = write(tmp_path, {"report.md": "---\ntitle: T\nchapters:\n  - nowhere.md\n---\n\n# One\n\nText.\n"})
    error = fails(manuscript)
    assert (error.path.name, error.line) == ("report.md", 3) and "nowhere.md" in error.message


def test_an_error_in_a_chapter_file_names_that_file_and_line(tmp_path):
    manuscript = write(
        tmp_path,
        {
            "report.md": "---\nchapters: [two.md]\n---\n\n# One\n\n{{< include shared.md >}}\n\nText.\n",
            "shared.md": "Shared line one.\n\nShared line three.\n",
            "two.md": "# Two\n\nFine.\n\nA call to a note nobody wrote.[^ghost]\n",
        },
    )
    error = refused(manuscript)
    assert (error.path.name, error.line) == ("two.md", 5) and "[^ghost]" in error.message
    assert "nobody wrote.[^ghost]" in load(manuscript, quiet()).chapters[1].body  # a draft keeps it as written


def test_warnings_in_a_chapter_file_name_that_file(tmp_path):
    manuscript = write(
        tmp_path,
        {
            "report.md": "---\nchapters: [two.md]\n---\n\n# One\n\nText.\n",
            "two.md": "# Two\n\nFirst line.\n\nSee [elsewhere](other.html).\n",
        },
    )
    diagnostics = quiet()
    load(manuscript, diagnostics)
    (warning,) = diagnostics.warnings
    assert (warning.path.name, warning.line) == ("two.md", 5)


# -- variables -----------------------------------------------------------------------


def test_variables_with_dotted_keys(tmp_path):
    manuscript = write(
        tmp_path,
        {
            "report.md": "# One\n\nNearly {{< var people.idlib >}} people; {{< var year >}}.\n",
            "variables.yaml": "people:\n  idlib: 3.5 million\nyear: 2020\n",
        },
    )
    doc = load(manuscript, quiet())
    assert "Nearly 3.5 million people; 2020." in doc.chapters[0].body
    assert (tmp_path / "variables.yaml").resolve() in doc.inputs


def test_unknown_variable_names_the_included_file_and_line(tmp_path):
    manuscript = write(
        tmp_path,
        {
            "report.md": "# One\n\n{{< include part.md >}}\n",
            "part.md": "Fine.\n\nNot fine: {{< var people.nowhere >}}.\n",
            "variables.yaml": "people:\n  idlib: 3.5 million\n",
        },
    )
    error = refused(manuscript)
    assert (error.path.name, error.line) == ("part.md", 3) and "unknown variable 'people.nowhere'" in error.message
    assert "Not fine: ?var:people.nowhere." in load(manuscript, quiet()).chapters[0].body  # as Quarto shows it


def test_variable_without_a_variables_file(tmp_path):
    manuscript = write(tmp_path, {"report.md": "# One\n\n{{< var x >}}\n"})
    error = refused(manuscript)
    assert error.line == 3 and "variables.yaml" in error.message
    assert "?var:x" in load(manuscript, quiet()).chapters[0].body


def test_a_variable_that_is_not_one_value_is_a_fault(tmp_path):
    manuscript = write(tmp_path, {"report.md": "# One\n\n{{< var people >}}\n", "variables.yaml": "people:\n  a: 1\n"})
    error = refused(manuscript)
    assert error.line == 3 and "not a single value" in error.message


# -- conditions and profiles -------------------------------------------------------------

CONDITIONAL = """---
title: T
---

# Summary

::: {.content-visible when-profile="brief"}
Shown only in the brief.[^b]
:::

In every build.

::: {.content-hidden when-profile="brief"}
Only in the full report.[^f]
:::

::: {.content-hidden unless-profile="brief"}
Also only in the brief.
:::

::: {.content-visible unless-profile="brief"}
Also only in the full report.
:::

::: {.content-visible when-format="pdf"}
Only in the PDF.
:::

::: {.content-visible unless-format="pdf"}
Not in the PDF.
:::

::: {.content-hidden when-edition="print"}
Not in print.
:::

[^b]: A note the brief keeps.
[^f]: A note only the full report calls.
"""


def test_profile_conditions_mean_what_they_mean_in_quarto(tmp_path):
    manuscript = write(tmp_path, {"report.md": CONDITIONAL})
    full = load(manuscript, quiet())
    brief = load(manuscript, quiet(), Selection(profile="brief"))
    body = full.chapters[0].body
    assert "In every build" in body and "Only in the full report" in body and "Also only in the full report" in body
    assert "only in the brief" not in body.lower()  # content-visible when-profile: the brief alone shows it
    assert [n.html.strip() for n in full.footnotes] == ["<p>A note only the full report calls.</p>"]
    body = brief.chapters[-1].body
    assert "Shown only in the brief" in body and "Also only in the brief" in body and "In every build" in body
    assert "full report" not in body and "Only in the PDF" in body  # format conditions: decided by the writer
    assert [n.html.strip() for n in brief.footnotes] == ["<p>A note the brief keeps.</p>"]
    assert brief.profile == "brief" and output_name(brief, "pdf") == "t-brief.pdf"


def test_a_profile_condition_decides_before_the_writer_does(tmp_path):
    text = (
        "---\ntitle: T\n---\n\n# One\n\nKept.\n\n"
        '::: {.content-visible when-profile="brief" when-format="pdf"}\nBrief PDF only.\n:::\n'
    )
    manuscript = write(tmp_path, {"report.md": text})
    assert "Brief PDF only" not in load(manuscript, quiet()).chapters[0].body
    brief = load(manuscript, quiet(), Selection(profile="brief"))
    assert "Brief PDF only" in brief.for_output("pdf").chapters[0].body
    assert "Brief PDF only" not in brief.for_output("epub").chapters[0].body


def test_profile_that_no_passage_names_is_an_error(tmp_path):
    error = fails(write(tmp_path, {"report.md": CONDITIONAL}), Selection(profile="summary"))
    assert error.line == 1 and "changes nothing" in error.message and 'when-profile="summary"' in error.message


def test_format_and_edition_conditions_through_the_model(tmp_path):
    doc = load(write(tmp_path, {"report.md": CONDITIONAL}), quiet())
    assert doc.conditional and "Only in the PDF" in doc.chapters[0].body  # before a writer chooses
    pdf, epub = doc.for_output("pdf"), doc.for_output("epub")
    assert "Only in the PDF" in pdf.chapters[0].body and "Not in the PDF" not in pdf.chapters[0].body
    assert "Only in the PDF" not in epub.chapters[0].body and "Not in the PDF" in epub.chapters[0].body
    assert "Not in print" in pdf.chapters[0].body
    assert "Not in print" not in doc.for_output("pdf", "print").chapters[0].body


def test_unknown_format_is_an_error(tmp_path):
    manuscript = write(tmp_path, {"report.md": '# One\n\n::: {.content-visible when-format="pfd"}\nX\n:::\n'})
    error = fails(manuscript)
    assert error.line == 3 and "unknown format 'pfd'" in error.message


def test_quarto_format_names_mean_the_outputs_they_name_in_quarto(tmp_path):
    text = "# One\n\nAlways.\n\n" + "".join(
        f'::: {{.content-visible when-format="{name}"}}\nFor {name}.\n:::\n\n' for name in ("html", "latex", "typst")
    )
    doc = load(write(tmp_path, {"report.md": text}), quiet())
    web, epub, pdf = (doc.for_output(name).chapters[0].body for name in ("web", "epub", "pdf"))
    assert "For html." in web and "For html." in epub and "For html." not in pdf  # html: every HTML output
    assert "For latex." in pdf and "For latex." not in web
    assert "For typst." not in pdf + web + epub  # an output this build never makes


def test_a_passage_for_the_word_edition_only(tmp_path):
    manuscript = write(
        tmp_path, {"report.md": '# One\n\nAlways.\n\n::: {.content-visible when-format="docx"}\nFor Word.\n:::\n'}
    )
    doc = load(manuscript, quiet())
    assert "For Word." in doc.for_output("docx").chapters[0].body
    assert "For Word." not in doc.for_output("pdf").chapters[0].body


def test_unclosed_div_names_its_opening_line(tmp_path):
    error = fails(write(tmp_path, {"report.md": "# One\n\n::: {.aside}\nText.\n"}))
    assert error.line == 3 and "never closed" in error.message


# -- cross-references and citations -------------------------------------------------------


def test_unresolved_reference_warns_at_file_line_and_shows_the_key(tmp_path):
    manuscript = write(
        tmp_path,
        {"report.md": "---\nchapters: [two.md]\n---\n\n# One\n\nText.\n", "two.md": "# Two\n\nSee @fig-nowhere.\n"},
    )
    diagnostics = quiet()
    doc = load(manuscript, diagnostics)
    (warning,) = diagnostics.warnings
    assert (warning.path.name, warning.line) == ("two.md", 3) and "@fig-nowhere" in warning.message
    assert '<span class="xref-missing">?@fig-nowhere</span>' in doc.chapters[1].body
    with pytest.raises(StrictModeError) as caught:
        load(manuscript, Diagnostics(strict=True, echo=False))
    assert caught.value.path.name == "two.md" and caught.value.line == 3


def test_explicit_section_ids_win_and_sections_are_numbered(tmp_path):
    manuscript = write(
        tmp_path,
        {
            "report.md": "---\ntitle: T\n---"
            "\n\n# Intro {#sec-intro}\n\n## Why it matters {#sec-why}\n\nSee @sec-why in @sec-intro.\n"
        },
    )
    body = load(manuscript, quiet()).chapters[0].body
    assert '<h2 id="sec-why">' in body
    assert (
        '<a class="xref" href="#sec-why">Section\u00a01.1</a> in <a class="xref" href="#sec-intro">Chapter\u00a01</a>'
        in body
    )


def test_reference_words_come_from_the_strings_of_the_language(tmp_path):
    manuscript = write(
        tmp_path,
        {
            "report.md": "---\nlanguage: fr\n---"
            "\n\n# Un\n\nVoir @tbl-x.\n\nTable: Chiffres {#tbl-x}\n\n| a |\n|---|\n| 1 |\n"
        },
    )
    assert ">Tableau\u00a01</a>" in load(manuscript, quiet()).chapters[0].body
    arabic = write(
        tmp_path / "ar",
        {
            "report.md": "---\nlanguage: ar\n---\n\n# واحد\n\nانظر @tbl-x.\n\n"
            "Table: أرقام {#tbl-x}\n\n| a |\n|---|\n| 1 |\n"
        },
    )
    assert ">الجدول\u00a01</a>" in load(arabic, quiet()).chapters[0].body


def test_page_references_carry_the_page_word_for_print_css(tmp_path):
    manuscript = write(
        tmp_path,
        {
            "report.md": "---\ntitle: T\npage_references: true\n---"
            "\n\n# One\n\nSee @sec-one.\n\n## Two {#sec-one}\n\nText.\n"
        },
    )
    body = load(manuscript, quiet()).chapters[0].body
    assert '<a class="xref xref-paged" data-page="p." href="#sec-one">Section\u00a01.1</a>' in body


def test_citation_matches_what_citeproc_gives_for_the_entry(tmp_path):
    from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle, formatter
    from citeproc.source import Locator
    from citeproc.source.json import CiteProcJSON

    (tmp_path / "refs.json").write_text(SOURCES.read_text(encoding="utf-8"), encoding="utf-8")
    manuscript = write(
        tmp_path,
        {
            "report.md": "---\nbibliography: refs.json\nlanguage: en-GB\n---"
            "\n\n# One\n\nAs shown [@idlib-lives, p. 33].\n"
        },
    )
    doc = load(manuscript, quiet())
    style = CitationStylesStyle("harvard-cite-them-right", locale="en-GB", validate=False)
    processor = CitationStylesBibliography(style, CiteProcJSON(json.loads(SOURCES.read_text())), formatter.html)
    citation = Citation([CitationItem("idlib-lives", locator=Locator("page", "33"))])
    processor.register(citation)
    expected_cite = str(processor.cite(citation, lambda item: None))
    (expected_entry,) = [str(entry) for entry in processor.bibliography()]
    assert expected_cite == "(Peace Direct and The Syria Campaign, 2018, p. 33)"
    assert (
        f'<a class="citation" href="#ref-idlib-lives" role="doc-biblioref">{expected_cite}</a>' in doc.chapters[0].body
    )
    references = doc.chapters[-1]
    assert references.title == "References" and references.id == "references"
    assert f'<li class="reference" id="ref-idlib-lives">{expected_entry}</li>' in references.body


def test_citation_yaml_and_bibtex_bibliographies(tmp_path):
    (tmp_path / "refs.yaml").write_text(
        "references:\n  - id: pd2018\n    type: report\n    title: Idlib Lives\n"
        "    author: [{literal: Peace Direct}]\n    issued: {date-parts: [[2018]]}\n",
        encoding="utf-8",
    )
    (tmp_path / "refs.bib").write_text(
        "@techreport{pd2018,\n  author = {{Peace Direct}},\n  title = {Idlib Lives},\n  year = {2018},\n"
        "  institution = {Peace Direct}\n}\n",
        encoding="utf-8",
    )
    for name in ("refs.yaml", "refs.bib"):
        manuscript = write(tmp_path, {"report.md": f"---\nbibliography: {name}\n---\n\n# One\n\nSee [@pd2018].\n"})
        assert "(Peace Direct, 2018)" in load(manuscript, quiet()).chapters[0].body, name


def test_unknown_citation_key_warns_at_file_line(tmp_path):
    (tmp_path / "refs.json").write_text(SOURCES.read_text(encoding="utf-8"), encoding="utf-8")
    manuscript = write(
        tmp_path, {"report.md": "---\nbibliography: refs.json\n---\n\n# One\n\nText.\n\nAs [@nobody2019] says.\n"}
    )
    diagnostics = quiet()
    doc = load(manuscript, diagnostics)
    (warning,) = diagnostics.warnings
    assert warning.line == 9 and "'nobody2019' is not in the bibliography" in warning.message
    assert "As [?@nobody2019] says." in doc.chapters[0].body


@pytest.mark.e2e  # a release refuses once everything has rendered: it lays the PDF out
def test_release_and_check_refuse_unresolved_references(tmp_path):
    manuscript = write(tmp_path, {"report.md": "# One\n\nSee @fig-nowhere.\n"})
    write(tmp_path, {"changelog.yaml": 'releases:\n  - version: "1.0"\n    date: 2020-01-01\n    summary: First.\n'})
    with pytest.raises(StrictModeError) as caught:
        make_release(manuscript, output_dir=tmp_path / "out", diagnostics=quiet())
    assert caught.value.line == 3 and caught.value.refused_by == "release"
    assert not (tmp_path / "out" / "releases").exists()
    findings = [f for f in check(manuscript, tmp_path / "out", ace=False) if f.finding.code == "FAULT"]
    assert [(f.finding.severity, f.path.name, f.line) for f in findings] == [("error", "report.md", 3)]


def test_fingerprint_covers_chapters_variables_and_bibliography(tmp_path):
    (tmp_path / "refs.json").write_text(SOURCES.read_text(encoding="utf-8"), encoding="utf-8")
    manuscript = write(
        tmp_path,
        {
            "report.md": "---\nbibliography: refs.json\nchapters: [two.md]\n---"
            "\n\n# One\n\n{{< var n >}} [@idlib-lives]\n",
            "two.md": "# Two\n\nText.\n",
            "variables.yaml": "n: 1\n",
        },
    )
    before = source_fingerprint(load(manuscript, quiet()))
    for name, text in (("two.md", "# Two\n\nOther.\n"), ("variables.yaml", "n: 2\n"), ("refs.json", "[]")):
        original = (tmp_path / name).read_text(encoding="utf-8")
        (tmp_path / name).write_text(text + " " if name == "refs.json" else text, encoding="utf-8")
        if name != "refs.json":
            assert source_fingerprint(load(manuscript, quiet())) != before, name
        (tmp_path / name).write_text(original, encoding="utf-8")
    (tmp_path / "refs.json").write_text(SOURCES.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert source_fingerprint(load(manuscript, quiet())) != before


def test_the_sample_report_uses_each_construct(default_document):
    doc = default_document
    assert len(doc.metadata.chapters) >= 5 and all(p.is_relative_to(MANUSCRIPT.parent) for p in doc.metadata.chapters)
    assert any(p.name == "variables.yaml" for p in doc.inputs) and any(p.name == "sources.json" for p in doc.inputs)
    bodies = "".join(c.body for c in doc.chapters)
    assert bodies.count('class="xref') >= 4 and bodies.count('class="citation"') >= 2
    assert doc.chapters[-1].title == "References" and "xref-missing" not in bodies
    assert {t.id for t in doc.tables} >= {"tbl-figures-2020", "tbl-history", "tbl-recommendations"}
    brief = load(MANUSCRIPT, quiet(), Selection(profile="brief"))
    assert [c.title for c in brief.chapters] == ["Executive summary", "Recommendations", "References"]


def test_a_note_style_turns_citations_into_footnotes():
    doc = load(FIXTURES / "citations" / "report.md", Diagnostics(strict=True, echo=False))
    body = doc.chapters[0].body
    assert 'published in 2018<a class="noteref" href="#fn-1"' in body and "[@" not in body
    first, own = doc.footnotes
    assert first.html.strip() == (
        '<p><a class="citation" href="#ref-idlib-lives" role="doc-biblioref">Peace Direct and The Syria Campaign, '
        "<i>Idlib Lives: The untold story of heroes</i>, 2018, p. 33.</a></p>"
    )
    assert own.html.strip() == "<p>A note of the author\u2019s own.</p>"
    assert doc.chapters[-1].title == "References"


def test_a_profile_changes_the_front_matter_it_names(tmp_path):
    manuscript = write(
        tmp_path,
        {
            "report.md": "---\ntitle: T\nsubtitle: Full\nprofiles:\n  brief:\n    subtitle: Policy brief\n---\n\n"
            '# One\n\n::: {.content-visible when-profile="brief"}\nText.\n:::\n'
        },
    )
    assert load(manuscript, quiet()).metadata.subtitle == "Full"
    assert load(manuscript, quiet(), Selection(profile="brief")).metadata.subtitle == "Policy brief"
    bad = write(tmp_path, {"report.md": "---\nprofiles:\n  brief:\n    language: fr\n---\n\n# One\n\nText.\n"})
    draft = quiet()
    load(bad, draft)  # a draft builds without the profiles, and says why
    assert [(w.line, "not 'language'" in w.message) for w in draft.warnings] == [(2, True)]
    error = refused(bad)
    assert error.line == 2 and "not 'language'" in error.message


def test_a_footnote_label_defined_in_two_files_names_both(tmp_path):
    manuscript = write(
        tmp_path,
        {
            "report.md": "---\nchapters: [c/two.md]\n---\n\n# One\n\nA.[^n]\n\n[^n]: First.\n",
            "c/two.md": "# Two\n\nB.[^n]\n\n[^n]: Second.\n",
        },
    )
    error = refused(manuscript)
    assert (error.path.name, error.line) == ("two.md", 5) and "first at report.md:9" in error.message
    doc = load(manuscript, quiet())  # a draft keeps the first definition, for both calls
    notes = [note.html for chapter in doc.chapters for note in chapter.footnotes]
    assert notes == ["<p>First.</p>\n"] and "Second" not in "".join(c.body for c in doc.chapters)


def test_addresses_and_handles_are_not_references(tmp_path):
    manuscript = write(
        tmp_path,
        {"report.md": "# One\n\nWrite [to team@example.org] or a@b.org; follow @someone; see `[@fig-x]`.\n"},
    )
    diagnostics = quiet()
    body = load(manuscript, diagnostics).chapters[0].body
    # addresses are links, as GitHub makes them (pymdownx.magiclink), and never citations
    assert '[to <a href="mailto:team@example.org">team@example.org</a>]' in body
    assert "follow @someone" in body and "<code>[@fig-x]</code>" in body
    assert diagnostics.warnings == []


def test_without_a_bibliography_handles_in_brackets_stay_text(tmp_path):
    manuscript = write(tmp_path, {"report.md": "# One\n\nThanks to [@michmike] and [see @fig-x].\n"})
    diagnostics = quiet()
    body = load(manuscript, diagnostics).chapters[0].body
    assert "Thanks to [@michmike] and" in body and "?@fig-x" in body
    assert [w.line for w in diagnostics.warnings] == [3]


def test_the_command_line_builds_a_profile_and_refuses_one_that_changes_nothing(tmp_path, capsys):
    from report_build.cli import main, parser

    assert parser().parse_args(["pdf", "--profile", "brief"]).profile == "brief"
    assert parser().parse_args(["all", "--profile", "brief"]).profile == "brief"
    manuscript = write(tmp_path, {"report.md": "---\ntitle: T\n---\n\n# One\n\nText.\n"})
    assert main(["pdf", str(manuscript), "--profile", "brief", "--output-dir", str(tmp_path / "out")]) == 1
    assert "report.md:1: profile 'brief' changes nothing" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_lines_kept_in_the_model_are_lines_of_their_own_file(tmp_path):
    from PIL import Image as Picture

    Picture.new("RGB", (20, 10), "red").save(tmp_path / "a.png")
    manuscript = write(
        tmp_path,
        {
            "report.md": "---\ntitle: T\nchapters: [two.md]\n---\n\n# One\n\n{{< include part.md >}}\n\n![A](a.png)\n",
            "part.md": "Line one.\n\nLine three.\n",
            "two.md": 'Intro.\n\n# Two\n\n## Section\n\n![B](a.png "Caption")\n',
        },
    )
    doc = load(manuscript, quiet())
    one, two = doc.chapters
    assert (one.source.name, one.line) == ("report.md", 6)
    assert (two.source.name, two.line, two.sections[0].line) == ("two.md", 3, 5)
    assert [image.line for image in doc.images] == [10]  # the same file, first written in the manuscript


def test_in_arabic_a_cross_reference_reads_in_the_document_s_direction_and_a_latin_citation_alone(tmp_path):
    """In a right-to-left document, a cross-reference is written in the document's words: it is
    never isolated as left-to-right text (which set "الشكل 1" as "1 الشكل" in the ePub and kept
    "(@tbl-x)" from reading "(الجدول 1، ص. 6)" in the PDF); a citation of Latin names is."""
    (tmp_path / "refs.json").write_text(SOURCES.read_text(encoding="utf-8"), encoding="utf-8")
    manuscript = write(
        tmp_path,
        {
            "report.md": "---\nlanguage: ar\npage_references: true\nbibliography: refs.json\n---\n\n# واحد\n\n"
            "ارتفعت (@tbl-x). انظر @tbl-x و[@idlib-lives].\n\nTable: أرقام {#tbl-x}\n\n| a |\n|---|\n| 1 |\n"
        },
    )
    body = load(manuscript, quiet()).chapters[0].body
    paged = '<a class="xref xref-paged{}" data-page="ص." href="#tbl-x">الجدول\u00a01</a>'
    assert f"ارتفعت ({paged.format(' xref-in-parentheses')})." in body, body
    assert f"انظر {paged.format('')} و" in body, body
    assert re.search(r'<span dir="ltr"><a class="citation" href="#ref-idlib-lives"[^>]*>\(Peace Direct', body), body
    css = (Path(__file__).resolve().parents[2] / "layouts" / "css" / "print-rtl.css").read_text(encoding="utf-8")
    assert re.search(r'a\.xref-paged\.xref-in-parentheses::after\s*\{\s*content:\s*"\\60c', css)
    assert "a.xref-paged::before" not in css  # the page is not put before the label
