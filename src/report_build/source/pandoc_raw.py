"""pandoc's raw blocks and page breaks: what a pandoc Markdown text says only to one output.

- A raw block, ```` ```{=html} ```` … ```` ``` ````, is raw HTML here (cleaned as any other);
  one for another format (``{=latex}``, ``{=openxml}``, ``{=typst}`` …) says nothing to a
  report's outputs and goes, as pandoc leaves it out of them. Inline, `` `<b>x</b>`{=html} ``
  is raw HTML and `` `\\LaTeX`{=latex} `` goes.
- ``\\newpage``, ``\\pagebreak`` and ``\\clearpage`` on a line of their own start a new page
  in print (:data:`~report_build.contract.PAGE_BREAK`); screens ignore them.
- In a text of the pandoc family, LaTeX's layout commands (``\\vspace{1cm}``, ``\\noindent``,
  ``\\medskip``, ``\\hfill``, ``\\small``, ``\\begin{center}`` …) go, as pandoc leaves raw TeX
  out of every output but LaTeX; the text they lay out stays. Formulas keep theirs.

Code is code: fenced, the raw block's own fence aside, and code spans are never read so.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree  # noqa: N813 (the name Python-Markdown uses)

import markdown
from markdown.extensions import Extension
from markdown.inlinepatterns import InlineProcessor
from markdown.preprocessors import Preprocessor

from ..contract import PAGE_BREAK
from .dialects.common import Fence, fence_step, formula_spans
from .text import code_lines_of, outside_spans

RAW_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})\s*\{=([A-Za-z][\w+-]*)\}\s*$")
BREAK_COMMANDS = ("{=", "\\newpage", "\\pagebreak", "\\clearpage")  # what a text holds when this pass has work
PAGE_BREAK_LINE = re.compile(r"^ {0,3}\\(?:newpage|pagebreak|clearpage)\s*$")
RAW_INLINE = r"(?<!`)(`+)(?!`)(.+?)(?<!`)\1(?!`)\{=([A-Za-z][\w+-]*)\}"
LAYOUT = re.compile(
    r"\\[vh]space\*?\{[^{}]*\}"
    r"|\\(?:noindent|indent|medskip|smallskip|bigskip|centering|raggedright|raggedleft|hfill|vfill|FloatBarrier"
    r"|tiny|scriptsize|footnotesize|small|normalsize|large|Large|LARGE|huge|Huge)(?![A-Za-z])"
    r"|\\(?:begin|end)\{(?:center|flushleft|flushright|minipage)\}(?:\[[^\]]*\])?(?:\{[^{}]*\})?"
)
"""LaTeX's commands that lay text out and say nothing themselves (a minipage's width too)."""


class RawBlocks(Preprocessor):
    """Raw blocks and page-break lines, and in a text of the pandoc family LaTeX's layout
    commands (see the module)."""

    def __init__(self, md: markdown.Markdown, pandoc: bool = False) -> None:
        super().__init__(md)
        self.pandoc = pandoc

    def run(self, lines: list[str]) -> list[str]:
        if self.pandoc and any("\\" in line and LAYOUT.search(line) for line in lines):
            lines = _without_layout(lines)
        if not any(mark in line for line in lines for mark in BREAK_COMMANDS):
            return lines
        out: list[str] = []
        index = 0
        fence: Fence | None = None  # the code open before this line: a raw block in it is shown as written
        while index < len(lines):
            line = lines[index]
            raw = RAW_FENCE.match(line) if fence is None else None
            code, fence = fence_step(line, fence)
            if raw is not None:
                fence = None  # the raw block is read here, to its closing fence
                marks = raw.group(1)
                end = next(
                    (i for i in range(index + 1, len(lines)) if lines[i].strip().startswith(marks[0] * len(marks))),
                    len(lines),
                )
                if raw.group(2).lower() == "html":
                    out.extend(("", self.md.htmlStash.store("\n".join(lines[index + 1 : end])), ""))
                index = end + 1
                continue
            if not code and PAGE_BREAK_LINE.match(line):
                out.extend(("", self.md.htmlStash.store(f'<div class="{PAGE_BREAK}"></div>'), ""))
            else:
                out.append(line)
            index += 1
        return out


def _without_layout(lines: list[str]) -> list[str]:
    """``lines`` without LaTeX's layout commands, outside code and formulas; a line they held
    alone is left blank (the lines keep their numbers)."""
    numbered = [(line, index) for index, line in enumerate(lines)]
    code = code_lines_of(lines)  # fenced, quoted and indented
    formulas = formula_spans(numbered)
    out = list(lines)
    for index, line in enumerate(lines):
        if index in code or "\\" not in line or not LAYOUT.search(line):
            continue
        kept = outside_spans(line, formulas.get(index, ()), lambda text: LAYOUT.sub("", text))
        indent = line[: len(line) - len(line.lstrip(" "))]  # its own; not the space after a command
        out[index] = indent + kept.lstrip(" ") if kept.strip() else ""
    return out


class RawInline(InlineProcessor):
    """`` `…`{=html} ``: raw HTML; another format's: nothing."""

    rare = "{="  # left out of a text without it (extensions.RarePatterns; its expression is slow to search)

    def handleMatch(self, m: re.Match[str], data: str) -> tuple[str | etree.Element, int, int]:  # noqa: N802
        if m.group(3).lower() == "html":
            return self.md.htmlStash.store(m.group(2).strip()), m.start(0), m.end(0)
        return "", m.start(0), m.end(0)


class RawExtension(Extension):
    def __init__(self, pandoc: bool = False) -> None:
        super().__init__()
        self.pandoc = pandoc

    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 (Python-Markdown's name)
        raw = RawBlocks(md, self.pandoc)
        md.preprocessors.register(raw, "report_build_pandoc_raw", 29.9)  # before fences are read
        md.inlinePatterns.register(RawInline(RAW_INLINE, md), "report_build_pandoc_raw_inline", 195)
