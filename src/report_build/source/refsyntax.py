"""The Markdown side of references: ``@fig-x``, ``[-@tbl-x]``, ``[@key, p. 33]``, ``[see @a; @b]``.

Python-Markdown reads these into placeholders, which the parser carries through cleaning and
chapter building untouched; :mod:`.crossref` replaces them once every figure, table and section
has its number. A placeholder is U+E000, the reference as hexadecimal UTF-8 JSON, U+E001: no
Markdown or typographic rule can change it, and no cleaning removes it.

Invariants: ``@word``, bare or in brackets, is a reference only when it is a cross-reference
label (``fig-``, ``tbl-``, ``sec-``, ``eq-``, or Quarto's for a theorem-like statement: ``thm-``,
``lem-``, ``cor-``, ``prp-``, ``cnj-``, ``def-``, ``exm-``, ``exr-``; for a callout: ``nte-``,
``tip-``, ``wrn-``, ``imp-``, ``cau-``) or the document has a
bibliography (a bare one: when the word is one of its keys); text in code is never read; an
e-mail address is never a reference.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

import markdown
from markdown.extensions import Extension
from markdown.inlinepatterns import InlineProcessor
from markdown.treeprocessors import Treeprocessor

from ..contract import CALLOUT_PREFIXES

START, END = "\ue000", "\ue001"
PLACEHOLDER = re.compile(f"{START}([0-9a-f]+){END}")
_KINDS = (
    *("fig-", "tbl-", "sec-", "eq-", "thm-", "lem-", "cor-", "prp-", "cnj-", "def-", "exm-", "exr-"),
    *(f"{prefix}-" for prefix in CALLOUT_PREFIXES),  # Quarto's callouts: @nte-x, @wrn-x
)
XREF_PREFIXES = (*_KINDS, *(kind.capitalize() for kind in _KINDS))  # Quarto's @Fig-x starts a sentence
KEY = r"[A-Za-z0-9_](?:[\w:.#/-]*\w)?"
BRACKETED = re.compile(r"\[((?:[^\[\]]*?[\s;])?-?@" + KEY + r"[^\[\]]*)\](?![\(\[:])")
BARE = re.compile(r"(?<![\w@.\\/`])@(" + KEY + r")")
ITEM = re.compile(r"^(?P<prefix>(?:.*?\s)?)(?P<suppress>-)?@(?P<key>" + KEY + r")(?P<suffix>.*)$", re.DOTALL)
LOCATOR = re.compile(
    r"^\s*,?\s*(?P<label>p|pp|page|pages|chap|chapter|sec|section|para|paragraph|fig|figure|§)\.?\s*"
    r"(?P<value>[\w\u2013\u2014-]+(?:\s*[,\u2013-]\s*\w+)*)(?P<rest>.*)$",
    re.IGNORECASE,
)
LABELS = {
    "p": "page",
    "pp": "page",
    "pages": "page",
    "chap": "chapter",
    "sec": "section",
    "§": "section",
    "para": "paragraph",
    "fig": "figure",
}


@dataclass(frozen=True)
class Item:
    key: str
    prefix: str = ""
    suffix: str = ""
    locator: str = ""
    label: str = ""  # CSL locator label: page, chapter, section ...
    suppress: bool = False  # [-@x]: the number (or year) alone
    text: str = ""  # the link's own text, as other tools write it (MyST {ref}`text <label>`)


@dataclass(frozen=True)
class Reference:
    """One reference as written: a bracketed group, or a bare ``@key`` in the text."""

    items: tuple[Item, ...]
    bracketed: bool
    written: str  # the source text, to find its line
    style: str = ""  # how another tool shows a cross-reference (see STYLES); "" as Quarto does

    @property
    def is_xref(self) -> bool:
        return bool(self.style) or self.items[0].key.startswith(XREF_PREFIXES)

    def encode(self) -> str:
        data = {"b": self.bracketed, "w": self.written, "s": self.style, "i": [item.__dict__ for item in self.items]}
        return START + json.dumps(data, ensure_ascii=False).encode("utf-8").hex() + END

    @staticmethod
    def decode(hexed: str) -> Reference:
        data = json.loads(bytes.fromhex(hexed).decode("utf-8"))
        return Reference(tuple(Item(**item) for item in data["i"]), data["b"], data["w"], data.get("s", ""))


STYLES = {
    "number": "the number alone, '??' when it names nothing (bookdown's \\@ref)",
    "title": "the target's title, or the text given (MyST's {ref})",
    "numref": "'Figure 3', or the text given with %s or {number} for the number (MyST's {numref})",
    "equation": "the number in parentheses, '(3)', '(??)' when it names nothing (MyST's {eq}, LaTeX's \\eqref)",
}
"""Cross-references of other tools (:mod:`.dialects`): any label, not only ``fig-``, ``tbl-``, ``sec-``, ``eq-``."""


def parse_item(text: str) -> Item | None:
    match = ITEM.match(text.strip())
    if match is None:
        return None
    suffix = match.group("suffix")
    locator = label = ""
    found = LOCATOR.match(suffix)
    if found is not None:
        word = found.group("label").lower()
        label = LABELS.get(word, word)
        locator, suffix = found.group("value").strip(), found.group("rest")
    elif suffix.strip().startswith(","):
        suffix = suffix.strip()[1:]
    return Item(
        key=match.group("key"),
        prefix=match.group("prefix").strip(),
        suffix=suffix.strip(),
        locator=locator,
        label=label,
        suppress=bool(match.group("suppress")),
    )


class _Bracketed(InlineProcessor):
    def __init__(self, keys: frozenset[str]):
        super().__init__(BRACKETED.pattern)
        self.keys = keys

    def handleMatch(self, m: re.Match[str], data: str) -> tuple[str | None, int | None, int | None]:  # noqa: N802
        items = [parse_item(part) for part in m.group(1).split(";")]
        if not items or any(item is None for item in items):
            return None, None, None
        reference = Reference(tuple(i for i in items if i is not None), True, m.group(0))
        if not self.keys and not all(i.key.startswith(XREF_PREFIXES) for i in reference.items):
            return None, None, None  # no bibliography: "[@someone]" is a handle, not a citation
        return reference.encode(), m.start(0), m.end(0)


class _Bare(InlineProcessor):
    def __init__(self, keys: frozenset[str]):
        super().__init__(BARE.pattern)
        self.keys = keys

    def handleMatch(self, m: re.Match[str], data: str) -> tuple[str | None, int | None, int | None]:  # noqa: N802
        key = m.group(1)
        if not key.startswith(XREF_PREFIXES) and (not self.keys or key.lower() not in self.keys):
            return None, None, None
        return Reference((Item(key),), False, m.group(0)).encode(), m.start(0), m.end(0)


CAPTION_ID = re.compile(r"\s*\{\s*#([A-Za-z][\w:.-]*)\s*\}\s*$")


class _CaptionIds(Treeprocessor):
    """``Table: caption {#tbl-x}``: the id goes to the table (after captions are made)."""

    def run(self, root: Any) -> None:
        for table in root.iter("table"):
            caption = table.find("caption")
            if caption is None:
                continue
            last = caption[-1] if len(caption) else None
            text = (last.tail if last is not None else caption.text) or ""
            match = CAPTION_ID.search(text)
            if match is None:
                continue
            table.set("id", match.group(1))
            if last is not None:
                last.tail = text[: match.start()]
            else:
                caption.text = text[: match.start()]


class ReferenceExtension(Extension):
    """Registers both patterns before links (``[see @a]`` is not a link) and after code spans."""

    def __init__(self, keys: frozenset[str] = frozenset(), **kwargs: object):
        super().__init__(**kwargs)
        self.keys = frozenset(key.lower() for key in keys)

    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 (Python-Markdown's name)
        md.inlinePatterns.register(_Bracketed(self.keys), "report_build_citation", 175)
        md.inlinePatterns.register(_Bare(self.keys), "report_build_reference", 174)
        md.treeprocessors.register(_CaptionIds(md), "report_build_caption_ids", 3)


def register(md: markdown.Markdown, keys: frozenset[str] = frozenset()) -> None:
    ReferenceExtension(keys).extendMarkdown(md)
