"""HackMD and CodiMD notes, read as HackMD shows them.

- ``:::spoiler Title`` … ``:::`` (``:::spoiler {state="open"} Title``): a callout a site shows
  closed (open, with ``state="open"``; the PDF always open). ``:::info``, ``:::success``,
  ``:::warning`` and ``:::danger`` are the Docusaurus reading's (:mod:`.docusaurus`);
- ``{%youtube id %}``, ``{%vimeo id %}``, ``{%gist user/id %}``, ``{%slideshare user/deck %}``,
  ``{%speakerdeck user/deck %}``, ``{%pdf https://… %}``, ``{%figma https://… %}``: a link to what
  they embed, with a warning: a report plays and shows none of them (on a line of its own, a
  video is set as Quarto's and Hugo's are);
- ``[name=Ben]`` and ``[time=Mon, Mar 4]``, which sign a quotation: the name and the time;
  ``[color=#907bf7]`` (a quotation's colour): nothing. HackMD reads them in a quote only (a line
  that starts with ``>``, in a list item too, or runs on a quote's paragraph without one), and
  never where they are a link's text (``[name=x](https://…)``, ``[time=x][ref]``): elsewhere,
  and there, they stay as written;
- ``++inserted++``: inserted text (where MkDocs' keys, ``++ctrl+c++``, read nothing);
- a fence's line numbers, ```` ```javascript= ````, ```` ```python=101 ````, ```` ```js=! ````: code in its
  language.

``[TOC]`` is Python-Markdown's own. Invariant: code is never read but for a fence's opening line;
every line keeps its number.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from pathlib import Path

import markdown
from markdown.extensions import Extension
from markdown.inlinepatterns import SimpleTagInlineProcessor

from ..text import outside_code_spans
from .common import FileContext, Numbered, colon_containers, fence_walk, markup, parameters

EMBED = re.compile(r"\{%\s*(youtube|vimeo|gist|slideshare|speakerdeck|pdf|figma)\s+(\S+?)\s*%\}")
EMBED_LINE = re.compile(r"^(\s*)" + EMBED.pattern + r"\s*$")
ADDRESSES = {
    "youtube": "https://www.youtube.com/watch?v={}",
    "vimeo": "https://vimeo.com/{}",
    "gist": "https://gist.github.com/{}",
    "slideshare": "https://www.slideshare.net/{}",
    "speakerdeck": "https://speakerdeck.com/{}",
}
VIDEOS = {"youtube", "vimeo"}
SIGNATURE = re.compile(r"([ \t]*)\[(name|time|color)=([^\[\]\n]*)\](?![(\[])")
"""A quotation's signature, and the space before it; never a link's text (a ``(`` or ``[`` after it)."""
QUOTE = re.compile(r"^[ \t]*(?:(?:[-+*]|\d{1,9}[.)])[ \t]+)*>")
"""A line of a quote: ``>`` after its indentation, or after a list item's marker."""
NOT_LAZY = re.compile(r"^[ \t]*(?:$|>|#|(?:[-+*]|\d{1,9}[.)])(?:[ \t]|$)|`{3,}|~{3,}|(?:[-*_][ \t]*){3,}$|<)")
"""A line that never runs on a quote's paragraph: blank, or starting a block of its own."""
FENCE_OPTIONS = re.compile(r"^(\s*(?:`{3,}|~{3,})\s*[\w#+.-]+)=(?:\d*)!?")
"""A fence's language with HackMD's line numbers glued to it: ``javascript=``, ``python=101``, ``js=!``."""


def lines(numbered: Numbered, context: FileContext) -> Numbered:
    """The file's lines with HackMD's syntax read."""
    text = "\n".join(line for line, _number in numbered)
    other = _other_syntax(text)
    if not other and ":::" not in text:
        return numbered
    numbered = colon_containers(numbered, context, _container, "HackMD", frozenset({"spoiler"}), text)
    if not other:
        return numbered
    out: Numbered = []
    runs_on = False  # the line before is text of a quote's paragraph, which a line without '>' may run on
    for line, number, code in fence_walk(numbered, FENCE_OPTIONS):
        if code:
            out.append((line, number))
            runs_on = False
            continue
        marker = QUOTE.match(line)
        quoted = marker is not None or (runs_on and NOT_LAZY.match(line) is None)
        runs_on = quoted and bool(line[marker.end() if marker else 0 :].strip(" \t>"))
        whole = EMBED_LINE.match(line)
        if whole is not None:
            out.extend(
                (text, number) for text in _embed_block(whole.group(1), whole.group(2), whole.group(3), number, context)
            )
            continue
        if "{%" in line:
            line = outside_code_spans(
                line, lambda text, n=number: EMBED.sub(lambda m: _embed_link(m, n, context), text)
            )
        if quoted and "=" in line and "[" in line:
            line = outside_code_spans(line, lambda text: SIGNATURE.sub(_signature, text))
        out.append((line, number))
    return out


FENCE_NUMBERS = (re.compile(r"```[ \t]*[\w#+.-]+="), re.compile(r"~~~[ \t]*[\w#+.-]+="))
SIGNATURE_ANYWHERE = re.compile(r"\[(?:name|time|color)=")


def _other_syntax(text: str) -> bool:
    """Whether a file's text (its lines joined) holds anything of this dialect's but its
    containers: most hold nothing, and are passed on after a few searches of the whole text (each
    led by a literal, which the regular expression engine finds fast)."""
    return (
        ("{%" in text and EMBED.search(text) is not None)
        or SIGNATURE_ANYWHERE.search(text) is not None
        or any(fence.search(text) is not None for fence in FENCE_NUMBERS)
    )


def _container(name: str, title: str, indent: str, number: int) -> tuple[list[str], list[str]] | None:
    if name != "spoiler":
        return None
    state = re.match(r"^\{([^{}]*)\}\s*", title)
    opened = False
    if state is not None:
        _positional, named = parameters(state.group(1))
        opened = named.get("state", "").lower() == "open"
        title = title[state.end() :]
    classes = "collapsible open" if opened else "collapsible"
    return markup.callout("note", title.strip() or "Spoiler", indent, classes), markup.close(indent)


def _address(kind: str, value: str) -> str:
    return ADDRESSES[kind].format(value) if kind in ADDRESSES else value


def _embed_block(indent: str, kind: str, value: str, number: int, context: FileContext) -> list[str]:
    url = _address(kind, value)
    if kind in VIDEOS:
        context.warn(f"video {url} cannot play in print or an e-reader: a link to it is shown in its place", number)
        return markup.video(url, "", indent)
    context.warn(f"HackMD {kind} embed of {url}: a report cannot show it; a link to it is shown", number)
    return ["", f"{indent}[{_escaped(url)}]({url})", ""]


def _embed_link(match: re.Match[str], number: int, context: FileContext) -> str:
    kind, value = match.group(1), match.group(2)
    url = _address(kind, value)
    context.warn(f"HackMD {kind} embed of {url}: a report cannot show it; a link to it is shown", number)
    return f"[{_escaped(url)}]({url})"


def _escaped(text: str) -> str:
    return text.replace("[", "\\[").replace("]", "\\]")


def _signature(match: re.Match[str]) -> str:
    """A quotation's signature: the name or the time as text; a colour, nothing (nor the space before it)."""
    space, kind, value = match.groups()
    if kind == "color":
        return ""
    return space + value.strip()


# -- inserted text -----------------------------------------------------------------------------

INSERTED = r"(?<![+\w])(\+\+)(?![+\s])(.+?)(?<![+\s])\+\+(?![+\w])"
"""``++text++`` as markdown-it-ins reads it: not next to another ``+`` or a letter outside, no
space inside at either end (``C++ and C++`` is no insertion)."""


class InsertedExtension(Extension):
    """``++text++`` as ``<ins>``, after MkDocs' keys (``++ctrl+alt+del++``) have read theirs."""

    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 (Python-Markdown's name)
        md.inlinePatterns.register(SimpleTagInlineProcessor(INSERTED, "ins"), "report_build_hackmd_ins", 10)


def extension(path: Path, warn: Callable[[str, str], None], lines: Sequence[str] = ()) -> Extension:
    return InsertedExtension()


__all__ = ["InsertedExtension", "extension", "lines"]
