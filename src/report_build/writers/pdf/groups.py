"""Parallel layout, the plan: the PDF's HTML cut into groups of whole chapters, each its own
HTML document, laid out with what it is told about the pages before it (:mod:`.handover`).

No WeasyPrint here (the fast tests run it in memory); :mod:`.parallel` lays the groups out and
:mod:`.join` puts their PDFs together.

A group is the document with only some chapters: the cover and front matter stay with the first
group, the back matter with the last. Chapters open on a right-hand page, so a group's page
count does not depend on where it starts; what does is handed over: its first page and
footnote numbers, the page numbers it prints of targets in other groups, the named strings set
before it. Numbers of figures and tables are in the HTML already. A stub of the chapter before
keeps ``:first-child`` rules (the main matter's first opening) from matching the group's first
chapter. Which of the layout's rules reach across pages is read by :mod:`.layout_rules`.
"""

from __future__ import annotations

import copy
import functools
import hashlib
import itertools
import math
import urllib.parse
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import cssselect2
import lxml.html
import tinycss2
from cssselect2.compiler import ascii_lower, split_whitespace
from tinycss2.serializer import serialize_string_value

from ..pagination import alnum_count
from .handover import LETTERS_PER_PAGE, Handover, expected_pages
from .layout_rules import DIGITS_ATTRIBUTE, PAGE_ATTRIBUTE, Rules

MAIN = "div[contains(concat(' ', normalize-space(@class), ' '), ' mainmatter ')]"
CHAPTERS = f"//{MAIN}/section"
FRONT_COST = 1.5  # a front matter page costs more than a body page: contents and lists wait for targets


@dataclass(frozen=True)
class Group:
    """Chapters ``first`` to ``last - 1`` (with the cover and front matter when first is 0, the
    back matter when last is the chapter count), as their own HTML document."""

    first: int
    last: int
    html: str  # without the hand-over's page numbers (see :func:`Plan.source`)
    links_out: tuple[str, ...]  # ids its links point to in other groups
    paged_out: tuple[str, ...]  # those of them whose page number it prints
    ids: frozenset[str]
    header_cells: bool = True  # it has table header cells, which its PDF's structure tree names


@dataclass(frozen=True)
class Plan:
    """The document cut into groups, with what is needed to hand each one over."""

    groups: tuple[Group, ...]
    chapter_letters: tuple[int, ...]  # letters and digits per chapter (for the first estimate)
    chapter_digests: tuple[str, ...]
    front_letters: int
    notes_before: tuple[int, ...]  # per group
    strings: tuple[tuple[tuple[str, str], ...], ...]  # per group: (name, value) set before it
    rules: Rules = field(default_factory=Rules)
    page_digits: Callable[[int], str] = str  # a handed-over page number as rb-digits prints it

    def source(self, index: int, handover: Handover) -> tuple[str, str]:
        """The HTML and the extra stylesheet of group ``index`` laid out with ``handover``."""
        group = self.groups[index]
        html = group.html
        if handover.target_pages:
            tree = lxml.html.document_fromstring(html)
            pages = dict(handover.target_pages)
            for link in tree.iter("a"):
                href = link.get("href") or ""
                # lxml writes non-ASCII letters of a link as %XX escapes: the id is what they spell
                target = urllib.parse.unquote(href[1:])
                if href.startswith("#") and target in pages:
                    link.set(PAGE_ATTRIBUTE, str(pages[target]))
                    link.set(DIGITS_ATTRIBUTE, self.page_digits(pages[target]))
            html = lxml.html.tostring(tree, encoding="unicode", doctype="<!DOCTYPE html>")
        return html, group_css(index, handover, self.rules)


def group_css(index: int, handover: Handover, rules: Rules) -> str:
    """The stylesheet laid over the layout's for a group: its hand-over."""
    css = [f"{narrowed} {{ content: {content}; }}" for _selectors, narrowed, content in rules.page_number_rules]
    if index > 0:
        css.append(f"@page :first {{ counter-reset: page {handover.first_page}; }}")
        declarations = [f"counter-reset: footnote {handover.notes_before};"]
        if handover.strings:
            declarations.append(
                "string-set: " + ", ".join(f"{name} {_css_string(value)}" for name, value in handover.strings) + ";"
            )
        css.append(f"html {{ {' '.join(declarations)} }}")
    return "\n".join(css)


def _css_string(text: str) -> str:
    """A CSS string literal (JSON's ``\\u0625`` escapes are not CSS's)."""
    return f'"{serialize_string_value(text)}"'


def plan(html: str, groups: int, rules: Rules, page_digits: Callable[[int], str] = str) -> Plan | str:
    """The document's HTML cut into at most ``groups`` groups of about as many pages, or why it
    cannot be cut.

    The cut depends on the HTML alone (the pages are estimated from letters, figures and
    tables), never on an earlier layout: the same sources and ``groups`` give the same groups,
    and so the same bytes, whatever the cache holds. ``page_digits`` writes a handed-over page
    number in the digits the layouts count pages in (``rb-digits``: :mod:`...numerals`)."""
    root = lxml.html.document_fromstring(html)
    chapters = root.xpath(CHAPTERS)
    if len(chapters) < 2:
        return "the report has fewer than two chapters"
    if any("chapter" not in (chapter.get("class") or "").split() for chapter in chapters):
        return "the main matter holds sections that are not chapters"
    if len(chapters[0].getparent()) != len(chapters):
        return "the main matter holds elements that are not chapters"
    letters = tuple(_letters(chapter) + LETTERS_PER_PAGE // 2 * _blocks(chapter) for chapter in chapters)
    digests = tuple(
        hashlib.sha256(lxml.html.tostring(chapter, encoding="utf-8")).hexdigest()[:16] for chapter in chapters
    )
    outside = [element for element in root.xpath("//body/*") if not _is_main(element) and _before_main(element)]
    # Each section before the main matter opens a page; each of its links (contents, lists)
    # waits for its target's page, which costs about a tenth of a page's layout.
    front = sum(
        _letters(e)
        + LETTERS_PER_PAGE * len(e.xpath("descendant-or-self::section | descendant-or-self::nav"))
        + LETTERS_PER_PAGE // 10 * len(e.xpath(".//a[starts-with(@href, '#')]"))
        for e in outside
    )
    weights, front_pages = expected_pages(digests, letters, front, None)
    bounds = balance([weights[0] + FRONT_COST * front_pages, *weights[1:]], groups)
    notes = [_notes(chapter) for chapter in chapters]
    setters = _string_setters(root, chapters, rules)
    cut: list[Group] = []
    strings: list[tuple[tuple[str, str], ...]] = []
    skeletons = _skeletons(root)
    for index, (first, last) in enumerate(itertools.pairwise(bounds)):
        part = _group_tree(skeletons, chapters, first, last)
        ids = frozenset(part.xpath("//@id"))
        hrefs = {link[1:] for link in part.xpath("//a/@href") if link.startswith("#") and len(link) > 1}
        links_out = tuple(sorted(hrefs - ids))
        paged_out = tuple(sorted({ident for ident in _paged_links(part, rules) if ident not in ids}))
        html_text = lxml.html.tostring(part, encoding="unicode", doctype="<!DOCTYPE html>")
        cut.append(Group(first, last, html_text, links_out, paged_out, ids, bool(part.xpath("//th"))))
        strings.append(_strings_before(setters, first, last) if index else ())
    notes_before = tuple(sum(notes[: group.first]) for group in cut)
    return Plan(tuple(cut), letters, digests, front, notes_before, tuple(strings), rules, page_digits)


def balance(weights: Sequence[float], groups: int) -> list[int]:
    """Chapter bounds ``[0, b1, ..., len(weights)]`` of at most ``groups`` contiguous groups of
    weights as even as they can be: the least sum of squared group weights, which for two groups
    is the smallest largest group, and with more keeps every group near the mean (smaller groups
    are laid out again faster after an edit)."""
    count = len(weights)
    groups = max(1, min(groups, count))
    prefix = [0.0]
    for weight in weights:
        prefix.append(prefix[-1] + max(weight, 0.0))
    # best[k][i]: the least sum of squares when the first i chapters make k groups
    best = [[math.inf] * (count + 1) for _ in range(groups + 1)]
    cut_at = [[0] * (count + 1) for _ in range(groups + 1)]
    best[0][0] = 0.0
    for k in range(1, groups + 1):
        for i in range(k, count - (groups - k) + 1):
            for j in range(k - 1, i):
                value = best[k - 1][j] + (prefix[i] - prefix[j]) ** 2
                if value < best[k][i]:
                    best[k][i], cut_at[k][i] = value, j
    bounds, i = [count], count
    for k in range(groups, 0, -1):
        i = cut_at[k][i]
        bounds.append(i)
    return sorted(set(bounds))


def _letters(element: object) -> int:
    return alnum_count("".join(element.itertext()))  # type: ignore[attr-defined]


def _blocks(element: object) -> int:
    """Figures and tables: about half a page each, beyond their letters."""
    return len(element.xpath(".//figure | .//table | .//img"))  # type: ignore[attr-defined]


def _notes(element: object) -> int:
    from ...contract import NOTE_INLINE

    return len(element.xpath(f".//span[contains(concat(' ', @class, ' '), ' {NOTE_INLINE} ')]"))  # type: ignore[attr-defined]


def _skeletons(root: object) -> dict[tuple[bool, bool], object]:
    """The document without its chapters (an empty main matter), by whether it keeps the cover
    and front matter and whether it keeps the back matter: what a group is cut from."""
    tree = copy.deepcopy(root)
    main = tree.xpath(f"//{MAIN}")[0]  # type: ignore[attr-defined]
    for chapter in list(main):
        main.remove(chapter)
    # Each child of body by its place: the main matter's, or the cover and front matter before
    # it, or the back matter after it.
    places = ["main" if _is_main(e) else "front" if _before_main(e) else "back" for e in tree.xpath("//body/*")]  # type: ignore[attr-defined]
    made = {}
    for front, back in itertools.product((True, False), repeat=2):
        variant = copy.deepcopy(tree)
        dropped = {place for place, kept in (("front", front), ("back", back)) if not kept}
        for element, place in zip(variant.xpath("//body/*"), places, strict=True):  # type: ignore[attr-defined]
            if place in dropped:
                element.getparent().remove(element)
        made[(front, back)] = variant
    return made


def _group_tree(skeletons: dict[tuple[bool, bool], object], chapters: list, first: int, last: int) -> object:
    """Chapters ``first`` to ``last - 1`` in a copy of the skeleton that fits them
    (:func:`_skeletons`): the cover and front matter only in the first group, the back matter
    only in the last."""
    tree = copy.deepcopy(skeletons[(first == 0, last == len(chapters))])
    main = tree.xpath(f"//{MAIN}")[0]  # type: ignore[attr-defined]
    if first > 0:
        # An empty stand-in, so that :first-child rules do not take the group's first chapter
        # for the report's first.
        previous = chapters[first - 1]
        main.append(lxml.html.Element("section", {"class": previous.get("class") or "", "style": "display: none"}))
    for chapter in chapters[first:last]:
        main.append(copy.deepcopy(chapter))
    return tree


def _is_main(element: object) -> bool:
    """Whether a child of ``body`` is (or holds) the main matter."""
    return bool(element.xpath(f"descendant-or-self::{MAIN}"))  # type: ignore[attr-defined]


def _before_main(element: object) -> bool:
    """Whether a child of ``body`` comes before the main matter."""
    return any(_is_main(sibling) for sibling in element.itersiblings())  # type: ignore[attr-defined]


def _paged_links(tree: object, rules: Rules) -> Iterable[str]:
    """The targets of the links in ``tree`` that a page-number rule applies to."""
    if not rules.page_number_rules:
        return
    compiled = [selector for selectors, _, _ in rules.page_number_rules for selector in _compile(selectors)]
    links = tree.xpath("//*[starts-with(@href, '#') and string-length(@href) > 1]")  # type: ignore[attr-defined]
    for element in _wrapped(tree, links):
        if any(selector.test(element) for selector in compiled):
            yield element.etree_element.get("href")[1:]


@functools.lru_cache(maxsize=64)
def _compile(selectors: str) -> tuple:
    return tuple(cssselect2.compile_selector_list(tinycss2.parse_component_value_list(selectors)))


def _wrapped(root: object, elements: Iterable[object]) -> Iterator[cssselect2.ElementWrapper]:
    """cssselect2's wrappers of ``elements`` (of the tree ``root``), in document order: the
    wrappers :meth:`~cssselect2.ElementWrapper.iter_subtree` gives, with their parents and
    siblings as selectors see them, but made only on the way to these elements (a walk of every
    element was most of the plan's time)."""
    wanted = set(elements)
    on_the_way = set(wanted)
    for element in wanted:
        on_the_way.update(element.iterancestors())  # type: ignore[attr-defined]
    stack = [cssselect2.ElementWrapper.from_html_root(root)]
    while stack:
        wrapper = stack.pop()
        if wrapper.etree_element in wanted:
            yield wrapper
        stack.extend(reversed([child for child in wrapper.iter_children() if child.etree_element in on_the_way]))


def _may_match(selector: Any, element: Any) -> bool:
    """Whether ``element`` has what the rightmost part of a compiled selector names (its id,
    class and element name): what an element it matches must have."""
    if selector.never_matches or not isinstance(element.tag, str):
        return False
    if selector.id is not None and element.get("id") != selector.id:
        return False
    if selector.class_name is not None and selector.class_name not in split_whitespace(element.get("class", "")):
        return False
    return selector.lower_local_name is None or ascii_lower(element.tag) == selector.lower_local_name


UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _candidates(root: Any, selectors: Sequence[Any]) -> list[Any]:
    """The elements of ``root`` that :func:`_may_match` one of ``selectors``, in document order.

    lxml's XPath finds the elements with one of the ids, classes or names first (a class as a
    substring of the attribute: a few more, never fewer); :func:`_may_match` then decides, as
    it did when it was asked of every element (a third of the plan's time at 100 pages)."""
    tests, values = [], {}
    for selector in selectors:
        if selector.never_matches:
            continue
        if selector.id is None and selector.class_name is None and selector.lower_local_name is None:
            tests = ["true()"]  # '*' or only attributes: every element may match
            break
        name = f"v{len(values)}"
        if selector.id is not None:
            tests.append(f"@id=${name}")
            values[name] = selector.id
        elif selector.class_name is not None:
            tests.append(f"contains(@class, ${name})")
            values[name] = selector.class_name
        else:
            tests.append(f"translate(local-name(), '{UPPER}', '{UPPER.lower()}')=${name}")
            values[name] = selector.lower_local_name
    if not tests:
        return []
    found = root.xpath(f"//*[{' or '.join(tests)}]", **values)
    return [element for element in found if any(_may_match(s, element) for s in selectors)]


def _string_setters(root: object, chapters: list, rules: Rules) -> list[tuple[str, float, str]]:
    """(string name, position, text) for every element that sets a named string, in document
    order; the position is its chapter's index, -1 before the main matter, inf after it."""
    if not rules.strings:
        return []
    index_of = {chapter: index for index, chapter in enumerate(chapters)}
    compiled = [(name, _compile(selectors)) for selectors, name in rules.strings]
    every = [selector for _name, selectors in compiled for selector in selectors]
    candidates = _candidates(root, every)
    found = []
    for wrapper in _wrapped(root, candidates):
        names = [name for name, selectors in compiled if any(selector.test(wrapper) for selector in selectors)]
        if not names:
            continue
        element = wrapper.etree_element
        lineage = [element, *element.iterancestors()]
        position = next((float(index_of[e]) for e in lineage if e in index_of), None)
        if position is None:
            top = next((e for e in lineage if e.getparent() is not None and e.getparent().tag == "body"), None)
            position = -1.0 if top is not None and _before_main(top) else math.inf
        text = " ".join("".join(element.itertext()).split())
        found += [(name, position, text) for name in names]
    return found


def _strings_before(setters: list[tuple[str, float, str]], first: int, last: int) -> tuple[tuple[str, str], ...]:
    """The strings a group must start with: each one's last value before its first chapter, for
    strings that none of its own chapters sets."""
    set_inside = {name for name, position, _text in setters if first <= position < last}
    values = {name: text for name, position, text in setters if position < first and name not in set_inside}
    return tuple(sorted(values.items()))
