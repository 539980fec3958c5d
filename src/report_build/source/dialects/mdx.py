"""MDX's JavaScript in running text: which file is MDX, and what its ``{expressions}`` become.

In MDX (Docusaurus's pages) a brace in text opens a JavaScript expression, which the site
evaluates when it builds the page: ``{frontMatter.title}`` is the page's front matter value,
``{'text'}`` a string, ``{props.version}`` whatever the site passes in. A report runs no
JavaScript, so in the text of an MDX file (outside code, formulas and tags):

- ``{frontMatter.key}`` (``{frontMatter.a.b}``, ``{frontMatter["key"]}``) is the manuscript's
  front matter value, as text; one the front matter does not hold is left out, with a warning;
- a string or number literal (``{'text'}``, ``{"text"}``, ```` {`text`} ````, ``{42}``) is its text;
- any other expression is left out, with a warning naming its line.

A brace means an expression only in a file :func:`is_mdx` finds to be MDX: named ``.mdx``, or
holding what only MDX writes (an ``import``/``export`` line, a component such as ``<Tabs>`` on a
line of its own, a ``{/* comment */}``). Elsewhere (a README saying "use {name}") braces are text.
A brace in a link's URL (``[API](https://api.example.com/{user})``, a reference definition's)
is the URL's, as MDX reads it. What other tools write in braces is never an expression:
attribute lists (``{#id}``, ``{.class}``, ``{: .x}``, ``{key=value}``, ``{-}``), MyST roles
(``{ref}`x```), template tags (``{{ x }}``, ``{% x %}``, read by :mod:`..jekyll`), and escaped
braces (``\\{``).

Invariant: only the braces of an expression and what they hold are changed; a line keeps its
number, and a brace that closes on another line is left as written.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .. import math
from ..text import CODE_SPAN
from .common import COMPONENT_NAME, Numbered, fenced_code_lines

IMPORT_OR_EXPORT = re.compile(r"""^(?:import\s.*['"];?\s*$|import\s*['"]|export\s+(?:default\s+)?\w)""")
COMPONENT_LINE = re.compile(rf"^\s*</?{COMPONENT_NAME}(?:\s[^<>]*)?/?>?\s*$")
PROTECTED = re.compile(
    "|".join(
        (
            CODE_SPAN.pattern,  # code
            math.CODE_PATTERN,  # formulas: $`x`$, $x$, $$x$$, \(x\), \[x\]
            math.PATTERN,
            r"<!--.*?-->|\{/\*.*?\*/\}",  # a comment, HTML's or MDX's (which source/dialects/docusaurus.py drops)
            r"</?[A-Za-z][\w.:-]*(?:[^<>{}]|\{(?:[^{}]|\{[^{}]*\})*\})*>",  # a tag, its JSX attributes
            r"\{\{.*?\}\}|\{%.*?%\}",  # template tags (source/jekyll.py)
            r"\\[A-Za-z]+(?:\{[^{}]*\})*",  # a TeX command and its arguments (\eqref{eq:x}: source/math.py)
            r"\\.",  # an escaped character
            r"\]\((?:<[^<>\n]*>|[^()\s]*(?:\([^()\s]*\)[^()\s]*)*)",  # a link's destination: its braces are the URL's
            r"^ {0,3}\[[^\]]+\]:[ \t]*\S+",  # a link reference definition's URL
        )
    )
)
"""What a brace inside is not an expression's: code, formulas, tags, template tags, escapes."""
TOKEN = re.compile(f"{PROTECTED.pattern}|\\{{")
"""What a line's text is read by: a protected piece, or a brace that opens an expression."""
ATTRIBUTE_LIST = re.compile(r"^\s*(?::|[#.][^\s{}]|-\s*$|[\w:-]+\s*=)")
"""An attribute list's content, not JavaScript: ``:…``, ``#id``, ``.class``, ``-``, ``key=…``."""
FRONT_MATTER = re.compile(r"""^\s*frontMatter((?:\s*\.\s*[A-Za-z_$][\w$]*|\s*\[\s*(?:'[^']*'|"[^"]*")\s*\])+)\s*$""")
FRONT_MATTER_KEY = re.compile(r"""\.\s*([A-Za-z_$][\w$]*)|\[\s*(?:'([^']*)'|"([^"]*)")\s*\]""")
LITERAL = re.compile(r"""^\s*(?:'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)"|`((?:[^`\\$]|\\.)*)`)\s*$""")
NUMBER = re.compile(r"^\s*(-?\d+(?:\.\d+)?)\s*$")
MARKDOWN_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")


def is_mdx(numbered: Numbered, path: Path) -> bool:
    """Whether a file is MDX: named ``.mdx``, or holding, outside fenced code, an ``import`` or
    ``export`` line, a component (a capitalised tag) on a line of its own, or an MDX comment."""
    if path.suffix.lower() == ".mdx":
        return True
    code = fenced_code_lines(numbered)
    for index, (line, _number) in enumerate(numbered):
        if index in code:
            continue
        if IMPORT_OR_EXPORT.match(line) or COMPONENT_LINE.match(line) or "{/*" in line:
            return True
    return False


class Expressions:
    """The expressions of one MDX file's text, line by line (each line outside fenced code, in
    order: a displayed formula may run over lines)."""

    def __init__(self, front: dict[str, Any], warn: Callable[[str, int | None], None]):
        self.front = front
        self.warn = warn
        self.in_display = False  # inside a $$ … $$ or \[ … \] formula that runs over lines
        self.environment = ""  # the \end{…} that closes a display environment written over lines

    def line(self, line: str, number: int) -> str:
        """``line`` with its expressions made text or left out (see the module)."""
        if self.environment:
            if self.environment in line:
                self.environment = ""
            return line
        opened = math.DISPLAY_ENVIRONMENT.match(line)
        if opened is not None and not self.in_display:
            end = f"\\end{{{opened.group(1)}{opened.group(2)}}}"
            self.environment = "" if end in line else end
            return line
        delimiters = len(math.DISPLAY_DELIMITER.findall(CODE_SPAN.sub("", line)))
        inside, self.in_display = self.in_display, self.in_display ^ bool(delimiters % 2)
        if inside or (delimiters % 2) or "{" not in line:
            return line  # a formula's lines (its TeX's braces), or nothing to read
        out, at = [], 0
        while (token := TOKEN.search(line, at)) is not None:
            end = _closing_brace(line, token.start()) if token.group() == "{" else token.end() - 1
            if end is None:
                break  # a brace that does not close on its line: as written
            inner = line[token.start() + 1 : end]
            if token.group() != "{" or ATTRIBUTE_LIST.match(inner) or line.startswith("`", end + 1):
                out.append(line[at : end + 1])  # protected, an attribute list, a MyST role: as written
            elif inner.strip():
                out += [line[at : token.start()], self._value(inner, number)]
            else:
                out.append(line[at : end + 1])  # "{}"
            at = end + 1
        return "".join([*out, line[at:]])

    def _value(self, expression: str, number: int) -> str:
        """The text an expression shows, Markdown's punctuation escaped; "" when it cannot be read."""
        shown = " ".join(expression.split())
        found = FRONT_MATTER.match(expression)
        if found is not None:
            value: Any = self.front
            for key in FRONT_MATTER_KEY.finditer(found.group(1)):
                name = next(group for group in key.groups() if group is not None)
                value = value.get(name) if isinstance(value, dict) else None
            if isinstance(value, bool) or not isinstance(value, str | int | float):
                self.warn(
                    f"MDX expression {{{shown}}} removed: the front matter holds no text at that key",
                    number,
                )
                return ""
            return _escaped(str(value))
        literal, digits = LITERAL.match(expression), NUMBER.match(expression)
        if literal is not None:
            text = next(group for group in literal.groups() if group is not None)
            return _escaped(re.sub(r"\\(.)", r"\1", text))
        if digits is not None:
            return digits.group(1)
        self.warn(
            f"MDX expression {{{shown}}} removed: the site computes it when it builds the page, "
            "and a report runs no JavaScript",
            number,
        )
        return ""


def _closing_brace(text: str, start: int) -> int | None:
    """The index of the ``}`` that closes the ``{`` at ``start`` (nested braces and JavaScript
    strings counted), or None when it does not close in ``text``."""
    depth, quote, index = 0, "", start
    while index < len(text):
        char = text[index]
        if quote:
            if char == "\\":
                index += 1
            elif char == quote:
                quote = ""
        elif char in "'\"`":
            quote = char
        elif char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                return index
        index += 1
    return None


def _escaped(value: str) -> str:
    """A value as Markdown text that shows it as written: on one line, its punctuation escaped."""
    return MARKDOWN_PUNCTUATION.sub(r"\\\1", " ".join(value.split()))


__all__ = ["Expressions", "is_mdx"]
