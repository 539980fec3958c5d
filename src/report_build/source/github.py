"""Markdown as people write it on GitHub, on top of Python-Markdown.

pymdown-extensions brings the syntax: ``~~strikethrough~~`` (tilde), task lists (tasklist),
bare URLs as links (magiclink) and GitHub alerts, ``> [!NOTE]`` (quotes, with callouts), which
come out as admonitions and so become the layouts' callouts. This module adds what it lacks:

- :class:`ListIndent`, a preprocessor that re-indents nested lists written the CommonMark way
  (an item's content starts after its marker: two spaces under ``-``, three under ``1.``) to the
  four spaces per level Python-Markdown needs; lists already indented by four are unchanged;
- :class:`TaskBoxes`, which draws a task's checkbox as a character (□ to do, ■ done) that every
  font of the default layouts has, since a form control has no place in a PDF or an ePub
  (:func:`checkboxes` does the same for checkboxes written in raw HTML).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree  # noqa: N813 (the name Python-Markdown uses)

import markdown
from markdown.extensions import Extension
from markdown.preprocessors import Preprocessor
from markdown.treeprocessors import Treeprocessor
from markdown.util import HTML_PLACEHOLDER

MARKER = re.compile(r"^( *)([-*+]|\d{1,9}[.)])( +|$)(.*)$")
FENCE = re.compile(r"^ *(`{3,}|~{3,})")
EXTENSIONS = ["pymdownx.tilde", "pymdownx.tasklist", "pymdownx.magiclink", "pymdownx.quotes"]
CONFIGS = {
    "pymdownx.tilde": {"subscript": False},  # ~one~ stays as written; ~~two~~ is struck through
    "pymdownx.tasklist": {"custom_checkbox": False, "clickable_checkbox": False},
    "pymdownx.magiclink": {"hide_protocol": False, "repo_url_shortener": False, "social_url_shortener": False},
    "pymdownx.quotes": {"callouts": True},
}
TODO, DONE = "\u25a1", "\u25a0"
PLACEHOLDER = re.compile(re.escape(HTML_PLACEHOLDER).replace("%s", r"(\d+)"))


class ListIndent(Preprocessor):
    """Nested list items and their paragraphs re-indented to four spaces a level."""

    def run(self, lines: list[str]) -> list[str]:
        out: list[str] = []
        stack: list[int] = []  # the content column of each open item
        fence: tuple[str, int] | None = None  # (marker, shift) of a fence inside a list
        outer_fence: str | None = None
        blank = True
        for line in lines:
            if outer_fence is not None:  # code outside any list: as it is
                out.append(line)
                if FENCE.match(line) and FENCE.match(line).group(1)[0] == outer_fence:
                    outer_fence = None
                continue
            indent = len(line) - len(line.lstrip(" "))
            if fence is not None:
                out.append(self._shift(line, fence[1]))
                opened = FENCE.match(line)
                if opened and opened.group(1)[0] == fence[0]:
                    fence = None
                continue
            if not line.strip():
                out.append(line)
                blank = True
                continue
            opened = FENCE.match(line)
            marker = MARKER.match(line)
            if not stack and opened and indent < 4:
                outer_fence = opened.group(1)[0]
                out.append(line)
                blank = False
                continue
            if marker and (stack or indent < 4) and not (stack and indent >= stack[-1] + 4 and blank):
                while stack and indent < stack[-1]:
                    stack.pop()
                level = len(stack)
                width = len(marker.group(2)) + (len(marker.group(3)) if len(marker.group(3)) < 5 else 1)
                stack.append(indent + max(width, 2))
                out.append(" " * (4 * level) + line[indent:])
                blank = False
                continue
            if stack:
                depth = next((k for k in range(len(stack) - 1, -1, -1) if indent >= stack[k]), None)
                if depth is None:  # less indented than any item's content
                    if blank:
                        stack.clear()  # the list has ended
                        if opened:
                            outer_fence = opened.group(1)[0]
                    out.append(line)
                else:
                    if blank:  # a paragraph of an outer item ends the inner ones
                        del stack[depth + 1 :]
                    shift = 4 * (depth + 1) - stack[depth]
                    out.append(self._shift(line, shift))
                    if opened:
                        fence = (opened.group(1)[0], shift)
                blank = False
                continue
            out.append(line)
            blank = False
        return out

    @staticmethod
    def _shift(line: str, shift: int) -> str:
        if shift >= 0:
            return " " * shift + line
        indent = len(line) - len(line.lstrip(" "))
        return line[min(indent, -shift) :]


class TaskBoxes(Treeprocessor):
    """The checkbox pymdownx.tasklist stores for a task list item becomes □ or ■ in a
    ``<span class="task-box">``."""

    def run(self, root: etree.Element) -> None:
        stash = self.md.htmlStash.rawHtmlBlocks
        for item in root.iter("li"):
            if "task-list-item" not in (item.get("class") or "").split():
                continue
            first = item[0] if len(item) and item[0].tag == "p" and not (item.text or "").strip() else item
            found = PLACEHOLDER.search(first.text or "")
            if found is None or not str(stash[int(found.group(1))]).startswith("<input"):
                continue
            done = "checked" in str(stash[int(found.group(1))])
            stash[int(found.group(1))] = (
                f'<span class="task-box{" task-done" if done else ""}">{DONE if done else TODO}</span> '
            )


class GitHubExtension(Extension):
    """Registers :class:`ListIndent` (after tabs are expanded, before fenced code and raw HTML are
    taken out) and :class:`TaskBoxes` (after pymdownx.tasklist)."""

    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 (Python-Markdown's name)
        md.registerExtension(self)
        md.preprocessors.register(ListIndent(md), "report_build_list_indent", 27)
        md.treeprocessors.register(TaskBoxes(md), "report_build_task_boxes", 24)


CHECKBOX = re.compile(r"<input\b[^>]*\btype\s*=\s*[\"']?checkbox\b[^>]*>", re.IGNORECASE)


def checkboxes(html: str) -> str:
    """Checkboxes written in raw HTML (checklists copied from web pages) become task boxes too,
    instead of form controls that cleaning would remove."""
    if "<input" not in html.lower():
        return html

    def box(match: re.Match[str]) -> str:
        done = re.search(r"\bchecked\b", match.group(0), re.IGNORECASE) is not None
        return f'<span class="task-box task-done">{DONE}</span>' if done else f'<span class="task-box">{TODO}</span>'

    return CHECKBOX.sub(box, html)
