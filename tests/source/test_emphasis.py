"""Emphasis delimited as GitHub delimits it: a run of ``*`` or ``_`` between a letter and
punctuation opens nothing, ``_`` never inside a word, and ``***both***`` is emphasis around
strong emphasis."""

from __future__ import annotations

import pytest

from report_build.source.extensions import make_markdown


def _inner(text: str) -> str:
    md, _ = make_markdown(has_title=True)
    html = md.convert(text)
    return html.removeprefix('<section class="rb-chapter">').removesuffix("</section>").strip()


@pytest.mark.parametrize(
    ("written", "html"),
    [
        ("a*b*c and snake_case_name", "<p>a<em>b</em>c and snake_case_name</p>"),
        ("A word*(x)* and a**(x)**y.", "<p>A word*(x)* and a**(x)**y.</p>"),
        ("*(*nested*)* and **(**x)", "<p><em>(<em>nested</em>)</em> and **(**x)</p>"),
        ("***both*** and x___both___y", "<p><em><strong>both</strong></em> and x___both___y</p>"),
        ("***a** b* and **_c_**", "<p><em><strong>a</strong> b</em> and <strong><em>c</em></strong></p>"),
        ("_____five_____", "<p><em><strong><strong>five</strong></strong></em></p>"),
        # what was read before (code, raw HTML) stands between punctuation, as written
        (
            "Text<br>_(new)_ and `f(`_`x`_`)`",
            "<p>Text<br><em>(new)</em> and <code>f(</code><em><code>x</code></em><code>)</code></p>",
        ),
    ],
)
def test_emphasis_is_delimited_as_on_github(written, html):
    assert _inner(written + "\n") == html
