"""pandoc's raw blocks and page breaks (source/pandoc_raw.py)."""

from __future__ import annotations

import re

import pytest

from conftest import read_chapters
from report_build import Diagnostics, load


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


@pytest.mark.parametrize(("name", "read"), [("report.Rmd", True), ("report.md", False)])
def test_latex_layout_commands_go_in_a_pandoc_document_and_their_text_stays(tmp_path, name, read):
    """pandoc leaves raw TeX out of every output but LaTeX: ``\\vspace{1cm}`` and ``\\noindent``
    must not print; the text they lay out does; formulas and code keep theirs."""
    (tmp_path / name).write_text(
        "---\ntitle: T\n---\n\n# One\n\n\\vspace{1cm}\n\n\\noindent Text after.\\hfill Right.\n\n"
        "\\begin{center}\nCentred text.\n\\end{center}\n\n- item\n\n  \\medskip Indented.\n\n"
        "Code `\\vspace{2pt}` stays.\n",
        encoding="utf-8",
    )
    document = load(tmp_path / name, Diagnostics(echo=False))
    html = "".join(chapter.body for chapter in document.chapters)
    paragraphs = [" ".join(p.split()) for p in re.findall(r"<p>(.*?)</p>", html, re.DOTALL)]
    if read:
        assert paragraphs == [
            "Text after. Right.",
            "Centred text.",
            "item",
            "Indented.",
            "Code <code>\\vspace{2pt}</code> stays.",
        ]
        assert "<li>" in html and "Indented." in html.split("<li>")[1]  # still in the list item
    else:
        assert "\\vspace{1cm}" in html and "\\noindent" in html


def test_latex_in_indented_code_stays_and_a_minipages_options_go(tmp_path):
    (tmp_path / "report.Rmd").write_text(
        "---\ntitle: T\n---\n\n# One\n\n    \\noindent in code\n\n"
        "\\begin{minipage}[t]{0.5\\textwidth}\nBeside.\n\\end{minipage}\n",
        encoding="utf-8",
    )
    html = "".join(c.body for c in load(tmp_path / "report.Rmd", Diagnostics(echo=False)).chapters)
    assert "<pre><code>\\noindent in code\n</code></pre>" in html
    assert "<p>Beside.</p>" in html and "textwidth" not in html and "[t]" not in html
