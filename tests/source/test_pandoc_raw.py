"""pandoc's raw blocks and page breaks (source/pandoc_raw.py)."""

from __future__ import annotations

from conftest import read_chapters


def test_raw_html_is_html_and_another_formats_raw_text_goes(tmp_path):
    root, diagnostics = read_chapters(
        tmp_path,
        "After `<b>bold</b>`{=html} and `\\LaTeX`{=latex} here; `code` stays.\n\n"
        "```{=latex}\n\\begin{center}x\\end{center}\n```\n\n"
        '```{=html}\n<p class="note">Raw <em>HTML</em>.</p>\n```\n\n'
        "````markdown\n```{=html}\n<p>shown as code</p>\n```\n````\n",
    )
    text = root.text_content()
    assert root.xpath("string(//b)") == "bold" and "LaTeX" not in text and "center" not in text
    assert root.xpath("string(//p[@class='note']/em)") == "HTML"
    assert "<p>shown as code</p>" in root.xpath("string(//pre/code)")
    assert not diagnostics.warnings


def test_a_page_break_line_is_a_page_break_in_print_and_code_keeps_it(tmp_path):
    root, _ = read_chapters(tmp_path, "Before.\n\n\\newpage\n\nMiddle.\n\n{{< pagebreak >}}\n\n```\n\\pagebreak\n```\n")
    assert len(root.xpath("//div[@class='page-break']")) == 2
    assert "\\newpage" not in root.text_content() and "\\pagebreak" in root.xpath("string(//pre)")


def test_a_raw_block_shown_inside_a_plain_fence_is_code(tmp_path):
    """Found in review: an outer fence without an info string was taken for a closing one."""
    root, _ = read_chapters(
        tmp_path, "````\n```{=latex}\n\\newpage\n```\n````\n\n~~~\n```{=html}\n<b>x</b>\n```\n~~~\n"
    )
    codes = [code.text for code in root.iter("code")]
    assert codes == ["```{=latex}\n\\newpage\n```\n", "```{=html}\n<b>x</b>\n```\n"]
