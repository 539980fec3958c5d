"""Theorem-like statements (source/theorems.py): their labels in the document's language, their
numbers read by references, their lines kept, and a chapter read alone the same as the whole."""

from __future__ import annotations

from pathlib import Path

import lxml.html
import pytest
from test_fragments import read_both

from report_build import Diagnostics
from report_build.source.parse import load

GOLDEN = Path(__file__).resolve().parent / "dialects" / "bookdown"


def _read(tmp_path, text: str, name: str = "report.Rmd"):
    manuscript = tmp_path / name
    manuscript.write_text(text, encoding="utf-8")
    diagnostics = Diagnostics(echo=False)
    document = load(manuscript, diagnostics)
    return [lxml.html.fragment_fromstring(c.body, create_parent="div") for c in document.chapters], diagnostics


@pytest.mark.parametrize(
    ("language", "theorem", "proof"),
    [("fr", "Théorème", "Démonstration."), ("ar", "مبرهنة", "برهان."), ("en", "Theorem", "Proof.")],
)
def test_the_label_and_the_reference_say_the_word_of_the_document_language(tmp_path, language, theorem, proof):
    text = (
        f"---\ntitle: T\nlanguage: {language}\n---\n\n# Un\n\n"
        "::: {#thm-a}\nTexte.\n:::\n\n::: {.proof}\nÉvident.\n:::\n\nVoir @thm-a et \\@ref(thm:a).\n"
    )
    [root], diagnostics = _read(tmp_path, text, "report.md")
    labels = [" ".join(span.text_content().split()) for span in root.find_class("statement-label")]
    assert labels == [f"{theorem} 1.", proof]
    assert [a.text for a in root.iter("a")] == [f"{theorem}\u00a01", "1"]
    assert not [w for w in diagnostics.warnings if "strings" in w.message]


def test_statements_are_numbered_by_kind_through_the_whole_report(tmp_path):
    text = (
        "---\ntitle: T\n---\n\n# One\n\n```{theorem}\nA.\n```\n\n```{lemma}\nB.\n```\n\n"
        "# Two\n\n```{theorem, label='c'}\nC.\n```\n\nSee \\@ref(thm:c).\n"
    )
    roots, _ = _read(tmp_path, text)
    numbers = [[n.text for n in root.find_class("statement-number")] for root in roots]
    assert numbers == [["1", "1"], ["2"]]
    assert [a.text for a in roots[1].iter("a")] == ["2"]


def test_a_fault_inside_a_statement_is_told_at_its_own_line(tmp_path):
    text = "---\ntitle: T\n---\n\n# One\n\n```{theorem}\nFirst line.\n\nA formula $\\frac{a}$ here.\n```\n"
    _roots, diagnostics = _read(tmp_path, text)
    [warning] = diagnostics.warnings
    assert warning.line == 10 and "cannot be read" in warning.message


def test_a_myst_directive_of_the_same_name_is_left_to_myst(tmp_path):
    """sphinx-exercise's ```{exercise} with its :label: options is not a bookdown chunk."""
    [root], _ = _read(tmp_path, "---\ntitle: T\n---\n\n# One\n\n```{exercise}\n:label: ex1\n\nDo it.\n```\n", "x.md")
    assert not root.find_class("statement")


@pytest.mark.parametrize("name", ["report.md", "report.qmd"])
def test_a_div_classed_as_a_kind_outside_bookdown_stays_the_authors_div(tmp_path, name):
    """``::: {.example}`` in a pandoc or Quarto page is a box the author styles, with no "Example
    1." put before its text: bookdown alone numbers a statement by its class."""
    text = "---\ntitle: T\n---\n\n# One\n\n::: {.example}\nA worked case.\n:::\n\n::: {.proof}\nClear.\n:::\n"
    [root], _ = _read(tmp_path, text, name)
    assert [" ".join(s.text_content().split()) for s in root.find_class("statement-label")] == ["Proof."]
    assert [div.get("class") for div in root.iterdescendants("div")] == ["example", "statement proof"]
    assert root.find_class("example")[0].text_content().strip() == "A worked case."


@pytest.mark.parametrize("name", ["theorems.Rmd", "quarto-theorems.md"])
def test_a_chapter_read_alone_reads_as_in_the_whole_text(name):
    split, whole, _counts = read_both(GOLDEN / name)
    assert split == whole
