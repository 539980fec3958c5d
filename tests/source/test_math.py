"""Formulas (source/math.py): which dollars are math, the MathML in the model, and a formula that
cannot be read (a warning at its line, its source shown in code). The golden case
tests/golden/math.md shows every delimiter; the outputs are tested in tests/writers/test_math_output.py."""

from __future__ import annotations

import lxml.html
import pytest
from lxml import etree

from conftest import REALWORLD
from report_build import Diagnostics, load
from report_build.source import math
from report_build.source.extensions import make_markdown

MATHML = "{http://www.w3.org/1998/Math/MathML}"


def _formulas(text: str) -> list[tuple[str, str]]:
    """(class, TeX) of each formula placeholder the Markdown set-up makes of ``text``."""
    md, _ = make_markdown(has_title=True)
    root = lxml.html.fragment_fromstring(md.convert(text), create_parent="div")
    return [(e.get("class"), e.text_content()) for e in root.xpath("//*[starts-with(@class, 'rb-math-')]")]


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("The mean $\\bar{X}$ is known.", [(math.INLINE, "\\bar{X}")]),
        ("Inline \\(x^2\\) too.", [(math.INLINE, "x^2")]),
        ("GitHub's $`\\sqrt{3}`$ form.", [(math.INLINE, "\\sqrt{3}")]),
        ("Shown $$x = 1$$ apart.", [(math.DISPLAY, "x = 1")]),
        ("Shown \\[x = 1\\] apart.", [(math.DISPLAY, "x = 1")]),
        ("Over\n$$\na + b\n$$\nlines.", [(math.DISPLAY, "\na + b\n")]),
        ("It cost $10 million in all.", []),
        ("Between $5 and $10 a day.", []),
        ("From US$5-US$6 each.", []),
        ("From $5-$10 each.", []),
        ("Priced \\$3, or \\$4.", []),
        ("Code `$x$` is code.", []),
        ("A $ sign alone, and $ x$ or $x $ are no formulas.", []),
        ("Two: $a$ and $b$.", [(math.INLINE, "a"), (math.INLINE, "b")]),
    ],
)
def test_which_dollars_are_formulas(text, found):
    assert _formulas(text) == found


def test_an_escaped_dollar_is_a_dollar_sign():
    md, _ = make_markdown(has_title=True)
    assert md.convert("Priced \\$3.") == '<section class="rb-chapter"><p>Priced $3.</p>\n</section>'


def _chapter(tmp_path, body: str):
    manuscript = tmp_path / "report.md"
    manuscript.write_text("---\ntitle: T\n---\n\n# One\n\n" + body, encoding="utf-8")
    diagnostics = Diagnostics(echo=False)
    document = load(manuscript, diagnostics)
    return etree.fromstring(f"<div>{document.chapters[0].body}</div>"), diagnostics  # XML: MathML keeps its namespace


def test_formulas_become_mathml_with_their_tex_as_alternative_text(tmp_path):
    root, diagnostics = _chapter(tmp_path, "Mean $\\bar{X}$ and\n$$\nt = \\frac{a}{b}\n$$\ngoes on.\n")
    inline, block = root.iter(f"{MATHML}math")
    assert (inline.get("display"), inline.get("alttext")) == ("inline", "\\bar{X}")
    assert (block.get("display"), block.get("alttext")) == ("block", "t = \\frac{a}{b}")
    assert block.getparent().tag == "span" and block.getparent().get("class") == "math-display"
    assert block.getparent().getparent().tag == "p"  # the sentence goes on around it
    assert not diagnostics.warnings


@pytest.mark.parametrize(
    ("formula", "reason"),
    [
        ("$\\frac{a}{b$", "a { is never closed"),
        ("$x^$", "a ^ or _ has nothing after it"),
        ("$\\foo{x}$", "unknown command \\foo"),
        ("$a_1_2$", "two subscripts in a row"),
        ("$$\\left( x$$", "a \\left has no \\right"),
    ],
)
def test_a_formula_that_cannot_be_read_is_a_warning_and_shows_as_written(tmp_path, formula, reason):
    root, diagnostics = _chapter(tmp_path, f"Fine $x$ here.\n\nThen {formula} is wrong.\n")
    assert root.xpath("//code[@class='math-source']/text()") == [formula]
    assert len(list(root.iter(f"{MATHML}math"))) == 1
    ((message, path, line),) = [(w.message, w.path, w.line) for w in diagnostics.warnings]
    assert (path.name, line) == ("report.md", 9) and reason in message and "cannot be read" in message


def test_a_math_fence_that_cannot_be_read_shows_its_source_as_a_code_block(tmp_path):
    root, diagnostics = _chapter(tmp_path, "```math\n\\begin{array}{l} x\n```\n")
    assert root.xpath("//pre/code[@class='math-source']/text()") == ["\\begin{array}{l} x\n"]
    assert [w.line for w in diagnostics.warnings] == [8]


@pytest.mark.skipif(not (REALWORLD / "bookdown-lsr-ttest").is_dir(), reason="../shared/realworld is not here")
def test_every_formula_of_the_bookdown_chapter_is_read():
    """The real chapter's formulas ($…$ in sentences, $$ on lines of their own inside paragraphs),
    read at test time: each becomes MathML, none is left as raw TeX."""
    text = (REALWORLD / "bookdown-lsr-ttest" / "05.13-ttest.Rmd").read_text(encoding="utf-8")
    md, _ = make_markdown(has_title=True)
    html = md.convert(text)
    root = lxml.html.fragment_fromstring(html, create_parent="div")
    found = [(e.get("class"), e.text_content()) for e in root.xpath("//*[starts-with(@class, 'rb-math-')]")]
    assert sum(1 for kind, _ in found if kind == math.DISPLAY) >= 30 and len(found) >= 200
    for kind, tex in found:
        math.to_mathml(tex, kind == math.DISPLAY)  # raises FormulaError on any it cannot read
    assert "$$" not in html


def test_escaped_brackets_around_words_stay_brackets():
    """``\\[sic\\]`` is Markdown's escaped brackets (Word converters write them), not a formula;
    ``\\[x^2\\]`` and ``\\(x\\)`` are formulas."""
    from report_build.source.extensions import make_markdown

    md, _ = make_markdown(has_title=True)
    html = md.convert("Quoted \\[sic\\] and \\(see above\\), then \\(x\\) and \\[x^2 + 1\\].")
    assert "[sic]" in html and "(see above)" in html
    assert html.count("rb-math-inline") == 1 and html.count("rb-math-display") == 1


@pytest.mark.parametrize(
    "tex",
    [
        "\\begin{aligned} a &= b + c \\\\ d &= e \\end{aligned}",
        "\\begin{alignedat}{2} a &= b & c &= d \\end{alignedat}",
        "\\begin{gathered} x + y = 1 \\\\ x - y = 2 \\end{gathered}",
        "f(x) = \\begin{dcases} 1 & x > 0 \\\\ 0 & x \\le 0 \\end{dcases}",
        "\\begin{rcases} a & b \\\\ c & d \\end{rcases}",
        "\\begin{eqnarray} a &=& b \\\\ c &=& d \\end{eqnarray}",
        "\\begin{multline} a + b \\\\ + c \\end{multline}",
        "\\begin{equation} E = mc^2 \\label{eq:e} \\end{equation}",
    ],
)
def test_environments_latex2mathml_does_not_know_are_read_as_ones_it_does(tex):
    """pandoc, bookdown and MathJax read these; latex2mathml left their & bare (its MathML then
    failed to parse, an internal error that stopped the build)."""
    root = etree.fromstring(math.to_mathml(tex, display=True))
    assert "&" not in "".join(root.itertext()) and "\\" not in "".join(root.itertext())
    assert root.get("alttext") == " ".join(tex.split())  # the TeX as written
    if "&" in tex:
        assert root.find(f".//{MATHML}mtable") is not None


def test_an_ampersand_in_text_is_a_sign_and_a_stray_one_a_warning(tmp_path):
    root, diagnostics = _chapter(tmp_path, "Spending on $\\text{R\\&D}$ grew; $a & b$ did not.\n")
    assert [t.text for t in root.iter(f"{MATHML}mtext")] == ["R&D"]
    assert root.xpath("//code[@class='math-source']/text()") == ["$a & b$"]
    ((message, line),) = [(w.message, w.line) for w in diagnostics.warnings]
    assert line == 7 and "an & outside an environment that aligns" in message


def test_a_display_environment_outside_dollars_is_a_displayed_formula(tmp_path):
    """bookdown's (and LaTeX's) way to write an equation: its lines are never read as Markdown
    (``\\,``, a ``+`` line, ``*``), its label is left out; in code, or inside ``$$``, it is not
    taken again."""
    body = (
        "The survival function is\n"
        "\\begin{equation}\n"
        "S(t) = \\exp\\left(-\\int_0^t h(u)\\,du\\right)\n"
        "(\\#eq:surv)\n"
        "\\end{equation}\n"
        "and the system\n\n"
        "\\begin{align*}\n"
        "x &= 1 \\\\\n"
        "+ y &= 2 * z * w\n"
        "\\end{align*}\n"
        "then text.\n\n"
        "$$\n\\begin{align}\na &= b\n\\end{align}\n$$\n\n"
        "```\n\\begin{equation}\nkept as code\n\\end{equation}\n```\n"
    )
    root, diagnostics = _chapter(tmp_path, body)
    formulas = list(root.iter(f"{MATHML}math"))
    assert [f.get("display") for f in formulas] == ["block"] * 3
    assert "\\,du" in formulas[0].get("alttext") and "#eq" not in "".join(formulas[0].itertext())
    assert formulas[1].find(f".//{MATHML}mtable") is not None
    text = "".join(root.itertext())
    assert "\\begin{equation}\nkept as code" in text and text.count("\\begin") == 1
    assert [p.text.strip() for p in root.iter("p")] == ["The survival function is", "and the system", "then text."]
    assert not diagnostics.warnings


@pytest.mark.parametrize(
    ("tex", "text"),
    [("n \\to \\infty", "n→∞"), ("f: X \\to Y", "f:X→Y"), ("\\vec{x} + \\bar{X} + \\hat\\sigma", "x⃗+X̄+σ̂")],
)
def test_a_formula_as_plain_text_marks_only_accents_as_combining(tex, text):
    """For the contents, bookmarks and running heads: an arrow over a letter is a combining
    mark, an arrow between two is an arrow ("n⃗∞" read as "n-vector infinity" before)."""
    assert math.plain_text(tex) == text


def test_labelled_equations_are_numbered_and_referred_to_as_each_tool_writes_it(tmp_path):
    """bookdown's (\\#eq:x) and \\@ref, Quarto's {#eq-x} and @eq-x, LaTeX's \\label, \\eqref and
    \\ref: the formulas with a label are numbered in the order of the text; the label never shows."""
    body = (
        "\\begin{equation}\nS(t) = e^{-t}\n(\\#eq:surv)\n\\end{equation}\n\n"
        "$$\n\\hat\\beta = X^\\top y\n$$ {#eq-ols}\n\n"
        "$$ x = 1 $$\n\n"  # no label: no number
        "$$ E = mc^2 \\label{eq:e} $$\n\n"
        "See @eq-ols, \\@ref(eq:surv), \\eqref{eq:e}, \\ref{eq:e} and \\eqref{eq:none}.\n"
    )
    root, diagnostics = _chapter(tmp_path, body)
    equations = root.xpath("//*[contains(concat(' ', @class, ' '), ' equation ')]")
    assert [(e.get("id"), e.xpath("string(*[@class='equation-number'])")) for e in equations] == [
        ("eq-surv", "(1)"),
        ("eq-ols", "(2)"),
        ("eq-e", "(3)"),
    ]
    assert len(root.xpath("//*[@class='math-display']")) == 1  # the one without a label
    links = [(a.get("href"), a.text) for a in root.iter("a")]
    assert links == [("#eq-ols", "Equation\u00a02"), ("#eq-surv", "1"), ("#eq-e", "(3)"), ("#eq-e", "3")]
    text = "".join(root.itertext())
    assert "#eq" not in text and "{#" not in text and "\\label" not in text and "(??)" in text
    ((warning,),) = [diagnostics.warnings]
    assert "\\eqref{eq:none}" in warning.message and "equation" in warning.message


def test_a_parenthesised_word_after_a_formula_is_a_label_only_when_referred_to(tmp_path):
    """MyST writes $$ … $$ (label); "(Einstein)" after a formula stays text unless {eq} names it."""
    root, _ = _chapter(tmp_path, "$$ E = mc^2 $$ (Einstein)\n\n$$ a = b $$ (my-eq)\n\nBy {eq}`my-eq`.\n")
    assert "(Einstein)" in "".join(root.itertext())
    assert root.xpath("//*[@id='my-eq']/*[@class='equation-number']/text()") == ["(1)"]
    assert [a.text for a in root.iter("a")] == ["(1)"]


def test_what_review_found_in_equations(tmp_path):
    """An environment whose end never comes in its block is text (it took a paragraph and a
    heading); a \\[ in code does not stop later environments; \\& in an aligned formula is the
    sign; align is numbered by the report, not row by row; a label given twice is a warning."""
    body = (
        "\\begin{equation}\nx = 1\n\\end{equation*}\n\nImportant paragraph.\n\n"
        "Type `\\[` in code.\n\n\\begin{equation}\ny = 2 \\label{eq:y}\n\\end{equation}\n\n"
        "$$\\begin{aligned} x &= a \\& b \\end{aligned}$$\n\n"
        "$$\\begin{align} p &= q \\\\ r &= s \\end{align}$$\n\n"
        "$$ a = b $$ {#eq-x}\n\n$$ c = d $$ {#eq-x}\n"
    )
    root, diagnostics = _chapter(tmp_path, body)
    assert "Important paragraph." in [p.text for p in root.iter("p")]
    assert root.xpath("//*[@id='eq-y']/*[@class='equation-number']/text()") == ["(1)"]
    alttexts = [m.get("alttext") for m in root.iter(f"{MATHML}math")]
    assert any("\\&" in tex for tex in alttexts) and not root.xpath("//code[@class='math-source']")
    assert "(1)" not in "".join(root.xpath("//*[contains(@alttext, 'align}')]//text()"))  # no row numbers
    assert [e.get("id") for e in root.xpath("//*[contains(concat(' ', @class, ' '), ' equation ')]")] == [
        "eq-y",
        "eq-x",
        "eq-x-1",
    ]
    assert [w.message for w in diagnostics.warnings] == [
        "equation label 'eq-x' is given twice; references go to the first"
    ]


def test_an_align_with_labels_is_numbered_row_by_row_as_latex_numbers_it(tmp_path):
    """Each row has its number on it, its label naming it; \\nonumber and \\notag rows have none,
    \\tag{x} shows "(x)" without taking a number; align* numbers only its tagged rows."""
    body = (
        "$$\n\\begin{align}\na &= b \\label{eq:one} \\\\\nc &= \\begin{cases} 1 \\\\ 2 \\end{cases} \\nonumber \\\\\n"
        "e &= f \\\\\ng &= h \\tag{x} \\label{eq:x} \\\\\ni &= j \\label{eq:two}\n\\end{align}\n$$\n\n"
        "\\begin{align*}\nk &= l \\tag*{A} \\label{eq:a} \\\\\nm &= n\n\\end{align*}\n\n"
        "$$ E = mc^2 \\tag{E} \\label{eq:e} $$\n\n$$ y = 1 \\label{eq:y} $$\n\n"
        "See \\eqref{eq:one}, \\eqref{eq:two}, \\eqref{eq:x}, \\ref{eq:a}, \\eqref{eq:e} and \\eqref{eq:y}.\n"
    )
    root, diagnostics = _chapter(tmp_path, body)
    formulas = list(root.iter(f"{MATHML}math"))
    tables = [next(m.iter(f"{MATHML}mtable"), None) for m in formulas]
    numbers = [["".join(row[-1].itertext()) for row in table] for table in tables[:2]]
    assert numbers == [["(1)", "", "(2)", "(x)", "(3)"], ["A", ""]]
    ids = [[row.get("id") for row in table] for table in tables[:2]]
    assert ids == [["eq-one", None, None, "eq-x", "eq-two"], ["eq-a", None]]
    assert root.xpath("//*[@id='eq-e']/*[@class='equation-number']/text()") == ["(E)"]
    assert root.xpath("//*[@id='eq-y']/*[@class='equation-number']/text()") == ["(4)"]
    assert [a.text for a in root.iter("a")] == ["(1)", "(3)", "(x)", "A", "(E)", "(4)"]
    assert "\\tag" not in "".join(root.itertext()) and "(E)" not in "".join(formulas[2].itertext())
    assert not diagnostics.warnings


def test_a_row_label_is_kept_as_an_anchor_before_the_drawn_formula():
    """The PDF draws a formula as an SVG, without the ids of its rows: they go before it."""
    from report_build.writers.pdf.math import vectors

    mathml = math.to_mathml("\\begin{align} a &= b \\\\ c &= d \\end{align}", True)
    mathml = mathml.replace("<mtr>", '<mtr id="eq-x">', 1)
    html = f'<div class="math-display equation">{mathml}</div>'
    drawn = vectors(html)
    assert drawn.startswith('<div class="math-display equation"><span id="eq-x"></span><svg')
