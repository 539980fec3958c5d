"""Parallel layout, the plan: the PDF's HTML cut into groups of whole chapters, and what each
group must be told about the pages before it to lay out exactly as it would in one pass.

No WeasyPrint here (the fast tests run it in memory); :mod:`.parallel` lays the groups out and
:mod:`.join` puts their PDFs together.

A group is the document with only some chapters: the cover and front matter stay with the first
group, the back matter with the last. Chapters open on a right-hand page, so a group's page
count does not depend on where it starts; what does is handed over (:class:`Handover`):

- its first page number (``@page :first { counter-reset: page N }``);
- its first footnote number (``html { counter-reset: footnote N }``), counted in the HTML;
- the page number of every link target in another group that a ``target-counter(..., page)``
  rule prints (contents, lists of figures, cross-references): the link gets ``data-rb-page``,
  and the rule is repeated with ``attr(data-rb-page)`` in its place;
- the named strings set before it and not by it (``string-set``: the report title of the
  running heads, set on the title page).

Numbers of figures and tables are in the HTML already. A stub of the chapter before keeps
``:first-child`` rules (the main matter's first opening) from matching the group's first
chapter. A layout that relies on something else carried from page to page (its own counters,
``target-text``) is not cut: :func:`read_rules` says why, and the build lays out in one pass.
"""

from __future__ import annotations

import copy
import functools
import hashlib
import itertools
import json
import math
import urllib.parse
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import cssselect2
import lxml.html
import tinycss2
from tinycss2.serializer import serialize_string_value

from ..pagination import alnum_count

PAGE_ATTRIBUTE = "data-rb-page"
"""Set on a link whose target another group holds: the target's page number."""

MAIN = "div[contains(concat(' ', normalize-space(@class), ' '), ' mainmatter ')]"
CHAPTERS = f"//{MAIN}/section"
CARRIED_COUNTERS = frozenset({"page", "footnote"})  # counters the hand-over carries
LETTERS_PER_PAGE = 1200  # a page's letters, first estimate (headings, figures, blank pages included)
FRONT_COST = 1.5  # a front matter page costs more than a body page: contents and lists wait for targets


# -- the layout's rules that reach across pages ---------------------------------------------


@dataclass(frozen=True)
class Rules:
    """What the layout's stylesheets carry from page to page: the rules that print a target's
    page number (repeated with the hand-over's number), and the selectors that set named strings."""

    page_number_rules: tuple[tuple[str, str, str], ...] = ()  # (selectors, narrowed, content with the attr)
    strings: tuple[tuple[str, str], ...] = ()  # (selector, string name), set from the element's text


def read_rules(stylesheets: Iterable[str]) -> Rules | str:
    """The :class:`Rules` of the stylesheets (texts, in cascade order), or why they cannot be
    laid out in groups."""
    return _read_rules(tuple(stylesheets))


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
    number; None when a ``target-counter`` asks for another counter or a counter style."""
    out = []
    for token in value:
        if token.type == "function" and token.lower_name == "target-counter":
            arguments = [part for part in _split_commas(token.arguments)]
            words = [[t for t in part if t.type not in ("whitespace", "comment")] for part in arguments]
            if len(words) != 2 or len(words[1]) != 1 or getattr(words[1][0], "lower_value", "") != "page":
                return None
            out.append(f"attr({PAGE_ATTRIBUTE})")
        else:
            out.append(tinycss2.serialize([token]))
    return "".join(out).strip()


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


# -- the plan ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Handover:
    """What a group is told about the pages before it (see the module's docstring)."""

    first_page: int = 1  # the page counter on the group's first page
    notes_before: int = 0  # footnotes in the groups before
    target_pages: tuple[tuple[str, int], ...] = ()  # (id, page number) of targets in other groups
    strings: tuple[tuple[str, str], ...] = ()  # (name, value) of the strings set before the group


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


def plan(html: str, groups: int, rules: Rules) -> Plan | str:
    """The document's HTML cut into at most ``groups`` groups of about as many pages, or why it
    cannot be cut.

    The cut depends on the HTML alone (the pages are estimated from letters, figures and
    tables), never on an earlier layout: the same sources and ``groups`` give the same groups,
    and so the same bytes, whatever the cache holds."""
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
    skeleton = _skeleton(root)
    for index, (first, last) in enumerate(itertools.pairwise(bounds)):
        part = _group_tree(skeleton, chapters, first, last)
        ids = frozenset(part.xpath("//@id"))
        hrefs = {link[1:] for link in part.xpath("//a/@href") if link.startswith("#") and len(link) > 1}
        links_out = tuple(sorted(hrefs - ids))
        paged_out = tuple(sorted({ident for ident in _paged_links(part, rules) if ident not in ids}))
        html_text = lxml.html.tostring(part, encoding="unicode", doctype="<!DOCTYPE html>")
        cut.append(Group(first, last, html_text, links_out, paged_out, ids))
        strings.append(_strings_before(setters, first, last) if index else ())
    notes_before = tuple(sum(notes[: group.first]) for group in cut)
    return Plan(tuple(cut), letters, digests, front, notes_before, tuple(strings), rules)


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


def _skeleton(root: object) -> object:
    """The document without its chapters (cover, front and back matter, an empty main matter)."""
    tree = copy.deepcopy(root)
    main = tree.xpath(f"//{MAIN}")[0]  # type: ignore[attr-defined]
    for chapter in list(main):
        main.remove(chapter)
    return tree


def _group_tree(skeleton: object, chapters: list, first: int, last: int) -> object:
    """Chapters ``first`` to ``last - 1`` in a copy of the skeleton; the cover and front matter
    only in the first group, the back matter only in the last."""
    tree = copy.deepcopy(skeleton)
    main = tree.xpath(f"//{MAIN}")[0]  # type: ignore[attr-defined]
    if first > 0:
        # An empty stand-in, so that :first-child rules do not take the group's first chapter
        # for the report's first.
        previous = chapters[first - 1]
        main.append(lxml.html.Element("section", {"class": previous.get("class") or "", "style": "display: none"}))
    for chapter in chapters[first:last]:
        main.append(copy.deepcopy(chapter))
    dropped = []
    if first > 0:
        dropped += [e for e in tree.xpath("//body/*") if not _is_main(e) and _before_main(e)]  # type: ignore[attr-defined]
    if last < len(chapters):
        dropped += [e for e in tree.xpath("//body/*") if not _is_main(e) and not _before_main(e)]  # type: ignore[attr-defined]
    for element in dropped:
        element.getparent().remove(element)
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
    for element in cssselect2.ElementWrapper.from_html_root(tree).iter_subtree():
        href = element.etree_element.get("href") or ""
        if href.startswith("#") and len(href) > 1 and any(selector.test(element) for selector in compiled):
            yield href[1:]


def _compile(selectors: str) -> list:
    return cssselect2.compile_selector_list(tinycss2.parse_component_value_list(selectors))


def _string_setters(root: object, chapters: list, rules: Rules) -> list[tuple[str, float, str]]:
    """(string name, position, text) for every element that sets a named string, in document
    order; the position is its chapter's index, -1 before the main matter, inf after it."""
    if not rules.strings:
        return []
    index_of = {chapter: index for index, chapter in enumerate(chapters)}
    compiled = [(name, _compile(selectors)) for selectors, name in rules.strings]
    found = []
    for wrapper in cssselect2.ElementWrapper.from_html_root(root).iter_subtree():
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


# -- the hand-over, settled from what the groups gave ----------------------------------------


@dataclass(frozen=True)
class Laid:
    """What a group's layout says about the hand-over: its pages, the page of each id, and the
    page of the main matter's first page (the first group only)."""

    pages: int
    id_pages: dict[str, int]
    opening: int | None = None


def blanks_and_starts(pages: Sequence[int]) -> tuple[list[bool], list[int]]:
    """For groups of these page counts: whether a blank page precedes each one (a chapter opens
    on a right-hand page, so after an odd number of pages), and the index of its first page."""
    blanks, starts, position = [], [], 0
    for index, count in enumerate(pages):
        blank = index > 0 and position % 2 == 1
        position += blank
        blanks.append(blank)
        starts.append(position)
        position += count
    return blanks, starts


def placed(laid: Sequence[Laid]) -> tuple[list[int], int]:
    """Where the groups' pages fall in the joined PDF: each group's first page index, and the
    index of the main matter's first page (page number 1)."""
    _blanks, starts = blanks_and_starts([group.pages for group in laid])
    return starts, starts[0] + (laid[0].opening or 0)


def settle(the_plan: Plan, laid: Sequence[Laid]) -> list[Handover]:
    """The hand-over each group should have had, given what every group's layout gave. When it
    equals the one a group was laid out with, that group's pages are final."""
    if laid[0].opening is None:
        raise ValueError("the first group does not hold the main matter's first page")
    starts, first_main = placed(laid)

    def folio(index: int) -> int:
        return index - first_main + 1

    where = {}
    for group_index, group in enumerate(laid):
        for ident, page in group.id_pages.items():
            where.setdefault(ident, starts[group_index] + page)
    handovers = []
    for index, group in enumerate(the_plan.groups):
        targets = tuple(
            (ident, folio(where[ident])) for ident in group.paged_out if ident in where and where[ident] >= first_main
        )
        handovers.append(
            Handover(
                first_page=folio(starts[index]) if index else 1,
                notes_before=the_plan.notes_before[index],
                target_pages=targets,
                strings=the_plan.strings[index],
            )
        )
    return handovers


def front_targets(the_plan: Plan, laid: Sequence[Laid]) -> list[str]:
    """Targets printed with a page number from another group that lie before the main matter:
    their number is not one the hand-over can give (the front matter counts its own way)."""
    starts, first_main = placed(laid)
    wanted = {ident for group in the_plan.groups for ident in group.paged_out}
    return sorted(
        ident
        for index, group in enumerate(laid)
        for ident, page in group.id_pages.items()
        if ident in wanted and starts[index] + page < first_main
    )


# -- the first guess: from the last build's page map, or from the letters ---------------------


@dataclass(frozen=True)
class PageMap:
    """What one layout leaves for the next one's first guess: each chapter's pages (by digest and
    by position), the pages before the main matter, and every id's page number."""

    chapter_pages: tuple[int, ...] = ()
    chapter_digests: tuple[str, ...] = ()
    front_pages: int = 0
    id_folios: dict[str, int] = field(default_factory=dict)

    def to_json(self) -> bytes:
        return json.dumps(
            {
                "chapter_pages": self.chapter_pages,
                "chapter_digests": self.chapter_digests,
                "front_pages": self.front_pages,
                "id_folios": self.id_folios,
            },
            sort_keys=True,
        ).encode("utf-8")

    @classmethod
    def from_json(cls, data: bytes | None) -> PageMap | None:
        if data is None:
            return None
        try:
            entry = json.loads(data)
            return cls(
                tuple(int(n) for n in entry["chapter_pages"]),
                tuple(str(d) for d in entry["chapter_digests"]),
                int(entry["front_pages"]),
                {str(k): int(v) for k, v in entry["id_folios"].items()},
            )
        except (ValueError, KeyError, TypeError, AttributeError):
            return None


def expected_pages(
    digests: Sequence[str], letters: Sequence[int], front_letters: int, previous: PageMap | None
) -> tuple[list[float], float]:
    """Expected pages per chapter and before the main matter: a chapter the last layout saw
    unchanged keeps its page count, an edited one its place's; others are estimated from their
    letters (:data:`LETTERS_PER_PAGE`)."""
    per_page = LETTERS_PER_PAGE
    known = {}
    if previous is not None and previous.chapter_pages:
        known = dict(zip(previous.chapter_digests, previous.chapter_pages, strict=False))
    pages = []
    for index, (digest, count) in enumerate(zip(digests, letters, strict=True)):
        if digest in known:
            pages.append(float(known[digest]))
        elif previous is not None and index < len(previous.chapter_pages):
            pages.append(float(previous.chapter_pages[index]))  # edited: about as long as before
        else:
            pages.append(max(1.0, count / per_page))
    front = float(previous.front_pages) if previous is not None else max(2.0, front_letters / per_page)
    return pages, front


def guess(the_plan: Plan, previous: PageMap | None) -> list[Handover]:
    """A first hand-over for every group, before any layout: chapters open on right-hand pages
    (so a chapter's first page number is odd); targets keep the last layout's page numbers,
    moved with their chapter."""
    pages, _front = expected_pages(the_plan.chapter_digests, the_plan.chapter_letters, the_plan.front_letters, previous)
    opening_folio = [1]
    for count in pages[:-1]:
        whole = max(1, math.ceil(count))
        opening_folio.append(opening_folio[-1] + whole + (whole % 2))
    old_folio = [1]
    if previous is not None:
        for count in previous.chapter_pages[:-1]:
            old_folio.append(old_folio[-1] + count + (count % 2))
    handovers = []
    for index, group in enumerate(the_plan.groups):
        targets = []
        for ident in group.paged_out:
            owner = _chapter_of(the_plan, ident)
            if previous is not None and ident in previous.id_folios and owner < len(old_folio):
                # where it was, moved as far as its group's first chapter moved
                targets.append((ident, previous.id_folios[ident] + opening_folio[owner] - old_folio[owner]))
            else:
                targets.append((ident, opening_folio[owner]))
        handovers.append(
            Handover(
                first_page=opening_folio[group.first] if index else 1,
                notes_before=the_plan.notes_before[index],
                target_pages=tuple(targets),
                strings=the_plan.strings[index],
            )
        )
    return handovers


def _chapter_of(the_plan: Plan, ident: str) -> int:
    """The first chapter of the group that holds ``ident`` (its page is guessed as that)."""
    for group in the_plan.groups:
        if ident in group.ids:
            return group.first
    return 0


def page_map(the_plan: Plan, laid: Sequence[Laid], chapter_starts: Sequence[int]) -> PageMap:
    """The page map of a finished layout: ``chapter_starts`` are the joined PDF's page indexes
    where each chapter begins."""
    starts, first_main = placed(laid)
    total = starts[-1] + laid[-1].pages
    ends = [*chapter_starts[1:], total]
    chapter_pages = tuple(end - start for start, end in zip(chapter_starts, ends, strict=True))
    folios = {}
    for index, group in enumerate(laid):
        for ident, page in group.id_pages.items():
            if starts[index] + page >= first_main:
                folios.setdefault(ident, starts[index] + page - first_main + 1)
    return PageMap(chapter_pages, the_plan.chapter_digests, first_main, folios)
