"""The layouts' own numbers in the digits the report's language reads (numerals.py): CLDR's
default numbering system, as a CSS counter style for the PDF and as text for the templates."""

from __future__ import annotations

import unicodedata

import pytest

from report_build import numerals
from report_build.model import Metadata
from report_build.theme import Theme
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
    assert rules.page_number_rules[0][2] == '"(" attr(data-rb-page) ")"'
    # another counter style's digits the hand-over cannot write: the layout is not cut
    assert isinstance(read_rules(["a::after { content: target-counter(attr(href url), page, lower-roman); }"]), str)
