"""The model chooses each output's text among the texts parsed on reading: ``for_output`` gives
what a fresh reading for that output gives, and keeps every option of the build."""

from __future__ import annotations

from pathlib import Path

import pytest

from report_build import Diagnostics
from report_build.build import load as build_load
from report_build.errors import RenderError, StrictModeError
from report_build.navigation import navigation
from report_build.source import divs, parse
from report_build.source.compose import Selection
from report_build.source.remote import RemoteImages

CONDITIONS = """---
title: Conditions
language: en
profiles:
  brief:
    subtitle: The brief
---

# One

Everywhere.[^a]

::: {.content-visible when-format="pdf"}
Only in the PDF.[^p]

![A remote badge](https://example.org/badge.png)
:::

::: {.content-hidden when-format="pdf"}
Not in the PDF.

Table: A table the PDF leaves out {#tbl-out}

| A | B |
|---|---|
| 1 | 2 |
:::

::: {.content-hidden when-edition="print"}
Not in print.[^s]
:::

::: {.content-visible when-profile="brief" when-format="epub"}
The brief's ePub only.
:::

::: {.content-hidden when-profile="brief"}
## Left out of the brief

The full report's section.
:::

# Two

::: {.content-visible when-format="web docx"}
On the site and in Word.[^w]

![A figure for the site](pic.png)
:::

Last words, see @tbl-out.[^z]

[^a]: Everywhere note.
[^p]: PDF note.
[^s]: Screen note.
[^w]: Web note.
[^z]: Last note.
"""

PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
    "0000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


@pytest.fixture
def manuscript(tmp_path: Path) -> Path:
    (tmp_path / "pic.png").write_bytes(PNG)
    path = tmp_path / "report.md"
    path.write_text(CONDITIONS, encoding="utf-8")
    return path


def quiet() -> Diagnostics:
    return Diagnostics(echo=False)


def shown(document, strings) -> tuple:
    """What a writer reads of the text: chapters, figures, tables, images, navigation."""
    return (
        document.chapters,
        document.figures,
        document.tables,
        document.images,
        document.attachments,
        document.metadata,
        navigation(document, strings),
    )


@pytest.mark.parametrize("profile", [None, "brief"])
def test_for_output_equals_a_fresh_reading_for_that_output(manuscript, profile):
    omit = RemoteImages(manuscript, "omit", quiet())
    document, theme = parse.read(manuscript, quiet(), Selection(profile=profile), omit)
    assert document.conditional and len(document.variants) >= 4
    texts = set()
    for output in divs.FORMATS:
        for edition in divs.EDITIONS:
            fresh, _ = parse.read(
                manuscript, quiet(), Selection(output, edition, profile), RemoteImages(manuscript, "omit", quiet())
            )
            chosen = document.for_output(output, edition)
            assert shown(chosen, theme.strings) == shown(fresh, theme.strings), (output, edition)
            texts.add(tuple(chapter.body for chapter in chosen.chapters))
    assert len(texts) == len(document.variants)  # each distinct text parsed once
    pdf = document.for_output("pdf")
    assert "Only in the PDF" in pdf.chapters[0].body and "Not in the PDF" not in pdf.chapters[0].body
    assert [note.html.strip() for note in pdf.footnotes][:3] == [
        "<p>Everywhere note.</p>",
        "<p>PDF note.</p>",
        "<p>Screen note.</p>",
    ]
    assert [table.id for table in document.for_output("epub").tables] == ["tbl-out"]  # numbered where shown
    assert document.for_output("pdf").tables == ()
    assert ("ePub only" in document.for_output("epub").chapters[0].body) == (profile == "brief")
    assert (document.for_output("web").metadata.subtitle == "The brief") == (profile == "brief")


def test_for_output_keeps_every_option_of_the_build(manuscript):
    """--omit-remote, the site root and the draft mark stay on the text each writer gets."""
    site = manuscript.parent / "site"
    site.mkdir()
    document = build_load(
        manuscript, quiet(), releases_dir=manuscript.parent / "none", omit_remote=True, site_root=site
    )
    for output in divs.FORMATS:
        for edition in divs.EDITIONS:
            chosen = document.for_output(output, edition)
            assert chosen.site_root == site.resolve() and chosen.profile == document.profile
            assert chosen.releases == document.releases and chosen.inputs == document.inputs
    body = document.for_output("pdf").chapters[0].body
    assert "image-omitted" in body and "A remote badge" in body  # the placeholder, not an error
    with pytest.raises(StrictModeError, match="fetch"):  # without --omit-remote, the same image is a fault
        build_load(manuscript, Diagnostics(strict=True, echo=False), releases_dir=manuscript.parent / "none")


def test_a_text_without_conditions_is_its_own_output(manuscript):
    manuscript.write_text("---\ntitle: Plain\n---\n\n# One\n\nText.\n", encoding="utf-8")
    document = parse.load(manuscript, quiet())
    assert not document.conditional and document.variants == ()
    assert document.for_output("pdf", "print") is document


def test_for_output_refuses_an_output_it_has_no_text_for(manuscript):
    document = parse.load(manuscript, quiet(), Selection(), RemoteImages(manuscript, "omit", quiet()))
    with pytest.raises(RenderError, match="no text was read for the odt output"):
        document.for_output("odt")


def test_a_build_reads_the_text_of_the_outputs_it_makes(manuscript):
    """A PDF build parses the PDF's text (both editions) beside the whole text, not the others'."""
    omit = RemoteImages(manuscript, "omit", quiet())
    document = parse.load(manuscript, quiet(), Selection(formats=("pdf",)), omit)
    assert {output for passages in document.variants for output in passages.outputs} == {
        ("pdf", "screen"),
        ("pdf", "print"),
    }
    assert "Only in the PDF" in document.for_output("pdf", "print").chapters[0].body
    with pytest.raises(RenderError, match="no text was read for the epub output"):
        document.for_output("epub")
