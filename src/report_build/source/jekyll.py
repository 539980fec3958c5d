"""Quirks of Markdown written for Jekyll/kramdown sites, handled before Python-Markdown.

Each rewrite keeps the line count, so messages still name the right line.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable

from .text import CODE_SPAN

SITE_VARIABLE = re.compile(r"\{\{\s*site\.(baseurl|url)\s*\}\}/?")
INCLUDE_CALLOUT = re.compile(r"\{%\s*include\s+(\S+)((?:\s+\w+\s*=\s*\"[^\"]*\")*)\s*%\}")
PARAM = re.compile(r"(\w+)\s*=\s*\"([^\"]*)\"")
LIQUID = re.compile(r"(?<!\{)\{%.*?%\}(?!\})|\{\{(?![<%]).*?\}\}")  # not Hugo's {{< … >}} and {{% … %}}
RAW = re.compile(r"\{%-?\s*(end)?raw\s*-?%\}")
SUBSTITUTION = re.compile(r"\{\{\s*([A-Za-z_][\w.-]*)\s*\}\}")
PAGE_VARIABLE = re.compile(
    r"\{\{\s*(?:\$frontmatter|\$page\.frontmatter|\$page|page\.meta|page)\.([A-Za-z_]\w*)\s*\}\}"
)
"""A template variable naming the page's own front matter: Jekyll's and mkdocs-macros' ``{{ page.title }}``
(``page.meta.x``), VuePress's and VitePress's ``{{ $frontmatter.title }}`` (``$page.title``)."""
ATX_HEADING = re.compile(r"^ {0,3}#{1,6}(?:[ \t]|$)")
PUNCTUATION = re.compile(r"([\\`*_{}\[\]<>#|!$~^=])")
BLOCK_IAL = re.compile(r"^\s*\{:[^}]*\}\s*$")
KRAMDOWN_TOC = re.compile(r"^\s*\{:\s*toc\s*\}\s*$")
TOC_ITEM = re.compile(r"^\s*(?:[*+-]|\d{1,9}[.)])\s+")  # the list item {:toc} replaces: "* TOC", "1. TOC"
HIGHLIGHT = re.compile(r"^(\s*)\{%-?\s*highlight\s+([\w#+.-]+)[^%]*-?%\}\s*$")
END_HIGHLIGHT = re.compile(r"^(\s*)\{%-?\s*endhighlight\s*-?%\}\s*$")
CHAINED_IAL = re.compile(r"\}\{:")
# Lines whose indented lines after them are content, not code: a list item, a note's definition,
# a definition's text, an MkDocs admonition or content tab.
CONTAINER = re.compile(r"^ {0,3}(?:[-*+]|\d{1,9}[.)])(?:\s|$)|^ {0,3}(?:\[\^[^\]]+\]:|:\s|!!!|\?\?\?|===)")

Warn = Callable[[str, int], None]


def preprocess(
    lines: list[str],
    code_lines: frozenset[int],
    first_line: int,
    warn: Warn,
    substitutions: dict[str, str] | None = None,
    page: dict[str, str] | None = None,
) -> list[str]:
    """Rewrite Liquid tags and kramdown attribute lists; ``first_line`` is the file line of lines[0].
    A block attribute list (``{: .class}``) alone on its line is removed, but after a table, which
    takes it (:class:`.github.GitHubTable`).

    A template tag (``{{ x }}``, ``{% x %}``) means something only to the site's template engine
    (Jekyll's Liquid, mkdocs-macros, Jinja): it is removed, with a warning, except where it is
    text to show: in fenced, indented or inline code, and between ``{% raw %}`` and
    ``{% endraw %}`` (whose tags go). ``{{ name }}`` naming one of MyST's front-matter
    ``substitutions`` is its value, and a variable naming the page's front matter (``page``: its
    values by key; ``{{ page.title }}``, ``{{ $frontmatter.title }}``) the value it names. A
    heading that held only tags removed is removed too, rather than left without text. Jekyll's
    ``{% highlight ruby %}`` … ``{% endhighlight %}``, each tag on its own line, is fenced code in
    that language, as Jekyll shows it."""
    out = list(lines)
    # Every rewrite here starts at a brace ("{{", "{%", "{:"), and the raw state changes only at
    # a tag: a line without one is kept as it is, and a text without one is returned at once.
    if not any("{" in line for line in lines):
        return out
    indented = _indented_code(lines)
    raw = False  # between {% raw %} and {% endraw %}
    for index, line in enumerate(lines):
        if "{" not in line:
            continue
        number = first_line + index
        if number in code_lines or index in indented:
            continue
        if KRAMDOWN_TOC.match(line):
            out[index] = ""
            if index and TOC_ITEM.match(out[index - 1]):
                out[index - 1] = ""
            warn("kramdown '{:toc}' marker removed: the report has its own contents page", number)
            continue
        if (fence := HIGHLIGHT.match(line) or END_HIGHLIGHT.match(line)) is not None:
            out[index] = fence.group(1) + "````" + (fence.group(2) if fence.re is HIGHLIGHT else "")
            continue
        if BLOCK_IAL.match(line):
            if not _after_table(lines, index):  # after a table, the table's (source/github.py)
                out[index] = ""
            continue
        line = SITE_VARIABLE.sub("", line)
        line = CHAINED_IAL.sub(" ", line)
        line = INCLUDE_CALLOUT.sub(lambda m, n=number: _include(m, n, warn), line)
        pieces, at = [], 0
        for span in [*CODE_SPAN.finditer(line), None]:  # text, then the code span after it
            text = line[at : span.start() if span else len(line)]
            for number_in_line, piece in enumerate(RAW.split(text)):
                if number_in_line % 2:  # a raw tag's group: None opens, "end" closes
                    raw = piece is None
                else:
                    pieces.append(piece if raw else _template(piece, number, warn, substitutions, page))
            if span is not None:  # code is shown as written; `{% raw %}…{% endraw %}` in it shows what it holds
                code = span.group()
                whole = "end" in RAW.findall(code) and None in [m.group(1) for m in RAW.finditer(code)]
                pieces.append(RAW.sub("", code) if whole else code)
                at = span.end()
        out[index] = "".join(pieces)
        if out[index] != line and ATX_HEADING.match(out[index]) and not out[index].strip(" \t#"):
            out[index] = ""  # "# {{ site.title }}": a heading without text, which nothing could show
    return out


def _template(
    text: str, number: int, warn: Warn, substitutions: dict[str, str] | None, page: dict[str, str] | None = None
) -> str:
    """``text`` (no code in it) with MyST's substitutions and the page's variables made, and the
    other template tags removed."""
    if substitutions:
        text = SUBSTITUTION.sub(lambda m: substitutions.get(m.group(1), m.group()), text)
    if page and ("page" in text or "$frontmatter" in text):
        text = PAGE_VARIABLE.sub(
            lambda m: PUNCTUATION.sub(r"\\\1", page[m.group(1)]) if m.group(1) in page else m.group(), text
        )
    for tag in LIQUID.findall(text):
        warn(
            f"template tag '{tag}' removed: a site's template engine (Jekyll's Liquid, mkdocs-macros, Jinja) "
            "fills it in, and a report runs none",
            number,
        )
    return LIQUID.sub("", text)


TABLE_DELIMITER = re.compile(r"^ {0,3}\|?[ \t]*:?-+:?[ \t]*(\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*$")


def _after_table(lines: list[str], index: int) -> bool:
    """Whether ``lines[index]`` comes right after a pipe table: the lines above it, up to a
    blank line, hold a delimiter row (``|---|---|``) and every one a pipe."""
    for above in range(index - 1, -1, -1):
        line = lines[above]
        if "|" not in line:
            return False
        if TABLE_DELIMITER.match(line) and above > 0 and "|" in lines[above - 1]:
            return True
    return False


def _indented_code(lines: list[str]) -> set[int]:
    """Indexes of the lines of top-level indented code: indented four spaces (or a tab) after a
    blank line, outside a list item, a note, a definition, an admonition or a content tab (whose
    indented lines are their content). A cautious reading: the containers end at the first line
    after a blank line that is not indented and opens none."""
    found: set[int] = set()
    inside, blank = False, True
    for index, line in enumerate(lines):
        if not line.strip():
            blank = True
            continue
        indent = len(line.expandtabs(4)) - len(line.expandtabs(4).lstrip(" "))
        if indent < 4:  # a container's line, its lazy or indented continuation, or the end of it
            inside = bool(CONTAINER.match(line)) or (inside and (not blank or indent > 0))
        elif not inside and (blank or index - 1 in found):
            found.add(index)
        blank = False
    return found


def _include(match: re.Match[str], number: int, warn: Warn) -> str:
    params = dict(PARAM.findall(match.group(2)))
    content = params.get("content", "")
    if not content:
        warn(f"Jekyll include '{match.group(1)}' removed: only includes with content= can be shown", number)
        return ""
    heading = params.get("heading", "")
    title = f'<p class="admonition-title">{html.escape(heading)}</p>' if heading else ""
    return f'<div class="admonition note">{title}<p>{html.escape(content)}</p></div>'


def page_values(front: dict) -> dict[str, str]:
    """The front matter's values a template variable may name: its texts, numbers and dates."""
    import datetime as dt

    found = {}
    for key, value in front.items():
        if isinstance(value, (str, int, float, dt.date)) and not isinstance(value, bool):
            found[str(key)] = " ".join(str(value).split())
    return found
