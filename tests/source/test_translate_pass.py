"""The reading pass's placeholders: a run of the tree as a msgid, a translation back into the tree,
and every way a translation can break them."""

from __future__ import annotations

import lxml.html
import pytest
from lxml import etree

from report_build.source.passes.translate import Edition, PlaceholderError, Run, _encode, decode


def _run(markup: str) -> Run:
    root = lxml.html.fragment_fromstring(markup, create_parent="div")
    paragraph = root[0]
    return Run(paragraph, None, list(paragraph))


def _encoded(markup: str):
    return _encode(_run(markup), Edition())


def test_markup_becomes_numbered_placeholders_and_literal_braces_double():
    found = _encoded('<p>Use <code>{x}</code> and <em>the <a href="#m">map</a></em>, <br/>{not a placeholder}.</p>')
    assert found.msgid == "Use {0/} and {1}the {2}map{/2}{/1}, {3/}{{not a placeholder}."
    text, elements = decode("{3/}Voir {1}la {2}carte{/2}{/1} et {0/}, {{pas un}.", found)
    holder = etree.Element("p")
    holder.text = text
    holder.extend(elements)
    assert etree.tostring(holder, encoding="unicode") == (
        '<p><br/>Voir <em>la <a href="#m">carte</a></em> et <code>{x}</code>, {pas un}.</p>'
    )


@pytest.mark.parametrize(
    ("translation", "problem"),
    [
        ("{1}la carte{/1} et {0/}", "{2} is missing"),
        ("{1}la {2}carte{/1}{/2} et {0/}", "{/1} closes {1} while {2}, inside it, is still open"),
        ("{1}la {2}carte{/2} et {0/}", "{1} is never closed"),
        ("{1}la {2}carte{/2}{/1} et {0/} {0/}", "{0/} is there 2 times, not 1"),
        ("{1}la {2}carte{/2}{/1} et {0/} {7/}", "{7} is not a placeholder of the source"),
        ("{1}la {2}carte{/2}{/1} et {0}code{/0}", "{0} wraps text, but the source's {0/} stands alone"),
        ("{1}la {2}carte{/2}{/1} et {0/} {x", "is not a placeholder (write {{ for a brace)"),
    ],
)
def test_every_broken_placeholder_is_named(translation, problem):
    found = _encoded('<p>Use <code>x</code> and <em>the <a href="#m">map</a></em>.</p>')
    with pytest.raises(PlaceholderError) as raised:
        decode(translation, found)
    assert problem in str(raised.value)


def test_abbreviations_are_words_and_autolinks_stand_alone():
    found = _encoded(
        '<p>An <abbr title="civil society organisation">CSO</abbr> at <a href="https://x.org">https://x.org</a>.</p>'
    )
    assert found.msgid == "An CSO at {0/}."
