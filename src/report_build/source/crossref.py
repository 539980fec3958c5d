"""Resolving references once the document is built: numbers, words, links and citations.

Runs on the finished :class:`~report_build.model.Document`: every figure, table and heading
has its id and number by then. Each placeholder left by :mod:`.refsyntax` becomes

- ``<a class="xref" href="#fig-x">Figure 3</a>`` (the word from the strings file of the
  document's language, the number in its digits: "شکل ۳" in Persian; ``[-@fig-x]`` gives the
  number alone; ``@sec-x`` gives "Section 4.2", or "Chapter 4" for a chapter). With
  ``page_references: true`` the link also carries the class ``xref-paged`` and ``data-page``
  (the word for "p."), from which print CSS adds " (p. 14)" by ``target-counter``; an ePub
  shows the link alone;
- a citation formatted by :class:`.citations.Formatter`, linked to its entry in the
  References chapter, which is added at the end (or fills a ``::: {#refs}`` div);
- for the cross-references of other tools (:data:`.refsyntax.STYLES`): the number alone
  (bookdown's ``\\@ref(x)``, "??" when it names nothing), the target's title (MyST's ``{ref}``),
  or "Figure 3" in a text of the author's (MyST's ``{numref}``); any id is a target then;
- ``?@fig-x`` for anything unknown, with a warning at the file and line it was written.

Invariants: bodies without placeholders are left byte for byte as they were; the numbering
is the numbering the writers print.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

import lxml.html

from ..contract import (
    CALLOUT_NUMBER,
    CHART_DATA_TABLE,
    CITATION,
    EQUATION,
    EQUATION_NUMBER,
    REFERENCES_ID,
    REFS_DIV_ID,
    STATEMENT,
    STATEMENT_LABEL,
    STATEMENT_NUMBER,
    SUBFIGURE,
    SUBFIGURE_LETTERS,
    UNTRANSLATED_NOTE,
    XREF,
    XREF_IN_PARENTHESES,
    XREF_MISSING,
    XREF_PAGED,
    callout_kind,
    reference_id,
    without_spoken_notes,
)
from ..model import Chapter, Document, Footnote, Table
from ..numerals import report_digits
from . import sanitize, theorems
from .citations import Formatter
from .passes.direction import first_strong_direction
from .refsyntax import PLACEHOLDER, XREF_PREFIXES, Item, Reference

HEADING = re.compile(r"^h([1-6])$")


@dataclass(frozen=True)
class Unresolved:
    """A reference or citation key that names nothing, where it was written: a fault (the
    build shows ``?@key`` in its place)."""

    key: str
    written: str
    line: int | None  # in the composed text
    xref: bool = False  # a cross-reference (another tool's too: \@ref(x), {ref}`x`), not a citation
    unnumbered: str = ""  # what holds the id without a number to refer by ("figure": it has no caption)

    @property
    def message(self) -> str:
        if self.unnumbered == "figure":
            return (
                f"reference {self.written}: the figure '{self.key}' has no caption, so no number to refer to; "
                f'give it one: ![alt text](image.png "Caption"){{#{self.key}}}'
            )
        if self.xref or self.key.startswith(XREF_PREFIXES):
            return (
                f"reference {self.written} names no figure, table, equation, section, statement or callout "
                f"with the id '{self.key}'"
            )
        return f"citation {self.written}: '{self.key}' is not in the bibliography"


@dataclass(frozen=True)
class Target:
    kind: str  # figure, table, chapter, section, equation, or a kind of statement (theorem, lemma…)
    number: str  # "3", "4.2"; "" when unnumbered
    label: str  # text shown when there is no number


def _subfigure(element: Any, found: dict[str, Target]) -> None:
    """A figure inside a numbered figure, as a target: "2 (a)", its letter after the figure's number."""
    outer = next(iter(element.xpath("ancestor::figure[1]")), None)
    whole = found.get(outer.get("id") or "") if outer is not None else None
    if whole is None or not whole.number:
        return
    position = outer.xpath(f".//figure[contains(concat(' ', @class, ' '), ' {SUBFIGURE} ')]").index(element)
    letter = SUBFIGURE_LETTERS[position % len(SUBFIGURE_LETTERS)]
    found[element.get("id")] = Target("figure", f"{whole.number}\u00a0({letter})", whole.label)


def targets(doc: Document) -> tuple[dict[str, Target], tuple[Table, ...]]:
    """Every figure, table and heading that can be referred to, and the document's tables.

    A target's number is written in the document's digits (:func:`..numerals.digits`: "2.1" is
    "۲.۱" in Persian), as its caption and the pages print it; a statement's or an equation's is
    read back from its label, which has them already (an equation's ``\\tag{x}`` as written)."""
    found: dict[str, Target] = {}

    def shown(number: object) -> str:
        return report_digits(number, doc.metadata)

    for figure in doc.figures:
        if figure.id and figure.number:
            found[figure.id] = Target("figure", shown(figure.number), _text(figure.caption))
    tables = []
    for chapter in doc.chapters:
        root = lxml.html.fragment_fromstring(chapter.body or "<p></p>", create_parent="div")
        counters = [chapter.number or 0, 0, 0, 0, 0, 0]
        for element in root.iter():
            if not isinstance(element.tag, str):
                continue
            level = HEADING.match(element.tag)
            if level is not None:
                depth = int(level.group(1))
                if depth > 1:
                    counters[depth - 1] += 1
                    for lower in range(depth, 6):
                        counters[lower] = 0
                ident = element.get("id")
                text = _words(element)
                if ident and depth == 1:
                    found[ident] = Target("chapter", shown(chapter.number or ""), chapter.title or text)
                elif ident:
                    numbered = chapter.number is not None
                    number = ".".join(str(n) for n in counters[:depth]) if numbered else ""
                    found[ident] = Target("section", shown(number), text)
            elif SUBFIGURE in (element.get("class") or "").split() and element.get("id"):
                _subfigure(element, found)
            elif STATEMENT in (element.get("class") or "").split() and element.get("id"):
                kind = next((c for c in element.get("class").split() if c in theorems.KINDS), STATEMENT)
                number = "".join(n.text_content() for n in element.find_class(STATEMENT_NUMBER)[:1])
                names = element.xpath(f"(.//*[@class='{STATEMENT_LABEL}'])[1]")
                found[element.get("id")] = Target(kind, number, _words(names[0]) if names else "")
            elif element.find_class(CALLOUT_NUMBER) and (kind := callout_kind(element.get("id") or "")):
                number = element.find_class(CALLOUT_NUMBER)[0].text_content()
                found[element.get("id")] = Target(f"callout:{kind}", number, "")
            elif element.tag == "mtr" and element.get("id") and len(element):  # a row of an align, its number last
                found[element.get("id")] = Target("equation", element[-1].text_content().strip().strip("()"), "")
            elif EQUATION in (element.get("class") or "").split() and element.get("id"):
                number = "".join(n.text_content() for n in element.find_class(EQUATION_NUMBER)).strip("()")
                found[element.get("id")] = Target("equation", number, "")
            elif (
                element.tag == "table"
                and element.find("caption") is not None
                and CHART_DATA_TABLE not in (element.get("class") or "").split()  # a chart's data: not numbered
            ):
                caption = element.find("caption")
                number = len(tables) + 1
                labels = caption.find_class("table-label")
                text = _words(caption)
                if labels:
                    label_text = _words(labels[0])
                    text = text[len(label_text) :].strip()
                ident = element.get("id") or ""
                tables.append(Table(number, ident, html.escape(text, quote=False)))
                if ident:
                    found[ident] = Target("table", shown(number), text)
    return found, tuple(tables)


def anchors(doc: Document) -> frozenset[str]:
    """Every id of the chapters: what another tool's cross-reference may name (a MyST target)."""
    return frozenset(ident for chapter in doc.chapters for ident in chapter.ids)


def _in_parentheses(match: re.Match[str]) -> bool:
    """Whether a reference is written alone inside parentheses: "(@fig-x)"."""
    return match.string[: match.start()].rstrip().endswith("(") and match.string[match.end() :].lstrip().startswith(")")


def _words(element: Any) -> str:
    """An element's text, white space collapsed, without the words for screen readers before
    its untranslated passages (:func:`.contract.without_spoken_notes`)."""
    return " ".join("".join(element.xpath(SHOWN_TEXT)).split())


SHOWN_TEXT = f".//text()[not(ancestor::span[@class='{UNTRANSLATED_NOTE}'])]"


def _text(markup: str) -> str:
    return html.unescape(" ".join(re.sub(r"<[^>]+>", "", without_spoken_notes(markup)).split()))


def words(kind: str, strings: dict[str, Any]) -> str:
    if kind.startswith("callout:"):  # a numbered callout: "Note", in the document's language
        name = kind.split(":", 1)[1]
        return str((strings.get("callouts") or {}).get(name) or name.capitalize())
    if kind in theorems.KINDS:
        return theorems.word(kind, strings)
    return str(strings.get(kind, kind.capitalize()))


class Resolver:
    def __init__(
        self,
        doc: Document,
        strings: dict[str, Any],
        formatter: Formatter | None,
        find_line: Callable[[str], int | None],
    ):
        self.doc = doc
        self.strings = strings
        self.formatter = formatter
        self.find_line = find_line
        self.targets, self.tables = targets(doc)
        self.anchors = anchors(doc)
        self.unresolved: list[Unresolved] = []
        self.cited: set[str] = set()
        self.keys = formatter.bibliography.keys if formatter else frozenset()
        self.paged = doc.metadata.page_references

    def references(self, text: str) -> list[Reference]:
        return [Reference.decode(m.group(1)) for m in PLACEHOLDER.finditer(text)]

    def register_all(self) -> dict[str, int]:
        """Register citations with the processor in reading order (numbered styles need it)."""
        order: dict[str, int] = {}
        if self.formatter is None:
            return order
        texts = [c.body for c in self.doc.chapters] + [n.html for n in self.doc.footnotes]
        for text in texts:
            for match in PLACEHOLDER.finditer(text):
                reference = Reference.decode(match.group(1))
                if match.group(1) in order or reference.is_xref:
                    continue
                known = tuple(i for i in reference.items if i.key.lower() in self.keys)
                if known and len(known) == len(reference.items):
                    order[match.group(1)] = self.formatter.register(known)
        self.formatter.sort()
        return order

    def replace(self, text: str, order: dict[str, int]) -> str:
        return PLACEHOLDER.sub(lambda m: self.render(m.group(1), order, _in_parentheses(m)), text)

    def render(self, hexed: str, order: dict[str, int], in_parentheses: bool = False) -> str:
        reference = Reference.decode(hexed)
        if reference.is_xref:
            return "".join(self.xref(item, reference, in_parentheses) for item in reference.items)
        missing = [i for i in reference.items if i.key.lower() not in self.keys]
        if missing:
            for item in missing:
                self.miss(item.key, reference)
            return html.escape(reference.written, quote=False).replace("@", "?@")
        self.cited.update(i.key.lower() for i in reference.items)
        first = reference.items[0].key.lower()
        if reference.bracketed and hexed in order:
            text = self.formatter.cite(order[hexed])
        else:
            text = self.in_text(reference.items[0])
        target = html.escape(reference_id(first))
        cited = f'<a class="{CITATION}" href="#{target}" role="doc-biblioref">{text}</a>'
        if self.doc.metadata.direction == "rtl" and first_strong_direction(text) == "ltr":
            return f'<span dir="ltr">{cited}</span>'  # "(Smith, 2020)" reads as a unit in Arabic
        return cited

    def xref(self, item: Item, reference: Reference, in_parentheses: bool = False) -> str:
        target = self.targets.get(item.key)
        written = html.escape(("-" if item.suppress else "") + "@" + item.key, quote=False)
        if target is None and item.key[:1].isupper() and not reference.style:  # Quarto's @Fig-x: "Figure 1"
            lowered = item.key[0].lower() + item.key[1:]
            target = self.targets.get(lowered)
            if target is None:  # no such target: a mention (@Tip-Top), shown as written
                return written
            item = replace(item, key=lowered)
        if target is None and reference.style and item.key in self.anchors and item.text:
            target = Target("anchor", "", item.text)
        if target is None and not reference.style and self._mention(item.key):
            return written
        if target is None:
            self.miss(item.key, reference)
            if reference.style in ("number", "equation"):
                shown = "??" if reference.style == "number" else "(??)"
                return f'<span class="{XREF_MISSING}">{shown}</span>'
            if reference.style:
                return f'<span class="{XREF_MISSING}">{html.escape(item.text or item.key)}</span>'
            return f'<span class="{XREF_MISSING}">?@{html.escape(item.key)}</span>'
        prefix = html.escape(item.prefix + " ", quote=False) if item.prefix else ""
        if reference.style:
            shown = self.styled(item, target, reference.style)
        elif item.suppress or not target.number:
            shown = target.number or target.label
        elif item.prefix and reference.bracketed:  # Quarto's [Tab. @tbl-x]: the prefix is the word, "Tab. 1"
            shown, prefix = f"{item.prefix}\u00a0{target.number}", ""
        else:
            shown = f"{words(target.kind, self.strings)}\u00a0{target.number}"
        suffix = html.escape(" " + item.suffix, quote=False) if item.suffix else ""
        paged = self.paged and not item.suppress
        classes = [XREF, *([XREF_PAGED] if paged else []), *([XREF_IN_PARENTHESES] if paged and in_parentheses else [])]
        attributes = f' class="{" ".join(classes)}"'
        if paged:
            attributes += f' data-page="{html.escape(str(self.strings.get("page_short", "p.")))}"'
        return f'{prefix}<a{attributes} href="#{html.escape(item.key)}">{html.escape(shown)}</a>{suffix}'

    def styled(self, item: Item, target: Target, style: str) -> str:
        """What another tool's cross-reference shows (:data:`.refsyntax.STYLES`)."""
        if style == "number":
            return target.number or target.label
        if style == "equation":
            return f"({target.number})" if target.number else target.label
        if style == "title":
            return item.text or target.label or target.number
        named = f"{words(target.kind, self.strings)}\u00a0{target.number}" if target.number else target.label
        if not item.text:
            return named
        return item.text.replace("%s", target.number).replace("{number}", target.number).replace("{name}", target.label)

    def in_text(self, item: Item) -> str:
        """``@key says``: the authors, then the year (and locator) in parentheses."""
        entry = self.formatter.bibliography.source[item.key.lower()]
        names = []
        for name in entry.get("author", []) or entry.get("editor", []) or []:
            literal = name.get("literal") if hasattr(name, "get") else None
            names.append(sanitize.plain(str(literal or name.get("family") or "")))
        joiner = f" {self.strings.get('and', 'and')} "
        who = joiner.join(n for n in names if n) or sanitize.plain(str(entry.get("title", item.key)))
        issued = entry.get("issued")
        year = str(issued.get("year", "")) if hasattr(issued, "get") else ""
        inside = year + (f", {self.strings.get('page_short', 'p.')} {item.locator}" if item.locator else "")
        return html.escape(who, quote=False) + (f" ({html.escape(inside, quote=False)})" if inside else "")

    def _mention(self, key: str) -> bool:
        """Whether ``@tip-top`` is someone's name (a mention, as GitHub reads it) rather than a
        reference to a callout: the report numbers no callout (Quarto's ``{#tip-x}``)."""
        return bool(callout_kind(key)) and not any(t.kind.startswith("callout:") for t in self.targets.values())

    def miss(self, key: str, reference: Reference) -> None:
        uncaptioned = any(figure.id == key and not figure.caption for figure in self.doc.figures)
        self.unresolved.append(
            Unresolved(
                key,
                reference.written,
                self.find_line(reference.written),
                reference.is_xref,
                "figure" if uncaptioned else "",
            )
        )


def resolve(doc: Document, strings: dict[str, Any], formatter: Formatter | None, find_line) -> tuple[Document, list]:
    """The document with every reference written out, and what could not be resolved."""
    resolver = Resolver(doc, strings, formatter, find_line)
    order = resolver.register_all()
    chapters = []
    for chapter in doc.chapters:
        notes = tuple(
            replace(
                note, html=resolver.replace(note.html, order), inline_html=resolver.replace(note.inline_html, order)
            )
            if "\ue000" in note.html
            else note
            for note in chapter.footnotes
        )
        body = resolver.replace(chapter.body, order) if "\ue000" in chapter.body else chapter.body
        chapters.append(replace(chapter, body=body, footnotes=notes))
    if formatter is not None and resolver.cited:
        chapters = _with_references(chapters, formatter, strings)
    figures = tuple(replace(f, caption=resolver.replace(f.caption, order)) for f in doc.figures)
    return replace(doc, chapters=tuple(chapters), figures=figures, tables=resolver.tables), resolver.unresolved


def _with_references(chapters: list[Chapter], formatter: Formatter, strings: dict[str, Any]) -> list[Chapter]:
    items = "".join(
        f'<li class="reference" id="{html.escape(reference_id(key))}">{entry}</li>'
        for key, entry in formatter.entries()
    )
    entries = f'<ol class="references">{items}</ol>'
    holder = re.compile(rf'(<div[^>]*id="{REFS_DIV_ID}"[^>]*>)\s*(</div>)')
    for index, chapter in enumerate(chapters):  # ::: {#refs} places them
        if holder.search(chapter.body):
            body = holder.sub(lambda m: m.group(1) + entries + m.group(2), chapter.body, count=1)
            chapters[index] = replace(chapter, body=body, ids=chapter.ids | _ids(entries))
            return chapters
    title = str(strings.get("references", "References"))
    last = chapters[-1] if chapters else None
    if last is not None and _awaits_references(last, title):  # "# References" left empty, as pandoc has it
        body = f'{last.body.rstrip()}<div class="bibliography" role="doc-bibliography">{entries}</div>'
        chapters[-1] = replace(last, body=body, ids=last.ids | _ids(entries))
        return chapters
    taken = any(REFERENCES_ID in chapter.ids for chapter in chapters)
    ident = f"{REFERENCES_ID}-list" if taken else REFERENCES_ID
    body = (
        f'<h1 id="{ident}" class="unnumbered">{html.escape(title)}</h1>'
        f'<div class="bibliography" role="doc-bibliography">{entries}</div>'
    )
    chapters.append(
        Chapter(
            index=len(chapters),
            id=ident,
            title=title,
            number=None,
            body=body,
            ids=frozenset({ident}) | _ids(entries),
        )
    )
    return chapters


REFERENCE_TITLES = frozenset({"references", "bibliography", "works cited", "sources", "literature", "reference list"})
REFERENCE_IDS = frozenset({REFS_DIV_ID, REFERENCES_ID, "bibliography"})
HEADING_ONLY = re.compile(r"^\s*<h1\b[^>]*>.*?</h1>\s*$", re.DOTALL)


def _awaits_references(chapter: Chapter, title: str) -> bool:
    """Whether the last chapter is a heading for the references and nothing else (``# References``,
    ``# Bibliography {#refs .unnumbered}``, bookdown's ``# References {-}``): pandoc puts them
    there, and an added chapter would be a second one."""
    named = chapter.title.strip().casefold() in REFERENCE_TITLES | {title.casefold()} or chapter.id in REFERENCE_IDS
    return named and HEADING_ONLY.match(chapter.body) is not None


def _ids(markup: str) -> frozenset[str]:
    return frozenset(re.findall(r'\bid="([^"]+)"', markup))


__all__ = ["Footnote", "Unresolved", "resolve", "targets"]
