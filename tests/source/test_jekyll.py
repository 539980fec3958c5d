"""Jekyll's and other sites' template tags (source/jekyll.py): removed where a site's engine
would fill them in, kept where they are text to show (code, ``{% raw %}``), and MyST's
substitutions made."""

from __future__ import annotations

import lxml.html
import pytest

from conftest import REALWORLD, read_chapters
from report_build import Diagnostics, load


def test_template_tags_in_code_are_shown_as_written(tmp_path):
    """GitHub Actions, Helm and Jinja docs write them in code: the code must not lose them."""
    root, diagnostics = read_chapters(
        tmp_path,
        "Pass `${{ secrets.GITHUB_TOKEN }}` as the token.\n\n"
        "Helm reads `{{ .Values.image.tag }}` here.\n\n"
        "    indented code {{ kept }}\n\n"
        "```\nfenced {{ kept }}\n```\n",
    )
    codes = [code.text_content() for code in root.iter("code")]
    assert codes == [
        "${{ secrets.GITHUB_TOKEN }}",
        "{{ .Values.image.tag }}",
        "indented code {{ kept }}\n",
        "fenced {{ kept }}\n",
    ]
    assert not diagnostics.warnings


def test_a_template_tag_in_text_is_removed_with_a_warning_at_its_line(tmp_path):
    root, diagnostics = read_chapters(
        tmp_path, "Version {{ config.extra.version }} is out.\n\n{% if x %}Shown.{% endif %}\n"
    )
    assert [p.text_content() for p in root.iter("p")] == ["Version  is out.", "Shown."]
    assert [(w.line, w.message.split(":")[0]) for w in diagnostics.warnings] == [
        (7, "template tag '{{ config.extra.version }}' removed"),
        (9, "template tag '{% if x %}' removed"),
        (9, "template tag '{% endif %}' removed"),
    ]
    assert "Jekyll's Liquid, mkdocs-macros, Jinja" in diagnostics.warnings[0].message


def test_liquid_raw_keeps_what_it_holds_and_its_tags_go(tmp_path):
    root, diagnostics = read_chapters(
        tmp_path,
        "{% raw %}\nShow {{ page.title }} and `{% raw %}{{ x }}{% endraw %}`.\n{% endraw %}\n\nAfter {{ y }}.\n",
    )
    assert [p.text_content() for p in root.iter("p")] == ["Show {{ page.title }} and {{ x }}.", "After ."]
    assert [w.line for w in diagnostics.warnings] == [11]


def test_indented_lines_of_a_list_item_or_an_admonition_are_text_not_code(tmp_path):
    root, diagnostics = read_chapters(tmp_path, "- item\n\n    more {{ a }}\n\n!!! note\n    body {{ b }}\n")
    assert "{{" not in root.text_content() and len(diagnostics.warnings) == 2


def test_myst_substitutions_from_the_front_matter(tmp_path):
    from report_build import Diagnostics, load

    manuscript = tmp_path / "report.md"
    manuscript.write_text(
        "---\ntitle: T\nsubstitutions:\n  site: Oslofjord\n  year: 2024\n---\n\n# One\n\n"
        "Samples from {{ site }} in {{year}}; `{{ site }}` in code; {{ other }} removed.\n",
        encoding="utf-8",
    )
    diagnostics = Diagnostics(echo=False)
    document = load(manuscript, diagnostics)
    assert "Samples from Oslofjord in 2024; <code>{{ site }}</code> in code;  removed." in document.chapters[0].body
    assert document.metadata.substitutions == (("site", "Oslofjord"), ("year", "2024"))
    assert [w.message.split(":")[0] for w in diagnostics.warnings] == ["template tag '{{ other }}' removed"]


def test_a_page_variable_is_the_front_matter_value_and_a_heading_left_empty_goes(tmp_path):
    """Jekyll's ``# {{ page.title }}`` and VuePress's ``# {{ $frontmatter.title }}`` left a heading
    without text, which stopped the build."""
    from report_build import Diagnostics, load

    manuscript = tmp_path / "report.md"
    manuscript.write_text(
        "---\ntitle: Field *Guide*\nversion: 2\n---\n\n# {{ $frontmatter.title }}\n\n"
        "Version {{ page.version }} ({{ $page.title }}, {{page.meta.version}}).\n\n"
        "## {{ site.name }}\n\nText under it.\n",
        encoding="utf-8",
    )
    diagnostics = Diagnostics(echo=False)
    document = load(manuscript, diagnostics)
    assert document.chapters[0].body.startswith('<h1 id="field-guide">Field *Guide*</h1>')
    assert "Version 2 (Field *Guide*, 2).</p>\n<p>Text under it." in document.chapters[0].body
    assert [(w.line, w.message.split(":")[0]) for w in diagnostics.warnings] == [
        (10, "template tag '{{ site.name }}' removed"),
        (3, "unknown front matter key 'version' is ignored"),
    ]


def test_raw_tags_in_code_go_as_liquid_removes_them_there(tmp_path):
    """A site's code that shows template tags wraps them in raw tags, inside the fence too: the
    code shows what they hold, from its first line to its last."""
    root, diagnostics = read_chapters(
        tmp_path,
        "```liquid\n{% raw %}\n{{ page.title }}\n{% endraw %}\n```\n\n"
        "```\n{%- raw -%}{{ a }}{% endraw %} and more\n```\n\n    {% raw %}{{ b }}{% endraw %}\n",
    )
    assert [pre.text_content() for pre in root.iter("pre")] == ["{{ page.title }}\n", "{{ a }} and more\n", "{{ b }}\n"]
    assert not diagnostics.warnings


def test_raw_tags_in_a_code_span_are_text_unless_they_wrap_its_content(tmp_path):
    """Found in review: `{% raw %}` in a code span emptied both spans and left raw mode on for
    the rest of the file, so later tags were printed."""
    root, diagnostics = read_chapters(
        tmp_path,
        "Wrap tags in `{% raw %}` and `{% endraw %}` to show them.\n\nThen {{ site.title }} goes.\n",
    )
    assert [code.text for code in root.iter("code")] == ["{% raw %}", "{% endraw %}"]
    assert [w.line for w in diagnostics.warnings] == [9]


def test_a_highlight_block_is_code_and_a_numbered_toc_item_goes_with_its_marker(tmp_path):
    """Just the Docs writes its contents marker as "1. TOC" over "{:toc}": the "TOC" item was
    shown. Jekyll's highlight tag was removed and the code run together as a paragraph."""
    root, diagnostics = read_chapters(
        tmp_path,
        "1. TOC\n{:toc}\n\n{% highlight ruby linenos %}\ndef berth(ship)\n  ship.dock!\nend\n{% endhighlight %}\n",
    )
    assert "TOC" not in root.text_content() and not root.xpath("//ol")
    assert [(code.get("class"), code.text) for code in root.iter("code")] == [
        ("language-ruby", "def berth(ship)\n  ship.dock!\nend\n")
    ]
    (warning,) = diagnostics.warnings
    assert warning.line == 8 and warning.message.startswith("kramdown '{:toc}' marker removed")


# -- kramdown's block attribute lists and Just the Docs' callouts -----------------------------


def _bodies(tmp_path, *texts: str) -> list[str]:
    bodies = []
    for number, text in enumerate(texts):
        folder = tmp_path / str(number)
        folder.mkdir()
        root, _ = read_chapters(folder, text)
        bodies.append(lxml.html.tostring(root, encoding="unicode"))
    return bodies


@pytest.mark.parametrize(
    ("kramdown", "admonition"),
    [
        ("{: .note }\nA paragraph.\n", "!!! note\n    A paragraph.\n"),
        ("A paragraph.\n{: .warning }\n", "!!! warning\n    A paragraph.\n"),
        ("{: .important }\n> One.\n>\n> Two.\n", "!!! important\n    One.\n\n    Two.\n"),
        ("> One.\n{: .new }\n", "!!! new\n    One.\n"),
        ("{: .highlight }\nA paragraph.\n", '!!! highlight ""\n    A paragraph.\n'),
        ("{: .note-title }\n> My title\n>\n> A paragraph.\n", '!!! note "My title"\n    A paragraph.\n'),
        ("{: .note-title }\n> My title\n> A paragraph.\n", '!!! note "My title"\n    A paragraph.\n'),
        # Minimal Mistakes' notices: untitled, as that theme shows them
        ("**Note:** Check the figures.\n{: .notice--warning}\n", '!!! warning ""\n    **Note:** Check the figures.\n'),
        ("{: .notice--info}\nA paragraph.\n", '!!! info ""\n    A paragraph.\n'),
        ("A paragraph.\n{: .notice}\n", '!!! note ""\n    A paragraph.\n'),
    ],
)
def test_just_the_docs_callouts_are_the_callouts_admonitions_make(tmp_path, kramdown, admonition):
    made, expected = _bodies(tmp_path, kramdown, admonition)
    assert made == expected and "callout" in made


def test_a_callout_is_titled_in_the_language_of_the_document(tmp_path):
    manuscript = tmp_path / "report.md"
    manuscript.write_text(
        "---\ntitle: T\nlanguage: fr\n---\n\n# Un\n\n{: .note }\nTexte.\n\n{: .new }\nNouveau.\n", encoding="utf-8"
    )
    root = lxml.html.fragment_fromstring(
        load(manuscript, Diagnostics(echo=False)).chapters[0].body, create_parent="div"
    )
    assert root.xpath("//p[@class='callout-title']/text()") == ["Note", "Nouveauté"]


def test_block_attribute_lists_set_ids_and_classes_and_never_show(tmp_path):
    root, diagnostics = read_chapters(
        tmp_path,
        'Para one.\n{: #p-one .lead style="color: red" data-x="1" }\n\n'
        '{: #p-two title="T" }\nPara two.\n\n'
        "First\n{: .a }\nSecond\n\n"
        "## Heading\n{: .no_toc #custom }\n\n"
        "> Quoted.\n{: #quote }\n\n"
        "| a |\n| - |\n| 1 |\n{: .striped }\n\n"
        "```\ncode\n```\n{: .wrap }\n\n"
        "{: .alone }\n\n"
        "{:ref: .defined}\n{::comment}\n"
        "<div>\nraw\n{: .dropped }\n</div>\n",
    )
    assert [(p.get("id"), p.get("class"), p.get("title"), p.text) for p in root.iter("p")][:4] == [
        ("p-one", "lead", None, "Para one."),
        ("p-two", None, "T", "Para two."),
        (None, "a", None, "First"),
        (None, None, None, "Second"),
    ]
    assert root.xpath("//h2/@id") == ["custom"] and root.xpath("//h2/@class") == ["no_toc unlisted"]
    assert root.xpath("//blockquote/@id") == ["quote"] and root.xpath("//table/@class") == ["striped"]
    assert not root.xpath("//@style") and not root.xpath("//@data-x")
    assert "{:" not in lxml.html.tostring(root, encoding="unicode") and not diagnostics.warnings


def test_chained_lists_and_lines_after_a_quote(tmp_path):
    root, _ = read_chapters(tmp_path, "{: .a}{: #b}\nPara.\n\n> Quoted.\n{: .new }\nAfter the quote.\n")
    assert [(p.get("class"), p.get("id"), p.text) for p in root.xpath("/div/p")][:1] == [("a", "b", "Para.")]
    assert root.xpath("//aside[@class='callout callout-new']/p[not(@class)]/text()") == ["Quoted."]
    assert root.xpath("/div/p/text()")[-1] == "After the quote."


def test_nested_and_indented_callouts(tmp_path):
    root, _ = read_chapters(
        tmp_path, "{: .important }\n> {: .warning }\n> A paragraph\n\n> {: .highlight }\n  Inside a quote.\n"
    )
    assert root.xpath("//aside[@class='callout callout-important']/aside/@class") == ["callout callout-warning"]
    assert root.xpath("//blockquote/aside/@class") == ["callout callout-highlight"]


def test_lines_keep_their_numbers_around_attribute_lists(tmp_path):
    """Each list is rewritten in its own line: a warning after or inside a callout names its line."""
    _, diagnostics = read_chapters(
        tmp_path, "A paragraph.\n{: .warning }\n\n{: .note }\nText {{ x }}.\n\n> Quote\n{: .new }\nAfter {{ y }}.\n"
    )
    assert [w.line for w in diagnostics.warnings] == [11, 15]


@pytest.mark.skipif(not REALWORLD.is_dir(), reason="../shared/realworld is not present")
@pytest.mark.parametrize("manuscript", ["fitara-guidance/index.md", "ficam-digital-worker-playbook/playbook-dw.md"])
def test_jekyll_documents_show_no_attribute_list(manuscript):
    document = load(REALWORLD / manuscript, Diagnostics(echo=False))
    text = "".join(chapter.body for chapter in document.chapters)
    assert "{:" not in lxml.html.fromstring(f"<div>{text}</div>").text_content()
    if manuscript.startswith("fitara"):
        assert text.count('<table class="table table-striped">') == 3  # kramdown's {: .table .table-striped}


def test_a_no_toc_heading_is_in_no_contents(tmp_path):
    """kramdown's ``{: .no_toc }`` (Just the Docs writes it under every page's title) leaves the
    heading out of the contents, as pandoc's ``{.unlisted}`` does; it stays in the text."""
    from report_build.navigation import navigation

    manuscript = tmp_path / "report.md"
    manuscript.write_text(
        "---\ntitle: T\n---\n\n# One\n\n## On this page\n{: .no_toc }\n\nText.\n\n## Listed\n\nMore.\n",
        encoding="utf-8",
    )
    document = load(manuscript, Diagnostics(echo=False))
    assert [(s.id, s.listed) for s in document.chapters[0].sections] == [("on-this-page", False), ("listed", True)]
    labels = [entry.label for item in navigation(document, {}).contents for entry in (item, *item.children)]
    assert labels == ["One", "Listed"]
    assert "On this page</h2>" in document.chapters[0].body


def test_an_attribute_list_in_fenced_code_inside_a_quote_is_code(tmp_path):
    """A fence behind ``>`` is code too: its lines are shown as written, never read as lists."""
    root, diagnostics = read_chapters(
        tmp_path, "> ```\n> {: .note}\n> {{ kept }}\n> ```\n> {: .warning}\n\n> > ```\n> > {: #kept}\n> > ```\n"
    )
    assert [code.text_content() for code in root.iter("code")] == ["{: .note}\n{{ kept }}\n", "{: #kept}\n"]
    assert not root.xpath("//aside") and not root.xpath("//*[@id='kept']") and not diagnostics.warnings


def test_an_attribute_list_ending_a_footnote_never_shows(tmp_path):
    manuscript = tmp_path / "report.md"
    manuscript.write_text(
        "---\ntitle: T\n---\n\n# One\n\nText.[^1] More.[^2]\n\n[^1]: A note.\n    {: .x}\n\n"
        "[^2]: First.\n\n    Second.\n    {: #second }\n",
        encoding="utf-8",
    )
    document = load(manuscript, Diagnostics(echo=False))
    notes = [note.html for note in document.chapters[0].footnotes]
    assert len(notes) == 2 and not [html for html in notes if "{:" in html]
    assert 'id="second"' in notes[1]


def test_a_no_toc_chapter_heading_stays_in_the_contents(tmp_path):
    """Just the Docs writes ``{: .no_toc }`` under every page's title: its page is still in the
    site's navigation, so a chapter stays listed; a section so marked is left out."""
    from report_build.navigation import navigation

    manuscript = tmp_path / "report.md"
    manuscript.write_text(
        "---\ntitle: T\nchapters: [two.md]\n---\n\n# One\n{: .no_toc }\n\n## On this page\n{: .no_toc .text-delta }\n\n"
        "## Listed\n\nText.\n",
        encoding="utf-8",
    )
    (tmp_path / "two.md").write_text("# Two\n{: .no_toc }\n\nMore.\n", encoding="utf-8")
    document = load(manuscript, Diagnostics(echo=False))
    assert [chapter.listed for chapter in document.chapters] == [True, True]
    labels = [entry.label for item in navigation(document, {}).contents for entry in (item, *item.children)]
    assert labels == ["One", "Listed", "Two"]


def test_a_kramdown_comment_is_never_shown_and_lines_keep_their_numbers(tmp_path):
    """``{::comment}`` hides a note from readers in kramdown (Jekyll): on its own lines, inline,
    closed by ``{:/comment}`` or ``{:/}``, in a quote, around code; its text must not print, nor
    become the report's description."""
    body = (
        "{::comment}\nDraft: check these figures with the field office.\n```\nfenced\n```\n{:/comment}\n\n"
        "Shown {::comment}secret{:/comment} and {::comment}hidden{:/} here.\n\n"
        "> Quoted {::comment}aside{:/} text.\n> {::comment}\n> quoted note\n> {:/comment}\n> More quote.\n\n"
        "Version {{ site.version }} here.\n"
    )
    root, diagnostics = read_chapters(tmp_path, body)
    text = root.text_content()
    for hidden in ("Draft", "fenced", "secret", "hidden", "aside", "quoted note", "comment", "{:"):
        assert hidden not in text
    assert [" ".join(p.text_content().split()) for p in root.iter("p")] == [
        "Shown and here.",
        "Quoted text.",
        "More quote.",
        "Version here.",
    ]
    assert len(root.findall(".//blockquote")) == 1  # the quote goes on around its note
    assert [w.line for w in diagnostics.warnings] == [22]  # the tag after them, at its own line


def test_kramdown_nomarkdown_and_options_tags_go_and_tags_in_code_stay(tmp_path):
    root, diagnostics = read_chapters(
        tmp_path,
        "Raw {::nomarkdown}<b>bold *not emphasis* a_b</b>{:/nomarkdown} *inline*.\n\n"
        '{::options parse_block_html="true" /}\n\n'
        "Write `{::comment}` and `{:/}` to hide a note.\n\n```\n{::comment}\nshown in code\n{:/comment}\n```\n",
    )
    assert root.find(".//p/b").text == "bold *not emphasis* a_b"  # not Markdown, as kramdown passes it
    assert root.find(".//p/em").text == "inline"
    assert "nomarkdown" not in root.text_content() and "options" not in root.text_content()
    assert [code.text for code in root.iter("code")] == [
        "{::comment}",
        "{:/}",
        "{::comment}\nshown in code\n{:/comment}\n",
    ]
    assert not diagnostics.warnings


def test_liquid_and_jinja_comments_are_never_shown(tmp_path):
    """Jekyll's ``{% comment %}`` and mkdocs-macros' ``{# … #}`` hide notes from readers, on one
    line or over several; an attribute list's ``{#id .class}`` is no comment."""
    root, diagnostics = read_chapters(
        tmp_path,
        "{% comment %}\nTODO: rewrite this section before launch.\n{% endcomment %}\n\n"
        "Shown {% comment %}secret{% endcomment %} text and {# a macro's note #} more.\n\n"
        "{#- a Jinja note\nover two lines -#}\n\n"
        "## Methods {#sec-methods .unnumbered}\n\nKept `{# in code #}` too.\n",
    )
    text = root.text_content()
    for hidden in ("TODO", "secret", "macro's note", "Jinja note", "two lines", "comment"):
        assert hidden not in text
    assert [" ".join(p.text_content().split()) for p in root.iter("p")] == [
        "Shown text and more.",
        "Kept {# in code #} too.",
    ]
    assert root.xpath("//h2/@id") == ["sec-methods"]
    assert not diagnostics.warnings


def test_a_comment_tag_shown_as_text_or_never_closed_hides_nothing(tmp_path):
    """Between ``{% raw %}`` and ``{% endraw %}`` a Jinja comment is text to show; a comment
    that is never closed hides nothing (Liquid's tag alone goes, with its warning)."""
    root, diagnostics = read_chapters(
        tmp_path,
        "{% raw %}\nWrite {# a note #} in templates.\n{% endraw %}\n\n"
        "Liquid starts a comment with {% comment %} and the rest stays.\n\nStill here.\n",
    )
    paragraphs = [" ".join(p.text_content().split()) for p in root.iter("p")]
    assert paragraphs == [
        "Write {# a note #} in templates.",
        "Liquid starts a comment with and the rest stays.",
        "Still here.",
    ]
    assert [w.message.split(":")[0] for w in diagnostics.warnings] == ["template tag '{% comment %}' removed"]


def test_include_relative_puts_the_files_text_in_place(tmp_path):
    """Jekyll's ``{% include_relative part.md %}``: the file beside the page, read as the page is;
    one not found is left out with a warning, so that a draft builds."""
    (tmp_path / "part.md").write_text("Included **text**.\n", encoding="utf-8")
    root, diagnostics = read_chapters(
        tmp_path,
        "{% include_relative part.md %}\n\n{% include_relative gone.md %}\n\n`{% include_relative part.md %}`\n",
    )
    assert root.xpath("//p/strong/text()") == ["text"]
    assert root.xpath("//code/text()") == ["{% include_relative part.md %}"]
    assert [w.message for w in diagnostics.warnings] == [
        "Jekyll include_relative 'gone.md' left out: no such file in the manuscript's folder"
    ]


def test_an_include_relative_outside_the_manuscripts_folder_is_left_out(tmp_path):
    """A file outside the folder is never read into an output: a draft builds without it."""
    (tmp_path / "secret.md").write_text("SECRET\n", encoding="utf-8")
    (tmp_path / "m").mkdir()
    root, diagnostics = read_chapters(tmp_path / "m", "{% include_relative ../secret.md %}\n\nEnd.\n")
    assert "SECRET" not in root.text_content() and len(diagnostics.warnings) == 1


def test_nomarkdown_raw_html_at_the_start_of_a_line_and_raw_include_relative_stay_as_written(tmp_path):
    """Found in review: a block element held by ``{::nomarkdown}`` at the start of a line showed
    backslashes, and an include_relative between raw tags was acted on."""
    (tmp_path / "part.md").write_text("Included.\n", encoding="utf-8")
    root, _diagnostics = read_chapters(
        tmp_path,
        '{::nomarkdown}<div class="x">*x* and a_b</div>{:/nomarkdown}\n\n'
        "{% raw %}\n{% include_relative part.md %}\n{% endraw %}\n",
    )
    assert root.xpath("//div[@class='x']/text()") == ["*x* and a_b"]
    assert "{% include_relative part.md %}" in root.text_content() and "Included." not in root.text_content()
