"""Formulas: TeX between math delimiters, typeset as MathML in the model.

What is read as a formula, as on GitHub (and in pandoc and bookdown):

- ``$…$`` inline: the opening ``$`` not followed by a space, the closing one not preceded by a
  space nor followed by a digit; ``\\$`` is a dollar sign. So ``$10 million``, ``$5 and $10`` or
  ``US$5-US$6`` stay amounts. GitHub's ``$`…`$`` is inline too;
- ``$$…$$`` displayed, on lines of its own or inside a paragraph's text;
- ``\\(…\\)`` inline and ``\\[…\\]`` displayed;
- a fenced block ```` ```math ````, displayed.

:class:`MathExtension` (Python-Markdown) marks each formula with a placeholder element that
holds its TeX (MathML itself would not survive the cleaning of raw HTML); :func:`typeset`, a
pass over the cleaned tree, converts each with latex2mathml into a MathML ``<math>`` element
whose ``alttext`` is the TeX. A displayed formula stands in ``<span class="math-display">``
(phrasing content: a formula may sit inside a paragraph's sentence), and a paragraph that holds
a displayed formula alone becomes ``<div class="math-display">``. Each writer chooses its
rendering: MathML in the ePub and on the site, vector paths in the PDF (writers/pdf/math.py).

A displayed formula with a label (``\\label{eq:x}``, bookdown's ``(\\#eq:x)``, Quarto's ``{#eq-x}``)
or a ``\\tag{x}`` is numbered, "(3)" or "(x)" at its right, the number in the document's
digits ("(۳)" in Persian; the author's ``x`` as written); an ``align`` (``gather``,
``eqnarray``…) with one is numbered row by row as LaTeX numbers it, each number in a column of
its own on its row and each label naming its row. Those row numbers stay in Latin digits: they
are part of the formula, which the PDF draws with its math font, and STIX Two Math has no others.

A formula latex2mathml cannot read, or that uses a command it does not know, is a warning at
its line and is shown as written, in code style (``<code class="math-source">``).
"""

from __future__ import annotations

import functools
import re
import xml.etree.ElementTree as etree  # noqa: N813 (the name Python-Markdown uses)
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import markdown
from lxml import etree as lxml_etree
from markdown.extensions import Extension
from markdown.inlinepatterns import InlineProcessor
from markdown.preprocessors import Preprocessor
from markdown.util import AtomicString

from ..contract import EQUATION, EQUATION_NUMBER, MATH_DISPLAY, MATH_SOURCE
from .text import CODE_SPAN, fenced_lines

if TYPE_CHECKING:
    from .tree import Context

MATHML_NS = "http://www.w3.org/1998/Math/MathML"
INLINE, DISPLAY = "rb-math-inline", "rb-math-display"  # the placeholders' classes
_BODY = r"(?:\\.|[^\\\x02\x03])+?"  # TeX up to the closing delimiter (never across a stashed placeholder)
PATTERN = (
    rf"(?<!\\)\$\$(?P<dollars>{_BODY})(?<!\\)\$\$"
    rf"|(?<!\\)\\\[(?P<brackets>{_BODY})\\\]"
    rf"|(?<!\\)\\\((?P<parens>{_BODY})\\\)"
    r"|(?<![\\$])\$(?![\s$])(?P<dollar>(?:\\.|[^\\$\x02\x03])+?)(?<![\s\\])\$(?![\d$])"
)
CODE_PATTERN = r"\$`(?P<code>[^`\n]+)`\$"  # GitHub's $`…`$, read before code spans take the backticks
# What makes ``\[…\]`` or ``\(…\)`` a formula rather than Markdown's escaped brackets around
# words (``\[sic\]``, as converters from Word write them): a command, a sub- or superscript, a
# relation or operator, braces, or a lone letter (``\(x\)``).
TEX_LIKE = re.compile(r"[\\^_=+<>{}|]|\d\s*[-*/]\s*\d|^\s*[A-Za-z]\s*$")
UNKNOWN_COMMAND = re.compile(r"^\\[A-Za-z]+$")
# What latex2mathml's exceptions mean, in words.
REASONS = {
    "MissingSuperScriptOrSubscriptError": "a ^ or _ has nothing after it",
    "DoubleSubscriptsError": "two subscripts in a row (write a_{1,2} or {a_1}_2)",
    "DoubleSuperscriptsError": "two superscripts in a row (write a^{12} or {a^1}^2)",
    "ExtraLeftOrMissingRightError": "a \\left has no \\right",
    "MissingEndError": "a \\begin{...} has no \\end{...}",
    "NoAvailableTokensError": "it ends where a command still expects an argument",
    "NumeratorNotFoundError": "a fraction has no numerator",
    "DenominatorNotFoundError": "a fraction has no denominator",
    "LimitsMustFollowMathOperatorError": "\\limits must follow an operator such as \\sum",
    "InvalidAlignmentError": "an array's column alignment is not one of l, c, r",
}
# Environments latex2mathml does not know, written as ones it does (its mtable forms): pandoc,
# bookdown and MathJax read them all. (name, with a column argument, as written instead)
ENVIRONMENTS = {
    "align": "align*",  # numbered by the report (labels), not row by row
    "aligned": "align*",
    "alignedat": "align*",
    "alignat": "align*",
    "alignat*": "align*",
    "flalign": "align*",
    "flalign*": "align*",
    "eqnarray": "array}{rcl",
    "eqnarray*": "array}{rcl",
    "gathered": "array}{c",
    "gather": "array}{c",
    "gather*": "array}{c",
    "multline": "array}{c",
    "multline*": "array}{c",
    "dcases": "cases",
    "rcases": "array}{ll",
}
ENVIRONMENT = re.compile(r"\\(begin|end)\{(" + "|".join(re.escape(n) for n in ENVIRONMENTS) + r")\}(\{\d+\})?")
NUMBERING = re.compile(  # an equation environment's marks, its label (bookdown's too), "no number", its own number
    r"\\(?:begin|end)\{(?:equation|displaymath|math)\*?\}|\\(?:label\{[^{}]*\}|nonumber\b|notag\b)|\(\\#eq:[^()\s]*\)"
    r"|\\tag\*?\s*\{[^{}]*\}"
)
TAG = re.compile(r"\\tag(\*?)\s*\{([^{}]*)\}")  # LaTeX's \tag{x}: "(x)" is the equation's number; \tag*{x}: "x"
# The environments LaTeX numbers row by row: each row not marked \nonumber or \notag has a number.
ROWS = re.compile(
    r"^\s*\\begin\{(align|alignat|flalign|eqnarray|gather)(\*?)\}(?:\{\d+\})?(.*)\\end\{\1\2\}\s*$", re.DOTALL
)
ROW_NUMBER_GAP = "3em"  # between an environment's widest row and the column of its rows' numbers
ROW_TOKEN = re.compile(r"\\begin\{[^{}]*\}|\\end\{[^{}]*\}|\\\\(?:\[[^\]]*\])?|\\.|[{}]")
BARE_AMPERSAND = re.compile(r"&(?!#\d+;|#x[0-9A-Fa-f]+;|[A-Za-z][A-Za-z0-9]*;)")
STRAY_ALIGNMENT = re.compile(r"<m[io][^>]*>&</m[io]>")  # \\& comes out as &#x00026;, never bare
TEXT_ESCAPE = re.compile(r"\\([&%$#_{}])")
ARITY = {"mfrac": 2, "msub": 2, "msup": 2, "msubsup": 3, "munder": 2, "mover": 2, "munderover": 3, "mroot": 2}


class MathPattern(InlineProcessor):
    """A formula in running text becomes a placeholder ``<span>`` holding its TeX."""

    def handleMatch(self, m: re.Match[str], data: str) -> tuple[etree.Element | None, int | None, int | None]:  # noqa: N802
        before = data[: m.start(0)]
        opened = before.rfind("](")
        if opened >= 0 and not re.search(r"[\s)]", before[opened + 2 :]):
            return None, None, None  # inside a link's address: \( is an escaped parenthesis there
        groups = m.groupdict()
        escaped = groups.get("brackets") if groups.get("brackets") is not None else groups.get("parens")
        if escaped is not None and not TEX_LIKE.search(escaped):
            return None, None, None  # \[sic\] and \(a\): escaped brackets of Markdown, not a formula
        display = groups.get("dollars") is not None or groups.get("brackets") is not None
        tex = next(value for value in groups.values() if value is not None)
        element = etree.Element("span", {"class": DISPLAY if display else INLINE})
        element.text = AtomicString(tex)
        return element, m.start(0), m.end(0)


REFERENCE = r"\\(eq)?ref\{([^{}\s]+)\}"  # LaTeX's \eqref{eq:x} and \ref{fig:x} in the text


class EquationReference(InlineProcessor):
    """LaTeX's ``\\eqref{x}`` ("(3)") and ``\\ref{x}`` ("3") in running text: references to
    the equation (or figure, table) whose label is ``x`` (:func:`equation_id`)."""

    rare = "ref{"  # left out of a text without it (extensions.RarePatterns)

    def handleMatch(self, m: re.Match[str], data: str) -> tuple[str, int, int]:  # noqa: N802
        from .refsyntax import Item, Reference

        style = "equation" if m.group(1) else "number"
        return Reference((Item(equation_id(m.group(2))),), False, m.group(0), style).encode(), m.start(0), m.end(0)


def math_fence(source: str, language: str, class_name: str, options: dict, md: Any, **kwargs: Any) -> str:
    """A ```` ```math ```` fence (pymdownx.superfences' custom fence format): a displayed formula."""
    text = source.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return f'<div class="{DISPLAY}">{text}</div>'


FENCE = {"name": "math", "class": DISPLAY, "format": math_fence}
"""The ``math`` fence for pymdownx.superfences' ``custom_fences``."""

# A LaTeX display environment written in the text, outside ``$$`` (bookdown's, pandoc's and
# LaTeX's way to number an equation): displayed as if in a ```` ```math ```` fence.
DISPLAY_ENVIRONMENT = re.compile(
    r"^ {0,3}\\begin\{(equation|align|alignat|gather|multline|eqnarray|flalign|displaymath|math)(\*?)\}"
)

DISPLAY_DELIMITER = re.compile(r"(?<!\\)\$\$|(?<!\\)\\[\[\]]")


class EnvironmentBlocks(Preprocessor):
    """Each display environment on lines of its own (``\\begin{equation}`` … ``\\end{equation}``,
    ``align``, ``gather``…), outside fenced code, becomes one displayed formula: its lines are
    stashed whole, so Markdown never reads TeX's ``\\,``, ``*`` or ``+`` lines. One whose end
    never comes is left as text."""

    def run(self, lines: list[str]) -> list[str]:
        if not any("\\begin{" in line for line in lines):
            return lines
        fenced, _indented = fenced_lines(lines)
        out: list[str] = []
        index = 0
        delimiters = 0  # $$ and \\[ \\] met so far: inside one, an environment is the formula's
        while index < len(lines):
            inside = delimiters % 2 or index in fenced
            delimiters += 0 if index in fenced else len(DISPLAY_DELIMITER.findall(CODE_SPAN.sub("", lines[index])))
            match = None if inside else DISPLAY_ENVIRONMENT.match(lines[index])
            end = f"\\end{{{match.group(1)}{match.group(2)}}}" if match else ""
            last = None
            for i in range(index, len(lines) if match else index):  # within the block: TeX has no blank line there
                if end in lines[i]:
                    last = i
                    break
                if not lines[i].strip():
                    break
            if last is None or lines[last].split(end, 1)[1].strip():
                out.append(lines[index])
                index += 1
                continue
            tex = "\n".join(line.strip() for line in lines[index : last + 1])
            text = tex.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            out.extend(("", self.md.htmlStash.store(f'<div class="{DISPLAY}">{text}</div>'), ""))  # a block
            index = last + 1
        return out


class MathExtension(Extension):
    """Registers :class:`MathPattern` above every inline pattern but code spans (TeX's ``_``, ``*``
    and ``\\`` are not Markdown), and ``$`` among the characters a backslash escapes."""

    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 (Python-Markdown's name)
        md.registerExtension(self)
        if "$" not in md.ESCAPED_CHARS:
            md.ESCAPED_CHARS.append("$")
        md.preprocessors.register(EnvironmentBlocks(md), "report_build_math_environments", 29.5)
        md.inlinePatterns.register(MathPattern(PATTERN, md), "report_build_math", 185)
        md.inlinePatterns.register(EquationReference(REFERENCE, md), "report_build_math_reference", 184)
        md.inlinePatterns.register(MathPattern(CODE_PATTERN, md), "report_build_math_code", 191)


class FormulaError(ValueError):
    """A formula that cannot be read; the message says why, in words."""


@functools.lru_cache(maxsize=4096)
def to_mathml(tex: str, display: bool) -> str:
    """The MathML of a TeX formula (a ``<math>`` element with the TeX as ``alttext``); raise
    :class:`FormulaError` when latex2mathml cannot read it or meets a command it does not know."""
    source = " ".join(tex.split())
    if not source:
        raise FormulaError("it is empty")
    depth = 0
    for brace in re.findall(r"\\.|[{}]", tex):
        depth += {"{": 1, "}": -1}.get(brace, 0)
        if depth < 0:
            raise FormulaError("a } closes no {")
    if depth:
        raise FormulaError("a { is never closed")
    # Imported here: only a text with formulas pays for loading latex2mathml (0.03 s).
    from latex2mathml.converter import convert as latex_to_mathml

    try:
        markup = latex_to_mathml(_known_environments(tex), display="block" if display else "inline")
    except Exception as exc:  # latex2mathml raises many kinds, all meaning "cannot read this"
        name = type(exc).__name__
        words = re.sub(r"(?<!^)(?=[A-Z])", " ", name.removesuffix("Error")).lower()
        raise FormulaError(REASONS.get(name, words)) from None
    if STRAY_ALIGNMENT.search(markup):  # an & outside an environment that aligns, left as a letter
        raise FormulaError("an & outside an environment that aligns (aligned, cases, matrix…); \\& is the sign")
    try:  # latex2mathml leaves an & of TeX bare in text
        root = lxml_etree.fromstring(BARE_AMPERSAND.sub("&amp;", markup))
    except lxml_etree.XMLSyntaxError:
        raise FormulaError("its MathML could not be made") from None
    for element in root.iter():
        name = lxml_etree.QName(element).localname
        text = (element.text or "").strip()
        if UNKNOWN_COMMAND.match(text) and name in ("mi", "mo"):
            raise FormulaError(f"unknown command {text}")
        if name == "mtext" and element.text:
            element.text = TEXT_ESCAPE.sub(r"\1", element.text)  # \text{R\&D}: R&D
        if name in ARITY and len(element) != ARITY[name]:
            raise FormulaError(f"a {'fraction' if name == 'mfrac' else 'root or script'} misses a part")
    root.set("alttext", source)
    return lxml_etree.tostring(root, encoding="unicode")


def _known_environments(tex: str) -> str:
    """``tex`` with the environments latex2mathml does not know written as ones it does
    (:data:`ENVIRONMENTS`), and equation numbering's commands left out (``\\label``,
    ``\\nonumber``; an ``equation`` environment is its content)."""

    def known(match: re.Match[str]) -> str:
        begin, name = match.group(1) == "begin", ENVIRONMENTS[match.group(2)]
        if match.group(2) == "rcases":
            return "\\left.\\begin{array}{ll}" if begin else "\\end{array}\\right\\}"
        if not begin:
            name = name.split("}")[0]
        return f"\\{match.group(1)}{{{name}}}"

    return ENVIRONMENT.sub(known, NUMBERING.sub(" ", tex))


ACCENTS = {"\u00af": "\u0304", "^": "\u0302", "~": "\u0303", "\u02d9": "\u0307", "\u2192": "\u20d7"}


def text_of(mathml: Any) -> str:
    """A formula as plain text, for where only text can go (contents, bookmarks, running heads):
    its characters in order, an accent over a letter as a combining mark (X̄, σ̂)."""
    parts: list[str] = []
    for element in mathml.iter():
        text = (element.text or "").strip()
        parent = element.getparent()
        accent = parent is not None and lxml_etree.QName(parent).localname == "mover" and element is parent[-1]
        if accent and lxml_etree.QName(element).localname == "mo" and text in ACCENTS and parts:
            parts.append(ACCENTS[text])
        elif text:
            parts.append(text)
    return "".join(parts)


def plain_text(tex: str, display: bool = False) -> str:
    """:func:`text_of` a TeX formula; the TeX itself when it cannot be read."""
    try:
        return text_of(lxml_etree.fromstring(to_mathml(tex, display)))
    except FormulaError:
        return tex


def typeset(root: Any, ctx: Context) -> None:
    """Each formula placeholder becomes MathML (see the module's docstring); a formula that
    cannot be read is a warning at its line and stays as written, in code style. A displayed
    formula with a label (:func:`_label`) or a ``\\tag`` is numbered, in the order of the text,
    and can be referred to by its id; an ``align`` with one has a number on each row, as LaTeX
    numbers them (:func:`_rows`), each label naming its row."""
    placeholders = root.xpath(f"//*[@class='{INLINE}' or @class='{DISPLAY}']")
    found: dict[str, int] = {}  # the line each needle was last found at: a repeated formula is found again further on
    referred = _referred_to(root) if any(e.get("class") == DISPLAY for e in placeholders) else frozenset()
    numbered = 0
    labels: set[str] = set()

    def unique(label: str, tex: str) -> str:
        """``label``, or another id when it is given already: references land on the first."""
        if label in labels:  # this one is numbered all the same
            where = _line(tex, tex, ctx, found)
            ctx.warn(f"equation label '{label}' is given twice; references go to the first", where)
            label = f"{label}-{sum(1 for known in labels if known.startswith(label))}"
        if label:
            labels.add(label)
        return label

    for element in placeholders:
        display = element.get("class") == DISPLAY
        tex = element.text_content()
        rows = _rows(tex) if display else None
        label = _label(element, tex, referred) if display else ""
        try:
            mathml = lxml_etree.fromstring(to_mathml(tex, display))
        except FormulaError as exc:
            fence = element.tag == "div"  # a ```math fence: its source as a code block
            written = tex.strip("\n") if fence else f"{'$$' if display else '$'}{tex.strip()}{'$$' if display else '$'}"
            line = _fence_line(tex, ctx, found) if fence else _line(written, tex, ctx, found)
            ctx.warn(f"formula {_short(written)} cannot be read ({exc}); it is shown as written", line)
            code = lxml_etree.Element("code", {"class": MATH_SOURCE})
            code.text = written + ("\n" if fence else "")
            if fence:
                pre = lxml_etree.Element("pre")
                pre.append(code)
                code = pre
            _put(element, code, display)
            continue
        if display:
            wrapper = lxml_etree.Element("span", {"class": MATH_DISPLAY})
            wrapper.append(mathml)
            table = _row_table(mathml, rows) if rows else None
            if table is not None:  # a number on each row that has one, the row the label's target
                wrapper.set("class", f"{MATH_DISPLAY} {EQUATION}")
                shown = []
                for row, mtr in zip(rows, table, strict=True):
                    numbered += bool(row.numbered and not row.tag)
                    shown.append(row.tag or (f"({numbered})" if row.numbered else ""))
                    ident = unique(row.label, tex) if shown[-1] else ""
                    if ident:
                        mtr.set("id", ident)
                _number_rows(table, shown)
                _put(element, wrapper, display)
                continue
            label = unique(label, tex)
            tag = _tag(tex)
            if label or tag:
                numbered += not tag
                wrapper.set("class", f"{MATH_DISPLAY} {EQUATION}")
                if label:
                    wrapper.set("id", label)
                number = lxml_etree.SubElement(wrapper, "span", {"class": EQUATION_NUMBER})
                number.text = tag or f"({ctx.digits(numbered)})"
            _put(element, wrapper, display)
        else:
            _put(element, mathml, display)


@dataclass(frozen=True)
class Row:
    """A row of an environment LaTeX numbers row by row (``align``, ``gather``…)."""

    label: str  # the id its label gives, "" when it has none
    numbered: bool  # it takes the next number (not \\nonumber, \\notag, nor in a starred environment)
    tag: str  # its own number as shown, "(x)" for \\tag{x}; "" when it has none


def _rows(tex: str) -> list[Row] | None:
    """The rows of an ``align`` (``gather``, ``eqnarray``…) when one of them has a label or a
    ``\\tag``: numbered then as LaTeX numbers them, each row. None for any other formula, and
    for one with neither (not numbered, as an equation without a label is not)."""
    match = ROWS.match(tex)
    if match is None or not (TEX_LABEL.search(tex) or TAG.search(tex)):
        return None
    pieces, start, depth, body = [], 0, 0, match.group(3)
    for token in ROW_TOKEN.finditer(body):
        text = token.group(0)
        if text == "{" or text.startswith("\\begin"):
            depth += 1
        elif text == "}" or text.startswith("\\end"):
            depth -= 1
        if depth == 0 and text.startswith("\\\\"):
            pieces.append(body[start : token.start()])
            start = token.end()
    pieces.append(body[start:])
    rows = []
    for piece in pieces:
        if not piece.strip():
            continue  # a \\\\ at the end makes no row
        label = TEX_LABEL.search(piece)
        unnumbered = match.group(2) or re.search(r"\\(?:nonumber|notag)\b", piece)
        rows.append(Row(equation_id(label.group(1) or label.group(2)) if label else "", not unnumbered, _tag(piece)))
    return rows


def _tag(tex: str) -> str:
    """The number ``\\tag{x}`` gives a formula, as shown: "(x)" (``\\tag*{x}``: "x"); "" when none."""
    tag = TAG.search(tex)
    if tag is None:
        return ""
    return tag.group(2).strip() if tag.group(1) else f"({tag.group(2).strip()})"


def _row_table(mathml: Any, rows: list[Row]) -> Any:
    """The ``<mtable>`` of an environment's rows, when it has one ``<mtr>`` for each row; else None."""
    table = next(mathml.iter(f"{{{MATHML_NS}}}mtable"), None)
    if table is None or len(table) != len(rows) or any(lxml_etree.QName(r).localname != "mtr" for r in table):
        return None
    return table


def _number_rows(table: Any, shown: list[str]) -> None:
    """Each row's number in a column of its own at the right of the table, clear of its formula
    ("" leaves a row's cell empty). Every row is given as many cells, and every gap between
    columns its width (ziamath and browsers repeat a short list differently)."""
    width = max(len(row) for row in table)
    for row, text in zip(table, shown, strict=True):
        for _ in range(width - len(row)):
            lxml_etree.SubElement(row, f"{{{MATHML_NS}}}mtd")
        cell = lxml_etree.SubElement(row, f"{{{MATHML_NS}}}mtd", {"columnalign": "right"})
        if text:
            lxml_etree.SubElement(cell, f"{{{MATHML_NS}}}mtext").text = text
    gaps = (table.get("columnspacing") or "0.8em").split()
    table.set("columnspacing", " ".join([*(gaps[i % len(gaps)] for i in range(width - 1)), ROW_NUMBER_GAP]))


def equation_id(label: str) -> str:
    """The id of an equation labelled ``label`` (``eq:mass`` is ``eq-mass``): what its
    references name too."""
    ident = re.sub(r"[^\w.-]", "-", label.strip())
    return ident if ident[:1].isalpha() else f"eq-{ident}"


# A label in the TeX: LaTeX's \label{x}, bookdown's (\#eq:x)
TEX_LABEL = re.compile(r"\\label\{([^{}]+)\}|\(\\#(eq:[^()\s]+)\)")
# A label after the closing $$: Quarto's {#eq-x}, MyST's (x) (only when a reference names it)
TAIL_LABEL = re.compile(r"^[ \t]*(?:\{#(eq-[\w:.-]+)\}|\(([A-Za-z][\w:.-]*)\))")


def _label(element: Any, tex: str, referred: frozenset[str]) -> str:
    """The id of a displayed formula's label, or "": written in its TeX, or after it, where it
    is taken out of the text."""
    written = TEX_LABEL.search(tex)
    if written:
        return equation_id(written.group(1) or written.group(2))
    after = TAIL_LABEL.match(element.tail or "")
    if after and (after.group(1) or equation_id(after.group(2)) in referred):
        element.tail = element.tail[after.end() :]
        return equation_id(after.group(1) or after.group(2))
    return ""


def _referred_to(root: Any) -> frozenset[str]:
    """The keys the text's references name (:mod:`.refsyntax`'s placeholders)."""
    from .refsyntax import PLACEHOLDER, Reference

    text = "".join(root.itertext())
    return frozenset(item.key for m in PLACEHOLDER.finditer(text) for item in Reference.decode(m.group(1)).items)


def _put(placeholder: Any, replacement: Any, display: bool) -> None:
    """``replacement`` where ``placeholder`` was (its tail kept); a paragraph or a fence's
    ``<div>`` holding one displayed formula alone becomes ``<div class="math-display">``
    (with the formula's id and classes)."""
    parent = placeholder.getparent()
    replacement.tail = placeholder.tail
    parent.replace(placeholder, replacement)
    wrapper = MATH_DISPLAY in (replacement.get("class") or "").split()
    if placeholder.tag == "div":  # a ```math fence: a block already
        if wrapper:
            replacement.tag = "div"
        return
    alone = (
        display
        and parent.tag == "p"
        and len(parent) == 1
        and not (parent.text or "").strip()
        and not (replacement.tail or "").strip()
        and not parent.attrib
    )
    if alone and wrapper:
        parent.tag = "div"
        for name, value in replacement.attrib.items():
            parent.set(name, value)
        parent.text = None
        parent.remove(replacement)
        parent.extend(list(replacement))


def _line(written: str, tex: str, ctx: Context, found: dict[str, int]) -> int | None:
    """The line a formula is written on: where it is written whole, else its first line."""
    lines = [line.strip() for line in tex.split("\n") if line.strip()]
    for needle in ([written] if "\n" not in written else []) + lines[:1]:
        line = ctx.source.find(needle[:80], found.get(needle[:80], 0) + 1)
        if line is not None:
            found[needle[:80]] = line
            return line
    return None


def _fence_line(tex: str, ctx: Context, found: dict[str, int]) -> int | None:
    """The line of a ```math fence's first line of TeX (inside a fence: code, which
    :meth:`SourceMap.find` passes over)."""
    first = next((line.strip() for line in tex.split("\n") if line.strip()), "")
    key = f"fence:{first}"
    for number in range(max(found.get(key, 0), ctx.source.body_offset) + 1, len(ctx.source.lines) + 1):
        if first in ctx.source.lines[number - 1]:
            found[key] = number
            return number
    return None


def _short(text: str) -> str:
    text = " ".join(text.split())
    return f"'{text}'" if len(text) <= 60 else f"'{text[:57]}…'"
