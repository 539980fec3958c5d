"""The layouts' own numbers in the digits the report's language reads (numerals.py): CLDR's
default numbering system, as a CSS counter style for the PDF and as text for the templates."""

from __future__ import annotations

import unicodedata

import lxml.html
import pytest

from report_build import numerals
from report_build.model import Metadata
from report_build.theme import Theme
from report_build.writers.pdf import groups
from report_build.writers.pdf.handover import Handover
from report_build.writers.pdf.layout_rules import read_rules


@pytest.mark.parametrize(
    ("language", "style", "twelve"),
    [
        ("en", "decimal", "12"),
        ("ar", "decimal", "12"),  # Modern Standard Arabic: CLDR's default is Latin
        ("ar-EG", "arabic-indic", "١٢"),
        ("fa", "persian", "۱۲"),
        ("ur", "decimal", "12"),  # Urdu in Pakistan: Latin; in India: Persian-style digits
        ("ur-IN", "persian", "۱۲"),
        ("bn", "bengali", "১২"),
        ("hi", "decimal", "12"),
        ("mr", "devanagari", "१२"),
        ("my", "myanmar", "၁၂"),
        ("xx", "decimal", "12"),  # a language CLDR does not know
    ],
)
def test_a_language_counts_in_its_cldr_digits(language, style, twelve):
    assert numerals.counter_style(language) == style
    assert numerals.counter_style_css(language) == f"@counter-style rb-digits {{ system: extends {style}; }}\n"
    assert numerals.digits("Chapter 12", language) == f"Chapter {twelve}"


def test_a_report_may_keep_latin_digits():
    assert numerals.counter_style("fa", latin=True) == "decimal"
    assert numerals.digits(12, "fa", latin=True) == "12"


@pytest.mark.parametrize("system", sorted(numerals.DIGITS))
def test_each_numbering_system_has_ten_digits_in_a_row(system):
    _style, name = numerals.DIGITS[system]
    zero = ord(unicodedata.lookup(f"{name} DIGIT ZERO"))
    assert [unicodedata.digit(chr(zero + value)) for value in range(10)] == list(range(10))


def test_the_templates_print_chapter_numbers_in_the_languages_digits():
    theme = Theme(None, "fa")
    template = theme.env.from_string("{{ 3 | digits }}")
    assert template.render(meta=Metadata(title="T", language="fa")) == "۳"
    assert template.render(meta=Metadata(title="T", language="fa", latin_digits=True)) == "3"
    assert template.render(meta=Metadata(title="T", language="en")) == "3"


def test_a_page_number_in_the_languages_digits_is_handed_over_between_groups():
    rules = read_rules(["a.x::after { content: '(' target-counter(attr(href url), page, rb-digits) ')'; }"])
    assert not isinstance(rules, str)
    assert rules.page_number_rules[0][2] == '"(" attr(data-rb-page-digits) ")"'
    # another counter style's digits the hand-over cannot write: the layout is not cut
    assert isinstance(read_rules(["a::after { content: target-counter(attr(href url), page, lower-roman); }"]), str)


def test_a_stylesheet_without_the_counter_style_gets_latin_page_numbers_in_groups_as_in_one_pass():
    """A user's print.css written before rb-digits (``target-counter(attr(href url), page)``)
    prints Latin page numbers in one pass: laid out in groups, the hand-over's are Latin too,
    while the layouts' own rule (``page, rb-digits``) gets the language's."""
    sheet = (
        ".toc a::after { content: target-counter(attr(href url), page); }"
        " a.x::after { content: target-counter(attr(href url), page, rb-digits); }"
    )
    rules = read_rules([sheet])
    assert not isinstance(rules, str)
    assert [content for _s, _n, content in rules.page_number_rules] == [
        "attr(data-rb-page)",
        "attr(data-rb-page-digits)",
    ]
    chapters = "".join(
        f'<section class="chapter"><h1 id="c{n}">C{n}</h1><p>{"word " * 2000}</p>'
        '<a class="x" href="#c0">c</a></section>'
        for n in range(3)
    )
    html = (
        '<!DOCTYPE html><html><body class="pdf"><div class="frontmatter"><nav class="contents">'
        '<ul class="toc"><li><a href="#c2">C2</a></li></ul></nav></div>'
        f'<div class="mainmatter">{chapters}</div></body></html>'
    )
    plan = groups.plan(html, 2, rules, lambda number: numerals.digits(number, "fa"))
    assert not isinstance(plan, str)
    source, _css = plan.source(1, Handover(first_page=12, target_pages=(("c0", 12), ("c2", 13))))
    links = lxml.html.document_fromstring(source).xpath("//a[@data-rb-page]")
    assert {(link.get("data-rb-page"), link.get("data-rb-page-digits")) for link in links} == {("12", "۱۲")}
