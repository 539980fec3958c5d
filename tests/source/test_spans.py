"""Bracketed spans (pandoc's, Quarto's, MyST's ``[text]{lang=fr}``), superscripts, and
inline attribute lists read up to their own ``}``."""

from __future__ import annotations

import lxml.html
import pytest

from report_build import Diagnostics, load
from report_build.source.extensions import make_markdown


def _html(text: str) -> str:
    md, _ = make_markdown(has_title=True)
    converted = md.convert(text)
    return converted.removeprefix('<section class="rb-chapter">').removesuffix("\n</section>")


@pytest.mark.parametrize(
    ("text", "html"),
    [
        ("Say [bonjour *là*]{lang=fr} now.", '<p>Say <span lang="fr">bonjour <em>là</em></span> now.</p>'),
        ("[a [b] c]{.smallcaps #term dir=rtl}", '<p><span class="smallcaps" dir="rtl" id="term">a [b] c</span></p>'),
        ("[x]{lang=th onclick=alert(1) style=color:red}", '<p><span lang="th">x</span></p>'),  # a passage's only
        ("[x]{lang=fr!} and [x]{y}", "<p>[x]{lang=fr!} and [x]{y}</p>"),  # no span: as written
        # pandoc's Word export: its styles' names, underlined and highlighted text, bookmarks, wrapped lines
        ('[x]{custom-style="Strong"}', "<p><span>x</span></p>"),
        ("[a\nb]{.underline} [c]{.mark .d}", '<p><u>a\nb</u> <mark class="d">c</mark></p>'),
        ('[new]{.insertion author="A"} [old]{.deletion}', "<p><ins>new</ins> <del>old</del></p>"),
        ("[]{#_Toc12 .anchor}Summary", '<p><span class="anchor" id="_Toc12"></span>Summary</p>'),
        ('x ![x](a.png){width="3in"\nheight="2in"}', '<p>x <img alt="x" height="2in" src="a.png" width="3in" /></p>'),
        ("A *b*{.c\n#d} e", '<p>A <em class="c" id="d">b</em> e</p>'),
        ("[@smith]{.x}, [^n]{.x}, [link](https://example.org){.c}", None),  # citations, notes and links stay theirs
        # an inline attribute list reads up to its own brace: the text after it stays in place
        ("A *l*{.c} and [x]{lang=fr} b.", '<p>A <em class="c">l</em> and <span lang="fr">x</span> b.</p>'),
        ("A [l](https://x.org){.c} and {k=v} b.", '<p>A <a class="c" href="https://x.org">l</a> and {k=v} b.</p>'),
    ],
)
def test_bracketed_spans(text, html):
    converted = _html(text)
    if html is None:
        assert "<span" not in converted and 'class="c"' in converted
    else:
        assert converted == html


def test_a_span_in_the_other_direction_reads_in_its_own(tmp_path):
    """A French quotation marked ``{lang=fr}`` in an Arabic report reads left to right."""
    manuscript = tmp_path / "report.md"
    manuscript.write_text(
        "---\ntitle: تقرير\nlanguage: ar\n---\n# مقدمة\n\nقال: [« Nous appelons à agir. »]{lang=fr} ثم غادر.\n",
        encoding="utf-8",
    )
    doc = load(manuscript, Diagnostics(strict=True, echo=False))
    root = lxml.html.fragment_fromstring(doc.chapters[0].body, create_parent="div")
    [span] = root.xpath("//span[@lang='fr']")
    assert (span.get("dir"), span.text) == ("ltr", "« Nous appelons à agir. »")


@pytest.mark.parametrize(
    ("text", "html"),
    [
        ("The 10^th^ round, E=mc^2^.", "<p>The 10<sup>th</sup> round, E=mc<sup>2</sup>.</p>"),  # pandoc's superscript
        ("A ^ b and 2^10 stay.", "<p>A ^ b and 2^10 stay.</p>"),
        ("Compare A==B, then C==D.", "<p>Compare A==B, then C==D.</p>"),  # no highlight syntax: comparisons stay
    ],
)
def test_superscripts_as_pandoc_writes_them(text, html):
    assert _html(text) == html


@pytest.mark.parametrize(
    "text",
    [
        "See the [project site][site]{.c}.\n\n[site]: https://example.org\n",  # a full reference link
        "See [site]{.c}.\n\n[site]: https://example.org\n",  # a shortcut reference, defined
        "![A chart][pic]{.c}\n\n[pic]: x.png\n",  # an image by reference
    ],
)
def test_a_reference_link_with_attributes_is_a_link_not_a_span(text):
    converted = _html(text)
    assert "<span" not in converted and 'class="c"' in converted, converted
