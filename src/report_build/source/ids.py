"""Element ids: GitHub's heading slugs, the other common conventions as aliases, and the link
targets that resolve through them.

Invariants:
- a heading without ``{#id}`` gets GitHub's slug of its text: lower case; letters, marks,
  digits and connector punctuation of every script kept; every other character but ``-`` and
  space dropped; each space becomes ``-``; a repeat gets ``-1``, ``-2`` ... An id given with
  ``{#id}`` (or any id already in the tree) is never changed and is never taken by a slug.
- every id is valid in XHTML and as a PDF named destination: not empty, no whitespace
  (:func:`is_valid`); an id that is not is normalised with :func:`normalise`.
- links written for Python-Markdown's or kramdown's ASCII slugs, for pandoc's, or for GitHub's
  slug with other letter case or percent-encoding, resolve through :class:`Anchors` to the id
  that is really there; an alias never shadows a real id, and the first heading to claim an
  alias keeps it.
"""

from __future__ import annotations

import html
import re
import unicodedata
import xml.etree.ElementTree as etree  # noqa: N813 (the name Python-Markdown uses)
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import unquote

import markdown
from markdown.extensions import Extension
from markdown.extensions import toc as markdown_toc
from markdown.treeprocessors import Treeprocessor

from ..contract import LAYOUT_IDS

HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
WHITESPACE = re.compile(r"[ \t\n\f\r]")  # HTML's ASCII whitespace: what an id may not hold
FALLBACK = "section"  # the id of a heading whose text leaves nothing (pandoc's word for it)
RESERVED = LAYOUT_IDS  # a heading "Contents" is "contents-1", and links to #contents still reach it


def github_slug(text: str) -> str:
    """GitHub's heading slug (github-slugger): lower case, keep letters, marks, numbers,
    connector punctuation, ``-`` and space; spaces become ``-``."""
    kept = []
    for char in text.lower():
        category = unicodedata.category(char)
        if char == " ":
            kept.append("-")
        elif char == "-" or category[0] in "LMN" or category == "Pc":
            kept.append(char)
    return "".join(kept)


def python_markdown_slug(text: str) -> str:
    """Python-Markdown's ``toc`` default (ASCII, runs of spaces and ``-`` joined), as ids were before."""
    return markdown_toc.slugify(text, "-")


def kramdown_slug(text: str) -> str:
    """kramdown's auto id (ASCII letters and digits, leading non-letters dropped)."""
    slug = re.sub(r"^[^a-zA-Z]+", "", text)
    slug = re.sub(r"[^a-zA-Z0-9 -]", "", slug).replace(" ", "-").lower()
    return slug or FALLBACK


def pandoc_slug(text: str) -> str:
    """pandoc's ``auto_identifiers``: letters and digits of any script, ``_ - .`` kept, spaces to
    ``-``, lower case, everything before the first letter dropped."""
    kept = []
    for char in " ".join(text.split()):
        if char.isspace():
            kept.append("-")
        elif char.isalnum() or char in "_-.":
            kept.append(char.lower())
    slug = "".join(kept)
    first = next((index for index, char in enumerate(slug) if char.isalpha()), len(slug))
    return slug[first:] or FALLBACK


def is_valid(ident: str) -> bool:
    """An id XHTML, EPUBCheck and PDF named destinations all accept."""
    return bool(ident) and WHITESPACE.search(ident) is None


def normalise(ident: str) -> str:
    """A valid id for one that is not (``malloc (dealloc, ptr)`` gives ``malloc-dealloc-ptr``)."""
    slug = github_slug(" ".join(ident.split()))
    return slug if is_valid(slug) else re.sub(r"\s+", "-", ident.strip()) or FALLBACK


class Slugger:
    """Hands out slugs the GitHub way: the first ``x``, then ``x-1``, ``x-2`` ... never one in ``taken``."""

    def __init__(self, taken: set[str] | None = None, joiner: str = "-"):
        self.taken = taken if taken is not None else set()
        self.joiner = joiner
        self.counts: dict[str, int] = {}

    def __call__(self, base: str) -> str:
        slug = base
        while slug in self.taken:
            self.counts[base] = self.counts.get(base, 0) + 1
            slug = f"{base}{self.joiner}{self.counts[base]}"
        self.taken.add(slug)
        return slug


@dataclass
class Anchors:
    """What the heading pass found: aliases (other conventions' ids to the real one), and the
    headings whose slug was taken already and got a number."""

    aliases: dict[str, str] = field(default_factory=dict)
    renumbered: list[tuple[str, str, str]] = field(default_factory=list)  # (heading text, base, id given)

    def alias(self, name: str, ident: str) -> None:
        if name and name != ident:
            self.aliases.setdefault(name, ident)

    def resolve(self, target: str, ids: set[str] | frozenset[str]) -> str | None:
        """The id a link's fragment means, or None when it goes nowhere."""
        for candidate in _spellings(target):
            if candidate in ids:
                return candidate
            aliased = self.aliases.get(candidate)
            if aliased is not None and aliased in ids:
                return aliased
        return None


def _spellings(target: str) -> list[str]:
    """A fragment as written, percent-decoded, in lower case, and as GitHub would slug it."""
    decoded = unquote(target)
    found = [target, decoded, decoded.lower(), unicodedata.normalize("NFC", decoded).lower(), github_slug(decoded)]
    return list(dict.fromkeys(found))


class HeadingIds(Treeprocessor):
    """Gives every heading without an id its GitHub slug, and records the other conventions'
    slugs as aliases. Runs after ``attr_list`` (so ``{#id}`` is there) and before ``toc``
    (which then keeps the ids it finds)."""

    def __init__(self, md: markdown.Markdown, anchors: Anchors):
        super().__init__(md)
        self.anchors = anchors

    def run(self, root: etree.Element) -> None:
        taken = {str(element.get("id")) for element in root.iter() if element.get("id")}
        github = Slugger(taken | RESERVED)
        others = {name: Slugger(set(taken)) for name in ("kramdown", "pandoc")}
        old_ids = set(taken)
        old_counters: dict[str, int] = {}
        for element in root.iter():
            if element.tag not in HEADINGS:
                continue
            name = self._name(element)
            old = markdown_toc.unique(python_markdown_slug(name), old_ids, old_counters)
            kramdown = others["kramdown"](kramdown_slug(name))
            pandoc = others["pandoc"](pandoc_slug(name))
            ident = element.get("id")
            if not ident:
                base = github_slug(name) or FALLBACK
                ident = github(base)
                if base in RESERVED and base not in taken:
                    self.anchors.alias(base, ident)  # the layouts' id, not another heading's
                elif ident != base:
                    self.anchors.renumbered.append((" ".join(name.split()), base, ident))
                element.set("id", ident)
            else:
                self.anchors.alias(github_slug(name), ident)
            for alias in (old, kramdown, pandoc):
                self.anchors.alias(alias, ident)

    def _name(self, element: etree.Element) -> str:
        """The heading's text as ``toc`` reads it: rendered, tags stripped, footnote calls left out."""
        inner = markdown_toc.render_inner_html(markdown_toc.remove_fnrefs(element), self.md)
        return html.unescape(markdown_toc.strip_tags(inner))


class HeadingIdsExtension(Extension):
    """Registers :class:`HeadingIds`; ``anchors`` holds what it found for the document."""

    def __init__(self, **kwargs: object):
        super().__init__(**kwargs)
        self.anchors = Anchors()

    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 (Python-Markdown's name)
        md.registerExtension(self)
        md.treeprocessors.register(HeadingIds(md, self.anchors), "report_build_heading_ids", 6)

    def reset(self) -> None:
        self.anchors.aliases.clear()
        self.anchors.renumbered.clear()


def settle(root: object, anchors: Anchors, warn: Callable[[str, tuple[str, ...], int], None]) -> None:
    """Make the ids of the cleaned tree (``lxml``) valid and unique, raw HTML's included.

    - ``<a name="x">`` (HTML4) becomes ``id="x"`` unless the element has an id;
    - an id that is not valid is normalised, and links to it are resolved through an alias;
    - an id used twice is renamed the GitHub way at its second use, and links land on the first;
    - an id the layouts use (:data:`RESERVED`) is renamed, and links to it follow.
    ``warn(message, needles, nth)`` reports each change with pieces of source text to find its
    line by (the first that is found counts), and which occurrence of it this is (1 for the first).
    """
    seen: set[str] = set()
    occurrences: dict[str, int] = {}
    # Every id the tree will hold is taken, an HTML4 anchor's name too (it becomes an id below).
    renamed = Slugger(set(root.xpath("//@id")) | set(root.xpath("//a/@name")) | RESERVED)  # type: ignore[attr-defined]
    for element in root.iter():  # type: ignore[attr-defined]
        if not isinstance(element.tag, str):
            continue
        name = element.attrib.pop("name", None) if element.tag == "a" else None
        ident = element.get("id")
        if ident is None and name is not None:
            ident = name
            element.set("id", ident)
        if ident is None:
            continue
        needle = _needle(ident, "id" if name is None or element.get("id") != name else "name")
        occurrences[needle] = occurrences.get(needle, 0) + 1
        if not is_valid(ident):
            fixed = renamed(normalise(ident))
            message = f"id '{ident}' is not valid in XHTML (empty, or holds spaces); it becomes '{fixed}'"
            warn(message, needle, occurrences[needle])
            anchors.alias(ident, fixed)
            anchors.alias(" ".join(ident.split()), fixed)
            element.set("id", fixed)
            ident = fixed
        elif ident in RESERVED:
            fixed = renamed(ident)
            message = f"id '{ident}' is one the layouts give their own pages; it becomes '{fixed}', and links follow"
            warn(message, needle, occurrences[needle])
            anchors.alias(ident, fixed)
            element.set("id", fixed)
            ident = fixed
        elif ident in seen:
            fixed = renamed(ident)
            message = f"id '{ident}' is used twice; the second becomes '{fixed}', so links land on the first"
            warn(message, needle, occurrences[needle])
            element.set("id", fixed)
            ident = fixed
        seen.add(ident)


def _needle(ident: str, attribute: str) -> tuple[str, ...]:
    quoted = f'{attribute}="{ident}"' if '"' not in ident else f"{attribute}='{ident}'"
    return (quoted, f"{attribute}={ident}", "{#" + ident)
