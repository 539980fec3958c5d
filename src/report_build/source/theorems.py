"""Theorem-like statements, as bookdown and Quarto write them, numbered by kind.

The kinds are bookdown's and Quarto's (:data:`KINDS`): a theorem, lemma, corollary, proposition,
conjecture, definition, example, exercise or hypothesis is numbered, each kind on its own count
through the whole report, as figures and tables are; a proof, remark or solution is not. They are
written

- as a bookdown chunk, ```` ```{theorem, label="pyth", name="Pythagorean"} ```` (the label may
  come first: ```` ```{lemma pyth} ````), read by :mod:`.dialects.bookdown`;
- as a fenced div with the kind as its class, ``::: {.theorem #pyth name="Pythagorean"}``
  (bookdown), or with the kind's prefix in its id, ``::: {#thm-pyth}`` (Quarto, whose first
  heading inside is the name), read by :func:`lines`. A class names a numbered kind only in
  bookdown's files (``.Rmd``): elsewhere ``::: {.example}`` is a div an author styles, as pandoc
  and Quarto show it (Quarto numbers a statement by its id alone); ``::: {.proof}`` (``.remark``,
  ``.solution``) is Quarto's too, in any file.

Either becomes ``<div class="statement theorem" id="thm-pyth">`` with the name in a
``<p class="statement-name">`` first, and the Markdown inside read as Markdown. The id is the
one a reference names: bookdown's ``\\@ref(thm:pyth)`` and Quarto's ``@thm-pyth`` (a
bookdown label is given its kind's prefix, ``pyth`` is ``thm-pyth``).

:func:`number`, a pass over the tree, numbers them in the order of the text and writes each
one's label at the start of its first paragraph, as bookdown prints it: "**Theorem 1**
(Pythagorean). text", "*Proof.* text", the kind's word in the document's language (``theorems``
in the layout's strings). :mod:`.crossref` reads the number back from the label.

Invariant: a text with none of these syntaxes is left as it was, line for line.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from lxml import etree

from ..contract import STATEMENT, STATEMENT_LABEL, STATEMENT_NAME, STATEMENT_NUMBER
from .divs import ATTRIBUTE, DIV_OPEN

if TYPE_CHECKING:
    from .tree import Context

KINDS = {  # kind: the prefix of its labels (bookdown's thm:x, Quarto's thm-x); None: not numbered
    "theorem": "thm",
    "lemma": "lem",
    "corollary": "cor",
    "proposition": "prp",
    "conjecture": "cnj",
    "definition": "def",
    "example": "exm",
    "exercise": "exr",
    "hypothesis": "hyp",
    "proof": None,
    "remark": None,
    "solution": None,
}
PREFIXES = {prefix: kind for kind, prefix in KINDS.items() if prefix}
"""The kind a label's prefix names: ``thm`` is a theorem."""

HEADING = re.compile(r"^ {0,3}#{1,6}[ \t]+(.+?)(?:[ \t]+#+)?[ \t]*$")

Numbered = list[tuple[str, int]]


def kind_of_id(ident: str) -> str | None:
    """The kind a Quarto id names by its prefix (``thm-pyth``: a theorem); None for any other id."""
    prefix, dash, rest = ident.partition("-")
    return PREFIXES.get(prefix) if dash and rest else None


def statement_id(kind: str, label: str) -> str:
    """The id of a statement of ``kind`` labelled ``label``: ``pyth`` is ``thm-pyth``; a label
    that already has its kind's prefix, or an unnumbered kind's, is kept."""
    prefix = KINDS[kind]
    if not label or prefix is None or label.startswith((f"{prefix}-", f"{prefix}:")):
        return label.replace(":", "-", 1) if prefix and label.startswith(f"{prefix}:") else label
    return f"{prefix}-{label}"


def opening(kind: str, ident: str, name: str, indent: str = "") -> list[str]:
    """The lines that open a statement (:func:`closing` ends it): its ``<div>``, and its name."""
    id_attribute = f' id="{html.escape(ident)}"' if ident else ""
    lines = ["", f'{indent}<div class="{STATEMENT} {kind}"{id_attribute} markdown="1">', ""]
    return lines + name_lines(name, indent)


def name_lines(name: str, indent: str = "") -> list[str]:
    """A statement's name (Markdown, inline) as the paragraph :func:`number` makes it part of the label."""
    name = " ".join(name.replace("<", "&lt;").split())
    return [f'{indent}<p class="{STATEMENT_NAME}" markdown="span">{name}</p>', ""] if name else []


def closing(indent: str = "") -> list[str]:
    return ["", f"{indent}</div>", ""]


def lines(numbered: Numbered, code_of: Callable[[Numbered], set[int]], bookdown: bool = True) -> Numbered:
    """The lines with each fenced div that is a statement opened as one: ``::: {.theorem #pyth
    name="Pythagorean"}`` (bookdown, when ``bookdown``: the file is bookdown's) or ``::: {#thm-pyth}``
    (Quarto, its first heading the name) become ``::: {.statement .theorem #thm-pyth}`` and the
    name's paragraph. Its closing ``:::`` stays, and ends the div as any other. Lines of fenced
    code (``code_of(numbered)``, walked only when a line holds ``:::``) are not read."""
    if not any(":::" in line for line, _ in numbered):
        return numbered
    code = code_of(numbered)
    out: Numbered = []
    skip: set[int] = set()
    for index, (line, number) in enumerate(numbered):
        if index in skip:
            continue
        opened = None if index in code else DIV_OPEN.match(line)
        found = _statement(opened.group(2) or "." + opened.group(3), bookdown) if opened else None
        if found is None:
            out.append((line, number))
            continue
        kind, ident, name, rest, quarto = found
        out.append((f"{opened.group(1)} {{.{STATEMENT} .{kind}{' #' + ident if ident else ''}{rest}}}", number))
        if quarto and not name:  # Quarto: a heading first inside is the statement's name
            first = next((i for i in range(index + 1, len(numbered)) if numbered[i][0].strip()), None)
            heading = HEADING.match(numbered[first][0]) if first is not None and first not in code else None
            if heading is not None:
                name = re.sub(r"\s*\{[^{}]*\}\s*$", "", heading.group(1))
                skip.add(first)
        out.extend((text, number) for text in name_lines(name))
    return out


def _statement(attributes: str, bookdown: bool) -> tuple[str, str, str, str, bool] | None:
    """(kind, id, name, the other attributes, written as Quarto?) of a div that is a statement;
    a class names a numbered kind only in a bookdown file (see the module)."""
    classes, ident, named, others = [], "", {}, []
    for match in ATTRIBUTE.finditer(attributes):
        if match.group(1) and match.group(1)[0] == ".":
            classes.append(match.group(1)[1:])
        elif match.group(1):
            ident = match.group(1)[1:]
        else:
            value = match.group(3)
            named[match.group(2)] = value[1:-1] if value[:1] in "\"'" else value
            if match.group(2) != "name":
                others.append(match.group(0))
    if ATTRIBUTE.sub("", attributes).strip() or STATEMENT in classes:
        return None  # not attributes the div reader understands; or read already
    kind = next((c for c in classes if c in KINDS and (bookdown or KINDS[c] is None)), None)
    quarto = kind is None
    kind = kind or kind_of_id(ident)
    if kind is None:
        return None
    rest = "".join(f" .{c}" for c in classes if c != kind) + "".join(f" {o}" for o in others)
    return kind, statement_id(kind, ident), named.get("name", ""), rest, quarto


def word(kind: str, strings: dict[str, Any]) -> str:
    """The word for a kind of statement in the document's language ("Theorem", "Théorème")."""
    return str((strings.get("theorems") or {}).get(kind) or kind.capitalize())


def number(root: etree._Element, ctx: Context) -> None:
    """Number the statements (``div.statement``) by kind in the order of the text, and begin
    each with its label: "**Theorem 2** (name). " or "**Theorem 2.** " in its first paragraph (a
    paragraph of its own when it begins with something else); "*Proof.* " for the kinds not
    numbered, the number in the document's digits ("**قضیه ۲**" in Persian). The name's
    paragraph goes into the label."""
    counts: dict[str, int] = {}
    for block in root.xpath(f"//div[contains(concat(' ', @class, ' '), ' {STATEMENT} ')]"):
        kind = next((c for c in block.get("class", "").split() if c in KINDS), None)
        if kind is None:
            continue
        label = etree.Element("span", {"class": STATEMENT_LABEL})
        shown = etree.SubElement(label, "strong" if KINDS[kind] else "em")
        shown.text = word(kind, ctx.theme.strings)
        if KINDS[kind]:
            counts[kind] = counts.get(kind, 0) + 1
            shown.text += " "
            count = etree.SubElement(shown, "span", {"class": STATEMENT_NUMBER})
            count.text = ctx.digits(counts[kind])
        names = block.xpath(f"p[@class='{STATEMENT_NAME}']")
        if names:
            name = names[0]
            shown.tail = " (" + (name.text or "")
            label.extend(list(name))
            label[-1].tail = (label[-1].tail or "") + ")."
            block.remove(name)
        elif KINDS[kind]:
            count.tail = "."
        else:
            shown.text += "."
        first = next((child for child in block if isinstance(child.tag, str)), None)
        if first is None or first.tag != "p":
            first = etree.Element("p")
            block.insert(0, first)
        label.tail = " " + (first.text or "") if (first.text or len(first)) else None
        first.text = None
        first.insert(0, label)
