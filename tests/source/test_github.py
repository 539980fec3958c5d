"""Markdown as written on GitHub: strikethrough, task lists, bare URLs, alerts as callouts, lists
nested by two spaces."""

from __future__ import annotations

from pathlib import Path

import lxml.html
import pytest

from conftest import read_chapters
from report_build.source.extensions import make_markdown


def test_strikethrough_tasks_and_bare_urls(tmp_path):
    root, diagnostics = read_chapters(
        tmp_path,
        "Was ~~wrong~~ right; ~this~ too, as GitHub shows it.\n\n- [ ] to do\n- [x] done\n\n"
        "See https://example.org/a?b=1 and www.example.com.\n",
    )
    assert root.xpath("//del/text()") == ["wrong", "this"] and "~" not in root.text_content()
    assert root.xpath("//li/span[@class='task-box']/text()") == ["\u25a1"]
    assert root.xpath("//li/span[@class='task-box task-done']/text()") == ["\u25a0"]
    assert not root.xpath("//input") and not diagnostics.warnings, diagnostics.warnings
    assert root.xpath("//a/@href") == ["https://example.org/a?b=1", "http://www.example.com"]


@pytest.mark.parametrize(
    ("kind", "title"), [("NOTE", "Note"), ("TIP", "Tip"), ("WARNING", "Warning"), ("CAUTION", "Caution")]
)
def test_github_alerts_are_callouts(tmp_path, kind, title):
    root, _ = read_chapters(tmp_path, f"> [!{kind}]\n> Inside *the* alert.\n\n> A plain quote.\n")
    (callout,) = root.xpath("//aside[contains(@class, 'callout')]")
    assert callout.get("class") == f"callout callout-{kind.lower()}"
    assert callout.xpath("p[@class='callout-title']/text()") == [title]
    assert "Inside the alert." in callout.text_content()
    assert root.xpath("//blockquote/p/text()") == ["A plain quote."]


def _html(text: str) -> str:
    md, _ = make_markdown(has_title=True)
    return md.convert(text)


def test_lists_nested_by_two_spaces_nest_as_on_github():
    root = lxml.html.fragment_fromstring(
        _html("- one\n  - two\n    - three\n- four\n\n1. first\n   - sub\n2. second\n"), create_parent="div"
    )
    assert [len(li.xpath("ancestor::ul | ancestor::ol")) for li in root.iter("li")] == [1, 2, 3, 1, 1, 2, 1]
    assert [li.text.strip() for li in root.iter("li")] == ["one", "two", "three", "four", "first", "sub", "second"]


def test_lists_nested_by_four_spaces_and_code_are_unchanged():
    text = "- one\n    - two\n        - three\n\n```\n- not\n  - a list\n```\n\n    - indented code\n"
    root = lxml.html.fragment_fromstring(_html(text), create_parent="div")
    assert [len(li.xpath("ancestor::ul")) for li in root.iter("li")] == [1, 2, 3]
    assert [pre.text_content() for pre in root.iter("pre")] == ["- not\n  - a list\n", "- indented code\n"]


def test_paragraphs_and_code_inside_two_space_items_keep_their_item():
    root = lxml.html.fragment_fromstring(
        _html("- item\n\n  more text\n\n      code\n- next\n\nOutside.\n"), create_parent="div"
    )
    (first, second) = root.xpath("//ul/li")
    assert [p.text for p in first.iter("p")] == ["item", "more text"]
    assert first.xpath("pre/code/text()") == ["code\n"]
    assert second.xpath("p/text()") == ["next"]  # the list is loose: a blank line inside an item
    assert root.xpath("//section/p/text()") == ["Outside."]


def test_checkboxes_in_raw_html_are_task_boxes_not_removed_controls(tmp_path):
    root, diagnostics = read_chapters(
        tmp_path,
        '<div>\n<input type="checkbox" id="c1" value="checkbox">\n<label for="c1">Has a licence?</label>\n</div>\n\n'
        "<p><input type='checkbox' checked> Done already</p>\n\n`<input type=\"checkbox\">` in code stays.\n",
    )
    assert root.xpath("//span[@class='task-box']/text()") == ["\u25a1"]
    assert root.xpath("//span[@class='task-box task-done']/text()") == ["\u25a0"]
    assert not root.xpath("//input") and not diagnostics.warnings, diagnostics.warnings
    assert root.xpath("//code/text()") == ['<input type="checkbox">']


@pytest.mark.parametrize(
    ("text", "html"),
    [
        ("Road closed\\\nuse the bridge.", "<p>Road closed<br />\nuse the bridge.</p>"),  # a backslash breaks
        ("Road closed   \nuse the bridge.", "<p>Road closed<br />\nuse the bridge.</p>"),  # so do 2+ spaces
        ("Ends with a backslash\\", "<p>Ends with a backslash\\</p>"),  # not at a block's end
        ("`code\\`\nnext", "<p><code>code\\</code>\nnext</p>"),  # nor in code
        ("\\%\\@\\:\\;\\=\\?\\^\\~\\|\\/", "<p>%@:;=?^~|/</p>"),  # every ASCII punctuation mark escapes
        ("\\<b> is not a tag", "<p>&lt;b&gt; is not a tag</p>"),
        ("\\A\\3 stay", "<p>\\A\\3 stay</p>"),  # letters and digits do not
        (
            "` a` and ` b ` and `  c  ` and ` `",
            "<p><code> a</code> and <code>b</code> and <code> c </code> and <code> </code></p>",
        ),
        ("``\nfoo\n``", "<p><code>foo</code></p>"),  # line ends are spaces, one taken from each end
        ("Write \\&amp;, \\&#38;, \\& alone", "<p>Write &amp;amp;, &amp;#38;, &amp; alone</p>"),  # no entity
    ],
)
def test_hard_breaks_and_backslash_escapes_read_as_on_github(text, html):
    converted = _html(text)
    assert converted.removeprefix('<section class="rb-chapter">').removesuffix("\n</section>") == html, converted


def test_text_right_after_a_fence_in_an_admonition_is_a_paragraph_of_its_own():
    """Inside an admonition's body, Python-Markdown ran the code and the line after its fence
    into one paragraph (a <pre> inside a <p>)."""
    text = '!!! note "With code"\n    Before.\n    ```bash\n    echo hi\n    ```\n    And *after*.\n'
    root = lxml.html.fragment_fromstring(_html(text), create_parent="div")
    [note] = root.xpath("//div[contains(@class, 'admonition')]")
    assert [child.tag for child in note] == ["p", "p", "pre", "p"]
    assert [" ".join(child.text_content().split()) for child in note] == [
        "With code",
        "Before.",
        "echo hi",
        "And after.",
    ]


def test_the_spaced_reference_form_is_read_as_on_github_with_a_warning(tmp_path):
    root, diagnostics = read_chapters(
        tmp_path,
        "Search with [Google] [1] or [Bing][2], and [a] [b] stays.\n\n[1]: https://g.example\n[2]: https://b.example\n",
    )
    assert root.xpath("//a/text()") == ["1", "Bing"]
    assert [(w.line, w.message) for w in diagnostics.warnings] == [
        (
            7,
            "'[Google] [1]' has a space between its brackets: it reads as the text '[Google]' and a link '1', "
            "as on GitHub; write '[Google][1]' for one link",
        )
    ]


def test_a_reference_link_has_its_brackets_side_by_side(tmp_path):
    root, _ = read_chapters(
        tmp_path,
        "The [draft] [bar] goes, and [a]\n[bar] too; [x][bar] links.\n\n[bar]: https://example.org\n",
    )
    assert " ".join(root.text_content().split()) == "One The [draft] bar goes, and [a] bar too; x links."
    assert root.xpath("//a/text()") == ["bar", "bar", "x"]


@pytest.mark.parametrize(
    ("written", "alt"),
    [
        ("![A *bold* chart with `code` and [a link](x.html)](pic.png)", "A bold chart with code and a link"),
        ("![Ref **alt**][pic]", "Ref alt"),
        ("![Short _alt_]", "Short alt"),
        ("![snake_case_name, a * b and 2*3*4](pic.png)", "snake_case_name, a * b and 234"),  # as GitHub reads them
        ("![`__init__.py` and `*args*`](pic.png)", "__init__.py and *args*"),  # code is not Markdown
        ("![see [1] and array[0], file_**v2**_final](pic.png)", "see [1] and array[0], file_v2_final"),
    ],
)
def test_an_image_alt_text_is_the_plain_text_of_its_markdown(written, alt):
    html = _html(f"Before {written} after.\n\n[pic]: pic.png\n[short _alt_]: pic.png\n")
    assert lxml.html.fragment_fromstring(html, create_parent="div").xpath("//img/@alt") == [alt]


def test_a_link_definition_only_opens_a_paragraph():
    html = _html("Foo\n[bar]: /baz\n\n[bar]\n\n[a]: /one\n[b]: /two\nText after [a] and [b].\n")
    root = lxml.html.fragment_fromstring(html, create_parent="div")
    assert " ".join(root.text_content().split()) == "Foo [bar]: /baz [bar] Text after a and b."
    assert root.xpath("//a/@href") == ["/one", "/two"]


def test_link_definitions_after_a_note_an_abbreviation_or_a_url_on_its_own_line_still_define():
    html = _html(
        "See [bar].[^1] [baz], [e] and [f].\n\n[^1]: A note.\n[bar]: http://bar.example\n\n"
        "*[HTML]: Hyper Text\n[baz]: http://baz.example\n\n[e]:\n  http://e.example\n[f]: http://f.example\n"
    )
    root = lxml.html.fragment_fromstring(html, create_parent="div")
    assert root.xpath("(//p)[1]/a/@href") == [
        "http://bar.example",
        "http://baz.example",
        "http://e.example",
        "http://f.example",
    ]


def test_a_picture_for_a_light_and_a_dark_theme_is_shown_once_the_light_one(tmp_path):
    """MkDocs Material's #only-light / #only-dark and GitHub's #gh-light-mode-only /
    #gh-dark-mode-only: both pictures were printed, one under the other."""
    svg = '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>'
    for name in ("logo.svg", "logo-dark.svg"):
        (tmp_path / name).write_text(svg, encoding="utf-8")
    root, diagnostics = read_chapters(
        tmp_path,
        "![Logo](logo.svg#only-light)\n![Logo](logo-dark.svg#only-dark)\n\n"
        "![Logo](logo-dark.svg#gh-dark-mode-only)\n\n"
        '<img src="logo.svg#gh-light-mode-only" alt="Logo">\n\nText.\n',
    )
    assert [img.get("src") for img in root.iter("img")] == ["logo.svg", "logo.svg"]
    assert [p.text_content().strip() for p in root.iter("p")] == ["", "", "Text."]
    assert not diagnostics.warnings


def test_a_conversion_leaves_out_the_rare_patterns_its_text_cannot_need():
    """Reading speed: each inline pattern is tried on every piece of text."""
    from report_build.source import dialects

    rare = (
        "keys",
        "keys-custom",
        "report_build_mkdocs_critic",
        "report_build_mkdocs_icon",
        "report_build_mkdocs_emoji",
        "report_build_pandoc_raw_inline",
        "report_build_math_reference",
    )

    extra = tuple(dialects.extensions(dialects.NAMES, Path("x.md"), lambda message, text: None))
    plain, _ = make_markdown(has_title=True, extra=extra)
    plain.convert("# One\n\nPlain words, a colon: and a [link](#one).\n")
    assert not any(name in plain.inlinePatterns for name in rare)
    rich, _ = make_markdown(has_title=True, extra=extra)
    html = rich.convert("# One\n\n++ctrl++ {++added++} :smile: :material-check: `x`{=html} \\eqref{eq:a}\n")
    assert all(name in rich.inlinePatterns for name in rare)
    assert "<kbd" in html and "<ins" in html and "😄" in html


def test_an_attribute_list_after_a_table_is_the_tables(tmp_path):
    """``{ .compact }`` (attr_list) and ``{: .x #id}`` (kramdown) right after a table set its
    classes and id, with or without the table's outer pipes; what a table cannot keep is left
    out with a warning; a line of words in braces is still a row."""
    root, diagnostics = read_chapters(
        tmp_path,
        "| a | b |\n|---|---|\n| 1 | 2 |\n{ .compact }\n\n"
        "a | b\n--|--\n1 | 2\n{: .striped #tbl-kept}\n\n"
        "| a | b |\n|---|---|\n{ .header-only width=50% }\n\n"
        "| a | b |\n|---|---|\n| 1 | 2 |\n{ a word }\n",
    )
    tables = root.xpath("//table")
    assert [(t.get("class"), t.get("id")) for t in tables] == [
        ("compact", None),
        ("striped", "tbl-kept"),
        ("header-only", None),
        (None, None),
    ]
    assert [len(t.xpath(".//tr")) for t in tables] == [2, 2, 1, 3]
    assert "{" not in "".join(t.text_content() for t in tables[:3])
    assert tables[3].xpath("(.//tr)[3]/td[1]/text()") == ["{ a word }"]
    assert [(w.line, w.message.split(",")[0]) for w in diagnostics.warnings] == [
        (19, "the attribute list after a table sets 'width'")
    ]


def test_a_one_column_table_is_a_table_as_on_github():
    """A header row and a delimiter row of one cell make a table when one of them has a pipe;
    its rows need none (a line of text right after it is a row), and each row's outer pipes are
    its own (Python-Markdown read the first as a paragraph and the rest by the header's pipes)."""
    root = lxml.html.fragment_fromstring(
        _html("| Step |\n|---|\n| one |\ntwo\n\nName\n|:-:|\n\nA | B\n--|--\n| 1 | 2 |\n3 |\n"),
        create_parent="div",
    )
    tables = root.xpath("//table")
    assert [[th.text for th in t.iter("th")] for t in tables] == [["Step"], ["Name"], ["A", "B"]]
    assert [[[td.text for td in tr.iter("td")] for tr in t.xpath("tbody/tr")] for t in tables] == [
        [["one"], ["two"]],
        [],
        [["1", "2"], ["3", None]],
    ]
    assert not root.xpath("//p")
