"""Parallel layout, the layout's rules that reach across pages: what a group must be told
because the stylesheets carry it from page to page, read from the stylesheets' text.

Two kinds can be handed over (:mod:`.handover`): a ``target-counter(..., page)`` rule (contents,
lists of figures, cross-references), repeated with ``attr(data-rb-page)`` in its place, and a
named string set from an element's text (``string-set``: the report title of the running
heads). A layout that relies on something else carried from page to page (its own counters,
``target-text``, a page total or a target in a page margin) is not cut: :func:`read_rules` says
why, and the build lays out in one pass. No WeasyPrint here.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import tinycss2

from ...cache import BuildCache, stamp
from ...numerals import COUNTER_STYLE

PAGE_ATTRIBUTE = "data-rb-page"
"""Set on a link whose target another group holds: the target's page number (Latin digits)."""
DIGITS_ATTRIBUTE = "data-rb-page-digits"
"""Set with :data:`PAGE_ATTRIBUTE`: the same number in the ``rb-digits`` counter style (the
language's digits), for a rule that prints it so; a rule without a counter style prints Latin ones."""

ENTRY = "layout-rules.json"  # the build cache's entry (read_rules)
CARRIED_COUNTERS = frozenset({"page", "footnote"})  # counters the hand-over carries


@dataclass(frozen=True)
class Rules:
    """What the layout's stylesheets carry from page to page: the rules that print a target's
    page number (repeated with the hand-over's number), and the selectors that set named strings."""

    page_number_rules: tuple[tuple[str, str, str], ...] = ()  # (selectors, narrowed, content with the attr)
    strings: tuple[tuple[str, str], ...] = ()  # (selector, string name), set from the element's text


def read_rules(stylesheets: Iterable[str], cache: BuildCache | None = None) -> Rules | str:
    """The :class:`Rules` of the stylesheets (texts, in cascade order), or why they cannot be
    laid out in groups. With ``cache`` (the build's), they are kept there for a digest of the
    texts, and the next build reads them back rather than parse the stylesheets (0.03 s for
    the default layouts)."""
    texts = tuple(stylesheets)
    if cache is None:
        return _read_rules(texts)
    digest = stamp("layout rules 3", texts, sys.modules[__name__], tinycss2)
    kept = _kept_rules(cache.read_kept(ENTRY, digest))
    if kept is not None:
        return kept
    rules = _read_rules(texts)
    found = (
        {"refusal": rules}
        if isinstance(rules, str)
        else {"page_number_rules": rules.page_number_rules, "strings": rules.strings}
    )
    cache.keep(ENTRY, digest, found)
    return rules


def _kept_rules(found: Any) -> Rules | str | None:
    """The rules a cache entry holds, or None (no entry, or not one :func:`read_rules` wrote)."""
    if found is None:
        return None
    try:
        if set(found) == {"refusal"} and isinstance(found["refusal"], str):
            return str(found["refusal"])
        page_number_rules = tuple(
            (str(selectors), str(narrowed), str(content)) for selectors, narrowed, content in found["page_number_rules"]
        )
        strings = tuple((str(selector), str(name)) for selector, name in found["strings"])
    except (ValueError, TypeError, KeyError, AttributeError):
        return None
    return Rules(page_number_rules, strings)


@functools.lru_cache(maxsize=8)  # a pure function of the texts: a watch's rebuilds reuse it
def _read_rules(stylesheets: tuple[str, ...]) -> Rules | str:
    page_rules: list[tuple[str, str, str]] = []
    strings: list[tuple[str, str]] = []
    for text in stylesheets:
        refusal = _page_rules_refusal(text)
        if refusal:
            return refusal
        for rule in _style_rules(tinycss2.parse_stylesheet(text, skip_comments=True, skip_whitespace=True)):
            selectors = tinycss2.serialize(rule.prelude).strip()
            for declaration in tinycss2.parse_blocks_contents(rule.content, skip_comments=True, skip_whitespace=True):
                if declaration.type != "declaration":
                    continue
                name = declaration.lower_name
                value = declaration.value
                functions = list(_functions(value))
                if any(f.lower_name in ("target-counters", "target-text") for f in functions):
                    return f"'{selectors}' uses {name}: target-counters() or target-text()"
                if name == "content" and any(f.lower_name == "target-counter" for f in functions):
                    rewritten = _page_number_content(value)
                    if rewritten is None:
                        return f"'{selectors}' prints a target's counter other than its page number"
                    page_rules.append((selectors, _with_attribute(selectors), rewritten))
                elif name == "content" and (overridden := _overridden(selectors, page_rules)):
                    # a later rule's content (a layout's ``::after { content: none }``)
                    # wins over an earlier page number rule: repeated after it, it still does
                    page_rules.append((overridden, _with_attribute(overridden), tinycss2.serialize(value).strip()))
                elif name in ("counter-reset", "counter-increment", "counter-set"):
                    names = {t.lower_value for t in value if t.type == "ident"} - {"none"}
                    if names - CARRIED_COUNTERS:
                        return f"'{selectors}' keeps a counter of its own ({', '.join(sorted(names))})"
                elif name == "string-set":
                    for part in _split_commas(value):
                        idents = [t for t in part if t.type not in ("whitespace", "comment")]
                        if not idents or idents[0].type != "ident" or idents[0].lower_value == "none":
                            continue
                        if "::" in selectors or len(idents) != 2 or not _is_element_text(idents[1]):
                            return f"'{selectors}' sets the string {idents[0].value} from something other than its text"
                        strings.append((selectors, idents[0].value))
    return Rules(tuple(page_rules), tuple(strings))


def _page_rules_refusal(text: str) -> str:
    """Why the ``@page`` rules of a stylesheet cannot be laid out in groups ("" when they can):
    a page total (``counter(pages)``) or a target's value in a page margin, which a group
    would take from its own pages only."""
    rules = list(tinycss2.parse_stylesheet(text, skip_comments=True, skip_whitespace=True))
    while rules:
        rule = rules.pop()
        if rule.type != "at-rule" or rule.content is None:
            continue
        if rule.lower_at_keyword in ("media", "supports"):
            rules += tinycss2.parse_rule_list(rule.content, skip_comments=True, skip_whitespace=True)
            continue
        if rule.lower_at_keyword != "page" and not rule.lower_at_keyword.startswith(
            ("top-", "bottom-", "left-", "right-")
        ):
            continue
        for item in tinycss2.parse_blocks_contents(rule.content, skip_comments=True, skip_whitespace=True):
            if item.type == "at-rule":
                rules.append(item)
            elif item.type == "declaration":
                for function in _functions(item.value):
                    counters = [t.lower_value for t in function.arguments if t.type == "ident"]
                    if function.lower_name.startswith("target-") or (
                        function.lower_name in ("counter", "counters") and "pages" in counters
                    ):
                        return f"a page margin shows {tinycss2.serialize([function])}, which a group cannot know"
    return ""


def _style_rules(rules: Iterable) -> Iterable:
    for rule in rules:
        if rule.type == "qualified-rule":
            yield rule
        elif rule.type == "at-rule" and rule.lower_at_keyword in ("media", "supports") and rule.content:
            media = tinycss2.serialize(rule.prelude).lower()
            if rule.lower_at_keyword == "media" and "print" not in media and "all" not in media:
                continue
            yield from _style_rules(tinycss2.parse_rule_list(rule.content, skip_comments=True, skip_whitespace=True))


def _functions(tokens: Iterable) -> Iterable:
    for token in tokens:
        if token.type == "function":
            yield token
            yield from _functions(token.arguments)


def _split_commas(tokens: Sequence) -> list[list]:
    parts: list[list] = [[]]
    for token in tokens:
        if token.type == "literal" and token.value == ",":
            parts.append([])
        else:
            parts[-1].append(token)
    return parts


def _is_element_text(token: object) -> bool:
    """``content()`` or ``content(text)``: the element's text."""
    if getattr(token, "type", None) != "function" or token.lower_name != "content":  # type: ignore[attr-defined]
        return False
    words = [t.lower_value for t in token.arguments if t.type == "ident"]  # type: ignore[attr-defined]
    return words in ([], ["text"])


def _page_number_content(value: Sequence) -> str | None:
    """``content`` with each ``target-counter(attr(href), page)`` replaced by the hand-over's
    number, and each ``target-counter(attr(href), page, rb-digits)`` by the same number in the
    language's digits (a user's stylesheet without the counter style prints Latin ones, as one
    pass does); None when a ``target-counter`` asks for another counter or another counter style."""
    out = []
    for token in value:
        if token.type == "function" and token.lower_name == "target-counter":
            arguments = [part for part in _split_commas(token.arguments)]
            words = [[t for t in part if t.type not in ("whitespace", "comment")] for part in arguments]
            if len(words) not in (2, 3) or len(words[1]) != 1 or getattr(words[1][0], "lower_value", "") != "page":
                return None
            if len(words) == 3 and [getattr(t, "value", "") for t in words[2]] != [COUNTER_STYLE]:
                return None
            out.append(f"attr({DIGITS_ATTRIBUTE if len(words) == 3 else PAGE_ATTRIBUTE})")
        else:
            out.append(tinycss2.serialize([token]))
    return "".join(out).strip()


def _overridden(selectors: str, page_rules: Sequence[tuple[str, str, str]]) -> str:
    """The selectors, among ``selectors``, of an earlier page number rule ("" when none)."""
    earlier = {part.strip() for selector, _narrowed, _content in page_rules for part in selector.split(",")}
    return ", ".join(part.strip() for part in selectors.split(",") if part.strip() in earlier)


def _with_attribute(selectors: str) -> str:
    """Each selector narrowed to links that carry a handed-over page number (before any
    pseudo-element), which also makes it win over the rule it repeats."""
    narrowed = []
    for selector in selectors.split(","):
        selector = selector.strip()
        head, sep, pseudo = selector.partition("::")
        if not sep and selector.endswith((":after", ":before")):
            head, _, pseudo = selector.rpartition(":")
            sep = ":"
        narrowed.append(f"{head}[{PAGE_ATTRIBUTE}]{sep}{pseudo}")
    return ", ".join(narrowed)
