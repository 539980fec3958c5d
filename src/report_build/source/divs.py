"""Pandoc fenced divs, ``::: {.class #id key="value"}`` ... ``:::``, and the conditions on them.

``content-visible`` / ``content-hidden`` with ``when-``/``unless-`` ``format`` (pdf, epub,
web, docx; Quarto's names too, :data:`QUARTO_FORMATS`), ``edition`` (screen, print) and
``profile`` decide whether a passage is kept; a Quarto callout (``.callout-note`` ...) is
written as the ``!!! note`` callout; any other div becomes a ``<div>`` whose content stays
Markdown. :mod:`.compose` reads the lines; this module decides.

Profiles mean what they mean in Quarto: ``content-visible when-profile="brief"`` shows a passage
only when building with ``--profile brief``, ``content-hidden when-profile="brief"`` leaves it out
of the brief and keeps it everywhere else (``unless-profile`` is the opposite of ``when-profile``).
A passage without a profile condition is in every build. The build without ``--profile`` is
named ``full``, so ``when-profile="full"`` marks what only the full report shows.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..contract import NUMBERED_CALLOUT, callout_kind
from ..errors import ManuscriptError

FORMATS = ("pdf", "epub", "web", "docx")
NEVER_MADE = ("typst", "beamer", "revealjs", "pptx", "odt", "rtf", "ipynb", "gfm", "commonmark", "markdown", "jats")
"""Quarto's and pandoc's outputs that this build never makes: a passage only for them is never shown."""
QUARTO_FORMATS = {
    "html": ("web", "epub"),  # Quarto's alias: its HTML formats and ePub
    "html:js": ("web",),
    "latex": ("pdf",),
    **dict.fromkeys(NEVER_MADE, ()),
}
"""The formats Quarto names in a condition, as the formats of this build they mean (pandoc's
``when-format="html"`` matches every HTML output, ePub included)."""
EDITIONS = ("screen", "print")
FULL = "full"  # the name of the build without --profile, for when-/unless-profile
DIV_OPEN = re.compile(r"^\s{0,3}(:{3,})\s*(?:\{(.*)\}|([\w-]+))\s*:*\s*$")
DIV_CLOSE = re.compile(r"^\s{0,3}(:{3,})\s*$")
ATTRIBUTE = re.compile(r"""([.#][\w:-]+)|([\w-]+)=("[^"]*"|'[^']*'|\S+)""")
CALLOUTS = {"note": "note", "tip": "tip", "warning": "warning", "important": "important", "caution": "caution"}
CONDITION_KEYS = {f"{w}-{what}" for w in ("when", "unless") for what in ("format", "edition", "profile")}


@dataclass(frozen=True)
class Selection:
    """Which conditional passages a build keeps. ``None`` format/edition: every passage (the
    document before a writer chooses); ``None`` profile: the full report. ``formats``: the
    outputs the build makes, whose text is parsed on reading (``None``: every format's)."""

    output: str | None = None
    edition: str | None = None
    profile: str | None = None
    translation: Any = None  # a translated edition, or units being collected (source/passes/translate.py)
    formats: tuple[str, ...] | None = None


def attributes(text: str, path: Path, line: int) -> tuple[list[str], str, dict[str, str]]:
    classes: list[str] = []
    ident = ""
    attributes: dict[str, str] = {}
    for match in ATTRIBUTE.finditer(text):
        if match.group(1):
            if match.group(1).startswith("."):
                classes.append(match.group(1)[1:])
            else:
                ident = match.group(1)[1:]
        else:
            value = match.group(3)
            if value[:1] in "\"'":
                value = value[1:-1]
            attributes[match.group(2)] = value
    leftover = ATTRIBUTE.sub("", text).strip()
    if leftover:
        raise ManuscriptError(f"fenced div attributes not understood: '{leftover}'", path, line)
    return classes, ident, attributes


def visible(
    classes: list[str], attributes: dict[str, str], selection: Selection, path: Path, line: int
) -> tuple[bool | None, bool, bool]:
    """(shown?, names the profile being built?, depends on format or edition?) for a
    content-visible or content-hidden div; (None, False, False) for any other div."""
    kind = next((c for c in classes if c in ("content-visible", "content-hidden")), None)
    conditions = {k: v for k, v in attributes.items() if k in CONDITION_KEYS}
    if kind is None:
        if conditions:
            raise ManuscriptError(
                f"'{next(iter(conditions))}' works on ::: {{.content-visible}} or ::: {{.content-hidden}} only",
                path,
                line,
            )
        return None, False, False
    hits: list[bool] = []
    undecided = names_profile = conditional = False
    for key, value in conditions.items():
        mode, what = key.split("-")
        names = value.replace(",", " ").split()
        known = {"format": FORMATS, "edition": EDITIONS, "profile": None}[what]
        for name in names:
            if known is not None and name not in known and not (what == "format" and name in QUARTO_FORMATS):
                raise ManuscriptError(f"{key}: unknown {what} '{name}' (choose from {', '.join(known)})", path, line)
        if what == "format":
            names = [meant for name in names for meant in QUARTO_FORMATS.get(name, (name,))]
        if what == "profile":
            current = selection.profile or FULL
            hits.append((current in names) == (mode == "when"))
            names_profile = names_profile or (selection.profile is not None and current in names)
            continue
        conditional = True
        current = selection.output if what == "format" else selection.edition
        if current is None:  # before a writer chooses: every passage is kept
            undecided = True
            continue
        hits.append((current in names) == (mode == "when"))
    if undecided:  # kept until the writer chooses, unless a profile condition already leaves it out
        return kind == "content-hidden" or all(hits), names_profile, conditional
    shown = all(hits) if kind == "content-visible" else not all(hits)
    return shown, names_profile, conditional


def callout_heading(
    classes: list[str], attributes: dict[str, str], numbered: list[tuple[str, int]], start: int
) -> tuple[int, str] | None:
    """A Quarto callout without a ``title`` whose content opens with a heading (``## Data
    availability``): the heading's position in ``numbered`` and its text, the callout's title as
    Quarto shows it (not a section of the report). None otherwise."""
    if "title" in attributes or not any(c.startswith("callout-") and c[8:] in CALLOUTS for c in classes):
        return None
    position = next((i for i in range(start, len(numbered)) if numbered[i][0].strip()), None)
    heading = CALLOUT_HEADING.match(numbered[position][0]) if position is not None else None
    return (position, heading.group(1)) if heading else None


def heading_attributes(title: str) -> tuple[str, str]:
    """A heading's text without its closing attribute list (``Data {#sec-data}``), and the id
    that list gives ("" when none)."""
    found = re.search(r"\s*\{([^{}]*)\}\s*$", title)
    if found is None:
        return title, ""
    ident = re.search(r"(?:^|\s)#([^\s}]+)", found.group(1))
    return title[: found.start()], ident.group(1) if ident else ""


CALLOUT_HEADING = re.compile(r"^ {0,3}#{1,6}[ \t]+(.+?)(?:[ \t]+#+)?[ \t]*$")


def div_open(classes: list[str], ident: str, attributes: dict[str, str], indent: str = "") -> list[str]:
    """The lines that open a div: a callout's (``.callout-note``) or any other's, with ``indent``
    (the div is in a list item)."""
    callout = next((CALLOUTS[c[len("callout-") :]] for c in classes if c.startswith("callout-")), None)
    id_attribute = f' id="{html.escape(ident)}"' if ident else ""
    if callout is not None:
        from .dialects.common import title_lines  # (the dialects read divs too: imported when needed)

        title = attributes.get("title", callout.capitalize())  # untitled, Quarto shows the kind: "Note"
        numbered = f" {NUMBERED_CALLOUT}" if callout_kind(ident) else ""
        lines = ["", f'{indent}<div class="admonition {callout}{numbered}"{id_attribute} markdown="1">', ""]
        if title and indent:  # in a list item, where raw HTML is read line by line: a paragraph
            lines += title_lines(html.escape(title, quote=False), "admonition-title", indent)
        elif title:
            lines[2:2] = [f'<p class="admonition-title">{html.escape(title, quote=False)}</p>', ""]
        return lines
    names = " ".join(html.escape(c) for c in classes)
    extra = "".join(
        f' {name}="{html.escape(value)}"' for name, value in attributes.items() if name in ("lang", "dir", "title")
    )
    class_attribute = f' class="{names}"' if names else ""  # ::: {custom-style="Quote"}: no class
    return ["", f'{indent}<div{class_attribute}{id_attribute}{extra} markdown="1">', ""]
