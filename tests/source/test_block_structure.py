"""Markdown's block structure read as GitHub reads it (source/block_structure.py), on samples
written the way READMEs are: lists and fences straight after a paragraph line, fences inside list
items, lists nested by two spaces, tight and loose lists, tabs in code. What Python-Markdown's
extensions read (admonitions, footnote definitions, definition lists, abbreviations) is untouched."""

from __future__ import annotations

import lxml.html
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from report_build import Diagnostics, load
from report_build.source import block_structure
from report_build.source.block_structure import Reader, write
from report_build.source.extensions import make_markdown


def _tree(text: str):
    md, _ = make_markdown(has_title=True)
    return lxml.html.fragment_fromstring(md.convert(text), create_parent="div")


def _chapter(tmp_path, body: str):
    manuscript = tmp_path / "report.md"
    manuscript.write_text("---\ntitle: T\n---\n\n# One\n\n" + body, encoding="utf-8")
    diagnostics = Diagnostics(echo=False)
    document = load(manuscript, diagnostics)
    return lxml.html.fragment_fromstring(document.chapters[0].body, create_parent="div"), diagnostics


README = """\
## Quy tắc viết

1. **Tên biến** phải rõ nghĩa.
   **Bad:**
   ```js
   const re = /[^,\\\\]+/;   // tách theo dấu phẩy
   ```
   **Good:**
   ```js
   const parts = line.split(",");
   ```
2. Không dùng `var`.

**Bad:**
```python
pattern = r"[^,\\\\]"
```
Danh sách:
- một
- hai
"""


def test_a_readme_with_fences_after_bold_lines_and_inside_items_builds_as_on_github(tmp_path):
    root, diagnostics = _chapter(tmp_path, README)
    codes = root.xpath("//pre/code")
    assert [c.get("class") for c in codes] == ["language-js", "language-js", "language-python"]
    assert "[^,\\\\]+" in codes[0].text and codes[2].text == 'pattern = r"[^,\\\\]"\n'
    assert not root.xpath("//a[@role='doc-noteref']")  # the regular expressions are no footnote calls
    (steps,) = root.xpath("//ol")
    assert [len(item.xpath("pre")) for item in steps.iter("li")] == [2, 0]
    assert steps.xpath("li[1]/strong/text()") == ["Tên biến", "Bad:", "Good:"]  # tight: no <p>
    assert root.xpath("//ul/li/text()") == ["một", "hai"]  # a list straight after a paragraph line
    assert root.xpath("//p[strong='Bad:']") and not diagnostics.warnings


@pytest.mark.parametrize(
    ("text", "nesting"),
    [
        ("- one\n  - two\n    - three\n- four\n", [1, 2, 3, 1]),  # two spaces a level
        ("- one\n    - two\n        - three\n- four\n", [1, 2, 3, 1]),  # four
        ("1. first\n   - sub\n2. second\n", [1, 2, 1]),  # three under "1."
        ("* a\n * b\n  * c\n", [1, 1, 1]),  # not indented to the content: siblings, as on GitHub
    ],
)
def test_nested_lists_follow_the_content_column(text, nesting):
    root = _tree(text)
    assert [len(li.xpath("ancestor::ul | ancestor::ol")) for li in root.iter("li")] == nesting


def test_tight_and_loose_are_properties_of_the_whole_list():
    root = _tree("- a\n- b\n\n- c\n\nText.\n\n- d\n  - e\n\n    more\n- f\n")
    first, second = root.xpath("section/ul")
    assert [len(li.findall("p")) for li in first] == [1, 1, 1]  # one blank line makes all loose
    assert [li.text.strip() for li in second] == ["d", "f"]  # a tight list whose inner list is loose
    assert [p.text for p in second.xpath("li/ul/li/p")] == ["e", "more"]


def test_lists_break_on_a_new_marker_and_ordered_lists_keep_their_start():
    root = _tree("- a\n- b\n+ c\n\n3) three\n4) four\n7. seven\n")
    assert [len(ul) for ul in root.iter("ul")] == [2, 1]
    assert [ol.get("start") for ol in root.iter("ol")] == ["3", "7"]


def test_python_markdown_extensions_inside_and_outside_lists_are_untouched():
    root = _tree(
        '- item\n\n    !!! note "Careful"\n        Body of the note.\n\n'
        "Term\n: Its definition.\n\n"
        "A call.[^n]\n\n[^n]: The note,\n    on two lines.\n\n    A second paragraph.\n\n"
        "*[CSO]: civil society organisation\n\nA CSO.\n"
    )
    assert root.xpath("//li/div[contains(@class, 'admonition')]/p[@class='admonition-title']/text()") == ["Careful"]
    assert root.xpath("//dl/dt/text()") == ["Term"] and root.xpath("//dl/dd/text()") == ["Its definition."]
    assert [" ".join(p.text.split()) for p in root.xpath("//div[@class='footnote']//li/p")] == [
        "The note, on two lines.",
        "A second paragraph.",
    ]
    assert root.xpath("//abbr/@title") == ["civil society organisation"]


def test_tabs_in_code_stay_tabs_and_leading_tabs_are_columns():
    root = _tree("\tcode\twith tabs\n\n-\tone\n\n\t\tcode in the item\n")
    codes = [pre.text_content() for pre in root.iter("pre")]
    assert codes == ["code\twith tabs\n", "code in the item\n"]
    assert root.xpath("//li/p/text()") == ["one"]


def test_setext_headings_and_hashes_read_as_on_github():
    root = _tree("Title\nover two lines\n=====\n\n#hashtag is text\n\n####### seven\n")
    assert [" ".join(h.text.split()) for h in root.xpath("//h1")] == ["Title over two lines"]
    assert [p.text for p in root.iter("p")] == ["#hashtag is text", "####### seven"]


@pytest.mark.parametrize(
    "text",
    [
        "Plain text\nover two lines.\n\n    indented code\n\nAnother paragraph.",
        '!!! note\n    Body.\n\n??? tip "Title"\n    Body.',
        "[^1]: A note\n    continued.\n\n    Second paragraph.",
        '=== "Tab"\n\n    Content of the tab.',
    ],
)
def test_text_without_containers_comes_out_line_for_line(text):
    lines = text.split("\n")
    assert write(Reader().read(lines)) == lines


LINES = [
    "",
    "Text",
    "more text",
    "- item",
    "  - nested",
    "    deeper",
    "* star",
    "1. one",
    "2) two",
    "> quote",
    ">",
    "```",
    "~~~ python",
    "    code",
    "\tcode",
    "# Heading",
    "===",
    "---",
    "| a | b |",
    "| - | - |",
    "<div>",
    "</div>",
    "!!! note",
    "[^1]: note",
    "$$",
    "- [ ] task",
    "   > - [x] done",
]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(LINES), max_size=14))
def test_any_mix_of_blocks_is_read_without_a_crash_or_a_stray_marker(lines):
    text = "\n".join(lines) + "\n"
    md, _ = make_markdown(has_title=True)
    html = md.convert(text)
    assert "\x02" not in html and "\x03" not in html and "rblist" not in html


@pytest.mark.parametrize(
    ("info", "read"),
    [
        ('js title="src/app.js" {2-3}', 'js title="src/app.js"'),
        ('jsx title="/src/Hello.js" showLineNumbers', 'jsx title="/src/Hello.js"'),
        ('toml linenums="1" title="config.toml" hl_lines="2"', 'toml title="config.toml"'),
        ('ts title="features/posts/postsSlice.ts', 'ts title="features/posts/postsSlice.ts"'),  # a quote left open
        ("py title='it\"s.py' x", "py title='it\"s.py'"),
        ('{.python title="b.py"}', '{.python title="b.py"}'),  # superfences' own form
        ("python {linenos=table}", "python"),
        ("python", "python"),
    ],
)
def test_a_fence_header_is_read_as_its_language_and_title(info, read):
    assert block_structure._header(info) == read
