"""Links: internal ones must land somewhere; ones out of the report become plain text."""

from __future__ import annotations

import re
from collections.abc import Sequence

from lxml import etree

from ...contract import CHAPTER_SECTION, DOWNLOAD, EQUATION_NUMBER, NOTE_CALL, TABLE_LABEL
from .. import file_links
from ..ids import github_slug
from ..tree import Context, drop, letters
from .headings import heading_lines

EXTERNAL = re.compile(r"^(https?|mailto|tel):", re.IGNORECASE)


def links(root: etree._Element, ctx: Context, notes: Sequence[etree._Element] = ()) -> None:
    """Check every link but footnote calls, in the text and in the ``notes``' bodies. A
    ``#fragment`` is resolved to an id in the document, directly or through the heading-id
    aliases (:mod:`..ids`: other conventions' slugs, letter case, percent-encoding), and
    rewritten to it; one that goes nowhere is unwrapped to its text
    with a warning at its line (a fault: ``--strict``, release and check refuse it). ``http(s)``,
    ``mailto`` and ``tel`` links stay; any other link (a relative file, an empty target) is
    unwrapped to its text with a warning at its line; an ``<a>`` left with neither an address
    nor an id (cleaning removed an address to another scheme, ``<irc://…>``) is unwrapped too.
    Download links (a chart's data, which the web edition copies into the site) are left as
    they are."""
    ids = set(root.xpath("//@id")).union(*(note.xpath(".//@id") for note in notes))
    title_id = ctx.structure.title_id if ctx.structure.title_id not in ids else ""
    anchors = ctx.structure.anchors
    _tab_aliases(ctx)
    own_files = _OwnFiles(ctx, ids)
    checked = f".//a[not(@class='{NOTE_CALL}') and not(@class='{DOWNLOAD}')]"
    for link in [link for tree in (root, *notes) for link in tree.xpath(checked)]:
        href = link.get("href")
        if href is None:
            if link.get("id") is None:
                drop(link)  # no link at all: its address was to a scheme cleaning removes (irc:, ftp:)
            continue
        href = href.strip()
        if href.startswith("#") and (own := own_files.resolve(href[1:])) is not None:
            if own.ident is not None:
                link.set("href", f"#{own.ident}")
                continue
            line = ctx.source.find(f"({href})") or ctx.source.find(href)
            ctx.warn(
                f"link to '{own.written}' goes nowhere: no heading or element has that id; kept as plain text", line
            )
            drop(link)
            continue
        if href.startswith("#"):
            target = href[1:]
            resolved = anchors.resolve(target, ids | {title_id} if title_id else ids)
            if resolved is not None and resolved == title_id:  # the title heading: the text begins here
                _anchor_at_start(root, title_id)
                ids.add(title_id)
            if resolved is not None:
                link.set("href", f"#{resolved}")
                continue
            line = ctx.source.find(f"(#{target})") or ctx.source.find(f'"#{target}"')
            ctx.warn(f"link to '#{target}' goes nowhere: no heading or element has that id; kept as plain text", line)
            drop(link)
            continue
        if EXTERNAL.match(href):
            continue
        if _without_text(link) and LABEL.match(href) and (resolved := anchors.resolve(href, ids)) is not None:
            link.set("href", f"#{resolved}")  # MyST's [](label): a reference to a target by its name
            continue
        text = " ".join("".join(link.itertext()).split())
        line = ctx.source.find(f"]({href})") if href else ctx.source.find(f"[{text}]()")
        if href:
            ctx.warn(f"link to '{href}' points outside the report; kept as plain text", line)
        else:
            ctx.warn(f"link '{text}' has no target; kept as plain text", line)
        drop(link)
    for tree in (root, *notes):  # (an empty anchor in a heading, GitHub's "¶" links, stays empty)
        for link in tree.xpath(
            f"{checked}[starts-with(@href, '#')][not(ancestor::h1 or ancestor::h2 or ancestor::h3 "
            "or ancestor::h4 or ancestor::h5 or ancestor::h6)]"
        ):
            if _without_text(link):
                _named_by_target(link, root, notes)


LABEL = re.compile(r"^[A-Za-z][\w:.-]*$")  # a name, not a path: no slash, no suffix after a dot alone


def _without_text(link: etree._Element) -> bool:
    """Whether a link shows nothing: no text and no image (MyST's ``[](#x)``)."""
    return not "".join(link.itertext()).strip() and link.find(".//img") is None


def _named_by_target(link: etree._Element, root: etree._Element, notes: Sequence[etree._Element]) -> None:
    """A link written without text (MyST's ``[](#sec-data)``) shows what it points to, as MyST
    shows it: a heading's text, a figure's or a table's label ("Figure 2"), an equation's number,
    a callout's title, else a caption's text."""
    ident = link.get("href", "")[1:]
    target = next((found for tree in (root, *notes) for found in tree.xpath("//*[@id=$i]", i=ident)), None)
    if target is None or link in target.iter():
        return
    labels = target.xpath(
        f".//span[@class='figure-label' or @class='{TABLE_LABEL}' or @class='{EQUATION_NUMBER}']"
        " | .//*[@class='callout-title']"
    )
    if target.tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
        shown = "".join(part for part in target.xpath(".//text()[not(ancestor::sup)]"))
    elif labels:
        shown = "".join(labels[0].itertext())
    else:
        captions = target.xpath(".//figcaption | .//caption")
        shown = "".join(captions[0].itertext()) if captions else ""
    shown = " ".join(shown.split())
    if shown:
        link.text = shown


class _OwnFiles:
    """Links to the report's own files (marked by :func:`..file_links.mark`), resolved against
    the headings and their lines, which are read for the first such link only."""

    def __init__(self, ctx: Context, ids: set[str]) -> None:
        self.ctx, self.ids = ctx, ids
        self.headings: list[tuple[str, str, int | None]] | None = None

    def resolve(self, fragment: str) -> file_links.Resolved | None:
        """The link's fragment resolved, or None for any other fragment."""
        if not fragment.startswith(file_links.PREFIX) or not self.ctx.files:
            return None
        if self.headings is None:
            self.headings = [(h.id, github_slug(h.text), line) for h, line in heading_lines(self.ctx)]
        return file_links.resolve(fragment, self.ctx.files, self.headings, self._anywhere)

    def _anywhere(self, name: str, among: frozenset[str] | None) -> str | None:
        return self.ctx.structure.anchors.resolve(name, self.ids if among is None else among & self.ids)


def _anchor_at_start(root: etree._Element, ident: str) -> None:
    """An empty anchor with ``ident`` at the start of the first chapter."""
    first = next(iter(root.xpath(f"section[@class='{CHAPTER_SECTION}']")), None)
    if first is not None:
        anchor = etree.Element("span", {"id": ident})
        anchor.tail, first.text = first.text, None
        first.insert(0, anchor)


def _tab_aliases(ctx: Context) -> None:
    """GitHub drops a tab in a heading (``TAG-Security<tab>Harbor`` is ``tag-securityharbor``);
    Python-Markdown has expanded it to spaces before the heading ids are made. The source still
    has it: such headings get GitHub's slug of their source text as an alias."""
    tabbed = {h.line: h.text for h in ctx.source.headings if "\t" in h.text}
    if not tabbed:
        return
    ids = {line: heading.id for heading, line in heading_lines(ctx) if line}
    if ctx.structure.title_id:  # the title heading is the first heading with the title's letters
        title = letters(ctx.structure.title)
        line = next((h.line for h in ctx.source.headings if letters(h.text) == title), None)
        if line is not None:
            ids.setdefault(line, ctx.structure.title_id)
    for line, text in tabbed.items():
        if line in ids:
            ctx.structure.anchors.alias(github_slug(re.sub(r"[*_`]|\{[#.:][^}]*\}\s*$", "", text)), ids[line])
