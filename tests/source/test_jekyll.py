"""Jekyll's and other sites' template tags (source/jekyll.py): removed where a site's engine
would fill them in, kept where they are text to show (code, ``{% raw %}``), and MyST's
substitutions made."""

from __future__ import annotations

from conftest import read_chapters


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
